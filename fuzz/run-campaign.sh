#!/usr/bin/env bash
# Runs fuzz targets one after another for the given seconds each and keeps each
# target's libFuzzer log in fuzz/logs/<target>.log (final stats at the end).
#   fuzz/run-campaign.sh SECONDS TARGET...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
mkdir -p fuzz/logs
for target in "$@"; do
    echo "==> fuzzing $target for ${seconds}s"
    corpus="fuzz/corpus/$target"
    # `backends` compares the two signature backends on tokens: it grows the verify corpus.
    [ "$target" = backends ] && corpus=fuzz/corpus/verify
    # `apim_policy` reads policy XML: its own dictionary.
    dict=fuzz/dict/jwt.dict
    [ "$target" = apim_policy ] && dict=fuzz/dict/apim.dict
    cargo +nightly fuzz run -O "$target" "$corpus" -- \
        -dict="$dict" -max_total_time="$seconds" -max_len=17000 \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"fuzz/logs/$target.log" 2>&1 || {
        echo "$target: finding (see fuzz/logs/$target.log and fuzz/artifacts/$target)"
        exit 1
    }
    grep -E '^Done|stat::number_of_executed_units|stat::peak_rss_mb|stat::new_units_added' "fuzz/logs/$target.log" || true
done
