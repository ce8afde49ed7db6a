//! `kitemark sync`: fetch, bring the branch up to date, push; or finish a sync that a
//! conflict stopped. Says what was pulled, replayed and pushed, or gives a full account of
//! the conflict and how to finish it.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use serde::Serialize;

use super::{EXIT_FINDINGS, EXIT_OK, exit_environment, print, print_json};
use crate::cli::{Format, SyncFinish};
use crate::model::text::sanitize_inline;
use crate::record::sync::{
    CommitNote, Conflict, Network, Resolution, SyncError, Synced, finish, sync,
};
use crate::repo::PanelRepo;

/// How long a fetch or push may take when `--timeout` is not given.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Serialize)]
struct Report<'a> {
    status: &'static str,
    pulled: &'a [CommitNote],
    replayed: &'a [CommitNote],
    pushed: &'a [CommitNote],
    notes: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    conflict: Option<&'a Conflict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

pub fn run(
    repo_path: &Path,
    timeout: Option<u64>,
    how: Option<SyncFinish>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    // git may ask at the terminal (a password, a passphrase, a host key) when there is one
    // and no time limit was asked for; otherwise it must fail rather than wait.
    let net = Network {
        timeout: timeout.map_or(DEFAULT_TIMEOUT, Duration::from_secs),
        interactive: timeout.is_none() && std::io::stdin().is_terminal(),
    };
    let remote = repo
        .upstream()
        .ok()
        .flatten()
        .map_or_else(|| "the remote".to_owned(), |u| u.remote);
    let remote = sanitize_inline(&remote).into_owned();
    let result = match how {
        None => sync(&repo, &net),
        Some(SyncFinish::Theirs) => finish(&repo, &net, Resolution::Theirs),
        Some(SyncFinish::Mine) => finish(&repo, &net, Resolution::Mine),
    };
    match result {
        Ok(synced) => {
            let quiet =
                synced.pulled.is_empty() && synced.replayed.is_empty() && synced.pushed.is_empty();
            match format {
                Format::Json => print_json(&Report {
                    status: if quiet { "up-to-date" } else { "synced" },
                    pulled: &synced.pulled,
                    replayed: &synced.replayed,
                    pushed: &synced.pushed,
                    notes: &synced.notes,
                    conflict: None,
                    message: None,
                })?,
                Format::Text => print(&synced_text(&synced, &remote))?,
            }
            Ok(EXIT_OK)
        }
        Err(SyncError::Conflict(conflict)) => {
            match format {
                Format::Json => print_json(&Report {
                    status: "conflict",
                    pulled: &[],
                    replayed: &[],
                    pushed: &[],
                    notes: &[],
                    conflict: Some(&conflict),
                    message: None,
                })?,
                Format::Text => print(&conflict_text(&conflict, &remote))?,
            }
            Ok(EXIT_FINDINGS)
        }
        Err(e) => {
            let (status, code) = match &e {
                SyncError::Rejected { .. } => ("rejected", EXIT_FINDINGS),
                SyncError::Offline { .. } => ("offline", exit_environment()),
                SyncError::TimedOut { .. } => ("timed-out", exit_environment()),
                SyncError::NeedsCredentials { .. } => ("needs-credentials", exit_environment()),
                SyncError::NoRemote => ("no-remote", exit_environment()),
                _ => ("failed", exit_environment()),
            };
            let message = sanitize_inline(&e.to_string()).into_owned();
            if format == Format::Json {
                print_json(&Report {
                    status,
                    pulled: &[],
                    replayed: &[],
                    pushed: &[],
                    notes: &[],
                    conflict: None,
                    message: Some(message.clone()),
                })?;
            }
            eprintln!("kitemark: sync: {message}");
            Ok(code)
        }
    }
}

fn commits(out: &mut String, heading: String, notes: &[CommitNote]) {
    if notes.is_empty() {
        return;
    }
    out.push_str(&heading);
    out.push('\n');
    for note in notes {
        out.push_str(&format!(
            "  {}  {}  {}\n",
            note.id.short(),
            note.author,
            note.summary
        ));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "commit" } else { "commits" }
}

fn synced_text(synced: &Synced, remote: &str) -> String {
    let mut out = String::new();
    let (pulled, replayed, pushed) = (
        synced.pulled.len(),
        synced.replayed.len(),
        synced.pushed.len(),
    );
    if pulled + replayed + pushed == 0 {
        out.push_str(&format!(
            "Up to date with {remote}: nothing to pull or push.\n"
        ));
    }
    commits(
        &mut out,
        format!("Pulled {pulled} {} from {remote}:", plural(pulled)),
        &synced.pulled,
    );
    commits(
        &mut out,
        format!(
            "Replayed {replayed} local {} on {remote}'s (new ids):",
            plural(replayed)
        ),
        &synced.replayed,
    );
    commits(
        &mut out,
        format!("Pushed {pushed} {} to {remote}:", plural(pushed)),
        &synced.pushed,
    );
    for note in &synced.notes {
        out.push_str(&format!("! {}\n", sanitize_inline(note)));
    }
    out
}

fn conflict_text(conflict: &Conflict, remote: &str) -> String {
    let kept = sanitize_inline(&conflict.kept_on);
    let mut out = format!(
        "Sync stopped: this repository and {remote} both changed the same {} since they last agreed. Nothing was changed on the branch or on {remote}.\n\n",
        if conflict.files.len() == 1 {
            "file"
        } else {
            "files"
        }
    );
    for file in &conflict.files {
        let path = sanitize_inline(&file.path);
        out.push_str(&format!("  {path}\n"));
        out.push_str(&format!(
            "    ours:   {}  {}  {}\n",
            file.ours.id.short(),
            file.ours.author,
            file.ours.summary
        ));
        out.push_str(&format!(
            "    theirs: {}  {}  {}\n",
            file.theirs.id.short(),
            file.theirs.author,
            file.theirs.summary
        ));
        out.push_str(&format!(
            "    to compare: git diff {} {} -- {path}\n\n",
            file.theirs.id.short(),
            file.ours.id.short()
        ));
    }
    out.push_str(&format!(
        "The local commits are kept, as they were, on the branch {kept}.\n\nTo finish:\n  kitemark sync --finish theirs   take {remote}'s version of {}; the local commits that changed {} stay only on {kept}\n  kitemark sync --finish mine     record our version again on top of {remote}'s, and push it\n",
        if conflict.files.len() == 1 { "the file" } else { "each file" },
        if conflict.files.len() == 1 { "it" } else { "them" },
    ));
    out
}
