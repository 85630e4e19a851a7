//! The content encryption key (CEK) of a token, from its key management algorithm and
//! a decryption key (RFC 7518 §4), with AWS-LC.
//!
//! Security contract:
//! - every failure past the header checks is the same [`super::DECRYPTION_FAILED`];
//!   an RSA-OAEP decryption that fails, or gives a key of the wrong length, continues
//!   with a random key of the right length (RFC 7516 §11.5), so that it fails where a
//!   wrong tag does and takes as long;
//! - an ephemeral public key (`epk`) must be a point of the decryption key's curve
//!   (AWS-LC checks it before agreeing: no invalid-curve attack);
//! - the AES key unwrap checks its integrity value in constant time;
//! - every key derived or unwrapped is wiped when dropped.

use alloc::vec;
use alloc::vec::Vec;

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_128_GCM, AES_192_GCM, AES_256_GCM};
use aws_lc_rs::agreement::{self, UnparsedPublicKey};
use aws_lc_rs::cipher::{DecryptingKey, DecryptionContext, UnboundCipherKey, AES_128, AES_192, AES_256};
use aws_lc_rs::constant_time::verify_slices_are_equal;
use aws_lc_rs::digest;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OAEP_SHA256_MGF1SHA256};
use zeroize::Zeroizing;

use super::algorithms::{ContentEncryption, KeyManagement};
use super::keys::{DecryptionKey, Material};
use super::{Header, DECRYPTION_FAILED};
use crate::error::{Error, Reason};

type Secret = Zeroizing<Vec<u8>>;

/// The CEK for `header`'s algorithms from `key` and the token's encrypted key.
pub(crate) fn content_key(header: &Header, key: &DecryptionKey, encrypted_key: &[u8]) -> Result<Secret, Error> {
    let enc = header.enc;
    let cek = match (header.alg, &key.material) {
        (KeyManagement::Direct, Material::Oct(k)) => Zeroizing::new(k.to_vec()),
        (KeyManagement::AesKw(_), Material::Oct(k)) => aes_unwrap(k, encrypted_key)?,
        (KeyManagement::AesGcmKw(_), Material::Oct(k)) => gcm_unwrap(k, header, encrypted_key)?,
        (KeyManagement::RsaOaep | KeyManagement::RsaOaep256, Material::Rsa(rsa)) => {
            let params =
                if header.alg == KeyManagement::RsaOaep { &OAEP_SHA1_MGF1SHA1 } else { &OAEP_SHA256_MGF1SHA256 };
            let mut out = Zeroizing::new(vec![0u8; rsa.min_output_size()]);
            let decrypted = if encrypted_key.len() == rsa.key_size_bytes() {
                rsa.decrypt(params, encrypted_key, &mut out, None).ok().map(|k| Zeroizing::new(k.to_vec()))
            } else {
                None
            };
            match decrypted {
                Some(cek) if cek.len() == enc.key_len() => cek,
                // RFC 7516 §11.5: go on with a random key; the tag check fails.
                _ => random_key(enc.key_len())?,
            }
        }
        (KeyManagement::EcdhEs, Material::Ec(private, alg, len)) => {
            derive(private, alg, *len, header, enc.name().as_bytes(), enc.key_len())?
        }
        (KeyManagement::EcdhEsKw(n), Material::Ec(private, alg, len)) => {
            let kek = derive(private, alg, *len, header, header.alg.name().as_bytes(), n)?;
            aes_unwrap(&kek, encrypted_key)?
        }
        _ => {
            return Err(Error::new(
                Reason::TokenAlgorithmKeyMismatch,
                "the decryption key does not fit the token's alg",
            ))
        }
    };
    if cek.len() != enc.key_len() {
        return Err(DECRYPTION_FAILED);
    }
    Ok(cek)
}

fn random_key(len: usize) -> Result<Secret, Error> {
    let mut key = Zeroizing::new(vec![0u8; len]);
    SystemRandom::new().fill(&mut key).map_err(|_| DECRYPTION_FAILED)?;
    Ok(key)
}

/// AES key unwrap (RFC 3394 §2.2.2), with the block cipher of AWS-LC.
fn aes_unwrap(kek: &[u8], wrapped: &[u8]) -> Result<Secret, Error> {
    if !wrapped.len().is_multiple_of(8) || wrapped.len() < 24 {
        return Err(DECRYPTION_FAILED);
    }
    let algorithm = match kek.len() {
        16 => &AES_128,
        24 => &AES_192,
        32 => &AES_256,
        _ => return Err(DECRYPTION_FAILED),
    };
    let key = UnboundCipherKey::new(algorithm, kek).map_err(|_| DECRYPTION_FAILED)?;
    let block_cipher = DecryptingKey::ecb(key).map_err(|_| DECRYPTION_FAILED)?;
    let n = wrapped.len() / 8 - 1;
    let mut a = [0u8; 8];
    a.copy_from_slice(wrapped.get(..8).ok_or(DECRYPTION_FAILED)?);
    let mut r = Zeroizing::new(wrapped.get(8..).ok_or(DECRYPTION_FAILED)?.to_vec());
    let mut block = Zeroizing::new([0u8; 16]);
    for j in (0..6u64).rev() {
        for i in (1..=n).rev() {
            let t = (n as u64) * j + i as u64;
            let ri = r.get_mut((i - 1) * 8..i * 8).ok_or(DECRYPTION_FAILED)?;
            for (byte, t_byte) in a.iter_mut().zip(t.to_be_bytes()) {
                *byte ^= t_byte;
            }
            block[..8].copy_from_slice(&a);
            block[8..].copy_from_slice(ri);
            block_cipher.decrypt(&mut block[..], DecryptionContext::None).map_err(|_| DECRYPTION_FAILED)?;
            a.copy_from_slice(&block[..8]);
            ri.copy_from_slice(&block[8..]);
        }
    }
    verify_slices_are_equal(&a, &[0xa6; 8]).map_err(|_| DECRYPTION_FAILED)?;
    Ok(r)
}

/// The key encrypted with AES-GCM under `kek` (RFC 7518 §4.7): the header's `iv` and
/// `tag`, no additional data.
fn gcm_unwrap(kek: &[u8], header: &Header, encrypted_key: &[u8]) -> Result<Secret, Error> {
    let (Some(iv), Some(tag)) = (header.gcm_iv.as_ref(), header.gcm_tag.as_ref()) else {
        return Err(Error::new(Reason::TokenMalformed, "an AES-GCM key wrap header needs iv and tag"));
    };
    let mut out = Zeroizing::new(encrypted_key.to_vec());
    gcm_open(kek, iv, &[], tag, &mut out)?;
    Ok(out)
}

/// AES-GCM decryption in place of `data` (12-byte nonce, 16-byte tag).
pub(crate) fn gcm_open(key: &[u8], iv: &[u8], aad: &[u8], tag: &[u8], data: &mut [u8]) -> Result<(), Error> {
    let algorithm = match key.len() {
        16 => &AES_128_GCM,
        24 => &AES_192_GCM,
        32 => &AES_256_GCM,
        _ => return Err(DECRYPTION_FAILED),
    };
    let key = LessSafeKey::new(UnboundKey::new(algorithm, key).map_err(|_| DECRYPTION_FAILED)?);
    let nonce = Nonce::try_assume_unique_for_key(iv).map_err(|_| DECRYPTION_FAILED)?;
    key.open_in_place_separate_tag(nonce, Aad::from(aad), tag, data).map_err(|_| DECRYPTION_FAILED)?;
    Ok(())
}

/// ECDH with the header's ephemeral key, then the Concat KDF (RFC 7518 §4.6.2) with
/// SHA-256 for `len` bytes of key, AlgorithmID `algorithm_id`.
fn derive(
    private: &agreement::PrivateKey,
    alg: &'static agreement::Algorithm,
    coordinate_len: usize,
    header: &Header,
    algorithm_id: &[u8],
    len: usize,
) -> Result<Secret, Error> {
    let mismatch = || {
        Error::new(
            Reason::TokenHeaderUnsupported,
            "the ephemeral key (epk) is not a point of the decryption key's curve",
        )
    };
    let epk = header.epk.as_ref().ok_or(Error::new(Reason::TokenMalformed, "an ECDH-ES header needs epk"))?;
    if epk.len() != 1 + 2 * coordinate_len {
        return Err(mismatch());
    }
    let peer = UnparsedPublicKey::new(alg, epk.as_slice());
    let z: Secret = agreement::agree(private, peer, mismatch(), |z| Ok(Zeroizing::new(z.to_vec())))?;
    let mut derived = Zeroizing::new(Vec::with_capacity(len + 32));
    let mut counter = 1u32;
    while derived.len() < len {
        let mut ctx = digest::Context::new(&digest::SHA256);
        ctx.update(&counter.to_be_bytes());
        ctx.update(&z);
        for field in [algorithm_id, header.apu.as_deref().unwrap_or(&[]), header.apv.as_deref().unwrap_or(&[])] {
            ctx.update(&(field.len() as u32).to_be_bytes());
            ctx.update(field);
        }
        ctx.update(&((len * 8) as u32).to_be_bytes());
        derived.extend_from_slice(ctx.finish().as_ref());
        counter += 1;
    }
    derived.truncate(len);
    Ok(derived)
}

/// Decrypts the content (RFC 7518 §5.2.2.2 and §5.3) in place; returns the plaintext's
/// length. CBC-HMAC checks the tag (constant time) before it decrypts.
pub(crate) fn open(
    enc: ContentEncryption,
    cek: &[u8],
    aad: &[u8],
    iv: &[u8],
    data: &mut [u8],
    tag: &[u8],
) -> Result<usize, Error> {
    if iv.len() != enc.iv_len() || tag.len() != enc.tag_len() {
        return Err(DECRYPTION_FAILED);
    }
    match enc {
        ContentEncryption::AesGcm(_) => {
            gcm_open(cek, iv, aad, tag, data)?;
            Ok(data.len())
        }
        ContentEncryption::AesCbcHmac(n) => {
            let (mac_key, enc_key) = cek.split_at(n);
            let hmac = match n {
                16 => aws_lc_rs::hmac::HMAC_SHA256,
                24 => aws_lc_rs::hmac::HMAC_SHA384,
                _ => aws_lc_rs::hmac::HMAC_SHA512,
            };
            let mut mac = aws_lc_rs::hmac::Context::with_key(&aws_lc_rs::hmac::Key::new(hmac, mac_key));
            mac.update(aad);
            mac.update(iv);
            mac.update(data);
            mac.update(&((aad.len() as u64) * 8).to_be_bytes());
            let full = mac.sign();
            let expected = full.as_ref().get(..n).ok_or(DECRYPTION_FAILED)?;
            verify_slices_are_equal(expected, tag).map_err(|_| DECRYPTION_FAILED)?;
            if data.is_empty() || !data.len().is_multiple_of(16) {
                return Err(DECRYPTION_FAILED);
            }
            let algorithm = match n {
                16 => &AES_128,
                24 => &AES_192,
                _ => &AES_256,
            };
            let key = UnboundCipherKey::new(algorithm, enc_key).map_err(|_| DECRYPTION_FAILED)?;
            let mut iv16 = [0u8; 16];
            iv16.copy_from_slice(iv);
            let context = DecryptionContext::Iv128(aws_lc_rs::iv::FixedLength::from(iv16));
            DecryptingKey::cbc(key)
                .and_then(|k| k.decrypt(data, context).map(|_| ()))
                .map_err(|_| DECRYPTION_FAILED)?;
            // PKCS #7 padding; the tag was valid, so this is the sender's padding.
            let pad = usize::from(*data.last().ok_or(DECRYPTION_FAILED)?);
            let body = data.len().checked_sub(pad).filter(|_| (1..=16).contains(&pad)).ok_or(DECRYPTION_FAILED)?;
            if data.get(body..).is_none_or(|p| p.iter().any(|&b| usize::from(b) != pad)) {
                return Err(DECRYPTION_FAILED);
            }
            Ok(body)
        }
    }
}
