//! Encrypted tokens (the `jwe` feature): jwcrypto's tokens for every supported
//! algorithm pair, each holding an ES256 JWT (`fixtures/jwe.json`, see
//! `fixtures/make_jwe_fixtures.py`), verified through the `Verifier`; the Wycheproof
//! JWE vectors with an exact table of what is refused by design; RFC 7516 A.1 to A.3;
//! and the refusals of the module contract.
#![cfg(feature = "jwe")]

mod support;

use jwtguard_core::jwe::{decrypt, decrypt_signed, DecryptionKeys, DECRYPTION_FAILED};
use jwtguard_core::{KeySet, Policy, Reason, Trust, Verifier};
use serde_json::Value;
use support::rfc7516;
use support::vectors::{b64url, b64url_decode, read_json};

const MAX: usize = 64 * 1024;

fn fixtures() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/jwe.json");
    serde_json::from_slice(&std::fs::read(path).expect("jwe.json")).expect("JSON")
}

fn reason_named(name: &str) -> Reason {
    *Reason::ALL.iter().find(|r| r.name() == name).unwrap_or_else(|| panic!("no reason {name}"))
}

fn decryption_keys(doc: &Value) -> DecryptionKeys {
    DecryptionKeys::from_jwks(&serde_json::to_vec(&doc["decryption_keys"]).unwrap()).expect("decryption keys load")
}

fn verifier(doc: &Value) -> Verifier {
    let claims = &doc["claims"];
    let policy = Policy::builder()
        .audience(claims["aud"].as_str().unwrap())
        .issuer(claims["iss"].as_str().unwrap())
        .build()
        .expect("policy");
    let signing = KeySet::from_json(&serde_json::to_vec(&doc["signing_keys"]).unwrap()).expect("signing keys");
    Verifier::builder(policy)
        .fixed_keys(signing, Trust::PolicyIssuers)
        .decryption_keys(decryption_keys(doc))
        .cache(16, 300)
        .build()
        .expect("verifier")
}

/// Every pair jwcrypto made decrypts to the signed JWT, which then verifies under the
/// policy; each refused token gets its reason.
#[test]
fn jwcrypto_tokens_of_every_pair_decrypt_and_verify() {
    let doc = fixtures();
    let verifier = verifier(&doc);
    let now = doc["now"].as_u64().unwrap() + 10;
    let mut pairs = std::collections::BTreeSet::new();
    for case in doc["cases"].as_array().unwrap() {
        let (name, token, expect) =
            (case["name"].as_str().unwrap(), case["token"].as_str().unwrap(), case["expect"].as_str().unwrap());
        let outcome = verifier.verify(token.as_bytes(), now);
        match expect {
            "valid" => {
                let verdict = outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    verdict.token.claims().string("sub").map(|s| s.chars().collect::<String>()).as_deref(),
                    Some("user-1")
                );
                assert_eq!(verdict.token.header().alg().name(), "ES256", "{name}: the inner JWS");
                let again = verifier.verify(token.as_bytes(), now).expect("again");
                assert!(again.cached, "{name}: the encrypted token is the cache key");
                pairs.insert(name.rsplit_once(' ').map_or(name, |(pair, _)| pair).to_string());
            }
            reason => assert_eq!(outcome.map(|_| ()).map_err(|e| e.reason()), Err(reason_named(reason)), "{name}"),
        }
    }
    // 13 key management algorithms × 6 content encryptions, with the no-kid case.
    assert_eq!(pairs.len(), 13 * 6 + 1, "{pairs:?}");
}

/// A verifier without decryption keys refuses encrypted tokens as before; with them,
/// plain signed tokens still verify.
#[test]
fn decryption_keys_are_needed_and_change_nothing_for_signed_tokens() {
    let doc = fixtures();
    let token = doc["cases"][0]["token"].as_str().unwrap();
    let signing = KeySet::from_json(&serde_json::to_vec(&doc["signing_keys"]).unwrap()).unwrap();
    let policy = Policy::builder().audience("api://jwe").issuer("https://issuer.example/").build().unwrap();
    let plain = Verifier::builder(policy).fixed_keys(signing, Trust::PolicyIssuers).build().unwrap();
    let now = doc["now"].as_u64().unwrap();
    assert_eq!(plain.verify(token.as_bytes(), now).map(|_| ()).map_err(|e| e.reason()), Err(Reason::TokenMalformed));
    let keys = decryption_keys(&doc);
    let inner = decrypt_signed(token.as_bytes(), &keys, MAX).expect("decrypts");
    assert!(plain.verify(&inner, now).is_ok(), "the JWS inside verifies as a plain token");
    assert!(verifier(&doc).verify(&inner, now).is_ok());
}

/// Project Wycheproof's JWE vectors (139 cases). Every `valid` case decrypts to its
/// `pt` except those refused by design, listed here with their reason; every
/// `invalid` case is refused.
#[test]
fn wycheproof_jwe_vectors() {
    // Refused by design: RSA1_5 keys (padding oracles) and zip (compression bombs).
    let by_design: &[(u64, Reason)] = &[
        (100, Reason::KeyUnsupported),
        (101, Reason::KeyUnsupported),
        (102, Reason::KeyUnsupported),
        (103, Reason::KeyUnsupported),
        (104, Reason::KeyUnsupported),
        (105, Reason::KeyUnsupported),
        (112, Reason::KeyUnsupported),
        (128, Reason::KeyUnsupported),
        (135, Reason::TokenHeaderUnsupported),
    ];
    let doc = read_json("wycheproof/json_web_encryption_test.json");
    let (mut valid, mut invalid, mut refused) = (0, 0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        let keys = DecryptionKeys::from_jwks(&serde_json::to_vec(&group["private"]).unwrap());
        for test in group["tests"].as_array().unwrap() {
            let id = test["tcId"].as_u64().unwrap();
            let outcome = match (&keys, test["jwe"].as_str()) {
                (Err(e), _) => Err(e.reason()),
                (Ok(_), None) => Err(Reason::TokenMalformed), // JSON serialization: compact only
                (Ok(keys), Some(jwe)) => {
                    decrypt(jwe.as_bytes(), keys, MAX).map(|d| d.plaintext().to_vec()).map_err(|e| {
                        assert!(
                            e.reason() != Reason::TokenDecryptionFailed
                                || e == DECRYPTION_FAILED
                                || e.detail().contains("kid")
                        );
                        e.reason()
                    })
                }
            };
            if let Some((_, reason)) = by_design.iter().find(|(tc, _)| *tc == id) {
                assert_eq!(outcome.map(|_| ()), Err(*reason), "tc {id}: refused by design");
                refused += 1;
            } else if test["result"] == "valid" {
                let pt = test["pt"].as_str().unwrap();
                let expected: Vec<u8> =
                    (0..pt.len()).step_by(2).map(|i| u8::from_str_radix(&pt[i..i + 2], 16).unwrap()).collect();
                assert_eq!(outcome, Ok(expected), "tc {id}: {}", test["comment"]);
                valid += 1;
            } else {
                assert!(outcome.is_err(), "tc {id} accepted: {}", test["comment"]);
                invalid += 1;
            }
        }
    }
    assert_eq!((valid, invalid, refused), (56, 74, 9), "139 cases");
}

/// RFC 7516 Appendix A.1: RSA-OAEP and A256GCM with the published RSA key; A.2's
/// RSA1_5 header is refused before any key is used.
#[test]
fn rfc7516_a1_rsa_oaep_and_a2_rsa1_5() {
    let keys = DecryptionKeys::from_jwks(rfc7516::A1_KEY.as_bytes()).expect("the A.1.4 key");
    let decrypted = decrypt(rfc7516::A1_TOKEN.as_bytes(), &keys, MAX).expect("decrypts");
    assert_eq!(decrypted.plaintext(), rfc7516::A1_PLAINTEXT.as_bytes());
    let a2_header = "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0"; // {"alg":"RSA1_5","enc":"A128CBC-HS256"}
    let a2 = rfc7516::A1_TOKEN.replacen(rfc7516::A1_TOKEN.split('.').next().unwrap(), a2_header, 1);
    let refused = decrypt(a2.as_bytes(), &keys, MAX).expect_err("RSA1_5");
    assert_eq!(refused.reason(), Reason::TokenAlgorithmNotSupported);
    assert!(refused.detail().contains("padding oracles"), "{refused}");
}

/// RFC 7516 Appendix A.3: A128KW and A128CBC-HS256.
#[test]
fn rfc7516_a3_aes_key_wrap_and_cbc_hmac() {
    let key = br#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}"#;
    let token = "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.\
        6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ.\
        AxY8DCtDaGlsbGljb3RoZQ.\
        KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.\
        U0m_YmjN04DJvceFICbCVQ";
    let keys = DecryptionKeys::from_jwks(key).expect("key");
    let decrypted = decrypt(token.as_bytes(), &keys, MAX).expect("decrypts");
    assert_eq!(decrypted.plaintext(), b"Live long and prosper.");
    // Not a signed JWT: a verifier refuses it.
    assert_eq!(
        decrypt_signed(token.as_bytes(), &keys, MAX).map(|_| ()).map_err(|e| e.reason()),
        Err(Reason::TokenMalformed)
    );
    // A flipped bit in the tag, in the ciphertext's padding block, or in the wrapped
    // key: one answer for all.
    let parts: Vec<&str> = token.split('.').collect();
    for (segment, byte) in [(4, 0), (3, 31), (3, 20), (1, 5), (2, 0)] {
        let mut bytes = b64url_decode(parts[segment]);
        bytes[byte] ^= 1;
        let mut changed: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        changed[segment] = b64url(&bytes);
        let error = decrypt(changed.join(".").as_bytes(), &keys, MAX).expect_err("tampered");
        assert_eq!(error, DECRYPTION_FAILED, "segment {segment} byte {byte}");
    }
}

/// The refusals of the module contract, each before any cryptographic work.
#[test]
fn refusals_before_decryption() {
    let doc = fixtures();
    let keys = decryption_keys(&doc);
    let token = doc["cases"][0]["token"].as_str().unwrap();
    let reason = |token: &[u8], max: usize| decrypt(token, &keys, max).map(|_| ()).map_err(|e| e.reason());
    assert_eq!(reason(token.as_bytes(), token.len() - 1), Err(Reason::TokenTooLarge));
    assert_eq!(reason(br#"{"protected":"e30","ciphertext":""}"#, MAX), Err(Reason::TokenMalformed));
    assert_eq!(reason(b"a.b.c.d", MAX), Err(Reason::TokenMalformed));
    assert_eq!(reason(b"a.b.c.d.e.f", MAX), Err(Reason::TokenMalformed));
    let with_header =
        |header: &str| format!("{}.AAAA.AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA", b64url(header.as_bytes()));
    for (header, expected) in [
        (r#"{"alg":"RSA1_5","enc":"A128GCM"}"#, Reason::TokenAlgorithmNotSupported),
        (r#"{"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2s":"AAAA","p2c":1000}"#, Reason::TokenAlgorithmNotSupported),
        (r#"{"alg":"none","enc":"A128GCM"}"#, Reason::TokenAlgorithmNotSupported),
        (r#"{"alg":"A128KW","enc":"A128CTR"}"#, Reason::TokenAlgorithmNotSupported),
        (r#"{"alg":"A128KW","enc":"A128GCM","zip":"DEF"}"#, Reason::TokenHeaderUnsupported),
        (r#"{"alg":"A128KW","enc":"A128GCM","crit":["exp"],"exp":1}"#, Reason::TokenHeaderUnsupported),
        (r#"{"alg":"A128KW","enc":"A128GCM","jku":"https://evil.example/"}"#, Reason::TokenHeaderUnsupported),
        (r#"{"alg":"A128KW","enc":"A128GCM","jwk":{"kty":"oct","k":"AAAA"}}"#, Reason::TokenHeaderUnsupported),
        (r#"{"alg":"A128KW","enc":"A128GCM","alg":"A256KW"}"#, Reason::TokenMalformed),
        (r#"{"alg":"A128KW","enc":"A128GCM","\u0061lg":"A256KW"}"#, Reason::TokenMalformed),
        (r#"{"alg":"ECDH-ES","enc":"A128GCM"}"#, Reason::TokenMalformed),
        (r#"{"alg":"A128GCMKW","enc":"A128GCM","iv":"AAAA"}"#, Reason::TokenMalformed),
        (r#"{"alg":"dir","enc":"A128GCM","kid":"rsa-1"}"#, Reason::TokenMalformed), // an encrypted key with dir
        (r#"{"alg":"A128KW","enc":"A128GCM","kid":"rsa-1"}"#, Reason::TokenAlgorithmKeyMismatch),
        (r#"{"alg":"A128KW","enc":"A128GCM","kid":"nobody"}"#, Reason::TokenDecryptionFailed),
    ] {
        assert_eq!(reason(with_header(header).as_bytes(), MAX), Err(expected), "{header}");
    }
    // An ephemeral key on another curve than the decryption key's.
    let p384_epk = r#"{"kty":"EC","crv":"P-384","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#;
    let header = format!(r#"{{"alg":"ECDH-ES","enc":"A128GCM","kid":"p256-1","epk":{p384_epk}}}"#);
    let token = format!("{}..AAAAAAAAAAAAAAAA.AAAA.AAAAAAAAAAAAAAAAAAAAAA", b64url(header.as_bytes()));
    assert_eq!(reason(token.as_bytes(), MAX), Err(Reason::TokenHeaderUnsupported));
}

/// Decryption keys load whole or not at all, with the reason of the first bad key.
#[test]
fn decryption_keys_are_checked_when_loaded() {
    let doc = fixtures();
    let all = doc["decryption_keys"]["keys"].as_array().unwrap().clone();
    let key = |kid: &str| all.iter().find(|k| k["kid"] == kid).unwrap().clone();
    let load = |keys: Vec<Value>| {
        DecryptionKeys::from_jwks(&serde_json::to_vec(&serde_json::json!({ "keys": keys })).unwrap())
            .map(|k| k.len())
            .map_err(|e| e.reason())
    };
    assert_eq!(load(all.clone()), Ok(all.len()));
    let with = |kid: &str, member: &str, value: Value| {
        let mut k = key(kid);
        k[member] = value;
        load(vec![k])
    };
    assert_eq!(with("rsa-1", "use", "sig".into()), Err(Reason::KeyUnsupported));
    assert_eq!(with("rsa-1", "key_ops", serde_json::json!(["verify"])), Err(Reason::KeyUnsupported));
    assert_eq!(with("rsa-1", "alg", "RSA1_5".into()), Err(Reason::KeyUnsupported));
    assert_eq!(with("rsa-1", "alg", "A128KW".into()), Err(Reason::KeyUnsupported));
    assert_eq!(with("oct-16", "alg", "A256KW".into()), Err(Reason::KeyUnsupported));
    assert_eq!(with("oct-32", "alg", "A128CBC-HS256".into()), Ok(1), "a dir key named by its enc");
    let p256_x = key("p256-1")["x"].clone();
    assert_eq!(with("p384-1", "x", p256_x), Err(Reason::KeyMalformed));
    let other_y = key("p256-1")["x"].clone();
    assert_eq!(with("p256-1", "y", other_y), Err(Reason::KeyInvalid), "x and y are not d's public key");
    let mut no_crt = key("rsa-1");
    no_crt.as_object_mut().unwrap().remove("qi");
    assert_eq!(load(vec![no_crt]), Err(Reason::KeyMalformed));
    let mut public = key("rsa-1");
    public.as_object_mut().unwrap().remove("d");
    assert_eq!(load(vec![public]), Err(Reason::KeyMalformed));
    assert_eq!(with("oct-16", "k", b64url(&[7u8; 10]).into()), Err(Reason::KeyMalformed));
    assert_eq!(with("rsa-1", "kty", "OKP".into()), Err(Reason::KeyUnsupported));
    assert_eq!(load(vec![key("oct-16"), key("oct-16")]), Err(Reason::KeySetDuplicateKid));
    assert_eq!(load(vec![]), Err(Reason::KeySetNoUsableKey));
    // A single JWK loads as a set of one; Debug never shows key material.
    let single = DecryptionKeys::from_jwks(&serde_json::to_vec(&key("oct-16")).unwrap()).expect("one key");
    let shown = format!("{single:?}");
    assert!(shown.contains("oct-16") && !shown.contains(key("oct-16")["k"].as_str().unwrap()), "{shown}");
}
