"""``jwtguard.verify`` and ``jwtguard.verify_detailed``: one verification by the core
each (the extension's ``_verify``), answered as the claims or as a whole
:class:`~jwtguard.VerifiedToken`."""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Union

from ._jwtguard import DecryptionKeys, KeySet, Policy, VerifiedToken, _verify

Token = Union[str, bytes, bytearray]
Keys = Union[KeySet, Sequence[KeySet]]


def verify(
    token: Token,
    keys: Keys,
    policy: Policy,
    now: Union[int, float, None] = None,
    *,
    decryption_keys: Optional[DecryptionKeys] = None,
) -> Dict[str, Any]:
    """Verifies ``token`` and returns its claims as a new dict: the signature with a key
    from ``keys`` (a :class:`~jwtguard.KeySet`, or a sequence of them searched as one,
    each trusted for every issuer of ``policy``), then every rule of ``policy`` at ``now``
    (Unix seconds, default: the current time). With ``decryption_keys``, an encrypted
    token (compact JWE) is decrypted first and the signed JWT inside it is verified.
    Raises :class:`~jwtguard.TokenError` (a subclass per reason), or
    :class:`~jwtguard.PolicyError` for an incomplete policy. Releases the GIL."""
    claims: Dict[str, Any] = _verify(token, keys, policy, now, False, decryption_keys)
    return claims


def verify_detailed(
    token: Token,
    keys: Keys,
    policy: Policy,
    now: Union[int, float, None] = None,
    *,
    decryption_keys: Optional[DecryptionKeys] = None,
) -> VerifiedToken:
    """Like :func:`verify`, returning a :class:`~jwtguard.VerifiedToken` (the header, the
    claims, and the key that verified; of the signed JWT, for an encrypted token)."""
    verified: VerifiedToken = _verify(token, keys, policy, now, True, decryption_keys)
    return verified
