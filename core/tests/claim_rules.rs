//! Tokens minted by an independent implementation (PyJWT and `cryptography`, see
//! `fixtures/make_fixtures.py`): every claim rule at its boundaries. Each case names
//! the exact reason it must produce. (The attack catalogue has one test per attack in
//! `attacks.rs`.)

mod support;

use jwtguard_core::{verify, DEFAULT_MAX_TOKEN_LEN};
use support::fixtures::FixtureFile;

/// Runs every case of a fixture file; returns how many ran.
fn run_file(name: &'static str) -> usize {
    let file = FixtureFile::load(name);
    let cases = file.cases();
    let mut failures = Vec::new();
    for case in &cases {
        let loaded = case.keys();
        if let Some(expected) = case.expect_key_set {
            let got = loaded.as_ref().map_or_else(|e| e.reason().name(), |_| "loaded");
            if got != expected {
                failures.push(format!("{}: key set expected {expected}, got {got}", case.name));
            }
            continue;
        }
        let keys = match loaded {
            Ok(k) => k,
            Err(e) => {
                failures.push(format!("{}: key set failed to load: {e}", case.name));
                continue;
            }
        };
        let mut scratch = vec![0u8; DEFAULT_MAX_TOKEN_LEN.max(case.token.len())];
        let got = match verify(case.token.as_bytes(), &keys, &case.policy(), case.now, &mut scratch) {
            Ok(_) => "valid",
            Err(e) => e.reason().name(),
        };
        let expected = case.expect.expect("a token case has an expectation");
        if got != expected {
            failures.push(format!("{}: expected {expected}, got {got}", case.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases in {name} disagree:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}

#[test]
fn claim_rules_match_independently_minted_tokens() {
    let ran = run_file("claims.json");
    assert!(ran >= 100, "expected the full rule matrix, ran {ran}");
}
