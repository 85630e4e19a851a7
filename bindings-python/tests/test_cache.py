"""The verified-token cache (`Validator(cache_size=..., cache_ttl=...)`, also with static
key sets: `Validator(keys=..., policy=...)`), with real tokens minted by PyJWT and an injected clock: hits, exact-bytes keys, the
`exp` and TTL deadlines, the LRU bound, failures never cached, flushes on new keys or a
new policy, copies that callers may mutate, threads. Re-verification is proven with the
`cache_info()` counters and, where it changes the answer, by keys or a clock that make
the token fail now."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import jwtguard
from conftest import AUDIENCE, ISSUER, NOW, FakeClock, claims, jwks, mint, public_jwk

POLICY = jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER])


def static_validator(keys, clock, **options):
    key_set = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "k1"), public_jwk(keys.ec, "e1")))
    return jwtguard.Validator(keys=key_set, policy=options.pop("policy", POLICY), clock=clock, **options)


def info(v):
    i = v.cache_info()
    return (i.hits, i.misses, i.currsize)


def one_byte_changed(token: str, index: int) -> str:
    c = token[index]
    return token[:index] + ("A" if c != "A" else "B") + token[index + 1 :]


# --- configuration ------------------------------------------------------------------------


def test_defaults_and_backend(keys, clock):
    assert jwtguard.DEFAULT_CACHE_SIZE == 1024 and jwtguard.DEFAULT_CACHE_TTL == 300
    v = static_validator(keys, clock)
    assert v.cache_info() == jwtguard.CacheInfo(hits=0, misses=0, maxsize=1024, currsize=0, ttl=300)
    assert jwtguard.BACKEND == "aws-lc"  # the Python build enables the core's aws-lc feature
    stub = (Path(jwtguard.__file__).parent / "_jwtguard.pyi").read_text()
    assert "BACKEND" in stub and "class TokenCache" not in stub and not hasattr(jwtguard, "TokenCache")


def test_configuration_is_checked(keys, clock):
    for bad in (-1, 1.5, "10", True):
        with pytest.raises(ValueError):
            static_validator(keys, clock, cache_size=bad)
    with pytest.raises(ValueError):
        static_validator(keys, clock, cache_ttl=-1)
    with pytest.raises(ValueError):
        static_validator(keys, clock, cache_ttl=float("nan"))
    assert static_validator(keys, clock, cache_ttl=2.9).cache_info().ttl == 2  # whole seconds


def test_disabled_cache_verifies_every_time(keys, clock):
    t = mint(keys.rsa, "k1", claims())
    # a time to live of 0 with room in the cache is refused (test_discovery.py); with no
    # room, any time to live is no cache
    for options in ({"cache_size": 0}, {"cache_size": 0, "cache_ttl": 0}):
        v = static_validator(keys, clock, **options)
        for _ in range(3):
            assert v.validate(t)["sub"] == "user-1"
        assert info(v) == (0, 0, 0)
    assert static_validator(keys, clock, cache_size=0).cache_info().maxsize == 0


# --- hits and copies ------------------------------------------------------------------------


def test_a_hit_returns_equal_claims(keys, clock):
    v = static_validator(keys, clock)
    for private, kid in ((keys.rsa, "k1"), (keys.ec, "e1")):
        t = mint(private, kid, claims(scp="Files.Read", roles=["Admin", "Reader"], extra={"a": [1, {"b": 2}]}))
        first = v.validate(t)
        second = v.validate(t)
        assert second == first == jwtguard.verify(t, v.key_sets, POLICY, now=NOW)
    assert info(v) == (2, 2, 2)


def test_a_hit_is_a_fresh_copy_callers_may_mutate(keys, clock):
    v = static_validator(keys, clock)
    t = mint(keys.rsa, "k1", claims(roles=["Admin"], extra={"a": [1, {"b": 2}]}))
    expected = v.validate(t)
    first = v.validate(t)
    assert first == expected and first is not expected
    first["sub"] = "mallory"
    first["roles"].append("Owner")
    first["extra"]["a"][1]["b"] = 3
    del first["aud"]
    second = v.validate(t)
    assert second == expected
    assert second["roles"] is not first["roles"] and second["extra"]["a"][1] is not first["extra"]["a"][1]
    assert info(v) == (2, 1, 1)


def test_hits_answer_each_token_with_its_own_claims_across_evictions(keys, clock):
    """A cache of two: forty tokens, each answered twice (a hit) and again after the
    others evicted it; every answer is that token's own claims, never another's."""
    v = static_validator(keys, clock, cache_size=2)
    tokens = [mint(keys.ec, "e1", claims(sub=f"user-{i}", roles=[str(i)])) for i in range(40)]
    for _ in range(2):
        for i, t in enumerate(tokens):
            for _ in range(2):
                answer = v.validate(t)
                assert (answer["sub"], answer["roles"]) == (f"user-{i}", [str(i)])
    hits, misses, size = info(v)
    assert (hits, misses, size) == (80, 80, 2)


def test_detailed_hits(keys, clock):
    v = static_validator(keys, clock)
    t = mint(keys.ec, "e1", claims(roles=["Admin"]))
    miss = v.validate_detailed(t)
    hit = v.validate_detailed(t)
    assert info(v) == (1, 1, 1)
    assert (hit.alg, hit.kid, hit.key_kid, hit.key_set_index, hit.payload) == (
        "ES256",
        "e1",
        "e1",
        0,
        miss.payload,
    )
    assert hit.claims == miss.claims and hit.claims is not miss.claims
    assert hit.header == miss.header == {"alg": "ES256", "typ": "JWT", "kid": "e1"}
    hit.claims["roles"].append("Owner")
    assert v.validate(t)["roles"] == ["Admin"]  # verify and verify_detailed share entries
    assert info(v) == (2, 1, 1)


def test_str_and_bytes_tokens_share_an_entry(keys, clock):
    v = static_validator(keys, clock)
    t = mint(keys.rsa, "k1", claims())
    v.validate(t)
    assert v.validate(t.encode())["sub"] == "user-1"
    assert v.validate(bytearray(t.encode()))["sub"] == "user-1"
    assert info(v) == (2, 1, 1)


# --- the key is the whole token ---------------------------------------------------------------


def test_a_token_differing_in_one_byte_is_not_served(keys, clock):
    v = static_validator(keys, clock)
    t = mint(keys.rsa, "k1", claims())
    v.validate(t)
    header_end, payload_end = t.index("."), t.rindex(".")
    for index in (header_end - 3, header_end + 5, payload_end - 3, len(t) - 20):
        forged = one_byte_changed(t, index)
        assert forged != t and len(forged) == len(t)
        with pytest.raises(jwtguard.TokenError):
            v.validate(forged)
    with pytest.raises(jwtguard.TokenError):
        v.validate(t + "A")
    with pytest.raises(jwtguard.TokenError):
        v.validate(t[:-1])
    assert info(v) == (0, 7, 1)
    assert v.validate(t)["sub"] == "user-1"
    assert info(v) == (1, 7, 1)


# --- deadlines ------------------------------------------------------------------------------


def test_never_served_at_or_after_exp(keys):
    clock = FakeClock()
    v = static_validator(keys, clock)
    t = mint(keys.rsa, "k1", claims(exp=NOW + 100))
    v.validate(t)
    clock.advance(99)
    assert v.validate(t)["sub"] == "user-1"
    assert info(v) == (1, 1, 1)
    clock.advance(1)  # now == exp
    with pytest.raises(jwtguard.TokenExpiredError):
        v.validate(t)
    assert info(v) == (1, 2, 0)


def test_exp_deadline_ignores_clock_skew(keys):
    """With a clock skew the token is still valid after exp: verified again, not served."""
    clock = FakeClock()
    v = static_validator(keys, clock, policy=POLICY.replace(clock_skew=60))
    t = mint(keys.rsa, "k1", claims(exp=NOW + 100))
    v.validate(t)
    clock.advance(100)
    assert v.validate(t)["sub"] == "user-1"
    assert info(v) == (0, 2, 0)  # stored at exp: its deadline had passed already
    clock.advance(60)
    with pytest.raises(jwtguard.TokenExpiredError):
        v.validate(t)


def test_explicit_now_is_the_cache_clock(keys, clock):
    v = static_validator(keys, clock)
    t = mint(keys.rsa, "k1", claims(exp=NOW + 100))
    v.validate(t, now=NOW)
    assert v.validate(t, now=NOW + 99.9)["sub"] == "user-1"  # floored, as verify does
    with pytest.raises(jwtguard.TokenExpiredError):
        v.validate(t, now=NOW + 100)
    assert info(v) == (1, 2, 0)


def test_ttl(keys):
    clock = FakeClock()
    v = static_validator(keys, clock, cache_ttl=10)
    t = mint(keys.rsa, "k1", claims())
    v.validate(t)
    clock.advance(9)
    v.validate(t)
    assert info(v) == (1, 1, 1)
    clock.advance(1)  # stored at NOW, ttl 10: verified again at NOW + 10
    v.validate(t)
    assert info(v) == (1, 2, 1)
    clock.advance(9)
    v.validate(t)
    assert info(v) == (2, 2, 1)


def test_a_clock_moved_back_verifies_again(keys, clock):
    """An entry is not used for a `now` before the one it verified at (nbf holds)."""
    v = static_validator(keys, clock)
    t = mint(keys.rsa, "k1", claims(nbf=NOW))
    v.validate(t, now=NOW + 10)
    with pytest.raises(jwtguard.TokenNotYetValidError):
        v.validate(t, now=NOW - 10)
    assert info(v) == (0, 2, 0)  # the core drops an entry looked up before its time
    assert v.validate(t, now=NOW + 11)
    assert v.validate(t, now=NOW + 12)
    assert info(v) == (1, 3, 1)


# --- the bound ----------------------------------------------------------------------------------


def test_lru_bound(keys, clock):
    v = static_validator(keys, clock, cache_size=3)
    tokens = [mint(keys.ec, "e1", claims(sub=f"user-{i}")) for i in range(5)]
    for t in tokens[:3]:
        v.validate(t)
    assert info(v) == (0, 3, 3)
    v.validate(tokens[0])  # hit: tokens[0] becomes the most recently used
    v.validate(tokens[3])  # full: evicts tokens[1], the least recently used
    assert info(v) == (1, 4, 3)
    assert v.validate(tokens[1])["sub"] == "user-1"  # verified again (a miss) ...
    assert info(v) == (1, 5, 3)  # ... and evicted tokens[2]
    for t in (tokens[0], tokens[3], tokens[1]):
        v.validate(t)
    assert info(v) == (4, 5, 3)
    v.validate(tokens[2])
    assert info(v) == (4, 6, 3)


def test_static_keys_with_now_given(keys):
    """What `TokenCache` offered: static key sets, a policy, and `now` per call."""
    key_set = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "k1")))
    v = jwtguard.Validator(keys=[key_set], policy=POLICY, cache_size=1)
    t1, t2 = (mint(keys.rsa, "k1", claims(sub=sub)) for sub in "ab")
    assert v.validate(t1, now=NOW)["sub"] == "a"
    assert v.validate(t1, now=NOW + 10)["sub"] == "a"
    assert v.validate(t2, now=NOW + 10)["sub"] == "b"  # evicts t1
    assert v.validate(t1, now=NOW + 10)["sub"] == "a"  # verified again
    assert v.validate_detailed(t1, now=NOW + 10).claims["sub"] == "a"  # a hit
    assert v.cache_info() == jwtguard.CacheInfo(hits=2, misses=3, maxsize=1, currsize=1, ttl=300)
    with pytest.raises(jwtguard.TokenExpiredError):
        v.validate(t1, now=NOW + 86400)


# --- failures -------------------------------------------------------------------------------


def test_failures_are_not_cached(keys, clock):
    v = static_validator(keys, clock)
    expired = mint(keys.rsa, "k1", claims(exp=NOW - 1))
    forged = mint(keys.rsa_b, "k1", claims())
    wrong_audience = mint(keys.ec, "e1", claims(aud="api://other"))
    for _ in range(3):
        with pytest.raises(jwtguard.TokenExpiredError):
            v.validate(expired)
        with pytest.raises(jwtguard.TokenSignatureInvalidError):
            v.validate(forged)
        with pytest.raises(jwtguard.TokenAudienceNotAllowedError):
            v.validate(wrong_audience)
    assert info(v) == (0, 9, 0)


# --- flushes ---------------------------------------------------------------------------------

OPENID = "/t/v2.0/.well-known/openid-configuration"
KEYS = "/t/keys"


def discovery_validator(server, clock, document, issuer=ISSUER, **options):
    server.set(OPENID, {"issuer": issuer, "jwks_uri": server.url(KEYS)})
    server.set(KEYS, document)
    return jwtguard.Validator(
        server.url(OPENID),
        policy=jwtguard.Policy(audiences=[AUDIENCE]),
        clock=clock,
        allow_http_loopback=True,
        timeout=2.0,
        **options,
    )


def test_refresh_with_new_keys_flushes(server, clock, keys):
    v = discovery_validator(server, clock, jwks(public_jwk(keys.rsa, "k1")))
    t = mint(keys.rsa, "k1", claims())
    v.validate(t)
    v.validate(t)
    assert info(v) == (1, 1, 1)
    server.set(KEYS, jwks(public_jwk(keys.rsa_b, "k1")))  # same kid, another key
    assert v.refresh()
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        v.validate(t)  # verified again, with the new keys
    assert info(v) == (1, 2, 0)


def test_scheduled_refresh_flushes(server, clock, keys):
    v = discovery_validator(server, clock, jwks(public_jwk(keys.rsa, "k1")))
    t = mint(keys.rsa, "k1", claims(exp=NOW + 86400))
    v.validate(t)
    server.set(KEYS, jwks(public_jwk(keys.rsa, "k2")))  # the key is withdrawn
    clock.advance(3600)
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        v.validate(t)


def test_unknown_kid_refetch_flushes(server, clock, keys):
    v = discovery_validator(server, clock, jwks(public_jwk(keys.rsa, "k1")))
    t1 = mint(keys.rsa, "k1", claims())
    v.validate(t1)
    assert info(v) == (0, 1, 1)
    server.set(KEYS, jwks(public_jwk(keys.rsa_b, "k2")))  # rotated: k1 withdrawn
    t2 = mint(keys.rsa_b, "k2", claims())
    assert v.validate(t2)["sub"] == "user-1"  # unknown kid: refetch, then verified
    assert v.cache_info().currsize == 1
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        v.validate(t1)


def test_a_failed_refresh_keeps_the_keys_and_the_entries(server, clock, keys):
    v = discovery_validator(server, clock, jwks(public_jwk(keys.rsa, "k1")))
    t = mint(keys.rsa, "k1", claims())
    v.validate(t)
    server.set(KEYS, (500, b"{}"))
    assert not v.refresh()
    assert info(v) == (0, 1, 1)
    v.validate(t)
    assert info(v) == (1, 1, 1)


def test_a_new_discovered_issuer_flushes(server, clock, keys):
    """The effective policy changes when the configuration names another issuer."""
    v = discovery_validator(server, clock, jwks(public_jwk(keys.rsa, "k1")))
    t = mint(keys.rsa, "k1", claims())
    v.validate(t)
    v.validate(t)
    server.set(OPENID, {"issuer": "https://issuer.example/other/v2.0", "jwks_uri": server.url(KEYS)})
    assert v.refresh()
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        v.validate(t)


def test_cache_clear(keys, clock):
    v = static_validator(keys, clock)
    t = mint(keys.rsa, "k1", claims())
    v.validate(t)
    v.validate(t)
    v.cache_clear()
    assert info(v) == (1, 1, 0)
    v.validate(t)
    assert info(v) == (1, 2, 1)


def test_each_validator_has_its_own_cache_for_its_keys_and_policy(keys):
    """Key sets and policy are bound when the validator is made: other ones mean another
    validator, whose cache starts empty; an incomplete policy with static keys is refused."""
    document = jwks(public_jwk(keys.rsa, "k1"))
    t = mint(keys.rsa, "k1", claims())
    a = jwtguard.Validator(keys=jwtguard.KeySet.from_jwks(document), policy=POLICY)
    a.validate(t, now=NOW)
    a.validate(t, now=NOW)
    assert a.cache_info()[:4] == (1, 1, 1024, 1)
    other = jwtguard.Validator(keys=jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa_b, "k1"))), policy=POLICY)
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        other.validate(t, now=NOW)
    strict = jwtguard.Validator(keys=a.key_sets, policy=POLICY.replace(audiences=["api://someone-else"]))
    with pytest.raises(jwtguard.TokenAudienceNotAllowedError):
        strict.validate(t, now=NOW)
    assert (other.cache_info()[:2], strict.cache_info()[:2], a.cache_info()[:2]) == ((0, 1), (0, 1), (1, 1))
    with pytest.raises(jwtguard.PolicyError):
        jwtguard.Validator(keys=a.key_sets, policy=jwtguard.Policy(audiences=[AUDIENCE]))  # incomplete


# --- threads ---------------------------------------------------------------------------------


def test_threads_get_the_answers_one_thread_gets(keys):
    clock = FakeClock()
    v = static_validator(keys, clock, cache_size=4)
    valid = [mint(keys.rsa if i % 2 else keys.ec, "k1" if i % 2 else "e1", claims(sub=f"u{i}")) for i in range(8)]
    invalid = [mint(keys.rsa, "k1", claims(exp=NOW - 1)), mint(keys.rsa_b, "k1", claims())]
    work = (valid + invalid) * 25

    def answer(t):
        try:
            return v.validate(t)["sub"]
        except jwtguard.TokenError as e:
            return e.reason

    expected = [answer(t) for t in work]
    assert expected[:10] == [f"u{i}" for i in range(8)] + ["TokenExpired", "TokenSignatureInvalid"]
    before = v.cache_info()
    barrier = threading.Barrier(4)
    stop = threading.Event()

    def run(_):
        barrier.wait()
        return [answer(t) for t in work]

    def clear_now_and_then():
        while not stop.is_set():
            v.cache_clear()
            stop.wait(0.001)

    clearer = threading.Thread(target=clear_now_and_then)
    clearer.start()
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(run, range(4)))
    finally:
        stop.set()
        clearer.join()
    assert results == [expected] * 4
    after = v.cache_info()
    assert (after.hits + after.misses) - (before.hits + before.misses) == 4 * len(work)
    assert after.currsize <= 4


def test_threads_share_hits(keys):
    v = static_validator(keys, FakeClock())
    t = mint(keys.ec, "e1", claims(roles=["Admin"]))
    v.validate(t)
    barrier = threading.Barrier(3)

    def run(_):
        barrier.wait()
        out = []
        for _ in range(300):
            c = v.validate(t)
            c["roles"].append("x")  # each caller owns its copy
            out.append(c["roles"])
        return out

    with ThreadPoolExecutor(max_workers=3) as pool:
        results = [r for rs in pool.map(run, range(3)) for r in rs]
    assert results == [["Admin", "x"]] * 900
    assert info(v) == (900, 1, 1)
