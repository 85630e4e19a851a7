//! `jwtguard.KeySet`: an immutable, shareable set of prepared verification keys.

use std::sync::Arc;

use jwtguard_core::{KeyKind, KeyOptions, KeySet, Reason};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

use crate::errors::{self, Kind};

/// Verification keys loaded from a JWK set (`{"keys": [...]}`) or a single JWK.
///
/// Immutable and safe to share between threads; build a new one when the provider's
/// JWKS changes.
#[pyclass(frozen, module = "jwtguard", name = "KeySet")]
pub struct PyKeySet {
    pub(crate) inner: Arc<KeySet>,
}

/// The document's bytes: `str` (UTF-8), `bytes`/`bytearray`, or a `dict`/`list` that is
/// serialized with the standard library's `json.dumps`.
pub(crate) fn document_bytes(py: Python<'_>, jwks: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    if let Ok(s) = jwks.cast::<PyString>() {
        return Ok(s.to_cow()?.as_bytes().to_vec());
    }
    if let Ok(b) = jwks.cast::<PyBytes>() {
        return Ok(b.as_bytes().to_vec());
    }
    if let Ok(b) = jwks.cast::<PyByteArray>() {
        return Ok(b.to_vec());
    }
    if jwks.is_instance_of::<PyDict>() || jwks.is_instance_of::<PyList>() {
        static DUMPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let text = DUMPS.import(py, "json", "dumps")?.call1((jwks,))?;
        return Ok(text.cast::<PyString>()?.to_cow()?.as_bytes().to_vec());
    }
    Err(pyo3::exceptions::PyTypeError::new_err(format!(
        "jwks must be str, bytes or dict, not {}",
        jwks.get_type().name()?
    )))
}

#[pymethods]
impl PyKeySet {
    /// Loads and validates every key of a JWK set or a single JWK.
    ///
    /// `allow_symmetric` loads `kty: "oct"` keys (HMAC secrets, for HS256/384/512): an
    /// explicit opt-in, for a key set of the caller's own secrets only, never for an
    /// identity provider's JWK set. Such keys are never loaded alongside asymmetric
    /// keys (there they are skipped), and a policy must allow HS* as well.
    #[staticmethod]
    #[pyo3(signature = (jwks, *, allow_small_rsa_exponent = false, allow_symmetric = false, max_size = jwtguard_core::DEFAULT_MAX_KEY_SET_LEN))]
    fn from_jwks(
        py: Python<'_>,
        jwks: &Bound<'_, PyAny>,
        allow_small_rsa_exponent: bool,
        allow_symmetric: bool,
        max_size: usize,
    ) -> PyResult<PyKeySet> {
        let document = document_bytes(py, jwks)?;
        let options =
            KeyOptions { allow_small_rsa_exponent, allow_symmetric, max_len: max_size, ..KeyOptions::default() };
        // RSA key preparation (and the ROCA check) take real time: release the GIL.
        match py.detach(move || KeySet::from_json_with(&document, &options)) {
            Ok(keys) => Ok(PyKeySet { inner: Arc::new(keys) }),
            Err(e) => Err(errors::from_core(py, Kind::KeySet, &e)),
        }
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// The `kid` of each usable key, in document order (`None` for a key without one).
    #[getter]
    fn kids(&self) -> Vec<Option<String>> {
        self.inner.keys().iter().map(|k| k.kid().map(str::to_owned)).collect()
    }

    /// One dict per usable key: `kid`, `x5t`, `alg`, `issuer`, `kty`, `bits` / `crv`.
    #[getter]
    fn keys<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for key in self.inner.keys() {
            let d = PyDict::new(py);
            d.set_item("kid", key.kid())?;
            d.set_item("x5t", key.x5t())?;
            d.set_item("alg", key.algorithm().map(|a| a.name()))?;
            d.set_item("issuer", key.issuer())?;
            let kind = key.kind();
            d.set_item("kty", kind.kty())?;
            match kind {
                KeyKind::Rsa { bits } => d.set_item("bits", bits)?,
                // Loaded only with allow_symmetric; the secret itself is never exposed.
                KeyKind::Oct { bytes } => d.set_item("bytes", bytes)?,
                _ => d.set_item("crv", kind.curve())?,
            }
            list.append(d)?;
        }
        Ok(list)
    }

    /// Keys present in the document that cannot be used: `(kid, reason, detail)` each,
    /// for logging. A token naming one of them is rejected with that key's reason.
    #[getter]
    fn rejected(&self) -> Vec<(Option<String>, &'static str, &'static str)> {
        self.inner.rejected().iter().map(|r| (r.kid().map(str::to_owned), r.reason().name(), r.detail())).collect()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let kids: Vec<String> = self.inner.keys().iter().map(|k| crate::py_repr(py, k.kid())).collect();
        format!(
            "<jwtguard.KeySet {} key(s) [{}], {} rejected>",
            self.inner.len(),
            kids.join(", "),
            self.inner.rejected().len()
        )
    }
}

/// One `KeySet` or a sequence of them (tried in turn), as shared handles.
pub fn key_sets(py: Python<'_>, keys: &Bound<'_, PyAny>) -> PyResult<Vec<Arc<KeySet>>> {
    if let Ok(set) = keys.cast::<PyKeySet>() {
        return Ok(vec![set.get().inner.clone()]);
    }
    if keys.is_instance_of::<PyString>() || keys.is_instance_of::<PyBytes>() || keys.is_instance_of::<PyDict>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "keys must be a jwtguard.KeySet (load a JWKS with KeySet.from_jwks) or a sequence of them",
        ));
    }
    let message = "keys must be a jwtguard.KeySet or a sequence of KeySet objects";
    let sets: Vec<Arc<KeySet>> =
        crate::each::<PyKeySet>(keys, message)?.iter().map(|set| set.get().inner.clone()).collect();
    if sets.is_empty() {
        return Err(errors::binding(py, Kind::KeySet, Reason::KeySetNoUsableKey, "no key set was given"));
    }
    Ok(sets)
}
