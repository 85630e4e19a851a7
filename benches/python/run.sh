#!/usr/bin/env bash
# Python benchmark: jwtguard vs PyJWT vs OxyJWT (see bench.py). Creates or reuses a venv
# (target/bench-venv, or $JWTGUARD_BENCH_VENV), installs PyJWT with cryptography and
# OxyJWT from PyPI and the jwtguard package built from bindings-python (maturin, release
# profile, as bindings-python/run-tests.sh does), then runs bench.py with the arguments
# given here, e.g.:  bash benches/python/run.sh --quick --out target/bench-python.md
# OxyJWT needs Python 3.10 or later; without it the table says OxyJWT was not measured.
# Run it on a quiet machine: the two-thread rows need two idle cores.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${JWTGUARD_BENCH_VENV:-$root/target/bench-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install --quiet "pyjwt[crypto]" cryptography jwcrypto
if ! "$venv/bin/python" -m pip install --quiet oxyjwt; then
    echo "run.sh: could not install oxyjwt (it needs Python >= 3.10); measuring without it" >&2
fi
# jwtguard itself, rebuilt from the source tree every run (cargo is incremental).
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$root/bindings-python"

"$venv/bin/python" "$here/bench.py" "$@"
# Encrypted tokens: jwtguard against jwcrypto (appended to --out FILE when given).
exec "$venv/bin/python" "$here/jwe.py" "$@"
