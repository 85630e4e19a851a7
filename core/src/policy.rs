//! The verification policy: the `validate-jwt` rules, built once and reused.
//!
//! Security contract: a [`Policy`] is validated when built and immutable afterwards.
//! It never trusts the token to choose what is checked: algorithms, audiences,
//! issuers and required claims all come from here. Audience and issuer checks are on
//! unless explicitly waived with [`PolicyBuilder::any_audience`] /
//! [`PolicyBuilder::any_issuer`]: a policy that forgot to name an audience is an error,
//! not a policy that accepts every audience.

use core::ops::Range;

use crate::alg::{Algorithm, AlgorithmSet};
use crate::error::{Error, Reason};
use crate::json::{filter_bit, KnownName, Str};
use crate::jws::JwsRules;

/// Most audiences a policy may list.
pub const MAX_AUDIENCES: usize = 32;
/// Most issuers a policy may list.
pub const MAX_ISSUERS: usize = 32;
/// Most required-claim rules a policy may hold.
pub const MAX_REQUIRED_CLAIMS: usize = 16;
/// Most values across all required-claim rules.
pub const MAX_CLAIM_VALUES: usize = 256;
/// Most tenants a multi-tenant policy may allow.
pub const MAX_TENANTS: usize = 64;
/// Longest required-claim separator, in bytes.
pub const MAX_SEPARATOR_LEN: usize = 16;
/// Most token types (`typ` values) a policy may list.
pub const MAX_TOKEN_TYPES: usize = 8;
/// Longest `typ` header compared with a policy's token types, in bytes after
/// unescaping; a longer one is no allowed type.
const MAX_TYP_LEN: usize = 128;
/// Bytes of policy text (audiences, issuers, claim names and values) without `alloc`.
#[cfg(not(feature = "alloc"))]
pub const MAX_POLICY_TEXT: usize = 4096;

/// How the values of a required claim must match (APIM's `match` attribute).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Match {
    /// Every listed value must be present in the claim (APIM's default).
    #[default]
    All,
    /// At least one listed value must be present.
    Any,
}

impl Match {
    /// The name APIM spells it with: `"all"` or `"any"`.
    pub const fn name(self) -> &'static str {
        match self {
            Match::All => "all",
            Match::Any => "any",
        }
    }

    /// The match named exactly `name` (`"all"` or `"any"`), or `PolicyInvalid`.
    pub fn from_name(name: &str) -> Result<Match, Error> {
        [Match::All, Match::Any]
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or(Error::new(Reason::PolicyInvalid, "a required claim's match must be \"all\" or \"any\""))
    }
}

/// A required claim, as given to [`PolicyBuilder::require_claim`].
#[derive(Clone, Copy, Debug)]
pub struct RequiredClaim<'a> {
    /// Claim name, e.g. `"scp"` or `"roles"`.
    pub name: &'a str,
    /// Allowed values; empty means the claim only has to be present.
    pub values: &'a [&'a str],
    /// Whether all or any of `values` must be present.
    pub match_: Match,
    /// Splits a string claim into values (e.g. `" "` for `scp`, or a longer text such as
    /// `", "`, as API Management accepts); `None` keeps it whole. Parts are split like
    /// `str::split` (leftmost, not overlapping), after JSON unescaping.
    pub separator: Option<&'a str>,
}

impl RequiredClaim<'_> {
    /// Checks a separator given as text (an attribute, a binding's argument): one to
    /// [`MAX_SEPARATOR_LEN`] bytes, or `PolicyInvalid`.
    pub fn separator_from(text: &str) -> Result<&str, Error> {
        if text.is_empty() || text.len() > MAX_SEPARATOR_LEN {
            return Err(Error::new(Reason::PolicyInvalid, "a required claim's separator must be 1 to 16 bytes"));
        }
        Ok(text)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ClaimRule {
    pub(crate) name: Range<u32>,
    /// The claim read instead when the token has no `name` claim.
    pub(crate) fallback: Option<Range<u32>>,
    /// `name` and `fallback` hashed once, as the JSON reader hashes member names.
    known_hashes: (u32, Option<u32>),
    pub(crate) values: Range<u16>,
    pub(crate) match_: Match,
    pub(crate) separator: Option<Range<u32>>,
}

#[cfg(feature = "alloc")]
type TextStore = alloc::string::String;
#[cfg(not(feature = "alloc"))]
type TextStore = heapless::String<MAX_POLICY_TEXT>;

/// A validated, immutable verification policy. Cheap to share between threads.
#[derive(Clone, Debug)]
pub struct Policy {
    text: TextStore,
    audiences: heapless::Vec<Range<u32>, MAX_AUDIENCES>,
    any_audience: bool,
    issuers: heapless::Vec<Range<u32>, MAX_ISSUERS>,
    /// Bit `i` set: issuer `i` is a `{tenantid}` template (found once, when it is added).
    issuer_templates: u32,
    any_issuer: bool,
    /// No issuer named: each key source is bound to its own (see
    /// [`PolicyBuilder::issuers_from_sources`]).
    issuers_from_sources: bool,
    rules: heapless::Vec<ClaimRule, MAX_REQUIRED_CLAIMS>,
    /// The [`filter_bit`]s of the rules' claim names and fallbacks.
    rule_name_filter: u64,
    values: heapless::Vec<Range<u32>, MAX_CLAIM_VALUES>,
    token_types: heapless::Vec<Range<u32>, MAX_TOKEN_TYPES>,
    tenants: heapless::Vec<Range<u32>, MAX_TENANTS>,
    any_tenant: bool,
    pub(crate) clock_skew: u64,
    pub(crate) require_expiration_time: bool,
    pub(crate) check_key_issuer: bool,
    pub(crate) jws: JwsRules,
}

/// Builds a [`Policy`]; the first problem is reported by [`PolicyBuilder::build`].
#[derive(Clone, Debug)]
pub struct PolicyBuilder {
    policy: Policy,
    problem: Option<&'static str>,
}

impl Policy {
    /// Starts a policy with the defaults: no audiences or issuers yet (one of each, or
    /// an explicit waiver, is required), `exp` required, zero clock skew, RS256 and
    /// ES256 allowed, 16 KiB maximum token size, no kid-miss fallback, keys' own
    /// `issuer` enforced.
    pub fn builder() -> PolicyBuilder {
        PolicyBuilder {
            policy: Policy {
                text: TextStore::new(),
                audiences: heapless::Vec::new(),
                any_audience: false,
                issuers: heapless::Vec::new(),
                issuer_templates: 0,
                any_issuer: false,
                issuers_from_sources: false,
                rules: heapless::Vec::new(),
                rule_name_filter: 0,
                values: heapless::Vec::new(),
                token_types: heapless::Vec::new(),
                tenants: heapless::Vec::new(),
                any_tenant: false,
                clock_skew: 0,
                require_expiration_time: true,
                check_key_issuer: true,
                jws: JwsRules::default(),
            },
            problem: None,
        }
    }

    fn text(&self, range: &Range<u32>) -> &str {
        self.text.get(range.start as usize..range.end as usize).unwrap_or("")
    }

    /// Allowed audiences; empty when [`Policy::any_audience`].
    pub fn audiences(&self) -> impl Iterator<Item = &str> + '_ {
        self.audiences.iter().map(|r| self.text(r))
    }

    /// True when the audience check is waived.
    pub fn any_audience(&self) -> bool {
        self.any_audience
    }

    /// Allowed issuers; empty when [`Policy::any_issuer`].
    pub fn issuers(&self) -> impl Iterator<Item = &str> + Clone + '_ {
        self.issuers.iter().map(|r| self.text(r))
    }

    /// [`Policy::issuers`], each with whether it is a `{tenantid}` template.
    pub(crate) fn issuers_marked(&self) -> impl Iterator<Item = (&str, Option<bool>)> + Clone + '_ {
        self.issuers().enumerate().map(|(i, issuer)| (issuer, Some(self.issuer_templates >> i & 1 == 1)))
    }

    /// True when the issuer check is waived, explicitly or because the issuers come
    /// from the key sources ([`Policy::issuers_from_sources`]).
    pub fn any_issuer(&self) -> bool {
        self.any_issuer
    }

    /// True when the policy names no issuer because each key source is bound to its
    /// own ([`PolicyBuilder::issuers_from_sources`]).
    pub fn issuers_from_sources(&self) -> bool {
        self.issuers_from_sources
    }

    /// `PolicyInvalid` ("no issuer configured") when the policy names no issuer and
    /// takes them from key sources: what verifying with it without bound sources
    /// answers (e.g. [`verify`](crate::verify)).
    pub fn check_complete(&self) -> Result<(), Error> {
        if self.issuers_from_sources && self.issuers.is_empty() {
            return Err(Error::new(Reason::PolicyInvalid, NO_ISSUER));
        }
        Ok(())
    }

    /// The tenants (`tid`) whose tokens a multi-tenant issuer (`{tenantid}`) accepts.
    pub fn allowed_tenants(&self) -> impl Iterator<Item = &str> + '_ {
        self.tenants.iter().map(|r| self.text(r))
    }

    /// True when a multi-tenant issuer accepts every tenant's tokens (explicitly waived).
    pub fn any_tenant(&self) -> bool {
        self.any_tenant
    }

    /// The allowed token types (`typ`); empty when any type, or none, is accepted.
    pub fn token_types(&self) -> impl Iterator<Item = &str> + '_ {
        self.token_types.iter().map(|r| self.text(r))
    }

    /// `Ok` when the policy lists no token type, or when the header's `typ` is one of
    /// them as RFC 7515 §4.1.9 compares media types: case-insensitively, a value without
    /// `/` read as `application/` followed by it (`at+jwt` is `application/at+jwt`).
    pub(crate) fn check_token_type(&self, typ: Option<Str<'_>>) -> Result<(), Error> {
        if self.token_types.is_empty() {
            return Ok(());
        }
        let mut buf = [0u8; MAX_TYP_LEN];
        let Some(typ) = typ else {
            return Err(Error::new(
                Reason::TokenTypeNotAllowed,
                "token has no typ header; the policy requires a token type",
            ));
        };
        match typ.unescape_into(&mut buf) {
            Some(typ) if self.token_types().any(|allowed| same_media_type(typ, allowed)) => Ok(()),
            _ => Err(Error::new(Reason::TokenTypeNotAllowed, "token type (typ) is not one the policy allows")),
        }
    }

    /// The required-claim rules, in order: `(name, values, match, separator)`.
    pub fn required_claims(&self) -> impl Iterator<Item = (&str, ClaimValues<'_>, Match, Option<&str>)> + '_ {
        self.rules
            .iter()
            .map(|rule| (self.text(&rule.name), self.claim_values(rule), rule.match_, self.rule_separator(rule)))
    }

    pub(crate) fn rule_separator(&self, rule: &ClaimRule) -> Option<&str> {
        rule.separator.as_ref().map(|range| self.text(range))
    }

    pub(crate) fn rules(&self) -> &[ClaimRule] {
        &self.rules
    }

    /// For each required claim in policy order, the claim read instead when the token
    /// lacks it ([`PolicyBuilder::require_claim_or`]), if any.
    pub fn required_claim_fallbacks(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.rules.iter().map(|rule| self.rule_fallback(rule))
    }

    pub(crate) fn rule_name(&self, rule: &ClaimRule) -> &str {
        self.text(&rule.name)
    }

    pub(crate) fn rule_fallback(&self, rule: &ClaimRule) -> Option<&str> {
        rule.fallback.as_ref().map(|range| self.text(range))
    }

    /// The rule's claim name and fallback as the JSON reader's [`KnownName`]s, with the
    /// hashes computed when the policy was built.
    pub(crate) fn rule_known_names(&self, rule: &ClaimRule) -> (KnownName<'_>, Option<KnownName<'_>>) {
        let (name_hash, fallback_hash) = rule.known_hashes;
        let name = KnownName::prehashed(self.rule_name(rule), name_hash);
        let fallback = self.rule_fallback(rule).zip(fallback_hash).map(|(text, hash)| KnownName::prehashed(text, hash));
        (name, fallback)
    }

    /// The hashes of [`Policy::rule_known_names`] alone: comparing a member's hash
    /// with them settles most members without building the names.
    pub(crate) fn rule_hashes(rule: &ClaimRule) -> (u32, Option<u32>) {
        rule.known_hashes
    }

    /// The [`filter_bit`]s of every rule's claim name and fallback: a member whose bit
    /// is clear is none of them.
    pub(crate) fn rule_name_filter(&self) -> u64 {
        self.rule_name_filter
    }

    pub(crate) fn claim_values<'p>(&'p self, rule: &ClaimRule) -> ClaimValues<'p> {
        let slots = self.values.get(rule.values.start as usize..rule.values.end as usize).unwrap_or(&[]);
        ClaimValues { policy: self, slots }
    }

    /// Allowed clock skew in seconds.
    pub fn clock_skew(&self) -> u64 {
        self.clock_skew
    }

    /// Whether tokens without `exp` are rejected.
    pub fn require_expiration_time(&self) -> bool {
        self.require_expiration_time
    }

    /// Whether a key's own `issuer` member must equal the token's `iss`.
    pub fn check_key_issuer(&self) -> bool {
        self.check_key_issuer
    }

    /// Allowed algorithms.
    pub fn algorithms(&self) -> AlgorithmSet {
        self.jws.algorithms
    }

    /// Longest accepted token, in bytes.
    pub fn max_token_len(&self) -> usize {
        self.jws.max_token_len
    }

    /// `TokenTooLarge` for a token of `len` bytes over [`Policy::max_token_len`]: for a
    /// caller that can refuse a token by its length before reading it.
    pub fn check_len(&self, len: usize) -> Result<(), Error> {
        if len > self.jws.max_token_len {
            return Err(Error::TOKEN_TOO_LARGE);
        }
        Ok(())
    }

    /// The JWS-layer part of this policy.
    pub fn jws_rules(&self) -> &JwsRules {
        &self.jws
    }
}

/// The allowed values of one required claim.
#[derive(Clone, Copy, Debug)]
pub struct ClaimValues<'p> {
    policy: &'p Policy,
    slots: &'p [Range<u32>],
}

impl<'p> ClaimValues<'p> {
    /// Iterates over the values.
    pub fn iter(&self) -> impl Iterator<Item = &'p str> + 'p {
        let policy = self.policy;
        self.slots.iter().map(move |r| policy.text(r))
    }
    /// Number of values.
    pub fn len(&self) -> usize {
        self.slots.len()
    }
    /// True when the rule only requires presence.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}

impl PolicyBuilder {
    fn note(&mut self, problem: &'static str) {
        if self.problem.is_none() {
            self.problem = Some(problem);
        }
    }

    fn store(&mut self, s: &str) -> Option<Range<u32>> {
        let start = self.policy.text.len();
        let end = start.checked_add(s.len()).filter(|&e| e <= u32::MAX as usize)?;
        #[cfg(feature = "alloc")]
        self.policy.text.push_str(s);
        #[cfg(not(feature = "alloc"))]
        self.policy.text.push_str(s).ok()?;
        Some(start as u32..end as u32)
    }

    /// Allows tokens whose `aud` (a string, or any element of an array) equals `audience`
    /// exactly. May be called repeatedly; any listed audience suffices.
    pub fn audience(mut self, audience: &str) -> Self {
        if audience.is_empty() {
            self.note("an audience is empty");
        }
        let stored = self.store(audience).is_some_and(|r| self.policy.audiences.push(r).is_ok());
        if !stored {
            self.note("too many audiences or too much policy text");
        }
        self
    }

    /// Adds each of `audiences` (see [`PolicyBuilder::audience`]).
    pub fn audiences<'s>(self, audiences: impl IntoIterator<Item = &'s str>) -> Self {
        audiences.into_iter().fold(self, PolicyBuilder::audience)
    }

    /// Waives the audience check. Only for tokens whose audience is checked elsewhere.
    pub fn any_audience(mut self) -> Self {
        self.policy.any_audience = true;
        self
    }

    /// Allows tokens whose `iss` equals `issuer` exactly. May be called repeatedly.
    ///
    /// An issuer holding `{tenantid}` (Microsoft Entra multi-tenant applications, e.g.
    /// `https://login.microsoftonline.com/{tenantid}/v2.0`) matches a token whose `iss`
    /// equals it with `{tenantid}` replaced by the token's own `tid` (a non-empty
    /// string without `/`) when that `tid` is one of the [allowed
    /// tenants](PolicyBuilder::allowed_tenant); such a policy needs allowed tenants or
    /// an explicit [`PolicyBuilder::any_tenant`]. The same holds for a key source bound
    /// to such an issuer.
    pub fn issuer(mut self, issuer: &str) -> Self {
        if issuer.is_empty() {
            self.note("an issuer is empty");
        }
        let index = self.policy.issuers.len();
        let stored = self.store(issuer).is_some_and(|r| self.policy.issuers.push(r).is_ok());
        if stored && crate::rules::is_template(issuer) {
            self.policy.issuer_templates |= 1 << index;
        }
        if !stored {
            self.note("too many issuers or too much policy text");
        }
        self
    }

    /// Adds each of `issuers` (see [`PolicyBuilder::issuer`]).
    pub fn issuers<'s>(self, issuers: impl IntoIterator<Item = &'s str>) -> Self {
        issuers.into_iter().fold(self, PolicyBuilder::issuer)
    }

    /// Allows tokens whose header `typ` is `token_type` (compared as media types: see
    /// [`Policy::token_types`]); may be called repeatedly. With none listed (the
    /// default) `typ` is not checked: Microsoft Entra access tokens say `JWT`. RFC 9068
    /// access tokens say `at+jwt`, which tells them from ID tokens of the same issuer
    /// and audience.
    pub fn token_type(mut self, token_type: &str) -> Self {
        if token_type.is_empty() {
            self.note("a token type is empty");
        }
        let stored = self.store(token_type).is_some_and(|r| self.policy.token_types.push(r).is_ok());
        if !stored {
            self.note("too many token types or too much policy text");
        }
        self
    }

    /// Adds each of `token_types` (see [`PolicyBuilder::token_type`]).
    pub fn token_types<'s>(self, token_types: impl IntoIterator<Item = &'s str>) -> Self {
        token_types.into_iter().fold(self, PolicyBuilder::token_type)
    }

    /// Allows tokens of tenant `tid` (a Microsoft Entra tenant ID, compared ASCII
    /// case-insensitively) where a multi-tenant issuer (`{tenantid}`) matched; may be
    /// called repeatedly. Exact issuers are not affected.
    pub fn allowed_tenant(mut self, tid: &str) -> Self {
        if tid.is_empty() || tid.contains('/') {
            self.note("an allowed tenant is empty or holds '/'");
        }
        let stored = self.store(tid).is_some_and(|r| self.policy.tenants.push(r).is_ok());
        if !stored {
            self.note("too many allowed tenants or too much policy text");
        }
        self
    }

    /// Adds each of `tenants` (see [`PolicyBuilder::allowed_tenant`]).
    pub fn allowed_tenants<'s>(self, tenants: impl IntoIterator<Item = &'s str>) -> Self {
        tenants.into_iter().fold(self, PolicyBuilder::allowed_tenant)
    }

    /// Lets a multi-tenant issuer accept every tenant's tokens: for an application any
    /// organization may sign in to, whose own code decides per tenant.
    pub fn any_tenant(mut self) -> Self {
        self.policy.any_tenant = true;
        self
    }

    /// Waives the issuer check (keys' own `issuer` binding still applies).
    pub fn any_issuer(mut self) -> Self {
        self.policy.any_issuer = true;
        self
    }

    /// Names no issuer and takes them from the key sources instead, as API Management
    /// does with an OpenID configuration: every source of a
    /// [`Verifier`](crate::Verifier) must then be bound to issuers of its own (a
    /// discovered issuer, or a list); a source that would sign for any issuer is
    /// refused when added, and [`verify`](crate::verify) (no sources) refuses the
    /// policy. Issuers named as well still apply.
    pub fn issuers_from_sources(mut self) -> Self {
        self.policy.issuers_from_sources = true;
        self
    }

    /// Adds a required claim (APIM `<required-claims>`): present, and matching
    /// `values` as `match_` says.
    pub fn require_claim(self, claim: RequiredClaim<'_>) -> Self {
        self.add_rule(claim, None)
    }

    /// Adds a required claim that is read from `fallback` when the token has no
    /// `claim.name` claim at all (a present but malformed `claim.name` is never
    /// replaced by `fallback`). APIM's client application check is one: `azp` in
    /// v2.0 tokens, `appid` in v1.0 tokens. Failures name `claim.name`.
    pub fn require_claim_or(self, claim: RequiredClaim<'_>, fallback: &str) -> Self {
        self.add_rule(claim, Some(fallback))
    }

    fn add_rule(mut self, claim: RequiredClaim<'_>, fallback: Option<&str>) -> Self {
        let fallback_name = fallback;
        if claim.name.is_empty() || fallback.is_some_and(str::is_empty) {
            self.note("a required claim has an empty name");
        }
        let Some(name) = self.store(claim.name) else {
            self.note("too much policy text");
            return self;
        };
        let fallback = match fallback.map(|f| self.store(f)) {
            None => None,
            Some(Some(range)) => Some(range),
            Some(None) => {
                self.note("too much policy text");
                return self;
            }
        };
        let first = self.policy.values.len();
        for value in claim.values {
            if value.is_empty() {
                self.note("a required claim value is empty");
            }
            let stored = self.store(value).is_some_and(|r| self.policy.values.push(r).is_ok());
            if !stored {
                self.note("too many required claim values or too much policy text");
                return self;
            }
        }
        let values = first as u16..self.policy.values.len() as u16;
        if let Some(problem) = claim.separator.and_then(|s| RequiredClaim::separator_from(s).err()) {
            self.note(problem.detail());
        }
        let separator = match claim.separator.map(|s| self.store(s)) {
            None => None,
            Some(Some(range)) => Some(range),
            Some(None) => {
                self.note("too much policy text");
                return self;
            }
        };
        let known_hashes = (KnownName::new(claim.name).hash(), fallback_name.map(|f| KnownName::new(f).hash()));
        let rule = ClaimRule { name, fallback, known_hashes, values, match_: claim.match_, separator };
        if self.policy.rules.push(rule).is_err() {
            self.note("too many required claims");
        } else {
            self.policy.rule_name_filter |= filter_bit(known_hashes.0) | known_hashes.1.map_or(0, filter_bit);
        }
        self
    }

    /// Seconds of tolerance for `exp` and `nbf` (default 0).
    pub fn clock_skew(mut self, seconds: u64) -> Self {
        self.policy.clock_skew = seconds;
        self
    }

    /// Whether a token without `exp` is rejected (default true).
    pub fn require_expiration_time(mut self, required: bool) -> Self {
        self.policy.require_expiration_time = required;
        self
    }

    /// The algorithms tokens may use (default RS256 and ES256, those of them this build
    /// has). Must not be empty, and every one must be [available](Algorithm::is_available).
    pub fn algorithms(mut self, algorithms: &[Algorithm]) -> Self {
        self.policy.jws.algorithms = AlgorithmSet::of(algorithms);
        self
    }

    /// Longest accepted token in bytes (default 16 KiB), checked before any parsing.
    pub fn max_token_len(mut self, bytes: usize) -> Self {
        self.policy.jws.max_token_len = bytes;
        self
    }

    /// When a token's `kid` names no key, try every compatible key instead of failing
    /// with `TokenSignatureKeyNotFound` (APIM's behaviour for inline issuer keys).
    /// Off by default.
    pub fn kid_miss_fallback(mut self, enabled: bool) -> Self {
        self.policy.jws.kid_miss_fallback = enabled;
        self
    }

    /// Refuse a token that names no key (no `kid`, no `x5t`) when more than one key
    /// could verify it (default false: such a token is tried against at most
    /// [`crate::jws::MAX_KEY_TRIALS`] keys).
    pub fn require_kid(mut self, required: bool) -> Self {
        self.policy.jws.require_kid = required;
        self
    }

    /// Whether a key's own `issuer` member (with `{tenantid}` filled from the token's
    /// `tid`) must equal the token's `iss` (default true).
    pub fn check_key_issuer(mut self, enabled: bool) -> Self {
        self.policy.check_key_issuer = enabled;
        self
    }

    /// Validates and returns the policy, or `PolicyInvalid` naming the first problem.
    pub fn build(self) -> Result<Policy, Error> {
        let p = &self.policy;
        let problem = self.problem.or(if p.audiences.is_empty() && !p.any_audience {
            Some("no audience configured (name one, or waive the check with any_audience)")
        } else if p.issuers.is_empty() && !p.any_issuer && !p.issuers_from_sources {
            Some(NO_ISSUER)
        } else if p.jws.algorithms.is_empty() {
            Some("no algorithm allowed")
        } else if let Some(missing) = p.jws.algorithms.iter().find(|a| !a.is_available()) {
            Some(missing.left_out_detail())
        } else if p.jws.max_token_len == 0 {
            Some("maximum token length is zero")
        } else if p.needs_tenants(self.policy.issuers()) {
            Some(NO_TENANTS)
        } else {
            None
        });
        match problem {
            Some(detail) => Err(Error::new(Reason::PolicyInvalid, detail)),
            None => {
                let mut policy = self.policy;
                // No issuer named: the sources' bindings are the issuer check.
                policy.any_issuer |= policy.issuers_from_sources && policy.issuers.is_empty();
                Ok(policy)
            }
        }
    }
}

/// Why a policy naming no issuer is refused, and one taking its issuers from key sources
/// where there are none.
pub(crate) const NO_ISSUER: &str = "no issuer configured (name one, or waive the check with any_issuer)";

/// Why a policy or verifier with a multi-tenant issuer is refused.
pub(crate) const NO_TENANTS: &str =
    "a multi-tenant issuer ({tenantid}) needs allowed tenants, or any_tenant to accept every tenant";

impl Policy {
    /// Whether `issuers` hold a multi-tenant template while this policy neither lists
    /// allowed tenants nor accepts any tenant.
    pub(crate) fn needs_tenants<'i>(&self, mut issuers: impl Iterator<Item = &'i str>) -> bool {
        self.tenants.is_empty() && !self.any_tenant && issuers.any(crate::rules::is_template)
    }
}

/// Whether media types `a` and `b` are the same for `typ` (RFC 7515 §4.1.9): ASCII
/// case-insensitive, `application/` implied when there is no `/`.
fn same_media_type(a: &str, b: &str) -> bool {
    fn parts(t: &str) -> (&str, &str) {
        t.split_once('/').unwrap_or(("application", t))
    }
    let ((a_type, a_sub), (b_type, b_sub)) = (parts(a), parts(b));
    a_type.eq_ignore_ascii_case(b_type) && a_sub.eq_ignore_ascii_case(b_sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_types_compare_as_media_types() {
        for (a, b) in [
            ("at+jwt", "at+jwt"),
            ("AT+JWT", "at+jwt"),
            ("application/at+jwt", "at+jwt"),
            ("Application/At+Jwt", "AT+JWT"),
        ] {
            assert!(same_media_type(a, b) && same_media_type(b, a), "{a} {b}");
        }
        for (a, b) in [
            ("jwt", "at+jwt"),
            ("text/at+jwt", "at+jwt"),
            ("at+jwt ", "at+jwt"),
            ("application/", "application"),
            ("", "at+jwt"),
        ] {
            assert!(!same_media_type(a, b) && !same_media_type(b, a), "{a:?} {b:?}");
        }
    }

    #[test]
    fn match_names_round_trip_and_others_are_refused() {
        for m in [Match::All, Match::Any] {
            assert_eq!(Match::from_name(m.name()), Ok(m));
        }
        for name in ["", "All", "some", "any "] {
            assert_eq!(Match::from_name(name).map_err(|e| e.reason()), Err(Reason::PolicyInvalid));
        }
    }

    #[test]
    fn a_separator_is_one_to_sixteen_bytes() {
        for text in [" ", "\u{e9}", ", ", "||", "0123456789abcdef"] {
            assert_eq!(RequiredClaim::separator_from(text), Ok(text));
        }
        for text in ["", "0123456789abcdefg"] {
            assert_eq!(RequiredClaim::separator_from(text).map_err(|e| e.reason()), Err(Reason::PolicyInvalid));
        }
        let claim = |separator| RequiredClaim { name: "scp", values: &["a"], match_: Match::Any, separator };
        let build = |separator| Policy::builder().any_audience().any_issuer().require_claim(claim(separator)).build();
        assert_eq!(build(Some("")).map_err(|e| e.reason()).err(), Some(Reason::PolicyInvalid));
        let built = build(Some(", ")).expect("a two-byte separator");
        assert_eq!(built.required_claims().next().map(|(.., sep)| sep), Some(Some(", ")));
    }

    #[test]
    fn check_key_issuer_is_readable() {
        let built = |on| Policy::builder().any_audience().any_issuer().check_key_issuer(on).build();
        assert!(built(true).is_ok_and(|p| p.check_key_issuer()));
        assert!(built(false).is_ok_and(|p| !p.check_key_issuer()));
        assert!(Policy::builder().any_audience().any_issuer().build().is_ok_and(|p| p.check_key_issuer()));
    }
}
