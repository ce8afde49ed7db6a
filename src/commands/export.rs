//! `kitemark export minutes` and `kitemark export letter`: documents from the record, as
//! Markdown or as Word files.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;

use super::{EXIT_FINDINGS, EXIT_OK, print};
use crate::export::Format;
use crate::export::gather::{Document, letter_for, minutes_of};
use crate::model::{AcademicYear, KindId, SchoolId};
use crate::repo::PanelRepo;

/// Writes the document to `output`, never over an existing file, or prints it. A Word file
/// is not for a terminal: without `output` it is written under the document's own name in
/// the current folder. A document about a record changed after it was made is still given to
/// the panel, with its warnings on stderr and exit 1, so that nobody takes it as clean.
fn deliver(document: &Document, output: Option<&Path>, format: Format) -> anyhow::Result<ExitCode> {
    let own_name =
        (format == Format::Docx).then(|| std::path::PathBuf::from(document.file_name_as(format)));
    let output = output.or(own_name.as_deref());
    let given = match output {
        Some(path) => {
            super::write_new(path, document.bytes(format)?)?;
            eprintln!("kitemark: wrote {}", path.display());
            format!("written to {}", path.display())
        }
        None => {
            print(&document.text)?;
            "printed".to_owned()
        }
    };
    if document.warnings.is_empty() {
        return Ok(EXIT_OK);
    }
    for warning in &document.warnings {
        eprintln!("kitemark: warning: {warning}");
    }
    eprintln!(
        "kitemark: the document was still {given}, stating each decision as recorded and saying that its record was changed; see `kitemark audit`"
    );
    Ok(EXIT_FINDINGS)
}

pub fn run_minutes(
    repo_path: &Path,
    date: Date,
    rev: Option<&str>,
    output: Option<&Path>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(rev)?;
    let (catalog, _) = repo.load_catalog(&snapshot)?;
    let document = minutes_of(&repo, &snapshot, &catalog, date)?;
    deliver(&document, output, format)
}

pub fn run_letter(
    repo_path: &Path,
    school: &str,
    year: AcademicYear,
    kind: Option<&str>,
    rev: Option<&str>,
    output: Option<&Path>,
    format: Format,
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
    deliver(&document, output, format)
}
