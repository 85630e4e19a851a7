#!/usr/bin/env bash
# Builds the Python package's wheel (build-wheel.sh, as `make wheel` does) and installs
# it into a virtual environment, installs the test-only dependencies (pytest, PyJWT,
# cryptography, and mypy for its stubtest) and runs bindings-python/tests. Fails when a
# test fails or when no test ran (pytest exit 5). tests/test_oidc_provider.py needs node
# and npm, and installs tests/oidc-provider's locked packages itself (npm ci).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${JWTGUARD_PYTHON_VENV:-$root/target/python-venv}"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$venv/bin/python" -m pip install --quiet pytest pyjwt cryptography mypy
# The package itself as users install it: the wheel `make wheel` builds (rebuilt from
# the source tree every run; cargo is incremental).
wheel="$(bash "$here/build-wheel.sh" | tail -1)"
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$wheel"

cd "$here"
"$venv/bin/python" -m pytest -q -p no:cacheprovider tests "$@"
