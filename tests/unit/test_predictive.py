"""Predictive simulation keeps the observed design, and its summaries are the plain statistics."""

import numpy as np
import pandas as pd
import pytest

from ssmlan import simulate
from ssmlan.likelihoods.ddm_analytic import ddm_choice_logp, ddm_mean_decision_time
from ssmlan.models import get_model
from ssmlan.pymc.box_model import box_model
from ssmlan.pymc.gonogo import gonogo_model, simulate_gonogo
from ssmlan.pymc.predictive import predictive, predictive_chunks, prior_draws
from ssmlan.pymc.regression import model as regression_model
from ssmlan.pymc.stack import from_posterior
from ssmlan.pymc.summaries import QUANTILES, Cells, rt_edges, summarise

DDM = get_model("ddm")


def _constant(values: dict, n_chains: int = 2, n_draws: int = 100):
    """A posterior whose every draw is ``values``."""
    return from_posterior(
        {
            name: np.broadcast_to(np.asarray(value, float), (n_chains, n_draws, *np.shape(value)))
            for name, value in values.items()
        }
    )


def _two_conditions(n: int = 300) -> pd.DataFrame:
    frames = []
    for k, v in enumerate((0.5, 1.5)):
        sims = simulate("ddm", {"v": v, "a": 1.0, "z": 0.5, "t": 0.3}, n, seed=k)
        frames.append(pd.DataFrame({"rt": sims.rt, "choice": sims.choice, "stim": f"s{k}"}))
    return pd.concat(frames, ignore_index=True)


def test_each_condition_is_simulated_with_its_own_parameters():
    """P(upper) and mean rt per condition match the analytic DDM at each condition's drift.
    200 data sets x 300 trials per condition: the SE of P(upper) is below 0.002 and of the
    mean rt below 3 ms, so 0.01 and 0.02 s are > 4 SE."""
    data = _two_conditions()
    model = box_model(data, "ddm", {"v": "stim"}, likelihood="analytic")
    sims = predictive(
        _constant({"v": [0.5, 1.5], "a": 1.0, "z": 0.5, "t": 0.3}), model, progressbar=False
    )
    assert sims["rt"].shape == (2, 100, len(data))
    stim = data["stim"].to_numpy()
    for level, v in (("s0", 0.5), ("s1", 1.5)):
        choice = sims["choice"].values[..., stim == level]
        rt = sims["rt"].values[..., stim == level]
        p_upper = np.exp(ddm_choice_logp(1.0, v, 1.0, 0.5))
        assert abs((choice == 1).mean() - p_upper) < 0.01
        assert abs(np.nanmean(rt) - (0.3 + ddm_mean_decision_time(v, 1.0, 0.5))) < 0.02


def test_each_participant_is_simulated_with_their_own_parameters():
    """A regression with a group effect: participant p1's drift is higher by the effect,
    through the link into the box; P(upper) per participant matches the analytic DDM
    (tolerance as above)."""
    rng = np.random.default_rng(0)
    data = pd.DataFrame(
        {
            "rt": rng.uniform(0.5, 1.5, 400),
            "choice": rng.choice([-1, 1], 400),
            "participant_id": np.repeat(["p0", "p1"], 200),
        }
    )
    model = regression_model(data, "ddm", v="1 + (1|participant_id)", likelihood="analytic", z=0.5)
    values = {
        "v_Intercept": 0.2,
        "v_1|participant_id_sigma": 1.0,
        "v_1|participant_id_offset": [-0.3, 0.4],
        "a": 1.2,
        "t": 0.25,
    }
    sims = predictive(_constant(values), model, n_draws=None, progressbar=False)
    v_param = DDM.param("v")
    for k, participant in enumerate(("p0", "p1")):
        v = float(v_param.to_box(np.array(0.2 + [-0.3, 0.4][k]), np))
        chosen = sims["choice"].values[..., data["participant_id"].to_numpy() == participant]
        assert abs((chosen == 1).mean() - np.exp(ddm_choice_logp(1.0, v, 1.2, 0.5))) < 0.01


def test_withheld_presses_keep_no_rt():
    """Go/NoGo: a simulated withheld press (choice -1) has no rt, as in the data; presses
    have one."""
    data = simulate_gonogo(200, seed=1)
    model = gonogo_model(data, likelihood="analytic")
    sims = predictive(
        _constant({"v": 1.0, "a": 1.0, "t": 0.3}), model, n_draws=20, progressbar=False
    )
    choice, rt = sims["choice"].values, sims["rt"].values
    assert np.all(np.isnan(rt[choice == -1])) and np.all(np.isfinite(rt[choice == 1]))
    nogo = data["condition"].to_numpy() == "nogo"
    assert (choice[..., nogo] == -1).mean() > (choice[..., ~nogo] == -1).mean() + 0.3


def test_chunks_cover_every_draw_once():
    data = _two_conditions(50)
    model = box_model(data, "ddm", likelihood="analytic")
    posterior = _constant({"v": 1.0, "a": 1.0, "z": 0.5, "t": 0.3}, n_draws=30)
    chunks = list(
        predictive_chunks(posterior, model, n_draws=None, chunk_trials=500, progressbar=False)
    )
    # 500 trials per chunk, 2 chains x 100 trials per draw: 2 draws per chunk
    assert [start for start, _ in chunks] == list(range(0, 30, 2))
    draws = np.concatenate([chunk["draw"].values for _, chunk in chunks])
    np.testing.assert_array_equal(draws, np.arange(30))


def test_prior_predictive_varies_with_the_prior():
    data = _two_conditions(50)
    model = box_model(data, "ddm", likelihood="analytic")
    draws = prior_draws(model, n_draws=40, seed=3)
    sims = predictive(draws, model, n_draws=None, progressbar=False)
    assert sims["rt"].shape == (1, 40, 100)
    p_upper = (sims["choice"].values == 1).mean(axis=-1)[0]
    assert p_upper.std() > 0.1  # v over its box [-3, 3] moves P(upper) between ~0 and ~1


def test_an_unknown_posterior_is_refused():
    data = _two_conditions(20)
    model = box_model(data, "ddm", likelihood="analytic")
    with pytest.raises(ValueError, match=r"lacks the model's variables \['z', 't'\]"):
        predictive(_constant({"v": 1.0, "a": 1.0}), model, progressbar=False)


def test_summaries_are_the_plain_statistics():
    rng = np.random.default_rng(2)
    rt = rng.uniform(0.3, 2.0, (3, 500))
    choice = rng.choice([-1, 1], (3, 500))
    rt[:, :50] = np.nan  # no rt
    cells = Cells.of(pd.DataFrame({"c": np.repeat(["x", "y"], 250)}), ["c"])
    edges = rt_edges(rt[0])
    summary = summarise(rt, choice, cells, (-1, 1), edges)
    in_y = slice(250, 500)
    chosen = choice[1, in_y] == 1
    assert summary.p_choice[1, 1, 1] == pytest.approx(chosen.mean())
    np.testing.assert_allclose(
        summary.quantiles[1, 1, 1], np.quantile(rt[1, in_y][chosen], QUANTILES)
    )
    assert summary.p_no_rt[0, 0] == pytest.approx(0.2) and summary.p_no_rt[0, 1] == 0
    area = (summary.density[2] * np.diff(edges)).sum(axis=(1, 2))
    np.testing.assert_allclose(area, 1 - summary.p_no_rt[2], atol=1e-12)
    assert summary.mean_rt[0, 1] == pytest.approx(rt[0, in_y].mean())
