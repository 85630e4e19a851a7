//! What a binding's configuration needs from the library instead of typing it again:
//! the refresh interval of fetching sources and the body of an APIM policy's
//! rejections (algorithms by their JOSE names: `null_and_garbage.rs`).

use std::ffi::c_char;
use std::ptr;

use jwtguard::*;

const JWKS: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1",
  "x":"DJVNnJ07pp_uGXWQ22MgakerpVAWH3ActH2mlPdbm1I","y":"6GnS0yESKSRYT9eqjlaTcTX7VTIBVebnqEJ1Ad1QhiI"}]}"#;

fn policy() -> *const jwtguard_policy {
    // SAFETY: live handles, readable arguments, writable outputs.
    unsafe {
        let b = jwtguard_policy_builder_new();
        assert_eq!(jwtguard_policy_builder_add_audience(b, b"a".as_ptr().cast(), 1), jwtguard_result::JWTGUARD_OK);
        assert_eq!(jwtguard_policy_builder_add_issuer(b, b"i".as_ptr().cast(), 1), jwtguard_result::JWTGUARD_OK);
        let mut p = ptr::null();
        assert_eq!(jwtguard_policy_builder_build(b, &mut p, ptr::null_mut(), 0), jwtguard_result::JWTGUARD_OK);
        jwtguard_policy_builder_free(b);
        p
    }
}

/// Adds a source fetching `https://keys.example/jwks`.
fn add_jwks_url(b: *mut jwtguard_verifier_builder) {
    let url = "https://keys.example/jwks";
    // SAFETY: a live builder handle; the URL is readable.
    let r = unsafe {
        jwtguard_verifier_builder_add_jwks_url(b, url.as_ptr().cast(), url.len(), ptr::null(), 0, 0, ptr::null_mut())
    };
    assert_eq!(r, jwtguard_result::JWTGUARD_OK);
}

/// A verifier with one JWK set URL whose first fetch succeeded at time 1000, built
/// with `interval` (None: not set).
fn fetched_at_1000(interval: Option<u64>) -> *mut jwtguard_verifier {
    // SAFETY: live handles, readable arguments, writable outputs.
    unsafe {
        let p = policy();
        let b = jwtguard_verifier_builder_new(p);
        jwtguard_policy_free(p);
        if let Some(seconds) = interval {
            assert_eq!(jwtguard_verifier_builder_set_refresh_interval(b, seconds), jwtguard_result::JWTGUARD_OK);
        }
        add_jwks_url(b);
        let mut v = ptr::null_mut();
        assert_eq!(jwtguard_verifier_builder_build(b, &mut v, ptr::null_mut(), 0), jwtguard_result::JWTGUARD_OK);
        assert!(fetch_due(v, 1000));
        let r = jwtguard_verifier_offer(v, 0, JWKS.as_ptr(), JWKS.len(), 1000, ptr::null_mut(), ptr::null_mut(), 0);
        assert_eq!(r, jwtguard_result::JWTGUARD_OK);
        v
    }
}

/// Claims the fetch due at `now`, if any.
fn fetch_due(v: *mut jwtguard_verifier, now: u64) -> bool {
    let mut url = vec![0 as c_char; 4096];
    let (mut source, mut kind, mut len) = (usize::MAX, jwtguard_fetch_kind::JWTGUARD_FETCH_NONE, 0);
    // SAFETY: a live handle and writable outputs of the stated sizes.
    unsafe { jwtguard_verifier_start_fetch(v, now, &mut source, &mut kind, url.as_mut_ptr(), url.len(), &mut len) }
}

#[test]
fn refresh_interval_sets_when_the_next_fetch_is_due() {
    let v = fetched_at_1000(Some(60));
    assert!(!fetch_due(v, 1059));
    assert!(fetch_due(v, 1060));
    // SAFETY: a live handle not used again.
    unsafe { jwtguard_verifier_free(v) };

    let v = fetched_at_1000(None); // the core's default: hourly
    assert!(!fetch_due(v, 1060));
    assert!(!fetch_due(v, 4599));
    assert!(fetch_due(v, 4600));
    // SAFETY: a live handle not used again.
    unsafe { jwtguard_verifier_free(v) };
}

#[test]
fn refresh_interval_zero_is_refused_at_once_and_by_build() {
    // SAFETY: live handles (NULL and misaligned ones: null_and_garbage.rs).
    unsafe {
        let p = policy();
        let b = jwtguard_verifier_builder_new(p);
        jwtguard_policy_free(p);
        assert_eq!(jwtguard_verifier_builder_set_refresh_interval(b, 0), jwtguard_result::JWTGUARD_POLICY_INVALID);
        // Refused once, refused again by build (which frees the builder), however
        // sound what follows.
        assert_eq!(jwtguard_verifier_builder_set_refresh_interval(b, 60), jwtguard_result::JWTGUARD_OK);
        add_jwks_url(b);
        let mut v = ptr::null_mut();
        assert_eq!(
            jwtguard_verifier_builder_build(b, &mut v, ptr::null_mut(), 0),
            jwtguard_result::JWTGUARD_POLICY_INVALID
        );
        assert!(v.is_null());
    }
}

fn apim(message_attribute: &str) -> *mut jwtguard_apim_policy {
    let xml = format!(
        r#"<validate-jwt header-name="Authorization"{message_attribute}>
  <openid-config url="https://idp.example/.well-known/openid-configuration" />
  <audiences><audience>a</audience></audiences>
  <issuers><issuer>https://idp.example/</issuer></issuers>
</validate-jwt>"#
    );
    let mut a = ptr::null_mut();
    // SAFETY: readable input, writable output.
    let r = unsafe { jwtguard_apim_policy_from_xml(xml.as_ptr(), xml.len(), &mut a, ptr::null_mut(), 0) };
    assert_eq!(r, jwtguard_result::JWTGUARD_OK);
    a
}

fn failure_message(a: *const jwtguard_apim_policy, result: jwtguard_result) -> Result<String, jwtguard_result> {
    let mut len = 0;
    // SAFETY: a live handle; the length query and then a buffer of the stated size.
    unsafe {
        let r = jwtguard_apim_policy_failure_message(a, result.code(), ptr::null_mut(), 0, &mut len);
        if r != jwtguard_result::JWTGUARD_BUFFER_TOO_SMALL {
            return Err(r);
        }
        let mut buf = vec![0u8; len + 1];
        let r = jwtguard_apim_policy_failure_message(a, result.code(), buf.as_mut_ptr().cast(), buf.len(), &mut len);
        assert_eq!(r, jwtguard_result::JWTGUARD_OK);
        buf.truncate(len);
        Ok(String::from_utf8(buf).unwrap())
    }
}

#[test]
fn apim_failure_messages() {
    let default = apim("");
    assert_eq!(failure_message(default, jwtguard_result::JWTGUARD_TOKEN_NOT_PRESENT).unwrap(), "JWT not present.");
    assert_eq!(
        failure_message(default, jwtguard_result::JWTGUARD_TOKEN_EXPIRED).unwrap(),
        "JWT validation failed: token has expired."
    );
    assert_eq!(
        failure_message(default, jwtguard_result::JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED).unwrap(),
        "JWT validation failed: token audience is not allowed."
    );
    for not_a_token_failure in [
        jwtguard_result::JWTGUARD_OK,
        jwtguard_result::JWTGUARD_KEY_SET_MALFORMED,
        jwtguard_result::JWTGUARD_CLAIM_UNSAFE,
    ] {
        assert_eq!(failure_message(default, not_a_token_failure), Err(jwtguard_result::JWTGUARD_INVALID_PARAMETER));
    }
    let set = apim(r#" failed-validation-error-message="Go away.""#);
    for result in [jwtguard_result::JWTGUARD_TOKEN_NOT_PRESENT, jwtguard_result::JWTGUARD_TOKEN_EXPIRED] {
        assert_eq!(failure_message(set, result).unwrap(), "Go away.");
    }
    // SAFETY: NULL, then live handles not used again.
    unsafe {
        let mut len = 0;
        assert_eq!(
            jwtguard_apim_policy_failure_message(ptr::null(), 12, ptr::null_mut(), 0, &mut len),
            jwtguard_result::JWTGUARD_NULL_PARAMETER
        );
        jwtguard_apim_policy_free(default);
        jwtguard_apim_policy_free(set);
    }
}
