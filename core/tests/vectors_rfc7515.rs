//! RFC 7515 Appendix A examples, byte for byte.
//!
//! - A.2 (RS256) and A.3 (ES256, whose signature happens to be high-S) must verify,
//!   through the JWS layer and the JWT layer, and stop verifying when one byte changes.
//! - A.1 (HS256) verifies with its published oct key, loaded with the symmetric opt-in
//!   and under a policy allowing HS256; without either it is refused.
//! - A.4 (ES512, P-521) verifies with its key when the policy allows ES512, and is
//!   refused by default and by every other key.
//! - RFC 8037 A.4 (Ed25519, the key of RFC 8037 A.2) verifies as EdDSA; a token by the
//!   same key under RFC 9864's name `Ed25519` verifies only where that name is allowed
//!   and the key is not bound to `EdDSA`.
//!
//! The strings and keys below are copied from RFC 7515 (public members only; the
//! private members the RFC also lists are never needed to verify). They were checked
//! against an independent implementation (Python `cryptography`) when this file was
//! written: A.2 and A.3 verify, and A.3's `s` is greater than n/2.

mod support;

use support::vectors as common;

use common::{b64url, b64url_decode, jws_verify, JwsOutcome};
use jwtguard_core::jws::JwsRules;
use jwtguard_core::{verify, verify_owned, Algorithm, AlgorithmSet, KeyKind, KeyOptions, KeySet, Policy, Reason};
use support::rfc7515::{
    A1_HS256, A1_JWK, A2_JWK, A2_RS256, A3_ES256, A3_JWK, A4_ES512, A4_JWK, RFC8037_A4, RFC8037_JWK,
};

/// The JWS Payload of A.1 to A.3 (with its CR LF line breaks).
const PAYLOAD: &[u8] = b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
const EXP: u64 = 1_300_819_380;

/// The order n of the P-256 group, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, //
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

fn rsa_keys() -> KeySet {
    KeySet::from_json(A2_JWK.as_bytes()).expect("the RFC 7515 A.2 RSA key loads")
}

fn ec_keys() -> KeySet {
    KeySet::from_json(A3_JWK.as_bytes()).expect("the RFC 7515 A.3 EC key loads")
}

fn any_policy() -> Policy {
    Policy::builder().any_audience().any_issuer().build().expect("policy builds")
}

/// Replaces segment `index` (0 header, 1 payload, 2 signature) of a compact token.
fn with_segment(token: &str, index: usize, bytes: &[u8]) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    assert_eq!(parts.len(), 3, "compact JWS has three segments");
    parts[index] = b64url(bytes);
    parts.join(".")
}

fn segment(token: &str, index: usize) -> Vec<u8> {
    b64url_decode(token.split('.').nth(index).expect("segment present"))
}

/// Every token with one byte of the signature flipped: the flip is applied to the
/// first, a middle and the last byte.
fn signature_flips(token: &str) -> Vec<String> {
    let sig = segment(token, 2);
    [0, sig.len() / 2, sig.len() - 1]
        .into_iter()
        .map(|i| {
            let mut s = sig.clone();
            s[i] ^= 0x01;
            with_segment(token, 2, &s)
        })
        .collect()
}

#[test]
fn the_payload_segment_is_the_rfc_payload() {
    // Guards the constants: all three A.1-A.3 tokens carry exactly this payload.
    for token in [A1_HS256, A2_RS256, A3_ES256] {
        assert_eq!(segment(token, 1), PAYLOAD);
    }
    assert_eq!(segment(A4_ES512, 1), b"Payload");
}

#[test]
fn a2_rs256_verifies_at_the_jws_layer() {
    let keys = rsa_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys.keys()[0].kind(), KeyKind::Rsa { bits: 2048 });
    assert!(keys.keys()[0].supports(Algorithm::RS256));
    assert!(!keys.keys()[0].supports(Algorithm::ES256));

    let token = A2_RS256.as_bytes();
    let mut scratch = vec![0u8; jwtguard_core::jws::scratch_len(token.len())];
    let verified = jwtguard_core::jws::verify(token, &keys, &JwsRules::default(), &mut scratch)
        .unwrap_or_else(|e| panic!("RFC 7515 A.2 must verify, got {e}"));
    assert_eq!(verified.payload(), PAYLOAD);
    assert_eq!(verified.header().alg(), Algorithm::RS256);
    assert!(verified.header().kid().is_none());
    assert_eq!(verified.key().kind(), KeyKind::Rsa { bits: 2048 });
}

#[test]
fn a2_rs256_with_one_byte_changed_does_not_verify() {
    let keys = rsa_keys();
    let flips = signature_flips(A2_RS256);
    assert_eq!(flips.len(), 3);
    for token in &flips {
        assert_eq!(
            jws_verify(token.as_bytes(), &keys, &JwsRules::default()),
            JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
        );
    }
    // One payload byte: `joe` -> `jof`.
    let mut payload = PAYLOAD.to_vec();
    let at = payload.windows(3).position(|w| w == b"joe").expect("payload names joe") + 2;
    payload[at] = b'f';
    let token = with_segment(A2_RS256, 1, &payload);
    assert_eq!(
        jws_verify(token.as_bytes(), &keys, &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
    );
    // One header byte: the same alg written with a space (still RS256, different bytes).
    let token = with_segment(A2_RS256, 0, br#"{"alg": "RS256"}"#);
    assert_eq!(
        jws_verify(token.as_bytes(), &keys, &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
    );
    // A truncated signature is the wrong length for the key: never valid.
    let sig = segment(A2_RS256, 2);
    let token = with_segment(A2_RS256, 2, &sig[..sig.len() - 1]);
    assert_eq!(
        jws_verify(token.as_bytes(), &keys, &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
    );
}

#[test]
fn a2_rs256_through_the_jwt_layer_honours_exp() {
    let keys = rsa_keys();
    let policy = any_policy();
    let token = A2_RS256.as_bytes();

    for now in [0, EXP - 3600, EXP - 1] {
        let mut scratch = vec![0u8; jwtguard_core::jws::scratch_len(token.len())];
        let verified = verify(token, &keys, &policy, now, &mut scratch)
            .unwrap_or_else(|e| panic!("A.2 must be valid at now={now} (exp {EXP}), got {e}"));
        assert_eq!(verified.payload(), PAYLOAD);
        let claims = verified.claims();
        assert!(claims.issuer().is_some_and(|s| s.eq_str("joe")));
        assert_eq!(claims.expiration(), Some(EXP));
        assert_eq!(claims.boolean("http://example.com/is_root"), Some(true));
    }
    for now in [EXP, EXP + 1, u64::MAX] {
        let mut scratch = vec![0u8; jwtguard_core::jws::scratch_len(token.len())];
        let err = verify(token, &keys, &policy, now, &mut scratch).expect_err("expired");
        assert_eq!(err.reason(), Reason::TokenExpired, "now={now}");
    }

    // The owned form rebuilds header and claims from its own copy.
    let owned = verify_owned(token, &keys, &policy, EXP - 1).expect("A.2 valid (owned)");
    assert_eq!(owned.payload(), PAYLOAD);
    assert_eq!(owned.header().alg(), Algorithm::RS256);
    assert!(owned.claims().string("iss").is_some_and(|s| s.eq_str("joe")));
    assert_eq!(owned.claims().expiration(), Some(EXP));
    assert_eq!(verify_owned(token, &keys, &policy, EXP).expect_err("expired").reason(), Reason::TokenExpired);

    // Policy rules still apply to a correctly signed token.
    let issuer_joe = Policy::builder().any_audience().issuer("joe").build().unwrap();
    assert!(verify_owned(token, &keys, &issuer_joe, EXP - 1).is_ok());
    let issuer_jim = Policy::builder().any_audience().issuer("jim").build().unwrap();
    assert_eq!(verify_owned(token, &keys, &issuer_jim, EXP - 1).unwrap_err().reason(), Reason::TokenIssuerNotAllowed);
    let audience = Policy::builder().audience("api://x").any_issuer().build().unwrap();
    assert_eq!(verify_owned(token, &keys, &audience, EXP - 1).unwrap_err().reason(), Reason::TokenAudienceNotAllowed);
    let es_only = Policy::builder().any_audience().any_issuer().algorithms(&[Algorithm::ES256]).build().unwrap();
    assert_eq!(verify_owned(token, &keys, &es_only, EXP - 1).unwrap_err().reason(), Reason::TokenAlgorithmNotAllowed);
}

/// `a - b` for 32-byte big-endian numbers with `a >= b`.
fn sub_be(a: &[u8; 32], b: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let mut d = a[i] as i16 - b[i] as i16 - borrow;
        borrow = 0;
        if d < 0 {
            d += 256;
            borrow = 1;
        }
        out[i] = d as u8;
    }
    assert_eq!(borrow, 0, "a < b");
    out
}

/// `floor(a / 2)` for a 32-byte big-endian number.
fn half_be(a: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u8;
    for i in 0..32 {
        out[i] = (a[i] >> 1) | (carry << 7);
        carry = a[i] & 1;
    }
    out
}

#[test]
fn a3_es256_is_high_s_and_verifies() {
    let sig = segment(A3_ES256, 2);
    assert_eq!(sig.len(), 64);
    let (r, s) = sig.split_at(32);
    assert!(r < &P256_ORDER[..] && s < &P256_ORDER[..]);
    // Big-endian byte strings of equal length compare like the numbers they encode.
    assert!(s > &half_be(&P256_ORDER)[..], "RFC 7515 A.3's s is expected to be > n/2 (high-S)");

    let keys = ec_keys();
    assert_eq!(keys.keys()[0].kind(), KeyKind::EcP256);
    match jws_verify(A3_ES256.as_bytes(), &keys, &JwsRules::default()) {
        JwsOutcome::Valid { payload, .. } => assert_eq!(payload, PAYLOAD),
        other => panic!("RFC 7515 A.3 (high-S) must verify, got {other:?}"),
    }

    // The low-S twin (r, n - s) is the same signature mathematically; jwtguard does not
    // normalise S, so it verifies too (documented: high-S accepted, neither form refused).
    let mut low = sig.clone();
    low[32..].copy_from_slice(&sub_be(&P256_ORDER, s));
    assert!(low[32..] <= half_be(&P256_ORDER)[..]);
    let twin = with_segment(A3_ES256, 2, &low);
    assert!(jws_verify(twin.as_bytes(), &keys, &JwsRules::default()).is_valid(), "low-S twin of A.3");

    for token in signature_flips(A3_ES256) {
        assert_eq!(
            jws_verify(token.as_bytes(), &keys, &JwsRules::default()),
            JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
        );
    }
    // s = n (out of range) and a DER-encoded signature are not valid encodings.
    let mut s_is_n = sig.clone();
    s_is_n[32..].copy_from_slice(&P256_ORDER);
    let token = with_segment(A3_ES256, 2, &s_is_n);
    assert_eq!(
        jws_verify(token.as_bytes(), &keys, &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
    );
}

#[test]
fn a3_es256_through_the_jwt_layer_honours_exp() {
    let keys = ec_keys();
    let policy = any_policy();
    let token = A3_ES256.as_bytes();
    let owned =
        verify_owned(token, &keys, &policy, EXP - 1).unwrap_or_else(|e| panic!("A.3 valid before exp, got {e}"));
    assert_eq!(owned.header().alg(), Algorithm::ES256);
    assert_eq!(owned.payload(), PAYLOAD);
    assert_eq!(verify_owned(token, &keys, &policy, EXP).unwrap_err().reason(), Reason::TokenExpired);
    let rs_only = Policy::builder().any_audience().any_issuer().algorithms(&[Algorithm::RS256]).build().unwrap();
    assert_eq!(verify_owned(token, &keys, &rs_only, EXP - 1).unwrap_err().reason(), Reason::TokenAlgorithmNotAllowed);
}

#[test]
fn keys_are_chosen_by_type_without_kid() {
    // Neither token has a kid: every key supporting the alg is tried.
    let both = format!(r#"{{"keys":[{A2_JWK},{A3_JWK}]}}"#);
    let keys = KeySet::from_json(both.as_bytes()).expect("both RFC keys load as a set");
    assert_eq!(keys.len(), 2);
    for (token, kind) in [(A2_RS256, KeyKind::Rsa { bits: 2048 }), (A3_ES256, KeyKind::EcP256)] {
        let mut scratch = vec![0u8; jwtguard_core::jws::scratch_len(token.len())];
        let v =
            jwtguard_core::jws::verify(token.as_bytes(), &keys, &JwsRules::default(), &mut scratch).expect("verifies");
        assert_eq!(v.key().kind(), kind);
    }
    // A key set with only the other key type has no key for the token's alg.
    assert_eq!(
        jws_verify(A3_ES256.as_bytes(), &rsa_keys(), &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenSignatureKeyNotFound)
    );
    assert_eq!(
        jws_verify(A2_RS256.as_bytes(), &ec_keys(), &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenSignatureKeyNotFound)
    );
}

fn symmetric() -> KeyOptions {
    KeyOptions { allow_symmetric: true, ..KeyOptions::default() }
}

fn hs256_rules() -> JwsRules {
    JwsRules { algorithms: AlgorithmSet::of(&[Algorithm::HS256]), ..JwsRules::default() }
}

#[test]
fn a1_hs256_verifies_with_its_published_key() {
    let a1_header: serde_json::Value = serde_json::from_slice(&segment(A1_HS256, 0)).expect("A.1 header is JSON");
    assert_eq!(a1_header["alg"], "HS256");
    assert_eq!(a1_header["typ"], "JWT");

    let keys = KeySet::from_json_with(A1_JWK.as_bytes(), &symmetric()).expect("A.1's oct key loads with the opt-in");
    assert_eq!(keys.keys()[0].kind(), KeyKind::Oct { bytes: 64 });
    // 64 bytes: long enough for every HMAC; never for another family.
    for alg in Algorithm::ALL {
        assert_eq!(keys.keys()[0].supports(alg), alg.is_symmetric(), "{alg}");
    }
    match jws_verify(A1_HS256.as_bytes(), &keys, &hs256_rules()) {
        JwsOutcome::Valid { payload, .. } => assert_eq!(payload, PAYLOAD),
        other => panic!("RFC 7515 A.1 must verify, got {other:?}"),
    }
    for token in signature_flips(A1_HS256) {
        assert_eq!(
            jws_verify(token.as_bytes(), &keys, &hs256_rules()),
            JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
        );
    }
    // A truncated tag is never accepted.
    let tag = segment(A1_HS256, 2);
    let token = with_segment(A1_HS256, 2, &tag[..16]);
    assert_eq!(
        jws_verify(token.as_bytes(), &keys, &hs256_rules()),
        JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
    );

    // Through the JWT layer, with exp.
    let policy = Policy::builder().any_audience().any_issuer().algorithms(&[Algorithm::HS256]).build().unwrap();
    let owned = verify_owned(A1_HS256.as_bytes(), &keys, &policy, EXP - 1).expect("A.1 valid before exp");
    assert_eq!(owned.header().alg(), Algorithm::HS256);
    assert_eq!(verify_owned(A1_HS256.as_bytes(), &keys, &policy, EXP).unwrap_err().reason(), Reason::TokenExpired);

    // The default policy does not allow HS256.
    assert_eq!(
        verify_owned(A1_HS256.as_bytes(), &keys, &any_policy(), EXP - 1).unwrap_err().reason(),
        Reason::TokenAlgorithmNotAllowed
    );
    // Without the opt-in the key is refused, precisely.
    let err = KeySet::from_json(A1_JWK.as_bytes()).expect_err("oct key without the opt-in");
    assert_eq!(err.reason(), Reason::KeyUnsupported);
    assert!(err.detail().contains("allow_symmetric"), "{err}");
    // The RSA and EC keys of A.2/A.3 never verify it, even when HS256 is allowed.
    for keys in [rsa_keys(), ec_keys()] {
        assert_eq!(
            jws_verify(A1_HS256.as_bytes(), &keys, &hs256_rules()),
            JwsOutcome::Rejected(Reason::TokenSignatureKeyNotFound)
        );
    }
}

fn es512_rules() -> JwsRules {
    JwsRules { algorithms: AlgorithmSet::of(&[Algorithm::ES512]), ..JwsRules::default() }
}

#[test]
fn a4_es512_verifies_only_where_allowed_and_only_with_its_key() {
    let keys = KeySet::from_json(A4_JWK.as_bytes()).expect("the RFC 7515 A.4 P-521 key loads");
    assert_eq!(keys.keys()[0].kind(), KeyKind::EcP521);
    assert!(keys.keys()[0].supports(Algorithm::ES512));
    assert!(!keys.keys()[0].supports(Algorithm::ES256) && !keys.keys()[0].supports(Algorithm::ES384));
    assert_eq!(segment(A4_ES512, 2).len(), 132, "A.4 carries a P-521 signature");

    match jws_verify(A4_ES512.as_bytes(), &keys, &es512_rules()) {
        JwsOutcome::Valid { payload, .. } => assert_eq!(payload, b"Payload"),
        other => panic!("RFC 7515 A.4 must verify, got {other:?}"),
    }
    for token in signature_flips(A4_ES512) {
        assert_eq!(
            jws_verify(token.as_bytes(), &keys, &es512_rules()),
            JwsOutcome::Rejected(Reason::TokenSignatureInvalid)
        );
    }
    // ES512 is opt-in: the default policy (RS256, ES256) refuses it before any key is used.
    assert_eq!(
        jws_verify(A4_ES512.as_bytes(), &keys, &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenAlgorithmNotAllowed)
    );
    // No other key of the RFC verifies it, even with every algorithm allowed.
    let every = JwsRules { algorithms: AlgorithmSet::ASYMMETRIC.union(AlgorithmSet::SYMMETRIC), ..JwsRules::default() };
    for other in [rsa_keys(), ec_keys(), KeySet::from_json_with(A1_JWK.as_bytes(), &symmetric()).unwrap()] {
        assert_eq!(
            jws_verify(A4_ES512.as_bytes(), &other, &every),
            JwsOutcome::Rejected(Reason::TokenSignatureKeyNotFound)
        );
    }
    // Its payload is not a claims set: the JWT layer verifies, then refuses the payload.
    let policy = Policy::builder().any_audience().any_issuer().algorithms(&[Algorithm::ES512]).build().unwrap();
    assert_eq!(
        verify_owned(A4_ES512.as_bytes(), &keys, &policy, EXP - 1).unwrap_err().reason(),
        Reason::TokenMalformed
    );
}

#[test]
fn rfc8037_a4_ed25519_verifies() {
    let keys = KeySet::from_json(RFC8037_JWK.as_bytes()).expect("RFC 8037 A.2 key loads");
    assert_eq!(keys.keys()[0].kind(), KeyKind::Ed25519);
    let eddsa = JwsRules { algorithms: AlgorithmSet::of(&[Algorithm::EdDSA]), ..JwsRules::default() };
    match jws_verify(RFC8037_A4.as_bytes(), &keys, &eddsa) {
        JwsOutcome::Valid { payload, .. } => assert_eq!(payload, b"Example of Ed25519 signing"),
        other => panic!("RFC 8037 A.4 must verify, got {other:?}"),
    }
    let flips = signature_flips(RFC8037_A4);
    for token in &flips {
        assert_eq!(jws_verify(token.as_bytes(), &keys, &eddsa), JwsOutcome::Rejected(Reason::TokenSignatureInvalid));
    }
    assert_eq!(
        jws_verify(RFC8037_A4.as_bytes(), &keys, &JwsRules::default()),
        JwsOutcome::Rejected(Reason::TokenAlgorithmNotAllowed)
    );
    // Its payload is not JSON: the JWS layer verifies it, the JWT layer refuses it.
    let policy = Policy::builder().any_audience().any_issuer().algorithms(&[Algorithm::EdDSA]).build().unwrap();
    assert_eq!(verify_owned(RFC8037_A4.as_bytes(), &keys, &policy, 0).unwrap_err().reason(), Reason::TokenMalformed);
}

/// `{"alg":"Ed25519"}` (RFC 9864's fully specified name) over
/// `{"iss":"joe","exp":1300819380}`, signed by Python `cryptography` with the RFC 8037
/// A.1 private key.
const ED25519_NAMED: &str = "eyJhbGciOiJFZDI1NTE5In0.eyJpc3MiOiJqb2UiLCJleHAiOjEzMDA4MTkzODB9\
.oTkSDHTUOrmekh0HFixyO6XWhfyPtgBE9Kc7dvAiEc57feRIOEE6BiF1xqySVu2kYDmKdXNiLlOdYUoiRCLDCA";

#[test]
fn the_rfc9864_name_ed25519_is_its_own_algorithm_on_the_same_keys() {
    let keys = KeySet::from_json(RFC8037_JWK.as_bytes()).unwrap();
    let named = Policy::builder().any_audience().any_issuer().algorithms(&[Algorithm::Ed25519]).build().unwrap();
    let claims = verify_owned(ED25519_NAMED.as_bytes(), &keys, &named, EXP - 1).expect("verifies under Ed25519");
    assert_eq!(claims.header().alg(), Algorithm::Ed25519);
    assert_eq!(Algorithm::from_name("Ed25519"), Some(Algorithm::Ed25519));
    for token in signature_flips(ED25519_NAMED) {
        assert_eq!(
            verify_owned(token.as_bytes(), &keys, &named, EXP - 1).unwrap_err().reason(),
            Reason::TokenSignatureInvalid
        );
    }
    // Allowing one name does not allow the other.
    let eddsa = Policy::builder().any_audience().any_issuer().algorithms(&[Algorithm::EdDSA]).build().unwrap();
    assert_eq!(
        verify_owned(ED25519_NAMED.as_bytes(), &keys, &eddsa, EXP - 1).unwrap_err().reason(),
        Reason::TokenAlgorithmNotAllowed
    );
    let ed25519_only = JwsRules { algorithms: AlgorithmSet::of(&[Algorithm::Ed25519]), ..JwsRules::default() };
    assert_eq!(
        jws_verify(RFC8037_A4.as_bytes(), &keys, &ed25519_only),
        JwsOutcome::Rejected(Reason::TokenAlgorithmNotAllowed)
    );
    // A key bound to one name verifies only that one (without a `kid`, a set with no
    // usable key has no key for the token).
    let bound = |alg: &str| {
        let jwk = RFC8037_JWK.replace("\"kty\"", &format!("\"alg\":\"{alg}\",\"kty\""));
        KeySet::from_json(jwk.as_bytes()).unwrap()
    };
    assert!(verify_owned(ED25519_NAMED.as_bytes(), &bound("Ed25519"), &named, EXP - 1).is_ok());
    assert_eq!(
        verify_owned(ED25519_NAMED.as_bytes(), &bound("EdDSA"), &named, EXP - 1).unwrap_err().reason(),
        Reason::TokenSignatureKeyNotFound
    );
}

/// An EdDSA signature by the RFC 8037 key whose `R` is the identity point (small order)
/// and `s = k·a`: it satisfies the verification equation, and strict verification
/// refuses it (made with Python's integers from the RFC 8037 A.1 private key).
const SMALL_ORDER_R: &str = "eyJhbGciOiJFZERTQSJ9.c21hbGwtb3JkZXIgUg\
.AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABIbnQNyTlDIQ_kyxx70wGrDf3cv7aIbgSkn0HRE3ZAQ";

#[test]
fn ed25519_signature_with_small_order_r_is_refused() {
    let eddsa = JwsRules { algorithms: AlgorithmSet::of(&[Algorithm::EdDSA]), ..JwsRules::default() };
    for backend in jwtguard_core::Backend::AVAILABLE {
        let options = KeyOptions { backend: *backend, ..KeyOptions::default() };
        let keys = KeySet::from_json_with(RFC8037_JWK.as_bytes(), &options).unwrap();
        assert_eq!(
            jws_verify(SMALL_ORDER_R.as_bytes(), &keys, &eddsa),
            JwsOutcome::Rejected(Reason::TokenSignatureInvalid),
            "{}",
            backend.name()
        );
    }
}
