//! Bodies of the fuzz targets. Each function takes the fuzzer's input, runs it through
//! jwtguard-core and asserts the invariants that must hold for *every* input; a panic
//! here is a finding. `fuzz/fuzz_targets/*.rs` call these under libFuzzer, and
//! `tests/replay.rs` replays the committed corpora through them on stable Rust.

pub mod apim;
pub mod backends;
pub mod c_abi;
pub mod json_tree;
pub mod jwe;
pub mod keys;
pub mod sources;
pub mod structured;

pub use apim::apim_policy;
pub use jwe::jwe;
pub use sources::sources;
pub use structured::{structured, StructuredToken};

use jwtguard_core::json::{JsonError, Object};
use jwtguard_core::{fuzzing, jws, verify as verify_token, KeySet, Reason, DEFAULT_MAX_TOKEN_LEN};

/// The `now` values every token is checked at.
pub const NOWS: [u64; 4] = [0, 1_700_000_000, 1_700_000_000 + 86_400 * 365, u64::MAX];

/// `jws`: arbitrary bytes as a compact token through the JWS layer, against a key set
/// that holds only an ES256 key (so the whole path must also be allocation-free; the
/// fuzz target checks that with a counting allocator).
pub fn jws(data: &[u8]) {
    let keys = keys::es256_only();
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    match jws::verify(data, keys, &jws::JwsRules::default(), &mut scratch) {
        Ok(verified) => {
            assert!(verified.payload().len() <= data.len());
            assert_eq!(verified.header().alg(), jwtguard_core::Algorithm::ES256);
        }
        Err(e) => assert!(is_token_or_key_reason(e.reason()), "{e}"),
    }
}

/// `jwks`: arbitrary bytes as a JWK set or a single JWK.
pub fn jwks(data: &[u8]) {
    match KeySet::from_json(data) {
        Ok(keys) => {
            assert!(!keys.is_empty() && keys.len() <= jwtguard_core::MAX_KEYS);
            assert!(keys.len() + keys.rejected().len() <= jwtguard_core::MAX_KEYS);
            let mut kids: Vec<&str> = keys.keys().iter().filter_map(|k| k.kid()).collect();
            let before = kids.len();
            kids.sort_unstable();
            kids.dedup();
            assert_eq!(before, kids.len(), "two usable keys share a kid");
            for key in keys.keys() {
                let _ = key.verify_message(jwtguard_core::Algorithm::ES256, data, &[1; 64]);
            }
        }
        Err(e) => assert!(e.reason().code() >= 100 && e.reason().code() < 200, "{e}"),
    }
}

/// `verify`: arbitrary bytes as a token against fixed RS256 and ES256 keys and a policy
/// with every rule on, at several `now` values.
pub fn verify(data: &[u8]) {
    let keys = keys::rs256_and_es256();
    let policy = keys::strict_policy();
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    for now in NOWS {
        match verify_token(data, keys, policy, now, &mut scratch) {
            Ok(token) => assert_accepted_claims_hold(token.claims().raw(), now),
            Err(e) => assert!(is_token_or_key_reason(e.reason()), "{e}"),
        }
    }
}

/// `claims`: arbitrary bytes as a token payload through the claim rules (no signature).
pub fn claims(data: &[u8]) {
    let policy = keys::strict_policy();
    for now in NOWS {
        match fuzzing::check_claims(data, policy, now) {
            Ok(()) => {
                assert_accepted_claims_hold(data, now);
                assert_exported_text_is_safe(data);
            }
            Err(e) => assert!(
                e.reason() == Reason::TokenMalformed || (10..=17).contains(&e.reason().code()),
                "claim rules gave a non-claim reason: {e}"
            ),
        }
    }
}

/// `json`: the strict reader against `serde_json`. Whenever ours accepts, serde_json
/// accepts too and both agree on every member name and string value; when ours reports
/// a duplicate, serde_json (which would silently keep one) sees the duplicate too. The
/// validation that hands members to the header and claim readers accepts the same
/// documents, and each member it hands over compares equal to its own text.
pub fn json(data: &[u8]) {
    let theirs = json_tree::parse(data);
    // The readers that pick members out during validation see the same document.
    let visited = jwtguard_core::fuzzing::visited_members_agree(data);
    assert_ne!(visited, Some(false), "a visited member does not compare equal to its own text");
    assert_eq!(visited.is_some(), Object::parse(data).is_ok(), "visiting and plain validation disagree");
    match Object::parse(data) {
        Ok(ours) => match theirs {
            Some(theirs) => json_tree::assert_same_object(ours, &theirs),
            None => assert!(
                json_tree::refused_for_number_range(data),
                "serde_json rejects a document the strict reader accepted"
            ),
        },
        Err(JsonError::DuplicateMember) => {
            if let Some(tree) = theirs {
                assert!(tree.has_duplicate_member(), "strict reader saw a duplicate serde_json does not");
            }
        }
        Err(_) => {}
    }
}

/// `ffi`: the C ABI entry points with arbitrary lengths, bytes and output capacities
/// (see [`c_abi`] for the input layout), against the fixture key set when
/// the input asks for it.
pub fn ffi(data: &[u8]) {
    c_abi::exercise(data, keys::fixture_jwks(), keys::AUDIENCE, keys::ISSUER, 1_700_000_000);
}

/// Every reason a token verification may legitimately produce (token reasons, and the
/// key reasons reported for a `kid` naming a rejected key).
/// Every member of an accepted payload exported as text (as the C ABI and nginx do)
/// holds no control byte, and a joined array never holds its separator inside an
/// element: the element count can be read back.
fn assert_exported_text_is_safe(payload: &[u8]) {
    let Ok(object) = Object::parse(payload) else { return };
    for (_, value) in object.members() {
        for separator in [",", " ", ""] {
            let Ok(text) = jwtguard_core::export::claim_text(value, separator) else { continue };
            assert!(jwtguard_core::export::is_safe(&text), "exported text holds a control byte: {text:?}");
            if let (Some(array), false) = (value.as_array(), separator.is_empty()) {
                let elements = array.iter().count();
                if elements > 0 {
                    assert_eq!(text.split(separator).count(), elements, "ambiguous join of {text:?}");
                }
            }
        }
    }
}

fn is_token_or_key_reason(reason: Reason) -> bool {
    reason.code() < 100 || (104..=109).contains(&reason.code())
}

/// For an accepted payload, the rules hold when read independently with serde_json.
pub(crate) fn assert_accepted_claims_hold(payload: &[u8], now: u64) {
    let claims: serde_json::Value = match serde_json::from_slice(payload) {
        Ok(claims) => claims,
        // serde_json refuses numbers beyond f64 (`1e400`) that RFC 8259 allows; such a
        // payload cannot be cross-checked this way.
        Err(_) if json_tree::refused_for_number_range(payload) => return,
        Err(e) => panic!("accepted payload is not JSON to serde_json: {e}"),
    };
    let exp = claims["exp"].as_f64().expect("accepted token has a numeric exp");
    assert!(exp.floor() > now.saturating_sub(keys::SKEW) as f64, "accepted an expired token");
    if let Some(nbf) = claims.get("nbf") {
        let nbf = nbf.as_f64().expect("nbf is numeric");
        assert!(nbf.ceil() <= now.saturating_add(keys::SKEW) as f64);
    }
    let aud_ok = match &claims["aud"] {
        serde_json::Value::String(a) => a == keys::AUDIENCE,
        serde_json::Value::Array(items) => items.iter().any(|a| a == keys::AUDIENCE),
        _ => false,
    };
    assert!(aud_ok, "accepted token without the audience");
    assert_eq!(claims["iss"], keys::ISSUER, "accepted token from another issuer");
    let wanted = |s: &str| s == "Files.Read" || s == "Mail.Send";
    let scope_ok = match &claims["scp"] {
        serde_json::Value::String(s) => s.split(' ').any(wanted),
        serde_json::Value::Array(items) => items.iter().any(|i| i.as_str().is_some_and(wanted)),
        _ => false,
    };
    assert!(scope_ok, "accepted token without a required scope");
}
