//! Raising the package's exceptions.
//!
//! The exception classes are Python classes (`jwtguard/_errors.py`: `TokenError` and its
//! per-reason subclasses, `KeySetError`, `PolicyError`), so that they carry attributes,
//! pickle, and type-check like any Python exception. Rust builds them through one
//! factory, `jwtguard._errors._from_core(kind, code, detail, claim, message)`, imported
//! once; every decision (reason, code, detail, claim) comes from the core.
//!
//! That factory, like the extension's classes and the other objects it keeps, is held
//! once per process, so it belongs to the interpreter that imported the extension first.
//! Another interpreter of the process (a sub-interpreter, as mod_wsgi runs applications
//! in by default) would be handed the first one's exception classes, which its own
//! `except jwtguard.TokenError` does not catch, and objects that stop working once their
//! interpreter is gone. So the extension refuses to load there: `claim_interpreter`.

use std::sync::atomic::{AtomicI64, Ordering};

use jwtguard_core::{Error as CoreError, Reason};
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// Which operation failed: selects `TokenError`, `KeySetError` or `PolicyError`, or
/// `DiscoveryError` for a verifier none of whose sources has keys yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Token,
    KeySet,
    Policy,
    Unavailable,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Token => "token",
            Kind::KeySet => "key_set",
            Kind::Policy => "policy",
            Kind::Unavailable => "unavailable",
        }
    }
}

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn raise(py: Python<'_>, kind: Kind, reason: Reason, detail: &str, claim: Option<&str>, message: String) -> PyErr {
    let made = FACTORY
        .import(py, "jwtguard._errors", "_from_core")
        .and_then(|factory| factory.call1((kind.name(), reason.code(), detail, claim, message)));
    match made {
        Ok(exception) => PyErr::from_value(exception),
        Err(err) => err,
    }
}

/// The Python exception for a core error; the message is the core error's `Display`.
pub fn from_core(py: Python<'_>, kind: Kind, error: &CoreError) -> PyErr {
    raise(py, kind, error.reason(), error.detail(), error.claim(), error.to_string())
}

/// A binding-level rejection of an argument the core cannot represent (an unknown
/// algorithm name, a separator longer than one character, ...), with a core reason.
pub fn binding(py: Python<'_>, kind: Kind, reason: Reason, detail: &str) -> PyErr {
    raise(py, kind, reason, detail, None, format!("{}: {detail}", reason.name()))
}

/// The id of the interpreter the extension belongs to; -1 until it is first imported.
static INTERPRETER: AtomicI64 = AtomicI64::new(-1);

/// The `ImportError` message in any interpreter but the one that imported first.
const SUBINTERPRETER_MESSAGE: &str = "jwtguard does not support sub-interpreters: it is already \
    loaded in another interpreter of this process. Import it in one interpreter only; \
    under mod_wsgi, run the application in the main interpreter with \
    `WSGIApplicationGroup %{GLOBAL}`";

/// Ties the extension to the interpreter that imports it first, and refuses it (with
/// `ImportError`) to every other one. Called first by the module's initialisation, which
/// CPython runs again in each interpreter that imports the extension (multi-phase
/// initialisation), before that module has any attribute: no import gives a refused
/// interpreter a class or a function of the extension. Importing again in the same
/// interpreter is allowed.
pub fn claim_interpreter(py: Python<'_>) -> PyResult<()> {
    // SAFETY: the thread is attached (`py`), so there is a current interpreter.
    let current = unsafe { pyo3::ffi::PyInterpreterState_GetID(pyo3::ffi::PyInterpreterState_Get()) };
    if current < 0 {
        return Err(PyErr::fetch(py));
    }
    match INTERPRETER.compare_exchange(-1, current, Ordering::SeqCst, Ordering::SeqCst) {
        Ok(_) => Ok(()),
        Err(first) if first == current => Ok(()),
        Err(_) => Err(PyImportError::new_err(SUBINTERPRETER_MESSAGE)),
    }
}
