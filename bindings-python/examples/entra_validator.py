"""A Validator for an API registered in Microsoft Entra ID (here: the China cloud, an
API that accepts v1.0 and v2.0 access tokens).

    AZURE_TENANT_ID=<tenant-id> API_CLIENT_ID=<client-id> python examples/entra_validator.py TOKEN
"""

import json
import os
import sys

import jwtguard
from jwtguard import entra


def make_validator(tenant_id, client_id):
    return entra.validator(
        tenant_id,
        audiences=[client_id, f"api://{client_id}"],
        cloud="china",  # "global", "china" or "usgov"
        versions=("v1", "v2"),  # issuers https://sts.chinacloudapi.cn/{tid}/ and .../{tid}/v2.0
        required_claims=[jwtguard.RequiredClaim("scp", ["Files.Read"], match="any", separator=" ")],
        clock_skew=60,
    )


if __name__ == "__main__":
    validator = make_validator(os.environ["AZURE_TENANT_ID"], os.environ["API_CLIENT_ID"])
    try:
        print(json.dumps(validator.validate(sys.argv[1]), indent=2))
    except jwtguard.JwtGuardError as e:
        sys.exit(str(e))  # "Reason: what failed"
