//! Microsoft Entra ID clouds, tenants, issuers and discovery URLs.
//!
//! Security contract: issuers are only ever built from a tenant GUID, or the core's
//! `{tenantid}` template for the multi-tenant ids `common` and `organizations`, and a
//! fixed cloud table. `consumers` is the fixed tenant of personal Microsoft accounts. A
//! tenant written as a domain name has no issuer that follows from it and is refused
//! rather than guessed. A multi-tenant issuer accepts only the policy's allowed tenants
//! (the core enforces it; the policy needs them, or an explicit waiver).

/// A Microsoft Entra ID cloud (national clouds are separate identity systems).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntraCloud {
    /// The global Azure cloud (`login.microsoftonline.com`).
    Global,
    /// Azure US Government (`login.microsoftonline.us`).
    UsGovernment,
    /// Azure China operated by 21Vianet (`login.partner.microsoftonline.cn`).
    China,
}

impl EntraCloud {
    /// The cloud whose login host is `host` (ASCII case-insensitive), if any.
    /// China answers on both `login.partner.microsoftonline.cn` and `login.chinacloudapi.cn`.
    pub fn from_login_host(host: &str) -> Option<EntraCloud> {
        let host = host.to_ascii_lowercase();
        match host.as_str() {
            "login.microsoftonline.com" => Some(EntraCloud::Global),
            "login.microsoftonline.us" => Some(EntraCloud::UsGovernment),
            "login.partner.microsoftonline.cn" | "login.chinacloudapi.cn" => Some(EntraCloud::China),
            _ => None,
        }
    }

    /// The cloud's preferred login host, e.g. `login.partner.microsoftonline.cn`.
    pub fn login_host(self) -> &'static str {
        match self {
            EntraCloud::Global => "login.microsoftonline.com",
            EntraCloud::UsGovernment => "login.microsoftonline.us",
            EntraCloud::China => "login.partner.microsoftonline.cn",
        }
    }

    /// The `iss` of v1.0 access tokens: `https://sts.windows.net/{tenant}/` (global and US
    /// Government) or `https://sts.chinacloudapi.cn/{tenant}/` (China).
    pub fn v1_issuer(self, tenant: &str) -> String {
        match self {
            EntraCloud::Global | EntraCloud::UsGovernment => format!("https://sts.windows.net/{tenant}/"),
            EntraCloud::China => format!("https://sts.chinacloudapi.cn/{tenant}/"),
        }
    }

    /// The `iss` of v2.0 access tokens: `https://{login host}/{tenant}/v2.0`.
    pub fn v2_issuer(self, tenant: &str) -> String {
        format!("https://{}/{tenant}/v2.0", self.login_host())
    }
}

/// The Entra settings of a `<validate-azure-ad-token>` policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntraSettings {
    pub(crate) tenant: String,
    pub(crate) cloud: EntraCloud,
    pub(crate) login_host: String,
}

impl EntraSettings {
    /// The tenant as discovery names it: a directory (tenant) ID, a lowercase GUID, or
    /// `common`, `organizations` or `consumers`.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// The cloud, from `authentication-endpoint` (or a URL-form `tenant-id`); global by default.
    pub fn cloud(&self) -> EntraCloud {
        self.cloud
    }

    /// The login host discovery uses (as written in `authentication-endpoint`, lowercased).
    pub fn login_host(&self) -> &str {
        &self.login_host
    }
}

/// True for `8-4-4-4-12` hexadecimal.
pub(crate) fn is_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The tenant of personal Microsoft accounts, which the `consumers` endpoint signs for.
pub const CONSUMERS_TENANT_ID: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The tenant an issuer is built with for the tenant id `t`: a GUID (lowercased), the
/// `{tenantid}` template for `common` and `organizations` (tokens of many tenants), the
/// personal-account tenant for `consumers`; `None` for anything else (a domain name).
pub(crate) fn issuer_tenant(t: &str) -> Option<String> {
    if is_guid(t) {
        Some(t.to_ascii_lowercase())
    } else if ["common", "organizations"].iter().any(|m| t.eq_ignore_ascii_case(m)) {
        Some(jwtguard_core::TENANT_TEMPLATE.to_string())
    } else if t.eq_ignore_ascii_case("consumers") {
        Some(CONSUMERS_TENANT_ID.to_string())
    } else {
        None
    }
}

/// Splits `https://host/path` into (host, path without leading slash). Anything else: None.
pub(crate) fn split_https(url: &str) -> Option<(&str, &str)> {
    let rest = url.get(..8).filter(|p| p.eq_ignore_ascii_case("https://")).map(|_| &url[8..])?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let host_ok = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'));
    host_ok.then_some((host, path))
}

const DISCOVERY_SUFFIX: &str = "/.well-known/openid-configuration";

/// The issuer a discovery document at `url` announces, when it follows from the URL.
///
/// - Entra (any cloud): `/{tenant-guid}/v2.0/.well-known/...` gives the cloud's v2
///   issuer, `/{tenant-guid}/.well-known/...` its v1 issuer;
/// - Entra External ID: `https://{name}.ciamlogin.com/{tenant-guid}/v2.0/.well-known/...`
///   gives `https://{tenant-guid}.ciamlogin.com/{tenant-guid}/v2.0`;
/// - Auth0 (`*.auth0.com`): `https://{host}/` (Auth0 issuers end with a slash);
/// - anything else: the URL without `/.well-known/openid-configuration`, which OpenID
///   Connect Discovery 1.0 section 4.3 requires to equal the document's `issuer`.
///
/// `Err` says why no issuer follows (domain-name tenant, query string, ...).
pub(crate) fn issuer_from_discovery_url(url: &str) -> Result<String, &'static str> {
    let (host, path) = split_https(url).ok_or("the URL is not an https URL")?;
    if url.contains(['?', '#']) {
        return Err("the URL has a query or fragment, so the issuer does not follow from it");
    }
    let prefix =
        url.strip_suffix(DISCOVERY_SUFFIX).ok_or("the URL does not end with /.well-known/openid-configuration")?;
    let segments: Vec<&str> = path.strip_suffix(&DISCOVERY_SUFFIX[1..]).unwrap_or("").split('/').collect();
    let lower_host = host.to_ascii_lowercase();
    if let Some(cloud) = EntraCloud::from_login_host(host) {
        let (tenant, v2) = match segments.as_slice() {
            [t, ""] => (*t, false),
            [t, "v2.0", ""] => (*t, true),
            _ => return Err("an Entra discovery URL other than /{tenant}/ or /{tenant}/v2.0/ (e.g. B2C)"),
        };
        let tenant = entra_tenant(tenant)?;
        return Ok(if v2 { cloud.v2_issuer(&tenant) } else { cloud.v1_issuer(&tenant) });
    }
    if lower_host.ends_with(".ciamlogin.com") {
        return match segments.as_slice() {
            [t, "v2.0", ""] => {
                let tenant = entra_tenant(t)?;
                Ok(format!("https://{tenant}.ciamlogin.com/{tenant}/v2.0"))
            }
            _ => Err("a ciamlogin.com discovery URL other than /{tenant}/v2.0/"),
        };
    }
    if lower_host.ends_with(".auth0.com") && path == &DISCOVERY_SUFFIX[1..] {
        return Ok(format!("https://{host}/"));
    }
    Ok(prefix.to_string())
}

/// The issuer's tenant for a tenant path segment (see [`issuer_tenant`]).
fn entra_tenant(t: &str) -> Result<String, &'static str> {
    issuer_tenant(t)
        .ok_or("the tenant is not a GUID: a domain name's issuer holds the tenant GUID, which only the document states")
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    #[test]
    fn issuers_follow_from_discovery_urls() {
        let cases = [
            (
                format!("https://login.partner.microsoftonline.cn/{T}/v2.0/.well-known/openid-configuration"),
                format!("https://login.partner.microsoftonline.cn/{T}/v2.0"),
            ),
            (
                format!("https://login.chinacloudapi.cn/{T}/v2.0/.well-known/openid-configuration"),
                format!("https://login.partner.microsoftonline.cn/{T}/v2.0"),
            ),
            (
                format!("https://login.chinacloudapi.cn/{T}/.well-known/openid-configuration"),
                format!("https://sts.chinacloudapi.cn/{T}/"),
            ),
            (
                format!("https://login.microsoftonline.com/{}/.well-known/openid-configuration", T.to_uppercase()),
                format!("https://sts.windows.net/{T}/"),
            ),
            (
                format!("https://contoso.ciamlogin.com/{T}/v2.0/.well-known/openid-configuration"),
                format!("https://{T}.ciamlogin.com/{T}/v2.0"),
            ),
            (
                "https://dev-x1.eu.auth0.com/.well-known/openid-configuration".into(),
                "https://dev-x1.eu.auth0.com/".into(),
            ),
            (
                "https://idp.example/realms/a/.well-known/openid-configuration".into(),
                "https://idp.example/realms/a".into(),
            ),
        ];
        for (url, issuer) in cases {
            assert_eq!(issuer_from_discovery_url(&url), Ok(issuer), "{url}");
        }
    }

    #[test]
    fn multi_tenant_urls_give_the_template_and_consumers_its_tenant() {
        for (url, issuer) in [
            (
                "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
                "https://login.microsoftonline.com/{tenantid}/v2.0",
            ),
            (
                "https://login.microsoftonline.com/Organizations/.well-known/openid-configuration",
                "https://sts.windows.net/{tenantid}/",
            ),
            (
                "https://login.partner.microsoftonline.cn/organizations/v2.0/.well-known/openid-configuration",
                "https://login.partner.microsoftonline.cn/{tenantid}/v2.0",
            ),
            (
                "https://login.microsoftonline.com/consumers/v2.0/.well-known/openid-configuration",
                "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0",
            ),
        ] {
            assert_eq!(issuer_from_discovery_url(url).as_deref(), Ok(issuer), "{url}");
        }
    }

    #[test]
    fn some_urls_have_no_fixed_issuer() {
        for url in [
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
            "https://login.microsoftonline.com/tfp/contoso.onmicrosoft.com/b2c_1_x/v2.0/.well-known/openid-configuration",
            "https://idp.example/.well-known/openid-configuration?p=x",
            "http://idp.example/.well-known/openid-configuration",
            "https://idp.example/openid-configuration",
        ] {
            assert!(issuer_from_discovery_url(url).is_err(), "{url}");
        }
    }
}
