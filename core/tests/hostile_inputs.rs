//! Inputs built to cost work or overflow arithmetic: every one must be refused with a
//! precise reason (or accepted exactly when the rules say so), never panic.

mod support;

use jwtguard_core::{jws, verify, KeySet, Policy, Reason, DEFAULT_MAX_TOKEN_LEN};
use support::fixtures::FixtureFile;

fn reason(r: Result<impl Sized, jwtguard_core::Error>) -> Option<Reason> {
    r.err().map(|e| e.reason())
}

fn valid_case() -> (KeySet, String, u64, Policy) {
    let file = FixtureFile::load("claims.json");
    let case = file.case("valid_es256_p256");
    (case.keys().unwrap(), case.token.to_owned(), case.now, case.policy())
}

#[test]
fn a_mebibyte_of_dots_is_refused_before_any_parsing() {
    let (keys, _, now, policy) = valid_case();
    let dots = vec![b'.'; 1 << 20];
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    assert_eq!(reason(verify(&dots, &keys, &policy, now, &mut scratch)), Some(Reason::TokenTooLarge));
    // Even with the size limit raised, it is a format error, not a crash or a long walk.
    let lenient = Policy::builder().any_audience().any_issuer().max_token_len(2 << 20).build().unwrap();
    let mut big = vec![0u8; jws::scratch_len(dots.len())];
    assert_eq!(reason(verify(&dots, &keys, &lenient, now, &mut big)), Some(Reason::TokenMalformed));
}

#[test]
fn extreme_clocks_and_skews_do_not_overflow() {
    let (keys, token, now, _) = valid_case();
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let strict = Policy::builder().audience("api://jwtguard-test").issuer("https://issuer.example/tenant/v2.0");
    let policy = strict.clone().build().unwrap();
    assert_eq!(reason(verify(token.as_bytes(), &keys, &policy, now, &mut scratch)), None);
    assert_eq!(reason(verify(token.as_bytes(), &keys, &policy, 0, &mut scratch)), Some(Reason::TokenNotYetValid));
    assert_eq!(reason(verify(token.as_bytes(), &keys, &policy, u64::MAX, &mut scratch)), Some(Reason::TokenExpired));
    let forgiving = strict.clock_skew(u64::MAX).build().unwrap();
    for t in [0, now, u64::MAX] {
        assert_eq!(reason(verify(token.as_bytes(), &keys, &forgiving, t, &mut scratch)), None, "now = {t}");
    }
}

#[test]
fn a_scratch_buffer_too_small_is_an_error_not_a_panic() {
    let (keys, token, now, policy) = valid_case();
    let mut tiny = [0u8; 16];
    assert_eq!(reason(verify(token.as_bytes(), &keys, &policy, now, &mut tiny)), Some(Reason::TokenTooLarge));
    let mut exact = vec![0u8; jws::scratch_len(token.len())];
    assert_eq!(reason(verify(token.as_bytes(), &keys, &policy, now, &mut exact)), None);
}

#[test]
fn oversized_and_deep_key_sets_are_refused() {
    let one = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
    let many = format!("{{\"keys\":[{}]}}", vec![one; 33].join(","));
    assert_eq!(reason(KeySet::from_json(many.as_bytes())), Some(Reason::KeySetTooLarge));
    let thirty_two = format!("{{\"keys\":[{}]}}", vec![one; 32].join(","));
    assert_eq!(KeySet::from_json(thirty_two.as_bytes()).map(|k| k.len()).ok(), Some(32));
    let deep = format!("{{\"keys\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(reason(KeySet::from_json(deep.as_bytes())), Some(Reason::KeySetMalformed));
    let huge = vec![b' '; 300 * 1024];
    assert_eq!(reason(KeySet::from_json(&huge)), Some(Reason::KeySetTooLarge));
}

#[test]
fn mutated_tokens_never_panic_and_never_verify() {
    let (keys, token, now, policy) = valid_case();
    let mut scratch = [0u8; DEFAULT_MAX_TOKEN_LEN];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.= +/\n";
    let mut rejected = 0;
    for _ in 0..2_000 {
        let mut mutated = token.clone().into_bytes();
        for _ in 0..1 + next() % 4 {
            let at = (next() as usize) % mutated.len();
            match next() % 3 {
                0 => mutated[at] = alphabet[(next() as usize) % alphabet.len()],
                1 => {
                    mutated.remove(at);
                }
                _ => mutated.insert(at, alphabet[(next() as usize) % alphabet.len()]),
            }
        }
        if mutated == token.as_bytes() {
            continue;
        }
        // Strict base64url gives every token exactly one encoding, so no edit of the
        // text can leave the signed bytes (and the signature) intact.
        let result = verify(&mutated, &keys, &policy, now, &mut scratch);
        assert!(result.is_err(), "a mutated token verified: {}", String::from_utf8_lossy(&mutated));
        rejected += 1;
    }
    assert!(rejected > 1_900, "mutations exercised: {rejected}");
}
