"""The examples in bindings-python/examples (shown in bindings-python/README.md) run: each is
executed against keys and tokens minted here, or at least compiled when it needs a
third-party framework."""

from __future__ import annotations

import importlib.util
import json
import py_compile
import re
import subprocess
import sys
import time
from wsgiref.util import setup_testing_defaults

import pytest

import jwtguard
from conftest import AUDIENCE, ISSUER, NOW, PACKAGE_DIR, claims, jwks, mint, public_jwk

EXAMPLES = PACKAGE_DIR / "examples"


def load(name):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_example_compiles():
    names = sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert names == ["entra_validator.py", "fastapi_app.py", "static_keys.py", "wsgi_app.py"]
    for path in EXAMPLES.glob("*.py"):
        py_compile.compile(str(path), doraise=True)


def test_static_keys(tmp_path, keys):
    example = load("static_keys")
    document = jwks(public_jwk(keys.rsa, "k1"))
    check = example.make_checker(document, AUDIENCE, ISSUER)
    assert check(mint(keys.rsa, "k1", claims(scp="Files.Read")), now=NOW) == (200, "user-1")
    assert check(mint(keys.rsa, "k1", claims(scp="Files.Read", exp=NOW - 61)), now=NOW) == (401, "expired")
    assert check(mint(keys.rsa, "k1", claims(scp="Mail.Read")), now=NOW) == (401, "TokenClaimValueNotAllowed")
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(document))
    current = int(time.time())
    token = mint(keys.rsa, "k1", claims(scp="Files.Read", iat=current, nbf=current, exp=current + 600))
    r = subprocess.run(
        [sys.executable, str(EXAMPLES / "static_keys.py"), str(path), AUDIENCE, ISSUER, token],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and json.loads(r.stdout) == {"status": 200, "detail": "user-1"}


def call(app, authorization=None):
    environ = {}
    setup_testing_defaults(environ)
    if authorization is not None:
        environ["HTTP_AUTHORIZATION"] = authorization
    captured = {}

    def start_response(status, headers):
        captured["status"], captured["headers"] = status, dict(headers)

    body = b"".join(app(environ, start_response))
    return captured["status"], captured["headers"], json.loads(body)


def test_wsgi_app_with_a_validator(server, keys, clock):
    example = load("wsgi_app")
    issuer = "https://login.example/t/v2.0"
    url = server.openid("/t/v2.0", issuer, jwks(public_jwk(keys.ec, "k1")))
    server.set("/t/v2.0/.well-known/openid-configuration", (503, b""))
    validator = jwtguard.Validator(
        url, policy=jwtguard.Policy(audiences=[AUDIENCE]), allow_http_loopback=True, clock=clock
    )
    app = example.make_app(validator)
    token = mint(keys.ec, "k1", claims(iss=issuer, name="Ada"))
    status, _, body = call(app, f"Bearer {token}")
    assert status.startswith("503")  # no keys yet
    server.openid("/t/v2.0", issuer, jwks(public_jwk(keys.ec, "k1")))
    clock.advance(60)
    assert call(app, f"Bearer {token}") == ("200 OK", {"Content-Type": "application/json"}, {"hello": "Ada"})
    for header in (None, "Basic abc", f"Bearer {token}x", "Bearer " + mint(keys.ec, "k1", claims(iss=issuer, aud="x"))):
        status, headers, body = call(app, header)
        assert status == "401 Unauthorized" and headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
        assert body["message"] == "Unauthorized. Access token is missing or invalid."


def test_entra_example_builds_its_validator():
    example = load("entra_validator")
    tid = "4a435c5e-6451-4c1a-a81f-ab9666b6de8f"
    v = example.make_validator(tid, "6e74172b-be56-4843-9ff4-e66a39bb12e3")
    assert [url for _, url in v.sources] == [
        f"https://login.partner.microsoftonline.cn/{tid}/.well-known/openid-configuration",
        f"https://login.partner.microsoftonline.cn/{tid}/v2.0/.well-known/openid-configuration",
    ]
    assert v.policy.issuers == (
        f"https://sts.chinacloudapi.cn/{tid}/",
        f"https://login.partner.microsoftonline.cn/{tid}/v2.0",
    )


def test_fastapi_example(monkeypatch):
    if importlib.util.find_spec("fastapi") is None:
        pytest.skip("fastapi is not installed (the example is compiled by test_every_example_compiles)")
    monkeypatch.setenv("JWTGUARD_OPENID_CONFIG", "https://login.example/.well-known/openid-configuration")
    monkeypatch.setenv("JWTGUARD_AUDIENCE", AUDIENCE)
    assert load("fastapi_app").app


def test_readme_code_compiles():
    text = (PACKAGE_DIR / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert len(blocks) >= 3
    for block in blocks:
        compile(block, "bindings-python/README.md", "exec")
    # The README's examples are the files tested above.
    for name in ("static_keys.py", "wsgi_app.py", "entra_validator.py", "fastapi_app.py"):
        assert f"examples/{name}" in text, name
