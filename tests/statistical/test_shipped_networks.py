"""The shipped networks meet their validation targets, on the protocols of `ssmlan validate`.

Seeded and deterministic (the simulator's streams do not depend on the thread count), so the
numbers are those of the shipped ``*.validation.json`` files; a retrained network that misses a
target fails here.
"""

import pytest

from ssmlan.checks.network_report import (
    MNLE_BOX,
    TARGETS,
    cpn_vs_reference,
    lan_vs_analytic,
    lan_vs_simulation,
)
from ssmlan.networks import load_network

#: LANs gated against the simulator (docs/networks.md): mass per choice and Hellinger ratio of the
#: likelihood inference uses, the LAN rescaled to the CPN. Measured: angle mass 0.018, Hellinger
#: ratio 2.42; ddm_sdv 0.0037, 2.57; full_ddm 0.010, 1.82; weibull 0.019, 2.84; ornstein 0.019,
#: 2.31; levy 0.018, 1.83 (slow: its simulator needs dt = 1e-3, minutes here).
SIMULATOR_GATED = (
    "angle",
    "ddm_sdv",
    "full_ddm",
    "weibull",
    "ornstein",
    pytest.param("levy", marks=pytest.mark.slow),
)


@pytest.mark.parametrize("model", SIMULATOR_GATED)
def test_lan_rescaled_to_the_cpn_meets_the_simulator_gate(model):
    cpn = load_network(model, "cpn")
    report = lan_vs_simulation(load_network(model, "lan"), 50, 100_000, seed=0, cpn=cpn)
    assert report["max_mass_abs_error"] <= TARGETS["mass_abs_error"]
    assert report["max_hellinger_ratio"] <= TARGETS["hellinger_ratio"]
    assert report["median_hellinger_ratio"] < 1.1  # measured 0.95 / 0.79: simulation noise


def test_angle_lan_alone_meets_the_simulator_gate_too():
    report = lan_vs_simulation(load_network("angle", "lan"), 50, 100_000, seed=0)
    # Measured: mass 0.019, Hellinger ratio 2.35. (The ddm_sdv LAN alone misses the mass by
    # up to 0.065 where a choice is rare; rescaled to its CPN it is within 0.004.)
    assert report["max_mass_abs_error"] <= TARGETS["mass_abs_error"]
    assert report["max_hellinger_ratio"] <= TARGETS["hellinger_ratio"]


def test_ddm_sdv_lan_matches_its_closed_form_over_the_training_box():
    cpn = load_network("ddm_sdv", "cpn")
    report = lan_vs_analytic(load_network("ddm_sdv", "lan"), None, 200, cpn=cpn)
    # Measured on 1000 sets: mean abs error 0.013, p99 0.072 (the ddm LAN: 0.011, 0.059).
    assert report["mean_abs_error"] < 0.02
    assert report["p99_abs_error"] < 0.1


def test_ddm_sdv_cpn_matches_the_closed_form():
    report = cpn_vs_reference(load_network("ddm_sdv", "cpn"), 10_000)
    assert report["max_abs_error"] <= TARGETS["ddm_cpn_max_abs_error"]  # measured 0.0049


def test_ddm_lan_matches_the_analytic_density_on_the_mnle_protocol():
    report = lan_vs_analytic(load_network("ddm", "lan"), MNLE_BOX, 200)
    # Target 0.19 (2021 LAN 0.189); measured 0.00016 on 1000 sets. 0.001 catches any real
    # regression far before the target does.
    assert report["mean_huber"] < 0.001
    assert report["p99_abs_error"] < 0.1


def test_ddm_cpn_matches_the_closed_form():
    report = cpn_vs_reference(load_network("ddm", "cpn"), 10_000)
    assert report["max_abs_error"] <= TARGETS["ddm_cpn_max_abs_error"]  # measured 0.0089


def test_compact_ddm_lan_matches_the_analytic_density_over_the_training_box():
    cpn = load_network("ddm", "cpn")
    report = lan_vs_analytic(load_network("ddm_compact_lan"), None, 200, cpn=cpn)
    # Measured on 1000 sets (its validation file): mean 0.018, p99 0.088 without the CPN; the
    # ensemble 0.011, 0.059. Distilled from it, so it is never better.
    assert report["mean_abs_error"] < 0.025
    assert report["p99_abs_error"] < 0.12
