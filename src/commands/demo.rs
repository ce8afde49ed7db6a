//! `kitemark demo`: replays the bundled data as a panel repository with a multi-year history.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{EXIT_OK, is_missing_or_empty, print};
use crate::demo::DemoPanel;
use crate::demo::bundle::{demo_files, rubric_files};
use crate::demo::plan::{DEMO_TRAILER, PendingDecision, Shift, StepContent, plan_shifted};
use crate::model::format::to_ron;
use crate::model::meeting::days_from;
use crate::model::message;
use crate::repo::PanelRepo;
use crate::repo::write::CommitSpec;

/// Where the demo goes when no `--dir` is given: each panel's beside the other's.
fn default_dir(panel: DemoPanel) -> anyhow::Result<PathBuf> {
    let base = dirs::data_local_dir()
        .context("cannot tell where the user's data folder is (no HOME?); pass --dir DIR")?;
    Ok(base.join("kitemark").join(panel.folder_name()))
}

/// Whether `dir` holds a demo repository built earlier.
fn holds_demo(dir: &Path) -> bool {
    let Ok(repo) = PanelRepo::open(dir) else {
        return false;
    };
    // A repository further up (the folder is inside some other checkout) is not the demo.
    let same_place = std::fs::canonicalize(repo.path()).ok() == std::fs::canonicalize(dir).ok();
    same_place
        && repo.root_commit_message().ok().flatten().is_some_and(|m| {
            m.lines()
                .any(|l| l.starts_with(&format!("{DEMO_TRAILER}:")))
        })
}

pub fn run(
    dir: Option<PathBuf>,
    no_open: bool,
    on: Option<jiff::civil::Date>,
    panel: DemoPanel,
) -> anyhow::Result<ExitCode> {
    let today = on.unwrap_or_else(|| jiff::Zoned::now().date());
    let shift = Shift::for_day(today)?;
    let dir = match dir {
        Some(dir) => dir,
        None => default_dir(panel)?,
    };
    // The folder's name is the user's, and may hold escape sequences a terminal would obey.
    let shown = super::shown_path(&dir);
    if holds_demo(&dir) {
        print(&format!(
            "Reusing the demo repository at {}\n(it was built earlier{}; remove the folder to build it afresh)\n",
            shown,
            if on.is_some() {
                ", and --on only applies to a new one"
            } else {
                ""
            }
        ))?;
    } else if is_missing_or_empty(&dir)? {
        let name = build(&dir, shift, panel)?;
        let next = shift
            .upcoming_meeting()
            .context("the demo's next meeting has no date")?;
        print(&format!(
            "Built the demo repository of the {name} at {shown} as on {today}: its next meeting is on {next}, {}\n",
            days_from(today, next)
        ))?;
    } else {
        bail!(
            "{} already exists and does not hold the kitemark demo; kitemark never overwrites a folder, so choose another --dir or remove it",
            dir.display()
        );
    }
    if no_open {
        print(&format!(
            "Open it with: kitemark --repo {0}\nOr try:       kitemark schools --repo {0}\n",
            shown
        ))?;
        return Ok(EXIT_OK);
    }
    super::open::run(
        &dir,
        crate::cli::OpenArgs {
            on,
            ..Default::default()
        },
    )
}

/// Builds the demo in a temporary folder beside `dir`, then moves it into place, so that an
/// interrupted build never leaves something that looks like a finished demo. Returns the
/// panel's name.
fn build(dir: &Path, shift: Shift, panel: DemoPanel) -> anyhow::Result<String> {
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "demo".into());
    let staging = parent.join(format!(".{name}.kitemark-{}", std::process::id()));
    let result = build_in(&staging, shift, panel).and_then(|name| {
        if dir.exists() {
            // Only an empty folder gets here; rename cannot replace a folder on every system.
            std::fs::remove_dir(dir)
                .with_context(|| format!("cannot replace the empty folder {}", dir.display()))?;
        }
        std::fs::rename(&staging, dir)
            .with_context(|| format!("cannot move the demo into {}", dir.display()))?;
        // Where it now is: git is told of the signers' file by its full path.
        PanelRepo::open(dir)?.refresh_allowed_signers()?;
        Ok(name)
    });
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn build_in(dir: &Path, shift: Shift, which: DemoPanel) -> anyhow::Result<String> {
    let bundled = demo_files(which)?;
    let rubrics = rubric_files()?;
    let bundled: Vec<(String, &str)> = bundled.into_iter().collect();
    let rubrics: Vec<(String, &str)> = rubrics.into_iter().collect();
    let steps = plan_shifted(&bundled, &rubrics, shift)?;
    let panel: crate::model::Panel = bundled
        .iter()
        .find(|(p, _)| p.ends_with("_panel/panel.ron"))
        .map(|(_, text)| crate::model::format::parse_document(text))
        .transpose()
        .map_err(|e| anyhow::anyhow!("the bundled panel.ron: {}", e.message))?
        .context("the bundled panel.ron is missing")?;
    // Every member's commit is signed with their demo key, which the demo keeps so that
    // what is recorded in it later is signed too.
    let keys: std::collections::HashMap<String, std::sync::Arc<ssh_key::PrivateKey>> = panel
        .members
        .iter()
        .map(|m| {
            (
                m.email.to_lowercase(),
                std::sync::Arc::new(crate::demo::keys::demo_key(&m.id)),
            )
        })
        .collect();
    let repo = PanelRepo::init(dir)?;
    for member in &panel.members {
        if let Some(key) = keys.get(&member.email.to_lowercase()) {
            repo.keep_signing_key(&member.id, key)?;
        }
    }
    let mut head = None;
    for step in steps {
        let sign = keys
            .get(&step.author.email.to_lowercase())
            .map(|key| crate::repo::sign::Signer::Key(std::sync::Arc::clone(key)));
        let (files, message) = match step.content {
            StepContent::Files { files, message } => (files, message),
            StepContent::Decision(pending) => decision_commit(&repo, *pending)?,
        };
        let spec = CommitSpec {
            files: files
                .into_iter()
                .map(|(p, t)| (p, t.into_bytes()))
                .collect(),
            message,
            author: step.author.clone(),
            committer: step.author,
            when: Some(step.when),
            sign,
        };
        head = Some(repo.commit_to_branch(head.as_ref(), &spec)?);
    }
    repo.checkout_new_repository()?;
    Ok(panel.name)
}

/// Completes a decision with the exact objects it is made on: the commit that submitted the
/// school's files for the year, and their blobs.
fn decision_commit(
    repo: &PanelRepo,
    pending: PendingDecision,
) -> anyhow::Result<(Vec<(String, String)>, String)> {
    let PendingDecision {
        path,
        mut decision,
        present,
    } = pending;
    let snapshot = repo.snapshot_at(None)?;
    let made_on = repo
        .submission_ref(&snapshot, &decision.school, decision.year, &[])
        .with_context(|| {
            format!(
                "{path}: no submission for {} {} before the decision",
                decision.school, decision.year
            )
        })?;
    let commit = made_on.commit.clone();
    decision.made_on = Some(made_on);
    let text = to_ron(&decision)?;
    let message = message::decision(&decision, &present, &commit);
    Ok((vec![(path, text)], message))
}
