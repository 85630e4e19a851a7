//! Short, bounded strings copied out of untrusted JSON (key ids, issuers).

use crate::json::Str;

/// A string of at most `N` bytes, copied (unescaped) from a JSON string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Text<const N: usize>(heapless::String<N>);

impl<const N: usize> Text<N> {
    /// Unescapes `s`; `None` when it does not fit in `N` bytes.
    pub(crate) fn from_json(s: Str<'_>) -> Option<Text<N>> {
        let mut out = heapless::String::new();
        for c in s.chars() {
            out.push(c).ok()?;
        }
        Some(Text(out))
    }

    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }
}
