//! core/README.md's third Rust example: a verifier that decrypts encrypted tokens (the
//! `jwe` feature). Run with `cargo run -p jwtguard-core --features jwe --example jwe`:
//! it verifies a token jwcrypto encrypted (`tests/fixtures/jwe.json`).

// README example start
use jwtguard_core::jwe::DecryptionKeys;
use jwtguard_core::{Error, KeySet, Policy, Trust, Verifier};

fn subject(private_jwks: &[u8], signing_jwks: &[u8], token: &[u8], now: u64) -> Result<String, Error> {
    let policy = Policy::builder().audience("api://jwe").issuer("https://issuer.example/").build()?;
    let verifier = Verifier::builder(policy)
        .fixed_keys(KeySet::from_json(signing_jwks)?, Trust::PolicyIssuers)
        // RSA, EC or oct keys with their private members; never mixed with signing keys.
        .decryption_keys(DecryptionKeys::from_jwks(private_jwks)?)
        .build()?;
    // An encrypted token is decrypted, then the signed JWT inside it is verified.
    let verdict = verifier.verify(token, now)?;
    Ok(verdict.token.claims().string("sub").map(|s| s.chars().collect()).unwrap_or_default())
}
// README example end

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwe.json");
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(path).expect("jwe.json")).expect("JSON");
    let json = |v: &serde_json::Value| serde_json::to_vec(v).expect("JSON");
    let token = doc["cases"][0]["token"].as_str().expect("a token");
    let now = doc["now"].as_u64().expect("now") + 10;
    let sub = subject(&json(&doc["decryption_keys"]), &json(&doc["signing_keys"]), token.as_bytes(), now);
    println!("{}: sub = {:?}", doc["cases"][0]["name"], sub);
    assert_eq!(sub.as_deref(), Ok("user-1"));
}
