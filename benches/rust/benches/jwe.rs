//! Encrypted tokens: decrypt, then verify the ES256 JWT inside (signature, `iss`, `aud`,
//! `exp`), with jwtguard (the core's `Verifier`, AWS-LC) and josekit (OpenSSL), on
//! jwcrypto's tokens from `core/tests/fixtures/jwe.json`. Groups
//! `decrypt-verify-RSA-OAEP-256` and `decrypt-verify-ECDH-ES+A256KW` (A256GCM content).
//! Each verifier is checked first: it accepts the token and refuses it with one byte of
//! the ciphertext changed.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::Criterion;
use jwtguard_core::jwe::DecryptionKeys;
use jwtguard_core::{KeySet, Policy, Trust, Verifier};
use serde_json::Value;

const CASES: [(&str, &str, &str); 2] = [
    ("decrypt-verify-RSA-OAEP-256", "RSA-OAEP-256 A256GCM rsa-1", "rsa-1"),
    ("decrypt-verify-ECDH-ES+A256KW", "ECDH-ES+A256KW A256GCM p256-1", "p256-1"),
];

struct Fixture {
    doc: Value,
}

impl Fixture {
    fn load() -> Fixture {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../core/tests/fixtures/jwe.json");
        Fixture { doc: serde_json::from_slice(&std::fs::read(path).expect("jwe.json")).expect("JSON") }
    }
    fn token(&self, name: &str) -> String {
        let cases = self.doc["cases"].as_array().expect("cases");
        let case = cases.iter().find(|c| c["name"] == name).expect("the case");
        case["token"].as_str().expect("token").to_string()
    }
    fn key(&self, kid: &str) -> Value {
        let keys = self.doc["decryption_keys"]["keys"].as_array().expect("keys");
        keys.iter().find(|k| k["kid"] == kid).expect("the key").clone()
    }
    fn now(&self) -> u64 {
        self.doc["now"].as_u64().expect("now") + 10
    }
    fn claim(&self, name: &str) -> &str {
        self.doc["claims"][name].as_str().expect("claim")
    }
}

fn jwtguard(fixture: &Fixture, kid: &str) -> impl Fn(&str) -> bool {
    let policy = Policy::builder().audience(fixture.claim("aud")).issuer(fixture.claim("iss")).build().unwrap();
    let signing = KeySet::from_json(&serde_json::to_vec(&fixture.doc["signing_keys"]).unwrap()).unwrap();
    let keys = serde_json::to_vec(&serde_json::json!({ "keys": [fixture.key(kid)] })).unwrap();
    let verifier = Verifier::builder(policy)
        .fixed_keys(signing, Trust::PolicyIssuers)
        .decryption_keys(DecryptionKeys::from_jwks(&keys).unwrap())
        .build()
        .unwrap();
    let now = fixture.now();
    move |token: &str| verifier.verify(token.as_bytes(), now).is_ok()
}

fn josekit(fixture: &Fixture, kid: &str) -> impl Fn(&str) -> bool {
    let jwk = josekit::jwk::Jwk::from_bytes(serde_json::to_vec(&fixture.key(kid)).unwrap()).unwrap();
    let decrypter: Box<dyn josekit::jwe::JweDecrypter> = if kid.starts_with("rsa") {
        Box::new(josekit::jwe::RSA_OAEP_256.decrypter_from_jwk(&jwk).unwrap())
    } else {
        Box::new(josekit::jwe::ECDH_ES_A256KW.decrypter_from_jwk(&jwk).unwrap())
    };
    let signing =
        josekit::jwk::Jwk::from_bytes(serde_json::to_vec(&fixture.doc["signing_keys"]["keys"][0]).unwrap()).unwrap();
    let verifier = josekit::jws::ES256.verifier_from_jwk(&signing).unwrap();
    let mut validator = josekit::jwt::JwtPayloadValidator::new();
    validator.set_base_time(SystemTime::UNIX_EPOCH + Duration::from_secs(fixture.now()));
    validator.set_issuer(fixture.claim("iss"));
    validator.set_audience(fixture.claim("aud"));
    move |token: &str| {
        let Ok((inner, _)) = josekit::jwe::deserialize_compact(token, &*decrypter) else { return false };
        let Ok(inner) = std::str::from_utf8(&inner) else { return false };
        let Ok((payload, _)) = josekit::jwt::decode_with_verifier(inner, &verifier) else { return false };
        validator.validate(&payload).is_ok()
    }
}

/// Accepts the token, refuses it with a changed ciphertext byte.
fn checked<F: Fn(&str) -> bool>(name: &str, verify: F, token: &str) -> F {
    assert!(verify(token), "{name} does not accept the token");
    let mut parts: Vec<String> = token.split('.').map(String::from).collect();
    let flipped = if parts[3].starts_with('A') { "B" } else { "A" };
    parts[3].replace_range(0..1, flipped);
    assert!(!verify(&parts.join(".")), "{name} accepts a changed ciphertext");
    verify
}

fn decrypt_verify(c: &mut Criterion) {
    let fixture = Fixture::load();
    for (group_name, case, kid) in CASES {
        let token = fixture.token(case);
        let mut group = c.benchmark_group(group_name);
        let jwtguard = checked("jwtguard-aws-lc", jwtguard(&fixture, kid), &token);
        group.bench_function("jwtguard-aws-lc", |b| b.iter(|| assert!(jwtguard(black_box(&token)))));
        let josekit = checked("josekit", josekit(&fixture, kid), &token);
        group.bench_function("josekit", |b| b.iter(|| assert!(josekit(black_box(&token)))));
        group.finish();
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    decrypt_verify(&mut c);
    c.final_summary();
}
