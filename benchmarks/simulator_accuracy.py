"""Accuracy and speed of the simulators against the step size dt (the table in the README).

ddm: exact references (analytic CDF and mean). Other Gaussian models: two-sample KS against the
same simulator at dt = 1e-4 (reference). Run: ``python benchmarks/simulator_accuracy.py``.
"""

import sys
import time

import numpy as np
from scipy.stats import ks_2samp, kstest

import ssmlan
from ssmlan.checks.ddm_reference import ddm_mean_rt, ddm_signed_rt_cdf

DTS = (1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2)
N = 200_000
DDM_SETS = [
    dict(v=1.0, a=1.5, z=0.5, t=0.5),
    dict(v=3.0, a=0.3, z=0.5, t=0.2),
    dict(v=-2.0, a=0.5, z=0.2, t=1.0),
    dict(v=0.5, a=2.0, z=0.8, t=0.0),
]
OTHER_SETS = {
    "angle": [
        dict(v=1.0, a=1.5, z=0.5, t=0.5, theta=0.5),
        dict(v=-1, a=0.4, z=0.3, t=0.2, theta=1.2),
    ],
    "weibull": [
        dict(v=1.0, a=1.5, z=0.5, t=0.5, alpha=0.5, beta=1.0),
        dict(v=0.5, a=0.5, z=0.5, t=0.2, alpha=4.0, beta=0.5),
    ],
    "ornstein": [
        dict(v=1.0, a=1.0, z=0.5, g=0.8, t=0.5),
        dict(v=-1.0, a=0.5, z=0.5, g=-1.0, t=0.2),
    ],
    "race_3": [
        dict(v0=1.0, v1=0.5, v2=0.2, a=2.0, z0=0.2, z1=0.2, z2=0.2, t=0.3),
        dict(v0=2.5, v1=2.0, v2=0.0, a=1.0, z0=0.0, z1=0.5, z2=0.9, t=0.1),
    ],
}


def decided_mean(sims: ssmlan.Simulations) -> float:
    return float(sims.rt[np.isfinite(sims.rt)].mean())


def signed_rt(sims: ssmlan.Simulations, race: bool = False) -> np.ndarray:
    """choice * rt (two-choice) or choice + rt / 100 (race); undecided trials sort last."""
    finite = np.isfinite(sims.rt)
    if race:  # choice k maps to [k, k + 1)
        value = sims.choice + sims.rt / 100.0
    else:
        value = sims.choice * sims.rt
    return np.where(finite, value, 1e9)


def ddm_rows() -> None:
    print(f"ddm vs analytic, n={N} per set, {len(DDM_SETS)} sets")
    print("dt      max KS D   min KS p   max |mean bias| ms   max |bias|/SE   sims/s (set 0)")
    cdfs = [ddm_signed_rt_cdf(**s) for s in DDM_SETS]
    for dt in DTS:
        ks_d, ks_p, bias, zscore, rate = [], [], [], [], None
        for i, (theta, cdf) in enumerate(zip(DDM_SETS, cdfs, strict=True)):
            start = time.perf_counter()
            sims = ssmlan.simulate("ddm", theta, N, seed=11 + i, dt=dt, max_t=60.0)
            if i == 0:
                rate = N / (time.perf_counter() - start)
            test = kstest(signed_rt(sims), cdf)
            ks_d.append(test.statistic)
            ks_p.append(test.pvalue)
            diff = sims.rt.mean() - ddm_mean_rt(**theta)
            bias.append(abs(diff) * 1e3)
            zscore.append(abs(diff) / (sims.rt.std() / np.sqrt(N)))
        print(
            f"{dt:<7g} {max(ks_d):.5f}    {min(ks_p):.3g}    {max(bias):8.3f}"
            f"             {max(zscore):5.2f}        {rate:,.0f}"
        )


def other_rows() -> None:
    print("\nother Gaussian models: two-sample KS of signed RT vs the same simulator at dt=1e-4")
    for model, sets in OTHER_SETS.items():
        refs = [ssmlan.simulate(model, s, N, seed=99 + i, dt=1e-4) for i, s in enumerate(sets)]
        for dt in DTS:
            ds, ps, bias = [], [], []
            for i, (theta, ref) in enumerate(zip(sets, refs, strict=True)):
                sims = ssmlan.simulate(model, theta, N, seed=7 + i, dt=dt)
                race = model.startswith("race")
                test = ks_2samp(signed_rt(sims, race), signed_rt(ref, race))
                ds.append(test.statistic)
                ps.append(test.pvalue)
                mean_diff = decided_mean(sims) - decided_mean(ref)
                bias.append(abs(mean_diff) * 1e3)
            print(
                f"{model:<9} dt={dt:<7g} max KS D {max(ds):.5f}  min p {min(ps):.3g}  "
                f"max |mean diff| {max(bias):.2f} ms"
            )


if __name__ == "__main__":
    ddm_rows()
    if "--ddm-only" not in sys.argv:
        other_rows()
