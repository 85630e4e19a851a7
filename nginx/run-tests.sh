#!/usr/bin/env bash
# Integration tests of ngx_http_jwtguard_module: builds the module (nginx/build.sh, which
# installs Debian's nginx-core and nginx-dev when missing), prepares a venv with PyJWT,
# cryptography and pytest, and runs nginx/tests against the real nginx with two workers
# on 127.0.0.1. Fails when a test fails or when no test ran.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
module="$(bash "$here/build.sh" | tail -1)"
python="$(bash "$here/venv.sh" | tail -1)"
export JWTGUARD_NGINX_MODULE="$module"
cd "$here/tests"
"$python" -m pytest -q -p no:cacheprovider -rA . "$@" | grep -v '^PASSED'
rc=${PIPESTATUS[0]}
echo "nginx module tests: $(( $(date +%s) - start )) s"
exit "$rc"
