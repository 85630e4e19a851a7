//! What an HTTP server needs around a verification: where the token is in a request
//! ([`find_token`], by [`TokenSourceKind`]) and the RFC 6750 `WWW-Authenticate` value of
//! a rejection ([`challenge`]). The server reads its request and writes its answer; these
//! functions hold the rules, so every server that uses them answers alike.

use jwtguard_core::Reason;

use crate::TokenSource;

/// The scheme of the `Authorization` header when none is required explicitly.
pub const DEFAULT_SCHEME: &str = "Bearer";

/// Which piece of a request a [`TokenSource`] reads, without its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenSourceKind {
    /// [`TokenSource::Header`]: the value of the first header of that name.
    Header,
    /// [`TokenSource::HeaderLastWord`]: the value of the first header of that name.
    HeaderLastWord,
    /// [`TokenSource::Query`]: the query string, without `?`.
    Query,
    /// [`TokenSource::Cookie`]: the value of one `Cookie` header (try each in order).
    Cookie,
}

impl TokenSource {
    /// The kind and the name of this source.
    pub fn parts(&self) -> (TokenSourceKind, &str) {
        match self {
            TokenSource::Header { name } => (TokenSourceKind::Header, name),
            TokenSource::HeaderLastWord { name } => (TokenSourceKind::HeaderLastWord, name),
            TokenSource::Query { name } => (TokenSourceKind::Query, name),
            TokenSource::Cookie { name } => (TokenSourceKind::Cookie, name),
        }
    }

    /// [`find_token`] for this source, with `scheme` (`None`: [`DEFAULT_SCHEME`]).
    pub fn find_token<'t>(&self, scheme: Option<&str>, text: &'t [u8]) -> Option<&'t [u8]> {
        let (kind, name) = self.parts();
        find_token(kind, name.as_bytes(), scheme.unwrap_or("").as_bytes(), text)
    }
}

fn is_blank(b: &u8) -> bool {
    *b == b' ' || *b == b'\t'
}

/// `s` without leading and trailing spaces and tabs.
fn trim(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !is_blank(b)).unwrap_or(s.len());
    let end = s.iter().rposition(|b| !is_blank(b)).map_or(start, |i| i + 1);
    &s[start..end]
}

/// The value of the first `name=value` item of `items` split at `sep` (each item
/// trimmed first when `trim_items`), the name compared exactly.
fn item_value<'t>(items: &'t [u8], sep: u8, name: &[u8], trim_items: bool) -> Option<&'t [u8]> {
    items.split(|b| *b == sep).find_map(|item| {
        let item = if trim_items { trim(item) } else { item };
        item.strip_prefix(name)?.strip_prefix(b"=")
    })
}

/// The access token in `text`, the piece of a request that the token source `kind`
/// named `name` reads, the way Azure API Management takes it; a sub-slice of `text`
/// (empty when the token is named without a value), `None` when `text` holds none.
///
/// - [`TokenSourceKind::Header`]: for `Authorization` (name compared
///   case-insensitively) the value must start with `scheme` (compared
///   case-insensitively; empty is [`DEFAULT_SCHEME`]) after optional spaces and tabs,
///   followed by at least one space or tab; the token is the rest. For another header
///   the token is the whole value. Surrounding spaces and tabs are removed.
/// - [`TokenSourceKind::HeaderLastWord`]: what follows the value's last space.
/// - [`TokenSourceKind::Query`]: the value of the first `name=value` item (name
///   compared exactly), as written: [`percent_decode`] it, as for a cookie
///   ([`TokenSourceKind::is_url_encoded`]).
/// - [`TokenSourceKind::Cookie`]: the value of the first `;`-separated item, spaces and
///   tabs removed, that starts with `name=` (name compared exactly).
pub fn find_token<'t>(kind: TokenSourceKind, name: &[u8], scheme: &[u8], text: &'t [u8]) -> Option<&'t [u8]> {
    match kind {
        TokenSourceKind::Header if name.eq_ignore_ascii_case(b"Authorization") => {
            let scheme = if scheme.is_empty() { DEFAULT_SCHEME.as_bytes() } else { scheme };
            let value = &text[text.iter().position(|b| !is_blank(b)).unwrap_or(text.len())..];
            let (head, rest) = value.split_at_checked(scheme.len())?;
            (head.eq_ignore_ascii_case(scheme) && rest.first().is_some_and(is_blank)).then(|| trim(rest))
        }
        TokenSourceKind::Header => Some(trim(text)),
        TokenSourceKind::HeaderLastWord => text.rsplit(|b| *b == b' ').next(),
        TokenSourceKind::Query => item_value(text, b'&', name, false),
        TokenSourceKind::Cookie => item_value(text, b';', name, true),
    }
}

impl TokenSourceKind {
    /// True for the sources whose text is URL-encoded, so that a token read there is
    /// [percent-decoded](percent_decode) before it is verified, as API Management reads
    /// query parameters and as clients encode them: [`TokenSourceKind::Query`] and
    /// [`TokenSourceKind::Cookie`]. Header values are taken as they are.
    pub const fn is_url_encoded(self) -> bool {
        matches!(self, TokenSourceKind::Query | TokenSourceKind::Cookie)
    }
}

/// A token read from a URL-encoded source (a query parameter, a cookie), decoded into
/// `out`: each `%` followed by two hex digits (either case) becomes the byte they name,
/// every other byte is copied (`+` too: a token never holds a space, so it is not read
/// as one). `None` when a `%` is not followed by two hex digits (the text is no token)
/// or `out` is shorter than the decoded token (`raw.len()` bytes always suffice). A
/// compact JWS never holds `%`, so decoding changes only what a client encoded.
pub fn percent_decode<'o>(raw: &[u8], out: &'o mut [u8]) -> Option<&'o [u8]> {
    let hex = |b: u8| (b as char).to_digit(16);
    let (mut read, mut written) = (0, 0);
    while let Some(&b) = raw.get(read) {
        let (byte, used) = match b {
            b'%' => {
                let high = hex(*raw.get(read + 1)?)?;
                let low = hex(*raw.get(read + 2)?)?;
                // Two hex digits name one byte: high * 16 + low <= 255.
                (u8::try_from(high * 16 + low).ok()?, 3)
            }
            _ => (b, 1),
        };
        *out.get_mut(written)? = byte;
        written += 1;
        read += used;
    }
    out.get(..written)
}

/// The value of the `WWW-Authenticate` header that answers a rejection for `reason`
/// (`None`: a reason this version does not know) with HTTP status `status`, RFC 6750:
/// `Bearer`, then ` realm="<realm>"` when `realm` is not empty (copied as given), then,
/// unless `reason` is [`Reason::TokenNotPresent`] (where no error is named),
/// `error="invalid_token", error_description="<reason name>"`, comma-separated from the
/// realm; `insufficient_scope` in place of `invalid_token` when a 403 answers
/// [`Reason::TokenClaimNotFound`] or [`Reason::TokenClaimValueNotAllowed`] (RFC 6750
/// section 3.1). Unknown reasons are described as `Unknown`.
pub fn challenge(reason: Option<Reason>, status: u16, realm: &[u8]) -> Vec<u8> {
    let mut out = b"Bearer".to_vec();
    if !realm.is_empty() {
        out.extend_from_slice(b" realm=\"");
        out.extend_from_slice(realm);
        out.push(b'"');
    }
    if reason == Some(Reason::TokenNotPresent) {
        return out;
    }
    let scope = status == 403 && matches!(reason, Some(Reason::TokenClaimNotFound | Reason::TokenClaimValueNotAllowed));
    if !realm.is_empty() {
        out.push(b',');
    }
    out.extend_from_slice(b" error=\"");
    out.extend_from_slice(if scope { b"insufficient_scope" } else { b"invalid_token" });
    out.extend_from_slice(b"\", error_description=\"");
    out.extend_from_slice(reason.map_or("Unknown", Reason::name).as_bytes());
    out.push(b'"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenSourceKind::*;

    fn decoded(raw: &str) -> Option<String> {
        let mut out = [0u8; 64];
        percent_decode(raw.as_bytes(), &mut out).map(|t| String::from_utf8_lossy(t).into_owned())
    }

    #[test]
    fn url_encoded_tokens_are_percent_decoded_strictly() {
        assert_eq!(decoded("eyJ.eyJ.sig").as_deref(), Some("eyJ.eyJ.sig"));
        assert_eq!(decoded("eyJ%2EeyJ%2esig").as_deref(), Some("eyJ.eyJ.sig"));
        assert_eq!(decoded("a%2Db%5F").as_deref(), Some("a-b_"));
        assert_eq!(decoded("a+b").as_deref(), Some("a+b"), "+ is no space in a token");
        assert_eq!(decoded("%252E").as_deref(), Some("%2E"), "decoded once, never twice");
        assert_eq!(decoded("a%0Ab").as_deref(), Some("a\nb"), "decoded; the verifier refuses it");
        for bad in ["%", "%2", "%G0", "%0g", "a%", "a%%20"] {
            assert_eq!(decoded(bad), None, "{bad}");
        }
        let mut short = [0u8; 2];
        assert_eq!(percent_decode(b"abc", &mut short), None);
        let mut exact = [0u8; 1];
        assert_eq!(percent_decode(b"%41", &mut exact), Some(&b"A"[..]));
        assert!(Query.is_url_encoded() && Cookie.is_url_encoded());
        assert!(!Header.is_url_encoded() && !HeaderLastWord.is_url_encoded());
    }

    fn find(kind: TokenSourceKind, name: &str, scheme: &str, text: &str) -> Option<String> {
        find_token(kind, name.as_bytes(), scheme.as_bytes(), text.as_bytes())
            .map(|t| String::from_utf8(t.to_vec()).unwrap())
    }

    #[test]
    fn authorization_scheme_is_case_insensitive_and_defaults_to_bearer() {
        assert_eq!(find(Header, "Authorization", "", "Bearer abc").as_deref(), Some("abc"));
        assert_eq!(find(Header, "authorization", "", "bEARER abc").as_deref(), Some("abc"));
        assert_eq!(find(Header, "AUTHORIZATION", "dpop", "DPoP abc").as_deref(), Some("abc"));
        assert_eq!(find(Header, "Authorization", "DPoP", "Bearer abc"), None);
        assert_eq!(find(Header, "Authorization", "", "Basic abc"), None);
    }

    #[test]
    fn authorization_blanks_around_the_scheme_and_token() {
        assert_eq!(find(Header, "Authorization", "", " \tBearer\t abc \t").as_deref(), Some("abc"));
        assert_eq!(find(Header, "Authorization", "", "Bearer\tabc").as_deref(), Some("abc"));
        assert_eq!(find(Header, "Authorization", "", "Bearerabc"), None);
        assert_eq!(find(Header, "Authorization", "", "Bearer a b").as_deref(), Some("a b"));
    }

    #[test]
    fn authorization_scheme_alone_or_empty() {
        assert_eq!(find(Header, "Authorization", "", "Bearer"), None);
        assert_eq!(find(Header, "Authorization", "", "  Bearer"), None);
        assert_eq!(find(Header, "Authorization", "", "Bearer  ").as_deref(), Some(""));
        assert_eq!(find(Header, "Authorization", "", ""), None);
        assert_eq!(find(Header, "Authorization", "", "Bear"), None);
    }

    #[test]
    fn other_header_is_the_trimmed_value() {
        assert_eq!(find(Header, "X-Token", "", "  Bearer abc ").as_deref(), Some("Bearer abc"));
        assert_eq!(find(Header, "X-Token", "", "\tabc\t").as_deref(), Some("abc"));
        assert_eq!(find(Header, "X-Token", "", "").as_deref(), Some(""));
    }

    #[test]
    fn header_last_word() {
        assert_eq!(find(HeaderLastWord, "Authorization", "", "Bearer  abc").as_deref(), Some("abc"));
        assert_eq!(find(HeaderLastWord, "X-Token", "", "abc").as_deref(), Some("abc"));
        assert_eq!(find(HeaderLastWord, "X-Token", "", "abc ").as_deref(), Some(""));
        // only a space separates words, as APIM's Split(' ')
        assert_eq!(find(HeaderLastWord, "X-Token", "", "Bearer\tabc").as_deref(), Some("Bearer\tabc"));
    }

    #[test]
    fn query_first_item_exact_name() {
        assert_eq!(find(Query, "t", "", "a=1&t=abc&t=def").as_deref(), Some("abc"));
        assert_eq!(find(Query, "t", "", "t=abc").as_deref(), Some("abc"));
        assert_eq!(find(Query, "t", "", "tt=1&T=2&t"), None);
        assert_eq!(find(Query, "t", "", "t=").as_deref(), Some(""));
        assert_eq!(find(Query, "t", "", " t=1"), None);
        assert_eq!(find(Query, "t", "", "").as_deref(), None);
    }

    #[test]
    fn cookie_items_trimmed_exact_name() {
        assert_eq!(find(Cookie, "at", "", "a=1; at=abc ;at=def").as_deref(), Some("abc"));
        assert_eq!(find(Cookie, "at", "", "\tat=abc").as_deref(), Some("abc"));
        assert_eq!(find(Cookie, "at", "", "x_at=1;At=2; at"), None);
        assert_eq!(find(Cookie, "at", "", "at=;at=2").as_deref(), Some(""));
    }

    #[test]
    fn token_source_method_uses_its_name() {
        let source = TokenSource::Cookie { name: "jwt".into() };
        assert_eq!(source.find_token(None, b"jwt=abc"), Some(&b"abc"[..]));
        let source = TokenSource::Header { name: "Authorization".into() };
        assert_eq!(source.find_token(Some("DPoP"), b"DPoP abc"), Some(&b"abc"[..]));
        assert_eq!(source.find_token(None, b"DPoP abc"), None);
        assert_eq!(source.parts(), (Header, "Authorization"));
    }

    #[test]
    fn challenges() {
        let text = |r, status, realm: &str| String::from_utf8(challenge(r, status, realm.as_bytes())).unwrap();
        assert_eq!(text(Some(Reason::TokenNotPresent), 401, ""), "Bearer");
        assert_eq!(text(Some(Reason::TokenNotPresent), 401, "api"), "Bearer realm=\"api\"");
        assert_eq!(
            text(Some(Reason::TokenExpired), 401, ""),
            "Bearer error=\"invalid_token\", error_description=\"TokenExpired\""
        );
        assert_eq!(
            text(Some(Reason::TokenClaimNotFound), 403, "api"),
            "Bearer realm=\"api\", error=\"insufficient_scope\", error_description=\"TokenClaimNotFound\""
        );
        assert_eq!(
            text(Some(Reason::TokenClaimValueNotAllowed), 401, "api"),
            "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"TokenClaimValueNotAllowed\""
        );
        assert_eq!(
            text(Some(Reason::TokenExpired), 403, ""),
            "Bearer error=\"invalid_token\", error_description=\"TokenExpired\""
        );
        assert_eq!(text(None, 401, ""), "Bearer error=\"invalid_token\", error_description=\"Unknown\"");
    }
}
