"""Recalibrate a LAN file's quadrature node count (``mass_nodes``) for this ssmlan's mass rule.

`ssmlan train` calibrates the count when it writes a LAN; run this when the rule changes under
networks already trained (it did when the angle mass came to stop where the boundary closes:
512 -> 64 nodes). Weights are untouched; the file is rewritten with a fresh checksum.

    python recipes/recalibrate_mass_nodes.py src/ssmlan/networks/pretrained/angle_lan.npz
"""

from __future__ import annotations

import argparse
import dataclasses

from ssmlan.networks import load_network
from ssmlan.networks.model_file import save_network
from ssmlan.networks.network import calibrate_mass_nodes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="LAN files to rewrite")
    for path in parser.parse_args().paths:
        net = load_network(path, "lan")
        nodes = calibrate_mass_nodes(net)
        print(f"{path}: mass_nodes {net.meta.get('mass_nodes')} -> {nodes}")
        save_network(dataclasses.replace(net, meta={**net.meta, "mass_nodes": nodes}), path)


if __name__ == "__main__":
    main()
