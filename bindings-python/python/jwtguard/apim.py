"""Azure API Management policies as jwtguard configuration: :class:`ApimPolicy`.

Teams leaving API Management (or running the same API inside and outside Azure) have
their rules written as a ``<validate-jwt>`` or ``<validate-azure-ad-token>`` policy.
:meth:`ApimPolicy.from_xml` reads one, alone or inside a whole ``<policies>`` document,
with the same translation as the C library and the nginx module (``jwtguard-policy``)::

    apim = jwtguard.ApimPolicy.from_xml(open("files-api.xml").read())
    validator = jwtguard.Validator.from_apim_policy(apim)
    claims = validator.validate(token)

Security contract:

- nothing is silently dropped or weakened: unsigned tokens, ``certificate-id`` keys,
  decryption keys, policy expressions other than the few ``token-value`` forms that
  map exactly, unknown attributes and elements are refused with a :class:`PolicyError`
  naming the element, the attribute and the line;
- every translated rule is in :attr:`ApimPolicy.policy` (``<client-application-ids>``
  too, as a required ``azp`` claim read from ``appid`` in v1.0 tokens), so verifying
  with it enforces the whole policy;
- inline symmetric keys (HMAC secrets) are loaded as a key set of their own, with the
  symmetric opt-in, and the policy then allows HS256/384/512 as APIM does; they never
  share a set with asymmetric keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Mapping, NamedTuple, Optional, Sequence, Tuple

from ._jwtguard import DecryptionKeys, KeySet, Policy, _translate_apim_policy, read_named_values


class TokenSource(NamedTuple):
    """Where the policy takes the token from: ``kind`` is ``"header"`` (for
    ``Authorization``: ``scheme token``, the scheme checked against
    :attr:`ApimPolicy.require_scheme`, default ``Bearer``), ``"header_last_word"``
    (what follows the last space of the header), ``"query"`` or ``"cookie"``; ``name``
    is the header, parameter or cookie name. There is no fallback to another place."""

    kind: str
    name: str


@dataclass(frozen=True)
class ApimPolicy:
    """A translated API Management validation policy: the :class:`Policy` and the
    settings that belong to the HTTP layer. Build it with :meth:`from_xml`."""

    #: ``"validate-jwt"`` or ``"validate-azure-ad-token"``.
    kind: str
    #: Every audience, issuer, claim, client application and lifetime rule.
    policy: Policy
    #: The ``<openid-config>`` URLs (for ``validate-azure-ad-token``: the tenant's).
    openid_config_urls: Tuple[str, ...]
    #: ``(issuer, discovery URL)`` for each issuer derived from a discovery URL
    #: because the policy lists no ``<issuers>``; worth comparing with the document.
    derived_issuers: Tuple[Tuple[str, str], ...]
    #: The ``<issuer-signing-keys>``: one key set for the RSA keys and one for the
    #: symmetric keys (loaded with ``allow_symmetric``), each only when present.
    inline_keys: Tuple[KeySet, ...]
    token_source: TokenSource
    #: ``require-scheme`` (``None``: not set).
    require_scheme: Optional[str]
    #: ``failed-validation-httpcode`` (default 401).
    failed_validation_httpcode: int
    #: ``failed-validation-error-message`` (``None``: APIM's text per failure).
    failed_validation_error_message: Optional[str]
    #: Settings accepted without effect, and other things worth knowing.
    notes: Tuple[str, ...]
    #: The ``<decryption-keys>`` (symmetric keys), for encrypted tokens; ``None`` without.
    decryption_keys: Optional[DecryptionKeys] = None

    @classmethod
    def from_xml(
        cls,
        xml: str,
        *,
        named_values: Optional[Mapping[str, str]] = None,
        allow_unknown: bool = False,
        allow_any_audience: bool = False,
        allow_any_issuer: bool = False,
        allowed_tenants: Optional[Sequence[str]] = None,
        allow_any_tenant: bool = False,
    ) -> "ApimPolicy":
        """Translates ``xml`` (at most 1 MiB). ``named_values`` fills in APIM's
        ``{{name}}`` references (a reference without a value is refused; values are
        never shown, whole or in part, in errors or notes, which quote the
        ``{{name}}`` reference instead). ``allow_unknown`` turns unknown attributes and
        elements into notes; ``allow_any_audience`` / ``allow_any_issuer`` waive a
        missing audience or issuer explicitly. A multi-tenant policy
        (``tenant-id="organizations"``, a ``common`` discovery URL) accepts the tokens of
        ``allowed_tenants`` (tenant IDs), or of every tenant with ``allow_any_tenant``;
        without either it is refused. Raises :class:`PolicyError`, also for an inline key
        that would not load (e.g. an HMAC secret under 32 bytes)."""
        if not isinstance(xml, str):
            raise TypeError("xml must be a str")
        data = _translate_apim_policy(
            xml,
            dict(named_values) if named_values is not None else None,
            bool(allow_unknown),
            bool(allow_any_audience),
            bool(allow_any_issuer),
            [str(t) for t in allowed_tenants] if allowed_tenants is not None else None,
            bool(allow_any_tenant),
        )
        return cls(
            kind=data["kind"],
            policy=data["policy"],
            openid_config_urls=tuple(data["openid_config_urls"]),
            derived_issuers=tuple(tuple(d) for d in data["derived_issuers"]),
            inline_keys=_inline_key_sets(data["inline_jwks_rsa"], data["inline_jwks_symmetric"]),
            token_source=TokenSource(*data["token_source"]),
            require_scheme=data["require_scheme"],
            failed_validation_httpcode=data["failed_validation_httpcode"],
            failed_validation_error_message=data["failed_validation_error_message"],
            notes=tuple(data["notes"]),
            decryption_keys=DecryptionKeys.from_jwks(data["decryption_jwks"]) if data["decryption_jwks"] else None,
        )


def _inline_key_sets(rsa: Optional[str], symmetric: Optional[str]) -> Tuple[KeySet, ...]:
    """The inline keys as key sets: the RSA keys, then the symmetric keys (with the
    opt-in), each only when the policy has some. Every key loads: the translation
    refuses a key the core would not load."""
    sets: List[KeySet] = []
    if rsa is not None:
        sets.append(KeySet.from_jwks(rsa))
    if symmetric is not None:
        sets.append(KeySet.from_jwks(symmetric, allow_symmetric=True))
    return tuple(sets)
