"""Every reason of the core, reached from Python with tokens and keys minted by
PyJWT/cryptography: the exception class, ``.reason``, ``.code`` (from the core's table)
and the message."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import jwtguard
from conftest import AUDIENCE, ISSUER, NOW, b64url, claims, jwks, mint, mint_raw, public_jwk, sign_raw


JWE_FIXTURES = json.loads((Path(__file__).resolve().parents[2] / "core/tests/fixtures/jwe.json").read_text())
JWE_KEYS = jwtguard.DecryptionKeys.from_jwks(JWE_FIXTURES["decryption_keys"])
JWE_UNKNOWN_KID = next(c["token"] for c in JWE_FIXTURES["cases"] if c["name"] == "unknown kid")
DECRYPTION = "(decryption keys)"


@pytest.fixture(scope="module")
def world(keys):
    """A key set with an RSA key, an EC key (bound to an issuer), and a weak key."""
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    document = jwks(
        public_jwk(keys.rsa, "rsa"),
        public_jwk(keys.ec, "ec"),
        public_jwk(keys.ec_b, "ec-bound", issuer="https://login.example/{tenantid}/v2.0"),
        public_jwk(weak, "weak"),
    )
    return {
        "keys": jwtguard.KeySet.from_jwks(document),
        "policy": jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER]),
        "private": keys,
    }


def _token_cases(k):
    """reason -> (token, policy overrides); tokens by PyJWT unless noted."""
    rsa_key, ec_key = k.rsa, k.ec
    good = mint(rsa_key, "rsa", claims())
    header, payload, signature = good.split(".")
    return {
        "TokenNotPresent": ("", {}),
        "TokenTooLarge": (good, {"max_token_size": 64}),
        "TokenMalformed": (f"{header}.{payload}", {}),
        "TokenHeaderUnsupported": (mint(rsa_key, "rsa", claims(), jku="https://attacker.example/keys"), {}),
        # ES256K (secp256k1) is not implemented; the signature bytes are never looked at.
        "TokenAlgorithmNotSupported": (mint_raw(rsa_key, {"alg": "ES256K", "kid": "rsa"}, claims()), {}),
        "TokenAlgorithmNotAllowed": (mint(ec_key, "ec", claims()), {"algorithms": ["RS256"]}),
        "TokenSignatureKeyNotFound": (mint(rsa_key, "no-such-kid", claims()), {}),
        "TokenAlgorithmKeyMismatch": (mint(ec_key, "rsa", claims()), {}),
        "TokenSignatureInvalid": (mint(k.rsa_b, "rsa", claims()), {}),
        # PyJWT refuses a string exp; cryptography signs whatever we give it.
        "TokenClaimMalformed": (mint_raw(rsa_key, {"alg": "RS256", "kid": "rsa"}, claims(exp="soon")), {}),
        "TokenExpirationTimeMissing": (mint(rsa_key, "rsa", claims(exp=None)), {}),
        "TokenExpired": (mint(rsa_key, "rsa", claims(exp=NOW)), {}),
        "TokenNotYetValid": (mint(rsa_key, "rsa", claims(nbf=NOW + 1)), {}),
        "TokenAudienceNotAllowed": (mint(rsa_key, "rsa", claims(aud="api://someone-else")), {}),
        "TokenIssuerNotAllowed": (mint(rsa_key, "rsa", claims(iss="https://evil.example/")), {}),
        "TokenClaimNotFound": (
            good,
            {"required_claims": [jwtguard.RequiredClaim("scp", ["Files.Read"])]},
        ),
        "TokenClaimValueNotAllowed": (
            mint(rsa_key, "rsa", claims(scp="Files.Write Mail.Read")),
            {"required_claims": [jwtguard.RequiredClaim("scp", ["Files.Read"], match="any", separator=" ")]},
        ),
        "TokenTypeNotAllowed": (mint(rsa_key, "rsa", claims(), typ="JWT"), {"token_types": ["at+jwt"]}),
        # jwcrypto's JWE naming a kid no decryption key has (core/tests/fixtures/jwe.json).
        "TokenDecryptionFailed": (JWE_UNKNOWN_KID, {DECRYPTION: True}),
        # A token naming a key the set rejected gets that key's reason.
        "KeyTooSmall": (mint(rsa_key, "weak", claims()), {}),
    }


TOKEN_REASONS = [name for name in jwtguard.REASONS if name.startswith("Token")] + ["KeyTooSmall"]


@pytest.mark.parametrize("reason", TOKEN_REASONS)
def test_token_reason(world, reason):
    token, overrides = _token_cases(world["private"])[reason]
    decryption = JWE_KEYS if overrides.pop(DECRYPTION, False) else None
    policy = world["policy"].replace(**overrides) if overrides else world["policy"]
    with pytest.raises(jwtguard.TokenError) as info:
        jwtguard.verify(token, world["keys"], policy, now=NOW, decryption_keys=decryption)
    e = info.value
    assert e.reason == reason
    assert e.code == jwtguard.REASONS[reason]
    assert isinstance(e, ValueError)
    if reason.startswith("Token"):
        assert type(e) is jwtguard.TOKEN_ERRORS[reason]
        assert type(e).__name__ == reason + "Error"
    else:
        assert type(e) is jwtguard.TokenError
    assert str(e).startswith(reason + ": ")
    assert e.detail and e.detail in str(e)
    assert e.apim_reason == jwtguard.APIM_REASONS[reason]
    if reason in ("TokenClaimNotFound", "TokenClaimValueNotAllowed"):
        assert e.claim == "scp"
        assert str(e).endswith("(claim `scp`)")
    elif reason == "TokenClaimMalformed":
        assert e.claim == "exp"
    else:
        assert e.claim is None


def test_the_key_issuer_binding(world):
    k = world["private"]
    token = mint(k.ec_b, "ec-bound", claims(iss=ISSUER, tid="t1"))
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError) as info:
        jwtguard.verify(token, world["keys"], world["policy"], now=NOW)
    assert "signing key" in info.value.detail
    token = mint(k.ec_b, "ec-bound", claims(iss="https://login.example/t1/v2.0", tid="t1"))
    policy = world["policy"].replace(issuers=["https://login.example/t1/v2.0"])
    assert jwtguard.verify(token, world["keys"], policy, now=NOW)["tid"] == "t1"
    assert jwtguard.verify(token, world["keys"], policy.replace(check_key_issuer=False), now=NOW)


def _rsa_jwk_with(n: int, e: int = 65537, **extra):
    return {
        "kty": "RSA",
        "kid": "k",
        "n": b64url(n.to_bytes((n.bit_length() + 7) // 8, "big")),
        "e": b64url(e.to_bytes(3, "big")),
        **extra,
    }


def _key_set_cases(k):
    good = public_jwk(k.rsa, "good")
    n = k.rsa.public_key().public_numbers().n
    off_curve = dict(public_jwk(k.ec, "ec"))
    off_curve["y"] = b64url(bytes(31) + b"\x01")
    return {
        "KeySetMalformed": '{"keys": [1, 2]}',
        "KeySetTooLarge": jwks(*[dict(good, kid=f"k{i}") for i in range(33)]),
        "KeySetNoUsableKey": jwks({"kty": "oct", "kid": "h", "k": b64url(b"secret")}),
        "KeySetDuplicateKid": jwks(good, public_jwk(k.rsa_b, "good")),
        "KeyMalformed": {"kty": "RSA", "kid": "k", "e": "AQAB"},
        "KeyUnsupported": {"kty": "EC", "crv": "secp256k1", "x": b64url(bytes(32)), "y": b64url(bytes(32))},
        "KeyTooSmall": _rsa_jwk_with(
            rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key().public_numbers().n
        ),
        "KeyTooLarge": _rsa_jwk_with((1 << 8200) | 1),
        "KeyExponentInvalid": _rsa_jwk_with(n, e=3),
        "KeyInvalid": off_curve,
    }


KEY_SET_REASONS = [name for name in jwtguard.REASONS if name.startswith("Key")]


@pytest.mark.parametrize("reason", KEY_SET_REASONS)
def test_key_set_reason(keys, reason):
    document = _key_set_cases(keys)[reason]
    with pytest.raises(jwtguard.KeySetError) as info:
        jwtguard.KeySet.from_jwks(document)
    e = info.value
    assert type(e) is jwtguard.KeySetError
    assert (e.reason, e.code) == (reason, jwtguard.REASONS[reason])
    assert str(e).startswith(reason + ": ")


def test_key_set_too_large_by_size(keys):
    with pytest.raises(jwtguard.KeySetError) as info:
        jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "k")), max_size=100)
    assert info.value.reason == "KeySetTooLarge"


def test_small_exponent_option(keys):
    n = keys.rsa.public_key().public_numbers().n
    assert len(jwtguard.KeySet.from_jwks(_rsa_jwk_with(n, e=3), allow_small_rsa_exponent=True)) == 1


POLICY_CASES = {
    "empty audience": dict(audiences=[""], issuers=[ISSUER]),
    "no audience": dict(issuers=[ISSUER]),
    "empty issuer": dict(audiences=[AUDIENCE], issuers=[""]),
    "no algorithm": dict(audiences=[AUDIENCE], issuers=[ISSUER], algorithms=[]),
    "unknown algorithm": dict(audiences=[AUDIENCE], issuers=[ISSUER], algorithms=["ES256K"]),
    "zero size": dict(audiences=[AUDIENCE], issuers=[ISSUER], max_token_size=0),
    "33 audiences": dict(audiences=[f"a{i}" for i in range(33)], issuers=[ISSUER]),
    "negative skew": dict(audiences=[AUDIENCE], issuers=[ISSUER], clock_skew=-1),
    "empty claim name": dict(audiences=[AUDIENCE], issuers=[ISSUER], required_claims=[jwtguard.RequiredClaim("")]),
    "empty claim value": dict(
        audiences=[AUDIENCE], issuers=[ISSUER], required_claims=[jwtguard.RequiredClaim("scp", [""])]
    ),
}


@pytest.mark.parametrize("case", list(POLICY_CASES))
def test_policy_reason(case):
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.Policy(**POLICY_CASES[case])
    e = info.value
    assert (e.reason, e.code) == ("PolicyInvalid", jwtguard.REASONS["PolicyInvalid"])
    assert type(e) is jwtguard.PolicyError and isinstance(e, ValueError)


@pytest.mark.parametrize("kwargs", [dict(match="some"), dict(separator=""), dict(separator="x" * 17)])
def test_required_claim_arguments(kwargs):
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.RequiredClaim("scp", ["a"], **kwargs)
    assert info.value.reason == "PolicyInvalid"


def test_a_policy_without_issuer_is_incomplete(keys):
    policy = jwtguard.Policy(audiences=[AUDIENCE])
    assert not policy.is_complete
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.verify(
            mint(keys.rsa, "rsa", claims()),
            jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "rsa"))),
            policy,
            now=NOW,
        )
    assert info.value.reason == "PolicyInvalid" and "issuer" in str(info.value)
    with pytest.raises(jwtguard.PolicyError):
        policy.check_complete()
    assert policy.replace(issuers=[ISSUER]).is_complete
    assert jwtguard.Policy(audiences=[AUDIENCE], any_issuer=True).is_complete


def test_every_reason_is_covered():
    covered = set(TOKEN_REASONS) | set(KEY_SET_REASONS) | {"PolicyInvalid"}
    assert covered == set(jwtguard.REASONS), set(jwtguard.REASONS) ^ covered


def test_reason_table_comes_from_the_core():
    codes = list(jwtguard.REASONS.values())
    assert len(set(codes)) == len(codes)
    assert jwtguard.REASONS["TokenExpired"] == 12 and jwtguard.REASONS["PolicyInvalid"] == 200
    assert set(jwtguard.APIM_REASONS) == set(jwtguard.REASONS) == set(jwtguard.REASON_MESSAGES)
    with pytest.raises(TypeError):
        jwtguard.REASONS["New"] = 1  # read-only
    assert set(jwtguard.TOKEN_ERRORS) == {n for n in jwtguard.REASONS if n.startswith("Token")}
    for name, cls in jwtguard.TOKEN_ERRORS.items():
        assert getattr(jwtguard, name + "Error") is cls and issubclass(cls, jwtguard.TokenError)
    assert issubclass(jwtguard.DiscoveryError, jwtguard.KeySetError)


def test_exceptions_pickle_and_construct(world):
    token, _ = _token_cases(world["private"])["TokenExpired"]
    with pytest.raises(jwtguard.TokenExpiredError) as info:
        jwtguard.verify(token, world["keys"], world["policy"], now=NOW)
    again = pickle.loads(pickle.dumps(info.value))
    assert type(again) is jwtguard.TokenExpiredError
    assert (again.reason, again.code, again.detail, str(again)) == (
        info.value.reason,
        info.value.code,
        info.value.detail,
        str(info.value),
    )
    made = jwtguard.TokenError("TokenExpired: custom", reason="TokenExpired")
    assert made.code == 12 and made.detail == "TokenExpired: custom"
    assert repr(jwtguard.TokenExpiredError).startswith("<class 'jwtguard.TokenExpiredError'")


def test_es256_signature_by_hand_is_accepted(world):
    """cryptography's own ES256 (r || s) signature verifies: the manual minting path
    used above is sound."""
    token = mint_raw(world["private"].ec, {"alg": "ES256", "kid": "ec"}, json.dumps(claims()).encode())
    assert jwtguard.verify(token, world["keys"], world["policy"], now=NOW)["sub"] == "user-1"
    assert len(sign_raw(world["private"].ec, b"x")) == 64
