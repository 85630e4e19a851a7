//! Policies: collected by a builder, validated once by `build`, then shared.

use core::ffi::c_char;
use core::ptr;
use std::sync::Arc;

use jwtguard_core::{Algorithm, AlgorithmSet, Match, Policy, RequiredClaim};

use crate::result::{jwtguard_result, Fail};
use crate::util::{free_boxed, guard, guard_detail, guard_value, handle, handle_mut, input_str, input_strings, Out};

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

/// Each `JWTGUARD_ALG_*` flag with its algorithm, in bit order.
const ALGORITHM_FLAGS: [(u32, Algorithm); 14] = [
    (JWTGUARD_ALG_RS256, Algorithm::RS256),
    (JWTGUARD_ALG_ES256, Algorithm::ES256),
    (JWTGUARD_ALG_RS384, Algorithm::RS384),
    (JWTGUARD_ALG_RS512, Algorithm::RS512),
    (JWTGUARD_ALG_PS256, Algorithm::PS256),
    (JWTGUARD_ALG_PS384, Algorithm::PS384),
    (JWTGUARD_ALG_PS512, Algorithm::PS512),
    (JWTGUARD_ALG_ES384, Algorithm::ES384),
    (JWTGUARD_ALG_EDDSA, Algorithm::EdDSA),
    (JWTGUARD_ALG_HS256, Algorithm::HS256),
    (JWTGUARD_ALG_HS384, Algorithm::HS384),
    (JWTGUARD_ALG_HS512, Algorithm::HS512),
    (JWTGUARD_ALG_ES512, Algorithm::ES512),
    (JWTGUARD_ALG_ED25519, Algorithm::Ed25519),
];

// The flags are the core's bits (cbindgen needs them written out; the core has the table).
const _: () = {
    let mut i = 0;
    while i < ALGORITHM_FLAGS.len() {
        assert!(
            ALGORITHM_FLAGS[i].0 == ALGORITHM_FLAGS[i].1.bit() as u32,
            "a JWTGUARD_ALG_* flag is not the core's bit"
        );
        i += 1;
    }
};

/// The algorithms the default policy allows: RS256 and ES256.
pub const JWTGUARD_ALG_SET_DEFAULT: u32 = JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256;
/// Every asymmetric algorithm: `JWTGUARD_ALG_RS256` to `JWTGUARD_ALG_EDDSA`,
/// `JWTGUARD_ALG_ES512` and `JWTGUARD_ALG_ED25519` (RS*, PS*, ES*, EdDSA, Ed25519), what
/// an identity provider's public keys verify.
pub const JWTGUARD_ALG_SET_ASYMMETRIC: u32 = 0x31ff;
/// `JWTGUARD_ALG_HS256`, `JWTGUARD_ALG_HS384` and `JWTGUARD_ALG_HS512`: verified only
/// with symmetric keys (shared secrets, see `JWTGUARD_KEYSET_ALLOW_SYMMETRIC`).
pub const JWTGUARD_ALG_SET_SYMMETRIC: u32 = 0xe00;

const _: () = assert!(
    JWTGUARD_ALG_SET_DEFAULT == AlgorithmSet::DEFAULT.bits() as u32
        && JWTGUARD_ALG_SET_ASYMMETRIC == AlgorithmSet::ASYMMETRIC.bits() as u32
        && JWTGUARD_ALG_SET_SYMMETRIC == AlgorithmSet::SYMMETRIC.bits() as u32,
    "a JWTGUARD_ALG_SET_* mask is not the core's set"
);

/// A borrowed UTF-8 string: `len` bytes at `data`, not necessarily NUL-terminated.
/// `data` may be NULL when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jwtguard_slice {
    /// The bytes.
    pub data: *const c_char,
    /// Their number.
    pub len: usize,
}

/// Collects the rules of a policy (opaque). Not synchronized: use it from one thread at
/// a time. Every setter copies its arguments. A setter that fails (NULL or invalid
/// argument) also makes every later `jwtguard_policy_builder_build()` fail with the
/// same code, so an ignored error can never yield a more permissive policy.
pub struct jwtguard_policy_builder {
    audiences: Vec<String>,
    any_audience: bool,
    issuers: Vec<String>,
    any_issuer: bool,
    claims: Vec<ClaimSpec>,
    clock_skew: Option<u64>,
    require_expiration_time: Option<bool>,
    algorithms: Option<Vec<Algorithm>>,
    max_token_len: Option<usize>,
    kid_miss_fallback: Option<bool>,
    check_key_issuer: Option<bool>,
    /// The first setter failure, reported again by `build`.
    problem: Option<Fail>,
}

struct ClaimSpec {
    name: String,
    values: Vec<String>,
    match_: Match,
    separator: Option<String>,
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

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<jwtguard_policy>();
};

impl jwtguard_policy_builder {
    /// Remembers the first failure of a setter and passes the outcome on.
    fn note<T>(&mut self, outcome: Result<T, Fail>) -> Result<T, Fail> {
        if let (Err(fail), None) = (&outcome, &self.problem) {
            self.problem = Some(*fail);
        }
        outcome
    }

    fn to_policy(&self) -> Result<Policy, Fail> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        let mut b = Policy::builder().audiences(self.audiences.iter().map(String::as_str));
        if self.any_audience {
            b = b.any_audience();
        }
        b = b.issuers(self.issuers.iter().map(String::as_str));
        if self.any_issuer {
            b = b.any_issuer();
        }
        for claim in &self.claims {
            let values: Vec<&str> = claim.values.iter().map(String::as_str).collect();
            b = b.require_claim(RequiredClaim {
                name: &claim.name,
                values: &values,
                match_: claim.match_,
                separator: claim.separator.as_deref(),
            });
        }
        if let Some(seconds) = self.clock_skew {
            b = b.clock_skew(seconds);
        }
        if let Some(required) = self.require_expiration_time {
            b = b.require_expiration_time(required);
        }
        if let Some(algorithms) = &self.algorithms {
            b = b.algorithms(algorithms);
        }
        if let Some(bytes) = self.max_token_len {
            b = b.max_token_len(bytes);
        }
        if let Some(enabled) = self.kid_miss_fallback {
            b = b.kid_miss_fallback(enabled);
        }
        if let Some(enabled) = self.check_key_issuer {
            b = b.check_key_issuer(enabled);
        }
        Ok(b.build()?)
    }
}

/// Runs a setter on a builder handle.
///
/// # Safety
/// `builder` is NULL or a live builder handle not used by another thread meanwhile.
unsafe fn with_builder(
    builder: *mut jwtguard_policy_builder,
    f: impl FnOnce(&mut jwtguard_policy_builder) -> Result<(), Fail>,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract.
        let b = unsafe { handle_mut(builder, "builder") }?;
        let outcome = f(b);
        b.note(outcome)
    })
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
        Box::into_raw(Box::new(jwtguard_policy_builder {
            audiences: Vec::new(),
            any_audience: false,
            issuers: Vec::new(),
            any_issuer: false,
            claims: Vec::new(),
            clock_skew: None,
            require_expiration_time: None,
            algorithms: None,
            max_token_len: None,
            kid_miss_fallback: None,
            check_key_issuer: None,
            problem: None,
        }))
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
    let body = |b: &mut jwtguard_policy_builder| {
        // SAFETY: the caller's contract for `audience`.
        let audience = unsafe { input_str(audience, audience_len, "audience") }?;
        b.audiences.push(audience.to_owned());
        Ok(())
    };
    // SAFETY: the caller's contract for `builder` and `audience`.
    unsafe { with_builder(builder, body) }
}

/// Waives the audience check. Only for tokens whose audience is checked elsewhere.
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_any_audience(
    builder: *mut jwtguard_policy_builder,
) -> jwtguard_result {
    let body = |b: &mut jwtguard_policy_builder| {
        b.any_audience = true;
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
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
    let body = |b: &mut jwtguard_policy_builder| {
        // SAFETY: the caller's contract for `issuer`.
        let issuer = unsafe { input_str(issuer, issuer_len, "issuer") }?;
        b.issuers.push(issuer.to_owned());
        Ok(())
    };
    // SAFETY: the caller's contract for `builder` and `issuer`.
    unsafe { with_builder(builder, body) }
}

/// Waives the issuer check (a key's own `issuer`, when it has one, still applies).
///
/// # Safety
/// `builder` is NULL or a live builder handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_any_issuer(builder: *mut jwtguard_policy_builder) -> jwtguard_result {
    let body = |b: &mut jwtguard_policy_builder| {
        b.any_issuer = true;
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
}

/// Adds a required claim (APIM `<required-claims>`): claim `name` must be present and,
/// when `n_values` > 0, hold the listed values as `match_mode` says (`JWTGUARD_MATCH_ALL` or
/// `JWTGUARD_MATCH_ANY`). A string claim is split by `separator` (a Unicode scalar
/// value such as `' '` for `scp`; 0 keeps it whole), an array is taken element by
/// element, numbers and booleans compare by their JSON text (`42`, `true`). Rules are
/// checked in the order they were added.
///
/// `values` may be NULL when `n_values` is 0 (presence only). An unknown `match_mode`, a
/// `separator` that is not a Unicode scalar value, or text that is not UTF-8 is
/// `JWTGUARD_INVALID_PARAMETER`.
///
/// # Safety
/// `builder` is NULL or a live builder handle; `name` is NULL (only with length 0) or
/// points to `name_len` readable bytes; `values` is NULL (only with `n_values` 0) or
/// points to `n_values` readable `jwtguard_slice`s, each valid as that type describes.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_builder_add_required_claim(
    builder: *mut jwtguard_policy_builder,
    name: *const c_char,
    name_len: usize,
    values: *const jwtguard_slice,
    n_values: usize,
    match_mode: jwtguard_match,
    separator: u32,
) -> jwtguard_result {
    let body = |b: &mut jwtguard_policy_builder| {
        // SAFETY: the caller's contract for `name`.
        let name = unsafe { input_str(name, name_len, "name") }?;
        // SAFETY: the caller's contract for `values`.
        let values = unsafe { input_strings(values, n_values, "values", "values[i].data") }?;
        let match_ = match match_mode {
            JWTGUARD_MATCH_ALL => Match::All,
            JWTGUARD_MATCH_ANY => Match::Any,
            _ => return Err(Fail::arg_invalid("match_mode", "is not JWTGUARD_MATCH_ALL or JWTGUARD_MATCH_ANY")),
        };
        let separator = match separator {
            0 => None,
            code => Some(String::from(
                char::from_u32(code).ok_or(Fail::arg_invalid("separator", "is not a Unicode scalar value"))?,
            )),
        };
        b.claims.push(ClaimSpec { name: name.to_owned(), values, match_, separator });
        Ok(())
    };
    // SAFETY: the caller's contract for every pointer.
    unsafe { with_builder(builder, body) }
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
    let body = |b: &mut jwtguard_policy_builder| {
        b.clock_skew = Some(seconds);
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
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
    let body = |b: &mut jwtguard_policy_builder| {
        b.require_expiration_time = Some(required);
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
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
    let body = |b: &mut jwtguard_policy_builder| {
        let known = ALGORITHM_FLAGS.iter().fold(0, |mask, (flag, _)| mask | flag);
        if algorithms & !known != 0 {
            return Err(Fail::arg_invalid("algorithms", "has bits that are not JWTGUARD_ALG_* flags"));
        }
        let list = ALGORITHM_FLAGS.iter().filter(|(flag, _)| algorithms & flag != 0).map(|(_, alg)| *alg).collect();
        b.algorithms = Some(list);
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
}

/// Returns the JOSE name of the algorithm of one `JWTGUARD_ALG_*` flag, e.g. `"RS256"`
/// for `JWTGUARD_ALG_RS256` (a static string: never free it); NULL when `flag` is 0,
/// holds several bits, or a bit no algorithm has. Calling it for each bit from
/// `1 << 0` to `1 << 31` lists every algorithm this library implements.
#[no_mangle]
pub extern "C" fn jwtguard_algorithm_name(flag: u32) -> *const c_char {
    guard_value(ptr::null(), || {
        ALGORITHM_FLAGS.iter().find(|(f, _)| *f == flag).map_or(ptr::null(), |(_, alg)| alg.c_name().as_ptr())
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
        Algorithm::from_name(name).map_or(0, |alg| u32::from(alg.bit()))
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
    let body = |b: &mut jwtguard_policy_builder| {
        b.max_token_len = Some(max_token_len);
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
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
    let body = |b: &mut jwtguard_policy_builder| {
        b.kid_miss_fallback = Some(enabled);
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
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
    let body = |b: &mut jwtguard_policy_builder| {
        b.check_key_issuer = Some(enabled);
        Ok(())
    };
    // SAFETY: the caller's contract for `builder`.
    unsafe { with_builder(builder, body) }
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
    let body = || {
        // SAFETY: the caller's contract for `out` and `builder`.
        let (out, builder) = unsafe { (Out::required(out, "out")?, handle(builder, "builder")) };
        out.set(ptr::null());
        let policy = builder?.to_policy()?;
        out.set(Arc::into_raw(Arc::new(jwtguard_policy { policy })));
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
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
    guard_value(ptr::null(), || {
        if policy.is_null() || !policy.is_aligned() {
            return ptr::null();
        }
        // SAFETY: a live handle was created by `Arc::into_raw` and holds a strong
        // reference the caller has not given up, so the count is at least 1.
        unsafe { Arc::increment_strong_count(policy) };
        policy
    })
}

/// Releases one reference to a policy; it is freed with the last reference. NULL is
/// ignored.
///
/// # Safety
/// `policy` is NULL or a live policy handle that the caller owns and does not use again.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_policy_free(policy: *const jwtguard_policy) {
    guard_value((), || {
        if policy.is_null() || !policy.is_aligned() {
            return;
        }
        // SAFETY: a live handle was created by `Arc::into_raw`; the caller gives up the
        // strong reference it owns.
        unsafe { Arc::decrement_strong_count(policy) };
    })
}

#[cfg(test)]
mod tests {
    use super::ALGORITHM_FLAGS;
    use jwtguard_core::Algorithm;

    #[test]
    fn every_algorithm_has_one_distinct_flag_in_bit_order() {
        assert_eq!(ALGORITHM_FLAGS.len(), Algorithm::ALL.len());
        for (i, ((flag, alg), core)) in ALGORITHM_FLAGS.iter().zip(Algorithm::ALL).enumerate() {
            assert_eq!(*flag, 1 << i, "{alg}");
            assert_eq!(*alg, core, "the flags follow Algorithm::ALL");
        }
    }
}
