//! The screens, one file each, and [`Screens`], which holds them: the one place that maps a
//! [`ScreenId`] to its screen. What a screen is and may use is in [`crate::tui::screen`].

pub mod agenda;
pub mod condition;
pub mod decision;
pub mod diff;
pub mod help;
pub mod history;
pub mod inbox;
pub mod live;
pub mod meeting;
pub mod order;
pub mod readers;
pub mod record;
pub mod review;
pub mod schools;
pub mod submission;
pub mod sync;

use super::screen::Screen;
use super::tag::ScreenId;
use super::view::SubmissionView;

/// Every screen of the app; the agenda and the schools are always there, the others once
/// opened.
#[derive(Default)]
pub struct Screens {
    pub agenda: agenda::AgendaScreen,
    pub schools: schools::SchoolsScreen,
    pub submission: Option<submission::SubmissionScreen>,
    pub diff: Option<diff::DiffScreen>,
    pub decision: Option<decision::DecisionScreen>,
    pub meeting: Option<meeting::MeetingScreen>,
    pub history: Option<history::HistoryScreen>,
    pub inbox: Option<inbox::InboxScreen>,
    pub live: Option<live::LiveScreen>,
}

impl Screens {
    /// The screen with this id, if it is open, and the submission open elsewhere for a form
    /// to read alongside. The one place a screen is found by its id.
    pub fn split(&mut self, id: ScreenId) -> (Option<&mut dyn Screen>, Option<&SubmissionView>) {
        let Screens {
            agenda,
            schools,
            submission,
            diff,
            decision,
            meeting,
            history,
            inbox,
            live,
        } = self;
        if id == ScreenId::Submission {
            return (submission.as_mut().map(|s| s as &mut dyn Screen), None);
        }
        let reading = submission.as_ref().and_then(|s| s.view());
        let screen: Option<&mut dyn Screen> = match id {
            ScreenId::Agenda => Some(agenda),
            ScreenId::Schools => Some(schools),
            ScreenId::Submission => None,
            ScreenId::Diff => diff.as_mut().map(|s| s as _),
            ScreenId::Decision => decision.as_mut().map(|s| s as _),
            ScreenId::Meeting => meeting.as_mut().map(|s| s as _),
            ScreenId::History => history.as_mut().map(|s| s as _),
            ScreenId::Inbox => inbox.as_mut().map(|s| s as _),
            ScreenId::Live => live.as_mut().map(|s| s as _),
        };
        (screen, reading)
    }

    pub fn get(&mut self, id: ScreenId) -> Option<&mut dyn Screen> {
        self.split(id).0
    }

    pub fn is_open(&self, id: ScreenId) -> bool {
        match id {
            ScreenId::Agenda | ScreenId::Schools => true,
            ScreenId::Submission => self.submission.is_some(),
            ScreenId::Diff => self.diff.is_some(),
            ScreenId::Decision => self.decision.is_some(),
            ScreenId::Meeting => self.meeting.is_some(),
            ScreenId::History => self.history.is_some(),
            ScreenId::Inbox => self.inbox.is_some(),
            ScreenId::Live => self.live.is_some(),
        }
    }

    /// Whether the screen with this id is open and needs time to pass while on show.
    pub fn ticks(&self, id: ScreenId) -> bool {
        match id {
            ScreenId::Inbox => self.inbox.as_ref().is_some_and(|s| s.ticks()),
            ScreenId::Live => self.live.is_some(),
            _ => false,
        }
    }

    /// Closes a screen that can be closed (the agenda and the schools stay).
    pub fn close(&mut self, id: ScreenId) {
        match id {
            ScreenId::Agenda | ScreenId::Schools => {}
            ScreenId::Submission => self.submission = None,
            ScreenId::Diff => self.diff = None,
            ScreenId::Decision => self.decision = None,
            ScreenId::Meeting => self.meeting = None,
            ScreenId::History => self.history = None,
            ScreenId::Inbox => self.inbox = None,
            ScreenId::Live => self.live = None,
        }
    }
}
