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
    /// The items to decide, in the order the panel will take them (the discussion order,
    /// once the chair has settled it).
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub notes: String,
    /// The lead reviewer and second reader of each item, as the chair confirmed them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readers: Vec<ItemReaders>,
}

impl Meeting {
    pub fn is_present(&self, member: &MemberId) -> bool {
        self.present.contains(member)
    }

    /// The schools the meeting's record names: on its agenda, and in its declared conflicts.
    pub fn schools_named(&self) -> impl Iterator<Item = &SchoolId> {
        self.agenda
            .iter()
            .map(|i| &i.school)
            .chain(self.conflicts.iter().map(|c| &c.school))
    }

    /// The readers the chair confirmed for an item, if any.
    pub fn readers_of(&self, item: &AgendaItem) -> Option<&ItemReaders> {
        self.readers.iter().find(|r| r.is_of(item))
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

/// The lead reviewer and the second reader of one agenda item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemReaders {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub lead: MemberId,
    #[serde(default)]
    pub second: Option<MemberId>,
}

impl ItemReaders {
    pub fn is_of(&self, item: &AgendaItem) -> bool {
        self.school == item.school && self.year == item.year && self.kind == item.kind
    }

    /// The agenda item they read.
    pub fn item(&self) -> AgendaItem {
        AgendaItem {
            school: self.school.clone(),
            year: self.year,
            kind: self.kind.clone(),
        }
    }

    /// The lead, then the second reader.
    pub fn members(&self) -> impl Iterator<Item = &MemberId> {
        std::iter::once(&self.lead).chain(self.second.as_ref())
    }
}

/// `SCHOOL/YEAR/KIND`, as the commands take an item and messages name it.
impl std::fmt::Display for AgendaItem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}/{}", self.school, self.year, self.kind)
    }
}

/// How far `day` is from `today`, as people say it: "today", "tomorrow", "in 10 days",
/// "yesterday", "3 days ago".
pub fn days_from(today: Date, day: Date) -> String {
    let days = today.until(day).map_or(0, |s| s.get_days());
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        n if n > 1 => format!("in {n} days"),
        n => format!("{} days ago", -n),
    }
}

#[cfg(test)]
mod tests {
    use super::days_from;
    use jiff::civil::date;

    #[test]
    fn days_are_said_as_people_say_them() {
        let today = date(2026, 11, 22);
        assert_eq!(days_from(today, today), "today");
        assert_eq!(days_from(today, date(2026, 11, 23)), "tomorrow");
        assert_eq!(days_from(today, date(2026, 12, 2)), "in 10 days");
        assert_eq!(days_from(today, date(2026, 11, 21)), "yesterday");
        assert_eq!(days_from(today, date(2026, 11, 1)), "21 days ago");
        assert_eq!(
            days_from(date(2027, 12, 25), date(2028, 3, 1)),
            "in 67 days"
        );
    }
}
