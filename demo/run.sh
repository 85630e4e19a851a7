#!/usr/bin/env bash
# `make demo`: builds the nginx module (installing Debian's nginx-core and nginx-dev when
# missing), prepares a venv under target/ with PyJWT, cryptography and the project's
# Python package, then runs demo/demo.py: an Entra-shaped identity provider stand-in, key
# discovery with `python -m jwtguard fetch-jwks`, nginx with the module in front of a
# sample API, and the APIM article's workflow. Everything runs on 127.0.0.1 and is
# stopped at the end.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
echo "building the nginx module and the Python environment (first run: a few minutes)..."
module="$(bash "$root/nginx/build.sh" | tail -1)"
python="$(bash "$root/nginx/venv.sh" --with-jwtguard | tail -1)"
work="$(mktemp -d /tmp/jwtguard-demo.XXXXXX)"
cleanup() {
    # nginx is stopped by demo.py; this catches an interrupted run
    if [ -s "$work/nginx.pid" ]; then kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
cd "$here"
"$python" demo.py "$module" "$work"
