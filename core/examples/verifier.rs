//! core/README.md's second Rust example: one `Verifier` for an API that trusts two
//! providers, with the keys fetched by the caller when the verifier asks.
#![allow(dead_code)]

// README example start
use jwtguard_core::key_source::SourceOptions;
use jwtguard_core::{Error, Policy, Trust, Verifier};

fn build() -> Result<Verifier, Error> {
    let policy = Policy::builder().audience("api://orders").any_issuer().build()?;
    Verifier::builder(policy)
        // Each provider's keys verify only its own issuer's tokens.
        .openid_config(
            "https://login.example.com/.well-known/openid-configuration",
            Trust::Discovered,
            SourceOptions::default(),
        )
        .jwks_url(
            "https://partner.example.net/keys",
            Trust::Issuers(vec!["https://partner.example.net/".into()]),
            SourceOptions::default(),
        )
        .cache(1024, 300)
        .build()
}

/// Called per request; `get` does the HTTP GET (any client), `now` is Unix seconds.
fn check(verifier: &Verifier, token: &[u8], now: u64, get: impl Fn(&str) -> Option<Vec<u8>>) -> Result<String, Error> {
    // The verifier says what to fetch: cold start, hourly refresh, an unknown kid, a retry.
    while let Some(fetch) = verifier.start_fetch(now) {
        match get(&fetch.url) {
            Some(body) => {
                let _ = verifier.offer(fetch.source, &body, now);
            } // a bad body counts as a failure
            None => verifier.fetch_failed(fetch.source, now),
        }
    }
    let verdict = verifier.verify(token, now)?;
    let claims = verdict.token.claims();
    // Text for a header or a log line: control characters and ambiguous arrays refused.
    let user = claims.get("sub").map(|v| jwtguard_core::export::claim_text(v, ","));
    Ok(user.and_then(Result::ok).unwrap_or_default())
}
// README example end

fn main() {
    let verifier = build().expect("a valid verifier");
    let refused = check(&verifier, b"not.a.token", 1_700_000_000, |_| None);
    assert!(refused.is_err());
}
