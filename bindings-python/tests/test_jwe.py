"""Encrypted tokens from Python: jwcrypto's compact JWE tokens for every algorithm pair
the core decrypts (core/tests/fixtures/jwe.json, see make_jwe_fixtures.py), each holding
an ES256 JWT, through ``jwtguard.verify`` and ``jwtguard.Validator`` with
``decryption_keys``; the refusals; and the ``DecryptionKeys`` object itself."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import jwtguard

DOC = json.loads((Path(__file__).resolve().parents[2] / "core/tests/fixtures/jwe.json").read_text())
NOW = DOC["now"] + 10
POLICY = jwtguard.Policy(audiences=[DOC["claims"]["aud"]], issuers=[DOC["claims"]["iss"]])
SIGNING = jwtguard.KeySet.from_jwks(DOC["signing_keys"])
KEYS = jwtguard.DecryptionKeys.from_jwks(DOC["decryption_keys"])
VALID = [c for c in DOC["cases"] if c["expect"] == "valid"]
REFUSED = [c for c in DOC["cases"] if c["expect"] != "valid"]


@pytest.mark.parametrize("case", VALID, ids=[c["name"] for c in VALID])
def test_every_pair_decrypts_and_verifies(case):
    claims = jwtguard.verify(case["token"], SIGNING, POLICY, now=NOW, decryption_keys=KEYS)
    assert claims == DOC["claims"]
    detailed = jwtguard.verify_detailed(case["token"], SIGNING, POLICY, now=NOW, decryption_keys=KEYS)
    assert detailed.header["alg"] == "ES256" and detailed.kid == "signing-1"


@pytest.mark.parametrize("case", REFUSED, ids=[c["name"] for c in REFUSED])
def test_refusals_keep_their_reasons(case):
    with pytest.raises(jwtguard.TokenError) as info:
        jwtguard.verify(case["token"], SIGNING, POLICY, now=NOW, decryption_keys=KEYS)
    assert info.value.reason == case["expect"]
    assert type(info.value) is jwtguard.TOKEN_ERRORS[case["expect"]]


def test_without_decryption_keys_an_encrypted_token_is_malformed():
    with pytest.raises(jwtguard.TokenMalformedError):
        jwtguard.verify(VALID[0]["token"], SIGNING, POLICY, now=NOW)


def test_a_validator_decrypts_and_caches_by_the_encrypted_token():
    validator = jwtguard.Validator(keys=SIGNING, policy=POLICY, decryption_keys=KEYS)
    for case in VALID[:6]:
        assert validator.validate(case["token"], now=NOW)["sub"] == "user-1"
        assert validator.validate(case["token"], now=NOW)["sub"] == "user-1"
    info = validator.cache_info()
    assert (info.hits, info.misses) == (6, 6)
    with pytest.raises(jwtguard.TokenDecryptionFailedError):
        validator.validate(next(c["token"] for c in REFUSED if c["name"] == "unknown kid"), now=NOW)
    plain = jwtguard.Validator(keys=SIGNING, policy=POLICY)
    with pytest.raises(jwtguard.TokenMalformedError):
        plain.validate(VALID[0]["token"], now=NOW)


def test_decryption_keys_load_whole_or_not_at_all():
    assert len(KEYS) == len(DOC["decryption_keys"]["keys"]) == 8
    text = repr(KEYS)
    assert "rsa-1" in text and "oct-16" in text
    for key in DOC["decryption_keys"]["keys"]:
        for secret in ("d", "k", "p", "q"):
            if secret in key:
                assert key[secret] not in text
    weak = copy.deepcopy(DOC["decryption_keys"])
    weak["keys"][0]["use"] = "sig"
    with pytest.raises(jwtguard.KeySetError) as info:
        jwtguard.DecryptionKeys.from_jwks(weak)
    assert info.value.reason == "KeyUnsupported"
    with pytest.raises(jwtguard.KeySetError):
        jwtguard.DecryptionKeys.from_jwks(b"{}")
    with pytest.raises(TypeError):
        jwtguard.DecryptionKeys.from_jwks(42)
    with pytest.raises(TypeError):
        jwtguard.verify(VALID[0]["token"], SIGNING, POLICY, now=NOW, decryption_keys=SIGNING)


def test_an_apim_policys_decryption_keys_reach_the_validator():
    import base64

    from cryptography.hazmat.primitives.asymmetric import rsa

    oct_32 = next(k for k in DOC["decryption_keys"]["keys"] if k["kid"] == "oct-32")
    secret = base64.urlsafe_b64decode(oct_32["k"] + "=" * (-len(oct_32["k"]) % 4))
    numbers = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_numbers()

    def b64(n: int) -> str:
        return base64.b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).decode()

    xml = f"""<validate-jwt header-name="Authorization">
  <issuer-signing-keys><key n="{b64(numbers.n)}" e="{b64(numbers.e)}" /></issuer-signing-keys>
  <decryption-keys><key id="oct-32">{base64.b64encode(secret).decode()}</key></decryption-keys>
  <audiences><audience>{DOC["claims"]["aud"]}</audience></audiences>
  <issuers><issuer>{DOC["claims"]["iss"]}</issuer></issuers>
</validate-jwt>"""
    apim = jwtguard.ApimPolicy.from_xml(xml)
    assert apim.decryption_keys is not None and len(apim.decryption_keys) == 1
    validator = jwtguard.Validator.from_apim_policy(apim, keys=SIGNING)
    token = next(c["token"] for c in VALID if c["name"] == "A256KW A256GCM oct-32")
    assert validator.validate(token, now=NOW)["sub"] == "user-1"
    assert jwtguard.ApimPolicy.from_xml(xml.replace("<decryption-keys>", "<!--").replace("</decryption-keys>", "-->")).decryption_keys is None
