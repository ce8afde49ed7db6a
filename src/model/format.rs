//! Reading and writing the RON files of a panel repository.
//!
//! Files are pretty-printed one field per line so that `git diff` reads well, and multi-line
//! text is written with real line breaks rather than `\n` escapes.

use ron::extensions::Extensions;
use ron::ser::PrettyConfig;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::problem::Position;

/// A file that is not valid RON for the type expected, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub position: Position,
    pub message: String,
}

fn options() -> ron::Options {
    // `implicit_some` lets optional fields be written plainly (`stage: "assess"`), which is
    // what people write by hand.
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parses a file's text, first refusing text that still holds merge-conflict markers (which
/// RON would report as a puzzling syntax error).
pub fn parse_document<T: DeserializeOwned>(text: &str) -> Result<T, SyntaxError> {
    if let Some(position) = conflict_marker(text) {
        return Err(SyntaxError {
            position,
            message: "unresolved merge-conflict marker: resolve the conflict and commit the result"
                .into(),
        });
    }
    from_ron(text)
}

/// Parses a file's text.
pub fn from_ron<T: DeserializeOwned>(text: &str) -> Result<T, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    options().from_str(text).map_err(|e| SyntaxError {
        position: Position {
            line: e.span.start.line,
            col: e.span.start.col,
        },
        message: describe(&e.code),
    })
}

/// Rewords RON's messages where they would puzzle someone who is not a Rust programmer.
fn describe(code: &ron::Error) -> String {
    match code {
        ron::Error::MissingStructField { field, outer } => match outer {
            Some(outer) => format!("missing field `{field}` in {}", friendly(outer)),
            None => format!("missing field `{field}`"),
        },
        ron::Error::NoSuchStructField {
            expected,
            found,
            outer,
        } => {
            let place = outer.as_deref().map(friendly).unwrap_or_default();
            format!(
                "unknown field `{found}`{}{}; expected one of: {}",
                if place.is_empty() { "" } else { " in " },
                place,
                expected.join(", ")
            )
        }
        ron::Error::DuplicateStructField { field, outer } => match outer {
            Some(outer) => format!("field `{field}` appears twice in {}", friendly(outer)),
            None => format!("field `{field}` appears twice"),
        },
        ron::Error::ExpectedComma => {
            "expected a comma here (is one missing at the end of the previous line?)".into()
        }
        ron::Error::Eof => {
            "the file ends too early (an opening bracket or quote is not closed)".into()
        }
        ron::Error::ExpectedStructLikeEnd
        | ron::Error::ExpectedArrayEnd
        | ron::Error::ExpectedMapEnd => {
            format!("{} (is a comma or a closing bracket missing?)", code)
        }
        ron::Error::ExpectedStringEnd => "a string is not closed: a `\"` is missing".into(),
        ron::Error::TrailingCharacters => "unexpected text after the end of the document".into(),
        other => other.to_string(),
    }
}

/// `AreaReview` → `an area review`: type names as a reader of the file would say them.
fn friendly(type_name: &str) -> String {
    let mut words = String::new();
    for (i, c) in type_name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {words}")
}

fn pretty() -> PrettyConfig {
    PrettyConfig::default()
        .indentor("    ")
        .extensions(Extensions::IMPLICIT_SOME)
}

/// Writes a value as the tool writes files: pretty, one field per line, text kept readable.
pub fn to_ron<T: Serialize>(value: &T) -> Result<String, ron::Error> {
    let readable = options().to_string_pretty(value, pretty().escape_strings(false))?;
    // Unescaped strings would put control characters into the file as they are; only keep
    // the readable form when the text has none but line breaks and tabs. A line of text that
    // looks like a merge-conflict marker (`=======` under a heading, say) would make the
    // readers refuse the file, so such text is escaped too.
    let mut out = if control_characters(&readable).is_empty()
        && !readable.contains('\r')
        && conflict_marker(&readable).is_none()
    {
        readable
    } else {
        options().to_string_pretty(value, pretty())?
    };
    out.push('\n');
    Ok(out)
}

/// The position of the first unresolved merge-conflict marker, if any.
pub fn conflict_marker(text: &str) -> Option<Position> {
    // A marker starts a line with one of four characters; most files have no line that
    // starts with any of them, and then no line needs a closer look.
    let bytes = text.as_bytes();
    let marker_start = |b: u8| (b == b'<') | (b == b'>') | (b == b'|') | (b == b'=');
    let candidate = bytes.first().copied().is_some_and(marker_start)
        || bytes
            .iter()
            .zip(bytes.iter().skip(1))
            .fold(false, |any, (&a, &b)| {
                any | ((a == b'\n') & marker_start(b))
            });
    if !candidate {
        return None;
    }
    text.lines().enumerate().find_map(|(i, line)| {
        let is_marker = ["<<<<<<<", ">>>>>>>", "|||||||"]
            .iter()
            .any(|m| line.starts_with(m))
            || line.trim_end() == "=======";
        is_marker.then_some(Position {
            line: i + 1,
            col: 1,
        })
    })
}

/// Whether a character must never reach a terminal or a file as it is: C0 and C1 controls
/// other than line breaks and tabs, and DEL.
pub fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && c != '\r') || is_bidi_control(c)
}

/// Characters that reorder text on screen and can make it read differently from what it is:
/// the embeddings and overrides, the isolates, and the invisible marks (left-to-right,
/// right-to-left, Arabic letter) that steer the same algorithm.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
    )
}

/// Control characters in a file, written raw or as RON escapes (`\u{1b}`, `\x1b`), with their
/// positions.
pub fn control_characters(text: &str) -> Vec<(Position, char)> {
    // Almost every file has none: say so after one pass over the bytes. Escapes start with a
    // backslash; raw controls are bytes below 0x20 or DEL; C1 and bidi controls are non-ASCII.
    // One branch-free pass (the compiler turns it into vector code); anything unusual, a
    // carriage return included, goes to the careful pass below.
    let (unusual, non_ascii) = text.as_bytes().iter().fold((false, false), |(u, n), &b| {
        (
            u | (b == b'\\') | (b == 0x7f) | ((b < 0x20) & (b != b'\n') & (b != b'\t')),
            n | (b >= 0x80),
        )
    });
    if !unusual && (!non_ascii || !text.chars().any(is_forbidden_control)) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut col = 0;
        while col < chars.len() {
            let c = chars[col];
            let pos = Position {
                line: i + 1,
                col: col + 1,
            };
            if c == '\r' && col + 1 == chars.len() {
                // The first half of a CRLF line ending.
            } else if c == '\r' || is_forbidden_control(c) {
                found.push((pos, c));
            } else if c == '\\' {
                if let Some((decoded, len)) = escape_at(&chars[col + 1..]) {
                    if decoded == '\r' || is_forbidden_control(decoded) {
                        found.push((pos, decoded));
                    }
                    col += len;
                } else {
                    // An escaped character such as `\\` or `\"`: skip it.
                    col += 1;
                }
            }
            col += 1;
        }
    }
    found
}

/// Decodes `x1b`, `u{1b}` or `u001b` after a backslash; returns the character and how many
/// characters the escape used.
fn escape_at(rest: &[char]) -> Option<(char, usize)> {
    let hex = |s: &[char]| -> Option<u32> {
        if s.is_empty() {
            return None;
        }
        u32::from_str_radix(&s.iter().collect::<String>(), 16).ok()
    };
    match rest.first()? {
        'x' => {
            let digits = rest.get(1..3)?;
            Some((char::from_u32(hex(digits)?)?, 3))
        }
        'u' if rest.get(1) == Some(&'{') => {
            let close = rest.iter().position(|&c| c == '}')?;
            let digits = &rest[2..close];
            Some((char::from_u32(hex(digits)?)?, close + 1))
        }
        'u' => {
            let digits = rest.get(1..5)?;
            Some((char::from_u32(hex(digits)?)?, 5))
        }
        _ => None,
    }
}

/// Where `field: "value"` occurs for the `nth` time (0-based), to point a reader at the line
/// a problem is about.
pub fn locate_value(text: &str, field: &str, value: &str, nth: usize) -> Option<Position> {
    let needle = format!("\"{value}\"");
    let mut seen = 0;
    for (start, _) in text.match_indices(&needle) {
        let before = text[..start].trim_end();
        let Some(before) = before.strip_suffix(':') else {
            continue;
        };
        if !before.trim_end().ends_with(field) {
            continue;
        }
        let field_start = before.trim_end().len() - field.len();
        let boundary_ok = before[..field_start]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if !boundary_ok {
            continue;
        }
        if seen == nth {
            return Some(position_of(text, field_start));
        }
        seen += 1;
    }
    None
}

/// Where `field:` occurs for the first time.
pub fn locate_field(text: &str, field: &str) -> Option<Position> {
    let needle = format!("{field}:");
    text.match_indices(&needle).find_map(|(start, _)| {
        let ok = text[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        ok.then(|| position_of(text, start))
    })
}

/// The line and column of a byte offset.
pub fn position_of(text: &str, offset: usize) -> Position {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position {
        line,
        col: before[line_start..].chars().count() + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Note {
        title: String,
        body: String,
        due: Option<u32>,
    }

    #[test]
    fn multi_line_text_is_written_with_real_line_breaks() {
        let note = Note {
            title: "Plan \"A\"".into(),
            body: "First line.\nSecond line.".into(),
            due: Some(3),
        };
        let text = to_ron(&note).unwrap();
        assert!(text.contains("First line.\nSecond line."), "{text}");
        assert!(text.contains("    due: 3,"), "{text}");
        assert_eq!(from_ron::<Note>(&text).unwrap(), note);
    }

    #[test]
    fn control_characters_fall_back_to_escapes() {
        let note = Note {
            title: "bad\u{1b}[2J".into(),
            body: "x".into(),
            due: None,
        };
        let text = to_ron(&note).unwrap();
        assert!(!text.contains('\u{1b}'));
        assert_eq!(from_ron::<Note>(&text).unwrap(), note);
    }

    #[test]
    fn text_that_looks_like_a_conflict_marker_is_escaped_and_reads_back() {
        for body in [
            "Heading\n=======\nText.",
            "\n>>>>>>> theirs",
            "a\n<<<<<<< HEAD",
            "x\n||||||| base",
        ] {
            let note = Note {
                title: "t".into(),
                body: body.into(),
                due: None,
            };
            let text = to_ron(&note).unwrap();
            assert_eq!(conflict_marker(&text), None, "{text}");
            assert_eq!(parse_document::<Note>(&text).unwrap(), note);
        }
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = from_ron::<Note>("(\n    title: \"x\",\n    body: 3,\n)").unwrap_err();
        assert_eq!(err.position.line, 3);
        let err = from_ron::<Note>("(\n    title: \"x\",\n    bodyy: \"y\",\n)").unwrap_err();
        assert!(
            err.message.contains("unknown field `bodyy`"),
            "{}",
            err.message
        );
        let err = from_ron::<Note>("(\n    title: \"x\",\n)").unwrap_err();
        assert!(
            err.message.contains("missing field `body`"),
            "{}",
            err.message
        );
    }

    #[test]
    fn finds_raw_and_escaped_controls() {
        let text = "(\n  a: \"x\u{1b}]52;\",\n  b: \"\\u{1b}[2J\", c: \"\\\\x1b\"\r\n)";
        let found = control_characters(text);
        assert_eq!(
            found,
            vec![
                (Position { line: 2, col: 8 }, '\u{1b}'),
                (Position { line: 3, col: 7 }, '\u{1b}'),
            ]
        );
    }

    #[test]
    fn finds_conflict_markers() {
        let text = "(\n<<<<<<< HEAD\n a: 1,\n=======\n a: 2,\n>>>>>>> other\n)";
        assert_eq!(conflict_marker(text), Some(Position { line: 2, col: 1 }));
        assert_eq!(conflict_marker("(a: \"=======\")"), None);
    }

    #[test]
    fn locates_values_by_field() {
        let text = "(\n  id: \"LM-1\",\n  other_id: \"LM-1\",\n  id: \"LM-1\",\n)";
        assert_eq!(
            locate_value(text, "id", "LM-1", 0),
            Some(Position { line: 2, col: 3 })
        );
        assert_eq!(
            locate_value(text, "id", "LM-1", 1),
            Some(Position { line: 4, col: 3 })
        );
        assert_eq!(locate_value(text, "id", "LM-1", 2), None);
        assert_eq!(
            locate_field(text, "other_id"),
            Some(Position { line: 3, col: 3 })
        );
    }
}
