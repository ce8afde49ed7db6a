//! `kitemark repair`: finishes or undoes a recording left half done and removes what
//! stopped writers left behind, saying what it did.

use std::path::Path;
use std::process::ExitCode;

use super::{EXIT_FINDINGS, EXIT_OK, print};
use crate::model::text::sanitize_inline;
use crate::repo::PanelRepo;

/// A line of the report: the first letter capitalised, made safe for the terminal.
fn sentence(text: &str) -> String {
    let text = sanitize_inline(text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

pub fn run(repo_path: &Path, dry_run: bool) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    let repair = repo.repair(dry_run)?;
    let mut out = String::new();
    for line in &repair.done {
        out.push_str(&format!("✓ {}.\n", sentence(line)));
    }
    for line in &repair.attention {
        out.push_str(&format!("! {}.\n", sentence(line)));
    }
    if repair.attention.is_empty() {
        out.push_str(if repair.done.is_empty() {
            "Nothing to repair: no recording was left half done, and no lock or temporary file was left behind.\n"
        } else if dry_run {
            "Nothing was changed (--dry-run).\n"
        } else {
            "The repository is in order.\n"
        });
    }
    print(&out)?;
    Ok(if repair.attention.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}
