//! The translation: find the validation policy, read it element by element, build.
//!
//! Security contract: every attribute and child element of the validation policy is
//! either mapped, recorded as a note, or refused; there is no path that skips one
//! silently. Values are checked for policy expressions after named values are filled
//! in, so an expression hidden in a named value is refused too. Errors and notes quote
//! a value written with a `{{name}}` reference as written ([`Ctx::quote_read`]), never
//! the named value's value or anything derived from it.

use std::collections::HashSet;

use jwtguard_core::{Algorithm, KeyOptions, KeySet, Match, Policy, RequiredClaim, MAX_KEYS, MAX_SEPARATOR_LEN};
use roxmltree::{Document, Node, NodeType, ParsingOptions};

use crate::entra::{self, EntraCloud, EntraSettings};
use crate::error::{Error, ErrorKind, Location};
use crate::keys::{self, InlineKey, InlineKeyKind, RenderedKey};
use crate::{
    expr, is_header_name, ApimPolicy, DerivedIssuer, Note, ParseOptions, PolicyKind, TokenSource,
    DEFAULT_FAILED_VALIDATION_HTTPCODE, MAX_CLOCK_SKEW,
};

type Result<T> = core::result::Result<T, Error>;

const VALIDATE_JWT: &str = "validate-jwt";
const VALIDATE_AAD: &str = "validate-azure-ad-token";

/// Most XML nodes a document may hold (elements, text, comments, attributes count
/// separately in roxmltree); bounds memory beyond the byte limit.
const MAX_NODES: u32 = 100_000;

/// The asymmetric algorithms API Management's validation policies accept; a translated
/// policy allows exactly these (and HS256/384/512 when it has inline symmetric keys).
const APIM_ASYMMETRIC: [Algorithm; 4] = [Algorithm::RS256, Algorithm::RS512, Algorithm::PS256, Algorithm::ES256];

/// The HMAC algorithms, allowed only with inline symmetric keys.
const APIM_SYMMETRIC: [Algorithm; 3] = [Algorithm::HS256, Algorithm::HS384, Algorithm::HS512];

/// Most notes kept; one more says that the rest were omitted.
const MAX_NOTES: usize = 64;

/// Longest excerpt of a value quoted in an error.
const MAX_QUOTE: usize = 160;

pub(crate) fn too_large(len: usize, max: usize) -> Error {
    Error::new(ErrorKind::InputTooLarge, Location::document(), format!("{len} bytes; the limit is {max} bytes"))
}

pub(crate) fn parse(xml: &str, opts: &ParseOptions) -> Result<ApimPolicy> {
    if xml.len() > opts.max_len {
        return Err(too_large(xml.len(), opts.max_len));
    }
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let parsing = ParsingOptions { allow_dtd: false, nodes_limit: MAX_NODES, entity_resolver: None };
    let doc = Document::parse_with_options(xml, parsing).map_err(|e| {
        let pos = e.pos();
        let location = Location { line: pos.row, column: pos.col, ..Location::document() };
        Error::new(ErrorKind::XmlMalformed, location, e.to_string())
    })?;
    let mut ctx = Ctx { opts, doc: &doc, notes: Vec::new() };
    let node = ctx.find_validation_policy()?;
    if node.tag_name().name() == VALIDATE_JWT {
        ctx.validate_jwt(node)
    } else {
        ctx.validate_azure_ad_token(node)
    }
}

/// Quotes `value` for an error or a note, shortened to [`MAX_QUOTE`] bytes. Only for
/// text that is never a named value's value (a reference's name, the text as written);
/// a value read from the document is quoted by [`Ctx::quote_read`].
///
/// Errors and notes reach log lines and C detail buffers: a control character the
/// document holds (`&#10;` in an attribute, say) is shown escaped (`\n`, `\u{7}`), never
/// as itself.
fn quote(value: &str) -> String {
    let mut end = value.len().min(MAX_QUOTE);
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = String::with_capacity(end + 4);
    out.push('`');
    for c in value[..end].chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out.push_str(if end < value.len() { "…`" } else { "`" });
    out
}

fn is_plain_element(node: &Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().namespace().is_none() && node.tag_name().name() == name
}

/// The first `{{name}}` reference in `text`: the text before it, the name, the text after it.
fn next_reference(text: &str) -> Option<(&str, &str, &str)> {
    let start = text.find("{{")?;
    let after = &text[start + 2..];
    let end = after.find("}}")?;
    Some((&text[..start], &after[..end], &after[end + 2..]))
}

/// An element's text as written: its text children, without child elements.
fn raw_text(node: Node<'_, '_>) -> String {
    node.children().filter(|c| c.is_text()).filter_map(|c| c.text()).collect()
}

/// Appends `value` unless `list` already holds it (linear time overall).
fn push_unique(list: &mut Vec<String>, seen: &mut HashSet<String>, value: String) {
    if seen.insert(value.clone()) {
        list.push(value);
    }
}

fn xml_trim(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// A parsed `<claim>`.
struct ClaimSpec {
    name: String,
    values: Vec<String>,
    match_: Match,
    separator: Option<String>,
}

/// What both validation policies share once read.
struct Common {
    audiences: Vec<String>,
    claims: Vec<ClaimSpec>,
}

/// What a validation policy adds to its [`Common`] part when its core policy is built.
struct BuildRules<'r> {
    issuers: &'r [String],
    any_audience: bool,
    any_issuer: bool,
    /// `clock-skew`, seconds.
    skew: u64,
    /// `require-expiration-time`.
    require_exp: bool,
    inline_keys: &'r [InlineKey],
    /// `<client-application-ids>`: `azp` (or `appid`) must be one of these.
    client_applications: &'r [String],
}

struct Ctx<'a, 'input> {
    opts: &'a ParseOptions,
    doc: &'a Document<'input>,
    notes: Vec<Note>,
}

impl<'a, 'input> Ctx<'a, 'input> {
    // ---- locations, notes -------------------------------------------------------------

    fn loc(&self, node: Node<'a, 'input>, attribute: Option<&str>) -> Location {
        let mut names: Vec<String> = Vec::new();
        for n in node.ancestors().filter(|n| n.is_element()) {
            let name = n.tag_name().name();
            let same = |s: &Node<'_, '_>| s.is_element() && s.tag_name() == n.tag_name();
            let siblings = n.parent().map_or(1, |p| p.children().filter(same).count());
            if siblings > 1 {
                let index = n.prev_siblings().filter(same).count();
                names.push(format!("{name}[{index}]"));
            } else {
                names.push(name.to_string());
            }
        }
        names.reverse();
        let mut offset = node.range().start;
        if let Some(a) = attribute.and_then(|name| node.attributes().find(|a| a.name() == name)) {
            offset = a.range().start;
        }
        let pos = self.doc.text_pos_at(offset);
        Location {
            path: names.join("/"),
            element: node.tag_name().name().to_string(),
            attribute: attribute.map(str::to_string),
            line: pos.row,
            column: pos.col,
        }
    }

    fn err(
        &self,
        kind: ErrorKind,
        node: Node<'a, 'input>,
        attribute: Option<&str>,
        detail: impl Into<String>,
    ) -> Error {
        Error::new(kind, self.loc(node, attribute), detail)
    }

    fn note(&mut self, node: Node<'a, 'input>, attribute: Option<&str>, message: impl Into<String>) {
        // Bounded: a document with thousands of ignorable nodes must not cost quadratic time.
        if self.notes.len() > MAX_NOTES {
            return;
        }
        let (location, message) = if self.notes.len() == MAX_NOTES {
            (Location::document(), "further notes omitted".to_string())
        } else {
            (self.loc(node, attribute), message.into())
        };
        self.notes.push(Note { location, message });
    }

    // ---- the document -----------------------------------------------------------------

    fn find_validation_policy(&mut self) -> Result<Node<'a, 'input>> {
        let root = self.doc.root_element();
        let mut found =
            self.doc.descendants().filter(|n| is_plain_element(n, VALIDATE_JWT) || is_plain_element(n, VALIDATE_AAD));
        let Some(node) = found.next() else {
            return Err(self.err(
                ErrorKind::NoValidationPolicy,
                root,
                None,
                "expected a <validate-jwt> or <validate-azure-ad-token> element",
            ));
        };
        if let Some(second) = found.next() {
            return Err(self.err(
                ErrorKind::MultipleValidationPolicies,
                second,
                None,
                "translate each validation policy separately: one jwtguard policy holds one rule set",
            ));
        }
        if node == root {
            return Ok(node);
        }
        let root_name = if root.tag_name().namespace().is_none() { root.tag_name().name() } else { "" };
        let parent = node.parent().filter(|p| p.is_element());
        let placed = match root_name {
            "policies" => parent.is_some_and(|p| is_plain_element(&p, "inbound") && p.parent() == Some(root)),
            "fragment" => parent == Some(root),
            _ => {
                return Err(self.err(
                    ErrorKind::UnknownElement,
                    root,
                    None,
                    "the document root must be <policies>, <fragment>, <validate-jwt> or <validate-azure-ad-token>",
                ))
            }
        };
        if !placed {
            let section = node.ancestors().find(|a| {
                ["outbound", "backend", "on-error"].iter().any(|s| is_plain_element(a, s)) && a.parent() == Some(root)
            });
            let detail = match (section, parent) {
                (Some(s), _) => {
                    format!("{} is only allowed in <inbound>, not in <{}>", node.tag_name().name(), s.tag_name().name())
                }
                (None, Some(p)) if p == root => format!("{} must be inside <inbound>", node.tag_name().name()),
                (None, Some(p)) => format!(
                    "inside <{}>: a conditional or nested validation policy cannot be translated",
                    p.tag_name().name()
                ),
                (None, None) => "not inside <inbound>".to_string(),
            };
            return Err(self.err(ErrorKind::MisplacedValidationPolicy, node, None, detail));
        }
        // Record what else is in the document: it is not part of the translation.
        if let Some(container) = parent {
            for sibling in container.children().filter(|c| c.is_element() && *c != node) {
                let message = if is_plain_element(&sibling, "base") {
                    "<base /> brings in the policies of the enclosing scope; they are not part of this translation"
                        .to_string()
                } else {
                    format!("<{}> is not translated (only the validation policy is)", sibling.tag_name().name())
                };
                self.note(sibling, None, message);
            }
        }
        if root_name == "policies" {
            for section in root.children().filter(|c| c.is_element() && parent != Some(*c)) {
                if section.children().any(|c| c.is_element() && !is_plain_element(&c, "base")) {
                    let message = format!("the policies in <{}> are not translated", section.tag_name().name());
                    self.note(section, None, message);
                }
            }
        }
        Ok(node)
    }

    // ---- generic readers --------------------------------------------------------------

    /// Refuses (or notes) attributes outside `allowed`.
    fn check_attrs(&mut self, node: Node<'a, 'input>, allowed: &[&str]) -> Result<()> {
        for a in node.attributes() {
            if a.namespace().is_none() && allowed.contains(&a.name()) {
                continue;
            }
            let name = a.name().to_string();
            let detail = format!("<{}> has no attribute `{}` this crate knows", node.tag_name().name(), name);
            if self.opts.allow_unknown {
                self.note(node, Some(&name), format!("{detail}; ignored (allow_unknown)"));
            } else {
                return Err(self.err(ErrorKind::UnknownAttribute, node, Some(&name), detail));
            }
        }
        Ok(())
    }

    /// The child elements named in `allowed`; other elements are refused (or noted and
    /// skipped); non-whitespace text is refused.
    fn elements(&mut self, node: Node<'a, 'input>, allowed: &[&str]) -> Result<Vec<Node<'a, 'input>>> {
        let mut out = Vec::new();
        for child in node.children() {
            match child.node_type() {
                NodeType::Element => {
                    if child.tag_name().namespace().is_none() && allowed.contains(&child.tag_name().name()) {
                        out.push(child);
                        continue;
                    }
                    let detail =
                        format!("<{}> is not a known child of <{}>", child.tag_name().name(), node.tag_name().name());
                    if self.opts.allow_unknown {
                        self.note(child, None, format!("{detail}; ignored (allow_unknown)"));
                    } else {
                        return Err(self.err(ErrorKind::UnknownElement, child, None, detail));
                    }
                }
                NodeType::Text if !xml_trim(child.text().unwrap_or("")).is_empty() => {
                    let detail = format!("<{}> holds text; only child elements are expected", node.tag_name().name());
                    return Err(self.err(ErrorKind::UnexpectedText, node, None, detail));
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// At most one element named `name` among `children`.
    fn once(&self, children: &[Node<'a, 'input>], name: &str) -> Result<Option<Node<'a, 'input>>> {
        let mut it = children.iter().filter(|c| c.tag_name().name() == name);
        let first = it.next().copied();
        if let Some(second) = it.next() {
            return Err(self.err(ErrorKind::DuplicateElement, *second, None, format!("<{name}> may appear only once")));
        }
        Ok(first)
    }

    /// Fills in `{{name}}` references from the options.
    fn named_values(&self, raw: &str, node: Node<'a, 'input>, attribute: Option<&str>) -> Result<String> {
        let mut out = String::with_capacity(raw.len());
        let mut rest = raw;
        while let Some((before, name, after)) = next_reference(rest) {
            let value = self.opts.named_values.get(name).ok_or_else(|| {
                let detail = format!("named value {} is referenced and no value is supplied for it", quote(name));
                self.err(ErrorKind::UnresolvedNamedValue, node, attribute, detail)
            })?;
            out.push_str(before);
            out.push_str(value);
            rest = after;
        }
        out.push_str(rest);
        Ok(out)
    }

    /// The text of `attribute` of `node` (or of `node` itself) as written, quoted, when
    /// it holds a `{{name}}` reference; `None` when it holds none.
    fn quoted_reference(&self, node: Node<'a, 'input>, attribute: Option<&str>) -> Option<String> {
        let raw = match attribute {
            Some(name) => node.attribute(name).unwrap_or_default().to_string(),
            None => raw_text(node),
        };
        next_reference(&raw).map(|_| quote(xml_trim(&raw)))
    }

    /// Quotes `value`, read from `attribute` of `node` (or from its text) or derived
    /// from what was read there, for an error or a note. When the text as written holds
    /// a `{{name}}` reference, that text is quoted instead: named values are often
    /// secrets, and no message shows one or any part of one.
    fn quote_read(&self, node: Node<'a, 'input>, attribute: Option<&str>, value: &str) -> String {
        self.quoted_reference(node, attribute).unwrap_or_else(|| quote(value))
    }

    /// Refuses a value that contains a policy expression, once named values are filled
    /// in. The detail quotes the text as written (with its `{{name}}` references), never
    /// a named value's value; `sensitive` values (key material) are not quoted at all.
    fn no_expression(
        &self,
        value: &str,
        node: Node<'a, 'input>,
        attribute: Option<&str>,
        sensitive: bool,
    ) -> Result<()> {
        if value.contains("@(") || value.contains("@{") {
            let what = match attribute {
                Some(a) => format!("attribute `{a}`"),
                None => format!("<{}>", node.tag_name().name()),
            };
            let shown = if sensitive { String::new() } else { format!(" {}", self.quote_read(node, attribute, value)) };
            let detail = format!(
                "{what} holds a policy expression{shown}: jwtguard evaluates no expressions; write the value it stands for"
            );
            return Err(self.err(ErrorKind::PolicyExpression, node, attribute, detail));
        }
        Ok(())
    }

    /// An attribute's value: named values filled in, expressions refused.
    fn attr(&self, node: Node<'a, 'input>, name: &str, sensitive: bool) -> Result<Option<String>> {
        let Some(raw) = node.attribute(name) else { return Ok(None) };
        let value = self.named_values(raw, node, Some(name))?;
        self.no_expression(&value, node, Some(name), sensitive)?;
        Ok(Some(value))
    }

    /// An attribute that must not be empty (after trimming).
    fn nonempty_attr(&self, node: Node<'a, 'input>, name: &str) -> Result<Option<String>> {
        match self.attr(node, name, false)? {
            Some(v) if xml_trim(&v).is_empty() => {
                Err(self.err(ErrorKind::InvalidValue, node, Some(name), format!("`{name}` is empty")))
            }
            Some(v) => Ok(Some(xml_trim(&v).to_string())),
            None => Ok(None),
        }
    }

    /// An element's text (trimmed of XML whitespace); child elements are refused.
    fn text(&mut self, node: Node<'a, 'input>, sensitive: bool) -> Result<String> {
        for child in node.children().filter(|c| c.is_element()) {
            let detail = format!("<{}> holds only text, not <{}>", node.tag_name().name(), child.tag_name().name());
            if self.opts.allow_unknown {
                self.note(child, None, format!("{detail}; ignored (allow_unknown)"));
            } else {
                return Err(self.err(ErrorKind::UnknownElement, child, None, detail));
            }
        }
        let value = self.named_values(&raw_text(node), node, None)?;
        self.no_expression(&value, node, None, sensitive)?;
        Ok(xml_trim(&value).to_string())
    }

    /// A leaf element whose text must not be empty, and that has no attributes.
    fn value_element(&mut self, node: Node<'a, 'input>) -> Result<String> {
        self.check_attrs(node, &[])?;
        let value = self.text(node, false)?;
        if value.is_empty() {
            let detail = format!("<{}> is empty", node.tag_name().name());
            return Err(self.err(ErrorKind::InvalidValue, node, None, detail));
        }
        Ok(value)
    }

    fn boolean(&self, node: Node<'a, 'input>, name: &str) -> Result<Option<bool>> {
        let Some(v) = self.attr(node, name, false)? else { return Ok(None) };
        match xml_trim(&v).to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            _ => Err(self.err(
                ErrorKind::InvalidBoolean,
                node,
                Some(name),
                format!("`{name}` is {}; expected true or false", self.quote_read(node, Some(name), &v)),
            )),
        }
    }

    /// A plain decimal number in `min..=max`.
    fn number(&self, node: Node<'a, 'input>, name: &str, min: u64, max: u64) -> Result<Option<u64>> {
        let Some(v) = self.attr(node, name, false)? else { return Ok(None) };
        let t = xml_trim(&v);
        let parsed = if !t.is_empty() && t.len() <= 20 && t.bytes().all(|b| b.is_ascii_digit()) {
            t.parse::<u64>().ok()
        } else {
            None
        };
        match parsed {
            Some(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(self.err(
                ErrorKind::InvalidNumber,
                node,
                Some(name),
                format!(
                    "`{name}` is {}; expected a whole number from {min} to {max}",
                    self.quote_read(node, Some(name), &v)
                ),
            )),
        }
    }

    // ---- shared parts of both policies ------------------------------------------------

    fn httpcode(&self, node: Node<'a, 'input>) -> Result<u16> {
        let code = self.number(node, "failed-validation-httpcode", 100, 599)?;
        Ok(code.map_or(DEFAULT_FAILED_VALIDATION_HTTPCODE, |c| c as u16))
    }

    /// `header-name` / `query-parameter-name` / `token-value`: at most one.
    fn token_source(&mut self, node: Node<'a, 'input>, default_note: bool) -> Result<TokenSource> {
        let mut chosen: Option<(&'static str, TokenSource)> = None;
        for name in ["header-name", "query-parameter-name", "token-value"] {
            let Some(raw) = node.attribute(name) else { continue };
            if let Some((first, _)) = &chosen {
                let detail = format!("`{first}` and `{name}` both name where the token is; keep one");
                return Err(self.err(ErrorKind::ConflictingAttributes, node, Some(name), detail));
            }
            let source = match name {
                "header-name" => {
                    let value = self.nonempty_attr(node, name)?.unwrap_or_default();
                    if !is_header_name(&value) {
                        let detail =
                            format!("{} is not an HTTP header name", self.quote_read(node, Some(name), &value));
                        return Err(self.err(ErrorKind::InvalidValue, node, Some(name), detail));
                    }
                    TokenSource::Header { name: value }
                }
                "query-parameter-name" => {
                    TokenSource::Query { name: self.nonempty_attr(node, name)?.unwrap_or_default() }
                }
                _ => {
                    let value = self.named_values(raw, node, Some(name))?;
                    expr::token_source(&value).ok_or_else(|| {
                        let detail = format!(
                            "{} is not supported: use header-name or query-parameter-name, or one of the exactly \
                             mapped forms (see the README)",
                            self.quote_read(node, Some(name), raw)
                        );
                        self.err(ErrorKind::UnsupportedTokenValue, node, Some(name), detail)
                    })?
                }
            };
            chosen = Some((name, source));
        }
        Ok(match chosen {
            Some((_, source)) => source,
            None => {
                if default_note {
                    self.note(
                        node,
                        None,
                        "none of header-name, query-parameter-name, token-value is set (APIM requires one); \
                         the token is read from the Authorization header",
                    );
                }
                TokenSource::Header { name: "Authorization".to_string() }
            }
        })
    }

    fn ignored_output_variable(&mut self, node: Node<'a, 'input>) -> Result<()> {
        const NAME: &str = "output-token-variable-name";
        if self.attr(node, NAME, false)?.is_some() {
            self.note(
                node,
                Some(NAME),
                "accepted and ignored: jwtguard has no policy variables; the binding exposes the verified claims",
            );
        }
        Ok(())
    }

    fn audiences(&mut self, node: Node<'a, 'input>, out: &mut Vec<String>) -> Result<()> {
        self.check_attrs(node, &[])?;
        let mut seen: HashSet<String> = out.iter().cloned().collect();
        for a in self.elements(node, &["audience"])? {
            let value = self.value_element(a)?;
            push_unique(out, &mut seen, value);
        }
        Ok(())
    }

    fn application_ids(&mut self, node: Node<'a, 'input>) -> Result<Vec<String>> {
        self.check_attrs(node, &[])?;
        let (mut out, mut seen) = (Vec::new(), HashSet::new());
        for a in self.elements(node, &["application-id"])? {
            let value = self.value_element(a)?;
            push_unique(&mut out, &mut seen, value);
        }
        Ok(out)
    }

    fn required_claims(&mut self, node: Node<'a, 'input>) -> Result<Vec<ClaimSpec>> {
        self.check_attrs(node, &[])?;
        let mut out = Vec::new();
        for claim in self.elements(node, &["claim"])? {
            self.check_attrs(claim, &["name", "match", "separator"])?;
            let Some(name) = self.nonempty_attr(claim, "name")? else {
                return Err(self.err(ErrorKind::MissingAttribute, claim, None, "<claim> needs a `name`"));
            };
            let match_ = match self.attr(claim, "match", false)? {
                None => Match::All,
                Some(m) if xml_trim(&m).eq_ignore_ascii_case("all") => Match::All,
                Some(m) if xml_trim(&m).eq_ignore_ascii_case("any") => Match::Any,
                Some(m) => {
                    let detail =
                        format!("`match` is {}; expected all or any", self.quote_read(claim, Some("match"), &m));
                    return Err(self.err(ErrorKind::InvalidValue, claim, Some("match"), detail));
                }
            };
            let separator = match self.attr(claim, "separator", false)? {
                None => None,
                Some(s) if RequiredClaim::separator_from(&s).is_ok() => Some(s),
                Some(s) => {
                    let detail = format!(
                        "`separator` is {}; jwtguard-core splits a claim by 1 to {MAX_SEPARATOR_LEN} bytes",
                        self.quote_read(claim, Some("separator"), &s)
                    );
                    return Err(self.err(ErrorKind::InvalidValue, claim, Some("separator"), detail));
                }
            };
            let mut values = Vec::new();
            for v in self.elements(claim, &["value"])? {
                values.push(self.value_element(v)?);
            }
            out.push(ClaimSpec { name, values, match_, separator });
        }
        Ok(out)
    }

    /// `<decryption-keys>`: each `<key>` is a base64 symmetric key of 16, 24, 32, 48 or
    /// 64 bytes (AES key wrap, AES-GCM key wrap or `dir`), rendered as an `oct` JWK (its
    /// `id` as `kid`) in [`ApimPolicy::decryption_jwks`], a secret. A `certificate-id`
    /// is refused: the private key must be supplied another way.
    fn decryption_keys(&mut self, node: Node<'a, 'input>) -> Result<String> {
        self.check_attrs(node, &[])?;
        let mut rendered = Vec::new();
        let mut kids = HashSet::new();
        for key in self.elements(node, &["key"])? {
            if rendered.len() == MAX_KEYS {
                let detail = format!("more than {MAX_KEYS} decryption keys; jwtguard holds at most {MAX_KEYS}");
                return Err(self.err(ErrorKind::TooManyKeys, node, None, detail));
            }
            self.check_attrs(key, &["id", "certificate-id"])?;
            if key.attribute("certificate-id").is_some() {
                return Err(self.err(
                    ErrorKind::CertificateKeyUnsupported,
                    key,
                    Some("certificate-id"),
                    "certificates uploaded to API Management are not available to jwtguard; supply the private key \
                     another way: as a JWK in a decryption keys file (nginx `jwtguard_decryption_keys_file`, Python \
                     `DecryptionKeys.from_jwks`)",
                ));
            }
            let kid = self.nonempty_attr(key, "id")?;
            if let Some(k) = &kid {
                if !kids.insert(k.clone()) {
                    let detail = format!("another <key> already has id {}", self.quote_read(key, Some("id"), k));
                    return Err(self.err(ErrorKind::DuplicateKeyId, key, Some("id"), detail));
                }
            }
            // The key's text is its secret: wiped when it goes out of scope.
            let text = zeroize::Zeroizing::new(self.text(key, true)?);
            let secret = keys::decode_base64(&text)
                .filter(|s| matches!(s.len(), 16 | 24 | 32 | 48 | 64))
                .map(zeroize::Zeroizing::new)
                .ok_or_else(|| {
                    self.err(
                        ErrorKind::InvalidKey,
                        key,
                        None,
                        "a decryption <key> must be the base64 of a 16, 24, 32, 48 or 64-byte symmetric key (its \
                         content is not shown)",
                    )
                })?;
            let members = vec![("k", keys::encode_base64url(&secret))];
            rendered.push(RenderedKey { kid, members, kty: "oct", usage: "enc" });
        }
        if rendered.is_empty() {
            return Err(self.err(ErrorKind::InvalidKey, node, None, "<decryption-keys> holds no <key>"));
        }
        let chosen: Vec<&RenderedKey> = rendered.iter().collect();
        Ok(keys::render_jwks(&chosen))
    }

    /// `<issuer-signing-keys>`.
    fn signing_keys(&mut self, node: Node<'a, 'input>) -> Result<(Vec<InlineKey>, Vec<RenderedKey>)> {
        self.check_attrs(node, &[])?;
        let mut listed = Vec::new();
        let mut rendered = Vec::new();
        let mut kids = HashSet::new();
        for key in self.elements(node, &["key"])? {
            if listed.len() == MAX_KEYS {
                let detail = format!("more than {MAX_KEYS} keys; a jwtguard key set holds at most {MAX_KEYS}");
                return Err(self.err(ErrorKind::TooManyKeys, node, None, detail));
            }
            self.check_attrs(key, &["id", "certificate-id", "n", "e"])?;
            if key.attribute("certificate-id").is_some() {
                return Err(self.err(
                    ErrorKind::CertificateKeyUnsupported,
                    key,
                    Some("certificate-id"),
                    "certificates uploaded to API Management are not available to jwtguard; supply the certificate's \
                     public key another way: as <key n=\"...\" e=\"...\"/> or as a JWK in the key set",
                ));
            }
            let kid = self.nonempty_attr(key, "id")?;
            if let Some(k) = &kid {
                if !kids.insert(k.clone()) {
                    let detail = format!("another <key> already has id {}", self.quote_read(key, Some("id"), k));
                    return Err(self.err(ErrorKind::DuplicateKeyId, key, Some("id"), detail));
                }
            }
            let n = self.attr(key, "n", true)?;
            let e = self.attr(key, "e", true)?;
            // A symmetric key's text is its secret: wiped when it goes out of scope.
            let text = zeroize::Zeroizing::new(self.text(key, true)?);
            let (kind, bits, kty, members) = match (n, e) {
                (Some(n), Some(e)) => {
                    if !text.is_empty() {
                        return Err(self.err(
                            ErrorKind::InvalidKey,
                            key,
                            None,
                            "a <key> has both n/e and text; give an RSA key as n and e, or a symmetric key as text",
                        ));
                    }
                    let n = self.rsa_member(key, "n", &n)?;
                    let e = self.rsa_member(key, "e", &e)?;
                    let bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
                    let members = vec![("n", keys::encode_base64url(&n)), ("e", keys::encode_base64url(&e))];
                    (InlineKeyKind::Rsa, bits, "RSA", members)
                }
                (Some(_), None) | (None, Some(_)) => {
                    let missing = if key.attribute("n").is_some() { "e" } else { "n" };
                    return Err(self.err(
                        ErrorKind::InvalidKey,
                        key,
                        None,
                        format!("an RSA <key> needs both n and e; `{missing}` is missing"),
                    ));
                }
                (None, None) => {
                    let secret = keys::decode_base64(&text).filter(|s| !s.is_empty()).map(zeroize::Zeroizing::new);
                    let secret = secret.ok_or_else(|| {
                        self.err(
                            ErrorKind::InvalidKey,
                            key,
                            None,
                            "a symmetric <key> must be non-empty base64 text (its content is not shown)",
                        )
                    })?;
                    let bits = secret.len() * 8;
                    (InlineKeyKind::Symmetric, bits, "oct", vec![("k", keys::encode_base64url(&secret))])
                }
            };
            let jwk = RenderedKey { kid, members, kty, usage: "sig" };
            self.key_loads(key, &jwk, kind)?;
            if kind == InlineKeyKind::Symmetric {
                self.note(
                    key,
                    None,
                    "symmetric key rendered as an `oct` JWK for HS256/384/512; load the inline key set with \
                     KeyOptions::allow_symmetric (jwtguard skips oct keys otherwise)",
                );
            }
            listed.push(InlineKey { kid: jwk.kid.clone(), kind, bits });
            rendered.push(jwk);
        }
        Ok((listed, rendered))
    }

    /// Refuses an inline key that jwtguard-core would not load (an HMAC secret shorter
    /// than 32 bytes, an RSA modulus under 2048 bits, an `id` over 128 bytes, ...): the
    /// policy is refused where the key is written, rather than its key set failing
    /// later in the binding. The core decides; its detail never holds key material.
    fn key_loads(&self, node: Node<'a, 'input>, jwk: &RenderedKey, kind: InlineKeyKind) -> Result<()> {
        let options = KeyOptions { allow_symmetric: kind == InlineKeyKind::Symmetric, ..KeyOptions::default() };
        match KeySet::from_json_with(zeroize::Zeroizing::new(keys::render_jwk(jwk)).as_bytes(), &options) {
            Ok(_) => Ok(()),
            Err(e) => Err(self.err(
                ErrorKind::InvalidKey,
                node,
                None,
                format!("jwtguard-core does not load this key ({e}); its content is not shown"),
            )),
        }
    }

    /// An RSA `n` or `e`: base64(url), minimal big-endian bytes. Never quoted.
    fn rsa_member(&self, key: Node<'a, 'input>, name: &str, value: &str) -> Result<Vec<u8>> {
        let bytes = keys::decode_base64(xml_trim(value)).unwrap_or_default();
        let first = bytes.iter().position(|&b| b != 0);
        match first {
            Some(i) => Ok(bytes[i..].to_vec()),
            None => Err(self.err(
                ErrorKind::InvalidKey,
                key,
                Some(name),
                format!("`{name}` must be a non-zero base64url number (its content is not shown)"),
            )),
        }
    }

    /// Whether the audience check is waived: not when audiences are listed, nor when a
    /// required claim on `aud` restricts the audience (as the Azure article's own policy
    /// does): its values become the audiences, and the claim rule stays, so `match="all"`
    /// with several values still needs every one of them in the token's `aud`.
    fn require_audiences(&mut self, node: Node<'a, 'input>, common: &mut Common, what: &str) -> Result<bool> {
        if !common.audiences.is_empty() {
            return Ok(false);
        }
        let aud_values = common.claims.iter().filter(|c| c.name == "aud" && c.separator.is_none());
        let derived: Vec<String> = aud_values.flat_map(|c| c.values.iter().cloned()).collect();
        if !derived.is_empty() {
            self.note(node, None, "no <audiences>: the audiences are the values of the required claim `aud`");
            common.audiences = derived;
            return Ok(false);
        }
        if self.opts.allow_any_audience {
            self.note(node, None, "no audience configured: the audience check is waived (allow_any_audience)");
            return Ok(true);
        }
        Err(self.err(
            ErrorKind::MissingAudience,
            node,
            None,
            format!("{what}; jwtguard requires one (or ParseOptions::allow_any_audience to waive the check)"),
        ))
    }

    fn build(&self, node: Node<'a, 'input>, common: &Common, rules: BuildRules<'_>) -> Result<Policy> {
        let BuildRules { issuers, any_audience, any_issuer, skew, require_exp, inline_keys, client_applications } =
            rules;
        let mut algorithms = APIM_ASYMMETRIC.to_vec();
        if inline_keys.iter().any(|k| k.kind() == InlineKeyKind::Symmetric) {
            algorithms.extend(APIM_SYMMETRIC);
        }
        let multi_tenant = issuers.iter().any(|i| i.contains(jwtguard_core::TENANT_TEMPLATE));
        if multi_tenant && self.opts.allowed_tenants.is_empty() && !self.opts.allow_any_tenant {
            return Err(self.err(
                ErrorKind::MissingAllowedTenants,
                node,
                None,
                "its issuer accepts tokens of any Microsoft Entra tenant; give the tenants allowed to call \
                 (allowed_tenants; nginx: tenant=<tid>) or accept every tenant explicitly (allow_any_tenant; \
                 nginx: any_tenant)",
            ));
        }
        let mut b = Policy::builder()
            .audiences(common.audiences.iter().map(String::as_str))
            .issuers(issuers.iter().map(String::as_str))
            .allowed_tenants(self.opts.allowed_tenants.iter().map(String::as_str))
            .clock_skew(skew)
            .require_expiration_time(require_exp)
            .algorithms(&algorithms)
            // APIM tries every inline key when the token's kid names none.
            .kid_miss_fallback(!inline_keys.is_empty());
        if any_audience {
            b = b.any_audience();
        }
        if any_issuer {
            b = b.any_issuer();
        }
        if self.opts.allow_any_tenant {
            b = b.any_tenant();
        }
        for claim in &common.claims {
            let values: Vec<&str> = claim.values.iter().map(String::as_str).collect();
            b = b.require_claim(RequiredClaim {
                name: &claim.name,
                values: &values,
                match_: claim.match_,
                separator: claim.separator.as_deref(),
            });
        }
        if !client_applications.is_empty() {
            // <client-application-ids>: the calling client is azp in v2.0 tokens, appid
            // in v1.0 tokens (which have no azp).
            let values: Vec<&str> = client_applications.iter().map(String::as_str).collect();
            let claim = RequiredClaim { name: "azp", values: &values, match_: Match::Any, separator: None };
            b = b.require_claim_or(claim, "appid");
        }
        b.build().map_err(|e| self.err(ErrorKind::CorePolicyRejected, node, None, e.detail()))
    }

    // ---- <validate-jwt> -----------------------------------------------------------------

    fn validate_jwt(mut self, node: Node<'a, 'input>) -> Result<ApimPolicy> {
        self.check_attrs(
            node,
            &[
                "header-name",
                "query-parameter-name",
                "token-value",
                "failed-validation-httpcode",
                "failed-validation-error-message",
                "require-expiration-time",
                "require-scheme",
                "require-signed-tokens",
                "clock-skew",
                "output-token-variable-name",
            ],
        )?;
        if self.boolean(node, "require-signed-tokens")? == Some(false) {
            return Err(self.err(
                ErrorKind::UnsignedTokensRefused,
                node,
                Some("require-signed-tokens"),
                "jwtguard never accepts unsigned tokens; remove require-signed-tokens=\"false\"",
            ));
        }
        let token_source = self.token_source(node, true)?;
        let httpcode = self.httpcode(node)?;
        let message = self.attr(node, "failed-validation-error-message", false)?;
        let require_exp = self.boolean(node, "require-expiration-time")?.unwrap_or(true);
        let skew = self.number(node, "clock-skew", 0, MAX_CLOCK_SKEW)?.unwrap_or(0);
        let mut require_scheme = self.nonempty_attr(node, "require-scheme")?;
        if let Some(scheme) = &require_scheme {
            if !is_header_name(scheme) {
                let shown = self.quote_read(node, Some("require-scheme"), scheme);
                let detail = format!("{shown} is not an authentication scheme name");
                return Err(self.err(ErrorKind::InvalidValue, node, Some("require-scheme"), detail));
            }
            let authorization =
                matches!(&token_source, TokenSource::Header { name } if name.eq_ignore_ascii_case("authorization"));
            if !authorization {
                self.note(
                    node,
                    Some("require-scheme"),
                    "ignored: APIM checks the scheme only when the token comes from the Authorization header",
                );
                require_scheme = None;
            }
        }
        self.ignored_output_variable(node)?;

        let children = self.elements(
            node,
            &["openid-config", "issuer-signing-keys", "decryption-keys", "audiences", "issuers", "required-claims"],
        )?;
        let decryption_jwks = match self.once(&children, "decryption-keys")? {
            Some(d) => Some(self.decryption_keys(d)?),
            None => None,
        };
        let (mut urls, mut seen_urls) = (Vec::new(), HashSet::new());
        let mut derived: Vec<(Node<'a, 'input>, String, core::result::Result<String, &'static str>)> = Vec::new();
        for oc in children.iter().copied().filter(|c| c.tag_name().name() == "openid-config") {
            self.check_attrs(oc, &["url", "validate-connectivity"])?;
            self.elements(oc, &[])?;
            let Some(url) = self.nonempty_attr(oc, "url")? else {
                return Err(self.err(ErrorKind::MissingAttribute, oc, Some("url"), "<openid-config> needs a `url`"));
            };
            let Some((host, path)) = entra::split_https(&url) else {
                let detail = format!(
                    "{} is not an https URL; keys must come over https",
                    self.quote_read(oc, Some("url"), &url)
                );
                return Err(self.err(ErrorKind::InvalidValue, oc, Some("url"), detail));
            };
            // The scheme and host are case-insensitive: written canonically, so the URL
            // and the issuer derived from it compare as every client writes them.
            let url = format!("https://{}/{path}", host.to_ascii_lowercase());
            let url = if path.is_empty() { url.trim_end_matches('/').to_string() } else { url };
            if self.boolean(oc, "validate-connectivity")?.is_some() {
                self.note(oc, Some("validate-connectivity"), "accepted and ignored: it only affects APIM's editor");
            }
            derived.push((oc, url.clone(), entra::issuer_from_discovery_url(&url)));
            push_unique(&mut urls, &mut seen_urls, url);
        }
        let (inline_keys, rendered) = match self.once(&children, "issuer-signing-keys")? {
            Some(k) => self.signing_keys(k)?,
            None => (Vec::new(), Vec::new()),
        };
        if urls.is_empty() && inline_keys.is_empty() {
            return Err(self.err(
                ErrorKind::MissingKeySource,
                node,
                None,
                "neither <openid-config> nor <issuer-signing-keys> with a <key>: no key could verify a signature",
            ));
        }
        let mut common = Common { audiences: Vec::new(), claims: Vec::new() };
        if let Some(a) = self.once(&children, "audiences")? {
            self.audiences(a, &mut common.audiences)?;
        }
        let (mut issuers, mut seen_issuers) = (Vec::new(), HashSet::new());
        if let Some(i) = self.once(&children, "issuers")? {
            self.check_attrs(i, &[])?;
            for issuer in self.elements(i, &["issuer"])? {
                let value = self.value_element(issuer)?;
                push_unique(&mut issuers, &mut seen_issuers, value);
            }
        }
        if let Some(c) = self.once(&children, "required-claims")? {
            common.claims = self.required_claims(c)?;
        }

        // Issuers: the listed ones plus those the discovery documents announce.
        let listed = !issuers.is_empty();
        let mut derived_issuers = Vec::new();
        for (oc, url, result) in derived {
            match result {
                Ok(issuer) => {
                    if !seen_issuers.contains(&issuer) {
                        // A URL written with a named value is quoted as written, and the
                        // issuer (part of the value) is not shown.
                        let derived = match self.quoted_reference(oc, Some("url")) {
                            Some(url) => format!("the issuer derived from the discovery URL {url}"),
                            None => format!("issuer {} derived from the discovery URL", quote(&issuer)),
                        };
                        self.note(
                            oc,
                            Some("url"),
                            format!(
                                "{derived} (APIM reads it from the document); check it against the fetched \
                                 document's `issuer`"
                            ),
                        );
                        push_unique(&mut issuers, &mut seen_issuers, issuer.clone());
                        derived_issuers.push(DerivedIssuer { issuer, discovery_url: url });
                    }
                }
                Err(why) if listed => self.note(
                    oc,
                    Some("url"),
                    format!(
                        "the issuer of this discovery document does not follow from its URL ({why}); only the \
                         listed <issuers> are accepted"
                    ),
                ),
                Err(why) if !self.opts.allow_any_issuer => {
                    return Err(self.err(
                        ErrorKind::MissingIssuer,
                        oc,
                        Some("url"),
                        format!("no <issuers> are listed and the document's issuer does not follow from its URL ({why}); list the issuer in <issuers>"),
                    ))
                }
                Err(_) => {}
            }
        }
        let mut any_issuer = false;
        if issuers.is_empty() {
            if !self.opts.allow_any_issuer {
                return Err(self.err(
                    ErrorKind::MissingIssuer,
                    node,
                    None,
                    "no <issuers> and no <openid-config>: jwtguard requires an issuer (or \
                     ParseOptions::allow_any_issuer to waive the check)",
                ));
            }
            self.note(node, None, "no issuer configured: the issuer check is waived (allow_any_issuer)");
            any_issuer = true;
        }
        let any_audience = self.require_audiences(node, &mut common, "no <audiences> are listed")?;
        let rules = BuildRules {
            issuers: &issuers,
            any_audience,
            any_issuer,
            skew,
            require_exp,
            inline_keys: &inline_keys,
            client_applications: &[],
        };
        let policy = self.build(node, &common, rules)?;
        let render = |keep: &dyn Fn(&RenderedKey) -> bool| {
            let chosen: Vec<&RenderedKey> = rendered.iter().filter(|k| keep(k)).collect();
            (!chosen.is_empty()).then(|| keys::render_jwks(&chosen))
        };
        let inline_jwks = render(&|_| true);
        let inline_jwks_rsa = render(&|k| k.kty != "oct");
        let inline_jwks_symmetric = render(&|k| k.kty == "oct");
        Ok(ApimPolicy {
            kind: PolicyKind::ValidateJwt,
            policy,
            token_source,
            require_scheme,
            failed_validation_httpcode: httpcode,
            failed_validation_error_message: message,
            openid_config_urls: urls,
            derived_issuers,
            inline_keys,
            inline_jwks,
            inline_jwks_rsa,
            inline_jwks_symmetric,
            decryption_jwks,
            entra: None,
            notes: self.notes,
        })
    }

    // ---- <validate-azure-ad-token> ------------------------------------------------------

    fn validate_azure_ad_token(mut self, node: Node<'a, 'input>) -> Result<ApimPolicy> {
        self.check_attrs(
            node,
            &[
                "tenant-id",
                "header-name",
                "query-parameter-name",
                "token-value",
                "authentication-endpoint",
                "failed-validation-httpcode",
                "failed-validation-error-message",
                "output-token-variable-name",
            ],
        )?;
        let Some(tenant_raw) = self.nonempty_attr(node, "tenant-id")? else {
            return Err(self.err(ErrorKind::MissingAttribute, node, Some("tenant-id"), "`tenant-id` is required"));
        };
        let endpoint = match self.nonempty_attr(node, "authentication-endpoint")? {
            None => None,
            Some(v) => Some(self.authentication_endpoint(node, &v)?),
        };
        let (tenant, tenant_cloud) = self.tenant(node, &tenant_raw)?;
        let (cloud, login_host) = match (endpoint, tenant_cloud) {
            (Some((c1, _)), Some((c2, _))) if c1 != c2 => {
                return Err(self.err(
                    ErrorKind::ConflictingAttributes,
                    node,
                    Some("authentication-endpoint"),
                    "`authentication-endpoint` and the URL in `tenant-id` name different clouds",
                ))
            }
            (Some(e), _) => e,
            (None, Some(t)) => t,
            (None, None) => (EntraCloud::Global, EntraCloud::Global.login_host().to_string()),
        };
        let token_source = self.token_source(node, false)?;
        let httpcode = self.httpcode(node)?;
        let message = self.attr(node, "failed-validation-error-message", false)?;
        self.ignored_output_variable(node)?;

        let children = self.elements(
            node,
            &["client-application-ids", "backend-application-ids", "audiences", "required-claims", "decryption-keys"],
        )?;
        let decryption_jwks = match self.once(&children, "decryption-keys")? {
            Some(d) => Some(self.decryption_keys(d)?),
            None => None,
        };
        // Optional, as in APIM: without it any client application that obtains a token
        // for the backend may call (the audience and the tenant's issuer still decide).
        // Present, it must list one id at least: an empty list is a mistake, not a waiver.
        let clients = match self.once(&children, "client-application-ids")? {
            None => {
                self.note(
                    node,
                    None,
                    "no <client-application-ids>: any client application that obtains a token for the \
                     backend may call (as in APIM); list the callers to restrict them",
                );
                Vec::new()
            }
            Some(clients_node) => {
                let clients = self.application_ids(clients_node)?;
                if clients.is_empty() {
                    return Err(self.err(
                        ErrorKind::MissingElement,
                        clients_node,
                        None,
                        "<client-application-ids> needs at least one <application-id> (leave the element \
                         out to let every client application call)",
                    ));
                }
                clients
            }
        };
        let mut common = Common { audiences: Vec::new(), claims: Vec::new() };
        if let Some(b) = self.once(&children, "backend-application-ids")? {
            common.audiences = self.application_ids(b)?;
        }
        if let Some(a) = self.once(&children, "audiences")? {
            self.audiences(a, &mut common.audiences)?;
        }
        if let Some(c) = self.once(&children, "required-claims")? {
            common.claims = self.required_claims(c)?;
        }
        let any_audience =
            self.require_audiences(node, &mut common, "no <backend-application-ids> and no <audiences> are listed")?;
        // `tenant` passed `self.tenant`, so it has an issuer tenant.
        let issuer_tenant = entra::issuer_tenant(&tenant).unwrap_or_default();
        let issuers = vec![cloud.v1_issuer(&issuer_tenant), cloud.v2_issuer(&issuer_tenant)];
        let rules = BuildRules {
            issuers: &issuers,
            any_audience,
            any_issuer: false,
            skew: 0,
            require_exp: true,
            inline_keys: &[],
            client_applications: &clients,
        };
        let policy = self.build(node, &common, rules)?;
        let discovery = format!("https://{login_host}/{tenant}/v2.0/.well-known/openid-configuration");
        Ok(ApimPolicy {
            kind: PolicyKind::ValidateAzureAdToken,
            policy,
            token_source,
            require_scheme: None,
            failed_validation_httpcode: httpcode,
            failed_validation_error_message: message,
            openid_config_urls: vec![discovery],
            derived_issuers: Vec::new(),
            inline_keys: Vec::new(),
            inline_jwks: None,
            inline_jwks_rsa: None,
            inline_jwks_symmetric: None,
            decryption_jwks,
            entra: Some(EntraSettings { tenant, cloud, login_host }),
            notes: self.notes,
        })
    }

    /// `authentication-endpoint`: `https://{known login host}` (a trailing slash is fine).
    /// API Management documents the `https://` prefix as optional, so a bare login host
    /// is read as `https://{host}`; any other scheme is refused.
    fn authentication_endpoint(&self, node: Node<'a, 'input>, value: &str) -> Result<(EntraCloud, String)> {
        let with_scheme;
        let url = if value.contains("://") {
            value
        } else {
            with_scheme = format!("https://{value}");
            &with_scheme
        };
        let parsed = entra::split_https(url)
            .filter(|(_, path)| path.is_empty())
            .and_then(|(host, _)| EntraCloud::from_login_host(host).map(|c| (c, host.to_ascii_lowercase())));
        parsed.ok_or_else(|| {
            self.err(
                ErrorKind::InvalidValue,
                node,
                Some("authentication-endpoint"),
                format!(
                    "{} is not a Microsoft Entra authentication endpoint (https://login.microsoftonline.com, \
                     https://login.microsoftonline.us, https://login.partner.microsoftonline.cn; the https:// \
                     prefix may be left out)",
                    self.quote_read(node, Some("authentication-endpoint"), value)
                ),
            )
        })
    }

    /// `tenant-id`: a GUID, or `https://{login host}/{GUID}`. The cloud when the URL names one.
    fn tenant(&mut self, node: Node<'a, 'input>, value: &str) -> Result<(String, Option<(EntraCloud, String)>)> {
        const ATTR: Option<&str> = Some("tenant-id");
        let (tenant, cloud) = match entra::split_https(value) {
            Some((host, path)) => {
                let path = path.trim_end_matches('/');
                match EntraCloud::from_login_host(host) {
                    Some(c) if !path.is_empty() && !path.contains('/') => {
                        (path.to_string(), Some((c, host.to_ascii_lowercase())))
                    }
                    _ if path.is_empty() => (host.to_string(), None),
                    _ => {
                        let detail = format!(
                            "{} is not a tenant id, a domain or https://{{login host}}/{{tenant}}",
                            self.quote_read(node, ATTR, value)
                        );
                        return Err(self.err(ErrorKind::InvalidValue, node, ATTR, detail));
                    }
                }
            }
            None => (value.to_string(), None),
        };
        if entra::issuer_tenant(&tenant).is_none() {
            return Err(self.err(
                ErrorKind::UnsupportedTenant,
                node,
                ATTR,
                format!(
                    "{} is not a directory (tenant) ID: tokens carry the tenant GUID in `iss`, which cannot be \
                     derived from a domain name; write the tenant's GUID",
                    self.quote_read(node, ATTR, &tenant)
                ),
            ));
        }
        let lower = tenant.to_ascii_lowercase();
        if lower != tenant && entra::is_guid(&tenant) {
            self.note(node, ATTR, "tenant GUID lowercased, as Entra writes it in issuers");
        }
        Ok((lower, cloud))
    }
}
