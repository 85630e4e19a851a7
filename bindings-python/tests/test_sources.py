"""Key sources under one verifier, decided by the core: each provider's keys sign only
for that provider's issuer, a kid miss (or a token without kid) tries keys across every
source, at most a few of them, and the refresh schedule is the core's. Tokens are minted
by PyJWT; providers are real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import asyncio

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

import jwtguard
from conftest import AUDIENCE, ISSUER, NOW, claims, jwks, mint, public_jwk

A = "https://provider-a.example/"
B = "https://provider-b.example/"
LONG = NOW + 10 * 86400  # tokens outlive the clock moves below


def loopback(**options):
    options.setdefault("allow_http_loopback", True)
    options.setdefault("timeout", 2.0)
    return options


# --- finding: a provider's keys sign only for its own issuer ----------------------------------


def two_providers(server, keys):
    a = server.openid("/a", A, jwks(public_jwk(keys.rsa, "ka")))
    b = server.openid("/b", B, jwks(public_jwk(keys.ec, "kb")))
    return a, b


@pytest.mark.parametrize("issuers", [None, [A, B]])
def test_a_provider_cannot_mint_tokens_for_another_provider(server, clock, keys, issuers):
    """Provider B's key, provider A's issuer: refused, whether the policy lists the issuers
    or takes them from discovery (the keys of a configuration sign only for the issuer
    that configuration names)."""
    a, b = two_providers(server, keys)
    policy = jwtguard.Policy(audiences=[AUDIENCE], issuers=issuers)
    v = jwtguard.Validator([a, b], policy=policy, clock=clock, **loopback())
    assert v.validate(mint(keys.rsa, "ka", claims(iss=A, exp=LONG)))["iss"] == A
    assert v.validate(mint(keys.ec, "kb", claims(iss=B, exp=LONG)))["iss"] == B
    for private, kid, iss in ((keys.ec, "kb", A), (keys.rsa, "ka", B)):
        forged = mint(private, kid, claims(iss=iss, exp=LONG))
        with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
            v.validate(forged)
        with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
            v.validate_detailed(forged)
        with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
            asyncio.run(v.validate_async(forged))
    assert v.issuers == (A, B)


def test_cross_issuer_refusal_holds_through_the_kid_miss_fallback(server, clock, keys):
    """With the fallback on, a token naming no known kid may be tried against B's key, but
    B's key still does not sign for A."""
    a, b = two_providers(server, keys)
    policy = jwtguard.Policy(audiences=[AUDIENCE], kid_miss_fallback=True)
    v = jwtguard.Validator([a, b], policy=policy, clock=clock, **loopback())
    assert v.validate(mint(keys.ec, "renamed", claims(iss=B, exp=LONG)))["iss"] == B
    for kid in ("renamed", None):
        with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
            v.validate(mint(keys.ec, kid, claims(iss=A, exp=LONG)))


def test_a_cached_token_is_not_served_for_another_issuer_binding(server, clock, keys):
    """The verified-token cache keeps the verdict of the whole check, the issuer binding
    included: a refused token stays refused on every call."""
    a, b = two_providers(server, keys)
    v = jwtguard.Validator([a, b], policy=jwtguard.Policy(audiences=[AUDIENCE]), clock=clock, **loopback())
    forged = mint(keys.ec, "kb", claims(iss=A, exp=LONG))
    for _ in range(3):
        with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
            v.validate(forged)
    assert v.cache_info().currsize == 0


def test_key_sets_given_directly_trust_the_policy_issuers(keys):
    """Explicit and documented: a KeySet handed to the Validator (or to verify) may sign
    for every issuer the policy allows; only discovered keys are bound to an issuer."""
    ka = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "ka")))
    kb = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.ec, "kb")))
    policy = jwtguard.Policy(audiences=[AUDIENCE], issuers=[A, B])
    v = jwtguard.Validator(keys=[ka, kb], policy=policy)
    token = mint(keys.ec, "kb", claims(iss=A))
    assert v.validate(token, now=NOW)["iss"] == A
    assert jwtguard.verify(token, [ka, kb], policy, now=NOW)["iss"] == A
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        v.validate(mint(keys.ec, "kb", claims(iss="https://provider-c.example/")), now=NOW)


# --- finding: the kid-miss fallback spans every source ----------------------------------------

INLINE_ISSUER = "https://issuer.example.com/"


def inline_and_openid_policy(key):
    return f"""<validate-jwt header-name="Authorization">
  <openid-config url="{INLINE_ISSUER}.well-known/openid-configuration" />
  <issuer-signing-keys><key id="inline-rsa" n="{key['n']}" e="{key['e']}" /></issuer-signing-keys>
  <audiences><audience>orders-api</audience></audiences>
  <issuers><issuer>{INLINE_ISSUER}</issuer></issuers>
</validate-jwt>"""


def test_apim_inline_keys_next_to_an_openid_config_verify_after_a_kid_miss(server, clock, keys):
    """An APIM policy with an <openid-config> and inline <issuer-signing-keys>: a token
    signed by the inline key whose kid names no key (or that has none) is tried against
    the inline key too, not only against the first source's keys."""
    url = server.openid("/apim", INLINE_ISSUER, jwks(public_jwk(keys.rsa_b, "provider")))
    apim = jwtguard.ApimPolicy.from_xml(inline_and_openid_policy(public_jwk(keys.rsa)))
    assert apim.policy.kid_miss_fallback
    v = jwtguard.Validator.from_apim_policy(apim, openid_config=url, clock=clock, **loopback())
    payload = {"aud": "orders-api", "iss": INLINE_ISSUER, "exp": LONG}
    for kid in ("another-kid", None, "inline-rsa"):
        assert v.validate(mint(keys.rsa, kid, payload))["aud"] == "orders-api", kid
        assert asyncio.run(v.validate_async(mint(keys.rsa, kid, payload)))["aud"] == "orders-api", kid
    for kid in ("provider", "another-kid", None):
        assert v.validate(mint(keys.rsa_b, kid, payload))["aud"] == "orders-api", kid
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for kid in ("another-kid", None):
        with pytest.raises(jwtguard.TokenSignatureInvalidError):
            v.validate(mint(other, kid, payload))


def test_the_fallback_tries_keys_of_every_source(server, clock, keys):
    """Static keys after a JWKS URL: a renamed key of the second source verifies."""
    server.set("/keys", jwks(public_jwk(keys.rsa_b, "remote")))
    local = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "local")))
    policy = jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER], kid_miss_fallback=True)
    v = jwtguard.Validator(jwks_uri=server.url("/keys"), keys=local, policy=policy, clock=clock, **loopback())
    detailed = v.validate_detailed(mint(keys.rsa, "renamed", claims(exp=LONG)))
    assert (detailed.key_kid, detailed.key_set_index) == ("local", 1)
    remote = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa_b, "remote")))
    assert jwtguard.verify_detailed(mint(keys.rsa, None, claims()), [remote, local], policy, now=NOW).key_kid == "local"


# --- finding: a token without kid is tried against a few keys at most ---------------------------


@pytest.fixture(scope="module")
def many():
    """32 RSA keys and 32 EC keys (the most a key set holds)."""
    return {
        "rsa": [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(32)],
        "ec": [ec.generate_private_key(ec.SECP256R1()) for _ in range(32)],
    }


POLICY = jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER])


def assert_asks_for_a_kid(call):
    """Refused after the first few keys, with a detail asking for a kid."""
    with pytest.raises(jwtguard.TokenSignatureInvalidError) as info:
        call()
    assert info.value.reason == "TokenSignatureInvalid"
    assert "give the token a kid" in info.value.detail, info.value.detail


@pytest.mark.parametrize("kind", ["rsa", "ec"])
def test_a_token_without_kid_is_not_tried_against_every_key(many, kind):
    privates = many[kind]
    key_set = jwtguard.KeySet.from_jwks(jwks(*(public_jwk(p, f"{kind}-{i}") for i, p in enumerate(privates))))
    assert len(key_set) == jwtguard.MAX_KEYS
    outsider = rsa.generate_private_key(public_exponent=65537, key_size=2048) if kind == "rsa" else (
        ec.generate_private_key(ec.SECP256R1())
    )
    # A forged token (no key of the set made it) and a genuine one signed by the fifth or
    # the last key: refused without a kid after four keys, with a detail asking for one.
    for private in (outsider, privates[4], privates[-1]):
        token = mint(private, None, claims())
        assert_asks_for_a_kid(lambda: jwtguard.verify(token, key_set, POLICY, now=NOW))
        assert_asks_for_a_kid(lambda: jwtguard.Validator(keys=key_set, policy=POLICY).validate(token, now=NOW))
        assert_asks_for_a_kid(lambda: jwtguard.verify_jws(token, key_set))
    # The first four keys are tried; with its kid any token verifies.
    assert jwtguard.verify(mint(privates[3], None, claims()), key_set, POLICY, now=NOW)["sub"] == "user-1"
    assert jwtguard.verify(mint(privates[-1], f"{kind}-31", claims()), key_set, POLICY, now=NOW)["sub"] == "user-1"


def test_the_limit_counts_keys_across_sources_and_the_kid_miss_fallback(many):
    privates = many["rsa"][:6]
    # Three keys in each of two sources: the sixth key is past the four tried.
    first = jwtguard.KeySet.from_jwks(jwks(*(public_jwk(p, f"a-{i}") for i, p in enumerate(privates[:3]))))
    second = jwtguard.KeySet.from_jwks(jwks(*(public_jwk(p, f"b-{i}") for i, p in enumerate(privates[3:]))))
    fallback = POLICY.replace(kid_miss_fallback=True)
    for token in (mint(privates[5], None, claims()), mint(privates[5], "unknown", claims())):
        assert_asks_for_a_kid(lambda: jwtguard.verify(token, [first, second], fallback, now=NOW))
        v = jwtguard.Validator(keys=[first, second], policy=fallback)
        assert_asks_for_a_kid(lambda: v.validate(token, now=NOW))


def test_keys_that_cannot_verify_the_algorithm_are_not_candidates(many, keys):
    """30 EC keys and 2 RSA keys: an RS256 token without kid has 2 candidates, so it is
    verified (the limit is on keys that could verify it)."""
    documents = [public_jwk(p, f"ec-{i}") for i, p in enumerate(many["ec"][:30])]
    documents += [public_jwk(keys.rsa, "rsa-1"), public_jwk(keys.rsa_b, "rsa-2")]
    key_set = jwtguard.KeySet.from_jwks(jwks(*documents))
    detailed = jwtguard.verify_detailed(mint(keys.rsa_b, None, claims()), key_set, POLICY, now=NOW)
    assert detailed.key_kid == "rsa-2"
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        jwtguard.verify(mint(many["rsa"][0], None, claims()), key_set, POLICY, now=NOW)
    assert_asks_for_a_kid(lambda: jwtguard.verify(mint(many["ec"][10], None, claims()), key_set, POLICY, now=NOW))


def test_a_few_keys_without_kid_still_verify(many):
    """Up to the limit every candidate is tried, in source order."""
    privates = many["ec"][:4]
    key_set = jwtguard.KeySet.from_jwks(jwks(*(public_jwk(p) for p in privates)))
    for i, private in enumerate(privates):
        assert jwtguard.verify(mint(private, None, claims(sub=f"u{i}")), key_set, POLICY, now=NOW)["sub"] == f"u{i}"


# --- the refresh schedule and the rules are the core's ----------------------------------------

CONFIG = "/t/.well-known/openid-configuration"


def test_failed_fetches_are_retried_on_the_core_schedule(server, clock, keys):
    """No keys yet and the provider down: retried after 10 s, then 20 s, then 40 s (the
    core's back-off), never on every request in between."""
    server.set(CONFIG, (503, b"unavailable"))
    v = jwtguard.Validator(server.url(CONFIG), policy=jwtguard.Policy(audiences=[AUDIENCE]), clock=clock, **loopback())
    token = mint(keys.rsa, "k1", claims(exp=LONG))
    expected_hits = 1
    for wait in (10, 20, 40):
        with pytest.raises(jwtguard.DiscoveryError):
            v.validate(token)
        assert server.hit(CONFIG) == expected_hits
        clock.advance(wait - 1)
        with pytest.raises(jwtguard.DiscoveryError):
            v.validate(token)
        assert server.hit(CONFIG) == expected_hits, f"fetched before {wait} s"
        clock.advance(1)
        expected_hits += 1
    server.openid("/t", ISSUER, jwks(public_jwk(keys.rsa, "k1")))
    assert v.validate(token)["sub"] == "user-1"
    assert server.hit(CONFIG) == expected_hits


def test_claim_values_are_returned_as_they_are(keys):
    """Python returns the claims' real values, control characters included; nothing is
    put in a header unless the application does it."""
    key_set = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "k1")))
    odd = {"name": "line\r\nSet-Cookie: x=1", "roles": ["a,b", "c\x00"], "tab": "\t"}
    token = mint(keys.rsa, "k1", claims(**odd))
    got = jwtguard.verify(token, key_set, POLICY, now=NOW)
    assert {k: got[k] for k in odd} == odd
    v = jwtguard.Validator(keys=key_set, policy=POLICY)
    assert {k: v.validate(token, now=NOW)[k] for k in odd} == odd
