//! `jwtguard.Policy` and `jwtguard.RequiredClaim`: the rules, built and validated by the
//! core's `Policy::builder()` when constructed, immutable afterwards.
//!
//! A `Policy` holds the core policy and answers every property from it, so
//! `arguments()` and `replace(...)` (`python -m jwtguard explain` waives one rule at a
//! time) read back what the core keeps; an argument left at `None` keeps the core's
//! default. A policy without issuers (and without `any_issuer`) takes them from the key
//! sources (the core's `issuers_from_sources`; *incomplete* here): a `Validator` whose
//! every key source is bound to its own issuers (an OpenID configuration's discovered
//! issuer, APIM's behaviour) verifies with it, and the core refuses it anywhere else.
//! Issuers holding `{tenantid}` are matched by the core.

use jwtguard_core::{Algorithm, Error as CoreError, Match, Policy, PolicyBuilder, Reason, RequiredClaim};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::each;
use crate::errors::{self, Kind};

/// A required claim (APIM `<claim name="..." match="all|any" separator="...">`).
#[pyclass(frozen, eq, hash, module = "jwtguard", name = "RequiredClaim")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyRequiredClaim {
    name: String,
    values: Vec<String>,
    match_: Match,
    separator: Option<String>,
    /// The claim read instead when the token has no `name` claim.
    fallback: Option<String>,
}

/// `None` -> empty; a single `str` -> one item; any other iterable of `str` -> its items.
pub fn strings(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<String>> {
    match value.filter(|v| !v.is_none()) {
        None => Ok(Vec::new()),
        Some(s) if s.is_instance_of::<PyString>() => Ok(vec![s.extract()?]),
        Some(items) => each::<PyString>(items, &format!("{what} must be a string or an iterable of strings"))?
            .iter()
            .map(|s| s.extract())
            .collect(),
    }
}

fn policy_error(py: Python<'_>) -> impl Fn(CoreError) -> PyErr + '_ {
    move |e| errors::from_core(py, Kind::Policy, &e)
}

#[pymethods]
impl PyRequiredClaim {
    /// `match` and `separator` are read by the core (`None`: its default, `"all"`).
    #[new]
    #[pyo3(signature = (name, values = None, r#match = None, separator = None, fallback = None))]
    fn new(
        py: Python<'_>,
        name: String,
        values: Option<&Bound<'_, PyAny>>,
        r#match: Option<&str>,
        separator: Option<&str>,
        fallback: Option<String>,
    ) -> PyResult<Self> {
        let match_ = r#match.map_or(Ok(Match::default()), Match::from_name).map_err(policy_error(py))?;
        let separator =
            separator.map(RequiredClaim::separator_from).transpose().map_err(policy_error(py))?.map(String::from);
        Ok(PyRequiredClaim { name, values: strings(values, "values")?, match_, separator, fallback })
    }

    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.values)
    }

    #[getter(r#match)]
    fn get_match(&self) -> &'static str {
        self.match_.name()
    }

    #[getter]
    fn separator(&self) -> Option<&str> {
        self.separator.as_deref()
    }

    /// The claim read instead when the token has no claim `name` (e.g. `appid` for
    /// `azp`), or `None`.
    #[getter]
    fn fallback(&self) -> Option<&str> {
        self.fallback.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let fallback = match &self.fallback {
            Some(f) => format!(", fallback={}", PyString::new(py, f).repr()?),
            None => String::new(),
        };
        Ok(format!(
            "RequiredClaim({}, {}, match={}, separator={}{fallback})",
            PyString::new(py, &self.name).repr()?,
            PyList::new(py, &self.values)?.repr()?,
            PyString::new(py, self.match_.name()).repr()?,
            self.separator().into_pyobject(py)?.repr()?
        ))
    }
}

impl PyRequiredClaim {
    /// The rule added to `builder`.
    fn add_to(&self, builder: PolicyBuilder) -> PolicyBuilder {
        let values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        let separator = self.separator.as_deref();
        let rule = RequiredClaim { name: &self.name, values: &values, match_: self.match_, separator };
        match &self.fallback {
            Some(fallback) => builder.require_claim_or(rule, fallback),
            None => builder.require_claim(rule),
        }
    }
}

/// The rules a token must satisfy; immutable and safe to share between threads.
#[pyclass(frozen, module = "jwtguard", name = "Policy")]
pub struct PyPolicy {
    /// The core policy.
    core: Policy,
}

/// The constructor's arguments, in order: `arguments()` reads each from its property.
const ARGUMENTS: [&str; 15] = [
    "audiences",
    "issuers",
    "required_claims",
    "clock_skew",
    "require_expiration_time",
    "algorithms",
    "max_token_size",
    "kid_miss_fallback",
    "require_kid",
    "check_key_issuer",
    "any_audience",
    "any_issuer",
    "token_types",
    "allowed_tenants",
    "any_tenant",
];

/// Algorithm names -> algorithms; an unknown name is a `PolicyError`. HS256/384/512
/// verify only with keys loaded with `KeySet.from_jwks(..., allow_symmetric=True)`.
pub fn algorithms(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Vec<Algorithm>> {
    let known = || Algorithm::ALL.map(Algorithm::name).join(", ");
    let unknown = |name| format!("algorithm {name:?} is not supported (only {} are)", known());
    strings(Some(value), "algorithms")?
        .iter()
        .map(|name| {
            Algorithm::from_name(name)
                .ok_or_else(|| errors::binding(py, Kind::Policy, Reason::PolicyInvalid, &unknown(name)))
        })
        .collect()
}

/// `setter` applied to `builder` when `value` is given; the core's default stays otherwise.
fn given<T>(builder: PolicyBuilder, value: Option<T>, setter: fn(PolicyBuilder, T) -> PolicyBuilder) -> PolicyBuilder {
    match value {
        Some(value) => setter(builder, value),
        None => builder,
    }
}

#[pymethods]
impl PyPolicy {
    #[new]
    #[pyo3(signature = (
        audiences = None,
        issuers = None,
        required_claims = None,
        clock_skew = None,
        require_expiration_time = None,
        algorithms = None,
        max_token_size = None,
        kid_miss_fallback = None,
        require_kid = None,
        check_key_issuer = None,
        any_audience = false,
        any_issuer = false,
        token_types = None,
        allowed_tenants = None,
        any_tenant = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        audiences: Option<&Bound<'_, PyAny>>,
        issuers: Option<&Bound<'_, PyAny>>,
        required_claims: Option<&Bound<'_, PyAny>>,
        clock_skew: Option<i128>,
        require_expiration_time: Option<bool>,
        algorithms: Option<&Bound<'_, PyAny>>,
        max_token_size: Option<usize>,
        kid_miss_fallback: Option<bool>,
        require_kid: Option<bool>,
        check_key_issuer: Option<bool>,
        any_audience: bool,
        any_issuer: bool,
        token_types: Option<&Bound<'_, PyAny>>,
        allowed_tenants: Option<&Bound<'_, PyAny>>,
        any_tenant: bool,
    ) -> PyResult<Self> {
        let issuers = strings(issuers, "issuers")?;
        let mut b = Policy::builder().audiences(strings(audiences, "audiences")?.iter().map(String::as_str));
        b = b.issuers(issuers.iter().map(String::as_str));
        b = if any_audience { b.any_audience() } else { b };
        b = if any_issuer { b.any_issuer() } else { b };
        if let Some(claims) = required_claims.filter(|c| !c.is_none()) {
            for claim in each::<PyRequiredClaim>(claims, "required_claims must hold jwtguard.RequiredClaim objects")? {
                b = claim.get().add_to(b);
            }
        }
        if clock_skew.is_some_and(|skew| skew < 0) {
            return Err(errors::binding(py, Kind::Policy, Reason::PolicyInvalid, "clock_skew is negative"));
        }
        // The core saturates its time arithmetic: any larger skew means the same as u64::MAX.
        b = given(b, clock_skew.map(|skew| u64::try_from(skew).unwrap_or(u64::MAX)), PolicyBuilder::clock_skew);
        b = given(b, require_expiration_time, PolicyBuilder::require_expiration_time);
        if let Some(value) = algorithms.filter(|a| !a.is_none()) {
            b = b.algorithms(&self::algorithms(py, value)?);
        }
        b = given(b, max_token_size, PolicyBuilder::max_token_len);
        b = given(b, kid_miss_fallback, PolicyBuilder::kid_miss_fallback);
        b = given(b, require_kid, PolicyBuilder::require_kid);
        b = given(b, check_key_issuer, PolicyBuilder::check_key_issuer);
        b = b.token_types(strings(token_types, "token_types")?.iter().map(String::as_str));
        b = b.allowed_tenants(strings(allowed_tenants, "allowed_tenants")?.iter().map(String::as_str));
        b = if any_tenant { b.any_tenant() } else { b };
        // No issuer: they come from the key sources, which the core then requires
        // to be bound (an OpenID configuration's discovered issuer, or a list).
        let b = if issuers.is_empty() && !any_issuer { b.issuers_from_sources() } else { b };
        b.build().map(|core| PyPolicy { core }).map_err(policy_error(py))
    }

    /// A copy of this policy with some constructor arguments changed.
    #[pyo3(signature = (**changes))]
    fn replace<'py>(slf: &Bound<'py, Self>, changes: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
        let args = Self::arguments(slf)?;
        if let Some(changes) = changes {
            args.update(changes.as_mapping())?;
        }
        slf.get_type().call((), Some(&args))
    }

    /// The constructor arguments, as a dict (`Policy(**policy.arguments())` is equal).
    fn arguments<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(slf.py());
        for name in ARGUMENTS {
            d.set_item(name, slf.getattr(name)?)?;
        }
        Ok(d)
    }

    #[getter]
    fn audiences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.core.audiences().collect::<Vec<_>>())
    }

    #[getter]
    fn issuers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.core.issuers().collect::<Vec<_>>())
    }

    #[getter]
    fn required_claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let rules = self.core.required_claims().zip(self.core.required_claim_fallbacks());
        let claims = rules.map(|((name, values, match_, separator), fallback)| PyRequiredClaim {
            name: name.to_owned(),
            values: values.iter().map(str::to_owned).collect(),
            match_,
            separator: separator.map(str::to_owned),
            fallback: fallback.map(str::to_owned),
        });
        PyTuple::new(py, claims.collect::<Vec<_>>())
    }

    #[getter]
    fn clock_skew(&self) -> u64 {
        self.core.clock_skew()
    }

    #[getter]
    fn require_expiration_time(&self) -> bool {
        self.core.require_expiration_time()
    }

    /// The allowed algorithms, in the core's order.
    #[getter]
    fn algorithms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.core.algorithms().iter().map(Algorithm::name).collect::<Vec<_>>())
    }

    #[getter]
    fn max_token_size(&self) -> usize {
        self.core.max_token_len()
    }

    #[getter]
    fn kid_miss_fallback(&self) -> bool {
        self.core.jws_rules().kid_miss_fallback
    }

    /// Refuse a token that names no key (no `kid`, no `x5t`) when more than one key
    /// could verify it, with `TokenSignatureKeyNotFound` (default false: a few keys at
    /// most are tried).
    #[getter]
    fn require_kid(&self) -> bool {
        self.core.jws_rules().require_kid
    }

    #[getter]
    fn check_key_issuer(&self) -> bool {
        self.core.check_key_issuer()
    }

    /// The token types (`typ`) a token must carry one of; empty: `typ` is not checked.
    #[getter]
    fn token_types<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.core.token_types().collect::<Vec<_>>())
    }

    /// The tenants (`tid`) a multi-tenant issuer (`{tenantid}`) accepts tokens of.
    #[getter]
    fn allowed_tenants<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.core.allowed_tenants().collect::<Vec<_>>())
    }

    #[getter]
    fn any_tenant(&self) -> bool {
        self.core.any_tenant()
    }

    #[getter]
    fn any_audience(&self) -> bool {
        self.core.any_audience()
    }

    #[getter]
    fn any_issuer(&self) -> bool {
        self.core.any_issuer() && !self.core.issuers_from_sources()
    }

    /// False when no issuer is configured (and `any_issuer` is off): such a policy is
    /// only usable by a `Validator`, which adds the issuer from the OpenID configuration.
    #[getter]
    fn is_complete(&self) -> bool {
        self.core.check_complete().is_ok()
    }

    /// Raises the core's `PolicyError` when the policy is not complete (see `is_complete`).
    fn check_complete(&self, py: Python<'_>) -> PyResult<()> {
        self.complete(py).map(|_| ())
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let parts: PyResult<Vec<String>> =
            Self::arguments(slf)?.iter().map(|(k, v)| Ok(format!("{k}={}", v.repr()?))).collect();
        Ok(format!("Policy({})", parts?.join(", ")))
    }
}

impl PyPolicy {
    /// A complete core policy (e.g. one `jwtguard-policy` built), as it is.
    pub fn from_core(core: Policy) -> Self {
        PyPolicy { core }
    }

    /// The core policy; the core's `PolicyError` when the policy is incomplete.
    pub fn complete(&self, py: Python<'_>) -> PyResult<&Policy> {
        self.core.check_complete().map(|()| &self.core).map_err(policy_error(py))
    }

    /// The core policy as it is (a `Validator`'s core verifier checks it against its
    /// sources).
    pub fn core(&self) -> &Policy {
        &self.core
    }
}
