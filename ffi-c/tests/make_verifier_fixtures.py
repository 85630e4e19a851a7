#!/usr/bin/env python3
"""Mints the tokens of fixtures/verifier.json for test_verifier.c: two providers, A and
B, each with an ES256 (P-256) and an RS256 (RSA 2048) key, plus the keys and tokens the
verifier's key selection and claim export rules are tested with. Fresh keys each run;
the private keys never leave this process. Every token is checked against its public
JWK with PyJWT before it is written.

Usage: make_verifier_fixtures.py > fixtures/verifier.json   (needs PyJWT and cryptography)

Key sets (public JWKs only):
  a, b        provider A's and B's keys: kids a-es, a-rs and b-es, b-rs
  inline      one RSA key without a kid (an inline key, tried first on a kid miss)
  five        five P-256 keys, kids k1..k5, in that order
  five_rotated  the same keys in the order k5, k1, k2, k3, k4
  crlf_kid    provider A's P-256 key under a kid holding CR LF

Tokens (aud AUDIENCE, nbf = iat = NOW - 60, exp = NOW + 3600):
  a_es256, a_rs256          provider A's tokens
  b_es256, b_rs256          provider B's tokens
  b_key_a_iss_es256/rs256   signed by B's keys, claiming A's iss
  kid_miss_rs256            B's token, signed by b-rs under the unknown kid b-retired
  no_kid_4th, no_kid_5th    no kid, signed by the 4th / 5th key of "five", iss A
  name_crlf                 A's token (a-es) whose name is "Alice\\r\\nX-Admin: true"
  name_nul                  A's token (a-es) whose name is "Alice\\u0000"
  roles_comma               A's token (a-es) with roles ["Reader,Admin"]
  roles_two                 A's token (a-es) with roles ["Reader","Admin"]
  kid_crlf                  A's token signed by a-es under the crlf_kid kid
  at_jwt                    A's token (a-es) with header typ "at+jwt" (RFC 9068)
  roles_string              A's token (a-es) with roles "Reader, Admin" (one string)
  appid_only                A's token (a-es) with appid "client-1" and no azp
  azp_other                 A's token (a-es) with azp "client-2"
  tenant_1, tenant_2        signed by a-es, iss ENTRA_ISSUER filled with TENANT_1 /
                            TENANT_2, and tid to match
"""

import json

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

NOW = 1700000000
AUDIENCE = "api://jwtguard-verifier"
ISSUER_A = "https://a.example/"
ISSUER_B = "https://b.example/"
CRLF_KID = "a-es\r\nX-Admin: true"
ENTRA_ISSUER = "https://login.microsoftonline.com/{tenantid}/v2.0"
TENANT_1 = "11111111-1111-4111-8111-111111111111"
TENANT_2 = "22222222-2222-4222-8222-222222222222"


def entra(tenant):
    return {"iss": ENTRA_ISSUER.replace("{tenantid}", tenant), "tid": tenant}


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(private, kid=None):
    if isinstance(private, rsa.RSAPrivateKey):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    else:
        jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(private.public_key()))
    jwk["use"] = "sig"
    if kid is not None:
        jwk["kid"] = kid
    return jwk


def main():
    a_es, a_rs, b_es, b_rs, inline = ec_key(), rsa_key(), ec_key(), rsa_key(), rsa_key()
    five = [ec_key() for _ in range(5)]
    key_sets = {
        "a": {"keys": [public_jwk(a_es, "a-es"), public_jwk(a_rs, "a-rs")]},
        "b": {"keys": [public_jwk(b_es, "b-es"), public_jwk(b_rs, "b-rs")]},
        "inline": {"keys": [public_jwk(inline)]},
        "five": {"keys": [public_jwk(k, "k%d" % (i + 1)) for i, k in enumerate(five)]},
        "five_rotated": {"keys": [public_jwk(five[i], "k%d" % (i + 1)) for i in (4, 0, 1, 2, 3)]},
        "crlf_kid": {"keys": [public_jwk(a_es, CRLF_KID)]},
    }
    base = {"aud": AUDIENCE, "sub": "user-1", "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3600}
    # name: (signing key, alg, kid or None, extra claims[, extra header members])
    cases = {
        "a_es256": (a_es, "ES256", "a-es", {"iss": ISSUER_A}),
        "a_rs256": (a_rs, "RS256", "a-rs", {"iss": ISSUER_A}),
        "b_es256": (b_es, "ES256", "b-es", {"iss": ISSUER_B}),
        "b_rs256": (b_rs, "RS256", "b-rs", {"iss": ISSUER_B}),
        "b_key_a_iss_es256": (b_es, "ES256", "b-es", {"iss": ISSUER_A}),
        "b_key_a_iss_rs256": (b_rs, "RS256", "b-rs", {"iss": ISSUER_A}),
        "kid_miss_rs256": (b_rs, "RS256", "b-retired", {"iss": ISSUER_B}),
        "no_kid_4th": (five[3], "ES256", None, {"iss": ISSUER_A}),
        "no_kid_5th": (five[4], "ES256", None, {"iss": ISSUER_A}),
        "name_crlf": (a_es, "ES256", "a-es", {"iss": ISSUER_A, "name": "Alice\r\nX-Admin: true"}),
        "name_nul": (a_es, "ES256", "a-es", {"iss": ISSUER_A, "name": "Alice\u0000"}),
        "roles_comma": (a_es, "ES256", "a-es", {"iss": ISSUER_A, "roles": ["Reader,Admin"]}),
        "roles_two": (a_es, "ES256", "a-es", {"iss": ISSUER_A, "roles": ["Reader", "Admin"]}),
        "kid_crlf": (a_es, "ES256", CRLF_KID, {"iss": ISSUER_A}),
        "at_jwt": (a_es, "ES256", "a-es", {"iss": ISSUER_A}, {"typ": "at+jwt"}),
        "roles_string": (a_es, "ES256", "a-es", {"iss": ISSUER_A, "roles": "Reader, Admin"}),
        "appid_only": (a_es, "ES256", "a-es", {"iss": ISSUER_A, "appid": "client-1"}),
        "azp_other": (a_es, "ES256", "a-es", {"iss": ISSUER_A, "azp": "client-2"}),
        "tenant_1": (a_es, "ES256", "a-es", entra(TENANT_1)),
        "tenant_2": (a_es, "ES256", "a-es", entra(TENANT_2)),
    }
    tokens = {}
    for name, (private, alg, kid, claims, *extra) in cases.items():
        headers = {"kid": kid} if kid is not None else {}
        headers.update(*extra)
        token = jwt.encode({**base, **claims}, private, algorithm=alg, headers=headers or None)
        # The token must verify with its own public key, independently of jwtguard.
        public = jwt.PyJWK(public_jwk(private), algorithm=alg)
        decoded = jwt.decode(
            token, public, algorithms=[alg], audience=AUDIENCE, options={"verify_exp": False, "verify_nbf": False}
        )
        assert decoded == {**base, **claims}, name
        header = jwt.get_unverified_header(token)
        assert header.get("kid") == kid, name
        assert header.get("typ") == (extra[0]["typ"] if extra else "JWT"), name
        tokens[name] = token
    doc = {
        "generated_by": "ffi-c/tests/make_verifier_fixtures.py (PyJWT %s)" % jwt.__version__,
        "now": NOW,
        "audience": AUDIENCE,
        "issuers": {"a": ISSUER_A, "b": ISSUER_B, "entra": ENTRA_ISSUER},
        "tenants": [TENANT_1, TENANT_2],
        "key_sets": key_sets,
        "tokens": tokens,
    }
    print(json.dumps(doc, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
