//! The APIM policy functions with what C cannot pass safely from a test program:
//! misaligned handles, dangling pointers with absurd lengths, lengths over
//! `PTRDIFF_MAX`, invalid UTF-8 named values, and many random documents. Nothing may
//! crash, panic across the boundary (`JWTGUARD_PANIC`) or read memory it was not given.

use std::ffi::{c_char, CStr};
use std::ptr::{self, null_mut};

use jwtguard::jwtguard_result::*;
use jwtguard::*;

const POLICY: &str = r#"<validate-jwt header-name="Authorization">
  <openid-config url="https://login.partner.microsoftonline.cn/6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b/v2.0/.well-known/openid-configuration" />
  <audiences><audience>8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8</audience></audiences>
</validate-jwt>"#;

fn load(xml: &str) -> *mut jwtguard_apim_policy {
    let mut out = null_mut();
    // SAFETY: a live buffer and a writable out-pointer.
    let r = unsafe { jwtguard_apim_policy_from_xml(xml.as_ptr(), xml.len(), &mut out, null_mut(), 0) };
    assert_eq!(r, JWTGUARD_OK);
    out
}

/// An odd address: misaligned for the handle types (alignment > 1).
fn odd_address<T>() -> *mut T {
    assert!(std::mem::align_of::<T>() > 1);
    ptr::without_provenance_mut(1)
}

fn dangling() -> *const u8 {
    ptr::NonNull::<u8>::dangling().as_ptr()
}

#[test]
fn misaligned_handles_are_refused_unread() {
    let bad: *mut jwtguard_apim_policy = odd_address();
    let mut buf = [0 as c_char; 64];
    let mut len = 0usize;
    let mut kind: jwtguard_token_source = 9;
    let mut is_set = true;
    // SAFETY: every pointer the functions may write through is live; the misaligned
    // handle is only checked, never dereferenced.
    unsafe {
        assert_eq!(jwtguard_apim_policy_kind(bad), 0);
        assert!(jwtguard_apim_policy_policy(bad).is_null());
        assert_eq!(jwtguard_apim_policy_failed_status(bad), 0);
        assert_eq!(jwtguard_apim_policy_openid_config_count(bad), 0);
        assert_eq!(jwtguard_apim_policy_note_count(bad), 0);
        assert_eq!(jwtguard_apim_policy_derived_issuer_count(bad), 0);
        assert_eq!(
            jwtguard_apim_policy_derived_issuer(bad, 0, true, buf.as_mut_ptr(), buf.len(), &mut len),
            JWTGUARD_INVALID_PARAMETER
        );
        let r = jwtguard_apim_policy_token_source(bad, &mut kind, buf.as_mut_ptr(), buf.len(), &mut len);
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER);
        assert_eq!((kind, len), (0, 0));
        let r = jwtguard_apim_policy_failed_message(bad, &mut is_set, buf.as_mut_ptr(), buf.len(), &mut len);
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER);
        assert!(!is_set);
        assert_eq!(
            jwtguard_apim_policy_require_scheme(bad, buf.as_mut_ptr(), buf.len(), &mut len),
            JWTGUARD_INVALID_PARAMETER
        );
        assert_eq!(
            jwtguard_apim_policy_inline_jwks(bad, JWTGUARD_APIM_KEYS_ASYMMETRIC, buf.as_mut_ptr(), buf.len(), &mut len),
            JWTGUARD_INVALID_PARAMETER
        );
        assert_eq!(
            jwtguard_apim_policy_note(bad, 0, buf.as_mut_ptr(), buf.len(), &mut len),
            JWTGUARD_INVALID_PARAMETER
        );
        assert_eq!(
            jwtguard_apim_policy_openid_config_url(bad, 0, buf.as_mut_ptr(), buf.len(), &mut len),
            JWTGUARD_INVALID_PARAMETER
        );
        jwtguard_apim_policy_free(bad); // ignored
                                        // misaligned out-parameters
        let r = jwtguard_apim_policy_from_xml(POLICY.as_ptr(), POLICY.len(), odd_address(), null_mut(), 0);
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER);
        let good = load(POLICY);
        let r = jwtguard_apim_policy_token_source(good, odd_address(), buf.as_mut_ptr(), buf.len(), &mut len);
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER);
        for kind in [0, 3, u32::MAX] {
            let r = jwtguard_apim_policy_inline_jwks(good, kind, buf.as_mut_ptr(), buf.len(), &mut len);
            assert_eq!(r, JWTGUARD_INVALID_PARAMETER, "kind {kind}");
        }
        jwtguard_apim_policy_free(good);
    }
}

#[test]
fn absurd_lengths_are_refused_unread() {
    let mut out = ptr::NonNull::dangling().as_ptr();
    let mut detail = [0 as c_char; 256];
    // SAFETY: the dangling pointer comes only with lengths the functions reject unread.
    unsafe {
        let r = jwtguard_apim_policy_from_xml(dangling(), usize::MAX, &mut out, detail.as_mut_ptr(), detail.len());
        assert_eq!(r, JWTGUARD_POLICY_INVALID);
        assert!(out.is_null());
        let text = CStr::from_ptr(detail.as_ptr()).to_str().unwrap();
        assert!(text.starts_with("PolicyInvalid: InputTooLarge at the document: "), "{text}");
        let r = jwtguard_apim_policy_from_xml(dangling(), 1024 * 1024 + 1, &mut out, null_mut(), 0);
        assert_eq!(r, JWTGUARD_POLICY_INVALID);
        let names = [jwtguard_slice { data: dangling().cast(), len: usize::MAX }];
        let values = [jwtguard_slice { data: c"v".as_ptr(), len: 1 }];
        let r = jwtguard_apim_policy_from_xml_with_options(
            POLICY.as_ptr(),
            POLICY.len(),
            0,
            names.as_ptr(),
            values.as_ptr(),
            1,
            ptr::null(),
            0,
            &mut out,
            null_mut(),
            0,
        );
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER, "a name over PTRDIFF_MAX is refused unread");
        let r = jwtguard_apim_policy_from_xml_with_options(
            POLICY.as_ptr(),
            POLICY.len(),
            0,
            ptr::NonNull::dangling().as_ptr(),
            ptr::NonNull::dangling().as_ptr(),
            usize::MAX,
            ptr::null(),
            0,
            &mut out,
            null_mut(),
            0,
        );
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER, "an array over PTRDIFF_MAX is refused unread");
    }
}

/// Translates `xml` with one named value; the result code and the detail text.
fn from_xml_named(
    xml: &str,
    name: &str,
    value: &str,
    out: &mut *mut jwtguard_apim_policy,
) -> (jwtguard_result, String) {
    let names = [jwtguard_slice { data: name.as_ptr().cast(), len: name.len() }];
    let values = [jwtguard_slice { data: value.as_ptr().cast(), len: value.len() }];
    let mut detail = [0 as c_char; 1024];
    // SAFETY: live buffers and arrays of one valid slice each.
    let r = unsafe {
        jwtguard_apim_policy_from_xml_with_options(
            xml.as_ptr(),
            xml.len(),
            0,
            names.as_ptr(),
            values.as_ptr(),
            1,
            ptr::null(),
            0,
            out,
            detail.as_mut_ptr(),
            detail.len(),
        )
    };
    // SAFETY: NUL-terminated by the call.
    (r, unsafe { CStr::from_ptr(detail.as_ptr()) }.to_str().unwrap().to_owned())
}

#[test]
fn named_values_are_never_echoed() {
    let xml = POLICY.replace("8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8", "{{aud}}");
    let secret = "@(context.Variables[\"very-secret-value\"])";
    let (r, text) = from_xml_named(&xml, "aud", secret, &mut null_mut());
    assert_eq!(r, JWTGUARD_POLICY_INVALID);
    assert!(text.starts_with("PolicyInvalid: PolicyExpression at "), "{text}");
    assert!(!text.contains("very-secret-value"), "{text}");
}

/// A value longer than any quote is not shown in part either: the text is the policy
/// crate's, which quotes the `{{name}}` reference.
#[test]
fn long_named_values_are_never_shown() {
    let secret = format!("S3CR3T-MARKER{}", "x".repeat(200));
    for attribute in ["clock-skew", "require-expiration-time", "header-name"] {
        let xml = POLICY.replace(r#"header-name="Authorization""#, &format!(r#"{attribute}="{{{{v}}}}""#));
        let mut out = null_mut();
        let (r, text) = from_xml_named(&xml, "v", &format!("{secret} x"), &mut out);
        assert_eq!(r, JWTGUARD_POLICY_INVALID, "{text}");
        assert!(out.is_null());
        assert!(text.contains(&format!("@{attribute}")) && text.contains("`{{v}}`"), "{text}");
        assert!(!text.contains("S3CR3T") && !text.contains("xxxx"), "{text}");
    }
}

#[test]
fn random_documents_never_panic() {
    let mut state = 0x1234_5678_9abc_def0u64;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    const PIECES: &[&str] = &[
        "<validate-jwt",
        "<validate-azure-ad-token",
        " header-name=\"Authorization\"",
        " tenant-id=\"x\"",
        ">",
        "/>",
        "</validate-jwt>",
        "<audiences>",
        "<audience>a</audience>",
        "</audiences>",
        "<openid-config url=\"https://a/b\" />",
        "<issuer-signing-keys><key id=\"k\" n=\"AQAB\" e=\"AQAB\"/></issuer-signing-keys>",
        "@(x)",
        "{{n}}",
        "&amp;",
        "&#0;",
        "<!DOCTYPE a>",
        "<policies><inbound>",
        "</inbound></policies>",
        "\u{feff}",
        "\"",
        "=",
        " clock-skew=\"5\"",
        "<required-claims><claim name=\"scp\"><value>v</value></claim></required-claims>",
    ];
    for _ in 0..3000 {
        let mut doc = String::new();
        for _ in 0..(next() % 12) {
            doc.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
        }
        let mut out = null_mut();
        let mut detail = [0 as c_char; 128];
        // SAFETY: live buffers.
        let r = unsafe {
            jwtguard_apim_policy_from_xml(doc.as_ptr(), doc.len(), &mut out, detail.as_mut_ptr(), detail.len())
        };
        assert!(r == JWTGUARD_OK || r == JWTGUARD_POLICY_INVALID, "{r:?} for {doc:?}");
        assert_eq!(r == JWTGUARD_OK, !out.is_null());
        // SAFETY: NULL or a live handle, freed once.
        unsafe { jwtguard_apim_policy_free(out) };
    }
}

/// The key material of `policy/tests/data/rsa2048-public.txt`: (n, e).
fn rsa_public() -> (String, String) {
    let text = include_str!("../../policy/tests/data/rsa2048-public.txt");
    let field = |name: &str| {
        text.lines().find_map(|l| l.strip_prefix(name)).expect("rsa2048-public.txt has n= and e=").to_owned()
    };
    (field("n="), field("e="))
}

/// Copies inline JWK set `kind` of `apim`.
fn inline_jwks(apim: *const jwtguard_apim_policy, kind: u32) -> String {
    let mut len = 0usize;
    let mut buf = vec![0 as c_char; 8192];
    // SAFETY: a live handle and a live buffer of `buf.len()` bytes.
    let r = unsafe { jwtguard_apim_policy_inline_jwks(apim, kind, buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(r, JWTGUARD_OK);
    // SAFETY: NUL-terminated by the call.
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_str().unwrap().to_owned()
}

#[test]
fn inline_keys_split_by_kind_whatever_their_ids() {
    let (n, e) = rsa_public();
    // ids that look like JSON: quotes, braces, a fake oct key and a backslash
    let hostile = r#"a"},{"kty":"oct","k":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},{"x":"\"#;
    let attr = hostile.replace('&', "&amp;").replace('"', "&quot;");
    let xml = format!(
        r#"<validate-jwt header-name="Authorization"><issuer-signing-keys>
  <key id="{attr}" n="{n}" e="{e}" />
  <key id="s}}{{1">c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==</key>
  <key id="rsa-2" n="{n}" e="{e}" />
</issuer-signing-keys><audiences><audience>a</audience></audiences><issuers><issuer>i</issuer></issuers></validate-jwt>"#
    );
    let apim = load(&xml);
    let rsa = inline_jwks(apim, JWTGUARD_APIM_KEYS_ASYMMETRIC);
    let oct = inline_jwks(apim, JWTGUARD_APIM_KEYS_SYMMETRIC);
    // the fake oct key stays inside the (escaped) kid of the first RSA key
    assert!(rsa.starts_with(r#"{"keys":[{"kty":"RSA""#) && !rsa.contains(r#"{"kty":"oct""#), "{rsa}");
    assert_eq!(rsa.matches(r#"{"kty":"RSA""#).count(), 2, "{rsa}");
    assert_eq!(oct.matches(r#"{"kty":"#).count(), 1, "{oct}");
    assert!(oct.starts_with(r#"{"keys":[{"kty":"oct""#) && !oct.contains("RSA"), "{oct}");
    for (doc, flags, want) in [(&rsa, 0, 2), (&oct, JWTGUARD_KEYSET_ALLOW_SYMMETRIC, 1)] {
        let mut keys = ptr::null();
        // SAFETY: a live buffer and a writable out-pointer.
        let r =
            unsafe { jwtguard_keyset_new_with_options(doc.as_ptr(), doc.len(), flags, 0, &mut keys, null_mut(), 0) };
        assert_eq!(r, JWTGUARD_OK, "{doc}");
        // SAFETY: a live handle, released once.
        unsafe {
            assert_eq!(jwtguard_keyset_len(keys), want, "{doc}");
            assert_eq!(jwtguard_keyset_rejected_len(keys), 0, "{doc}");
            jwtguard_keyset_free(keys);
        }
    }
    // SAFETY: a live handle, freed once.
    unsafe { jwtguard_apim_policy_free(apim) };
}

/// `jwtguard_apim_named_values_read` with `cap`; the code, the count and the detail.
fn read_values(
    text: &[u8],
    names: &mut [jwtguard_slice],
    values: &mut [jwtguard_slice],
) -> (jwtguard_result, usize, String) {
    let mut n = usize::MAX;
    let mut detail = [0 as c_char; 512];
    let cap = names.len().min(values.len());
    let (names, values) = if cap == 0 { (null_mut(), null_mut()) } else { (names.as_mut_ptr(), values.as_mut_ptr()) };
    // SAFETY: a live text, arrays of `cap` slices (or NULL with 0), live out-pointers.
    let r = unsafe {
        jwtguard_apim_named_values_read(
            text.as_ptr(),
            text.len(),
            names,
            values,
            cap,
            &mut n,
            detail.as_mut_ptr(),
            detail.len(),
        )
    };
    // SAFETY: NUL-terminated by the call.
    (r, n, unsafe { CStr::from_ptr(detail.as_ptr()) }.to_str().unwrap().to_owned())
}

#[test]
fn named_values_text_is_counted_then_read_as_slices_of_the_text() {
    let text = b"# APIM named values\nbackend-app = 8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8\r\nsecret=s3cr3t\n";
    let empty = jwtguard_slice { data: ptr::null(), len: 0 };
    let (r, n, _) = read_values(text, &mut [], &mut []);
    assert_eq!((r, n), (JWTGUARD_BUFFER_TOO_SMALL, 2));
    let (mut names, mut values) = ([empty; 1], [empty; 1]);
    let (r, n, _) = read_values(text, &mut names, &mut values);
    assert_eq!((r, n), (JWTGUARD_BUFFER_TOO_SMALL, 2));
    assert!(names[0].data.is_null(), "nothing is written when the values do not fit");
    let (mut names, mut values) = ([empty; 3], [empty; 3]);
    let (r, n, _) = read_values(text, &mut names, &mut values);
    assert_eq!((r, n), (JWTGUARD_OK, 2));
    let at = |s: jwtguard_slice| {
        let offset = s.data as usize - text.as_ptr() as usize;
        std::str::from_utf8(&text[offset..offset + s.len]).unwrap()
    };
    assert_eq!([at(names[0]), at(values[0])], ["backend-app", "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8"]);
    assert_eq!([at(names[1]), at(values[1])], ["secret", "s3cr3t"]);
    assert!(names[2].data.is_null());

    // the values fill a policy's references
    let xml = POLICY.replace("8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8", "{{backend-app}}");
    let mut out = null_mut();
    // SAFETY: live buffers; two valid slices each (into `text`, which outlives the call).
    let r = unsafe {
        jwtguard_apim_policy_from_xml_with_options(
            xml.as_ptr(),
            xml.len(),
            0,
            names.as_ptr(),
            values.as_ptr(),
            2,
            ptr::null(),
            0,
            &mut out,
            null_mut(),
            0,
        )
    };
    assert_eq!(r, JWTGUARD_OK);
    // SAFETY: the handle just made, freed once.
    unsafe { jwtguard_apim_policy_free(out) };
}

#[test]
fn named_values_refusals_name_the_line_never_the_value() {
    for (text, line) in [
        (&b"a=1\nthe-secret-line\n"[..], 2),
        (b"a=1\nA=s3cr3t\n", 2),
        (b"a=s3cr3t\x01\n", 1),
        (b"bad name=s3cr3t\n", 1),
    ] {
        let (r, n, detail) = read_values(text, &mut [], &mut []);
        assert_eq!((r, n), (JWTGUARD_POLICY_INVALID, 0), "{detail}");
        assert!(detail.starts_with("PolicyInvalid: InvalidNamedValues at the document (line "), "{detail}");
        assert!(detail.contains(&format!("(line {line},")), "{detail}");
        assert!(!detail.contains("s3cr3t") && !detail.contains("the-secret-line"), "{detail}");
    }
    let (r, _, detail) = read_values(b"a=\xff\n", &mut [], &mut []);
    assert_eq!(r, JWTGUARD_POLICY_INVALID);
    assert_eq!(detail, "PolicyInvalid: InvalidNamedValues: not UTF-8 (at byte 2)");
    // SAFETY: NULL and dangling pointers come only with arguments refused unread.
    unsafe {
        let mut n = 7usize;
        let r = jwtguard_apim_named_values_read(ptr::null(), 1, null_mut(), null_mut(), 0, &mut n, null_mut(), 0);
        assert_eq!((r, n), (JWTGUARD_NULL_PARAMETER, 0));
        let r = jwtguard_apim_named_values_read(b"a=1".as_ptr(), 3, null_mut(), null_mut(), 4, &mut n, null_mut(), 0);
        assert_eq!(r, JWTGUARD_NULL_PARAMETER, "NULL arrays with a capacity");
        let r = jwtguard_apim_named_values_read(
            dangling(),
            usize::MAX,
            null_mut(),
            null_mut(),
            0,
            ptr::null_mut(),
            null_mut(),
            0,
        );
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER, "a text over PTRDIFF_MAX is refused unread");
        let r = jwtguard_apim_named_values_read(
            b"a=1".as_ptr(),
            3,
            odd_address(),
            odd_address(),
            1,
            ptr::null_mut(),
            null_mut(),
            0,
        );
        assert_eq!(r, JWTGUARD_INVALID_PARAMETER, "misaligned arrays are refused unwritten");
        let r = jwtguard_apim_named_values_read(b"".as_ptr(), 0, null_mut(), null_mut(), 0, &mut n, null_mut(), 0);
        assert_eq!((r, n), (JWTGUARD_OK, 0));
    }
}
