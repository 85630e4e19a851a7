#!/usr/bin/env bash
# Builds the Python package as users install it: the abi3 wheel (CPython 3.9 and later,
# this machine's platform) and the source distribution, into target/wheels/ (`make
# wheel`). maturin comes from PyPI into a build venv under target/. Prints the wheel's
# path last.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/target/wheels"
venv="$root/target/python-build-venv"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/maturin" ]; then
    "$python" -m venv "$venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$venv/bin/python" -m pip install --quiet "maturin>=1.9.4,<2"
fi
# the version as cargo reads it (the workspace's), as ffi-c/install.sh reads it
version="$(cd "$root" && cargo pkgid -p jwtguard-python | sed 's/.*[@#]//')"
rm -f "$out"/jwtguard-"$version"-*.whl "$out"/jwtguard-"$version".tar.gz
# two steps: `build --sdist` would compile the wheel again from the unpacked sdist
"$venv/bin/maturin" build --quiet --release --manifest-path "$here/Cargo.toml" --out "$out" >&2
"$venv/bin/maturin" sdist --manifest-path "$here/Cargo.toml" --out "$out" >&2
wheel="$(ls "$out"/jwtguard-"$version"-cp39-abi3-*.whl)"
sdist="$out/jwtguard-$version.tar.gz"
[ -f "$sdist" ] || { echo "no source distribution at $sdist" >&2; exit 1; }
echo "built $(basename "$wheel") and $(basename "$sdist") in target/wheels" >&2
echo "$wheel"
