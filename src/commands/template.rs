//! `kitemark template`: next year's action plan, pre-filled from the school's latest plan.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{EXIT_OK, print};
use crate::model::format::to_ron;
use crate::model::{AcademicYear, ActionPlan, ActionStatus, SchoolId};
use crate::repo::PanelRepo;

pub fn run(
    repo_path: &Path,
    school: &str,
    year: AcademicYear,
    output: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let school: SchoolId = school.parse()?;
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(None)?;
    let files = snapshot
        .schools
        .get(&school)
        .with_context(|| format!("no school {school} in the repository"))?;
    let Some((from, blob)) = files
        .years
        .range(..year)
        .rev()
        .find_map(|(y, f)| f.action_plan.as_ref().map(|b| (*y, b)))
    else {
        bail!("{school} has no action plan before {year} to start from");
    };
    let previous: ActionPlan = repo.load(blob)?;
    let (kept, finished): (Vec<_>, Vec<_>) = previous
        .actions
        .into_iter()
        .partition(|a| !matches!(a.status, ActionStatus::Done | ActionStatus::Dropped));
    let plan = ActionPlan {
        school: school.clone(),
        year,
        updated: jiff::Zoned::now().date(),
        actions: kept,
    };
    let mut text = format!(
        "// {year} action plan for {school}, started from the {from} plan.\n\
         // Keep each action's id; update its status, dates and progress; add new actions with new ids.\n"
    );
    if !finished.is_empty() {
        let list: Vec<String> = finished
            .iter()
            .map(|a| format!("{} ({})", a.id, a.status.label()))
            .collect();
        text.push_str(&format!(
            "// Left out, finished in {from}: {}.\n",
            list.join(", ")
        ));
    }
    text.push_str(&to_ron(&plan)?);
    match output {
        None => print(&text)?,
        Some(path) => {
            super::write_new(path, &text)?;
            print(&format!("Wrote {}\n", path.display()))?;
        }
    }
    Ok(EXIT_OK)
}
