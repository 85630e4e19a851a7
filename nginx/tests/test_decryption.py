"""jwtguard_decryption_keys_file: encrypted access tokens (JWE) decrypted, then verified,
as API Management's <decryption-keys>. Tokens are made by jwcrypto (an independent
implementation) around JWTs signed by PyJWT; Debian's nginx with two workers. What is
checked:

- RSA-OAEP-256, ECDH-ES+A256KW and dir tokens reach the upstream with their claims;
- a plain signed token still passes, an encrypted one without decryption keys is
  refused (TokenMalformed), RSA1_5 and zip are refused with their reasons, and a token
  for a key nobody has is TokenDecryptionFailed;
- the decryption keys file is read at start (by the master: it may be readable by root
  only) and a bad one stops `nginx -t` with the reason;
- an inner level inherits the keys; the directive is given once per level.
"""

import json
import os
import re
import shutil
import time

import pytest
from jwcrypto import jwe, jwk

from harness import Backend, Key, Nginx, free_port, jwks, request, stop_and_check

AUD, ISS = "api://jwe", "https://issuer.example/"
SIGNER = Key("signer", kind="EC")
RSA = jwk.JWK.generate(kty="RSA", size=2048, kid="rsa-enc")
P256 = jwk.JWK.generate(kty="EC", crv="P-256", kid="ec-enc")
OCT = jwk.JWK.generate(kty="oct", size=256, kid="dir-enc")
STRANGER = jwk.JWK.generate(kty="RSA", size=2048, kid="stranger")


def signed(**claims):
    body = {"iss": ISS, "aud": AUD, "sub": "user-7", "exp": int(time.time()) + 600}
    body.update(claims)
    return SIGNER.sign(body)


def encrypted(key, alg, enc, inner=None, **header):
    header = {"alg": alg, "enc": enc, "kid": key.get("kid"), "cty": "JWT", **header}
    algs = [alg, enc]
    token = jwe.JWE((inner or signed()).encode(), protected=json.dumps(header), algs=algs)
    token.add_recipient(key)
    return token.serialize(compact=True)


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    port = free_port()
    ng = Nginx("", workers=2)
    keys_file = os.path.join(ng.dir, "signing.json")
    secrets = os.path.join(ng.dir, "decryption.json")
    with open(keys_file, "w") as f:
        f.write(jwks(SIGNER))
    with open(secrets, "w") as f:
        f.write(json.dumps({"keys": [json.loads(k.export(private_key=True)) for k in (RSA, P256, OCT)]}))
    os.chmod(keys_file, 0o644)
    os.chmod(secrets, 0o600)   # root only: the master reads it
    ng.write_conf(f"""
    server {{
        listen 127.0.0.1:{port};
        jwtguard_keys_file {keys_file};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        add_header X-Jwtguard-Error $jwtguard_error always;
        proxy_set_header X-Sub $jwtguard_claim_sub;
        jwtguard_decryption_keys_file {secrets};
        location /api/ {{
            jwtguard on;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /inner/ {{
            jwtguard on;
            jwtguard_require_claim sub user-7;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
    }}
    """)
    ng.start(port)
    yield {"port": port, "ng": ng, "backend": backend}
    stop_and_check(ng, backend)


def get(env, path, token):
    status, headers, body = request(env["port"], path, {"Authorization": f"Bearer {token}"})
    return status, headers.get("x-jwtguard-error", ""), body


@pytest.mark.parametrize("key, alg, enc", [
    (RSA, "RSA-OAEP-256", "A256GCM"),
    (RSA, "RSA-OAEP", "A128CBC-HS256"),
    (P256, "ECDH-ES+A256KW", "A256GCM"),
    (P256, "ECDH-ES", "A192CBC-HS384"),
    (OCT, "dir", "A256GCM"),
])
def test_encrypted_tokens_reach_the_upstream_with_their_claims(env, key, alg, enc):
    token = encrypted(key, alg, enc)
    for path in ("/api/x", "/inner/x"):   # an inner level inherits the keys
        status, error, body = get(env, path, token)
        assert (status, error) == (200, ""), body
        assert json.loads(body)["headers"]["x-sub"] == "user-7"


def test_refusals_keep_their_reasons(env):
    assert get(env, "/api/x", signed())[:2] == (200, "")
    assert get(env, "/api/x", encrypted(STRANGER, "RSA-OAEP-256", "A256GCM"))[:2] \
        == (401, "TokenDecryptionFailed")
    # A token for another key under our key's kid: the RSA-OAEP failure looks like any other.
    impostor = jwk.JWK.generate(kty="RSA", size=2048, kid="rsa-enc")
    assert get(env, "/api/x", encrypted(impostor, "RSA-OAEP-256", "A256GCM"))[:2] == (401, "TokenDecryptionFailed")
    assert get(env, "/api/x", encrypted(RSA, "RSA-OAEP", "A256GCM", zip="DEF"))[:2] \
        == (401, "TokenHeaderUnsupported")
    header = {"alg": "RSA1_5", "enc": "A128GCM", "kid": "rsa-enc"}
    token = jwe.JWE(signed().encode(), protected=json.dumps(header), algs=["RSA1_5", "A128GCM"])
    token.add_recipient(RSA)
    assert get(env, "/api/x", token.serialize(compact=True))[:2] == (401, "TokenAlgorithmNotSupported")
    # The signed JWT inside is verified as any token: another audience is refused.
    assert get(env, "/api/x", encrypted(RSA, "RSA-OAEP-256", "A256GCM", inner=signed(aud="other")))[:2] \
        == (401, "TokenAudienceNotAllowed")
    log = env["ng"].log()
    assert "TokenDecryptionFailed: no decryption key has the token's kid" in log
    assert "TokenDecryptionFailed: the token could not be decrypted" in log
    assert "BEGIN" not in log and '"d"' not in log


def conf_test(directives, files):
    ng = Nginx("", workers=1)
    try:
        for name, text in files.items():
            with open(os.path.join(ng.dir, name), "w") as f:
                f.write(text)
        ng.write_conf(f"""
        server {{
            listen 127.0.0.1:{free_port()};
            jwtguard_audience {AUD};
            jwtguard_issuer {ISS};
            location / {{ jwtguard on; jwtguard_keys_file {ng.dir}/signing.json; {directives.format(dir=ng.dir)} }}
        }}""")
        return ng.test_conf()
    finally:
        shutil.rmtree(ng.dir, ignore_errors=True)


def test_an_encrypted_token_without_decryption_keys_is_malformed():
    backend, port = Backend(), free_port()
    ng = Nginx("")
    keys = os.path.join(ng.dir, "signing.json")
    with open(keys, "w") as f:
        f.write(jwks(SIGNER))
    os.chmod(keys, 0o644)
    ng.write_conf(f"""
    server {{
        listen 127.0.0.1:{port};
        add_header X-Jwtguard-Error $jwtguard_error always;
        location / {{
            jwtguard on;
            jwtguard_keys_file {keys};
            jwtguard_audience {AUD};
            jwtguard_issuer {ISS};
            proxy_pass http://127.0.0.1:{backend.port};
        }}
    }}""")
    ng.start(port)
    try:
        token = encrypted(RSA, "RSA-OAEP", "A256GCM")
        status, headers, _ = request(port, "/x", {"Authorization": f"Bearer {token}"})
        assert (status, headers.get("x-jwtguard-error")) == (401, "TokenMalformed")
    finally:
        stop_and_check(ng, backend)


@pytest.mark.parametrize("files, message", [
    ({}, r'jwtguard: decryption keys file ".*missing.json": cannot open the file'),
    ({"missing.json": "{}"}, r"invalid decryption keys file .*KeySetMalformed"),
    ({"missing.json": json.dumps({"keys": [json.loads(RSA.export_public())]})},
     r"invalid decryption keys file .*KeyMalformed: a private key lacks a member"),
])
def test_bad_decryption_keys_files_stop_nginx_t(files, message):
    files = {"signing.json": jwks(SIGNER), **files}
    rc, out = conf_test("jwtguard_decryption_keys_file {dir}/missing.json;", files)
    assert rc != 0 and re.search(message, out), out


def test_the_directive_is_not_repeated_at_one_level():
    files = {"signing.json": jwks(SIGNER), "d.json": json.dumps({"keys": [json.loads(OCT.export(private_key=True))]})}
    rc, out = conf_test("jwtguard_decryption_keys_file {dir}/d.json; jwtguard_decryption_keys_file {dir}/d.json;", files)
    assert rc != 0 and '"jwtguard_decryption_keys_file" directive is duplicate' in out, out


def test_an_apim_policys_decryption_keys_are_used(tmp_path):
    """`<decryption-keys><key>base64</key>` of an APIM policy: the symmetric key decrypts
    A256KW and dir tokens (jwcrypto's) around a JWT signed by the policy's inline RSA key."""
    import base64

    signer = Key("apim-rsa")
    secret = bytes(range(32))
    oct_key = jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(secret).rstrip(b"=").decode(), kid="enc-1")
    policy = tmp_path / "policy.xml"
    policy.write_text(f"""
<validate-jwt header-name="Authorization">
  <issuer-signing-keys><key n="{signer.jwk['n']}" e="{signer.jwk['e']}" /></issuer-signing-keys>
  <decryption-keys><key id="enc-1">{base64.b64encode(secret).decode()}</key></decryption-keys>
  <audiences><audience>{AUD}</audience></audiences>
  <issuers><issuer>{ISS}</issuer></issuers>
</validate-jwt>""")
    os.chmod(tmp_path, 0o755)
    backend, port = Backend(), free_port()
    ng = Nginx(f"""
    server {{
        listen 127.0.0.1:{port};
        add_header X-Jwtguard-Error $jwtguard_error always;
        location / {{ jwtguard on; jwtguard_apim_policy {policy}; proxy_pass http://127.0.0.1:{backend.port}; }}
    }}""")
    ng.start(port)
    try:
        inner = signer.sign({"iss": ISS, "aud": AUD, "sub": "user-7", "exp": int(time.time()) + 600})
        for alg, enc in (("A256KW", "A128CBC-HS256"), ("dir", "A256GCM")):
            token = encrypted(oct_key, alg, enc, inner=inner)
            status, headers, _ = request(port, "/x", {"Authorization": f"Bearer {token}"})
            assert (status, headers.get("x-jwtguard-error", "")) == (200, ""), (alg, enc)
        status, headers, _ = request(port, "/x", {"Authorization": f"Bearer {inner}"})
        assert status == 200, "a signed token passes as before"
        assert base64.b64encode(secret).decode() not in ng.log()
    finally:
        stop_and_check(ng, backend)
