//! Counts heap allocations during whole verifications (parse, key lookup, signature,
//! claims) with the portable backend. ES256 must allocate nothing; the RS256 count
//! (the `rsa` crate's big integers) is printed for core/README.md. With the `aws-lc`
//! backend the Rust heap is never touched either; AWS-LC's own C allocations are not
//! visible to a Rust allocator and are not counted here.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

mod support;

use jwtguard_core::{verify, Backend, KeyOptions, KeySet, Policy, DEFAULT_MAX_TOKEN_LEN};
use support::fixtures::FixtureFile;

struct Counting;

thread_local! {
    // Const-initialised and without destructors: using them never allocates. Per
    // thread, so tests running in parallel never count each other's allocations.
    static MEASURING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards every call unchanged to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if MEASURING.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made on this thread while `f` runs.
fn count_allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    ALLOCATIONS.with(|n| n.set(0));
    MEASURING.with(|m| m.set(true));
    let r = f();
    MEASURING.with(|m| m.set(false));
    (ALLOCATIONS.with(Cell::get), r)
}

fn fixture_case(name: &str, backend: Backend) -> (KeySet, String, u64, Policy) {
    let file = FixtureFile::load("claims.json");
    let case = file.case(name);
    let options = KeyOptions { backend, ..KeyOptions::default() };
    let keys = KeySet::from_json_with(&case.jwks, &options).expect("fixture key set");
    (keys, case.token.to_owned(), case.now, case.policy())
}

#[test]
fn es256_verification_allocates_nothing_and_rs256_count_is_reported() {
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];

    let (keys, token, now, policy) = fixture_case("valid_es256_p256", Backend::Portable);
    let (count, result) = count_allocations(|| verify(token.as_bytes(), &keys, &policy, now, &mut scratch).is_ok());
    assert!(result, "the ES256 fixture must verify");
    assert_eq!(count, 0, "ES256 verification must not touch the heap");

    // A rejected token takes the same allocation-free path.
    let (count, result) =
        count_allocations(|| verify(token.as_bytes(), &keys, &policy, now + 100_000, &mut scratch).is_err());
    assert!(result);
    assert_eq!(count, 0);

    let (keys, token, now, policy) = fixture_case("valid_rs256_rsa2048", Backend::Portable);
    let (count, result) = count_allocations(|| verify(token.as_bytes(), &keys, &policy, now, &mut scratch).is_ok());
    assert!(result, "the RS256 fixture must verify");
    assert!(count > 0, "the counter must see the rsa crate's allocations (else it is not counting)");
    println!("RS256 (2048-bit) verification: {count} heap allocations");
}

#[test]
fn the_default_backend_allocates_nothing_on_the_rust_heap_for_es256() {
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let (keys, token, now, policy) = fixture_case("valid_es256_p256", Backend::DEFAULT);
    let (count, result) = count_allocations(|| verify(token.as_bytes(), &keys, &policy, now, &mut scratch).is_ok());
    assert!(result, "the ES256 fixture must verify with the {} backend", Backend::DEFAULT.name());
    assert_eq!(count, 0);
}

#[test]
fn es384_es512_eddsa_and_hmac_verifications_allocate_nothing() {
    let file = FixtureFile::load("algorithms.json");
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let mut checked = 0;
    for name in ["es384_valid", "eddsa_valid", "hs256_valid", "hs384_valid", "hs512_valid", "eddsa_without_kid_valid"] {
        let case = file.case(name);
        let options = KeyOptions { backend: Backend::Portable, ..case.key_options };
        let keys = KeySet::from_json_with(&case.jwks, &options).expect("fixture key set");
        let policy = case.policy();
        let (count, result) =
            count_allocations(|| verify(case.token.as_bytes(), &keys, &policy, case.now, &mut scratch).is_ok());
        assert!(result, "{name} must verify");
        assert_eq!(count, 0, "{name} must not touch the heap");
        checked += 1;
    }
    assert_eq!(checked, 6);

    // ES512: PyJWT's token by the P-521 key of the attack catalogue.
    let attacks = FixtureFile::load("attacks.json");
    let case = attacks.case("alg_es512_allowed");
    let options = KeyOptions { backend: Backend::Portable, ..case.key_options };
    let keys = KeySet::from_json_with(&case.jwks, &options).expect("the P-521 key set");
    let policy = case.policy();
    let (count, result) =
        count_allocations(|| verify(case.token.as_bytes(), &keys, &policy, case.now, &mut scratch).is_ok());
    assert!(result, "ES512 must verify");
    assert_eq!(count, 0, "ES512 must not touch the heap");
}
