//! Encrypted tokens: compact JWE (RFC 7516) decryption with AWS-LC (the `jwe` feature),
//! for tokens whose payload is a signed JWT (RFC 7519 §5.2), as API Management's
//! `<decryption-keys>` and NGINX Plus `auth_jwt_type encrypted` take them.
//!
//! Supported: key management `RSA-OAEP`, `RSA-OAEP-256`, `A128KW`, `A192KW`, `A256KW`,
//! `A128GCMKW`, `A192GCMKW`, `A256GCMKW`, `dir`, `ECDH-ES` and `ECDH-ES+A128KW`/`A192KW`/
//! `A256KW` on P-256 and P-384; content encryption `A128CBC-HS256`, `A192CBC-HS384`,
//! `A256CBC-HS512`, `A128GCM`, `A192GCM`, `A256GCM`.
//!
//! Security contract:
//! - refused by design, each with its reason before any cryptographic work: `RSA1_5`
//!   (padding oracles) and `PBES2` (`TokenAlgorithmNotSupported`), `zip` (compression
//!   bombs), `crit`, `jku`/`jwk`/`x5u`/`x5c` (`TokenHeaderUnsupported`), the JSON
//!   serialization and anything but five segments (`TokenMalformed`), a token longer than
//!   the caller's limit (`TokenTooLarge`);
//! - the header is strict JSON (duplicate members refused, also after unescaping);
//! - a `kid` names the one key that may decrypt; without one, at most
//!   [`crate::jws::MAX_KEY_TRIALS`] keys of the right type are tried; a key whose type,
//!   size or own `alg` does not fit the token is never used
//!   (`TokenAlgorithmKeyMismatch`);
//! - every failure of the decryption itself (a wrong key, a bad tag, bad padding, a bad
//!   key wrap, an RSA-OAEP failure) is the one [`DECRYPTION_FAILED`]: the answers do not
//!   tell padding from tag failures;
//! - [`decrypt_signed`] accepts only a compact JWS as the plaintext (`cty`, when present,
//!   must be `JWT`); a nested JWE is refused. The caller verifies that JWS as any token:
//!   decryption proves nothing about who issued it;
//! - plaintexts and keys derived on the way are wiped when dropped.

mod algorithms;
mod cek;
mod der;
mod keys;

use alloc::string::String;
use alloc::vec::Vec;

use zeroize::Zeroizing;

pub use algorithms::{ContentEncryption, KeyManagement};
pub use keys::{DecryptionKeys, MAX_DECRYPTION_KEYS};

use crate::error::{Error, Reason};
use crate::json::{Object, Value};
use crate::jws::MAX_KEY_TRIALS;

/// Every failure of the decryption itself (see the module contract).
pub const DECRYPTION_FAILED: Error = Error::new(Reason::TokenDecryptionFailed, "the token could not be decrypted");

/// A `kid` that names no decryption key.
pub const DECRYPTION_KEY_NOT_FOUND: Error =
    Error::new(Reason::TokenDecryptionFailed, "no decryption key has the token's kid");

/// Whether `token` has the shape of a compact JWE (five segments): what a verifier
/// with decryption keys decrypts first.
pub fn is_compact_jwe(token: &[u8]) -> bool {
    token.iter().filter(|&&b| b == b'.').count() == 4
}

/// The protected header of an encrypted token, as far as decryption needs it.
pub(crate) struct Header {
    pub(crate) alg: KeyManagement,
    pub(crate) enc: ContentEncryption,
    kid: Option<String>,
    cty: Option<String>,
    /// The ephemeral public key (ECDH-ES), as an uncompressed point.
    pub(crate) epk: Option<Vec<u8>>,
    pub(crate) apu: Option<Vec<u8>>,
    pub(crate) apv: Option<Vec<u8>>,
    /// The AES-GCM key wrap's `iv` and `tag`.
    pub(crate) gcm_iv: Option<Vec<u8>>,
    pub(crate) gcm_tag: Option<Vec<u8>>,
}

/// A decrypted token: its plaintext (wiped when dropped) and the header's `cty`.
pub struct Decrypted {
    plaintext: Zeroizing<Vec<u8>>,
    cty: Option<String>,
    kid: Option<String>,
}

impl Decrypted {
    /// The plaintext.
    pub fn plaintext(&self) -> &[u8] {
        &self.plaintext
    }

    /// The header's `cty`, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.cty.as_deref()
    }

    /// The header's `kid`, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }
}

impl core::fmt::Debug for Decrypted {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Decrypted").field("len", &self.plaintext.len()).field("cty", &self.cty).finish()
    }
}

/// Decrypts a compact JWE of at most `max_len` bytes with `keys` (see the module
/// contract). The plaintext may be anything; [`decrypt_signed`] is what a verifier
/// calls.
pub fn decrypt(token: &[u8], keys: &DecryptionKeys, max_len: usize) -> Result<Decrypted, Error> {
    if token.len() > max_len {
        return Err(Error::new(Reason::TokenTooLarge, "the encrypted token is longer than the limit"));
    }
    if token.first() == Some(&b'{') {
        return Err(Error::new(Reason::TokenMalformed, "JWE JSON serialization is not supported (compact only)"));
    }
    let mut segments = token.split(|&b| b == b'.');
    let parts: [&[u8]; 5] = core::array::from_fn(|_| segments.next().unwrap_or(&[]));
    if segments.next().is_some() || !is_compact_jwe(token) {
        return Err(Error::new(Reason::TokenMalformed, "an encrypted token has five segments"));
    }
    let [protected, encrypted_key, iv, ciphertext, tag] = parts;
    let header = read_header(protected)?;
    let encrypted_key = segment(encrypted_key)?;
    if header.alg.is_direct() && !encrypted_key.is_empty() {
        return Err(Error::new(Reason::TokenMalformed, "dir and ECDH-ES tokens carry no encrypted key"));
    }
    let (iv, tag) = (segment(iv)?, segment(tag)?);
    let mut data = Zeroizing::new(segment(ciphertext)?);
    let candidates: Vec<&keys::DecryptionKey> = match header.kid.as_deref() {
        Some(kid) => {
            let key = keys.keys.iter().find(|k| k.kid.as_deref() == Some(kid)).ok_or(DECRYPTION_KEY_NOT_FOUND)?;
            if !key.fits(header.alg, header.enc) {
                return Err(Error::new(
                    Reason::TokenAlgorithmKeyMismatch,
                    "the key the kid names does not fit the token's alg or enc",
                ));
            }
            alloc::vec![key]
        }
        None => keys.keys.iter().filter(|k| k.fits(header.alg, header.enc)).take(MAX_KEY_TRIALS).collect(),
    };
    if candidates.is_empty() {
        return Err(Error::new(Reason::TokenAlgorithmKeyMismatch, "no decryption key fits the token's alg and enc"));
    }
    let aad = protected;
    let mut last = DECRYPTION_FAILED;
    for key in candidates {
        let attempt = cek::content_key(&header, key, &encrypted_key).and_then(|cek| {
            let mut out = data.clone();
            let len = cek::open(header.enc, &cek, aad, &iv, &mut out, &tag)?;
            out.truncate(len);
            Ok(out)
        });
        match attempt {
            Ok(plaintext) => {
                data.clear();
                return Ok(Decrypted { plaintext, cty: header.cty, kid: header.kid });
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

/// Decrypts `token` (as [`decrypt`]) and returns the compact JWS inside it, for the
/// caller to verify; refuses any other content (see the module contract). The JWS
/// itself is read, strictly, by the verification that follows.
pub fn decrypt_signed(token: &[u8], keys: &DecryptionKeys, max_len: usize) -> Result<Zeroizing<Vec<u8>>, Error> {
    let decrypted = decrypt(token, keys, max_len)?;
    if decrypted.cty.as_deref().is_some_and(|cty| !cty.eq_ignore_ascii_case("JWT")) {
        return Err(Error::new(
            Reason::TokenHeaderUnsupported,
            "an encrypted token's cty is not JWT: its content is not a signed JWT",
        ));
    }
    let plaintext = decrypted.plaintext;
    match plaintext.iter().filter(|&&b| b == b'.').count() {
        2 => Ok(plaintext),
        4 => Err(Error::new(Reason::TokenHeaderUnsupported, "a JWE inside a JWE (nested encryption) is not supported")),
        _ => Err(Error::new(Reason::TokenMalformed, "the decrypted content is not a compact signed JWT")),
    }
}

/// The token a verification reads: `token` itself, or the JWS inside it when it is an
/// encrypted token and `keys` are given (without keys, an encrypted token goes on to
/// the JWS reader, which refuses it as `TokenMalformed`). Every binding that verifies
/// calls this, so the rule is one.
pub fn signed<'t>(token: &'t [u8], keys: Option<&DecryptionKeys>, max_len: usize) -> Result<Signed<'t>, Error> {
    match keys {
        Some(keys) if is_compact_jwe(token) => Ok(Signed::Decrypted(decrypt_signed(token, keys, max_len)?)),
        _ => Ok(Signed::Plain(token)),
    }
}

/// What [`signed`] gives: the token as it came, or the decrypted JWS (wiped when
/// dropped). Dereferences to the bytes to verify.
pub enum Signed<'t> {
    /// The token as given.
    Plain(&'t [u8]),
    /// The JWS an encrypted token held.
    Decrypted(Zeroizing<Vec<u8>>),
}

impl core::ops::Deref for Signed<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Signed::Plain(token) => token,
            Signed::Decrypted(token) => token,
        }
    }
}

fn segment(text: &[u8]) -> Result<Vec<u8>, Error> {
    let mut out = alloc::vec![0u8; text.len() / 4 * 3 + 3];
    let len = crate::b64::decode_segment(text, &mut out)
        .map(<[u8]>::len)
        .ok_or(Error::new(Reason::TokenMalformed, "a segment of the encrypted token is not base64url"))?;
    out.truncate(len);
    Ok(out)
}

fn read_header(protected: &[u8]) -> Result<Header, Error> {
    let malformed = |detail| Error::new(Reason::TokenMalformed, detail);
    let unsupported = |detail| Error::new(Reason::TokenHeaderUnsupported, detail);
    let json = segment(protected)?;
    let header = Object::parse(&json).map_err(|_| malformed("the encrypted token's header is not a JSON object"))?;
    for (name, why) in [
        ("zip", "compressed content (zip) is refused: compression bombs"),
        ("crit", "the encrypted token's header has crit: no extension is understood"),
        ("jku", "the header names a key URL (jku): keys come from the configuration only"),
        ("jwk", "the header embeds a key (jwk): keys come from the configuration only"),
        ("x5u", "the header names a certificate URL (x5u): keys come from the configuration only"),
        ("x5c", "the header embeds certificates (x5c): keys come from the configuration only"),
    ] {
        if header.get(name).is_some() {
            return Err(unsupported(why));
        }
    }
    let text = |name: &str| -> Result<Option<String>, Error> {
        match header.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => {
                crate::export::string(s).map(Some).map_err(|_| malformed("a header member holds a control character"))
            }
            Some(_) => Err(malformed("a header member is not a string")),
        }
    };
    let bytes = |name: &str| -> Result<Option<Vec<u8>>, Error> {
        match text(name)? {
            None => Ok(None),
            Some(s) => segment(s.as_bytes()).map(Some),
        }
    };
    let alg = KeyManagement::from_name(&text("alg")?.ok_or(malformed("the encrypted token's header has no alg"))?)?;
    let enc = ContentEncryption::from_name(&text("enc")?.ok_or(malformed("the encrypted token's header has no enc"))?)?;
    let epk = match header.get("epk") {
        None => None,
        Some(Value::Object(epk)) => Some(ephemeral_key(&epk)?),
        Some(_) => return Err(malformed("epk is not a JSON object")),
    };
    if matches!(alg, KeyManagement::EcdhEs | KeyManagement::EcdhEsKw(_)) && epk.is_none() {
        return Err(malformed("an ECDH-ES header needs epk"));
    }
    let (gcm_iv, gcm_tag) = (bytes("iv")?, bytes("tag")?);
    let gcm_parts_fit =
        gcm_iv.as_ref().is_some_and(|iv| iv.len() == 12) && gcm_tag.as_ref().is_some_and(|t| t.len() == 16);
    if matches!(alg, KeyManagement::AesGcmKw(_)) && !gcm_parts_fit {
        return Err(malformed("an AES-GCM key wrap header needs a 12-byte iv and a 16-byte tag"));
    }
    Ok(Header {
        alg,
        enc,
        kid: text("kid")?,
        cty: text("cty")?,
        epk,
        apu: bytes("apu")?,
        apv: bytes("apv")?,
        gcm_iv,
        gcm_tag,
    })
}

/// The ephemeral public key as an uncompressed point (`04 || x || y`); its curve is
/// checked against the decryption key's when used.
fn ephemeral_key(epk: &Object<'_>) -> Result<Vec<u8>, Error> {
    let unsupported = || Error::new(Reason::TokenHeaderUnsupported, "epk is not an EC public key on P-256 or P-384");
    let member = |name: &str| match epk.get(name) {
        Some(Value::String(s)) => s.as_plain(),
        _ => None,
    };
    if member("kty") != Some("EC") || epk.get("d").is_some() {
        return Err(unsupported());
    }
    let len = match member("crv") {
        Some("P-256") => 32,
        Some("P-384") => 48,
        _ => return Err(unsupported()),
    };
    let mut point = alloc::vec![4u8];
    for name in ["x", "y"] {
        let coordinate = segment(member(name).ok_or_else(unsupported)?.as_bytes())?;
        if coordinate.len() != len {
            return Err(unsupported());
        }
        point.extend_from_slice(&coordinate);
    }
    Ok(point)
}
