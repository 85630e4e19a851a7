//! The C result codes and the core's reasons cannot drift apart: same numbers, same
//! names, same messages, and the C identifier is the name in SCREAMING_SNAKE form.

use std::ffi::CStr;

use jwtguard::{jwtguard_result, jwtguard_result_message, jwtguard_result_name};
use jwtguard_core::Reason;

/// `TokenExpired` -> `TOKEN_EXPIRED`.
fn screaming_snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn c_name(code: u32) -> &'static str {
    // SAFETY: `jwtguard_result_name` returns a static NUL-terminated string.
    unsafe { CStr::from_ptr(jwtguard_result_name(code)) }.to_str().unwrap()
}

fn c_message(code: u32) -> &'static str {
    // SAFETY: `jwtguard_result_message` returns a static NUL-terminated string.
    unsafe { CStr::from_ptr(jwtguard_result_message(code)) }.to_str().unwrap()
}

#[test]
fn every_core_reason_has_the_same_code_name_and_message() {
    for &reason in Reason::ALL {
        let result = jwtguard_result::from_code(reason.code())
            .unwrap_or_else(|| panic!("{} ({}) has no jwtguard_result", reason.name(), reason.code()));
        assert_eq!(result, jwtguard_result::from_reason(reason));
        assert_eq!(result.code(), reason.code());
        assert_eq!(result.name().to_str().unwrap(), reason.name());
        assert_eq!(result.message().to_str().unwrap(), reason.message());
        assert_eq!(format!("{result:?}"), format!("JWTGUARD_{}", screaming_snake(reason.name())));
        assert_eq!(c_name(reason.code()), reason.name());
        assert_eq!(c_message(reason.code()), reason.message());
    }
}

#[test]
fn codes_below_1000_are_exactly_the_core_reasons() {
    for &result in jwtguard_result::ALL {
        let code = result.code();
        match code {
            0 => assert_eq!(result, jwtguard_result::JWTGUARD_OK),
            1..=999 => {
                let reason = Reason::from_code(code).unwrap_or_else(|| panic!("{result:?} is not a core reason"));
                assert_eq!(reason.name(), result.name().to_str().unwrap());
            }
            _ => assert!(Reason::from_code(code).is_none()),
        }
    }
    let core_codes = Reason::ALL.len();
    let shared = jwtguard_result::ALL.iter().filter(|r| (1..1000).contains(&r.code())).count();
    assert_eq!(shared, core_codes);
}

#[test]
fn every_result_is_listed_once_in_code_order_with_a_matching_identifier() {
    let all = jwtguard_result::ALL;
    assert!(all.windows(2).all(|w| w[0].code() < w[1].code()), "ALL is in strictly increasing code order");
    for &result in all {
        let name = result.name().to_str().unwrap();
        assert_eq!(format!("{result:?}"), format!("JWTGUARD_{}", screaming_snake(name)));
        assert_eq!(jwtguard_result::from_code(result.code()), Some(result));
        assert_eq!(c_name(result.code()), name);
        assert_eq!(c_message(result.code()), result.message().to_str().unwrap());
        assert!(!c_message(result.code()).is_empty());
    }
    let ffi: Vec<(u32, &str)> =
        all.iter().filter(|r| r.code() >= 1000).map(|r| (r.code(), r.name().to_str().unwrap())).collect();
    assert_eq!(
        ffi,
        [
            (1000, "NullParameter"),
            (1001, "InvalidParameter"),
            (1002, "BufferTooSmall"),
            (1003, "ClaimNotPresent"),
            (1004, "ClaimWrongType"),
            (1005, "Panic"),
            (1006, "ClaimUnsafe"),
        ]
    );
    assert_eq!(c_name(0), "Ok");
}

#[test]
fn unknown_codes_render_as_unknown() {
    for code in [18, 99, 110, 199, 201, 999, 1007, 65_535, u32::MAX] {
        assert_eq!(c_name(code), "Unknown", "{code}");
        assert_eq!(c_message(code), "unknown result code", "{code}");
    }
}

#[test]
fn the_c_header_spells_two_known_codes_as_the_issue_says() {
    assert_eq!(jwtguard_result::JWTGUARD_OK as u32, 0);
    assert_eq!(jwtguard_result::JWTGUARD_TOKEN_EXPIRED as u32, 12);
    assert_eq!(jwtguard_result::JWTGUARD_POLICY_INVALID as u32, 200);
}
