//! Drawing pieces every screen uses: bordered blocks, lists of lines that keep a line in
//! view, text areas, and where a list was drawn (to turn a click into a row).

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};
use ratatui_textarea::TextArea;

use super::theme::Theme;
use super::wrap::wrap_hanging;

/// Where a list was drawn, to turn a mouse click into a row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListHit {
    /// The rows' area (below any header row).
    pub rows: Rect,
    /// The index of the first row shown.
    pub offset: usize,
}

impl ListHit {
    /// The rows of a table drawn in `area` inside a border, below its one header row.
    pub fn in_bordered_table(area: Rect, offset: usize) -> ListHit {
        ListHit {
            rows: Rect {
                x: area.x + 1,
                y: area.y + 2,
                width: area.width.saturating_sub(2),
                height: area.height.saturating_sub(3),
            },
            offset,
        }
    }

    /// The position in the list of the row at screen row `y`, if it is one.
    pub fn position(&self, x: u16, y: u16) -> Option<usize> {
        let inside = x >= self.rows.x
            && x < self.rows.x + self.rows.width
            && y >= self.rows.y
            && y < self.rows.y + self.rows.height;
        inside.then(|| self.offset + usize::from(y - self.rows.y))
    }
}

pub use crate::wrap::ellipsis;

/// Whether a point is inside a rectangle.
pub fn contains(area: Rect, x: u16, y: u16) -> bool {
    x >= area.x && x < area.x + area.width && y >= area.y && y < area.y + area.height
}

/// A bordered block whose border shows whether it has the focus (by weight as well as
/// colour, so it shows without colour too).
pub fn block(title: &str, focused: bool, theme: &Theme) -> Block<'static> {
    let (style, kind) = if focused {
        (theme.border_focused, BorderType::Thick)
    } else {
        (theme.border, BorderType::Plain)
    };
    Block::new()
        .borders(Borders::ALL)
        .border_type(kind)
        .border_style(style)
        .style(theme.base)
        .title(Line::from(vec![Span::styled(
            format!(" {title} "),
            theme.title,
        )]))
}

/// ✓ or ✗ with the theme's style for it.
pub fn check_span(met: bool, theme: &Theme) -> Span<'static> {
    if met {
        Span::styled("✓", theme.good)
    } else {
        Span::styled("✗", theme.bad)
    }
}

/// How far at most the continuation of a wrapped line is indented.
const HANG_MAX: u16 = 8;

/// Lines in a bordered block, wrapped, scrolled so that line `keep` stays in view.
pub fn draw_lines(
    frame: &mut Frame,
    area: Rect,
    lines: Vec<Line<'static>>,
    title: &str,
    focused: bool,
    theme: &Theme,
    keep: usize,
) {
    let outer = block(title, focused, theme);
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    // Wrapped line by line so that the line to keep in view can be found after wrapping.
    let mut wrapped: Vec<Line<'static>> = Vec::new();
    let mut keep_at = 0;
    for (i, line) in lines.iter().enumerate() {
        if i == keep {
            keep_at = wrapped.len();
        }
        wrapped.extend(wrap_hanging(
            std::slice::from_ref(line),
            inner.width,
            HANG_MAX,
        ));
    }
    let visible = usize::from(inner.height);
    let offset = (keep_at + 1).saturating_sub(visible);
    let shown: Vec<Line> = wrapped.into_iter().skip(offset).take(visible).collect();
    frame.render_widget(Paragraph::new(shown).style(theme.base), inner);
}

/// A text area in a bordered block; the cursor shows only when it has the keyboard.
pub fn draw_text(
    frame: &mut Frame,
    area: Rect,
    text: &mut TextArea<'static>,
    title: &str,
    focused: bool,
    theme: &Theme,
    hints: bool,
) {
    let outer = block(title, focused, theme);
    text.set_block(if !hints {
        outer
    } else if focused {
        outer.title_bottom(Line::from(Span::styled(
            " Esc done · Tab next ",
            theme.muted,
        )))
    } else {
        outer.title_bottom(Line::from(Span::styled(" Enter to type ", theme.muted)))
    });
    text.set_style(theme.base);
    text.set_placeholder_style(theme.muted);
    text.set_cursor_style(if focused {
        theme.base.add_modifier(Modifier::REVERSED)
    } else {
        theme.base
    });
    frame.render_widget(&*text, area);
}

/// A box of `width` by `height` in the middle of `area`, no larger than it: where a dialog
/// or a prompt is drawn over a screen.
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let [popup] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(popup);
    popup
}

/// The `visible` lines of `lines` from `scroll`, which is kept within the lines (so that a
/// scroll made at one size is never past the end at another), and how far it can go.
pub fn scroll_window<'a>(
    lines: &[Line<'a>],
    visible: usize,
    scroll: &mut u16,
) -> (Vec<Line<'a>>, u16) {
    let max = u16::try_from(lines.len().saturating_sub(visible)).unwrap_or(u16::MAX);
    *scroll = (*scroll).min(max);
    let start = usize::from(*scroll).min(lines.len());
    (
        lines[start..(start + visible).min(lines.len())].to_vec(),
        max,
    )
}
