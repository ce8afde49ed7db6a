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
