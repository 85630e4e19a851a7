#!/usr/bin/env bash
# `make demo`: builds the nginx module and its Debian package (installing Debian's
# nginx-core and nginx-dev when missing) and installs the package with apt-get, as a user
# would; prepares a venv under target/ with PyJWT, cryptography and the project's Python
# package, then runs demo/demo.py: an Entra-shaped identity provider stand-in, nginx
# loading the installed module through its /etc/nginx/modules-enabled link in front of a
# sample API and following the provider's OpenID configuration, and the APIM article's
# workflow up to a key rotation. Everything runs on 127.0.0.1 and is stopped at the end; the package
# is purged again unless it was installed before the demo (then it stays, as this build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
pkg=libnginx-mod-http-jwtguard
sudo_=""
[ "$(id -u)" = 0 ] || sudo_="sudo"
echo "building the nginx module, its package and the Python environment (first run: a few minutes)..."
deb="$(bash "$root/nginx/deb.sh" | tail -1)"
python="$(bash "$root/nginx/venv.sh" --with-jwtguard | tail -1)"
was_installed=false
if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ]; then
    was_installed=true
fi
work="$(mktemp -d /tmp/jwtguard-demo.XXXXXX)"
cleanup() {
    # nginx is stopped by demo.py; this catches an interrupted run
    if [ -s "$work/nginx.pid" ]; then kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true; sleep 0.5; fi
    rm -rf "$work"
    if [ "$was_installed" = false ] && dpkg-query -W "$pkg" >/dev/null 2>&1; then
        echo "purging $pkg (the demo installed it)"
        DEBIAN_FRONTEND=noninteractive $sudo_ apt-get purge -y -qq -o DPkg::Lock::Timeout=300 "$pkg" >/dev/null
    fi
}
trap cleanup EXIT INT TERM
echo "installing $deb (apt-get)"
# --reinstall: this build replaces an installed package of the same version
DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq --reinstall -o DPkg::Lock::Timeout=300 \
    "$deb" >/dev/null
cd "$here"
"$python" demo.py /etc/nginx/modules-enabled/50-mod-http-jwtguard.conf "$work"
