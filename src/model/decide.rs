//! The rules a decision must meet before it is recorded (SPEC §2.3): a meeting with a quorum,
//! members who were present and are not conflicted, an outcome the rubric allows, conditions
//! where the outcome needs them, and, for an award, the rubric's evidence and eligibility rules
//! (or a recorded reason for overriding them). Each refusal names the rule and who it is about.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::catalog::Catalog;
use super::decision::Decision;
use jiff::civil::Date;

use super::ids::{AcademicYear, MemberId, SchoolId};
use super::layout::{Classified, DecisionPath, PanelPath, classify};
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

/// Whether `member` is conflicted for `school` at `meeting`: affiliated with it (panel.ron) or
/// with a conflict declared there. [`conflicts`] lists them with their reasons.
pub fn is_conflicted(
    panel: &Panel,
    meeting: &Meeting,
    member: &MemberId,
    school: &SchoolId,
) -> bool {
    panel
        .member(member)
        .is_some_and(|m| m.affiliations.contains(school))
        || meeting.declared_conflict(member, school).is_some()
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

/// A validator's finding, as recording refuses it: the same rule and message.
impl From<Finding> for Refusal {
    fn from(f: Finding) -> Refusal {
        Refusal {
            rule: f.rule,
            message: f.message,
        }
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

/// The code of every rule about the readers of a meeting's items, as `validate` and
/// recording both report it: a reader must be a member, free to read the school (not
/// conflicted for it by affiliation or declaration) and not have sent apologies; readers are
/// for items on the agenda, and an item's lead is not its second reader too.
pub const READER_RULES: [&str; 5] = [
    "reader-not-a-member",
    "reader-conflicted",
    "reader-absent",
    "readers-not-on-agenda",
    "reader-twice",
];

/// Where in a meeting's file a finding is, for the validator to point at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The `nth` occurrence (from 0) of `value` after `field`.
    Value {
        field: &'static str,
        value: String,
        nth: usize,
    },
    /// The field itself.
    Field(&'static str),
}

/// A meeting or decision rule broken: its code, what is wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub message: String,
    pub at: At,
}

/// What the meeting and decision rules need to know of the rest of the repository: the
/// validator answers from the files it has seen, recording from the catalog and the
/// self-reviews concerned.
pub trait Facts {
    /// The panel, if its file could be read.
    fn panel(&self) -> Option<&Panel>;
    /// Whether the school has a profile (`submissions/<id>/school.ron`).
    fn school_exists(&self, school: &SchoolId) -> bool;
    /// Whether the school has submission files for the year.
    fn has_submission(&self, school: &SchoolId, year: AcademicYear) -> bool;
    /// Whether a meeting is recorded on the date.
    fn meeting_exists(&self, date: Date) -> bool;
    /// The rubric the school's submission for the year follows.
    fn rubric_for(&self, school: &SchoolId, year: AcademicYear) -> Option<&Rubric>;
}

/// The rules' view of a catalog: the rubric a submission follows is the one its self-review
/// names where that is known ([`CatalogFacts::naming`]), else the school's. Recording a
/// decision names the one self-review it is made on, recording a meeting its agenda's.
pub struct CatalogFacts<'a> {
    catalog: &'a Catalog,
    named: BTreeMap<(SchoolId, AcademicYear), super::RubricId>,
}

impl<'a> CatalogFacts<'a> {
    pub fn new(catalog: &'a Catalog) -> CatalogFacts<'a> {
        CatalogFacts {
            catalog,
            named: BTreeMap::new(),
        }
    }

    /// The rubric the school's self-review for the year names.
    pub fn naming(&mut self, school: SchoolId, year: AcademicYear, rubric: super::RubricId) {
        self.named.insert((school, year), rubric);
    }
}

impl Facts for CatalogFacts<'_> {
    fn panel(&self) -> Option<&Panel> {
        Some(&self.catalog.panel)
    }
    fn school_exists(&self, school: &SchoolId) -> bool {
        self.catalog.schools.contains_key(school)
    }
    fn has_submission(&self, school: &SchoolId, year: AcademicYear) -> bool {
        self.catalog
            .years
            .get(school)
            .is_some_and(|y| y.contains(&year))
    }
    fn meeting_exists(&self, date: Date) -> bool {
        self.catalog.meetings.contains_key(&date)
    }
    fn rubric_for(&self, school: &SchoolId, year: AcademicYear) -> Option<&Rubric> {
        super::catalog::submission_rubric(
            &self.catalog.rubrics,
            self.named.get(&(school.clone(), year)),
            self.catalog.schools.get(school),
            Some(&self.catalog.panel),
        )
    }
}

/// The rules of a meeting's record, written once for `validate` and for recording: known
/// members, a chair who is present, nobody listed present twice or both present and absent,
/// conflicts with a reason about real schools, agenda items once each, about real submissions
/// and of a kind their rubric knows. In the order the file lists them.
pub fn meeting_findings(ctx: &impl Facts, meeting: &Meeting) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut push =
        |rule: &'static str, at: At, message: String| out.push(Finding { rule, message, at });
    let value = |field: &'static str, value: &str| At::Value {
        field,
        value: value.to_owned(),
        nth: 0,
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
                    kinds(rubric)
                ),
            );
        }
    }
    out.extend(reader_findings(ctx.panel(), meeting));
    out
}

/// The rules of [`READER_RULES`], in the order the file lists the readers.
fn reader_findings(panel: Option<&Panel>, meeting: &Meeting) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut nth: BTreeMap<(&'static str, String), usize> = BTreeMap::new();
    let mut at = |field: &'static str, value: &str| {
        let n = nth.entry((field, value.to_owned())).or_default();
        let at = At::Value {
            field,
            value: value.to_owned(),
            nth: *n,
        };
        *n += 1;
        at
    };
    for readers in &meeting.readers {
        let item = readers.item().to_string();
        let on_agenda = meeting.agenda.iter().any(|i| readers.is_of(i));
        // Pointed at by their lead: a school's id is named on the agenda and in conflicts too.
        let lead_at = at("lead", readers.lead.as_str());
        if !on_agenda {
            out.push(Finding {
                rule: "readers-not-on-agenda",
                message: format!("readers are named for {item}, which is not on the agenda"),
                at: lead_at.clone(),
            });
        }
        if readers.second.as_ref() == Some(&readers.lead) {
            out.push(Finding {
                rule: "reader-twice",
                message: format!(
                    "{:?} is both the lead reviewer and the second reader of {item}",
                    readers.lead.as_str()
                ),
                at: At::Value {
                    field: "second",
                    value: readers.lead.as_str().to_owned(),
                    nth: 0,
                },
            });
        }
        let second_at = readers.second.as_ref().map(|s| at("second", s.as_str()));
        let named = [
            ("lead", Some((&readers.lead, lead_at))),
            ("second", readers.second.as_ref().zip(second_at)),
        ];
        for (field, id) in named {
            let Some((id, here)) = id else { continue };
            let role = if field == "lead" {
                "lead reviewer"
            } else {
                "second reader"
            };
            let Some(panel) = panel else { continue };
            let Some(member) = panel.member(id) else {
                out.push(Finding {
                    rule: "reader-not-a-member",
                    message: format!(
                        "{:?} ({role} of {item}) is not a member of the panel",
                        id.as_str()
                    ),
                    at: here,
                });
                continue;
            };
            if member.affiliations.contains(&readers.school) {
                out.push(Finding {
                    rule: "reader-conflicted",
                    message: format!(
                        "{:?} cannot be the {role} of {item}: affiliated with the school (panel.ron)",
                        id.as_str()
                    ),
                    at: here.clone(),
                });
            } else if let Some(c) = meeting.declared_conflict(id, &readers.school) {
                out.push(Finding {
                    rule: "reader-conflicted",
                    message: format!(
                        "{:?} cannot be the {role} of {item}: a {} conflict is declared for the school",
                        id.as_str(),
                        c.kind.label()
                    ),
                    at: here.clone(),
                });
            }
            if meeting.apologies.contains(id) {
                out.push(Finding {
                    rule: "reader-absent",
                    message: format!(
                        "{:?} cannot be the {role} of {item}: they sent apologies",
                        id.as_str()
                    ),
                    at: here,
                });
            }
        }
    }
    out
}

/// Checks a meeting's record before it is committed, by the validator's own rules and codes
/// ([`meeting_findings`]): what `kitemark validate` would report, recording refuses.
pub fn check_meeting(ctx: &impl Facts, meeting: &Meeting) -> Vec<Refusal> {
    meeting_findings(ctx, meeting)
        .into_iter()
        .map(Refusal::from)
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

/// A decision is recorded at or after its meeting: one for a meeting after `today` is for a
/// meeting not yet held, and what the award is today would hang on a date still to come.
pub fn meeting_ahead(decision: &Decision, today: Date) -> Option<Refusal> {
    (decision.meeting > today).then(|| Refusal {
        rule: "meeting-ahead",
        message: format!(
            "the meeting on {} has not been held yet (today is {today}): a decision is recorded at or after its meeting",
            decision.meeting
        ),
    })
}

/// Where a decision is recorded.
pub fn path_of(decision: &Decision) -> String {
    PanelPath::Decision(DecisionPath {
        school: decision.school.clone(),
        year: decision.year,
        date: decision.meeting,
        kind: decision.kind.clone(),
        version: version_of(decision),
    })
    .to_string()
}

/// Which decision of its meeting and kind a decision is: 1, or one more than the decision it
/// supersedes when that was recorded for the same item at the same meeting (a correction on
/// the day). A correction at a later meeting has a path of its own already.
pub fn version_of(decision: &Decision) -> u32 {
    match decision.supersedes.as_deref().map(classify) {
        Some(Classified::File(PanelPath::Decision(old)))
            if old.school == decision.school
                && old.year == decision.year
                && old.date == decision.meeting
                && old.kind == decision.kind =>
        {
            old.version.saturating_add(1)
        }
        _ => 1,
    }
}

/// The rules of a decision's file that need no history, written once for `validate` and for
/// recording: a submission to decide on, a recorded meeting, members of the panel, someone
/// taking part. The rubric's rules follow in [`rubric_findings`].
pub fn decision_findings(facts: &impl Facts, decision: &Decision) -> Vec<Finding> {
    let mut out = Vec::new();
    if !facts.has_submission(&decision.school, decision.year) {
        out.push(Finding {
            rule: "unknown-submission",
            at: At::Field("school"),
            message: format!(
                "there is no submission at submissions/{}/{}/",
                decision.school, decision.year
            ),
        });
    }
    if !facts.meeting_exists(decision.meeting) {
        out.push(Finding {
            rule: "unknown-meeting",
            at: At::Field("meeting"),
            message: format!(
                "no meeting is recorded on {} (meetings/{}.ron)",
                decision.meeting, decision.meeting
            ),
        });
    }
    if let Some(panel) = facts.panel() {
        let people = decision
            .participants
            .iter()
            .map(|m| ("participants", m))
            .chain(std::iter::once(("recorder", &decision.recorder)));
        for (field, id) in people {
            if panel.member(id).is_none() {
                out.push(Finding {
                    rule: "unknown-member",
                    at: At::Value {
                        field,
                        value: id.as_str().to_owned(),
                        nth: 0,
                    },
                    message: format!("{:?} ({field}) is not a member of the panel", id.as_str()),
                });
            }
        }
    }
    if decision.participants.is_empty() {
        out.push(Finding {
            rule: "no-participants",
            at: At::Field("participants"),
            message: "no members took part".into(),
        });
    }
    // Each copy after the first: one person listed twice is not two people taking
    // part, and whatever counts or names those taking part must not take them for two.
    let mut seen = BTreeSet::new();
    for id in &decision.participants {
        if !seen.insert(id) {
            // At the list, as the meeting's rule points at `present`: a list's items have no
            // field of their own to point at.
            out.push(Finding {
                rule: "duplicate-id",
                at: At::Field("participants"),
                message: format!("{:?} is listed as taking part twice", id.as_str()),
            });
        }
    }
    out
}

/// The rules every condition meets: due after the meeting, and saying something. The decision
/// form marks its conditions with these, so that it never shows ✓ for what recording refuses.
pub fn condition_findings(conditions: &[crate::model::Condition], meeting: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let value = |field: &'static str, value: &str, nth: usize| At::Value {
        field,
        value: value.to_owned(),
        nth,
    };
    for condition in conditions {
        if condition.due <= meeting {
            out.push(Finding {
                rule: "bad-dates",
                at: value("due", &condition.due.to_string(), 0),
                message: format!(
                    "a condition is due on {}, not after the meeting",
                    condition.due
                ),
            });
        }
        if condition.text.trim().is_empty() {
            out.push(Finding {
                rule: "empty-text",
                at: value("due", &condition.due.to_string(), 0),
                message: format!("the condition due on {} has no text", condition.due),
            });
        }
    }
    out
}

/// The rubric's rules for a decision, written once for `validate`, recording and the audit: a
/// kind and an outcome it allows, conditions where the outcome needs them, each due after the
/// meeting and saying something, each area judged once, on the rubric's areas and scale.
pub fn rubric_findings(rubric: &Rubric, decision: &Decision) -> Vec<Finding> {
    let mut out = Vec::new();
    let value = |field: &'static str, value: &str, nth: usize| At::Value {
        field,
        value: value.to_owned(),
        nth,
    };
    let Some(kind) = rubric.kind(&decision.kind) else {
        out.push(Finding {
            rule: "unknown-kind",
            at: value("kind", decision.kind.as_str(), 0),
            message: format!(
                "{:?} is not a decision kind of {:?} ({})",
                decision.kind.as_str(),
                rubric.id.as_str(),
                kinds(rubric)
            ),
        });
        return out;
    };
    match kind.outcomes.iter().find(|o| o.id == decision.outcome) {
        None => out.push(Finding {
            rule: "bad-outcome",
            at: value("outcome", decision.outcome.as_str(), 0),
            message: format!(
                "{:?} is not an outcome of {:?} in {:?}; allowed: {}",
                decision.outcome.as_str(),
                kind.id.as_str(),
                rubric.id.as_str(),
                listed(kind.outcomes.iter().map(|o| o.id.as_str()))
            ),
        }),
        Some(outcome) if outcome.needs_conditions && decision.conditions.is_empty() => {
            out.push(Finding {
                rule: "missing-conditions",
                at: value("outcome", decision.outcome.as_str(), 0),
                message: format!(
                    "outcome {:?} needs at least one condition with a due date",
                    outcome.id.as_str()
                ),
            })
        }
        Some(_) => {}
    }
    out.extend(condition_findings(&decision.conditions, decision.meeting));
    out.extend(grade_findings(rubric, decision));
    let mut judged: BTreeMap<&str, usize> = BTreeMap::new();
    for j in &decision.areas {
        let n = judged.entry(j.area.as_str()).or_default();
        if *n >= 1 {
            out.push(Finding {
                rule: "duplicate-area",
                at: value("area", j.area.as_str(), *n),
                message: format!("area {:?} is judged more than once", j.area.as_str()),
            });
        }
        *n += 1;
    }
    for j in &decision.areas {
        if rubric.area(&j.area).is_none() {
            out.push(Finding {
                rule: "unknown-area",
                at: value("area", j.area.as_str(), 0),
                message: format!(
                    "{:?} is not an area of {:?}",
                    j.area.as_str(),
                    rubric.id.as_str()
                ),
            });
        }
        if rubric.judgement_level(&j.judgement).is_none() {
            out.push(Finding {
                rule: "unknown-level",
                at: value("judgement", j.judgement.as_str(), 0),
                message: format!(
                    "{:?} is not on the judgement scale of {:?} ({})",
                    j.judgement.as_str(),
                    rubric.id.as_str(),
                    listed(rubric.judgement.iter().map(|l| l.id.as_str()))
                ),
            });
        }
    }
    out
}

/// A graded mark's decision states the grade it awards, on the rubric's scale; the panel's
/// own scores are for the rubric's criteria, within their maximum, and come with a reason.
fn grade_findings(rubric: &Rubric, decision: &Decision) -> Vec<Finding> {
    let mut out = Vec::new();
    let needed = super::scores::needs_grade(rubric, decision);
    match &decision.grade {
        None if needed => out.push(Finding {
            rule: "missing-grade",
            at: At::Field("outcome"),
            message: format!(
                "outcome {:?} awards or continues a graded mark, so the decision states the grade awarded (grade: one of {})",
                decision.outcome.as_str(),
                listed(rubric.self_assessment.iter().map(|l| l.id.as_str()))
            ),
        }),
        // An outcome the rubric does not know is reported as such; its grade is not judged.
        Some(grade)
            if !needed && rubric.outcome(&decision.kind, &decision.outcome).is_some() =>
        {
            out.push(Finding {
            rule: "unexpected-grade",
            at: At::Field("grade"),
            message: format!(
                "the decision states grade {:?}, but {}",
                grade.as_str(),
                if super::scores::grades(rubric) {
                    "its outcome awards no mark"
                } else {
                    "its rubric does not grade"
                }
            ),
            })
        }
        Some(grade) if rubric.self_level(grade).is_none() => out.push(Finding {
            rule: "unknown-level",
            at: At::Field("grade"),
            message: format!(
                "{:?} is not a grade of {:?} ({})",
                grade.as_str(),
                rubric.id.as_str(),
                listed(rubric.self_assessment.iter().map(|l| l.id.as_str()))
            ),
        }),
        _ => {}
    }
    let Some(moderation) = &decision.moderation else {
        return out;
    };
    if moderation.reason.trim().is_empty() {
        out.push(Finding {
            rule: "missing-moderation-reason",
            at: At::Field("moderation"),
            message: "the panel's scores need the reason it moderated the school's".into(),
        });
    }
    for (criterion, points) in &moderation.scores {
        let max = rubric
            .areas
            .iter()
            .flat_map(|a| &a.criteria)
            .find(|c| &c.id == criterion)
            .map(|c| c.max_points);
        let message = match max {
            None => format!(
                "{:?} is not a criterion of {:?}",
                criterion.as_str(),
                rubric.id.as_str()
            ),
            Some(None) => format!("criterion {:?} is not scored", criterion.as_str()),
            Some(Some(max)) if *points > max => format!(
                "{points} points for {:?}, whose maximum is {max}",
                criterion.as_str()
            ),
            Some(Some(_)) => continue,
        };
        out.push(Finding {
            rule: "bad-moderated-score",
            at: At::Field("moderation"),
            message,
        });
    }
    out
}

fn kinds(rubric: &Rubric) -> String {
    listed(rubric.decision_kinds.iter().map(|k| k.id.as_str()))
}

/// Ids named in a message, in the file's order: `a, b, c`.
pub(super) fn listed<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join(", ")
}

/// Who a decision names in a part they could not play.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Recorder,
    Participant,
}

/// Why a member could not play their part in a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unable {
    /// Not recorded as present (`apologies`: they sent apologies).
    Absent { apologies: bool },
    /// Conflicted for the school, and why.
    Conflicted(String),
}

/// A member a decision names who could not play that part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfit {
    pub member: MemberId,
    pub part: Part,
    pub why: Unable,
}

/// The rule that only members present and not conflicted record or take part in a decision,
/// written once for recording and the audit: each member the decision names who was absent
/// (when attendance was taken) or conflicted for the school (when the panel is known), the
/// recorder first.
pub fn unfit_members(panel: Option<&Panel>, meeting: &Meeting, decision: &Decision) -> Vec<Unfit> {
    let conflicted = panel
        .map(|p| conflicts(p, Some(meeting), &decision.school))
        .unwrap_or_default();
    let people = std::iter::once((&decision.recorder, Part::Recorder))
        .chain(decision.participants.iter().map(|p| (p, Part::Participant)));
    let mut out = Vec::new();
    for (id, part) in people {
        if !meeting.present.is_empty() && !meeting.present.contains(id) {
            out.push(Unfit {
                member: id.clone(),
                part,
                why: Unable::Absent {
                    apologies: meeting.apologies.contains(id),
                },
            });
        }
        if let Some(c) = conflicted.iter().find(|c| &c.member == id) {
            out.push(Unfit {
                member: id.clone(),
                part,
                why: Unable::Conflicted(c.reason.clone()),
            });
        }
    }
    out
}

/// Why a decision has no quorum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoQuorum {
    /// The meeting's attendance was not recorded.
    NoAttendance,
    /// Those present at the meeting are not a quorum.
    Meeting(String),
    /// Those taking part are not a quorum (conflicts can leave too few).
    Participants(String),
}

/// The quorum rule, written once for recording and the audit: attendance recorded, a quorum
/// present, and a quorum among those taking part, in that order.
pub fn quorum_problems(panel: &Panel, meeting: &Meeting, decision: &Decision) -> Vec<NoQuorum> {
    if meeting.present.is_empty() {
        return vec![NoQuorum::NoAttendance];
    }
    let mut out = Vec::new();
    if let Err(short) = panel.quorum_check(&meeting.present) {
        out.push(NoQuorum::Meeting(short.to_string()));
    }
    if let Err(short) = panel.quorum_check(&decision.participants) {
        out.push(NoQuorum::Participants(short.to_string()));
    }
    out
}

/// Checks a decision against the repository's state; an empty list means it may be recorded.
/// `review` is the self-review it is made on, whose rubric it is judged by and which the
/// evidence rules need. The file's rules are `validate`'s, with its codes
/// ([`decision_findings`], [`rubric_findings`]); recording adds what only the state of the
/// panel can say (attendance, conflicts, quorum, the agenda, the award's rules).
pub fn check(catalog: &Catalog, decision: &Decision, review: Option<&SelfReview>) -> Vec<Refusal> {
    let mut out = Vec::new();
    let panel = &catalog.panel;
    let school = &decision.school;
    let mut facts = CatalogFacts::new(catalog);
    if let Some(review) = review {
        facts.naming(school.clone(), decision.year, review.rubric.clone());
    }
    let name = |id: &MemberId| {
        panel
            .member(id)
            .map_or_else(|| id.to_string(), |m| format!("{} ({id})", m.name))
    };
    let found = |out: &mut Vec<Refusal>, findings: Vec<Finding>| {
        out.extend(findings.into_iter().map(Refusal::from));
    };

    let path = path_of(decision);
    if catalog.decisions.iter().any(|(p, _)| *p == path) {
        // The decision that stands is the last correction of the one at this path.
        let standing = catalog
            .decision_at(school, decision.year, &decision.kind, decision.meeting)
            .map_or(path.as_str(), |(p, _)| p.as_str());
        refuse(
            &mut out,
            "already-recorded",
            format!(
                "a decision is already recorded at {path}; to correct it, record a new decision that supersedes {standing}"
            ),
        );
    }
    if let Some(target) = &decision.supersedes {
        if !catalog
            .decisions
            .iter()
            .any(|(p, d)| p == target && &d.school == school)
        {
            refuse(
                &mut out,
                "bad-supersedes",
                format!("supersedes {target:?}, which is not a decision of {school}"),
            );
        } else if let Some((later, _)) = catalog
            .decisions
            .iter()
            .find(|(_, d)| d.supersedes.as_deref() == Some(target.as_str()))
        {
            // Two corrections of one decision would leave it unclear which stands.
            refuse(
                &mut out,
                "bad-supersedes",
                format!("{target} is corrected already, by {later}; correct that one instead"),
            );
        }
    }
    found(&mut out, decision_findings(&facts, decision));

    let meeting = catalog.meetings.get(&decision.meeting);
    if let Some(m) = meeting {
        for problem in quorum_problems(panel, m, decision) {
            match problem {
                NoQuorum::NoAttendance => refuse(
                    &mut out,
                    "no-attendance",
                    format!(
                        "attendance has not been recorded for the meeting on {}; record who is present first",
                        m.date
                    ),
                ),
                NoQuorum::Meeting(short) => refuse(
                    &mut out,
                    "quorum",
                    format!("the meeting on {}: {short}", m.date),
                ),
                // Told apart below, once who may take part is known.
                NoQuorum::Participants(_) => {}
            }
        }
        // The panel decides what is on its agenda; a correction is put on the agenda too.
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
        // Members who are not on the panel are refused above, by name.
        for unfit in unfit_members(Some(panel), m, decision)
            .into_iter()
            .filter(|u| panel.member(&u.member).is_some())
        {
            let (role, absent, conflicted) = match unfit.part {
                Part::Recorder => (
                    "record this decision",
                    "recorder-absent",
                    "recorder-conflicted",
                ),
                Part::Participant => (
                    "take part in this decision",
                    "participant-absent",
                    "participant-conflicted",
                ),
            };
            match unfit.why {
                Unable::Absent { .. } => refuse(
                    &mut out,
                    absent,
                    format!(
                        "{} cannot {role}: not recorded as present at the meeting",
                        name(&unfit.member)
                    ),
                ),
                Unable::Conflicted(reason) => refuse(
                    &mut out,
                    conflicted,
                    format!(
                        "{} cannot {role}: conflicted for {school} ({reason})",
                        name(&unfit.member)
                    ),
                ),
            }
        }
        if !decision.participants.is_empty()
            && let Some(NoQuorum::Participants(short)) = quorum_problems(panel, m, decision)
                .into_iter()
                .find(|q| matches!(q, NoQuorum::Participants(_)))
        {
            refuse(
                &mut out,
                "quorum",
                format!("among those taking part: {short}"),
            );
        }
    }

    let Some(rubric) = catalog.rubric_for_submission(school, review) else {
        refuse(
            &mut out,
            "no-rubric",
            format!("the rubric of {school} is not in rubrics/"),
        );
        return out;
    };
    let rubric_problems = rubric_findings(rubric, decision);
    let stops = rubric_problems
        .iter()
        .any(|f| f.rule == "unknown-kind" || f.rule == "bad-outcome");
    found(&mut out, rubric_problems);
    let outcome = rubric.outcome(&decision.kind, &decision.outcome);
    let (false, Some(outcome)) = (stops, outcome) else {
        return out;
    };

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
        let mut failed: Vec<String> = eligibility_checks(
            catalog.lineage(rubric),
            &decision.kind,
            &records,
            decision.meeting,
        )
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

    use crate::model::testing::{base_catalog, base_fixture as fixture};

    /// The base fixture without its decision, so that the decision can be made afresh.
    fn catalog() -> (Catalog, Decision, SelfReview) {
        let decision: Decision = fixture!("decisions/oak/2025-26/2025-11-12-initial.ron");
        let review: SelfReview = fixture!("submissions/oak/2025-26/self-review.ron");
        (base_catalog(), decision, review)
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
    fn a_member_taking_part_twice_is_flagged() {
        let (catalog, mut decision, review) = catalog();
        decision.participants.push(id("psych"));
        let findings = decision_findings(&CatalogFacts::new(&catalog), &decision);
        let twice: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule == "duplicate-id")
            .collect();
        assert_eq!(twice.len(), 1, "{findings:?}");
        assert_eq!(twice[0].at, At::Field("participants"));
        assert!(
            twice[0].message.contains("\"psych\""),
            "{}",
            twice[0].message
        );
        // Recording refuses it too.
        let refusals = check(&catalog, &decision, Some(&review));
        assert!(rules(&refusals).contains(&"duplicate-id"), "{refusals:?}");
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
            vec!["bad-outcome"]
        );
        decision.outcome = "awarded-with-conditions".parse().unwrap();
        assert_eq!(
            rules(&check(&catalog, &decision, Some(&review))),
            vec!["missing-conditions"]
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
        // A refusal outcome needs no rules met, and awards no grade.
        decision.outcome = "resubmission-requested".parse().unwrap();
        decision.override_reason = None;
        assert_eq!(
            rules(&check(&catalog, &decision, Some(&thin))),
            vec!["unexpected-grade"]
        );
        decision.grade = None;
        assert_eq!(check(&catalog, &decision, Some(&thin)), vec![]);
        // An award states its grade.
        decision.outcome = "awarded".parse().unwrap();
        assert_eq!(
            rules(&check(&catalog, &decision, Some(&review))),
            vec!["missing-grade"]
        );
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
        let found: BTreeSet<&str> = check_meeting(&CatalogFacts::new(&catalog), &meeting)
            .iter()
            .map(|r| r.rule)
            .collect();
        assert_eq!(found, MEETING_RULES.into_iter().collect());
    }

    #[test]
    fn readers_are_members_free_to_read_the_school_and_of_items_on_the_agenda() {
        let (catalog, _, _) = catalog();
        let mut meeting = catalog.meetings.values().next().unwrap().clone();
        let item = meeting.agenda[0].clone();
        let readers = |lead: &str, second: Option<&str>| crate::model::ItemReaders {
            school: item.school.clone(),
            year: item.year,
            kind: item.kind.clone(),
            lead: id(lead),
            second: second.map(id),
        };
        let found = |meeting: &Meeting| -> Vec<&'static str> {
            check_meeting(&CatalogFacts::new(&catalog), meeting)
                .iter()
                .map(|r| r.rule)
                .collect()
        };
        meeting.readers = vec![readers("nurse", Some("psych"))];
        assert_eq!(found(&meeting), Vec::<&str>::new());
        // The head is conflicted for oak; the nurse sent apologies after all.
        meeting.present.retain(|m| m != "nurse");
        meeting.apologies.push(id("nurse"));
        meeting.readers = vec![readers("head", Some("nurse"))];
        assert_eq!(found(&meeting), ["reader-conflicted", "reader-absent"]);
        meeting.readers = vec![readers("nobody", Some("nobody"))];
        assert_eq!(
            found(&meeting),
            ["reader-twice", "reader-not-a-member", "reader-not-a-member"]
        );
        meeting.readers = vec![crate::model::ItemReaders {
            year: "2019-20".parse().unwrap(),
            ..readers("psych", None)
        }];
        assert_eq!(found(&meeting), ["readers-not-on-agenda"]);
        let all: BTreeSet<&str> = [
            readers("head", Some("nurse")),
            readers("nobody", Some("nobody")),
            crate::model::ItemReaders {
                year: "2019-20".parse().unwrap(),
                ..readers("psych", None)
            },
        ]
        .into_iter()
        .flat_map(|r| {
            let mut m = meeting.clone();
            m.readers = vec![r];
            found(&m)
        })
        .collect();
        assert_eq!(all, READER_RULES.into_iter().collect());
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
    fn the_file_rules_are_the_validators_with_its_codes() {
        let (catalog, mut decision, review) = catalog();
        let judged = decision.areas[0].clone();
        decision.areas.push(judged);
        decision.conditions.push(crate::model::Condition {
            text: " ".into(),
            due: decision.meeting,
        });
        decision.supersedes = Some("decisions/oak/2025-26/2020-01-01-initial.ron".into());
        assert_eq!(
            rules(&check(&catalog, &decision, Some(&review))),
            vec![
                "bad-supersedes",
                "bad-dates",
                "empty-text",
                "duplicate-area"
            ]
        );
        // The audit's outcome rule reads the same findings.
        let rubric = catalog
            .rubric_for_submission(&decision.school, Some(&review))
            .unwrap();
        decision.outcome = "gold-star".parse().unwrap();
        let found: Vec<&str> = rubric_findings(rubric, &decision)
            .iter()
            .map(|f| f.rule)
            .collect();
        assert_eq!(
            found,
            vec!["bad-outcome", "bad-dates", "empty-text", "duplicate-area"]
        );
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
