#!/usr/bin/env python3
"""Writes the seed corpora for the fuzz targets from the project's fixtures and the
published vectors (RFC 7515 examples, tests/vectors). Standard library only.

    python3 fuzz/seed_corpus.py [DIR]      # from the repository root

Writes DIR/<target>/; DIR is by default target/fuzz-corpus, the campaigns' working
corpora (fuzz/run-campaign.sh). The committed corpora under fuzz/corpus keep only the
seeds that add coverage (fuzz/trim_corpus.py picks them), so the seeds are not written
there. Files are named by the SHA-1 of their content, as libFuzzer names them, so
seeding twice adds nothing."""

import base64
import hashlib
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "tests", "vectors")
CORPUS = os.path.join(ROOT, "target", "fuzz-corpus")

RFC7515_TOKENS = [
    # A.2 (RS256) and A.3 (ES256)
    "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZ"
    "cAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-e"
    "OkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw",
    "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q",
]


TENANT = "6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b"
APP = "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8"
OIDC = f'<openid-config url="https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration" />'
AUD = f"<audiences><audience>{APP}</audience></audiences>"
TOKEN_VALUES = [
    "@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;).Split(' ').Last())",
    "@(context.Request.Headers.GetValueOrDefault(&quot;X-Api-Token&quot;, &quot;&quot;))",
    "@(context.Request.Url.Query.GetValueOrDefault(&quot;jwt&quot;))",
    "@(context.Request.Headers.GetValueOrDefault(&quot;Cookie&quot;,&quot;&quot;).Split(';').Select(c =&gt; c.Trim())"
    ".FirstOrDefault(c =&gt; c.StartsWith(&quot;access_token=&quot;))?.Substring(13))",
]


def apim_policies(rsa_n):
    """API Management validation policies: each element, attribute and refusal once."""
    claims = (
        '<required-claims><claim name="scp" match="any" separator=" "><value>Files.Read</value></claim>'
        '<claim name="roles" match="all"><value>Admin</value><value>Reader</value></claim></required-claims>'
    )
    yield (
        '<validate-jwt header-name="Authorization" failed-validation-httpcode="401" '
        'failed-validation-error-message="Unauthorized. Access token is missing or invalid." '
        f'require-scheme="Bearer" clock-skew="60" require-expiration-time="true">{OIDC}{AUD}{claims}</validate-jwt>'
    )
    yield f"<policies><inbound><base /><set-header name='x' exists-action='delete' /><validate-jwt>{OIDC}{AUD}</validate-jwt></inbound><backend><base /></backend></policies>"
    yield f"<fragment><validate-jwt query-parameter-name='access_token'>{OIDC}{AUD}<issuers><issuer>https://i/</issuer></issuers></validate-jwt></fragment>"
    yield (
        f'<validate-jwt><issuer-signing-keys><key id="rsa" n="{rsa_n}" e="AQAB" />'
        '<key id="hmac">MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=</key></issuer-signing-keys>'
        f"{AUD}<issuers><issuer>https://issuer.example.com/</issuer></issuers></validate-jwt>"
    )
    for tv in TOKEN_VALUES:
        yield f'<validate-jwt token-value="{tv}">{OIDC}{AUD}</validate-jwt>'
    yield (
        f'<validate-azure-ad-token tenant-id="{TENANT}" authentication-endpoint="https://login.partner.microsoftonline.cn" '
        'header-name="Authorization" failed-validation-httpcode="403" failed-validation-error-message="denied">'
        "<client-application-ids><application-id>0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f</application-id></client-application-ids>"
        f"<backend-application-ids><application-id>{APP}</application-id></backend-application-ids>"
        f"<audiences><audience>api://{APP}</audience></audiences>{claims}</validate-azure-ad-token>"
    )
    yield f'<validate-jwt output-token-variable-name="jwt">{OIDC}<audiences><audience>{{{{name}}}}</audience></audiences></validate-jwt>'
    # Refusals.
    yield f'<validate-jwt require-signed-tokens="false">{OIDC}{AUD}</validate-jwt>'
    yield f"<validate-jwt>{OIDC}{AUD}<decryption-keys><key>c2VjcmV0</key></decryption-keys></validate-jwt>"
    yield f'<validate-jwt>{AUD}<issuer-signing-keys><key certificate-id="cert" /></issuer-signing-keys></validate-jwt>'
    yield f'<validate-jwt header-name="@(context.Variables[&quot;h&quot;])">{OIDC}{AUD}</validate-jwt>'
    yield f'<validate-jwt><openid-config url="http://idp.example/.well-known/openid-configuration" />{AUD}</validate-jwt>'
    yield '<!DOCTYPE x [<!ENTITY a "b">]><validate-jwt />'


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
    global CORPUS
    if len(sys.argv) > 2:
        sys.exit("usage: seed_corpus.py [DIR]")
    if len(sys.argv) == 2:
        CORPUS = os.path.abspath(sys.argv[1])
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
    with open(os.path.join(ROOT, "policy", "tests", "data", "rsa2048-public.txt")) as f:
        rsa_n = next(line[2:].strip() for line in f if line.startswith("n="))
    for xml in apim_policies(rsa_n):
        write("apim_policy", xml)
    # jwe: jwcrypto's tokens whole (mode byte 0), and each segment of some replaced by
    # a few bytes (mode 64.. picks the segment, as base64url of the bytes).
    with open(os.path.join(ROOT, "core", "tests", "fixtures", "jwe.json")) as f:
        jwe_doc = json.load(f)
    for i, case in enumerate(jwe_doc["cases"]):
        write("jwe", b"\x00" + case["token"].encode())
        if i % 8 == 0:
            for segment in range(5):
                write("jwe", bytes([64 + segment, i]) + b"\x00" * 16)
    with open(os.path.join(ROOT, "tests", "vectors", "wycheproof", "json_web_encryption_test.json")) as f:
        for group in json.load(f)["testGroups"]:
            for test in group["tests"]:
                if isinstance(test.get("jwe"), str):
                    write("jwe", b"\x00" + test["jwe"].encode())
    # structured: arbitrary bytes; a few fixed patterns give the fuzzer a start.
    for i in range(16):
        write("structured", hashlib.sha256(b"jwtguard structured seed %d" % i).digest() * (1 + i % 4))
    for target in sorted(os.listdir(CORPUS)):
        print(f"{target}: {len(os.listdir(os.path.join(CORPUS, target)))} files")


if __name__ == "__main__":
    main()
