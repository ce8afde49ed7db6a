//! The audit of a panel repository's history (SPEC §5): pure functions over the history's
//! records, each rule in [`rules`] tested with a history that breaks it and one that does not.
//! Every finding names its rule, the school and year, and the commit that shows it.

pub mod log;
pub mod push;
pub mod rules;
pub mod seals;
pub mod signatures;

use jiff::civil::Date;
use serde::Serialize;

use crate::model::history::Records;
use crate::model::{AcademicYear, ObjectId, SchoolId};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something the history should not hold: the audit fails.
    Error,
    /// Something an auditor should see that the rules allow, such as a recorded override.
    Note,
}

/// One thing the audit found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name for the rule.
    pub rule: &'static str,
    pub level: Level,
    pub school: Option<SchoolId>,
    pub year: Option<AcademicYear>,
    /// The commit that shows it.
    pub commit: ObjectId,
    /// The file concerned, where there is one.
    pub path: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// What a shallow clone kept the audit from checking: its history begins at a boundary
/// commit, and what came before is not in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shallow {
    /// The boundary commits the history reaches (the clone holds them, not their parents).
    pub boundary: Vec<ObjectId>,
    /// Decisions some rules could not check: those recorded before the boundary, and later
    /// ones whose self-review is not in the clone.
    pub decisions_not_fully_checked: usize,
    /// What could not be checked, one sentence each.
    pub not_checked: Vec<String>,
    /// How to fetch the rest of the history.
    pub deepen: String,
}

/// The audit's findings, and what a shallow clone kept it from checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub findings: Vec<Finding>,
    pub shallow: Option<Shallow>,
}

/// [`audit`], with [`shallow`].
pub fn report(records: &Records, today: Date) -> Report {
    Report {
        findings: audit(records, today),
        shallow: shallow(records),
    }
}

/// What the rules could not check because the history is a shallow clone's; `None` for a
/// complete history. (Each rule in [`rules`] says what it leaves out, and why.)
pub fn shallow(records: &Records) -> Option<Shallow> {
    let boundary: Vec<ObjectId> = records.boundary().map(|c| c.id.clone()).collect();
    if boundary.is_empty() {
        return None;
    }
    let edges = boundary
        .iter()
        .map(|b| b.short())
        .collect::<Vec<_>>()
        .join(", ");
    let before = records
        .decisions
        .iter()
        .filter(|d| d.before_boundary().is_some())
        .count();
    let evidence = records
        .decisions
        .iter()
        .filter(|d| rules::evidence_unchecked(records, d))
        .count();
    let made_on = records
        .decisions
        .iter()
        .filter(|d| rules::made_on_unchecked(d))
        .count();
    // A decision may miss both checks; count it once.
    let later = records
        .decisions
        .iter()
        .filter(|d| rules::evidence_unchecked(records, d) || rules::made_on_unchecked(d))
        .count();
    let mut not_checked = Vec::new();
    if before > 0 {
        not_checked.push(format!(
            "the {before} decision(s) already there at {edges} were recorded before this clone's history begins, so who committed them and when, and the meeting record, panel and rubric in force then, are not in it: their recorder and members, quorum, outcome and award rules (author-not-recorder, member-absent, member-conflicted, no-meeting-record, no-quorum, outcome-not-allowed, award-rule-unmet, decision-without-submission, review-after-expiry), what else their commits changed, their trailers and dates, and the commit each names as made on (decision-commit-not-alone, decision-trailers-disagree, decision-before-meeting, made-on-…), and the annual reviews of the awards they granted (review-overdue) were not checked"
        ));
    }
    not_checked.push(format!(
        "the commits before {edges}: who made them (not-a-member, submission-by-member, panel-changed-without-authority, rubric-changed-without-authority), when (commit-date-backwards), and what they changed, such as a decision file modified or deleted (decision-modified), a meeting's record changed after a decision cited it (meeting-changed-after-decision) or a submission changed after its decision (submission-changed-after-decision) before then"
    ));
    if evidence > 0 {
        not_checked.push(format!(
            "the evidence rules of {evidence} later decision(s), made on a self-review from before {edges} that the clone does not hold (award-rule-unmet)"
        ));
    }
    if made_on > 0 {
        not_checked.push(format!(
            "the submission commits that {made_on} later decision(s) name as made on, which the clone does not hold or cannot show to be ancestors of the decisions (made-on-unknown-commit, made-on-not-ancestor, made-on-wrong-files)"
        ));
    }
    Some(Shallow {
        boundary,
        decisions_not_fully_checked: before + later,
        not_checked,
        deepen: "git fetch --unshallow fetches the whole history (git fetch --deepen N fetches N more commits); then audit again".to_owned(),
    })
}

/// Every rule over the records, as of `today`, in the order of the history.
pub fn audit(records: &Records, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules::ALL {
        out.extend((rule.check)(records, today));
    }
    out.extend(signatures::check(records, today));
    out.extend(unreadable(records));
    // The order of the history, then the rule, so a report reads as a timeline.
    let position = |f: &Finding| records.position(&f.commit).unwrap_or(usize::MAX);
    out.sort_by(|a, b| {
        (position(a), a.rule, &a.path, &a.message).cmp(&(position(b), b.rule, &b.path, &b.message))
    });
    out.dedup();
    out
}

/// A file of the history the audit could not read: whatever it held went unjudged there, so
/// the history cannot be called clean.
fn unreadable(records: &Records) -> Vec<Finding> {
    records
        .unreadable_files
        .iter()
        .map(|u| Finding {
            rule: "unreadable-file",
            level: Level::Error,
            school: None,
            year: None,
            commit: u.commit.clone(),
            path: Some(u.path.clone()),
            message: format!(
                "{} could not be read, so the rules could not judge what it held there: {}",
                u.path, u.message
            ),
        })
        .collect()
}
