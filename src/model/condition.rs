//! Conditions of an award followed up (SPEC §2.5): the panel's record that a condition was
//! met, and each condition's state on a day, computed from the decisions and those records.
//!
//! A decision's conditions are numbered from 1 in the order its file lists them. Only the
//! decision that stands counts: a correction replaces the conditions of the decision it
//! supersedes, and a condition the corrected decision set in the same words keeps what was
//! recorded against it, so correcting a typing slip elsewhere does not reopen it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::ids::{AcademicYear, MemberId, SchoolId};
use super::lifecycle::{DecisionRecord, effective};

/// The panel's record that a condition of a decision was met:
/// `conditions/<school-id>/<year>/<decision-file-stem>/<n>.ron`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionMet {
    /// The repository path of the decision that set the condition.
    pub decision: String,
    /// The condition's number in that decision, from 1.
    pub condition: u32,
    /// The day the school met it, in the panel's judgement.
    pub met_on: Date,
    /// What the panel saw that shows it was met.
    pub evidence: String,
    /// The member who recorded it.
    pub recorder: MemberId,
}

/// A met record and the repository path it is recorded at.
#[derive(Debug, Clone, Copy)]
pub struct MetRecord<'a> {
    pub path: &'a str,
    pub met: &'a ConditionMet,
}

/// Where a condition stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConditionState {
    /// Past its due date and not met.
    Overdue,
    /// Not met, and not yet due.
    Open,
    Met,
}

impl ConditionState {
    pub fn label(self) -> &'static str {
        match self {
            ConditionState::Overdue => "overdue",
            ConditionState::Open => "open",
            ConditionState::Met => "met",
        }
    }
}

/// One condition of a standing decision, with its state on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionStatus {
    pub school: SchoolId,
    pub year: AcademicYear,
    /// The repository path of the decision that sets it.
    pub decision: String,
    /// Its number in that decision, from 1.
    pub number: u32,
    pub text: String,
    pub due: Date,
    pub state: ConditionState,
    /// When it was met, where it was.
    pub met_on: Option<Date>,
    /// The path of the record that says so.
    pub met_record: Option<String>,
}

/// How many of a school's conditions are overdue and how many open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ConditionCounts {
    pub overdue: usize,
    pub open: usize,
}

impl ConditionCounts {
    pub fn of(conditions: &[ConditionStatus]) -> ConditionCounts {
        let count = |s| conditions.iter().filter(|c| c.state == s).count();
        ConditionCounts {
            overdue: count(ConditionState::Overdue),
            open: count(ConditionState::Open),
        }
    }

    /// `1 overdue, 2 open`; `-` when nothing is outstanding.
    pub fn label(self) -> String {
        let mut parts = Vec::new();
        if self.overdue > 0 {
            parts.push(format!("{} overdue", self.overdue));
        }
        if self.open > 0 {
            parts.push(format!("{} open", self.open));
        }
        if parts.is_empty() {
            "-".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The conditions of a school's standing decisions made by `on`, in the order the decisions
/// took effect, each with its state on `on`. Records of meeting a condition dated after `on`
/// do not count yet.
pub fn conditions(
    decisions: &[DecisionRecord<'_>],
    met: &[MetRecord<'_>],
    on: Date,
) -> Vec<ConditionStatus> {
    let by_path = |path: &str| decisions.iter().find(|d| d.path == path);
    let mut out = Vec::new();
    for (_, record) in effective(decisions)
        .into_iter()
        .filter(|(_, r)| r.decision.meeting <= on)
    {
        let d = record.decision;
        // The decision and those it corrects, bounded so a cycle of corrections cannot hang.
        let mut chain = vec![record];
        while chain.len() <= decisions.len() {
            let last = chain[chain.len() - 1];
            match last.decision.supersedes.as_deref().and_then(by_path) {
                Some(earlier) if !chain.iter().any(|c| c.path == earlier.path) => {
                    chain.push(*earlier)
                }
                _ => break,
            }
        }
        for (i, condition) in d.conditions.iter().enumerate() {
            let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let same = |m: &ConditionMet| {
                chain.iter().any(|c| {
                    c.path == m.decision
                        && m.condition >= 1
                        && c.decision
                            .conditions
                            .get(m.condition as usize - 1)
                            .is_some_and(|earlier| {
                                if c.path == record.path {
                                    m.condition == number
                                } else {
                                    earlier.text == condition.text
                                }
                            })
                })
            };
            let found = met
                .iter()
                .filter(|m| m.met.met_on <= on && same(m.met))
                .min_by_key(|m| (m.met.met_on, m.path));
            let state = match found {
                Some(_) => ConditionState::Met,
                None if condition.due < on => ConditionState::Overdue,
                None => ConditionState::Open,
            };
            out.push(ConditionStatus {
                school: d.school.clone(),
                year: d.year,
                decision: record.path.to_owned(),
                number,
                text: condition.text.clone(),
                due: condition.due,
                state,
                met_on: found.map(|m| m.met.met_on),
                met_record: found.map(|m| m.path.to_owned()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Condition, Decision};
    use jiff::civil::date;

    fn decision(meeting: Date, conditions: &[(&str, Date)]) -> Decision {
        Decision {
            school: "oak".parse().unwrap(),
            year: AcademicYear::containing(meeting),
            kind: "initial".parse().unwrap(),
            meeting,
            outcome: "awarded-with-conditions".parse().unwrap(),
            areas: Vec::new(),
            feedback: String::new(),
            conditions: conditions
                .iter()
                .map(|(text, due)| Condition {
                    text: (*text).to_owned(),
                    due: *due,
                })
                .collect(),
            participants: vec!["chair".parse().unwrap()],
            recorder: "chair".parse().unwrap(),
            made_on: None,
            supersedes: None,
            override_reason: None,
            grade: None,
            moderation: None,
        }
    }

    fn met(decision: &str, condition: u32, met_on: Date) -> ConditionMet {
        ConditionMet {
            decision: decision.to_owned(),
            condition,
            met_on,
            evidence: "Policy seen".into(),
            recorder: "chair".parse().unwrap(),
        }
    }

    const PATH: &str = "decisions/oak/2025-26/2025-11-12-initial.ron";

    #[test]
    fn a_condition_is_open_until_due_then_overdue_until_met() {
        let d = decision(
            date(2025, 11, 12),
            &[
                ("Publish the policy", date(2026, 3, 31)),
                ("Train staff", date(2026, 7, 1)),
            ],
        );
        let records = [DecisionRecord {
            path: PATH,
            decision: &d,
        }];
        let on = |day| conditions(&records, &[], day);
        assert!(on(date(2025, 11, 11)).is_empty(), "not decided yet");
        let states = |v: Vec<ConditionStatus>| v.iter().map(|c| c.state).collect::<Vec<_>>();
        assert_eq!(
            states(on(date(2026, 3, 31))),
            [ConditionState::Open, ConditionState::Open],
            "due on the day is not yet overdue"
        );
        assert_eq!(
            states(on(date(2026, 4, 1))),
            [ConditionState::Overdue, ConditionState::Open]
        );
        let record = met(PATH, 1, date(2026, 4, 20));
        let mets = [MetRecord {
            path: "conditions/oak/2025-26/2025-11-12-initial/1.ron",
            met: &record,
        }];
        let after = conditions(&records, &mets, date(2026, 5, 1));
        assert_eq!(after[0].state, ConditionState::Met);
        assert_eq!(after[0].met_on, Some(date(2026, 4, 20)));
        assert_eq!(after[1].number, 2);
        let before = conditions(&records, &mets, date(2026, 4, 19));
        assert_eq!(before[0].state, ConditionState::Overdue, "not met yet then");
        assert_eq!(
            ConditionCounts::of(&before).label(),
            "1 overdue, 1 open".to_owned()
        );
    }

    #[test]
    fn a_correction_sets_the_conditions_and_keeps_those_met_in_the_same_words() {
        let original = decision(
            date(2025, 11, 12),
            &[("Publish the policy", date(2026, 3, 31))],
        );
        let mut correction = decision(
            date(2026, 1, 14),
            &[
                ("Name a senior lead", date(2026, 2, 28)),
                ("Publish the policy", date(2026, 3, 31)),
            ],
        );
        correction.supersedes = Some(PATH.to_owned());
        let later = "decisions/oak/2025-26/2026-01-14-initial.ron";
        let records = [
            DecisionRecord {
                path: PATH,
                decision: &original,
            },
            DecisionRecord {
                path: later,
                decision: &correction,
            },
        ];
        let record = met(PATH, 1, date(2025, 12, 1));
        let mets = [MetRecord {
            path: "conditions/oak/2025-26/2025-11-12-initial/1.ron",
            met: &record,
        }];
        let now = conditions(&records, &mets, date(2026, 3, 1));
        assert_eq!(now.len(), 2, "only the standing decision's conditions");
        assert!(now.iter().all(|c| c.decision == later));
        assert_eq!(now[0].state, ConditionState::Overdue);
        assert_eq!(now[1].state, ConditionState::Met);
    }
}
