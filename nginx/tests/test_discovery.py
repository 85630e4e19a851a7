"""jwtguard_openid_config: nginx follows each provider's OpenID configuration, as Azure API
Management does. Two workers, each with its own keys and schedule (no shared zone).

The providers are real HTTP servers on 127.0.0.1 (a stand-in serving a configuration
document and its JWK set, which the tests rotate, slow down and take down; and panva's
oidc-provider, an OpenID Certified provider, in test_oidc_provider_end_to_end). What is
checked:

- the keys come from the `jwks_uri` the document names (fetched through a location that
  proxies to `$jwtguard_jwks_uri`), and without `jwtguard_issuer` the issuer is the
  document's: its tokens pass, another issuer's are refused;
- with two providers, each one's keys verify only its own issuer's tokens;
- a key rotation is followed without a reload (an unknown kid refetches);
- a provider down keeps the last good keys, and says so in the error log;
- a slow provider at cold start: 30 concurrent requests wait for one fetch per worker;
- a configured issuer that differs from the document's is logged at warn;
- configurations that would let keys sign for any issuer are refused at `nginx -t`.
"""

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from harness import ROOT, Backend, Key, Nginx, free_port, jwks, request, stop_and_check
from providers import AUD, StandIn, at_once, get, locations_for, protected_location, provider_locations

sys.path.insert(0, os.path.join(ROOT, "tests", "oidc-provider"))
from launch import client_credentials, running  # noqa: E402

KEY_A, KEY_A2, KEY_B, KEY_C, KEY_D, KEY_S = (Key(k) for k in ("a1", "a2", "b1", "c1", "d1", "s1"))


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    a = StandIn("https://a.example/", KEY_A)
    b = StandIn("https://b.example/", KEY_B)
    c = StandIn("https://c.example/", KEY_C)
    d = StandIn("https://d.example/", KEY_D)
    s = StandIn("https://s.example/", KEY_S, delay=1.0)
    port = free_port()
    locations = "".join(provider_locations(n, p) for n, p in zip("abcds", (a, b, c, d, s)))
    ng = Nginx(f"""
    server {{
        listen 127.0.0.1:{port};
        jwtguard_audience {AUD};
        add_header X-Jwtguard-Error $jwtguard_error always;
        {locations}
        {protected_location("/a/", "a", backend.port)}
        location /both/ {{
            jwtguard on;
            jwtguard_openid_config /_oidc_a keys=/_jwks_a;
            jwtguard_openid_config /_oidc_b keys=/_jwks_b;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        {protected_location("/mismatch/", "c", backend.port, "jwtguard_issuer https://other.example/;")}
        {protected_location("/short/", "d", backend.port, "jwtguard_keys_cache 1s;")}
        {protected_location("/slow/", "s", backend.port)}
    }}
    """, workers=2)
    ng.start(port)
    yield {"port": port, "ng": ng, "a": a, "b": b, "c": c, "d": d, "s": s}
    stop_and_check(ng, backend, a, b, c, d, s)


def load_in_every_worker(env, path, token, keys_uri, timeout=10.0):
    """Sends the token until each worker has logged loading keys from `keys_uri`
    (workers share nothing: each fetches for itself)."""
    line = re.compile(r"\[notice\] (\d+)#\d+: .*keys request \"" + re.escape(keys_uri) + r'": \d+ keys')
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert get(env, path, token) == (200, "")
        if len(set(line.findall(env["ng"].log()))) == env["ng"].workers:
            return
    raise AssertionError(f"not every worker loaded {keys_uri}:\n" + env["ng"].log())


def test_keys_and_issuer_come_from_the_configuration(env):
    a = env["a"]
    for _ in range(4):  # both workers, whichever answers
        assert get(env, "/a/x", a.token(KEY_A)) == (200, "")
    # The keys were fetched at the jwks_uri the document named.
    assert f"/keys-{a.version}" in a.paths and a.hits["keys"] >= 1
    # No jwtguard_issuer: the document's issuer is the one allowed, and only for its keys.
    assert get(env, "/a/x", a.token(KEY_A, iss="https://b.example/")) == (401, "TokenIssuerNotAllowed")
    assert get(env, "/a/x", a.token(KEY_A, iss="https://evil.example/")) == (401, "TokenIssuerNotAllowed")
    log = env["ng"].log()
    assert re.search(r'\[notice\].*OpenID configuration "/_oidc_a": issuer "https://a.example/"', log), log


def test_each_providers_keys_verify_only_its_own_issuers_tokens(env):
    a, b = env["a"], env["b"]
    for _ in range(4):
        assert get(env, "/both/x", a.token(KEY_A)) == (200, "")
        assert get(env, "/both/x", b.token(KEY_B)) == (200, "")
    # Whoever controls provider B cannot mint tokens for A's users, nor the reverse.
    assert get(env, "/both/x", b.token(KEY_B, iss=a.issuer)) == (401, "TokenIssuerNotAllowed")
    assert get(env, "/both/x", a.token(KEY_A, iss=b.issuer)) == (401, "TokenIssuerNotAllowed")


def test_a_rotation_is_followed_without_a_reload(env):
    a = env["a"]
    assert get(env, "/a/x", a.token(KEY_A)) == (200, "")
    a.keys, a.version = [KEY_A, KEY_A2], 2  # a new key, at a new jwks_uri
    # Each worker meets the unknown kid, refetches configuration and keys, and verifies.
    for _ in range(6):
        assert get(env, "/a/x", a.token(KEY_A2)) == (200, "")
    assert "/keys-2" in a.paths
    # The old key stays valid while the provider publishes it.
    assert get(env, "/a/x", a.token(KEY_A)) == (200, "")


def test_a_provider_down_keeps_the_last_good_keys(env):
    d = env["d"]
    load_in_every_worker(env, "/short/x", d.token(KEY_D), "/_jwks_d")
    d.status = 503
    time.sleep(1.5)  # the keys are due again (jwtguard_keys_cache 1s)
    for _ in range(4):
        assert get(env, "/short/x", d.token(KEY_D)) == (200, "")
    log = env["ng"].log()
    assert re.search(r'\[error\].*OpenID configuration "/_oidc_d" failed \(status 503.*keeping the current keys',
                     log), log
    d.status = 200


def test_a_slow_provider_at_cold_start_is_fetched_once_per_worker(env):
    s = env["s"]
    token = s.token(KEY_S)
    assert at_once(env, "/slow/x", token) == [(200, "")] * 30
    # One configuration and one key set per worker (two workers, each its own).
    assert 1 <= s.hits["config"] <= 2 and 1 <= s.hits["keys"] <= 2, s.hits


def test_fetches_carry_none_of_the_clients_headers(env):
    """The locations above forward request headers (nginx's default), yet the provider
    never sees the client's token or cookies: the module's fetches carry none."""
    a = env["a"]
    status, _, _ = request(env["port"], "/both/x", {"Authorization": f"Bearer {a.token(KEY_A)}",
                                                     "Cookie": "session=secret", "X-Client": "1"})
    assert status == 200
    seen = {name for headers in a.headers + env["b"].headers for name in headers}
    assert seen and not seen & {"authorization", "cookie", "x-client"}, seen


def test_a_configured_issuer_that_differs_from_the_documents_is_warned(env):
    c = env["c"]
    assert get(env, "/mismatch/x", c.token(KEY_C)) == (401, "TokenIssuerNotAllowed")
    log = env["ng"].log()
    assert re.search(r'\[warn\].*OpenID configuration "/_oidc_c": issuer "https://c.example/", which the '
                     r"configured issuers do not allow", log), log


@pytest.mark.parametrize("directives, message", [
    ("jwtguard_openid_config /_oidc_a keys=/_jwks_a; jwtguard_keys_file {keys};",
     r'"jwtguard_keys_file .*keys.json" needs "issuer=<iss>"'),
    ("jwtguard_openid_config /_oidc_a keys=/_jwks_a; jwtguard_keys_request /_jwks;",
     r'"jwtguard_keys_request /_jwks" needs "issuer=<iss>"'),
    ("jwtguard_openid_config /_oidc_a;", r'needs "keys=<uri>"'),
    ("jwtguard_openid_config https://a.example/.well-known/openid-configuration keys=/_jwks_a;",
     r"needs a local URI"),
    ("jwtguard_openid_config /_oidc_a keys=https://a.example/keys;", r'"keys=" needs a local URI'),
])
def test_configurations_that_would_trust_any_issuer_are_refused(directives, message):
    rc, out = conf_test(directives)
    assert rc != 0 and re.search(message, out), out


def test_a_bound_key_file_beside_discovery_is_accepted():
    rc, out = conf_test("jwtguard_openid_config /_oidc keys=/_jwks; "
                        "jwtguard_keys_file {keys} issuer=https://files.example/;")
    assert rc == 0, out


def conf_test(directives):
    """`nginx -t` of a location with `directives` ({keys}: a key file's path)."""
    ng = Nginx("", workers=1)
    try:
        keys = f"{ng.dir}/keys.json"
        with open(keys, "w") as f:
            f.write(jwks(KEY_A))
        ng.write_conf(f"""
        server {{
            listen 127.0.0.1:{free_port()};
            jwtguard_audience {AUD};
            location / {{ jwtguard on; {directives.format(keys=keys)} }}
        }}""")
        return ng.test_conf()
    finally:
        shutil.rmtree(ng.dir, ignore_errors=True)


def test_oidc_provider_end_to_end(tmp_path):
    """panva's oidc-provider (OpenID Certified) issues RFC 9068 access tokens by the
    client-credentials grant; nginx finds its issuer and keys by discovery only."""
    backend = Backend()
    with running(Path(tmp_path) / "oidc-provider.log") as provider:
        port = free_port()
        rs256, es256 = provider.resources["RS256"], provider.resources["ES256"]
        ng = Nginx(f"""
        server {{
            listen 127.0.0.1:{port};
            jwtguard_audience {rs256} {es256};
            jwtguard_token_type at+jwt;
            add_header X-Jwtguard-Error $jwtguard_error always;
            {locations_for(provider.configuration_url)}
            location / {{
                jwtguard on;
                jwtguard_openid_config /_oidc keys=/_jwks;
                proxy_set_header X-Client $jwtguard_claim_client_id;
                proxy_pass http://127.0.0.1:{backend.port};
            }}
        }}""")
        ng.start(port)
        try:
            env = {"port": port}
            for resource in (rs256, es256):
                token = client_credentials(provider, resource)
                for _ in range(4):
                    status, _, body = request(port, "/api", {"Authorization": f"Bearer {token}"})
                    assert status == 200, body
                    assert json.loads(body)["headers"]["x-client"] == provider.client_id
            # A key the provider never published, under its issuer and audience.
            forged = Key("not-the-providers").sign(
                {"iss": provider.issuer, "aud": rs256, "exp": int(time.time()) + 600}, headers={"typ": "at+jwt"})
            assert get(env, "/api", forged) == (401, "TokenSignatureKeyNotFound")
            log = ng.log()
            assert re.search(r'\[notice\].*OpenID configuration "/_oidc": issuer "' + re.escape(provider.issuer), log)
        finally:
            stop_and_check(ng, backend)


def test_an_apim_policys_openid_config_is_fetched(tmp_path):
    """`<openid-config url>` of a validate-jwt policy, fetched through the locations
    given by `openid=` and `keys=`; the policy's inline key still verifies beside the
    discovered ones, as in APIM. The policy's URL is https (APIM requires it), so the
    configuration location proxies to the stand-in (`apim_nginx`)."""
    backend, e = Backend(), StandIn("https://e.example/", KEY_A)
    inline = Key("inline-rsa")
    n, exp = (inline.jwk[k] for k in ("n", "e"))
    port = free_port()
    policy = Path(tmp_path) / "policy.xml"
    policy.write_text(f"""
<validate-jwt header-name="Authorization" failed-validation-httpcode="401">
  <openid-config url="https://e.example/tenant-e/.well-known/openid-configuration" />
  <issuer-signing-keys><key n="{n}" e="{exp}" /></issuer-signing-keys>
  <audiences><audience>{AUD}</audience></audiences>
  <issuers><issuer>https://e.example/</issuer></issuers>
</validate-jwt>""")
    ng = apim_nginx(port, policy, e, backend)
    ng.start(port)
    try:
        env = {"port": port}
        for _ in range(4):
            assert get(env, "/apim/x", e.token(KEY_A)) == (200, "")
            assert get(env, "/apim/x", e.token(inline)) == (200, "")
        assert e.hits["config"] >= 1 and e.hits["keys"] >= 1
        assert config_urls(e) == {"https://e.example/tenant-e/.well-known/openid-configuration"}, e.headers
        # The discovered keys sign only for the discovered issuer, which the policy lists.
        assert get(env, "/apim/x", e.token(KEY_A, iss="https://f.example/")) == (401, "TokenIssuerNotAllowed")
    finally:
        stop_and_check(ng, backend, e)


def apim_nginx(port, policy, provider, backend):
    """nginx with `policy` at /apim/, its `<openid-config>` fetched through locations
    that proxy to the stand-in `provider` (the configuration's location passes
    `$jwtguard_openid_config_url` on in a header, which the stand-in records)."""
    return Nginx(f"""
    server {{
        listen 127.0.0.1:{port};
        add_header X-Jwtguard-Error $jwtguard_error always;
        location = /_apim_oidc {{
            internal;
            proxy_set_header X-Config-Url $jwtguard_openid_config_url;
            proxy_pass http://127.0.0.1:{provider.port}/.well-known/openid-configuration;
            subrequest_output_buffer_size 64k;
        }}
        location = /_apim_jwks {{
            internal;
            proxy_pass $jwtguard_jwks_uri;
            subrequest_output_buffer_size 64k;
        }}
        location /apim/ {{
            jwtguard on;
            jwtguard_apim_policy {policy} openid=/_apim_oidc keys=/_apim_jwks;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
    }}""")


def config_urls(provider):
    """The `$jwtguard_openid_config_url` of each configuration fetch the stand-in saw."""
    return {h.get("x-config-url") for h, p in zip(provider.headers, provider.paths) if p.endswith("configuration")}


def test_a_validate_azure_ad_token_policys_discovery_is_fetched(tmp_path):
    """`<validate-azure-ad-token tenant-id>`: the tenant's Entra ID discovery URL, which
    the policy derives, is fetched through `openid=` and `keys=`, and the tenant's
    issuer is the one allowed."""
    tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    issuer = f"https://login.microsoftonline.com/{tenant}/v2.0"
    backend, e = Backend(), StandIn(issuer, KEY_A)
    port = free_port()
    policy = Path(tmp_path) / "policy.xml"
    policy.write_text(f"""
<validate-azure-ad-token tenant-id="{tenant}">
  <audiences><audience>{AUD}</audience></audiences>
</validate-azure-ad-token>""")
    ng = apim_nginx(port, policy, e, backend)
    ng.start(port)
    try:
        env = {"port": port}
        for _ in range(4):
            assert get(env, "/apim/x", e.token(KEY_A, tid=tenant)) == (200, "")
        assert config_urls(e) == {f"{issuer}/.well-known/openid-configuration"}, e.headers
        other = "https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0"
        assert get(env, "/apim/x", e.token(KEY_A, iss=other)) == (401, "TokenIssuerNotAllowed")
    finally:
        stop_and_check(ng, backend, e)


@pytest.mark.parametrize("params, message", [
    ("openid=/_o", r'"openid=<uri>" and "keys=<uri>" go together'),
    ("keys=/_k", r'"openid=<uri>" and "keys=<uri>" go together'),
    ("openid=https://e.example/ keys=/_k", r'invalid parameter "openid=https://e.example/"'),
])
def test_apim_fetch_parameters_are_checked(tmp_path, params, message):
    policy = Path(tmp_path) / "policy.xml"
    policy.write_text(f"""<validate-jwt header-name="Authorization">
  <openid-config url="https://e.example/.well-known/openid-configuration" />
  <audiences><audience>{AUD}</audience></audiences>
</validate-jwt>""")
    ng = Nginx(f"""
    server {{
        listen 127.0.0.1:{free_port()};
        location / {{ jwtguard on; jwtguard_apim_policy {policy} {params}; }}
    }}""")
    try:
        rc, out = ng.test_conf()
        assert rc != 0 and re.search(message, out), out
    finally:
        shutil.rmtree(ng.dir, ignore_errors=True)
