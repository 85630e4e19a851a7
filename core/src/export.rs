//! Claim values and key ids as text for places where bytes are framing: HTTP header
//! values, nginx variables, log lines, files.
//!
//! Security contract: a valid signature proves who issued a token, not that its
//! contents are safe. Providers sign what users typed into their profiles, so a
//! verified `name` claim may hold `"Alice\r\nX-Admin: true"`. Text produced here:
//! - never contains a byte below 0x20 (CR, LF, NUL, tab, …) or 0x7f: a value holding
//!   one (after JSON unescaping) is refused as [`ExportError::Unsafe`], never cleaned
//!   up or cut, so what is exported is always exactly what the token says;
//! - is unambiguous when an array is joined: the elements are joined with the caller's
//!   separator, and an element that contains the separator is refused, as is an empty
//!   separator between two or more elements (`["a,b"]` and `["a","b"]` never give the
//!   same text);
//! - holds only scalars: a string unescaped, a number as its exact JSON text, a
//!   boolean as `true`/`false`; `null`, objects and nested arrays are
//!   [`ExportError::WrongType`] (their raw JSON text, which strict JSON keeps free of
//!   control bytes, is available through [`crate::Claims::json`]).
//!
//! Language bindings that hand values to a program (Python) return the real values;
//! this rule is for the C ABI and the nginx module, where text leaves as bytes.

use alloc::string::String;

use crate::json::{Str, Value};

/// Why a value was not exported as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportError {
    /// `null`, an object, or an array holding one of those or a nested array.
    WrongType,
    /// The text would hold a control byte, or a joined array would be ambiguous; the
    /// detail names which.
    Unsafe(&'static str),
}

impl ExportError {
    /// A one-line description.
    pub const fn describe(self) -> &'static str {
        match self {
            ExportError::WrongType => "the claim is null, an object, or an array of those (read its JSON text instead)",
            ExportError::Unsafe(detail) => detail,
        }
    }
}

const CONTROL: ExportError = ExportError::Unsafe("the value contains a control character (CR, LF, NUL, ...)");
const SEPARATOR_IN_ELEMENT: ExportError =
    ExportError::Unsafe("an array element contains the separator, so the joined text would be ambiguous");
const EMPTY_SEPARATOR: ExportError =
    ExportError::Unsafe("several array elements cannot be joined without a separator unambiguously");
const CONTROL_SEPARATOR: ExportError = ExportError::Unsafe("the separator contains a control character");

/// True when `text` holds no byte below 0x20 and no 0x7f (DEL).
pub fn is_safe(text: &str) -> bool {
    !text.bytes().any(|b| b < 0x20 || b == 0x7f)
}

/// `text` itself when it [`is_safe`], else [`ExportError::Unsafe`]; for key ids and
/// other single strings read from a token.
pub fn text(text: &str) -> Result<&str, ExportError> {
    if is_safe(text) {
        Ok(text)
    } else {
        Err(CONTROL)
    }
}

/// A JSON string, unescaped, if it [`is_safe`].
pub fn string(s: Str<'_>) -> Result<String, ExportError> {
    let mut out = String::with_capacity(s.unescaped_len());
    for c in s.chars() {
        if (c as u32) < 0x20 || c == '\u{7f}' {
            return Err(CONTROL);
        }
        out.push(c);
    }
    Ok(out)
}

/// A claim value as text under the module's rule; array elements are joined with
/// `separator`.
pub fn claim_text(value: Value<'_>, separator: &str) -> Result<String, ExportError> {
    let Value::Array(array) = value else {
        let mut out = String::new();
        push_scalar(value, &mut out)?;
        return Ok(out);
    };
    if !is_safe(separator) {
        return Err(CONTROL_SEPARATOR);
    }
    let mut out = String::new();
    for (i, element) in array.iter().enumerate() {
        if i > 0 {
            if separator.is_empty() {
                return Err(EMPTY_SEPARATOR);
            }
            out.push_str(separator);
        }
        let start = out.len();
        push_scalar(element, &mut out)?;
        if !separator.is_empty() && out.get(start..).is_some_and(|e| e.contains(separator)) {
            return Err(SEPARATOR_IN_ELEMENT);
        }
    }
    Ok(out)
}

fn push_scalar(value: Value<'_>, out: &mut String) -> Result<(), ExportError> {
    match value {
        Value::String(s) => out.push_str(&string(s)?),
        Value::Number(n) => out.push_str(n.text()),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Null | Value::Object(_) | Value::Array(_) => return Err(ExportError::WrongType),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Object;

    fn export(json: &str, separator: &str) -> Result<String, ExportError> {
        let doc = alloc::format!(r#"{{"v":{json}}}"#);
        let object = Object::parse(doc.as_bytes()).expect("valid JSON");
        claim_text(object.get("v").expect("member"), separator)
    }

    #[test]
    fn scalars_are_exported_exactly() {
        assert_eq!(export(r#""Alice""#, ",").as_deref(), Ok("Alice"));
        assert_eq!(export(r#""a\/b \u00e9""#, ",").as_deref(), Ok("a/b é"));
        assert_eq!(export("1.50", ",").as_deref(), Ok("1.50"));
        assert_eq!(export("true", ",").as_deref(), Ok("true"));
        assert_eq!(export("false", ",").as_deref(), Ok("false"));
        assert_eq!(export("null", ","), Err(ExportError::WrongType));
        assert_eq!(export(r#"{"a":1}"#, ","), Err(ExportError::WrongType));
    }

    /// Every control byte, escaped in JSON, is refused wherever it stands.
    #[test]
    fn control_bytes_are_refused() {
        for byte in (0u32..0x20).chain([0x7f]) {
            let escaped = alloc::format!(r#""Alice\u{byte:04x}X-Admin: true""#);
            assert_eq!(export(&escaped, ","), Err(CONTROL), "byte {byte:#x}");
            let in_array = alloc::format!(r#"["Reader","x\u{byte:04x}"]"#);
            assert_eq!(export(&in_array, ","), Err(CONTROL), "byte {byte:#x} in an array");
        }
        assert_eq!(export(r#""a\r\nb""#, ","), Err(CONTROL));
        assert_eq!(export(r#""\u0000""#, ","), Err(CONTROL));
        assert!(!is_safe("a\tb") && !is_safe("\u{7f}") && is_safe("é ~"));
        assert_eq!(text("kid-1"), Ok("kid-1"));
        assert_eq!(text("kid\r\n1"), Err(CONTROL));
    }

    /// `["Reader,Admin"]` and `["Reader","Admin"]` never export to the same text.
    #[test]
    fn joined_arrays_are_unambiguous() {
        assert_eq!(export(r#"["Reader","Admin"]"#, ",").as_deref(), Ok("Reader,Admin"));
        assert_eq!(export(r#"["Reader,Admin"]"#, ","), Err(SEPARATOR_IN_ELEMENT));
        assert_eq!(export(r#"["Reader, Admin"]"#, ", "), Err(SEPARATOR_IN_ELEMENT));
        assert_eq!(export(r#"["Reader, Admin"]"#, ";").as_deref(), Ok("Reader, Admin"));
        assert_eq!(export(r#"["a","b"]"#, ""), Err(EMPTY_SEPARATOR));
        assert_eq!(export(r#"["ab"]"#, "").as_deref(), Ok("ab"));
        assert_eq!(export(r#"["a","b"]"#, "\n"), Err(CONTROL_SEPARATOR));
        assert_eq!(export(r#"[1,true,"x"]"#, " ").as_deref(), Ok("1 true x"));
        assert_eq!(export("[]", ",").as_deref(), Ok(""));
        assert_eq!(export(r#"[["a"]]"#, ","), Err(ExportError::WrongType));
        assert_eq!(export(r#"[null]"#, ","), Err(ExportError::WrongType));
    }
}
