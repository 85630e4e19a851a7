//! JWT verification: the JWS layer, then the payload as claims, then the policy rules.

use crate::claims::Claims;
use crate::error::{Error, Reason};
use crate::json::JsonError;
use crate::jws::{self, Header, VerifiedJws};
use crate::keyset::KeySet;
use crate::policy::Policy;
use crate::rules;

/// A token whose signature verified and whose claims satisfied the policy.
/// Borrows the caller's scratch buffer; nothing is allocated.
#[derive(Clone, Copy, Debug)]
pub struct VerifiedToken<'a> {
    jws: VerifiedJws<'a>,
    claims: Claims<'a>,
}

impl<'a> VerifiedToken<'a> {
    /// The protected header (`alg`, `kid`, `typ`, ...).
    pub fn header(&self) -> &Header<'a> {
        self.jws.header()
    }
    /// The claims.
    pub fn claims(&self) -> Claims<'a> {
        self.claims
    }
    /// The decoded payload (the claims' JSON text).
    pub fn payload(&self) -> &'a [u8] {
        self.jws.payload()
    }
    /// The key that verified the signature.
    pub fn key(&self) -> &'a crate::Key {
        self.jws.key()
    }
}

/// Verifies a JWT access token: signature with a key from `keys`, then every rule of
/// `policy` at time `now` (Unix seconds).
///
/// Checks run in a fixed order — size, format, header, algorithm, key, signature,
/// token type (`typ`, when the policy lists types), payload JSON, claims — so a forged
/// token always reports a signature or format error, never a type or claim error. `scratch` must hold at least
/// [`jws::scratch_len`]`(token.len())` bytes (a `[u8; DEFAULT_MAX_TOKEN_LEN]` always
/// suffices under the default size limit).
pub fn verify<'a>(
    token: &[u8],
    keys: &'a KeySet,
    policy: &Policy,
    now: u64,
    scratch: &'a mut [u8],
) -> Result<VerifiedToken<'a>, Error> {
    verify_in::<&str>(token, &[(keys, None)], policy, now, scratch).map(|(token, _)| token)
}

/// [`verify`] against several key sets searched as one, each with the issuers its keys
/// may sign for (`None`: any issuer the policy allows). Returns the verified token and
/// the index of the set whose key verified it.
pub fn verify_in<'a, S: AsRef<str>>(
    token: &[u8],
    sets: &[(&'a KeySet, Option<&[S]>)],
    policy: &Policy,
    now: u64,
    scratch: &'a mut [u8],
) -> Result<(VerifiedToken<'a>, usize), Error> {
    // Issuers taken from the key sources need every set bound to some.
    if sets.iter().any(|(_, issuers)| issuers.is_none()) {
        policy.check_complete()?;
    }
    let mut keys: heapless::Vec<&'a KeySet, MAX_KEY_SETS> = heapless::Vec::new();
    for (set, _) in sets {
        keys.push(set).map_err(|_| Error::new(Reason::PolicyInvalid, "more key sources than a verifier may hold"))?;
    }
    let (jws, index) = jws::verify_in(token, &keys, policy.jws_rules(), scratch)?;
    policy.check_token_type(jws.header().typ())?;
    let mut found = rules::Found::default();
    let claims = rules::read_claims(jws.payload(), policy, &mut found).map_err(payload_error)?;
    let source_issuers = sets.get(index).and_then(|(_, issuers)| *issuers);
    rules::check(&found, jws.key().issuer(), source_issuers, policy, now)?;
    Ok((VerifiedToken { jws, claims }, index))
}

/// Most key sets one verification searches (a verifier's sources).
pub const MAX_KEY_SETS: usize = 16;

fn payload_error(e: JsonError) -> Error {
    let detail = match e {
        JsonError::DuplicateMember => "token payload has a duplicate claim",
        JsonError::NotAnObject => "token payload is not a JSON object",
        JsonError::TooDeep => "token payload nests too deeply",
        JsonError::Encoding => "token payload is not valid UTF-8",
        _ => "token payload is not valid JSON",
    };
    Error::new(Reason::TokenMalformed, detail)
}

#[cfg(feature = "alloc")]
mod owned {
    use super::*;
    use crate::json::Object;
    use alloc::vec;
    use alloc::vec::Vec;

    /// A verified token that owns its decoded header and payload (needs `alloc`).
    /// Produced only by [`verify_owned`], so its bytes are always the validated ones.
    #[derive(Clone, Debug)]
    pub struct OwnedToken {
        bytes: Vec<u8>,
        header_len: usize,
        alg: crate::Algorithm,
    }

    impl OwnedToken {
        /// The protected header.
        pub fn header(&self) -> Header<'_> {
            Header::from_validated(self.bytes.get(..self.header_len).unwrap_or(&[]), self.alg)
        }
        /// The claims.
        pub fn claims(&self) -> Claims<'_> {
            Claims::new(Object::from_validated(self.payload()))
        }
        /// The decoded payload (the claims' JSON text).
        pub fn payload(&self) -> &[u8] {
            self.bytes.get(self.header_len..).unwrap_or(&[])
        }
    }

    impl OwnedToken {
        /// An owned copy of a verified token's header and payload.
        pub fn from_verified(verified: &VerifiedToken<'_>) -> OwnedToken {
            let header = verified.header().object().raw();
            let mut bytes = Vec::with_capacity(header.len() + verified.payload().len());
            bytes.extend_from_slice(header);
            bytes.extend_from_slice(verified.payload());
            OwnedToken { bytes, header_len: header.len(), alg: verified.header().alg() }
        }
    }

    /// Like [`verify`], allocating the scratch space and returning an owned token.
    pub fn verify_owned(token: &[u8], keys: &KeySet, policy: &Policy, now: u64) -> Result<OwnedToken, Error> {
        let mut scratch = vec![0u8; jws::scratch_len(token.len().min(policy.max_token_len()))];
        let verified = verify(token, keys, policy, now, &mut scratch)?;
        Ok(OwnedToken::from_verified(&verified))
    }
}

#[cfg(feature = "alloc")]
pub use owned::{verify_owned, OwnedToken};

/// Entry points for the fuzz targets and benchmarks. Never enable the `fuzzing`
/// feature in production: these skip the signature.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    use super::*;

    /// Parses `payload` and applies `policy`'s claim rules at `now`, as if a key without
    /// an `issuer` member had verified it.
    pub fn check_claims(payload: &[u8], policy: &Policy, now: u64) -> Result<(), Error> {
        let mut found = rules::Found::default();
        rules::read_claims(payload, policy, &mut found).map_err(payload_error)?;
        rules::check::<&str>(&found, None, None, policy, now)
    }

    /// See `json::visited_members_agree`: whether the members the header and claim
    /// readers see during validation compare equal to their own text (`None` for a
    /// document that does not validate).
    pub fn visited_members_agree(doc: &[u8]) -> Option<bool> {
        crate::json::visited_members_agree(doc)
    }

    /// Everything [`verify`](super::verify) does except hashing and the signature:
    /// size, segments, base64, header, algorithm list, payload JSON, claim rules (as
    /// if a key without an `issuer` member had verified it). What a benchmark of
    /// "parse and claims alone" measures.
    pub fn parse_and_check_unverified(
        token: &[u8],
        policy: &Policy,
        now: u64,
        scratch: &mut [u8],
    ) -> Result<(), Error> {
        let payload = jws::parse_unverified(token, policy.jws_rules(), scratch)?;
        check_claims(payload, policy, now)
    }
}
