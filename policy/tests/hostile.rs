//! Hostile input: no input panics, and limits hold.

mod support;

use jwtguard_policy::{ApimPolicy, ParseOptions};
use support::{rsa_e, rsa_n, BACKEND_APP, CLIENT_APP, TENANT};

fn seeds() -> Vec<String> {
    vec![
        format!(
            r#"<policies><inbound><base /><validate-jwt header-name="Authorization" require-scheme="Bearer" clock-skew="60" failed-validation-httpcode="401"><openid-config url="https://login.partner.microsoftonline.cn/{TENANT}/v2.0/.well-known/openid-configuration" /><issuer-signing-keys><key id="r" n="{}" e="{}" /><key>QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0NTY3ODkw</key></issuer-signing-keys><audiences><audience>{BACKEND_APP}</audience></audiences><issuers><issuer>https://sts.chinacloudapi.cn/{TENANT}/</issuer></issuers><required-claims><claim name="scp" match="any" separator=" "><value>a</value></claim></required-claims></validate-jwt></inbound></policies>"#,
            rsa_n(),
            rsa_e()
        ),
        format!(
            r#"<validate-azure-ad-token tenant-id="{TENANT}" authentication-endpoint="https://login.partner.microsoftonline.cn" token-value="@(context.Request.Headers.GetValueOrDefault(&quot;Cookie&quot;,&quot;&quot;).Split(';').Select(c =&gt; c.Trim()).FirstOrDefault(c =&gt; c.StartsWith(&quot;t=&quot;))?.Substring(2))"><client-application-ids><application-id>{CLIENT_APP}</application-id></client-application-ids><backend-application-ids><application-id>{BACKEND_APP}</application-id></backend-application-ids></validate-azure-ad-token>"#
        ),
    ]
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn seeds_translate() {
    for seed in seeds() {
        ApimPolicy::from_xml(&seed).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn random_edits_never_panic() {
    let interesting: &[&[u8]] = &[
        b"<",
        b">",
        b"\"",
        b"@(",
        b"@{",
        b"{{x}}",
        b"&amp;",
        b"&#0;",
        b"\xff",
        b"\xe2\x82",
        b"/",
        b"=",
        b"\n",
        b"]]>",
    ];
    let options = ParseOptions { allow_unknown: true, allow_any_audience: true, ..ParseOptions::default() };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for seed in seeds() {
        let seed = seed.into_bytes();
        for _ in 0..1500 {
            let mut doc = seed.clone();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(doc.len() + 1);
                match rng.below(4) {
                    0 if at < doc.len() => {
                        doc.remove(at);
                    }
                    1 => {
                        let piece = interesting[rng.below(interesting.len())];
                        doc.splice(at..at, piece.iter().copied());
                    }
                    2 if at < doc.len() => doc[at] = rng.next() as u8,
                    _ => doc.truncate(at),
                }
            }
            let _ = ApimPolicy::from_bytes_with(&doc, &options);
            let _ = ApimPolicy::from_bytes_with(&doc, &ParseOptions::default());
        }
    }
}

#[test]
fn deep_nesting_and_many_nodes() {
    let deep = format!("{}{}", "<a>".repeat(5000), "</a>".repeat(5000));
    assert!(ApimPolicy::from_xml(&deep).is_err());
    let inside = format!("<validate-jwt>{}{}</validate-jwt>", "<x>".repeat(5000), "</x>".repeat(5000));
    assert!(ApimPolicy::from_xml(&inside).is_err());
    let many = format!("<policies><inbound>{}</inbound></policies>", "<base/>".repeat(150_000));
    assert!(ApimPolicy::from_xml(&many).is_err(), "over the node limit");
}

#[test]
fn long_lists_stay_linear() {
    use std::time::Instant;
    let start = Instant::now();
    let oidc = r#"<openid-config url="https://idp.example/.well-known/openid-configuration"/>"#;
    let audiences: String = (0..40_000).map(|i| format!("<audience>a{i}</audience>")).collect();
    let e = ApimPolicy::from_xml(&format!("<validate-jwt>{oidc}<audiences>{audiences}</audiences></validate-jwt>"));
    assert!(e.is_err(), "the core holds at most 32 audiences");
    let keys: String = (0..40_000).map(|i| format!(r#"<key id="k{i}">AAAA</key>"#)).collect();
    let xml = format!("<validate-jwt><issuer-signing-keys>{keys}</issuer-signing-keys></validate-jwt>");
    assert!(ApimPolicy::from_xml(&xml).is_err(), "over 32 keys");
    let siblings = "<base/>".repeat(60_000);
    let xml = format!(
        "<policies><inbound>{siblings}<validate-jwt>{oidc}<audiences><audience>a</audience></audiences></validate-jwt></inbound></policies>"
    );
    let p = ApimPolicy::from_xml(&xml).expect("translates");
    assert_eq!(p.notes().len(), 65, "notes are bounded");
    assert_eq!(p.notes()[64].message(), "further notes omitted");
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

/// Errors and notes go to log lines and C detail buffers: a control character written
/// into the document as a character reference is shown escaped, never as itself.
#[test]
fn control_characters_in_the_document_never_reach_a_message() {
    let base = &seeds()[0];
    for (from, to, quoted) in [
        (r#"require-scheme="Bearer""#, "require-scheme=\"Bea&#13;&#10;X-Admin: true\"", true),
        (r#"clock-skew="60""#, "clock-skew=\"6&#10;0\"", true),
        (r#"<audience>"#, "<audience>@(x&#10;y)&#9;", true),
        (r#"header-name="Authorization""#, "header-name=\"Authorization\" frobnicate=\"a&#10;b\"", false),
    ] {
        let xml = base.replacen(from, to, 1);
        assert_ne!(&xml, base, "{from}");
        let shown = match ApimPolicy::from_xml_with(&xml, &ParseOptions { allow_unknown: true, ..Default::default() }) {
            Err(e) => e.to_string(),
            Ok(p) => p.notes().iter().map(|n| n.to_string()).collect::<Vec<_>>().join(" | "),
        };
        assert!(!shown.chars().any(char::is_control), "{shown:?}");
        if quoted {
            assert!(shown.contains("\\n"), "the value is quoted, escaped: {shown:?}");
        }
    }
}
