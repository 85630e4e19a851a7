"""Algorithms in the nginx module: jwtguard_algorithms (every asymmetric algorithm of the
library, HMAC refused by `nginx -t`), APIM's algorithms under jwtguard_apim_policy
(RS512 and PS256 accepted there, refused by a plain location's default RS256/ES256),
and inline symmetric APIM keys verifying HS256 end to end as a key set of their own.
Tokens are minted with PyJWT + cryptography, independent of jwtguard."""

import base64
import collections
import json
import os
import shutil
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from harness import Backend, Nginx, free_port, request, stop_and_check, write_atomic

AUD = "api://jwtguard-nginx"
ISS = "https://issuer.example/tenant/v2.0"
MESSAGE = "Unauthorized. Access token is missing or invalid."


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Signer:
    """A private key, its public JWK (no "alg": the key is not bound to one) and the
    algorithms it signs with."""

    def __init__(self, kid, kind):
        self.kid = kid
        if kind == "RSA":
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        elif kind in ("P-384", "P-521"):
            self.private = ec.generate_private_key(ec.SECP384R1() if kind == "P-384" else ec.SECP521R1())
            self.jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        elif kind == "Ed25519":
            self.private = ed25519.Ed25519PrivateKey.generate()
            raw = self.private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
            self.jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
        else:  # a shared secret
            self.private = os.urandom(32)
            self.jwk = None
        if self.jwk is not None:
            self.jwk.update({"kid": kid, "use": "sig"})

    def sign(self, alg, kid=None, **over):
        now = int(time.time())
        claims = {"aud": AUD, "iss": ISS, "iat": now, "nbf": now - 5, "exp": now + 600, "sub": "user-1"}
        claims.update(over)
        if alg == "Ed25519":  # RFC 9864's name, which PyJWT does not know: signed here
            head = b64url(json.dumps({"alg": alg, "kid": kid or self.kid}).encode())
            body = b64url(json.dumps(claims).encode())
            return f"{head}.{body}.{b64url(self.private.sign(f'{head}.{body}'.encode()))}"
        return jwt.encode(claims, self.private, algorithm=alg, headers={"kid": kid or self.kid})


RSA_KEY = Signer("rsa-1", "RSA")
P384_KEY = Signer("p384-1", "P-384")
P521_KEY = Signer("p521-1", "P-521")
ED_KEY = Signer("ed-1", "Ed25519")
SECRET = Signer("hmac-1", "oct")
OTHER_SECRET = Signer("hmac-1", "oct")   # same kid, another secret: a forgery


def rsa_key_xml(key):
    return f'<key id="{key.kid}" n="{key.jwk["n"]}" e="{key.jwk["e"]}" />'


def secret_xml(key):
    return f'<key id="{key.kid}">{base64.b64encode(key.private).decode()}</key>'


def policy(keys):
    return f"""<validate-jwt header-name="Authorization" failed-validation-error-message="{MESSAGE}">
  <issuer-signing-keys>{keys}</issuer-signing-keys>
  <audiences><audience>{AUD}</audience></audiences>
  <issuers><issuer>{ISS}</issuer></issuers>
</validate-jwt>
"""


def http_conf(backend_port, port, d):
    plain = f"jwtguard on; jwtguard_audience {AUD}; jwtguard_issuer {ISS};"
    return f"""
    upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        add_header X-Jwtguard-Error $jwtguard_error always;
        proxy_http_version 1.1;
        proxy_set_header Connection "";

        location /default/ {{ {plain} jwtguard_keys_file {d}/asym.json; proxy_pass http://backend; }}
        location /rsa/ {{
            {plain} jwtguard_keys_file {d}/asym.json;
            jwtguard_algorithms RS384 RS512 PS256 PS384 PS512;
            proxy_pass http://backend;
        }}
        location /ec-ed/ {{
            {plain} jwtguard_keys_file {d}/asym.json;
            jwtguard_algorithms ES384 EdDSA;
            jwtguard_cache_size off;
            proxy_pass http://backend;
        }}
        location /es512-ed25519/ {{
            {plain} jwtguard_keys_file {d}/asym.json;
            jwtguard_algorithms ES512 Ed25519;
            proxy_pass http://backend;
        }}
        location /apim-rsa/ {{ jwtguard on; jwtguard_apim_policy {d}/rsa.xml; proxy_pass http://backend; }}
        location /apim-hmac/ {{ jwtguard on; jwtguard_apim_policy {d}/hmac.xml; proxy_pass http://backend; }}
        location /apim-mixed/ {{ jwtguard on; jwtguard_apim_policy {d}/mixed.xml; proxy_pass http://backend; }}
        location /apim-mixed-nocache/ {{
            jwtguard on; jwtguard_apim_policy {d}/mixed.xml; jwtguard_cache_size off;
            proxy_pass http://backend;
        }}
    }}
"""


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    port = free_port()
    ng = Nginx("")
    d = ng.dir
    write_atomic(os.path.join(d, "asym.json"), json.dumps({"keys": [RSA_KEY.jwk, P384_KEY.jwk, P521_KEY.jwk, ED_KEY.jwk]}))
    write_atomic(os.path.join(d, "rsa.xml"), policy(rsa_key_xml(RSA_KEY)))
    write_atomic(os.path.join(d, "hmac.xml"), policy(secret_xml(SECRET)))
    write_atomic(os.path.join(d, "mixed.xml"), policy(rsa_key_xml(RSA_KEY) + secret_xml(SECRET)))
    ng.write_conf(http_conf(backend.port, port, d))
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        raise
    e = collections.namedtuple("Env", "port nginx backend")(port, ng, backend)
    try:
        yield e
    finally:
        stop_and_check(ng, backend)


def status(env, path, token):
    st, h, text = request(env.port, path, {"Authorization": f"Bearer {token}"})
    return st, h.get("x-jwtguard-error", "")


def accepted(env, path, token):
    assert status(env, path, token) == (200, ""), path


def rejected(env, path, token, reason):
    assert status(env, path, token) == (401, reason), path


def test_default_location_allows_rs256_and_es256_only(env):
    accepted(env, "/default/", RSA_KEY.sign("RS256"))
    for alg in ("RS384", "RS512", "PS256", "PS384", "PS512"):
        rejected(env, "/default/", RSA_KEY.sign(alg), "TokenAlgorithmNotAllowed")
    rejected(env, "/default/", P384_KEY.sign("ES384"), "TokenAlgorithmNotAllowed")
    rejected(env, "/default/", ED_KEY.sign("EdDSA"), "TokenAlgorithmNotAllowed")
    rejected(env, "/default/", P521_KEY.sign("ES512"), "TokenAlgorithmNotAllowed")
    rejected(env, "/default/", ED_KEY.sign("Ed25519"), "TokenAlgorithmNotAllowed")


def test_es512_and_the_name_ed25519_are_allowed_by_name(env):
    accepted(env, "/es512-ed25519/", P521_KEY.sign("ES512"))
    accepted(env, "/es512-ed25519/", ED_KEY.sign("Ed25519"))
    # allowing Ed25519 does not allow EdDSA, the same signature under the other name
    rejected(env, "/es512-ed25519/", ED_KEY.sign("EdDSA"), "TokenAlgorithmNotAllowed")
    rejected(env, "/ec-ed/", ED_KEY.sign("Ed25519"), "TokenAlgorithmNotAllowed")
    # a P-521 key never signs for P-384, nor the other way
    rejected(env, "/es512-ed25519/", P384_KEY.sign("ES384", kid=P521_KEY.kid), "TokenAlgorithmNotAllowed")
    rejected(env, "/es512-ed25519/", P521_KEY.sign("ES512", kid=P384_KEY.kid), "TokenAlgorithmKeyMismatch")


def test_jwtguard_algorithms_allows_each_name(env):
    for alg in ("RS384", "RS512", "PS256", "PS384", "PS512"):
        accepted(env, "/rsa/", RSA_KEY.sign(alg))
    # the list replaces the default: RS256 is no longer allowed there
    rejected(env, "/rsa/", RSA_KEY.sign("RS256"), "TokenAlgorithmNotAllowed")
    accepted(env, "/ec-ed/", P384_KEY.sign("ES384"))
    accepted(env, "/ec-ed/", ED_KEY.sign("EdDSA"))
    rejected(env, "/ec-ed/", RSA_KEY.sign("PS256"), "TokenAlgorithmNotAllowed")
    # the token's alg only selects among the key's: EdDSA naming the P-384 key
    rejected(env, "/ec-ed/", ED_KEY.sign("EdDSA", kid=P384_KEY.kid), "TokenAlgorithmKeyMismatch")


def test_apim_policy_allows_apims_algorithms(env):
    # API Management accepts RS256, RS512 and PS256 (ES256 too): so does the translation
    for alg in ("RS256", "RS512", "PS256"):
        for _ in range(2):  # a miss, then a hit
            accepted(env, "/apim-rsa/", RSA_KEY.sign(alg))
    for alg in ("RS384", "PS384", "PS512"):
        rejected(env, "/apim-rsa/", RSA_KEY.sign(alg), "TokenAlgorithmNotAllowed")
    # no inline secret: no HMAC
    rejected(env, "/apim-rsa/", SECRET.sign("HS256"), "TokenAlgorithmNotAllowed")


@pytest.mark.filterwarnings("ignore:The HMAC key is")   # the HS512 token below, on purpose
@pytest.mark.parametrize("path", ["/apim-hmac/", "/apim-mixed/", "/apim-mixed-nocache/"])
def test_inline_symmetric_key_verifies_hs256(env, path):
    t = SECRET.sign("HS256")
    for _ in range(3):
        accepted(env, path, t)
    # signed with another secret under the same kid, or with no kid (every key tried)
    rejected(env, path, OTHER_SECRET.sign("HS256"), "TokenSignatureInvalid")
    rejected(env, path, OTHER_SECRET.sign("HS256", kid="unknown"), "TokenSignatureInvalid")
    rejected(env, path, SECRET.sign("HS256", aud="api://other"), "TokenAudienceNotAllowed")
    # HS384/HS512 need longer secrets than this 32-byte one
    rejected(env, path, SECRET.sign("HS512"), "TokenAlgorithmKeyMismatch")


def test_mixed_policy_keeps_rsa_and_hmac_apart(env):
    accepted(env, "/apim-mixed/", RSA_KEY.sign("RS256"))
    accepted(env, "/apim-mixed/", RSA_KEY.sign("PS256"))
    # HS256 naming the RSA key: that key does not do HMAC (key confusion refused)
    rejected(env, "/apim-mixed/", SECRET.sign("HS256", kid=RSA_KEY.kid), "TokenAlgorithmKeyMismatch")
    # RS256 naming the secret: the kid names a key, and that key does not do RS256 (the
    # inline keys are one verifier's sources: no other key is tried for a named one)
    rejected(env, "/apim-mixed/", RSA_KEY.sign("RS256", kid=SECRET.kid), "TokenAlgorithmKeyMismatch")
    rejected(env, "/apim-mixed/", Signer("rsa-1", "RSA").sign("RS256", kid=SECRET.kid), "TokenAlgorithmKeyMismatch")
    # a kid no inline key has: the inline RSA key is tried (APIM's behaviour for inline keys)
    accepted(env, "/apim-mixed/", RSA_KEY.sign("RS256", kid="unknown-kid"))
    log = env.nginx.log()
    assert "1 inline RSA keys" in log and "1 inline symmetric (HMAC) keys" in log, log
    assert base64.b64encode(SECRET.private).decode() not in log


def test_hmac_only_policy_keys_never_serve_key_files(env):
    # the secret is not in the key file: a location with a key file never sees it
    rejected(env, "/rsa/", SECRET.sign("HS256"), "TokenAlgorithmNotAllowed")


# ---------------------------------------------------------------- nginx -t

def check_conf(body, files=None):
    ng = Nginx("")
    try:
        write_atomic(os.path.join(ng.dir, "keys.json"), json.dumps({"keys": [RSA_KEY.jwk]}))
        for name, text in (files or {}).items():
            write_atomic(os.path.join(ng.dir, name), text)
        ng.write_conf(body.format(d=ng.dir, p=free_port()))
        return ng.test_conf()
    finally:
        shutil.rmtree(ng.dir, ignore_errors=True)


LOCATION = ("server {{ listen 127.0.0.1:{p}; location / {{ jwtguard on; jwtguard_keys_file {d}/keys.json;"
            " jwtguard_audience " + AUD + "; jwtguard_issuer " + ISS + "; %s return 204; }} }}")


@pytest.mark.parametrize("alg", ["HS256", "HS384", "HS512"])
def test_hmac_in_jwtguard_algorithms_fails_nginx_t(alg):
    rc, out = check_conf(LOCATION % f"jwtguard_algorithms RS256 {alg};")
    assert rc != 0, out
    assert f'jwtguard_algorithms: "{alg}" is not supported here: HMAC needs a shared secret' in out, out
    assert "inline symmetric keys of a jwtguard_apim_policy" in out, out


@pytest.mark.parametrize("directive, message", [
    ("jwtguard_algorithms rs256;", 'unknown algorithm "rs256" (names are case-sensitive'),
    ("jwtguard_algorithms none;", 'unknown algorithm "none"'),
    ("jwtguard_algorithms ES256K;", 'unknown algorithm "ES256K"'),
    ("jwtguard_algorithms RS256; jwtguard_algorithms ES256;", '"jwtguard_algorithms" directive is duplicate'),
    ("jwtguard_algorithms;", 'invalid number of arguments in "jwtguard_algorithms"'),
])
def test_bad_jwtguard_algorithms_fails_nginx_t(directive, message):
    rc, out = check_conf(LOCATION % directive)
    assert rc != 0 and message in out, out


def test_every_algorithm_name_passes_nginx_t():
    rc, out = check_conf(LOCATION % "jwtguard_algorithms RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 EdDSA;")
    assert rc == 0, out


def test_jwtguard_algorithms_conflicts_with_apim_policy():
    body = ("server {{ listen 127.0.0.1:{p}; jwtguard_algorithms PS256; location / {{ jwtguard on;"
            " jwtguard_apim_policy {d}/p.xml; return 204; }} }}")
    rc, out = check_conf(body, {"p.xml": policy(rsa_key_xml(RSA_KEY))})
    assert rc != 0 and 'conflicts with "jwtguard_algorithms"' in out, out


def test_short_inline_secret_fails_nginx_t():
    short = '<key id="s">' + base64.b64encode(b"x" * 16).decode() + "</key>"
    body = "server {{ listen 127.0.0.1:{p}; location / {{ jwtguard on; jwtguard_apim_policy {d}/p.xml; return 204; }} }}"
    rc, out = check_conf(body, {"p.xml": policy(short)})
    assert rc != 0, out
    assert base64.b64encode(b"x" * 16).decode() not in out, out
