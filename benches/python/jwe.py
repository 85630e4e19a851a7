"""Encrypted tokens from Python: decrypt, then verify the ES256 JWT inside (signature,
iss, aud, exp), with jwtguard (``verify(..., decryption_keys=)``) and jwcrypto, in one
process, with the same tokens and keys: RSA-OAEP-256 and ECDH-ES+A256KW (P-256), both
with A256GCM content, made by jwcrypto. Before anything is timed, each library must
accept the token and refuse it with a changed ciphertext. µs/op is the median of several
repeats of a timed loop (``time.perf_counter_ns``), one thread. Run on a quiet machine.

    python jwe.py [--quick] [--out FILE]   (other arguments are the main bench's, ignored)
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from jwcrypto import jwe, jwk, jws, jwt

import jwtguard

AUD, ISS = "api://jwe-bench", "https://issuer.example/"


def tokens():
    signer = jwk.JWK.generate(kty="EC", crv="P-256", kid="signer")
    claims = {"iss": ISS, "aud": AUD, "sub": "user-1", "exp": int(time.time()) + 3600}
    signed = jws.JWS(json.dumps(claims))
    signed.add_signature(signer, alg="ES256", protected={"alg": "ES256", "typ": "JWT", "kid": "signer"})
    inner = signed.serialize(compact=True)
    cases = []
    for alg, key in (("RSA-OAEP-256", jwk.JWK.generate(kty="RSA", size=2048, kid="rsa")),
                     ("ECDH-ES+A256KW", jwk.JWK.generate(kty="EC", crv="P-256", kid="ec"))):
        header = {"alg": alg, "enc": "A256GCM", "cty": "JWT", "kid": key.get("kid")}
        token = jwe.JWE(inner.encode(), protected=json.dumps(header), algs=[alg, "A256GCM"])
        token.add_recipient(key)
        cases.append((alg, key, token.serialize(compact=True)))
    return signer, cases


def tampered(token: str) -> str:
    parts = token.split(".")
    parts[3] = ("B" if parts[3][0] == "A" else "A") + parts[3][1:]
    return ".".join(parts)


def median_us(fn, token, seconds, repeats=5):
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.05:
        fn(token)
        n += 1
    loops = max(1, int(n * seconds / 0.05 / repeats))
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        for _ in range(loops):
            fn(token)
        runs.append((time.perf_counter_ns() - t0) / loops / 1000)
    return statistics.median(runs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out")
    args, _ = ap.parse_known_args()
    seconds = 0.5 if args.quick else 3.0
    signer, cases = tokens()
    signing = jwtguard.KeySet.from_jwks(signer.export_public())
    policy = jwtguard.Policy(audiences=[AUD], issuers=[ISS])
    rows = []
    for alg, key, token in cases:
        keys = jwtguard.DecryptionKeys.from_jwks(key.export(private_key=True))

        def with_jwtguard(t, keys=keys):
            return jwtguard.verify(t, signing, policy, decryption_keys=keys)

        def with_jwcrypto(t, key=key, alg=alg):
            outer = jwt.JWT(jwt=t, key=key, expected_type="JWE", algs=[alg, "A256GCM"])
            inner = jwt.JWT(jwt=outer.claims, key=signer, expected_type="JWS", algs=["ES256"],
                            check_claims={"iss": ISS, "aud": AUD, "exp": None})
            return json.loads(inner.claims)

        for name, fn in (("jwtguard", with_jwtguard), ("jwcrypto", with_jwcrypto)):
            assert fn(token)["sub"] == "user-1", name
            try:
                fn(tampered(token))
            except Exception:
                pass
            else:
                raise SystemExit(f"{name} accepts a changed ciphertext")
        us = {name: median_us(fn, token, seconds) for name, fn in (("jwtguard", with_jwtguard), ("jwcrypto", with_jwcrypto))}
        rows.append((alg, us["jwtguard"], us["jwcrypto"]))
    lines = [
        "| decrypt + verify (A256GCM content, ES256 inside) | jwtguard µs | jwcrypto µs | jwcrypto / jwtguard |",
        "| --- | ---: | ---: | ---: |",
    ] + [f"| {alg} | {a:.1f} | {b:.1f} | {b / a:.2f}× |" for alg, a, b in rows]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
