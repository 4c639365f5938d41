#!/usr/bin/env bash
# Benchmark-regression guard for the criterion benches in experiments/benches/scale.rs.
#
#   scripts/bench-guard.sh save      # run the benches, keep their estimates as the saved baseline
#   scripts/bench-guard.sh compare   # run them again and fail if any mean is slower by more than
#                                    # GUARD_THRESHOLD (a fraction, default 0.10) than the saved one
#
# The saved baseline lives in experiments/benches/baselines/ (criterion's own files, copied out
# of target/criterion so that they can be committed). Timings are machine-specific: save on the
# machine that compares, at a low load (`uptime`), and re-save after an intended change.
# GUARD_BENCHES is a criterion filter (a regex on benchmark ids); the default takes the benches
# that finish in seconds: 10^6-task generation, the Epigenomics case and the engine replays.
set -euo pipefail

cd "$(dirname "$0")/.."
mode=${1:?usage: scripts/bench-guard.sh save|compare}
threshold=${GUARD_THRESHOLD:-0.10}
benches=${GUARD_BENCHES:-targets/(generate_layered_1m|heft_epigenomics_10k)|engine_replay}
saved=experiments/benches/baselines
criterion_dir=target/criterion

case "$mode" in
save)
    cargo bench -p experiments --bench scale -- "$benches" --save-baseline guard
    rm -rf "$saved"
    (cd "$criterion_dir" && find . -path '*/guard/*' -name '*.json') | while read -r f; do
        mkdir -p "$saved/$(dirname "$f")"
        cp "$criterion_dir/$f" "$saved/$f"
    done
    echo "saved $(find "$saved" -name estimates.json | wc -l) baselines in $saved"
    ;;
compare)
    [ -d "$saved" ] || { echo "no saved baselines in $saved: run '$0 save' first" >&2; exit 2; }
    mkdir -p "$criterion_dir"
    cp -r "$saved"/. "$criterion_dir"/
    find "$criterion_dir" -type d -name change -prune -exec rm -rf {} +
    cargo bench -p experiments --bench scale -- "$benches" --baseline guard
    status=0
    while read -r estimates; do
        id=${estimates#"$criterion_dir"/}
        id=${id%/change/estimates.json}
        change=$(jq '.mean.point_estimate' "$estimates")
        if jq -e --argjson t "$threshold" '.mean.point_estimate > $t' "$estimates" > /dev/null; then
            echo "REGRESSED $id: mean time +$(jq '.mean.point_estimate * 100 | floor' "$estimates")% (threshold $threshold)"
            status=1
        else
            echo "ok        $id: mean time change $change"
        fi
    done < <(find "$criterion_dir" -path '*/change/estimates.json' | sort)
    exit $status
    ;;
*)
    echo "usage: $0 save|compare" >&2
    exit 2
    ;;
esac
