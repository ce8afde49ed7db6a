//! A school's yearly submission: `self-review.ron` and `action-plan.ron` (SPEC §2.2).

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::ids::{
    AcademicYear, ActionId, AreaId, CriterionId, LevelId, RubricId, SchoolId, StageId,
};

/// The school's reflection on each area of the rubric.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SelfReview {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub rubric: RubricId,
    pub rubric_version: String,
    pub submitted: Date,
    /// Name and role of the person who submitted it.
    pub submitted_by: String,
    /// The framework stage the school has reached, where the rubric has stages.
    #[serde(default)]
    pub stage: Option<StageId>,
    #[serde(default)]
    pub summary: String,
    pub areas: Vec<AreaReview>,
}

impl SelfReview {
    pub fn area(&self, id: &AreaId) -> Option<&AreaReview> {
        self.areas.iter().find(|a| &a.area == id)
    }

    /// The total of all scored criteria.
    pub fn total_score(&self) -> u32 {
        // Scores come from a file and may be anything: held at `u32::MAX` rather than
        // overflowing, which earns the same grade as the true total.
        self.areas
            .iter()
            .flat_map(|a| a.scores.values())
            .fold(0, |total, &points| total.saturating_add(points))
    }
}

/// The school's review of one area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaReview {
    pub area: AreaId,
    /// The school's self-assessment, on the rubric's self-assessment scale.
    pub level: LevelId,
    pub reflection: String,
    #[serde(default)]
    pub strengths: Vec<String>,
    #[serde(default)]
    pub gaps: Vec<String>,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// Points per scored criterion, where the rubric scores.
    #[serde(default)]
    pub scores: BTreeMap<CriterionId, u32>,
}

/// A piece of evidence the school offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub title: String,
    pub kind: EvidenceKind,
    #[serde(default)]
    pub note: String,
}

/// What sort of evidence it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum EvidenceKind {
    Policy,
    Plan,
    Minutes,
    Data,
    Survey,
    StudentVoice,
    ParentVoice,
    Training,
    Curriculum,
    Testimonial,
    Photo,
    Document,
    Other,
}

impl EvidenceKind {
    /// Every kind, in the order a list offers them.
    pub const ALL: [EvidenceKind; 13] = [
        EvidenceKind::Policy,
        EvidenceKind::Plan,
        EvidenceKind::Minutes,
        EvidenceKind::Data,
        EvidenceKind::Survey,
        EvidenceKind::StudentVoice,
        EvidenceKind::ParentVoice,
        EvidenceKind::Training,
        EvidenceKind::Curriculum,
        EvidenceKind::Testimonial,
        EvidenceKind::Photo,
        EvidenceKind::Document,
        EvidenceKind::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            EvidenceKind::Policy => "policy",
            EvidenceKind::Plan => "plan",
            EvidenceKind::Minutes => "minutes",
            EvidenceKind::Data => "data",
            EvidenceKind::Survey => "survey",
            EvidenceKind::StudentVoice => "student voice",
            EvidenceKind::ParentVoice => "parent voice",
            EvidenceKind::Training => "training",
            EvidenceKind::Curriculum => "curriculum",
            EvidenceKind::Testimonial => "testimonial",
            EvidenceKind::Photo => "photo",
            EvidenceKind::Document => "document",
            EvidenceKind::Other => "other",
        }
    }
}

/// The school's plan for the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionPlan {
    pub school: SchoolId,
    pub year: AcademicYear,
    /// When the plan was last brought up to date.
    pub updated: Date,
    pub actions: Vec<Action>,
}

impl ActionPlan {
    pub fn action(&self, id: &ActionId) -> Option<&Action> {
        self.actions.iter().find(|a| &a.id == id)
    }

    pub fn actions_in<'a>(&'a self, area: &'a AreaId) -> impl Iterator<Item = &'a Action> {
        self.actions.iter().filter(move |a| &a.area == area)
    }
}

/// One action of a plan. Its id stays the same from year to year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub id: ActionId,
    pub area: AreaId,
    pub text: String,
    /// The role responsible (for example "Mental health lead").
    pub owner: String,
    pub start: Date,
    pub due: Date,
    /// How the school will know the action has worked.
    pub success: String,
    pub status: ActionStatus,
    #[serde(default)]
    pub progress: String,
}

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ActionStatus {
    NotStarted,
    InProgress,
    Done,
    Dropped,
}

impl ActionStatus {
    /// Every status, in the order an action goes through them.
    pub const ALL: [ActionStatus; 4] = [
        ActionStatus::NotStarted,
        ActionStatus::InProgress,
        ActionStatus::Done,
        ActionStatus::Dropped,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ActionStatus::NotStarted => "not started",
            ActionStatus::InProgress => "in progress",
            ActionStatus::Done => "done",
            ActionStatus::Dropped => "dropped",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_of_huge_scores_does_not_overflow() {
        let area = |id: &str| AreaReview {
            area: id.parse().unwrap(),
            level: "effective".parse().unwrap(),
            reflection: String::new(),
            strengths: Vec::new(),
            gaps: Vec::new(),
            evidence: Vec::new(),
            scores: [("lm-1".parse().unwrap(), u32::MAX)].into(),
        };
        let review = SelfReview {
            school: "oak".parse().unwrap(),
            year: "2025-26".parse().unwrap(),
            rubric: "mini".parse().unwrap(),
            rubric_version: "1".into(),
            submitted: jiff::civil::date(2025, 10, 10),
            submitted_by: "Eve".into(),
            stage: None,
            summary: String::new(),
            areas: vec![area("leadership"), area("student-voice")],
        };
        assert_eq!(review.total_score(), u32::MAX);
    }
}
