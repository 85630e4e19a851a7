# Shell functions shared by run-c-tests.sh and sanitize.sh (sourced, not run).

run() {
    printf '+ %s\n' "$*"
    "$@"
}
need() { # need COMMAND DEBIAN_PACKAGE
    command -v "$1" >/dev/null && return
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        run apt-get update -qq
        run apt-get install -y -qq "$2"
    else
        echo "$1 is required (Debian package $2)" >&2
        exit 1
    fi
}
