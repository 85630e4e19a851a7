#!/usr/bin/env python3
"""Mints the tokens of fixtures/apim.json for test_apim.c: Entra-shaped access tokens
for the validate-azure-ad-token policy of the tests (tenant, backend application and
China cloud issuers of test_apim.c), signed RS256 by a fresh RSA 2048 key whose public
JWK is written beside them. The private key never leaves this process.

Usage: make_apim_fixtures.py > fixtures/apim.json   (needs PyJWT and cryptography)

Cases, each named for what <client-application-ids> must decide:
  azp_listed            v2.0 token, azp is the listed client application
  appid_listed          v1.0 token, no azp, appid is the listed client application
  azp_not_listed        azp names another application
  azp_wins_over_appid   azp names another application, appid the listed one
  no_client_claim       neither azp nor appid
  azp_not_a_string      azp is a number, appid the listed one (never read instead)
and, for the article's policy (the audience as a required aud claim):
  other_audience        v2.0 token for another application (aud OTHER_APP)
"""

import json

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

NOW = 1700000000
TENANT = "6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b"
BACKEND_APP = "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8"
CLIENT_APP = "2d7c9e41-5a6b-4c8d-9e0f-1a2b3c4d5e6f"
OTHER_APP = "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"
V2_ISSUER = "https://login.partner.microsoftonline.cn/%s/v2.0" % TENANT
V1_ISSUER = "https://sts.chinacloudapi.cn/%s/" % TENANT
KID = "entra-cn-1"


def main():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update({"kid": KID, "use": "sig"})
    base = {"aud": BACKEND_APP, "tid": TENANT, "sub": "user-1", "iat": NOW - 60, "nbf": NOW - 60,
            "exp": NOW + 3600}
    cases = {
        "azp_listed": {"iss": V2_ISSUER, "ver": "2.0", "azp": CLIENT_APP},
        "appid_listed": {"iss": V1_ISSUER, "ver": "1.0", "appid": CLIENT_APP},
        "azp_not_listed": {"iss": V2_ISSUER, "ver": "2.0", "azp": OTHER_APP},
        "azp_wins_over_appid": {"iss": V2_ISSUER, "ver": "2.0", "azp": OTHER_APP, "appid": CLIENT_APP},
        "no_client_claim": {"iss": V2_ISSUER, "ver": "2.0"},
        "azp_not_a_string": {"iss": V2_ISSUER, "ver": "2.0", "azp": 42, "appid": CLIENT_APP},
        "other_audience": {"iss": V2_ISSUER, "ver": "2.0", "azp": CLIENT_APP, "aud": OTHER_APP},
    }
    tokens = {
        name: jwt.encode({**base, **claims}, private, algorithm="RS256", headers={"kid": KID})
        for name, claims in cases.items()
    }
    doc = {
        "generated_by": "ffi-c/tests/make_apim_fixtures.py (PyJWT %s)" % jwt.__version__,
        "now": NOW,
        "key_sets": {"entra": {"keys": [jwk]}},
        "tokens": tokens,
    }
    print(json.dumps(doc, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
