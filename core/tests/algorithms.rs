//! Every algorithm beyond RS256/ES256 against independent tokens
//! (`fixtures/algorithms.json`, minted by PyJWT/`cryptography`): for each of RS384,
//! RS512, PS256, PS384, PS512, ES384, EdDSA, HS256, HS384 and HS512, a token verifies
//! with the right key (named by `kid`, and found without one), and fails with the
//! wrong key, with a header naming another algorithm, with one signature bit flipped,
//! and under a policy that does not allow the algorithm. Each case states its exact
//! reason; the table of kinds below is checked against the file.

mod support;

use jwtguard_core::{verify, verify_owned, Algorithm, DEFAULT_MAX_TOKEN_LEN};
use support::fixtures::FixtureFile;

/// The case kinds each algorithm has, with the reason expected for every algorithm
/// (`None`: depends on the algorithm, see `wrong_alg`).
const KINDS: [(&str, Option<&str>); 6] = [
    ("valid", Some("valid")),
    ("wrong_key", Some("TokenSignatureInvalid")),
    ("wrong_alg", None),
    ("flipped_bit", Some("TokenSignatureInvalid")),
    ("not_allowed", Some("TokenAlgorithmNotAllowed")),
    ("without_kid_valid", Some("valid")),
];

/// What a header naming another algorithm (signature made with the real one) gets:
/// a key that supports the named algorithm finds the signature invalid; a key that
/// cannot do it is a mismatch.
fn wrong_alg(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::ES384 | Algorithm::EdDSA | Algorithm::HS256 => "TokenAlgorithmKeyMismatch",
        _ => "TokenSignatureInvalid",
    }
}

const NEW: [Algorithm; 10] = [
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES384,
    Algorithm::EdDSA,
    Algorithm::HS256,
    Algorithm::HS384,
    Algorithm::HS512,
];

#[test]
fn every_new_algorithm_has_every_case_kind_with_its_expected_reason() {
    let file = FixtureFile::load("algorithms.json");
    let cases = file.cases();
    assert_eq!(cases.len(), NEW.len() * KINDS.len());
    let mut checked = 0;
    for alg in NEW {
        for (kind, expect) in KINDS {
            let name = format!("{}_{kind}", alg.name().to_lowercase());
            let case = file.case(&name);
            assert_eq!(case.expect, Some(expect.unwrap_or_else(|| wrong_alg(alg))), "{name}");
            checked += 1;
        }
    }
    assert_eq!(checked, 60);
}

#[test]
fn every_case_gets_its_expected_reason() {
    let file = FixtureFile::load("algorithms.json");
    let mut tally = std::collections::BTreeMap::<&str, usize>::new();
    for case in file.cases() {
        let keys = case.keys().unwrap_or_else(|e| panic!("{}: key set failed to load: {e}", case.name));
        let policy = case.policy();
        let mut scratch = vec![0u8; DEFAULT_MAX_TOKEN_LEN];
        let got = match verify(case.token.as_bytes(), &keys, &policy, case.now, &mut scratch) {
            Ok(token) => {
                // The header's algorithm is the one that verified.
                let alg = Algorithm::from_name(&case.name[..5].to_uppercase().replace("EDDSA", "EdDSA"));
                assert_eq!(Some(token.header().alg()), alg, "{}", case.name);
                "valid"
            }
            Err(e) => e.reason().name(),
        };
        assert_eq!(Some(got), case.expect, "{}: {}", case.name, case.description);
        // The owned form decides alike.
        let owned = verify_owned(case.token.as_bytes(), &keys, &policy, case.now)
            .map_or_else(|e| e.reason().name(), |_| "valid");
        assert_eq!(owned, got, "{}", case.name);
        *tally.entry(got).or_default() += 1;
    }
    println!("{tally:?}");
    assert_eq!(tally.get("valid"), Some(&20));
    assert_eq!(tally.get("TokenAlgorithmNotAllowed"), Some(&10));
    assert_eq!(tally.get("TokenAlgorithmKeyMismatch"), Some(&3));
    assert_eq!(tally.get("TokenSignatureInvalid"), Some(&(10 + 10 + 7)));
}

#[test]
fn without_the_symmetric_opt_in_the_oct_keys_are_refused() {
    let file = FixtureFile::load("algorithms.json");
    let mut checked = 0;
    for case in file.cases() {
        let loaded = jwtguard_core::KeySet::from_json(&case.jwks);
        if case.name.starts_with("hs") {
            // The symmetric set holds only oct keys: nothing loads, and the error says why.
            let err = loaded.expect_err("oct keys without the opt-in");
            assert_eq!(err.reason(), jwtguard_core::Reason::KeySetNoUsableKey, "{}", case.name);
            assert!(err.detail().contains("allow_symmetric"), "{}: {err}", case.name);
        } else {
            // The asymmetric set loads alike with or without the opt-in.
            let keys = loaded.expect("the asymmetric keys load");
            assert_eq!(keys.len(), case.keys().unwrap().len());
        }
        checked += 1;
    }
    assert_eq!(checked, 60);
}

/// Names and bits are stable API (the C ABI exports them): every algorithm has its
/// bit, in the order of `Algorithm::ALL`, and its name as a C string too.
#[test]
fn names_and_bits_are_stable() {
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        assert_eq!(alg.bit(), 1 << i, "{alg}");
        assert_eq!(alg.c_name().to_str(), Ok(alg.name()));
        assert_eq!(Algorithm::from_name(alg.name()), Some(alg));
    }
    assert_eq!(jwtguard_core::AlgorithmSet::DEFAULT.bits(), 0b11, "RS256 and ES256");
    assert_eq!(jwtguard_core::AlgorithmSet::SYMMETRIC.bits(), 0b1110_0000_0000);
    assert_eq!(jwtguard_core::AlgorithmSet::ASYMMETRIC.bits(), 0b11_0001_1111_1111, "with ES512 and Ed25519");
}
