//! Prepared keys on AWS-LC (the `aws-lc` feature).
//!
//! Security contract: only keys that already passed jwtguard's own validation in
//! [`crate::jwk`] reach this module; AWS-LC parses them once into prepared keys and a
//! refusal by AWS-LC is one more reason to reject the key, never to accept it. A
//! verification failure carries no detail. The caller has checked the signature
//! length and that the key supports the algorithm.

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::ParsedPublicKey;

use crate::alg::{Algorithm, Hash};
use crate::backend::Verify;
use crate::signed::Signed;

/// A key prepared by AWS-LC. AWS-LC binds a parsed key to one algorithm, so an RSA key
/// is parsed once per RSA algorithm it may verify.
#[derive(Clone, Debug)]
pub(crate) enum NativeKey {
    /// RS256, RS384, RS512, then PS256, PS384, PS512.
    #[cfg(feature = "rs")]
    Rsa(std::boxed::Box<[ParsedPublicKey; 6]>),
    /// ECDSA, P-256/SHA-256, P-384/SHA-384 or P-521/SHA-512 (fixed-width `r || s`).
    #[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
    Ecdsa(ParsedPublicKey),
    /// Ed25519.
    #[cfg(feature = "eddsa")]
    Ed25519(ParsedPublicKey),
    /// An HMAC secret (keyed per verification: one secret may serve several hashes).
    #[cfg(feature = "hmac")]
    Hmac(std::boxed::Box<crate::signed::Secret>),
}

#[cfg(feature = "rs")]
const RSA_ALGORITHMS: [&aws_lc_rs::signature::RsaParameters; 6] = [
    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA384,
    &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA512,
    &aws_lc_rs::signature::RSA_PSS_2048_8192_SHA256,
    &aws_lc_rs::signature::RSA_PSS_2048_8192_SHA384,
    &aws_lc_rs::signature::RSA_PSS_2048_8192_SHA512,
];

#[cfg(feature = "rs")]
fn rsa_index(alg: Algorithm) -> Option<usize> {
    Some(match alg {
        Algorithm::RS256 => 0,
        Algorithm::RS384 => 1,
        Algorithm::RS512 => 2,
        Algorithm::PS256 => 3,
        Algorithm::PS384 => 4,
        Algorithm::PS512 => 5,
        _ => return None,
    })
}

fn digest_algorithm(hash: Hash) -> &'static digest::Algorithm {
    match hash {
        Hash::Sha256 => &digest::SHA256,
        Hash::Sha384 => &digest::SHA384,
        Hash::Sha512 => &digest::SHA512,
    }
}

#[cfg(feature = "hmac")]
fn hmac_algorithm(hash: Hash) -> aws_lc_rs::hmac::Algorithm {
    match hash {
        Hash::Sha256 => aws_lc_rs::hmac::HMAC_SHA256,
        Hash::Sha384 => aws_lc_rs::hmac::HMAC_SHA384,
        Hash::Sha512 => aws_lc_rs::hmac::HMAC_SHA512,
    }
}

impl NativeKey {
    /// An RSA key (every RS* and PS* algorithm) from its big-endian modulus and exponent.
    #[cfg(feature = "rs")]
    pub(crate) fn rsa(n: &[u8], e: &[u8]) -> Option<NativeKey> {
        let components = aws_lc_rs::signature::RsaPublicKeyComponents { n, e };
        let mut parsed = RSA_ALGORITHMS.iter().map(|alg| components.to_parsed_public_key(alg).ok());
        let keys = [(); 6].map(|()| parsed.next().flatten());
        let [Some(a), Some(b), Some(c), Some(d), Some(e), Some(f)] = keys else {
            return None;
        };
        Some(NativeKey::Rsa(std::boxed::Box::new([a, b, c, d, e, f])))
    }

    /// An ECDSA P-256 / SHA-256 key from an uncompressed SEC1 point.
    #[cfg(feature = "es256")]
    pub(crate) fn ecdsa_p256(point: &[u8; 65]) -> Option<NativeKey> {
        ParsedPublicKey::new(&aws_lc_rs::signature::ECDSA_P256_SHA256_FIXED, point).ok().map(NativeKey::Ecdsa)
    }

    /// An ECDSA P-384 / SHA-384 key from an uncompressed SEC1 point.
    #[cfg(feature = "es384")]
    pub(crate) fn ecdsa_p384(point: &[u8; 97]) -> Option<NativeKey> {
        ParsedPublicKey::new(&aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED, point).ok().map(NativeKey::Ecdsa)
    }

    /// An ECDSA P-521 / SHA-512 key from an uncompressed SEC1 point.
    #[cfg(feature = "es512")]
    pub(crate) fn ecdsa_p521(point: &[u8; 133]) -> Option<NativeKey> {
        ParsedPublicKey::new(&aws_lc_rs::signature::ECDSA_P521_SHA512_FIXED, point).ok().map(NativeKey::Ecdsa)
    }

    /// An Ed25519 key from its 32-byte encoding.
    #[cfg(feature = "eddsa")]
    pub(crate) fn ed25519(x: &[u8; 32]) -> Option<NativeKey> {
        ParsedPublicKey::new(&aws_lc_rs::signature::ED25519, x).ok().map(NativeKey::Ed25519)
    }
}

impl Verify for NativeKey {
    /// True when `signature` is valid for `signed` under `alg`.
    fn verify(&self, alg: Algorithm, signed: &Signed<'_>, signature: &[u8]) -> bool {
        #[cfg_attr(not(any(feature = "rs", feature = "es256", feature = "es384", feature = "es512")), allow(unused))]
        let with_digest =
            |key: &ParsedPublicKey| match Digest::import_less_safe(signed.digest(), digest_algorithm(alg.hash())) {
                Ok(digest) => key.verify_digest_sig(&digest, signature).is_ok(),
                Err(_) => false,
            };
        match (self, alg) {
            #[cfg(feature = "rs")]
            (NativeKey::Rsa(keys), _) => rsa_index(alg).is_some_and(|i| with_digest(&keys[i])),
            #[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
            (NativeKey::Ecdsa(key), Algorithm::ES256 | Algorithm::ES384 | Algorithm::ES512) => with_digest(key),
            #[cfg(feature = "eddsa")]
            (NativeKey::Ed25519(key), Algorithm::EdDSA | Algorithm::Ed25519) => {
                key.verify_sig(signed.message(), signature).is_ok()
            }
            #[cfg(feature = "hmac")]
            (NativeKey::Hmac(secret), Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) => {
                let key = aws_lc_rs::hmac::Key::new(hmac_algorithm(alg.hash()), secret.bytes());
                aws_lc_rs::hmac::verify(&key, signed.message(), signature).is_ok()
            }
            #[allow(unreachable_patterns)]
            _ => false,
        }
    }
}
