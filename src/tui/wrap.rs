//! Word-wrapping ratatui lines, once, so that a long text is wrapped when it or the width
//! changes rather than on every frame, and only the visible rows are drawn.

use ratatui::text::{Line, Span};

/// Wraps each line to `width` columns (see [`crate::wrap::wrap_line`]).
pub fn wrap(lines: &[Line<'_>], width: u16) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let runs = line
            .spans
            .iter()
            .map(|s| (s.content.as_ref(), line.style.patch(s.style)));
        for wrapped in crate::wrap::wrap_line(runs, usize::from(width)) {
            out.push(Line::from(
                wrapped
                    .runs
                    .into_iter()
                    .map(|(text, style)| Span::styled(text, style))
                    .collect::<Vec<_>>(),
            ));
        }
    }
    out
}

/// Where a line's text starts: after leading spaces, a selection pointer and a mark such as
/// a radio button or a check box.
fn hanging_indent(text: &str) -> usize {
    let rest = text.trim_start_matches([' ', '▸']);
    let rest = [
        "[x] ", "[ ] ", "◉ ", "○ ", "● ", "⊘ ", "– ", "· ", "✓ ", "✗ ",
    ]
    .iter()
    .find_map(|mark| rest.strip_prefix(mark))
    .unwrap_or(rest);
    let rest = rest.trim_start_matches(' ');
    unicode_width::UnicodeWidthStr::width(&text[..text.len() - rest.len()])
}

/// Wraps each line to `width` columns; the continuation rows of a line hang under its own
/// indentation (at most `max_hang` columns), so that wrapped items stay readable as items.
pub fn wrap_hanging(lines: &[Line<'_>], width: u16, max_hang: u16) -> Vec<Line<'static>> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let hang = u16::try_from(hanging_indent(&text))
            .unwrap_or(u16::MAX)
            .min(max_hang)
            .min(width / 2);
        // A line that fits stays as it is (measured, not wrapped twice to find out).
        let fits = unicode_width::UnicodeWidthStr::width(text.trim_end()) <= usize::from(width);
        if fits || hang == 0 {
            out.extend(wrap(std::slice::from_ref(line), width));
            continue;
        }
        for (i, mut row) in wrap(std::slice::from_ref(line), width - hang)
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                row.spans
                    .insert(0, Span::raw(" ".repeat(usize::from(hang))));
            }
            out.push(row);
        }
    }
    out
}
