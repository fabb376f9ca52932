"""SBC's rank test: uniform ranks pass, ranks piled at one end fail."""

import numpy as np

from ssmlan.checks.calibration import N_RANK_DRAWS, n_bins, rank_counts, summarise_sbc


def _fits(rank_fn, n=200, seed=0):
    rng = np.random.default_rng(seed)
    return [{"ranks": {p: int(rank_fn(rng)) for p in "vazt"}} for _ in range(n)]


def test_uniform_ranks_pass():
    summary = summarise_sbc("ddm", _fits(lambda rng: rng.integers(0, N_RANK_DRAWS + 1)))
    assert all(summary[p]["passed"] for p in "vazt")
    assert all(abs(summary[p]["mean_rank_fraction"] - 0.5) < 0.1 for p in "vazt")


def test_biased_ranks_fail():
    # The truth sits above most draws: the posterior underestimates (as the 2021 LAN does for a).
    summary = summarise_sbc("ddm", _fits(lambda rng: min(rng.integers(40, 140), N_RANK_DRAWS)))
    assert not any(summary[p]["passed"] for p in "vazt")
    assert all(summary[p]["p_value"] < 1e-6 for p in "vazt")


def test_too_wide_posteriors_fail():
    # Ranks bunched in the middle: posteriors wider than they should be.
    summary = summarise_sbc("ddm", _fits(lambda rng: rng.integers(30, 70)))
    assert not any(summary[p]["passed"] for p in "vazt")


def test_bins_cover_every_rank_once():
    assert rank_counts(np.arange(N_RANK_DRAWS + 1), 10).tolist() == [10] * 10
    assert n_bins(100) == 20 and n_bins(10) == 2 and n_bins(1000) == 20
