//! `kitemark audit`: every rule of the audit over the whole history, and the check of every
//! seal; exit 1 if any fails. With `--seal`, the audited commit is then sealed.

use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use jiff::civil::Date;
use serde::Serialize;

use super::{EXIT_FINDINGS, EXIT_OK, print};
use crate::audit::seals::SealCheck;
use crate::audit::{Finding, Level, Shallow, report};
use crate::cli::{AuditArgs, Format};
use crate::model::Identity;
use crate::model::seal::{SealMessage, check_auditor, parse_auditor};
use crate::model::text::sanitize_inline;
use crate::repo::{PanelRepo, Sealed};

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
    /// Every seal checked (`audit/*` tags, then each `--expect-seal`).
    seals: &'a [SealCheck],
    /// The seal `--seal` made; `null` without it.
    sealed: Option<JsonSealed>,
}

#[derive(Serialize)]
struct JsonSealed {
    name: String,
    commit: String,
    tag: String,
}

pub fn run(repo_path: &Path, args: AuditArgs) -> anyhow::Result<ExitCode> {
    let AuditArgs {
        on,
        rev,
        format,
        seal,
        auditor,
        expect_seal,
    } = args;
    let rev = rev.as_deref();
    let today = on.unwrap_or_else(|| jiff::Zoned::now().date());
    let repo = PanelRepo::open(repo_path)?;
    // Before the audit, so that a seal that cannot be made is refused at once.
    let auditor = if seal {
        Some(auditor_of(&repo, auditor.as_deref())?)
    } else {
        None
    };
    let progress = super::progress::Progress::spinner("Reading the history");
    let records = repo.records_reporting(rev, &mut |done, of| {
        progress.set(done as u64, of as u64);
    })?;
    drop(progress);
    // So that `git verify-commit` and `git log --show-signature` judge by the same keys. A
    // repository that cannot be written to (an auditor's read-only copy) is still audited.
    if rev.is_none()
        && let Err(e) = repo.refresh_allowed_signers()
    {
        eprintln!(
            "kitemark: warning: the allowed-signers file for git could not be written: {}",
            crate::model::text::sanitize_inline(&e.to_string())
        );
    }
    let report = report(&records, today);
    let mut findings = report.findings;
    let found = repo.seals(&records.head_commit, &expect_seal)?;
    let seals = crate::audit::seals::check(&records, &found, rev.is_none());
    findings.extend(seals.findings.iter().cloned());
    let errors = findings.iter().filter(|f| f.is_error()).count();
    let notes = findings.len() - errors;
    let sealing = auditor.map(|who| {
        let files = repo.decision_files(&records.head_commit).ok_or_else(|| {
            anyhow!(
                "cannot list the decision files of commit {}; nothing was sealed",
                records.head_commit
            )
        })?;
        let message = SealMessage {
            commit: records.head_commit.clone(),
            on: today,
            commits: records.commits.len(),
            decisions: records.decisions.len(),
            findings: errors,
            notes,
            files,
        };
        write_seal(&repo, &message, &who).map(|sealed| (sealed, who))
    });
    let (sealed, not_sealed) = match sealing {
        Some(Ok(sealed)) => (Some(sealed), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
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
                seals: &seals.checked,
                sealed: sealed.as_ref().map(|(s, _)| JsonSealed {
                    name: s.name.clone(),
                    commit: records.head_commit.to_string(),
                    tag: s.tag.to_string(),
                }),
            };
            super::print_json(&json)?;
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
                // A sealed commit the history no longer holds has no date in it.
                let date = records
                    .position(&f.commit)
                    .map(|i| format!(" {}", records.commits[i].committer.date()))
                    .unwrap_or_default();
                let about = match (&f.school, &f.year) {
                    (Some(s), Some(y)) => format!(" {s} {y}"),
                    (Some(s), None) => format!(" {s}"),
                    _ => String::new(),
                };
                out.push_str(&format!(
                    "{mark} {}{date} [{}]{about}: {}\n",
                    f.commit.short(),
                    f.rule,
                    sanitize_inline(&f.message)
                ));
            }
            if !findings.is_empty() {
                out.push('\n');
            }
            out.push_str(&seals_text(&seals));
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
            if let Some((sealed, who)) = &sealed {
                out.push_str(&format!(
                    "\nSealed commit {} as {} by {} <{}>. File both with your audit report, and push the tag to the shared repository: git push origin {}\n",
                    records.head_commit,
                    sealed.name,
                    sanitize_inline(&who.name),
                    sanitize_inline(&who.email),
                    sealed.name
                ));
            }
            print(&out)?;
        }
    }
    for e in &records.unreadable {
        eprintln!(
            "kitemark: could not read {} (run `kitemark validate` for every problem)",
            sanitize_inline(e)
        );
    }
    // The command ends here and the process with it: freeing a large history's records one
    // allocation at a time would cost an eighth of the run for nothing.
    std::mem::forget(records);
    if let Some(e) = not_sealed {
        return Err(e);
    }
    Ok(if errors == 0 { EXIT_OK } else { EXIT_FINDINGS })
}

/// Who seals: `--auditor` as typed, else git's configured user; refused without either.
fn auditor_of(repo: &PanelRepo, given: Option<&str>) -> anyhow::Result<Identity> {
    let who = match given {
        Some(text) => parse_auditor(text).map_err(|e| anyhow!("{e}; nothing was sealed"))?,
        None => {
            let who = repo.configured_identity().ok_or_else(|| {
                anyhow!(
                    "a seal is tagged by its auditor, and none is known: set git's user.name and user.email (`git config user.name \"Ada Lovelace\"` and `git config user.email ada@example.org`), or give --auditor \"Name <email>\"; nothing was sealed"
                )
            })?;
            check_auditor(&who).map_err(|e| {
                anyhow!("git's user.name or user.email cannot be used: {e}; give --auditor \"Name <email>\"; nothing was sealed")
            })?;
            who
        }
    };
    Ok(who)
}

/// Writes the seal under kitemark's write lock.
fn write_seal(repo: &PanelRepo, message: &SealMessage, who: &Identity) -> anyhow::Result<Sealed> {
    let lock =
        super::write_lock(repo).map_err(|e| anyhow!("cannot seal: {}; nothing was sealed", e.0))?;
    repo.write_seal(&lock, message, who)
        .map_err(|e| anyhow!("cannot seal: {e}; nothing was sealed"))
}

/// What the seals say, for the readable report: the latest still in the history, and how
/// many are not. Nothing when the repository has none.
fn seals_text(seals: &crate::audit::seals::SealsReport) -> String {
    if seals.checked.is_empty() {
        return String::new();
    }
    let broken = seals.broken();
    let mut out = String::new();
    if let Some(latest) = seals.latest_intact() {
        let on = latest
            .sealed_on
            .map(|d| format!(" on {d}"))
            .unwrap_or_default();
        let name = latest.name.as_deref().unwrap_or("expected");
        if broken == 0 {
            out.push_str(&format!(
                "Sealed{on} at {} ({name}): history intact since.",
                latest.commit.short()
            ));
        } else {
            out.push_str(&format!(
                "Sealed{on} at {} ({name}): the history up to that commit is intact since.",
                latest.commit.short()
            ));
        }
        out.push(' ');
    }
    let unchecked = seals.checked.iter().filter(|c| c.intact.is_none()).count();
    out.push_str(&format!("{} seal(s) checked", seals.checked.len()));
    if broken > 0 {
        out.push_str(&format!(", {broken} no longer in this history"));
    }
    if unchecked > 0 {
        out.push_str(&format!(
            ", {unchecked} not checked (of a later commit than the one audited, or not in this shallow clone)"
        ));
    }
    out.push_str(".\n\n");
    out
}
