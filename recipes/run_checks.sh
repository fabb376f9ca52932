#!/usr/bin/env bash
# Runs every posterior check on the shipped networks and copies the reports the README shows
# into docs/checks/<check>/ (summary.json) and docs/figures/ (plots). Run from the repository
# root with the project environment: `make checks`. N sets the number of data sets per check
# (the checks' default is 100; the README states how many each published number used).
set -euo pipefail
N=${N:-100}
OUT=${OUT:-build/checks}
run() {  # run <check> <model> <n data sets>
    local check=$1 model=$2 n=$3
    ssmlan check "$check" --model "$model" --n-datasets "$n" --out "$OUT/${check}_${model}" \
        > "$OUT/${check}_${model}.log" 2>&1
    mkdir -p "docs/checks/${check}_${model}"
    cp "$OUT/${check}_${model}/summary.json" "docs/checks/${check}_${model}/"
    cp "$OUT/${check}_${model}/"*.png "docs/figures/check_${check}_${model}.png"
}
mkdir -p "$OUT"
run posterior ddm "$N"
run sbc ddm "${N_SBC:-$N}"
ssmlan check sbc --model ddm --n-datasets "${N_SBC:-$N}" --likelihood analytic \
    --out "$OUT/sbc_ddm_analytic" > "$OUT/sbc_ddm_analytic.log" 2>&1
mkdir -p docs/checks/sbc_ddm_analytic
cp "$OUT/sbc_ddm_analytic/summary.json" docs/checks/sbc_ddm_analytic/
cp "$OUT/sbc_ddm_analytic/ranks.png" docs/figures/check_sbc_ddm_analytic.png
run gonogo ddm "$N"
run recovery ddm "$N"
run recovery angle "$N"
python recipes/check_tables.py docs/checks > docs/checks/tables.md
