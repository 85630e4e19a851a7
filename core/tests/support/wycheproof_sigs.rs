//! Wycheproof signature-test keys turned into the JWKs users would give jwtguard.
//! Shared by `vectors_wycheproof_sigs.rs` and `backend_differential.rs`.
#![allow(dead_code)]

use super::vectors::b64url;

/// `bytes` without its leading zero bytes (JWK integers are minimal big-endian).
pub fn strip_leading_zeros(mut bytes: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

/// A big-endian integer of at most eight significant bytes as a `u64`.
pub fn small_integer(bytes: &[u8]) -> u64 {
    let bytes = strip_leading_zeros(bytes);
    assert!(bytes.len() <= 8, "integer of {} bytes does not fit a u64", bytes.len());
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// A P-256 JWK from an uncompressed SEC1 point (`04 || x || y`).
pub fn ec_p256_jwk(point: &[u8]) -> String {
    assert_eq!((point.len(), point.first()), (65, Some(&0x04)), "uncompressed SEC1 point");
    format!(r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#, b64url(&point[1..33]), b64url(&point[33..]))
}

/// An RSA JWK from a big-endian modulus and exponent (leading zeros stripped).
pub fn rsa_jwk(n: &[u8], e: &[u8]) -> String {
    format!(r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#, b64url(strip_leading_zeros(n)), b64url(strip_leading_zeros(e)))
}
