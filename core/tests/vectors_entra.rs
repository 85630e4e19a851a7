//! Real Microsoft Entra ID tokens with the key sets published when they were issued
//! (`tests/vectors/entra/`, see its README.md and cases.json).
//!
//! Each of the seven tokens must verify at `verify_at` with its own key set and a
//! policy naming its `aud` and `iss` (keys' own `issuer` enforced), and must fail with
//! the expected reason when exactly one thing changes: one payload byte, `now`,
//! the audience, the issuer, or the key set (its key removed).

mod support;

use support::vectors as common;

use common::{b64url, b64url_decode, jws_verify, read_json, read_vector, JwsOutcome};
use jwtguard_core::jws::JwsRules;
use jwtguard_core::{verify, verify_owned, Algorithm, KeyKind, KeySet, Policy, Reason};
use serde_json::Value;

const EXPECTED_CASES: usize = 7;

struct Case {
    token_file: String,
    jwks_file: String,
    token: Vec<u8>,
    jwks: Value,
    kid: Option<String>,
    x5t: Option<String>,
    iss: String,
    aud: String,
    tid: String,
    ver: String,
    iat: u64,
    nbf: u64,
    exp: u64,
    verify_at: u64,
}

fn text(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap_or_else(|| panic!("cases.json: {name} is not a string in {v}")).to_owned()
}

fn number(v: &Value, name: &str) -> u64 {
    v[name].as_u64().unwrap_or_else(|| panic!("cases.json: {name} is not an integer in {v}"))
}

fn cases() -> Vec<Case> {
    let doc = read_json("entra/cases.json");
    let list = doc["cases"].as_array().expect("cases.json has a cases array");
    assert_eq!(list.len(), EXPECTED_CASES, "cases.json should list {EXPECTED_CASES} tokens");
    list.iter()
        .map(|c| {
            assert_eq!(c["expect"], "valid", "every listed token is expected to be valid");
            assert_eq!(c["header"]["alg"], "RS256");
            let token_file = text(c, "token_file");
            let jwks_file = text(c, "jwks_file");
            let mut token = read_vector(&format!("entra/{token_file}"));
            while token.last().is_some_and(|b| b.is_ascii_whitespace()) {
                token.pop(); // the files may end with a newline
            }
            Case {
                jwks: read_json(&format!("entra/{jwks_file}")),
                token,
                kid: c["header"]["kid"].as_str().map(str::to_owned),
                x5t: c["header"]["x5t"].as_str().map(str::to_owned),
                iss: text(c, "iss"),
                aud: text(c, "aud"),
                tid: text(c, "tid"),
                ver: text(c, "ver"),
                iat: number(c, "iat"),
                nbf: number(c, "nbf"),
                exp: number(c, "exp"),
                verify_at: number(c, "verify_at"),
                token_file,
                jwks_file,
            }
        })
        .collect()
}

fn keys_of(case: &Case) -> KeySet {
    common::key_set(&case.jwks).unwrap_or_else(|e| panic!("{}: key set does not load: {e}", case.jwks_file))
}

fn policy(aud: &str, iss: &str, check_key_issuer: bool) -> Policy {
    Policy::builder().audience(aud).issuer(iss).check_key_issuer(check_key_issuer).build().expect("policy builds")
}

fn reason(token: &[u8], keys: &KeySet, policy: &Policy, now: u64) -> Option<Reason> {
    let mut scratch = vec![0u8; jwtguard_core::jws::scratch_len(token.len())];
    let via_borrowed = verify(token, keys, policy, now, &mut scratch).err().map(|e| e.reason());
    let via_owned = verify_owned(token, keys, policy, now).err().map(|e| e.reason());
    assert_eq!(via_borrowed, via_owned, "verify and verify_owned disagree");
    via_borrowed
}

/// The token with one byte of its decoded payload changed, re-encoded as strict
/// base64url: the first hex digit of the `tid` value is replaced by another hex digit,
/// so the payload stays valid JSON and only the signature can object.
fn payload_byte_changed(case: &Case) -> Vec<u8> {
    let token = std::str::from_utf8(&case.token).expect("token is ASCII");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3);
    let mut payload = b64url_decode(parts[1]);
    let marker = b"\"tid\":\"";
    let at = payload.windows(marker.len()).position(|w| w == marker).expect("payload has a tid claim") + marker.len();
    payload[at] = if payload[at] == b'0' { b'1' } else { b'0' };
    let changed = [parts[0], &b64url(&payload), parts[2]].join(".");
    assert_ne!(changed.as_bytes(), case.token.as_slice());
    changed.into_bytes()
}

/// The key set JSON with the token's key removed (matched by kid, else by x5t).
fn without_its_key(case: &Case) -> Value {
    let (member, id) = match (&case.kid, &case.x5t) {
        (Some(kid), _) => ("kid", kid),
        (None, Some(x5t)) => ("x5t", x5t),
        (None, None) => panic!("{}: token names no key", case.token_file),
    };
    let mut doc = case.jwks.clone();
    let keys = doc["keys"].as_array_mut().expect("a JWK set");
    let before = keys.len();
    keys.retain(|k| k[member].as_str() != Some(id.as_str()));
    assert_eq!(keys.len(), before - 1, "{}: exactly one key carries {member} {id}", case.jwks_file);
    doc
}

#[test]
fn every_token_verifies_at_verify_at() {
    let mut verified = 0;
    for case in cases() {
        assert!(
            case.nbf <= case.verify_at && case.verify_at < case.exp,
            "{}: verify_at inside lifetime",
            case.token_file
        );
        let keys = keys_of(&case);
        let policy = policy(&case.aud, &case.iss, true);
        let mut scratch = vec![0u8; jwtguard_core::jws::scratch_len(case.token.len())];
        let token = verify(&case.token, &keys, &policy, case.verify_at, &mut scratch)
            .unwrap_or_else(|e| panic!("{} with {}: expected valid, got {e}", case.token_file, case.jwks_file));

        let header = token.header();
        assert_eq!(header.alg(), Algorithm::RS256);
        assert_eq!(header.kid().map(|s| s.chars().collect::<String>()), case.kid, "{}", case.token_file);
        assert_eq!(header.x5t().map(|s| s.chars().collect::<String>()), case.x5t, "{}", case.token_file);
        // The key that verified is the one the header names.
        let key = token.key();
        assert!(matches!(key.kind(), KeyKind::Rsa { bits } if bits >= 2048));
        match (&case.kid, &case.x5t) {
            (Some(kid), _) => assert_eq!(key.kid(), Some(kid.as_str())),
            (None, Some(x5t)) => assert_eq!(key.x5t(), Some(x5t.as_str())),
            (None, None) => unreachable!(),
        }

        let claims = token.claims();
        let string = |name: &str| claims.string(name).map(|s| s.chars().collect::<String>());
        assert_eq!(string("tid").as_deref(), Some(case.tid.as_str()), "{}: tid", case.token_file);
        assert_eq!(string("ver").as_deref(), Some(case.ver.as_str()), "{}: ver", case.token_file);
        assert_eq!(string("iss").as_deref(), Some(case.iss.as_str()), "{}: iss", case.token_file);
        assert_eq!(string("aud").as_deref(), Some(case.aud.as_str()), "{}: aud", case.token_file);
        assert_eq!(claims.issued_at(), Some(case.iat));
        assert_eq!(claims.not_before(), Some(case.nbf));
        assert_eq!(claims.expiration(), Some(case.exp));

        // The owned form agrees.
        let owned = verify_owned(&case.token, &keys, &policy, case.verify_at).expect("valid (owned)");
        assert_eq!(owned.payload(), token.payload());
        assert!(owned.claims().string("tid").is_some_and(|s| s.eq_str(&case.tid)));
        assert!(owned.claims().string("ver").is_some_and(|s| s.eq_str(&case.ver)));
        verified += 1;
    }
    assert_eq!(verified, EXPECTED_CASES);
}

#[test]
fn one_changed_payload_byte_invalidates_the_signature() {
    let mut checked = 0;
    for case in cases() {
        let keys = keys_of(&case);
        let changed = payload_byte_changed(&case);
        let policy = policy(&case.aud, &case.iss, true);
        assert_eq!(
            reason(&changed, &keys, &policy, case.verify_at),
            Some(Reason::TokenSignatureInvalid),
            "{}",
            case.token_file
        );
        assert_eq!(
            jws_verify(&changed, &keys, &JwsRules::default()),
            JwsOutcome::Rejected(Reason::TokenSignatureInvalid),
            "{}",
            case.token_file
        );
        checked += 1;
    }
    assert_eq!(checked, EXPECTED_CASES);
}

#[test]
fn tokens_expire_at_exp() {
    let mut checked = 0;
    for case in cases() {
        let keys = keys_of(&case);
        let policy = policy(&case.aud, &case.iss, true);
        assert_eq!(
            reason(&case.token, &keys, &policy, case.exp - 1),
            None,
            "{}: valid one second before exp",
            case.token_file
        );
        for now in [case.exp, case.exp + 1, u64::MAX] {
            assert_eq!(
                reason(&case.token, &keys, &policy, now),
                Some(Reason::TokenExpired),
                "{} at {now}",
                case.token_file
            );
        }
        // Before nbf it is not valid yet.
        assert_eq!(
            reason(&case.token, &keys, &policy, case.nbf - 1),
            Some(Reason::TokenNotYetValid),
            "{}",
            case.token_file
        );
        checked += 1;
    }
    assert_eq!(checked, EXPECTED_CASES);
}

#[test]
fn another_audience_or_issuer_is_refused() {
    let mut checked = 0;
    for case in cases() {
        let keys = keys_of(&case);
        let other_aud = policy("api://some-other-api", &case.iss, true);
        assert_eq!(
            reason(&case.token, &keys, &other_aud, case.verify_at),
            Some(Reason::TokenAudienceNotAllowed),
            "{}",
            case.token_file
        );
        // Same issuer text with another tenant id.
        let other_iss_text = case.iss.replace(&case.tid, "00000000-0000-0000-0000-000000000000");
        assert_ne!(other_iss_text, case.iss);
        let other_iss = policy(&case.aud, &other_iss_text, true);
        assert_eq!(
            reason(&case.token, &keys, &other_iss, case.verify_at),
            Some(Reason::TokenIssuerNotAllowed),
            "{}",
            case.token_file
        );
        checked += 1;
    }
    assert_eq!(checked, EXPECTED_CASES);
}

#[test]
fn a_key_set_without_its_key_finds_no_key() {
    let mut checked = 0;
    let mut x5t_only = 0;
    for case in cases() {
        let reduced = without_its_key(&case);
        let keys =
            common::key_set(&reduced).unwrap_or_else(|e| panic!("{} minus the key still loads: {e}", case.jwks_file));
        let policy = policy(&case.aud, &case.iss, true);
        assert_eq!(
            reason(&case.token, &keys, &policy, case.verify_at),
            Some(Reason::TokenSignatureKeyNotFound),
            "{} without its key",
            case.token_file
        );
        if case.kid.is_none() {
            x5t_only += 1;
        }
        checked += 1;
    }
    assert_eq!(checked, EXPECTED_CASES);
    assert_eq!(x5t_only, 2, "the two 2014 idm_* tokens name their key by x5t only");
}

#[test]
fn the_2015_key_set_with_standard_base64_loads() {
    let doc = read_json("entra/jose4j_ms_jwks_2015-01-07.json");
    let standard = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["n"].as_str().is_some_and(|n| n.contains('+') || n.contains('/')))
        .count();
    assert!(standard >= 1, "the 2015 set is expected to use the standard base64 alphabet");
    let keys = common::key_set(&doc).expect("2015 key set loads");
    assert_eq!(keys.len(), 2);
    assert!(keys.rejected().is_empty());
    for key in keys.keys() {
        assert_eq!(key.kind(), KeyKind::Rsa { bits: 2048 });
    }
    // Its MnC_... key is the 2016 set's key in the other alphabet: a 2016 token verifies
    // with it, which shows the standard-alphabet modulus decoded to the same bytes.
    let case = cases().into_iter().find(|c| c.token_file == "jose4j_idtoken.jwt").expect("jose4j_idtoken case");
    let policy = policy(&case.aud, &case.iss, true);
    assert_eq!(reason(&case.token, &keys, &policy, case.verify_at), None);
}

#[test]
fn the_2025_key_set_binds_keys_to_issuers() {
    let all = cases();
    let doc = read_json("entra/ii_ms_jwks_2025.json");
    let keys = common::key_set(&doc).expect("2025 key set loads");
    assert_eq!(keys.len(), 6);
    let templated =
        keys.keys().iter().filter(|k| k.issuer() == Some("https://login.microsoftonline.com/{tenantid}/v2.0")).count();
    assert_eq!(templated, 4);
    assert!(keys.keys().iter().all(|k| k.algorithm().is_none()), "the 2025 keys carry no alg member");

    let set_issuer = |kid: &str, issuer: &str| -> KeySet {
        let mut doc = doc.clone();
        let mut hit = 0;
        for k in doc["keys"].as_array_mut().unwrap() {
            if k["kid"] == kid {
                k["issuer"] = Value::from(issuer);
                hit += 1;
            }
        }
        assert_eq!(hit, 1);
        common::key_set(&doc).expect("modified 2025 set loads")
    };

    let mut checked = 0;
    for case in all.iter().filter(|c| c.jwks_file == "ii_ms_jwks_2025.json") {
        let kid = case.kid.as_deref().expect("2025 tokens carry a kid");
        // Bind the token's key to another tenant: the policy still allows the token's
        // iss, but the key's own issuer does not match, unless that check is off.
        let other = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0";
        let rebound = set_issuer(kid, other);
        assert_eq!(
            reason(&case.token, &rebound, &policy(&case.aud, &case.iss, true), case.verify_at),
            Some(Reason::TokenIssuerNotAllowed),
            "{}",
            case.token_file
        );
        assert_eq!(
            reason(&case.token, &rebound, &policy(&case.aud, &case.iss, false), case.verify_at),
            None,
            "{}",
            case.token_file
        );
        // A template must be filled with the token's tid, not match anything.
        let templated = set_issuer(kid, "https://login.microsoftonline.com/{tenantid}/v2.0");
        assert_eq!(reason(&case.token, &templated, &policy(&case.aud, &case.iss, true), case.verify_at), None);
        let wrong_template = set_issuer(kid, "https://sts.windows.net/{tenantid}/");
        assert_eq!(
            reason(&case.token, &wrong_template, &policy(&case.aud, &case.iss, true), case.verify_at),
            Some(Reason::TokenIssuerNotAllowed)
        );
        checked += 1;
    }
    assert_eq!(checked, 3);
}
