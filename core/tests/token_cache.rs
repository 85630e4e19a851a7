//! The verified-token cache: exact-bytes lookup, deadlines, LRU bound, clearing.
#![cfg(feature = "std")]

use jwtguard_core::TokenCache;

const NOW: u64 = 1_700_000_000;

#[test]
fn a_stored_token_is_found_by_its_exact_bytes_only() {
    let mut cache = TokenCache::new(8, 300);
    cache.insert(b"header.payload.signature", 1, NOW, Some(NOW + 3600));
    assert_eq!(cache.get(b"header.payload.signature", NOW + 1), Some(&1));
    assert_eq!(cache.get(b"header.payload.signaturf", NOW + 1), None);
    assert_eq!(cache.get(b"header.payload.signatur", NOW + 1), None);
    assert_eq!(cache.get(b"header.payload.signature.", NOW + 1), None);
}

#[test]
fn an_entry_is_never_returned_at_or_after_exp() {
    let mut cache = TokenCache::new(8, 300);
    cache.insert(b"t", 1, NOW, Some(NOW + 10));
    assert_eq!(cache.get(b"t", NOW + 9), Some(&1));
    assert_eq!(cache.get(b"t", NOW + 10), None);
    assert!(cache.is_empty(), "an expired entry is dropped when found");
}

/// After the clock steps back, an entry is not served at a `now` before the one it was
/// verified at: the token may not be valid yet then (`nbf`), so it is verified again.
#[test]
fn an_entry_is_never_returned_before_it_was_stored() {
    let mut cache = TokenCache::new(8, 300);
    cache.insert(b"t", 1, NOW, Some(NOW + 3600));
    assert_eq!(cache.get(b"t", NOW), Some(&1));
    assert_eq!(cache.get(b"t", NOW - 1), None);
    assert!(cache.is_empty(), "an entry found before its time is dropped");
}

#[test]
fn an_entry_is_never_returned_after_the_ttl() {
    let mut cache = TokenCache::new(8, 60);
    cache.insert(b"t", 1, NOW, Some(NOW + 3600));
    assert_eq!(cache.get(b"t", NOW + 59), Some(&1));
    assert_eq!(cache.get(b"t", NOW + 60), None);
    cache.insert(b"no-exp", 2, NOW, None);
    assert_eq!(cache.get(b"no-exp", NOW + 59), Some(&2));
    assert_eq!(cache.get(b"no-exp", NOW + 60), None, "a token without exp lives for the TTL only");
}

#[test]
fn nothing_is_stored_when_disabled_too_long_or_already_expired() {
    let mut disabled = TokenCache::new(0, 300);
    disabled.insert(b"t", 1, NOW, None);
    assert_eq!(disabled.get(b"t", NOW), None);

    let mut cache = TokenCache::new(8, 300);
    let long = vec![b'a'; jwtguard_core::DEFAULT_MAX_TOKEN_LEN + 1];
    cache.insert(&long, 1, NOW, None);
    cache.insert(b"expired", 2, NOW, Some(NOW));
    assert!(cache.is_empty());
    let mut zero_ttl = TokenCache::new(8, 0);
    zero_ttl.insert(b"t", 1, NOW, None);
    assert!(zero_ttl.is_empty());
}

#[test]
fn the_least_recently_used_entry_is_evicted_first() {
    let mut cache = TokenCache::new(3, 300);
    for (i, t) in [b"a", b"b", b"c"].into_iter().enumerate() {
        cache.insert(t, i, NOW, None);
    }
    assert_eq!(cache.get(b"a", NOW), Some(&0), "a becomes the most recently used");
    cache.insert(b"d", 3, NOW, None);
    assert_eq!(cache.len(), 3);
    assert_eq!(cache.get(b"b", NOW), None, "b was the least recently used");
    assert_eq!(cache.get(b"a", NOW), Some(&0));
    assert_eq!(cache.get(b"c", NOW), Some(&2));
    assert_eq!(cache.get(b"d", NOW), Some(&3));
    cache.insert(b"e", 4, NOW, None);
    assert_eq!(cache.get(b"a", NOW), None, "a is now the oldest");
}

#[test]
fn storing_a_token_again_replaces_its_entry() {
    let mut cache = TokenCache::new(2, 300);
    cache.insert(b"t", 1, NOW, Some(NOW + 5));
    cache.insert(b"t", 2, NOW + 1, Some(NOW + 100));
    assert_eq!(cache.len(), 1);
    assert_eq!(cache.get(b"t", NOW + 50), Some(&2));
}

#[test]
fn clear_forgets_everything_and_the_cache_is_usable_after() {
    let mut cache = TokenCache::new(4, 300);
    cache.insert(b"a", 1, NOW, None);
    cache.insert(b"b", 2, NOW, None);
    cache.clear();
    assert!(cache.is_empty());
    assert_eq!(cache.get(b"a", NOW), None);
    cache.insert(b"c", 3, NOW, None);
    assert_eq!(cache.get(b"c", NOW), Some(&3));
}

#[test]
fn a_long_churn_stays_bounded_and_consistent() {
    let mut cache = TokenCache::new(64, 1_000);
    for i in 0u64..10_000 {
        let token = format!("token-{}", i % 200);
        let now = NOW + i / 10;
        match cache.get(token.as_bytes(), now) {
            Some(&stored) => assert_eq!(stored % 200, i % 200, "a hit returns that token's value"),
            None => cache.insert(token.as_bytes(), i, now, Some(now + (i % 50))),
        }
        assert!(cache.len() <= 64);
    }
}

#[test]
fn debug_output_never_shows_a_token() {
    let mut cache = TokenCache::new(4, 300);
    cache.insert(b"secret-bearer-token", 1, NOW, None);
    let shown = format!("{cache:?}");
    assert!(!shown.contains("secret"), "{shown}");
    assert!(shown.contains("len: 1"), "{shown}");
}
