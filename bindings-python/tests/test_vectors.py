"""Published vectors through the Python API: the seven real Microsoft Entra tokens
(``tests/vectors/entra``) and all of Wycheproof JOSE (``tests/vectors/wycheproof``),
each case with its exact expected outcome (the same table as the core's test)."""

from __future__ import annotations

import base64
import json

import pytest

import jwtguard
from conftest import published_vectors

# --- Microsoft Entra ------------------------------------------------------------------


def _entra():
    root = published_vectors() / "entra"
    cases = json.loads((root / "cases.json").read_text())["cases"]
    assert len(cases) == 7
    for case in cases:
        token = (root / case["token_file"]).read_text().strip()
        document = json.loads((root / case["jwks_file"]).read_text())
        yield case, token, document


ENTRA = list(_entra())
IDS = [c["token_file"] for c, _, _ in ENTRA]


def _policy(case, **changes):
    args = dict(audiences=[case["aud"]], issuers=[case["iss"]])
    args.update(changes)
    return jwtguard.Policy(**args)


@pytest.mark.parametrize("case,token,document", ENTRA, ids=IDS)
def test_entra_token_verifies_at_verify_at(case, token, document):
    keys = jwtguard.KeySet.from_jwks(document)
    detailed = jwtguard.verify_detailed(token, keys, _policy(case), now=case["verify_at"])
    c = detailed.claims
    assert (c["iss"], c["aud"], c["tid"], c["ver"]) == (case["iss"], case["aud"], case["tid"], case["ver"])
    assert (c["iat"], c["nbf"], c["exp"]) == (case["iat"], case["nbf"], case["exp"])
    assert detailed.header == case["header"]
    if "kid" in case["header"]:
        assert detailed.key_kid == case["header"]["kid"]
    # The Entra helper builds exactly this issuer for the token's tenant and version.
    version = "v2" if case["ver"] == "2.0" else "v1"
    assert jwtguard.entra.issuer(case["tid"], version) == case["iss"]


def _flip_payload_byte(token: str) -> str:
    header, payload, signature = token.split(".")
    i = len(payload) // 2
    replacement = "A" if payload[i] != "A" else "B"
    return ".".join([header, payload[:i] + replacement + payload[i + 1 :], signature])


def _without_key(document, header):
    kept = [
        k
        for k in document["keys"]
        if not (
            ("kid" in header and k.get("kid") == header["kid"])
            or ("kid" not in header and k.get("x5t") == header.get("x5t"))
        )
    ]
    assert len(kept) < len(document["keys"])
    return {"keys": kept}


@pytest.mark.parametrize("case,token,document", ENTRA, ids=IDS)
def test_entra_token_mutations(case, token, document):
    keys = jwtguard.KeySet.from_jwks(document)
    at = case["verify_at"]

    def reason(tok=token, ks=keys, policy=None, now=at):
        try:
            jwtguard.verify(tok, ks, policy or _policy(case), now=now)
            return "valid"
        except jwtguard.TokenError as e:
            return e.reason

    assert reason(tok=_flip_payload_byte(token)) == "TokenSignatureInvalid"
    assert reason(now=case["exp"]) == "TokenExpired"
    assert reason(now=case["exp"] - 1) == "valid"
    assert reason(policy=_policy(case, audiences=["00000000-0000-0000-0000-000000000000"])) == "TokenAudienceNotAllowed"
    assert reason(policy=_policy(case, issuers=[case["iss"] + "x"])) == "TokenIssuerNotAllowed"
    assert reason(ks=jwtguard.KeySet.from_jwks(_without_key(document, case["header"]))) == "TokenSignatureKeyNotFound"


@pytest.mark.parametrize("case,token,document", ENTRA, ids=IDS)
def test_entra_multi_tenant_issuer_template(case, token, document):
    """The ``{tenantid}`` issuer of multi-tenant apps is filled from the token's tid."""
    keys = jwtguard.KeySet.from_jwks(document)
    version = "v2" if case["ver"] == "2.0" else "v1"
    template = jwtguard.entra.issuer("common", version)
    assert "{tenantid}" in template
    policy = _policy(case, issuers=[template], allowed_tenants=[case["tid"]])
    assert jwtguard.verify(token, keys, policy, now=case["verify_at"])["tid"] == case["tid"]
    other = jwtguard.entra.issuer("common", "v1" if version == "v2" else "v2")
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        jwtguard.verify(token, keys, _policy(case, issuers=[other], any_tenant=True), now=case["verify_at"])
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError, match="tenant"):
        jwtguard.verify(token, keys, policy.replace(allowed_tenants=["another"]), now=case["verify_at"])


def test_entra_key_issuer_is_enforced():
    """The 2025 keys carry their own issuer: a token whose iss is allowed by the policy
    but is not the key's issuer (tid filled in) is rejected unless the check is off."""
    case, token, document = next(e for e in ENTRA if e[0]["token_file"] == "ii_ms_token1.jwt")
    doctored = json.loads(json.dumps(document))
    for key in doctored["keys"]:
        key["issuer"] = "https://login.microsoftonline.com/another-tenant/v2.0"
    keys = jwtguard.KeySet.from_jwks(doctored)
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError) as info:
        jwtguard.verify(token, keys, _policy(case), now=case["verify_at"])
    assert "signing key" in info.value.detail
    assert jwtguard.verify(token, keys, _policy(case, check_key_issuer=False), now=case["verify_at"])


# --- Wycheproof JOSE ------------------------------------------------------------------

ACCEPT = "accepted"
NS, MAL, BAD, KID = "TokenAlgorithmNotSupported", "TokenMalformed", "TokenSignatureInvalid", "TokenSignatureKeyNotFound"
NA, MISMATCH = "TokenAlgorithmNotAllowed", "TokenAlgorithmKeyMismatch"


def _table(rows):
    table = {}
    for ids, key_set, token in rows:
        for tc in ids:
            assert tc not in table
            table[tc] = (key_set, token)
    return table


def r(a, b=None):
    return range(a, (b if b is not None else a) + 1)


# (tcIds, key set outcome, token outcome); the token runs against the stand-in set
# when the group's key set does not load. The Python package's defaults apply: RS256 and
# ES256 allowed, no symmetric (oct) keys. The core's own table
# (core/tests/vectors_wycheproof_jose.rs) runs every algorithm with the symmetric opt-in.
JWS_EXPECTED = _table(
    [
        ([1, 2, 5, 6, 8], "KeyUnsupported", NA),
        ([3, 4, 7, 9, 10, 11, 12, 14, 15, 16, 17], "KeyUnsupported", MAL),
        ([13], "KeyUnsupported", "TokenNotPresent"),
        ([18], ACCEPT, ACCEPT),
        ([19, 22, 23], ACCEPT, BAD),
        ([20, 21, 24, 26, 27, 28, 29], ACCEPT, MAL),
        ([25], ACCEPT, KID),
        ([30], ACCEPT, "TokenNotPresent"),
        ([31], ACCEPT, NA),
        ([32], ACCEPT, "TokenHeaderUnsupported"),
        ([33], ACCEPT, ACCEPT),
        ([34, 37, 38], ACCEPT, BAD),
        ([35, 36, 39, 41, 42, 43, 44], ACCEPT, MAL),
        ([40], ACCEPT, KID),
        ([45], ACCEPT, "TokenNotPresent"),
        (r(46, 258), ACCEPT, BAD),
        (r(259, 263), ACCEPT, ACCEPT),
        (r(264, 331), ACCEPT, NA),  # RS384, RS512, PS256, PS384, PS512: not in the default policy
        ([332], ACCEPT, MISMATCH),  # RS256 naming a key bound to PS512
        (r(333, 340), ACCEPT, NA),
        (r(341, 344), ACCEPT, MAL),
        ([345, 349], ACCEPT, ACCEPT),
        ([346, 350], ACCEPT, NA),  # PS384
        ([347, 351], "KeyUnsupported", NA),  # ES512; the P-521 key says alg "ES521"
        ([348, 352], "KeyUnsupported", NA),  # HS256 with an oct key
        (r(353, 356), "KeyUnsupported", KID),
        (r(357, 359), "KeyUnsupported", NA),
        (r(360, 366), "KeyUnsupported", MAL),
        ([367, 370], "KeyUnsupported", NA),  # byte-identical to 357 (upstream label error)
        ([368, 369, 371], "KeyUnsupported", MAL),
        ([372, 373], "KeyUnsupported", MAL),  # '?' inside a segment (upstream label error)
        ([374, 375], "KeyUnsupported", MAL),
        ([376, 377], "KeyUnsupported", NA),
        ([378], ACCEPT, ACCEPT),
        (r(379, 401), ACCEPT, BAD),
    ]
)

JWK_EXPECTED = _table(
    [
        ([1], ACCEPT, NA),  # the oct key is refused, the EC key loads
        (r(2, 4), "KeySetNoUsableKey", NA),
        ([5], ACCEPT, ACCEPT),
        ([6], "KeySetNoUsableKey", KID),
        ([7], "KeyInvalid", KID),
        ([8], "KeyTooSmall", KID),
        ([9], "KeyExponentInvalid", KID),
        (r(10, 18), "KeySetNoUsableKey", NA),
        (r(19, 21), "KeySetNoUsableKey", KID),
        ([22], "KeyInvalid", KID),
        ([23, 24], "KeySetNoUsableKey", KID),
        ([25, 26], "KeySetNoUsableKey", NA),
    ]
)

LABEL_ERRORS = {367, 370, 372, 373}

STAND_IN = jwtguard.KeySet.from_jwks(
    {
        "keys": [
            {
                "kty": "EC",
                "crv": "P-256",
                "kid": "jwtguard-stand-in",
                "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
            }
        ]
    }
)


def _observe(key_document, jws):
    try:
        keys = jwtguard.KeySet.from_jwks(key_document)
        key_set = ACCEPT
    except jwtguard.KeySetError as e:
        keys, key_set = STAND_IN, e.reason
    try:
        verified = jwtguard.verify_jws(jws, keys, max_token_size=1 << 20)
        return key_set, ACCEPT, verified
    except jwtguard.TokenError as e:
        return key_set, e.reason, None


def _header_alg(jws):
    try:
        first = jws.split(".")[0]
        return json.loads(base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)))["alg"]
    except Exception:
        return None


def _judge(label, tc, key_set, token, jws):
    accepted = key_set == ACCEPT and token == ACCEPT
    if (label == "valid") == accepted:
        return "agree"
    if label == "valid" and token == NS:
        assert _header_alg(jws) not in ("RS256", "ES256"), f"tc {tc}: a supported algorithm was refused"
        return "unsupported algorithm"
    if label == "valid" and token == NA:
        assert _header_alg(jws) not in ("RS256", "ES256"), f"tc {tc}: a default algorithm was refused"
        return "not in the default policy"
    assert tc in LABEL_ERRORS, f"tc {tc}: labelled {label}, got key set {key_set} / token {token}"
    return "label error"


def test_wycheproof_json_web_signature_all_cases():
    doc = json.loads((published_vectors() / "wycheproof" / "json_web_signature_test.json").read_text())
    assert doc["numberOfTests"] == 401
    seen, tally, outcomes = [], {}, {}
    for group in doc["testGroups"]:
        key_document = group.get("public") or group.get("private")
        for test in group["tests"]:
            tc = test["tcId"]
            seen.append(tc)
            key_set, token, verified = _observe(key_document, test["jws"])
            assert (key_set, token) == JWS_EXPECTED[tc], f"tc {tc} ({group['comment']}: {test['comment']})"
            outcomes[tc] = (key_set, token)
            verdict = _judge(test["result"], tc, key_set, token, test["jws"])
            tally[verdict] = tally.get(verdict, 0) + 1
            if verified is not None:
                assert isinstance(verified.payload, bytes) and verified.alg in ("RS256", "ES256")
    assert sorted(seen) == list(range(1, 402))
    assert outcomes[367] == outcomes[370] == outcomes[357]
    # 367/370 (labelled invalid, identical to the valid 357) are refused like 357, for
    # its HS256; 372/373 (labelled valid) are refused as malformed. Valid tokens for
    # algorithms outside the default policy (HS256 8, RS384 4, RS512 4, PS256 6, PS384 6,
    # PS512 4, ES512 2) are not allowed.
    assert tally == {"agree": 401 - 34 - 2, "not in the default policy": 34, "label error": 2}


def _public_members(jwk):
    return {k: v for k, v in jwk.items() if k not in ("d", "p", "q", "dp", "dq", "qi", "oth", "k")}


def test_wycheproof_json_web_key_all_cases():
    doc = json.loads((published_vectors() / "wycheproof" / "json_web_key_test.json").read_text())
    assert doc["numberOfTests"] == 26
    seen, tally = [], {}
    for group in doc["testGroups"]:
        entries = group["private"]["keys"]
        reduced = {"keys": [_public_members(k) for k in entries]}
        for test in group["tests"]:
            tc = test["tcId"]
            seen.append(tc)
            key_set, token, _ = _observe(reduced, test["jws"])
            assert (key_set, token) == JWK_EXPECTED[tc], f"jwk tc {tc} ({group['comment']})"
            # A set holding private asymmetric keys is refused outright.
            if any(k["kty"] != "oct" and "d" in k for k in entries):
                with pytest.raises(jwtguard.KeySetError) as info:
                    jwtguard.KeySet.from_jwks(group["private"])
                assert info.value.reason in ("KeyInvalid", "KeySetNoUsableKey")
            verdict = _judge(test["result"], tc, key_set, token, test["jws"])
            tally[verdict] = tally.get(verdict, 0) + 1
    assert seen == list(range(1, 27))
    assert tally == {"agree": 26 - 4, "not in the default policy": 4}
