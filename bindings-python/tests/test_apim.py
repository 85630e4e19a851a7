"""API Management policies through Python: ApimPolicy.from_xml and
Validator.from_apim_policy, enforced end to end on tokens minted by PyJWT, with
discovery from a real local HTTP server."""

from __future__ import annotations

import base64

import jwt  # PyJWT
import pytest

import jwtguard
from conftest import NOW, jwks, mint, public_jwk

TENANT = "6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b"
BACKEND = "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8"
CLIENT = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
CHINA_V2 = f"https://login.partner.microsoftonline.cn/{TENANT}/v2.0"
CHINA_V1 = f"https://sts.chinacloudapi.cn/{TENANT}/"

# The article's policy exactly as it prints it (placeholders filled): the audience is
# restricted by a required claim on aud; no <audiences>, no <issuers>.
ARTICLE_POLICY = f"""<validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized. Access token is missing or invalid.">
    <openid-config url="https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration" />
    <required-claims>
        <claim name="aud">
            <value>{BACKEND}</value>
        </claim>
    </required-claims>
</validate-jwt>"""

# The article's policy with <audiences> and a scope rule, inside a whole policy document.
CHINA_POLICY = f"""<policies>
  <inbound>
    <base />
    <validate-jwt header-name="Authorization" failed-validation-httpcode="401"
                  failed-validation-error-message="Unauthorized. Access token is missing or invalid.">
      <openid-config url="{CHINA_V2}/.well-known/openid-configuration" />
      <audiences><audience>{BACKEND}</audience></audiences>
      <required-claims>
        <claim name="scp" match="any" separator=" "><value>Files.Read</value><value>Files.ReadWrite</value></claim>
      </required-claims>
    </validate-jwt>
  </inbound>
</policies>"""

AZURE_AD_POLICY = f"""<validate-azure-ad-token tenant-id="{TENANT}"
    authentication-endpoint="https://login.partner.microsoftonline.cn" failed-validation-httpcode="403">
  <client-application-ids><application-id>{CLIENT}</application-id></client-application-ids>
  <backend-application-ids><application-id>{BACKEND}</application-id></backend-application-ids>
</validate-azure-ad-token>"""


def entra_claims(issuer: str = CHINA_V2, **extra):
    base = {"aud": BACKEND, "iss": issuer, "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3600, "tid": TENANT}
    base.update(extra)
    return {k: v for k, v in base.items() if v is not None}


def inline_policy(n: str, e: str) -> str:
    return f"""<validate-jwt query-parameter-name="access_token" clock-skew="30">
  <issuer-signing-keys><key id="inline-rsa" n="{n}" e="{e}" /></issuer-signing-keys>
  <audiences><audience>orders-api</audience></audiences>
  <issuers><issuer>https://issuer.example.com/</issuer></issuers>
</validate-jwt>"""


def test_the_china_cloud_policy_translates_exactly():
    apim = jwtguard.ApimPolicy.from_xml(CHINA_POLICY)
    assert apim.kind == "validate-jwt"
    assert apim.openid_config_urls == (f"{CHINA_V2}/.well-known/openid-configuration",)
    assert apim.derived_issuers == ((CHINA_V2, f"{CHINA_V2}/.well-known/openid-configuration"),)
    assert apim.token_source == jwtguard.TokenSource("header", "Authorization")
    assert apim.require_scheme is None
    assert apim.failed_validation_httpcode == 401
    assert apim.failed_validation_error_message == "Unauthorized. Access token is missing or invalid."
    assert apim.inline_keys == ()
    assert any("<base />" in note for note in apim.notes)
    policy = apim.policy
    assert policy.audiences == (BACKEND,)
    assert policy.issuers == (CHINA_V2,)
    assert policy.required_claims == (
        jwtguard.RequiredClaim("scp", ["Files.Read", "Files.ReadWrite"], match="any", separator=" "),
    )
    assert set(policy.algorithms) == {"RS256", "RS512", "PS256", "ES256"}
    assert policy.require_expiration_time and policy.clock_skew == 0
    assert policy.require_kid is False  # API Management tries the keys for a token without kid


def test_the_articles_policy_as_printed_works_end_to_end(server, keys):
    apim = jwtguard.ApimPolicy.from_xml(ARTICLE_POLICY)
    assert apim.policy.audiences == (BACKEND,)
    assert apim.policy.issuers == (CHINA_V2,)
    assert apim.policy.required_claims == (jwtguard.RequiredClaim("aud", [BACKEND]),)
    assert any("required claim `aud`" in note for note in apim.notes)
    url = server.openid("/article", CHINA_V2, jwks(public_jwk(keys.rsa, "k1")))
    validator = jwtguard.Validator.from_apim_policy(ARTICLE_POLICY, openid_config=url, allow_http_loopback=True)
    assert validator.validate(mint(keys.rsa, "k1", entra_claims()), now=NOW)["aud"] == BACKEND
    both = entra_claims(aud=["api://another", BACKEND])
    assert validator.validate(mint(keys.rsa, "k1", both), now=NOW)["aud"] == ["api://another", BACKEND]
    for reason, payload in {
        "TokenAudienceNotAllowed": entra_claims(aud="api://another"),
        "TokenIssuerNotAllowed": entra_claims(issuer=CHINA_V1),
        "TokenExpired": entra_claims(exp=NOW - 600),
    }.items():
        with pytest.raises(jwtguard.TokenError) as info:
            validator.validate(mint(keys.rsa, "k1", payload), now=NOW)
        assert info.value.reason == reason, payload
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        validator.validate(mint(keys.rsa_b, "k1", entra_claims()), now=NOW)


def test_a_multi_tenant_policy_takes_its_allowed_tenants(server, keys):
    xml = f"""<validate-azure-ad-token tenant-id="organizations">
  <client-application-ids><application-id>{CLIENT}</application-id></client-application-ids>
  <backend-application-ids><application-id>{BACKEND}</application-id></backend-application-ids>
</validate-azure-ad-token>"""
    with pytest.raises(jwtguard.PolicyError, match="MissingAllowedTenants"):
        jwtguard.ApimPolicy.from_xml(xml)
    apim = jwtguard.ApimPolicy.from_xml(xml, allowed_tenants=[TENANT])
    template = "https://login.microsoftonline.com/{tenantid}/v2.0"
    assert template in apim.policy.issuers and apim.policy.allowed_tenants == (TENANT,)
    assert jwtguard.ApimPolicy.from_xml(xml, allow_any_tenant=True).policy.any_tenant
    url = server.openid("/organizations/v2.0", template, jwks(public_jwk(keys.rsa, "k1")))
    validator = jwtguard.Validator.from_apim_policy(apim, openid_config=url, allow_http_loopback=True)
    def token(tid):
        return mint(keys.rsa, "k1", entra_claims(f"https://login.microsoftonline.com/{tid}/v2.0", tid=tid, azp=CLIENT))
    assert validator.validate(token(TENANT), now=NOW)["tid"] == TENANT
    with pytest.raises(jwtguard.TokenIssuerNotAllowedError, match="tenant"):
        validator.validate(token("00000000-0000-0000-0000-000000000002"), now=NOW)


def test_validator_from_the_policy_enforces_every_rule(server, keys):
    document = jwks(public_jwk(keys.rsa, "k1"))
    url = server.openid("/china", CHINA_V2, document)
    # openid_config replaces the policy's URL with the local server (a mirror).
    validator = jwtguard.Validator.from_apim_policy(
        CHINA_POLICY, openid_config=url, allow_http_loopback=True, cache_size=0
    )
    good = mint(keys.rsa, "k1", entra_claims(scp="User.Read Files.Read"))
    assert validator.validate(good, now=NOW)["scp"] == "User.Read Files.Read"
    refusals = {
        "TokenAudienceNotAllowed": entra_claims(aud="another-api", scp="Files.Read"),
        "TokenIssuerNotAllowed": entra_claims(issuer=CHINA_V1, scp="Files.Read"),
        "TokenClaimNotFound": entra_claims(),
        "TokenClaimValueNotAllowed": entra_claims(scp="Files.Readx Mail.Read"),
        "TokenExpired": entra_claims(scp="Files.Read", exp=NOW - 600),
        "TokenExpirationTimeMissing": entra_claims(scp="Files.Read", exp=None),
    }
    for reason, payload in refusals.items():
        with pytest.raises(jwtguard.TokenError) as info:
            validator.validate(mint(keys.rsa, "k1", payload), now=NOW)
        assert info.value.reason == reason, payload
    forged = mint(keys.rsa_b, "k1", entra_claims(scp="Files.Read"))
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        validator.validate(forged, now=NOW)


def test_apim_algorithms_are_allowed_and_others_are_not(server, keys):
    url = server.openid("/china", CHINA_V2, jwks(public_jwk(keys.rsa, "k1")))
    validator = jwtguard.Validator.from_apim_policy(CHINA_POLICY, openid_config=url, allow_http_loopback=True)
    for alg in ("RS256", "RS512", "PS256"):
        token = mint(keys.rsa, "k1", entra_claims(scp="Files.Read"), alg=alg)
        assert validator.validate(token, now=NOW)["aud"] == BACKEND, alg
    with pytest.raises(jwtguard.TokenAlgorithmNotAllowedError):
        validator.validate(mint(keys.rsa, "k1", entra_claims(scp="Files.Read"), alg="RS384"), now=NOW)


def test_validate_azure_ad_token_checks_the_client_application(server, keys):
    apim = jwtguard.ApimPolicy.from_xml(AZURE_AD_POLICY)
    assert apim.kind == "validate-azure-ad-token"
    assert apim.failed_validation_httpcode == 403
    assert apim.openid_config_urls == (f"{CHINA_V2}/.well-known/openid-configuration",)
    assert set(apim.policy.issuers) == {CHINA_V1, CHINA_V2}
    assert jwtguard.RequiredClaim("azp", [CLIENT], match="any", fallback="appid") in apim.policy.required_claims
    url = server.openid("/tenant", CHINA_V2, jwks(public_jwk(keys.ec, "ec1")))
    validator = jwtguard.Validator.from_apim_policy(apim, openid_config=url, allow_http_loopback=True)
    v2 = mint(keys.ec, "ec1", entra_claims(azp=CLIENT))
    v1 = mint(keys.ec, "ec1", entra_claims(issuer=CHINA_V1, appid=CLIENT))
    assert validator.validate(v2, now=NOW)["azp"] == CLIENT
    assert validator.validate(v1, now=NOW)["appid"] == CLIENT
    outcomes = {
        "TokenClaimValueNotAllowed": entra_claims(azp="someone-else", appid=CLIENT),
        "TokenClaimNotFound": entra_claims(oid="no-client-claim"),
    }
    for reason, payload in outcomes.items():
        with pytest.raises(jwtguard.TokenError) as info:
            validator.validate(mint(keys.ec, "ec1", payload), now=NOW)
        assert info.value.reason == reason


AUTH0_DOMAIN = "https://example-tenant.eu.auth0.com/"
AUTH0_API = "https://orders.example.com/api"
AUTH0_POLICY = f"""<validate-jwt header-name="Authorization" failed-validation-httpcode="401">
  <openid-config url="{AUTH0_DOMAIN}.well-known/openid-configuration" />
  <audiences><audience>{AUTH0_API}</audience></audiences>
  <issuers><issuer>{AUTH0_DOMAIN}</issuer></issuers>
  <required-claims>
    <claim name="permissions" match="all"><value>read:orders</value><value>write:orders</value></claim>
  </required-claims>
</validate-jwt>"""


def test_auth0_style_policy_end_to_end(server, keys):
    url = server.openid("/auth0", AUTH0_DOMAIN, jwks(public_jwk(keys.rsa, "auth0-key")))
    validator = jwtguard.Validator.from_apim_policy(AUTH0_POLICY, openid_config=url, allow_http_loopback=True)

    def token(**over):
        payload = {"aud": [AUTH0_API, f"{AUTH0_DOMAIN}userinfo"], "iss": AUTH0_DOMAIN, "sub": "auth0|1",
                   "iat": NOW - 10, "exp": NOW + 600, "permissions": ["read:orders", "write:orders", "x"]}
        payload.update(over)
        return mint(keys.rsa, "auth0-key", {k: v for k, v in payload.items() if v is not None})

    assert validator.validate(token(), now=NOW)["sub"] == "auth0|1"
    assert validator.validate(token(aud=AUTH0_API), now=NOW)["sub"] == "auth0|1"
    outcomes = {
        "TokenClaimValueNotAllowed": token(permissions=["read:orders"]),
        "TokenClaimNotFound": token(permissions=None),
        "TokenIssuerNotAllowed": token(iss=AUTH0_DOMAIN.rstrip("/")),
        "TokenAudienceNotAllowed": token(aud=f"{AUTH0_DOMAIN}userinfo"),
    }
    for reason, t in outcomes.items():
        with pytest.raises(jwtguard.TokenError) as info:
            validator.validate(t, now=NOW)
        assert info.value.reason == reason


def test_inline_keys_need_no_discovery(keys):
    key = public_jwk(keys.rsa, "inline-rsa")
    apim = jwtguard.ApimPolicy.from_xml(inline_policy(key["n"], key["e"]))
    assert apim.openid_config_urls == ()
    assert apim.token_source == jwtguard.TokenSource("query", "access_token")
    assert len(apim.inline_keys) == 1 and len(apim.inline_keys[0]) == 1
    assert apim.policy.kid_miss_fallback  # APIM tries every inline key
    validator = jwtguard.Validator.from_apim_policy(apim)
    claims = {"aud": "orders-api", "iss": "https://issuer.example.com/", "exp": NOW + 60}
    assert validator.validate(mint(keys.rsa, None, claims), now=NOW)["aud"] == "orders-api"
    assert validator.validate(mint(keys.rsa, "another-kid", claims), now=NOW)["aud"] == "orders-api"
    # clock-skew="30": 20 s after exp still passes, 40 s does not.
    assert validator.validate(mint(keys.rsa, None, claims), now=NOW + 80)
    with pytest.raises(jwtguard.TokenExpiredError):
        validator.validate(mint(keys.rsa, None, claims), now=NOW + 100)
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        validator.validate(mint(keys.rsa_b, None, claims), now=NOW)


@pytest.mark.parametrize(
    "xml, named",
    [
        ('<validate-jwt require-signed-tokens="false"><audiences><audience>a</audience></audiences>'
         '<issuers><issuer>https://i/</issuer></issuers><openid-config url="https://i/.well-known/openid-configuration" />'
         "</validate-jwt>", "require-signed-tokens"),
        ('<validate-jwt><decryption-keys><key>c2VjcmV0</key></decryption-keys></validate-jwt>', "decryption-keys"),
        ('<validate-jwt token-value="@(context.Request.Body.As&lt;string&gt;())">'
         '<audiences><audience>a</audience></audiences></validate-jwt>', "token-value"),
        ('<validate-jwt><openid-config url="https://i/.well-known/openid-configuration" />'
         "<audiences><audience>a</audience></audiences><frobnicate /></validate-jwt>", "frobnicate"),
        ("<validate-jwt><audiences>", "XmlMalformed"),
        ("<set-header name='x' />", "NoValidationPolicy"),
    ],
)
def test_refusals_name_what_is_refused(xml, named):
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.ApimPolicy.from_xml(xml)
    assert info.value.reason == "PolicyInvalid"
    assert named in str(info.value)
    assert "c2VjcmV0" not in str(info.value)  # key material is never echoed


@pytest.mark.filterwarnings("ignore:The HMAC key is")  # the short-for-HS512 token is on purpose
def test_symmetric_inline_keys_verify_hmac_tokens():
    secret = b"0123456789abcdef0123456789abcdef"
    xml = f"""<validate-jwt><issuer-signing-keys><key id="hmac-1">{base64.b64encode(secret).decode()}</key></issuer-signing-keys>
      <audiences><audience>a</audience></audiences><issuers><issuer>https://i/</issuer></issuers></validate-jwt>"""
    apim = jwtguard.ApimPolicy.from_xml(xml)
    assert len(apim.inline_keys) == 1 and apim.inline_keys[0].keys[0]["kty"] == "oct"
    assert {"HS256", "HS384", "HS512"} <= set(apim.policy.algorithms)
    assert "MDEyMzQ1" not in repr(apim) and secret.decode() not in repr(apim)
    validator = jwtguard.Validator.from_apim_policy(apim)
    claims = {"aud": "a", "iss": "https://i/", "exp": NOW + 60}
    assert validator.validate(jwt.encode(claims, secret, algorithm="HS256"), now=NOW)["aud"] == "a"
    with pytest.raises(jwtguard.TokenSignatureInvalidError):
        validator.validate(jwt.encode(claims, b"another secret of 32 bytes ....!", algorithm="HS256"), now=NOW)
    # A 32-byte secret is too short for HS512 (RFC 7518 3.2).
    with pytest.raises(jwtguard.TokenAlgorithmKeyMismatchError):
        validator.validate(jwt.encode(claims, secret, algorithm="HS512", headers={"kid": "hmac-1"}), now=NOW)


def test_symmetric_keys_need_the_opt_in():
    document = {"keys": [{"kty": "oct", "kid": "h", "k": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}]}
    with pytest.raises(jwtguard.KeySetError) as info:
        jwtguard.KeySet.from_jwks(document)
    assert info.value.reason == "KeySetNoUsableKey"
    assert len(jwtguard.KeySet.from_jwks(document, allow_symmetric=True)) == 1


def test_named_values_are_filled_and_never_shown():
    xml = CHINA_POLICY.replace(BACKEND, "{{backend-app}}")
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.ApimPolicy.from_xml(xml)
    assert "backend-app" in str(info.value)
    apim = jwtguard.ApimPolicy.from_xml(xml, named_values={"backend-app": BACKEND})
    assert apim.policy.audiences == (BACKEND,)
    hidden = CHINA_POLICY.replace(BACKEND, "{{backend-app}}")
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.ApimPolicy.from_xml(hidden, named_values={"backend-app": "@(context.Variables.secret-value)"})
    assert "secret-value" not in str(info.value)


# A named value's value longer than any quote, marker first: never shown, not even in part.
SECRET = "S3CR3T-MARKER" + "x" * 200


@pytest.mark.parametrize(
    "xml, value, where",
    [
        (CHINA_POLICY.replace('failed-validation-httpcode="401"', 'clock-skew="{{secret}}"'), SECRET, "@clock-skew"),
        (CHINA_POLICY.replace('match="any"', 'match="{{secret}}"'), SECRET, "@match"),
        (CHINA_POLICY.replace('separator=" "', 'separator="{{secret}}"'), SECRET, "@separator"),
        (CHINA_POLICY.replace("<validate-jwt ", '<validate-jwt require-expiration-time="{{secret}}" '), SECRET,
         "@require-expiration-time"),
        (CHINA_POLICY.replace(f"{CHINA_V2}/.well-known/openid-configuration", "{{secret}}"), "http://" + SECRET,
         "@url"),
        (AZURE_AD_POLICY.replace(TENANT, "{{secret}}"), SECRET + ".onmicrosoft.com", "@tenant-id"),
    ],
)
def test_named_values_are_never_shown_in_errors(xml, value, where):
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.ApimPolicy.from_xml(xml, named_values={"secret": value})
    text = str(info.value)
    assert where in text and "`{{secret}}`" in text, text
    assert "S3CR3T" not in text.upper() and "xxxx" not in text, text


def test_named_values_are_never_shown_in_notes():
    url = f"https://idp.example/{SECRET}/.well-known/openid-configuration"
    xml = CHINA_POLICY.replace(f"{CHINA_V2}/.well-known/openid-configuration", "{{oidc}}")
    apim = jwtguard.ApimPolicy.from_xml(xml, named_values={"oidc": url})
    assert apim.openid_config_urls == (url,)
    assert any("`{{oidc}}`" in note for note in apim.notes), apim.notes
    assert not any("S3CR3T" in note for note in apim.notes), apim.notes


def test_an_inline_key_the_core_does_not_load_is_a_policy_error():
    short = base64.b64encode(b"x" * 16).decode()  # HS256 needs 32 bytes
    xml = f"""<validate-jwt>
      <issuer-signing-keys><key id="short">{short}</key></issuer-signing-keys>
      <audiences><audience>a</audience></audiences><issuers><issuer>https://i/</issuer></issuers></validate-jwt>"""
    with pytest.raises(jwtguard.PolicyError) as info:
        jwtguard.ApimPolicy.from_xml(xml)
    assert not isinstance(info.value, jwtguard.KeySetError)
    assert info.value.reason == "PolicyInvalid"
    text = str(info.value)
    assert "InvalidKey at <validate-jwt/issuer-signing-keys/key> (line 2" in text, text
    assert "KeyTooSmall" in text and short not in text, text


def test_named_values_read_from_text_fill_a_policy():
    text = f"# the instance's named values\ntenant = {TENANT}\nbackend-app={BACKEND}\nclient-app = {CLIENT}\n"
    values = jwtguard.read_named_values(text)
    assert values == {"tenant": TENANT, "backend-app": BACKEND, "client-app": CLIENT}
    xml = """<validate-azure-ad-token tenant-id="{{tenant}}">
  <client-application-ids><application-id>{{client-app}}</application-id></client-application-ids>
  <backend-application-ids><application-id>{{backend-app}}</application-id></backend-application-ids>
</validate-azure-ad-token>"""
    apim = jwtguard.ApimPolicy.from_xml(xml, named_values=values)
    assert BACKEND in apim.policy.audiences
    # a file that does not read: the line, never a value
    with pytest.raises(jwtguard.PolicyError, match=r"InvalidNamedValues .*\(line 2,") as info:
        jwtguard.read_named_values("a=1\nsecret s3cr3t\n")
    assert "s3cr3t" not in str(info.value)
    with pytest.raises(jwtguard.PolicyError, match="given twice"):
        jwtguard.read_named_values("key=s3cr3t\nKEY=other\n")
