//! A set of prepared verification keys, loaded once from a JWK set or a single JWK.
//!
//! Security contract:
//! - The document is size-checked ([`KeyOptions::max_len`]) and parsed strictly before
//!   any key is examined; at most [`MAX_KEYS`] entries are examined.
//! - Keys of a type or use jwtguard cannot verify with (other `kty`, other curves,
//!   `use: enc`, keys bound to other algorithms, and symmetric `oct` keys unless
//!   [`KeyOptions::allow_symmetric`] is set) are skipped, not fatal: providers
//!   publish such keys beside their signing keys. Keys of a supported type that fail
//!   validation (too short, bad exponent, point off the curve, bad base64) are skipped
//!   too, and remembered: a token naming such a key gets that key's precise reason.
//! - A set with no usable key is an error, as are two usable keys sharing a `kid`, or
//!   a usable key sharing its `kid` with a broken one (a lookup must name exactly one
//!   key).
//! - Symmetric (oct) keys only load in a set of their own: beside asymmetric keys they
//!   are skipped as `KeyUnsupported`.
//! - Fixed capacity, no allocation for the set itself (RSA key material allocates when
//!   the `alloc` feature is on).

use crate::error::{Error, Reason};
use crate::json::{Array, Object, Str, Value};
use crate::jwk::{self, Key, KeyOptions, Problem, MAX_KID_LEN};
use crate::text::Text;

/// Most entries a key set may hold (usable or not); larger sets are rejected.
pub const MAX_KEYS: usize = 32;
/// Most rejected keys remembered for diagnostics (equal to [`MAX_KEYS`]).
pub const MAX_REJECTED_KEYS: usize = MAX_KEYS;

/// A key that was present in the document but could not be used, and why.
#[derive(Clone, Debug)]
pub struct RejectedKey {
    kid: Option<Text<MAX_KID_LEN>>,
    reason: Reason,
    detail: &'static str,
}

impl RejectedKey {
    /// The rejected key's `kid`, when it had a readable one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_ref().map(Text::as_str)
    }
    /// Why it was rejected.
    pub fn reason(&self) -> Reason {
        self.reason
    }
    /// The rule it failed.
    pub fn detail(&self) -> &'static str {
        self.detail
    }
    /// The rejection as an [`Error`].
    pub fn error(&self) -> Error {
        Error::new(self.reason, self.detail)
    }
}

/// Prepared keys, immutable once loaded and safe to share between threads.
#[derive(Clone, Debug)]
pub struct KeySet {
    keys: heapless::Vec<Key, MAX_KEYS>,
    rejected: heapless::Vec<RejectedKey, MAX_REJECTED_KEYS>,
}

/// How a token's key identifier resolved against the set.
pub(crate) enum Lookup<'k, F = &'k Key> {
    /// Exactly this key is named.
    Found(F),
    /// The identifier names a key the set rejected at load time.
    Rejected(&'k RejectedKey),
    /// Nothing in the set carries the identifier.
    Missing,
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet::new()
    }
}

impl KeySet {
    /// Loads a JWK set (`{"keys":[...]}`) or a single JWK with default [`KeyOptions`].
    pub fn from_json(document: &[u8]) -> Result<KeySet, Error> {
        KeySet::from_json_with(document, &KeyOptions::default())
    }

    /// Loads a JWK set or a single JWK. A single JWK must itself be usable (its
    /// precise rejection is returned); a set must hold at least one usable key.
    pub fn from_json_with(document: &[u8], options: &KeyOptions) -> Result<KeySet, Error> {
        let mut set = KeySet::new();
        set.load_json_with(document, options)?;
        Ok(set)
    }

    /// A set with no key, to be filled in place by [`KeySet::load_json_with`]. It
    /// verifies nothing.
    pub const fn new() -> KeySet {
        KeySet { keys: heapless::Vec::new(), rejected: heapless::Vec::new() }
    }

    /// [`KeySet::from_json_with`] into this set, replacing what it held, without a
    /// second set on the stack: a set is about 24 KiB (32 key slots), and a program
    /// without a heap keeps one in a `static` and fills it here. On error the set is
    /// left empty, so it verifies nothing rather than something stale.
    pub fn load_json_with(&mut self, document: &[u8], options: &KeyOptions) -> Result<(), Error> {
        self.keys.clear();
        self.rejected.clear();
        let loaded = self.fill(document, options);
        if loaded.is_err() {
            self.keys.clear();
            self.rejected.clear();
        }
        loaded
    }

    fn fill(&mut self, document: &[u8], options: &KeyOptions) -> Result<(), Error> {
        options.check_len(document.len())?;
        let root = Object::parse(document).map_err(|e| Error::new(Reason::KeySetMalformed, e.describe()))?;
        match (root.get("keys"), root.get("kty")) {
            (Some(_), Some(_)) => Err(Error::new(Reason::KeySetMalformed, "document has both keys and kty")),
            (Some(Value::Array(entries)), None) => self.fill_entries(entries, options),
            (Some(_), None) => Err(Error::new(Reason::KeySetMalformed, "keys is not an array")),
            (None, Some(_)) => {
                let key = jwk::parse(root, options).map_err(|(reason, detail)| Error::new(reason, detail))?;
                self.keys.push(key).map_err(|_| Error::from(Reason::KeySetTooLarge))
            }
            (None, None) => Err(Error::new(Reason::KeySetMalformed, "document is neither a JWK set nor a JWK")),
        }
    }

    fn fill_entries(&mut self, entries: Array<'_>, options: &KeyOptions) -> Result<(), Error> {
        if entries.iter().count() > MAX_KEYS {
            return Err(Error::new(Reason::KeySetTooLarge, "key set holds more than 32 keys"));
        }
        let set = self;
        for entry in entries.iter() {
            let Value::Object(object) = entry else {
                return Err(Error::new(Reason::KeySetMalformed, "keys holds a non-object"));
            };
            match jwk::parse(object, options) {
                Ok(key) => set.add(key)?,
                Err(problem) => set.remember(jwk::kid_of(&object), problem),
            }
        }
        set.keep_symmetric_keys_apart();
        if set.keys.is_empty() {
            // Report a broken key of a supported type precisely; unsupported kinds
            // (other kty, curves, uses) just mean there is nothing to verify with.
            let broken = set.rejected.iter().find(|r| r.reason != Reason::KeyUnsupported);
            let symmetric_refused = set.rejected.iter().any(|r| r.detail == jwk::SYMMETRIC_REFUSED);
            return Err(match broken {
                Some(r) => r.error(),
                None if symmetric_refused => Error::new(
                    Reason::KeySetNoUsableKey,
                    "key set contains no usable signing key (its oct keys need allow_symmetric)",
                ),
                None => Error::new(Reason::KeySetNoUsableKey, "key set contains no usable signing key"),
            });
        }
        // A kid must name one key: a broken key of a supported type sharing it with a
        // usable key makes the lookup ambiguous (unusable kinds, e.g. `use: enc`, never
        // compete and may share it).
        let ambiguous = set
            .rejected
            .iter()
            .filter(|r| r.reason != Reason::KeyUnsupported)
            .any(|r| r.kid().is_some_and(|kid| set.keys.iter().any(|k| k.kid() == Some(kid))));
        if ambiguous {
            return Err(Error::new(Reason::KeySetDuplicateKid, "a usable key and a broken key share one kid"));
        }
        Ok(())
    }

    /// Symmetric keys live in a key set of their own: in a set that also holds
    /// asymmetric keys the oct keys are skipped and remembered, so no HS* token can be
    /// checked against a set an identity provider published (Wycheproof's "mixed
    /// symmetry key set").
    fn keep_symmetric_keys_apart(&mut self) {
        let is_oct = |k: &Key| matches!(k.kind(), crate::KeyKind::Oct { .. });
        if !(self.keys.iter().any(is_oct) && self.keys.iter().any(|k| !is_oct(k))) {
            return;
        }
        for key in self.keys.iter().filter(|k| is_oct(k)) {
            // Capacity equals MAX_KEYS, which bounds the entries examined, so this fits.
            let _ = self.rejected.push(RejectedKey {
                kid: key.kid.clone(),
                reason: Reason::KeyUnsupported,
                detail:
                    "oct key in a key set that also holds asymmetric keys: load symmetric keys as a set of their own",
            });
        }
        self.keys.retain(|k| !is_oct(k));
    }

    fn add(&mut self, key: Key) -> Result<(), Error> {
        if let Some(kid) = key.kid() {
            if self.keys.iter().any(|k| k.kid() == Some(kid)) {
                return Err(Error::new(Reason::KeySetDuplicateKid, "two usable keys share one kid"));
            }
        }
        self.keys.push(key).map_err(|_| Error::from(Reason::KeySetTooLarge))
    }

    fn remember(&mut self, kid: Option<Text<MAX_KID_LEN>>, (reason, detail): Problem) {
        // Capacity equals MAX_KEYS, which bounds the entries examined, so this fits.
        let _ = self.rejected.push(RejectedKey { kid, reason, detail });
    }

    /// The usable keys, in document order.
    pub fn keys(&self) -> &[Key] {
        &self.keys
    }

    /// Keys present in the document that could not be used, with reasons (for logs).
    pub fn rejected(&self) -> &[RejectedKey] {
        &self.rejected
    }

    /// Number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when there is no usable key (never the case for a loaded set).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The usable key with this `kid`, if any.
    pub fn get(&self, kid: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.kid() == Some(kid))
    }

    /// Resolves a token's `kid` (compared after JSON unescaping).
    pub(crate) fn lookup_kid(&self, kid: Str<'_>) -> Lookup<'_> {
        if let Some(key) = self.keys.iter().find(|k| k.kid().is_some_and(|id| kid.eq_str(id))) {
            return Lookup::Found(key);
        }
        match self.rejected.iter().find(|r| r.kid().is_some_and(|id| kid.eq_str(id))) {
            Some(r) => Lookup::Rejected(r),
            None => Lookup::Missing,
        }
    }
}
