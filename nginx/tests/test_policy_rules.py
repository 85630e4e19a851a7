"""Today's token rules in nginx, each a core rule reached through a directive:
jwtguard_token_type (RFC 9068 `at+jwt`), jwtguard_allowed_tenants (multi-tenant
Microsoft Entra issuers), jwtguard_require_claim ... fallback= (the azp/appid pair), and
jwtguard_apim_policy's tenant=, any_tenant and values= parameters. Debian's nginx with
the module, two workers, a real backend; tokens minted by PyJWT."""

import collections
import os
import time

import pytest

from harness import Backend, Key, Nginx, free_port, jwks, request, stop_and_check, write_atomic
from test_apim_policy import conf_error

KEY = Key("k1")
API = "api://orders"
ISSUER = "https://issuer.example/"
MULTI = "https://login.microsoftonline.com/{tenantid}/v2.0"
T1 = "6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b"
T2 = "0c0f6a1e-1111-4e5f-9a4b-3c2d1e0f9a8b"
T3 = "7d7d7d7d-2222-4e5f-9a4b-3c2d1e0f9a8b"
BACKEND_APP = "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8"
CLIENT_APP = "2d7c9e41-5a6b-4c8d-9e0f-1a2b3c4d5e6f"

MULTI_POLICY = f"""<validate-azure-ad-token tenant-id="organizations">
  <client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids>
  <backend-application-ids><application-id>{BACKEND_APP}</application-id></backend-application-ids>
</validate-azure-ad-token>
"""

# the same single-tenant policy with its ids as APIM named values
VALUES_POLICY = """<validate-azure-ad-token tenant-id="{{tenant}}">
  <client-application-ids><application-id>{{client-app}}</application-id></client-application-ids>
  <backend-application-ids><application-id>{{backend-app}}</application-id></backend-application-ids>
</validate-azure-ad-token>
"""
VALUES = f"""# named values of the API Management instance
tenant = {T1}
client-app = {CLIENT_APP}
backend-app={BACKEND_APP}
"""


def token(typ="JWT", **over):
    now = int(time.time())
    c = {"aud": API, "iss": ISSUER, "iat": now, "exp": now + 600, "sub": "user-1"}
    c.update(over)
    return KEY.sign({k: v for k, v in c.items() if v is not None}, headers={"typ": typ})


def entra(tenant, **over):
    c = {"aud": BACKEND_APP, "iss": f"https://login.microsoftonline.com/{tenant}/v2.0", "tid": tenant,
         "azp": CLIENT_APP}
    c.update(over)
    return token(**c)


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    port, apim_port = free_port(), free_port()
    ng = Nginx("")
    d = ng.dir
    write_atomic(os.path.join(d, "keys.json"), jwks(KEY))
    write_atomic(os.path.join(d, "multi.xml"), MULTI_POLICY)
    write_atomic(os.path.join(d, "values.xml"), VALUES_POLICY)
    write_atomic(os.path.join(d, "named.values"), VALUES)
    ng.write_conf(f"""
    upstream backend {{ server 127.0.0.1:{backend.port}; }}
    server {{
        listen 127.0.0.1:{port};
        jwtguard on;
        jwtguard_keys_file {d}/keys.json;
        jwtguard_audience {API};
        jwtguard_issuer {ISSUER};
        add_header X-Jwtguard-Error $jwtguard_error always;

        location /any-type/ {{ proxy_pass http://backend; }}
        location /at/ {{ jwtguard_token_type at+jwt; proxy_pass http://backend; }}
        location /multi/ {{
            jwtguard_audience {BACKEND_APP};
            jwtguard_issuer "{MULTI}";   # quoted: braces delimit blocks
            jwtguard_allowed_tenants {T1} {T2};
            proxy_pass http://backend;
        }}
        location /multi-any/ {{
            jwtguard_audience {BACKEND_APP};
            jwtguard_issuer "{MULTI}";
            jwtguard_allowed_tenants any;
            proxy_pass http://backend;
        }}
        location /client/ {{
            jwtguard_require_claim azp {CLIENT_APP} fallback=appid;
            proxy_pass http://backend;
        }}
    }}
    server {{
        listen 127.0.0.1:{apim_port};
        jwtguard_keys_file {d}/keys.json;
        add_header X-Jwtguard-Error $jwtguard_error always;

        location /apim-multi/ {{
            jwtguard on;
            jwtguard_apim_policy {d}/multi.xml tenant={T1} tenant={T2};
            proxy_pass http://backend;
        }}
        location /apim-multi-any/ {{
            jwtguard on;
            jwtguard_apim_policy {d}/multi.xml any_tenant;
            proxy_pass http://backend;
        }}
        location /apim-values/ {{
            jwtguard on;
            # relative to the configuration's directory, as the policy's path is
            jwtguard_apim_policy values.xml values=named.values;
            proxy_pass http://backend;
        }}
    }}
""")
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        raise
    e = collections.namedtuple("Env", "port apim_port nginx")(port, apim_port, ng)
    try:
        yield e
    finally:
        stop_and_check(ng, backend)


def status(port, path, tok):
    st, h, _ = request(port, path, {"Authorization": f"Bearer {tok}"})
    return st, h.get("x-jwtguard-error")


def test_token_type_at_jwt(env):
    for typ in ("at+jwt", "application/at+JWT"):
        assert status(env.port, "/at/", token(typ=typ)) == (200, None), typ
    # an ID token (typ JWT) is not an access token here, and is elsewhere
    assert status(env.port, "/at/", token()) == (401, "TokenTypeNotAllowed")
    assert status(env.port, "/at/", token(typ=None)) == (401, "TokenTypeNotAllowed")
    assert status(env.port, "/any-type/", token()) == (200, None)


def test_allowed_tenants(env):
    assert status(env.port, "/multi/", entra(T1)) == (200, None)
    assert status(env.port, "/multi/", entra(T2)) == (200, None)
    assert status(env.port, "/multi/", entra(T3)) == (401, "TokenIssuerNotAllowed")
    # the issuer's tenant must be the token's own tid
    assert status(env.port, "/multi/", entra(T1, tid=T2)) == (401, "TokenIssuerNotAllowed")
    assert status(env.port, "/multi-any/", entra(T3)) == (200, None)
    assert status(env.port, "/multi-any/", entra(T3, tid=None)) == (401, "TokenIssuerNotAllowed")


def test_required_claim_with_fallback(env):
    assert status(env.port, "/client/", token(azp=CLIENT_APP)) == (200, None)
    assert status(env.port, "/client/", token(appid=CLIENT_APP)) == (200, None)
    assert status(env.port, "/client/", token(appid="someone-else")) == (401, "TokenClaimValueNotAllowed")
    # azp decides when present
    assert status(env.port, "/client/", token(azp="someone-else", appid=CLIENT_APP)) \
        == (401, "TokenClaimValueNotAllowed")
    assert status(env.port, "/client/", token()) == (401, "TokenClaimNotFound")


def test_apim_multi_tenant_parameters(env):
    assert status(env.apim_port, "/apim-multi/", entra(T1)) == (200, None)
    assert status(env.apim_port, "/apim-multi/", entra(T2)) == (200, None)
    assert status(env.apim_port, "/apim-multi/", entra(T3)) == (401, "TokenIssuerNotAllowed")
    assert status(env.apim_port, "/apim-multi/", entra(T1, azp="other")) == (401, "TokenClaimValueNotAllowed")
    assert status(env.apim_port, "/apim-multi-any/", entra(T3)) == (200, None)


def test_apim_named_values_file(env):
    assert status(env.apim_port, "/apim-values/", entra(T1)) == (200, None)
    assert status(env.apim_port, "/apim-values/", entra(T2)) == (401, "TokenIssuerNotAllowed")
    assert status(env.apim_port, "/apim-values/", entra(T1, aud="api://other")) == (401, "TokenAudienceNotAllowed")


# ---------------------------------------------------------------- nginx -t

QUOTED = '"' + MULTI.replace("{", "{{").replace("}", "}}") + '"'
SERVER = "server {{ listen 127.0.0.1:{p}; jwtguard on; jwtguard_keys_file {d}/keys.json; %s location / {{ return 204; }} }}"


def test_multi_tenant_issuer_needs_allowed_tenants():
    rc, out = conf_error({}, SERVER % f"jwtguard_audience {API}; jwtguard_issuer {QUOTED};")
    assert rc != 0 and "invalid policy" in out and "tenant" in out, out
    rc, out = conf_error({}, SERVER % f"jwtguard_audience {API}; jwtguard_issuer {QUOTED}; jwtguard_allowed_tenants any;")
    assert rc == 0, out
    rc, out = conf_error({}, SERVER % f"jwtguard_audience {API}; jwtguard_issuer {ISSUER}; jwtguard_allowed_tenants {T1} any;")
    assert rc != 0 and 'takes "any" alone' in out, out
    rc, out = conf_error({}, SERVER % f"jwtguard_audience {API}; jwtguard_issuer {ISSUER}; jwtguard_allowed_tenants a/b;")
    assert rc != 0 and "invalid policy" in out, out


def test_token_type_and_fallback_are_checked_by_the_core():
    rc, out = conf_error({}, SERVER % f"jwtguard_audience {API}; jwtguard_issuer {ISSUER}; jwtguard_token_type \"\";")
    assert rc != 0 and "empty value" in out, out
    rc, out = conf_error({}, SERVER % f"jwtguard_audience {API}; jwtguard_issuer {ISSUER}; jwtguard_require_claim azp x fallback=;")
    assert rc == 0, out   # an empty fallback is no fallback


APIM = "server {{ listen 127.0.0.1:{p}; jwtguard_keys_file {d}/keys.json; location / {{ jwtguard on; %s return 204; }} }}"


def test_apim_policy_parameters_are_checked():
    files = {"multi.xml": MULTI_POLICY, "values.xml": VALUES_POLICY}
    rc, out = conf_error(files, APIM % "jwtguard_apim_policy {d}/multi.xml;")
    assert rc != 0 and "MissingAllowedTenants" in out and "nginx: tenant=<tid>" in out, out
    rc, out = conf_error(files, APIM % "jwtguard_apim_policy {d}/multi.xml frobnicate;")
    assert rc != 0 and 'invalid parameter "frobnicate"' in out, out
    rc, out = conf_error(files, APIM % "jwtguard_apim_policy {d}/values.xml;")
    assert rc != 0 and "UnresolvedNamedValue" in out and "`tenant` is referenced" in out, out
    rc, out = conf_error(files, APIM % "jwtguard_apim_policy {d}/values.xml values={d}/missing.values;")
    assert rc != 0 and "cannot read named values" in out and "missing.values" in out, out
    # a named-values file that does not read names its line, never a value
    bad = VALUES.replace("backend-app=", "backend-app ") + "secret=hunter2\nsecret=hunter3\n"
    rc, out = conf_error({**files, "v": bad}, APIM % "jwtguard_apim_policy {d}/values.xml values={d}/v;")
    assert rc != 0 and "InvalidNamedValues" in out and "(line 4," in out, out
    assert BACKEND_APP not in out and "hunter" not in out, out
    rc, out = conf_error({**files, "v": VALUES + "secret=hunter2\nSECRET=hunter3\n"},
                         APIM % "jwtguard_apim_policy {d}/values.xml values={d}/v;")
    assert rc != 0 and '"SECRET" is given twice' in out and "hunter" not in out, out
    # a value that the policy refuses is quoted as its reference, never as the value
    rc, out = conf_error({**files, "v": VALUES.replace(T1, "common-secret-tenant")},
                         APIM % "jwtguard_apim_policy {d}/values.xml values={d}/v;")
    assert rc != 0 and "{{tenant}}" in out and "common-secret-tenant" not in out, out
    # tenant parameters are a jwtguard_apim_policy setting, not a directive beside it
    rc, out = conf_error(files, APIM % f"jwtguard_allowed_tenants {T1}; jwtguard_apim_policy {{d}}/multi.xml tenant={T1};")
    assert rc != 0 and 'conflicts with "jwtguard_allowed_tenants"' in out and '"tenant="' in out, out
