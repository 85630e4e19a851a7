//! The JWS layer: compact serialization, header rules, key selection, signature.
//!
//! Usable on its own (the payload need not be JSON): [`verify`] returns the header and
//! the payload bytes of a token whose signature verified with a key from the set.
//!
//! Security contract, in the order the checks run:
//! 1. empty input is `TokenNotPresent`; input longer than [`JwsRules::max_token_len`]
//!    is `TokenTooLarge` before any other work;
//! 2. exactly three segments (a five-segment JWE and the JSON serialization are
//!    rejected); each segment strict base64url (no padding, no whitespace, canonical
//!    trailing bits); the signature is not empty;
//! 3. the header is a strict JSON object (see [`crate::json`]); `crit`, `b64`, `zip`,
//!    `enc`, `jwk`, `jku` and `x5u` are refused; `x5c` is never used;
//! 4. `alg` must name an implemented algorithm (`none` never is) that the rules allow;
//! 5. `kid` (or, without `kid`, `x5t`) must name exactly one key, which must support
//!    `alg` (its type, and its own `alg` member when it has one: an RSA key never
//!    verifies HS*, an oct key never RS*/PS*/ES*/EdDSA). Several key sets are searched
//!    in order, as one: a `kid` resolves to the first set holding a usable key with it.
//!    Without `kid` and `x5t` (or after a miss, with [`JwsRules::kid_miss_fallback`]),
//!    at most [`MAX_KEY_TRIALS`] keys supporting `alg` are tried, keys without a `kid`
//!    of their own first, then in set order: a forged token costs a bounded number of
//!    signature checks however many keys there are. [`JwsRules::require_kid`] refuses
//!    a token without `kid` or `x5t` when more than one key could verify it;
//! 6. the signature must verify with the algorithm's own hash (the signing input is
//!    hashed once, after step 4): ES256/ES384 exactly 64/96 bytes `r || s` with
//!    `0 < r, s < n` (high-S accepted, as RFC 7515 A.3 requires), RS*/PS* exactly the
//!    modulus length (PS*: MGF1 with the same hash, salt as long as the hash), EdDSA
//!    64 bytes checked strictly, HS* a full-length tag compared in constant time.

use crate::alg::{Algorithm, AlgorithmSet};
use crate::b64;
use crate::error::{Error, Reason};
use crate::json::{KnownName, Name, Object, Str, Value, ValueText};
use crate::jwk::Key;
use crate::keyset::{KeySet, Lookup};
use crate::signed::Signed;

/// Largest signature accepted, in bytes (an 8192-bit RSA signature).
pub const MAX_SIGNATURE_LEN: usize = crate::jwk::MAX_RSA_BITS / 8;

/// Most keys tried for a token that names no key (no `kid` and no `x5t`), or whose
/// `kid` names none when [`JwsRules::kid_miss_fallback`] is on.
pub const MAX_KEY_TRIALS: usize = 4;

/// The error for a `kid` or `x5t` that names no key in any set: the one outcome after
/// which fetching the key sets again can help.
pub const KID_NOT_FOUND: Error =
    Error::new(Reason::TokenSignatureKeyNotFound, "no key in the key set matches the token's kid or x5t");

/// JWS-level rules (a [`crate::Policy`] carries one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JwsRules {
    /// Algorithms a token may use; the key must support the one it names as well.
    pub algorithms: AlgorithmSet,
    /// Longest accepted token in bytes, checked before anything else.
    pub max_token_len: usize,
    /// Try compatible keys (at most [`MAX_KEY_TRIALS`]) when a `kid` names none (APIM's
    /// inline-key behaviour).
    pub kid_miss_fallback: bool,
    /// Refuse a token without `kid` or `x5t` when more than one key could verify it.
    pub require_kid: bool,
}

impl Default for JwsRules {
    fn default() -> Self {
        JwsRules {
            algorithms: AlgorithmSet::DEFAULT.intersection(AlgorithmSet::AVAILABLE),
            max_token_len: crate::DEFAULT_MAX_TOKEN_LEN,
            kid_miss_fallback: false,
            require_kid: false,
        }
    }
}

/// The protected header of a verified token.
#[derive(Clone, Copy, Debug)]
pub struct Header<'a> {
    alg: Algorithm,
    kid: Option<Str<'a>>,
    x5t: Option<Str<'a>>,
    typ: Option<Str<'a>>,
    cty: Option<Str<'a>>,
    object: Object<'a>,
}

impl<'a> Header<'a> {
    /// The algorithm the signature was verified with.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }
    /// The `kid` header, if present.
    pub fn kid(&self) -> Option<Str<'a>> {
        self.kid
    }
    /// The `x5t` header, if present.
    pub fn x5t(&self) -> Option<Str<'a>> {
        self.x5t
    }
    /// The `typ` header, if present.
    pub fn typ(&self) -> Option<Str<'a>> {
        self.typ
    }
    /// The `cty` header, if present.
    pub fn cty(&self) -> Option<Str<'a>> {
        self.cty
    }
    /// The whole header object.
    pub fn object(&self) -> Object<'a> {
        self.object
    }
}

/// A JWS whose signature verified.
#[derive(Clone, Copy, Debug)]
pub struct VerifiedJws<'a> {
    header: Header<'a>,
    payload: &'a [u8],
    key: &'a Key,
}

impl<'a> VerifiedJws<'a> {
    /// The protected header.
    pub fn header(&self) -> &Header<'a> {
        &self.header
    }
    /// The decoded payload bytes (not necessarily JSON at this layer).
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }
    /// The key that verified the signature.
    pub fn key(&self) -> &'a Key {
        self.key
    }
}

/// Scratch bytes [`verify`] needs for a token of `token_len` bytes (the decoded header
/// and payload are written there and borrowed by the result).
pub const fn scratch_len(token_len: usize) -> usize {
    b64::max_decoded_len(token_len)
}

/// Verifies a compact JWS against `keys` under `rules` (see the module contract).
///
/// `scratch` receives the decoded header and payload; it must hold at least
/// [`scratch_len`]`(token.len())` bytes, else `TokenTooLarge`.
pub fn verify<'a>(
    token: &[u8],
    keys: &'a KeySet,
    rules: &JwsRules,
    scratch: &'a mut [u8],
) -> Result<VerifiedJws<'a>, Error> {
    verify_in(token, &[keys], rules, scratch).map(|(jws, _)| jws)
}

/// [`verify`] against several key sets searched as one (see the module contract,
/// step 5); also returns the index in `sets` of the set whose key verified.
pub fn verify_in<'a>(
    token: &[u8],
    sets: &[&'a KeySet],
    rules: &JwsRules,
    scratch: &'a mut [u8],
) -> Result<(VerifiedJws<'a>, usize), Error> {
    let mut signature_buf = [0u8; MAX_SIGNATURE_LEN];
    let (segments, decoded, header) = parse(token, rules, scratch, &mut signature_buf)?;
    let signed = Signed::new(header.alg, segments.signing_input);
    let (key, set) = select_and_verify(sets, rules, &header, &signed, decoded.signature)?;
    Ok((VerifiedJws { header, payload: decoded.payload, key }, set))
}

/// Everything [`verify`] does before hashing and the signature: size, segments,
/// base64, header JSON and rules, the policy's algorithm list.
fn parse<'t, 's, 'g>(
    token: &'t [u8],
    rules: &JwsRules,
    scratch: &'s mut [u8],
    signature_buf: &'g mut [u8; MAX_SIGNATURE_LEN],
) -> Result<(Segments<'t>, Decoded<'s, 'g>, Header<'s>), Error> {
    if token.is_empty() {
        return Err(Error::new(Reason::TokenNotPresent, "the token is empty"));
    }
    if token.len() > rules.max_token_len {
        return Err(Error::TOKEN_TOO_LARGE);
    }
    let (segments, decoded) = split_and_decode(token, scratch, signature_buf)?;
    let header = read_header(decoded.header)?;
    if !rules.algorithms.contains(header.alg) {
        return Err(Error::new(Reason::TokenAlgorithmNotAllowed, "token algorithm is not allowed by the policy"));
    }
    Ok((segments, decoded, header))
}

/// [`parse`] for the `fuzzing` feature: the decoded payload, signature NOT checked.
#[cfg(feature = "fuzzing")]
pub(crate) fn parse_unverified<'s>(token: &[u8], rules: &JwsRules, scratch: &'s mut [u8]) -> Result<&'s [u8], Error> {
    let mut signature_buf = [0u8; MAX_SIGNATURE_LEN];
    parse(token, rules, scratch, &mut signature_buf).map(|(_, decoded, _)| decoded.payload)
}

struct Segments<'t> {
    header: &'t [u8],
    payload: &'t [u8],
    signature: &'t [u8],
    signing_input: &'t [u8],
}

fn malformed(detail: &'static str) -> Error {
    Error::new(Reason::TokenMalformed, detail)
}

/// Splits the token at its first and its last dot. The payload, most of a token, is
/// not searched for dots here: base64url has none, so a payload with a dot fails to
/// decode, and every error of [`split_and_decode`] is then reported as the wrong
/// number of segments that it really is (as a full search would have found first).
fn split(token: &[u8]) -> Result<Segments<'_>, Error> {
    if token.first() == Some(&b'{') {
        return Err(malformed("JWS JSON serialization is not supported; use the compact form"));
    }
    let (Some(first), Some(last)) = (find_dot(token), rfind_dot(token)) else {
        return Err(segment_count_error(token));
    };
    if first == last {
        return Err(segment_count_error(token));
    }
    let segments = Segments {
        header: token.get(..first).unwrap_or(&[]),
        payload: token.get(first + 1..last).unwrap_or(&[]),
        signature: token.get(last + 1..).unwrap_or(&[]),
        signing_input: token.get(..last).unwrap_or(&[]),
    };
    if segments.header.is_empty() {
        return Err(malformed("token header segment is empty"));
    }
    if segments.signature.is_empty() {
        return Err(malformed("token signature segment is empty"));
    }
    Ok(segments)
}

/// The error for a token that does not have exactly three segments.
fn segment_count_error(token: &[u8]) -> Error {
    if token.iter().filter(|&&b| b == b'.').count() == 4 {
        malformed("token has five segments: encrypted tokens (JWE) are not supported")
    } else {
        malformed("token does not have exactly three segments")
    }
}

/// [`split`], then [`decode`]; any error while a dot hides in the payload is the
/// segment-count error.
fn split_and_decode<'t, 's, 'g>(
    token: &'t [u8],
    scratch: &'s mut [u8],
    signature_buf: &'g mut [u8; MAX_SIGNATURE_LEN],
) -> Result<(Segments<'t>, Decoded<'s, 'g>), Error> {
    let split_at_ends = split(token).and_then(|segments| Ok((decode(&segments, scratch, signature_buf)?, segments)));
    match split_at_ends {
        Ok((decoded, segments)) => Ok((segments, decoded)),
        Err(e) => match token.first() {
            // The JSON serialization is refused before the segments are counted.
            Some(b'{') => Err(e),
            _ if token.iter().filter(|&&b| b == b'.').count() != 2 => Err(segment_count_error(token)),
            _ => Err(e),
        },
    }
}

/// Whether one of the eight bytes of `word` is a dot.
#[inline]
fn has_dot(word: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let word = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes) ^ (ONES * u64::from(b'.'));
    word.wrapping_sub(ONES) & !word & HIGHS != 0
}

/// The index of the first `.` in `bytes`, sixteen bytes at a time (a token is mostly
/// long base64 runs).
fn find_dot(bytes: &[u8]) -> Option<usize> {
    let pairs = bytes.chunks_exact(16);
    let tail_start = bytes.len() - pairs.remainder().len();
    for (n, pair) in pairs.enumerate() {
        let (low, high) = pair.split_at(8);
        if has_dot(low) | has_dot(high) {
            // A dot is in these sixteen bytes; its exact place is found bytewise.
            let at = n * 16;
            return bytes.get(at..at + 16)?.iter().position(|&b| b == b'.').map(|i| at + i);
        }
    }
    bytes.get(tail_start..)?.iter().position(|&b| b == b'.').map(|i| tail_start + i)
}

/// The index of the last `.` in `bytes`, sixteen bytes at a time from the end.
fn rfind_dot(bytes: &[u8]) -> Option<usize> {
    let pairs = bytes.rchunks_exact(16);
    let head_len = pairs.remainder().len();
    for (n, pair) in pairs.enumerate() {
        let (low, high) = pair.split_at(8);
        if has_dot(low) | has_dot(high) {
            let at = bytes.len() - (n + 1) * 16;
            return bytes.get(at..at + 16)?.iter().rposition(|&b| b == b'.').map(|i| at + i);
        }
    }
    bytes.get(..head_len)?.iter().rposition(|&b| b == b'.')
}

struct Decoded<'s, 'g> {
    header: &'s [u8],
    payload: &'s [u8],
    signature: &'g [u8],
}

fn decode<'s, 'g>(
    segments: &Segments<'_>,
    scratch: &'s mut [u8],
    signature_buf: &'g mut [u8; MAX_SIGNATURE_LEN],
) -> Result<Decoded<'s, 'g>, Error> {
    let header_len = b64::max_decoded_len(segments.header.len());
    let payload_len = b64::max_decoded_len(segments.payload.len());
    if header_len.saturating_add(payload_len) > scratch.len() {
        return Err(Error::new(Reason::TokenTooLarge, "scratch buffer is smaller than the decoded token"));
    }
    if b64::max_decoded_len(segments.signature.len()) > MAX_SIGNATURE_LEN {
        return Err(malformed("token signature is longer than any supported signature"));
    }
    let (header_out, payload_out) = scratch.split_at_mut(header_len);
    let header =
        b64::decode_segment(segments.header, header_out).ok_or(malformed("token header is not strict base64url"))?;
    let payload =
        b64::decode_segment(segments.payload, payload_out).ok_or(malformed("token payload is not strict base64url"))?;
    let signature = b64::decode_segment(segments.signature, signature_buf)
        .ok_or(malformed("token signature is not strict base64url"))?;
    if signature.is_empty() {
        return Err(malformed("token signature is empty"));
    }
    Ok(Decoded { header, payload, signature })
}

/// Header members refused outright, with the reason given to the caller.
const REFUSED_HEADER_MEMBERS: [(KnownName<'static>, &str); 7] = [
    (KnownName::new("crit"), "token header has crit: no critical extension is supported"),
    (KnownName::new("b64"), "token header has b64: unencoded payloads are not supported"),
    (KnownName::new("zip"), "token header has zip: compressed payloads are not supported"),
    (KnownName::new("enc"), "token header has enc: encrypted tokens (JWE) are not supported"),
    (KnownName::new("jwk"), "token header embeds a jwk: keys are never taken from the token"),
    (KnownName::new("jku"), "token header has jku: keys are never fetched from a token-supplied URL"),
    (KnownName::new("x5u"), "token header has x5u: keys are never fetched from a token-supplied URL"),
];

/// The header parameters jwtguard reads.
const ALG: KnownName<'static> = KnownName::new("alg");
const KID: KnownName<'static> = KnownName::new("kid");
const X5T: KnownName<'static> = KnownName::new("x5t");
const TYP: KnownName<'static> = KnownName::new("typ");
const CTY: KnownName<'static> = KnownName::new("cty");

impl<'a> Header<'a> {
    /// Rebuilds the view of a header that [`verify`] already accepted.
    #[cfg(feature = "alloc")]
    pub(crate) fn from_validated(bytes: &'a [u8], alg: Algorithm) -> Header<'a> {
        let object = Object::from_validated(bytes);
        let string = |name| match object.get(name) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        };
        Header { alg, kid: string("kid"), x5t: string("x5t"), typ: string("typ"), cty: string("cty"), object }
    }
}

fn read_header(bytes: &[u8]) -> Result<Header<'_>, Error> {
    let mut fields = HeaderFields::default();
    let mut first_problem = None;
    let object = Object::parse_visiting(bytes, u64::MAX, |name, value| {
        if first_problem.is_none() {
            first_problem = fields.record(name, value).err();
        }
    })
    .map_err(|e| malformed(header_json_detail(e)))?;
    if let Some(problem) = first_problem {
        return Err(problem);
    }
    let HeaderFields { alg, kid, x5t, typ, cty } = fields;
    let alg = alg.ok_or(malformed("token header has no alg"))?;
    // An algorithm this build leaves out is refused as an unknown one.
    let alg = Algorithm::ALL
        .into_iter()
        .find(|a| a.is_available() && alg.eq_str(a.name()))
        .ok_or_else(|| unsupported_alg(alg))?;
    Ok(Header { alg, kid, x5t, typ, cty, object })
}

/// The header parameters jwtguard reads, gathered while the header is validated.
#[derive(Default)]
struct HeaderFields<'a> {
    alg: Option<Str<'a>>,
    kid: Option<Str<'a>>,
    x5t: Option<Str<'a>>,
    typ: Option<Str<'a>>,
    cty: Option<Str<'a>>,
}

impl<'a> HeaderFields<'a> {
    /// Takes one header member: refuses the refused ones, keeps the string parameters
    /// jwtguard reads, ignores the rest.
    #[inline(always)]
    fn record(&mut self, name: Name<'a>, text: ValueText<'a>) -> Result<(), Error> {
        if let Some((_, detail)) = REFUSED_HEADER_MEMBERS.iter().find(|(refused, _)| name.is(refused)) {
            return Err(Error::new(Reason::TokenHeaderUnsupported, detail));
        }
        // A chain of constant compares (one switch), not a table of slots built per member.
        let slot = if name.is(&ALG) {
            &mut self.alg
        } else if name.is(&KID) {
            &mut self.kid
        } else if name.is(&X5T) {
            &mut self.x5t
        } else if name.is(&TYP) {
            &mut self.typ
        } else if name.is(&CTY) {
            &mut self.cty
        } else {
            return Ok(());
        };
        match text.value() {
            Some(Value::String(s)) => {
                *slot = Some(s);
                Ok(())
            }
            _ => Err(malformed("a token header parameter that must be a string is not")),
        }
    }
}

fn header_json_detail(e: crate::json::JsonError) -> &'static str {
    use crate::json::JsonError::*;
    match e {
        DuplicateMember => "token header has a duplicate member",
        NotAnObject => "token header is not a JSON object",
        TooDeep => "token header nests too deeply",
        _ => "token header is not valid JSON",
    }
}

fn unsupported_alg(alg: Str<'_>) -> Error {
    let mut chars = alg.chars();
    let is_none = chars.by_ref().take(4).map(|c| c.to_ascii_lowercase()).eq("none".chars()) && chars.next().is_none();
    if is_none {
        Error::new(Reason::TokenAlgorithmNotSupported, "unsecured tokens (alg none) are never accepted")
    } else if AlgorithmSet::AVAILABLE.bits() == AlgorithmSet::ASYMMETRIC.union(AlgorithmSet::SYMMETRIC).bits() {
        Error::new(
            Reason::TokenAlgorithmNotSupported,
            "token algorithm is not supported (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, Ed25519, HS256/384/512 are)",
        )
    } else {
        Error::new(
            Reason::TokenAlgorithmNotSupported,
            "token algorithm is not supported by this build (its cargo features leave some algorithm families out)",
        )
    }
}

/// A key found in one of several sets, with the set's index.
type Found<'k> = (&'k Key, usize);

/// Resolves a token's `kid` across `sets`: the first usable key carrying it; else the
/// first key rejected at load time that carried it; else missing.
fn lookup_kid<'k>(sets: &[&'k KeySet], kid: Str<'_>) -> Lookup<'k, Found<'k>> {
    let mut rejected = None;
    for (i, set) in sets.iter().enumerate() {
        match set.lookup_kid(kid) {
            Lookup::Found(key) => return Lookup::Found((key, i)),
            Lookup::Rejected(r) if rejected.is_none() => rejected = Some(r),
            _ => {}
        }
    }
    rejected.map_or(Lookup::Missing, Lookup::Rejected)
}

/// Resolves a token's `x5t`: exactly one usable key across `sets` must carry it.
fn lookup_x5t<'k>(sets: &[&'k KeySet], x5t: Str<'_>) -> Lookup<'k, Found<'k>> {
    let mut matching = sets.iter().enumerate().flat_map(|(i, set)| {
        set.keys().iter().filter(move |k| k.x5t().is_some_and(|t| x5t.eq_str(t))).map(move |k| (k, i))
    });
    match (matching.next(), matching.next()) {
        (Some(found), None) => Lookup::Found(found),
        _ => Lookup::Missing,
    }
}

fn select_and_verify<'k>(
    sets: &[&'k KeySet],
    rules: &JwsRules,
    header: &Header<'_>,
    signed: &Signed<'_>,
    signature: &[u8],
) -> Result<Found<'k>, Error> {
    let named = match (header.kid, header.x5t) {
        (Some(kid), _) => Some(lookup_kid(sets, kid)),
        (None, Some(x5t)) => Some(lookup_x5t(sets, x5t)),
        (None, None) => None,
    };
    match named {
        Some(Lookup::Found((key, set))) => {
            if !key.supports(header.alg) {
                return Err(Error::new(
                    Reason::TokenAlgorithmKeyMismatch,
                    "the key named by the token does not support its alg",
                ));
            }
            if key.verify_signed(header.alg, signed, signature) {
                Ok((key, set))
            } else {
                Err(Error::new(Reason::TokenSignatureInvalid, "token signature is invalid"))
            }
        }
        Some(Lookup::Rejected(rejected)) => Err(rejected.error()),
        Some(Lookup::Missing) if !rules.kid_miss_fallback => Err(KID_NOT_FOUND),
        Some(Lookup::Missing) => try_candidates(sets, header.alg, signed, signature),
        None => {
            if rules.require_kid && candidates(sets, header.alg).nth(1).is_some() {
                return Err(Error::new(
                    Reason::TokenSignatureKeyNotFound,
                    "the token names no key (no kid or x5t) and several keys could verify it: the policy requires a kid",
                ));
            }
            try_candidates(sets, header.alg, signed, signature)
        }
    }
}

/// The keys of `sets` that support `alg`: first those without a `kid` (a key with a
/// `kid` is normally named by its tokens), then the others, each in set order.
fn candidates<'s, 'k>(sets: &'s [&'k KeySet], alg: Algorithm) -> impl Iterator<Item = Found<'k>> + 's {
    let all = move |without_kid: bool| {
        sets.iter().enumerate().flat_map(move |(i, set)| {
            set.keys().iter().filter(move |k| k.supports(alg) && k.kid().is_none() == without_kid).map(move |k| (k, i))
        })
    };
    all(true).chain(all(false))
}

/// Tries at most [`MAX_KEY_TRIALS`] of the [`candidates`].
fn try_candidates<'k>(
    sets: &[&'k KeySet],
    alg: Algorithm,
    signed: &Signed<'_>,
    signature: &[u8],
) -> Result<Found<'k>, Error> {
    let mut tried = 0;
    for (key, set) in candidates(sets, alg) {
        if tried == MAX_KEY_TRIALS {
            return Err(Error::new(
                Reason::TokenSignatureInvalid,
                "token signature is invalid for the 4 keys tried; more keys support its alg: give the token a kid",
            ));
        }
        if key.verify_signed(alg, signed, signature) {
            return Ok((key, set));
        }
        tried += 1;
    }
    if tried == 0 {
        return Err(Error::new(Reason::TokenSignatureKeyNotFound, "no key in the key set supports the token's alg"));
    }
    Err(Error::new(Reason::TokenSignatureInvalid, "token signature is invalid"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The word-at-a-time dot searches find the first and the last dot wherever they
    /// are, or none.
    #[test]
    fn dots_are_found_at_every_offset() {
        for len in 0..40 {
            let mut bytes = [b'A'; 40];
            assert_eq!(find_dot(&bytes[..len]), None);
            assert_eq!(rfind_dot(&bytes[..len]), None);
            for first in 0..len {
                bytes[first] = b'.';
                assert_eq!(find_dot(&bytes[..len]), Some(first), "len {len}, dot at {first}");
                assert_eq!(rfind_dot(&bytes[..len]), Some(first), "len {len}, dot at {first}");
                for later in first + 1..len {
                    bytes[later] = b'.';
                    assert_eq!(find_dot(&bytes[..len]), Some(first));
                    assert_eq!(rfind_dot(&bytes[..len]), Some(later));
                    bytes[later] = 0xae; // '.' | 0x80: never mistaken for a dot
                    assert_eq!(find_dot(&bytes[..len]), Some(first));
                    assert_eq!(rfind_dot(&bytes[..len]), Some(first));
                    bytes[later] = b'A';
                }
                bytes[first] = 0xae;
                assert_eq!(find_dot(&bytes[..len]), None);
                assert_eq!(rfind_dot(&bytes[..len]), None);
                bytes[first] = b'A';
            }
        }
    }

    /// Segment counts, including the five-segment JWE form, are reported as a full
    /// count of the dots would, whatever else is wrong with the segments, and before
    /// any other format error.
    #[test]
    fn segments_are_split_on_exactly_two_dots() {
        let detail = |token: &[u8]| {
            let mut scratch = [0u8; 64];
            let mut signature = [0u8; MAX_SIGNATURE_LEN];
            split_and_decode(token, &mut scratch, &mut signature).err().map(|e| e.detail())
        };
        let mut scratch = [0u8; 64];
        let mut signature = [0u8; MAX_SIGNATURE_LEN];
        let (segments, decoded) = split_and_decode(b"YQ.Yg.Yw", &mut scratch, &mut signature).expect("three segments");
        assert_eq!((segments.header, segments.payload, segments.signature), (&b"YQ"[..], &b"Yg"[..], &b"Yw"[..]));
        assert_eq!((decoded.header, decoded.payload, decoded.signature), (&b"a"[..], &b"b"[..], &b"c"[..]));
        let jwe = Some("token has five segments: encrypted tokens (JWE) are not supported");
        let not_three = Some("token does not have exactly three segments");
        assert_eq!(detail(b"a.b.c.d.e"), jwe);
        assert_eq!(detail(b"...."), jwe);
        assert_eq!(detail(b"YQ.Yg.Yg.Yg.Yw"), jwe);
        for bad in [
            &b"abc"[..],
            b"a.b",
            b"a.b.c.d",
            b"a.b.c.d.e.f",
            b"...",
            b"......",
            b".Yg.Yg.Yw",
            b"YQ.Yg.Yg.",
            b"YQ.Y.g.Yw",
        ] {
            assert_eq!(detail(bad), not_three, "{bad:?}");
        }
        // With exactly two dots, the other errors are reported.
        assert_eq!(detail(b".Yg.Yw"), Some("token header segment is empty"));
        assert_eq!(detail(b"YQ.Yg."), Some("token signature segment is empty"));
        assert_eq!(detail(b"YQ.Y.Yw"), Some("token payload is not strict base64url"));
        assert_eq!(detail(b"YQ.Y*.Yw"), Some("token payload is not strict base64url"));
        assert_eq!(detail(b"{\"a\":1}.Yg.Yw"), Some("JWS JSON serialization is not supported; use the compact form"));
        assert_eq!(detail(b"{.a.b.c"), Some("JWS JSON serialization is not supported; use the compact form"));
    }
}
