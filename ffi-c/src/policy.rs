//! Policies: collected by a builder, validated once by `build`, then shared.

use core::ffi::c_char;
use core::ptr;

use jwtguard_core::{Algorithm, AlgorithmSet, Match, Policy, PolicyBuilder, RequiredClaim};

use crate::result::{jwtguard_result, Fail};
use crate::util::{
    assert_send_sync, clone_shared, free_boxed, free_shared, guard, guard_value, handle, handle_mut, input_str,
    input_strings, jwtguard_slice, make_handle, new_shared, Building,
};

/// How the values of a required claim must match: `JWTGUARD_MATCH_ALL` or
/// `JWTGUARD_MATCH_ANY`. Any other value is `JWTGUARD_INVALID_PARAMETER`.
pub type jwtguard_match = u32;

/// Every listed value must be present in the claim (APIM's default).
pub const JWTGUARD_MATCH_ALL: jwtguard_match = 0;
/// At least one listed value must be present in the claim.
pub const JWTGUARD_MATCH_ANY: jwtguard_match = 1;

/// `jwtguard_policy_builder_set_algorithms()` flag: RS256 (RSASSA-PKCS1-v1_5, SHA-256).
/// The `JWTGUARD_ALG_*` bits are stable: each keeps its value, new algorithms get new bits.
pub const JWTGUARD_ALG_RS256: u32 = 1 << 0;
/// `jwtguard_policy_builder_set_algorithms()` flag: ES256 (ECDSA P-256, SHA-256).
pub const JWTGUARD_ALG_ES256: u32 = 1 << 1;
/// `jwtguard_policy_builder_set_algorithms()` flag: RS384 (RSASSA-PKCS1-v1_5, SHA-384).
pub const JWTGUARD_ALG_RS384: u32 = 1 << 2;
/// `jwtguard_policy_builder_set_algorithms()` flag: RS512 (RSASSA-PKCS1-v1_5, SHA-512).
pub const JWTGUARD_ALG_RS512: u32 = 1 << 3;
/// `jwtguard_policy_builder_set_algorithms()` flag: PS256 (RSASSA-PSS, SHA-256, MGF1
/// SHA-256, 32-byte salt).
pub const JWTGUARD_ALG_PS256: u32 = 1 << 4;
/// `jwtguard_policy_builder_set_algorithms()` flag: PS384 (RSASSA-PSS, SHA-384, MGF1
/// SHA-384, 48-byte salt).
pub const JWTGUARD_ALG_PS384: u32 = 1 << 5;
/// `jwtguard_policy_builder_set_algorithms()` flag: PS512 (RSASSA-PSS, SHA-512, MGF1
/// SHA-512, 64-byte salt).
pub const JWTGUARD_ALG_PS512: u32 = 1 << 6;
/// `jwtguard_policy_builder_set_algorithms()` flag: ES384 (ECDSA P-384, SHA-384).
pub const JWTGUARD_ALG_ES384: u32 = 1 << 7;
/// `jwtguard_policy_builder_set_algorithms()` flag: EdDSA with Ed25519 (`kty` `OKP`).
pub const JWTGUARD_ALG_EDDSA: u32 = 1 << 8;
/// `jwtguard_policy_builder_set_algorithms()` flag: HS256 (HMAC SHA-256). Verifies only
/// with symmetric keys, which load only with `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`.
pub const JWTGUARD_ALG_HS256: u32 = 1 << 9;
/// `jwtguard_policy_builder_set_algorithms()` flag: HS384 (HMAC SHA-384); see
/// `JWTGUARD_ALG_HS256`.
pub const JWTGUARD_ALG_HS384: u32 = 1 << 10;
/// `jwtguard_policy_builder_set_algorithms()` flag: HS512 (HMAC SHA-512); see
/// `JWTGUARD_ALG_HS256`.
pub const JWTGUARD_ALG_HS512: u32 = 1 << 11;
/// `jwtguard_policy_builder_set_algorithms()` flag: ES512 (ECDSA P-521, SHA-512).
pub const JWTGUARD_ALG_ES512: u32 = 1 << 12;
/// `jwtguard_policy_builder_set_algorithms()` flag: Ed25519 (RFC 9864's fully specified
/// name for EdDSA with Ed25519; the same keys as `JWTGUARD_ALG_EDDSA`).
pub const JWTGUARD_ALG_ED25519: u32 = 1 << 13;

/// The algorithms the default policy allows: RS256 and ES256.
pub const JWTGUARD_ALG_SET_DEFAULT: u32 = JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256;
/// Every asymmetric algorithm: `JWTGUARD_ALG_RS256` to `JWTGUARD_ALG_EDDSA`,
/// `JWTGUARD_ALG_ES512` and `JWTGUARD_ALG_ED25519` (RS*, PS*, ES*, EdDSA, Ed25519), what
/// an identity provider's public keys verify.
pub const JWTGUARD_ALG_SET_ASYMMETRIC: u32 = 0x31ff;
/// `JWTGUARD_ALG_HS256`, `JWTGUARD_ALG_HS384` and `JWTGUARD_ALG_HS512`: verified only
/// with symmetric keys (shared secrets, see `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`).
pub const JWTGUARD_ALG_SET_SYMMETRIC: u32 = 0xe00;

// The flags are the core's bits (cbindgen needs them written out).
const _: () = assert!(
    JWTGUARD_ALG_RS256 == Algorithm::RS256.bit() as u32
        && JWTGUARD_ALG_ES256 == Algorithm::ES256.bit() as u32
        && JWTGUARD_ALG_RS384 == Algorithm::RS384.bit() as u32
        && JWTGUARD_ALG_RS512 == Algorithm::RS512.bit() as u32
        && JWTGUARD_ALG_PS256 == Algorithm::PS256.bit() as u32
        && JWTGUARD_ALG_PS384 == Algorithm::PS384.bit() as u32
        && JWTGUARD_ALG_PS512 == Algorithm::PS512.bit() as u32
        && JWTGUARD_ALG_ES384 == Algorithm::ES384.bit() as u32
        && JWTGUARD_ALG_EDDSA == Algorithm::EdDSA.bit() as u32
        && JWTGUARD_ALG_HS256 == Algorithm::HS256.bit() as u32
        && JWTGUARD_ALG_HS384 == Algorithm::HS384.bit() as u32
        && JWTGUARD_ALG_HS512 == Algorithm::HS512.bit() as u32
        && JWTGUARD_ALG_ES512 == Algorithm::ES512.bit() as u32
        && JWTGUARD_ALG_ED25519 == Algorithm::Ed25519.bit() as u32
        && JWTGUARD_ALG_SET_DEFAULT == AlgorithmSet::DEFAULT.bits() as u32
        && JWTGUARD_ALG_SET_ASYMMETRIC == AlgorithmSet::ASYMMETRIC.bits() as u32
        && JWTGUARD_ALG_SET_SYMMETRIC == AlgorithmSet::SYMMETRIC.bits() as u32,
    "a JWTGUARD_ALG_* flag is not the core's bit"
);

/// Collects the rules of a policy (opaque). Not synchronized: use it from one thread at
/// a time. Every setter copies its arguments. A setter that fails (NULL or invalid
/// argument) also makes every later `jwtguard_policy_builder_build()` fail with the
/// same code, so an ignored error can never yield a more permissive policy.
pub struct jwtguard_policy_builder {
    /// The core builder, which holds the rules and their first problem.
    state: Building<PolicyBuilder>,
}

/// A validated verification policy (opaque).
///
/// Immutable after `jwtguard_policy_builder_build()` and reference counted: one handle
/// may be used by any number of threads at once; clone and free it from any thread.
pub struct jwtguard_policy {
    policy: Policy,
}

impl jwtguard_policy {
    /// The policy.
    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    /// A handle for a policy built elsewhere in this crate (an APIM policy document).
    pub(crate) fn from_core(policy: Policy) -> jwtguard_policy {
        jwtguard_policy { policy }
    }
}

const _: () = assert_send_sync::<jwtguard_policy>();

/// Runs a setter on a builder handle: `read` checks the arguments and returns the
/// change to make to the core builder.
///
/// # Safety
/// `builder` is NULL or a live builder handle not used by another thread meanwhile.
unsafe fn set<F: FnOnce(PolicyBuilder) -> PolicyBuilder>(
    builder: *mut jwtguard_policy_builder,
    read: impl FnOnce() -> Result<F, Fail>,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let b = unsafe { handle_mut(builder, "builder") }?;
        let change = read();
        b.state.update(|inner| match change {
            Ok(change) => (change(inner), Ok(())),
            Err(fail) => (inner, Err(fail)),
        })
    })
}

/// [`set`] for a setter whose arguments need no check.
///
/// # Safety
/// As [`set`].
unsafe fn change(
    builder: *mut jwtguard_policy_builder,
    change: impl FnOnce(PolicyBuilder) -> PolicyBuilder,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { set(builder, || Ok(change)) }
}

/// [`set`] for a setter of one text argument (`arg`).
///
/// # Safety
/// As [`set`]; `text` is NULL (only with `len` 0) or points to `len` readable bytes.
unsafe fn add_text(
    builder: *mut jwtguard_policy_builder,
    text: *const c_char,
    len: usize,
    arg: &'static str,
    add: fn(PolicyBuilder, &str) -> PolicyBuilder,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `text`.
    let read = || unsafe { input_str(text, len, arg) }.map(|text| move |p| add(p, text));
    // SAFETY: the caller's contract for `builder`.
    unsafe { set(builder, read) }
}

/// Starts a policy with the defaults: no audience or issuer yet (one of each, or the
/// explicit waiver, is required by `jwtguard_policy_builder_build()`), `exp` required,
/// no clock skew, RS256 and ES256 allowed, 16 KiB maximum token length, no kid-miss
/// fallback, keys' own `issuer` enforced. Free it with `jwtguard_policy_builder_free()`.
/// Returns NULL only if an internal error occurred.
#[no_mangle]
#[must_use]
pub extern "C" fn jwtguard_policy_builder_new() -> *mut jwtguard_policy_builder {
    guard_value(ptr::null_mut(), || {
        Box::into_raw(Box::new(jwtguard_policy_builder { state: Building::new(Policy::builder()) }))
    })
}

/// Frees a builder. NULL is ignored. Policies built from it are not affected.
///
/// # Safety
/// `builder` is NULL or a live builder handle that is not used again.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_free(builder: *mut jwtguard_policy_builder) {
    // SAFETY: the caller's contract above, which is `free_boxed`'s.
    unsafe { free_boxed(builder) }
}

/// Allows tokens whose `aud` (a string, or any element of an array) equals `audience`
/// exactly (case-sensitive, after JSON unescaping). May be called repeatedly; any listed
/// audience suffices. Typically the backend application's client id or App ID URI.
///
/// # Safety
/// `builder` is NULL or a live builder handle; `audience` is NULL (only with length 0)
/// or points to `audience_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_add_audience(
    builder: *mut jwtguard_policy_builder,
    audience: *const c_char,
    audience_len: usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { add_text(builder, audience, audience_len, "audience", PolicyBuilder::audience) }
}

/// Waives the audience check. Only for tokens whose audience is checked elsewhere.
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_any_audience(
    builder: *mut jwtguard_policy_builder,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, |p| p.any_audience()) }
}

/// Allows tokens whose `iss` equals `issuer` exactly. May be called repeatedly.
///
/// # Safety
/// `builder` is NULL or a live builder handle; `issuer` is NULL (only with length 0) or
/// points to `issuer_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_add_issuer(
    builder: *mut jwtguard_policy_builder,
    issuer: *const c_char,
    issuer_len: usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { add_text(builder, issuer, issuer_len, "issuer", PolicyBuilder::issuer) }
}

/// Waives the issuer check (a key's own `issuer`, when it has one, still applies).
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_any_issuer(builder: *mut jwtguard_policy_builder) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, |p| p.any_issuer()) }
}

/// Names no issuer and takes them from the verifier's key sources instead, as API
/// Management does with an OpenID configuration: every source added to a
/// `jwtguard_verifier_builder` with this policy must be bound to issuers of its own
/// (an OpenID source without `issuers`: its discovered issuer; or a list); adding one
/// that is not fails with `JWTGUARD_POLICY_INVALID`. Issuers added as well still apply.
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_issuers_from_sources(
    builder: *mut jwtguard_policy_builder,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, |p| p.issuers_from_sources()) }
}

/// Adds a required claim (APIM `<required-claims>`): claim `name` must be present and,
/// when `n_values` > 0, hold the listed values as `match_mode` says (`JWTGUARD_MATCH_ALL` or
/// `JWTGUARD_MATCH_ANY`). A string claim is split by `separator` (1 to 16 bytes of
/// UTF-8, e.g. `" "` for `scp` or `", "`; NULL or length 0 keeps it whole), an array is
/// taken element by element, numbers and booleans compare by their JSON text (`42`,
/// `true`). Rules are checked in the order they were added.
///
/// `values` may be NULL when `n_values` is 0 (presence only). An unknown `match_mode` or
/// text that is not UTF-8 is `JWTGUARD_INVALID_PARAMETER`; an empty name or a separator
/// longer than 16 bytes makes `jwtguard_policy_builder_build()` fail (`POLICY_INVALID`).
///
/// # Safety
/// `builder` is NULL or a live builder handle; `name` and `separator` are each NULL (only
/// with length 0) or point to that many readable bytes; `values` is NULL (only with
/// `n_values` 0) or points to `n_values` readable `jwtguard_slice`s, each valid as that
/// type describes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_add_required_claim(
    builder: *mut jwtguard_policy_builder,
    name: *const c_char,
    name_len: usize,
    values: *const jwtguard_slice,
    n_values: usize,
    match_mode: jwtguard_match,
    separator: *const c_char,
    separator_len: usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on; no fallback.
    unsafe {
        jwtguard_policy_builder_add_required_claim_or(
            builder,
            name,
            name_len,
            values,
            n_values,
            match_mode,
            separator,
            separator_len,
            ptr::null(),
            0,
        )
    }
}

/// Same as `jwtguard_policy_builder_add_required_claim()`, with a fallback claim: where the
/// token has no claim `name`, the rule checks claim `fallback` instead (NULL or length 0:
/// none). APIM's client-application check is one: `azp` in v2.0 Microsoft Entra tokens,
/// `appid` in v1.0 tokens. Failures name `name`.
///
/// # Safety
/// As `jwtguard_policy_builder_add_required_claim()`; `fallback` is NULL (only with
/// `fallback_len` 0) or points to `fallback_len` readable bytes.
#[no_mangle]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn jwtguard_policy_builder_add_required_claim_or(
    builder: *mut jwtguard_policy_builder,
    name: *const c_char,
    name_len: usize,
    values: *const jwtguard_slice,
    n_values: usize,
    match_mode: jwtguard_match,
    separator: *const c_char,
    separator_len: usize,
    fallback: *const c_char,
    fallback_len: usize,
) -> jwtguard_result {
    let read = || {
        // SAFETY: the caller's contract for `name`, `separator` and `fallback`.
        let (name, separator, fallback) = unsafe {
            (
                input_str(name, name_len, "name")?,
                input_str(separator, separator_len, "separator")?,
                input_str(fallback, fallback_len, "fallback")?,
            )
        };
        // SAFETY: the caller's contract for `values`.
        let values = unsafe { input_strings(values, n_values, "values", "values[i].data") }?;
        let match_ = match match_mode {
            JWTGUARD_MATCH_ALL => Match::All,
            JWTGUARD_MATCH_ANY => Match::Any,
            _ => return Err(Fail::arg_invalid("match_mode", "is not JWTGUARD_MATCH_ALL or JWTGUARD_MATCH_ANY")),
        };
        Ok(move |p: PolicyBuilder| {
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let separator = (!separator.is_empty()).then_some(separator);
            let claim = RequiredClaim { name, values: &values, match_, separator };
            if fallback.is_empty() {
                p.require_claim(claim)
            } else {
                p.require_claim_or(claim, fallback)
            }
        })
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { set(builder, read) }
}

/// Allows tokens whose header `typ` is `token_type`, compared as RFC 7515 media types
/// (ASCII case-insensitive, `application/` optional): `at+jwt` for RFC 9068 access
/// tokens, which tells them from ID tokens of the same issuer and audience. May be
/// called repeatedly; any listed type suffices. With none (the default) `typ` is not
/// checked; a token whose `typ` is not listed fails with `JWTGUARD_TOKEN_TYPE_NOT_ALLOWED`.
///
/// # Safety
/// `builder` is NULL or a live builder handle; `token_type` is NULL (only with length 0)
/// or points to `token_type_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_add_token_type(
    builder: *mut jwtguard_policy_builder,
    token_type: *const c_char,
    token_type_len: usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { add_text(builder, token_type, token_type_len, "token_type", PolicyBuilder::token_type) }
}

/// Allows tokens of Microsoft Entra tenant `tenant_id` (compared ASCII case-insensitively
/// with the token's `tid`) where a multi-tenant issuer such as
/// `https://login.microsoftonline.com/{tenantid}/v2.0` matched. May be called repeatedly.
/// A policy with a multi-tenant issuer needs at least one allowed tenant, or
/// `jwtguard_policy_builder_any_tenant()`, else `build` fails (`POLICY_INVALID`). Exact
/// issuers are not affected.
///
/// # Safety
/// `builder` is NULL or a live builder handle; `tenant_id` is NULL (only with length 0)
/// or points to `tenant_id_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_add_allowed_tenant(
    builder: *mut jwtguard_policy_builder,
    tenant_id: *const c_char,
    tenant_id_len: usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract, passed on.
    unsafe { add_text(builder, tenant_id, tenant_id_len, "tenant_id", PolicyBuilder::allowed_tenant) }
}

/// Lets a multi-tenant issuer accept the tokens of every tenant: only for an application
/// any organization may sign in to, whose own code decides per tenant (`tid`).
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_any_tenant(builder: *mut jwtguard_policy_builder) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, |p| p.any_tenant()) }
}

/// Seconds of tolerance for `exp` and `nbf` (default 0).
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_set_clock_skew(
    builder: *mut jwtguard_policy_builder,
    seconds: u64,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, |p| p.clock_skew(seconds)) }
}

/// Whether a token without `exp` is rejected (default true).
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_set_require_expiration_time(
    builder: *mut jwtguard_policy_builder,
    required: bool,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, |p| p.require_expiration_time(required)) }
}

/// The algorithms tokens may use, as a mask of `JWTGUARD_ALG_*` flags (default
/// `JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256`). A token's `alg` only selects among the
/// allowed algorithms that its key supports. Allow only what the issuer signs with; the
/// HMAC flags (`JWTGUARD_ALG_HS*`) only for a key set of shared secrets loaded with
/// `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`. Unknown bits are `JWTGUARD_INVALID_PARAMETER`; an
/// empty mask makes `build` fail (`POLICY_INVALID`).
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_set_algorithms(
    builder: *mut jwtguard_policy_builder,
    algorithms: u32,
) -> jwtguard_result {
    let read = || {
        let list: Vec<Algorithm> = Algorithm::ALL.into_iter().filter(|a| algorithms & alg_flag(*a) != 0).collect();
        if u32::from(AlgorithmSet::of(&list).bits()) != algorithms {
            return Err(Fail::arg_invalid("algorithms", "has bits that are not JWTGUARD_ALG_* flags"));
        }
        Ok(move |p: PolicyBuilder| p.algorithms(&list))
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { set(builder, read) }
}

/// The `JWTGUARD_ALG_*` flag of `alg`.
fn alg_flag(alg: Algorithm) -> u32 {
    u32::from(alg.bit())
}

/// Returns the JOSE name of the algorithm of one `JWTGUARD_ALG_*` flag, e.g. `"RS256"`
/// for `JWTGUARD_ALG_RS256` (a static string: never free it); NULL when `flag` is 0,
/// holds several bits, or a bit no algorithm has. Calling it for each bit from
/// `1 << 0` to `1 << 31` lists every algorithm this library implements.
#[no_mangle]
pub extern "C" fn jwtguard_algorithm_name(flag: u32) -> *const c_char {
    guard_value(ptr::null(), || {
        Algorithm::ALL.iter().find(|a| alg_flag(**a) == flag).map_or(ptr::null(), |alg| alg.c_name().as_ptr())
    })
}

/// Returns the `JWTGUARD_ALG_*` flag of the algorithm with the JOSE name `name`, compared
/// exactly (case-sensitive: `"RS256"`, `"EdDSA"`); 0 for any other text (`"none"`,
/// `"rs256"`, text that is not UTF-8, NULL with a non-zero length).
///
/// # Safety
/// `name` is NULL (only with `name_len` 0) or points to `name_len` readable bytes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_algorithm_from_name(name: *const c_char, name_len: usize) -> u32 {
    guard_value(0, || {
        // SAFETY: the caller's contract for `name`.
        let Ok(name) = (unsafe { input_str(name, name_len, "name") }) else { return 0 };
        Algorithm::from_name(name).map_or(0, alg_flag)
    })
}

/// Longest accepted token in bytes (default 16384), checked before anything else; 0
/// makes `build` fail.
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_set_max_token_len(
    builder: *mut jwtguard_policy_builder,
    max_token_len: usize,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, move |p| p.max_token_len(max_token_len)) }
}

/// When a token's `kid` names no key, try every compatible key instead of failing with
/// `JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND` (APIM's behaviour for inline issuer keys).
/// Default false.
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_set_kid_miss_fallback(
    builder: *mut jwtguard_policy_builder,
    enabled: bool,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, move |p| p.kid_miss_fallback(enabled)) }
}

/// Whether a key's own `issuer` member (Microsoft Entra publishes one, with
/// `{tenantid}` filled from the token's `tid`) must equal the token's `iss`. Default
/// true.
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_set_check_key_issuer(
    builder: *mut jwtguard_policy_builder,
    enabled: bool,
) -> jwtguard_result {
    // SAFETY: the caller's contract for `builder`.
    unsafe { change(builder, move |p| p.check_key_issuer(enabled)) }
}

/// Validates the collected rules and returns a policy in `*out` (free it with
/// `jwtguard_policy_free()`). The builder is not consumed: it can be changed and built
/// again, and must still be freed.
///
/// Fails with `JWTGUARD_POLICY_INVALID` naming the first problem in `detail` (no
/// audience and no `any_audience`, no issuer and no `any_issuer`, an empty value, no
/// algorithm, too many entries, ...), or with the code of the first setter that failed
/// on this builder. On failure `*out` is set to NULL.
///
/// # Safety
/// `builder` is NULL or a live builder handle; `out` is NULL or valid for writing one
/// pointer; `detail` is NULL or valid for writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_policy_builder_build(
    builder: *const jwtguard_policy_builder,
    out: *mut *const jwtguard_policy,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let make = || {
        // SAFETY: the caller's contract for `builder`.
        let builder = unsafe { handle(builder, "builder") }?;
        Ok(new_shared(jwtguard_policy { policy: builder.state.get()?.clone().build()? }))
    };
    // SAFETY: the caller's contract for `out` and `detail`.
    unsafe { make_handle(out, ptr::null(), detail, detail_cap, make) }
}

/// Returns another reference to the same policy (the reference count goes up). Free
/// each reference once with `jwtguard_policy_free()`. Returns the same pointer, or NULL
/// when `policy` is NULL.
///
/// # Safety
/// `policy` is NULL or a live policy handle.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_policy_clone(policy: *const jwtguard_policy) -> *const jwtguard_policy {
    // SAFETY: the caller's contract, which is `clone_shared`'s.
    unsafe { clone_shared(policy) }
}

/// Releases one reference to a policy; it is freed with the last reference. NULL is
/// ignored.
///
/// # Safety
/// `policy` is NULL or a live policy handle that the caller owns and does not use again.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_free(policy: *const jwtguard_policy) {
    // SAFETY: the caller's contract, which is `free_shared`'s.
    unsafe { free_shared(policy) }
}

#[cfg(test)]
mod tests {
    use jwtguard_core::Algorithm;

    #[test]
    fn every_algorithm_has_one_distinct_flag_in_bit_order() {
        for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
            assert_eq!(super::alg_flag(alg), 1 << i, "{alg}");
        }
        assert_eq!(Algorithm::ALL.len(), 14, "a new algorithm needs its JWTGUARD_ALG_* flag");
    }
}
