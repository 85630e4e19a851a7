//! The fixed keys and policy the targets verify against.

use std::sync::OnceLock;

use jwtguard_core::{Backend, KeyOptions, KeySet, Match, Policy, RequiredClaim};
use p256::ecdsa::SigningKey;

/// The audience the strict policy allows.
pub const AUDIENCE: &str = "api://jwtguard-test";
/// The issuer the strict policy allows.
pub const ISSUER: &str = "https://issuer.example/tenant/v2.0";
/// The strict policy's clock skew.
pub const SKEW: u64 = 30;
/// The `kid` of the harness's own EC key (used by the structured target).
pub const FUZZ_KID: &str = "fuzz-ec";

/// The fixture key sets minted by PyJWT (core/tests/fixtures/claims.json).
fn fixture_key_set(name: &str) -> serde_json::Value {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../../core/tests/fixtures/claims.json")).expect("fixture JSON");
    doc["key_sets"][name].clone()
}

/// The fixture's `main` key set as JSON bytes.
pub fn fixture_jwks() -> &'static [u8] {
    static JWKS: OnceLock<Vec<u8>> = OnceLock::new();
    JWKS.get_or_init(|| fixture_key_set("main").to_string().into_bytes())
}

/// A fixed P-256 signing key (its scalar is arbitrary but constant).
pub fn signing_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::from_slice(&[0x5a; 32]).expect("valid scalar"))
}

fn fuzz_jwk() -> serde_json::Value {
    let point = signing_key().verifying_key().to_sec1_point(false);
    let b64 = |bytes: &[u8]| base64ct::Base64UrlUnpadded::encode_string(bytes);
    let bytes = point.as_bytes();
    serde_json::json!({"kty": "EC", "crv": "P-256", "kid": FUZZ_KID, "use": "sig",
        "x": b64(&bytes[1..33]), "y": b64(&bytes[33..65])})
}

use base64ct::Encoding as _;

/// The fixture RSA-2048, RSA-4096 and P-256 keys, plus the harness's own P-256 key, on
/// the default backend.
pub fn rs256_and_es256() -> &'static KeySet {
    rs256_and_es256_on(Backend::DEFAULT)
}

/// The [`rs256_and_es256`] key set loaded for `backend` (one of
/// [`Backend::AVAILABLE`]), once per backend.
pub fn rs256_and_es256_on(backend: Backend) -> &'static KeySet {
    static SETS: OnceLock<Vec<(Backend, KeySet)>> = OnceLock::new();
    let sets = SETS.get_or_init(|| {
        let mut set = fixture_key_set("main");
        set["keys"].as_array_mut().expect("keys").push(fuzz_jwk());
        let document = set.to_string();
        let load = |backend| {
            let options = KeyOptions { backend, ..KeyOptions::default() };
            KeySet::from_json_with(document.as_bytes(), &options).expect("fuzz key set loads")
        };
        Backend::AVAILABLE.iter().map(|&backend| (backend, load(backend))).collect()
    });
    let found = sets.iter().find(|(b, _)| *b == backend);
    &found.unwrap_or_else(|| panic!("backend {} is not compiled in", backend.name())).1
}

/// Only P-256 keys (the fixture's and the harness's): verification allocates nothing.
pub fn es256_only() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut set = fixture_key_set("main");
        let keys = set["keys"].as_array_mut().expect("keys");
        keys.retain(|k| k["kty"] == "EC");
        keys.push(fuzz_jwk());
        KeySet::from_json(set.to_string().as_bytes()).expect("ES256 key set loads")
    })
}

/// Every rule on: audience, issuer, `exp` required, skew, a required scope.
pub fn strict_policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        Policy::builder()
            .audience(AUDIENCE)
            .issuer(ISSUER)
            .clock_skew(SKEW)
            .require_claim(RequiredClaim {
                name: "scp",
                values: &["Files.Read", "Mail.Send"],
                match_: Match::Any,
                separator: Some(" "),
            })
            .build()
            .expect("strict policy")
    })
}
