//! The bundled demo: rubrics and fictional submissions, meetings and decisions shipped with
//! the tool, and how they map onto a panel repository (SPEC §2).
//!
//! Bundled layout (under the project's `submissions/`):
//! - `<school-id>/...` — each school's files, as in a repository;
//! - `_panel/panel.ron`, `_panel/meetings/`, `_panel/decisions/`, `_panel/conditions/` — the
//!   panel's files;
//! - `_earlier/<school-id>/<year>/...` — earlier versions of submissions that a school later
//!   replaced (a resubmission, or an update for another application).
//!
//! Folder names that start with `_` can never be school ids, so the two cannot be confused.

pub mod bundle;
pub mod keys;
pub mod plan;

/// Where a bundled file goes in the demo repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundledFile {
    /// Its path in the repository.
    pub path: String,
    /// Whether it is an earlier version, replaced later in the history.
    pub earlier: bool,
}

/// Maps a path under the bundled `submissions/` folder to its place in the repository.
pub fn repo_path_for(bundled: &str) -> Option<BundledFile> {
    if let Some(rest) = bundled.strip_prefix("_panel/") {
        return Some(BundledFile {
            path: rest.to_owned(),
            earlier: false,
        });
    }
    if let Some(rest) = bundled.strip_prefix("_earlier/") {
        return Some(BundledFile {
            path: format!("submissions/{rest}"),
            earlier: true,
        });
    }
    if bundled.starts_with('_') {
        return None;
    }
    Some(BundledFile {
        path: format!("submissions/{bundled}"),
        earlier: false,
    })
}
