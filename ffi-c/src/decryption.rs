//! Decryption keys: the private keys that decrypt encrypted tokens (JWE), loaded once
//! and shared. Built with the `aws-lc` feature (the default); without it loading them
//! fails with `JWTGUARD_KEY_UNSUPPORTED`.

use core::ffi::c_char;
use core::ptr;

use crate::result::jwtguard_result;
#[cfg(not(feature = "aws-lc"))]
use crate::result::Fail;
use crate::util::{assert_send_sync, free_shared, input_bytes, make_handle, new_shared, read_handle};

/// Private keys that decrypt encrypted tokens (opaque; immutable and reference
/// counted like `jwtguard_keyset`).
///
/// Security contract (the core's `jwe` module): RSA keys with every CRT member and at
/// least 2048 bits, EC keys on P-256 or P-384 whose `x`/`y` are `d`'s public key, and
/// `oct` keys of 16, 24, 32, 48 or 64 bytes, each with `use` `enc` when it has a `use`;
/// the first key that is not refuses the whole set. Key bytes are wiped when the last
/// reference is freed; the JSON the caller passed is the caller's to wipe. A verifier
/// given these keys (`jwtguard_verifier_builder_set_decryption_keys()`) decrypts compact
/// JWE tokens whose content is a signed JWT, then verifies that JWT under its policy.
pub struct jwtguard_decryption_keys {
    #[cfg(feature = "aws-lc")]
    pub(crate) keys: std::sync::Arc<jwtguard_core::jwe::DecryptionKeys>,
}

const _: () = assert_send_sync::<jwtguard_decryption_keys>();

/// Loads decryption keys from a JWK set (`{"keys":[...]}`) or a single JWK with private
/// members (at most 256 KiB, 32 keys). On success `*out` receives a new handle (free it
/// with `jwtguard_decryption_keys_free()`); on failure `*out` is NULL, the result is a
/// `JWTGUARD_KEY_*` / `JWTGUARD_KEY_SET_*` reason and `detail` (optional) names the
/// rule, e.g. `"KeyTooSmall: an RSA decryption key is shorter than 2048 bits"`.
///
/// # Safety
/// `jwks` is NULL (only with `jwks_len` 0) or points to `jwks_len` readable bytes; `out`
/// is NULL or valid for writing one pointer; `detail` is NULL or valid for writing
/// `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_decryption_keys_new(
    jwks: *const u8,
    jwks_len: usize,
    out: *mut *const jwtguard_decryption_keys,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let make = || {
        #[cfg(feature = "aws-lc")]
        if !jwks.is_null() {
            // Decided on the length alone: the bytes are never looked at.
            jwtguard_core::jwe::DecryptionKeys::check_len(jwks_len)?;
        }
        // SAFETY: `jwks` is NULL or points to `jwks_len` readable bytes (contract).
        let document = unsafe { input_bytes(jwks, jwks_len, "jwks") }?;
        #[cfg(feature = "aws-lc")]
        {
            let keys = jwtguard_core::jwe::DecryptionKeys::from_jwks(document)?;
            Ok(new_shared(jwtguard_decryption_keys { keys: std::sync::Arc::new(keys) }))
        }
        #[cfg(not(feature = "aws-lc"))]
        {
            let _ = document;
            Err(Fail::new(
                jwtguard_result::JWTGUARD_KEY_UNSUPPORTED,
                "this build of the library cannot decrypt tokens (it has no aws-lc feature)",
            ))
        }
    };
    // SAFETY: the caller's contract for `out` and `detail`.
    unsafe { make_handle(out, ptr::null(), detail, detail_cap, make) }
}

/// Releases one reference to decryption keys; the keys are wiped and freed with the
/// last reference (a verifier built with them holds its own). NULL is ignored.
///
/// # Safety
/// `keys` is NULL or a live handle that the caller owns.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_decryption_keys_free(keys: *const jwtguard_decryption_keys) {
    // SAFETY: the caller's contract, which is `free_shared`'s.
    unsafe { free_shared(keys) }
}

/// The number of keys, or 0 when `keys` is NULL.
///
/// # Safety
/// `keys` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_decryption_keys_len(keys: *const jwtguard_decryption_keys) -> usize {
    // SAFETY: NULL or a live handle (contract).
    unsafe {
        read_handle(keys, 0, |_k| {
            #[cfg(feature = "aws-lc")]
            return _k.keys.len();
            #[cfg(not(feature = "aws-lc"))]
            0
        })
    }
}
