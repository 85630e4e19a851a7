//! Why a policy document was refused, and where.
//!
//! Security contract: every refusal is exactly one [`ErrorKind`] (a closed set with
//! stable names) plus the [`Location`] of the element or attribute concerned. The
//! detail text is written by this crate: it may quote a header name, a URL or an
//! unsupported expression so the user can find it, but it never contains key
//! material (the text of `<key>` elements, `n`, `e`) or a named value's value: a
//! value written with a `{{name}}` reference is quoted as written.

use core::fmt;

/// Where in the policy document a problem (or a note) was found.
///
/// `path` is the chain of element names from the document root, e.g.
/// `policies/inbound/validate-jwt/issuer-signing-keys/key[2]` (an index is added when
/// an element has same-named siblings). `line` and `column` are 1-based positions in
/// the input text (0 when unknown, e.g. for a size refusal before parsing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub(crate) path: String,
    pub(crate) element: String,
    pub(crate) attribute: Option<String>,
    pub(crate) line: u32,
    pub(crate) column: u32,
}

impl Location {
    /// The whole document (used before parsing, or for problems of the document as a whole).
    pub(crate) fn document() -> Location {
        Location { path: String::new(), element: String::new(), attribute: None, line: 0, column: 0 }
    }

    /// The name of the element concerned (e.g. `key`); empty for the whole document.
    pub fn element(&self) -> &str {
        &self.element
    }

    /// The attribute concerned (e.g. `require-signed-tokens`), if the problem is one attribute.
    pub fn attribute(&self) -> Option<&str> {
        self.attribute.as_deref()
    }

    /// The element's path from the document root, e.g. `policies/inbound/validate-jwt/audiences`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// 1-based line in the input (0 when unknown).
    pub fn line(&self) -> u32 {
        self.line
    }

    /// 1-based column in the input (0 when unknown).
    pub fn column(&self) -> u32 {
        self.column
    }
}

impl fmt::Display for Location {
    /// `<path>` or `<path> @attribute`, then `(line L, column C)` when known.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str("the document")?;
        } else {
            write!(f, "<{}>", self.path)?;
        }
        if let Some(a) = &self.attribute {
            write!(f, " @{a}")?;
        }
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

macro_rules! kinds {
    ($( $(#[$doc:meta])* $name:ident => $msg:literal; )*) => {
        /// The closed set of reasons a policy document is refused.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorKind {
            $( $(#[$doc])* $name, )*
        }

        impl ErrorKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [ErrorKind] = &[ $( ErrorKind::$name, )* ];

            /// The stable name, e.g. `"UnsignedTokensRefused"`.
            pub const fn name(self) -> &'static str {
                match self { $( ErrorKind::$name => stringify!($name), )* }
            }

            /// A one-line description of the kind.
            pub const fn message(self) -> &'static str {
                match self { $( ErrorKind::$name => $msg, )* }
            }
        }
    };
}

kinds! {
    /// The input is longer than [`crate::ParseOptions::max_len`]; nothing was parsed.
    InputTooLarge => "the policy document exceeds the size limit";
    /// The input is not UTF-8 or not well-formed XML (DTDs are refused too).
    XmlMalformed => "the policy document is not well-formed XML";
    /// No `<validate-jwt>` or `<validate-azure-ad-token>` element was found.
    NoValidationPolicy => "the document holds no validate-jwt or validate-azure-ad-token policy";
    /// More than one validation policy was found (each would need its own jwtguard policy).
    MultipleValidationPolicies => "the document holds more than one validation policy";
    /// The validation policy is outside `<inbound>`, or inside a conditional policy such as `<choose>`.
    MisplacedValidationPolicy => "the validation policy is not a direct child of <inbound>";
    /// An element this crate does not know (rejected unless `allow_unknown`).
    UnknownElement => "unknown element";
    /// An attribute this crate does not know (rejected unless `allow_unknown`).
    UnknownAttribute => "unknown attribute";
    /// Text where only child elements are expected.
    UnexpectedText => "unexpected text content";
    /// An element that may appear once appears twice.
    DuplicateElement => "element appears more than once";
    /// A required attribute is missing.
    MissingAttribute => "a required attribute is missing";
    /// A required child element is missing.
    MissingElement => "a required element is missing";
    /// Attributes that exclude each other are both present (e.g. `header-name` and `query-parameter-name`).
    ConflictingAttributes => "attributes that exclude each other are both set";
    /// A number that is not a plain decimal in the allowed range.
    InvalidNumber => "invalid number";
    /// A boolean other than `true` or `false`.
    InvalidBoolean => "invalid boolean";
    /// A value outside what the attribute or element allows (empty text, unknown `match`, ...).
    InvalidValue => "invalid value";
    /// A policy expression (`@(...)` or `@{...}`) where jwtguard needs a fixed value.
    PolicyExpression => "policy expressions are not supported here";
    /// A `token-value` that is not one of the expression forms this crate maps exactly.
    UnsupportedTokenValue => "this token-value expression is not supported";
    /// A named value (`{{name}}`) that [`crate::ParseOptions::named_values`] does not supply.
    UnresolvedNamedValue => "a named value is not supplied";
    /// A named-values file ([`crate::read_named_values`]) that is not one `name=value`
    /// per line, or holds a name twice, an invalid name or an empty or unsafe value.
    InvalidNamedValues => "the named values are malformed";
    /// `require-signed-tokens="false"`: jwtguard never accepts unsigned tokens.
    UnsignedTokensRefused => "unsigned tokens are never accepted";
    /// A `<key certificate-id="...">`: uploaded certificates are not available outside APIM.
    CertificateKeyUnsupported => "certificate-id keys are not supported";
    /// A `<key>` that is not a valid RSA `n`/`e` pair or base64 symmetric key, or that
    /// jwtguard-core does not load (e.g. an HMAC secret under 32 bytes, an RSA modulus
    /// under 2048 bits).
    InvalidKey => "invalid key";
    /// Two inline keys share one `id`.
    DuplicateKeyId => "two keys share one id";
    /// More inline keys than a jwtguard key set can hold.
    TooManyKeys => "too many inline keys";
    /// No audience is configured and [`crate::ParseOptions::allow_any_audience`] is off.
    MissingAudience => "no audience is configured";
    /// No issuer is configured or derivable and [`crate::ParseOptions::allow_any_issuer`] is off.
    MissingIssuer => "no issuer is configured";
    /// Neither `<openid-config>` nor `<issuer-signing-keys>`: there is nothing to verify signatures with.
    MissingKeySource => "no signing key source is configured";
    /// A multi-tenant issuer (`common`, `organizations`) without
    /// [`crate::ParseOptions::allowed_tenants`] or
    /// [`crate::ParseOptions::allow_any_tenant`].
    MissingAllowedTenants => "a multi-tenant policy lists no allowed tenant";
    /// A `tenant-id` this crate cannot map to fixed issuers (multi-tenant ids, domain names).
    UnsupportedTenant => "this tenant-id is not supported";
    /// jwtguard-core refused the translated policy (the detail is the core's rule).
    CorePolicyRejected => "jwtguard-core rejected the translated policy";
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A refusal: the kind, where it is, and a detail written by this crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    location: Location,
    detail: String,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, location: Location, detail: impl Into<String>) -> Error {
        Error { kind, location, detail: detail.into() }
    }

    /// The kind of refusal.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Where it is.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// What exactly is wrong and, where there is one, what to do instead. Never holds key material.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for Error {
    /// `Kind at <location>: detail`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}: {}", self.kind.name(), self.location, self.detail)
    }
}

impl std::error::Error for Error {}
