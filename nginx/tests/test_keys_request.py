"""jwtguard_keys_request: keys fetched by a subrequest to an internal location that
proxies to a real local JWKS server. One worker, so the per-worker cache and the
once-per-5-minutes unknown-kid refresh are deterministic."""

import re
import threading
import time

import pytest

from harness import Backend, JsonServer, Key, Nginx, free_port, jwks, request, stop_and_check
from test_nginx_module import AUD, ISS, _conf_error, claims

R1, R2, R3, FILE_KEY = Key("r1"), Key("r2"), Key("r3"), Key("file-key")


class JwksServer(JsonServer):
    """Serves `self.body` with `self.status` at /keys and counts the fetches."""

    def __init__(self):
        self.body, self.status, self.hits = jwks(R1), 200, 0
        self.send_length = True      # False: no Content-Length, the body ends at close
        super().__init__()

    def answer(self, request):
        self.hits += 1
        self.last_headers = dict(request.headers)
        return self.status, self.body, self.send_length


@pytest.fixture(scope="module")
def kr():
    backend, idp = Backend(), JwksServer()
    port = free_port()
    ng = Nginx("", workers=1)
    keys_file = f"{ng.dir}/file.json"
    with open(keys_file, "w") as f:
        f.write(jwks(FILE_KEY))
    down = free_port()  # nothing listens there: the provider is down
    ng.write_conf(f"""
    server {{
        listen 127.0.0.1:{port};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        add_header X-Jwtguard-Error $jwtguard_error always;
        add_header X-Jwtguard-Cache $jwtguard_cache_status always;
        proxy_set_header X-Kid $jwtguard_kid;

        location /long/ {{
            jwtguard on;
            jwtguard_keys_request /_jwks;
            jwtguard_keys_cache 1h;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /short/ {{
            jwtguard on;
            jwtguard_keys_request /_jwks_short;
            jwtguard_keys_cache 1s;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /combined/ {{
            jwtguard on;
            jwtguard_keys_file {keys_file};
            jwtguard_keys_request /_jwks;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /down/ {{
            jwtguard on;
            jwtguard_keys_request /_jwks_down;
            proxy_pass http://127.0.0.1:{backend.port};
        }}

        location = /_jwks {{
            internal;
            proxy_pass_request_headers off;
            proxy_pass_request_body off;
            subrequest_output_buffer_size 64k;
            proxy_pass http://127.0.0.1:{idp.port}/keys;
        }}
        location = /_jwks_short {{
            internal;
            proxy_pass_request_headers off;
            proxy_pass_request_body off;
            subrequest_output_buffer_size 64k;
            proxy_pass http://127.0.0.1:{idp.port}/keys;
        }}
        location = /_jwks_down {{
            internal;
            proxy_pass_request_headers off;
            proxy_connect_timeout 2s;
            proxy_pass http://127.0.0.1:{down}/keys;
        }}
    }}
""")
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        idp.stop()
        raise
    try:
        yield port, ng, idp
    finally:
        stop_and_check(ng, backend, idp)


def call(port, path, key):
    st, h, body = request(port, path, {"Authorization": "Bearer " + key.sign(claims())})
    return st, h.get("x-jwtguard-error")


def test_fetch_cache_and_unknown_kid_refresh(kr):
    port, ng, idp = kr
    assert call(port, "/long/", R1) == (200, None)       # cold: fetched
    assert idp.hits == 1
    assert "authorization" not in {k.lower() for k in idp.last_headers}
    assert call(port, "/long/", R1) == (200, None)       # cached
    assert idp.hits == 1
    idp.body = jwks(R1, R2)
    assert call(port, "/long/", R2) == (200, None)       # unknown kid: refreshed once
    assert idp.hits == 2
    idp.body = jwks(R3)
    assert call(port, "/long/", R3) == (401, "TokenSignatureKeyNotFound")   # rate limited
    assert idp.hits == 2
    assert call(port, "/long/", R1) == (200, None)       # still the cached set


def call_token(port, path, token):
    st, h, body = request(port, path, {"Authorization": "Bearer " + token})
    return st, h.get("x-jwtguard-error"), h.get("x-jwtguard-cache")


def test_cache_expiry_and_provider_failure(kr):
    port, ng, idp = kr
    idp.body, idp.status = jwks(R1), 200
    t1 = R1.sign(claims(jti="short-r1"))
    assert call_token(port, "/short/", t1) == (200, None, "MISS")
    assert call_token(port, "/short/", t1) == (200, None, "HIT")   # verified-token cache
    time.sleep(1.2)
    idp.body = jwks(R2)
    assert call(port, "/short/", R2) == (200, None)      # expired: fetched again
    # the fetched set is a new key set: the token cache was emptied, R1 is gone
    assert call_token(port, "/short/", t1) == (401, "TokenSignatureKeyNotFound", "MISS")
    time.sleep(1.2)
    idp.status, idp.body = 500, "oops"
    hits = idp.hits
    assert call(port, "/short/", R2) == (200, None)      # failure keeps the old keys
    assert idp.hits == hits + 1
    idp.status, idp.body = 200, '{"keys": []}'
    time.sleep(1.2)
    assert call(port, "/short/", R2) == (200, None)      # not retried before the back-off
    assert idp.hits == hits + 1
    deadline = time.time() + 15                         # the core retries after 10 s
    while idp.hits == hits + 1 and time.time() < deadline:
        assert call(port, "/short/", R2) == (200, None)  # an invalid set keeps them too
        time.sleep(0.5)
    assert idp.hits == hits + 2
    time.sleep(0.3)
    log = ng.log()
    assert re.search(r"\[error\].*keys request \"/_jwks_short\" failed \(status 500", log)
    assert re.search(r"\[error\].*keys request \"/_jwks_short\" returned no valid key set", log)


def test_combined_with_file(kr):
    port, ng, idp = kr
    idp.status, idp.body = 200, jwks(R1, R2)
    assert call(port, "/combined/", FILE_KEY) == (200, None)
    assert call(port, "/combined/", R1) == (200, None)


def test_provider_down(kr):
    port, ng, idp = kr
    for _ in range(3):
        assert call(port, "/down/", R1) == (401, "TokenSignatureKeyNotFound")
    assert re.search(r"\[error\].*keys request \"/_jwks_down\" failed \(status 502", ng.log())


# ---------------------------------------------------------------- a key set larger than the subrequest buffer

BIG = [Key(f"big-{i}") for i in range(12)]   # about 5.4 KB: Microsoft's real set is 9.6 KB


@pytest.fixture(scope="module")
def big():
    backend, idp, stream = Backend(), JwksServer(), JwksServer()
    idp.body = stream.body = jwks(*BIG)
    stream.send_length = False
    port = free_port()
    ng = Nginx(f"""
    server {{
        listen 127.0.0.1:{port};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        add_header X-Jwtguard-Error $jwtguard_error always;
        location /big/ {{
            jwtguard on;
            jwtguard_keys_request /_jwks_big;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location = /_jwks_big {{
            internal;
            proxy_pass_request_headers off;
            proxy_pass_request_body off;
            proxy_pass http://127.0.0.1:{idp.port}/keys;
        }}
        location /stream/ {{
            jwtguard on;
            jwtguard_keys_request /_jwks_stream;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location = /_jwks_stream {{
            internal;
            proxy_pass_request_headers off;
            proxy_pass http://127.0.0.1:{stream.port}/keys;
        }}
    }}
""", workers=1)
    try:
        ng.start(port)
    except Exception:
        for server in (backend, idp, stream):
            server.stop()
        raise
    try:
        yield port, ng, idp, stream
    finally:
        stop_and_check(ng, backend, idp, stream)


def test_key_set_larger_than_the_subrequest_buffer(big):
    """nginx ends a subrequest whose answer does not fit subrequest_output_buffer_size
    (4 KiB by default): the fetch counts as failed (keys kept, retried later) and every
    client gets an HTTP answer."""
    port, ng, idp, _ = big
    assert len(idp.body) > 4096
    token = BIG[0].sign(claims())
    results = []

    def one():
        try:
            results.append(call_token(port, "/big/", token)[:2])
        except Exception as e:                     # no HTTP answer: the connection was closed
            results.append(repr(e))

    threads = [threading.Thread(target=one) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [(401, "TokenSignatureKeyNotFound")] * 10, results
    assert idp.hits == 1                           # one fetch, then the retry delay
    for _ in range(5):
        assert call_token(port, "/big/", token)[:2] == (401, "TokenSignatureKeyNotFound")
    assert idp.hits == 1
    time.sleep(0.2)
    log = ng.log()
    assert re.search(r"\[error\].*keys request \"/_jwks_big\" failed.*subrequest_output_buffer_size", log), log
    # retried after the delay, answered again
    deadline = time.time() + 15
    while idp.hits == 1 and time.time() < deadline:
        assert call_token(port, "/big/", token)[:2] == (401, "TokenSignatureKeyNotFound")
        time.sleep(0.5)
    assert idp.hits == 2


def test_key_set_larger_than_the_subrequest_buffer_without_length(big):
    """The same when the provider sends no Content-Length: the body is counted as it
    arrives."""
    port, ng, _, stream = big
    token = BIG[0].sign(claims())
    for _ in range(3):
        assert call_token(port, "/stream/", token)[:2] == (401, "TokenSignatureKeyNotFound")
    assert stream.hits == 1
    time.sleep(0.2)
    assert re.search(r"\[error\].*keys request \"/_jwks_stream\" failed.*subrequest_output_buffer_size",
                     ng.log())


def test_default_subrequest_buffer_is_reported_by_nginx_t():
    base = """server {{ listen 127.0.0.1:{p};
        location /api/ {{ jwtguard on; jwtguard_audience a; jwtguard_issuer i;
                          jwtguard_keys_request /_jwks; return 204; }}
        location = /_jwks {{ internal; {buffer} proxy_pass http://127.0.0.1:9/keys; }}
    }}"""
    p = free_port()
    rc, out = _conf_error(base.format(p=p, buffer=""))
    assert rc == 0, out
    assert re.search(r"\[warn\].*key fetches to \"/_jwks\".*subrequest_output_buffer_size", out), out
    rc, out = _conf_error(base.format(p=p, buffer="subrequest_output_buffer_size 64k;"))
    assert rc == 0 and "[warn]" not in out, out
