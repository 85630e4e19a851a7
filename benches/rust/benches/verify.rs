//! jwtguard against its peers: whole-token verification (RS256-2048, RS256-4096,
//! ES256), loading the real Entra key set, and parse + claim rules alone.
//!
//! jsonwebtoken runs here with its aws-lc-rs backend; its RustCrypto backend runs in
//! `verify_jsonwebtoken_rust_crypto.rs` (a jsonwebtoken CryptoProvider is chosen once per
//! process) under the same group names. Every verifier is checked before it is timed
//! (see `jwtguard_benches::check_token_verifier` and `RawVerifier::check`).

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use jwtguard_benches::*;
use jwtguard_core::Backend;

fn bench_token<V: TokenVerifier>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, mut verifier: V, token: &str) {
    group.bench_function(name, |b| b.iter(|| verifier.verify(black_box(token)).expect("verifies")));
}

fn bench_raw<V: RawVerifier>(group: &mut BenchmarkGroup<'_, WallTime>, name: &str, case: &TokenCase) {
    let (verifier, message, signature) = V::check(name, case);
    group.bench_function(name, |b| b.iter(|| assert!(verifier.verify(black_box(&message), black_box(&signature)))));
}

/// Groups `verify-RS256-2048`, `verify-RS256-4096`, `verify-ES256`.
fn verify(c: &mut Criterion) {
    let fixture = Fixture::load();
    for (group_name, case_name) in CASES {
        let case = fixture.case(case_name);
        let token = case.token.as_str();
        let mut group = c.benchmark_group(group_name);
        for (name, backend) in [("jwtguard-portable", Backend::Portable), ("jwtguard-aws-lc", Backend::AwsLc)] {
            let verifier = check_token_verifier(name, &fixture, case, |p| Jwtguard::new(&fixture, p, backend));
            bench_token(&mut group, name, verifier, token);
        }
        let name = "jwtguard-verifier-aws-lc";
        let verifier =
            check_token_verifier(name, &fixture, case, |p| JwtguardVerifier::new(&fixture, p, Backend::AwsLc));
        bench_token(&mut group, name, verifier, token);
        let name = "jsonwebtoken-aws-lc";
        bench_token(
            &mut group,
            name,
            check_token_verifier(name, &fixture, case, |p| Jsonwebtoken::new(&fixture, p)),
            token,
        );
        let name = "jwt-compact";
        bench_token(
            &mut group,
            name,
            check_token_verifier(name, &fixture, case, |p| JwtCompact::new(&fixture, p)),
            token,
        );
        bench_raw::<RingRaw>(&mut group, "ring-raw", case);
        bench_raw::<AwsLcRaw>(&mut group, "aws-lc-rs-raw", case);
        let mut openssl = OpensslRaw::check("openssl-raw", case);
        group.bench_function("openssl-raw", |b| b.iter(|| assert!(black_box(&mut openssl).verify())));
        group.finish();
    }
}

/// Group `jwks-load-entra`: the real Entra key set (6 RSA-2048 keys with x5c
/// certificates, per-key issuer), parsed into each library's prepared keys.
fn jwks_load(c: &mut Criterion) {
    let jwks = entra_jwks();
    let jwks = jwks.as_slice();
    const KEYS: usize = 6;
    let mut group = c.benchmark_group("jwks-load-entra");
    for (name, backend) in [("jwtguard-portable", Backend::Portable), ("jwtguard-aws-lc", Backend::AwsLc)] {
        let options = jwtguard_core::KeyOptions { backend, ..Default::default() };
        let load = || jwtguard_core::KeySet::from_json_with(black_box(jwks), &options).expect("loads").len();
        assert_eq!(load(), KEYS, "{name} loads every Entra key");
        group.bench_function(name, |b| b.iter(load));
    }
    let load = || jsonwebtoken_keys(black_box(jwks)).len();
    assert_eq!(load(), KEYS, "jsonwebtoken loads every Entra key");
    group.bench_function("jsonwebtoken", |b| b.iter(load));
    let load = || jwt_compact_keys(black_box(jwks)).len();
    assert_eq!(load(), KEYS, "jwt-compact loads every Entra key");
    group.bench_function("jwt-compact", |b| b.iter(load));
    group.finish();
}

/// Group `parse-and-claims`: the RS256-2048 (Entra-sized) token without the signature.
fn parse_and_claims(c: &mut Criterion) {
    let fixture = Fixture::load();
    let case = fixture.case("rs256_2048");
    let token = case.token.as_bytes();
    let mut group = c.benchmark_group("parse-and-claims");

    // Everything jwtguard_core::verify does except SHA-256 and the signature: size,
    // segments, base64url, header rules, algorithm list, payload JSON, claim rules.
    #[cfg(feature = "unverified-parse")]
    {
        let mut op = ParseAndClaims::check(&fixture);
        group.bench_function("jwtguard", |b| b.iter(|| op.run()));
    }

    // Public API only: the strict JSON reader over the decoded payload (no base64, no
    // header, no claim rules).
    let payload = {
        use base64::Engine as _;
        let segment = case.token.split('.').nth(1).expect("payload segment");
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(segment).expect("base64url")
    };
    let parse = || jwtguard_core::json::Object::parse(black_box(&payload)).expect("payload parses").members().count();
    assert_eq!(parse(), 19, "the payload has 19 claims");
    group.bench_function("jwtguard-json-payload", |b| b.iter(parse));

    // Reference: jsonwebtoken's decode without signature or validation (header and
    // payload base64 + serde), which is all it offers without a signature.
    let decode = || jsonwebtoken::dangerous::insecure_decode::<JsonwebtokenClaims>(black_box(token)).expect("decodes");
    assert_eq!(decode().claims.oid.len(), case.oid_len());
    group.bench_function("jsonwebtoken-insecure-decode", |b| b.iter(decode));
    group.finish();
}

fn main() {
    install_jsonwebtoken_backend(JsonwebtokenBackend::AwsLc);
    let mut c = Criterion::default().configure_from_args();
    verify(&mut c);
    jwks_load(&mut c);
    parse_and_claims(&mut c);
    c.final_summary();
}
