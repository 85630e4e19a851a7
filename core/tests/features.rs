//! A build with algorithm families left out (jwtguard-core's cargo features `rs`,
//! `es256`, `es384`, `es512`, `eddsa`, `hmac`) verifies what it has and refuses the rest
//! exactly as it refuses an algorithm that does not exist. For every algorithm:
//! - built in: published tokens (RFC 7515 A.1-A.4, RFC 8037 A.4) and tokens minted by
//!   PyJWT (`fixtures/algorithms.json`) verify with their keys;
//! - left out: each of its keys is `KeyUnsupported`; a token naming it gets the reason
//!   and the detail of a token naming `XX999`; a policy allowing it is `PolicyInvalid`
//!   and names the feature.
//!
//! `scripts/test` runs this file under several feature sets (ES256 only, EdDSA only, no
//! RSA, RSA only, HMAC only, the default); it uses only API that every build has.

#[path = "support/rfc7515.rs"]
mod rfc7515;
#[path = "support/vectors.rs"]
mod vectors;

use jwtguard_core::jws::{self, JwsRules};
use jwtguard_core::{Algorithm, AlgorithmSet, Error, KeyOptions, KeySet, Policy, Reason};
use serde_json::Value;

/// Whether this build has `alg`, stated from the features independently of the library.
fn built_in(alg: Algorithm) -> bool {
    use Algorithm::*;
    match alg {
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => cfg!(feature = "rs"),
        ES256 => cfg!(feature = "es256"),
        ES384 => cfg!(feature = "es384"),
        ES512 => cfg!(feature = "es512"),
        EdDSA | Ed25519 => cfg!(feature = "eddsa"),
        HS256 | HS384 | HS512 => cfg!(feature = "hmac"),
    }
}

/// The algorithms of a JWK's type and curve, from its `kty` and `crv`.
fn family_of(jwk: &Value) -> &'static [Algorithm] {
    use Algorithm::*;
    match (jwk["kty"].as_str(), jwk["crv"].as_str()) {
        (Some("RSA"), _) => &[RS256, RS384, RS512, PS256, PS384, PS512],
        (Some("EC"), Some("P-256")) => &[ES256],
        (Some("EC"), Some("P-384")) => &[ES384],
        (Some("EC"), Some("P-521")) => &[ES512],
        (Some("OKP"), Some("Ed25519")) => &[EdDSA, Ed25519],
        (Some("oct"), _) => &[HS256, HS384, HS512],
        other => panic!("a test key of an unexpected type: {other:?}"),
    }
}

/// A token, the algorithm its header names and the JWK that signed it.
struct Vector {
    name: String,
    alg: Algorithm,
    token: String,
    jwk: Value,
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("test JSON parses")
}

fn header(token: &str) -> Value {
    serde_json::from_slice(&vectors::b64url_decode(token.split('.').next().unwrap())).expect("token header is JSON")
}

/// Every vector: the published ones, and PyJWT's valid token of each algorithm.
fn vectors() -> Vec<Vector> {
    use rfc7515::*;
    let mut all: Vec<Vector> = [
        ("RFC 7515 A.1", A1_HS256, A1_JWK),
        ("RFC 7515 A.2", A2_RS256, A2_JWK),
        ("RFC 7515 A.3", A3_ES256, A3_JWK),
        ("RFC 7515 A.4", A4_ES512, A4_JWK),
        ("RFC 8037 A.4", RFC8037_A4, RFC8037_JWK),
    ]
    .into_iter()
    .map(|(name, token, jwk)| Vector { name: name.into(), alg: alg_of(token), token: token.into(), jwk: json(jwk) })
    .collect();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/algorithms.json");
    let file = json(&std::fs::read_to_string(path).expect("algorithms.json is readable"));
    let named_valid = |c: &&Value| c["name"].as_str().unwrap().split_once('_').is_some_and(|(_, kind)| kind == "valid");
    for case in file["cases"].as_array().unwrap().iter().filter(named_valid) {
        let token = case["token"].as_str().unwrap();
        let set = &file["key_sets"][case["key_set"].as_str().unwrap()]["keys"];
        let kid = header(token)["kid"].clone();
        let jwk = set.as_array().unwrap().iter().find(|k| k["kid"] == kid).expect("the token's key is in its set");
        let name = case["name"].as_str().unwrap().into();
        all.push(Vector { name, alg: alg_of(token), token: token.into(), jwk: jwk.clone() });
    }
    all
}

fn alg_of(token: &str) -> Algorithm {
    Algorithm::from_name(header(token)["alg"].as_str().unwrap()).expect("a known algorithm")
}

fn options() -> KeyOptions {
    KeyOptions { allow_symmetric: true, ..KeyOptions::default() }
}

fn load(jwk: &Value) -> Result<KeySet, Error> {
    KeySet::from_json_with(jwk.to_string().as_bytes(), &options())
}

fn jws_outcome(token: &str, keys: &KeySet, algorithms: AlgorithmSet) -> Result<Algorithm, Error> {
    let mut scratch = vec![0u8; jws::scratch_len(token.len())];
    let rules = JwsRules { algorithms, ..JwsRules::default() };
    jws::verify(token.as_bytes(), keys, &rules, &mut scratch).map(|v| v.header().alg())
}

#[test]
fn the_library_and_this_file_agree_on_what_the_build_has() {
    for alg in Algorithm::ALL {
        assert_eq!(alg.is_available(), built_in(alg), "{alg}");
        assert_eq!(AlgorithmSet::AVAILABLE.contains(alg), built_in(alg), "{alg}");
    }
    // Every algorithm has a vector, so each one is checked below.
    let vectors = vectors();
    for alg in Algorithm::ALL.into_iter().filter(|a| *a != Algorithm::Ed25519) {
        assert!(vectors.iter().any(|v| v.alg == alg), "no vector for {alg}");
    }
}

#[test]
fn every_algorithm_built_in_verifies_its_tokens() {
    let mut verified = 0;
    for v in vectors().iter().filter(|v| built_in(v.alg)) {
        let keys = load(&v.jwk).unwrap_or_else(|e| panic!("{}: key refused: {e}", v.name));
        assert_eq!(
            jws_outcome(&v.token, &keys, AlgorithmSet::EMPTY.with(v.alg)).map_err(|e| e.to_string()),
            Ok(v.alg),
            "{}",
            v.name
        );
        verified += 1;
    }
    let expected = Algorithm::ALL.into_iter().filter(|a| built_in(*a) && *a != Algorithm::Ed25519).count();
    assert!(verified >= expected, "{verified} tokens verified, fewer than the {expected} algorithms built in");
}

#[test]
fn the_keys_of_a_family_left_out_are_unsupported() {
    for v in vectors() {
        let family = family_of(&v.jwk);
        match load(&v.jwk) {
            Ok(_) => assert!(family.iter().any(|a| built_in(*a)), "{}: loaded though left out", v.name),
            Err(e) => {
                assert!(family.iter().all(|a| !built_in(*a)), "{}: refused though built in: {e}", v.name);
                assert_eq!(e.reason(), Reason::KeyUnsupported, "{}: {e}", v.name);
                assert!(e.detail().contains("feature"), "{}: the detail names the feature: {e}", v.name);
            }
        }
    }
}

#[test]
fn a_token_of_an_algorithm_left_out_is_refused_as_an_unknown_one() {
    let vectors = vectors();
    let usable = vectors.iter().find(|v| built_in(v.alg)).expect("every build has an algorithm");
    let keys = load(&usable.jwk).unwrap();
    // `{"alg":"XX999"}`: an algorithm no build has.
    let unknown = jws_outcome("eyJhbGciOiJYWDk5OSJ9.e30.c2ln", &keys, AlgorithmSet::ASYMMETRIC).unwrap_err();
    assert_eq!(unknown.reason(), Reason::TokenAlgorithmNotSupported);
    let mut refused = 0;
    for v in vectors.iter().filter(|v| !built_in(v.alg)) {
        let e = jws_outcome(&v.token, &keys, AlgorithmSet::ASYMMETRIC.union(AlgorithmSet::SYMMETRIC)).unwrap_err();
        assert_eq!((e.reason(), e.detail()), (unknown.reason(), unknown.detail()), "{}", v.name);
        refused += 1;
    }
    assert_eq!(refused > 0, Algorithm::ALL.into_iter().any(|a| !built_in(a)));
}

#[test]
fn a_policy_allowing_an_algorithm_left_out_is_refused_when_built() {
    for alg in Algorithm::ALL {
        let built = Policy::builder().any_audience().any_issuer().algorithms(&[alg]).build();
        match built {
            Ok(policy) => {
                assert!(built_in(alg), "{alg}: a policy allowed it though it is left out");
                assert_eq!(policy.algorithms(), AlgorithmSet::EMPTY.with(alg));
            }
            Err(e) => {
                assert!(!built_in(alg), "{alg}: refused though built in: {e}");
                assert_eq!(e.reason(), Reason::PolicyInvalid);
                assert!(e.detail().contains(alg.feature()), "{alg}: {e}");
            }
        }
    }
}

#[test]
fn the_default_policy_allows_rs256_and_es256_where_built_in() {
    let default = [Algorithm::RS256, Algorithm::ES256];
    let expected = AlgorithmSet::of(&default.into_iter().filter(|a| built_in(*a)).collect::<Vec<_>>());
    match Policy::builder().any_audience().any_issuer().build() {
        Ok(policy) => assert_eq!(policy.algorithms(), expected),
        Err(e) => {
            assert!(expected.is_empty(), "refused though {expected:?} is built in: {e}");
            assert_eq!(e.reason(), Reason::PolicyInvalid);
        }
    }
}

#[test]
fn a_key_set_is_loaded_in_place_and_left_empty_by_a_failure() {
    let vectors = vectors();
    let usable = vectors.iter().find(|v| built_in(v.alg)).expect("every build has an algorithm");
    let document = format!(r#"{{"keys":[{}]}}"#, usable.jwk);
    let mut keys = KeySet::new();
    assert!(keys.is_empty());
    keys.load_json_with(document.as_bytes(), &options()).unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(jws_outcome(&usable.token, &keys, AlgorithmSet::EMPTY.with(usable.alg)).ok(), Some(usable.alg));
    // A failed load leaves nothing that verifies, not the previous keys.
    let e = keys.load_json_with(br#"{"keys":[{"kty":"EC"}]}"#, &options()).unwrap_err();
    assert_eq!(e.reason(), Reason::KeyMalformed);
    assert!(keys.is_empty() && keys.rejected().is_empty());
    let e = jws_outcome(&usable.token, &keys, AlgorithmSet::EMPTY.with(usable.alg)).unwrap_err();
    assert_eq!(e.reason(), Reason::TokenSignatureKeyNotFound);
    keys.load_json_with(document.as_bytes(), &options()).unwrap();
    assert_eq!(keys.len(), 1);
}
