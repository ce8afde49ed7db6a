//! `kitemark submit`: checks a school's submission files and commits them in the name of the
//! school's main contact.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{
    EXIT_FINDINGS, EXIT_OK, Recording, commit_and_report, print, with_attempts, write_lock,
};
use crate::model::format::parse_document;
use crate::model::layout::{ACTION_PLAN_FILE, PanelPath, SCHOOL_FILE, SELF_REVIEW_FILE};
use crate::model::text::sanitize_inline;
use crate::model::validate::{Mode, validate_files};
use crate::model::{AcademicYear, School, SchoolId, SelfReview, Severity, message};
use crate::repo::PanelRepo;
use crate::repo::write::CommitSpec;

pub fn run(
    repo_path: &Path,
    school: &str,
    year: AcademicYear,
    from: &Path,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    let school: SchoolId = school.parse()?;
    let read = |name: &str| -> anyhow::Result<Option<String>> {
        let path = from.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", path.display())),
        }
    };
    let review = read(SELF_REVIEW_FILE)?;
    let plan = read(ACTION_PLAN_FILE)?;
    let profile = read(SCHOOL_FILE)?;
    if review.is_none() && plan.is_none() {
        bail!(
            "{} holds neither {SELF_REVIEW_FILE} nor {ACTION_PLAN_FILE}",
            from.display()
        );
    }

    let repo = PanelRepo::open(repo_path)?;
    let lock = match write_lock(&repo) {
        Ok(lock) => lock,
        Err(not) => return Ok(not.report()),
    };
    with_attempts(&repo, &lock, || {
        let snapshot = repo.snapshot_at(None)?;
        let mut new_files: Vec<(String, String)> = Vec::new();
        if let Some(text) = &profile {
            new_files.push((PanelPath::School(school.clone()).to_string(), text.clone()));
        }
        if let Some(text) = &review {
            new_files.push((
                PanelPath::SelfReview(school.clone(), year).to_string(),
                text.clone(),
            ));
        }
        if let Some(text) = &plan {
            new_files.push((
                PanelPath::ActionPlan(school.clone(), year).to_string(),
                text.clone(),
            ));
        }

        // Check the new files as they would stand in the repository: with its rubrics, panel, the
        // school's profile and the year's other file.
        let mut context: Vec<(String, String)> = Vec::new();
        let mut add = |blob: &crate::repo::BlobRef| -> anyhow::Result<()> {
            if !new_files.iter().any(|(p, _)| *p == blob.path) {
                context.push((blob.path.clone(), repo.read_text(blob)?));
            }
            Ok(())
        };
        for blob in snapshot.rubrics.values().chain(snapshot.panel.iter()) {
            add(blob)?;
        }
        if let Some(files) = snapshot.schools.get(&school) {
            for blob in files
                .profile
                .iter()
                .chain(files.years.get(&year).into_iter().flat_map(|y| y.files()))
            {
                add(blob)?;
            }
        }
        context.extend(new_files.iter().cloned());
        let report = validate_files(Mode::Repository, &context);
        let problems: Vec<String> = report
            .problems
            .iter()
            .filter(|p| {
                p.severity == Severity::Error && new_files.iter().any(|(path, _)| *path == p.path)
            })
            .map(|p| {
                // Name the file the school sent, where it really is.
                let name = p.path.rsplit('/').next().unwrap_or(&p.path);
                let shown = from.join(name).display().to_string();
                sanitize_inline(&p.to_string().replacen(&p.path, &shown, 1)).into_owned()
            })
            .collect();
        if !problems.is_empty() {
            for p in &problems {
                eprintln!("kitemark: {p}");
            }
            eprintln!("kitemark: nothing was submitted");
            return Ok(Recording::Done(EXIT_FINDINGS));
        }

        let profile: School = match &profile {
            Some(text) => {
                parse_document(text).map_err(|e| anyhow::anyhow!("{SCHOOL_FILE}: {}", e.message))?
            }
            None => match snapshot
                .schools
                .get(&school)
                .and_then(|f| f.profile.as_ref())
            {
                Some(blob) => repo.load(blob)?,
                None => bail!(
                    "{school} is a new school: put its {SCHOOL_FILE} in {} too",
                    from.display()
                ),
            },
        };
        let contact = profile
            .main_contact()
            .context("the school has no contact to submit in the name of")?
            .identity();
        let submitted_by = review
            .as_ref()
            .and_then(|t| parse_document::<SelfReview>(t).ok())
            .map_or_else(|| contact.name.clone(), |r| r.submitted_by);
        let version = if snapshot.year(&school, year).is_some() {
            2
        } else {
            1
        };
        let message = message::submission(&school, &profile.name, year, version, &submitted_by);
        let paths: Vec<String> = new_files.iter().map(|(p, _)| p.clone()).collect();
        if dry_run {
            print(&format!(
                "Would commit {} as {} <{}>:\n\n{message}",
                paths.join(", "),
                contact.name,
                contact.email
            ))?;
            return Ok(Recording::Done(EXIT_OK));
        }
        let spec = CommitSpec {
            files: new_files
                .into_iter()
                .map(|(p, t)| (p, t.into_bytes()))
                .collect(),
            message,
            author: contact.clone(),
            committer: contact,
            when: None,
            sign: None,
        };
        Ok(commit_and_report(
            &repo,
            &lock,
            &snapshot.commit_id(),
            &spec,
            "Submitted",
            &paths.join(", "),
        ))
    })
}
