//! `kitemark init DIR`: a new, empty panel repository with the bundled rubrics.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::{EXIT_OK, is_missing_or_empty, print};
use crate::demo::bundle::rubric_files;
use crate::model::format::to_ron;
use crate::model::{Identity, Panel, Quorum, RubricId, message};
use crate::repo::PanelRepo;
use crate::repo::write::CommitSpec;

/// Who makes the first commit: a new panel has no members yet, and a global git identity is
/// neither needed nor used.
fn setup_identity() -> Identity {
    Identity {
        name: "kitemark init".into(),
        email: "kitemark@invalid".into(),
    }
}

const README: &str = "# Panel repository

Managed with kitemark. Layout:

- `panel.ron` — the panel, its members and its quorum rule
- `rubrics/` — the frameworks the panel assesses against
- `submissions/<school>/school.ron` and `submissions/<school>/<year>/` — schools' submissions
- `meetings/<date>.ron` — agenda, attendance and conflicts
- `decisions/<school>/<year>/<date>-<kind>.ron` — the panel's decisions

Add the panel's members to `panel.ron`, then run `kitemark validate`.
";

pub fn run(dir: &Path, rubric: &str, name: &str) -> anyhow::Result<ExitCode> {
    if !is_missing_or_empty(dir)? {
        bail!(
            "{} already exists and is not empty; kitemark init only creates new repositories",
            dir.display()
        );
    }
    let rubrics = rubric_files()?;
    let rubric_id: RubricId = rubric.parse()?;
    let known: Vec<String> = rubrics
        .iter()
        .filter_map(|(p, _)| {
            p.strip_prefix("rubrics/")?
                .strip_suffix(".ron")
                .map(str::to_owned)
        })
        .collect();
    if !known.iter().any(|k| k == rubric_id.as_str()) {
        bail!(
            "no bundled rubric {rubric:?}; choose one of: {}",
            known.join(", ")
        );
    }
    let panel = Panel {
        name: name.to_owned(),
        default_rubric: rubric_id,
        quorum: Quorum {
            min_present: 4,
            min_agencies: 3,
        },
        members: Vec::new(),
        require_signatures: false,
    };
    if super::refuse_written("panel", &panel) {
        eprintln!("kitemark: no repository was created");
        return Ok(super::EXIT_FINDINGS);
    }
    let mut files = vec![
        ("panel.ron".to_owned(), to_ron(&panel)?.into_bytes()),
        ("README.md".to_owned(), README.as_bytes().to_vec()),
    ];
    files.extend(
        rubrics
            .iter()
            .map(|(p, t)| (p.clone(), t.as_bytes().to_vec())),
    );
    let repo = PanelRepo::init(dir)?;
    let who = setup_identity();
    repo.commit_to_branch(
        None,
        &CommitSpec {
            files,
            message: message::setup(name, &known, &[]),
            author: who.clone(),
            committer: who,
            when: None,
            sign: None,
        },
    )
    .context("cannot write the first commit")?;
    repo.checkout_new_repository()?;
    // The folder's name is the user's, and may hold escape sequences a terminal would obey.
    let shown = super::shown_path(dir);
    print(&format!(
        "Created a panel repository at {}\nNext: add the panel's members to panel.ron, commit, and run `kitemark validate --repo {}`.\n",
        shown, shown
    ))?;
    Ok(EXIT_OK)
}
