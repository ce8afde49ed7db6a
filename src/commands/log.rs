//! `kitemark log`: the decision history from git, newest first; with `--commits`, every
//! commit that touched a school, as the interface's History view lists them.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::{EXIT_OK, columns, print};
use crate::audit::log::{LogEntry, decision_log};
use crate::cli::Format;
use crate::model::history::{ChangeKind, CommitInfo};
use crate::model::{ObjectId, SchoolId};
use crate::repo::PanelRepo;

#[derive(Serialize)]
struct JsonOutput<'a> {
    commit: String,
    school: Option<&'a SchoolId>,
    decisions: &'a [LogEntry],
}

#[derive(Serialize)]
struct JsonCommits<'a> {
    commit: String,
    school: &'a SchoolId,
    commits: &'a [CommitInfo],
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
    commits: bool,
    rev: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let school: Option<SchoolId> = school.map(str::parse).transpose()?;
    let repo = PanelRepo::open(repo_path)?;
    // Resolved once: the header and the data describe the same commit even if HEAD moves.
    let head = repo.commit_of(rev)?;
    let rev = Some(head.as_str());
    if let Some(s) = &school
        && !repo.exists_at(&head, &format!("submissions/{s}"))
        && !repo.exists_at(&head, &format!("decisions/{s}"))
    {
        anyhow::bail!("{s} is not a school of this repository (see `kitemark schools`)");
    }
    if commits {
        let Some(school) = &school else {
            anyhow::bail!("--commits lists one school's history: name the school");
        };
        return school_commits(&repo, school, &head, format);
    }
    let (history, decisions) = repo.recorded_decisions(rev, school.as_ref())?;
    let entries = decision_log(&history, &decisions, school.as_ref());
    match format {
        Format::Json => {
            let json = JsonOutput {
                commit: head.to_string(),
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
                head.short(),
                entries.len(),
                columns(&rows)
            ))?;
        }
    }
    Ok(EXIT_OK)
}

fn school_commits(
    repo: &PanelRepo,
    school: &SchoolId,
    head: &ObjectId,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let history = repo.school_history(Some(head.as_str()), school)?;
    match format {
        Format::Json => {
            let json = JsonCommits {
                commit: head.to_string(),
                school,
                commits: &history,
            };
            print(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
        }
        Format::Text => {
            let mut rows = vec![
                ["COMMIT", "DATE", "AUTHOR", "SUMMARY", "FILES"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>(),
            ];
            for c in &history {
                rows.push(vec![
                    c.id.short().to_owned(),
                    c.committer.time.strftime("%Y-%m-%d %H:%M").to_string(),
                    c.author.name.clone(),
                    c.summary.clone(),
                    c.changes
                        .iter()
                        .map(|ch| format!("{} {}", ch.kind.letter(), ch.path))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]);
            }
            print(&format!(
                "Commits that touched {school} up to commit {}: {}\n\n{}",
                head.short(),
                history.len(),
                columns(&rows)
            ))?;
        }
    }
    Ok(EXIT_OK)
}
