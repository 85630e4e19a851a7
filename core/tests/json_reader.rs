//! Black-box tests of the strict JSON reader (`jwtguard_core::json`), public API only.

use jwtguard_core::json::{JsonError, Object, Value, MAX_DEPTH, MAX_MEMBERS};

// ---------------------------------------------------------------------------------
// Helpers.

fn parse_err(doc: &[u8]) -> Option<JsonError> {
    Object::parse(doc).err()
}

fn must_parse(doc: &[u8]) -> Object<'_> {
    match Object::parse(doc) {
        Ok(o) => o,
        Err(e) => panic!("{:?} rejected: {e:?}", String::from_utf8_lossy(doc)),
    }
}

#[track_caller]
fn assert_ok(doc: &str) {
    let o = must_parse(doc.as_bytes());
    assert_eq!(o.raw(), doc.trim_matches(|c| " \t\r\n".contains(c)).as_bytes());
}

#[track_caller]
fn assert_err(doc: impl AsRef<[u8]>, want: JsonError) {
    let doc = doc.as_ref();
    assert_eq!(parse_err(doc), Some(want), "doc {:?}", String::from_utf8_lossy(doc));
}

/// Wraps a value as the member `"v"` of a top-level object.
fn member(v: &str) -> String {
    format!("{{\"v\":{v}}}")
}

fn nested_objects(depth: usize) -> String {
    // depth 1 = `{}`
    let mut s = String::new();
    for _ in 1..depth {
        s.push_str("{\"a\":");
    }
    s.push_str("{}");
    for _ in 1..depth {
        s.push('}');
    }
    s
}

fn nested_arrays_in_object(depth: usize) -> String {
    // the object is depth 1, so `depth - 1` arrays
    let mut s = String::from("{\"a\":");
    for _ in 1..depth {
        s.push('[');
    }
    for _ in 1..depth {
        s.push(']');
    }
    s.push('}');
    s
}

fn object_with_members(n: usize) -> String {
    let mut s = String::from("{");
    for i in 0..n {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&format!("\"m{i}\":{i}"));
    }
    s.push('}');
    s
}

fn unescape(s: jwtguard_core::json::Str<'_>) -> String {
    let mut buf = vec![0u8; s.unescaped_len()];
    s.unescape_into(&mut buf).expect("exact-size buffer").to_owned()
}

fn get_str(o: &Object<'_>, name: &str) -> String {
    match o.get(name) {
        Some(Value::String(s)) => unescape(s),
        other => panic!("member {name:?}: {other:?}"),
    }
}

/// Raw text of a value, for identity comparisons (None for literals).
fn value_raw<'a>(v: &Value<'a>) -> Option<&'a [u8]> {
    match *v {
        Value::String(s) => Some(s.raw()),
        Value::Number(n) => Some(n.text().as_bytes()),
        Value::Object(o) => Some(o.raw()),
        Value::Array(a) => Some(a.raw()),
        Value::Bool(_) | Value::Null => None,
    }
}

fn same_value(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        _ => match (value_raw(a), value_raw(b)) {
            (Some(x), Some(y)) => core::ptr::eq(x, y),
            _ => false,
        },
    }
}

// ---------------------------------------------------------------------------------
// Accepted documents.

#[test]
fn rfc8259_valid_documents() {
    for doc in [
        "{}",
        "{\"a\":[]}",
        "{\"a\":{}}",
        "{\"a\":-0}",
        "{\"a\":1.0e+5}",
        "{\"a\":\"\"}",
        "{\"\":1}",
        "{\"a\":true,\"b\":false,\"c\":null}",
        "{\"a\":[1,\"x\",true,false,null,{},[],{\"b\":[{}]}]}",
        " \t\r\n{ \t\r\n\"a\" \t\r\n: \t\r\n[ \t\r\n1 \t\r\n, \t\r\n2 \t\r\n] \t\r\n} \t\r\n",
        "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u00E9\\uD83D\\ude00\"}",
        "{\"a\":\"\u{7f} é 😀 日本\"}",
        "{\"a\":\"\\u0000\"}",
    ] {
        assert_ok(doc);
    }
}

#[test]
fn valid_numbers() {
    for n in [
        "0",
        "-0",
        "1",
        "-1",
        "10",
        "1234567890",
        "0.0",
        "-0.0",
        "1.5",
        "0.000001",
        "1e5",
        "1E5",
        "1e+5",
        "1e-5",
        "1E+05",
        "1.0e+5",
        "-0.0e0",
        "123456789012345678901234567890",
        "1e999999",
    ] {
        let doc = member(n);
        let o = must_parse(doc.as_bytes());
        match o.get("v") {
            Some(Value::Number(num)) => assert_eq!(num.text(), n),
            other => panic!("{n}: {other:?}"),
        }
        // also as an array element and before a closing bracket / comma
        let doc = format!("{{\"v\":[{n},{n}],\"w\":{n}}}");
        let o = must_parse(doc.as_bytes());
        let texts: Vec<&str> = o
            .get("v")
            .and_then(|v| v.as_array())
            .expect("array")
            .iter()
            .map(|v| v.as_number().expect("number").text())
            .collect();
        assert_eq!(texts, [n, n]);
        assert_eq!(o.get("w").and_then(|v| v.as_number()).map(|x| x.text()), Some(n));
    }
}

// ---------------------------------------------------------------------------------
// Every error variant.

#[test]
fn number_errors() {
    for n in [
        "01",
        "-01",
        "00",
        "1.",
        "-1.",
        ".5",
        "-.5",
        "+1",
        "+0",
        "1e",
        "1E",
        "1e+",
        "1e-",
        "-",
        "--1",
        "1.e5",
        "1.5.",
        "1.2.3",
        "1e5.5",
        "1e5e5",
        "1ee5",
        "- 1",
        "-Infinity",
        "0-1",
        "1+",
        "-a",
        "007",
    ] {
        assert_err(member(n), JsonError::Number);
        assert_err(format!("{{\"v\":[{n}]}}"), JsonError::Number);
    }
}

#[test]
fn syntax_errors() {
    for doc in [
        "",
        " ",
        " \t\r\n",
        "{",
        "{\"a\"",
        "{\"a\":",
        "{\"a\":1",
        "{\"a\":1,",
        "{\"a\":1,}",
        "{\"a\":[1,]}",
        "{\"a\":[,1]}",
        "{\"a\":[1 2]}",
        "{\"a\":[1",
        "{,}",
        "{,\"a\":1}",
        "{'a':1}",
        "{\"a\":'x'}",
        "{\"a\" 1}",
        "{\"a\"::1}",
        "{\"a\":1 \"b\":2}",
        "{\"a\":1;\"b\":2}",
        "{a:1}",
        "{1:1}",
        "{\"a\":NaN}",
        "{\"a\":Infinity}",
        "{\"a\":nan}",
        "{\"a\":tru}",
        "{\"a\":True}",
        "{\"a\":nul}",
        "{\"a\":fals}",
        "{\"a\":truex}",
        "{\"a\":nullnull}",
        "{\"a\":undefined}",
        "{\"a\":\"x}",
        "{\"a\":\"x\\\"}",
        "{\"a\":0x10}",
        "{/*c*/}",
        "{\"a\":1//c\n}",
        "{\"a\":\"\\x41\"}",
        "{\"a\":\"\\a\"}",
        "{\"a\":\"\\'\"}",
        "{\"a\":\"\\U0041\"}",
        "{\"a\":\"\\u12\"}",
        "{\"a\":\"\\u12G4\"}",
        "{\"a\":\"\\u 123\"}",
        "{\"a\":\"\\",
        "{\"a\":\"\\u",
        "{\"a\":\"\\u00\"}",
        "{\"a\\x\":1}",
        "{\"a\":é}",
        "{\"a\":}",
        "{:1}",
        "}",
        "]",
        ":",
        "{}}",
    ] {
        let want = if doc == "{}}" { JsonError::TrailingData } else { JsonError::Syntax };
        assert_err(doc, want);
    }
}

#[test]
fn bare_control_characters_in_strings_are_syntax_errors() {
    for b in 0u8..0x20 {
        let doc = [b"{\"a\":\"x".as_slice(), &[b], b"y\"}"].concat();
        assert_err(&doc, JsonError::Syntax);
        let doc = [b"{\"x".as_slice(), &[b], b"\":1}"].concat();
        assert_err(&doc, JsonError::Syntax);
    }
    // DEL and escaped control characters are fine.
    let o = must_parse(b"{\"a\":\"\x7f\\u001f\\u0000\"}");
    assert_eq!(get_str(&o, "a"), "\u{7f}\u{1f}\u{0}");
}

#[test]
fn only_json_whitespace_is_whitespace() {
    for ws in [&b"\x0c"[..], b"\x0b", b"\xc2\xa0", b"\xef\xbb\xbf", b"\xe2\x80\x80", b"\x00"] {
        assert_err([ws, b"{}"].concat(), JsonError::Syntax);
        assert_err([b"{".as_slice(), ws, b"}"].concat(), JsonError::Syntax);
        assert_err([b"{\"a\":".as_slice(), ws, b"1}"].concat(), JsonError::Syntax);
        assert_err([b"{}".as_slice(), ws].concat(), JsonError::TrailingData);
    }
    for ws in [" ", "\t", "\r", "\n", " \t\r\n \n"] {
        let doc = format!("{ws}{{{ws}\"a\"{ws}:{ws}[{ws}1{ws},{ws}2{ws}]{ws},{ws}\"b\"{ws}:{ws}{{{ws}}}{ws}}}{ws}");
        let o = must_parse(doc.as_bytes());
        assert_eq!(o.members().count(), 2);
        assert_eq!(o.get("a").and_then(|v| v.as_array()).map(|a| a.iter().count()), Some(2));
        assert!(o.raw().starts_with(b"{") && o.raw().ends_with(b"}"));
    }
}

#[test]
fn encoding_errors() {
    let bad_utf8: [&[u8]; 14] = [
        b"\xc0\x80",         // overlong NUL
        b"\xc1\xbf",         // overlong
        b"\xe0\x80\xaf",     // overlong '/'
        b"\xf0\x80\x80\xaf", // overlong '/'
        b"\xed\xa0\x80",     // raw surrogate U+D800
        b"\xed\xbf\xbf",     // raw surrogate U+DFFF
        b"\xf4\x90\x80\x80", // > U+10FFFF
        b"\xf8\x88\x80\x80\x80",
        b"\xff",
        b"\xfe",
        b"\x80",     // lone continuation
        b"\xc3",     // truncated
        b"\xe2\x82", // truncated
        b"a\xc3(b",  // bad continuation
    ];
    for bad in bad_utf8 {
        assert_err([b"{\"a\":\"".as_slice(), bad, b"\"}"].concat(), JsonError::Encoding);
        assert_err([b"{\"".as_slice(), bad, b"\":1}"].concat(), JsonError::Encoding);
        assert_err([b"{\"a\":[\"x".as_slice(), bad, b"\"]}"].concat(), JsonError::Encoding);
    }
    for esc in [
        r"\ud800",
        r"\uD800",
        r"\udbff",
        r"\udc00",
        r"\uDFFF",
        r"\udc00\ud800", // reversed pair
        r"\ud800\ud800", // two highs
        r"\ud800\u0041",
        r"\ud800\n",
        r"\ud800x",
        r"\ud800\udbff",
        r"x\udfffy",
    ] {
        assert_err(member(&format!("\"{esc}\"")), JsonError::Encoding);
        assert_err(format!("{{\"{esc}\":1}}"), JsonError::Encoding);
    }
}

#[test]
fn not_an_object() {
    for doc in ["[]", "[1,2]", " [ ] ", "1", "-0", "\"s\"", "true", "false", "null", "[] x", "[{\"a\":1}]"] {
        assert_err(doc, JsonError::NotAnObject);
    }
    // A top-level value is still validated first.
    assert_err("[1,]", JsonError::Syntax);
    assert_err("01", JsonError::Number);
    assert_err("\"\\ud800\"", JsonError::Encoding);
    assert_err("[{\"a\":1,\"a\":2}]", JsonError::DuplicateMember);
}

#[test]
fn trailing_data() {
    for doc in [
        "{} x",
        "{}{}",
        "{},",
        "{} \n 1",
        "{}]",
        "{}\"",
        "{\"a\":1}}",
        "{} {\"a\":1}",
        "{}null",
        "{\"a\":1}/*c*/",
        "{}//",
    ] {
        assert_err(doc, JsonError::TrailingData);
    }
    assert_err(b"{}\0", JsonError::TrailingData);
    assert_err(b"{}\xff", JsonError::TrailingData);
    assert_ok("{} \t\r\n");
}

#[test]
fn depth_limit() {
    assert_eq!(MAX_DEPTH, 16);
    let ok = nested_objects(MAX_DEPTH);
    let o = must_parse(ok.as_bytes());
    // walk all the way down
    let mut cur = o;
    for _ in 1..MAX_DEPTH {
        cur = cur.get("a").and_then(|v| v.as_object()).expect("nested object");
    }
    assert_eq!(cur.raw(), b"{}");
    assert_err(nested_objects(MAX_DEPTH + 1), JsonError::TooDeep);
    assert_err(nested_objects(MAX_DEPTH + 50), JsonError::TooDeep);

    let ok = nested_arrays_in_object(MAX_DEPTH);
    must_parse(ok.as_bytes());
    assert_err(nested_arrays_in_object(MAX_DEPTH + 1), JsonError::TooDeep);

    // mixed: object, then alternating arrays and objects
    let mut open = String::from("{\"a\":");
    let mut close = String::from("}");
    for d in 2..=MAX_DEPTH {
        if d % 2 == 0 {
            open.push('[');
            close.insert(0, ']');
        } else {
            open.push_str("{\"b\":");
            close.insert(0, '}');
        }
    }
    let ok = format!("{open}1{close}");
    must_parse(ok.as_bytes());
    let too_deep = format!("{open}[1]{close}");
    assert_err(too_deep, JsonError::TooDeep);
    let too_deep = format!("{open}{{}}{close}");
    assert_err(too_deep, JsonError::TooDeep);
    // scalars at the deepest level do not count as depth
    let ok = format!("{open}\"deep\"{close}");
    must_parse(ok.as_bytes());
}

#[test]
fn huge_nesting_fails_fast_without_stack_overflow() {
    let start = std::time::Instant::now();
    for doc in [
        "[".repeat(10_000).into_bytes(),
        "{".repeat(10_000).into_bytes(),
        "[".repeat(1 << 20).into_bytes(),
        format!("{{\"a\":{}", "[".repeat(1 << 20)).into_bytes(),
        "{\"a\":".repeat(1 << 18).into_bytes(),
        "[{\"a\":".repeat(1 << 17).into_bytes(),
    ] {
        let e = parse_err(&doc);
        // `{{{{` fails on the second byte: a member name must follow `{`.
        let want = if doc.starts_with(b"{{") { JsonError::Syntax } else { JsonError::TooDeep };
        assert_eq!(e, Some(want));
    }
    // Nothing past the 17th level is even looked at, so this is instant even in debug.
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn member_limit() {
    assert_eq!(MAX_MEMBERS, 128);
    let ok = object_with_members(MAX_MEMBERS);
    let o = must_parse(ok.as_bytes());
    assert_eq!(o.members().count(), MAX_MEMBERS);
    assert_eq!(o.get("m127").and_then(|v| v.as_number()).map(|n| n.text()), Some("127"));
    assert_err(object_with_members(MAX_MEMBERS + 1), JsonError::TooManyMembers);
    assert_err(object_with_members(10_000), JsonError::TooManyMembers);
    // nested objects have their own limit
    let nested = format!("{{\"x\":{}}}", object_with_members(MAX_MEMBERS + 1));
    assert_err(nested, JsonError::TooManyMembers);
    let in_array = format!("{{\"x\":[{},{}]}}", object_with_members(1), object_with_members(129));
    assert_err(in_array, JsonError::TooManyMembers);
    // 128 members each holding a 128-member object: fine
    let inner = object_with_members(MAX_MEMBERS);
    let mut doc = String::from("{");
    for i in 0..MAX_MEMBERS {
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(&format!("\"o{i}\":{inner}"));
    }
    doc.push('}');
    let o = must_parse(doc.as_bytes());
    assert_eq!(o.members().count(), MAX_MEMBERS);
    let last = o.get("o127").and_then(|v| v.as_object()).expect("object");
    assert_eq!(last.members().count(), MAX_MEMBERS);
    // arrays are not limited by MAX_MEMBERS
    let arr = format!("{{\"a\":[{}]}}", vec!["1"; 10_000].join(","));
    let o = must_parse(arr.as_bytes());
    assert_eq!(o.get("a").and_then(|v| v.as_array()).map(|a| a.iter().count()), Some(10_000));
}

#[test]
fn duplicate_members() {
    for doc in [
        r#"{"a":1,"a":2}"#,
        r#"{"a":1,"a":1}"#,
        r#"{"":1,"":2}"#,
        r#"{"a":1,"\u0061":2}"#,
        r#"{"\u0061":1,"a":2}"#,
        r#"{"\u0061":1,"\u0061":2}"#,
        r#"{"/":1,"\/":2}"#,
        r#"{"\/":1,"/":2}"#,
        r#"{"\/":1,"\u002f":2}"#,
        r#"{"é":1,"\u00e9":2}"#,
        r#"{"\u00E9":1,"\u00e9":2}"#,
        r#"{"😀":1,"\ud83d\ude00":2}"#,
        r#"{"\uD83D\uDE00":1,"😀":2}"#,
        r#"{"\uD83D\uDE00":1,"\ud83d\ude00":2}"#,
        r#"{"a\nb":1,"a\u000ab":2}"#,
        r#"{"a\"b":1,"a\u0022b":2}"#,
        r#"{"a\\b":1,"a\u005cb":2}"#,
        r#"{"x":1,"aud":2,"y":3,"\u0061ud":4}"#,
        r#"{"x":{"a":1,"a":2}}"#,
        r#"{"x":[{"a":1,"\u0061":2}]}"#,
        r#"{"x":{"y":{"z":[1,{"k":1,"k":2}]}}}"#,
        r#"{"a":{},"a":{}}"#,
    ] {
        assert_err(doc, JsonError::DuplicateMember);
    }
    // first and last of 128
    let mut doc = object_with_members(MAX_MEMBERS - 1);
    doc.pop();
    doc.push_str(",\"m\\u0030\":0}");
    assert_err(doc, JsonError::DuplicateMember);
}

#[test]
fn near_duplicates_are_accepted() {
    for (doc, members) in [
        (r#"{"a":1,"A":2}"#, 2),
        (r#"{"a":1,"a ":2}"#, 2),
        (r#"{"a":1,"ab":2}"#, 2),
        (r#"{"ab":1,"a":2}"#, 2),
        (r#"{"a":1,"\u0062":2}"#, 2),
        (r#"{"e\u0301":1,"é":2}"#, 2),
        (r#"{"\ud83d\ude00":1,"\ud83d\ude01":2}"#, 2),
        (r#"{"\u0000":1,"":2}"#, 2),
        (r#"{"\\u0061":1,"a":2}"#, 2),
        (r#"{"\/":1,"\\/":2}"#, 2),
        (r#"{"a":{"a":1}}"#, 1),
        (r#"{"x":{"a":1},"y":{"a":1}}"#, 2),
        (r#"{"x":[{"a":1},{"a":1}]}"#, 1),
    ] {
        let o = must_parse(doc.as_bytes());
        assert_eq!(o.members().count(), members, "{doc}");
    }
}

#[test]
fn first_error_in_document_order_wins() {
    assert_err(r#"{"a":01,"a":1}"#, JsonError::Number);
    assert_err(r#"{"a":1,"a":01}"#, JsonError::DuplicateMember);
    assert_err(r#"{"a":"\ud800","b":x}"#, JsonError::Encoding);
    assert_err(r#"{"a":x,"b":"\ud800"}"#, JsonError::Syntax);
}

#[test]
fn garbage_in_unread_members_is_rejected() {
    assert_err(r#"{"alg":"RS256","x":garbage}"#, JsonError::Syntax);
    assert_err(r#"{"alg":"RS256","x":"\ud800"}"#, JsonError::Encoding);
    assert_err(r#"{"alg":"RS256","x":01}"#, JsonError::Number);
    assert_err(r#"{"alg":"RS256","x":{"y":[1,]}}"#, JsonError::Syntax);
    assert_err(r#"{"alg":"RS256","x":{"k":1,"k":2}}"#, JsonError::DuplicateMember);
    assert_err(b"{\"alg\":\"RS256\",\"x\":\"\xff\"}", JsonError::Encoding);
}

#[test]
fn describe_is_distinct_for_every_variant() {
    let all = [
        JsonError::Syntax,
        JsonError::Encoding,
        JsonError::NotAnObject,
        JsonError::TrailingData,
        JsonError::TooDeep,
        JsonError::TooManyMembers,
        JsonError::DuplicateMember,
        JsonError::Number,
    ];
    let mut seen = std::collections::HashSet::new();
    for e in all {
        assert!(!e.describe().is_empty());
        assert!(seen.insert(e.describe()));
    }
}

// ---------------------------------------------------------------------------------
// Reading.

#[test]
fn unescaping() {
    let doc = r#"{"iss":"https:\/\/sts.windows.net\/","\u0061ud":"api","e":"\ud83d\ude00","all":"\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC","plain":"h\u00e9llo w\u00f6rld","raw":"é😀"}"#;
    let o = must_parse(doc.as_bytes());
    let iss = o.get("iss").and_then(|v| v.as_str()).expect("iss");
    assert!(iss.eq_str("https://sts.windows.net/"));
    assert!(!iss.eq_str("https://sts.windows.net"));
    assert!(!iss.eq_str("https://sts.windows.net//"));
    assert!(!iss.eq_str(r"https:\/\/sts.windows.net\/"));
    assert_eq!(iss.as_plain(), None);
    assert_eq!(iss.raw(), br"https:\/\/sts.windows.net\/");
    assert_eq!(iss.unescaped_len(), "https://sts.windows.net/".len());
    assert_eq!(iss.chars().collect::<String>(), "https://sts.windows.net/");

    assert_eq!(get_str(&o, "aud"), "api");
    assert!(o.get("\\u0061ud").is_none());
    assert!(o.get("au").is_none());
    assert!(o.get("audx").is_none());

    let e = o.get("e").and_then(|v| v.as_str()).expect("e");
    assert_eq!(e.chars().collect::<Vec<_>>(), ['😀']);
    assert!(e.eq_str("😀"));
    assert_eq!(e.unescaped_len(), 4);
    assert_eq!(get_str(&o, "e"), "😀");

    let all = "\"\\/\u{8}\u{c}\n\r\tAé€";
    assert_eq!(get_str(&o, "all"), all);
    assert!(o.get("all").and_then(|v| v.as_str()).expect("all").eq_str(all));
    assert_eq!(get_str(&o, "plain"), "héllo wörld");

    let raw = o.get("raw").and_then(|v| v.as_str()).expect("raw");
    assert_eq!(raw.as_plain(), Some("é😀"));
    assert_eq!(raw.chars().collect::<String>(), "é😀");
    assert!(raw.eq_str("é😀"));
    assert_eq!(raw.unescaped_len(), "é😀".len());
}

#[test]
fn unescape_into_buffer_sizes() {
    let o = must_parse(br#"{"s":"a\u00e9\ud83d\ude00b","p":"plain","e":""}"#);
    let s = o.get("s").and_then(|v| v.as_str()).expect("s");
    let want = "aé😀b";
    assert_eq!(s.unescaped_len(), want.len());
    let mut buf = [0u8; 64];
    assert_eq!(s.unescape_into(&mut buf), Some(want));
    let mut exact = vec![0u8; want.len()];
    assert_eq!(s.unescape_into(&mut exact), Some(want));
    for short in 0..want.len() {
        let mut small = vec![0u8; short];
        assert_eq!(s.unescape_into(&mut small), None, "size {short}");
    }
    let p = o.get("p").and_then(|v| v.as_str()).expect("p");
    assert_eq!(p.as_plain(), Some("plain"));
    assert_eq!(p.unescape_into(&mut [0u8; 5]), Some("plain"));
    assert_eq!(p.unescape_into(&mut [0u8; 4]), None);
    let e = o.get("e").and_then(|v| v.as_str()).expect("e");
    assert_eq!(e.unescape_into(&mut []), Some(""));
    assert_eq!(e.unescaped_len(), 0);
    assert!(e.eq_str(""));
    assert!(!e.eq_str("x"));
    assert_eq!(e.as_plain(), Some(""));
    assert_eq!(e.chars().count(), 0);
}

#[test]
fn members_in_document_order() {
    let doc = br#"{ "z" : 1 , "a" : "two" , "m" : [ 3 ] , "b" : { "c" : null } , "t" : true , "f" : false , "n" : null , "\u0041" : -4.5e1 }"#;
    let o = must_parse(doc);
    let names: Vec<String> = o.members().map(|(k, _)| unescape(k)).collect();
    assert_eq!(names, ["z", "a", "m", "b", "t", "f", "n", "A"]);
    let mut it = o.members();
    let (_, v) = it.next().expect("z");
    assert_eq!(v.as_number().map(|n| n.text()), Some("1"));
    let (_, v) = it.next().expect("a");
    assert!(v.as_str().expect("str").eq_str("two"));
    let (_, v) = it.next().expect("m");
    assert_eq!(v.as_array().expect("array").raw(), b"[ 3 ]");
    let (_, v) = it.next().expect("b");
    assert_eq!(v.as_object().expect("object").raw(), br#"{ "c" : null }"#);
    assert_eq!(it.next().map(|(_, v)| v.as_bool()), Some(Some(true)));
    assert_eq!(it.next().map(|(_, v)| v.as_bool()), Some(Some(false)));
    assert_eq!(it.next().map(|(_, v)| v.is_null()), Some(true));
    let (_, v) = it.next().expect("A");
    assert_eq!(v.as_number().map(|n| n.text()), Some("-4.5e1"));
    assert!(it.next().is_none());
    assert!(it.next().is_none());
    // get finds the same values
    for (k, v) in o.members() {
        let found = o.get(&unescape(k)).expect("get");
        assert!(same_value(&v, &found));
    }
    assert!(must_parse(b"{}").members().next().is_none());
    assert!(must_parse(b" { \n } ").get("").is_none());
}

#[test]
fn array_iteration_in_order() {
    let o = must_parse(br#"{"a":[ 1 , "x\n" , [ 2 , [ ] ] , { "k" : [ "]" ] } , true , false , null , -0.5 , "}" ] }"#);
    let arr = o.get("a").and_then(|v| v.as_array()).expect("array");
    let items: Vec<Value<'_>> = arr.iter().collect();
    assert_eq!(items.len(), 9);
    assert_eq!(items[0].as_number().map(|n| n.text()), Some("1"));
    assert_eq!(unescape(items[1].as_str().expect("str")), "x\n");
    let inner = items[2].as_array().expect("inner");
    assert_eq!(inner.raw(), b"[ 2 , [ ] ]");
    let inner_items: Vec<_> = inner.iter().collect();
    assert_eq!(inner_items.len(), 2);
    assert_eq!(inner_items[1].as_array().map(|a| a.iter().count()), Some(0));
    let obj = items[3].as_object().expect("obj");
    let k = obj.get("k").and_then(|v| v.as_array()).expect("k");
    assert_eq!(k.iter().next().and_then(|v| v.as_str()).and_then(|s| s.as_plain()), Some("]"));
    assert_eq!(items[4].as_bool(), Some(true));
    assert_eq!(items[5].as_bool(), Some(false));
    assert!(items[6].is_null());
    assert_eq!(items[7].as_number().map(|n| n.text()), Some("-0.5"));
    assert_eq!(items[8].as_str().and_then(|s| s.as_plain()), Some("}"));
    let empty = must_parse(br#"{"a":[]}"#);
    assert_eq!(empty.get("a").and_then(|v| v.as_array()).map(|a| a.iter().count()), Some(0));
}

#[test]
fn nested_get_and_brackets_inside_strings() {
    let doc = br#"{"a":"{[","b":{"c":{"d":["x",{"e":"\"}]"}]},"f":2},"g":"]}"}"#;
    let o = must_parse(doc);
    assert_eq!(get_str(&o, "a"), "{[");
    assert_eq!(get_str(&o, "g"), "]}");
    let b = o.get("b").and_then(|v| v.as_object()).expect("b");
    assert_eq!(b.get("f").and_then(|v| v.as_number()).and_then(|n| n.as_i64()), Some(2));
    let d = b.get("c").and_then(|v| v.as_object()).and_then(|c| c.get("d")).and_then(|v| v.as_array()).expect("d");
    let e = d.iter().nth(1).and_then(|v| v.as_object()).expect("e obj");
    assert_eq!(get_str(&e, "e"), "\"}]");
    assert!(o.get("c").is_none(), "nested names are not top-level members");
    assert!(o.get("e").is_none());
}

#[test]
fn value_helpers_and_integers() {
    let o = must_parse(br#"{"s":"x","o":{},"a":[],"n":12,"t":true,"z":null}"#);
    let get = |k: &str| o.get(k).expect(k);
    assert!(get("s").as_str().is_some() && get("s").as_object().is_none());
    assert!(get("o").as_object().is_some() && get("o").as_array().is_none());
    assert!(get("a").as_array().is_some() && get("a").as_number().is_none());
    assert!(get("n").as_number().is_some() && get("n").as_bool().is_none());
    assert_eq!(get("t").as_bool(), Some(true));
    assert!(get("z").is_null() && !get("t").is_null());
    for (text, want) in [
        ("0", Some(0)),
        ("-0", Some(0)),
        ("1700000000", Some(1_700_000_000)),
        ("-42", Some(-42)),
        ("9223372036854775807", Some(i64::MAX)),
        ("-9223372036854775808", Some(i64::MIN)),
        ("9223372036854775808", None),
        ("-9223372036854775809", None),
        ("99999999999999999999999", None),
        ("1.0", None),
        ("1e3", None),
        ("1.5", None),
    ] {
        let doc = member(text);
        let o = must_parse(doc.as_bytes());
        let n = o.get("v").and_then(|v| v.as_number()).expect("number");
        assert_eq!(n.as_i64(), want, "{text}");
    }
}

#[test]
fn large_valid_documents() {
    // 1 MB string value with escapes sprinkled in.
    let chunk = r"abcdefghij\u00e9\n\/\ud83d\ude00";
    let body = chunk.repeat((1 << 20) / chunk.len());
    let doc = format!(r#"{{"alg":"RS256","big":"{body}","z":1}}"#);
    let o = must_parse(doc.as_bytes());
    let big = o.get("big").and_then(|v| v.as_str()).expect("big");
    let unit = "abcdefghijé\n/😀";
    let n = (1 << 20) / chunk.len();
    assert_eq!(big.unescaped_len(), unit.len() * n);
    assert!(big.eq_str(&unit.repeat(n)));
    assert_eq!(o.get("z").and_then(|v| v.as_number()).map(|n| n.text()), Some("1"));
    // Many members with long names sharing a prefix (exercises the duplicate check).
    let prefix = "p".repeat(4096);
    let mut doc = String::from("{");
    for i in 0..MAX_MEMBERS {
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(&format!("\"{prefix}{i:03}\":{i}"));
    }
    doc.push('}');
    let o = must_parse(doc.as_bytes());
    assert_eq!(o.get(&format!("{prefix}127")).and_then(|v| v.as_number()).map(|n| n.text()), Some("127"));
    // ... and again with one name re-spelled with an escape.
    let dup = doc.replacen(&format!("{prefix}000"), &format!("{prefix}\\u0030\\u00300"), 1);
    let dup = dup.replacen(&format!("{prefix}001\""), &format!("{prefix}000\""), 1);
    assert_err(dup, JsonError::DuplicateMember);
}

// ---------------------------------------------------------------------------------
// Randomised robustness and differential testing against serde_json.

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const ALPHABET: &[u8] =
    b"{}[]:,\"\\/ \t\r\nabefnrtu0123456789-+.eEtruefalsenull\x00\x1f\x7f\xc3\xa9\xed\xa0\x80\xf0\x9f\x98\x80\xff";

fn gen_ws(r: &mut XorShift, out: &mut String) {
    if r.chance(3) {
        for _ in 0..r.below(3) {
            out.push([' ', '\t', '\r', '\n'][r.below(4)]);
        }
    }
}

fn gen_string_body(r: &mut XorShift, out: &mut String) {
    for _ in 0..r.below(8) {
        match r.below(12) {
            0 => out.push_str(["\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t"][r.below(8)]),
            1 => out.push_str(&format!("\\u{:04x}", r.below(0xD800))),
            2 => out.push_str(&format!("\\u{:04X}", 0xE000 + r.below(0x2000))),
            3 => {
                let hi = 0xD800 + r.below(0x400);
                let lo = 0xDC00 + r.below(0x400);
                out.push_str(&format!("\\u{hi:04x}\\u{lo:04X}"));
            }
            4 => out.push(['é', '😀', '日', '\u{7f}', 'ß'][r.below(5)]),
            _ => out.push((b'a' + r.below(26) as u8) as char),
        }
    }
}

fn gen_name(r: &mut XorShift, index: usize, out: &mut String) {
    // unique per object via the index, sometimes spelled with escapes
    out.push('"');
    if r.chance(2) {
        out.push_str(["a", "\\u0061", "é", "\\u00e9", "\\/", "/"][r.below(6)]);
    }
    for c in format!("k{index}").chars() {
        if r.chance(4) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.push('"');
}

fn gen_value(r: &mut XorShift, depth: usize, out: &mut String) {
    let pick = if depth >= MAX_DEPTH + 2 { 5 + r.below(5) } else { r.below(10) };
    match pick {
        0..=1 => gen_object(r, depth, out),
        2..=3 => {
            out.push('[');
            gen_ws(r, out);
            let n = r.below(4);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                    gen_ws(r, out);
                }
                gen_value(r, depth + 1, out);
                gen_ws(r, out);
            }
            out.push(']');
        }
        4..=5 => {
            out.push('"');
            gen_string_body(r, out);
            out.push('"');
        }
        6..=7 => {
            let n = ["0", "-0", "1", "-12", "3.25", "1e5", "-2.5E-3", "1E+2", "1700000000", "0.0"][r.below(10)];
            out.push_str(n);
        }
        _ => out.push_str(["true", "false", "null"][r.below(3)]),
    }
}

fn gen_object(r: &mut XorShift, depth: usize, out: &mut String) {
    out.push('{');
    gen_ws(r, out);
    let n = r.below(5);
    for i in 0..n {
        if i > 0 {
            out.push(',');
            gen_ws(r, out);
        }
        gen_name(r, i, out);
        gen_ws(r, out);
        out.push(':');
        gen_ws(r, out);
        gen_value(r, depth + 1, out);
        gen_ws(r, out);
    }
    out.push('}');
}

fn mutate(r: &mut XorShift, doc: &mut Vec<u8>) {
    for _ in 0..1 + r.below(3) {
        let len = doc.len();
        match r.below(6) {
            0 if len > 0 => {
                let i = r.below(len);
                doc[i] = ALPHABET[r.below(ALPHABET.len())];
            }
            1 if len > 0 => {
                doc.remove(r.below(len));
            }
            2 => {
                let i = r.below(len + 1);
                doc.insert(i, ALPHABET[r.below(ALPHABET.len())]);
            }
            3 if len > 1 => {
                // duplicate a span (makes duplicate members, deeper nesting, ...)
                let a = r.below(len);
                let b = (a + 1 + r.below(16)).min(len);
                let span = doc[a..b].to_vec();
                let at = r.below(len + 1);
                doc.splice(at..at, span);
            }
            4 if len > 0 => {
                doc.truncate(r.below(len));
            }
            _ => {
                let i = r.below(len + 1);
                doc.insert(i, r.next() as u8);
            }
        }
    }
}

/// Checks a parsed object against serde_json's reading of the same document.
fn check_against_serde(o: &Object<'_>, expected: &serde_json::Map<String, serde_json::Value>) {
    assert_eq!(o.members().count(), expected.len(), "member count (no duplicates)");
    for (k, v) in o.members() {
        let name = unescape(k);
        assert_eq!(k.unescaped_len(), name.len());
        assert_eq!(k.chars().collect::<String>(), name);
        assert!(k.eq_str(&name));
        let found = o.get(&name).expect("get() finds every member");
        assert!(same_value(&v, &found), "get({name:?}) returned another value");
        check_value(&v, expected.get(&name).expect("serde has the member"));
    }
}

fn check_value(v: &Value<'_>, expected: &serde_json::Value) {
    use serde_json::Value as J;
    match (v, expected) {
        (Value::Null, J::Null) => {}
        (Value::Bool(a), J::Bool(b)) => assert_eq!(a, b),
        (Value::Number(n), J::Number(m)) => {
            if let (Some(a), Some(b)) = (n.as_i64(), m.as_i64()) {
                assert_eq!(a, b);
            }
        }
        (Value::String(s), J::String(t)) => {
            assert_eq!(&unescape(*s), t);
            assert!(s.eq_str(t));
        }
        (Value::Array(a), J::Array(b)) => {
            assert_eq!(a.iter().count(), b.len());
            for (x, y) in a.iter().zip(b) {
                check_value(&x, y);
            }
        }
        (Value::Object(o), J::Object(m)) => check_against_serde(o, m),
        (a, b) => panic!("type mismatch: {a:?} vs {b:?}"),
    }
}

/// Runs one document through the parser and, where possible, cross-checks serde_json.
/// Returns whether it parsed.
fn run_one(doc: &[u8]) -> bool {
    let ours = Object::parse(doc);
    let theirs = serde_json::from_slice::<serde_json::Value>(doc);
    match (&ours, &theirs) {
        (Ok(o), Ok(serde_json::Value::Object(m))) => check_against_serde(o, m),
        (Ok(_), Ok(other)) => panic!("serde read a non-object {other:?}"),
        (Ok(_), Err(e)) => assert!(
            e.to_string().contains("number out of range"),
            "we accepted what serde_json rejects ({e}): {:?}",
            String::from_utf8_lossy(doc)
        ),
        (Err(e), Ok(v)) => {
            let allowed: &[JsonError] = if v.is_object() {
                &[JsonError::TooDeep, JsonError::TooManyMembers, JsonError::DuplicateMember]
            } else {
                &[JsonError::NotAnObject, JsonError::TooDeep, JsonError::TooManyMembers, JsonError::DuplicateMember]
            };
            assert!(
                allowed.contains(e),
                "we rejected ({e:?}) what serde_json accepts: {:?}",
                String::from_utf8_lossy(doc)
            );
        }
        (Err(_), Err(_)) => {}
    }
    ours.is_ok()
}

#[test]
fn generated_documents_parse_and_match_serde_json() {
    let mut r = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    for _ in 0..3000 {
        let mut doc = String::new();
        gen_ws(&mut r, &mut doc);
        gen_object(&mut r, 1, &mut doc);
        gen_ws(&mut r, &mut doc);
        let ok = run_one(doc.as_bytes());
        // the generator only nests to MAX_DEPTH + 2, so a few may be too deep
        if !ok {
            assert_eq!(parse_err(doc.as_bytes()), Some(JsonError::TooDeep), "{doc}");
        } else {
            parsed += 1;
        }
    }
    assert!(parsed > 2500, "parsed only {parsed}");
}

#[test]
fn mutated_documents_never_panic_and_agree_with_serde_json() {
    let mut r = XorShift(0x2545_f491_4f6c_dd1d);
    let (mut parsed, mut rejected) = (0, 0);
    for _ in 0..6000 {
        let mut doc = String::new();
        gen_object(&mut r, 1, &mut doc);
        let mut doc = doc.into_bytes();
        mutate(&mut r, &mut doc);
        if run_one(&doc) {
            parsed += 1;
        } else {
            rejected += 1;
        }
    }
    // both outcomes must actually be exercised
    assert!(parsed > 300, "parsed {parsed}");
    assert!(rejected > 3000, "rejected {rejected}");
}

#[test]
fn random_bytes_never_panic() {
    let mut r = XorShift(0xdead_beef_cafe_f00d);
    let mut kinds = std::collections::HashSet::new();
    for i in 0..4000 {
        let len = r.below(64);
        let mut doc: Vec<u8> =
            (0..len).map(|_| if r.chance(8) { r.next() as u8 } else { ALPHABET[r.below(ALPHABET.len())] }).collect();
        if i % 2 == 0 {
            doc.insert(0, b'{');
        }
        run_one(&doc);
        if let Some(e) = parse_err(&doc) {
            kinds.insert(format!("{e:?}"));
        }
    }
    // random input hits most of the error kinds
    for k in ["Syntax", "Encoding", "NotAnObject", "Number"] {
        assert!(kinds.contains(k), "never saw {k}: {kinds:?}");
    }
}

#[test]
fn one_megabyte_of_random_input_never_panics() {
    let mut r = XorShift(0x1234_5678_9abc_def1);
    let mut errors = 0;
    for round in 0..8 {
        let doc: Vec<u8> = (0..(1 << 20))
            .map(|_| if round % 2 == 0 { ALPHABET[r.below(ALPHABET.len())] } else { r.next() as u8 })
            .collect();
        let mut doc = doc;
        doc[0] = b'{';
        if Object::parse(&doc).is_err() {
            errors += 1;
        }
    }
    assert_eq!(errors, 8);
    // 1 MB of well-formed but deeply-nested / wide structure: every prefix of
    // `{"a":[[[...` is rejected, never crashes.
    let mut doc = b"{\"a\":".to_vec();
    doc.extend(std::iter::repeat_n(b"[1,".as_slice(), 1 << 18).flatten());
    assert_eq!(parse_err(&doc), Some(JsonError::TooDeep));
}

#[test]
fn get_json_returns_each_value_exactly_as_written() {
    let doc = br#"{ "s" : "a\"b\u00e9" , "n":-1.5e3,"t":true,"z":null,"a":[1, "x" ,{}],"o":{"k":[]} }"#;
    let o = Object::parse(doc).unwrap();
    assert_eq!(o.get_json("s"), Some(&br#""a\"b\u00e9""#[..]));
    assert_eq!(o.get_json("n"), Some(&b"-1.5e3"[..]));
    assert_eq!(o.get_json("t"), Some(&b"true"[..]));
    assert_eq!(o.get_json("z"), Some(&b"null"[..]));
    assert_eq!(o.get_json("a"), Some(&br#"[1, "x" ,{}]"#[..]));
    assert_eq!(o.get_json("o"), Some(&br#"{"k":[]}"#[..]));
    assert_eq!(o.get_json("missing"), None);
    let escaped = Object::parse(br#"{"\u0061ud":"x"}"#).unwrap();
    assert_eq!(escaped.get_json("aud"), Some(&br#""x""#[..]));
}
