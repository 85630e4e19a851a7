//! One JSON Web Key (RFC 7517) parsed and validated into a prepared verification key.
//!
//! Security contract: a [`Key`] exists only if its material passed every check below, so
//! verification never re-validates it (parse once, verify many):
//! - RSA: modulus of 2048 to 8192 bits ([`MIN_RSA_BITS`], [`MAX_RSA_BITS`]; 8192 is the
//!   `rsa` crate's default maximum), odd; public exponent odd, at least 65537 (or 3 when
//!   [`KeyOptions::allow_small_rsa_exponent`](crate::KeyOptions) is set), at most
//!   2^33 - 1 (the `rsa` crate's limit).
//! - EC: curve P-256 (`x`, `y` exactly 32 bytes), P-384 (exactly 48 bytes) or P-521
//!   (exactly 66 bytes), the point on the curve.
//! - OKP: curve Ed25519 only, `x` exactly 32 bytes, a canonical encoding of a point on
//!   the curve that is not of small order.
//! - oct (HMAC secrets): refused unless the caller set
//!   [`KeyOptions::allow_symmetric`](crate::KeyOptions); `k` of at least 32 bytes (the
//!   shortest HMAC key RFC 7518 §3.2 allows, for HS256) and at most [`MAX_OCT_BYTES`];
//!   an oct key only ever verifies HS256/384/512 whose hash output is no longer than
//!   the key, and no other key type ever verifies an HS* token.
//! - `use` absent or `"sig"`; `key_ops` absent or containing `"verify"`; `alg` absent or
//!   one of the algorithms the key type (and curve) implements here: RSA keys RS256,
//!   RS384, RS512, PS256, PS384, PS512; P-256 ES256; P-384 ES384; P-521 ES512; Ed25519
//!   EdDSA or Ed25519; oct HS256, HS384, HS512 (a key bound to any other algorithm is
//!   unusable, never re-purposed). A bound key verifies its algorithm only.
//! - An RSA, EC or OKP JWK holding private key material (`d`, `p`, `q`, `dp`, `dq`,
//!   `qi`, `oth`, `k`) is refused: a verifier must only ever be given public keys.
//! - RSA moduli that give away their private key are refused: a prime factor below 702,
//!   a prime modulus, a perfect square, the flawed Infineon generator's (ROCA).
//! - `x5c` is ignored: nothing is ever read from it.

use crate::alg::{Algorithm, Family};
use crate::b64;
use crate::backend::{Backend, KeyKind, Verify};
use crate::error::{Error, Reason};
use crate::json::{Object, Str, Value};
use crate::portable::PortableKey;
use crate::signed::Signed;
use crate::text::Text;

/// Smallest accepted RSA modulus in bits (RFC 7518 §3.3).
#[cfg_attr(not(feature = "rs"), allow(dead_code))]
pub const MIN_RSA_BITS: usize = 2048;
/// Largest accepted RSA modulus in bits (the `rsa` crate's default maximum).
pub const MAX_RSA_BITS: usize = 8192;
/// Longest `kid` kept, in bytes; a key with a longer one is rejected as malformed.
pub const MAX_KID_LEN: usize = 128;
/// Longest `x5t` kept, in bytes.
pub const MAX_X5T_LEN: usize = 64;
/// Longest per-key `issuer` kept, in bytes.
pub const MAX_ISSUER_LEN: usize = 256;

#[cfg(feature = "hmac")]
pub use crate::signed::MAX_OCT_BYTES;
#[cfg(feature = "rs")]
const MIN_STRONG_EXPONENT: u64 = 65_537;
#[cfg(feature = "rs")]
const MAX_EXPONENT: u64 = (1 << 33) - 1;
/// Longest base64 text of a key member we decode (an 8192-bit modulus is 1366 chars).
const MAX_MEMBER_TEXT: usize = 1400;

/// Options for loading keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyOptions {
    /// Accept RSA public exponents from 3 up (still odd). Off by default: exponents
    /// below 65537 are legal but signal unusual, possibly hand-made keys.
    pub allow_small_rsa_exponent: bool,
    /// Longest accepted document in bytes (default [`crate::DEFAULT_MAX_KEY_SET_LEN`]).
    pub max_len: usize,
    /// Which implementation verifies signatures (default [`Backend::DEFAULT`]). It
    /// changes speed, never which keys load or which tokens verify.
    pub backend: Backend,
    /// Accept symmetric `kty: "oct"` keys (HMAC secrets for HS256/384/512). Off by
    /// default: a JWK set from an identity provider never holds secrets, and an oct key
    /// slipped into one must not become a way to forge tokens. Without it an oct key is
    /// rejected as `KeyUnsupported`. With it, the policy must still allow HS* (the
    /// default policy does not), and an oct key never verifies any other algorithm.
    pub allow_symmetric: bool,
}

impl Default for KeyOptions {
    fn default() -> Self {
        KeyOptions {
            allow_small_rsa_exponent: false,
            max_len: crate::DEFAULT_MAX_KEY_SET_LEN,
            backend: Backend::DEFAULT,
            allow_symmetric: false,
        }
    }
}

impl KeyOptions {
    /// `KeySetTooLarge` for a document of `len` bytes over [`KeyOptions::max_len`]: for
    /// a caller that can refuse a document by its length before reading it.
    pub fn check_len(&self, len: usize) -> Result<(), Error> {
        if len > self.max_len {
            return Err(Error::KEY_SET_TOO_LARGE);
        }
        Ok(())
    }
}

/// A validated public key, ready to verify signatures.
#[derive(Clone, Debug)]
pub struct Key {
    pub(crate) kid: Option<Text<MAX_KID_LEN>>,
    pub(crate) x5t: Option<Text<MAX_X5T_LEN>>,
    pub(crate) alg: Option<Algorithm>,
    pub(crate) issuer: Option<Text<MAX_ISSUER_LEN>>,
    material: Material,
}

/// Keys are prepared once and kept in their set, so the variants' sizes do not matter
/// (in some builds the HMAC secret's fixed buffer is the largest).
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
enum Material {
    /// RustCrypto, pure Rust.
    Portable(PortableKey),
    /// Any key type, prepared by AWS-LC; `kind` says which.
    #[cfg(feature = "aws-lc")]
    Native { key: crate::native::NativeKey, kind: KeyKind },
}

impl Key {
    /// The key id (`kid`), if the JWK had one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_ref().map(Text::as_str)
    }

    /// The X.509 thumbprint (`x5t`), if the JWK had one.
    pub fn x5t(&self) -> Option<&str> {
        self.x5t.as_ref().map(Text::as_str)
    }

    /// The algorithm the JWK bound itself to (`alg`), if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.alg
    }

    /// The issuer this key belongs to (Microsoft Entra publishes one per key; it may
    /// contain the `{tenantid}` template).
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_ref().map(Text::as_str)
    }

    /// The key type and size.
    pub fn kind(&self) -> KeyKind {
        match &self.material {
            Material::Portable(key) => key.kind(),
            #[cfg(feature = "aws-lc")]
            Material::Native { kind, .. } => *kind,
        }
    }

    /// True when this key can verify `alg`: its type implements `alg` (an oct key
    /// only HMACs whose hash output is no longer than the key) and its own `alg`
    /// member, when present, names `alg`.
    pub fn supports(&self, alg: Algorithm) -> bool {
        let type_fits = match (self.kind(), alg.family()) {
            (KeyKind::Rsa { .. }, Family::RsaPkcs1 | Family::RsaPss) => true,
            (KeyKind::EcP256, Family::EcP256)
            | (KeyKind::EcP384, Family::EcP384)
            | (KeyKind::EcP521, Family::EcP521) => true,
            (KeyKind::Ed25519, Family::Ed25519) => true,
            (KeyKind::Oct { bytes }, Family::Hmac) => bytes >= alg.hash().len(),
            _ => false,
        };
        type_fits && self.alg.is_none_or(|bound| bound == alg)
    }

    /// Verifies `signature` over `message` with `alg` — the bare signature layer, for
    /// callers that sign something other than a JWS. False when the key does not
    /// support `alg` or the signature does not verify; no detail is given.
    pub fn verify_message(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        self.supports(alg) && self.verify_signed(alg, &Signed::new(alg, message), signature)
    }

    /// Verifies `signature` over `signed` (prepared for `alg`) with this key. The
    /// caller has checked [`Key::supports`]; a length or encoding problem is simply
    /// "does not verify".
    pub(crate) fn verify_signed(&self, alg: Algorithm, signed: &Signed<'_>, signature: &[u8]) -> bool {
        if signature.len() != self.signature_len(alg) {
            return false;
        }
        #[cfg(feature = "eddsa")]
        if alg.family() == Family::Ed25519 && !ed25519_r_is_acceptable(signature) {
            return false;
        }
        match &self.material {
            Material::Portable(key) => key.verify(alg, signed, signature),
            #[cfg(feature = "aws-lc")]
            Material::Native { key, .. } => key.verify(alg, signed, signature),
        }
    }

    /// The only signature length this key can have produced with `alg`: the modulus
    /// length for RSA, 64 bytes (`r || s`) for P-256, 96 for P-384, 132 for P-521, 64
    /// for Ed25519, the hash output for HMAC (no truncated tags). Checked before any
    /// backend runs.
    fn signature_len(&self, alg: Algorithm) -> usize {
        match self.kind() {
            KeyKind::Rsa { bits } => bits.div_ceil(8),
            KeyKind::EcP256 | KeyKind::Ed25519 => 64,
            KeyKind::EcP384 => 96,
            KeyKind::EcP521 => 132,
            KeyKind::Oct { .. } => alg.hash().len(),
        }
    }
}

/// The strict Ed25519 rule on `R` (the first 32 signature bytes), checked here for both
/// backends: `R` must be a curve point not of small order. `ed25519-dalek`'s
/// `verify_strict` requires it; AWS-LC does not, so without this check a signer could
/// make a signature with `R` = identity that one backend accepts and the other refuses.
#[cfg(feature = "eddsa")]
fn ed25519_r_is_acceptable(signature: &[u8]) -> bool {
    let Some(r) = signature.first_chunk::<32>() else {
        return false;
    };
    // A point decoder that also says whether the point has small order.
    ed25519_dalek::VerifyingKey::from_bytes(r).is_ok_and(|point| !point.is_weak())
}

/// JWK members that only private keys have (RFC 7518 §6.2.2, §6.3.2, §6.4).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

enum Kty {
    Rsa,
    Ec,
    Okp,
    Oct,
}

/// Why an oct key is refused without [`KeyOptions::allow_symmetric`](crate::KeyOptions).
pub(crate) const SYMMETRIC_REFUSED: &str =
    "oct (HMAC secret) key: symmetric keys are refused unless allow_symmetric is set";

/// Why one JWK was not turned into a [`Key`]: the reason and the rule it failed.
pub(crate) type Problem = (Reason, &'static str);

/// The JWK's `kid` when it is a string that fits (for explaining rejections).
pub(crate) fn kid_of(jwk: &Object<'_>) -> Option<Text<MAX_KID_LEN>> {
    match jwk.get("kid") {
        Some(Value::String(s)) => Text::from_json(s),
        _ => None,
    }
}

/// Parses and validates one JWK object.
pub(crate) fn parse(jwk: Object<'_>, options: &KeyOptions) -> Result<Key, Problem> {
    let kid = match jwk.get("kid") {
        None => None,
        Some(Value::String(s)) => {
            Some(Text::from_json(s).ok_or((Reason::KeyMalformed, "kid is longer than 128 bytes"))?)
        }
        Some(_) => return Err((Reason::KeyMalformed, "kid is not a string")),
    };
    let kty = match jwk.get("kty") {
        Some(Value::String(s)) if s.eq_str("RSA") => Kty::Rsa,
        Some(Value::String(s)) if s.eq_str("EC") => Kty::Ec,
        Some(Value::String(s)) if s.eq_str("OKP") => Kty::Okp,
        Some(Value::String(s)) if s.eq_str("oct") => Kty::Oct,
        Some(Value::String(_)) => return Err((Reason::KeyUnsupported, "kty is not RSA, EC, OKP or oct")),
        Some(_) => return Err((Reason::KeyMalformed, "kty is not a string")),
        None => return Err((Reason::KeyMalformed, "kty is missing")),
    };
    if matches!(kty, Kty::Oct) && !options.allow_symmetric {
        return Err((Reason::KeyUnsupported, SYMMETRIC_REFUSED));
    }
    // An oct key's `k` is the shared secret itself; every other key must be public.
    let private = |m: &&str| jwk.get(m).is_some() && !(matches!(kty, Kty::Oct) && *m == "k");
    if PRIVATE_MEMBERS.iter().any(private) {
        return Err((Reason::KeyInvalid, "key holds private key material; configure only the public key"));
    }
    check_use(&jwk)?;
    let alg = check_alg(&jwk, &kty)?;
    let x5t = optional_text(&jwk, "x5t", "x5t is not a string of at most 64 bytes")?;
    let issuer = optional_text(&jwk, "issuer", "issuer is not a string of at most 256 bytes")?;
    let material = match kty {
        Kty::Rsa => rsa_material(&jwk, options),
        Kty::Ec => ec_material(&jwk, alg, options),
        Kty::Okp => okp_material(&jwk, options),
        Kty::Oct => oct_material(&jwk, alg, options),
    }?;
    Ok(Key { kid, x5t, alg, issuer, material })
}

fn check_use(jwk: &Object<'_>) -> Result<(), Problem> {
    match jwk.get("use") {
        None => {}
        Some(Value::String(s)) if s.eq_str("sig") => {}
        Some(Value::String(_)) => return Err((Reason::KeyUnsupported, "key use is not \"sig\"")),
        Some(_) => return Err((Reason::KeyMalformed, "use is not a string")),
    }
    match jwk.get("key_ops") {
        None => Ok(()),
        Some(Value::Array(ops)) => {
            let mut verify = false;
            for op in ops.iter() {
                match op {
                    Value::String(s) => verify |= s.eq_str("verify"),
                    _ => return Err((Reason::KeyMalformed, "key_ops holds a non-string")),
                }
            }
            if verify {
                Ok(())
            } else {
                Err((Reason::KeyUnsupported, "key_ops does not include \"verify\""))
            }
        }
        Some(_) => Err((Reason::KeyMalformed, "key_ops is not an array")),
    }
}

fn check_alg(jwk: &Object<'_>, kty: &Kty) -> Result<Option<Algorithm>, Problem> {
    let alg = match jwk.get("alg") {
        None => return Ok(None),
        Some(Value::String(s)) => s,
        Some(_) => return Err((Reason::KeyMalformed, "alg is not a string")),
    };
    let fits = |a: &Algorithm| match kty {
        Kty::Rsa => matches!(a.family(), Family::RsaPkcs1 | Family::RsaPss),
        // The curve is checked against the algorithm with the key material.
        Kty::Ec => matches!(a.family(), Family::EcP256 | Family::EcP384 | Family::EcP521),
        Kty::Okp => a.family() == Family::Ed25519,
        Kty::Oct => a.family() == Family::Hmac,
    };
    match Algorithm::ALL.into_iter().filter(fits).find(|a| alg.eq_str(a.name())) {
        Some(a) => Ok(Some(a)),
        None => {
            Err((Reason::KeyUnsupported, "key is bound to an algorithm jwtguard does not verify with this key type"))
        }
    }
}

fn optional_text<const N: usize>(
    jwk: &Object<'_>,
    name: &str,
    problem: &'static str,
) -> Result<Option<Text<N>>, Problem> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Text::from_json(s).map(Some).ok_or((Reason::KeyMalformed, problem)),
        Some(_) => Err((Reason::KeyMalformed, problem)),
    }
}

/// Decodes a base64 key member (after JSON unescaping) into `out`.
fn member_bytes<'o>(jwk: &Object<'_>, name: &str, out: &'o mut [u8]) -> Result<&'o [u8], Problem> {
    let text: Str<'_> = match jwk.get(name) {
        Some(Value::String(s)) => s,
        Some(_) => return Err((Reason::KeyMalformed, "a key member is not a string")),
        None => return Err((Reason::KeyMalformed, "a required key member is missing")),
    };
    let mut unescaped = [0u8; MAX_MEMBER_TEXT];
    let text = text.unescape_into(&mut unescaped).ok_or((Reason::KeyTooLarge, "a key member is too long"))?;
    if b64::max_decoded_len(text.trim_end_matches('=').len()) > out.len() {
        return Err((Reason::KeyTooLarge, "a key member is too long"));
    }
    b64::decode_key_member(text.as_bytes(), out).ok_or((Reason::KeyMalformed, "a key member is not valid base64"))
}

#[cfg(feature = "rs")]
fn strip_leading_zeros(mut bytes: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(feature = "rs")]
fn rsa_material(jwk: &Object<'_>, options: &KeyOptions) -> Result<Material, Problem> {
    use rsa::BoxedUint;

    let mut n_buf = [0u8; MAX_RSA_BITS / 8 + 8];
    let n = strip_leading_zeros(member_bytes(jwk, "n", &mut n_buf)?);
    let bits = match n.first() {
        None => 0,
        Some(&top) => n.len() * 8 - top.leading_zeros() as usize,
    };
    if bits < MIN_RSA_BITS {
        return Err((Reason::KeyTooSmall, "RSA modulus is shorter than 2048 bits"));
    }
    if bits > MAX_RSA_BITS {
        return Err((Reason::KeyTooLarge, "RSA modulus is longer than 8192 bits"));
    }
    if n.last().is_none_or(|low| low & 1 == 0) {
        return Err((Reason::KeyInvalid, "RSA modulus is even"));
    }
    // Before either backend sees the key, so both refuse the same moduli.
    if let Some(problem) = crate::roca::weakness(n) {
        return Err(problem);
    }
    let mut e_buf = [0u8; 16];
    let e_bytes = strip_leading_zeros(member_bytes(jwk, "e", &mut e_buf).map_err(|p| match p.0 {
        Reason::KeyTooLarge => (Reason::KeyExponentInvalid, "RSA exponent is too large"),
        _ => p,
    })?);
    if e_bytes.len() > 8 {
        return Err((Reason::KeyExponentInvalid, "RSA exponent is too large"));
    }
    let e = e_bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let minimum = if options.allow_small_rsa_exponent { 3 } else { MIN_STRONG_EXPONENT };
    if e & 1 == 0 {
        return Err((Reason::KeyExponentInvalid, "RSA exponent is even"));
    }
    if e < minimum {
        return Err((Reason::KeyExponentInvalid, "RSA exponent is below the minimum"));
    }
    if e > MAX_EXPONENT {
        return Err((Reason::KeyExponentInvalid, "RSA exponent is too large"));
    }
    #[cfg(feature = "aws-lc")]
    if options.backend == crate::Backend::AwsLc {
        let key =
            crate::native::NativeKey::rsa(n, e_bytes).ok_or((Reason::KeyInvalid, "RSA public key is not valid"))?;
        return Ok(Material::Native { key, kind: KeyKind::Rsa { bits } });
    }
    let precision = (n.len() * 8).div_ceil(64) * 64;
    let n =
        BoxedUint::from_be_slice(n, precision as u32).map_err(|_| (Reason::KeyInvalid, "RSA modulus is not usable"))?;
    let public = rsa::PublicKey::new_with_size_limits(n, BoxedUint::from(e), MIN_RSA_BITS..=MAX_RSA_BITS)
        .map_err(|_| (Reason::KeyInvalid, "RSA public key is not valid"))?;
    Ok(Material::Portable(PortableKey::Rsa { key: rsa::pkcs1v15::VerifyingKey::new(public), bits }))
}

#[cfg(not(feature = "rs"))]
fn rsa_material(_jwk: &Object<'_>, _options: &KeyOptions) -> Result<Material, Problem> {
    Err((Reason::KeyUnsupported, "RSA key: this build leaves out RS*/PS* (jwtguard-core feature \"rs\")"))
}

/// The EC curves implemented, with their coordinate length and algorithm.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Curve {
    P256,
    P384,
    P521,
}

/// The prepared key of one curve from its SEC1 `point`: RustCrypto's crate for the curve
/// always validates the point; when `options` choose AWS-LC, its own parse of the same
/// point is what verifies.
#[cfg(any(feature = "es256", feature = "es384", feature = "es512"))]
macro_rules! ec_key {
    ($point:ident, $options:ident, $curve:ident, $len:literal, $native:ident, $kind:ident, $invalid:literal) => {{
        let key = $curve::ecdsa::VerifyingKey::from_sec1_bytes($point).map_err(|_| (Reason::KeyInvalid, $invalid))?;
        #[cfg(feature = "aws-lc")]
        if $options.backend == crate::Backend::AwsLc {
            let key = <&[u8; $len]>::try_from($point)
                .ok()
                .and_then(crate::native::NativeKey::$native)
                .ok_or((Reason::KeyInvalid, $invalid))?;
            return Ok(Material::Native { key, kind: KeyKind::$kind });
        }
        Ok(Material::Portable(PortableKey::$kind(key)))
    }};
}

fn ec_material(jwk: &Object<'_>, alg: Option<Algorithm>, options: &KeyOptions) -> Result<Material, Problem> {
    let curve = match jwk.get("crv") {
        Some(Value::String(s)) if s.eq_str("P-256") => Curve::P256,
        Some(Value::String(s)) if s.eq_str("P-384") => Curve::P384,
        Some(Value::String(s)) if s.eq_str("P-521") => Curve::P521,
        Some(Value::String(_)) => return Err((Reason::KeyUnsupported, "EC curve is not P-256, P-384 or P-521")),
        Some(_) => return Err((Reason::KeyMalformed, "crv is not a string")),
        None => return Err((Reason::KeyMalformed, "crv is missing")),
    };
    let (curve_alg, size) = match curve {
        Curve::P256 => (Algorithm::ES256, 32),
        Curve::P384 => (Algorithm::ES384, 48),
        Curve::P521 => (Algorithm::ES512, 66),
    };
    if alg.is_some_and(|bound| bound != curve_alg) {
        return Err((Reason::KeyUnsupported, "EC key is bound to the algorithm of another curve"));
    }
    if !curve_alg.is_available() {
        return Err((Reason::KeyUnsupported, curve_left_out(curve)));
    }
    // SEC1 uncompressed: 0x04 || x || y.
    let mut point = [0u8; 133];
    point[0] = 0x04;
    for (name, at) in [("x", 1), ("y", 1 + size)] {
        let mut buf = [0u8; 72];
        let coordinate = member_bytes(jwk, name, &mut buf).map_err(|p| match p.0 {
            Reason::KeyTooLarge => (Reason::KeyInvalid, "EC coordinate is not exactly the curve's size"),
            _ => p,
        })?;
        if coordinate.len() != size {
            return Err((Reason::KeyInvalid, "EC coordinate is not exactly the curve's size"));
        }
        point[at..at + size].copy_from_slice(coordinate);
    }
    let point = &point[..1 + 2 * size];
    #[cfg(not(all(feature = "aws-lc", any(feature = "es256", feature = "es384", feature = "es512"))))]
    let _ = options;
    #[cfg(not(any(feature = "es256", feature = "es384", feature = "es512")))]
    let _ = point;
    // The point is always validated by RustCrypto, whichever backend verifies.
    match curve {
        #[cfg(feature = "es256")]
        Curve::P256 => ec_key!(point, options, p256, 65, ecdsa_p256, EcP256, "EC point is not on the P-256 curve"),
        #[cfg(feature = "es384")]
        Curve::P384 => ec_key!(point, options, p384, 97, ecdsa_p384, EcP384, "EC point is not on the P-384 curve"),
        #[cfg(feature = "es512")]
        Curve::P521 => ec_key!(point, options, p521, 133, ecdsa_p521, EcP521, "EC point is not on the P-521 curve"),
        #[allow(unreachable_patterns)]
        _ => Err((Reason::KeyUnsupported, curve_left_out(curve))),
    }
}

/// Why a key on a curve this build leaves out is refused.
fn curve_left_out(curve: Curve) -> &'static str {
    match curve {
        Curve::P256 => "EC key on P-256: this build leaves out ES256 (jwtguard-core feature \"es256\")",
        Curve::P384 => "EC key on P-384: this build leaves out ES384 (jwtguard-core feature \"es384\")",
        Curve::P521 => "EC key on P-521: this build leaves out ES512 (jwtguard-core feature \"es512\")",
    }
}

fn okp_material(jwk: &Object<'_>, options: &KeyOptions) -> Result<Material, Problem> {
    match jwk.get("crv") {
        Some(Value::String(s)) if s.eq_str("Ed25519") => {}
        Some(Value::String(_)) => return Err((Reason::KeyUnsupported, "OKP curve is not Ed25519")),
        Some(_) => return Err((Reason::KeyMalformed, "crv is not a string")),
        None => return Err((Reason::KeyMalformed, "crv is missing")),
    }
    ed25519_material(jwk, options)
}

#[cfg(not(feature = "eddsa"))]
fn ed25519_material(_jwk: &Object<'_>, _options: &KeyOptions) -> Result<Material, Problem> {
    Err((Reason::KeyUnsupported, "Ed25519 key: this build leaves out EdDSA (jwtguard-core feature \"eddsa\")"))
}

#[cfg(feature = "eddsa")]
fn ed25519_material(jwk: &Object<'_>, options: &KeyOptions) -> Result<Material, Problem> {
    let mut buf = [0u8; 48];
    let x = member_bytes(jwk, "x", &mut buf).map_err(|p| match p.0 {
        Reason::KeyTooLarge => (Reason::KeyInvalid, "Ed25519 public key is not exactly 32 bytes"),
        _ => p,
    })?;
    let x: &[u8; 32] = x.try_into().map_err(|_| (Reason::KeyInvalid, "Ed25519 public key is not exactly 32 bytes"))?;
    // Validated by ed25519-dalek whichever backend verifies: on the curve, canonical
    // (re-encoding gives the same bytes), not of small order.
    let key = ed25519_dalek::VerifyingKey::from_bytes(x)
        .map_err(|_| (Reason::KeyInvalid, "Ed25519 public key is not a point on the curve"))?;
    if key.to_edwards().compress().as_bytes() != x {
        return Err((Reason::KeyInvalid, "Ed25519 public key is not canonically encoded"));
    }
    if key.is_weak() {
        return Err((Reason::KeyInvalid, "Ed25519 public key has small order"));
    }
    #[cfg(feature = "aws-lc")]
    if options.backend == crate::Backend::AwsLc {
        let key = crate::native::NativeKey::ed25519(x)
            .ok_or((Reason::KeyInvalid, "Ed25519 public key is not a point on the curve"))?;
        return Ok(Material::Native { key, kind: KeyKind::Ed25519 });
    }
    #[cfg(not(feature = "aws-lc"))]
    let _ = options;
    Ok(Material::Portable(PortableKey::Ed25519(key)))
}

#[cfg(not(feature = "hmac"))]
fn oct_material(_jwk: &Object<'_>, _alg: Option<Algorithm>, _options: &KeyOptions) -> Result<Material, Problem> {
    Err((Reason::KeyUnsupported, "oct (HMAC) key: this build leaves out HS* (jwtguard-core feature \"hmac\")"))
}

#[cfg(feature = "hmac")]
fn oct_material(jwk: &Object<'_>, alg: Option<Algorithm>, options: &KeyOptions) -> Result<Material, Problem> {
    // The decoded secret is wiped from this buffer when it goes out of scope.
    let mut buf = zeroize::Zeroizing::new([0u8; MAX_OCT_BYTES + 8]);
    let k = member_bytes(jwk, "k", &mut *buf).map_err(|p| match p.0 {
        Reason::KeyTooLarge => (Reason::KeyTooLarge, "HMAC key is longer than 256 bytes"),
        _ => p,
    })?;
    // RFC 7518 §3.2: a key at least as long as the hash output; the shortest hash is
    // SHA-256, and a key bound to HS384/HS512 must reach that hash's length.
    let minimum = alg.map_or(crate::alg::Hash::Sha256.len(), |a| a.hash().len());
    if k.len() < minimum {
        return Err((Reason::KeyTooSmall, "HMAC key is shorter than its hash output (RFC 7518 §3.2)"));
    }
    let secret = heapless::Vec::from_slice(k)
        .map(crate::signed::Secret)
        .map_err(|_| (Reason::KeyTooLarge, "HMAC key is longer than 256 bytes"))?;
    let kind = KeyKind::Oct { bytes: k.len() };
    #[cfg(feature = "aws-lc")]
    if options.backend == crate::Backend::AwsLc {
        return Ok(Material::Native { key: crate::native::NativeKey::Hmac(std::boxed::Box::new(secret)), kind });
    }
    #[cfg(not(feature = "aws-lc"))]
    let _ = (options, kind);
    Ok(Material::Portable(PortableKey::Hmac(secret)))
}
