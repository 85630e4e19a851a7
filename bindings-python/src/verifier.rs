//! `jwtguard._jwtguard._Verifier`: the core's `Verifier` for `jwtguard.Validator`.
//!
//! The core decides everything: which key of which source verifies a token, which
//! issuers each source may sign for, when each source fetches (cold start, refresh,
//! unknown `kid`, back-off after failures), what a fetched document means, and what the
//! verified-token cache answers. This layer converts arguments, releases the GIL around
//! verification and key preparation, and builds Python objects; discovery.py performs
//! the HTTP GETs the core asks for.

use std::sync::atomic::{AtomicU64, Ordering};

use jwtguard_core::key_source::{FetchWhat, Offered, Refresh, SourceOptions};
use jwtguard_core::{Reason, Trust, Verifier};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyFloat, PyString, PyTuple};

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
    counts: Counts,
    cache_size: usize,
    cache_ttl: u64,
}

/// Cache lookups answered from the cache (`hits`) and not (`misses`, failures
/// included), as `functools.lru_cache` counts them.
#[derive(Default)]
pub(crate) struct Counts {
    hits: AtomicU64,
    misses: AtomicU64,
}

static CACHE_INFO: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

pub(crate) fn cache_info<'py>(
    py: Python<'py>,
    counts: &Counts,
    maxsize: usize,
    currsize: usize,
    ttl: u64,
) -> PyResult<Bound<'py, PyAny>> {
    let (hits, misses) = (counts.hits.load(Ordering::Relaxed), counts.misses.load(Ordering::Relaxed));
    CACHE_INFO.import(py, "jwtguard._cache", "CacheInfo")?.call1((hits, misses, maxsize, currsize, ttl))
}

/// `verifier.verify` with the GIL released: the claims as a new dict, or a
/// `VerifiedToken`; `counts` (when the verifier caches) counts the lookup.
pub(crate) fn run<'py>(
    py: Python<'py>,
    verifier: &Verifier,
    token: &Bound<'py, PyAny>,
    now: Option<&Bound<'py, PyAny>>,
    detailed: bool,
    counts: Option<&Counts>,
) -> PyResult<Bound<'py, PyAny>> {
    let token = token_bytes(token)?;
    let now = now_arg(now)?;
    // A hit checks no signature: answered without releasing the GIL.
    let verdict = match verifier.cached(token.as_bytes(), now) {
        Some(hit) => Ok(hit),
        None => py.detach(|| verifier.verify(token.as_bytes(), now)),
    };
    if let Some(counts) = counts {
        let hit = verdict.as_ref().is_ok_and(|v| v.cached);
        (if hit { &counts.hits } else { &counts.misses }).fetch_add(1, Ordering::Relaxed);
    }
    let verdict = verdict.map_err(|e| errors::from_core(py, Kind::Token, &e))?;
    let claims = json_objects::to_dict(py, verdict.token.payload())?;
    if !detailed {
        return Ok(claims);
    }
    Ok(VerifiedToken::new(py, claims, &verdict.token)?.into_any())
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
        let all_bound = builder_sources.iter().all(|(_, _, trust)| *trust != Trust::PolicyIssuers);
        let core_policy = policy.get().for_sources(py, all_bound)?;
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
        // A cache without time is no cache (its counts stay at zero).
        let cache_size = if cache_ttl > 0 { cache_size } else { 0 };
        if cache_size > 0 {
            builder = builder.cache(cache_size, cache_ttl);
        }
        let inner = builder.build().map_err(|e| errors::from_core(py, Kind::Policy, &e))?;
        Ok(PyVerifier { inner, counts: Counts::default(), cache_size, cache_ttl })
    }

    /// Verifies `token` at `now` (default: the system clock): the claims as a new dict,
    /// or with `detailed` a `VerifiedToken`. Raises `TokenError`.
    #[pyo3(signature = (token, now = None, detailed = false))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'py, PyAny>,
        now: Option<&Bound<'py, PyAny>>,
        detailed: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let counts = (self.cache_size > 0).then_some(&self.counts);
        run(py, &self.inner, token, now, detailed, counts)
    }

    /// Whether a fetch is due at `now`.
    fn wants_fetch(&self, now: u64) -> bool {
        self.inner.wants_fetch(now)
    }

    /// Claims the first due fetch: `(source, what, url)` with what `"openid-configuration"`
    /// or `"jwks"`, or `None`. Answer it with `offer` or `fetch_failed`.
    fn start_fetch(&self, now: u64) -> Option<(usize, &'static str, String)> {
        self.inner.start_fetch(now).map(|fetch| {
            let what = match fetch.what {
                FetchWhat::OpenIdConfiguration => "openid-configuration",
                FetchWhat::Jwks => "jwks",
            };
            (fetch.source, what, fetch.url)
        })
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
        cache_info(py, &self.counts, self.cache_size, self.inner.cache_len(), self.cache_ttl)
    }

    /// Empties the verified-token cache (the counts are kept).
    fn cache_clear(&self) {
        self.inner.cache_clear();
    }
}
