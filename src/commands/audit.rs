//! `kitemark audit`: every rule of the audit over the whole history; exit 1 if any fails.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use serde::Serialize;

use super::{EXIT_FINDINGS, EXIT_OK, print};
use crate::audit::{Finding, Level, Shallow, report};
use crate::cli::Format;
use crate::model::text::sanitize_inline;
use crate::repo::PanelRepo;

#[derive(Serialize)]
struct JsonOutput<'a> {
    commit: String,
    on: Date,
    commits: usize,
    decisions: usize,
    errors: usize,
    notes: usize,
    findings: &'a [Finding],
    unreadable: &'a [String],
    /// What a shallow clone kept the audit from checking; `null` for a complete history.
    shallow: Option<&'a Shallow>,
}

pub fn run(
    repo_path: &Path,
    on: Option<Date>,
    rev: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let today = on.unwrap_or_else(|| jiff::Zoned::now().date());
    let repo = PanelRepo::open(repo_path)?;
    let records = repo.records(rev)?;
    let report = report(&records, today);
    let findings = report.findings;
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let notes = findings.len() - errors;
    match format {
        Format::Json => {
            let json = JsonOutput {
                commit: records.head_commit.to_string(),
                on: today,
                commits: records.commits.len(),
                decisions: records.decisions.len(),
                errors,
                notes,
                findings: &findings,
                unreadable: &records.unreadable,
                shallow: report.shallow.as_ref(),
            };
            print(&format!("{}\n", serde_json::to_string_pretty(&json)?))?;
        }
        Format::Text => {
            let mut out = format!(
                "Audit of {} commits and {} decisions up to commit {}, on {today}\n\n",
                records.commits.len(),
                records.decisions.len(),
                records.head_commit.short()
            );
            if let Some(shallow) = &report.shallow {
                let edges: Vec<String> = shallow
                    .boundary
                    .iter()
                    .map(|b| {
                        let date = records
                            .position(b)
                            .map(|i| {
                                format!(" (committed {})", records.commits[i].committer.date())
                            })
                            .unwrap_or_default();
                        format!("{}{date}", b.short())
                    })
                    .collect();
                out.push_str(&format!(
                    "This is a shallow clone: its history begins at {}; what came before is not in it. {} decision(s) could not be fully checked. Not checked:\n",
                    edges.join("; "),
                    shallow.decisions_not_fully_checked
                ));
                for what in &shallow.not_checked {
                    out.push_str(&format!("  - {what}\n"));
                }
                out.push_str(&format!("For the rest: {}.\n\n", shallow.deepen));
            }
            for f in &findings {
                let mark = match f.level {
                    Level::Error => "✗",
                    Level::Note => "note",
                };
                let date = records
                    .position(&f.commit)
                    .map(|i| records.commits[i].committer.date().to_string())
                    .unwrap_or_default();
                let about = match (&f.school, &f.year) {
                    (Some(s), Some(y)) => format!(" {s} {y}"),
                    (Some(s), None) => format!(" {s}"),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "{mark} {} {date} [{}]{about}: {}\n",
                    f.commit.short(),
                    f.rule,
                    sanitize_inline(&f.message)
                ));
            }
            if !findings.is_empty() {
                out.push('\n');
            }
            out.push_str(&match (errors, notes, &report.shallow) {
                (0, 0, None) => "✓ The history is clean.\n".to_owned(),
                (0, n, None) => format!("✓ The history is clean ({n} note(s)).\n"),
                // Clean as far as it goes: the history before the boundary was not read.
                (0, n, Some(s)) => format!(
                    "✓ No findings in the history this shallow clone holds ({}{} decision(s) not fully checked).\n",
                    if n > 0 { format!("{n} note(s); ") } else { String::new() },
                    s.decisions_not_fully_checked
                ),
                (e, n, _) => format!("✗ {e} finding(s), {n} note(s).\n"),
            });
            print(&out)?;
        }
    }
    for e in &records.unreadable {
        eprintln!(
            "kitemark: could not read {} (run `kitemark validate` for every problem)",
            sanitize_inline(e)
        );
    }
    Ok(if errors == 0 { EXIT_OK } else { EXIT_FINDINGS })
}
