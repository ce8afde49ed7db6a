//! The terminal UI: the panel's meeting screen. The app (`app.rs`) routes events to the
//! screen on show and carries out what screens ask for; what a screen is is in `screen.rs`,
//! the screens live in `screens/` (one file each), the way back between them in `nav.rs`,
//! what surrounds them in `chrome.rs`. The repository is read on a worker thread
//! (`loader.rs`), so the interface never waits for git; requests carry a tag (`tag.rs`) that
//! brings their answers back to whoever asked.

pub mod app;
pub mod chrome;
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

/// Timings of one run, written where `KITEMARK_TIMINGS` says, for the benchmarks.
#[derive(Debug, Default, serde::Serialize)]
struct Timings {
    first_frame_ms: f64,
    data_frame_ms: Option<f64>,
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

fn event_loop(
    terminal: &mut terminal::Term,
    options: Options,
    repo_path: PathBuf,
    started: Instant,
) -> anyhow::Result<Timings> {
    let (events, inbox) = channel();
    let input = events.clone();
    std::thread::Builder::new()
        .name("kitemark-input".into())
        .spawn(move || {
            loop {
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
    let loader = Loader::spawn(repo_path, events).context("cannot start the loader thread")?;
    let mut app = App::new(options, loader);
    let mut timings = Timings::default();
    let mut pending_since: Option<Instant> = None;
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
        app.handle(first);
        // Handle everything already queued before drawing again, so a burst of keys (or a
        // held key) never falls behind.
        for event in inbox.try_iter() {
            if matches!(event, AppEvent::Key(_) | AppEvent::Mouse(_)) {
                timings.events += 1;
            }
            app.handle(event);
        }
    }
    app.finish();
    timings.submission_files_read = crate::repo::submission_files_read();
    Ok(timings)
}
