//! The shell of the two forms that write to the repository (the decision form and the
//! meeting setup): drafts saved as they are typed and offered back, the preview of the file
//! and commit message stamped with the form's revision, the confirmation, the commit and what
//! follows it. A form supplies only its body ([`FormBody`]); everything here is the same for
//! both.

use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::format::{from_ron, to_ron};
use crate::record::Preview;
use crate::tui::keymap::{Action, KeyMap, Scope};
use crate::tui::loader::{Request, Response};
use crate::tui::screen::{Cx, DrawCx, Effect};
use crate::tui::tag::{ScreenId, Tag};
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
/// (restore or discard), nothing while a draft is looked for or a commit is being written,
/// and the answer to "record now?". The answers' keys are the key map's.
pub fn prelude<T>(
    offer: &mut Option<(Offer, Box<T>)>,
    looking: bool,
    recording: &mut Recording,
    revision: u64,
    key: &KeyEvent,
    keymap: &KeyMap,
) -> Prelude<T> {
    let answer = keymap.action_in(Scope::Question, key);
    if offer.is_some() {
        return match answer {
            Some(Action::RestoreDraft) => match offer.take() {
                Some((_, draft)) => Prelude::Restore(draft),
                None => Prelude::Reply(Reply::Handled),
            },
            Some(Action::DiscardDraft) => {
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
        return Prelude::Reply(match answer {
            Some(Action::ConfirmRecord) => {
                recording.confirming = false;
                if recording.ready(revision) {
                    recording.committing = true;
                    Reply::Commit
                } else {
                    Reply::Handled
                }
            }
            Some(Action::NotYet) => {
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
    pub prepared: Option<(u64, Result<Preview, String>)>,
    /// A preview has been asked for and not yet answered.
    pub pending: bool,
    /// "Record this?" is on screen.
    pub confirming: bool,
    /// Enter asked to record before the check came back: ask once it says the form is ready.
    pub asked: bool,
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
    pub fn current(&self, revision: u64) -> Option<&Result<Preview, String>> {
        self.prepared
            .as_ref()
            .filter(|(made_from, _)| *made_from == revision)
            .map(|(_, p)| p)
    }

    /// Whether the form as it is now can be recorded.
    pub fn ready(&self, revision: u64) -> bool {
        matches!(self.current(revision), Some(Ok(p)) if p.problems.is_empty() && !p.unchanged)
    }

    /// Enter on "Check and record": the question now if the check says the form is ready,
    /// else as soon as it does (a check that finds problems shows them instead).
    pub fn ask(&mut self, revision: u64) {
        if self.ready(revision) {
            self.confirming = true;
            self.asked = false;
        } else {
            self.asked = self.current(revision).is_none();
        }
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
            Some(Ok(p)) if p.unchanged => ("nothing to record".into(), true),
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
        cx: &DrawCx,
    ) {
        let (theme, spinner, keymap) = (cx.theme, cx.spinner, cx.keymap);
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
                if p.unchanged {
                    lines.push(Line::from(Span::styled(
                        format!(
                            "· Nothing to record: the {what} is as it was last recorded. Change something first."
                        ),
                        theme.muted,
                    )));
                } else if p.problems.is_empty() {
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
                // Beside "nothing to record", the warning that nothing changed says it twice.
                for warning in p.warnings.iter().filter(|_| !p.unchanged) {
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
                Span::styled(keymap.first(Action::ConfirmRecord), theme.key),
                Span::raw(" record · "),
                Span::styled(keymap.first(Action::NotYet), theme.key),
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
    pub fn draw(&self, frame: &mut Frame, area: Rect, what: &str, theme: &Theme, keymap: &KeyMap) {
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
            Span::styled(keymap.first(Action::RestoreDraft), theme.key),
            Span::raw(" restore the draft   "),
            Span::styled(keymap.first(Action::DiscardDraft), theme.key),
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
pub fn draw_draft_stage<D>(
    frame: &mut Frame,
    area: Rect,
    looking: bool,
    offer: Option<&(Offer, D)>,
    (what, title): (&str, &str),
    cx: &DrawCx,
) -> bool {
    let (theme, spinner, keymap) = (cx.theme, cx.spinner, cx.keymap);
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
        offer.draw(frame, area, what, theme, keymap);
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

/// What every recording form keeps besides its body.
#[derive(Debug)]
pub struct Shell<D> {
    /// Counts changes, so a preview can tell whether it is still the form's.
    pub revision: u64,
    pub recording: Recording,
    pub save: SaveState,
    /// A draft found on disk, offered back before anything is typed.
    pub offer: Option<(Offer, Box<D>)>,
    /// Still looking for a saved draft.
    pub looking: bool,
}

impl<D> Shell<D> {
    pub fn new(what: &'static str) -> Shell<D> {
        Shell {
            revision: 0,
            recording: Recording::new(what),
            save: SaveState::Clean,
            offer: None,
            looking: false,
        }
    }

    /// The form changed: a new revision, and any question about the old one is withdrawn.
    pub fn changed(&mut self) -> Reply {
        self.revision += 1;
        self.recording.confirming = false;
        self.recording.asked = false;
        Reply::Changed
    }
}

/// A form that records something: the body the shell wraps.
pub trait FormBody {
    type Draft: Serialize + DeserializeOwned + PartialEq;
    /// The screen the form is shown on.
    const SCREEN: ScreenId;
    /// Where to go once it is recorded; `None` is back to where the form was opened from.
    const AFTER: Option<ScreenId>;
    /// What changing the form means, for the message about an unreadable draft ("this form").
    const THIS: &'static str;

    fn shell(&self) -> &Shell<Self::Draft>;
    fn shell_mut(&mut self) -> &mut Shell<Self::Draft>;
    /// The form as a draft, to save or to record.
    fn draft(&self) -> Self::Draft;
    fn draft_key(&self) -> String;
    /// Fills the form from a saved draft.
    fn restore(&mut self, draft: &Self::Draft);
    /// Offers back a draft found on disk, unless it says nothing the form does not.
    fn offer(&mut self, draft: Self::Draft, saved: Option<String>);
    /// Whether the part that records, with its preview, is showing.
    fn recording_shown(&self) -> bool;
    /// A key for the body, once the shell has no use for it.
    fn body_key(&mut self, key: &KeyEvent, keymap: &KeyMap) -> Reply;
    fn prepare(draft: Self::Draft) -> Request;
    fn commit(draft: Self::Draft) -> Request;
}

/// Opens a form: looks for its saved draft first.
pub fn open<B: FormBody>(form: &mut B, cx: &mut Cx) {
    form.shell_mut().looking = true;
    cx.request(
        0,
        Request::LoadDraft {
            key: form.draft_key(),
        },
    );
}

/// A key for a form: the shell's questions first, then the body. What it did is followed up
/// (the draft saved, the commit asked for).
pub fn key<B: FormBody>(form: &mut B, key: &KeyEvent, cx: &mut Cx) -> Reply {
    let shell = form.shell_mut();
    let revision = shell.revision;
    let reply = match prelude(
        &mut shell.offer,
        shell.looking,
        &mut shell.recording,
        revision,
        key,
        cx.keymap,
    ) {
        Prelude::Form => form.body_key(key, cx.keymap),
        Prelude::Reply(reply) => reply,
        Prelude::Restore(draft) => {
            form.restore(&draft);
            Reply::Handled
        }
    };
    match &reply {
        // The answer to a question not asked: say how to get to it rather than nothing.
        Reply::Ignored
            if form.shell().offer.is_none()
                && cx.keymap.action_in(Scope::Question, key) == Some(Action::ConfirmRecord) =>
        {
            cx.say(format!(
                "{} answers a question not asked yet: Enter where the {} is checked asks before recording.",
                cx.keymap.first(Action::ConfirmRecord),
                form.shell().recording.what
            ));
        }
        Reply::Changed => save(form, cx),
        Reply::Discard => {
            cx.delete_draft(form.draft_key(), false);
            cx.say("The saved draft was discarded.");
        }
        Reply::Commit => {
            cx.request(0, B::commit(form.draft()));
            cx.say("Recording…");
        }
        Reply::Ignored | Reply::Handled | Reply::NewMeeting => {}
    }
    preview(form, cx);
    reply
}

/// Saves the form's draft in the background.
fn save<B: FormBody>(form: &mut B, cx: &mut Cx) {
    let key = form.draft_key();
    let text = to_ron(&form.draft());
    let shell = form.shell_mut();
    match text {
        Ok(text) => {
            shell.recording.saving = cx.save_draft(key, text);
            shell.save = SaveState::Saving;
        }
        Err(e) => shell.save = SaveState::Failed(e.to_string()),
    }
}

/// Asks for a preview if the record part shows an old one (or none).
pub fn preview<B: FormBody>(form: &mut B, cx: &mut Cx) {
    let shell = form.shell();
    if !form.recording_shown()
        || shell.offer.is_some()
        || shell.looking
        || !shell.recording.wants_preview(shell.revision)
    {
        return;
    }
    let request = B::prepare(form.draft());
    let shell = form.shell_mut();
    shell.recording.pending = true;
    cx.request(shell.revision, request);
}

/// What the status line says of a commit written: the commit id first, as it is what an
/// auditor asks for and must not be cut off.
pub fn recorded_message(done: &crate::tui::loader::Committed) -> String {
    let mut said = format!(
        "✓ Recorded in commit {}: {} ({})",
        done.commit, done.summary, done.path
    );
    for note in &done.notes {
        said.push_str(" · ");
        said.push_str(note);
    }
    said
}

/// Says why nothing was recorded; a branch that moved is read again.
pub fn not_recorded(failure: &crate::tui::loader::CommitFailure, cx: &mut Cx) {
    if failure.moved {
        cx.warn(
            "✗ Not recorded: someone else recorded something since this was read. Your draft is kept; reloaded — check it and record again.",
        );
        cx.effect(Effect::Reload);
    } else {
        cx.warn(format!(
            "✗ Not recorded (your draft is kept): {}",
            failure.messages.join("; ")
        ));
    }
}

/// An answer of the loader for a form.
pub fn loaded<B: FormBody>(form: &mut B, tag: Tag, response: Response, cx: &mut Cx) {
    match response {
        Response::Draft(result) => draft_loaded(form, result, cx),
        Response::Prepared(result) => {
            let revision = form.shell().revision;
            let recording = &mut form.shell_mut().recording;
            recording.pending = false;
            recording.prepared = Some((tag.stamp, result.map(|p| *p)));
            recording.scroll = 0;
            if recording.asked && recording.current(revision).is_some() {
                recording.ask(revision);
            }
        }
        Response::Committed(Ok(done)) => {
            cx.delete_draft(form.draft_key(), true);
            cx.say(recorded_message(&done));
            cx.effect(Effect::Close(B::SCREEN, B::AFTER));
            // Quietly: the status line keeps the commit id.
            cx.effect(Effect::Reload);
            return;
        }
        Response::Committed(Err(failure)) => {
            let recording = &mut form.shell_mut().recording;
            recording.committing = false;
            recording.prepared = None;
            not_recorded(&failure, cx);
        }
        Response::DraftSaved { key, seq, error } => {
            if key != form.draft_key() {
                // A form this one replaced.
                if let Some(e) = error {
                    cx.warn(format!("✗ A draft could not be saved or removed: {e}"));
                }
                return;
            }
            let shell = form.shell_mut();
            match error {
                Some(e) => shell.save = SaveState::Failed(e),
                // Only the newest save says the draft is saved.
                None if shell.recording.saving == seq => shell.save = SaveState::Saved,
                None => {}
            }
        }
        _ => {}
    }
    preview(form, cx);
}

fn draft_loaded<B: FormBody>(
    form: &mut B,
    result: Result<Option<crate::repo::SavedDraft>, String>,
    cx: &mut Cx,
) {
    form.shell_mut().looking = false;
    let saved = match result {
        Ok(Some(saved)) => saved,
        Ok(None) => return,
        Err(e) => {
            cx.warn(format!("✗ Cannot read the saved draft: {e}"));
            return;
        }
    };
    let when = saved.saved.map(|t| {
        t.to_zoned(jiff::tz::TimeZone::system())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    });
    match from_ron::<B::Draft>(&saved.text) {
        Ok(draft) => form.offer(draft, when),
        Err(e) => cx.warn(format!(
            "✗ The saved draft {} cannot be read (line {}, column {}: {}); it stays on disk until {} is changed",
            form.draft_key(),
            e.position.line,
            e.position.col,
            e.message,
            B::THIS
        )),
    }
}

/// The hints of the shell's question, if one is asked (else the body gives its own).
pub fn hints<B: FormBody>(form: &B, keymap: &KeyMap) -> Option<Vec<(String, String)>> {
    let shell = form.shell();
    let answers = if shell.offer.is_some() {
        [Action::RestoreDraft, Action::DiscardDraft]
    } else if shell.recording.confirming {
        [Action::ConfirmRecord, Action::NotYet]
    } else {
        return None;
    };
    Some(
        answers
            .into_iter()
            .map(|a| (keymap.first(a), a.hint().to_owned()))
            .collect(),
    )
}
