//! Inline `<issuer-signing-keys>` rendered as a JWK set.
//!
//! Security contract: key bytes are decoded and re-encoded here, never copied into an
//! error or a note; the rendered document is plain JSON with every string escaped, so
//! an `id` cannot inject members.

/// What kind of key an inline `<key>` is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlineKeyKind {
    /// `<key n="..." e="..."/>`: an RSA public key, rendered as `"kty":"RSA"`.
    Rsa,
    /// `<key>base64</key>`: a symmetric (HMAC) secret, rendered as `"kty":"oct"`.
    /// jwtguard-core verifies HS256/384/512 with it only when the key set is loaded with
    /// `KeyOptions::allow_symmetric`.
    Symmetric,
}

/// One inline key, as listed in the policy (without its material).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlineKey {
    pub(crate) kid: Option<String>,
    pub(crate) kind: InlineKeyKind,
    pub(crate) bits: usize,
}

impl InlineKey {
    /// The key's `id` attribute (the JWK `kid`), if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// RSA or symmetric.
    pub fn kind(&self) -> InlineKeyKind {
        self.kind
    }

    /// Size in bits: the RSA modulus length (leading zero bytes removed) or the secret's length.
    pub fn bits(&self) -> usize {
        self.bits
    }
}

/// Decodes base64 in either alphabet, padded or not (what APIM and JWK producers emit).
/// Returns `None` on any other character, bad padding or non-zero trailing bits.
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let body_len = bytes.iter().rposition(|&b| b != b'=').map_or(0, |p| p + 1);
    let padding = bytes.len() - body_len;
    if padding > 2 || (padding > 0 && !bytes.len().is_multiple_of(4)) {
        return None;
    }
    let body = &bytes[..body_len];
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4 + 2);
    let mut acc: u32 = 0;
    let mut n = 0u32;
    for &b in body {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((acc >> n) as u8);
            acc &= (1 << n) - 1;
        }
    }
    // Leftover bits must be zero: one encoding per value.
    if acc != 0 {
        return None;
    }
    Some(out)
}

/// base64url without padding (RFC 7515 section 2).
pub(crate) fn encode_base64url(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let index = (v >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET[index as usize]));
        }
    }
    out
}

/// Appends `s` as a JSON string literal.
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A key ready to render: kind, optional kid, and its members (already base64url).
pub(crate) struct RenderedKey {
    pub(crate) kid: Option<String>,
    pub(crate) members: Vec<(&'static str, String)>,
    pub(crate) kty: &'static str,
    /// The JWK's `use`: `sig` for signing keys, `enc` for decryption keys.
    pub(crate) usage: &'static str,
}

/// A symmetric key's `k` is a secret: every member is wiped when the key is dropped.
impl Drop for RenderedKey {
    fn drop(&mut self) {
        self.members.iter_mut().for_each(|(_, value)| zeroize::Zeroize::zeroize(value));
    }
}

/// Renders `{"keys":[...]}` with one JWK per key, in policy order.
pub(crate) fn render_jwks(keys: &[&RenderedKey]) -> String {
    let mut out = String::from("{\"keys\":[");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_jwk(&mut out, key);
    }
    out.push_str("]}");
    out
}

/// Renders one key as a JWK document of its own.
pub(crate) fn render_jwk(key: &RenderedKey) -> String {
    let mut out = String::new();
    push_jwk(&mut out, key);
    out
}

/// Appends `key` as a JWK object.
fn push_jwk(out: &mut String, key: &RenderedKey) {
    out.push_str("{\"kty\":");
    push_json_string(out, key.kty);
    out.push_str(",\"use\":");
    push_json_string(out, key.usage);
    if let Some(kid) = &key.kid {
        out.push_str(",\"kid\":");
        push_json_string(out, kid);
    }
    for (name, value) in &key.members {
        out.push(',');
        push_json_string(out, name);
        out.push(':');
        push_json_string(out, value);
    }
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_in_both_alphabets() {
        for len in 0..40usize {
            let data: Vec<u8> = (0..len).map(|i| (i * 37 + 250) as u8).collect();
            let url = encode_base64url(&data);
            assert_eq!(decode_base64(&url).as_deref(), Some(&data[..]));
            let std = url.replace('-', "+").replace('_', "/");
            let padded = format!("{std}{}", "=".repeat((4 - std.len() % 4) % 4));
            assert_eq!(decode_base64(&padded).as_deref(), Some(&data[..]));
        }
    }

    #[test]
    fn base64_rejects_junk() {
        for bad in ["A", "AB=", "A===", "AB*C", "AQ==x", "AR==", "AB C"] {
            assert_eq!(decode_base64(bad), None, "{bad}");
        }
    }

    #[test]
    fn json_strings_are_escaped() {
        let mut s = String::new();
        push_json_string(&mut s, "a\"b\\c\u{1}");
        assert_eq!(s, "\"a\\\"b\\\\c\\u0001\"");
    }
}
