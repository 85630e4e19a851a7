//! Shared test data: identifiers, the RSA test key, ES256 token minting, and readers of
//! a translated policy's rules.
#![allow(dead_code)]

use jwtguard_core::Match;
use jwtguard_policy::{ApimPolicy, Error, ErrorKind, ParseOptions};
use p256::ecdsa::{signature::Signer, Signature, SigningKey};

/// A directory (tenant) ID.
pub const TENANT: &str = "6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b";
/// The backend application's client id (the API being protected).
pub const BACKEND_APP: &str = "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8";
/// A client application allowed to call the API.
pub const CLIENT_APP: &str = "2d7c9e41-5a6b-4c8d-9e0f-1a2b3c4d5e6f";

/// A 32-byte HMAC secret, base64: the shortest jwtguard-core loads (HS256).
pub const HMAC_KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

const RSA_FILE: &str = include_str!("../data/rsa2048-public.txt");

fn rsa_member(name: &str) -> &'static str {
    let prefix = format!("{name}=");
    RSA_FILE.lines().find_map(|l| l.strip_prefix(prefix.as_str())).expect("member in the test key file")
}

/// The RSA-2048 test key's modulus, base64url.
pub fn rsa_n() -> &'static str {
    rsa_member("n")
}

/// The RSA-2048 test key's exponent, base64url.
pub fn rsa_e() -> &'static str {
    rsa_member("e")
}

/// Translates `xml` with the default options; panics with the error on failure.
pub fn translate(xml: &str) -> ApimPolicy {
    ApimPolicy::from_xml(xml).unwrap_or_else(|e| panic!("translation failed: {e}"))
}

/// Translates `xml`, expecting a refusal.
pub fn refuse(xml: &str) -> Error {
    refuse_with(xml, &ParseOptions::default())
}

/// Translates `xml` with `options`, expecting a refusal.
pub fn refuse_with(xml: &str, options: &ParseOptions) -> Error {
    match ApimPolicy::from_xml_with(xml, options) {
        Ok(p) => panic!("expected a refusal, got {p:?}"),
        Err(e) => e,
    }
}

/// Asserts kind, element and attribute of a refusal.
pub fn assert_refusal(e: &Error, kind: ErrorKind, element: &str, attribute: Option<&str>) {
    assert_eq!(e.kind(), kind, "{e}");
    assert_eq!(e.location().element(), element, "{e}");
    assert_eq!(e.location().attribute(), attribute, "{e}");
    assert!(e.location().line() > 0 || element.is_empty(), "{e}");
}

/// base64url without padding.
pub fn b64url(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(A[((v >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// The fixed P-256 key that signs test tokens.
pub fn signing_key() -> SigningKey {
    SigningKey::from_slice(&[0x3c; 32]).expect("valid scalar")
}

/// The signing key as a JWK set with kid `test-ec`.
pub fn es256_jwks() -> String {
    let point = signing_key().verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    format!(
        r#"{{"keys":[{{"kty":"EC","crv":"P-256","use":"sig","kid":"test-ec","x":"{}","y":"{}"}}]}}"#,
        b64url(&bytes[1..33]),
        b64url(&bytes[33..65])
    )
}

/// An ES256 token with kid `test-ec` and the given JSON payload.
pub fn es256_token(payload: &str) -> String {
    let header = b64url(br#"{"alg":"ES256","typ":"JWT","kid":"test-ec"}"#);
    let input = format!("{header}.{}", b64url(payload.as_bytes()));
    let signature: Signature = signing_key().sign(input.as_bytes());
    format!("{input}.{}", b64url(&signature.to_bytes()))
}

/// A required claim as the core policy holds it: name, values, match, separator.
pub type Claim = (String, Vec<String>, Match, Option<String>);

/// The core policy's required claims, in order.
pub fn claims(p: &ApimPolicy) -> Vec<Claim> {
    p.policy()
        .required_claims()
        .map(|(name, values, m, sep)| {
            (name.to_string(), values.iter().map(str::to_string).collect(), m, sep.map(str::to_string))
        })
        .collect()
}

/// A [`Claim`] to compare with.
pub fn claim(name: &str, values: &[&str], m: Match, sep: Option<&str>) -> Claim {
    (name.to_string(), values.iter().map(|v| v.to_string()).collect(), m, sep.map(str::to_string))
}

/// The core policy's audiences.
pub fn audiences(p: &ApimPolicy) -> Vec<&str> {
    p.policy().audiences().collect()
}

/// The core policy's issuers.
pub fn issuers(p: &ApimPolicy) -> Vec<&str> {
    p.policy().issuers().collect()
}

/// Each note as `location: message`.
pub fn note_texts(p: &ApimPolicy) -> Vec<String> {
    p.notes().iter().map(|n| n.to_string()).collect()
}
