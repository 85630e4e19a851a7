"""The verified-token cache when the clock steps back: nginx runs under libfaketime
(Debian's package, installed by run-tests.sh) whose offset a file sets, so the
workers' clock can be moved without touching the machine's. One worker, one
keep-alive connection: the same cache answers every request."""

import glob
import http.client
import os
import time

import pytest

from harness import Backend, Key, Nginx, free_port, jwks, stop_and_check, write_atomic
from test_nginx_module import AUD, ISS, claims

KEY = Key("clock-key")


def libfaketime():
    found = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1"))
    assert found, "libfaketime is not installed (apt-get install libfaketime)"
    return found[0]


@pytest.fixture
def clock_env():
    backend = Backend()
    port = free_port()
    ng = Nginx("", workers=1)
    offset = os.path.join(ng.dir, "faketime")
    with open(offset, "w") as f:
        f.write("+0\n")
    ng.env = {"LD_PRELOAD": libfaketime(), "FAKETIME_TIMESTAMP_FILE": offset,
              "FAKETIME_NO_CACHE": "1", "DONT_FAKE_MONOTONIC": "1"}
    keys = os.path.join(ng.dir, "keys.json")
    write_atomic(keys, jwks(KEY))
    ng.write_conf(f"""
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests 10000;
        jwtguard on;
        jwtguard_keys_file {keys};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        jwtguard_cache_ttl 1h;
        add_header X-Jwtguard-Error $jwtguard_error always;
        add_header X-Jwtguard-Cache $jwtguard_cache_status always;
        add_header X-Time $msec always;
        location / {{ proxy_pass http://127.0.0.1:{backend.port}; }}
    }}
""")
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        raise

    def set_offset(seconds):
        with open(offset, "w") as f:
            f.write(f"{seconds:+d}\n")

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def get(token):
        conn.request("GET", "/", headers={"Authorization": f"Bearer {token}"})
        r = conn.getresponse()
        r.read()
        return (r.status, r.getheader("X-Jwtguard-Error"), r.getheader("X-Jwtguard-Cache"),
                float(r.getheader("X-Time")))

    try:
        yield set_offset, get
    finally:
        conn.close()
        stop_and_check(ng, backend)


def test_clock_stepped_back_does_not_serve_a_not_yet_valid_token(clock_env):
    set_offset, get = clock_env
    now = int(time.time())
    token = KEY.sign(claims(nbf=now + 30, iat=now, exp=now + 600))
    assert get(token)[:3] == (401, "TokenNotYetValid", "MISS")      # the real time: too early
    set_offset(60)                                                   # nginx's clock a minute ahead
    time.sleep(1.1)                                                  # ngx_time() follows at the next second
    st = get(token)
    assert st[3] >= now + 55, st                                     # the clock did move
    assert st[:3] == (200, None, "MISS")
    assert get(token)[:3] == (200, None, "HIT")
    set_offset(0)                                                    # stepped back (NTP, a VM restored)
    time.sleep(1.1)
    st = get(token)
    assert st[3] < now + 30, st
    # the entry was stored at a later time than now: it is not served, the token is checked
    # again and is not valid yet
    assert st[:3] == (401, "TokenNotYetValid", "MISS")
    assert get(token)[:3] == (401, "TokenNotYetValid", "MISS")
