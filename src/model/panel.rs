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
    /// Whether every commit by a member must be signed with one of the member's keys.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub require_signatures: bool,
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
    /// The public SSH keys the member signs commits with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<MemberKey>,
}

/// A member's public SSH key, as `ssh-keygen` prints it (`ssh-ed25519 AAAA… comment`), and
/// the days it may sign on (both ends included; open where not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberKey {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<jiff::civil::Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<jiff::civil::Date>,
}

/// A public key as `ssh-keygen` prints it, without its comment: how keys are compared.
pub fn bare_key(key: &ssh_key::PublicKey) -> String {
    let mut bare = key.clone();
    bare.set_comment("");
    bare.to_openssh().unwrap_or_default().trim().to_owned()
}

impl MemberKey {
    /// The key itself, without its comment: what a signature names.
    pub fn public(&self) -> Option<ssh_key::PublicKey> {
        ssh_key::PublicKey::from_openssh(self.key.trim()).ok()
    }

    pub fn valid_on(&self, day: jiff::civil::Date) -> bool {
        self.from.is_none_or(|from| from <= day) && self.until.is_none_or(|until| day <= until)
    }
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

    /// The member with this email address (as a commit names its author).
    pub fn member_by_email(&self, email: &str) -> Option<&Member> {
        self.members
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email))
    }

    /// The member whose key this is (as `bare_key` writes it).
    pub fn member_with_key(&self, key: &str) -> Option<&Member> {
        self.members.iter().find(|m| {
            m.keys
                .iter()
                .any(|k| k.public().is_some_and(|p| bare_key(&p) == key))
        })
    }

    /// The members' keys as an OpenSSH allowed-signers file, so that `git verify-commit`
    /// and `git log --show-signature` judge signatures as kitemark does: each key for its
    /// member's email, for git's namespace, within its days.
    pub fn allowed_signers(&self) -> String {
        let mut out = String::from(
            "# Written by kitemark from panel.ron: the panel members' signing keys.\n",
        );
        for member in &self.members {
            for key in &member.keys {
                let Some(public) = key.public() else { continue };
                let mut options = vec!["namespaces=\"git\"".to_owned()];
                if let Some(from) = key.from {
                    options.push(format!("valid-after=\"{}\"", from.strftime("%Y%m%d")));
                }
                // A date alone means the start of that day: the day after `until` ends it.
                if let Some(next) = key.until.and_then(|u| u.tomorrow().ok()) {
                    options.push(format!("valid-before=\"{}\"", next.strftime("%Y%m%d")));
                }
                out.push_str(&format!(
                    "{} {} {}\n",
                    member.email,
                    options.join(","),
                    public.to_openssh().unwrap_or_default()
                ));
            }
        }
        out
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
