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
