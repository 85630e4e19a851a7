//! `apim_policy`: arbitrary bytes as an API Management policy document through
//! jwtguard-policy, with the strict defaults and with every relaxation on.

use jwtguard_core::{KeyOptions, KeySet};
use jwtguard_policy::{ApimPolicy, InlineKeyKind, ParseOptions};

/// `apim_policy`: an accepted document gives a complete core policy (audiences and
/// issuers unless explicitly waived, some algorithm, a key source, https discovery
/// URLs, an HTTP status), inline keys that load or fail with a key-set reason; a
/// refused one gives an error whose text starts with its kind. The same bytes, read as
/// a query string, give a token of its first `access_token` item that percent-decodes
/// to no more bytes (unchanged without `%`) or is refused. Never a panic.
pub fn apim_policy(data: &[u8]) {
    url_encoded_token(data);
    let strict = ParseOptions::default();
    let mut relaxed =
        ParseOptions { allow_unknown: true, allow_any_audience: true, allow_any_issuer: true, ..strict.clone() };
    relaxed.named_values.insert("name".into(), "value".into());
    for (options, waivers) in [(&strict, false), (&relaxed, true)] {
        match ApimPolicy::from_bytes_with(data, options) {
            Ok(apim) => accepted(&apim, waivers),
            Err(e) => assert!(e.to_string().starts_with(e.kind().name()), "{e}"),
        }
    }
}

fn accepted(apim: &ApimPolicy, waivers: bool) {
    let policy = apim.policy();
    if !waivers {
        assert!(policy.audiences().next().is_some() && !policy.any_audience());
        assert!(policy.issuers().next().is_some() && !policy.any_issuer());
    }
    assert!(!policy.algorithms().is_empty());
    assert!(apim.openid_config_urls().iter().all(|u| u.starts_with("https://")));
    assert!(!apim.openid_config_urls().is_empty() || apim.inline_jwks().is_some(), "no key source");
    assert!((100..=599).contains(&apim.failed_validation_httpcode()));
    let _ = (apim.token_source(), apim.require_scheme(), apim.failed_validation_error_message(), apim.entra());
    for note in apim.notes() {
        let _ = note.to_string();
    }
    if let Some(jwks) = apim.inline_jwks() {
        let symmetric = apim.inline_keys().iter().any(|k| k.kind() == InlineKeyKind::Symmetric);
        let options = KeyOptions { allow_symmetric: symmetric, ..KeyOptions::default() };
        if let Err(e) = KeySet::from_json_with(jwks.as_bytes(), &options) {
            assert!((100..200).contains(&e.reason().code()), "inline keys: {e}");
        }
    }
}

/// The token a URL-encoded source would read in `data`, decoded as the bindings do.
fn url_encoded_token(data: &[u8]) {
    use jwtguard_policy::http::{find_token, percent_decode, TokenSourceKind};
    let Some(raw) = find_token(TokenSourceKind::Query, b"access_token", b"", data) else { return };
    let mut out = vec![0u8; raw.len()];
    match percent_decode(raw, &mut out) {
        Some(token) if !raw.contains(&b'%') => assert_eq!(token, raw),
        Some(token) => assert!(token.len() < raw.len()),
        None => assert!(raw.contains(&b'%')),
    }
}
