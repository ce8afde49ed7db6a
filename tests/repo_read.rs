//! The read path, in process: snapshots list files from git objects at a commit, and files are
//! parsed only when asked, with errors that name the file, line and column.

mod common;

use common::{Sandbox, base_files, hermetic_git2};
use kitemark::model::{AcademicYear, SchoolId};
use kitemark::repo::{PanelRepo, ReadError, RepoError};

fn oak() -> SchoolId {
    "oak".parse().unwrap()
}

fn year() -> AcademicYear {
    "2025-26".parse().unwrap()
}

#[test]
fn a_snapshot_lists_schools_and_years_and_parses_on_request() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    // Opened from inside the working tree, as `--repo .` would be.
    let repo = PanelRepo::open(&dir.join("submissions/oak")).unwrap();
    let snapshot = repo.snapshot_at(None).unwrap();
    assert_eq!(snapshot.branch.as_deref(), Some("main"));
    assert_eq!(snapshot.schools.keys().collect::<Vec<_>>(), vec![&oak()]);
    assert_eq!(
        snapshot.schools[&oak()]
            .years
            .keys()
            .copied()
            .collect::<Vec<_>>(),
        vec![year()]
    );
    assert_eq!(snapshot.file_count(), 7);
    let review = repo
        .self_review(&snapshot, &oak(), year())
        .unwrap()
        .unwrap();
    assert_eq!(review.areas.len(), 2);
    assert!(
        review.areas[0].reflection.contains('\n'),
        "multi-line text survives"
    );
    let plan = repo
        .action_plan(&snapshot, &oak(), year())
        .unwrap()
        .unwrap();
    assert_eq!(plan.actions[0].id.as_str(), "LM-1");
    assert!(
        repo.self_review(&snapshot, &oak(), year().next())
            .unwrap()
            .is_none()
    );
}

#[test]
fn a_snapshot_reads_the_commit_it_names() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let first = String::from_utf8(sandbox.git(&dir, &["rev-parse", "HEAD"]).stdout).unwrap();
    let plan = dir.join("submissions/oak/2025-26/action-plan.ron");
    let text = std::fs::read_to_string(&plan)
        .unwrap()
        .replace("status: NotStarted", "status: InProgress");
    std::fs::write(&plan, text).unwrap();
    sandbox.git(&dir, &["commit", "-qam", "Progress"]);

    let repo = PanelRepo::open(&dir).unwrap();
    let now = repo.snapshot_at(None).unwrap();
    let then = repo.snapshot_at(Some(first.trim())).unwrap();
    assert_ne!(now.commit_id(), then.commit_id());
    assert_eq!(then.commit_id().as_str(), first.trim());
    let status = |s| {
        repo.action_plan(s, &oak(), year())
            .unwrap()
            .unwrap()
            .actions[1]
            .status
    };
    assert_eq!(status(&then).label(), "not started");
    assert_eq!(status(&now).label(), "in progress");
    assert!(then.branch.is_none());
}

#[test]
fn read_errors_name_the_file_line_and_column() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let mut files = base_files();
    for (path, content) in &mut files {
        if path.ends_with("self-review.ron") {
            *content = String::from_utf8(content.clone())
                .unwrap()
                .replace("level: \"developing\",", "level: \"developing\"")
                .into_bytes();
        }
    }
    let dir = sandbox.repo_with("panel", &files);
    let repo = PanelRepo::open(&dir).unwrap();
    let snapshot = repo.snapshot_at(None).unwrap();
    let err = repo.self_review(&snapshot, &oak(), year()).unwrap_err();
    match &err {
        ReadError::Syntax {
            path, line, col, ..
        } => {
            assert_eq!(path, "submissions/oak/2025-26/self-review.ron");
            assert_eq!((*line, *col), (29, 13));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .starts_with("submissions/oak/2025-26/self-review.ron:29:13: expected a comma")
    );
    // The other files are unaffected.
    assert!(repo.action_plan(&snapshot, &oak(), year()).is_ok());
}

#[test]
fn repositories_that_cannot_be_read() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let repo = PanelRepo::open(&dir).unwrap();
    assert!(matches!(
        repo.snapshot_at(Some("no-such-branch")),
        Err(RepoError::BadRevision { .. })
    ));
    assert!(matches!(
        PanelRepo::open(&sandbox.path("home")),
        Err(RepoError::NotARepository { .. })
    ));
    let not_panel = sandbox.repo_with("other", &[("README.md".into(), b"hello".to_vec())]);
    let other = PanelRepo::open(&not_panel).unwrap();
    assert!(matches!(
        other.snapshot_at(None),
        Err(RepoError::NotAPanel { .. })
    ));
}
