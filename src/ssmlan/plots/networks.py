"""Figures for trained networks: LAN densities over simulator histograms, CPN curves."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ssmlan.networks import Network
from ssmlan.simulate import simulate


def plot_lan_overlays(net: Network, n_sims: int = 50_000, seed: int = 0) -> Figure:
    """Simulator histograms (signed rt) with the LAN density, while ``v`` varies."""
    spec = net.spec
    base = spec.defaults.copy()
    base[spec.param_names.index("a")] = 1.2
    base[spec.shift_index] = 0.3
    drifts = (-1.5, -0.5, 0.5, 1.5)
    fig = Figure(figsize=(4 * len(drifts), 3.2))
    axes = fig.subplots(1, len(drifts), sharey=True)
    for ax, v in zip(axes, drifts, strict=True):
        theta = base.copy()
        theta[spec.param_names.index("v")] = v
        sims = simulate(spec, theta, n_sims, seed=seed)
        signed = (sims.rt * sims.choice)[np.isfinite(sims.rt)]
        ax.hist(signed, bins=np.linspace(-5, 5, 201), density=True, color="0.75", label="simulator")
        grid = np.linspace(0.001, 5, 1000)
        for c in (-1, 1):
            density = np.exp(net.logp(theta, grid, np.full(len(grid), c)))
            ax.plot(c * grid, density, color="C3", lw=1.5, label="LAN" if c == 1 else None)
        ax.set_title(f"{spec.name}: v = {v:g}, a = 1.2, t = 0.3")
        ax.set_xlabel("choice x rt (s)")
    axes[0].set_ylabel("density")
    axes[0].legend()
    fig.tight_layout()
    return fig


def plot_cpn_curves(net: Network) -> Figure:
    """CPN P(choice = +1) against v for five z across the box (closed form dashed where it
    exists)."""
    spec = net.spec
    v_index = spec.param_names.index("v")
    v_grid = np.linspace(spec.params[v_index].lower, spec.params[v_index].upper, 200)
    z_param = spec.param("z")
    starts = z_param.lower + z_param.width * np.array([0.125, 0.3125, 0.5, 0.6875, 0.875])
    fig = Figure(figsize=(5.5, 3.8))
    ax = fig.subplots()
    for i, z in enumerate(starts):
        theta = np.tile(spec.defaults, (len(v_grid), 1))
        theta[:, v_index] = v_grid
        theta[:, spec.param_names.index("z")] = z
        ax.plot(v_grid, net.choice_prob(theta), color=f"C{i}", label=f"z = {z:g}")
        if spec.analytic_choice_logp is not None:
            by_name = dict(zip(spec.param_names, theta.T, strict=True))
            exact = np.exp(spec.analytic_choice_logp(1, **by_name))
            ax.plot(v_grid, exact, color=f"C{i}", ls="--", lw=1)
    ax.set_xlabel("v")
    ax.set_ylabel("P(choice = +1)")
    ax.set_title(
        f"{spec.name} CPN (dashed: closed form)"
        if spec.analytic_choice_logp
        else f"{spec.name} CPN"
    )
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
