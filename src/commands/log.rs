//! `kitemark log`: the decision history from git, newest first.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::{EXIT_OK, columns, print};
use crate::audit::log::{LogEntry, decision_log};
use crate::cli::Format;
use crate::model::SchoolId;
use crate::model::history::ChangeKind;
use crate::repo::PanelRepo;

#[derive(Serialize)]
struct JsonOutput<'a> {
    commit: String,
    school: Option<&'a SchoolId>,
    decisions: &'a [LogEntry],
}

fn status(entry: &LogEntry) -> String {
    let mut parts = Vec::new();
    if let Some((path, commit)) = &entry.superseded_by {
        let when = path.rsplit('/').next().unwrap_or(path);
        parts.push(format!("superseded by {when} ({})", commit.short()));
    }
    for (kind, commit) in &entry.changed_by {
        let what = match kind {
            ChangeKind::Deleted => "deleted",
            _ => "modified",
        };
        parts.push(format!("{what} in {} (see kitemark audit)", commit.short()));
    }
    if parts.is_empty() {
        "-".to_owned()
    } else {
        parts.join("; ")
    }
}

pub fn run(
    repo_path: &Path,
    school: Option<&str>,
    rev: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let school: Option<SchoolId> = school.map(str::parse).transpose()?;
    let repo = PanelRepo::open(repo_path)?;
    let records = repo.records(rev)?;
    if let Some(s) = &school
        && !records.head.years.contains_key(s)
        && !records.head.schools.contains_key(s)
        && !records.decisions.iter().any(|d| &d.decision.school == s)
    {
        anyhow::bail!("{s} is not a school of this repository (see `kitemark schools`)");
    }
    let entries = decision_log(&records, school.as_ref());
    match format {
        Format::Json => {
            let json = JsonOutput {
                commit: records.head_commit.to_string(),
                school: school.as_ref(),
                decisions: &entries,
            };
            print(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
        }
        Format::Text => {
            let mut rows = vec![
                [
                    "COMMIT", "DATE", "AUTHOR", "SCHOOL", "YEAR", "KIND", "OUTCOME", "MEETING",
                    "LATER",
                ]
                .iter()
                .map(|s| (*s).to_owned())
                .collect::<Vec<_>>(),
            ];
            for e in &entries {
                rows.push(vec![
                    e.commit.short().to_owned(),
                    e.date.clone(),
                    e.author.clone(),
                    e.school.to_string(),
                    e.year.to_string(),
                    e.kind.to_string(),
                    e.outcome.to_string(),
                    e.meeting.to_string(),
                    status(e),
                ]);
            }
            let title = match &school {
                Some(s) => format!("Decisions of {s}"),
                None => "Decisions".to_owned(),
            };
            print(&format!(
                "{title} up to commit {}: {}\n\n{}",
                records.head_commit.short(),
                entries.len(),
                columns(&rows)
            ))?;
        }
    }
    Ok(EXIT_OK)
}
