"""Verify a token with a static key set (a JWKS file you manage yourself).

python examples/static_keys.py JWKS_FILE AUDIENCE ISSUER TOKEN
"""

import json
import sys

import jwtguard


def make_checker(jwks, audience, issuer):
    # Once: load the keys and build the rules (both are immutable and thread-safe).
    keys = jwtguard.KeySet.from_jwks(jwks)  # str, bytes or dict; raises KeySetError
    policy = jwtguard.Policy(
        audiences=[audience],  # the backend app's client id (or App ID URI)
        issuers=[issuer],
        required_claims=[jwtguard.RequiredClaim("scp", ["Files.Read"], match="any", separator=" ")],
        clock_skew=60,
    )

    # Per request: verify; the claims come back as a dict.
    def check(token, now=None):
        try:
            claims = jwtguard.verify(token, keys, policy, now=now)
        except jwtguard.TokenExpiredError:
            return 401, "expired"
        except jwtguard.TokenError as e:
            # e.reason: stable name ("TokenAudienceNotAllowed"), e.code: its number,
            # str(e): what failed. Log it; answer 401 without details.
            return 401, e.reason
        return 200, claims.get("oid", claims.get("sub"))

    return check


def main(argv):
    if len(argv) != 5:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    jwks_file, audience, issuer, token = argv[1:]
    with open(jwks_file, "rb") as f:
        check = make_checker(f.read(), audience, issuer)
    status, detail = check(token)
    print(json.dumps({"status": status, "detail": detail}))
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
