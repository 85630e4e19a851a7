"""``CacheInfo``, what :meth:`jwtguard.Validator.cache_info` returns."""

from __future__ import annotations

from typing import NamedTuple


class CacheInfo(NamedTuple):
    """Statistics of a verified-token cache, like ``functools.lru_cache``'s.

    ``hits`` and ``misses`` count lookups since the cache was made (a flush keeps them;
    a token that fails verification counts a miss every time, failures are never
    cached); ``maxsize`` is the most entries kept (0: disabled); ``currsize`` the
    entries held now (some may be past their deadline, dropped when next looked up);
    ``ttl`` the longest time, in whole seconds, an entry is used without verifying
    again."""

    hits: int
    misses: int
    maxsize: int
    currsize: int
    ttl: int
