"""jwtguard_keys_zone: the workers share their fetched key sources through shared
memory, so one worker fetches for all. Two workers, providers on 127.0.0.1 (the
stand-ins of test_discovery.py), Debian's nginx. What is checked:

- a slow provider at cold start: 30 concurrent requests, spread over both workers, make
  exactly one configuration fetch and one key set fetch; the other worker takes the keys
  from the zone (logged at info);
- the hourly refresh (here every second) is one fetch per refresh, not one per worker;
- a rotation: the unknown kid makes one refetch for both workers;
- a reload keeps the zone: the new workers verify with the stored keys, no fetch;
- a fetched document larger than the zone's free room is not used (logged), and the
  keys stay as they were;
- `nginx -t` refuses a zone without a size, one too small, and a second zone.
"""

import concurrent.futures
import re
import shutil
import time

import pytest

from harness import Backend, Key, Nginx, free_port, stop_and_check
from providers import AUD, StandIn, at_once, get, protected_location, provider_locations

KEY_S, KEY_R, KEY_R2, KEY_F, KEY_B, KEY_B2 = (Key(k) for k in ("zs1", "zr1", "zr2", "zf1", "zb1", "zb2"))


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    s = StandIn("https://s.example/", KEY_S, delay=1.0)
    r = StandIn("https://r.example/", KEY_R)
    f = StandIn("https://f.example/", KEY_F)
    big = StandIn("https://big.example/", KEY_B)
    port = free_port()
    locations = "".join(provider_locations(n, p) for n, p in zip("srfz", (s, r, f, big)))
    ng = Nginx(f"""
    jwtguard_keys_zone jwtguard_keys:64k;
    server {{
        listen 127.0.0.1:{port};
        jwtguard_audience {AUD};
        add_header X-Jwtguard-Error $jwtguard_error always;
        {locations.replace("subrequest_output_buffer_size 64k", "subrequest_output_buffer_size 256k")}
        {protected_location("/slow/", "s", backend.port)}
        {protected_location("/rotating/", "r", backend.port)}
        {protected_location("/frequent/", "f", backend.port, "jwtguard_keys_cache 1s;")}
        {protected_location("/big/", "z", backend.port)}
    }}
    """, workers=2)
    ng.start(port)
    yield {"port": port, "ng": ng, "s": s, "r": r, "f": f, "big": big}
    stop_and_check(ng, backend, s, r, f, big)


def test_a_cold_start_is_one_fetch_for_both_workers(env):
    s = env["s"]
    token = s.token(KEY_S)
    assert at_once(env, "/slow/x", token) == [(200, "")] * 30
    # Both workers answered, yet the provider saw one configuration and one key set fetch.
    assert s.hits == {"config": 1, "keys": 1}, s.hits
    for _ in range(10):
        assert get(env, "/slow/x", token) == (200, "")
    assert s.hits == {"config": 1, "keys": 1}, s.hits
    log = env["ng"].log()
    fetched = set(re.findall(r"\] (\d+)#\d+: .*keys request \"/_jwks_s\": 1 keys", log))
    adopted = set(re.findall(r"\[info\] (\d+)#\d+: .*keys for \"/_jwks_s\" taken from the keys zone", log))
    assert len(fetched) == 1 and adopted and not adopted & fetched, log


def test_each_refresh_is_one_fetch_for_both_workers(env):
    f = env["f"]
    token = f.token(KEY_F)
    assert get(env, "/frequent/x", token) == (200, "")
    start, hits = time.time(), dict(f.hits)
    # Requests to both workers for 4 s: the keys are due every second.
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        while time.time() - start < 4.0:
            assert list(pool.map(lambda _: get(env, "/frequent/x", token), range(8))) == [(200, "")] * 8
    elapsed = time.time() - start
    refreshes = f.hits["config"] - hits["config"]
    # One configuration (and one key set) per second at most: per worker, it would be two.
    assert 2 <= refreshes <= elapsed + 1, (refreshes, elapsed)
    assert f.hits["keys"] - hits["keys"] == refreshes


def test_a_rotation_is_one_refetch_for_both_workers(env):
    r = env["r"]
    assert get(env, "/rotating/x", r.token(KEY_R)) == (200, "")
    for _ in range(6):
        assert get(env, "/rotating/x", r.token(KEY_R)) == (200, "")
    hits = dict(r.hits)
    r.keys, r.version = [KEY_R, KEY_R2], 2
    for _ in range(8):  # both workers meet the unknown kid
        assert get(env, "/rotating/x", r.token(KEY_R2)) == (200, "")
    assert (r.hits["config"] - hits["config"], r.hits["keys"] - hits["keys"]) == (1, 1), r.hits


def test_a_document_the_zone_cannot_hold_is_not_used(env):
    big = env["big"]
    token = big.token(KEY_B)
    assert get(env, "/big/x", token) == (200, "")
    # A key set of about 100 KB (padding members), larger than the 64 KB zone.
    big.padding = "x" * 100_000
    big.version = 2
    hits = dict(big.hits)
    assert get(env, "/big/x", big.token(KEY_B2)) == (401, "TokenSignatureKeyNotFound")
    assert big.hits["keys"] == hits["keys"] + 1
    log = env["ng"].log()
    assert re.search(r"\[error\].*the keys zone is full: a fetched document of \d+ bytes is not used", log), log
    assert re.search(r'keys request "/_jwks_z" failed \(status 200: the keys zone has no room for it\)', log), log
    # The keys stay as they were, in both workers.
    for _ in range(4):
        assert get(env, "/big/x", token) == (200, "")
    big.padding = ""


def test_a_reload_keeps_the_stored_keys(env):
    r, ng = env["r"], env["ng"]
    assert get(env, "/rotating/x", r.token(KEY_R2)) == (200, "")
    hits, old = dict(r.hits), ng.worker_pids()
    ng.reload()
    deadline = time.time() + 10
    while time.time() < deadline and set(ng.worker_pids()) & set(old):
        time.sleep(0.1)
    assert not set(ng.worker_pids()) & set(old), "the old workers did not exit"
    for _ in range(6):
        assert get(env, "/rotating/x", r.token(KEY_R2)) == (200, "")
    assert r.hits == hits, "the new workers took the keys from the zone"


@pytest.mark.parametrize("zone, message", [
    ("keys", r"invalid keys zone \"keys\" \(<name>:<size>\)"),
    ("keys:lots", r"invalid keys zone size"),
    ("keys:4k", r"keys zone \"keys:4k\" is too small"),
    ("keys:1m; jwtguard_keys_zone other:1m", r"\"jwtguard_keys_zone\" directive is duplicate"),
])
def test_bad_zones_are_refused(zone, message):
    ng = Nginx(f"jwtguard_keys_zone {zone};", workers=1)
    try:
        rc, out = ng.test_conf()
        assert rc != 0 and re.search(message, out), out
    finally:
        shutil.rmtree(ng.dir, ignore_errors=True)
