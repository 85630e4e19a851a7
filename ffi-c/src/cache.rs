//! A verified-token cache for C callers: `jwtguard_verify_cached()` skips the
//! signature and claim checks for a token that verified before.

use core::ffi::c_char;
use core::ptr;
use std::sync::{Arc, Mutex, MutexGuard};

use jwtguard_core::{verify_owned, OwnedToken, TokenCache};

use crate::keyset::jwtguard_keyset;
use crate::policy::jwtguard_policy;
use crate::result::jwtguard_result;
use crate::token::jwtguard_token;
use crate::util::{free_boxed, guard_detail, guard_value, handle, Out};

/// A bounded memory of tokens that verified (opaque). Superseded by the verifier's
/// cache (`jwtguard_verifier_builder_set_cache()`), which also follows key changes of
/// every source; kept for callers of `jwtguard_verify_cached()`.
///
/// Contract: a token is served from the cache only if the very same bytes verified
/// earlier against the **same key set handle and policy handle** (by identity, not
/// address: loading a new key set, even at the same address, empties the cache on its
/// next use), and only before the earlier of its `exp` and the moment it was stored
/// plus the cache's TTL. Failures are never stored: a rejected token is checked in full
/// every time. At most `capacity` entries, least recently used evicted first.
///
/// Thread-safe: one cache may be shared by several threads (an internal lock is held
/// only to look up or store, never during the signature check). Free it with
/// `jwtguard_cache_free()`.
pub struct jwtguard_cache {
    state: Mutex<State>,
}

struct State {
    /// Identities of the key set and policy the entries were verified with.
    bound_to: Option<(u64, u64)>,
    tokens: TokenCache<Arc<OwnedToken>>,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<jwtguard_cache>();
};

impl jwtguard_cache {
    /// The state, also after a panic elsewhere poisoned the lock (the cache is then
    /// emptied: its entries may be half-updated).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| {
            let mut state = poisoned.into_inner();
            state.tokens.clear();
            state.bound_to = None;
            state
        })
    }
}

/// Creates a cache of at most `capacity` tokens (0 makes a cache that never stores),
/// each trusted for at most `ttl_seconds` (0 means the default, 300) and never past
/// its `exp`. Returns NULL only if a panic was caught. Free it with
/// `jwtguard_cache_free()`.
#[no_mangle]
#[must_use]
pub extern "C" fn jwtguard_cache_new(capacity: usize, ttl_seconds: u64) -> *mut jwtguard_cache {
    guard_value(ptr::null_mut(), || {
        let ttl = if ttl_seconds == 0 { jwtguard_core::DEFAULT_CACHE_TTL } else { ttl_seconds };
        let state = State { bound_to: None, tokens: TokenCache::new(capacity, ttl) };
        Box::into_raw(Box::new(jwtguard_cache { state: Mutex::new(state) }))
    })
}

/// Frees a cache and every entry in it. NULL is ignored.
///
/// # Safety
/// `cache` is NULL or a live cache handle that no thread uses again.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_cache_free(cache: *mut jwtguard_cache) {
    // SAFETY: the caller's contract above, which is `free_boxed`'s.
    unsafe { free_boxed(cache) }
}

/// Empties the cache (e.g. after an out-of-band revocation). Loading a new key set or
/// building a new policy needs no call: the cache notices on its next use. NULL is
/// ignored.
///
/// # Safety
/// `cache` is NULL or a live cache handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_cache_clear(cache: *const jwtguard_cache) {
    guard_value((), || {
        // SAFETY: NULL or a live handle (contract).
        if let Ok(cache) = unsafe { handle(cache, "cache") } {
            let mut state = cache.lock();
            state.tokens.clear();
            state.bound_to = None;
        }
    })
}

/// Returns the number of entries held (some may be past their deadline), or 0 when
/// `cache` is NULL.
///
/// # Safety
/// `cache` is NULL or a live cache handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_cache_len(cache: *const jwtguard_cache) -> usize {
    guard_value(0, || {
        // SAFETY: NULL or a live handle (contract).
        unsafe { handle(cache, "cache") }.map_or(0, |cache| cache.lock().tokens.len())
    })
}

/// `jwtguard_verify()` with a cache: if these exact token bytes verified before with
/// the same `keys` and `policy` handles and the entry is still before its deadline at
/// `now`, the token is returned without checking it again and `*cache_hit` (optional)
/// is set to true. Otherwise the token is verified in full and, when it verifies,
/// stored. Results, `*out` and `detail` are as for `jwtguard_verify()`; a NULL
/// `cache` is `JWTGUARD_NULL_PARAMETER`.
///
/// When `keys` or `policy` is a different handle from the previous call's, the cache
/// is emptied first: keep one cache per (key set, policy) pair that is in use at the
/// same time, or the cache keeps emptying.
///
/// # Safety
/// As `jwtguard_verify()`; `cache` is NULL or a live cache handle; `cache_hit` is NULL
/// or valid for writing one `bool`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verify_cached(
    cache: *const jwtguard_cache,
    token: *const u8,
    token_len: usize,
    keys: *const jwtguard_keyset,
    policy: *const jwtguard_policy,
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
        // SAFETY: the caller's contract for the handles.
        let (cache, keys, policy) =
            unsafe { (handle(cache, "cache")?, handle(keys, "keys")?, handle(policy, "policy")?) };
        // SAFETY: the caller's contract for `token`.
        let bytes = unsafe { crate::token::checked_token(token, token_len, policy) }?;
        let binding = (keys.identity(), policy.identity());
        {
            let mut state = cache.lock();
            if state.bound_to != Some(binding) {
                state.tokens.clear();
                state.bound_to = Some(binding);
            }
            if let Some(found) = state.tokens.get(bytes, now) {
                out.set(jwtguard_token::new_shared(Arc::clone(found)));
                if let Some(hit) = &hit {
                    hit.set(true);
                }
                return Ok(());
            }
        }
        let verified = Arc::new(verify_owned(bytes, keys.keys(), policy.policy(), now)?);
        let exp = verified.claims().expiration();
        {
            let mut state = cache.lock();
            // Stored only if the cache is still bound to these handles (another thread
            // may have moved it on meanwhile).
            if state.bound_to == Some(binding) {
                state.tokens.insert(bytes, Arc::clone(&verified), now, exp);
            }
        }
        out.set(jwtguard_token::new_shared(verified));
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
}
