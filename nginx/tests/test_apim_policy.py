"""jwtguard_apim_policy: Azure API Management policy XML enforced by Debian's nginx with
the module (two workers, 127.0.0.1, a real backend). Tokens are minted with PyJWT +
cryptography, independent of jwtguard."""

import collections
import os
import shutil
import time

import pytest

from harness import Backend, Key, Nginx, free_port, jwks, request, stop_and_check, write_atomic

TENANT = "6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b"
BACKEND_APP = "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8"
CLIENT_APP = "2d7c9e41-5a6b-4c8d-9e0f-1a2b3c4d5e6f"
LOGIN = "https://login.partner.microsoftonline.cn"
DISCOVERY = f"{LOGIN}/{TENANT}/v2.0/.well-known/openid-configuration"
ISS_V2 = f"{LOGIN}/{TENANT}/v2.0"
ISS_V1 = f"https://sts.chinacloudapi.cn/{TENANT}/"
MESSAGE = "Unauthorized. Access token is missing or invalid."

KEY_A = Key("key-a")
KEY_B = Key("key-b")       # published only inline in no policy: a token signed by it is unknown
STRANGER = Key("key-a")    # same kid as KEY_A, another private key: a forgery

# The China-cloud policy of the APIM article.
CHINA = f"""<validate-jwt header-name="Authorization" failed-validation-httpcode="401"
    failed-validation-error-message="{MESSAGE}">
  <openid-config url="{DISCOVERY}" />
  <audiences><audience>{BACKEND_APP}</audience></audiences>
  <required-claims>
    <claim name="scp" match="any" separator=" ">
      <value>Files.Read</value>
      <value>Files.ReadWrite</value>
    </claim>
  </required-claims>
</validate-jwt>
"""

# The article's policy exactly as it prints it: the audience is restricted by a required
# claim on aud, with no <audiences> and no <issuers>.
ARTICLE = f"""<validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="{MESSAGE}">
    <openid-config url="{DISCOVERY}" />
    <required-claims>
        <claim name="aud">
            <value>{BACKEND_APP}</value>
        </claim>
    </required-claims>
</validate-jwt>
"""

# A whole policy document, 403 and APIM's per-failure texts.
FORBIDDEN = f"""<policies>
  <inbound>
    <base />
    <validate-jwt header-name="Authorization" failed-validation-httpcode="403" require-scheme="Bearer">
      <openid-config url="{DISCOVERY}" />
      <audiences><audience>{BACKEND_APP}</audience></audiences>
    </validate-jwt>
  </inbound>
  <backend><base /></backend>
</policies>
"""

QUERY = f"""<validate-jwt query-parameter-name="access_token" failed-validation-error-message="{MESSAGE}">
  <openid-config url="{DISCOVERY}" />
  <audiences><audience>{BACKEND_APP}</audience></audiences>
</validate-jwt>
"""

COOKIE = f"""<validate-jwt failed-validation-error-message="{MESSAGE}" token-value="@(context.Request.Headers.GetValueOrDefault(&quot;Cookie&quot;,&quot;&quot;).Split(';').Select(c =&gt; c.Trim()).FirstOrDefault(c =&gt; c.StartsWith(&quot;jwt=&quot;))?.Substring(4))">
  <openid-config url="{DISCOVERY}" />
  <audiences><audience>{BACKEND_APP}</audience></audiences>
</validate-jwt>
"""

LAST_WORD = f"""<validate-jwt failed-validation-error-message="{MESSAGE}" token-value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;).Split(' ').Last())">
  <openid-config url="{DISCOVERY}" />
  <audiences><audience>{BACKEND_APP}</audience></audiences>
</validate-jwt>
"""

HEADER = f"""<validate-jwt header-name="X-Token" failed-validation-error-message="{MESSAGE}">
  <openid-config url="{DISCOVERY}" />
  <audiences><audience>{BACKEND_APP}</audience></audiences>
</validate-jwt>
"""

# Auth0-style: a custom domain's discovery, its issuer (with the trailing slash), an API
# identifier as audience, and permissions that must all be present.
AUTH0_DOMAIN = "https://example-tenant.eu.auth0.com/"
AUTH0_API = "https://orders.example.com/api"
AUTH0 = f"""<validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="{MESSAGE}">
  <openid-config url="{AUTH0_DOMAIN}.well-known/openid-configuration" />
  <audiences><audience>{AUTH0_API}</audience></audiences>
  <issuers><issuer>{AUTH0_DOMAIN}</issuer></issuers>
  <required-claims>
    <claim name="permissions" match="all"><value>read:orders</value><value>write:orders</value></claim>
  </required-claims>
</validate-jwt>
"""


def inline_policy():
    return f"""<validate-jwt header-name="Authorization" failed-validation-error-message="{MESSAGE}">
  <issuer-signing-keys>
    <key id="{KEY_A.kid}" n="{KEY_A.jwk['n']}" e="{KEY_A.jwk['e']}" />
  </issuer-signing-keys>
  <audiences><audience>{BACKEND_APP}</audience></audiences>
  <issuers><issuer>{ISS_V2}</issuer></issuers>
</validate-jwt>
"""


AZURE = f"""<validate-azure-ad-token tenant-id="{TENANT}" authentication-endpoint="{LOGIN}" failed-validation-error-message="{MESSAGE}">
  <client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids>
  <backend-application-ids><application-id>{BACKEND_APP}</application-id></backend-application-ids>
</validate-azure-ad-token>
"""


def claims(**over):
    now = int(time.time())
    c = {"aud": BACKEND_APP, "iss": ISS_V2, "iat": now, "nbf": now - 5, "exp": now + 600,
         "tid": TENANT, "sub": "user-1", "scp": "User.Read Files.Read", "azp": CLIENT_APP}
    c.update(over)
    return {k: v for k, v in c.items() if v is not None}


def good(key=KEY_A, **over):
    return key.sign(claims(**over))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def http_conf(backend_port, port, inline_port, d):
    return f"""
    upstream backend {{ server 127.0.0.1:{backend_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        jwtguard on;
        jwtguard_keys_file {d}/keys.json;
        jwtguard_apim_policy {d}/china.xml;   # inherited; locations may name another
        jwtguard_realm api;
        add_header X-Jwtguard-Error $jwtguard_error always;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-Azp $jwtguard_claim_azp;

        location /china/ {{ proxy_pass http://backend; }}
        location /china-nocache/ {{
            jwtguard_cache_size off;
            proxy_pass http://backend;
        }}
        location /article/ {{ jwtguard_apim_policy {d}/article.xml; proxy_pass http://backend; }}
        location /forbidden/ {{ jwtguard_apim_policy {d}/forbidden.xml; proxy_pass http://backend; }}
        location /query/ {{ jwtguard_apim_policy {d}/query.xml; proxy_pass http://backend; }}
        location /cookie/ {{ jwtguard_apim_policy {d}/cookie.xml; proxy_pass http://backend; }}
        location /header/ {{ jwtguard_apim_policy {d}/header.xml; proxy_pass http://backend; }}
        location /last-word/ {{ jwtguard_apim_policy {d}/last-word.xml; proxy_pass http://backend; }}
        location /azure/ {{ jwtguard_apim_policy {d}/azure.xml; proxy_pass http://backend; }}
        location /auth0/ {{ jwtguard_apim_policy {d}/auth0.xml; proxy_pass http://backend; }}
        location /open/ {{ jwtguard off; proxy_pass http://backend; }}
    }}
    server {{
        listen 127.0.0.1:{inline_port};
        # no keys directive: the policy's inline keys
        jwtguard on;
        jwtguard_apim_policy {d}/inline.xml;
        add_header X-Jwtguard-Error $jwtguard_error always;
        location / {{ proxy_pass http://backend; }}
    }}
"""


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    port, inline_port = free_port(), free_port()
    ng = Nginx("")
    d = ng.dir
    write_atomic(os.path.join(d, "keys.json"), jwks(KEY_A))
    for name, text in (("china", CHINA), ("article", ARTICLE), ("forbidden", FORBIDDEN), ("query", QUERY), ("cookie", COOKIE),
                       ("header", HEADER), ("last-word", LAST_WORD), ("inline", inline_policy()), ("azure", AZURE),
                       ("auth0", AUTH0)):
        write_atomic(os.path.join(d, name + ".xml"), text)
    ng.write_conf(http_conf(backend.port, port, inline_port, d))
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        raise
    e = collections.namedtuple("Env", "port inline_port nginx backend")(port, inline_port, ng, backend)
    try:
        yield e
    finally:
        stop_and_check(ng, backend)


def rejected(env, path, headers, status=401, body=MESSAGE, reason=None, port=None):
    st, h, text = request(port or env.port, path, headers)
    assert st == status, (st, h, text)
    assert text == body, text
    if reason is not None:
        assert h.get("x-jwtguard-error") == reason, h
    return h


def accepted(env, path, headers, port=None):
    st, h, text = request(port or env.port, path, headers)
    assert st == 200, (st, h, text)
    return h


# ---------------------------------------------------------------- the China-cloud policy

@pytest.mark.parametrize("path", ["/china/", "/china-nocache/"])
def test_china_policy_end_to_end(env, path):
    accepted(env, path, bearer(good()))
    accepted(env, path, bearer(good(scp="Files.ReadWrite")))
    # the issuer comes from the discovery URL; another tenant's is refused
    rejected(env, path, bearer(good(iss=f"{LOGIN}/00000000-0000-0000-0000-000000000000/v2.0")),
             reason="TokenIssuerNotAllowed")
    rejected(env, path, bearer(good(aud="api://other")), reason="TokenAudienceNotAllowed")
    rejected(env, path, bearer(good(scp=None)), reason="TokenClaimNotFound")
    rejected(env, path, bearer(good(scp="User.Read Mail.Send")), reason="TokenClaimValueNotAllowed")
    now = int(time.time())
    rejected(env, path, bearer(good(exp=now - 10, nbf=now - 100)), reason="TokenExpired")
    rejected(env, path, bearer(good(key=STRANGER)), reason="TokenSignatureInvalid")
    rejected(env, path, bearer(good(key=KEY_B)), reason="TokenSignatureKeyNotFound")
    h = rejected(env, path, {}, reason=None)
    assert h["www-authenticate"] == 'Bearer realm="api"'
    # the module's default scheme applies when the policy sets no require-scheme
    rejected(env, path, {"Authorization": f"Basic {good()}"})
    # a cached token is still checked against the policy each time
    t = good()
    for _ in range(3):
        accepted(env, path, bearer(t))


def test_the_articles_policy_as_printed(env):
    accepted(env, "/article/", bearer(good()))
    accepted(env, "/article/", bearer(good(aud=["api://other", BACKEND_APP])))
    rejected(env, "/article/", bearer(good(aud="api://other")), reason="TokenAudienceNotAllowed")
    rejected(env, "/article/", bearer(good(iss=ISS_V1)), reason="TokenIssuerNotAllowed")
    rejected(env, "/article/", bearer(good(key=STRANGER)), reason="TokenSignatureInvalid")
    rejected(env, "/article/", {}, reason=None)


def test_china_policy_www_authenticate(env):
    h = rejected(env, "/china/", bearer(good(aud="api://other")))
    assert h["www-authenticate"] == \
        'Bearer realm="api", error="invalid_token", error_description="TokenAudienceNotAllowed"'


def test_discovery_url_logged_at_notice(env):
    log = env.nginx.log()
    assert "[notice]" in log
    assert f'signing keys are published through "{DISCOVERY}"' in log, log
    assert "china.xml" in log


# ---------------------------------------------------------------- other policies

def test_auth0_style_policy(env):
    def auth0(**over):
        base = dict(aud=[AUTH0_API, f"{AUTH0_DOMAIN}userinfo"], iss=AUTH0_DOMAIN, tid=None, scp=None, azp=None,
                    permissions=["read:orders", "write:orders", "read:invoices"])
        base.update(over)
        return KEY_A.sign(claims(**base))

    accepted(env, "/auth0/", bearer(auth0()))
    accepted(env, "/auth0/", bearer(auth0(aud=AUTH0_API)))
    rejected(env, "/auth0/", bearer(auth0(permissions=["read:orders"])), reason="TokenClaimValueNotAllowed")
    rejected(env, "/auth0/", bearer(auth0(permissions=None)), reason="TokenClaimNotFound")
    rejected(env, "/auth0/", bearer(auth0(iss=AUTH0_DOMAIN.rstrip("/"))), reason="TokenIssuerNotAllowed")
    rejected(env, "/auth0/", bearer(auth0(aud=f"{AUTH0_DOMAIN}userinfo")), reason="TokenAudienceNotAllowed")
    # the Entra tokens of the server's default policy are not Auth0 tokens
    rejected(env, "/auth0/", bearer(good()), reason="TokenAudienceNotAllowed")


def test_403_policy_with_default_texts(env):
    accepted(env, "/forbidden/", bearer(good()))
    rejected(env, "/forbidden/", {}, status=403, body="JWT not present.")
    rejected(env, "/forbidden/", bearer(good(aud="api://other")), status=403,
             body="JWT validation failed: token audience is not allowed.", reason="TokenAudienceNotAllowed")
    now = int(time.time())
    rejected(env, "/forbidden/", bearer(good(exp=now - 10, nbf=now - 100)), status=403,
             body="JWT validation failed: token has expired.")
    # require-scheme="Bearer": compared case-insensitively, another scheme is no token
    accepted(env, "/forbidden/", {"Authorization": f"bearer {good()}"})
    rejected(env, "/forbidden/", {"Authorization": f"JWT {good()}"}, status=403, body="JWT not present.")


def test_query_parameter_policy(env):
    t = good()
    accepted(env, f"/query/?access_token={t}", {})
    accepted(env, f"/query/?a=1&access_token={t}&b=2", {})
    # read decoded, as APIM reads query parameters
    accepted(env, "/query/?access_token=" + t.replace(".", "%2E"), {})
    # the name is exact, and there is no fallback to the Authorization header
    rejected(env, f"/query/?Access_Token={t}", {})
    rejected(env, f"/query/?xaccess_token={t}", {})
    rejected(env, "/query/", bearer(t), reason=None)
    other = good(aud='api://other')
    rejected(env, f"/query/?access_token={other}", {}, reason="TokenAudienceNotAllowed")
    # the reason is logged, the request line that holds the token is not
    time.sleep(0.2)
    log = env.nginx.log()
    assert "TokenAudienceNotAllowed" in log and "client: 127.0.0.1" in log
    assert other.split(".")[1] not in log and other.split(".")[2] not in log


def test_cookie_policy(env):
    t = good()
    accepted(env, "/cookie/", {"Cookie": f"a=1; jwt={t}; b=2"})
    accepted(env, "/cookie/", {"Cookie": f"jwt={t}"})
    accepted(env, "/cookie/", {"Cookie": "jwt=" + t.replace(".", "%2e")})
    rejected(env, "/cookie/", {"Cookie": f"xjwt={t}"})
    rejected(env, "/cookie/", bearer(t))
    rejected(env, "/cookie/", {"Cookie": f"jwt={good(key=STRANGER)}"}, reason="TokenSignatureInvalid")


def test_header_policy(env):
    t = good()
    accepted(env, "/header/", {"X-Token": t})
    accepted(env, "/header/", {"x-token": f"  {t} "})
    rejected(env, "/header/", bearer(t))


def test_last_word_policy(env):
    t = good()
    accepted(env, "/last-word/", bearer(t))
    accepted(env, "/last-word/", {"Authorization": f"Anything at all {t}"})
    accepted(env, "/last-word/", {"Authorization": t})
    rejected(env, "/last-word/", {"Authorization": "Bearer"}, reason="TokenMalformed")
    rejected(env, "/last-word/", {"X-Token": t})


def test_inline_key_policy_without_keys_directive(env):
    p = env.inline_port
    accepted(env, "/", bearer(good()), port=p)
    rejected(env, "/", bearer(good(key=STRANGER)), reason="TokenSignatureInvalid", port=p)
    # a kid the inline set does not hold: APIM tries every inline key (it fails here)
    rejected(env, "/", bearer(good(key=KEY_B)), port=p)
    rejected(env, "/", bearer(good(aud="api://other")), reason="TokenAudienceNotAllowed", port=p)
    assert "1 inline RSA keys" in env.nginx.log()


def test_client_application_ids(env):
    accepted(env, "/azure/", bearer(good()))
    # v1.0 token: no azp, the caller is appid; v1 issuer of the China cloud
    accepted(env, "/azure/", bearer(good(azp=None, appid=CLIENT_APP, iss=ISS_V1)))
    t = good(azp="11111111-2222-3333-4444-555555555555")
    for _ in range(2):   # never cached as a success
        rejected(env, "/azure/", bearer(t), reason="TokenClaimValueNotAllowed")
    rejected(env, "/azure/", bearer(good(azp=None)), reason="TokenClaimNotFound")
    rejected(env, "/azure/", bearer(good(azp=None, appid="someone-else")), reason="TokenClaimValueNotAllowed")
    # appid is not consulted when azp is present
    rejected(env, "/azure/", bearer(good(azp="someone-else", appid=CLIENT_APP)), reason="TokenClaimValueNotAllowed")
    rejected(env, "/azure/", bearer(good(aud="api://other")), reason="TokenAudienceNotAllowed")
    # a good token still passes after the cache holds it
    t = good()
    for _ in range(3):
        accepted(env, "/azure/", bearer(t))


def test_open_location_unaffected(env):
    accepted(env, "/open/", {})


# ---------------------------------------------------------------- nginx -t

def conf_error(files, body):
    ng = Nginx("")
    try:
        for name, text in files.items():
            write_atomic(os.path.join(ng.dir, name), text)
        write_atomic(os.path.join(ng.dir, "keys.json"), jwks(KEY_A))
        ng.write_conf(body.format(d=ng.dir, p=free_port()))
        return ng.test_conf()
    finally:
        shutil.rmtree(ng.dir, ignore_errors=True)


def test_refused_policy_fails_nginx_t():
    unsigned = CHINA.replace('header-name="Authorization"', 'header-name="Authorization" require-signed-tokens="false"')
    body = ("server {{ listen 127.0.0.1:{p}; jwtguard on; jwtguard_keys_file {d}/keys.json;"
            " jwtguard_apim_policy {d}/p.xml; location / {{ return 204; }} }}")
    rc, out = conf_error({"p.xml": unsigned}, body)
    assert rc != 0, out
    assert 'APIM policy "' in out and 'p.xml" refused' in out, out
    assert "UnsignedTokensRefused at <validate-jwt> @require-signed-tokens (line 1, column" in out, out
    for bad, kind, where in (
        (CHINA.replace("</audiences>", "</audiences><decryption-keys><key>c2VjcmV0</key></decryption-keys>"),
         "InvalidKey", "decryption-keys/key"),
        (CHINA.replace(BACKEND_APP, '@(context.Variables["aud"])'), "PolicyExpression", "audience"),
        (CHINA.replace("<audiences>", "<frobnicate /><audiences>"), "UnknownElement", "frobnicate"),
        ("<validate-jwt", "XmlMalformed", "p.xml"),
    ):
        rc, out = conf_error({"p.xml": bad}, body)
        assert rc != 0, out
        assert f"PolicyInvalid: {kind} at " in out and where in out, out
    rc, out = conf_error({}, body)
    assert rc != 0 and "cannot read APIM policy" in out, out
    # 1xx-3xx answers are not rejections nginx can send
    rc, out = conf_error({"p.xml": CHINA.replace('httpcode="401"', 'httpcode="302"')}, body)
    assert rc != 0 and "failed-validation-httpcode 302 is not supported here" in out, out
    rc, out = conf_error({"p.xml": CHINA}, body)
    assert rc == 0, out


@pytest.mark.parametrize("directive, where", [
    ("jwtguard_audience a;", "location"),
    ("jwtguard_audience a;", "server"),
    ("jwtguard_issuer https://i/;", "location"),
    ("jwtguard_require_claim scp;", "server"),
    ("jwtguard_clock_skew 5s;", "location"),
    ("jwtguard_require_expiration_time off;", "http"),
    ("jwtguard_token $arg_t;", "location"),
    ("jwtguard_require_scheme JWT;", "location"),
    ("jwtguard_failed_status 403;", "server"),
    ("jwtguard_failed_message nope;", "location"),
])
def test_policy_and_directive_conflict_fails_nginx_t(directive, where):
    at = {w: (directive if w == where else "") for w in ("http", "server", "location")}
    body = (at["http"] + " server {{ listen 127.0.0.1:{p}; jwtguard_keys_file {d}/keys.json; "
            + at["server"] + " location / {{ jwtguard on; jwtguard_apim_policy {d}/p.xml; " + at["location"]
            + " return 204; }} }}")
    rc, out = conf_error({"p.xml": CHINA}, body)
    name = directive.split()[0]
    assert rc != 0, out
    assert 'conflicts with "' + name + '"' in out, out
    assert 'jwtguard_apim_policy ' in out and 'p.xml"' in out, out


def test_policy_without_key_source_fails_nginx_t():
    body = "server {{ listen 127.0.0.1:{p}; location / {{ jwtguard on; jwtguard_apim_policy {d}/p.xml; return 204; }} }}"
    rc, out = conf_error({"p.xml": CHINA}, body)
    assert rc != 0 and "needs \"jwtguard_keys_file\"" in out and "<openid-config>" in out, out
    # a 16-byte secret is too short for HS256: the policy is refused at the key, and the
    # refusal does not show the secret
    short = inline_policy().replace(
        f'<key id="{KEY_A.kid}" n="{KEY_A.jwk["n"]}" e="{KEY_A.jwk["e"]}" />',
        '<key id="s">c2VjcmV0LXNlY3JldC1zZWNyZQ==</key>')
    rc, out = conf_error({"p.xml": short}, body)
    assert rc != 0 and "refused: PolicyInvalid: InvalidKey at " in out and "KeyTooSmall" in out, out
    assert "c2VjcmV0" not in out and "secret" not in out, out
    # a 34-byte secret loads as a symmetric key set of its own
    symmetric = short.replace("c2VjcmV0LXNlY3JldC1zZWNyZQ==", "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==")
    rc, out = conf_error({"p.xml": symmetric}, body)
    assert rc == 0, out
