"""End to end against a real OpenID provider: panva's ``oidc-provider`` (OpenID
Certified, from npm, pinned by ``tests/oidc-provider/package-lock.json``) run by node on
127.0.0.1 with keys it generates at start. jwtguard finds its keys by OpenID discovery
only (``Validator`` with the configuration URL), as an API in front of it would.

What the provider issues, and what is checked:

- ID tokens from a real authorization-code flow (PKCE, login and consent completed by
  the provider script without a page): with ``Policy(token_types=["at+jwt"])`` an ID
  token whose ``aud`` is the client id is refused with ``TokenTypeNotAllowed``, while
  the JWT access token (RFC 9068, ``typ: at+jwt``, ``aud`` the resource indicator) of
  the same flow passes. Without the rule the ID token passes a policy whose audience is
  the client id: the confusion the rule closes.
- JWT access tokens from the client-credentials grant, one resource server per
  signing algorithm: RS256, ES256, ES512, and Ed25519 under both names, RFC 9864's
  fully-specified ``Ed25519`` (which the pinned oidc-provider signs with) and RFC 8037's
  ``EdDSA``. The policy allows the two Ed25519 names separately.

node and npm are required: the module fails, never skips, without them (the pinned
oidc-provider asks for Node.js 22 and warns on 20, where it runs and these tests pass).
``tests/oidc-provider/launch.py`` starts the provider (for the nginx module's tests
too); its first run installs the locked packages with ``npm ci`` into
``tests/oidc-provider/node_modules`` (git-ignored), later runs reuse them while the lock
file is unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import http.cookiejar
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterator, NamedTuple

import pytest

import jwtguard
from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "oidc-provider"))
from launch import HTTP_TIMEOUT, Provider, client_credentials, running, token_request  # noqa: E402

ACCOUNT = "user-1"  # the account the provider script logs in


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    with running(tmp_path_factory.mktemp("oidc-provider") / "stderr.log") as started:
        yield started


# --- talking to the provider (standard library only) -----------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def header(token: str) -> Dict[str, Any]:
    """The JOSE header, read without verifying anything (to show what the provider sent)."""
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


class _Stay(urllib.request.HTTPRedirectHandler):
    """Redirects are returned, not followed: the flow reads each Location itself."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 (urllib API)
        return None


class CodeFlow(NamedTuple):
    id_token: str
    access_token: str
    nonce: str


def authorization_code(provider: Provider, resource: str) -> CodeFlow:
    """An authorization-code flow with PKCE for ``openid`` and the resource's scope,
    by following the provider's redirects (its script completes login and consent)."""
    verifier = b64url(secrets.token_bytes(32))
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    query = urllib.parse.urlencode(
        {
            "client_id": provider.client_id,
            "response_type": "code",
            "redirect_uri": provider.redirect_uri,
            "scope": "openid " + provider.scope,
            "resource": resource,
            "state": state,
            "nonce": nonce,
            "code_challenge": b64url(hashlib.sha256(verifier.encode()).digest()),
            "code_challenge_method": "S256",
        }
    )
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _Stay())
    url = provider.issuer + "/auth?" + query
    for _ in range(10):
        if url.startswith(provider.redirect_uri + "?"):
            break
        try:
            with opener.open(url, timeout=HTTP_TIMEOUT) as response:
                raise AssertionError(f"{url}: HTTP {response.status} where a redirect was expected")
        except urllib.error.HTTPError as e:
            assert e.code in (302, 303), f"{url}: HTTP {e.code}: {e.read().decode(errors='replace')}"
            url = urllib.parse.urljoin(url, e.headers["Location"])
    else:
        raise AssertionError(f"no redirect to the client after 10 hops (last: {url})")
    answer = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert answer.get("state") == state and answer.get("iss") == provider.issuer, answer
    tokens = token_request(
        provider,
        grant_type="authorization_code",
        code=answer["code"],
        redirect_uri=provider.redirect_uri,
        code_verifier=verifier,
        resource=resource,
    )
    return CodeFlow(tokens["id_token"], tokens["access_token"], nonce)


def validator(provider: Provider, policy: jwtguard.Policy) -> jwtguard.Validator:
    return jwtguard.Validator(provider.configuration_url, policy=policy, allow_http_loopback=True, timeout=HTTP_TIMEOUT)


@pytest.fixture(scope="module")
def code_flow(provider: Provider) -> CodeFlow:
    return authorization_code(provider, provider.resources["RS256"])


# --- discovery --------------------------------------------------------------------------


def test_discovery_finds_the_issuer_and_every_signing_key(provider):
    resource = provider.resources["ES256"]
    v = validator(provider, jwtguard.Policy(audiences=[resource], algorithms=["ES256"]))
    assert v.issuers == () and v.key_sets == ()
    assert v.validate(client_credentials(provider, resource))["iss"] == provider.issuer
    assert v.issuers == (provider.issuer,)
    assert v.sources == (("openid", provider.configuration_url),)
    document = json.loads(urllib.request.urlopen(provider.issuer + "/jwks", timeout=HTTP_TIMEOUT).read())
    (keys,) = v.key_sets
    assert keys.rejected == []
    assert keys.kids == [key["kid"] for key in document["keys"]]
    assert sorted((k["kty"], k.get("crv")) for k in keys.keys) == [
        ("EC", "P-256"),
        ("EC", "P-521"),
        ("OKP", "Ed25519"),
        ("RSA", None),
    ]


# --- the token-type rule (RFC 9068) -------------------------------------------------------


def test_without_the_type_rule_an_id_token_passes_for_the_client_id_audience(provider, code_flow):
    """The confusion the rule closes: an API whose audience is the client id (as some
    single-application setups configure it) takes the ID token as a bearer token."""
    assert "typ" not in header(code_flow.id_token)  # oidc-provider's ID tokens name no type
    claims = validator(provider, jwtguard.Policy(audiences=[provider.client_id])).validate(code_flow.id_token)
    assert claims["aud"] == provider.client_id
    assert (claims["iss"], claims["sub"], claims["nonce"]) == (provider.issuer, ACCOUNT, code_flow.nonce)


def test_the_type_rule_refuses_the_id_token_and_takes_the_access_token(provider, code_flow):
    resource = provider.resources["RS256"]
    policy = jwtguard.Policy(audiences=[provider.client_id, resource], token_types=["at+jwt"])
    v = validator(provider, policy)
    with pytest.raises(jwtguard.TokenTypeNotAllowedError) as refused:
        v.validate(code_flow.id_token)
    assert refused.value.reason == "TokenTypeNotAllowed"

    assert header(code_flow.access_token)["typ"] == "at+jwt"
    claims = v.validate(code_flow.access_token)
    assert (claims["iss"], claims["aud"], claims["sub"]) == (provider.issuer, resource, ACCOUNT)
    assert (claims["client_id"], claims["scope"]) == (provider.client_id, provider.scope)

    # The same rule with the client id as the only audience refuses the ID token for its
    # type, not its audience (the type is checked whatever the other claims say).
    only_client = validator(provider, jwtguard.Policy(audiences=[provider.client_id], token_types=["at+jwt"]))
    with pytest.raises(jwtguard.TokenTypeNotAllowedError) as refused:
        only_client.validate(code_flow.id_token)
    assert refused.value.reason == "TokenTypeNotAllowed"
    with pytest.raises(jwtguard.TokenAudienceNotAllowedError) as refused:
        only_client.validate(code_flow.access_token)
    assert refused.value.reason == "TokenAudienceNotAllowed"


# --- signing algorithms -------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["RS256", "ES256", "ES512", "Ed25519", "EdDSA"])
def test_client_credentials_access_tokens_verify(provider, alg):
    resource = provider.resources[alg]
    token = client_credentials(provider, resource)
    assert {k: header(token)[k] for k in ("alg", "typ")} == {"alg": alg, "typ": "at+jwt"}
    v = validator(provider, jwtguard.Policy(audiences=[resource], algorithms=[alg], token_types=["at+jwt"]))
    verified = v.validate_detailed(token)
    assert verified.alg == alg
    assert verified.key_kid == header(token)["kid"]
    claims = verified.claims
    assert (claims["iss"], claims["aud"], claims["sub"]) == (provider.issuer, resource, provider.client_id)
    assert (claims["client_id"], claims["scope"]) == (provider.client_id, provider.scope)

    # Another resource's audience, and a policy that does not allow the algorithm.
    other = provider.resources["RS256" if alg != "RS256" else "ES256"]
    with pytest.raises(jwtguard.TokenAudienceNotAllowedError):
        validator(provider, jwtguard.Policy(audiences=[other], algorithms=[alg])).validate(token)
    # The two names of Ed25519 are allowed separately; RS256 and ES256 are the default.
    elsewhere = {"RS256": "ES256", "ES256": "RS256", "ES512": "ES256", "Ed25519": "EdDSA", "EdDSA": "Ed25519"}[alg]
    with pytest.raises(jwtguard.TokenAlgorithmNotAllowedError) as refused:
        validator(provider, jwtguard.Policy(audiences=[resource], algorithms=[elsewhere])).validate(token)
    assert refused.value.reason == "TokenAlgorithmNotAllowed"
