"""Shared test helpers: paths, keys and tokens minted with PyJWT/cryptography (never
with jwtguard), the core's fixture files as Python policies, and a real HTTP server on
127.0.0.1 whose routes the tests control and whose hits they count."""

from __future__ import annotations

import base64
import http.server
import json
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Optional, Tuple, Union

import jwt  # PyJWT
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import jwtguard

HERE = Path(__file__).resolve().parent
PACKAGE_DIR = HERE.parent
REPO = PACKAGE_DIR.parent
FIXTURES = REPO / "core" / "tests" / "fixtures"
VECTORS = REPO / "tests" / "vectors"

NOW = 1_700_000_000
AUDIENCE = "api://jwtguard-python-test"
ISSUER = "https://issuer.example/tenant/v2.0"


def published_vectors() -> Path:
    """``<repo>/tests/vectors``; a missing folder fails loudly, never skips."""
    assert VECTORS.is_dir(), f"published test vectors not found at {VECTORS}"
    return VECTORS


# --- keys and tokens ------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_bytes(n: int, length: Optional[int] = None) -> bytes:
    return n.to_bytes(length or max(1, (n.bit_length() + 7) // 8), "big")


def public_jwk(private_key: Any, kid: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
    public = private_key.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        numbers = public.public_numbers()
        jwk = {"kty": "RSA", "n": b64url(_int_bytes(numbers.n)), "e": b64url(_int_bytes(numbers.e))}
    else:
        numbers = public.public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(_int_bytes(numbers.x, 32)),
            "y": b64url(_int_bytes(numbers.y, 32)),
        }
    if kid is not None:
        jwk["kid"] = kid
    jwk.update(extra)
    return jwk


def jwks(*keys: Dict[str, Any]) -> Dict[str, Any]:
    return {"keys": list(keys)}


class Keys:
    """A few keys made once per test session (RSA generation is slow)."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.rsa_b = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec = ec.generate_private_key(ec.SECP256R1())
        self.ec_b = ec.generate_private_key(ec.SECP256R1())


@pytest.fixture(scope="session")
def keys() -> Keys:
    return Keys()


def claims(**overrides: Any) -> Dict[str, Any]:
    """Claims valid at ``NOW`` for ``AUDIENCE``/``ISSUER``; ``None`` removes a claim."""
    base: Dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-1",
        "iat": NOW - 60,
        "nbf": NOW - 60,
        "exp": NOW + 3600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def mint(
    private_key: Any, kid: Optional[str], payload: Dict[str, Any], alg: Optional[str] = None, **headers: Any
) -> str:
    """A token signed by PyJWT."""
    if alg is None:
        alg = "RS256" if isinstance(private_key, rsa.RSAPrivateKey) else "ES256"
    if kid is not None:
        headers["kid"] = kid
    return jwt.encode(payload, private_key, algorithm=alg, headers=headers or None)


def sign_raw(private_key: Any, signing_input: bytes) -> bytes:
    """An RS256 or ES256 (r || s) signature made with cryptography."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    r, s = decode_dss_signature(private_key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def mint_raw(private_key: Any, header: Dict[str, Any], payload: Union[bytes, Dict[str, Any]]) -> str:
    """A token with exactly this header and payload text, signed with cryptography
    (for payloads PyJWT would refuse to produce)."""
    if isinstance(payload, dict):
        payload = json.dumps(payload).encode()
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(payload)}".encode()
    return f"{signing_input.decode()}.{b64url(sign_raw(private_key, signing_input))}"


# --- the core's fixture files -------------------------------------------------------


def load_fixture(name: str) -> Dict[str, Any]:
    with open(FIXTURES / name, encoding="utf-8") as f:
        return json.load(f)


def policy_from_spec(spec: Dict[str, Any]) -> jwtguard.Policy:
    """A fixture policy description (``null`` audiences/issuers = waived)."""
    return jwtguard.Policy(
        audiences=spec["audiences"] or (),
        any_audience=spec["audiences"] is None,
        issuers=spec["issuers"] or (),
        any_issuer=spec["issuers"] is None,
        required_claims=[
            jwtguard.RequiredClaim(r["name"], r["values"], match=r["match"], separator=r.get("separator"))
            for r in spec["required_claims"]
        ],
        clock_skew=spec["clock_skew"],
        require_expiration_time=spec["require_expiration_time"],
        algorithms=spec["algorithms"],
        kid_miss_fallback=spec["kid_miss_fallback"],
        check_key_issuer=spec["check_key_issuer"],
    )


def fixture_cases(name: str) -> Iterable[Tuple[Dict[str, Any], Dict[str, Any]]]:
    """``(document, case)`` with the case's policy merged over the default."""
    doc = load_fixture(name)
    for case in doc["cases"]:
        merged = dict(doc["default_policy"])
        merged.update(case.get("policy") or {})
        yield doc, dict(case, policy=merged, now=case.get("now", doc["now"]))


# --- a real HTTP server on 127.0.0.1 ---------------------------------------------------

Route = Union[Tuple[int, bytes], Callable[["_Handler"], None]]


class _Handler(http.server.BaseHTTPRequestHandler):
    server: "LocalServer"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            self.server.hits[path] = self.server.hits.get(path, 0) + 1
            route = self.server.routes.get(path)
        if route is None:
            self.reply(404, b'{"error":"not found"}')
        elif callable(route):
            route(self)
        else:
            self.reply(*route)

    def reply(self, status: int, body: bytes, headers: Optional[Dict[str, str]] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass


class LocalServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits: Dict[str, int] = {}
        self.routes: Dict[str, Route] = {}
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, route: Union[Route, Dict[str, Any]]) -> None:
        if isinstance(route, dict):
            route = (200, json.dumps(route).encode())
        with self.lock:
            self.routes[path] = route

    def hit(self, path: str) -> int:
        with self.lock:
            return self.hits.get(path, 0)

    def openid(self, prefix: str, issuer: str, jwks_document: Any, jwks_path: Optional[str] = None) -> str:
        """Serves an OpenID configuration at ``prefix/.well-known/openid-configuration``
        pointing to a JWKS; returns the configuration URL."""
        jwks_path = jwks_path or prefix + "/keys"
        self.set(prefix + "/.well-known/openid-configuration", {"issuer": issuer, "jwks_uri": self.url(jwks_path)})
        self.set(jwks_path, jwks_document)
        return self.url(prefix + "/.well-known/openid-configuration")

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


@pytest.fixture
def server() -> Iterable[LocalServer]:
    s = LocalServer()
    try:
        yield s
    finally:
        s.stop()


class FakeClock:
    """An injected clock: tests move time instead of sleeping."""

    def __init__(self, now: float = NOW) -> None:
        self.now = float(now)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


os.environ.setdefault("NO_PROXY", "127.0.0.1,localhost")
os.environ.setdefault("no_proxy", "127.0.0.1,localhost")
