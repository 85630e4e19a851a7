#!/bin/sh
# Builds and runs the Rust benchmarks, measures OpenSSL's raw verify, prints the table.
#
#   benches/rust/run.sh [CRITERION ARGS...]
#
# Arguments go to every criterion binary, e.g.
#   run.sh --quick                                     short run
#   run.sh --warm-up-time 1 --measurement-time 2       short run, explicit times
#   run.sh verify-ES256                                one group (a regex filter)
#   run.sh --test                                      run each benchmark once, no timing
#
# Environment:
#   OPENSSL_SPEED=0              do not run `openssl speed` (reuse the saved output, if any)
#   OPENSSL_SPEED_SECONDS=N      seconds per openssl speed test (default 3)
#   JWTGUARD_VECTORS=DIR         the published test vectors (default <repo>/tests/vectors)
#
# Build output and results: <repo>/target/bench-rust (criterion/, openssl-speed.txt).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
CARGO_TARGET_DIR="$repo/target/bench-rust"
export CARGO_TARGET_DIR
mkdir -p "$CARGO_TARGET_DIR"
stamp="$CARGO_TARGET_DIR/run.stamp"

cd "$here"
# josekit (the JWE peer) builds on OpenSSL's headers.
if ! pkg-config --exists openssl 2>/dev/null; then
    echo "installing libssl-dev and pkg-config (apt-get), for josekit" >&2
    sudo_=""
    [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq libssl-dev pkg-config >/dev/null
fi
cargo bench --locked --no-run
touch "$stamp"
cargo bench --locked --bench verify --bench verify_jsonwebtoken_rust_crypto --bench jwe -- "$@"

case " $* " in
*" --test "* | *" --list "*)
    # The interleaved comparison's checks, a few rounds.
    cargo run --locked --release --quiet --example paired 3 >/dev/null
    exit 0
    ;;
esac

# jwtguard and OpenSSL's raw verify interleaved, for the targets stated against OpenSSL.
cargo run --locked --release --quiet --example paired 300 "$CARGO_TARGET_DIR/paired.json"

speed="$CARGO_TARGET_DIR/openssl-speed.txt"
if [ "${OPENSSL_SPEED:-1}" != 0 ]; then
    echo "openssl speed -seconds ${OPENSSL_SPEED_SECONDS:-3} rsa2048 rsa4096 ecdsap256 ..." >&2
    {
        openssl version
        openssl speed -seconds "${OPENSSL_SPEED_SECONDS:-3}" rsa2048 rsa4096 ecdsap256 2>/dev/null
    } >"$speed.tmp"
    mv "$speed.tmp" "$speed"
fi

echo
python3 "$here/report.py" --criterion "$CARGO_TARGET_DIR/criterion" --openssl "$speed" --newer-than "$stamp"
