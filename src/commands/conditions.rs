//! `kitemark conditions`: the conditions of each school's standing decisions with their
//! states, and recording that one was met as one commit.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;
use serde::Serialize;

use super::{Recording, print, record_plan, with_attempts};
use crate::cli::{ConditionsArgs, Format};
use crate::model::condition::{ConditionState, ConditionStatus};
use crate::model::text::sanitize_inline;
use crate::model::{MemberId, SchoolId};
use crate::record::{ConditionMetDraft, Context as Read, NAMING_RULES, prepare_condition_met};
use crate::repo::PanelRepo;

#[derive(Serialize)]
struct JsonOutput<'a> {
    commit: String,
    on: Date,
    conditions: &'a [ConditionStatus],
    unreadable: Vec<String>,
}

/// Lists the conditions of one school, or of every school, as they stand on the day.
pub fn list(repo_path: &Path, args: ConditionsArgs) -> anyhow::Result<ExitCode> {
    let today = args.on.unwrap_or_else(|| jiff::Zoned::now().date());
    let school: Option<SchoolId> = args.school.as_deref().map(str::parse).transpose()?;
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(args.rev.as_deref())?;
    let (catalog, errors) = repo.load_catalog(&snapshot)?;
    if let Some(id) = &school
        && !catalog.schools.contains_key(id)
    {
        anyhow::bail!("there is no school {:?} in the repository", id.as_str());
    }
    let conditions: Vec<ConditionStatus> = catalog
        .schools
        .keys()
        .filter(|id| school.as_ref().is_none_or(|s| s == *id))
        .flat_map(|id| catalog.conditions(id, today))
        .collect();
    let unreadable: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    match args.format {
        Format::Json => super::print_json(&JsonOutput {
            commit: snapshot.commit_id().to_string(),
            on: today,
            conditions: &conditions,
            unreadable: unreadable.clone(),
        })?,
        Format::Text => print(&table(&conditions, today, snapshot.commit_id().short()))?,
    }
    Ok(super::skipped(&unreadable))
}

fn table(conditions: &[ConditionStatus], today: Date, commit: &str) -> String {
    let heading = format!("Conditions on {today} (commit {commit})\n\n");
    if conditions.is_empty() {
        return format!("{heading}No conditions set by a standing decision.\n");
    }
    let mut rows: Vec<Vec<String>> = vec![
        ["SCHOOL", "DECISION", "N", "STATE", "DUE", "CONDITION"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    ];
    for c in conditions {
        let state = match (c.state, c.met_on) {
            (ConditionState::Met, Some(on)) => format!("met {on}"),
            (state, _) => state.label().to_owned(),
        };
        rows.push(vec![
            c.school.to_string(),
            c.decision.clone(),
            c.number.to_string(),
            state,
            c.due.to_string(),
            c.text.lines().next().unwrap_or_default().to_owned(),
        ]);
    }
    format!("{heading}{}", super::columns(&rows))
}

/// Records that a school met one of its conditions.
pub fn record(repo_path: &Path, args: ConditionsArgs) -> anyhow::Result<ExitCode> {
    let today = args.on.unwrap_or_else(|| jiff::Zoned::now().date());
    let (Some(school), Some(number)) = (args.school.as_deref(), args.met) else {
        anyhow::bail!("--met needs the school: kitemark conditions SCHOOL --met N");
    };
    let given = ConditionMetDraft {
        school: school.parse()?,
        decision: args.decision.clone(),
        number,
        met_on: args.date.unwrap_or(today),
        evidence: args.evidence.clone().unwrap_or_default(),
        recorder: args
            .recorder
            .as_deref()
            .map(str::parse::<MemberId>)
            .transpose()?,
    };
    let repo = PanelRepo::open(repo_path)?;
    with_attempts(&repo, |lock| -> anyhow::Result<Recording> {
        let snapshot = repo.snapshot_at(None)?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        let ctx = Read {
            repo: &repo,
            snapshot: &snapshot,
            catalog: &catalog,
            interactive: true,
            today,
        };
        let plan = prepare_condition_met(ctx, &given);
        // No such condition, or one met already: the person asked for something that is not
        // there to record, which is a usage error rather than a finding.
        if plan.refusals.iter().any(|r| NAMING_RULES.contains(&r.rule)) {
            for problem in plan.problems() {
                eprintln!("kitemark: refused: {}", sanitize_inline(&problem));
            }
            eprintln!("kitemark: nothing was recorded");
            return Ok(Recording::Done(super::exit_environment()));
        }
        record_plan(&repo, lock, &plan, args.dry_run)
    })
}
