"""OpenID discovery and JWKS fetching for :class:`Validator`.

The core decides; this module does the HTTP. A :class:`Validator` wraps the core's
verifier, which holds the key sources (OpenID configurations, JWKS URLs, key sets given
directly), binds each source to the issuers its keys may sign for, selects keys,
applies the policy, keeps the verified-token cache, and says when a source must be
fetched. The :class:`Validator` GETs what the core asks for with the standard library
(``urllib.request`` + ``ssl``) and hands the bodies back.

Fetching rules (this module's, but for the URL rule, which is the core's):

- https only; http only to a loopback host (``127.x.x.x``, ``::1``, ``localhost``)
  and only with ``allow_http_loopback=True`` (tests, sidecars); no credentials, spaces
  or control characters in the URL. Redirects are followed (at most 5) only to URLs
  that pass the same rule, i.e. to https.
- Certificates are verified (``ssl.create_default_context()`` unless an
  ``ssl_context`` is given). Proxies from the environment are honoured.
- Every response is capped (``max_response_bytes``, 1 MiB by default) and every fetch
  has a timeout (``timeout`` seconds per connection attempt and per read, and about
  that much in total for the body).

When keys are fetched (the core's schedule):

- a cold source is fetched once, however many requests arrive meanwhile (single
  flight); requests that find no keys wait for that fetch, and until keys were loaded
  once ``validate`` raises :class:`~jwtguard.DiscoveryError`;
- keys are refreshed every ``refresh_interval`` seconds (an hour), by the request that
  finds the refresh due; other requests go on with the current keys meanwhile;
- a failed fetch (an HTTP error, a timeout, a document the core refuses) keeps the last
  good keys, logs a warning, and is retried after 10 s, doubling per further failure up
  to 5 minutes (``retry_interval`` makes it a fixed interval);
- a token naming an unknown key triggers at most one refetch per
  ``unknown_kid_min_interval`` seconds (5 minutes, APIM's and Entra's guidance);
  requests meeting the miss while that fetch is under way wait for it and retry once.

Which keys sign for which issuer (the core's rule): the keys of an OpenID configuration
verify only tokens whose ``iss`` is that configuration's ``issuer`` (or the issuers
given for it explicitly), so one provider can never mint tokens for another's users;
keys from a JWKS URL or given as a :class:`~jwtguard.KeySet` may sign for every issuer
the policy allows. The policy's rules apply on top.

Verified-token cache (the core's, per :class:`Validator`):

- a token that verified is remembered, keyed by the whole token compared byte for byte,
  and the same token presented again is answered without the signature check;
- at most ``cache_size`` tokens (1024), the least recently used forgotten first; each for
  at most ``cache_ttl`` seconds (300) and never at or after its ``exp``; never for a
  ``now`` earlier than the one it verified at;
- forgotten whenever any source's keys change;
- failures are never cached: a token that fails is verified, and fails, every time;
- each answer is a new dict, so callers may mutate what they get;
- ``cache_size=0`` disables it.

Claims are returned as they are in the token, control characters included: they never
reach an HTTP header or a log line unless the application puts them there.
"""

from __future__ import annotations

import asyncio
import http
import http.client
import logging
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Mapping, NamedTuple, Optional, Sequence, Tuple, Union

if TYPE_CHECKING:
    from .apim import ApimPolicy

from . import _jwtguard
from ._errors import DiscoveryError, JwtGuardError, KeySetError, PolicyError, TokenSignatureKeyNotFoundError
from ._cache import CacheInfo
from ._jwtguard import DEFAULT_CACHE_SIZE, DEFAULT_CACHE_TTL, DecryptionKeys, KeySet, Policy, VerifiedToken, _Verifier

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
    """True for ``localhost``, ``::1`` and ``127.x.x.x`` (the core's rule)."""
    return bool(host) and _jwtguard._is_loopback_host(host)


def check_url(url: str, allow_http_loopback: bool = False) -> str:
    """Returns ``url`` if it may be fetched (the core's rule, as for its key sources),
    else raises :class:`DiscoveryError`."""
    if not isinstance(url, str):
        raise TypeError(f"URL must be a str, not {type(url).__name__}")
    refusal = _jwtguard._check_url(url, allow_http_loopback)
    if refusal is None:
        return url
    hint = "" if allow_http_loopback else " (allow_http_loopback=True permits plain http to a loopback host)"
    raise DiscoveryError(f"refusing {url!r}: {refusal}{hint}", url=url)


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
        # The standard phrase for the status, never the server's own reason text: a
        # hostile server could put control characters into it, and this text is logged.
        raise DiscoveryError(f"{url}: HTTP {e.code} {_status_phrase(e.code)}", url=url) from None
    except urllib.error.URLError as e:
        raise DiscoveryError(f"{url}: {_describe(e.reason)}", url=url) from None
    except (OSError, http.client.HTTPException, ValueError) as e:
        raise DiscoveryError(f"{url}: {_describe(e)}", url=url) from None


def _status_phrase(code: int) -> str:
    try:
        return http.HTTPStatus(code).phrase
    except ValueError:
        return "(non-standard status)"


def _describe(error: Any) -> str:
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timed out"
    return str(error) or type(error).__name__


class OpenIdConfiguration(NamedTuple):
    """What discovery yields: the issuer, the JWKS URL, and the whole document."""

    issuer: str
    jwks_uri: str
    document: Dict[str, Any]


def _refused(url: str, error: JwtGuardError) -> DiscoveryError:
    """The core refused what was fetched from ``url`` (or ``url`` itself)."""
    return DiscoveryError(f"{url}: {error}", url=url, reason=error.reason, code=error.code, detail=error.detail)


def discover(url: str, *, allow_http_loopback: bool = False, **options: Any) -> OpenIdConfiguration:
    """Fetches an OpenID configuration (``fetch`` options apply) and returns its
    ``issuer`` and ``jwks_uri``, read by the core as a :class:`Validator` reads them (a
    non-empty ``issuer``; a ``jwks_uri`` under the core's URL rules). A document the core
    refuses raises :class:`DiscoveryError` with its reason."""
    body = fetch(url, allow_http_loopback=allow_http_loopback, **options)
    try:
        issuer, jwks_uri, document = _jwtguard._read_openid_configuration(
            url, body, allow_http_loopback=allow_http_loopback
        )
    except (KeySetError, PolicyError) as e:
        raise _refused(url, e) from None
    return OpenIdConfiguration(issuer, jwks_uri, document)


def fetch_jwks(url: str, **options: Any) -> Tuple[bytes, KeySet]:
    """Fetches a JWKS (``fetch`` options apply) and loads it; returns the document's
    bytes and the :class:`KeySet`. A document that does not load raises
    :class:`DiscoveryError` with the key set's reason."""
    body = fetch(url, **options)
    try:
        keys = KeySet.from_jwks(body)
    except KeySetError as e:
        raise _refused(url, e) from None
    return body, keys


OpenIdSources = Union[None, str, Sequence[str], Mapping[str, Iterable[str]]]


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


def _openid_sources(value: OpenIdSources) -> List[Tuple[str, Union[str, List[str]]]]:
    """``(url, trust)`` per configuration: its discovered issuer, or the issuers given."""
    if isinstance(value, Mapping):
        sources: List[Tuple[str, Union[str, List[str]]]] = []
        for url, issuers in value.items():
            if not isinstance(url, str):
                raise TypeError("openid_config must map URLs to lists of issuers")
            sources.append((url, [issuers] if isinstance(issuers, str) else list(issuers)))
        return sources
    return [(url, "discovered") for url in _urls(value, "openid_config")]


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
    """Validates tokens with keys from OpenID discovery, JWKS URLs and/or key sets,
    under ``policy``. Thread-safe; one per API (per policy) is enough.

    ``openid_config``: a configuration URL or a list of them, whose keys sign only for
    the ``issuer`` each configuration names; or a dict mapping each URL to the issuers
    its keys may sign for (when a provider's tokens carry another issuer than its
    configuration, e.g. Entra v1.0 tokens with keys from the v2.0 configuration).
    ``jwks_uri``: a JWKS URL or a list; ``keys``: a :class:`KeySet` or a list. Keys from
    ``jwks_uri`` and ``keys`` may sign for every issuer the policy allows: give one
    provider's keys per validator there, or use ``openid_config``. At least one source
    is required. A token names its key by ``kid``: the first source holding it is used;
    without a ``kid`` (or after a miss, with ``kid_miss_fallback``), a few keys at most
    are tried across all sources.

    When ``policy`` lists no issuer (``Policy(audiences=[...])``), each configuration's
    keys are accepted for its own issuer only (Azure API Management's behaviour); with a
    source that is not bound to issuers such a policy is a :class:`PolicyError`.

    ``refresh_interval``, ``unknown_kid_min_interval`` and ``retry_interval`` (a fixed
    retry interval instead of the back-off) change the core's schedule; ``None`` keeps
    its defaults, and a ``refresh_interval`` below one second is a :class:`PolicyError`. ``timeout``, ``max_response_bytes`` and ``ssl_context`` apply to each
    HTTP GET; ``clock`` gives the time in seconds (for the schedule, and for verification
    when ``validate`` is called without ``now``).

    Tokens that verified are remembered (see the module documentation): at most
    ``cache_size`` of them (default 1024, 0 disables the cache), each for at most
    ``cache_ttl`` seconds (default 300; whole seconds, a fraction is dropped).
    :meth:`cache_info` and :meth:`cache_clear` as with ``functools.lru_cache``.

    With ``decryption_keys`` (a :class:`~jwtguard.DecryptionKeys`), encrypted tokens
    (compact JWE whose content is a signed JWT) are decrypted, then verified as signed
    ones, as API Management's ``<decryption-keys>``; without, they are ``TokenMalformed``.
    """

    def __init__(
        self,
        openid_config: OpenIdSources = None,
        *,
        jwks_uri: Union[None, str, Sequence[str]] = None,
        keys: Union[None, KeySet, Sequence[KeySet]] = None,
        policy: Policy,
        allow_http_loopback: bool = False,
        refresh_interval: Optional[float] = None,
        unknown_kid_min_interval: Optional[float] = None,
        retry_interval: Optional[float] = None,
        timeout: float = 10.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        ssl_context: Optional[ssl.SSLContext] = None,
        clock: Callable[[], float] = time.time,
        logger: Optional[logging.Logger] = None,
        cache_size: int = DEFAULT_CACHE_SIZE,
        cache_ttl: float = DEFAULT_CACHE_TTL,
        decryption_keys: Optional[DecryptionKeys] = None,
    ) -> None:
        if not isinstance(policy, Policy):
            raise TypeError("policy must be a jwtguard.Policy")
        if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 0:
            raise ValueError(f"cache_size must be a non-negative int, not {cache_size!r}")
        allow_http_loopback = bool(allow_http_loopback)
        sources: List[Tuple[str, Any, Any]] = []
        for url, trust in _openid_sources(openid_config):
            sources.append(("openid", check_url(url, allow_http_loopback), trust))
        for url in _urls(jwks_uri, "jwks_uri"):
            sources.append(("jwks", check_url(url, allow_http_loopback), "policy"))
        for static in _key_sets(keys):
            sources.append(("keys", static, "policy"))
        if not sources:
            raise ValueError("Validator needs openid_config, jwks_uri or keys")
        self._verifier = _Verifier(
            policy,
            sources,
            allow_http_loopback=allow_http_loopback,
            refresh_interval=refresh_interval,
            kid_miss_interval=unknown_kid_min_interval,
            retry_min=retry_interval,
            retry_max=retry_interval,
            cache_size=cache_size,
            cache_ttl=cache_ttl,
            decryption_keys=decryption_keys,
        )
        self._policy = policy
        self._sources = tuple(("static" if kind == "keys" else kind, None if kind == "keys" else where)
                              for kind, where, _ in sources)
        self._fetch_options: Dict[str, Any] = {
            "allow_http_loopback": allow_http_loopback,
            "timeout": float(timeout),
            "max_response_bytes": int(max_response_bytes),
            "ssl_context": ssl_context,
        }
        self._clock = clock
        self._logger = logger if logger is not None else logging.getLogger("jwtguard")
        self._errors: List[Optional[BaseException]] = [None] * len(sources)
        self._fetching = threading.Condition()
        self._busy = False
        self._rounds = 0

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
        adds key sets). With one ``<openid-config>``, its keys sign for the policy's
        issuers, as in API Management; with several, each configuration's keys sign
        only for its own discovered issuer. Inline keys sign for the policy's issuers.
        The policy's ``<decryption-keys>`` decrypt encrypted tokens (unless
        ``decryption_keys`` is given).
        Other ``options`` are the constructor's (``cache_size``, ``refresh_interval``,
        ...). The policy's HTTP settings (token source, failure status and message) are
        on the :class:`~jwtguard.ApimPolicy` for the web layer. Raises
        :class:`PolicyError` for a policy jwtguard would not enforce exactly."""
        from .apim import ApimPolicy

        apim = policy if isinstance(policy, ApimPolicy) else ApimPolicy.from_xml(policy)
        urls = list(apim.openid_config_urls) if openid_config is None else _urls(openid_config, "openid_config")
        configs: OpenIdSources = urls or None
        if len(urls) == 1 and apim.policy.issuers:
            configs = {urls[0]: list(apim.policy.issuers)}
        static = list(apim.inline_keys) + _key_sets(keys)
        if apim.decryption_keys is not None:
            options.setdefault("decryption_keys", apim.decryption_keys)
        return cls(configs, keys=static or None, policy=apim.policy, **options)

    # --- public API -------------------------------------------------------------------

    def validate(self, token: Token, now: Optional[float] = None) -> Dict[str, Any]:
        """Verifies ``token`` and returns its claims; raises :class:`TokenError`
        (or :class:`DiscoveryError` while no keys are available)."""
        return self._validate(token, now, False)

    def validate_detailed(self, token: Token, now: Optional[float] = None) -> VerifiedToken:
        """Like :meth:`validate`, returning a :class:`VerifiedToken` (``key_set_index``
        is the index of the source whose key verified it)."""
        return self._validate(token, now, True)

    async def validate_async(self, token: Token, now: Optional[float] = None) -> Dict[str, Any]:
        """:meth:`validate` for asyncio: fetching runs in a worker thread
        (``asyncio.to_thread``), so the event loop never waits on the network;
        verification runs inline (microseconds, and it releases the GIL)."""
        return await self._validate_async(token, now, False)

    async def validate_detailed_async(self, token: Token, now: Optional[float] = None) -> VerifiedToken:
        return await self._validate_async(token, now, True)

    async def refresh_async(self) -> bool:
        return await asyncio.to_thread(self.refresh)

    def cache_info(self) -> CacheInfo:
        """``CacheInfo(hits, misses, maxsize, currsize, ttl)`` of the verified-token
        cache (all zero but ``ttl`` when it is disabled); hits and misses count since
        the validator was made."""
        return self._verifier.cache_info()

    def cache_clear(self) -> None:
        """Forgets every remembered token (the counts of :meth:`cache_info` are kept)."""
        self._verifier.cache_clear()

    @property
    def policy(self) -> Policy:
        """The policy given to the constructor."""
        return self._policy

    @property
    def effective_policy(self) -> Policy:
        """The policy given to the constructor (kept for compatibility: the issuers
        each source may sign for are bound to that source, see :attr:`issuers`)."""
        return self._policy

    @property
    def key_sets(self) -> Tuple[KeySet, ...]:
        """The current key sets, one per source that has keys, in source order."""
        sets = (self._verifier.source_keys(i) for i in range(self._verifier.source_count))
        return tuple(s for s in sets if s is not None)

    @property
    def issuers(self) -> Tuple[str, ...]:
        """The issuers discovered so far, in source order."""
        found = (self._verifier.source_issuer(i) for i in range(self._verifier.source_count))
        return tuple(dict.fromkeys(i for i in found if i))

    @property
    def sources(self) -> Tuple[Tuple[str, Optional[str]], ...]:
        """``(kind, url)`` per source, in order: kind is ``"openid"``, ``"jwks"`` or
        ``"static"`` (url ``None``)."""
        return self._sources

    @property
    def last_error(self) -> Optional[BaseException]:
        """The failure of the most recent fetch of the first source whose most recent
        fetch failed, or ``None``."""
        return next((e for e in self._errors if e is not None), None)

    # --- verification -----------------------------------------------------------------

    def _now(self) -> int:
        return int(self._clock())

    def _verify(self, token: Token, now: Optional[float], detailed: bool) -> Any:
        return self._verifier.verify(token, self._now() if now is None else now, detailed)

    def _verify_with(self, token: Token, now: Optional[float], policy: Optional[Policy] = None) -> Dict[str, Any]:
        """The claims of ``token`` verified with the keys at hand, fetching nothing;
        ``policy`` replaces the validator's for this call (the sources and the issuers
        each may sign for stay; the cache is not used). For the command line."""
        return self._verifier.verify(token, self._now() if now is None else now, False, policy)

    # Raised by the core's verifier when a token's key is not at hand: a kid no key
    # has (TokenSignatureKeyNotFoundError), or no source has keys yet (DiscoveryError).
    _MISSES = (TokenSignatureKeyNotFoundError, DiscoveryError)

    def _validate(self, token: Token, now: Optional[float], detailed: bool) -> Any:
        self._fetch_due()
        rounds = self._rounds
        try:
            return self._verify(token, now, detailed)
        except self._MISSES as e:
            miss = e
        if not (self._fetch_due() or self._wait_for_fetches(rounds)):
            raise self._unavailable(miss)
        return self._verify_again(token, now, detailed)

    async def _validate_async(self, token: Token, now: Optional[float], detailed: bool) -> Any:
        if self._verifier.wants_fetch(self._now()):
            await asyncio.to_thread(self._fetch_due)
        rounds = self._rounds
        try:
            return self._verify(token, now, detailed)
        except self._MISSES as e:
            miss = e
        if not await asyncio.to_thread(lambda: self._fetch_due() or self._wait_for_fetches(rounds)):
            raise self._unavailable(miss)
        return self._verify_again(token, now, detailed)

    def _verify_again(self, token: Token, now: Optional[float], detailed: bool) -> Any:
        try:
            return self._verify(token, now, detailed)
        except self._MISSES as miss:
            raise self._unavailable(miss) from None

    def _unavailable(self, miss: JwtGuardError) -> Exception:
        """``miss``; when it is the core's "no keys yet", with the last fetch failure."""
        if not isinstance(miss, DiscoveryError):
            return miss
        last = self.last_error
        if last is None:
            return miss
        return DiscoveryError(
            f"no signing keys are available: {last}",
            url=getattr(last, "url", None),
            reason=getattr(last, "reason", None),
            detail=getattr(last, "detail", None),
        )

    # --- fetching -----------------------------------------------------------------------
    #
    # One thread fetches at a time (``_busy``); ``_rounds`` counts finished rounds, so a
    # request that met an unknown kid while a round was under way waits for it and
    # retries once.

    def _begin(self, wait: bool) -> bool:
        with self._fetching:
            if self._busy and not wait:
                return False
            while self._busy:
                self._fetching.wait()
            self._busy = True
            return True

    def _end(self) -> None:
        with self._fetching:
            self._busy = False
            self._rounds += 1
            self._fetching.notify_all()

    def _wait_for_fetches(self, rounds: int) -> bool:
        """Waits for a round under way; True when one finished since ``rounds``."""
        with self._fetching:
            while self._busy:
                self._fetching.wait()
            return self._rounds != rounds

    def _fetch_due(self) -> bool:
        """Performs the fetches the core has due (an OpenID source's configuration, then
        its keys), unless another thread is fetching. True when any ran."""
        if not self._verifier.wants_fetch(self._now()) or not self._begin(wait=False):
            return False
        fetches = 0
        try:
            # At most a configuration and a key set per source in one round.
            while fetches < 2 * self._verifier.source_count:
                fetch = self._verifier.start_fetch(self._now())
                if fetch is None:
                    break
                fetches += 1
                self._perform(*fetch)
        finally:
            self._end()
        return fetches > 0

    def refresh(self) -> bool:
        """Fetches every source now (after a fetch under way): each OpenID configuration
        and then its keys, each JWKS URL. Returns True when every source succeeded;
        failures keep the last good keys."""
        self._begin(wait=True)
        try:
            for source, (kind, url) in enumerate(self._sources):
                if url is None:
                    continue
                offered = self._perform(source, "openid-configuration" if kind == "openid" else "jwks", url)
                if offered is not None and offered[0] == "configuration":
                    self._perform(source, "jwks", offered[2])
        finally:
            self._end()
        return self.last_error is None

    def _perform(self, source: int, what: str, url: str) -> Optional[Tuple[Any, ...]]:
        """GETs ``url`` and hands the body to the core for ``source`` (``offer``), or
        reports the failure (``fetch_failed``). Returns what the core took, or ``None``
        after a failure (logged, kept in :attr:`last_error`); the last good keys stay."""
        try:
            body = fetch(url, **self._fetch_options)
        except Exception as e:  # whatever went wrong, the core hears of it
            self._verifier.fetch_failed(source, self._now())
            self._failed(source, what, url, e)
            return None
        try:
            offered = self._verifier.offer(source, body, self._now())
        except KeySetError as e:  # the core refused the document (and counted a failure)
            self._failed(source, what, url, _refused(url, e))
            return None
        self._errors[source] = None
        if offered[0] == "keys":
            self._loaded(source, url)
        return offered

    def _failed(self, source: int, what: str, url: str, error: BaseException) -> None:
        self._errors[source] = error
        self._logger.warning(
            "jwtguard: fetching %s from %s failed: %s; %s",
            what,
            url,
            error,
            "keeping the last good keys" if self._verifier.source_keys(source) is not None else "no keys are available yet",
        )

    def _loaded(self, source: int, url: str) -> None:
        keys = self._verifier.source_keys(source)
        if keys is None:
            return
        self._logger.info("jwtguard: loaded %d key(s) %s from %s", len(keys), keys.kids, url)
        for kid, reason, detail in keys.rejected:
            level = logging.DEBUG if reason == "KeyUnsupported" else logging.WARNING
            self._logger.log(level, "jwtguard: %s: key %r skipped: %s: %s", url, kid, reason, detail)

    def __repr__(self) -> str:
        urls = [url or "<static keys>" for _, url in self._sources]
        return f"<jwtguard.Validator sources={urls} key_sets={len(self.key_sets)}>"
