//! The terminal UI: the panel's meeting screen. The app (`app.rs`) routes events to the
//! screen on show and carries out what screens ask for; what a screen is is in `screen.rs`,
//! the screens live in `screens/` (one file each), the way back between them in `nav.rs`,
//! what surrounds them in `chrome.rs`. The repository is read on a worker thread
//! (`loader.rs`), so the interface never waits for git; requests carry a tag (`tag.rs`) that
//! brings their answers back to whoever asked.

pub mod app;
pub mod chrome;
pub mod clock;
pub mod config;
pub mod edit;
pub mod event;
pub mod keymap;
pub mod loader;
pub mod nav;
pub mod screen;
pub mod screens;
pub mod table;
pub mod tag;
mod terminal;
pub mod theme;
pub mod view;
pub mod widgets;
pub mod wrap;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use jiff::civil::Date;
use ratatui::crossterm::event::{self as terminal_event, Event};

use app::{App, Options};
use event::AppEvent;
use loader::Loader;
use theme::ThemeKind;

/// How the UI was asked to start.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub repo: PathBuf,
    pub rev: Option<String>,
    pub today: Date,
    pub theme: Option<ThemeKind>,
}

/// Whether colour is allowed: `NO_COLOR` set to anything but the empty string turns it off.
pub fn colour_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Timings of one run, written where `KITEMARK_TIMINGS` says, for the benchmarks. A time
/// that never came (the data never read, the History view never opened, or left before its
/// audit came) is `null`.
#[derive(Debug, Default, serde::Serialize)]
struct Timings {
    first_frame_ms: f64,
    /// The first frame with the agenda and schools: from the cache's glance of a commit
    /// opened before, or once the repository is read.
    data_frame_ms: Option<f64>,
    /// The first frame once everything is read and every action available (the same frame
    /// as `data_frame_ms` without a glance).
    ready_frame_ms: Option<f64>,
    /// From the key that first opened the History view to the first frame with the school's
    /// own records.
    history_frame_ms: Option<f64>,
    /// From the same key to the first frame with the whole audit's findings.
    history_audit_ms: Option<f64>,
    frames: u64,
    events: u64,
    max_event_to_frame_ms: f64,
    /// Submission files read in the whole run: the agenda's self-reviews, for the evidence
    /// rules, and each submission opened.
    submission_files_read: usize,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs the UI until the user quits.
pub fn run(options: OpenOptions) -> anyhow::Result<()> {
    let started = Instant::now();
    let config = config::load(config::config_path().as_deref())?;
    // Fail before taking over the screen if this is not a panel repository at all.
    let repo = crate::repo::PanelRepo::open(&options.repo)?;
    repo.check_panel(options.rev.as_deref())?;
    let repo_path = repo.path();
    drop(repo);
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        bail!(
            "the kitemark interface needs a terminal; for text output use `kitemark schools` or `kitemark validate`"
        );
    }

    let app_options = Options {
        rev: options.rev,
        today: options.today,
        theme: options.theme.unwrap_or(config.theme),
        colour: colour_allowed(),
        keymap: config.keymap,
        config_path: config.path.map(|p| p.display().to_string()),
        inbox: config.inbox,
        export_format: config.export_format,
        remote: config.remote,
        now: None,
        live: config.live,
    };
    let mut terminal = terminal::enter().context("cannot set up the terminal")?;
    let result = event_loop(&mut terminal, app_options, repo_path, started);
    let restored = terminal::leave();
    let timings = result?;
    restored.context("cannot restore the terminal")?;
    if let Some(path) = std::env::var_os("KITEMARK_TIMINGS") {
        std::fs::write(&path, crate::model::json::pretty(&timings)?).with_context(|| {
            format!("cannot write timings to {}", PathBuf::from(&path).display())
        })?;
    }
    Ok(())
}

/// How long the input thread waits for a key before it looks whether it should step aside.
const INPUT_POLL: Duration = Duration::from_millis(100);

/// Lets the UI thread stop the input thread reading the terminal, and know it has stopped.
#[derive(Default)]
struct InputGate {
    /// (paused, parked): asked to stop; has stopped.
    state: Mutex<(bool, bool)>,
    changed: Condvar,
}

impl InputGate {
    /// On the input thread: waits here while paused, saying it has stopped.
    fn wait_while_paused(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        while state.0 {
            state.1 = true;
            self.changed.notify_all();
            state = match self.changed.wait(state) {
                Ok(state) => state,
                Err(_) => return,
            };
        }
        state.1 = false;
    }

    /// On the UI thread: stops the input thread and waits until it has (an input thread that
    /// has ended, the terminal gone, is not waited for).
    fn pause(&self) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        state.0 = true;
        let deadline = Instant::now() + INPUT_POLL * 20;
        while !state.1 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            state = match self.changed.wait_timeout(state, left) {
                Ok((state, _)) => state,
                Err(_) => return,
            };
        }
    }

    fn resume(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.0 = false;
            self.changed.notify_all();
        }
    }
}

/// Steps aside from the terminal so that git may ask for credentials there, runs the job,
/// waits for Enter, and takes the terminal back, drawn afresh.
fn run_suspended(
    terminal: &mut terminal::Term,
    gate: &InputGate,
    path: &std::path::Path,
    job: loader::NetJob,
    net: crate::record::sync::Network,
) -> anyhow::Result<loader::NetAnswer> {
    use std::io::{BufRead, Write};
    gate.pause();
    terminal::leave().context("cannot restore the terminal")?;
    let mut out = std::io::stdout();
    let _ = writeln!(
        out,
        "kitemark: working with the remote; git may ask for credentials here.\n"
    );
    let answer = loader::run_network(path, loader::NetRequest::Job(job), &net);
    let outcome = match &answer {
        loader::NetAnswer::Done(_, Ok(_)) => "Done.".to_owned(),
        loader::NetAnswer::Done(_, Err(problem)) => format!("Not finished: {problem}."),
        _ => String::new(),
    };
    let _ = writeln!(out, "\n{outcome}\nPress Enter to return to kitemark.");
    let _ = out.flush();
    let mut line = String::new();
    let _ = std::io::stdin().lock().read_line(&mut line);
    terminal::resume().context("cannot take the terminal back")?;
    terminal.clear()?;
    gate.resume();
    Ok(answer)
}

fn event_loop(
    terminal: &mut terminal::Term,
    options: Options,
    repo_path: PathBuf,
    started: Instant,
) -> anyhow::Result<Timings> {
    let (events, inbox) = channel();
    let input = events.clone();
    let gate = Arc::new(InputGate::default());
    let input_gate = Arc::clone(&gate);
    std::thread::Builder::new()
        .name("kitemark-input".into())
        .spawn(move || {
            loop {
                // While git asks at the terminal, its answers are not the interface's keys.
                input_gate.wait_while_paused();
                match terminal_event::poll(INPUT_POLL) {
                    Ok(false) => continue,
                    Ok(true) => {}
                    Err(_) => {
                        let _ = input.send(AppEvent::InputLost);
                        return;
                    }
                }
                let event = match terminal_event::read() {
                    Ok(Event::Key(key)) => AppEvent::Key(key),
                    Ok(Event::Mouse(mouse)) => AppEvent::Mouse(mouse),
                    Ok(Event::Resize(..)) => AppEvent::Resize,
                    Ok(_) => continue,
                    Err(_) => AppEvent::InputLost,
                };
                let lost = matches!(event, AppEvent::InputLost);
                if input.send(event).is_err() || lost {
                    return;
                }
            }
        })
        .context("cannot start the input thread")?;
    if let Some(every) = options.remote.fetch_every {
        // The first fetch follows the first reading of the remote state; this timer brings
        // the ones after it.
        let timer = events.clone();
        std::thread::Builder::new()
            .name("kitemark-fetch-timer".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    if timer.send(AppEvent::FetchDue).is_err() {
                        return;
                    }
                }
            })
            .context("cannot start the fetch timer")?;
    }
    let network_path = repo_path.clone();
    let loader = Loader::spawn(repo_path, events).context("cannot start the loader thread")?;
    let mut app = App::new(options, loader);
    let mut timings = Timings::default();
    let mut pending_since: Option<Instant> = None;
    // When the key that first opened the History view was received.
    let mut history_asked: Option<Instant> = None;
    loop {
        terminal.draw(|frame| app.draw(frame))?;
        let drawn = Instant::now();
        timings.frames += 1;
        if timings.frames == 1 {
            timings.first_frame_ms = ms(drawn - started);
        }
        if timings.data_frame_ms.is_none() && app.is_open() {
            timings.data_frame_ms = Some(ms(drawn - started));
        }
        if timings.ready_frame_ms.is_none() && app.is_ready() {
            timings.ready_frame_ms = Some(ms(drawn - started));
        }
        if let (Some(asked), Some(stage)) = (history_asked, app.history_stage()) {
            use screens::history::Stage;
            let took = Some(ms(drawn - asked));
            if matches!(stage, Stage::OwnRecords | Stage::Audited) {
                timings.history_frame_ms = timings.history_frame_ms.or(took);
            }
            if stage == Stage::Audited {
                timings.history_audit_ms = timings.history_audit_ms.or(took);
            }
        }
        if let Some(since) = pending_since.take() {
            timings.max_event_to_frame_ms = timings.max_event_to_frame_ms.max(ms(drawn - since));
        }
        if app.should_quit() {
            break;
        }
        // The spinner turns only while something loads; a screen that watches something
        // outside the repository (the inbox) gets a tick a second; otherwise wait for the
        // next event.
        let timeout = if app.is_loading() {
            Duration::from_millis(80)
        } else if app.ticking() {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(3600)
        };
        let first = match inbox.recv_timeout(timeout) {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => AppEvent::Tick,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let received = Instant::now();
        if matches!(first, AppEvent::Key(_) | AppEvent::Mouse(_)) {
            pending_since = Some(received);
            timings.events += 1;
        }
        // Only the first opening is timed: the next ones find the audit made.
        let mut note_history = |app: &App, at: Instant| {
            if history_asked.is_none() && app.history_stage().is_some() {
                history_asked = Some(at);
            }
        };
        app.handle(first);
        note_history(&app, received);
        // Handle everything already queued before drawing again, so a burst of keys (or a
        // held key) never falls behind.
        for event in inbox.try_iter() {
            let at = Instant::now();
            if matches!(event, AppEvent::Key(_) | AppEvent::Mouse(_)) {
                timings.events += 1;
            }
            app.handle(event);
            note_history(&app, at);
        }
        if let Some(job) = app.take_suspend() {
            let answer = run_suspended(terminal, &gate, &network_path, job, app.network(true))?;
            app.handle(AppEvent::from(answer));
        }
    }
    app.finish();
    timings.submission_files_read = crate::repo::submission_files_read();
    Ok(timings)
}
