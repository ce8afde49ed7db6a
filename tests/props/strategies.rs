//! Strategies for the model's values: every field within the rules its type enforces, and
//! text of any kind, since schools and panel members type whatever they like.

use std::collections::BTreeMap;

use jiff::civil::Date;
use kitemark::model::{
    AcademicYear, Action, ActionPlan, ActionStatus, AgendaItem, AreaJudgement, AreaReview,
    Condition, Conflict, ConflictKind, Contact, Decision, Evidence, EvidenceKind, FileRef, Meeting,
    Member, MemberKey, Moderation, Panel, Phase, Quorum, Role, School, SelfReview, SubmissionRef,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;

use kitemark::model::rubric;

/// Characters that have a meaning to RON, to a terminal or to a text file, given extra weight
/// so that a short string is likely to hold some of them.
const AWKWARD: &[char] = &[
    '\n', '\r', '\t', '"', '\\', '\'', '#', '/', '*', '(', ')', '[', ']', '{', '}', ',', ':', ' ',
    '\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{a0}', '\u{200b}', '\u{2028}',
    '\u{202e}', '\u{2066}', '\u{feff}', '\u{fffd}', 'é', '\u{301}', '日', '😀', 'r', 'u', 'x',
];

/// Pieces of text that mean something to RON, to git or to a terminal.
const AWKWARD_PIECES: &[&str] = &[
    "\n=======\n",
    "=======",
    "<<<<<<< HEAD",
    "\n>>>>>>> theirs",
    "\n|||||||",
    "r#\"",
    "\"#",
    "/*",
    "*/",
    "//",
    "\\u{1b}",
    "\\n",
    "\\\"",
    "\r\n",
    "\u{1b}[2J",
    "Some(",
    "None",
    "#![enable(implicit_some)]",
];

/// Any text: arbitrary Unicode, with line breaks, quotes, backslashes, control characters
/// and RON's and git's special sequences well represented.
pub fn text() -> impl Strategy<Value = String> {
    vec(
        prop_oneof![
            3 => select(AWKWARD).prop_map(String::from),
            2 => any::<char>().prop_map(String::from),
            3 => "[a-z ]{1,6}",
            1 => select(AWKWARD_PIECES).prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|pieces| pieces.concat())
}

fn slug() -> impl Strategy<Value = String> {
    "[a-z0-9]|[a-z0-9][a-z0-9-]{0,62}[a-z0-9]"
}

macro_rules! slug_id {
    ($name:ident, $ty:ty) => {
        pub fn $name() -> impl Strategy<Value = $ty> {
            slug().prop_map(|s| s.parse().unwrap())
        }
    };
}

slug_id!(school_id, kitemark::model::SchoolId);
slug_id!(member_id, kitemark::model::MemberId);
slug_id!(rubric_id, kitemark::model::RubricId);
slug_id!(area_id, kitemark::model::AreaId);
slug_id!(level_id, kitemark::model::LevelId);
slug_id!(kind_id, kitemark::model::KindId);
slug_id!(outcome_id, kitemark::model::OutcomeId);
slug_id!(criterion_id, kitemark::model::CriterionId);
slug_id!(stage_id, kitemark::model::StageId);

pub fn action_id() -> impl Strategy<Value = kitemark::model::ActionId> {
    "[A-Za-z0-9.]|[A-Za-z0-9.][A-Za-z0-9.-]{0,62}[A-Za-z0-9.]".prop_map(|s| s.parse().unwrap())
}

pub fn year() -> impl Strategy<Value = AcademicYear> {
    (1990i16..=2200).prop_map(|y| AcademicYear::starting(y).unwrap())
}

/// Any date jiff can hold, the ends of its range included.
pub fn date() -> impl Strategy<Value = Date> {
    prop_oneof![
        (-9999i16..=9999, 1i8..=12, 1i8..=31),
        (1990i16..=2100, 1i8..=12, 1i8..=31),
    ]
    .prop_filter_map("a day the month has", |(y, m, d)| Date::new(y, m, d).ok())
}

fn object_id() -> impl Strategy<Value = kitemark::model::ObjectId> {
    prop_oneof!["[0-9a-f]{40}", "[0-9a-f]{64}"].prop_map(|s| s.parse().unwrap())
}

pub fn school() -> impl Strategy<Value = School> {
    (
        (school_id(), text(), select(PHASES), text(), text()),
        (
            proptest::option::of(text()),
            proptest::option::of(any::<u32>()),
            vec(contact(), 0..3),
            proptest::option::of(rubric_id()),
        ),
    )
        .prop_map(
            |((id, name, phase, dspl_area, town), (urn, pupils, contacts, rubric))| School {
                id,
                name,
                phase,
                dspl_area,
                town,
                urn,
                pupils,
                contacts,
                rubric,
            },
        )
}

const PHASES: &[Phase] = &[
    Phase::EarlyYears,
    Phase::Infant,
    Phase::Primary,
    Phase::Junior,
    Phase::Secondary,
    Phase::AllThrough,
    Phase::Special,
    Phase::EducationSupportCentre,
    Phase::SixthFormCollege,
    Phase::FurtherEducation,
];

fn contact() -> impl Strategy<Value = Contact> {
    (text(), text(), text()).prop_map(|(name, role, email)| Contact { name, role, email })
}

const EVIDENCE_KINDS: &[EvidenceKind] = &[
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

fn area_review() -> impl Strategy<Value = AreaReview> {
    (
        area_id(),
        level_id(),
        text(),
        vec(text(), 0..3),
        vec(text(), 0..3),
        vec(
            (text(), select(EVIDENCE_KINDS), text()).prop_map(|(title, kind, note)| Evidence {
                title,
                kind,
                note,
            }),
            0..3,
        ),
        btree_map(criterion_id(), any::<u32>(), 0..3),
    )
        .prop_map(
            |(area, level, reflection, strengths, gaps, evidence, scores): (
                _,
                _,
                _,
                _,
                _,
                _,
                BTreeMap<_, _>,
            )| AreaReview {
                area,
                level,
                reflection,
                strengths,
                gaps,
                evidence,
                scores,
            },
        )
}

pub fn self_review() -> impl Strategy<Value = SelfReview> {
    (
        (school_id(), year(), rubric_id(), text(), date()),
        (
            text(),
            proptest::option::of(stage_id()),
            text(),
            vec(area_review(), 0..4),
        ),
    )
        .prop_map(
            |(
                (school, year, rubric, rubric_version, submitted),
                (submitted_by, stage, summary, areas),
            )| SelfReview {
                school,
                year,
                rubric,
                rubric_version,
                submitted,
                submitted_by,
                stage,
                summary,
                areas,
            },
        )
}

pub const STATUSES: &[ActionStatus] = &[
    ActionStatus::NotStarted,
    ActionStatus::InProgress,
    ActionStatus::Done,
    ActionStatus::Dropped,
];

pub fn action() -> impl Strategy<Value = Action> {
    (
        (action_id(), area_id(), text(), text()),
        (date(), date(), text(), select(STATUSES), text()),
    )
        .prop_map(
            |((id, area, text, owner), (start, due, success, status, progress))| Action {
                id,
                area,
                text,
                owner,
                start,
                due,
                success,
                status,
                progress,
            },
        )
}

pub fn action_plan() -> impl Strategy<Value = ActionPlan> {
    (school_id(), year(), date(), vec(action(), 0..6)).prop_map(
        |(school, year, updated, actions)| ActionPlan {
            school,
            year,
            updated,
            actions,
        },
    )
}

pub fn decision() -> impl Strategy<Value = Decision> {
    let areas = vec(
        (area_id(), level_id(), text()).prop_map(|(area, judgement, feedback)| AreaJudgement {
            area,
            judgement,
            feedback,
        }),
        0..3,
    );
    let conditions = vec(
        (text(), date()).prop_map(|(text, due)| Condition { text, due }),
        0..3,
    );
    let made_on = proptest::option::of(
        (
            object_id(),
            vec(
                (text(), object_id()).prop_map(|(path, blob)| FileRef { path, blob }),
                0..3,
            ),
        )
            .prop_map(|(commit, files)| SubmissionRef { commit, files }),
    );
    (
        (school_id(), year(), kind_id(), date(), outcome_id(), areas),
        (text(), conditions, vec(member_id(), 0..4), member_id()),
        (
            made_on,
            proptest::option::of(text()),
            proptest::option::of(text()),
            proptest::option::of(level_id()),
            proptest::option::of(
                (btree_map(criterion_id(), any::<u32>(), 0..3), text())
                    .prop_map(|(scores, reason)| Moderation { scores, reason }),
            ),
        ),
    )
        .prop_map(
            |(
                (school, year, kind, meeting, outcome, areas),
                (feedback, conditions, participants, recorder),
                (made_on, supersedes, override_reason, grade, moderation),
            )| Decision {
                school,
                year,
                kind,
                meeting,
                outcome,
                areas,
                feedback,
                conditions,
                participants,
                recorder,
                made_on,
                supersedes,
                override_reason,
                grade,
                moderation,
            },
        )
}

const CONFLICT_KINDS: &[ConflictKind] = &[
    ConflictKind::Institutional,
    ConflictKind::ProfessionalInvolvement,
    ConflictKind::Personal,
    ConflictKind::Other,
];

pub fn meeting() -> impl Strategy<Value = Meeting> {
    let conflicts = vec(
        (member_id(), school_id(), select(CONFLICT_KINDS), text()).prop_map(
            |(member, school, kind, reason)| Conflict {
                member,
                school,
                kind,
                reason,
            },
        ),
        0..3,
    );
    let agenda = vec(
        (school_id(), year(), kind_id()).prop_map(|(school, year, kind)| AgendaItem {
            school,
            year,
            kind,
        }),
        0..3,
    );
    (
        (date(), member_id(), text(), vec(member_id(), 0..4)),
        (vec(member_id(), 0..3), conflicts, agenda, text()),
    )
        .prop_map(
            |((date, chair, location, present), (apologies, conflicts, agenda, notes))| Meeting {
                date,
                chair,
                location,
                present,
                apologies,
                conflicts,
                agenda,
                notes,
                readers: Vec::new(),
            },
        )
}

const ROLES: &[Role] = &[
    Role::PublicHealth,
    Role::PublicHealthNursing,
    Role::EducationalPsychology,
    Role::SchoolRepresentative,
    Role::SchoolImprovement,
    Role::MentalHealthStrategicLead,
    Role::Dspl,
    Role::Other,
];

fn member() -> impl Strategy<Value = Member> {
    let keys = vec(
        (
            text(),
            proptest::option::of(date()),
            proptest::option::of(date()),
        )
            .prop_map(|(key, from, until)| MemberKey { key, from, until }),
        0..2,
    );
    (
        (member_id(), text(), text(), select(ROLES)),
        (text(), vec(school_id(), 0..3), any::<bool>(), keys),
    )
        .prop_map(
            |((id, name, email, role), (organisation, affiliations, administrator, keys))| Member {
                id,
                name,
                email,
                role,
                organisation,
                affiliations,
                administrator,
                keys,
            },
        )
}

pub fn panel() -> impl Strategy<Value = Panel> {
    (
        text(),
        rubric_id(),
        (any::<u32>(), any::<u32>()),
        vec(member(), 0..4),
        any::<bool>(),
    )
        .prop_map(
            |(name, default_rubric, (min_present, min_agencies), members, require_signatures)| {
                Panel {
                    name,
                    default_rubric,
                    quorum: Quorum {
                        min_present,
                        min_agencies,
                    },
                    members,
                    require_signatures,
                }
            },
        )
}

fn level() -> impl Strategy<Value = rubric::Level> {
    (level_id(), text(), any::<u32>(), text()).prop_map(|(id, label, points, description)| {
        rubric::Level {
            id,
            label,
            points,
            description,
        }
    })
}

fn effect() -> impl Strategy<Value = rubric::Effect> {
    use rubric::Effect;
    prop_oneof![
        (award_id(), any::<u32>()).prop_map(|(award, months)| Effect::Grant { award, months }),
        award_id().prop_map(|award| Effect::ReviewAccepted { award }),
        Just(Effect::Resubmission),
        award_id().prop_map(|award| Effect::Withdrawn { award }),
        Just(Effect::NotAwarded),
        Just(Effect::Feedback),
    ]
}

slug_id!(award_id, kitemark::model::AwardId);
slug_id!(rule_id, kitemark::model::RuleId);

pub fn rubric() -> impl Strategy<Value = kitemark::model::Rubric> {
    let criterion = (criterion_id(), text(), proptest::option::of(any::<u32>())).prop_map(
        |(id, text, max_points)| rubric::Criterion {
            id,
            text,
            max_points,
        },
    );
    let area = (
        (area_id(), text(), text(), text(), any::<bool>()),
        (vec(criterion, 0..3), vec(text(), 0..2)),
    )
        .prop_map(
            |((id, code, title, description, central), (criteria, prompts))| rubric::Area {
                id,
                code,
                title,
                description,
                central,
                criteria,
                prompts,
            },
        );
    let stage = (stage_id(), text(), text()).prop_map(|(id, title, description)| rubric::Stage {
        id,
        title,
        description,
    });
    let award = (
        award_id(),
        text(),
        text(),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(
            |(id, title, description, annual_review_months)| rubric::AwardDef {
                id,
                title,
                description,
                annual_review_months,
            },
        );
    let outcome = (outcome_id(), text(), text(), effect(), any::<bool>()).prop_map(
        |(id, title, description, effect, needs_conditions)| rubric::Outcome {
            id,
            title,
            description,
            effect,
            needs_conditions,
        },
    );
    let kind = (kind_id(), text(), text(), vec(outcome, 0..3)).prop_map(
        |(id, title, description, outcomes)| rubric::DecisionKind {
            id,
            title,
            description,
            outcomes,
        },
    );
    let evidence_rule = (
        rule_id(),
        text(),
        vec(kind_id(), 0..2),
        vec(area_id(), 0..2),
        any::<u32>(),
        any::<u32>(),
    )
        .prop_map(
            |(id, description, applies_to, areas, min_per_area, min_total)| rubric::EvidenceRule {
                id,
                description,
                applies_to,
                areas,
                min_per_area,
                min_total,
            },
        );
    let eligibility_rule = (
        rule_id(),
        text(),
        vec(kind_id(), 0..2),
        award_id(),
        any::<u32>(),
    )
        .prop_map(
            |(id, description, applies_to, award, min_months)| rubric::EligibilityRule {
                id,
                description,
                applies_to,
                requires: rubric::Requirement::AwardHeld { award, min_months },
            },
        );
    let boundary = (level_id(), any::<u32>())
        .prop_map(|(level, min_points)| rubric::GradeBoundary { level, min_points });
    (
        (rubric_id(), text(), text(), text(), text()),
        (vec(area, 0..3), vec(stage, 0..2), vec(level(), 0..3)),
        (vec(level(), 0..3), vec(award, 0..2), vec(kind, 0..3)),
        (
            vec(evidence_rule, 0..2),
            vec(eligibility_rule, 0..2),
            vec(boundary, 0..2),
        ),
    )
        .prop_map(
            |(
                (id, title, version, source, description),
                (areas, stages, self_assessment),
                (judgement, awards, decision_kinds),
                (evidence_rules, eligibility_rules, grade_boundaries),
            )| kitemark::model::Rubric {
                id,
                title,
                version,
                source,
                description,
                areas,
                stages,
                self_assessment,
                judgement,
                awards,
                decision_kinds,
                evidence_rules,
                eligibility_rules,
                grade_boundaries,
                short_title: None,
                succeeds: None,
            },
        )
}
