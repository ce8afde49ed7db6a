//! The write path under faults: a writer killed before each of its steps, a step that fails,
//! git's own locks held or left behind, ordinary git use racing kitemark, and a full disk.
//! After each: `git fsck` is clean, `git status` shows no decision staged for deletion (or
//! anything else of the panel's out of step), a decision reported recorded is on the branch
//! and stays there after the next plain `git commit`, and the next kitemark write works.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use common::items::{KINGSMEAD, LITTLE_ACORNS, NORTH_VALE, RIVERSIDE};
use common::{Attendance, Sandbox, assert_exit, kill_before, stderr, stdout};
use kitemark::repo::fault::Step;

const LITTLE_ACORNS_FILE: &str = "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron";

fn decide_command(sandbox: &Sandbox, repo: &Path, item: &[&str]) -> Command {
    sandbox.decide_command(repo, item, &["--recorder", "t-whitlock"])
}

fn run(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

/// The decisions on the branch at `rev`.
fn decisions_at(sandbox: &Sandbox, repo: &Path, rev: &str) -> BTreeSet<String> {
    let out = sandbox.try_git(
        repo,
        &["ls-tree", "-r", "--name-only", rev, "--", "decisions"],
    );
    stdout(&out).lines().map(str::to_owned).collect()
}

/// Checks what git sees, and returns the decisions on the branch.
fn assert_consistent(sandbox: &Sandbox, repo: &Path) -> BTreeSet<String> {
    let fsck = sandbox.try_git(repo, &["fsck", "--strict", "--no-progress"]);
    assert!(fsck.status.success(), "git fsck: {}", stderr(&fsck));
    let status = stdout(&sandbox.git(repo, &["status", "--porcelain", "--untracked-files=all"]));
    for line in status.lines() {
        assert!(
            !line.get(..2).unwrap_or_default().contains('D'),
            "a deletion in git status:\n{status}"
        );
        assert!(
            !line.contains("decisions/") && !line.contains("meetings/"),
            "the panel's files are out of step with the branch:\n{status}"
        );
        assert!(
            !line.contains(".kitemark-"),
            "a temporary file is left:\n{status}"
        );
    }
    let git_dir = repo.join(".git");
    for leftover in ["index.lock", "kitemark/journal.ron", "refs/heads/main.lock"] {
        assert!(
            !git_dir.join(leftover).exists(),
            ".git/{leftover} is left behind"
        );
    }
    decisions_at(sandbox, repo, "HEAD")
}

/// A panel secretary's ordinary commit of an unrelated file, which may fail while git's index
/// is locked, must never take a decision off the branch.
fn plain_commit_keeps_decisions(sandbox: &Sandbox, repo: &Path) {
    let before = decisions_at(sandbox, repo, "HEAD");
    let notes = repo.join("notes.md");
    let text = std::fs::read_to_string(&notes).unwrap_or_default();
    std::fs::write(&notes, format!("{text}A line of notes.\n")).unwrap();
    let added = sandbox.try_git(repo, &["add", "notes.md"]);
    if added.status.success() {
        sandbox.try_git(repo, &["commit", "-q", "-m", "Secretary's notes"]);
    }
    let after = decisions_at(sandbox, repo, "HEAD");
    assert!(
        before.is_subset(&after),
        "a plain git commit deleted decisions: {:?}",
        before.difference(&after).collect::<Vec<_>>()
    );
}

/// Whether `step` comes after `other` in the writer's order.
fn after_step(step: Step, other: Step) -> bool {
    let at = |s: Step| Step::ALL.iter().position(|x| *x == s).unwrap();
    at(step) > at(other)
}

/// Whether the writer's commit is on the branch when it is stopped before `step`.
fn moved_before(step: Step) -> bool {
    after_step(step, Step::MoveBranch)
}

enum Recovery {
    /// `kitemark repair`.
    Repair,
    /// The next decision, recorded as usual.
    NextWrite,
}

fn killed_at_every_step(recovery: Recovery) {
    let sandbox = Sandbox::new();
    let base = sandbox.demo_with_attendance(Attendance::Recorded);
    for (n, step) in Step::ALL.into_iter().enumerate() {
        let repo = sandbox.copy_repo(&base, &format!("case-{n}"));
        let before = decisions_at(&sandbox, &repo, "HEAD");
        kill_before(decide_command(&sandbox, &repo, &LITTLE_ACORNS), step.name());
        plain_commit_keeps_decisions(&sandbox, &repo);

        match recovery {
            Recovery::Repair => {
                let out = sandbox.kitemark(&["repair", "--repo", repo.to_str().unwrap()]);
                assert_exit(&out, 0);
            }
            Recovery::NextWrite => {
                let out = run(decide_command(&sandbox, &repo, &NORTH_VALE));
                assert_exit(&out, 0);
                // Before git's index is locked, nothing is left to repair.
                if after_step(step, Step::LockIndex) {
                    assert!(
                        stderr(&out).contains("kitemark: repaired: "),
                        "{}: {}",
                        step.name(),
                        stderr(&out)
                    );
                }
            }
        }
        let after = assert_consistent(&sandbox, &repo);
        assert!(before.is_subset(&after), "{}", step.name());
        assert_eq!(
            after.contains(LITTLE_ACORNS_FILE),
            moved_before(step),
            "stopped before {}: the decision is on the branch exactly when the branch had moved",
            step.name()
        );
        plain_commit_keeps_decisions(&sandbox, &repo);
        assert_consistent(&sandbox, &repo);

        // The next write works: the same decision again if it was undone, another if not.
        let next = if moved_before(step) {
            KINGSMEAD
        } else {
            LITTLE_ACORNS
        };
        let out = run(decide_command(&sandbox, &repo, &next));
        assert_exit(&out, 0);
        assert!(
            stdout(&out).starts_with("Recorded decisions/"),
            "{}",
            stdout(&out)
        );
        let last = assert_consistent(&sandbox, &repo);
        assert!(last.contains(LITTLE_ACORNS_FILE));
    }
}

#[test]
fn a_writer_killed_before_any_step_is_finished_or_undone_by_repair() {
    killed_at_every_step(Recovery::Repair);
}

#[test]
fn a_writer_killed_before_any_step_is_finished_or_undone_by_the_next_write() {
    killed_at_every_step(Recovery::NextWrite);
}

#[test]
fn a_branch_lock_left_by_a_writer_killed_while_moving_the_branch_is_cleared() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    kill_before(
        decide_command(&sandbox, &repo, &LITTLE_ACORNS),
        Step::MoveBranch.name(),
    );
    // What libgit2 leaves if it dies between locking the branch and renaming the lock: the
    // lock file, holding the new commit's id.
    let journal = std::fs::read_to_string(repo.join(".git/kitemark/journal.ron")).unwrap();
    let commit = journal
        .lines()
        .find_map(|l| l.trim().strip_prefix("commit: \""))
        .and_then(|l| l.strip_suffix("\","))
        .unwrap()
        .to_owned();
    std::fs::write(
        repo.join(".git/refs/heads/main.lock"),
        format!("{commit}\n"),
    )
    .unwrap();

    let out = run(decide_command(&sandbox, &repo, &NORTH_VALE));
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("lock file"), "{}", stderr(&out));
    let decisions = assert_consistent(&sandbox, &repo);
    assert!(!decisions.contains(LITTLE_ACORNS_FILE));
    assert_exit(&run(decide_command(&sandbox, &repo, &LITTLE_ACORNS)), 0);
    assert_consistent(&sandbox, &repo);
}

#[test]
fn a_step_that_fails_is_reported_truthfully() {
    let sandbox = Sandbox::new();
    let base = sandbox.demo_with_attendance(Attendance::Recorded);
    for (n, step) in Step::ALL.into_iter().enumerate() {
        let repo = sandbox.copy_repo(&base, &format!("case-{n}"));
        let mut cmd = decide_command(&sandbox, &repo, &LITTLE_ACORNS);
        cmd.env("KITEMARK_FAULT_FAIL", step.name());
        let out = run(cmd);
        let on_branch = decisions_at(&sandbox, &repo, "HEAD").contains(LITTLE_ACORNS_FILE);
        assert_eq!(on_branch, moved_before(step), "{}", step.name());
        if on_branch {
            // Recorded: said so, and never a failure, whatever could not be finished.
            assert_exit(&out, 0);
            assert!(stdout(&out).starts_with("Recorded "), "{}", stdout(&out));
            assert!(stderr(&out).contains("warning"), "{}", stderr(&out));
            plain_commit_keeps_decisions(&sandbox, &repo);
        } else {
            assert_exit(&out, 2);
            assert!(stdout(&out).is_empty(), "{}", stdout(&out));
            assert!(
                stderr(&out).contains("nothing was recorded"),
                "{}",
                stderr(&out)
            );
            // Nothing of it is left to finish or undo.
            assert_consistent(&sandbox, &repo);
        }
        let out = run(decide_command(&sandbox, &repo, &NORTH_VALE));
        assert_exit(&out, 0);
        assert_consistent(&sandbox, &repo);
    }
}

#[test]
fn a_held_index_lock_is_waited_for_then_refused_before_anything_moves() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let head = stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"]));
    let lock = repo.join(".git/index.lock");

    // Left behind by a git that stopped: refused at once, with what to do.
    std::fs::write(&lock, "").unwrap();
    let out = run(decide_command(&sandbox, &repo, &LITTLE_ACORNS));
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains(".git/index.lock exists but no program holds it"),
        "{err}"
    );
    assert!(err.contains("kitemark repair"), "{err}");
    assert!(err.contains("nothing was recorded"), "{err}");
    assert_eq!(stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"])), head);
    let out = sandbox.kitemark(&["repair", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("Removed .git/index.lock"),
        "{}",
        stdout(&out)
    );
    assert_consistent(&sandbox, &repo);

    // Held by a running program: waited for, then refused naming it; repair leaves it.
    std::fs::write(&lock, "").unwrap();
    let mut holder = Command::new("sh")
        .arg("-c")
        .arg("exec 3<\"$0\"; exec sleep 60")
        .arg(&lock)
        .spawn()
        .unwrap();
    let out = run(decide_command(&sandbox, &repo, &LITTLE_ACORNS));
    let repair = sandbox.kitemark(&["repair", "--repo", repo.to_str().unwrap()]);
    holder.kill().unwrap();
    holder.wait().unwrap();
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("is held by process {}", holder.id())),
        "{err}"
    );
    assert_eq!(stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"])), head);
    assert_exit(&repair, 1);
    assert!(
        stdout(&repair).contains("is held by process"),
        "{}",
        stdout(&repair)
    );
    assert!(lock.exists(), "a held lock is never removed");

    // Released while the writer waits: recorded.
    let mut holder = Command::new("sh")
        .arg("-c")
        .arg("exec 3<\"$0\"; sleep 1; rm -f \"$0\"")
        .arg(&lock)
        .spawn()
        .unwrap();
    let out = run(decide_command(&sandbox, &repo, &LITTLE_ACORNS));
    holder.wait().unwrap();
    assert_exit(&out, 0);
    let decisions = assert_consistent(&sandbox, &repo);
    assert!(decisions.contains(LITTLE_ACORNS_FILE));
}

/// Runs `script` with `sh` in `repo`, again and again, until told to stop.
fn loop_in(
    sandbox: &Sandbox,
    repo: &Path,
    script: &'static str,
) -> (Arc<AtomicBool>, std::thread::JoinHandle<usize>) {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let repo = repo.to_path_buf();
    let home = sandbox.path("home");
    let handle = std::thread::spawn(move || {
        let mut rounds = 0;
        while !flag.load(Ordering::Relaxed) {
            let _ = Command::new("sh")
                .arg("-c")
                .arg(script)
                .current_dir(&repo)
                .env("HOME", &home)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_AUTHOR_NAME", "Panel Secretary")
                .env("GIT_AUTHOR_EMAIL", "secretary@panel.example.org")
                .env("GIT_COMMITTER_NAME", "Panel Secretary")
                .env("GIT_COMMITTER_EMAIL", "secretary@panel.example.org")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            rounds += 1;
        }
        rounds
    });
    (stop, handle)
}

/// Ten writers at once (five decisions and five meetings) beside a loop of git commands.
fn ten_writers_beside(script: &'static str) {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let (stop, looping) = loop_in(&sandbox, &repo, script);
    let repo_arg = repo.to_str().unwrap().to_owned();
    let mut children = Vec::new();
    for item in [LITTLE_ACORNS, NORTH_VALE, KINGSMEAD, RIVERSIDE] {
        let mut cmd = decide_command(&sandbox, &repo, &item);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        children.push(cmd.spawn().unwrap());
    }
    let mut dates = Vec::new();
    for month in 1..=6 {
        let date = format!("2027-{month:02}-13");
        let mut cmd = sandbox.command(&[
            "meeting",
            &date,
            "--repo",
            &repo_arg,
            "--chair",
            "r-adeyemi",
            "--location",
            "County Hall",
        ]);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        children.push(cmd.spawn().unwrap());
        dates.push(date);
    }
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    stop.store(true, Ordering::Relaxed);
    let rounds = looping.join().unwrap();
    assert!(rounds > 0);

    let mut recorded = Vec::new();
    for out in &outs {
        let said = stdout(out);
        match out.status.code() {
            Some(0) => {
                let path = said
                    .strip_prefix("Recorded ")
                    .and_then(|s| s.split(" in commit ").next())
                    .unwrap_or_else(|| panic!("{said}"));
                let commit = said.trim().rsplit(' ').next().unwrap().to_owned();
                recorded.push((path.to_owned(), commit));
            }
            // Refused truthfully: nothing claimed.
            _ => {
                assert!(said.is_empty(), "{said}");
                assert!(
                    stderr(out).contains("nothing was recorded"),
                    "{}",
                    stderr(out)
                );
            }
        }
    }
    assert!(
        !recorded.is_empty(),
        "no writer got through: {:?}",
        outs.iter().map(stderr).collect::<Vec<_>>()
    );
    plain_commit_keeps_decisions(&sandbox, &repo);
    assert_consistent(&sandbox, &repo);
    for (path, commit) in &recorded {
        let ancestor = sandbox.try_git(&repo, &["merge-base", "--is-ancestor", commit, "HEAD"]);
        assert!(
            ancestor.status.success(),
            "{commit} ({path}) is not on the branch"
        );
        let shown = sandbox.try_git(&repo, &["cat-file", "-e", &format!("HEAD:{path}")]);
        assert!(shown.status.success(), "{path} is not at HEAD");
    }
    // The next write works.
    let out = sandbox.kitemark(&[
        "meeting",
        "2027-09-15",
        "--repo",
        &repo_arg,
        "--chair",
        "r-adeyemi",
    ]);
    assert_exit(&out, 0);
    assert_consistent(&sandbox, &repo);
}

#[test]
fn ten_writers_beside_a_loop_of_git_status() {
    ten_writers_beside("git status --porcelain");
}

#[test]
fn ten_writers_beside_a_loop_of_git_add_and_commit() {
    ten_writers_beside(
        "echo x >> notes.md && git add notes.md && git commit -q -m 'Secretary notes'",
    );
}

/// A small filesystem of its own, unmounted when dropped.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    fn mount(dir: PathBuf, bytes: u64) -> Option<Tmpfs> {
        std::fs::create_dir_all(&dir).ok()?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(&dir)
            .output()
            .ok()?;
        out.status.success().then_some(Tmpfs { dir })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.dir).status();
    }
}

/// Fills the filesystem under `dir` until about `free` bytes are left.
fn fill_leaving(dir: &Path, free: u64) {
    let filler = dir.join("filler");
    let _ = std::fs::remove_file(&filler);
    let available = {
        let out = Command::new("df")
            .args(["--output=avail", "-B1"])
            .arg(dir)
            .output()
            .unwrap();
        stdout(&out)
            .lines()
            .nth(1)
            .and_then(|l| l.trim().parse::<u64>().ok())
            .unwrap()
    };
    let size = available.saturating_sub(free);
    let out = Command::new("dd")
        .args(["if=/dev/zero", "bs=4096"])
        .arg(format!("of={}", filler.display()))
        .arg(format!("count={}", size / 4096))
        .output()
        .unwrap();
    assert!(out.status.success() || size < 4096, "{}", stderr(&out));
}

#[test]
fn a_disk_that_fills_never_costs_a_decision() {
    let sandbox = Sandbox::new();
    let base = sandbox.demo_with_attendance(Attendance::Recorded);
    let Some(disk) = Tmpfs::mount(sandbox.path("small-disk"), 48 * 1024 * 1024) else {
        eprintln!("skipped: this machine does not allow mounting a small tmpfs (needs root)");
        return;
    };
    let mut recorded_once = false;
    let mut refused_once = false;
    for (n, free) in [0u64, 4, 8, 16, 24, 32, 48, 64, 96, 128, 256]
        .into_iter()
        .map(|k| k * 1024)
        .enumerate()
    {
        let repo = disk.dir.join(format!("case-{n}"));
        let out = Command::new("cp")
            .arg("-a")
            .arg(&base)
            .arg(&repo)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let before = decisions_at(&sandbox, &repo, "HEAD");
        fill_leaving(&disk.dir, free);
        let out = run(decide_command(&sandbox, &repo, &LITTLE_ACORNS));
        let after = decisions_at(&sandbox, &repo, "HEAD");
        match out.status.code() {
            Some(0) => {
                recorded_once = true;
                assert!(
                    after.contains(LITTLE_ACORNS_FILE),
                    "{free}: reported but not on the branch"
                );
            }
            _ => {
                refused_once = true;
                assert!(
                    stderr(&out).contains("nothing was recorded"),
                    "{free}: {}",
                    stderr(&out)
                );
                assert_eq!(after, before, "{free}: refused but the branch moved");
            }
        }
        // Room again: everything is in step, and the next write works.
        std::fs::remove_file(disk.dir.join("filler")).unwrap();
        plain_commit_keeps_decisions(&sandbox, &repo);
        let out = run(decide_command(&sandbox, &repo, &NORTH_VALE));
        assert_exit(&out, 0);
        assert_consistent(&sandbox, &repo);
        std::fs::remove_dir_all(&repo).unwrap();
    }
    assert!(
        recorded_once && refused_once,
        "the sizes tried should cover both outcomes"
    );
}

#[test]
fn never_through_a_symbolic_link() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let outside = sandbox.path("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let head = stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"]));

    // An untracked link where the school's decisions folder would be.
    let link = repo.join("decisions/little-acorns-nursery");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let out = run(decide_command(&sandbox, &repo, &LITTLE_ACORNS));
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("decisions/little-acorns-nursery is a symbolic link in the working tree"),
        "{err}"
    );
    assert!(err.contains("nothing was recorded"), "{err}");
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside"
    );
    assert_eq!(stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"])), head);
    std::fs::remove_file(&link).unwrap();

    // A committed link: refused with words, not libgit2's.
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    sandbox.git(&repo, &["add", "decisions/little-acorns-nursery"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "A link"]);
    let out = run(decide_command(&sandbox, &repo, &LITTLE_ACORNS));
    let err = stderr(&out);
    assert!(
        err.contains("decisions/little-acorns-nursery is committed as a symbolic link"),
        "{err}"
    );
    assert!(!err.contains("class="), "{err}");
    assert_eq!(
        std::fs::read_dir(&outside).unwrap().count(),
        0,
        "nothing written outside"
    );
    sandbox.git(&repo, &["rm", "-q", "decisions/little-acorns-nursery"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "No link"]);
    assert_exit(&run(decide_command(&sandbox, &repo, &LITTLE_ACORNS)), 0);
    assert_consistent(&sandbox, &repo);
}

#[test]
fn the_interface_offers_to_finish_a_recording_left_half_done() {
    use common::tui::Harness;
    use kitemark::tui::theme::ThemeKind;

    common::hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    kill_before(
        decide_command(&sandbox, &repo, &LITTLE_ACORNS),
        Step::CommitIndex.name(),
    );
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, false);
    let screen = ui.screen();
    assert!(
        screen.contains("! A recording was left half done: press R to repair it (recording \"Decision: little-acorns-nursery"),
        "{screen}"
    );
    ui.keys("R");
    let screen = ui.screen();
    assert!(
        screen.contains("✓ Repaired: finished recording"),
        "{screen}"
    );
    let decisions = assert_consistent(&sandbox, &repo);
    assert!(decisions.contains(LITTLE_ACORNS_FILE));
}
