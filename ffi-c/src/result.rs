//! Result codes: the core's reasons (same names, same numbers) plus codes about how a
//! function was called (1000 and up), and the static strings that render them.

use core::ffi::{c_char, CStr};
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
    /// No token was presented (empty input).
    JWTGUARD_TOKEN_NOT_PRESENT = 1,
    /// The token exceeds the maximum allowed size; nothing else was examined.
    JWTGUARD_TOKEN_TOO_LARGE = 2,
    /// Not a well-formed compact JWS (segments, base64url, header/payload JSON).
    JWTGUARD_TOKEN_MALFORMED = 3,
    /// The header uses `crit`, `b64`, `zip`, `enc`, an embedded `jwk`, `jku` or `x5u`.
    JWTGUARD_TOKEN_HEADER_UNSUPPORTED = 4,
    /// The header's `alg` is not implemented (including `none`).
    JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED = 5,
    /// The header's `alg` is not allowed by the policy.
    JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED = 6,
    /// No key matches the token's `kid`/`x5t` (refresh the key set, rate-limited).
    JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND = 7,
    /// The key named by the token cannot be used with the token's `alg`.
    JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH = 8,
    /// The signature does not verify.
    JWTGUARD_TOKEN_SIGNATURE_INVALID = 9,
    /// `exp`/`nbf`/`iat` not a NumericDate, or `aud`/`iss` of the wrong type.
    JWTGUARD_TOKEN_CLAIM_MALFORMED = 10,
    /// No `exp` and the policy requires one.
    JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING = 11,
    /// `exp <= now - clock_skew`.
    JWTGUARD_TOKEN_EXPIRED = 12,
    /// `nbf > now + clock_skew`.
    JWTGUARD_TOKEN_NOT_YET_VALID = 13,
    /// No allowed audience in `aud`.
    JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED = 14,
    /// `iss` not allowed, or not the signing key's issuer.
    JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED = 15,
    /// A required claim is missing.
    JWTGUARD_TOKEN_CLAIM_NOT_FOUND = 16,
    /// A required claim has no allowed value.
    JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED = 17,
    /// The key set is not a JWK or JWK set of the expected shape.
    JWTGUARD_KEY_SET_MALFORMED = 100,
    /// The key set is over the size or key-count limit.
    JWTGUARD_KEY_SET_TOO_LARGE = 101,
    /// The key set holds no key usable for verification.
    JWTGUARD_KEY_SET_NO_USABLE_KEY = 102,
    /// Two usable keys share a `kid`.
    JWTGUARD_KEY_SET_DUPLICATE_KID = 103,
    /// A key member is missing, of the wrong type, or bad base64.
    JWTGUARD_KEY_MALFORMED = 104,
    /// A key's type, curve, `use`, `key_ops` or `alg` makes it unusable.
    JWTGUARD_KEY_UNSUPPORTED = 105,
    /// An RSA modulus under 2048 bits.
    JWTGUARD_KEY_TOO_SMALL = 106,
    /// An RSA modulus over 8192 bits.
    JWTGUARD_KEY_TOO_LARGE = 107,
    /// An RSA exponent that is even, 1, too small or too large.
    JWTGUARD_KEY_EXPONENT_INVALID = 108,
    /// Not a valid public key (e.g. an EC point off the curve).
    JWTGUARD_KEY_INVALID = 109,
    /// The policy is inconsistent or over capacity.
    JWTGUARD_POLICY_INVALID = 200,
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

impl jwtguard_result {
    /// Every result code, in code order.
    pub const ALL: &'static [jwtguard_result] = &[
        JWTGUARD_OK,
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

    /// The result for a core reason (the same number).
    pub const fn from_reason(reason: Reason) -> jwtguard_result {
        match reason {
            Reason::TokenNotPresent => JWTGUARD_TOKEN_NOT_PRESENT,
            Reason::TokenTooLarge => JWTGUARD_TOKEN_TOO_LARGE,
            Reason::TokenMalformed => JWTGUARD_TOKEN_MALFORMED,
            Reason::TokenHeaderUnsupported => JWTGUARD_TOKEN_HEADER_UNSUPPORTED,
            Reason::TokenAlgorithmNotSupported => JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED,
            Reason::TokenAlgorithmNotAllowed => JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED,
            Reason::TokenSignatureKeyNotFound => JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND,
            Reason::TokenAlgorithmKeyMismatch => JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH,
            Reason::TokenSignatureInvalid => JWTGUARD_TOKEN_SIGNATURE_INVALID,
            Reason::TokenClaimMalformed => JWTGUARD_TOKEN_CLAIM_MALFORMED,
            Reason::TokenExpirationTimeMissing => JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING,
            Reason::TokenExpired => JWTGUARD_TOKEN_EXPIRED,
            Reason::TokenNotYetValid => JWTGUARD_TOKEN_NOT_YET_VALID,
            Reason::TokenAudienceNotAllowed => JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED,
            Reason::TokenIssuerNotAllowed => JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED,
            Reason::TokenClaimNotFound => JWTGUARD_TOKEN_CLAIM_NOT_FOUND,
            Reason::TokenClaimValueNotAllowed => JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED,
            Reason::KeySetMalformed => JWTGUARD_KEY_SET_MALFORMED,
            Reason::KeySetTooLarge => JWTGUARD_KEY_SET_TOO_LARGE,
            Reason::KeySetNoUsableKey => JWTGUARD_KEY_SET_NO_USABLE_KEY,
            Reason::KeySetDuplicateKid => JWTGUARD_KEY_SET_DUPLICATE_KID,
            Reason::KeyMalformed => JWTGUARD_KEY_MALFORMED,
            Reason::KeyUnsupported => JWTGUARD_KEY_UNSUPPORTED,
            Reason::KeyTooSmall => JWTGUARD_KEY_TOO_SMALL,
            Reason::KeyTooLarge => JWTGUARD_KEY_TOO_LARGE,
            Reason::KeyExponentInvalid => JWTGUARD_KEY_EXPONENT_INVALID,
            Reason::KeyInvalid => JWTGUARD_KEY_INVALID,
            Reason::PolicyInvalid => JWTGUARD_POLICY_INVALID,
        }
    }

    /// The stable name: the core's `Reason::name()` for shared codes (`"TokenExpired"`),
    /// `"Ok"`, `"NullParameter"`, ... for the others.
    pub const fn name(self) -> &'static CStr {
        match self {
            JWTGUARD_OK => c"Ok",
            JWTGUARD_TOKEN_NOT_PRESENT => c"TokenNotPresent",
            JWTGUARD_TOKEN_TOO_LARGE => c"TokenTooLarge",
            JWTGUARD_TOKEN_MALFORMED => c"TokenMalformed",
            JWTGUARD_TOKEN_HEADER_UNSUPPORTED => c"TokenHeaderUnsupported",
            JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED => c"TokenAlgorithmNotSupported",
            JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED => c"TokenAlgorithmNotAllowed",
            JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND => c"TokenSignatureKeyNotFound",
            JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH => c"TokenAlgorithmKeyMismatch",
            JWTGUARD_TOKEN_SIGNATURE_INVALID => c"TokenSignatureInvalid",
            JWTGUARD_TOKEN_CLAIM_MALFORMED => c"TokenClaimMalformed",
            JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING => c"TokenExpirationTimeMissing",
            JWTGUARD_TOKEN_EXPIRED => c"TokenExpired",
            JWTGUARD_TOKEN_NOT_YET_VALID => c"TokenNotYetValid",
            JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED => c"TokenAudienceNotAllowed",
            JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED => c"TokenIssuerNotAllowed",
            JWTGUARD_TOKEN_CLAIM_NOT_FOUND => c"TokenClaimNotFound",
            JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED => c"TokenClaimValueNotAllowed",
            JWTGUARD_KEY_SET_MALFORMED => c"KeySetMalformed",
            JWTGUARD_KEY_SET_TOO_LARGE => c"KeySetTooLarge",
            JWTGUARD_KEY_SET_NO_USABLE_KEY => c"KeySetNoUsableKey",
            JWTGUARD_KEY_SET_DUPLICATE_KID => c"KeySetDuplicateKid",
            JWTGUARD_KEY_MALFORMED => c"KeyMalformed",
            JWTGUARD_KEY_UNSUPPORTED => c"KeyUnsupported",
            JWTGUARD_KEY_TOO_SMALL => c"KeyTooSmall",
            JWTGUARD_KEY_TOO_LARGE => c"KeyTooLarge",
            JWTGUARD_KEY_EXPONENT_INVALID => c"KeyExponentInvalid",
            JWTGUARD_KEY_INVALID => c"KeyInvalid",
            JWTGUARD_POLICY_INVALID => c"PolicyInvalid",
            JWTGUARD_NULL_PARAMETER => c"NullParameter",
            JWTGUARD_INVALID_PARAMETER => c"InvalidParameter",
            JWTGUARD_BUFFER_TOO_SMALL => c"BufferTooSmall",
            JWTGUARD_CLAIM_NOT_PRESENT => c"ClaimNotPresent",
            JWTGUARD_CLAIM_WRONG_TYPE => c"ClaimWrongType",
            JWTGUARD_PANIC => c"Panic",
            JWTGUARD_CLAIM_UNSAFE => c"ClaimUnsafe",
        }
    }

    /// A static one-line message: the core's `Reason::message()` for shared codes.
    pub const fn message(self) -> &'static CStr {
        match self {
            JWTGUARD_OK => c"success",
            JWTGUARD_TOKEN_NOT_PRESENT => c"no token was presented",
            JWTGUARD_TOKEN_TOO_LARGE => c"token exceeds the maximum allowed size",
            JWTGUARD_TOKEN_MALFORMED => c"token is not a well-formed compact JWS",
            JWTGUARD_TOKEN_HEADER_UNSUPPORTED => c"token header uses an unsupported or unsafe parameter",
            JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED => c"token algorithm is not supported",
            JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED => c"token algorithm is not allowed by the policy",
            JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND => c"no signing key matches the token",
            JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH => c"token algorithm does not match the signing key",
            JWTGUARD_TOKEN_SIGNATURE_INVALID => c"token signature is invalid",
            JWTGUARD_TOKEN_CLAIM_MALFORMED => c"a token claim is malformed",
            JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING => c"token has no expiration time",
            JWTGUARD_TOKEN_EXPIRED => c"token has expired",
            JWTGUARD_TOKEN_NOT_YET_VALID => c"token is not yet valid",
            JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED => c"token audience is not allowed",
            JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED => c"token issuer is not allowed",
            JWTGUARD_TOKEN_CLAIM_NOT_FOUND => c"a required claim is missing",
            JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED => c"a required claim has a value that is not allowed",
            JWTGUARD_KEY_SET_MALFORMED => c"key set is not a well-formed JWK or JWK set",
            JWTGUARD_KEY_SET_TOO_LARGE => c"key set exceeds the size or key-count limit",
            JWTGUARD_KEY_SET_NO_USABLE_KEY => c"key set contains no usable signing key",
            JWTGUARD_KEY_SET_DUPLICATE_KID => c"key set contains two keys with the same kid",
            JWTGUARD_KEY_MALFORMED => c"a key is malformed",
            JWTGUARD_KEY_UNSUPPORTED => c"a key is not usable for signature verification",
            JWTGUARD_KEY_TOO_SMALL => c"a key is shorter than the minimum (RSA 2048 bits, HMAC the hash length)",
            JWTGUARD_KEY_TOO_LARGE => c"a key is longer than the supported maximum",
            JWTGUARD_KEY_EXPONENT_INVALID => c"an RSA public exponent is not acceptable",
            JWTGUARD_KEY_INVALID => c"a key is not a valid public key",
            JWTGUARD_POLICY_INVALID => c"the verification policy is invalid",
            JWTGUARD_NULL_PARAMETER => c"a required pointer argument is NULL",
            JWTGUARD_INVALID_PARAMETER => c"an argument is invalid (not UTF-8, out of range, or an unknown value)",
            JWTGUARD_BUFFER_TOO_SMALL => c"the output buffer is too small (retry with *out_len + 1 bytes)",
            JWTGUARD_CLAIM_NOT_PRESENT => c"the token has no such claim",
            JWTGUARD_CLAIM_WRONG_TYPE => c"the claim's JSON type cannot be returned this way",
            JWTGUARD_PANIC => c"internal error: a panic was caught at the C boundary",
            JWTGUARD_CLAIM_UNSAFE => c"the claim holds a control character, or its joined array would be ambiguous",
        }
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

/// Returns the stable name of a result code, e.g. `"TokenExpired"` (the core's reason
/// name for codes below 1000), `"Ok"` for 0, `"NullParameter"`, ...; `"Unknown"` for a
/// code that is not a `jwtguard_result`. The string is static: never free it.
///
/// Takes any integer (a `jwtguard_result` converts implicitly), so a code read from a
/// log or a newer library version is safe to pass.
#[no_mangle]
pub extern "C" fn jwtguard_result_name(result: u32) -> *const c_char {
    crate::util::guard_static(UNKNOWN_NAME, || jwtguard_result::from_code(result).map_or(UNKNOWN_NAME, |r| r.name()))
}

/// Returns a static one-line, human-readable message for a result code, e.g.
/// `"token has expired"`; `"unknown result code"` for a code that is not a
/// `jwtguard_result`. Never free it. For the precise rule that failed, use the detail
/// buffer of the function that returned the code.
#[no_mangle]
pub extern "C" fn jwtguard_result_message(result: u32) -> *const c_char {
    crate::util::guard_static(UNKNOWN_MESSAGE, || {
        jwtguard_result::from_code(result).map_or(UNKNOWN_MESSAGE, |r| r.message())
    })
}
