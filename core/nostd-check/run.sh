#!/usr/bin/env bash
# Builds jwtguard-core as a no_std, no-alloc, panic=abort static library and runs it
# from C. A link error here means something pulled `std` into the core.
set -euo pipefail
cd "$(dirname "$0")"
cargo build --quiet --release
out=target/release
cc -std=c11 -Wall -Wextra -Werror -O1 -o "$out/nostd-check" main.c "$out/libjwtguard_nostd_check.a"
"$out/nostd-check"
