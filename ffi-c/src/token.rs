//! Verification, and read access to a verified token.

use core::ffi::c_char;
use core::ptr;
use std::sync::Arc;

use jwtguard_core::export::{self, ExportError};
use jwtguard_core::json::Value;
use jwtguard_core::{verify_owned, Claims, Error, OwnedToken, Policy, Verified};

use crate::keyset::jwtguard_keyset;
use crate::policy::jwtguard_policy;
use crate::result::{jwtguard_result, Fail};
use crate::util::{free_boxed, guard, guard_detail, guard_value, handle, input_bytes, input_str, Out, OutBuf};

/// A verified token (opaque): its signature verified and its claims satisfied the
/// policy.
///
/// It owns a copy of the decoded header and payload: it does not borrow the token
/// bytes, the key set or the policy, which may be freed while it lives. Immutable: the
/// accessors may be called from several threads at once. Free it with
/// `jwtguard_token_free()`.
pub struct jwtguard_token {
    /// Shared with a cache when the token came from one.
    held: Held,
}

enum Held {
    Owned(Arc<OwnedToken>),
    Verified(Arc<Verified>),
}

impl jwtguard_token {
    /// A new handle (to free with `jwtguard_token_free()`) for a verified token.
    pub(crate) fn new_shared(token: Arc<OwnedToken>) -> *mut jwtguard_token {
        Box::into_raw(Box::new(jwtguard_token { held: Held::Owned(token) }))
    }

    /// A new handle for a token from a verifier.
    pub(crate) fn from_verified(token: Arc<Verified>) -> *mut jwtguard_token {
        Box::into_raw(Box::new(jwtguard_token { held: Held::Verified(token) }))
    }

    fn token(&self) -> &OwnedToken {
        match &self.held {
            Held::Owned(token) => token,
            Held::Verified(verified) => verified.token(),
        }
    }
}

/// The token bytes after the length check that needs no read: a `token_len` over the
/// policy's maximum is `TokenTooLarge` without any byte being looked at.
///
/// # Safety
/// `token` is NULL (only with `token_len` 0) or points to `token_len` readable bytes
/// that stay valid for `'a`.
pub(crate) unsafe fn checked_token<'a>(
    token: *const u8,
    token_len: usize,
    policy: &jwtguard_policy,
) -> Result<&'a [u8], Fail> {
    // SAFETY: the caller's contract, passed on.
    unsafe { checked_len(token, token_len, policy.policy()) }
}

/// [`checked_token`] for a core policy.
///
/// # Safety
/// As [`checked_token`].
pub(crate) unsafe fn checked_len<'a>(token: *const u8, token_len: usize, policy: &Policy) -> Result<&'a [u8], Fail> {
    if !token.is_null() && token_len > policy.max_token_len() {
        return Err(Error::TOKEN_TOO_LARGE.into());
    }
    // SAFETY: the caller's contract for `token`.
    unsafe { input_bytes(token, token_len, "token") }
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<jwtguard_token>();
};

const NOT_PRESENT: Fail = Fail::new(jwtguard_result::JWTGUARD_CLAIM_NOT_PRESENT, "the token has no such claim");

/// Verifies a JWT access token (compact JWS; the algorithms `policy` allows, RS256 and
/// ES256 by default, see `jwtguard_policy_builder_set_algorithms()`): the signature with a key
/// from `keys`, then every rule of `policy` at time `now` (Unix seconds, from the
/// caller's clock).
///
/// Checks run in a fixed order (size, format, header, algorithm, key, signature,
/// payload JSON, claim rules), so a forged token always reports the signature or
/// format, never a claim. On success returns `JWTGUARD_OK` and `*out` receives a new
/// token handle (free it with `jwtguard_token_free()`); otherwise `*out` is set to NULL
/// and the result is the reason. `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` means the
/// key set may be stale: refresh it (rate-limited) and retry once.
///
/// `token` is the bare token (no `Bearer ` prefix, no whitespace); NULL with
/// `token_len` 0 is `JWTGUARD_TOKEN_NOT_PRESENT`. A `token_len` over the policy's
/// maximum is `JWTGUARD_TOKEN_TOO_LARGE` without any byte being read. `detail`
/// (optional) receives `""` on success, else the precise rule, e.g.
/// ``"TokenClaimValueNotAllowed: a required claim does not have an allowed value
/// (claim `scp`)"``.
///
/// # Safety
/// `token` is NULL (only with `token_len` 0) or points to `token_len` readable bytes;
/// `keys` and `policy` are NULL or live handles; `out` is NULL or valid for writing one
/// pointer; `detail` is NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verify(
    token: *const u8,
    token_len: usize,
    keys: *const jwtguard_keyset,
    policy: *const jwtguard_policy,
    now: u64,
    out: *mut *mut jwtguard_token,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let body = || {
        // SAFETY: the caller's contract for `out`.
        let out = unsafe { Out::required(out, "out") }?;
        out.set(ptr::null_mut());
        // SAFETY: the caller's contract for `keys` and `policy`.
        let (keys, policy) = unsafe { (handle(keys, "keys")?, handle(policy, "policy")?) };
        // SAFETY: the caller's contract for `token`.
        let token = unsafe { checked_token(token, token_len, policy) }?;
        let verified = verify_owned(token, keys.keys(), policy.policy(), now)?;
        out.set(jwtguard_token::new_shared(Arc::new(verified)));
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
}

/// Frees a verified token. NULL is ignored.
///
/// # Safety
/// `token` is NULL or a live token handle that is not used again (by any thread).
#[no_mangle]
pub unsafe extern "C" fn jwtguard_token_free(token: *mut jwtguard_token) {
    // SAFETY: the caller's contract above, which is `free_boxed`'s.
    unsafe { free_boxed(token) }
}

/// Returns the algorithm the signature was verified with, as its JOSE name: a static
/// string such as `"RS256"`, `"PS256"` or `"EdDSA"` (never free it); NULL when `token`
/// is NULL.
///
/// # Safety
/// `token` is NULL or a live token handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_token_alg(token: *const jwtguard_token) -> *const c_char {
    guard_value(ptr::null(), || {
        // SAFETY: the caller's contract for `token`.
        unsafe { handle(token, "token") }.map_or(ptr::null(), |t| t.token().header().alg().c_name().as_ptr())
    })
}

/// Copies the header's `kid` (unescaped) under the buffer convention;
/// `JWTGUARD_CLAIM_NOT_PRESENT` when the token has none.
///
/// # Safety
/// `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_kid(
    token: *const jwtguard_token,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, token) = unsafe { (OutBuf::new(buf, cap, out_len)?, handle(token, "token")?) };
        let kid = token.token().header().kid().ok_or(NOT_PRESENT)?;
        out.put(export::string(kid).map_err(export_fail)?.as_bytes())
    })
}

/// Copies claim `name` as text under the buffer convention: a string unescaped; a
/// number or boolean as its JSON text (`42`, `1.5`, `true`); an array of those with
/// its elements joined by `separator` (e.g. `","`, or `" "` for `scp`-style output).
/// `JWTGUARD_CLAIM_NOT_PRESENT` when absent; `JWTGUARD_CLAIM_WRONG_TYPE` for an
/// object, `null`, or an array holding one of those or a nested array (use
/// `jwtguard_token_claim_json()` for those).
///
/// The text is safe to put in an HTTP header or a log line, or it is not given:
/// `JWTGUARD_CLAIM_UNSAFE` (nothing written) when the value holds a control character
/// (CR, LF, NUL, tab, DEL: a signed `name` of `"Alice\r\nX-Admin: true"` must not
/// become a header), when an array element holds the separator (`["a,b"]` and
/// `["a","b"]` must not both give `a,b`), or when two or more elements would be joined
/// with an empty separator (NULL with length 0).
///
/// # Safety
/// `token` is NULL or a live token handle; `name` and `separator` are NULL (only with
/// length 0) or point to that many readable bytes; `buf`/`cap`/`out_len` follow the
/// buffer convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_claim_string(
    token: *const jwtguard_token,
    name: *const c_char,
    name_len: usize,
    separator: *const c_char,
    separator_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, token, name, separator) = unsafe {
            (
                OutBuf::new(buf, cap, out_len)?,
                handle(token, "token")?,
                input_str(name, name_len, "name")?,
                input_str(separator, separator_len, "separator")?,
            )
        };
        let value = token.token().claims().get(name).ok_or(NOT_PRESENT)?;
        out.put(claim_text(value, separator)?.as_bytes())
    })
}

/// Reads claim `name` as an integer into `*out` (0 unless `JWTGUARD_OK`). Only a JSON
/// integer that fits in `int64_t` is accepted (`1.0`, `1e3`, strings and other types
/// are `JWTGUARD_CLAIM_WRONG_TYPE`); `JWTGUARD_CLAIM_NOT_PRESENT` when absent.
///
/// # Safety
/// `token` is NULL or a live token handle; `name` is NULL (only with length 0) or
/// points to `name_len` readable bytes; `out` is NULL or valid for writing one
/// `int64_t`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_claim_int(
    token: *const jwtguard_token,
    name: *const c_char,
    name_len: usize,
    out: *mut i64,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `out`.
        let out = unsafe { Out::required(out, "out") }?;
        out.set(0);
        // SAFETY: the caller's contract for `token` and `name`.
        let (token, name) = unsafe { (handle(token, "token")?, input_str(name, name_len, "name")?) };
        let value = token.token().claims().get(name).ok_or(NOT_PRESENT)?;
        let int = value.as_number().and_then(|n| n.as_i64()).ok_or(Fail::new(
            jwtguard_result::JWTGUARD_CLAIM_WRONG_TYPE,
            "the claim is not an integer that fits in int64_t",
        ))?;
        out.set(int);
        Ok(())
    })
}

/// Copies the raw JSON text of claim `name` under the buffer convention, exactly as
/// the token has it (escapes intact): `"a\/b"` with its quotes for a string, `[1,2]`,
/// `{"a":1}`, `42`, `true`, `null`. `JWTGUARD_CLAIM_NOT_PRESENT` when absent.
///
/// # Safety
/// `token` is NULL or a live token handle; `name` is NULL (only with length 0) or
/// points to `name_len` readable bytes; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_claim_json(
    token: *const jwtguard_token,
    name: *const c_char,
    name_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, token, name) =
            unsafe { (OutBuf::new(buf, cap, out_len)?, handle(token, "token")?, input_str(name, name_len, "name")?) };
        out.put(token.token().claims().json(name).ok_or(NOT_PRESENT)?)
    })
}

/// Copies the subject (`sub`, unescaped) under the buffer convention.
/// `JWTGUARD_CLAIM_NOT_PRESENT` when absent, `JWTGUARD_CLAIM_WRONG_TYPE` when not a
/// string.
///
/// # Safety
/// `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_subject(
    token: *const jwtguard_token,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { string_claim(token, "sub", buf, cap, out_len) }
}

/// Copies the issuer (`iss`, unescaped) under the buffer convention.
/// `JWTGUARD_CLAIM_NOT_PRESENT` when absent (possible only under `any_issuer`).
///
/// # Safety
/// `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_issuer(
    token: *const jwtguard_token,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { string_claim(token, "iss", buf, cap, out_len) }
}

/// Copies the audience (`aud`: a string, or an array's elements joined with `","`)
/// under the buffer convention. `JWTGUARD_CLAIM_NOT_PRESENT` when absent (possible only
/// under `any_audience`).
///
/// # Safety
/// `token` is NULL or a live token handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_audience(
    token: *const jwtguard_token,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, token) = unsafe { (OutBuf::new(buf, cap, out_len)?, handle(token, "token")?) };
        let value = token.token().claims().get("aud").ok_or(NOT_PRESENT)?;
        out.put(claim_text(value, ",")?.as_bytes())
    })
}

/// Reads the expiration time (`exp`, Unix seconds, a fraction rounded down) into `*out`
/// (0 unless `JWTGUARD_OK`). `JWTGUARD_CLAIM_NOT_PRESENT` when the token has no `exp`
/// (possible only when the policy does not require one).
///
/// # Safety
/// `token` is NULL or a live token handle; `out` is NULL or valid for writing one
/// `uint64_t`.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_token_expiration(token: *const jwtguard_token, out: *mut u64) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `out`.
        let out = unsafe { Out::required(out, "out") }?;
        out.set(0);
        // SAFETY: the caller's contract for `token`.
        let token = unsafe { handle(token, "token") }?;
        let claims: Claims<'_> = token.token().claims();
        match claims.expiration() {
            Some(exp) => {
                out.set(exp);
                Ok(())
            }
            None if claims.get("exp").is_none() => Err(NOT_PRESENT),
            None => Err(Fail::new(jwtguard_result::JWTGUARD_CLAIM_WRONG_TYPE, "exp is not a NumericDate")),
        }
    })
}

/// A string claim, unescaped.
///
/// # Safety
/// As the public functions that call it.
unsafe fn string_claim(
    token: *const jwtguard_token,
    name: &str,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, token) = unsafe { (OutBuf::new(buf, cap, out_len)?, handle(token, "token")?) };
        match token.token().claims().get(name).ok_or(NOT_PRESENT)? {
            Value::String(s) => out.put(export::string(s).map_err(export_fail)?.as_bytes()),
            _ => Err(Fail::new(jwtguard_result::JWTGUARD_CLAIM_WRONG_TYPE, "the claim is not a string")),
        }
    })
}

/// A refusal of the core's export rule as a result code.
fn export_fail(e: ExportError) -> Fail {
    let code = match e {
        ExportError::WrongType => jwtguard_result::JWTGUARD_CLAIM_WRONG_TYPE,
        ExportError::Unsafe(_) => jwtguard_result::JWTGUARD_CLAIM_UNSAFE,
    };
    Fail::new(code, e.describe())
}

/// A claim as text under the core's export rule.
fn claim_text(value: Value<'_>, separator: &str) -> Result<String, Fail> {
    export::claim_text(value, separator).map_err(export_fail)
}
