//! The app: state, events and drawing, independent of any real terminal, so that tests can
//! drive it with synthetic events and draw it on a test backend.
//!
//! The app owns the screens ([`Screens`]) and the way back between them ([`Nav`]). Every key,
//! click and answer of the loader goes to one screen through one dispatch ([`App::on`]);
//! the screen says what should follow as [`Effect`]s, which the app carries out. What a key
//! does when the screen has no use for it is the same everywhere ([`App::act`]).

use std::collections::BTreeSet;

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::chrome::{self, Drafts, RemoteHeader, RemoteShown, SPINNER, Tabs};
pub use super::chrome::{MIN_HEIGHT, MIN_WIDTH};
use super::config::PushAfterRecord;
pub use super::event::AppEvent;
use super::keymap::{self, Action, KeyMap, Scope};
use super::loader::{
    ExportJob, Loaded, Loader, NetAnswer, NetJob, NetRequest, Request, Response, SyncProblem,
};
use super::nav::Nav;
use super::screen::{Cx, DrawCx, Effect, Footer, Open, Screen};
use super::screens::diff::DiffScreen;
use super::screens::help::HelpOverlay;
use super::screens::history::HistoryScreen;
use super::screens::inbox::InboxScreen;
use super::screens::submission::SubmissionScreen;
use super::screens::sync::{self, ConflictAnswer, ConflictDialog};
use super::screens::{Screens, decision, live, meeting};
use super::tag::{ScreenId, Tag, Target};
use super::theme::{Theme, ThemeKind};
use super::view::{AgendaRow, Glance, OpenedView};
use super::widgets::{block, contains};
use crate::model::text::sanitize_inline;
use crate::record::sync::{Network, RemoteState, Synced};

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
    /// The inbox of schools' workbooks, and who enters them.
    pub inbox: super::config::Inbox,
    /// What the interface writes documents as.
    pub export_format: crate::export::Format,
    /// How the panel is shared with its remote: background fetches, pushing after a
    /// recording, how long the network may take.
    pub remote: super::config::RemoteSettings,
    /// The clock for "fetched 3 min ago", fixed by tests; `None` for the system's.
    pub now: Option<jiff::Timestamp>,
    /// How live meeting mode runs: the minutes allotted to each item, and its clock.
    pub live: super::config::Live,
}

/// A question over the screen, answered by the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Prompt {
    /// The remote needs credentials: Enter lets git ask at the terminal, for this job.
    Credentials { job: NetJob, message: String },
    /// "Push to origin now? y/n", after a recording.
    Push,
}

/// The app's whole state.
pub struct App {
    options: Options,
    pub theme: Theme,
    loader: Loader,
    opened: Option<OpenedView>,
    /// Until the repository is open, what was shown of the same commit on the same day
    /// before: the agenda and the schools, on screen while the rest is read.
    glance: Option<Glance>,
    /// Keys pressed while a glance is on screen: they act on what is shown, so they wait for
    /// the rest of the repository and are handled, in order, as soon as it is read.
    held: Vec<KeyEvent>,
    open_error: Option<String>,
    /// Drafts on disk, by key, as far as this app knows.
    drafts: BTreeSet<String>,
    screens: Screens,
    nav: Nav,
    help: Option<HelpOverlay>,
    status: Option<(String, bool)>,
    spinner: usize,
    quit: bool,
    tab_hits: Vec<(ratatui::layout::Rect, ScreenId)>,
    /// Whether the last frame was the "too small" message: keys other than quit wait.
    too_small: bool,
    /// Whether the open request in flight is a reload (so its outcome is reported).
    reloading: bool,
    /// "Quit with a draft not recorded?" is asked: the next key answers.
    quitting: bool,
    /// The remote as last read from local refs; `None` when there is none (or it could not
    /// be read).
    remote: Option<RemoteState>,
    /// Why the remote could not be reached when this app last tried; cleared by a success.
    offline: Option<String>,
    /// A fetch in the background is under way: another is not started meanwhile.
    fetching: bool,
    /// Requests for the remote state not yet answered.
    state_pending: usize,
    /// A sync, push or finish under way.
    net_job: Option<NetJob>,
    prompt: Option<Prompt>,
    /// The account of a sync stopped by a conflict, when on show.
    conflict: Option<ConflictDialog>,
    /// A job to run with git allowed to ask at the terminal, for the event loop to carry out
    /// with the interface suspended.
    suspend: Option<NetJob>,
    /// What the status said of a recording, for the push that follows it to add to.
    recorded_note: Option<String>,
    /// Whether the remote state has been read once (the first fetch follows it).
    remote_seen: bool,
}

/// A screen's context, built from the app's fields so that a screen can be borrowed beside
/// it.
macro_rules! cx {
    ($app:ident, $me:expr, $effects:ident, $submission:expr) => {
        Cx::new(
            $me,
            $app.opened.as_ref(),
            &$app.options.keymap,
            $app.options.today,
            $app.options.export_format,
            $submission,
            &mut $app.loader,
            &mut $app.drafts,
            &mut $effects,
        )
    };
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
            glance: None,
            held: Vec::new(),
            open_error: None,
            drafts: BTreeSet::new(),
            screens: Screens::default(),
            nav: Nav::default(),
            help: None,
            status: None,
            spinner: 0,
            quit: false,
            tab_hits: Vec::new(),
            too_small: false,
            reloading: false,
            quitting: false,
            remote: None,
            offline: None,
            fetching: false,
            state_pending: 0,
            net_job: None,
            prompt: None,
            conflict: None,
            suspend: None,
            recorded_note: None,
            remote_seen: false,
        }
    }

    /// How git runs for the network: within the configured time, asking nothing at the
    /// terminal unless the interface has stepped aside.
    pub fn network(&self, interactive: bool) -> Network {
        Network {
            timeout: self.options.remote.timeout,
            interactive,
        }
    }

    /// A job the person asked to run with git free to ask at the terminal: the event loop
    /// suspends the interface, runs it, and hands its answer back as an event.
    pub fn take_suspend(&mut self) -> Option<NetJob> {
        self.suspend.take()
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
        self.loader.is_busy() || self.fetching || self.state_pending > 0 || self.running().is_some()
    }

    /// The network job under way on the network thread: not one held while the person is
    /// asked for credentials, nor one about to run in the terminal with git free to ask.
    fn running(&self) -> Option<NetJob> {
        let asking = matches!(self.prompt, Some(Prompt::Credentials { .. }));
        self.net_job.filter(|_| !asking && self.suspend.is_none())
    }

    /// Whether the screen on show needs time to pass while nothing happens (ticks).
    pub fn ticking(&self) -> bool {
        self.screens.ticks(self.nav.current())
    }

    /// How far the History view has got, when it is on show (for the timings).
    pub fn history_stage(&self) -> Option<super::screens::history::Stage> {
        if self.nav.current() != ScreenId::History {
            return None;
        }
        self.screens.history.as_ref().map(HistoryScreen::stage)
    }

    /// Whether the repository has been read (successfully or not).
    /// Whether the first frame with the repository's data (or why there is none) can be
    /// drawn: the agenda and schools of a glance count.
    pub fn is_open(&self) -> bool {
        self.opened.is_some() || self.glance.is_some() || self.open_error.is_some()
    }

    /// Whether everything is read and every action available.
    pub fn is_ready(&self) -> bool {
        self.opened.is_some() || self.open_error.is_some()
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
            AppEvent::Tick => {
                self.spinner = (self.spinner + 1) % SPINNER.len();
                self.on(self.nav.current(), |screen, cx| screen.tick(cx));
            }
            AppEvent::InputLost => self.quit = true,
            AppEvent::Loaded(loaded) => self.loaded(*loaded),
            AppEvent::Network(answer) => self.network_answer(*answer),
            AppEvent::FetchDue => self.fetch_due(),
        }
    }

    /// The remote's name, for messages.
    fn remote_name(&self) -> String {
        self.remote.as_ref().map_or_else(
            || "the remote".to_owned(),
            |r| sanitize_inline(&r.remote).into_owned(),
        )
    }

    /// Asks for the remote state as local refs have it now.
    fn ask_remote_state(&mut self) {
        self.state_pending += 1;
        self.loader.network(NetRequest::State, self.network(false));
    }

    /// Fetches in the background, unless there is no remote or the network is already in use.
    fn fetch_due(&mut self) {
        if self.remote.is_none() || self.fetching || self.net_job.is_some() {
            return;
        }
        self.fetching = true;
        self.loader.network(NetRequest::Fetch, self.network(false));
    }

    /// Starts a sync, push or finish on the network thread.
    fn start(&mut self, job: NetJob) {
        self.net_job = Some(job);
        self.loader
            .network(NetRequest::Job(job), self.network(false));
    }

    /// Whether a message may be replaced by news from the background: not while a question
    /// waits for its answer.
    fn may_tell(&self) -> bool {
        self.prompt.is_none() && !self.quitting
    }

    fn network_answer(&mut self, answer: NetAnswer) {
        match answer {
            NetAnswer::State(state) => {
                self.state_pending = self.state_pending.saturating_sub(1);
                // A remote state that cannot be read shows no remote; the sync key says why.
                self.remote = state.ok().flatten();
                let first = !self.remote_seen && self.remote.is_some();
                self.remote_seen |= self.remote.is_some();
                if first && self.options.remote.fetch_every.is_some() {
                    self.fetch_due();
                }
            }
            NetAnswer::Fetched(Ok(fetched)) => {
                self.fetching = false;
                self.offline = None;
                if !fetched.arrived.is_empty() && self.may_tell() {
                    let news: Vec<String> = fetched
                        .arrived
                        .iter()
                        .map(|c| {
                            format!(
                                "{} ({})",
                                sanitize_inline(&c.summary),
                                sanitize_inline(&c.author)
                            )
                        })
                        .collect();
                    self.say(format!(
                        "{} new on {}: {}",
                        fetched.arrived.len(),
                        self.remote_name(),
                        news.join(", ")
                    ));
                }
                self.ask_remote_state();
            }
            NetAnswer::Fetched(Err(problem)) => {
                self.fetching = false;
                let reason = match problem {
                    SyncProblem::Offline(m) => m,
                    SyncProblem::NeedsCredentials(m) => format!(
                        "{m}; press {} to sync and let git ask",
                        self.options.keymap.first(Action::Sync)
                    ),
                    SyncProblem::NoRemote => return self.ask_remote_state(),
                    other => describe(&other),
                };
                // Said once when the remote goes away, not at every fetch that follows.
                if self.offline.is_none() && self.may_tell() {
                    self.warn(format!(
                        "! {} is offline: {reason} · everything else keeps working",
                        self.remote_name()
                    ));
                }
                self.offline = Some(reason);
            }
            NetAnswer::Done(job, result) => {
                self.net_job = None;
                match result {
                    Ok(synced) => self.synced(job, &synced),
                    Err(problem) => self.not_synced(job, problem),
                }
            }
        }
    }

    /// A sync, push or finish that did what it set out to do.
    fn synced(&mut self, job: NetJob, synced: &Synced) {
        self.offline = None;
        let remote = self.remote_name();
        let mut text = match job {
            NetJob::Push => {
                let pushed = match synced.pushed.len() {
                    0 => format!("✓ Nothing to push to {remote}"),
                    n => format!("✓ Pushed {n} to {remote}"),
                };
                // What the push did first: a narrow status line cuts the end.
                match self.recorded_note.take() {
                    Some(note) => format!("{pushed} · {note}"),
                    None => pushed,
                }
            }
            NetJob::Sync | NetJob::Finish(_) => {
                let counts: Vec<String> = [
                    ("pulled", synced.pulled.len()),
                    ("pushed", synced.pushed.len()),
                    ("replayed", synced.replayed.len()),
                ]
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(what, n)| format!("{what} {n}"))
                .collect();
                if counts.is_empty() {
                    format!("✓ {remote}: up to date")
                } else {
                    format!("✓ {remote}: {}", counts.join(" · "))
                }
            }
        };
        for note in &synced.notes {
            text.push_str(" · ");
            text.push_str(&sanitize_inline(note));
        }
        self.say(text);
        // The data on screen as after a recording: read again, with the remote's state.
        self.reload();
    }

    /// A sync, push or finish that did not finish: nothing recorded is lost.
    fn not_synced(&mut self, job: NetJob, problem: SyncProblem) {
        let remote = self.remote_name();
        // What went wrong first, then what was recorded: a narrow status line cuts the end.
        let note = match self.recorded_note.take() {
            Some(note) => format!(" · {note}"),
            None => String::new(),
        };
        let sync_key = self.options.keymap.first(Action::Sync);
        match problem {
            SyncProblem::Offline(m) => {
                self.warn(format!(
                    "✗ {remote} is offline: {m} · nothing was changed; everything else keeps working{note}"
                ));
                self.offline = Some(m);
            }
            SyncProblem::NeedsCredentials(message) => {
                // The job holds the network until it is run with git free to ask, or put off:
                // no push or fetch starts beside it meanwhile.
                self.net_job = Some(job);
                self.prompt = Some(Prompt::Credentials { job, message });
            }
            SyncProblem::Rejected(m) if remote_moved(&m) => self.warn(format!(
                "✗ {remote} has new commits: press {sync_key} to sync{note}"
            )),
            SyncProblem::Rejected(m) => self.warn(format!("✗ {remote} refused: {m}{note}")),
            SyncProblem::Conflict(conflict) => {
                if let Some(state) = &mut self.remote {
                    state.unfinished = Some(conflict.clone());
                }
                self.conflict = Some(ConflictDialog::new(conflict));
                self.warn(format!(
                    "! The sync with {remote} stopped: both sides changed the same file"
                ));
                self.ask_remote_state();
            }
            other => self.warn(format!(
                "✗ The sync did not finish: {}{note}",
                describe(&other)
            )),
        }
    }

    /// The sync key: the account of a stopped sync if there is one, else a sync.
    fn sync_key(&mut self) {
        if self.net_job.is_some() {
            return self.say("A sync is already under way.");
        }
        if let Some(conflict) = self.remote.as_ref().and_then(|r| r.unfinished.clone()) {
            self.conflict = Some(ConflictDialog::new(conflict));
            return;
        }
        self.start(NetJob::Sync);
    }

    /// After a recording from the interface, when there is a remote: push, ask, or leave it.
    fn recorded(&mut self) {
        if self.remote.is_none() {
            return;
        }
        let note = match &self.status {
            Some((text, false)) => Some(text.clone()),
            _ => None,
        };
        match self.options.remote.push_after_record {
            PushAfterRecord::Never => {}
            // A sync under way sends the new commit too.
            PushAfterRecord::Push if self.net_job.is_some() => {}
            PushAfterRecord::Push => {
                self.recorded_note = note;
                self.start(NetJob::Push);
            }
            PushAfterRecord::Ask => {
                self.prompt = Some(Prompt::Push);
                let keymap = &self.options.keymap;
                let question = format!(
                    "Push to {} now? {}/{}",
                    self.remote_name(),
                    keymap.first(Action::ConfirmRecord),
                    keymap.first(Action::NotYet)
                );
                self.warn(match &note {
                    Some(note) => format!("{question} · {note}"),
                    None => question,
                });
                self.recorded_note = note;
            }
        }
    }

    /// The header's account of the remote.
    fn remote_header(&self) -> Option<RemoteHeader> {
        let state = self.remote.as_ref()?;
        let shown = if self.running().is_some() {
            RemoteShown::Syncing
        } else if state.unfinished.is_some() {
            RemoteShown::Stopped
        } else if self.offline.is_some() || state.offline.is_some() {
            RemoteShown::Offline
        } else {
            let now = self.options.now.unwrap_or_else(jiff::Timestamp::now);
            RemoteShown::Counts {
                ahead: state.ahead,
                behind: state.behind,
                fetched_ago: state.fetched.map(|then| chrome::ago(then, now)),
            }
        };
        Some(RemoteHeader {
            name: sanitize_inline(&state.remote).into_owned(),
            shown,
        })
    }

    /// Gives one screen something to handle, then carries out what it asks for. Every
    /// screen is reached through here.
    fn on<R>(&mut self, id: ScreenId, f: impl FnOnce(&mut dyn Screen, &mut Cx) -> R) -> Option<R> {
        let mut effects = Vec::new();
        let (screen, submission) = self.screens.split(id);
        let result = screen.map(|screen| f(screen, &mut cx!(self, id, effects, submission)));
        for effect in effects {
            self.apply(effect);
        }
        result
    }

    fn apply(&mut self, effect: Effect) {
        match effect {
            Effect::Say(message) => self.say(message),
            Effect::Warn(message) => self.warn(message),
            Effect::Open(open) => self.open(open),
            Effect::Close(id, after) => {
                self.screens.close(id);
                match after {
                    Some(after) => self.show(after),
                    None if self.nav.current() == id => self.back(),
                    None => {}
                }
            }
            Effect::Reload => self.reload(),
        }
    }

    fn reload(&mut self) {
        let request = Request::Open {
            rev: self.options.rev.clone(),
            today: self.options.today,
        };
        self.loader.request(Tag::app(), request);
    }

    /// Shows a screen; the one it replaces is told.
    fn show(&mut self, id: ScreenId) {
        if id != self.nav.current() {
            self.on(self.nav.current(), |screen, _| screen.hide());
            self.nav.show(id);
        }
    }

    /// Back to where the screen on show was reached from.
    fn back(&mut self) {
        self.on(self.nav.current(), |screen, _| screen.hide());
        let screens = &self.screens;
        self.nav.back(|id| screens.is_open(id));
    }

    fn loaded(&mut self, loaded: Loaded) {
        // An answer to a request that has since been replaced is stale: drop it.
        if !self.loader.accept(&loaded) {
            return;
        }
        let recorded = matches!(
            loaded.response,
            Response::Committed(Ok(_))
                | Response::WorkbookSubmitted(Ok(_))
                | Response::EnBlocRecorded(Ok(_))
        );
        match loaded.tag.to {
            Target::Screen(id) => {
                self.on(id, |screen, cx| {
                    screen.loaded(loaded.tag, loaded.response, cx)
                });
                // The decision form reads the submission alongside: it may name another
                // rubric than the form was opened with.
                if id == ScreenId::Submission {
                    self.on(ScreenId::Decision, |screen, cx| screen.refresh(false, cx));
                }
            }
            Target::App => self.app_loaded(loaded.response),
        }
        if recorded {
            self.recorded();
        }
    }

    /// Tells every open screen that the data on show changed.
    fn refresh(&mut self, reloaded: bool) {
        for id in ScreenId::ALL {
            self.on(id, |screen, cx| screen.refresh(reloaded, cx));
        }
    }

    /// The answers the app asked for itself.
    fn app_loaded(&mut self, response: Response) {
        match response {
            Response::Glance(glance) if self.opened.is_none() => self.glance = Some(*glance),
            // A reload keeps what is on screen until the new state is read.
            Response::Glance(_) => {}
            Response::Opened(Ok(view)) => self.opened(*view),
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
            Response::Exported(Ok((title, path, warnings))) if warnings.is_empty() => {
                // The path first: it is what the user needs to find the file.
                self.say(format!("✓ Saved {} ({title})", path.display()));
            }
            Response::Exported(Ok((title, path, warnings))) => {
                // The warning first: a document about a changed record must not pass as clean.
                self.warn(format!(
                    "! {} · saved {} ({title})",
                    warnings.join(" · "),
                    path.display()
                ));
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
                self.reload();
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
                }
                self.refresh(false);
                self.warn(format!("✗ Cannot check the evidence rules: {e}"));
            }
            // A draft removed after its form was recorded.
            Response::DraftSaved { error: Some(e), .. } => {
                self.warn(format!("✗ A draft could not be saved or removed: {e}"))
            }
            _ => {}
        }
    }

    fn opened(&mut self, view: OpenedView) {
        self.drafts = view.drafts.iter().cloned().collect();
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
        // The evidence rules read the agenda items' self-reviews: asked for only now, so
        // that the agenda is on screen before any submission is read.
        let pending: Vec<AgendaRow> = view
            .agenda
            .rows
            .iter()
            .filter(|r| r.evidence_pending)
            .cloned()
            .collect();
        self.opened = Some(view);
        self.glance = None;
        self.open_error = None;
        // Ahead and behind change with every commit read.
        self.ask_remote_state();
        if !pending.is_empty() {
            self.loader
                .request(Tag::app(), Request::Evidence { rows: pending });
        }
        // Open screens are read again from the new snapshot; forms keep what was typed.
        self.refresh(true);
        for key in std::mem::take(&mut self.held) {
            self.key(key);
        }
    }

    /// The agenda's rows with their evidence rules checked, if they belong to the commit on
    /// screen (a reload may have replaced it).
    fn evidence_checked(&mut self, commit: &str, rows: Vec<AgendaRow>) {
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
        self.refresh(false);
    }

    /// Opens a screen on something, asked for by a screen or a key, and shows it.
    fn open(&mut self, open: Open) {
        if let Some(id) = self.open_unseen(open) {
            self.show(id);
        }
    }

    /// Opens a screen on something; returns it if there is one to show.
    fn open_unseen(&mut self, open: Open) -> Option<ScreenId> {
        let mut effects = Vec::new();
        let shown = {
            let screens = &mut self.screens;
            let reading = screens.submission.as_ref().and_then(|s| s.view());
            match open {
                Open::Submission { school, year, kind } => {
                    let cx = &mut cx!(self, ScreenId::Submission, effects, None);
                    let previous = screens.submission.take();
                    let mut screen = SubmissionScreen::open(previous.as_ref(), school, year, cx);
                    screen.kind = kind;
                    screens.submission = Some(screen);
                    Some(ScreenId::Submission)
                }
                Open::Diff { school, later } => {
                    let cx = &mut cx!(self, ScreenId::Diff, effects, None);
                    match DiffScreen::open(screens.diff.as_ref(), school, later, reading, cx) {
                        Ok(screen) => {
                            screens.diff = Some(screen);
                            Some(ScreenId::Diff)
                        }
                        Err(why) => {
                            cx.say(why);
                            None
                        }
                    }
                }
                Open::Decision(row) => {
                    let cx = &mut cx!(self, ScreenId::Decision, effects, reading);
                    decision::open(&mut screens.decision, row, None, cx)
                        .then_some(ScreenId::Decision)
                }
                Open::Meeting(date) => {
                    let cx = &mut cx!(self, ScreenId::Meeting, effects, None);
                    meeting::open(&mut screens.meeting, date, cx).then_some(ScreenId::Meeting)
                }
                Open::Inbox => {
                    let cx = &mut cx!(self, ScreenId::Inbox, effects, None);
                    match &mut screens.inbox {
                        // Shown again: read at once rather than at the next tick.
                        Some(screen) => screen.scan(cx),
                        None => {
                            let settings = self.options.inbox.clone();
                            screens.inbox = Some(InboxScreen::open(settings, cx));
                        }
                    }
                    Some(ScreenId::Inbox)
                }
                Open::Live => {
                    let cx = &mut cx!(self, ScreenId::Live, effects, None);
                    live::open(&mut screens.live, self.options.live.clone(), cx)
                        .then_some(ScreenId::Live)
                }
                Open::DecisionStarted(row, notes) => {
                    let cx = &mut cx!(self, ScreenId::Decision, effects, reading);
                    decision::open(&mut screens.decision, Ok(row), Some(&notes), cx)
                        .then_some(ScreenId::Decision)
                }
                Open::History(school) => {
                    if screens.history.as_ref().is_none_or(|h| h.school != school) {
                        let cx = &mut cx!(self, ScreenId::History, effects, None);
                        screens.history = Some(HistoryScreen::open(school, cx));
                    }
                    Some(ScreenId::History)
                }
            }
        };
        for effect in effects {
            self.apply(effect);
        }
        // The form shows the school's own assessment of each area from its submission.
        if shown == Some(ScreenId::Decision)
            && let Some(form) = &self.screens.decision
        {
            let (school, year) = (form.ctx.school.clone(), form.ctx.year);
            let kind = Some(form.ctx.kind.clone());
            let open = self.screens.submission.as_ref();
            if !open.is_some_and(|s| s.school == school && s.year == year) {
                self.open_unseen(Open::Submission { school, year, kind });
            }
        }
        shown
    }

    fn key(&mut self, key: KeyEvent) {
        // A message answers the key before: it stops applying at the next. A warning stays
        // until something replaces it, so that nothing wrong goes unseen.
        if matches!(self.status, Some((_, false))) {
            self.status = None;
        }
        let mut action = self.options.keymap.action(&key);
        // Ctrl-C always quits unless the user gave it another job: nobody can be trapped.
        let ctrl_c = keymap::is_ctrl_c(&key);
        if action.is_none() && ctrl_c {
            action = Some(Action::Quit);
        }
        if self.opened.is_none() && self.glance.is_some() && action != Some(Action::Quit) {
            self.held.push(key);
            return;
        }
        if self.too_small {
            if action == Some(Action::Quit) {
                self.quit = true;
            }
            return;
        }
        if self.quitting {
            // Quit again, or yes, quits: nobody is trapped by the question.
            self.quitting = false;
            let yes = self.options.keymap.action_in(Scope::Question, &key);
            if action == Some(Action::Quit) || yes == Some(Action::ConfirmRecord) {
                self.quit = true;
            } else {
                self.say("Not quitting.");
            }
            return;
        }
        if let Some(prompt) = self.prompt.take() {
            return self.answer(prompt, &key, action);
        }
        if let Some(dialog) = &mut self.conflict {
            match dialog.key(&key, action, &self.options.keymap) {
                ConflictAnswer::Finish(how) => {
                    self.conflict = None;
                    self.start(NetJob::Finish(how));
                }
                ConflictAnswer::Later => {
                    self.conflict = None;
                    let key = self.options.keymap.first(Action::Sync);
                    self.warn(format!(
                        "! The sync stays stopped until it is finished: {key} shows the account again"
                    ));
                }
                ConflictAnswer::Quit => {
                    self.conflict = None;
                    self.ask_to_quit();
                }
                ConflictAnswer::Nothing => {}
            }
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
        // The screen first: while typing, letters are text.
        if !(ctrl_c && action == Some(Action::Quit))
            && self
                .on(self.nav.current(), |screen, cx| {
                    screen.key(&key, action, cx)
                })
                .unwrap_or(false)
        {
            return;
        }
        if let Some(action) = action {
            self.act(action);
        }
    }

    /// The answer to a question over the screen.
    fn answer(&mut self, prompt: Prompt, key: &KeyEvent, action: Option<Action>) {
        let sync_key = self.options.keymap.first(Action::Sync);
        match prompt {
            Prompt::Credentials { job, message } => match key.code {
                KeyCode::Enter if self.fetching => {
                    self.say("A fetch is under way; press Enter again in a moment.".to_owned());
                    self.prompt = Some(Prompt::Credentials { job, message });
                }
                KeyCode::Enter => self.suspend = Some(job),
                KeyCode::Esc => {
                    self.net_job = None;
                    self.say(format!("Not now: {sync_key} syncs when you are ready."));
                }
                _ if action == Some(Action::Quit) => self.quit = true,
                _ => self.prompt = Some(Prompt::Credentials { job, message }),
            },
            Prompt::Push => {
                let yes = self.options.keymap.action_in(Scope::Question, key);
                if yes == Some(Action::ConfirmRecord) && self.net_job.is_some() {
                    // The sync under way sends the new commit too.
                    self.recorded_note = None;
                    self.say("A sync is under way: it sends the new commit too.");
                } else if yes == Some(Action::ConfirmRecord) {
                    self.start(NetJob::Push);
                } else {
                    self.recorded_note = None;
                    self.say(format!(
                        "Not pushed: {sync_key} sends it with the next sync."
                    ));
                }
            }
        }
    }

    /// What an action does wherever the screen on show has no use for it.
    fn act(&mut self, action: Action) {
        let about = {
            let opened = self.opened.as_ref();
            let current = self.nav.current();
            self.screens.get(current).and_then(|s| s.about(opened))
        };
        let chosen = {
            let opened = self.opened.as_ref();
            let current = self.nav.current();
            self.screens
                .get(current)
                .map(|s| s.chosen(opened))
                .unwrap_or_default()
        };
        match action {
            Action::Quit => self.ask_to_quit(),
            Action::Help => self.help = Some(HelpOverlay::default()),
            Action::Theme => {
                let kind = self.theme.kind.toggled();
                self.theme = Theme::new(kind, self.options.colour);
                let note = if self.options.colour {
                    ""
                } else {
                    " (no colours: NO_COLOR is set)"
                };
                self.say(format!("Theme: {}{note}", kind.name()));
            }
            Action::Reload => {
                self.reloading = true;
                self.reload();
                self.say("Reloading from the repository…");
            }
            Action::Repair => {
                self.loader.request(Tag::app(), Request::Repair);
                self.say("Repairing the repository…");
            }
            Action::Back => {
                let current = self.nav.current();
                let unsaved = self.screens.get(current).and_then(|s| s.unsaved());
                self.back();
                if let Some(what) = unsaved {
                    let (key, _) = chrome::tab(current);
                    self.say(format!(
                        "✎ The draft of {what} is kept: {} returns to it.",
                        self.options.keymap.first(key)
                    ));
                }
            }
            Action::Diff => {
                if let Some((school, Some(later))) = about {
                    self.open(Open::Diff { school, later });
                }
            }
            Action::Decide => {
                let row = self
                    .agenda_item(about, chosen.kind)
                    .ok_or_else(|| "Choose an item on the agenda first.".to_owned());
                self.open(Open::Decision(row));
            }
            Action::Inbox => self.open(Open::Inbox),
            Action::Live => self.open(Open::Live),
            Action::Sync => self.sync_key(),
            Action::SubmitWorkbook => self.say(format!(
                "Schools' workbooks are submitted from the inbox: press {}, choose one and press {}.",
                self.options.keymap.first(Action::Inbox),
                self.options.keymap.first(Action::SubmitWorkbook)
            )),
            Action::History => match about {
                Some((school, _)) => self.open(Open::History(school)),
                None => self.say("Choose a school first: its history opens with H."),
            },
            Action::Export => match about {
                Some((school, Some(year))) => {
                    self.loader.request(
                        Tag::app(),
                        Request::Export(ExportJob::Letter {
                            school,
                            year,
                            kind: chosen.kind,
                            path: chosen.path,
                        }, self.options.export_format),
                    );
                    self.say("Writing the document…");
                }
                Some((school, None)) => self.say(format!(
                    "Choose one of {school}'s decisions (or its submission) to save a letter."
                )),
                None => {}
            },
            Action::ConditionMet => self.say(format!(
                "Conditions are recorded as met from the Schools screen: press {}, choose the school and press {}.",
                self.options.keymap.first(Action::SchoolsTab),
                self.options.keymap.first(Action::ConditionMet)
            )),
            _ => {
                if let Some(id) = ScreenId::ALL
                    .into_iter()
                    .find(|id| chrome::tab(*id).0 == action)
                {
                    self.show_tab(id);
                }
            }
        }
    }

    /// Quits, after asking if a form holds what has not been recorded.
    fn ask_to_quit(&mut self) {
        let unsaved: Vec<String> = ScreenId::ALL
            .into_iter()
            .filter_map(|id| self.screens.get(id).and_then(|s| s.unsaved()))
            .collect();
        if unsaved.is_empty() {
            self.quit = true;
            return;
        }
        self.quitting = true;
        let keymap = &self.options.keymap;
        // The answer first: a narrow status line cuts the end.
        self.warn(format!(
            "Quit? {} quits, any other key stays · not recorded: {} (its draft is kept and offered back)",
            keymap.first(Action::ConfirmRecord),
            unsaved.join(" and "),
        ));
    }

    /// The agenda item a screen about a school's year is on (a submission, its comparison),
    /// so that a decision can be written from there too.
    fn agenda_item(
        &self,
        about: Option<(crate::model::SchoolId, Option<crate::model::AcademicYear>)>,
        kind: Option<crate::model::KindId>,
    ) -> Option<Box<AgendaRow>> {
        let (school, Some(year)) = about? else {
            return None;
        };
        // A comparison names no kind: the submission it was opened from does.
        let kind = kind.or_else(|| {
            self.screens
                .submission
                .as_ref()
                .filter(|s| s.school == school && s.year == year)
                .and_then(|s| s.kind.clone())
        });
        self.opened
            .as_ref()?
            .agenda
            .rows
            .iter()
            .find(|r| {
                r.school == school && r.year == year && kind.as_ref().is_none_or(|k| &r.kind == k)
            })
            .map(|r| Box::new(r.clone()))
    }

    /// Shows a tab's screen, or says how to open it.
    fn show_tab(&mut self, id: ScreenId) {
        if id == ScreenId::Meeting {
            return self.open(Open::Meeting(None));
        }
        if self.screens.is_open(id) {
            return self.show(id);
        }
        let how = chrome::how_to_open(id, &self.options.keymap);
        self.say(how);
    }

    fn mouse(&mut self, mouse: MouseEvent) {
        let (x, y) = (mouse.column, mouse.row);
        // A question or an account over the screen is answered with keys.
        if self.prompt.is_some() || self.conflict.is_some() {
            return;
        }
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                if self.too_small {
                    return;
                }
                if self.help.is_some() {
                    self.help = None;
                    return;
                }
                if let Some((_, id)) = self.tab_hits.iter().find(|(r, _)| contains(*r, x, y)) {
                    let id = *id;
                    // A tab whose screen is not open says how to open it, if a key would.
                    if self.screens.is_open(id)
                        || !matches!(id, ScreenId::Submission | ScreenId::Diff)
                    {
                        self.show_tab(id);
                    }
                    return;
                }
                self.on(self.nav.current(), |screen, cx| screen.click(x, y, cx));
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
                self.on(self.nav.current(), |screen, cx| {
                    screen.scroll(x, y, delta, cx);
                });
            }
            _ => {}
        }
    }

    /// Draws the whole screen.
    pub fn draw(&mut self, frame: &mut Frame) {
        let area = frame.area();
        let theme = self.theme;
        let keymap = &self.options.keymap;
        frame.render_widget(Paragraph::new("").style(theme.base), area);
        self.too_small = area.width < MIN_WIDTH || area.height < MIN_HEIGHT;
        if self.too_small {
            self.tab_hits.clear();
            chrome::draw_too_small(frame, area, &theme, keymap);
            return;
        }
        let [header, body, footer, status] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Min(10),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let mut labels = Vec::new();
        let mut failed = false;
        for id in ScreenId::ALL {
            // The inbox has a tab once it is opened: most meetings never need it. So has
            // live meeting mode.
            if matches!(id, ScreenId::Inbox | ScreenId::Live) && !self.screens.is_open(id) {
                continue;
            }
            let screen = self.screens.get(id);
            labels.push((id, screen.as_ref().and_then(|s| s.label())));
            failed |= screen.is_some_and(|s| s.draft_failed());
        }
        let drafts = Drafts {
            kept: self.drafts.len(),
            failed,
        };
        let current = self.nav.current();
        let remote = self.remote_header();
        let opened = self.opened.as_ref();
        let shown = match (opened, &self.glance) {
            (Some(opened), _) => Some((&opened.header, opened.problems.len())),
            (None, Some(glance)) => Some((&glance.header, 0)),
            (None, None) => None,
        };
        self.tab_hits = chrome::draw_header(
            frame,
            header,
            &theme,
            keymap,
            shown,
            &drafts,
            remote.as_ref(),
            &Tabs { labels, current },
        );
        let spinner = SPINNER[self.spinner];
        let (screen, submission) = self.screens.split(current);
        let footer_keys = match (&self.help, opened, &self.open_error, screen) {
            (_, Some(_), _, Some(screen)) => {
                let cx = DrawCx {
                    theme: &theme,
                    spinner,
                    keymap,
                    today: self.options.today,
                    opened,
                    submission,
                    drafts: &self.drafts,
                };
                screen.draw(frame, body, &cx);
                screen.footer(keymap)
            }
            (_, None, None, Some(screen)) if self.glance.is_some() => {
                let shown = self
                    .glance
                    .as_ref()
                    .is_some_and(|g| screen.glance(frame, body, g, &theme));
                if !shown {
                    draw_waiting(frame, body, &theme, spinner, None);
                }
                screen.footer(keymap)
            }
            (_, _, error, screen) => {
                draw_waiting(frame, body, &theme, spinner, error.as_deref());
                screen.map_or(Footer::Actions(Vec::new()), |s| s.footer(keymap))
            }
        };
        let footer_keys = match (&self.help, &self.conflict, &self.prompt) {
            (_, _, Some(Prompt::Credentials { .. })) => Footer::Keys {
                keys: vec![
                    ("Enter".into(), "let git ask".into()),
                    ("Esc".into(), "not now".into()),
                ],
                typing: true,
            },
            (_, Some(_), _) => Footer::Keys {
                keys: [
                    (Action::TakeTheirs, "take theirs"),
                    (Action::KeepMine, "keep mine"),
                    (Action::Back, "later"),
                ]
                .into_iter()
                .map(|(a, what)| (keymap.first(a), what.to_owned()))
                .collect(),
                typing: false,
            },
            (Some(_), _, _) => Footer::Actions(vec![Action::Help, Action::Down, Action::Quit]),
            _ => footer_keys,
        };
        chrome::draw_footer(frame, footer, &theme, keymap, footer_keys);
        let status_line = self.status.as_ref();
        // Quiet requests (the inbox read again) go unsaid.
        // A background fetch goes unsaid too: the header says when it was done.
        let network = match self.running() {
            Some(NetJob::Sync) => Some("Syncing with the remote"),
            Some(NetJob::Push) => Some("Pushing to the remote"),
            Some(NetJob::Finish(_)) => Some("Finishing the sync"),
            None => None,
        };
        let waiting = self.loader.doing().or(network);
        chrome::draw_status(frame, status, &theme, waiting, spinner, status_line);
        if let Some(help) = &mut self.help {
            let config = self.options.config_path.as_deref();
            help.draw(frame, area, keymap, &theme, config);
        }
        if let Some(dialog) = &mut self.conflict {
            dialog.draw(frame, body, keymap, &theme);
        }
        if let Some(Prompt::Credentials { message, .. }) = &self.prompt {
            sync::draw_credentials(frame, body, message, &theme);
        }
    }
}

/// A problem with the remote in a few words.
fn describe(problem: &SyncProblem) -> String {
    match problem {
        SyncProblem::NoRemote => {
            "the repository has no remote to sync with (git remote add origin URL)".to_owned()
        }
        SyncProblem::Offline(m)
        | SyncProblem::NeedsCredentials(m)
        | SyncProblem::Rejected(m)
        | SyncProblem::Other(m) => m.clone(),
        SyncProblem::Conflict(_) => "both sides changed the same file".to_owned(),
    }
}

/// Whether a push was refused because the remote has commits this branch has not: git says
/// so in these words, whatever the server.
fn remote_moved(message: &str) -> bool {
    let message = message.to_lowercase();
    [
        "fetch first",
        "non-fast-forward",
        "has commits this repository does not have",
        "stale info",
    ]
    .iter()
    .any(|words| message.contains(words))
}

/// The body before the repository is read: that it is being read, or why it cannot be.
fn draw_waiting(
    frame: &mut Frame,
    area: ratatui::layout::Rect,
    theme: &Theme,
    spinner: &str,
    error: Option<&str>,
) {
    let (text, title) = match error {
        Some(error) => (
            vec![
                Line::from(Span::styled(
                    "✗ Cannot read the panel repository",
                    theme.bad,
                )),
                Line::default(),
                Line::from(error.to_owned()),
            ],
            "Error",
        ),
        None => (
            vec![Line::from(format!(
                "{spinner} Reading the panel repository…"
            ))],
            "Loading",
        ),
    };
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(block(title, true, theme))
            .style(theme.base),
        area,
    );
}
