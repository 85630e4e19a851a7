//! `sources`: arbitrary sequences of fetch answers, failures, clock moves and tokens
//! against a `Verifier` with an OpenID source, a JWK set source and a fixed set.
//!
//! Invariants checked after every step: no panic; one fetch at a time per source (a
//! claimed fetch is never claimed again before it is answered or times out); a fetch
//! names an `https` URL or a loopback `http` one without spaces or control bytes; the
//! keys a source holds only change when a fetch is answered; every verification error
//! is a token or key reason; a verified token's `iss` is one its source may sign for.
//! Shared records of arbitrary bytes (another process's, or corrupted) load and save
//! without a panic, and stored documents that do not load change no keys.

use arbitrary::{Arbitrary, Unstructured};
use jwtguard_core::key_source::{check_url, SourceOptions, SHARED_STATE_LEN};
use jwtguard_core::{Policy, Trust, Verifier};

use crate::keys;

/// One step of a run.
#[derive(Arbitrary, Debug)]
enum Step<'a> {
    /// Claim the next fetch, if one is due.
    Start,
    /// Answer source `source % 3` with these bytes.
    Offer { source: u8, body: &'a [u8] },
    /// Answer source `source % 3` with a failure.
    Fail { source: u8 },
    /// A token naming an unknown kid, a good token, or arbitrary bytes.
    Verify { token: &'a [u8] },
    /// Move the clock (forward up to a day, or back up to an hour).
    Tick { forward: bool, seconds: u16 },
    /// Offer the fixture key set, or a configuration naming it.
    OfferGood { source: u8, configuration: bool },
    /// Load arbitrary bytes as source `source % 3`'s shared record (as another
    /// process or a corrupted zone left them), adopt arbitrary documents when told to,
    /// and save the record.
    Shared { source: u8, record: [u8; SHARED_STATE_LEN], configuration: &'a [u8], keys: &'a [u8] },
}

const FIXED_ISSUER: &str = "https://fixed.example/";

fn verifier() -> Verifier {
    let options = SourceOptions { allow_http_loopback: true, ..SourceOptions::default() };
    Verifier::builder(Policy::builder().audience(keys::AUDIENCE).any_issuer().build().expect("policy"))
        .openid_config("http://127.0.0.1:1/.well-known/openid-configuration", Trust::Discovered, options)
        .jwks_url("https://keys.example/jwks", Trust::Issuers(vec![keys::ISSUER.into()]), options)
        .fixed_keys(keys::rs256_and_es256().clone(), Trust::Issuers(vec![FIXED_ISSUER.into()]))
        .cache(16, 300)
        .build()
        .expect("verifier")
}

pub fn sources(data: &[u8]) {
    let verifier = verifier();
    let mut unstructured = Unstructured::new(data);
    let mut now: u64 = 1_700_000_000;
    // When each source's fetch was claimed and not yet answered.
    let mut claimed: [Option<u64>; 3] = [None; 3];
    for _ in 0..64 {
        let Ok(step) = Step::arbitrary(&mut unstructured) else { break };
        match step {
            Step::Start => claim(&verifier, now, &mut claimed),
            Step::Offer { source, body } => {
                let source = usize::from(source % 3);
                let before = verifier.source_keys(source);
                let taken = verifier.offer(source, body, now);
                if taken.is_err() {
                    let after = verifier.source_keys(source);
                    assert_eq!(before.map(|k| k.len()), after.map(|k| k.len()), "a bad document dropped keys");
                }
                claimed[source] = None;
            }
            Step::Fail { source } => {
                let source = usize::from(source % 3);
                let before = verifier.source_keys(source).map(|k| k.len());
                verifier.fetch_failed(source, now);
                assert_eq!(before, verifier.source_keys(source).map(|k| k.len()));
                claimed[source] = None;
            }
            Step::Verify { token } => check_verdict(&verifier, token, now),
            Step::Tick { forward, seconds } => {
                now = if forward {
                    now.saturating_add(u64::from(seconds) * 2)
                } else {
                    now.saturating_sub(u64::from(seconds) / 16)
                };
            }
            Step::OfferGood { source, configuration } => {
                let source = usize::from(source % 2);
                let body: Vec<u8> = if configuration {
                    format!(r#"{{"issuer":"{}","jwks_uri":"http://127.0.0.1:1/keys"}}"#, keys::ISSUER).into_bytes()
                } else {
                    keys::fixture_jwks().to_vec()
                };
                let _ = verifier.offer(source, &body, now);
                claimed[source] = None;
            }
            Step::Shared { source, mut record, configuration, keys } => {
                let source = usize::from(source % 3);
                let before = verifier.source_keys(source).map(|k| k.len());
                if verifier.load_shared(source, &record) == Ok(true) {
                    let adopted = verifier.adopt(source, Some(configuration), Some(keys));
                    if adopted.is_err() {
                        assert_eq!(before, verifier.source_keys(source).map(|k| k.len()), "a bad document");
                    }
                }
                let stamp = verifier.save_shared(source, &mut record).expect("a source index");
                assert_eq!(stamp == 0, source == 2, "only the fixed source saves no record");
                // The record decides what is under way now.
                claimed[source] = None;
            }
        }
    }
}

/// Claims the next fetch, checking single flight and the URL rule.
fn claim(verifier: &Verifier, now: u64, claimed: &mut [Option<u64>; 3]) {
    let Some(fetch) = verifier.start_fetch(now) else { return };
    assert!(check_url(&fetch.url, true).is_ok(), "fetch of {:?}", fetch.url);
    assert!(fetch.source < 2, "the fixed source never fetches");
    if let Some(at) = claimed[fetch.source] {
        assert!(now < at || now - at >= 30, "source {} claimed twice within the fetch timeout", fetch.source);
    }
    claimed[fetch.source] = Some(now);
}

fn check_verdict(verifier: &Verifier, token: &[u8], now: u64) {
    match verifier.verify(token, now) {
        Ok(verdict) => {
            let source = verdict.token.source();
            let iss = verdict.token.claims().issuer().map(|s| s.chars().collect::<String>());
            let allowed = match verifier.source_trust(source) {
                Some(Trust::Issuers(list)) => iss.as_ref().is_some_and(|i| list.contains(i)),
                Some(Trust::Discovered) => iss.is_some() && iss == verifier.source_issuer(source),
                Some(Trust::PolicyIssuers) => true,
                None => false,
            };
            assert!(allowed, "source {source} verified a token of issuer {iss:?}");
        }
        Err(e) => assert!(crate::is_token_or_key_reason(e.reason()), "{e}"),
    }
}
