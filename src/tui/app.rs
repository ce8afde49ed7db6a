//! The app: state, events and drawing, independent of any real terminal, so that tests can
//! drive it with synthetic events and draw it on a test backend.

use std::collections::BTreeSet;

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub use super::event::AppEvent;
use super::keymap::{Action, KeyMap};
use super::loader::{Loaded, Loader, Request, RequestKind, Response};
use super::screens::agenda::{self, AgendaScreen};
use super::screens::decision::{DecisionContext, DecisionForm};
use super::screens::diff::DiffScreen;
use super::screens::help::HelpOverlay;
use super::screens::history::{self as history_screen, HistoryScreen};
use super::screens::meeting::{DatePrompt, MeetingSetup, PromptReply};
use super::screens::record::{Reply, SaveState};
use super::screens::schools::{self, SchoolsScreen};
use super::screens::submission::{Pane, SubmissionScreen};
use super::tag::{ScreenId, Tag, Target};
use super::theme::{Theme, ThemeKind};
use super::view::OpenedView;
use super::widgets::{block, contains};
use crate::model::draft::{DecisionDraft, MeetingDraft};
use crate::model::format::{from_ron, to_ron};
use crate::model::{AcademicYear, SchoolId};

/// The smallest terminal the layout is designed for.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

const SPINNER: [&str; 8] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧"];

/// How the app was started.
#[derive(Debug, Clone)]
pub struct Options {
    pub rev: Option<String>,
    pub today: Date,
    pub theme: ThemeKind,
    /// False when `NO_COLOR` is set.
    pub colour: bool,
    pub keymap: KeyMap,
    /// The config file in use, for the help overlay.
    pub config_path: Option<String>,
}

/// The tabs along the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Agenda,
    Schools,
    Submission,
    Diff,
    Decision,
    Meeting,
    History,
}

/// The two forms that write to the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKind {
    Decision,
    Meeting,
}

impl FormKind {
    fn id(self) -> ScreenId {
        match self {
            FormKind::Decision => ScreenId::Decision,
            FormKind::Meeting => ScreenId::Meeting,
        }
    }
}

/// The app's whole state.
pub struct App {
    options: Options,
    pub theme: Theme,
    loader: Loader,
    opened: Option<OpenedView>,
    open_error: Option<String>,
    pub tab: Tab,
    /// Where the submission was opened from, to go back to.
    came_from: Tab,
    /// Where the comparison was opened from.
    diff_from: Tab,
    agenda: AgendaScreen,
    schools: SchoolsScreen,
    submission: Option<SubmissionScreen>,
    diff: Option<DiffScreen>,
    help: Option<HelpOverlay>,
    editing_filter: bool,
    status: Option<(String, bool)>,
    spinner: usize,
    quit: bool,
    tab_hits: Vec<(Rect, Tab)>,
    /// Whether the last frame was the "too small" message: keys other than quit wait.
    too_small: bool,
    /// Whether the open request in flight is a reload (so its outcome is reported).
    reloading: bool,
    decision: Option<DecisionForm>,
    meeting: Option<MeetingSetup>,
    history: Option<HistoryScreen>,
    /// Where the history was opened from.
    history_from: Tab,
    /// Asking which meeting to set up.
    meeting_prompt: Option<DatePrompt>,
    /// Where the forms were opened from, to go back to.
    form_from: Tab,
    /// Drafts on disk, by key, as far as this app knows.
    drafts: BTreeSet<String>,
}

impl App {
    /// Starts the app and asks for the repository to be read.
    pub fn new(options: Options, mut loader: Loader) -> App {
        loader.request(
            Tag::app(),
            Request::Open {
                rev: options.rev.clone(),
                today: options.today,
            },
        );
        App {
            theme: Theme::new(options.theme, options.colour),
            options,
            loader,
            opened: None,
            open_error: None,
            tab: Tab::Agenda,
            came_from: Tab::Agenda,
            diff_from: Tab::Submission,
            agenda: AgendaScreen::default(),
            schools: SchoolsScreen::default(),
            submission: None,
            diff: None,
            help: None,
            editing_filter: false,
            status: None,
            spinner: 0,
            quit: false,
            tab_hits: Vec::new(),
            too_small: false,
            reloading: false,
            decision: None,
            meeting: None,
            history: None,
            history_from: Tab::Agenda,
            meeting_prompt: None,
            form_from: Tab::Agenda,
            drafts: BTreeSet::new(),
        }
    }

    /// Waits for drafts still being saved or removed; the app is done.
    pub fn finish(&mut self) {
        self.loader.finish();
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Whether an answer from the loader is still awaited.
    pub fn is_loading(&self) -> bool {
        self.loader.is_busy()
    }

    /// Whether the repository has been read (successfully or not).
    pub fn is_open(&self) -> bool {
        self.opened.is_some() || self.open_error.is_some()
    }

    /// Asks the loader on behalf of the screen (or the app) that will want the answer.
    fn request(&mut self, request: Request) {
        let to = match request.kind() {
            RequestKind::Submission => Target::Screen(ScreenId::Submission),
            RequestKind::Diff => Target::Screen(ScreenId::Diff),
            RequestKind::History | RequestKind::CommitFiles => Target::Screen(ScreenId::History),
            _ => Target::App,
        };
        self.loader.request(Tag { to, stamp: 0 }, request);
    }

    /// Asks the loader on behalf of a form.
    fn request_for(&mut self, which: FormKind, stamp: u64, request: Request) {
        self.loader.request(Tag::screen(which.id(), stamp), request);
    }

    fn say(&mut self, message: impl Into<String>) {
        self.status = Some((message.into(), false));
    }

    fn warn(&mut self, message: impl Into<String>) {
        self.status = Some((message.into(), true));
    }

    pub fn handle(&mut self, event: AppEvent) {
        match event {
            AppEvent::Key(key) if key.kind == KeyEventKind::Press => self.key(key),
            AppEvent::Key(_) | AppEvent::Resize => {}
            AppEvent::Mouse(mouse) => self.mouse(mouse),
            AppEvent::Tick => self.spinner = (self.spinner + 1) % SPINNER.len(),
            AppEvent::InputLost => self.quit = true,
            AppEvent::Loaded(loaded) => self.loaded(*loaded),
        }
    }

    fn loaded(&mut self, loaded: Loaded) {
        // An answer to a request that has since been replaced is stale: drop it.
        if !self.loader.accept(&loaded) {
            return;
        }
        let form = match loaded.tag.to {
            Target::Screen(ScreenId::Decision) => Some(FormKind::Decision),
            Target::Screen(ScreenId::Meeting) => Some(FormKind::Meeting),
            _ => None,
        };
        match loaded.response {
            Response::DraftSaved { key, seq, error } => self.draft_saved(form, &key, seq, error),
            Response::Opened(Ok(view)) => {
                self.drafts = view.drafts.iter().cloned().collect();
                self.agenda.set_data(&view.agenda);
                self.schools.set_data(&view.schools);
                if let Some(what) = &view.half_done {
                    let key = self.options.keymap.first(Action::Repair);
                    self.warn(format!(
                        "! A recording was left half done: press {key} to repair it ({what})"
                    ));
                } else if !view.problems.is_empty() {
                    let first = &view.problems[0];
                    self.warn(format!(
                        "✗ {} file(s) or school(s) could not be read — run kitemark validate (first: {first})",
                        view.problems.len()
                    ));
                } else if self.reloading {
                    self.say(format!("Reloaded: commit {}", view.header.commit));
                }
                self.reloading = false;
                // The evidence rules read the agenda items' self-reviews: asked for only now,
                // so that the agenda is on screen before any submission is read.
                let pending: Vec<_> = view
                    .agenda
                    .rows
                    .iter()
                    .filter(|r| r.evidence_pending)
                    .cloned()
                    .collect();
                self.opened = Some(*view);
                self.open_error = None;
                self.rebind_forms();
                if !pending.is_empty() {
                    self.request(Request::Evidence { rows: pending });
                }
                if let Some(history) = &mut self.history {
                    history.data = None;
                    let request = Request::History {
                        school: history.school.clone(),
                        today: self.options.today,
                    };
                    self.request(request);
                }
                // The open submission and comparison are re-read from the new snapshot.
                if let Some(sub) = &self.submission {
                    let (school, year) = (sub.school.clone(), sub.year);
                    self.open_submission(school, year, false);
                }
                if let Some(diff) = &mut self.diff {
                    diff.data = None;
                    let request = Request::Diff {
                        school: diff.school.clone(),
                        earlier: diff.earlier,
                        later: diff.later,
                    };
                    self.request(request);
                }
            }
            Response::Opened(Err(e)) => {
                self.reloading = false;
                match &self.opened {
                    // What is on screen stays, but nobody may think it is the new state.
                    Some(opened) => {
                        let commit = opened.header.commit.clone();
                        self.warn(format!(
                            "✗ Reload failed; still showing commit {commit}: {e}"
                        ));
                    }
                    None => self.open_error = Some(e),
                }
            }
            Response::Submission(result) => {
                if let Some(sub) = &mut self.submission {
                    sub.set_data(result.map(|v| *v));
                }
            }
            Response::Diff(result) => {
                if let Some(diff) = &mut self.diff {
                    diff.set_data(result);
                }
            }
            Response::Draft(result) => self.draft_loaded(form, result),
            Response::Prepared(result) => {
                let Some(which) = form else {
                    return;
                };
                let revision = loaded.tag.stamp;
                let result = result.map(|p| *p);
                let recording = match which {
                    FormKind::Decision => self.decision.as_mut().map(|f| &mut f.recording),
                    FormKind::Meeting => self.meeting.as_mut().map(|f| &mut f.recording),
                };
                if let Some(recording) = recording {
                    recording.pending = false;
                    recording.prepared = Some((revision, result));
                    recording.scroll = 0;
                }
                self.request_preview();
            }
            Response::Committed(result) => self.committed(form, result),
            Response::History(result) => {
                if let Some(history) = &mut self.history {
                    history.set_data(result.map(|v| *v));
                }
                self.request_files();
            }
            Response::CommitFiles(result) => {
                if let Some(history) = &mut self.history {
                    history.set_files(result.map(|v| *v));
                }
                self.request_files();
            }
            Response::Exported(Ok((title, path))) => {
                // The path first: it is what the user needs to find the file.
                self.say(format!("✓ Saved {} ({title})", path.display()));
            }
            Response::Exported(Err(e)) => self.warn(format!("✗ Nothing was written: {e}")),
            Response::Repaired(Ok(repair)) => {
                let done = if repair.done.is_empty() {
                    "nothing needed repairing".to_owned()
                } else {
                    repair.done.join(" · ")
                };
                if repair.attention.is_empty() {
                    self.say(format!("✓ Repaired: {done}"));
                } else {
                    self.warn(format!("! {done} · {}", repair.attention.join(" · ")));
                }
                self.request(Request::Open {
                    rev: self.options.rev.clone(),
                    today: self.options.today,
                });
            }
            Response::Repaired(Err(e)) => self.warn(format!("✗ Could not repair: {e}")),
            Response::Evidence(Ok((commit, rows))) => self.evidence_checked(&commit, rows),
            Response::Evidence(Err(e)) => {
                // The rows must not go on saying the rules are being checked.
                if let Some(opened) = &mut self.opened {
                    for row in opened.agenda.rows.iter_mut().filter(|r| r.evidence_pending) {
                        row.evidence_pending = false;
                        row.rule_problem = Some(format!("cannot check the evidence rules: {e}"));
                    }
                    self.agenda.set_data(&opened.agenda);
                }
                self.warn(format!("✗ Cannot check the evidence rules: {e}"));
            }
        }
    }

    /// The agenda's rows with their evidence rules checked, if they belong to the commit on
    /// screen (a reload may have replaced it).
    fn evidence_checked(&mut self, commit: &str, rows: Vec<super::view::AgendaRow>) {
        let Some(opened) = &mut self.opened else {
            return;
        };
        if opened.header.commit != commit {
            return;
        }
        for checked in rows {
            if let Some(row) = opened.agenda.rows.iter_mut().find(|r| {
                r.evidence_pending
                    && r.school == checked.school
                    && r.year == checked.year
                    && r.kind == checked.kind
            }) {
                *row = checked;
            }
        }
        self.agenda.set_data(&opened.agenda);
        // An open decision form shows the rules as they stand; nothing else has changed, so
        // the form (its cursor, its undo) stays as it is.
        if let Some(form) = &mut self.decision {
            let ctx = &mut form.ctx;
            if let Some(row) = opened
                .agenda
                .rows
                .iter()
                .find(|r| r.school == ctx.school && r.year == ctx.year && r.kind == ctx.kind)
            {
                ctx.rules = row.rules.clone();
            }
        }
    }

    /// Forms opened before a reload are checked against the new state from now on; what was
    /// typed stays.
    fn rebind_forms(&mut self) {
        let Some(opened) = &self.opened else {
            return;
        };
        let catalog = std::sync::Arc::clone(&opened.catalog);
        if let Some(form) = &mut self.decision {
            let ctx = &form.ctx;
            let rules = opened
                .agenda
                .rows
                .iter()
                .find(|r| r.school == ctx.school && r.year == ctx.year && r.kind == ctx.kind)
                .map(|r| r.rules.clone())
                .unwrap_or_else(|| ctx.rules.clone());
            match DecisionContext::new(
                std::sync::Arc::clone(&catalog),
                &ctx.school.clone(),
                ctx.year,
                &ctx.kind.clone(),
                ctx.meeting,
                rules,
            ) {
                Ok(ctx) => form.rebind(ctx),
                Err(e) => self.status = Some((format!("✗ The decision form: {e}"), true)),
            }
        }
        if let Some(setup) = &mut self.meeting {
            setup.rebind(catalog, self.options.today);
        }
        self.request_preview();
    }

    /// A saved draft found (or not) for the form being opened.
    fn draft_loaded(
        &mut self,
        form: Option<FormKind>,
        result: Result<Option<crate::repo::SavedDraft>, String>,
    ) {
        let saved = match result {
            Ok(found) => found,
            Err(e) => {
                self.warn(format!("✗ Cannot read the saved draft: {e}"));
                None
            }
        };
        let when = |s: &crate::repo::SavedDraft| {
            s.saved.map(|t| {
                t.to_zoned(jiff::tz::TimeZone::system())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
        };
        if let (Some(FormKind::Decision), Some(form)) = (form, self.decision.as_mut()) {
            let key = form.draft_key();
            form.looking = false;
            if let Some(saved) = saved {
                match from_ron::<DecisionDraft>(&saved.text) {
                    Ok(draft) => form.offer(draft, when(&saved)),
                    Err(e) => self.warn(format!(
                        "✗ The saved draft {key} cannot be read (line {}, column {}: {}); it stays on disk until this form is changed",
                        e.position.line, e.position.col, e.message
                    )),
                }
            }
        } else if let (Some(FormKind::Meeting), Some(setup)) = (form, self.meeting.as_mut()) {
            let key = setup.draft_key();
            setup.looking = false;
            if let Some(saved) = saved {
                match from_ron::<MeetingDraft>(&saved.text) {
                    Ok(draft) => setup.offer(draft, when(&saved)),
                    Err(e) => self.warn(format!(
                        "✗ The saved draft {key} cannot be read (line {}, column {}: {}); it stays on disk until this meeting is changed",
                        e.position.line, e.position.col, e.message
                    )),
                }
            }
        }
        self.request_preview();
    }

    fn draft_saved(&mut self, form: Option<FormKind>, key: &str, seq: u64, error: Option<String>) {
        // Only the newest save of the form's own draft says it is saved.
        let target = match form {
            Some(FormKind::Decision) => self
                .decision
                .as_mut()
                .filter(|f| f.draft_key() == key)
                .map(|f| (&mut f.save, f.recording.saving)),
            Some(FormKind::Meeting) => self
                .meeting
                .as_mut()
                .filter(|f| f.draft_key() == key)
                .map(|f| (&mut f.save, f.recording.saving)),
            None => None,
        };
        let state = match error {
            Some(e) => SaveState::Failed(e),
            None if target.as_ref().is_some_and(|(_, newest)| *newest == seq) => SaveState::Saved,
            None => return,
        };
        if let Some((save, _)) = target {
            *save = state;
        } else if let SaveState::Failed(e) = state {
            self.warn(format!("✗ A draft could not be saved or removed: {e}"));
        }
    }

    /// Saves the form's draft in the background.
    fn save_draft(&mut self, which: FormKind) {
        let (key, text) = match which {
            FormKind::Decision => match &self.decision {
                Some(f) => (f.draft_key(), to_ron(&f.draft())),
                None => return,
            },
            FormKind::Meeting => match &self.meeting {
                Some(f) => (f.draft_key(), to_ron(&f.draft())),
                None => return,
            },
        };
        let (state, seq) = match text {
            Ok(text) => {
                self.drafts.insert(key.clone());
                let seq = self
                    .loader
                    .save_draft(Tag::screen(which.id(), 0), key, text);
                (SaveState::Saving, seq)
            }
            Err(e) => (SaveState::Failed(e.to_string()), 0),
        };
        let recording = match which {
            FormKind::Decision => self
                .decision
                .as_mut()
                .map(|f| (&mut f.save, &mut f.recording)),
            FormKind::Meeting => self
                .meeting
                .as_mut()
                .map(|f| (&mut f.save, &mut f.recording)),
        };
        if let Some((save, recording)) = recording {
            *save = state;
            recording.saving = seq;
        }
    }

    /// Removes a draft; a failure is reported to `to` (the form, or the app if it is gone).
    fn discard_draft(&mut self, to: Target, key: String) {
        self.drafts.remove(&key);
        self.loader.delete_draft(Tag { to, stamp: 0 }, key);
    }

    /// Asks for a preview of the form on screen if its record field shows an old one.
    fn request_preview(&mut self) {
        let request = match self.tab {
            Tab::Decision => self.decision.as_mut().and_then(|f| {
                let draft = f.wants_preview()?;
                f.recording.pending = true;
                Some((
                    FormKind::Decision,
                    f.revision,
                    Request::PrepareDecision(Box::new(draft)),
                ))
            }),
            Tab::Meeting => self.meeting.as_mut().and_then(|f| {
                let draft = f.wants_preview()?;
                f.recording.pending = true;
                Some((
                    FormKind::Meeting,
                    f.revision,
                    Request::PrepareMeeting(Box::new(draft)),
                ))
            }),
            _ => None,
        };
        if let Some((which, revision, request)) = request {
            self.request_for(which, revision, request);
        }
    }

    /// What became of a commit.
    fn committed(
        &mut self,
        form: Option<FormKind>,
        result: Result<super::loader::Committed, super::loader::CommitFailure>,
    ) {
        let Some(which) = form else {
            return;
        };
        match result {
            Ok(done) => {
                let key = match which {
                    FormKind::Decision => self.decision.take().map(|f| f.draft_key()),
                    FormKind::Meeting => self.meeting.take().map(|f| f.draft_key()),
                };
                if let Some(key) = key {
                    self.discard_draft(Target::App, key);
                }
                // The commit id first: it is what an auditor asks for, and must not be cut off.
                let mut said = format!(
                    "✓ Recorded in commit {}: {} ({})",
                    done.commit, done.summary, done.path
                );
                for note in &done.notes {
                    said.push_str(" · ");
                    said.push_str(note);
                }
                self.say(said);
                self.show(if which == FormKind::Meeting {
                    Tab::Agenda
                } else {
                    self.form_from
                });
                // Quietly: the status line keeps the commit id.
                self.request(Request::Open {
                    rev: self.options.rev.clone(),
                    today: self.options.today,
                });
            }
            Err(failure) => {
                let recording = match which {
                    FormKind::Decision => self.decision.as_mut().map(|f| &mut f.recording),
                    FormKind::Meeting => self.meeting.as_mut().map(|f| &mut f.recording),
                };
                if let Some(recording) = recording {
                    recording.committing = false;
                    recording.prepared = None;
                }
                if failure.moved {
                    self.warn(
                        "✗ Not recorded: someone else recorded something since this was read. Your draft is kept; reloaded — check it and record again.",
                    );
                    self.request(Request::Open {
                        rev: self.options.rev.clone(),
                        today: self.options.today,
                    });
                } else {
                    self.warn(format!(
                        "✗ Not recorded (your draft is kept): {}",
                        failure.messages.join("; ")
                    ));
                    self.request_preview();
                }
            }
        }
    }

    /// What the form's key did, followed up.
    fn form_reply(&mut self, which: FormKind, reply: Reply) {
        match reply {
            Reply::Ignored | Reply::Handled => {}
            Reply::Changed => self.save_draft(which),
            Reply::Discard => {
                let key = match which {
                    FormKind::Decision => self.decision.as_ref().map(|f| f.draft_key()),
                    FormKind::Meeting => self.meeting.as_ref().map(|f| f.draft_key()),
                };
                if let Some(key) = key {
                    self.discard_draft(Target::Screen(which.id()), key);
                }
                self.say("The saved draft was discarded.");
            }
            Reply::Commit => {
                let request = match which {
                    FormKind::Decision => self
                        .decision
                        .as_ref()
                        .map(|f| Request::CommitDecision(Box::new(f.draft()))),
                    FormKind::Meeting => self
                        .meeting
                        .as_ref()
                        .map(|f| Request::CommitMeeting(Box::new(f.draft()))),
                };
                if let Some(request) = request {
                    self.request_for(which, 0, request);
                    self.say("Recording…");
                }
            }
            Reply::NewMeeting => {
                self.meeting_prompt = Some(DatePrompt::new(self.options.today));
            }
        }
        self.request_preview();
    }

    /// Opens the decision form on the selected agenda item (or the open submission's).
    fn open_decision(&mut self) {
        let Some(opened) = &self.opened else {
            return;
        };
        let Some(meeting) = opened
            .catalog
            .current_meeting(self.options.today)
            .map(|m| m.date)
        else {
            self.say(format!(
                "No meeting is scheduled: set one up first ({}).",
                self.options.keymap.first(Action::MeetingTab)
            ));
            return;
        };
        let row = match self.tab {
            Tab::Agenda => self.agenda.selected(&opened.agenda).cloned(),
            Tab::Submission => self.submission.as_ref().and_then(|s| {
                opened
                    .agenda
                    .rows
                    .iter()
                    .find(|r| r.school == s.school && r.year == s.year)
                    .cloned()
            }),
            _ => None,
        };
        let Some(row) = row else {
            let message = if self.tab == Tab::Submission {
                format!(
                    "This submission is not on the agenda of the meeting on {meeting}: add it in the meeting setup ({}).",
                    self.options.keymap.first(Action::MeetingTab)
                )
            } else {
                "Choose an item on the agenda first.".to_owned()
            };
            self.say(message);
            return;
        };
        if row.decided {
            self.say(format!(
                "{} {} is decided already ({}); a correction is recorded with kitemark decide --supersedes.",
                row.school, row.year, row.status
            ));
            return;
        }
        let key = DecisionDraft::new(row.school.clone(), row.year, row.kind.clone(), meeting).key();
        if self.decision.as_ref().is_some_and(|f| f.draft_key() == key) {
            self.form_from = self.tab;
            self.show(Tab::Decision);
            return;
        }
        let ctx = match DecisionContext::new(
            std::sync::Arc::clone(&opened.catalog),
            &row.school,
            row.year,
            &row.kind,
            meeting,
            row.rules.clone(),
        ) {
            Ok(ctx) => ctx,
            Err(e) => {
                self.warn(format!("✗ Cannot write this decision: {e}"));
                return;
            }
        };
        if let Some(old) = &self.decision
            && old.save != SaveState::Clean
        {
            self.say(format!(
                "The draft for {} {} is kept; it is offered back when that item is opened again.",
                old.ctx.school, old.ctx.year
            ));
        }
        let mut form = DecisionForm::new(ctx);
        form.looking = true;
        self.decision = Some(form);
        self.request_for(FormKind::Decision, 0, Request::LoadDraft { key });
        // The submission, for the school's own assessment of each area and to read alongside.
        if !self
            .submission
            .as_ref()
            .is_some_and(|s| s.school == row.school && s.year == row.year)
        {
            self.open_submission(row.school.clone(), row.year, false);
        }
        self.form_from = self.tab;
        self.show(Tab::Decision);
    }

    /// The school the screen on show is about, and the year where there is one.
    fn school_in_view(&self) -> Option<(SchoolId, Option<AcademicYear>)> {
        let opened = self.opened.as_ref()?;
        match self.tab {
            Tab::Agenda => self
                .agenda
                .selected(&opened.agenda)
                .map(|r| (r.school.clone(), Some(r.year))),
            Tab::Schools => self
                .schools
                .selected(&opened.schools)
                .map(|r| (r.school.clone(), r.latest_year)),
            Tab::Submission => self
                .submission
                .as_ref()
                .map(|s| (s.school.clone(), Some(s.year))),
            Tab::Diff => self
                .diff
                .as_ref()
                .map(|d| (d.school.clone(), Some(d.later))),
            Tab::Decision => self
                .decision
                .as_ref()
                .map(|f| (f.ctx.school.clone(), Some(f.ctx.year))),
            Tab::History => self.history.as_ref().map(|h| {
                let year = h
                    .selected()
                    .and_then(|r| r.trailers.iter().find(|(k, _)| k == "Year"))
                    .and_then(|(_, v)| v.parse().ok());
                (h.school.clone(), year)
            }),
            Tab::Meeting => None,
        }
    }

    /// Opens the history of the school on screen.
    fn open_history(&mut self) {
        let Some((school, _)) = self.school_in_view() else {
            self.say("Choose a school first: its history opens with H.");
            return;
        };
        if self.history.as_ref().is_none_or(|h| h.school != school) {
            self.history = Some(HistoryScreen::new(school.clone()));
            self.request(Request::History {
                school,
                today: self.options.today,
            });
        }
        if self.tab != Tab::History {
            self.history_from = self.tab;
        }
        self.show(Tab::History);
    }

    /// Asks for the selected commit's files if they are not shown yet.
    fn request_files(&mut self) {
        if self
            .loader
            .awaits(RequestKind::CommitFiles, Target::Screen(ScreenId::History))
        {
            return;
        }
        if let Some((commit, files)) = self.history.as_ref().and_then(|h| h.wants_files()) {
            self.request(Request::CommitFiles { commit, files });
        }
    }

    /// Saves the meeting's minutes (from the agenda) or a school's letter (elsewhere).
    fn export(&mut self) {
        let Some(opened) = &self.opened else {
            return;
        };
        let job = match self.tab {
            Tab::Agenda | Tab::Meeting => {
                let date = match (&self.meeting, self.tab) {
                    (Some(m), Tab::Meeting) => Some(m.date),
                    _ => opened
                        .catalog
                        .current_meeting(self.options.today)
                        .map(|m| m.date),
                };
                match date {
                    Some(date) => super::loader::ExportJob::Minutes(date),
                    None => {
                        self.say("No meeting is scheduled, so there are no minutes to save.");
                        return;
                    }
                }
            }
            _ => match self.school_in_view() {
                Some((school, Some(year))) => super::loader::ExportJob::Letter { school, year },
                Some((school, None)) => {
                    self.say(format!(
                        "Choose one of {school}'s decisions (or its submission) to save a letter."
                    ));
                    return;
                }
                None => return,
            },
        };
        self.request(Request::Export(job));
        self.say("Writing the document…");
    }

    /// Opens the meeting setup: the meeting being worked towards, or asks which.
    fn open_meeting(&mut self, date: Option<jiff::civil::Date>) {
        let Some(opened) = &self.opened else {
            return;
        };
        if date.is_none() && self.meeting.is_some() {
            self.show(Tab::Meeting);
            return;
        }
        let date = date.or_else(|| {
            opened
                .catalog
                .current_meeting(self.options.today)
                .map(|m| m.date)
        });
        let Some(date) = date else {
            self.meeting_prompt = Some(DatePrompt::new(self.options.today));
            if !matches!(self.tab, Tab::Decision | Tab::Meeting) {
                self.form_from = self.tab;
            }
            self.show(Tab::Meeting);
            return;
        };
        let mut setup = MeetingSetup::new(
            std::sync::Arc::clone(&opened.catalog),
            date,
            self.options.today,
        );
        setup.looking = true;
        let key = setup.draft_key();
        self.meeting = Some(setup);
        self.meeting_prompt = None;
        self.request_for(FormKind::Meeting, 0, Request::LoadDraft { key });
        if !matches!(self.tab, Tab::Decision | Tab::Meeting) {
            self.form_from = self.tab;
        }
        self.show(Tab::Meeting);
    }

    /// Keys for the forms come before the key map: while typing, letters are text.
    fn form_key(&mut self, key: KeyEvent) -> bool {
        match self.tab {
            Tab::Decision => {
                let Some(form) = &mut self.decision else {
                    return false;
                };
                let reply = form.handle_key(key, &self.options.keymap);
                let ignored = reply == Reply::Ignored;
                self.form_reply(FormKind::Decision, reply);
                !ignored
            }
            Tab::Meeting => {
                if let Some(prompt) = &mut self.meeting_prompt {
                    match prompt.handle_key(key) {
                        PromptReply::Handled => {}
                        PromptReply::Cancel => {
                            self.meeting_prompt = None;
                            if self.meeting.is_none() {
                                self.show(self.form_from);
                            }
                        }
                        PromptReply::Date(date) => self.open_meeting(Some(date)),
                    }
                    return true;
                }
                let Some(setup) = &mut self.meeting else {
                    return false;
                };
                let reply = setup.handle_key(key, &self.options.keymap);
                let ignored = reply == Reply::Ignored;
                self.form_reply(FormKind::Meeting, reply);
                !ignored
            }
            _ => false,
        }
    }

    fn open_submission(&mut self, school: SchoolId, year: AcademicYear, switch: bool) {
        let previous = self.submission.take();
        let mut screen = SubmissionScreen::new(school.clone(), year);
        // The same school keeps its place: area and focus carry over between years and reloads.
        if let Some(previous) = previous.filter(|s| s.school == school) {
            screen.areas.select(previous.areas.selected());
            screen.focus = previous.focus;
            if previous.year == year {
                screen.scroll = previous.scroll;
            }
        }
        self.submission = Some(screen);
        self.request(Request::Submission { school, year });
        if switch {
            self.show(Tab::Submission);
        }
    }

    /// Switches tab, remembering where the submission was reached from.
    fn show(&mut self, tab: Tab) {
        self.editing_filter = false;
        if tab == Tab::Submission && matches!(self.tab, Tab::Agenda | Tab::Schools) {
            self.came_from = self.tab;
        }
        if tab == Tab::Diff && self.tab != Tab::Diff {
            self.diff_from = self.tab;
        }
        self.tab = tab;
    }

    /// Opens the comparison of the selected (or open) submission with the year before.
    fn open_diff(&mut self) {
        let Some(opened) = &self.opened else {
            return;
        };
        let target = match self.tab {
            Tab::Agenda => self
                .agenda
                .selected(&opened.agenda)
                .map(|r| (r.school.clone(), r.year)),
            Tab::Schools => self
                .schools
                .selected(&opened.schools)
                .and_then(|r| Some((r.school.clone(), r.latest_year?))),
            Tab::Submission => self.submission.as_ref().map(|s| (s.school.clone(), s.year)),
            Tab::Decision => self
                .decision
                .as_ref()
                .map(|f| (f.ctx.school.clone(), f.ctx.year)),
            Tab::History => match self.school_in_view() {
                Some((school, Some(year))) => Some((school, year)),
                _ => None,
            },
            Tab::Diff | Tab::Meeting => return,
        };
        let Some((school, later)) = target else {
            return;
        };
        let years = opened
            .catalog
            .years
            .get(&school)
            .cloned()
            .unwrap_or_default();
        let Some(earlier) = years.iter().rev().copied().find(|y| *y < later) else {
            self.say(format!(
                "{school} has no year before {later} to compare with."
            ));
            return;
        };
        let name = opened.catalog.schools.get(&school).map_or_else(
            || school.to_string(),
            |s| crate::model::text::sanitize_inline(&s.name).into_owned(),
        );
        let mut screen = DiffScreen::new(
            school.clone(),
            name,
            earlier,
            later,
            years,
            opened.header.commit.clone(),
        );
        // Keep the reader's choices when the same comparison is opened again.
        if let Some(old) = self.diff.take() {
            screen.only_changes = old.only_changes;
            screen.unified = old.unified;
            screen.wrap = old.wrap;
        }
        // The open submission has usually compared these years already.
        let known = self
            .submission
            .as_ref()
            .filter(|s| s.school == school && s.year == later)
            .and_then(|s| match &s.data {
                Some(Ok(view)) => view.comparison.clone(),
                _ => None,
            })
            .filter(|c| c.earlier.year == earlier);
        match known {
            Some(comparison) => {
                self.loader
                    .forget(RequestKind::Diff, Target::Screen(ScreenId::Diff));
                screen.set_data(Ok(comparison));
            }
            None => self.request(Request::Diff {
                school: school.clone(),
                earlier,
                later,
            }),
        }
        self.diff = Some(screen);
        self.show(Tab::Diff);
    }

    fn key(&mut self, key: KeyEvent) {
        let mut action = self.options.keymap.action(&key);
        // Ctrl-C always quits unless the user gave it another job: nobody can be trapped.
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        if action.is_none() && ctrl_c {
            action = Some(Action::Quit);
        }
        if self.too_small {
            if action == Some(Action::Quit) {
                self.quit = true;
            }
            return;
        }
        if self.editing_filter {
            self.filter_key(key, action);
            return;
        }
        if self.help.is_none() && !(ctrl_c && action == Some(Action::Quit)) && self.form_key(key) {
            return;
        }
        if let Some(help) = &mut self.help {
            match action {
                Some(Action::Quit) => self.quit = true,
                Some(Action::Help | Action::Back) => self.help = None,
                Some(Action::Up) => help.scroll = help.scroll.saturating_sub(1),
                Some(Action::Down) => help.scroll = help.scroll.saturating_add(1),
                Some(Action::PageUp) => help.scroll = help.scroll.saturating_sub(10),
                Some(Action::PageDown) => help.scroll = help.scroll.saturating_add(10),
                Some(Action::Top) => help.scroll = 0,
                Some(Action::Bottom) => help.scroll = u16::MAX,
                _ => {}
            }
            return;
        }
        let Some(action) = action else {
            return;
        };
        self.act(action);
    }

    fn filter_key(&mut self, key: KeyEvent, action: Option<Action>) {
        let list = match self.tab {
            Tab::Agenda => &mut self.agenda.list,
            Tab::Schools => &mut self.schools.list,
            _ => {
                self.editing_filter = false;
                return;
            }
        };
        match key.code {
            KeyCode::Enter => self.editing_filter = false,
            KeyCode::Esc => {
                list.filter.clear();
                self.editing_filter = false;
            }
            KeyCode::Backspace => {
                list.filter.pop();
            }
            KeyCode::Char(c)
                if !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
            {
                list.filter.push(c);
            }
            _ if action == Some(Action::Quit) => self.quit = true,
            _ => {}
        }
        self.refresh_lists();
    }

    fn refresh_lists(&mut self) {
        self.agenda.list.apply();
        self.schools.list.apply();
    }

    fn act(&mut self, action: Action) {
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = Some(HelpOverlay::default()),
            Action::Theme => {
                let kind = self.theme.kind.toggled();
                self.theme = Theme::new(kind, self.options.colour);
                if self.options.colour {
                    self.say(format!("Theme: {}", kind.name()));
                } else {
                    self.say(format!(
                        "Theme: {} (no colours: NO_COLOR is set)",
                        kind.name()
                    ));
                }
            }
            Action::Reload => {
                self.reloading = true;
                self.request(Request::Open {
                    rev: self.options.rev.clone(),
                    today: self.options.today,
                });
                self.say("Reloading from the repository…");
            }
            Action::Repair => {
                self.request(Request::Repair);
                self.say("Repairing the repository…");
            }
            Action::AgendaTab => self.show(Tab::Agenda),
            Action::SchoolsTab => self.show(Tab::Schools),
            Action::SubmissionTab => {
                if self.submission.is_some() {
                    self.show(Tab::Submission);
                } else {
                    self.say("No submission is open yet: choose a school and press Enter.");
                }
            }
            Action::Back => match self.tab {
                Tab::Submission => self.show(self.came_from),
                Tab::Diff => self.show(self.diff_from),
                Tab::Decision | Tab::Meeting => self.show(self.form_from),
                Tab::History => match &mut self.history {
                    Some(h) if h.focus == history_screen::Pane::Detail => {
                        h.focus = history_screen::Pane::Commits;
                    }
                    _ => self.show(self.history_from),
                },
                Tab::Agenda if !self.agenda.list.filter.is_empty() => {
                    self.agenda.list.filter.clear();
                    self.refresh_lists();
                }
                Tab::Schools if !self.schools.list.filter.is_empty() => {
                    self.schools.list.filter.clear();
                    self.refresh_lists();
                }
                _ => {}
            },
            Action::Filter => {
                if matches!(self.tab, Tab::Agenda | Tab::Schools) && self.opened.is_some() {
                    self.editing_filter = true;
                }
            }
            Action::Sort | Action::ReverseSort => {
                let (list, columns) = match self.tab {
                    Tab::Agenda => (&mut self.agenda.list, agenda::COLUMNS.len()),
                    Tab::Schools => (&mut self.schools.list, schools::COLUMNS.len()),
                    _ => return,
                };
                if action == Action::Sort {
                    list.next_sort(columns);
                    list.reversed = false;
                } else {
                    list.reversed = !list.reversed;
                }
                self.refresh_lists();
            }
            Action::Open if self.tab == Tab::History => {
                if let Some(h) = &mut self.history {
                    h.focus = history_screen::Pane::Detail;
                }
            }
            Action::Open => self.open_selected(),
            Action::PrevYear | Action::NextYear => {
                if let Some(sub) = &self.submission {
                    if self.tab != Tab::Submission {
                        return;
                    }
                    if sub.data.is_none() {
                        self.say("Wait for the submission to load.");
                        return;
                    }
                    match sub.other_year(action == Action::NextYear) {
                        Some(year) => {
                            let school = sub.school.clone();
                            self.open_submission(school, year, false);
                        }
                        None => self.say("No other year in that direction."),
                    }
                }
            }
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.navigate(action),
            Action::Diff => self.open_diff(),
            Action::DiffTab => {
                if self.diff.is_some() {
                    self.show(Tab::Diff);
                } else {
                    self.say("No comparison is open yet: open a submission and press d.");
                }
            }
            Action::NextChange | Action::PrevChange => {
                if let (Tab::Diff, Some(diff)) = (self.tab, &mut self.diff) {
                    let forward = action == Action::NextChange;
                    if !diff.jump(forward) {
                        let which = if forward { "after" } else { "before" };
                        self.say(format!("No change {which} this point."));
                    }
                }
            }
            Action::OnlyChanges | Action::Unified | Action::WrapLines => {
                if let (Tab::Diff, Some(diff)) = (self.tab, &mut self.diff) {
                    match action {
                        Action::OnlyChanges => diff.toggle_only_changes(),
                        Action::Unified => diff.toggle_unified(),
                        _ => diff.toggle_wrap(),
                    }
                }
            }
            Action::BaseYear => {
                if let (Tab::Diff, Some(diff)) = (self.tab, &mut self.diff) {
                    match diff.next_base_year() {
                        Some(year) => {
                            diff.earlier = year;
                            diff.data = None;
                            let request = Request::Diff {
                                school: diff.school.clone(),
                                earlier: year,
                                later: diff.later,
                            };
                            self.request(request);
                        }
                        None => self.say("There is no other earlier year to compare with."),
                    }
                }
            }
            Action::NextPane | Action::PrevPane => {
                if let (Tab::Submission, Some(sub)) = (self.tab, &mut self.submission) {
                    sub.toggle_focus();
                }
                if let (Tab::History, Some(h)) = (self.tab, &mut self.history) {
                    h.toggle_focus();
                }
            }
            Action::Decide => self.open_decision(),
            Action::DecisionTab => {
                if self.decision.is_some() {
                    if !matches!(self.tab, Tab::Decision | Tab::Meeting) {
                        self.form_from = self.tab;
                    }
                    self.show(Tab::Decision);
                } else {
                    self.say(format!(
                        "No decision is being written: choose an agenda item and press {}.",
                        self.options.keymap.first(Action::Decide)
                    ));
                }
            }
            Action::MeetingTab => self.open_meeting(None),
            Action::History => self.open_history(),
            Action::HistoryTab => {
                if self.history.is_some() {
                    if self.tab != Tab::History {
                        self.history_from = self.tab;
                    }
                    self.show(Tab::History);
                } else {
                    self.say("No history is open yet: press H on a school or its submission.");
                }
            }
            Action::Export => self.export(),
        }
    }

    fn navigate(&mut self, action: Action) {
        let screen: Option<&mut dyn super::screens::Navigable> = match self.tab {
            Tab::History => self.history.as_mut().map(|s| s as _),
            Tab::Diff => self.diff.as_mut().map(|s| s as _),
            Tab::Submission => self.submission.as_mut().map(|s| s as _),
            _ => None,
        };
        if let Some(screen) = screen {
            super::screens::navigate(screen, action);
            if self.tab == Tab::History {
                self.request_files();
            }
            return;
        }
        if matches!(self.tab, Tab::History | Tab::Diff | Tab::Submission) {
            return;
        }
        let list = match self.tab {
            Tab::Agenda => &mut self.agenda.list,
            _ => &mut self.schools.list,
        };
        match action {
            Action::Up => list.move_by(-1),
            Action::Down => list.move_by(1),
            Action::PageUp => list.move_by(-10),
            Action::PageDown => list.move_by(10),
            Action::Top => list.top(),
            Action::Bottom => list.bottom(),
            _ => {}
        }
    }

    fn open_selected(&mut self) {
        let Some(opened) = &self.opened else {
            return;
        };
        let target = match self.tab {
            Tab::Agenda => self
                .agenda
                .selected(&opened.agenda)
                .map(|r| (r.school.clone(), Some(r.year))),
            Tab::Schools => self
                .schools
                .selected(&opened.schools)
                .map(|r| (r.school.clone(), r.latest_year)),
            _ => None,
        };
        match target {
            Some((school, Some(year))) => self.open_submission(school, year, true),
            Some((school, None)) => self.say(format!("{school} has not submitted anything yet.")),
            None => {}
        }
    }

    fn mouse(&mut self, mouse: MouseEvent) {
        let (x, y) = (mouse.column, mouse.row);
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                // A click ends typing a filter; what was typed stays applied.
                self.editing_filter = false;
                if self.too_small {
                    return;
                }
                if self.help.is_some() {
                    self.help = None;
                    return;
                }
                if let Some((_, tab)) = self.tab_hits.iter().find(|(r, _)| contains(*r, x, y)) {
                    let tab = *tab;
                    match tab {
                        Tab::Submission if self.submission.is_some() => self.show(tab),
                        Tab::Diff if self.diff.is_some() => self.show(tab),
                        Tab::Decision => self.act(Action::DecisionTab),
                        Tab::Meeting => self.act(Action::MeetingTab),
                        Tab::History => self.act(Action::HistoryTab),
                        Tab::Agenda | Tab::Schools => self.show(tab),
                        _ => {}
                    }
                    return;
                }
                match self.tab {
                    Tab::Agenda | Tab::Schools => {
                        let (list, hit) = match self.tab {
                            Tab::Agenda => (&mut self.agenda.list, self.agenda.hit),
                            _ => (&mut self.schools.list, self.schools.hit),
                        };
                        if let Some(position) = hit.position(x, y) {
                            let already = list.state.selected() == Some(position);
                            if list.select_position(position) && already {
                                self.open_selected();
                            }
                        }
                    }
                    Tab::Submission => {
                        if let Some(sub) = &mut self.submission {
                            if let Some(position) = sub.areas_hit.position(x, y) {
                                sub.focus = Pane::Areas;
                                let current = sub.areas.selected().unwrap_or(0) as isize;
                                sub.move_by(position as isize - current);
                            } else if contains(sub.detail_rect, x, y) {
                                sub.focus = Pane::Detail;
                            }
                        }
                    }
                    Tab::Decision => {
                        if let Some(form) = &mut self.decision {
                            form.click(x, y);
                        }
                        self.request_preview();
                    }
                    Tab::Meeting => {
                        if let Some(setup) = &mut self.meeting {
                            setup.click(x, y);
                        }
                        self.request_preview();
                    }
                    Tab::History => {
                        if let Some(h) = &mut self.history {
                            h.click(x, y);
                        }
                        self.request_files();
                    }
                    Tab::Diff => {}
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let delta: isize = if mouse.kind == MouseEventKind::ScrollDown {
                    3
                } else {
                    -3
                };
                if let Some(help) = &mut self.help {
                    help.scroll = help.scroll.saturating_add_signed(delta as i16);
                    return;
                }
                match self.tab {
                    Tab::Agenda => self.agenda.list.move_by(delta.signum()),
                    Tab::Schools => self.schools.list.move_by(delta.signum()),
                    Tab::Submission => {
                        if let Some(sub) = &mut self.submission {
                            if contains(sub.detail_rect, x, y) {
                                sub.scroll_by(delta);
                            } else {
                                let focus = sub.focus;
                                sub.focus = Pane::Areas;
                                sub.move_by(delta.signum());
                                sub.focus = focus;
                            }
                        }
                    }
                    Tab::Diff => {
                        if let Some(diff) = &mut self.diff {
                            diff.scroll_by(delta);
                        }
                    }
                    Tab::Decision => {
                        if let Some(form) = &mut self.decision {
                            form.scroll(delta as i32);
                        }
                    }
                    Tab::Meeting => {
                        if let Some(setup) = &mut self.meeting {
                            setup.scroll(delta as i32);
                        }
                    }
                    Tab::History => {
                        if let Some(h) = &mut self.history {
                            if contains(h.detail_rect, x, y) {
                                h.scroll_by(delta);
                            } else {
                                let focus = h.focus;
                                h.focus = history_screen::Pane::Commits;
                                h.move_by(delta.signum());
                                h.focus = focus;
                            }
                        }
                        self.request_files();
                    }
                }
            }
            _ => {}
        }
    }

    /// Draws the whole screen.
    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        frame.render_widget(Paragraph::new("").style(self.theme.base), area);
        self.too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
        if self.too_small {
            self.tab_hits.clear();
            self.draw_too_small(frame, area);
            return;
        }
        let [header, body, footer, status] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(10),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_header(frame, header);
        self.draw_body(frame, body);
        self.draw_footer(frame, footer);
        self.draw_status(frame, status);
        if let Some(help) = &mut self.help {
            help.draw(
                frame,
                area,
                &self.options.keymap,
                &self.theme,
                self.options.config_path.as_deref(),
            );
        }
    }

    fn draw_too_small(&self, frame: &mut Frame, area: Rect) {
        let text = vec![
            Line::from(Span::styled("Terminal too small", self.theme.bad)),
            Line::from(format!(
                "kitemark needs at least {MIN_WIDTH}×{MIN_HEIGHT}; this is {}×{}.",
                area.width, area.height
            )),
            Line::from("Enlarge the window or make the font smaller."),
            Line::from(format!(
                "{} quits.",
                self.options.keymap.first(Action::Quit)
            )),
        ];
        let height = 4.min(area.height);
        let [middle] = Layout::vertical([Constraint::Length(height)])
            .flex(Flex::Center)
            .areas(area);
        frame.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .alignment(ratatui::layout::Alignment::Center)
                .style(self.theme.base),
            middle,
        );
    }

    fn draw_header(&mut self, frame: &mut Frame, area: Rect) {
        let [top, meeting, tabs] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let theme = self.theme;
        let mut spans = vec![Span::styled(" kitemark ", theme.tab_active), Span::raw(" ")];
        let mut meeting_spans = vec![Span::raw(" ")];
        match &self.opened {
            Some(opened) => {
                let h = &opened.header;
                let at = match &h.branch {
                    Some(branch) => format!("{branch}@{}", h.commit),
                    None => format!("commit {}", h.commit),
                };
                // The panel's name gives way to the commit, which auditors need to see.
                let room = usize::from(top.width).saturating_sub(14 + at.chars().count());
                let name: String = if h.panel.chars().count() > room {
                    let mut cut: String = h.panel.chars().take(room.saturating_sub(1)).collect();
                    cut.push('…');
                    cut
                } else {
                    h.panel.clone()
                };
                spans.push(Span::styled(name, theme.header));
                spans.push(Span::styled(format!(" · {at}"), theme.muted));
                if !opened.problems.is_empty() {
                    spans.push(Span::styled(
                        format!(" · ✗ {} unreadable", opened.problems.len()),
                        theme.bad,
                    ));
                }
                match &h.meeting {
                    Some(date) => {
                        // The quorum before the chair's name, which may be long.
                        meeting_spans.push(Span::styled(format!("Meeting {date}"), theme.title));
                        if let Some((ok, quorum)) = &h.quorum {
                            meeting_spans.push(Span::raw(" · "));
                            meeting_spans.push(Span::styled(
                                quorum.clone(),
                                if *ok { theme.good } else { theme.warn },
                            ));
                        }
                        if let Some(chair) = &h.chair {
                            meeting_spans.push(Span::raw(format!(" · Chair {chair}")));
                        }
                    }
                    None => meeting_spans.push(Span::styled("No meeting scheduled", theme.muted)),
                }
                // Unsaved work shows wherever the user is.
                let saving = [
                    self.decision.as_ref().map(|f| &f.save),
                    self.meeting.as_ref().map(|f| &f.save),
                ];
                if saving
                    .iter()
                    .flatten()
                    .any(|s| matches!(s, SaveState::Failed(_)))
                {
                    meeting_spans.push(Span::styled(" · ✗ draft not saved", theme.bad));
                } else if !self.drafts.is_empty() {
                    meeting_spans.push(Span::styled(
                        format!(" · ✎ {} draft(s) not recorded", self.drafts.len()),
                        theme.warn,
                    ));
                }
            }
            None => spans.push(Span::styled("reading the repository…", theme.muted)),
        }
        frame.render_widget(Paragraph::new(Line::from(spans)).style(theme.base), top);
        frame.render_widget(
            Paragraph::new(Line::from(meeting_spans)).style(theme.base),
            meeting,
        );

        // Seven tabs fit 80 columns only without their padding.
        let roomy_tabs = tabs.width >= 100;
        let mut tab_spans = if roomy_tabs {
            vec![Span::raw(" ")]
        } else {
            Vec::new()
        };
        let mut x = tabs.x + u16::from(roomy_tabs);
        self.tab_hits.clear();
        // Tabs name what they hold when there is room; the body always says it in full.
        let roomy = tabs.width >= 120;
        let submission_label = match &self.submission {
            Some(s) if roomy => format!("Submission: {} {}", s.school, s.year),
            _ => "Submission".to_owned(),
        };
        let diff_label = match &self.diff {
            Some(d) if roomy => format!("Compare: {} → {}", d.earlier, d.later),
            _ => "Compare".to_owned(),
        };
        for (tab, action, label) in [
            (Tab::Agenda, Action::AgendaTab, "Agenda".to_owned()),
            (Tab::Schools, Action::SchoolsTab, "Schools".to_owned()),
            (Tab::Submission, Action::SubmissionTab, submission_label),
            (Tab::Diff, Action::DiffTab, diff_label),
            (Tab::Decision, Action::DecisionTab, "Decision".to_owned()),
            (Tab::Meeting, Action::MeetingTab, "Meeting".to_owned()),
            (Tab::History, Action::HistoryTab, "History".to_owned()),
        ] {
            let pad = if roomy_tabs { " " } else { "" };
            let text = format!(" {} {label}{pad}", self.options.keymap.first(action));
            let width =
                u16::try_from(unicode_width::UnicodeWidthStr::width(text.as_str())).unwrap_or(0);
            let style = if tab == self.tab {
                theme.tab_active
            } else {
                theme.tab
            };
            let text = if tab == self.tab {
                format!("▸{}", &text[1..])
            } else {
                text
            };
            tab_spans.push(Span::styled(text, style));
            tab_spans.push(Span::raw(" "));
            self.tab_hits.push((
                Rect {
                    x,
                    y: tabs.y,
                    width,
                    height: 1,
                },
                tab,
            ));
            x += width + 1;
        }
        frame.render_widget(
            Paragraph::new(Line::from(tab_spans)).style(theme.base),
            tabs,
        );
    }

    fn draw_body(&mut self, frame: &mut Frame, area: Rect) {
        let theme = self.theme;
        let spinner = SPINNER[self.spinner];
        if self.tab == Tab::Submission
            && let Some(sub) = &mut self.submission
        {
            sub.draw(frame, area, &theme, spinner);
            return;
        }
        if self.tab == Tab::Diff
            && let Some(diff) = &mut self.diff
        {
            diff.draw(frame, area, &theme, spinner);
            return;
        }
        if self.tab == Tab::Decision
            && let Some(form) = &mut self.decision
        {
            let submission = self.submission.as_ref().and_then(|s| match &s.data {
                Some(Ok(view)) => Some(view),
                _ => None,
            });
            form.draw(frame, area, &theme, spinner, submission);
            return;
        }
        if self.tab == Tab::History
            && let Some(h) = &mut self.history
        {
            h.draw(frame, area, &theme, spinner);
            return;
        }
        if self.tab == Tab::Meeting {
            if let Some(prompt) = &mut self.meeting_prompt {
                prompt.draw(frame, area, self.options.today, &theme);
                return;
            }
            if let Some(setup) = &mut self.meeting {
                setup.draw(frame, area, &theme, spinner);
                return;
            }
        }
        match (&self.opened, &self.open_error) {
            (Some(opened), _) => match self.tab {
                Tab::Agenda => self.agenda.draw(frame, area, &opened.agenda, &theme),
                _ => self.schools.draw(frame, area, &opened.schools, &theme),
            },
            (None, Some(error)) => {
                let text = vec![
                    Line::from(Span::styled(
                        "✗ Cannot read the panel repository",
                        theme.bad,
                    )),
                    Line::default(),
                    Line::from(error.clone()),
                ];
                frame.render_widget(
                    Paragraph::new(text)
                        .wrap(Wrap { trim: false })
                        .block(block("Error", true, &theme))
                        .style(theme.base),
                    area,
                );
            }
            (None, None) => {
                frame.render_widget(
                    Paragraph::new(format!("{spinner} Reading the panel repository…"))
                        .block(block("Loading", true, &theme))
                        .style(theme.base),
                    area,
                );
            }
        }
    }

    /// The hints of the focused screen, from the live key map.
    fn hints(&self) -> Vec<Action> {
        if self.help.is_some() {
            return vec![Action::Help, Action::Down, Action::Quit];
        }
        match self.tab {
            Tab::Agenda => vec![
                Action::Down,
                Action::Open,
                Action::Decide,
                Action::MeetingTab,
                Action::Filter,
                Action::Sort,
                Action::Help,
                Action::Quit,
            ],
            Tab::Schools => vec![
                Action::Down,
                Action::Open,
                Action::Filter,
                Action::Sort,
                Action::AgendaTab,
                Action::Theme,
                Action::Help,
                Action::Quit,
            ],
            Tab::Submission => vec![
                Action::Down,
                Action::NextPane,
                Action::NextYear,
                Action::Diff,
                Action::Decide,
                Action::Back,
                Action::Help,
                Action::Quit,
            ],
            Tab::Diff => vec![
                Action::NextChange,
                Action::OnlyChanges,
                Action::Unified,
                Action::BaseYear,
                Action::Back,
                Action::Help,
                Action::Quit,
            ],
            Tab::Decision | Tab::Meeting => vec![Action::Back, Action::Help, Action::Quit],
            Tab::History => vec![
                Action::Down,
                Action::Open,
                Action::NextPane,
                Action::Export,
                Action::Back,
                Action::Help,
                Action::Quit,
            ],
        }
    }

    /// The forms' own keys, which are fixed, for the footer.
    fn form_hints(&self) -> Option<(Vec<(&'static str, &'static str)>, bool)> {
        match self.tab {
            _ if self.help.is_some() => None,
            Tab::Decision => self.decision.as_ref().map(|f| (f.hints(), f.typing())),
            Tab::Meeting if self.meeting_prompt.is_some() => {
                Some((vec![("Enter", "set up"), ("Esc", "cancel")], true))
            }
            Tab::Meeting => self.meeting.as_ref().map(|f| (f.hints(), f.typing())),
            _ => None,
        }
    }

    fn draw_footer(&self, frame: &mut Frame, area: Rect) {
        let theme = self.theme;
        let editing = match self.tab {
            Tab::Agenda if self.editing_filter => Some(&self.agenda.list.filter),
            Tab::Schools if self.editing_filter => Some(&self.schools.list.filter),
            _ => None,
        };
        let line = if let Some(filter) = editing {
            Line::from(vec![
                Span::styled(" Filter: ", theme.key),
                Span::raw(format!("{filter}▏")),
                Span::styled("   Enter keep · Esc clear", theme.muted),
            ])
        } else {
            let keymap = &self.options.keymap;
            let mut spans = vec![Span::raw(" ")];
            let mut actions = self.hints();
            if let Some((pairs, typing)) = self.form_hints() {
                for (key, what) in pairs {
                    spans.push(Span::styled(key, theme.key));
                    spans.push(Span::raw(format!(" {what}  ")));
                }
                // While typing only Ctrl-C is not text.
                actions = if typing {
                    Vec::new()
                } else {
                    vec![Action::Help, Action::Quit]
                };
            }
            for action in actions {
                let key = match action {
                    Action::Down => format!(
                        "{}/{}",
                        keymap.first(Action::Down),
                        keymap.first(Action::Up)
                    ),
                    Action::NextYear => format!(
                        "{}/{}",
                        keymap.first(Action::PrevYear),
                        keymap.first(Action::NextYear)
                    ),
                    Action::NextChange => format!(
                        "{}/{}",
                        keymap.first(Action::NextChange),
                        keymap.first(Action::PrevChange)
                    ),
                    _ => keymap.first(action),
                };
                if key.is_empty() {
                    continue;
                }
                spans.push(Span::styled(key, theme.key));
                spans.push(Span::raw(format!(" {}  ", action.hint())));
            }
            Line::from(spans)
        };
        frame.render_widget(Paragraph::new(line).style(theme.base), area);
    }

    fn draw_status(&self, frame: &mut Frame, area: Rect) {
        let theme = self.theme;
        let line = if self.is_loading() {
            let what = self.loader.doing().unwrap_or("Reading");
            Line::from(Span::styled(
                format!(" {} {what}…", SPINNER[self.spinner]),
                theme.status,
            ))
        } else {
            match &self.status {
                Some((text, true)) => {
                    Line::from(Span::styled(format!(" {text}"), theme.status_error))
                }
                Some((text, false)) => Line::from(Span::styled(format!(" {text}"), theme.status)),
                None => Line::from(Span::styled(" Ready", theme.status)),
            }
        };
        frame.render_widget(Paragraph::new(line).style(theme.base), area);
    }
}
