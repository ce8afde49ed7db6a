//! Word-wrapping styled lines to a width, once, so that a long text is wrapped when it or the
//! width changes rather than on every frame, and only the visible rows are drawn.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

/// A run of text in one style that is either all spaces or has none.
struct Piece {
    text: String,
    style: Style,
    space: bool,
    width: usize,
}

fn pieces(line: &Line<'_>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for span in &line.spans {
        let style = line.style.patch(span.style);
        for c in span.content.chars() {
            let space = c == ' ';
            let width = c.width().unwrap_or(0);
            match out.last_mut() {
                Some(p) if p.space == space && p.style == style => {
                    p.text.push(c);
                    p.width += width;
                }
                _ => out.push(Piece {
                    text: c.to_string(),
                    style,
                    space,
                    width,
                }),
            }
        }
    }
    out
}

/// Accumulates one output line.
struct Builder {
    spans: Vec<Span<'static>>,
    width: usize,
}

impl Builder {
    fn push(&mut self, text: &str, style: Style, width: usize) {
        match self.spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(text),
            _ => self.spans.push(Span::styled(text.to_owned(), style)),
        }
        self.width += width;
    }

    fn take(&mut self) -> Line<'static> {
        self.width = 0;
        Line::from(std::mem::take(&mut self.spans))
    }
}

/// Wraps each line to `width` columns, breaking at spaces where it can and inside a word only
/// when the word is wider than a whole line. An empty line stays one empty line.
pub fn wrap(lines: &[Line<'_>], width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(1));
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let mut current = Builder {
            spans: Vec::new(),
            width: 0,
        };
        let mut produced = false;
        // Spaces between words wait until the next word shows whether they stay on the line.
        let mut pending: Option<Piece> = None;
        for piece in pieces(line) {
            if piece.space {
                if current.width == 0 && !produced {
                    // Leading indentation of the first visual line is kept.
                    let kept: String = piece.text.chars().take(width.saturating_sub(1)).collect();
                    let w = kept.chars().count();
                    current.push(&kept, piece.style, w);
                } else {
                    pending = Some(piece);
                }
                continue;
            }
            let gap = pending
                .as_ref()
                .filter(|_| current.width > 0)
                .map_or(0, |p| p.width);
            if current.width + gap + piece.width <= width {
                if let Some(space) = pending.take().filter(|_| current.width > 0) {
                    current.push(&space.text, space.style, space.width);
                }
                current.push(&piece.text, piece.style, piece.width);
                continue;
            }
            pending = None;
            if piece.width <= width {
                if current.width > 0 {
                    out.push(current.take());
                    produced = true;
                }
                current.push(&piece.text, piece.style, piece.width);
                continue;
            }
            // A word wider than the line: cut it, character by character.
            for c in piece.text.chars() {
                let w = c.width().unwrap_or(0);
                if current.width + w > width && current.width > 0 {
                    out.push(current.take());
                    produced = true;
                }
                current.push(c.encode_utf8(&mut [0; 4]), piece.style, w);
            }
        }
        if current.width > 0 || !produced {
            out.push(current.take());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn breaks_at_spaces_and_keeps_styles() {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        let line = Line::from(vec![
            Span::styled("Self-assessment: ", Style::new()),
            Span::styled("Established well", bold),
        ]);
        let wrapped = wrap(&[line], 20);
        assert_eq!(text(&wrapped), vec!["Self-assessment:", "Established well"]);
        assert_eq!(wrapped[1].spans[0].style, bold);
    }

    #[test]
    fn long_words_empty_lines_and_wide_characters() {
        let wrapped = wrap(
            &[
                Line::from("abcdefghij"),
                Line::default(),
                Line::from("日本語のテキスト"),
            ],
            4,
        );
        assert_eq!(
            text(&wrapped),
            vec!["abcd", "efgh", "ij", "", "日本", "語の", "テキ", "スト"]
        );
    }

    #[test]
    fn keeps_indentation_of_the_first_line_only() {
        let wrapped = wrap(&[Line::from("  LM-1 text that wraps")], 12);
        assert_eq!(text(&wrapped), vec!["  LM-1 text", "that wraps"]);
    }
}
