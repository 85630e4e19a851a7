//! # jwtguard-policy
//!
//! Reads an Azure API Management `<validate-jwt>` or `<validate-azure-ad-token>` policy
//! (alone, in a `<fragment>`, or inside a whole `<policies><inbound>…</inbound></policies>`
//! document) and turns it into jwtguard's configuration: a [`jwtguard_core::Policy`]
//! plus the settings that belong to the HTTP binding ([`ApimPolicy`]).
//!
//! ```
//! let xml = r#"<validate-jwt header-name="Authorization">
//!     <openid-config url="https://login.partner.microsoftonline.cn/6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b/v2.0/.well-known/openid-configuration" />
//!     <audiences><audience>8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8</audience></audiences>
//! </validate-jwt>"#;
//! let apim = jwtguard_policy::ApimPolicy::from_xml(xml).unwrap();
//! assert_eq!(
//!     apim.policy().issuers().collect::<Vec<_>>(),
//!     ["https://login.partner.microsoftonline.cn/6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b/v2.0"]
//! );
//! ```
//!
//! Security contract, in short:
//! - the input is size-checked before parsing ([`ParseOptions::max_len`], 1 MiB by
//!   default), parsed by `roxmltree` with DTDs refused, and no input panics;
//! - nothing is silently dropped: unknown attributes and elements are refused (unless
//!   [`ParseOptions::allow_unknown`], which turns each into a [`Note`]), settings that
//!   are accepted but have no effect are listed as notes, and every policy expression
//!   other than the few exactly-mapped `token-value` forms is refused;
//! - nothing is weakened: unsigned tokens, uploaded certificates, encrypted tokens and
//!   tenants without a fixed issuer are refused; a missing audience or issuer is an
//!   error unless explicitly waived in [`ParseOptions`];
//! - every rule is in the core policy ([`ApimPolicy::policy`]): `<client-application-ids>`
//!   too, as a required `azp` claim read from `appid` in tokens without `azp`;
//! - errors are one [`ErrorKind`] plus a [`Location`] and never contain key material;
//!   neither errors nor notes show a named value's value (they quote `{{name}}`);
//! - an inline key is accepted only if jwtguard-core loads it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::collections::BTreeMap;
use std::fmt;

use jwtguard_core::Policy;

mod entra;
mod error;
mod expr;
pub mod http;
mod keys;
mod named_values;
mod parse;

pub use entra::{EntraCloud, EntraSettings};
pub use error::{Error, ErrorKind, Location};
pub use keys::{InlineKey, InlineKeyKind};
pub use named_values::{
    named_value_entries, read_named_values, NamedValueEntry, MAX_NAMED_VALUE_LEN, MAX_NAMED_VALUE_NAME_LEN,
};

/// Longest policy document accepted by default: 1 MiB, checked before parsing.
pub const DEFAULT_MAX_POLICY_LEN: usize = 1024 * 1024;

/// Largest accepted `clock-skew`, in seconds (one day). Larger values would make `exp`
/// meaningless and are refused as [`ErrorKind::InvalidNumber`].
pub const MAX_CLOCK_SKEW: u64 = 86_400;

/// APIM's `failed-validation-httpcode` default.
pub const DEFAULT_FAILED_VALIDATION_HTTPCODE: u16 = 401;

/// The text APIM answers with when no token is presented and no
/// `failed-validation-error-message` is set. (For other failures APIM's default text
/// depends on the failure; a binding may use [`jwtguard_core::Reason::message`].)
pub const APIM_DEFAULT_TOKEN_MISSING_MESSAGE: &str = "JWT not present.";

/// How a document is read.
///
/// Security contract: the defaults are the strict ones. Each switch relaxes exactly one
/// rule, and a relaxation that takes effect is recorded as a [`Note`].
#[derive(Clone, Debug)]
pub struct ParseOptions {
    /// Longest accepted input in bytes (default [`DEFAULT_MAX_POLICY_LEN`]).
    pub max_len: usize,
    /// Values for APIM named values (`{{name}}`), substituted into attribute and element
    /// text before anything else is checked. A reference without a value here is
    /// [`ErrorKind::UnresolvedNamedValue`]. Values are never shown, whole or in part, in
    /// an error or a note: a message about a value written with a reference quotes the
    /// text as written, `{{name}}` included.
    pub named_values: BTreeMap<String, String>,
    /// Turn unknown attributes and elements into notes instead of refusing them.
    pub allow_unknown: bool,
    /// When the policy names no audience, waive the audience check
    /// ([`jwtguard_core::PolicyBuilder::any_audience`]) instead of refusing.
    pub allow_any_audience: bool,
    /// When no issuer is listed or derivable, waive the issuer check
    /// ([`jwtguard_core::PolicyBuilder::any_issuer`]) instead of refusing.
    pub allow_any_issuer: bool,
    /// The tenants (directory IDs) whose tokens a multi-tenant issuer accepts
    /// (`tenant-id="common"` / `"organizations"`, or such a discovery URL); see
    /// [`jwtguard_core::PolicyBuilder::allowed_tenant`].
    pub allowed_tenants: Vec<String>,
    /// Let a multi-tenant issuer accept every tenant's tokens
    /// ([`jwtguard_core::PolicyBuilder::any_tenant`]) instead of refusing a multi-tenant
    /// policy without [`ParseOptions::allowed_tenants`].
    pub allow_any_tenant: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            max_len: DEFAULT_MAX_POLICY_LEN,
            named_values: BTreeMap::new(),
            allow_unknown: false,
            allow_any_audience: false,
            allow_any_issuer: false,
            allowed_tenants: Vec::new(),
            allow_any_tenant: false,
        }
    }
}

impl ParseOptions {
    /// `InputTooLarge` for a document of `len` bytes over [`ParseOptions::max_len`]:
    /// for a caller that can refuse a document by its length before reading it.
    pub fn check_len(&self, len: usize) -> Result<(), Error> {
        if len > self.max_len {
            return Err(parse::too_large(len, self.max_len));
        }
        Ok(())
    }
}

/// Which APIM policy was translated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    /// `<validate-jwt>`.
    ValidateJwt,
    /// `<validate-azure-ad-token>`.
    ValidateAzureAdToken,
}

/// Where the binding takes the token from.
///
/// Security contract: each variant names one exact extraction; the binding must not
/// fall back to another place when the token is absent (that is `TokenNotPresent`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSource {
    /// The value of header `name` (`header-name`, default `Authorization`). For the
    /// `Authorization` header the value is `scheme token` (the scheme is checked when
    /// [`ApimPolicy::require_scheme`] is set, and removed); for any other header the
    /// whole value is the token.
    Header {
        /// The header name, as written (compare case-insensitively).
        name: String,
    },
    /// What follows the last space of header `name`'s value (the whole value when it has
    /// no space): `token-value="@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(' ').Last())"`.
    HeaderLastWord {
        /// The header name, as written (compare case-insensitively).
        name: String,
    },
    /// The query parameter `name` (`query-parameter-name`, or
    /// `@(context.Request.Url.Query.GetValueOrDefault("name", ""))`).
    Query {
        /// The parameter name (case-sensitive).
        name: String,
    },
    /// Cookie `name`: the first `;`-separated, trimmed item of the `Cookie` header that
    /// starts with `name=`, without that prefix (the mapped `token-value` cookie form).
    Cookie {
        /// The cookie name (case-sensitive).
        name: String,
    },
}

/// An issuer that was not listed in `<issuers>` but follows from an `<openid-config>` URL.
///
/// Security contract: APIM takes this issuer from the discovery document; this crate
/// derives it from the URL (see the README for the rules). A binding that fetches the
/// document should check that the document's `issuer` equals [`DerivedIssuer::issuer`]
/// and refuse the configuration otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DerivedIssuer {
    pub(crate) issuer: String,
    pub(crate) discovery_url: String,
}

impl DerivedIssuer {
    /// The issuer added to the policy.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    /// The `<openid-config url>` it follows from.
    pub fn discovery_url(&self) -> &str {
        &self.discovery_url
    }
}

/// Something accepted but worth knowing: a setting with no effect, a default that was
/// applied, a policy beside the validation policy that was not translated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    pub(crate) location: Location,
    pub(crate) message: String,
}

impl Note {
    /// Where it is.
    pub fn location(&self) -> &Location {
        &self.location
    }
    /// What it means.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// A translated APIM validation policy: the core policy plus the binding's settings.
///
/// Security contract: [`ApimPolicy::policy`] holds every audience, issuer, claim,
/// client application and lifetime rule of the APIM policy, so a token the core
/// verifies with it passes every rule the policy states. Keys come from [`ApimPolicy::openid_config_urls`] (to
/// be fetched by the caller) and/or [`ApimPolicy::inline_jwks`]. `Debug` never prints
/// the inline key set (it may hold symmetric secrets).
#[derive(Clone)]
pub struct ApimPolicy {
    pub(crate) kind: PolicyKind,
    pub(crate) policy: Policy,
    pub(crate) token_source: TokenSource,
    pub(crate) require_scheme: Option<String>,
    pub(crate) failed_validation_httpcode: u16,
    pub(crate) failed_validation_error_message: Option<String>,
    pub(crate) openid_config_urls: Vec<String>,
    pub(crate) derived_issuers: Vec<DerivedIssuer>,
    pub(crate) inline_keys: Vec<InlineKey>,
    pub(crate) inline_jwks: Option<String>,
    pub(crate) inline_jwks_rsa: Option<String>,
    pub(crate) inline_jwks_symmetric: Option<String>,
    pub(crate) decryption_jwks: Option<String>,
    pub(crate) entra: Option<EntraSettings>,
    pub(crate) notes: Vec<Note>,
}

/// The inline key sets may hold symmetric secrets: they are wiped when the policy is
/// dropped. (A copy handed to a caller, e.g. a Python string, is the caller's.)
impl Drop for ApimPolicy {
    fn drop(&mut self) {
        for jwks in [
            &mut self.inline_jwks,
            &mut self.inline_jwks_rsa,
            &mut self.inline_jwks_symmetric,
            &mut self.decryption_jwks,
        ] {
            zeroize::Zeroize::zeroize(jwks);
        }
    }
}

impl zeroize::ZeroizeOnDrop for ApimPolicy {}

impl ApimPolicy {
    /// Translates a policy document with the default (strict) [`ParseOptions`].
    pub fn from_xml(xml: &str) -> Result<ApimPolicy, Error> {
        ApimPolicy::from_xml_with(xml, &ParseOptions::default())
    }

    /// Translates a policy document. The length is checked before anything else.
    pub fn from_xml_with(xml: &str, options: &ParseOptions) -> Result<ApimPolicy, Error> {
        parse::parse(xml, options)
    }

    /// Translates a policy document given as bytes (must be UTF-8; a UTF-8 byte-order
    /// mark is allowed). The length is checked before decoding.
    pub fn from_bytes_with(bytes: &[u8], options: &ParseOptions) -> Result<ApimPolicy, Error> {
        options.check_len(bytes.len())?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let xml = std::str::from_utf8(bytes).map_err(|e| {
            Error::new(ErrorKind::XmlMalformed, Location::document(), format!("not UTF-8 at byte {}", e.valid_up_to()))
        })?;
        parse::parse(xml, options)
    }

    /// Which policy this was.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The core policy: audiences, issuers, required claims, clock skew, `exp` rule.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Where the token is read from.
    pub fn token_source(&self) -> &TokenSource {
        &self.token_source
    }

    /// `require-scheme`: the `Authorization` header's scheme must be this (compare
    /// case-insensitively). `None` when unset, and when APIM ignores it (a token source
    /// other than the `Authorization` header; a note says so).
    pub fn require_scheme(&self) -> Option<&str> {
        self.require_scheme.as_deref()
    }

    /// `failed-validation-httpcode` (default 401).
    pub fn failed_validation_httpcode(&self) -> u16 {
        self.failed_validation_httpcode
    }

    /// `failed-validation-error-message`, or `None` for APIM's default text (which
    /// depends on the failure, e.g. [`APIM_DEFAULT_TOKEN_MISSING_MESSAGE`]).
    pub fn failed_validation_error_message(&self) -> Option<&str> {
        self.failed_validation_error_message.as_deref()
    }

    /// OpenID Connect discovery documents to take signing keys (`jwks_uri`) from, in
    /// policy order (for `validate-azure-ad-token`, the tenant's v2.0 document). All
    /// are `https`.
    pub fn openid_config_urls(&self) -> &[String] {
        &self.openid_config_urls
    }

    /// Issuers in [`ApimPolicy::policy`] that were derived from discovery URLs rather
    /// than listed; check each against its fetched document.
    pub fn derived_issuers(&self) -> &[DerivedIssuer] {
        &self.derived_issuers
    }

    /// The inline `<issuer-signing-keys>`, without their material, in policy order.
    pub fn inline_keys(&self) -> &[InlineKey] {
        &self.inline_keys
    }

    /// The inline keys as a JWK set document (`{"keys":[...]}`), for
    /// [`jwtguard_core::KeySet::from_json`]; `None` without inline keys. RSA keys are
    /// `"kty":"RSA"`; symmetric keys are `"kty":"oct"` with the secret in `k`, which
    /// jwtguard-core loads only with `KeyOptions::allow_symmetric` and never in a set
    /// that also holds asymmetric keys (there they are skipped: a binding that needs
    /// both loads the [`ApimPolicy::inline_keys`] as two sets). Inline keys set the core's
    /// `kid_miss_fallback` (APIM tries each inline key). With `<openid-config>` as well,
    /// put these keys and the fetched ones into one set. Treat the text as a secret when
    /// [`InlineKeyKind::Symmetric`] keys are present.
    pub fn inline_jwks(&self) -> Option<&str> {
        self.inline_jwks.as_deref()
    }

    /// The inline keys of one kind as a JWK set document: the RSA keys, for a key set
    /// of their own (or merged with fetched keys), or the symmetric keys, for a key set
    /// loaded with `KeyOptions::allow_symmetric` and never merged with anything. `None`
    /// when the policy has no inline key of that kind. The symmetric document is a
    /// secret.
    pub fn inline_jwks_of(&self, kind: InlineKeyKind) -> Option<&str> {
        match kind {
            InlineKeyKind::Rsa => self.inline_jwks_rsa.as_deref(),
            InlineKeyKind::Symmetric => self.inline_jwks_symmetric.as_deref(),
        }
    }

    /// The `<decryption-keys>` as a JWK set of `oct` keys (each `<key>`'s base64 secret,
    /// its `id` as `kid`), for `jwtguard_core::jwe::DecryptionKeys`: encrypted tokens are
    /// decrypted with them, then verified. `None` without `<decryption-keys>`. A secret.
    pub fn decryption_jwks(&self) -> Option<&str> {
        self.decryption_jwks.as_deref()
    }

    /// The Entra settings of a `validate-azure-ad-token` policy.
    pub fn entra(&self) -> Option<&EntraSettings> {
        self.entra.as_ref()
    }

    /// Settings accepted without effect, defaults applied, and what was not translated.
    pub fn notes(&self) -> &[Note] {
        &self.notes
    }
}

impl fmt::Debug for ApimPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApimPolicy")
            .field("kind", &self.kind)
            .field("policy", &self.policy)
            .field("token_source", &self.token_source)
            .field("require_scheme", &self.require_scheme)
            .field("failed_validation_httpcode", &self.failed_validation_httpcode)
            .field("failed_validation_error_message", &self.failed_validation_error_message)
            .field("openid_config_urls", &self.openid_config_urls)
            .field("derived_issuers", &self.derived_issuers)
            .field("inline_keys", &self.inline_keys)
            .field("inline_jwks", &self.inline_jwks.as_ref().map(|_| "<redacted>"))
            .field("inline_jwks_rsa", &self.inline_jwks_rsa.as_ref().map(|_| "<redacted>"))
            .field("inline_jwks_symmetric", &self.inline_jwks_symmetric.as_ref().map(|_| "<redacted>"))
            .field("entra", &self.entra)
            .field("notes", &self.notes)
            .finish()
    }
}

/// An HTTP header name (RFC 9110 token), also used for cookie names.
pub(crate) fn is_header_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
