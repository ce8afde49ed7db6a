//! The help overlay, generated from the live key map so it always tells the truth.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::tui::keymap::{Action, KeyMap};
use crate::tui::theme::Theme;
use crate::tui::widgets::{block, centred, scroll_window};
use crate::tui::wrap::wrap;

/// Groups of actions, as the overlay lists them.
pub const GROUPS: [(&str, &[Action]); 8] = [
    (
        "Everywhere",
        &[
            Action::Help,
            Action::Quit,
            Action::Back,
            Action::AgendaTab,
            Action::SchoolsTab,
            Action::SubmissionTab,
            Action::DiffTab,
            Action::DecisionTab,
            Action::MeetingTab,
            Action::HistoryTab,
            Action::Inbox,
            Action::Theme,
            Action::Reload,
            Action::Repair,
            Action::Sync,
        ],
    ),
    (
        "Moving",
        &[
            Action::Up,
            Action::Down,
            Action::PageUp,
            Action::PageDown,
            Action::Top,
            Action::Bottom,
            Action::NextPane,
            Action::PrevPane,
        ],
    ),
    (
        "Agenda and schools",
        &[
            Action::Open,
            Action::Filter,
            Action::Sort,
            Action::ReverseSort,
            Action::AssignReaders,
            Action::DiscussionOrder,
        ],
    ),
    (
        "Submission",
        &[Action::PrevYear, Action::NextYear, Action::Diff],
    ),
    (
        "Year-on-year comparison",
        &[
            Action::NextChange,
            Action::PrevChange,
            Action::OnlyChanges,
            Action::Unified,
            Action::WrapLines,
            Action::BaseYear,
        ],
    ),
    (
        "Recording and the record",
        &[
            Action::Decide,
            Action::WriteReview,
            Action::History,
            Action::Export,
            Action::SubmitWorkbook,
        ],
    ),
    (
        "A sync stopped by a conflict",
        &[Action::TakeTheirs, Action::KeepMine],
    ),
    (
        "Live meeting mode (Enter or e decides the item)",
        &[
            Action::Live,
            Action::NextItem,
            Action::PrevItem,
            Action::Notes,
            Action::EnBloc,
            Action::CloseMeeting,
        ],
    ),
];

/// Keys of the decision form and the meeting setup that move between fields and edit them,
/// which are fixed: while typing, every other key is text. The forms' own actions follow them
/// in the overlay, from the key map.
pub const FORM_KEYS: [(&str, &str); 6] = [
    ("Tab / Shift-Tab", "next / previous field or pane"),
    (
        "Enter",
        "edit the field; in \"Check and record\", record (after y)",
    ),
    (
        "Esc",
        "stop typing (the text stays) and go back to the fields",
    ),
    ("Space", "choose, or take part / not"),
    ("Ctrl-U / Ctrl-R", "undo / redo while typing"),
    ("Space (meeting)", "present → apologies → not recorded"),
];

/// The help overlay's state.
#[derive(Debug, Default)]
pub struct HelpOverlay {
    pub scroll: u16,
}

impl HelpOverlay {
    pub fn draw(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        keymap: &KeyMap,
        theme: &Theme,
        config: Option<&str>,
    ) {
        let width = area.width.saturating_sub(8).min(86);
        let height = area.height.saturating_sub(4);
        let popup = centred(area, width, height);
        let mut lines: Vec<Line> = Vec::new();
        for (group, actions) in GROUPS {
            lines.push(Line::from(Span::styled(group, theme.column_header)));
            for action in actions {
                let keys = keymap.describe(*action);
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<18}"), theme.key),
                    Span::raw(action.description()),
                ]));
            }
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(
            "Decision form and meeting setup",
            theme.column_header,
        )));
        let fixed = FORM_KEYS.into_iter().map(|(k, w)| (k.to_owned(), w));
        let bound = Action::FORM
            .into_iter()
            .map(|a| (keymap.describe(a), a.description()));
        let quit = [(
            "Ctrl-C".to_owned(),
            "quit at once; drafts are already saved",
        )];
        for (keys, what) in fixed.chain(bound).chain(quit) {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme.key),
                Span::raw(what),
            ]));
        }
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Mouse: click to select, click the selection to open, wheel to scroll.",
            theme.muted,
        )));
        lines.push(Line::from(Span::styled(
            match config {
                Some(path) => format!("Key bindings from {path}."),
                None => {
                    "Change key bindings in kitemark/config.ron in your config folder.".to_owned()
                }
            },
            theme.muted,
        )));
        // Scrolling is over the lines as wrapped at this width.
        let lines = wrap(&lines, popup.width.saturating_sub(2));
        let visible = usize::from(popup.height.saturating_sub(2));
        let (shown, max) = scroll_window(&lines, visible, &mut self.scroll);
        let more = if max > 0 {
            format!(" · {} scrolls", keymap.first(Action::Down))
        } else {
            String::new()
        };
        let title = format!(
            "Keys — {} or {} closes{more}",
            keymap.first(Action::Help),
            keymap.first(Action::Back)
        );
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(shown)
                .block(block(&title, true, theme))
                .style(theme.base),
            popup,
        );
    }
}
