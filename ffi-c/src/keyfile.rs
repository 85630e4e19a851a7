//! The C face of `jwtguard_core::key_file`: when a program that watches a key file
//! (the nginx module) reads it again. The rules are the core's; this file translates.
//! A watch is mutable state: use it from one thread at a time.

use core::ptr;

use jwtguard_core::key_file::{FileChange, FileVersion, KeyFileWatch};

use crate::util::{free_boxed, guard_value, handle, handle_mut};

/// The watch over one key file (opaque; `jwtguard_key_file_watch_new`, `_free`).
pub struct jwtguard_key_file_watch {
    watch: KeyFileWatch,
}

/// What tells one version of a file from another, from `stat` (`st_mtim` and
/// `st_size`, `st_ino` as `id`; `mtime_nsec` 0 where the system has no nanoseconds).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct jwtguard_file_version {
    /// Modification time, Unix seconds.
    pub mtime: i64,
    /// Its nanoseconds.
    pub mtime_nsec: i64,
    /// Size in bytes.
    pub size: u64,
    /// File identity (inode).
    pub id: u64,
}

impl From<jwtguard_file_version> for FileVersion {
    fn from(v: jwtguard_file_version) -> FileVersion {
        FileVersion { mtime: v.mtime, mtime_nsec: v.mtime_nsec, size: v.size, id: v.id }
    }
}

/// What to do with the version a key file has now (`jwtguard_key_file_watch_change`).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum jwtguard_file_change {
    /// The version loaded: nothing to read.
    JWTGUARD_FILE_UNCHANGED = 0,
    /// Another version, or none loaded yet: read and load it.
    JWTGUARD_FILE_CHANGED = 1,
    /// The version loaded, loaded in the second it was last modified: read it once
    /// more, in case it was rewritten within that second.
    JWTGUARD_FILE_READ_AGAIN = 2,
}

/// A watch that looks at the file every `interval_seconds` (the first time that long
/// after `now`; load the file yourself when you start, and say so with
/// `jwtguard_key_file_watch_loaded`). Free it with `jwtguard_key_file_watch_free`. NULL
/// only when a panic was caught.
#[no_mangle]
#[must_use]
pub extern "C" fn jwtguard_key_file_watch_new(interval_seconds: u64, now: u64) -> *mut jwtguard_key_file_watch {
    guard_value(ptr::null_mut(), || {
        Box::into_raw(Box::new(jwtguard_key_file_watch { watch: KeyFileWatch::new(interval_seconds, now) }))
    })
}

/// Frees a watch. NULL is ignored.
///
/// # Safety
/// `watch` is NULL or a live watch handle that is not used again.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_key_file_watch_free(watch: *mut jwtguard_key_file_watch) {
    // SAFETY: the caller's contract above, which is `free_boxed`'s.
    unsafe { free_boxed(watch) }
}

/// Looks at the file at least every `interval_seconds` from now on (the shortest
/// interval asked for wins: for a file several users share). NULL is ignored.
///
/// # Safety
/// `watch` is NULL or a live watch handle no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_key_file_watch_shorten_interval(
    watch: *mut jwtguard_key_file_watch,
    interval_seconds: u64,
) {
    guard_value((), || {
        // SAFETY: the caller's contract for `watch`.
        if let Ok(w) = unsafe { handle_mut(watch, "watch") } {
            w.watch.shorten_interval(interval_seconds);
        }
    })
}

/// True when the file is to be looked at (`stat`) at `now`, which then counts as the
/// last look: at most once per interval, and at once after the clock stepped back.
/// False for NULL.
///
/// # Safety
/// `watch` is NULL or a live watch handle no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_key_file_watch_check_due(watch: *mut jwtguard_key_file_watch, now: u64) -> bool {
    guard_value(false, || {
        // SAFETY: the caller's contract for `watch`.
        unsafe { handle_mut(watch, "watch") }.is_ok_and(|w| w.watch.check_due(now))
    })
}

/// What to do with `*version`, the version the file has now: any difference from the
/// version loaded (time to the nanosecond, size, identity) is a change.
/// `JWTGUARD_FILE_CHANGED` for NULL arguments (reading the file is the safe side).
///
/// # Safety
/// `watch` is NULL or a live watch handle; `version` is NULL or points to a version.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_key_file_watch_change(
    watch: *const jwtguard_key_file_watch,
    version: *const jwtguard_file_version,
) -> jwtguard_file_change {
    guard_value(jwtguard_file_change::JWTGUARD_FILE_CHANGED, || {
        // SAFETY: the caller's contract for each pointer.
        let (Ok(w), Ok(v)) = (unsafe { handle(watch, "watch") }, unsafe { handle(version, "version") }) else {
            return jwtguard_file_change::JWTGUARD_FILE_CHANGED;
        };
        match w.watch.change(&FileVersion::from(*v)) {
            FileChange::Unchanged => jwtguard_file_change::JWTGUARD_FILE_UNCHANGED,
            FileChange::Changed => jwtguard_file_change::JWTGUARD_FILE_CHANGED,
            FileChange::ReadAgain => jwtguard_file_change::JWTGUARD_FILE_READ_AGAIN,
        }
    })
}

/// `*version` (`fstat` of the file as it was read) was read and loaded at `now`. NULL
/// arguments are ignored.
///
/// # Safety
/// `watch` is NULL or a live watch handle no other thread uses during the call;
/// `version` is NULL or points to a version.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_key_file_watch_loaded(
    watch: *mut jwtguard_key_file_watch,
    version: *const jwtguard_file_version,
    now: u64,
) {
    guard_value((), || {
        // SAFETY: the caller's contract for each pointer.
        if let (Ok(w), Ok(v)) = (unsafe { handle_mut(watch, "watch") }, unsafe { handle(version, "version") }) {
            w.watch.loaded(FileVersion::from(*v), now);
        }
    })
}

/// `*version` could not be read or did not load (keep the keys in use). True the first
/// time this version fails (log it at error level), false while it keeps failing (log
/// quieter). True for NULL arguments.
///
/// # Safety
/// `watch` is NULL or a live watch handle no other thread uses during the call;
/// `version` is NULL or points to a version.
#[no_mangle]
pub unsafe extern "C" fn jwtguard_key_file_watch_failed(
    watch: *mut jwtguard_key_file_watch,
    version: *const jwtguard_file_version,
) -> bool {
    guard_value(true, || {
        // SAFETY: the caller's contract for each pointer.
        match (unsafe { handle_mut(watch, "watch") }, unsafe { handle(version, "version") }) {
            (Ok(w), Ok(v)) => w.watch.failed(FileVersion::from(*v)),
            _ => true,
        }
    })
}
