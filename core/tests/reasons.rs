//! The reason set is a stable, closed API: unique names and codes, round-trips, the
//! APIM mapping, and messages that never carry token or key bytes.

mod support;

use std::collections::HashSet;

use jwtguard_core::{verify, Reason, DEFAULT_MAX_TOKEN_LEN};
use support::fixtures::FixtureFile;

#[test]
fn names_and_codes_are_unique_and_round_trip() {
    let mut names = HashSet::new();
    let mut codes = HashSet::new();
    for &r in Reason::ALL {
        assert!(names.insert(r.name()), "duplicate name {}", r.name());
        assert!(codes.insert(r.code()), "duplicate code {}", r.code());
        assert_eq!(Reason::from_code(r.code()), Some(r));
        assert_eq!(format!("{r}"), r.name());
        assert!(!r.message().is_empty());
    }
    assert_eq!(Reason::ALL.len(), 30);
    assert_eq!(Reason::from_code(0), None);
    assert_eq!(Reason::from_code(20), None);
}

#[test]
fn codes_are_the_published_ones() {
    // These numbers are part of the C ABI and the Python API: never renumber.
    let published = [
        (Reason::TokenNotPresent, 1),
        (Reason::TokenMalformed, 3),
        (Reason::TokenSignatureKeyNotFound, 7),
        (Reason::TokenSignatureInvalid, 9),
        (Reason::TokenExpired, 12),
        (Reason::TokenAudienceNotAllowed, 14),
        (Reason::TokenIssuerNotAllowed, 15),
        (Reason::TokenClaimNotFound, 16),
        (Reason::TokenClaimValueNotAllowed, 17),
        (Reason::TokenTypeNotAllowed, 18),
        (Reason::TokenDecryptionFailed, 19),
        (Reason::KeySetMalformed, 100),
        (Reason::KeyInvalid, 109),
        (Reason::PolicyInvalid, 200),
    ];
    for (reason, code) in published {
        assert_eq!(reason.code(), code, "{reason}");
    }
}

#[test]
fn apim_names_are_apim_reasons_or_jwt_invalid() {
    let apim = [
        "TokenNotPresent",
        "TokenSignatureInvalid",
        "TokenSignatureKeyNotFound",
        "TokenAudienceNotAllowed",
        "TokenIssuerNotAllowed",
        "TokenExpired",
        "TokenClaimNotFound",
        "TokenClaimValueNotAllowed",
        "JwtInvalid",
    ];
    for &r in Reason::ALL {
        assert!(apim.contains(&r.apim_name()), "{r} maps to {}", r.apim_name());
        if apim.contains(&r.name()) {
            assert_eq!(r.apim_name(), r.name(), "a reason APIM names keeps its APIM name");
        }
    }
    assert_eq!(Reason::TokenAlgorithmKeyMismatch.apim_name(), "TokenSignatureInvalid");
    assert_eq!(Reason::TokenNotYetValid.apim_name(), "JwtInvalid");
}

#[test]
fn messages_name_the_rule_and_never_echo_the_token() {
    let files = [FixtureFile::load("claims.json"), FixtureFile::load("attacks.json")];
    let mut checked = 0;
    for file in &files {
        for case in file.cases() {
            let (Ok(keys), Some(_)) = (case.keys(), case.expect) else { continue };
            let mut scratch = vec![0u8; DEFAULT_MAX_TOKEN_LEN.max(case.token.len())];
            let Err(e) = verify(case.token.as_bytes(), &keys, &case.policy(), case.now, &mut scratch) else { continue };
            let shown = e.to_string();
            assert!(shown.starts_with(e.reason().name()), "{shown}");
            for segment in case.token.split('.').filter(|s| s.len() >= 8) {
                assert!(!shown.contains(segment), "{}: message echoes the token: {shown}", case.name);
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "checked {checked}");
}

#[test]
fn details_say_what_failed() {
    let claims = FixtureFile::load("claims.json");
    let attacks = FixtureFile::load("attacks.json");
    let detail = |file: &FixtureFile, name: &str| {
        let case = file.case(name);
        let mut scratch = vec![0u8; DEFAULT_MAX_TOKEN_LEN];
        verify(case.token.as_bytes(), &case.keys().unwrap(), &case.policy(), case.now, &mut scratch)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    assert!(detail(&attacks, "alg_none_with_kid").contains("alg none"));
    assert!(detail(&attacks, "alg_ps256").contains("not allowed by the policy"));
    assert!(detail(&attacks, "alg_rs256_lowercase").contains("not supported"));
    assert!(detail(&attacks, "oct_key_without_symmetric_opt_in").contains("allow_symmetric"));
    assert!(detail(&attacks, "embedded_jwk_attacker_key").contains("jwk"));
    assert!(detail(&attacks, "crit_exp").contains("crit"));
    assert!(detail(&attacks, "header_escaped_duplicate_alg").contains("duplicate"));
    assert!(detail(&claims, "exp_malformed_string").contains("(claim `exp`)"));
    assert!(detail(&claims, "req_scp_any_none_present").contains("(claim `scp`)"));
    assert!(detail(&claims, "aud_mismatch").contains("audience"));
}

/// The C strings and the documentation other layers take from this table: the same
/// texts, NUL-terminated, and every reason documented.
#[test]
fn c_strings_and_docs_come_from_the_same_table() {
    for &reason in Reason::ALL {
        assert_eq!(reason.c_name().to_str(), Ok(reason.name()));
        assert_eq!(reason.c_message().to_str(), Ok(reason.message()));
        let doc = reason.doc();
        assert!(doc.ends_with('\n') && doc.trim().len() > 10, "{reason:?}: {doc:?}");
        assert!(doc.lines().all(|l| l.starts_with(' ') && !l.contains('\0')), "{reason:?}: {doc:?}");
    }
    assert_eq!(
        Reason::TokenSignatureInvalid.doc(),
        " The signature does not verify.\n",
        "the doc comment, line by line"
    );
}

const README: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
const TABLE_BEGIN: &str = "<!-- BEGIN REASONS";
const TABLE_END: &str = "<!-- END REASONS -->";

/// core/README.md's table of reasons, as the reason table itself gives it: code, name,
/// APIM reason and the reason's own documentation.
fn readme_table() -> String {
    let mut out = String::from("| code | name | APIM reason | meaning |\n| ---: | --- | --- | --- |\n");
    for &r in Reason::ALL {
        let meaning = r.doc().split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|");
        out.push_str(&format!("| {} | `{}` | `{}` | {} |\n", r.code(), r.name(), r.apim_name(), meaning));
    }
    out
}

#[test]
fn the_readme_lists_the_reasons_as_generated() {
    let readme = std::fs::read_to_string(README).expect("core/README.md");
    let begin = readme.find(TABLE_BEGIN).expect("core/README.md has a BEGIN REASONS marker");
    let start = begin + readme[begin..].find('\n').expect("a line after the marker") + 1;
    let end = start + readme[start..].find(TABLE_END).expect("core/README.md has an END REASONS marker");
    let wanted = readme_table();
    if std::env::var_os("JWTGUARD_BLESS").is_some() {
        let mut out = readme.clone();
        out.replace_range(start..end, &wanted);
        std::fs::write(README, out).expect("write core/README.md");
        return;
    }
    assert!(
        readme[start..end] == wanted,
        "core/README.md's table of reasons differs from the core's; rewrite it with\n    \
         JWTGUARD_BLESS=1 cargo test -p jwtguard-core --test reasons"
    );
}
