//! How a meeting ran: `proceedings/<YYYY-MM-DD>.ron`, recorded by the chair when the meeting
//! closes.
//!
//! The meeting's file says who was there and what was on the agenda, and each decision says
//! what was decided; the proceedings say the rest that the minutes report: the order the items
//! were taken in, when each started and ended, who left the room for it and who came back,
//! which were taken together (en bloc), and the notes the scribe typed during discussion.

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use super::decide::{At, Finding};
use super::ids::{AcademicYear, KindId, MemberId, SchoolId};
use super::meeting::{AgendaItem, Meeting};
use super::panel::Panel;

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

/// The rules of a meeting's proceedings, written once for `validate` and for recording: the
/// meeting is recorded, each item taken was on its agenda, and each member who left or came
/// back was in the room (recorded present, or before attendance is taken, expected; see
/// [`super::order::in_the_room`]). Each item and member is pointed at by its own mention.
pub fn proceedings_findings(
    panel: Option<&Panel>,
    meeting: Option<&Meeting>,
    proceedings: &Proceedings,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let Some(meeting) = meeting else {
        out.push(Finding {
            rule: "unknown-meeting",
            at: At::Field("meeting"),
            message: format!(
                "no meeting is recorded on {} (meetings/{}.ron)",
                proceedings.meeting, proceedings.meeting
            ),
        });
        return out;
    };
    let mut nth = BTreeMap::<&str, usize>::new();
    for run in &proceedings.items {
        let seen = nth.entry(run.school.as_str()).or_default();
        let at = *seen;
        *seen += 1;
        if !meeting.agenda.contains(&run.item()) {
            out.push(Finding {
                rule: "not-on-agenda",
                at: At::Value {
                    field: "school",
                    value: run.school.to_string(),
                    nth: at,
                },
                message: format!(
                    "{} is not on the agenda of the meeting of {}",
                    run.item(),
                    meeting.date
                ),
            });
        }
    }
    let in_the_room: Vec<&MemberId> = match panel {
        Some(panel) => super::order::in_the_room(panel, meeting),
        None => meeting.present.iter().collect(),
    };
    let mut named = BTreeMap::<(&'static str, &str), usize>::new();
    for run in &proceedings.items {
        let people = run
            .left
            .iter()
            .map(|m| ("left", m))
            .chain(run.returned.iter().map(|m| ("returned", m)));
        for (field, member) in people {
            let seen = named.entry((field, member.as_str())).or_default();
            let at = *seen;
            *seen += 1;
            if !in_the_room.contains(&member) {
                out.push(Finding {
                    rule: "not-present",
                    at: At::Value {
                        field,
                        value: member.to_string(),
                        nth: at,
                    },
                    message: format!(
                        "{member} is named as {} for {} but was not present at the meeting",
                        if field == "left" {
                            "leaving"
                        } else {
                            "returning"
                        },
                        run.school
                    ),
                });
            }
        }
    }
    out
}
