"""Claim and kid text leaving nginx: $jwtguard_claim_<name> and $jwtguard_kid in
proxy_set_header and add_header. A token legitimately signed by the trusted provider
may carry any text in its claims (a user's display name); the upstream here is a raw
HTTP server that keeps the exact bytes nginx sends it, and responses are read as raw
bytes, so an injected header, a second (smuggled) request or a NUL byte would show.

A value holding a byte below 0x20 or 0x7f, or an array element holding the separator
",", is not exported: the variable is not found (proxy_set_header and add_header then
send no header), the reason is logged at info, and the request is still served."""

import collections
import json
import os
import re
import time

import pytest

from harness import Key, Nginx, RawBackend, free_port, jwks, raw_request, request, stop_and_check, write_atomic
from test_nginx_module import AUD, ISS, bearer, claims

KEY = Key("export-key")
EVIL_KID = "k\r\nX-Admin: true"
KEY_EVIL_KID = Key(EVIL_KID)


@pytest.fixture(scope="module")
def env():
    upstream = RawBackend()
    port = free_port()
    ng = Nginx("")
    keys = os.path.join(ng.dir, "keys.json")
    write_atomic(keys, jwks(KEY, KEY_EVIL_KID))
    ng.write_conf(f"""
    upstream raw {{ server 127.0.0.1:{upstream.port}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{port};
        jwtguard on;
        jwtguard_keys_file {keys};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        jwtguard_cache_size off;
        add_header X-Jwtguard-Error $jwtguard_error always;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-User $jwtguard_claim_name;
        proxy_set_header X-Roles $jwtguard_claim_roles;
        proxy_set_header X-Kid $jwtguard_kid;

        location / {{ proxy_pass http://raw; }}
        location /reflect/ {{
            add_header X-Name $jwtguard_claim_name always;
            add_header X-Kid $jwtguard_kid always;
            proxy_pass http://raw;
        }}
        location /cached/ {{ jwtguard_cache_size 16; proxy_pass http://raw; }}
    }}
""")
    try:
        ng.start(port)
    except Exception:
        upstream.stop()
        raise
    e = collections.namedtuple("Env", "port nginx upstream")(port, ng, upstream)
    try:
        yield e
    finally:
        stop_and_check(ng, upstream)


def sent_upstream(env, path, token):
    """The requests the upstream parsed from what nginx sent for one client request,
    and the client's status."""
    env.upstream.clear()
    st, h, body = request(env.port, path, bearer(token))
    assert st == 200, (st, h, body)
    return env.upstream.wait_requests(1)


def header_lines(raw_request_bytes):
    head = raw_request_bytes.split(b"\r\n\r\n", 1)[0]
    return head.split(b"\r\n")[1:]


def header_value(raw_request_bytes, name):
    values = [line.split(b":", 1)[1].strip() for line in header_lines(raw_request_bytes)
              if line.split(b":", 1)[0].lower() == name.lower()]
    assert len(values) <= 1, values
    return values[0] if values else None


def everything_sent(env):
    return b"".join(bytes(c) for c in env.upstream.connections)


# ---------------------------------------------------------------- finding: header injection

def test_safe_values_are_forwarded_exactly(env):
    reqs = sent_upstream(env, "/api", KEY.sign(claims(name="Zoë O'Brien", roles=["Reader", "Writer"])))
    assert len(reqs) == 1
    assert header_value(reqs[0], b"X-User") == "Zoë O'Brien".encode()
    assert header_value(reqs[0], b"X-Roles") == b"Reader,Writer"
    assert header_value(reqs[0], b"X-Kid") == b"export-key"


def test_crlf_in_a_claim_adds_no_upstream_header(env):
    reqs = sent_upstream(env, "/api", KEY.sign(claims(name="Alice\r\nX-Admin: true")))
    assert len(reqs) == 1
    assert header_value(reqs[0], b"X-User") is None       # not exported: no header at all
    assert header_value(reqs[0], b"X-Admin") is None
    assert b"X-Admin" not in everything_sent(env)
    assert header_value(reqs[0], b"X-Roles") == b"Reader,Writer"   # the other claims still are
    time.sleep(0.2)
    log = env.nginx.log()
    assert re.search(r"\[info\].*jwtguard: \$jwtguard_claim_name not set", log), log
    assert "X-Admin" not in log and "Alice" not in log     # the value itself is not logged


def test_smuggled_request_stays_one_request(env):
    name = ("x\r\nContent-Length: 0\r\n\r\n"
            "GET /admin/delete-all HTTP/1.1\r\nHost: internal\r\nX-Admin: true\r\n\r\n")
    reqs = sent_upstream(env, "/api", KEY.sign(claims(name=name)))
    assert len(reqs) == 1, reqs                            # one client request, one upstream request
    assert b"/admin/delete-all" not in everything_sent(env)
    assert header_value(reqs[0], b"X-User") is None


@pytest.mark.parametrize("byte", ["\x00", "\r", "\n", "\t", "\x1b", "\x7f"],
                         ids=["NUL", "CR", "LF", "TAB", "ESC", "DEL"])
def test_control_bytes_are_never_forwarded(env, byte):
    reqs = sent_upstream(env, "/api", KEY.sign(claims(name=f"Ada{byte}Admin")))
    assert len(reqs) == 1
    assert header_value(reqs[0], b"X-User") is None
    head = reqs[0].split(b"\r\n\r\n", 1)[0]
    assert b"Ada" not in head
    assert b"\x00" not in everything_sent(env)


def test_response_splitting_through_add_header(env):
    token = KEY.sign(claims(name="Alice\r\nSet-Cookie: session=attacker\r\n\r\n<html>"))
    data = raw_request(env.port, "/reflect/x", bearer(token))
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 "), data
    names = [line.split(b":", 1)[0].lower() for line in head.split(b"\r\n")[1:]]
    assert b"set-cookie" not in names
    assert b"x-name" not in names
    assert b"<html>" not in data
    assert json.loads(body) == {"request": json.loads(body)["request"]}   # the upstream's answer only


def test_kid_with_control_bytes_is_not_exported(env):
    token = KEY_EVIL_KID.sign(claims())
    reqs = sent_upstream(env, "/api", token)
    assert len(reqs) == 1
    assert header_value(reqs[0], b"X-Kid") is None
    assert b"X-Admin" not in everything_sent(env)
    data = raw_request(env.port, "/reflect/x", bearer(token))
    head = data.partition(b"\r\n\r\n")[0]
    assert b"X-Admin" not in head and b"X-Kid" not in head, data
    time.sleep(0.2)
    assert re.search(r"\[info\].*jwtguard: \$jwtguard_kid not set", env.nginx.log())


def test_unsafe_value_from_the_cache_is_not_exported_either(env):
    token = KEY.sign(claims(name="Alice\r\nX-Admin: true", jti="cached-unsafe"))
    for _ in range(3):      # the first verifies, the next come from the cache (same worker or not)
        reqs = sent_upstream(env, "/cached/", token)
        assert len(reqs) == 1
        assert header_value(reqs[0], b"X-User") is None
    assert b"X-Admin" not in everything_sent(env)


# ---------------------------------------------------------------- finding: ambiguous arrays

def test_array_element_holding_the_separator_is_not_exported(env):
    one = sent_upstream(env, "/api", KEY.sign(claims(roles=["Reader,Admin"])))
    two = sent_upstream(env, "/api", KEY.sign(claims(roles=["Reader", "Admin"])))
    assert header_value(two[0], b"X-Roles") == b"Reader,Admin"
    assert header_value(one[0], b"X-Roles") is None        # never the same text as `two`
    time.sleep(0.2)
    assert re.search(r"\[info\].*jwtguard: \$jwtguard_claim_roles not set", env.nginx.log())


@pytest.mark.parametrize("roles,expected", [
    (["Reader"], b"Reader"),
    ([1, True, "x"], b"1,true,x"),
    ([], b""),
    (["a\r\nX-Admin: 1"], None),
    (["ok", "a\x00b"], None),
    (["a", ["nested"]], None),
    ([{"o": 1}], None),
])
def test_array_forms(env, roles, expected):
    reqs = sent_upstream(env, "/api", KEY.sign(claims(roles=roles)))
    value = header_value(reqs[0], b"X-Roles")
    if expected == b"":
        assert value in (None, b"")                        # an empty value sends no header
    else:
        assert value == expected
    assert b"X-Admin" not in everything_sent(env)
