//! `jwtguard.TokenCache`: `jwtguard.verify` through a core `Verifier` with its
//! verified-token cache.
//!
//! The cache is the core's (what it answers, for which `now`, for how long, and that it
//! stores only successes). A call names its key sets and policy; this layer keeps one
//! core verifier for the `KeySet` and `Policy` objects of the last call and builds a new
//! one (with an empty cache) when a call names other objects. Each answer is built anew
//! from the verified payload, so callers may mutate what they get.

use std::sync::{Arc, Mutex};

use jwtguard_core::{KeySet, Trust, Verifier, DEFAULT_CACHE_CAPACITY};
use pyo3::prelude::*;
use pyo3::sync::MutexExt;

use crate::errors::{self, Kind};
use crate::keyset::key_sets;
use crate::policy::PyPolicy;
use crate::verifier::{cache_info, run, seconds_arg, Counts};
use crate::VerifiedToken;

/// The objects the current verifier was built from.
struct Built {
    sets: Vec<Arc<KeySet>>,
    policy: Py<PyPolicy>,
    verifier: Arc<Verifier>,
}

/// Remembers tokens that verified, keyed by the whole token (compared byte for byte),
/// at most ``maxsize`` of them (least recently used evicted first), each for at most
/// ``ttl`` seconds and never at or after its ``exp``.
///
/// ``verify`` and ``verify_detailed`` take the arguments of ``jwtguard.verify``. Entries
/// are tied to the ``KeySet`` objects and the ``Policy`` object they verified with: a call
/// with other ones forgets every entry first. Failures are never cached. Each answer is a
/// new object, so callers may mutate what they get. Thread-safe; the GIL is released
/// during verification.
#[pyclass(frozen, module = "jwtguard", name = "TokenCache")]
pub struct PyTokenCache {
    built: Mutex<Option<Built>>,
    counts: Counts,
    maxsize: usize,
    ttl: u64,
}

impl PyTokenCache {
    /// The verifier for these key sets and this policy: the current one, or a new one.
    fn verifier(
        &self,
        py: Python<'_>,
        keys: &Bound<'_, PyAny>,
        policy: &Bound<'_, PyPolicy>,
    ) -> PyResult<Arc<Verifier>> {
        let sets = key_sets(py, keys)?;
        let mut built = self.built.lock_py_attached(py).unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(b) = built.as_ref() {
            let same = b.policy.as_ptr() == policy.as_ptr()
                && b.sets.len() == sets.len()
                && b.sets.iter().zip(&sets).all(|(a, b)| Arc::ptr_eq(a, b));
            if same {
                return Ok(b.verifier.clone());
            }
        }
        let mut builder = Verifier::builder(policy.get().complete(py)?.clone());
        for set in &sets {
            builder = builder.fixed_keys((**set).clone(), Trust::PolicyIssuers);
        }
        if self.maxsize > 0 && self.ttl > 0 {
            builder = builder.cache(self.maxsize, self.ttl);
        }
        let verifier = Arc::new(builder.build().map_err(|e| errors::from_core(py, Kind::Policy, &e))?);
        *built = Some(Built { sets, policy: policy.clone().unbind(), verifier: verifier.clone() });
        Ok(verifier)
    }

    fn verify_with<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        keys: &Bound<'py, PyAny>,
        policy: &Bound<'py, PyPolicy>,
        now: Option<&Bound<'py, PyAny>>,
        detailed: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let verifier = self.verifier(py, keys, policy)?;
        run(py, &verifier, token, now, detailed, Some(&self.counts))
    }

    fn current(&self, py: Python<'_>) -> Option<Arc<Verifier>> {
        let built = self.built.lock_py_attached(py).unwrap_or_else(|poisoned| poisoned.into_inner());
        built.as_ref().map(|b| b.verifier.clone())
    }

    fn len(&self, py: Python<'_>) -> usize {
        self.current(py).map_or(0, |v| v.cache_len())
    }
}

#[pymethods]
impl PyTokenCache {
    #[new]
    #[pyo3(signature = (maxsize = DEFAULT_CACHE_CAPACITY as i64, ttl = None))]
    fn new(maxsize: i64, ttl: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let maxsize = usize::try_from(maxsize)
            .map_err(|_| pyo3::exceptions::PyValueError::new_err("maxsize must not be negative"))?;
        let ttl = seconds_arg(ttl, "ttl")?.unwrap_or(jwtguard_core::DEFAULT_CACHE_TTL);
        Ok(PyTokenCache { built: Mutex::new(None), counts: Counts::default(), maxsize, ttl })
    }

    /// ``jwtguard.verify`` through the cache: the claims as a new dict on every call.
    #[pyo3(signature = (token, keys, policy, now = None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        keys: &Bound<'py, PyAny>,
        policy: &Bound<'py, PyPolicy>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        self.verify_with(py, token, keys, policy, now, false)
    }

    /// ``jwtguard.verify_detailed`` through the cache: a new ``VerifiedToken`` on every call.
    #[pyo3(signature = (token, keys, policy, now = None))]
    fn verify_detailed<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        keys: &Bound<'py, PyAny>,
        policy: &Bound<'py, PyPolicy>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, VerifiedToken>> {
        Ok(self.verify_with(py, token, keys, policy, now, true)?.cast_into::<VerifiedToken>()?)
    }

    /// Forgets every entry (the hit and miss counts are kept).
    fn clear(&self, py: Python<'_>) {
        if let Some(verifier) = self.current(py) {
            verifier.cache_clear();
        }
    }

    /// ``CacheInfo(hits, misses, maxsize, currsize, ttl)``, like ``functools.lru_cache``;
    /// ``currsize`` may count entries past their deadline that were not looked up since.
    fn cache_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        cache_info(py, &self.counts, self.maxsize, self.len(py), self.ttl)
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.len(py)
    }

    /// The most entries kept.
    #[getter]
    fn maxsize(&self) -> usize {
        self.maxsize
    }

    /// The longest time, in whole seconds, an entry is used without verifying again.
    #[getter]
    fn ttl(&self) -> u64 {
        self.ttl
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<jwtguard.TokenCache {}/{} entries, ttl={} s>", self.len(py), self.maxsize, self.ttl)
    }
}
