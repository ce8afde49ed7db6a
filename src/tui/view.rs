//! What the screens show, computed from the repository's data away from the UI thread. Every
//! string that came from the repository is sanitised here, so no screen can pass a control
//! character or escape sequence to the terminal.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;

use crate::model::catalog::{Catalog, SchoolStatus};
use crate::model::lifecycle::AwardStatus;
use crate::model::rules::{RuleCheck, eligibility_checks, evidence_checks};
use crate::model::text::{clean, sanitize};
use crate::model::{AcademicYear, ActionPlan, KindId, Meeting, SchoolId, SelfReview};

fn clean_block(s: &str) -> String {
    // ratatui drops tab characters; show them as the spaces they stand for.
    sanitize(s).replace('\t', "    ")
}

/// "DSPL 7 – St Albans and Harpenden" → "DSPL 7": the short form that fits a column.
pub fn short_area(area: &str) -> String {
    let cut = [" – ", " - ", ": ", " ("]
        .iter()
        .filter_map(|sep| area.find(sep))
        .min()
        .unwrap_or(area.len());
    clean(&area[..cut])
}

/// The header: which panel, which meeting, which commit.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct HeaderView {
    pub panel: String,
    pub meeting: Option<String>,
    pub chair: Option<String>,
    /// The quorum state in words, with a symbol.
    pub quorum: Option<(bool, String)>,
    pub branch: Option<String>,
    pub commit: String,
}

/// A rule check as shown.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RuleView {
    pub met: bool,
    pub description: String,
    pub reason: String,
}

impl From<RuleCheck> for RuleView {
    fn from(check: RuleCheck) -> Self {
        RuleView {
            met: check.met,
            description: clean(&check.description),
            reason: clean(&check.reason),
        }
    }
}

/// One item of the agenda (or one submission awaiting a decision).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgendaRow {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub name: String,
    pub phase: String,
    pub area: String,
    pub kind_title: String,
    pub status: String,
    pub decided: bool,
    /// Conflicted members: name and why.
    pub conflicts: Vec<(String, String)>,
    pub rules: Vec<RuleView>,
    /// Problems reading what the rules need.
    pub rule_problem: Option<String>,
    /// The evidence rules need the self-review, which is read after the agenda is shown.
    pub evidence_pending: bool,
    /// The school's conditions not yet met on the day the interface is opened as on (not the
    /// meeting's: looking back at a meeting, the panel wants to know where things stand now),
    /// in a few words each, and whether any is overdue.
    pub conditions: Vec<String>,
    pub conditions_overdue: bool,
    /// Where the members' reviews of the item stand, where it is on a meeting's agenda.
    pub reviews: Option<ReviewsAtGlance>,
    /// The key of the item's decision draft, where it is on a meeting's agenda.
    pub draft_key: Option<String>,
    /// Whether a decision draft on the item is saved and not yet recorded.
    pub draft: bool,
}

/// The readers of an agenda item and what their reviews recommend, for a row of the agenda.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReviewsAtGlance {
    /// The lead reviewer's surname, as a column has room for.
    pub lead: Option<String>,
    /// The reviews written and how many are expected.
    pub written: usize,
    pub expected: usize,
    /// `award ×1 · conditions ×1`.
    pub summary: String,
    /// The reviews recommend different outcomes.
    pub disagree: bool,
    /// Each reader or reviewer: name, "lead"/"second"/"", and what they recommend (`None`
    /// where their review is not in yet).
    #[serde(deserialize_with = "reader_roles")]
    pub readers: Vec<Reader>,
}

/// A reader or reviewer of an agenda item: name, "lead"/"second"/"", and what they
/// recommend (`None` where their review is not in yet).
pub type Reader = (String, &'static str, Option<String>);

/// The readers of [`ReviewsAtGlance`] as the cache keeps them, each role one of the three
/// the view gives; any other makes the kept view unreadable, and it is made again.
fn reader_roles<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Reader>, D::Error> {
    use serde::Deserialize;
    let kept = Vec::<(String, String, Option<String>)>::deserialize(deserializer)?;
    kept.into_iter()
        .map(|(name, role, recommends)| {
            let role = match role.as_str() {
                "lead" => "lead",
                "second" => "second",
                "" => "",
                _ => return Err(serde::de::Error::custom("not a reader's role")),
            };
            Ok((name, role, recommends))
        })
        .collect()
}

impl ReviewsAtGlance {
    /// `2/2`, or `–` where nobody reads the item and nothing is written.
    pub fn count(&self) -> String {
        if self.expected == 0 && self.written == 0 {
            "–".to_owned()
        } else {
            format!("{}/{}", self.written, self.expected)
        }
    }
}

/// A member's surname (the last word of their name), for a narrow column.
pub fn surname(catalog: &Catalog, id: &crate::model::MemberId) -> String {
    last_word(&member_name(catalog, id))
}

/// The last word of a name (all of it where it has none), for a narrow column.
pub fn last_word(name: &str) -> String {
    name.split_whitespace().last().unwrap_or(name).to_owned()
}

/// The readers and reviews of an item at a meeting, at a glance.
pub fn reviews_at_glance(
    catalog: &Catalog,
    meeting: &Meeting,
    item: &crate::model::AgendaItem,
) -> ReviewsAtGlance {
    let reviews = crate::model::enbloc::item_reviews(catalog, meeting, item);
    let readers = meeting.readers_of(item);
    let mut listed: Vec<(String, &'static str, Option<String>)> = Vec::new();
    if let Some(r) = readers {
        for (id, role) in
            std::iter::once((&r.lead, "lead")).chain(r.second.iter().map(|s| (s, "second")))
        {
            let written = reviews.reviews.iter().find(|v| &v.reviewer == id);
            listed.push((
                member_name(catalog, id),
                role,
                written.map(|v| clean(v.recommendation.as_str())),
            ));
        }
    }
    for v in &reviews.reviews {
        if readers.is_some_and(|r| r.members().any(|m| m == &v.reviewer)) {
            continue;
        }
        listed.push((
            member_name(catalog, &v.reviewer),
            "",
            Some(clean(v.recommendation.as_str())),
        ));
    }
    ReviewsAtGlance {
        lead: readers.map(|r| surname(catalog, &r.lead)),
        written: reviews.reviews.len(),
        expected: reviews.expected,
        summary: clean(&reviews.summary()),
        disagree: reviews.disagree(),
        readers: listed,
    }
}

impl AgendaRow {
    /// All rules met (`Some(true)`), some not (`Some(false)`), or none apply (`None`).
    pub fn rules_met(&self) -> Option<bool> {
        if self.evidence_pending {
            return None;
        }
        if self.rule_problem.is_some() {
            return Some(false);
        }
        (!self.rules.is_empty()).then(|| self.rules.iter().all(|r| r.met))
    }
}

/// The agenda screen's content.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AgendaView {
    pub title: String,
    pub rows: Vec<AgendaRow>,
}

/// One school on the schools screen.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SchoolRow {
    pub school: SchoolId,
    pub name: String,
    pub phase: String,
    pub area: String,
    pub award: String,
    pub award_held: Option<bool>,
    pub awarded: String,
    pub expires: String,
    pub next_review: String,
    /// Eligibility for additional awards, e.g. "✓ suicide-aware".
    pub eligibility: String,
    /// Conditions outstanding, e.g. "1 overdue, 2 open", or "–".
    pub conditions: String,
    pub conditions_overdue: bool,
    /// Each outstanding condition in a few words, for the detail pane.
    pub condition_notes: Vec<String>,
    pub latest_year: Option<AcademicYear>,
}

/// What the first frame shows of a commit opened before, kept in the repository's cache so
/// that the agenda and the schools are on screen while the catalog is read again behind them.
/// Everything in it is as the catalog gives it for that commit and day; the drafts are marked
/// afresh.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Glance {
    pub header: HeaderView,
    pub agenda: AgendaView,
    pub schools: Vec<SchoolRow>,
}

/// Everything the screens need once the repository is open.
#[derive(Debug, Clone)]
pub struct OpenedView {
    pub header: HeaderView,
    pub agenda: AgendaView,
    pub schools: Vec<SchoolRow>,
    pub catalog: Arc<Catalog>,
    /// Files that could not be read, as messages.
    pub problems: Vec<String>,
    /// The keys of drafts saved in the repository's git directory.
    pub drafts: Vec<String>,
    /// A recording a kitemark that stopped left half done, in words.
    pub half_done: Option<String>,
    /// The school years whose files changed after the panel's latest decision on them (a
    /// resubmission): the comparison offers the version decided on.
    pub resubmitted:
        std::collections::BTreeSet<(crate::model::SchoolId, crate::model::AcademicYear)>,
    /// The panel member git's configured identity names, if any.
    pub me: Option<crate::model::MemberId>,
}

fn date(d: Option<Date>) -> String {
    d.map_or_else(|| "–".to_owned(), |d| d.to_string())
}

/// A member's name as the panel has it, or their id where the panel does not know them.
pub(crate) fn member_name(catalog: &Catalog, id: &crate::model::MemberId) -> String {
    catalog
        .panel
        .member(id)
        .map_or_else(|| clean(id.as_str()), |m| clean(&m.name))
}

/// The header for the meeting the panel is working towards.
pub fn header(
    catalog: &Catalog,
    meeting: Option<&Meeting>,
    branch: Option<&str>,
    commit: &str,
) -> HeaderView {
    let quorum = meeting.map(|m| {
        if m.present.is_empty() {
            (false, "attendance not taken".to_owned())
        } else {
            match catalog.panel.quorum_check(&m.present) {
                Ok(()) => (true, format!("✓ quorate ({} present)", m.present.len())),
                Err(short) => (
                    false,
                    format!(
                        "✗ no quorum ({} of {} present)",
                        short.present, short.needed_present
                    ),
                ),
            }
        }
    });
    HeaderView {
        panel: clean(&catalog.panel.name),
        meeting: meeting.map(|m| m.date.to_string()),
        chair: meeting.map(|m| member_name(catalog, &m.chair)),
        quorum,
        branch: branch.map(clean),
        commit: commit.to_owned(),
    }
}

/// The agenda rows of a meeting (or of everything awaiting a decision), without the rules
/// that need the self-reviews; see [`with_evidence`].
pub fn agenda(catalog: &Catalog, meeting: Option<&Meeting>, today: Date) -> AgendaView {
    let items: Vec<(SchoolId, AcademicYear, KindId)> = match meeting {
        Some(m) => m
            .agenda
            .iter()
            .map(|i| (i.school.clone(), i.year, i.kind.clone()))
            .collect(),
        None => catalog
            .awaiting_decision(today)
            .into_iter()
            .map(|a| (a.school, a.year, a.kind))
            .collect(),
    };
    let title = match meeting {
        Some(m) if m.date >= today => format!(
            "Agenda of the meeting on {} ({})",
            m.date,
            crate::model::meeting::days_from(today, m.date)
        ),
        Some(m) => format!(
            "Agenda of the meeting on {} ({}; items still undecided)",
            m.date,
            crate::model::meeting::days_from(today, m.date)
        ),
        None => "Submissions awaiting a decision (no meeting scheduled)".to_owned(),
    };
    let on = meeting.map_or(today, |m| m.date);
    let rows = items
        .into_iter()
        .map(|(school, year, kind)| {
            let profile = catalog.schools.get(&school);
            let rubric = catalog.rubric_for_school(&school);
            let kind_title = rubric
                .and_then(|r| catalog.lineage(r).kind(&kind))
                .map_or_else(|| clean(kind.as_str()), |k| clean(&k.title));
            let decision = meeting.and_then(|m| catalog.decision_at(&school, year, &kind, m.date));
            let (status, decided) = match decision {
                Some((_, d)) => {
                    let outcome = catalog
                        .rubric_for_decision(d)
                        .and_then(|r| r.outcome(&d.kind, &d.outcome))
                        .map_or_else(|| clean(d.outcome.as_str()), |o| clean(&o.title));
                    (format!("✓ {outcome}"), true)
                }
                None => ("to decide".to_owned(), false),
            };
            let mut conflicts: Vec<(String, String)> = catalog
                .panel
                .affiliated_with(&school)
                .map(|m| (clean(&m.name), "affiliated with the school".to_owned()))
                .collect();
            if let Some(m) = meeting {
                for c in m.conflicts.iter().filter(|c| c.school == school) {
                    let name = member_name(catalog, &c.member);
                    let why = format!("{}: {}", c.kind.label(), clean(&c.reason));
                    match conflicts.iter_mut().find(|(n, _)| *n == name) {
                        Some(existing) => existing.1 = why,
                        None => conflicts.push((name, why)),
                    }
                }
            }
            let evidence_pending =
                rubric.is_some_and(|r| r.evidence_rules_for(&kind).next().is_some());
            let rules = match rubric {
                Some(r) => eligibility_checks(
                    catalog.lineage(r),
                    &kind,
                    &catalog.decision_records(&school),
                    on,
                )
                .into_iter()
                .map(RuleView::from)
                .collect(),
                None => Vec::new(),
            };
            let outstanding: Vec<_> = catalog
                .conditions(&school, today)
                .into_iter()
                .filter(|c| c.state != crate::model::ConditionState::Met)
                .collect();
            AgendaRow {
                conditions: outstanding
                    .iter()
                    .map(|c| format!("{} {}, due {}", c.number, c.state.label(), c.due))
                    .collect(),
                conditions_overdue: outstanding
                    .iter()
                    .any(|c| c.state == crate::model::ConditionState::Overdue),
                name: profile.map_or_else(|| clean(school.as_str()), |p| clean(&p.name)),
                phase: profile
                    .map(|p| p.phase.label().to_owned())
                    .unwrap_or_default(),
                area: profile
                    .map(|p| short_area(&p.dspl_area))
                    .unwrap_or_default(),
                kind_title,
                status,
                decided,
                conflicts,
                rules,
                rule_problem: None,
                evidence_pending,
                reviews: meeting.map(|m| {
                    let item = crate::model::AgendaItem {
                        school: school.clone(),
                        year,
                        kind: kind.clone(),
                    };
                    reviews_at_glance(catalog, m, &item)
                }),
                draft_key: meeting.map(|m| {
                    crate::model::draft::DecisionDraft::new(
                        school.clone(),
                        year,
                        kind.clone(),
                        m.date,
                    )
                    .key()
                }),
                draft: false,
                school,
                year,
                kind,
            }
        })
        .collect();
    AgendaView { title, rows }
}

/// Marks the rows whose decision draft is among `drafts` (the keys of the drafts saved).
pub fn mark_drafts<'a>(rows: &mut [AgendaRow], drafts: impl IntoIterator<Item = &'a String>) {
    let drafts: std::collections::BTreeSet<&String> = drafts.into_iter().collect();
    for row in rows {
        row.draft = row.draft_key.as_ref().is_some_and(|k| drafts.contains(k));
    }
}

/// Adds the evidence rules, which need each item's self-review, to the agenda rows.
pub fn with_evidence(
    catalog: &Catalog,
    rows: &mut [AgendaRow],
    reviews: &BTreeMap<(SchoolId, AcademicYear), Result<Option<SelfReview>, String>>,
) {
    for row in rows {
        let review = match reviews.get(&(row.school.clone(), row.year)) {
            Some(Ok(review)) => review.as_ref(),
            _ => None,
        };
        let Some(rubric) = catalog.rubric_for_submission(&row.school, review) else {
            continue;
        };
        // Only rows still waiting: checking a row twice would list its rules twice.
        if !row.evidence_pending || rubric.evidence_rules_for(&row.kind).next().is_none() {
            continue;
        }
        row.evidence_pending = false;
        match reviews.get(&(row.school.clone(), row.year)) {
            Some(Ok(Some(review))) => {
                let checks = evidence_checks(rubric, &row.kind, review);
                row.rules
                    .splice(0..0, checks.into_iter().map(RuleView::from));
            }
            Some(Ok(None)) => {
                row.rule_problem = Some("no self-review to check the evidence rules against".into())
            }
            Some(Err(e)) => {
                row.rule_problem = Some(format!("cannot check the evidence rules: {}", clean(e)))
            }
            None => {}
        }
    }
}

/// The schools screen's rows, and what kept any school's award state from being worked out.
pub fn schools(catalog: &Catalog, today: Date) -> (Vec<SchoolRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let ids: std::collections::BTreeSet<&SchoolId> =
        catalog.schools.keys().chain(catalog.years.keys()).collect();
    let mut statuses: BTreeMap<&SchoolId, Option<SchoolStatus>> =
        catalog.school_statuses(today).into_iter().collect();
    for id in ids {
        match statuses.remove(id).flatten() {
            Some(status) => rows.push(school_row(catalog, status)),
            None => {
                // A school that cannot be assessed still shows, with the reason.
                let reason = match catalog.schools.get(id) {
                    None => format!("submissions/{id}/school.ron cannot be read"),
                    Some(s) => format!(
                        "rubric {:?} is not in rubrics/",
                        s.rubric
                            .as_ref()
                            .unwrap_or(&catalog.panel.default_rubric)
                            .as_str()
                    ),
                };
                problems.push(clean(&format!("{id}: {reason}")));
                let profile = catalog.schools.get(id);
                rows.push(SchoolRow {
                    name: profile.map_or_else(|| clean(id.as_str()), |p| clean(&p.name)),
                    phase: profile
                        .map(|p| p.phase.label().to_owned())
                        .unwrap_or_default(),
                    area: profile
                        .map(|p| short_area(&p.dspl_area))
                        .unwrap_or_default(),
                    award: "✗ cannot tell".to_owned(),
                    award_held: Some(false),
                    awarded: "–".into(),
                    expires: "–".into(),
                    next_review: "–".into(),
                    eligibility: clean(&reason),
                    conditions: "–".into(),
                    conditions_overdue: false,
                    condition_notes: Vec::new(),
                    latest_year: catalog.years.get(id).and_then(|y| y.last().copied()),
                    school: id.clone(),
                });
            }
        }
    }
    (rows, problems)
}

fn school_row(catalog: &Catalog, s: crate::model::catalog::SchoolStatus) -> SchoolRow {
    let rubric = catalog.rubrics.get(&s.rubric);
    let (award, award_held) = match &s.award {
        None => ("– none".to_owned(), None),
        Some(a) => {
            let symbol = match a.status {
                AwardStatus::Held => "✓",
                AwardStatus::ReviewOverdue => "!",
                AwardStatus::Expired | AwardStatus::Withdrawn => "✗",
            };
            let mut text = format!("{symbol} {}", a.status.label());
            // On the scale of the framework the award was granted under.
            let granted_under = catalog
                .decisions
                .iter()
                .find(|(path, _)| *path == a.granted_by)
                .and_then(|(_, d)| catalog.rubric_for_decision(d))
                .or(rubric);
            if let (Some(grade), Some(rubric)) = (&a.grade, granted_under) {
                text.push_str(&format!(
                    " ({})",
                    clean(&crate::model::scores::grade_label(rubric, grade))
                ));
            }
            for other in s.awards.iter().skip(1).filter(|o| o.status.is_held()) {
                text.push_str(&format!(" +{}", other.award));
            }
            (text, Some(a.status.is_held()))
        }
    };
    let eligibility = s
        .eligibility
        .iter()
        .filter(|e| rubric.is_some_and(|r| r.grants_additional_award(&e.kind)))
        .map(|e| match (e.eligible, e.from) {
            (true, _) => format!("✓ {}", e.kind),
            (false, Some(from)) => format!("✗ {} from {from}", e.kind),
            (false, None) => format!("✗ {}", e.kind),
        })
        .collect::<Vec<_>>()
        .join(", ");
    SchoolRow {
        name: clean(&s.name),
        phase: s.phase.label().to_owned(),
        area: short_area(&s.dspl_area),
        award,
        award_held,
        awarded: date(s.award.as_ref().map(|a| a.awarded_on)),
        expires: date(s.award.as_ref().map(|a| a.expires)),
        next_review: date(s.award.as_ref().and_then(|a| a.next_review_due)),
        eligibility: if eligibility.is_empty() {
            "–".into()
        } else {
            eligibility
        },
        conditions: match s.outstanding.label().as_str() {
            "-" => "–".to_owned(),
            label => label.to_owned(),
        },
        conditions_overdue: s.outstanding.overdue > 0,
        condition_notes: s
            .conditions
            .iter()
            .filter(|c| c.state != crate::model::ConditionState::Met)
            .map(|c| format!("{} {}, due {}", c.number, c.state.label(), c.due))
            .collect(),
        latest_year: s.years.last().copied(),
        school: s.id,
    }
}

/// One area of a submission as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaView {
    pub code: String,
    pub title: String,
    pub central: bool,
    pub level: Option<String>,
    pub judgement: Option<String>,
    pub judgement_feedback: Option<String>,
    /// Changes since the previous year, once the year-on-year comparison has counted them.
    pub changes: Option<usize>,
    pub reflection: Option<String>,
    pub strengths: Vec<String>,
    pub gaps: Vec<String>,
    pub evidence: Vec<(String, String, String)>,
    pub actions: Vec<ActionView>,
    /// Where the rubric scores: each criterion of the area with the school's points.
    pub criteria: Vec<CriterionView>,
}

/// One scored criterion as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionView {
    pub id: String,
    pub text: String,
    pub max: u32,
    pub school: Option<u32>,
    /// The panel's points where the decision on this year moderated them.
    pub panel: Option<u32>,
}

/// One action as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionView {
    pub id: String,
    pub status: String,
    pub text: String,
    pub owner: String,
    pub due: String,
    pub success: String,
    pub progress: String,
}

/// A school's submission for one year, as the submission screen shows it.
#[derive(Debug, Clone)]
pub struct SubmissionView {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub name: String,
    pub years: Vec<AcademicYear>,
    pub rubric: String,
    /// The rubric the submission follows (the one its self-review names, else the school's).
    pub rubric_id: Option<crate::model::RubricId>,
    pub submitted: String,
    pub commit: String,
    pub areas: Vec<AreaView>,
    pub problems: Vec<String>,
    /// The stage of the framework the school says it has reached, where the rubric has stages.
    pub stage: Option<String>,
    /// Where the rubric grades: the school's total and the grade it earns, and the grade the
    /// panel awarded on this year, if it has (`Score 57 of 63 · Advanced`).
    pub score: Option<String>,
    /// Where the rubric grades: the school's own scores, for the decision form to moderate.
    pub scores: Option<crate::model::scores::ScoreSheet>,
    /// This year compared with the one before, when there is one.
    pub comparison: Option<std::sync::Arc<crate::diff::Comparison>>,
}

/// Builds the submission view from the parsed files (either may be missing or broken).
pub fn submission(
    catalog: &Catalog,
    school: &SchoolId,
    year: AcademicYear,
    review: Result<Option<SelfReview>, String>,
    plan: Result<Option<ActionPlan>, String>,
    commit: &str,
    comparison: Option<std::sync::Arc<crate::diff::Comparison>>,
) -> SubmissionView {
    let mut problems = Vec::new();
    let review = review.unwrap_or_else(|e| {
        problems.push(clean(&e));
        None
    });
    let plan = plan.unwrap_or_else(|e| {
        problems.push(clean(&e));
        None
    });
    let rubric = catalog.rubric_for_submission(school, review.as_ref());
    // The panel's judgements so far: the latest decision on this year that judged areas.
    let judged = catalog
        .decisions
        .iter()
        .filter(|(_, d)| &d.school == school && d.year == year && !d.areas.is_empty())
        .max_by_key(|(path, d)| (d.meeting, path.clone()))
        .map(|(_, d)| d);
    // The latest decision on this year that graded the school (a decision need not judge any
    // area to award a grade): its moderated scores and its grade are shown.
    let graded = catalog
        .decisions
        .iter()
        .filter(|(_, d)| {
            &d.school == school && d.year == year && (d.grade.is_some() || d.moderation.is_some())
        })
        .max_by_key(|(path, d)| (d.meeting, path.clone()))
        .map(|(_, d)| d);
    let sheet = rubric.zip(review.as_ref()).and_then(|(rubric, review)| {
        crate::model::scores::score_sheet(
            rubric,
            review,
            graded.and_then(|d| d.moderation.as_ref()),
        )
    });
    let mut areas: Vec<AreaView> = Vec::new();
    if let Some(rubric) = rubric {
        for area in &rubric.areas {
            let entry = review.as_ref().and_then(|r| r.area(&area.id));
            let judgement = judged.and_then(|d| d.areas.iter().find(|j| j.area == area.id));
            areas.push(AreaView {
                code: clean(&area.code),
                title: clean(&area.title),
                central: area.central,
                level: entry.map(|e| {
                    rubric
                        .self_level(&e.level)
                        .map_or_else(|| clean(e.level.as_str()), |l| clean(&l.label))
                }),
                judgement: judgement.map(|j| {
                    rubric
                        .judgement_level(&j.judgement)
                        .map_or_else(|| clean(j.judgement.as_str()), |l| clean(&l.label))
                }),
                judgement_feedback: judgement
                    .map(|j| clean_block(&j.feedback))
                    .filter(|f| !f.is_empty()),
                changes: comparison.as_ref().map(|c| c.changes_in(&area.id)),
                reflection: entry.map(|e| clean_block(&e.reflection)),
                strengths: entry
                    .map(|e| e.strengths.iter().map(|s| clean(s)).collect())
                    .unwrap_or_default(),
                gaps: entry
                    .map(|e| e.gaps.iter().map(|s| clean(s)).collect())
                    .unwrap_or_default(),
                evidence: entry
                    .map(|e| {
                        e.evidence
                            .iter()
                            .map(|ev| {
                                (
                                    clean(&ev.title),
                                    ev.kind.label().to_owned(),
                                    clean(&ev.note),
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                actions: plan
                    .as_ref()
                    .map(|p| p.actions_in(&area.id).map(action_view).collect())
                    .unwrap_or_default(),
                criteria: sheet
                    .iter()
                    .flat_map(|s| s.in_area(&area.id))
                    .map(|c| CriterionView {
                        id: clean(c.criterion.as_str()),
                        text: area
                            .criteria
                            .iter()
                            .find(|k| k.id == c.criterion)
                            .map(|k| clean(&k.text))
                            .unwrap_or_default(),
                        max: c.max,
                        school: c.school,
                        panel: c.panel.filter(|p| Some(*p) != c.school),
                    })
                    .collect(),
            });
        }
    }
    // Anything filed under an area the rubric does not have is shown, not lost.
    let known = |id: &crate::model::AreaId| rubric.is_some_and(|r| r.area(id).is_some());
    let stray_reviews: Vec<&crate::model::AreaReview> = review
        .as_ref()
        .map(|r| r.areas.iter().filter(|a| !known(&a.area)).collect())
        .unwrap_or_default();
    let stray_actions: Vec<&crate::model::Action> = plan
        .as_ref()
        .map(|p| p.actions.iter().filter(|a| !known(&a.area)).collect())
        .unwrap_or_default();
    if !stray_reviews.is_empty() || !stray_actions.is_empty() {
        let ids: std::collections::BTreeSet<&str> = stray_reviews
            .iter()
            .map(|a| a.area.as_str())
            .chain(stray_actions.iter().map(|a| a.area.as_str()))
            .collect();
        problems.push(clean(&format!(
            "areas not in the rubric: {} (run kitemark validate)",
            ids.into_iter().collect::<Vec<_>>().join(", ")
        )));
        let reflection = stray_reviews
            .iter()
            .map(|a| format!("[{}] {}", a.area, clean_block(&a.reflection)))
            .collect::<Vec<_>>()
            .join("\n\n");
        areas.push(AreaView {
            code: "?".into(),
            title: "Not in the rubric".into(),
            central: false,
            level: None,
            judgement: None,
            judgement_feedback: None,
            changes: None,
            reflection: (!reflection.is_empty()).then_some(reflection),
            strengths: stray_reviews
                .iter()
                .flat_map(|a| a.strengths.iter().map(|s| clean(s)))
                .collect(),
            gaps: stray_reviews
                .iter()
                .flat_map(|a| a.gaps.iter().map(|s| clean(s)))
                .collect(),
            evidence: stray_reviews
                .iter()
                .flat_map(|a| {
                    a.evidence.iter().map(|ev| {
                        (
                            clean(&ev.title),
                            ev.kind.label().to_owned(),
                            clean(&ev.note),
                        )
                    })
                })
                .collect(),
            actions: stray_actions.into_iter().map(action_view).collect(),
            criteria: Vec::new(),
        });
    }
    let stage = rubric
        .zip(review.as_ref().and_then(|r| r.stage.as_ref()))
        .map(|(rubric, stage)| {
            rubric
                .stage(stage)
                .map_or_else(|| clean(stage.as_str()), |s| clean(&s.title))
        });
    // The school's own total, then what the panel made of it where it has decided.
    let scores = rubric
        .zip(review.as_ref())
        .and_then(|(rubric, review)| crate::model::scores::score_sheet(rubric, review, None));
    let score = rubric.zip(scores.as_ref()).map(|(rubric, own)| {
        let awarded = graded
            .and_then(|d| d.grade.as_ref())
            .map(|g| {
                format!(
                    " · awarded {}",
                    clean(&crate::model::scores::grade_label(rubric, g))
                )
            })
            .unwrap_or_default();
        format!("Score {}{awarded}", clean(&own.headline()))
    });
    let submitted = match &review {
        Some(r) => format!("submitted {} by {}", r.submitted, clean(&r.submitted_by)),
        None => match &plan {
            Some(p) => format!("plan updated {}", p.updated),
            None => "no files for this year".to_owned(),
        },
    };
    SubmissionView {
        name: catalog
            .schools
            .get(school)
            .map_or_else(|| clean(school.as_str()), |s| clean(&s.name)),
        years: catalog.years.get(school).cloned().unwrap_or_default(),
        rubric: rubric.map_or_else(
            || "no rubric".to_owned(),
            |r| format!("{} {}", clean(&r.title), clean(&r.version)),
        ),
        rubric_id: rubric.map(|r| r.id.clone()),
        submitted,
        commit: commit.to_owned(),
        areas,
        problems,
        stage,
        score,
        scores,
        comparison,
        school: school.clone(),
        year,
    }
}

fn action_view(a: &crate::model::Action) -> ActionView {
    ActionView {
        id: clean(a.id.as_str()),
        status: a.status.label().to_owned(),
        text: clean_block(&a.text),
        owner: clean(&a.owner),
        due: a.due.to_string(),
        success: clean_block(&a.success),
        progress: clean_block(&a.progress),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_areas() {
        assert_eq!(short_area("DSPL 7 – St Albans and Harpenden"), "DSPL 7");
        assert_eq!(short_area("North"), "North");
        assert_eq!(short_area("Area 3 (east)"), "Area 3");
    }
}

/// One audit finding, as the history view shows it beside its commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingView {
    pub error: bool,
    pub rule: String,
    pub message: String,
}

/// One file a commit changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeView {
    pub letter: char,
    pub path: String,
}

/// One commit that touched a school.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub id: crate::model::ObjectId,
    pub short: String,
    /// When it was committed (the committer's clock).
    pub date: String,
    pub author: String,
    pub author_email: String,
    /// The committer, when not the author.
    pub committer: Option<String>,
    /// What it recorded: a submission, a decision, a meeting; or `boundary` for a shallow
    /// clone's boundary.
    pub what: &'static str,
    /// Whether it is a shallow clone's boundary: `changes` are then the files it holds, not
    /// what it changed.
    pub boundary: bool,
    pub summary: String,
    pub trailers: Vec<(String, String)>,
    pub changes: Vec<ChangeView>,
    /// The changed files, to read them as they were at the commit.
    pub files: Vec<crate::model::history::FileChange>,
    pub findings: Vec<FindingView>,
    /// Its signature, as the audit judged it.
    pub signed: Signed,
}

/// A commit's signature in the History view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signed {
    /// Signed with the key of this member (as the panel at HEAD lists it).
    By(String),
    /// A good signature by a key the panel at HEAD does not list.
    Unknown,
    /// A signature the audit does not accept, and why.
    Refused(String),
    /// No signature.
    No,
}

/// A school's history, newest first, with the audit's findings beside their commits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryView {
    pub school: SchoolId,
    pub name: String,
    pub commit: String,
    pub rows: Vec<HistoryRow>,
    /// Findings about the school whose commit is not among the rows.
    pub elsewhere: Vec<(String, FindingView)>,
    /// Why the audit could not run, if it could not.
    pub audit_problem: Option<String>,
    /// In a shallow clone, what the verdict leaves out: where the history begins and how
    /// many decisions could not be fully checked.
    pub shallow: Option<String>,
    /// How much of the history the findings come from.
    pub audited: Audited,
}

/// How much of the history a History view's findings come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audited {
    /// The school's own records only (its folders, panel.ron, the rubrics and the
    /// meetings): shown while the whole history is audited. They may differ from the whole
    /// audit's: a rule may need another school's records (a review is late if any decision
    /// of its meeting was committed before it; a decision's commit must change nothing else),
    /// so findings may be missing, or name another decision, until the whole audit is in.
    School,
    /// The whole history: the verdict.
    Whole,
}

impl HistoryView {
    pub fn errors(&self) -> usize {
        self.rows
            .iter()
            .flat_map(|r| &r.findings)
            .chain(self.elsewhere.iter().map(|(_, f)| f))
            .filter(|f| f.error)
            .count()
    }
}

/// The history view's rows from a school's commits and the audit's findings, from the
/// records `audited` says.
pub fn history(
    catalog: &Catalog,
    school: &SchoolId,
    commit: &str,
    commits: Vec<crate::model::history::CommitInfo>,
    audit: Result<&crate::audit::Report, String>,
    audited: Audited,
) -> HistoryView {
    let (findings, audit_problem): (Vec<&crate::audit::Finding>, _) = match &audit {
        Ok(report) => (
            report
                .findings
                .iter()
                .filter(|f| f.school.as_ref() == Some(school))
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(clean(e))),
    };
    // What a shallow clone leaves unchecked is counted over the whole history's decisions.
    let shallow = audit
        .as_ref()
        .ok()
        .filter(|_| audited == Audited::Whole)
        .and_then(|r| r.shallow.as_ref())
        .map(|s| {
            let edges: Vec<&str> = s.boundary.iter().map(|b| b.short()).collect();
            format!(
                "shallow clone from {}: {} decision(s) not fully checked",
                edges.join(", "),
                s.decisions_not_fully_checked
            )
        });
    // The audit's verdict on each commit's signature, whichever school its findings name.
    let refused: std::collections::HashMap<&crate::model::ObjectId, &crate::audit::Finding> =
        match &audit {
            Ok(report) => report
                .findings
                .iter()
                .filter(|f| f.is_error() && crate::audit::signatures::is_signature_rule(f.rule))
                .map(|f| (&f.commit, f))
                .collect(),
            Err(_) => std::collections::HashMap::new(),
        };
    let signed = |c: &crate::model::history::CommitInfo| {
        use crate::model::history::SignatureCheck as S;
        if let Some(f) = refused.get(&c.id) {
            return Signed::Refused(clean(&f.message));
        }
        match &c.signature {
            None => Signed::No,
            Some(S::Good { key }) => match catalog.panel.member_with_key(key) {
                Some(member) => Signed::By(clean(&member.name)),
                None => Signed::Unknown,
            },
            Some(S::Bad { reason }) => Signed::Refused(clean(reason)),
            Some(S::Unsupported { kind }) => Signed::Refused(format!(
                "{} signature, which kitemark does not check",
                clean(kind)
            )),
        }
    };
    let view = |f: &crate::audit::Finding| FindingView {
        error: f.is_error(),
        rule: f.rule.to_owned(),
        message: clean(&f.message),
    };
    let rows: Vec<HistoryRow> =
        commits
            .into_iter()
            .map(|c| {
                let what = if c.is_boundary() {
                    "boundary"
                } else if c.touches(&format!("decisions/{school}")) {
                    "decision"
                } else if c.touches(&format!("conditions/{school}")) {
                    "condition"
                } else if c.touches(&format!("submissions/{school}")) {
                    "submission"
                } else if c.touches("meetings") {
                    "meeting"
                } else {
                    "other"
                };
                let person = |p: &crate::model::history::Person| {
                    format!("{} <{}>", clean(&p.name), clean(&p.email))
                };
                HistoryRow {
                    short: c.id.short().to_owned(),
                    date: c.committer.time.strftime("%Y-%m-%d %H:%M").to_string(),
                    author: clean(&c.author.name),
                    author_email: clean(&c.author.email),
                    committer: (c.committer.email != c.author.email
                        || c.committer.name != c.author.name)
                        .then(|| person(&c.committer)),
                    what,
                    boundary: c.is_boundary(),
                    summary: clean(&c.summary),
                    trailers: c
                        .trailers
                        .iter()
                        .map(|(k, v)| (clean(k), clean(v)))
                        .collect(),
                    changes: c
                        .changes
                        .iter()
                        .map(|ch| ChangeView {
                            letter: ch.kind.letter(),
                            path: clean(&ch.path),
                        })
                        .chain(c.boundary.iter().flatten().map(|f| ChangeView {
                            letter: '·',
                            path: clean(&f.path),
                        }))
                        .collect(),
                    findings: findings
                        .iter()
                        .filter(|f| f.commit == c.id)
                        .map(|f| view(f))
                        .collect(),
                    signed: signed(&c),
                    // A boundary's files are read as it holds them.
                    files: c
                        .changes
                        .iter()
                        .cloned()
                        .chain(c.boundary.iter().flatten().map(|f| {
                            crate::model::history::FileChange {
                                path: f.path.clone(),
                                kind: crate::model::history::ChangeKind::Added,
                                old: None,
                                new: Some(f.blob.clone()),
                            }
                        }))
                        .collect(),
                    id: c.id,
                }
            })
            .collect();
    let elsewhere = findings
        .iter()
        .filter(|f| !rows.iter().any(|r| r.id == f.commit))
        .map(|f| (f.commit.short().to_owned(), view(f)))
        .collect();
    HistoryView {
        name: catalog
            .schools
            .get(school)
            .map_or_else(|| school.to_string(), |s| clean(&s.name)),
        school: school.clone(),
        commit: commit.to_owned(),
        rows,
        elsewhere,
        audit_problem,
        shallow,
        audited,
    }
}

/// The files a commit changed, as they were at that commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitFilesView {
    pub commit: crate::model::ObjectId,
    /// A heading and the text of each file.
    pub files: Vec<(String, String)>,
}

/// Shows files' texts, made safe for the terminal.
pub fn commit_files(
    commit: crate::model::ObjectId,
    texts: Vec<(String, Result<String, String>)>,
) -> CommitFilesView {
    CommitFilesView {
        commit,
        files: texts
            .into_iter()
            .map(|(heading, text)| {
                (
                    clean(&heading),
                    match text {
                        Ok(t) => clean_block(&t),
                        Err(e) => format!("(cannot be read: {})", clean(&e)),
                    },
                )
            })
            .collect(),
    }
}
