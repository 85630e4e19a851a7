//! `jwe`: encrypted tokens against decryption keys of every type (RSA, P-256, P-384,
//! and oct keys of each size, from `core/tests/fixtures/jwe.json`).
//!
//! The first byte picks how the rest is used: as a whole token, or spliced into one
//! segment of a token jwcrypto made for one of the fixture's algorithm pairs (as
//! bytes to base64url-encode, or as the segment's text). Invariants: no panic; every
//! error is a token reason; a plaintext is never longer than its token; what
//! `decrypt_signed` returns is a compact JWS.

use std::sync::OnceLock;

use base64ct::{Base64UrlUnpadded, Encoding};
use jwtguard_core::jwe::{decrypt, decrypt_signed, DecryptionKeys};

struct Fixture {
    keys: DecryptionKeys,
    tokens: Vec<String>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../../../core/tests/fixtures/jwe.json")).expect("jwe.json");
        let keys = DecryptionKeys::from_jwks(&serde_json::to_vec(&doc["decryption_keys"]).expect("JSON"))
            .expect("the fixture's decryption keys");
        let tokens = doc["cases"]
            .as_array()
            .expect("cases")
            .iter()
            .filter_map(|case| case["token"].as_str().map(String::from))
            .collect();
        Fixture { keys, tokens }
    })
}

/// The token the input describes (see the module contract).
pub fn jwe_token(data: &[u8]) -> Vec<u8> {
    let fixture = fixture();
    let Some((&mode, rest)) = data.split_first() else { return Vec::new() };
    if mode < 64 || fixture.tokens.is_empty() {
        return rest.to_vec();
    }
    let Some((&pick, rest)) = rest.split_first() else { return Vec::new() };
    let token = &fixture.tokens[usize::from(pick) % fixture.tokens.len()];
    let mut segments: Vec<String> = token.split('.').map(String::from).collect();
    let at = usize::from(mode) % segments.len();
    segments[at] =
        if mode < 160 { Base64UrlUnpadded::encode_string(rest) } else { String::from_utf8_lossy(rest).into_owned() };
    segments.join(".").into_bytes()
}

pub fn jwe(data: &[u8]) {
    let token = jwe_token(data);
    let keys = &fixture().keys;
    match decrypt(&token, keys, jwtguard_core::DEFAULT_MAX_TOKEN_LEN) {
        Ok(decrypted) => assert!(decrypted.plaintext().len() <= token.len()),
        Err(e) => assert!(e.reason().code() < 100, "{e}"),
    }
    match decrypt_signed(&token, keys, jwtguard_core::DEFAULT_MAX_TOKEN_LEN) {
        Ok(jws) => assert_eq!(jws.iter().filter(|&&b| b == b'.').count(), 2),
        Err(e) => assert!(e.reason().code() < 100, "{e}"),
    }
}
