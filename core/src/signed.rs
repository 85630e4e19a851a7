//! What a signature is checked over, shared by every backend: the signing input with
//! its digest computed once, and HMAC secrets.
//!
//! Security contract: the digest is the one the token's algorithm names, computed once
//! per token before any key is tried; an HMAC secret never shows its bytes in `Debug`.

use crate::alg::{Algorithm, Family, Hash};

/// A message prepared for one algorithm: the bytes, and their digest when the
/// algorithm signs a digest (RS*, PS*, ES*). Computed once per token, before key
/// selection, so trying several keys hashes once.
pub(crate) struct Signed<'m> {
    message: &'m [u8],
    digest: [u8; 64],
    digest_len: usize,
}

impl<'m> Signed<'m> {
    pub(crate) fn new(alg: Algorithm, message: &'m [u8]) -> Signed<'m> {
        use sha2::Digest;
        let mut digest = [0u8; 64];
        let digest_len = match alg.family() {
            // These use the message itself (Ed25519 hashes internally, HMAC keys it).
            Family::Ed25519 | Family::Hmac => 0,
            _ => {
                let hash = alg.hash();
                match hash {
                    Hash::Sha256 => digest[..32].copy_from_slice(&sha2::Sha256::digest(message)),
                    Hash::Sha384 => digest[..48].copy_from_slice(&sha2::Sha384::digest(message)),
                    Hash::Sha512 => digest.copy_from_slice(&sha2::Sha512::digest(message)),
                }
                hash.len()
            }
        };
        Signed { message, digest, digest_len }
    }

    /// The signed bytes.
    pub(crate) fn message(&self) -> &'m [u8] {
        self.message
    }

    /// Their digest under the algorithm's hash (empty for EdDSA and HMAC).
    pub(crate) fn digest(&self) -> &[u8] {
        &self.digest[..self.digest_len]
    }
}

/// Longest HMAC secret (`k` of an oct key) accepted, in bytes.
pub const MAX_OCT_BYTES: usize = 256;

/// An HMAC secret. Its `Debug` form never shows the bytes, and its bytes are wiped
/// when it is dropped.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) heapless::Vec<u8, MAX_OCT_BYTES>);

impl Drop for Secret {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl zeroize::ZeroizeOnDrop for Secret {}

impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secret({} bytes, redacted)", self.0.len())
    }
}

impl Secret {
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Overwrites the bytes with zeros (what dropping does).
    fn wipe(&mut self) {
        zeroize::Zeroize::zeroize(self.0.as_mut_slice());
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn a_secret_is_wiped_on_drop() {
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<Secret>();
        let mut secret = Secret(heapless::Vec::from_slice(&[0xa5; 32]).unwrap());
        secret.wipe();
        assert_eq!(secret.bytes(), [0u8; 32]);
    }
}
