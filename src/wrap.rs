//! Word-wrapping styled text to a width: shared by the interface and the text output of the
//! year-on-year diff, so both break lines the same way.

use unicode_width::UnicodeWidthChar;

/// A run of text in one style that is either all spaces or has none.
struct Piece<S> {
    text: String,
    style: S,
    space: bool,
    width: usize,
}

fn pieces<'a, S: Copy + PartialEq + 'a>(
    spans: impl IntoIterator<Item = (&'a str, S)>,
) -> Vec<Piece<S>> {
    let mut out: Vec<Piece<S>> = Vec::new();
    for (text, style) in spans {
        for c in text.chars() {
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

/// One wrapped line: its runs of text with their styles, and its width in columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wrapped<S> {
    pub runs: Vec<(String, S)>,
    pub width: usize,
}

impl<S: Copy + PartialEq> Wrapped<S> {
    fn push(&mut self, text: &str, style: S, width: usize) {
        match self.runs.last_mut() {
            Some((last, s)) if *s == style => last.push_str(text),
            _ => self.runs.push((text.to_owned(), style)),
        }
        self.width += width;
    }

    fn take(&mut self) -> Wrapped<S> {
        std::mem::replace(
            self,
            Wrapped {
                runs: Vec::new(),
                width: 0,
            },
        )
    }
}

/// Wraps one line of styled runs (no line breaks inside) to `width` columns, breaking at
/// spaces where it can and inside a word only when the word is wider than a whole line. A
/// change of style inside a word is not a place to break. The line's leading indentation is
/// kept on its first row.
pub fn wrap_line<'a, S: Copy + PartialEq + 'a>(
    spans: impl IntoIterator<Item = (&'a str, S)>,
    width: usize,
) -> Vec<Wrapped<S>> {
    let width = width.max(1);
    // Group the pieces into words (runs of non-space pieces, whatever their styles) and spaces.
    let mut units: Vec<(bool, Vec<Piece<S>>)> = Vec::new();
    for piece in pieces(spans) {
        match units.last_mut() {
            Some((space, word)) if !*space && !piece.space => word.push(piece),
            _ => units.push((piece.space, vec![piece])),
        }
    }
    let mut out = Vec::new();
    let mut current = Wrapped {
        runs: Vec::new(),
        width: 0,
    };
    let mut produced = false;
    // Spaces between words wait until the next word shows whether they stay on the line.
    let mut pending: Option<Piece<S>> = None;
    for (space, unit) in units {
        if space {
            for piece in unit {
                if current.width == 0 && !produced {
                    let kept: String = piece.text.chars().take(width.saturating_sub(1)).collect();
                    let w = kept.chars().count();
                    current.push(&kept, piece.style, w);
                } else {
                    pending = Some(piece);
                }
            }
            continue;
        }
        let word_width: usize = unit.iter().map(|p| p.width).sum();
        let gap = pending
            .as_ref()
            .filter(|_| current.width > 0)
            .map_or(0, |p| p.width);
        if current.width + gap + word_width <= width {
            if let Some(space) = pending.take().filter(|_| current.width > 0) {
                current.push(&space.text, space.style, space.width);
            }
            for piece in &unit {
                current.push(&piece.text, piece.style, piece.width);
            }
            continue;
        }
        pending = None;
        if word_width <= width {
            if current.width > 0 {
                out.push(current.take());
                produced = true;
            }
            for piece in &unit {
                current.push(&piece.text, piece.style, piece.width);
            }
            continue;
        }
        // A word wider than the line starts a row of its own and is cut, character by
        // character.
        if current.width > 0 {
            out.push(current.take());
            produced = true;
        }
        for piece in &unit {
            for c in piece.text.chars() {
                let w = c.width().unwrap_or(0);
                if current.width + w > width && current.width > 0 {
                    out.push(current.take());
                    produced = true;
                }
                current.push(c.encode_utf8(&mut [0; 4]), piece.style, w);
            }
        }
    }
    if current.width > 0 || !produced {
        out.push(current);
    }
    out
}

/// A text cut to a width, its end replaced by an ellipsis only when it does not fit.
pub fn ellipsis(text: &str, width: usize) -> String {
    if unicode_width::UnicodeWidthStr::width(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// Cuts one line of styled runs at `width` columns, ending with "…" where it was cut.
pub fn truncate_line<'a, S: Copy + PartialEq + 'a>(
    spans: impl IntoIterator<Item = (&'a str, S)>,
    width: usize,
) -> Wrapped<S> {
    let mut out = Wrapped {
        runs: Vec::new(),
        width: 0,
    };
    let mut last_style = None;
    for (text, style) in spans {
        for c in text.chars() {
            let w = c.width().unwrap_or(0);
            if out.width + w > width.saturating_sub(1) {
                if let Some(style) = last_style.or(Some(style)) {
                    out.push("…", style, 1);
                }
                return out;
            }
            out.push(c.encode_utf8(&mut [0; 4]), style, w);
            last_style = Some(style);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Wrapped<u8>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.runs.iter().map(|(t, _)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn breaks_at_spaces_and_keeps_styles() {
        let wrapped = wrap_line([("Self-assessment: ", 0u8), ("Established well", 1)], 20);
        assert_eq!(text(&wrapped), vec!["Self-assessment:", "Established well"]);
        assert_eq!(wrapped[1].runs[0].1, 1);
    }

    #[test]
    fn long_words_wide_characters_and_indentation() {
        assert_eq!(
            text(&wrap_line([("abcdefghij", 0u8)], 4)),
            vec!["abcd", "efgh", "ij"]
        );
        assert_eq!(
            text(&wrap_line([("日本語のテキスト", 0u8)], 4)),
            vec!["日本", "語の", "テキ", "スト"]
        );
        assert_eq!(
            text(&wrap_line([("  LM-1 text that wraps", 0u8)], 12)),
            vec!["  LM-1 text", "that wraps"]
        );
        assert_eq!(text(&wrap_line([("", 0u8)], 12)), vec![""]);
    }

    #[test]
    fn a_word_wider_than_the_line_starts_its_own_row() {
        // The space before it is where the row breaks, never lost inside a row.
        assert_eq!(
            text(&wrap_line([("File ", 0u8), ("decisions/oak/x.ron", 1)], 10)),
            vec!["File", "decisions/", "oak/x.ron"]
        );
    }

    #[test]
    fn a_change_of_style_is_not_a_place_to_break() {
        let wrapped = wrap_line([("the full governing body", 1u8), (".", 0)], 23);
        assert_eq!(text(&wrapped), vec!["the full governing", "body."]);
    }

    #[test]
    fn truncation_marks_the_cut() {
        let cut = truncate_line([("Leadership and management", 0u8)], 10);
        assert_eq!(cut.runs[0].0, "Leadershi…");
        assert_eq!(cut.width, 10);
        assert_eq!(truncate_line([("short", 0u8)], 10).runs[0].0, "short");
    }
}
