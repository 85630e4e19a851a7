#!/usr/bin/env bash
# The C side of the C ABI tests (the Rust side runs under `cargo test`):
#   1. builds libjwtguard in RELEASE (what gets installed; `debug = 1` in the workspace
#      profile keeps line numbers for valgrind) and extracts the core's token fixtures;
#   2. checks that include/jwtguard.h compiles on its own as C99/C11/C17 and C++11/17;
#   3. compiles the C tests with -Wall -Wextra -Werror -std=c11 against libjwtguard.a and
#      runs them under valgrind memcheck (zero errors, zero definite/indirect leaks):
#      test_fixtures (every fixture case), test_api (every function), test_threads
#      (readers of a shared key set and a shared verifier + a swapper of their keys;
#      also natively with many iterations), test_apim (APIM
#      policy documents: accessors, verification, refusals, arguments), test_verifier
#      (the verifier: issuer binding, key search, cache, fetch protocol; the claim
#      export rule), test_http (the HTTP helpers: the token in a request, the
#      WWW-Authenticate challenge);
#   4. checks that the C example of ffi-c/README.md is examples/verify.c, builds it and runs it on
#      fixtures (also under valgrind);
#   5. runs `make install PREFIX=<tmp>` and builds the example through pkg-config, once
#      against the shared library and once against the static one.
# Exits non-zero on the first failure.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

. "$here/script-helpers.sh"
need cc gcc
need c++ g++
need valgrind valgrind
need pkg-config pkg-config
need python3 python3

start=$SECONDS
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
target_dir="${CARGO_TARGET_DIR:-$root/target}"
lib="$target_dir/release/libjwtguard.a"
read -r -a native_libs < "$here/native-libs.txt" # one line
fixtures="$work/fixtures"
valgrind=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect)
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -O1 -g -I "$here/include")

echo "== build (release) and fixtures"
run cargo build --quiet --release -p jwtguard-ffi
run python3 "$here/tests/extract_fixtures.py" core/tests/fixtures "$fixtures"

echo "== the header compiles on its own"
for std in c99 c11 c17; do
    run cc "-std=$std" -Wall -Wextra -Werror -pedantic -fsyntax-only -x c "$here/include/jwtguard.h"
done
for std in c++11 c++17; do
    run c++ "-std=$std" -Wall -Wextra -Werror -pedantic -fsyntax-only -x c++ "$here/include/jwtguard.h"
done

echo "== C tests (static library, valgrind)"
for t in test_fixtures test_api test_threads test_apim test_verifier test_http; do
    run cc "${cflags[@]}" -pthread -o "$work/$t" "$here/tests/$t.c" "$lib" "${native_libs[@]}"
done
run "${valgrind[@]}" "$work/test_fixtures" "$fixtures"
run "${valgrind[@]}" "$work/test_api" "$fixtures"
run "${valgrind[@]}" "$work/test_apim" "$fixtures"
run "${valgrind[@]}" "$work/test_verifier" "$fixtures"
run "${valgrind[@]}" "$work/test_http" "$fixtures"
run "$work/test_threads" "$fixtures" 5000
run "${valgrind[@]}" "$work/test_threads" "$fixtures" 300
# ThreadSanitizer needs the Rust code and its standard library instrumented (TSan cannot
# see the acquire fence in an uninstrumented Arc's drop and reports false races on every
# key set release): `make sanitize` does that, too slow for here. Memcheck (above)
# checks the memory; the native run checks the results under contention.

echo "== the example of ffi-c/README.md is examples/verify.c, and it works"
# ffi-c/README.md keeps the example right after this marker.
marker='<!-- ffi-c/examples/verify.c -->'
readme="$here/README.md"
grep -qF "$marker" "$readme" || { echo "ffi-c/README.md has lost the marker $marker" >&2; exit 1; }
awk -v m="$marker" 'found == 2 { exit } found == 1 && /^```/ { found = 2; next } found == 1 { print }
    index($0, m) { getline; if ($0 ~ /^```c/) found = 1 }' "$readme" > "$work/readme-example.c"
if ! diff -u "$here/examples/verify.c" "$work/readme-example.c"; then
    echo "the C example in $readme differs from ffi-c/examples/verify.c" >&2
    exit 1
fi
run cc "${cflags[@]}" -o "$work/verify" "$here/examples/verify.c" "$lib" "${native_libs[@]}"
aud=api://jwtguard-test
iss=https://issuer.example/tenant/v2.0
now=1700000000
example() { # example TOKEN_CASE EXPECTED_EXIT EXPECTED_LINE [RUNNER...]
    local case="$1" want_exit="$2" want_line="$3" status=0
    shift 3
    printf '+ verify %s\n' "$case"
    "$@" "$work/verify" "$fixtures/jwks/claims.main.json" "$fixtures/tokens/claims.$case.txt" \
        "$aud" "$iss" "$now" > "$work/out.txt" || status=$?
    sed 's/^/    /' "$work/out.txt"
    if [ "$status" != "$want_exit" ] || ! grep -qxF "$want_line" "$work/out.txt"; then
        echo "example on $case: exit $status (expected $want_exit), expected a line \"$want_line\"" >&2
        exit 1
    fi
}
example valid_rs256_rsa2048 0 "sub: user-1" "${valgrind[@]}"
example valid_es256_p256 0 "kid: ec-p256"
example req_scp_any_one_present_valid 0 "scp: Files.Read Files.Write User.Read"
example aud_array_second_element_match_valid 0 "aud: api://other,$aud"
example exp_skew60_now_minus_59_valid 0 "valid (RS256)"
example exp_skew60_now_minus_60_expired 1 "rejected: TokenExpired (12)" "${valgrind[@]}"
example kid_not_in_set 1 "rejected: TokenSignatureKeyNotFound (7)"
example bad_signature_and_expired 1 "rejected: TokenSignatureInvalid (9)"

echo "== make install and pkg-config"
prefix="$work/prefix"
run make --no-print-directory install "PREFIX=$prefix"
for f in lib/libjwtguard.a lib/libjwtguard.so include/jwtguard.h lib/pkgconfig/jwtguard.pc \
    lib/pkgconfig/jwtguard-static.pc; do
    [ -f "$prefix/$f" ] || { echo "make install did not install $f" >&2; exit 1; }
done
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
version="$(cargo pkgid -p jwtguard-ffi | sed 's/.*[@#]//')"
[ "$(pkg-config --modversion jwtguard)" = "$version" ] || { echo "pkg-config version mismatch" >&2; exit 1; }
# Shared: as ffi-c/README.md says, with an rpath because PREFIX is not a system directory.
run cc -std=c11 -Wall -Wextra -Werror -o "$work/verify-shared" "$here/examples/verify.c" \
    $(pkg-config --cflags --libs jwtguard) -Wl,-rpath,"$(pkg-config --variable=libdir jwtguard)"
readelf -d "$work/verify-shared" | grep -q 'NEEDED.*libjwtguard\.so' ||
    { echo "verify-shared is not linked against libjwtguard.so" >&2; exit 1; }
# Static: no runtime dependency on libjwtguard.
run cc -std=c11 -Wall -Wextra -Werror -o "$work/verify-static" "$here/examples/verify.c" \
    $(pkg-config --cflags --libs jwtguard-static)
if readelf -d "$work/verify-static" | grep -q 'NEEDED.*libjwtguard'; then
    echo "verify-static depends on libjwtguard.so" >&2
    exit 1
fi
cp "$work/verify-shared" "$work/verify"
example valid_es256_p256 0 "valid (ES256)"
cp "$work/verify-static" "$work/verify"
example valid_rs256_rsa4096 0 "valid (RS256)"
others="$(nm -D --defined-only "$prefix/lib/libjwtguard.so" | awk '{ print $3 }' | grep -v '^jwtguard_' || true)"
[ -z "$others" ] || { echo "libjwtguard.so exports symbols outside jwtguard_*: $others" >&2; exit 1; }
exported=$(nm -D --defined-only "$prefix/lib/libjwtguard.so" | grep -c ' T jwtguard_')
declared=$(grep -cE '^[a-z].*\bjwtguard_[a-z_]+\(' "$here/include/jwtguard.h")
[ "$exported" = "$declared" ] ||
    { echo "libjwtguard.so exports $exported functions, the header declares $declared" >&2; exit 1; }
echo "libjwtguard.so exports exactly the $exported functions the header declares"

echo "C ABI tests passed in $((SECONDS - start)) s"
