//! Calls every exported function with NULL pointers, zero capacities, huge lengths,
//! invalid UTF-8, out-of-range values and random bytes, and checks the documented
//! result codes. Nothing may crash, panic across the boundary (`JWTGUARD_PANIC`) or
//! read memory it was not given (huge lengths come with small or NULL buffers).

use std::ffi::{c_char, CStr};
use std::ptr::{self, null, null_mut};

use jwtguard::jwtguard_result::*;
use jwtguard::*;
use jwtguard_core::json::{Object, Value};

/// A small deterministic generator for garbage (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// `from` with one to `edits` bytes replaced by random ones.
    fn mutated(&mut self, from: &[u8], edits: usize) -> Vec<u8> {
        let mut m = from.to_vec();
        for _ in 0..1 + self.below(edits) {
            if !m.is_empty() {
                let at = self.below(m.len());
                m[at] = self.next() as u8;
            }
        }
        m
    }
    fn bytes(&mut self, max_len: usize) -> Vec<u8> {
        (0..self.below(max_len + 1)).map(|_| self.next() as u8).collect()
    }
    /// Mostly token-shaped garbage: base64url characters and dots, sometimes anything.
    fn token_like(&mut self) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ ";
        let len = self.below(400);
        (0..len)
            .map(|_| if self.below(20) == 0 { self.next() as u8 } else { ALPHABET[self.below(ALPHABET.len())] })
            .collect()
    }
}

struct Fixture {
    jwks: Vec<u8>,
    token: Vec<u8>,
}

/// The `main` key set and the `valid_es256_p256` token from the core's claims.json.
fn fixture() -> Fixture {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/claims.json");
    let text = std::fs::read(path).expect("core/tests/fixtures/claims.json");
    let doc = Object::parse(&text).expect("claims.json is JSON");
    let Some(Value::Object(key_sets)) = doc.get("key_sets") else { panic!("key_sets") };
    let Some(Value::Object(main)) = key_sets.get("main") else { panic!("key_sets.main") };
    let Some(Value::Array(cases)) = doc.get("cases") else { panic!("cases") };
    let case = cases
        .iter()
        .filter_map(|c| c.as_object())
        .find(|c| c.get("name").and_then(|n| n.as_str()).is_some_and(|n| n.eq_str("valid_es256_p256")))
        .expect("case valid_es256_p256");
    let token = case.get("token").and_then(|t| t.as_str()).and_then(|t| t.as_plain()).expect("token");
    Fixture { jwks: main.raw().to_vec(), token: token.as_bytes().to_vec() }
}

fn keys(f: &Fixture) -> *const jwtguard_keyset {
    let mut out = null();
    // SAFETY: a live buffer and a writable out-pointer.
    assert_eq!(unsafe { jwtguard_keyset_new(f.jwks.as_ptr(), f.jwks.len(), &mut out) }, JWTGUARD_OK);
    out
}

fn policy() -> *const jwtguard_policy {
    let b = jwtguard_policy_builder_new();
    let mut out = null();
    // SAFETY: a live builder, static strings, a writable out-pointer.
    unsafe {
        assert_eq!(jwtguard_policy_builder_add_audience(b, c"api://jwtguard-test".as_ptr(), 19), JWTGUARD_OK);
        let iss = "https://issuer.example/tenant/v2.0";
        assert_eq!(jwtguard_policy_builder_add_issuer(b, iss.as_ptr().cast(), iss.len()), JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_build(b, &mut out, null_mut(), 0), JWTGUARD_OK);
        jwtguard_policy_builder_free(b);
    }
    out
}

fn verified(f: &Fixture, v: *const jwtguard_verifier) -> *mut jwtguard_token {
    let mut out = null_mut();
    // SAFETY: a live handle and buffers.
    let r = unsafe {
        jwtguard_verifier_verify(v, f.token.as_ptr(), f.token.len(), 1_700_000_000, &mut out, null_mut(), null_mut(), 0)
    };
    assert_eq!(r, JWTGUARD_OK);
    out
}

/// A non-NULL pointer that must never be read (paired with absurd lengths).
fn dangling() -> *const c_char {
    ptr::NonNull::<c_char>::dangling().as_ptr()
}

/// An odd address: misaligned for every type it is used with (all have alignment > 1),
/// so the library must refuse it without reading through it.
fn odd_address<T>() -> *mut T {
    assert!(std::mem::align_of::<T>() > 1);
    ptr::without_provenance_mut(1)
}

const HUGE: usize = usize::MAX;
const OVER_ISIZE: usize = isize::MAX as usize + 1;

#[test]
fn static_strings() {
    // SAFETY: the functions return static NUL-terminated strings.
    unsafe {
        assert!(!CStr::from_ptr(jwtguard_version()).to_bytes().is_empty());
        assert_eq!(CStr::from_ptr(jwtguard_backend()).to_str().unwrap(), jwtguard_core::Backend::DEFAULT.name());
        let mut rng = Rng(7);
        let codes = (0..2100u32).chain((0..1000).map(|_| rng.next() as u32)).chain([u32::MAX]);
        for code in codes {
            let name = CStr::from_ptr(jwtguard_result_name(code)).to_str().unwrap();
            let message = CStr::from_ptr(jwtguard_result_message(code)).to_str().unwrap();
            let known = jwtguard_result::from_code(code).is_some();
            assert_eq!(name == "Unknown", !known, "{code}");
            assert!(!message.is_empty());
        }
    }
}

#[test]
fn keyset_functions() {
    let f = fixture();
    let mut out: *const jwtguard_keyset = ptr::NonNull::dangling().as_ptr();
    let mut detail = [0 as c_char; 128];
    // SAFETY: every non-NULL pointer below is valid for what the function does with it;
    // the dangling pointer comes only with lengths the functions reject unread.
    unsafe {
        assert_eq!(jwtguard_keyset_new(null(), 0, null_mut()), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_keyset_new(null(), 5, &mut out), JWTGUARD_NULL_PARAMETER);
        assert!(out.is_null(), "*out is reset on failure");
        assert_eq!(jwtguard_keyset_new(null(), HUGE, &mut out), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_keyset_new(null(), 0, &mut out), JWTGUARD_KEY_SET_MALFORMED);
        assert_eq!(jwtguard_keyset_new(f.jwks.as_ptr(), f.jwks.len(), null_mut()), JWTGUARD_NULL_PARAMETER);
        // Over the size limit: rejected on the length alone.
        assert_eq!(jwtguard_keyset_new(dangling().cast(), HUGE, &mut out), JWTGUARD_KEY_SET_TOO_LARGE);
        let r = jwtguard_keyset_new_with_options(dangling().cast(), HUGE, 0, HUGE, &mut out, null_mut(), 0);
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER, "a length over PTRDIFF_MAX is refused unread");
        let r = jwtguard_keyset_new_with_options(
            null(),
            1,
            JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT,
            0,
            &mut out,
            detail.as_mut_ptr(),
            0,
        );
        assert_eq!(r, JWTGUARD_NULL_PARAMETER);
        assert_eq!(detail[0], 0, "detail_cap 0: untouched");
        let r = jwtguard_keyset_new_with_options(
            null(),
            1,
            JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT,
            0,
            &mut out,
            detail.as_mut_ptr(),
            1,
        );
        assert_eq!(r, JWTGUARD_NULL_PARAMETER);
        assert_eq!(detail[0], 0);
        let r = jwtguard_keyset_new_with_options(
            null(),
            1,
            JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT,
            0,
            &mut out,
            null_mut(),
            100,
        );
        assert_eq!(r, JWTGUARD_NULL_PARAMETER, "a NULL detail is fine whatever its cap");
        for flags in [4u32, 7, 0x8000_0000, u32::MAX] {
            out = ptr::NonNull::dangling().as_ptr();
            let r = jwtguard_keyset_new_with_options(f.jwks.as_ptr(), f.jwks.len(), flags, 0, &mut out, null_mut(), 0);
            assert_eq!(r, JWTGUARD_INVALID_PARAMETER, "unknown key set flags {flags:#x}");
            assert!(out.is_null());
        }

        // Random documents: always a key-set reason, never OK or a panic.
        let mut rng = Rng(0x5eed);
        for i in 0..2000 {
            let mut doc = rng.bytes(300);
            if i % 3 == 0 {
                // JSON-ish garbage gets further into the parser.
                doc = [b"{\"keys\":[{\"kty\":\"".as_slice(), &doc, b"\"}]}"].concat();
            }
            let r = jwtguard_keyset_new(doc.as_ptr(), doc.len(), &mut out);
            assert!((100..200).contains(&(r as u32)), "document {doc:?} gave {r:?}");
            assert!(out.is_null());
        }
        // Mutations of a real document.
        for _ in 0..300 {
            let mut doc = f.jwks.clone();
            let at = rng.below(doc.len());
            doc[at] = rng.next() as u8;
            let r = jwtguard_keyset_new(doc.as_ptr(), doc.len(), &mut out);
            assert!(r == JWTGUARD_OK || (100..200).contains(&(r as u32)), "{r:?}");
            jwtguard_keyset_free(out);
        }

        // Handles: NULL and misaligned pointers are refused without being read.
        let misaligned = odd_address::<jwtguard_keyset>().cast_const();
        assert!(jwtguard_keyset_clone(null()).is_null());
        assert!(jwtguard_keyset_clone(misaligned).is_null());
        jwtguard_keyset_free(null());
        jwtguard_keyset_free(misaligned);
        assert_eq!(jwtguard_keyset_len(null()), 0);
        assert_eq!(jwtguard_keyset_len(misaligned), 0);
        assert_eq!(jwtguard_keyset_rejected_len(null()), 0);
        assert_eq!(jwtguard_keyset_rejected_len(misaligned), 0);

        let k = keys(&f);
        let mut reason = JWTGUARD_PANIC;
        let mut kid = [0 as c_char; 16];
        let mut kid_len = 99usize;
        assert_eq!(
            jwtguard_keyset_rejected(null(), 0, &mut reason, kid.as_mut_ptr(), 16, null_mut()),
            JWTGUARD_NULL_PARAMETER
        );
        assert_eq!(reason, JWTGUARD_OK, "*reason is reset even when another argument is the problem");
        for (keys, reason_ptr, kid_ptr, cap, want) in [
            (null(), &mut reason as *mut _, kid.as_mut_ptr(), kid.len(), JWTGUARD_NULL_PARAMETER),
            (misaligned, &mut reason as *mut _, kid.as_mut_ptr(), kid.len(), JWTGUARD_INVALID_PARAMETER),
            (k, null_mut(), kid.as_mut_ptr(), kid.len(), JWTGUARD_NULL_PARAMETER),
            (k, &mut reason as *mut _, null_mut(), 3, JWTGUARD_NULL_PARAMETER),
            (k, &mut reason as *mut _, null_mut(), 0, JWTGUARD_INVALID_PARAMETER),
            (k, &mut reason as *mut _, kid.as_mut_ptr(), kid.len(), JWTGUARD_INVALID_PARAMETER),
        ] {
            assert_eq!(jwtguard_keyset_rejected(keys, 0, reason_ptr, kid_ptr, cap, &mut kid_len), want);
            assert_eq!(kid_len, 0);
        }
        assert_eq!(
            jwtguard_keyset_rejected(k, HUGE, &mut reason, kid.as_mut_ptr(), 16, null_mut()),
            JWTGUARD_INVALID_PARAMETER
        );
        assert_eq!(jwtguard_keyset_len(k), 3);
        jwtguard_keyset_free(k);
    }
}

#[test]
fn decryption_key_functions() {
    let mut out: *const jwtguard_decryption_keys = ptr::NonNull::dangling().as_ptr();
    let mut detail = [0 as c_char; 128];
    // SAFETY: every non-NULL pointer is valid for its use; the dangling pointer comes only
    // with lengths refused unread.
    unsafe {
        let new = |jwks: *const u8, len, out, detail: *mut c_char, cap| {
            jwtguard_decryption_keys_new(jwks, len, out, detail, cap)
        };
        assert_eq!(new(null(), 5, &mut out, null_mut(), 0), JWTGUARD_NULL_PARAMETER);
        assert!(out.is_null(), "*out is reset on failure");
        assert_eq!(new(null(), 0, &mut out, null_mut(), 0), JWTGUARD_KEY_SET_MALFORMED);
        assert_eq!(new(b"{}".as_ptr(), 2, null_mut(), null_mut(), 0), JWTGUARD_NULL_PARAMETER);
        assert_eq!(new(dangling().cast(), HUGE, &mut out, null_mut(), 0), JWTGUARD_KEY_SET_TOO_LARGE);
        assert_eq!(new(dangling().cast(), OVER_ISIZE, &mut out, null_mut(), 0), JWTGUARD_KEY_SET_TOO_LARGE);
        let mut rng = Rng(0xdec0de);
        for _ in 0..300 {
            let garbage = rng.bytes(96);
            let cap = rng.below(detail.len());
            let r = new(garbage.as_ptr(), garbage.len(), &mut out, detail.as_mut_ptr(), cap);
            assert!((100..200).contains(&(r as u32)), "{r:?}");
            assert!(out.is_null());
        }
        assert_eq!(jwtguard_decryption_keys_len(null()), 0);
        jwtguard_decryption_keys_free(null());
        let p = policy();
        let builder = jwtguard_verifier_builder_new(p);
        assert_eq!(jwtguard_verifier_builder_set_decryption_keys(builder, null()), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_verifier_builder_set_decryption_keys(null_mut(), null()), JWTGUARD_NULL_PARAMETER);
        jwtguard_verifier_builder_free(builder);
        jwtguard_policy_free(p);
    }
}

#[test]
fn policy_functions() {
    let mut out: *const jwtguard_policy = null();
    let mut detail = [0 as c_char; 256];
    let values = [jwtguard_slice { data: c"a".as_ptr(), len: 1 }];
    // SAFETY: every non-NULL pointer is valid for its use; dangling pointers come only
    // with lengths that are refused unread.
    unsafe {
        let nb: *mut jwtguard_policy_builder = null_mut();
        let s = c"x".as_ptr();
        assert_eq!(jwtguard_policy_builder_add_audience(nb, s, 1), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_any_audience(nb), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_add_issuer(nb, s, 1), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_any_issuer(nb), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_add_token_type(nb, s, 1), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_add_allowed_tenant(nb, s, 1), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_any_tenant(nb), JWTGUARD_NULL_PARAMETER);
        assert_eq!(
            jwtguard_policy_builder_add_required_claim(nb, s, 1, null(), 0, 0, null(), 0),
            JWTGUARD_NULL_PARAMETER
        );
        assert_eq!(jwtguard_policy_builder_set_clock_skew(nb, u64::MAX), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_set_require_expiration_time(nb, true), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_set_algorithms(nb, 3), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_set_max_token_len(nb, 1), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_set_kid_miss_fallback(nb, true), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_set_check_key_issuer(nb, true), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_policy_builder_build(nb, &mut out, null_mut(), 0), JWTGUARD_NULL_PARAMETER);
        jwtguard_policy_builder_free(nb);
        jwtguard_policy_builder_free(odd_address::<jwtguard_policy_builder>()); // misaligned: ignored
        assert!(jwtguard_policy_clone(null()).is_null());
        jwtguard_policy_free(null());

        // One fresh builder per bad call: each failure must also poison `build`.
        type Call = Box<dyn Fn(*mut jwtguard_policy_builder) -> jwtguard_result>;
        let bad: Vec<(Call, jwtguard_result)> = vec![
            (Box::new(|b| jwtguard_policy_builder_add_audience(b, null(), 1)), JWTGUARD_NULL_PARAMETER),
            (Box::new(|b| jwtguard_policy_builder_add_audience(b, null(), HUGE)), JWTGUARD_NULL_PARAMETER),
            (Box::new(|b| jwtguard_policy_builder_add_audience(b, dangling(), OVER_ISIZE)), JWTGUARD_INVALID_PARAMETER),
            (Box::new(|b| jwtguard_policy_builder_add_issuer(b, c"\xff".as_ptr(), 1)), JWTGUARD_INVALID_PARAMETER),
            (Box::new(|b| jwtguard_policy_builder_add_issuer(b, dangling(), HUGE)), JWTGUARD_INVALID_PARAMETER),
            (
                Box::new(|b| jwtguard_policy_builder_add_required_claim(b, null(), HUGE, null(), 0, 0, null(), 0)),
                JWTGUARD_NULL_PARAMETER,
            ),
            (
                Box::new(|b| {
                    jwtguard_policy_builder_add_required_claim(b, c"scp".as_ptr(), 3, null(), HUGE, 0, null(), 0)
                }),
                JWTGUARD_NULL_PARAMETER,
            ),
            (
                Box::new(move |b| {
                    jwtguard_policy_builder_add_required_claim(
                        b,
                        c"scp".as_ptr(),
                        3,
                        values.as_ptr(),
                        HUGE,
                        0,
                        null(),
                        0,
                    )
                }),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(|b| {
                    let v = [jwtguard_slice { data: null(), len: HUGE }];
                    jwtguard_policy_builder_add_required_claim(b, c"scp".as_ptr(), 3, v.as_ptr(), 1, 0, null(), 0)
                }),
                JWTGUARD_NULL_PARAMETER,
            ),
            (
                Box::new(|b| {
                    let v = [jwtguard_slice { data: dangling(), len: OVER_ISIZE }];
                    jwtguard_policy_builder_add_required_claim(b, c"scp".as_ptr(), 3, v.as_ptr(), 1, 0, null(), 0)
                }),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(|b| {
                    let misaligned = odd_address::<jwtguard_slice>().cast_const();
                    jwtguard_policy_builder_add_required_claim(b, c"scp".as_ptr(), 3, misaligned, 1, 0, null(), 0)
                }),
                JWTGUARD_INVALID_PARAMETER,
            ),
        ];
        let bad_match = [2u32, 3, 255, u32::MAX]
            .map(|m| -> (Call, _) {
                (
                    Box::new(move |b| {
                        jwtguard_policy_builder_add_required_claim(b, c"r".as_ptr(), 1, null(), 0, m, null(), 0)
                    }),
                    JWTGUARD_INVALID_PARAMETER,
                )
            })
            .into_iter();
        let bad_separator = [&b"\xff"[..], b"\xc3", b" \x80"]
            .map(|sep| -> (Call, _) {
                (
                    Box::new(move |b| {
                        let p = sep.as_ptr().cast();
                        jwtguard_policy_builder_add_required_claim(b, c"r".as_ptr(), 1, null(), 0, 0, p, sep.len())
                    }),
                    JWTGUARD_INVALID_PARAMETER,
                )
            })
            .into_iter()
            .chain([
                (
                    Box::new(|b| {
                        jwtguard_policy_builder_add_required_claim(b, c"r".as_ptr(), 1, null(), 0, 0, null(), 1)
                    }) as Call,
                    JWTGUARD_NULL_PARAMETER,
                ),
                (
                    Box::new(|b| {
                        let fallback = c"\xff".as_ptr();
                        jwtguard_policy_builder_add_required_claim_or(
                            b,
                            c"r".as_ptr(),
                            1,
                            null(),
                            0,
                            0,
                            null(),
                            0,
                            fallback,
                            1,
                        )
                    }),
                    JWTGUARD_INVALID_PARAMETER,
                ),
                (Box::new(|b| jwtguard_policy_builder_add_token_type(b, null(), 3)), JWTGUARD_NULL_PARAMETER),
                (
                    Box::new(|b| jwtguard_policy_builder_add_allowed_tenant(b, c"\xfe".as_ptr(), 1)),
                    JWTGUARD_INVALID_PARAMETER,
                ),
            ]);
        let bad_algorithms = [1u32 << 14, 0x7fff, 0x8000_0000, u32::MAX]
            .map(|mask| -> (Call, _) {
                (Box::new(move |b| jwtguard_policy_builder_set_algorithms(b, mask)), JWTGUARD_INVALID_PARAMETER)
            })
            .into_iter();
        for (call, want) in bad.into_iter().chain(bad_match).chain(bad_separator).chain(bad_algorithms) {
            let b = jwtguard_policy_builder_new();
            assert_eq!(jwtguard_policy_builder_any_audience(b), JWTGUARD_OK);
            assert_eq!(jwtguard_policy_builder_any_issuer(b), JWTGUARD_OK);
            assert_eq!(call(b), want);
            out = ptr::NonNull::dangling().as_ptr();
            assert_eq!(jwtguard_policy_builder_build(b, &mut out, detail.as_mut_ptr(), detail.len()), want);
            assert!(out.is_null());
            let text = CStr::from_ptr(detail.as_ptr()).to_str().unwrap();
            let name = CStr::from_ptr(jwtguard_result_name(want as u32)).to_str().unwrap();
            assert!(text.starts_with(&format!("{name}: `")), "{text}");
            jwtguard_policy_builder_free(b);
        }

        // Accepted by the setter, refused by the core when the policy is built.
        let refused_at_build: [Call; 3] = [
            Box::new(|b| {
                let long = c"12345678901234567".as_ptr();
                jwtguard_policy_builder_add_required_claim(b, c"r".as_ptr(), 1, null(), 0, 0, long, 17)
            }),
            Box::new(|b| jwtguard_policy_builder_add_allowed_tenant(b, c"a/b".as_ptr(), 3)),
            Box::new(|b| jwtguard_policy_builder_add_token_type(b, c"".as_ptr(), 0)),
        ];
        for call in refused_at_build {
            let b = jwtguard_policy_builder_new();
            assert_eq!(jwtguard_policy_builder_any_audience(b), JWTGUARD_OK);
            assert_eq!(jwtguard_policy_builder_any_issuer(b), JWTGUARD_OK);
            assert_eq!(call(b), JWTGUARD_OK);
            assert_eq!(jwtguard_policy_builder_build(b, &mut out, null_mut(), 0), JWTGUARD_POLICY_INVALID);
            assert!(out.is_null());
            jwtguard_policy_builder_free(b);
        }

        // Valid edge values are accepted.
        let b = jwtguard_policy_builder_new();
        for sep in ["", "\u{1}", " ", ", ", "\u{D7FF}", "\u{10FFFF}", "1234567890123456"] {
            let (p, n) = (sep.as_ptr().cast(), sep.len());
            assert_eq!(
                jwtguard_policy_builder_add_required_claim(b, c"r".as_ptr(), 1, null(), 0, 1, p, n),
                JWTGUARD_OK
            );
        }
        let (azp, appid) = (c"azp".as_ptr(), c"appid".as_ptr());
        let r = jwtguard_policy_builder_add_required_claim_or(b, azp, 3, null(), 0, 1, null(), 0, appid, 5);
        assert_eq!(r, JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_add_token_type(b, c"at+jwt".as_ptr(), 6), JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_add_allowed_tenant(b, c"t1".as_ptr(), 2), JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_any_tenant(b), JWTGUARD_OK);
        for mask in (0..4).chain([JWTGUARD_ALG_EDDSA, JWTGUARD_ALG_HS512, JWTGUARD_ALG_ED25519, 0x3fff]) {
            assert_eq!(jwtguard_policy_builder_set_algorithms(b, mask), JWTGUARD_OK);
        }
        assert_eq!(jwtguard_policy_builder_set_clock_skew(b, u64::MAX), JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_set_max_token_len(b, HUGE), JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_any_audience(b), JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_any_issuer(b), JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_build(b, &mut out, null_mut(), 0), JWTGUARD_OK);
        jwtguard_policy_free(out);
        assert_eq!(jwtguard_policy_builder_build(b, null_mut(), null_mut(), 0), JWTGUARD_NULL_PARAMETER);
        jwtguard_policy_builder_free(b);

        // Random text: UTF-8 is accepted, anything else refused and remembered.
        let mut rng = Rng(99);
        for _ in 0..500 {
            let b = jwtguard_policy_builder_new();
            let text = rng.bytes(40);
            let want = if std::str::from_utf8(&text).is_ok() { JWTGUARD_OK } else { JWTGUARD_INVALID_PARAMETER };
            assert_eq!(jwtguard_policy_builder_add_audience(b, text.as_ptr().cast(), text.len()), want);
            assert_eq!(jwtguard_policy_builder_add_issuer(b, c"i".as_ptr(), 1), JWTGUARD_OK);
            let r = jwtguard_policy_builder_build(b, &mut out, null_mut(), 0);
            match want {
                JWTGUARD_OK if text.is_empty() => assert_eq!(r, JWTGUARD_POLICY_INVALID),
                JWTGUARD_OK => assert_eq!(r, JWTGUARD_OK),
                _ => assert_eq!(r, JWTGUARD_INVALID_PARAMETER),
            }
            jwtguard_policy_free(out);
            jwtguard_policy_builder_free(b);
        }
    }
}

#[test]
fn verify_and_token_functions() {
    let f = fixture();
    let k = keys(&f);
    let p = policy();
    let v = verifier(k, p);
    let now = 1_700_000_000;
    let mut out: *mut jwtguard_token = ptr::NonNull::dangling().as_ptr();
    let mut detail = [0 as c_char; 200];
    // SAFETY: every non-NULL pointer is valid for its use; dangling pointers come only
    // with lengths that are refused unread.
    unsafe {
        let t = f.token.as_ptr();
        let n = f.token.len();
        let verify = |t, n, now, out, detail: &mut [c_char], cap| {
            jwtguard_verifier_verify(v, t, n, now, out, null_mut(), detail.as_mut_ptr(), cap)
        };
        assert_eq!(verify(null(), HUGE, now, &mut out, &mut detail, 0), JWTGUARD_NULL_PARAMETER);
        assert!(out.is_null());
        assert_eq!(verify(dangling().cast(), 16 * 1024 + 1, now, &mut out, &mut detail, 0), JWTGUARD_TOKEN_TOO_LARGE);
        for now in [0, 1, u64::MAX] {
            let r = verify(t, n, now, &mut out, &mut detail, 200);
            assert!(matches!(r, JWTGUARD_OK | JWTGUARD_TOKEN_EXPIRED | JWTGUARD_TOKEN_NOT_YET_VALID), "{r:?}");
            jwtguard_token_free(out);
        }

        // Random tokens and mutations of a valid one: a token reason, never OK or a panic.
        let mut rng = Rng(0xfeed);
        for i in 0..3000 {
            let token = if i % 2 == 0 { rng.token_like() } else { rng.mutated(&f.token, 3) };
            let cap = rng.below(detail.len());
            let r = verify(token.as_ptr(), token.len(), now, &mut out, &mut detail, cap);
            if r == JWTGUARD_OK {
                // A mutation that kept the token valid (e.g. in an unread bit): fine.
                jwtguard_token_free(out);
                continue;
            }
            assert!((1..100).contains(&(r as u32)), "{token:?} gave {r:?}");
            assert!(out.is_null());
            if cap > 0 {
                let text = CStr::from_ptr(detail.as_ptr()).to_bytes();
                assert!(text.len() < cap && std::str::from_utf8(text).is_ok());
            }
        }

        // Token accessors.
        let tok = verified(&f, v);
        let misaligned = odd_address::<jwtguard_token>().cast_const();
        let mut buf = [0 as c_char; 64];
        let mut len = 99usize;
        let (b, cap) = (buf.as_mut_ptr(), buf.len());
        assert!(jwtguard_token_alg(null()).is_null());
        assert!(jwtguard_token_alg(misaligned).is_null());
        jwtguard_token_free(null_mut());
        jwtguard_token_free(misaligned.cast_mut());
        type Accessor = unsafe extern "C" fn(*const jwtguard_token, *mut c_char, usize, *mut usize) -> jwtguard_result;
        let accessors: [Accessor; 4] =
            [jwtguard_token_kid, jwtguard_token_subject, jwtguard_token_issuer, jwtguard_token_audience];
        for get in accessors {
            assert_eq!(get(null(), b, cap, &mut len), JWTGUARD_NULL_PARAMETER);
            assert_eq!(len, 0);
            assert_eq!(get(misaligned, b, cap, &mut len), JWTGUARD_INVALID_PARAMETER);
            assert_eq!(get(tok, null_mut(), 1, &mut len), JWTGUARD_NULL_PARAMETER);
            assert_eq!(get(tok, null_mut(), 0, &mut len), JWTGUARD_BUFFER_TOO_SMALL);
            assert!(len > 0);
            assert_eq!(get(tok, null_mut(), 0, null_mut()), JWTGUARD_BUFFER_TOO_SMALL);
            assert_eq!(get(tok, b, cap, odd_address::<usize>()), JWTGUARD_INVALID_PARAMETER);
            assert_eq!(get(tok, b, cap, null_mut()), JWTGUARD_OK);
        }
        let name = c"sub".as_ptr();
        let sep = c",".as_ptr();
        let cs = |tok, name, name_len, sep, sep_len, b, cap, len| {
            jwtguard_token_claim_string(tok, name, name_len, sep, sep_len, b, cap, len)
        };
        assert_eq!(cs(null(), name, 3, sep, 1, b, cap, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(cs(tok, null(), 3, sep, 1, b, cap, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(cs(tok, null(), HUGE, sep, 1, b, cap, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(cs(tok, dangling(), OVER_ISIZE, sep, 1, b, cap, &mut len), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(cs(tok, name, 3, null(), HUGE, b, cap, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(cs(tok, name, 3, dangling(), HUGE, b, cap, &mut len), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(cs(tok, name, 3, sep, 1, null_mut(), 7, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(cs(tok, name, 3, sep, 1, b, 0, &mut len), JWTGUARD_BUFFER_TOO_SMALL);
        assert_eq!(len, 6);
        assert_eq!(cs(tok, name, 3, sep, 1, b, cap, &mut len), JWTGUARD_OK);
        let mut int = 5i64;
        assert_eq!(jwtguard_token_claim_int(null(), name, 3, &mut int), JWTGUARD_NULL_PARAMETER);
        assert_eq!(int, 0, "*out is reset even when another argument is the problem");
        assert_eq!(jwtguard_token_claim_int(tok, null(), HUGE, &mut int), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_token_claim_int(tok, dangling(), OVER_ISIZE, &mut int), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(jwtguard_token_claim_int(tok, name, 3, null_mut()), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_token_claim_int(tok, name, 3, odd_address::<i64>()), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(jwtguard_token_claim_int(tok, c"iat".as_ptr(), 3, &mut int), JWTGUARD_OK);
        assert_eq!(int, 1_699_999_940);
        assert_eq!(jwtguard_token_claim_json(null(), name, 3, b, cap, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_token_claim_json(tok, null(), 1, b, cap, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(
            jwtguard_token_claim_json(tok, dangling(), OVER_ISIZE, b, cap, &mut len),
            JWTGUARD_INVALID_PARAMETER
        );
        assert_eq!(jwtguard_token_claim_json(tok, name, 3, null_mut(), 1, &mut len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_token_claim_json(tok, name, 3, b, 0, &mut len), JWTGUARD_BUFFER_TOO_SMALL);
        let mut exp = 5u64;
        assert_eq!(jwtguard_token_expiration(null(), &mut exp), JWTGUARD_NULL_PARAMETER);
        assert_eq!(exp, 0, "*out is reset even when another argument is the problem");
        assert_eq!(jwtguard_token_expiration(tok, null_mut()), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_token_expiration(misaligned, &mut exp), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(jwtguard_token_expiration(tok, &mut exp), JWTGUARD_OK);
        assert_eq!(exp, 1_700_003_600);

        // Random claim names and separators: never a panic.
        for _ in 0..2000 {
            let name = rng.bytes(12);
            let sep = rng.bytes(3);
            let cap = rng.below(buf.len());
            let r = cs(tok, name.as_ptr().cast(), name.len(), sep.as_ptr().cast(), sep.len(), b, cap, &mut len);
            assert!(
                matches!(
                    r,
                    JWTGUARD_OK
                        | JWTGUARD_BUFFER_TOO_SMALL
                        | JWTGUARD_CLAIM_NOT_PRESENT
                        | JWTGUARD_CLAIM_WRONG_TYPE
                        | JWTGUARD_INVALID_PARAMETER
                ),
                "{r:?}"
            );
            let r = jwtguard_token_claim_json(tok, name.as_ptr().cast(), name.len(), b, cap, &mut len);
            assert!(r != JWTGUARD_PANIC && r != JWTGUARD_NULL_PARAMETER);
            let r = jwtguard_token_claim_int(tok, name.as_ptr().cast(), name.len(), &mut int);
            assert!(r != JWTGUARD_PANIC && r != JWTGUARD_NULL_PARAMETER);
        }
        // Every claim of the token, each way, at every small capacity.
        for claim in ["iss", "aud", "sub", "iat", "nbf", "exp"] {
            for cap in 0..48 {
                let r = cs(tok, claim.as_ptr().cast(), claim.len(), sep, 1, b, cap, &mut len);
                assert_eq!(r, if cap > len { JWTGUARD_OK } else { JWTGUARD_BUFFER_TOO_SMALL }, "{claim} {cap}");
                let r = jwtguard_token_claim_json(tok, claim.as_ptr().cast(), claim.len(), b, cap, &mut len);
                assert_eq!(r, if cap > len { JWTGUARD_OK } else { JWTGUARD_BUFFER_TOO_SMALL }, "{claim} {cap}");
            }
        }
        jwtguard_token_free(tok);
    }
    // SAFETY: handles created above, freed once.
    unsafe {
        jwtguard_verifier_free(v);
        jwtguard_policy_free(p);
        jwtguard_keyset_free(k);
    }
}

/// A verifier over the fixture's keys (a fixed source bound to the policy's issuers)
/// and a JWKS source at a loopback URL, with a cache.
fn verifier(k: *const jwtguard_keyset, p: *const jwtguard_policy) -> *mut jwtguard_verifier {
    let url = "http://127.0.0.1:1/keys";
    let mut out = null_mut();
    // SAFETY: live handles, a static URL, a writable out-pointer.
    unsafe {
        let b = jwtguard_verifier_builder_new(p);
        assert!(!b.is_null());
        assert_eq!(jwtguard_verifier_builder_add_keys(b, k, null(), 0, null_mut()), JWTGUARD_OK);
        let flags = JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK;
        assert_eq!(
            jwtguard_verifier_builder_add_jwks_url(b, url.as_ptr().cast(), url.len(), null(), 0, flags, null_mut()),
            JWTGUARD_OK
        );
        assert_eq!(jwtguard_verifier_builder_set_cache(b, 8, jwtguard_default_cache_ttl()), JWTGUARD_OK);
        assert_eq!(jwtguard_verifier_builder_build(b, &mut out, null_mut(), 0), JWTGUARD_OK);
    }
    out
}

#[test]
fn verifier_builder_functions() {
    let f = fixture();
    let k = keys(&f);
    let p = policy();
    let url = "https://issuer.example/keys";
    let (u, ul) = (url.as_ptr().cast::<c_char>(), url.len());
    let iss = jwtguard_slice { data: c"https://issuer.example/".as_ptr(), len: 23 };
    let mut index = 99usize;
    let mut detail = [0 as c_char; 128];
    // SAFETY: every non-NULL pointer is valid for its use; dangling pointers come only
    // with lengths that are refused unread; misaligned handles are refused unread.
    unsafe {
        assert!(jwtguard_verifier_builder_new(null()).is_null());
        assert!(jwtguard_verifier_builder_new(odd_address::<jwtguard_policy>()).is_null());
        jwtguard_verifier_builder_free(null_mut());
        jwtguard_verifier_builder_free(odd_address());
        let misaligned = odd_address::<jwtguard_verifier_builder>();

        // A NULL or misaligned builder, whatever the rest.
        assert_eq!(jwtguard_verifier_builder_add_keys(null_mut(), k, null(), 0, &mut index), JWTGUARD_NULL_PARAMETER);
        assert_eq!(
            jwtguard_verifier_builder_add_keys(misaligned, k, null(), 0, &mut index),
            JWTGUARD_INVALID_PARAMETER
        );
        assert_eq!(
            jwtguard_verifier_builder_add_jwks_url(null_mut(), u, ul, null(), 0, 0, null_mut()),
            JWTGUARD_NULL_PARAMETER
        );
        assert_eq!(
            jwtguard_verifier_builder_add_openid_config(misaligned, u, ul, null(), 0, 0, null_mut()),
            JWTGUARD_INVALID_PARAMETER
        );
        assert_eq!(jwtguard_verifier_builder_set_cache(null_mut(), 8, 0), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_verifier_builder_set_cache(misaligned, 8, 0), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(jwtguard_verifier_builder_set_refresh_interval(null_mut(), 60), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_verifier_builder_set_refresh_interval(misaligned, 60), JWTGUARD_INVALID_PARAMETER);
        let mut out: *mut jwtguard_verifier = ptr::NonNull::dangling().as_ptr();
        assert_eq!(jwtguard_verifier_builder_build(null_mut(), &mut out, null_mut(), 0), JWTGUARD_NULL_PARAMETER);
        assert!(out.is_null());
        out = ptr::NonNull::dangling().as_ptr();
        assert_eq!(
            jwtguard_verifier_builder_build(misaligned, &mut out, detail.as_mut_ptr(), detail.len()),
            JWTGUARD_INVALID_PARAMETER
        );
        assert!(out.is_null());
        assert_eq!(jwtguard_verifier_builder_build(null_mut(), null_mut(), null_mut(), 0), JWTGUARD_NULL_PARAMETER);

        // Each bad argument of each add function: the documented code at once, the same
        // from build (the builder is freed by build, also when `out` is NULL).
        type Add = Box<dyn Fn(*mut jwtguard_verifier_builder, *mut usize) -> jwtguard_result>;
        let cases: Vec<(Add, jwtguard_result)> = vec![
            (Box::new(|b, i| jwtguard_verifier_builder_add_keys(b, null(), null(), 0, i)), JWTGUARD_NULL_PARAMETER),
            (
                Box::new(|b, i| jwtguard_verifier_builder_add_keys(b, odd_address(), null(), 0, i)),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (Box::new(move |b, i| jwtguard_verifier_builder_add_keys(b, k, null(), 1, i)), JWTGUARD_NULL_PARAMETER),
            (
                Box::new(move |b, i| jwtguard_verifier_builder_add_keys(b, k, odd_address(), 1, i)),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(move |b, i| {
                    jwtguard_verifier_builder_add_keys(b, k, ptr::NonNull::dangling().as_ptr(), HUGE, i)
                }),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(move |b, i| {
                    let bad = [jwtguard_slice { data: null(), len: 3 }];
                    jwtguard_verifier_builder_add_keys(b, k, bad.as_ptr(), 1, i)
                }),
                JWTGUARD_NULL_PARAMETER,
            ),
            (
                Box::new(move |b, i| {
                    let bad = [jwtguard_slice { data: dangling(), len: OVER_ISIZE }];
                    jwtguard_verifier_builder_add_keys(b, k, bad.as_ptr(), 1, i)
                }),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(move |b, i| {
                    let bad = [jwtguard_slice { data: c"\xff".as_ptr(), len: 1 }];
                    jwtguard_verifier_builder_add_keys(b, k, bad.as_ptr(), 1, i)
                }),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(move |b, i| {
                    let empty = [jwtguard_slice { data: null(), len: 0 }];
                    jwtguard_verifier_builder_add_keys(b, k, empty.as_ptr(), 1, i)
                }),
                JWTGUARD_POLICY_INVALID,
            ),
            (
                Box::new(move |b, _| jwtguard_verifier_builder_add_keys(b, k, null(), 0, odd_address())),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(|b, i| jwtguard_verifier_builder_add_jwks_url(b, null(), 5, null(), 0, 0, i)),
                JWTGUARD_NULL_PARAMETER,
            ),
            (
                Box::new(|b, i| jwtguard_verifier_builder_add_jwks_url(b, dangling(), OVER_ISIZE, null(), 0, 0, i)),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(|b, i| jwtguard_verifier_builder_add_jwks_url(b, c"\xff".as_ptr(), 1, null(), 0, 0, i)),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(move |b, i| jwtguard_verifier_builder_add_jwks_url(b, u, ul, null(), 0, 1 << 30, i)),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(|b, i| jwtguard_verifier_builder_add_jwks_url(b, null(), 0, null(), 0, 0, i)),
                JWTGUARD_POLICY_INVALID,
            ),
            (
                Box::new(|b, i| {
                    let http = "http://issuer.example/keys";
                    jwtguard_verifier_builder_add_jwks_url(b, http.as_ptr().cast(), http.len(), null(), 0, 0, i)
                }),
                JWTGUARD_POLICY_INVALID,
            ),
            (
                Box::new(|b, i| jwtguard_verifier_builder_add_openid_config(b, null(), 1, null(), 0, 0, i)),
                JWTGUARD_NULL_PARAMETER,
            ),
            (
                Box::new(move |b, i| jwtguard_verifier_builder_add_openid_config(b, u, ul, odd_address(), 1, 0, i)),
                JWTGUARD_INVALID_PARAMETER,
            ),
            (
                Box::new(|b, i| {
                    let spaced = "https://issuer.example/a b";
                    jwtguard_verifier_builder_add_openid_config(
                        b,
                        spaced.as_ptr().cast(),
                        spaced.len(),
                        null(),
                        0,
                        0,
                        i,
                    )
                }),
                JWTGUARD_POLICY_INVALID,
            ),
        ];
        for (n, (add, want)) in cases.iter().enumerate() {
            let b = jwtguard_verifier_builder_new(p);
            index = 99;
            assert_eq!(add(b, &mut index), *want, "case {n}");
            assert!(index == 0 || index == 99, "case {n}: index {index}");
            assert_eq!(jwtguard_verifier_builder_add_keys(b, k, &iss, 1, &mut index), JWTGUARD_OK, "case {n}");
            let mut out: *mut jwtguard_verifier = ptr::NonNull::dangling().as_ptr();
            let cap = n % 40;
            let r = jwtguard_verifier_builder_build(
                b,
                if n % 3 == 0 { null_mut() } else { &mut out },
                detail.as_mut_ptr(),
                cap,
            );
            if n % 3 == 0 {
                assert_eq!(r, JWTGUARD_NULL_PARAMETER, "case {n}: `out` is NULL");
            } else {
                assert_eq!(r, *want, "case {n}: build reports the first failure");
                assert!(out.is_null());
            }
            if cap > 0 {
                assert!(CStr::from_ptr(detail.as_ptr()).to_bytes().len() < cap);
            }
        }

        // Random URLs and flags: a result code, never a panic; build agrees.
        let mut rng = Rng(0x5eed);
        for _ in 0..500 {
            let b = jwtguard_verifier_builder_new(p);
            let mut url = b"https://".to_vec();
            url.extend(rng.bytes(24));
            let flags = [0, JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK, rng.next() as u32][rng.below(3)];
            let r = if rng.below(2) == 0 {
                jwtguard_verifier_builder_add_jwks_url(b, url.as_ptr().cast(), url.len(), &iss, 1, flags, &mut index)
            } else {
                jwtguard_verifier_builder_add_openid_config(
                    b,
                    url.as_ptr().cast(),
                    url.len(),
                    null(),
                    0,
                    flags,
                    &mut index,
                )
            };
            assert!(matches!(r, JWTGUARD_OK | JWTGUARD_POLICY_INVALID | JWTGUARD_INVALID_PARAMETER), "{r:?}");
            let mut out = null_mut();
            let built = jwtguard_verifier_builder_build(b, &mut out, null_mut(), 0);
            assert_eq!(built, r);
            jwtguard_verifier_free(out);
        }
        jwtguard_keyset_free(k);
        jwtguard_policy_free(p);
    }
}

#[test]
fn verifier_functions() {
    let f = fixture();
    let k = keys(&f);
    let p = policy();
    let v = verifier(k, p);
    let now = 1_700_000_000;
    let misaligned = odd_address::<jwtguard_verifier>().cast_const();
    let mut out: *mut jwtguard_token = ptr::NonNull::dangling().as_ptr();
    let mut hit = true;
    let mut detail = [0 as c_char; 160];
    // SAFETY: every non-NULL pointer is valid for its use; dangling pointers come only
    // with lengths that are refused unread; misaligned handles are refused unread.
    unsafe {
        let (t, n) = (f.token.as_ptr(), f.token.len());
        let verify = |v, t, n, out, hit| jwtguard_verifier_verify(v, t, n, now, out, hit, null_mut(), 0);
        assert_eq!(verify(null(), t, n, &mut out, &mut hit), JWTGUARD_NULL_PARAMETER);
        assert!(out.is_null() && !hit, "outputs are reset whatever the problem");
        assert_eq!(verify(misaligned, t, n, &mut out, &mut hit), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(verify(v, t, n, null_mut(), &mut hit), JWTGUARD_NULL_PARAMETER);
        assert_eq!(verify(v, null(), 1, &mut out, &mut hit), JWTGUARD_NULL_PARAMETER);
        assert_eq!(verify(v, null(), 0, &mut out, &mut hit), JWTGUARD_TOKEN_NOT_PRESENT);
        assert_eq!(verify(v, dangling().cast(), HUGE, &mut out, &mut hit), JWTGUARD_TOKEN_TOO_LARGE);
        assert_eq!(verify(v, t, n, &mut out, null_mut()), JWTGUARD_OK, "cache_hit is optional");
        jwtguard_token_free(out);
        assert_eq!(verify(v, t, n, &mut out, &mut hit), JWTGUARD_OK);
        assert!(hit);
        jwtguard_token_free(out);

        // Random tokens and mutations: a token reason (or OK for an unread bit), never a
        // hit for other bytes, never a panic.
        let mut rng = Rng(0xbeef);
        for i in 0..1500 {
            let token = if i % 2 == 0 { rng.token_like() } else { rng.mutated(&f.token, 3) };
            let cap = rng.below(detail.len());
            let r = jwtguard_verifier_verify(
                v,
                token.as_ptr(),
                token.len(),
                now,
                &mut out,
                &mut hit,
                detail.as_mut_ptr(),
                cap,
            );
            if token != f.token {
                assert!(!hit);
            }
            if r == JWTGUARD_OK {
                jwtguard_token_free(out);
                continue;
            }
            assert!((1..100).contains(&(r as u32)), "{token:?} gave {r:?}");
            assert!(out.is_null());
        }

        // Fetch functions on NULL and misaligned handles.
        assert!(!jwtguard_verifier_wants_fetch(null(), now));
        assert!(!jwtguard_verifier_wants_fetch(misaligned, now));
        assert_eq!(jwtguard_verifier_next_fetch_at(null()), u64::MAX);
        assert_eq!(jwtguard_verifier_next_fetch_at(misaligned), u64::MAX);
        assert_eq!(jwtguard_verifier_source_key_count(null(), 0), 0);
        assert_eq!(jwtguard_verifier_source_key_count(misaligned, 0), 0);
        assert_eq!(jwtguard_verifier_source_key_count(v, 0), jwtguard_keyset_len(k));
        assert_eq!(jwtguard_verifier_source_key_count(v, 1), 0, "not fetched yet");
        assert_eq!(jwtguard_verifier_source_key_count(v, 2), 0);
        assert_eq!(jwtguard_verifier_source_key_count(v, usize::MAX), 0);
        assert_eq!(jwtguard_verifier_cache_len(null()), 0);
        assert_eq!(jwtguard_verifier_cache_len(misaligned), 0);
        assert_eq!(jwtguard_verifier_cache_len(v), 1);
        jwtguard_verifier_fetch_failed(null(), 0, now);
        jwtguard_verifier_fetch_failed(misaligned, 0, now);
        jwtguard_verifier_fetch_failed(v, usize::MAX, now);

        let mut url = vec![0x55 as c_char; JWTGUARD_MAX_URL_LEN + 2];
        let (mut source, mut kind, mut len) = (7usize, jwtguard_fetch_kind::JWTGUARD_FETCH_JWKS, 7usize);
        let cap = JWTGUARD_MAX_URL_LEN + 1;
        let start = |v, source, kind, url, cap, len| jwtguard_verifier_start_fetch(v, now, source, kind, url, cap, len);
        assert!(!start(null(), &mut source, &mut kind, url.as_mut_ptr(), cap, &mut len));
        assert!(!start(misaligned, &mut source, &mut kind, url.as_mut_ptr(), cap, &mut len));
        assert!(!start(v, null_mut(), &mut kind, url.as_mut_ptr(), cap, &mut len));
        assert!(!start(v, odd_address(), &mut kind, url.as_mut_ptr(), cap, &mut len));
        assert!(!start(v, &mut source, null_mut(), url.as_mut_ptr(), cap, &mut len));
        assert!(!start(v, &mut source, odd_address(), url.as_mut_ptr(), cap, &mut len));
        assert!(!start(v, &mut source, &mut kind, url.as_mut_ptr(), cap, null_mut()));
        assert!(!start(v, &mut source, &mut kind, url.as_mut_ptr(), cap, odd_address()));
        assert!(jwtguard_verifier_wants_fetch(v, now), "nothing was claimed by the calls above");
        for small in [0, 1, 24, JWTGUARD_MAX_URL_LEN] {
            len = 7;
            assert!(!start(v, &mut source, &mut kind, url.as_mut_ptr(), small, &mut len));
            assert_eq!((source, kind, len), (0, jwtguard_fetch_kind::JWTGUARD_FETCH_NONE, JWTGUARD_MAX_URL_LEN));
            assert!(url.iter().all(|&c| c == 0x55), "nothing is written to a buffer that may be too small");
        }
        assert!(!start(v, &mut source, &mut kind, null_mut(), cap, &mut len), "NULL url with a capacity");
        assert!(start(v, &mut source, &mut kind, url.as_mut_ptr(), cap, &mut len));
        assert_eq!((source, kind, len), (1, jwtguard_fetch_kind::JWTGUARD_FETCH_JWKS, 23));
        assert_eq!(CStr::from_ptr(url.as_ptr()).to_str().unwrap(), "http://127.0.0.1:1/keys");
        assert_eq!(url[cap], 0x55, "nothing past `url_cap`");
        assert!(!start(v, &mut source, &mut kind, url.as_mut_ptr(), cap, &mut len), "one fetch at a time");
        assert_eq!((source, kind, len), (0, jwtguard_fetch_kind::JWTGUARD_FETCH_NONE, 0));

        // offer: each bad argument; then random bodies.
        let body = f.jwks.as_slice();
        let mut count = 9usize;
        let offer = |v, source, body: *const u8, body_len, count| {
            jwtguard_verifier_offer(v, source, body, body_len, now, count, null_mut(), 0)
        };
        assert_eq!(offer(null(), 1, body.as_ptr(), body.len(), &mut count), JWTGUARD_NULL_PARAMETER);
        assert_eq!(offer(misaligned, 1, body.as_ptr(), body.len(), &mut count), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(offer(v, 2, body.as_ptr(), body.len(), &mut count), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(offer(v, usize::MAX, body.as_ptr(), body.len(), &mut count), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(offer(v, 1, null(), 1, &mut count), JWTGUARD_NULL_PARAMETER);
        assert_eq!(count, 0);
        assert_eq!(offer(v, 1, dangling().cast(), OVER_ISIZE, &mut count), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(offer(v, 1, body.as_ptr(), body.len(), odd_address()), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(offer(v, 1, null(), 0, &mut count), JWTGUARD_KEY_SET_MALFORMED);
        assert_eq!(offer(v, 0, body.as_ptr(), body.len(), &mut count), JWTGUARD_POLICY_INVALID, "a fixed source");
        assert_eq!(offer(v, 1, body.as_ptr(), body.len(), null_mut()), JWTGUARD_OK, "key_count is optional");
        assert_eq!(offer(v, 1, body.as_ptr(), body.len(), &mut count), JWTGUARD_OK);
        assert_eq!(count, jwtguard_keyset_len(k));
        for _ in 0..1000 {
            let garbage = if rng.below(2) == 0 { rng.bytes(64) } else { rng.mutated(body, 2) };
            let cap = rng.below(detail.len());
            let r = jwtguard_verifier_offer(
                v,
                1,
                garbage.as_ptr(),
                garbage.len(),
                now,
                &mut count,
                detail.as_mut_ptr(),
                cap,
            );
            assert!(r == JWTGUARD_OK || (100..200).contains(&(r as u32)), "{r:?}");
            assert_eq!(
                jwtguard_verifier_source_key_count(v, 1),
                if r == JWTGUARD_OK { count } else { jwtguard_verifier_source_key_count(v, 1) }
            );
        }

        // Shared records: each bad argument, then random records.
        let mut state = [0u8; JWTGUARD_SHARED_STATE_LEN];
        let (mut adopt, mut stamp) = (true, 9u64);
        let n_state = state.len();
        assert!(!jwtguard_verifier_sync_due(null(), 1, 0, now));
        assert!(!jwtguard_verifier_sync_due(misaligned, 1, 0, now));
        assert!(!jwtguard_verifier_sync_due(v, 0, 5, now), "a fixed source never syncs");
        assert!(!jwtguard_verifier_sync_due(v, 2, 5, now));
        let mut name = [0 as c_char; 256];
        let mut name_len = 9usize;
        let named =
            |v, source, buf: *mut c_char, cap, len| jwtguard_verifier_source_shared_name(v, source, buf, cap, len);
        assert_eq!(named(null(), 1, name.as_mut_ptr(), name.len(), &mut name_len), JWTGUARD_NULL_PARAMETER);
        assert_eq!(named(v, 2, name.as_mut_ptr(), name.len(), &mut name_len), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(named(v, 0, name.as_mut_ptr(), name.len(), &mut name_len), JWTGUARD_OK);
        assert_eq!(name_len, 0, "a fixed source has no record");
        assert_eq!(named(v, 1, name.as_mut_ptr(), 4, &mut name_len), JWTGUARD_BUFFER_TOO_SMALL);
        assert!(name_len > 4);
        assert_eq!(named(v, 1, name.as_mut_ptr(), name.len(), &mut name_len), JWTGUARD_OK);
        let load =
            |v, source, state: *const u8, len, adopt| jwtguard_verifier_load_shared(v, source, state, len, adopt);
        assert_eq!(load(null(), 1, state.as_ptr(), n_state, &mut adopt), JWTGUARD_NULL_PARAMETER);
        assert_eq!(load(misaligned, 1, state.as_ptr(), n_state, &mut adopt), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(load(v, 2, state.as_ptr(), n_state, &mut adopt), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(load(v, 1, null(), n_state, &mut adopt), JWTGUARD_NULL_PARAMETER);
        assert_eq!(load(v, 1, state.as_ptr(), n_state - 1, &mut adopt), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(load(v, 1, state.as_ptr(), n_state, null_mut()), JWTGUARD_NULL_PARAMETER);
        assert_eq!(load(v, 1, state.as_ptr(), n_state, &mut adopt), JWTGUARD_OK);
        assert!(!adopt, "zeros are no record");
        let save = |v, source, state: *mut u8, len, stamp| jwtguard_verifier_save_shared(v, source, state, len, stamp);
        assert_eq!(save(null(), 1, state.as_mut_ptr(), n_state, &mut stamp), JWTGUARD_NULL_PARAMETER);
        assert_eq!(save(v, 1, state.as_mut_ptr(), n_state + 1, &mut stamp), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(save(v, 1, null_mut(), n_state, &mut stamp), JWTGUARD_NULL_PARAMETER);
        assert_eq!(save(v, 1, state.as_mut_ptr(), n_state, null_mut()), JWTGUARD_NULL_PARAMETER);
        assert_eq!(state, [0u8; JWTGUARD_SHARED_STATE_LEN], "nothing written on a refused call");
        assert_eq!(save(v, 1, state.as_mut_ptr(), n_state, &mut stamp), JWTGUARD_OK);
        assert_eq!(stamp, 1);
        let adopt_docs = |v, source, c: *const u8, c_len, k: *const u8, k_len| {
            jwtguard_verifier_adopt(v, source, c, c_len, k, k_len, null_mut(), 0)
        };
        assert_eq!(adopt_docs(null(), 1, null(), 0, null(), 0), JWTGUARD_NULL_PARAMETER);
        assert_eq!(adopt_docs(v, 1, null(), 1, null(), 0), JWTGUARD_NULL_PARAMETER);
        assert_eq!(adopt_docs(v, 1, null(), 0, dangling().cast(), OVER_ISIZE), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(adopt_docs(v, 0, null(), 0, null(), 0), JWTGUARD_POLICY_INVALID, "a fixed source");
        assert_eq!(adopt_docs(v, 1, null(), 0, b"[]".as_ptr(), 2), JWTGUARD_KEY_SET_MALFORMED);
        for _ in 0..500 {
            let mut garbage = [0u8; JWTGUARD_SHARED_STATE_LEN];
            let bytes = if rng.below(2) == 0 { rng.bytes(64) } else { rng.mutated(&state, 2) };
            for (to, from) in garbage.iter_mut().zip(bytes) {
                *to = from;
            }
            assert_eq!(load(v, 1, garbage.as_ptr(), n_state, &mut adopt), JWTGUARD_OK);
            assert_eq!(save(v, 1, garbage.as_mut_ptr(), n_state, &mut stamp), JWTGUARD_OK);
            let _ = jwtguard_verifier_sync_due(v, 1, stamp, now);
        }

        // set_keys.
        assert_eq!(jwtguard_verifier_set_keys(null(), 0, k), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_verifier_set_keys(misaligned, 0, k), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(jwtguard_verifier_set_keys(v, 0, null()), JWTGUARD_NULL_PARAMETER);
        assert_eq!(jwtguard_verifier_set_keys(v, 0, odd_address()), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(jwtguard_verifier_set_keys(v, 1, k), JWTGUARD_POLICY_INVALID);
        assert_eq!(jwtguard_verifier_set_keys(v, 2, k), JWTGUARD_INVALID_PARAMETER);
        assert_eq!(jwtguard_verifier_set_keys(v, 0, k), JWTGUARD_OK);
        assert_eq!(verify(v, t, n, &mut out, &mut hit), JWTGUARD_OK);
        assert!(!hit, "new keys empty the cache");
        jwtguard_token_free(out);

        jwtguard_verifier_free(null_mut());
        jwtguard_verifier_free(misaligned.cast_mut());
        jwtguard_verifier_free(v);
        jwtguard_keyset_free(k);
        jwtguard_policy_free(p);
    }
}

#[test]
fn algorithm_names() {
    // SAFETY: every non-NULL pointer is valid for its length, or comes with a length
    // that is refused unread; returned names are static NUL-terminated strings.
    unsafe {
        let mut listed = Vec::new();
        for bit in 0..32 {
            let name = jwtguard_algorithm_name(1 << bit);
            if name.is_null() {
                continue;
            }
            let name = CStr::from_ptr(name).to_str().unwrap();
            assert_eq!(jwtguard_algorithm_from_name(name.as_ptr().cast(), name.len()), 1 << bit, "{name}");
            listed.push(name);
        }
        let core: Vec<&str> = jwtguard_core::Algorithm::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(listed, core, "every algorithm, in bit order");
        for flag in [0, 3, JWTGUARD_ALG_SET_DEFAULT, 1 << 14, 1 << 31, u32::MAX] {
            assert!(jwtguard_algorithm_name(flag).is_null(), "{flag:#x}");
        }
        assert_eq!(jwtguard_algorithm_from_name(null(), 0), 0);
        assert_eq!(jwtguard_algorithm_from_name(null(), 5), 0);
        assert_eq!(jwtguard_algorithm_from_name(dangling(), OVER_ISIZE), 0);
        for text in ["none", "rs256", "RS256 ", "", "EDDSA", "HS256\0"] {
            assert_eq!(jwtguard_algorithm_from_name(text.as_ptr().cast(), text.len()), 0, "{text:?}");
        }
        assert_eq!(jwtguard_algorithm_from_name(c"\xff".as_ptr(), 1), 0);
        let mut rng = Rng(0xa1);
        for _ in 0..2000 {
            let text = rng.bytes(6);
            let flag = jwtguard_algorithm_from_name(text.as_ptr().cast(), text.len());
            assert!(flag == 0 || flag.is_power_of_two() && !jwtguard_algorithm_name(flag).is_null());
        }
        assert_eq!(JWTGUARD_ALG_SET_SYMMETRIC & JWTGUARD_ALG_SET_ASYMMETRIC, 0);
        assert_eq!((JWTGUARD_ALG_SET_SYMMETRIC | JWTGUARD_ALG_SET_ASYMMETRIC).count_ones() as usize, core.len());
        assert_eq!(JWTGUARD_ALG_SET_DEFAULT & !JWTGUARD_ALG_SET_ASYMMETRIC, 0);
    }
}
