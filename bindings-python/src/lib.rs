//! `jwtguard._jwtguard`: the Python extension module over `jwtguard-core`.
//!
//! Every decision is the core's: this layer converts arguments, releases the GIL around
//! the core calls (key preparation and verification), and turns results into Python
//! objects (claims and header are built from the JSON the core validated, as
//! `json.loads` would give them: json_objects.rs) and core errors into the package's
//! exceptions.
//!
//! Several key sets given to `verify` are searched as one by the core (a `kid` names the
//! first set's key carrying it; without one, a few keys at most are tried), each set
//! trusted for every issuer of the policy. `_Verifier` (verifier.rs) is the one binding
//! of the core's `Verifier`, for `jwtguard.Validator`: key sources bound to their
//! issuers, the fetch schedule and the verified-token cache.

use std::time::{SystemTime, UNIX_EPOCH};

use jwtguard_core::jws::{self, JwsRules};
use jwtguard_core::{AlgorithmSet, Error as CoreError, KeySet, Reason, Verified};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::type_object::PyTypeCheck;
use pyo3::types::{PyBytes, PyString};

mod apim;
mod decryption;
mod errors;
mod json_objects;
mod keyset;
mod policy;
mod verifier;

use errors::Kind;
use keyset::{key_sets, PyKeySet};
use policy::{PyPolicy, PyRequiredClaim};

/// A token argument: `str` or bytes-like, held without copying where possible.
enum TokenBytes {
    Str(PyBackedStr),
    Bytes(PyBackedBytes),
}

impl TokenBytes {
    fn as_bytes(&self) -> &[u8] {
        match self {
            TokenBytes::Str(s) => s.as_bytes(),
            TokenBytes::Bytes(b) => b,
        }
    }
}

fn token_bytes(token: &Bound<'_, PyAny>) -> PyResult<TokenBytes> {
    if let Ok(s) = token.cast::<PyString>() {
        return match s.extract::<PyBackedStr>() {
            Ok(text) => Ok(TokenBytes::Str(text)),
            // Lone surrogates: pass the bytes on and let the core reject them.
            Err(_) => Ok(TokenBytes::Bytes(s.call_method1("encode", ("utf-8", "surrogatepass"))?.extract()?)),
        };
    }
    token.extract::<PyBackedBytes>().map(TokenBytes::Bytes).map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(format!("token must be str or bytes, not {}", type_name(token)))
    })
}

/// The items of an iterable, each a `T`, or a `TypeError` saying `message`.
pub(crate) fn each<'py, T: PyTypeCheck>(items: &Bound<'py, PyAny>, message: &str) -> PyResult<Vec<Bound<'py, T>>> {
    let wrong = || pyo3::exceptions::PyTypeError::new_err(message.to_owned());
    items.try_iter()?.map(|item| item?.cast_into::<T>().map_err(|_| wrong())).collect()
}

/// Python's `repr` of a string (for `__repr__`s).
pub(crate) fn py_repr(py: Python<'_>, s: Option<&str>) -> String {
    match s {
        None => "None".to_owned(),
        Some(s) => PyString::new(py, s).repr().map(|r| r.to_string()).unwrap_or_else(|_| format!("{s:?}")),
    }
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".to_owned())
}

/// `now` in Unix seconds: the system clock by default; an int, or a float (floored).
fn now_arg(now: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    match verifier::seconds_arg(now, "now")? {
        Some(now) => Ok(now),
        None => Ok(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)),
    }
}

/// `jwtguard.verify` (the claims as a dict) and, with `detailed`,
/// `jwtguard.verify_detailed` (a `VerifiedToken`): the signature with a key from `keys`
/// (a `KeySet`, or a sequence of them searched as one), then every rule of `policy` at
/// `now` (Unix seconds, default: the current time). Raises `TokenError`.
#[pyfunction]
#[pyo3(signature = (token, keys, policy, now = None, detailed = false, decryption_keys = None))]
fn _verify<'py>(
    py: Python<'py>,
    token: &Bound<'py, PyAny>,
    keys: &Bound<'py, PyAny>,
    policy: &Bound<'py, PyPolicy>,
    now: Option<&Bound<'py, PyAny>>,
    detailed: bool,
    decryption_keys: Option<&Bound<'py, decryption::PyDecryptionKeys>>,
) -> PyResult<Bound<'py, PyAny>> {
    let token = token_bytes(token)?;
    let sets = key_sets(py, keys)?;
    let policy = policy.get().complete(py)?;
    let now = now_arg(now)?;
    let decryption = decryption_keys.map(|keys| keys.get().inner.clone());
    // Each set may sign for any issuer the policy allows; the GIL is released.
    let result = py.detach(|| {
        // The token to verify: as given, or the JWS inside an encrypted one.
        let signed = jwtguard_core::jwe::signed(token.as_bytes(), decryption.as_deref(), policy.max_token_len())?;
        let token: &[u8] = &signed;
        let sets: Vec<(&KeySet, Option<&[&str]>)> = sets.iter().map(|set| (&**set, None)).collect();
        let mut scratch = vec![0u8; jws::scratch_len(token.len().min(policy.max_token_len()))];
        jwtguard_core::verify_in(token, &sets, policy, now, &mut scratch)
            .map(|(verified, index)| Verified::from_token(&verified, index))
    });
    let verified = result.map_err(|e| {
        let kind = if e.reason() == Reason::PolicyInvalid { Kind::Policy } else { Kind::Token };
        errors::from_core(py, kind, &e)
    })?;
    verifier::answer(py, json_objects::to_dict(py, verified.payload())?, &verified, detailed)
}

/// The JWS layer alone: format, header, algorithm, key and signature, with no claim
/// rules (the payload need not be JSON). Raises `TokenError`.
#[pyfunction]
#[pyo3(signature = (
    token,
    keys,
    *,
    algorithms = None,
    max_token_size = None,
    kid_miss_fallback = None,
    require_kid = None,
))]
fn verify_jws(
    py: Python<'_>,
    token: &Bound<'_, PyAny>,
    keys: &Bound<'_, PyAny>,
    algorithms: Option<&Bound<'_, PyAny>>,
    max_token_size: Option<usize>,
    kid_miss_fallback: Option<bool>,
    require_kid: Option<bool>,
) -> PyResult<VerifiedJws> {
    let token = token_bytes(token)?;
    let sets = key_sets(py, keys)?;
    // What is not given is the core's default.
    let defaults = JwsRules::default();
    let rules = JwsRules {
        algorithms: match algorithms.filter(|a| !a.is_none()) {
            Some(names) => AlgorithmSet::of(&policy::algorithms(py, names)?),
            None => defaults.algorithms,
        },
        max_token_len: max_token_size.unwrap_or(defaults.max_token_len),
        kid_miss_fallback: kid_miss_fallback.unwrap_or(defaults.kid_miss_fallback),
        require_kid: require_kid.unwrap_or(defaults.require_kid),
    };
    let result = py.detach(|| {
        let token = token.as_bytes();
        let sets: Vec<&KeySet> = sets.iter().map(|set| &**set).collect();
        let mut scratch = vec![0u8; jws::scratch_len(token.len().min(rules.max_token_len))];
        let (verified, index) = jws::verify_in(token, &sets, &rules, &mut scratch)?;
        let (header, key) = (verified.header(), verified.key());
        let kid: Option<String> = header.kid().map(|s| s.chars().collect());
        let key = (key.kid().map(str::to_owned), key.issuer().map(str::to_owned), index);
        Ok::<_, CoreError>((header.object().raw().to_vec(), verified.payload().to_vec(), header.alg().name(), kid, key))
    });
    match result {
        Ok((header, payload, alg, kid, key)) => VerifiedJws::new(py, &header, &payload, alg, kid, key),
        Err(e) => Err(errors::from_core(py, Kind::Token, &e)),
    }
}

/// A JWS whose signature verified.
#[pyclass(frozen, subclass, module = "jwtguard", name = "VerifiedJws")]
struct VerifiedJws {
    /// The protected header, as a dict.
    #[pyo3(get)]
    header: Py<PyAny>,
    /// The decoded payload bytes.
    #[pyo3(get)]
    payload: Py<PyBytes>,
    /// The algorithm the signature verified with (`"RS256"` or `"ES256"`).
    #[pyo3(get)]
    alg: &'static str,
    /// The header's `kid`, if any.
    #[pyo3(get)]
    kid: Option<String>,
    /// The `kid` of the key that verified the signature, if it has one.
    #[pyo3(get)]
    key_kid: Option<String>,
    /// The `issuer` member of the key that verified the signature, if it has one.
    #[pyo3(get)]
    key_issuer: Option<String>,
    /// Which key set (when several were given) held that key.
    #[pyo3(get)]
    key_set_index: usize,
}

impl VerifiedJws {
    /// From a token the core verified (the header and payload are its own).
    fn from_verified(py: Python<'_>, v: &Verified) -> PyResult<Self> {
        let header = v.header();
        let kid = header.kid().map(|s| s.chars().collect());
        let key = (v.key_kid().map(str::to_owned), v.key_issuer().map(str::to_owned), v.source());
        VerifiedJws::new(py, header.object().raw(), v.payload(), header.alg().name(), kid, key)
    }

    /// `key`: the verifying key's `kid` and `issuer`, and the index of its set.
    fn new(
        py: Python<'_>,
        header: &[u8],
        payload: &[u8],
        alg: &'static str,
        kid: Option<String>,
        (key_kid, key_issuer, key_set_index): (Option<String>, Option<String>, usize),
    ) -> PyResult<Self> {
        let header = json_objects::to_dict(py, header)?.unbind();
        let payload = PyBytes::new(py, payload).unbind();
        Ok(VerifiedJws { header, payload, alg, kid, key_kid, key_issuer, key_set_index })
    }
}

#[pymethods]
impl VerifiedJws {
    fn __repr__(&self, py: Python<'_>) -> String {
        format!("<jwtguard.VerifiedJws alg={} key_kid={}>", self.alg, py_repr(py, self.key_kid.as_deref()))
    }
}

/// A token whose signature verified and whose claims satisfied the policy: a
/// `VerifiedJws` with the claims.
#[pyclass(frozen, extends = VerifiedJws, module = "jwtguard", name = "VerifiedToken")]
struct VerifiedToken {
    /// The claims, as a dict.
    #[pyo3(get)]
    claims: Py<PyAny>,
}

impl VerifiedToken {
    fn new<'py>(py: Python<'py>, claims: Bound<'py, PyAny>, v: &Verified) -> PyResult<Bound<'py, VerifiedToken>> {
        let jws = VerifiedJws::from_verified(py, v)?;
        Bound::new(py, PyClassInitializer::from(jws).add_subclass(VerifiedToken { claims: claims.unbind() }))
    }
}

#[pymethods]
impl VerifiedToken {
    fn __repr__(slf: &Bound<'_, Self>) -> String {
        let jws = slf.as_super().get();
        format!("<jwtguard.VerifiedToken alg={} key_kid={}>", jws.alg, py_repr(slf.py(), jws.key_kid.as_deref()))
    }
}

/// Every reason of the core, in code order: `(name, code, apim_name, message)`.
#[pyfunction]
fn _reasons() -> Vec<(&'static str, u32, &'static str, &'static str)> {
    Reason::ALL.iter().map(|r| (r.name(), r.code(), r.apim_name(), r.message())).collect()
}

#[pymodule]
fn _jwtguard(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::claim_interpreter(m.py())?;
    m.add_class::<PyKeySet>()?;
    m.add_class::<decryption::PyDecryptionKeys>()?;
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyRequiredClaim>()?;
    m.add_class::<VerifiedToken>()?;
    m.add_class::<VerifiedJws>()?;
    m.add_class::<verifier::PyVerifier>()?;
    m.add_function(wrap_pyfunction!(_verify, m)?)?;
    m.add_function(wrap_pyfunction!(verify_jws, m)?)?;
    m.add_function(wrap_pyfunction!(_reasons, m)?)?;
    m.add_function(wrap_pyfunction!(apim::_translate_apim_policy, m)?)?;
    m.add_function(wrap_pyfunction!(apim::read_named_values, m)?)?;
    m.add_function(wrap_pyfunction!(verifier::_read_openid_configuration, m)?)?;
    m.add_function(wrap_pyfunction!(verifier::_check_url, m)?)?;
    m.add_function(wrap_pyfunction!(verifier::_is_loopback_host, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_MAX_TOKEN_SIZE", jwtguard_core::DEFAULT_MAX_TOKEN_LEN)?;
    m.add("DEFAULT_MAX_KEY_SET_SIZE", jwtguard_core::DEFAULT_MAX_KEY_SET_LEN)?;
    m.add("MAX_KEYS", jwtguard_core::MAX_KEYS)?;
    m.add("MAX_JSON_DEPTH", jwtguard_core::json::MAX_DEPTH)?;
    m.add("TENANT_TEMPLATE", jwtguard_core::TENANT_TEMPLATE)?;
    m.add("DEFAULT_CACHE_SIZE", jwtguard_core::DEFAULT_CACHE_CAPACITY)?;
    m.add("DEFAULT_CACHE_TTL", jwtguard_core::DEFAULT_CACHE_TTL)?;
    m.add("BACKEND", jwtguard_core::Backend::DEFAULT.name())?;
    Ok(())
}
