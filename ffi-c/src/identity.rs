//! Identities of loaded key sets and built policies, so a cache can tell when either
//! changed.
//!
//! Each `jwtguard_keyset` and `jwtguard_policy` takes a number from one process-wide
//! counter when it is created. Numbers are never reused (a `u64` does not wrap in the
//! life of a process), so a new set loaded at the address of a freed one still gets a
//! new identity: comparing identities is safe where comparing pointers is not.

use std::sync::atomic::{AtomicU64, Ordering};

static NEXT: AtomicU64 = AtomicU64::new(1);

/// A fresh identity, different from every one handed out before in this process.
pub(crate) fn fresh() -> u64 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}
