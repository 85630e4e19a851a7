//! A strict, borrowing, allocation-free JSON reader for attacker-controlled input.
//!
//! Security contract:
//! - [`Object::parse`] validates the *whole* document once, before any value is read:
//!   RFC 8259 syntax only (no comments, no trailing commas, no leading zeros, no
//!   `NaN`, no bare control characters in strings), valid UTF-8, no lone surrogates in
//!   `\u` escapes, top level must be an object, nothing but whitespace after it.
//! - Nesting depth is bounded by [`MAX_DEPTH`]; the depth is checked before descending,
//!   so recursion never exceeds `MAX_DEPTH` frames.
//! - An object may hold at most [`MAX_MEMBERS`] members.
//! - Duplicate member names are rejected in every object at every level, comparing
//!   names *after* unescaping (`{"a":1,"\u0061":2}` is a duplicate).
//! - After validation, lookups compare member names after unescaping, so
//!   `"\u0061ud"` is found by `get("aud")`.
//! - Nothing allocates; every accessor borrows from the input.
//!
//! Implementation notes:
//! - Validation is a single recursive-descent pass. `Parser::value` checks the depth
//!   *before* entering a container, so the recursion is at most [`MAX_DEPTH`] levels of
//!   `value` → `object`/`array` frames, whatever the input (10 000 `[` fail at the 17th).
//! - Each object frame keeps, on the stack, one `(u32 start, u32 hash)` pair per member
//!   name seen so far: a `heapless::Vec<(u32, u32), MAX_MEMBERS>`, 1 KiB, never
//!   zero-filled. Only object frames carry it (`object` is never inlined into
//!   `value`), so the worst case is 16 nested objects,
//!   about 16 KiB plus small frames. `hash` is taken over the *unescaped* UTF-8 name
//!   (`name_hash`) once the name is validated. A 64-bit filter of the object's hashes
//!   lets most names skip the comparisons; otherwise a new name is compared with the
//!   earlier ones of the same object: hashes first (≤ 127 integer compares), and only on
//!   equal hashes a full comparison — raw bytes when neither name has a backslash, else
//!   the unescaped `char` streams. That work is bounded by the member cap.
//! - Readers that want a few members during validation (`Object::parse_visiting`) get
//!   each name with its hash and compare it with hashes computed once
//!   (`KnownName`). The pass is generic over the reader, so each reader is compiled
//!   into its own copy of the top-level object loop (nested objects share the copy
//!   without one), and a 64-bit filter of the wanted names' hashes skips every other
//!   member with one test.
//! - A name of fewer than eight plain ASCII bytes is read, checked and hashed as the
//!   one 8-byte word that holds it and its closing quote. Strings are scanned eight
//!   bytes at a time for a quote, a backslash or a control byte, and remember whether
//!   they hold a backslash, so comparing them never searches for one.
//! - UTF-8 is checked with `core::str::from_utf8` on a string's contents, only when the
//!   string has a byte ≥ 0x80; bytes ≥ 0x80 outside strings are syntax errors.
//! - Accessors (`get`, `members`, `iter`, `chars`, ...) re-scan the validated bytes
//!   lazily. They never index out of bounds; on bytes that are not valid (which the
//!   public API cannot produce) they stop early instead of panicking.
//! - The top-level value is validated like any other value (depth, syntax, ...) before
//!   it is rejected as [`JsonError::NotAnObject`]; documents longer than `u32::MAX`
//!   bytes are rejected as [`JsonError::Syntax`].

use core::iter::FusedIterator;

mod name_hash;
pub(crate) use name_hash::{filter_bit, KnownName, Name};

/// Deepest allowed nesting of arrays and objects (the top-level object is depth 1).
pub const MAX_DEPTH: usize = 16;

/// Most members a single object may hold.
pub const MAX_MEMBERS: usize = 128;

/// Why a document was rejected. Stable, fine-grained, never echoes input bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonError {
    /// Not RFC 8259 syntax (unexpected byte, unterminated string, trailing comma, ...).
    Syntax,
    /// Bytes that are not UTF-8, or a `\u` escape that is a lone surrogate.
    Encoding,
    /// The top-level value is not an object.
    NotAnObject,
    /// Non-whitespace bytes after the top-level object.
    TrailingData,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// An object with more than [`MAX_MEMBERS`] members.
    TooManyMembers,
    /// Two members of one object have the same name after unescaping.
    DuplicateMember,
    /// A number that is not RFC 8259 grammar (`01`, `1.`, `.5`, `+1`, `1e`, `-`).
    Number,
}

impl JsonError {
    /// A short static description, safe to log.
    pub const fn describe(self) -> &'static str {
        match self {
            JsonError::Syntax => "invalid JSON syntax",
            JsonError::Encoding => "invalid UTF-8 or lone surrogate in JSON",
            JsonError::NotAnObject => "JSON document is not an object",
            JsonError::TrailingData => "trailing data after the JSON object",
            JsonError::TooDeep => "JSON nesting too deep",
            JsonError::TooManyMembers => "JSON object has too many members",
            JsonError::DuplicateMember => "duplicate JSON member name",
            JsonError::Number => "malformed JSON number",
        }
    }
}

/// A JSON value borrowed from a validated document.
#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, kept as written.
    Number(Number<'a>),
    /// A string, escapes not yet decoded.
    String(Str<'a>),
    /// An array.
    Array(Array<'a>),
    /// An object.
    Object(Object<'a>),
}

/// A validated JSON object (raw bytes from `{` to `}` inclusive).
#[derive(Clone, Copy, Debug)]
pub struct Object<'a> {
    raw: &'a [u8],
}

/// A validated JSON array (raw bytes from `[` to `]` inclusive).
#[derive(Clone, Copy, Debug)]
pub struct Array<'a> {
    raw: &'a [u8],
}

/// A validated JSON string: the raw bytes *between* the quotes, escapes still in place.
#[derive(Clone, Copy, Debug)]
pub struct Str<'a> {
    raw: &'a [u8],
    /// Whether `raw` holds a backslash (known when the string is found, so comparing
    /// never searches for one).
    escaped: bool,
}

/// A validated JSON number: its exact text as written (RFC 8259 grammar, so ASCII).
#[derive(Clone, Copy, Debug)]
pub struct Number<'a> {
    raw: &'a [u8],
}

impl<'a> Object<'a> {
    /// Validates `doc` completely (see the module contract) and returns its top-level
    /// object. Leading and trailing JSON whitespace is allowed.
    ///
    /// The first error in document order is reported; a valid top-level value that is
    /// not an object is [`JsonError::NotAnObject`] (even if data follows it). An empty or
    /// all-whitespace document is [`JsonError::Syntax`], and so is a document longer
    /// than `u32::MAX` bytes.
    pub fn parse(doc: &'a [u8]) -> Result<Object<'a>, JsonError> {
        Object::parse_inner(doc, &mut Ignore)
    }

    /// [`Object::parse`], calling `visit` with each top-level member as soon as its
    /// value has been validated, in document order: the caller reads the members it
    /// needs during validation instead of scanning the document again. Only members
    /// whose name's [`filter_bit`] is in `filter` are visited (`u64::MAX` for all), so
    /// a reader that wants a few names skips the others at the cost of one test. When
    /// this returns an error, whatever `visit` saw must be discarded (the rest of the
    /// document, perhaps a duplicate of a name already seen, did not validate).
    pub(crate) fn parse_visiting(
        doc: &'a [u8],
        filter: u64,
        visit: impl FnMut(Name<'a>, ValueText<'a>),
    ) -> Result<Object<'a>, JsonError> {
        Object::parse_inner(doc, &mut Visiting { filter, visit })
    }

    /// Generic over the visitor, so that the claim and header readers are compiled into
    /// their own copy of the top-level object's loop (a member costs no call).
    fn parse_inner<V: Visit<'a>>(doc: &'a [u8], visit: &mut V) -> Result<Object<'a>, JsonError> {
        if u32::try_from(doc.len()).is_err() {
            return Err(JsonError::Syntax);
        }
        let mut p = Parser { doc, pos: 0 };
        p.skip_ws();
        let start = p.pos;
        let is_object = if p.peek() == Some(b'{') {
            p.object(1, visit)?;
            true
        } else {
            p.value(1)?
        };
        let end = p.pos;
        if !is_object {
            return Err(JsonError::NotAnObject);
        }
        p.skip_ws();
        if p.pos != doc.len() {
            return Err(JsonError::TrailingData);
        }
        let raw = doc.get(start..end).ok_or(JsonError::Syntax)?;
        Ok(Object { raw })
    }

    /// Rebuilds the view of a document that [`Object::parse`] already accepted, without
    /// validating it again (JSON whitespace around the object is trimmed, so the whole
    /// document or an object's [`Object::raw`] both work). Bytes that were never
    /// validated give meaningless results, but accessors still never panic.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn from_validated(doc: &'a [u8]) -> Object<'a> {
        let mut raw = trim_ws(doc);
        while let [rest @ .., b' ' | b'\t' | b'\n' | b'\r'] = raw {
            raw = rest;
        }
        Object { raw }
    }

    /// The value of the member named `name` (compared after unescaping), if present.
    /// Duplicates cannot exist: validation rejected them.
    pub fn get(&self, name: &str) -> Option<Value<'a>> {
        self.members().find_map(|(key, value)| key.eq_str(name).then_some(value))
    }

    /// The exact JSON text of member `name`'s value (a string with its quotes and
    /// escapes), if present.
    pub fn get_json(&self, name: &str) -> Option<&'a [u8]> {
        let mut members = self.members();
        while let Some((key, _, text)) = members.step_with_text() {
            if key.eq_str(name) {
                return Some(text);
            }
        }
        None
    }

    /// Iterates over `(name, value)` pairs in document order.
    pub fn members(&self) -> Members<'a> {
        Members { rest: self.raw.get(1..).unwrap_or(&[]) }
    }

    /// The raw JSON text of this object, `{` to `}`.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }
}

/// Iterator over an object's members.
#[derive(Clone, Debug)]
pub struct Members<'a> {
    rest: &'a [u8],
}

impl<'a> Members<'a> {
    fn step(&mut self) -> Option<(Str<'a>, Value<'a>)> {
        self.step_with_text().map(|(name, value, _)| (name, value))
    }

    /// Like `step`, also returning the value's exact JSON text.
    fn step_with_text(&mut self) -> Option<(Str<'a>, Value<'a>, &'a [u8])> {
        let mut r = trim_ws(self.rest);
        if let [b',', tail @ ..] = r {
            r = trim_ws(tail);
        }
        let [b'"', tail @ ..] = r else {
            return None;
        };
        let (n, escaped) = string_end(tail)?;
        let name = Str { raw: tail.get(..n)?, escaped };
        let [b':', tail @ ..] = trim_ws(tail.get(n.checked_add(1)?..)?) else {
            return None;
        };
        let value_start = trim_ws(tail);
        let (value, rest) = read_value(value_start)?;
        let text = value_start.get(..value_start.len().checked_sub(rest.len())?)?;
        self.rest = rest;
        Some((name, value, text))
    }
}

impl<'a> Iterator for Members<'a> {
    type Item = (Str<'a>, Value<'a>);
    fn next(&mut self) -> Option<Self::Item> {
        let item = self.step();
        if item.is_none() {
            self.rest = &[];
        }
        item
    }
}

impl FusedIterator for Members<'_> {}

impl<'a> Array<'a> {
    /// Iterates over the elements in document order.
    pub fn iter(&self) -> Elements<'a> {
        Elements { rest: self.raw.get(1..).unwrap_or(&[]) }
    }
    /// The raw JSON text of this array, `[` to `]`.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }
}

/// Iterator over an array's elements.
#[derive(Clone, Debug)]
pub struct Elements<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Elements<'a> {
    type Item = Value<'a>;
    fn next(&mut self) -> Option<Self::Item> {
        let mut r = trim_ws(self.rest);
        if let [b',', tail @ ..] = r {
            r = trim_ws(tail);
        }
        match read_value(r) {
            Some((value, rest)) => {
                self.rest = rest;
                Some(value)
            }
            None => {
                self.rest = &[];
                None
            }
        }
    }
}

impl FusedIterator for Elements<'_> {}

impl<'a> Str<'a> {
    /// The string whose raw contents are `raw` (for tests, where no scan found them).
    #[cfg(test)]
    fn of(raw: &'a [u8]) -> Str<'a> {
        Str { raw, escaped: raw.contains(&b'\\') }
    }

    /// The raw bytes between the quotes, escapes not decoded.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }
    /// Whether the raw bytes hold a backslash (an escape).
    pub(crate) fn has_escapes(&self) -> bool {
        self.escaped
    }
    /// The string as `&str` when it contains no escapes (the common case), else `None`.
    pub fn as_plain(&self) -> Option<&'a str> {
        if self.escaped {
            None
        } else {
            core::str::from_utf8(self.raw).ok()
        }
    }
    /// Iterates over the unescaped characters (surrogate pairs combined).
    pub fn chars(&self) -> Chars<'a> {
        Chars { rest: self.raw }
    }
    /// True when the unescaped string equals `s` exactly (no allocation).
    #[inline]
    pub fn eq_str(&self, s: &str) -> bool {
        // Unescaping only ever shortens a string (`\n` is two bytes for one, `\u00e9`
        // six for two), and at most six escaped bytes stand for one byte of text. So a
        // raw text shorter than `s` never matches, one of the same length matches only
        // when it has no escape and equal bytes, and a longer one only through escapes.
        match self.raw.len().cmp(&s.len()) {
            core::cmp::Ordering::Less => false,
            core::cmp::Ordering::Equal => !self.escaped && self.raw == s.as_bytes(),
            core::cmp::Ordering::Greater => {
                self.escaped && self.raw.len() <= s.len().saturating_mul(6) && self.eq_str_escaped(s)
            }
        }
    }

    /// [`Str::eq_str`] by unescaping.
    #[inline(never)]
    fn eq_str_escaped(&self, s: &str) -> bool {
        let mut rem = s.as_bytes();
        let mut utf8 = [0u8; 4];
        for seg in self.segments() {
            let part: &[u8] = match seg {
                Segment::Run(run) => run,
                Segment::Char(c) => c.encode_utf8(&mut utf8).as_bytes(),
                Segment::Invalid => return false,
            };
            match rem.strip_prefix(part) {
                Some(tail) => rem = tail,
                None => return false,
            }
        }
        rem.is_empty()
    }
    /// Unescapes into `buf` and returns the text, or `None` if `buf` is too small.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Option<&'b str> {
        let mut len = 0usize;
        let mut utf8 = [0u8; 4];
        for seg in self.segments() {
            let part: &[u8] = match seg {
                Segment::Run(run) => run,
                Segment::Char(c) => c.encode_utf8(&mut utf8).as_bytes(),
                Segment::Invalid => return None,
            };
            let end = len.checked_add(part.len())?;
            buf.get_mut(len..end)?.copy_from_slice(part);
            len = end;
        }
        let filled: &'b [u8] = buf;
        core::str::from_utf8(filled.get(..len)?).ok()
    }
    /// Length in bytes of the unescaped UTF-8 text.
    pub fn unescaped_len(&self) -> usize {
        self.segments().fold(0usize, |len, seg| {
            len.saturating_add(match seg {
                Segment::Run(run) => run.len(),
                Segment::Char(c) => c.len_utf8(),
                Segment::Invalid => 0,
            })
        })
    }

    fn segments(&self) -> Segments<'a> {
        Segments { rest: self.raw }
    }
}

/// Iterator over the unescaped characters of a [`Str`].
#[derive(Clone, Debug)]
pub struct Chars<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Chars<'a> {
    type Item = char;
    fn next(&mut self) -> Option<char> {
        let (&b, tail) = self.rest.split_first()?;
        let decoded = if b == b'\\' {
            unescape_one(tail).ok().map(|(c, used)| (c, used.saturating_add(1)))
        } else if b < 0x80 {
            Some((char::from(b), 1))
        } else {
            let width = utf8_width(b);
            self.rest
                .get(..width)
                .and_then(|s| core::str::from_utf8(s).ok())
                .and_then(|s| s.chars().next())
                .map(|c| (c, width))
        };
        match decoded {
            Some((c, used)) => {
                self.rest = self.rest.get(used..).unwrap_or(&[]);
                Some(c)
            }
            None => {
                self.rest = &[];
                None
            }
        }
    }
}

impl FusedIterator for Chars<'_> {}

impl<'a> Number<'a> {
    /// The number exactly as written in the document.
    pub fn text(&self) -> &'a str {
        // Validated numbers are ASCII; only bytes that never went through validation
        // (which the public API cannot produce) read as empty.
        core::str::from_utf8(self.raw).unwrap_or("")
    }

    /// [`Number::text`] as bytes, without the UTF-8 check.
    pub(crate) fn bytes(&self) -> &'a [u8] {
        self.raw
    }

    /// The value as an `i64` when the text is an integer (`-?[0-9]+`, no fraction, no
    /// exponent) that fits; otherwise `None`. (`-0` is `Some(0)`; `1.0` and `1e3` are
    /// `None`: callers that accept those must parse [`Number::text`] themselves.)
    pub fn as_i64(&self) -> Option<i64> {
        let (negative, digits) = match self.raw {
            [b'-', rest @ ..] => (true, rest),
            rest => (false, rest),
        };
        if digits.is_empty() {
            return None;
        }
        let mut value: i64 = 0;
        for &d in digits {
            let d = i64::from(char::from(d).to_digit(10)?);
            value = value.checked_mul(10)?;
            value = if negative { value.checked_sub(d)? } else { value.checked_add(d)? };
        }
        Some(value)
    }
}

impl<'a> Value<'a> {
    /// The string, if this is a JSON string.
    pub fn as_str(&self) -> Option<Str<'a>> {
        match *self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    /// The object, if this is a JSON object.
    pub fn as_object(&self) -> Option<Object<'a>> {
        match *self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    /// The array, if this is a JSON array.
    pub fn as_array(&self) -> Option<Array<'a>> {
        match *self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    /// The number, if this is a JSON number.
    pub fn as_number(&self) -> Option<Number<'a>> {
        match *self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
    /// The boolean, if this is `true` or `false`.
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    /// True when this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

// ---------------------------------------------------------------------------------
// Validation.

/// The validating pass. `pos` never passes `doc.len()` (at most `isize::MAX`): it moves
/// only past bytes that were just read, so the plain additions to it cannot overflow.
struct Parser<'a> {
    doc: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.doc.get(self.pos).copied()
    }

    /// Steps past the byte `peek` just returned (so `pos` stays within the document).
    #[inline]
    fn bump(&mut self) {
        self.pos += 1;
    }

    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.bump();
        }
    }

    /// Validates one value starting exactly at `pos`. `depth` is the depth the value
    /// has if it is a container; it is checked here, before descending. Returns whether
    /// the value is an object.
    fn value(&mut self, depth: usize) -> Result<bool, JsonError> {
        match self.peek() {
            Some(b'{') => {
                if depth > MAX_DEPTH {
                    return Err(JsonError::TooDeep);
                }
                self.object(depth, &mut Ignore)?;
                Ok(true)
            }
            Some(b'[') => {
                if depth > MAX_DEPTH {
                    return Err(JsonError::TooDeep);
                }
                self.array(depth)?;
                Ok(false)
            }
            Some(b'"') => {
                self.string()?;
                Ok(false)
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'+' | b'.' | b'0'..=b'9') => self.number(),
            _ => Err(JsonError::Syntax),
        }
    }

    /// `pos` is at `{`. Never inlined, so only object frames carry the name table.
    /// `visit` receives each member it wants once the member's value is validated
    /// (nested objects get [`Ignore`]).
    #[inline(never)]
    fn object<V: Visit<'a>>(&mut self, depth: usize, visit: &mut V) -> Result<(), JsonError> {
        self.bump();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(());
        }
        // (offset of the name's first content byte, hash of the unescaped name), and
        // a 64-bit filter of the hashes seen: most names find their bit clear and skip
        // the comparisons.
        // Not zero-filled: only the pushed entries are ever read.
        let mut names: heapless::Vec<(u32, u32), MAX_MEMBERS> = heapless::Vec::new();
        let mut seen = 0u64;
        loop {
            if self.peek() != Some(b'"') {
                return Err(JsonError::Syntax);
            }
            if names.is_full() {
                return Err(JsonError::TooManyMembers);
            }
            let start = u32::try_from(self.pos + 1).map_err(|_| JsonError::Syntax)?;
            let name = self.name()?;
            let hash = name.hash();
            let bit = filter_bit(hash);
            if seen & bit != 0 {
                for &(other_start, other_hash) in &names {
                    if other_hash == hash && self.same_name(other_start, name.text().raw()) {
                        return Err(JsonError::DuplicateMember);
                    }
                }
            }
            seen |= bit;
            // Cannot fail: fullness was checked above.
            let _ = names.push((start, hash));

            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(JsonError::Syntax);
            }
            self.bump();
            self.skip_ws();
            let value_start = self.pos;
            // Strings and numbers, most values, without the call to `value`.
            let escaped = match self.peek() {
                Some(b'"') => self.string()?,
                Some(b'0'..=b'9') => self.number()?,
                _ => {
                    self.value(depth.saturating_add(1))?;
                    false
                }
            };
            if V::WANTS_MEMBERS && visit.wants(name.hash()) {
                if let Some(text) = self.doc.get(value_start..self.pos) {
                    visit.member(name, ValueText { text, escaped });
                }
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.bump();
                    self.skip_ws();
                }
                Some(b'}') => {
                    self.bump();
                    return Ok(());
                }
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    /// Whether the (already validated) name starting at `other_start` equals `name`
    /// after unescaping.
    fn same_name(&self, other_start: u32, name: &[u8]) -> bool {
        let Ok(other_start) = usize::try_from(other_start) else {
            return false;
        };
        let Some(rest) = self.doc.get(other_start..) else {
            return false;
        };
        let Some(other) = string_end(rest).and_then(|(n, _)| rest.get(..n)) else {
            return false;
        };
        if !name.contains(&b'\\') && !other.contains(&b'\\') {
            return name == other;
        }
        Chars { rest: name }.eq(Chars { rest: other })
    }

    /// `pos` is at `[`.
    fn array(&mut self, depth: usize) -> Result<(), JsonError> {
        self.bump();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(());
        }
        loop {
            self.value(depth.saturating_add(1))?;
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.bump();
                    self.skip_ws();
                }
                Some(b']') => {
                    self.bump();
                    return Ok(());
                }
                _ => return Err(JsonError::Syntax),
            }
        }
    }

    /// `pos` is at the opening quote; leaves `pos` just past the closing quote and
    /// returns whether the contents hold an escape. Inlined into its callers (names
    /// and values) in hosted builds: most strings are short, so the call would cost
    /// more than the scan. `no_std` builds (firmware, WebAssembly) keep one copy, for
    /// size.
    #[cfg_attr(feature = "std", inline(always))]
    fn string(&mut self) -> Result<bool, JsonError> {
        let doc = self.doc;
        let start = self.pos + 1;
        let mut i = start;
        let mut high = 0u64;
        let mut escaped = false;
        loop {
            // Plain bytes (no quote, backslash or control byte), eight at a time while
            // eight remain; the last few bytes of the document go one at a time below.
            // `plain` counts bytes within `rest`, so it never passes the document's end.
            let rest = doc.get(i..).unwrap_or(&[]);
            let mut plain = 0usize;
            for word in rest.chunks_exact(8) {
                let Ok(word) = <[u8; 8]>::try_from(word).map(u64::from_le_bytes) else { break };
                high |= word;
                let special = special_bytes(word);
                if special != 0 {
                    // The lowest flagged byte is exactly the first special one.
                    plain += special.trailing_zeros() as usize / 8;
                    break;
                }
                plain += 8;
            }
            i += plain;
            let Some(&b) = doc.get(i) else {
                return Err(JsonError::Syntax);
            };
            match b {
                b'"' => break,
                b'\\' => {
                    let after = doc.get(i + 1..).unwrap_or(&[]);
                    let (_, used) = unescape_one(after)?;
                    escaped = true;
                    i += 1 + used;
                }
                0..=0x1f => return Err(JsonError::Syntax),
                _ => {
                    high |= u64::from(b);
                    i += 1;
                }
            }
        }
        // Words may reach past the closing quote: a high bit there only costs an exact
        // check of the contents, which is what decides.
        if high & 0x8080_8080_8080_8080 != 0 {
            check_utf8(doc.get(start..i))?;
        }
        self.pos = i + 1;
        Ok(escaped)
    }

    /// `pos` is at a member name's opening quote: validates it like any string and
    /// returns it with the hash of its unescaped text.
    #[cfg_attr(feature = "std", inline(always))]
    fn name(&mut self) -> Result<Name<'a>, JsonError> {
        let start = self.pos + 1;
        // Most names are short ASCII words ("iss", "exp", "roles"): when the closing
        // quote is among the next eight bytes and no byte before it is special or
        // above 0x7f, the word just read is the name and gives its hash at once.
        if let Some(word) = self.doc.get(start..).and_then(<[u8]>::first_chunk::<8>) {
            let word = u64::from_le_bytes(*word);
            let len = (special_bytes(word).trailing_zeros() / 8) as usize;
            if len < 8 && (word >> (8 * len)) as u8 == b'"' {
                let text = word & ((1u64 << (8 * len)) - 1);
                if text & 0x8080_8080_8080_8080 == 0 {
                    let end = start + len;
                    let raw = self.doc.get(start..end).ok_or(JsonError::Syntax)?;
                    self.pos = end + 1;
                    return Ok(Name::new(Str { raw, escaped: false }, name_hash::of_short(text, len)));
                }
            }
        }
        let escaped = self.string()?;
        let end = self.pos - 1;
        let raw = self.doc.get(start..end).ok_or(JsonError::Syntax)?;
        let text = Str { raw, escaped };
        let hash = if escaped { name_hash::of_escaped(text) } else { name_hash::of_text_in(self.doc, start, end) };
        Ok(Name::new(text, hash))
    }

    fn literal(&mut self, lit: &[u8]) -> Result<bool, JsonError> {
        match self.doc.get(self.pos..) {
            Some(rest) if rest.starts_with(lit) => {
                self.pos = self.pos.saturating_add(lit.len());
                Ok(false)
            }
            _ => Err(JsonError::Syntax),
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, not followed by another
    /// number character (so `01`, `1.2.3` and `1e5e` are number errors, not syntax).
    fn number(&mut self) -> Result<bool, JsonError> {
        let d = self.doc;
        let is_digit = |i: usize| matches!(d.get(i), Some(b'0'..=b'9'));
        let skip_digits = |i: usize| skip_digits(d, i);
        let mut i = self.pos;
        if d.get(i) == Some(&b'-') {
            i = i.saturating_add(1);
        }
        match d.get(i) {
            Some(b'0') => i = i.saturating_add(1),
            Some(b'1'..=b'9') => i = skip_digits(i.saturating_add(1)),
            _ => return Err(JsonError::Number),
        }
        if d.get(i) == Some(&b'.') {
            i = i.saturating_add(1);
            if !is_digit(i) {
                return Err(JsonError::Number);
            }
            i = skip_digits(i);
        }
        if let Some(b'e' | b'E') = d.get(i) {
            i = i.saturating_add(1);
            if let Some(b'+' | b'-') = d.get(i) {
                i = i.saturating_add(1);
            }
            if !is_digit(i) {
                return Err(JsonError::Number);
            }
            i = skip_digits(i);
        }
        if let Some(b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') = d.get(i) {
            return Err(JsonError::Number);
        }
        self.pos = i;
        Ok(false)
    }
}

/// The index of the first byte at or after `i` that is not an ASCII digit (or the
/// document's end): eight bytes at a time while eight remain (a `NumericDate` is ten
/// digits), then one at a time.
#[inline]
fn skip_digits(doc: &[u8], mut i: usize) -> usize {
    while let Some(word) = doc.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let others = non_digit_bytes(u64::from_le_bytes(*word));
        if others != 0 {
            return i + others.trailing_zeros() as usize / 8;
        }
        i += 8;
    }
    while let Some(b'0'..=b'9') = doc.get(i) {
        i += 1;
    }
    i
}

/// Flags (top bit) the bytes of `word` that are not ASCII digits. After xor-ing with
/// `'0'` a digit is a byte below 10, and adding 0x76 carries into the top bit exactly
/// the bytes from 10 up; a byte already at 0x80 or above is flagged by the or. A
/// carry out of a byte can only flag a byte above one that is flagged already, so the
/// lowest flagged byte is exactly the first non-digit.
#[inline]
fn non_digit_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let x = word ^ (ONES * u64::from(b'0'));
    (x.wrapping_add(ONES * 0x76) | x) & (ONES * 0x80)
}

/// The UTF-8 check of a string's contents, kept out of line (few strings need it).
#[inline(never)]
fn check_utf8(contents: Option<&[u8]>) -> Result<(), JsonError> {
    let contents = contents.ok_or(JsonError::Syntax)?;
    core::str::from_utf8(contents).map(|_| ()).map_err(|_| JsonError::Encoding)
}

/// Flags the bytes of `word` (little-endian) that end a plain run inside a string: a
/// quote, a backslash or a control byte (below 0x20); bytes from 0x80 up are not
/// special here (UTF-8 is checked separately). Built on the classic "has a byte below
/// n" test, `(x - n·0x01..) & !x & 0x80..` (exact for n ≤ 0x80, bytes from 0x80 up never
/// flagged): xor-ing each byte with 0x02 maps the quote (0x22) to 0x20 and the control
/// bytes onto themselves, so one test below 0x21 finds both; a second finds the
/// backslash as a zero byte of `word ^ '\\'`. Zero exactly when no byte is special;
/// otherwise the lowest set bit is the top bit of the first special byte (a borrow can
/// flag a byte falsely only above a truly special one).
#[inline]
fn special_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let quote_or_control = word ^ (ONES * 0x02);
    let quote_or_control = quote_or_control.wrapping_sub(ONES * 0x21) & !quote_or_control;
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let backslash = backslash.wrapping_sub(ONES) & !backslash;
    (quote_or_control | backslash) & HIGHS
}

/// Decodes the escape after a backslash (`s` starts just past the `\`). Returns the
/// character and how many bytes of `s` it used (1, 5, or 11 for a surrogate pair).
/// Malformed escapes are `Syntax`; lone or misordered surrogates are `Encoding`.
fn unescape_one(s: &[u8]) -> Result<(char, usize), JsonError> {
    let c = match s.first() {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => {
            let hi = hex4(s.get(1..5))?;
            return match hi {
                0xD800..=0xDBFF => {
                    if s.get(5..7) != Some(b"\\u".as_slice()) {
                        return Err(JsonError::Encoding);
                    }
                    let lo = hex4(s.get(7..11))?;
                    if !(0xDC00..=0xDFFF).contains(&lo) {
                        return Err(JsonError::Encoding);
                    }
                    // hi, lo are in range, so this is 0x10000..=0x10FFFF.
                    let cp = (((hi & 0x3FF) << 10) | (lo & 0x3FF)).saturating_add(0x10000);
                    char::from_u32(cp).map(|c| (c, 11)).ok_or(JsonError::Encoding)
                }
                0xDC00..=0xDFFF => Err(JsonError::Encoding),
                _ => char::from_u32(hi).map(|c| (c, 5)).ok_or(JsonError::Encoding),
            };
        }
        _ => return Err(JsonError::Syntax),
    };
    Ok((c, 1))
}

/// Four hex digits (either case) → value; anything else is `Syntax`.
fn hex4(s: Option<&[u8]>) -> Result<u32, JsonError> {
    let s = s.ok_or(JsonError::Syntax)?;
    let mut v = 0u32;
    for &b in s {
        let d = char::from(b).to_digit(16).ok_or(JsonError::Syntax)?;
        v = (v << 4) | d;
    }
    Ok(v)
}

// ---------------------------------------------------------------------------------
// Lazy readers over validated bytes. None of these can panic; on invalid bytes they
// return `None`.

#[inline]
fn trim_ws(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b'\n' | b'\r', rest @ ..] = s {
        s = rest;
    }
    s
}

/// `s` starts just past an opening quote; the index of the closing quote, and whether
/// a backslash comes before it.
#[inline]
fn string_end(s: &[u8]) -> Option<(usize, bool)> {
    let mut i = 0usize;
    let mut escaped = false;
    loop {
        let offset = s.get(i..)?.iter().position(|&b| b == b'"' || b == b'\\')?;
        i = i.checked_add(offset)?;
        if s.get(i) == Some(&b'"') {
            return Some((i, escaped));
        }
        escaped = true;
        i = i.checked_add(2)?;
    }
}

/// `s` starts at `{` or `[`; the length of the container text, through its closing
/// bracket.
fn container_end(s: &[u8]) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = 0usize;
    loop {
        match *s.get(i)? {
            b'"' => {
                let start = i.checked_add(1)?;
                i = start.checked_add(string_end(s.get(start..)?)?.0)?;
            }
            b'{' | b'[' => depth = depth.checked_add(1)?,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return i.checked_add(1);
                }
            }
            _ => {}
        }
        i = i.checked_add(1)?;
    }
}

/// Reads the value at the start of `s` (no leading whitespace) and returns it with the
/// bytes after it.
fn read_value(s: &[u8]) -> Option<(Value<'_>, &[u8])> {
    let split = |n: usize| Some((s.get(..n)?, s.get(n..)?));
    match *s.first()? {
        b'"' => {
            let body = s.get(1..)?;
            let (n, escaped) = string_end(body)?;
            Some((Value::String(Str { raw: body.get(..n)?, escaped }), body.get(n.checked_add(1)?..)?))
        }
        b'{' => {
            let (raw, rest) = split(container_end(s)?)?;
            Some((Value::Object(Object { raw }), rest))
        }
        b'[' => {
            let (raw, rest) = split(container_end(s)?)?;
            Some((Value::Array(Array { raw }), rest))
        }
        b't' => Some((Value::Bool(true), s.strip_prefix(b"true")?)),
        b'f' => Some((Value::Bool(false), s.strip_prefix(b"false")?)),
        b'n' => Some((Value::Null, s.strip_prefix(b"null")?)),
        b'-' | b'0'..=b'9' => {
            let n =
                s.iter().position(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')).unwrap_or(s.len());
            let (raw, rest) = split(n)?;
            Some((Value::Number(Number { raw }), rest))
        }
        _ => None,
    }
}

/// Validates `doc` the way the header and claim readers do (members visited during
/// validation) and checks what those readers rely on, for each top-level member: its
/// name is the [`KnownName`] of its own unescaped text, and a string value equals its
/// own unescaped text and knows whether it holds an escape. `None` when `doc` does not
/// validate, `Some(false)` on any disagreement. For the fuzz targets.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) fn visited_members_agree(doc: &[u8]) -> Option<bool> {
    let mut agree = true;
    let mut buf = [0u8; 1024];
    Object::parse_visiting(doc, u64::MAX, |name, value| {
        let text = name.text();
        agree &= text.has_escapes() == text.raw().contains(&b'\\');
        if let Some(unescaped) = text.unescape_into(&mut buf) {
            agree &= name.is(&KnownName::new(unescaped));
        }
        if let Some(Value::String(s)) = value.value() {
            agree &= s.has_escapes() == s.raw().contains(&b'\\');
            if let Some(unescaped) = s.unescape_into(&mut buf) {
                agree &= s.eq_str(unescaped);
            }
        }
    })
    .ok()?;
    Some(agree)
}

/// What the validating pass tells about each member of the top-level object.
trait Visit<'a> {
    /// False when `member` does nothing, so that the text of values is not even sliced.
    const WANTS_MEMBERS: bool;
    /// False when the member whose name has this hash is surely not wanted (checked
    /// before anything is gathered for `member`).
    fn wants(&self, hash: u32) -> bool;
    fn member(&mut self, name: Name<'a>, value: ValueText<'a>);
}

/// Validation alone ([`Object::parse`], and every nested object).
struct Ignore;

impl<'a> Visit<'a> for Ignore {
    const WANTS_MEMBERS: bool = false;
    fn wants(&self, _: u32) -> bool {
        false
    }
    #[inline(always)]
    fn member(&mut self, _: Name<'a>, _: ValueText<'a>) {}
}

/// A reader's function, called with each top-level member whose name's
/// [`filter_bit`] is in the filter ([`Object::parse_visiting`]).
struct Visiting<F> {
    filter: u64,
    visit: F,
}

impl<'a, F: FnMut(Name<'a>, ValueText<'a>)> Visit<'a> for Visiting<F> {
    const WANTS_MEMBERS: bool = true;
    #[inline(always)]
    fn wants(&self, hash: u32) -> bool {
        self.filter & filter_bit(hash) != 0
    }
    #[inline(always)]
    fn member(&mut self, name: Name<'a>, value: ValueText<'a>) {
        (self.visit)(name, value);
    }
}

/// The exact text of a member's value that validation just accepted, read into a
/// [`Value`] only when the visitor wants it.
#[derive(Clone, Copy)]
pub(crate) struct ValueText<'a> {
    text: &'a [u8],
    /// For a string, whether it holds a backslash.
    escaped: bool,
}

impl<'a> ValueText<'a> {
    /// The value (`None` only for text that never went through validation).
    pub(crate) fn value(self) -> Option<Value<'a>> {
        validated_value(self.text, self.escaped)
    }
}

/// The value whose complete, validated text is `text` (no surrounding whitespace);
/// `escaped` tells whether a string value holds a backslash.
fn validated_value(text: &[u8], escaped: bool) -> Option<Value<'_>> {
    Some(match *text.first()? {
        b'"' => Value::String(Str { raw: text.get(1..text.len().checked_sub(1)?)?, escaped }),
        b'{' => Value::Object(Object { raw: text }),
        b'[' => Value::Array(Array { raw: text }),
        b't' => Value::Bool(true),
        b'f' => Value::Bool(false),
        b'n' => Value::Null,
        _ => Value::Number(Number { raw: text }),
    })
}

/// Width of the UTF-8 sequence led by `b` (0 if `b` cannot lead one).
#[inline]
fn utf8_width(b: u8) -> usize {
    match b {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 0,
    }
}

/// A piece of a string's unescaped text: a run of raw bytes without backslashes, one
/// escaped character, or (only on unvalidated bytes) a bad escape, which ends it.
enum Segment<'a> {
    Run(&'a [u8]),
    Char(char),
    Invalid,
}

struct Segments<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Segments<'a> {
    type Item = Segment<'a>;
    fn next(&mut self) -> Option<Segment<'a>> {
        let (&first, tail) = self.rest.split_first()?;
        if first == b'\\' {
            match unescape_one(tail) {
                Ok((c, used)) => {
                    self.rest = tail.get(used..).unwrap_or(&[]);
                    Some(Segment::Char(c))
                }
                Err(_) => {
                    self.rest = &[];
                    Some(Segment::Invalid)
                }
            }
        } else {
            let n = self.rest.iter().position(|&b| b == b'\\').unwrap_or(self.rest.len());
            let (run, rest) = self.rest.split_at_checked(n)?;
            self.rest = rest;
            Some(Segment::Run(run))
        }
    }
}

#[cfg(test)]
mod tests {
    //! Internal tests: the duplicate check's hash and slow path, accessor robustness on
    //! bytes that never went through validation, and the stack bound. Behavioural tests
    //! of the public API are in `tests/json_reader.rs`.
    extern crate std;

    use super::*;
    use std::collections::HashMap;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    fn name_hash(quoted: &[u8]) -> u32 {
        let mut p = Parser { doc: quoted, pos: 0 };
        let h = p.name().expect("valid string").hash();
        assert_eq!(p.pos, quoted.len());
        h
    }

    fn escaped(s: &str) -> String {
        s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect()
    }

    #[test]
    fn name_hash_is_over_unescaped_text() {
        assert_eq!(name_hash(br#""aud""#), name_hash(br#""\u0061ud""#));
        assert_eq!(name_hash(br#""/""#), name_hash(br#""\/""#));
        assert_eq!(name_hash("\"é\"".as_bytes()), name_hash(br#""\u00E9""#));
        assert_eq!(name_hash("\"😀\"".as_bytes()), name_hash(br#""\ud83d\uDE00""#));
        assert_ne!(name_hash(br#""aud""#), name_hash(br#""aue""#));
        assert_ne!(name_hash(br#""""#), name_hash(br#""\u0000""#));
    }

    /// Two distinct names with the same hash, found by brute force.
    fn colliding_names() -> (String, String) {
        let mut seen: HashMap<u32, String> = HashMap::new();
        for i in 0u32.. {
            let name = format!("n{i:x}");
            let h = name_hash(format!("\"{name}\"").as_bytes());
            if let Some(other) = seen.insert(h, name.clone()) {
                return (other, name);
            }
        }
        unreachable!()
    }

    #[test]
    fn hash_collisions_fall_back_to_a_full_comparison() {
        let (a, b) = colliding_names();
        assert_ne!(a, b);
        let (ea, eb) = (escaped(&a), escaped(&b));
        assert_eq!(name_hash(format!("\"{a}\"").as_bytes()), name_hash(format!("\"{eb}\"").as_bytes()));
        // equal hashes, different names: accepted, both plain and escaped
        for (x, y) in [(&a, &b), (&a, &eb), (&ea, &b), (&ea, &eb)] {
            let doc = format!("{{\"{x}\":1,\"{y}\":2}}");
            let o = Object::parse(doc.as_bytes()).expect("distinct names");
            assert_eq!(o.get(&a).and_then(|v| v.as_number()).map(|n| n.text()), Some("1"));
            assert_eq!(o.get(&b).and_then(|v| v.as_number()).map(|n| n.text()), Some("2"));
        }
        // equal hashes, equal names: rejected
        for (x, y) in [(&a, &a), (&a, &ea), (&ea, &a), (&eb, &b)] {
            let doc = format!("{{\"{x}\":1,\"{y}\":2}}");
            assert_eq!(Object::parse(doc.as_bytes()).err(), Some(JsonError::DuplicateMember));
        }
    }

    /// The word-at-a-time scan flags exactly the strings' special bytes, and its lowest
    /// flag is the first one, whatever the other bytes are.
    #[test]
    fn special_byte_scan_matches_a_bytewise_scan() {
        let is_special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        let first_special = |word: u64| {
            let special = special_bytes(word);
            (special != 0).then(|| special.trailing_zeros() as usize / 8)
        };
        let reference = |bytes: [u8; 8]| bytes.iter().position(|&b| is_special(b));
        // Every byte value at every position, among plain and among special neighbours.
        for fill in [b'a', 0xff, 0x80, b' ', 0x00, b'"'] {
            for position in 0..8 {
                for value in 0..=255u8 {
                    let mut bytes = [fill; 8];
                    bytes[position] = value;
                    assert_eq!(first_special(u64::from_le_bytes(bytes)), reference(bytes), "{bytes:?}");
                }
            }
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            assert_eq!(first_special(x), reference(x.to_le_bytes()), "{:?}", x.to_le_bytes());
        }
    }

    /// `eq_str`'s length shortcuts agree with comparing unescaped text.
    #[test]
    fn string_equality_shortcuts_agree_with_unescaping() {
        let cases: [(&[u8], &str, bool); 12] = [
            (b"aud", "aud", true),
            (b"aud", "aue", false),
            (b"au", "aud", false),
            (b"\\n", "\\n", false),
            (b"\\n", "\n", true),
            (b"\\u0061", "a", true),
            (b"\\u0061\\u0061", "a", false),
            (b"\\ud83d\\ude00", "\u{1F600}", true),
            (b"\\u00e9", "\u{e9}", true),
            (b"a\\/b", "a/b", true),
            (b"abcd", "abc", false),
            (b"", "", true),
        ];
        let mut buf = [0u8; 16];
        for (raw, text, expected) in cases {
            let s = Str::of(raw);
            assert_eq!(s.eq_str(text), expected, "{raw:?} vs {text:?}");
            assert_eq!(s.unescape_into(&mut buf) == Some(text), expected, "{raw:?} unescaped");
        }
    }

    #[test]
    fn escape_errors_are_classified() {
        assert_eq!(unescape_one(b"n"), Ok(('\n', 1)));
        assert_eq!(unescape_one(b"u00e9"), Ok(('é', 5)));
        assert_eq!(unescape_one(b"uD83D\\uDE00"), Ok(('😀', 11)));
        assert_eq!(unescape_one(b"udbff\\udfff"), Ok(('\u{10FFFF}', 11)));
        assert_eq!(unescape_one(b"ud800\\udc00"), Ok(('\u{10000}', 11)));
        assert_eq!(unescape_one(b""), Err(JsonError::Syntax));
        assert_eq!(unescape_one(b"x"), Err(JsonError::Syntax));
        assert_eq!(unescape_one(b"u12"), Err(JsonError::Syntax));
        assert_eq!(unescape_one(b"u+123"), Err(JsonError::Syntax));
        assert_eq!(unescape_one("u12é".as_bytes()), Err(JsonError::Syntax));
        assert_eq!(unescape_one(b"ud800"), Err(JsonError::Encoding));
        assert_eq!(unescape_one(b"ud800\\"), Err(JsonError::Encoding));
        assert_eq!(unescape_one(b"ud800\\u"), Err(JsonError::Syntax));
        assert_eq!(unescape_one(b"ud800\\u00"), Err(JsonError::Syntax));
        assert_eq!(unescape_one(b"ud800\\u0041"), Err(JsonError::Encoding));
        assert_eq!(unescape_one(b"ud800\\ud800"), Err(JsonError::Encoding));
        assert_eq!(unescape_one(b"udc00"), Err(JsonError::Encoding));
    }

    /// Names and string values read during validation compare equal to their own
    /// text, whether written plainly, with escapes, short or long.
    #[test]
    fn visited_members_know_their_text() {
        for doc in [
            &br#"{"aud":"x","\u0061ud":1}"#[..],
            br#"{"a":"b","preferred_username":"\u00e9t\u00e9","":"","k\"q":"\\"}"#,
            br#"{"n":1.5e3,"o":{"p":[true,null]},"exactly8":"12345678","x":"\ud83d\ude00"}"#,
            "{\"\u{e9}t\u{e9}\":\"caf\u{e9}\",\"s\":\"sp ace\"}".as_bytes(),
        ] {
            let valid = Object::parse(doc).is_ok();
            assert_eq!(visited_members_agree(doc), valid.then_some(true), "{}", String::from_utf8_lossy(doc));
        }
        assert_eq!(visited_members_agree(br#"{"aud":"x","\u0061ud":1}"#), None, "a duplicate is refused");
    }

    /// The word-at-a-time digit scan agrees with a byte-at-a-time one at every byte
    /// value and position.
    #[test]
    fn digit_runs_end_at_the_first_non_digit() {
        let mut doc = *b"0123456789012345678";
        for at in 0..doc.len() {
            for byte in 0..=255u8 {
                let saved = doc[at];
                doc[at] = byte;
                for start in 0..doc.len() {
                    let expected =
                        doc[start..].iter().position(|b| !b.is_ascii_digit()).map_or(doc.len(), |p| start + p);
                    assert_eq!(skip_digits(&doc, start), expected, "byte {byte} at {at}, from {start}");
                }
                doc[at] = saved;
            }
        }
    }

    #[test]
    fn from_validated_matches_parse() {
        for doc in [&b"{}"[..], b" \t\r\n{\"a\":1,\"b\":[2]} \n", b"{\"\\u0061ud\":\"x\",\"n\":{\"m\":null}}\r\n"] {
            let parsed = Object::parse(doc).expect("valid");
            let rebuilt = Object::from_validated(doc);
            assert_eq!(rebuilt.raw(), parsed.raw());
            assert_eq!(rebuilt.members().count(), parsed.members().count());
            assert_eq!(Object::from_validated(parsed.raw()).raw(), parsed.raw());
        }
        let o = Object::from_validated(b" {\"\\u0061ud\":\"x\"} ");
        assert!(o.get("aud").and_then(|v| v.as_str()).is_some_and(|s| s.eq_str("x")));
        assert_eq!(Object::from_validated(b"   ").raw(), b"");
        assert!(Object::from_validated(b"   ").members().next().is_none());
    }

    /// Accessors are only ever handed validated bytes, but must not panic on anything.
    #[test]
    fn accessors_never_panic_on_unvalidated_bytes() {
        let samples: [&[u8]; 24] = [
            b"",
            b"{",
            b"[",
            b"\\",
            b"\\u",
            b"\\ud800",
            b"\\ud800\\u",
            b"a\\",
            b"{\"a\"",
            b"{\"a\":",
            b"{\"a\":[",
            b"{\"a\":\"",
            b"{\"a\":tru}",
            b"{,,,}",
            b"[,,,]",
            b"{\"a\":1,\"b\"}",
            b"[1 2 3",
            b"}}}]]]",
            b"\xff\xfe\xc3",
            b"\xf0\x9f\x98",
            b"{\"\\\":1}",
            b"{\"a\":-}",
            b"[\"\\\"]",
            b"{\"a\":1}",
        ];
        let mut buf = [0u8; 8];
        for raw in samples {
            let s = Str::of(raw);
            let _ = (s.as_plain(), s.unescaped_len(), s.eq_str("a"), s.eq_str(""));
            let _ = s.unescape_into(&mut buf);
            assert!(s.chars().count() <= raw.len());
            let o = Object { raw };
            assert!(o.members().count() <= raw.len());
            let _ = o.get("a");
            let a = Array { raw };
            assert!(a.iter().count() <= raw.len());
            let n = Number { raw };
            let _ = n.as_i64();
            for v in a.iter().chain(o.members().map(|(_, v)| v)) {
                if let Value::String(s) = v {
                    let _ = (s.unescaped_len(), s.chars().count());
                }
            }
        }
        // A bad escape is never mistaken for the end of the string.
        let bad = Str::of(b"ab\\x");
        assert!(!bad.eq_str("ab"));
        assert_eq!(bad.unescape_into(&mut buf), None);
        assert_eq!(bad.chars().collect::<String>(), "ab");
        assert_eq!(bad.as_plain(), None);
        // Fused: stays exhausted.
        let mut it = Object { raw: b"{\"a\":" }.members();
        assert!(it.next().is_none());
        assert!(it.next().is_none());
    }

    #[test]
    fn randomized_accessor_robustness() {
        let mut x: u64 = 0x0123_4567_89ab_cdef;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"{}[]:,\"\\u0123456789abcdefABCDEFtrnl-+.eE \xc3\xa9\xed\xa0\xff";
        let mut buf = [0u8; 16];
        for _ in 0..20_000 {
            let len = (next() % 24) as usize;
            let raw: Vec<u8> = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let s = Str::of(&raw);
            let n = s.chars().count();
            assert!(n <= raw.len());
            if let Some(t) = s.unescape_into(&mut buf) {
                assert!(s.eq_str(t));
                assert_eq!(t.len(), s.unescaped_len());
                assert_eq!(t.chars().count(), n);
            }
            let o = Object { raw: &raw };
            assert!(o.members().count() <= raw.len());
            let a = Array { raw: &raw };
            assert!(a.iter().count() <= raw.len());
        }
    }

    /// The worst case for stack use: 16 nested objects (each frame holds a name table),
    /// parsed on a thread with a deliberately small stack.
    #[test]
    fn stack_use_is_bounded() {
        let mut doc = String::new();
        for _ in 0..MAX_DEPTH - 1 {
            doc.push_str("{\"a\":1,\"b\":[],\"d\":");
        }
        doc.push_str("{}");
        for _ in 0..MAX_DEPTH - 1 {
            doc.push('}');
        }
        let mut too_deep = doc.clone();
        too_deep.insert_str(0, "{\"x\":");
        too_deep.push('}');
        let handle = std::thread::Builder::new()
            .stack_size(128 * 1024)
            .spawn(move || {
                let depth_ok = Object::parse(doc.as_bytes()).is_ok();
                let deep = "[".repeat(1 << 20);
                (depth_ok, Object::parse(too_deep.as_bytes()).err(), Object::parse(deep.as_bytes()).err())
            })
            .expect("spawn");
        let (ok, too_deep, deep) = handle.join().expect("no stack overflow");
        assert!(ok);
        assert_eq!(too_deep, Some(JsonError::TooDeep));
        assert_eq!(deep, Some(JsonError::TooDeep));
    }
}
