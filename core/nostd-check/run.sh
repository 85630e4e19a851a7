#!/usr/bin/env bash
# Builds jwtguard-core as a consumer without std does (no_std, panic=abort, opt-level z,
# fat LTO) and runs it:
#   host      each build's static library linked into main.c and run (a link error means
#             something pulled `std` into the core); prints the stack it used;
#   thumbv7em-none-eabihf (Cortex-M4F)
#             each build linked into an image with only what verification reaches;
#   wasm32-unknown-unknown
#             the ES256-only build run by Node's WebAssembly API.
# Builds: es256 (ES256 only, no heap), no-heap (every algorithm that needs no heap),
# default (jwtguard-core's default features; RSA on a fixed arena). Artifacts stay in
# target/<build>/ for benches/embedded/size.sh.
set -euo pipefail
cd "$(dirname "$0")"

builds=(es256 no-heap default)
declare -A features=([es256]="" [no-heap]="no-heap-algorithms" [default]="default-algorithms")
lld="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/rust-lld"

have_target() {   # <target>: installed, or installed now; warns when it cannot be
    rustup target list --installed 2>/dev/null | grep -qx "$1" && return 0
    rustup target add "$1" >/dev/null 2>&1 && return 0
    echo "warning: the Rust target $1 cannot be installed here (rustup's server unreachable); not built"
    return 1
}

for build in "${builds[@]}"; do
    dir="target/$build"
    cargo build --quiet --release --features "${features[$build]}" --target-dir "$dir"
    cc -std=gnu11 -Wall -Wextra -Werror -O1 -o "$dir/nostd-check" main.c "$dir/release/libjwtguard_nostd_check.a"
    echo "[$build] host: $("$dir/nostd-check" | tr '\n' ' ')" | tee "$dir/host.txt"
done

if have_target thumbv7em-none-eabihf; then
    for build in "${builds[@]}"; do
        dir="target/$build"
        cargo build --quiet --release --features "${features[$build]}" --target-dir "$dir" \
            --target thumbv7em-none-eabihf
        # A static link with unused sections dropped: every symbol the verifier reaches
        # must resolve (compiler_builtins supplies memcpy and friends).
        "$lld" -flavor gnu --gc-sections --entry=jwtguard_nostd_check -o "$dir/thumbv7em.elf" \
            "$dir/thumbv7em-none-eabihf/release/libjwtguard_nostd_check.a"
        echo "[$build] thumbv7em-none-eabihf: linked $dir/thumbv7em.elf"
    done
fi

if have_target wasm32-unknown-unknown; then
    dir=target/es256
    cargo rustc --quiet --release --target wasm32-unknown-unknown --crate-type cdylib --target-dir "$dir"
    if command -v node >/dev/null; then
        node wasm.mjs "$dir/wasm32-unknown-unknown/release/jwtguard_nostd_check.wasm"
    else
        echo "warning: node is not installed; the WebAssembly build was not run"
    fi
fi
