//! The JWE algorithms jwtguard decrypts (RFC 7518 §4 and §5), and those it refuses by
//! design.

use crate::error::{Error, Reason};

/// How the content encryption key reaches the recipient (the header's `alg`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyManagement {
    /// `RSA-OAEP`: RSAES-OAEP with SHA-1 and MGF1-SHA-1.
    RsaOaep,
    /// `RSA-OAEP-256`: RSAES-OAEP with SHA-256 and MGF1-SHA-256.
    RsaOaep256,
    /// `A128KW`, `A192KW`, `A256KW`: AES key wrap (RFC 3394) with a 16, 24 or 32-byte key.
    AesKw(usize),
    /// `A128GCMKW`, `A192GCMKW`, `A256GCMKW`: the key encrypted with AES-GCM.
    AesGcmKw(usize),
    /// `dir`: the shared key is the content encryption key.
    Direct,
    /// `ECDH-ES`: the content encryption key is derived (Concat KDF) from an ECDH
    /// agreement with the header's ephemeral key.
    EcdhEs,
    /// `ECDH-ES+A128KW`, `+A192KW`, `+A256KW`: the derived key wraps the content key.
    EcdhEsKw(usize),
}

impl KeyManagement {
    /// The algorithm named `name`, or why it is refused (`TokenAlgorithmNotSupported`).
    pub fn from_name(name: &str) -> Result<KeyManagement, Error> {
        Ok(match name {
            "RSA-OAEP" => KeyManagement::RsaOaep,
            "RSA-OAEP-256" => KeyManagement::RsaOaep256,
            "A128KW" => KeyManagement::AesKw(16),
            "A192KW" => KeyManagement::AesKw(24),
            "A256KW" => KeyManagement::AesKw(32),
            "A128GCMKW" => KeyManagement::AesGcmKw(16),
            "A192GCMKW" => KeyManagement::AesGcmKw(24),
            "A256GCMKW" => KeyManagement::AesGcmKw(32),
            "dir" => KeyManagement::Direct,
            "ECDH-ES" => KeyManagement::EcdhEs,
            "ECDH-ES+A128KW" => KeyManagement::EcdhEsKw(16),
            "ECDH-ES+A192KW" => KeyManagement::EcdhEsKw(24),
            "ECDH-ES+A256KW" => KeyManagement::EcdhEsKw(32),
            "RSA1_5" => return Err(refused("RSA1_5 (RSAES-PKCS1-v1_5) is refused: it invites padding oracles")),
            "PBES2-HS256+A128KW" | "PBES2-HS384+A192KW" | "PBES2-HS512+A256KW" => {
                return Err(refused("PBES2 (password-based key encryption) is refused"))
            }
            _ => return Err(refused("the key management algorithm (alg) is not supported")),
        })
    }

    /// The name the header uses.
    pub const fn name(self) -> &'static str {
        match self {
            KeyManagement::RsaOaep => "RSA-OAEP",
            KeyManagement::RsaOaep256 => "RSA-OAEP-256",
            KeyManagement::AesKw(16) => "A128KW",
            KeyManagement::AesKw(24) => "A192KW",
            KeyManagement::AesKw(_) => "A256KW",
            KeyManagement::AesGcmKw(16) => "A128GCMKW",
            KeyManagement::AesGcmKw(24) => "A192GCMKW",
            KeyManagement::AesGcmKw(_) => "A256GCMKW",
            KeyManagement::Direct => "dir",
            KeyManagement::EcdhEs => "ECDH-ES",
            KeyManagement::EcdhEsKw(16) => "ECDH-ES+A128KW",
            KeyManagement::EcdhEsKw(24) => "ECDH-ES+A192KW",
            KeyManagement::EcdhEsKw(_) => "ECDH-ES+A256KW",
        }
    }

    /// Whether the token carries no encrypted key (`dir`, `ECDH-ES`).
    pub const fn is_direct(self) -> bool {
        matches!(self, KeyManagement::Direct | KeyManagement::EcdhEs)
    }
}

/// How the content is encrypted (the header's `enc`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentEncryption {
    /// `A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512`: AES-CBC then HMAC-SHA-2 over
    /// the AAD, IV and ciphertext (RFC 7518 §5.2); the value is the AES key length.
    AesCbcHmac(usize),
    /// `A128GCM`, `A192GCM`, `A256GCM`; the value is the key length.
    AesGcm(usize),
}

impl ContentEncryption {
    /// The algorithm named `name`, or `TokenAlgorithmNotSupported`.
    pub fn from_name(name: &str) -> Result<ContentEncryption, Error> {
        Ok(match name {
            "A128CBC-HS256" => ContentEncryption::AesCbcHmac(16),
            "A192CBC-HS384" => ContentEncryption::AesCbcHmac(24),
            "A256CBC-HS512" => ContentEncryption::AesCbcHmac(32),
            "A128GCM" => ContentEncryption::AesGcm(16),
            "A192GCM" => ContentEncryption::AesGcm(24),
            "A256GCM" => ContentEncryption::AesGcm(32),
            _ => return Err(refused("the content encryption algorithm (enc) is not supported")),
        })
    }

    /// The name the header uses (the Concat KDF's AlgorithmID for `ECDH-ES`).
    pub const fn name(self) -> &'static str {
        match self {
            ContentEncryption::AesCbcHmac(16) => "A128CBC-HS256",
            ContentEncryption::AesCbcHmac(24) => "A192CBC-HS384",
            ContentEncryption::AesCbcHmac(_) => "A256CBC-HS512",
            ContentEncryption::AesGcm(16) => "A128GCM",
            ContentEncryption::AesGcm(24) => "A192GCM",
            ContentEncryption::AesGcm(_) => "A256GCM",
        }
    }

    /// Bytes of the content encryption key: the MAC key and the AES key for CBC-HMAC.
    pub const fn key_len(self) -> usize {
        match self {
            ContentEncryption::AesCbcHmac(n) => 2 * n,
            ContentEncryption::AesGcm(n) => n,
        }
    }

    /// Bytes of the initialization vector.
    pub const fn iv_len(self) -> usize {
        match self {
            ContentEncryption::AesCbcHmac(_) => 16,
            ContentEncryption::AesGcm(_) => 12,
        }
    }

    /// Bytes of the authentication tag.
    pub const fn tag_len(self) -> usize {
        match self {
            ContentEncryption::AesCbcHmac(n) => n,
            ContentEncryption::AesGcm(_) => 16,
        }
    }
}

fn refused(detail: &'static str) -> Error {
    Error::new(Reason::TokenAlgorithmNotSupported, detail)
}
