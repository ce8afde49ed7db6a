//! Making text from a repository safe to show.
//!
//! Anything a school or a panel member typed may contain control characters or terminal escape
//! sequences (`ESC ] 52` can write to the clipboard, `ESC [ 2J` clears the screen). Every string
//! is passed through here before it reaches a terminal, so such text shows as harmless visible
//! symbols instead of being obeyed.

use std::borrow::Cow;

use super::format::is_bidi_control;

/// Replaces control characters with visible symbols, keeping line breaks and tabs.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    sanitize_with(text, false)
}

/// As [`sanitize`], for one line of output: line breaks and tabs become spaces too.
pub fn sanitize_inline(text: &str) -> Cow<'_, str> {
    sanitize_with(text, true)
}

/// [`sanitize_inline`] as an owned string: what the interface and the audit's findings put
/// on one line.
pub fn clean(text: &str) -> String {
    sanitize_inline(text).into_owned()
}

fn needs_work(c: char, inline: bool) -> bool {
    if c == '\n' || c == '\t' {
        inline
    } else {
        c.is_control() || is_bidi_control(c)
    }
}

fn sanitize_with(text: &str, inline: bool) -> Cow<'_, str> {
    if !text.chars().any(|c| needs_work(c, inline)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\t' if inline => out.push(' '),
            '\n' | '\t' => out.push(c),
            // A CRLF line ending is a line ending, not a control character to show.
            '\r' if chars.peek() == Some(&'\n') => {}
            c if is_bidi_control(c) => out.push('\u{fffd}'),
            c if c.is_control() => out.push(visible_control(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The Unicode "control picture" for a C0 control or DEL; a replacement character otherwise.
fn visible_control(c: char) -> char {
    let code = c as u32;
    match code {
        0x00..=0x1f => char::from_u32(0x2400 + code).unwrap_or('\u{fffd}'),
        0x7f => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// Why a piece of text cannot be written as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    /// Empty, or only spaces, where a value is required.
    Empty,
    /// A line break where the text must stay on one line.
    LineBreak,
    /// `<` or `>`, which end a name and open an address in a commit's author line.
    AngleBracket(char),
    /// A control character, escape sequence or bidirectional override.
    Control(char),
}

impl std::fmt::Display for TextProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextProblem::Empty => write!(f, "it is empty"),
            TextProblem::LineBreak => write!(f, "it holds a line break"),
            TextProblem::AngleBracket(c) => write!(f, "it holds the character '{c}'"),
            TextProblem::Control(c) => write!(
                f,
                "it holds control character U+{:04X}; terminal escape sequences and other control characters are not allowed",
                *c as u32
            ),
        }
    }
}

/// Checks a person's name or email as git writes it in a commit's author and committer
/// lines (`Name <email> time`): one line, no angle brackets, no control characters, not
/// empty. Anything else would make a commit that `git fsck` rejects, or put escape
/// sequences in front of everyone who runs `git log`.
pub fn header_problem(value: &str) -> Option<TextProblem> {
    if value.trim().is_empty() {
        return Some(TextProblem::Empty);
    }
    value.chars().find_map(|c| match c {
        '\n' | '\r' => Some(TextProblem::LineBreak),
        '<' | '>' => Some(TextProblem::AngleBracket(c)),
        c if c.is_control() || is_bidi_control(c) => Some(TextProblem::Control(c)),
        _ => None,
    })
}

/// Checks text written into a file (feedback, notes, a reason): line breaks and tabs are
/// kept, every other control character is refused, as `validate` refuses it in a file.
pub fn text_problem(value: &str) -> Option<TextProblem> {
    value
        .chars()
        .find(|&c| c == '\r' || super::format::is_forbidden_control(c))
        .map(TextProblem::Control)
}

/// A text field of a value about to be written, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Where the text is, as the file names it: `feedback`, `conditions[0].text`.
    pub field: String,
    pub problem: TextProblem,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

/// Every string in `value` (a decision, a meeting, a panel) checked with [`text_problem`],
/// so that nothing kitemark writes is something its own `validate` would reject.
pub fn written_problems<T: serde::Serialize>(value: &T) -> Vec<FieldProblem> {
    // Walking the value's serde form reaches every string field, including ones added later,
    // with the names the file gives them.
    fn walk(value: &serde_json::Value, field: &str, out: &mut Vec<FieldProblem>) {
        match value {
            serde_json::Value::String(text) => {
                if let Some(problem) = text_problem(text) {
                    out.push(FieldProblem {
                        field: field.to_owned(),
                        problem,
                    });
                }
            }
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{field}[{i}]"), out);
                }
            }
            serde_json::Value::Object(fields) => {
                for (name, item) in fields {
                    let path = if field.is_empty() {
                        name.clone()
                    } else {
                        format!("{field}.{name}")
                    };
                    walk(item, &path, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    // Only a map whose keys are not strings fails to become JSON; the types written here
    // have none. Such a value would still meet `validate`'s rule in its file.
    if let Ok(json) = serde_json::to_value(value) {
        walk(&json, "", &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_become_visible() {
        let hostile = "Notes\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J end";
        let safe = sanitize(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert_eq!(
            safe,
            "Notes\u{241b}]52;c;cm0gLXJmIH4=\u{2407}\u{241b}[2J end"
        );
    }

    #[test]
    fn keeps_ordinary_text_borrowed() {
        assert!(matches!(
            sanitize("Plain text\nwith lines"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(sanitize("日本語 😀 e\u{301}"), Cow::Borrowed(_)));
    }

    #[test]
    fn inline_flattens_lines_and_crlf() {
        assert_eq!(sanitize_inline("a\r\nb\tc"), "a b c");
        assert_eq!(sanitize("a\r\nb\rc"), "a\nb\u{240d}c");
    }

    #[test]
    fn c1_and_bidi_controls_are_replaced() {
        assert_eq!(sanitize("a\u{9b}2Jb"), "a\u{fffd}2Jb");
        assert_eq!(sanitize("x\u{202e}y"), "x\u{fffd}y");
    }

    /// Every character that can steer a terminal or reorder text: DEL, the C1 controls and
    /// each bidirectional control, the invisible marks included.
    fn steering() -> impl Iterator<Item = char> {
        std::iter::once('\u{7f}')
            .chain('\u{80}'..='\u{9f}')
            .chain('\u{202a}'..='\u{202e}')
            .chain('\u{2066}'..='\u{2069}')
            .chain(['\u{200e}', '\u{200f}', '\u{061c}'])
    }

    #[test]
    fn no_steering_character_reaches_a_line_of_output() {
        for c in steering() {
            let hostile = format!("a{c}b");
            let shown = clean(&hostile);
            assert!(!shown.contains(c), "U+{:04X} kept: {shown:?}", c as u32);
            assert_eq!(shown.chars().count(), 3, "{shown:?}");
            assert_eq!(
                header_problem(&hostile),
                Some(TextProblem::Control(c)),
                "U+{:04X}",
                c as u32
            );
            assert_eq!(text_problem(&hostile), Some(TextProblem::Control(c)));
        }
    }

    #[test]
    fn header_text_stays_on_one_line_without_brackets_or_controls() {
        assert_eq!(header_problem("Ann Lee"), None);
        assert_eq!(header_problem("Zoë O'Brien-Ó Dálaigh"), None);
        assert_eq!(header_problem("Ann\nLee"), Some(TextProblem::LineBreak));
        assert_eq!(
            header_problem("Ann <x@y.z>"),
            Some(TextProblem::AngleBracket('<'))
        );
        assert_eq!(
            header_problem("Ann\u{1b}]52;c;eA==\u{7}"),
            Some(TextProblem::Control('\u{1b}'))
        );
        assert_eq!(
            header_problem("Ann\u{202e}"),
            Some(TextProblem::Control('\u{202e}'))
        );
        assert_eq!(header_problem("  "), Some(TextProblem::Empty));
    }

    #[test]
    fn written_values_name_the_field_at_fault() {
        #[derive(serde::Serialize)]
        struct Item {
            text: String,
        }
        #[derive(serde::Serialize)]
        struct Value {
            feedback: String,
            items: Vec<Item>,
        }
        let value = Value {
            feedback: "Two\nlines\tand a tab".into(),
            items: vec![
                Item {
                    text: "fine".into(),
                },
                Item {
                    text: "clear\u{1b}[2J".into(),
                },
            ],
        };
        let found = written_problems(&value);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].field, "items[1].text");
        assert_eq!(found[0].problem, TextProblem::Control('\u{1b}'));
        assert!(
            found[0]
                .to_string()
                .starts_with("items[1].text: it holds control character U+001B")
        );
    }
}
