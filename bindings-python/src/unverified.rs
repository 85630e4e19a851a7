//! Reading the `tid` claim of a token *before* it is verified, only to fill a
//! `{tenantid}` issuer template. Nothing read here decides anything: the core verifies
//! the signature and compares the (then concrete) issuers exactly afterwards. Inputs
//! that do not decode simply yield no `tid`.

use jwtguard_core::json::{Object, Value};

/// Longest `tid` used (the core's key-issuer check has the same bound).
const MAX_TID_LEN: usize = 128;

fn sextet(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    } as u32)
}

/// Unpadded base64url; `None` on any other byte.
fn b64url(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text {
        acc = (acc << 6) | sextet(c)?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The payload's `tid` when it is a string of 1 to 128 bytes.
pub fn tid(token: &[u8]) -> Option<String> {
    let payload = token.split(|&b| b == b'.').nth(1)?;
    let json = b64url(payload)?;
    let object = Object::parse(&json).ok()?;
    let Some(Value::String(s)) = object.get("tid") else { return None };
    let tid: String = s.chars().collect();
    (!tid.is_empty() && tid.len() <= MAX_TID_LEN).then_some(tid)
}
