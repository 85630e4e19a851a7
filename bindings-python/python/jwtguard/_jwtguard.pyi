"""Type stubs for the compiled extension module ``jwtguard._jwtguard`` (re-exported by
``jwtguard``)."""

from typing import Any, Dict, Iterable, List, Literal, Optional, Sequence, Tuple, Union, final

from ._cache import CacheInfo

__all__ = [
    "KeySet",
    "DecryptionKeys",
    "Policy",
    "RequiredClaim",
    "VerifiedToken",
    "VerifiedJws",
    "_Verifier",
    "_verify",
    "verify_jws",
    "_reasons",
    "_translate_apim_policy",
    "read_named_values",
    "_read_openid_configuration",
    "_check_url",
    "_is_loopback_host",
    "__version__",
    "DEFAULT_MAX_TOKEN_SIZE",
    "DEFAULT_MAX_KEY_SET_SIZE",
    "MAX_KEYS",
    "MAX_JSON_DEPTH",
    "TENANT_TEMPLATE",
    "DEFAULT_CACHE_SIZE",
    "DEFAULT_CACHE_TTL",
    "BACKEND",
]
__version__: str
DEFAULT_MAX_TOKEN_SIZE: int
DEFAULT_MAX_KEY_SET_SIZE: int
MAX_KEYS: int
#: Deepest nesting of arrays and objects the core accepts in a token's header or
#: claims, or in a key set (the top-level object is depth 1): 16.
MAX_JSON_DEPTH: int
TENANT_TEMPLATE: str
#: Default ``cache_size`` of a ``Validator``: 1024.
DEFAULT_CACHE_SIZE: int
#: Default ``cache_ttl`` of a ``Validator``: 300 (seconds).
DEFAULT_CACHE_TTL: int
#: The signature backend of this build: ``"aws-lc"`` (AWS-LC) or ``"portable"`` (RustCrypto).
BACKEND: Literal["aws-lc", "portable"]

_Algorithm = Literal[
    "RS256", "ES256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES384", "EdDSA", "HS256", "HS384", "HS512",
    "ES512", "Ed25519",
]

_Token = Union[str, bytes, bytearray]
_Keys = Union["KeySet", Sequence["KeySet"]]
_Strings = Union[str, Iterable[str], None]

@final
class KeySet:
    """Verification keys loaded from a JWK set or a single JWK. Immutable, thread-safe."""

    @staticmethod
    def from_jwks(
        jwks: Union[str, bytes, bytearray, Dict[str, Any], List[Any]],
        *,
        allow_small_rsa_exponent: bool = False,
        allow_symmetric: bool = False,
        max_size: int = ...,
    ) -> KeySet:
        """Raises ``KeySetError``. ``allow_symmetric`` loads ``oct`` keys (HMAC secrets
        for HS256/384/512): only for a set of your own secrets, never a provider's JWKS;
        never together with asymmetric keys (those oct keys are skipped)."""
    def __len__(self) -> int: ...
    @property
    def kids(self) -> List[Optional[str]]:
        """The ``kid`` of each usable key, in document order."""
    @property
    def keys(self) -> List[Dict[str, Any]]:
        """One dict per usable key: kid, x5t, alg, issuer, kty, and bits (RSA) or crv (EC)."""
    @property
    def rejected(self) -> List[Tuple[Optional[str], str, str]]:
        """``(kid, reason, detail)`` for each key of the document that cannot be used."""

@final
class DecryptionKeys:
    """Private keys that decrypt encrypted tokens (compact JWE whose content is a signed
    JWT): RSA, EC (P-256, P-384) and ``oct`` keys with their private members. Immutable,
    thread-safe; never mixed with verification keys."""

    @staticmethod
    def from_jwks(jwks: Union[str, bytes, bytearray, Dict[str, Any], List[Any]]) -> DecryptionKeys:
        """Raises ``KeySetError`` when any key does not qualify (the whole set is refused)."""
    def __len__(self) -> int: ...

@final
class RequiredClaim:
    """A required claim: present, and holding all/any of ``values`` (none: present only)."""

    def __new__(
        cls,
        name: str,
        values: _Strings = None,
        match: Optional[Literal["all", "any"]] = None,
        separator: Optional[str] = None,
        fallback: Optional[str] = None,
    ) -> "RequiredClaim":
        """``match`` is ``"all"`` unless given. Raises the core's ``PolicyError`` for another
        ``match`` or a separator that is not 1 to 16 bytes (``" "``, ``", "``: a string claim
        is split as ``str.split`` splits it, after JSON unescaping). ``fallback``: the claim read
        instead when the token has no claim ``name`` (never when it has a malformed one),
        e.g. ``appid`` for ``azp``."""
    @property
    def name(self) -> str: ...
    @property
    def values(self) -> Tuple[str, ...]: ...
    @property
    def match(self) -> Literal["all", "any"]: ...
    @property
    def separator(self) -> Optional[str]: ...
    @property
    def fallback(self) -> Optional[str]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Policy:
    """The rules a token must satisfy, built and validated by the core when constructed
    (raises ``PolicyError``); every property is read back from the core's policy, and an
    argument left at ``None`` keeps the core's default (``require_expiration_time`` and
    ``check_key_issuer`` true, ``clock_skew`` 0, RS256 and ES256, ``max_token_size``
    ``DEFAULT_MAX_TOKEN_SIZE``, no ``kid_miss_fallback``, no ``require_kid``). Immutable,
    thread-safe. A policy without issuers (and without
    ``any_issuer``) is *incomplete*: usable by a ``Validator``, which adds the discovered
    issuer; ``verify`` with it raises ``PolicyError``. ``require_kid`` refuses a token
    that names no key (no ``kid``, no ``x5t``) when more than one key could verify it,
    with ``TokenSignatureKeyNotFound``; by default such a token is tried against a few
    keys at most. ``token_types`` (e.g. ``["at+jwt"]``, RFC 9068 access tokens) requires
    the header ``typ`` to be one of them, compared as media types (case-insensitive,
    ``application/`` optional); a token without ``typ`` or with another is
    ``TokenTypeNotAllowed``. Off by default: Microsoft Entra access tokens say ``JWT``.
    An issuer holding ``{tenantid}`` (a multi-tenant Entra application) accepts the tokens
    of ``allowed_tenants`` (tenant IDs), or of every tenant with ``any_tenant=True``; one
    of the two is required for such an issuer, and for a key source bound to one."""

    def __new__(
        cls,
        audiences: _Strings = None,
        issuers: _Strings = None,
        required_claims: Optional[Iterable[RequiredClaim]] = None,
        clock_skew: Optional[int] = None,
        require_expiration_time: Optional[bool] = None,
        algorithms: _Strings = None,
        max_token_size: Optional[int] = None,
        kid_miss_fallback: Optional[bool] = None,
        require_kid: Optional[bool] = None,
        check_key_issuer: Optional[bool] = None,
        any_audience: bool = False,
        any_issuer: bool = False,
        token_types: _Strings = None,
        allowed_tenants: _Strings = None,
        any_tenant: bool = False,
    ) -> "Policy": ...
    def replace(self, **changes: Any) -> Policy:
        """A copy with some constructor arguments changed."""
    def arguments(self) -> Dict[str, Any]:
        """The constructor arguments."""
    def check_complete(self) -> None:
        """Raises the core's ``PolicyError`` when the policy is incomplete."""
    @property
    def audiences(self) -> Tuple[str, ...]: ...
    @property
    def issuers(self) -> Tuple[str, ...]: ...
    @property
    def required_claims(self) -> Tuple[RequiredClaim, ...]: ...
    @property
    def clock_skew(self) -> int: ...
    @property
    def require_expiration_time(self) -> bool: ...
    @property
    def algorithms(self) -> Tuple[_Algorithm, ...]:
        """The allowed algorithms, in the core's order (RS256, ES256, RS384, ...)."""
    @property
    def max_token_size(self) -> int: ...
    @property
    def kid_miss_fallback(self) -> bool: ...
    @property
    def require_kid(self) -> bool: ...
    @property
    def check_key_issuer(self) -> bool: ...
    @property
    def any_audience(self) -> bool: ...
    @property
    def any_issuer(self) -> bool: ...
    @property
    def token_types(self) -> Tuple[str, ...]: ...
    @property
    def allowed_tenants(self) -> Tuple[str, ...]: ...
    @property
    def any_tenant(self) -> bool: ...
    @property
    def is_complete(self) -> bool: ...

class VerifiedJws:
    """A JWS whose signature verified (``verify_jws``)."""

    @property
    def header(self) -> Dict[str, Any]: ...
    @property
    def payload(self) -> bytes: ...
    @property
    def alg(self) -> _Algorithm: ...
    @property
    def kid(self) -> Optional[str]: ...
    @property
    def key_kid(self) -> Optional[str]: ...
    @property
    def key_issuer(self) -> Optional[str]: ...
    @property
    def key_set_index(self) -> int: ...

@final
class VerifiedToken(VerifiedJws):
    """A token whose signature verified and whose claims satisfied the policy. The claims
    are the token's values as they are (control characters included): put them in an
    HTTP header or a log line only after checking them."""

    @property
    def claims(self) -> Dict[str, Any]: ...

_Trust = Union[Literal["policy", "discovered"], Sequence[str]]
_Source = Union[Tuple[Literal["openid", "jwks"], str, _Trust], Tuple[Literal["keys"], KeySet, _Trust]]

@final
class _Verifier:
    """The core's verifier behind ``jwtguard.Validator``: key sources bound to the issuers
    they may sign for, the policy, the verified-token cache and the fetch schedule. The
    caller performs the HTTP GETs it asks for."""

    def __new__(
        cls,
        policy: Policy,
        sources: Iterable[_Source],
        *,
        allow_http_loopback: bool = False,
        refresh_interval: Union[int, float, None] = None,
        kid_miss_interval: Union[int, float, None] = None,
        retry_min: Union[int, float, None] = None,
        retry_max: Union[int, float, None] = None,
        cache_size: int = 0,
        cache_ttl: Union[int, float, None] = None,
        decryption_keys: Optional[DecryptionKeys] = None,
    ) -> "_Verifier":
        """Raises ``PolicyError`` for a source or policy the core refuses (also a
        ``refresh_interval`` below one second)."""
    def verify(
        self,
        token: _Token,
        now: Union[int, float, None] = None,
        detailed: bool = False,
        policy: Optional[Policy] = None,
    ) -> Any:
        """The claims (a new dict), or a ``VerifiedToken`` with ``detailed``; with
        ``policy``, under that policy instead (same sources and issuer bindings, no
        cache). Raises ``TokenError``, or ``DiscoveryError`` while no source has keys.
        Releases the GIL."""
    def wants_fetch(self, now: int) -> bool: ...
    def start_fetch(self, now: int) -> Optional[Tuple[int, Literal["openid-configuration", "jwks"], str]]:
        """Claims a due fetch ``(source, what, url)``; answer it with ``offer`` or ``fetch_failed``."""
    def offer(self, source: int, body: bytes, now: int) -> Tuple[Any, ...]:
        """``("configuration", issuer, jwks_uri)`` or ``("keys", count)``; raises ``KeySetError``."""
    def fetch_failed(self, source: int, now: int) -> None: ...
    @property
    def source_count(self) -> int: ...
    def source_keys(self, source: int) -> Optional[KeySet]: ...
    def source_issuer(self, source: int) -> Optional[str]: ...
    def cache_info(self) -> CacheInfo: ...
    def cache_clear(self) -> None: ...

def _verify(
    token: _Token,
    keys: _Keys,
    policy: Policy,
    now: Union[int, float, None] = None,
    detailed: bool = False,
    decryption_keys: Optional[DecryptionKeys] = None,
) -> Any:
    """``jwtguard.verify`` (the claims), or with ``detailed`` ``jwtguard.verify_detailed``."""

def verify_jws(
    token: _Token,
    keys: _Keys,
    *,
    algorithms: _Strings = None,
    max_token_size: Optional[int] = None,
    kid_miss_fallback: Optional[bool] = None,
    require_kid: Optional[bool] = None,
) -> VerifiedJws:
    """The JWS layer alone (no claim rules); ``None`` keeps the core's default (as for
    ``Policy``). Raises ``TokenError``."""

def _reasons() -> List[Tuple[str, int, str, str]]: ...

def _read_openid_configuration(
    url: str, body: bytes, *, allow_http_loopback: bool = False
) -> Tuple[str, str, Dict[str, Any]]:
    """``(issuer, jwks_uri, document)`` of an OpenID configuration document, read with
    the core's rules; raises ``KeySetError`` (or ``PolicyError`` for ``url``)."""

def _check_url(url: str, allow_http_loopback: bool = False) -> Optional[str]:
    """``None`` when a key source may fetch ``url`` (the core's rule), else why not."""

def _is_loopback_host(host: str) -> bool: ...
def _translate_apim_policy(
    xml: str,
    named_values: Optional[Dict[str, str]] = None,
    allow_unknown: bool = False,
    allow_any_audience: bool = False,
    allow_any_issuer: bool = False,
    allowed_tenants: Optional[List[str]] = None,
    allow_any_tenant: bool = False,
) -> Dict[str, Any]:
    """The translation behind ``ApimPolicy.from_xml``: the core policy it built as a
    ``Policy`` (``"policy"``), the rest as plain data; raises ``PolicyError``."""

def read_named_values(text: str) -> Dict[str, str]:
    """APIM named values kept as text, one ``name=value`` per line (names of ASCII
    letters, digits, ``.``, ``-``, ``_``, unique ignoring case; values trimmed of spaces
    and tabs, not empty, at most 4096 bytes, no control characters but tab; blank and
    ``#`` lines skipped), for ``ApimPolicy.from_xml(named_values=...)``. Raises
    ``PolicyError`` (``InvalidNamedValues``) naming the line, never a value."""
