//! What happens to the app: the events the event loop, the input thread and the loader send
//! it. The loader sends its answers as any event that can be made from them, so it imports
//! neither this nor the app.

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use super::loader::{Loaded, NetAnswer};

/// Everything that can happen to the app.
#[derive(Debug)]
pub enum AppEvent {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize,
    /// Time passes: the spinner turns.
    Tick,
    /// The terminal stopped sending input.
    InputLost,
    Loaded(Box<Loaded>),
    /// An answer of the network thread (or of a sync run while the interface was suspended).
    Network(Box<NetAnswer>),
    /// Time to fetch the remote in the background.
    FetchDue,
}

impl From<NetAnswer> for AppEvent {
    fn from(answer: NetAnswer) -> AppEvent {
        AppEvent::Network(Box::new(answer))
    }
}

impl From<Loaded> for AppEvent {
    fn from(loaded: Loaded) -> AppEvent {
        AppEvent::Loaded(Box::new(loaded))
    }
}
