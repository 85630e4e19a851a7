//! The `ffi` body: drives every entry point of the C ABI (jwtguard-ffi) the way a C
//! caller may — arbitrary bytes and lengths, arbitrary output capacities, never a NULL
//! or dangling pointer the API does not allow — and asserts the calling conventions the
//! header promises. The only `unsafe` outside jwtguard-ffi: calls into its exported
//! functions, each under the header's contract.
#![deny(clippy::undocumented_unsafe_blocks)]

use core::ffi::{c_char, CStr};

use jwtguard::*;

/// Input layout: `flags, name_len, cap, match, separator_len, separator (3 bytes)`, then `name_len`
/// bytes of claim name, then either the token (flag [`FIXED_KEYS`], keys from
/// `fixed_jwks`) or `jwks 0x00 token`.
const HEADER_LEN: usize = 8;
/// Flag: use the caller's fixed key set; the rest of the input is the token.
const FIXED_KEYS: u8 = 1 << 6;

/// Runs `data` through the C ABI; panics (a finding) when a convention is broken.
pub fn exercise(data: &[u8], fixed_jwks: &[u8], audience: &str, issuer: &str, now: u64) {
    let Some((header, rest)) = data.split_first_chunk::<HEADER_LEN>() else { return };
    let [flags, name_len, cap, match_mode, s0, s1, s2, s3] = *header;
    let separator_bytes = [s1, s2, s3];
    let separator = &separator_bytes[..usize::from(s0 % 4)];
    let (name, rest) = rest.split_at(usize::from(name_len).min(rest.len()));
    let (jwks, token) = if flags & FIXED_KEYS != 0 {
        (fixed_jwks, rest)
    } else {
        match rest.iter().position(|&b| b == 0) {
            Some(at) => (&rest[..at], &rest[at + 1..]),
            None => (rest, &[][..]),
        }
    };

    let key_flags =
        if flags & 1 != 0 { JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT | JWTGUARD_KEYSET_ALLOW_SYMMETRIC } else { 0 };
    let mut keys: *const jwtguard_keyset = core::ptr::null();
    let mut detail = [0 as c_char; 96];
    // SAFETY: `jwks` is a live slice; `keys` and `detail` are live locals of the sizes given.
    let code = unsafe {
        jwtguard_keyset_new_with_options(
            jwks.as_ptr(),
            jwks.len(),
            key_flags,
            0,
            &mut keys,
            detail.as_mut_ptr(),
            detail.len(),
        )
    };
    assert_known(code);
    assert_detail_terminated(&detail);
    let policy = build_policy(flags, name, match_mode, separator, audience, issuer);
    if !policy.is_null() {
        fetched_keys(policy, jwks, key_flags, code, cap);
    }
    if code != jwtguard_result::JWTGUARD_OK {
        assert!(keys.is_null(), "a failed key set load left a handle");
        // SAFETY: the handle came from the builder (or is NULL) and is freed once.
        unsafe { jwtguard_policy_free(policy) };
        return;
    }
    // SAFETY: `keys` is a live key set handle from the call above.
    let rejected = unsafe { jwtguard_keyset_rejected_len(keys) };
    for index in 0..=rejected {
        let mut reason = jwtguard_result::JWTGUARD_OK;
        let mut kid = vec![0 as c_char; usize::from(cap)];
        let mut len = 0usize;
        // SAFETY: live handle; `kid` holds `cap` bytes; `reason` and `len` are live locals.
        let code = unsafe { jwtguard_keyset_rejected(keys, index, &mut reason, kid.as_mut_ptr(), kid.len(), &mut len) };
        assert_known(code);
        assert_eq!(index == rejected, code == jwtguard_result::JWTGUARD_INVALID_PARAMETER, "rejected[{index}]");
    }

    if !policy.is_null() {
        verify_through_verifier(keys, policy, token, now, name, cap);
        // SAFETY: the handle came from the builder and is freed once.
        unsafe { jwtguard_policy_free(policy) };
    }
    // SAFETY: a second reference, then both released: the count returns to zero.
    unsafe {
        let second = jwtguard_keyset_clone(keys);
        jwtguard_keyset_free(keys);
        jwtguard_keyset_free(second);
    }
}

/// A verifier with `keys` as its one source (bound to the policy's issuers) gives a
/// documented verdict, then the same verdict from its cache.
fn verify_through_verifier(
    keys: *const jwtguard_keyset,
    policy: *const jwtguard_policy,
    token: &[u8],
    now: u64,
    name: &[u8],
    cap: u8,
) {
    let mut verifier: *mut jwtguard_verifier = core::ptr::null_mut();
    let mut detail = [0 as c_char; 96];
    // SAFETY: `keys` and `policy` are live handles; every other pointer is a live local
    // or slice of the size given; the handles made here are freed once.
    unsafe {
        let builder = jwtguard_verifier_builder_new(policy);
        assert!(!builder.is_null());
        let mut index = usize::MAX;
        assert_eq!(
            jwtguard_verifier_builder_add_keys(builder, keys, core::ptr::null(), 0, &mut index),
            jwtguard_result::JWTGUARD_OK
        );
        assert_eq!(index, 0);
        assert_eq!(
            jwtguard_verifier_builder_set_cache(builder, 4, jwtguard_default_cache_ttl()),
            jwtguard_result::JWTGUARD_OK
        );
        let code = jwtguard_verifier_builder_build(builder, &mut verifier, detail.as_mut_ptr(), detail.len());
        assert_eq!(code, jwtguard_result::JWTGUARD_OK);
        let mut want = None;
        for round in 0..2 {
            let mut token_handle: *mut jwtguard_token = core::ptr::null_mut();
            let mut hit = true;
            let code = jwtguard_verifier_verify(
                verifier,
                token.as_ptr(),
                token.len(),
                now,
                &mut token_handle,
                &mut hit,
                detail.as_mut_ptr(),
                usize::from(cap).min(detail.len()),
            );
            assert_known(code);
            assert_detail_terminated_or_empty(&detail, usize::from(cap));
            assert_eq!(*want.get_or_insert(code), code, "the cache changed the verdict");
            // (The second round may miss: a token whose `exp` has a fraction can be valid
            // until a moment the cache, counting whole seconds, has already passed.)
            assert!(!hit || (round == 1 && code == jwtguard_result::JWTGUARD_OK), "cache_hit");
            assert_eq!(code == jwtguard_result::JWTGUARD_OK, !token_handle.is_null());
            if !token_handle.is_null() {
                read_token(token_handle, name, cap);
                jwtguard_token_free(token_handle);
            }
        }
        assert!(!jwtguard_verifier_wants_fetch(verifier, now));
        assert_eq!(jwtguard_verifier_next_fetch_at(verifier), u64::MAX);
        jwtguard_verifier_free(verifier);
    }
}

/// A JWKS source offered `jwks` as its fetched document takes it exactly when
/// `jwtguard_keyset_new_with_options` does (`want`), and keeps its keys otherwise.
fn fetched_keys(policy: *const jwtguard_policy, jwks: &[u8], key_flags: u32, want: jwtguard_result, cap: u8) {
    const URL: &str = "http://127.0.0.1:1/keys";
    let mut verifier: *mut jwtguard_verifier = core::ptr::null_mut();
    let mut url = vec![0x55 as c_char; JWTGUARD_MAX_URL_LEN + 2];
    let (mut source, mut kind, mut len) = (usize::MAX, jwtguard_fetch_kind::JWTGUARD_FETCH_NONE, usize::MAX);
    let now = 1_700_000_000;
    // SAFETY: `policy` is a live handle; every other pointer is a live local or slice
    // of the size given; the handles made here are freed once.
    unsafe {
        let builder = jwtguard_verifier_builder_new(policy);
        assert!(!builder.is_null());
        let flags = key_flags | JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK;
        let code = jwtguard_verifier_builder_add_jwks_url(
            builder,
            URL.as_ptr().cast(),
            URL.len(),
            core::ptr::null(),
            0,
            flags,
            core::ptr::null_mut(),
        );
        assert_eq!(code, jwtguard_result::JWTGUARD_OK);
        assert_eq!(jwtguard_verifier_builder_build(builder, &mut verifier, core::ptr::null_mut(), 0), code);
        assert!(jwtguard_verifier_wants_fetch(verifier, now));
        // A buffer that might be too small claims nothing.
        let small = usize::from(cap);
        assert!(!jwtguard_verifier_start_fetch(
            verifier,
            now,
            &mut source,
            &mut kind,
            url.as_mut_ptr(),
            small,
            &mut len
        ));
        assert_eq!(len, JWTGUARD_MAX_URL_LEN);
        assert!(url.iter().all(|&c| c == 0x55), "wrote to a buffer that may be too small");
        let cap = JWTGUARD_MAX_URL_LEN + 1;
        assert!(jwtguard_verifier_start_fetch(verifier, now, &mut source, &mut kind, url.as_mut_ptr(), cap, &mut len));
        assert_eq!((source, kind, len), (0, jwtguard_fetch_kind::JWTGUARD_FETCH_JWKS, URL.len()));
        assert_eq!(CStr::from_ptr(url.as_ptr()).to_bytes(), URL.as_bytes());
        assert_eq!(url[cap], 0x55, "wrote past url_cap");
        assert!(!jwtguard_verifier_start_fetch(verifier, now, &mut source, &mut kind, url.as_mut_ptr(), cap, &mut len));
        let mut count = usize::MAX;
        let mut detail = [0 as c_char; 96];
        let code = jwtguard_verifier_offer(
            verifier,
            0,
            jwks.as_ptr(),
            jwks.len(),
            now,
            &mut count,
            detail.as_mut_ptr(),
            small.min(detail.len()),
        );
        assert_eq!(code, want, "the fetched document and jwtguard_keyset_new disagree");
        assert_detail_terminated_or_empty(&detail, small);
        assert_eq!(jwtguard_verifier_source_key_count(verifier, 0), count);
        if code == jwtguard_result::JWTGUARD_OK {
            assert!(count > 0);
            assert_eq!(jwtguard_verifier_next_fetch_at(verifier), now + 3600);
        } else {
            assert_eq!(count, 0);
            assert!(!jwtguard_verifier_wants_fetch(verifier, now), "a failed fetch backs off");
            jwtguard_verifier_fetch_failed(verifier, 0, now);
        }
        jwtguard_verifier_free(verifier);
    }
}

fn build_policy(
    flags: u8,
    name: &[u8],
    match_mode: u8,
    separator: &[u8],
    audience: &str,
    issuer: &str,
) -> *const jwtguard_policy {
    let builder = jwtguard_policy_builder_new();
    assert!(!builder.is_null());
    let values = [
        jwtguard_slice { data: c"Files.Read".as_ptr(), len: 10 },
        jwtguard_slice { data: name.as_ptr().cast(), len: name.len() },
    ];
    let mut policy: *const jwtguard_policy = core::ptr::null();
    // SAFETY: `builder` is live until freed below; every (pointer, length) names a live
    // slice; `values` holds two entries.
    unsafe {
        if flags & 2 != 0 {
            assert_known(jwtguard_policy_builder_any_audience(builder));
        } else {
            assert_known(jwtguard_policy_builder_add_audience(builder, audience.as_ptr().cast(), audience.len()));
        }
        if flags & 4 != 0 {
            assert_known(jwtguard_policy_builder_any_issuer(builder));
        } else {
            assert_known(jwtguard_policy_builder_add_issuer(builder, issuer.as_ptr().cast(), issuer.len()));
        }
        assert_known(jwtguard_policy_builder_set_kid_miss_fallback(builder, flags & 8 != 0));
        assert_known(jwtguard_policy_builder_set_check_key_issuer(builder, flags & 16 != 0));
        assert_known(jwtguard_policy_builder_set_require_expiration_time(builder, flags & 32 != 0));
        if flags & 1 != 0 {
            // Every algorithm, HMAC included (the key set then allows symmetric keys).
            assert_known(jwtguard_policy_builder_set_algorithms(builder, (1 << 12) - 1));
        }
        if flags & 128 != 0 {
            // The match byte's high bits pick the fallback claim and the token-type rule.
            let fallback: &[u8] = if match_mode & 0x80 != 0 { b"appid" } else { b"" };
            let code = jwtguard_policy_builder_add_required_claim_or(
                builder,
                name.as_ptr().cast(),
                name.len(),
                values.as_ptr(),
                values.len(),
                u32::from(match_mode % 3),
                separator.as_ptr().cast(),
                separator.len(),
                fallback.as_ptr().cast(),
                fallback.len(),
            );
            assert_known(code);
            if match_mode & 0x40 != 0 {
                assert_known(jwtguard_policy_builder_add_token_type(builder, name.as_ptr().cast(), name.len()));
            }
        }
        let mut detail = [0 as c_char; 64];
        let code = jwtguard_policy_builder_build(builder, &mut policy, detail.as_mut_ptr(), detail.len());
        assert_known(code);
        assert_detail_terminated(&detail);
        assert_eq!(code == jwtguard_result::JWTGUARD_OK, !policy.is_null());
        jwtguard_policy_builder_free(builder);
    }
    policy
}

/// Calls every accessor of a verified token with a `cap`-byte buffer.
fn read_token(token: *mut jwtguard_token, name: &[u8], cap: u8) {
    type Text = unsafe extern "C" fn(*const jwtguard_token, *mut c_char, usize, *mut usize) -> jwtguard_result;
    let texts: [Text; 4] = [jwtguard_token_kid, jwtguard_token_subject, jwtguard_token_issuer, jwtguard_token_audience];
    for get in texts {
        // SAFETY: `token` is live; `buf` holds `cap` bytes; `len` is a live local.
        check_buffer(cap, |buf, len| unsafe { get(token, buf, usize::from(cap), len) });
    }
    // SAFETY: as above, with `name` and the separator live slices.
    check_buffer(cap, |buf, len| unsafe {
        jwtguard_token_claim_string(
            token,
            name.as_ptr().cast(),
            name.len(),
            c",".as_ptr(),
            1,
            buf,
            usize::from(cap),
            len,
        )
    });
    // SAFETY: as above.
    check_buffer(cap, |buf, len| unsafe {
        jwtguard_token_claim_json(token, name.as_ptr().cast(), name.len(), buf, usize::from(cap), len)
    });
    let (mut int, mut exp) = (0i64, 0u64);
    // SAFETY: `token` is live; the out-parameters are live locals; alg is a static string.
    unsafe {
        assert_known(jwtguard_token_claim_int(token, name.as_ptr().cast(), name.len(), &mut int));
        assert_known(jwtguard_token_expiration(token, &mut exp));
        let alg = CStr::from_ptr(jwtguard_token_alg(token));
        assert!(alg == c"RS256" || alg == c"ES256", "alg {alg:?}");
    }
}

/// Runs an accessor with a buffer of `cap` bytes and checks the buffer convention.
fn check_buffer(cap: u8, call: impl FnOnce(*mut c_char, *mut usize) -> jwtguard_result) {
    let cap = usize::from(cap);
    let mut buf = vec![0x55 as c_char; cap + 1]; // one guard byte past `cap`
    let mut len = usize::MAX;
    let code = call(if cap == 0 { core::ptr::null_mut() } else { buf.as_mut_ptr() }, &mut len);
    assert_known(code);
    assert_eq!(buf[cap], 0x55, "wrote past cap");
    match code {
        jwtguard_result::JWTGUARD_OK => {
            assert!(len < cap, "OK with len {len} >= cap {cap}");
            assert_eq!(buf[len], 0, "value not NUL-terminated");
        }
        jwtguard_result::JWTGUARD_BUFFER_TOO_SMALL => {
            assert!(len >= cap, "BUFFER_TOO_SMALL with len {len} < cap {cap}");
            assert!(buf[..cap].iter().all(|&b| b == 0x55), "wrote into a too-small buffer");
        }
        _ => {}
    }
}

fn assert_known(code: jwtguard_result) {
    // SAFETY: jwtguard_result_name returns a static NUL-terminated string.
    let name = unsafe { CStr::from_ptr(jwtguard_result_name(code as u32)) };
    assert_ne!(name, c"Unknown", "undocumented result code {}", code as u32);
}

fn assert_detail_terminated(detail: &[c_char]) {
    assert!(detail.contains(&0), "detail buffer not NUL-terminated");
}

/// A detail buffer given with capacity `cap` (0: nothing written) is NUL-terminated
/// within it.
fn assert_detail_terminated_or_empty(detail: &[c_char], cap: usize) {
    if cap > 0 {
        assert_detail_terminated(&detail[..cap.min(detail.len())]);
    }
}
