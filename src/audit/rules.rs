//! The audit's rules, one function each, over the history's records.
//!
//! In a shallow clone the history begins at a boundary commit, and the decisions already
//! there were recorded by commits the clone does not hold: who committed them, when, and
//! what the meeting record, panel and rubric said then are all beyond the boundary. A
//! finding names the commit that shows it, so no rule reports what only such a commit would
//! show, and none reads the boundary's files as if its author had written them: each rule
//! says below what it still checks about those decisions. Everything after the boundary is
//! checked as in a complete history, so a shallow clone's findings are among the whole
//! history's.

use std::collections::{BTreeSet, HashMap};

use jiff::civil::Date;

use super::{Finding, Level};
use crate::model::condition::{ConditionState, MetRecord, conditions};
use crate::model::decide::{
    NoQuorum, Part, Unable, quorum_problems, rubric_findings, unfit_members,
};
use crate::model::history::{
    ChangeKind, CommitInfo, Person, RecordedDecision, Records, SubmissionAt, under,
};
use crate::model::layout::{Classified, PanelPath, classify};
use crate::model::lifecycle::{AwardStatus, DecisionRecord, award_states};
use crate::model::rubric::{Effect, Lineage};
use crate::model::rules::{eligibility_checks, evidence_checks};
use crate::model::text::clean;
use crate::model::{AcademicYear, FileRef, Meeting, MemberId, ObjectId, Panel, SchoolId};

/// A rule of the audit.
pub struct Rule {
    /// The rule's name, as findings carry it (a rule may report under several names).
    pub id: &'static str,
    pub description: &'static str,
    pub check: fn(&Records, Date) -> Vec<Finding>,
}

/// Every rule, in the order SPEC §5 lists them.
pub const ALL: [Rule; 20] = [
    Rule {
        id: "submission-changed-after-decision",
        description: "a decision whose submission files differ from the submission's current version",
        check: submission_changed,
    },
    Rule {
        id: "decision-modified",
        description: "a decision file modified or deleted after its commit instead of superseded",
        check: decision_modified,
    },
    Rule {
        id: "condition-record-modified",
        description: "a record of a condition met modified or deleted after its commit",
        check: condition_record_modified,
    },
    Rule {
        id: "member-absent / member-conflicted",
        description: "a decision recorded by, or with the participation of, a member who was absent or conflicted",
        check: members_at_meeting,
    },
    Rule {
        id: "no-quorum",
        description: "a decision without a quorum at the meeting or among those taking part",
        check: quorum,
    },
    Rule {
        id: "not-a-member / submission-by-member / author-not-recorder",
        description: "commits under decisions/, meetings/ or conditions/ by someone not on the panel, under submissions/ by a member who is not an administrator, and decisions committed by someone other than their recorder",
        check: authorship,
    },
    Rule {
        id: "outcome-not-allowed",
        description: "an outcome the rubric does not allow for the decision's kind",
        check: outcome_allowed,
    },
    Rule {
        id: "award-rule-unmet / award-rule-overridden",
        description: "an award to a school that fails an evidence or eligibility rule (a recorded override is a note)",
        check: award_rules,
    },
    Rule {
        id: "grade-wrong",
        description: "a graded mark awarded or continued at another grade than the scores it was made on earn (the school's, as the panel moderated them)",
        check: grades,
    },
    Rule {
        id: "review-overdue / review-after-expiry",
        description: "an award past an annual review's due date without it, and a review accepted for an award that had expired",
        check: reviews,
    },
    Rule {
        id: "panel-changed-without-authority / rubric-changed-without-authority",
        description: "a change to panel.ron or rubrics/ by someone who was not an administrator of the panel as it stood before",
        check: authority,
    },
    Rule {
        id: "decision-commit-not-alone",
        description: "a decision's commit that changes anything but its own file",
        check: decision_commit_alone,
    },
    Rule {
        id: "meeting-changed-after-decision / meeting-amended-after-decision",
        description: "a meeting's record changed after a decision cited it (only its agenda, location or notes: a note)",
        check: meeting_changed,
    },
    Rule {
        id: "made-on-other-submission / made-on-unknown-commit / made-on-not-ancestor / made-on-wrong-files / submission-commit-wrong",
        description: "made_on naming another submission's files, a commit that does not exist or is not an ancestor, or other files than that commit holds; or naming (with the Submission-Commit trailer) a commit that did not change the submission's files",
        check: made_on,
    },
    Rule {
        id: "decision-trailers-disagree / decision-without-trailers",
        description: "a decision commit's trailers that disagree with its file (none at all: a note)",
        check: trailers,
    },
    Rule {
        id: "commit-date-backwards / decision-before-meeting",
        description: "commit dates that run backwards, and a decision committed before its meeting",
        check: dates,
    },
    Rule {
        id: "condition-overdue",
        description: "an award held with a condition past its due date and not recorded as met",
        check: conditions_overdue,
    },
    Rule {
        id: "review-by-conflicted",
        description: "a member's review of an agenda item by a member conflicted for the school (affiliated, or a conflict declared at the meeting)",
        check: review_by_conflicted,
    },
    Rule {
        id: "review-after-meeting-started",
        description: "a review added, changed or removed on or after its meeting's day, or after a decision of that meeting was committed",
        check: review_after_meeting_started,
    },
    Rule {
        id: "review-not-by-reviewer",
        description: "a review committed by someone other than the member it names as its reviewer",
        check: review_not_by_reviewer,
    },
];

fn finding(
    rule: &'static str,
    level: Level,
    d: &RecordedDecision,
    commit: &crate::model::ObjectId,
    message: String,
) -> Finding {
    Finding {
        rule,
        level,
        school: Some(d.decision.school.clone()),
        year: Some(d.decision.year),
        commit: commit.clone(),
        path: Some(d.path.clone()),
        message,
    }
}

/// The school and year a path belongs to, where it has them.
fn school_year(path: &str) -> (Option<SchoolId>, Option<AcademicYear>) {
    match classify(path) {
        Classified::File(PanelPath::Decision(d)) => (Some(d.school), Some(d.year)),
        Classified::File(PanelPath::ConditionMet(c)) => {
            (Some(c.decision.school), Some(c.decision.year))
        }
        Classified::File(
            PanelPath::SelfReview(school, year) | PanelPath::ActionPlan(school, year),
        ) => (Some(school), Some(year)),
        Classified::File(PanelPath::School(school)) => (Some(school), None),
        _ => (None, None),
    }
}

/// Paths that a later decision names as the one it corrects.
fn superseded(records: &Records) -> BTreeSet<&str> {
    records
        .decisions
        .iter()
        .filter_map(|d| d.decision.supersedes.as_deref())
        .collect()
}

fn effect(d: &RecordedDecision) -> Option<&Effect> {
    d.rubric
        .as_ref()
        .and_then(|r| r.outcome(&d.decision.kind, &d.decision.outcome))
        .map(|o| &o.effect)
}

/// What a message says of a boundary commit: where the history read begins. A served
/// repository's hook, whose history is cut where the push begins, says it its own way.
pub const HISTORY_BEGINS: &str = ", where this shallow clone's history begins";

/// Where a decision was recorded, for a message: " in <commit>", or, when that commit is
/// beyond a shallow clone's boundary, which boundary.
fn recorded(d: &RecordedDecision) -> String {
    match d.commit() {
        Some(commit) => format!(" in {}", commit.short()),
        None => format!(" before {}{HISTORY_BEGINS}", d.first_seen().short()),
    }
}

fn member_name(panel: Option<&Panel>, id: &MemberId) -> String {
    panel
        .and_then(|p| p.member(id))
        .map_or_else(|| id.to_string(), |m| format!("{} ({id})", clean(&m.name)))
}

/// A decision whose submission files have changed since (or that does not say which files it
/// was made on). A decision that asked for a resubmission expects the files to change, and a
/// corrected decision is replaced by its correction. A file `made_on` names that is not of
/// the decision's school and year, or that the commit it names does not hold, is left to the
/// made-on rules: it was never the version decided on.
///
/// Before a shallow clone's boundary: a decision that names no files is not reported (the
/// file at the boundary may not be as first recorded, and its commit is beyond the clone).
/// A changed file is reported only when every boundary holds the version the decision was
/// made on, so that the first change after them is the first since the decision; otherwise
/// it changed before a boundary, in a commit the clone does not hold. For the same reason,
/// in a shallow clone a change that no commit of the clone shows is not reported. Whether a
/// decision is corrected or asked for a resubmission is read from the decisions and rubric
/// at the boundary.
fn submission_changed(records: &Records, _today: Date) -> Vec<Finding> {
    let corrected = superseded(records);
    let mut out = Vec::new();
    for d in &records.decisions {
        let Some(made_on) = &d.decision.made_on else {
            let Some(commit) = d.commit() else { continue };
            out.push(finding(
                "decision-without-submission",
                Level::Error,
                d,
                commit,
                format!(
                    "{} does not record the commit and files of the submission it was made on",
                    d.path
                ),
            ));
            continue;
        };
        if corrected.contains(d.path.as_str()) || matches!(effect(d), Some(Effect::Resubmission)) {
            continue;
        }
        let since = records.position(d.first_seen()).map_or(0, |i| i + 1);
        for file in &made_on.files {
            if records.head_files.get(&file.path) == Some(&file.blob) {
                continue;
            }
            // A file that is not its submission's, or not what the commit it names holds,
            // was never decided on: the made-on rules report it, and nothing changed "since".
            if bogus(d, file) {
                continue;
            }
            if d.before_boundary().is_some()
                && records
                    .boundary()
                    .any(|b| b.held(&file.path) != Some(&file.blob))
            {
                continue;
            }
            // The first commit after the decision that changed the file shows it.
            let changed_by = records.commits[since.min(records.commits.len())..]
                .iter()
                .find(|c| c.changes.iter().any(|ch| ch.path == file.path));
            if changed_by.is_none() && records.boundary().next().is_some() {
                continue;
            }
            let commit = changed_by.map_or(&records.head_commit, |c| &c.id);
            let what = if records.head_files.contains_key(&file.path) {
                "has changed"
            } else {
                "has been removed"
            };
            let blobs = format!(
                "blob {} then, {} now",
                file.blob.short(),
                records
                    .head_files
                    .get(&file.path)
                    .map_or("none", |b| b.short())
            );
            // A school may revise a year's submission for a further decision (an additional
            // award, say): when the panel decided again on the current version, the change
            // was before it, and the finding is a note.
            let current = records.head_files.get(&file.path);
            let seen_by = records.decisions.iter().find(|later| {
                later.decision.school == d.decision.school
                    && later.decision.year == d.decision.year
                    && later.decision.made_on.as_ref().is_some_and(|m| {
                        m.files
                            .iter()
                            .any(|f| f.path == file.path && Some(&f.blob) == current)
                    })
            });
            match seen_by {
                Some(later) => out.push(finding(
                    "submission-revised-after-decision",
                    Level::Note,
                    d,
                    commit,
                    format!(
                        "{} {what} since {} was decided on it ({blobs}); the panel decided on the revised version in {} ({})",
                        file.path,
                        d.path,
                        later.path,
                        later.commit().map_or_else(
                            || format!("recorded before {}", later.first_seen().short()),
                            |c| c.short().to_owned()
                        )
                    ),
                )),
                None => out.push(finding(
                    "submission-changed-after-decision",
                    Level::Error,
                    d,
                    commit,
                    format!(
                        "{} {what} since {} was decided on it ({blobs})",
                        file.path, d.path
                    ),
                )),
            }
        }
    }
    out
}

/// A decision file changed or removed after it was recorded: a correction must be a new
/// decision that supersedes it.
///
/// In a shallow clone, a change after the boundary is reported as in a complete history
/// (the message says the decision was recorded before the boundary); one before it is in a
/// commit the clone does not hold, and the boundary itself changes nothing the clone knows.
fn decision_modified(records: &Records, _today: Date) -> Vec<Finding> {
    panel_record_modified(records, "decisions", "decision-modified", |path| {
        let recorded = records
            .decisions
            .iter()
            .find(|d| d.path == path)
            .map_or_else(String::new, recorded);
        format!("{recorded}; a correction must be a new decision that supersedes it")
    })
}

/// A record of a condition met changed or removed after it was recorded: like a decision,
/// it is the panel's record of what it saw, so it stands as committed.
fn condition_record_modified(records: &Records, _today: Date) -> Vec<Finding> {
    panel_record_modified(records, "conditions", "condition-record-modified", |_| {
        "; the record of a condition met stands as committed".to_owned()
    })
}

/// Every change or removal, after it was added, of a file under `dir`: records the panel
/// makes once and never edits. `tail` ends the message for the file at a path.
fn panel_record_modified(
    records: &Records,
    dir: &str,
    rule: &'static str,
    tail: impl Fn(&str) -> String,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for commit in &records.commits {
        for change in &commit.changes {
            if change.kind == ChangeKind::Added || !under(&change.path, dir) {
                continue;
            }
            let (school, year) = school_year(&change.path);
            let what = if change.kind == ChangeKind::Deleted {
                "deleted"
            } else {
                "modified"
            };
            out.push(Finding {
                rule,
                level: Level::Error,
                school,
                year,
                commit: commit.id.clone(),
                path: Some(change.path.clone()),
                message: format!(
                    "{} was {what} after it was recorded{}",
                    change.path,
                    tail(&change.path)
                ),
            });
        }
    }
    out
}

/// A condition of an award still held, past its due date on the audit's day with no record
/// that it was met. Reported at the commit of the decision that set it, so not for a
/// decision recorded before a shallow clone's boundary.
fn conditions_overdue(records: &Records, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (school, rubric, all) in by_school(records) {
        let lineage = records.head.lineage(rubric);
        // The awards held on the day: a condition set by a decision that granted one, or
        // accepted a review of one, is a condition of that award.
        let held: Vec<_> = award_states(lineage.clone(), &all, today)
            .into_iter()
            .filter(|s| s.status.is_held())
            .map(|s| s.award)
            .collect();
        let met: Vec<MetRecord> = records
            .head
            .conditions_met
            .iter()
            .map(|(path, met)| MetRecord { path, met })
            .collect();
        for c in conditions(&all, &met, today) {
            if c.state != ConditionState::Overdue {
                continue;
            }
            let Some((d, commit)) = records
                .decisions
                .iter()
                .find(|d| d.path == c.decision)
                .and_then(|d| Some((d, d.commit()?)))
            else {
                continue;
            };
            // In the terms of the framework the decision was made under; its award may be
            // one a later framework honours.
            let award = match lineage
                .rubric_for(&d.decision)
                .outcome(&d.decision.kind, &d.decision.outcome)
                .map(|o| &o.effect)
            {
                Some(Effect::Grant { award, .. } | Effect::ReviewAccepted { award }) => award,
                _ => continue,
            };
            if !held.iter().any(|h| lineage.same_award(h, award)) {
                continue;
            }
            out.push(finding(
                "condition-overdue",
                Level::Error,
                d,
                commit,
                format!(
                    "{school}: condition {} of {} was due on {} and is not recorded as met by {today}",
                    c.number, c.decision, c.due
                ),
            ));
        }
    }
    out
}

/// The recorder and everyone taking part must have been present and free of conflicts, by
/// the meeting's record when the decision was committed.
///
/// Not checked before a shallow clone's boundary: the meeting's record and the panel as they
/// were when the decision was committed, and that commit, are beyond the clone (the record
/// at the boundary may have been corrected since).
fn members_at_meeting(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let Some(commit) = d.commit() else { continue };
        let Some(meeting) = &d.meeting else {
            out.push(finding(
                "no-meeting-record",
                Level::Error,
                d,
                commit,
                format!(
                    "no record of the meeting on {} existed when {} was committed",
                    d.decision.meeting, d.path
                ),
            ));
            continue;
        };
        let panel = d.panel.as_deref();
        // The rule is recording's own (model::decide::unfit_members); the audit words it as
        // history.
        for unfit in unfit_members(panel, meeting, &d.decision) {
            let id = &unfit.member;
            let role = match unfit.part {
                Part::Recorder => "recorded",
                Part::Participant => "took part in",
            };
            match unfit.why {
                Unable::Absent { apologies } => {
                    let why = if apologies {
                        "sent apologies"
                    } else {
                        "is not recorded as present"
                    };
                    out.push(finding(
                        "member-absent",
                        Level::Error,
                        d,
                        commit,
                        format!(
                            "{} {role} {} but {why} at the meeting on {}",
                            member_name(panel, id),
                            d.path,
                            meeting.date
                        ),
                    ));
                }
                Unable::Conflicted(reason) => out.push(finding(
                    "member-conflicted",
                    Level::Error,
                    d,
                    commit,
                    format!(
                        "{} {role} {} but is conflicted for {} ({})",
                        member_name(panel, id),
                        d.path,
                        d.decision.school,
                        clean(&reason)
                    ),
                )),
            }
        }
    }
    out
}

/// A quorum present at the meeting and among those taking part, by the panel's rule when
/// the decision was committed.
///
/// Not checked before a shallow clone's boundary, for the reasons `members_at_meeting` gives.
fn quorum(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let (Some(commit), Some(meeting), Some(panel)) = (d.commit(), &d.meeting, &d.panel) else {
            continue;
        };
        // The rule is recording's own (model::decide::quorum_problems); the audit reports the
        // first way it fails.
        let message = match quorum_problems(panel, meeting, &d.decision)
            .into_iter()
            .next()
        {
            None => continue,
            Some(NoQuorum::NoAttendance) => format!(
                "{} was recorded when no attendance was recorded for the meeting on {}",
                d.path, meeting.date
            ),
            Some(NoQuorum::Meeting(short)) => {
                format!("{}: the meeting on {}: {short}", d.path, meeting.date)
            }
            Some(NoQuorum::Participants(short)) => {
                format!("{}: among those taking part: {short}", d.path)
            }
        };
        out.push(finding("no-quorum", Level::Error, d, commit, message));
    }
    out
}

/// Who may commit what: the panel's work by its members (a decision by its recorder), a
/// school's submission by the school, or by an administrator on its behalf, each by the
/// panel as it stood before the commit (for the commit that sets the panel up, the panel it
/// sets up).
///
/// In a shallow clone, commits after the boundary are checked against the panel in force at
/// each (the boundary's panel.ron, then its changes). The boundary's author is not taken
/// for the author of the files it holds, and decisions recorded before it have no author
/// the clone knows, so neither is checked.
fn authorship(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit) in records.commits.iter().enumerate() {
        if commit.is_boundary() {
            continue;
        }
        // The panel as it stood before the commit: a commit that adds someone to the panel
        // does not make its own author a member.
        let panel = records.panel_judging(i);
        let member = panel.and_then(|p| {
            p.members
                .iter()
                .find(|m| m.email.eq_ignore_ascii_case(&commit.author.email))
        });
        let author = format!(
            "{} <{}>",
            clean(&commit.author.name),
            clean(&commit.author.email)
        );
        let first = |prefix: &str| commit.changes.iter().find(|c| under(&c.path, prefix));
        for prefix in ["decisions", "meetings", "conditions", "reviews"] {
            if let (Some(change), None) = (first(prefix), member) {
                let (school, year) = school_year(&change.path);
                out.push(Finding {
                    rule: "not-a-member",
                    level: Level::Error,
                    school,
                    year,
                    commit: commit.id.clone(),
                    path: Some(change.path.clone()),
                    message: format!(
                        "{author} committed {} but is not a member of the panel",
                        change.path
                    ),
                });
            }
        }
        if let (Some(change), Some(m)) = (first("submissions"), member)
            && !m.administrator
        {
            let (school, year) = school_year(&change.path);
            out.push(Finding {
                rule: "submission-by-member",
                level: Level::Error,
                school,
                year,
                commit: commit.id.clone(),
                path: Some(change.path.clone()),
                message: format!(
                    "{} ({}) committed {}, a school's submission, but is a panel member and not an administrator",
                    clean(&m.name),
                    m.id,
                    change.path
                ),
            });
        }
    }
    for d in &records.decisions {
        let (Some(commit), Some(author)) = (d.commit(), d.author()) else {
            continue;
        };
        let Some(recorder) = d
            .panel
            .as_ref()
            .and_then(|p| p.member(&d.decision.recorder))
        else {
            continue;
        };
        if !recorder.email.eq_ignore_ascii_case(&author.email) {
            out.push(finding(
                "author-not-recorder",
                Level::Error,
                d,
                commit,
                format!(
                    "{} names {} as its recorder but was committed by {} <{}>",
                    d.path,
                    member_name(d.panel.as_deref(), &d.decision.recorder),
                    clean(&author.name),
                    clean(&author.email)
                ),
            ));
        }
    }
    out
}

/// The outcome must be one the rubric (as it was) allows for the kind.
///
/// Not checked before a shallow clone's boundary: the rubric as it was when the decision was
/// committed, and that commit, are beyond the clone.
fn outcome_allowed(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let Some(commit) = d.commit() else { continue };
        let message = match &d.rubric {
            None => format!(
                "the rubric of {} could not be read at the commit that recorded {}",
                d.decision.school, d.path
            ),
            // The rule is the validator's and recording's own (model::decide::rubric_findings).
            Some(rubric) => match rubric_findings(rubric, &d.decision)
                .into_iter()
                .find(|f| f.rule == "unknown-kind" || f.rule == "bad-outcome")
            {
                None => continue,
                Some(f) => format!("{}: {}", d.path, clean(&f.message)),
            },
        };
        out.push(finding(
            "outcome-not-allowed",
            Level::Error,
            d,
            commit,
            message,
        ));
    }
    out
}

/// The decisions of a school recorded before the one at `index`.
/// Each school with decisions, the rubric it follows now, and all its decisions in order:
/// what the rules on a school's awards over time (reviews, conditions) start from.
fn by_school(
    records: &Records,
) -> Vec<(&SchoolId, &crate::model::Rubric, Vec<DecisionRecord<'_>>)> {
    let schools: BTreeSet<&SchoolId> = records
        .decisions
        .iter()
        .map(|d| &d.decision.school)
        .collect();
    let positions = positions_by_school(records);
    schools
        .into_iter()
        .filter_map(|school| {
            let rubric = records.head.rubric_for_school(school)?;
            Some((
                school,
                rubric,
                earlier(records, &positions, records.decisions.len(), school),
            ))
        })
        .collect()
}

/// The position in the records of each school's decisions, in order: so that what a school
/// decided before each of its decisions is found without scanning every school's.
fn positions_by_school(records: &Records) -> HashMap<&SchoolId, Vec<usize>> {
    let mut out: HashMap<&SchoolId, Vec<usize>> = HashMap::new();
    for (i, d) in records.decisions.iter().enumerate() {
        out.entry(&d.decision.school).or_default().push(i);
    }
    out
}

/// The decisions of `school` recorded before the one at `index`.
fn earlier<'a>(
    records: &'a Records,
    schools: &HashMap<&SchoolId, Vec<usize>>,
    index: usize,
    school: &SchoolId,
) -> Vec<DecisionRecord<'a>> {
    let positions = schools.get(school).map(Vec::as_slice).unwrap_or_default();
    positions
        .iter()
        .take_while(|&&i| i < index)
        .filter_map(|&i| records.decisions.get(i))
        .map(|d| DecisionRecord {
            path: &d.path,
            decision: &d.decision,
        })
        .collect()
}

/// An award (or an accepted review) must meet the rubric's evidence rules, checked against
/// the self-review it was made on, and its eligibility rules on the meeting's date; a recorded
/// override reason turns the finding into a note.
///
/// In a shallow clone: not checked for a decision recorded before the boundary (the rubric
/// in force then, and the commit, are beyond the clone). For one after it, the evidence
/// rules are not checked when the self-review it was made on dates from before the boundary
/// and is not in the clone; the eligibility rules read the earlier decisions as the boundary
/// holds them.
fn award_rules(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let schools = positions_by_school(records);
    for (index, d) in records.decisions.iter().enumerate() {
        let (Some(commit), Some(rubric), Some(effect)) = (d.commit(), &d.rubric, effect(d)) else {
            continue;
        };
        if !matches!(effect, Effect::Grant { .. } | Effect::ReviewAccepted { .. }) {
            continue;
        }
        let kind = &d.decision.kind;
        let mut unmet = Vec::new();
        if rubric.evidence_rules_for(kind).next().is_some() && !review_beyond_boundary(records, d) {
            match &d.review {
                Some(review) => unmet.extend(
                    evidence_checks(rubric, kind, review)
                        .into_iter()
                        .filter(|c| !c.met)
                        .map(|c| format!("{}: {}", clean(&c.description), clean(&c.reason))),
                ),
                // A made_on that names another school's file, or one its commit does not
                // hold, is reported by the made-on rules; the file it names is not read.
                None if made_on_wrong(d) => {}
                None => unmet.push(
                    "the self-review it was made on cannot be read to check the evidence rules"
                        .to_owned(),
                ),
            }
        }
        let before = earlier(records, &schools, index, &d.decision.school);
        unmet.extend(
            eligibility_checks(
                Lineage::of(&records.head.rubrics, rubric),
                kind,
                &before,
                d.decision.meeting,
            )
            .into_iter()
            .filter(|c| !c.met)
            .map(|c| format!("{}: {}", clean(&c.description), clean(&c.reason))),
        );
        if unmet.is_empty() {
            continue;
        }
        let (rule, level, tail) = match &d.decision.override_reason {
            Some(reason) => (
                "award-rule-overridden",
                Level::Note,
                format!("; the panel recorded why: {}", clean(reason)),
            ),
            None => ("award-rule-unmet", Level::Error, String::new()),
        };
        out.push(finding(
            rule,
            level,
            d,
            commit,
            format!(
                "{} ({}) was recorded although {}{tail}",
                d.path,
                d.decision.outcome,
                unmet.join("; ")
            ),
        ));
    }
    out
}

/// A graded mark's grade is what the scores it was made on earn: a decision that states
/// another, or none, misleads the school and anyone who reads the record. Not checked where
/// the self-review cannot be read (the made-on rules say why) or lies beyond a shallow clone.
fn grades(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let (Some(commit), Some(rubric), Some(review)) = (d.commit(), &d.rubric, &d.review) else {
            continue;
        };
        if !crate::model::scores::needs_grade(rubric, &d.decision) {
            continue;
        }
        let Some(sheet) =
            crate::model::scores::score_sheet(rubric, review, d.decision.moderation.as_ref())
        else {
            continue;
        };
        if d.decision.grade == sheet.grade {
            continue;
        }
        let stated = d.decision.grade.as_ref().map_or_else(
            || "no grade".to_owned(),
            |g| format!("grade {:?}", clean(g.as_str())),
        );
        let moderated = if d.decision.moderation.is_some() {
            " as the panel moderated them"
        } else {
            ""
        };
        out.push(finding(
            "grade-wrong",
            Level::Error,
            d,
            commit,
            format!(
                "{} states {stated}, but the scores it was made on{moderated} total {}",
                d.path,
                sheet.headline()
            ),
        ));
    }
    out
}

/// Whether the self-review a decision was made on is one a shallow clone does not hold.
fn review_beyond_boundary(records: &Records, d: &RecordedDecision) -> bool {
    d.decision.made_on.as_ref().is_some_and(|m| {
        m.files.iter().any(|f| {
            f.path.ends_with("/self-review.ron") && records.beyond_boundary.contains(&f.blob)
        })
    })
}

/// Whether `award_rules` would check a decision's evidence rules but for a shallow clone
/// that does not hold the self-review it was made on.
pub(super) fn evidence_unchecked(records: &Records, d: &RecordedDecision) -> bool {
    let (Some(_), Some(rubric), Some(effect)) = (d.commit(), &d.rubric, effect(d)) else {
        return false;
    };
    matches!(effect, Effect::Grant { .. } | Effect::ReviewAccepted { .. })
        && rubric.evidence_rules_for(&d.decision.kind).next().is_some()
        && review_beyond_boundary(records, d)
}

/// Whether `made_on` would check a decision (recorded after a shallow clone's boundary) but
/// for a clone that does not hold the commit it names, or cannot show it to be an ancestor.
pub(super) fn made_on_unchecked(d: &RecordedDecision) -> bool {
    d.commit().is_some()
        && d.decision.made_on.is_some()
        && matches!(
            d.submission_at,
            None | Some(SubmissionAt::Found { ancestor: None, .. })
        )
}

/// Annual reviews: an award held past a review's due date without it, and a review accepted
/// for an award the school no longer held.
///
/// In a shallow clone the school's decisions are read as the boundary holds those recorded
/// before it. An overdue review is reported at the commit of the decision that granted the
/// award, so not for an award granted before the boundary; a review accepted before the
/// boundary is not checked (its rubric and commit are beyond the clone).
fn reviews(records: &Records, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let schools = positions_by_school(records);
    for (school, rubric, all) in by_school(records) {
        for state in award_states(records.head.lineage(rubric), &all, today) {
            if state.status != AwardStatus::ReviewOverdue {
                continue;
            }
            let Some((granted, commit)) = records
                .decisions
                .iter()
                .find(|d| d.path == state.granted_by)
                .and_then(|d| Some((d, d.commit()?)))
            else {
                continue;
            };
            let due = state
                .next_review_due
                .map_or_else(String::new, |d| format!(" was due on {d} and"));
            out.push(finding(
                "review-overdue",
                Level::Error,
                granted,
                commit,
                format!(
                    "{} of {school} (awarded on {}): the annual review{due} has not been accepted by {today}",
                    clean(&state.title),
                    state.awarded_on
                ),
            ));
        }
    }
    for (index, d) in records.decisions.iter().enumerate() {
        let (Some(commit), Some(rubric), Some(Effect::ReviewAccepted { award })) =
            (d.commit(), &d.rubric, effect(d))
        else {
            continue;
        };
        let before = earlier(records, &schools, index, &d.decision.school);
        // The award may be one of a framework this rubric replaced, honoured until it expires.
        let lineage = Lineage::of(&records.head.rubrics, rubric);
        let state = award_states(lineage.clone(), &before, d.decision.meeting)
            .into_iter()
            .find(|s| lineage.same_award(&s.award, award));
        let problem = match &state {
            None => Some("the school had never held it".to_owned()),
            Some(s) if s.status == AwardStatus::Expired => {
                Some(format!("it had expired on {}", s.expires))
            }
            Some(s) if s.status == AwardStatus::Withdrawn => Some(format!(
                "it had been withdrawn on {}",
                s.withdrawn_on.map_or_else(String::new, |w| w.to_string())
            )),
            _ => None,
        };
        if let Some(problem) = problem {
            out.push(finding(
                "review-after-expiry",
                Level::Error,
                d,
                commit,
                format!(
                    "{} accepted an annual review of {award} at the meeting on {}, but {problem}",
                    d.path, d.decision.meeting
                ),
            ));
        }
    }
    out
}

/// The commit that recorded a decision, where the history holds it.
fn recorded_in<'r>(records: &'r Records, d: &RecordedDecision) -> Option<&'r CommitInfo> {
    d.commit().and_then(|c| records.commit(c))
}

/// Whether `path` is one of the submission files of the decision's school and year.
fn own_file(d: &RecordedDecision, path: &str) -> bool {
    matches!(
        classify(path),
        Classified::File(PanelPath::SelfReview(school, year) | PanelPath::ActionPlan(school, year))
            if school == d.decision.school && year == d.decision.year
    )
}

/// Whether a file `made_on` names is one the decision cannot have been made on: not of its
/// school and year, or not what the commit named holds, or held by a commit off the
/// decision's line (as far as the repository can say).
fn bogus(d: &RecordedDecision, file: &FileRef) -> bool {
    !own_file(d, &file.path)
        || d.submission_at
            .as_ref()
            .is_some_and(|s| !s.vouches_for(&file.path, &file.blob))
}

/// Whether a decision's `made_on` names any file it cannot have been made on, or none at all
/// that its commit holds.
fn made_on_wrong(d: &RecordedDecision) -> bool {
    let Some(made_on) = &d.decision.made_on else {
        return false;
    };
    made_on.files.iter().any(|f| bogus(d, f))
        || matches!(&d.submission_at, Some(SubmissionAt::Found { files, .. })
            if files.iter().any(|f| !made_on.files.iter().any(|m| m.path == f.path)))
}

/// Whether `email` is an administrator's in `panel`.
fn administrator(panel: &Panel, email: &str) -> bool {
    panel
        .members
        .iter()
        .any(|m| m.administrator && m.email.eq_ignore_ascii_case(email))
}

/// Who someone is to the panel, for a message.
fn standing(panel: &Panel, person: &Person) -> String {
    let who = format!("{} <{}>", clean(&person.name), clean(&person.email));
    match panel
        .members
        .iter()
        .find(|m| m.email.eq_ignore_ascii_case(&person.email))
    {
        Some(m) => format!("{who}, a member ({}) but not an administrator", m.id),
        None => format!("{who}, not a member"),
    }
}

/// A list of paths for a message, the first few of a long one.
fn some_paths<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    const SHOWN: usize = 5;
    let all: Vec<&str> = paths.collect();
    let mut out = all
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if all.len() > SHOWN {
        out.push_str(&format!(" and {} more", all.len() - SHOWN));
    }
    out
}

/// panel.ron and rubrics/ are changed only by an administrator of the panel as it stood
/// before the change, who both wrote (author) and committed (committer) it. The commit that
/// sets the panel up, with no panel before it, is judged by nobody.
///
/// In a shallow clone the boundary changes nothing the clone knows, and a commit after it is
/// judged by the panel at the boundary, as in the whole history.
fn authority(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit) in records.commits.iter().enumerate() {
        if commit.is_boundary() {
            continue;
        }
        let Some(panel) = records.panel_before_commit(i) else {
            continue;
        };
        let by_author = !administrator(panel, &commit.author.email);
        let by_committer = !administrator(panel, &commit.committer.email);
        if !by_author && !by_committer {
            continue;
        }
        let who = if by_author {
            format!("by {}", standing(panel, &commit.author))
        } else {
            format!(
                "written by an administrator but committed by {}",
                standing(panel, &commit.committer)
            )
        };
        for (prefix, rule, look) in [
            (
                "panel.ron",
                "panel-changed-without-authority",
                "who was added, removed or given rights, and whether an administrator agreed; later commits by those it added are judged by the panel before it",
            ),
            (
                "rubrics",
                "rubric-changed-without-authority",
                "which outcomes, evidence or eligibility rules changed, and which decisions since were checked against them",
            ),
        ] {
            let changed: Vec<&str> = commit
                .changes
                .iter()
                .filter(|c| under(&c.path, prefix))
                .map(|c| c.path.as_str())
                .collect();
            let Some(first) = changed.first() else {
                continue;
            };
            out.push(Finding {
                rule,
                level: Level::Error,
                school: None,
                year: None,
                commit: commit.id.clone(),
                path: Some((*first).to_owned()),
                message: format!(
                    "{} was changed {who}, and only an administrator of the panel as it stood before may change it. Look at `git show {} -- {prefix}`: {look}",
                    some_paths(changed.iter().copied()),
                    commit.id.short()
                ),
            });
        }
    }
    out
}

/// A decision's commit holds its decision file and nothing else: what else it changed was
/// changed under the decision's name (the rules about the decision read the files as they
/// stood before it).
///
/// Not checked for a decision recorded before a shallow clone's boundary: its commit is
/// beyond the clone.
fn decision_commit_alone(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let Some(commit) = recorded_in(records, d) else {
            continue;
        };
        let others: Vec<&str> = commit
            .changes
            .iter()
            .map(|c| c.path.as_str())
            .filter(|p| *p != d.path)
            .chain(d.changed_elsewhere.iter().map(String::as_str))
            .collect();
        if others.is_empty() {
            continue;
        }
        out.push(finding(
            "decision-commit-not-alone",
            Level::Error,
            d,
            &commit.id,
            format!(
                "{} recorded {} and also changed {}; a decision's commit holds only its own file. Look at `git show --stat {}`: the other changes were made under the decision's name, and the audit judges the decision by the files as they stood before them",
                commit.id.short(),
                d.path,
                some_paths(others.into_iter()),
                commit.id.short()
            ),
        ));
    }
    out
}

/// What changed between two versions of a meeting's record, and whether any of it touches
/// who was there, who chaired or who was conflicted (or the date): what a decision's
/// legitimacy rests on.
fn meeting_differences(old: &Meeting, new: &Meeting, panel: Option<&Panel>) -> (bool, Vec<String>) {
    let names = |ids: Vec<&MemberId>| {
        ids.into_iter()
            .map(|id| member_name(panel, id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    fn gone<'m>(a: &'m [MemberId], b: &[MemberId]) -> Vec<&'m MemberId> {
        a.iter().filter(|m| !b.contains(m)).collect()
    }
    let mut serious = Vec::new();
    if old.date != new.date {
        serious.push(format!(
            "its date changed from {} to {}",
            old.date, new.date
        ));
    }
    if old.chair != new.chair {
        serious.push(format!(
            "the chair changed from {} to {}",
            member_name(panel, &old.chair),
            member_name(panel, &new.chair)
        ));
    }
    for (list, before, after) in [
        ("present", &old.present, &new.present),
        ("apologies", &old.apologies, &new.apologies),
    ] {
        let added = gone(after, before);
        if !added.is_empty() {
            serious.push(format!("added to {list}: {}", names(added)));
        }
        let removed = gone(before, after);
        if !removed.is_empty() {
            serious.push(format!("removed from {list}: {}", names(removed)));
        }
    }
    for c in &old.conflicts {
        match new.declared_conflict(&c.member, &c.school) {
            None => serious.push(format!(
                "the declared conflict of {} for {} ({}) was removed",
                member_name(panel, &c.member),
                c.school,
                clean(&c.reason)
            )),
            Some(now) if now != c => serious.push(format!(
                "the declared conflict of {} for {} was reworded",
                member_name(panel, &c.member),
                c.school
            )),
            Some(_) => {}
        }
    }
    for c in &new.conflicts {
        if old.declared_conflict(&c.member, &c.school).is_none() {
            serious.push(format!(
                "a conflict of {} for {} was declared ({})",
                member_name(panel, &c.member),
                c.school,
                clean(&c.reason)
            ));
        }
    }
    let important = !serious.is_empty();
    let mut minor = Vec::new();
    let item = |i: &crate::model::AgendaItem| i.to_string();
    let added: Vec<String> = new
        .agenda
        .iter()
        .filter(|i| !old.agenda.contains(i))
        .map(item)
        .collect();
    let removed: Vec<String> = old
        .agenda
        .iter()
        .filter(|i| !new.agenda.contains(i))
        .map(item)
        .collect();
    if !added.is_empty() {
        minor.push(format!("added to the agenda: {}", added.join(", ")));
    }
    if !removed.is_empty() {
        minor.push(format!("removed from the agenda: {}", removed.join(", ")));
    }
    if old.location != new.location {
        minor.push("the location changed".to_owned());
    }
    if old.notes != new.notes {
        minor.push("the notes changed".to_owned());
    }
    // Who reads an item ahead of the meeting does not change who decided it; the agenda's
    // order alone (the discussion order the chair settled) changes nothing at all.
    if old.readers != new.readers {
        minor.push("the readers changed".to_owned());
    }
    serious.extend(minor);
    (important, serious)
}

/// A meeting's record changed after a decision cited it: the minutes are written from the
/// record as it is now, while the audit judges each decision by the record as it stood when
/// the decision was recorded. A change to who was present, sent apologies, chaired or was
/// conflicted (or the file's removal) is an error; a change only to the agenda, location
/// or notes is a note.
///
/// In a shallow clone, a change after the boundary is reported as in the whole history, even
/// for a decision recorded before the boundary (the message says so).
fn meeting_changed(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit) in records.commits.iter().enumerate() {
        for change in &commit.changes {
            if change.kind == ChangeKind::Added || !under(&change.path, "meetings") {
                continue;
            }
            let Classified::File(PanelPath::Meeting(date)) = classify(&change.path) else {
                continue;
            };
            let citing = records.decisions.iter().filter(|d| {
                d.decision.meeting == date
                    && records.position(d.first_seen()).is_some_and(|at| at < i)
            });
            for d in citing {
                let version = |blob: &Option<ObjectId>| {
                    blob.as_ref().and_then(|b| records.meeting_versions.get(b))
                };
                let (important, what) =
                    match (change.kind, version(&change.old), version(&change.new)) {
                        (ChangeKind::Deleted, ..) => {
                            (true, vec!["the file was deleted".to_owned()])
                        }
                        (_, Some(old), Some(new)) => {
                            meeting_differences(old, new, d.panel.as_deref())
                        }
                        _ => (
                            true,
                            vec!["a version could not be read to say what changed".to_owned()],
                        ),
                    };
                if what.is_empty() {
                    continue;
                }
                let (rule, level) = if important {
                    ("meeting-changed-after-decision", Level::Error)
                } else {
                    ("meeting-amended-after-decision", Level::Note)
                };
                out.push(finding(
                    rule,
                    level,
                    d,
                    &commit.id,
                    format!(
                        "{} was changed after {} cited it (recorded{}): {}. The audit judges the decision by the meeting's record as it stood then. Look at `git show {} -- {}`, and at the minutes, which are written from the record as it is now",
                        change.path,
                        d.path,
                        recorded(d),
                        what.join("; "),
                        commit.id.short(),
                        change.path
                    ),
                ));
            }
        }
    }
    out
}

/// The submission a decision names as made on must be its own and real: files of its school
/// and year only (`made-on-other-submission`); a commit that exists
/// (`made-on-unknown-commit`), is an ancestor of the decision's commit
/// (`made-on-not-ancestor`) and holds exactly the files named, blob for blob
/// (`made-on-wrong-files`), and changed them: the commit that submitted them, which the
/// `Submission-Commit` trailer names too (`submission-commit-wrong`). The rules about the
/// submission are not run on files shown to be wrong.
///
/// Not checked for a decision recorded before a shallow clone's boundary, nor, in a shallow
/// clone, against a commit the clone does not hold or cannot show to be an ancestor.
fn made_on(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let (Some(commit), Some(made_on)) = (d.commit(), &d.decision.made_on) else {
            continue;
        };
        let at = made_on.commit.short();
        let not_run = "submission-changed-after-decision and the evidence rules were not run on the files it names";
        let others: Vec<&str> = made_on
            .files
            .iter()
            .map(|f| f.path.as_str())
            .filter(|p| !own_file(d, p))
            .collect();
        if !others.is_empty() {
            out.push(finding(
                "made-on-other-submission",
                Level::Error,
                d,
                commit,
                format!(
                    "{} says it was made on {}, which are not files of {} {}; {not_run}. Look at `git show {}`: which school's submission the panel actually saw",
                    d.path,
                    some_paths(others.into_iter()),
                    d.decision.school,
                    d.decision.year,
                    commit.short()
                ),
            ));
        }
        let school_files = format!("submissions/{}/{}", d.decision.school, d.decision.year);
        match &d.submission_at {
            None => {}
            Some(SubmissionAt::Missing) => out.push(finding(
                "made-on-unknown-commit",
                Level::Error,
                d,
                commit,
                format!(
                    "{} says it was made on commit {}, which is not in the repository; {not_run}. Look at `git log --oneline -- {school_files}` for the versions the school submitted, and at who wrote {}",
                    d.path, made_on.commit, d.path
                ),
            )),
            Some(SubmissionAt::Found {
                ancestor,
                files,
                changed,
            }) => {
                if *ancestor == Some(false) {
                    out.push(finding(
                        "made-on-not-ancestor",
                        Level::Error,
                        d,
                        commit,
                        format!(
                            "{} says it was made on commit {at}, which is not an ancestor of {}, the commit that recorded it: the panel cannot have decided on it, and {not_run}. Look at `git branch -a --contains {at}` and `git log --oneline -- {school_files}`",
                            d.path,
                            commit.short()
                        ),
                    ));
                }
                let mut wrong = Vec::new();
                for named in made_on.files.iter().filter(|f| own_file(d, &f.path)) {
                    match files.iter().find(|f| f.path == named.path) {
                        None => wrong.push(format!("{} is not in {at}", named.path)),
                        Some(there) if there.blob != named.blob => wrong.push(format!(
                            "it names blob {} for {}, but {at} holds blob {}",
                            named.blob.short(),
                            named.path,
                            there.blob.short()
                        )),
                        Some(_) => {}
                    }
                }
                for there in files {
                    if !made_on.files.iter().any(|f| f.path == there.path) {
                        wrong.push(format!("it leaves out {}, which {at} holds", there.path));
                    }
                }
                if wrong.is_empty() && *changed == Some(false) && *ancestor != Some(false) {
                    out.push(finding(
                        "submission-commit-wrong",
                        Level::Error,
                        d,
                        commit,
                        format!(
                            "{} (and its commit's Submission-Commit trailer) names {at} as the commit of the submission it was made on, but {at} did not change {} {}'s files: whoever follows it to see who submitted them, and when, is led to the wrong commit. Look at `git log -1 {at} -- {school_files}` for the commit that did",
                            d.path,
                            d.decision.school,
                            d.decision.year
                        ),
                    ));
                }
                if !wrong.is_empty() {
                    out.push(finding(
                        "made-on-wrong-files",
                        Level::Error,
                        d,
                        commit,
                        format!(
                            "{} says it was made on the files of {} {} in {at}, but {}; {not_run}. Look at `git ls-tree -r {at} {school_files}` beside the decision's made_on",
                            d.path,
                            d.decision.school,
                            d.decision.year,
                            wrong.join("; ")
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// The trailers of a decision's commit must say what its file says: each of `Outcome`,
/// `Meeting`, `School`, `Year`, `Kind`, `Recorder`, `Participants`, `Supersedes` and
/// `Submission-Commit` that the message has, and `Present` against the meeting's record the
/// decision was judged by. A trailer left out is not an error (a commit made by hand has
/// none); a commit with none at all is a note, since nothing in its message can be checked.
///
/// Not checked for a decision recorded before a shallow clone's boundary: its commit is
/// beyond the clone.
fn trailers(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let Some(commit) = recorded_in(records, d) else {
            continue;
        };
        if commit.trailers.is_empty() {
            out.push(finding(
                "decision-without-trailers",
                Level::Note,
                d,
                &commit.id,
                format!(
                    "{} recorded {} with no trailers (Outcome, Meeting, Participants, …): it was committed by hand, not by kitemark. Look at `git show {}` and check the file against the meeting's minutes",
                    commit.id.short(),
                    d.path,
                    commit.id.short()
                ),
            ));
            continue;
        }
        let wrong: Vec<String> = commit
            .trailers
            .iter()
            .filter_map(|(key, value)| {
                let (expected, said) = trailer_disagrees(d, key, value.trim())?;
                Some(format!(
                    "{key}: {} but {said} {}",
                    clean(value),
                    clean(&expected)
                ))
            })
            .collect();
        if wrong.is_empty() {
            continue;
        }
        out.push(finding(
            "decision-trailers-disagree",
            Level::Error,
            d,
            &commit.id,
            format!(
                "the message of {} disagrees with {}: {}. Look at `git show {}`: whoever reads the history by its trailers (git log, git interpret-trailers) is told something the decision does not say",
                commit.id.short(),
                d.path,
                wrong.join("; "),
                commit.id.short()
            ),
        ));
    }
    out
}

/// Whether lists of member ids, one as a trailer writes it, name the same members.
fn same_members<'a>(trailer: &str, ids: impl Iterator<Item = &'a MemberId>) -> bool {
    let mut said: Vec<&str> = trailer
        .split(',')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    let mut there: Vec<&str> = ids.map(MemberId::as_str).collect();
    for list in [&mut said, &mut there] {
        list.sort_unstable();
        list.dedup();
    }
    said == there
}

fn list(ids: &[MemberId]) -> String {
    ids.iter()
        .map(MemberId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a decision's file says where one of its commit's trailers says otherwise, and whose
/// word that is ("the file says", or the meeting's record's); `None` when they agree or the
/// trailer is not one kitemark writes about the decision. Compared without building text, as
/// most trailers agree.
fn trailer_disagrees(
    d: &RecordedDecision,
    key: &str,
    value: &str,
) -> Option<(String, &'static str)> {
    let decision = &d.decision;
    let file = "the file says";
    let is = |name: &str| key.eq_ignore_ascii_case(name);
    if is("Outcome") {
        (value != decision.outcome.as_str()).then(|| (decision.outcome.to_string(), file))
    } else if is("Meeting") {
        (value.parse::<Date>().ok() != Some(decision.meeting))
            .then(|| (decision.meeting.to_string(), file))
    } else if is("School") {
        (value != decision.school.as_str()).then(|| (decision.school.to_string(), file))
    } else if is("Year") {
        (value.parse::<AcademicYear>().ok() != Some(decision.year))
            .then(|| (decision.year.to_string(), file))
    } else if is("Kind") {
        (value != decision.kind.as_str()).then(|| (decision.kind.to_string(), file))
    } else if is("Recorder") {
        (value != decision.recorder.as_str()).then(|| (decision.recorder.to_string(), file))
    } else if is("Supersedes") {
        (decision.supersedes.as_deref() != Some(value)).then(|| {
            (
                decision
                    .supersedes
                    .clone()
                    .unwrap_or_else(|| "nothing".to_owned()),
                file,
            )
        })
    } else if is("Submission-Commit") {
        let named = decision.made_on.as_ref().map(|m| m.commit.as_str());
        (!named.is_some_and(|c| c.eq_ignore_ascii_case(value)))
            .then(|| (named.unwrap_or("no commit").to_owned(), file))
    } else if is("Participants") {
        (!same_members(value, decision.participants.iter()))
            .then(|| (list(&decision.participants), file))
    } else if is("Present") {
        let meeting = d.meeting.as_ref()?;
        (!same_members(value, meeting.present.iter()))
            .then(|| (list(&meeting.present), "the meeting's record said"))
    } else {
        None
    }
}

/// How far a commit may be dated before the one it follows: members' clocks disagree by
/// minutes, and a clock set to the wrong zone by an hour. The rules that rest on dates
/// (meetings, reviews, conditions) work in days, so an hour hides nothing they need.
const CLOCK_SLACK_SECONDS: i64 = 60 * 60;

/// Dates: a commit's committer date does not run backwards along its first-parent line (by
/// more than [`CLOCK_SLACK_SECONDS`]), and a decision is not committed, nor authored, on a
/// day before its meeting (a decision recorded for a meeting that had not yet been held).
///
/// The committer date is when the commit entered this history; the author date is kept by a
/// rebase or cherry-pick and may rightly be older than the parent's, so it is not compared
/// along the line. A decision's days are those of the commit's own offset, where its
/// recorder was: a member recording late on the meeting's evening, or far to the east, is not
/// taken for a day early (a forged offset can gain a day at most).
///
/// In a shallow clone, a commit is compared only with the commits the clone holds (the
/// boundary's own date included), and a decision before the boundary not at all.
fn dates(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for commit in &records.commits {
        // A merge that brings nothing of its own is not judged by its date.
        if commit.is_boundary() || commit.changes.is_empty() {
            continue;
        }
        let Some((newest, when)) = &commit.follows else {
            continue;
        };
        let gap = when.timestamp().as_second() - commit.committer.time.timestamp().as_second();
        if gap <= CLOCK_SLACK_SECONDS {
            continue;
        }
        let (school, year) = commit
            .changes
            .first()
            .map_or((None, None), |c| school_year(&c.path));
        out.push(Finding {
            rule: "commit-date-backwards",
            level: Level::Error,
            school,
            year,
            commit: commit.id.clone(),
            path: commit.changes.first().map(|c| c.path.clone()),
            message: format!(
                "{} is dated {}, before {} on its first-parent line, dated {}: the history's dates run backwards. Look at `git log --first-parent --format='%h %ci %cn %s' {}~1..{}`: a commit made with a wrong clock, or one dated back on purpose",
                commit.id.short(),
                commit.committer.time.strftime("%Y-%m-%d %H:%M %:z"),
                newest.short(),
                when.strftime("%Y-%m-%d %H:%M %:z"),
                newest.short(),
                commit.id.short()
            ),
        });
    }
    for d in &records.decisions {
        let Some(commit) = recorded_in(records, d) else {
            continue;
        };
        let meeting = d.decision.meeting;
        let early: Vec<String> = [
            ("committed", &commit.committer),
            ("authored", &commit.author),
        ]
        .into_iter()
        .filter(|(_, who)| who.date() < meeting)
        .map(|(what, who)| format!("{what} on {}", who.date()))
        .collect();
        if early.is_empty() {
            continue;
        }
        out.push(finding(
            "decision-before-meeting",
            Level::Error,
            d,
            &commit.id,
            format!(
                "{} is for the meeting on {meeting}, but {} was {}, before the meeting was held. Look at whether the meeting took place and when the panel really decided: a decision recorded ahead of its meeting was not the meeting's",
                d.path,
                commit.id.short(),
                early.join(" and ")
            ),
        ));
    }
    out
}

/// Each change of a review's file by a commit the history holds, with the commit's place,
/// the commit, the change and the review's path. A review's path names its school, year,
/// meeting, kind and reviewer, and `validate` holds its file to them.
fn review_changes(
    records: &Records,
) -> impl Iterator<
    Item = (
        usize,
        &CommitInfo,
        &crate::model::history::FileChange,
        crate::model::ReviewPath,
    ),
> {
    records
        .commits
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.is_boundary())
        .flat_map(|(i, c)| c.changes.iter().map(move |ch| (i, c, ch)))
        .filter_map(|(i, c, ch)| match classify(&ch.path) {
            Classified::File(PanelPath::Review(r)) => Some((i, c, ch, r)),
            _ => None,
        })
}

fn review_finding(
    rule: &'static str,
    commit: &CommitInfo,
    path: &crate::model::ReviewPath,
    file: &str,
    message: String,
) -> Finding {
    Finding {
        rule,
        level: Level::Error,
        school: Some(path.school.clone()),
        year: Some(path.year),
        commit: commit.id.clone(),
        path: Some(file.to_owned()),
        message,
    }
}

/// A review written by a member conflicted for the school: affiliated with it in the panel
/// as it stood at the commit, or with a conflict declared in the meeting's record. A member
/// who may not take part in the decision does not steer it beforehand either.
fn review_by_conflicted(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit, change, path) in review_changes(records) {
        if change.kind == ChangeKind::Deleted {
            continue;
        }
        let Some(panel) = records.panel_judging(i) else {
            continue;
        };
        let meeting = records.head.meetings.get(&path.meeting);
        let conflicted = crate::model::decide::conflicts(panel, meeting, &path.school);
        if let Some(c) = conflicted.iter().find(|c| c.member == path.member) {
            out.push(review_finding(
                "review-by-conflicted",
                commit,
                &path,
                &change.path,
                format!(
                    "{} reviews {} but is conflicted for it ({})",
                    member_name(Some(panel), &path.member),
                    path.school,
                    clean(&c.reason)
                ),
            ));
        }
    }
    out
}

/// A review added, changed or removed once its meeting had started: committed (or
/// authored) on or after the meeting's day, or after a decision of that meeting was
/// committed. What the readers said before the meeting stands as they said it.
fn review_after_meeting_started(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit, change, path) in review_changes(records) {
        let late: Vec<String> = [
            ("committed", &commit.committer),
            ("authored", &commit.author),
        ]
        .into_iter()
        .filter(|(_, who)| who.date() >= path.meeting)
        .map(|(what, who)| format!("{what} on {}", who.date()))
        .collect();
        let decided = records.decisions.iter().find(|d| {
            d.decision.meeting == path.meeting
                && d.commit()
                    .and_then(|c| records.position(c))
                    .is_some_and(|at| at < i)
        });
        let why = match (late.is_empty(), decided) {
            (false, _) => format!(
                "{}, when the meeting of {} had begun",
                late.join(" and "),
                path.meeting
            ),
            (true, Some(d)) => format!(
                "committed after {} was decided at the meeting of {}{}",
                d.path,
                path.meeting,
                recorded(d)
            ),
            (true, None) => continue,
        };
        let what = match change.kind {
            ChangeKind::Added => "added",
            ChangeKind::Modified => "changed",
            ChangeKind::Deleted => "removed",
        };
        out.push(review_finding(
            "review-after-meeting-started",
            commit,
            &path,
            &change.path,
            format!(
                "{} was {what} in {}, {why}; reviews are written before the meeting",
                change.path,
                commit.id.short()
            ),
        ));
    }
    out
}

/// A review committed by anyone but its reviewer (by email, in the panel as it stood at the
/// commit), as a decision must be committed by its recorder.
fn review_not_by_reviewer(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit, change, path) in review_changes(records) {
        if change.kind == ChangeKind::Deleted {
            continue;
        }
        let Some(reviewer) = records
            .panel_judging(i)
            .and_then(|p| p.member(&path.member))
        else {
            continue;
        };
        if !reviewer.email.eq_ignore_ascii_case(&commit.author.email) {
            out.push(review_finding(
                "review-not-by-reviewer",
                commit,
                &path,
                &change.path,
                format!(
                    "{} is {}'s review but was committed by {} <{}>",
                    change.path,
                    member_name(records.panel_judging(i), &path.member),
                    clean(&commit.author.name),
                    clean(&commit.author.email)
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Each rule against a small history that keeps every rule (the baseline audits clean),
    //! and against that history broken in the one way the rule is about.

    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::audit::audit;
    use crate::model::catalog::Catalog;
    use crate::model::format::from_ron;
    use crate::model::history::{CommitInfo, FileAt, FileChange, Origin, Person, SubmissionAt};
    use crate::model::{Decision, Meeting, ObjectId, Rubric, SelfReview};

    const DECISION: &str = "decisions/oak/2025-26/2025-11-12-initial.ron";
    const REVIEW: &str = "submissions/oak/2025-26/self-review.ron";
    const PLAN: &str = "submissions/oak/2025-26/action-plan.ron";

    fn id(n: u32) -> ObjectId {
        format!("{n:040x}").try_into().unwrap()
    }

    fn person(name: &str, email: &str) -> Person {
        Person {
            name: name.into(),
            email: email.into(),
            time: "2025-11-12T10:00:00+00:00[UTC]".parse().unwrap(),
        }
    }

    fn change(path: &str, kind: ChangeKind, old: Option<u32>, new: Option<u32>) -> FileChange {
        FileChange {
            path: path.into(),
            kind,
            old: old.map(id),
            new: new.map(id),
        }
    }

    fn commit(n: u32, author: Person, changes: Vec<FileChange>) -> CommitInfo {
        CommitInfo {
            id: id(n),
            parents: if n > 1 { vec![id(n - 1)] } else { vec![] },
            committer: author.clone(),
            author,
            summary: String::new(),
            trailers: Vec::new(),
            changes,
            boundary: None,
            signature: None,
            follows: None,
        }
    }

    /// The trailers kitemark writes for the baseline's decision (all of them, or those that
    /// say which decision it is, so that breaking the file in one way breaks one rule).
    fn decision_trailers(all: bool) -> Vec<(String, String)> {
        let mut out = vec![
            ("School", "oak".to_owned()),
            ("Year", "2025-26".to_owned()),
            ("Recorder", "nurse".to_owned()),
        ];
        if all {
            out.extend([
                ("Outcome", "awarded".to_owned()),
                ("Meeting", "2025-11-12".to_owned()),
                ("Kind", "initial".to_owned()),
                ("Present", "chair, nurse, psych, head".to_owned()),
                ("Participants", "psych, chair, nurse".to_owned()),
                ("Submission-Commit", id(2).to_string()),
            ]);
        }
        out.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    }

    fn panel() -> Panel {
        from_ron(include_str!("../../tests/fixtures/base/panel.ron")).unwrap()
    }

    fn rubric() -> Rubric {
        from_ron(include_str!("../../tests/fixtures/base/rubrics/mini.ron")).unwrap()
    }

    fn meeting() -> Meeting {
        from_ron(include_str!(
            "../../tests/fixtures/base/meetings/2025-11-12.ron"
        ))
        .unwrap()
    }

    fn review() -> SelfReview {
        from_ron(include_str!(
            "../../tests/fixtures/base/submissions/oak/2025-26/self-review.ron"
        ))
        .unwrap()
    }

    fn decision() -> Decision {
        let mut d: Decision = from_ron(include_str!(
            "../../tests/fixtures/base/decisions/oak/2025-26/2025-11-12-initial.ron"
        ))
        .unwrap();
        let made_on = d.made_on.as_mut().unwrap();
        made_on.commit = id(2);
        made_on.files = vec![
            crate::model::FileRef {
                path: REVIEW.into(),
                blob: id(21),
            },
            crate::model::FileRef {
                path: PLAN.into(),
                blob: id(22),
            },
        ];
        d
    }

    fn nurse() -> Person {
        person("Ben Nurse", "ben@panel.example.org")
    }

    /// Setup by the chair, the school's submission, the meeting, then the decision recorded
    /// by its recorder.
    fn baseline() -> Records {
        let chair = person("Ada Chair", "ada@panel.example.org");
        let commits = vec![
            commit(
                1,
                chair.clone(),
                vec![
                    change("panel.ron", ChangeKind::Added, None, Some(11)),
                    change("rubrics/mini.ron", ChangeKind::Added, None, Some(12)),
                ],
            ),
            commit(
                2,
                person("Eve Lead", "eve@oak.example.sch.uk"),
                vec![
                    change(REVIEW, ChangeKind::Added, None, Some(21)),
                    change(PLAN, ChangeKind::Added, None, Some(22)),
                ],
            ),
            commit(
                3,
                chair,
                vec![change(
                    "meetings/2025-11-12.ron",
                    ChangeKind::Added,
                    None,
                    Some(31),
                )],
            ),
            commit(
                4,
                nurse(),
                vec![change(DECISION, ChangeKind::Added, None, Some(41))],
            ),
        ];
        let mut commits = commits;
        commits[3].trailers = decision_trailers(false);
        let decision = decision();
        let mut head = Catalog {
            panel: panel(),
            rubrics: BTreeMap::from([(rubric().id.clone(), rubric())]),
            schools: BTreeMap::new(),
            years: BTreeMap::from([("oak".parse().unwrap(), vec!["2025-26".parse().unwrap()])]),
            meetings: BTreeMap::from([(meeting().date, meeting())]),
            decisions: vec![(DECISION.into(), decision.clone())],
            conditions_met: Vec::new(),
            reviews: Vec::new(),
            proceedings: Default::default(),
        };
        head.meetings.insert(meeting().date, meeting());
        Records {
            panel_at: vec![Some(0); commits.len()],
            // The first commit sets the panel up.
            panel_before: [None, Some(0), Some(0), Some(0)].into(),
            meeting_versions: Default::default(),
            commits,
            panels: vec![panel().into()],
            decisions: vec![RecordedDecision {
                path: DECISION.into(),
                origin: Origin::Commit {
                    id: id(4),
                    author: nurse(),
                },
                decision,
                meeting: Some(meeting().into()),
                panel: Some(panel().into()),
                rubric: Some(rubric().into()),
                review: Some(review().into()),
                submission_at: Some(SubmissionAt::Found {
                    ancestor: Some(true),
                    changed: Some(true),
                    files: vec![
                        FileAt {
                            path: REVIEW.into(),
                            blob: id(21),
                        },
                        FileAt {
                            path: PLAN.into(),
                            blob: id(22),
                        },
                    ],
                }),
                changed_elsewhere: Vec::new(),
            }],
            head_files: BTreeMap::from([(REVIEW.into(), id(21)), (PLAN.into(), id(22))]),
            head: head.into(),
            head_commit: id(4),
            unreadable: Vec::new(),
            unreadable_files: Vec::new(),
            beyond_boundary: Default::default(),
            positions: Default::default(),
        }
    }

    fn today() -> Date {
        jiff::civil::date(2026, 1, 1)
    }

    /// The rules the audit reports (errors and notes), in order.
    fn rules_of(records: &Records) -> Vec<(&'static str, Level, String)> {
        audit(records, today())
            .into_iter()
            .map(|f| (f.rule, f.level, f.commit.short().to_owned()))
            .collect()
    }

    fn push(records: &mut Records, author: Person, changes: Vec<FileChange>) -> ObjectId {
        let n = u32::try_from(records.commits.len()).unwrap() + 1;
        records.commits.push(commit(n, author, changes));
        records.panel_at.push(Some(0));
        records.panel_before.push(Some(0));
        records.head_commit = id(n);
        id(n)
    }

    #[test]
    fn the_baseline_is_clean() {
        assert_eq!(rules_of(&baseline()), vec![]);
    }

    #[test]
    fn a_submission_changed_after_its_decision() {
        let mut r = baseline();
        let changed = push(
            &mut r,
            person("Eve Lead", "eve@oak.example.sch.uk"),
            vec![change(PLAN, ChangeKind::Modified, Some(22), Some(23))],
        );
        r.head_files.insert(PLAN.into(), id(23));
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "submission-changed-after-decision");
        assert_eq!(found[0].commit, changed);
        assert!(found[0].message.contains("action-plan.ron has changed"));

        // Revised and decided on again: a note, not an error.
        let mut later = r.decisions[0].clone();
        later.path = "decisions/oak/2025-26/2026-01-01-extra.ron".into();
        later.origin = Origin::Commit {
            id: id(99),
            author: nurse(),
        };
        later.decision.made_on.as_mut().unwrap().files[1].blob = id(23);
        r.decisions.push(later);
        assert!(
            audit(&r, today())
                .iter()
                .any(|f| f.rule == "submission-revised-after-decision" && f.level == Level::Note)
        );

        // A decision that asked for a resubmission expects the change.
        let mut r = baseline();
        r.decisions[0].decision.outcome = "resubmission-requested".parse().unwrap();
        r.head_files.insert(PLAN.into(), id(23));
        assert_eq!(rules_of(&r), vec![]);
    }

    #[test]
    fn a_decision_without_the_submission_it_was_made_on() {
        let mut r = baseline();
        r.decisions[0].decision.made_on = None;
        assert_eq!(
            rules_of(&r),
            vec![(
                "decision-without-submission",
                Level::Error,
                id(4).short().to_owned()
            )]
        );
    }

    #[test]
    fn a_decision_file_edited_in_place_or_deleted() {
        let mut r = baseline();
        let edited = push(
            &mut r,
            nurse(),
            vec![change(DECISION, ChangeKind::Modified, Some(41), Some(42))],
        );
        let deleted = push(
            &mut r,
            nurse(),
            vec![change(DECISION, ChangeKind::Deleted, Some(42), None)],
        );
        assert_eq!(
            rules_of(&r),
            vec![
                ("decision-modified", Level::Error, edited.short().to_owned()),
                (
                    "decision-modified",
                    Level::Error,
                    deleted.short().to_owned()
                ),
            ]
        );
    }

    #[test]
    fn an_absent_or_conflicted_member() {
        let mut r = baseline();
        r.decisions[0]
            .decision
            .participants
            .push("head".parse().unwrap());
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "member-conflicted");
        assert!(found[0].message.contains("Dan Head (head) took part in"));

        let mut r = baseline();
        let meeting = r.decisions[0].meeting.as_mut().map(Arc::make_mut).unwrap();
        meeting.present.retain(|m| m != "nurse");
        meeting.apologies.push("nurse".parse().unwrap());
        let found = audit(&r, today());
        assert!(
            found.iter().any(|f| f.rule == "member-absent"
                && f.message.contains("Ben Nurse (nurse) recorded")
                && f.message.contains("sent apologies")),
            "{found:?}"
        );

        let mut r = baseline();
        r.decisions[0].meeting = None;
        assert_eq!(rules_of(&r)[0].0, "no-meeting-record");
    }

    #[test]
    fn a_decision_without_quorum() {
        let mut r = baseline();
        r.decisions[0].decision.participants =
            vec!["chair".parse().unwrap(), "nurse".parse().unwrap()];
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "no-quorum");
        assert!(found[0].message.contains("among those taking part"));

        let mut r = baseline();
        r.decisions[0]
            .meeting
            .as_mut()
            .map(Arc::make_mut)
            .unwrap()
            .present
            .clear();
        assert!(rules_of(&r).iter().any(|(rule, ..)| *rule == "no-quorum"));
    }

    #[test]
    fn commits_by_the_wrong_people() {
        let mut r = baseline();
        let outsider = push(
            &mut r,
            person("Sam Stranger", "sam@elsewhere.example.org"),
            vec![change(
                "meetings/2026-01-14.ron",
                ChangeKind::Added,
                None,
                Some(33),
            )],
        );
        let member = push(
            &mut r,
            nurse(),
            vec![change(REVIEW, ChangeKind::Modified, Some(21), Some(21))],
        );
        // An administrator may commit a submission on a school's behalf.
        push(
            &mut r,
            person("Ada Chair", "ADA@panel.example.org"),
            vec![change(PLAN, ChangeKind::Modified, Some(22), Some(22))],
        );
        assert_eq!(
            rules_of(&r),
            vec![
                ("not-a-member", Level::Error, outsider.short().to_owned()),
                (
                    "submission-by-member",
                    Level::Error,
                    member.short().to_owned()
                ),
            ]
        );

        let mut r = baseline();
        r.decisions[0].origin = Origin::Commit {
            id: id(4),
            author: person("Ada Chair", "ada@panel.example.org"),
        };
        assert_eq!(rules_of(&r)[0].0, "author-not-recorder");
    }

    #[test]
    fn an_outcome_the_rubric_does_not_allow() {
        let mut r = baseline();
        r.decisions[0].decision.outcome = "gold-star".parse().unwrap();
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "outcome-not-allowed");
        assert!(
            found[0]
                .message
                .contains("allowed: awarded, awarded-with-conditions")
        );
    }

    #[test]
    fn an_award_that_fails_a_rule_and_one_overridden() {
        let mut r = baseline();
        r.decisions[0]
            .review
            .as_mut()
            .map(Arc::make_mut)
            .unwrap()
            .areas
            .iter_mut()
            .for_each(|a| a.evidence.clear());
        assert_eq!(rules_of(&r)[0].0, "award-rule-unmet");
        r.decisions[0].decision.override_reason = Some("Evidence seen at the visit".into());
        let found = audit(&r, today());
        assert_eq!(found[0].rule, "award-rule-overridden");
        assert_eq!(found[0].level, Level::Note);
        assert!(found[0].message.contains("Evidence seen at the visit"));

        // The extra status needs the mark held for twelve months.
        let mut r = baseline();
        let mut extra = r.decisions[0].clone();
        extra.path = "decisions/oak/2025-26/2026-03-01-extra.ron".into();
        extra.origin = Origin::Commit {
            id: id(4),
            author: nurse(),
        };
        extra.decision.kind = "extra".parse().unwrap();
        extra.decision.meeting = jiff::civil::date(2026, 3, 1);
        r.decisions.push(extra);
        let found = audit(&r, today());
        assert!(
            found
                .iter()
                .any(|f| f.rule == "award-rule-unmet" && f.message.contains("held for a year")),
            "{found:?}"
        );
    }

    #[test]
    fn an_award_past_its_review_and_a_review_after_expiry() {
        let r = baseline();
        // Awarded 2025-11-12 with reviews every 12 months.
        assert!(audit(&r, jiff::civil::date(2026, 11, 11)).is_empty());
        let found = audit(&r, jiff::civil::date(2026, 12, 1));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "review-overdue");
        assert_eq!(found[0].commit, id(4));

        let mut r = baseline();
        let mut review = r.decisions[0].clone();
        review.path = "decisions/oak/2028-29/2028-12-01-annual-review.ron".into();
        review.decision.kind = "annual-review".parse().unwrap();
        review.decision.outcome = "accepted".parse().unwrap();
        review.decision.meeting = jiff::civil::date(2028, 12, 1);
        r.decisions.push(review);
        let found = audit(&r, today());
        assert!(
            found
                .iter()
                .any(|f| f.rule == "review-after-expiry"
                    && f.message.contains("expired on 2028-11-12")),
            "{found:?}"
        );
    }

    /// The baseline as a shallow clone holds it when its history begins at the decision's
    /// commit: that commit is the boundary, holding every file, and the decision was
    /// recorded before it as far as the clone knows.
    fn shallow_at_the_decision() -> Records {
        let mut r = baseline();
        let mut edge = r.commits.pop().unwrap();
        edge.parents = vec![id(3)];
        edge.boundary = Some(
            [
                ("panel.ron", 11),
                ("rubrics/mini.ron", 12),
                (REVIEW, 21),
                (PLAN, 22),
                ("meetings/2025-11-12.ron", 31),
                (DECISION, 41),
            ]
            .into_iter()
            .map(|(path, n)| FileAt {
                path: path.into(),
                blob: id(n),
            })
            .collect(),
        );
        edge.changes.clear();
        r.commits = vec![edge];
        r.panel_at = vec![Some(0)];
        r.panel_before = vec![None];
        r.decisions[0].origin = Origin::BeforeBoundary(id(4));
        r.decisions[0].submission_at = None;
        r
    }

    #[test]
    fn nothing_is_found_that_only_a_commit_beyond_the_boundary_would_show() {
        let r = shallow_at_the_decision();
        assert_eq!(rules_of(&r), vec![]);
        // Broken in every way that needs the decision's own commit, the meeting record or
        // rubric of the time: none of it is the boundary's to answer for.
        let mut r = shallow_at_the_decision();
        let d = &mut r.decisions[0];
        d.decision.outcome = "gold-star".parse().unwrap();
        d.decision.participants = vec!["head".parse().unwrap()];
        d.decision.made_on = None;
        d.meeting = None;
        r.commits[0].author = person("Sam Stranger", "sam@elsewhere.example.org");
        assert_eq!(rules_of(&r), vec![]);
        // An overdue review is reported at the commit that granted the award, which the
        // clone does not hold.
        let r = shallow_at_the_decision();
        assert!(audit(&r, jiff::civil::date(2026, 12, 1)).is_empty());
        let summary = crate::audit::shallow(&r).unwrap();
        assert_eq!(summary.boundary, vec![id(4)]);
        assert_eq!(summary.decisions_not_fully_checked, 1);
        assert!(crate::audit::shallow(&baseline()).is_none());
    }

    #[test]
    fn what_happens_after_the_boundary_is_found_as_in_a_whole_history() {
        // The decision edited in place after the boundary.
        let mut r = shallow_at_the_decision();
        let edited = push(
            &mut r,
            nurse(),
            vec![change(DECISION, ChangeKind::Modified, Some(41), Some(42))],
        );
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "decision-modified");
        assert_eq!(found[0].commit, edited);
        assert!(
            found[0].message.contains(&format!(
                "recorded before {}, where this shallow clone's history begins",
                id(4).short()
            )),
            "{found:?}"
        );

        // The plan changed after the boundary, which held the version decided on.
        let mut r = shallow_at_the_decision();
        let changed = push(
            &mut r,
            person("Eve Lead", "eve@oak.example.sch.uk"),
            vec![change(PLAN, ChangeKind::Modified, Some(22), Some(23))],
        );
        r.head_files.insert(PLAN.into(), id(23));
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "submission-changed-after-decision");
        assert_eq!(found[0].commit, changed);

        // The boundary already held another version: it changed before the boundary, in a
        // commit the clone does not hold.
        let mut r = shallow_at_the_decision();
        if let Some(held) = &mut r.commits[0].boundary {
            held.iter_mut()
                .filter(|f| f.path == PLAN)
                .for_each(|f| f.blob = id(23));
        }
        r.head_files.insert(PLAN.into(), id(23));
        assert_eq!(rules_of(&r), vec![]);

        // A commit after the boundary by someone outside the panel.
        let mut r = shallow_at_the_decision();
        let outsider = push(
            &mut r,
            person("Sam Stranger", "sam@elsewhere.example.org"),
            vec![change(
                "meetings/2026-01-14.ron",
                ChangeKind::Added,
                None,
                Some(33),
            )],
        );
        assert_eq!(
            rules_of(&r),
            vec![("not-a-member", Level::Error, outsider.short().to_owned())]
        );
    }

    #[test]
    fn a_later_decision_on_a_self_review_beyond_the_boundary() {
        // The boundary is the meeting's commit; the decision comes after it, made on a
        // self-review the clone does not hold.
        let mut r = baseline();
        r.commits.drain(..2);
        r.panel_at.drain(..2);
        r.panel_before.drain(..2);
        let edge = &mut r.commits[0];
        edge.boundary = Some(vec![FileAt {
            path: "panel.ron".into(),
            blob: id(11),
        }]);
        edge.changes.clear();
        r.decisions[0].review = None;
        r.beyond_boundary.insert(id(21));
        assert_eq!(rules_of(&r), vec![], "the evidence rules are not checked");
        let summary = crate::audit::shallow(&r).unwrap();
        assert_eq!(summary.decisions_not_fully_checked, 1);
        assert!(
            summary
                .not_checked
                .iter()
                .any(|s| s.contains("evidence rules")),
            "{summary:?}"
        );
        // Not for want of the self-review in a whole history: there it is a finding.
        r.beyond_boundary.clear();
        assert_eq!(rules_of(&r)[0].0, "award-rule-unmet");
    }

    /// A commit that changes the panel's own files.
    fn panel_change(n: u32) -> Vec<FileChange> {
        vec![change("panel.ron", ChangeKind::Modified, Some(11), Some(n))]
    }

    #[test]
    fn the_panel_and_rubrics_changed_without_authority() {
        // The first commit set the panel up, by whoever made it: nobody judges it.
        let mut r = baseline();
        r.commits[0].author = person("Sam Stranger", "sam@elsewhere.example.org");
        r.commits[0].committer = r.commits[0].author.clone();
        assert_eq!(rules_of(&r), vec![]);

        let mut r = baseline();
        // An administrator may.
        push(
            &mut r,
            person("Ada Chair", "ada@panel.example.org"),
            panel_change(13),
        );
        // A member who is not an administrator may not, nor someone outside the panel.
        let member = push(&mut r, nurse(), panel_change(14));
        let outsider = push(
            &mut r,
            person("Sam Stranger", "sam@elsewhere.example.org"),
            vec![change(
                "rubrics/mini.ron",
                ChangeKind::Modified,
                Some(12),
                Some(15),
            )],
        );
        // Written by an administrator, committed by someone who is not one.
        let committed = push(
            &mut r,
            person("Ada Chair", "ada@panel.example.org"),
            panel_change(16),
        );
        r.commits.last_mut().unwrap().committer = nurse();
        assert_eq!(
            rules_of(&r),
            vec![
                (
                    "panel-changed-without-authority",
                    Level::Error,
                    member.short().to_owned()
                ),
                (
                    "rubric-changed-without-authority",
                    Level::Error,
                    outsider.short().to_owned()
                ),
                (
                    "panel-changed-without-authority",
                    Level::Error,
                    committed.short().to_owned()
                ),
            ]
        );
        let found = audit(&r, today());
        assert!(found[0].message.contains(
            "Ben Nurse <ben@panel.example.org>, a member (nurse) but not an administrator"
        ));
        assert!(
            found[1]
                .message
                .contains("Sam Stranger <sam@elsewhere.example.org>, not a member")
        );
        assert!(
            found[2]
                .message
                .contains("written by an administrator but committed by Ben Nurse")
        );
        assert!(
            found
                .iter()
                .all(|f| f.school.is_none() && f.message.contains("Look at"))
        );
    }

    #[test]
    fn someone_added_to_the_panel_is_judged_by_the_panel_before() {
        // Sam adds himself to the panel, as an administrator, and publishes a meeting in the
        // same commit: the panel before him judges both.
        let mut r = baseline();
        let mut packed = panel();
        packed.members.push(crate::model::Member {
            id: "sam".parse().unwrap(),
            name: "Sam Stranger".into(),
            email: "sam@elsewhere.example.org".into(),
            role: crate::model::Role::Other,
            organisation: String::new(),
            affiliations: Vec::new(),
            administrator: true,
            keys: Vec::new(),
        });
        r.panels.push(packed.into());
        let mut changes = panel_change(13);
        changes.push(change(
            "meetings/2026-01-14.ron",
            ChangeKind::Added,
            None,
            Some(33),
        ));
        let both = push(
            &mut r,
            person("Sam Stranger", "sam@elsewhere.example.org"),
            changes,
        );
        *r.panel_at.last_mut().unwrap() = Some(1);
        assert_eq!(
            rules_of(&r),
            vec![
                ("not-a-member", Level::Error, both.short().to_owned()),
                (
                    "panel-changed-without-authority",
                    Level::Error,
                    both.short().to_owned()
                ),
            ]
        );
        // The commit after it is his as a member.
        push(
            &mut r,
            person("Sam Stranger", "sam@elsewhere.example.org"),
            vec![change(
                "meetings/2026-01-14.ron",
                ChangeKind::Modified,
                Some(33),
                Some(34),
            )],
        );
        *r.panel_before.last_mut().unwrap() = Some(1);
        assert_eq!(rules_of(&r).len(), 2);
    }

    #[test]
    fn a_decision_commit_that_changes_more_than_its_file() {
        let mut r = baseline();
        r.commits[3].changes.push(change(
            "meetings/2025-11-12.ron",
            ChangeKind::Modified,
            Some(31),
            Some(32),
        ));
        r.decisions[0].changed_elsewhere = vec!["README.md".into()];
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "decision-commit-not-alone");
        assert_eq!(found[0].commit, id(4));
        assert_eq!(found[0].school, Some("oak".parse().unwrap()));
        assert!(
            found[0]
                .message
                .contains("also changed meetings/2025-11-12.ron, README.md"),
            "{found:?}"
        );
    }

    /// The baseline with its meeting's record changed after the decision, from blob 31 to
    /// `changed`'s.
    fn meeting_edited(changed: impl FnOnce(&mut Meeting)) -> (Records, ObjectId) {
        let mut r = baseline();
        let mut after = meeting();
        changed(&mut after);
        r.meeting_versions.insert(id(31), meeting().into());
        r.meeting_versions.insert(id(32), after.into());
        let edit = push(
            &mut r,
            person("Ada Chair", "ada@panel.example.org"),
            vec![change(
                "meetings/2025-11-12.ron",
                ChangeKind::Modified,
                Some(31),
                Some(32),
            )],
        );
        (r, edit)
    }

    #[test]
    fn a_meeting_record_changed_after_a_decision_cites_it() {
        // Ben Nurse, who recorded the decision, said afterwards to have sent apologies, and the
        // head's declared conflict removed.
        let (r, edit) = meeting_edited(|m| {
            m.present.retain(|p| p != "nurse");
            m.apologies.push("nurse".parse().unwrap());
            m.conflicts.clear();
        });
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        let f = &found[0];
        assert_eq!(
            (f.rule, f.level, &f.commit),
            ("meeting-changed-after-decision", Level::Error, &edit)
        );
        assert_eq!(f.path.as_deref(), Some(DECISION));
        for said in [
            "removed from present: Ben Nurse (nurse)",
            "added to apologies: Ben Nurse (nurse)",
            "the declared conflict of Dan Head (head) for oak (Headteacher of Oak School) was removed",
            &format!("recorded in {}", id(4).short()),
        ] {
            assert!(f.message.contains(said), "{said:?} in {}", f.message);
        }

        // Only the notes: a note.
        let (r, edit) = meeting_edited(|m| m.notes = "Tea and biscuits.".into());
        assert_eq!(
            rules_of(&r),
            vec![(
                "meeting-amended-after-decision",
                Level::Note,
                edit.short().to_owned()
            )]
        );

        // Only the readers: a note.
        let (r, edit) = meeting_edited(|m| {
            let item = m.agenda[0].clone();
            m.readers.push(crate::model::ItemReaders {
                school: item.school,
                year: item.year,
                kind: item.kind,
                lead: "nurse".parse().unwrap(),
                second: None,
            });
        });
        let found = audit(&r, today());
        assert_eq!(
            rules_of(&r),
            vec![(
                "meeting-amended-after-decision",
                Level::Note,
                edit.short().to_owned()
            )]
        );
        assert!(
            found[0].message.contains("the readers changed"),
            "{found:?}"
        );

        // Only the agenda's order: nothing changed.
        let mut before = meeting();
        before.agenda.push(crate::model::AgendaItem {
            kind: "annual-review".parse().unwrap(),
            ..before.agenda[0].clone()
        });
        let mut after = before.clone();
        after.agenda.reverse();
        assert_eq!(meeting_differences(&before, &after, None), (false, vec![]));

        // Deleted: an error, whatever it said.
        let mut r = baseline();
        let deleted = push(
            &mut r,
            person("Ada Chair", "ada@panel.example.org"),
            vec![change(
                "meetings/2025-11-12.ron",
                ChangeKind::Deleted,
                Some(31),
                None,
            )],
        );
        let found = audit(&r, today());
        assert_eq!(found[0].rule, "meeting-changed-after-decision");
        assert_eq!(found[0].commit, deleted);
        assert!(found[0].message.contains("the file was deleted"));

        // Changed before the decision: nothing to report.
        let mut r = baseline();
        r.commits[2].changes[0].kind = ChangeKind::Modified;
        assert_eq!(rules_of(&r), vec![]);

        // A decision recorded before a shallow clone's boundary and the record changed after
        // it: found as in the whole history, saying where the decision was recorded.
        let mut r = shallow_at_the_decision();
        r.meeting_versions.insert(id(31), meeting().into());
        let mut after = meeting();
        after.chair = "psych".parse().unwrap();
        r.meeting_versions.insert(id(32), after.into());
        let edit = push(
            &mut r,
            person("Ada Chair", "ada@panel.example.org"),
            vec![change(
                "meetings/2025-11-12.ron",
                ChangeKind::Modified,
                Some(31),
                Some(32),
            )],
        );
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].commit, edit);
        assert!(
            found[0]
                .message
                .contains("the chair changed from Ada Chair (chair) to Cara Psych (psych)")
        );
        assert!(
            found[0]
                .message
                .contains(&format!("before {}", id(4).short()))
        );
    }

    #[test]
    fn made_on_that_is_not_the_submission_decided_on() {
        let at = |submission_at: Option<SubmissionAt>| {
            let mut r = baseline();
            r.decisions[0].submission_at = submission_at;
            r
        };
        let found = |r: &Records| -> Vec<&'static str> {
            audit(r, today()).into_iter().map(|f| f.rule).collect()
        };
        // No such commit: nor is the submission compared with what it is now.
        let mut r = at(Some(SubmissionAt::Missing));
        r.head_files.insert(PLAN.into(), id(23));
        assert_eq!(found(&r), vec!["made-on-unknown-commit"]);
        // Not an ancestor.
        let r = at(Some(SubmissionAt::Found {
            ancestor: Some(false),
            files: baseline_files(),
            changed: Some(true),
        }));
        assert_eq!(found(&r), vec!["made-on-not-ancestor"]);
        // A shallow clone that cannot tell, or does not hold the commit: nothing.
        let r = at(Some(SubmissionAt::Found {
            ancestor: None,
            files: baseline_files(),
            changed: None,
        }));
        assert_eq!(found(&r), Vec::<&str>::new());
        // The right files, in a commit that did not change them: not the one that submitted.
        let r = at(Some(SubmissionAt::Found {
            ancestor: Some(true),
            files: baseline_files(),
            changed: Some(false),
        }));
        assert_eq!(found(&r), vec!["submission-commit-wrong"]);
        assert_eq!(found(&at(None)), Vec::<&str>::new());
        // Another blob than the commit holds, and a file of it left out; the evidence rules
        // are not run on the blob named (the records leave the self-review unread).
        let mut r = at(Some(SubmissionAt::Found {
            ancestor: Some(true),
            changed: Some(true),
            files: vec![
                FileAt {
                    path: REVIEW.into(),
                    blob: id(29),
                },
                FileAt {
                    path: PLAN.into(),
                    blob: id(22),
                },
                FileAt {
                    path: "submissions/oak/2025-26/extra.ron".into(),
                    blob: id(28),
                },
            ],
        }));
        r.decisions[0].review = None;
        let all = audit(&r, today());
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(all[0].rule, "made-on-wrong-files");
        assert!(all[0].message.contains(&format!(
            "it names blob {} for {REVIEW}, but {} holds blob {}",
            id(21).short(),
            id(2).short(),
            id(29).short()
        )));
        assert!(
            all[0]
                .message
                .contains("it leaves out submissions/oak/2025-26/extra.ron")
        );

        // Another school's files: reported, and neither compared since nor read for evidence.
        let mut r = baseline();
        let made_on = r.decisions[0].decision.made_on.as_mut().unwrap();
        for f in &mut made_on.files {
            f.path = f.path.replace("/oak/", "/elm/");
        }
        r.decisions[0].review = None;
        r.head_files
            .insert("submissions/elm/2025-26/action-plan.ron".into(), id(23));
        let all = audit(&r, today());
        let rules: Vec<&str> = all.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            vec!["made-on-other-submission", "made-on-wrong-files"],
            "{all:?}"
        );
        assert!(
            all[0]
                .message
                .contains("submissions/elm/2025-26/self-review.ron")
        );
    }

    fn baseline_files() -> Vec<FileAt> {
        vec![
            FileAt {
                path: REVIEW.into(),
                blob: id(21),
            },
            FileAt {
                path: PLAN.into(),
                blob: id(22),
            },
        ]
    }

    #[test]
    fn trailers_that_disagree_with_the_file() {
        // All of kitemark's trailers, participants in another order: clean.
        let mut r = baseline();
        r.commits[3].trailers = decision_trailers(true);
        assert_eq!(rules_of(&r), vec![]);

        let mut r = baseline();
        r.commits[3].trailers = decision_trailers(true);
        r.decisions[0].decision.outcome = "not-awarded".parse().unwrap();
        r.decisions[0].decision.made_on.as_mut().unwrap().commit = id(3);
        let found = audit(&r, today());
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].rule, "decision-trailers-disagree");
        assert_eq!(found[0].commit, id(4));
        assert!(
            found[0]
                .message
                .contains("Outcome: awarded but the file says not-awarded")
        );
        assert!(found[0].message.contains(&format!(
            "Submission-Commit: {} but the file says {}",
            id(2),
            id(3)
        )));

        // Present, against the meeting's record the decision was judged by.
        let mut r = baseline();
        r.commits[3].trailers = decision_trailers(true);
        Arc::make_mut(r.decisions[0].meeting.as_mut().unwrap())
            .present
            .retain(|m| m != "head");
        let found = audit(&r, today());
        assert!(found[0].message.contains("Present: chair, nurse, psych, head but the meeting's record said chair, nurse, psych"), "{found:?}");

        // None at all: a note.
        let mut r = baseline();
        r.commits[3].trailers.clear();
        assert_eq!(
            rules_of(&r),
            vec![(
                "decision-without-trailers",
                Level::Note,
                id(4).short().to_owned()
            )]
        );
    }

    fn at(time: &str) -> Person {
        Person {
            time: time.parse().unwrap(),
            ..nurse()
        }
    }

    #[test]
    fn dates_that_run_backwards() {
        // Dated a day before the commit it follows.
        let mut r = baseline();
        let late = push(
            &mut r,
            nurse(),
            vec![change(PLAN, ChangeKind::Modified, Some(22), Some(22))],
        );
        r.commits.last_mut().unwrap().committer = at("2025-11-11T10:00:00+00:00[UTC]");
        r.commits.last_mut().unwrap().follows =
            Some((id(4), at("2025-11-12T10:00:00+00:00[UTC]").time));
        // Of the same author, the rule that matters is the date's.
        let found: Vec<_> = audit(&r, today())
            .into_iter()
            .filter(|f| f.rule != "submission-by-member")
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].rule, &found[0].commit),
            ("commit-date-backwards", &late)
        );
        assert!(
            found[0]
                .message
                .contains("dated 2025-11-11 10:00 +00:00, before 0000000")
        );

        // Within the hour members' clocks may disagree by: nothing.
        r.commits.last_mut().unwrap().committer = at("2025-11-12T09:15:00+00:00[UTC]");
        assert!(
            audit(&r, today())
                .iter()
                .all(|f| f.rule != "commit-date-backwards")
        );
        // The same instant in another offset is not earlier.
        r.commits.last_mut().unwrap().committer = at("2025-11-12T11:00:00+01:00[+01:00]");
        assert!(
            audit(&r, today())
                .iter()
                .all(|f| f.rule != "commit-date-backwards")
        );
    }

    #[test]
    fn a_decision_committed_before_its_meeting() {
        let decided = |committer: &str, author: &str| {
            let mut r = baseline();
            r.commits[3].committer = at(committer);
            r.commits[3].author = at(author);
            rules_of(&r)
        };
        // The evening before, in the recorder's own offset: before the meeting.
        assert_eq!(
            decided(
                "2025-11-11T23:30:00+00:00[UTC]",
                "2025-11-12T10:00:00+00:00[UTC]"
            ),
            vec![(
                "decision-before-meeting",
                Level::Error,
                id(4).short().to_owned()
            )]
        );
        // Authored three months ahead of the meeting, committed on its day: still found.
        assert_eq!(
            decided(
                "2025-11-12T10:00:00+00:00[UTC]",
                "2025-08-12T10:00:00+00:00[UTC]"
            )[0]
            .0,
            "decision-before-meeting"
        );
        // Half past midnight on the meeting's day in the recorder's summer time is the
        // meeting's day, though it is the day before in UTC.
        assert_eq!(
            decided(
                "2025-11-12T00:30:00+01:00[+01:00]",
                "2025-11-12T00:30:00+01:00[+01:00]"
            ),
            vec![]
        );
        let mut r = baseline();
        r.commits[3].committer = at("2025-11-11T09:00:00+00:00[UTC]");
        let found = audit(&r, today());
        assert!(
            found[0].message.contains(
                "is for the meeting on 2025-11-12, but 0000000 was committed on 2025-11-11"
            ),
            "{found:?}"
        );
        assert_eq!(found[0].school, Some("oak".parse().unwrap()));
    }
}
