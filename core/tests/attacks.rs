//! The attack catalogue (`fixtures/attacks.json`, minted by PyJWT/`cryptography`):
//! one test per attack, each asserting the exact reason. The list below is checked
//! against the file, so an attack can be neither dropped nor left untested.

mod support;

use jwtguard_core::{verify, DEFAULT_MAX_TOKEN_LEN};
use support::fixtures::FixtureFile;

/// Runs one attack case and asserts its expected outcome.
fn attack(name: &str) {
    let file = FixtureFile::load("attacks.json");
    let case = file.case(name);
    let loaded = case.keys(); // with the case's key options (e.g. the symmetric opt-in)
    if let Some(expected) = case.expect_key_set {
        let got = loaded.as_ref().map_or_else(|e| e.reason().name(), |_| "loaded");
        assert_eq!(got, expected, "{}: {}", name, case.description);
        return;
    }
    let keys = loaded.unwrap_or_else(|e| panic!("{name}: key set failed to load: {e}"));
    let mut scratch = vec![0u8; DEFAULT_MAX_TOKEN_LEN.max(case.token.len())];
    let got = match verify(case.token.as_bytes(), &keys, &case.policy(), case.now, &mut scratch) {
        Ok(_) => "valid",
        Err(e) => e.reason().name(),
    };
    assert_eq!(Some(got), case.expect, "{}: {}", name, case.description);
}

macro_rules! attacks {
    ($($name:ident,)*) => {
        $(
            #[test]
            #[allow(non_snake_case)] // names mirror the fixture's, e.g. alg_NONE_uppercase
            fn $name() {
                attack(stringify!($name));
            }
        )*

        #[test]
        fn every_attack_in_the_file_has_a_test() {
            let listed: &[&str] = &[$(stringify!($name)),*];
            let file = FixtureFile::load("attacks.json");
            let in_file: Vec<&str> = file.cases().iter().map(|c| c.name).collect();
            assert_eq!(in_file, listed, "attacks.json and this list differ");
        }
    };
}

attacks! {
    alg_none_with_kid,
    alg_none_without_kid,
    alg_NONE_uppercase,
    alg_None_mixed_case,
    alg_none_empty_signature,
    hs256_with_rsa_public_key_pem_as_secret,
    hs256_with_rsa_public_key_pem_hs256_allowed,
    hs256_with_rsa_public_key_pem_no_kid_hs256_allowed,
    alg_ps256,
    alg_rs512,
    ps256_token_naming_rs256_bound_key,
    alg_es512,
    alg_es512_allowed,
    alg_rs256_lowercase,
    es256_header_naming_rsa_key,
    rs256_header_naming_ec_key,
    es256_signature_all_zero,
    es256_signature_der,
    es256_signature_65_bytes,
    es256_signature_high_s_valid,
    es256_small_s_control_valid,
    es256_s_plus_n,
    rs256_signature_leading_zero_stripped,
    rs256_signature_extra_leading_zero,
    rs256_signed_by_4096_key_naming_2048,
    kid_case_differs,
    embedded_jwk_attacker_key,
    jku_header,
    x5u_header,
    crit_exp,
    crit_empty_array,
    zip_def,
    enc_header,
    b64_false,
    b64_true,
    x5c_header_ignored_valid,
    x5c_attacker_signed,
    weak_key_named_by_kid,
    mixed_weak_good_key_valid,
    use_enc_key_named_by_kid,
    with_enc_sig_key_valid,
    key_ops_encrypt_named_by_kid,
    key_ops_verify_valid,
    key_alg_ps256_rs256_token,
    weak_only_set,
    exponent_3_set,
    exponent_1_set,
    ec_point_off_curve_set,
    duplicate_kid_set,
    empty_key_set,
    oct_only_set,
    secp256k1_only_set,
    oct_key_without_symmetric_opt_in,
    oct_key_in_mixed_set,
    hs256_oct_key_valid,
    hs256_not_allowed_by_policy,
    hs512_with_32_byte_key,
    rs256_token_naming_oct_key,
    short_hmac_key_set,
    short_hmac_key_for_its_alg_set,
    header_duplicate_alg,
    header_escaped_duplicate_alg,
    payload_duplicate_aud,
    payload_escaped_duplicate_aud,
    payload_duplicate_exp,
    payload_escaped_exp_expired,
    payload_escaped_aud_mismatch,
    payload_escaped_issuer_slashes_valid,
    header_member_garbage,
    payload_member_garbage,
    payload_number_leading_zero,
    payload_nan,
    payload_trailing_comma,
    payload_trailing_data,
    payload_lone_surrogate,
    payload_raw_control_char,
    payload_json_string,
    payload_not_json,
    payload_invalid_utf8,
    payload_129_members,
    payload_nesting_depth_17,
    payload_nesting_depth_5000,
    payload_128_members_valid,
    payload_nesting_depth_16_valid,
    header_nesting_depth_17,
    header_json_array,
    header_invalid_utf8,
    signature_padded,
    payload_padded,
    payload_space_inside,
    signature_newline_inside,
    trailing_newline,
    leading_space,
    bearer_prefix,
    signature_noncanonical_last_char,
    signature_standard_base64_alphabet,
    header_not_base64url,
    header_not_json,
    two_segments,
    four_segments,
    five_segments_jwe,
    only_dots,
    json_serialization,
    empty_token,
    token_16385_bytes,
    token_16384_bytes_valid,
}
