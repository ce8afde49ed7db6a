//! A harness for the interface: the real app and its real background loader, driven by
//! synthetic key and mouse events and drawn on a test backend.

use std::path::Path;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use kitemark::tui::app::{App, AppEvent, Options};
use kitemark::tui::keymap::KeyMap;
use kitemark::tui::loader::Loader;
use kitemark::tui::theme::ThemeKind;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};

pub struct Harness {
    pub app: App,
    pub events: Receiver<AppEvent>,
    pub terminal: Terminal<TestBackend>,
}

/// The day of the demo's upcoming meeting: a decision is recorded at or after its meeting,
/// so the tests that record one open the interface on this day.
pub const MEETING_DAY: jiff::civil::Date = jiff::civil::date(2026, 12, 2);

/// The options the tests open the interface with: as on 22 November 2026, ten days before
/// the demo's upcoming meeting, in the default theme with colour and the default keys, and no
/// fetch from a remote in the background.
pub fn options() -> Options {
    Options {
        rev: None,
        today: jiff::civil::date(2026, 11, 22),
        theme: ThemeKind::Default,
        colour: true,
        keymap: KeyMap::default(),
        config_path: None,
        inbox: kitemark::tui::config::Inbox {
            folder: "/nonexistent/kitemark/inbox".into(),
            member: None,
        },
        export_format: Default::default(),
        // No fetch in the background unless a test asks for one: the git program it runs
        // would see this process's environment.
        remote: kitemark::tui::config::RemoteSettings {
            fetch_every: None,
            ..Default::default()
        },
        now: None,
        live: Default::default(),
    }
}

impl Harness {
    pub fn open(repo: &Path, width: u16, height: u16, theme: ThemeKind, colour: bool) -> Harness {
        let mut harness = Harness::start(repo, width, height, theme, colour);
        harness.settle();
        harness
    }

    /// The app as on `today` instead of [`options`]' day, once read: on
    /// [`MEETING_DAY`] a decision at the demo's upcoming meeting can be recorded.
    pub fn open_on(
        repo: &Path,
        today: jiff::civil::Date,
        width: u16,
        height: u16,
        theme: ThemeKind,
        colour: bool,
    ) -> Harness {
        let options = Options {
            today,
            theme,
            colour,
            ..options()
        };
        let mut harness = Harness::with_options(repo, options, width, height);
        harness.settle();
        harness
    }

    /// The app at the commit `rev` names, as `kitemark open --rev REV` shows it, once read.
    pub fn open_at(repo: &Path, rev: &str, width: u16, height: u16) -> Harness {
        let options = Options {
            rev: Some(rev.to_owned()),
            colour: false,
            ..options()
        };
        let mut harness = Harness::with_options(repo, options, width, height);
        harness.settle();
        harness
    }

    /// The app with its loader started and nothing yet answered.
    pub fn start(repo: &Path, width: u16, height: u16, theme: ThemeKind, colour: bool) -> Harness {
        let options = Options {
            theme,
            colour,
            ..options()
        };
        Harness::with_options(repo, options, width, height)
    }

    /// The app with `options`, its loader started and nothing yet answered.
    pub fn with_options(repo: &Path, options: Options, width: u16, height: u16) -> Harness {
        let (sender, events) = channel();
        let loader = Loader::spawn(repo.to_path_buf(), sender).unwrap();
        Harness {
            app: App::new(options, loader),
            events,
            terminal: Terminal::new(TestBackend::new(width, height)).unwrap(),
        }
    }

    /// Handles the loader's answers until nothing more is awaited.
    pub fn settle(&mut self) {
        while self.app.is_loading() {
            let event = self
                .events
                .recv_timeout(Duration::from_secs(20))
                .expect("the loader answers");
            self.app.handle(event);
        }
    }

    /// Presses keys: characters as they are, `<Name>` for named keys.
    pub fn keys(&mut self, script: &str) -> &mut Self {
        let mut rest = script;
        while let Some(c) = rest.chars().next() {
            let mut control = false;
            let (code, len) = if c == '<' && rest.contains('>') {
                let end = rest.find('>').unwrap();
                let code = match &rest[1..end] {
                    // A letter with Ctrl held, as `<C-u>`.
                    name if name.len() == 3 && name.starts_with("C-") => {
                        control = true;
                        KeyCode::Char(name.chars().nth(2).unwrap())
                    }
                    "Left" => KeyCode::Left,
                    "Right" => KeyCode::Right,
                    "Enter" => KeyCode::Enter,
                    "Esc" => KeyCode::Esc,
                    "Tab" => KeyCode::Tab,
                    "BackTab" => KeyCode::BackTab,
                    "Down" => KeyCode::Down,
                    "Up" => KeyCode::Up,
                    "PageDown" => KeyCode::PageDown,
                    "Backspace" => KeyCode::Backspace,
                    other => panic!("unknown key <{other}>"),
                };
                (code, end + 1)
            } else {
                (KeyCode::Char(c), c.len_utf8())
            };
            let modifiers = if control {
                KeyModifiers::CONTROL
            } else if matches!(code, KeyCode::Char(c) if c.is_ascii_uppercase()) {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            self.app.handle(AppEvent::Key(KeyEvent {
                code,
                modifiers,
                kind: KeyEventKind::Press,
                state: KeyEventState::NONE,
            }));
            self.settle();
            // The event loop draws after every batch of events; so does the harness.
            self.buffer();
            rest = &rest[len..];
        }
        self
    }

    /// Presses keys without waiting for the loader in between.
    pub fn keys_without_waiting(&mut self, script: &str) {
        for c in script.chars() {
            self.app.handle(AppEvent::Key(KeyEvent {
                code: KeyCode::Char(c),
                modifiers: KeyModifiers::NONE,
                kind: KeyEventKind::Press,
                state: KeyEventState::NONE,
            }));
            self.buffer();
        }
    }

    pub fn click(&mut self, column: u16, row: u16) -> &mut Self {
        self.app.handle(AppEvent::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }));
        self.settle();
        self
    }

    pub fn buffer(&mut self) -> Buffer {
        self.terminal.draw(|frame| self.app.draw(frame)).unwrap();
        self.terminal.backend().buffer().clone()
    }

    /// The screen as text, one line per row.
    pub fn screen(&mut self) -> String {
        let buffer = self.buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buffer.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

pub fn find(screen: &str, text: &str) -> (u16, u16) {
    for (y, line) in screen.lines().enumerate() {
        if let Some(i) = line.find(text) {
            let x = unicode_width::UnicodeWidthStr::width(&line[..i]);
            return (x as u16, y as u16);
        }
    }
    panic!("{text:?} is not on the screen:\n{screen}");
}

impl Harness {
    /// Handles whatever arrives (answers, saves) until `done` holds; fails after 20 s.
    pub fn wait_until(&mut self, what: &str, mut done: impl FnMut(&mut Harness) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(self) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting until {what}");
            if let Ok(event) = self
                .events
                .recv_timeout(left.min(Duration::from_millis(50)))
            {
                self.app.handle(event);
            }
        }
    }

    /// Types text into whatever has the keyboard, every character as a key.
    pub fn type_text(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            let code = if c == '\n' {
                KeyCode::Enter
            } else {
                KeyCode::Char(c)
            };
            self.app.handle(AppEvent::Key(KeyEvent {
                code,
                modifiers: KeyModifiers::NONE,
                kind: KeyEventKind::Press,
                state: KeyEventState::NONE,
            }));
        }
        self.settle();
        self.buffer();
        self
    }
}
