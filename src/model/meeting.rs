//! A panel meeting: `meetings/<YYYY-MM-DD>.ron` (SPEC §2.3).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::ids::{AcademicYear, KindId, MemberId, SchoolId};

/// Who met, who sent apologies, declared conflicts and the agenda.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub date: Date,
    pub chair: MemberId,
    #[serde(default)]
    pub location: String,
    pub present: Vec<MemberId>,
    #[serde(default)]
    pub apologies: Vec<MemberId>,
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub notes: String,
}

impl Meeting {
    pub fn is_present(&self, member: &MemberId) -> bool {
        self.present.contains(member)
    }

    /// Conflicts declared at this meeting by a member for a school.
    pub fn declared_conflict(&self, member: &MemberId, school: &SchoolId) -> Option<&Conflict> {
        self.conflicts
            .iter()
            .find(|c| &c.member == member && &c.school == school)
    }
}

/// A declared conflict of interest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    pub member: MemberId,
    pub school: SchoolId,
    pub kind: ConflictKind,
    pub reason: String,
}

/// The nature of a conflict of interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConflictKind {
    Institutional,
    ProfessionalInvolvement,
    Personal,
    Other,
}

impl ConflictKind {
    pub fn label(self) -> &'static str {
        match self {
            ConflictKind::Institutional => "institutional",
            ConflictKind::ProfessionalInvolvement => "professional involvement",
            ConflictKind::Personal => "personal",
            ConflictKind::Other => "other",
        }
    }
}

/// A submission the meeting will decide on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
}
