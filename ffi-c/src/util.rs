//! The boundary: panic guards, checked reads of C arguments, checked writes of outputs.
//!
//! Every entry point runs its body inside one of the guards below, so no panic unwinds
//! into C. Every pointer is checked for NULL (and alignment, where the type has one)
//! before it is used; lengths are trusted only once their pointer is known non-NULL,
//! and never beyond `isize::MAX`. Output buffers are written only within `len + 1`
//! bytes after `cap > len` was checked, so an over-stated `cap` is never relied on for
//! more than the caller promised.

use core::ffi::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::policy::jwtguard_slice;
use crate::result::{jwtguard_result, Fail};

/// Runs `f`, turning its outcome into a result code and a caught panic into
/// `JWTGUARD_PANIC`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Fail>) -> jwtguard_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => jwtguard_result::JWTGUARD_OK,
        Ok(Err(fail)) => fail.code,
        Err(payload) => {
            drop_payload(payload);
            jwtguard_result::JWTGUARD_PANIC
        }
    }
}

/// Like [`guard`], and also writes the outcome to the caller's detail buffer: `""` on
/// success, the failure's text otherwise.
///
/// # Safety
/// `detail` is NULL or valid for writes of `detail_cap` bytes.
pub(crate) unsafe fn guard_detail(
    detail: *mut c_char,
    detail_cap: usize,
    f: impl FnOnce() -> Result<(), Fail>,
) -> jwtguard_result {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let outcome = f();
        let text = match &outcome {
            Ok(()) => String::new(),
            Err(fail) => fail.to_string(),
        };
        // SAFETY: the caller's contract for `detail`, passed on.
        unsafe { write_detail(detail, detail_cap, &text) };
        outcome.map_or_else(|fail| fail.code, |()| jwtguard_result::JWTGUARD_OK)
    }));
    match outcome {
        Ok(code) => code,
        Err(payload) => {
            drop_payload(payload);
            // SAFETY: the caller's contract for `detail`, passed on.
            unsafe { write_detail(detail, detail_cap, "Panic: internal error (a panic was caught)") };
            jwtguard_result::JWTGUARD_PANIC
        }
    }
}

/// Runs `f` for an entry point that returns a value instead of a result code;
/// `on_panic` is returned if it panics.
pub(crate) fn guard_value<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => value,
        Err(payload) => {
            drop_payload(payload);
            on_panic
        }
    }
}

/// Like [`guard_value`] for functions returning a static C string.
pub(crate) fn guard_static(
    on_panic: &'static core::ffi::CStr,
    f: impl FnOnce() -> &'static core::ffi::CStr,
) -> *const c_char {
    guard_value(on_panic, f).as_ptr()
}

/// Drops a panic payload without letting a panicking `Drop` escape.
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
}

/// Writes `text` NUL-terminated into `detail`, truncated (on a UTF-8 boundary) to
/// `detail_cap - 1` bytes. Nothing is written when `detail` is NULL or `detail_cap` is 0.
///
/// # Safety
/// `detail` is NULL or valid for writes of `detail_cap` bytes.
pub(crate) unsafe fn write_detail(detail: *mut c_char, detail_cap: usize, text: &str) {
    if detail.is_null() || detail_cap == 0 {
        return;
    }
    let mut n = text.len().min(detail_cap - 1);
    while !text.is_char_boundary(n) {
        n -= 1;
    }
    // SAFETY: `n + 1 <= detail_cap` bytes are written, which the caller promised are
    // writable; `text` is our own string, so the regions cannot overlap.
    unsafe {
        core::ptr::copy_nonoverlapping(text.as_ptr(), detail.cast::<u8>(), n);
        detail.add(n).write(0);
    }
}

/// Reads a (pointer, length) byte input. NULL with length 0 is the empty input.
///
/// # Safety
/// When `ptr` is non-NULL it points to `len` readable bytes that stay valid and
/// unmodified for `'a`.
pub(crate) unsafe fn input_bytes<'a>(ptr: *const u8, len: usize, arg: &'static str) -> Result<&'a [u8], Fail> {
    if ptr.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(Fail::arg_null(arg)) };
    }
    if len > isize::MAX as usize {
        return Err(Fail::arg_invalid(arg, "has a length over PTRDIFF_MAX"));
    }
    // SAFETY: non-NULL (checked), `u8` needs no alignment, `len` fits in `isize`
    // (checked), and the caller promised `len` readable bytes living for `'a`.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Reads a (pointer, length) UTF-8 text input. NULL with length 0 is `""`.
///
/// # Safety
/// As [`input_bytes`].
pub(crate) unsafe fn input_str<'a>(ptr: *const c_char, len: usize, arg: &'static str) -> Result<&'a str, Fail> {
    // SAFETY: the caller's contract, passed on.
    let bytes = unsafe { input_bytes(ptr.cast::<u8>(), len, arg) }?;
    core::str::from_utf8(bytes).map_err(|_| Fail::arg_invalid(arg, "is not valid UTF-8"))
}

/// Reads an array of `n` [`jwtguard_slice`]s of UTF-8 text (NULL with `n` 0 is none)
/// into owned strings; `arg` and `element` (e.g. `"values"`, `"values[i].data"`) name
/// the array and its text in failures.
///
/// # Safety
/// When `values` is non-NULL it points to `n` readable slices, each valid as
/// [`jwtguard_slice`] describes, for the duration of the call.
pub(crate) unsafe fn input_strings(
    values: *const jwtguard_slice,
    n: usize,
    arg: &'static str,
    element: &'static str,
) -> Result<Vec<String>, Fail> {
    let slices: &[jwtguard_slice] = if values.is_null() {
        if n != 0 {
            return Err(Fail::arg_null(arg));
        }
        &[]
    } else if !values.is_aligned() {
        return Err(Fail::arg_invalid(arg, "is misaligned"));
    } else if n > isize::MAX as usize / core::mem::size_of::<jwtguard_slice>() {
        return Err(Fail::arg_invalid(arg, "has too many elements"));
    } else {
        // SAFETY: non-NULL and aligned (checked), the byte size fits in `isize`
        // (checked), and the caller promised `n` readable slices.
        unsafe { core::slice::from_raw_parts(values, n) }
    };
    slices
        .iter()
        // SAFETY: the caller promised each slice is valid as documented.
        .map(|s| unsafe { input_str(s.data, s.len, element) }.map(str::to_owned))
        .collect()
}

/// Frees a boxed handle (a token, a cache, a policy builder) that the caller gives up.
/// NULL and misaligned pointers are ignored, as every `*_free` function documents.
///
/// # Safety
/// `ptr` is NULL, misaligned, or was returned by `Box::into_raw` for a `T` in this
/// library, is not yet freed and is not used again by any thread.
pub(crate) unsafe fn free_boxed<T>(ptr: *mut T) {
    guard_value((), || {
        if ptr.is_null() || !ptr.is_aligned() {
            return;
        }
        // SAFETY: non-NULL and aligned (checked); the caller's contract says it came
        // from `Box::into_raw` and is given up here.
        drop(unsafe { Box::from_raw(ptr) });
    })
}

/// Borrows the object behind a handle.
///
/// # Safety
/// When non-NULL, `ptr` is a live handle of this type (returned by this library and not
/// yet freed) for `'a`.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, arg: &'static str) -> Result<&'a T, Fail> {
    if ptr.is_null() {
        return Err(Fail::arg_null(arg));
    }
    if !ptr.is_aligned() {
        return Err(Fail::arg_invalid(arg, "is misaligned (not a handle)"));
    }
    // SAFETY: non-NULL and aligned (checked); the caller promised a live handle.
    Ok(unsafe { &*ptr })
}

/// Borrows the object behind a mutable handle (a policy builder).
///
/// # Safety
/// When non-NULL, `ptr` is a live handle of this type that no other thread uses during
/// the call.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, arg: &'static str) -> Result<&'a mut T, Fail> {
    if ptr.is_null() {
        return Err(Fail::arg_null(arg));
    }
    if !ptr.is_aligned() {
        return Err(Fail::arg_invalid(arg, "is misaligned (not a handle)"));
    }
    // SAFETY: non-NULL and aligned (checked); the caller promised a live handle with
    // no concurrent use, so this is the only reference during the call.
    Ok(unsafe { &mut *ptr })
}

/// An out-parameter: a checked, non-NULL, aligned pointer the caller lets us write.
pub(crate) struct Out<T> {
    ptr: *mut T,
}

impl<T> Out<T> {
    /// Checks a required out-parameter.
    ///
    /// # Safety
    /// When non-NULL, `ptr` is valid for writes of one `T` for as long as the returned
    /// value is used (the duration of the call).
    pub(crate) unsafe fn required(ptr: *mut T, arg: &'static str) -> Result<Out<T>, Fail> {
        if ptr.is_null() {
            return Err(Fail::arg_null(arg));
        }
        if !ptr.is_aligned() {
            return Err(Fail::arg_invalid(arg, "is misaligned"));
        }
        Ok(Out { ptr })
    }

    /// Checks an optional out-parameter (NULL means "not wanted").
    ///
    /// # Safety
    /// As [`Out::required`].
    pub(crate) unsafe fn optional(ptr: *mut T, arg: &'static str) -> Result<Option<Out<T>>, Fail> {
        if ptr.is_null() {
            return Ok(None);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { Out::required(ptr, arg) }.map(Some)
    }

    /// Writes `value` (the previous contents are overwritten, never read or dropped).
    pub(crate) fn set(&self, value: T) {
        // SAFETY: `ptr` is non-NULL and aligned (checked in the constructor) and valid
        // for writes (the constructor's contract). `write` neither reads nor drops the
        // old value, so uninitialised caller memory is fine.
        unsafe { self.ptr.write(value) }
    }
}

/// A caller's output buffer: `buf`/`cap` receive a value plus NUL, `out_len` its length.
/// See the buffer convention in the header.
pub(crate) struct OutBuf {
    buf: *mut c_char,
    cap: usize,
    out_len: Option<Out<usize>>,
}

impl OutBuf {
    /// Checks the arguments and sets `*out_len` to 0 until a value is stored.
    ///
    /// # Safety
    /// `buf` is NULL or valid for writes of `cap` bytes; `out_len` is NULL or valid for
    /// writes of one `size_t`; both for the duration of the call.
    pub(crate) unsafe fn new(buf: *mut c_char, cap: usize, out_len: *mut usize) -> Result<OutBuf, Fail> {
        // SAFETY: the caller's contract, passed on.
        let out_len = unsafe { Out::optional(out_len, "out_len") }?;
        if let Some(o) = &out_len {
            o.set(0);
        }
        if buf.is_null() && cap != 0 {
            return Err(Fail::arg_null("buf"));
        }
        Ok(OutBuf { buf, cap, out_len })
    }

    /// Stores `value`: sets `*out_len`, then writes `value` and a NUL if `cap > len`,
    /// else fails with `JWTGUARD_BUFFER_TOO_SMALL` without touching `buf`.
    pub(crate) fn put(&self, value: &[u8]) -> Result<(), Fail> {
        if let Some(o) = &self.out_len {
            o.set(value.len());
        }
        if self.cap <= value.len() {
            return Err(Fail::new(
                jwtguard_result::JWTGUARD_BUFFER_TOO_SMALL,
                "the value and its NUL do not fit in `cap` bytes",
            ));
        }
        // SAFETY: `cap > len` (checked), so `buf` is non-NULL (a NULL `buf` has `cap`
        // 0, checked in `new`) and, by the constructor's contract, valid for the
        // `len + 1` bytes written here. `value` is memory this library owns, so it
        // cannot overlap the caller's buffer.
        unsafe {
            core::ptr::copy_nonoverlapping(value.as_ptr(), self.buf.cast::<u8>(), value.len());
            self.buf.add(value.len()).write(0);
        }
        Ok(())
    }
}
