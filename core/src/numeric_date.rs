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
    parse(n.bytes(), round)
}

fn parse(bytes: &[u8], round: Round) -> Option<u64> {
    // The integer part in one pass: at most 16 digits, so the value cannot overflow.
    let mut value = 0u64;
    let mut rest = bytes;
    while let [digit @ b'0'..=b'9', tail @ ..] = rest {
        if bytes.len() - tail.len() > 16 {
            return None; // too many digits
        }
        value = value * 10 + u64::from(digit - b'0');
        rest = tail;
    }
    if rest.len() == bytes.len() {
        return None; // a sign, or no digit at all
    }
    if value > MAX_NUMERIC_DATE {
        return None;
    }
    match rest {
        [] => Some(value),
        [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {
            let has_fraction = frac.iter().any(|&b| b != b'0');
            match round {
                Round::Up if has_fraction => value.checked_add(1),
                _ => Some(value),
            }
        }
        _ => None, // an exponent, or anything else
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, round: Round) -> Option<u64> {
        super::parse(text.as_bytes(), round)
    }

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
