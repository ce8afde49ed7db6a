//! Helpers for tests that run the real binary and git in temporary folders, with a fixed git
//! identity and no user or system git configuration (a fresh machine has none).

#![allow(dead_code)]

pub mod server;
pub mod succession;
pub mod tmux;
pub mod tui;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A temporary folder with its own empty home, for running `kitemark` and `git`.
pub struct Sandbox {
    root: TempDir,
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        let root = tempfile::Builder::new()
            .prefix("kitemark-test")
            .tempdir()
            .unwrap();
        std::fs::create_dir_all(root.path().join("home")).unwrap();
        Self { root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.path().join(rel)
    }

    pub fn hermetic(&self, cmd: &mut Command) {
        let home = self.path("home");
        for var in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_CONFIG",
            "XDG_CONFIG_DIRS",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1");
    }

    /// Runs the kitemark binary.
    pub fn kitemark(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kitemark"));
        cmd.args(args).current_dir(self.root.path());
        self.hermetic(&mut cmd);
        cmd.output().unwrap()
    }

    /// The kitemark binary with `args`, ready to run or spawn.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kitemark"));
        cmd.args(args).current_dir(self.root.path());
        self.hermetic(&mut cmd);
        cmd
    }

    /// Runs the kitemark binary like [`Sandbox::kitemark`], but kills it and fails the test if
    /// it has not ended by itself within `deadline`: a guard against a hang, not a measure of
    /// speed.
    pub fn kitemark_within(&self, args: &[&str], deadline: Duration) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kitemark"));
        cmd.args(args)
            .current_dir(self.root.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.hermetic(&mut cmd);
        let mut child = cmd.spawn().unwrap();
        // Read both pipes while waiting, so that a chatty process cannot block on a full one.
        let drain = |mut pipe: Box<dyn Read + Send>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                let _ = pipe.read_to_end(&mut bytes);
                bytes
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("kitemark {args:?} did not finish within {deadline:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Output {
            status,
            stdout: stdout.join().unwrap(),
            stderr: stderr.join().unwrap(),
        }
    }

    /// Runs git in `dir` as a fixed test identity at a fixed date.
    pub fn git(&self, dir: &Path, args: &[&str]) -> Output {
        self.git_as(dir, ("Test Author", "author@test.example.org"), args)
    }

    /// Runs git in `dir` like [`Sandbox::git`], whether or not it succeeds.
    pub fn try_git(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        cmd.args(args).current_dir(dir);
        self.hermetic(&mut cmd);
        cmd.env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@test.example.org")
            .env("GIT_COMMITTER_NAME", "Test Author")
            .env("GIT_COMMITTER_EMAIL", "author@test.example.org");
        cmd.output().unwrap()
    }

    /// A copy of the repository at `from` (working tree and git directory), as `name`.
    pub fn copy_repo(&self, from: &Path, name: &str) -> PathBuf {
        let to = self.path(name);
        let out = Command::new("cp")
            .arg("-a")
            .arg(from)
            .arg(&to)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        to
    }

    /// Runs git in `dir` as `(name, email)` at a fixed date.
    pub fn git_as(&self, dir: &Path, who: (&str, &str), args: &[&str]) -> Output {
        self.git_at(dir, who, "2025-11-01T12:00:00+00:00", args)
    }

    /// Runs git in `dir` as `(name, email)`, author and committer both dated `date` (as git
    /// reads `GIT_COMMITTER_DATE`, e.g. `2026-12-02T10:00:00+00:00`).
    pub fn git_at(
        &self,
        dir: &Path,
        (name, email): (&str, &str),
        date: &str,
        args: &[&str],
    ) -> Output {
        let mut cmd = Command::new("git");
        cmd.args(args).current_dir(dir);
        self.hermetic(&mut cmd);
        cmd.env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date);
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// A new repository (branch `main`) holding `files` in one commit.
    pub fn repo_with(&self, name: &str, files: &[(String, Vec<u8>)]) -> PathBuf {
        let dir = self.path(name);
        std::fs::create_dir_all(&dir).unwrap();
        self.git(&dir, &["init", "-q", "-b", "main"]);
        write_files(&dir, files);
        self.git(&dir, &["add", "-A"]);
        self.git(&dir, &["commit", "-q", "-m", "Fixture"]);
        dir
    }
}

impl Sandbox {
    /// A fresh copy of the bundled demo, in `demo/`, built as on [`DEMO_DAY`]: the story as
    /// bundled, whatever today's date, so that dates and snapshots do not move.
    pub fn demo(&self) -> PathBuf {
        let dir = self.path("demo");
        assert_exit(
            &self.kitemark(&[
                "demo",
                "--dir",
                dir.to_str().unwrap(),
                "--no-open",
                "--on",
                DEMO_DAY,
            ]),
            0,
        );
        dir
    }

    /// A fresh copy of the demo with the attendance of its upcoming meeting (2026-12-02):
    /// [`PRESENT`], a quorum, ready for decisions.
    pub fn demo_with_attendance(&self, how: Attendance) -> PathBuf {
        let dir = self.demo();
        match how {
            Attendance::Recorded => self.record_attendance(&dir, &PRESENT, &APOLOGIES),
            Attendance::Pinned => {
                let path = dir.join("meetings/2026-12-02.ron");
                let text = std::fs::read_to_string(&path).unwrap();
                let present: String = PRESENT.iter().map(|m| format!("\"{m}\", ")).collect();
                let text = text.replace("present: [],", &format!("present: [{present}],"));
                std::fs::write(&path, text).unwrap();
                self.git(&dir, &["commit", "-q", "-am", "Attendance"]);
            }
        }
        dir
    }

    /// `kitemark decide` on `repo` for an agenda item (see [`items`]) with `extra` options,
    /// ready to run or spawn.
    pub fn decide_command(&self, repo: &Path, item: &[&str], extra: &[&str]) -> Command {
        let mut args = vec!["decide", "--repo", repo.to_str().unwrap()];
        args.extend_from_slice(item);
        args.extend_from_slice(extra);
        self.command(&args)
    }

    /// `kitemark export letter SCHOOL YEAR` on `repo`, with `extra` options.
    pub fn export_letter(&self, repo: &Path, school: &str, year: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "export",
            "letter",
            school,
            year,
            "--repo",
            repo.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.kitemark(&args)
    }

    /// `kitemark export minutes --meeting DATE` on `repo`, with `extra` options.
    pub fn export_minutes(&self, repo: &Path, meeting: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            "export",
            "minutes",
            "--meeting",
            meeting,
            "--repo",
            repo.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        self.kitemark(&args)
    }

    /// The demo with attendance recorded and one decision on its first agenda item: Little
    /// Acorns' initial application, awarded, recorded by the chair.
    pub fn demo_with_a_decision(&self) -> PathBuf {
        let repo = self.demo_with_attendance(Attendance::Recorded);
        let extra = [
            "--recorder",
            "r-adeyemi",
            "--feedback",
            "A warm, whole-setting approach.",
        ];
        let mut decide = self.decide_command(&repo, &items::LITTLE_ACORNS, &extra);
        assert_exit(&decide.output().unwrap(), 0);
        repo
    }

    /// [`Sandbox::demo_with_a_decision`], then a commit that rewrites the decision in place:
    /// its outcome becomes "not-awarded" and its feedback "Rewritten afterwards.". The
    /// repository, the commit with the decision as made, and HEAD.
    pub fn demo_with_a_rewritten_decision(&self) -> (PathBuf, String, String) {
        let repo = self.demo_with_a_decision();
        let made = self.git_text(&repo, &["rev-parse", "HEAD"]);
        let path = repo.join(LITTLE_ACORNS_DECISION);
        let text = std::fs::read_to_string(&path).unwrap();
        let rewritten = text
            .replace("outcome: \"awarded\"", "outcome: \"not-awarded\"")
            .replace("A warm, whole-setting approach.", "Rewritten afterwards.");
        assert_ne!(rewritten, text);
        std::fs::write(&path, rewritten).unwrap();
        self.git(&repo, &["commit", "-q", "-am", "Rewrite the decision"]);
        let head = self.git_text(&repo, &["rev-parse", "HEAD"]);
        (repo, made, head)
    }

    /// The demo with attendance recorded and both of Riverside Academy's 2026-27 items
    /// decided at its upcoming meeting by the chair: the annual review accepted, then the
    /// suicide-aware status awarded.
    pub fn demo_with_riverside_decided_twice(&self) -> PathBuf {
        let repo = self.demo_with_attendance(Attendance::Recorded);
        let extra = ["--recorder", "r-adeyemi"];
        let mut suicide_aware = items::RIVERSIDE;
        suicide_aware[3] = "suicide-aware";
        suicide_aware[5] = "awarded";
        for item in [items::RIVERSIDE, suicide_aware] {
            let mut decide = self.decide_command(&repo, &item, &extra);
            assert_exit(&decide.output().unwrap(), 0);
        }
        repo
    }

    /// Records the attendance of the demo's upcoming meeting (2026-12-02) with `kitemark
    /// meeting`, chaired by r-adeyemi.
    pub fn record_attendance(&self, repo: &Path, present: &[&str], apologies: &[&str]) {
        assert_exit(&self.attendance(repo, present, apologies), 0);
    }

    /// `kitemark meeting` for the demo's upcoming meeting (2026-12-02), chaired by
    /// r-adeyemi, with `present` and `apologies`: what it says and its exit.
    pub fn attendance(&self, repo: &Path, present: &[&str], apologies: &[&str]) -> Output {
        self.meeting_with(repo, present, apologies, &[])
    }

    /// [`Sandbox::attendance`] with `extra` options (`--location`, say).
    pub fn meeting_with(
        &self,
        repo: &Path,
        present: &[&str],
        apologies: &[&str],
        extra: &[&str],
    ) -> Output {
        let mut args = vec![
            "meeting",
            "2026-12-02",
            "--repo",
            repo.to_str().unwrap(),
            "--chair",
            "r-adeyemi",
        ];
        args.extend_from_slice(extra);
        for m in present {
            args.extend(["--present", m]);
        }
        for m in apologies {
            args.extend(["--apologies", m]);
        }
        self.kitemark(&args)
    }

    /// What git prints in `dir`, without the line break (or spaces) at either end.
    pub fn git_text(&self, dir: &Path, args: &[&str]) -> String {
        stdout(&self.git(dir, args)).trim().to_owned()
    }

    /// `kitemark audit --format json` on `repo` with `extra` options: the exit code and the
    /// report.
    pub fn audit_json(&self, repo: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
        let mut args = vec![
            "audit",
            "--repo",
            repo.to_str().unwrap(),
            "--format",
            "json",
        ];
        args.extend(extra);
        let out = self.kitemark(&args);
        let json = serde_json::from_str(&stdout(&out))
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&out), stderr(&out)));
        (out.status.code().unwrap(), json)
    }
}

/// The file of the decision [`Sandbox::demo_with_a_decision`] records.
pub const LITTLE_ACORNS_DECISION: &str =
    "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron";

/// The findings of an audit report (`kitemark audit --format json`) under `rule`.
pub fn findings_of<'a>(json: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// How the attendance of [`Sandbox::demo_with_attendance`] is committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attendance {
    /// By `kitemark meeting`, as the chair, with [`APOLOGIES`]: a commit the audit finds
    /// nothing wrong with, made at the time the test runs.
    Recorded,
    /// Written into the meeting's file and committed by git as the test identity at a fixed
    /// date: the same commit on every run, for screens whose snapshots show its id. The audit
    /// would flag its author.
    Pinned,
}

/// The day the tests build the demo as on: ten days before its upcoming meeting
/// (2026-12-02), the story exactly as bundled.
pub const DEMO_DAY: &str = "2026-11-22";

/// The demo, built once for all the tests of a test program that only read it.
pub fn shared_demo() -> &'static Path {
    static DEMO: std::sync::OnceLock<(Sandbox, PathBuf)> = std::sync::OnceLock::new();
    let (_, path) = DEMO.get_or_init(|| {
        let sandbox = Sandbox::new();
        let dir = sandbox.demo();
        (sandbox, dir)
    });
    path
}

/// Who is present at the demo's upcoming meeting in [`Sandbox::demo_with_attendance`]: a
/// quorum from every agency but nursing. The first five are a quorum too.
pub const PRESENT: [&str; 6] = [
    "r-adeyemi",
    "t-whitlock",
    "m-oconnell",
    "a-nowak",
    "j-bennett",
    "l-fraser",
];

/// Who sends apologies to it.
pub const APOLOGIES: [&str; 3] = ["s-kaur", "d-hughes", "p-mensah"];

/// The items on the agenda of the demo's upcoming meeting, as `kitemark decide` takes them.
pub mod items {
    pub const LITTLE_ACORNS: [&str; 8] = [
        "little-acorns-nursery",
        "2026-27",
        "--kind",
        "initial",
        "--outcome",
        "awarded",
        "--meeting",
        "2026-12-02",
    ];
    pub const NORTH_VALE: [&str; 8] = [
        "north-vale-esc",
        "2026-27",
        "--kind",
        "annual-review",
        "--outcome",
        "accepted",
        "--meeting",
        "2026-12-02",
    ];
    pub const KINGSMEAD: [&str; 8] = [
        "kingsmead-sixth-form",
        "2026-27",
        "--kind",
        "resubmission",
        "--outcome",
        "awarded",
        "--meeting",
        "2026-12-02",
    ];
    pub const RIVERSIDE: [&str; 8] = [
        "riverside-academy",
        "2026-27",
        "--kind",
        "annual-review",
        "--outcome",
        "accepted",
        "--meeting",
        "2026-12-02",
    ];
}

/// Keeps the user's and the system's git configuration out of libgit2 in this process.
pub fn hermetic_git2() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let empty = tempfile::tempdir().unwrap().keep();
        for level in [
            git2::ConfigLevel::System,
            git2::ConfigLevel::XDG,
            git2::ConfigLevel::Global,
        ] {
            // SAFETY: called once, before any other libgit2 use in the test binary.
            unsafe { git2::opts::set_search_path(level, &empty).unwrap() };
        }
    });
}

/// Runs `cmd` with the writer told to stop just before `step`, waits until it has stopped
/// there (a guard of a minute against a hang, not a timing), and kills it with SIGKILL.
pub fn kill_before(mut cmd: Command, step: &str) {
    cmd.env("KITEMARK_FAULT_STOP", step)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let marker = format!("stopped before {step}");
    let mut said = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.contains(&marker) => break,
            Ok(line) => said.push(line),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the writer never reached {step}; it said:\n{}",
                    said.join("\n")
                );
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

/// Writes files under `dir`, creating folders.
pub fn write_files(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (path, content) in files {
        let target = dir.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, content).unwrap();
    }
}

/// Every file under `root`, as (relative path with `/`, bytes), sorted.
pub fn files_under(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The small valid panel repository the bad-input cases start from.
pub fn base_files() -> Vec<(String, Vec<u8>)> {
    files_under(&fixtures().join("base"))
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts the process ended by itself (no panic, no signal) with `code`.
pub fn assert_exit(out: &Output, code: i32) {
    let err = stderr(out);
    assert!(!err.contains("panicked"), "kitemark panicked:\n{err}");
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{err}",
        stdout(out)
    );
}

impl Sandbox {
    /// Runs git in `dir` like [`Sandbox::git`], with extra environment variables (such as
    /// `FILTER_BRANCH_SQUELCH_WARNING`), asserting that it succeeds.
    pub fn git_env(&self, dir: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
        let mut cmd = Command::new("git");
        cmd.args(args).current_dir(dir);
        self.hermetic(&mut cmd);
        cmd.env("GIT_AUTHOR_NAME", "Test Author")
            .env("GIT_AUTHOR_EMAIL", "author@test.example.org")
            .env("GIT_COMMITTER_NAME", "Test Author")
            .env("GIT_COMMITTER_EMAIL", "author@test.example.org");
        for (key, value) in env {
            cmd.env(key, value);
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

impl Sandbox {
    /// A school's workbook for a year as `kitemark template --format xlsx` writes it, filled
    /// as the school would by `tests/fixtures/workbooks/fill.py` with `how` (`--mistake`,
    /// `--revised`), then moved to `to` whole, as a mail program saves an attachment.
    pub fn filled_workbook(&self, repo: &Path, school: &str, year: &str, to: &Path, how: &[&str]) {
        let blank = self.path(&format!("{school}-{year}-blank.xlsx"));
        if !blank.exists() {
            let out = self.kitemark(&[
                "template",
                school,
                year,
                "--format",
                "xlsx",
                "--repo",
                repo.to_str().unwrap(),
                "-o",
                blank.to_str().unwrap(),
            ]);
            assert_exit(&out, 0);
        }
        let part = self.path("filling.xlsx");
        let status = Command::new("python3")
            .arg(fixtures().join("workbooks/fill.py"))
            .arg(&blank)
            .arg(&part)
            .args(how)
            .status()
            .expect("python3 with openpyxl is installed (.ci/run installs it)");
        assert!(status.success(), "fill.py failed");
        std::fs::rename(&part, to).unwrap();
    }
}
