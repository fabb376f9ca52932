"""ssmlan, HSSM 0.5 and bambi in one environment: each imports and fits a small model.

Run in the benchmark environment (`make .venv-bench/.installed`, Python 3.12), which installs
ssmlan together with ``hssm==0.5.0`` and ``bambi>=0.21``: the same 600 ddm trials are fitted by
ssmlan (analytic and network likelihood) and by HSSM (analytic), and a linear regression by
bambi; the ddm fits' posterior means are printed side by side.

Usage: .venv-bench/bin/python benchmarks/together.py
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import ssmlan
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.sampling import sample

TRUTH = {"v": 1.0, "a": 1.0, "z": 0.5, "t": 0.3}
DRAWS = TUNE = 300


def main() -> None:
    import bambi
    import hssm

    print(f"ssmlan {ssmlan.__version__}, HSSM {hssm.__version__}, bambi {bambi.__version__}")
    sims = ssmlan.simulate("ddm", TRUTH, 600, seed=1)
    data = pd.DataFrame({"rt": sims.rt, "response": sims.choice.astype(float)})
    means = {}
    for likelihood in ("analytic", "network"):
        model = box_model(data, "ddm", likelihood=likelihood, route="jax")
        post = sample(model, "nutpie", DRAWS, TUNE, 2, 0, log_likelihood=False).posterior
        means[f"ssmlan {likelihood}"] = {name: float(post[name].mean()) for name in TRUTH}
    model = hssm.HSSM(data=data, model="ddm", loglik_kind="analytical", p_outlier=None)
    idata = model.sample(
        sampler="numpyro",
        draws=DRAWS,
        tune=TUNE,
        chains=2,
        random_seed=0,
        idata_kwargs={"log_likelihood": False},
        progressbar=False,
    )
    posterior = idata["posterior"].to_dataset()
    means["HSSM analytic"] = {name: float(posterior[name].mean()) for name in TRUTH}
    print(pd.DataFrame(means).assign(true=pd.Series(TRUTH)).round(3).to_string())
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200)})
    frame["y"] = 0.5 + 2.0 * frame["x"] + rng.normal(scale=0.5, size=200)
    fit = bambi.Model("y ~ x", frame).fit(draws=200, tune=200, chains=1, progressbar=False)
    slope = float(fit["posterior"]["x"].mean())
    print(f"bambi y ~ x: slope {slope:.3f} (true 2.0)")


if __name__ == "__main__":
    main()
