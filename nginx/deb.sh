#!/usr/bin/env bash
# `make deb`: the Debian package of ngx_http_jwtguard_module for the installed Debian
# nginx, laid out as Debian's own libnginx-mod-* packages are:
#   /usr/lib/nginx/modules/ngx_http_jwtguard_module.so          (libjwtguard linked in)
#   /usr/share/nginx/modules-available/mod-http-jwtguard.conf   (its load_module line)
#   /usr/share/doc/libnginx-mod-http-jwtguard/copyright
# Installing links the snippet into /etc/nginx/modules-enabled/ (50-mod-http-jwtguard.conf);
# removing takes the link away. Depends: the exact nginx-abi-... that the installed nginx
# provides (a module is built for one nginx) and the shared libraries dpkg-shlibdeps finds.
# The version is the workspace's (Cargo.toml). Built with dpkg-deb from a staging
# directory; the same module gives the same .deb (mtimes from SOURCE_DATE_EPOCH, else
# the last commit).
# Usage: nginx/deb.sh [MODULE.so]   (without it, nginx/build.sh builds the module)
# Result: target/deb/libnginx-mod-http-jwtguard_<version>_<arch>.deb (the last line).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/deb"
pkg=libnginx-mod-http-jwtguard
so=ngx_http_jwtguard_module.so
snippet=mod-http-jwtguard.conf
enabled=50-mod-http-jwtguard.conf

if [ $# -gt 0 ]; then
    module="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
    [ -f "$module" ] || { echo "no module at $1" >&2; exit 1; }
else
    echo "building the module (nginx/build.sh)" >&2
    module="$(bash "$here/build.sh" | tail -1)"
fi

# dpkg-shlibdeps (dpkg-dev) and strip (binutils, a dependency of dpkg-dev)
if ! command -v dpkg-shlibdeps >/dev/null || ! command -v strip >/dev/null; then
    echo "installing dpkg-dev (apt-get)" >&2
    sudo_=""
    [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq dpkg-dev >/dev/null
fi

# The version: the workspace's, as cargo reads it (as ffi-c/install.sh does);
# a Rust pre-release (0.2.0-rc.1) sorts before its release in Debian as 0.2.0~rc.1.
version="$(cd "$root" && cargo pkgid -p jwtguard-ffi | sed 's/.*[@#]//')"
[ -n "$version" ] || { echo "cargo reports no version for jwtguard-ffi" >&2; exit 1; }
version="${version/-/\~}"
arch="$(dpkg --print-architecture)"

# The nginx ABI: the nginx-abi-<version>-<n> virtual package that the package holding
# /usr/sbin/nginx provides (nginx in Debian 12, nginx-core/-full/-light before).
nginx_pkg="$(dpkg-query -S /usr/sbin/nginx 2>/dev/null | head -1 | cut -d: -f1)"
[ -n "$nginx_pkg" ] || { echo "Debian's nginx is not installed (make nginx installs it)" >&2; exit 1; }
abi="$(dpkg-query -W -f='${Provides}' "$nginx_pkg" | tr ',' '\n' | grep -o 'nginx-abi-[^ ]*' || true)"
[ "$(printf '%s\n' "$abi" | grep -c .)" = 1 ] \
    || { echo "$nginx_pkg provides no single nginx-abi-* ('$abi')" >&2; exit 1; }
nginx_version="$(dpkg-query -W -f='${Version}' "$nginx_pkg")"
dev_version="$(dpkg-query -W -f='${Version}' nginx-dev 2>/dev/null || true)"
[ "$dev_version" = "$nginx_version" ] || {
    echo "nginx-dev ${dev_version:-(missing)} is not $nginx_pkg $nginx_version: the module would be" \
        "built from other sources (apt-get install nginx-dev=$nginx_version, then rebuild)" >&2
    exit 1
}

# The module must load in this nginx (a stale build for another nginx fails here).
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
printf 'load_module %s;\nevents {}\n' "$module" >"$check/nginx.conf"
/usr/sbin/nginx -t -q -p "$check/" -c "$check/nginx.conf" -e "$check/error.log" \
    || { echo "the module does not load in the installed nginx $nginx_version" >&2; exit 1; }

echo "packaging $pkg $version ($arch) for $nginx_pkg $nginx_version: Depends $abi" >&2
# debhelper's layout, so dpkg-shlibdeps (run in $build) finds what it expects
build="$out/build"
stage="$build/debian/$pkg"
rm -rf "$build"
mkdir -p "$stage/DEBIAN"
: >"$build/debian/control"

install -D -m 644 "$module" "$stage/usr/lib/nginx/modules/$so"
# as dh_strip does for a shared object: no debug information or symbol tables to ship
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
    "$stage/usr/lib/nginx/modules/$so"

# An absolute path: the snippet loads the module whatever prefix (-p) nginx runs with.
install -d -m 755 "$stage/usr/share/nginx/modules-available"
cat >"$stage/usr/share/nginx/modules-available/$snippet" <<EOF
# jwtguard: enabled by the link /etc/nginx/modules-enabled/$enabled to this file
load_module /usr/lib/nginx/modules/$so;
EOF

install -d -m 755 "$stage/usr/share/doc/$pkg"
{
    cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: jwtguard
Source: https://github.com/jwtguard/jwtguard

Files: *
Copyright: 2026 The jwtguard developers
License: MIT or Apache-2.0
Comment: The module links the jwtguard library and the Rust crates of its Cargo.lock
 statically; their licenses are in the source tree.

License: Apache-2.0
 On Debian systems the full text of the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.

License: MIT
EOF
    # the MIT text from the third line on (after its title and the blank line)
    tail -n +3 "$root/LICENSE-MIT" | sed -e 's/^$/./' -e 's/^/ /'
} >"$stage/usr/share/doc/$pkg/copyright"
chmod 644 "$stage/usr/share/doc/$pkg/copyright"

# Maintainer scripts: Debian's behaviour for its modules. Installing enables the module;
# removing moves the link aside (.removed) and purging deletes it; a reinstall after a
# removal enables it again, an upgrade keeps an administrator's removal of the link.
cat >"$stage/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
link=/etc/nginx/modules-enabled/$enabled
if [ "\$1" = configure ]; then
    restore=false
    if [ -L "\$link.removed" ]; then
        rm -f "\$link.removed"
        restore=true
    fi
    if [ -z "\$2" ] || [ "\$restore" = true ]; then
        mkdir -p /etc/nginx/modules-enabled
        ln -sf /usr/share/nginx/modules-available/$snippet "\$link"
    fi
    # nginx's trigger: a running nginx reloads
    if command -v dpkg-trigger >/dev/null 2>&1; then
        dpkg-trigger --no-await nginx-reload
    fi
fi
EOF
cat >"$stage/DEBIAN/prerm" <<EOF
#!/bin/sh
set -e
link=/etc/nginx/modules-enabled/$enabled
if [ "\$1" = remove ] || [ "\$1" = deconfigure ]; then
    if [ -L "\$link" ]; then
        mv "\$link" "\$link.removed"
    fi
fi
EOF
cat >"$stage/DEBIAN/postrm" <<EOF
#!/bin/sh
set -e
link=/etc/nginx/modules-enabled/$enabled
case "\$1" in
remove)
    if [ -L "\$link" ]; then
        mv "\$link" "\$link.removed"
    fi
    if command -v dpkg-trigger >/dev/null 2>&1; then
        dpkg-trigger --no-await nginx-reload
    fi
    ;;
purge)
    rm -f "\$link" "\$link.removed"
    ;;
esac
EOF
chmod 755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

shlibs="$(cd "$build" && dpkg-shlibdeps -O "debian/$pkg/usr/lib/nginx/modules/$so" | sed -n 's/^shlibs:Depends=//p')"
[ -n "$shlibs" ] || { echo "dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm -f "$build/debian/control"

installed_size="$(du -k -s --apparent-size --exclude=DEBIAN "$stage" | cut -f1)"
cat >"$stage/DEBIAN/control" <<EOF
Package: $pkg
Source: jwtguard
Version: $version
Architecture: $arch
Maintainer: The jwtguard developers
Installed-Size: $installed_size
Depends: $abi, $shlibs
Recommends: nginx
Section: httpd
Priority: optional
Homepage: https://github.com/jwtguard/jwtguard
Description: JWT access-token verification module for nginx (jwtguard)
 ngx_http_jwtguard_module checks JWT access tokens (RSA, ECDSA, EdDSA, HMAC) in
 nginx's access phase with the rules of Azure API Management's validate-jwt
 policy: audiences, issuers, required claims, clock skew, keys from a JWKS file.
 .
 Built for nginx $nginx_version ($abi): rebuild it after an
 upgrade of nginx.
EOF
(cd "$stage" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"

# reproducible: fixed mtimes, root ownership (--root-owner-group), sorted by dpkg-deb
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH="$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)"
fi
export SOURCE_DATE_EPOCH
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

rm -f "$out/${pkg}_"*.deb
deb="$out/${pkg}_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
