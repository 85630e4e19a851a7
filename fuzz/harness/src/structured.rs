//! The `structured` target: tokens built from `arbitrary` descriptions of their header
//! and claims (types, escapes, duplicates, number forms), signed with the harness's own
//! ES256 key, so the fuzzer reaches the claim rules behind a valid signature.

use arbitrary::Arbitrary;
use base64ct::{Base64UrlUnpadded, Encoding};
use p256::ecdsa::{signature::Signer, Signature};

use crate::keys;

/// `now` for the structured tokens (offsets are applied to it).
pub const BASE_NOW: u64 = 1_700_000_000;

/// A member name: registered ones, or arbitrary, possibly written with escapes.
#[derive(Arbitrary, Debug, Clone)]
pub enum Name {
    Alg,
    Kid,
    Typ,
    Crit,
    B64,
    Jwk,
    X5t,
    Iss,
    Aud,
    Exp,
    Nbf,
    Iat,
    Scp,
    Sub,
    Tid,
    Other(String),
    /// The same name with its first character written as a `\u` escape.
    Escaped(Box<Name>),
}

/// A JSON value description.
#[derive(Arbitrary, Debug, Clone)]
pub enum Json {
    Null,
    Bool(bool),
    Int(i64),
    /// `<int>.<frac>`
    Fraction(u32, u16),
    /// `<mantissa>e<exp>`
    Exponent(u32, i8),
    /// A number with many digits.
    Huge(u8),
    Str(String),
    /// A string with every character `\u`-escaped.
    Escaped(String),
    Audience,
    Issuer,
    Scope,
    Rs256,
    Es256,
    AlgNone,
    FuzzKid,
    /// `now + offset` as an integer NumericDate.
    Now(i32),
    Array(Vec<Json>),
    Object(Vec<(Name, Json)>),
}

/// A JSON object's members, in order.
type Members = Vec<(Name, Json)>;

/// What to do to the signature after signing.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Tamper {
    None,
    FlipBit(u16),
    /// Replace `s` by `n - s` (the other valid signature).
    HighS,
    Truncate(u8),
}

/// One structured token.
#[derive(Arbitrary, Debug, Clone)]
pub struct StructuredToken {
    /// Start from a valid header and claim set (then append the members below).
    pub base: bool,
    pub header: Vec<(Name, Json)>,
    pub claims: Vec<(Name, Json)>,
    pub now_offset: i32,
    pub tamper: Tamper,
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Alg => "alg".into(),
            Name::Kid => "kid".into(),
            Name::Typ => "typ".into(),
            Name::Crit => "crit".into(),
            Name::B64 => "b64".into(),
            Name::Jwk => "jwk".into(),
            Name::X5t => "x5t".into(),
            Name::Iss => "iss".into(),
            Name::Aud => "aud".into(),
            Name::Exp => "exp".into(),
            Name::Nbf => "nbf".into(),
            Name::Iat => "iat".into(),
            Name::Scp => "scp".into(),
            Name::Sub => "sub".into(),
            Name::Tid => "tid".into(),
            Name::Other(s) => s.clone(),
            Name::Escaped(inner) => inner.text(),
        }
    }

    fn json(&self) -> String {
        match self {
            Name::Escaped(inner) => {
                let text = inner.text();
                let mut chars = text.chars();
                match chars.next() {
                    Some(first) => format!("\"{}{}", escape_all(&first.to_string()), &quote(chars.as_str())[1..]),
                    None => "\"\"".into(),
                }
            }
            other => quote(&other.text()),
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

fn escape_all(s: &str) -> String {
    s.encode_utf16().map(|u| format!("\\u{u:04x}")).collect()
}

impl Json {
    fn json(&self, now: u64) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => b.to_string(),
            Json::Int(i) => i.to_string(),
            Json::Fraction(i, f) => format!("{i}.{f}"),
            Json::Exponent(m, e) => format!("{m}e{e}"),
            Json::Huge(n) => "9".repeat(usize::from(*n) + 1),
            Json::Str(s) => quote(s),
            Json::Escaped(s) => format!("\"{}\"", escape_all(s)),
            Json::Audience => quote(keys::AUDIENCE),
            Json::Issuer => quote(keys::ISSUER),
            Json::Scope => quote("Files.Read"),
            Json::Rs256 => quote("RS256"),
            Json::Es256 => quote("ES256"),
            Json::AlgNone => quote("none"),
            Json::FuzzKid => quote(keys::FUZZ_KID),
            Json::Now(offset) => (now as i64 + i64::from(*offset)).to_string(),
            Json::Array(items) => format!("[{}]", items.iter().map(|i| i.json(now)).collect::<Vec<_>>().join(",")),
            Json::Object(members) => object(members, now),
        }
    }
}

fn object(members: &[(Name, Json)], now: u64) -> String {
    let body: Vec<String> = members.iter().map(|(n, v)| format!("{}:{}", n.json(), v.json(now))).collect();
    format!("{{{}}}", body.join(","))
}

impl StructuredToken {
    /// The token's `now`.
    pub fn now(&self) -> u64 {
        BASE_NOW.saturating_add_signed(i64::from(self.now_offset))
    }

    /// The header and claims members, base members first.
    fn members(&self) -> (Members, Members) {
        let mut header = Vec::new();
        let mut claims = Vec::new();
        if self.base {
            header.extend([(Name::Alg, Json::Es256), (Name::Kid, Json::FuzzKid)]);
            claims.extend([
                (Name::Iss, Json::Issuer),
                (Name::Aud, Json::Audience),
                (Name::Exp, Json::Now(3600)),
                (Name::Nbf, Json::Now(-10)),
                (Name::Scp, Json::Scope),
            ]);
        }
        header.extend(self.header.iter().cloned());
        claims.extend(self.claims.iter().cloned());
        (header, claims)
    }

    /// The compact token: signed with the harness key, then tampered with.
    pub fn token(&self) -> String {
        let now = BASE_NOW;
        let (header, claims) = self.members();
        let signing_input = format!(
            "{}.{}",
            Base64UrlUnpadded::encode_string(object(&header, now).as_bytes()),
            Base64UrlUnpadded::encode_string(object(&claims, now).as_bytes())
        );
        let signature: Signature = keys::signing_key().sign(signing_input.as_bytes());
        let mut sig = signature.to_bytes().to_vec();
        match self.tamper {
            Tamper::None => {}
            Tamper::FlipBit(bit) => {
                let bit = usize::from(bit) % (sig.len() * 8);
                sig[bit / 8] ^= 1 << (bit % 8);
            }
            Tamper::HighS => {
                let (r, s) = signature.split_scalars();
                let high = Signature::from_scalars(r, -*s).expect("n - s is in range");
                sig = high.to_bytes().to_vec();
            }
            Tamper::Truncate(n) => sig.truncate(usize::from(n) % sig.len()),
        }
        format!("{signing_input}.{}", Base64UrlUnpadded::encode_string(&sig))
    }

    /// True when this is exactly a base token with no additions and no tampering that
    /// breaks the signature: it must verify.
    pub fn is_plainly_valid(&self) -> bool {
        self.base
            && self.header.is_empty()
            && self.claims.is_empty()
            && matches!(self.tamper, Tamper::None | Tamper::HighS)
            && (-10..3600 - keys::SKEW as i32).contains(&self.now_offset)
    }

    /// True when some member name repeats (after unescaping) in the header or claims.
    pub fn has_duplicate_top_level_name(&self) -> bool {
        let (header, claims) = self.members();
        [header, claims].iter().any(|members| {
            let names: Vec<String> = members.iter().map(|(n, _)| n.text()).collect();
            names.iter().enumerate().any(|(i, n)| names[..i].contains(n))
        })
    }
}

/// The target body.
pub fn structured(input: &StructuredToken) {
    let token = input.token();
    let now = input.now();
    let mut scratch = vec![0u8; jwtguard_core::jws::scratch_len(token.len())];
    let result =
        jwtguard_core::verify(token.as_bytes(), keys::rs256_and_es256(), keys::strict_policy(), now, &mut scratch);
    match &result {
        Ok(t) => {
            assert!(!input.has_duplicate_top_level_name(), "accepted a token with a duplicate member");
            crate::assert_accepted_claims_hold(t.claims().raw(), now);
        }
        Err(e) => assert!(!input.is_plainly_valid(), "a plainly valid token was rejected: {e}"),
    }
}
