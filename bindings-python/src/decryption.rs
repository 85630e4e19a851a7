//! `jwtguard.DecryptionKeys`: the private keys that decrypt encrypted tokens (JWE).

use std::sync::Arc;

use jwtguard_core::jwe::DecryptionKeys;
use pyo3::prelude::*;

use crate::errors::{self, Kind};
use crate::keyset::document_bytes;

/// Private keys that decrypt encrypted tokens (compact JWE whose content is a signed
/// JWT), loaded from a JWK set or a single JWK with private members.
///
/// Immutable and safe to share between threads and validators. Never mixed with
/// verification keys: give them as ``decryption_keys=`` to ``verify`` or ``Validator``.
#[pyclass(frozen, module = "jwtguard", name = "DecryptionKeys")]
pub struct PyDecryptionKeys {
    pub(crate) inner: Arc<DecryptionKeys>,
}

#[pymethods]
impl PyDecryptionKeys {
    /// Loads RSA (with every CRT member, at least 2048 bits), EC (P-256, P-384) and
    /// ``oct`` keys; the first key that does not qualify refuses the whole set
    /// (``KeySetError``). The key bytes are wiped when the object is freed; the document
    /// passed in is the caller's to wipe.
    #[staticmethod]
    fn from_jwks(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<PyDecryptionKeys> {
        let document = document_bytes(py, jwks)?;
        match py.detach(move || DecryptionKeys::from_jwks(&document)) {
            Ok(keys) => Ok(PyDecryptionKeys { inner: Arc::new(keys) }),
            Err(e) => Err(errors::from_core(py, Kind::KeySet, &e)),
        }
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// Shows the `kid` and type of each key, never key material.
    fn __repr__(&self) -> String {
        format!("DecryptionKeys({:?})", self.inner)
    }
}
