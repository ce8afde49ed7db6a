//! A school's submission, prepared for one commit in the name of its main contact: the files
//! it sends, checked by `validate` as they would stand in the repository.

use crate::model::catalog::Catalog;
use crate::model::format::{parse_document, to_ron};
use crate::model::layout::{PanelPath, SCHOOL_FILE};
use crate::model::text::{clean, sanitize_inline};
use crate::model::validate::{Mode, validate_files};
use crate::model::{
    AcademicYear, MemberId, RubricId, School, SchoolId, SelfReview, Severity, message,
};
use crate::repo::{PanelRepo, Snapshot};
use crate::workbook::CellProblem;
use crate::workbook::layout::AboutField;
use crate::workbook::read::{Book, about_problem, file_problem, read_book, written_for};

use super::Plan;
use crate::model::decide::Refusal;

/// What a school sends for a year: each file's text, those it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionDraft {
    pub school: SchoolId,
    pub year: AcademicYear,
    /// `school.ron`, for a new school or a changed profile.
    pub profile: Option<String>,
    pub review: Option<String>,
    pub plan: Option<String>,
    /// The panel's administrator who enters the school's files, named in the commit.
    pub entered_by: Option<MemberId>,
}

/// A school's filled workbook, opened once by the caller, read into the files it sends, each
/// as RON text for review: its self-review and action plan, and for a new school its profile.
/// Refused, with every problem named by sheet and cell, when its cells cannot be read or it is
/// for another framework than the one the school works to. `catalog` is the repository's as `snapshot` holds it: read once
/// by a caller that reads several workbooks.
pub fn workbook_draft(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    book: &Book,
    entered_by: Option<MemberId>,
) -> Result<SubmissionDraft, Vec<CellProblem>> {
    // Whom it was written for is checked first: the cells of a workbook for another framework
    // would only be a list of misplaced rows.
    let written = written_for(book)?;
    let school = &written.school;
    let mut problems = Vec::new();
    match catalog.schools.get(school) {
        Some(known) => {
            if written.new_school {
                problems.push(about_problem(
                    AboutField::SchoolId,
                    format!(
                        "this workbook was written for a new school, and the panel already has \
                         {} ({school}): start from a new `kitemark template`",
                        clean(&known.name)
                    ),
                ));
            }
            // The frameworks `kitemark template` may have written it for: the one the school
            // works to, the one the year's review already follows when it is sent again, the
            // one of the school's latest earlier review (whose plan it carries over) unless the
            // profile has since named a framework of its own, and a framework that succeeds
            // any of these (`template --rubric`).
            let review_of = |year: AcademicYear| {
                snapshot
                    .year(school, year)
                    .and_then(|y| y.self_review.as_ref())
                    .and_then(|blob| repo.load::<SelfReview>(blob).ok())
            };
            let earlier_year = snapshot.schools.get(school).and_then(|files| {
                files
                    .years
                    .range(..written.year)
                    .rev()
                    .find_map(|(year, f)| f.self_review.as_ref().map(|_| *year))
            });
            let works_to = catalog.rubric_for_school(school).map(|r| &r.id);
            let mut accepted: Vec<&RubricId> = works_to.into_iter().collect();
            let earlier_year = earlier_year.filter(|_| known.rubric.is_none());
            for review in [Some(written.year), earlier_year]
                .into_iter()
                .flatten()
                .filter_map(review_of)
            {
                if let Some(rubric) = catalog.rubric_for_submission(school, Some(&review)) {
                    accepted.push(&rubric.id);
                }
            }
            let framework = &written.rubric;
            let succeeds_accepted = catalog
                .rubrics
                .get(framework)
                .and_then(|r| r.succeeds.as_ref())
                .is_some_and(|s| accepted.contains(&&s.rubric));
            if !accepted.contains(&framework) && !succeeds_accepted {
                let expected = works_to.and_then(|id| catalog.rubrics.get(id)).map_or_else(
                    || "another".to_owned(),
                    |r| format!("\"{}\"", clean(&r.title)),
                );
                let named = catalog
                    .rubrics
                    .get(framework)
                    .map_or_else(|| framework.to_string(), |r| clean(&r.title));
                problems.push(about_problem(
                    AboutField::Framework,
                    format!(
                        "this workbook is for the framework \"{named}\", and {} works to \
                         {expected}: start from a new `kitemark template`",
                        clean(&known.name)
                    ),
                ));
            }
        }
        None if !written.new_school => problems.push(about_problem(
            AboutField::SchoolId,
            format!(
                "the panel has no school {school}: a workbook for a new school is made with \
                 `kitemark template`"
            ),
        )),
        None => {}
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let read = read_book(book, &catalog.rubrics)?;
    let ron = |value: Result<String, ron::Error>| {
        value.map_err(|e| vec![file_problem(format!("cannot write the files: {e}"))])
    };
    let profile = match read.profile {
        Some(mut profile) => {
            // The panel's default framework is left unsaid, as in every other profile.
            if profile.rubric.as_ref() == Some(&catalog.panel.default_rubric) {
                profile.rubric = None;
            }
            Some(ron(to_ron(&profile))?)
        }
        None => None,
    };
    Ok(SubmissionDraft {
        school: read.school.clone(),
        year: read.year,
        profile,
        review: Some(ron(to_ron(&read.review))?),
        plan: Some(ron(to_ron(&read.plan))?),
        entered_by,
    })
}

/// The submission checked against the repository as read: its files, the commit message and
/// the school's main contact as author, refused by each error `validate` finds in the files
/// sent (each refusal is the problem as `validate` says it, path, line and column first). An
/// `Err` says why it cannot be prepared at all (the repository cannot be read, or no one can
/// be named as its author).
pub fn prepare_submission(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    draft: &SubmissionDraft,
) -> Result<Plan, String> {
    let (school, year) = (&draft.school, draft.year);
    let sent = [
        (PanelPath::School(school.clone()), &draft.profile),
        (PanelPath::SelfReview(school.clone(), year), &draft.review),
        (PanelPath::ActionPlan(school.clone(), year), &draft.plan),
    ];
    let files: Vec<(String, String)> = sent
        .into_iter()
        .filter_map(|(path, text)| Some((path.to_string(), text.clone()?)))
        .collect();

    // The files sent as they would stand in the repository: with its rubrics, panel, the
    // school's profile and the year's other file.
    let mut context: Vec<(String, String)> = Vec::new();
    let mut add = |blob: &crate::repo::BlobRef| -> Result<(), String> {
        if !files.iter().any(|(p, _)| *p == blob.path) {
            let text = repo.read_text(blob).map_err(|e| e.to_string())?;
            context.push((blob.path.clone(), text));
        }
        Ok(())
    };
    for blob in snapshot.rubrics.values().chain(snapshot.panel.iter()) {
        add(blob)?;
    }
    if let Some(held) = snapshot.schools.get(school) {
        for blob in held
            .profile
            .iter()
            .chain(held.years.get(&year).into_iter().flat_map(|y| y.files()))
        {
            add(blob)?;
        }
    }
    context.extend(files.iter().cloned());
    let report = validate_files(Mode::Repository, &context);
    let refusals: Vec<Refusal> = report
        .problems
        .into_iter()
        .filter(|p| p.severity == Severity::Error && files.iter().any(|(path, _)| *path == p.path))
        .map(|p| {
            // The problem as `validate` says it, its code as the rule's.
            let shown = p.to_string();
            let suffix = format!(" [{}]", p.code);
            Refusal {
                rule: p.code,
                message: shown.strip_suffix(&suffix).unwrap_or(&shown).to_owned(),
            }
        })
        .collect();
    let parent = snapshot.commit_id();
    if !refusals.is_empty() {
        let mut plan = Plan::unfinished(Vec::new(), parent);
        plan.files = files;
        plan.refusals = refusals;
        return Ok(plan);
    }

    let profile: School = match &draft.profile {
        Some(text) => parse_document(text).map_err(|e| format!("{SCHOOL_FILE}: {}", e.message))?,
        None => match snapshot
            .schools
            .get(school)
            .and_then(|f| f.profile.as_ref())
        {
            Some(blob) => repo.load(blob).map_err(|e| e.to_string())?,
            None => {
                return Err(format!(
                    "{school} is a new school: send its {SCHOOL_FILE} too"
                ));
            }
        },
    };
    let contact = profile
        .main_contact()
        .ok_or("the school has no contact to submit in the name of")?
        .identity();
    let submitted_by = draft
        .review
        .as_ref()
        .and_then(|t| parse_document::<SelfReview>(t).ok())
        .map_or_else(|| contact.name.clone(), |r| r.submitted_by);
    let version = if snapshot.year(school, year).is_some() {
        2
    } else {
        1
    };
    let mut plan = Plan::unfinished(Vec::new(), parent);
    if let Some(id) = &draft.entered_by {
        // Only an administrator enters schools' submissions (the audit's authority rules say
        // the same of the commits): anyone else named is refused before anything is written.
        let panel: Option<crate::model::Panel> = snapshot
            .panel
            .as_ref()
            .and_then(|blob| repo.read_text(blob).ok())
            .and_then(|text| parse_document(&text).ok());
        match panel.as_ref().and_then(|p| p.member(id)) {
            None => plan.refusals.push(Refusal {
                rule: "unknown-member",
                message: format!("{:?} (entered by) is not a member of the panel", id.as_str()),
            }),
            Some(member) if !member.administrator => plan.refusals.push(Refusal {
                rule: "entered-by-not-administrator",
                message: format!(
                    "{} ({id}) is not an administrator of the panel; submissions are entered by one",
                    sanitize_inline(&member.name)
                ),
            }),
            Some(_) => {}
        }
    }
    plan.message = message::submission(
        school,
        &profile.name,
        year,
        version,
        &submitted_by,
        draft.entered_by.as_ref(),
    );
    plan.files = files;
    plan.author = Some(contact);
    // A school's contact is not a member: its commits are not signed with a member's key.
    plan.signer = None;
    Ok(plan)
}
