#!/usr/bin/env bash
# Requests per second through ngx_http_jwtguard_module: Debian's nginx (two workers) on
# 127.0.0.1, wrk -t2 -c16 against
#   /open          the same static response without the module
#   /rs256 /es256  the module with the verified-token cache off (every request verified)
#   /rs256-cached /es256-cached   the module with the cache on (default settings)
# with valid RS256 (2048-bit) and ES256 tokens minted by PyJWT as nginx/tests does.
# Any non-2xx answer or socket error fails the run (a 401 storm must not look fast).
#
#   benches/nginx/run.sh [--quick] [--duration SECONDS] [--out FILE]
#
#   --quick      3 s per location (default 10 s), in rounds of 1 s (default 2 s) that
#                visit the locations in turn; the medians are reported
#   --out FILE   also writes the markdown table to FILE
#
# Installs wrk (apt-get) when missing; builds the module with nginx/build.sh and the
# token-minting venv with nginx/venv.sh. Results are not committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk (apt-get)" >&2
    sudo_=""
    [ "$(id -u)" = 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq wrk >/dev/null
fi

module="$(bash "$root/nginx/build.sh" | tail -1)"
python="$(bash "$root/nginx/venv.sh" | tail -1)"
export JWTGUARD_NGINX_MODULE="$module"
exec "$python" "$here/bench.py" "$@"
