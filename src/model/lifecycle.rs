//! A school's award state, computed from its decisions and the rubric, never stored by hand.
//!
//! An award runs from the meeting that granted it for the months its outcome says. Where the
//! award asks for annual reviews, review `k` falls due `k × annual_review_months` after the
//! award; each accepted review moves the next due date on by one interval. A correction
//! (a decision that supersedes another) replaces the decision it names.

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::Serialize;

use super::decision::Decision;
use super::ids::{AcademicYear, AwardId, KindId, LevelId, RuleId, SchoolId};
use super::meeting::Meeting;
use super::rubric::{Effect, Lineage, Requirement};

/// A decision and the repository path it is recorded at.
#[derive(Debug, Clone, Copy)]
pub struct DecisionRecord<'a> {
    pub path: &'a str,
    pub decision: &'a Decision,
}

/// Whether an award is in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AwardStatus {
    Held,
    /// Held, but an annual review is past due.
    ReviewOverdue,
    Expired,
    Withdrawn,
}

impl AwardStatus {
    pub fn label(self) -> &'static str {
        match self {
            AwardStatus::Held => "held",
            AwardStatus::ReviewOverdue => "review overdue",
            AwardStatus::Expired => "expired",
            AwardStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn is_held(self) -> bool {
        matches!(self, AwardStatus::Held | AwardStatus::ReviewOverdue)
    }
}

/// One award's state for a school on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AwardState {
    pub award: AwardId,
    pub title: String,
    pub status: AwardStatus,
    /// The meeting date of the latest grant.
    pub awarded_on: Date,
    /// The start of the unbroken period in which the award has been held.
    pub held_since: Date,
    pub expires: Date,
    pub reviews_accepted: u32,
    pub next_review_due: Option<Date>,
    pub withdrawn_on: Option<Date>,
    /// The decision that granted it.
    pub granted_by: String,
    /// Where the rubric grades: the grade of the latest decision that granted the award or
    /// accepted its annual review with a grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<LevelId>,
}

/// Whether a school may apply for a decision kind that has eligibility rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub kind: KindId,
    pub rule: RuleId,
    pub eligible: bool,
    /// The first day the rule is met, where the school is on course to meet it.
    pub from: Option<Date>,
    pub reason: String,
}

/// An agenda item still waiting for its decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingItem {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub meeting: Date,
}

/// Decisions that count: those not corrected by a later one, each with the date it takes
/// effect (a correction takes the date of the decision it corrects), in that order.
pub fn effective<'a>(decisions: &[DecisionRecord<'a>]) -> Vec<(Date, DecisionRecord<'a>)> {
    let superseded: BTreeSet<&str> = decisions
        .iter()
        .filter_map(|d| d.decision.supersedes.as_deref())
        .collect();
    let by_path = |path: &str| decisions.iter().find(|d| d.path == path);
    let mut out: Vec<(Date, DecisionRecord<'a>)> = decisions
        .iter()
        .filter(|d| !superseded.contains(d.path))
        .map(|d| {
            let mut root = d;
            // Bounded so that a cycle of corrections cannot hang the tool.
            for _ in 0..decisions.len() {
                match root.decision.supersedes.as_deref().and_then(by_path) {
                    Some(earlier) => root = earlier,
                    None => break,
                }
            }
            (root.decision.meeting.min(d.decision.meeting), *d)
        })
        .collect();
    out.sort_by(|(da, a), (db, b)| (da, a.path).cmp(&(db, b.path)));
    out
}

fn add_months(date: Date, months: u32) -> Date {
    // Saturates rather than fails: a date beyond jiff's range is "never" for our purposes.
    jiff::Span::new()
        .try_months(i64::from(months))
        .ok()
        .and_then(|span| date.checked_add(span).ok())
        .unwrap_or(Date::MAX)
}

/// The state of every award of the rubric the school has ever been granted, as of `today`,
/// from the decisions made up to and including `today`.
///
/// Each decision is read against the framework it was made under ([`Lineage::rubric_for`]);
/// an award of a framework the school's has replaced continues, under its own title and to
/// its own expiry, through the reviews and renewals of the award that honours it.
pub fn award_states<'r>(
    frameworks: impl Into<Lineage<'r>>,
    decisions: &[DecisionRecord<'_>],
    today: Date,
) -> Vec<AwardState> {
    let lineage = frameworks.into();
    let decisions = effective(decisions);
    let mut states: Vec<AwardState> = Vec::new();
    for (effective_on, record) in decisions
        .iter()
        .filter(|(_, r)| r.decision.meeting <= today)
    {
        let (effective_on, d) = (*effective_on, record.decision);
        let rubric = lineage.rubric_for(d);
        let Some(outcome) = rubric.outcome(&d.kind, &d.outcome) else {
            continue;
        };
        match &outcome.effect {
            Effect::Grant { award, months } => {
                let title = rubric
                    .award(award)
                    .map_or_else(|| award.to_string(), |a| a.title.clone());
                let previous = states
                    .iter()
                    .position(|s| lineage.same_award(&s.award, award));
                let held_since = previous
                    .map(|i| &states[i])
                    .filter(|p| p.withdrawn_on.is_none() && effective_on <= p.expires)
                    .map_or(effective_on, |p| p.held_since);
                let state = AwardState {
                    award: award.clone(),
                    title,
                    status: AwardStatus::Held,
                    awarded_on: effective_on,
                    held_since,
                    expires: add_months(effective_on, *months),
                    reviews_accepted: 0,
                    next_review_due: None,
                    withdrawn_on: None,
                    granted_by: record.path.to_owned(),
                    grade: d.grade.clone(),
                };
                match previous {
                    Some(i) => states[i] = state,
                    None => states.push(state),
                }
            }
            Effect::ReviewAccepted { award } => {
                if let Some(s) = states
                    .iter_mut()
                    .find(|s| lineage.same_award(&s.award, award))
                    && s.withdrawn_on.is_none()
                    && effective_on >= s.awarded_on
                    && effective_on < s.expires
                {
                    s.reviews_accepted += 1;
                    // A review scored afresh moves the grade; one without a grade keeps it.
                    if d.grade.is_some() {
                        s.grade = d.grade.clone();
                    }
                }
            }
            Effect::Withdrawn { award } => {
                if let Some(s) = states
                    .iter_mut()
                    .find(|s| lineage.same_award(&s.award, award))
                {
                    s.withdrawn_on.get_or_insert(effective_on);
                }
            }
            Effect::Resubmission | Effect::NotAwarded | Effect::Feedback => {}
        }
    }
    for state in &mut states {
        let interval = lineage
            .award(&state.award)
            .and_then(|a| a.annual_review_months);
        state.next_review_due = interval
            .filter(|months| *months > 0)
            .and_then(|months| months.checked_mul(state.reviews_accepted + 1))
            .map(|months| add_months(state.awarded_on, months))
            .filter(|due| *due < state.expires);
        state.status = if state.withdrawn_on.is_some() {
            AwardStatus::Withdrawn
        } else if today >= state.expires {
            AwardStatus::Expired
        } else if state.next_review_due.is_some_and(|due| due < today) {
            AwardStatus::ReviewOverdue
        } else {
            AwardStatus::Held
        };
        if state.status == AwardStatus::Withdrawn || state.status == AwardStatus::Expired {
            state.next_review_due = None;
        }
    }
    states
}

/// Whether the school meets each eligibility rule of the rubric on `on`.
///
/// An award of a framework the rubric replaced counts as the award that honours it.
pub fn eligibility<'r>(
    frameworks: impl Into<Lineage<'r>>,
    decisions: &[DecisionRecord<'_>],
    on: Date,
) -> Vec<Eligibility> {
    let lineage = frameworks.into();
    let rubric = lineage.current();
    let states = award_states(lineage.clone(), decisions, on);
    let mut out = Vec::new();
    for rule in &rubric.eligibility_rules {
        let Requirement::AwardHeld { award, min_months } = &rule.requires;
        let title = rubric
            .award(award)
            .map_or_else(|| award.to_string(), |a| a.title.clone());
        let state = states.iter().find(|s| lineage.same_award(&s.award, award));
        // An old framework's award is named as itself, honoured as the one the rule needs.
        let title = match state {
            Some(s) if &s.award != award => format!("{} (honoured as {title})", s.title),
            _ => title,
        };
        let (eligible, from, reason) = match state {
            None => (false, None, format!("{title} has not been awarded")),
            Some(s) if !s.status.is_held() => (
                false,
                None,
                format!(
                    "{title} {} on {}",
                    s.status.label(),
                    s.withdrawn_on.unwrap_or(s.expires)
                ),
            ),
            Some(s) => {
                let from = add_months(s.held_since, *min_months);
                if from <= on && *min_months == 0 {
                    (
                        true,
                        Some(from),
                        format!("{title} held since {}", s.held_since),
                    )
                } else if from <= on {
                    (
                        true,
                        Some(from),
                        format!(
                            "{title} held since {} (at least {min_months} months)",
                            s.held_since
                        ),
                    )
                } else if from < s.expires {
                    (
                        false,
                        Some(from),
                        format!(
                            "{title} held since {}; {min_months} months are reached on {from}",
                            s.held_since
                        ),
                    )
                } else {
                    (
                        false,
                        None,
                        format!(
                            "{title} expires on {} before {min_months} months are reached",
                            s.expires
                        ),
                    )
                }
            }
        };
        for kind in &rule.applies_to {
            out.push(Eligibility {
                kind: kind.clone(),
                rule: rule.id.clone(),
                eligible,
                from,
                reason: reason.clone(),
            });
        }
    }
    out
}

/// Agenda items of a school with no decision of their kind at or after their meeting.
pub fn pending_items(
    school: &SchoolId,
    meetings: &[&Meeting],
    decisions: &[DecisionRecord<'_>],
) -> Vec<PendingItem> {
    let mut out = Vec::new();
    // Latest meeting first, so an item carried over to a later agenda is reported there.
    let mut meetings = meetings.to_vec();
    meetings.sort_by_key(|m| std::cmp::Reverse(m.date));
    for meeting in meetings {
        for item in meeting.agenda.iter().filter(|i| &i.school == school) {
            let decided = decisions.iter().any(|r| {
                let d = r.decision;
                d.school == item.school
                    && d.year == item.year
                    && d.kind == item.kind
                    && d.meeting >= meeting.date
            });
            let already = out
                .iter()
                .any(|p: &PendingItem| p.year == item.year && p.kind == item.kind);
            if !decided && !already {
                out.push(PendingItem {
                    school: item.school.clone(),
                    year: item.year,
                    kind: item.kind.clone(),
                    meeting: meeting.date,
                });
            }
        }
    }
    out.sort_by(|a, b| (a.meeting, a.year, &a.kind).cmp(&(b.meeting, b.year, &b.kind)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rubric;
    use crate::model::format::from_ron;
    use jiff::civil::date;

    fn rubric() -> Rubric {
        from_ron(include_str!("../../tests/fixtures/base/rubrics/mini.ron")).unwrap()
    }

    fn decision(kind: &str, outcome: &str, meeting: Date) -> Decision {
        Decision {
            school: "oak".parse().unwrap(),
            year: AcademicYear::containing(meeting),
            kind: kind.parse().unwrap(),
            meeting,
            outcome: outcome.parse().unwrap(),
            areas: Vec::new(),
            feedback: String::new(),
            conditions: Vec::new(),
            participants: vec!["chair".parse().unwrap()],
            recorder: "chair".parse().unwrap(),
            made_on: None,
            supersedes: None,
            override_reason: None,
            grade: None,
            moderation: None,
        }
    }

    fn path(d: &Decision) -> String {
        format!(
            "decisions/{}/{}/{}-{}.ron",
            d.school, d.year, d.meeting, d.kind
        )
    }

    fn states(decisions: &[Decision], today: Date) -> Vec<AwardState> {
        let paths: Vec<String> = decisions.iter().map(path).collect();
        let records: Vec<DecisionRecord> = decisions
            .iter()
            .zip(&paths)
            .map(|(decision, path)| DecisionRecord { path, decision })
            .collect();
        award_states(&rubric(), &records, today)
    }

    #[test]
    fn an_award_runs_three_years_with_annual_reviews() {
        let history = [decision("initial", "awarded", date(2024, 1, 24))];
        let s = &states(&history, date(2024, 6, 1))[0];
        assert_eq!(s.status, AwardStatus::Held);
        assert_eq!(s.awarded_on, date(2024, 1, 24));
        assert_eq!(s.expires, date(2027, 1, 24));
        assert_eq!(s.next_review_due, Some(date(2025, 1, 24)));

        let s = &states(&history, date(2025, 2, 1))[0];
        assert_eq!(s.status, AwardStatus::ReviewOverdue);

        let history = [
            decision("initial", "awarded", date(2024, 1, 24)),
            decision("annual-review", "accepted", date(2025, 1, 22)),
        ];
        let s = &states(&history, date(2025, 2, 1))[0];
        assert_eq!(s.status, AwardStatus::Held);
        assert_eq!(s.reviews_accepted, 1);
        assert_eq!(s.next_review_due, Some(date(2026, 1, 24)));
    }

    #[test]
    fn the_last_review_falls_before_expiry_and_then_the_award_expires() {
        let history = [
            decision("initial", "awarded", date(2024, 1, 24)),
            decision("annual-review", "accepted", date(2025, 1, 22)),
            decision("annual-review", "accepted", date(2026, 1, 21)),
        ];
        let s = &states(&history, date(2026, 6, 1))[0];
        assert_eq!(s.next_review_due, None, "no review is due at expiry");
        assert_eq!(s.status, AwardStatus::Held);
        let s = &states(&history, date(2027, 1, 24))[0];
        assert_eq!(s.status, AwardStatus::Expired);
    }

    #[test]
    fn decisions_after_the_day_do_not_count() {
        let history = [decision("initial", "awarded", date(2024, 1, 24))];
        assert!(states(&history, date(2024, 1, 23)).is_empty());
    }

    #[test]
    fn withdrawal_ends_the_award() {
        let history = [
            decision("initial", "awarded", date(2024, 1, 24)),
            decision("annual-review", "withdrawn", date(2025, 1, 22)),
        ];
        let s = &states(&history, date(2025, 2, 1))[0];
        assert_eq!(s.status, AwardStatus::Withdrawn);
        assert_eq!(s.withdrawn_on, Some(date(2025, 1, 22)));
        assert_eq!(s.next_review_due, None);
    }

    #[test]
    fn resubmission_then_award() {
        let history = [
            decision("initial", "resubmission-requested", date(2023, 11, 29)),
            decision("initial", "awarded", date(2024, 3, 13)),
        ];
        let s = &states(&history, date(2024, 4, 1))[0];
        assert_eq!(s.awarded_on, date(2024, 3, 13));
    }

    #[test]
    fn a_correction_keeps_the_date_of_the_decision_it_corrects() {
        let original = decision("initial", "awarded-with-conditions", date(2023, 3, 15));
        let mut correction = decision("initial", "awarded-with-conditions", date(2023, 6, 21));
        correction.supersedes = Some(path(&original));
        let s = &states(&[original, correction.clone()], date(2023, 7, 1))[0];
        assert_eq!(s.awarded_on, date(2023, 3, 15));
        assert_eq!(s.granted_by, path(&correction));
    }

    #[test]
    fn renewal_before_expiry_keeps_the_holding_period() {
        let history = [
            decision("initial", "awarded", date(2023, 3, 15)),
            decision("initial", "awarded", date(2026, 3, 11)),
        ];
        let s = &states(&history, date(2026, 4, 1))[0];
        assert_eq!(s.held_since, date(2023, 3, 15));
        assert_eq!(s.awarded_on, date(2026, 3, 11));
        assert_eq!(s.expires, date(2029, 3, 11));

        let lapsed = [
            decision("initial", "awarded", date(2020, 3, 15)),
            decision("initial", "awarded", date(2024, 3, 13)),
        ];
        let s = &states(&lapsed, date(2024, 4, 1))[0];
        assert_eq!(
            s.held_since,
            date(2024, 3, 13),
            "a lapse starts the period again"
        );
    }

    #[test]
    fn an_old_frameworks_award_continues_under_the_new_one() {
        let old: Rubric = from_ron(include_str!("../../rubrics/hymh-kitemark.ron")).unwrap();
        let new: Rubric = from_ron(include_str!("../../rubrics/herts-schools-mark.ron")).unwrap();
        let rubrics = std::collections::BTreeMap::from([
            (old.id.clone(), old.clone()),
            (new.id.clone(), new.clone()),
        ]);
        let lineage = Lineage::of(&rubrics, &new);
        // A resubmission is a kind only the kitemark has: read against it, it grants the kitemark.
        let history = [
            decision("resubmission", "awarded", date(2024, 1, 17)),
            decision("annual-review", "accepted", date(2025, 1, 15)),
            decision("annual-review", "accepted", date(2026, 1, 14)),
        ];
        let paths: Vec<String> = history.iter().map(path).collect();
        let records: Vec<DecisionRecord> = history
            .iter()
            .zip(&paths)
            .map(|(decision, path)| DecisionRecord { path, decision })
            .collect();
        let states = award_states(lineage.clone(), &records, date(2026, 3, 2));
        assert_eq!(states.len(), 1);
        assert_eq!(states[0].award.as_str(), "kitemark");
        assert_eq!(states[0].status, AwardStatus::Held);
        assert_eq!(states[0].reviews_accepted, 2);
        assert_eq!(states[0].expires, date(2027, 1, 17));
        let rule = &eligibility(lineage.clone(), &records, date(2026, 3, 2))[0];
        assert!(rule.eligible, "{}", rule.reason);
        // The new framework alone knows no resubmission: nothing was ever granted.
        assert!(award_states(&new, &records, date(2026, 3, 2)).is_empty());
        // A grant of the new mark while the kitemark is held keeps the holding period.
        let mut renewed = history.to_vec();
        renewed.push(decision("initial", "awarded", date(2026, 11, 11)));
        let paths: Vec<String> = renewed.iter().map(path).collect();
        let records: Vec<DecisionRecord> = renewed
            .iter()
            .zip(&paths)
            .map(|(decision, path)| DecisionRecord { path, decision })
            .collect();
        let states = award_states(lineage, &records, date(2026, 12, 1));
        assert_eq!(states.len(), 1);
        assert_eq!(states[0].held_since, date(2024, 1, 17));
    }

    #[test]
    fn eligibility_after_twelve_months_held() {
        let history = [decision("initial", "awarded", date(2024, 1, 24))];
        let records: Vec<DecisionRecord> = history
            .iter()
            .map(|d| DecisionRecord {
                path: "decisions/oak/2023-24/2024-01-24-initial.ron",
                decision: d,
            })
            .collect();
        let before = &eligibility(&rubric(), &records, date(2024, 12, 1))[0];
        assert!(!before.eligible);
        assert_eq!(before.kind.as_str(), "extra");
        assert_eq!(before.from, Some(date(2025, 1, 24)));
        let after = &eligibility(&rubric(), &records, date(2025, 1, 24))[0];
        assert!(after.eligible, "{}", after.reason);
        let expired = &eligibility(&rubric(), &records, date(2027, 2, 1))[0];
        assert!(!expired.eligible);
        assert_eq!(expired.from, None);
        assert!(expired.reason.contains("expired"), "{}", expired.reason);
        let never = &eligibility(&rubric(), &[], date(2025, 1, 1))[0];
        assert!(!never.eligible);
        assert!(never.reason.contains("not been awarded"));
    }

    #[test]
    fn pending_items_are_those_not_yet_decided() {
        let agenda = |date: Date, kind: &str| Meeting {
            date,
            chair: "chair".parse().unwrap(),
            location: String::new(),
            present: Vec::new(),
            apologies: Vec::new(),
            conflicts: Vec::new(),
            agenda: vec![crate::model::AgendaItem {
                school: "oak".parse().unwrap(),
                year: "2025-26".parse().unwrap(),
                kind: kind.parse().unwrap(),
            }],
            notes: String::new(),
            readers: Vec::new(),
        };
        let first = agenda(date(2025, 11, 12), "initial");
        let deferred = agenda(date(2026, 1, 14), "initial");
        let review = agenda(date(2026, 1, 14), "annual-review");
        let school: SchoolId = "oak".parse().unwrap();
        let pending = pending_items(&school, &[&first, &deferred, &review], &[]);
        assert_eq!(pending.len(), 2);
        assert!(
            pending.iter().all(|p| p.meeting == date(2026, 1, 14)),
            "{pending:?}"
        );

        let mut decided = decision("initial", "awarded", date(2026, 1, 14));
        decided.year = "2025-26".parse().unwrap();
        let path = path(&decided);
        let records = [DecisionRecord {
            path: &path,
            decision: &decided,
        }];
        let pending = pending_items(&school, &[&first, &deferred, &review], &records);
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].kind.as_str(), "annual-review");
    }
}
