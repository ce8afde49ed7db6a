//! Colours and emphasis. No state is shown by colour alone: every coloured state also has a
//! symbol or a word beside it, so the no-colour theme loses nothing but colour.

use ratatui::style::{Color, Modifier, Style};

/// The themes a user can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ThemeKind {
    #[default]
    Default,
    /// White on black, bold, with strong highlights: for projectors and bright rooms.
    HighContrast,
}

impl ThemeKind {
    pub fn name(self) -> &'static str {
        match self {
            ThemeKind::Default => "default",
            ThemeKind::HighContrast => "high-contrast",
        }
    }

    pub fn from_name(name: &str) -> Option<ThemeKind> {
        match name {
            "default" => Some(ThemeKind::Default),
            "high-contrast" => Some(ThemeKind::HighContrast),
            _ => None,
        }
    }

    pub fn toggled(self) -> ThemeKind {
        match self {
            ThemeKind::Default => ThemeKind::HighContrast,
            ThemeKind::HighContrast => ThemeKind::Default,
        }
    }
}

/// The styles every screen draws with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub kind: ThemeKind,
    /// False when `NO_COLOR` is set: emphasis only, no colour at all.
    pub colour: bool,
    pub base: Style,
    pub header: Style,
    pub tab: Style,
    pub tab_active: Style,
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub column_header: Style,
    pub selected: Style,
    pub muted: Style,
    pub good: Style,
    pub bad: Style,
    pub warn: Style,
    pub key: Style,
    pub status: Style,
    pub status_error: Style,
    /// Text only in the earlier year, and only in the later one.
    pub removed: Style,
    pub added: Style,
    /// Words changed inside a text.
    pub removed_word: Style,
    pub added_word: Style,
    /// Labels of kinds of change.
    pub chip: Style,
    pub note: Style,
}

impl Theme {
    pub fn new(kind: ThemeKind, colour: bool) -> Theme {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        if !colour {
            return Theme {
                kind,
                colour,
                base: Style::new(),
                header: bold,
                tab: Style::new(),
                tab_active: bold.add_modifier(Modifier::REVERSED),
                border: Style::new(),
                border_focused: bold,
                title: bold,
                column_header: bold.add_modifier(Modifier::UNDERLINED),
                selected: Style::new().add_modifier(Modifier::REVERSED),
                muted: Style::new(),
                good: Style::new(),
                bad: bold,
                warn: bold,
                key: bold,
                status: Style::new(),
                status_error: bold,
                removed: Style::new(),
                added: Style::new(),
                // Without colour, removed words are struck through and added ones underlined.
                removed_word: Style::new().add_modifier(Modifier::CROSSED_OUT),
                added_word: bold.add_modifier(Modifier::UNDERLINED),
                chip: bold,
                note: bold,
            };
        }
        match kind {
            ThemeKind::Default => Theme {
                kind,
                colour,
                base: Style::new(),
                header: bold.fg(Color::Cyan),
                tab: Style::new().fg(Color::Gray),
                tab_active: bold.fg(Color::Black).bg(Color::Cyan),
                border: Style::new().fg(Color::DarkGray),
                border_focused: Style::new().fg(Color::Cyan),
                title: bold,
                column_header: bold.fg(Color::Cyan),
                selected: bold.fg(Color::White).bg(Color::Blue),
                muted: Style::new().fg(Color::DarkGray),
                good: Style::new().fg(Color::Green),
                bad: bold.fg(Color::Red),
                warn: Style::new().fg(Color::Yellow),
                key: bold.fg(Color::Cyan),
                status: Style::new().fg(Color::Gray),
                status_error: bold.fg(Color::Red),
                removed: Style::new().fg(Color::Red),
                added: Style::new().fg(Color::Green),
                removed_word: bold.fg(Color::White).bg(Color::Red),
                added_word: bold.fg(Color::Black).bg(Color::Green),
                chip: bold.fg(Color::Cyan),
                note: Style::new().fg(Color::Yellow),
            },
            ThemeKind::HighContrast => Theme {
                kind,
                colour,
                base: Style::new().fg(Color::White).bg(Color::Black),
                header: bold.fg(Color::Black).bg(Color::White),
                tab: bold.fg(Color::White).bg(Color::Black),
                tab_active: bold.fg(Color::Black).bg(Color::Yellow),
                border: Style::new().fg(Color::White).bg(Color::Black),
                border_focused: bold.fg(Color::Yellow).bg(Color::Black),
                title: bold.fg(Color::White).bg(Color::Black),
                column_header: bold
                    .fg(Color::Yellow)
                    .bg(Color::Black)
                    .add_modifier(Modifier::UNDERLINED),
                selected: bold.fg(Color::Black).bg(Color::Yellow),
                muted: Style::new().fg(Color::White).bg(Color::Black),
                good: bold.fg(Color::LightGreen).bg(Color::Black),
                bad: bold.fg(Color::LightRed).bg(Color::Black),
                warn: bold.fg(Color::LightYellow).bg(Color::Black),
                key: bold.fg(Color::Yellow).bg(Color::Black),
                status: bold.fg(Color::White).bg(Color::Black),
                status_error: bold.fg(Color::Black).bg(Color::LightRed),
                removed: bold.fg(Color::LightRed).bg(Color::Black),
                added: bold.fg(Color::LightGreen).bg(Color::Black),
                removed_word: bold.fg(Color::Black).bg(Color::LightRed),
                added_word: bold.fg(Color::Black).bg(Color::LightGreen),
                chip: bold.fg(Color::LightCyan).bg(Color::Black),
                note: bold.fg(Color::LightYellow).bg(Color::Black),
            },
        }
    }
}
