//! Microsoft's documentation examples, each through the translation with its exact
//! outcome. The examples are under `doc_examples/`, as printed, with placeholders filled
//! with test values (named values such as `{{jwt-signing-key}}` are kept and supplied
//! through `ParseOptions::named_values`):
//!
//! - `jwt-*.xml`: the "Examples" of the `validate-jwt` reference
//!   (learn.microsoft.com/azure/api-management/validate-jwt-policy, 2026-02-25);
//! - `aad-*.xml`: the "Examples" of the `validate-azure-ad-token` reference
//!   (learn.microsoft.com/azure/api-management/validate-azure-ad-token-policy);
//! - `protect-backend-entra.xml`: the policy of "Protect an API in Azure API Management
//!   using OAuth 2.0 authorization with Microsoft Entra ID".
//!
//! An example jwtguard refuses is asserted refused (kind and place), then with the
//! change the README names, which makes it translate. Translated policies verify real
//! signed tokens (HS256 and RS256 with the inline keys, ES256 standing in for the keys
//! of a discovery document).

mod support;

use hmac::{Hmac, KeyInit, Mac};
use jwtguard_core::{verify_owned, Algorithm, AlgorithmSet, KeyOptions, KeySet, Match, Reason};
use jwtguard_policy::{ApimPolicy, EntraCloud, ErrorKind, InlineKeyKind, ParseOptions, PolicyKind, TokenSource};
use rsa::signature::{SignatureEncoding, Signer};
use support::{
    assert_refusal, audiences, b64url, claim, claims, es256_jwks, es256_token, issuers, note_texts, BACKEND_APP,
    CLIENT_APP, HMAC_KEY, TENANT,
};

const JWT_SIMPLE: &str = include_str!("doc_examples/jwt-simple.xml");
const JWT_RSA_CERTIFICATE: &str = include_str!("doc_examples/jwt-rsa-certificate.xml");
const JWT_ENTRA_SINGLE_TENANT: &str = include_str!("doc_examples/jwt-entra-single-tenant.xml");
const JWT_ENTRA_CUSTOMER_TENANT: &str = include_str!("doc_examples/jwt-entra-customer-tenant.xml");
const JWT_B2C: &str = include_str!("doc_examples/jwt-b2c.xml");
const JWT_DECRYPTION_KEY: &str = include_str!("doc_examples/jwt-decryption-key.xml");
const JWT_AUTHORIZE_BY_CLAIMS: &str = include_str!("doc_examples/jwt-authorize-by-claims.xml");
const PROTECT_BACKEND_ENTRA: &str = include_str!("doc_examples/protect-backend-entra.xml");
const AAD_SIMPLE: &str = include_str!("doc_examples/aad-simple.xml");
const AAD_AUDIENCE_AND_CLAIM: &str = include_str!("doc_examples/aad-audience-and-claim.xml");

const RSA_PRIVATE: &str = include_str!("data/rsa2048-private.txt");

/// The verification time of every token; tokens expire ten minutes later.
const NOW: u64 = 1_800_000_000;

/// What `@(context.Request.OriginalUrl.Host)` stands for: the gateway's host name.
const HOST: &str = "contoso.azure-api.net";

/// The audience expression of the examples.
const HOST_EXPRESSION: &str = "@(context.Request.OriginalUrl.Host)";

/// The value filled in for the examples' "insert claim here".
const ID_CLAIM: &str = "4f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09";

fn options(named_values: &[(&str, &str)]) -> ParseOptions {
    let mut options = ParseOptions::default();
    for (name, value) in named_values {
        options.named_values.insert(name.to_string(), value.to_string());
    }
    options
}

/// The named value of the `validate-jwt` examples: the 32-byte test secret.
fn signing_key_value() -> ParseOptions {
    options(&[("jwt-signing-key", HMAC_KEY)])
}

/// The named values of the `validate-azure-ad-token` examples.
fn entra_values() -> ParseOptions {
    options(&[("aad-tenant-id", TENANT), ("aad-client-application-id", CLIENT_APP)])
}

fn translate(xml: &str, options: &ParseOptions) -> ApimPolicy {
    ApimPolicy::from_bytes_with(xml.as_bytes(), options).unwrap_or_else(|e| panic!("translation failed: {e}"))
}

fn refuse(xml: &str, options: &ParseOptions) -> jwtguard_policy::Error {
    match ApimPolicy::from_bytes_with(xml.as_bytes(), options) {
        Ok(p) => panic!("expected a refusal, got {p:?}"),
        Err(e) => e,
    }
}

/// `xml` with `from` replaced, which must occur in it.
fn changed(xml: &str, from: &str, to: &str) -> String {
    assert!(xml.contains(from), "{from:?} is not in the example");
    xml.replace(from, to)
}

fn has_note(p: &ApimPolicy, text: &str) -> bool {
    note_texts(p).iter().any(|n| n.contains(text))
}

/// The outcome of verifying `token` with `keys` under the translated policy.
fn check(p: &ApimPolicy, keys: &KeySet, token: &str) -> Result<(), Reason> {
    verify_owned(token.as_bytes(), keys, p.policy(), NOW).map(|_| ()).map_err(|e| e.reason())
}

/// `{"exp":...,` then `members`: a payload valid at [`NOW`].
fn payload(members: &str) -> String {
    format!(r#"{{"exp":{},{members}}}"#, NOW + 600)
}

/// An HS256 token over `payload`, signed with the base64 secret `secret_b64`.
fn hs256_token(secret_b64: &str, payload: &str) -> String {
    let secret = base64_decode(secret_b64);
    let input = format!("{}.{}", b64url(br#"{"alg":"HS256","typ":"JWT"}"#), b64url(payload.as_bytes()));
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&secret).expect("any key length");
    mac.update(input.as_bytes());
    format!("{input}.{}", b64url(&mac.finalize().into_bytes()))
}

/// Standard base64 with padding, as the named value holds the secret.
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|&c| c != b'=') {
        let v = ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn rsa_member(name: &str) -> &'static str {
    let prefix = format!("{name}=");
    RSA_PRIVATE.lines().find_map(|l| l.strip_prefix(prefix.as_str())).expect("member in the test key file")
}

fn hex_decode(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
}

/// An RS256 token over `payload`, without `kid`, signed with the private test key.
fn rs256_token(payload: &str) -> String {
    let prime = |name| rsa::BoxedUint::from_be_slice_vartime(&hex_decode(rsa_member(name)));
    let key = rsa::PrivateKey::from_primes(vec![prime("p"), prime("q")], rsa::BoxedUint::from(65_537u64))
        .expect("the test key's primes");
    let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(key);
    let input = format!("{}.{}", b64url(br#"{"alg":"RS256","typ":"JWT"}"#), b64url(payload.as_bytes()));
    let signature = signer.sign(input.as_bytes());
    format!("{input}.{}", b64url(&signature.to_vec()))
}

/// The keys a binding would fetch from a discovery document: the ES256 test key.
fn fetched_keys() -> KeySet {
    KeySet::from_json(es256_jwks().as_bytes()).expect("the ES256 key set")
}

/// The policy's inline symmetric keys, loaded as jwtguard-core loads HMAC secrets.
fn symmetric_keys(p: &ApimPolicy) -> KeySet {
    let jwks = p.inline_jwks_of(InlineKeyKind::Symmetric).expect("symmetric keys");
    let options = KeyOptions { allow_symmetric: true, ..KeyOptions::default() };
    KeySet::from_json_with(jwks.as_bytes(), &options).expect("the symmetric key set")
}

// ---- validate-jwt: Simple token validation ---------------------------------------------

/// Refused twice over: the signing key is a named value the caller must supply, then the
/// audience is a policy expression. With the host name written out, it translates and
/// verifies HS256 tokens signed with the named value's key.
#[test]
fn simple_token_validation() {
    let e = refuse(JWT_SIMPLE, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::UnresolvedNamedValue, "key", None);
    assert!(e.detail().contains("`jwt-signing-key`"), "{e}");
    let e = refuse(JWT_SIMPLE, &signing_key_value());
    assert_refusal(&e, ErrorKind::PolicyExpression, "audience", None);
    assert!(e.detail().contains(HOST_EXPRESSION), "{e}");

    let p = translate(&changed(JWT_SIMPLE, HOST_EXPRESSION, HOST), &signing_key_value());
    assert_eq!(p.kind(), PolicyKind::ValidateJwt);
    assert_eq!(p.token_source(), &TokenSource::Header { name: "Authorization".into() });
    assert_eq!(p.require_scheme(), Some("Bearer"));
    assert_eq!(audiences(&p), [HOST]);
    assert_eq!(issuers(&p), ["http://contoso.com/"]);
    assert!(claims(&p).is_empty());
    assert_eq!((p.policy().clock_skew(), p.policy().require_expiration_time()), (0, true));
    assert_eq!((p.failed_validation_httpcode(), p.failed_validation_error_message()), (401, None));
    assert!(p.openid_config_urls().is_empty());
    let keys = p.inline_keys();
    assert_eq!(keys.len(), 1);
    assert_eq!((keys[0].kid(), keys[0].kind(), keys[0].bits()), (None, InlineKeyKind::Symmetric, 256));
    assert!(p.policy().jws_rules().kid_miss_fallback);
    use Algorithm::*;
    assert_eq!(p.policy().algorithms(), AlgorithmSet::of(&[RS256, RS512, PS256, ES256, HS256, HS384, HS512]));
    assert!(has_note(&p, "KeyOptions::allow_symmetric"), "{:#?}", note_texts(&p));

    let keys = symmetric_keys(&p);
    let token = hs256_token(HMAC_KEY, &payload(&format!(r#""iss":"http://contoso.com/","aud":"{HOST}""#)));
    let header = format!("Bearer {token}");
    let found = p.token_source().find_token(p.require_scheme(), header.as_bytes()).expect("a token");
    assert_eq!(found, token.as_bytes());
    assert_eq!(p.token_source().find_token(p.require_scheme(), format!("Basic {token}").as_bytes()), None);
    assert_eq!(check(&p, &keys, &token), Ok(()));
    let other_host = hs256_token(HMAC_KEY, &payload(r#""iss":"http://contoso.com/","aud":"other.example""#));
    assert_eq!(check(&p, &keys, &other_host), Err(Reason::TokenAudienceNotAllowed));
    let no_exp = hs256_token(HMAC_KEY, &format!(r#"{{"iss":"http://contoso.com/","aud":"{HOST}"}}"#));
    assert_eq!(check(&p, &keys, &no_exp), Err(Reason::TokenExpirationTimeMissing));
    let other_key = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY=";
    let forged = hs256_token(other_key, &payload(&format!(r#""iss":"http://contoso.com/","aud":"{HOST}""#)));
    assert_eq!(check(&p, &keys, &forged), Err(Reason::TokenSignatureInvalid));
}

// ---- validate-jwt: Token validation with RSA certificate -------------------------------

/// An uploaded certificate exists only in API Management: refused. Given as the
/// certificate's public key (`n`, `e`), with the host name written out, the policy
/// verifies RS256 tokens signed with the matching private key.
#[test]
fn token_validation_with_rsa_certificate() {
    let e = refuse(JWT_RSA_CERTIFICATE, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::CertificateKeyUnsupported, "key", Some("certificate-id"));

    let public_key = format!(r#"<key n="{}" e="{}" />"#, rsa_member("n"), rsa_member("e"));
    let xml = changed(JWT_RSA_CERTIFICATE, r#"<key certificate-id="my-rsa-cert" />"#, &public_key);
    let e = refuse(&xml, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::PolicyExpression, "audience", None);

    let p = translate(&changed(&xml, HOST_EXPRESSION, HOST), &ParseOptions::default());
    assert_eq!(audiences(&p), [HOST]);
    assert_eq!(issuers(&p), ["http://contoso.com/"]);
    assert_eq!(p.require_scheme(), Some("Bearer"));
    let inline = p.inline_keys();
    assert_eq!((inline.len(), inline[0].kind(), inline[0].bits()), (1, InlineKeyKind::Rsa, 2048));
    use Algorithm::*;
    assert_eq!(p.policy().algorithms(), AlgorithmSet::of(&[RS256, RS512, PS256, ES256]));

    let keys = KeySet::from_json(p.inline_jwks().expect("the inline key").as_bytes()).expect("loads");
    let token = rs256_token(&payload(&format!(r#""iss":"http://contoso.com/","aud":"{HOST}""#)));
    assert_eq!(check(&p, &keys, &token), Ok(()), "a token without kid tries every inline key");
    let other_issuer = rs256_token(&payload(&format!(r#""iss":"https://contoso.com/","aud":"{HOST}""#)));
    assert_eq!(check(&p, &keys, &other_issuer), Err(Reason::TokenIssuerNotAllowed));
    // An HS256 token cannot use the RSA key (no algorithm confusion).
    let hs = hs256_token(HMAC_KEY, &payload(&format!(r#""iss":"http://contoso.com/","aud":"{HOST}""#)));
    assert_eq!(check(&p, &keys, &hs), Err(Reason::TokenAlgorithmNotAllowed));
}

// ---- validate-jwt: Microsoft Entra ID single tenant token validation -------------------

/// The discovery URL names the tenant by domain: its issuer (which holds the tenant's
/// GUID) is only in the fetched document, so with no `<issuers>` the policy is refused.
/// Written with the tenant's GUID it translates to the v1 issuer; listing the issuer
/// instead works too.
#[test]
fn entra_single_tenant_token_validation() {
    let e = refuse(JWT_ENTRA_SINGLE_TENANT, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::MissingIssuer, "openid-config", Some("url"));
    assert!(e.detail().contains("list the issuer in <issuers>"), "{e}");

    let p = translate(&changed(JWT_ENTRA_SINGLE_TENANT, "contoso.onmicrosoft.com", TENANT), &ParseOptions::default());
    let v1 = format!("https://sts.windows.net/{TENANT}/");
    assert_eq!(issuers(&p), [v1.as_str()]);
    assert_eq!(p.derived_issuers()[0].issuer(), v1);
    assert_eq!(
        p.openid_config_urls(),
        [format!("https://login.microsoftonline.com/{TENANT}/.well-known/openid-configuration")]
    );
    assert_eq!(audiences(&p), ["00001111-aaaa-2222-bbbb-3333cccc4444"]);
    assert_eq!(claims(&p), [claim("id", &[ID_CLAIM], Match::All, None)]);
    assert_eq!(p.failed_validation_httpcode(), 401);
    assert_eq!(p.failed_validation_error_message(), Some("Unauthorized. Access token is missing or invalid."));
    assert_eq!(p.require_scheme(), None);

    let keys = fetched_keys();
    let token = |iss: &str, id: &str| {
        es256_token(&payload(&format!(r#""iss":"{iss}","aud":"00001111-aaaa-2222-bbbb-3333cccc4444"{id}"#)))
    };
    let id = format!(r#","id":"{ID_CLAIM}""#);
    assert_eq!(check(&p, &keys, &token(&v1, &id)), Ok(()));
    let v2 = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
    assert_eq!(check(&p, &keys, &token(&v2, &id)), Err(Reason::TokenIssuerNotAllowed), "a v1 document's issuer");
    assert_eq!(check(&p, &keys, &token(&v1, "")), Err(Reason::TokenClaimNotFound));
    assert_eq!(check(&p, &keys, &token(&v1, r#","id":"someone-else""#)), Err(Reason::TokenClaimValueNotAllowed));

    // Keeping the domain and listing the issuer translates too, with a note.
    let listed = changed(
        JWT_ENTRA_SINGLE_TENANT,
        "    <audiences>",
        &format!("    <issuers><issuer>{v1}</issuer></issuers>\n    <audiences>"),
    );
    let p = translate(&listed, &ParseOptions::default());
    assert_eq!(issuers(&p), [v1.as_str()]);
    assert!(p.derived_issuers().is_empty());
    assert!(has_note(&p, "only the listed <issuers> are accepted"), "{:#?}", note_texts(&p));
}

// ---- validate-jwt: Microsoft Entra ID customer tenant token validation -----------------

/// As printed, `<tenant-name>` inside the URL is not XML. Filled in, the policy names no
/// audience: API Management then skips the audience check, jwtguard refuses unless the
/// waiver is explicit (or an `<audiences>` is added).
#[test]
fn entra_customer_tenant_token_validation() {
    let as_printed = changed(
        &changed(JWT_ENTRA_CUSTOMER_TENANT, "contosocustomers", "<tenant-name>"),
        &format!("/{TENANT}/"),
        "/<tenant-id>/",
    );
    assert_eq!(refuse(&as_printed, &ParseOptions::default()).kind(), ErrorKind::XmlMalformed);

    let e = refuse(JWT_ENTRA_CUSTOMER_TENANT, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::MissingAudience, "validate-jwt", None);

    let waived = ParseOptions { allow_any_audience: true, ..ParseOptions::default() };
    let p = translate(JWT_ENTRA_CUSTOMER_TENANT, &waived);
    assert!(p.policy().any_audience());
    let issuer = format!("https://{TENANT}.ciamlogin.com/{TENANT}/v2.0");
    assert_eq!(issuers(&p), [issuer.as_str()]);
    assert_eq!(
        p.openid_config_urls(),
        [format!("https://contosocustomers.ciamlogin.com/{TENANT}/v2.0/.well-known/openid-configuration")]
    );
    assert_eq!(claims(&p), [claim("azp", &[CLIENT_APP], Match::All, None)]);
    assert!(has_note(&p, "allow_any_audience"), "{:#?}", note_texts(&p));

    let keys = fetched_keys();
    let token = |azp: &str| es256_token(&payload(&format!(r#""iss":"{issuer}","aud":"anything","azp":"{azp}""#)));
    assert_eq!(check(&p, &keys, &token(CLIENT_APP)), Ok(()));
    assert_eq!(check(&p, &keys, &token(BACKEND_APP)), Err(Reason::TokenClaimValueNotAllowed));

    let with_audience = changed(
        JWT_ENTRA_CUSTOMER_TENANT,
        "\t<required-claims>",
        &format!("\t<audiences><audience>{BACKEND_APP}</audience></audiences>\n\t<required-claims>"),
    );
    let p = translate(&with_audience, &ParseOptions::default());
    assert_eq!(audiences(&p), [BACKEND_APP]);
    assert_eq!(check(&p, &keys, &token(CLIENT_APP)), Err(Reason::TokenAudienceNotAllowed));
}

// ---- validate-jwt: Azure Active Directory B2C token validation -------------------------

/// A B2C discovery URL (`tfp/{domain}/{user flow}`) does not give its issuer: refused
/// without `<issuers>`; with the user flow's issuer listed it translates.
#[test]
fn azure_ad_b2c_token_validation() {
    let e = refuse(JWT_B2C, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::MissingIssuer, "openid-config", Some("url"));
    assert!(e.detail().contains("B2C"), "{e}");

    let issuer = format!("https://contoso.b2clogin.com/{TENANT}/v2.0/");
    let listed = changed(
        JWT_B2C,
        "    <audiences>",
        &format!("    <issuers><issuer>{issuer}</issuer></issuers>\n    <audiences>"),
    );
    let p = translate(&listed, &ParseOptions::default());
    assert_eq!(issuers(&p), [issuer.as_str()]);
    assert!(p.derived_issuers().is_empty());
    assert_eq!(
        p.openid_config_urls(),
        ["https://login.microsoftonline.com/tfp/contoso.onmicrosoft.com/b2c_1_signin/v2.0/.well-known/openid-configuration"]
    );
    assert_eq!(audiences(&p), ["11112222-bbbb-3333-cccc-4444dddd5555"]);
    assert_eq!(claims(&p), [claim("id", &[ID_CLAIM], Match::All, None)]);
    assert!(has_note(&p, "only the listed <issuers> are accepted"), "{:#?}", note_texts(&p));

    let keys = fetched_keys();
    let token = |iss: &str| {
        es256_token(&payload(&format!(
            r#""iss":"{iss}","aud":"11112222-bbbb-3333-cccc-4444dddd5555","id":"{ID_CLAIM}""#
        )))
    };
    assert_eq!(check(&p, &keys, &token(&issuer)), Ok(()));
    let v2 = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
    assert_eq!(check(&p, &keys, &token(&v2)), Err(Reason::TokenIssuerNotAllowed));
}

// ---- validate-jwt: Token validation using decryption key -------------------------------

/// The decryption key is a certificate uploaded to API Management, which jwtguard cannot
/// read: refused where it is written, before the rest of the policy (the named value
/// need not be supplied). With the key given inline (base64) it translates.
#[test]
fn token_validation_using_decryption_key() {
    let e = refuse(JWT_DECRYPTION_KEY, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::CertificateKeyUnsupported, "key", Some("certificate-id"));
    let e = refuse(JWT_DECRYPTION_KEY, &signing_key_value());
    assert_refusal(&e, ErrorKind::CertificateKeyUnsupported, "key", Some("certificate-id"));
    let inline = JWT_DECRYPTION_KEY
        .replace(
            r#"<key certificate-id="my-certificate-in-api-management" />"#,
            "<key>MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=</key>",
        )
        .replace(HOST_EXPRESSION, HOST);
    let policy = ApimPolicy::from_xml_with(&inline, &signing_key_value()).expect("translates with an inline key");
    assert!(policy.decryption_jwks().is_some_and(|jwks| jwks.contains(r#""kty":"oct""#)));
}

// ---- validate-jwt: Authorize access to operations based on token claims ----------------

/// Printed as two sibling elements with unescaped quotes in the `<choose>` condition (API
/// Management's editor accepts that; XML does not), so it is wrapped in a policy document
/// with the condition escaped. Then only the audience expression is refused; with the
/// host written out the `group` rule is verified, and the `<choose>` (POST needs
/// `finance`) is noted as not translated: that rule is the application's.
#[test]
fn authorize_access_to_operations_based_on_token_claims() {
    let as_printed = JWT_AUTHORIZE_BY_CLAIMS.replace("&quot;", "\"").replace("&amp;&amp;", "&&");
    assert_eq!(refuse(&as_printed, &signing_key_value()).kind(), ErrorKind::XmlMalformed);

    let e = refuse(JWT_AUTHORIZE_BY_CLAIMS, &signing_key_value());
    assert_refusal(&e, ErrorKind::PolicyExpression, "audience", None);
    assert_eq!(e.location().path(), "policies/inbound/validate-jwt/audiences/audience");

    let p = translate(&changed(JWT_AUTHORIZE_BY_CLAIMS, HOST_EXPRESSION, HOST), &signing_key_value());
    assert_eq!(audiences(&p), [HOST]);
    assert_eq!(issuers(&p), ["contoso.com"]);
    assert_eq!(claims(&p), [claim("group", &["finance", "logistics"], Match::Any, None)]);
    assert_eq!(p.require_scheme(), Some("Bearer"));
    let notes = note_texts(&p);
    assert!(notes.iter().any(|n| n.contains("@output-token-variable-name") && n.contains("ignored")), "{notes:#?}");
    assert!(
        notes.iter().any(|n| n.starts_with("<policies/inbound/choose>") && n.contains("is not translated")),
        "{notes:#?}"
    );

    let keys = symmetric_keys(&p);
    let token = |groups: &str| {
        hs256_token(HMAC_KEY, &payload(&format!(r#""iss":"contoso.com","aud":"{HOST}","group":{groups}"#)))
    };
    assert_eq!(check(&p, &keys, &token(r#"["logistics"]"#)), Ok(()));
    assert_eq!(check(&p, &keys, &token(r#"["hr","finance"]"#)), Ok(()));
    assert_eq!(check(&p, &keys, &token(r#""finance""#)), Ok(()));
    assert_eq!(check(&p, &keys, &token(r#"["hr"]"#)), Err(Reason::TokenClaimValueNotAllowed));
}

// ---- Protect an API with Microsoft Entra ID: the article's policy ----------------------

/// Translates as written: the v1 issuer listed and the v2 issuer of the discovery URL
/// both pass; the audience list and the required `aud` claim both apply, so a token's
/// `aud` must hold `api://{backend}` and `{backend}`, as in API Management.
#[test]
fn protect_an_api_with_entra_id() {
    let p = translate(PROTECT_BACKEND_ENTRA, &ParseOptions::default());
    let api = format!("api://{BACKEND_APP}");
    assert_eq!(audiences(&p), [api.as_str()]);
    let (v1, v2) =
        (format!("https://sts.windows.net/{TENANT}/"), format!("https://login.microsoftonline.com/{TENANT}/v2.0"));
    assert_eq!(issuers(&p), [v1.as_str(), v2.as_str()]);
    assert_eq!(p.derived_issuers()[0].issuer(), v2);
    assert_eq!(claims(&p), [claim("aud", &[BACKEND_APP], Match::All, None)]);
    assert_eq!(p.failed_validation_error_message(), Some("Unauthorized. Access token is missing or invalid."));

    let keys = fetched_keys();
    let token = |iss: &str, aud: &str| es256_token(&payload(&format!(r#""iss":"{iss}","aud":{aud}"#)));
    let both = format!(r#"["{api}","{BACKEND_APP}"]"#);
    assert_eq!(check(&p, &keys, &token(&v1, &both)), Ok(()));
    assert_eq!(check(&p, &keys, &token(&v2, &both)), Ok(()));
    assert_eq!(check(&p, &keys, &token(&v2, &format!(r#""{api}""#))), Err(Reason::TokenClaimValueNotAllowed));
    assert_eq!(check(&p, &keys, &token(&v2, &format!(r#""{BACKEND_APP}""#))), Err(Reason::TokenAudienceNotAllowed));
}

// ---- validate-azure-ad-token: Simple token validation ----------------------------------

/// The minimal form names no audience: refused unless waived explicitly (API Management
/// then checks none) or a backend application id is added. Tenant and client come from
/// named values; the client rule reads `azp`, or `appid` in v1.0 tokens.
#[test]
fn validate_azure_ad_token_simple() {
    let e = refuse(AAD_SIMPLE, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::UnresolvedNamedValue, "validate-azure-ad-token", Some("tenant-id"));
    let e = refuse(AAD_SIMPLE, &entra_values());
    assert_refusal(&e, ErrorKind::MissingAudience, "validate-azure-ad-token", None);

    let waived = ParseOptions { allow_any_audience: true, ..entra_values() };
    let p = translate(AAD_SIMPLE, &waived);
    assert_eq!(p.kind(), PolicyKind::ValidateAzureAdToken);
    assert!(p.policy().any_audience());
    let (v1, v2) =
        (format!("https://sts.windows.net/{TENANT}/"), format!("https://login.microsoftonline.com/{TENANT}/v2.0"));
    assert_eq!(issuers(&p), [v1.as_str(), v2.as_str()]);
    assert_eq!(claims(&p), [claim("azp", &[CLIENT_APP], Match::Any, None)]);
    assert_eq!(p.policy().required_claim_fallbacks().collect::<Vec<_>>(), [Some("appid")]);
    assert_eq!(
        p.openid_config_urls(),
        [format!("https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration")]
    );
    assert_eq!(p.entra().map(|e| (e.tenant(), e.cloud())), Some((TENANT, EntraCloud::Global)));
    assert_eq!(p.token_source(), &TokenSource::Header { name: "Authorization".into() });
    assert_eq!((p.policy().clock_skew(), p.policy().require_expiration_time()), (0, true));

    let keys = fetched_keys();
    let token = |iss: &str, client: &str| es256_token(&payload(&format!(r#""iss":"{iss}","aud":"any",{client}"#)));
    assert_eq!(check(&p, &keys, &token(&v2, &format!(r#""azp":"{CLIENT_APP}""#))), Ok(()));
    assert_eq!(check(&p, &keys, &token(&v1, &format!(r#""appid":"{CLIENT_APP}""#))), Ok(()));
    assert_eq!(
        check(&p, &keys, &token(&v2, &format!(r#""azp":"{BACKEND_APP}""#))),
        Err(Reason::TokenClaimValueNotAllowed)
    );

    let with_backend = changed(
        AAD_SIMPLE,
        "</validate-azure-ad-token>",
        &format!(
            "    <backend-application-ids><application-id>{BACKEND_APP}</application-id></backend-application-ids>\n</validate-azure-ad-token>"
        ),
    );
    let p = translate(&with_backend, &entra_values());
    assert_eq!(audiences(&p), [BACKEND_APP]);
    let for_backend = token(&v2, &format!(r#""azp":"{CLIENT_APP}""#));
    assert_eq!(check(&p, &keys, &for_backend), Err(Reason::TokenAudienceNotAllowed), "aud is \"any\"");
    let for_backend = es256_token(&payload(&format!(r#""iss":"{v2}","aud":"{BACKEND_APP}","azp":"{CLIENT_APP}""#)));
    assert_eq!(check(&p, &keys, &for_backend), Ok(()));
}

// ---- validate-azure-ad-token: Validate that audience and claim are correct -------------

/// The audience is a policy expression: refused. With the host written out, the `ctry`
/// rule and the client rule are verified; `output-token-variable-name` is noted.
#[test]
fn validate_azure_ad_token_audience_and_claim() {
    let e = refuse(AAD_AUDIENCE_AND_CLAIM, &entra_values());
    assert_refusal(&e, ErrorKind::PolicyExpression, "audience", None);

    let p = translate(&changed(AAD_AUDIENCE_AND_CLAIM, HOST_EXPRESSION, HOST), &entra_values());
    assert_eq!(audiences(&p), [HOST]);
    assert_eq!(claims(&p), [claim("ctry", &["US"], Match::Any, None), claim("azp", &[CLIENT_APP], Match::Any, None)]);
    assert!(has_note(&p, "@output-token-variable-name"), "{:#?}", note_texts(&p));

    let keys = fetched_keys();
    let v2 = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
    let token = |ctry: &str| {
        es256_token(&payload(&format!(r#""iss":"{v2}","aud":"{HOST}","azp":"{CLIENT_APP}","ctry":"{ctry}""#)))
    };
    assert_eq!(check(&p, &keys, &token("US")), Ok(()));
    assert_eq!(check(&p, &keys, &token("CA")), Err(Reason::TokenClaimValueNotAllowed));
}

// ---- the policy statements: every documented attribute and element ---------------------

/// Every attribute and element of the `validate-jwt` statement, in the statement's order,
/// with a value each: all are read (nothing unknown) and each lands where the README says.
#[test]
fn every_documented_validate_jwt_setting() {
    let statement = format!(
        r#"<validate-jwt
    header-name="Authorization"
    failed-validation-httpcode="403"
    failed-validation-error-message="Forbidden."
    require-expiration-time="false"
    require-scheme="Bearer"
    require-signed-tokens="true"
    clock-skew="120"
    output-token-variable-name="jwt">
  <openid-config url="https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration" validate-connectivity="false" />
  <issuer-signing-keys>
    <key id="rsa-1" n="{}" e="{}" />
    <key id="hmac-1">{HMAC_KEY}</key>
  </issuer-signing-keys>
  <audiences>
    <audience>{BACKEND_APP}</audience>
  </audiences>
  <issuers>
    <issuer>https://sts.windows.net/{TENANT}/</issuer>
  </issuers>
  <required-claims>
    <claim name="roles" match="any" separator=",">
      <value>Orders.Read</value>
    </claim>
  </required-claims>
</validate-jwt>"#,
        rsa_member("n"),
        rsa_member("e")
    );
    let p = translate(&statement, &ParseOptions::default());
    assert_eq!(p.token_source(), &TokenSource::Header { name: "Authorization".into() });
    assert_eq!(p.failed_validation_httpcode(), 403);
    assert_eq!(p.failed_validation_error_message(), Some("Forbidden."));
    assert!(!p.policy().require_expiration_time());
    assert_eq!(p.require_scheme(), Some("Bearer"));
    assert_eq!(p.policy().clock_skew(), 120);
    let v2 = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
    assert_eq!(issuers(&p), [format!("https://sts.windows.net/{TENANT}/"), v2]);
    assert_eq!(audiences(&p), [BACKEND_APP]);
    assert_eq!(claims(&p), [claim("roles", &["Orders.Read"], Match::Any, Some(","))]);
    let kids: Vec<_> = p.inline_keys().iter().map(|k| (k.kid(), k.kind())).collect();
    assert_eq!(kids, [(Some("rsa-1"), InlineKeyKind::Rsa), (Some("hmac-1"), InlineKeyKind::Symmetric)]);
    assert!(p.policy().jws_rules().kid_miss_fallback);
    assert_eq!(p.openid_config_urls().len(), 1);
    let notes = note_texts(&p);
    for noted in ["@validate-connectivity", "@output-token-variable-name", "allow_symmetric"] {
        assert!(notes.iter().any(|n| n.contains(noted)), "{noted}: {notes:#?}");
    }

    // The other two token sources; require-scheme is ignored there, as in API Management.
    let query = changed(&statement, r#"header-name="Authorization""#, r#"query-parameter-name="access_token""#);
    let p = translate(&query, &ParseOptions::default());
    assert_eq!(p.token_source(), &TokenSource::Query { name: "access_token".into() });
    assert_eq!(p.require_scheme(), None);
    let value = r#"token-value="@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;).Split(' ').Last())""#;
    let p = translate(&changed(&statement, r#"header-name="Authorization""#, value), &ParseOptions::default());
    assert_eq!(p.token_source(), &TokenSource::HeaderLastWord { name: "Authorization".into() });

    // What the statement allows and jwtguard refuses.
    for (from, to, kind, element, attribute) in [
        (
            r#"require-signed-tokens="true""#,
            r#"require-signed-tokens="false""#,
            ErrorKind::UnsignedTokensRefused,
            "validate-jwt",
            Some("require-signed-tokens"),
        ),
        (
            r#"<key id="hmac-1">"#,
            r#"<key id="hmac-1" certificate-id="c">"#,
            ErrorKind::CertificateKeyUnsupported,
            "key",
            Some("certificate-id"),
        ),
        (
            "<audiences>",
            r#"<decryption-keys><key certificate-id="c" /></decryption-keys><audiences>"#,
            ErrorKind::CertificateKeyUnsupported,
            "key",
            Some("certificate-id"),
        ),
        (
            r#"clock-skew="120""#,
            r#"clock-skew="@(120)""#,
            ErrorKind::PolicyExpression,
            "validate-jwt",
            Some("clock-skew"),
        ),
    ] {
        let e = refuse(&changed(&statement, from, to), &ParseOptions::default());
        assert_refusal(&e, kind, element, attribute);
    }
}

/// Every attribute and element of the `validate-azure-ad-token` statement. The
/// `authentication-endpoint` may leave out `https://`, as the reference says.
#[test]
fn every_documented_validate_azure_ad_token_setting() {
    let statement = format!(
        r#"<validate-azure-ad-token
    tenant-id="{TENANT}"
    header-name="X-Token"
    authentication-endpoint="login.microsoftonline.us"
    failed-validation-httpcode="403"
    failed-validation-error-message="Forbidden."
    output-token-variable-name="jwt">
    <client-application-ids>
        <application-id>{CLIENT_APP}</application-id>
    </client-application-ids>
    <backend-application-ids>
        <application-id>{BACKEND_APP}</application-id>
    </backend-application-ids>
    <audiences>
        <audience>api://{BACKEND_APP}</audience>
    </audiences>
    <required-claims>
        <claim name="roles" match="all" separator=" ">
            <value>Orders.Read</value>
        </claim>
    </required-claims>
</validate-azure-ad-token>"#
    );
    let p = translate(&statement, &ParseOptions::default());
    assert_eq!(p.token_source(), &TokenSource::Header { name: "X-Token".into() });
    assert_eq!(p.entra().map(|e| e.cloud()), Some(EntraCloud::UsGovernment));
    assert_eq!(
        issuers(&p),
        [format!("https://sts.windows.net/{TENANT}/"), format!("https://login.microsoftonline.us/{TENANT}/v2.0")]
    );
    assert_eq!((p.failed_validation_httpcode(), p.failed_validation_error_message()), (403, Some("Forbidden.")));
    let api = format!("api://{BACKEND_APP}");
    assert_eq!(audiences(&p), [BACKEND_APP, api.as_str()]);
    assert_eq!(
        claims(&p),
        [claim("roles", &["Orders.Read"], Match::All, Some(" ")), claim("azp", &[CLIENT_APP], Match::Any, None)]
    );
    assert!(has_note(&p, "@output-token-variable-name"), "{:#?}", note_texts(&p));

    // Where the statement and jwtguard part.
    let e = refuse(
        &changed(
            &statement,
            "</validate-azure-ad-token>",
            r#"<decryption-keys><key certificate-id="c" /></decryption-keys></validate-azure-ad-token>"#,
        ),
        &ParseOptions::default(),
    );
    assert_refusal(&e, ErrorKind::CertificateKeyUnsupported, "key", Some("certificate-id"));
    let without_clients = changed(
        &statement,
        &format!("<client-application-ids>\n        <application-id>{CLIENT_APP}</application-id>\n    </client-application-ids>"),
        "",
    );
    // optional, as the reference says: every client may call, and a note says so
    let p = translate(&without_clients, &ParseOptions::default());
    assert_eq!(claims(&p), [claim("roles", &["Orders.Read"], Match::All, Some(" "))]);
    assert!(has_note(&p, "no <client-application-ids>"), "{:#?}", note_texts(&p));
    let empty = changed(&statement, &format!("<application-id>{CLIENT_APP}</application-id>"), "");
    let e = refuse(&empty, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::MissingElement, "client-application-ids", None);
    let e = refuse(
        &changed(&statement, &format!(r#"tenant-id="{TENANT}""#), r#"tenant-id="https://contoso.onmicrosoft.com""#),
        &ParseOptions::default(),
    );
    assert_refusal(&e, ErrorKind::UnsupportedTenant, "validate-azure-ad-token", Some("tenant-id"));
    let organizations = changed(
        &statement,
        &format!(r#"tenant-id="{TENANT}""#),
        r#"tenant-id="https://login.microsoftonline.com/organizations""#,
    );
    let organizations = changed(&organizations, r#"authentication-endpoint="login.microsoftonline.us""#, "");
    let e = refuse(&organizations, &ParseOptions::default());
    assert_refusal(&e, ErrorKind::MissingAllowedTenants, "validate-azure-ad-token", None);
    let allowed = ParseOptions { allowed_tenants: vec![TENANT.into()], ..ParseOptions::default() };
    let p = translate(&organizations, &allowed);
    assert_eq!(issuers(&p)[1], "https://login.microsoftonline.com/{tenantid}/v2.0");
}
