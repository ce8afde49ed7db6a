//! `kitemark submit`: checks a school's submission files and commits them in the name of the
//! school's main contact.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use super::{EXIT_FINDINGS, EXIT_OK, Recording, commit_plan, print, with_attempts};
use crate::model::layout::{ACTION_PLAN_FILE, SCHOOL_FILE, SELF_REVIEW_FILE};
use crate::model::text::{sanitize, sanitize_inline};
use crate::model::{AcademicYear, MemberId, SchoolId};
use crate::record::{SubmissionDraft, prepare_submission, workbook_draft};
use crate::repo::PanelRepo;
use crate::workbook::CellProblem;
use crate::workbook::layout::AboutField;
use crate::workbook::read::{about_problem, is_workbook, open_book, written_for};

pub fn run(
    repo_path: &Path,
    school: &str,
    year: AcademicYear,
    from: &Path,
    entered_by: Option<&str>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let school: SchoolId = school.parse()?;
    let entered_by: Option<MemberId> = entered_by.map(str::parse).transpose()?;
    if is_workbook(from) && !from.is_dir() {
        return run_workbook(repo_path, school, year, from, entered_by, dry_run);
    }
    let read = |name: &str| -> anyhow::Result<Option<String>> {
        let path = from.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    };
    let draft = SubmissionDraft {
        school: school.clone(),
        year,
        profile: read(SCHOOL_FILE)?,
        review: read(SELF_REVIEW_FILE)?,
        plan: read(ACTION_PLAN_FILE)?,
        entered_by,
    };
    if draft.review.is_none() && draft.plan.is_none() {
        bail!(
            "{} holds neither {SELF_REVIEW_FILE} nor {ACTION_PLAN_FILE}",
            from.display()
        );
    }

    let repo = PanelRepo::open(repo_path)?;
    with_attempts(&repo, |lock| -> anyhow::Result<Recording> {
        let snapshot = repo.snapshot_at(None)?;
        let plan = prepare_submission(&repo, &snapshot, &draft).map_err(anyhow::Error::msg)?;
        finish(&repo, lock, &plan, dry_run, Sent::Folder(from))
    })
}

/// A school's filled workbook (`.xlsx` or `.ods`): read into its files, checked and committed
/// as those files would be, every problem the workbook has listed before anything is written.
fn run_workbook(
    repo_path: &Path,
    school: SchoolId,
    year: AcademicYear,
    from: &Path,
    entered_by: Option<MemberId>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let refused = |problems: &[CellProblem]| {
        for problem in problems {
            eprintln!("kitemark: {}", sanitize_inline(&problem.to_string()));
        }
        eprintln!("kitemark: nothing was submitted");
        EXIT_FINDINGS
    };
    // A file that cannot be opened (an old .xls, one with a password) or a workbook for
    // another school or year is said before the repository is read: nothing else in it can
    // matter.
    let book = match open_book(from) {
        Ok(book) => book,
        Err(problem) => return Ok(refused(&[problem])),
    };
    if let Ok(written) = written_for(&book) {
        let mut mismatch = Vec::new();
        if written.school != school {
            mismatch.push(about_problem(
                AboutField::SchoolId,
                format!("this workbook is for {}, not {school}", written.school),
            ));
        }
        if written.year != year {
            mismatch.push(about_problem(
                AboutField::Year,
                format!("this workbook is for {}, not {year}", written.year),
            ));
        }
        if !mismatch.is_empty() {
            return Ok(refused(&mismatch));
        }
    }
    let repo = PanelRepo::open(repo_path)?;
    with_attempts(&repo, |lock| -> anyhow::Result<Recording> {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        // The workbook as opened and checked above, the same on every attempt: what is
        // committed is what was checked to be this school's and year's.
        let draft = match workbook_draft(&repo, &snapshot, &catalog, &book, entered_by.clone()) {
            Ok(draft) => draft,
            Err(problems) => return Ok(Recording::Done(refused(&problems))),
        };
        let plan = prepare_submission(&repo, &snapshot, &draft).map_err(anyhow::Error::msg)?;
        finish(&repo, lock, &plan, dry_run, Sent::Workbook)
    })
}

/// Where the files of a submission came from.
enum Sent<'a> {
    /// A folder of RON files: a refusal names the file sent where it really is.
    Folder(&'a Path),
    /// A workbook: the files were made from it, so a dry run shows them to be looked over.
    Workbook,
}

/// A prepared submission refused (every refusal said), shown (`--dry-run`) or committed.
fn finish(
    repo: &PanelRepo,
    lock: &crate::repo::write::WriteLock,
    plan: &crate::record::Plan,
    dry_run: bool,
    sent: Sent,
) -> anyhow::Result<Recording> {
    if !plan.refusals.is_empty() {
        for refusal in &plan.refusals {
            let mut shown = refusal.to_string();
            if let Sent::Folder(from) = sent {
                for (path, _) in &plan.files {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    if shown.starts_with(path.as_str()) {
                        let there = from.join(name).display().to_string();
                        shown = shown.replacen(path.as_str(), &there, 1);
                        break;
                    }
                }
            }
            eprintln!("kitemark: {}", sanitize_inline(&shown));
        }
        eprintln!("kitemark: nothing was submitted");
        return Ok(Recording::Done(EXIT_FINDINGS));
    }
    let paths: Vec<&str> = plan.files.iter().map(|(p, _)| p.as_str()).collect();
    if dry_run {
        let (name, email) = plan
            .author
            .as_ref()
            .map(|a| (a.name.as_str(), a.email.as_str()))
            .unwrap_or_default();
        let mut shown = format!(
            "Would commit {} as {}:\n\n{}",
            paths.join(", "),
            sanitize_inline(&format!("{name} <{email}>")),
            sanitize(&plan.message)
        );
        if let Sent::Workbook = sent {
            for (path, text) in &plan.files {
                shown.push_str(&format!("\n\n--- {path}\n{}", sanitize(text)));
            }
        }
        print(&shown)?;
        return Ok(Recording::Done(EXIT_OK));
    }
    Ok(commit_plan(
        repo,
        lock,
        plan,
        "Submitted",
        &paths.join(", "),
    ))
}
