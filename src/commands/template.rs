//! `kitemark template`: next year's action plan, pre-filled from the school's latest plan,
//! in a framework that succeeds the plan's where `--rubric` names one.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{EXIT_OK, print};
use crate::model::format::to_ron;
use crate::model::{AcademicYear, ActionPlan, ActionStatus, RubricId, SchoolId};
use crate::repo::PanelRepo;

pub fn run(
    repo_path: &Path,
    school: &str,
    year: AcademicYear,
    output: Option<&Path>,
    rubric: Option<&str>,
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
    let (mut kept, finished): (Vec<_>, Vec<_>) = previous
        .actions
        .into_iter()
        .partition(|a| !matches!(a.status, ActionStatus::Done | ActionStatus::Dropped));
    let mut moved = Vec::new();
    let mut framework = None;
    if let Some(id) = rubric {
        let id: RubricId = id.parse()?;
        let (catalog, _) = repo.load_catalog(&snapshot)?;
        let review = repo.self_review(&snapshot, &school, from)?;
        let old = catalog
            .rubric_for_submission(&school, review.as_ref())
            .with_context(|| format!("the rubric of the {from} plan is not in rubrics/"))?;
        let new = catalog.rubrics.get(&id).with_context(|| {
            format!(
                "no rubric {id} in rubrics/; rubrics: {}",
                catalog
                    .rubrics
                    .keys()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        if new.id != old.id {
            if new.succeeds.as_ref().is_none_or(|s| s.rubric != old.id) {
                bail!(
                    "{id} does not succeed {}, the framework of the {from} plan, so its actions cannot be carried over; name a rubric whose `succeeds` names {}",
                    old.id,
                    old.id
                );
            }
            for action in &mut kept {
                let Some(carried) = new.map_action(&old.id, action, None) else {
                    bail!(
                        "{} maps no area for {} ({}): the rubric's succession is incomplete",
                        new.id,
                        action.id,
                        action.area
                    );
                };
                if carried.area != action.area {
                    moved.push(format!("{} {} → {}", action.id, action.area, carried.area));
                }
                *action = carried;
            }
            // Laid out in the new framework's order of areas, each area's actions as they were.
            kept.sort_by_key(|a| new.areas.iter().position(|area| area.id == a.area));
            framework = Some((old.short_name().to_owned(), new.clone()));
        }
    }
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
    if let Some((old, new)) = &framework {
        text.push_str(&format!(
            "// Laid out in the {} ({}), which replaces the {old}. Its areas: {}.\n",
            new.short_name(),
            new.id,
            new.areas
                .iter()
                .map(|a| format!("{} {}", a.code, a.id))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        if !moved.is_empty() {
            text.push_str(&format!(
                "// Carried into the area each became: {}. An action of an area that was split may move to another of its areas.\n",
                moved.join(", ")
            ));
        }
    }
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
