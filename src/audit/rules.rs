//! The audit's rules, one function each, over the history's records.

use std::collections::BTreeSet;

use jiff::civil::Date;

use super::{Finding, Level};
use crate::model::decide::conflicts;
use crate::model::history::{ChangeKind, RecordedDecision, Records, under};
use crate::model::layout::{Classified, PanelPath, classify};
use crate::model::lifecycle::{AwardStatus, DecisionRecord, award_states};
use crate::model::rubric::Effect;
use crate::model::rules::{eligibility_checks, evidence_checks};
use crate::model::text::sanitize_inline;
use crate::model::{AcademicYear, MemberId, Panel, SchoolId};

/// A rule of the audit.
pub struct Rule {
    /// The rule's name, as findings carry it (a rule may report under several names).
    pub id: &'static str,
    pub description: &'static str,
    pub check: fn(&Records, Date) -> Vec<Finding>,
}

/// Every rule, in the order SPEC §5 lists them.
pub const ALL: [Rule; 8] = [
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
        description: "commits under decisions/ or meetings/ by someone not on the panel, under submissions/ by a member who is not an administrator, and decisions committed by someone other than their recorder",
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
        id: "review-overdue / review-after-expiry",
        description: "an award past an annual review's due date without it, and a review accepted for an award that had expired",
        check: reviews,
    },
];

fn clean(text: &str) -> String {
    sanitize_inline(text).into_owned()
}

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

fn member_name(panel: Option<&Panel>, id: &MemberId) -> String {
    panel
        .and_then(|p| p.member(id))
        .map_or_else(|| id.to_string(), |m| format!("{} ({id})", clean(&m.name)))
}

/// A decision whose submission files have changed since (or that does not say which files it
/// was made on). A decision that asked for a resubmission expects the files to change, and a
/// corrected decision is replaced by its correction.
fn submission_changed(records: &Records, _today: Date) -> Vec<Finding> {
    let corrected = superseded(records);
    let mut out = Vec::new();
    for d in &records.decisions {
        let Some(made_on) = &d.decision.made_on else {
            out.push(finding(
                "decision-without-submission",
                Level::Error,
                d,
                &d.commit,
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
        let since = records.position(&d.commit).map_or(0, |i| i + 1);
        for file in &made_on.files {
            if records.head_files.get(&file.path) == Some(&file.blob) {
                continue;
            }
            // The first commit after the decision that changed the file shows it.
            let changed_by = records.commits[since.min(records.commits.len())..]
                .iter()
                .find(|c| c.changes.iter().any(|ch| ch.path == file.path));
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
                        later.commit.short()
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
fn decision_modified(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for commit in &records.commits {
        for change in &commit.changes {
            if change.kind == ChangeKind::Added || !under(&change.path, "decisions") {
                continue;
            }
            let (school, year) = school_year(&change.path);
            let recorded = records
                .decisions
                .iter()
                .find(|d| d.path == change.path)
                .map_or_else(String::new, |d| format!(" in {}", d.commit.short()));
            let what = if change.kind == ChangeKind::Deleted {
                "deleted"
            } else {
                "modified"
            };
            out.push(Finding {
                rule: "decision-modified",
                level: Level::Error,
                school,
                year,
                commit: commit.id.clone(),
                path: Some(change.path.clone()),
                message: format!(
                    "{} was {what} after it was recorded{recorded}; a correction must be a new decision that supersedes it",
                    change.path
                ),
            });
        }
    }
    out
}

/// The recorder and everyone taking part must have been present and free of conflicts, by
/// the meeting's record when the decision was committed.
fn members_at_meeting(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let Some(meeting) = &d.meeting else {
            out.push(finding(
                "no-meeting-record",
                Level::Error,
                d,
                &d.commit,
                format!(
                    "no record of the meeting on {} existed when {} was committed",
                    d.decision.meeting, d.path
                ),
            ));
            continue;
        };
        let panel = d.panel.as_deref();
        let conflicted = panel
            .map(|p| conflicts(p, Some(meeting), &d.decision.school))
            .unwrap_or_default();
        let mut people: Vec<(&MemberId, &str)> = vec![(&d.decision.recorder, "recorded")];
        people.extend(d.decision.participants.iter().map(|p| (p, "took part in")));
        for (id, role) in people {
            if !meeting.present.is_empty() && !meeting.present.contains(id) {
                let why = if meeting.apologies.contains(id) {
                    "sent apologies"
                } else {
                    "is not recorded as present"
                };
                out.push(finding(
                    "member-absent",
                    Level::Error,
                    d,
                    &d.commit,
                    format!(
                        "{} {role} {} but {why} at the meeting on {}",
                        member_name(panel, id),
                        d.path,
                        meeting.date
                    ),
                ));
            }
            if let Some(c) = conflicted.iter().find(|c| &c.member == id) {
                out.push(finding(
                    "member-conflicted",
                    Level::Error,
                    d,
                    &d.commit,
                    format!(
                        "{} {role} {} but is conflicted for {} ({})",
                        member_name(panel, id),
                        d.path,
                        d.decision.school,
                        clean(&c.reason)
                    ),
                ));
            }
        }
    }
    out
}

/// A quorum present at the meeting and among those taking part, by the panel's rule when
/// the decision was committed.
fn quorum(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let (Some(meeting), Some(panel)) = (&d.meeting, &d.panel) else {
            continue;
        };
        if meeting.present.is_empty() {
            out.push(finding(
                "no-quorum",
                Level::Error,
                d,
                &d.commit,
                format!(
                    "{} was recorded when no attendance was recorded for the meeting on {}",
                    d.path, meeting.date
                ),
            ));
            continue;
        }
        if let Err(short) = panel.quorum_check(&meeting.present) {
            out.push(finding(
                "no-quorum",
                Level::Error,
                d,
                &d.commit,
                format!("{}: the meeting on {}: {short}", d.path, meeting.date),
            ));
        } else if let Err(short) = panel.quorum_check(&d.decision.participants) {
            out.push(finding(
                "no-quorum",
                Level::Error,
                d,
                &d.commit,
                format!("{}: among those taking part: {short}", d.path),
            ));
        }
    }
    out
}

/// Who may commit what: the panel's work by its members (a decision by its recorder), a
/// school's submission by the school, or by an administrator on its behalf.
fn authorship(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit) in records.commits.iter().enumerate() {
        let panel = records
            .panel_at
            .get(i)
            .copied()
            .flatten()
            .and_then(|p| records.panels.get(p));
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
        for prefix in ["decisions", "meetings"] {
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
        let Some(recorder) = d
            .panel
            .as_ref()
            .and_then(|p| p.member(&d.decision.recorder))
        else {
            continue;
        };
        if !recorder.email.eq_ignore_ascii_case(&d.author.email) {
            out.push(finding(
                "author-not-recorder",
                Level::Error,
                d,
                &d.commit,
                format!(
                    "{} names {} as its recorder but was committed by {} <{}>",
                    d.path,
                    member_name(d.panel.as_deref(), &d.decision.recorder),
                    clean(&d.author.name),
                    clean(&d.author.email)
                ),
            ));
        }
    }
    out
}

/// The outcome must be one the rubric (as it was) allows for the kind.
fn outcome_allowed(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in &records.decisions {
        let message = match &d.rubric {
            None => format!(
                "the rubric of {} could not be read at the commit that recorded {}",
                d.decision.school, d.path
            ),
            Some(rubric) => match rubric.kind(&d.decision.kind) {
                None => format!(
                    "{} is not a decision kind of {} ({})",
                    d.decision.kind, rubric.id, d.path
                ),
                Some(kind) if kind.outcomes.iter().any(|o| o.id == d.decision.outcome) => {
                    continue;
                }
                Some(kind) => format!(
                    "{} is not an outcome of {} in {} ({}); allowed: {}",
                    d.decision.outcome,
                    kind.id,
                    rubric.id,
                    d.path,
                    kind.outcomes
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        };
        out.push(finding(
            "outcome-not-allowed",
            Level::Error,
            d,
            &d.commit,
            message,
        ));
    }
    out
}

/// The decisions of a school recorded before the one at `index`.
fn earlier<'a>(records: &'a Records, index: usize, school: &SchoolId) -> Vec<DecisionRecord<'a>> {
    records.decisions[..index]
        .iter()
        .filter(|d| &d.decision.school == school)
        .map(|d| DecisionRecord {
            path: &d.path,
            decision: &d.decision,
        })
        .collect()
}

/// An award (or an accepted review) must meet the rubric's evidence rules, checked against
/// the self-review it was made on, and its eligibility rules on the meeting's date; a recorded
/// override reason turns the finding into a note.
fn award_rules(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (index, d) in records.decisions.iter().enumerate() {
        let (Some(rubric), Some(effect)) = (&d.rubric, effect(d)) else {
            continue;
        };
        if !matches!(effect, Effect::Grant { .. } | Effect::ReviewAccepted { .. }) {
            continue;
        }
        let kind = &d.decision.kind;
        let mut unmet = Vec::new();
        if rubric.evidence_rules_for(kind).next().is_some() {
            match &d.review {
                Some(review) => unmet.extend(
                    evidence_checks(rubric, kind, review)
                        .into_iter()
                        .filter(|c| !c.met)
                        .map(|c| format!("{}: {}", clean(&c.description), clean(&c.reason))),
                ),
                None => unmet.push(
                    "the self-review it was made on cannot be read to check the evidence rules"
                        .to_owned(),
                ),
            }
        }
        let before = earlier(records, index, &d.decision.school);
        unmet.extend(
            eligibility_checks(rubric, kind, &before, d.decision.meeting)
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
            &d.commit,
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

/// Annual reviews: an award held past a review's due date without it, and a review accepted
/// for an award the school no longer held.
fn reviews(records: &Records, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let schools: BTreeSet<&SchoolId> = records
        .decisions
        .iter()
        .map(|d| &d.decision.school)
        .collect();
    for school in schools {
        let Some(rubric) = records.head.rubric_for_school(school) else {
            continue;
        };
        let all = earlier(records, records.decisions.len(), school);
        for state in award_states(rubric, &all, today) {
            if state.status != AwardStatus::ReviewOverdue {
                continue;
            }
            let Some(granted) = records
                .decisions
                .iter()
                .find(|d| d.path == state.granted_by)
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
                &granted.commit,
                format!(
                    "{} of {school} (awarded on {}): the annual review{due} has not been accepted by {today}",
                    clean(&state.title),
                    state.awarded_on
                ),
            ));
        }
    }
    for (index, d) in records.decisions.iter().enumerate() {
        let (Some(rubric), Some(Effect::ReviewAccepted { award })) = (&d.rubric, effect(d)) else {
            continue;
        };
        let before = earlier(records, index, &d.decision.school);
        let state = award_states(rubric, &before, d.decision.meeting)
            .into_iter()
            .find(|s| &s.award == award);
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
                &d.commit,
                format!(
                    "{} accepted an annual review of {award} at the meeting on {}, but {problem}",
                    d.path, d.decision.meeting
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
    use crate::model::history::{CommitInfo, FileChange, Person};
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
        }
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
        let decision = decision();
        let mut head = Catalog {
            panel: panel(),
            rubrics: BTreeMap::from([(rubric().id.clone(), rubric())]),
            schools: BTreeMap::new(),
            years: BTreeMap::from([("oak".parse().unwrap(), vec!["2025-26".parse().unwrap()])]),
            meetings: BTreeMap::from([(meeting().date, meeting())]),
            decisions: vec![(DECISION.into(), decision.clone())],
        };
        head.meetings.insert(meeting().date, meeting());
        Records {
            panel_at: vec![Some(0); commits.len()],
            commits,
            panels: vec![panel().into()],
            decisions: vec![RecordedDecision {
                path: DECISION.into(),
                commit: id(4),
                author: nurse(),
                decision,
                meeting: Some(meeting().into()),
                panel: Some(panel().into()),
                rubric: Some(rubric().into()),
                review: Some(review().into()),
            }],
            head_files: BTreeMap::from([(REVIEW.into(), id(21)), (PLAN.into(), id(22))]),
            head: head.into(),
            head_commit: id(4),
            unreadable: Vec::new(),
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
        later.commit = id(99);
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
                "meetings/2025-11-12.ron",
                ChangeKind::Modified,
                Some(31),
                Some(32),
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
        r.decisions[0].author = person("Ada Chair", "ada@panel.example.org");
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
        extra.commit = id(4);
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
}
