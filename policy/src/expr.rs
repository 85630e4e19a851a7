//! The few `token-value` policy expressions that map exactly onto a token source.
//!
//! Security contract: an expression is never evaluated. It is split into C# tokens and
//! compared with fixed shapes; anything else (other methods, other literals, extra
//! calls) is not a match, and the caller refuses the policy.

use crate::TokenSource;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Ident(String),
    Str(String),
    Char(char),
    Int(u64),
    Punct(&'static str),
}

fn lex(src: &str) -> Option<Vec<Tok>> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            out.push(Tok::Int(text.parse().ok()?));
        } else if c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match *chars.get(i)? {
                    '"' => break,
                    '\\' => {
                        s.push(unescape(*chars.get(i + 1)?)?);
                        i += 2;
                    }
                    ch => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            i += 1;
            out.push(Tok::Str(s));
        } else if c == '\'' {
            let (ch, len) = match *chars.get(i + 1)? {
                '\\' => (unescape(*chars.get(i + 2)?)?, 3),
                ch => (ch, 2),
            };
            if *chars.get(i + len)? != '\'' {
                return None;
            }
            out.push(Tok::Char(ch));
            i += len + 1;
        } else {
            let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let punct = match (two.as_str(), c) {
                ("=>", _) => "=>",
                ("?.", _) => "?.",
                (_, '.') => ".",
                (_, '(') => "(",
                (_, ')') => ")",
                (_, ',') => ",",
                _ => return None,
            };
            i += punct.len();
            out.push(Tok::Punct(punct));
        }
    }
    Some(out)
}

fn unescape(c: char) -> Option<char> {
    Some(match c {
        '"' => '"',
        '\'' => '\'',
        '\\' => '\\',
        _ => return None,
    })
}

struct Cursor<'t> {
    toks: &'t [Tok],
    pos: usize,
}

impl Cursor<'_> {
    fn ident(&mut self, name: &str) -> Option<()> {
        match self.toks.get(self.pos)? {
            Tok::Ident(s) if s == name => {
                self.pos += 1;
                Some(())
            }
            _ => None,
        }
    }
    fn any_ident(&mut self) -> Option<String> {
        match self.toks.get(self.pos)? {
            Tok::Ident(s) => {
                self.pos += 1;
                Some(s.clone())
            }
            _ => None,
        }
    }
    fn punct(&mut self, p: &str) -> Option<()> {
        match self.toks.get(self.pos)? {
            Tok::Punct(s) if *s == p => {
                self.pos += 1;
                Some(())
            }
            _ => None,
        }
    }
    fn string(&mut self) -> Option<String> {
        match self.toks.get(self.pos)? {
            Tok::Str(s) => {
                self.pos += 1;
                Some(s.clone())
            }
            _ => None,
        }
    }
    fn int(&mut self) -> Option<u64> {
        match self.toks.get(self.pos)? {
            Tok::Int(n) => {
                self.pos += 1;
                Some(*n)
            }
            _ => None,
        }
    }
    /// A separator literal equal to `c`: `'c'` or `"c"`.
    fn separator(&mut self, c: char) -> Option<()> {
        let ok = match self.toks.get(self.pos)? {
            Tok::Char(ch) => *ch == c,
            Tok::Str(s) => s.chars().eq(core::iter::once(c)),
            _ => false,
        };
        if ok {
            self.pos += 1;
            Some(())
        } else {
            None
        }
    }
    fn path(&mut self, names: &[&str]) -> Option<()> {
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.punct(".")?;
            }
            self.ident(name)?;
        }
        Some(())
    }
    fn done(&self) -> bool {
        self.pos == self.toks.len()
    }
    /// `.GetValueOrDefault("name")` or `.GetValueOrDefault("name", "")`: the name.
    fn get_value_or_default(&mut self) -> Option<String> {
        self.punct(".")?;
        self.ident("GetValueOrDefault")?;
        self.punct("(")?;
        let name = self.string()?;
        if self.punct(",").is_some() {
            // Any other default would be used as the token when the header is absent.
            if !self.string()?.is_empty() {
                return None;
            }
        }
        self.punct(")")?;
        Some(name)
    }
}

/// Maps `@( expr )` (the whole attribute value) to a token source, or `None`.
///
/// The shapes (whitespace is free, as in C#):
/// - `context.Request.Headers.GetValueOrDefault("X-Name"[, ""])` -> [`TokenSource::Header`]
/// - `context.Request.Headers.GetValueOrDefault("Authorization"[, ""]).Split(' ').Last()`
///   -> [`TokenSource::HeaderLastWord`]
/// - `context.Request.Url.Query.GetValueOrDefault("name"[, ""])` -> [`TokenSource::Query`]
/// - `context.Request.Headers.GetValueOrDefault("Cookie"[, ""]).Split(';')
///   .Select(c => c.Trim()).FirstOrDefault(c => c.StartsWith("name="))?.Substring(5)`
///   (the length of `name=`) -> [`TokenSource::Cookie`]
pub(crate) fn token_source(value: &str) -> Option<TokenSource> {
    let inner = value.trim().strip_prefix("@(")?.strip_suffix(')')?;
    let toks = lex(inner)?;
    let mut c = Cursor { toks: &toks, pos: 0 };
    c.path(&["context", "Request"])?;
    c.punct(".")?;
    if c.ident("Url").is_some() {
        c.punct(".")?;
        c.ident("Query")?;
        let name = c.get_value_or_default()?;
        return (c.done() && !name.is_empty()).then_some(TokenSource::Query { name });
    }
    c.ident("Headers")?;
    let name = c.get_value_or_default()?;
    if name.is_empty() || !crate::is_header_name(&name) {
        return None;
    }
    if c.done() {
        return Some(TokenSource::Header { name });
    }
    c.punct(".")?;
    c.ident("Split")?;
    c.punct("(")?;
    if c.separator(' ').is_some() {
        c.punct(")")?;
        c.punct(".")?;
        c.ident("Last")?;
        c.punct("(")?;
        c.punct(")")?;
        return c.done().then_some(TokenSource::HeaderLastWord { name });
    }
    if !name.eq_ignore_ascii_case("cookie") {
        return None;
    }
    c.separator(';')?;
    c.punct(")")?;
    // .Select(v => v.Trim())
    c.punct(".")?;
    c.ident("Select")?;
    c.punct("(")?;
    let v = c.any_ident()?;
    c.punct("=>")?;
    c.ident(&v)?;
    c.punct(".")?;
    c.ident("Trim")?;
    c.punct("(")?;
    c.punct(")")?;
    c.punct(")")?;
    // .FirstOrDefault(w => w.StartsWith("name="))
    c.punct(".")?;
    c.ident("FirstOrDefault")?;
    c.punct("(")?;
    let w = c.any_ident()?;
    c.punct("=>")?;
    c.ident(&w)?;
    c.punct(".")?;
    c.ident("StartsWith")?;
    c.punct("(")?;
    let prefix = c.string()?;
    c.punct(")")?;
    c.punct(")")?;
    // ?.Substring(len)
    c.punct("?.")?;
    c.ident("Substring")?;
    c.punct("(")?;
    let skip = c.int()?;
    c.punct(")")?;
    let cookie = prefix.strip_suffix('=')?;
    let exact = u64::try_from(prefix.chars().count()).ok() == Some(skip);
    (c.done() && exact && crate::is_header_name(cookie)).then(|| TokenSource::Cookie { name: cookie.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_map() {
        assert_eq!(
            token_source(r#"@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(' ').Last())"#),
            Some(TokenSource::HeaderLastWord { name: "Authorization".into() })
        );
        assert_eq!(
            token_source(r#"@( context.Request.Headers.GetValueOrDefault( "X-Token" ) )"#),
            Some(TokenSource::Header { name: "X-Token".into() })
        );
        assert_eq!(
            token_source(r#"@(context.Request.Url.Query.GetValueOrDefault("access_token", ""))"#),
            Some(TokenSource::Query { name: "access_token".into() })
        );
        assert_eq!(
            token_source(
                r#"@(context.Request.Headers.GetValueOrDefault("Cookie","").Split(';').Select(c => c.Trim()).FirstOrDefault(c => c.StartsWith("jwt=))?.Substring(4))"#
            ),
            None,
            "unterminated string"
        );
        assert_eq!(
            token_source(
                r#"@(context.Request.Headers.GetValueOrDefault("Cookie","").Split(';').Select(c => c.Trim()).FirstOrDefault(c => c.StartsWith("jwt="))?.Substring(4))"#
            ),
            Some(TokenSource::Cookie { name: "jwt".into() })
        );
    }

    #[test]
    fn near_misses_do_not_map() {
        for v in [
            r#"@(context.Request.Headers.GetValueOrDefault("Authorization","x").Split(' ').Last())"#,
            r#"@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(' ').First())"#,
            r#"@(context.Request.Headers.GetValueOrDefault("Authorization","").Split(',').Last())"#,
            r#"@(context.Request.Headers.GetValueOrDefault("Authorization","").Replace("Bearer ",""))"#,
            r#"@(context.Request.Headers.GetValueOrDefault("Cookie","").Split(';').Select(c => c.Trim()).FirstOrDefault(c => c.StartsWith("jwt="))?.Substring(3))"#,
            r#"@(context.Request.Headers.GetValueOrDefault("Cookie","").Split(';').Select(c => c.Trim()).FirstOrDefault(d => c.StartsWith("jwt="))?.Substring(4))"#,
            r#"@(context.Variables["token"])"#,
            r#"@{ return "x"; }"#,
            r#"context.Request.Headers.GetValueOrDefault("X")"#,
            r#"@(context.Request.Headers.GetValueOrDefault(""))"#,
            r#"@(context.Request.Headers.GetValueOrDefault("X")) + "y""#,
        ] {
            assert_eq!(token_source(v), None, "{v}");
        }
    }
}
