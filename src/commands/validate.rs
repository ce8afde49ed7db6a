//! `kitemark validate`: every file parsed and checked; all problems listed.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::{EXIT_FINDINGS, EXIT_OK, print};
use crate::cli::Format;
use crate::model::text::sanitize_inline;
use crate::model::validate::Report;
use crate::model::{Problem, Severity};
use crate::repo::{PanelRepo, RepoError};

#[derive(Serialize)]
struct JsonReport<'a> {
    commit: Option<String>,
    files_checked: usize,
    errors: usize,
    warnings: usize,
    problems: &'a [Problem],
}

pub fn run(repo_path: &Path, rev: Option<&str>, format: Format) -> anyhow::Result<ExitCode> {
    let repo = PanelRepo::open(repo_path)?;
    let (commit, report) = match repo.snapshot_at(rev) {
        Ok(snapshot) => (
            Some(snapshot.commit_id().to_string()),
            repo.validate(&snapshot),
        ),
        // An empty repository or one without panel.ron is invalid data, not a broken tool.
        Err(e @ (RepoError::Empty { .. } | RepoError::NotAPanel { .. })) => {
            let report = Report {
                files_checked: 0,
                problems: vec![Problem {
                    path: "panel.ron".into(),
                    position: None,
                    severity: Severity::Error,
                    code: "not-a-panel",
                    message: e.to_string(),
                }],
            };
            (None, report)
        }
        Err(e) => return Err(e.into()),
    };
    match format {
        Format::Json => {
            let json = JsonReport {
                commit,
                files_checked: report.files_checked,
                errors: report.errors(),
                warnings: report.warnings(),
                problems: &report.problems,
            };
            super::print_json(&json)?;
        }
        Format::Text => {
            let mut out = String::new();
            for problem in &report.problems {
                out.push_str(&sanitize_inline(&problem.to_string()));
                out.push('\n');
            }
            let at = commit
                .as_deref()
                .map(|c| format!(" at {}", &c[..7.min(c.len())]))
                .unwrap_or_default();
            out.push_str(&format!(
                "{} file(s) checked{at}: {} error(s), {} warning(s)\n",
                report.files_checked,
                report.errors(),
                report.warnings()
            ));
            print(&out)?;
        }
    }
    Ok(if report.errors() > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}
