#!/usr/bin/env bash
# Builds the C library (release) and installs it under PREFIX:
#   lib/libjwtguard.a  lib/libjwtguard.so  include/jwtguard.h
#   lib/pkgconfig/jwtguard.pc (shared)  lib/pkgconfig/jwtguard-static.pc (static)
# Usage: bash ffi-c/install.sh PREFIX   (what `make install PREFIX=...` runs)
#
# native-libs.txt lists the system libraries the static library needs, as printed by
#   cargo rustc -p jwtguard-ffi --release --lib --crate-type staticlib -- --print native-static-libs
# (run-c-tests.sh links the tests with exactly that list, so a change shows up there).
set -euo pipefail
prefix="${1:?usage: install.sh PREFIX}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

cargo build --quiet --release -p jwtguard-ffi
target_dir="${CARGO_TARGET_DIR:-$root/target}"
version="$(cargo pkgid -p jwtguard-ffi | sed 's/.*[@#]//')"
native_libs="$(tr -s ' \n' ' ' < "$here/native-libs.txt" | sed 's/ $//')"

mkdir -p "$prefix"
prefix="$(cd "$prefix" && pwd)"
install -d "$prefix/lib/pkgconfig" "$prefix/include"
install -m 644 "$target_dir/release/libjwtguard.a" "$prefix/lib/libjwtguard.a"
install -m 755 "$target_dir/release/libjwtguard.so" "$prefix/lib/libjwtguard.so"
install -m 644 "$here/include/jwtguard.h" "$prefix/include/jwtguard.h"
for pc in jwtguard jwtguard-static; do
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@NATIVE_LIBS@|$native_libs|g" \
        "$here/$pc.pc.in" > "$prefix/lib/pkgconfig/$pc.pc"
    chmod 644 "$prefix/lib/pkgconfig/$pc.pc"
done
echo "installed jwtguard $version into $prefix (lib/, include/, lib/pkgconfig/)"
