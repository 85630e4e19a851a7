//! The heap of the `default-algorithms` build: a fixed arena that never frees, enough for
//! this program's few allocations (a firmware would bring its own allocator).

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicUsize, Ordering};

const ARENA_BYTES: usize = 64 * 1024;

struct Arena {
    bytes: UnsafeCell<[u8; ARENA_BYTES]>,
    used: AtomicUsize,
}

// SAFETY: each allocation gets a disjoint range, claimed atomically through `used`.
unsafe impl Sync for Arena {}

// SAFETY: returned ranges are in bounds, aligned as asked and never handed out twice;
// an allocation that does not fit returns null, as `GlobalAlloc` requires.
unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let base = self.bytes.get() as usize;
        let mut start = 0;
        let claimed = self.used.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |used| {
            start = (base + used).next_multiple_of(layout.align()) - base;
            let end = start.checked_add(layout.size())?;
            (end <= ARENA_BYTES).then_some(end)
        });
        match claimed {
            // SAFETY: `start + layout.size() <= ARENA_BYTES`, so the pointer is in bounds.
            Ok(_) => unsafe { self.bytes.get().cast::<u8>().add(start) },
            Err(_) => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ARENA: Arena = Arena { bytes: UnsafeCell::new([0; ARENA_BYTES]), used: AtomicUsize::new(0) };
