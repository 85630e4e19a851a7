"""jwtguard: JWT access-token verification with Azure API Management ``validate-jwt``
rules, the same decisions as jwtguard's Rust core, C library and nginx module.

Verify with a static key set::

    import jwtguard
    keys = jwtguard.KeySet.from_jwks(jwks)            # str | bytes | dict
    policy = jwtguard.Policy(audiences=["api://my-api"], issuers=["https://issuer/v2.0"])
    claims = jwtguard.verify(token, keys, policy)      # dict, or raises TokenError

Or let a :class:`Validator` fetch and refresh the keys from the OpenID configuration
(it also remembers tokens that verified, with static key sets too:
``Validator(keys=keys, policy=policy)``), or enforce an Azure API Management policy as it
is: ``Validator.from_apim_policy(xml)`` (:class:`ApimPolicy`).
"""

from __future__ import annotations

from ._errors import (
    APIM_REASONS,
    REASON_MESSAGES,
    REASONS,
    TOKEN_ERRORS,
    DiscoveryError,
    JwtGuardError,
    KeySetError,
    PolicyError,
    TokenAlgorithmKeyMismatchError,
    TokenAlgorithmNotAllowedError,
    TokenAlgorithmNotSupportedError,
    TokenAudienceNotAllowedError,
    TokenClaimMalformedError,
    TokenClaimNotFoundError,
    TokenClaimValueNotAllowedError,
    TokenDecryptionFailedError,
    TokenTypeNotAllowedError,
    TokenError,
    TokenExpirationTimeMissingError,
    TokenExpiredError,
    TokenHeaderUnsupportedError,
    TokenIssuerNotAllowedError,
    TokenMalformedError,
    TokenNotPresentError,
    TokenNotYetValidError,
    TokenSignatureInvalidError,
    TokenSignatureKeyNotFoundError,
    TokenTooLargeError,
)
from ._cache import CacheInfo
from ._jwtguard import (
    BACKEND,
    DEFAULT_CACHE_SIZE,
    DEFAULT_CACHE_TTL,
    DEFAULT_MAX_KEY_SET_SIZE,
    DEFAULT_MAX_TOKEN_SIZE,
    MAX_JSON_DEPTH,
    MAX_KEYS,
    TENANT_TEMPLATE,
    DecryptionKeys,
    KeySet,
    Policy,
    RequiredClaim,
    VerifiedJws,
    VerifiedToken,
    __version__,
    verify_jws,
)
from ._verify import verify, verify_detailed
from .discovery import Validator
from .apim import ApimPolicy, TokenSource, read_named_values
from . import entra

__all__ = [
    "APIM_REASONS",
    "ApimPolicy",
    "BACKEND",
    "CacheInfo",
    "DEFAULT_CACHE_SIZE",
    "DEFAULT_CACHE_TTL",
    "DEFAULT_MAX_KEY_SET_SIZE",
    "DEFAULT_MAX_TOKEN_SIZE",
    "DecryptionKeys",
    "DiscoveryError",
    "JwtGuardError",
    "KeySet",
    "KeySetError",
    "MAX_JSON_DEPTH",
    "MAX_KEYS",
    "Policy",
    "PolicyError",
    "REASONS",
    "REASON_MESSAGES",
    "RequiredClaim",
    "TENANT_TEMPLATE",
    "TOKEN_ERRORS",
    "TokenAlgorithmKeyMismatchError",
    "TokenAlgorithmNotAllowedError",
    "TokenAlgorithmNotSupportedError",
    "TokenAudienceNotAllowedError",
    "TokenClaimMalformedError",
    "TokenClaimNotFoundError",
    "TokenClaimValueNotAllowedError",
    "TokenDecryptionFailedError",
    "TokenTypeNotAllowedError",
    "TokenError",
    "TokenExpirationTimeMissingError",
    "TokenExpiredError",
    "TokenHeaderUnsupportedError",
    "TokenIssuerNotAllowedError",
    "TokenMalformedError",
    "TokenNotPresentError",
    "TokenNotYetValidError",
    "TokenSource",
    "TokenSignatureInvalidError",
    "TokenSignatureKeyNotFoundError",
    "TokenTooLargeError",
    "Validator",
    "VerifiedJws",
    "VerifiedToken",
    "__version__",
    "entra",
    "read_named_values",
    "verify",
    "verify_detailed",
    "verify_jws",
]
