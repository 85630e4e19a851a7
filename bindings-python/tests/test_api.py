"""The Python API's shape: argument types, immutability, several key sets, the JWS
layer, reprs, and the package layout (stubs, py.typed, abi3)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

import jwtguard
from conftest import AUDIENCE, ISSUER, NOW, claims, jwks, mint, mint_raw, public_jwk


@pytest.fixture(scope="module")
def setup(keys):
    document = jwks(public_jwk(keys.rsa, "rsa"), public_jwk(keys.ec, "ec"))
    return {
        "document": document,
        "keys": jwtguard.KeySet.from_jwks(document),
        "policy": jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER]),
        "token": mint(keys.rsa, "rsa", claims(scp="Files.Read Mail.Read", roles=["Admin"], n=42)),
        "private": keys,
    }


def test_key_set_inputs_are_equivalent(setup):
    document = setup["document"]
    for form in (
        document,
        json.dumps(document),
        json.dumps(document).encode(),
        bytearray(json.dumps(document).encode()),
    ):
        ks = jwtguard.KeySet.from_jwks(form)
        assert len(ks) == 2 and ks.kids == ["rsa", "ec"]
    single = jwtguard.KeySet.from_jwks(document["keys"][1])
    assert single.kids == ["ec"]
    with pytest.raises(TypeError):
        jwtguard.KeySet.from_jwks(42)


def test_key_set_introspection(setup, keys):
    document = jwks(
        public_jwk(keys.rsa, "rsa", alg="RS256", use="sig"),
        {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
        {"kty": "RSA", "kid": "broken", "n": "AQAB", "e": "AQAB"},
    )
    ks = jwtguard.KeySet.from_jwks(document)
    assert ks.keys == [{"kid": "rsa", "x5t": None, "alg": "RS256", "issuer": None, "kty": "RSA", "bits": 2048}]
    assert [(kid, reason) for kid, reason, _ in ks.rejected] == [("hmac", "KeyUnsupported"), ("broken", "KeyTooSmall")]
    assert "1 key(s) ['rsa'], 2 rejected" in repr(ks)
    ec = jwtguard.KeySet.from_jwks(public_jwk(keys.ec))
    assert ec.keys[0]["crv"] == "P-256" and ec.kids == [None]


def test_objects_are_immutable(setup):
    with pytest.raises(AttributeError):
        setup["keys"].kids = []
    with pytest.raises(AttributeError):
        setup["policy"].audiences = ("x",)
    claim = jwtguard.RequiredClaim("scp", ["a"])
    with pytest.raises(AttributeError):
        claim.name = "roles"
    assert hash(claim) == hash(jwtguard.RequiredClaim("scp", ("a",)))
    assert (
        claim == jwtguard.RequiredClaim("scp", ["a"], match="all") != jwtguard.RequiredClaim("scp", ["a"], match="any")
    )


def test_policy_keeps_its_arguments(setup):
    claim = jwtguard.RequiredClaim("scp", ["Files.Read"], match="any", separator=" ")
    policy = jwtguard.Policy(
        audiences="one-audience",  # a single string is one audience, not its characters
        issuers=[ISSUER],
        required_claims=[claim],
        clock_skew=30,
        algorithms=("ES256",),
        max_token_size=8192,
        kid_miss_fallback=True,
        check_key_issuer=False,
    )
    assert policy.audiences == ("one-audience",)
    assert policy.required_claims == (claim,)
    assert (policy.clock_skew, policy.algorithms, policy.max_token_size) == (30, ("ES256",), 8192)
    assert (policy.kid_miss_fallback, policy.check_key_issuer, policy.require_expiration_time) == (True, False, True)
    assert (policy.any_audience, policy.any_issuer, policy.is_complete) == (False, False, True)
    assert jwtguard.Policy(**policy.arguments()).arguments() == policy.arguments()
    changed = policy.replace(clock_skew=0, audiences=["a", "b"])
    assert changed.clock_skew == 0 and changed.audiences == ("a", "b") and policy.clock_skew == 30
    with pytest.raises(TypeError):
        policy.replace(no_such_argument=1)
    assert repr(policy).startswith("Policy(audiences=('one-audience',), issuers=")
    assert repr(claim) == "RequiredClaim('scp', ['Files.Read'], match='any', separator=' ')"
    assert jwtguard.Policy(audiences=["a"], issuers=["i"], clock_skew=2**80).clock_skew == 2**64 - 1


def test_more_key_sets_than_the_core_searches_is_a_policy_error(setup):
    too_many = [setup["keys"]] * 17
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.verify(setup["token"], too_many, setup["policy"], now=NOW)
    assert info.value.reason == "PolicyInvalid"
    assert jwtguard.verify(setup["token"], too_many[:16], setup["policy"], now=NOW)["n"] == 42


def test_require_kid(keys):
    """With several keys that could verify it, a token naming no key is refused with
    require_kid, and verified without it (within the few keys tried)."""
    several = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "r1"), public_jwk(keys.rsa_b, "r2"), public_jwk(keys.ec, "e1")))
    lenient = jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER])
    strict = lenient.replace(require_kid=True)
    assert (lenient.require_kid, strict.require_kid) == (False, True)
    assert strict.arguments()["require_kid"] is True and "require_kid=True" in repr(strict)
    assert jwtguard.Policy(**strict.arguments()).require_kid
    no_kid = mint(keys.rsa_b, None, claims())
    assert jwtguard.verify(no_kid, several, lenient, now=NOW)["sub"] == "user-1"
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError) as info:
        jwtguard.verify(no_kid, several, strict, now=NOW)
    assert info.value.reason == "TokenSignatureKeyNotFound"
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        jwtguard.Validator(keys=several, policy=strict).validate(no_kid, now=NOW)
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        jwtguard.verify_jws(no_kid, several, require_kid=True)
    assert jwtguard.Validator(keys=several, policy=lenient).validate(no_kid, now=NOW)["sub"] == "user-1"
    # Naming its key, or with one key that could verify it, the token verifies.
    assert jwtguard.verify(mint(keys.rsa_b, "r2", claims()), several, strict, now=NOW)["sub"] == "user-1"
    only = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa_b, "r2"), public_jwk(keys.ec, "e1")))
    assert jwtguard.verify(no_kid, only, strict, now=NOW)["sub"] == "user-1"


def test_token_types(keys):
    """RFC 9068: with token_types, an ID token (typ JWT) of the same issuer and audience
    is refused; at+jwt passes in each spelling of the media type."""
    keyset = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "r1")))
    any_type = jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER])
    access = any_type.replace(token_types=["at+jwt"])
    assert (any_type.token_types, access.token_types) == ((), ("at+jwt",))
    assert jwtguard.Policy(**access.arguments()).token_types == ("at+jwt",)
    for typ in ("at+jwt", "application/at+jwt", "AT+JWT"):
        token = mint(keys.rsa, "r1", claims(), typ=typ)
        assert jwtguard.verify(token, keyset, access, now=NOW)["sub"] == "user-1"
        assert jwtguard.Validator(keys=keyset, policy=access).validate(token, now=NOW)["sub"] == "user-1"
    id_token = mint(keys.rsa, "r1", claims(), typ="JWT")
    assert jwtguard.verify(id_token, keyset, any_type, now=NOW)["sub"] == "user-1"
    with pytest.raises(jwtguard.TokenTypeNotAllowedError) as info:
        jwtguard.verify(id_token, keyset, access, now=NOW)
    assert info.value.reason == "TokenTypeNotAllowed" and info.value.apim_reason == "JwtInvalid"
    with pytest.raises(jwtguard.TokenTypeNotAllowedError):
        jwtguard.Validator(keys=keyset, policy=access).validate(id_token, now=NOW)
    with pytest.raises(jwtguard.PolicyError):
        any_type.replace(token_types=[""])


def test_verify_arguments(setup):
    token, keys, policy = setup["token"], setup["keys"], setup["policy"]
    expected = jwtguard.verify(token, keys, policy, now=NOW)
    assert expected["scp"] == "Files.Read Mail.Read" and expected["roles"] == ["Admin"] and expected["n"] == 42
    assert jwtguard.verify(token.encode(), keys, policy, now=NOW) == expected
    assert jwtguard.verify(token, keys, policy, now=NOW + 0.9) == expected  # floats are floored
    assert jwtguard.verify(token, [keys], policy, now=NOW) == expected
    assert jwtguard.verify(token, (keys,), policy, now=NOW) == expected
    with pytest.raises(TypeError):
        jwtguard.verify(42, keys, policy, now=NOW)
    with pytest.raises(TypeError):
        jwtguard.verify(token, setup["document"], policy, now=NOW)
    with pytest.raises(TypeError):
        jwtguard.verify(token, keys, {"audiences": [AUDIENCE]}, now=NOW)
    with pytest.raises(ValueError):
        jwtguard.verify(token, keys, policy, now=-1)
    with pytest.raises(jwtguard.KeySetError):
        jwtguard.verify(token, [], policy, now=NOW)
    # A token str with a lone surrogate is passed on as bytes, and the core rejects it.
    with pytest.raises(jwtguard.TokenMalformedError):
        jwtguard.verify(token[:-1] + "\udc80", keys, policy, now=NOW)


def test_now_defaults_to_the_current_time(setup, keys):
    current = int(time.time())
    token = mint(keys.rsa, "rsa", claims(iat=current, nbf=current - 5, exp=current + 600))
    assert jwtguard.verify(token, setup["keys"], setup["policy"])["exp"] == current + 600
    with pytest.raises(jwtguard.TokenExpiredError):
        jwtguard.verify(setup["token"], setup["keys"], setup["policy"])  # minted for 2023


def test_several_key_sets_are_tried_in_turn(setup, keys):
    rsa_only = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "rsa")))
    other = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa_b, "rsa-b")))
    token_b = mint(keys.rsa_b, "rsa-b", claims())
    detailed = jwtguard.verify_detailed(token_b, [rsa_only, other], setup["policy"], now=NOW)
    assert detailed.key_set_index == 1 and detailed.key_kid == "rsa-b"
    # Only "no such key" moves on: a bad signature under a found kid is final.
    forged = mint(keys.rsa_b, "rsa", claims())
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        jwtguard.verify(forged, [rsa_only, other], setup["policy"], now=NOW)
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        jwtguard.verify(mint(keys.rsa, "nope", claims()), [rsa_only, other], setup["policy"], now=NOW)


def test_verify_jws_is_the_signature_layer(setup, keys):
    payload_token = jwtguard.verify_jws(setup["token"], setup["keys"])
    assert json.loads(payload_token.payload)["sub"] == "user-1"
    assert (payload_token.alg, payload_token.kid, payload_token.key_kid) == ("RS256", "rsa", "rsa")
    assert payload_token.header["typ"] == "JWT"
    expired = mint(keys.ec, "ec", claims(exp=1))
    assert jwtguard.verify_jws(expired, setup["keys"]).alg == "ES256"  # no claim rules here
    with pytest.raises(jwtguard.TokenAlgorithmNotAllowedError):
        jwtguard.verify_jws(expired, setup["keys"], algorithms=["RS256"])
    with pytest.raises(jwtguard.TokenTooLargeError):
        jwtguard.verify_jws(expired, setup["keys"], max_token_size=10)
    with pytest.raises(jwtguard.PolicyError):
        jwtguard.verify_jws(expired, setup["keys"], algorithms=["none"])


def test_kid_miss_fallback(setup, keys):
    token = mint(keys.ec, "renamed", claims())
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        jwtguard.verify(token, setup["keys"], setup["policy"], now=NOW)
    policy = setup["policy"].replace(kid_miss_fallback=True)
    assert jwtguard.verify_detailed(token, setup["keys"], policy, now=NOW).key_kid == "ec"


def test_required_claims_through_python(setup):
    token, keys = setup["token"], setup["keys"]

    def check(*rules):
        return jwtguard.verify(token, keys, setup["policy"].replace(required_claims=list(rules)), now=NOW)

    assert check(jwtguard.RequiredClaim("scp", ["Mail.Read"], separator=" "))
    assert check(jwtguard.RequiredClaim("roles", ["Admin"]), jwtguard.RequiredClaim("n", ["42"]))
    assert check(jwtguard.RequiredClaim("scp"))  # presence only
    with pytest.raises(jwtguard.TokenClaimValueNotAllowedError) as info:
        check(jwtguard.RequiredClaim("scp", ["Mail.Read", "Files.Write"], match="all", separator=" "))
    assert info.value.claim == "scp"
    assert check(jwtguard.RequiredClaim("scp", ["Mail.Read", "Files.Write"], match="any", separator=" "))
    # A longer separator splits as written: "Files.Read Mail.Read" has no ", ".
    split = jwtguard.RequiredClaim("scp", ["Mail.Read"], separator=", ")
    assert split.separator == ", "
    with pytest.raises(jwtguard.TokenClaimValueNotAllowedError):
        check(split)
    assert check(jwtguard.RequiredClaim("scp", ["Files.Read Mail.Read"], separator=", "))


def test_package_layout():
    package = Path(jwtguard.__file__).parent
    assert (package / "py.typed").is_file()
    assert (package / "_jwtguard.pyi").is_file()
    extension = importlib.util.find_spec("jwtguard._jwtguard").origin
    assert extension.endswith(".abi3.so"), extension
    assert jwtguard.__version__.count(".") == 2
    assert jwtguard.DEFAULT_MAX_TOKEN_SIZE == 16384 and jwtguard.MAX_KEYS == 32
    for name in jwtguard.__all__:
        assert hasattr(jwtguard, name), name


def test_stub_matches_the_extension(tmp_path):
    """mypy's stubtest compares _jwtguard.pyi with the compiled module: every name,
    class, signature and default, and __all__."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--ignore-disjoint-bases", "jwtguard._jwtguard"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success" in result.stdout


def test_claims_are_what_json_loads_gives(setup, keys):
    """The claims dict (built in Rust from the validated JSON) equals json.loads of the
    payload text for escapes, surrogate pairs, huge and negative integers, floats,
    exponents, nesting and every JSON type."""
    base = f'"aud":"{AUDIENCE}","iss":"{ISSUER}","exp":{NOW + 3600}'
    payloads = [
        r'"s":"plain","e":"tab\tquote\"slash\/back\\nl\nu\u00e9\u20ac","pair":"\ud83d\ude00","raw":"é😀"',
        r'"\u0061lias":"escaped name","empty":"","zero":0,"neg":-17,"negzero":-0',
        '"big":123456789012345678901234567890,"nbig":-98765432109876543210,"i64max":9223372036854775807',
        '"f":1.5,"g":-0.0,"h":1e3,"i":2.5E-3,"j":1e999,"k":-1e999,"l":0.1',
        '"t":true,"fa":false,"n":null,"arr":[1,"two",[3,[4]],{"five":5}],"obj":{"a":{"b":{"c":[]}}},"eo":{}',
    ]
    for extra in payloads:
        text = "{" + base + "," + extra + "}"
        token = mint_raw(keys.rsa, {"alg": "RS256", "kid": "rsa"}, text.encode())
        got = jwtguard.verify(token, setup["keys"], setup["policy"], now=NOW)
        want = json.loads(text)
        assert got == want, extra
        assert list(got) == list(want)  # member order kept
        for name, value in want.items():
            assert type(got[name]) is type(value), name
        detailed = jwtguard.verify_detailed(token, setup["keys"], setup["policy"], now=NOW)
        assert detailed.claims == want
        assert detailed.header == {"alg": "RS256", "kid": "rsa"}
