//! Key sources shared by processes (nginx workers with a keys zone): one shared record
//! and the documents stored beside it, used as a binding does under its lock, so
//! that one fetch serves every process: at a cold start, at each refresh, after an
//! unknown `kid`, and through failures.
#![cfg(feature = "std")]

mod support;

use jwtguard_core::key_source::{FetchWhat, Refresh, SourceOptions, SHARED_STATE_LEN};
use jwtguard_core::{Fetch, Policy, Reason, Trust, Verifier, NO_KEYS_YET};
use support::provider::{Provider, ISSUER_A, ISSUER_B, NOW};

/// What the processes share: the record, its stamp as published for reads without
/// the lock, and the last document of each kind.
#[derive(Default)]
struct Zone {
    state: Vec<u8>,
    stamp: u64,
    configuration: Option<Vec<u8>>,
    keys: Option<Vec<u8>>,
}

fn state(zone: &mut Zone) -> &mut [u8; SHARED_STATE_LEN] {
    zone.state.resize(SHARED_STATE_LEN, 0);
    (&mut zone.state[..]).try_into().expect("record length")
}

/// One process's side: the steps a binding takes under the zone's lock.
struct Process {
    verifier: Verifier,
    /// The documents it fetched (the provider's log).
    fetched: usize,
}

impl Process {
    fn new(verifier: Verifier) -> Process {
        Process { verifier, fetched: 0 }
    }

    /// Loads the record (adopting newer documents), runs `op`, saves the record.
    fn locked<R>(&self, zone: &mut Zone, op: impl FnOnce(&Verifier) -> R) -> R {
        if self.verifier.load_shared(0, state(zone)).expect("source 0") {
            let (configuration, keys) = (zone.configuration.clone(), zone.keys.clone());
            self.verifier.adopt(0, configuration.as_deref(), keys.as_deref()).expect("stored documents load");
        }
        let result = op(&self.verifier);
        zone.stamp = self.verifier.save_shared(0, state(zone)).expect("source 0");
        result
    }

    /// A request's look for a due fetch: the lock only when the core says to sync.
    fn claim(&self, zone: &mut Zone, now: u64) -> Option<Fetch> {
        if !self.verifier.sync_due(0, zone.stamp, now) {
            return None;
        }
        self.locked(zone, |v| v.start_fetch(now))
    }

    /// Answers a claimed fetch with `body`, storing it for the others when it loads.
    fn answer(&mut self, zone: &mut Zone, fetch: &Fetch, body: &str, now: u64) {
        self.fetched += 1;
        let loaded = self.locked(zone, |v| v.offer(fetch.source, body.as_bytes(), now).is_ok());
        if loaded {
            let slot = match fetch.what {
                FetchWhat::OpenIdConfiguration => &mut zone.configuration,
                FetchWhat::Jwks => &mut zone.keys,
            };
            *slot = Some(body.as_bytes().to_vec());
        }
    }

    fn fail(&mut self, zone: &mut Zone, fetch: &Fetch, now: u64) {
        self.fetched += 1;
        self.locked(zone, |v| v.fetch_failed(fetch.source, now));
    }

    fn verify(&self, token: &str, now: u64) -> Result<(), Reason> {
        self.verifier.verify(token.as_bytes(), now).map(|_| ()).map_err(|e| e.reason())
    }
}

fn policy() -> Policy {
    Policy::builder().audience("api").issuers([ISSUER_A, ISSUER_B]).build().expect("policy")
}

fn jwks_process() -> Process {
    let verifier = Verifier::builder(policy())
        .jwks_url("https://a.example/keys", Trust::Issuers(vec![ISSUER_A.into()]), SourceOptions::default())
        .build()
        .expect("verifier");
    Process::new(verifier)
}

/// A cold start: one process fetches, the others wait for it (a fetch under way) and
/// then verify with the keys it stored, without fetching.
#[test]
fn a_cold_start_fetches_once_for_every_process() {
    let a = Provider::new(60);
    let token = a.token_for(Some("a"), ISSUER_A);
    let mut zone = Zone::default();
    let mut workers: Vec<Process> = (0..4).map(|_| jwks_process()).collect();
    let fetch = workers[0].claim(&mut zone, NOW).expect("the first worker fetches");
    for worker in &workers[1..] {
        assert_eq!(worker.claim(&mut zone, NOW), None, "one fetch across the workers");
        assert_eq!(worker.verify(&token, NOW).map_err(|_| ()), Err(()));
        assert!(worker.verifier.fetch_in_flight(NOW), "another worker's fetch counts: wait for it");
    }
    workers[0].answer(&mut zone, &fetch, &a.jwks(Some("a")), NOW + 1);
    for worker in &workers {
        assert_eq!(worker.claim(&mut zone, NOW + 1), None, "the keys are adopted, not fetched");
        assert_eq!(worker.verify(&token, NOW + 1), Ok(()));
    }
    assert_eq!(workers.iter().map(|w| w.fetched).sum::<usize>(), 1);
    // Nothing changed since: no worker needs the lock.
    assert!(workers.iter().all(|w| !w.verifier.sync_due(0, zone.stamp, NOW + 2)));
    // The hourly refresh is one fetch too, by whichever worker comes first.
    let refresh = NOW + 1 + 3600;
    assert!(workers[3].verifier.sync_due(0, zone.stamp, refresh));
    let fetch = workers[3].claim(&mut zone, refresh).expect("refresh");
    assert!(workers[..3].iter().all(|w| w.claim(&mut zone, refresh).is_none()));
    workers[3].answer(&mut zone, &fetch, &a.jwks(Some("a")), refresh);
    assert_eq!(workers.iter().map(|w| w.fetched).sum::<usize>(), 2);
}

/// An unknown kid seen by one worker makes one refetch for all, and the five-minute
/// limit on such refetches holds across workers.
#[test]
fn an_unknown_kid_refetches_once_for_every_process() {
    let (old, new) = (Provider::new(61), Provider::new(62));
    let mut zone = Zone::default();
    let mut workers = [jwks_process(), jwks_process()];
    let fetch = workers[0].claim(&mut zone, NOW).expect("cold start");
    workers[0].answer(&mut zone, &fetch, &old.jwks(Some("old")), NOW);
    assert_eq!(workers[1].claim(&mut zone, NOW), None);
    let rotated = new.token_for(Some("new"), ISSUER_A);
    assert_eq!(workers[1].verify(&rotated, NOW + 10), Err(Reason::TokenSignatureKeyNotFound));
    assert!(workers[1].verifier.sync_due(0, zone.stamp, NOW + 10), "the kid miss is to be shared");
    let fetch = workers[1].claim(&mut zone, NOW + 10).expect("the refetch");
    assert_eq!(workers[0].verify(&rotated, NOW + 10), Err(Reason::TokenSignatureKeyNotFound));
    assert_eq!(workers[0].claim(&mut zone, NOW + 10), None, "the other worker's refetch is under way");
    workers[1].answer(&mut zone, &fetch, &new.jwks(Some("new")), NOW + 11);
    assert_eq!(workers[0].claim(&mut zone, NOW + 11), None);
    assert_eq!(workers[0].verify(&rotated, NOW + 11), Ok(()), "adopted");
    // Another unknown kid, in the other worker, within five minutes of the refetch.
    let other = Provider::new(63).token_for(Some("other"), ISSUER_A);
    assert_eq!(workers[0].verify(&other, NOW + 20), Err(Reason::TokenSignatureKeyNotFound));
    assert_eq!(workers[0].claim(&mut zone, NOW + 20), None, "the limit is shared");
    assert_eq!(workers[1].claim(&mut zone, NOW + 20), None);
    assert_eq!(workers[0].fetched + workers[1].fetched, 2);
}

/// A failure backs off for every worker: none retries before the shared retry time,
/// and all keep the last good keys.
#[test]
fn failures_back_off_for_every_process() {
    let a = Provider::new(64);
    let token = a.token(Some("a"), &format!(r#""iss":"{ISSUER_A}","aud":"api","exp":{}"#, NOW + 86_400));
    let mut zone = Zone::default();
    let mut workers = [jwks_process(), jwks_process()];
    let fetch = workers[0].claim(&mut zone, NOW).expect("cold start");
    workers[0].answer(&mut zone, &fetch, &a.jwks(Some("a")), NOW);
    let t = NOW + 3600;
    let fetch = workers[1].claim(&mut zone, t).expect("refresh");
    workers[1].answer(&mut zone, &fetch, "<html>502</html>", t);
    assert_eq!(zone.keys.as_deref(), Some(a.jwks(Some("a")).as_bytes()), "a bad document is not stored");
    for now in t..t + 10 {
        assert!(workers.iter().all(|w| w.claim(&mut zone, now).is_none()), "no retry before 10 s");
    }
    let fetch = workers[0].claim(&mut zone, t + 10).expect("one retry");
    assert_eq!(workers[1].claim(&mut zone, t + 10), None);
    workers[0].fail(&mut zone, &fetch, t + 10);
    assert!(workers.iter().all(|w| w.claim(&mut zone, t + 29).is_none()), "then 20 s");
    assert!(workers.iter().all(|w| w.verify(&token, t + 29).is_ok()), "the last good keys stay");
    // A worker that claimed a fetch and never answered (it exited): after the fetch
    // timeout another worker takes over.
    let lost = workers[1].claim(&mut zone, t + 30).expect("claimed");
    assert_eq!(lost.what, FetchWhat::Jwks);
    assert!(workers[0].claim(&mut zone, t + 59).is_none());
    assert!(workers[0].claim(&mut zone, t + 60).is_none(), "timed out: a failure, retried after 40 s");
    assert!(workers[0].claim(&mut zone, t + 100).is_some());
}

/// OpenID sources share the configuration too: a worker that adopts knows the
/// discovered issuer (its keys verify only that issuer's tokens) and the keys URL.
#[test]
fn openid_sources_share_the_configuration_and_its_binding() {
    let a = Provider::new(65);
    let url = "http://127.0.0.1:8080/a/.well-known/openid-configuration";
    let options = SourceOptions { allow_http_loopback: true, ..SourceOptions::default() };
    let process = || {
        let verifier = Verifier::builder(policy()).openid_config(url, Trust::Discovered, options).build();
        Process::new(verifier.expect("verifier"))
    };
    let mut zone = Zone::default();
    let mut workers = [process(), process()];
    let config = format!(r#"{{"issuer":"{ISSUER_A}","jwks_uri":"http://127.0.0.1:8080/a/keys"}}"#);
    let fetch = workers[0].claim(&mut zone, NOW).expect("configuration");
    assert_eq!(fetch.what, FetchWhat::OpenIdConfiguration);
    workers[0].answer(&mut zone, &fetch, &config, NOW);
    // The second worker adopts the configuration and makes the keys fetch it names;
    // the first finds it under way.
    let fetch = workers[1].claim(&mut zone, NOW).expect("the keys, by the worker that adopted");
    assert_eq!((fetch.what, fetch.url.as_str()), (FetchWhat::Jwks, "http://127.0.0.1:8080/a/keys"));
    assert_eq!(workers[0].claim(&mut zone, NOW), None);
    workers[1].answer(&mut zone, &fetch, &a.jwks(Some("a")), NOW);
    for worker in &workers {
        assert_eq!(worker.claim(&mut zone, NOW), None);
        assert_eq!(worker.verifier.source_issuer(0).as_deref(), Some(ISSUER_A));
        assert_eq!(worker.verify(&a.token_for(Some("a"), ISSUER_A), NOW), Ok(()));
        assert_eq!(worker.verify(&a.token_for(Some("a"), ISSUER_B), NOW), Err(Reason::TokenIssuerNotAllowed));
    }
}

/// A record that is not one (zeros, a foreign or torn write) is ignored: the
/// process keeps its own schedule, and its save writes a good record over it.
#[test]
fn a_record_that_is_not_one_is_ignored_and_replaced() {
    let process = jwks_process();
    for garbage in [[0u8; SHARED_STATE_LEN], [0xffu8; SHARED_STATE_LEN]] {
        let mut record = garbage;
        assert_eq!(process.verifier.load_shared(0, &record), Ok(false));
        assert!(process.verifier.wants_fetch(NOW), "its own schedule: a cold start");
        assert_eq!(process.verifier.save_shared(0, &mut record), Ok(1));
        assert_ne!(record, garbage);
        assert_eq!(process.verifier.save_shared(0, &mut record), Ok(1), "unchanged: the same stamp");
    }
    assert_eq!(process.verifier.verify(b"x.y.z", NOW).map(|_| ()).map_err(|e| e.reason()), Err(NO_KEYS_YET.reason()));
    // A fixed source shares nothing.
    let fixed = Verifier::builder(policy())
        .fixed_keys(Provider::new(66).keys(Some("f")), Trust::PolicyIssuers)
        .build()
        .expect("verifier");
    let mut record = [0u8; SHARED_STATE_LEN];
    assert!(!fixed.sync_due(0, 5, NOW));
    assert_eq!(fixed.save_shared(0, &mut record), Ok(0));
    assert_eq!(record, [0u8; SHARED_STATE_LEN]);
    assert_eq!(fixed.adopt(0, None, Some(b"{}")).map_err(|e| e.reason()), Err(Reason::PolicyInvalid));
}

/// Sources that fetch the same document on the same schedule with the same options have
/// one record name; any difference gives another; fixed keys have none.
#[test]
fn sources_of_one_document_and_schedule_share_a_record_name() {
    let verifier = |url: &str, refresh: u64| {
        let options =
            SourceOptions { refresh: Refresh { interval: refresh, ..Refresh::DEFAULT }, ..SourceOptions::default() };
        Verifier::builder(policy())
            .jwks_url(url, Trust::Issuers(vec![ISSUER_A.into()]), options)
            .openid_config("https://a.example/.well-known/openid-configuration", Trust::Discovered, options)
            .fixed_keys(Provider::new(67).keys(Some("f")), Trust::Issuers(vec![ISSUER_B.into()]))
            .build()
            .expect("verifier")
    };
    let (one, two) = (verifier("https://a.example/keys", 3600), verifier("https://a.example/keys", 3600));
    let name = one.source_shared_name(0).expect("a fetched source");
    assert_eq!(two.source_shared_name(0).as_deref(), Some(name.as_str()), "another verifier, the same record");
    assert!(name.starts_with("jwks https://a.example/keys ") && !name.bytes().any(|b| b < 0x20), "{name}");
    assert_ne!(one.source_shared_name(1), Some(name.clone()), "an OpenID source of the same host");
    assert_ne!(verifier("https://a.example/keys", 60).source_shared_name(0), Some(name.clone()), "another schedule");
    assert_ne!(verifier("https://a.example/other", 3600).source_shared_name(0), Some(name), "another URL");
    assert_eq!(one.source_shared_name(2), None, "fixed keys share nothing");
    assert_eq!(one.source_shared_name(3), None);
}
