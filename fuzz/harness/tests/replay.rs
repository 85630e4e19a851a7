//! Replays every committed corpus file (fuzz/corpus/<target>/*) through the target
//! bodies on stable Rust, so a regression shows in `make test` without fuzzing.

use std::path::PathBuf;

use arbitrary::{Arbitrary, Unstructured};
use jwtguard_fuzz_harness as harness;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("corpus {} missing: {e}", dir.display()))
        .map(|entry| entry.expect("corpus entry").path())
        .collect();
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read(&p).expect("corpus file"))).collect()
}

fn replay(target: &str, body: impl Fn(&[u8])) {
    let files = corpus(target);
    assert!(files.len() >= 10, "{target}: only {} corpus files", files.len());
    for (path, data) in &files {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(data)));
        assert!(outcome.is_ok(), "{target}: {} fails", path.display());
    }
    println!("{target}: replayed {} files", files.len());
}

#[test]
fn jws() {
    replay("jws", harness::jws);
}

#[test]
fn jwks() {
    replay("jwks", harness::jwks);
}

#[test]
fn verify() {
    replay("verify", harness::verify);
}

#[test]
fn claims() {
    replay("claims", harness::claims);
}

#[test]
fn json() {
    replay("json", harness::json);
}

#[test]
fn structured() {
    replay("structured", |data| {
        if let Ok(input) = harness::StructuredToken::arbitrary_take_rest(Unstructured::new(data)) {
            harness::structured(&input);
        }
    });
}

#[test]
fn ffi() {
    replay("ffi", harness::ffi);
}
