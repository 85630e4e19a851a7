//! The C functions that render a result code as its name or message (the texts are
//! `result`'s; `util` runs them behind the panic guard).

use core::ffi::c_char;

use crate::result::{jwtguard_result, UNKNOWN_MESSAGE, UNKNOWN_NAME};
use crate::util::guard_static;

/// Returns the stable name of a result code, e.g. `"TokenExpired"` (the core's reason
/// name for codes below 1000), `"Ok"` for 0, `"NullParameter"`, ...; `"Unknown"` for a
/// code that is not a `jwtguard_result`. The string is static: never free it.
///
/// Takes any integer (a `jwtguard_result` converts implicitly), so a code read from a
/// log or a newer library version is safe to pass.
#[no_mangle]
pub extern "C" fn jwtguard_result_name(result: u32) -> *const c_char {
    guard_static(UNKNOWN_NAME, || jwtguard_result::from_code(result).map_or(UNKNOWN_NAME, |r| r.name()))
}

/// Returns a static one-line, human-readable message for a result code, e.g.
/// `"token has expired"`; `"unknown result code"` for a code that is not a
/// `jwtguard_result`. Never free it. For the precise rule that failed, use the detail
/// buffer of the function that returned the code.
#[no_mangle]
pub extern "C" fn jwtguard_result_message(result: u32) -> *const c_char {
    guard_static(UNKNOWN_MESSAGE, || jwtguard_result::from_code(result).map_or(UNKNOWN_MESSAGE, |r| r.message()))
}
