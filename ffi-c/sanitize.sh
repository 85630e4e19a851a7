#!/usr/bin/env bash
# The C ABI under the sanitizers (`make sanitize`; not part of `make test`: it builds the
# standard library instrumented twice, about 3 minutes on 2 idle cores from scratch):
#   1. AddressSanitizer (with LeakSanitizer) on the Rust side of the C ABI tests
#      (`cargo test -p jwtguard-ffi`: null_and_garbage.rs, apim_null_and_garbage.rs, ...),
#      the Rust code and its standard library instrumented (-Zsanitizer=address
#      -Zbuild-std);
#   2. the C tests (test_fixtures, test_api, test_apim, test_threads) and the example
#      (examples/verify.c) compiled with -fsanitize=address,undefined and linked
#      against libjwtguard.a built as in 1: ASan on both sides, UBSan on the C code
#      (UBSan is not a rustc sanitizer);
#   3. ThreadSanitizer on test_threads.c (readers + key-set swapper + shared cache),
#      libjwtguard.a and its standard library built with -Zsanitizer=thread.
# Any report fails the run. Needs nightly Rust with rust-src (added here with rustup),
# gcc (or the C compiler CC names) and python3. AWS-LC's own C code is not instrumented.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

. "$here/script-helpers.sh"

start=$SECONDS
toolchain="${SANITIZE_TOOLCHAIN:-nightly}"
cc="${CC:-cc}"
if [ -z "${CC:-}" ]; then need cc gcc; fi
command -v "$cc" >/dev/null || { echo "$cc (CC) not found" >&2; exit 1; }
need python3 python3
command -v rustup >/dev/null || { echo "rustup is required (nightly Rust)" >&2; exit 1; }
rustup toolchain list | grep -q "^$toolchain" || run rustup toolchain install --profile minimal "$toolchain"
rustup component list --installed --toolchain "$toolchain" | grep -q '^rust-src' ||
    run rustup component add rust-src --toolchain "$toolchain"
host="$(rustc "+$toolchain" -vV | sed -n 's/^host: //p')"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target_dir="${CARGO_TARGET_DIR:-$root/target}/sanitize"
read -r -a native_libs < "$here/native-libs.txt" # one line
fixtures="$work/fixtures"
run python3 "$here/tests/extract_fixtures.py" core/tests/fixtures "$fixtures"

# Debug builds, as for `cargo test`; the static library for the C tests shares its
# dependencies with the Rust tests' build.
cargo_sanitized() { # cargo_sanitized SANITIZER CARGO_COMMAND ARGS...
    local sanitizer="$1" command="$2"
    shift 2
    RUSTFLAGS="-Zsanitizer=$sanitizer -Cforce-frame-pointers=yes" run cargo "+$toolchain" "$command" \
        -Zbuild-std --target "$host" --target-dir "$target_dir/$sanitizer" -p jwtguard-ffi "$@"
}
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -fno-omit-frame-pointer -I "$here/include" -pthread)
# The C code is instrumented by the C compiler but linked with rustc's own sanitizer
# runtime, the one matching the instrumentation of the Rust code: one runtime per
# program, and the C compiler's may be older than rustc's LLVM (gcc 12's libtsan lacks
# __tsan_memcpy). rustc's ASan runtime carries the UBSan handlers too.
runtime_dir="$(rustc "+$toolchain" --print target-libdir --target "$host")"
build_c() { # build_c RUNTIME OUTPUT SOURCE LIBRARY SANITIZER_FLAGS...
    local runtime="$1" out="$2" source="$3" library="$4" archive
    shift 4
    archive="$(echo "$runtime_dir"/librustc-*_rt."$runtime".a)"
    [ -f "$archive" ] || { echo "no $runtime runtime in $runtime_dir" >&2; exit 1; }
    run "$cc" "${cflags[@]}" "$@" -c -o "$out.o" "$source"
    run "$cc" -pthread -o "$out" "$out.o" "$library" \
        -Wl,--whole-archive "$archive" -Wl,--no-whole-archive "${native_libs[@]}"
}

echo "== AddressSanitizer + LeakSanitizer: the Rust side of the C ABI tests"
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1"
cargo_sanitized address test --lib --tests

echo "== AddressSanitizer + UndefinedBehaviorSanitizer: the C tests"
cargo_sanitized address build
lib="$target_dir/address/$host/debug/libjwtguard.a"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
for t in tests/test_fixtures tests/test_api tests/test_apim tests/test_threads examples/verify; do
    build_c asan "$work/asan-${t#*/}" "$here/$t.c" "$lib" -fsanitize=address,undefined -fno-sanitize-recover=all
done
run "$work/asan-test_fixtures" "$fixtures"
run "$work/asan-test_api" "$fixtures"
run "$work/asan-test_apim" "$fixtures"
run "$work/asan-test_threads" "$fixtures" 300
aud=api://jwtguard-test
iss=https://issuer.example/tenant/v2.0
for case in valid_rs256_rsa2048 exp_skew60_now_minus_60_expired; do
    status=0
    run "$work/asan-verify" "$fixtures/jwks/claims.main.json" "$fixtures/tokens/claims.$case.txt" \
        "$aud" "$iss" 1700000000 || status=$?
    # 0 valid, 1 rejected; a sanitizer report exits with another code.
    [ "$status" -le 1 ] || { echo "verify on $case exited $status" >&2; exit 1; }
done

echo "== ThreadSanitizer: test_threads"
cargo_sanitized thread build
lib="$target_dir/thread/$host/debug/libjwtguard.a"
build_c tsan "$work/tsan-test_threads" "$here/tests/test_threads.c" "$lib" -fsanitize=thread
TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1" run "$work/tsan-test_threads" "$fixtures" 1000

echo "sanitizers found nothing in $((SECONDS - start)) s"
