//! Base64 decoding: strict for token segments, tolerant for key members.
//!
//! Token segments are public data (anyone holding the token can read them), so they
//! need no constant-time decoder. With `std` they go through `base64-simd` (vector
//! instructions picked at run time); without it, through a lookup table here, several
//! times faster than `base64ct`'s constant-time decoder. Tests check that all three
//! give the same answer on every input they generate. Key members (loaded once) go
//! through `base64ct`.

use base64ct::{Base64Unpadded, Base64UrlUnpadded, Encoding};

/// The base64url alphabet, in value order.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Set in a table entry for a byte outside the alphabet: bit 63, above the 48 bits
/// that eight characters fill.
const NOT_BASE64: u64 = 1 << 63;

/// For each byte, its 6-bit value shifted to where the character at `position` (0-7)
/// of a group of eight puts it in the group's 48 bits; [`NOT_BASE64`] for a byte
/// outside the alphabet. Eight lookups OR-ed together give a group's bits, and one
/// test of the accumulated OR finds any stray character. Positions 4-7 are also the
/// layout of a group of four in the low 24 bits.
const fn shifted_table(position: u32) -> [u64; 256] {
    let mut table = [NOT_BASE64; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = (i as u64) << (42 - 6 * position);
        i += 1;
    }
    table
}

const POSITION: [[u64; 256]; 8] = [
    shifted_table(0),
    shifted_table(1),
    shifted_table(2),
    shifted_table(3),
    shifted_table(4),
    shifted_table(5),
    shifted_table(6),
    shifted_table(7),
];

/// The most bytes that `encoded_len` base64 characters can decode to.
pub(crate) const fn max_decoded_len(encoded_len: usize) -> usize {
    encoded_len / 4 * 3 + (encoded_len % 4) * 3 / 4
}

/// Decodes a token segment: base64url alphabet only, no padding, no whitespace, and
/// canonical trailing bits (one token has exactly one encoding). `None` for a segment
/// that breaks these rules, or when `out` is shorter than [`max_decoded_len`].
pub(crate) fn decode_segment<'o>(segment: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    #[cfg(feature = "std")]
    return decode_segment_simd(segment, out);
    #[cfg(not(feature = "std"))]
    decode_segment_with_table(segment, out)
}

/// [`decode_segment`] by `base64-simd`, whose rules are the same (it rejects padding,
/// stray bytes and non-canonical trailing bits).
#[cfg(feature = "std")]
fn decode_segment_simd<'o>(segment: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    // base64-simd asserts that `out` holds the decoded length, which for unpadded
    // input is exactly `max_decoded_len`: sizing `out` first keeps the assertion true.
    let out = out.get_mut(..max_decoded_len(segment.len()))?;
    let decoded = base64_simd::URL_SAFE_NO_PAD.decode(segment, base64_simd::Out::from_slice(out)).ok()?;
    Some(decoded)
}

/// [`decode_segment`] by the lookup tables above, eight characters at a time.
#[cfg_attr(all(feature = "std", not(test)), allow(dead_code))]
fn decode_segment_with_table<'o>(segment: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let out = out.get_mut(..max_decoded_len(segment.len()))?;
    let octets = segment.chunks_exact(8);
    let rest = octets.remainder();
    let (whole, out_rest) = out.split_at_mut(segment.len() / 8 * 6);
    let mut stray = 0u64;
    for (octet, six) in octets.zip(whole.chunks_exact_mut(6)) {
        let Ok(&[c0, c1, c2, c3, c4, c5, c6, c7]) = <&[u8; 8]>::try_from(octet) else { return None };
        let [t0, t1, t2, t3, t4, t5, t6, t7] = &POSITION;
        let bits = t0[usize::from(c0)]
            | t1[usize::from(c1)]
            | t2[usize::from(c2)]
            | t3[usize::from(c3)]
            | t4[usize::from(c4)]
            | t5[usize::from(c5)]
            | t6[usize::from(c6)]
            | t7[usize::from(c7)];
        stray |= bits;
        six.copy_from_slice(bits.to_be_bytes().get(2..)?);
    }
    // At most seven characters are left: maybe one group of four, then 0-3.
    let (quad, tail) = rest.split_at(rest.len() / 4 * 4);
    let (quad_out, tail_out) = out_rest.split_at_mut(quad.len() / 4 * 3);
    let group = |chars: &[u8]| chars.iter().zip(&POSITION[4..]).fold(0u64, |bits, (&ch, t)| bits | t[usize::from(ch)]);
    if let [x, y, z] = quad_out {
        let bits = group(quad);
        stray |= bits;
        [_, _, _, _, _, *x, *y, *z] = bits.to_be_bytes();
    }
    let bits = group(tail);
    if (stray | bits) & NOT_BASE64 != 0 {
        return None;
    }
    let [.., x, y, z] = bits.to_be_bytes();
    match (tail.len(), tail_out) {
        (0, []) => {}
        // Two characters carry one byte; the other 4 bits they hold must be zero
        // (canonical).
        (2, [byte]) if y & 0xf0 == 0 => *byte = x,
        // Three characters carry two bytes; the other 2 bits must be zero.
        (3, [first, second]) if z & 0xc0 == 0 => {
            *first = x;
            *second = y;
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

    type Decoder = for<'o> fn(&[u8], &'o mut [u8]) -> Option<&'o [u8]>;

    /// The decoder in use and the table decoder (the same one without `std`).
    const DECODERS: [(&str, Decoder); 2] = [("decode_segment", decode_segment), ("table", decode_segment_with_table)];

    #[test]
    fn segment_decoding_is_strict() {
        for (name, decode) in DECODERS {
            let mut buf = [0u8; 16];
            assert_eq!(decode(b"Zm9v", &mut buf), Some(&b"foo"[..]), "{name}");
            assert_eq!(decode(b"Zg", &mut buf), Some(&b"f"[..]), "{name}");
            for bad in [&b"Zg=="[..], b"Zh", b"Zm+v", b"Zm/v", b"Zm9v\n", b" Zm9v", b"Z", b"Zm9v."] {
                assert_eq!(decode(bad, &mut buf), None, "{name}: {bad:?}");
            }
            assert_eq!(decode(b"Zm9vZm9vZm9vZm9vZm9vZm9v", &mut buf[..4]), None, "{name}");
            // Too small an output buffer is a refusal, as with base64ct.
            assert_eq!(decode(b"Zm9vYmFy", &mut [0u8; 5]), None, "{name}");
        }
    }

    /// Both decoders against `base64ct` on every short string over a small alphabet
    /// (valid characters of each kind plus invalid ones), and on random strings long
    /// enough for the vector code, with an occasional stray byte anywhere.
    #[test]
    fn segment_decoding_agrees_with_base64ct() {
        const CHARS: &[u8] = b"AQgw_-9z+/=.\x00\xff";
        const URL_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut checked = 0;
        let mut compare = |input: &[u8]| {
            let mut theirs = [0u8; 256];
            let expected = Base64UrlUnpadded::decode(input, &mut theirs).ok().map(|d| d.to_vec());
            for (name, decode) in DECODERS {
                let mut ours = [0u8; 256];
                assert_eq!(decode(input, &mut ours).map(|d| d.to_vec()), expected, "{name}: {input:?}");
            }
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
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..40_000 {
            let len = (next() % 300) as usize;
            let stray = next();
            let mut input: [u8; 300] = core::array::from_fn(|_| URL_ALPHABET[(next() % 64) as usize]);
            // Half the strings are valid; the others have one byte from CHARS somewhere.
            if stray % 2 == 0 && len > 0 {
                input[(stray >> 8) as usize % len] = CHARS[(stray >> 40) as usize % CHARS.len()];
            }
            compare(&input[..len]);
        }
        assert!(checked > 60_000);
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
