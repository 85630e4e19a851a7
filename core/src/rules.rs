//! The claim rules of `validate-jwt`, applied to a token whose signature verified.
//!
//! Order (the first failure is reported): `exp`/`nbf`/`iat` well-formedness, missing
//! `exp`, expiry, not-before, audience, issuer, the signing key's own issuer, then the
//! required claims in policy order. Comparisons are exact and case-sensitive, after
//! JSON unescaping. Time arithmetic saturates: no `now` or skew overflows.

use crate::claims::Claims;
use crate::error::{Error, Reason};
use crate::json::{Str, Value};
use crate::numeric_date::{self, Round};
use crate::policy::{ClaimRule, Match, Policy};

/// Applies every claim rule of `policy` at time `now` (Unix seconds); `key_issuer` is
/// the `issuer` member of the key that verified the signature, if it had one.
pub(crate) fn check(claims: &Claims<'_>, key_issuer: Option<&str>, policy: &Policy, now: u64) -> Result<(), Error> {
    let exp = time_claim(claims, "exp", Round::Down)?;
    let nbf = time_claim(claims, "nbf", Round::Up)?;
    time_claim(claims, "iat", Round::Down)?;
    check_lifetime(exp, nbf, policy, now)?;
    check_audience(claims, policy)?;
    check_issuer(claims, policy)?;
    if let (true, Some(template)) = (policy.check_key_issuer, key_issuer) {
        check_key_issuer(claims, template)?;
    }
    for rule in policy.rules() {
        check_required_claim(claims, policy, rule)?;
    }
    Ok(())
}

fn time_claim(claims: &Claims<'_>, name: &'static str, round: Round) -> Result<Option<u64>, Error> {
    match claims.get(name) {
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

fn check_audience(claims: &Claims<'_>, policy: &Policy) -> Result<(), Error> {
    let malformed =
        || Error::with_claim(Reason::TokenClaimMalformed, "aud is not a string or an array of strings", "aud");
    let allowed = |s: &Str<'_>| policy.audiences().any(|a| s.eq_str(a));
    let found = match claims.get("aud") {
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

fn check_issuer(claims: &Claims<'_>, policy: &Policy) -> Result<(), Error> {
    let found = match claims.get("iss") {
        None => false,
        Some(Value::String(s)) => policy.issuers().any(|i| s.eq_str(i)),
        Some(_) => return Err(Error::with_claim(Reason::TokenClaimMalformed, "iss is not a string", "iss")),
    };
    if found || policy.any_issuer() {
        Ok(())
    } else {
        Err(Error::new(Reason::TokenIssuerNotAllowed, "token issuer is not allowed by the policy"))
    }
}

/// Multi-tenant template in Microsoft Entra key sets.
const TENANT_TEMPLATE: &str = "{tenantid}";

fn check_key_issuer(claims: &Claims<'_>, template: &str) -> Result<(), Error> {
    let mismatch = || Error::new(Reason::TokenIssuerNotAllowed, "token issuer is not the signing key's issuer");
    let mut iss_buf = [0u8; crate::jwk::MAX_ISSUER_LEN * 2];
    let iss = claims.issuer().and_then(|s| s.unescape_into(&mut iss_buf)).ok_or_else(mismatch)?;
    let mut tid_buf = [0u8; 128];
    let tid = if template.contains(TENANT_TEMPLATE) {
        claims.string("tid").and_then(|s| s.unescape_into(&mut tid_buf)).ok_or_else(mismatch)?
    } else {
        ""
    };
    if matches_template(iss, template, tid) {
        Ok(())
    } else {
        Err(mismatch())
    }
}

/// True when `iss` equals `template` with every `{tenantid}` replaced by `tid`.
fn matches_template(iss: &str, template: &str, tid: &str) -> bool {
    let mut rest = iss;
    let mut pieces = template.split(TENANT_TEMPLATE).peekable();
    while let Some(piece) = pieces.next() {
        let Some(after) = rest.strip_prefix(piece) else { return false };
        rest = after;
        if pieces.peek().is_some() {
            let Some(after) = rest.strip_prefix(tid) else { return false };
            rest = after;
        }
    }
    rest.is_empty()
}

fn check_required_claim(claims: &Claims<'_>, policy: &Policy, rule: &ClaimRule) -> Result<(), Error> {
    let name = policy.rule_name(rule);
    let Some(value) = claims.get(name) else {
        return Err(Error::with_claim(Reason::TokenClaimNotFound, "a required claim is missing", name));
    };
    let wanted = policy.claim_values(rule);
    if wanted.is_empty() {
        return Ok(());
    }
    let present = |w: &str| token_has(value, w, rule.separator);
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
fn token_has(value: Value<'_>, wanted: &str, separator: Option<char>) -> bool {
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
fn split_contains(s: Str<'_>, separator: char, wanted: &str) -> bool {
    let wanted = wanted.as_bytes();
    let mut pos = 0usize; // bytes of `wanted` matched so far in this part
    let mut matching = true;
    let mut utf8 = [0u8; 4];
    for c in s.chars() {
        if c == separator {
            if matching && pos == wanted.len() {
                return true;
            }
            pos = 0;
            matching = true;
            continue;
        }
        if matching {
            let encoded = c.encode_utf8(&mut utf8).as_bytes();
            match wanted.get(pos..pos + encoded.len()) {
                Some(expected) if expected == encoded => pos += encoded.len(),
                _ => matching = false,
            }
        }
    }
    matching && pos == wanted.len()
}

#[cfg(test)]
mod tests {
    use super::*;

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
