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
    shallow: Option<Shallow<'a>>,
}

#[derive(Serialize)]
struct JsonCommits<'a> {
    commit: String,
    school: &'a SchoolId,
    commits: &'a [CommitInfo],
    shallow: Option<Shallow<'a>>,
}

/// A shallow clone's boundary, when the history reaches one.
#[derive(Serialize)]
struct Shallow<'a> {
    boundary: &'a [ObjectId],
}

fn shallow(boundary: &[ObjectId]) -> Option<Shallow<'_>> {
    (!boundary.is_empty()).then_some(Shallow { boundary })
}

/// The boundary commits' short ids, for a sentence.
fn shorts(boundary: &[ObjectId]) -> String {
    boundary
        .iter()
        .map(|b| b.short())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What to run for the whole history.
const DEEPEN: &str =
    "`git fetch --unshallow` fetches the whole history (`git fetch --deepen N`, N more commits)";

fn status(entry: &LogEntry) -> String {
    let mut parts = Vec::new();
    if let Some((path, commit)) = &entry.superseded_by {
        let when = path.rsplit('/').next().unwrap_or(path);
        let by = commit.as_ref().map_or_else(
            || "recorded before this shallow clone's history".to_owned(),
            |c| c.short().to_owned(),
        );
        parts.push(format!("superseded by {when} ({by})"));
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
    let boundary = repo.boundary_of(rev)?;
    let (history, decisions) = repo.recorded_decisions(rev, school.as_ref())?;
    let entries = decision_log(&history, &decisions, school.as_ref());
    match format {
        Format::Json => {
            let json = JsonOutput {
                commit: head.to_string(),
                school: school.as_ref(),
                decisions: &entries,
                shallow: shallow(&boundary),
            };
            super::print_json(&json)?;
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
                // A decision recorded before a shallow clone's boundary: the commit, time
                // and author that recorded it are beyond the clone; its meeting's date, from
                // the file, is what is known of when.
                let (commit, date, author) = match (&e.commit, &e.recorded_before) {
                    (Some(commit), _) => (
                        commit.short().to_owned(),
                        e.date.clone().unwrap_or_default(),
                        e.author.clone().unwrap_or_default(),
                    ),
                    (None, boundary) => (
                        boundary
                            .as_ref()
                            .map_or_else(|| "-".to_owned(), |b| format!("before {}", b.short())),
                        format!("{} (meeting)", e.meeting),
                        "-".to_owned(),
                    ),
                };
                rows.push(vec![
                    commit,
                    date,
                    author,
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
            let before = entries.iter().filter(|e| e.commit.is_none()).count();
            let note = if boundary.is_empty() {
                String::new()
            } else {
                format!(
                    "\nThis is a shallow clone: its history begins at {}. The {before} decision(s) marked `before` were recorded before that: the commit, time and author that recorded each are not in the clone, and the date shown is the meeting's, from the decision's file. {DEEPEN}.\n",
                    shorts(&boundary)
                )
            };
            print(&format!(
                "{title} up to commit {}: {}\n\n{}{note}",
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
    let boundary = repo.boundary_of(Some(head.as_str()))?;
    let history = repo.school_history(Some(head.as_str()), school)?;
    match format {
        Format::Json => {
            let json = JsonCommits {
                commit: head.to_string(),
                school,
                commits: &history,
                shallow: shallow(&boundary),
            };
            super::print_json(&json)?;
        }
        Format::Text => {
            let mut rows = vec![
                ["COMMIT", "DATE", "AUTHOR", "SUMMARY", "FILES"]
                    .iter()
                    .map(|s| (*s).to_owned())
                    .collect::<Vec<_>>(),
            ];
            for c in &history {
                let files = match &c.boundary {
                    // What the boundary holds is not what it changed.
                    Some(held) => format!(
                        "shallow boundary, already there: {}",
                        held.iter()
                            .map(|f| f.path.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    None => c
                        .changes
                        .iter()
                        .map(|ch| format!("{} {}", ch.kind.letter(), ch.path))
                        .collect::<Vec<_>>()
                        .join(", "),
                };
                rows.push(vec![
                    c.id.short().to_owned(),
                    c.committer.time.strftime("%Y-%m-%d %H:%M").to_string(),
                    c.author.name.clone(),
                    c.summary.clone(),
                    files,
                ]);
            }
            let note = if boundary.is_empty() {
                String::new()
            } else {
                format!(
                    "\nThis is a shallow clone: its history begins at {}, which is not shown as adding the files already there when it begins, since the commits that did are not in the clone. {DEEPEN}.\n",
                    shorts(&boundary)
                )
            };
            print(&format!(
                "Commits that touched {school} up to commit {}: {}\n\n{}{note}",
                head.short(),
                history.len(),
                columns(&rows)
            ))?;
        }
    }
    Ok(EXIT_OK)
}
