//! Project Wycheproof JOSE vectors (`tests/vectors/wycheproof/`, see its README.md).
//!
//! `json_web_signature_test.json` (401 cases): each group's key (`public`, or for
//! groups without one the `private` JWK) is loaded as a key set with the symmetric
//! opt-in, and each `jws` is run through `jws::verify` with every algorithm allowed and
//! a generous size limit. `json_web_key_test.json` (26 cases): each group's JWK set,
//! reduced to what a verifier is given (public members; `k` for oct keys), is loaded,
//! then its token is verified. `oct_keys_are_refused_without_the_opt_in` checks the
//! default options.
//!
//! Every case has an exact expected outcome in a `match tc_id` table below: whether the
//! key set loads (and if not, the precise reason), and what the token gets. When a
//! group's key does not load, the token is still run against a *stand-in* key set (one
//! unrelated P-256 key whose kid no vector uses) so that the token-level reason, e.g.
//! `TokenSignatureKeyNotFound` for a token whose kid named that key, is asserted too. The overall
//! decision (accepted only when the key set loads and the token verifies) is then
//! compared with the Wycheproof label; each disagreement is an explicit, commented
//! exception, never a silent skip.
//!
//! Run with `--nocapture` to see the per-case table.

mod support;

use support::vectors as common;

use common::{jws_verify, public_members, read_json, JwsOutcome};
use jwtguard_core::jws::JwsRules;
use jwtguard_core::{Algorithm, AlgorithmSet, KeyOptions, KeySet, Reason};
use serde_json::Value;

use Reason::*;

/// Expected result of one stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exp {
    Accept,
    Reject(Reason),
}
use Exp::{Accept, Reject};

/// Expected outcome of one case: the key set load, then the token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Expected {
    /// `Accept` = the group's key set loads; `Reject(r)` = loading fails with `r`.
    key_set: Exp,
    /// The token against the group's key set, or against the stand-in set when the
    /// group's key set does not load.
    token: Exp,
}

const fn loads(token: Exp) -> Expected {
    Expected { key_set: Accept, token }
}
const fn no_key(key_reason: Reason, token: Exp) -> Expected {
    Expected { key_set: Reject(key_reason), token }
}

/// A P-256 key (RFC 7515 A.3) under a kid no Wycheproof vector names.
const STAND_IN_JWK: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"jwtguard-stand-in",
 "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
 "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;

fn stand_in() -> KeySet {
    KeySet::from_json(STAND_IN_JWK.as_bytes()).expect("stand-in key set loads")
}

/// Every algorithm jwtguard implements (the vectors exercise all of them), and a
/// generous size limit.
fn rules() -> JwsRules {
    JwsRules {
        algorithms: AlgorithmSet::ASYMMETRIC.union(AlgorithmSet::SYMMETRIC),
        max_token_len: 1 << 20,
        ..JwsRules::default()
    }
}

/// Key sets are loaded with the symmetric opt-in, so the HMAC groups are tested too
/// (`oct_keys_are_refused_without_the_opt_in` covers the default).
fn symmetric() -> KeyOptions {
    KeyOptions { allow_symmetric: true, ..KeyOptions::default() }
}

/// Known label errors upstream (README): byte-identical to the valid tc 357.
const SAME_AS_357: [u64; 2] = [367, 370];
/// Known label errors upstream (README): a `?` inside a base64url segment, labelled valid.
const QUESTION_MARK_LABELLED_VALID: [u64; 2] = [372, 373];
/// RFC 7520 Figure 20 (PS384), labelled valid, against an RSA JWK that says `alg: PS256`:
/// a key's `alg` binds it to that one algorithm, so jwtguard refuses (key/alg mismatch).
const KEY_BOUND_TO_PS256: [u64; 2] = [346, 350];
/// RFC 7520 Figure 27 (ES512), labelled valid, against the P-521 JWK of its Figure 3 as
/// the vectors give it, with `alg: "ES521"`, a name no JOSE registry has: a key bound to
/// an algorithm jwtguard does not know is unusable, never re-purposed
/// (`rfc7520_figure_27_verifies_with_its_key_bound_to_es512` shows the signature
/// verifies once the key names ES512).
const KEY_BOUND_TO_ES521: [u64; 2] = [347, 351];

/// `json_web_signature_test.json`, case by case.
fn expected_jws(tc_id: u64) -> Expected {
    let malformed = Reject(TokenMalformed);
    let bad_sig = Reject(TokenSignatureInvalid);
    let no_such_kid = Reject(TokenSignatureKeyNotFound);
    match tc_id {
        // --- group "hs256": its oct key (loaded with the symmetric opt-in).
        1 => loads(Accept),
        2 | 5 | 6 => loads(bad_sig), // modified signature / payload, missing payload
        // 3 empty signature, 4/7/10 two segments, 9/11 empty header, 12 one segment,
        // 14/15 four segments, 16 alg none with an empty signature, 17 JSON serialization.
        3 | 4 | 7 | 9 | 10 | 11 | 12 | 14 | 15 | 16 | 17 => loads(malformed),
        8 => loads(no_such_kid), // modified header: another kid
        13 => loads(Reject(TokenNotPresent)),

        // --- group "es256".
        18 => loads(Accept),
        19 | 22 | 23 => loads(bad_sig), // modified signature / payload, missing payload
        20 | 21 | 24 | 26 | 27 | 28 | 29 => loads(malformed),
        25 => loads(no_such_kid), // modified header: kid "Xid-ec-sign"
        30 => loads(Reject(TokenNotPresent)),
        31 => loads(Reject(TokenAlgorithmKeyMismatch)), // HS256 keyed with the EC public key
        32 => loads(Reject(TokenHeaderUnsupported)),    // attacker-embedded jwk

        // --- group "rs256" (kid-rsa-sign).
        33 => loads(Accept),
        34 | 37 | 38 => loads(bad_sig),
        35 | 36 | 39 | 41 | 42 | 43 | 44 => loads(malformed),
        40 => loads(no_such_kid),
        45 => loads(Reject(TokenNotPresent)),
        46..=258 => loads(bad_sig), // PKCS#1 padding / DigestInfo modifications, 256 bytes each

        // --- group "rs256" (RS256_2048): empty, zero, one-byte and normal payloads.
        259..=263 => loads(Accept),
        // --- groups "rs384", "rs512", "ps256": valid signatures over four payloads each.
        264..=275 => loads(Accept),
        // PS256: modified mHash, salt length, padding, hash, PS, salt, maskedDB, EM; s in
        // {0, 1, n-1, n}, unreduced, zeros prepended/appended, truncated.
        276..=286 | 289..=319 => loads(bad_sig),
        287 | 288 => loads(Accept), // salt all 0x00 / all 0xff
        // --- group "ps384".
        320..=323 => loads(Accept),
        324 => loads(bad_sig),
        // --- group "ps512" (key bound to alg PS512).
        325..=328 => loads(Accept),
        // 329/330 modified mHash; header PS512 over RS256/RS384/RS512/PS256/PS384
        // signatures by the same key.
        329..=331 | 333 | 335 | 337 | 339 => loads(bad_sig),
        // Header RS256/RS384/RS512/PS256/PS384: the key is bound to PS512.
        332 | 334 | 336 | 338 | 340 => loads(Reject(TokenAlgorithmKeyMismatch)),
        // alg none / NONE with an empty signature: refused as malformed before alg is read.
        341..=344 => loads(malformed),

        // --- groups "rfc7520" and "rfc7520WithKeyOps": RS256 Figure 13 and HS256 Figure 35
        // verify. PS384 Figure 20 names an RSA key whose JWK says alg PS256: the key's alg
        // binds it (documented exception). ES512 Figure 27's P-521 key says alg "ES521":
        // unusable (documented exception), so its kid names no key.
        345 | 349 | 348 | 352 => loads(Accept),
        346 | 350 => loads(Reject(TokenAlgorithmKeyMismatch)),
        347 | 351 => no_key(KeyUnsupported, no_such_kid),

        // --- "rsa_encryption" / "ec_key_for_encryption": use "enc" (353, 354) or
        // key_ops ["encrypt"] (355, 356) make the key unusable for verification. The
        // token itself (a valid signature by the same key material) names a kid the
        // stand-in set does not have.
        353..=356 => no_key(KeyUnsupported, no_such_kid),

        // --- group "base64": HS256 with its oct key; strict base64url.
        357..=359 => loads(Accept),
        360..=366 => loads(malformed), // spaces, '?', '#', in MAC/header
        367 | 370 => loads(Accept),    // byte-identical to 357 (label error)
        368 | 369 | 371 => loads(malformed),
        372 | 373 => loads(malformed), // '?' inside header/payload (label error)
        374 | 375 => loads(malformed), // payload "AB": non-canonical trailing bits
        376 | 377 => loads(Accept),    // whitespace inside the header JSON is fine

        // --- group "SpecialCaseEs256".
        378 => loads(Accept),
        // 379-385: not 64 bytes (DER-ish lengths, trailing zeros, 514-byte overflow);
        // 386-401: r or s in {0, 1, n-1, n} combinations, all invalid.
        379..=401 => loads(bad_sig),

        _ => panic!("json_web_signature_test.json has an unexpected tcId {tc_id}"),
    }
}

/// `json_web_key_test.json`, case by case (key sets reduced to what a verifier is given:
/// public members, and `k` for oct keys).
fn expected_jwk(tc_id: u64) -> Expected {
    let no_such_kid = Reject(TokenSignatureKeyNotFound);
    match tc_id {
        // Mixed set: symmetric keys load only in a set of their own, so the oct key is
        // skipped (remembered as KeyUnsupported) and the EC key loads; the HS256 token
        // names the skipped key.
        1 => loads(Reject(KeyUnsupported)),
        // Two HS256 keys: valid, and a modified signature.
        2 => loads(Accept),
        3 => loads(Reject(TokenSignatureInvalid)),
        // The same kid twice; the second `k` is not canonical base64 (broken), and a
        // broken key sharing a usable key's kid makes the lookup ambiguous.
        4 => no_key(KeySetDuplicateKid, no_such_kid),
        // A good RS256 key: labelled valid, and accepted.
        5 => loads(Accept),
        // alg RSA1_5 / use enc.
        6 => no_key(KeySetNoUsableKey, no_such_kid),
        // A 2049-bit key with the ROCA fingerprint (CVE-2017-15361): refused at load.
        7 => no_key(KeyInvalid, no_such_kid),
        8 => no_key(KeyTooSmall, no_such_kid),        // 1024-bit modulus
        9 => no_key(KeyExponentInvalid, no_such_kid), // e = 1
        // HMAC keys one byte shorter than the hash (31/47/63 bytes), and empty ones.
        10..=12 | 16..=18 => no_key(KeyTooSmall, no_such_kid),
        // 65-byte HMAC keys for HS256/HS384/HS512: valid.
        13..=15 => loads(Accept),
        // EC keys with alg ES521 / ES224, use enc: unusable, skipped.
        19..=21 => no_key(KeySetNoUsableKey, no_such_kid),
        22 => no_key(KeyInvalid, no_such_kid), // point not on the curve
        // crv P-384 with alg ES256; kty RSA holding x/y with alg ES256.
        23 | 24 => no_key(KeySetNoUsableKey, no_such_kid),
        // oct keys bound to AES algorithms (A256GCM, A256KW): not HMAC keys, skipped.
        25 | 26 => no_key(KeySetNoUsableKey, no_such_kid),
        _ => panic!("json_web_key_test.json has an unexpected tcId {tc_id}"),
    }
}

/// The documented reasons a case's overall decision may differ from its label.
#[derive(Debug, PartialEq, Eq)]
enum Exception {
    /// `valid`, but for an algorithm jwtguard does not implement.
    UnsupportedAlgorithm,
    /// `valid`, but the token's alg is not the one the key's own `alg` member names.
    KeyBoundToAnotherAlgorithm,
    /// `valid`, but the key names an algorithm no registry has, so it does not load.
    KeyBoundToUnknownAlgorithm,
    /// Label errors listed in the README.
    LabelError,
}

struct Observed {
    key_set: Exp,
    token: Exp,
    /// The token outcome's decoded payload when accepted (for cross-checks).
    outcome: JwsOutcome,
}

fn to_exp(outcome: &JwsOutcome) -> Exp {
    match outcome.reason() {
        None => Accept,
        Some(r) => Reject(r),
    }
}

/// Loads `key_doc` and runs `jws` against it, or against the stand-in set when the
/// key set does not load.
fn observe(key_doc: &Value, jws: &str, stand_in: &KeySet) -> Observed {
    let loaded = KeySet::from_json_with(&serde_json::to_vec(key_doc).expect("serializable"), &symmetric());
    let key_set = match &loaded {
        Ok(_) => Accept,
        Err(e) => Reject(e.reason()),
    };
    let keys = loaded.as_ref().unwrap_or(stand_in);
    let outcome = jws_verify(jws.as_bytes(), keys, &rules());
    Observed { key_set, token: to_exp(&outcome), outcome }
}

fn header_alg(jws: &str) -> Option<String> {
    let first = jws.split('.').next()?;
    let bytes = common::try_b64url_decode(first)?;
    let header: Value = serde_json::from_slice(&bytes).ok()?;
    header["alg"].as_str().map(str::to_owned)
}

fn show(e: Exp) -> String {
    match e {
        Accept => "accepted".to_owned(),
        Reject(r) => r.name().to_owned(),
    }
}

#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    valid_accepted: usize,
    invalid_rejected: usize,
    valid_rejected_unsupported_alg: usize,
    valid_rejected_key_bound: usize,
    valid_rejected_key_unknown_alg: usize,
    label_errors: usize,
    key_set_not_loaded: usize,
}

/// Compares the overall decision with the label; returns the exception used, if any.
fn judge(file: &str, tc_id: u64, label: &str, jws: &str, observed: &Observed, tally: &mut Tally) -> Option<Exception> {
    let accepted = observed.key_set == Accept && observed.token == Accept;
    tally.cases += 1;
    if observed.key_set != Accept {
        tally.key_set_not_loaded += 1;
    }
    let exception = match (label, accepted) {
        ("valid", true) => {
            tally.valid_accepted += 1;
            None
        }
        ("invalid", false) => {
            tally.invalid_rejected += 1;
            None
        }
        ("valid", false) if observed.token == Reject(TokenAlgorithmNotSupported) => {
            // Never a supported algorithm lost this way: the header names another alg.
            let alg = header_alg(jws);
            assert!(
                alg.as_deref().and_then(Algorithm::from_name).is_none(),
                "{file} tc {tc_id}: valid {alg:?} case rejected as unsupported"
            );
            tally.valid_rejected_unsupported_alg += 1;
            Some(Exception::UnsupportedAlgorithm)
        }
        ("valid", false) if file == "jws" && KEY_BOUND_TO_PS256.contains(&tc_id) => {
            assert_eq!(observed.token, Reject(TokenAlgorithmKeyMismatch));
            assert_eq!(header_alg(jws).as_deref(), Some("PS384"));
            tally.valid_rejected_key_bound += 1;
            Some(Exception::KeyBoundToAnotherAlgorithm)
        }
        ("valid", false) if file == "jws" && KEY_BOUND_TO_ES521.contains(&tc_id) => {
            assert_eq!(observed.key_set, Reject(KeyUnsupported));
            assert_eq!(header_alg(jws).as_deref(), Some("ES512"));
            tally.valid_rejected_key_unknown_alg += 1;
            Some(Exception::KeyBoundToUnknownAlgorithm)
        }
        ("valid", false) if file == "jws" && QUESTION_MARK_LABELLED_VALID.contains(&tc_id) => {
            tally.label_errors += 1;
            Some(Exception::LabelError)
        }
        _ => panic!(
            "{file} tc {tc_id}: labelled {label}, but key set {} / token {} (no documented exception)",
            show(observed.key_set),
            show(observed.token)
        ),
    };
    exception
}

/// Prints one case's outcome; returns a description when it differs from the table.
fn compare(
    file: &str,
    tc_id: u64,
    label: &str,
    group: &Value,
    observed: &Observed,
    expected: &Expected,
) -> Option<String> {
    println!(
        "{file} tc {tc_id:>3} {:<24} {label:<7} key set: {:<20} token: {}",
        group["comment"].as_str().unwrap_or(""),
        show(observed.key_set),
        show(observed.token)
    );
    ((observed.key_set, observed.token) != (expected.key_set, expected.token)).then(|| {
        format!(
            "tc {tc_id}: expected key set {} / token {}, got {} / {}",
            show(expected.key_set),
            show(expected.token),
            show(observed.key_set),
            show(observed.token)
        )
    })
}

#[test]
fn json_web_signature_vectors() {
    let doc = read_json("wycheproof/json_web_signature_test.json");
    assert_eq!(doc["numberOfTests"], 401);
    let stand_in = stand_in();
    let mut tally = Tally::default();
    let mut mismatches = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut outcome_357 = None;
    let mut same_as_357 = Vec::new();

    for group in doc["testGroups"].as_array().expect("testGroups") {
        let key_doc = group.get("public").or_else(|| group.get("private")).expect("group has a key");
        for test in group["tests"].as_array().expect("tests") {
            let tc_id = test["tcId"].as_u64().expect("tcId");
            let label = test["result"].as_str().expect("result");
            let jws = test["jws"].as_str().expect("jws is a string");
            assert!(seen.insert(tc_id), "duplicate tcId {tc_id}");

            let observed = observe(key_doc, jws, &stand_in);
            let expected = expected_jws(tc_id);
            if let Some(mismatch) = compare("jws", tc_id, label, group, &observed, &expected) {
                mismatches.push(mismatch);
                continue;
            }
            if tc_id == 357 {
                outcome_357 = Some(observed.outcome.clone());
            }
            if SAME_AS_357.contains(&tc_id) {
                // Documented label error: a strict verifier treats these exactly like the
                // valid tc 357 (both verify: their "padding" is not in the token).
                tally.label_errors += 1;
                tally.cases += 1;
                if observed.key_set != Accept {
                    tally.key_set_not_loaded += 1;
                }
                same_as_357.push((tc_id, observed.outcome.clone()));
                continue;
            }
            judge("jws", tc_id, label, jws, &observed, &mut tally);
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of 401 cases differ from the table:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );

    let outcome_357 = outcome_357.expect("tc 357 seen");
    assert_eq!(same_as_357.len(), 2);
    for (tc_id, outcome) in same_as_357 {
        assert_eq!(outcome, outcome_357, "tc {tc_id} must get exactly tc 357's outcome");
    }

    assert_eq!(seen.len(), 401);
    assert_eq!(seen.iter().copied().collect::<Vec<_>>(), (1..=401).collect::<Vec<_>>());
    println!("{tally:?}");
    assert_eq!(tally.cases, 401);
    // Valid and accepted: ES256 18, 378; RS256 33, 259-263, 345, 349; HS256 1, 348, 352,
    // 357-359, 376, 377; RS384 264-267; RS512 268-271; PS256 272-275, 287, 288; PS384
    // 320-323; PS512 325-328.
    assert_eq!(tally.valid_accepted, 8 + 2 + 8 + 4 + 4 + 6 + 4 + 4);
    // Every valid case's algorithm is implemented.
    assert_eq!(tally.valid_rejected_unsupported_alg, 0);
    // Valid ES512 (347, 351) against a P-521 key bound to "ES521".
    assert_eq!(tally.valid_rejected_key_unknown_alg, 2);
    // Valid but PS384 against a key bound to PS256 (346, 350).
    assert_eq!(tally.valid_rejected_key_bound, 2);
    // 367, 370 (same as 357) and 372, 373 ('?' in a segment).
    assert_eq!(tally.label_errors, 4);
    assert_eq!(tally.invalid_rejected, 401 - 40 - 2 - 2 - 4);
    // Groups whose key does not load: the two "ES521" keys (347, 351), encryption keys (4).
    assert_eq!(tally.key_set_not_loaded, 2 + 4);
}

/// A JWK with its private members removed.
#[test]
fn json_web_key_vectors() {
    let doc = read_json("wycheproof/json_web_key_test.json");
    assert_eq!(doc["numberOfTests"], 26);
    let stand_in = stand_in();
    let mut tally = Tally::default();
    let mut mismatches = Vec::new();
    let mut seen = Vec::new();

    for group in doc["testGroups"].as_array().expect("testGroups") {
        let private = &group["private"];
        let entries = private["keys"].as_array().expect("private is a JWK set");
        let reduced = serde_json::json!({ "keys": entries.iter().map(public_members).collect::<Vec<_>>() });

        // Where the group also lists its public set, it is the same as the reduced one.
        if let Some(public) = group.get("public") {
            let by_kid = |v: &Value| {
                let mut keys = v["keys"].as_array().unwrap().clone();
                keys.sort_by_key(|k| k.to_string());
                keys
            };
            assert_eq!(
                by_kid(public),
                by_kid(&reduced),
                "group {}: public set differs from the private set's public members",
                group["comment"]
            );
        }

        for test in group["tests"].as_array().expect("tests") {
            let tc_id = test["tcId"].as_u64().expect("tcId");
            let label = test["result"].as_str().expect("result");
            let jws = test["jws"].as_str().expect("jws");
            seen.push(tc_id);

            let observed = observe(&reduced, jws, &stand_in);
            // A verifier is only ever given public keys: an RSA or EC key carrying private
            // members is refused (KeyInvalid), so such a set never loads; a set without
            // any (e.g. tc 1: a public EC key beside an oct key) loads like its public form.
            let raw =
                KeySet::from_json_with(&serde_json::to_vec(private).unwrap(), &symmetric()).err().map(|e| e.reason());
            let holds_private_asymmetric = entries.iter().any(|k| k["kty"] != "oct" && k.get("d").is_some());
            if holds_private_asymmetric {
                assert!(
                    matches!(raw, Some(KeyInvalid) | Some(KeySetNoUsableKey)),
                    "jwk tc {tc_id}: a set holding private keys must be refused, got {raw:?}"
                );
            } else {
                let stripped = match observed.key_set {
                    Accept => None,
                    Reject(r) => Some(r),
                };
                assert_eq!(raw, stripped, "jwk tc {tc_id}");
            }

            let expected = expected_jwk(tc_id);
            if let Some(mismatch) = compare("jwk", tc_id, label, group, &observed, &expected) {
                mismatches.push(mismatch);
                continue;
            }
            judge("jwk", tc_id, label, jws, &observed, &mut tally);
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of 26 cases differ from the table:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert_eq!(seen, (1..=26).collect::<Vec<_>>());
    println!("{tally:?}");
    assert_eq!(tally.cases, 26);
    assert_eq!(tally.valid_accepted, 5); // tc 2, 5, 13, 14, 15
    assert_eq!(tally.valid_rejected_unsupported_alg, 0);
    assert_eq!(tally.invalid_rejected, 26 - 5);
    assert_eq!(tally.key_set_not_loaded, 26 - 7); // all but tc 1, 2, 3, 5, 13, 14, 15
}

#[test]
fn small_exponent_option_does_not_admit_exponent_one() {
    // jwk tc 9's key has e = 1; even the permissive option (e >= 3) refuses it, and tc 8's
    // 1024-bit key stays too small.
    let doc = read_json("wycheproof/json_web_key_test.json");
    let options = jwtguard_core::KeyOptions { allow_small_rsa_exponent: true, ..Default::default() };
    let mut checked = 0;
    for group in doc["testGroups"].as_array().unwrap() {
        let tc_id = group["tests"][0]["tcId"].as_u64().unwrap();
        let expected = match tc_id {
            8 => KeyTooSmall,
            9 => KeyExponentInvalid,
            _ => continue,
        };
        let set = serde_json::to_vec(&group["public"]).unwrap();
        let err = KeySet::from_json_with(&set, &options).expect_err("still refused");
        assert_eq!(err.reason(), expected, "jwk tc {tc_id}");
        checked += 1;
    }
    assert_eq!(checked, 2);
}

#[test]
fn oct_keys_are_refused_without_the_opt_in() {
    // With default options every group key that is an oct key is refused: a single JWK
    // with its precise reason, a set as having no usable key (saying why).
    let mut checked = 0;
    for file in ["json_web_signature_test.json", "json_web_key_test.json"] {
        let doc = read_json(&format!("wycheproof/{file}"));
        for group in doc["testGroups"].as_array().unwrap() {
            let key = group.get("public").filter(|v| !v.is_null()).or_else(|| group.get("private")).unwrap();
            let entries: Vec<&Value> = match key.get("keys") {
                Some(keys) => keys.as_array().unwrap().iter().collect(),
                None => vec![key],
            };
            if !entries.iter().all(|k| k["kty"] == "oct") {
                continue;
            }
            let err = common::key_set(key).expect_err("oct keys need the opt-in");
            let expected = if key.get("keys").is_some() { KeySetNoUsableKey } else { KeyUnsupported };
            assert_eq!(err.reason(), expected, "{file} group {}", group["comment"]);
            assert!(err.detail().contains("allow_symmetric"), "{file}: {err}");
            checked += 1;
        }
    }
    assert!(checked >= 10, "checked {checked}");
}

/// RFC 7520 Figure 27 (tc 347) is a sound ES512 signature: with its P-521 key bound to
/// ES512 (the name the RFC's algorithm has) it verifies, and one flipped signature
/// byte, or a key left unbound, change that only as they should.
#[test]
fn rfc7520_figure_27_verifies_with_its_key_bound_to_es512() {
    let doc = read_json("wycheproof/json_web_signature_test.json");
    let group = doc["testGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["tests"].as_array().unwrap().iter().any(|t| t["tcId"] == 347))
        .expect("the group of tc 347");
    let jws = group["tests"].as_array().unwrap().iter().find(|t| t["tcId"] == 347).unwrap()["jws"].as_str().unwrap();
    assert_eq!(group["public"]["alg"], "ES521");
    let es512 = JwsRules { algorithms: AlgorithmSet::of(&[Algorithm::ES512]), ..rules() };
    for alg in [Some("ES512"), None] {
        let mut key = group["public"].clone();
        match alg {
            Some(alg) => key["alg"] = alg.into(),
            None => drop(key.as_object_mut().unwrap().remove("alg")),
        }
        let keys = common::key_set(&key).expect("the P-521 key loads");
        assert_eq!(jws_verify(jws.as_bytes(), &keys, &es512).reason(), None, "key alg {alg:?}");
        let (head, sig) = jws.rsplit_once('.').unwrap();
        let mut sig = common::b64url_decode(sig);
        sig[70] ^= 1;
        let flipped = format!("{head}.{}", common::b64url(&sig));
        assert_eq!(jws_verify(flipped.as_bytes(), &keys, &es512).reason(), Some(TokenSignatureInvalid));
    }
}
