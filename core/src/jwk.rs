//! One JSON Web Key (RFC 7517) parsed and validated into a prepared verification key.
//!
//! Security contract: a [`Key`] exists only if its material passed every check below, so
//! verification never re-validates it (parse once, verify many):
//! - RSA: modulus of 2048 to 8192 bits ([`MIN_RSA_BITS`], [`MAX_RSA_BITS`]; 8192 is the
//!   `rsa` crate's default maximum), odd; public exponent odd, at least 65537 (or 3 when
//!   [`KeyOptions::allow_small_rsa_exponent`](crate::KeyOptions) is set), at most
//!   2^33 - 1 (the `rsa` crate's limit).
//! - EC: curve P-256 only, `x` and `y` exactly 32 bytes each, the point on the curve.
//! - `use` absent or `"sig"`; `key_ops` absent or containing `"verify"`; `alg` absent or
//!   the one algorithm the key type implements here (a key bound to any other
//!   algorithm is unusable, never re-purposed).
//! - A JWK holding private key material (`d`, `p`, `q`, `dp`, `dq`, `qi`, `oth`, `k`)
//!   is refused: a verifier must only ever be given public keys.
//! - RSA moduli from the flawed Infineon generator (ROCA) are refused.
//! - `x5c` is ignored: nothing is ever read from it.

use crate::alg::Algorithm;
use crate::b64;
use crate::error::Reason;
use crate::json::{Object, Str, Value};
use crate::keyset::KeyOptions;
use crate::text::Text;

/// Smallest accepted RSA modulus in bits (RFC 7518 §3.3).
#[cfg_attr(not(feature = "alloc"), allow(dead_code))]
pub const MIN_RSA_BITS: usize = 2048;
/// Largest accepted RSA modulus in bits (the `rsa` crate's default maximum).
pub const MAX_RSA_BITS: usize = 8192;
/// Longest `kid` kept, in bytes; a key with a longer one is rejected as malformed.
pub const MAX_KID_LEN: usize = 128;
/// Longest `x5t` kept, in bytes.
pub const MAX_X5T_LEN: usize = 64;
/// Longest per-key `issuer` kept, in bytes.
pub const MAX_ISSUER_LEN: usize = 256;

#[cfg(feature = "alloc")]
const MIN_STRONG_EXPONENT: u64 = 65_537;
#[cfg(feature = "alloc")]
const MAX_EXPONENT: u64 = (1 << 33) - 1;
/// Longest base64 text of a key member we decode (an 8192-bit modulus is 1366 chars).
const MAX_MEMBER_TEXT: usize = 1400;

/// What kind of public key a [`Key`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    /// An RSA key of this many modulus bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// An ECDSA key on P-256.
    EcP256,
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

#[derive(Clone, Debug)]
enum Material {
    #[cfg(feature = "alloc")]
    Rsa {
        key: rsa::pkcs1v15::VerifyingKey<sha2::Sha256>,
        bits: usize,
    },
    Ec(p256::ecdsa::VerifyingKey),
    /// Either key type, prepared by AWS-LC; `kind` says which.
    #[cfg(feature = "aws-lc")]
    Native {
        key: crate::native::NativeKey,
        kind: KeyKind,
    },
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
            #[cfg(feature = "alloc")]
            Material::Rsa { bits, .. } => KeyKind::Rsa { bits: *bits },
            Material::Ec(_) => KeyKind::EcP256,
            #[cfg(feature = "aws-lc")]
            Material::Native { kind, .. } => *kind,
        }
    }

    /// True when this key can verify `alg`: its type implements `alg` and its own
    /// `alg` member, when present, names `alg`.
    pub fn supports(&self, alg: Algorithm) -> bool {
        let type_fits =
            matches!((self.kind(), alg), (KeyKind::Rsa { .. }, Algorithm::RS256) | (KeyKind::EcP256, Algorithm::ES256));
        type_fits && self.alg.is_none_or(|bound| bound == alg)
    }

    /// Verifies `signature` over `message` with `alg` — the bare signature layer, for
    /// callers that sign something other than a JWS. False when the key does not
    /// support `alg` or the signature does not verify; no detail is given.
    pub fn verify_message(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        use sha2::Digest;
        self.supports(alg) && self.verify_sha256(&sha2::Sha256::digest(message).into(), signature)
    }

    /// Verifies `signature` over a SHA-256 digest with this key. The caller has checked
    /// [`Key::supports`]; a length or encoding problem is simply "does not verify".
    pub(crate) fn verify_sha256(&self, digest: &[u8; 32], signature: &[u8]) -> bool {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        if signature.len() != self.signature_len() {
            return false;
        }
        match &self.material {
            #[cfg(feature = "alloc")]
            Material::Rsa { key, .. } => match rsa::pkcs1v15::Signature::try_from(signature) {
                Ok(sig) => key.verify_prehash(digest, &sig).is_ok(),
                Err(_) => false,
            },
            Material::Ec(key) => match p256::ecdsa::Signature::from_slice(signature) {
                Ok(sig) => key.verify_prehash(digest, &sig).is_ok(),
                Err(_) => false,
            },
            #[cfg(feature = "aws-lc")]
            Material::Native { key, .. } => key.verify_sha256(digest, signature),
        }
    }

    /// The only signature length this key can have produced: the modulus length for
    /// RSA, 64 bytes (`r || s`) for P-256. Checked before any backend runs.
    fn signature_len(&self) -> usize {
        match self.kind() {
            KeyKind::Rsa { bits } => bits.div_ceil(8),
            KeyKind::EcP256 => 64,
        }
    }
}

/// JWK members that only private keys have (RFC 7518 §6.2.2, §6.3.2, §6.4).
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

enum Kty {
    Rsa,
    Ec,
}

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
        Some(Value::String(_)) => return Err((Reason::KeyUnsupported, "kty is neither RSA nor EC")),
        Some(_) => return Err((Reason::KeyMalformed, "kty is not a string")),
        None => return Err((Reason::KeyMalformed, "kty is missing")),
    };
    if PRIVATE_MEMBERS.iter().any(|m| jwk.get(m).is_some()) {
        return Err((Reason::KeyInvalid, "key holds private key material; configure only the public key"));
    }
    check_use(&jwk)?;
    let alg = check_alg(&jwk, &kty)?;
    let x5t = optional_text(&jwk, "x5t", "x5t is not a string of at most 64 bytes")?;
    let issuer = optional_text(&jwk, "issuer", "issuer is not a string of at most 256 bytes")?;
    let material = match kty {
        Kty::Rsa => rsa_material(&jwk, options),
        Kty::Ec => ec_material(&jwk, options),
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
    let fits = match kty {
        Kty::Rsa => Algorithm::RS256,
        Kty::Ec => Algorithm::ES256,
    };
    if alg.eq_str(fits.name()) {
        Ok(Some(fits))
    } else {
        Err((Reason::KeyUnsupported, "key is bound to an algorithm jwtguard does not verify with this key type"))
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

#[cfg(feature = "alloc")]
fn strip_leading_zeros(mut bytes: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(feature = "alloc")]
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
    if crate::roca::has_fingerprint(n) {
        return Err((Reason::KeyInvalid, "RSA key was made by the flawed Infineon generator (ROCA, CVE-2017-15361)"));
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
        let key = crate::native::NativeKey::rsa_pkcs1_sha256(n, e_bytes)
            .ok_or((Reason::KeyInvalid, "RSA public key is not valid"))?;
        return Ok(Material::Native { key, kind: KeyKind::Rsa { bits } });
    }
    let precision = (n.len() * 8).div_ceil(64) * 64;
    let n =
        BoxedUint::from_be_slice(n, precision as u32).map_err(|_| (Reason::KeyInvalid, "RSA modulus is not usable"))?;
    let public = rsa::PublicKey::new_with_size_limits(n, BoxedUint::from(e), MIN_RSA_BITS..=MAX_RSA_BITS)
        .map_err(|_| (Reason::KeyInvalid, "RSA public key is not valid"))?;
    Ok(Material::Rsa { key: rsa::pkcs1v15::VerifyingKey::new(public), bits })
}

#[cfg(not(feature = "alloc"))]
fn rsa_material(_jwk: &Object<'_>, _options: &KeyOptions) -> Result<Material, Problem> {
    Err((Reason::KeyUnsupported, "RSA keys need jwtguard-core's `alloc` feature"))
}

fn ec_material(jwk: &Object<'_>, options: &KeyOptions) -> Result<Material, Problem> {
    match jwk.get("crv") {
        Some(Value::String(s)) if s.eq_str("P-256") => {}
        Some(Value::String(_)) => return Err((Reason::KeyUnsupported, "EC curve is not P-256")),
        Some(_) => return Err((Reason::KeyMalformed, "crv is not a string")),
        None => return Err((Reason::KeyMalformed, "crv is missing")),
    }
    let mut point = [0u8; 65];
    point[0] = 0x04; // SEC1 uncompressed
    for (name, range) in [("x", 1..33), ("y", 33..65)] {
        let mut buf = [0u8; 48];
        let coordinate = member_bytes(jwk, name, &mut buf).map_err(|p| match p.0 {
            Reason::KeyTooLarge => (Reason::KeyInvalid, "EC coordinate is not exactly 32 bytes"),
            _ => p,
        })?;
        if coordinate.len() != 32 {
            return Err((Reason::KeyInvalid, "EC coordinate is not exactly 32 bytes"));
        }
        point[range].copy_from_slice(coordinate);
    }
    // The point is always validated by `p256`, whichever backend verifies.
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&point)
        .map_err(|_| (Reason::KeyInvalid, "EC point is not on the P-256 curve"))?;
    #[cfg(feature = "aws-lc")]
    if options.backend == crate::Backend::AwsLc {
        let key = crate::native::NativeKey::ecdsa_p256_sha256(&point)
            .ok_or((Reason::KeyInvalid, "EC point is not on the P-256 curve"))?;
        return Ok(Material::Native { key, kind: KeyKind::EcP256 });
    }
    #[cfg(not(feature = "aws-lc"))]
    let _ = options;
    Ok(Material::Ec(key))
}
