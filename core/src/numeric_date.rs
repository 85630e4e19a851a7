//! RFC 7519 NumericDate values (`exp`, `nbf`, `iat`), read strictly.
//!
//! Accepted: a JSON number, non-negative, written without an exponent, whose integer
//! part is at most 2^53 - 1 (the largest integer every JSON implementation represents
//! exactly). A fractional part is allowed (RFC 7519 §2) and rounded toward rejection:
//! `exp` is floored (the token expires no later than written) and `nbf` is ceiled (it
//! becomes valid no earlier than written). Anything else — a string, `null`, a boolean,
//! a negative number, exponent notation, an over-large value — is malformed and is never
//! treated as if the claim were absent.

use crate::json::Value;

/// Largest accepted integer part: 2^53 - 1.
pub(crate) const MAX_NUMERIC_DATE: u64 = (1 << 53) - 1;

/// How to round a fractional NumericDate.
#[derive(Clone, Copy)]
pub(crate) enum Round {
    Down,
    Up,
}

/// Reads a NumericDate, rounding a fraction as `round` says. `None` = malformed.
pub(crate) fn read(value: Value<'_>, round: Round) -> Option<u64> {
    let Value::Number(n) = value else { return None };
    parse(n.text(), round)
}

fn parse(text: &str, round: Round) -> Option<u64> {
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    if int_part.is_empty() || int_part.len() > 16 || !int_part.bytes().all(|b| b.is_ascii_digit()) {
        return None; // sign, exponent, or too many digits
    }
    let mut value: u64 = 0;
    for b in int_part.bytes() {
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    if value > MAX_NUMERIC_DATE {
        return None;
    }
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let has_fraction = frac.bytes().any(|b| b != b'0');
        if has_fraction && matches!(round, Round::Up) {
            value = value.checked_add(1)?;
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_fractions() {
        assert_eq!(parse("0", Round::Down), Some(0));
        assert_eq!(parse("1700000000", Round::Down), Some(1_700_000_000));
        assert_eq!(parse("1700000000.5", Round::Down), Some(1_700_000_000));
        assert_eq!(parse("1700000000.5", Round::Up), Some(1_700_000_001));
        assert_eq!(parse("1700000000.000", Round::Up), Some(1_700_000_000));
        assert_eq!(parse("9007199254740991", Round::Down), Some(MAX_NUMERIC_DATE));
        assert_eq!(parse("9007199254740991.1", Round::Up), Some(MAX_NUMERIC_DATE + 1));
    }

    #[test]
    fn malformed_forms_are_rejected() {
        for bad in ["-1", "-0", "1e9", "1E9", "1.7e9", "9007199254740992", "99999999999999999999", "", ".", "1.", "+1"]
        {
            assert_eq!(parse(bad, Round::Down), None, "{bad}");
        }
    }
}
