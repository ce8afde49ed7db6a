//! Entering and leaving the terminal's interactive mode, and restoring it whatever happens.

use std::io::{BufWriter, Stdout, stdout};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub type Term = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Room for a whole frame, so that each frame reaches the terminal in one write and is never
/// seen half drawn.
const FRAME_BUFFER: usize = 256 * 1024;

/// Raw mode, the alternate screen and mouse reporting; a panic on this thread restores the
/// terminal before the panic message is printed.
pub fn enter() -> std::io::Result<Term> {
    install_panic_hook();
    enable_raw_mode()?;
    if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture) {
        let _ = leave();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
        FRAME_BUFFER,
        stdout(),
    )))
    .inspect_err(|_| {
        let _ = leave();
    })
}

/// Raw mode, the alternate screen and mouse reporting again, after [`leave`], for a
/// terminal already set up once.
pub fn resume() -> std::io::Result<()> {
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)
}

/// Back to the terminal as it was.
pub fn leave() -> std::io::Result<()> {
    // Raw mode first: it has the widest effect if anything after it fails.
    let raw = disable_raw_mode();
    let screen = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, Show);
    raw.and(screen)
}

fn install_panic_hook() {
    let ui_thread = std::thread::current().id();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            let _ = leave();
            previous(info);
        }
        // A panic on a worker thread is caught there and shown as a message; printing it
        // here would scribble over the screen.
    }));
}
