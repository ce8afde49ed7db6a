//! A panel decision: `decisions/<school-id>/<year>/<YYYY-MM-DD>-<kind>.ron` (SPEC §2.3).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::ids::{
    AcademicYear, AreaId, CriterionId, KindId, LevelId, MemberId, OutcomeId, SchoolId,
};

/// What the panel decided on a submission, by whom, and on exactly which version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    /// The date of the meeting that made the decision.
    pub meeting: Date,
    pub outcome: OutcomeId,
    #[serde(default)]
    pub areas: Vec<AreaJudgement>,
    /// Overall feedback to the school.
    pub feedback: String,
    #[serde(default)]
    pub conditions: Vec<Condition>,
    pub participants: Vec<MemberId>,
    pub recorder: MemberId,
    /// The git objects the decision was made on. Written by the tool when it records a decision.
    #[serde(default)]
    pub made_on: Option<SubmissionRef>,
    /// The repository path of an earlier decision this one corrects.
    #[serde(default)]
    pub supersedes: Option<String>,
    /// Why the panel awarded although an evidence or eligibility rule was not met.
    #[serde(default)]
    pub override_reason: Option<String>,
    /// Where the rubric grades: the grade the panel awards, on the rubric's self-assessment
    /// scale, confirmed from the school's scores or from the scores as the panel moderated them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<LevelId>,
    /// Criteria the panel scored differently from the school, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moderation: Option<Moderation>,
}

/// The panel's own scores for some criteria, replacing the school's, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Moderation {
    pub scores: std::collections::BTreeMap<CriterionId, u32>,
    pub reason: String,
}

/// The panel's judgement and feedback on one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaJudgement {
    pub area: AreaId,
    pub judgement: LevelId,
    #[serde(default)]
    pub feedback: String,
}

/// Something the school must do by a date for an award to stand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub text: String,
    pub due: Date,
}

/// The commit and blobs of the submission files a decision was made on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRef {
    pub commit: ObjectId,
    pub files: Vec<FileRef>,
}

/// One submission file and its blob id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileRef {
    pub path: String,
    pub blob: ObjectId,
}

/// A git object id written as hexadecimal (SHA-1 or SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ObjectId(String);

impl ObjectId {
    /// An id as git itself printed it; no need to check it again.
    pub(crate) fn from_git(hex: String) -> Self {
        Self(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first seven characters, as git shows them.
    pub fn short(&self) -> &str {
        &self.0[..7]
    }
}

impl TryFrom<String> for ObjectId {
    type Error = super::ids::IdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        let ok = (value.len() == 40 || value.len() == 64)
            && value
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if ok {
            Ok(Self(value))
        } else {
            Err(super::ids::IdError {
                kind: "git object id",
                value,
                expected: "40 (or 64) lower-case hexadecimal digits",
            })
        }
    }
}

impl std::str::FromStr for ObjectId {
    type Err = super::ids::IdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::try_from(s.to_owned())
    }
}

impl From<ObjectId> for String {
    fn from(id: ObjectId) -> String {
        id.0
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
