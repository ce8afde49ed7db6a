//! A member's review of an agenda item, written before the meeting:
//! `reviews/<school-id>/<year>/<YYYY-MM-DD>-<kind>/<member-id>.ron`.
//!
//! The lead reviewer and the second reader read the application beforehand and say what they
//! would recommend, so the chair sees where the panel stands before discussion begins. A review
//! is its author's: committed by that member, changed only by them, and fixed once the meeting
//! has started (its day has come, or it has recorded a decision).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::ids::{AcademicYear, AreaId, KindId, MemberId, OutcomeId, SchoolId};
use super::meeting::AgendaItem;

/// One member's review of one item of a meeting's agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    /// The date of the meeting whose agenda holds the item.
    pub meeting: Date,
    pub reviewer: MemberId,
    /// The outcome the reviewer recommends, from the rubric's outcomes.
    pub recommendation: OutcomeId,
    /// What the reviewer would say to the panel overall.
    #[serde(default)]
    pub summary: String,
    /// A note on an area, where the reviewer has one.
    #[serde(default)]
    pub areas: Vec<AreaNote>,
    /// Questions for the school or for the panel.
    #[serde(default)]
    pub questions: Vec<String>,
}

impl Review {
    /// The agenda item the review is of.
    pub fn item(&self) -> AgendaItem {
        AgendaItem {
            school: self.school.clone(),
            year: self.year,
            kind: self.kind.clone(),
        }
    }

    /// Whether the review is of this item at this meeting.
    pub fn is_of(&self, meeting: Date, item: &AgendaItem) -> bool {
        self.meeting == meeting
            && self.school == item.school
            && self.year == item.year
            && self.kind == item.kind
    }
}

/// A reviewer's note on one area of the rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaNote {
    pub area: AreaId,
    pub note: String,
}
