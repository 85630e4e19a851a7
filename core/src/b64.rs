//! Base64 decoding: strict for token segments, tolerant for key members.
//!
//! Token segments are public data (anyone holding the token can read them), so they
//! are decoded with a lookup table, several times faster than `base64ct`'s
//! constant-time decoder; a test checks both give the same answer on every input it
//! generates. Key members (loaded once) go through `base64ct`.

use base64ct::{Base64Unpadded, Base64UrlUnpadded, Encoding};

/// Marks a byte outside the base64url alphabet (its top bits are set, which no 6-bit
/// value has).
const NOT_BASE64: u8 = 0xff;

/// The 6-bit value of each base64url character, [`NOT_BASE64`] for every other byte.
const BASE64URL: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut table = [NOT_BASE64; 256];
    let mut i = 0;
    while i < 64 {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The most bytes that `encoded_len` base64 characters can decode to.
pub(crate) const fn max_decoded_len(encoded_len: usize) -> usize {
    encoded_len / 4 * 3 + (encoded_len % 4) * 3 / 4
}

/// Decodes a token segment: base64url alphabet only, no padding, no whitespace, and
/// canonical trailing bits (one token has exactly one encoding).
pub(crate) fn decode_segment<'o>(segment: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let out = out.get_mut(..max_decoded_len(segment.len()))?;
    let quads = segment.chunks_exact(4);
    let tail = quads.remainder();
    let (whole, rest) = out.split_at_mut(segment.len() / 4 * 3);
    for (quad, triple) in quads.zip(whole.chunks_exact_mut(3)) {
        let [a, b, c, d] = [quad[0], quad[1], quad[2], quad[3]].map(|ch| BASE64URL[usize::from(ch)]);
        if (a | b | c | d) & 0xc0 != 0 {
            return None;
        }
        let bits = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        triple.copy_from_slice(&bits.to_be_bytes()[1..]);
    }
    let values = tail.iter().map(|&ch| BASE64URL[usize::from(ch)]);
    let mut bits = 0u32;
    for value in values {
        if value & 0xc0 != 0 {
            return None;
        }
        bits = bits << 6 | u32::from(value);
    }
    match (tail.len(), rest) {
        (0, []) => {}
        // Two characters carry one byte; the last 4 bits must be zero (canonical).
        (2, [byte]) if bits & 0x0f == 0 => *byte = (bits >> 4) as u8,
        // Three characters carry two bytes; the last 2 bits must be zero.
        (3, [first, second]) if bits & 0x03 == 0 => {
            *first = (bits >> 10) as u8;
            *second = (bits >> 2) as u8;
        }
        _ => return None,
    }
    Some(out)
}

/// Decodes a key member (`n`, `e`, `x`, `y`) as providers publish it: base64url or the
/// standard alphabet (Microsoft used `+` and `/` in 2015), with or without `=` padding.
/// Mixing the two alphabets, stray characters and non-canonical bits are still rejected.
pub(crate) fn decode_key_member<'o>(member: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let mut end = member.len();
    for _ in 0..2 {
        if end > 0 && member[end - 1] == b'=' {
            end -= 1;
        }
    }
    let body = &member[..end];
    if end != member.len() && !member.len().is_multiple_of(4) {
        return None; // padding present but not to a multiple of four
    }
    let standard = body.iter().any(|&c| c == b'+' || c == b'/');
    let url = body.iter().any(|&c| c == b'-' || c == b'_');
    match (standard, url) {
        (true, true) => None,
        (true, false) => Base64Unpadded::decode(body, out).ok().map(|d| d as &[u8]),
        (false, _) => Base64UrlUnpadded::decode(body, out).ok().map(|d| d as &[u8]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_decoding_is_strict() {
        let mut buf = [0u8; 16];
        assert_eq!(decode_segment(b"Zm9v", &mut buf), Some(&b"foo"[..]));
        assert_eq!(decode_segment(b"Zg", &mut buf), Some(&b"f"[..]));
        for bad in [&b"Zg=="[..], b"Zh", b"Zm+v", b"Zm/v", b"Zm9v\n", b" Zm9v", b"Z", b"Zm9v."] {
            assert_eq!(decode_segment(bad, &mut buf), None, "{:?}", bad);
        }
        assert_eq!(decode_segment(b"Zm9vZm9vZm9vZm9vZm9vZm9v", &mut buf[..4]), None);
    }

    /// The table decoder against `base64ct` on every short string over a small
    /// alphabet (valid characters of each kind plus invalid ones) and on random strings.
    #[test]
    fn segment_decoding_agrees_with_base64ct() {
        const CHARS: &[u8] = b"AQgw_-9z+/=.\x00\xff";
        let mut checked = 0;
        let mut compare = |input: &[u8]| {
            let (mut ours, mut theirs) = ([0u8; 64], [0u8; 64]);
            let expected = Base64UrlUnpadded::decode(input, &mut theirs).ok().map(|d| d.to_vec());
            assert_eq!(decode_segment(input, &mut ours).map(|d| d.to_vec()), expected, "{input:?}");
            checked += 1;
        };
        for len in 0..=4u32 {
            for n in 0..CHARS.len().pow(len) {
                let mut input = [0u8; 4];
                let mut rest = n;
                for slot in input.iter_mut().take(len as usize) {
                    *slot = CHARS[rest % CHARS.len()];
                    rest /= CHARS.len();
                }
                compare(&input[..len as usize]);
            }
        }
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..20_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 60) as usize;
            let input: [u8; 60] = core::array::from_fn(|i| {
                let pick = (state >> (i % 50)) as usize + i;
                if pick.is_multiple_of(97) {
                    CHARS[pick % CHARS.len()]
                } else {
                    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[pick % 64]
                }
            });
            compare(&input[..len]);
        }
        assert!(checked > 40_000);
        // Too small an output buffer is a refusal, as with base64ct.
        assert_eq!(decode_segment(b"Zm9vYmFy", &mut [0u8; 5]), None);
    }

    #[test]
    fn key_members_accept_both_alphabets_and_padding() {
        let mut buf = [0u8; 16];
        assert_eq!(decode_key_member(b"Zm-v", &mut buf), Some(&[102u8, 111, 175][..]));
        assert_eq!(decode_key_member(b"Zm+v", &mut buf), Some(&[102u8, 111, 175][..]));
        assert_eq!(decode_key_member(b"AQAB", &mut buf), Some(&[1u8, 0, 1][..]));
        assert_eq!(decode_key_member(b"Zg==", &mut buf), Some(&b"f"[..]));
        assert_eq!(decode_key_member(b"Zg", &mut buf), Some(&b"f"[..]));
        for bad in [&b"Z+-v"[..], b"Zg=", b"Zg===", b"Zh==", b"Zm9v\n", b"=", b"Zm9v?"] {
            assert_eq!(decode_key_member(bad, &mut buf), None, "{:?}", bad);
        }
    }

    #[test]
    fn decoded_length_bound_is_exact() {
        for n in 0..64 {
            let input = [b'A'; 64];
            let mut out = [0u8; 64];
            if let Ok(d) = Base64UrlUnpadded::decode(&input[..n], &mut out) {
                assert_eq!(d.len(), max_decoded_len(n));
            }
        }
        assert_eq!(max_decoded_len(4), 3);
        assert_eq!(max_decoded_len(3), 2);
        assert_eq!(max_decoded_len(2), 1);
    }
}
