#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each (default 60).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Stable Rust only: cargo-fuzz passes `-Z` flags to rustc, which stable
# accepts with RUSTC_BOOTSTRAP=1. AddressSanitizer needs a nightly std, so
# the targets build with `--sanitizer none` (libFuzzer's coverage
# instrumentation still works, and the crate is `forbid(unsafe_code)`:
# panics, overflows in debug assertions, hangs and OOMs are what we hunt).
#   cargo install cargo-fuzz     # once
#
# New inputs go to fuzz/work/<target>/ (ignored by git); the committed
# seeds in fuzz/corpus/<target>/ are read, never written. A crash lands in
# fuzz/artifacts/<target>/: reproduce it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none -O <target> <file>
# then copy it into fuzz/corpus/<target>/ so tests/it/hardening.rs keeps it
# fixed. To fold the fuzzer's finds that add coverage into the seeds:
#   fuzz/target/x86_64-unknown-linux-gnu/release/<target> -merge=1 \
#       fuzz/corpus/<target> fuzz/work/<target>
set -euo pipefail

secs="${1:-60}"
shift || true
cd "$(dirname "$0")/../fuzz"
export RUSTC_BOOTSTRAP=1
flags=(--sanitizer none -O)

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list)
fi

cargo fuzz build "${flags[@]}"
status=0
summary=""
for t in "${targets[@]}"; do
    mkdir -p "work/$t" "artifacts/$t"
    log="work/$t.log"
    echo "== $t: ${secs}s"
    # Seeds: the target's corpus plus the test fixtures it shares (the same
    # list tests/it/hardening.rs replays).
    seeds=("corpus/$t")
    case "$t" in
        extract) seeds+=(../tests/data/extract ../tests/data/site) ;;
        feed) seeds+=(../tests/data/site) ;;
    esac
    if ! cargo fuzz run "${flags[@]}" "$t" "work/$t" "${seeds[@]}" -- \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 >"$log" 2>&1; then
        status=1
        echo "!! $t failed: see fuzz/$log and fuzz/artifacts/$t/"
        grep -m1 -A3 "panicked\|ERROR: libFuzzer" "$log" || true
    fi
    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    summary+="$t: ${secs}s, ${runs} executions"$'\n'
done
echo "== summary"
printf '%s' "$summary"
exit "$status"
