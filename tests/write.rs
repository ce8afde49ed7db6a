//! Recording work as commits: exactly the intended files, nothing swept in, nothing lost.

mod common;

use std::time::Duration;

use common::{Sandbox, base_files, hermetic_git2, stderr};
use kitemark::model::{Identity, ObjectId};
use kitemark::repo::PanelRepo;
use kitemark::repo::write::{CommitSpec, WriteError};

const DECISION: &str = "decisions/oak/2025-26/2026-01-14-annual-review.ron";

fn spec(path: &str, content: &str) -> CommitSpec {
    let who = Identity {
        name: "Ben Nurse".into(),
        email: "ben@panel.example.org".into(),
    };
    CommitSpec {
        files: vec![(path.to_owned(), content.as_bytes().to_vec())],
        message: "Decision: oak 2025-26 annual-review: accepted\n\nRecorded by nurse.\n\nOutcome: accepted\nMeeting: 2026-01-14\nSchool: oak\nYear: 2025-26\nKind: annual-review\nPresent: chair, nurse, psych\nSubmission-Commit: 0123456789abcdef0123456789abcdef01234567\n".into(),
        author: who.clone(),
        committer: who,
        when: None,
        sign: None,
    }
}

fn head(repo: &PanelRepo) -> ObjectId {
    repo.head_id().unwrap().unwrap()
}

#[test]
fn exactly_the_file_is_committed_and_other_changes_are_left_alone() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    // A staged edit, an unstaged edit and an untracked file, all unrelated.
    let school = std::fs::read_to_string(dir.join("submissions/oak/school.ron")).unwrap();
    std::fs::write(
        dir.join("submissions/oak/school.ron"),
        school.replace("Oak School", "Oak Primary School"),
    )
    .unwrap();
    sandbox.git(&dir, &["add", "submissions/oak/school.ron"]);
    let plan =
        std::fs::read_to_string(dir.join("submissions/oak/2025-26/action-plan.ron")).unwrap();
    std::fs::write(
        dir.join("submissions/oak/2025-26/action-plan.ron"),
        plan.replace("Course booked.", "Course booked for March."),
    )
    .unwrap();
    std::fs::write(dir.join("notes.md"), "my notes").unwrap();
    let status_before = sandbox.git_text(&dir, &["status", "--porcelain"]);
    let staged_before = sandbox.git_text(&dir, &["diff", "--cached"]);
    let unstaged_before = sandbox.git_text(&dir, &["diff"]);

    let repo = PanelRepo::open(&dir).unwrap();
    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    let before = head(&repo);
    let commit = repo
        .commit_files(&lock, Some(&before), &spec(DECISION, "(decision)\n"))
        .unwrap()
        .commit;
    drop(lock);

    assert_eq!(
        sandbox
            .git_text(&dir, &["show", "--format=", "--name-only", "HEAD"])
            .trim(),
        DECISION
    );
    assert_eq!(
        sandbox.git_text(&dir, &["rev-parse", "HEAD^"]).trim(),
        before.as_str(),
        "a child of the old tip"
    );
    assert_eq!(
        sandbox.git_text(&dir, &["rev-parse", "HEAD"]).trim(),
        commit.as_str()
    );
    assert_eq!(
        sandbox.git_text(&dir, &["status", "--porcelain"]),
        status_before,
        "nothing new in git status"
    );
    assert_eq!(
        sandbox.git_text(&dir, &["diff", "--cached"]),
        staged_before,
        "the staged edit is still staged"
    );
    assert_eq!(
        sandbox.git_text(&dir, &["diff"]),
        unstaged_before,
        "the unstaged edit is still there"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(DECISION)).unwrap(),
        "(decision)\n"
    );
    assert!(
        sandbox
            .git_text(&dir, &["status", "--porcelain", "--", DECISION])
            .is_empty()
    );

    let author = sandbox.git_text(&dir, &["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
    assert_eq!(
        author.trim(),
        "Ben Nurse <ben@panel.example.org>|Ben Nurse <ben@panel.example.org>"
    );
    let trailers = sandbox.git_text(&dir, &["log", "-1", "--format=%(trailers:only,unfold)"]);
    for key in [
        "Outcome: accepted",
        "Meeting: 2026-01-14",
        "School: oak",
        "Year: 2025-26",
        "Kind: annual-review",
        "Present: chair, nurse, psych",
        "Submission-Commit: ",
    ] {
        assert!(trailers.contains(key), "{key} not in:\n{trailers}");
    }
    let fsck = sandbox.git(&dir, &["fsck", "--strict"]);
    assert!(
        fsck.status.success(),
        "{}",
        String::from_utf8_lossy(&fsck.stderr)
    );
}

#[test]
fn trailers_parse_with_git_interpret_trailers() {
    let message = spec(DECISION, "").message;
    let mut child = std::process::Command::new("git")
        .args(["interpret-trailers", "--parse"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(message.as_bytes())
        .unwrap();
    let parsed = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(parsed.lines().count(), 7, "{parsed}");
    assert!(parsed.starts_with("Outcome: accepted\n"));
}

#[test]
fn a_bare_repository_works() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let bare = sandbox.path("panel.git");
    sandbox.git(
        &sandbox.path(""),
        &[
            "clone",
            "-q",
            "--bare",
            dir.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let repo = PanelRepo::open(&bare).unwrap();
    assert!(repo.is_bare());
    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    let before = head(&repo);
    repo.commit_files(&lock, Some(&before), &spec(DECISION, "(decision)\n"))
        .unwrap();
    assert_eq!(
        sandbox
            .git_text(&bare, &["show", "--format=", "--name-only", "HEAD"])
            .trim(),
        DECISION
    );
    assert!(sandbox.git(&bare, &["fsck", "--strict"]).status.success());
}

#[test]
fn a_moved_branch_is_refused_and_nothing_is_lost() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let repo = PanelRepo::open(&dir).unwrap();
    let read_at = head(&repo);
    // Someone else commits in the meantime.
    std::fs::write(dir.join("notes.md"), "agenda notes").unwrap();
    sandbox.git(&dir, &["add", "notes.md"]);
    sandbox.git(&dir, &["commit", "-qm", "Notes"]);
    let moved_to = sandbox.git_text(&dir, &["rev-parse", "HEAD"]);

    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    let err = repo
        .commit_files(&lock, Some(&read_at), &spec(DECISION, "(decision)\n"))
        .unwrap_err();
    assert!(matches!(err, WriteError::BranchMoved { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("the branch has moved since the data was read"),
        "{err}"
    );
    assert_eq!(
        sandbox.git_text(&dir, &["rev-parse", "HEAD"]),
        moved_to,
        "the other commit stands"
    );
    assert!(!dir.join(DECISION).exists(), "nothing was written");
    assert!(
        sandbox
            .git_text(&dir, &["status", "--porcelain"])
            .is_empty()
    );
}

#[test]
fn a_path_with_uncommitted_changes_is_never_overwritten() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let meeting = "meetings/2025-11-12.ron";
    std::fs::write(dir.join(meeting), "(my unsaved edit)").unwrap();
    let repo = PanelRepo::open(&dir).unwrap();
    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    let err = repo
        .commit_files(&lock, Some(&head(&repo)), &spec(meeting, "(new meeting)\n"))
        .unwrap_err();
    assert!(
        matches!(err, WriteError::UncommittedChanges { .. }),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join(meeting)).unwrap(),
        "(my unsaved edit)"
    );
    // An unrelated path can still be recorded.
    repo.commit_files(&lock, Some(&head(&repo)), &spec(DECISION, "(decision)\n"))
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.join(meeting)).unwrap(),
        "(my unsaved edit)"
    );
}

#[test]
fn a_detached_head_and_bad_paths_are_refused() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let repo = PanelRepo::open(&dir).unwrap();
    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    for bad in [
        "../outside.ron",
        "decisions/../../x",
        ".git/config",
        "/etc/passwd",
    ] {
        let err = repo
            .commit_files(&lock, Some(&head(&repo)), &spec(bad, "x"))
            .unwrap_err();
        assert!(matches!(err, WriteError::BadPath { .. }), "{bad}: {err}");
    }
    sandbox.git(&dir, &["checkout", "-q", "--detach"]);
    let err = repo
        .commit_files(&lock, Some(&head(&repo)), &spec(DECISION, "x"))
        .unwrap_err();
    assert!(matches!(err, WriteError::Detached), "{err}");
}

#[test]
fn a_commit_left_half_done_is_finished_by_the_next_writer() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    // A commit landed on the branch, but its writer died before updating the working tree and
    // index: the file is missing from both.
    let repo = PanelRepo::open(&dir).unwrap();
    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    let commit = repo
        .commit_files(&lock, Some(&head(&repo)), &spec(DECISION, "(decision)\n"))
        .unwrap()
        .commit;
    drop(lock);
    std::fs::remove_file(dir.join(DECISION)).unwrap();
    sandbox.git(&dir, &["rm", "-q", "--cached", DECISION]);
    std::fs::write(
        dir.join(".git/kitemark/pending.ron"),
        format!("(commit: \"{commit}\", paths: [\"{DECISION}\"])"),
    )
    .unwrap();
    assert!(
        !sandbox
            .git_text(&dir, &["status", "--porcelain"])
            .is_empty()
    );

    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    drop(lock);
    assert!(
        sandbox
            .git_text(&dir, &["status", "--porcelain"])
            .is_empty(),
        "finished"
    );
    assert!(!dir.join(".git/kitemark/pending.ron").exists());
}

#[test]
fn the_lock_keeps_writers_apart() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let repo = PanelRepo::open(&dir).unwrap();
    let held = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    let other = PanelRepo::open(&dir).unwrap();
    let err = other
        .lock_for_writing(Duration::from_millis(200))
        .unwrap_err();
    assert!(matches!(err, WriteError::Locked { .. }), "{err}");
    drop(held);
    assert!(other.lock_for_writing(Duration::from_millis(200)).is_ok());
}

#[test]
fn the_lock_spans_the_worktrees_of_one_repository() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let second = sandbox.path("second");
    sandbox.git(
        &dir,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "other",
            second.to_str().unwrap(),
        ],
    );
    let main = PanelRepo::open(&dir).unwrap();
    let linked = PanelRepo::open(&second).unwrap();
    let held = main.lock_for_writing(Duration::from_secs(5)).unwrap();
    let err = linked
        .lock_for_writing(Duration::from_millis(200))
        .unwrap_err();
    assert!(matches!(err, WriteError::Locked { .. }), "{err}");
    drop(held);

    // A write in the linked worktree updates its own index and files, not the main one's.
    let lock = linked.lock_for_writing(Duration::from_secs(5)).unwrap();
    linked
        .commit_files(&lock, Some(&head(&linked)), &spec(DECISION, "(decision)\n"))
        .unwrap();
    drop(lock);
    assert_eq!(
        std::fs::read_to_string(second.join(DECISION)).unwrap(),
        "(decision)\n"
    );
    assert!(
        sandbox
            .git_text(&second, &["status", "--porcelain"])
            .is_empty()
    );
    assert!(!dir.join(DECISION).exists());
    assert!(
        sandbox
            .git_text(&dir, &["status", "--porcelain"])
            .is_empty()
    );
}

#[test]
fn a_rebase_a_merge_and_an_empty_branch_are_named() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.repo_with("panel", &base_files());
    let repo = PanelRepo::open(&dir).unwrap();
    let lock = repo.lock_for_writing(Duration::from_secs(5)).unwrap();
    let tip = head(&repo);

    // A rebase that stopped on a conflict: HEAD is detached, and git says why.
    sandbox.git(&dir, &["checkout", "-q", "-b", "side"]);
    std::fs::write(dir.join("notes.md"), "side").unwrap();
    sandbox.git(&dir, &["add", "notes.md"]);
    sandbox.git(&dir, &["commit", "-q", "-m", "Side notes"]);
    sandbox.git(&dir, &["checkout", "-q", "main"]);
    std::fs::write(dir.join("notes.md"), "main").unwrap();
    sandbox.git(&dir, &["add", "notes.md"]);
    sandbox.git(&dir, &["commit", "-q", "-m", "Main notes"]);
    let main_tip = head(&repo);
    sandbox.git(&dir, &["checkout", "-q", "side"]);
    assert!(!sandbox.try_git(&dir, &["rebase", "main"]).status.success());
    let err = repo
        .commit_files(&lock, Some(&main_tip), &spec(DECISION, "x"))
        .unwrap_err();
    assert!(
        err.to_string().starts_with(
            "a rebase is in progress in this repository; finish it with `git rebase --continue`"
        ),
        "{err}"
    );
    sandbox.git(&dir, &["rebase", "--abort"]);

    // A merge that stopped on a conflict.
    sandbox.git(&dir, &["checkout", "-q", "main"]);
    assert!(!sandbox.try_git(&dir, &["merge", "side"]).status.success());
    let err = repo
        .commit_files(&lock, Some(&main_tip), &spec(DECISION, "x"))
        .unwrap_err();
    assert!(
        err.to_string().starts_with("a merge is in progress"),
        "{err}"
    );
    sandbox.git(&dir, &["merge", "--abort"]);

    // A branch with no commits, while main has them: named, with the way back.
    sandbox.git(&dir, &["checkout", "-q", "--orphan", "empty"]);
    let err = repo
        .commit_files(&lock, Some(&tip), &spec(DECISION, "x"))
        .unwrap_err();
    assert!(
        err.to_string().contains(
            "HEAD is on branch empty, which has no commits yet; the panel's record is on main"
        ),
        "{err}"
    );
    let out = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
    assert!(
        stderr(&out).contains("HEAD is on branch empty, which has no commits yet"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("git switch main"), "{}", stderr(&out));
}
