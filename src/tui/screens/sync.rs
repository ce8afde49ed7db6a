//! What the interface shows of sharing the panel with its remote, over the screen on show:
//! the account of a sync stopped by a conflict (each file both sides changed, our commit
//! and theirs, the branch keeping ours, and how to finish), and the prompt when the remote
//! needs credentials that only git can ask for.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::record::sync::{CommitNote, Conflict};
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::theme::Theme;
use crate::tui::widgets::{block, centred, scroll_window};
use crate::tui::wrap::wrap;

/// The account of a sync stopped by a conflict, on show until it is answered or put off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictDialog {
    pub conflict: Conflict,
    pub scroll: u16,
}

/// What a key does to the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictAnswer {
    Finish(crate::record::sync::Resolution),
    Later,
    Quit,
    Nothing,
}

impl ConflictDialog {
    pub fn new(conflict: Conflict) -> ConflictDialog {
        ConflictDialog {
            conflict,
            scroll: 0,
        }
    }

    /// What a key does: its own keys first, then moving and leaving.
    pub fn key(
        &mut self,
        key: &ratatui::crossterm::event::KeyEvent,
        action: Option<Action>,
        keymap: &KeyMap,
    ) -> ConflictAnswer {
        use crate::record::sync::Resolution;
        match keymap.action_in(Scope::Question, key) {
            Some(Action::TakeTheirs) => return ConflictAnswer::Finish(Resolution::Theirs),
            Some(Action::KeepMine) => return ConflictAnswer::Finish(Resolution::Mine),
            _ => {}
        }
        match action {
            Some(Action::Back) => ConflictAnswer::Later,
            Some(Action::Quit) => ConflictAnswer::Quit,
            Some(Action::Up) => {
                self.scroll = self.scroll.saturating_sub(1);
                ConflictAnswer::Nothing
            }
            Some(Action::Down) => {
                self.scroll = self.scroll.saturating_add(1);
                ConflictAnswer::Nothing
            }
            _ => ConflictAnswer::Nothing,
        }
    }

    pub fn draw(&mut self, frame: &mut Frame, area: Rect, keymap: &KeyMap, theme: &Theme) {
        let width = area.width.saturating_sub(2).min(100);
        // Each commit on two lines: who and which, then what, so that a long summary wraps
        // on its own.
        let commit = |label: &str, note: &CommitNote| {
            [
                Line::from(vec![
                    Span::styled(format!("    {label:<7}"), theme.muted),
                    Span::styled(note.id.short().to_owned(), theme.key),
                    Span::raw(format!(" {}", inert(&note.author))),
                ]),
                Line::from(format!("           {}", inert(&note.summary))),
            ]
        };
        let files = self.conflict.files.len();
        let mut lines = vec![Line::from(format!(
            "Both sides changed {}; nothing was changed here or on the remote.",
            if files == 1 {
                "the same file".to_owned()
            } else {
                format!("the same {files} files")
            }
        ))];
        for file in &self.conflict.files {
            lines.push(Line::from(Span::styled(
                format!("  {}", inert(&file.path)),
                theme.title,
            )));
            lines.extend(commit("ours", &file.ours));
            lines.extend(commit("theirs", &file.theirs));
        }
        lines.push(Line::from(vec![
            Span::raw("Our commits are kept as they were on "),
            Span::styled(inert(&self.conflict.kept_on), theme.key),
            Span::raw("."),
        ]));
        lines.push(Line::default());
        let choice = |action: Action, what: &str| {
            Line::from(vec![
                Span::styled(format!("  {:<4}", keymap.first(action)), theme.key),
                Span::raw(what.to_owned()),
            ])
        };
        lines.push(choice(
            Action::TakeTheirs,
            "take theirs: their version of each file; our other commits are sent",
        ));
        lines.push(choice(
            Action::KeepMine,
            "keep mine: our version recorded again on top of theirs, and sent",
        ));
        lines.push(choice(
            Action::Back,
            "later: nothing changes; the sync key shows this again",
        ));
        let lines = wrap(&lines, width.saturating_sub(2));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let popup = centred(area, width, height);
        let visible = usize::from(popup.height.saturating_sub(2));
        let (shown, max) = scroll_window(&lines, visible, &mut self.scroll);
        let title = if max > 0 {
            format!(
                "! Sync stopped · {}/{} scrolls",
                keymap.first(Action::Down),
                keymap.first(Action::Up)
            )
        } else {
            "! Sync stopped".to_owned()
        };
        frame.render_widget(Clear, popup);
        frame.render_widget(
            Paragraph::new(shown)
                .block(block(&title, true, theme))
                .style(theme.base),
            popup,
        );
    }
}

/// The prompt when the remote needs credentials the interface cannot ask for: git may ask
/// at the terminal once the interface steps aside.
pub fn draw_credentials(frame: &mut Frame, area: Rect, message: &str, theme: &Theme) {
    let popup = centred(area, area.width.saturating_sub(8).min(72), 9);
    let lines = vec![
        Line::from(Span::styled("The remote needs credentials.", theme.title)),
        Line::from(Span::styled(message.to_owned(), theme.muted)),
        Line::default(),
        Line::from(vec![
            Span::styled("Enter", theme.key),
            Span::raw(": let git ask in this terminal · "),
            Span::styled("Esc", theme.key),
            Span::raw(": not now"),
        ]),
    ];
    let lines = wrap(&lines, popup.width.saturating_sub(2));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block("Credentials", true, theme))
            .style(theme.base),
        popup,
    );
}

/// Text from the repository (paths, names, summaries), never acted on by the terminal.
fn inert(text: &str) -> String {
    crate::model::text::sanitize_inline(text).into_owned()
}
