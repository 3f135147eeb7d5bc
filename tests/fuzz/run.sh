#!/usr/bin/env bash
# Runs every libFuzzer harness of a fuzz build for SECONDS each, from its committed corpus
# (tests/fuzz/corpus/TARGET/; new inputs go to BUILD/fuzz-work/corpus/TARGET/, never into the tree).
# One line per target, then `fuzz: N targets, M runs, K crashes`. Exit 1 on any crash, hang, leak or
# out-of-memory; the input that caused it stays in BUILD/fuzz-work/artifacts/.
# BC_FUZZ_JOBS harnesses (default: one per core) run at once; the lines still come in target order.
#   usage: run.sh BUILD_DIR [SECONDS]
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:?usage: run.sh BUILD_DIR [SECONDS]}
seconds=${2:-60}
jobs=${BC_FUZZ_JOBS:-$(nproc)}
work=$build/fuzz-work
mkdir -p "$work/artifacts"

stat() { # log name -> value of libFuzzer's final stat line
    sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

# fuzz_one NAME BIN: runs one harness; writes its runs and crash count (0 or 1) to NAME.result and
# the lines to print to NAME.report.
fuzz_one() {
    local name=$1 bin=$2
    local seeds=$here/corpus/$name corpus=$work/corpus/$name log=$work/$name.log
    mkdir -p "$corpus"
    local before; before=$(find "$corpus" -type f | wc -l)
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$work/artifacts/$name-" "$corpus" "$seeds" >"$log" 2>&1
    local status=$?
    local runs; runs=$(stat "$log" number_of_executed_units); runs=${runs:-0}
    local rate; rate=$(stat "$log" average_exec_per_sec); rate=${rate:-0}
    local added=$(( $(find "$corpus" -type f | wc -l) - before ))
    local size=$(( $(find "$corpus" -type f | wc -l) + $(find "$seeds" -type f | wc -l) ))
    local verdict=ok crashed=0
    {
        if [ $status -ne 0 ]; then
            verdict="CRASH (exit $status; log $log)"
            crashed=1
            grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 8 | sed 's/^/    /'
        fi
        printf '%-20s runs %9s  runs/s %7s  corpus %5s  new %4s  %s\n' "$name" "$runs" "$rate" "$size" "$added" "$verdict"
    } >"$work/$name.report"
    echo "$runs $crashed" >"$work/$name.result"
}

shopt -s nullglob
bins=("$build"/tests/fuzz/fuzz_*)
[ ${#bins[@]} -gt 0 ] || { echo "fuzz: no harness in $build/tests/fuzz (build target bc_fuzzers)" >&2; exit 1; }
names=()
for bin in "${bins[@]}"; do
    [ -f "$bin" ] && [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    [ -d "$here/corpus/$name" ] || { echo "fuzz: $name has no committed corpus ($here/corpus/$name)" >&2; exit 1; }
    names+=("$name")
done

running=0
for name in "${names[@]}"; do
    rm -f "$work/$name.result" "$work/$name.report"
    if [ $running -ge "$jobs" ]; then
        wait -n
        running=$((running - 1))
    fi
    fuzz_one "$name" "$build/tests/fuzz/fuzz_$name" &
    running=$((running + 1))
done
wait

targets=0 total_runs=0 crashes=0
for name in "${names[@]}"; do
    if [ -f "$work/$name.result" ]; then
        read -r runs crashed <"$work/$name.result"
        cat "$work/$name.report"
    else
        runs=0 crashed=1
        echo "$name: the runner died before it reported (log $work/$name.log)"
    fi
    targets=$((targets + 1))
    total_runs=$((total_runs + runs))
    crashes=$((crashes + crashed))
done
echo "fuzz: $targets targets, $total_runs runs, $crashes crashes"
[ $crashes -eq 0 ]
