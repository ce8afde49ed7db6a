//! `kitemark template`: next year's action plan, pre-filled from the school's latest plan,
//! in a framework that succeeds the plan's where `--rubric` names one; or, with
//! `--format xlsx`, the workbook a school fills in for the year's submission.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{EXIT_OK, print, shown_path};
use crate::cli::TemplateFormat;
use crate::model::catalog::Catalog;
use crate::model::format::to_ron;
use crate::model::{
    AcademicYear, Action, ActionId, ActionPlan, ActionStatus, Phase, Rubric, RubricId, School,
    SchoolId,
};
use crate::repo::{PanelRepo, Snapshot};
use crate::workbook::WorkbookContent;
use crate::workbook::write::write_workbook;

/// What the command line asked for.
pub struct TemplateArgs<'a> {
    pub school: &'a str,
    pub year: AcademicYear,
    pub output: Option<&'a Path>,
    pub rubric: Option<&'a str>,
    pub format: TemplateFormat,
    /// A school not yet in the repository, as the administrator named it.
    pub new: Option<NewSchool>,
}

/// A new school's profile as given on the command line.
pub struct NewSchool {
    pub name: String,
    pub phase: String,
    pub area: String,
}

pub fn run(repo_path: &Path, args: &TemplateArgs) -> anyhow::Result<ExitCode> {
    let school: SchoolId = args.school.parse()?;
    let repo = PanelRepo::open(repo_path)?;
    let snapshot = repo.snapshot_at(None)?;
    let year = args.year;
    let content = match (args.format, &args.new) {
        (TemplateFormat::Ron, Some(_)) => bail!(
            "--new makes a workbook for a school not yet in the repository: add --format xlsx"
        ),
        (TemplateFormat::Ron, None) => {
            return plan_template(&repo, &snapshot, &school, year, args.output, args.rubric);
        }
        (TemplateFormat::Xlsx, Some(new)) => {
            new_school(&repo, &snapshot, school.clone(), year, args.rubric, new)?
        }
        (TemplateFormat::Xlsx, None) => known_school(&repo, &snapshot, &school, year, args.rubric)?,
    };
    let bytes = write_workbook(&content)?;
    let path = args.output.map_or_else(
        || PathBuf::from(format!("{school}-{year}.xlsx")),
        Path::to_path_buf,
    );
    super::write_new(&path, &bytes)?;
    print(&format!("Wrote {}\n", shown_path(&path)))?;
    Ok(EXIT_OK)
}

/// Last year's actions carried into a new year.
struct Carried {
    /// The year of the plan they come from.
    from: AcademicYear,
    /// Every id of that plan.
    ids: Vec<ActionId>,
    /// Its open actions, in the new framework's areas where one was named.
    kept: Vec<Action>,
    /// Its done and dropped actions.
    finished: Vec<Action>,
    /// The short name of the framework left and the one named, where `--rubric` moved them.
    framework: Option<(String, Rubric)>,
    /// `LM3 old-area → new-area` for each action that moved area.
    moved: Vec<String>,
}

/// The school's latest plan before `year`, its open actions carried over (into `rubric`, a
/// framework that succeeds the plan's, where one is named); `None` when it has no plan yet.
fn carry_over(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: Option<&Catalog>,
    school: &SchoolId,
    year: AcademicYear,
    rubric: Option<&str>,
) -> anyhow::Result<Option<Carried>> {
    let files = snapshot
        .schools
        .get(school)
        .with_context(|| format!("no school {school} in the repository"))?;
    let Some((from, blob)) = files
        .years
        .range(..year)
        .rev()
        .find_map(|(y, f)| f.action_plan.as_ref().map(|b| (*y, b)))
    else {
        return Ok(None);
    };
    let previous: ActionPlan = repo.load(blob)?;
    let ids = previous.actions.iter().map(|a| a.id.clone()).collect();
    let (mut kept, mut finished): (Vec<_>, Vec<_>) = previous
        .actions
        .into_iter()
        .partition(|a| !matches!(a.status, ActionStatus::Done | ActionStatus::Dropped));
    let mut moved = Vec::new();
    let mut framework = None;
    if let Some(id) = rubric {
        let id: RubricId = id.parse()?;
        let loaded;
        let catalog = match catalog {
            Some(catalog) => catalog,
            None => {
                loaded = repo.load_catalog(snapshot)?.0;
                &loaded
            }
        };
        let review = repo.self_review(snapshot, school, from)?;
        let old = catalog
            .rubric_for_submission(school, review.as_ref())
            .with_context(|| format!("the rubric of the {from} plan is not in rubrics/"))?;
        let new = named_rubric(catalog, &id)?;
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
            // Finished actions are only listed, under the area each became where it maps.
            for action in &mut finished {
                if let Some(carried) = new.map_action(&old.id, action, None) {
                    *action = carried;
                }
            }
            framework = Some((old.short_name().to_owned(), new.clone()));
        }
    }
    Ok(Some(Carried {
        from,
        ids,
        kept,
        finished,
        framework,
        moved,
    }))
}

/// A rubric of `rubrics/` by id, or an error that lists those there are.
fn named_rubric<'a>(catalog: &'a Catalog, id: &RubricId) -> anyhow::Result<&'a Rubric> {
    catalog.rubrics.get(id).with_context(|| {
        format!(
            "no rubric {id} in rubrics/; rubrics: {}",
            catalog
                .rubrics
                .keys()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// The workbook of a school the panel knows: the year's own submission where it has one (sent
/// again), else last year's open actions to bring up to date and an empty self-review.
fn known_school(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    school: &SchoolId,
    year: AcademicYear,
    rubric: Option<&str>,
) -> anyhow::Result<WorkbookContent> {
    if !snapshot.schools.contains_key(school) {
        bail!(
            "no school {school} in the repository; for a school new to the panel add --new --name NAME --phase PHASE --area AREA"
        );
    }
    let (catalog, _) = repo.load_catalog(snapshot)?;
    let profile = catalog
        .schools
        .get(school)
        .with_context(|| format!("{school}'s school.ron cannot be read; run `kitemark validate`"))?
        .clone();
    let review = repo.self_review(snapshot, school, year)?;
    let plan = repo.action_plan(snapshot, school, year)?;
    let carried = carry_over(repo, snapshot, Some(&catalog), school, year, rubric)?;
    let framework = match (&review, &carried, rubric) {
        // A submission sent again is written in the framework it was made in.
        (Some(review), _, _) => {
            let own = catalog
                .rubric_for_submission(school, Some(review))
                .with_context(|| {
                    format!(
                        "the {year} self-review follows {}, which is not in rubrics/",
                        review.rubric
                    )
                })?;
            if let Some(named) = rubric
                && named != own.id.as_str()
            {
                bail!(
                    "the {year} submission follows {}; --rubric does not apply to a submission sent again",
                    own.id
                );
            }
            own.clone()
        }
        (
            None,
            Some(Carried {
                framework: Some((_, new)),
                ..
            }),
            _,
        ) => new.clone(),
        (None, Some(carried), _) => {
            let previous = repo.self_review(snapshot, school, carried.from)?;
            catalog
                .rubric_for_submission(school, previous.as_ref())
                .with_context(|| {
                    format!("the rubric of the {} plan is not in rubrics/", carried.from)
                })?
                .clone()
        }
        (None, None, Some(id)) => named_rubric(&catalog, &id.parse()?)?.clone(),
        (None, None, None) => catalog
            .rubric_for_school(school)
            .with_context(|| format!("{school}'s framework is not in rubrics/"))?
            .clone(),
    };
    let mut reserved: Vec<ActionId> = Vec::new();
    let (kept, finished) = match carried {
        Some(carried) => {
            reserved.extend(carried.ids);
            (carried.kept, carried.finished)
        }
        None => (Vec::new(), Vec::new()),
    };
    let plan = match plan {
        Some(plan) => plan,
        None => ActionPlan {
            school: school.clone(),
            year,
            updated: jiff::Zoned::now().date(),
            actions: kept,
        },
    };
    for action in &plan.actions {
        if !reserved.contains(&action.id) {
            reserved.push(action.id.clone());
        }
    }
    Ok(WorkbookContent {
        school: profile,
        new_school: false,
        year,
        rubric: framework,
        review,
        plan,
        finished,
        reserved,
    })
}

/// The workbook of a school not yet in the repository: a profile from the command line with
/// no contact yet, an empty self-review and an empty plan.
fn new_school(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    id: SchoolId,
    year: AcademicYear,
    rubric: Option<&str>,
    new: &NewSchool,
) -> anyhow::Result<WorkbookContent> {
    if snapshot.schools.contains_key(&id) {
        bail!(
            "{id} is already in the repository; leave out --new to write its workbook, or choose another id for a new school"
        );
    }
    let name = new.name.trim();
    let area = new.area.trim();
    if name.is_empty() {
        bail!("--name is empty: give the new school's name");
    }
    if area.is_empty() {
        bail!("--area is empty: give the new school's local area");
    }
    let phase = Phase::from_name(&new.phase).with_context(|| {
        format!(
            "no phase {:?}; phases: {}",
            new.phase,
            Phase::ALL.map(Phase::label).join(", ")
        )
    })?;
    let (catalog, _) = repo.load_catalog(snapshot)?;
    let named: Option<RubricId> = rubric.map(str::parse).transpose()?;
    let framework = named_rubric(
        &catalog,
        named.as_ref().unwrap_or(&catalog.panel.default_rubric),
    )?
    .clone();
    let school = School {
        id: id.clone(),
        name: name.to_owned(),
        phase,
        dspl_area: area.to_owned(),
        town: String::new(),
        urn: None,
        pupils: None,
        contacts: Vec::new(),
        rubric: named,
    };
    Ok(WorkbookContent {
        school,
        new_school: true,
        year,
        rubric: framework,
        review: None,
        plan: ActionPlan {
            school: id,
            year,
            updated: jiff::Zoned::now().date(),
            actions: Vec::new(),
        },
        finished: Vec::new(),
        reserved: Vec::new(),
    })
}

/// Next year's action plan as RON, with what was carried over and left out said in comments.
fn plan_template(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    school: &SchoolId,
    year: AcademicYear,
    output: Option<&Path>,
    rubric: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let Some(Carried {
        from,
        kept,
        finished,
        framework,
        moved,
        ..
    }) = carry_over(repo, snapshot, None, school, year, rubric)?
    else {
        bail!("{school} has no action plan before {year} to start from");
    };
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
