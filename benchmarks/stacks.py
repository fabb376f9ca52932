"""The demo and `benchmarks/inference.py` on both PyMC stacks, in one run, as ratios.

Python 3.11 runs PyMC 5 / PyTensor 2 / ArviZ 0.x; Python 3.12 runs PyMC 6 / PyTensor 3 /
ArviZ 1 (`make test` builds both environments). The demo's wall time is the median of
``--repeats`` runs of ``ssmlan demo`` (the main job, shipped networks, NUTS); the inference
benchmark's ESS/s per route and sampler come from one run of it per stack. Ratios are PyMC 6
over PyMC 5: above 1, the new stack is faster.

Usage: python benchmarks/stacks.py [--python311 .venv/bin/python] [--python312
.venv-312/bin/python] [--repeats 3] [--skip-inference]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^(?P<name>.+?)\s+wall\s+(?P<wall>[\d.]+) s .*ESS/s\s+(?P<ess_s>[\d.]+)")


def versions(python: str) -> str:
    code = (
        "import sys, pymc, pytensor, arviz; print(f'Python {sys.version.split()[0]}, pymc "
        "{pymc.__version__}, pytensor {pytensor.__version__}, arviz {arviz.__version__}')"
    )
    return subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout


def demo_seconds(python: str, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run(
                [python, "-m", "ssmlan.cli", "demo", "--out", out],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            times.append(time.perf_counter() - start)
    return times


def inference_ess_per_second(python: str) -> dict[str, float]:
    result = subprocess.run(
        [python, str(ROOT / "benchmarks" / "inference.py")],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    rows = {}
    for line in result.stdout.splitlines():
        match = ROW.match(line)
        if match:
            rows[match["name"].strip()] = float(match["ess_s"])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python311", default=str(ROOT / ".venv" / "bin" / "python"))
    parser.add_argument("--python312", default=str(ROOT / ".venv-312" / "bin" / "python"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-inference", action="store_true")
    args = parser.parse_args()
    stacks = {"PyMC 5": args.python311, "PyMC 6": args.python312}
    demo, ess = {}, {}
    for label, python in stacks.items():
        print(f"{label}: {versions(python).strip()}", flush=True)
        demo[label] = demo_seconds(python, args.repeats)
        print(f"  demo: {', '.join(f'{t:.1f}' for t in demo[label])} s", flush=True)
        if not args.skip_inference:
            ess[label] = inference_ess_per_second(python)
            for name, value in ess[label].items():
                print(f"  {name:<48} ESS/s {value:7.1f}", flush=True)
    old, new = (statistics.median(demo[k]) for k in stacks)
    print(
        f"\ndemo wall (median of {args.repeats}): PyMC 5 {old:.1f} s, PyMC 6 {new:.1f} s, "
        f"speed ratio PyMC 6 / PyMC 5 = {old / new:.2f}"
    )
    if ess:
        print("ESS/s ratio PyMC 6 / PyMC 5 per route and sampler:")
        for name, value in ess["PyMC 5"].items():
            other = ess["PyMC 6"].get(name)
            ratio = f"{other / value:.2f}" if other and value else "n/a"
            print(f"  {name:<48} {value:7.1f} -> {other or float('nan'):7.1f}  ratio {ratio}")


if __name__ == "__main__":
    main()
