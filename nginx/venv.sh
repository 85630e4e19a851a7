#!/usr/bin/env bash
# Creates (or updates) target/nginx-venv: PyJWT, cryptography, jwcrypto and pytest from PyPI for the
# nginx tests and the demo; with --with-jwtguard also the project's Python package
# (pip install ./bindings-python, built with maturin and Rust stable). Prints the venv's python.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${JWTGUARD_NGINX_VENV:-${CARGO_TARGET_DIR:-$root/target}/nginx-venv}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
if [ ! -x "$venv/bin/python" ]; then
    if ! python3 -m venv "$venv" >&2; then
        # Debian ships ensurepip separately
        [ "$(id -u)" = 0 ] || { echo "python3 -m venv failed: apt-get install python3-venv" >&2; exit 1; }
        rm -rf "$venv"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
        python3 -m venv "$venv" >&2
    fi
fi
"$venv/bin/python" -c 'import jwt, cryptography, pytest, jwcrypto' 2>/dev/null \
    || "$venv/bin/python" -m pip install --quiet pytest pyjwt cryptography jwcrypto >&2
if [ "${1:-}" = "--with-jwtguard" ]; then
    # rebuilt from the source tree (cargo is incremental)
    "$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$root/bindings-python" >&2
fi
echo "$venv/bin/python"
