//! jsonwebtoken with its RustCrypto backend, in the same criterion groups as
//! `verify.rs`. A separate binary because jsonwebtoken's CryptoProvider is installed
//! once per process (`CryptoProvider::install_default`), and `verify.rs` installs the
//! aws-lc-rs one.

use std::hint::black_box;

use criterion::Criterion;
use jwtguard_benches::*;

fn verify(c: &mut Criterion) {
    let fixture = Fixture::load();
    for (group_name, case_name) in CASES {
        let case = fixture.case(case_name);
        let token = case.token.as_str();
        let name = "jsonwebtoken-rust-crypto";
        let mut verifier = check_token_verifier(name, &fixture, case, |p| Jsonwebtoken::new(&fixture, p));
        let mut group = c.benchmark_group(group_name);
        group.bench_function(name, |b| b.iter(|| verifier.verify(black_box(token)).expect("verifies")));
        group.finish();
    }
}

fn main() {
    install_jsonwebtoken_backend(JsonwebtokenBackend::RustCrypto);
    let mut c = Criterion::default().configure_from_args();
    verify(&mut c);
    c.final_summary();
}
