"""Many threads verifying with shared KeySet and Policy objects get exactly the answers
one thread gets (the objects are immutable; verification releases the GIL)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import jwtguard
from conftest import fixture_cases, policy_from_spec


def _prepared():
    sets, policies, work = {}, {}, []
    for doc, case in fixture_cases("claims.json"):
        name = case["key_set"]
        if name not in sets:
            sets[name] = jwtguard.KeySet.from_jwks(doc["key_sets"][name])
        key = repr(sorted(case["policy"].items()))
        if key not in policies:
            policies[key] = policy_from_spec(case["policy"])
        work.append((case["token"], sets[name], policies[key], case["now"]))
    return work


def _answer(item):
    token, keys, policy, now = item
    try:
        return ("valid", jwtguard.verify(token, keys, policy, now=now))
    except jwtguard.TokenError as e:
        return (e.reason, str(e))


def test_threads_agree_with_one_thread():
    work = _prepared()
    single = [_answer(item) for item in work]
    assert {answer[0] for answer in single} >= {"valid", "TokenExpired", "TokenAudienceNotAllowed"}
    rounds = 8
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(_answer, work * rounds))
    assert results == single * rounds


def test_threads_share_one_policy_and_key_set_concurrently():
    """All threads start together (a barrier) on the same objects."""
    work = _prepared()[:40]
    expected = [_answer(item) for item in work]
    barrier = threading.Barrier(12)
    failures = []

    def run():
        barrier.wait()
        for _ in range(5):
            got = [_answer(item) for item in work]
            if got != expected:
                failures.append(got)

    threads = [threading.Thread(target=run) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
