#!/usr/bin/env bash
# Runs fuzz targets one after another for the given seconds each and keeps each
# target's libFuzzer log in fuzz/logs/<target>.log (final stats at the end).
#   fuzz/run-campaign.sh SECONDS TARGET...
# Each target runs on its working corpus, $FUZZ_CORPUS/<target> (by default
# target/fuzz-corpus/<target>, outside git): seeded once from seed_corpus.py, and
# given every committed input of fuzz/corpus/<target> before each run. Campaigns grow
# only the working corpus; fuzz/trim_corpus.py folds what they found back into the
# committed corpus within its budget (fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=$1
shift
work=${FUZZ_CORPUS:-target/fuzz-corpus}
mkdir -p fuzz/logs
for target in "$@"; do
    echo "==> fuzzing $target for ${seconds}s"
    # `backends` compares the two signature backends on tokens: it grows the verify corpus.
    source=$target
    [ "$target" = backends ] && source=verify
    corpus="$work/$source"
    if [ ! -d "$corpus" ]; then
        mkdir -p "$corpus"
        python3 fuzz/seed_corpus.py "$work" >/dev/null
    fi
    for input in fuzz/corpus/"$source"/*; do
        [ -e "$corpus/${input##*/}" ] || cp "$input" "$corpus/"
    done
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
