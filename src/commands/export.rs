//! `kitemark export minutes` and `kitemark export letter`: Markdown documents from the record.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;

use super::{EXIT_OK, print};
use crate::export::gather::{letter_for, minutes_of};
use crate::model::{AcademicYear, KindId, SchoolId};
use crate::repo::PanelRepo;

/// Writes the document to `output`, never over an existing file, or prints it.
fn deliver(text: &str, output: Option<&Path>) -> anyhow::Result<ExitCode> {
    match output {
        Some(path) => {
            super::write_new(path, text)?;
            eprintln!("kitemark: wrote {}", path.display());
        }
        None => print(text)?,
    }
    Ok(EXIT_OK)
}

pub fn run_minutes(
    repo_path: &Path,
    date: Date,
    rev: Option<&str>,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(rev)?;
    let (catalog, _) = repo.load_catalog(&snapshot)?;
    let document = minutes_of(&repo, &snapshot, &catalog, date)?;
    deliver(&document.text, output)
}

pub fn run_letter(
    repo_path: &Path,
    school: &str,
    year: AcademicYear,
    kind: Option<&str>,
    rev: Option<&str>,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let school: SchoolId = school.parse()?;
    let kind: Option<KindId> = kind.map(str::parse).transpose()?;
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(rev)?;
    let (catalog, _) = repo.load_catalog(&snapshot)?;
    let document = letter_for(
        &repo,
        &snapshot,
        &catalog,
        &school,
        year,
        kind.as_ref(),
        None,
    )?;
    deliver(&document.text, output)
}
