//! The `backends` target: one input through both signature backends,
//! [`Backend::Portable`] (RustCrypto) and [`Backend::AwsLc`] (AWS-LC). The backend may
//! change speed, never a decision, so any difference in outcome is a finding.
//!
//! - [`token`]: bytes as a token against the `verify` target's RS256 + ES256 key set
//!   (loaded once per backend) under the strict policy, at every [`NOWS`] value: the
//!   same header, claims and key, or the same error (reason, detail, claim).
//! - [`key_set`]: bytes as a JWK set or JWK: the same usable keys and rejected keys
//!   (with reason and detail), or the same error.
//!
//! The libFuzzer target runs [`token`] on the `verify` corpus; `tests/replay.rs` replays
//! the `verify`, `jws` and `structured` corpora through [`token`] and `jwks` through
//! [`key_set`].

use jwtguard_core::{verify, Algorithm, Backend, Error, KeyKind, KeyOptions, KeySet, DEFAULT_MAX_TOKEN_LEN};

use crate::{keys, NOWS};

/// The backends compared, portable first.
const BACKENDS: [Backend; 2] = [Backend::Portable, Backend::AwsLc];

/// One backend's verdict on a token at one `now`.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Accepted: the header and claims bytes, and the `kid` of the key that verified.
    Valid {
        header: Vec<u8>,
        claims: Vec<u8>,
        kid: Option<String>,
    },
    Rejected(Error),
}

fn verdict(data: &[u8], backend: Backend, now: u64, scratch: &mut [u8]) -> Verdict {
    let keys = keys::rs256_and_es256_on(backend);
    match verify(data, keys, keys::strict_policy(), now, scratch) {
        Ok(token) => Verdict::Valid {
            header: token.header().object().raw().to_vec(),
            claims: token.claims().raw().to_vec(),
            kid: token.key().kid().map(str::to_owned),
        },
        Err(e) => Verdict::Rejected(e),
    }
}

/// Verifies `data` as a token on both backends at every [`NOWS`] value and panics when
/// they differ; returns at how many of those times the token was accepted.
pub fn compare_token(data: &[u8]) -> usize {
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let mut accepted = 0;
    for now in NOWS {
        let [portable, aws_lc] = BACKENDS.map(|backend| verdict(data, backend, now, &mut scratch));
        assert_eq!(portable, aws_lc, "the backends disagree on a token at now={now} (left: portable, right: aws-lc)");
        accepted += usize::from(matches!(portable, Verdict::Valid { .. }));
    }
    accepted
}

/// `backends` target body: [`compare_token`].
pub fn token(data: &[u8]) {
    compare_token(data);
}

/// Everything the API shows about one usable key: `kid`, `x5t`, `alg`, `issuer`, kind.
type KeySummary = (Option<String>, Option<String>, Option<Algorithm>, Option<String>, KeyKind);

/// What loading a key set gave: its usable and rejected keys, or the error.
type Loaded = Result<(Vec<KeySummary>, Vec<(Option<String>, Error)>), Error>;

fn load(data: &[u8], backend: Backend) -> Loaded {
    let set = KeySet::from_json_with(data, &KeyOptions { backend, ..KeyOptions::default() })?;
    let owned = |s: Option<&str>| s.map(str::to_owned);
    let keys = set.keys().iter().map(|k| (owned(k.kid()), owned(k.x5t()), k.algorithm(), owned(k.issuer()), k.kind()));
    let rejected = set.rejected().iter().map(|r| (owned(r.kid()), r.error()));
    Ok((keys.collect(), rejected.collect()))
}

/// Loads `data` as a JWK set or JWK on both backends and panics when the outcomes
/// differ; returns whether it loaded.
pub fn compare_key_set(data: &[u8]) -> bool {
    let [portable, aws_lc] = BACKENDS.map(|backend| load(data, backend));
    assert_eq!(portable, aws_lc, "the backends disagree on a key set (left: portable, right: aws-lc)");
    portable.is_ok()
}

/// Key-set body: [`compare_key_set`].
pub fn key_set(data: &[u8]) {
    compare_key_set(data);
}
