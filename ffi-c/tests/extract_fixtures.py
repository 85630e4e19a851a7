#!/usr/bin/env python3
"""Turns the core's token fixtures into plain files the C tests can read.

Usage: extract_fixtures.py FIXTURES_DIR OUT_DIR

Reads FIXTURES_DIR/claims.json, attacks.json and algorithms.json (tokens minted by
PyJWT, see core/tests/fixtures/README.md) and writes, under OUT_DIR:

  jwks/<file>.<key set>.json    every key set, as JSON bytes
  tokens/<file>.<case>.txt      every case's token, exact bytes, no newline
  single_jwk_ec.json            one JWK (not a set): the P-256 key of claims.json "main"
  single_jwk_rsa.json           one JWK: the RSA 2048 key of claims.json "main"
  main_reversed.json            claims.json "main" with its keys in reverse order
  jwks/apim.entra.json          the key set of fixtures/apim.json (next to this script:
  tokens/apim.<name>.txt        Entra-shaped tokens for test_apim.c, see make_apim_fixtures.py)
  jwks/verifier.<set>.json      the key sets and tokens of fixtures/verifier.json for
  tokens/verifier.<name>.txt    test_verifier.c (see make_verifier_fixtures.py)
  jwks/jwe.decryption.json      the private decryption keys and the signing key of
  jwks/jwe.signing.json         jwe.json (jwcrypto's encrypted tokens, see
  tokens/jwe.<name>.txt         make_jwe_fixtures.py), each case name's non-alphanumeric
                                runs as "_"
  cases.txt                     every case with its full policy, one field per line:

    case <file>.<name>
    jwks <path relative to OUT_DIR>
    token <path relative to OUT_DIR>
    now <unix seconds>
    key_flags <mask: JWTGUARD_KEYSET_* flags, 2 = allow symmetric keys>
    expect <Reason name | valid>          or: expect_key_set <Reason name>
    audience <text>                        (repeated) or: any_audience
    issuer <text>                          (repeated) or: any_issuer
    clock_skew <seconds>
    require_expiration_time <0|1>
    algorithms <mask of JWTGUARD_ALG_* bits: 1 = RS256, 2 = ES256, 4 = RS384, ...>
    kid_miss_fallback <0|1>
    check_key_issuer <0|1>
    claim <name> <all|any> <separator hex, - = none> <n> <value>...  (repeated)
    end

  Text fields are written as "x" followed by the UTF-8 bytes in hex ("x" alone is the
  empty string), so the C side needs no JSON or escaping.

Every case is expressible in C: a key option or an algorithm without a JWTGUARD_*
flag here is an error, so a new one cannot be skipped silently.

Only the Python standard library is used.
"""

import json
import os
import re
import sys

# The JWTGUARD_ALG_* bits, read from jwtguard.h (`#define JWTGUARD_ALG_ES512 (1 << 12)`),
# by JOSE name: the flag's suffix is the name in capitals (EDDSA is EdDSA).
HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "include", "jwtguard.h")
with open(HEADER, encoding="utf-8") as header:
    ALGORITHM_BITS = {
        m.group(1): 1 << int(m.group(2)) for m in re.finditer(r"#define JWTGUARD_ALG_(\w+) \(1 << (\d+)\)", header.read())
    }
# The JWTGUARD_KEYSET_* flags of jwtguard.h, by jwtguard_core::KeyOptions field.
KEY_OPTION_FLAGS = {"allow_small_rsa_exponent": 1, "allow_symmetric": 2}


def hx(text):
    return "x" + text.encode("utf-8").hex()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def policy_lines(policy):
    lines = []
    if policy["audiences"] is None:
        lines.append("any_audience")
    else:
        lines += ["audience " + hx(a) for a in policy["audiences"]]
    if policy["issuers"] is None:
        lines.append("any_issuer")
    else:
        lines += ["issuer " + hx(i) for i in policy["issuers"]]
    lines.append("clock_skew %d" % policy["clock_skew"])
    lines.append("require_expiration_time %d" % int(policy["require_expiration_time"]))
    mask = 0
    for alg in policy["algorithms"]:
        if alg.upper() not in ALGORITHM_BITS:
            raise SystemExit("algorithm %r has no JWTGUARD_ALG_* flag" % alg)
        mask |= ALGORITHM_BITS[alg.upper()]
    lines.append("algorithms %d" % mask)
    lines.append("kid_miss_fallback %d" % int(policy["kid_miss_fallback"]))
    lines.append("check_key_issuer %d" % int(policy["check_key_issuer"]))
    for rule in policy["required_claims"]:
        sep = rule["separator"]
        fields = [
            "claim",
            hx(rule["name"]),
            rule["match"],
            hx(sep) if sep else "-",
            str(len(rule["values"])),
        ] + [hx(v) for v in rule["values"]]
        lines.append(" ".join(fields))
    return lines


def key_flags(options):
    mask = 0
    for name, value in (options or {}).items():
        if name not in KEY_OPTION_FLAGS:
            raise SystemExit("key option %r has no JWTGUARD_KEYSET_* flag" % name)
        if value:
            mask |= KEY_OPTION_FLAGS[name]
    return mask


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    fixtures, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    records = []
    count = 0
    for stem in ("claims", "attacks", "algorithms"):
        with open(os.path.join(fixtures, stem + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        for name, jwks in doc["key_sets"].items():
            write(os.path.join(out, "jwks", "%s.%s.json" % (stem, name)), json.dumps(jwks).encode())
        for case in doc["cases"]:
            policy = dict(doc["default_policy"])
            policy.update(case.get("policy") or {})
            token_rel = "tokens/%s.%s.txt" % (stem, case["name"])
            write(os.path.join(out, token_rel), case["token"].encode("utf-8"))
            lines = [
                "case %s.%s" % (stem, case["name"]),
                "jwks jwks/%s.%s.json" % (stem, case["key_set"]),
                "token " + token_rel,
                "now %d" % case.get("now", doc["now"]),
                "key_flags %d" % key_flags(case.get("key_options")),
            ]
            if "expect_key_set" in case:
                lines.append("expect_key_set " + case["expect_key_set"])
            else:
                lines.append("expect " + case["expect"])
            lines += policy_lines(policy)
            lines.append("end")
            records.append("\n".join(lines))
            count += 1
        if stem == "claims":
            keys = doc["key_sets"]["main"]["keys"]
            by_kid = {k["kid"]: k for k in keys}
            write(os.path.join(out, "single_jwk_ec.json"), json.dumps(by_kid["ec-p256"]).encode())
            write(os.path.join(out, "single_jwk_rsa.json"), json.dumps(by_kid["rsa-2048"]).encode())
            write(os.path.join(out, "main_reversed.json"), json.dumps({"keys": list(reversed(keys))}).encode())
    for stem in ("apim", "verifier"):
        here = os.path.dirname(os.path.abspath(__file__))
        with open(os.path.join(here, "fixtures", stem + ".json"), encoding="utf-8") as f:
            doc = json.load(f)
        for name, jwks in doc["key_sets"].items():
            write(os.path.join(out, "jwks", "%s.%s.json" % (stem, name)), json.dumps(jwks).encode())
        for name, token in doc["tokens"].items():
            write(os.path.join(out, "tokens", "%s.%s.txt" % (stem, name)), token.encode("utf-8"))
    # jwe.json (jwcrypto's encrypted tokens, see core/tests/fixtures/make_jwe_fixtures.py)
    with open(os.path.join(fixtures, "jwe.json"), encoding="utf-8") as f:
        doc = json.load(f)
    write(os.path.join(out, "jwks", "jwe.decryption.json"), json.dumps(doc["decryption_keys"]).encode())
    write(os.path.join(out, "jwks", "jwe.signing.json"), json.dumps(doc["signing_keys"]).encode())
    for case in doc["cases"]:
        name = re.sub(r"[^A-Za-z0-9]+", "_", case["name"]).strip("_")
        write(os.path.join(out, "tokens", "jwe.%s.txt" % name), case["token"].encode("utf-8"))
    write(os.path.join(out, "cases.txt"), ("\n".join(records) + "\n").encode())
    print("extract_fixtures: %d cases written to %s" % (count, out))


if __name__ == "__main__":
    main()
