#!/usr/bin/env bash
# Rebuilds the networks shipped in src/ssmlan/networks/pretrained/ from scratch:
# training data (seeded), training (seeded), validation reports, then copies the files in.
# Run from the repository root with the project environment: `make networks`.
# Simulation budget: ddm 1e8 (LAN) + 4e7 (CPN, labels from the closed form), angle 1e8 + 8e7.
set -euo pipefail
WORK=${WORK:-build/networks}
mkdir -p "$WORK"

# LAN data reach 5% past each side of the box, so the networks are as good at its edges
# (where box priors put posterior mass) as inside; their KDE labels use half Silverman's
# bandwidth for the ddm (sharper fast edge: less bias in t) and a fifth for angle, whose rt
# density can end in a cliff where the boundary closes (recipes/kde_label_ceiling.py: from
# 50,000 simulations, labels at half Silverman's bandwidth are alone 3.0x the simulation noise
# in Hellinger distance at the worst validation set, at a quarter 1.85x; from 20,000, 3.7x and
# 2.4x). Angle spreads its 1e8 simulations over more parameter sets (its LAN's mass per choice
# needs them more than less noisy labels).
ssmlan generate --model ddm --n-param-sets 2000 --n-sims 50000 --n-labels 1000 --seed 11 \
    --box-margin 0.05 --bandwidth-scale 0.5 --out "$WORK/data_ddm_lan_m05"
ssmlan generate --model ddm --n-param-sets 40000 --n-sims 1000 --n-labels 10 --seed 12 \
    --shard-size 1000 --cpn-labels analytic --out "$WORK/data_ddm_cpn"
ssmlan generate --model angle --n-param-sets 5000 --n-sims 20000 --n-labels 800 --seed 13 \
    --box-margin 0.05 --bandwidth-scale 0.2 --out "$WORK/data_angle_lan_m05"
ssmlan generate --model angle --n-param-sets 40000 --n-sims 2000 --n-labels 10 --seed 14 \
    --shard-size 1000 --out "$WORK/data_angle_cpn"

# LAN width 64 for both models, trained to the end of the schedule: validation loss on KDE labels
# is too flat to stop on (a 3x64 ddm LAN stopped by patience 10 at epoch 34 was worse than 3x32;
# run to epoch 100 it halves the posterior offsets, see docs/networks.md). Each LAN is an ensemble of
# three members (seeds 1, 2, 3, same data): averaging cuts the network's own error.
# Both LANs see about 2e8 training rows (ddm 2000 sets x 1000 labels x 100 epochs).
declare -A LAN_EPOCHS=([ddm]=100 [angle]=100)
for model in ddm angle; do
    ssmlan train --data "$WORK/data_${model}_lan_m05" --kind lan --out "$WORK/${model}_lan" \
        --hidden 64 64 64 --batch-size 2048 --epochs "${LAN_EPOCHS[$model]}" --learning-rate 2e-3 \
        --patience 100 --seed 1 --members 3
    ssmlan train --data "$WORK/data_${model}_cpn" --kind cpn --out "$WORK/${model}_cpn" \
        --hidden 64 64 64 --batch-size 512 --epochs 1000 --learning-rate 3e-3 --patience 50 --seed 1
    for kind in lan cpn; do
        ssmlan validate "$WORK/${model}_${kind}" --cpn "$WORK/${model}_cpn" > /dev/null
        cp "$WORK/${model}_${kind}/network.npz" "src/ssmlan/networks/pretrained/${model}_${kind}.npz"
        cp "$WORK/${model}_${kind}/validation_${kind}.json" \
            "src/ssmlan/networks/pretrained/${model}_${kind}.validation.json"
        cp "$WORK/${model}_${kind}/validation_${kind}.png" "docs/figures/${model}_${kind}.png"
    done
done

# Normalisers: per LAN and CPN pair, a 2 x 64 MLP for the per-choice rescaling of the LAN to the
# CPN (log P_CPN - log mass_LAN), used instead of the LAN's 64-node quadrature where every trial
# has its own parameters (a trial-wise regression; ssmlan.networks.normalizer). Trained on the
# exact correction at 150,000 sets drawn in the box (both choices), validated on 5,000 others;
# a few minutes each on two cores.
for model in ddm angle; do
    ssmlan normalizer --lan "$WORK/${model}_lan" --cpn "$WORK/${model}_cpn" --n-sets 150000 \
        --seed 0 --epochs 300 --out "$WORK/${model}_normalizer.npz"
    cp "$WORK/${model}_normalizer.npz" "src/ssmlan/networks/pretrained/${model}_normalizer.npz"
    cp "$WORK/${model}_normalizer.validation.json" \
        "src/ssmlan/networks/pretrained/${model}_normalizer.validation.json"
done
