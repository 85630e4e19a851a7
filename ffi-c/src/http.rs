//! The C face of `jwtguard_policy::http`: where the token is in a request
//! (`jwtguard_http_find_token`) and the `WWW-Authenticate` challenge of a rejection
//! (`jwtguard_http_challenge`). The rules are the policy crate's; this file translates
//! pointers and codes.

use core::ffi::c_char;

use ::jwtguard_policy::http::{challenge, find_token, percent_decode, TokenSourceKind};

use crate::apim::{
    jwtguard_token_source, JWTGUARD_TOKEN_SOURCE_COOKIE, JWTGUARD_TOKEN_SOURCE_HEADER,
    JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD, JWTGUARD_TOKEN_SOURCE_QUERY,
};
use crate::result::{jwtguard_result, Fail};
use crate::util::{guard, input_bytes, Out, OutBuf};

/// Finds the access token in one piece of an HTTP request, the way Azure API Management
/// takes it from the token source `source` named `name` (see
/// `jwtguard_apim_policy_token_source`); `text` is the piece that source reads:
///
/// - `JWTGUARD_TOKEN_SOURCE_HEADER`: the value of the first header named `name`. For
///   `Authorization` (name compared case-insensitively) the value must start with
///   `scheme` (compared case-insensitively; `""` is `Bearer`) after optional spaces and
///   tabs, followed by at least one space or tab; the token is the rest. For another
///   header the token is the whole value. Surrounding spaces and tabs are removed.
/// - `JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD`: the value of the first header named
///   `name`; the token is what follows its last space.
/// - `JWTGUARD_TOKEN_SOURCE_QUERY`: the query string (without `?`); the token is the
///   value of its first `name=value` item (name compared exactly), as written: decode
///   it with `jwtguard_http_decode_token()` (see `jwtguard_token_source_is_url_encoded()`).
/// - `JWTGUARD_TOKEN_SOURCE_COOKIE`: the value of one `Cookie` header (try each in
///   order); the token is the value of its first `;`-separated item, spaces and tabs
///   removed, that starts with `name=` (name compared exactly).
///
/// On `JWTGUARD_OK` the token is the `*out_len` bytes at `text + *out_offset` (it may be
/// empty: the token was named without a value). `JWTGUARD_TOKEN_NOT_PRESENT` when
/// `text` holds no token (another scheme, the scheme alone, no such item). The rules are
/// `jwtguard_policy::http::find_token`'s.
///
/// # Safety
/// `name`, `scheme` and `text` follow the input convention; `out_offset` and `out_len`
/// are NULL or valid for writing one `size_t` each.
#[no_mangle]
#[must_use]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn jwtguard_http_find_token(
    source: jwtguard_token_source,
    name: *const c_char,
    name_len: usize,
    scheme: *const c_char,
    scheme_len: usize,
    text: *const u8,
    text_len: usize,
    out_offset: *mut usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (offset, len, name, scheme, text) = unsafe {
            (
                Out::required(out_offset, "out_offset")?,
                Out::required(out_len, "out_len")?,
                input_bytes(name.cast::<u8>(), name_len, "name")?,
                input_bytes(scheme.cast::<u8>(), scheme_len, "scheme")?,
                input_bytes(text, text_len, "text")?,
            )
        };
        offset.set(0);
        len.set(0);
        let kind = source_kind(source)?;
        let token = find_token(kind, name, scheme, text).ok_or(Fail::new(
            jwtguard_result::JWTGUARD_TOKEN_NOT_PRESENT,
            "TokenNotPresent: no access token in the request",
        ))?;
        // a sub-slice of `text`: its start is within `text`
        offset.set(token.as_ptr() as usize - text.as_ptr() as usize);
        len.set(token.len());
        Ok(())
    })
}

/// The token source kind of `source`, or a failure naming the argument.
fn source_kind(source: jwtguard_token_source) -> Result<TokenSourceKind, Fail> {
    Ok(match source {
        JWTGUARD_TOKEN_SOURCE_HEADER => TokenSourceKind::Header,
        JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD => TokenSourceKind::HeaderLastWord,
        JWTGUARD_TOKEN_SOURCE_QUERY => TokenSourceKind::Query,
        JWTGUARD_TOKEN_SOURCE_COOKIE => TokenSourceKind::Cookie,
        _ => return Err(Fail::arg_invalid("source", "is not a JWTGUARD_TOKEN_SOURCE_*")),
    })
}

/// Whether a token found in `source` is URL-encoded, so that it must go through
/// `jwtguard_http_decode_token()` before it is verified: true for
/// `JWTGUARD_TOKEN_SOURCE_QUERY` and `JWTGUARD_TOKEN_SOURCE_COOKIE` (as API Management
/// reads query parameters, and as clients encode them), false for headers and for a
/// value that is not a `JWTGUARD_TOKEN_SOURCE_*`. The rule is
/// `jwtguard_policy::http::TokenSourceKind::is_url_encoded`'s.
#[no_mangle]
pub extern "C" fn jwtguard_token_source_is_url_encoded(source: jwtguard_token_source) -> bool {
    source_kind(source).is_ok_and(TokenSourceKind::is_url_encoded)
}

/// Percent-decodes a token read from a URL-encoded source (a query parameter, a
/// cookie) under the buffer convention (`cap` > `text_len` always suffices): each `%`
/// followed by two hex digits becomes the byte they name, every other byte is copied
/// (`+` too). `JWTGUARD_TOKEN_MALFORMED` when a `%` is not followed by two hex digits
/// (nothing is written). A compact JWS never holds `%`, so only what a client encoded
/// changes. The rules are `jwtguard_policy::http::percent_decode`'s.
///
/// # Safety
/// `text` follows the input convention; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_http_decode_token(
    text: *const u8,
    text_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, text) = unsafe { (OutBuf::new(buf, cap, out_len)?, input_bytes(text, text_len, "text")?) };
        let mut decoded = vec![0u8; text.len()];
        let token = percent_decode(text, &mut decoded).ok_or(Fail::new(
            jwtguard_result::JWTGUARD_TOKEN_MALFORMED,
            "TokenMalformed: a % in the token is not followed by two hex digits",
        ))?;
        out.put(token)
    })
}

/// Copies the value of the `WWW-Authenticate` header that answers a rejection for
/// `result` with HTTP status `status` under the buffer convention, e.g.
/// `Bearer realm="api", error="invalid_token", error_description="TokenExpired"`:
/// `Bearer`, then ` realm="<realm>"` when `realm` is not empty (copied as given), then,
/// unless `result` is `JWTGUARD_TOKEN_NOT_PRESENT`, `error="invalid_token"` (or
/// `"insufficient_scope"` when a 403 answers `JWTGUARD_TOKEN_CLAIM_NOT_FOUND` or
/// `JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED`, RFC 6750 section 3.1) and
/// `error_description="<jwtguard_result_name(result)>"` (`"Unknown"` for a code that is
/// not one of the core's reasons). The rules are `jwtguard_policy::http::challenge`'s.
///
/// # Safety
/// `realm` follows the input convention; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_http_challenge(
    result: u32,
    status: u16,
    realm: *const c_char,
    realm_len: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, realm) =
            unsafe { (OutBuf::new(buf, cap, out_len)?, input_bytes(realm.cast::<u8>(), realm_len, "realm")?) };
        let reason = jwtguard_result::from_code(result).and_then(jwtguard_result::reason);
        out.put(&challenge(reason, status, realm))
    })
}
