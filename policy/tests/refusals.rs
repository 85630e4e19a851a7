//! One test per refusal: the exact kind and where it points.

mod support;

use jwtguard_policy::{ApimPolicy, ErrorKind, ParseOptions, DEFAULT_MAX_POLICY_LEN};
use support::{assert_refusal, b64url, refuse, refuse_with, rsa_e, rsa_n, CLIENT_APP, HMAC_KEY, TENANT};

const OIDC: &str = r#"<openid-config url="https://idp.example/.well-known/openid-configuration" />"#;
const AUD: &str = "<audiences><audience>api</audience></audiences>";

/// A validate-jwt with the given attributes and children (plus a key source and audience).
fn jwt(attrs: &str, children: &str) -> String {
    format!("<validate-jwt {attrs}>{OIDC}{AUD}{children}</validate-jwt>")
}

fn aad(attrs: &str, children: &str) -> String {
    format!(
        r#"<validate-azure-ad-token {attrs}><client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids><audiences><audience>api</audience></audiences>{children}</validate-azure-ad-token>"#
    )
}

#[test]
fn unsigned_tokens() {
    let e = refuse(&jwt(r#"header-name="Authorization" require-signed-tokens="false""#, ""));
    assert_refusal(&e, ErrorKind::UnsignedTokensRefused, "validate-jwt", Some("require-signed-tokens"));
    // "true" is the default and fine.
    assert!(ApimPolicy::from_xml(&jwt(r#"header-name="Authorization" require-signed-tokens="true""#, "")).is_ok());
}

#[test]
fn certificate_id_key() {
    let e = refuse(&jwt("", r#"<issuer-signing-keys><key certificate-id="my-rsa-cert" /></issuer-signing-keys>"#));
    assert_refusal(&e, ErrorKind::CertificateKeyUnsupported, "key", Some("certificate-id"));
    assert!(e.detail().contains("JWK"), "{e}");
}

#[test]
fn decryption_keys() {
    // Translated: each <key> a symmetric key of an AES size, as an `oct` JWK.
    let key = "MDEyMzQ1Njc4OWFiY2RlZg=="; // 16 bytes
    let xml = jwt(
        "",
        &format!(
            r#"<decryption-keys><key id="enc-1">{key}</key><key>MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=</key></decryption-keys>"#
        ),
    );
    let policy = ApimPolicy::from_xml(&xml).expect("translates");
    let jwks = policy.decryption_jwks().expect("decryption keys");
    assert!(jwks.contains(r#""kid":"enc-1""#) && jwks.contains(r#""k":"MDEyMzQ1Njc4OWFiY2RlZg""#), "{jwks}");
    assert_eq!(jwks.matches(r#""kty":"oct","use":"enc""#).count(), 2, "{jwks}");
    assert!(!format!("{policy:?}").contains("MDEyMzQ1"), "Debug shows no secret");
    let policy = ApimPolicy::from_xml(&aad(
        &format!(r#"tenant-id="{TENANT}""#),
        &format!("<decryption-keys><key>{key}</key></decryption-keys>"),
    ))
    .expect("validate-azure-ad-token translates too");
    assert!(policy.decryption_jwks().is_some());
    assert!(ApimPolicy::from_xml(&jwt("", "")).expect("translates").decryption_jwks().is_none());
    // Refused: a key of another size (its text never shown), a certificate, none at all.
    let e = refuse(&jwt("", "<decryption-keys><key>c2VjcmV0LXNlY3JldC1zZWNyZXQ=</key></decryption-keys>"));
    assert_refusal(&e, ErrorKind::InvalidKey, "key", None);
    assert!(!e.to_string().contains("c2VjcmV0"), "{e}");
    let e = refuse(&jwt("", r#"<decryption-keys><key certificate-id="c" /></decryption-keys>"#));
    assert_refusal(&e, ErrorKind::CertificateKeyUnsupported, "key", Some("certificate-id"));
    assert!(e.detail().contains("decryption keys file"), "{e}");
    let e = refuse(&jwt("", "<decryption-keys></decryption-keys>"));
    assert_refusal(&e, ErrorKind::InvalidKey, "decryption-keys", None);
    let e = refuse(&jwt(
        "",
        &format!(r#"<decryption-keys><key id="a">{key}</key><key id="a">{key}</key></decryption-keys>"#),
    ));
    assert_refusal(&e, ErrorKind::DuplicateKeyId, "key", Some("id"));
}

#[test]
fn expression_in_an_audience() {
    let xml = format!("<validate-jwt>{OIDC}<audiences><audience>@(context.Request.OriginalUrl.Host)</audience></audiences></validate-jwt>");
    let e = refuse(&xml);
    assert_refusal(&e, ErrorKind::PolicyExpression, "audience", None);
    assert!(e.detail().contains("`@(context.Request.OriginalUrl.Host)`"), "{e}");
}

#[test]
fn expression_in_an_attribute() {
    let e = refuse(&jwt(r#"header-name="@(&quot;Author&quot; + &quot;ization&quot;)""#, ""));
    assert_refusal(&e, ErrorKind::PolicyExpression, "validate-jwt", Some("header-name"));
    let e = refuse(&jwt(r#"clock-skew="@{ return 5; }""#, ""));
    assert_refusal(&e, ErrorKind::PolicyExpression, "validate-jwt", Some("clock-skew"));
    let e = refuse(&aad(r#"tenant-id="@(context.Variables[&quot;t&quot;])""#, ""));
    assert_refusal(&e, ErrorKind::PolicyExpression, "validate-azure-ad-token", Some("tenant-id"));
}

#[test]
fn expression_in_a_claim_value() {
    let e = refuse(&jwt(
        "",
        r#"<required-claims><claim name="ctry"><value>@(context.User.Id)</value></claim></required-claims>"#,
    ));
    assert_refusal(&e, ErrorKind::PolicyExpression, "value", None);
}

#[test]
fn expression_hidden_in_a_named_value() {
    let mut options = ParseOptions::default();
    options.named_values.insert("aud".into(), "@(context.Request.OriginalUrl.Host)".into());
    let xml = format!("<validate-jwt>{OIDC}<audiences><audience>{{{{aud}}}}</audience></audiences></validate-jwt>");
    let e = refuse_with(&xml, &options);
    assert_refusal(&e, ErrorKind::PolicyExpression, "audience", None);
    // The detail quotes the text as written, never the named value's value.
    assert!(e.detail().contains("{{aud}}"), "{e}");
    assert!(!e.to_string().contains("OriginalUrl"), "{e}");
}

#[test]
fn expression_in_a_key_is_not_quoted() {
    let e = refuse(&jwt("", "<issuer-signing-keys><key>c2VjcmV0@(x)</key></issuer-signing-keys>"));
    assert_refusal(&e, ErrorKind::PolicyExpression, "key", None);
    assert!(!e.to_string().contains("c2VjcmV0"), "{e}");
}

#[test]
fn unsupported_token_value() {
    let tv = r#"@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;).Replace(&quot;Bearer &quot;,&quot;&quot;))"#;
    let e = refuse(&jwt(&format!(r#"token-value="{tv}""#), ""));
    assert_refusal(&e, ErrorKind::UnsupportedTokenValue, "validate-jwt", Some("token-value"));
    assert!(e.detail().contains(r#"Replace("Bearer ","")"#), "the expression is quoted: {e}");
    let e = refuse(&jwt(r#"token-value="eyJhbGciOiJSUzI1NiJ9.e30.c2ln""#, ""));
    assert_refusal(&e, ErrorKind::UnsupportedTokenValue, "validate-jwt", Some("token-value"));
}

#[test]
fn two_token_sources() {
    let e = refuse(&jwt(r#"header-name="Authorization" query-parameter-name="token""#, ""));
    assert_refusal(&e, ErrorKind::ConflictingAttributes, "validate-jwt", Some("query-parameter-name"));
}

#[test]
fn unknown_attribute() {
    let e = refuse(&jwt(r#"header-name="Authorization" require-magic="true""#, ""));
    assert_refusal(&e, ErrorKind::UnknownAttribute, "validate-jwt", Some("require-magic"));
    // With allow_unknown it becomes a note.
    let options = ParseOptions { allow_unknown: true, ..ParseOptions::default() };
    let p = ApimPolicy::from_xml_with(&jwt(r#"require-magic="true""#, ""), &options).expect("translates");
    assert!(p.notes().iter().any(|n| n.location().attribute() == Some("require-magic")));
}

#[test]
fn unknown_element() {
    let e = refuse(&jwt("", "<allowed-algorithms><algorithm>HS256</algorithm></allowed-algorithms>"));
    assert_refusal(&e, ErrorKind::UnknownElement, "allowed-algorithms", None);
    let e = refuse(&jwt(
        "",
        r#"<required-claims><claim name="a"><value>x</value><values>y</values></claim></required-claims>"#,
    ));
    assert_refusal(&e, ErrorKind::UnknownElement, "values", None);
    assert_eq!(e.location().path(), "validate-jwt/required-claims/claim/values");
}

#[test]
fn unknown_root() {
    let e = refuse(&format!("<inbound>{}</inbound>", jwt("", "")));
    assert_refusal(&e, ErrorKind::UnknownElement, "inbound", None);
}

#[test]
fn unexpected_text() {
    let e = refuse(&jwt("", "<issuers>https://idp.example</issuers>"));
    assert_refusal(&e, ErrorKind::UnexpectedText, "issuers", None);
}

#[test]
fn duplicate_element() {
    let e = refuse(&jwt("", AUD));
    assert_refusal(&e, ErrorKind::DuplicateElement, "audiences", None);
    assert_eq!(e.location().path(), "validate-jwt/audiences[2]");
}

#[test]
fn invalid_numbers() {
    for bad in ["-5", "5.0", "00:05:00", "", "86401", "99999999999999999999999"] {
        let e = refuse(&jwt(&format!(r#"clock-skew="{bad}""#), ""));
        assert_refusal(&e, ErrorKind::InvalidNumber, "validate-jwt", Some("clock-skew"));
    }
    for bad in ["99", "600", "40x", "4011"] {
        let e = refuse(&jwt(&format!(r#"failed-validation-httpcode="{bad}""#), ""));
        assert_refusal(&e, ErrorKind::InvalidNumber, "validate-jwt", Some("failed-validation-httpcode"));
    }
    let e = refuse(&aad(&format!(r#"tenant-id="{TENANT}" failed-validation-httpcode="abc""#), ""));
    assert_refusal(&e, ErrorKind::InvalidNumber, "validate-azure-ad-token", Some("failed-validation-httpcode"));
}

#[test]
fn invalid_boolean() {
    let e = refuse(&jwt(r#"require-expiration-time="yes""#, ""));
    assert_refusal(&e, ErrorKind::InvalidBoolean, "validate-jwt", Some("require-expiration-time"));
}

#[test]
fn invalid_claim_settings() {
    let e = refuse(&jwt(
        "",
        r#"<required-claims><claim name="scp" match="some"><value>a</value></claim></required-claims>"#,
    ));
    assert_refusal(&e, ErrorKind::InvalidValue, "claim", Some("match"));
    let e = refuse(&jwt(
        "",
        r#"<required-claims><claim name="scp" separator=""><value>a</value></claim></required-claims>"#,
    ));
    assert_refusal(&e, ErrorKind::InvalidValue, "claim", Some("separator"));
    let e = refuse(&jwt(
        "",
        r#"<required-claims><claim name="scp" separator="0123456789abcdefg"><value>a</value></claim></required-claims>"#,
    ));
    assert_refusal(&e, ErrorKind::InvalidValue, "claim", Some("separator"));
    assert!(e.detail().contains("1 to 16 bytes"), "{e}");
    let e = refuse(&jwt("", r#"<required-claims><claim><value>a</value></claim></required-claims>"#));
    assert_refusal(&e, ErrorKind::MissingAttribute, "claim", None);
    let e = refuse(&jwt("", r#"<required-claims><claim name="scp"><value>  </value></claim></required-claims>"#));
    assert_refusal(&e, ErrorKind::InvalidValue, "value", None);
}

#[test]
fn non_https_discovery() {
    let e = refuse(
        r#"<validate-jwt><openid-config url="http://idp.example/.well-known/openid-configuration"/></validate-jwt>"#,
    );
    assert_refusal(&e, ErrorKind::InvalidValue, "openid-config", Some("url"));
}

#[test]
fn invalid_keys_never_echo_material() {
    let secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQ*";
    let e = refuse(&jwt("", &format!("<issuer-signing-keys><key>{secret}</key></issuer-signing-keys>")));
    assert_refusal(&e, ErrorKind::InvalidKey, "key", None);
    assert!(!e.to_string().contains("c2VjcmV0"), "{e}");

    let e = refuse(&jwt("", &format!(r#"<issuer-signing-keys><key n="{}"/></issuer-signing-keys>"#, rsa_n())));
    assert_refusal(&e, ErrorKind::InvalidKey, "key", None);
    assert!(e.detail().contains("`e` is missing"), "{e}");
    assert!(!e.to_string().contains(&rsa_n()[..20]), "{e}");

    let e = refuse(&jwt("", r#"<issuer-signing-keys><key n="!!!" e="AQAB"/></issuer-signing-keys>"#));
    assert_refusal(&e, ErrorKind::InvalidKey, "key", Some("n"));
    assert!(!e.to_string().contains("!!!"), "{e}");

    let both = format!(r#"<issuer-signing-keys><key n="{}" e="{}">AAAA</key></issuer-signing-keys>"#, rsa_n(), rsa_e());
    assert_refusal(&refuse(&jwt("", &both)), ErrorKind::InvalidKey, "key", None);
}

#[test]
fn duplicate_key_id() {
    let keys = format!(
        r#"<issuer-signing-keys><key id="k">{HMAC_KEY}</key><key id="k">{HMAC_KEY}</key></issuer-signing-keys>"#
    );
    let e = refuse(&jwt("", &keys));
    assert_refusal(&e, ErrorKind::DuplicateKeyId, "key", Some("id"));
    assert_eq!(e.location().path(), "validate-jwt/issuer-signing-keys/key[2]");
}

#[test]
fn too_many_keys() {
    let keys: String = (0..33).map(|i| format!(r#"<key id="k{i}">{HMAC_KEY}</key>"#)).collect();
    let e = refuse(&jwt("", &format!("<issuer-signing-keys>{keys}</issuer-signing-keys>")));
    assert_refusal(&e, ErrorKind::TooManyKeys, "issuer-signing-keys", None);
}

#[test]
fn missing_audience() {
    let e = refuse(&format!("<validate-jwt>{OIDC}</validate-jwt>"));
    assert_refusal(&e, ErrorKind::MissingAudience, "validate-jwt", None);
    let xml = format!(
        r#"<validate-azure-ad-token tenant-id="{TENANT}"><client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids></validate-azure-ad-token>"#
    );
    assert_refusal(&refuse(&xml), ErrorKind::MissingAudience, "validate-azure-ad-token", None);
}

#[test]
fn missing_issuer() {
    let keys = format!("<issuer-signing-keys><key>{HMAC_KEY}</key></issuer-signing-keys>");
    let e = refuse(&format!("<validate-jwt>{keys}{AUD}</validate-jwt>"));
    assert_refusal(&e, ErrorKind::MissingIssuer, "validate-jwt", None);
    // A discovery URL whose issuer does not follow from it, and no <issuers>.
    let xml = format!(
        r#"<validate-jwt><openid-config url="https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration"/>{AUD}</validate-jwt>"#
    );
    let e = refuse(&xml);
    assert_refusal(&e, ErrorKind::MissingIssuer, "openid-config", Some("url"));
    assert!(e.detail().contains("GUID"), "{e}");
}

#[test]
fn missing_key_source() {
    let e =
        refuse(&format!("<validate-jwt>{AUD}<issuers><issuer>https://idp.example/</issuer></issuers></validate-jwt>"));
    assert_refusal(&e, ErrorKind::MissingKeySource, "validate-jwt", None);
}

#[test]
fn no_validation_policy() {
    let e = refuse(
        r#"<policies><inbound><base /><set-header name="a" exists-action="override"><value>b</value></set-header></inbound></policies>"#,
    );
    assert_refusal(&e, ErrorKind::NoValidationPolicy, "policies", None);
}

#[test]
fn two_validation_policies() {
    let xml = format!(
        "<policies><inbound>{}{}</inbound></policies>",
        jwt("", ""),
        aad(&format!(r#"tenant-id="{TENANT}""#), "")
    );
    let e = refuse(&xml);
    assert_refusal(&e, ErrorKind::MultipleValidationPolicies, "validate-azure-ad-token", None);
}

#[test]
fn misplaced_validation_policy() {
    let e = refuse(&format!("<policies><inbound /><outbound>{}</outbound></policies>", jwt("", "")));
    assert_refusal(&e, ErrorKind::MisplacedValidationPolicy, "validate-jwt", None);
    assert!(e.detail().contains("<outbound>"), "{e}");
    let conditional = format!(
        r#"<policies><inbound><choose><when condition="@(true)">{}</when></choose></inbound></policies>"#,
        jwt("", "")
    );
    let e = refuse(&conditional);
    assert_refusal(&e, ErrorKind::MisplacedValidationPolicy, "validate-jwt", None);
    assert!(e.detail().contains("conditional"), "{e}");
}

#[test]
fn unresolved_named_value() {
    let e = refuse(&aad(r#"tenant-id="{{aad-tenant-id}}""#, ""));
    assert_refusal(&e, ErrorKind::UnresolvedNamedValue, "validate-azure-ad-token", Some("tenant-id"));
    assert!(e.detail().contains("`aad-tenant-id`"), "{e}");
}

#[test]
fn multi_tenant_ids_need_allowed_tenants_and_domain_tenants_are_refused() {
    for t in ["common", "organizations", "https://login.microsoftonline.com/organizations"] {
        let e = refuse(&aad(&format!(r#"tenant-id="{t}""#), ""));
        assert_refusal(&e, ErrorKind::MissingAllowedTenants, "validate-azure-ad-token", None);
        assert!(e.detail().contains("allowed_tenants"), "{e}");
    }
    let e = refuse(&format!(
        r#"<validate-jwt><openid-config url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"/>{AUD}</validate-jwt>"#
    ));
    assert_refusal(&e, ErrorKind::MissingAllowedTenants, "validate-jwt", None);
    for t in ["contoso.onmicrosoft.com", "https://contoso.partner.onmschina.cn"] {
        let e = refuse(&aad(&format!(r#"tenant-id="{t}""#), ""));
        assert_refusal(&e, ErrorKind::UnsupportedTenant, "validate-azure-ad-token", Some("tenant-id"));
        assert!(e.detail().contains("GUID"), "{e}");
    }
}

#[test]
fn azure_ad_token_settings() {
    let e = refuse(&aad("", ""));
    assert_refusal(&e, ErrorKind::MissingAttribute, "validate-azure-ad-token", Some("tenant-id"));
    let e = refuse(&aad(&format!(r#"tenant-id="{TENANT}" authentication-endpoint="https://login.example.com""#), ""));
    assert_refusal(&e, ErrorKind::InvalidValue, "validate-azure-ad-token", Some("authentication-endpoint"));
    let e = refuse(&aad(
        &format!(
            r#"tenant-id="https://login.microsoftonline.us/{TENANT}" authentication-endpoint="https://login.partner.microsoftonline.cn""#
        ),
        "",
    ));
    assert_refusal(&e, ErrorKind::ConflictingAttributes, "validate-azure-ad-token", Some("authentication-endpoint"));
    // validate-azure-ad-token has no clock-skew attribute.
    let e = refuse(&aad(&format!(r#"tenant-id="{TENANT}" clock-skew="60""#), ""));
    assert_refusal(&e, ErrorKind::UnknownAttribute, "validate-azure-ad-token", Some("clock-skew"));
    let xml = format!(
        r#"<validate-azure-ad-token tenant-id="{TENANT}"><client-application-ids /><audiences><audience>a</audience></audiences></validate-azure-ad-token>"#
    );
    assert_refusal(&refuse(&xml), ErrorKind::MissingElement, "client-application-ids", None);
}

#[test]
fn core_rejects_over_capacity() {
    let many: String = (0..33).map(|i| format!("<audience>a{i}</audience>")).collect();
    let e = refuse(&format!("<validate-jwt>{OIDC}<audiences>{many}</audiences></validate-jwt>"));
    assert_refusal(&e, ErrorKind::CorePolicyRejected, "validate-jwt", None);
    assert!(e.detail().contains("too many audiences"), "{e}");
}

#[test]
fn malformed_xml_and_dtd() {
    let e = refuse("<validate-jwt><audiences></validate-jwt>");
    assert_eq!(e.kind(), ErrorKind::XmlMalformed);
    assert_eq!(e.location().line(), 1);
    let dtd = r#"<!DOCTYPE x [<!ENTITY a "aaaa">]><validate-jwt header-name="&a;"/>"#;
    assert_eq!(refuse(dtd).kind(), ErrorKind::XmlMalformed);
    let e = ApimPolicy::from_bytes_with(b"<validate-jwt header-name=\"\xff\"/>", &ParseOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::XmlMalformed);
}

#[test]
fn input_too_large() {
    let padding = " ".repeat(DEFAULT_MAX_POLICY_LEN);
    let e = refuse(&format!("{}{padding}", jwt("", "")));
    assert_refusal(&e, ErrorKind::InputTooLarge, "", None);
    let e = ApimPolicy::from_bytes_with(&vec![b' '; DEFAULT_MAX_POLICY_LEN + 1], &ParseOptions::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InputTooLarge);
    let small = ParseOptions { max_len: 10, ..ParseOptions::default() };
    assert_eq!(refuse_with(&jwt("", ""), &small).kind(), ErrorKind::InputTooLarge);
    // The same refusal by the length alone, for callers that have not read the bytes.
    assert_eq!(small.check_len(11).map_err(|e| e.kind()), Err(ErrorKind::InputTooLarge));
    assert!(small.check_len(10).is_ok());
}

#[test]
fn kinds_have_unique_names() {
    let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), ErrorKind::ALL.len());
    assert!(ErrorKind::ALL.iter().all(|k| !k.message().is_empty()));
}

#[test]
fn validation_policy_directly_under_policies() {
    let e = refuse(&format!("<policies>{}</policies>", jwt("", "")));
    assert_refusal(&e, ErrorKind::MisplacedValidationPolicy, "validate-jwt", None);
    assert!(e.detail().contains("must be inside <inbound>"), "{e}");
}

/// Text that marks a named value's value: it must never appear in an error or a note.
const MARKER: &str = "S3CR3T-MARKER";

/// Whether `text` shows `tell`, in any case (hosts are lowercased).
fn shows(text: &str, tell: &str) -> bool {
    text.to_ascii_lowercase().contains(&tell.to_ascii_lowercase())
}

/// A named value's value over 160 bytes (longer than any quote), marker first.
fn secret(prefix: &str, suffix: &str) -> String {
    format!("{prefix}{MARKER}{}{suffix}", "x".repeat(180))
}

/// Translates `xml` with `value` as the named value `secret`, expecting the refusal
/// `kind` at `element`/`attribute`; its text never shows the value (not even in part)
/// and quotes the `{{secret}}` reference when `quoted` (key material is never quoted).
fn refuse_secret(xml: &str, value: &str, (kind, element, attribute): (ErrorKind, &str, Option<&str>), quoted: bool) {
    let mut options = ParseOptions::default();
    options.named_values.insert("secret".into(), value.into());
    let e = refuse_with(xml, &options);
    assert_refusal(&e, kind, element, attribute);
    let text = e.to_string();
    // The multi-tenant value has no marker: the tenant it names is the tell.
    let tell = if value.contains(MARKER) { MARKER } else { "common" };
    assert!(!shows(&text, tell), "a named value's value is shown: {text}");
    assert_eq!(text.contains("`{{secret}}`"), quoted, "{text}");
}

/// Every attribute and element text that accepts a named value, each given an invalid
/// value through `{{secret}}`: the error quotes the reference as written, never the
/// value nor any part of it.
#[test]
fn named_values_are_never_shown_in_errors() {
    use ErrorKind::*;
    let (expression, plain, spaced) = (secret("@(", ")"), secret("", ""), secret("", " x"));
    let s = "{{secret}}";
    // The attributes both policies share, then those of one policy.
    let shared = [
        ("header-name", &spaced, InvalidValue),
        ("query-parameter-name", &expression, PolicyExpression),
        ("token-value", &plain, UnsupportedTokenValue),
        ("failed-validation-httpcode", &plain, InvalidNumber),
        ("failed-validation-error-message", &expression, PolicyExpression),
        ("output-token-variable-name", &expression, PolicyExpression),
    ];
    for (attr, value, kind) in shared {
        let attrs = format!(r#"{attr}="{s}""#);
        refuse_secret(&jwt(&attrs, ""), value, (kind, "validate-jwt", Some(attr)), true);
        let aad_attrs = format!(r#"tenant-id="{TENANT}" {attrs}"#);
        refuse_secret(&aad(&aad_attrs, ""), value, (kind, "validate-azure-ad-token", Some(attr)), true);
    }
    for (attr, value, kind) in [
        ("require-expiration-time", &plain, InvalidBoolean),
        ("require-scheme", &spaced, InvalidValue),
        ("require-signed-tokens", &plain, InvalidBoolean),
        ("clock-skew", &plain, InvalidNumber),
    ] {
        refuse_secret(&jwt(&format!(r#"{attr}="{s}""#), ""), value, (kind, "validate-jwt", Some(attr)), true);
    }
    let tenant = |value: &str, kind| {
        let at = (kind, "validate-azure-ad-token", Some("tenant-id"));
        refuse_secret(&aad(&format!(r#"tenant-id="{s}""#), ""), value, at, true);
    };
    tenant(&secret("", ".onmicrosoft.com"), UnsupportedTenant);
    tenant(&secret("https://login.microsoftonline.com/", "/v2.0"), InvalidValue);
    tenant(&format!("https://login.microsoftonline.com/contoso{}", "/".repeat(200)), UnsupportedTenant);
    let endpoint = aad(&format!(r#"tenant-id="{TENANT}" authentication-endpoint="{s}""#), "");
    let at = (InvalidValue, "validate-azure-ad-token", Some("authentication-endpoint"));
    refuse_secret(&endpoint, &secret("https://", ".example"), at, true);

    // <openid-config>
    let url = format!(r#"<validate-jwt><openid-config url="{s}"/>{AUD}</validate-jwt>"#);
    refuse_secret(&url, &secret("http://", ".example/"), (InvalidValue, "openid-config", Some("url")), true);
    let connectivity = format!(
        r#"<validate-jwt><openid-config url="https://idp.example/.well-known/openid-configuration" validate-connectivity="{s}"/>{AUD}</validate-jwt>"#
    );
    refuse_secret(&connectivity, &plain, (InvalidBoolean, "openid-config", Some("validate-connectivity")), true);

    // Element text.
    let audience = format!("<validate-jwt>{OIDC}<audiences><audience>{s}</audience></audiences></validate-jwt>");
    refuse_secret(&audience, &expression, (PolicyExpression, "audience", None), true);
    let issuer = jwt("", &format!("<issuers><issuer>{s}</issuer></issuers>"));
    refuse_secret(&issuer, &expression, (PolicyExpression, "issuer", None), true);
    let client = format!(
        r#"<validate-azure-ad-token tenant-id="{TENANT}"><client-application-ids><application-id>{s}</application-id></client-application-ids></validate-azure-ad-token>"#
    );
    refuse_secret(&client, &expression, (PolicyExpression, "application-id", None), true);
    let backend = format!("<backend-application-ids><application-id>{s}</application-id></backend-application-ids>");
    let backend = aad(&format!(r#"tenant-id="{TENANT}""#), &backend);
    refuse_secret(&backend, &expression, (PolicyExpression, "application-id", None), true);

    // <claim>
    let claim = |attrs: &str, value: &str| {
        jwt("", &format!(r#"<required-claims><claim {attrs}><value>{value}</value></claim></required-claims>"#))
    };
    refuse_secret(&claim(&format!(r#"name="{s}""#), "v"), &expression, (PolicyExpression, "claim", Some("name")), true);
    for attr in ["match", "separator"] {
        let xml = claim(&format!(r#"name="scp" {attr}="{s}""#), "v");
        refuse_secret(&xml, &plain, (InvalidValue, "claim", Some(attr)), true);
    }
    refuse_secret(&claim(r#"name="scp""#, s), &expression, (PolicyExpression, "value", None), true);

    // <key>: jwtguard-core keeps ids of at most 128 bytes, so a duplicate id is at most
    // that long, and a longer one is a key the core does not load. Key material is
    // never quoted.
    let keys = |keys: &str| jwt("", &format!("<issuer-signing-keys>{keys}</issuer-signing-keys>"));
    let twice = keys(&format!(r#"<key id="{s}">{HMAC_KEY}</key><key id="{s}">{HMAC_KEY}</key>"#));
    let id = format!("{MARKER}{}", "x".repeat(110));
    refuse_secret(&twice, &id, (DuplicateKeyId, "key", Some("id")), true);
    refuse_secret(&keys(&format!(r#"<key id="{s}">{HMAC_KEY}</key>"#)), &plain, (InvalidKey, "key", None), false);
    refuse_secret(&keys(&format!(r#"<key n="{s}" e="AQAB"/>"#)), &plain, (InvalidKey, "key", Some("n")), false);
    let e = keys(&format!(r#"<key n="{}" e="{s}"/>"#, rsa_n()));
    refuse_secret(&e, &plain, (InvalidKey, "key", Some("e")), false);
    refuse_secret(&keys(&format!("<key>{s}</key>")), &plain, (InvalidKey, "key", None), false);
}

/// Notes quote a discovery URL written with a named value as written, and leave out
/// the issuer derived from it (part of the value).
#[test]
fn named_values_are_never_shown_in_notes() {
    let url = format!("https://idp.example/{MARKER}{}/.well-known/openid-configuration", "x".repeat(180));
    let mut options = ParseOptions::default();
    options.named_values.insert("oidc".into(), url.clone());
    let xml = format!(
        r#"<validate-jwt><openid-config url="{{{{oidc}}}}" validate-connectivity="true"/>{AUD}</validate-jwt>"#
    );
    let p = ApimPolicy::from_xml_with(&xml, &options).expect("translates");
    assert_eq!(p.openid_config_urls(), [url]);
    let notes: Vec<String> = p.notes().iter().map(ToString::to_string).collect();
    assert!(notes.iter().any(|n| n.contains("derived from the discovery URL `{{oidc}}`")), "{notes:#?}");
    assert!(notes.iter().all(|n| !shows(n, MARKER)), "{notes:#?}");
}

/// A key jwtguard-core would not load is refused where it is written, as a policy
/// error: a binding never meets it as a key set failure.
#[test]
fn keys_the_core_does_not_load() {
    let short = "c2VjcmV0LXNlY3JldC1zZWNyZQ=="; // 16 bytes: HS256 needs 32
    let xml = format!(
        "<validate-jwt>{OIDC}{AUD}\n<issuer-signing-keys>\n<key id=\"s\">{short}</key></issuer-signing-keys></validate-jwt>"
    );
    let e = refuse(&xml);
    assert_refusal(&e, ErrorKind::InvalidKey, "key", None);
    assert_eq!(e.location().line(), 3, "{e}");
    assert_eq!(e.location().path(), "validate-jwt/issuer-signing-keys/key");
    assert!(e.detail().contains("KeyTooSmall"), "{e}");
    assert!(!e.to_string().contains("c2VjcmV0"), "{e}");
    // 32 bytes load.
    assert!(ApimPolicy::from_xml(&jwt(
        "",
        &format!("<issuer-signing-keys><key>{HMAC_KEY}</key></issuer-signing-keys>")
    ))
    .is_ok());
    // An RSA modulus of 1024 bits.
    let n = b64url(&[0xc5; 128]);
    let e = refuse(&jwt("", &format!(r#"<issuer-signing-keys><key n="{n}" e="AQAB"/></issuer-signing-keys>"#)));
    assert_refusal(&e, ErrorKind::InvalidKey, "key", None);
    assert!(e.detail().contains("KeyTooSmall"), "{e}");
    assert!(!e.to_string().contains(&n[..16]), "{e}");
}
