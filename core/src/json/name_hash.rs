//! The hash of a member name, taken over its *unescaped* UTF-8 text, so that `"aud"`
//! and `"\u0061ud"` hash alike.
//!
//! It serves two jobs: finding duplicate names within an object, and letting readers
//! recognise the few names they want ([`KnownName`]) with one integer comparison per
//! candidate. It is not a defence against crafted collisions and need not be: an equal
//! hash is always confirmed by comparing the names, and the comparisons that colliding
//! names can cause are bounded by [`super::MAX_MEMBERS`].
//!
//! The text is taken eight bytes at a time (little-endian words, the last one padded
//! with zeros), each word folded in with a rotate, an xor and a multiply, then the
//! length. [`of_text`] does that over plain bytes (and runs at compile time for the
//! names jwtguard looks for); [`Hasher`] gives the same result one byte at a time, for
//! names written with escapes.

use super::Str;

const SEED: u64 = 0x243f_6a88_85a3_08d3;
/// An odd multiplier with well-spread bits (the one FxHash uses).
const MULTIPLIER: u64 = 0x517c_c1b7_2722_0a95;

#[inline]
const fn fold(state: u64, word: u64) -> u64 {
    (state.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER)
}

#[inline]
const fn finish(state: u64, len: u64) -> u32 {
    // The multiply carries every input bit into the high half; keep that half.
    (fold(state, len) >> 32) as u32
}

/// The hash of `text`, which must hold no escapes (it is the unescaped name).
pub(crate) const fn of_text(text: &[u8]) -> u32 {
    let len = text.len() as u64;
    let mut state = SEED;
    let mut rest = text;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        state = fold(state, u64::from_le_bytes(*word));
        rest = tail;
    }
    if !rest.is_empty() {
        state = fold(state, words_tail(rest));
    }
    finish(state, len)
}

/// [`of_text`] of `doc[start..end]` (a name without escapes), at run time: the last
/// partial word is read whole from `doc` when the document goes on for eight more
/// bytes (a name is followed at least by its quote, a colon and a value), its bytes
/// past `end` masked off.
#[inline]
pub(crate) fn of_text_in(doc: &[u8], start: usize, end: usize) -> u32 {
    let Some(text) = doc.get(start..end) else { return of_text(&[]) };
    let words = text.chunks_exact(8);
    let tail_len = words.remainder().len();
    let mut state = SEED;
    for word in words {
        state = fold(state, <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes));
    }
    if tail_len != 0 {
        let tail_start = end - tail_len;
        let last = match doc.get(tail_start..tail_start + 8) {
            Some(word) => {
                let word = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
                word & (u64::MAX >> (64 - 8 * tail_len as u32))
            }
            None => words_tail(doc.get(tail_start..end).unwrap_or(&[])),
        };
        state = fold(state, last);
    }
    finish(state, text.len() as u64)
}

/// [`of_text`] of a text of `len` < 8 bytes given as one little-endian word (its
/// bytes from `len` up zero).
#[inline]
pub(crate) fn of_short(word: u64, len: usize) -> u32 {
    let state = if len == 0 { SEED } else { fold(SEED, word) };
    finish(state, len as u64)
}

/// The last partial word of a text: its bytes, little-endian, zero-padded.
const fn words_tail(mut rest: &[u8]) -> u64 {
    let mut last = 0u64;
    let mut shift = 0u32;
    while let Some((&byte, tail)) = rest.split_first() {
        last |= (byte as u64) << shift;
        shift += 8;
        rest = tail;
    }
    last
}

/// The hash of a validated string's raw contents, escapes decoded first.
pub(crate) fn of_escaped(raw: Str<'_>) -> u32 {
    let mut hasher = Hasher::new();
    let mut utf8 = [0u8; 4];
    for segment in raw.segments() {
        match segment {
            super::Segment::Run(run) => run.iter().for_each(|&b| hasher.push(b)),
            super::Segment::Char(c) => c.encode_utf8(&mut utf8).bytes().for_each(|b| hasher.push(b)),
            // Only unvalidated bytes end this way; any hash will do for them.
            super::Segment::Invalid => break,
        }
    }
    hasher.finish()
}

/// [`of_text`], fed one byte at a time.
struct Hasher {
    state: u64,
    pending: u64,
    pending_len: u32,
    len: u64,
}

impl Hasher {
    fn new() -> Hasher {
        Hasher { state: SEED, pending: 0, pending_len: 0, len: 0 }
    }

    fn push(&mut self, byte: u8) {
        self.pending |= u64::from(byte) << (self.pending_len * 8);
        self.pending_len += 1;
        self.len = self.len.wrapping_add(1);
        if self.pending_len == 8 {
            self.state = fold(self.state, self.pending);
            self.pending = 0;
            self.pending_len = 0;
        }
    }

    fn finish(self) -> u32 {
        let state = if self.pending_len == 0 { self.state } else { fold(self.state, self.pending) };
        finish(state, self.len)
    }
}

/// The bit of a 64-bit filter that a name with `hash` sets: a reader OR-s the bits of
/// the names it wants and skips, with one test, every name whose bit is clear.
#[inline]
pub(crate) const fn filter_bit(hash: u32) -> u64 {
    1 << (hash % 64)
}

/// A member name a reader looks for, hashed once (at compile time for constants).
#[derive(Clone, Copy, Debug)]
pub(crate) struct KnownName<'n> {
    text: &'n str,
    hash: u32,
}

impl<'n> KnownName<'n> {
    /// The name `text` (its unescaped form).
    pub(crate) const fn new(text: &'n str) -> KnownName<'n> {
        KnownName { text, hash: of_text(text.as_bytes()) }
    }

    /// The name `text` with `hash`, which must be `KnownName::new(text).hash()`
    /// computed earlier (a wrong hash only makes the name never match).
    pub(crate) fn prehashed(text: &'n str, hash: u32) -> KnownName<'n> {
        debug_assert_eq!(hash, of_text(text.as_bytes()));
        KnownName { text, hash }
    }

    /// The hash of the name, for [`KnownName::prehashed`].
    pub(crate) const fn hash(&self) -> u32 {
        self.hash
    }
}

/// A member name met during validation, with its hash.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Name<'a> {
    text: Str<'a>,
    hash: u32,
}

impl<'a> Name<'a> {
    pub(super) fn new(text: Str<'a>, hash: u32) -> Name<'a> {
        Name { text, hash }
    }

    /// The name as written (escapes not decoded).
    pub(crate) fn text(&self) -> Str<'a> {
        self.text
    }

    /// The hash of the unescaped name.
    pub(crate) fn hash(&self) -> u32 {
        self.hash
    }

    /// True when this is `known`, after unescaping: the hashes first, then the text.
    #[inline]
    pub(crate) fn is(&self, known: &KnownName<'_>) -> bool {
        self.hash == known.hash && self.text.eq_str(known.text)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use super::*;
    use std::vec::Vec;

    fn streamed(text: &[u8]) -> u32 {
        let mut hasher = Hasher::new();
        text.iter().for_each(|&b| hasher.push(b));
        hasher.finish()
    }

    /// The run-time hash of a name inside a document agrees with [`of_text`] at every
    /// offset and length, near the document's end too (where the last word cannot be
    /// read whole).
    #[test]
    fn hashing_inside_a_document_agrees() {
        let doc: Vec<u8> = (0u8..48).map(|i| i.wrapping_mul(91).wrapping_add(7)).collect();
        for start in 0..doc.len() {
            for end in start..=doc.len() {
                assert_eq!(of_text_in(&doc, start, end), of_text(&doc[start..end]), "{start}..{end}");
            }
        }
        assert_eq!(of_text_in(&doc, 5, 60), of_text(b""), "out of range");
    }

    /// Both ways of hashing agree at every length around the word size, and the hash
    /// tells apart texts that differ only in length or in trailing zero bytes.
    #[test]
    fn word_and_byte_hashing_agree() {
        let text: Vec<u8> = (0u8..40).map(|i| i.wrapping_mul(37).wrapping_add(11)).collect();
        for len in 0..text.len() {
            assert_eq!(of_text(&text[..len]), streamed(&text[..len]), "length {len}");
        }
        assert_ne!(of_text(b""), of_text(b"\0"));
        assert_ne!(of_text(b"a"), of_text(b"a\0"));
        assert_ne!(of_text(b"abcdefgh"), of_text(b"abcdefgh\0"));
        assert_ne!(of_text(b"aud"), of_text(b"aue"));
    }

    /// The hash of a short name read as one word agrees with [`of_text`].
    #[test]
    fn short_words_hash_like_their_text() {
        let text = b"abcdefg\xe9";
        for len in 0..8 {
            let mut word = [0u8; 8];
            word[..len].copy_from_slice(&text[..len]);
            assert_eq!(of_short(u64::from_le_bytes(word), len), of_text(&text[..len]), "length {len}");
        }
    }

    #[test]
    fn escaped_names_hash_like_their_text() {
        for (raw, text) in [
            (&br"\u0061ud"[..], "aud"),
            (br"\/", "/"),
            (br"\u00E9t\u00e9", "été"),
            (br"\ud83d\uDE00 long enough to span words", "😀 long enough to span words"),
        ] {
            assert_eq!(of_escaped(Str::of(raw)), of_text(text.as_bytes()), "{text}");
        }
    }

    #[test]
    fn known_names_match_after_unescaping_only_when_equal() {
        const AUD: KnownName<'static> = KnownName::new("aud");
        let name = |raw: &'static [u8]| {
            let text = Str::of(raw);
            let hash = if raw.contains(&b'\\') { of_escaped(text) } else { of_text(raw) };
            Name::new(text, hash)
        };
        assert!(name(b"aud").is(&AUD));
        assert!(name(br"\u0061ud").is(&AUD));
        assert!(!name(b"aue").is(&AUD));
        assert!(!name(b"au").is(&AUD));
        assert!(!name(br"\u0061ue").is(&AUD));
        // A forged hash alone never makes a match.
        assert!(!Name::new(Str::of(b"xyz"), AUD.hash).is(&AUD));
    }
}
