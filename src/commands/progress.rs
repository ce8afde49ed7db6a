//! Progress of long work, on standard error while a person watches a terminal; nothing at all
//! when standard error is a pipe or a file, so that scripts and logs see only the result.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

const BAR: &str = "{msg} {wide_bar} {pos}/{len} · {elapsed}";
const SPINNER: &str = "{spinner} {msg} · {elapsed}";

fn style(template: &str) -> ProgressStyle {
    // The templates are constants, so they cannot fail to parse; the plain style stands in if
    // one ever did.
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A progress bar that draws only on a terminal.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A spinner for work whose length is not known yet (`git repack`, a history being
    /// walked); [`Progress::set`] turns it into a bar.
    pub fn spinner(what: &str) -> Progress {
        if !std::io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(style(SPINNER));
        bar.set_message(what.to_owned());
        // Drawn now and then even when nothing moves, so that a long step shows it is alive;
        // a short job finishes before anyone notices, and leaves nothing behind.
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar) }
    }

    /// Moves the bar to `done` of `total` steps (the total may be learned late).
    pub fn set(&self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            if bar.length().is_none() {
                bar.set_style(style(BAR));
            }
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    /// Changes what the bar says it is doing.
    pub fn say(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_owned());
        }
    }
}

impl Drop for Progress {
    /// The bar goes when the work is done: the result is printed on a clean line.
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
