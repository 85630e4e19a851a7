"""Microsoft Entra ID (Azure AD) helpers: configuration URLs and issuers per tenant,
token version and national cloud, and a ready :class:`~jwtguard.Validator`.

Token versions: an API receives v1.0 or v2.0 access tokens depending on its app
registration (``accessTokenAcceptedVersion``; unset means v1.0), not on the endpoint
the client used. v1.0 tokens carry the ``sts.*`` issuer (global, China) and v2.0 tokens
the ``login.*/{tid}/v2.0`` issuer; check a real token's ``iss`` (``python -m jwtguard
explain``) when unsure.

Multi-tenant apps (``tenant="common"`` or ``"organizations"``): the issuer is the
template ``https://login.microsoftonline.com/{tenantid}/v2.0``; jwtguard fills
``{tenantid}`` with the token's ``tid`` before comparing (and the signing key's own
``issuer`` must match the same way), and accepts only the tenants listed in
``allowed_tenants``, or every tenant with ``any_tenant=True``: one of the two is
required.

Sources for the endpoints:

- global and China: Microsoft identity platform documentation, "National clouds" and
  "Access tokens" (v1.0 issuer ``https://sts.windows.net/{tid}/``; China v1.0 issuer
  ``https://sts.chinacloudapi.cn/{tid}/``, authority ``login.partner.microsoftonline.cn``);
- US Government (GCC High / DoD, authority ``login.microsoftonline.us``): the v2.0 issuer
  is ``https://login.microsoftonline.us/{tid}/v2.0``; the v1.0 issuer is
  ``https://login.microsoftonline.us/{tid}/`` (not ``sts.windows.net``), as listed for
  US Government tokens in Microsoft's Bot Framework SDK
  (botbuilder-dotnet, ``EmulatorValidation.cs``, "Auth for US Gov, 1.0 token"). We have
  no US Government tenant to confirm it against; if your tokens differ, pass the issuer
  explicitly (``Policy(issuers=[...])``).
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, NamedTuple, Sequence, Union

from ._jwtguard import TENANT_TEMPLATE, Policy, RequiredClaim
from .discovery import Validator

__all__ = [
    "CLOUDS",
    "CONSUMERS_TENANT_ID",
    "Cloud",
    "MULTI_TENANT",
    "issuer",
    "issuers",
    "jwks_uri",
    "openid_config_url",
    "validator",
]


class Cloud(NamedTuple):
    """A Microsoft Entra cloud: its sign-in authority and its v1.0 token issuer."""

    authority: str
    v1_issuer: str  # with "{tid}"


#: The clouds by name.
CLOUDS: Dict[str, Cloud] = {
    "global": Cloud("https://login.microsoftonline.com", "https://sts.windows.net/{tid}/"),
    "china": Cloud("https://login.partner.microsoftonline.cn", "https://sts.chinacloudapi.cn/{tid}/"),
    "usgov": Cloud("https://login.microsoftonline.us", "https://login.microsoftonline.us/{tid}/"),
}

#: Tenant aliases whose tokens come from any tenant: the issuer is a template.
MULTI_TENANT = frozenset({"common", "organizations"})
#: The tenant of personal Microsoft accounts (the ``consumers`` alias).
CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")
_TENANT_ID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _cloud(cloud: str) -> Cloud:
    try:
        return CLOUDS[cloud]
    except KeyError:
        raise ValueError(f"unknown cloud {cloud!r} (one of {', '.join(CLOUDS)})") from None


def _version(version: str) -> str:
    normalized = {"v1": "v1", "v1.0": "v1", "1.0": "v1", "v2": "v2", "v2.0": "v2", "2.0": "v2"}.get(version)
    if normalized is None:
        raise ValueError(f'unknown token version {version!r} ("v1" or "v2")')
    return normalized


def _tenant(tenant: str) -> str:
    if not isinstance(tenant, str) or not _TENANT.match(tenant):
        raise ValueError(f"invalid tenant {tenant!r}: a tenant ID, a domain name, or common/organizations/consumers")
    return tenant


def openid_config_url(tenant: str, version: str = "v2", cloud: str = "global") -> str:
    """The OpenID configuration URL, e.g.
    ``https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration``."""
    base = f"{_cloud(cloud).authority}/{_tenant(tenant)}"
    if _version(version) == "v2":
        return f"{base}/v2.0/.well-known/openid-configuration"
    return f"{base}/.well-known/openid-configuration"


def jwks_uri(tenant: str, version: str = "v2", cloud: str = "global") -> str:
    """The JWKS URL the configuration points to, e.g.
    ``https://login.microsoftonline.com/{tenant}/discovery/v2.0/keys``."""
    base = f"{_cloud(cloud).authority}/{_tenant(tenant)}"
    return f"{base}/discovery/v2.0/keys" if _version(version) == "v2" else f"{base}/discovery/keys"


def issuer(tenant: str, version: str = "v2", cloud: str = "global") -> str:
    """The ``iss`` of the tenant's tokens of that version. ``tenant`` must be the tenant
    ID (a GUID; tokens never carry domain names), ``common``/``organizations`` (the
    ``{tenantid}`` template) or ``consumers``."""
    tenant = _tenant(tenant)
    if tenant in MULTI_TENANT:
        tid = TENANT_TEMPLATE
    elif tenant == "consumers":
        tid = CONSUMERS_TENANT_ID
    elif _TENANT_ID.match(tenant):
        tid = tenant.lower()
    else:
        raise ValueError(f"issuer needs the tenant ID (a GUID), not {tenant!r}: tokens name their tenant by ID")
    if _version(version) == "v2":
        return f"{_cloud(cloud).authority}/{tid}/v2.0"
    return _cloud(cloud).v1_issuer.format(tid=tid)


def issuers(tenant: str, versions: Iterable[str] = ("v1", "v2"), cloud: str = "global") -> List[str]:
    """:func:`issuer` for each version (an API that accepts both token versions)."""
    return [issuer(tenant, v, cloud) for v in versions]


def validator(
    tenant: str,
    audiences: Union[str, Sequence[str]],
    *,
    versions: Iterable[str] = ("v2",),
    cloud: str = "global",
    required_claims: Sequence[RequiredClaim] = (),
    clock_skew: int = 0,
    allowed_tenants: Sequence[str] = (),
    any_tenant: bool = False,
    **options: Any,
) -> Validator:
    """A :class:`Validator` for an Entra-protected API that accepts tokens of
    ``versions`` ("v1", "v2" or both) from ``tenant`` in ``cloud``, for ``audiences``
    (the API's client ID and/or App ID URI).

    Each version's OpenID configuration is a key source (the v2.0 keys carry a per-key
    ``issuer`` that only v2.0 tokens match; the v1.0 keys carry none). The allowed
    issuers are :func:`issuer` of each version when ``tenant`` is a tenant ID or an
    alias, else (a domain name) the discovered ones. A multi-tenant ``tenant``
    (``common``, ``organizations``) needs ``allowed_tenants`` (tenant IDs) or
    ``any_tenant=True``. ``options`` go to :class:`Validator` (``allow_http_loopback``,
    ``timeout``, ``logger``, ...)."""
    versions = [_version(v) for v in versions]
    if not versions:
        raise ValueError("versions must name at least one token version")
    tenant = _tenant(tenant)
    named_by_id = tenant in MULTI_TENANT or tenant == "consumers" or bool(_TENANT_ID.match(tenant))
    policy = Policy(
        audiences=audiences,
        issuers=issuers(tenant, versions, cloud) if named_by_id else None,
        required_claims=list(required_claims),
        clock_skew=clock_skew,
        allowed_tenants=list(allowed_tenants),
        any_tenant=any_tenant,
    )
    configs = [openid_config_url(tenant, v, cloud) for v in dict.fromkeys(versions)]
    return Validator(configs, policy=policy, **options)
