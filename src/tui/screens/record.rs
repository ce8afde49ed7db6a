//! What the two forms that write to the repository (the decision form and the meeting setup)
//! share: the preview of the file and commit message before recording, the confirmation, and
//! the offer of a draft saved earlier.

use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

use crate::tui::loader::Prepared;
use crate::tui::theme::Theme;
use crate::tui::widgets::block;
use crate::tui::wrap::{wrap, wrap_hanging};

/// What a key did to a form, for the app to follow up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Not the form's key: the app may use it.
    Ignored,
    Handled,
    /// The form changed: save the draft.
    Changed,
    /// Record the form as previewed.
    Commit,
    /// The saved draft was discarded.
    Discard,
    /// Set up a meeting on another date.
    NewMeeting,
}

/// What the keys every recording form handles first decided.
pub enum Prelude<T> {
    /// The key is for the form itself.
    Form,
    Reply(Reply),
    /// Fill the form from the offered draft.
    Restore(Box<T>),
}

/// The keys every recording form handles before its own: the answer to an offered draft
/// (`r` restores, `d` discards), nothing while a draft is looked for or a commit is being
/// written, and the answer to "record now?" (`y`, or `n`/Esc).
pub fn prelude<T>(
    offer: &mut Option<(Offer, Box<T>)>,
    looking: bool,
    recording: &mut Recording,
    revision: u64,
    key: &KeyEvent,
) -> Prelude<T> {
    if offer.is_some() {
        return match key.code {
            KeyCode::Char('r') => match offer.take() {
                Some((_, draft)) => Prelude::Restore(draft),
                None => Prelude::Reply(Reply::Handled),
            },
            KeyCode::Char('d') => {
                *offer = None;
                Prelude::Reply(Reply::Discard)
            }
            _ => Prelude::Reply(Reply::Ignored),
        };
    }
    if looking || recording.committing {
        return Prelude::Reply(Reply::Ignored);
    }
    if recording.confirming {
        return Prelude::Reply(match key.code {
            KeyCode::Char('y' | 'Y') => {
                recording.confirming = false;
                if recording.ready(revision) {
                    recording.committing = true;
                    Reply::Commit
                } else {
                    Reply::Handled
                }
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                recording.confirming = false;
                Reply::Handled
            }
            _ => Reply::Handled,
        });
    }
    Prelude::Form
}

/// The state of recording a form: its preview, the question before committing, the commit
/// in flight.
#[derive(Debug, Default)]
pub struct Recording {
    /// What is recorded, in a word ("decision", "meeting").
    what: &'static str,
    /// The preview and the revision of the form it was made from.
    pub prepared: Option<(u64, Result<Prepared, String>)>,
    /// A preview has been asked for and not yet answered.
    pub pending: bool,
    /// "Record this?" is on screen.
    pub confirming: bool,
    /// The commit is being written.
    pub committing: bool,
    /// The number of the newest save of the draft asked for: only its answer says "saved".
    pub saving: u64,
    pub scroll: u16,
    max_scroll: u16,
}

impl Recording {
    pub fn new(what: &'static str) -> Recording {
        Recording {
            what,
            ..Recording::default()
        }
    }

    /// The preview, if it was made from the form as it is now.
    pub fn current(&self, revision: u64) -> Option<&Result<Prepared, String>> {
        self.prepared
            .as_ref()
            .filter(|(made_from, _)| *made_from == revision)
            .map(|(_, p)| p)
    }

    /// Whether the form as it is now can be recorded.
    pub fn ready(&self, revision: u64) -> bool {
        matches!(self.current(revision), Some(Ok(p)) if p.problems.is_empty())
    }

    /// Whether a preview of the form as it is now should be asked for.
    pub fn wants_preview(&self, revision: u64) -> bool {
        !self.pending && !self.committing && self.current(revision).is_none()
    }

    pub fn scroll_by(&mut self, delta: i32) {
        self.scroll = self
            .scroll
            .saturating_add_signed(delta.clamp(-1000, 1000) as i16)
            .min(self.max_scroll);
    }

    /// A one-word state for the form's list of fields.
    pub fn mark(&self, revision: u64) -> (String, bool) {
        match self.current(revision) {
            _ if self.committing => ("recording…".into(), true),
            Some(Ok(p)) if p.problems.is_empty() => ("ready".into(), true),
            Some(Ok(p)) => (format!("{} to resolve", p.problems.len()), false),
            Some(Err(_)) => ("cannot check".into(), false),
            None if self.pending => ("checking…".into(), true),
            None => ("check".into(), true),
        }
    }

    /// Draws the preview: what stands in the way (or that nothing does), then the commit and
    /// the file, scrollable; the question at the bottom while confirming.
    pub fn draw(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        revision: u64,
        focused: bool,
        theme: &Theme,
        spinner: &str,
    ) {
        let what = self.what;
        let title = format!("Record the {what}");
        let inner_width = area.width.saturating_sub(3);
        let mut lines: Vec<Line> = Vec::new();
        match self.current(revision) {
            _ if self.committing => lines.push(Line::from(Span::styled(
                format!("{spinner} Recording the {what}…"),
                theme.title,
            ))),
            None => lines.push(Line::from(Span::styled(
                format!("{spinner} Checking the {what} against the repository…"),
                theme.muted,
            ))),
            Some(Err(e)) => {
                lines.push(Line::from(Span::styled(
                    format!("✗ Cannot check the {what}"),
                    theme.bad,
                )));
                lines.push(Line::from(e.clone()));
            }
            Some(Ok(p)) => {
                if p.problems.is_empty() {
                    lines.push(Line::from(Span::styled(
                        format!("✓ Ready to record. Enter records the {what}, after a question."),
                        theme.good,
                    )));
                } else {
                    lines.push(Line::from(Span::styled(
                        format!(
                            "✗ Not ready: {} thing(s) to resolve before recording",
                            p.problems.len()
                        ),
                        theme.bad,
                    )));
                    for problem in &p.problems {
                        lines.push(Line::from(vec![
                            Span::styled("  ✗ ", theme.bad),
                            Span::raw(problem.clone()),
                        ]));
                    }
                }
                for warning in &p.warnings {
                    lines.push(Line::from(vec![
                        Span::styled("  ! ", theme.warn),
                        Span::raw(warning.clone()),
                    ]));
                }
                if !p.message.is_empty() {
                    lines.push(Line::default());
                    lines.push(Line::from(vec![
                        Span::styled("Commit ", theme.column_header),
                        Span::styled(format!("by {} after {}", p.author, p.parent), theme.muted),
                    ]));
                    for line in p.message.lines() {
                        lines.push(Line::from(format!("  {line}")));
                    }
                    lines.push(Line::default());
                    lines.push(Line::from(vec![
                        Span::styled("File ", theme.column_header),
                        Span::styled(p.path.clone(), theme.muted),
                    ]));
                    for line in p.file.lines() {
                        lines.push(Line::from(format!("  {line}")));
                    }
                }
            }
        }
        let lines = wrap_hanging(&lines, inner_width, 4);
        let question = self.confirming.then(|| {
            Line::from(vec![
                Span::styled(format!(" Record the {what} now? "), theme.tab_active),
                Span::raw(" "),
                Span::styled("y", theme.key),
                Span::raw(" record · "),
                Span::styled("n", theme.key),
                Span::raw(" not yet"),
            ])
        });
        let inner_height = area
            .height
            .saturating_sub(2)
            .saturating_sub(u16::from(question.is_some()) * 2);
        self.max_scroll =
            u16::try_from(lines.len().saturating_sub(usize::from(inner_height))).unwrap_or(0);
        self.scroll = self.scroll.min(self.max_scroll);
        let outer = block(&title, focused, theme);
        let inner = outer.inner(area);
        frame.render_widget(outer, area);
        let text_area = Rect {
            height: inner_height,
            ..inner
        };
        let start = usize::from(self.scroll).min(lines.len());
        let end = (start + usize::from(inner_height)).min(lines.len());
        frame.render_widget(
            Paragraph::new(lines[start..end].to_vec()).style(theme.base),
            text_area,
        );
        if self.max_scroll > 0 {
            let mut state = ScrollbarState::new(usize::from(self.max_scroll))
                .position(usize::from(self.scroll));
            frame.render_stateful_widget(
                Scrollbar::new(ScrollbarOrientation::VerticalRight),
                area,
                &mut state,
            );
        }
        if let Some(question) = question {
            let at = Rect {
                y: inner.y + inner.height.saturating_sub(1),
                height: 1,
                ..inner
            };
            frame.render_widget(Paragraph::new(question).style(theme.base), at);
        }
    }
}

/// A draft saved earlier for the item being opened, offered back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// When it was saved, in local time, if known.
    pub saved: Option<String>,
    /// What it holds, in a few words.
    pub summary: Vec<String>,
}

impl Offer {
    pub fn draw(&self, frame: &mut Frame, area: Rect, what: &str, theme: &Theme) {
        let when = self
            .saved
            .as_ref()
            .map_or_else(String::new, |s| format!(", saved {s},"));
        let mut lines = vec![
            Line::from(Span::styled(
                format!("✎ A draft of this {what}{when} was found."),
                theme.title,
            )),
            Line::from("It was kept after the program stopped or a recording was refused."),
            Line::default(),
        ];
        for part in &self.summary {
            lines.push(Line::from(format!("  · {part}")));
        }
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled("r", theme.key),
            Span::raw(" restore the draft   "),
            Span::styled("d", theme.key),
            Span::raw(" discard it and start afresh"),
        ]));
        frame.render_widget(
            Paragraph::new(wrap(&lines, area.width.saturating_sub(2)))
                .block(block("Saved draft", true, theme))
                .style(theme.base),
            area,
        );
    }
}

/// What a form shows before it can be edited: that a saved draft is being looked for, or the
/// draft found. Returns whether it drew anything (then the form itself is not drawn).
#[allow(clippy::too_many_arguments)]
pub fn draw_draft_stage<D>(
    frame: &mut Frame,
    area: Rect,
    looking: bool,
    offer: Option<&(Offer, D)>,
    what: &str,
    title: &str,
    theme: &Theme,
    spinner: &str,
) -> bool {
    if looking {
        frame.render_widget(
            Paragraph::new(format!("{spinner} Looking for a saved draft…"))
                .block(block(title, true, theme))
                .style(theme.base),
            area,
        );
        return true;
    }
    if let Some((offer, _)) = offer {
        offer.draw(frame, area, what, theme);
        return true;
    }
    false
}

/// Where drafts stand, for the header and the form's title.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SaveState {
    /// Nothing typed since the form opened (or since it was restored).
    #[default]
    Clean,
    Saving,
    Saved,
    Failed(String),
}

impl SaveState {
    pub fn label(&self) -> Option<(String, bool)> {
        match self {
            SaveState::Clean => None,
            SaveState::Saving => Some(("✎ draft saving…".into(), true)),
            SaveState::Saved => Some(("✎ draft saved".into(), true)),
            SaveState::Failed(e) => Some((format!("✗ draft not saved: {e}"), false)),
        }
    }
}
