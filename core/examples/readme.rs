//! The first Rust example of core/README.md, compiled by `cargo test`
//! (tests/readme_example.rs checks core/README.md shows exactly this code between the
//! markers; the project's front page shows parts of it, checked by scripts/check-docs.py).

// README example start
use jwtguard_core::{verify_owned, Error, KeySet, Match, Policy, Reason, RequiredClaim};

fn check_request(jwks: &[u8], bearer_token: &str, now: u64) -> Result<String, Error> {
    // Once, and again whenever the provider's JWKS changes: parse and validate the keys.
    let keys = KeySet::from_json(jwks)?;

    // Once: the rules of your API.
    let policy = Policy::builder()
        .audience("6e74172b-be56-4843-9ff4-e66a39bb12e3") // the backend app's client id
        .issuer("https://login.partner.microsoftonline.cn/<tenant-id>/v2.0")
        .require_claim(RequiredClaim { name: "scp", values: &["Files.Read"], match_: Match::Any, separator: Some(" ") })
        .clock_skew(60)
        .build()?;

    // Per request: `now` is Unix seconds from your clock.
    match verify_owned(bearer_token.as_bytes(), &keys, &policy, now) {
        Ok(token) => {
            let user = token.claims().string("oid").and_then(|s| s.as_plain()).unwrap_or("unknown");
            Ok(format!("hello, {user}"))
        }
        Err(e) if e.reason() == Reason::TokenSignatureKeyNotFound => {
            // Refresh the JWKS (rate-limited, e.g. once per 5 minutes) and retry once.
            Err(e)
        }
        Err(e) => Err(e), // answer 401; log `e` (reason and rule, never secrets)
    }
}
// README example end

fn main() {
    let answer = check_request(br#"{"keys":[]}"#, "not.a.token", 0);
    println!("{:?}", answer.map_err(|e| e.to_string()));
}
