//! A school's profile: `submissions/<school-id>/school.ron`.

use serde::{Deserialize, Serialize};

use super::ids::{RubricId, SchoolId};

/// Who a school is and whom the panel writes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct School {
    pub id: SchoolId,
    pub name: String,
    pub phase: Phase,
    /// The local partnership area (in Hertfordshire, one of the nine DSPL areas).
    pub dspl_area: String,
    #[serde(default)]
    pub town: String,
    /// The school's unique reference number, where it has one.
    #[serde(default)]
    pub urn: Option<String>,
    #[serde(default)]
    pub pupils: Option<u32>,
    /// The first contact is the school's main contact; submissions are committed in their name.
    pub contacts: Vec<Contact>,
    /// The framework the school works to, when not the panel's default.
    #[serde(default)]
    pub rubric: Option<RubricId>,
}

impl School {
    /// The contact who submits on the school's behalf.
    pub fn main_contact(&self) -> Option<&Contact> {
        self.contacts.first()
    }
}

/// A person at the school.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    pub role: String,
    pub email: String,
}

impl Contact {
    /// The contact as a commit author.
    pub fn identity(&self) -> super::panel::Identity {
        super::panel::Identity {
            name: self.name.clone(),
            email: self.email.clone(),
        }
    }
}

/// The kind of school or setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Phase {
    EarlyYears,
    Infant,
    Primary,
    Junior,
    Secondary,
    AllThrough,
    Special,
    EducationSupportCentre,
    SixthFormCollege,
    FurtherEducation,
}

impl Phase {
    /// Every phase, in the order a list offers them.
    pub const ALL: [Phase; 10] = [
        Phase::EarlyYears,
        Phase::Infant,
        Phase::Primary,
        Phase::Junior,
        Phase::Secondary,
        Phase::AllThrough,
        Phase::Special,
        Phase::EducationSupportCentre,
        Phase::SixthFormCollege,
        Phase::FurtherEducation,
    ];

    /// The phase a person named, by its label ("Early years setting") or its name in the
    /// files ("EarlyYears"), whatever the case.
    pub fn from_name(name: &str) -> Option<Phase> {
        let name = name.trim();
        Phase::ALL.into_iter().find(|p| {
            p.label().eq_ignore_ascii_case(name) || format!("{p:?}").eq_ignore_ascii_case(name)
        })
    }

    /// The phase as people say it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::EarlyYears => "Early years setting",
            Phase::Infant => "Infant",
            Phase::Primary => "Primary",
            Phase::Junior => "Junior",
            Phase::Secondary => "Secondary",
            Phase::AllThrough => "All-through",
            Phase::Special => "Special",
            Phase::EducationSupportCentre => "Education support centre",
            Phase::SixthFormCollege => "Sixth-form college",
            Phase::FurtherEducation => "Further education",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phase_is_found_by_its_label_or_its_name_in_any_case() {
        assert_eq!(
            Phase::from_name("early years setting"),
            Some(Phase::EarlyYears)
        );
        assert_eq!(Phase::from_name(" EARLYYEARS "), Some(Phase::EarlyYears));
        assert_eq!(
            Phase::from_name("Sixth-form college"),
            Some(Phase::SixthFormCollege)
        );
        assert_eq!(Phase::from_name("college"), None);
    }
}
