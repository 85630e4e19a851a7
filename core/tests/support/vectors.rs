//! Helpers shared by the vector tests (`vectors_*.rs`).
//!
//! The vectors live in `<repo>/tests/vectors/` (its README says where each comes from).
//! Were that folder missing, every test that needs it fails with a message saying so:
//! a missing folder must never look like a passing run.
#![allow(dead_code)]

use std::path::PathBuf;

use base64ct::{Base64UrlUnpadded, Encoding};
use jwtguard_core::jws::{self, JwsRules};
use jwtguard_core::{Error, KeySet, Reason};

/// `<repo>/tests/vectors`, checked to exist.
pub fn vectors_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    assert!(dir.is_dir(), "published test vectors not found at {}: these tests cannot run without them", dir.display());
    dir
}

/// The bytes of `tests/vectors/<relative>`; fails loudly when absent.
pub fn read_vector(relative: &str) -> Vec<u8> {
    let path = vectors_dir().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read vector file {}: {e}", path.display()))
}

/// `read_vector` parsed as JSON.
pub fn read_json(relative: &str) -> serde_json::Value {
    serde_json::from_slice(&read_vector(relative)).unwrap_or_else(|e| panic!("{relative} is not JSON: {e}"))
}

/// Unpadded base64url (the crate's `base64ct` is built without `alloc`, so buffers).
pub fn b64url(bytes: &[u8]) -> String {
    let mut out = vec![0u8; Base64UrlUnpadded::encoded_len(bytes)];
    Base64UrlUnpadded::encode(bytes, &mut out).expect("buffer sized by encoded_len").to_owned()
}

/// Strict unpadded base64url, or `None`.
pub fn try_b64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = vec![0u8; text.len()];
    let len = Base64UrlUnpadded::decode(text, &mut out).ok()?.len();
    out.truncate(len);
    Some(out)
}

pub fn b64url_decode(text: &str) -> Vec<u8> {
    try_b64url_decode(text).unwrap_or_else(|| panic!("not strict base64url: {text:?}"))
}

/// What the JWS layer said about a token, with owned data so results can be compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwsOutcome {
    /// Verified: the payload bytes and the kid of the key that verified.
    Valid {
        payload: Vec<u8>,
        kid: Option<String>,
    },
    Rejected(Reason),
}

impl JwsOutcome {
    pub fn reason(&self) -> Option<Reason> {
        match self {
            JwsOutcome::Valid { .. } => None,
            JwsOutcome::Rejected(r) => Some(*r),
        }
    }
    pub fn is_valid(&self) -> bool {
        matches!(self, JwsOutcome::Valid { .. })
    }
}

/// Runs `jws::verify` with a scratch buffer of exactly `scratch_len(token.len())`.
pub fn jws_verify(token: &[u8], keys: &KeySet, rules: &JwsRules) -> JwsOutcome {
    jws_verify_detailed(token, keys, rules).unwrap_or_else(|e| JwsOutcome::Rejected(e.reason()))
}

/// Like [`jws_verify`], but a rejection keeps the whole [`Error`] (reason and detail);
/// `Ok` is always [`JwsOutcome::Valid`].
pub fn jws_verify_detailed(token: &[u8], keys: &KeySet, rules: &JwsRules) -> Result<JwsOutcome, Error> {
    let mut scratch = vec![0u8; jws::scratch_len(token.len())];
    let v = jws::verify(token, keys, rules, &mut scratch)?;
    Ok(JwsOutcome::Valid { payload: v.payload().to_vec(), kid: v.key().kid().map(str::to_owned) })
}

/// The reason of a failed result, or a panic naming `what` when it succeeded.
pub fn expect_err<T: std::fmt::Debug>(result: Result<T, Error>, what: &str) -> Reason {
    match result {
        Ok(v) => panic!("{what}: expected a rejection, got Ok({v:?})"),
        Err(e) => e.reason(),
    }
}

/// `KeySet::from_json` of a serde_json value.
pub fn key_set(value: &serde_json::Value) -> Result<KeySet, Error> {
    KeySet::from_json(&serde_json::to_vec(value).expect("serializable"))
}

/// A JWK as a verifier is given it: an RSA, EC or OKP key without its private members
/// (RFC 7518 §6.2.2, §6.3.2; RFC 8037 §2); an oct key keeps `k`, the shared secret
/// that verifies an HMAC (RFC 7518 §6.4).
pub fn public_members(jwk: &serde_json::Value) -> serde_json::Value {
    let mut jwk = jwk.clone();
    let symmetric = jwk["kty"] == "oct";
    let object = jwk.as_object_mut().expect("a JWK is an object");
    for private in ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] {
        if !(symmetric && private == "k") {
            object.remove(private);
        }
    }
    jwk
}
