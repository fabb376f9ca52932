#!/usr/bin/env bash
# The after-the-fit walkthrough on real data (docs/after_the_fit.md): two hierarchical DDMs of
# the Cavanagh et al. (2011) data, with and without a conflict effect on the drift, each with
# its posterior predictive check, then their PSIS-LOO comparison. Analytic likelihood, nutpie,
# 2 x (500 + 500): about 10 minutes on 2 cores. Usage: bash recipes/cavanagh_checks.sh [OUT]
set -euo pipefail
out=${1:-cavanagh_checks}
data="$out/cavanagh_theta.csv"
mkdir -p "$out"
python -c "from ssmlan.datasets import cavanagh_theta; cavanagh_theta().to_csv('$data', index=False)"
common=(--formula "a ~ 1 + (1|participant_id)" --formula "t ~ 1 + (1|participant_id)"
        --fix z=0.5 --likelihood analytic --sampler nutpie --draws 500 --tune 500
        --conditions stim)
ssmlan fit "$data" --out "$out/conflict" "${common[@]}" \
    --formula "v ~ 1 + C(conf) + (1|participant_id)"
ssmlan fit "$data" --out "$out/no_conflict" "${common[@]}" \
    --formula "v ~ 1 + (1|participant_id)"
ssmlan compare "$out/conflict" "$out/no_conflict" --out "$out/loo_compare.csv"
