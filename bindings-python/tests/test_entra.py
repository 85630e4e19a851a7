"""Microsoft Entra helpers: configuration URLs, JWKS URLs and issuers per tenant, token
version and cloud; the multi-tenant template; the ready-made Validator."""

from __future__ import annotations

import pytest

import jwtguard
from jwtguard import entra

TID = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.mark.parametrize(
    "cloud,version,config,keys",
    [
        (
            "global",
            "v2",
            f"https://login.microsoftonline.com/{TID}/v2.0/.well-known/openid-configuration",
            f"https://login.microsoftonline.com/{TID}/discovery/v2.0/keys",
        ),
        (
            "global",
            "v1",
            f"https://login.microsoftonline.com/{TID}/.well-known/openid-configuration",
            f"https://login.microsoftonline.com/{TID}/discovery/keys",
        ),
        (
            "china",
            "v2",
            f"https://login.partner.microsoftonline.cn/{TID}/v2.0/.well-known/openid-configuration",
            f"https://login.partner.microsoftonline.cn/{TID}/discovery/v2.0/keys",
        ),
        (
            "china",
            "v1",
            f"https://login.partner.microsoftonline.cn/{TID}/.well-known/openid-configuration",
            f"https://login.partner.microsoftonline.cn/{TID}/discovery/keys",
        ),
        (
            "usgov",
            "v2",
            f"https://login.microsoftonline.us/{TID}/v2.0/.well-known/openid-configuration",
            f"https://login.microsoftonline.us/{TID}/discovery/v2.0/keys",
        ),
        (
            "usgov",
            "v1",
            f"https://login.microsoftonline.us/{TID}/.well-known/openid-configuration",
            f"https://login.microsoftonline.us/{TID}/discovery/keys",
        ),
    ],
)
def test_urls(cloud, version, config, keys):
    assert entra.openid_config_url(TID, version, cloud) == config
    assert entra.jwks_uri(TID, version, cloud) == keys


@pytest.mark.parametrize(
    "cloud,version,expected",
    [
        ("global", "v2", f"https://login.microsoftonline.com/{TID}/v2.0"),
        ("global", "v1", f"https://sts.windows.net/{TID}/"),
        ("china", "v2", f"https://login.partner.microsoftonline.cn/{TID}/v2.0"),
        ("china", "v1", f"https://sts.chinacloudapi.cn/{TID}/"),
        ("usgov", "v2", f"https://login.microsoftonline.us/{TID}/v2.0"),
        ("usgov", "v1", f"https://login.microsoftonline.us/{TID}/"),
    ],
)
def test_issuers(cloud, version, expected):
    assert entra.issuer(TID, version, cloud) == expected
    assert entra.issuer(TID.upper(), version + ".0", cloud) == expected  # GUIDs are lower-cased


def test_multi_tenant_and_consumers():
    assert entra.issuer("common") == "https://login.microsoftonline.com/{tenantid}/v2.0"
    assert entra.issuer("organizations", "v1") == "https://sts.windows.net/{tenantid}/"
    assert entra.issuer("common", cloud="china") == "https://login.partner.microsoftonline.cn/{tenantid}/v2.0"
    assert entra.issuer("consumers") == f"https://login.microsoftonline.com/{entra.CONSUMERS_TENANT_ID}/v2.0"
    assert "{tenantid}" == jwtguard.TENANT_TEMPLATE
    assert (
        entra.openid_config_url("common")
        == "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
    )
    assert entra.openid_config_url("contoso.onmicrosoft.com").startswith(
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/"
    )
    assert entra.issuers(TID) == [f"https://sts.windows.net/{TID}/", f"https://login.microsoftonline.com/{TID}/v2.0"]


@pytest.mark.parametrize("bad", ["", "a/b", "x y", "../etc", "common?x=1"])
def test_invalid_tenants(bad):
    with pytest.raises(ValueError):
        entra.openid_config_url(bad)


def test_invalid_arguments():
    with pytest.raises(ValueError, match="tenant ID"):
        entra.issuer("contoso.onmicrosoft.com")
    with pytest.raises(ValueError, match="cloud"):
        entra.issuer(TID, cloud="germany")
    with pytest.raises(ValueError, match="version"):
        entra.issuer(TID, "v3")


def test_validator_helper_builds_sources_and_policy():
    v = entra.validator(TID, "api://my-api", cloud="china", versions=("v1", "v2"), clock_skew=60)
    assert v.sources == (
        ("openid", f"https://login.partner.microsoftonline.cn/{TID}/.well-known/openid-configuration"),
        ("openid", f"https://login.partner.microsoftonline.cn/{TID}/v2.0/.well-known/openid-configuration"),
    )
    assert v.policy.issuers == (
        f"https://sts.chinacloudapi.cn/{TID}/",
        f"https://login.partner.microsoftonline.cn/{TID}/v2.0",
    )
    assert v.policy.audiences == ("api://my-api",) and v.policy.clock_skew == 60
    by_domain = entra.validator("contoso.onmicrosoft.com", ["a", "b"])
    assert by_domain.policy.issuers == () and not by_domain.policy.is_complete  # taken from discovery
    multi = entra.validator("common", "api://my-api", allowed_tenants=[TID])
    assert multi.policy.issuers == ("https://login.microsoftonline.com/{tenantid}/v2.0",)
    assert (multi.policy.allowed_tenants, multi.policy.any_tenant) == ((TID,), False)
    assert entra.validator("organizations", "api://my-api", any_tenant=True).policy.any_tenant
    with pytest.raises(jwtguard.PolicyError, match="allowed tenants"):
        entra.validator("common", "api://my-api")
    with pytest.raises(ValueError):
        entra.validator(TID, "a", versions=())
