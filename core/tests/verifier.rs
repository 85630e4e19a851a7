//! The verifier: key sources bound to their issuers, key selection across sources,
//! bounded key trials, the fetch schedule, and the cache's time window.
//!
//! Tokens are ES256, signed here with RustCrypto's `p256` signer (RFC 6979), keys from
//! fixed scalars; the published vectors and PyJWT fixtures elsewhere cover the
//! signature algorithms themselves.
#![cfg(feature = "std")]

mod support;

use jwtguard_core::jws::{KID_NOT_FOUND, MAX_KEY_TRIALS};
use jwtguard_core::key_source::{FetchWhat, Offered, Refresh, SourceOptions};
use jwtguard_core::{KeySet, Policy, Reason, Trust, Verifier, NO_KEYS_YET};
use support::provider::{Provider, ISSUER_A, ISSUER_B, NOW};

fn policy() -> Policy {
    Policy::builder().audience("api").issuers([ISSUER_A, ISSUER_B]).build().expect("policy")
}

fn reason(verifier: &Verifier, token: &str, now: u64) -> Result<usize, Reason> {
    verifier.verify(token.as_bytes(), now).map(|v| v.token.source()).map_err(|e| e.reason())
}

/// Provider B's key never verifies a token claiming provider A's issuer, although
/// the policy allows both issuers (finding: key sets pooled under one issuer list).
#[test]
fn one_providers_keys_never_verify_anothers_tokens() {
    let (a, b) = (Provider::new(1), Provider::new(2));
    let verifier = Verifier::builder(policy())
        .fixed_keys(a.keys(Some("a1")), Trust::Issuers(vec![ISSUER_A.into()]))
        .fixed_keys(b.keys(Some("b1")), Trust::Issuers(vec![ISSUER_B.into()]))
        .build()
        .expect("verifier");
    assert_eq!(reason(&verifier, &a.token_for(Some("a1"), ISSUER_A), NOW), Ok(0));
    assert_eq!(reason(&verifier, &b.token_for(Some("b1"), ISSUER_B), NOW), Ok(1));
    let forged = b.token_for(Some("b1"), ISSUER_A);
    let error = verifier.verify(forged.as_bytes(), NOW).expect_err("B cannot sign for A");
    assert_eq!(error.reason(), Reason::TokenIssuerNotAllowed);
    assert!(error.detail().contains("provider"), "{}", error.detail());
    // Trusting the policy's issuers is the explicit opt-out, and it does pool.
    let pooled = Verifier::builder(policy())
        .fixed_keys(a.keys(Some("a1")), Trust::PolicyIssuers)
        .fixed_keys(b.keys(Some("b1")), Trust::PolicyIssuers)
        .build()
        .expect("verifier");
    assert_eq!(reason(&pooled, &forged, NOW), Ok(1));
}

/// After a `kid` miss, the fallback reaches keys of every source, not only the first
/// (finding: an APIM policy with inline keys plus an OpenID configuration).
#[test]
fn the_kid_miss_fallback_searches_every_source() {
    let (discovered, inline) = (Provider::new(3), Provider::new(4));
    let policy = Policy::builder().audience("api").issuer(ISSUER_A).kid_miss_fallback(true).build().expect("policy");
    let verifier = Verifier::builder(policy)
        .fixed_keys(discovered.keys(Some("d1")), Trust::PolicyIssuers)
        .fixed_keys(inline.keys(None), Trust::PolicyIssuers)
        .build()
        .expect("verifier");
    assert_eq!(reason(&verifier, &inline.token_for(Some("unknown"), ISSUER_A), NOW), Ok(1));
    assert_eq!(reason(&verifier, &inline.token_for(None, ISSUER_A), NOW), Ok(1));
    let forged = Provider::new(5).token_for(Some("unknown"), ISSUER_A);
    assert_eq!(reason(&verifier, &forged, NOW), Err(Reason::TokenSignatureInvalid));
}

/// A token that names no key is tried against at most MAX_KEY_TRIALS keys, so a
/// forged token costs a bounded number of signature checks.
#[test]
fn a_token_without_kid_is_tried_against_a_bounded_number_of_keys() {
    let providers: Vec<Provider> = (10..18).map(Provider::new).collect();
    let jwks = format!(
        r#"{{"keys":[{}]}}"#,
        providers.iter().enumerate().map(|(i, p)| p.jwk(Some(&format!("k{i}")))).collect::<Vec<_>>().join(",")
    );
    let verifier = Verifier::builder(policy())
        .fixed_keys(KeySet::from_json(jwks.as_bytes()).expect("keys"), Trust::PolicyIssuers)
        .build()
        .expect("verifier");
    // Within the bound, a kid-less token still verifies.
    assert_eq!(reason(&verifier, &providers[MAX_KEY_TRIALS - 1].token_for(None, ISSUER_A), NOW), Ok(0));
    let beyond = verifier.verify(providers[MAX_KEY_TRIALS].token_for(None, ISSUER_A).as_bytes(), NOW);
    let error = beyond.expect_err("the fifth key is never tried");
    assert_eq!(error.reason(), Reason::TokenSignatureInvalid);
    assert!(error.detail().contains(&format!("the {MAX_KEY_TRIALS} keys tried")), "{}", error.detail());
    // Named by its kid, the same key verifies.
    assert_eq!(reason(&verifier, &providers[MAX_KEY_TRIALS].token_for(Some("k4"), ISSUER_A), NOW), Ok(0));
}

/// Another policy over the same sources keeps each source's issuer binding, and
/// touches neither the cache nor the fetch schedule.
#[test]
fn another_policy_keeps_the_sources_and_their_bindings() {
    let (a, b) = (Provider::new(22), Provider::new(23));
    let verifier = Verifier::builder(policy())
        .jwks_url("https://a.example/keys", Trust::Issuers(vec![ISSUER_A.into()]), SourceOptions::default())
        .fixed_keys(b.keys(Some("b1")), Trust::Issuers(vec![ISSUER_B.into()]))
        .cache(8, 300)
        .build()
        .expect("verifier");
    verifier.start_fetch(NOW).expect("fetch");
    verifier.offer(0, a.jwks(Some("a1")).as_bytes(), NOW).expect("keys");
    let any_audience = Policy::builder().any_audience().any_issuer().build().expect("policy");
    let other_audience = b.token(Some("b1"), &format!(r#""iss":"{ISSUER_B}","aud":"other","exp":{}"#, NOW + 60));
    let verified = verifier.verify_with_policy(other_audience.as_bytes(), NOW, &any_audience).expect("verifies");
    assert_eq!(verified.source(), 1);
    assert_eq!(reason(&verifier, &other_audience, NOW), Err(Reason::TokenAudienceNotAllowed));
    // The policy waives the issuer check; B's binding still refuses A's issuer.
    let forged = b.token_for(Some("b1"), ISSUER_A);
    let error = verifier.verify_with_policy(forged.as_bytes(), NOW, &any_audience).expect_err("B cannot sign for A");
    assert_eq!(error.reason(), Reason::TokenIssuerNotAllowed);
    assert!(error.detail().contains("provider"), "{}", error.detail());
    // Nothing cached, and an unknown kid schedules no refetch.
    verifier.verify_with_policy(a.token_for(Some("a1"), ISSUER_A).as_bytes(), NOW, &any_audience).expect("verifies");
    assert_eq!(verifier.cache_len(), 0);
    let unknown = a.token_for(Some("unknown"), ISSUER_A);
    assert_eq!(
        verifier.verify_with_policy(unknown.as_bytes(), NOW + 1, &any_audience).expect_err("miss"),
        KID_NOT_FOUND
    );
    assert!(!verifier.wants_fetch(NOW + 1));
    assert_eq!(verifier.verify(unknown.as_bytes(), NOW + 1).expect_err("miss"), KID_NOT_FOUND);
    assert!(verifier.wants_fetch(NOW + 1), "verify does schedule it");
}

#[test]
fn require_kid_refuses_a_token_naming_no_key_when_several_could_verify_it() {
    let (a, b) = (Provider::new(20), Provider::new(21));
    let strict = Policy::builder().audience("api").issuer(ISSUER_A).require_kid(true).build().expect("policy");
    let two = Verifier::builder(strict.clone())
        .fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers)
        .fixed_keys(b.keys(Some("b")), Trust::PolicyIssuers)
        .build()
        .expect("verifier");
    assert_eq!(reason(&two, &a.token_for(None, ISSUER_A), NOW), Err(Reason::TokenSignatureKeyNotFound));
    assert_eq!(reason(&two, &a.token_for(Some("a"), ISSUER_A), NOW), Ok(0));
    let one = Verifier::builder(strict).fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers).build().expect("verifier");
    assert_eq!(reason(&one, &a.token_for(None, ISSUER_A), NOW), Ok(0), "one key: nothing to choose");
}

/// The cache never answers for a `now` before the token verified: after the clock
/// steps back, a token that is not valid yet is checked again (finding: C and nginx
/// cache).
#[test]
fn the_cache_misses_when_the_clock_steps_back() {
    let a = Provider::new(30);
    let verifier = Verifier::builder(policy())
        .fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers)
        .cache(16, 300)
        .build()
        .expect("verifier");
    let token = a.token(Some("a"), &format!(r#""iss":"{ISSUER_A}","aud":"api","exp":{},"nbf":{NOW}"#, NOW + 600));
    assert!(verifier.cached(token.as_bytes(), NOW).is_none());
    assert!(!verifier.verify(token.as_bytes(), NOW).expect("valid").cached);
    assert!(verifier.cached(token.as_bytes(), NOW + 1).is_some_and(|hit| hit.cached));
    assert!(verifier.verify(token.as_bytes(), NOW + 1).expect("valid").cached);
    assert!(verifier.cached(token.as_bytes(), NOW - 60).is_none());
    assert_eq!(reason(&verifier, &token, NOW - 60), Err(Reason::TokenNotYetValid));
    assert!(!verifier.verify(token.as_bytes(), NOW).expect("valid").cached, "the early look dropped the entry");
    assert!(verifier.cached(token.as_bytes(), NOW + 600).is_none(), "never at exp");
    // Hits: a `cached` and a `verify`; misses: every `verify` the cache did not answer.
    assert_eq!(verifier.cache_counts(), (2, 3));
    verifier.cache_clear();
    assert_eq!((verifier.cache_counts(), verifier.cache_capacity(), verifier.cache_len()), ((2, 3), 16, 0));
}

/// A cache of no size is none: it counts nothing. One with room and no time to live is
/// refused, the same in every binding (C once read 0 as "the default", Python as "off").
#[test]
fn a_cache_of_no_size_is_none_and_one_of_no_time_is_refused() {
    let a = Provider::new(33);
    let token = a.token_for(Some("a"), ISSUER_A);
    let builder = Verifier::builder(policy()).fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers);
    let err = builder.cache(16, 0).build().expect_err("refused");
    assert_eq!(err.reason(), Reason::PolicyInvalid);
    assert!(err.to_string().contains("time to live of at least 1 second"), "{err}");
    // a later call replaces an earlier one
    let builder = Verifier::builder(policy()).fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers);
    assert!(builder.cache(16, 0).cache(16, 1).build().is_ok());
    for (capacity, ttl) in [(0, 300), (0, 0)] {
        let builder = Verifier::builder(policy()).fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers);
        let verifier = builder.cache(capacity, ttl).build().expect("verifier");
        for _ in 0..2 {
            assert!(!verifier.verify(token.as_bytes(), NOW).expect("valid").cached);
        }
        assert_eq!((verifier.cache_counts(), verifier.cache_capacity()), ((0, 0), 0));
    }
}

#[test]
fn the_cache_is_emptied_when_keys_change() {
    let (a, b) = (Provider::new(31), Provider::new(32));
    let verifier = Verifier::builder(policy())
        .fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers)
        .cache(16, 300)
        .build()
        .expect("verifier");
    let token = a.token_for(Some("a"), ISSUER_A);
    verifier.verify(token.as_bytes(), NOW).expect("valid");
    assert_eq!(verifier.cache_len(), 1);
    verifier.set_keys(0, b.keys(Some("b"))).expect("fixed source");
    assert!(verifier.cached(token.as_bytes(), NOW + 1).is_none(), "no answer from before the change");
    assert_eq!(reason(&verifier, &token, NOW + 1), Err(Reason::TokenSignatureKeyNotFound), "a removed key is gone");
    let offered = verifier.offer(0, a.jwks(Some("a")).as_bytes(), NOW + 2).map_err(|e| e.reason());
    assert_eq!(offered, Err(Reason::PolicyInvalid), "a fixed source takes no fetched documents");
    assert_eq!(reason(&verifier, &token, NOW + 3), Err(Reason::TokenSignatureKeyNotFound));
}

fn jwks_verifier(refresh: Refresh) -> Verifier {
    let options = SourceOptions { refresh, ..SourceOptions::default() };
    Verifier::builder(policy())
        .jwks_url("https://a.example/keys", Trust::Issuers(vec![ISSUER_A.into()]), options)
        .build()
        .expect("verifier")
}

/// Cold start: exactly one fetch however many requests come; no keys until it lands.
#[test]
fn a_cold_source_starts_exactly_one_fetch() {
    let a = Provider::new(40);
    let verifier = jwks_verifier(Refresh::DEFAULT);
    let token = a.token_for(Some("a"), ISSUER_A);
    assert_eq!(verifier.verify(token.as_bytes(), NOW).expect_err("no keys yet"), NO_KEYS_YET);
    assert_ne!(NO_KEYS_YET, KID_NOT_FOUND, "told apart from a kid miss");
    assert!(verifier.wants_fetch(NOW));
    let fetch = verifier.start_fetch(NOW).expect("one fetch");
    assert_eq!((fetch.source, fetch.what, fetch.url.as_str()), (0, FetchWhat::Jwks, "https://a.example/keys"));
    for _ in 0..30 {
        assert_eq!(verifier.start_fetch(NOW + 1), None, "single flight");
    }
    let offered = verifier.offer(0, a.jwks(Some("a")).as_bytes(), NOW + 1).expect("keys load");
    assert_eq!(offered, Offered::Keys { count: 1 });
    assert_eq!(reason(&verifier, &token, NOW + 1), Ok(0));
    assert!(!verifier.wants_fetch(NOW + 3599));
    assert!(verifier.wants_fetch(NOW + 3601), "hourly refresh");
}

/// Failures keep the last good keys and back off; an unanswered fetch times out.
#[test]
fn failures_keep_the_keys_and_back_off() {
    let a = Provider::new(41);
    let verifier = jwks_verifier(Refresh::DEFAULT);
    verifier.start_fetch(NOW).expect("fetch");
    verifier.offer(0, a.jwks(Some("a")).as_bytes(), NOW).expect("keys");
    let token = a.token(Some("a"), &format!(r#""iss":"{ISSUER_A}","aud":"api","exp":{}"#, NOW + 86_400));
    let t = NOW + 3600;
    verifier.start_fetch(t).expect("refresh");
    assert!(verifier.offer(0, b"<html>502</html>", t).is_err(), "not a key set");
    assert_eq!(reason(&verifier, &token, t), Ok(0), "last good keys kept");
    assert!(!verifier.wants_fetch(t + 9) && verifier.wants_fetch(t + 10), "first retry after 10 s");
    verifier.start_fetch(t + 10).expect("retry");
    verifier.fetch_failed(0, t + 10);
    assert!(!verifier.wants_fetch(t + 29) && verifier.wants_fetch(t + 30), "then 20 s");
    verifier.start_fetch(t + 30).expect("retry");
    assert!(!verifier.wants_fetch(t + 59), "in flight");
    // Never answered: after the fetch timeout it counts as failed (then 40 s).
    assert!(verifier.start_fetch(t + 60).is_none());
    assert!(verifier.wants_fetch(t + 100));
    let mut retries = 0;
    let mut now = t + 100;
    while let Some(fetch) = verifier.start_fetch(now) {
        verifier.fetch_failed(fetch.source, now);
        retries += 1;
        now += 300;
        if retries > 10 {
            break;
        }
    }
    assert!(retries > 10, "back-off is capped at retry_max (300 s)");
    assert_eq!(reason(&verifier, &token, now), Ok(0));
}

/// A clock that steps back while a fetch is under way neither ends the fetch nor lets a
/// second one start: the timeout counts from the new time (found by the `sources` fuzz
/// target).
#[test]
fn a_clock_stepped_back_keeps_a_fetch_in_flight() {
    let verifier = jwks_verifier(Refresh::DEFAULT);
    verifier.start_fetch(NOW).expect("cold start");
    assert!(verifier.start_fetch(NOW - 200).is_none(), "stepped back: still in flight");
    assert!(verifier.start_fetch(NOW - 200 + 29).is_none(), "within the timeout from the step");
    assert!(verifier.start_fetch(NOW - 200 + 30).is_none(), "timed out: counts as failed, retried after 10 s");
    assert!(verifier.start_fetch(NOW - 200 + 39).is_none());
    assert!(verifier.start_fetch(NOW - 200 + 40).is_some(), "then exactly one retry");
}

/// An unknown kid asks for a refetch at once, at most once per five minutes.
#[test]
fn an_unknown_kid_refetches_at_most_once_per_interval() {
    let (old, new) = (Provider::new(42), Provider::new(43));
    let verifier = jwks_verifier(Refresh::DEFAULT);
    verifier.start_fetch(NOW).expect("fetch");
    verifier.offer(0, old.jwks(Some("old")).as_bytes(), NOW).expect("keys");
    let rotated = new.token_for(Some("new"), ISSUER_A);
    let error = verifier.verify(rotated.as_bytes(), NOW + 10).expect_err("unknown kid");
    assert_eq!(error, KID_NOT_FOUND);
    let fetch = verifier.start_fetch(NOW + 10).expect("refetch for the unknown kid");
    verifier.offer(fetch.source, new.jwks(Some("new")).as_bytes(), NOW + 11).expect("rotated keys");
    assert_eq!(reason(&verifier, &rotated, NOW + 11), Ok(0));
    let other = Provider::new(44).token_for(Some("other"), ISSUER_A);
    assert_eq!(reason(&verifier, &other, NOW + 20), Err(Reason::TokenSignatureKeyNotFound));
    assert!(verifier.start_fetch(NOW + 20).is_none(), "within 5 minutes of the last kid refetch");
    assert_eq!(reason(&verifier, &other, NOW + 310), Err(Reason::TokenSignatureKeyNotFound));
    assert!(verifier.start_fetch(NOW + 310).is_some(), "after 5 minutes");
}

/// An unknown kid makes an OpenID source fetch its configuration and then, at once,
/// its keys (a rotation reaches the new key without waiting for the hourly refresh).
#[test]
fn an_unknown_kid_refetches_an_openid_sources_configuration_and_keys() {
    let (old, new) = (Provider::new(45), Provider::new(46));
    let options = SourceOptions { allow_http_loopback: true, ..SourceOptions::default() };
    let verifier = Verifier::builder(policy())
        .openid_config("http://127.0.0.1:8080/a/.well-known/openid-configuration", Trust::Discovered, options)
        .build()
        .expect("verifier");
    let config = format!(r#"{{"issuer":"{ISSUER_A}","jwks_uri":"http://127.0.0.1:8080/a/keys"}}"#);
    for (now, keys) in [(NOW, old.jwks(Some("old"))), (NOW + 10, new.jwks(Some("new")))] {
        if now > NOW {
            let rotated = new.token_for(Some("new"), ISSUER_A);
            assert_eq!(verifier.verify(rotated.as_bytes(), now).expect_err("unknown kid"), KID_NOT_FOUND);
        }
        let fetch = verifier.start_fetch(now).expect("the configuration");
        assert_eq!(fetch.what, FetchWhat::OpenIdConfiguration);
        verifier.offer(0, config.as_bytes(), now).expect("configuration");
        let fetch = verifier.start_fetch(now).expect("then the keys, at once");
        assert_eq!(fetch.what, FetchWhat::Jwks);
        verifier.offer(0, keys.as_bytes(), now).expect("keys");
        assert!(verifier.start_fetch(now).is_none());
    }
    assert_eq!(reason(&verifier, &new.token_for(Some("new"), ISSUER_A), NOW + 10), Ok(0));
}

/// An OpenID source reads the configuration, then its keys; its keys verify only the
/// discovered issuer's tokens.
#[test]
fn an_openid_source_discovers_its_issuer_and_keys() {
    let (a, b) = (Provider::new(50), Provider::new(51));
    let any_issuer = Policy::builder().audience("api").any_issuer().build().expect("policy");
    let options = SourceOptions { allow_http_loopback: true, ..SourceOptions::default() };
    let verifier = Verifier::builder(any_issuer)
        .openid_config("http://127.0.0.1:8080/a/.well-known/openid-configuration", Trust::Discovered, options)
        .fixed_keys(b.keys(Some("b")), Trust::Issuers(vec![ISSUER_B.into()]))
        .build()
        .expect("verifier");
    // One OpenID source (a configuration and its keys) and one fixed set.
    assert_eq!(verifier.fetches_per_verification(), 2);
    let fetch = verifier.start_fetch(NOW).expect("configuration first");
    assert_eq!(fetch.what, FetchWhat::OpenIdConfiguration);
    let config = format!(r#"{{"issuer":"{ISSUER_A}","jwks_uri":"http://127.0.0.1:8080/a/keys"}}"#);
    let offered = verifier.offer(0, config.as_bytes(), NOW).expect("configuration");
    assert_eq!(
        offered,
        Offered::Configuration { issuer: ISSUER_A.into(), jwks_uri: "http://127.0.0.1:8080/a/keys".into() }
    );
    let fetch = verifier.start_fetch(NOW).expect("then the keys");
    assert_eq!((fetch.what, fetch.url.as_str()), (FetchWhat::Jwks, "http://127.0.0.1:8080/a/keys"));
    verifier.offer(0, a.jwks(Some("a")).as_bytes(), NOW).expect("keys");
    assert_eq!(verifier.source_issuer(0).as_deref(), Some(ISSUER_A));
    assert_eq!(reason(&verifier, &a.token_for(Some("a"), ISSUER_A), NOW), Ok(0));
    assert_eq!(reason(&verifier, &a.token_for(Some("a"), ISSUER_B), NOW), Err(Reason::TokenIssuerNotAllowed));
    assert_eq!(reason(&verifier, &b.token_for(Some("b"), ISSUER_A), NOW), Err(Reason::TokenIssuerNotAllowed));
    // A refresh starts from the configuration again.
    assert_eq!(verifier.start_fetch(NOW + 3600).map(|f| f.what), Some(FetchWhat::OpenIdConfiguration));
}

/// The discovered issuer is compared with the configured ones (the source's binding
/// and the policy's list, templates filled by any tenant), so a binding can warn when
/// the provider and the configuration disagree.
#[test]
fn a_discovered_issuer_is_compared_with_the_configured_ones() {
    const ENTRA: &str = "https://login.microsoftonline.com/{tenantid}/v2.0";
    const TENANT: &str = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0";
    let options = SourceOptions { allow_http_loopback: true, ..SourceOptions::default() };
    let url = "http://127.0.0.1:8080/.well-known/openid-configuration";
    let discovered = |policy: Policy, trust: Trust, issuer: &str| {
        let verifier = Verifier::builder(policy).openid_config(url, trust, options).build().expect("verifier");
        assert_eq!(verifier.discovered_issuer(0), None, "nothing discovered before the document");
        verifier.start_fetch(NOW).expect("configuration");
        let config = format!(r#"{{"issuer":"{issuer}","jwks_uri":"http://127.0.0.1:8080/keys"}}"#);
        verifier.offer(0, config.as_bytes(), NOW).expect("configuration");
        verifier.discovered_issuer(0).map(|(i, trusted)| (i == issuer, trusted))
    };
    let any = || Policy::builder().audience("api").any_issuer().build().unwrap();
    let listing = |issuers: &[&str]| {
        Policy::builder().audience("api").issuers(issuers.iter().copied()).any_tenant().build().unwrap()
    };
    assert_eq!(discovered(any(), Trust::Discovered, ISSUER_A), Some((true, true)));
    assert_eq!(discovered(policy(), Trust::Discovered, ISSUER_A), Some((true, true)));
    assert_eq!(discovered(listing(&[ISSUER_B]), Trust::Discovered, ISSUER_A), Some((true, false)));
    assert_eq!(discovered(any(), Trust::Issuers(vec![ISSUER_B.into()]), ISSUER_A), Some((true, false)));
    assert_eq!(discovered(policy(), Trust::Issuers(vec![ISSUER_A.into()]), ISSUER_A), Some((true, true)));
    // Templates: a tenant's issuer fits the multi-tenant template, and the template
    // itself (what Entra's "common" document names) fits too.
    assert_eq!(discovered(listing(&[ENTRA]), Trust::Discovered, TENANT), Some((true, true)));
    assert_eq!(discovered(listing(&[ENTRA]), Trust::Discovered, ENTRA), Some((true, true)));
    let other_host = "https://login.example.com/72f988bf/v2.0";
    assert_eq!(discovered(listing(&[ENTRA]), Trust::Discovered, other_host), Some((true, false)));
    let nested = "https://login.microsoftonline.com/a/b/v2.0";
    assert_eq!(discovered(listing(&[ENTRA]), Trust::Discovered, nested), Some((true, false)));
    // A source that is not OpenID has no discovered issuer.
    let fixed = Verifier::builder(policy())
        .fixed_keys(Provider::new(52).keys(Some("f")), Trust::PolicyIssuers)
        .build()
        .expect("verifier");
    assert_eq!(fixed.discovered_issuer(0), None);
}

/// A policy naming no issuer takes them from the sources: every source must be bound,
/// and only a source's own issuer passes; without sources the policy verifies nothing.
#[test]
fn issuers_from_the_sources_need_every_source_bound() {
    let (a, b) = (Provider::new(60), Provider::new(61));
    let policy = || Policy::builder().audience("api").issuers_from_sources().build().expect("policy");
    assert!(policy().issuers_from_sources() && policy().any_issuer());
    let unbound = Verifier::builder(policy()).fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers);
    let refused = unbound.problem().expect("an unbound source is refused when added");
    assert_eq!((refused.reason(), refused.detail()), (Reason::PolicyInvalid, jwtguard_core::SIGNS_FOR_ANY_ISSUER));
    let verifier = Verifier::builder(policy())
        .fixed_keys(a.keys(Some("a")), Trust::Issuers(vec![ISSUER_A.into()]))
        .fixed_keys(b.keys(Some("b")), Trust::Issuers(vec![ISSUER_B.into()]))
        .build()
        .expect("verifier");
    assert_eq!(reason(&verifier, &a.token_for(Some("a"), ISSUER_A), NOW), Ok(0));
    assert_eq!(reason(&verifier, &b.token_for(Some("b"), ISSUER_B), NOW), Ok(1));
    assert_eq!(reason(&verifier, &b.token_for(Some("b"), ISSUER_A), NOW), Err(Reason::TokenIssuerNotAllowed));
    // Without sources there is no binding to check the issuer with.
    let keys = a.keys(Some("a"));
    let token = a.token_for(Some("a"), ISSUER_A);
    let mut scratch = vec![0u8; 4096];
    let e = jwtguard_core::verify(token.as_bytes(), &keys, &policy(), NOW, &mut scratch).unwrap_err();
    assert_eq!(e.reason(), Reason::PolicyInvalid);
    assert_eq!(policy().check_complete().map_err(|e| e.reason()), Err(Reason::PolicyInvalid));
    // Issuers named as well still apply.
    let named = Policy::builder().audience("api").issuers_from_sources().issuer(ISSUER_A).build().unwrap();
    assert!(!named.any_issuer() && named.check_complete().is_ok());
    // Another policy for a verifier with an unbound source is refused the same way.
    let open = Verifier::builder(Policy::builder().audience("api").issuer(ISSUER_A).build().unwrap())
        .fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers)
        .build()
        .expect("verifier");
    let e = open.verify_with_policy(token.as_bytes(), NOW, &policy()).unwrap_err();
    assert_eq!((e.reason(), e.detail()), (Reason::PolicyInvalid, jwtguard_core::SIGNS_FOR_ANY_ISSUER));
    assert!(open.verify_with_policy(token.as_bytes(), NOW, open.policy()).is_ok());
}

#[test]
fn discovered_key_urls_must_be_https() {
    let verifier = Verifier::builder(policy())
        .openid_config(
            "https://a.example/.well-known/openid-configuration",
            Trust::Discovered,
            SourceOptions::default(),
        )
        .build()
        .expect("verifier");
    verifier.start_fetch(NOW).expect("configuration");
    let plain = format!(r#"{{"issuer":"{ISSUER_A}","jwks_uri":"http://a.example/keys"}}"#);
    assert_eq!(verifier.offer(0, plain.as_bytes(), NOW).map_err(|e| e.reason()), Err(Reason::KeySetMalformed));
    for (url, ok) in [
        ("https://a.example/keys", true),
        ("http://127.0.0.1:1/k", false),
        ("https://a.example/k\r\nX: y", false),
        ("https://user@a.example/k", false),
        ("ftp://a.example/k", false),
        ("a.example/k", false),
    ] {
        assert_eq!(jwtguard_core::key_source::check_url(url, false).is_ok(), ok, "{url}");
    }
    assert!(jwtguard_core::key_source::check_url("http://127.0.0.1:1/k", true).is_ok());
    assert!(jwtguard_core::key_source::check_url("http://[::1]:1/k", true).is_ok());
    assert!(jwtguard_core::key_source::check_url("http://localhost/k", true).is_ok());
    assert!(jwtguard_core::key_source::check_url("http://127.0.0.1.example/k", true).is_err());
    for (host, loopback) in [
        ("127.0.0.1", true),
        ("127.10.20.30", true),
        ("::1", true),
        ("[::1]", true),
        ("LOCALHOST", true),
        ("10.0.0.1", false),
        ("127.0.0.1.example.com", false),
        ("127.0.0.256", false),
        ("127.1", false),
        ("", false),
    ] {
        assert_eq!(jwtguard_core::key_source::is_loopback_host(host), loopback, "{host}");
    }
}

/// `{tenantid}` in a policy issuer is filled with the token's own `tid`, and only the
/// allowed tenants' tokens pass (or every tenant's, when the policy says so).
#[test]
fn policy_issuer_templates_are_filled_with_the_tokens_tid_for_allowed_tenants() {
    let a = Provider::new(60);
    let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
    let builder = || Policy::builder().audience("api").issuer(template);
    let refused = builder().build().expect_err("a multi-tenant issuer without tenants");
    assert_eq!(refused.reason(), Reason::PolicyInvalid);
    assert!(refused.detail().contains("allowed tenants"), "{refused}");
    let verifier = |policy: Policy| {
        Verifier::builder(policy).fixed_keys(a.keys(Some("a")), Trust::PolicyIssuers).build().expect("verifier")
    };
    let claims = |iss: &str, tid: &str| {
        a.token(Some("a"), &format!(r#""iss":"{iss}","tid":"{tid}","aud":"api","exp":{}"#, NOW + 60))
    };
    let t1 = claims("https://login.microsoftonline.com/t1/v2.0", "t1");
    let t3 = claims("https://login.microsoftonline.com/t3/v2.0", "t3");
    let allowed = verifier(builder().allowed_tenants(["T1", "t2"]).build().expect("policy"));
    assert_eq!(reason(&allowed, &t1, NOW), Ok(0), "tenant IDs compare case-insensitively");
    let err = allowed.verify(t3.as_bytes(), NOW).expect_err("t3 is not allowed");
    assert_eq!(
        (err.reason(), err.detail()),
        (Reason::TokenIssuerNotAllowed, "token tenant (tid) is not one the policy allows")
    );
    let every = verifier(builder().any_tenant().build().expect("policy"));
    for good in [&t1, &t3] {
        assert_eq!(reason(&every, good, NOW), Ok(0));
    }
    for verifier in [&allowed, &every] {
        let other = claims("https://login.microsoftonline.com/t2/v2.0", "t1");
        assert_eq!(reason(verifier, &other, NOW), Err(Reason::TokenIssuerNotAllowed));
        let slash = claims("https://login.microsoftonline.com/t1/x/v2.0", "t1/x");
        assert_eq!(reason(verifier, &slash, NOW), Err(Reason::TokenIssuerNotAllowed));
        let empty = claims("https://login.microsoftonline.com//v2.0", "");
        assert_eq!(reason(verifier, &empty, NOW), Err(Reason::TokenIssuerNotAllowed));
    }
    // An exact issuer is not a tenant rule: a single-tenant policy never needs tenants.
    let exact = Policy::builder().audience("api").issuer("https://login.microsoftonline.com/t3/v2.0");
    assert_eq!(reason(&verifier(exact.build().expect("policy")), &t3, NOW), Ok(0));
    for tid in ["", "a/b"] {
        assert_eq!(builder().allowed_tenant(tid).build().map_err(|e| e.reason()).err(), Some(Reason::PolicyInvalid));
    }
}

/// A key source bound to a multi-tenant issuer needs the policy's tenants too, and so
/// does an OpenID source whose discovered issuer is one (Entra's `common` endpoint):
/// without them its tokens are refused, saying why.
#[test]
fn multi_tenant_sources_need_allowed_tenants() {
    let a = Provider::new(61);
    let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
    let any_issuer = || Policy::builder().audience("api").any_issuer();
    let bound = Verifier::builder(any_issuer().build().unwrap())
        .fixed_keys(a.keys(Some("a")), Trust::Issuers(vec![template.into()]))
        .build()
        .map(|_| ())
        .map_err(|e| e.reason());
    assert_eq!(bound, Err(Reason::PolicyInvalid));
    let verifier = |policy: Policy| {
        let options = SourceOptions { allow_http_loopback: true, ..SourceOptions::default() };
        let v = Verifier::builder(policy)
            .openid_config(
                "http://127.0.0.1:8080/common/v2.0/.well-known/openid-configuration",
                Trust::Discovered,
                options,
            )
            .build()
            .expect("verifier");
        v.start_fetch(NOW).expect("configuration");
        let config = format!(r#"{{"issuer":"{template}","jwks_uri":"http://127.0.0.1:8080/common/keys"}}"#);
        v.offer(0, config.as_bytes(), NOW).expect("configuration");
        v.start_fetch(NOW).expect("keys");
        v.offer(0, a.jwks(Some("a")).as_bytes(), NOW).expect("keys");
        v
    };
    let token = a.token(
        Some("a"),
        &format!(r#""iss":"https://login.microsoftonline.com/t1/v2.0","tid":"t1","aud":"api","exp":{}"#, NOW + 60),
    );
    let none = verifier(any_issuer().build().unwrap()).verify(token.as_bytes(), NOW).expect_err("no tenant allowed");
    assert_eq!(none.reason(), Reason::TokenIssuerNotAllowed);
    assert!(none.detail().contains("allows no tenant"), "{none}");
    assert_eq!(reason(&verifier(any_issuer().allowed_tenant("t1").build().unwrap()), &token, NOW), Ok(0));
    let other = verifier(any_issuer().allowed_tenant("t2").build().unwrap());
    assert_eq!(reason(&other, &token, NOW), Err(Reason::TokenIssuerNotAllowed));
}

#[test]
fn a_verifier_is_refused_when_its_sources_cannot_work() {
    let a = Provider::new(70);
    let build = |builder: jwtguard_core::VerifierBuilder| builder.build().map(|_| ()).map_err(|e| e.reason());
    assert_eq!(build(Verifier::builder(policy())), Err(Reason::PolicyInvalid), "no source");
    assert_eq!(
        build(Verifier::builder(policy()).fixed_keys(a.keys(None), Trust::Discovered)),
        Err(Reason::PolicyInvalid),
        "nothing to discover"
    );
    assert_eq!(
        build(Verifier::builder(policy()).fixed_keys(a.keys(None), Trust::Issuers(vec![]))),
        Err(Reason::PolicyInvalid)
    );
    let plain_http =
        Verifier::builder(policy()).jwks_url("http://a.example/k", Trust::PolicyIssuers, SourceOptions::default());
    assert_eq!(plain_http.problem().map(|e| e.reason()), Some(Reason::PolicyInvalid), "seen when added");
    assert_eq!(build(plain_http), Err(Reason::PolicyInvalid));
    let no_interval =
        SourceOptions { refresh: Refresh { interval: 0, ..Refresh::DEFAULT }, ..SourceOptions::default() };
    assert_eq!(no_interval.refresh.check().map_err(|e| e.reason()), Err(Reason::PolicyInvalid));
    let hot_loop = Verifier::builder(policy()).openid_config("https://a.example/c", Trust::Discovered, no_interval);
    assert_eq!(hot_loop.problem().map(|e| e.reason()), Some(Reason::PolicyInvalid), "a refresh interval of 0");
    assert_eq!(Refresh::DEFAULT.check(), Ok(()));
    assert_eq!(Verifier::builder(policy()).fixed_keys(a.keys(None), Trust::PolicyIssuers).problem(), None);
    let mut many = Verifier::builder(policy());
    for _ in 0..=jwtguard_core::MAX_KEY_SETS {
        many = many.fixed_keys(a.keys(None), Trust::PolicyIssuers);
    }
    assert_eq!(build(many), Err(Reason::PolicyInvalid));
}

#[test]
fn inputs_are_refused_by_their_length_alone_as_when_read() {
    let policy = policy();
    let max = policy.max_token_len();
    assert_eq!(policy.check_len(max), Ok(()));
    assert_eq!(policy.check_len(max + 1).map_err(|e| e.reason()), Err(Reason::TokenTooLarge));
    let options = jwtguard_core::KeyOptions { max_len: 10, ..Default::default() };
    assert_eq!(options.check_len(10), Ok(()));
    assert_eq!(options.check_len(11).map_err(|e| e.reason()), Err(Reason::KeySetTooLarge));
    let read = KeySet::from_json_with(&[b' '; 11], &options).map(|_| ()).map_err(|e| e.reason());
    assert_eq!(read, Err(Reason::KeySetTooLarge));
}
