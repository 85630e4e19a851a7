//! Key sets: parsed and validated once from a JWK set (or one JWK), then shared.

use core::ffi::c_char;
use core::ptr;

use jwtguard_core::{KeyOptions, KeySet, DEFAULT_MAX_KEY_SET_LEN};

use crate::result::{jwtguard_result, Fail};
use crate::util::{
    assert_send_sync, clone_shared, free_shared, guard, handle, input_bytes, make_handle, new_shared, nth, read_handle,
    Out, OutBuf,
};

/// A set of validated verification keys (opaque).
///
/// Immutable after creation and reference counted: one handle may be used by any
/// number of threads at once, and `jwtguard_keyset_clone()` / `jwtguard_keyset_free()`
/// may be called from any thread. To rotate keys, load a new set and swap your pointer;
/// requests that cloned the old handle keep using it until they free it.
pub struct jwtguard_keyset {
    keys: KeySet,
}

impl jwtguard_keyset {
    /// The keys.
    pub(crate) fn keys(&self) -> &KeySet {
        &self.keys
    }
}

const _: () = assert_send_sync::<jwtguard_keyset>();

/// `jwtguard_keyset_new_with_options()` flag: also accept odd RSA public exponents from
/// 3 up (legal, but a sign of unusual, possibly hand-made keys).
pub const JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT: u32 = 1;
/// `jwtguard_keyset_new_with_options()` flag: load symmetric `"kty":"oct"` keys (HMAC
/// secrets for HS256/384/512; at least 32, 48 or 64 bytes).
///
/// Security contract: an HMAC key is a shared secret — whoever holds it can mint
/// tokens this set accepts. Set this flag only for a document of secrets you control
/// (e.g. the inline symmetric keys of an APIM policy, from
/// `jwtguard_apim_policy_inline_jwks()` with `JWTGUARD_APIM_KEYS_SYMMETRIC`), never for
/// an identity provider's published JWK set: a provider never publishes secrets, and an
/// `oct` key slipped into its document must not become a way to forge tokens. Without
/// the flag an `oct` key is skipped as `JWTGUARD_KEY_UNSUPPORTED` (a set of only `oct`
/// keys is `JWTGUARD_KEY_SET_NO_USABLE_KEY`). With it, symmetric keys still load only in
/// a set of their own (in a set that also holds asymmetric keys they are skipped as
/// `JWTGUARD_KEY_UNSUPPORTED`), verify only HS* tokens, and only under a policy that
/// allows `JWTGUARD_ALG_HS*` (the default policy does not).
pub const JWTGUARD_KEYSET_ALLOW_SYMMETRIC: u32 = 2;

/// Loads a JWK set (`{"keys":[...]}`) or a single JWK with the default options (odd RSA
/// exponents from 65537 only, no symmetric keys; documents up to 256 KiB).
///
/// Keys of a kind jwtguard cannot verify with (other `kty` or curves, `use: enc`, ...)
/// are skipped; keys of a supported kind that fail validation are skipped and
/// remembered (see `jwtguard_keyset_rejected()`), so a token naming one gets that key's
/// precise reason. A set with no usable key, or two usable keys sharing a `kid`, fails.
///
/// On success `*out` receives a new handle (free it with `jwtguard_keyset_free()`); on
/// failure `*out` is set to NULL and the result is a `JWTGUARD_KEY_*` /
/// `JWTGUARD_KEY_SET_*` reason. Use `jwtguard_keyset_new_with_options()` for a detail
/// message.
///
/// # Safety
/// `jwks` is NULL (only with `jwks_len` 0) or points to `jwks_len` readable bytes;
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_keyset_new(
    jwks: *const u8,
    jwks_len: usize,
    out: *mut *const jwtguard_keyset,
) -> jwtguard_result {
    // SAFETY: the same contract, passed on; no detail buffer.
    unsafe { jwtguard_keyset_new_with_options(jwks, jwks_len, 0, 0, out, ptr::null_mut(), 0) }
}

/// Like `jwtguard_keyset_new()`, with options and a detail buffer.
///
/// - `flags`: 0 or a mask of `JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT` and
///   `JWTGUARD_KEYSET_ALLOW_SYMMETRIC` (read its security contract). Unknown bits are
///   `JWTGUARD_INVALID_PARAMETER`.
/// - `max_len`: longest accepted document in bytes; 0 means the default (256 KiB).
///   A longer document is `JWTGUARD_KEY_SET_TOO_LARGE` before any byte is read.
/// - `detail` (optional): receives `""` on success, else the precise rule that failed,
///   e.g. `"KeySetMalformed: invalid JSON syntax"`.
///
/// # Safety
/// As `jwtguard_keyset_new()`; `detail` is NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_keyset_new_with_options(
    jwks: *const u8,
    jwks_len: usize,
    flags: u32,
    max_len: usize,
    out: *mut *const jwtguard_keyset,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let make = || {
        let max_len = if max_len == 0 { DEFAULT_MAX_KEY_SET_LEN } else { max_len };
        let options = KeyOptions { max_len, ..key_options(flags)? };
        if !jwks.is_null() {
            // Decided on the length alone: the bytes are never looked at.
            options.check_len(jwks_len)?;
        }
        // SAFETY: `jwks` is NULL or points to `jwks_len` readable bytes (contract).
        let document = unsafe { input_bytes(jwks, jwks_len, "jwks") }?;
        let keys = KeySet::from_json_with(document, &options)?;
        Ok(new_shared(jwtguard_keyset { keys }))
    };
    // SAFETY: the caller's contract for `out` and `detail`.
    unsafe { make_handle(out, ptr::null(), detail, detail_cap, make) }
}

/// Returns another reference to the same key set (the reference count goes up), for
/// a request or thread that must keep the set alive while the owner may swap it. Free
/// each reference once with `jwtguard_keyset_free()`. Returns the same pointer, or NULL
/// when `keys` is NULL.
///
/// # Safety
/// `keys` is NULL or a live key set handle.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_keyset_clone(keys: *const jwtguard_keyset) -> *const jwtguard_keyset {
    // SAFETY: the caller's contract, which is `clone_shared`'s.
    unsafe { clone_shared(keys) }
}

/// Releases one reference to a key set; the keys are freed with the last reference.
/// NULL is ignored. The handle must not be used after this call.
///
/// # Safety
/// `keys` is NULL or a live key set handle that the caller owns.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_keyset_free(keys: *const jwtguard_keyset) {
    // SAFETY: the caller's contract, which is `free_shared`'s.
    unsafe { free_shared(keys) }
}

/// Returns the number of usable keys in the set (at least 1 for a loaded set), or 0
/// when `keys` is NULL.
///
/// # Safety
/// `keys` is NULL or a live key set handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_keyset_len(keys: *const jwtguard_keyset) -> usize {
    // SAFETY: NULL or a live handle (contract).
    unsafe { read_handle(keys, 0, |k| k.keys.len()) }
}

/// Returns the number of keys the document held that could not be used (for logs; see
/// `jwtguard_keyset_rejected()`), or 0 when `keys` is NULL.
///
/// # Safety
/// `keys` is NULL or a live key set handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_keyset_rejected_len(keys: *const jwtguard_keyset) -> usize {
    // SAFETY: NULL or a live handle (contract).
    unsafe { read_handle(keys, 0, |k| k.keys.rejected().len()) }
}

/// Describes rejected key number `index` (0-based, below
/// `jwtguard_keyset_rejected_len()`): `*reason` receives why it was rejected (e.g.
/// `JWTGUARD_KEY_TOO_SMALL`) and `kid` its `kid` under the buffer convention (`""` when
/// it had no readable one; at most 128 bytes). `*reason` is written whenever `index` is
/// in range, even if `kid` is too small (it is `JWTGUARD_OK` otherwise). An index out
/// of range is `JWTGUARD_INVALID_PARAMETER`.
///
/// # Safety
/// `keys` is NULL or a live key set handle; `reason` is NULL or valid for writing one
/// `jwtguard_result`; `kid`/`kid_cap`/`kid_len` follow the buffer convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_keyset_rejected(
    keys: *const jwtguard_keyset,
    index: usize,
    reason: *mut jwtguard_result,
    kid: *mut c_char,
    kid_cap: usize,
    kid_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `kid`, `kid_len` and `reason`.
        let (buf, reason) = unsafe { (OutBuf::new(kid, kid_cap, kid_len)?, Out::required(reason, "reason")?) };
        reason.set(jwtguard_result::JWTGUARD_OK);
        // SAFETY: the caller's contract for `keys`.
        let keys = unsafe { handle(keys, "keys") }?;
        let rejected = nth(keys.keys.rejected(), index)?;
        reason.set(jwtguard_result::from_reason(rejected.reason()));
        buf.put(rejected.kid().unwrap_or("").as_bytes())
    })
}

/// The key options `flags` (`JWTGUARD_KEYSET_*`) ask for, with the default size limit.
pub(crate) fn key_options(flags: u32) -> Result<KeyOptions, Fail> {
    if flags & !(JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT | JWTGUARD_KEYSET_ALLOW_SYMMETRIC) != 0 {
        return Err(Fail::arg_invalid("flags", "has bits that are not JWTGUARD_KEYSET_* flags"));
    }
    Ok(KeyOptions {
        allow_small_rsa_exponent: flags & JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT != 0,
        allow_symmetric: flags & JWTGUARD_KEYSET_ALLOW_SYMMETRIC != 0,
        ..KeyOptions::default()
    })
}
