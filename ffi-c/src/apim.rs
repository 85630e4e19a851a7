//! Azure API Management policy documents (`<validate-jwt>`, `<validate-azure-ad-token>`)
//! read by `jwtguard-policy`: the core policy they translate to, plus the settings that
//! belong to the HTTP binding (token source, scheme, failure status and message, key
//! sources).

use core::ffi::c_char;
use core::{fmt, ptr};
use std::sync::Arc;

use ::jwtguard_policy::{named_value_entries, ApimPolicy, InlineKeyKind, ParseOptions, PolicyKind, TokenSource};

use crate::policy::jwtguard_policy;
use crate::result::{jwtguard_result, Fail};
use crate::util::{
    assert_send_sync, copy_out, free_boxed, guard, guard_detail, handle, input_bytes, input_strings, jwtguard_slice,
    nth, read_handle, Out, OutArray, OutBuf, Report,
};

/// `jwtguard_apim_policy_from_xml_with_options()` flag: turn unknown attributes and
/// elements into notes instead of refusing the document.
pub const JWTGUARD_APIM_ALLOW_UNKNOWN: u32 = 1;
/// `jwtguard_apim_policy_from_xml_with_options()` flag: a policy that names no audience
/// waives the audience check (APIM's behaviour) instead of being refused.
pub const JWTGUARD_APIM_ALLOW_ANY_AUDIENCE: u32 = 2;
/// `jwtguard_apim_policy_from_xml_with_options()` flag: a policy with no issuer listed
/// or derivable waives the issuer check instead of being refused.
pub const JWTGUARD_APIM_ALLOW_ANY_ISSUER: u32 = 4;
/// `jwtguard_apim_policy_from_xml_with_options()` flag: a multi-tenant policy
/// (`tenant-id="common"` or `"organizations"`, or such a discovery URL) accepts the tokens
/// of every tenant instead of being refused when no allowed tenant is given.
pub const JWTGUARD_APIM_ALLOW_ANY_TENANT: u32 = 8;

/// `jwtguard_apim_policy_kind()`: the document held a `<validate-jwt>` policy.
pub const JWTGUARD_APIM_VALIDATE_JWT: u32 = 1;
/// `jwtguard_apim_policy_kind()`: the document held a `<validate-azure-ad-token>` policy.
pub const JWTGUARD_APIM_VALIDATE_AZURE_AD_TOKEN: u32 = 2;

/// Where an APIM policy reads the token from (`jwtguard_apim_policy_token_source()`):
/// one of the `JWTGUARD_TOKEN_SOURCE_*` values. A binding must not fall back to another
/// place when the token is absent there (that is `JWTGUARD_TOKEN_NOT_PRESENT`).
pub type jwtguard_token_source = u32;

/// The value of the named header. For the `Authorization` header (compare names
/// case-insensitively) the value is `scheme token`: check the scheme when
/// `jwtguard_apim_policy_require_scheme()` names one, and remove it. For any other
/// header the whole value is the token.
pub const JWTGUARD_TOKEN_SOURCE_HEADER: jwtguard_token_source = 1;
/// What follows the last space of the named header's value (the whole value when it has
/// no space): APIM's `token-value="@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(' ').Last())"`.
pub const JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD: jwtguard_token_source = 2;
/// The named query parameter (case-sensitive name).
pub const JWTGUARD_TOKEN_SOURCE_QUERY: jwtguard_token_source = 3;
/// The named cookie: the first `;`-separated, trimmed item of the `Cookie` header that
/// starts with `name=`, without that prefix (case-sensitive name).
pub const JWTGUARD_TOKEN_SOURCE_COOKIE: jwtguard_token_source = 4;

/// A translated APIM validation policy (opaque): the core policy plus the settings of
/// the HTTP binding.
///
/// Immutable after creation: the accessors may be called from several threads at once.
/// Free it with `jwtguard_apim_policy_free()`; policies returned by
/// `jwtguard_apim_policy_policy()` are separate references and outlive it.
///
/// Security contract: the core policy (`jwtguard_apim_policy_policy()`) holds every
/// rule of the document that decides whether a token is accepted, the client
/// application check of `<client-application-ids>` included, so a verifier built with
/// it applies the whole policy. The other accessors are the binding's settings: where
/// to read the token, how to answer a rejection, where the keys are.
pub struct jwtguard_apim_policy {
    apim: ApimPolicy,
    policy: Arc<jwtguard_policy>,
}

const _: () = assert_send_sync::<jwtguard_apim_policy>();

/// Why a document was not turned into a handle: a calling-convention failure, or the
/// document itself (`JWTGUARD_POLICY_INVALID` with the policy crate's text).
enum Refusal {
    Fail(Fail),
    Document(String),
}

impl From<Fail> for Refusal {
    fn from(fail: Fail) -> Refusal {
        Refusal::Fail(fail)
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Fail(fail) => fail.fmt(f),
            Refusal::Document(text) => f.write_str(text),
        }
    }
}

impl Report for Refusal {
    fn code(&self) -> jwtguard_result {
        match self {
            Refusal::Fail(fail) => fail.code,
            Refusal::Document(_) => jwtguard_result::JWTGUARD_POLICY_INVALID,
        }
    }
}

/// Translates an APIM policy document with the strict defaults: unknown attributes and
/// elements are refused, an audience and an issuer are required, no named values.
/// Same as `jwtguard_apim_policy_from_xml_with_options()` with flags 0, no named values
/// and no allowed tenants; see there.
///
/// # Safety
/// `xml` is NULL (only with `xml_len` 0) or points to `xml_len` readable bytes; `out`
/// is NULL or valid for writing one pointer; `detail` is NULL or valid for writing
/// `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_from_xml(
    xml: *const u8,
    xml_len: usize,
    out: *mut *mut jwtguard_apim_policy,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let none = ptr::null();
    // SAFETY: the same contract, passed on; no named values, no allowed tenants.
    unsafe {
        jwtguard_apim_policy_from_xml_with_options(xml, xml_len, 0, none, none, 0, none, 0, out, detail, detail_cap)
    }
}

/// Translates an APIM policy document (UTF-8, a byte-order mark allowed; at most 1 MiB):
/// a `<validate-jwt>` or `<validate-azure-ad-token>` element alone, in a `<fragment>`, or
/// inside a whole `<policies><inbound>...</inbound></policies>` document.
///
/// - `flags`: 0 or a mask of `JWTGUARD_APIM_ALLOW_UNKNOWN`,
///   `JWTGUARD_APIM_ALLOW_ANY_AUDIENCE`, `JWTGUARD_APIM_ALLOW_ANY_ISSUER`,
///   `JWTGUARD_APIM_ALLOW_ANY_TENANT`; each relaxes one rule and leaves a note. Unknown
///   bits are `JWTGUARD_INVALID_PARAMETER`.
/// - `named_value_names` / `named_value_values`: `n_named_values` pairs filling the
///   document's `{{name}}` references (a reference without a value is refused). Values
///   are never shown, whole or in part, in `detail` or in notes: jwtguard-policy quotes
///   a value written with a reference as written (`{{name}}`), and its text is passed
///   on unchanged. Both may be NULL when `n_named_values` is 0.
/// - `allowed_tenants`: `n_allowed_tenants` Microsoft Entra tenant IDs whose tokens a
///   multi-tenant policy (`tenant-id="common"` / `"organizations"`, or such a discovery
///   URL) accepts; such a policy without any, and without
///   `JWTGUARD_APIM_ALLOW_ANY_TENANT`, is refused (`MissingAllowedTenants`). May be NULL
///   when `n_allowed_tenants` is 0.
///
/// On success `*out` receives a new handle (free it with `jwtguard_apim_policy_free()`).
/// A document that cannot be translated exactly is `JWTGUARD_POLICY_INVALID`, `*out` is
/// set to NULL and `detail` names the refusal and where it is, e.g.
/// `"PolicyInvalid: UnsignedTokensRefused at <validate-jwt> @require-signed-tokens
/// (line 1, column 1): ..."`: `require-signed-tokens="false"`, `<decryption-keys>`,
/// `certificate-id` keys, policy expressions other than the mapped `token-value` forms,
/// unknown attributes or elements, a missing audience, issuer or key source, an inline
/// key that `jwtguard_keyset_new()` would not load (e.g. an HMAC secret under 32 bytes:
/// `InvalidKey` naming the core's reason, `KeyTooSmall`), ... The
/// text never contains key material or named values' values. A document longer than
/// 1 MiB is refused before any byte is read.
///
/// # Safety
/// `xml` is NULL (only with `xml_len` 0) or points to `xml_len` readable bytes;
/// `named_value_names` and `named_value_values` are NULL (only with `n_named_values` 0)
/// or point to `n_named_values` readable `jwtguard_slice`s each, and `allowed_tenants`
/// is NULL (only with `n_allowed_tenants` 0) or points to `n_allowed_tenants` of them,
/// each valid as that type describes; `out` is NULL or valid for writing one pointer;
/// `detail` is NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_from_xml_with_options(
    xml: *const u8,
    xml_len: usize,
    flags: u32,
    named_value_names: *const jwtguard_slice,
    named_value_values: *const jwtguard_slice,
    n_named_values: usize,
    allowed_tenants: *const jwtguard_slice,
    n_allowed_tenants: usize,
    out: *mut *mut jwtguard_apim_policy,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let body = || {
        // SAFETY: the caller's contract for `out`.
        let out = unsafe { Out::required(out, "out") }?;
        out.set(ptr::null_mut());
        let known = JWTGUARD_APIM_ALLOW_UNKNOWN
            | JWTGUARD_APIM_ALLOW_ANY_AUDIENCE
            | JWTGUARD_APIM_ALLOW_ANY_ISSUER
            | JWTGUARD_APIM_ALLOW_ANY_TENANT;
        if flags & !known != 0 {
            return Err(Refusal::Fail(Fail::arg_invalid("flags", "has bits that are not JWTGUARD_APIM_* flags")));
        }
        // SAFETY: the caller's contract for the three arrays.
        let (names, values, tenants) = unsafe {
            (
                input_strings(named_value_names, n_named_values, "named_value_names", "named_value_names[i]")?,
                input_strings(named_value_values, n_named_values, "named_value_values", "named_value_values[i]")?,
                input_strings(allowed_tenants, n_allowed_tenants, "allowed_tenants", "allowed_tenants[i]")?,
            )
        };
        let options = ParseOptions {
            named_values: names.into_iter().zip(values).collect(),
            allow_unknown: flags & JWTGUARD_APIM_ALLOW_UNKNOWN != 0,
            allow_any_audience: flags & JWTGUARD_APIM_ALLOW_ANY_AUDIENCE != 0,
            allow_any_issuer: flags & JWTGUARD_APIM_ALLOW_ANY_ISSUER != 0,
            allowed_tenants: tenants,
            allow_any_tenant: flags & JWTGUARD_APIM_ALLOW_ANY_TENANT != 0,
            ..ParseOptions::default()
        };
        let refused = |e| Refusal::Document(format!("PolicyInvalid: {e}"));
        if !xml.is_null() {
            // Decided on the length alone: the bytes are never looked at.
            options.check_len(xml_len).map_err(refused)?;
        }
        // SAFETY: the caller's contract for `xml`.
        let document = unsafe { input_bytes(xml, xml_len, "xml") }?;
        let apim = ApimPolicy::from_bytes_with(document, &options).map_err(refused)?;
        let policy = Arc::new(jwtguard_policy::from_core(apim.policy().clone()));
        out.set(Box::into_raw(Box::new(jwtguard_apim_policy { apim, policy })));
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
}

/// Reads APIM named values kept as text, one `name=value` per line (the format of
/// `jwtguard-policy`'s `read_named_values`: names of ASCII letters, digits, `.`, `-`,
/// `_`, unique ignoring ASCII case; values trimmed of spaces and tabs, not empty, at most
/// 4096 bytes, no control characters but tab; blank lines and `#` lines skipped; at most
/// 1 MiB), for `jwtguard_apim_policy_from_xml_with_options()`.
///
/// `*n_values` receives the number of named values; when they fit in `cap`,
/// `names[i]` and `values[i]` receive them in file order as slices of `text` (valid
/// while `text` is), else `JWTGUARD_BUFFER_TOO_SMALL` and nothing is written (call with
/// `cap` 0 to learn the count). Text that is not so is `JWTGUARD_POLICY_INVALID` with
/// `*n_values` 0, and `detail` names the line and the rule, e.g.
/// `"PolicyInvalid: InvalidNamedValues at the document (line 3, column 1): the line is
/// not name=value"`; it never shows a value or the text of a line.
///
/// # Safety
/// `text` is NULL (only with `text_len` 0) or points to `text_len` readable bytes;
/// `names` and `values` are NULL (only with `cap` 0) or valid for writing `cap`
/// `jwtguard_slice`s each; `n_values` is NULL or valid for writing one `size_t`;
/// `detail` is NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_named_values_read(
    text: *const u8,
    text_len: usize,
    names: *mut jwtguard_slice,
    values: *mut jwtguard_slice,
    cap: usize,
    n_values: *mut usize,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let body = || -> Result<(), Refusal> {
        // SAFETY: the caller's contract for `n_values`, `names` and `values`.
        let (count, names, values) = unsafe {
            (
                Out::optional(n_values, "n_values")?,
                OutArray::new(names, cap, "names")?,
                OutArray::new(values, cap, "values")?,
            )
        };
        if let Some(count) = &count {
            count.set(0);
        }
        // SAFETY: the caller's contract for `text`.
        let bytes = unsafe { input_bytes(text, text_len, "text") }?;
        let refused = |e| Refusal::Document(format!("PolicyInvalid: {e}"));
        let text = core::str::from_utf8(bytes).map_err(|e| {
            Refusal::Document(format!("PolicyInvalid: InvalidNamedValues: not UTF-8 (at byte {})", e.valid_up_to()))
        })?;
        let entries = named_value_entries(text).map_err(refused)?;
        if let Some(count) = &count {
            count.set(entries.len());
        }
        debug_assert_eq!(names.cap(), values.cap());
        let slice = |range: core::ops::Range<usize>| jwtguard_slice {
            data: text[range.clone()].as_ptr().cast::<c_char>(),
            len: range.len(),
        };
        names.put(entries.iter().map(|e| slice(e.name.clone())))?;
        values.put(entries.iter().map(|e| slice(e.value.clone())))?;
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
}

/// Frees an APIM policy. NULL is ignored. References returned by
/// `jwtguard_apim_policy_policy()` are not affected.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle that is not used again (by any thread).
#[no_mangle]
pub unsafe extern "C" fn jwtguard_apim_policy_free(apim: *mut jwtguard_apim_policy) {
    // SAFETY: the caller's contract above, which is `free_boxed`'s.
    unsafe { free_boxed(apim) }
}

/// Returns which policy the document held: `JWTGUARD_APIM_VALIDATE_JWT` or
/// `JWTGUARD_APIM_VALIDATE_AZURE_AD_TOKEN`; 0 when `apim` is NULL.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_apim_policy_kind(apim: *const jwtguard_apim_policy) -> u32 {
    // SAFETY: the caller's contract for `apim`.
    unsafe {
        read_handle(apim, 0, |a| match a.apim.kind() {
            PolicyKind::ValidateJwt => JWTGUARD_APIM_VALIDATE_JWT,
            PolicyKind::ValidateAzureAdToken => JWTGUARD_APIM_VALIDATE_AZURE_AD_TOKEN,
        })
    }
}

/// Returns a new reference to the core policy the document translates to, for
/// `jwtguard_verifier_builder_new()`: audiences, issuers, required claims, the client
/// application check of `validate-azure-ad-token`
/// (`<client-application-ids>`: the `azp` claim, or `appid` when the token has no
/// `azp`, must be listed; else `JWTGUARD_TOKEN_CLAIM_NOT_FOUND` or
/// `JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED`), clock skew, the `exp` rule, the
/// algorithms API Management accepts (RS256, RS512, PS256, ES256; HS256, HS384 and
/// HS512 too when the document has inline symmetric keys) and the kid-miss fallback
/// for inline keys. It is the whole token check. Release it with
/// `jwtguard_policy_free()`; it stays valid after `jwtguard_apim_policy_free()`. Every
/// call returns a reference to the same policy. Returns NULL when `apim` is NULL.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_policy(apim: *const jwtguard_apim_policy) -> *const jwtguard_policy {
    // SAFETY: the caller's contract for `apim`.
    unsafe { read_handle(apim, ptr::null(), |a| Arc::into_raw(Arc::clone(&a.policy))) }
}

/// Where the token is read from: `*kind` receives a `JWTGUARD_TOKEN_SOURCE_*` value
/// (0 unless `JWTGUARD_OK`) and `name`, under the buffer convention, the header, query
/// parameter or cookie name. `*kind` is written even when `name` is too small.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `kind` is NULL or valid for writing one
/// `jwtguard_token_source`; `name`/`name_cap`/`name_len` follow the buffer convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_token_source(
    apim: *const jwtguard_apim_policy,
    kind: *mut jwtguard_token_source,
    name: *mut c_char,
    name_cap: usize,
    name_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `kind`, `name` and `name_len`.
        let (kind, buf) = unsafe { (Out::required(kind, "kind")?, OutBuf::new(name, name_cap, name_len)?) };
        kind.set(0);
        // SAFETY: the caller's contract for `apim`.
        let apim = unsafe { handle(apim, "apim") }?;
        let (code, name) = match apim.apim.token_source() {
            TokenSource::Header { name } => (JWTGUARD_TOKEN_SOURCE_HEADER, name),
            TokenSource::HeaderLastWord { name } => (JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD, name),
            TokenSource::Query { name } => (JWTGUARD_TOKEN_SOURCE_QUERY, name),
            TokenSource::Cookie { name } => (JWTGUARD_TOKEN_SOURCE_COOKIE, name),
        };
        kind.set(code);
        buf.put(name.as_bytes())
    })
}

/// Copies `require-scheme` (e.g. `"Bearer"`; compare case-insensitively with the
/// `Authorization` header's scheme) under the buffer convention; `""` (length 0) when the
/// policy sets none, or sets one APIM ignores (a token source other than the
/// `Authorization` header: a note says so).
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_require_scheme(
    apim: *const jwtguard_apim_policy,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(apim, "apim", buf, cap, out_len, |a| Ok(a.apim.require_scheme().unwrap_or(""))) }
}

/// Returns `failed-validation-httpcode`, the HTTP status of a rejection (100 to 599;
/// 401 when the policy does not set it); 0 when `apim` is NULL.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_apim_policy_failed_status(apim: *const jwtguard_apim_policy) -> u16 {
    // SAFETY: the caller's contract for `apim`.
    unsafe { read_handle(apim, 0, |a| a.apim.failed_validation_httpcode()) }
}

/// Copies `failed-validation-error-message`, the body of a rejection, under the buffer
/// convention. `*is_set` receives false when the policy sets none: APIM then answers
/// with a default text that depends on the failure (`"JWT not present."` when no token
/// was presented); the value is then `""`. An explicitly empty message is `*is_set`
/// true with `""`.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `is_set` is NULL or valid for writing
/// one `bool`; `buf`/`cap`/`out_len` follow the buffer convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_failed_message(
    apim: *const jwtguard_apim_policy,
    is_set: *mut bool,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `is_set`, `buf` and `out_len`.
        let (is_set, out) = unsafe { (Out::required(is_set, "is_set")?, OutBuf::new(buf, cap, out_len)?) };
        is_set.set(false);
        // SAFETY: the caller's contract for `apim`.
        let apim = unsafe { handle(apim, "apim") }?;
        let message = apim.apim.failed_validation_error_message();
        is_set.set(message.is_some());
        out.put(message.unwrap_or("").as_bytes())
    })
}

/// Copies the body of a rejection for `result` under the buffer convention:
/// `failed-validation-error-message` when the policy sets one, else the text API
/// Management answers with for that failure: `"JWT not present."` for
/// `JWTGUARD_TOKEN_NOT_PRESENT`, `"JWT validation failed: <reason message>."` for the
/// other token results (e.g. `"JWT validation failed: token has expired."`). A result
/// that is not a token failure is `JWTGUARD_INVALID_PARAMETER`.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the
/// buffer convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_failure_message(
    apim: *const jwtguard_apim_policy,
    result: u32,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    let get = |a: &jwtguard_apim_policy| {
        let reason = jwtguard_core::Reason::ALL
            .iter()
            .find(|r| r.code() == result && r.name().starts_with("Token"))
            .ok_or(Fail::arg_invalid("result", "is not a token failure"))?;
        Ok(match a.apim.failed_validation_error_message() {
            Some(message) => message.to_owned(),
            None if *reason == jwtguard_core::Reason::TokenNotPresent => {
                ::jwtguard_policy::APIM_DEFAULT_TOKEN_MISSING_MESSAGE.to_owned()
            }
            None => format!("JWT validation failed: {}.", reason.message()),
        })
    };
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(apim, "apim", buf, cap, out_len, get) }
}

/// Returns the number of OpenID Connect discovery documents (`<openid-config url>`; for
/// `validate-azure-ad-token`, the tenant's v2.0 document) whose `jwks_uri` keys the
/// caller must fetch and load; 0 when `apim` is NULL or the policy has only inline keys.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_apim_policy_openid_config_count(apim: *const jwtguard_apim_policy) -> usize {
    // SAFETY: the caller's contract for `apim`.
    unsafe { read_handle(apim, 0, |a| a.apim.openid_config_urls().len()) }
}

/// Copies discovery URL number `index` (0-based, in policy order, always `https`) under
/// the buffer convention. An index out of range is `JWTGUARD_INVALID_PARAMETER`.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_openid_config_url(
    apim: *const jwtguard_apim_policy,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(apim, "apim", buf, cap, out_len, |a| nth(a.apim.openid_config_urls(), index)) }
}

/// Returns the number of issuers in the core policy that were not listed in `<issuers>`
/// but derived from a discovery URL (APIM reads them from the fetched document); 0 when
/// `apim` is NULL. A caller that fetches the discovery documents should check that each
/// document's `issuer` equals the derived one, and refuse the configuration otherwise.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_apim_policy_derived_issuer_count(apim: *const jwtguard_apim_policy) -> usize {
    // SAFETY: the caller's contract for `apim`.
    unsafe { read_handle(apim, 0, |a| a.apim.derived_issuers().len()) }
}

/// Copies derived issuer number `index` (0-based) under the buffer convention: the
/// issuer when `url` is false, the discovery URL it follows from when `url` is true. An
/// index out of range is `JWTGUARD_INVALID_PARAMETER`.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_derived_issuer(
    apim: *const jwtguard_apim_policy,
    index: usize,
    url: bool,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract for each pointer.
    unsafe {
        copy_out(apim, "apim", buf, cap, out_len, |a| {
            let derived = nth(a.apim.derived_issuers(), index)?;
            Ok(if url { derived.discovery_url() } else { derived.issuer() })
        })
    }
}

/// `jwtguard_apim_policy_inline_jwks()`: the inline RSA keys (`<key n="..." e="..."/>`),
/// for `jwtguard_keyset_new()`.
pub const JWTGUARD_APIM_KEYS_ASYMMETRIC: u32 = 1;
/// `jwtguard_apim_policy_inline_jwks()`: the inline symmetric keys (`<key>base64</key>`,
/// HMAC secrets), for `jwtguard_keyset_new_with_options()` with
/// `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`.
pub const JWTGUARD_APIM_KEYS_SYMMETRIC: u32 = 2;

/// Copies the inline `<issuer-signing-keys>` of one kind as a JWK set document
/// (`{"keys":[...]}`) under the buffer convention; `""` (length 0) when the policy has
/// no inline key of that kind. `kind` is `JWTGUARD_APIM_KEYS_ASYMMETRIC` or
/// `JWTGUARD_APIM_KEYS_SYMMETRIC`; any other value is `JWTGUARD_INVALID_PARAMETER`.
///
/// - Asymmetric: the RSA keys (`"kty":"RSA"`), ready for `jwtguard_keyset_new()`. With
///   discovery URLs as well, put these keys and the fetched ones into one set.
/// - Symmetric: the HMAC secrets (`"kty":"oct"`), to load as a set of their own with
///   `JWTGUARD_KEYSET_ALLOW_SYMMETRIC` (a set that also holds asymmetric keys skips
///   them), never merged with fetched keys. The core policy allows HS256/384/512 only
///   when the document has such keys. Treat this text as a secret: it is the only output
///   that holds key material (wipe it once the set is loaded).
///
/// A policy with both kinds needs both sets; a token is checked against the set of its
/// `alg`'s kind (a `kid` naming a key of the other set is not found in this one).
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_inline_jwks(
    apim: *const jwtguard_apim_policy,
    kind: u32,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    let kind = match kind {
        JWTGUARD_APIM_KEYS_ASYMMETRIC => Ok(InlineKeyKind::Rsa),
        JWTGUARD_APIM_KEYS_SYMMETRIC => Ok(InlineKeyKind::Symmetric),
        _ => Err(Fail::arg_invalid("kind", "is not JWTGUARD_APIM_KEYS_ASYMMETRIC or JWTGUARD_APIM_KEYS_SYMMETRIC")),
    };
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(apim, "apim", buf, cap, out_len, |a| Ok(a.apim.inline_jwks_of(kind?).unwrap_or(""))) }
}

/// Copies the policy's `<decryption-keys>` as a JWK set document of `oct` keys
/// (`{"keys":[...]}`, each `<key>`'s base64 secret with its `id` as `kid`) under the
/// buffer convention, for `jwtguard_decryption_keys_new()`; `""` (length 0) when the
/// policy has none. Treat this text as a secret (wipe it once the keys are loaded).
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_decryption_jwks(
    apim: *const jwtguard_apim_policy,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(apim, "apim", buf, cap, out_len, |a| Ok(a.apim.decryption_jwks().unwrap_or(""))) }
}

/// Returns the number of notes: settings accepted without effect, defaults applied,
/// issuers derived from discovery URLs, policies beside the validation policy that were
/// not translated. 0 when `apim` is NULL.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_apim_policy_note_count(apim: *const jwtguard_apim_policy) -> usize {
    // SAFETY: the caller's contract for `apim`.
    unsafe { read_handle(apim, 0, |a| a.apim.notes().len()) }
}

/// Copies note number `index` (0-based) as one line, `"<location>: <message>"` (e.g.
/// `"<validate-jwt> @output-token-variable-name (line 1, column 1): accepted, ..."`),
/// under the buffer convention. Safe to log. An index out of range is
/// `JWTGUARD_INVALID_PARAMETER`.
///
/// # Safety
/// `apim` is NULL or a live APIM policy handle; `buf`/`cap`/`out_len` follow the buffer
/// convention.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_apim_policy_note(
    apim: *const jwtguard_apim_policy,
    index: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract for each pointer.
    unsafe { copy_out(apim, "apim", buf, cap, out_len, |a| Ok(nth(a.apim.notes(), index)?.to_string())) }
}
