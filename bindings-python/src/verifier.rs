//! `jwtguard._jwtguard._Verifier`: the core's `Verifier` for `jwtguard.Validator`.
//!
//! The core decides everything: which key of which source verifies a token, which
//! issuers each source may sign for, when each source fetches (cold start, refresh,
//! unknown `kid`, back-off after failures), what a fetched document means, and what the
//! verified-token cache answers. This layer converts arguments, releases the GIL around
//! verification and key preparation, and builds Python objects; discovery.py performs
//! the HTTP GETs the core asks for. `_read_openid_configuration` reads a configuration
//! document with the core's key source, for `jwtguard.discover`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use jwtguard_core::key_source::{self, KeySource, Offered, Refresh, SourceOptions};
use jwtguard_core::{Error as CoreError, Reason, Trust, Verdict, Verified, Verifier, NO_KEYS_YET};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::sync::{MutexExt, PyOnceLock};
use pyo3::types::{PyDict, PyFloat, PyList, PyString, PyTuple};

use crate::decryption::PyDecryptionKeys;
use crate::errors::{self, Kind};
use crate::keyset::PyKeySet;
use crate::policy::{self, PyPolicy};
use crate::{json_objects, now_arg, token_bytes, VerifiedToken};

/// Seconds as a non-negative int, or a float (floored; `inf` is the largest);
/// `None` for `None`.
pub(crate) fn seconds_arg(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<u64>> {
    let Some(value) = value.filter(|v| !v.is_none()) else { return Ok(None) };
    let seconds: i128 = if value.is_instance_of::<PyFloat>() {
        let f: f64 = value.extract()?;
        if f.is_nan() {
            return Err(pyo3::exceptions::PyValueError::new_err(format!("{what} must be a number of seconds")));
        }
        if f.is_infinite() && f > 0.0 {
            return Ok(Some(u64::MAX));
        }
        f.floor() as i128
    } else {
        value.extract()?
    };
    if seconds < 0 {
        return Err(pyo3::exceptions::PyValueError::new_err(format!("{what} must not be negative")));
    }
    Ok(Some(u64::try_from(seconds).unwrap_or(u64::MAX)))
}

/// `"policy"`, `"discovered"`, or an iterable of issuers.
fn trust_arg(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Trust> {
    if let Ok(s) = value.cast::<PyString>() {
        return match &*s.to_cow()? {
            "policy" => Ok(Trust::PolicyIssuers),
            "discovered" => Ok(Trust::Discovered),
            _ => Err(errors::binding(
                py,
                Kind::Policy,
                Reason::PolicyInvalid,
                "a source's trust is \"policy\", \"discovered\" or a list of issuers",
            )),
        };
    }
    Ok(Trust::Issuers(policy::strings(Some(value), "issuers")?))
}

/// The core's verifier, shared by threads; every method releases the GIL around the
/// core's work that may take time.
#[pyclass(frozen, module = "jwtguard._jwtguard", name = "_Verifier")]
pub struct PyVerifier {
    inner: Verifier,
    side: CacheSide,
    /// The cache's TTL asked for (`cache_info` shows it also when there is no cache).
    cache_ttl: u64,
}

/// What this layer keeps beside a core verifier's cache (which counts its hits and
/// misses): the claims built for cached tokens, so that a hit copies a dict instead of
/// building it from the payload again (a translation kept, no decision).
///
/// The claims are keyed by the address of the core's `Arc<Verified>` and hold a `Weak`
/// to it: while the entry exists that address cannot be taken by another token. They
/// are looked up only with an `Arc` the core's cache has just answered with, so they are
/// never used once the core has dropped its entry (evicted, expired, flushed after a
/// key change); such dead entries are swept when the table reaches twice the cache's
/// capacity. Every answer is a fresh copy (new dicts and lists; the strings and numbers
/// inside are immutable and shared), so callers may mutate what they get.
struct CacheSide {
    claims: Mutex<KeptClaims>,
    /// The core cache's capacity.
    capacity: usize,
}

/// Claims kept per cached token: the key is the address of the core's `Arc<Verified>`.
type KeptClaims = HashMap<usize, (Weak<Verified>, Py<PyAny>)>;

/// Kept claims for at least this many tokens before dead ones are swept.
const MIN_SWEEP: usize = 16;

impl CacheSide {
    fn new(capacity: usize) -> CacheSide {
        CacheSide { claims: Mutex::new(HashMap::new()), capacity }
    }

    /// The table; Python code never runs while it is held (values are only cloned or
    /// dropped there, and the claims hold nothing whose deallocation runs Python code).
    fn table(&self, py: Python<'_>) -> MutexGuard<'_, KeptClaims> {
        self.claims.lock_py_attached(py).unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The claims of `token`, which the core's cache has just answered with: a copy of
    /// the ones kept for it, or built from its payload (and a copy kept).
    fn claims<'py>(&self, py: Python<'py>, token: &Arc<Verified>) -> PyResult<Bound<'py, PyAny>> {
        let key = Arc::as_ptr(token) as usize;
        let kept = self.table(py).get(&key).map(|(_, claims)| claims.clone_ref(py));
        if let Some(kept) = kept {
            return fresh(kept.bind(py));
        }
        let claims = json_objects::to_dict(py, token.payload())?;
        let private = fresh(&claims)?.unbind();
        let mut table = self.table(py);
        let mut dropped = Vec::new();
        if table.len() >= self.capacity.saturating_mul(2).max(MIN_SWEEP) {
            let dead: Vec<usize> = table.iter().filter(|(_, (t, _))| t.strong_count() == 0).map(|(k, _)| *k).collect();
            dropped.extend(dead.iter().filter_map(|k| table.remove(k)));
        }
        dropped.extend(table.insert(key, (Arc::downgrade(token), private)));
        drop(table);
        drop(dropped); // Python objects released after the lock
        Ok(claims)
    }

    /// Forgets every kept claim (the core's cache was emptied).
    fn clear(&self, py: Python<'_>) {
        let dropped = std::mem::take(&mut *self.table(py));
        drop(dropped);
    }
}

/// A copy of claims sharing nothing mutable: dicts and lists are copied (recursively;
/// the core bounds JSON nesting), everything else is immutable.
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

static CACHE_INFO: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The exception for a verification error: `DiscoveryError` while no source has keys
/// (the core's `NO_KEYS_YET`), else the token error.
fn verify_error(py: Python<'_>, error: &CoreError) -> PyErr {
    let kind = if *error == NO_KEYS_YET { Kind::Unavailable } else { Kind::Token };
    errors::from_core(py, kind, error)
}

/// The claims as a new dict, or with `detailed` a `VerifiedToken`.
pub(crate) fn answer<'py>(
    py: Python<'py>,
    claims: Bound<'py, PyAny>,
    verified: &Verified,
    detailed: bool,
) -> PyResult<Bound<'py, PyAny>> {
    if !detailed {
        return Ok(claims);
    }
    Ok(VerifiedToken::new(py, claims, verified)?.into_any())
}

/// The core's rule for a URL a key source fetches (https; plain http only to a loopback
/// host, and only when allowed; no credentials, spaces or control characters): `None`,
/// or why it is refused.
#[pyfunction]
#[pyo3(signature = (url, allow_http_loopback = false))]
pub fn _check_url(url: &str, allow_http_loopback: bool) -> Option<&'static str> {
    key_source::check_url(url, allow_http_loopback).err()
}

/// The core's loopback hosts: `localhost`, `::1` and `127.x.x.x`.
#[pyfunction]
pub fn _is_loopback_host(host: &str) -> bool {
    key_source::is_loopback_host(host)
}

/// Reads an OpenID configuration document fetched from `url` with the core's rules (a
/// JSON object with a non-empty `issuer` and a `jwks_uri` the core would fetch):
/// `(issuer, jwks_uri, document)`, the document as a dict. Raises `KeySetError` for a
/// document the core refuses, `PolicyError` for a URL it would not fetch.
#[pyfunction]
#[pyo3(signature = (url, body, *, allow_http_loopback = false))]
pub fn _read_openid_configuration<'py>(
    py: Python<'py>,
    url: &str,
    body: PyBackedBytes,
    allow_http_loopback: bool,
) -> PyResult<(String, String, Bound<'py, PyAny>)> {
    let options = SourceOptions { allow_http_loopback, ..SourceOptions::default() };
    let mut source = KeySource::openid(url, options).map_err(|e| errors::from_core(py, Kind::Policy, &e))?;
    match source.offer(&body, 0) {
        Ok(Offered::Configuration { issuer, jwks_uri }) => Ok((issuer, jwks_uri, json_objects::to_dict(py, &body)?)),
        Ok(Offered::Keys { .. }) => Err(pyo3::exceptions::PyRuntimeError::new_err("an OpenID source took keys first")),
        Err(e) => Err(errors::from_core(py, Kind::KeySet, &e)),
    }
}

#[pymethods]
impl PyVerifier {
    /// `sources`: `(kind, where, trust)` each, in order: kind `"openid"` or `"jwks"`
    /// with a URL, or `"keys"` with a `KeySet`; trust `"policy"`, `"discovered"` or a
    /// list of issuers. Refresh times in seconds (`None`: the core's defaults).
    #[new]
    #[pyo3(signature = (
        policy,
        sources,
        *,
        allow_http_loopback = false,
        refresh_interval = None,
        kid_miss_interval = None,
        retry_min = None,
        retry_max = None,
        cache_size = 0,
        cache_ttl = None,
        decryption_keys = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        policy: &Bound<'_, PyPolicy>,
        sources: &Bound<'_, PyAny>,
        allow_http_loopback: bool,
        refresh_interval: Option<&Bound<'_, PyAny>>,
        kid_miss_interval: Option<&Bound<'_, PyAny>>,
        retry_min: Option<&Bound<'_, PyAny>>,
        retry_max: Option<&Bound<'_, PyAny>>,
        cache_size: usize,
        cache_ttl: Option<&Bound<'_, PyAny>>,
        decryption_keys: Option<&Bound<'_, PyDecryptionKeys>>,
    ) -> PyResult<Self> {
        let defaults = Refresh::DEFAULT;
        let refresh = Refresh {
            interval: seconds_arg(refresh_interval, "refresh_interval")?.unwrap_or(defaults.interval),
            kid_miss_interval: seconds_arg(kid_miss_interval, "kid_miss_interval")?
                .unwrap_or(defaults.kid_miss_interval),
            retry_min: seconds_arg(retry_min, "retry_min")?.unwrap_or(defaults.retry_min),
            retry_max: seconds_arg(retry_max, "retry_max")?.unwrap_or(defaults.retry_max),
            ..defaults
        };
        let options = SourceOptions { refresh, allow_http_loopback, ..SourceOptions::default() };
        let cache_ttl = seconds_arg(cache_ttl, "cache_ttl")?.unwrap_or(jwtguard_core::DEFAULT_CACHE_TTL);

        let mut builder_sources = Vec::new();
        for item in sources.try_iter()? {
            let item = item?;
            let (kind, place, trust): (String, Bound<'_, PyAny>, Bound<'_, PyAny>) =
                item.cast::<PyTuple>()?.extract()?;
            builder_sources.push((kind, place, trust_arg(py, &trust)?));
        }
        let core_policy = policy.get().core().clone();
        let mut builder = Verifier::builder(core_policy);
        for (kind, place, trust) in builder_sources {
            builder = match kind.as_str() {
                "openid" => builder.openid_config(&place.extract::<String>()?, trust, options),
                "jwks" => builder.jwks_url(&place.extract::<String>()?, trust, options),
                "keys" => {
                    let set = place
                        .cast::<PyKeySet>()
                        .map_err(|_| pyo3::exceptions::PyTypeError::new_err("keys must be jwtguard.KeySet objects"))?;
                    builder.fixed_keys((*set.get().inner).clone(), trust)
                }
                _ => return Err(pyo3::exceptions::PyValueError::new_err(format!("unknown key source kind {kind:?}"))),
            };
        }
        if let Some(keys) = decryption_keys {
            builder = builder.decryption_keys(keys.get().inner.clone());
        }
        let inner =
            builder.cache(cache_size, cache_ttl).build().map_err(|e| errors::from_core(py, Kind::Policy, &e))?;
        Ok(PyVerifier { side: CacheSide::new(inner.cache_capacity()), inner, cache_ttl })
    }

    /// Verifies `token` at `now` (default: the system clock): the claims as a new dict,
    /// or with `detailed` a `VerifiedToken`. With `policy`, under that policy instead of
    /// the verifier's (the same sources and issuer bindings; no cache, no refetch for an
    /// unknown `kid`). Raises `TokenError`, or `DiscoveryError` while no source has keys.
    #[pyo3(signature = (token, now = None, detailed = false, policy = None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
        detailed: bool,
        policy: Option<&Bound<'py, PyPolicy>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let policy = policy.map(|p| p.get().core());
        if let Some(policy) = policy {
            self.inner.check_policy(policy).map_err(|e| errors::from_core(py, Kind::Policy, &e))?;
        }
        let (token, now) = (token_bytes(token)?, now_arg(now)?);
        let token = token.as_bytes();
        let verdict = match policy {
            Some(policy) => py
                .detach(|| self.inner.verify_with_policy(token, now, policy))
                .map(|verified| Verdict { token: Arc::new(verified), cached: false }),
            // A hit checks no signature: answered without releasing the GIL.
            None => self.inner.cached(token, now).map_or_else(|| py.detach(|| self.inner.verify(token, now)), Ok),
        };
        let verdict = verdict.map_err(|e| verify_error(py, &e))?;
        let claims = match verdict.cached {
            true => self.side.claims(py, &verdict.token)?,
            false => json_objects::to_dict(py, verdict.token.payload())?,
        };
        answer(py, claims, &verdict.token, detailed)
    }

    /// Whether a fetch is due at `now`.
    fn wants_fetch(&self, now: u64) -> bool {
        self.inner.wants_fetch(now)
    }

    /// Claims the first due fetch: `(source, what, url)` with what `"openid-configuration"`
    /// or `"jwks"`, or `None`. Answer it with `offer` or `fetch_failed`.
    fn start_fetch(&self, now: u64) -> Option<(usize, &'static str, String)> {
        self.inner.start_fetch(now).map(|fetch| (fetch.source, fetch.what.name(), fetch.url))
    }

    /// Hands the core the body fetched for `source`: `("configuration", issuer,
    /// jwks_uri)` or `("keys", count)`. A document the core refuses raises
    /// `KeySetError` (and counts as a failed fetch).
    fn offer<'py>(
        &self,
        py: Python<'py>,
        source: usize,
        body: PyBackedBytes,
        now: u64,
    ) -> PyResult<Bound<'py, PyTuple>> {
        // Loading a key set prepares every key (RSA checks take real time).
        match py.detach(|| self.inner.offer(source, &body, now)) {
            Ok(Offered::Configuration { issuer, jwks_uri }) => ("configuration", issuer, jwks_uri).into_pyobject(py),
            Ok(Offered::Keys { count }) => ("keys", count).into_pyobject(py),
            Err(e) => Err(errors::from_core(py, Kind::KeySet, &e)),
        }
    }

    /// The fetch claimed for `source` failed (no answer, an error status, ...).
    fn fetch_failed(&self, source: usize, now: u64) {
        self.inner.fetch_failed(source, now);
    }

    /// Number of key sources.
    #[getter]
    fn source_count(&self) -> usize {
        self.inner.source_count()
    }

    /// `source`'s keys in use, or `None` before any loaded.
    fn source_keys(&self, source: usize) -> Option<PyKeySet> {
        self.inner.source_keys(source).map(|inner| PyKeySet { inner })
    }

    /// The issuer `source`'s OpenID configuration named, if it loaded one.
    fn source_issuer(&self, source: usize) -> Option<String> {
        self.inner.source_issuer(source)
    }

    /// `CacheInfo(hits, misses, maxsize, currsize, ttl)` of the verified-token cache.
    fn cache_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (hits, misses) = self.inner.cache_counts();
        let info = (hits, misses, self.inner.cache_capacity(), self.inner.cache_len(), self.cache_ttl);
        CACHE_INFO.import(py, "jwtguard._cache", "CacheInfo")?.call1(info)
    }

    /// Empties the verified-token cache (the counts are kept).
    fn cache_clear(&self, py: Python<'_>) {
        self.inner.cache_clear();
        self.side.clear(py);
    }
}
