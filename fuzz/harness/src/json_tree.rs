//! serde_json as the reference reader, keeping duplicate members (which its own
//! `Value` silently collapses) so the differential target can see them.

use std::fmt;

use jwtguard_core::json::{Object, Value};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON document as serde_json reads it, duplicates kept, numbers not compared.
#[derive(Debug)]
pub enum Tree {
    Null,
    Bool(bool),
    Number,
    String(String),
    Array(Vec<Tree>),
    Object(Vec<(String, Tree)>),
}

/// serde_json's reading of `data`, or `None` when it refuses the document for a reason
/// the strict reader must share (a number out of f64 range is not one: serde_json
/// refuses `1e400`, RFC 8259 does not).
pub fn parse(data: &[u8]) -> Option<Tree> {
    serde_json::from_slice(data).ok()
}

/// True when serde_json refused `data` only because of a number's range.
pub fn refused_for_number_range(data: &[u8]) -> bool {
    serde_json::from_slice::<Tree>(data).is_err_and(|e| e.to_string().contains("number out of range"))
}

impl Tree {
    /// True when some object in the tree has two members with the same name.
    pub fn has_duplicate_member(&self) -> bool {
        match self {
            Tree::Array(items) => items.iter().any(Tree::has_duplicate_member),
            Tree::Object(members) => {
                members.iter().enumerate().any(|(i, (name, _))| members[..i].iter().any(|(n, _)| n == name))
                    || members.iter().any(|(_, v)| v.has_duplicate_member())
            }
            _ => false,
        }
    }
}

/// Asserts that the strict reader's object and serde_json's agree on every member name,
/// every string value and the shape of everything else.
pub fn assert_same_object(ours: Object<'_>, theirs: &Tree) {
    assert_same(Value::Object(ours), theirs);
}

fn assert_same(ours: Value<'_>, theirs: &Tree) {
    match (ours, theirs) {
        (Value::Null, Tree::Null) | (Value::Number(_), Tree::Number) => {}
        (Value::Bool(a), Tree::Bool(b)) => assert_eq!(a, *b),
        (Value::String(a), Tree::String(b)) => assert_eq!(a.chars().collect::<String>(), *b, "string values differ"),
        (Value::Array(a), Tree::Array(b)) => {
            assert_eq!(a.iter().count(), b.len(), "array lengths differ");
            for (x, y) in a.iter().zip(b) {
                assert_same(x, y);
            }
        }
        (Value::Object(a), Tree::Object(b)) => {
            assert_eq!(a.members().count(), b.len(), "member counts differ");
            for ((name, value), (their_name, their_value)) in a.members().zip(b) {
                assert_eq!(name.chars().collect::<String>(), *their_name, "member names differ");
                assert_same(value, their_value);
                assert!(a.get(their_name).is_some(), "get() misses member {their_name:?}");
            }
        }
        (ours, theirs) => panic!("readers disagree on a value's type: {ours:?} vs {theirs:?}"),
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Tree, D::Error> {
        deserializer.deserialize_any(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Tree, E> {
        Ok(Tree::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Tree, E> {
        Ok(Tree::Number)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Tree, E> {
        Ok(Tree::Number)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Tree, E> {
        Ok(Tree::Number)
    }
    fn visit_str<E>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Tree, E> {
        Ok(Tree::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Tree::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut members = Vec::new();
        while let Some((name, value)) = map.next_entry::<String, Tree>()? {
            members.push((name, value));
        }
        Ok(Tree::Object(members))
    }
}
