//! A bounded memory of tokens that already verified (the `std` feature).
//!
//! Security contract:
//! - An entry is found only by the **whole token, compared byte for byte** (the hash
//!   map's key is the token itself; the hash only picks a bucket, SipHash with a
//!   per-process random key, so crafted collisions cannot slow lookups down).
//! - An entry is returned only for a `now` in `[stored, deadline)`: never at or after
//!   its deadline (the earlier of the token's `exp`, without clock skew, and the time it
//!   was stored plus the cache's TTL), and never before the time it was stored: after
//!   the clock steps back, a token that was valid then may not be valid yet (`nbf`),
//!   so it is verified again in full.
//! - Only successes are stored; a failed verification never enters the cache.
//! - Bounded: at most `capacity` entries of at most `max_token_len` bytes each; the
//!   least recently used entry is evicted first. Capacity 0 disables the cache.
//! - The cache does not know which key set and policy verified its entries: whoever
//!   owns it must [`clear`](TokenCache::clear) it when either changes (the C ABI and
//!   the Python binding do so automatically).
//!
//! `now` comes from the caller, as everywhere in the core.

use alloc::sync::Arc;
use alloc::vec::Vec;
use std::collections::HashMap;

/// Default number of entries when a binding enables the cache without a size.
pub const DEFAULT_CACHE_CAPACITY: usize = 1024;
/// Default longest time, in seconds, an entry is trusted without re-verification.
pub const DEFAULT_CACHE_TTL: u64 = 300;

const NONE: usize = usize::MAX;

struct Slot<V> {
    /// Both `None` once the slot is free, so a removed entry is dropped at once.
    token: Option<Arc<[u8]>>,
    value: Option<V>,
    stored: u64,
    deadline: u64,
    newer: usize,
    older: usize,
}

/// Verified tokens by their exact bytes, least recently used evicted first.
///
/// `V` is what the owner wants back on a hit (a verified token, claims converted for
/// a language binding, …).
pub struct TokenCache<V> {
    index: HashMap<Arc<[u8]>, usize>,
    slots: Vec<Slot<V>>,
    free: Vec<usize>,
    newest: usize,
    oldest: usize,
    capacity: usize,
    ttl: u64,
    max_token_len: usize,
}

impl<V> TokenCache<V> {
    /// A cache of at most `capacity` entries, each trusted for at most `ttl` seconds
    /// and never past its token's `exp`. Tokens longer than
    /// [`crate::DEFAULT_MAX_TOKEN_LEN`] are not stored.
    pub fn new(capacity: usize, ttl: u64) -> Self {
        TokenCache {
            index: HashMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            newest: NONE,
            oldest: NONE,
            capacity,
            ttl,
            max_token_len: crate::DEFAULT_MAX_TOKEN_LEN,
        }
    }

    /// The most entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The longest time, in seconds, an entry is trusted.
    pub fn ttl(&self) -> u64 {
        self.ttl
    }

    /// Entries held now (some may be past their deadline and not yet dropped).
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when no entry is held.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Forgets every entry: call it whenever the key set or the policy changes.
    pub fn clear(&mut self) {
        self.index.clear();
        self.slots.clear();
        self.free.clear();
        self.newest = NONE;
        self.oldest = NONE;
    }

    /// The value stored for exactly these token bytes, if stored and `now` lies between
    /// the time it was stored and its deadline; an entry found outside that window is
    /// dropped. A hit makes the entry the most recently used.
    pub fn get(&mut self, token: &[u8], now: u64) -> Option<&V> {
        let at = *self.index.get(token)?;
        if now >= self.slots[at].deadline || now < self.slots[at].stored {
            self.remove(at);
            return None;
        }
        self.unlink(at);
        self.push_newest(at);
        self.slots[at].value.as_ref()
    }

    /// Stores `value` for a token that verified at `now` and carries `exp` (`None`
    /// when it has no `exp` claim). Nothing is stored when the cache is disabled, the
    /// token is too long, or the deadline is not after `now`. Evicts the least
    /// recently used entry when full.
    pub fn insert(&mut self, token: &[u8], value: V, now: u64, exp: Option<u64>) {
        let deadline = now.saturating_add(self.ttl).min(exp.unwrap_or(u64::MAX));
        if self.capacity == 0 || token.len() > self.max_token_len || deadline <= now {
            return;
        }
        if let Some(&at) = self.index.get(token) {
            self.remove(at);
        }
        if self.index.len() >= self.capacity {
            self.remove(self.oldest);
        }
        let token: Arc<[u8]> = Arc::from(token);
        let slot =
            Slot { token: Some(token.clone()), value: Some(value), stored: now, deadline, newer: NONE, older: NONE };
        let at = match self.free.pop() {
            Some(at) => {
                self.slots[at] = slot;
                at
            }
            None => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        };
        self.index.insert(token, at);
        self.push_newest(at);
    }

    fn remove(&mut self, at: usize) {
        if at == NONE {
            return;
        }
        self.unlink(at);
        if let Some(token) = self.slots[at].token.take() {
            self.index.remove(&token[..]);
        }
        self.slots[at].value = None;
        self.free.push(at);
    }

    fn unlink(&mut self, at: usize) {
        let (newer, older) = (self.slots[at].newer, self.slots[at].older);
        match newer {
            NONE => self.newest = older,
            n => self.slots[n].older = older,
        }
        match older {
            NONE => self.oldest = newer,
            o => self.slots[o].newer = newer,
        }
        self.slots[at].newer = NONE;
        self.slots[at].older = NONE;
    }

    fn push_newest(&mut self, at: usize) {
        self.slots[at].older = self.newest;
        self.slots[at].newer = NONE;
        match self.newest {
            NONE => self.oldest = at,
            n => self.slots[n].newer = at,
        }
        self.newest = at;
    }
}

impl<V> core::fmt::Debug for TokenCache<V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        // Never the tokens themselves: they are bearer credentials.
        f.debug_struct("TokenCache")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .finish()
    }
}
