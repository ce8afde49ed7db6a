//! The bundled demo: rubrics and fictional submissions, meetings and decisions shipped with
//! the tool, and how they map onto a panel repository (SPEC §2).
//!
//! Each bundled panel has its own folder in the project: `submissions/` for the Hertfordshire
//! panel, `demo-kent/` for the Kent one. The layout within each:
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

/// Which bundled panel a demo replays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DemoPanel {
    /// A Hertfordshire panel on the Healthy Young Minds in Herts kitemark.
    #[default]
    Herts,
    /// A Kent panel on the Resilience Toolkit's award.
    Kent,
}

impl DemoPanel {
    /// The name of the demo's default folder, beside the other panel's.
    pub fn folder_name(self) -> &'static str {
        match self {
            DemoPanel::Herts => "demo",
            DemoPanel::Kent => "demo-kent",
        }
    }
}

/// Where a bundled file goes in the demo repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundledFile {
    /// Its path in the repository.
    pub path: String,
    /// Whether it is an earlier version, replaced later in the history.
    pub earlier: bool,
}

/// Maps a path under a bundled panel's folder to its place in the repository.
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
