//! Result codes: the core's reasons (same names, same numbers) plus codes about how a
//! function was called (1000 and up), the static strings that render them, and the
//! failures of entry points. Depends on nothing else in this crate (the C functions
//! that render codes are in `result_text`).

use core::ffi::CStr;
use core::fmt;

use jwtguard_core::{Error, Reason};

/// What a jwtguard function returns: `JWTGUARD_OK` (0) or why it failed.
///
/// Codes 1 to 999 are the core's reasons, with the same names and numbers in every
/// jwtguard layer (Rust, C, nginx, Python); they never change meaning and retired codes
/// are never reused. Codes from 1000 are about how a function was called.
/// `jwtguard_result_name()` and `jwtguard_result_message()` render any code.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum jwtguard_result {
    /// Success.
    JWTGUARD_OK = 0,
    // The core's reasons, generated from `jwtguard_core::Reason` (its docs, names and
    // codes); tests/result_codes.rs checks this block and rewrites it when run with
    // JWTGUARD_BLESS=1.
    // BEGIN REASONS
    /// No token was supplied (empty input).
    JWTGUARD_TOKEN_NOT_PRESENT = 1,
    /// The token is longer than the configured maximum; nothing else was examined.
    JWTGUARD_TOKEN_TOO_LARGE = 2,
    /// Not a well-formed compact JWS: segment count, base64url, or JSON of header/payload.
    JWTGUARD_TOKEN_MALFORMED = 3,
    /// The header asks for a feature jwtguard refuses (`crit`, `b64`, `zip`, `enc`,
    /// embedded `jwk`, `jku`, `x5u`).
    JWTGUARD_TOKEN_HEADER_UNSUPPORTED = 4,
    /// The header's `alg` is not one jwtguard implements (including `none`).
    JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED = 5,
    /// The header's `alg` is implemented but the policy does not allow it.
    JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED = 6,
    /// No key in the key set matches the token's `kid`/`x5t` (refresh the key set).
    JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND = 7,
    /// The key named by the token cannot be used with the token's `alg`.
    JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH = 8,
    /// The signature does not verify.
    JWTGUARD_TOKEN_SIGNATURE_INVALID = 9,
    /// A registered claim has the wrong JSON type or an out-of-range value
    /// (`exp`/`nbf`/`iat` not a NumericDate, `aud` not a string or array of strings, ...).
    JWTGUARD_TOKEN_CLAIM_MALFORMED = 10,
    /// The policy requires `exp` and the token has none.
    JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING = 11,
    /// `exp <= now - clock_skew`.
    JWTGUARD_TOKEN_EXPIRED = 12,
    /// `nbf > now + clock_skew`.
    JWTGUARD_TOKEN_NOT_YET_VALID = 13,
    /// No audience in the token is allowed by the policy.
    JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED = 14,
    /// The token's issuer is not allowed by the policy (or not the signing key's issuer).
    JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED = 15,
    /// A claim the policy requires is absent.
    JWTGUARD_TOKEN_CLAIM_NOT_FOUND = 16,
    /// A required claim is present but its value is not allowed.
    JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED = 17,
    /// The policy lists token types (`typ`, e.g. RFC 9068's `at+jwt`) and the token's
    /// header names none of them, or has no `typ`.
    JWTGUARD_TOKEN_TYPE_NOT_ALLOWED = 18,
    /// An encrypted token (JWE) could not be decrypted: no decryption key has its
    /// `kid`, or the key, the tag, the padding or the key wrap did not check out (one
    /// reason and detail for all of these, so the answer is no oracle).
    JWTGUARD_TOKEN_DECRYPTION_FAILED = 19,
    /// The key set is not valid JSON of the expected shape.
    JWTGUARD_KEY_SET_MALFORMED = 100,
    /// The key set is over the size or key-count limit.
    JWTGUARD_KEY_SET_TOO_LARGE = 101,
    /// The key set holds no key jwtguard can verify with.
    JWTGUARD_KEY_SET_NO_USABLE_KEY = 102,
    /// Two usable keys share one `kid`, or a usable key shares its `kid` with a key that
    /// failed to load (which of them the provider signs with is unknown).
    JWTGUARD_KEY_SET_DUPLICATE_KID = 103,
    /// A key member is missing, of the wrong type, or not valid base64.
    JWTGUARD_KEY_MALFORMED = 104,
    /// A key's type, curve, `use`, `key_ops` or `alg` makes it unusable for verification
    /// (also: a symmetric `oct` key when the key options do not allow symmetric keys,
    /// or beside asymmetric keys).
    JWTGUARD_KEY_UNSUPPORTED = 105,
    /// An RSA modulus shorter than 2048 bits, or an HMAC key shorter than its hash
    /// output (RFC 7518 §3.2: 32, 48, 64 bytes).
    JWTGUARD_KEY_TOO_SMALL = 106,
    /// An RSA modulus longer than 8192 bits, or an HMAC key longer than 256 bytes.
    JWTGUARD_KEY_TOO_LARGE = 107,
    /// An RSA public exponent that is even, 1, too small or too large.
    JWTGUARD_KEY_EXPONENT_INVALID = 108,
    /// Key material that is not a valid public key (EC point not on the curve, ...).
    JWTGUARD_KEY_INVALID = 109,
    /// The policy is inconsistent or over capacity.
    JWTGUARD_POLICY_INVALID = 200,
    // END REASONS
    /// A required pointer argument is NULL (or a NULL pointer came with a non-zero length).
    JWTGUARD_NULL_PARAMETER = 1000,
    /// An argument is invalid: text that is not UTF-8, an unknown enum or flag value, a
    /// length over `PTRDIFF_MAX`, a misaligned pointer, an index out of range.
    JWTGUARD_INVALID_PARAMETER = 1001,
    /// The output buffer is too small: nothing was written, `*out_len` holds the length
    /// needed (without the terminating NUL).
    JWTGUARD_BUFFER_TOO_SMALL = 1002,
    /// The verified token has no such claim (or header parameter).
    JWTGUARD_CLAIM_NOT_PRESENT = 1003,
    /// The claim's JSON type cannot be returned by this function.
    JWTGUARD_CLAIM_WRONG_TYPE = 1004,
    /// An internal error (a Rust panic) was caught at the C boundary; outputs are unset.
    JWTGUARD_PANIC = 1005,
    /// The claim (or `kid`) is not exported as text: it holds a control character (CR,
    /// LF, NUL, ...), or a joined array would be ambiguous (an element holds the
    /// separator). Such a value must never reach an HTTP header or a log line; its raw
    /// JSON text is still available from `jwtguard_token_claim_json()`.
    JWTGUARD_CLAIM_UNSAFE = 1006,
}

use jwtguard_result::*;

/// Name and message of each code that is not a core reason.
const CALL_TEXTS: [(jwtguard_result, &CStr, &CStr); 8] = [
    (JWTGUARD_OK, c"Ok", c"success"),
    (JWTGUARD_NULL_PARAMETER, c"NullParameter", c"a required pointer argument is NULL"),
    (
        JWTGUARD_INVALID_PARAMETER,
        c"InvalidParameter",
        c"an argument is invalid (not UTF-8, out of range, or an unknown value)",
    ),
    (JWTGUARD_BUFFER_TOO_SMALL, c"BufferTooSmall", c"the output buffer is too small (retry with *out_len + 1 bytes)"),
    (JWTGUARD_CLAIM_NOT_PRESENT, c"ClaimNotPresent", c"the token has no such claim"),
    (JWTGUARD_CLAIM_WRONG_TYPE, c"ClaimWrongType", c"the claim's JSON type cannot be returned this way"),
    (JWTGUARD_PANIC, c"Panic", c"internal error: a panic was caught at the C boundary"),
    (
        JWTGUARD_CLAIM_UNSAFE,
        c"ClaimUnsafe",
        c"the claim holds a control character, or its joined array would be ambiguous",
    ),
];

impl jwtguard_result {
    /// Every result code, in code order.
    pub const ALL: &'static [jwtguard_result] = &[
        JWTGUARD_OK,
        // The core's reasons, generated like the enum's block.
        // BEGIN REASONS
        JWTGUARD_TOKEN_NOT_PRESENT,
        JWTGUARD_TOKEN_TOO_LARGE,
        JWTGUARD_TOKEN_MALFORMED,
        JWTGUARD_TOKEN_HEADER_UNSUPPORTED,
        JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED,
        JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED,
        JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND,
        JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH,
        JWTGUARD_TOKEN_SIGNATURE_INVALID,
        JWTGUARD_TOKEN_CLAIM_MALFORMED,
        JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING,
        JWTGUARD_TOKEN_EXPIRED,
        JWTGUARD_TOKEN_NOT_YET_VALID,
        JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED,
        JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED,
        JWTGUARD_TOKEN_CLAIM_NOT_FOUND,
        JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED,
        JWTGUARD_TOKEN_TYPE_NOT_ALLOWED,
        JWTGUARD_TOKEN_DECRYPTION_FAILED,
        JWTGUARD_KEY_SET_MALFORMED,
        JWTGUARD_KEY_SET_TOO_LARGE,
        JWTGUARD_KEY_SET_NO_USABLE_KEY,
        JWTGUARD_KEY_SET_DUPLICATE_KID,
        JWTGUARD_KEY_MALFORMED,
        JWTGUARD_KEY_UNSUPPORTED,
        JWTGUARD_KEY_TOO_SMALL,
        JWTGUARD_KEY_TOO_LARGE,
        JWTGUARD_KEY_EXPONENT_INVALID,
        JWTGUARD_KEY_INVALID,
        JWTGUARD_POLICY_INVALID,
        // END REASONS
        JWTGUARD_NULL_PARAMETER,
        JWTGUARD_INVALID_PARAMETER,
        JWTGUARD_BUFFER_TOO_SMALL,
        JWTGUARD_CLAIM_NOT_PRESENT,
        JWTGUARD_CLAIM_WRONG_TYPE,
        JWTGUARD_PANIC,
        JWTGUARD_CLAIM_UNSAFE,
    ];

    /// The numeric code.
    pub const fn code(self) -> u32 {
        self as u32
    }

    /// The result with this code, if any.
    pub fn from_code(code: u32) -> Option<jwtguard_result> {
        jwtguard_result::ALL.iter().copied().find(|r| r.code() == code)
    }

    /// The result for a core reason (the same number). Every reason has one
    /// (tests/result_codes.rs); were one missing, the failure would still be a failure,
    /// reported as an internal error.
    pub fn from_reason(reason: Reason) -> jwtguard_result {
        jwtguard_result::from_code(reason.code()).unwrap_or(JWTGUARD_PANIC)
    }

    /// The core reason with this code (codes 1 to 999).
    pub const fn reason(self) -> Option<Reason> {
        Reason::from_code(self.code())
    }

    /// The stable name: the core's `Reason::name()` for its codes (`"TokenExpired"`),
    /// `"Ok"`, `"NullParameter"`, ... for the others.
    pub fn name(self) -> &'static CStr {
        match self.reason() {
            Some(reason) => reason.c_name(),
            None => self.call_text().0,
        }
    }

    /// A static one-line message: the core's `Reason::message()` for its codes.
    pub fn message(self) -> &'static CStr {
        match self.reason() {
            Some(reason) => reason.c_message(),
            None => self.call_text().1,
        }
    }

    fn call_text(self) -> (&'static CStr, &'static CStr) {
        CALL_TEXTS.iter().find(|(code, ..)| *code == self).map_or((UNKNOWN_NAME, UNKNOWN_MESSAGE), |(_, n, m)| (n, m))
    }
}

/// Name of a code that is not a `jwtguard_result`.
pub(crate) const UNKNOWN_NAME: &CStr = c"Unknown";
/// Message of a code that is not a `jwtguard_result`.
pub(crate) const UNKNOWN_MESSAGE: &CStr = c"unknown result code";

/// A failure inside an entry point: the code returned to C and the text written to a
/// detail buffer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fail {
    pub(crate) code: jwtguard_result,
    detail: Detail,
}

#[derive(Clone, Copy, Debug)]
enum Detail {
    /// `Name: text`.
    Static(&'static str),
    /// `Name: `argument` text`.
    Arg(&'static str, &'static str),
    /// The core's `Reason: detail (claim `name`)`.
    Core(Error),
}

impl Fail {
    /// A failure with a fixed detail, rendered `Name: detail`.
    pub(crate) const fn new(code: jwtguard_result, detail: &'static str) -> Fail {
        Fail { code, detail: Detail::Static(detail) }
    }

    /// `JWTGUARD_NULL_PARAMETER`: "`arg` is NULL".
    pub(crate) const fn arg_null(arg: &'static str) -> Fail {
        Fail { code: JWTGUARD_NULL_PARAMETER, detail: Detail::Arg(arg, "is NULL") }
    }

    /// `JWTGUARD_INVALID_PARAMETER`: "`arg` <problem>".
    pub(crate) const fn arg_invalid(arg: &'static str, problem: &'static str) -> Fail {
        Fail { code: JWTGUARD_INVALID_PARAMETER, detail: Detail::Arg(arg, problem) }
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail { code: jwtguard_result::from_reason(e.reason()), detail: Detail::Core(e) }
    }
}

impl fmt::Display for Fail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = self.code.name().to_str().unwrap_or("Unknown");
        match self.detail {
            Detail::Core(e) => e.fmt(f),
            Detail::Static(text) => write!(f, "{name}: {text}"),
            Detail::Arg(arg, problem) => write!(f, "{name}: `{arg}` {problem}"),
        }
    }
}
