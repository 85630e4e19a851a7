"""Discovery and the key cache against a real HTTP server on 127.0.0.1 (the tests
control its routes and count its hits), with an injected clock: rotation, the unknown-kid
refetch limit under a flood from many threads, failures that keep the last good keys,
timeouts, size caps, the https-only rule, issuer discovery, pooling, asyncio."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import jwtguard
from jwtguard import discovery
from conftest import AUDIENCE, FakeClock, LocalServer, NOW, claims, jwks, mint, public_jwk, wait_until

ISSUER = "https://login.example/tenant-1/v2.0"
CONFIG = "/tenant-1/v2.0/.well-known/openid-configuration"
KEYS = "/tenant-1/discovery/v2.0/keys"


def serve(server, document, issuer=ISSUER):
    server.set(CONFIG, {"issuer": issuer, "jwks_uri": server.url(KEYS)})
    server.set(KEYS, document)
    return server.url(CONFIG)


def make_validator(server, clock, policy=None, **options):
    options.setdefault("allow_http_loopback", True)
    options.setdefault("timeout", 2.0)
    return jwtguard.Validator(
        server.url(CONFIG), policy=policy or jwtguard.Policy(audiences=[AUDIENCE]), clock=clock, **options
    )


LONG = NOW + 10 * 86400  # tokens outlive the clock moves below


def token(private, kid, **overrides):
    overrides.setdefault("exp", LONG)
    return mint(private, kid, claims(iss=ISSUER, **overrides))


# --- discovery and issuers ------------------------------------------------------------


def test_issuer_comes_from_discovery_when_the_policy_has_none(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock)
    assert v.issuers == () and v.key_sets == ()
    assert v.validate(token(keys.rsa, "k1"))["iss"] == ISSUER
    assert v.issuers == (ISSUER,) and v.effective_policy is v.policy
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        v.validate(mint(keys.rsa, "k1", claims(iss="https://login.example/other/v2.0")))
    assert (server.hit(CONFIG), server.hit(KEYS)) == (1, 1)


def test_policy_issuers_and_the_discovered_issuer_both_apply(server, clock, keys):
    """The configuration's keys sign only for the issuer it names, and the policy's
    issuers apply too; a dict binds a configuration to other issuers explicitly."""
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    configured = "https://configured.example/"
    policy = jwtguard.Policy(audiences=[AUDIENCE], issuers=[configured])
    v = make_validator(server, clock, policy)
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        v.validate(token(keys.rsa, "k1"))  # discovered, but not the policy's
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        v.validate(mint(keys.rsa, "k1", claims(iss=configured)))  # the policy's, not discovered
    bound = jwtguard.Validator(
        {server.url(CONFIG): [configured]}, policy=policy, clock=clock, allow_http_loopback=True, timeout=2.0
    )
    assert bound.validate(mint(keys.rsa, "k1", claims(iss=configured)))["iss"] == configured
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        bound.validate(token(keys.rsa, "k1"))
    assert v.effective_policy is policy


def test_claims_rules_apply(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock)
    with pytest.raises(jwtguard.TokenExpiredError):
        v.validate(token(keys.rsa, "k1", exp=NOW - 1))
    assert v.validate(token(keys.rsa, "k1", exp=NOW - 1), now=NOW - 10)  # explicit now
    with pytest.raises(jwtguard.TokenAudienceNotAllowedError):
        v.validate(token(keys.rsa, "k1", aud="api://other"))
    detailed = v.validate_detailed(token(keys.rsa, "k1"))
    assert detailed.key_kid == "k1" and detailed.claims["sub"] == "user-1"


def test_a_policy_without_issuer_needs_a_configuration(keys):
    static = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.rsa, "k1")))
    with pytest.raises(jwtguard.PolicyError):
        jwtguard.Validator(keys=static, policy=jwtguard.Policy(audiences=[AUDIENCE]))
    with pytest.raises(ValueError):
        jwtguard.Validator(policy=jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER]))
    v = jwtguard.Validator(keys=static, policy=jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER]))
    assert v.validate(token(keys.rsa, "k1"), now=NOW)["sub"] == "user-1"
    assert v.sources == (("static", None),)


# --- rotation and the unknown-kid refetch ------------------------------------------------


def test_key_rotation_needs_exactly_one_refetch(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "old")))
    v = make_validator(server, clock)
    assert v.validate(token(keys.rsa, "old"))
    assert server.hit(KEYS) == 1
    serve(server, jwks(public_jwk(keys.rsa_b, "new")))  # the provider rotates
    assert v.validate(token(keys.rsa_b, "new"))["sub"] == "user-1"
    assert (server.hit(CONFIG), server.hit(KEYS)) == (2, 2)
    for _ in range(3):
        assert v.validate(token(keys.rsa_b, "new"))
    assert server.hit(KEYS) == 2
    # The old key is gone; asking for it again within 5 minutes fetches nothing.
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        v.validate(token(keys.rsa, "old"))
    assert server.hit(KEYS) == 2


def test_unknown_kid_refetch_is_rate_limited(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock)
    v.validate(token(keys.rsa, "k1"))
    unknown = token(keys.rsa, "unknown")
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        v.validate(unknown)
    assert server.hit(KEYS) == 2  # one refetch
    for _ in range(5):
        with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
            v.validate(unknown)
    clock.advance(299)
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        v.validate(unknown)
    assert server.hit(KEYS) == 2
    clock.advance(1)
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
        v.validate(unknown)
    assert server.hit(KEYS) == 3


def test_flood_of_unknown_kids_from_many_threads(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock)
    v.validate(token(keys.rsa, "k1"))
    slow_keys = (200, server.routes[KEYS][1])

    def slow(handler):  # keep the refetch in flight while the flood arrives
        time.sleep(0.2)
        handler.reply(*slow_keys)

    server.set(KEYS, slow)
    tokens = [token(keys.rsa, f"unknown-{i}") for i in range(8)]

    def flood(_):
        results = []
        for t in tokens:
            try:
                v.validate(t)
                results.append("valid")
            except jwtguard.TokenSignatureKeyNotFoundError:
                results.append("miss")
        return results

    for window in range(3):
        before = server.hit(KEYS)
        with ThreadPoolExecutor(max_workers=16) as pool:
            outcomes = [r for rs in pool.map(flood, range(32)) for r in rs]
        assert outcomes == ["miss"] * (32 * 8)
        assert server.hit(KEYS) - before <= 1, f"window {window}: {server.hit(KEYS) - before} refetches"
        clock.advance(300)
    assert server.hit(KEYS) <= 1 + 3


def test_rotation_under_concurrency_is_single_flight(server, clock, keys):
    """Many threads meet a new kid at once: one fetch, everyone retries with it."""
    serve(server, jwks(public_jwk(keys.rsa, "old")))
    v = make_validator(server, clock)
    v.validate(token(keys.rsa, "old"))
    rotated = jwks(public_jwk(keys.rsa, "old"), public_jwk(keys.rsa_b, "new"))
    import json as _json

    body = _json.dumps(rotated).encode()

    def slow(handler):
        time.sleep(0.3)
        handler.reply(200, body)

    server.set(KEYS, slow)
    new_token = token(keys.rsa_b, "new")
    barrier = threading.Barrier(16)

    def one(_):
        barrier.wait()
        return v.validate(new_token)["sub"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(one, range(16)))
    assert results == ["user-1"] * 16
    assert server.hit(KEYS) == 2  # the initial fetch and exactly one refetch


# --- scheduled refresh and failures ---------------------------------------------------------


def test_keys_are_refreshed_every_hour(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock)
    v.validate(token(keys.rsa, "k1"))
    clock.advance(3599)
    v.validate(token(keys.rsa, "k1"))
    assert server.hit(KEYS) == 1
    clock.advance(1)
    v.validate(token(keys.rsa, "k1"))
    assert (server.hit(CONFIG), server.hit(KEYS)) == (2, 2)


@pytest.mark.parametrize(
    "failure",
    [
        "http 500",
        "invalid json",
        "not a key set",
        "oversized",
        "config without jwks_uri",
        "jwks_uri not https",
        "server down",
    ],
)
def test_a_failed_refresh_keeps_the_last_good_keys(server, clock, keys, caplog, failure):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock, max_response_bytes=4096)
    good = token(keys.rsa, "k1")
    assert v.validate(good)
    if failure == "http 500":
        server.set(KEYS, (500, b"oops"))
    elif failure == "invalid json":
        server.set(KEYS, (200, b'{"keys": [}'))
    elif failure == "not a key set":
        server.set(KEYS, {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})
    elif failure == "oversized":
        server.set(KEYS, (200, b" " * 5000 + b"{}"))
    elif failure == "config without jwks_uri":
        server.set(CONFIG, {"issuer": ISSUER})
    elif failure == "jwks_uri not https":
        server.set(CONFIG, {"issuer": ISSUER, "jwks_uri": "http://keys.example/keys"})
    elif failure == "server down":
        server.stop()
    clock.advance(3600)
    with caplog.at_level(logging.WARNING, logger="jwtguard"):
        assert v.validate(good)["sub"] == "user-1"
    assert any("keeping the last good keys" in r.getMessage() for r in caplog.records), caplog.text
    assert isinstance(v.last_error, jwtguard.DiscoveryError)
    if failure == "not a key set":
        assert v.last_error.reason == "KeySetNoUsableKey"
    if failure != "server down":
        # The failure is retried after the core's back-off (10 s), not on every request.
        hits = server.hit(KEYS) + server.hit(CONFIG)
        clock.advance(9)
        v.validate(good)
        assert server.hit(KEYS) + server.hit(CONFIG) == hits
        serve(server, jwks(public_jwk(keys.rsa, "k1"), public_jwk(keys.ec, "k2")))
        clock.advance(1)
        assert v.validate(token(keys.ec, "k2"))
        assert v.last_error is None


def test_first_use_without_keys_is_a_clear_error(server, clock, keys):
    server.set(CONFIG, (503, b"unavailable"))
    v = make_validator(server, clock)
    with pytest.raises(jwtguard.DiscoveryError) as info:
        v.validate(token(keys.rsa, "k1"))
    e = info.value
    assert isinstance(e, jwtguard.KeySetError) and isinstance(e, ValueError)
    assert "no signing keys are available" in str(e) and "HTTP 503" in str(e)
    assert e.url == server.url(CONFIG)
    assert server.hit(CONFIG) == 1
    with pytest.raises(jwtguard.DiscoveryError):  # within the retry interval: no fetch
        v.validate(token(keys.rsa, "k1"))
    assert server.hit(CONFIG) == 1
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    clock.advance(60)
    assert v.validate(token(keys.rsa, "k1"))


def test_no_keys_yet_is_the_cores_answer(server, keys):
    """The core's verifier says when no source has keys (DiscoveryError, its detail),
    which is not a kid miss once keys are there (TokenSignatureKeyNotFoundError)."""
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    verifier = jwtguard._jwtguard._Verifier(
        jwtguard.Policy(audiences=[AUDIENCE]), [("openid", server.url(CONFIG), "discovered")], allow_http_loopback=True
    )
    with pytest.raises(jwtguard.DiscoveryError) as info:
        verifier.verify(token(keys.rsa, "k1"), NOW)
    assert (info.value.reason, info.value.url) == ("TokenSignatureKeyNotFound", None)
    assert "no signing keys are available yet" in info.value.detail
    v = make_validator(server, FakeClock())
    assert v.validate(token(keys.rsa, "k1"))["sub"] == "user-1"
    with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError) as miss:
        v.validate(token(keys.rsa, "unknown"))
    assert not isinstance(miss.value, jwtguard.DiscoveryError)


def test_discover_reads_the_configuration_with_the_core_rules(server):
    """discover() takes issuer and jwks_uri as the core's key source takes them; a
    document the core refuses is a DiscoveryError with the core's reason."""
    url = serve(server, {"keys": []})
    config = discovery.discover(url, allow_http_loopback=True)
    assert (config.issuer, config.jwks_uri) == (ISSUER, server.url(KEYS))
    assert config.document == {"issuer": ISSUER, "jwks_uri": server.url(KEYS)}
    for document, detail in [
        ({"jwks_uri": server.url(KEYS)}, "no issuer"),
        ({"issuer": "", "jwks_uri": server.url(KEYS)}, "no issuer"),
        ({"issuer": ISSUER}, "no jwks_uri"),
        ({"issuer": ISSUER, "jwks_uri": 42}, "no jwks_uri"),
        ({"issuer": ISSUER, "jwks_uri": "http://keys.example/keys"}, "plain http to a host that is not loopback"),
        ((200, b"[1, 2]"), "not a JSON object"),
    ]:
        server.set(CONFIG, document)
        with pytest.raises(jwtguard.DiscoveryError) as info:
            discovery.discover(url, allow_http_loopback=True)
        assert info.value.reason == "KeySetMalformed" and info.value.url == url
        assert detail in str(info.value), str(info.value)
    # A loopback jwks_uri needs the flag, as for the Validator.
    server.set(CONFIG, {"issuer": ISSUER, "jwks_uri": server.url(KEYS)})
    with pytest.raises(jwtguard.DiscoveryError):
        discovery.discover(url, allow_http_loopback=False)


def test_first_fetch_of_an_unusable_key_set(server, clock, keys):
    serve(server, {"keys": []})
    v = make_validator(server, clock)
    with pytest.raises(jwtguard.DiscoveryError) as info:
        v.validate(token(keys.rsa, "k1"))
    assert info.value.reason == "KeySetNoUsableKey"


def test_timeouts(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    release = threading.Event()

    def hang(handler):
        release.wait(5)
        handler.reply(200, b"{}")

    server.set(CONFIG, hang)
    v = make_validator(server, clock, timeout=0.3)
    started = time.monotonic()
    try:
        with pytest.raises(jwtguard.DiscoveryError) as info:
            v.validate(token(keys.rsa, "k1"))
    finally:
        release.set()
    assert time.monotonic() - started < 2.5
    assert "timed out" in str(info.value)


def test_slow_body_is_cut_at_the_deadline(server, keys):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(50):
            handler.wfile.write(b" " * 10)
            handler.wfile.flush()
            time.sleep(0.1)

    server.set("/slow", trickle)
    started = time.monotonic()
    with pytest.raises(jwtguard.DiscoveryError) as info:
        discovery.fetch(server.url("/slow"), allow_http_loopback=True, timeout=0.5)
    assert time.monotonic() - started < 2.5
    assert "timed out" in str(info.value)


def test_response_size_cap(server):
    server.set("/big", (200, b"x" * 2000))
    with pytest.raises(jwtguard.DiscoveryError, match="exceeds the limit"):
        discovery.fetch(server.url("/big"), allow_http_loopback=True, max_response_bytes=1000)

    def chunked(handler):  # no Content-Length: the cap applies while reading
        handler.send_response(200)
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(b"y" * 3000)

    server.set("/chunked", chunked)
    with pytest.raises(jwtguard.DiscoveryError, match="exceeds the limit"):
        discovery.fetch(server.url("/chunked"), allow_http_loopback=True, max_response_bytes=1000)
    assert discovery.fetch(server.url("/big"), allow_http_loopback=True, max_response_bytes=2000) == b"x" * 2000


# --- the https-only rule -------------------------------------------------------------------


@pytest.mark.parametrize(
    "host,loopback",
    [
        ("127.0.0.1", True),
        ("127.10.20.30", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LOCALHOST", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("127.0.0.1.example.com", False),
        ("127.1", False),
        ("", False),
        (None, False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert discovery.is_loopback_host(host) is loopback


@pytest.mark.parametrize(
    "url,allowed,with_flag",
    [
        ("https://login.example/x", True, True),
        ("http://login.example/x", False, False),
        ("http://127.0.0.1:8080/x", False, True),
        ("http://[::1]:8080/x", False, True),
        ("http://localhost/x", False, True),
        ("ftp://login.example/x", False, False),
        ("file:///etc/passwd", False, False),
        ("https:///no-host", False, False),
        ("login.example/x", False, False),
        ("https://user:secret@login.example/x", False, False),  # credentials
        ("https://login.example/a b", False, False),
        ("http://0:0:0:0:0:0:0:1/x", False, False),  # loopback as the core writes it only
    ],
)
def test_url_rule(url, allowed, with_flag):
    for flag, expect in ((False, allowed), (True, with_flag)):
        if expect:
            assert discovery.check_url(url, flag) == url
        else:
            with pytest.raises(jwtguard.DiscoveryError):
                discovery.check_url(url, flag)


def test_http_loopback_is_refused_unless_allowed(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    with pytest.raises(jwtguard.DiscoveryError, match="allow_http_loopback"):
        make_validator(server, clock, allow_http_loopback=False)
    with pytest.raises(jwtguard.DiscoveryError, match="plain http to a host that is not loopback"):
        jwtguard.Validator(
            "http://login.example/.well-known/openid-configuration",
            policy=jwtguard.Policy(audiences=["a"]),
            allow_http_loopback=True,
        )
    assert server.hit(CONFIG) == 0


def test_redirects_only_to_allowed_urls(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    server.set("/moved", lambda h: h.reply(302, b"", {"Location": CONFIG}))  # relative, loopback http: allowed
    assert b"jwks_uri" in discovery.fetch(server.url("/moved"), allow_http_loopback=True)
    server.set("/away", lambda h: h.reply(302, b"", {"Location": "http://login.example/keys"}))
    with pytest.raises(jwtguard.DiscoveryError, match="refusing redirect"):
        discovery.fetch(server.url("/away"), allow_http_loopback=True)
    server.set("/file", lambda h: h.reply(301, b"", {"Location": "file:///etc/passwd"}))
    with pytest.raises(jwtguard.DiscoveryError):
        discovery.fetch(server.url("/file"), allow_http_loopback=True)
    server.set("/loop", lambda h: h.reply(302, b"", {"Location": "/loop"}))
    with pytest.raises(jwtguard.DiscoveryError):
        discovery.fetch(server.url("/loop"), allow_http_loopback=True)
    assert server.hit("/loop") <= discovery.MAX_REDIRECTS + 1


def test_https_certificates_are_verified(clock):
    """A TLS server with a self-signed certificate is refused (default SSL context)."""
    import ssl
    import subprocess
    import tempfile
    import http.server

    with tempfile.TemporaryDirectory() as d:
        cert, key = f"{d}/c.pem", f"{d}/k.pem"
        made = subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-keyout",
                key,
                "-out",
                cert,
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
            ],
            capture_output=True,
        )
        if made.returncode != 0:
            pytest.skip("openssl is not available to make a certificate")
        httpd = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            with pytest.raises(jwtguard.DiscoveryError, match="(?i)certificate"):
                discovery.fetch(f"https://127.0.0.1:{httpd.server_address[1]}/x", timeout=2)
        finally:
            httpd.shutdown()
            httpd.server_close()


# --- several sources ------------------------------------------------------------------------


def test_several_configurations(server, clock, keys):
    a = server.openid("/a", "https://a.example/", jwks(public_jwk(keys.rsa, "ka")))
    b = server.openid("/b", "https://b.example/", jwks(public_jwk(keys.ec, "kb")))
    v = jwtguard.Validator([a, b], policy=jwtguard.Policy(audiences=[AUDIENCE]), allow_http_loopback=True, clock=clock)
    assert v.validate(mint(keys.rsa, "ka", claims(iss="https://a.example/", exp=LONG)))
    assert v.validate(mint(keys.ec, "kb", claims(iss="https://b.example/", exp=LONG)))
    assert v.issuers == ("https://a.example/", "https://b.example/")
    assert len(v.key_sets) == 2
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError):
        v.validate(mint(keys.ec, "kb", claims(iss="https://c.example/")))
    # One source failing does not affect the other.
    server.set("/b/keys", (500, b""))
    clock.advance(3600)
    assert v.validate(mint(keys.rsa, "ka", claims(iss="https://a.example/", exp=LONG)))
    assert v.validate(mint(keys.ec, "kb", claims(iss="https://b.example/", exp=LONG)))


def test_jwks_uri_and_static_sources(server, clock, keys):
    server.set("/keys", jwks(public_jwk(keys.rsa, "remote")))
    static = jwtguard.KeySet.from_jwks(jwks(public_jwk(keys.ec, "local")))
    v = jwtguard.Validator(
        jwks_uri=server.url("/keys"),
        keys=static,
        policy=jwtguard.Policy(audiences=[AUDIENCE], issuers=[ISSUER]),
        allow_http_loopback=True,
        clock=clock,
    )
    assert v.validate(token(keys.rsa, "remote"))
    assert v.validate(token(keys.ec, "local"))
    assert v.sources == (("jwks", server.url("/keys")), ("static", None))


def test_entra_multi_tenant_configuration(server, keys):
    """The real 2025 Entra keys behind a local 'common' configuration whose issuer is the
    {tenantid} template: each token's tid fills it, and only allowed tenants pass."""
    import json as _json
    from conftest import published_vectors

    root = published_vectors() / "entra"
    document = _json.loads((root / "ii_ms_jwks_2025.json").read_text())
    cases = {c["token_file"]: c for c in _json.loads((root / "cases.json").read_text())["cases"]}
    url = server.openid("/common/v2.0", jwtguard.entra.issuer("common"), document)
    for name in ("ii_ms_token1.jwt", "ii_ms_token3_msa.jwt"):
        case = cases[name]
        token = (root / name).read_text().strip()
        for tenants, allowed in (([case["tid"].upper()], True), (["00000000-0000-0000-0000-000000000001"], False), ([], False)):
            v = jwtguard.Validator(
                url,
                policy=jwtguard.Policy(audiences=[case["aud"]], allowed_tenants=tenants),
                allow_http_loopback=True,
                clock=FakeClock(case["verify_at"]),
            )
            if allowed:
                assert v.validate(token)["tid"] == case["tid"]
            else:
                with pytest.raises(jwtguard.TokenIssuerNotAllowedError, match="tenant"):
                    v.validate(token)


# --- asyncio ---------------------------------------------------------------------------------


def test_async_validation_does_not_block_the_event_loop(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    body = server.routes[KEYS][1]

    def slow(handler):
        time.sleep(0.6)
        handler.reply(200, body)

    server.set(KEYS, slow)
    v = make_validator(server, clock)

    async def main():
        ticks = 0
        done = asyncio.Event()

        async def ticker():
            nonlocal ticks
            while not done.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        task = asyncio.ensure_future(ticker())
        started = time.monotonic()
        results = await asyncio.gather(*[v.validate_async(token(keys.rsa, "k1")) for _ in range(5)])
        elapsed = time.monotonic() - started
        done.set()
        await task
        return results, ticks, elapsed

    results, ticks, elapsed = asyncio.run(main())
    assert [r["sub"] for r in results] == ["user-1"] * 5
    assert elapsed >= 0.5
    assert ticks >= 15, f"the loop ticked only {ticks} times during a {elapsed:.2f} s fetch"
    assert server.hit(KEYS) == 1  # the five concurrent first uses shared one fetch

    async def rotated():
        serve(server, jwks(public_jwk(keys.rsa_b, "k2")))
        claims_ = await v.validate_async(token(keys.rsa_b, "k2"))
        with pytest.raises(jwtguard.TokenSignatureKeyNotFoundError):
            await v.validate_async(token(keys.rsa_b, "k3"))
        detailed = await v.validate_detailed_async(token(keys.rsa_b, "k2"))
        return claims_, detailed

    claims_, detailed = asyncio.run(rotated())
    assert claims_["sub"] == "user-1" and detailed.key_kid == "k2"
    assert server.hit(KEYS) == 2
    assert asyncio.run(v.refresh_async()) is True
    assert server.hit(KEYS) == 3


def test_a_servers_reason_phrase_never_reaches_errors_or_logs(server, clock, keys, caplog):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock)
    assert v.refresh() is True

    def hostile(handler):
        handler.send_response(502, "Bad\x1b[31m Gateway\x00 X-Injected: 1")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    server.set(KEYS, hostile)
    with caplog.at_level(logging.WARNING):
        assert v.refresh() is False
    assert "HTTP 502 Bad Gateway" in str(v.last_error)
    for text in [str(v.last_error)] + [r.getMessage() for r in caplog.records]:
        assert "X-Injected" not in text and "\x1b" not in text and "\x00" not in text


def test_refresh_reports_failures(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    v = make_validator(server, clock)
    assert v.refresh() is True
    server.set(KEYS, (404, b""))
    assert v.refresh() is False
    assert "HTTP 404" in str(v.last_error)
    assert v.validate(token(keys.rsa, "k1"))
    assert wait_until(lambda: True)
    assert isinstance(server, LocalServer)


def test_a_refresh_interval_under_one_second_is_refused(server, clock, keys):
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    for interval in (0, 0.5):
        with pytest.raises(jwtguard.PolicyError):
            make_validator(server, clock, refresh_interval=interval)
    v = make_validator(server, clock, refresh_interval=1)
    assert v.validate(token(keys.rsa, "k1"))["sub"] == "user-1"


def test_a_cache_without_a_time_to_live_is_refused(server, clock, keys):
    # the core's rule, as in C and nginx: a cache with room needs at least 1 second
    serve(server, jwks(public_jwk(keys.rsa, "k1")))
    for ttl in (0, 0.5):
        with pytest.raises(jwtguard.PolicyError, match="time to live of at least 1 second"):
            make_validator(server, clock, cache_ttl=ttl)
    v = make_validator(server, clock, cache_size=0, cache_ttl=0)   # no cache at all
    assert v.validate(token(keys.rsa, "k1"))["sub"] == "user-1"
    v = make_validator(server, clock, cache_ttl=1)
    assert v.validate(token(keys.rsa, "k1"))["sub"] == "user-1"
