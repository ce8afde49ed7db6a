//! JSON as the tool writes it for other programs: pretty-printed, and with every character
//! that could steer a terminal or reorder text written as a `\u` escape.
//!
//! serde_json escapes only what JSON requires (quotes, backslashes, C0 controls). A school's
//! text can also carry DEL, C1 controls (U+009B is a one-byte terminal escape sequence
//! introducer) and bidirectional controls; written raw, they act on whoever pipes the output
//! to a terminal or reads it in an editor. As escapes the JSON is just as valid and reads back
//! to the same strings.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};

use super::format::is_bidi_control;

/// `value` as pretty-printed JSON with the escapes above.
pub fn pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::with_capacity(256);
    let mut serializer = Serializer::with_formatter(&mut out, Inert(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    // serde_json writes only UTF-8 and the escapes are ASCII.
    String::from_utf8(out).map_err(|e| serde_json::Error::io(io::Error::other(e)))
}

/// Whether a character is written as a `\u` escape rather than as itself.
fn escaped(c: char) -> bool {
    // C0 controls never reach here: serde_json escapes them itself. U+2028 and U+2029 end a
    // line in JavaScript and in some editors.
    c.is_control() || is_bidi_control(c) || c == '\u{2028}' || c == '\u{2029}'
}

/// A formatter that writes strings with the extra escapes and leaves the layout to `F`.
struct Inert<F>(F);

impl<F: Formatter> Formatter for Inert<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if escaped(c) {
                writer.write_all(&fragment.as_bytes()[start..i])?;
                // Every such character is in the Basic Multilingual Plane: one escape each.
                write!(writer, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steering_characters_are_escaped_and_read_back() {
        let hostile: String = [
            '\u{1b}', '\u{7f}', '\u{9b}', '\u{9d}', '\u{202e}', '\u{2066}',
        ]
        .into_iter()
        .chain([
            '\u{200e}', '\u{200f}', '\u{061c}', '\u{2028}', 'é', '😀', '"',
        ])
        .collect();
        let value = serde_json::json!({ hostile.clone(): [hostile.clone(), 1] });
        let written = pretty(&value).unwrap();
        assert!(
            !written.chars().any(|c| c != '\n' && escaped(c)),
            "{written:?}"
        );
        for escape in [
            "\\u007f", "\\u009b", "\\u202e", "\\u200e", "\\u200f", "\\u061c",
        ] {
            assert!(written.contains(escape), "{escape} not in {written}");
        }
        assert!(written.contains('é') && written.contains('😀'), "{written}");
        let read: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(read, value);
    }

    #[test]
    fn layout_is_serde_jsons_pretty_one() {
        let value = serde_json::json!({ "a": [1, { "b": "c" }], "d": {} , "e": [] });
        assert_eq!(
            pretty(&value).unwrap(),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
