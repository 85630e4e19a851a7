#![no_main]
//! The JWS layer on arbitrary bytes, with a counting allocator: against an ES256-only
//! key set the whole path must make no heap allocation at all.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<Option<usize>> = const { Cell::new(None) };
}

// SAFETY: forwards every call unchanged to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|c| c.set(c.get().map(|n| n + 1)));
        // SAFETY: same contract as our caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System.alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Build the key set (which allocates) before counting.
    let _ = jwtguard_fuzz_harness::keys::es256_only();
    ALLOCATIONS.with(|c| c.set(Some(0)));
    jwtguard_fuzz_harness::jws(data);
    let count = ALLOCATIONS.with(|c| c.replace(None)).unwrap_or(0);
    assert_eq!(count, 0, "the ES256 JWS path allocated");
});
