#!/usr/bin/env bash
# Runs every posterior check on the shipped networks and copies the reports docs/checks.md shows
# into docs/checks/<check>/ (summary.json) and docs/figures/ (plots). Run from the repository
# root with the project environment: `make checks`. N sets the number of data sets per check
# (the checks' default is 100; docs/checks.md states how many each published number used).
# ONLY="recovery_weibull posterior_ddm_sdv" runs those reports only.
set -euo pipefail
N=${N:-100}
OUT=${OUT:-build/checks}
run() {  # run <check> <model> <n data sets> [<report name> <more check options>...]
    local check=$1 model=$2 n=$3 name=${4:-${1}_${2}}
    shift $(($# > 3 ? 4 : 3))
    [[ -z ${ONLY:-} || " $ONLY " == *" $name "* ]] || return 0
    ssmlan check "$check" --model "$model" --n-datasets "$n" "$@" --out "$OUT/$name" \
        > "$OUT/$name.log" 2>&1
    mkdir -p "docs/checks/$name"
    cp "$OUT/$name/summary.json" "docs/checks/$name/"
    cp "$OUT/$name/"*.png "docs/figures/check_$name.png"
}
mkdir -p "$OUT"
run posterior ddm "$N"
run sbc ddm "${N_SBC:-$N}"
run sbc ddm "${N_SBC:-$N}" sbc_ddm_analytic --likelihood analytic
run gonogo ddm "$N"
run recovery ddm "$N"
run recovery angle "$N"
# The models added later: 20 data sets each (Go/NoGo: 10), 2 chains x (500 + 500) draws.
N_MORE=${N_MORE:-20}
MORE=(--draws 500 --tune 500)
run posterior ddm_sdv "$N_MORE" posterior_ddm_sdv "${MORE[@]}"
run gonogo angle "${N_GONOGO:-10}" gonogo_angle "${MORE[@]}"
run recovery ddm_sdv "$N_MORE" recovery_ddm_sdv "${MORE[@]}"
run recovery full_ddm "$N_MORE" recovery_full_ddm "${MORE[@]}"
run recovery weibull "$N_MORE" recovery_weibull "${MORE[@]}"
run gonogo weibull "${N_GONOGO:-10}" gonogo_weibull "${MORE[@]}"
run recovery ornstein "$N_MORE" recovery_ornstein "${MORE[@]}"
run recovery levy "$N_MORE" recovery_levy "${MORE[@]}"
python recipes/check_tables.py docs/checks > docs/checks/tables.md
