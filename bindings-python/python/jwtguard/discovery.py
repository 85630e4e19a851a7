"""OpenID discovery, JWKS fetching and a key cache: :class:`Validator`.

The core never does I/O; this module fetches the OpenID configuration and the JWKS it
points to with the standard library (``urllib.request`` + ``ssl``), keeps the last good
keys, and hands them to the core for every decision.

Fetching rules:

- https only; http only to a loopback host (``127.0.0.0/8``, ``::1``, ``localhost``)
  and only with ``allow_http_loopback=True`` (tests, sidecars). Redirects are followed
  (at most 5) only to URLs that pass the same rule, i.e. to https.
- Certificates are verified (``ssl.create_default_context()`` unless an
  ``ssl_context`` is given). Proxies from the environment are honoured.
- Every response is capped (``max_response_bytes``, 1 MiB by default) and every fetch
  has a timeout (``timeout`` seconds per connection attempt and per read, and about
  that much in total for the body).

Cache rules (per :class:`Validator`):

- keys are refreshed every ``refresh_interval`` seconds (an hour); a refresh that
  fails for a source keeps that source's last good keys, logs a warning, and is
  retried after ``retry_interval`` seconds (a minute);
- a token naming an unknown key (``TokenSignatureKeyNotFound``) triggers at most one
  refetch per ``unknown_kid_min_interval`` seconds (5 minutes, APIM's and Entra's
  guidance). The refetch is single-flight: one thread fetches, the others that hit the
  same miss wait for it and then retry once with the new keys;
- a scheduled refresh never makes other threads wait while some keys are available;
- until keys have been fetched successfully once, ``validate`` raises
  :class:`~jwtguard.DiscoveryError`.

Verified-token cache (per :class:`Validator`, the core's ``TokenCache`` through
:class:`~jwtguard.TokenCache`):

- a token that verified is remembered, keyed by the whole token compared byte for byte,
  and the same token presented again is answered without the signature check;
- at most ``cache_size`` tokens (1024), the least recently used forgotten first; each for
  at most ``cache_ttl`` seconds (300) and never at or after its ``exp``; never for a
  ``now`` earlier than the one it verified at;
- forgotten whenever the key sets are replaced (every refresh, rotation or unknown-kid
  refetch that loads keys) or the effective policy changes (a newly discovered issuer);
  the policy given to the constructor is immutable;
- failures are never cached: a token that fails is verified, and fails, every time;
- a hit returns a fresh copy of the claims, so callers may mutate what they get;
- ``cache_size=0`` disables it.

Several sources pool their keys: each source (an OpenID configuration URL, a JWKS URL,
or a static :class:`~jwtguard.KeySet`) keeps its own key set, and the sets are tried in
turn for each token (the next only when a set holds no key the token names). When the
policy lists no issuer, the issuers of all OpenID configurations are allowed.
"""

from __future__ import annotations

import asyncio
import http.client
import ipaddress
import json
import logging
import math
import socket
import ssl
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:
    from .apim import ApimPolicy

from . import _jwtguard
from ._errors import DiscoveryError, KeySetError, PolicyError, TokenSignatureKeyNotFoundError
from ._cache import CacheInfo
from ._jwtguard import (
    DEFAULT_CACHE_SIZE,
    DEFAULT_CACHE_TTL,
    KeySet,
    Policy,
    TokenCache,
    VerifiedToken,
    verify,
    verify_detailed,
)

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "OpenIdConfiguration",
    "Validator",
    "check_url",
    "discover",
    "fetch",
    "fetch_jwks",
    "is_loopback_host",
]

#: Largest accepted response body (an OpenID configuration or a JWKS).
DEFAULT_MAX_RESPONSE_BYTES = 1 << 20
#: At most this many redirects per fetch.
MAX_REDIRECTS = 5
USER_AGENT = "jwtguard-python/" + _jwtguard.__version__

Token = Union[str, bytes]


def is_loopback_host(host: Optional[str]) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, allow_http_loopback: bool = False) -> str:
    """Returns ``url`` if it may be fetched, else raises :class:`DiscoveryError`."""
    if not isinstance(url, str):
        raise TypeError(f"URL must be a str, not {type(url).__name__}")
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError as e:
        raise DiscoveryError(f"refusing URL {url!r}: {e}", url=url) from None
    scheme = parts.scheme.lower()
    if not host:
        raise DiscoveryError(f"refusing URL {url!r}: it has no host", url=url)
    if scheme == "https":
        return url
    if scheme == "http" and is_loopback_host(host):
        if allow_http_loopback:
            return url
        raise DiscoveryError(
            f"refusing {url}: http is allowed only to loopback hosts and only with allow_http_loopback=True",
            url=url,
        )
    raise DiscoveryError(f"refusing {url}: only https URLs are fetched", url=url)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_http_loopback: bool) -> None:
        super().__init__()
        self._allow_http_loopback = allow_http_loopback

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D401 (urllib API)
        try:
            check_url(newurl, self._allow_http_loopback)
        except DiscoveryError as e:
            raise DiscoveryError(f"refusing redirect from {req.full_url}: {e}", url=newurl) from None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(
    url: str,
    *,
    allow_http_loopback: bool = False,
    timeout: float = 10.0,
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ssl_context: Optional[ssl.SSLContext] = None,
) -> bytes:
    """GETs ``url`` under the rules above and returns the body, or raises
    :class:`DiscoveryError`."""
    check_url(url, allow_http_loopback)
    context = ssl_context if ssl_context is not None else ssl.create_default_context()
    opener = urllib.request.build_opener(
        _RedirectHandler(allow_http_loopback), urllib.request.HTTPSHandler(context=context)
    )
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.strip().isdigit() and int(length) > max_response_bytes:
                raise DiscoveryError(
                    f"{url}: response of {int(length)} bytes exceeds the limit of {max_response_bytes}", url=url
                )
            chunks: List[bytes] = []
            total = 0
            while True:
                if time.monotonic() > deadline:
                    raise DiscoveryError(f"{url}: timed out after {timeout} s reading the response", url=url)
                chunk = response.read1(min(65536, max_response_bytes + 1 - total))
                if not chunk:
                    break
                total += len(chunk)
                if total > max_response_bytes:
                    raise DiscoveryError(f"{url}: response exceeds the limit of {max_response_bytes} bytes", url=url)
                chunks.append(chunk)
            return b"".join(chunks)
    except DiscoveryError:
        raise
    except urllib.error.HTTPError as e:
        raise DiscoveryError(f"{url}: HTTP {e.code} {e.reason}", url=url) from None
    except urllib.error.URLError as e:
        raise DiscoveryError(f"{url}: {_describe(e.reason)}", url=url) from None
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise DiscoveryError(f"{url}: {_describe(e)}", url=url) from None


def _describe(error: Any) -> str:
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timed out"
    return str(error) or type(error).__name__


class OpenIdConfiguration(NamedTuple):
    """What discovery yields: the issuer, the JWKS URL, and the whole document."""

    issuer: str
    jwks_uri: str
    document: Dict[str, Any]


def discover(url: str, **options: Any) -> OpenIdConfiguration:
    """Fetches an OpenID configuration (``fetch`` options apply) and returns its
    ``issuer`` and ``jwks_uri`` (which must pass the same URL rules)."""
    body = fetch(url, **options)
    try:
        document = json.loads(body)
    except ValueError:
        raise DiscoveryError(f"{url}: the OpenID configuration is not JSON", url=url) from None
    if not isinstance(document, dict):
        raise DiscoveryError(f"{url}: the OpenID configuration is not a JSON object", url=url)
    jwks_uri = document.get("jwks_uri")
    issuer = document.get("issuer")
    if not isinstance(jwks_uri, str) or not jwks_uri:
        raise DiscoveryError(f"{url}: the OpenID configuration has no jwks_uri", url=url)
    if not isinstance(issuer, str) or not issuer:
        raise DiscoveryError(f"{url}: the OpenID configuration has no issuer", url=url)
    try:
        check_url(jwks_uri, options.get("allow_http_loopback", False))
    except DiscoveryError as e:
        raise DiscoveryError(f"{url}: jwks_uri: {e}", url=jwks_uri) from None
    return OpenIdConfiguration(issuer, jwks_uri, document)


def fetch_jwks(url: str, **options: Any) -> Tuple[bytes, KeySet]:
    """Fetches a JWKS (``fetch`` options apply) and loads it; returns the document's
    bytes and the :class:`KeySet`. A document that does not load raises
    :class:`DiscoveryError` with the key set's reason."""
    body = fetch(url, **options)
    try:
        keys = KeySet.from_jwks(body)
    except KeySetError as e:
        raise DiscoveryError(f"{url}: {e}", url=url, reason=e.reason, code=e.code, detail=e.detail) from None
    return body, keys


class _Source:
    """One place keys come from; mutated only under the validator's lock."""

    __slots__ = ("kind", "url", "keys", "issuer", "jwks_uri", "error", "fetched_at")

    def __init__(self, kind: str, url: Optional[str] = None, keys: Optional[KeySet] = None) -> None:
        self.kind = kind  # "openid", "jwks" or "static"
        self.url = url
        self.keys = keys
        self.issuer: Optional[str] = None
        self.jwks_uri: Optional[str] = url if kind == "jwks" else None
        self.error: Optional[BaseException] = None
        self.fetched_at: Optional[float] = None


class _State(NamedTuple):
    """An immutable snapshot: swapped whole, read without a lock."""

    generation: int
    key_sets: Tuple[KeySet, ...]
    policy: Optional[Policy]


def _urls(value: Union[None, str, Iterable[str]], what: str) -> List[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    urls = list(value)
    for url in urls:
        if not isinstance(url, str):
            raise TypeError(f"{what} must be a URL or a list of URLs")
    return urls


def _key_sets(value: Union[None, KeySet, Iterable[KeySet]]) -> List[KeySet]:
    if value is None:
        return []
    if isinstance(value, KeySet):
        return [value]
    sets = list(value)
    for keys in sets:
        if not isinstance(keys, KeySet):
            raise TypeError("keys must be a jwtguard.KeySet or a list of them")
    return sets


class Validator:
    """Validates tokens with keys from OpenID discovery, JWKS URLs and/or static key
    sets, under ``policy``. Thread-safe; one per API (per policy) is enough.

    ``openid_config``: a configuration URL or a list of them; ``jwks_uri``: a JWKS URL or
    a list; ``keys``: a :class:`KeySet` or a list. At least one source is required.

    When ``policy`` lists no issuer (``Policy(audiences=[...])``), the ``issuer`` of
    each OpenID configuration is allowed (Azure API Management's behaviour); with no
    OpenID configuration such a policy is a :class:`PolicyError`.

    Tokens that verified are remembered (see the module documentation): at most
    ``cache_size`` of them (default 1024, 0 disables the cache), each for at most
    ``cache_ttl`` seconds (default 300; whole seconds, a fraction is dropped) and never
    at or after its ``exp``, keyed by the whole token (compared byte for byte), forgotten
    whenever the key sets or the effective policy change. Failures are not cached. A
    cached answer is a fresh copy of the claims (new dicts and lists), never an object
    another caller received. :meth:`cache_info` and :meth:`cache_clear` as with
    ``functools.lru_cache``.
    """

    def __init__(
        self,
        openid_config: Union[None, str, Sequence[str]] = None,
        *,
        jwks_uri: Union[None, str, Sequence[str]] = None,
        keys: Union[None, KeySet, Sequence[KeySet]] = None,
        policy: Policy,
        allow_http_loopback: bool = False,
        refresh_interval: float = 3600.0,
        unknown_kid_min_interval: float = 300.0,
        retry_interval: float = 60.0,
        timeout: float = 10.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        ssl_context: Optional[ssl.SSLContext] = None,
        clock: Callable[[], float] = time.time,
        logger: Optional[logging.Logger] = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        cache_ttl: float = DEFAULT_CACHE_TTL,
    ) -> None:
        if not isinstance(policy, Policy):
            raise TypeError("policy must be a jwtguard.Policy")
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 0:
            raise ValueError(f"cache_size must be a non-negative int, not {cache_size!r}")
        # Validated (non-negative, a number) and floored by TokenCache.
        cache = TokenCache(cache_size, cache_ttl)
        self._cache: Optional[TokenCache] = cache if cache_size > 0 and cache.ttl > 0 else None
        self._cache_ttl = cache.ttl
        if self._cache is None:
            self._verify_claims: Callable[..., Any] = verify
            self._verify_detailed: Callable[..., Any] = verify_detailed
        else:
            self._verify_claims = self._cache.verify
            self._verify_detailed = self._cache.verify_detailed
        self._policy = policy
        self._allow_http_loopback = bool(allow_http_loopback)
        self._fetch_options: Dict[str, Any] = {
            "allow_http_loopback": self._allow_http_loopback,
            "timeout": float(timeout),
            "max_response_bytes": int(max_response_bytes),
            "ssl_context": ssl_context,
        }
        self._refresh_interval = float(refresh_interval)
        self._unknown_kid_min_interval = float(unknown_kid_min_interval)
        self._retry_interval = min(float(retry_interval), self._refresh_interval)
        self._clock = clock
        self._logger = logger if logger is not None else logging.getLogger("jwtguard")

        sources: List[_Source] = []
        for url in _urls(openid_config, "openid_config"):
            check_url(url, self._allow_http_loopback)
            sources.append(_Source("openid", url))
        for url in _urls(jwks_uri, "jwks_uri"):
            check_url(url, self._allow_http_loopback)
            sources.append(_Source("jwks", url))
        for static in _key_sets(keys):
            sources.append(_Source("static", keys=static))
        if not sources:
            raise ValueError("Validator needs openid_config, jwks_uri or keys")
        if not policy.is_complete and not any(s.kind == "openid" for s in sources):
            policy.check_complete()  # raises the core's PolicyError (no issuer)
        self._sources = sources
        self._fetchable = any(s.kind != "static" for s in sources)

        self._lock = threading.Lock()  # held while fetching (single flight)
        self._fetching = False  # set under the lock while a fetch is in flight
        self._next_refresh = -math.inf if self._fetchable else math.inf
        self._last_kid_refetch: Optional[float] = None
        self._last_error: Optional[BaseException] = None
        self._state = _State(0, tuple(s.keys for s in sources if s.keys is not None), self._effective_policy(None))

    @classmethod
    def from_apim_policy(
        cls,
        policy: Union[str, "ApimPolicy"],
        *,
        openid_config: Union[None, str, Sequence[str]] = None,
        keys: Union[None, KeySet, Sequence[KeySet]] = None,
        **options: Any,
    ) -> "Validator":
        """A :class:`Validator` that enforces an Azure API Management validation policy:
        ``policy`` is the ``<validate-jwt>`` / ``<validate-azure-ad-token>`` XML text (or
        whole ``<policies>`` document), or an :class:`~jwtguard.ApimPolicy`. Keys come
        from the policy's ``<openid-config>`` URLs (``openid_config`` given here replaces
        them, e.g. with a mirror) and its inline ``<issuer-signing-keys>`` (``keys``
        adds key sets). Other ``options`` are the constructor's (``cache_size``,
        ``refresh_interval``, ...). The policy's HTTP settings (token source, failure
        status and message) are on the :class:`~jwtguard.ApimPolicy` for the web layer.
        Raises :class:`PolicyError` for a policy jwtguard would not enforce exactly."""
        from .apim import ApimPolicy

        apim = policy if isinstance(policy, ApimPolicy) else ApimPolicy.from_xml(policy)
        urls = list(apim.openid_config_urls) if openid_config is None else _urls(openid_config, "openid_config")
        static = list(apim.inline_keys) + _key_sets(keys)
        return cls(urls or None, keys=static or None, policy=apim.policy, **options)

    # --- public API -------------------------------------------------------------------

    def validate(self, token: Token, now: Optional[float] = None) -> Dict[str, Any]:
        """Verifies ``token`` and returns its claims; raises :class:`TokenError`
        (or :class:`DiscoveryError` while no keys are available)."""
        return self._validate(token, now, self._verify_claims)

    def validate_detailed(self, token: Token, now: Optional[float] = None) -> VerifiedToken:
        """Like :meth:`validate`, returning a :class:`VerifiedToken`."""
        return self._validate(token, now, self._verify_detailed)

    async def validate_async(self, token: Token, now: Optional[float] = None) -> Dict[str, Any]:
        """:meth:`validate` for asyncio: fetching runs in a worker thread
        (``asyncio.to_thread``), so the event loop never waits on the network;
        verification runs inline (microseconds, and it releases the GIL)."""
        return await self._validate_async(token, now, self._verify_claims)

    async def validate_detailed_async(self, token: Token, now: Optional[float] = None) -> VerifiedToken:
        return await self._validate_async(token, now, self._verify_detailed)

    def refresh(self) -> bool:
        """Fetches every source now (waiting for a fetch in progress first). Returns
        True when every source succeeded; failures keep the last good keys."""
        with self._lock:
            return self._refresh_locked(self._clock(), "requested")

    async def refresh_async(self) -> bool:
        return await asyncio.to_thread(self.refresh)

    def cache_info(self) -> CacheInfo:
        """``CacheInfo(hits, misses, maxsize, currsize, ttl)`` of the verified-token
        cache (all zero but ``ttl`` when it is disabled); hits and misses count since
        the validator was made."""
        if self._cache is None:
            return CacheInfo(0, 0, 0, 0, self._cache_ttl)
        return self._cache.cache_info()

    def cache_clear(self) -> None:
        """Forgets every remembered token (the counts of :meth:`cache_info` are kept)."""
        if self._cache is not None:
            self._cache.clear()

    @property
    def policy(self) -> Policy:
        """The policy given to the constructor."""
        return self._policy

    @property
    def effective_policy(self) -> Optional[Policy]:
        """The policy tokens are verified with (with the discovered issuers when the
        given policy lists none); ``None`` until an issuer has been discovered."""
        return self._state.policy

    @property
    def key_sets(self) -> Tuple[KeySet, ...]:
        """The current key sets, one per source that has keys, in source order."""
        return self._state.key_sets

    @property
    def issuers(self) -> Tuple[str, ...]:
        """The issuers discovered so far, in source order."""
        return tuple(dict.fromkeys(s.issuer for s in self._sources if s.issuer))

    @property
    def sources(self) -> Tuple[Tuple[str, Optional[str]], ...]:
        """``(kind, url)`` per source, in order: kind is ``"openid"``, ``"jwks"`` or
        ``"static"`` (url ``None``)."""
        return tuple((s.kind, s.url) for s in self._sources)

    @property
    def last_error(self) -> Optional[BaseException]:
        """The first failure of the most recent refresh, or ``None`` if it succeeded."""
        return self._last_error

    # --- verification -----------------------------------------------------------------

    def _verify(self, state: _State, token: Token, now: Optional[float], fn: Callable[..., Any]) -> Any:
        if not state.key_sets:
            raise self._unavailable("no signing keys are available")
        if state.policy is None:
            raise self._unavailable("no issuer has been discovered (the OpenID configuration was not fetched)")
        return fn(token, state.key_sets, state.policy, int(self._clock()) if now is None else now)

    def _unavailable(self, what: str) -> DiscoveryError:
        last = self._last_error
        if last is None:
            return DiscoveryError(f"{what} yet")
        reason = getattr(last, "reason", None)
        return DiscoveryError(
            f"{what}: {last}", url=getattr(last, "url", None), reason=reason, detail=getattr(last, "detail", None)
        )

    def _validate(self, token: Token, now: Optional[float], fn: Callable[..., Any]) -> Any:
        state = self._current_state()
        try:
            return self._verify(state, token, now, fn)
        except TokenSignatureKeyNotFoundError as e:
            miss = e
        fresh = self._after_unknown_kid(state)
        if fresh is None:
            raise miss
        return self._verify(fresh, token, now, fn)

    async def _validate_async(self, token: Token, now: Optional[float], fn: Callable[..., Any]) -> Any:
        state = self._state
        if self._needs_refresh(state):
            state = await asyncio.to_thread(self._current_state)
        try:
            return self._verify(state, token, now, fn)
        except TokenSignatureKeyNotFoundError as e:
            miss = e
        if self._may_refetch(state):
            fresh = await asyncio.to_thread(self._after_unknown_kid, state)
        else:
            fresh = None
        if fresh is None:
            raise miss
        return self._verify(fresh, token, now, fn)

    # --- the cache ----------------------------------------------------------------------

    def _needs_refresh(self, state: _State) -> bool:
        return self._fetchable and (not state.key_sets or self._clock() >= self._next_refresh)

    def _current_state(self) -> _State:
        """The snapshot to verify with, refreshing first when due."""
        state = self._state
        if not self._needs_refresh(state):
            return state
        if state.key_sets:
            # Keys are available: refresh unless someone else already is (then use
            # the current keys rather than wait).
            if not self._lock.acquire(blocking=False):
                return self._state
        else:
            self._lock.acquire()  # nothing to verify with: wait for the fetch in progress
        try:
            t = self._clock()
            if t >= self._next_refresh:
                self._refresh_locked(t, "scheduled" if self._state.key_sets else "initial")
            return self._state
        finally:
            self._lock.release()

    def _kid_window_open(self, t: float) -> bool:
        last = self._last_kid_refetch
        return last is None or t - last >= self._unknown_kid_min_interval

    def _may_refetch(self, state: _State) -> bool:
        """Cheap, lock-free pre-check for :meth:`_after_unknown_kid`: newer keys exist,
        a fetch is in flight (wait for it), or the refetch window is open."""
        if not self._fetchable:
            return False
        return self._state.generation != state.generation or self._fetching or self._kid_window_open(self._clock())

    def _after_unknown_kid(self, state: _State) -> Optional[_State]:
        """After ``state`` had no key for a token: newer keys to retry with (fetched
        now, at most once per window, or by another thread meanwhile), or ``None``."""
        if not self._may_refetch(state):
            return None
        with self._lock:
            if self._state.generation != state.generation:
                return self._state  # another thread fetched while we waited
            t = self._clock()
            if not self._kid_window_open(t):
                return None
            self._last_kid_refetch = t
            self._refresh_locked(t, "unknown key id")
            return self._state

    def _refresh_locked(self, t: float, why: str) -> bool:
        """Fetches every source; the caller holds the lock. Publishes a new snapshot."""
        errors: List[BaseException] = []
        self._fetching = True
        try:
            for source in self._sources:
                if source.kind == "static":
                    continue
                try:
                    self._fetch_source(source, t, why)
                except Exception as e:  # keep the last good keys whatever went wrong
                    source.error = e
                    errors.append(e)
                    self._logger.warning(
                        "jwtguard: fetching keys (%s) from %s failed: %s; %s",
                        why,
                        source.url,
                        e,
                        "keeping the last good keys" if source.keys is not None else "no keys are available yet",
                    )
        finally:
            self._fetching = False
        self._last_error = errors[0] if errors else None
        self._next_refresh = t + (self._retry_interval if errors else self._refresh_interval)
        previous = self._state
        key_sets = tuple(s.keys for s in self._sources if s.keys is not None)
        state = _State(previous.generation + 1, key_sets, self._effective_policy(previous.policy))
        self._state = state
        if self._cache is not None and (
            state.policy is not previous.policy
            or len(state.key_sets) != len(previous.key_sets)
            or any(new is not old for new, old in zip(state.key_sets, previous.key_sets))
        ):
            # New keys or a new policy: forget every token verified with the old ones.
            # (The cache also forgets by itself when called with other key sets or
            # another policy, and never stores a verification that began before this.)
            self._cache.clear()
        return not errors

    def _fetch_source(self, source: _Source, t: float, why: str) -> None:
        options = self._fetch_options
        issuer = None
        if source.kind == "openid":
            config = discover(source.url, **options)
            issuer, jwks_uri = config.issuer, config.jwks_uri
        else:
            jwks_uri = source.url
        _, keys = fetch_jwks(jwks_uri, **options)
        if issuer is not None:
            source.issuer = issuer
        source.jwks_uri = jwks_uri
        changed = source.keys is None or source.keys.kids != keys.kids
        source.keys = keys
        source.error = None
        source.fetched_at = t
        log = self._logger.info if changed else self._logger.debug
        log("jwtguard: loaded %d key(s) %s from %s (%s)", len(keys), keys.kids, jwks_uri, why)
        for kid, reason, detail in keys.rejected:
            level = logging.DEBUG if reason == "KeyUnsupported" else logging.WARNING
            self._logger.log(level, "jwtguard: %s: key %r skipped: %s: %s", jwks_uri, kid, reason, detail)

    def _effective_policy(self, previous: Optional[Policy]) -> Optional[Policy]:
        if self._policy.is_complete:
            return self._policy
        issuers = list(dict.fromkeys(s.issuer for s in self._sources if s.issuer))
        if not issuers:
            return None
        if previous is not None and previous.issuers == tuple(issuers):
            return previous  # unchanged: the same object, so cached tokens stay valid
        try:
            return self._policy.replace(issuers=issuers)
        except PolicyError as e:
            self._logger.error("jwtguard: the discovered issuers %s do not make a valid policy: %s", issuers, e)
            return previous

    def __repr__(self) -> str:
        urls = [s.url or "<static keys>" for s in self._sources]
        return f"<jwtguard.Validator sources={urls} key_sets={len(self._state.key_sets)}>"
