//! The claim rules of `validate-jwt`, applied to a token whose signature verified.
//!
//! Order (the first failure is reported): `exp`/`nbf`/`iat` well-formedness, missing
//! `exp`, expiry, not-before, audience, issuer, the signing key's own issuer, then the
//! required claims in policy order. Comparisons are exact and case-sensitive, after
//! JSON unescaping. Time arithmetic saturates: no `now` or skew overflows.
//!
//! The payload's members are read once, while the payload is validated
//! ([`read_claims`]): each top-level member name is compared with the registered names
//! and the policy's required claim names. Validation rejects duplicate names, so each
//! name has at most one value.

use crate::claims::Claims;
use crate::error::{Error, Reason};
use crate::json::{filter_bit, JsonError, KnownName, Name, Object, Str, Value, ValueText};
use crate::numeric_date::{self, Round};
use crate::policy::{ClaimRule, Match, Policy, MAX_REQUIRED_CLAIMS};

/// Validates `payload` as the claims object and picks out into `found` (which the
/// caller gives as `Found::default()`), in the same pass, the values the rules of
/// `policy` read. `found` is the caller's, so that nothing of that size is moved.
pub(crate) fn read_claims<'a>(
    payload: &'a [u8],
    policy: &Policy,
    found: &mut Found<'a>,
) -> Result<Claims<'a>, JsonError> {
    let filter = REGISTERED_FILTER | policy.rule_name_filter();
    let object = Object::parse_visiting(payload, filter, |name, value| found.record(policy, name, value))?;
    Ok(Claims::new(object))
}

/// Applies every claim rule of `policy` at time `now` (Unix seconds) to the claims
/// [`read_claims`] found; `key_issuer` is the `issuer` member of the key that verified
/// the signature, if it had one; `source_issuers`, when given, are the only issuers
/// the key's source may sign for (each may hold `{tenantid}`).
pub(crate) fn check<S: AsRef<str>>(
    found: &Found<'_>,
    key_issuer: Option<&str>,
    source_issuers: Option<&[S]>,
    policy: &Policy,
    now: u64,
) -> Result<(), Error> {
    let exp = time_claim(found.exp, "exp", Round::Down)?;
    let nbf = time_claim(found.nbf, "nbf", Round::Up)?;
    time_claim(found.iat, "iat", Round::Down)?;
    check_lifetime(exp, nbf, policy, now)?;
    check_audience(found.aud, policy)?;
    check_issuer(found, policy)?;
    if let (true, Some(template)) = (policy.check_key_issuer, key_issuer) {
        if !issuer_in(found, core::iter::once((template, None))) {
            return Err(Error::new(Reason::TokenIssuerNotAllowed, "token issuer is not the signing key's issuer"));
        }
    }
    if let Some(issuers) = source_issuers {
        match issuer_match(found, issuers.iter().map(|issuer| (issuer.as_ref(), None))) {
            IssuerMatch::Exact => {}
            IssuerMatch::Tenant => check_tenant(found, policy)?,
            IssuerMatch::None => {
                return Err(Error::new(
                    Reason::TokenIssuerNotAllowed,
                    "token issuer is not one the key's provider may sign for (keys of one provider never verify another's tokens)",
                ))
            }
        }
    }
    for ((rule, value), fallback) in policy.rules().iter().zip(&found.required).zip(&found.fallbacks) {
        check_required_claim(value.or(*fallback), policy, rule)?;
    }
    Ok(())
}

/// The values of the claims the rules read, by name.
#[derive(Default)]
pub(crate) struct Found<'a> {
    exp: Option<Value<'a>>,
    nbf: Option<Value<'a>>,
    iat: Option<Value<'a>>,
    aud: Option<Value<'a>>,
    iss: Option<Value<'a>>,
    tid: Option<Value<'a>>,
    /// The value of each of the policy's required claims, in policy order.
    required: [Option<Value<'a>>; MAX_REQUIRED_CLAIMS],
    /// The value of each required claim's fallback claim, if the rule has one.
    fallbacks: [Option<Value<'a>>; MAX_REQUIRED_CLAIMS],
}

impl<'a> Found<'a> {
    /// Keeps the value if a rule reads the claim `name` (a registered claim, or one of
    /// `policy`'s required claims or their fallbacks; [`read_claims`] hands over only
    /// names that pass the filter of those). Names are compared after unescaping, so
    /// `"\u0065xp"` is `exp`.
    #[inline(always)]
    fn record(&mut self, policy: &Policy, name: Name<'a>, text: ValueText<'a>) {
        // One switch on the hash (the names' hashes are constants), then the text.
        let registered = match name.hash() {
            EXP_HASH => Some((&EXP, &mut self.exp)),
            NBF_HASH => Some((&NBF, &mut self.nbf)),
            IAT_HASH => Some((&IAT, &mut self.iat)),
            AUD_HASH => Some((&AUD, &mut self.aud)),
            ISS_HASH => Some((&ISS, &mut self.iss)),
            TID_HASH => Some((&TID, &mut self.tid)),
            _ => None,
        };
        if let Some((known, slot)) = registered {
            if name.is(known) {
                *slot = text.value();
            }
        }
        let slots = self.required.iter_mut().zip(self.fallbacks.iter_mut());
        for (rule, (slot, fallback_slot)) in policy.rules().iter().zip(slots) {
            let (name_hash, fallback_hash) = Policy::rule_hashes(rule);
            if name.hash() != name_hash && fallback_hash != Some(name.hash()) {
                continue;
            }
            let (rule_name, fallback) = policy.rule_known_names(rule);
            if name.is(&rule_name) {
                *slot = text.value();
            } else if fallback.as_ref().is_some_and(|f| name.is(f)) {
                *fallback_slot = text.value();
            }
        }
    }
}

/// The registered claims the rules read.
const EXP: KnownName<'static> = KnownName::new("exp");
const NBF: KnownName<'static> = KnownName::new("nbf");
const IAT: KnownName<'static> = KnownName::new("iat");
const AUD: KnownName<'static> = KnownName::new("aud");
const ISS: KnownName<'static> = KnownName::new("iss");
const TID: KnownName<'static> = KnownName::new("tid");
const EXP_HASH: u32 = EXP.hash();
const NBF_HASH: u32 = NBF.hash();
const IAT_HASH: u32 = IAT.hash();
const AUD_HASH: u32 = AUD.hash();
const ISS_HASH: u32 = ISS.hash();
const TID_HASH: u32 = TID.hash();
const REGISTERED_FILTER: u64 = filter_bit(EXP_HASH)
    | filter_bit(NBF_HASH)
    | filter_bit(IAT_HASH)
    | filter_bit(AUD_HASH)
    | filter_bit(ISS_HASH)
    | filter_bit(TID_HASH);

fn time_claim(value: Option<Value<'_>>, name: &'static str, round: Round) -> Result<Option<u64>, Error> {
    match value {
        None => Ok(None),
        Some(value) => match numeric_date::read(value, round) {
            Some(t) => Ok(Some(t)),
            None => Err(Error::with_claim(
                Reason::TokenClaimMalformed,
                "time claim is not a NumericDate (a non-negative number without exponent, at most 2^53-1)",
                name,
            )),
        },
    }
}

fn check_lifetime(exp: Option<u64>, nbf: Option<u64>, policy: &Policy, now: u64) -> Result<(), Error> {
    match exp {
        None if policy.require_expiration_time => {
            return Err(Error::new(Reason::TokenExpirationTimeMissing, "token has no exp and the policy requires one"));
        }
        Some(exp) if exp <= now.saturating_sub(policy.clock_skew) => {
            return Err(Error::new(Reason::TokenExpired, "token has expired (exp is past, beyond the clock skew)"));
        }
        _ => {}
    }
    match nbf {
        Some(nbf) if nbf > now.saturating_add(policy.clock_skew) => Err(Error::new(
            Reason::TokenNotYetValid,
            "token is not valid yet (nbf is in the future, beyond the clock skew)",
        )),
        _ => Ok(()),
    }
}

fn check_audience(aud: Option<Value<'_>>, policy: &Policy) -> Result<(), Error> {
    let malformed =
        || Error::with_claim(Reason::TokenClaimMalformed, "aud is not a string or an array of strings", "aud");
    let allowed = |s: &Str<'_>| policy.audiences().any(|a| s.eq_str(a));
    let found = match aud {
        None => false,
        Some(Value::String(s)) => allowed(&s),
        Some(Value::Array(items)) => {
            let mut found = false;
            for item in items.iter() {
                match item {
                    Value::String(s) => found |= allowed(&s),
                    _ => return Err(malformed()),
                }
            }
            found
        }
        Some(_) => return Err(malformed()),
    };
    if found || policy.any_audience() {
        Ok(())
    } else {
        Err(Error::new(Reason::TokenAudienceNotAllowed, "no audience of the token is allowed by the policy"))
    }
}

fn check_issuer(found: &Found<'_>, policy: &Policy) -> Result<(), Error> {
    if found.iss.is_some_and(|v| v.as_str().is_none()) {
        return Err(Error::with_claim(Reason::TokenClaimMalformed, "iss is not a string", "iss"));
    }
    if policy.any_issuer() {
        return Ok(());
    }
    match issuer_match(found, policy.issuers_marked()) {
        IssuerMatch::Exact => Ok(()),
        IssuerMatch::Tenant => check_tenant(found, policy),
        IssuerMatch::None => {
            Err(Error::new(Reason::TokenIssuerNotAllowed, "token issuer is not allowed by the policy"))
        }
    }
}

/// How a token's `iss` matched a list of issuers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IssuerMatch {
    None,
    /// Equal to a listed issuer.
    Exact,
    /// Equal to a `{tenantid}` template filled with the token's `tid`: any tenant's
    /// tokens match, so the policy's tenants decide ([`check_tenant`]).
    Tenant,
}

/// A token that matched a multi-tenant issuer: its `tid` must be one of the policy's
/// allowed tenants (GUIDs, compared ASCII case-insensitively), unless the policy
/// accepts every tenant.
fn check_tenant(found: &Found<'_>, policy: &Policy) -> Result<(), Error> {
    if policy.any_tenant() {
        return Ok(());
    }
    let mut buf = [0u8; 128];
    let tid = found.tid.and_then(|v| v.as_str()).and_then(|s| s.unescape_into(&mut buf));
    if tid.is_some_and(|tid| policy.allowed_tenants().any(|t| t.eq_ignore_ascii_case(tid))) {
        return Ok(());
    }
    Err(Error::new(
        Reason::TokenIssuerNotAllowed,
        if policy.allowed_tenants().next().is_none() {
            "token issuer is a multi-tenant issuer and the policy allows no tenant (list the allowed tenants, or accept any tenant explicitly)"
        } else {
            "token tenant (tid) is not one the policy allows"
        },
    ))
}

/// The multi-tenant placeholder in issuers (Microsoft Entra key sets and policies): an
/// issuer holding it matches a token whose `iss` equals it with the placeholder replaced
/// by the token's `tid`.
pub const TENANT_TEMPLATE: &str = "{tenantid}";

/// Whether `issuer` is a `{tenantid}` template: `mark` when its owner knew (the policy
/// marks its issuers once), else found now. Only ever asked of an issuer the token's
/// `iss` equals, or when no issuer equals it, so unmarked lists cost no scan per token
/// in the common case.
fn template(issuer: &str, mark: Option<bool>) -> bool {
    mark.unwrap_or_else(|| is_template(issuer))
}

/// True when the token's `iss` is a string equal to one of `issuers`, where each
/// `{tenantid}` in an issuer is filled with the token's `tid` (a non-empty string
/// without `/`; a token without one matches no template). Each issuer comes with
/// whether it is a template, when that is known ([`template`]).
fn issuer_in<'i>(found: &Found<'_>, issuers: impl Iterator<Item = (&'i str, Option<bool>)> + Clone) -> bool {
    issuer_match(found, issuers) != IssuerMatch::None
}

/// How the token's `iss` matches `issuers` (see [`issuer_in`]); an exact match wins.
fn issuer_match<'i>(found: &Found<'_>, issuers: impl Iterator<Item = (&'i str, Option<bool>)> + Clone) -> IssuerMatch {
    let Some(iss) = found.iss.and_then(|v| v.as_str()) else { return IssuerMatch::None };
    // The common case first: the token's issuer is listed as it is. A template is never
    // an exact match (a token claiming the literal `{tenantid}` text fits no tenant).
    if issuers.clone().any(|(issuer, mark)| iss.eq_str(issuer) && !template(issuer, mark)) {
        return IssuerMatch::Exact;
    }
    let templates = issuers.filter_map(|(issuer, mark)| template(issuer, mark).then_some(issuer));
    if templates.clone().next().is_none() {
        return IssuerMatch::None;
    }
    let mut iss_buf = [0u8; crate::jwk::MAX_ISSUER_LEN * 2];
    let mut tid_buf = [0u8; 128];
    let tid = found.tid.and_then(|v| v.as_str()).and_then(|s| s.unescape_into(&mut tid_buf));
    let (Some(iss), Some(tid)) = (iss.unescape_into(&mut iss_buf), tid) else { return IssuerMatch::None };
    if tid.is_empty() || tid.contains('/') {
        return IssuerMatch::None;
    }
    match templates.into_iter().any(|template| matches_template(iss, template, tid)) {
        true => IssuerMatch::Tenant,
        false => IssuerMatch::None,
    }
}

/// True when `iss` equals `template` with every `{tenantid}` replaced by `tid`.
fn matches_template(iss: &str, mut template: &str, tid: &str) -> bool {
    let mut rest = iss;
    while let Some((before, after)) = split_template(template) {
        let Some(after_tid) = rest.strip_prefix(before).and_then(|r| r.strip_prefix(tid)) else { return false };
        rest = after_tid;
        template = after;
    }
    rest == template
}

/// `template` split around its first `{tenantid}`, or `None` without one. A plain
/// byte-window search: issuers are short, and on small targets this links far less
/// code than `str::find` with a string pattern.
fn split_template(template: &str) -> Option<(&str, &str)> {
    let marker = TENANT_TEMPLATE.as_bytes();
    // Most issuers hold no `{` at all: one word-at-a-time byte search settles them.
    let bytes = template.as_bytes();
    if !bytes.contains(&b'{') {
        return None;
    }
    let at = bytes.windows(marker.len()).position(|w| w == marker)?;
    Some((template.get(..at)?, template.get(at + marker.len()..)?))
}

/// True when a token whose `iss` is `issuer` can match `pattern`: the same text, or
/// `pattern`'s `{tenantid}` filled with one tenant (a non-empty segment without `/`).
/// For comparing a provider's discovered issuer with configured ones, where no
/// token's `tid` is at hand.
#[cfg(feature = "std")]
pub(crate) fn issuer_fits(issuer: &str, pattern: &str) -> bool {
    if issuer == pattern {
        return true;
    }
    let Some((before, _)) = split_template(pattern) else { return false };
    let Some(rest) = issuer.strip_prefix(before) else { return false };
    let tid = rest.split('/').next().unwrap_or("");
    !tid.is_empty() && matches_template(issuer, pattern, tid)
}

/// True when `issuer` is a multi-tenant template (holds `{tenantid}`).
pub(crate) fn is_template(issuer: &str) -> bool {
    split_template(issuer).is_some()
}

fn check_required_claim(value: Option<Value<'_>>, policy: &Policy, rule: &ClaimRule) -> Result<(), Error> {
    let name = policy.rule_name(rule);
    let Some(value) = value else {
        return Err(Error::with_claim(Reason::TokenClaimNotFound, "a required claim is missing", name));
    };
    let wanted = policy.claim_values(rule);
    if wanted.is_empty() {
        return Ok(());
    }
    let separator = policy.rule_separator(rule);
    let present = |w: &str| token_has(value, w, separator);
    let satisfied = match rule.match_ {
        Match::All => wanted.iter().all(present),
        Match::Any => wanted.iter().any(present),
    };
    if satisfied {
        Ok(())
    } else {
        Err(Error::with_claim(
            Reason::TokenClaimValueNotAllowed,
            "a required claim does not have an allowed value",
            name,
        ))
    }
}

/// True when the claim `value` holds `wanted`: a string (split by `separator` when
/// set), any element of an array, or a number/boolean whose JSON text is `wanted`.
fn token_has(value: Value<'_>, wanted: &str, separator: Option<&str>) -> bool {
    match value {
        Value::String(s) => match separator {
            Some(sep) => split_contains(s, sep, wanted),
            None => s.eq_str(wanted),
        },
        Value::Array(items) => items.iter().any(|item| match item {
            Value::String(s) => s.eq_str(wanted),
            scalar => scalar_is(scalar, wanted),
        }),
        scalar => scalar_is(scalar, wanted),
    }
}

fn scalar_is(value: Value<'_>, wanted: &str) -> bool {
    match value {
        Value::Number(n) => n.text() == wanted,
        Value::Bool(true) => wanted == "true",
        Value::Bool(false) => wanted == "false",
        _ => false,
    }
}

/// True when one `separator`-delimited part of `s` (after unescaping) equals `wanted`.
/// Parts are split as `str::split` splits them: the leftmost occurrence first, never
/// overlapping. Bytes are compared: a UTF-8 separator only ever matches at character
/// boundaries.
fn split_contains(s: Str<'_>, separator: &str, wanted: &str) -> bool {
    let (sep, wanted) = (separator.as_bytes(), wanted.as_bytes());
    if !s.has_escapes() {
        // Without escapes the raw bytes are the text.
        return match sep {
            [one] => s.raw().split(|b| b == one).any(|part| part == wanted),
            _ => Parts::new(sep, wanted).any_in(s.raw().iter().copied()),
        };
    }
    let mut utf8 = [0u8; 4];
    let mut parts = Parts::new(sep, wanted);
    for c in s.chars() {
        for &b in c.encode_utf8(&mut utf8).as_bytes() {
            if parts.push(b) {
                return true;
            }
        }
    }
    parts.finish()
}

/// A streaming split of bytes by `sep` that checks each part against `wanted`, holding
/// only the next `sep.len()` bytes: the window is either the separator (a part ends)
/// or its first byte belongs to the current part.
struct Parts<'p> {
    sep: &'p [u8],
    wanted: &'p [u8],
    window: heapless::Deque<u8, { crate::policy::MAX_SEPARATOR_LEN }>,
    /// Bytes of `wanted` matched so far in the current part, while it still matches.
    matched: Option<usize>,
}

impl<'p> Parts<'p> {
    fn new(sep: &'p [u8], wanted: &'p [u8]) -> Self {
        Parts { sep, wanted, window: heapless::Deque::new(), matched: Some(0) }
    }

    /// True when some part of `bytes` equals `wanted`.
    fn any_in(mut self, bytes: impl Iterator<Item = u8>) -> bool {
        for b in bytes {
            if self.push(b) {
                return true;
            }
        }
        self.finish()
    }

    /// Takes the next byte; true when it completes a separator that ends a matching part.
    fn push(&mut self, b: u8) -> bool {
        if self.window.push_back(b).is_err() {
            return false; // unreachable: the window is emptied at the separator's length
        }
        if self.window.len() < self.sep.len() {
            return false;
        }
        if self.window.iter().eq(self.sep.iter()) {
            self.window.clear();
            return self.end_part();
        }
        if let Some(first) = self.window.pop_front() {
            self.feed(first);
        }
        false
    }

    /// Ends the input: the bytes still held belong to the last part.
    fn finish(mut self) -> bool {
        while let Some(b) = self.window.pop_front() {
            self.feed(b);
        }
        self.end_part()
    }

    fn feed(&mut self, b: u8) {
        self.matched = self.matched.filter(|&n| self.wanted.get(n) == Some(&b)).map(|n| n + 1);
    }

    fn end_part(&mut self) -> bool {
        let whole = self.matched == Some(self.wanted.len());
        self.matched = Some(0);
        whole
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use crate::policy::RequiredClaim;

    fn outcome(payload: &str, policy: &Policy) -> Result<(), Reason> {
        let mut found = Found::default();
        read_claims(payload.as_bytes(), policy, &mut found).map_err(|_| Reason::TokenMalformed)?;
        check::<&str>(&found, None, None, policy, 1_000).map_err(|e| e.reason())
    }

    /// Names are matched after unescaping whether they are registered claims or the
    /// policy's required claims, and a plain name never matches an escaped policy text.
    #[test]
    fn claims_are_found_by_unescaped_name_in_one_pass() {
        let policy = Policy::builder()
            .audience("api")
            .issuer("https://issuer/")
            .require_claim(RequiredClaim { name: "scp", values: &["read"], match_: Match::Any, separator: Some(" ") })
            .require_claim(RequiredClaim { name: "roles", values: &["admin"], match_: Match::All, separator: None })
            .build()
            .expect("policy");
        let plain = r#"{"aud":"api","iss":"https://issuer/","exp":2000,"scp":"write read","roles":["admin"]}"#;
        assert_eq!(outcome(plain, &policy), Ok(()));
        let escaped = r#"{"aud":"api","iss":"https:\/\/issuer\/","exp":2000,"scp":"write read","roles":["admin"]}"#;
        assert_eq!(outcome(escaped, &policy), Ok(()));
        let expired = r#"{"aud":"api","iss":"https://issuer/","exp":999,"scp":"read","roles":["admin"]}"#;
        assert_eq!(outcome(expired, &policy), Err(Reason::TokenExpired));
        let no_scope = r#"{"aud":"api","iss":"https://issuer/","exp":2000,"scpx":"read","roles":["admin"]}"#;
        assert_eq!(outcome(no_scope, &policy), Err(Reason::TokenClaimNotFound));
        let wrong_scope = r#"{"aud":"api","iss":"https://issuer/","exp":2000,"scp":"read2 x","roles":["admin"]}"#;
        assert_eq!(outcome(wrong_scope, &policy), Err(Reason::TokenClaimValueNotAllowed));
        let malformed_exp = r#"{"aud":"api","iss":"https://issuer/","exp":"2000","scp":"read","roles":["admin"]}"#;
        assert_eq!(outcome(malformed_exp, &policy), Err(Reason::TokenClaimMalformed));
    }

    /// A rule with a fallback reads the fallback claim only when the token lacks the
    /// first one (APIM's client application check: azp, or appid in v1.0 tokens).
    #[test]
    fn fallback_claim_is_read_only_when_the_claim_is_absent() {
        let claim = RequiredClaim { name: "azp", values: &["client-1"], match_: Match::Any, separator: None };
        let policy = Policy::builder()
            .audience("api")
            .issuer("https://issuer/")
            .require_claim_or(claim, "appid")
            .build()
            .expect("policy");
        assert_eq!(policy.required_claim_fallbacks().collect::<std::vec::Vec<_>>(), [Some("appid")]);
        let with = |members: &str| std::format!(r#"{{"aud":"api","iss":"https://issuer/","exp":2000{members}}}"#);
        assert_eq!(outcome(&with(r#","azp":"client-1""#), &policy), Ok(()));
        assert_eq!(outcome(&with(r#","appid":"client-1""#), &policy), Ok(()));
        assert_eq!(outcome(&with(r#","\u0061ppid":"client-1""#), &policy), Ok(()));
        assert_eq!(
            outcome(&with(r#","appid":"client-1","azp":"client-2""#), &policy),
            Err(Reason::TokenClaimValueNotAllowed)
        );
        assert_eq!(
            outcome(&with(r#","azp":"client-2","appid":"client-1""#), &policy),
            Err(Reason::TokenClaimValueNotAllowed)
        );
        assert_eq!(
            outcome(&with(r#","azp":null,"appid":"client-1""#), &policy),
            Err(Reason::TokenClaimValueNotAllowed)
        );
        assert_eq!(outcome(&with(r#","appid":"client-2""#), &policy), Err(Reason::TokenClaimValueNotAllowed));
        assert_eq!(outcome(&with(""), &policy), Err(Reason::TokenClaimNotFound));
        // Without a fallback, appid is never read.
        let strict =
            Policy::builder().audience("api").issuer("https://issuer/").require_claim(claim).build().expect("policy");
        assert_eq!(strict.required_claim_fallbacks().collect::<std::vec::Vec<_>>(), [None]);
        assert_eq!(outcome(&with(r#","appid":"client-1""#), &strict), Err(Reason::TokenClaimNotFound));
    }

    /// A separator split, plain or over an escaped string, gives exactly `str::split`'s
    /// parts, for one-byte, multi-byte, multi-character and self-overlapping separators.
    #[test]
    fn separated_values_match_str_split_with_and_without_escapes() {
        let texts =
            ["a b c", "ab", "", " a ", "a, b,c, ", "x||y|||z", "caf\u{e9}\u{e9}t\u{e9}", "aaaa", "aaa", "a\u{e9}b"];
        let separators = [" ", ", ", "||", "\u{e9}", "aa", "a", "ab", "\u{e9}t"];
        let mut checked = 0;
        for text in texts {
            for sep in separators {
                let mut wanted: std::vec::Vec<&str> = text.split(sep).collect();
                wanted.extend(["a", "b", "", "a b", "zz", text]);
                for w in wanted {
                    let expected = text.split(sep).any(|part| part == w);
                    for doc in [doc_with(text, false), doc_with(text, true)] {
                        let doc = crate::json::Object::parse(doc.as_bytes()).expect("valid");
                        let Some(Value::String(s)) = doc.get("v") else { panic!("string") };
                        assert_eq!(split_contains(s, sep, w), expected, "{text:?} split by {sep:?}, {w:?}");
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    /// `{"v":"<value>"}`, every character of `value` written as a `\uXXXX` escape when
    /// `escape`.
    fn doc_with(value: &str, escape: bool) -> std::string::String {
        let body: std::string::String =
            if escape { value.chars().map(|c| std::format!("\\u{:04x}", c as u32)).collect() } else { value.into() };
        std::format!("{{\"v\":\"{body}\"}}")
    }

    #[test]
    fn tenant_template_is_filled_exactly() {
        let t = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert!(matches_template("https://login.microsoftonline.com/abc/v2.0", t, "abc"));
        assert!(!matches_template("https://login.microsoftonline.com/abd/v2.0", t, "abc"));
        assert!(!matches_template("https://login.microsoftonline.com/abc/v2.0/", t, "abc"));
        assert!(!matches_template("https://login.microsoftonline.com//v2.0", t, "abc"));
        assert!(matches_template("https://sts.windows.net/x/", "https://sts.windows.net/x/", ""));
        assert!(!matches_template("https://sts.windows.net/y/", "https://sts.windows.net/x/", ""));
    }
}
