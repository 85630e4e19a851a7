#!/usr/bin/env bash
# Integration tests of ngx_http_jwtguard_module: builds the module (nginx/build.sh, which
# installs Debian's nginx-core and nginx-dev when missing), installs libfaketime when
# missing (apt-get), prepares a venv with PyJWT,
# cryptography and pytest, and runs nginx/tests against the real nginx with two workers
# on 127.0.0.1; as root also the Debian package of the module (test_package.py installs
# and purges it). Fails when a test fails or when no test ran.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
start=$(date +%s)
module="$(bash "$here/build.sh" | tail -1)"
# test_clock.py runs nginx under Debian's libfaketime
if ! dpkg -s libfaketime >/dev/null 2>&1; then
    sudo_=""
    [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq libfaketime >/dev/null
fi
python="$(bash "$here/venv.sh" | tail -1)"
export JWTGUARD_NGINX_MODULE="$module"
cd "$here/tests"
"$python" -m pytest -q -p no:cacheprovider -rA . "$@" | grep -v '^PASSED'
rc=${PIPESTATUS[0]}
echo "nginx module tests: $(( $(date +%s) - start )) s"
exit "$rc"
