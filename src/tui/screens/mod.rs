//! The screens, one file each. A screen keeps its own state (selection, scroll, focus) and
//! draws itself from data computed elsewhere; it never reads the repository.

pub mod agenda;
pub mod decision;
pub mod diff;
pub mod help;
pub mod history;
pub mod meeting;
pub mod record;
pub mod schools;
pub mod submission;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use super::theme::Theme;

/// Where a list was drawn, to turn a mouse click into a row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListHit {
    /// The rows' area (below any header row).
    pub rows: Rect,
    /// The index of the first row shown.
    pub offset: usize,
}

impl ListHit {
    /// The position in the list of the row at screen row `y`, if it is one.
    pub fn position(&self, x: u16, y: u16) -> Option<usize> {
        let inside = x >= self.rows.x
            && x < self.rows.x + self.rows.width
            && y >= self.rows.y
            && y < self.rows.y + self.rows.height;
        inside.then(|| self.offset + usize::from(y - self.rows.y))
    }
}

/// A screen that moves through rows or scrolls text with the moving keys.
pub trait Navigable {
    /// One row (or line) down for a positive delta, up for a negative one.
    fn move_by(&mut self, delta: isize);
    fn page_by(&mut self, pages: isize);
    /// To the last row (`true`) or the first.
    fn to_end(&mut self, end: bool);
}

/// What a moving key does to a navigable screen; `false` if it is not a moving key.
pub fn navigate(screen: &mut dyn Navigable, action: crate::tui::keymap::Action) -> bool {
    use crate::tui::keymap::Action;
    match action {
        Action::Up => screen.move_by(-1),
        Action::Down => screen.move_by(1),
        Action::PageUp => screen.page_by(-1),
        Action::PageDown => screen.page_by(1),
        Action::Top => screen.to_end(false),
        Action::Bottom => screen.to_end(true),
        _ => return false,
    }
    true
}

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
