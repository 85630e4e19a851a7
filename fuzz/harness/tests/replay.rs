//! Replays every committed corpus file (fuzz/corpus/<target>/*) through the target
//! bodies on stable Rust, so a regression shows in `make test` without fuzzing, and
//! keeps each committed corpus within its budget.

use std::cell::Cell;
use std::path::PathBuf;

use arbitrary::{Arbitrary, Unstructured};
use jwtguard_fuzz_harness as harness;
use jwtguard_fuzz_harness::backends;

/// The committed corpora: a minimised seed corpus per target. Campaigns run on a copy
/// under target/ (fuzz/run-campaign.sh), and `fuzz/trim_corpus.py` folds what they
/// found back into at most 400 files; the rest is room for regression inputs.
const MAX_FILES: usize = 500;
const MAX_BYTES: usize = 2 * 1024 * 1024;

/// Every corpus directory, each replayed by a test below.
const TARGETS: [&str; 10] =
    ["apim_policy", "claims", "ffi", "json", "jwe", "jwks", "jws", "sources", "structured", "verify"];

fn corpus_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = corpus_root().join(target);
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
fn corpora_stay_within_budget() {
    let mut found: Vec<String> = std::fs::read_dir(corpus_root())
        .expect("fuzz/corpus")
        .map(|entry| entry.expect("corpus entry").file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    found.sort();
    assert_eq!(found, TARGETS, "every corpus directory must be replayed here");
    for target in TARGETS {
        let files = corpus(target);
        let bytes: usize = files.iter().map(|(_, data)| data.len()).sum();
        println!("{target}: {} files, {bytes} bytes", files.len());
        assert!(
            files.len() <= MAX_FILES && bytes <= MAX_BYTES,
            "fuzz/corpus/{target} holds {} files, {bytes} bytes (at most {MAX_FILES} files, {MAX_BYTES} bytes): \
             re-minimise it with `python3 fuzz/trim_corpus.py {target}`",
            files.len()
        );
    }
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
fn jwe() {
    replay("jwe", harness::jwe);
}

#[test]
fn sources() {
    replay("sources", harness::sources);
}

#[test]
fn apim_policy() {
    replay("apim_policy", harness::apim_policy);
}

/// A `structured` corpus file as the fuzzer reads it, when it decodes.
fn structured_input(data: &[u8]) -> Option<harness::StructuredToken> {
    harness::StructuredToken::arbitrary_take_rest(Unstructured::new(data)).ok()
}

#[test]
fn structured() {
    replay("structured", |data| {
        if let Some(input) = structured_input(data) {
            harness::structured(&input);
        }
    });
}

#[test]
fn ffi() {
    replay("ffi", harness::ffi);
}

/// Replays `target`'s corpus through [`backends::compare_token`], each file turned into
/// a token by `to_token` (`None`: not a token, skipped); returns how many (file, `now`)
/// pairs both backends accepted.
fn replay_backends_token(target: &str, to_token: impl Fn(&[u8]) -> Option<Vec<u8>>) -> usize {
    let accepted = Cell::new(0);
    replay(target, |data| {
        if let Some(token) = to_token(data) {
            accepted.set(accepted.get() + backends::compare_token(&token));
        }
    });
    println!("{target}: both backends accepted {} (token, now) pairs", accepted.get());
    accepted.get()
}

#[test]
fn backends_on_verify_corpus() {
    let accepted = replay_backends_token("verify", |data| Some(data.to_vec()));
    assert!(accepted > 0, "no verify corpus token is valid: the backends were never compared on a valid signature");
}

#[test]
fn backends_on_jws_corpus() {
    // Tokens for the ES256-only set, verified here against RS256 + ES256 keys under the
    // strict policy: mostly rejected, which exercises every rejection path on both.
    replay_backends_token("jws", |data| Some(data.to_vec()));
}

#[test]
fn backends_on_structured_tokens() {
    let accepted = replay_backends_token("structured", |data| structured_input(data).map(|t| t.token().into_bytes()));
    assert!(accepted > 0, "no structured token is valid: the backends were never compared on a valid signature");
}

#[test]
fn backends_on_jwks_corpus() {
    let loaded = Cell::new(0);
    replay("jwks", |data| loaded.set(loaded.get() + usize::from(backends::compare_key_set(data))));
    println!("jwks: {} key sets loaded on both backends", loaded.get());
    assert!(loaded.get() > 0, "no jwks corpus file loads: the backends were never compared on a usable key");
}
