//! The C result codes and the core's reasons cannot drift apart: same numbers, same
//! names, same messages, the C identifier is the name in SCREAMING_SNAKE form, and the
//! header documents each code with the core's own documentation. The enum's block of
//! reasons in src/result.rs is generated from the core here (cbindgen reads sources, so
//! the block is written out): `JWTGUARD_BLESS=1 cargo test -p jwtguard-ffi --test
//! result_codes` rewrites it, then regenerate the header.

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
    for code in [20, 99, 110, 199, 201, 999, 1007, 65_535, u32::MAX] {
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

const RESULT_RS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/result.rs");
const HEADER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/include/jwtguard.h");
const BEGIN: &str = "// BEGIN REASONS\n";
const END: &str = "// END REASONS";

/// The enum's variants for the core's reasons: doc comment, name, code.
fn generated_variants() -> String {
    let mut out = String::new();
    for &reason in Reason::ALL {
        for line in reason.doc().lines() {
            out.push_str(&format!("    ///{line}\n"));
        }
        out.push_str(&format!("    JWTGUARD_{} = {},\n", screaming_snake(reason.name()), reason.code()));
    }
    out
}

/// The same reasons in `jwtguard_result::ALL`.
fn generated_list() -> String {
    Reason::ALL.iter().map(|r| format!("        JWTGUARD_{},\n", screaming_snake(r.name()))).collect()
}

/// The byte ranges of the generated blocks of `source` (between the marker lines).
fn blocks(source: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(at) = source[from..].find(BEGIN) {
        let start = from + at + BEGIN.len();
        let end_marker = start + source[start..].find(END).expect("an END REASONS marker");
        let end = source[..end_marker].rfind('\n').map_or(start, |n| n + 1).max(start);
        ranges.push(start..end);
        from = end_marker;
    }
    ranges
}

#[test]
fn the_enum_lists_the_core_reasons_as_generated() {
    let source = std::fs::read_to_string(RESULT_RS).expect("src/result.rs");
    let ranges = blocks(&source);
    assert_eq!(ranges.len(), 2, "src/result.rs has the enum's block and ALL's block");
    let wanted = [generated_variants(), generated_list()];
    if std::env::var_os("JWTGUARD_BLESS").is_some() {
        let mut out = source.clone();
        for (range, text) in ranges.iter().zip(&wanted).rev() {
            out.replace_range(range.clone(), text);
        }
        std::fs::write(RESULT_RS, out).expect("write src/result.rs");
        return;
    }
    for (range, text) in ranges.iter().zip(&wanted) {
        assert!(
            source[range.clone()] == **text,
            "src/result.rs does not list the core's reasons as they are; rewrite it with\n    \
             JWTGUARD_BLESS=1 cargo test -p jwtguard-ffi --test result_codes\nthen regenerate the header"
        );
    }
}

/// The doc comment of each `jwtguard_result` variant in the committed header, by name.
fn header_docs() -> Vec<(String, u32, String)> {
    let header = std::fs::read_to_string(HEADER).expect("include/jwtguard.h");
    let body = header
        .lines()
        .skip_while(|line| !line.starts_with("enum jwtguard_result"))
        .take_while(|line| !line.starts_with('}'));
    let (mut variants, mut doc) = (Vec::new(), String::new());
    for line in body {
        let line = line.trim();
        if let Some(text) = line.strip_prefix('*').filter(|_| line != "*/") {
            doc.push_str(text);
            doc.push(' ');
        } else if let Some((name, value)) = line.trim_end_matches(',').split_once(" = ") {
            let value = value.parse().unwrap_or_else(|_| panic!("{name} = {value}"));
            variants.push((name.to_owned(), value, std::mem::take(&mut doc)));
        }
    }
    variants
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_header_documents_each_reason_with_the_cores_text() {
    let variants = header_docs();
    for &reason in Reason::ALL {
        let name = format!("JWTGUARD_{}", screaming_snake(reason.name()));
        let matching: Vec<_> = variants.iter().filter(|(n, ..)| *n == name).collect();
        assert_eq!(matching.len(), 1, "{name}: one variant in the header");
        let (_, code, doc) = matching[0];
        assert_eq!(*code, reason.code(), "{name}");
        assert_eq!(
            variants.iter().filter(|(_, c, _)| *c == reason.code()).count(),
            1,
            "{name}: one variant with its code"
        );
        assert!(
            words(doc).contains(&words(reason.doc())),
            "{name}: header doc {doc:?} lacks the core's {:?}",
            reason.doc()
        );
    }
    assert_eq!(variants.len(), jwtguard_result::ALL.len());
}

#[test]
fn result_rs_depends_on_nothing_else_in_the_crate() {
    // Every module depends on `result`; a `use crate::...` there makes an import loop
    // (the C functions that render codes live in `result_text` for this reason).
    let source = std::fs::read_to_string(RESULT_RS).expect("src/result.rs");
    for needle in ["crate::", "super::"] {
        assert!(!source.contains(needle), "src/result.rs names `{needle}`");
    }
}

#[test]
fn util_rs_depends_only_on_result() {
    // The entry points' modules all use `util`, so it names none of them.
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/util.rs")).expect("src/util.rs");
    let named: Vec<&str> = source.match_indices("crate::").map(|(at, _)| &source[at..]).collect();
    assert!(named.iter().all(|rest| rest.starts_with("crate::result::")), "src/util.rs names another module");
}
