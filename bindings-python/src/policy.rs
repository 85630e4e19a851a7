//! `jwtguard.Policy` and `jwtguard.RequiredClaim`: the rules, validated by the core's
//! `Policy::builder()` when constructed, immutable afterwards.
//!
//! A `Policy` keeps its constructor arguments (the `Spec`) so that a variant can be
//! built with `replace(...)` (`python -m jwtguard explain` waives one rule at a time).
//! A policy without issuers is kept *incomplete* instead of failing, when that is its
//! only problem: a `Validator` whose every key source is bound to its own issuers (an
//! OpenID configuration's discovered issuer, APIM's behaviour) verifies with it, the
//! sources' bindings standing in for the policy's issuer list; verifying with it
//! directly raises the core's `PolicyInvalid` error. Issuers holding `{tenantid}` are
//! matched by the core.

use jwtguard_core::{Algorithm, AlgorithmSet, Error as CoreError, Match, Policy, Reason, RequiredClaim};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};

use crate::errors::{self, Kind};

/// The `{tenantid}` placeholder of Microsoft Entra's multi-tenant issuers (the core
/// fills it with the token's `tid`).
pub const TENANT_TEMPLATE: &str = "{tenantid}";

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClaimSpec {
    name: String,
    values: Vec<String>,
    /// `Match::Any` when true (the core's `Match` is not `Hash`).
    any: bool,
    separator: Option<char>,
    /// The claim read instead when the token has no `name` claim.
    fallback: Option<String>,
}

impl ClaimSpec {
    fn match_(&self) -> Match {
        if self.any {
            Match::Any
        } else {
            Match::All
        }
    }
}

/// A required claim (APIM `<claim name="..." match="all|any" separator="...">`).
#[pyclass(frozen, eq, hash, module = "jwtguard", name = "RequiredClaim")]
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PyRequiredClaim {
    spec: ClaimSpec,
}

fn match_name(m: Match) -> &'static str {
    match m {
        Match::All => "all",
        Match::Any => "any",
    }
}

/// `None` -> empty; a single `str` -> one item; any other iterable of `str` -> its items.
pub fn strings(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<String>> {
    let Some(value) = value else { return Ok(Vec::new()) };
    if value.is_none() {
        return Ok(Vec::new());
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(vec![s.to_cow()?.into_owned()]);
    }
    let mut out = Vec::new();
    for item in value.try_iter()? {
        let item = item?;
        let s = item.cast::<PyString>().map_err(|_| {
            pyo3::exceptions::PyTypeError::new_err(format!("{what} must be a string or an iterable of strings"))
        })?;
        out.push(s.to_cow()?.into_owned());
    }
    Ok(out)
}

#[pymethods]
impl PyRequiredClaim {
    #[new]
    #[pyo3(signature = (name, values = None, r#match = "all", separator = None, fallback = None))]
    fn new(
        py: Python<'_>,
        name: &str,
        values: Option<&Bound<'_, PyAny>>,
        r#match: &str,
        separator: Option<&str>,
        fallback: Option<&str>,
    ) -> PyResult<Self> {
        let any = match r#match {
            "all" => false,
            "any" => true,
            _ => {
                return Err(errors::binding(
                    py,
                    Kind::Policy,
                    Reason::PolicyInvalid,
                    "match must be \"all\" or \"any\"",
                ))
            }
        };
        let separator = match separator {
            None => None,
            Some(s) => {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => {
                        return Err(errors::binding(
                            py,
                            Kind::Policy,
                            Reason::PolicyInvalid,
                            "a required claim's separator must be exactly one character",
                        ))
                    }
                }
            }
        };
        let values = strings(values, "values")?;
        let fallback = fallback.map(str::to_owned);
        Ok(PyRequiredClaim { spec: ClaimSpec { name: name.to_owned(), values, any, separator, fallback } })
    }

    #[getter]
    fn name(&self) -> &str {
        &self.spec.name
    }

    #[getter]
    fn values<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.spec.values)
    }

    #[getter(r#match)]
    fn get_match(&self) -> &'static str {
        match_name(self.spec.match_())
    }

    #[getter]
    fn separator(&self) -> Option<String> {
        self.spec.separator.map(String::from)
    }

    /// The claim read instead when the token has no claim `name` (e.g. `appid` for
    /// `azp`), or `None`.
    #[getter]
    fn fallback(&self) -> Option<&str> {
        self.spec.fallback.as_deref()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let values: Vec<String> = self.spec.values.iter().map(|v| crate::py_repr(py, Some(v))).collect();
        let separator = self.spec.separator.map(String::from);
        let fallback = match &self.spec.fallback {
            Some(f) => format!(", fallback={}", crate::py_repr(py, Some(f))),
            None => String::new(),
        };
        format!(
            "RequiredClaim({}, [{}], match={}, separator={}{fallback})",
            crate::py_repr(py, Some(&self.spec.name)),
            values.join(", "),
            crate::py_repr(py, Some(match_name(self.spec.match_()))),
            crate::py_repr(py, separator.as_deref())
        )
    }
}

/// The constructor arguments of a `Policy`.
#[derive(Clone, Debug)]
pub struct Spec {
    audiences: Vec<String>,
    issuers: Vec<String>,
    required: Vec<ClaimSpec>,
    clock_skew: u64,
    require_expiration_time: bool,
    algorithms: Vec<Algorithm>,
    max_token_size: usize,
    kid_miss_fallback: bool,
    check_key_issuer: bool,
    any_audience: bool,
    any_issuer: bool,
}

impl Spec {
    /// The core policy with the issuer check waived (`any_issuer`).
    fn without_issuers(&self) -> Result<Policy, CoreError> {
        Spec { any_issuer: true, issuers: Vec::new(), ..self.clone() }.build()
    }

    /// The core policy for these arguments.
    fn build(&self) -> Result<Policy, CoreError> {
        let mut b = Policy::builder().audiences(self.audiences.iter().map(String::as_str));
        if self.any_audience {
            b = b.any_audience();
        }
        b = b.issuers(self.issuers.iter().map(String::as_str));
        if self.any_issuer {
            b = b.any_issuer();
        }
        for claim in &self.required {
            let values: Vec<&str> = claim.values.iter().map(String::as_str).collect();
            let rule = RequiredClaim {
                name: &claim.name,
                values: &values,
                match_: claim.match_(),
                separator: claim.separator,
            };
            b = match &claim.fallback {
                Some(fallback) => b.require_claim_or(rule, fallback),
                None => b.require_claim(rule),
            };
        }
        b.clock_skew(self.clock_skew)
            .require_expiration_time(self.require_expiration_time)
            .algorithms(&self.algorithms)
            .max_token_len(self.max_token_size)
            .kid_miss_fallback(self.kid_miss_fallback)
            .check_key_issuer(self.check_key_issuer)
            .build()
    }
}

/// The rules a token must satisfy; immutable and safe to share between threads.
#[pyclass(frozen, module = "jwtguard", name = "Policy")]
pub struct PyPolicy {
    spec: Spec,
    /// The core policy, or the core's error when the only problem is a missing issuer.
    built: Result<Policy, CoreError>,
}

/// Algorithm names -> algorithms; an unknown name is a `PolicyError`. HS256/384/512
/// verify only with keys loaded with `KeySet.from_jwks(..., allow_symmetric=True)`.
pub fn algorithms(py: Python<'_>, value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Algorithm>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(AlgorithmSet::DEFAULT.iter().collect());
    };
    let mut out = Vec::new();
    for name in strings(Some(value), "algorithms")? {
        match Algorithm::from_name(&name) {
            Some(a) => out.push(a),
            None => {
                return Err(errors::binding(
                    py,
                    Kind::Policy,
                    Reason::PolicyInvalid,
                    &format!(
                        "algorithm {name:?} is not supported (RS256/384/512, PS256/384/512, ES256, ES384, EdDSA and \
                         HS256/384/512 are)"
                    ),
                ))
            }
        }
    }
    Ok(out)
}

fn clock_skew(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<u64> {
    let skew: i128 = value.extract()?;
    if skew < 0 {
        return Err(errors::binding(py, Kind::Policy, Reason::PolicyInvalid, "clock_skew is negative"));
    }
    // The core saturates its time arithmetic: any larger skew means the same as u64::MAX.
    Ok(u64::try_from(skew).unwrap_or(u64::MAX))
}

#[pymethods]
impl PyPolicy {
    #[new]
    #[pyo3(signature = (
        audiences = None,
        issuers = None,
        required_claims = None,
        clock_skew = None,
        require_expiration_time = true,
        algorithms = None,
        max_token_size = jwtguard_core::DEFAULT_MAX_TOKEN_LEN,
        kid_miss_fallback = false,
        check_key_issuer = true,
        any_audience = false,
        any_issuer = false,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        audiences: Option<&Bound<'_, PyAny>>,
        issuers: Option<&Bound<'_, PyAny>>,
        required_claims: Option<&Bound<'_, PyAny>>,
        clock_skew: Option<&Bound<'_, PyAny>>,
        require_expiration_time: bool,
        algorithms: Option<&Bound<'_, PyAny>>,
        max_token_size: usize,
        kid_miss_fallback: bool,
        check_key_issuer: bool,
        any_audience: bool,
        any_issuer: bool,
    ) -> PyResult<Self> {
        let mut required = Vec::new();
        if let Some(claims) = required_claims.filter(|c| !c.is_none()) {
            for item in claims.try_iter()? {
                let item = item?;
                let claim = item.cast::<PyRequiredClaim>().map_err(|_| {
                    pyo3::exceptions::PyTypeError::new_err("required_claims must hold jwtguard.RequiredClaim objects")
                })?;
                required.push(claim.get().spec.clone());
            }
        }
        let spec = Spec {
            audiences: strings(audiences, "audiences")?,
            issuers: strings(issuers, "issuers")?,
            required,
            clock_skew: match clock_skew.filter(|c| !c.is_none()) {
                Some(value) => self::clock_skew(py, value)?,
                None => 0,
            },
            require_expiration_time,
            algorithms: self::algorithms(py, algorithms)?,
            max_token_size,
            kid_miss_fallback,
            check_key_issuer,
            any_audience,
            any_issuer,
        };
        PyPolicy::from_spec(py, spec)
    }

    /// A copy of this policy with some constructor arguments changed.
    #[pyo3(signature = (**changes))]
    fn replace<'py>(slf: &Bound<'py, Self>, changes: Option<&Bound<'py, PyDict>>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let args = slf.get().arguments(py)?;
        if let Some(changes) = changes {
            args.update(changes.as_mapping())?;
        }
        slf.get_type().call((), Some(&args))
    }

    /// The constructor arguments, as a dict (`Policy(**policy.arguments())` is equal).
    fn arguments<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("audiences", self.audiences(py)?)?;
        d.set_item("issuers", self.issuers(py)?)?;
        d.set_item("required_claims", self.required_claims(py)?)?;
        d.set_item("clock_skew", self.spec.clock_skew)?;
        d.set_item("require_expiration_time", self.spec.require_expiration_time)?;
        d.set_item("algorithms", self.algorithms(py)?)?;
        d.set_item("max_token_size", self.spec.max_token_size)?;
        d.set_item("kid_miss_fallback", self.spec.kid_miss_fallback)?;
        d.set_item("check_key_issuer", self.spec.check_key_issuer)?;
        d.set_item("any_audience", self.spec.any_audience)?;
        d.set_item("any_issuer", self.spec.any_issuer)?;
        Ok(d)
    }

    #[getter]
    fn audiences<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.spec.audiences)
    }

    #[getter]
    fn issuers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, &self.spec.issuers)
    }

    #[getter]
    fn required_claims<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let claims: Vec<PyRequiredClaim> =
            self.spec.required.iter().map(|spec| PyRequiredClaim { spec: spec.clone() }).collect();
        PyTuple::new(py, claims)
    }

    #[getter]
    fn clock_skew(&self) -> u64 {
        self.spec.clock_skew
    }

    #[getter]
    fn require_expiration_time(&self) -> bool {
        self.spec.require_expiration_time
    }

    #[getter]
    fn algorithms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.spec.algorithms.iter().map(|a| a.name()))
    }

    #[getter]
    fn max_token_size(&self) -> usize {
        self.spec.max_token_size
    }

    #[getter]
    fn kid_miss_fallback(&self) -> bool {
        self.spec.kid_miss_fallback
    }

    #[getter]
    fn check_key_issuer(&self) -> bool {
        self.spec.check_key_issuer
    }

    #[getter]
    fn any_audience(&self) -> bool {
        self.spec.any_audience
    }

    #[getter]
    fn any_issuer(&self) -> bool {
        self.spec.any_issuer
    }

    /// False when no issuer is configured (and `any_issuer` is off): such a policy is
    /// only usable by a `Validator`, which adds the issuer from the OpenID configuration.
    #[getter]
    fn is_complete(&self) -> bool {
        self.built.is_ok()
    }

    /// Raises the core's `PolicyError` when the policy is not complete (see `is_complete`).
    fn check_complete(&self, py: Python<'_>) -> PyResult<()> {
        match &self.built {
            Ok(_) => Ok(()),
            Err(e) => Err(errors::from_core(py, Kind::Policy, e)),
        }
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let args = self.arguments(py)?;
        let mut parts = Vec::new();
        for (k, v) in args.iter() {
            parts.push(format!("{}={}", k.str()?, v.repr()?));
        }
        Ok(format!("Policy({})", parts.join(", ")))
    }
}

impl PyPolicy {
    fn from_spec(py: Python<'_>, spec: Spec) -> PyResult<Self> {
        let built = match spec.build() {
            Ok(policy) => Ok(policy),
            Err(e) => {
                // Incomplete rather than invalid when adding an issuer waiver is all it
                // takes for the core to accept it (the core decides both builds).
                if spec.issuers.is_empty() && !spec.any_issuer && spec.without_issuers().is_ok() {
                    Err(e)
                } else {
                    return Err(errors::from_core(py, Kind::Policy, &e));
                }
            }
        };
        Ok(PyPolicy { spec, built })
    }

    /// The core policy; the core's `PolicyError` when the policy is incomplete.
    pub fn complete(&self, py: Python<'_>) -> PyResult<&Policy> {
        self.built.as_ref().map_err(|e| errors::from_core(py, Kind::Policy, e))
    }

    /// The core policy for a verifier whose key sources are all bound to issuers of
    /// their own (`all_bound`): an incomplete policy then leaves the issuer check to
    /// those bindings. Otherwise the policy must be complete.
    pub fn for_sources(&self, py: Python<'_>, all_bound: bool) -> PyResult<Policy> {
        match &self.built {
            Ok(policy) => Ok(policy.clone()),
            Err(e) if !all_bound => Err(errors::from_core(py, Kind::Policy, e)),
            Err(_) => self.spec.without_issuers().map_err(|e| errors::from_core(py, Kind::Policy, &e)),
        }
    }
}
