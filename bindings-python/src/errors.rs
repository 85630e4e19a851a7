//! Raising the package's exceptions.
//!
//! The exception classes are Python classes (`jwtguard/_errors.py`: `TokenError` and its
//! per-reason subclasses, `KeySetError`, `PolicyError`), so that they carry attributes,
//! pickle, and type-check like any Python exception. Rust builds them through one
//! factory, `jwtguard._errors._from_core(kind, code, detail, claim, message)`, imported
//! once; every decision (reason, code, detail, claim) comes from the core.

use jwtguard_core::{Error as CoreError, Reason};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

/// Which operation failed: selects `TokenError`, `KeySetError` or `PolicyError`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Token,
    KeySet,
    Policy,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Token => "token",
            Kind::KeySet => "key_set",
            Kind::Policy => "policy",
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
