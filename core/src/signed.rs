//! What a signature is checked over, shared by every backend: the signing input with
//! its digest computed once, and HMAC secrets.
//!
//! Security contract: the digest is the one the token's algorithm names, computed once
//! per token before any key is tried; an HMAC secret never shows its bytes in `Debug`.

use crate::alg::{Algorithm, Family};

/// A message prepared for one algorithm: the bytes, and their digest when the
/// algorithm signs a digest (RS*, PS*, ES*). Computed once per token, before key
/// selection, so trying several keys hashes once.
pub(crate) struct Signed<'m> {
    #[cfg_attr(not(any(feature = "eddsa", feature = "hmac")), allow(dead_code))]
    message: &'m [u8],
    #[cfg_attr(not(any(feature = "rs", feature = "es256", feature = "es384", feature = "es512")), allow(dead_code))]
    digest: [u8; 64],
    #[cfg_attr(not(any(feature = "rs", feature = "es256", feature = "es384", feature = "es512")), allow(dead_code))]
    digest_len: usize,
}

impl<'m> Signed<'m> {
    pub(crate) fn new(alg: Algorithm, message: &'m [u8]) -> Signed<'m> {
        #[allow(unused_mut)]
        let mut digest = [0u8; 64];
        let digest_len = match alg.family() {
            // These use the message itself (Ed25519 hashes internally, HMAC keys it).
            Family::Ed25519 | Family::Hmac => 0,
            // Only the hashes of the families built in are linked; a left-out algorithm
            // never gets here (refused with the token's header), and gets no digest.
            _ if !alg.is_available() => 0,
            _ => match alg.hash() {
                #[cfg(any(feature = "rs", feature = "es256"))]
                crate::alg::Hash::Sha256 => {
                    digest[..32].copy_from_slice(&<sha2::Sha256 as sha2::Digest>::digest(message));
                    32
                }
                #[cfg(any(feature = "rs", feature = "es384"))]
                crate::alg::Hash::Sha384 => {
                    digest[..48].copy_from_slice(&<sha2::Sha384 as sha2::Digest>::digest(message));
                    48
                }
                #[cfg(any(feature = "rs", feature = "es512"))]
                crate::alg::Hash::Sha512 => {
                    digest.copy_from_slice(&<sha2::Sha512 as sha2::Digest>::digest(message));
                    64
                }
                #[allow(unreachable_patterns)]
                _ => 0,
            },
        };
        Signed { message, digest, digest_len }
    }

    /// The signed bytes.
    #[cfg_attr(not(any(feature = "eddsa", feature = "hmac")), allow(dead_code))]
    pub(crate) fn message(&self) -> &'m [u8] {
        self.message
    }

    /// Their digest under the algorithm's hash (empty for EdDSA and HMAC).
    #[cfg_attr(not(any(feature = "rs", feature = "es256", feature = "es384", feature = "es512")), allow(dead_code))]
    pub(crate) fn digest(&self) -> &[u8] {
        &self.digest[..self.digest_len]
    }
}

/// Longest HMAC secret (`k` of an oct key) accepted, in bytes.
#[cfg(feature = "hmac")]
pub const MAX_OCT_BYTES: usize = 256;

/// An HMAC secret. Its `Debug` form never shows the bytes, and its bytes are wiped
/// when it is dropped.
#[cfg(feature = "hmac")]
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) heapless::Vec<u8, MAX_OCT_BYTES>);

#[cfg(feature = "hmac")]
impl Drop for Secret {
    fn drop(&mut self) {
        self.wipe();
    }
}

#[cfg(feature = "hmac")]
impl zeroize::ZeroizeOnDrop for Secret {}

#[cfg(feature = "hmac")]
impl core::fmt::Debug for Secret {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Secret({} bytes, redacted)", self.0.len())
    }
}

#[cfg(feature = "hmac")]
impl Secret {
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.0
    }

    /// Overwrites the bytes with zeros (what dropping does).
    fn wipe(&mut self) {
        zeroize::Zeroize::zeroize(self.0.as_mut_slice());
    }
}

#[cfg(all(test, feature = "hmac"))]
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
