//! The boundary: panic guards, checked reads of C arguments, checked writes of outputs.
//!
//! Every entry point runs its body inside one of the guards below, so no panic unwinds
//! into C. Every pointer is checked for NULL (and alignment, where the type has one)
//! before it is used; lengths are trusted only once their pointer is known non-NULL,
//! and never beyond `isize::MAX`. Output buffers are written only within `len + 1`
//! bytes after `cap > len` was checked, so an over-stated `cap` is never relied on for
//! more than the caller promised.

use core::ffi::c_char;
use core::{fmt, ptr};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

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

/// A failure as an entry point reports it: a result code, and its text (`Display`)
/// for the detail buffer.
pub(crate) trait Report: fmt::Display {
    /// The result code.
    fn code(&self) -> jwtguard_result;
}

impl Report for Fail {
    fn code(&self) -> jwtguard_result {
        self.code
    }
}

/// Like [`guard`] (for any kind of failure), and also writes the outcome to the
/// caller's detail buffer: `""` on success, the failure's text otherwise.
///
/// # Safety
/// `detail` is NULL or valid for writes of `detail_cap` bytes.
pub(crate) unsafe fn guard_detail<E: Report>(
    detail: *mut c_char,
    detail_cap: usize,
    f: impl FnOnce() -> Result<(), E>,
) -> jwtguard_result {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let (code, text) = match f() {
            Ok(()) => (jwtguard_result::JWTGUARD_OK, String::new()),
            Err(failure) => (failure.code(), failure.to_string()),
        };
        // SAFETY: the caller's contract for `detail`, passed on.
        unsafe { write_detail(detail, detail_cap, &text) };
        code
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

/// Runs an entry point that makes a handle: `*out` is set to `null`, then to what
/// `make` returns; `detail` receives the outcome as [`guard_detail`] writes it.
///
/// # Safety
/// `out` is NULL or valid for writes of one `P`; `detail` is NULL or valid for writes
/// of `detail_cap` bytes.
pub(crate) unsafe fn make_handle<P>(
    out: *mut P,
    null: P,
    detail: *mut c_char,
    detail_cap: usize,
    make: impl FnOnce() -> Result<P, Fail>,
) -> jwtguard_result {
    let body = || -> Result<(), Fail> {
        // SAFETY: the caller's contract for `out`.
        let out = unsafe { Out::required(out, "out") }?;
        out.set(null);
        out.set(make()?);
        Ok(())
    };
    // SAFETY: the caller's contract for `detail`.
    unsafe { guard_detail(detail, detail_cap, body) }
}

/// Runs an entry point that reads a value of the object behind handle `ptr`: `none`
/// for a NULL or misaligned handle (or a caught panic).
///
/// # Safety
/// `ptr` is NULL or a live handle of this type.
pub(crate) unsafe fn read_handle<T, R: Copy>(ptr: *const T, none: R, read: impl FnOnce(&T) -> R) -> R {
    guard_value(none, || {
        // SAFETY: the caller's contract.
        unsafe { handle(ptr, "handle") }.map_or(none, read)
    })
}

/// Runs an entry point that copies a value of the object behind handle `ptr` (the
/// argument `arg`) under the buffer convention.
///
/// # Safety
/// `ptr` is NULL or a live handle of this type; `buf`/`cap`/`out_len` as for
/// [`OutBuf::new`].
pub(crate) unsafe fn copy_out<'a, T: 'a, V: AsRef<[u8]>>(
    ptr: *const T,
    arg: &'static str,
    buf: *mut c_char,
    cap: usize,
    out_len: *mut usize,
    get: impl FnOnce(&'a T) -> Result<V, Fail>,
) -> jwtguard_result {
    guard(|| {
        // SAFETY: the caller's contract for each pointer.
        let (out, object) = unsafe { (OutBuf::new(buf, cap, out_len)?, handle(ptr, arg)?) };
        out.put(get(object)?.as_ref())
    })
}

/// Element `index` of `list`; an index out of range is an invalid `index` argument.
pub(crate) fn nth<T>(list: &[T], index: usize) -> Result<&T, Fail> {
    list.get(index).ok_or(Fail::arg_invalid("index", "is out of range"))
}

/// A new reference-counted handle (`*_clone`/`*_free`: [`clone_shared`], [`free_shared`]).
pub(crate) fn new_shared<T>(value: T) -> *const T {
    Arc::into_raw(Arc::new(value))
}

/// Another reference to a reference-counted handle: the same pointer (NULL for a NULL
/// or misaligned one).
///
/// # Safety
/// `ptr` is NULL, misaligned, or a live handle from [`new_shared`].
pub(crate) unsafe fn clone_shared<T>(ptr: *const T) -> *const T {
    guard_value(ptr::null(), || {
        if ptr.is_null() || !ptr.is_aligned() {
            return ptr::null();
        }
        // SAFETY: a live handle was created by `Arc::into_raw` and holds a strong
        // reference the caller has not given up, so the count is at least 1.
        unsafe { Arc::increment_strong_count(ptr) };
        ptr
    })
}

/// Releases one reference to a reference-counted handle; NULL and misaligned pointers
/// are ignored.
///
/// # Safety
/// `ptr` is NULL, misaligned, or a live handle from [`new_shared`] whose reference the
/// caller gives up.
pub(crate) unsafe fn free_shared<T>(ptr: *const T) {
    guard_value((), || {
        if !ptr.is_null() && ptr.is_aligned() {
            // SAFETY: a live handle was created by `Arc::into_raw`; the caller gives up
            // the strong reference it owns.
            unsafe { Arc::decrement_strong_count(ptr) };
        }
    })
}

/// Compiles only for a `T` that any number of threads may share (a handle type).
pub(crate) const fn assert_send_sync<T: Send + Sync>() {}

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

/// A borrowed UTF-8 string: `len` bytes at `data`, not necessarily NUL-terminated.
/// `data` may be NULL when `len` is 0.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct jwtguard_slice {
    /// The bytes.
    pub data: *const c_char,
    /// Their number.
    pub len: usize,
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
    // SAFETY: the caller's contract, which is `take_boxed`'s.
    guard_value((), || drop(unsafe { take_boxed(ptr, "") }))
}

/// What a misaligned handle argument is.
const NOT_A_HANDLE: &str = "is misaligned (not a handle)";

/// Checks that pointer argument `arg` is non-NULL and aligned (`misaligned` describes
/// the failure otherwise).
fn checked<T>(ptr: *const T, arg: &'static str, misaligned: &'static str) -> Result<(), Fail> {
    if ptr.is_null() {
        return Err(Fail::arg_null(arg));
    }
    if !ptr.is_aligned() {
        return Err(Fail::arg_invalid(arg, misaligned));
    }
    Ok(())
}

/// Takes back a boxed handle the caller gives up (checked as [`handle`] checks it).
///
/// # Safety
/// When non-NULL and aligned, `ptr` came from `Box::into_raw` for a `T` in this
/// library, is not yet freed and is not used again by any thread.
pub(crate) unsafe fn take_boxed<T>(ptr: *mut T, arg: &'static str) -> Result<Box<T>, Fail> {
    checked(ptr, arg, NOT_A_HANDLE)?;
    // SAFETY: non-NULL and aligned (checked); the caller gives up its only reference.
    Ok(unsafe { Box::from_raw(ptr) })
}

/// Borrows the object behind a handle.
///
/// # Safety
/// When non-NULL, `ptr` is a live handle of this type (returned by this library and not
/// yet freed) for `'a`.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, arg: &'static str) -> Result<&'a T, Fail> {
    checked(ptr, arg, NOT_A_HANDLE)?;
    // SAFETY: non-NULL and aligned (checked); the caller promised a live handle.
    Ok(unsafe { &*ptr })
}

/// Borrows the object behind a mutable handle (a policy builder).
///
/// # Safety
/// When non-NULL, `ptr` is a live handle of this type that no other thread uses during
/// the call.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, arg: &'static str) -> Result<&'a mut T, Fail> {
    checked(ptr, arg, NOT_A_HANDLE)?;
    // SAFETY: non-NULL and aligned (checked); the caller promised a live handle with
    // no concurrent use, so this is the only reference during the call.
    Ok(unsafe { &mut *ptr })
}

/// The state behind a builder handle: the core builder, and the first call on the
/// handle that failed, which `build` reports again (so an ignored error never yields a
/// more permissive result than the caller asked for).
pub(crate) struct Building<B> {
    /// `None` only after a panic was caught while it was taken out.
    inner: Option<B>,
    problem: Option<Fail>,
}

const UNUSABLE: Fail = Fail::arg_invalid("builder", "is unusable after an internal error");

impl<B> Building<B> {
    pub(crate) fn new(inner: B) -> Building<B> {
        Building { inner: Some(inner), problem: None }
    }

    /// Records the first failure and passes `outcome` on.
    pub(crate) fn note<T>(&mut self, outcome: Result<T, Fail>) -> Result<T, Fail> {
        if let Err(fail) = &outcome {
            self.problem = self.problem.or(Some(*fail));
        }
        outcome
    }

    /// Replaces the core builder with the one `f` returns, and passes on (and records)
    /// the outcome `f` returns with it.
    pub(crate) fn update<T>(&mut self, f: impl FnOnce(B) -> (B, Result<T, Fail>)) -> Result<T, Fail> {
        let outcome = match self.inner.take() {
            Some(inner) => {
                let (inner, outcome) = f(inner);
                self.inner = Some(inner);
                outcome
            }
            None => Err(UNUSABLE),
        };
        self.note(outcome)
    }

    /// The core builder, or the first failure of a call on the handle.
    pub(crate) fn get(&self) -> Result<&B, Fail> {
        self.problem.map_or(self.inner.as_ref().ok_or(UNUSABLE), Err)
    }

    /// As [`Building::get`], giving the builder up.
    pub(crate) fn into_inner(self) -> Result<B, Fail> {
        self.problem.map_or(self.inner.ok_or(UNUSABLE), Err)
    }
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
        checked(ptr, arg, "is misaligned")?;
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

/// An output array: `cap` elements the caller lets us write, NULL when `cap` is 0.
pub(crate) struct OutArray<T> {
    ptr: *mut T,
    cap: usize,
}

impl<T> OutArray<T> {
    /// Checks an output array argument.
    ///
    /// # Safety
    /// When non-NULL, `ptr` is valid for writes of `cap` `T`s for as long as the
    /// returned value is used (the duration of the call).
    pub(crate) unsafe fn new(ptr: *mut T, cap: usize, arg: &'static str) -> Result<OutArray<T>, Fail> {
        if ptr.is_null() {
            return if cap == 0 { Ok(OutArray { ptr, cap }) } else { Err(Fail::arg_null(arg)) };
        }
        if !ptr.is_aligned() {
            return Err(Fail::arg_invalid(arg, "is misaligned"));
        }
        Ok(OutArray { ptr, cap })
    }

    /// How many elements fit.
    pub(crate) fn cap(&self) -> usize {
        self.cap
    }

    /// Writes `values` from the first element on, or fails with
    /// `JWTGUARD_BUFFER_TOO_SMALL` without writing when they do not all fit.
    pub(crate) fn put(&self, values: impl ExactSizeIterator<Item = T>) -> Result<(), Fail> {
        if values.len() > self.cap {
            return Err(Fail::new(
                jwtguard_result::JWTGUARD_BUFFER_TOO_SMALL,
                "the array has fewer elements than needed (retry with the count returned)",
            ));
        }
        for (i, value) in values.enumerate() {
            // SAFETY: `i < len <= cap` (checked), so `cap > 0` and `ptr` is non-NULL,
            // aligned (checked in `new`) and valid for writes of `cap` elements (its
            // contract). `write` neither reads nor drops what was there.
            unsafe { self.ptr.add(i).write(value) }
        }
        Ok(())
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
