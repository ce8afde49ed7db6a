//! The panel's rules enforced where its repository is served: `kitemark hook install` in a
//! bare repository served by a real `git daemon`, and pushes from a clone that git accepts
//! or refuses as the hook says.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::items::{LITTLE_ACORNS, NORTH_VALE};
use common::server::GitServer;
use common::{Attendance, Sandbox, assert_exit, stderr, stdout};
use kitemark::repo::PanelRepo;

const TOM: (&str, &str) = (
    "Tom Whitlock",
    "tom.whitlock@herts-publichealth.example.org",
);
const ROSALIND: (&str, &str) = (
    "Rosalind Adeyemi",
    "rosalind.adeyemi@hertfordshire-cc.example.org",
);

/// The demo, shared through a bare repository with the hook installed, and a clone of it.
struct Served {
    sandbox: Sandbox,
    _server: GitServer,
    demo: PathBuf,
    bare: PathBuf,
    clone: PathBuf,
}

impl Served {
    fn new() -> Self {
        Self::with(|_, _| {})
    }

    /// As [`Served::new`], with `prepare` run on the demo before the server has it.
    fn with(prepare: impl FnOnce(&Sandbox, &Path)) -> Self {
        let sandbox = Sandbox::new();
        let demo = sandbox.demo_with_attendance(Attendance::Recorded);
        prepare(&sandbox, &demo);
        let root = sandbox.path("served");
        let bare = sandbox.bare_copy(&demo, &root, "panel.git");
        let out = sandbox.kitemark(&["hook", "install", bare.to_str().unwrap()]);
        assert_exit(&out, 0);
        assert!(stdout(&out).contains("Installed"), "{}", stdout(&out));
        let server = GitServer::start(&sandbox, &root);
        let clone = sandbox.clone_of(&server.url("panel.git"), "clone");
        Self {
            sandbox,
            _server: server,
            demo,
            bare,
            clone,
        }
    }

    /// The server's `main`.
    fn main(&self) -> String {
        self.sandbox.git_text(&self.bare, &["rev-parse", "main"])
    }

    fn head(&self) -> String {
        self.sandbox.git_text(&self.clone, &["rev-parse", "HEAD"])
    }

    fn push(&self, args: &[&str]) -> Output {
        let mut all = vec!["push", "origin"];
        all.extend_from_slice(args);
        self.sandbox.try_git(&self.clone, &all)
    }

    /// `kitemark decide` in the clone, recorded and signed by Tom Whitlock.
    fn decide(&self, item: &[&str]) {
        let out = self
            .sandbox
            .decide_command(&self.clone, item, &["--recorder", "t-whitlock"])
            .env(
                "KITEMARK_SIGNING_KEY",
                self.demo.join(".git/kitemark/keys/t-whitlock"),
            )
            .output()
            .unwrap();
        assert_exit(&out, 0);
    }

    /// Commits what is staged in the clone as `who`, unsigned.
    fn commit_as(&self, who: (&str, &str), message: &str) {
        let out = self.sandbox.git_env(
            &self.clone,
            &[
                ("GIT_AUTHOR_NAME", who.0),
                ("GIT_AUTHOR_EMAIL", who.1),
                ("GIT_COMMITTER_NAME", who.0),
                ("GIT_COMMITTER_EMAIL", who.1),
            ],
            &["commit", "-q", "-m", message],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }

    /// Asserts that git refused the push with `rule` named, and that the server's `main`
    /// is still `before`.
    fn refused(&self, out: &Output, rule: &str, before: &str) -> String {
        let err = stderr(out);
        assert!(!out.status.success(), "{err}");
        assert!(err.contains(&format!(": {rule}: ")), "{rule}: {err}");
        assert!(err.contains("remote: kitemark: push refused"), "{err}");
        assert_eq!(self.main(), before, "{err}");
        err
    }
}

/// A decision file already on the server, changed in place (a comment added) and staged.
fn edit_old_decision(sandbox: &Sandbox, repo: &Path) -> String {
    let path = first_file(&repo.join("decisions")).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}// Tidied after the meeting.\n")).unwrap();
    let rel = path
        .strip_prefix(repo)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    sandbox.git(repo, &["add", &rel]);
    rel
}

fn first_file(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries.into_iter().find_map(|path| {
        if path.is_dir() {
            first_file(&path)
        } else {
            path.extension().is_some_and(|e| e == "ron").then_some(path)
        }
    })
}

#[test]
fn a_decision_recorded_with_kitemark_is_accepted() {
    let served = Served::new();
    served.decide(&LITTLE_ACORNS);
    let out = served.push(&["main"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains(
            "remote: kitemark: 1 new commit(s) checked against the panel's rules: accepted"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(served.main(), served.head());
}

#[test]
fn installing_twice_replaces_kitemarks_hook_and_anothers_only_with_force() {
    let sandbox = Sandbox::new();
    let bare = sandbox.path("panel.git");
    sandbox.git(
        &sandbox.path(""),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    let dir = bare.to_str().unwrap();
    assert_exit(&sandbox.kitemark(&["hook", "install", dir]), 0);
    let hook = bare.join("hooks/pre-receive");
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    assert!(script.contains("' hook pre-receive\n"), "{script}");
    // Kitemark's own hook is simply replaced.
    assert_exit(&sandbox.kitemark(&["hook", "install", dir]), 0);
    // Another's is refused, then kept beside with --force.
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    let out = sandbox.kitemark(&["hook", "install", dir]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("is not kitemark's"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(&hook).unwrap(),
        "#!/bin/sh\nexit 0\n"
    );
    let out = sandbox.kitemark(&["hook", "install", dir, "--force"]);
    assert_exit(&out, 0);
    assert_eq!(
        std::fs::read_to_string(bare.join("hooks/pre-receive.before-kitemark")).unwrap(),
        "#!/bin/sh\nexit 0\n"
    );
    assert_eq!(std::fs::read_to_string(&hook).unwrap(), script);
    // A hook that runs those in pre-receive.d/ (Gitea's) is pointed there.
    std::fs::create_dir(bare.join("hooks/pre-receive.d")).unwrap();
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    std::fs::remove_file(bare.join("hooks/pre-receive.before-kitemark")).unwrap();
    let out = sandbox.kitemark(&["hook", "install", dir]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("pre-receive.d"), "{}", stderr(&out));
    // Not a repository: nothing is written.
    let out = sandbox.kitemark(&["hook", "install", sandbox.path("home").to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(!sandbox.path("home/hooks").exists());
}

#[test]
fn a_decision_committed_by_someone_not_on_the_panel_is_refused() {
    let served = Served::new();
    let before = served.main();
    served.decide(&LITTLE_ACORNS);
    // The same decision, committed again by someone who is not a member.
    let out = served.sandbox.git(
        &served.clone,
        &["commit", "-q", "--amend", "--no-edit", "--reset-author"],
    );
    assert!(out.status.success());
    let out = served.push(&["main"]);
    let err = served.refused(&out, "not-a-member", &before);
    let commit = served.head();
    assert!(
        err.contains(&format!(
            "remote: kitemark: {} \"Decision: little-acorns-nursery 2026-27 initial: awarded\": decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron: not-a-member: ",
            &commit[..7]
        )),
        "{err}"
    );
}

#[test]
fn a_decision_edited_in_place_is_refused() {
    let served = Served::new();
    let before = served.main();
    let path = edit_old_decision(&served.sandbox, &served.clone);
    served.commit_as(TOM, "Tidy a decision");
    let err = served.refused(&served.push(&["main"]), "decision-modified", &before);
    assert!(err.contains(&path), "{err}");
}

#[test]
fn an_unsigned_commit_is_refused_where_the_panel_requires_signatures() {
    let served = Served::with(|sandbox, demo| {
        let panel = std::fs::read_to_string(demo.join("panel.ron")).unwrap();
        std::fs::write(
            demo.join("panel.ron"),
            panel.replacen(
                "    members: [",
                "    require_signatures: true,\n    members: [",
                1,
            ),
        )
        .unwrap();
        sandbox.git(demo, &["add", "panel.ron"]);
        let key = demo.join(".git/kitemark/keys/r-adeyemi");
        let out = sandbox.git_env(
            demo,
            &[
                ("GIT_AUTHOR_NAME", ROSALIND.0),
                ("GIT_AUTHOR_EMAIL", ROSALIND.1),
                ("GIT_COMMITTER_NAME", ROSALIND.0),
                ("GIT_COMMITTER_EMAIL", ROSALIND.1),
            ],
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &format!("user.signingkey={}", key.display()),
                "commit",
                "-q",
                "-S",
                "-m",
                "Require signatures",
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    });
    let before = served.main();
    let path = served.clone.join("meetings/2026-12-02.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("notes: \"", "notes: \"Room 4. ", 1)).unwrap();
    served
        .sandbox
        .git(&served.clone, &["add", "meetings/2026-12-02.ron"]);
    served.commit_as(TOM, "Meeting: the room");
    served.refused(&served.push(&["main"]), "unsigned", &before);
    // Signed, the same change is accepted.
    let key = served.demo.join(".git/kitemark/keys/t-whitlock");
    let out = served.sandbox.git_env(
        &served.clone,
        &[
            ("GIT_AUTHOR_NAME", TOM.0),
            ("GIT_AUTHOR_EMAIL", TOM.1),
            ("GIT_COMMITTER_NAME", TOM.0),
            ("GIT_COMMITTER_EMAIL", TOM.1),
        ],
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &format!("user.signingkey={}", key.display()),
            "commit",
            "-q",
            "--amend",
            "--no-edit",
            "-S",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = served.push(&["main"]);
    assert_exit(&out, 0);
    assert_eq!(served.main(), served.head());
}

#[test]
fn a_file_that_is_not_valid_is_refused_at_its_line() {
    let served = Served::new();
    let before = served.main();
    let path = "submissions/little-acorns-nursery/2026-27/action-plan.ron";
    std::fs::write(
        served.clone.join(path),
        "(\n    school: \"little-acorns-nursery\",\n    oops\n",
    )
    .unwrap();
    served.sandbox.git(&served.clone, &["add", path]);
    served.commit_as(
        ("Jo Park", "office@littleacorns.example.org"),
        "Action plan",
    );
    let err = served.refused(&served.push(&["main"]), "invalid-file", &before);
    assert!(err.contains(&format!("{path}:3:")), "{err}");
}

#[test]
fn a_force_push_is_refused() {
    let served = Served::new();
    let before = served.main();
    served
        .sandbox
        .git(&served.clone, &["reset", "-q", "--hard", "HEAD~1"]);
    let out = served.push(&["--force", "main"]);
    let err = served.refused(&out, "force-push", &before);
    assert!(
        err.contains("refs/heads/main: force-push: main would move"),
        "{err}"
    );
}

#[test]
fn a_branch_may_be_added_and_not_deleted() {
    let served = Served::new();
    let out = served.push(&["HEAD:refs/heads/spare"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("remote: kitemark: 0 new commit(s) checked"),
        "{}",
        stderr(&out)
    );
    let before = served.main();
    let out = served.push(&[":spare"]);
    served.refused(&out, "branch-deleted", &before);
    assert_eq!(
        served
            .sandbox
            .git_text(&served.bare, &["rev-parse", "spare"]),
        before
    );
}

#[test]
fn of_three_commits_the_one_that_breaks_a_rule_is_named_and_all_are_refused() {
    let served = Served::new();
    let before = served.main();
    served.decide(&LITTLE_ACORNS);
    let first = served.head();
    edit_old_decision(&served.sandbox, &served.clone);
    served.commit_as(TOM, "Tidy a decision");
    let middle = served.head();
    served.decide(&NORTH_VALE);
    let last = served.head();
    let err = served.refused(&served.push(&["main"]), "decision-modified", &before);
    let broken: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("remote: kitemark: ") && !l.contains("push refused"))
        .collect();
    assert!(!broken.is_empty(), "{err}");
    for line in broken {
        assert!(line.contains(&middle[..7]), "{line}");
    }
    assert!(!err.contains(&first[..7]), "{err}");
    assert!(!err.contains(&last[..7]), "{err}");
}

#[test]
fn a_server_whose_history_breaks_rules_accepts_a_good_push() {
    // The history predates the hook: a decision edited in place by someone off the panel.
    let served = Served::with(|sandbox, demo| {
        edit_old_decision(sandbox, demo);
        sandbox.git(demo, &["commit", "-q", "-m", "Tidy a decision"]);
    });
    let (code, _) = served.sandbox.audit_json(&served.demo, &[]);
    assert_eq!(code, 1);
    served.decide(&LITTLE_ACORNS);
    let out = served.push(&["main"]);
    assert_exit(&out, 0);
    assert_eq!(served.main(), served.head());
}

#[test]
fn the_history_cut_where_the_server_stood_judges_only_what_came_after() {
    common::hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let path = edit_old_decision(&sandbox, &repo);
    sandbox.git(&repo, &["commit", "-q", "-m", "Tidy a decision"]);
    let bad = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let out = sandbox
        .decide_command(&repo, &LITTLE_ACORNS, &["--recorder", "t-whitlock"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let good = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let day = jiff::civil::date(2026, 12, 3);

    let whole = PanelRepo::open(&repo).unwrap().records(None).unwrap();
    let found = kitemark::audit::audit(&whole, day);
    assert!(
        found.iter().any(|f| f.rule == "decision-modified"
            && f.commit.as_str() == bad
            && f.path.as_deref() == Some(path.as_str())),
        "{found:#?}"
    );

    let mut cut = PanelRepo::open(&repo).unwrap();
    cut.cut_at(&[bad.parse().unwrap()]);
    let records = cut.records(None).unwrap();
    let walked: Vec<&str> = records.commits.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(walked, [bad.as_str(), good.as_str()]);
    assert!(records.commits[0].is_boundary());
    let found = kitemark::audit::audit(&records, day);
    let errors: Vec<_> = found
        .iter()
        .filter(|f| f.is_error() && f.commit.as_str() != good)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // The decision the good commit adds is read from its blob, and judged.
    assert!(
        records
            .decisions
            .iter()
            .any(|d| d.commit().map(|c| c.as_str()) == Some(good.as_str()))
    );
}

/// Set for the copy of this test program that git runs as a hook in
/// [`every_handle_reads_the_objects_a_push_holds_in_quarantine`].
const AS_HOOK: &str = "KITEMARK_TEST_AS_HOOK";

#[test]
fn every_handle_reads_the_objects_a_push_holds_in_quarantine() {
    let served = Served::new();
    // This test program is the hook: the check below, run by git with the push in
    // quarantine, validates the whole snapshot on worker threads, each with its own handle.
    let exe = std::env::current_exe().unwrap();
    let script = format!(
        "#!/bin/sh\n{AS_HOOK}=1 exec '{}' --exact validate_as_a_hook --nocapture\n",
        exe.display()
    );
    let hook = served.bare.join("hooks/pre-receive");
    std::fs::write(&hook, script).unwrap();
    served.decide(&LITTLE_ACORNS);
    let out = served.push(&["main"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("remote: validated at the pushed commit: 0 error(s)"),
        "{}",
        stderr(&out)
    );
}

/// Run as a hook only (see above): opens the repository as git's environment names it, and
/// validates every file of the pushed commit, refusing the push on any error.
#[test]
fn validate_as_a_hook() {
    if std::env::var_os(AS_HOOK).is_none() {
        return;
    }
    let mut input = String::new();
    std::io::Read::read_to_string(&mut std::io::stdin(), &mut input).unwrap();
    let new = input.split_whitespace().nth(1).unwrap().to_owned();
    let repo = PanelRepo::open_from_env().unwrap();
    let snapshot = repo.snapshot_at(Some(&new)).unwrap();
    let report = repo.validate(&snapshot);
    for problem in &report.problems {
        eprintln!("{problem}");
    }
    eprintln!(
        "validated at the pushed commit: {} error(s)",
        report.errors()
    );
    assert_eq!(report.errors(), 0);
}

#[test]
fn a_push_that_cannot_be_checked_is_refused() {
    let sandbox = Sandbox::new();
    let run = |git_dir: &Path, input: &str| {
        let mut child = sandbox
            .command(&["hook", "pre-receive"])
            .env("GIT_DIR", git_dir)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let zeros = "0".repeat(40);
    let line = format!("{zeros} {} refs/heads/main\n", "1".repeat(40));
    // No repository where git's environment says.
    let out = run(&sandbox.path("nowhere.git"), &line);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("kitemark: push refused: the panel's rules could not be checked: "),
        "{}",
        stderr(&out)
    );
    // A repository, but a line git would never write, and a commit it does not hold.
    let bare = sandbox.path("panel.git");
    sandbox.git(
        &sandbox.path(""),
        &["init", "-q", "--bare", bare.to_str().unwrap()],
    );
    let out = run(&bare, "not what git writes\n");
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("is not `OLD NEW REFNAME`"),
        "{}",
        stderr(&out)
    );
    let out = run(&bare, &line);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("could not be checked"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_meeting_changed_after_its_decisions_is_refused() {
    let served = Served::new();
    let before = served.main();
    // The meeting of the first decision on record: someone struck from those present.
    let decision = first_file(&served.clone.join("decisions")).unwrap();
    let name = decision.file_name().unwrap().to_str().unwrap();
    let path = format!("meetings/{}.ron", &name[..10]);
    let text = std::fs::read_to_string(served.clone.join(&path)).unwrap();
    let start = text.find("present: [").unwrap() + "present: [".len();
    let first = start + text[start..].find('"').unwrap();
    let end = first + 1 + text[first + 1..].find('"').unwrap() + 1;
    let struck = format!("{}{}", &text[..first], text[end..].trim_start_matches(','));
    std::fs::write(served.clone.join(&path), struck).unwrap();
    served.sandbox.git(&served.clone, &["add", &path]);
    served.commit_as(ROSALIND, "Meeting: attendance corrected");
    let err = served.refused(
        &served.push(&["main"]),
        "meeting-changed-after-decision",
        &before,
    );
    assert!(err.contains(&path), "{err}");
}

#[test]
fn a_merge_of_two_lines_of_good_decisions_is_accepted() {
    let served = Served::new();
    let git = |args: &[&str]| served.sandbox.git(&served.clone, args);
    git(&["checkout", "-q", "-b", "acorns"]);
    served.decide(&LITTLE_ACORNS);
    git(&["checkout", "-q", "main"]);
    served.decide(&NORTH_VALE);
    served.commit_merge("acorns");
    let out = served.push(&["main"]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("remote: kitemark: 3 new commit(s) checked"),
        "{}",
        stderr(&out)
    );
    assert_eq!(served.main(), served.head());
}

impl Served {
    /// Merges `branch` into the clone's current branch as Tom Whitlock, signed.
    fn commit_merge(&self, branch: &str) {
        let key = self.demo.join(".git/kitemark/keys/t-whitlock");
        let out = self.sandbox.git_env(
            &self.clone,
            &[
                ("GIT_AUTHOR_NAME", TOM.0),
                ("GIT_AUTHOR_EMAIL", TOM.1),
                ("GIT_COMMITTER_NAME", TOM.0),
                ("GIT_COMMITTER_EMAIL", TOM.1),
            ],
            &[
                "-c",
                "gpg.format=ssh",
                "-c",
                &format!("user.signingkey={}", key.display()),
                "merge",
                "-q",
                "--no-ff",
                "-S",
                "-m",
                "Merge the decision on Little Acorns",
                branch,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
}

#[test]
fn a_review_by_a_conflicted_member_is_refused() {
    let served = Served::new();
    let before = served.main();
    let path = "reviews/north-vale-esc/2026-27/2026-12-02-annual-review/m-oconnell.ron";
    let file = served.clone.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(
        &file,
        "(\n    school: \"north-vale-esc\",\n    year: \"2026-27\",\n    kind: \"annual-review\",\n    meeting: \"2026-12-02\",\n    reviewer: \"m-oconnell\",\n    recommendation: \"accepted\",\n)\n",
    )
    .unwrap();
    served.sandbox.git(&served.clone, &["add", path]);
    served.commit_as(
        ("Maeve O'Connell", "maeve.oconnell@herts-eps.example.org"),
        "Review of North Vale",
    );
    let out = served.push(&["main"]);
    let err = served.refused(&out, "review-by-conflicted", &before);
    assert!(err.contains(path), "{err}");
}
