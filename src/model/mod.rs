//! The domain: rubrics, schools, submissions, meetings, decisions and the panel, with their
//! validation rules. Pure values and functions; no I/O.

pub mod assign;
pub mod catalog;
pub mod condition;
pub mod decide;
pub mod decision;
pub mod draft;
pub mod enbloc;
pub mod format;
pub mod history;
pub mod ids;
pub mod json;
pub mod layout;
pub mod lifecycle;
pub mod live;
pub mod meeting;
pub mod message;
pub mod order;
pub mod panel;
pub mod problem;
pub mod proceedings;
pub mod review;
pub mod rubric;
pub mod rules;
pub mod school;
pub mod scores;
pub mod seal;
pub mod submission;
#[cfg(test)]
pub(crate) mod testing;
pub mod text;
pub mod validate;

pub use condition::{ConditionMet, ConditionState, ConditionStatus};
pub use decision::{
    AreaJudgement, Condition, Decision, FileRef, Moderation, ObjectId, SubmissionRef,
};
pub use ids::{
    AcademicYear, ActionId, AreaId, AwardId, CriterionId, IdError, KindId, LevelId, MemberId,
    OutcomeId, RubricId, RuleId, SchoolId, StageId,
};
pub use layout::{Classified, ConditionPath, DecisionPath, PanelPath, ReviewPath};
pub use meeting::{AgendaItem, Conflict, ConflictKind, ItemReaders, Meeting};
pub use panel::{Identity, Member, MemberKey, Panel, Quorum, Role};
pub use problem::{Position, Problem, Severity};
pub use proceedings::{ItemRun, Proceedings};
pub use review::{AreaNote, Review};
pub use rubric::Rubric;
pub use school::{Contact, Phase, School};
pub use submission::{
    Action, ActionPlan, ActionStatus, AreaReview, Evidence, EvidenceKind, SelfReview,
};
