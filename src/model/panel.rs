//! The panel: `panel.ron` at the top of the repository.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::ids::{MemberId, RubricId, SchoolId};

/// The panel's name, members and rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    pub name: String,
    pub default_rubric: RubricId,
    pub quorum: Quorum,
    pub members: Vec<Member>,
}

/// How many members, and from how many agencies, must be present for a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quorum {
    pub min_present: u32,
    /// Distinct agency roles that must be represented among those present.
    #[serde(default)]
    pub min_agencies: u32,
}

/// A panel member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: MemberId,
    pub name: String,
    pub email: String,
    pub role: Role,
    #[serde(default)]
    pub organisation: String,
    /// Schools the member works for or with; the member is conflicted for them automatically.
    #[serde(default)]
    pub affiliations: Vec<SchoolId>,
    /// Administrators may commit submissions on a school's behalf.
    #[serde(default)]
    pub administrator: bool,
}

/// A person as git records them: a name and an email address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    pub email: String,
}

impl Member {
    /// The member as a commit author.
    pub fn identity(&self) -> Identity {
        Identity {
            name: self.name.clone(),
            email: self.email.clone(),
        }
    }
}

/// The agency a member represents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    PublicHealth,
    PublicHealthNursing,
    EducationalPsychology,
    SchoolRepresentative,
    SchoolImprovement,
    MentalHealthStrategicLead,
    Dspl,
    Other,
}

impl Role {
    /// The role as people say it.
    pub fn label(self) -> &'static str {
        match self {
            Role::PublicHealth => "Public Health",
            Role::PublicHealthNursing => "Public Health Nursing",
            Role::EducationalPsychology => "Educational Psychology",
            Role::SchoolRepresentative => "School representative",
            Role::SchoolImprovement => "School improvement",
            Role::MentalHealthStrategicLead => "Strategic Lead for Mental Health in Schools",
            Role::Dspl => "DSPL",
            Role::Other => "Other",
        }
    }
}

/// Why those present do not make a quorum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuorumShortfall {
    pub present: usize,
    pub agencies: usize,
    pub needed_present: u32,
    pub needed_agencies: u32,
}

impl std::fmt::Display for QuorumShortfall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "no quorum: {} member(s) from {} agency role(s) present; the panel needs {} member(s) from at least {} agency role(s)",
            self.present, self.agencies, self.needed_present, self.needed_agencies
        )
    }
}

impl Panel {
    pub fn member(&self, id: &MemberId) -> Option<&Member> {
        self.members.iter().find(|m| &m.id == id)
    }

    /// Members affiliated with a school.
    pub fn affiliated_with<'a>(&'a self, school: &'a SchoolId) -> impl Iterator<Item = &'a Member> {
        self.members
            .iter()
            .filter(move |m| m.affiliations.contains(school))
    }

    /// Whether the given members (unknown ids are ignored) make a quorum.
    pub fn quorum_check<'a>(
        &self,
        present: impl IntoIterator<Item = &'a MemberId>,
    ) -> Result<(), QuorumShortfall> {
        let members: BTreeSet<&MemberId> = present
            .into_iter()
            .filter(|id| self.member(id).is_some())
            .collect();
        let agencies: BTreeSet<Role> = members
            .iter()
            .filter_map(|id| self.member(id))
            .map(|m| m.role)
            .collect();
        if members.len() as u64 >= u64::from(self.quorum.min_present)
            && agencies.len() as u64 >= u64::from(self.quorum.min_agencies)
        {
            Ok(())
        } else {
            Err(QuorumShortfall {
                present: members.len(),
                agencies: agencies.len(),
                needed_present: self.quorum.min_present,
                needed_agencies: self.quorum.min_agencies,
            })
        }
    }
}
