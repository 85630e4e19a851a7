//! The verifier handle: the core's `Verifier` for C callers. Every decision (which key,
//! which sources may sign for which issuers, when to fetch, the cache) is the core's;
//! this module converts arguments and results.

use core::ffi::c_char;
use core::ptr;

use jwtguard_core::key_source::{FetchWhat, Offered, Refresh, SourceOptions};
use jwtguard_core::{Trust, Verifier, VerifierBuilder};

use crate::keyset::{jwtguard_keyset, key_options};
use crate::policy::jwtguard_policy;
use crate::result::{jwtguard_result, Fail};
use crate::token::{checked_len, jwtguard_token};
use crate::util::{free_boxed, guard, guard_detail, guard_value, handle, handle_mut, input_bytes, input_str, Out};

/// Verifies tokens against ordered key sources under one policy, with an optional
/// verified-token cache (opaque; thread-safe: any number of threads may call any
/// `jwtguard_verifier_*` function on one handle at once).
///
/// Security contract (decided by the core, the same in every jwtguard layer):
/// - key selection searches every source in order: a `kid` names the first usable key
///   carrying it; a token naming no key is tried against at most 4 keys;
/// - a source's keys verify only tokens of the issuers the source is bound to (its
///   own list, the discovered issuer of an OpenID source, or, when added without
///   issuers, any issuer the policy allows): with several providers, give each
///   source its issuers, so one provider's keys never verify another's tokens;
/// - the cache answers only for the exact token bytes, from the time the token
///   verified to the earlier of its `exp` and that time plus the TTL (a clock stepped
///   back is a miss), and empties itself when any source's keys change.
///
/// Fetching: the library never does I/O. Ask `jwtguard_verifier_start_fetch()` what
/// to fetch (a cold source, an hourly refresh, a retry after a failure, an unknown
/// `kid`: one fetch at a time per source), GET the URL, and answer with
/// `jwtguard_verifier_offer()` (the body of a 200 response) or
/// `jwtguard_verifier_fetch_failed()` (anything else, including an aborted request).
pub struct jwtguard_verifier {
    verifier: Verifier,
}

/// Collects the sources and settings of a verifier (opaque; one thread at a time).
/// `jwtguard_verifier_builder_build()` consumes it; free it with
/// `jwtguard_verifier_builder_free()` only if it is never built.
pub struct jwtguard_verifier_builder {
    builder: Option<VerifierBuilder>,
    sources: usize,
    refresh: Refresh,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<jwtguard_verifier>();
};

/// Which document a fetch is for.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum jwtguard_fetch_kind {
    /// No fetch (the value written when none is claimed).
    JWTGUARD_FETCH_NONE = 0,
    /// An OpenID Connect configuration document.
    JWTGUARD_FETCH_OPENID_CONFIGURATION = 1,
    /// A JWK set.
    JWTGUARD_FETCH_JWKS = 2,
}

/// Starts a verifier for `policy` (the policy is shared, not copied: the handle may be
/// freed afterwards). Returns NULL when `policy` is NULL or a panic was caught.
///
/// # Safety
/// `policy` is NULL or a live policy handle.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_builder_new(
    policy: *const jwtguard_policy,
) -> *mut jwtguard_verifier_builder {
    guard_value(ptr::null_mut(), || {
        // SAFETY: the caller's contract for `policy`.
        let Ok(policy) = (unsafe { handle(policy, "policy") }) else { return ptr::null_mut() };
        let builder = Verifier::builder(policy.policy().clone());
        Box::into_raw(Box::new(jwtguard_verifier_builder {
            builder: Some(builder),
            sources: 0,
            refresh: Refresh::DEFAULT,
        }))
    })
}

/// Frees a builder that was not built. NULL is ignored.
///
/// # Safety
/// `builder` is NULL or a live builder handle that is not used again.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_builder_free(builder: *mut jwtguard_verifier_builder) {
    // SAFETY: the caller's contract above, which is `free_boxed`'s.
    unsafe { free_boxed(builder) }
}

/// The issuers a source is bound to: `n` NUL-terminated UTF-8 strings; none means
/// `fallback`.
///
/// # Safety
/// `issuers` is NULL (only with `n` 0) or points to `n` pointers, each to a
/// NUL-terminated string.
unsafe fn trust(issuers: *const *const c_char, n: usize, fallback: Trust) -> Result<Trust, Fail> {
    if n == 0 {
        return Ok(fallback);
    }
    // SAFETY: the caller's contract: `n` readable pointers.
    let pointers =
        unsafe { input_bytes(issuers.cast::<u8>(), n.saturating_mul(size_of::<*const c_char>()), "issuers") }?;
    let mut list = Vec::with_capacity(n);
    for chunk in pointers.chunks_exact(size_of::<*const c_char>()) {
        let pointer = usize::from_ne_bytes(chunk.try_into().map_err(|_| Fail::arg_invalid("issuers", "is misaligned"))?)
            as *const c_char;
        if pointer.is_null() {
            return Err(Fail::arg_null("issuers[i]"));
        }
        // SAFETY: non-NULL (checked); the caller's contract: a NUL-terminated string.
        let text = unsafe { core::ffi::CStr::from_ptr(pointer) };
        let text = text.to_str().map_err(|_| Fail::arg_invalid("issuers[i]", "is not UTF-8"))?;
        list.push(text.to_owned());
    }
    Ok(Trust::Issuers(list))
}

/// Runs `add` on the builder and reports the new source's index.
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread;
/// `source_index` is NULL or valid for writing one `size_t`.
unsafe fn add_source(
    builder: *mut jwtguard_verifier_builder,
    source_index: *mut usize,
    add: impl FnOnce(VerifierBuilder, Refresh) -> Result<VerifierBuilder, Fail>,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (b, index) = unsafe { (handle_mut(builder, "builder")?, Out::optional(source_index, "source_index")?) };
        let inner = b.builder.take().ok_or(Fail::arg_invalid("builder", "was already built"))?;
        b.builder = Some(add(inner, b.refresh)?);
        if let Some(index) = index {
            index.set(b.sources);
        }
        b.sources += 1;
        Ok(())
    })
}

/// Adds a key set given by the caller (replace it later with
/// `jwtguard_verifier_set_keys()`, e.g. when a key file changed). `issuers` (array of
/// `n_issuers` NUL-terminated strings, each may hold `{tenantid}`) binds its keys to
/// those issuers; `n_issuers` 0 lets them sign for any issuer the policy allows.
/// `*source_index` (optional) receives the source's index. A problem with the
/// arguments is reported by `jwtguard_verifier_builder_build()`.
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread; `keys` is NULL
/// or a live key set handle; `issuers` is NULL (only with `n_issuers` 0) or points to
/// `n_issuers` NUL-terminated strings; `source_index` is NULL or writable.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_builder_add_keys(
    builder: *mut jwtguard_verifier_builder,
    keys: *const jwtguard_keyset,
    issuers: *const *const c_char,
    n_issuers: usize,
    source_index: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe {
        add_source(builder, source_index, |b, _| {
            let keys = handle(keys, "keys")?;
            Ok(b.fixed_keys(keys.keys().clone(), trust(issuers, n_issuers, Trust::PolicyIssuers)?))
        })
    }
}

/// Adds keys fetched from a JWK set URL (`https`; plain `http` only to a loopback
/// host, with `JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK` in `flags`). `flags` also takes the
/// `JWTGUARD_KEYSET_*` flags for loading the fetched sets. Issuers as for
/// `jwtguard_verifier_builder_add_keys()`.
///
/// # Safety
/// As `jwtguard_verifier_builder_add_keys()`; `url` points to `url_len` readable bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_builder_add_jwks_url(
    builder: *mut jwtguard_verifier_builder,
    url: *const c_char,
    url_len: usize,
    issuers: *const *const c_char,
    n_issuers: usize,
    flags: u32,
    source_index: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe {
        add_source(builder, source_index, |b, refresh| {
            let url = input_str(url, url_len, "url")?;
            Ok(b.jwks_url(url, trust(issuers, n_issuers, Trust::PolicyIssuers)?, source_options(flags, refresh)?))
        })
    }
}

/// Adds keys found through an OpenID Connect configuration document (its `jwks_uri`
/// is fetched next). With `n_issuers` 0 the keys sign only for the document's own
/// `issuer`; with issuers, only for those. Flags as for
/// `jwtguard_verifier_builder_add_jwks_url()`.
///
/// # Safety
/// As `jwtguard_verifier_builder_add_jwks_url()`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_builder_add_openid_config(
    builder: *mut jwtguard_verifier_builder,
    url: *const c_char,
    url_len: usize,
    issuers: *const *const c_char,
    n_issuers: usize,
    flags: u32,
    source_index: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe {
        add_source(builder, source_index, |b, refresh| {
            let url = input_str(url, url_len, "url")?;
            Ok(b.openid_config(url, trust(issuers, n_issuers, Trust::Discovered)?, source_options(flags, refresh)?))
        })
    }
}

/// `flags` bit: allow `http://` source URLs to `localhost`, `127.x.x.x` or `[::1]`.
pub const JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK: u32 = 1 << 16;

fn source_options(flags: u32, refresh: Refresh) -> Result<SourceOptions, Fail> {
    let keys = key_options(flags & !JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK)?;
    Ok(SourceOptions { keys, refresh, allow_http_loopback: flags & JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK != 0 })
}

/// The time from a successful fetch to the next one (seconds; default 3600), for the
/// fetching sources added after this call. 0 is `JWTGUARD_INVALID_PARAMETER`.
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_builder_set_refresh_interval(
    builder: *mut jwtguard_verifier_builder,
    seconds: u64,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `builder`.
        let b = unsafe { handle_mut(builder, "builder") }?;
        if seconds == 0 {
            return Err(Fail::arg_invalid("seconds", "is 0"));
        }
        b.refresh.interval = seconds;
        Ok(())
    })
}

/// Remembers up to `capacity` verified tokens (0: no cache), each for at most
/// `ttl_seconds` (0: the default, `jwtguard_default_cache_ttl()`) and never past its
/// `exp`.
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_builder_set_cache(
    builder: *mut jwtguard_verifier_builder,
    capacity: usize,
    ttl_seconds: u64,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `builder`.
        let b = unsafe { handle_mut(builder, "builder") }?;
        let inner = b.builder.take().ok_or(Fail::arg_invalid("builder", "was already built"))?;
        let ttl = if ttl_seconds == 0 { jwtguard_core::DEFAULT_CACHE_TTL } else { ttl_seconds };
        b.builder = Some(if capacity == 0 { inner } else { inner.cache(capacity, ttl) });
        Ok(())
    })
}

/// Builds the verifier and frees the builder (also on failure). On success `*out`
/// receives the handle (free it with `jwtguard_verifier_free()`); otherwise `*out` is
/// NULL and the result (with `detail`) names the problem, e.g. a source bound to no
/// issuer, a URL that is not https, no source at all.
///
/// # Safety
/// `builder` is NULL or a live builder handle not used again; `out` is NULL or
/// writable; `detail` is NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_builder_build(
    builder: *mut jwtguard_verifier_builder,
    out: *mut *mut jwtguard_verifier,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let body = || {
        // SAFETY: the caller's contract for `out`.
        let out = unsafe { Out::required(out, "out") }?;
        out.set(ptr::null_mut());
        if builder.is_null() {
            return Err(Fail::arg_null("builder"));
        }
        // SAFETY: non-NULL (checked); the caller gives up the live handle here.
        let b = unsafe { Box::from_raw(builder) };
        let inner = b.builder.ok_or(Fail::arg_invalid("builder", "was already built"))?;
        let verifier = inner.build()?;
        out.set(Box::into_raw(Box::new(jwtguard_verifier { verifier })));
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
}

/// Frees a verifier. NULL is ignored. Tokens it returned stay valid.
///
/// # Safety
/// `verifier` is NULL or a live verifier handle that no thread uses again.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_free(verifier: *mut jwtguard_verifier) {
    // SAFETY: the caller's contract above, which is `free_boxed`'s.
    unsafe { free_boxed(verifier) }
}

/// Verifies a token at `now` (Unix seconds): from the cache when it verified before,
/// else in full (see `jwtguard_verify()` for the order of the checks and `detail`).
/// `*cache_hit` (optional) tells which. `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` for an
/// unknown `kid` also makes fetching sources want a refetch (at most once per 5
/// minutes): call `jwtguard_verifier_start_fetch()`, and after the fetch verify again.
///
/// # Safety
/// `verifier` is NULL or a live handle; `token` is NULL (only with `token_len` 0) or
/// points to `token_len` readable bytes; `out` is NULL or writable; `cache_hit` is
/// NULL or writable; `detail` is NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_verify(
    verifier: *const jwtguard_verifier,
    token: *const u8,
    token_len: usize,
    now: u64,
    out: *mut *mut jwtguard_token,
    cache_hit: *mut bool,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let body = || {
        // SAFETY: the caller's contract for `out` and `cache_hit`.
        let (out, hit) = unsafe { (Out::required(out, "out")?, Out::optional(cache_hit, "cache_hit")?) };
        out.set(ptr::null_mut());
        if let Some(hit) = &hit {
            hit.set(false);
        }
        // SAFETY: the caller's contract for `verifier`.
        let v = unsafe { handle(verifier, "verifier") }?;
        // SAFETY: the caller's contract for `token`.
        let token = unsafe { checked_len(token, token_len, v.verifier.policy()) }?;
        let verdict = v.verifier.verify(token, now)?;
        if let Some(hit) = hit {
            hit.set(verdict.cached);
        }
        out.set(jwtguard_token::from_verified(verdict.token));
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
}

/// True when a source wants a fetch at `now` (none is under way for it). False for a
/// NULL handle.
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_wants_fetch(verifier: *const jwtguard_verifier, now: u64) -> bool {
    guard_value(false, || {
        // SAFETY: the caller's contract for `verifier`.
        unsafe { handle(verifier, "verifier") }.is_ok_and(|v| v.verifier.wants_fetch(now))
    })
}

/// Claims the next due fetch. Returns true with `*source`, `*kind` and the URL (under
/// the buffer convention, NUL-terminated) when one was claimed: the caller must then
/// answer it with `jwtguard_verifier_offer()` or `jwtguard_verifier_fetch_failed()`.
/// Returns false when none is due, and also when `url_cap` is too small (nothing is
/// claimed then; `*url_len` holds the length needed, at most 2048). URLs are checked
/// by the core: `https` (or loopback `http` when allowed), no spaces or control
/// characters.
///
/// # Safety
/// `verifier` is NULL or a live handle; `source`, `kind` and `url_len` are NULL or
/// writable; `url` is NULL or valid for writing `url_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_start_fetch(
    verifier: *const jwtguard_verifier,
    now: u64,
    source: *mut usize,
    kind: *mut jwtguard_fetch_kind,
    url: *mut c_char,
    url_cap: usize,
    url_len: *mut usize,
) -> bool {
    guard_value(false, || {
        // SAFETY: the caller's contract for each pointer.
        let outs = unsafe {
            (
                handle(verifier, "verifier"),
                Out::required(source, "source"),
                Out::required(kind, "kind"),
                Out::required(url_len, "url_len"),
            )
        };
        let (Ok(v), Ok(source), Ok(kind), Ok(url_len)) = outs else { return false };
        kind.set(jwtguard_fetch_kind::JWTGUARD_FETCH_NONE);
        url_len.set(0);
        let max = jwtguard_core::key_source::MAX_URL_LEN;
        if url.is_null() || url_cap <= max {
            // Claim only what fits; a URL is at most MAX_URL_LEN bytes.
            if v.verifier.wants_fetch(now) {
                url_len.set(max);
            }
            return false;
        }
        let Some(fetch) = v.verifier.start_fetch(now) else { return false };
        // SAFETY: `url` is non-NULL and valid for `url_cap` > MAX_URL_LEN >= the URL's
        // length bytes (caller's contract and the core's URL rule).
        unsafe { crate::util::write_detail(url, url_cap, &fetch.url) };
        url_len.set(fetch.url.len());
        source.set(fetch.source);
        kind.set(match fetch.what {
            FetchWhat::OpenIdConfiguration => jwtguard_fetch_kind::JWTGUARD_FETCH_OPENID_CONFIGURATION,
            FetchWhat::Jwks => jwtguard_fetch_kind::JWTGUARD_FETCH_JWKS,
        });
        true
    })
}

/// Answers `source`'s claimed fetch with the body of a successful (200) response. A
/// document that does not load (not a key set, no usable key, no `issuer` or an
/// unacceptable `jwks_uri` in a configuration) is an error (`detail` says which) and
/// counts as a failed fetch: the source keeps its last good keys and retries later.
/// `*key_count` (optional) receives the number of usable keys taken (0 for a
/// configuration document).
///
/// # Safety
/// `verifier` is NULL or a live handle; `body` is NULL (only with `body_len` 0) or
/// points to `body_len` readable bytes; `key_count` is NULL or writable; `detail` is
/// NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_offer(
    verifier: *const jwtguard_verifier,
    source: usize,
    body: *const u8,
    body_len: usize,
    now: u64,
    key_count: *mut usize,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let run = || {
        // SAFETY: the caller's contract for each pointer.
        let (v, count) = unsafe { (handle(verifier, "verifier")?, Out::optional(key_count, "key_count")?) };
        // SAFETY: the caller's contract for `body`.
        let body = match unsafe { input_bytes(body, body_len, "body") } {
            Ok(body) => body,
            Err(fail) => {
                v.verifier.fetch_failed(source, now);
                return Err(fail);
            }
        };
        let offered = v.verifier.offer(source, body, now)?;
        if let Some(count) = count {
            count.set(match offered {
                Offered::Keys { count } => count,
                Offered::Configuration { .. } => 0,
            });
        }
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, run) }
}

/// `source`'s claimed fetch failed (an error status, a connection failure, an aborted
/// or truncated response): the source keeps its keys and retries after a back-off
/// (10 s, doubling, at most 300 s). NULL and unknown sources are ignored.
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_fetch_failed(verifier: *const jwtguard_verifier, source: usize, now: u64) {
    guard_value((), || {
        // SAFETY: the caller's contract for `verifier`.
        if let Ok(v) = unsafe { handle(verifier, "verifier") } {
            v.verifier.fetch_failed(source, now);
        }
    })
}

/// Replaces the keys of a source added with `jwtguard_verifier_builder_add_keys()`
/// (e.g. a key file that changed); the cache empties itself. The key set is shared,
/// not copied. `JWTGUARD_POLICY_INVALID` for a fetching source or an unknown index.
///
/// # Safety
/// `verifier` is NULL or a live handle; `keys` is NULL or a live key set handle.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_set_keys(
    verifier: *const jwtguard_verifier,
    source: usize,
    keys: *const jwtguard_keyset,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (v, keys) = unsafe { (handle(verifier, "verifier")?, handle(keys, "keys")?) };
        v.verifier.set_keys(source, keys.keys().clone())?;
        Ok(())
    })
}

/// The earliest time (Unix seconds) a source may want a fetch, for timers:
/// `UINT64_MAX` when no source fetches (or `verifier` is NULL).
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_next_fetch_at(verifier: *const jwtguard_verifier) -> u64 {
    guard_value(u64::MAX, || {
        // SAFETY: the caller's contract for `verifier`.
        unsafe { handle(verifier, "verifier") }.ok().and_then(|v| v.verifier.next_fetch_at()).unwrap_or(u64::MAX)
    })
}

/// Number of usable keys `source` holds now (0 before its first fetch, for an unknown
/// index, or a NULL handle).
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_source_key_count(
    verifier: *const jwtguard_verifier,
    source: usize,
) -> usize {
    guard_value(0, || {
        // SAFETY: the caller's contract for `verifier`.
        unsafe { handle(verifier, "verifier") }.ok().and_then(|v| v.verifier.source_keys(source)).map_or(0, |k| k.len())
    })
}

/// Entries in the verifier's cache (0 without one, or for NULL).
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_cache_len(verifier: *const jwtguard_verifier) -> usize {
    guard_value(0, || {
        // SAFETY: the caller's contract for `verifier`.
        unsafe { handle(verifier, "verifier") }.map_or(0, |v| v.verifier.cache_len())
    })
}

/// The default failure text of an API gateway answering 401, as Azure API Management
/// words it: `"Unauthorized. Access token is missing or invalid."` (static; never free).
#[no_mangle]
pub extern "C" fn jwtguard_default_failed_message() -> *const c_char {
    c"Unauthorized. Access token is missing or invalid.".as_ptr()
}

/// The default number of entries of a verified-token cache (1024).
#[no_mangle]
pub extern "C" fn jwtguard_default_cache_size() -> usize {
    jwtguard_core::DEFAULT_CACHE_CAPACITY
}

/// The default time, in seconds, a cached token is trusted without re-verification (300).
#[no_mangle]
pub extern "C" fn jwtguard_default_cache_ttl() -> u64 {
    jwtguard_core::DEFAULT_CACHE_TTL
}
