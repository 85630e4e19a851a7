#!/usr/bin/env python3
"""Writes the seed corpora for the fuzz targets from the project's fixtures and the
published vectors (RFC 7515 examples, ../shared/vectors). Standard library only.

    python3 fuzz/seed_corpus.py            # from the repository root

Files are named by the SHA-1 of their content, as libFuzzer names them, so seeding
twice adds nothing."""

import base64
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "vectors")
CORPUS = os.path.join(ROOT, "fuzz", "corpus")

RFC7515_TOKENS = [
    # A.2 (RS256) and A.3 (ES256)
    "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZ"
    "cAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-e"
    "OkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw",
    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q",
]


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)


def b64decode(segment):
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except Exception:
        return None


def token_parts(token):
    parts = token.split(".")
    return [p for p in (b64decode(s) for s in parts[:2]) if p] if len(parts) >= 2 else []


def ffi_input(flags, name, cap, token, jwks=None):
    """The ffi target's layout: flags, name_len, cap, match, separator (u32 LE), name,
    then the token (FIXED_KEYS flag) or jwks NUL token."""
    header = bytes([flags, len(name), cap, flags % 3]) + ord(" ").to_bytes(4, "little")
    body = token.encode() if jwks is None else jwks.encode() + b"\0" + token.encode()
    return header + name.encode() + body


FIXED_KEYS = 1 << 6


def seed_token(token):
    write("jws", token)
    write("verify", token)
    digest = hashlib.sha1(token.encode()).digest()
    for name, cap in (("scp", digest[0]), ("aud", 8), ("sub", 0), ("exp", 255)):
        write("ffi", ffi_input(FIXED_KEYS | 2 | 4 | 32 | (digest[1] & 0x99), name, cap, token))
    for part in token_parts(token):
        write("json", part)
        write("claims", part)


def main():
    if not os.path.isdir(SHARED):
        sys.exit(f"published vectors not found at {SHARED}")
    for name in ("claims.json", "attacks.json"):
        with open(os.path.join(ROOT, "core", "tests", "fixtures", name)) as f:
            doc = json.load(f)
        for case in doc["cases"]:
            seed_token(case["token"])
        for key_set in doc["key_sets"].values():
            write("jwks", json.dumps(key_set))
            write("ffi", ffi_input(0x86, "roles", 16, doc["cases"][0]["token"], json.dumps(key_set)))
            write("json", json.dumps(key_set))
            for key in key_set.get("keys", []):
                write("jwks", json.dumps(key))
    for token in RFC7515_TOKENS:
        seed_token(token)
    entra = os.path.join(SHARED, "entra")
    for name in sorted(os.listdir(entra)):
        with open(os.path.join(entra, name), "rb") as f:
            data = f.read()
        if name.endswith(".jwt"):
            seed_token(data.decode().strip())
        elif name.endswith(".json") and name != "cases.json":
            write("jwks", data)
            write("json", data)
    for name in ("json_web_signature_test.json", "json_web_key_test.json"):
        with open(os.path.join(SHARED, "wycheproof", name)) as f:
            doc = json.load(f)
        for group in doc["testGroups"]:
            for key_doc in (group.get("public"), group.get("private")):
                if key_doc:
                    write("jwks", json.dumps(key_doc))
            for test in group["tests"]:
                if isinstance(test.get("jws"), str):
                    seed_token(test["jws"])
    # structured: arbitrary bytes; a few fixed patterns give the fuzzer a start.
    for i in range(16):
        write("structured", hashlib.sha256(b"jwtguard structured seed %d" % i).digest() * (1 + i % 4))
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} files")


if __name__ == "__main__":
    main()
