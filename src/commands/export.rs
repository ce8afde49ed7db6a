//! `kitemark export minutes` and `kitemark export letter`: Markdown documents from the record.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use jiff::civil::Date;

use super::{EXIT_OK, print};
use crate::export::{Recorded, letter, minutes};
use crate::model::{AcademicYear, KindId, SchoolId};
use crate::repo::PanelRepo;

/// The commit that first recorded a file, or last changed it.
fn commit_of(
    repo: &PanelRepo,
    path: &str,
    first: bool,
) -> anyhow::Result<Option<crate::model::ObjectId>> {
    let history = repo.history(None, &[path.to_owned()])?;
    Ok(if first {
        history.last().map(|c| c.id.clone())
    } else {
        history.first().map(|c| c.id.clone())
    })
}

/// Writes the document to `output`, never over an existing file, or prints it.
fn deliver(text: &str, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    match output {
        Some(path) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .with_context(|| {
                    format!(
                        "cannot create {} (an existing file is never overwritten)",
                        path.display()
                    )
                })?;
            file.write_all(text.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("kitemark: wrote {}", path.display());
        }
        None => print(text)?,
    }
    Ok(EXIT_OK)
}

pub fn run_minutes(
    repo_path: &Path,
    date: Date,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(None)?;
    let (catalog, _) = repo.load_catalog(&snapshot)?;
    let Some(meeting) = catalog.meetings.get(&date) else {
        let known: Vec<String> = catalog.meetings.keys().map(|d| d.to_string()).collect();
        bail!(
            "no meeting is recorded on {date} (meetings/{date}.ron); recorded meetings: {}",
            known.join(", ")
        );
    };
    let mut found = Vec::new();
    for item in &meeting.agenda {
        if let Some((path, decision)) =
            catalog.decision_at(&item.school, item.year, &item.kind, date)
        {
            found.push((path.to_owned(), decision, commit_of(&repo, path, true)?));
        }
    }
    let decisions: Vec<Recorded<'_>> = found
        .iter()
        .map(|(path, decision, commit)| Recorded {
            path,
            decision,
            commit: commit.as_ref(),
        })
        .collect();
    let meeting_commit = commit_of(&repo, &format!("meetings/{date}.ron"), false)?;
    let text = minutes(
        &catalog,
        meeting,
        &decisions,
        meeting_commit.as_ref(),
        &snapshot.commit_id(),
    );
    deliver(&text, output)
}

pub fn run_letter(
    repo_path: &Path,
    school: &str,
    year: AcademicYear,
    kind: Option<&str>,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let school: SchoolId = school.parse()?;
    let kind: Option<KindId> = kind.map(str::parse).transpose()?;
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(None)?;
    let (catalog, _) = repo.load_catalog(&snapshot)?;
    // The latest decision on that year's submission (of that kind), as corrected.
    let superseded: Vec<&str> = catalog
        .decisions
        .iter()
        .filter_map(|(_, d)| d.supersedes.as_deref())
        .collect();
    let latest = catalog
        .decisions
        .iter()
        .filter(|(path, d)| {
            d.school == school
                && d.year == year
                && kind.as_ref().is_none_or(|k| &d.kind == k)
                && !superseded.contains(&path.as_str())
        })
        .max_by(|(pa, a), (pb, b)| (a.meeting, pa).cmp(&(b.meeting, pb)));
    let Some((path, decision)) = latest else {
        let which = kind.map_or_else(String::new, |k| format!(" of kind {k}"));
        bail!("no decision{which} is recorded for {school} {year} (see `kitemark log {school}`)");
    };
    let commit = commit_of(&repo, path, true)?;
    let text = letter(
        &catalog,
        Recorded {
            path,
            decision,
            commit: commit.as_ref(),
        },
    )
    .map_err(anyhow::Error::msg)?;
    deliver(&text, output)
}
