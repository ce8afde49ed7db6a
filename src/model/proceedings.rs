//! How a meeting ran: `proceedings/<YYYY-MM-DD>.ron`, recorded by the chair when the meeting
//! closes.
//!
//! The meeting's file says who was there and what was on the agenda, and each decision says
//! what was decided; the proceedings say the rest that the minutes report: the order the items
//! were taken in, when each started and ended, who left the room for it and who came back,
//! which were taken together (en bloc), and the notes the scribe typed during discussion.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use super::ids::{AcademicYear, KindId, MemberId, SchoolId};
use super::meeting::AgendaItem;

/// The run of one meeting, item by item, in the order taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proceedings {
    pub meeting: Date,
    /// When the chair opened the meeting (the first item started).
    pub opened: Time,
    /// When the chair closed it.
    pub closed: Time,
    /// The items in the order they were taken.
    pub items: Vec<ItemRun>,
    /// The scribe's notes on the meeting as a whole.
    #[serde(default)]
    pub notes: String,
}

/// One agenda item as it was taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemRun {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub started: Time,
    pub ended: Time,
    /// Members present at the meeting who left the room as the item started.
    #[serde(default)]
    pub left: Vec<MemberId>,
    /// Members who came back into the room as the item started (they had left for the item
    /// before).
    #[serde(default)]
    pub returned: Vec<MemberId>,
    /// Taken together with the other en-bloc items, with one confirmation.
    #[serde(default)]
    pub en_bloc: bool,
    /// Whether the panel decided it (a deferred or withdrawn item is taken but not decided).
    #[serde(default)]
    pub decided: bool,
    /// The scribe's notes during discussion.
    #[serde(default)]
    pub notes: String,
}

impl ItemRun {
    pub fn item(&self) -> AgendaItem {
        AgendaItem {
            school: self.school.clone(),
            year: self.year,
            kind: self.kind.clone(),
        }
    }
}
