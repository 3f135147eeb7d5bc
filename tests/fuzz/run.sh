#!/usr/bin/env bash
# Runs every libFuzzer harness of a fuzz build for SECONDS each, from its committed corpus
# (tests/fuzz/corpus/TARGET/; new inputs go to BUILD/fuzz-work/corpus/TARGET/, never into the tree).
# One line per target, then `fuzz: N targets, M runs, K crashes`. Exit 1 on any crash, hang, leak or
# out-of-memory; the input that caused it stays in BUILD/fuzz-work/artifacts/.
#   usage: run.sh BUILD_DIR [SECONDS]
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
work=$build/fuzz-work
mkdir -p "$work/artifacts"

stat() { # log name -> value of libFuzzer's final stat line
    sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

targets=0 total_runs=0 crashes=0
shopt -s nullglob
bins=("$build"/tests/fuzz/fuzz_*)
[ ${#bins[@]} -gt 0 ] || { echo "fuzz: no harness in $build/tests/fuzz (build target bc_fuzzers)" >&2; exit 1; }
for bin in "${bins[@]}"; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    seeds=$here/corpus/$name
    corpus=$work/corpus/$name
    log=$work/$name.log
    mkdir -p "$corpus"
    [ -d "$seeds" ] || { echo "fuzz: $name has no committed corpus ($seeds)" >&2; exit 1; }
    before=$(find "$corpus" -type f | wc -l)
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" "$corpus" "$seeds" >"$log" 2>&1
    status=$?
    runs=$(stat "$log" number_of_executed_units); runs=${runs:-0}
    rate=$(stat "$log" average_exec_per_sec); rate=${rate:-0}
    added=$(( $(find "$corpus" -type f | wc -l) - before ))
    size=$(( $(find "$corpus" -type f | wc -l) + $(find "$seeds" -type f | wc -l) ))
    verdict=ok
    if [ $status -ne 0 ]; then
        verdict="CRASH (exit $status; log $log)"
        crashes=$((crashes + 1))
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 8 | sed 's/^/    /'
    fi
    printf '%-20s runs %9s  runs/s %7s  corpus %5s  new %4s  %s\n' "$name" "$runs" "$rate" "$size" "$added" "$verdict"
    targets=$((targets + 1))
    total_runs=$((total_runs + runs))
done
echo "fuzz: $targets targets, $total_runs runs, $crashes crashes"
[ $crashes -eq 0 ]
