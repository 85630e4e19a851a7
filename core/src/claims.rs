//! Read access to a verified token's claims, borrowing the decoded payload.

use crate::json::{Object, Str, Value};
use crate::numeric_date::{self, Round};

/// The claims of a verified token (the payload's top-level JSON object).
///
/// Member names are compared after JSON unescaping, and the payload was validated
/// strictly (no duplicates), so a name has at most one value.
#[derive(Clone, Copy, Debug)]
pub struct Claims<'a> {
    object: Object<'a>,
}

impl<'a> Claims<'a> {
    pub(crate) fn new(object: Object<'a>) -> Claims<'a> {
        Claims { object }
    }

    /// The value of claim `name`, if present.
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.object.get(name)
    }

    /// Claim `name` when it is a JSON string.
    pub fn string(&self, name: &str) -> Option<Str<'a>> {
        match self.get(name) {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// Claim `name` when it is a JSON number: its exact text.
    pub fn number_text(&self, name: &str) -> Option<&'a str> {
        match self.get(name) {
            Some(Value::Number(n)) => Some(n.text()),
            _ => None,
        }
    }

    /// Claim `name` when it is a JSON boolean.
    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.get(name) {
            Some(Value::Bool(b)) => Some(b),
            _ => None,
        }
    }

    /// Claim `name`'s exact JSON text (strings keep their quotes and escapes).
    pub fn json(&self, name: &str) -> Option<&'a [u8]> {
        self.object.get_json(name)
    }

    /// The subject (`sub`), when a string.
    pub fn subject(&self) -> Option<Str<'a>> {
        self.string("sub")
    }

    /// The issuer (`iss`), when a string.
    pub fn issuer(&self) -> Option<Str<'a>> {
        self.string("iss")
    }

    /// The expiration time (`exp`) in Unix seconds, floored; `None` when absent or
    /// malformed (a verified token's `exp` is never malformed).
    pub fn expiration(&self) -> Option<u64> {
        self.get("exp").and_then(|v| numeric_date::read(v, Round::Down))
    }

    /// The not-before time (`nbf`) in Unix seconds, ceiled.
    pub fn not_before(&self) -> Option<u64> {
        self.get("nbf").and_then(|v| numeric_date::read(v, Round::Up))
    }

    /// The issued-at time (`iat`) in Unix seconds, floored.
    pub fn issued_at(&self) -> Option<u64> {
        self.get("iat").and_then(|v| numeric_date::read(v, Round::Down))
    }

    /// The whole claims object.
    pub fn object(&self) -> Object<'a> {
        self.object
    }

    /// The payload's JSON text.
    pub fn raw(&self) -> &'a [u8] {
        self.object.raw()
    }
}
