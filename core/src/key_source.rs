//! A key source without I/O: when to fetch a provider's keys, and what to make of what
//! was fetched (the `alloc` feature).
//!
//! The caller does the HTTP; the source decides everything else, so every binding
//! fetches on the same schedule (as rustls leaves the socket to its caller and keeps
//! the protocol):
//! - [`KeySource::wants_fetch`] says whether a fetch is due; [`KeySource::start_fetch`]
//!   claims it and names the document to GET. Only one fetch is under way at a time
//!   (single flight): a cold start starts exactly one fetch, however many requests
//!   arrive meanwhile. Every claimed fetch must be answered with
//!   [`KeySource::offer`] (the body of a successful response) or
//!   [`KeySource::fetch_failed`] (anything else); one not answered within
//!   [`Refresh::fetch_timeout`] counts as failed.
//! - An OpenID source fetches the configuration document first, takes its `issuer`
//!   and `jwks_uri`, then fetches the keys from `jwks_uri`; each refresh starts again
//!   from the configuration.
//! - After keys load, the next fetch is due [`Refresh::interval`] later (hourly, as
//!   Azure API Management refreshes). A token naming an unknown `kid`
//!   ([`KeySource::key_not_found`]) makes a fetch due at once, at most once per
//!   [`Refresh::kid_miss_interval`] (5 minutes).
//! - A failure (no answer, an error status, a document that is not a valid key set
//!   or configuration) keeps the last good keys and is retried after
//!   [`Refresh::retry_min`] seconds, doubling per consecutive failure up to
//!   [`Refresh::retry_max`].
//! - URLs are `https` (plain `http` only to a loopback host, and only when
//!   [`SourceOptions::allow_http_loopback`] is set), at most [`MAX_URL_LEN`] bytes,
//!   without spaces or control characters; a discovered `jwks_uri` is held to the
//!   same rule.
//!
//! - Processes that share a source (nginx workers) may share its schedule and the
//!   fetched documents ([`crate::shared_state`]): then one fetch serves them all.
//!
//! Time is the caller's `now`, in Unix seconds; a clock that steps back never stops
//! fetches for longer than the step.

use alloc::string::{String, ToString};
use alloc::sync::Arc;

use crate::error::{Error, Reason};
use crate::json::{Object, Value};
use crate::jwk::KeyOptions;
use crate::keyset::KeySet;
use crate::shared_state::{Record, Schedule};
pub use crate::shared_state::{SHARED_POLL_MS, SHARED_STATE_LEN};

/// Longest URL a source accepts, configured or discovered.
pub const MAX_URL_LEN: usize = 2048;

/// When a source fetches, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Refresh {
    /// From a successful fetch to the next one (default 3600).
    pub interval: u64,
    /// Least time between two fetches caused by unknown `kid`s (default 300).
    pub kid_miss_interval: u64,
    /// Wait after the first failed fetch; doubled per further failure (default 10).
    pub retry_min: u64,
    /// Longest wait after failed fetches (default 300).
    pub retry_max: u64,
    /// A claimed fetch not answered within this time counts as failed (default 30).
    pub fetch_timeout: u64,
}

impl Refresh {
    /// The defaults documented on each field.
    pub const DEFAULT: Refresh =
        Refresh { interval: 3600, kid_miss_interval: 300, retry_min: 10, retry_max: 300, fetch_timeout: 30 };

    /// `PolicyInvalid` for times a source cannot work with: an `interval` of 0 (a fetch
    /// due again the moment keys load). Fetching sources are checked when created.
    pub fn check(&self) -> Result<(), Error> {
        if self.interval == 0 {
            return Err(Error::new(Reason::PolicyInvalid, "the refresh interval is 0"));
        }
        Ok(())
    }
}

impl Default for Refresh {
    fn default() -> Self {
        Refresh::DEFAULT
    }
}

/// How a fetched source loads and refreshes its keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SourceOptions {
    /// How the fetched key sets are loaded.
    pub keys: KeyOptions,
    /// When to fetch.
    pub refresh: Refresh,
    /// Allow `http://` URLs whose host is `localhost`, `127.x.x.x` or `[::1]` (tests,
    /// a provider on the same machine). Off by default.
    pub allow_http_loopback: bool,
}

/// Which document a fetch is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchWhat {
    /// An OpenID Connect discovery document (`/.well-known/openid-configuration`).
    OpenIdConfiguration,
    /// A JWK set.
    Jwks,
}

impl FetchWhat {
    /// A name for logs and bindings: `"openid-configuration"` or `"jwks"`.
    pub const fn name(self) -> &'static str {
        match self {
            FetchWhat::OpenIdConfiguration => "openid-configuration",
            FetchWhat::Jwks => "jwks",
        }
    }
}

/// What an accepted document changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offered {
    /// A configuration document: its issuer and key set URL; the keys are fetched next.
    Configuration {
        /// The document's `issuer`.
        issuer: String,
        /// The document's `jwks_uri`.
        jwks_uri: String,
    },
    /// A key set, now in use.
    Keys {
        /// Usable keys in it.
        count: usize,
    },
}

/// One provider's keys and their fetch schedule (see the module contract).
#[derive(Clone, Debug)]
pub struct KeySource {
    /// The configuration document's URL (OpenID sources only).
    config_url: Option<String>,
    /// The key set's URL: configured, or discovered; `None` for fixed keys.
    jwks_uri: Option<String>,
    /// The issuer the configuration document named, as the one-element list a
    /// verification binds the source's keys to (shared, not copied, per token).
    issuer: Option<Arc<[String]>>,
    keys: Option<Arc<KeySet>>,
    options: SourceOptions,
    fetches: bool,
    /// When to fetch what (the part processes may share: [`crate::shared_state`]).
    schedule: Schedule,
    generation: u64,
    /// The count of documents this source's configuration and keys came with, among
    /// the documents of processes sharing its schedule.
    documents: u64,
    /// The shared record's documents count and stamp when last loaded or saved.
    shared_documents: u64,
    shared_stamp: u64,
    /// An unknown `kid` seen here, not yet told to the shared record.
    kid_miss_unshared: Option<u64>,
}

impl KeySource {
    /// Keys given by the caller, never fetched ([`KeySource::set_keys`] replaces them).
    pub fn fixed(keys: KeySet) -> KeySource {
        KeySource {
            fetches: false,
            keys: Some(Arc::new(keys)),
            generation: 1,
            ..KeySource::empty(None, None, SourceOptions::default())
        }
    }

    /// Keys fetched from a JWK set URL.
    pub fn jwks(url: &str, options: SourceOptions) -> Result<KeySource, Error> {
        check_options(url, &options)?;
        Ok(KeySource::empty(None, Some(url.to_string()), options))
    }

    /// Keys found through an OpenID Connect configuration document's URL.
    pub fn openid(url: &str, options: SourceOptions) -> Result<KeySource, Error> {
        check_options(url, &options)?;
        let mut source = KeySource::empty(Some(url.to_string()), None, options);
        source.schedule.needs_configuration = true;
        Ok(source)
    }

    fn empty(config_url: Option<String>, jwks_uri: Option<String>, options: SourceOptions) -> KeySource {
        KeySource {
            config_url,
            jwks_uri,
            issuer: None,
            keys: None,
            options,
            fetches: true,
            schedule: Schedule::default(),
            generation: 0,
            documents: 0,
            shared_documents: 0,
            shared_stamp: 0,
            kid_miss_unshared: None,
        }
    }

    /// The keys in use, if any loaded yet.
    pub fn keys(&self) -> Option<&Arc<KeySet>> {
        self.keys.as_ref()
    }

    /// Counts key changes: 0 before any keys, one more for each set taken.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The issuer of the last configuration document taken (OpenID sources).
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref().and_then(|list| list.first()).map(String::as_str)
    }

    /// [`KeySource::issuer`] as a one-element list, shared (for the verifier).
    #[cfg(feature = "std")]
    pub(crate) fn issuer_list(&self) -> Option<&Arc<[String]>> {
        self.issuer.as_ref()
    }

    /// The key set URL: configured, or the last one discovered.
    pub fn jwks_uri(&self) -> Option<&str> {
        self.jwks_uri.as_deref()
    }

    /// The configuration document's URL (OpenID sources).
    pub fn configuration_url(&self) -> Option<&str> {
        self.config_url.as_deref()
    }

    /// True for sources that fetch (not [`KeySource::fixed`]).
    pub fn fetches(&self) -> bool {
        self.fetches
    }

    /// Consecutive failed fetches (0 after a success).
    pub fn failures(&self) -> u32 {
        self.schedule.failures
    }

    /// Replaces the keys of a fixed source (e.g. a key file that changed).
    pub fn set_keys(&mut self, keys: KeySet) {
        self.keys = Some(Arc::new(keys));
        self.generation += 1;
    }

    /// A claimed fetch is under way until answered or [`Refresh::fetch_timeout`] after
    /// it started; a clock that stepped back before its start keeps it under way
    /// ([`KeySource::start_fetch`] then counts the timeout from the new time).
    fn in_flight_at(&self, now: u64) -> bool {
        self.schedule
            .in_flight
            .is_some_and(|(_, started)| now < started || now - started < self.options.refresh.fetch_timeout)
    }

    /// Whether a claimed fetch is under way at `now` (not answered, not timed out).
    pub fn fetch_in_flight(&self, now: u64) -> bool {
        self.in_flight_at(now)
    }

    /// Whether a fetch is due at `now` and none is under way.
    pub fn wants_fetch(&self, now: u64) -> bool {
        self.fetches && !self.in_flight_at(now) && (now >= self.schedule.due || self.schedule.kid_miss_pending)
    }

    /// The earliest time a fetch may be due (`None` for fixed sources); `now` or
    /// earlier when one is due already.
    pub fn next_fetch_at(&self) -> Option<u64> {
        if !self.fetches {
            return None;
        }
        match self.schedule.in_flight {
            Some((_, started)) => Some(started.saturating_add(self.options.refresh.fetch_timeout)),
            None if self.schedule.kid_miss_pending => Some(0),
            None => Some(self.schedule.due),
        }
    }

    /// Claims the due fetch: which document, and its URL. `None` when no fetch is due
    /// or one is under way. The caller must answer with [`KeySource::offer`] or
    /// [`KeySource::fetch_failed`].
    pub fn start_fetch(&mut self, now: u64) -> Option<(FetchWhat, &str)> {
        if let Some((_, started)) = &mut self.schedule.in_flight {
            if now < *started {
                *started = now; // the clock stepped back: the timeout counts from now
            }
        }
        if self.schedule.in_flight.is_some() && !self.in_flight_at(now) {
            self.fetch_failed(now); // not answered in time
        }
        if !self.wants_fetch(now) {
            return None;
        }
        let what = self.next_document();
        self.schedule.in_flight = Some((what, now));
        self.schedule.kid_miss_pending = false;
        let url = match what {
            FetchWhat::OpenIdConfiguration => self.config_url.as_deref(),
            FetchWhat::Jwks => self.jwks_uri.as_deref(),
        };
        url.map(|url| (what, url))
    }

    fn next_document(&self) -> FetchWhat {
        if self.config_url.is_some() && (self.schedule.needs_configuration || self.jwks_uri.is_none()) {
            FetchWhat::OpenIdConfiguration
        } else {
            FetchWhat::Jwks
        }
    }

    /// Takes the body of a successful response to the claimed fetch (or, with none
    /// claimed, to the document due next). A document that does not load counts as a
    /// failed fetch: the last good keys stay.
    pub fn offer(&mut self, body: &[u8], now: u64) -> Result<Offered, Error> {
        let what = self.schedule.in_flight.take().map_or_else(|| self.next_document(), |(what, _)| what);
        let taken = match what {
            FetchWhat::OpenIdConfiguration => self.take_configuration(body, now),
            FetchWhat::Jwks => self.take_keys(body, now),
        };
        if taken.is_err() {
            self.fetch_failed(now);
        }
        taken
    }

    /// The issuer and key set URL of a configuration document (not yet taken).
    fn read_configuration(&self, body: &[u8]) -> Result<(String, String), Error> {
        let malformed = |detail| Error::new(Reason::KeySetMalformed, detail);
        if body.len() > self.options.keys.max_len {
            return Err(Error::new(Reason::KeySetTooLarge, "the OpenID configuration document is too large"));
        }
        let document = Object::parse(body).map_err(|_| malformed("the OpenID configuration is not a JSON object"))?;
        let text = |name| match document.get(name) {
            Some(Value::String(s)) => crate::export::string(s).ok(),
            _ => None,
        };
        let issuer = text("issuer")
            .filter(|i| !i.is_empty())
            .ok_or(malformed("the OpenID configuration has no issuer string"))?;
        let jwks_uri = text("jwks_uri").ok_or(malformed("the OpenID configuration has no jwks_uri string"))?;
        check_url(&jwks_uri, self.options.allow_http_loopback).map_err(malformed)?;
        Ok((issuer, jwks_uri))
    }

    fn use_configuration(&mut self, issuer: String, jwks_uri: String) {
        self.issuer = Some(Arc::from([issuer]));
        self.jwks_uri = Some(jwks_uri);
    }

    fn use_keys(&mut self, keys: KeySet) {
        self.keys = Some(Arc::new(keys));
        self.generation += 1;
    }

    /// A document this process fetched joins the documents count.
    fn count_document(&mut self) {
        self.documents = self.documents.max(self.shared_documents).saturating_add(1);
    }

    fn take_configuration(&mut self, body: &[u8], now: u64) -> Result<Offered, Error> {
        let (issuer, jwks_uri) = self.read_configuration(body)?;
        self.use_configuration(issuer.clone(), jwks_uri.clone());
        self.count_document();
        self.schedule.needs_configuration = false;
        // The keys follow at once, whatever made the configuration due (an unknown kid
        // as much as the schedule).
        self.schedule.due = self.schedule.due.min(now);
        Ok(Offered::Configuration { issuer, jwks_uri })
    }

    fn take_keys(&mut self, body: &[u8], now: u64) -> Result<Offered, Error> {
        let keys = KeySet::from_json_with(body, &self.options.keys)?;
        let count = keys.len();
        self.use_keys(keys);
        self.count_document();
        self.schedule.failures = 0;
        self.schedule.due = now.saturating_add(self.options.refresh.interval);
        self.schedule.needs_configuration = self.config_url.is_some();
        Ok(Offered::Keys { count })
    }

    /// The claimed fetch failed: keep the keys, retry after the back-off.
    pub fn fetch_failed(&mut self, now: u64) {
        self.schedule.in_flight = None;
        self.schedule.failures = self.schedule.failures.saturating_add(1);
        let refresh = self.options.refresh;
        let doublings = self.schedule.failures.saturating_sub(1).min(32);
        let wait = refresh.retry_min.saturating_mul(1u64 << doublings).min(refresh.retry_max);
        self.schedule.due = now.saturating_add(wait);
    }

    /// A token named a `kid` no key has: fetch at once, unless a fetch for that reason
    /// started less than [`Refresh::kid_miss_interval`] ago. Returns whether a fetch
    /// is now due for it.
    pub fn key_not_found(&mut self, now: u64) -> bool {
        if !self.fetches || self.keys.is_none() {
            return false; // a cold source fetches anyway
        }
        let due = self.mark_kid_miss(now);
        if due {
            self.kid_miss_unshared = Some(now);
        }
        due
    }

    fn mark_kid_miss(&mut self, now: u64) -> bool {
        let interval = self.options.refresh.kid_miss_interval;
        if self.schedule.last_kid_miss.is_some_and(|t| now >= t && now - t < interval) {
            return false;
        }
        self.schedule.last_kid_miss = Some(now);
        self.schedule.kid_miss_pending = true;
        true
    }

    // ------------------------------------------------------ sharing between processes

    /// The name of this source's shared record: sources of the same name fetch the same
    /// document (kind and URL) on the same schedule and load it with the same options,
    /// so they may share one record and its documents. `None` for a fixed source. Safe
    /// to log (URLs hold no spaces or control characters).
    pub fn shared_name(&self) -> Option<String> {
        if !self.fetches {
            return None;
        }
        let (kind, url) = match &self.config_url {
            Some(url) => ("openid", url.as_str()),
            None => ("jwks", self.jwks_uri.as_deref().unwrap_or("")),
        };
        let (r, k) = (self.options.refresh, self.options.keys);
        Some(alloc::format!(
            "{kind} {url} refresh={},{},{},{},{} keys={},{},{} loopback={}",
            r.interval,
            r.kid_miss_interval,
            r.retry_min,
            r.retry_max,
            r.fetch_timeout,
            k.max_len,
            u8::from(k.allow_small_rsa_exponent),
            u8::from(k.allow_symmetric),
            u8::from(self.options.allow_http_loopback),
        ))
    }

    /// Whether this source must sync with its shared record (see [`crate::shared_state`])
    /// before deciding on a fetch: the record's `stamp` (read without the lock, a hint)
    /// differs from the last one seen, a fetch is due by the schedule this source last
    /// saw, or an unknown `kid` seen here is not shared yet. A fixed source never syncs.
    pub fn sync_due(&self, stamp: u64, now: u64) -> bool {
        self.fetches && (stamp != self.shared_stamp || self.wants_fetch(now) || self.kid_miss_unshared.is_some())
    }

    /// Under the caller's lock: takes the schedule in `shared` as this source's (an
    /// unknown `kid` seen here since the last sync is applied to it), when `shared`
    /// holds a record. Returns whether the record counts more documents than this
    /// source has taken: the caller then hands the stored ones to
    /// [`KeySource::adopt`]. A fixed source takes nothing (`false`).
    pub fn load_shared(&mut self, shared: &[u8; SHARED_STATE_LEN]) -> bool {
        let Some(record) = Record::decode(shared).filter(|_| self.fetches) else {
            return false;
        };
        self.schedule = record.schedule;
        self.shared_documents = record.documents;
        self.shared_stamp = record.stamp;
        if let Some(at) = self.kid_miss_unshared.take() {
            if self.keys.is_some() {
                self.mark_kid_miss(at);
            }
        }
        record.documents > self.documents
    }

    /// Takes the documents another process fetched, as stored beside the shared record
    /// ([`KeySource::load_shared`] said so): the last configuration document (OpenID
    /// sources) and the last key set, each optional. The schedule is the record's and
    /// does not change. Both documents are read before either is used; a document that
    /// does not load leaves this source as it was (the process that fetched it had
    /// loaded it, so this is a caller's error or a corrupted store). Returns whether the
    /// keys changed.
    pub fn adopt(&mut self, configuration: Option<&[u8]>, keys: Option<&[u8]>) -> Result<bool, Error> {
        if !self.fetches {
            return Err(Error::new(Reason::PolicyInvalid, "a fixed key source takes keys only from set_keys"));
        }
        let configuration = match configuration.filter(|_| self.config_url.is_some()) {
            Some(body) => Some(self.read_configuration(body)?),
            None => None,
        };
        let keys = match keys {
            Some(body) => Some(KeySet::from_json_with(body, &self.options.keys)?),
            None => None,
        };
        if let Some((issuer, jwks_uri)) = configuration {
            self.use_configuration(issuer, jwks_uri);
        }
        let changed = keys.is_some();
        if let Some(keys) = keys {
            self.use_keys(keys);
        }
        self.documents = self.shared_documents;
        Ok(changed)
    }

    /// Under the caller's lock: writes this source's schedule into `shared`, with a new
    /// stamp when anything in it changed. Returns the stamp, to be published where
    /// other processes read it without the lock. A fixed source writes nothing (0).
    pub fn save_shared(&mut self, shared: &mut [u8; SHARED_STATE_LEN]) -> u64 {
        if !self.fetches {
            return 0;
        }
        let before = Record::decode(shared);
        let mut record = Record {
            schedule: self.schedule,
            documents: self.documents.max(self.shared_documents),
            stamp: before.map_or(0, |r| r.stamp),
        };
        // A saved record's stamp is never 0 (what a process that never synced holds).
        if before != Some(record) || record.stamp == 0 {
            record.stamp = record.stamp.wrapping_add(1).max(1);
        }
        record.encode(shared);
        self.shared_documents = record.documents;
        self.shared_stamp = record.stamp;
        record.stamp
    }
}

/// A fetching source's URL and refresh times are acceptable (`PolicyInvalid` if not).
fn check_options(url: &str, options: &SourceOptions) -> Result<(), Error> {
    check_url(url, options.allow_http_loopback).map_err(|detail| Error::new(Reason::PolicyInvalid, detail))?;
    options.refresh.check()
}

/// Checks a URL a source fetches (see the module contract); the detail on failure.
pub fn check_url(url: &str, allow_http_loopback: bool) -> Result<(), &'static str> {
    if url.len() > MAX_URL_LEN {
        return Err("the URL is longer than 2048 bytes");
    }
    if url.bytes().any(|b| b <= b' ' || b == 0x7f) {
        return Err("the URL contains a space or a control character");
    }
    let scheme_end = url.find("://").ok_or("the URL is not absolute (no scheme)")?;
    let (scheme, rest) = (&url[..scheme_end], &url[scheme_end + 3..]);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    if host.is_empty() || authority.contains('@') {
        return Err("the URL has no host, or carries credentials");
    }
    if scheme.eq_ignore_ascii_case("https") {
        return Ok(());
    }
    if !scheme.eq_ignore_ascii_case("http") {
        return Err("the URL is not https");
    }
    if !allow_http_loopback {
        return Err("the URL is not https (plain http is allowed only to a loopback host, when enabled)");
    }
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    if is_loopback_host(name) {
        Ok(())
    } else {
        Err("the URL is plain http to a host that is not loopback")
    }
}

/// True for the hosts plain `http` may reach when allowed: `localhost` (any case),
/// `::1` (also in brackets) and `127.x.x.x` written as four decimal octets.
pub fn is_loopback_host(host: &str) -> bool {
    let name = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    name.eq_ignore_ascii_case("localhost")
        || name == "::1"
        || (name.starts_with("127.") && name.split('.').count() == 4 && name.split('.').all(is_octet))
}

fn is_octet(part: &str) -> bool {
    !part.is_empty()
        && part.len() <= 3
        && part.bytes().all(|b| b.is_ascii_digit())
        && part.parse::<u16>().is_ok_and(|n| n <= 255)
}

#[cfg(test)]
mod tests {
    use super::FetchWhat;

    #[test]
    fn fetches_are_named() {
        assert_eq!(FetchWhat::OpenIdConfiguration.name(), "openid-configuration");
        assert_eq!(FetchWhat::Jwks.name(), "jwks");
    }
}
