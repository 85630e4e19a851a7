//! The verifier handle: the core's `Verifier` for C callers. Every decision (which key,
//! which sources may sign for which issuers, when to fetch, the cache) is the core's;
//! this module converts arguments and results.

use core::ffi::c_char;
use core::ptr;

use jwtguard_core::key_source::{FetchWhat, Offered, Refresh, SourceOptions};
use jwtguard_core::{KeySet, Trust, Verifier, VerifierBuilder};

use crate::decryption::jwtguard_decryption_keys;
use crate::keyset::{jwtguard_keyset, key_options};
use crate::policy::jwtguard_policy;
use crate::result::{jwtguard_result, Fail};
use crate::token::{checked_token, jwtguard_token};
use crate::util::{
    assert_send_sync, free_boxed, guard, guard_detail, guard_value, handle, handle_mut, input_bytes, input_str,
    input_strings, jwtguard_slice, make_handle, read_handle, take_boxed, write_detail, Building, Out, OutBuf,
};

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
    pub(crate) verifier: Verifier,
}

/// Collects the sources and settings of a verifier (opaque; one thread at a time).
/// `jwtguard_verifier_builder_build()` consumes it; free it with
/// `jwtguard_verifier_builder_free()` only if it is never built. A call that fails
/// (a NULL or invalid argument, a URL the core refuses) also makes every later
/// `jwtguard_verifier_builder_build()` fail with the same code, so an ignored error
/// never yields a verifier with a source missing.
pub struct jwtguard_verifier_builder {
    state: Building<VerifierBuilder>,
    /// Sources added so far (the next source's index).
    sources: usize,
    /// When the fetching sources added from now on fetch.
    refresh: Refresh,
}

impl jwtguard_verifier_builder {
    /// Adds a source (or records why it was not read); the core's objection to it, if
    /// any, is the result.
    fn add(&mut self, source: Result<impl FnOnce(VerifierBuilder) -> VerifierBuilder, Fail>) -> Result<usize, Fail> {
        self.state.update(|inner| {
            let earlier = inner.problem();
            let inner = match source {
                Ok(add) => add(inner),
                Err(fail) => return (inner, Err(fail)),
            };
            let problem = if earlier.is_none() { inner.problem() } else { None };
            (inner, problem.map_or(Ok(()), |problem| Err(problem.into())))
        })?;
        self.sources += 1;
        Ok(self.sources - 1)
    }
}

const _: () = assert_send_sync::<jwtguard_verifier>();

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

/// Longest URL a source accepts, configured or discovered, in bytes: a buffer of
/// `JWTGUARD_MAX_URL_LEN + 1` bytes always holds a URL from
/// `jwtguard_verifier_start_fetch()`.
pub const JWTGUARD_MAX_URL_LEN: usize = 2048;

const _: () = assert!(JWTGUARD_MAX_URL_LEN == jwtguard_core::key_source::MAX_URL_LEN);

/// `flags` bit: allow `http://` source URLs to `localhost`, `127.x.x.x` or `[::1]`.
pub const JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK: u32 = 1 << 16;

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
            state: Building::new(builder),
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

/// The issuers a source is bound to: `n` UTF-8 strings; none means `fallback`.
///
/// # Safety
/// As [`input_strings`].
unsafe fn trust(issuers: *const jwtguard_slice, n: usize, fallback: Trust) -> Result<Trust, Fail> {
    // SAFETY: the caller's contract, passed on.
    let list = unsafe { input_strings(issuers, n, "issuers", "issuers[i].data") }?;
    Ok(if list.is_empty() { fallback } else { Trust::Issuers(list) })
}

/// Reads a source's arguments with `read` (given the builder's refresh times), adds
/// it, and reports its index.
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread;
/// `source_index` is NULL or valid for writing one `size_t`.
unsafe fn add_source<F: FnOnce(VerifierBuilder) -> VerifierBuilder>(
    builder: *mut jwtguard_verifier_builder,
    source_index: *mut usize,
    read: impl FnOnce(Refresh) -> Result<F, Fail>,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `builder`.
        let b = unsafe { handle_mut(builder, "builder") }?;
        // SAFETY: the caller's contract for `source_index`.
        let index = unsafe { Out::optional(source_index, "source_index") };
        if let Ok(Some(index)) = &index {
            index.set(0);
        }
        let index = b.state.note(index)?;
        let added = b.add(read(b.refresh))?;
        if let Some(index) = index {
            index.set(added);
        }
        Ok(())
    })
}

/// Adds a key set given by the caller (replace it later with
/// `jwtguard_verifier_set_keys()`, e.g. when a key file changed). `issuers` (an array
/// of `n_issuers` strings, each may hold `{tenantid}`) binds its keys to those issuers;
/// `n_issuers` 0 lets them sign for any issuer the policy allows: only for keys that
/// are not one provider's. `*source_index` (optional) receives the source's index
/// (sources are numbered from 0 in the order they are added).
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread; `keys` is NULL
/// or a live key set handle; `issuers` is NULL (only with `n_issuers` 0) or points to
/// `n_issuers` `jwtguard_slice`s, each valid as that type describes; `source_index` is
/// NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_builder_add_keys(
    builder: *mut jwtguard_verifier_builder,
    keys: *const jwtguard_keyset,
    issuers: *const jwtguard_slice,
    n_issuers: usize,
    source_index: *mut usize,
) -> jwtguard_result {
    let read = |_| {
        // SAFETY: the caller's contract for `keys` and `issuers`.
        let (keys, trust) = unsafe { (handle(keys, "keys")?, trust(issuers, n_issuers, Trust::PolicyIssuers)?) };
        Ok(move |b: VerifierBuilder| b.fixed_keys(keys.keys().clone(), trust))
    };
    // SAFETY: the caller's contract for `builder` and `source_index`, passed on.
    unsafe { add_source(builder, source_index, read) }
}

/// Adds keys fetched from a JWK set URL (`https`; plain `http` only to a loopback
/// host, with `JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK` in `flags`; at most
/// `JWTGUARD_MAX_URL_LEN` bytes, no spaces or control characters: otherwise
/// `JWTGUARD_POLICY_INVALID`). `flags` also takes the `JWTGUARD_KEYSET_*` flags for
/// loading the fetched sets. Issuers and `*source_index` as for
/// `jwtguard_verifier_builder_add_keys()`.
///
/// # Safety
/// As `jwtguard_verifier_builder_add_keys()`; `url` is NULL (only with `url_len` 0) or
/// points to `url_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_builder_add_jwks_url(
    builder: *mut jwtguard_verifier_builder,
    url: *const c_char,
    url_len: usize,
    issuers: *const jwtguard_slice,
    n_issuers: usize,
    flags: u32,
    source_index: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { add_fetching(builder, url, url_len, issuers, n_issuers, flags, source_index, FetchWhat::Jwks) }
}

/// Adds keys found through an OpenID Connect configuration document (its `jwks_uri`
/// is fetched next). With `n_issuers` 0 the keys sign only for the document's own
/// `issuer`; with issuers, only for those. URL and flags as for
/// `jwtguard_verifier_builder_add_jwks_url()`.
///
/// # Safety
/// As `jwtguard_verifier_builder_add_jwks_url()`.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_builder_add_openid_config(
    builder: *mut jwtguard_verifier_builder,
    url: *const c_char,
    url_len: usize,
    issuers: *const jwtguard_slice,
    n_issuers: usize,
    flags: u32,
    source_index: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe {
        add_fetching(builder, url, url_len, issuers, n_issuers, flags, source_index, FetchWhat::OpenIdConfiguration)
    }
}

/// Adds a source that fetches its keys from `url`: a JWK set (issuers as given, or
/// those the policy allows) or an OpenID configuration (issuers as given, or the
/// document's own).
///
/// # Safety
/// As `jwtguard_verifier_builder_add_jwks_url()`.
#[allow(clippy::too_many_arguments)]
unsafe fn add_fetching(
    builder: *mut jwtguard_verifier_builder,
    url: *const c_char,
    url_len: usize,
    issuers: *const jwtguard_slice,
    n_issuers: usize,
    flags: u32,
    source_index: *mut usize,
    what: FetchWhat,
) -> jwtguard_result {
    let read = |refresh| {
        let fallback = match what {
            FetchWhat::Jwks => Trust::PolicyIssuers,
            FetchWhat::OpenIdConfiguration => Trust::Discovered,
        };
        // SAFETY: the caller's contract for `url` and `issuers`.
        let (url, trust) = unsafe { (input_str(url, url_len, "url")?, trust(issuers, n_issuers, fallback)?) };
        let options = source_options(flags, refresh)?;
        Ok(move |b: VerifierBuilder| match what {
            FetchWhat::Jwks => b.jwks_url(url, trust, options),
            FetchWhat::OpenIdConfiguration => b.openid_config(url, trust, options),
        })
    };
    // SAFETY: the caller's contract for `builder` and `source_index`, passed on.
    unsafe { add_source(builder, source_index, read) }
}

fn source_options(flags: u32, refresh: Refresh) -> Result<SourceOptions, Fail> {
    let keys = key_options(flags & !JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK)?;
    Ok(SourceOptions { keys, refresh, allow_http_loopback: flags & JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK != 0 })
}

/// The time from a successful fetch to the next one (seconds; default 3600), for the
/// fetching sources added after this call. 0 is `JWTGUARD_POLICY_INVALID`, and,
/// like any failed call on the builder, makes `jwtguard_verifier_builder_build()`
/// fail too.
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_builder_set_refresh_interval(
    builder: *mut jwtguard_verifier_builder,
    seconds: u64,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `builder`.
        let b = unsafe { handle_mut(builder, "builder") }?;
        let refresh = Refresh { interval: seconds, ..b.refresh };
        b.state.note(refresh.check().map_err(Fail::from))?;
        b.refresh = refresh;
        Ok(())
    })
}

/// Remembers up to `capacity` verified tokens (0: no cache, the default), each for at
/// most `ttl_seconds` (at least 1; `jwtguard_default_cache_ttl()` is the usual value)
/// and never past its `exp`. A later call replaces an earlier one. A `capacity` above 0
/// with `ttl_seconds` 0 makes `jwtguard_verifier_builder_build()` fail
/// (`JWTGUARD_POLICY_INVALID`).
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_builder_set_cache(
    builder: *mut jwtguard_verifier_builder,
    capacity: usize,
    ttl_seconds: u64,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `builder`.
        let b = unsafe { handle_mut(builder, "builder") }?;
        // The core decides what a capacity or a time of 0 means.
        b.state.update(|inner| (inner.cache(capacity, ttl_seconds), Ok(())))
    })
}

/// Decrypts encrypted tokens (compact JWE whose content is a signed JWT) with `keys`
/// before verifying that JWT under the policy, as API Management's `<decryption-keys>`
/// does. The keys are shared, not copied: the handle may be freed afterwards. Without
/// decryption keys an encrypted token is `JWTGUARD_TOKEN_MALFORMED`. A library built
/// without the `aws-lc` feature has no decryption keys to give. A failure here also
/// makes `jwtguard_verifier_builder_build()` fail with the same code.
///
/// # Safety
/// `builder` is NULL or a live builder handle used by no other thread; `keys` is NULL or
/// a live decryption keys handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_builder_set_decryption_keys(
    builder: *mut jwtguard_verifier_builder,
    keys: *const jwtguard_decryption_keys,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `builder`.
        let b = unsafe { handle_mut(builder, "builder") }?;
        // SAFETY: the caller's contract for `keys`; a bad argument fails the build too.
        let keys = b.state.note(unsafe { handle(keys, "keys") })?;
        #[cfg(feature = "aws-lc")]
        {
            let keys = keys.keys.clone();
            b.state.update(|inner| (inner.decryption_keys(keys), Ok(())))
        }
        #[cfg(not(feature = "aws-lc"))]
        {
            let _ = (b, keys);
            Err(Fail::new(jwtguard_result::JWTGUARD_KEY_UNSUPPORTED, "this build of the library cannot decrypt tokens"))
        }
    })
}

/// Builds the verifier and frees the builder (also on failure). On success `*out`
/// receives the handle (free it with `jwtguard_verifier_free()`); otherwise `*out` is
/// NULL and the result (with `detail`) names the problem: the first failure of a call
/// on the builder, or e.g. no source at all.
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
    // SAFETY: the caller gives the builder up, whatever else is wrong.
    let b = unsafe { take_boxed(builder, "builder") };
    let make = || {
        let verifier = b?.state.into_inner()?.build()?;
        Ok(Box::into_raw(Box::new(jwtguard_verifier { verifier })))
    };
    // SAFETY: the caller's contract for `out` and `detail`.
    unsafe { make_handle(out, ptr::null_mut(), detail, detail_cap, make) }
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

/// Verifies a JWT access token (compact JWS; the algorithms the policy allows, RS256
/// and ES256 by default, see `jwtguard_policy_builder_set_algorithms()`) at `now` (Unix
/// seconds, from the caller's clock): from the cache when it verified before, else in
/// full: the signature with a key of the sources, then every rule of the policy.
/// `*cache_hit` (optional) tells which.
///
/// Checks run in a fixed order (size, format, header, algorithm, key, signature,
/// payload JSON, claim rules), so a forged token always reports the signature or
/// format, never a claim. On success returns `JWTGUARD_OK` and `*out` receives a new
/// token handle (free it with `jwtguard_token_free()`); otherwise `*out` is set to NULL
/// and the result is the reason. `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` for an
/// unknown `kid` also makes fetching sources want a refetch (at most once per 5
/// minutes): call `jwtguard_verifier_start_fetch()`, and after the fetch verify again;
/// with keys of your own, replace them (`jwtguard_verifier_set_keys()`) and retry once.
///
/// `token` is the bare token (no `Bearer ` prefix, no whitespace); NULL with
/// `token_len` 0 is `JWTGUARD_TOKEN_NOT_PRESENT`. A `token_len` over the policy's
/// maximum is `JWTGUARD_TOKEN_TOO_LARGE` without any byte being read. `detail`
/// (optional) receives `""` on success, else the precise rule, e.g.
/// ``"TokenClaimValueNotAllowed: a required claim does not have an allowed value
/// (claim `scp`)"``.
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
    let make = || {
        // SAFETY: the caller's contract for `cache_hit`.
        let hit = unsafe { Out::optional(cache_hit, "cache_hit") }?;
        if let Some(hit) = &hit {
            hit.set(false);
        }
        // SAFETY: the caller's contract for `verifier`.
        let v = unsafe { handle(verifier, "verifier") }?;
        // SAFETY: the caller's contract for `token`.
        let token = unsafe { checked_token(token, token_len, v.verifier.policy()) }?;
        let verdict = v.verifier.verify(token, now)?;
        if let Some(hit) = hit {
            hit.set(verdict.cached);
        }
        Ok(jwtguard_token::from_verified(verdict.token))
    };
    // SAFETY: the caller's contract for `out` and `detail`.
    unsafe { make_handle(out, ptr::null_mut(), detail, detail_cap, make) }
}

/// True when a source wants a fetch at `now` (none is under way for it). False for a
/// NULL handle.
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_wants_fetch(verifier: *const jwtguard_verifier, now: u64) -> bool {
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, false, |v| v.verifier.wants_fetch(now)) }
}

/// Claims the next due fetch (one at a time per source). Returns true when one was
/// claimed, with `*source`, `*kind`, the URL in `url` (NUL-terminated) and its length
/// in `*url_len`: the caller must then GET the URL and answer with
/// `jwtguard_verifier_offer()` or `jwtguard_verifier_fetch_failed()` (a claimed fetch
/// not answered within 30 s counts as failed).
///
/// Returns false, with `*source` 0, `*kind` `JWTGUARD_FETCH_NONE` and `*url_len` 0,
/// when no fetch is due. `url_cap` must exceed `JWTGUARD_MAX_URL_LEN` whatever the
/// URL (`char url[JWTGUARD_MAX_URL_LEN + 1]` always fits): with a smaller buffer nothing
/// is claimed, false is returned and `*url_len` is `JWTGUARD_MAX_URL_LEN` when a fetch
/// is due (0 otherwise). A NULL or misaligned `verifier`, `source`, `kind` or
/// `url_len` also returns false, claiming nothing. URLs are checked by the core:
/// `https` (or loopback `http` when allowed), no spaces or control characters.
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
        source.set(0);
        kind.set(jwtguard_fetch_kind::JWTGUARD_FETCH_NONE);
        url_len.set(0);
        if url.is_null() || url_cap <= JWTGUARD_MAX_URL_LEN {
            // Claim only what is sure to fit: the buffer convention's size query.
            if v.verifier.wants_fetch(now) {
                url_len.set(JWTGUARD_MAX_URL_LEN);
            }
            return false;
        }
        let Some(fetch) = v.verifier.start_fetch(now) else { return false };
        // SAFETY: `url` is non-NULL and valid for `url_cap` bytes (the caller's
        // contract); `url_cap` > JWTGUARD_MAX_URL_LEN >= the URL's length (the core's
        // URL rule), so the whole URL and its NUL are written.
        unsafe { write_detail(url, url_cap, &fetch.url) };
        url_len.set(fetch.url.len());
        source.set(fetch.source);
        kind.set(match fetch.what {
            FetchWhat::OpenIdConfiguration => jwtguard_fetch_kind::JWTGUARD_FETCH_OPENID_CONFIGURATION,
            FetchWhat::Jwks => jwtguard_fetch_kind::JWTGUARD_FETCH_JWKS,
        });
        true
    })
}

/// `source` as an index of `v`'s sources.
pub(crate) fn source_index(v: &jwtguard_verifier, source: usize) -> Result<usize, Fail> {
    if source < v.verifier.source_count() {
        Ok(source)
    } else {
        Err(Fail::arg_invalid("source", "is not the index of a source of this verifier"))
    }
}

/// Answers `source`'s claimed fetch with the body of a successful (200) response. A
/// document that does not load (not a key set, no usable key, no `issuer` or an
/// unacceptable `jwks_uri` in a configuration) is an error (`detail` says which) and
/// counts as a failed fetch: the source keeps its last good keys and retries later, as
/// it does after invalid arguments. `*key_count` (optional) receives the number of
/// usable keys taken (0 for a configuration document, and on failure). An unknown
/// `source` is `JWTGUARD_INVALID_PARAMETER`.
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
    let run = || -> Result<(), Fail> {
        // SAFETY: the caller's contract for `verifier`.
        let v = unsafe { handle(verifier, "verifier") }?;
        let source = source_index(v, source)?;
        // SAFETY: the caller's contract for `key_count`.
        let count = unsafe { Out::optional(key_count, "key_count") };
        if let Ok(Some(count)) = &count {
            count.set(0);
        }
        // SAFETY: the caller's contract for `body`.
        let args = count.and_then(|count| Ok((count, unsafe { input_bytes(body, body_len, "body") }?)));
        let (count, body) = match args {
            Ok(args) => args,
            Err(fail) => {
                // The claimed fetch is answered all the same: as failed.
                v.verifier.fetch_failed(source, now);
                return Err(fail);
            }
        };
        // The core counts a document that does not load as a failed fetch.
        let offered = v.verifier.offer(source, body, now)?;
        if let (Some(count), Offered::Keys { count: n }) = (count, offered) {
            count.set(n);
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
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, (), |v| v.verifier.fetch_failed(source, now)) }
}

/// Replaces the keys of a source added with `jwtguard_verifier_builder_add_keys()`
/// (e.g. a key file that changed); the cache empties itself. The key set is shared,
/// not copied. `JWTGUARD_INVALID_PARAMETER` for an unknown index,
/// `JWTGUARD_POLICY_INVALID` for a source that fetches its keys.
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
        let keys: KeySet = keys.keys().clone();
        v.verifier.set_keys(source_index(v, source)?, keys)?;
        Ok(())
    })
}

/// Whether a fetch claimed with `jwtguard_verifier_start_fetch()` is still under way
/// at `now` (answered neither way, and claimed less than 30 s ago). A request that got
/// `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` meanwhile (a cold start, a rotation) may
/// wait for it and verify again; the timeout bounds the wait. False for NULL.
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_fetch_in_flight(verifier: *const jwtguard_verifier, now: u64) -> bool {
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, false, |v| v.verifier.fetch_in_flight(now)) }
}

/// How many fetches (`jwtguard_verifier_start_fetch()` claims) one verification may
/// make before it gives the verdict with the keys there are: two per fetching source
/// (an OpenID configuration and the keys it names), so a cold start loads every source
/// and a request never fetches in a loop. 0 for NULL.
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_fetches_per_verification(verifier: *const jwtguard_verifier) -> usize {
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, 0, |v| v.verifier.fetches_per_verification()) }
}

/// The earliest time (Unix seconds) a source may want a fetch, for timers:
/// `UINT64_MAX` when no source fetches (or `verifier` is NULL).
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_next_fetch_at(verifier: *const jwtguard_verifier) -> u64 {
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, u64::MAX, |v| v.verifier.next_fetch_at().unwrap_or(u64::MAX)) }
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
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, 0, |v| v.verifier.source_keys(source).map_or(0, |k| k.len())) }
}

/// The issuer `source`'s OpenID configuration document named, under the buffer
/// convention (`""` and `*out_len` 0 for a source that is not OpenID or has loaded no
/// document yet; a discovered issuer is never empty), and in `*trusted` whether a
/// token of that issuer can pass both the issuers `source` is bound to and the
/// policy's issuers (a `{tenantid}` template counts when a tenant fills it). `false`
/// means the configuration and the provider disagree: log it (once per fetch) so a
/// person can fix either; verdicts stay as strict as configured. The issuer holds no
/// control characters (the core refuses such a document).
///
/// # Safety
/// `verifier` is NULL or a live handle; `trusted` and `out_len` are NULL or writable;
/// `buf` is NULL (only with `cap` 0) or valid for writing `cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_discovered_issuer(
    verifier: *const jwtguard_verifier,
    source: usize,
    trusted: *mut bool,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `trusted`, `buf` and `out_len`.
        let (trusted, out) = unsafe { (Out::required(trusted, "trusted")?, OutBuf::new(buf, cap, out_len)?) };
        trusted.set(true);
        // SAFETY: the caller's contract for `verifier`.
        let v = unsafe { handle(verifier, "verifier") }?;
        let (issuer, fits) = v.verifier.discovered_issuer(source_index(v, source)?).unwrap_or_default();
        trusted.set(fits || issuer.is_empty());
        out.put(issuer.as_bytes())
    })
}

/// Entries in the verifier's cache (0 without one, or for NULL).
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_cache_len(verifier: *const jwtguard_verifier) -> usize {
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, 0, |v| v.verifier.cache_len()) }
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
