//! The one verifier every binding calls (the `std` feature): ordered key sources, each
//! bound to the issuers it may sign for, a policy, and an optional verified-token
//! cache, shared by threads.
//!
//! Security contract:
//! - Data flows one way: token → segments → header → key (searched across every
//!   source, in order, as [`crate::jws`] describes: a `kid` names the first usable key
//!   carrying it; without one, at most [`crate::jws::MAX_KEY_TRIALS`] keys are tried)
//!   → signature → claims → policy rules → the source's issuer binding → verdict.
//! - A source's keys verify only tokens of the issuers it is bound to ([`Trust`]):
//!   keys discovered from provider B never accept a token whose `iss` is provider
//!   A's, whatever issuers the policy lists.
//! - A token naming an unknown `kid` asks every fetching source for a refetch (at most
//!   once per [`Refresh::kid_miss_interval`]); the caller learns of it through
//!   [`Verifier::wants_fetch`] and does the HTTP.
//! - The cache, when enabled, answers only for the exact token bytes, only for a `now`
//!   from the time the token verified up to the earlier of its `exp` and that time plus
//!   the TTL (a clock stepped back is a miss), and is emptied whenever any source's keys
//!   change. Only successes are stored.
//! - Processes may share each fetching source's schedule and documents
//!   ([`Verifier::load_shared`], [`Verifier::adopt`], [`Verifier::save_shared`]; see
//!   [`crate::key_source::SHARED_STATE_LEN`]), so that one fetch serves them all.
//! - Locks are held only to copy key set handles or to look up and store cache
//!   entries, never while a signature is checked.

use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::cache::TokenCache;
use crate::error::{Error, Reason};
#[cfg(feature = "jwe")]
use crate::jwe::DecryptionKeys;
use crate::jws::{self, Header};
use crate::key_source::{FetchWhat, KeySource, Offered, SourceOptions, SHARED_STATE_LEN};
use crate::keyset::KeySet;
use crate::policy::Policy;
use crate::token::{self, OwnedToken, VerifiedToken, MAX_KEY_SETS};
use crate::Claims;

/// Which issuers a key source's keys may sign for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trust {
    /// Any issuer the policy allows: say so explicitly for a set that is not one
    /// provider's (e.g. keys configured by hand for the policy's own issuers).
    PolicyIssuers,
    /// Only these issuers (each may hold `{tenantid}`, filled with the token's `tid`).
    Issuers(Vec<String>),
    /// Only the `issuer` of the OpenID configuration document the keys were found
    /// through (OpenID sources only).
    Discovered,
}

/// A fetch the caller must make, claimed by [`Verifier::start_fetch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    /// The source to answer with [`Verifier::offer`] or [`Verifier::fetch_failed`].
    pub source: usize,
    /// Which document it is.
    pub what: FetchWhat,
    /// The URL to GET.
    pub url: String,
}

/// A token that verified: its decoded header and claims, and the key that verified it.
#[derive(Clone, Debug)]
pub struct Verified {
    token: OwnedToken,
    source: usize,
    key_kid: Option<String>,
    key_issuer: Option<String>,
    expiration: Option<u64>,
}

impl Verified {
    /// An owned copy of a token verified with a key from source `source`.
    pub fn from_token(token: &VerifiedToken<'_>, source: usize) -> Verified {
        Verified {
            token: OwnedToken::from_verified(token),
            source,
            key_kid: token.key().kid().map(String::from),
            key_issuer: token.key().issuer().map(String::from),
            expiration: token.claims().expiration(),
        }
    }
    /// The protected header.
    pub fn header(&self) -> Header<'_> {
        self.token.header()
    }
    /// The claims.
    pub fn claims(&self) -> Claims<'_> {
        self.token.claims()
    }
    /// The decoded payload (the claims' JSON text).
    pub fn payload(&self) -> &[u8] {
        self.token.payload()
    }
    /// The owned token.
    pub fn token(&self) -> &OwnedToken {
        &self.token
    }
    /// The index of the source whose key verified the signature.
    pub fn source(&self) -> usize {
        self.source
    }
    /// The verifying key's `kid`, if it has one.
    pub fn key_kid(&self) -> Option<&str> {
        self.key_kid.as_deref()
    }
    /// The verifying key's own `issuer` member, if it has one.
    pub fn key_issuer(&self) -> Option<&str> {
        self.key_issuer.as_deref()
    }
    /// The `exp` claim in Unix seconds, floored, if present.
    pub fn expiration(&self) -> Option<u64> {
        self.expiration
    }
}

/// The outcome of [`Verifier::verify`].
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The verified token (shared with the cache).
    pub token: Arc<Verified>,
    /// True when the token came from the cache.
    pub cached: bool,
}

struct Slot {
    trust: Trust,
    /// `Trust::Issuers`' list, shared by every verification instead of copied.
    issuers: Option<Arc<[String]>>,
    source: Mutex<KeySource>,
}

struct CacheState {
    generation: u64,
    tokens: TokenCache<Arc<Verified>>,
}

/// Verifies tokens against ordered key sources under one policy (see the module
/// contract). `Send + Sync`; every method takes `&self`.
pub struct Verifier {
    policy: Policy,
    slots: Vec<Slot>,
    cache: Option<Mutex<CacheState>>,
    /// Counts key changes in any source.
    generation: AtomicU64,
    /// The cache's hits and misses ([`Verifier::cache_counts`]).
    counts: [AtomicU64; 2],
    /// Keys that decrypt encrypted tokens, if any ([`VerifierBuilder::decryption_keys`]).
    #[cfg(feature = "jwe")]
    decryption: Option<Arc<DecryptionKeys>>,
}

/// Builds a [`Verifier`]; sources are numbered in the order they are added, from 0.
pub struct VerifierBuilder {
    policy: Policy,
    slots: Vec<Slot>,
    cache: Option<(usize, u64)>,
    problem: Option<Error>,
    #[cfg(feature = "jwe")]
    decryption: Option<Arc<DecryptionKeys>>,
}

/// What [`Verifier::verify`] answers while no source has keys: a
/// `TokenSignatureKeyNotFound` a binding may tell apart from a `kid` miss (e.g. to say
/// that its key sources could not be fetched yet).
pub const NO_KEYS_YET: Error =
    Error::new(Reason::TokenSignatureKeyNotFound, "no signing keys are available yet (no key source has loaded keys)");

/// Why a source that is not bound to issuers of its own is refused under a policy that
/// takes its issuers from the sources.
pub const SIGNS_FOR_ANY_ISSUER: &str =
    "the policy takes its issuers from the key sources, and this source is bound to none: its keys would sign for any issuer";

/// A lock, also after a panic elsewhere poisoned it (key sources and the cache stay
/// consistent between statements).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl VerifierBuilder {
    fn add(mut self, source: Result<KeySource, Error>, trust: Trust) -> Self {
        let problem = match (&source, &trust) {
            (Err(e), _) => Some(*e),
            (Ok(s), Trust::Discovered) if s.configuration_url().is_none() => Some(Error::new(
                Reason::PolicyInvalid,
                "only an OpenID configuration source can trust its discovered issuer",
            )),
            (_, Trust::PolicyIssuers) if self.policy.issuers_from_sources() => {
                Some(Error::new(Reason::PolicyInvalid, SIGNS_FOR_ANY_ISSUER))
            }
            (_, Trust::Issuers(list)) if list.is_empty() || list.iter().any(String::is_empty) => {
                Some(Error::new(Reason::PolicyInvalid, "a key source's issuer list is empty or holds an empty issuer"))
            }
            (_, Trust::Issuers(list)) if self.policy.needs_tenants(list.iter().map(String::as_str)) => {
                Some(Error::new(Reason::PolicyInvalid, crate::policy::NO_TENANTS))
            }
            _ if self.slots.len() == MAX_KEY_SETS => {
                Some(Error::new(Reason::PolicyInvalid, "a verifier holds at most 16 key sources"))
            }
            _ => None,
        };
        match (problem, source) {
            (None, Ok(source)) => {
                let issuers = match &trust {
                    Trust::Issuers(list) => Some(Arc::from(list.as_slice())),
                    Trust::PolicyIssuers | Trust::Discovered => None,
                };
                self.slots.push(Slot { trust, issuers, source: Mutex::new(source) })
            }
            (problem, _) => self.problem = self.problem.or(problem),
        }
        self
    }

    /// Adds keys given by the caller (never fetched; [`Verifier::set_keys`] replaces
    /// them).
    pub fn fixed_keys(self, keys: KeySet, trust: Trust) -> Self {
        self.add(Ok(KeySource::fixed(keys)), trust)
    }

    /// Adds keys fetched from a JWK set URL.
    pub fn jwks_url(self, url: &str, trust: Trust, options: SourceOptions) -> Self {
        self.add(KeySource::jwks(url, options), trust)
    }

    /// Adds keys found through an OpenID Connect configuration document.
    pub fn openid_config(self, url: &str, trust: Trust, options: SourceOptions) -> Self {
        self.add(KeySource::openid(url, options), trust)
    }

    /// Remembers up to `capacity` verified tokens, each for at most `ttl` seconds
    /// (never past its `exp`; [`DEFAULT_CACHE_TTL`](crate::DEFAULT_CACHE_TTL) is the
    /// bindings' default). Off by default; a `capacity` of 0 turns it off. A cache with
    /// room (`capacity` > 0) and a `ttl` of 0 makes [`VerifierBuilder::build`] fail: every binding refuses it alike, rather than reading 0 as "off" in one
    /// and as "the default" in another.
    pub fn cache(mut self, capacity: usize, ttl: u64) -> Self {
        self.cache = Some((capacity, ttl));
        self
    }

    /// Decrypts encrypted tokens (compact JWE) with `keys` before verifying the signed
    /// JWT inside them under the policy, as API Management's `<decryption-keys>` does
    /// (see [`crate::jwe`]). Without decryption keys an encrypted token is
    /// `TokenMalformed`. The keys may be shared by several verifiers (an `Arc`).
    #[cfg(feature = "jwe")]
    pub fn decryption_keys(mut self, keys: impl Into<Arc<DecryptionKeys>>) -> Self {
        self.decryption = Some(keys.into());
        self
    }

    /// The first problem found so far in what was added (a URL that is not https, an
    /// empty issuer list, too many sources); [`VerifierBuilder::build`] reports it.
    pub fn problem(&self) -> Option<Error> {
        self.problem
    }

    /// The verifier, or `PolicyInvalid` naming the first problem.
    pub fn build(self) -> Result<Verifier, Error> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        if self.slots.is_empty() {
            return Err(Error::new(Reason::PolicyInvalid, "a verifier needs at least one key source"));
        }
        if matches!(self.cache, Some((capacity, 0)) if capacity > 0) {
            return Err(Error::new(
                Reason::PolicyInvalid,
                "the verified-token cache needs a time to live of at least 1 second (a capacity of 0 turns it off)",
            ));
        }
        // A cache of no size is none (it would count lookups it never answers).
        let cache = self
            .cache
            .filter(|&(capacity, ttl)| capacity > 0 && ttl > 0)
            .map(|(capacity, ttl)| Mutex::new(CacheState { generation: 0, tokens: TokenCache::new(capacity, ttl) }));
        let counts = [AtomicU64::new(0), AtomicU64::new(0)];
        Ok(Verifier {
            policy: self.policy,
            slots: self.slots,
            cache,
            generation: AtomicU64::new(0),
            counts,
            #[cfg(feature = "jwe")]
            decryption: self.decryption,
        })
    }
}

/// A token as verified: as given, or the signed JWT an encrypted token held.
#[cfg(feature = "jwe")]
type Signed<'t> = crate::jwe::Signed<'t>;
#[cfg(not(feature = "jwe"))]
struct Signed<'t>(&'t [u8]);

#[cfg(not(feature = "jwe"))]
impl core::ops::Deref for Signed<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.0
    }
}

/// One source's part of a verification: its keys and the issuers they may sign for.
type Snapshot = (Arc<KeySet>, Option<Arc<[String]>>, usize);

impl Verifier {
    /// Starts a verifier for `policy`; add at least one key source.
    pub fn builder(policy: Policy) -> VerifierBuilder {
        VerifierBuilder {
            policy,
            slots: Vec::new(),
            cache: None,
            problem: None,
            #[cfg(feature = "jwe")]
            decryption: None,
        }
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Number of key sources.
    pub fn source_count(&self) -> usize {
        self.slots.len()
    }

    fn slot(&self, source: usize) -> Result<&Slot, Error> {
        self.slots.get(source).ok_or(Error::new(Reason::PolicyInvalid, "no key source has that index"))
    }

    /// Verifies `token` at `now` (Unix seconds): from the cache when it verified before
    /// (see the module contract), else in full.
    pub fn verify(&self, token: &[u8], now: u64) -> Result<Verdict, Error> {
        self.policy.check_len(token.len())?;
        if let Some(hit) = self.cached(token, now) {
            return Ok(hit);
        }
        if self.cache.is_some() {
            self.counts[1].fetch_add(1, Ordering::Relaxed);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let verified = Arc::new(self.verify_uncached(&self.signed(token)?, now, &self.policy, true)?);
        if let Some(cache) = &self.cache {
            let mut cache = lock(cache);
            // Keys that changed while this token was checked must not stand behind it.
            if cache.generation == generation && self.generation.load(Ordering::Acquire) == generation {
                cache.tokens.insert(token, verified.clone(), now, verified.expiration());
            }
        }
        Ok(Verdict { token: verified, cached: false })
    }

    /// Verifies `token` at `now` under `policy` instead of the verifier's own: the same
    /// sources, keys and issuer bindings, so only the policy's rules differ. The cache is
    /// neither read nor written, and a `kid` no key has schedules no refetch. For tools
    /// that explain a verdict rule by rule.
    pub fn verify_with_policy(&self, token: &[u8], now: u64, policy: &Policy) -> Result<Verified, Error> {
        self.check_policy(policy)?;
        policy.check_len(token.len())?;
        self.verify_uncached(&self.signed(token)?, now, policy, false)
    }

    /// The signed token to verify: `token` itself, or the JWS inside an encrypted
    /// `token` when the verifier has decryption keys.
    fn signed<'t>(&self, token: &'t [u8]) -> Result<Signed<'t>, Error> {
        #[cfg(feature = "jwe")]
        return crate::jwe::signed(token, self.decryption.as_deref(), self.policy.max_token_len());
        #[cfg(not(feature = "jwe"))]
        Ok(Signed(token))
    }

    /// The cache's answer for `token` at `now`, checking nothing else: `Some` exactly
    /// when [`Verifier::verify`] would answer from the cache. For a caller that gives up
    /// a lock (e.g. an interpreter's) around signature checks and need not for a hit.
    /// Counts a hit; a miss is counted by the [`Verifier::verify`] that follows.
    pub fn cached(&self, token: &[u8], now: u64) -> Option<Verdict> {
        let cache = self.cache.as_ref()?;
        if token.len() > self.policy.max_token_len() {
            return None;
        }
        let generation = self.generation.load(Ordering::Acquire);
        let mut cache = lock(cache);
        if cache.generation != generation {
            cache.tokens.clear();
            cache.generation = generation;
        }
        let hit = cache.tokens.get(token, now).map(|hit| Verdict { token: hit.clone(), cached: true });
        if hit.is_some() {
            self.counts[0].fetch_add(1, Ordering::Relaxed);
        }
        hit
    }

    fn snapshot(&self) -> heapless::Vec<Snapshot, MAX_KEY_SETS> {
        let mut sets = heapless::Vec::new();
        for (index, slot) in self.slots.iter().enumerate() {
            let source = lock(&slot.source);
            let Some(keys) = source.keys().cloned() else { continue };
            let issuers: Option<Arc<[String]>> = match &slot.trust {
                Trust::PolicyIssuers => None,
                Trust::Issuers(_) => slot.issuers.clone(),
                // Not discovered yet: no issuer, so its keys verify no token.
                Trust::Discovered => Some(source.issuer_list().cloned().unwrap_or_else(|| Arc::from([]))),
            };
            // At most MAX_KEY_SETS slots exist (the builder checks), so this fits.
            let _ = sets.push((keys, issuers, index));
        }
        sets
    }

    /// `kid_miss_refetch`: a `kid` no key has makes every fetching source refetch.
    fn verify_uncached(
        &self,
        token: &[u8],
        now: u64,
        policy: &Policy,
        kid_miss_refetch: bool,
    ) -> Result<Verified, Error> {
        let snapshot = self.snapshot();
        if snapshot.is_empty() {
            return Err(NO_KEYS_YET);
        }
        let sets: heapless::Vec<(&KeySet, Option<&[String]>), MAX_KEY_SETS> =
            snapshot.iter().map(|(keys, issuers, _)| (&**keys, issuers.as_deref())).collect();
        let mut scratch = vec![0u8; jws::scratch_len(token.len())];
        match token::verify_in(token, &sets, policy, now, &mut scratch) {
            Ok((verified, at)) => {
                let source = snapshot.get(at).map_or(0, |(_, _, index)| *index);
                Ok(Verified::from_token(&verified, source))
            }
            Err(e) => {
                if kid_miss_refetch && e == jws::KID_NOT_FOUND {
                    for slot in &self.slots {
                        lock(&slot.source).key_not_found(now);
                    }
                }
                Err(e)
            }
        }
    }

    /// Whether any source has a fetch due at `now`.
    pub fn wants_fetch(&self, now: u64) -> bool {
        self.slots.iter().any(|slot| lock(&slot.source).wants_fetch(now))
    }

    /// `PolicyInvalid` when `policy` cannot be used with these sources: it takes its
    /// issuers from the sources ([`Policy::issuers_from_sources`]) and a source is bound
    /// to none ([`Trust::PolicyIssuers`]), so its keys would sign for any issuer.
    /// [`Verifier::verify_with_policy`] checks it first.
    pub fn check_policy(&self, policy: &Policy) -> Result<(), Error> {
        let unbound = self.slots.iter().any(|slot| slot.trust == Trust::PolicyIssuers);
        if policy.issuers_from_sources() && unbound {
            return Err(Error::new(Reason::PolicyInvalid, SIGNS_FOR_ANY_ISSUER));
        }
        Ok(())
    }

    /// Whether any source has a claimed fetch under way at `now` (answered neither
    /// way, and not older than [`Refresh::fetch_timeout`](crate::key_source::Refresh)).
    /// A caller that got `TokenSignatureKeyNotFound` meanwhile may wait for it and
    /// verify again rather than refuse a token the fetch may make valid; the core's
    /// timeout bounds the wait.
    pub fn fetch_in_flight(&self, now: u64) -> bool {
        self.slots.iter().any(|slot| lock(&slot.source).fetch_in_flight(now))
    }

    /// How many fetches a caller may make for one verification before it gives the
    /// verdict with the keys it has: two per fetching source (an OpenID configuration
    /// and the keys it names), so a cold start loads every source and no request
    /// fetches in a loop.
    pub fn fetches_per_verification(&self) -> usize {
        2 * self.slots.iter().filter(|slot| lock(&slot.source).fetches()).count()
    }

    /// Claims the first due fetch, if any (single flight per source). The caller must
    /// answer it with [`Verifier::offer`] or [`Verifier::fetch_failed`].
    pub fn start_fetch(&self, now: u64) -> Option<Fetch> {
        self.slots.iter().enumerate().find_map(|(source, slot)| {
            let mut state = lock(&slot.source);
            let (what, url) = state.start_fetch(now)?;
            Some(Fetch { source, what, url: String::from(url) })
        })
    }

    /// Takes the body of a successful response for `source`'s claimed fetch. A
    /// document that does not load is an error and counts as a failed fetch; the last
    /// good keys stay in use. A fixed source takes no documents (`PolicyInvalid`: its
    /// keys change only through [`Verifier::set_keys`]).
    pub fn offer(&self, source: usize, body: &[u8], now: u64) -> Result<Offered, Error> {
        let mut state = lock(&self.slot(source)?.source);
        if !state.fetches() {
            return Err(Error::new(Reason::PolicyInvalid, "a fixed key source takes keys only from set_keys"));
        }
        let offered = state.offer(body, now)?;
        if matches!(offered, Offered::Keys { .. }) {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        Ok(offered)
    }

    /// `source`'s claimed fetch failed (no answer, an error status, a body too
    /// large): keep its keys, retry after the back-off. An unknown index is ignored.
    pub fn fetch_failed(&self, source: usize, now: u64) {
        if let Some(slot) = self.slots.get(source) {
            lock(&slot.source).fetch_failed(now);
        }
    }

    /// The name of `source`'s shared record ([`KeySource::shared_name`]): the caller
    /// gives sources of one name one record. `None` for a fixed source or an unknown
    /// index.
    pub fn source_shared_name(&self, source: usize) -> Option<String> {
        self.slots.get(source).and_then(|slot| lock(&slot.source).shared_name())
    }

    /// Whether `source` must sync with its shared record before the caller claims a
    /// fetch ([`KeySource::sync_due`]; `stamp` is the record's, read without the lock).
    /// `false` for an unknown index.
    pub fn sync_due(&self, source: usize, stamp: u64, now: u64) -> bool {
        self.slots.get(source).is_some_and(|slot| lock(&slot.source).sync_due(stamp, now))
    }

    /// Under the caller's lock on `shared`: takes the shared schedule as `source`'s
    /// ([`KeySource::load_shared`]). `Ok(true)`: the caller must hand the stored
    /// documents to [`Verifier::adopt`] before the lock is given up.
    pub fn load_shared(&self, source: usize, shared: &[u8; SHARED_STATE_LEN]) -> Result<bool, Error> {
        Ok(lock(&self.slot(source)?.source).load_shared(shared))
    }

    /// Takes the documents another process fetched for `source`
    /// ([`KeySource::adopt`]); new keys empty the cache, as fetched ones do.
    pub fn adopt(&self, source: usize, configuration: Option<&[u8]>, keys: Option<&[u8]>) -> Result<(), Error> {
        let changed = lock(&self.slot(source)?.source).adopt(configuration, keys)?;
        if changed {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        Ok(())
    }

    /// Under the caller's lock on `shared`: writes `source`'s schedule there
    /// ([`KeySource::save_shared`]) and returns the record's stamp.
    pub fn save_shared(&self, source: usize, shared: &mut [u8; SHARED_STATE_LEN]) -> Result<u64, Error> {
        Ok(lock(&self.slot(source)?.source).save_shared(shared))
    }

    /// Replaces the keys of a fixed source (a key file that changed).
    pub fn set_keys(&self, source: usize, keys: KeySet) -> Result<(), Error> {
        let mut state = lock(&self.slot(source)?.source);
        if state.fetches() {
            return Err(Error::new(Reason::PolicyInvalid, "only a fixed key source takes keys from the caller"));
        }
        state.set_keys(keys);
        self.generation.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }

    /// The earliest time any source may want a fetch (for timers); `None` when no
    /// source fetches.
    pub fn next_fetch_at(&self) -> Option<u64> {
        self.slots.iter().filter_map(|slot| lock(&slot.source).next_fetch_at()).min()
    }

    /// `source`'s keys in use, if any.
    pub fn source_keys(&self, source: usize) -> Option<Arc<KeySet>> {
        self.slots.get(source).and_then(|slot| lock(&slot.source).keys().cloned())
    }

    /// The issuer `source`'s configuration document named, if it is an OpenID source
    /// that has loaded one.
    pub fn source_issuer(&self, source: usize) -> Option<String> {
        self.slots.get(source).and_then(|slot| lock(&slot.source).issuer().map(String::from))
    }

    /// For an OpenID source that has loaded its configuration: the issuer the document
    /// named, and whether a token of that issuer can pass both the source's binding
    /// ([`Trust::Issuers`]) and the policy's issuers (a `{tenantid}` template counts when
    /// some tenant fills it). `false` means the configured issuers and the provider
    /// disagree, a misconfiguration (or a provider that changed its issuer) that
    /// bindings log once per fetch; the verdicts stay as strict as configured.
    pub fn discovered_issuer(&self, source: usize) -> Option<(String, bool)> {
        let slot = self.slots.get(source)?;
        let issuer = String::from(lock(&slot.source).issuer()?);
        let fits = |pattern: &str| crate::rules::issuer_fits(&issuer, pattern);
        let bound = match &slot.trust {
            Trust::Issuers(list) => list.iter().any(|i| fits(i)),
            Trust::PolicyIssuers | Trust::Discovered => true,
        };
        let trusted = bound && (self.policy.any_issuer() || self.policy.issuers().any(fits));
        Some((issuer, trusted))
    }

    /// The issuers `source` is bound to.
    pub fn source_trust(&self, source: usize) -> Option<&Trust> {
        self.slots.get(source).map(|slot| &slot.trust)
    }

    /// A copy of `source`'s state (URLs, schedule, keys), for status pages and logs.
    pub fn source_state(&self, source: usize) -> Option<KeySource> {
        self.slots.get(source).map(|slot| lock(&slot.source).clone())
    }

    /// Entries in the cache (0 without one).
    pub fn cache_len(&self) -> usize {
        self.cache.as_ref().map_or(0, |cache| lock(cache).tokens.len())
    }

    /// The cache's lookups so far, as `functools.lru_cache` counts them: `(hits,
    /// misses)`, a miss being every [`Verifier::verify`] the cache did not answer
    /// (failures included); `(0, 0)` without a cache. Emptying the cache keeps them.
    pub fn cache_counts(&self) -> (u64, u64) {
        (self.counts[0].load(Ordering::Relaxed), self.counts[1].load(Ordering::Relaxed))
    }

    /// The most entries the cache keeps: 0 without one (none asked for, or one of no
    /// size or no time, which [`VerifierBuilder::build`] leaves out).
    pub fn cache_capacity(&self) -> usize {
        self.cache.as_ref().map_or(0, |cache| lock(cache).tokens.capacity())
    }

    /// Empties the cache (e.g. after an out-of-band revocation).
    pub fn cache_clear(&self) {
        if let Some(cache) = &self.cache {
            lock(cache).tokens.clear();
        }
    }
}

impl core::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verifier")
            .field("sources", &self.slots.len())
            .field("cache_len", &self.cache_len())
            .finish_non_exhaustive()
    }
}
