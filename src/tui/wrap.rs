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
