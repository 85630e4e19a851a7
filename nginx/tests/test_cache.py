"""The verified-token cache (jwtguard_cache_size, jwtguard_cache_ttl,
$jwtguard_cache_status). The cache is per worker: each test talks over one keep-alive
connection, which one worker serves, so HIT and MISS are deterministic with two
workers."""

import collections
import http.client
import itertools
import os
import time

import pytest

from harness import Backend, Key, Nginx, free_port, jwks, stop_and_check, write_atomic
from test_nginx_module import AUD, ISS, STRANGER, claims, _conf_error

KEY_A = Key("cache-a")
KEY_B = Key("cache-b")
KEY_EC = Key("cache-ec", kind="EC")


def http_conf(backend_port, port, keys, rotating):
    return f"""
    upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests 10000;
        jwtguard on;
        jwtguard_keys_file {keys};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        add_header X-Jwtguard-Error $jwtguard_error always;
        add_header X-Jwtguard-Cache $jwtguard_cache_status always;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-User $jwtguard_claim_oid;

        location / {{ proxy_pass http://backend; }}
        location /same/ {{ proxy_pass http://backend; }}
        location /scope/ {{
            jwtguard_require_claim scp Files.Read "separator= ";
            proxy_pass http://backend;
        }}
        location /off/ {{ jwtguard_cache_size off; proxy_pass http://backend; }}
        location /ttl/ {{ jwtguard_cache_ttl 1s; proxy_pass http://backend; }}
        location /tiny/ {{ jwtguard_cache_size 1; proxy_pass http://backend; }}
        location /rotating/ {{
            jwtguard_keys_file {rotating} check=1s;
            proxy_pass http://backend;
        }}
    }}
"""


@pytest.fixture(scope="module")
def cache_env():
    backend = Backend()
    port = free_port()
    ng = Nginx("")
    keys = os.path.join(ng.dir, "keys.json")
    rotating = os.path.join(ng.dir, "rotating.json")
    write_atomic(keys, jwks(KEY_A, KEY_EC))
    write_atomic(rotating, jwks(KEY_A))
    ng.write_conf(http_conf(backend.port, port, keys, rotating))
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        raise
    e = collections.namedtuple("CacheEnv", "port nginx rotating")(port, ng, rotating)
    try:
        yield e
    finally:
        stop_and_check(ng, backend)


class Client:
    """One keep-alive connection: every request is served by the same worker."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def get(self, path, token=None):
        """(status, $jwtguard_cache_status, $jwtguard_error)"""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.conn.request("GET", path, headers=headers)
        r = self.conn.getresponse()
        r.read()
        assert r.getheader("Connection", "").lower() != "close"
        return r.status, r.getheader("X-Jwtguard-Cache"), r.getheader("X-Jwtguard-Error")

    def close(self):
        self.conn.close()


@pytest.fixture
def client(cache_env):
    c = Client(cache_env.port)
    yield c
    c.close()


_serial = itertools.count()


def sign(key=KEY_A, **over):
    """A token no other test uses (RS256 signatures are deterministic: equal claims
    in the same second would give the same token)."""
    over.setdefault("jti", f"cache-test-{next(_serial)}")
    return key.sign(claims(**over))


def flip_signature_byte(token):
    """The token with one character in the middle of its signature changed."""
    h, p, s = token.split(".")
    i = len(s) // 2
    return f"{h}.{p}.{s[:i]}{'A' if s[i] != 'A' else 'B'}{s[i + 1:]}"


def test_repeated_token_hits(client):
    for key in (KEY_A, KEY_EC):
        t = sign(key)
        assert client.get("/", t) == (200, "MISS", None)
        assert client.get("/", t) == (200, "HIT", None)
        assert client.get("/", t) == (200, "HIT", None)


def test_status_empty_without_token_or_cache(client):
    assert client.get("/") == (401, None, "TokenNotPresent")
    t = sign()
    assert client.get("/off/", t) == (200, None, None)
    assert client.get("/off/", t) == (200, None, None)


def test_cache_shared_only_by_identical_verification(client):
    t = sign()
    assert client.get("/", t)[:2] == (200, "MISS")
    # inherits key files, policy and cache settings from the server: the same cache
    assert client.get("/same/", t)[:2] == (200, "HIT")
    # another policy: its own cache
    assert client.get("/scope/", t)[:2] == (200, "MISS")
    assert client.get("/scope/", t)[:2] == (200, "HIT")


def test_one_changed_signature_byte_is_rejected_after_caching(client):
    t = sign()
    assert client.get("/", t)[:2] == (200, "MISS")
    assert client.get("/", t)[:2] == (200, "HIT")
    forged = flip_signature_byte(t)
    assert client.get("/", forged) == (401, "MISS", "TokenSignatureInvalid")
    assert client.get("/", forged) == (401, "MISS", "TokenSignatureInvalid")
    assert client.get("/", t)[:2] == (200, "HIT")


def test_failures_are_never_cached(client):
    for bad, reason in ((sign(exp=int(time.time()) - 30), "TokenExpired"),
                        (sign(STRANGER), "TokenSignatureKeyNotFound"),
                        (sign(aud="api://someone-else"), "TokenAudienceNotAllowed"),
                        ("abc.def", "TokenMalformed")):
        for _ in range(3):
            assert client.get("/", bad) == (401, "MISS", reason)
    # a policy failure in one location, while the same token is cached in another
    t = sign(scp="User.Read")
    assert client.get("/", t)[:2] == (200, "MISS")
    assert client.get("/", t)[:2] == (200, "HIT")
    for _ in range(2):
        assert client.get("/scope/", t) == (401, "MISS", "TokenClaimValueNotAllowed")


def test_lru_bound(client):
    t1, t2 = sign(), sign(KEY_EC)
    assert client.get("/tiny/", t1)[:2] == (200, "MISS")
    assert client.get("/tiny/", t1)[:2] == (200, "HIT")
    assert client.get("/tiny/", t2)[:2] == (200, "MISS")   # evicts t1 (one entry)
    assert client.get("/tiny/", t1)[:2] == (200, "MISS")


def test_exp_and_ttl_end_entries(client):
    # one sleep for both: a token that expires in 2 s, and a 1 s cache TTL; start just
    # after a second boundary so the HITs below are not already past the TTL
    time.sleep(1.02 - time.time() % 1)
    exp = int(time.time()) + 2
    short = sign(exp=exp)
    long = sign()
    assert client.get("/", short)[:2] == (200, "MISS")
    assert client.get("/", short)[:2] == (200, "HIT")
    assert client.get("/ttl/", long)[:2] == (200, "MISS")
    assert client.get("/ttl/", long)[:2] == (200, "HIT")
    time.sleep(max(0.0, exp + 0.3 - time.time()))
    assert time.time() >= exp + 0.3
    # cached, but past its exp: verified again, and rejected
    assert client.get("/", short) == (401, "MISS", "TokenExpired")
    # past the TTL: verified again (and stored again)
    assert client.get("/ttl/", long)[:2] == (200, "MISS")
    assert client.get("/ttl/", long)[:2] == (200, "HIT")


def test_zz_key_rotation_flushes(cache_env, client):
    old = sign(KEY_A)
    new = sign(KEY_B)
    assert client.get("/rotating/", old)[:2] == (200, "MISS")
    assert client.get("/rotating/", old)[:2] == (200, "HIT")
    write_atomic(cache_env.rotating, jwks(KEY_B))      # KEY_A removed
    deadline = time.time() + 6
    while time.time() < deadline:
        st = client.get("/rotating/", old)
        if st[0] != 200:
            break
        assert st[1] == "HIT"
        time.sleep(0.1)
    # the reloaded key set flushed the cache: the old token is checked again and
    # rejected although it was cached and has not expired
    assert st == (401, "MISS", "TokenSignatureKeyNotFound")
    assert client.get("/rotating/", new)[:2] == (200, "MISS")
    assert client.get("/rotating/", new)[:2] == (200, "HIT")
    assert client.get("/rotating/", old) == (401, "MISS", "TokenSignatureKeyNotFound")


def test_configuration(cache_env):
    base = "server {{ listen 127.0.0.1:{p}; location / {{ {d} return 204; }} }}"
    p = free_port()
    keys = cache_env.rotating
    on = f"jwtguard on; jwtguard_keys_file {keys}; jwtguard_audience a; jwtguard_issuer i;"

    def conf(directives):
        return _conf_error(base.format(p=p, d=directives))

    for bad, expect in (("jwtguard_cache_size many;", "invalid cache size"),
                        ("jwtguard_cache_size -1;", "invalid cache size"),
                        ("jwtguard_cache_size 10; jwtguard_cache_size 20;", "is duplicate"),
                        ("jwtguard_cache_ttl 0;", "time to live of at least 1 second (a capacity of 0"),
                        ("jwtguard_cache_ttl soon;", "invalid value")):
        rc, out = conf(on + bad)
        assert rc != 0 and expect in out, out
    for good in ("jwtguard_cache_size off;", "jwtguard_cache_size 0;", "jwtguard_cache_size off; jwtguard_cache_ttl 0;",
                 "jwtguard_cache_size 100000; jwtguard_cache_ttl 10m;"):
        rc, out = conf(on + good)
        assert rc == 0, out
