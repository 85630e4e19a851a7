//! Prepared public keys on AWS-LC (the `aws-lc` feature).
//!
//! Security contract: only keys that already passed jwtguard's own validation in
//! [`crate::jwk`] reach this module; AWS-LC parses them once into a prepared key and a
//! refusal by AWS-LC is one more reason to reject the key, never to accept it. A
//! verification failure carries no detail.

use aws_lc_rs::digest::{Digest, SHA256};
use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};

/// A public key parsed by AWS-LC, ready to verify SHA-256 signatures.
#[derive(Clone, Debug)]
pub(crate) struct NativeKey(ParsedPublicKey);

impl NativeKey {
    /// An RSASSA-PKCS1-v1_5 / SHA-256 key from its big-endian modulus and exponent.
    pub(crate) fn rsa_pkcs1_sha256(n: &[u8], e: &[u8]) -> Option<NativeKey> {
        RsaPublicKeyComponents { n, e }.to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256).ok().map(NativeKey)
    }

    /// An ECDSA P-256 / SHA-256 key (JWS fixed-width `r || s` signatures) from an
    /// uncompressed SEC1 point.
    pub(crate) fn ecdsa_p256_sha256(point: &[u8; 65]) -> Option<NativeKey> {
        ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point).ok().map(NativeKey)
    }

    /// True when `signature` is valid over the SHA-256 `digest`.
    pub(crate) fn verify_sha256(&self, digest: &[u8; 32], signature: &[u8]) -> bool {
        match Digest::import_less_safe(digest, &SHA256) {
            Ok(digest) => self.0.verify_digest_sig(&digest, signature).is_ok(),
            Err(_) => false,
        }
    }
}
