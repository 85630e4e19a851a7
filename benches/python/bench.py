"""Verification cost from Python: jwtguard vs PyJWT vs OxyJWT, in one process, with the
same tokens and keys, on one thread and on two.

Tokens are RS256 (RSA-2048) and ES256 (P-256) with Entra-like claims (aud, iss, exp, nbf,
iat, scp, sub, oid, tid, ...), minted here with `cryptography`. Each library prepares its
key once (outside the measurement) and validates the signature, exp (required), nbf,
aud and iss, as jwtguard does; before anything is measured, every library must accept
the token and reject an expired one, a wrong audience, a wrong issuer, a missing exp and
a bad signature, so a broken or lax setup never produces a fast number.

Rows:
- jwtguard: `jwtguard.verify(token, keys, policy)`;
- jwtguard Validator: `Validator(keys=..., policy=..., cache_size=0).validate(token)`;
- jwtguard Validator, cached: the same with the verified-token cache on (defaults), the
  token already cached: the cost of a repeated token per request;
- PyJWT: `jwt.decode(token, public_key, algorithms=[alg], audience=, issuer=,
  options={"require": ["exp"]})`;
- OxyJWT: `oxyjwt.decode(token, DecodingKey.from_jwk(...), ...)`, same arguments.

µs/verify is wall time per verification for the whole process (with two threads: the
aggregate throughput of both, so 2x faster means both cores were used), the median of
several repeats timed with `time.perf_counter_ns`. Run it on a quiet machine.

    python bench.py [--quick] [--out results.md] [--repeats N] [--seconds S] [--only TEXT]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import sys
import threading
import time
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import jwt  # PyJWT
import jwtguard

try:
    import oxyjwt
except ImportError as e:  # reported in the output, never silently
    oxyjwt = None
    OXYJWT_MISSING = f"OxyJWT not measured: cannot import oxyjwt ({e})"
else:
    OXYJWT_MISSING = None

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
AUDIENCE = "api://6e74172b-be56-4843-9ff4-e66a39bb12e3"
ISSUER = f"https://login.microsoftonline.com/{TENANT}/v2.0"


# --- keys and tokens (cryptography only) ---------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def uint(n: int, length: Optional[int] = None) -> str:
    return b64url(n.to_bytes(length or (n.bit_length() + 7) // 8, "big"))


def public_jwk(private: Any, kid: str) -> Dict[str, str]:
    numbers = private.public_key().public_numbers()
    if isinstance(private, rsa.RSAPrivateKey):
        return {"kty": "RSA", "kid": kid, "use": "sig", "n": uint(numbers.n), "e": uint(numbers.e)}
    return {"kty": "EC", "kid": kid, "use": "sig", "crv": "P-256", "x": uint(numbers.x, 32), "y": uint(numbers.y, 32)}


def sign(private: Any, signing_input: bytes) -> bytes:
    if isinstance(private, rsa.RSAPrivateKey):
        return private.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    r, s = decode_dss_signature(private.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def mint(private: Any, alg: str, kid: str, **overrides: Any) -> str:
    now = int(time.time())
    claims: Dict[str, Any] = {
        "aud": AUDIENCE,
        "iss": ISSUER,
        "iat": now - 60,
        "nbf": now - 60,
        "exp": now + 3600,
        "aio": "AXQAi/8UAAAA" + "x" * 60,
        "azp": "c44b4083-3bb0-49c1-b47d-974e53cbdf3c",
        "azpacr": "0",
        "name": "Megan Bowen",
        "oid": "48d31887-5fad-4d73-a9f5-3c356e68a038",
        "preferred_username": "meganb@contoso.onmicrosoft.com",
        "rh": "0.AXQAv4j5cvGGr0GRqy180BHbR-b12Gvn6vRJjg1N0gVJQeN0AKk.",
        "scp": "Files.Read User.Read access_as_user",
        "sub": "MF4f-ggWMEji12KynJUNQZphaUTvLcQug5jdF2nl01Q",
        "tid": TENANT,
        "uti": "fqiBqXLPj0eQa82S-IYFAA",
        "ver": "2.0",
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    header = {"typ": "JWT", "alg": alg, "kid": kid}
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
    return signing_input.decode() + "." + b64url(sign(private, signing_input))


# --- the libraries ---------------------------------------------------------------------------


class Case:
    """One algorithm: the token, the key, and each library's prepared verifier."""

    def __init__(self, alg: str) -> None:
        self.alg = alg
        if alg == "RS256":
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.other = ec.generate_private_key(ec.SECP256R1())
        self.kid = uuid.uuid4().hex[:27]
        self.jwk = public_jwk(self.private, self.kid)
        self.token = mint(self.private, alg, self.kid)
        self.bad = {
            "expired": mint(self.private, alg, self.kid, exp=int(time.time()) - 600, nbf=int(time.time()) - 7200),
            "wrong audience": mint(self.private, alg, self.kid, aud="api://someone-else"),
            "wrong issuer": mint(self.private, alg, self.kid, iss="https://sts.windows.net/someone-else/"),
            "no exp": mint(self.private, alg, self.kid, exp=None),
            "bad signature": mint(self.other, alg, self.kid),
        }
        self.verifiers: Dict[str, Callable[[str], Any]] = {}
        self.missing: Dict[str, str] = {}

        # jwtguard: the key set and the policy are prepared once.
        keys = jwtguard.KeySet.from_jwks({"keys": [self.jwk]})
        policy = jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER], algorithms=[alg])
        self.verifiers["jwtguard"] = lambda t: jwtguard.verify(t, keys, policy)
        uncached = jwtguard.Validator(keys=keys, policy=policy, cache_size=0)
        self.verifiers["jwtguard Validator"] = uncached.validate
        self.cached_validator = jwtguard.Validator(keys=keys, policy=policy)
        self.verifiers["jwtguard Validator, cached"] = self.cached_validator.validate

        # PyJWT: a cryptography public key object, made once from the JWK.
        algorithm = jwt.algorithms.RSAAlgorithm if alg == "RS256" else jwt.algorithms.ECAlgorithm
        pyjwt_key = algorithm.from_jwk(json.dumps(self.jwk))
        decode = jwt.decode
        options = {"require": ["exp"]}
        self.verifiers["PyJWT"] = lambda t: decode(
            t, pyjwt_key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER, options=options
        )

        # OxyJWT: a DecodingKey, made once from the JWK.
        if oxyjwt is None:
            self.missing["OxyJWT"] = OXYJWT_MISSING or "not installed"
        else:
            oxy_key = oxyjwt.DecodingKey.from_jwk(self.jwk)
            oxy_decode = oxyjwt.decode
            self.verifiers["OxyJWT"] = lambda t: oxy_decode(
                t, oxy_key, algorithms=[alg], audience=AUDIENCE, issuer=ISSUER, options=options
            )

    def check(self) -> None:
        """Every library accepts the token (with the same claims) and rejects each bad
        one; the cached validator then holds the token."""
        expected = json.loads(base64.urlsafe_b64decode(self.token.split(".")[1] + "=="))
        for name, verify in self.verifiers.items():
            claims = verify(self.token)
            if dict(claims) != expected:
                raise SystemExit(f"{name} {self.alg}: returned other claims than the token's")
            for what, token in self.bad.items():
                try:
                    verify(token)
                except Exception:  # each library's own error type
                    continue
                raise SystemExit(f"{name} {self.alg}: accepted a token with {what}: its setup is not comparable")
        info = self.cached_validator.cache_info()
        if info.currsize != 1:
            raise SystemExit(f"jwtguard Validator, cached {self.alg}: the token is not cached ({info})")


# --- measuring ------------------------------------------------------------------------------


def run_for(verify: Callable[[str], Any], token: str, n: int) -> None:
    for _ in range(n):
        verify(token)


def timed(verify: Callable[[str], Any], token: str, n: int, threads: int) -> int:
    """Nanoseconds for `threads` threads each verifying `n` times, started together."""
    if threads == 1:
        start = time.perf_counter_ns()
        run_for(verify, token, n)
        return time.perf_counter_ns() - start
    barrier = threading.Barrier(threads + 1)

    def work() -> None:
        barrier.wait()
        run_for(verify, token, n)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for w in workers:
        w.start()
    barrier.wait()
    start = time.perf_counter_ns()
    for w in workers:
        w.join()
    return time.perf_counter_ns() - start


def measure(verify: Callable[[str], Any], token: str, threads: int, seconds: float, repeats: int) -> float:
    """Median µs per verification for the whole process."""
    run_for(verify, token, 50)  # warm up
    n = 64
    while True:  # calibrate: each repeat takes about `seconds`
        elapsed = timed(verify, token, n, threads)
        if elapsed >= seconds * 1e9 / 4 or n >= 1 << 24:
            break
        n *= 2
    n = max(16, int(n * seconds * 1e9 / max(elapsed, 1)))
    samples = [timed(verify, token, n, threads) / (n * threads) / 1000 for _ in range(repeats)]
    return statistics.median(samples)


def versions() -> str:
    def version(module: Any) -> str:
        return getattr(module, "__version__", "?") if module is not None else "not installed"

    import cryptography

    return (
        f"Python {platform.python_version()} ({platform.machine()}), {os.cpu_count()} CPUs; "
        f"jwtguard {jwtguard.__version__} (backend {jwtguard.BACKEND}), PyJWT {jwt.__version__} "
        f"(cryptography {cryptography.__version__}), OxyJWT {version(oxyjwt)}"
    )


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds in all (numbers are rough)")
    parser.add_argument("--out", help="also write the markdown table to this file")
    parser.add_argument("--repeats", type=int, help="timed repeats per row (default 7, quick 3)")
    parser.add_argument("--seconds", type=float, help="time per repeat (default 0.3, quick 0.02)")
    parser.add_argument("--threads", default="1,2", help="thread counts to run (default 1,2)")
    parser.add_argument(
        "--only", metavar="TEXT", help="measure only the rows whose library contains TEXT (PyJWT is kept for the ratio)"
    )
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 7)
    seconds = args.seconds or (0.02 if args.quick else 0.3)
    thread_counts = [int(t) for t in args.threads.split(",")]

    started = time.monotonic()
    cases = [Case("RS256"), Case("ES256")]
    for case in cases:
        case.check()

    misses_before = [case.cached_validator.cache_info().misses for case in cases]
    rows: List[Tuple[str, str, int, float]] = []
    for case in cases:
        for threads in thread_counts:
            for name, verify in case.verifiers.items():
                if args.only and args.only not in name and name != "PyJWT":
                    continue
                us = measure(verify, case.token, threads, seconds, repeats)
                rows.append((name, case.alg, threads, us))
                print(f"  {name:28s} {case.alg} {threads} thread(s): {us:9.2f} µs", file=sys.stderr, flush=True)
    for case, before in zip(cases, misses_before):  # the cache was hit, never missed, while measured
        misses = case.cached_validator.cache_info().misses - before
        if misses:
            raise SystemExit(f"jwtguard Validator, cached {case.alg}: {misses} misses while measured")

    baseline = {(alg, threads): us for name, alg, threads, us in rows if name == "PyJWT"}
    lines = [
        "| library | alg | threads | µs/verify | verifies/s | vs PyJWT |",
        "| :--- | :--- | ---: | ---: | ---: | ---: |",
    ]
    for name, alg, threads, us in rows:
        ratio = baseline[(alg, threads)] / us
        lines.append(f"| {name} | {alg} | {threads} | {us:.2f} | {1e6 / us:,.0f} | {ratio:.2f}x |")
    notes = [
        "",
        f"{versions()}.",
        f"Median of {repeats} repeats of about {seconds} s each; with 2 threads, wall time per verification "
        "for the whole process. 'vs PyJWT': PyJWT's time divided by the row's (higher is faster).",
        "'jwtguard Validator, cached': the same token again, answered by the verified-token cache.",
    ]
    for case in cases[:1]:
        notes += [f"{name}: {why}" for name, why in case.missing.items()]
    if args.quick:
        notes.append("Quick run (--quick): rough numbers.")
    table = "\n".join(lines + notes) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(table)
    print(f"({time.monotonic() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
