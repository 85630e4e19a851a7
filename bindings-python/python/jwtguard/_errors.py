"""The package's exceptions, and the reason table taken from the core at import.

Every exception raised for a token, key set or policy carries the core's stable reason
name (``.reason``) and code (``.code``), the fixed detail naming the rule that failed
(``.detail``), the policy claim it concerns (``.claim``, or ``None``), and the core's
message (``str(exc)``, e.g. ``"TokenExpired: token has expired (exp is past, beyond the
clock skew)"``). All are ``ValueError`` subclasses.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Dict, Mapping, Optional, Tuple, Type

from . import _jwtguard

_TABLE: Tuple[Tuple[str, int, str, str], ...] = tuple(_jwtguard._reasons())

#: Every reason of the core: stable name -> stable numeric code (from ``Reason::ALL``).
REASONS: Mapping[str, int] = MappingProxyType({name: code for name, code, _, _ in _TABLE})
#: Stable name -> the Azure API Management ``validate-jwt`` reason it maps to.
APIM_REASONS: Mapping[str, str] = MappingProxyType({name: apim for name, _, apim, _ in _TABLE})
#: Stable name -> a one-line description of the reason.
REASON_MESSAGES: Mapping[str, str] = MappingProxyType({name: msg for name, _, _, msg in _TABLE})
_NAMES_BY_CODE: Dict[int, str] = {code: name for name, code, _, _ in _TABLE}


class JwtGuardError(ValueError):
    """Base class of every jwtguard error."""

    reason: Optional[str]
    code: Optional[int]
    detail: str
    claim: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        reason: Optional[str] = None,
        code: Optional[int] = None,
        detail: Optional[str] = None,
        claim: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        if code is None and reason is not None:
            code = REASONS.get(reason)
        if reason is None and code is not None:
            reason = _NAMES_BY_CODE.get(code)
        self.reason = reason
        self.code = code
        self.detail = detail if detail is not None else message
        self.claim = claim

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""

    @property
    def apim_reason(self) -> Optional[str]:
        """The Azure API Management reason this maps to (e.g. ``"JwtInvalid"``)."""
        return APIM_REASONS.get(self.reason) if self.reason else None

    def __reduce__(self):  # keyword-only attributes survive pickling
        return (
            _rebuild,
            (type(self), self.message, self.reason, self.code, self.detail, self.claim),
        )


def _rebuild(cls, message, reason, code, detail, claim):
    return cls(message, reason=reason, code=code, detail=detail, claim=claim)


class TokenError(JwtGuardError):
    """A token was rejected. ``.reason`` says why (e.g. ``"TokenExpired"``)."""


class KeySetError(JwtGuardError):
    """A key set could not be loaded (or no key set is available)."""


class PolicyError(JwtGuardError):
    """A policy is invalid (``.reason`` is ``"PolicyInvalid"``)."""


class DiscoveryError(KeySetError):
    """OpenID discovery or JWKS fetching failed and no good keys are available, or a
    URL was refused. ``.reason`` is the key set's reason when the fetched document was
    not a usable key set, ``"TokenSignatureKeyNotFound"`` when no source has loaded keys
    yet and no fetch failed, else ``None``; ``.url`` is the URL concerned, if any."""

    url: Optional[str]

    def __init__(self, message: str, *, url: Optional[str] = None, **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.url = url

    def __reduce__(self):
        return (_rebuild_discovery, (type(self), self.message, self.url, self.reason, self.detail))


def _rebuild_discovery(cls, message, url, reason, detail):
    return cls(message, url=url, reason=reason, detail=detail)


# One subclass per token reason, named after it. The names are the core's stable
# names; the table below is checked against the core at import (and by the tests).
class TokenNotPresentError(TokenError):
    """No token was presented."""


class TokenTooLargeError(TokenError):
    """The token exceeds the maximum allowed size."""


class TokenMalformedError(TokenError):
    """Not a well-formed compact JWS (segments, base64url, header or payload JSON)."""


class TokenHeaderUnsupportedError(TokenError):
    """The header uses an unsupported or unsafe parameter (crit, b64, zip, enc, jwk, jku, x5u)."""


class TokenAlgorithmNotSupportedError(TokenError):
    """The token's ``alg`` is not implemented (including ``none``)."""


class TokenAlgorithmNotAllowedError(TokenError):
    """The token's ``alg`` is not allowed by the policy."""


class TokenSignatureKeyNotFoundError(TokenError):
    """No key matches the token's ``kid``/``x5t`` (refresh the keys)."""


class TokenAlgorithmKeyMismatchError(TokenError):
    """The key named by the token cannot be used with the token's ``alg``."""


class TokenSignatureInvalidError(TokenError):
    """The signature does not verify."""


class TokenClaimMalformedError(TokenError):
    """A registered claim has the wrong type or an out-of-range value."""


class TokenExpirationTimeMissingError(TokenError):
    """The token has no ``exp`` and the policy requires one."""


class TokenExpiredError(TokenError):
    """``exp <= now - clock_skew``."""


class TokenNotYetValidError(TokenError):
    """``nbf > now + clock_skew``."""


class TokenAudienceNotAllowedError(TokenError):
    """No audience of the token is allowed by the policy."""


class TokenIssuerNotAllowedError(TokenError):
    """The issuer is not allowed, or is not the signing key's issuer."""


class TokenClaimNotFoundError(TokenError):
    """A required claim is missing (``.claim`` names it)."""


class TokenClaimValueNotAllowedError(TokenError):
    """A required claim has no allowed value (``.claim`` names it)."""


class TokenTypeNotAllowedError(TokenError):
    """The policy lists token types (``typ``, e.g. ``at+jwt``) and the token has another, or none."""


class TokenDecryptionFailedError(TokenError):
    """An encrypted token could not be decrypted: no decryption key has its ``kid``, or the
    key, the tag, the padding or the key wrap did not check out (one reason for all)."""


# The classes defined above (exported by the package), before any generated one.
_STATIC = frozenset(
    name for name, value in list(globals().items()) if isinstance(value, type) and name.endswith("Error")
)


def _token_classes() -> Dict[str, Type[TokenError]]:
    classes: Dict[str, Type[TokenError]] = {}
    for name in REASONS:
        if not name.startswith("Token"):
            continue
        cls = globals().get(name + "Error")
        if cls is None:  # a reason newer than this module: still a distinct class
            cls = type(name + "Error", (TokenError,), {"__doc__": REASON_MESSAGES[name]})
            globals()[cls.__name__] = cls
        classes[name] = cls
    return classes


#: Token reason name -> its exception class (a ``TokenError`` subclass).
TOKEN_ERRORS: Mapping[str, Type[TokenError]] = MappingProxyType(_token_classes())

_KINDS: Dict[str, Type[JwtGuardError]] = {
    "token": TokenError,
    "key_set": KeySetError,
    "policy": PolicyError,
    "unavailable": DiscoveryError,  # the core's verifier has no keys from any source yet
}


def _from_core(kind: str, code: int, detail: str, claim: Optional[str], message: str) -> JwtGuardError:
    """Called by the extension module to build the exception for a core error."""
    name = _NAMES_BY_CODE[code]
    cls = _KINDS[kind]
    if cls is TokenError:
        cls = TOKEN_ERRORS.get(name, TokenError)
    return cls(message, reason=name, code=code, detail=detail, claim=claim)


def _public_module() -> None:
    # Shown and pickled as ``jwtguard.TokenExpiredError`` (re-exported there).
    for cls in [JwtGuardError, TokenError, KeySetError, PolicyError, DiscoveryError, *TOKEN_ERRORS.values()]:
        if cls.__module__ == __name__ and cls.__name__ in _STATIC:
            cls.__module__ = "jwtguard"


_public_module()
