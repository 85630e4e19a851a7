//! `jwtguard._translate_apim_policy`: an Azure API Management `<validate-jwt>` or
//! `<validate-azure-ad-token>` policy, translated by `jwtguard-policy`, for
//! `jwtguard.ApimPolicy`: the core policy it built as a `jwtguard.Policy`, the rest as
//! plain Python data (apim.py loads the inline key sets from it).
//!
//! Every decision is `jwtguard-policy`'s: this layer only converts. A refusal is a
//! `PolicyError` (`PolicyInvalid`) whose message is the refusal's kind, location and
//! detail, passed on unchanged (jwtguard-policy shows no key material and no named
//! value's value: it quotes the `{{name}}` reference).

use std::collections::BTreeMap;

use jwtguard_core::Reason;
use jwtguard_policy::{ApimPolicy, InlineKeyKind, ParseOptions, PolicyKind, TokenSource};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{self, Kind};
use crate::policy::PyPolicy;

/// Translates `xml`; see `jwtguard.ApimPolicy.from_xml` for the arguments.
#[pyfunction]
#[pyo3(signature = (
    xml,
    named_values = None,
    allow_unknown = false,
    allow_any_audience = false,
    allow_any_issuer = false,
    allowed_tenants = None,
    allow_any_tenant = false,
))]
#[allow(clippy::too_many_arguments)]
pub fn _translate_apim_policy<'py>(
    py: Python<'py>,
    xml: &str,
    named_values: Option<BTreeMap<String, String>>,
    allow_unknown: bool,
    allow_any_audience: bool,
    allow_any_issuer: bool,
    allowed_tenants: Option<Vec<String>>,
    allow_any_tenant: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let options = ParseOptions {
        named_values: named_values.unwrap_or_default(),
        allow_unknown,
        allow_any_audience,
        allow_any_issuer,
        allowed_tenants: allowed_tenants.unwrap_or_default(),
        allow_any_tenant,
        ..ParseOptions::default()
    };
    let apim = ApimPolicy::from_xml_with(xml, &options)
        .map_err(|e| errors::binding(py, Kind::Policy, Reason::PolicyInvalid, &e.to_string()))?;
    to_dict(py, &apim)
}

/// Reads APIM named values kept as text, one `name=value` per line; see
/// `jwtguard.read_named_values`. The format and its refusals are jwtguard-policy's.
#[pyfunction]
pub fn read_named_values(py: Python<'_>, text: &str) -> PyResult<BTreeMap<String, String>> {
    jwtguard_policy::read_named_values(text)
        .map_err(|e| errors::binding(py, Kind::Policy, Reason::PolicyInvalid, &e.to_string()))
}

fn to_dict<'py>(py: Python<'py>, apim: &ApimPolicy) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let kind = match apim.kind() {
        PolicyKind::ValidateJwt => "validate-jwt",
        PolicyKind::ValidateAzureAdToken => "validate-azure-ad-token",
    };
    d.set_item("kind", kind)?;
    d.set_item("policy", PyPolicy::from_core(apim.policy().clone()))?;
    d.set_item("openid_config_urls", apim.openid_config_urls())?;
    let derived: Vec<(&str, &str)> = apim.derived_issuers().iter().map(|i| (i.issuer(), i.discovery_url())).collect();
    d.set_item("derived_issuers", derived)?;
    d.set_item("inline_jwks_rsa", apim.inline_jwks_of(InlineKeyKind::Rsa))?;
    d.set_item("inline_jwks_symmetric", apim.inline_jwks_of(InlineKeyKind::Symmetric))?;
    d.set_item("decryption_jwks", apim.decryption_jwks())?;
    let (source, name) = match apim.token_source() {
        TokenSource::Header { name } => ("header", name),
        TokenSource::HeaderLastWord { name } => ("header_last_word", name),
        TokenSource::Query { name } => ("query", name),
        TokenSource::Cookie { name } => ("cookie", name),
    };
    d.set_item("token_source", (source, name))?;
    d.set_item("require_scheme", apim.require_scheme())?;
    d.set_item("failed_validation_httpcode", apim.failed_validation_httpcode())?;
    d.set_item("failed_validation_error_message", apim.failed_validation_error_message())?;
    d.set_item("notes", apim.notes().iter().map(|n| n.to_string()).collect::<Vec<_>>())?;
    Ok(d)
}
