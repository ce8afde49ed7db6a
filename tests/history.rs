//! The history walk against git itself: the same commits as `git log -- <paths>`, for the
//! whole panel's files and for one school, with merges of decisions recorded on two clones.

mod common;

use std::path::Path;

use common::{PRESENT, Sandbox, assert_exit, hermetic_git2};
use kitemark::model::history::ChangeKind;
use kitemark::repo::PanelRepo;

fn git_log(sandbox: &Sandbox, repo: &Path, paths: &[&str]) -> Vec<String> {
    let mut args = vec!["log", "--format=%H", "--"];
    args.extend_from_slice(paths);
    sandbox
        .git_text(repo, &args)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn walk(repo: &Path, paths: &[&str]) -> Vec<String> {
    let repo = PanelRepo::open(repo).unwrap();
    let prefixes: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
    repo.history(None, &prefixes)
        .unwrap()
        .into_iter()
        .map(|c| c.id.to_string())
        .collect()
}

#[test]
fn the_walk_finds_what_git_log_finds() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    for paths in [
        &[
            "panel.ron",
            "rubrics",
            "submissions",
            "meetings",
            "decisions",
        ][..],
        &[
            "submissions/riverside-academy",
            "decisions/riverside-academy",
        ][..],
        &["decisions/oakfield-primary"][..],
        &["meetings"][..],
    ] {
        assert_eq!(
            walk(&repo, paths),
            git_log(&sandbox, &repo, paths),
            "{paths:?}"
        );
    }
    // What each commit changed, with blob ids.
    let history = PanelRepo::open(&repo)
        .unwrap()
        .history(None, &["decisions/riverside-academy".to_owned()])
        .unwrap();
    let first = history.last().unwrap();
    assert_eq!(first.changes.len(), 1);
    assert_eq!(first.changes[0].kind, ChangeKind::Added);
    assert_eq!(
        first.changes[0].path,
        "decisions/riverside-academy/2024-25/2025-01-22-initial.ron"
    );
    let blob = String::from_utf8(
        sandbox
            .git(
                &repo,
                &[
                    "rev-parse",
                    &format!("{}:{}", first.id, first.changes[0].path),
                ],
            )
            .stdout,
    )
    .unwrap();
    assert_eq!(first.changes[0].new.as_ref().unwrap().as_str(), blob.trim());
    assert_eq!(first.trailer("Outcome"), Some("awarded"));
    assert_eq!(first.author.name, "Maeve O'Connell");
}

#[test]
fn decisions_recorded_on_two_clones_merge_and_walk_like_git() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    sandbox.record_attendance(&repo, &PRESENT[..5], &[]);
    let decide = |school: &str, kind: &str, outcome: &str| {
        let out = sandbox.kitemark(&[
            "decide",
            school,
            "2026-27",
            "--repo",
            repo.to_str().unwrap(),
            "--kind",
            kind,
            "--outcome",
            outcome,
            "--meeting",
            "2026-12-02",
            "--recorder",
            "r-adeyemi",
            "--feedback",
            "Recorded on one of two clones.",
        ]);
        assert_exit(&out, 0);
    };
    sandbox.git(&repo, &["checkout", "-q", "-b", "other"]);
    decide("little-acorns-nursery", "initial", "awarded");
    sandbox.git(&repo, &["checkout", "-q", "main"]);
    decide("riverside-academy", "annual-review", "accepted");
    sandbox.git(&repo, &["merge", "-q", "--no-edit", "other"]);
    for paths in [
        &["decisions"][..],
        &[
            "decisions/little-acorns-nursery",
            "submissions/little-acorns-nursery",
        ][..],
        &[
            "panel.ron",
            "rubrics",
            "submissions",
            "meetings",
            "decisions",
        ][..],
    ] {
        assert_eq!(
            walk(&repo, paths),
            git_log(&sandbox, &repo, paths),
            "{paths:?}"
        );
    }
    // The merge brings nothing new of its own: both decisions stay with their commits.
    let records = PanelRepo::open(&repo).unwrap().records(None).unwrap();
    let paths: Vec<&str> = records.decisions.iter().map(|d| d.path.as_str()).collect();
    assert!(paths.contains(&"decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron"));
    assert!(paths.contains(&"decisions/riverside-academy/2026-27/2026-12-02-annual-review.ron"));
    assert_eq!(paths.len(), 30, "each decision once");
    let out = sandbox.kitemark(&[
        "audit",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-11-22",
    ]);
    assert_exit(&out, 0);
}
