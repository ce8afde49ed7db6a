//! `kitemark schools`: each school's award state, computed from its decisions and rubric.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use serde::Serialize;

use super::print;
use crate::cli::Format;
use crate::model::catalog::{Catalog, SchoolStatus};
use crate::model::lifecycle::AwardStatus;
use crate::model::text::sanitize_inline;
use crate::repo::PanelRepo;

#[derive(Serialize)]
struct JsonOutput<'a> {
    commit: String,
    on: Date,
    schools: &'a [SchoolStatus],
    unreadable: Vec<String>,
}

pub fn run(
    repo_path: &Path,
    on: Option<Date>,
    rev: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let today = on.unwrap_or_else(|| jiff::Zoned::now().date());
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(rev)?;
    let (catalog, errors) = repo.load_catalog(&snapshot)?;
    let statuses: Vec<SchoolStatus> = catalog
        .school_statuses(today)
        .into_iter()
        .filter_map(|(_, status)| status)
        .collect();
    let unreadable: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    match format {
        Format::Json => {
            let json = JsonOutput {
                commit: snapshot.commit_id().to_string(),
                on: today,
                schools: &statuses,
                unreadable: unreadable.clone(),
            };
            super::print_json(&json)?;
        }
        Format::Text => print(&table(
            &catalog,
            &statuses,
            today,
            snapshot.commit_id().short(),
        ))?,
    }
    Ok(super::skipped(&unreadable))
}

fn date(d: Option<Date>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| d.to_string())
}

fn table(catalog: &Catalog, statuses: &[SchoolStatus], today: Date, commit: &str) -> String {
    let header = [
        "SCHOOL",
        "PHASE",
        "AWARD",
        "AWARDED",
        "EXPIRES",
        "NEXT REVIEW",
        "PENDING",
        "ELIGIBLE",
        "CONDITIONS",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    for s in statuses {
        let rubric = catalog.rubrics.get(&s.rubric);
        // A graded mark's grade beside its state: "held (Advanced)".
        let award = match &s.award {
            Some(a) => match (&a.grade, rubric) {
                (Some(g), Some(r)) => format!(
                    "{} ({})",
                    a.status.label(),
                    sanitize_inline(&crate::model::scores::grade_label(r, g))
                ),
                _ => a.status.label().to_owned(),
            },
            None => "none".to_owned(),
        };
        let mut award_cell = award;
        for other in s.awards.iter().skip(usize::from(s.award.is_some())) {
            if other.status == AwardStatus::Held || other.status == AwardStatus::ReviewOverdue {
                award_cell.push_str(&format!(" +{}", other.award));
            }
        }
        // Grouped by meeting and year: "2026-12-02 2026-27: annual-review, suicide-aware".
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for p in &s.pending {
            let key = format!("{} {}", p.meeting, p.year);
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, kinds)) => kinds.push(p.kind.to_string()),
                None => groups.push((key, vec![p.kind.to_string()])),
            }
        }
        let pending = if groups.is_empty() {
            "-".to_owned()
        } else {
            groups
                .iter()
                .map(|(k, kinds)| format!("{k}: {}", kinds.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        };
        // Eligibility matters to the panel for additional awards (suicide-aware status); the
        // rule that an annual review needs the award held is already visible in AWARD.
        let additional: Vec<_> = s
            .eligibility
            .iter()
            .filter(|e| rubric.is_some_and(|r| r.grants_additional_award(&e.kind)))
            .collect();
        let eligible = if additional.is_empty() {
            "-".to_owned()
        } else {
            additional
                .iter()
                .map(|e| match (e.eligible, e.from) {
                    (true, _) => format!("{}: yes", e.kind),
                    (false, Some(from)) => format!("{}: from {from}", e.kind),
                    (false, None) => format!("{}: no", e.kind),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        rows.push(vec![
            s.id.to_string(),
            s.phase.label().to_owned(),
            award_cell,
            date(s.award.as_ref().map(|a| a.awarded_on)),
            date(s.award.as_ref().map(|a| a.expires)),
            date(s.award.as_ref().and_then(|a| a.next_review_due)),
            pending,
            eligible,
            s.outstanding.label(),
        ]);
    }
    format!(
        "Award state on {today} (commit {commit})\n\n{}",
        super::columns(&rows)
    )
}
