//! The portable backend: RustCrypto's `rsa`, `p256`, `p384`, `p521`, `ed25519-dalek` and
//! `hmac`, pure Rust and `no_std`.
//!
//! Security contract: only keys that passed jwtguard's own validation in
//! [`crate::jwk`] are prepared here; the caller has checked the signature length and
//! that the key supports the algorithm. A key verifies only its own algorithms: an
//! ES256 key never answers for ES384, an HMAC secret never for a signature.

use crate::alg::Algorithm;
use crate::backend::KeyKind;
use crate::backend::Verify;
use crate::signed::Signed;

/// A key prepared by RustCrypto.
#[derive(Clone, Debug)]
pub(crate) enum PortableKey {
    /// The RS256 verifier (its DigestInfo prefix computed once: RS256 is the hot path);
    /// the other RSA algorithms use the public key inside it.
    #[cfg(feature = "rs")]
    Rsa { key: rsa::pkcs1v15::VerifyingKey<sha2::Sha256>, bits: usize },
    #[cfg(feature = "es256")]
    EcP256(p256::ecdsa::VerifyingKey),
    #[cfg(feature = "es384")]
    EcP384(p384::ecdsa::VerifyingKey),
    #[cfg(feature = "es512")]
    EcP521(p521::ecdsa::VerifyingKey),
    #[cfg(feature = "eddsa")]
    Ed25519(ed25519_dalek::VerifyingKey),
    #[cfg(feature = "hmac")]
    Hmac(crate::signed::Secret),
}

impl PortableKey {
    /// The key type and size.
    pub(crate) fn kind(&self) -> KeyKind {
        match self {
            #[cfg(feature = "rs")]
            PortableKey::Rsa { bits, .. } => KeyKind::Rsa { bits: *bits },
            #[cfg(feature = "es256")]
            PortableKey::EcP256(_) => KeyKind::EcP256,
            #[cfg(feature = "es384")]
            PortableKey::EcP384(_) => KeyKind::EcP384,
            #[cfg(feature = "es512")]
            PortableKey::EcP521(_) => KeyKind::EcP521,
            #[cfg(feature = "eddsa")]
            PortableKey::Ed25519(_) => KeyKind::Ed25519,
            #[cfg(feature = "hmac")]
            PortableKey::Hmac(secret) => KeyKind::Oct { bytes: secret.bytes().len() },
        }
    }
}

impl Verify for PortableKey {
    fn verify(&self, alg: Algorithm, signed: &Signed<'_>, signature: &[u8]) -> bool {
        #[cfg(any(feature = "es256", feature = "es384", feature = "es512", feature = "rs"))]
        use signature::hazmat::PrehashVerifier;
        match self {
            #[cfg(feature = "rs")]
            PortableKey::Rsa { key: rs256, .. } => {
                let digest = signed.digest();
                let key: &rsa::PublicKey = rs256.as_ref();
                let verified = match alg {
                    Algorithm::RS256 => {
                        return match rsa::pkcs1v15::Signature::try_from(signature) {
                            Ok(sig) => rs256.verify_prehash(digest, &sig).is_ok(),
                            Err(_) => false,
                        }
                    }
                    Algorithm::RS384 => key.pkcs1v15_verify_prehash::<sha2::Sha384>(digest, signature),
                    Algorithm::RS512 => key.pkcs1v15_verify_prehash::<sha2::Sha512>(digest, signature),
                    // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
                    Algorithm::PS256 => key.pss_verify_prehash::<sha2::Sha256>(digest, signature),
                    Algorithm::PS384 => key.pss_verify_prehash::<sha2::Sha384>(digest, signature),
                    Algorithm::PS512 => key.pss_verify_prehash::<sha2::Sha512>(digest, signature),
                    _ => return false,
                };
                verified.is_ok()
            }
            #[cfg(feature = "es256")]
            PortableKey::EcP256(key) => match p256::ecdsa::Signature::from_slice(signature) {
                Ok(sig) => alg == Algorithm::ES256 && key.verify_prehash(signed.digest(), &sig).is_ok(),
                Err(_) => false,
            },
            #[cfg(feature = "es384")]
            PortableKey::EcP384(key) => match p384::ecdsa::Signature::from_slice(signature) {
                Ok(sig) => alg == Algorithm::ES384 && key.verify_prehash(signed.digest(), &sig).is_ok(),
                Err(_) => false,
            },
            #[cfg(feature = "es512")]
            PortableKey::EcP521(key) => match p521::ecdsa::Signature::from_slice(signature) {
                Ok(sig) => alg == Algorithm::ES512 && key.verify_prehash(signed.digest(), &sig).is_ok(),
                Err(_) => false,
            },
            #[cfg(feature = "eddsa")]
            PortableKey::Ed25519(key) => match <&[u8; 64]>::try_from(signature) {
                // Strict: rejects non-canonical s, small-order R and A (RFC 8032 §5.1.7
                // plus the checks that make the decision the same everywhere).
                Ok(bytes) => {
                    matches!(alg, Algorithm::EdDSA | Algorithm::Ed25519)
                        && key.verify_strict(signed.message(), &ed25519_dalek::Signature::from_bytes(bytes)).is_ok()
                }
                Err(_) => false,
            },
            #[cfg(feature = "hmac")]
            PortableKey::Hmac(secret) => verify_hmac(secret, alg, signed.message(), signature),
        }
    }
}

#[cfg(feature = "hmac")]
/// Portable HMAC check; the tag comparison is constant-time (`hmac`'s
/// `verify_slice`, built on `subtle`).
fn verify_hmac(secret: &crate::signed::Secret, alg: Algorithm, message: &[u8], tag: &[u8]) -> bool {
    use hmac::{KeyInit, Mac};
    fn check<M: Mac + KeyInit>(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
        match <M as KeyInit>::new_from_slice(key) {
            Ok(mut mac) => {
                mac.update(message);
                mac.verify_slice(tag).is_ok()
            }
            Err(_) => false,
        }
    }
    match alg {
        Algorithm::HS256 => check::<hmac::Hmac<sha2::Sha256>>(secret.bytes(), message, tag),
        Algorithm::HS384 => check::<hmac::Hmac<sha2::Sha384>>(secret.bytes(), message, tag),
        Algorithm::HS512 => check::<hmac::Hmac<sha2::Sha512>>(secret.bytes(), message, tag),
        _ => false,
    }
}
