//! `make demo`: what jwtguard decides for a series of access tokens minted by an
//! independent implementation (PyJWT; see core/tests/fixtures), and why.
//!
//! Each token is checked as an API behind Azure API Management's `validate-jwt` would
//! check it: one audience (the backend app), one issuer, `exp` required, RS256/ES256,
//! plus the case's own rule where it has one (e.g. a required scope).

#[path = "../tests/support/fixtures.rs"]
mod fixtures;

use fixtures::FixtureFile;
use jwtguard_core::verify_owned;

const STORY: &[(&str, &str)] = &[
    ("claims.json", "valid_rs256_rsa2048"),
    ("claims.json", "valid_es256_p256"),
    ("claims.json", "exp_equals_now_expired"),
    ("claims.json", "nbf_now_plus_1_not_yet_valid"),
    ("claims.json", "aud_mismatch"),
    ("claims.json", "iss_mismatch"),
    ("claims.json", "req_scp_any_one_present_valid"),
    ("claims.json", "req_scp_any_none_present"),
    ("claims.json", "exp_malformed_string"),
    ("attacks.json", "alg_none_with_kid"),
    ("attacks.json", "hs256_with_rsa_public_key_pem_as_secret"),
    ("attacks.json", "es256_header_naming_rsa_key"),
    ("attacks.json", "embedded_jwk_attacker_key"),
    ("attacks.json", "header_escaped_duplicate_alg"),
    ("attacks.json", "payload_nesting_depth_5000"),
    ("attacks.json", "weak_key_named_by_kid"),
];

fn main() {
    println!("jwtguard demo: access tokens minted by PyJWT (core/tests/fixtures), checked by jwtguard-core\n");
    println!("policy: audience api://jwtguard-test, issuer https://issuer.example/tenant/v2.0,");
    println!("        exp required, clock skew 0 s, algorithms RS256 ES256 (+ the case's required claims)\n");
    let files = [FixtureFile::load("claims.json"), FixtureFile::load("attacks.json")];
    for (file, name) in STORY {
        let Some(file) = files.iter().find(|f| f.name == *file) else { continue };
        let case = file.case(name);
        let keys = match case.keys() {
            Ok(k) => k,
            Err(e) => {
                println!("  key set refused: {e}");
                continue;
            }
        };
        if let Some(rule) = case.policy["required_claims"].as_array().and_then(|r| r.first()) {
            println!("  (this API requires claim {} to hold {} of {})", rule["name"], rule["match"], rule["values"]);
        }
        match verify_owned(case.token.as_bytes(), &keys, &case.policy(), case.now) {
            Ok(t) => {
                let claims = t.claims();
                let sub = claims.string("sub").and_then(|s| s.as_plain()).unwrap_or("-");
                println!("  ACCEPT  {}\n          sub={sub} alg={}", case.description, t.header().alg());
            }
            Err(e) => println!(
                "  REJECT  {}\n          {} (code {}): {}",
                case.description,
                e.reason().name(),
                e.reason().code(),
                e.detail()
            ),
        }
    }
    println!("\nEvery rejection maps to a stable reason name and code (core/README.md, \"Errors\").");
}
