//! The PKCS#8 document of an RSA private key given by its JWK members, for AWS-LC,
//! which reads private keys only as DER. The buffer is wiped when dropped.

use alloc::vec::Vec;
use zeroize::Zeroizing;

/// `rsaEncryption` (1.2.840.113549.1.1.1) with NULL parameters, DER.
const RSA_ALGORITHM: [u8; 15] =
    [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];

/// PrivateKeyInfo { version 0, rsaEncryption, RSAPrivateKey { version 0, n, e, d, p,
/// q, dp, dq, qi } } (RFC 5208, RFC 8017 A.1.2), each integer given big-endian and
/// unsigned, as JWK members are.
pub(crate) fn rsa_private_key_pkcs8(integers: [&[u8]; 8]) -> Zeroizing<Vec<u8>> {
    let mut key = Zeroizing::new(Vec::new());
    integer(&mut key, &[0]);
    for value in integers {
        integer(&mut key, value);
    }
    let key = wrapped(0x30, &key);
    let mut info = Zeroizing::new(Vec::new());
    integer(&mut info, &[0]);
    info.extend_from_slice(&RSA_ALGORITHM);
    let octets = wrapped(0x04, &key);
    info.extend_from_slice(&octets);
    wrapped(0x30, &info)
}

/// Appends an unsigned big-endian integer as a DER INTEGER (minimal, non-negative).
fn integer(out: &mut Vec<u8>, value: &[u8]) {
    let start = value.iter().position(|&b| b != 0).unwrap_or(value.len().saturating_sub(1));
    let value = value.get(start..).unwrap_or(&[]);
    let value = if value.is_empty() { &[0u8][..] } else { value };
    let pad = value.first().is_some_and(|&b| b & 0x80 != 0);
    out.push(0x02);
    length(out, value.len() + usize::from(pad));
    if pad {
        out.push(0);
    }
    out.extend_from_slice(value);
}

fn wrapped(tag: u8, contents: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(contents.len() + 6));
    out.push(tag);
    length(&mut out, contents.len());
    out.extend_from_slice(contents);
    out
}

fn length(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
        return;
    }
    let bytes = len.to_be_bytes();
    let skip = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len() - 1);
    let used = bytes.get(skip..).unwrap_or(&[]);
    out.push(0x80 | used.len() as u8);
    out.extend_from_slice(used);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_and_lengths_are_minimal_der() {
        let mut out = Vec::new();
        integer(&mut out, &[0, 0, 0x7f]);
        integer(&mut out, &[0x80]);
        integer(&mut out, &[0, 0]);
        assert_eq!(out, [0x02, 1, 0x7f, 0x02, 2, 0, 0x80, 0x02, 1, 0]);
        let mut out = Vec::new();
        length(&mut out, 300);
        assert_eq!(out, [0x82, 0x01, 0x2c]);
    }
}
