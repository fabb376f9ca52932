"""Markdown tables of the checks' summary.json files in docs/checks/ (printed; run_checks.sh
writes them to docs/checks/tables.md for the README)."""

import json
import sys
from pathlib import Path


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def main(root: Path) -> None:
    def load(name: str) -> dict | None:
        path = root / name / "summary.json"
        return json.loads(path.read_text()) if path.exists() else None

    if summary := load("posterior_ddm"):
        print("check posterior (ddm)\n")
        rows = [
            [
                p,
                f"{s['mean_abs_diff_sd']:.2f}",
                f"{s['max_abs_diff_sd']:.2f}",
                f"{s['sd_ratio']:.2f}",
            ]
            for p, s in summary.items()
        ]
        print(table(["parameter", "mean abs diff (SDs)", "max", "SD ratio"], rows) + "\n")
    for name, label in (("sbc_ddm", "networks"), ("sbc_ddm_analytic", "analytic control")):
        if summary := load(name):
            print(f"check sbc (ddm, {label})\n")
            rows = [
                [
                    p,
                    f"{s['p_value']:.3g}",
                    f"{s['mean_rank_fraction']:.2f}",
                    "yes" if s["passed"] else "no",
                ]
                for p, s in summary.items()
            ]
            header = ["parameter", "chi-square p", "mean rank / L", "uniform (p >= 0.01)"]
            print(table(header, rows) + "\n")
    if summary := load("gonogo_ddm"):
        print("check gonogo (ddm)\n")
        rows = [
            [
                p,
                f"{s['sd_ratio_median']:.2f}",
                f"{s['coverage50_with_withheld']:.2f} / {s['coverage90_with_withheld']:.2f}",
                f"{s['coverage50_without_withheld']:.2f} / {s['coverage90_without_withheld']:.2f}",
            ]
            for p, s in summary.items()
        ]
        header = [
            "parameter",
            "SD ratio with / without (median)",
            "coverage 50/90 with",
            "coverage 50/90 without",
        ]
        print(table(header, rows) + "\n")
    for model in ("ddm", "angle"):
        if summary := load(f"recovery_{model}"):
            print(f"check recovery ({model})\n")
            rows = [
                [p, f"{s['r2']:.3f}", f"{s['coverage_50']:.2f}", f"{s['coverage_90']:.2f}"]
                for p, s in summary.items()
            ]
            print(table(["parameter", "R^2", "50% coverage", "90% coverage"], rows) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/checks"))
