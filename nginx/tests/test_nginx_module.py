"""Integration tests: Debian's nginx with ngx_http_jwtguard_module, two workers, on
127.0.0.1 in front of a real backend. Tokens are minted with PyJWT + cryptography."""

import collections
import http.client
import json
import os
import re
import shutil
import threading
import time

import pytest

from harness import Backend, Key, Nginx, free_port, jwks, request, stop_and_check, unsigned, write_atomic

AUD = "6e74172b-be56-4843-9ff4-e66a39bb12e3"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ISS = f"https://login.partner.microsoftonline.cn/{TENANT}/v2.0"
MESSAGE = "Unauthorized. Access token is missing or invalid."

KEY_A = Key("key-a")
KEY_B = Key("key-b")
KEY_EC = Key("key-ec", kind="EC")
KEY_X = Key("key-x")     # never published
STRANGER = Key("key-a")  # same kid as KEY_A, other private key: a forgery


def claims(**over):
    now = int(time.time())
    c = {"aud": AUD, "iss": ISS, "iat": now, "nbf": now - 5, "exp": now + 600,
         "oid": "00000000-0000-0000-0000-0000000000aa", "sub": "user-1", "tid": TENANT,
         "scp": "Files.Read User.Read", "roles": ["Reader", "Writer"], "name": "Ada"}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def good(key=KEY_A, **over):
    return key.sign(claims(**over))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def http_conf(backend_port, port, keys, keys_b, extra_server="", audience=AUD):
    return f"""
    upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        jwtguard on;
        jwtguard_keys_file {keys} check=1s;
        jwtguard_audience {audience} api://other;
        jwtguard_issuer {ISS};
        jwtguard_realm api;
        large_client_header_buffers 4 32k;
        add_header X-Jwtguard-Error $jwtguard_error always;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-User $jwtguard_claim_oid;
        proxy_set_header X-Scopes $jwtguard_claim_scp;
        proxy_set_header X-Roles $jwtguard_claim_roles;
        proxy_set_header X-Kid $jwtguard_kid;
        proxy_set_header X-Name $jwtguard_claim_name;
        proxy_set_header X-Exp $jwtguard_claim_exp;
        proxy_set_header X-Missing $jwtguard_claim_nothing;
        {extra_server}

        location / {{ proxy_pass http://backend; }}
        location /scope/ {{
            jwtguard_require_claim scp Files.Read Files.ReadWrite match=any "separator= ";
            proxy_pass http://backend;
        }}
        location /scope-all/ {{
            jwtguard_require_claim scp Files.Read Files.ReadWrite match=all "separator= ";
            proxy_pass http://backend;
        }}
        location /roles/ {{
            jwtguard_require_claim roles Reader Writer;
            jwtguard_require_claim tid;
            proxy_pass http://backend;
        }}
        location /admin/ {{
            jwtguard_require_claim roles Admin;
            jwtguard_failed_status 403;
            proxy_pass http://backend;
        }}
        location /message/ {{
            jwtguard_failed_message "Go away.";
            jwtguard_realm other-realm;
            proxy_pass http://backend;
        }}
        location /cookie/ {{ jwtguard_token $cookie_access_token; proxy_pass http://backend; }}
        location /query/ {{ jwtguard_token $arg_token; proxy_pass http://backend; }}
        location /header/ {{ jwtguard_token $http_x_token; proxy_pass http://backend; }}
        location /scheme/ {{ jwtguard_require_scheme JWT; proxy_pass http://backend; }}
        location /skew/ {{ jwtguard_clock_skew 5m; proxy_pass http://backend; }}
        location /noexp/ {{ jwtguard_require_expiration_time off; proxy_pass http://backend; }}
        location /audience/ {{ jwtguard_audience api://only; proxy_pass http://backend; }}
        location /issuer/ {{ jwtguard_issuer https://elsewhere/ https://other/; proxy_pass http://backend; }}
        location /multi/ {{
            jwtguard_keys_file {keys};
            jwtguard_keys_file {keys_b};
            proxy_pass http://backend;
        }}
        location /public/ {{ jwtguard off; proxy_pass http://backend; }}
        location /error-page/ {{
            error_page 401 = @login;
            error_page 403 /denied.txt;
            proxy_pass http://backend;
        }}
        location /error-page-403/ {{
            jwtguard_failed_status 403;
            error_page 403 /denied.txt;
            proxy_pass http://backend;
        }}
        location @login {{
            add_header X-Jwtguard-Error $jwtguard_error always;
            return 302 https://login.example/authorize;
        }}
        location = /denied.txt {{ jwtguard off; return 200 "denied by policy\n"; }}
    }}
"""


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    port = free_port()
    ng = Nginx("")
    keys = os.path.join(ng.dir, "keys.json")
    keys_b = os.path.join(ng.dir, "keys-b.json")
    write_atomic(keys, jwks(KEY_A, KEY_EC))
    write_atomic(keys_b, jwks(KEY_B))
    ng.write_conf(http_conf(backend.port, port, keys, keys_b))
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        raise
    e = collections.namedtuple("Env", "port nginx keys keys_b backend")(port, ng, keys, keys_b, backend)
    try:
        yield e
    finally:
        stop_and_check(ng, backend)


def get(env, path, headers=None):
    return request(env.port, path, headers)


def assert_rejected(env, path, reason, headers, status=401, message=MESSAGE, realm="api"):
    st, h, body = get(env, path, headers)
    assert st == status, (st, h, body)
    assert body == message
    assert h.get("x-jwtguard-error") == reason
    if reason == "TokenNotPresent":
        assert h["www-authenticate"] == f'Bearer realm="{realm}"'
    else:
        error = "insufficient_scope" if status == 403 and "Claim" in reason and "Malformed" not in reason \
            else "invalid_token"
        assert h["www-authenticate"] == \
            f'Bearer realm="{realm}", error="{error}", error_description="{reason}"'


def forwarded(env, path, headers):
    st, h, body = get(env, path, headers)
    assert st == 200, (st, h, body)
    assert "x-jwtguard-error" not in h
    return json.loads(body)["headers"]


# ---------------------------------------------------------------- accepted tokens

def test_valid_token_forwards_identity(env):
    fw = forwarded(env, "/api", bearer(good()))
    assert fw["x-user"] == "00000000-0000-0000-0000-0000000000aa"
    assert fw["x-scopes"] == "Files.Read User.Read"
    assert fw["x-roles"] == "Reader,Writer"          # arrays joined with ","
    assert fw["x-kid"] == "key-a"
    assert fw["x-name"] == "Ada"
    assert fw["x-exp"].isdigit()
    assert fw.get("x-missing", "") == ""              # absent claim: empty
    assert fw["authorization"].startswith("Bearer ")   # passed through to the API


def test_es256_and_second_audience(env):
    fw = forwarded(env, "/", bearer(good(KEY_EC, aud=["x", "api://other"])))
    assert fw["x-kid"] == "key-ec"


def test_scheme_is_case_insensitive_and_whitespace_tolerant(env):
    forwarded(env, "/", {"Authorization": f"bEaReR   {good()}  "})


def test_token_sources(env):
    t = good()
    forwarded(env, "/cookie/", {"Cookie": f"x=1; access_token={t}"})
    forwarded(env, "/query/?a=1&token=" + t, {})
    forwarded(env, "/header/", {"X-Token": t})
    forwarded(env, "/scheme/", {"Authorization": f"JWT {t}"})
    # the Authorization header is not read where another source is configured
    assert_rejected(env, "/cookie/", "TokenNotPresent", bearer(t))
    assert_rejected(env, "/scheme/", "TokenNotPresent", bearer(t))
    assert_rejected(env, "/query/?token=", "TokenNotPresent", {})


def test_query_and_cookie_tokens_are_percent_decoded(env):
    """A client may percent-encode the token's dots (or any byte) in a query string or
    a cookie; $arg_* and $cookie_* hold it as sent, and the module decodes it, as APIM
    reads query parameters. A header is taken as it is."""
    t = good()
    encoded = t.replace(".", "%2E", 1).replace(".", "%2e")
    forwarded(env, "/query/?token=" + encoded, {})
    forwarded(env, "/cookie/", {"Cookie": f"access_token={encoded}"})
    forwarded(env, "/query/?token=" + "".join(f"%{b:02X}" for b in t.encode()), {})
    assert_rejected(env, "/header/", "TokenMalformed", {"X-Token": encoded})
    # decoded once: an encoded percent sign stays one, and a bad escape is malformed
    assert_rejected(env, "/query/?token=" + t.replace(".", "%252E"), "TokenMalformed", {})
    assert_rejected(env, "/query/?token=" + t.replace(".", "%2", 1), "TokenMalformed", {})
    # a decoded control byte is no token either
    assert_rejected(env, "/query/?token=" + t + "%0A", "TokenMalformed", {})


def test_jwtguard_off_location(env):
    st, h, body = get(env, "/public/x")
    assert st == 200
    assert json.loads(body)["headers"].get("x-user", "") == ""


def test_required_claims(env):
    forwarded(env, "/scope/", bearer(good()))
    forwarded(env, "/scope/", bearer(good(scp="Files.ReadWrite")))
    assert_rejected(env, "/scope/", "TokenClaimValueNotAllowed", bearer(good(scp="User.Read")))
    assert_rejected(env, "/scope/", "TokenClaimNotFound", bearer(good(scp=None)))
    assert_rejected(env, "/scope-all/", "TokenClaimValueNotAllowed", bearer(good()))
    forwarded(env, "/scope-all/", bearer(good(scp="Files.ReadWrite Files.Read")))
    forwarded(env, "/roles/", bearer(good()))
    assert_rejected(env, "/roles/", "TokenClaimValueNotAllowed", bearer(good(roles=["Reader"])))
    assert_rejected(env, "/roles/", "TokenClaimNotFound", bearer(good(tid=None)))


def test_failed_status_403(env):
    assert_rejected(env, "/admin/", "TokenClaimValueNotAllowed", bearer(good()), status=403)
    forwarded(env, "/admin/", bearer(good(roles=["Admin"])))


def test_error_page_takes_the_rejection(env):
    # the status goes back to nginx, so error_page answers (as after auth_basic)
    st, h, _ = request(env.port, "/error-page/", {})
    assert st == 302 and h["location"] == "https://login.example/authorize", (st, h)
    # the error page (checked by nobody: it answers the rejection) knows the reason
    assert h["x-jwtguard-error"] == "TokenNotPresent", h
    st, h, _ = request(env.port, "/error-page/", bearer(good(exp=1000)))
    assert (st, h["x-jwtguard-error"]) == (302, "TokenExpired"), (st, h)
    st, h, body = request(env.port, "/error-page-403/", bearer(good(exp=1000)))
    assert (st, body) == (403, "denied by policy\n"), (st, h, body)
    assert 'error="invalid_token"' in h["www-authenticate"], h   # the challenge stays
    forwarded(env, "/error-page/", bearer(good()))
    # without an error_page for the status, the module's own answer
    assert_rejected(env, "/audience/", "TokenAudienceNotAllowed", bearer(good()))


def test_failed_message_and_realm(env):
    assert_rejected(env, "/message/", "TokenExpired", bearer(good(exp=1000)),
                    message="Go away.", realm="other-realm")
    assert_rejected(env, "/message/", "TokenNotPresent", {}, message="Go away.", realm="other-realm")


def test_clock_skew(env):
    now = int(time.time())
    expired = good(exp=now - 60)
    assert_rejected(env, "/", "TokenExpired", bearer(expired))
    forwarded(env, "/skew/", bearer(expired))
    early = good(nbf=now + 60)
    assert_rejected(env, "/", "TokenNotYetValid", bearer(early))
    forwarded(env, "/skew/", bearer(early))
    assert_rejected(env, "/skew/", "TokenExpired", bearer(good(exp=now - 3600)))


def test_require_expiration_time(env):
    t = good(exp=None)
    assert_rejected(env, "/", "TokenExpirationTimeMissing", bearer(t))
    forwarded(env, "/noexp/", bearer(t))


def test_audience_and_issuer_directives(env):
    assert_rejected(env, "/audience/", "TokenAudienceNotAllowed", bearer(good()))
    forwarded(env, "/audience/", bearer(good(aud="api://only")))
    assert_rejected(env, "/issuer/", "TokenIssuerNotAllowed", bearer(good()))
    forwarded(env, "/issuer/", bearer(good(iss="https://other/")))


def test_several_key_files(env):
    forwarded(env, "/multi/", bearer(good(KEY_B)))
    forwarded(env, "/multi/", bearer(good(KEY_A)))
    assert_rejected(env, "/", "TokenSignatureKeyNotFound", bearer(good(KEY_B)))


# ---------------------------------------------------------------- every failure family

FAILURES = {
    "missing": ("TokenNotPresent", lambda: {}),
    "other scheme": ("TokenNotPresent", lambda: {"Authorization": "Basic dXNlcjpwYXNz"}),
    "scheme only": ("TokenNotPresent", lambda: {"Authorization": "Bearer"}),
    "malformed": ("TokenMalformed", lambda: bearer("abc.def")),
    "garbage": ("TokenMalformed", lambda: bearer("not a token at all")),
    "too large": ("TokenTooLarge", lambda: bearer("a" * 17000)),
    "expired": ("TokenExpired", lambda: bearer(good(exp=int(time.time()) - 30))),
    "not yet valid": ("TokenNotYetValid", lambda: bearer(good(nbf=int(time.time()) + 300))),
    "audience": ("TokenAudienceNotAllowed", lambda: bearer(good(aud="api://someone-else"))),
    "issuer": ("TokenIssuerNotAllowed", lambda: bearer(good(iss="https://evil.example/v2.0"))),
    "signature": ("TokenSignatureInvalid", lambda: bearer(good(STRANGER))),
    "tampered": ("TokenSignatureInvalid", lambda: bearer(_tamper(good()))),
    "key not found": ("TokenSignatureKeyNotFound", lambda: bearer(good(KEY_X))),
    "alg none": ("TokenAlgorithmNotSupported", lambda: bearer(unsigned(claims()))),
    "alg HS256": ("TokenAlgorithmNotAllowed", lambda: bearer(_hs256())),
    "exp malformed": ("TokenClaimMalformed", lambda: bearer(good(exp="tomorrow"))),
    "no exp": ("TokenExpirationTimeMissing", lambda: bearer(good(exp=None))),
    "embedded jwk": ("TokenHeaderUnsupported",
                     lambda: bearer(KEY_A.sign(claims(), headers={"jku": "https://evil.example/k"}))),
}


def _tamper(token):
    h, p, s = token.split(".")
    body = json.loads(__import__("base64").urlsafe_b64decode(p + "=" * (-len(p) % 4)))
    body["oid"] = "admin"
    from harness import b64url
    return ".".join([h, b64url(json.dumps(body).encode()), s])


def _hs256():
    import jwt
    return jwt.encode(claims(), "secret" * 8, algorithm="HS256", headers={"kid": "key-a"})


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_failure_reason(env, case):
    reason, headers = FAILURES[case]
    assert_rejected(env, "/api", reason, headers())


def test_reasons_in_error_log_never_token(env):
    t = good(exp=int(time.time()) - 30)
    get(env, "/api", bearer(t))
    time.sleep(0.2)
    log = env.nginx.log()
    assert "jwtguard: TokenExpired" in log
    assert t.split(".")[2] not in log and t.split(".")[1] not in log


def test_post_body_with_rejection_keeps_connection_sane(env):
    conn = http.client.HTTPConnection("127.0.0.1", env.port, timeout=5)
    for _ in range(3):
        conn.request("POST", "/api", body=b"x" * 5000, headers={"Content-Type": "text/plain"})
        r = conn.getresponse()
        assert r.status == 401 and r.read().decode() == MESSAGE
    conn.request("POST", "/api", body=b"y" * 100, headers=bearer(good()))
    r = conn.getresponse()
    assert r.status == 200
    r.read()
    conn.close()


# ---------------------------------------------------------------- key files

def _until(check, timeout=8.0, streak=8):
    """True once `check()` holds `streak` times in a row (both workers), within timeout."""
    deadline = time.time() + timeout
    n = 0
    while time.time() < deadline:
        n = n + 1 if check() else 0
        if n >= streak:
            return True
        time.sleep(0.05)
    return False


def test_zz_key_rotation_and_bad_file(env):
    new = good(KEY_B)
    old = good(KEY_A)
    assert get(env, "/api", bearer(new))[0] == 401

    write_atomic(env.keys, jwks(KEY_B))                  # the provider rotated
    assert _until(lambda: get(env, "/api", bearer(new))[0] == 200)
    # The streak may all have reached one worker: after one `check` interval (1 s) every
    # worker stats the file on its next request, so none can still hold the old keys
    # (or a cached verdict made with them).
    time.sleep(1.1)
    for _ in range(4):
        assert_rejected(env, "/api", "TokenSignatureKeyNotFound", bearer(old))
    assert "reloaded" in env.nginx.log()

    write_atomic(env.keys, '{"keys": [ broken')           # a bad file: old keys kept
    time.sleep(2.5)
    assert _until(lambda: get(env, "/api", bearer(new))[0] == 200)
    write_atomic(env.keys, json.dumps({"keys": [{"kty": "RSA", "kid": "k", "n": "AQAB", "e": "AQAB"}]}))
    time.sleep(2.5)
    assert _until(lambda: get(env, "/api", bearer(new))[0] == 200)
    os.remove(env.keys)                                   # gone: old keys kept
    time.sleep(2.5)
    assert _until(lambda: get(env, "/api", bearer(new))[0] == 200)
    log = env.nginx.log()
    assert "not reloaded, keeping the current keys" in log
    assert "cannot stat keys file" in log
    assert re.search(r"\[error\].*jwtguard: keys file .* not reloaded", log)

    write_atomic(env.keys, jwks(KEY_A, KEY_B))            # fixed again
    assert _until(lambda: get(env, "/api", bearer(old))[0] == 200)


# ---------------------------------------------------------------- configuration

def _conf_error(body):
    ng = Nginx(body)
    try:
        return ng.test_conf()
    finally:
        shutil.rmtree(ng.dir, ignore_errors=True)


def test_configuration_errors(env):
    base = "server {{ listen 127.0.0.1:{p}; location / {{ {d} return 204; }} }}"
    p = free_port()

    def check(directives, expect):
        rc, out = _conf_error(base.format(p=p, d=directives))
        assert rc != 0, out
        assert expect in out, out

    check(f"jwtguard on; jwtguard_keys_file {env.nginx.dir}/nope.json; jwtguard_audience a; jwtguard_issuer i;",
          "invalid keys file")
    bad = os.path.join(env.nginx.dir, "bad.json")
    write_atomic(bad, "{}")
    check(f"jwtguard on; jwtguard_keys_file {bad}; jwtguard_audience a; jwtguard_issuer i;", "KeySet")
    check(f"jwtguard on; jwtguard_keys_file {env.keys_b}; jwtguard_issuer i;", "invalid policy")
    check(f"jwtguard on; jwtguard_keys_file {env.keys_b}; jwtguard_audience a;", "invalid policy")
    check("jwtguard on; jwtguard_audience a; jwtguard_issuer i;", "needs \"jwtguard_keys_file\"")
    check("jwtguard_failed_status 500;", "401 or 403 expected")
    check("jwtguard_require_claim scp a match=some;", "match=any")
    check(f"jwtguard on; jwtguard_keys_file {env.keys_b}; jwtguard_audience a; jwtguard_issuer i; "
          "jwtguard_require_claim scp a separator=12345678901234567;", "separator")
    check(f"jwtguard_keys_file {env.keys_b} check=soon;", "invalid check interval")
    rc, out = _conf_error(base.format(
        p=p, d=f"jwtguard on; jwtguard_keys_file {env.keys_b}; jwtguard_audience a; jwtguard_issuer i;"))
    assert rc == 0, out


def test_zzz_reload_with_changed_configuration(env):
    t = good()
    assert get(env, "/api", bearer(t))[0] == 200
    old_workers = env.nginx.worker_pids()
    env.nginx.write_conf(http_conf(env.backend.port, env.port, env.keys, env.keys_b, audience="api://new"))
    env.nginx.reload()
    assert _until(lambda: get(env, "/api", bearer(t))[0] == 401, timeout=10)
    assert_rejected(env, "/api", "TokenAudienceNotAllowed", bearer(t))
    forwarded(env, "/api", bearer(good(aud="api://new")))
    assert _until(lambda: not set(old_workers) & set(env.nginx.worker_pids()), timeout=10, streak=1)
    assert len(env.nginx.worker_pids()) == 2
    env.nginx.write_conf(http_conf(env.backend.port, env.port, env.keys, env.keys_b))   # back
    env.nginx.reload()
    assert _until(lambda: get(env, "/api", bearer(t))[0] == 200, timeout=10)


# ---------------------------------------------------------------- load

LOAD_REQUESTS = int(os.environ.get("JWTGUARD_LOAD_REQUESTS", "30000"))


def _rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _load(env, tokens, n, threads=8):
    counts = collections.Counter()
    lock = threading.Lock()
    per = n // threads

    def run(offset):
        conn = http.client.HTTPConnection("127.0.0.1", env.port, timeout=10)
        local = collections.Counter()
        for i in range(per):
            expected, headers = tokens[(offset + i) % len(tokens)]
            try:
                conn.request("GET", "/scope/", headers=headers)
                r = conn.getresponse()
                r.read()
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", env.port, timeout=10)
                local["connection error"] += 1
                continue
            local[r.status] += 1
            if r.status != expected:
                local[f"unexpected {r.status} for {expected}"] += 1
        conn.close()
        with lock:
            counts.update(local)

    ts = [threading.Thread(target=run, args=(k * 7,)) for k in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return counts


def test_zzzz_load(env):
    now = int(time.time())
    tokens = [
        (200, bearer(good(KEY_A))),
        (200, bearer(good(KEY_B, scp="Files.ReadWrite"))),
        (200, bearer(good(KEY_EC))),
        (401, bearer(good(exp=now - 100))),
        (401, bearer(good(STRANGER))),
        (401, bearer("eyJhbGciOiJSUzI1NiJ9.e30.x")),
        (401, bearer("garbage")),
        (401, {}),
        (401, bearer(unsigned(claims()))),
        (401, bearer(good(scp="Other"))),
    ]
    write_atomic(env.keys, jwks(KEY_A, KEY_B, KEY_EC))
    assert _until(lambda: get(env, "/scope/", tokens[1][1])[0] == 200, streak=10)
    _load(env, tokens, 2000)                                  # warm-up
    workers = env.nginx.worker_pids()
    half = LOAD_REQUESTS // 2
    first = _load(env, tokens, half)
    rss1 = {p: _rss_kb(p) for p in workers}
    second = _load(env, tokens, half)
    rss2 = {p: _rss_kb(p) for p in workers}
    total = first + second
    print(f"\nload: {sum(v for k, v in total.items() if isinstance(k, int))} requests {dict(total)}; "
          f"worker RSS kB after 1st half {rss1}, after 2nd half {rss2}")
    assert not [k for k in total if isinstance(k, int) and k >= 500], total
    assert not [k for k in total if isinstance(k, str)], total
    assert total[200] > 0 and total[401] > 0
    assert env.nginx.worker_pids() == workers                 # no worker died
    for p in workers:
        assert rss2[p] - rss1[p] < 2048, (rss1, rss2)         # flat: under 2 MiB growth
    assert not re.search(r"\[(alert|emerg|crit)\]|exited on signal", env.nginx.log())
