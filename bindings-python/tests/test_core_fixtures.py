"""The core's committed fixtures (tokens minted by PyJWT/cryptography) through the
Python API: every case must get exactly the reason the core's own tests assert, which
shows Python users get the core's decisions."""

from __future__ import annotations

import json

import pytest

import jwtguard
from conftest import fixture_cases, policy_from_spec

# Every case, with the key options it names (`allow_symmetric` for the HMAC cases).
CASES = [
    (name, doc, case)
    for name in ("claims.json", "attacks.json", "algorithms.json")
    for doc, case in fixture_cases(name)
]


def outcome(doc, case) -> str:
    try:
        keys = jwtguard.KeySet.from_jwks(doc["key_sets"][case["key_set"]], **case.get("key_options", {}))
    except jwtguard.KeySetError as e:
        return f"key set: {e.reason}"
    try:
        jwtguard.verify(case["token"], keys, policy_from_spec(case["policy"]), now=case["now"])
        return "valid"
    except jwtguard.TokenError as e:
        return e.reason


@pytest.mark.parametrize("name,doc,case", CASES, ids=[f"{n}:{c['name']}" for n, _, c in CASES])
def test_fixture_case(name, doc, case):
    got = outcome(doc, case)
    if "expect_key_set" in case:
        assert got == f"key set: {case['expect_key_set']}", case["description"]
    else:
        assert got == case["expect"], case["description"]


def test_every_fixture_case_ran():
    assert len([c for n, _, c in CASES if n == "claims.json"]) == len(json.load(open(_path("claims.json")))["cases"])
    assert len([c for n, _, c in CASES if n == "algorithms.json"]) == 60
    assert len(CASES) > 250


def _path(name):
    from conftest import FIXTURES

    return FIXTURES / name


@pytest.mark.parametrize("name,doc,case", [c for c in CASES if c[2].get("expect") == "valid"][:20])
def test_valid_fixture_tokens_as_bytes_and_detailed(name, doc, case):
    keys = jwtguard.KeySet.from_jwks(json.dumps(doc["key_sets"][case["key_set"]]).encode())
    policy = policy_from_spec(case["policy"])
    claims = jwtguard.verify(case["token"].encode(), keys, policy, now=case["now"])
    detailed = jwtguard.verify_detailed(case["token"], keys, policy, now=case["now"])
    assert detailed.claims == claims
    assert detailed.payload == json.dumps(claims).encode() or json.loads(detailed.payload) == claims
    assert detailed.alg == detailed.header["alg"]
    assert detailed.key_kid in keys.kids
