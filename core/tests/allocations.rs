//! Counts heap allocations during whole verifications (parse, key lookup, signature,
//! claims). ES256 must allocate nothing; the RS256 count (the `rsa` crate's big
//! integers) is printed for the README.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

mod support;

use jwtguard_core::{verify, KeySet, Policy, DEFAULT_MAX_TOKEN_LEN};
use support::fixtures::FixtureFile;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Const-initialised and without a destructor: reading it never allocates.
    static MEASURING: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: forwards every call unchanged to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if MEASURING.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
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
    ALLOCATIONS.store(0, Ordering::SeqCst);
    MEASURING.with(|m| m.set(true));
    let r = f();
    MEASURING.with(|m| m.set(false));
    (ALLOCATIONS.load(Ordering::SeqCst), r)
}

fn fixture_case(name: &str) -> (KeySet, String, u64, Policy) {
    let file = FixtureFile::load("claims.json");
    let case = file.case(name);
    (case.keys().expect("fixture key set"), case.token.to_owned(), case.now, case.policy())
}

#[test]
fn es256_verification_allocates_nothing_and_rs256_count_is_reported() {
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];

    let (keys, token, now, policy) = fixture_case("valid_es256_p256");
    let (count, result) = count_allocations(|| verify(token.as_bytes(), &keys, &policy, now, &mut scratch).is_ok());
    assert!(result, "the ES256 fixture must verify");
    assert_eq!(count, 0, "ES256 verification must not touch the heap");

    // A rejected token takes the same allocation-free path.
    let (count, result) =
        count_allocations(|| verify(token.as_bytes(), &keys, &policy, now + 100_000, &mut scratch).is_err());
    assert!(result);
    assert_eq!(count, 0);

    let (keys, token, now, policy) = fixture_case("valid_rs256_rsa2048");
    let (count, result) = count_allocations(|| verify(token.as_bytes(), &keys, &policy, now, &mut scratch).is_ok());
    assert!(result, "the RS256 fixture must verify");
    assert!(count > 0, "the counter must see the rsa crate's allocations (else it is not counting)");
    println!("RS256 (2048-bit) verification: {count} heap allocations");
}
