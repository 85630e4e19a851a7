"""The same API with FastAPI (``pip install fastapi uvicorn``), asynchronously:
``validate_async`` fetches keys in a worker thread, so the event loop never waits.

    JWTGUARD_OPENID_CONFIG=... JWTGUARD_AUDIENCE=... uvicorn fastapi_app:app
"""

import os

from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

import jwtguard

validator = jwtguard.Validator(
    os.environ["JWTGUARD_OPENID_CONFIG"],
    policy=jwtguard.Policy(
        audiences=[os.environ["JWTGUARD_AUDIENCE"]],
        required_claims=[jwtguard.RequiredClaim("scp", ["Files.Read"], match="any", separator=" ")],
    ),
)
bearer = HTTPBearer(auto_error=False)
app = FastAPI()


async def claims(credentials: HTTPAuthorizationCredentials = Depends(bearer)) -> dict:
    if credentials is None:
        raise HTTPException(401, "Unauthorized. Access token is missing or invalid.")
    try:
        return await validator.validate_async(credentials.credentials)
    except jwtguard.TokenError:
        raise HTTPException(401, "Unauthorized. Access token is missing or invalid.") from None
    except jwtguard.DiscoveryError:
        raise HTTPException(503, "Service unavailable.") from None


@app.get("/files")
async def files(user: dict = Depends(claims)) -> dict:
    return {"owner": user.get("oid")}
