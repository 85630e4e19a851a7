//! Real APIM policies, translated: each asserts the exact core policy and settings.

mod support;

use jwtguard_core::{verify_owned, Algorithm, AlgorithmSet, KeyOptions, KeySet, Match, Reason};
use jwtguard_policy::{
    ApimPolicy, EntraCloud, InlineKeyKind, ParseOptions, PolicyKind, TokenSource, APIM_DEFAULT_TOKEN_MISSING_MESSAGE,
};
use support::{
    audiences, claim, claims, issuers, note_texts, rsa_e, rsa_n, translate, BACKEND_APP, CLIENT_APP, TENANT,
};

/// The `azp` rule of `<client-application-ids>`: each allowed id with the rule's
/// fallback claim.
fn client_applications(p: &ApimPolicy) -> Vec<(String, Option<&str>)> {
    let policy = p.policy();
    policy
        .required_claims()
        .zip(policy.required_claim_fallbacks())
        .filter(|((name, ..), _)| *name == "azp")
        .flat_map(|((_, values, ..), fallback)| {
            values.iter().map(move |v| (v.to_string(), fallback)).collect::<Vec<_>>()
        })
        .collect()
}

/// The China-cloud policy from the article, in a whole policy document.
#[test]
fn china_cloud_validate_jwt_in_a_policy_document() {
    let xml = format!(
        r#"<policies>
    <inbound>
        <base />
        <validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized. Access token is missing or invalid.">
            <openid-config url="https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration" />
            <audiences>
                <audience>{BACKEND_APP}</audience>
            </audiences>
            <required-claims>
                <claim name="scp" match="any" separator=" ">
                    <value>Files.Read</value>
                    <value>Files.ReadWrite</value>
                </claim>
            </required-claims>
        </validate-jwt>
        <set-header name="X-User" exists-action="override">
            <value>@(context.User.Id)</value>
        </set-header>
    </inbound>
    <backend>
        <base />
    </backend>
    <outbound>
        <base />
    </outbound>
    <on-error>
        <base />
    </on-error>
</policies>"#
    );
    let p = translate(&xml);
    assert_eq!(p.kind(), PolicyKind::ValidateJwt);
    assert_eq!(audiences(&p), [BACKEND_APP]);
    let v2 = format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0");
    assert_eq!(issuers(&p), [v2.as_str()]);
    assert_eq!(claims(&p), [claim("scp", &["Files.Read", "Files.ReadWrite"], Match::Any, Some(" "))]);
    assert_eq!(p.policy().clock_skew(), 0);
    assert!(p.policy().require_expiration_time());
    assert!(!p.policy().jws_rules().kid_miss_fallback);
    assert_eq!(p.token_source(), &TokenSource::Header { name: "Authorization".into() });
    assert_eq!(p.require_scheme(), None);
    assert_eq!(p.failed_validation_httpcode(), 401);
    assert_eq!(p.failed_validation_error_message(), Some("Unauthorized. Access token is missing or invalid."));
    let url = format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration");
    assert_eq!(p.openid_config_urls(), std::slice::from_ref(&url));
    assert_eq!(p.derived_issuers().len(), 1);
    assert_eq!(p.derived_issuers()[0].issuer(), v2);
    assert_eq!(p.derived_issuers()[0].discovery_url(), url);
    assert!(p.inline_keys().is_empty());
    assert_eq!(p.inline_jwks(), None);
    assert_eq!(p.entra(), None);

    let notes = note_texts(&p);
    assert_eq!(notes.len(), 3, "{notes:#?}");
    assert!(notes[0].starts_with("<policies/inbound/base> (line 3, column 9): <base /> brings in"), "{notes:#?}");
    assert!(
        notes[1].starts_with("<policies/inbound/set-header> (line 16, column 9): <set-header> is not translated"),
        "{notes:#?}"
    );
    assert!(
        notes[2].starts_with("<policies/inbound/validate-jwt/openid-config> @url (line 5, column 28): issuer"),
        "{notes:#?}"
    );
    // APIM's asymmetric algorithms, no HMAC without inline symmetric keys.
    let apim = [Algorithm::RS256, Algorithm::RS512, Algorithm::PS256, Algorithm::ES256];
    assert_eq!(p.policy().algorithms(), AlgorithmSet::of(&apim));
}

/// Entra ID with v1 and v2 issuers listed, both audience forms, roles and tid.
#[test]
fn entra_multi_issuer() {
    let xml = format!(
        r#"<validate-jwt header-name="Authorization" require-scheme="Bearer" clock-skew="300" output-token-variable-name="jwt">
    <openid-config url="https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration" />
    <audiences>
        <audience>api://{BACKEND_APP}</audience>
        <audience>{BACKEND_APP}</audience>
    </audiences>
    <issuers>
        <issuer>https://sts.windows.net/{TENANT}/</issuer>
        <issuer>https://login.microsoftonline.com/{TENANT}/v2.0</issuer>
    </issuers>
    <required-claims>
        <claim name="roles" match="all">
            <value>Orders.Read</value>
            <value>Orders.Write</value>
        </claim>
        <claim name="tid">
            <value>{TENANT}</value>
        </claim>
    </required-claims>
</validate-jwt>"#
    );
    let p = translate(&xml);
    let api = format!("api://{BACKEND_APP}");
    assert_eq!(audiences(&p), [api.as_str(), BACKEND_APP]);
    let v1 = format!("https://sts.windows.net/{TENANT}/");
    let v2 = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
    assert_eq!(issuers(&p), [v1.as_str(), v2.as_str()]);
    assert!(p.derived_issuers().is_empty(), "the discovery issuer is already listed");
    assert_eq!(
        claims(&p),
        [claim("roles", &["Orders.Read", "Orders.Write"], Match::All, None), claim("tid", &[TENANT], Match::All, None)]
    );
    assert_eq!(p.policy().clock_skew(), 300);
    assert_eq!(p.require_scheme(), Some("Bearer"));
    assert_eq!(p.failed_validation_httpcode(), 401);
    assert_eq!(p.failed_validation_error_message(), None);
    assert_eq!(APIM_DEFAULT_TOKEN_MISSING_MESSAGE, "JWT not present.");
    let notes = note_texts(&p);
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert!(
        notes[0].starts_with("<validate-jwt> @output-token-variable-name (line 1, column 84): accepted and ignored"),
        "{notes:#?}"
    );
}

/// Auth0: discovery on the tenant domain, an API identifier audience, permissions (all).
#[test]
fn auth0_permissions() {
    let xml = r#"<validate-jwt header-name="Authorization" failed-validation-httpcode="403" require-expiration-time="true">
    <openid-config url="https://dev-k3x9q2.us.auth0.com/.well-known/openid-configuration" />
    <audiences>
        <audience>https://orders.example.com/api</audience>
    </audiences>
    <required-claims>
        <claim name="permissions" match="all">
            <value>read:orders</value>
            <value>write:orders</value>
        </claim>
    </required-claims>
</validate-jwt>"#;
    let p = translate(xml);
    assert_eq!(audiences(&p), ["https://orders.example.com/api"]);
    assert_eq!(issuers(&p), ["https://dev-k3x9q2.us.auth0.com/"]);
    assert_eq!(p.derived_issuers()[0].issuer(), "https://dev-k3x9q2.us.auth0.com/");
    assert_eq!(claims(&p), [claim("permissions", &["read:orders", "write:orders"], Match::All, None)]);
    assert_eq!(p.failed_validation_httpcode(), 403);
    assert!(p.policy().require_expiration_time());
    assert_eq!(p.openid_config_urls(), ["https://dev-k3x9q2.us.auth0.com/.well-known/openid-configuration"]);
}

const SECRET_B64: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="; // 32 bytes

fn inline_key_policy() -> String {
    format!(
        r#"<validate-jwt query-parameter-name="access_token" require-expiration-time="false" clock-skew="30">
    <issuer-signing-keys>
        <key id="rsa-2026" n="{}" e="{}" />
        <key id="hmac-1">{SECRET_B64}</key>
    </issuer-signing-keys>
    <audiences>
        <audience>orders-api</audience>
    </audiences>
    <issuers>
        <issuer>https://issuer.example.com/</issuer>
    </issuers>
</validate-jwt>"#,
        rsa_n(),
        rsa_e()
    )
}

/// Inline RSA n/e and a symmetric key become one JWK set the core can load.
#[test]
fn inline_keys_become_a_jwk_set() {
    let p = translate(&inline_key_policy());
    assert_eq!(audiences(&p), ["orders-api"]);
    assert_eq!(issuers(&p), ["https://issuer.example.com/"]);
    assert!(!p.policy().require_expiration_time());
    assert_eq!(p.policy().clock_skew(), 30);
    assert!(p.policy().jws_rules().kid_miss_fallback, "APIM tries every inline key");
    assert_eq!(p.token_source(), &TokenSource::Query { name: "access_token".into() });
    assert!(p.openid_config_urls().is_empty());

    let keys = p.inline_keys();
    assert_eq!(keys.len(), 2);
    assert_eq!((keys[0].kid(), keys[0].kind(), keys[0].bits()), (Some("rsa-2026"), InlineKeyKind::Rsa, 2048));
    assert_eq!((keys[1].kid(), keys[1].kind(), keys[1].bits()), (Some("hmac-1"), InlineKeyKind::Symmetric, 256));

    let jwks = p.inline_jwks().expect("a key set");
    let expected = format!(
        r#"{{"keys":[{{"kty":"RSA","use":"sig","kid":"rsa-2026","n":"{}","e":"AQAB"}},{{"kty":"oct","use":"sig","kid":"hmac-1","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}}]}}"#,
        rsa_n()
    );
    assert_eq!(jwks, expected);

    // The core loads it: the RSA key is there (the oct key, in a set with an RSA key,
    // is skipped).
    let set = KeySet::from_json(jwks.as_bytes()).expect("the inline key set loads");
    assert!(set.get("rsa-2026").is_some());
    assert!(set.get("hmac-1").is_none());

    // Each kind on its own, for a key set of its own.
    let rsa_only = p.inline_jwks_of(InlineKeyKind::Rsa).expect("RSA keys");
    assert_eq!(
        rsa_only,
        format!(r#"{{"keys":[{{"kty":"RSA","use":"sig","kid":"rsa-2026","n":"{}","e":"AQAB"}}]}}"#, rsa_n())
    );
    let secrets = p.inline_jwks_of(InlineKeyKind::Symmetric).expect("symmetric keys");
    assert_eq!(
        secrets,
        r#"{"keys":[{"kty":"oct","use":"sig","kid":"hmac-1","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}]}"#
    );
    let options = KeyOptions { allow_symmetric: true, ..KeyOptions::default() };
    assert!(KeySet::from_json_with(secrets.as_bytes(), &options).expect("HMAC set").get("hmac-1").is_some());
    assert!(KeySet::from_json(rsa_only.as_bytes()).expect("RSA set").get("rsa-2026").is_some());

    // APIM's algorithms, with the HMACs because the policy has a symmetric key.
    use Algorithm::*;
    assert_eq!(p.policy().algorithms(), AlgorithmSet::of(&[RS256, RS512, PS256, ES256, HS256, HS384, HS512]));

    // Debug never shows the key set (it holds the symmetric secret).
    let debug = format!("{p:?}");
    assert!(!debug.contains("MDEyMzQ1"), "{debug}");
    assert!(debug.contains("<redacted>"));
    assert!(note_texts(&p).iter().any(|n| n.contains("KeyOptions::allow_symmetric")));
}

/// An RSA-only inline set loads with exactly that key.
#[test]
fn inline_rsa_key_loads_in_the_core() {
    let xml = format!(
        r#"<validate-jwt header-name="Authorization">
    <issuer-signing-keys><key id="only" n="{}" e="{}"/></issuer-signing-keys>
    <audiences><audience>a</audience></audiences>
    <issuers><issuer>https://issuer.example.com/</issuer></issuers>
</validate-jwt>"#,
        rsa_n(),
        rsa_e()
    );
    let p = translate(&xml);
    let set = KeySet::from_json(p.inline_jwks().expect("keys").as_bytes()).expect("loads");
    assert_eq!(set.len(), 1);
    assert!(set.get("only").is_some());
}

fn azure_ad_policy() -> String {
    format!(
        r#"<policies>
    <inbound>
        <validate-azure-ad-token tenant-id="{TENANT}" authentication-endpoint="https://login.partner.microsoftonline.cn" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized. Access token is missing or invalid.">
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
                <claim name="scp" match="any" separator=" ">
                    <value>Orders.Read</value>
                </claim>
            </required-claims>
        </validate-azure-ad-token>
    </inbound>
</policies>"#
    )
}

/// validate-azure-ad-token in the China cloud: issuers, audiences, discovery, client ids.
#[test]
fn validate_azure_ad_token_china() {
    let p = translate(&azure_ad_policy());
    assert_eq!(p.kind(), PolicyKind::ValidateAzureAdToken);
    let api = format!("api://{BACKEND_APP}");
    assert_eq!(audiences(&p), [BACKEND_APP, api.as_str()]);
    let v1 = format!("https://sts.chinacloudapi.cn/{TENANT}/");
    let v2 = format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0");
    assert_eq!(issuers(&p), [v1.as_str(), v2.as_str()]);
    assert_eq!(
        claims(&p),
        [claim("scp", &["Orders.Read"], Match::Any, Some(" ")), claim("azp", &[CLIENT_APP], Match::Any, None)]
    );
    assert_eq!(
        p.openid_config_urls(),
        [format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration")]
    );
    let entra = p.entra().expect("entra settings");
    assert_eq!((entra.tenant(), entra.cloud()), (TENANT, EntraCloud::China));
    assert_eq!(entra.login_host(), "login.partner.microsoftonline.cn");
    assert_eq!(client_applications(&p), [(CLIENT_APP.to_string(), Some("appid"))]);
    assert_eq!(p.token_source(), &TokenSource::Header { name: "Authorization".into() });
    assert_eq!(p.failed_validation_httpcode(), 401);
    assert_eq!(p.failed_validation_error_message(), Some("Unauthorized. Access token is missing or invalid."));
    assert_eq!(p.policy().clock_skew(), 0);
    assert!(p.policy().require_expiration_time());
    assert!(p.notes().is_empty(), "{:#?}", p.notes());
}

/// The global and US Government clouds, and the tenant given as an authority URL.
#[test]
fn validate_azure_ad_token_other_clouds() {
    let global = translate(&format!(
        r#"<validate-azure-ad-token tenant-id="{TENANT}"><client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids><backend-application-ids><application-id>{BACKEND_APP}</application-id></backend-application-ids></validate-azure-ad-token>"#
    ));
    let (v1, v2) =
        (format!("https://sts.windows.net/{TENANT}/"), format!("https://login.microsoftonline.com/{TENANT}/v2.0"));
    assert_eq!(issuers(&global), [v1.as_str(), v2.as_str()]);
    assert_eq!(global.entra().map(|e| e.cloud()), Some(EntraCloud::Global));

    let gov = translate(&format!(
        r#"<validate-azure-ad-token tenant-id="https://login.microsoftonline.us/{}/"><client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids><audiences><audience>{BACKEND_APP}</audience></audiences></validate-azure-ad-token>"#,
        TENANT.to_uppercase()
    ));
    let v2 = format!("https://login.microsoftonline.us/{TENANT}/v2.0");
    assert_eq!(issuers(&gov), [v1.as_str(), v2.as_str()]);
    assert_eq!(gov.entra().map(|e| e.cloud()), Some(EntraCloud::UsGovernment));
    assert_eq!(
        gov.openid_config_urls(),
        [format!("https://login.microsoftonline.us/{TENANT}/v2.0/.well-known/openid-configuration")]
    );
    assert!(note_texts(&gov).iter().any(|n| n.contains("lowercased")));
}

/// `authentication-endpoint` without its `https://` prefix, which API Management
/// documents as optional: a bare login host selects its cloud; another scheme, a path or
/// an unknown host is still refused.
#[test]
fn authentication_endpoint_without_its_scheme() {
    let xml = |endpoint: &str| {
        format!(
            r#"<validate-azure-ad-token tenant-id="{TENANT}" authentication-endpoint="{endpoint}"><client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids><backend-application-ids><application-id>{BACKEND_APP}</application-id></backend-application-ids></validate-azure-ad-token>"#
        )
    };
    for (endpoint, cloud, host) in [
        ("login.microsoftonline.us", EntraCloud::UsGovernment, "login.microsoftonline.us"),
        ("Login.Partner.MicrosoftOnline.cn/", EntraCloud::China, "login.partner.microsoftonline.cn"),
        ("login.microsoftonline.com", EntraCloud::Global, "login.microsoftonline.com"),
    ] {
        let p = translate(&xml(endpoint));
        let entra = p.entra().expect("entra settings");
        assert_eq!((entra.cloud(), entra.login_host()), (cloud, host), "{endpoint}");
        let discovery = format!("https://{host}/{TENANT}/v2.0/.well-known/openid-configuration");
        assert_eq!(p.openid_config_urls(), [discovery], "{endpoint}");
        assert_eq!(issuers(&p)[0], cloud.v1_issuer(TENANT), "{endpoint}");
    }
    for endpoint in ["http://login.microsoftonline.us", "login.microsoftonline.us/tenant", "login.example.com"] {
        let e = support::refuse(&xml(endpoint));
        support::assert_refusal(
            &e,
            jwtguard_policy::ErrorKind::InvalidValue,
            "validate-azure-ad-token",
            Some("authentication-endpoint"),
        );
    }
}

/// The client-application rule, applied to tokens the core really verified.
#[test]
fn client_application_rule_on_verified_tokens() {
    let p = translate(&azure_ad_policy());
    let keys = KeySet::from_json(support::es256_jwks().as_bytes()).expect("keys");
    let v2 = format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0");
    let v1 = format!("https://sts.chinacloudapi.cn/{TENANT}/");
    let now = 1_800_000_000u64;
    let token = |iss: &str, client: &str| {
        support::es256_token(&format!(
            r#"{{"iss":"{iss}","aud":"{BACKEND_APP}","exp":{},"scp":"Orders.Read Orders.Write",{client}}}"#,
            now + 600
        ))
    };
    let check = |t: String| verify_owned(t.as_bytes(), &keys, p.policy(), now).map(|_| ()).map_err(|e| e.reason());
    assert_eq!(check(token(&v2, &format!(r#""azp":"{CLIENT_APP}""#))), Ok(()));
    assert_eq!(check(token(&v1, &format!(r#""appid":"{CLIENT_APP}""#))), Ok(()));
    let other = "00000000-0000-0000-0000-000000000001";
    assert_eq!(check(token(&v2, &format!(r#""azp":"{other}""#))), Err(Reason::TokenClaimValueNotAllowed));
    // azp wins over appid when both are present.
    assert_eq!(
        check(token(&v2, &format!(r#""azp":"{other}","appid":"{CLIENT_APP}""#))),
        Err(Reason::TokenClaimValueNotAllowed)
    );
    assert_eq!(check(token(&v2, r#""oid":"x""#)), Err(Reason::TokenClaimNotFound));
    assert_eq!(check(token(&v2, r#""azp":7"#)), Err(Reason::TokenClaimValueNotAllowed));
}

/// The exactly-mapped token-value forms.
#[test]
fn token_value_forms() {
    let with = |tv: &str| {
        translate(&format!(
            r#"<validate-jwt token-value="{tv}"><openid-config url="https://idp.example/.well-known/openid-configuration"/><audiences><audience>a</audience></audiences></validate-jwt>"#
        ))
        .token_source()
        .clone()
    };
    assert_eq!(
        with(
            r#"@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;).Split(' ').Last())"#
        ),
        TokenSource::HeaderLastWord { name: "Authorization".into() }
    );
    assert_eq!(
        with(r#"@(context.Request.Headers.GetValueOrDefault(&quot;X-Api-Token&quot;, &quot;&quot;))"#),
        TokenSource::Header { name: "X-Api-Token".into() }
    );
    assert_eq!(
        with(
            r#"@(context.Request.Headers.GetValueOrDefault(&quot;Cookie&quot;,&quot;&quot;).Split(';').Select(c =&gt; c.Trim()).FirstOrDefault(c =&gt; c.StartsWith(&quot;access_token=&quot;))?.Substring(13))"#
        ),
        TokenSource::Cookie { name: "access_token".into() }
    );
    assert_eq!(
        with(r#"@(context.Request.Url.Query.GetValueOrDefault(&quot;jwt&quot;))"#),
        TokenSource::Query { name: "jwt".into() }
    );
}

/// Named values are filled in from the options; a policy fragment is accepted as a root.
#[test]
fn named_values_and_fragments() {
    let xml = r#"<fragment>
    <validate-azure-ad-token tenant-id="{{aad-tenant-id}}">
        <client-application-ids><application-id>{{aad-client-application-id}}</application-id></client-application-ids>
        <backend-application-ids><application-id>{{backend-id}}</application-id></backend-application-ids>
    </validate-azure-ad-token>
</fragment>"#;
    let mut options = ParseOptions::default();
    options.named_values.insert("aad-tenant-id".into(), TENANT.into());
    options.named_values.insert("aad-client-application-id".into(), CLIENT_APP.into());
    options.named_values.insert("backend-id".into(), BACKEND_APP.into());
    let p = ApimPolicy::from_xml_with(xml, &options).expect("translates");
    assert_eq!(audiences(&p), [BACKEND_APP]);
    assert_eq!(p.entra().map(|e| e.tenant()), Some(TENANT));
    assert_eq!(client_applications(&p), [(CLIENT_APP.to_string(), Some("appid"))]);
}

/// require-scheme is dropped (with a note) when APIM ignores it; waivers are explicit.
#[test]
fn ignored_scheme_and_explicit_waivers() {
    let xml = r#"<validate-jwt header-name="X-Token" require-scheme="Bearer">
    <issuer-signing-keys><key>MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=</key></issuer-signing-keys>
</validate-jwt>"#;
    let options = ParseOptions { allow_any_audience: true, allow_any_issuer: true, ..ParseOptions::default() };
    let p = ApimPolicy::from_xml_with(xml, &options).expect("translates");
    assert_eq!(p.require_scheme(), None);
    assert!(p.policy().any_audience() && p.policy().any_issuer());
    let notes = note_texts(&p);
    assert!(notes.iter().any(|n| n.contains("@require-scheme") && n.contains("ignored")), "{notes:#?}");
    assert!(notes.iter().any(|n| n.contains("allow_any_audience")), "{notes:#?}");
    assert!(notes.iter().any(|n| n.contains("allow_any_issuer")), "{notes:#?}");
    assert!(notes.iter().all(|n| !n.contains("MDEyMzQ1")), "{notes:#?}");
}

/// Bytes input: a UTF-8 BOM is fine.
#[test]
fn bytes_with_bom() {
    let xml = format!(
        "\u{feff}<validate-jwt header-name=\"Authorization\"><openid-config url=\"https://login.microsoftonline.com/{TENANT}/.well-known/openid-configuration\"/><audiences><audience>a</audience></audiences></validate-jwt>"
    );
    let p = ApimPolicy::from_bytes_with(xml.as_bytes(), &ParseOptions::default()).expect("translates");
    let v1 = format!("https://sts.windows.net/{TENANT}/");
    assert_eq!(issuers(&p), [v1.as_str()]);
}

/// Scheme and host are case-insensitive: a discovery URL is kept in canonical form, and
/// so is the issuer derived from it (found by fuzzing: `httpS://` was kept as written).
#[test]
fn discovery_urls_are_canonical() {
    let p = translate(&format!(
        r#"<validate-jwt><openid-config url="HTTPS://Login.Partner.MicrosoftOnline.cn/{TENANT}/v2.0/.well-known/openid-configuration" /><audiences><audience>a</audience></audiences></validate-jwt>"#
    ));
    let url = format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration");
    assert_eq!(p.openid_config_urls(), std::slice::from_ref(&url));
    assert_eq!(issuers(&p), [format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0")]);
    assert_eq!(p.derived_issuers()[0].discovery_url(), url);
}

/// The Azure article's policy exactly as it prints it (placeholders filled): no
/// `<audiences>` and no `<issuers>`; the audience is restricted by a required claim on
/// `aud`, which is an audience restriction: its values are the audiences, and the
/// claim rule stays.
fn article_policy() -> String {
    format!(
        r#"<validate-jwt header-name="Authorization" failed-validation-httpcode="401" failed-validation-error-message="Unauthorized. Access token is missing or invalid.">
    <openid-config url="https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration" />
    <required-claims>
        <claim name="aud">
            <value>{BACKEND_APP}</value>
        </claim>
    </required-claims>
</validate-jwt>"#
    )
}

#[test]
fn the_articles_policy_restricts_the_audience_through_its_required_claim() {
    let p = translate(&article_policy());
    assert_eq!(audiences(&p), [BACKEND_APP]);
    assert!(!p.policy().any_audience());
    assert_eq!(claims(&p), [claim("aud", &[BACKEND_APP], Match::All, None)]);
    let v2 = format!("https://login.partner.microsoftonline.cn/{TENANT}/v2.0");
    assert_eq!(issuers(&p), [v2.as_str()]);
    assert!(note_texts(&p).iter().any(|n| n.contains("values of the required claim `aud`")), "{:#?}", note_texts(&p));

    let keys = KeySet::from_json(support::es256_jwks().as_bytes()).expect("keys");
    let now = 1_800_000_000u64;
    let token = |aud: &str| {
        support::es256_token(&format!(r#"{{"iss":"{v2}","aud":{aud},"exp":{},"scp":"Files.Read"}}"#, now + 600))
    };
    let check = |t: String| verify_owned(t.as_bytes(), &keys, p.policy(), now).map(|_| ()).map_err(|e| e.reason());
    assert_eq!(check(token(&format!(r#""{BACKEND_APP}""#))), Ok(()));
    assert_eq!(check(token(&format!(r#"["api://other","{BACKEND_APP}"]"#))), Ok(()));
    assert_eq!(check(token(r#""api://other""#)), Err(Reason::TokenAudienceNotAllowed));
    assert_eq!(check(token(&format!(r#""{BACKEND_APP}x""#))), Err(Reason::TokenAudienceNotAllowed));
}

/// `match="all"` on `aud` with two values keeps APIM's meaning: the token's `aud` must
/// hold both; `match="any"` takes either. A separator on `aud` is not an audience list.
#[test]
fn a_required_aud_claim_keeps_its_match() {
    let xml = |m: &str| {
        format!(
            r#"<validate-jwt><openid-config url="https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration" /><required-claims><claim name="aud" match="{m}"><value>a</value><value>b</value></claim></required-claims></validate-jwt>"#
        )
    };
    let keys = KeySet::from_json(support::es256_jwks().as_bytes()).expect("keys");
    let now = 1_800_000_000u64;
    let iss = format!("https://login.microsoftonline.com/{TENANT}/v2.0");
    let token = |aud: &str| support::es256_token(&format!(r#"{{"iss":"{iss}","aud":{aud},"exp":{}}}"#, now + 600));
    for (m, one, both) in [("all", Err(Reason::TokenClaimValueNotAllowed), Ok(())), ("any", Ok(()), Ok(()))] {
        let p = translate(&xml(m));
        assert_eq!(audiences(&p), ["a", "b"]);
        let check = |t: String| verify_owned(t.as_bytes(), &keys, p.policy(), now).map(|_| ()).map_err(|e| e.reason());
        assert_eq!(check(token(r#""a""#)), one, "match {m}");
        assert_eq!(check(token(r#"["b","a"]"#)), both, "match {m}");
        assert_eq!(check(token(r#""c""#)), Err(Reason::TokenAudienceNotAllowed), "match {m}");
    }
    let separated = format!(
        r#"<validate-jwt><openid-config url="https://login.microsoftonline.com/{TENANT}/v2.0/.well-known/openid-configuration" /><required-claims><claim name="aud" separator=" "><value>a</value></claim></required-claims></validate-jwt>"#
    );
    assert_eq!(support::refuse(&separated).kind(), jwtguard_policy::ErrorKind::MissingAudience);
}

/// Inline secrets are wiped when the policy (or a rendered key) is dropped: the type
/// says so to the compiler, and a policy with a symmetric key still hands out its key set.
#[test]
fn a_policy_holding_secrets_is_wiped_on_drop() {
    fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
    wiped_on_drop::<ApimPolicy>();
    let xml = format!(
        r#"<validate-jwt><issuer-signing-keys><key id="s">{}</key></issuer-signing-keys><audiences><audience>a</audience></audiences><issuers><issuer>i</issuer></issuers></validate-jwt>"#,
        support::HMAC_KEY
    );
    let p = translate(&xml);
    let copy = p.clone();
    drop(p);
    assert!(copy.inline_jwks_of(InlineKeyKind::Symmetric).is_some_and(|j| j.contains(r#""kty":"oct""#)));
}

/// `tenant-id="organizations"` (and a `common` discovery URL) translate to the core's
/// `{tenantid}` issuers with the caller's allowed tenants, which the core enforces on
/// verified tokens; `consumers` is the fixed tenant of personal accounts.
#[test]
fn multi_tenant_policies_take_the_allowed_tenants() {
    let options = ParseOptions { allowed_tenants: vec![TENANT.into()], ..ParseOptions::default() };
    let xml = format!(
        r#"<validate-azure-ad-token tenant-id="organizations"><client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids><backend-application-ids><application-id>{BACKEND_APP}</application-id></backend-application-ids></validate-azure-ad-token>"#
    );
    let p = ApimPolicy::from_xml_with(&xml, &options).expect("translates");
    assert_eq!(
        issuers(&p),
        ["https://sts.windows.net/{tenantid}/", "https://login.microsoftonline.com/{tenantid}/v2.0"]
    );
    assert_eq!(p.policy().allowed_tenants().collect::<Vec<_>>(), [TENANT]);
    assert_eq!(p.entra().map(|e| e.tenant()), Some("organizations"));
    assert_eq!(
        p.openid_config_urls(),
        ["https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"]
    );
    let keys = KeySet::from_json(support::es256_jwks().as_bytes()).expect("keys");
    let now = 1_800_000_000u64;
    let token = |tid: &str| {
        support::es256_token(&format!(
            r#"{{"iss":"https://login.microsoftonline.com/{tid}/v2.0","tid":"{tid}","aud":"{BACKEND_APP}","azp":"{CLIENT_APP}","exp":{}}}"#,
            now + 600
        ))
    };
    let check = |p: &ApimPolicy, t: String| {
        verify_owned(t.as_bytes(), &keys, p.policy(), now).map(|_| ()).map_err(|e| e.reason())
    };
    let other = "00000000-0000-0000-0000-000000000002";
    assert_eq!(check(&p, token(TENANT)), Ok(()));
    assert_eq!(check(&p, token(other)), Err(Reason::TokenIssuerNotAllowed));
    let any = ParseOptions { allow_any_tenant: true, ..ParseOptions::default() };
    let every = ApimPolicy::from_xml_with(&xml, &any).expect("translates");
    assert!(every.policy().any_tenant());
    assert_eq!(check(&every, token(other)), Ok(()));

    let common = format!(
        r#"<validate-jwt><openid-config url="https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"/><audiences><audience>{BACKEND_APP}</audience></audiences></validate-jwt>"#
    );
    let p = ApimPolicy::from_xml_with(&common, &options).expect("translates");
    assert_eq!(issuers(&p), ["https://login.microsoftonline.com/{tenantid}/v2.0"]);
    assert_eq!(check(&p, token(TENANT)), Ok(()));

    let consumers = xml.replace("organizations", "consumers");
    let p = translate(&consumers);
    let personal = "9188040d-6c67-4c5b-b112-36a304b66dad";
    assert_eq!(issuers(&p)[1], format!("https://login.microsoftonline.com/{personal}/v2.0"));
    assert_eq!(check(&p, token(personal)), Ok(()));
}

/// A separator longer than one character, as API Management accepts it, splits the claim
/// as written (`", "` here), on tokens the core really verified.
#[test]
fn a_multi_character_separator_splits_the_claim() {
    let xml = format!(
        r#"<validate-jwt><issuers><issuer>https://idp.example/</issuer></issuers><openid-config url="https://idp.example/.well-known/openid-configuration"/><audiences><audience>{BACKEND_APP}</audience></audiences><required-claims><claim name="groups" match="any" separator=", "><value>Admins</value></claim></required-claims></validate-jwt>"#
    );
    let p = translate(&xml);
    assert_eq!(claims(&p), [claim("groups", &["Admins"], Match::Any, Some(", "))]);
    let keys = KeySet::from_json(support::es256_jwks().as_bytes()).expect("keys");
    let now = 1_800_000_000u64;
    let check = |groups: &str| {
        let token = support::es256_token(&format!(
            r#"{{"iss":"https://idp.example/","aud":"{BACKEND_APP}","exp":{},"groups":"{groups}"}}"#,
            now + 600
        ));
        verify_owned(token.as_bytes(), &keys, p.policy(), now).map(|_| ()).map_err(|e| e.reason())
    };
    assert_eq!(check("Readers, Admins"), Ok(()));
    assert_eq!(check("Readers, Admins, Ops"), Ok(()));
    assert_eq!(check("Readers,Admins"), Err(Reason::TokenClaimValueNotAllowed), "\",\" alone does not separate");
    assert_eq!(check("Readers, Admins2"), Err(Reason::TokenClaimValueNotAllowed));
    assert_eq!(check(r"Readers\u002c Admins"), Ok(()), "escapes are read before splitting");
}
