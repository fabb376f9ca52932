"""Markdown tables of the checks' summary.json files in docs/checks/ (printed; run_checks.sh
writes them to docs/checks/tables.md for the README)."""

import json
import sys
from pathlib import Path

MODELS = ("ddm", "angle", "weibull", "ddm_sdv", "ornstein", "levy", "full_ddm")

# Recovery R^2 of the LAN paper's MLP networks at 1024 trials (Fengler et al. 2021, eLife
# 10:e65074, Appendix 1, table 1; its DDM, DDM-SDV, LC, OU, Levy, Weibull and Full-DDM rows, with
# its w, ndt, dw, sdv, dndt as our z, t, sz, sv, st). Our recovery tables are read against it.
LAN_PAPER_R2 = {
    "ddm": {"v": 1.0, "a": 1.0, "z": 0.99, "t": 1.0},
    "ddm_sdv": {"v": 0.95, "a": 0.94, "z": 0.96, "t": 1.0, "sv": 0.57},
    "angle": {"v": 0.99, "a": 0.93, "z": 0.97, "t": 1.0, "theta": 0.98},
    "ornstein": {"v": 0.98, "a": 0.89, "z": 0.98, "t": 0.99, "g": 0.12},
    "levy": {"v": 0.96, "a": 0.94, "z": 0.84, "t": 1.0, "alpha": 0.33},
    "weibull": {"v": 0.99, "a": 0.82, "z": 0.96, "t": 1.0, "alpha": 0.20, "beta": 0.43},
    "full_ddm": {"v": 0.95, "a": 0.94, "z": 0.88, "t": 1.0, "sz": 0.0, "sv": 0.28, "st": 0.47},
}


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def posterior_rows(summary: dict) -> tuple[list[str], list[list[str]]]:
    header = ["parameter", "mean abs diff (SDs)", "max", "SD ratio"]
    rows = [
        [p, f"{s['mean_abs_diff_sd']:.2f}", f"{s['max_abs_diff_sd']:.2f}", f"{s['sd_ratio']:.2f}"]
        for p, s in summary.items()
    ]
    return header, rows


def sbc_rows(summary: dict) -> tuple[list[str], list[list[str]]]:
    header = ["parameter", "chi-square p", "mean rank / L", "uniform (p >= 0.01)"]
    rows = [
        [
            p,
            f"{s['p_value']:.3g}",
            f"{s['mean_rank_fraction']:.2f}",
            "yes" if s["passed"] else "no",
        ]
        for p, s in summary.items()
    ]
    return header, rows


def gonogo_rows(summary: dict) -> tuple[list[str], list[list[str]]]:
    header = [
        "parameter",
        "SD ratio with / without (median)",
        "coverage 50/90 with",
        "coverage 50/90 without",
    ]
    rows = [
        [
            p,
            f"{s['sd_ratio_median']:.2f}",
            f"{s['coverage50_with_withheld']:.2f} / {s['coverage90_with_withheld']:.2f}",
            f"{s['coverage50_without_withheld']:.2f} / {s['coverage90_without_withheld']:.2f}",
        ]
        for p, s in summary.items()
    ]
    return header, rows


def recovery_rows(model: str, summary: dict) -> tuple[list[str], list[list[str]]]:
    header = ["parameter", "R^2", "LAN paper R^2", "posterior SD / prior SD", "50% / 90% coverage"]
    paper = LAN_PAPER_R2.get(model, {})
    rows = [
        [
            p,
            f"{s['r2']:.3f}",
            f"{paper[p]:.2f}" if p in paper else "-",
            f"{s['sd_ratio_to_prior']:.2f}" if "sd_ratio_to_prior" in s else "-",
            f"{s['coverage_50']:.2f} / {s['coverage_90']:.2f}",
        ]
        for p, s in summary.items()
    ]
    return header, rows


def main(root: Path) -> None:
    def show(name: str, title: str, rows) -> None:
        path = root / name / "summary.json"
        if path.exists():
            header, body = rows(json.loads(path.read_text()))
            print(f"{title}\n\n{table(header, body)}\n")

    for model in MODELS:
        show(f"posterior_{model}", f"check posterior ({model})", posterior_rows)
    show("sbc_ddm", "check sbc (ddm, networks)", sbc_rows)
    show("sbc_ddm_analytic", "check sbc (ddm, analytic control)", sbc_rows)
    for model in MODELS:
        show(f"gonogo_{model}", f"check gonogo ({model})", gonogo_rows)
    for model in MODELS:
        show(
            f"recovery_{model}",
            f"check recovery ({model})",
            lambda summary, model=model: recovery_rows(model, summary),
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/checks"))
