#!/usr/bin/env python3
"""Write benches/rust/data/tokens.json: the keys and tokens the Rust benchmarks verify.

    python3 benches/rust/make_tokens.py        (from anywhere; Python 3.9+)

Run with a Python that lacks PyJWT or cryptography, the script creates (if missing)
the venv <repo>/target/bench-venv, installs both there with pip and re-runs itself
with it. The output is committed: regenerate only to change what is measured (keys are
fresh on every run, so signatures and `kid`s change; the shape does not).

What it writes (public keys only; the private keys never leave this process):
  jwks     one JWK set, Entra-shaped (kid, x5t, use=sig, no alg): the RS256-2048,
           RS256-4096 and ES256 signing keys plus two more RSA-2048 keys, so every
           verification looks its key up among five;
  tokens   rs256_2048, rs256_4096, es256: one access token each, with its kid and JWK.
           The claims are those of a Microsoft Entra v2 access token (aud, iss, iat,
           nbf, exp, aio, azp, azpacr, name, oid, preferred_username, rh, roles, scp,
           sid, sub, tid, uti, ver); the header is {alg, kid, typ};
  policy   audience, issuer, clock skew and the required scope every verifier checks;
  now      the generation time: the `now` passed to jwtguard and jwt-compact.

`exp` is 2100-01-01: jsonwebtoken reads the system clock (no way to pass `now`), so the
committed tokens must stay unexpired. Lifetime does not change what verification costs.

Every token is checked before it is written: its signature with `cryptography` over
the exact signing input, and the whole token with PyJWT (`jwt.decode` with the JWK from
the set, the policy's audience and issuer, exp/nbf/iat required, leeway = clock skew).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV = REPO / "target" / "bench-venv"
OUT = HERE / "data" / "tokens.json"


def ensure_dependencies() -> None:
    """Re-exec in <repo>/target/bench-venv when PyJWT or cryptography is missing."""
    try:
        import cryptography  # noqa: F401
        import jwt  # noqa: F401
        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if Path(sys.executable).resolve() == python.resolve() and os.environ.get("MAKE_TOKENS_REEXEC"):
        sys.exit("make_tokens.py: PyJWT or cryptography still missing in " + str(VENV))
    if not python.exists():
        print(f"make_tokens.py: creating {VENV}", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "pyjwt", "cryptography"],
        check=True,
    )
    os.environ["MAKE_TOKENS_REEXEC"] = "1"
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


ensure_dependencies()

import cryptography  # noqa: E402
import jwt  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature  # noqa: E402

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
AUDIENCE = "6e74172b-be56-4843-9ff4-e66a39bb12e3"  # the API's client id (as in core/examples/readme.rs)
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"
CLOCK_SKEW = 60
REQUIRED_SCOPE = "Files.Read"
EXP = 4102444800  # 2100-01-01T00:00:00Z, see the module docstring


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64u_int(value: int, length: int | None = None) -> str:
    length = length or (value.bit_length() + 7) // 8
    return b64u(value.to_bytes(length, "big"))


def spki_kid(public_key) -> str:
    """An Entra-shaped kid: base64url SHA-1 (27 characters) of the public key's DER."""
    der = public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return b64u(hashlib.sha1(der).digest())


def public_jwk(private_key) -> dict:
    public = private_key.public_key()
    kid = spki_kid(public)
    if isinstance(private_key, rsa.RSAPrivateKey):
        numbers = public.public_numbers()
        return {"kty": "RSA", "use": "sig", "kid": kid, "x5t": kid, "n": b64u_int(numbers.n), "e": b64u_int(numbers.e)}
    numbers = public.public_numbers()
    return {"kty": "EC", "use": "sig", "kid": kid, "crv": "P-256", "x": b64u_int(numbers.x, 32), "y": b64u_int(numbers.y, 32)}


def entra_claims(now: int) -> dict:
    """The claims of a Microsoft Entra ID v2 access token for a delegated call."""
    return {
        "aud": AUDIENCE,
        "iss": ISSUER,
        "iat": now - 60,
        "nbf": now - 60,
        "exp": EXP,
        "aio": b64u(secrets.token_bytes(96)),
        "azp": str(uuid.uuid4()),
        "azpacr": "0",
        "name": "Megan Bowen",
        "oid": str(uuid.uuid4()),
        "preferred_username": "MeganB@contoso.onmicrosoft.com",
        "rh": "1.AQEAv4j5cvGGr0GRqy180BHbR" + b64u(secrets.token_bytes(36)) + ".",
        "roles": ["Tasks.Read", "Tasks.Write"],
        "scp": "Files.Read User.Read openid profile email",
        "sid": str(uuid.uuid4()),
        "sub": b64u(secrets.token_bytes(32)),
        "tid": TENANT,
        "uti": b64u(secrets.token_bytes(16)),
        "ver": "2.0",
    }


def check_signature(token: str, private_key) -> None:
    signing_input, signature = token.rsplit(".", 1)
    sig = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    public = private_key.public_key()
    if isinstance(private_key, rsa.RSAPrivateKey):
        public.verify(sig, signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    else:
        r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        public.verify(encode_dss_signature(r, s), signing_input.encode(), ec.ECDSA(hashes.SHA256()))


def check_with_pyjwt(token: str, jwk: dict, alg: str, now: int) -> None:
    key = jwt.PyJWK(jwk, algorithm=alg)
    claims = jwt.decode(
        token,
        key.key,
        algorithms=[alg],
        audience=AUDIENCE,
        issuer=ISSUER,
        leeway=CLOCK_SKEW,
        options={"require": ["exp", "nbf", "iat", "aud", "iss"]},
    )
    assert REQUIRED_SCOPE in claims["scp"].split(" "), claims["scp"]
    assert claims["nbf"] <= now < claims["exp"]


def main() -> None:
    now = int(time.time())
    keys = {
        "rs256_2048": ("RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "rs256_4096": ("RS256", rsa.generate_private_key(public_exponent=65537, key_size=4096)),
        "es256": ("ES256", ec.generate_private_key(ec.SECP256R1())),
    }
    decoys = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]

    jwks = {"keys": []}
    tokens = {}
    # Signing keys interleaved with the others, as a provider's set would be.
    jwks["keys"].append(public_jwk(decoys[0]))
    for name, (alg, private_key) in keys.items():
        jwk = public_jwk(private_key)
        jwks["keys"].append(jwk)
        token = jwt.encode(entra_claims(now), private_key, algorithm=alg, headers={"kid": jwk["kid"], "typ": "JWT"})
        check_signature(token, private_key)
        check_with_pyjwt(token, jwk, alg, now)
        tokens[name] = {"alg": alg, "kid": jwk["kid"], "token": token, "jwk": jwk}
    jwks["keys"].append(public_jwk(decoys[1]))

    document = {
        "generated_by": {
            "script": "benches/rust/make_tokens.py",
            "pyjwt": jwt.__version__,
            "cryptography": cryptography.__version__,
            "generated_at": now,
        },
        "now": now,
        "policy": {
            "audience": AUDIENCE,
            "issuer": ISSUER,
            "clock_skew": CLOCK_SKEW,
            "required_claim": {"name": "scp", "value": REQUIRED_SCOPE, "separator": " "},
        },
        "jwks": jwks,
        "tokens": tokens,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, indent=1) + "\n")
    sizes = ", ".join(f"{name} {len(t['token'])} B" for name, t in tokens.items())
    print(f"wrote {OUT.relative_to(REPO)}: {len(jwks['keys'])} keys; tokens {sizes}")


if __name__ == "__main__":
    main()
