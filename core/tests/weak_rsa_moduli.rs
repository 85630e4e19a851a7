//! RSA moduli whose private key follows from the public key are refused at load time,
//! with the same reason and detail on every backend: a small prime factor, a prime
//! modulus, the square of a prime.
//!
//! The numbers are built here from small offsets, so no constant needs trusting. Each
//! offset is the smallest `k` making the named number prime, found once with a
//! Miller-Rabin test to the 20 prime bases up to 71 (Python's `pow(a, d, n)`):
//! - `2^2046 + 4147` is prime: the cofactor of the small-factor moduli;
//! - `2^2047 + 1919` is prime: a 2048-bit prime modulus;
//! - `3 * 2^1022 + 1037` is prime: a 1024-bit prime whose square has 2048 bits.

mod support;

use jwtguard_core::{Backend, Error, KeyOptions, KeySet, Reason};
use support::wycheproof_sigs::rsa_jwk;

const BACKENDS: &[Backend] = &[
    Backend::Portable,
    #[cfg(feature = "aws-lc")]
    Backend::AwsLc,
];

const E: &[u8] = &[1, 0, 1];

/// The sum of `coefficient * 2^shift` over `terms`, as 1024 big-endian bytes (8192 bits).
fn number(terms: &[(u128, u32)]) -> Vec<u8> {
    let mut little = vec![0u8; 1024];
    for &(coefficient, shift) in terms {
        let mut carry = 0u128;
        let mut index = (shift / 8) as usize;
        let mut value = coefficient << (shift % 8); // coefficients stay below 2^100
        while value != 0 || carry != 0 {
            let sum = u128::from(little[index]) + (value & 0xff) + carry;
            little[index] = sum as u8;
            carry = sum >> 8;
            value >>= 8;
            index += 1;
        }
    }
    little.reverse();
    little
}

/// Loads `n` as a single JWK with each backend and returns the outcomes.
fn load(n: &[u8]) -> Vec<Result<KeySet, Error>> {
    let jwk = rsa_jwk(n, E);
    BACKENDS
        .iter()
        .map(|&backend| KeySet::from_json_with(jwk.as_bytes(), &KeyOptions { backend, ..KeyOptions::default() }))
        .collect()
}

fn assert_refused(n: &[u8], detail: &str) {
    for (backend, outcome) in BACKENDS.iter().zip(load(n)) {
        let error = outcome.expect_err(&format!("{backend:?} loaded a modulus that must be refused ({detail})"));
        assert_eq!((error.reason(), error.detail()), (Reason::KeyInvalid, detail), "{backend:?}");
    }
}

const SMALL_FACTOR: &str = "RSA modulus has a prime factor below 702";

#[test]
fn modulus_with_a_small_prime_factor_is_refused() {
    // 3 * q and 701 * q (the last prime of the table) with q = 2^2046 + 4147 prime.
    for factor in [3u128, 701] {
        assert_refused(&number(&[(factor, 2046), (factor * 4147, 0)]), SMALL_FACTOR);
    }
}

#[test]
fn modulus_with_a_prime_factor_past_the_table_loads() {
    // 709 * q, 709 the first prime above 701: no small factor, and composite.
    for outcome in load(&number(&[(709, 2046), (709 * 4147, 0)])) {
        assert_eq!(outcome.map(|set| set.len()), Ok(1));
    }
}

#[test]
fn prime_modulus_is_refused() {
    let prime = number(&[(1, 2047), (1919, 0)]);
    assert_refused(&prime, "RSA modulus is prime");
    // 2^2047 + 1943 is composite (Python: pow(2, n - 1, n) != 1) and divisible by no
    // prime up to 701: it loads.
    for outcome in load(&number(&[(1, 2047), (1943, 0)])) {
        assert_eq!(outcome.map(|set| set.len()), Ok(1));
    }
}

#[test]
fn square_of_a_prime_is_refused() {
    // p = 3 * 2^1022 + 1037 prime; p^2 = 9 * 2^2044 + 6 * 1037 * 2^1022 + 1037^2.
    let square = number(&[(9, 2044), (6 * 1037, 1022), (1037 * 1037, 0)]);
    assert_refused(&square, "RSA modulus is a perfect square");
}

#[test]
fn number_builds_what_it_says() {
    // The helper itself: 2^2047 + 1919 and a carry across bytes (255 + 1 at the bottom).
    let n = number(&[(1, 2047), (1919, 0)]);
    assert_eq!(n.iter().position(|&b| b != 0), Some(1024 - 256));
    assert_eq!(n[1024 - 256], 0x80);
    assert_eq!(&n[1022..], &1919u16.to_be_bytes());
    let carried = number(&[(255, 0), (1, 0)]);
    assert_eq!(&carried[1022..], &[1, 0]);
}
