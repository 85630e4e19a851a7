//! Decryption keys: private keys, their own type, never mixed with the verification
//! keys of a [`crate::KeySet`].
//!
//! Security contract:
//! - a set is loaded whole or refused: the first key that is malformed, too small, not
//!   for encryption (`use` other than `enc`, `key_ops` without a decryption
//!   operation) or not what its `alg` says refuses the set, naming why;
//! - RSA keys need every CRT member and at least 2048 bits; EC keys are P-256 or P-384
//!   and their `x`/`y` must be the public key of `d`; symmetric keys are 16, 24, 32,
//!   48 or 64 bytes;
//! - secret bytes decoded here are wiped when dropped (AWS-LC wipes its own copies);
//!   the JSON text the caller passed is the caller's to wipe;
//! - `Debug` shows `kid`s and key types, never key material.

use alloc::string::String;
use alloc::vec::Vec;

use aws_lc_rs::agreement::{self, PrivateKey, ECDH_P256, ECDH_P384};
use aws_lc_rs::rsa::{OaepPrivateDecryptingKey, PrivateDecryptingKey};
use zeroize::Zeroizing;

use super::algorithms::{ContentEncryption, KeyManagement};
use super::der;
use crate::error::{Error, Reason};
use crate::json::{Object, Value};

/// Most keys in a set of decryption keys.
pub const MAX_DECRYPTION_KEYS: usize = 32;

/// Longest `kid` accepted, in bytes.
const MAX_KID_LEN: usize = 128;

/// What a key decrypts with.
pub(crate) enum Material {
    /// An RSA private key (RSA-OAEP, RSA-OAEP-256).
    Rsa(OaepPrivateDecryptingKey),
    /// An EC private key (ECDH-ES and ECDH-ES+A*KW); its curve's coordinate length.
    Ec(PrivateKey, &'static agreement::Algorithm, usize),
    /// A symmetric key (A*KW, A*GCMKW, dir).
    Oct(Zeroizing<Vec<u8>>),
}

/// One decryption key.
pub(crate) struct DecryptionKey {
    pub(crate) kid: Option<String>,
    alg: Option<KeyManagement>,
    /// A `dir` key whose `alg` names its content encryption (RFC 7520 §5.6).
    enc: Option<ContentEncryption>,
    pub(crate) material: Material,
}

impl DecryptionKey {
    /// Whether this key can decrypt a token of `alg` and `enc` (its type and size, and
    /// its own `alg` when it names one).
    pub(crate) fn fits(&self, alg: KeyManagement, enc: ContentEncryption) -> bool {
        if self.alg.is_some_and(|own| own != alg)
            || self.enc.is_some_and(|own| own != enc || alg != KeyManagement::Direct)
        {
            return false;
        }
        match (&self.material, alg) {
            (Material::Rsa(_), KeyManagement::RsaOaep | KeyManagement::RsaOaep256) => true,
            (Material::Ec(..), KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_)) => true,
            (Material::Oct(k), KeyManagement::AesKw(n) | KeyManagement::AesGcmKw(n)) => k.len() == n,
            (Material::Oct(k), KeyManagement::Direct) => k.len() == enc.key_len(),
            _ => false,
        }
    }
}

/// Private keys that decrypt encrypted tokens (JWE), loaded from a JWK set (see the
/// module contract). `Send + Sync`.
pub struct DecryptionKeys {
    pub(crate) keys: Vec<DecryptionKey>,
}

impl core::fmt::Debug for DecryptionKeys {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut list = f.debug_list();
        for key in &self.keys {
            let kind = match key.material {
                Material::Rsa(_) => "RSA",
                Material::Ec(..) => "EC",
                Material::Oct(_) => "oct",
            };
            list.entry(&(kind, key.kid.as_deref()));
        }
        list.finish()
    }
}

impl DecryptionKeys {
    /// Loads a JWK set (`{"keys": [...]}`) or a single JWK of private keys, at most
    /// [`crate::DEFAULT_MAX_KEY_SET_LEN`] bytes and [`MAX_DECRYPTION_KEYS`] keys.
    pub fn from_jwks(json: &[u8]) -> Result<DecryptionKeys, Error> {
        DecryptionKeys::check_len(json.len())?;
        let malformed = |detail| Error::new(Reason::KeySetMalformed, detail);
        let document = Object::parse(json).map_err(|_| malformed("the decryption keys are not a JSON object"))?;
        let mut keys = Vec::new();
        let mut add = |jwk: Object<'_>| -> Result<(), Error> {
            if keys.len() == MAX_DECRYPTION_KEYS {
                return Err(Error::new(Reason::KeySetTooLarge, "more than 32 decryption keys"));
            }
            let key = parse_key(&jwk)?;
            if key.kid.is_some() && keys.iter().any(|k: &DecryptionKey| k.kid == key.kid) {
                return Err(Error::new(Reason::KeySetDuplicateKid, "two decryption keys have the same kid"));
            }
            keys.push(key);
            Ok(())
        };
        match document.get("keys") {
            Some(Value::Array(list)) => {
                for jwk in list.iter() {
                    add(jwk.as_object().ok_or(malformed("a member of keys is not a JSON object"))?)?;
                }
            }
            Some(_) => return Err(malformed("keys is not an array")),
            None if document.get("kty").is_some() => add(document)?,
            None => return Err(malformed("neither a JWK set (keys) nor a JWK (kty)")),
        }
        if keys.is_empty() {
            return Err(Error::new(Reason::KeySetNoUsableKey, "the set holds no decryption key"));
        }
        Ok(DecryptionKeys { keys })
    }

    /// `KeySetTooLarge` for a document of `len` bytes over
    /// [`crate::DEFAULT_MAX_KEY_SET_LEN`]: for a caller that can refuse it by its
    /// length before reading it.
    pub fn check_len(len: usize) -> Result<(), Error> {
        if len > crate::DEFAULT_MAX_KEY_SET_LEN {
            return Err(Error::new(Reason::KeySetTooLarge, "the decryption key set is too large"));
        }
        Ok(())
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set is empty (never, once loaded).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

fn text<'a>(jwk: &Object<'a>, name: &str) -> Result<Option<String>, Error> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => crate::export::string(s)
            .map(Some)
            .map_err(|_| Error::new(Reason::KeyMalformed, "a key member holds a control character")),
        Some(_) => Err(Error::new(Reason::KeyMalformed, "a key member is not a string")),
    }
}

/// A base64url member, decoded into a buffer wiped when dropped.
fn secret(jwk: &Object<'_>, name: &str) -> Result<Zeroizing<Vec<u8>>, Error> {
    let missing =
        Error::new(Reason::KeyMalformed, "a private key lacks a member it needs (d, k, or an RSA CRT member)");
    let Some(Value::String(s)) = jwk.get(name) else { return Err(missing) };
    let encoded = s.as_plain().ok_or(Error::new(Reason::KeyMalformed, "a key member is not valid base64"))?;
    let mut out = Zeroizing::new(alloc::vec![0u8; encoded.len() / 4 * 3 + 3]);
    let len = crate::b64::decode_key_member(encoded.as_bytes(), &mut out)
        .map(<[u8]>::len)
        .ok_or(Error::new(Reason::KeyMalformed, "a key member is not valid base64"))?;
    out.truncate(len);
    Ok(out)
}

fn parse_key(jwk: &Object<'_>) -> Result<DecryptionKey, Error> {
    let unsupported = |detail| Error::new(Reason::KeyUnsupported, detail);
    if text(jwk, "use")?.is_some_and(|u| u != "enc") {
        return Err(unsupported("a decryption key has a use other than enc"));
    }
    if let Some(ops) = jwk.get("key_ops") {
        let ops = ops.as_array().ok_or(Error::new(Reason::KeyMalformed, "key_ops is not an array"))?;
        let decrypts = ops.iter().any(|op| {
            op.as_str()
                .and_then(|s| s.as_plain())
                .is_some_and(|s| matches!(s, "decrypt" | "unwrapKey" | "deriveKey" | "deriveBits"))
        });
        if !decrypts {
            return Err(unsupported("a decryption key's key_ops allow no decryption"));
        }
    }
    let kid = text(jwk, "kid")?;
    if kid.as_ref().is_some_and(|k| k.len() > MAX_KID_LEN) {
        return Err(Error::new(Reason::KeyMalformed, "a kid is longer than 128 bytes"));
    }
    // `alg` names a key management algorithm or, for a `dir` key, its content
    // encryption.
    let (alg, enc) = match text(jwk, "alg")? {
        Some(name) => match ContentEncryption::from_name(&name) {
            Ok(enc) => (Some(KeyManagement::Direct), Some(enc)),
            Err(_) => (
                Some(KeyManagement::from_name(&name).map_err(|e| Error::new(Reason::KeyUnsupported, e.detail()))?),
                None,
            ),
        },
        None => (None, None),
    };
    let material = match text(jwk, "kty")?.as_deref() {
        Some("RSA") => rsa(jwk)?,
        Some("EC") => ec(jwk)?,
        Some("oct") => {
            let k = secret(jwk, "k")?;
            if !matches!(k.len(), 16 | 24 | 32 | 48 | 64) {
                return Err(Error::new(Reason::KeyMalformed, "a symmetric key is not 16, 24, 32, 48 or 64 bytes"));
            }
            Material::Oct(k)
        }
        Some(_) => return Err(unsupported("a decryption key's kty is not RSA, EC or oct")),
        None => return Err(Error::new(Reason::KeyMalformed, "a key has no kty")),
    };
    let key = DecryptionKey { kid, alg, enc, material };
    if let Some(alg) = alg {
        // Any content encryption will do for the type check of a key management
        // algorithm; a `dir` key is checked against its own enc, or the token's when used.
        let fits = match (alg, &key.material) {
            (KeyManagement::Direct, Material::Oct(k)) => enc.is_none_or(|enc| enc.key_len() == k.len()),
            _ => key.fits(alg, ContentEncryption::AesGcm(16)),
        };
        if !fits {
            return Err(Error::new(Reason::KeyUnsupported, "a decryption key's alg does not fit its kty or size"));
        }
    }
    Ok(key)
}

fn rsa(jwk: &Object<'_>) -> Result<Material, Error> {
    let names = ["n", "e", "d", "p", "q", "dp", "dq", "qi"];
    let mut parts: Vec<Zeroizing<Vec<u8>>> = Vec::with_capacity(names.len());
    for name in names {
        parts.push(secret(jwk, name)?);
    }
    let bits = parts.first().map_or(0, |n| {
        let n = n.iter().position(|&b| b != 0).and_then(|i| n.get(i..)).unwrap_or(&[]);
        n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize)
    });
    if bits < 2048 {
        return Err(Error::new(Reason::KeyTooSmall, "an RSA decryption key is shorter than 2048 bits"));
    }
    if bits > 8192 {
        return Err(Error::new(Reason::KeyTooLarge, "an RSA decryption key is longer than 8192 bits"));
    }
    let integers: [&[u8]; 8] = core::array::from_fn(|i| parts.get(i).map_or(&[][..], |p| p.as_slice()));
    let pkcs8 = der::rsa_private_key_pkcs8(integers);
    let key = PrivateDecryptingKey::from_pkcs8(&pkcs8)
        .map_err(|_| Error::new(Reason::KeyInvalid, "an RSA decryption key is not a consistent private key"))?;
    let key = OaepPrivateDecryptingKey::new(key)
        .map_err(|_| Error::new(Reason::KeyInvalid, "an RSA decryption key is not a consistent private key"))?;
    Ok(Material::Rsa(key))
}

fn ec(jwk: &Object<'_>) -> Result<Material, Error> {
    let (alg, len): (&'static agreement::Algorithm, usize) = match text(jwk, "crv")?.as_deref() {
        Some("P-256") => (&ECDH_P256, 32),
        Some("P-384") => (&ECDH_P384, 48),
        _ => return Err(Error::new(Reason::KeyUnsupported, "an EC decryption key is not on P-256 or P-384")),
    };
    let (d, x, y) = (secret(jwk, "d")?, secret(jwk, "x")?, secret(jwk, "y")?);
    if d.len() != len || x.len() != len || y.len() != len {
        return Err(Error::new(Reason::KeyMalformed, "an EC key's d, x or y has the wrong length for its curve"));
    }
    let invalid = || Error::new(Reason::KeyInvalid, "an EC decryption key's x and y are not the public key of its d");
    let key = PrivateKey::from_private_key(alg, &d).map_err(|_| invalid())?;
    let public = key.compute_public_key().map_err(|_| invalid())?;
    let point = public.as_ref();
    let matches = point.len() == 1 + 2 * len
        && point.first() == Some(&4)
        && point.get(1..=len) == Some(&x[..])
        && point.get(1 + len..) == Some(&y[..]);
    if !matches {
        return Err(invalid());
    }
    Ok(Material::Ec(key, alg, len))
}
