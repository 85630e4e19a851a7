//! Which cryptographic implementation checks signatures.
//!
//! Security contract: the backend changes speed, never decisions. Every key is
//! validated by jwtguard's own rules (sizes, exponent, ROCA, point on the curve) before
//! any backend sees it, signatures are length-checked the same way for both, and a
//! differential test runs every fixture, published vector and fuzz corpus through both
//! backends and requires the same outcome.

use core::ffi::CStr;

use crate::alg::Algorithm;
use crate::signed::Signed;

/// What every backend's prepared key does: check one signature. The caller has
/// validated the key, checked that it supports `alg` and that the signature has the
/// only length `alg` and the key allow; a failure carries no detail.
pub(crate) trait Verify {
    /// True when `signature` verifies over `signed` with `alg`.
    fn verify(&self, alg: Algorithm, signed: &Signed<'_>, signature: &[u8]) -> bool;
}

/// A signature-verification implementation, chosen per key set through
/// [`KeyOptions::backend`](crate::KeyOptions).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Backend {
    /// RustCrypto's `rsa` and `p256`: pure Rust, `no_std`, always available.
    Portable,
    /// AWS-LC through `aws-lc-rs`: assembly-optimised RSA and P-256, several times
    /// faster. Needs the `aws-lc` cargo feature (and so `std`).
    #[cfg(feature = "aws-lc")]
    AwsLc,
}

impl Backend {
    /// The fastest backend this build has: [`Backend::AwsLc`] with the `aws-lc`
    /// feature, [`Backend::Portable`] otherwise.
    pub const DEFAULT: Backend = {
        #[cfg(feature = "aws-lc")]
        {
            Backend::AwsLc
        }
        #[cfg(not(feature = "aws-lc"))]
        {
            Backend::Portable
        }
    };

    /// Every backend compiled into this build, the default last.
    pub const AVAILABLE: &'static [Backend] = &[
        Backend::Portable,
        #[cfg(feature = "aws-lc")]
        Backend::AwsLc,
    ];

    /// A stable lower-case name: `"portable"` or `"aws-lc"`.
    pub fn name(self) -> &'static str {
        self.c_name().to_str().unwrap_or_default()
    }

    /// [`Backend::name`] as a C string (for the C ABI).
    pub const fn c_name(self) -> &'static CStr {
        match self {
            Backend::Portable => c"portable",
            #[cfg(feature = "aws-lc")]
            Backend::AwsLc => c"aws-lc",
        }
    }
}

impl Default for Backend {
    fn default() -> Self {
        Backend::DEFAULT
    }
}

/// What kind of public key a [`Key`](crate::Key) holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// An RSA key of this many modulus bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// An ECDSA key on P-256.
    EcP256,
    /// An ECDSA key on P-384.
    EcP384,
    /// An ECDSA key on P-521.
    EcP521,
    /// An Ed25519 key (`kty: "OKP"`).
    Ed25519,
    /// An HMAC secret (`kty: "oct"`) of this many bytes.
    Oct {
        /// Secret length in bytes.
        bytes: usize,
    },
}

impl KeyKind {
    /// The JWK `kty` of such a key: `"RSA"`, `"EC"`, `"OKP"` or `"oct"`.
    pub const fn kty(self) -> &'static str {
        match self {
            KeyKind::Rsa { .. } => "RSA",
            KeyKind::EcP256 | KeyKind::EcP384 | KeyKind::EcP521 => "EC",
            KeyKind::Ed25519 => "OKP",
            KeyKind::Oct { .. } => "oct",
        }
    }

    /// The JWK `crv` of such a key (`"P-256"`, `"P-384"`, `"P-521"`, `"Ed25519"`); `None` for RSA
    /// and `oct` keys, which have none.
    pub const fn curve(self) -> Option<&'static str> {
        match self {
            KeyKind::EcP256 => Some("P-256"),
            KeyKind::EcP384 => Some("P-384"),
            KeyKind::EcP521 => Some("P-521"),
            KeyKind::Ed25519 => Some("Ed25519"),
            KeyKind::Rsa { .. } | KeyKind::Oct { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::KeyKind;

    #[test]
    fn key_kinds_are_named_as_jwks_name_them() {
        let named = |k: KeyKind| (k.kty(), k.curve());
        assert_eq!(named(KeyKind::Rsa { bits: 2048 }), ("RSA", None));
        assert_eq!(named(KeyKind::EcP256), ("EC", Some("P-256")));
        assert_eq!(named(KeyKind::EcP384), ("EC", Some("P-384")));
        assert_eq!(named(KeyKind::EcP521), ("EC", Some("P-521")));
        assert_eq!(named(KeyKind::Ed25519), ("OKP", Some("Ed25519")));
        assert_eq!(named(KeyKind::Oct { bytes: 32 }), ("oct", None));
    }
}
