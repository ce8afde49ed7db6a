//! Who asked the loader for what: the address a request carries and its answer returns with,
//! so that the answer finds its screen or form without the app keeping a table of who waits.

/// The screens, in the order of the tabs along the top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScreenId {
    Agenda,
    Schools,
    Submission,
    Diff,
    Decision,
    Meeting,
    History,
    Inbox,
    Live,
}

impl ScreenId {
    pub const ALL: [ScreenId; 9] = [
        ScreenId::Agenda,
        ScreenId::Schools,
        ScreenId::Submission,
        ScreenId::Diff,
        ScreenId::Decision,
        ScreenId::Meeting,
        ScreenId::History,
        ScreenId::Inbox,
        ScreenId::Live,
    ];
}

/// Who asked the loader: its answer goes straight back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// The app itself: opening, reloading, exporting, repairing.
    App,
    Screen(ScreenId),
}

/// The address on a request, returned with its answer: who asked, and a stamp of the asker's
/// state when it asked (a form's revision), so that an answer about an older state is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    pub to: Target,
    pub stamp: u64,
}

impl Tag {
    pub fn app() -> Tag {
        Tag {
            to: Target::App,
            stamp: 0,
        }
    }

    pub fn screen(id: ScreenId, stamp: u64) -> Tag {
        Tag {
            to: Target::Screen(id),
            stamp,
        }
    }
}
