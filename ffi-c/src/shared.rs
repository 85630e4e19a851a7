//! Key sources shared by processes (e.g. nginx workers through a shared-memory zone):
//! the core's shared record for C callers, so that one process fetches for all. The
//! schedule, the documents count and the stamp are the core's; this module converts
//! arguments.
//!
//! The caller keeps, per fetching source, `JWTGUARD_SHARED_STATE_LEN` bytes (zeroed at
//! first), a stamp it publishes for reads without its lock, and the last configuration
//! document and key set stored by `jwtguard_verifier_offer()`'s callers. Under its own
//! lock (one that the operating system releases, or the caller recovers, when a
//! process dies holding it) it calls, for a source:
//!
//! 1. `jwtguard_verifier_load_shared()`; when it says so, `jwtguard_verifier_adopt()`
//!    with the stored documents;
//! 2. the operation: `jwtguard_verifier_start_fetch()`, `jwtguard_verifier_offer()`
//!    (storing the body beside the record when it returns `JWTGUARD_OK`) or
//!    `jwtguard_verifier_fetch_failed()`;
//! 3. `jwtguard_verifier_save_shared()`, and publishes the stamp it returns.
//!
//! `jwtguard_verifier_sync_due()`, given the published stamp, says when a request must
//! take the lock at all; a request that waits for a fetch under way in another process
//! looks again every `JWTGUARD_SHARED_POLL_MS` milliseconds.

use core::ffi::c_char;

use jwtguard_core::key_source::{SHARED_POLL_MS, SHARED_STATE_LEN};

use crate::result::{jwtguard_result, Fail};
use crate::util::{guard, guard_detail, handle, input_bytes, read_handle, Out, OutArray, OutBuf};
use crate::verifier::{jwtguard_verifier, source_index};

/// Bytes of a source's shared record.
pub const JWTGUARD_SHARED_STATE_LEN: usize = 64;

const _: () = assert!(JWTGUARD_SHARED_STATE_LEN == SHARED_STATE_LEN);

/// How often a request waiting for another process's fetch looks again, in
/// milliseconds (that process cannot wake it).
pub const JWTGUARD_SHARED_POLL_MS: u64 = 100;

const _: () = assert!(JWTGUARD_SHARED_POLL_MS == SHARED_POLL_MS);

/// Reads a caller's record argument.
///
/// # Safety
/// `state` is NULL or points to `len` readable bytes.
unsafe fn record(state: *const u8, len: usize) -> Result<[u8; SHARED_STATE_LEN], Fail> {
    // SAFETY: the caller's contract for `state`.
    let bytes = unsafe { input_bytes(state, len, "state") }?;
    bytes.try_into().map_err(|_| Fail::arg_invalid("state", "is not JWTGUARD_SHARED_STATE_LEN bytes"))
}

/// Whether a request must sync `source` with its shared record (load, operation,
/// save, under the caller's lock) before it claims a fetch: `stamp` (the last one
/// published, read without the lock) differs from the last this handle saw, a fetch is
/// due by the schedule it last saw, or an unknown `kid` it met is not shared yet. False
/// for NULL, an unknown index, or a source with fixed keys.
///
/// # Safety
/// `verifier` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_verifier_sync_due(
    verifier: *const jwtguard_verifier,
    source: usize,
    stamp: u64,
    now: u64,
) -> bool {
    // SAFETY: the caller's contract for `verifier`.
    unsafe { read_handle(verifier, false, |v| v.verifier.sync_due(source, stamp, now)) }
}

/// The name of `source`'s shared record under the buffer convention: sources of the
/// same name (in any verifier or process) fetch the same document on the same schedule
/// with the same options, so give them one record. `""` for a source with fixed keys.
/// Safe to log.
///
/// # Safety
/// `verifier` is NULL or a live handle; `out_len` is NULL or writable; `buf` is NULL
/// (only with `cap` 0) or valid for writing `cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_source_shared_name(
    verifier: *const jwtguard_verifier,
    source: usize,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for `buf` and `out_len`, then for `verifier`.
        let out = unsafe { OutBuf::new(buf, cap, out_len) }?;
        // SAFETY: as above.
        let v = unsafe { handle(verifier, "verifier") }?;
        let name = v.verifier.source_shared_name(source_index(v, source)?).unwrap_or_default();
        out.put(name.as_bytes())
    })
}

/// Under the caller's lock: takes `source`'s schedule from the shared record `state`
/// (`state_len` must be `JWTGUARD_SHARED_STATE_LEN`; zeroed or foreign bytes are no
/// record and change nothing). `*adopt` receives whether another process stored newer
/// documents: then call `jwtguard_verifier_adopt()` before giving up the lock.
///
/// # Safety
/// `verifier` is NULL or a live handle; `state` is NULL or points to `state_len`
/// readable bytes no other thread or process writes meanwhile (the caller's lock);
/// `adopt` is NULL or writable.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_load_shared(
    verifier: *const jwtguard_verifier,
    source: usize,
    state: *const u8,
    state_len: usize,
    adopt: *mut bool,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (v, adopt, state) =
            unsafe { (handle(verifier, "verifier")?, Out::required(adopt, "adopt")?, record(state, state_len)?) };
        adopt.set(false);
        adopt.set(v.verifier.load_shared(source_index(v, source)?, &state)?);
        Ok(())
    })
}

/// Takes the documents another process stored for `source`: its last OpenID
/// configuration document (NULL with length 0 when none is stored, or for a source
/// that is not OpenID) and its last key set (likewise). The schedule does not change;
/// new keys empty the cache. A document that does not load changes nothing and is an
/// error (`detail` says which): the store does not hold what the fetching process
/// took.
///
/// # Safety
/// `verifier` is NULL or a live handle; `configuration` and `keys` are each NULL (only
/// with length 0) or point to as many readable bytes; `detail` is NULL or valid for
/// writing `detail_cap` bytes.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_adopt(
    verifier: *const jwtguard_verifier,
    source: usize,
    configuration: *const u8,
    configuration_len: usize,
    keys: *const u8,
    keys_len: usize,
    detail: *mut c_char,
    detail_cap: usize,
) -> jwtguard_result {
    let run = || -> Result<(), Fail> {
        // SAFETY: the caller's contract for each pointer.
        let (v, configuration, keys) = unsafe {
            (
                handle(verifier, "verifier")?,
                input_bytes(configuration, configuration_len, "configuration")?,
                input_bytes(keys, keys_len, "keys")?,
            )
        };
        let (configuration, keys) = (Some(configuration), Some(keys));
        let (configuration, keys) = (configuration.filter(|b| !b.is_empty()), keys.filter(|b| !b.is_empty()));
        v.verifier.adopt(source_index(v, source)?, configuration, keys)?;
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, run) }
}

/// Under the caller's lock: writes `source`'s schedule into the shared record `state`
/// (`state_len` must be `JWTGUARD_SHARED_STATE_LEN`). `*stamp` receives the record's
/// stamp (a new one when anything changed), for the caller to publish where other
/// processes read it without the lock. A source with fixed keys writes nothing.
///
/// # Safety
/// `verifier` is NULL or a live handle; `state` is NULL or points to `state_len` bytes
/// readable and writable, which no other thread or process reads or writes meanwhile;
/// `stamp` is NULL or writable.
#[no_mangle]
#[must_use]
pub unsafe extern "C" fn jwtguard_verifier_save_shared(
    verifier: *const jwtguard_verifier,
    source: usize,
    state: *mut u8,
    state_len: usize,
    stamp: *mut u64,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer; `record` copies the bytes
        // before `out` writes them.
        let (v, stamp, mut bytes, out) = unsafe {
            (
                handle(verifier, "verifier")?,
                Out::required(stamp, "stamp")?,
                record(state, state_len)?,
                OutArray::new(state, state_len, "state")?,
            )
        };
        stamp.set(v.verifier.save_shared(source_index(v, source)?, &mut bytes)?);
        out.put(bytes.into_iter())
    })
}
