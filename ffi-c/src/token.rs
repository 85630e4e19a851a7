//! Verification, and read access to a verified token.

use core::ffi::c_char;
use core::ptr;
use std::sync::Arc;

use jwtguard_core::export::{self, ExportError};
use jwtguard_core::json::{Str, Value};
use jwtguard_core::{Claims, OwnedToken, Policy, Verified};

use crate::result::{jwtguard_result, Fail};
use crate::util::{assert_send_sync, copy_out, free_boxed, guard, handle, input_bytes, input_str, read_handle, Out};

/// A verified token (opaque): its signature verified and its claims satisfied the
/// policy.
///
/// It owns a copy of the decoded header and payload: it does not borrow the token
/// bytes, the verifier, its key sets or its policy, which may be freed while it lives.
/// Immutable: the accessors may be called from several threads at once. Free it with
/// `jwtguard_token_free()`.
pub struct jwtguard_token {
    /// Shared with the verifier's cache when the token came from it.
    verified: Arc<Verified>,
}

impl jwtguard_token {
    /// A new handle (to free with `jwtguard_token_free()`) for a token from a verifier.
    pub(crate) fn from_verified(verified: Arc<Verified>) -> *mut jwtguard_token {
        Box::into_raw(Box::new(jwtguard_token { verified }))
    }

    fn token(&self) -> &OwnedToken {
        self.verified.token()
    }
}

/// The token bytes after the length check that needs no read: a `token_len` over the
/// policy's maximum is `TokenTooLarge` without any byte being looked at.
///
/// # Safety
/// `token` is NULL (only with `token_len` 0) or points to `token_len` readable bytes
/// that stay valid for `'a`.
pub(crate) unsafe fn checked_token<'a>(token: *const u8, token_len: usize, policy: &Policy) -> Result<&'a [u8], Fail> {
    if !token.is_null() {
        policy.check_len(token_len)?;
    }
    // SAFETY: the caller's contract for `token`.
    unsafe { input_bytes(token, token_len, "token") }
}

const _: () = assert_send_sync::<jwtguard_token>();

const NOT_PRESENT: Fail = Fail::new(jwtguard_result::JWTGUARD_CLAIM_NOT_PRESENT, "the token has no such claim");

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
    // SAFETY: the caller's contract for `token`.
    unsafe { read_handle(token, ptr::null(), |t| t.token().header().alg().c_name().as_ptr()) }
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
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(token, "token", buf, cap, out_len, |t| exported(t.token().header().kid().ok_or(NOT_PRESENT)?)) }
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
    let get = |t: &jwtguard_token| {
        // SAFETY: the caller's contract for `name` and `separator`.
        let (name, separator) =
            unsafe { (input_str(name, name_len, "name")?, input_str(separator, separator_len, "separator")?) };
        claim_text(t.token().claims().get(name).ok_or(NOT_PRESENT)?, separator)
    };
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(token, "token", buf, cap, out_len, get) }
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
    // SAFETY: the caller's contract for each pointer.
    unsafe {
        copy_out(token, "token", buf, cap, out_len, |t| {
            t.token().claims().json(input_str(name, name_len, "name")?).ok_or(NOT_PRESENT)
        })
    }
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
    // SAFETY: the caller's contract for each pointer.
    unsafe {
        copy_out(token, "token", buf, cap, out_len, |t| {
            claim_text(t.token().claims().get("aud").ok_or(NOT_PRESENT)?, ",")
        })
    }
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
    // SAFETY: the caller's contract for each pointer.
    unsafe {
        copy_out(token, "token", buf, cap, out_len, |t| match t.token().claims().get(name).ok_or(NOT_PRESENT)? {
            Value::String(s) => exported(s),
            _ => Err(Fail::new(jwtguard_result::JWTGUARD_CLAIM_WRONG_TYPE, "the claim is not a string")),
        })
    }
}

/// A refusal of the core's export rule as a result code.
fn export_fail(e: ExportError) -> Fail {
    let code = match e {
        ExportError::WrongType => jwtguard_result::JWTGUARD_CLAIM_WRONG_TYPE,
        ExportError::Unsafe(_) => jwtguard_result::JWTGUARD_CLAIM_UNSAFE,
    };
    Fail::new(code, e.describe())
}

/// A string (unescaped) under the core's export rule.
fn exported(s: Str<'_>) -> Result<String, Fail> {
    export::string(s).map_err(export_fail)
}

/// A claim as text under the core's export rule.
fn claim_text(value: Value<'_>, separator: &str) -> Result<String, Fail> {
    export::claim_text(value, separator).map_err(export_fail)
}
