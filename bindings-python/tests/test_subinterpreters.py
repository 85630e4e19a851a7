"""Sub-interpreters: the extension belongs to the interpreter that imports it first and
refuses to load in any other one of the process (``ImportError``), so no interpreter is
ever handed another one's exception classes or cached objects.

Each case runs in a fresh process (a crash there cannot take the test run down), with
real sub-interpreters made by ``_xxsubinterpreters`` (CPython 3.9 to 3.12, the shared-GIL
kind mod_wsgi creates)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap

import pytest

from conftest import AUDIENCE, ISSUER, NOW, claims, jwks, mint, public_jwk

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("_xxsubinterpreters") is None, reason="needs _xxsubinterpreters (CPython 3.9 to 3.12)"
)

REFUSED = "jwtguard does not support sub-interpreters"
SETTING = "WSGIApplicationGroup %{GLOBAL}"

# Shared by every script: the test data from stdin, a shared-GIL sub-interpreter
# (`isolated=False` on 3.12, the only kind before), and `check`, which verifies a good
# token and catches the rejection of a bad one with the package's own `TokenError`.
PRELUDE = """
import json, sys
import _xxsubinterpreters as interpreters

data = json.load(sys.stdin)

def new_interpreter():
    return interpreters.create(**({"isolated": False} if sys.version_info >= (3, 12) else {}))

def run_in(interp, code):
    interpreters.run_string(interp, "data = " + repr(data) + "\\n" + CHECK + code)

CHECK = '''
def check(jwtguard, where):
    keys = jwtguard.KeySet.from_jwks(data["jwks"])
    policy = jwtguard.Policy(audiences=[data["audience"]], issuers=[data["issuer"]])
    print(where, "verified", jwtguard.verify(data["good"], keys, policy, now=data["now"])["sub"], flush=True)
    try:
        jwtguard.verify(data["bad"], keys, policy, now=data["now"])
    except jwtguard.TokenError as e:
        print(where, "caught", type(e).__name__, flush=True)
'''
exec(CHECK)
"""


def run(script: str, keys) -> list:
    data = {
        "jwks": jwks(public_jwk(keys.ec, "k1")),
        "good": mint(keys.ec, "k1", claims()),
        "bad": mint(keys.ec, "k1", claims(aud="api://someone-else")),
        "audience": AUDIENCE,
        "issuer": ISSUER,
        "now": NOW,
    }
    r = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(script)],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def test_a_second_interpreter_is_refused_and_the_first_keeps_working(keys):
    lines = run(
        """
        import jwtguard, jwtguard._jwtguard
        check(jwtguard, "main")
        interp = new_interpreter()
        run_in(interp, '''
        import importlib.util
        try:
            import jwtguard
            print("package imported", flush=True)
        except ImportError as e:
            print("package refused:", e, flush=True)
        # Past the package: the extension file itself, loaded by hand.
        spec = importlib.util.spec_from_file_location("jwtguard._jwtguard", %r)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            print("extension loaded", flush=True)
        except ImportError as e:
            print("extension refused:", e, flush=True)
        print("extension attributes:", sorted(k for k in vars(module) if not k.startswith("__")), flush=True)
        ''' % jwtguard._jwtguard.__file__)
        interpreters.destroy(interp)
        check(jwtguard, "main")
        """,
        keys,
    )
    refused = [line for line in lines if "refused:" in line]
    assert [line.split(":")[0] for line in refused] == ["package refused", "extension refused"]
    assert all(REFUSED in line and SETTING in line for line in refused)
    assert "extension attributes: []" in lines
    assert [line for line in lines if line.startswith("main")] == [
        "main verified user-1",
        "main caught TokenAudienceNotAllowedError",
    ] * 2


def test_a_sub_interpreter_importing_first_keeps_the_extension(keys):
    """Once that interpreter is destroyed, nothing else may use what it left behind."""
    lines = run(
        """
        interp = new_interpreter()
        run_in(interp, '''
        import jwtguard
        check(jwtguard, "sub")
        ''')
        interpreters.destroy(interp)
        for name in ("main", "second sub"):
            try:
                if name == "main":
                    import jwtguard
                else:
                    other = new_interpreter()
                    run_in(other, "import jwtguard")
                print(name, "imported", flush=True)
            except ImportError as e:
                print(name, "refused:", e, flush=True)
            except interpreters.RunFailedError as e:
                print(name, "refused:", e, flush=True)
        """,
        keys,
    )
    assert lines[:2] == ["sub verified user-1", "sub caught TokenAudienceNotAllowedError"]
    assert [line.split(":")[0] for line in lines[2:]] == ["main refused", "second sub refused"]
    assert all(REFUSED in line and SETTING in line for line in lines[2:])


def test_importing_again_in_the_same_interpreter_is_allowed(keys):
    lines = run(
        """
        import jwtguard
        first = jwtguard
        for name in [n for n in sys.modules if n == "jwtguard" or n.startswith("jwtguard.")]:
            del sys.modules[name]
        import jwtguard
        print("new module", jwtguard is not first, flush=True)
        check(jwtguard, "again")
        """,
        keys,
    )
    assert lines == ["new module True", "again verified user-1", "again caught TokenAudienceNotAllowedError"]
