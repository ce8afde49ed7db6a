//! What a screen is: it keeps its own state (selection, scroll, focus) and draws itself from
//! data computed elsewhere; it never reads the repository.
//!
//! Every screen implements [`Screen`]: it is given its keys, clicks and the loader's answers
//! to its requests, and says through its [`Cx`] what should follow (open another screen,
//! close itself, ask the loader, tell the user); the app makes it happen (gitui's
//! `Component` and its queue of internal events, helix's compositor callbacks).

use std::collections::BTreeSet;

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;

use super::keymap::{Action, KeyMap};
use super::loader::{ExportJob, Loader, Request, RequestKind, Response};
use super::tag::{ScreenId, Tag, Target};
use super::theme::Theme;
use super::view::{AgendaRow, Glance, OpenedView, SubmissionView};
use crate::model::{AcademicYear, KindId, SchoolId};

/// A screen that moves through rows or scrolls text with the moving keys.
pub trait Navigable {
    /// One row (or line) down for a positive delta, up for a negative one.
    fn move_by(&mut self, delta: isize);
    fn page_by(&mut self, pages: isize);
    /// To the last row (`true`) or the first.
    fn to_end(&mut self, end: bool);
}

/// What a moving key does to a navigable screen; `false` if it is not a moving key.
pub fn navigate(screen: &mut dyn Navigable, action: Action) -> bool {
    use Action;
    match action {
        Action::Up => screen.move_by(-1),
        Action::Down => screen.move_by(1),
        Action::PageUp => screen.page_by(-1),
        Action::PageDown => screen.page_by(1),
        Action::Top => screen.to_end(false),
        Action::Bottom => screen.to_end(true),
        _ => return false,
    }
    true
}

/// What a screen asks the app to open.
#[derive(Debug, Clone)]
pub enum Open {
    Submission {
        school: SchoolId,
        year: AcademicYear,
        /// The kind of the agenda item it was opened from, if any.
        kind: Option<KindId>,
    },
    /// The comparison of a year with the one before.
    Diff {
        school: SchoolId,
        later: AcademicYear,
    },
    /// The decision form on an agenda item; without one, why there is none to decide.
    Decision(Result<Box<AgendaRow>, String>),
    /// The meeting setup, of the meeting being worked towards or of a date.
    Meeting(Option<Date>),
    History(SchoolId),
    /// The inbox of schools' workbooks.
    Inbox,
    /// Live meeting mode, on the meeting being worked towards.
    Live,
    /// The decision form on an agenda item taken up in live mode, the scribe's notes added to
    /// its feedback unless a draft is kept.
    DecisionStarted(Box<AgendaRow>, String),
}

/// What should follow from a screen's handling of something, for the app to carry out.
#[derive(Debug, Clone)]
pub enum Effect {
    Say(String),
    Warn(String),
    Open(Open),
    /// The screen is done (its form was recorded): close it and go back, or to a screen.
    Close(ScreenId, Option<ScreenId>),
    /// Read the repository again, quietly.
    Reload,
}

/// What a screen may use while it handles something: the data on screen, the key map, the
/// loader (its requests are addressed to the screen), and a queue of effects.
pub struct Cx<'a> {
    pub me: ScreenId,
    pub opened: Option<&'a OpenedView>,
    pub keymap: &'a KeyMap,
    pub today: Date,
    /// What documents are written as (the config file's `export_format`).
    pub export_format: crate::export::Format,
    /// The submission open on its own screen, for the forms to read alongside.
    pub submission: Option<&'a SubmissionView>,
    loader: &'a mut Loader,
    drafts: &'a mut BTreeSet<String>,
    effects: &'a mut Vec<Effect>,
}

impl<'a> Cx<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        me: ScreenId,
        opened: Option<&'a OpenedView>,
        keymap: &'a KeyMap,
        today: Date,
        export_format: crate::export::Format,
        submission: Option<&'a SubmissionView>,
        loader: &'a mut Loader,
        drafts: &'a mut BTreeSet<String>,
        effects: &'a mut Vec<Effect>,
    ) -> Cx<'a> {
        Cx {
            me,
            opened,
            keymap,
            today,
            export_format,
            submission,
            loader,
            drafts,
            effects,
        }
    }

    /// Asks the loader; the answer comes back to this screen with `stamp`.
    pub fn request(&mut self, stamp: u64, request: Request) -> u64 {
        self.loader.request(Tag::screen(self.me, stamp), request)
    }

    /// Whether an answer of this kind is still awaited by this screen.
    pub fn awaits(&self, kind: RequestKind) -> bool {
        self.loader.awaits(kind, Target::Screen(self.me))
    }

    /// Stops waiting for an answer of this kind (the screen found it another way).
    pub fn forget(&mut self, kind: RequestKind) {
        self.loader.forget(kind, Target::Screen(self.me));
    }

    /// Saves a draft in the background; returns the number its answer will carry.
    pub fn save_draft(&mut self, key: String, text: String) -> u64 {
        self.drafts.insert(key.clone());
        self.loader.save_draft(Tag::screen(self.me, 0), key, text)
    }

    /// Removes a draft. A failure is told to this screen, or to the app when `closing`.
    pub fn delete_draft(&mut self, key: String, closing: bool) {
        self.drafts.remove(&key);
        let tag = if closing {
            Tag::app()
        } else {
            Tag::screen(self.me, 0)
        };
        self.loader.delete_draft(tag, key);
    }

    /// The keys of the drafts on disk, as far as the app knows.
    pub fn drafts(&self) -> &BTreeSet<String> {
        self.drafts
    }

    /// Writes a document; what became of it is told in the status line.
    pub fn export(&mut self, job: ExportJob) {
        self.loader
            .request(Tag::app(), Request::Export(job, self.export_format));
        self.say("Writing the document…");
    }

    pub fn say(&mut self, message: impl Into<String>) {
        self.effects.push(Effect::Say(message.into()));
    }

    pub fn warn(&mut self, message: impl Into<String>) {
        self.effects.push(Effect::Warn(message.into()));
    }

    pub fn open(&mut self, open: Open) {
        self.effects.push(Effect::Open(open));
    }

    pub fn effect(&mut self, effect: Effect) {
        self.effects.push(effect);
    }

    /// The first key of an action, for messages that name it.
    pub fn key_of(&self, action: Action) -> String {
        self.keymap.first(action)
    }
}

/// What a screen may use while it draws.
pub struct DrawCx<'a> {
    pub theme: &'a Theme,
    pub spinner: &'a str,
    pub keymap: &'a KeyMap,
    pub today: Date,
    pub opened: Option<&'a OpenedView>,
    /// The submission open on its own screen, for the forms to read alongside.
    pub submission: Option<&'a SubmissionView>,
    /// The keys of the drafts kept, as [`Cx::drafts`] has them.
    pub drafts: &'a BTreeSet<String>,
}

/// What the footer shows for a screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Footer {
    /// Actions of the key map, each with its key and its hint.
    Actions(Vec<Action>),
    /// A form's keys (key, what), then help and quit unless text is being typed.
    Keys {
        keys: Vec<(String, String)>,
        typing: bool,
    },
    /// A filter being typed.
    Filter(String),
}

/// The school (and year, where there is one) a screen is about: what the keys that open
/// something for "this school" use.
pub type About = Option<(SchoolId, Option<AcademicYear>)>;

/// The decision a screen has selected, as far as it knows: its kind, and its file where a
/// commit names it. A letter saved from the screen is about that decision.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chosen {
    pub kind: Option<KindId>,
    pub path: Option<String>,
}

/// A screen of the app.
pub trait Screen {
    /// A key; `action` is what the key map makes of it. Returns whether the screen used it;
    /// if not, the app does what the action does everywhere.
    fn key(&mut self, key: &KeyEvent, action: Option<Action>, cx: &mut Cx) -> bool;

    /// A left click at a point on the screen.
    fn click(&mut self, _x: u16, _y: u16, _cx: &mut Cx) {}

    /// The mouse wheel at a point: positive is down.
    fn scroll(&mut self, _x: u16, _y: u16, _delta: isize, _cx: &mut Cx) {}

    /// An answer of the loader to one of this screen's requests.
    fn loaded(&mut self, _tag: Tag, _response: Response, _cx: &mut Cx) {}

    /// The repository was read again (`reloaded`), or the agenda's rules were checked.
    fn refresh(&mut self, _reloaded: bool, _cx: &mut Cx) {}

    /// Another screen is shown instead.
    fn hide(&mut self) {}

    /// Time passed while the screen is on show (about every second, when it [`ticks`]).
    ///
    /// [`ticks`]: Screen::ticks
    fn tick(&mut self, _cx: &mut Cx) {}

    /// Whether the screen needs [`tick`](Screen::tick)s while on show (to notice what
    /// changes outside the repository).
    fn ticks(&self) -> bool {
        false
    }

    fn draw(&mut self, frame: &mut Frame, area: Rect, cx: &DrawCx);

    /// Draws what a glance of the repository ([`Glance`]) shows of this screen while the rest
    /// is read; `false` for a screen it shows nothing of.
    fn glance(
        &mut self,
        _frame: &mut Frame,
        _area: Rect,
        _glance: &Glance,
        _theme: &Theme,
    ) -> bool {
        false
    }

    /// The footer's hints, from the live key map.
    fn footer(&self, keymap: &KeyMap) -> Footer;

    /// What is selected here: the school and year the screen is about.
    fn about(&self, opened: Option<&OpenedView>) -> About;

    /// Which of the year's decisions is selected here, where the screen knows.
    fn chosen(&self, _opened: Option<&OpenedView>) -> Chosen {
        Chosen::default()
    }

    /// The tab's label when there is room for more than the screen's name.
    fn label(&self) -> Option<String> {
        None
    }

    /// Whether a draft of this screen could not be saved (the header says so everywhere).
    /// What the screen holds that has not been recorded, in a few words ("the decision on
    /// …"), if anything: leaving it says the draft is kept, and quitting asks.
    fn unsaved(&self) -> Option<String> {
        None
    }

    fn draft_failed(&self) -> bool {
        false
    }
}
