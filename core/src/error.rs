//! The closed set of reasons a token, key set or policy is rejected.
//!
//! Security contract: every rejection carries exactly one [`Reason`] (stable name,
//! stable numeric code, shared by the Rust, C, nginx and Python layers) and a static
//! detail string naming the rule that failed. Neither ever contains key material,
//! token bytes, or the signature that was expected.

use core::ffi::CStr;
use core::fmt;

macro_rules! reasons {
    ($( $(#[doc = $doc:literal])* $name:ident = $code:literal => $apim:literal, $msg:literal; )*) => {
        /// Why verification (or loading keys, or building a policy) failed.
        ///
        /// Names and numeric codes are part of the stable API: they never change
        /// meaning, and retired codes are never reused. This table is the only one:
        /// the C ABI's codes, names, messages and header comments come from it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(u32)]
        pub enum Reason {
            $( $(#[doc = $doc])* $name = $code, )*
        }

        impl Reason {
            /// Every reason, in code order.
            pub const ALL: &'static [Reason] = &[ $( Reason::$name, )* ];

            /// The stable name, e.g. `"TokenExpired"`.
            pub const fn name(self) -> &'static str {
                match self { $( Reason::$name => stringify!($name), )* }
            }

            /// The stable numeric code.
            pub const fn code(self) -> u32 {
                self as u32
            }

            /// The reason with this code, if any.
            pub const fn from_code(code: u32) -> Option<Reason> {
                match code { $( $code => Some(Reason::$name), )* _ => None }
            }

            /// The Azure API Management `validate-jwt` error reason this maps to
            /// (APIM lumps many precise reasons into `JwtInvalid`).
            pub const fn apim_name(self) -> &'static str {
                match self { $( Reason::$name => $apim, )* }
            }

            /// A one-line, human-readable description of the reason.
            pub const fn message(self) -> &'static str {
                match self { $( Reason::$name => $msg, )* }
            }

            /// [`Reason::name`] as a C string, for C callers.
            pub const fn c_name(self) -> &'static CStr {
                match self { $( Reason::$name => {
                    const NAME: &CStr = c_str(concat!(stringify!($name), "\0"));
                    NAME
                } )* }
            }

            /// [`Reason::message`] as a C string, for C callers.
            pub const fn c_message(self) -> &'static CStr {
                match self { $( Reason::$name => {
                    const MESSAGE: &CStr = c_str(concat!($msg, "\0"));
                    MESSAGE
                } )* }
            }

            /// The documentation of the reason (the lines of its doc comment, each
            /// ending in a newline), for the documentation of other layers.
            pub const fn doc(self) -> &'static str {
                match self { $( Reason::$name => concat!($($doc, "\n"),*), )* }
            }
        }
    };
}

/// `text`, which ends in its only NUL, as a C string (used in constants, so a text
/// that is not one fails to compile).
pub(crate) const fn c_str(text: &'static str) -> &'static CStr {
    match CStr::from_bytes_with_nul(text.as_bytes()) {
        Ok(c) => c,
        Err(_) => panic!("not a NUL-terminated text without an inner NUL"),
    }
}

reasons! {
    /// No token was supplied (empty input).
    TokenNotPresent = 1 => "TokenNotPresent", "no token was presented";
    /// The token is longer than the configured maximum; nothing else was examined.
    TokenTooLarge = 2 => "JwtInvalid", "token exceeds the maximum allowed size";
    /// Not a well-formed compact JWS: segment count, base64url, or JSON of header/payload.
    TokenMalformed = 3 => "JwtInvalid", "token is not a well-formed compact JWS";
    /// The header asks for a feature jwtguard refuses (`crit`, `b64`, `zip`, `enc`,
    /// embedded `jwk`, `jku`, `x5u`).
    TokenHeaderUnsupported = 4 => "JwtInvalid", "token header uses an unsupported or unsafe parameter";
    /// The header's `alg` is not one jwtguard implements (including `none`).
    TokenAlgorithmNotSupported = 5 => "JwtInvalid", "token algorithm is not supported";
    /// The header's `alg` is implemented but the policy does not allow it.
    TokenAlgorithmNotAllowed = 6 => "JwtInvalid", "token algorithm is not allowed by the policy";
    /// No key in the key set matches the token's `kid`/`x5t` (refresh the key set).
    TokenSignatureKeyNotFound = 7 => "TokenSignatureKeyNotFound", "no signing key matches the token";
    /// The key named by the token cannot be used with the token's `alg`.
    TokenAlgorithmKeyMismatch = 8 => "TokenSignatureInvalid", "token algorithm does not match the signing key";
    /// The signature does not verify.
    TokenSignatureInvalid = 9 => "TokenSignatureInvalid", "token signature is invalid";
    /// A registered claim has the wrong JSON type or an out-of-range value
    /// (`exp`/`nbf`/`iat` not a NumericDate, `aud` not a string or array of strings, ...).
    TokenClaimMalformed = 10 => "JwtInvalid", "a token claim is malformed";
    /// The policy requires `exp` and the token has none.
    TokenExpirationTimeMissing = 11 => "JwtInvalid", "token has no expiration time";
    /// `exp <= now - clock_skew`.
    TokenExpired = 12 => "TokenExpired", "token has expired";
    /// `nbf > now + clock_skew`.
    TokenNotYetValid = 13 => "JwtInvalid", "token is not yet valid";
    /// No audience in the token is allowed by the policy.
    TokenAudienceNotAllowed = 14 => "TokenAudienceNotAllowed", "token audience is not allowed";
    /// The token's issuer is not allowed by the policy (or not the signing key's issuer).
    TokenIssuerNotAllowed = 15 => "TokenIssuerNotAllowed", "token issuer is not allowed";
    /// A claim the policy requires is absent.
    TokenClaimNotFound = 16 => "TokenClaimNotFound", "a required claim is missing";
    /// A required claim is present but its value is not allowed.
    TokenClaimValueNotAllowed = 17 => "TokenClaimValueNotAllowed", "a required claim has a value that is not allowed";
    /// The policy lists token types (`typ`, e.g. RFC 9068's `at+jwt`) and the token's
    /// header names none of them, or has no `typ`.
    TokenTypeNotAllowed = 18 => "JwtInvalid", "token type (typ) is not allowed by the policy";
    /// An encrypted token (JWE) could not be decrypted: no decryption key has its
    /// `kid`, or the key, the tag, the padding or the key wrap did not check out (one
    /// reason and detail for all of these, so the answer is no oracle).
    TokenDecryptionFailed = 19 => "JwtInvalid", "token could not be decrypted";

    /// The key set is not valid JSON of the expected shape.
    KeySetMalformed = 100 => "JwtInvalid", "key set is not a well-formed JWK or JWK set";
    /// The key set is over the size or key-count limit.
    KeySetTooLarge = 101 => "JwtInvalid", "key set exceeds the size or key-count limit";
    /// The key set holds no key jwtguard can verify with.
    KeySetNoUsableKey = 102 => "JwtInvalid", "key set contains no usable signing key";
    /// Two usable keys share one `kid`, or a usable key shares its `kid` with a key that
    /// failed to load (which of them the provider signs with is unknown).
    KeySetDuplicateKid = 103 => "JwtInvalid", "key set contains two keys with the same kid";
    /// A key member is missing, of the wrong type, or not valid base64.
    KeyMalformed = 104 => "JwtInvalid", "a key is malformed";
    /// A key's type, curve, `use`, `key_ops` or `alg` makes it unusable for verification
    /// (also: a symmetric `oct` key when the key options do not allow symmetric keys,
    /// or beside asymmetric keys).
    KeyUnsupported = 105 => "JwtInvalid", "a key is not usable for signature verification";
    /// An RSA modulus shorter than 2048 bits, or an HMAC key shorter than its hash
    /// output (RFC 7518 §3.2: 32, 48, 64 bytes).
    KeyTooSmall = 106 => "JwtInvalid", "a key is shorter than the minimum (RSA 2048 bits, HMAC the hash length)";
    /// An RSA modulus longer than 8192 bits, or an HMAC key longer than 256 bytes.
    KeyTooLarge = 107 => "JwtInvalid", "a key is longer than the supported maximum";
    /// An RSA public exponent that is even, 1, too small or too large.
    KeyExponentInvalid = 108 => "JwtInvalid", "an RSA public exponent is not acceptable";
    /// Key material that is not a valid public key (EC point not on the curve, ...).
    KeyInvalid = 109 => "JwtInvalid", "a key is not a valid public key";

    /// The policy is inconsistent or over capacity.
    PolicyInvalid = 200 => "JwtInvalid", "the verification policy is invalid";
}

/// A rejection: the stable [`Reason`] plus a static detail naming the rule.
///
/// `detail` is chosen from fixed strings inside jwtguard; claim names from the policy
/// are available separately through [`Error::claim`] so messages can name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    reason: Reason,
    detail: &'static str,
    claim: Option<ClaimName>,
}

/// A short claim name copied from the policy (never from the token), for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClaimName {
    bytes: [u8; ClaimName::CAPACITY],
    len: u8,
}

impl ClaimName {
    /// Longest claim name kept for messages; longer names are cut on a char boundary.
    pub const CAPACITY: usize = 64;

    pub(crate) fn new(name: &str) -> ClaimName {
        let mut len = name.len().min(Self::CAPACITY);
        while !name.is_char_boundary(len) {
            len -= 1;
        }
        let mut bytes = [0u8; Self::CAPACITY];
        bytes[..len].copy_from_slice(&name.as_bytes()[..len]);
        ClaimName { bytes, len: len as u8 }
    }

    /// The claim name.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl Error {
    /// A token longer than the policy's maximum (decided on the length alone). Callers
    /// that check the length before handing over the bytes (the C ABI) use this too.
    pub const TOKEN_TOO_LARGE: Error = Error::new(Reason::TokenTooLarge, "token exceeds the maximum allowed size");

    /// A key set document longer than its maximum (decided on the length alone).
    pub const KEY_SET_TOO_LARGE: Error = Error::new(Reason::KeySetTooLarge, "key set document exceeds the size limit");

    /// An error with a static detail.
    pub const fn new(reason: Reason, detail: &'static str) -> Error {
        Error { reason, detail, claim: None }
    }

    pub(crate) fn with_claim(reason: Reason, detail: &'static str, claim: &str) -> Error {
        Error { reason, detail, claim: Some(ClaimName::new(claim)) }
    }

    /// The stable reason.
    pub const fn reason(&self) -> Reason {
        self.reason
    }

    /// The fixed detail naming the rule that failed.
    pub const fn detail(&self) -> &'static str {
        self.detail
    }

    /// The policy claim the failure concerns, if any.
    pub fn claim(&self) -> Option<&str> {
        self.claim.as_ref().map(|c| c.as_str())
    }
}

impl From<Reason> for Error {
    fn from(reason: Reason) -> Error {
        Error::new(reason, reason.message())
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Error {
    /// `Reason: detail` or `Reason: detail (claim `name`)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.reason.name(), self.detail)?;
        if let Some(c) = self.claim() {
            write!(f, " (claim `{c}`)")?;
        }
        Ok(())
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(feature = "std")]
impl std::error::Error for Reason {}
