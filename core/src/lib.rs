//! # jwtguard-core
//!
//! Verifies compact JWS/JWT access tokens (RS256, RS384, RS512, PS256, PS384, PS512,
//! ES256, ES384, ES512, EdDSA and its RFC 9864 name Ed25519, and — with symmetric keys
//! explicitly allowed — HS256, HS384, HS512) against caller-supplied JWKs and applies
//! Azure API Management `validate-jwt` claim rules. The default policy allows RS256 and ES256; the others
//! are opt-in. `no_std`, no I/O, no clock: the caller passes the key material and `now`
//! (Unix seconds).
//!
//! ```no_run
//! use jwtguard_core::{KeySet, Policy, verify_owned};
//! # fn main() -> Result<(), jwtguard_core::Error> {
//! # let (jwks, token, now): (&[u8], &[u8], u64) = (b"", b"", 0);
//! let keys = KeySet::from_json(jwks)?;                 // parse and validate once
//! let policy = Policy::builder()
//!     .audience("api://my-backend")
//!     .issuer("https://login.microsoftonline.com/<tenant>/v2.0")
//!     .build()?;
//! let token = verify_owned(token, &keys, &policy, now)?; // verify many times
//! let subject = token.claims().string("sub");
//! # Ok(()) }
//! ```
//!
//! Security contract, in short:
//! - the algorithm comes from the key and the policy, never from the token alone: a key
//!   verifies only the algorithms of its type (and of its own `alg` member), an RSA or
//!   EC key never an HMAC, and symmetric keys load only when the caller opts in;
//! - every input is size-bounded before work starts, JSON is parsed strictly
//!   (duplicates rejected after unescaping, depth bounded), and no input panics;
//! - checks run in a fixed order (format, key, signature, claims), so a forged token
//!   never reports a claim failure;
//! - every failure is one [`Reason`] with a stable name and code.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(not(any(
    feature = "rs",
    feature = "es256",
    feature = "es384",
    feature = "es512",
    feature = "eddsa",
    feature = "hmac"
)))]
compile_error!("jwtguard-core verifies nothing without an algorithm family: enable at least one of the features rs, es256, es384, es512, eddsa, hmac");

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod alg;
mod b64;
mod backend;
#[cfg(feature = "std")]
mod cache;
mod claims;
mod error;
#[cfg(feature = "alloc")]
pub mod export;
pub mod json;
#[cfg(feature = "jwe")]
pub mod jwe;
mod jwk;
pub mod jws;
pub mod key_file;
#[cfg(feature = "alloc")]
pub mod key_source;
mod keyset;
#[cfg(feature = "aws-lc")]
mod native;
mod numeric_date;
mod policy;
mod portable;
#[cfg(feature = "rs")]
mod roca;
mod rules;
#[cfg(feature = "alloc")]
pub mod shared_state;
mod signed;
mod text;
mod token;
#[cfg(feature = "std")]
mod verifier;

pub use alg::{Algorithm, AlgorithmSet};
pub use backend::Backend;
pub use backend::KeyKind;
#[cfg(feature = "std")]
pub use cache::{TokenCache, DEFAULT_CACHE_CAPACITY, DEFAULT_CACHE_TTL};
pub use claims::Claims;
pub use error::{ClaimName, Error, Reason};
pub use jwk::{Key, KeyOptions};
pub use keyset::{KeySet, RejectedKey, MAX_KEYS, MAX_REJECTED_KEYS};
pub use policy::{Match, Policy, PolicyBuilder, RequiredClaim, MAX_SEPARATOR_LEN};
pub use rules::TENANT_TEMPLATE;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use token::fuzzing;
pub use token::{verify, verify_in, VerifiedToken, MAX_KEY_SETS};
#[cfg(feature = "alloc")]
pub use token::{verify_owned, OwnedToken};
#[cfg(feature = "std")]
pub use verifier::{Fetch, Trust, Verdict, Verified, Verifier, VerifierBuilder, NO_KEYS_YET, SIGNS_FOR_ANY_ISSUER};

/// Default upper bound on a token's length in bytes, checked before any other work.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 16 * 1024;

/// Upper bound on a key set document's length in bytes, checked before parsing.
pub const DEFAULT_MAX_KEY_SET_LEN: usize = 256 * 1024;
