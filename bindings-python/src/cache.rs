//! `jwtguard.TokenCache`: remembers tokens that verified, so that the same token
//! presented again skips the signature check and the claim rules.
//!
//! The memory is the core's `jwtguard_core::TokenCache`: found only by the whole token,
//! compared byte for byte; bounded, least recently used evicted first; an entry is never
//! used at or after the earlier of the token's `exp` and the time it was stored plus the
//! TTL. This layer adds:
//! - a `Mutex` around it, held only for the lookup and for the insertion, never across
//!   the verification (which runs with the GIL released, as `jwtguard.verify` does);
//! - the key sets and the policy the entries were verified with (strong references, so
//!   an address is never reused while bound): a call with any other key set or policy
//!   object first forgets every entry, and a verification that began before a flush is
//!   not stored after it (the `epoch`);
//! - an entry is used only at or after the `now` it was verified at, so a clock moved
//!   backwards re-verifies (`nbf` is never skipped);
//! - a hit hands out a fresh copy of the claims (new dicts and lists; the strings,
//!   numbers, booleans and `None` inside are immutable and shared), so whatever a caller
//!   does to its claims never reaches the cache or another caller.
//!
//! Failures are never stored: a token that fails is verified (and fails) every time.
//!
//! No Python code runs under the mutex: values are only cloned (a reference count) or
//! dropped there, and they hold nothing but `json.loads` output (dicts, lists, str,
//! int, float, bool, None), whose deallocation runs no Python code. The lock is taken
//! with `lock_py_attached` (which detaches while it waits), so it cannot deadlock with
//! the GIL either way.

use std::sync::{Arc, Mutex, MutexGuard};

use jwtguard_core::{KeySet, TokenCache, DEFAULT_CACHE_CAPACITY, DEFAULT_CACHE_TTL};
use pyo3::prelude::*;
use pyo3::sync::{MutexExt, PyOnceLock};
use pyo3::types::{PyDict, PyFloat, PyList};

use crate::keyset::key_sets;
use crate::policy::PyPolicy;
use crate::{json_objects, now_arg, token_bytes, verify_detached, Verified, VerifiedJws, VerifiedToken};

/// One token that verified.
struct Entry {
    /// The claims as parsed then, copied once more so no caller holds them; only ever
    /// copied from, never handed out.
    claims: Py<PyAny>,
    /// Header, payload and key, for `verify_detailed`.
    verified: Verified,
    /// The `now` it verified at: not used for an earlier `now`.
    verified_at: u64,
}

/// The key sets and policy the entries verified with.
struct Binding {
    sets: Vec<Arc<KeySet>>,
    policy: Py<PyPolicy>,
}

impl Binding {
    fn is(&self, sets: &[Arc<KeySet>], policy: &Bound<'_, PyPolicy>) -> bool {
        self.policy.as_ptr() == policy.as_ptr()
            && self.sets.len() == sets.len()
            && self.sets.iter().zip(sets).all(|(a, b)| Arc::ptr_eq(a, b))
    }
}

struct State {
    cache: TokenCache<Entry>,
    binding: Option<Binding>,
    /// Bumped by every flush: a verification that began before it is not stored.
    epoch: u64,
    hits: u64,
    misses: u64,
}

impl State {
    fn flush(&mut self) {
        self.cache.clear();
        self.binding = None;
        self.epoch = self.epoch.wrapping_add(1);
    }
}

/// Remembers tokens that verified, keyed by the whole token (compared byte for byte),
/// at most ``maxsize`` of them (least recently used evicted first), each for at most
/// ``ttl`` seconds and never at or after its ``exp``.
///
/// ``verify`` and ``verify_detailed`` take the arguments of ``jwtguard.verify``. Entries
/// are tied to the ``KeySet`` objects and the ``Policy`` object they verified with: a call
/// with other ones forgets every entry first. Failures are never cached. A hit returns
/// a fresh copy of the claims (new dicts and lists), so callers may mutate what they
/// get. Thread-safe; the lock is never held during a verification.
#[pyclass(frozen, module = "jwtguard", name = "TokenCache")]
pub struct PyTokenCache {
    state: Mutex<State>,
    maxsize: usize,
    ttl: u64,
}

enum Lookup {
    Hit(Py<PyAny>, Option<Verified>),
    Miss { epoch: u64 },
}

/// Seconds as a non-negative int, or a float (floored); `None`: the default.
fn ttl_arg(ttl: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    let Some(ttl) = ttl.filter(|t| !t.is_none()) else { return Ok(DEFAULT_CACHE_TTL) };
    let seconds: i128 = if ttl.is_instance_of::<PyFloat>() {
        let f: f64 = ttl.extract()?;
        if f.is_nan() {
            return Err(pyo3::exceptions::PyValueError::new_err("ttl must be a number of seconds"));
        }
        if f.is_infinite() && f > 0.0 {
            return Ok(u64::MAX);
        }
        f.floor() as i128
    } else {
        ttl.extract()?
    };
    if seconds < 0 {
        return Err(pyo3::exceptions::PyValueError::new_err("ttl must not be negative"));
    }
    Ok(u64::try_from(seconds).unwrap_or(u64::MAX))
}

/// A copy of `json.loads` output sharing nothing mutable: dicts and lists are copied
/// (recursively; the core bounds JSON nesting), everything else is immutable.
fn fresh<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    fn is_container(v: &Bound<'_, PyAny>) -> bool {
        v.is_exact_instance_of::<PyDict>() || v.is_exact_instance_of::<PyList>()
    }
    if let Ok(dict) = value.cast_exact::<PyDict>() {
        let copy = dict.copy()?;
        for (k, v) in dict.iter() {
            if is_container(&v) {
                copy.set_item(k, fresh(&v)?)?;
            }
        }
        return Ok(copy.into_any());
    }
    if let Ok(list) = value.cast_exact::<PyList>() {
        let copy = list.get_slice(0, list.len());
        for (i, v) in list.iter().enumerate() {
            if is_container(&v) {
                copy.set_item(i, fresh(&v)?)?;
            }
        }
        return Ok(copy.into_any());
    }
    Ok(value.clone())
}

impl PyTokenCache {
    fn lock(&self, py: Python<'_>) -> MutexGuard<'_, State> {
        match self.state.lock_py_attached(py) {
            Ok(guard) => guard,
            Err(poisoned) => {
                // A panic while holding the lock: trust nothing that was stored.
                let mut guard = poisoned.into_inner();
                guard.flush();
                self.state.clear_poison();
                guard
            }
        }
    }

    /// The claims (a fresh object) and, when `detailed`, what the core verified.
    fn run<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        keys: &Bound<'py, PyAny>,
        policy: &Bound<'py, PyPolicy>,
        now: Option<&Bound<'py, PyAny>>,
        detailed: bool,
    ) -> PyResult<(Bound<'py, PyAny>, Option<Verified>)> {
        let token = token_bytes(token)?;
        let sets = key_sets(py, keys)?;
        let now = now_arg(now)?;
        let bytes = token.as_bytes();

        let lookup = {
            let mut state = self.lock(py);
            if !state.binding.as_ref().is_some_and(|b| b.is(&sets, policy)) {
                state.flush();
                state.binding = Some(Binding { sets: sets.clone(), policy: policy.clone().unbind() });
            }
            let epoch = state.epoch;
            let found = match state.cache.get(bytes, now) {
                Some(entry) if now >= entry.verified_at => {
                    Some((entry.claims.clone_ref(py), detailed.then(|| entry.verified.clone())))
                }
                _ => None,
            };
            match found {
                Some((claims, verified)) => {
                    state.hits += 1;
                    Lookup::Hit(claims, verified)
                }
                None => {
                    state.misses += 1;
                    Lookup::Miss { epoch }
                }
            }
        };

        let epoch = match lookup {
            Lookup::Hit(claims, verified) => return Ok((fresh(claims.bind(py))?, verified)),
            Lookup::Miss { epoch } => epoch,
        };
        // Not cached: verify with the GIL released and the lock not held. A failure
        // propagates from here and is never stored.
        let verified = verify_detached(py, bytes, &sets, policy.get(), now)?;
        let claims = json_objects::to_dict(py, &verified.payload)?;
        if self.maxsize == 0 || self.ttl == 0 {
            return Ok((claims, detailed.then_some(verified)));
        }
        let private = fresh(&claims)?.unbind();
        let exp = verified.exp;
        let returned = detailed.then(|| verified.clone());
        let entry = Entry { claims: private, verified, verified_at: now };
        {
            let mut state = self.lock(py);
            if state.epoch == epoch {
                state.cache.insert(bytes, entry, now, exp);
            }
        }
        Ok((claims, returned))
    }
}

static CACHE_INFO: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

#[pymethods]
impl PyTokenCache {
    #[new]
    #[pyo3(signature = (maxsize = DEFAULT_CACHE_CAPACITY as i64, ttl = None))]
    fn new(maxsize: i64, ttl: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let maxsize = usize::try_from(maxsize)
            .map_err(|_| pyo3::exceptions::PyValueError::new_err("maxsize must not be negative"))?;
        let ttl = ttl_arg(ttl)?;
        Ok(PyTokenCache {
            state: Mutex::new(State {
                cache: TokenCache::new(maxsize, ttl),
                binding: None,
                epoch: 0,
                hits: 0,
                misses: 0,
            }),
            maxsize,
            ttl,
        })
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
        Ok(self.run(py, token, keys, policy, now, false)?.0)
    }

    /// ``jwtguard.verify_detailed`` through the cache: a new ``VerifiedToken`` (with new
    /// claims and header dicts) on every call.
    #[pyo3(signature = (token, keys, policy, now = None))]
    fn verify_detailed<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        keys: &Bound<'py, PyAny>,
        policy: &Bound<'py, PyPolicy>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<VerifiedToken> {
        let (claims, verified) = self.run(py, token, keys, policy, now, true)?;
        let verified = verified.ok_or_else(|| {
            pyo3::exceptions::PyRuntimeError::new_err("internal error: no verified token for verify_detailed")
        })?;
        Ok(VerifiedToken { claims: claims.unbind(), jws: VerifiedJws::new(py, verified)? })
    }

    /// Forgets every entry (the hit and miss counts are kept).
    fn clear(&self, py: Python<'_>) {
        // Values are dropped after the lock is released.
        let old = {
            let mut state = self.lock(py);
            let old = std::mem::replace(&mut state.cache, TokenCache::new(self.maxsize, self.ttl));
            let binding = state.binding.take();
            state.epoch = state.epoch.wrapping_add(1);
            (old, binding)
        };
        drop(old);
    }

    /// ``CacheInfo(hits, misses, maxsize, currsize, ttl)``, like ``functools.lru_cache``;
    /// ``currsize`` may count entries past their deadline that were not looked up since.
    fn cache_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (hits, misses, size) = {
            let state = self.lock(py);
            (state.hits, state.misses, state.cache.len())
        };
        CACHE_INFO.import(py, "jwtguard._cache", "CacheInfo")?.call1((hits, misses, self.maxsize, size, self.ttl))
    }

    fn __len__(&self, py: Python<'_>) -> usize {
        self.lock(py).cache.len()
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
        let len = self.lock(py).cache.len();
        format!("<jwtguard.TokenCache {len}/{} entries, ttl={} s>", self.maxsize, self.ttl)
    }
}
