//! The HTTP helpers with what C cannot pass safely from a test program: NULLs,
//! lengths without data, unknown token sources and many random request texts. Nothing
//! may crash, panic across the boundary or point outside the text it was given. The
//! rules themselves are tested in `jwtguard-policy` (`policy/src/http.rs`) and through
//! the C ABI in `tests/test_http.c`.

use jwtguard::*;

/// NULLs, lengths without data, unknown sources and random bytes: a result code,
/// never a crash, and a found token always inside the text.
#[test]
fn null_and_garbage() {
    use core::ptr::{null, null_mut};
    let (mut offset, mut len) = (7usize, 7usize);
    let call = |source, text: *const u8, text_len, offset: *mut usize, len: *mut usize| {
        // SAFETY: every non-NULL pointer is valid for its length or its type.
        unsafe { jwtguard_http_find_token(source, c"t".as_ptr(), 1, null(), 0, text, text_len, offset, len) }
    };
    assert_eq!(call(1, null(), 5, &mut offset, &mut len), jwtguard_result::JWTGUARD_NULL_PARAMETER);
    assert_eq!(call(1, null(), 0, null_mut(), &mut len), jwtguard_result::JWTGUARD_NULL_PARAMETER);
    assert_eq!(call(1, null(), 0, &mut offset, null_mut()), jwtguard_result::JWTGUARD_NULL_PARAMETER);
    assert_eq!(call(9, b"t=1".as_ptr(), 3, &mut offset, &mut len), jwtguard_result::JWTGUARD_INVALID_PARAMETER);
    assert_eq!((offset, len), (0, 0));
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for n in 0..2000usize {
        let text = random_text(&mut seed, n % 40, b"t= ;&\tBearx\xff");
        for source in 0..6 {
            if call(source, text.as_ptr(), text.len(), &mut offset, &mut len) == jwtguard_result::JWTGUARD_OK {
                assert!(offset + len <= text.len());
            }
        }
    }
    // Random texts decode or are refused, never written past `cap`.
    for n in 0..2000usize {
        let text = random_text(&mut seed, n % 24, b"%%2aF.g\xff");
        let mut buf = vec![0x55u8; 32];
        let cap = n % 26;
        // SAFETY: `text` is valid for its length, `buf` for `cap` <= 32 bytes.
        let rc =
            unsafe { jwtguard_http_decode_token(text.as_ptr(), text.len(), buf.as_mut_ptr().cast(), cap, &mut len) };
        match rc {
            jwtguard_result::JWTGUARD_OK => assert!(len < cap && len <= text.len() && buf[len] == 0),
            jwtguard_result::JWTGUARD_TOKEN_MALFORMED => assert_eq!(len, 0),
            jwtguard_result::JWTGUARD_BUFFER_TOO_SMALL => assert!(len >= cap),
            other => panic!("{other:?}"),
        }
        assert!(buf[cap..].iter().all(|&b| b == 0x55), "written past cap");
    }
    // SAFETY: NULL with length 0 is the empty realm; NULL buffer with capacity 0.
    let rc = unsafe { jwtguard_http_challenge(1_000_000, 0, null(), 0, null_mut(), 0, &mut len) };
    assert_eq!(rc, jwtguard_result::JWTGUARD_BUFFER_TOO_SMALL);
    assert_eq!(len, "Bearer error=\"invalid_token\", error_description=\"Unknown\"".len());
    // SAFETY: as above; a realm length without data.
    let rc = unsafe { jwtguard_http_challenge(1, 401, null(), 3, null_mut(), 0, &mut len) };
    assert_eq!(rc, jwtguard_result::JWTGUARD_NULL_PARAMETER);
}

/// `len` bytes drawn from `alphabet` by a xorshift generator kept in `seed`.
fn random_text(seed: &mut u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            alphabet[(*seed % alphabet.len() as u64) as usize]
        })
        .collect()
}
