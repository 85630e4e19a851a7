//! A provider that signs ES256 tokens with a key from a fixed scalar (RustCrypto's
//! `p256` signer, RFC 6979), for the verifier's tests.
#![allow(dead_code)]

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};

use super::vectors::b64url;
use jwtguard_core::KeySet;

/// The time the tests verify at.
pub const NOW: u64 = 1_700_000_000;
/// Provider A's and provider B's issuers.
pub const ISSUER_A: &str = "https://a.example/";
pub const ISSUER_B: &str = "https://b.example/";

/// A provider's signing key (from a fixed scalar).
pub struct Provider {
    key: SigningKey,
}

impl Provider {
    pub fn new(seed: u8) -> Provider {
        let mut scalar = [0x11u8; 32];
        scalar[31] = seed;
        Provider { key: SigningKey::from_slice(&scalar).expect("valid scalar") }
    }

    /// The public key as a JWK, with `kid` when given.
    pub fn jwk(&self, kid: Option<&str>) -> String {
        let point = self.key.verifying_key().to_sec1_point(false);
        let bytes = point.as_bytes();
        let kid = kid.map(|k| format!(r#","kid":"{k}""#)).unwrap_or_default();
        format!(r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"{kid}}}"#, b64url(&bytes[1..33]), b64url(&bytes[33..65]))
    }

    pub fn jwks(&self, kid: Option<&str>) -> String {
        format!(r#"{{"keys":[{}]}}"#, self.jwk(kid))
    }

    pub fn keys(&self, kid: Option<&str>) -> KeySet {
        KeySet::from_json(self.jwks(kid).as_bytes()).expect("key set")
    }

    /// An ES256 token with `claims` (JSON members without braces) and header `kid`.
    pub fn token(&self, kid: Option<&str>, claims: &str) -> String {
        let kid = kid.map(|k| format!(r#","kid":"{k}""#)).unwrap_or_default();
        let header = b64url(format!(r#"{{"alg":"ES256","typ":"JWT"{kid}}}"#).as_bytes());
        let payload = b64url(format!("{{{claims}}}").as_bytes());
        let signing_input = format!("{header}.{payload}");
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        format!("{signing_input}.{}", b64url(&signature.to_bytes()))
    }

    pub fn token_for(&self, kid: Option<&str>, iss: &str) -> String {
        self.token(kid, &format!(r#""iss":"{iss}","aud":"api","exp":{}"#, NOW + 3600))
    }
}
