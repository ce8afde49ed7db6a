//! The time of day, for the timers of live meeting mode: the system's, or one that tests set
//! and move on by hand, so that what a screen shows never depends on when a test runs.

use std::sync::{Arc, Mutex};

use jiff::civil::Time;

/// The clock the interface reads the time of day from.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// A time set by hand; `None` for the system's clock.
    fixed: Option<Arc<Mutex<Time>>>,
}

impl Clock {
    /// A clock that shows `time` until it is set to another.
    pub fn fixed(time: Time) -> Clock {
        Clock {
            fixed: Some(Arc::new(Mutex::new(time))),
        }
    }

    /// Moves a fixed clock to `time` (every copy of it shows the new time); the system's
    /// clock is left alone.
    pub fn set(&self, time: Time) {
        if let Some(fixed) = &self.fixed
            && let Ok(mut shown) = fixed.lock()
        {
            *shown = time;
        }
    }

    /// The time of day now, to the second.
    pub fn now(&self) -> Time {
        let now = match &self.fixed {
            Some(fixed) => fixed.lock().map(|t| *t).unwrap_or_default(),
            None => jiff::Zoned::now().time(),
        };
        jiff::civil::time(now.hour(), now.minute(), now.second(), 0)
    }
}
