//! The rules a decision must meet before it is recorded (SPEC §2.3): a meeting with a quorum,
//! members who were present and are not conflicted, an outcome the rubric allows, conditions
//! where the outcome needs them, and, for an award, the rubric's evidence and eligibility rules
//! (or a recorded reason for overriding them). Each refusal names the rule and who it is about.

use std::collections::BTreeSet;

use serde::Serialize;

use super::catalog::Catalog;
use super::decision::Decision;
use super::ids::{AcademicYear, MemberId, SchoolId};
use super::layout::{DecisionPath, PanelPath};
use super::lifecycle::DecisionRecord;
use super::meeting::Meeting;
use super::panel::Panel;
use super::rubric::{Effect, Rubric};
use super::rules::{eligibility_checks, evidence_checks};
use super::submission::SelfReview;

/// A member who may not take part in a school's decision, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflicted {
    pub member: MemberId,
    pub reason: String,
}

/// Members conflicted for a school at a meeting: those affiliated with it (panel.ron) and those
/// who declared a conflict at the meeting.
pub fn conflicts(panel: &Panel, meeting: Option<&Meeting>, school: &SchoolId) -> Vec<Conflicted> {
    let mut out: Vec<Conflicted> = panel
        .affiliated_with(school)
        .map(|m| Conflicted {
            member: m.id.clone(),
            reason: format!("affiliated with {school} (panel.ron)"),
        })
        .collect();
    for c in meeting
        .iter()
        .flat_map(|m| &m.conflicts)
        .filter(|c| &c.school == school)
    {
        let reason = format!("declared conflict, {}: {}", c.kind.label(), c.reason);
        match out.iter_mut().find(|o| o.member == c.member) {
            Some(existing) => existing.reason = format!("{}; {reason}", existing.reason),
            None => out.push(Conflicted {
                member: c.member.clone(),
                reason,
            }),
        }
    }
    out
}

/// Who takes part in a school's decision unless the panel says otherwise: every member of
/// the panel recorded as present at the meeting who is not conflicted for the school, in id
/// order. The command line's default and the decision form's first choice.
pub fn default_participants(
    panel: &Panel,
    meeting: Option<&Meeting>,
    school: &SchoolId,
) -> Vec<MemberId> {
    let excluded = conflicts(panel, meeting, school);
    let chosen: BTreeSet<&MemberId> = meeting
        .iter()
        .flat_map(|m| &m.present)
        .filter(|id| panel.member(id).is_some())
        .filter(|id| !excluded.iter().any(|c| &c.member == *id))
        .collect();
    chosen.into_iter().cloned().collect()
}

/// Why a decision cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// A stable name for the rule.
    pub rule: &'static str,
    pub message: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} [{}]", self.message, self.rule)
    }
}

fn refuse(out: &mut Vec<Refusal>, rule: &'static str, message: String) {
    out.push(Refusal { rule, message });
}

/// The code of every meeting rule, as `validate` and recording both report it.
pub const MEETING_RULES: [&str; 9] = [
    "unknown-member",
    "chair-absent",
    "duplicate-id",
    "present-and-apologies",
    "unknown-school",
    "empty-text",
    "duplicate-agenda-item",
    "unknown-submission",
    "unknown-kind",
];

/// Where in a meeting's file a finding is, for the validator to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The first occurrence of `value` after `field`.
    Value { field: &'static str, value: String },
    /// The field itself.
    Field(&'static str),
}

/// A meeting rule broken: its code, what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub message: String,
    pub at: At,
}

/// What the meeting rules need to know of the rest of the repository: the validator answers
/// from the files it has seen, recording from the catalog and the agenda's self-reviews.
pub trait MeetingContext {
    /// The panel, if its file could be read.
    fn panel(&self) -> Option<&Panel>;
    /// Whether the school has a profile (`submissions/<id>/school.ron`).
    fn school_exists(&self, school: &SchoolId) -> bool;
    /// Whether the school has submission files for the year.
    fn has_submission(&self, school: &SchoolId, year: AcademicYear) -> bool;
    /// The rubric the school's submission for the year follows.
    fn rubric_for(&self, school: &SchoolId, year: AcademicYear) -> Option<&Rubric>;
}

impl MeetingContext for Catalog {
    fn panel(&self) -> Option<&Panel> {
        Some(&self.panel)
    }
    fn school_exists(&self, school: &SchoolId) -> bool {
        self.schools.contains_key(school)
    }
    fn has_submission(&self, school: &SchoolId, year: AcademicYear) -> bool {
        self.years.get(school).is_some_and(|y| y.contains(&year))
    }
    /// Without the self-review at hand: the school's rubric.
    fn rubric_for(&self, school: &SchoolId, _year: AcademicYear) -> Option<&Rubric> {
        self.rubric_for_school(school)
    }
}

/// The rules of a meeting's record, written once for `validate` and for recording: known
/// members, a chair who is present, nobody listed present twice or both present and absent,
/// conflicts with a reason about real schools, agenda items once each, about real submissions
/// and of a kind their rubric knows. In the order the file lists them.
pub fn meeting_findings(ctx: &impl MeetingContext, meeting: &Meeting) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push =
        |rule: &'static str, at: At, message: String| out.push(Finding { rule, message, at });
    let value = |field: &'static str, value: &str| At::Value {
        field,
        value: value.to_owned(),
    };
    if let Some(panel) = ctx.panel() {
        let members = std::iter::once(("chair", &meeting.chair))
            .chain(meeting.present.iter().map(|m| ("present", m)))
            .chain(meeting.apologies.iter().map(|m| ("apologies", m)))
            .chain(meeting.conflicts.iter().map(|c| ("member", &c.member)));
        for (field, id) in members {
            if panel.member(id).is_none() {
                push(
                    "unknown-member",
                    value(field, id.as_str()),
                    format!("{:?} ({field}) is not a member of the panel", id.as_str()),
                );
            }
        }
    }
    // A meeting file committed ahead of the day holds the agenda only; attendance is
    // recorded when the meeting opens.
    if !meeting.present.is_empty() && !meeting.present.contains(&meeting.chair) {
        push(
            "chair-absent",
            At::Field("chair"),
            format!(
                "the chair {:?} is not listed as present",
                meeting.chair.as_str()
            ),
        );
    }
    let mut present = BTreeSet::new();
    for id in &meeting.present {
        if !present.insert(id) {
            push(
                "duplicate-id",
                At::Field("present"),
                format!("{:?} is listed as present twice", id.as_str()),
            );
        }
    }
    for id in &meeting.apologies {
        if present.contains(id) {
            push(
                "present-and-apologies",
                At::Field("apologies"),
                format!(
                    "{:?} is listed both as present and as having sent apologies",
                    id.as_str()
                ),
            );
        }
    }
    for conflict in &meeting.conflicts {
        if !ctx.school_exists(&conflict.school) {
            push(
                "unknown-school",
                value("school", conflict.school.as_str()),
                format!(
                    "conflict for school {:?}, which has no submissions/{}/school.ron",
                    conflict.school.as_str(),
                    conflict.school.as_str()
                ),
            );
        }
        if conflict.reason.trim().is_empty() {
            push(
                "empty-text",
                value("member", conflict.member.as_str()),
                format!(
                    "the conflict declared by {:?} gives no reason",
                    conflict.member.as_str()
                ),
            );
        }
    }
    let mut seen = BTreeSet::new();
    for item in &meeting.agenda {
        if !seen.insert(item) {
            push(
                "duplicate-agenda-item",
                value("school", item.school.as_str()),
                format!(
                    "{} {} {} is on the agenda twice",
                    item.school, item.year, item.kind
                ),
            );
        }
        if !ctx.has_submission(&item.school, item.year) {
            push(
                "unknown-submission",
                value("school", item.school.as_str()),
                format!(
                    "agenda item {} {} {}: there is no submission at submissions/{}/{}/",
                    item.school, item.year, item.kind, item.school, item.year
                ),
            );
            continue;
        }
        if let Some(rubric) = ctx.rubric_for(&item.school, item.year)
            && rubric.kind(&item.kind).is_none()
        {
            push(
                "unknown-kind",
                value("kind", item.kind.as_str()),
                format!(
                    "{:?} is not a decision kind of {:?} ({})",
                    item.kind.as_str(),
                    rubric.id.as_str(),
                    rubric
                        .decision_kinds
                        .iter()
                        .map(|k| k.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    out
}

/// Checks a meeting's record before it is committed, by the validator's own rules and codes
/// ([`meeting_findings`]): what `kitemark validate` would report, recording refuses.
pub fn check_meeting(ctx: &impl MeetingContext, meeting: &Meeting) -> Vec<Refusal> {
    meeting_findings(ctx, meeting)
        .into_iter()
        .map(|f| Refusal {
            rule: f.rule,
            message: f.message,
        })
        .collect()
}

/// Conflicts that follow from affiliations (panel.ron), for members present and schools on
/// the agenda, that the meeting has not declared yet: added so the record shows them.
pub fn affiliation_conflicts(panel: &Panel, meeting: &Meeting) -> Vec<super::meeting::Conflict> {
    let schools: BTreeSet<&SchoolId> = meeting.agenda.iter().map(|i| &i.school).collect();
    let mut out = Vec::new();
    for school in schools {
        for member in panel.affiliated_with(school) {
            let declared = meeting
                .conflicts
                .iter()
                .any(|c| c.member == member.id && &c.school == school);
            let attending = meeting.present.contains(&member.id) || meeting.present.is_empty();
            if !declared && attending {
                out.push(super::meeting::Conflict {
                    member: member.id.clone(),
                    school: school.clone(),
                    kind: super::meeting::ConflictKind::Institutional,
                    reason: "affiliated with the school (panel.ron)".into(),
                });
            }
        }
    }
    out
}

/// Where a decision is recorded.
pub fn path_of(decision: &Decision) -> String {
    PanelPath::Decision(DecisionPath {
        school: decision.school.clone(),
        year: decision.year,
        date: decision.meeting,
        kind: decision.kind.clone(),
    })
    .to_string()
}

/// Checks a decision against the repository's state; an empty list means it may be recorded.
/// `review` is the self-review it is made on, which the evidence rules need.
pub fn check(catalog: &Catalog, decision: &Decision, review: Option<&SelfReview>) -> Vec<Refusal> {
    let mut out = Vec::new();
    let panel = &catalog.panel;
    let school = &decision.school;
    let name = |id: &MemberId| {
        panel
            .member(id)
            .map_or_else(|| id.to_string(), |m| format!("{} ({id})", m.name))
    };

    let path = path_of(decision);
    if catalog.decisions.iter().any(|(p, _)| *p == path) {
        refuse(
            &mut out,
            "already-recorded",
            format!(
                "a decision is already recorded at {path}; to correct it, record a new decision that supersedes it"
            ),
        );
    }
    if let Some(target) = &decision.supersedes
        && !catalog
            .decisions
            .iter()
            .any(|(p, d)| p == target && &d.school == school)
    {
        refuse(
            &mut out,
            "supersedes",
            format!("supersedes {target}, which is not a decision of {school}"),
        );
    }
    if !catalog
        .years
        .get(school)
        .is_some_and(|y| y.contains(&decision.year))
    {
        refuse(
            &mut out,
            "no-submission",
            format!(
                "{school} has no submission for {} to decide on",
                decision.year
            ),
        );
    }

    let meeting = catalog.meetings.get(&decision.meeting);
    match meeting {
        None => refuse(
            &mut out,
            "no-meeting",
            format!(
                "no meeting is recorded on {}; record the meeting and its attendance first",
                decision.meeting
            ),
        ),
        Some(m) if m.present.is_empty() => refuse(
            &mut out,
            "no-attendance",
            format!(
                "attendance has not been recorded for the meeting on {}; record who is present first",
                m.date
            ),
        ),
        Some(m) => {
            if let Err(short) = panel.quorum_check(&m.present) {
                refuse(
                    &mut out,
                    "quorum",
                    format!("the meeting on {}: {short}", m.date),
                );
            }
        }
    }
    // The panel decides what is on its agenda; a correction is put on the agenda too.
    if let Some(m) = meeting {
        let listed = m
            .agenda
            .iter()
            .any(|i| &i.school == school && i.year == decision.year && i.kind == decision.kind);
        if !listed {
            refuse(
                &mut out,
                "not-on-agenda",
                format!(
                    "{school} {} {} is not on the agenda of the meeting on {}; add it to the agenda first",
                    decision.year, decision.kind, m.date
                ),
            );
        }
    }
    let present: BTreeSet<&MemberId> = meeting
        .map(|m| m.present.iter().collect())
        .unwrap_or_default();
    let conflicted = conflicts(panel, meeting, school);
    let conflict_of = |id: &MemberId| conflicted.iter().find(|c| &c.member == id);
    let check_member = |out: &mut Vec<Refusal>,
                        id: &MemberId,
                        role: &str,
                        rule_absent: &'static str,
                        rule_conflict: &'static str| {
        if panel.member(id).is_none() {
            refuse(
                out,
                "unknown-member",
                format!("{id} ({role}) is not a member of the panel"),
            );
            return;
        }
        if meeting.is_some_and(|m| !m.present.is_empty()) && !present.contains(id) {
            refuse(
                out,
                rule_absent,
                format!(
                    "{} cannot {role}: not recorded as present at the meeting",
                    name(id)
                ),
            );
        }
        if let Some(c) = conflict_of(id) {
            refuse(
                out,
                rule_conflict,
                format!(
                    "{} cannot {role}: conflicted for {school} ({})",
                    name(id),
                    c.reason
                ),
            );
        }
    };
    check_member(
        &mut out,
        &decision.recorder,
        "record this decision",
        "recorder-absent",
        "recorder-conflicted",
    );
    if decision.participants.is_empty() {
        refuse(
            &mut out,
            "no-participants",
            "no members are listed as taking part".into(),
        );
    }
    for id in &decision.participants {
        check_member(
            &mut out,
            id,
            "take part in this decision",
            "participant-absent",
            "participant-conflicted",
        );
    }
    // Those taking part must themselves be a quorum: conflicts can leave too few.
    if !decision.participants.is_empty()
        && let Err(short) = panel.quorum_check(&decision.participants)
    {
        refuse(
            &mut out,
            "quorum",
            format!("among those taking part: {short}"),
        );
    }

    let Some(rubric) = catalog.rubric_for_submission(school, review) else {
        refuse(
            &mut out,
            "no-rubric",
            format!("the rubric of {school} is not in rubrics/"),
        );
        return out;
    };
    let Some(kind) = rubric.kind(&decision.kind) else {
        let kinds: Vec<&str> = rubric
            .decision_kinds
            .iter()
            .map(|k| k.id.as_str())
            .collect();
        refuse(
            &mut out,
            "kind",
            format!(
                "{:?} is not a decision kind of {} ({})",
                decision.kind.as_str(),
                rubric.id,
                kinds.join(", ")
            ),
        );
        return out;
    };
    let Some(outcome) = kind.outcomes.iter().find(|o| o.id == decision.outcome) else {
        let allowed: Vec<&str> = kind.outcomes.iter().map(|o| o.id.as_str()).collect();
        refuse(
            &mut out,
            "outcome",
            format!(
                "{:?} is not an outcome of {}; allowed: {}",
                decision.outcome.as_str(),
                kind.id,
                allowed.join(", ")
            ),
        );
        return out;
    };
    if outcome.needs_conditions && decision.conditions.is_empty() {
        refuse(
            &mut out,
            "conditions",
            format!(
                "the outcome {} needs at least one condition with a due date",
                outcome.id
            ),
        );
    }
    for c in &decision.conditions {
        if c.due <= decision.meeting {
            refuse(
                &mut out,
                "conditions",
                format!(
                    "the condition {:?} is due on {}, not after the meeting",
                    c.text, c.due
                ),
            );
        }
        if c.text.trim().is_empty() {
            refuse(&mut out, "conditions", "a condition has no text".into());
        }
    }
    for j in &decision.areas {
        if rubric.area(&j.area).is_none() {
            refuse(
                &mut out,
                "area",
                format!("{:?} is not an area of {}", j.area.as_str(), rubric.id),
            );
        }
        if rubric.judgement_level(&j.judgement).is_none() {
            refuse(
                &mut out,
                "judgement",
                format!(
                    "{:?} is not on the judgement scale of {}",
                    j.judgement.as_str(),
                    rubric.id
                ),
            );
        }
    }

    // An award (or an accepted review) must meet the rubric's rules, or say why not.
    let positive = matches!(
        outcome.effect,
        Effect::Grant { .. } | Effect::ReviewAccepted { .. }
    );
    if positive {
        let records: Vec<DecisionRecord> = catalog
            .decision_records(school)
            .into_iter()
            .filter(|r| r.path != path)
            .collect();
        let mut failed: Vec<String> =
            eligibility_checks(rubric, &decision.kind, &records, decision.meeting)
                .into_iter()
                .filter(|c| !c.met)
                .map(|c| format!("{} ({})", c.description, c.reason))
                .collect();
        let evidence_rules = rubric.evidence_rules_for(&decision.kind).count();
        match review {
            Some(review) => failed.extend(
                evidence_checks(rubric, &decision.kind, review)
                    .into_iter()
                    .filter(|c| !c.met)
                    .map(|c| format!("{} ({})", c.description, c.reason)),
            ),
            None if evidence_rules > 0 => {
                failed.push("the evidence rules cannot be checked: there is no self-review".into())
            }
            None => {}
        }
        let overridden = decision
            .override_reason
            .as_deref()
            .is_some_and(|r| !r.trim().is_empty());
        if !failed.is_empty() && !overridden {
            refuse(
                &mut out,
                "rules",
                format!(
                    "{} not met: {}; give the panel's reason to override it, or choose another outcome",
                    if failed.len() == 1 {
                        "a rule is"
                    } else {
                        "rules are"
                    },
                    failed.join("; ")
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::from_ron;
    use std::collections::BTreeMap;

    macro_rules! fixture {
        ($path:literal) => {
            from_ron(include_str!(concat!("../../tests/fixtures/base/", $path))).unwrap()
        };
    }

    /// The base fixture without its decision, so that the decision can be made afresh.
    fn catalog() -> (Catalog, Decision, SelfReview) {
        let rubric: crate::model::Rubric = fixture!("rubrics/mini.ron");
        let school: crate::model::School = fixture!("submissions/oak/school.ron");
        let meeting: Meeting = fixture!("meetings/2025-11-12.ron");
        let decision: Decision = fixture!("decisions/oak/2025-26/2025-11-12-initial.ron");
        let review: SelfReview = fixture!("submissions/oak/2025-26/self-review.ron");
        let catalog = Catalog {
            panel: fixture!("panel.ron"),
            rubrics: BTreeMap::from([(rubric.id.clone(), rubric)]),
            schools: BTreeMap::from([(school.id.clone(), school)]),
            years: BTreeMap::from([("oak".parse().unwrap(), vec!["2025-26".parse().unwrap()])]),
            meetings: BTreeMap::from([(meeting.date, meeting)]),
            decisions: Vec::new(),
        };
        (catalog, decision, review)
    }

    fn rules(refusals: &[Refusal]) -> Vec<&'static str> {
        refusals.iter().map(|r| r.rule).collect()
    }

    fn id(s: &str) -> MemberId {
        s.parse().unwrap()
    }

    #[test]
    fn a_proper_decision_passes() {
        let (catalog, decision, review) = catalog();
        assert_eq!(check(&catalog, &decision, Some(&review)), vec![]);
    }

    #[test]
    fn a_conflicted_member_can_neither_take_part_nor_record() {
        let (catalog, mut decision, review) = catalog();
        decision.recorder = id("head");
        decision.participants.push(id("head"));
        let refusals = check(&catalog, &decision, Some(&review));
        assert_eq!(
            rules(&refusals),
            vec!["recorder-conflicted", "participant-conflicted"]
        );
        assert_eq!(
            refusals[0].message,
            "Dan Head (head) cannot record this decision: conflicted for oak (affiliated with oak (panel.ron); declared conflict, institutional: Headteacher of Oak School)"
        );
        let conflicted = conflicts(
            &catalog.panel,
            catalog.meetings.values().next(),
            &"oak".parse().unwrap(),
        );
        assert_eq!(conflicted.len(), 1);
    }

    #[test]
    fn an_absent_member_can_neither_take_part_nor_record() {
        let (mut catalog, decision, review) = catalog();
        let meeting = catalog.meetings.values_mut().next().unwrap();
        meeting.present.retain(|m| m != "psych");
        meeting.apologies.push(id("psych"));
        let refusals = check(&catalog, &decision, Some(&review));
        assert!(
            rules(&refusals).contains(&"participant-absent"),
            "{refusals:?}"
        );
        assert!(refusals.iter().any(|r| r.message.starts_with(
            "Cara Psych (psych) cannot take part in this decision: not recorded as present"
        )));
    }

    #[test]
    fn no_quorum_no_decision() {
        let (mut catalog, mut decision, review) = catalog();
        let meeting = catalog.meetings.values_mut().next().unwrap();
        meeting.present = vec![id("chair"), id("nurse")];
        decision.participants = vec![id("chair"), id("nurse")];
        let refusals = check(&catalog, &decision, Some(&review));
        assert_eq!(rules(&refusals), vec!["quorum", "quorum"]);
        assert!(
            refusals[0]
                .message
                .contains("no quorum: 2 member(s) from 2 agency role(s) present"),
            "{}",
            refusals[0].message
        );
        // Attendance not yet taken is a refusal of its own.
        catalog
            .meetings
            .values_mut()
            .next()
            .unwrap()
            .present
            .clear();
        let refusals = check(&catalog, &decision, Some(&review));
        assert!(rules(&refusals).contains(&"no-attendance"), "{refusals:?}");
    }

    #[test]
    fn outcomes_conditions_and_rules() {
        let (catalog, mut decision, review) = catalog();
        decision.outcome = "accepted".parse().unwrap();
        assert_eq!(
            rules(&check(&catalog, &decision, Some(&review))),
            vec!["outcome"]
        );
        decision.outcome = "awarded-with-conditions".parse().unwrap();
        assert_eq!(
            rules(&check(&catalog, &decision, Some(&review))),
            vec!["conditions"]
        );
        decision.conditions.push(crate::model::Condition {
            text: "Train the governor".into(),
            due: jiff::civil::date(2026, 3, 31),
        });
        assert_eq!(check(&catalog, &decision, Some(&review)), vec![]);

        // No evidence of student voice: the evidence rule is not met, unless overridden.
        let mut thin = review.clone();
        thin.areas[1].evidence.clear();
        let refusals = check(&catalog, &decision, Some(&thin));
        assert_eq!(rules(&refusals), vec!["rules"]);
        assert!(
            refusals[0].message.contains(
                "Evidence of pupil voice (too little evidence in Student voice (0 of 1))"
            ),
            "{}",
            refusals[0].message
        );
        decision.override_reason = Some("Evidence seen at the panel's visit".into());
        assert_eq!(check(&catalog, &decision, Some(&thin)), vec![]);
        // A refusal outcome needs no rules met.
        decision.outcome = "resubmission-requested".parse().unwrap();
        decision.override_reason = None;
        assert_eq!(check(&catalog, &decision, Some(&thin)), vec![]);
    }

    #[test]
    fn eligibility_for_an_additional_award() {
        let (mut catalog, mut decision, review) = catalog();
        decision.kind = "extra".parse().unwrap();
        decision.outcome = "awarded".parse().unwrap();
        let meeting = catalog.meetings.values_mut().next().unwrap();
        meeting.agenda.push(crate::model::AgendaItem {
            school: decision.school.clone(),
            year: decision.year,
            kind: decision.kind.clone(),
        });
        let refusals = check(&catalog, &decision, Some(&review));
        assert_eq!(rules(&refusals), vec!["rules"]);
        assert!(
            refusals[0].message.contains("has not been awarded"),
            "{}",
            refusals[0].message
        );
        // With the mark held for over a year, it may be awarded.
        let mut award: Decision = fixture!("decisions/oak/2025-26/2025-11-12-initial.ron");
        award.meeting = jiff::civil::date(2024, 6, 1);
        catalog
            .decisions
            .push(("decisions/oak/2025-26/2024-06-01-initial.ron".into(), award));
        assert_eq!(check(&catalog, &decision, Some(&review)), vec![]);
    }

    #[test]
    fn only_items_on_the_agenda_are_decided() {
        let (catalog, mut decision, review) = catalog();
        decision.kind = "annual-review".parse().unwrap();
        decision.outcome = "accepted".parse().unwrap();
        let refusals = check(&catalog, &decision, Some(&review));
        assert!(rules(&refusals).contains(&"not-on-agenda"), "{refusals:?}");
    }

    #[test]
    fn every_meeting_rule_is_one_of_the_listed_codes() {
        let (catalog, _, _) = catalog();
        let mut meeting = catalog.meetings.values().next().unwrap().clone();
        let item = meeting.agenda[0].clone();
        meeting.chair = id("nobody");
        meeting.present.push(meeting.present[0].clone());
        meeting.apologies.push(meeting.present[0].clone());
        meeting.conflicts.push(crate::model::Conflict {
            member: id("chair"),
            school: "elm".parse().unwrap(),
            kind: crate::model::ConflictKind::Personal,
            reason: " ".into(),
        });
        meeting.agenda.push(item.clone());
        meeting.agenda.push(crate::model::AgendaItem {
            year: "2019-20".parse().unwrap(),
            ..item.clone()
        });
        meeting.agenda.push(crate::model::AgendaItem {
            kind: "no-such-kind".parse().unwrap(),
            ..item
        });
        let found: BTreeSet<&str> = check_meeting(&catalog, &meeting)
            .iter()
            .map(|r| r.rule)
            .collect();
        assert_eq!(found, MEETING_RULES.into_iter().collect());
    }

    #[test]
    fn by_default_those_present_and_not_conflicted_take_part() {
        let (catalog, _, _) = catalog();
        let meeting = catalog.meetings.values().next().unwrap();
        let oak = "oak".parse().unwrap();
        let chosen = default_participants(&catalog.panel, Some(meeting), &oak);
        let mut expected: Vec<MemberId> = meeting
            .present
            .iter()
            .filter(|m| *m != "head")
            .cloned()
            .collect();
        expected.sort();
        assert_eq!(chosen, expected);
        assert!(default_participants(&catalog.panel, None, &oak).is_empty());
    }

    #[test]
    fn a_second_decision_at_the_same_path_is_refused() {
        let (mut catalog, decision, review) = catalog();
        catalog
            .decisions
            .push((path_of(&decision), decision.clone()));
        assert_eq!(
            rules(&check(&catalog, &decision, Some(&review))),
            vec!["already-recorded"]
        );
    }
}
