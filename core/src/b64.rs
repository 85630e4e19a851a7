//! Base64 decoding: strict for token segments, tolerant for key members.

use base64ct::{Base64Unpadded, Base64UrlUnpadded, Encoding};

/// The most bytes that `encoded_len` base64 characters can decode to.
pub(crate) const fn max_decoded_len(encoded_len: usize) -> usize {
    encoded_len / 4 * 3 + (encoded_len % 4) * 3 / 4
}

/// Decodes a token segment: base64url alphabet only, no padding, no whitespace, and
/// canonical trailing bits (one token has exactly one encoding).
pub(crate) fn decode_segment<'o>(segment: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    Base64UrlUnpadded::decode(segment, out).ok().map(|d| d as &[u8])
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
