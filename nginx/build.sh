#!/usr/bin/env bash
# Builds ngx_http_jwtguard_module.so for Debian's packaged nginx, out of tree:
#   installs nginx-core and nginx-dev when missing (apt-get),
#   builds libjwtguard.a (cargo build --release -p jwtguard-ffi),
#   configures a copy of /usr/share/nginx/src with Debian's own flags (conf_flags) and
#   --add-dynamic-module=nginx/, then `make -f objs/Makefile modules`.
# Result: target/nginx/ngx_http_jwtguard_module.so (printed on the last line).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
build="$target/nginx-build"
out="$target/nginx"

if ! dpkg -s nginx-core nginx-dev >/dev/null 2>&1 || [ ! -f /usr/share/nginx/src/conf_flags ]; then
    echo "installing nginx-core and nginx-dev (apt-get)" >&2
    sudo_=""
    [ "$(id -u)" = 0 ] || sudo_="sudo"
    # Only the packages: keep the package scripts from starting the system's nginx
    # service (port 80) with a temporary policy-rc.d, unless the machine has one.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' | $sudo_ tee /usr/sbin/policy-rc.d >/dev/null
        $sudo_ chmod 755 /usr/sbin/policy-rc.d
        trap '$sudo_ rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq nginx-core nginx-dev >/dev/null
    if [ -n "$(trap -p EXIT)" ]; then $sudo_ rm -f /usr/sbin/policy-rc.d; trap - EXIT; fi
fi

(cd "$root" && cargo build --quiet --release -p jwtguard-ffi)
lib="$target/release/libjwtguard.a"
[ -f "$lib" ] || { echo "missing $lib" >&2; exit 1; }

# Configure once per change of the module's config file or of the nginx sources.
stamp="$(cat "$here/config" /usr/share/nginx/src/conf_flags /usr/share/nginx/src/src/core/nginx.h \
    "$root/ffi-c/native-libs.txt" | sha256sum | cut -c1-16)"
if [ ! -f "$build/objs/Makefile" ] || [ "$(cat "$build/.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$build"
    mkdir -p "$build"
    cp -r /usr/share/nginx/src/. "$build/"
    (
        cd "$build"
        # shellcheck disable=SC1091
        source ./conf_flags
        export JWTGUARD_INC="$root/ffi-c/include"
        # The static library's symbols stay inside the module (--exclude-libs).
        export JWTGUARD_LIBS="-Wl,--exclude-libs,ALL $lib $(cat "$root/ffi-c/native-libs.txt")"
        ./configure "${NGX_CONF_FLAGS[@]}" --add-dynamic-module="$here" >configure.log 2>&1 \
            || { tail -30 configure.log >&2; exit 1; }
    )
    echo "$stamp" >"$build/.stamp"
fi

# libjwtguard.a is not a make dependency of the module: always relink.
rm -f "$build/objs/ngx_http_jwtguard_module.so"
make -s -C "$build" -f objs/Makefile modules >/dev/null
mkdir -p "$out"
# a new file, renamed into place: a running nginx keeps its mapping of the old one
cp "$build/objs/ngx_http_jwtguard_module.so" "$out/.ngx_http_jwtguard_module.so.tmp"
mv -f "$out/.ngx_http_jwtguard_module.so.tmp" "$out/ngx_http_jwtguard_module.so"
echo "$out/ngx_http_jwtguard_module.so"
