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
}
