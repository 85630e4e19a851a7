//! APIM named values (`{{name}}`) kept in a text file, one `name=value` per line: what a
//! gateway that reads a policy file reads beside it.
//!
//! The format, in full:
//! - one named value per line, `name=value`; the name and the value are trimmed of
//!   spaces and tabs; the value is everything after the first `=`;
//! - a name holds only ASCII letters, digits, `.`, `-` and `_` (as APIM allows), at most
//!   256 bytes; names are unique, compared ASCII case-insensitively (APIM's own names
//!   are case-insensitive);
//! - a value is not empty, at most 4096 bytes (APIM's limit) and holds no control
//!   characters other than tab;
//! - blank lines and lines whose first non-blank character is `#` are skipped; lines
//!   end with LF or CRLF; the file is UTF-8 and at most [`crate::DEFAULT_MAX_POLICY_LEN`]
//!   bytes.
//!
//! Security contract: values are often secrets. No error shows a value or any part of
//! one, nor the text of a line that failed to read as `name=value`; errors name the line
//! number and, once a name has been read, the name.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::error::{Error, ErrorKind, Location};
use crate::DEFAULT_MAX_POLICY_LEN;

/// Longest accepted name, in bytes.
pub const MAX_NAMED_VALUE_NAME_LEN: usize = 256;

/// Longest accepted value, in bytes.
pub const MAX_NAMED_VALUE_LEN: usize = 4096;

/// One entry of a named-values file: where its name and its value are in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedValueEntry {
    /// Byte range of the name.
    pub name: Range<usize>,
    /// Byte range of the value.
    pub value: Range<usize>,
}

/// Reads a named-values file (see the module documentation) into name → value.
pub fn read_named_values(text: &str) -> Result<BTreeMap<String, String>, Error> {
    Ok(named_value_entries(text)?.into_iter().map(|e| (text[e.name].to_string(), text[e.value].to_string())).collect())
}

/// Reads a named-values file (see the module documentation) as byte ranges of `text`,
/// in file order: for a caller that passes the names and values on without copying.
pub fn named_value_entries(text: &str) -> Result<Vec<NamedValueEntry>, Error> {
    if text.len() > DEFAULT_MAX_POLICY_LEN {
        let detail =
            format!("the named values are {} bytes, more than the {DEFAULT_MAX_POLICY_LEN} accepted", text.len());
        return Err(Error::new(ErrorKind::InvalidNamedValues, Location::document(), detail));
    }
    let mut entries: Vec<NamedValueEntry> = Vec::new();
    let mut start = 0;
    for (index, raw) in text.split('\n').enumerate() {
        let line = index.saturating_add(1);
        let line_start = start;
        start += raw.len() + 1;
        let body = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = trim(body);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let entry = entry(text, line_start, body, line)?;
        let name = &text[entry.name.clone()];
        if entries.iter().any(|e| text[e.name.clone()].eq_ignore_ascii_case(name)) {
            return Err(at_line(line, format!("named value \"{name}\" is given twice")));
        }
        entries.push(entry);
    }
    Ok(entries)
}

/// The entry of one non-blank, non-comment line `body`, which starts at byte `offset`.
fn entry(text: &str, offset: usize, body: &str, line: usize) -> Result<NamedValueEntry, Error> {
    let Some(eq) = body.find('=') else {
        return Err(at_line(line, "the line is not name=value".to_string()));
    };
    let name = trimmed_range(body, 0..eq);
    let value = trimmed_range(body, eq + 1..body.len());
    let name_text = &body[name.clone()];
    if name_text.is_empty() {
        return Err(at_line(line, "the name before '=' is empty".to_string()));
    }
    if name_text.len() > MAX_NAMED_VALUE_NAME_LEN
        || !name_text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
    {
        let detail = format!(
            "a name holds only ASCII letters, digits, '.', '-' and '_', at most {MAX_NAMED_VALUE_NAME_LEN} bytes"
        );
        return Err(at_line(line, detail));
    }
    let value_text = &body[value.clone()];
    let problem = if value_text.is_empty() {
        Some("is empty".to_string())
    } else if value_text.len() > MAX_NAMED_VALUE_LEN {
        Some(format!("is longer than {MAX_NAMED_VALUE_LEN} bytes"))
    } else if value_text.chars().any(|c| c.is_control() && c != '\t') {
        Some("holds a control character".to_string())
    } else {
        None
    };
    if let Some(problem) = problem {
        return Err(at_line(line, format!("the value of named value \"{name_text}\" {problem}")));
    }
    debug_assert_eq!(&text[offset..offset + body.len()], body);
    Ok(NamedValueEntry {
        name: offset + name.start..offset + name.end,
        value: offset + value.start..offset + value.end,
    })
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

/// `range` of `s` without its leading and trailing spaces and tabs.
fn trimmed_range(s: &str, range: Range<usize>) -> Range<usize> {
    let part = &s[range.clone()];
    let lead = part.len() - part.trim_start_matches([' ', '\t']).len();
    let kept = trim(part).len();
    range.start + lead..range.start + lead + kept
}

fn at_line(line: usize, detail: String) -> Error {
    let mut location = Location::document();
    location.line = u32::try_from(line).unwrap_or(u32::MAX);
    location.column = 1;
    Error::new(ErrorKind::InvalidNamedValues, location, detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_and_values() {
        let text = "# backend\r\nbackend-app = api://orders \r\n\n  tenant\t=\t6b1e=x\nsecret=a b\tc\n";
        let values = read_named_values(text).unwrap();
        assert_eq!(values.len(), 3);
        assert_eq!(values["backend-app"], "api://orders");
        assert_eq!(values["tenant"], "6b1e=x");
        assert_eq!(values["secret"], "a b\tc");
        let entries = named_value_entries(text).unwrap();
        assert_eq!(&text[entries[0].name.clone()], "backend-app");
        assert_eq!(&text[entries[1].value.clone()], "6b1e=x");
    }

    #[test]
    fn empty_file_has_no_values() {
        assert!(read_named_values("").unwrap().is_empty());
        assert!(read_named_values("\n# only a comment\n   \n").unwrap().is_empty());
    }

    #[test]
    fn refusals_name_the_line_and_never_the_value() {
        for (text, line, needle) in [
            ("a=1\nsecret-without-equals\n", 2, "not name=value"),
            ("=hunter2\n", 1, "name before '=' is empty"),
            ("bad name=hunter2\n", 1, "ASCII letters"),
            ("{{x}}=hunter2\n", 1, "ASCII letters"),
            ("a=1\nA=hunter2\n", 2, "\"A\" is given twice"),
            ("key=\n", 1, "\"key\" is empty"),
            ("key=hunter2\u{7}x\n", 1, "control character"),
            ("key=hunter2\rx\n", 1, "control character"),
        ] {
            let err = read_named_values(text).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidNamedValues, "{text:?}");
            assert_eq!(err.location().line(), line, "{text:?}");
            let shown = err.to_string();
            assert!(shown.contains(needle), "{shown}");
            assert!(!shown.contains("hunter2") && !shown.contains("secret-without"), "{shown}");
        }
        let long = format!("key={}\n", "v".repeat(MAX_NAMED_VALUE_LEN + 1));
        assert!(read_named_values(&long).unwrap_err().to_string().contains("longer than 4096"));
        let too_big = "a".repeat(DEFAULT_MAX_POLICY_LEN + 1);
        assert_eq!(read_named_values(&too_big).unwrap_err().location().line(), 0);
    }
}
