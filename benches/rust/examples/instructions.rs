//! Runs one benchmarked operation `N` times, for counting its instructions under
//! valgrind (`instructions.sh`): unlike wall time, the count does not depend on what
//! else the machine runs, so two commits compare exactly on a shared machine.
//!
//! Usage: `instructions <N> <operation>`, operation one of `parse-and-claims`,
//! `json-payload`, `verify-RS256-2048`, `verify-ES256` (jwtguard-core, AWS-LC backend).
//! The count of one operation is `(count(N) - count(0)) / N`: run 0 measures the set-up
//! (fixture, key loading with its one-time RSA modulus checks).

use std::hint::black_box;

use jwtguard_benches::{Fixture, Jwtguard, ParseAndClaims, TokenVerifier};

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: instructions <N> parse-and-claims|json-payload|verify-RS256-2048|verify-ES256";
    let n: usize = args.next().and_then(|a| a.parse().ok()).expect(usage);
    let operation = args.next().expect(usage);

    let fixture = Fixture::load();
    let rs256 = fixture.case("rs256_2048").token.clone();
    let es256 = fixture.case("es256").token.clone();
    let mut parse_and_claims = ParseAndClaims::check(&fixture);
    let payload = {
        use base64::Engine as _;
        let segment = rs256.split('.').nth(1).expect("payload segment");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(segment).expect("base64url")
    };
    let mut verifier = Jwtguard::new(&fixture, &fixture.policy, jwtguard_core::Backend::AwsLc);

    let mut checksum = 0usize;
    for _ in 0..n {
        checksum += match operation.as_str() {
            "parse-and-claims" => {
                parse_and_claims.run();
                1
            }
            "json-payload" => {
                jwtguard_core::json::Object::parse(black_box(&payload)).expect("parses").members().count()
            }
            "verify-RS256-2048" => verifier.verify(black_box(&rs256)).expect("accepted"),
            "verify-ES256" => verifier.verify(black_box(&es256)).expect("accepted"),
            _ => panic!("{usage}"),
        };
    }
    println!("{checksum}");
}
