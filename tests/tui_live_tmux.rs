//! Live meeting mode end to end: the real binary on the demo in a real terminal (tmux), the
//! meeting run from its first item to its minutes. The test runs its own tmux server on a
//! private socket and kills only that server.

mod common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Attendance, Sandbox};

struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a new tmux server's only pane; the pane stays after the command ends
    /// so that its last output can be read.
    fn start(sandbox: &Sandbox, command: &str, width: u16, height: u16) -> Tmux {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "kitemark-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        Tmux::start_on(socket, sandbox, command, width, height)
    }

    /// Like [`Tmux::start`], on a socket of the test's own naming.
    fn start_on(socket: String, sandbox: &Sandbox, command: &str, width: u16, height: u16) -> Tmux {
        let home = sandbox.path("home");
        let shell = format!(
            "env HOME='{0}' XDG_CONFIG_HOME='{0}/.config' GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null {command}; echo EXIT=$?; sleep 60",
            home.display()
        );
        let tmux = Tmux { socket };
        let status = tmux
            .cmd()
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "main",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                &shell,
            ])
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success(), "tmux did not start");
        tmux
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket]);
        cmd
    }

    fn capture(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "main"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen satisfies `test`, polling; fails with the last screen.
    fn wait_until(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.capture();
            if test(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen is:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to go"), |s| !s.contains(text))
    }

    /// Sends keys by tmux name (`Enter`, `Escape`, `q`). Escape must go on its own, or the
    /// terminal reads it as Alt with the next key.
    fn send(&self, keys: &[&str]) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", "main"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

fn kitemark() -> &'static str {
    env!("CARGO_BIN_EXE_kitemark")
}

/// Commits `text` at `path` in `repo` as `who`, the day before the meeting.
fn commit_as(sandbox: &Sandbox, repo: &Path, who: (&str, &str), path: &str, text: &str) {
    let full = repo.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(&full, text).unwrap();
    sandbox.git(repo, &["add", path]);
    sandbox.git_at(
        repo,
        who,
        "2026-12-01T18:00:00+00:00",
        &["commit", "-q", "-m", &format!("Review: {path}")],
    );
}

fn review(school: &str, kind: &str, member: &str, outcome: &str, summary: &str) -> String {
    format!(
        "(\n    school: \"{school}\",\n    year: \"2026-27\",\n    kind: \"{kind}\",\n    meeting: \"2026-12-02\",\n    reviewer: \"{member}\",\n    recommendation: \"{outcome}\",\n    summary: \"{summary}\",\n)\n"
    )
}

const WHITLOCK: (&str, &str) = (
    "Tom Whitlock",
    "tom.whitlock@herts-publichealth.example.org",
);
const NOWAK: (&str, &str) = ("Anna Nowak", "anna.nowak@hertsforlearning.example.org");

/// The demo's upcoming meeting with attendance taken and three items on its agenda, read
/// beforehand: Riverside's annual review (only its lead's review in), North Vale's annual
/// review (Maeve O'Connell, present, is conflicted; the demo's two reviews, Tom Whitlock's
/// since revised to ask for conditions, disagree) and Riverside's suicide-aware status (both
/// reviews in, recommending the award: proposed en bloc).
fn meeting_read_beforehand(sandbox: &Sandbox) -> std::path::PathBuf {
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let path = repo.join("meetings/2026-12-02.ron");
    let mut meeting: kitemark::model::Meeting =
        kitemark::model::format::from_ron(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let items = [
        ("riverside-academy", "annual-review"),
        ("north-vale-esc", "annual-review"),
        ("riverside-academy", "suicide-aware"),
    ];
    let is = |school: &str, kind: &str, (s, k): &(&str, &str)| school == *s && kind == *k;
    meeting.agenda = items
        .iter()
        .map(|item| {
            meeting
                .agenda
                .iter()
                .find(|a| is(a.school.as_str(), a.kind.as_str(), item))
                .unwrap_or_else(|| panic!("{item:?} is on the demo's agenda"))
                .clone()
        })
        .collect();
    meeting.readers.retain(|r| {
        items
            .iter()
            .any(|item| is(r.school.as_str(), r.kind.as_str(), item))
    });
    assert_eq!(meeting.readers.len(), 3, "the demo's readers of the three");
    for r in &mut meeting.readers {
        if r.school.as_str() == "riverside-academy" {
            let (lead, second) = if r.kind.as_str() == "annual-review" {
                ("t-whitlock", "a-nowak")
            } else {
                ("a-nowak", "t-whitlock")
            };
            r.lead = lead.parse().unwrap();
            r.second = Some(second.parse().unwrap());
        } else {
            assert_eq!(
                r.lead.as_str(),
                "r-adeyemi",
                "North Vale's lead is the demo's"
            );
        }
    }
    std::fs::write(&path, kitemark::model::format::to_ron(&meeting).unwrap()).unwrap();
    sandbox.git(
        &repo,
        &[
            "commit",
            "-q",
            "-am",
            "Agenda settled and readers confirmed",
        ],
    );
    let reviews = [
        (
            "riverside-academy",
            "annual-review",
            "t-whitlock",
            "accepted",
            "Action plan on track; pupil voice work is strong.",
        ),
        (
            "north-vale-esc",
            "annual-review",
            "t-whitlock",
            "accepted-with-conditions",
            "Parent voice still thin: ask for the survey results by spring.",
        ),
        (
            "riverside-academy",
            "suicide-aware",
            "a-nowak",
            "awarded",
            "Training records and the safety plan are in place.",
        ),
        (
            "riverside-academy",
            "suicide-aware",
            "t-whitlock",
            "awarded",
            "Postvention protocol agreed with the local authority.",
        ),
    ];
    for (school, kind, member, outcome, summary) in reviews {
        let who = if member == "t-whitlock" {
            WHITLOCK
        } else {
            NOWAK
        };
        commit_as(
            sandbox,
            &repo,
            who,
            &format!("reviews/{school}/2026-27/2026-12-02-{kind}/{member}.ron"),
            &review(school, kind, member, outcome, summary),
        );
    }
    repo
}

#[test]
fn a_meeting_run_live_from_its_first_item_to_its_minutes() {
    let sandbox = Sandbox::new();
    let repo = meeting_read_beforehand(&sandbox);
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let exports = sandbox.path("exports");
    let tmux = Tmux::start(
        &sandbox,
        &format!(
            "env KITEMARK_EXPORT_DIR='{}' '{}' --repo '{}' open --on 2026-12-02",
            exports.display(),
            kitemark(),
            repo.display()
        ),
        100,
        30,
    );
    tmux.wait_for("Agenda of the meeting on 2026-12-02");
    tmux.send(&["L"]);
    let screen = tmux.wait_for("item 1 of 3");
    assert!(screen.contains("0 of 3 decided"), "{screen}");
    // The items whose reviews agree are offered en bloc; the chair confirms them.
    tmux.send(&["B"]);
    let screen = tmux.wait_for("En bloc: confirm these together");
    assert!(
        screen.contains("[x] Riverside Academy · Suicide Aware status application"),
        "{screen}"
    );
    assert!(
        !screen.contains("North Vale"),
        "its reviews disagree:\n{screen}"
    );
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("En bloc: done");
    assert!(screen.contains("recorded in commit"), "{screen}");
    tmux.send(&["Space"]);
    tmux.wait_gone("En bloc: done");
    // Each item in turn: decided through the form unless it already is.
    for n in 1..=3 {
        let screen = tmux.wait_for(&format!("item {n} of 3"));
        if n == 2 {
            assert!(
                screen.contains("Maeve O'Connell leaves the room"),
                "{screen}"
            );
        }
        if !screen.contains("✓ Decided") {
            tmux.send(&["Enter"]);
            tmux.wait_for("Check and record");
            tmux.send(&["G"]);
            tmux.wait_for("Ready to record");
            tmux.send(&["Enter"]);
            tmux.send(&["Enter"]);
            tmux.wait_for("Record the decision now?");
            tmux.send(&["y"]);
            let screen = tmux.wait_for("✓ Decided");
            assert!(screen.contains(&format!("item {n} of 3")), "{screen}");
        }
        if n < 3 {
            tmux.send(&["]"]);
        }
    }
    tmux.wait_for("3 of 3 decided");
    tmux.send(&["E"]);
    tmux.wait_for("Save the minutes now?");
    tmux.send(&["y"]);
    let screen = tmux.wait_for("✓ Saved");
    assert!(screen.contains("minutes-2026-12-02"), "{screen}");
    let minutes = std::fs::read_to_string(exports.join("minutes-2026-12-02.md")).unwrap();
    for name in ["Riverside Academy", "North Vale Education Support Centre"] {
        assert!(
            minutes.contains(name),
            "{name} is not in the minutes:\n{minutes}"
        );
    }
    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");
    let log = sandbox.git_text(
        &repo,
        &["log", "--format=%an|%s", &format!("{before}..HEAD")],
    );
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines.len(),
        4,
        "three decisions and the proceedings:\n{log}"
    );
    assert!(lines[0].starts_with("Rosalind Adeyemi|"), "{log}");
    assert!(lines[0].to_lowercase().contains("proceedings"), "{log}");
    let files = sandbox.git_text(&repo, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, "proceedings/2026-12-02.ron");
    let proceedings = std::fs::read_to_string(repo.join(files)).unwrap();
    assert!(
        proceedings.contains("left: [\n                \"m-oconnell\",\n            ]")
            || proceedings.contains("left: [\"m-oconnell\"]"),
        "Maeve O'Connell left the room for North Vale:\n{proceedings}"
    );
    assert!(proceedings.contains("en_bloc: true"), "{proceedings}");
    let decisions = sandbox.git_text(
        &repo,
        &[
            "log",
            "--name-only",
            "--format=",
            &format!("{before}..HEAD~1"),
        ],
    );
    for school in ["riverside-academy", "north-vale-esc"] {
        assert!(
            decisions.contains(&format!("decisions/{school}/")),
            "{decisions}"
        );
    }
}
