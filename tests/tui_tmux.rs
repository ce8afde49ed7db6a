//! End to end: the real binary in a real terminal (tmux), driven by keys, checked screen by
//! screen. Each test runs its own tmux server on a private socket and kills only that server.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::tmux::{Tmux, kitemark};
use common::{PRESENT, Sandbox, base_files, files_under, fixtures};

fn open_command(repo: &Path, extra: &str) -> String {
    open_command_on(repo, "2026-11-22", extra)
}

/// The interface as on `date`: on the meeting's day (2026-12-02) a decision at it can be
/// recorded, which ten days before it cannot.
fn open_command_on(repo: &Path, date: &str, extra: &str) -> String {
    format!(
        "'{}' --repo '{}' open --on {date} {extra}",
        kitemark(),
        repo.display()
    )
}

#[test]
fn a_meeting_walkthrough_in_a_real_terminal() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let timings = sandbox.path("timings.json");
    let tmux = Tmux::start(
        &sandbox,
        &format!(
            "env KITEMARK_TIMINGS='{}' {}",
            timings.display(),
            open_command(&repo, "")
        ),
        80,
        24,
    );
    tmux.wait_for("Agenda of the meeting on 2026-12-02");
    tmux.wait_for("Little Acorns Day Nur");
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "1",
        "the interface uses the alternate screen"
    );

    // Filter the agenda.
    tmux.send(&["/"]);
    tmux.type_text("river");
    let screen = tmux.wait_for("filter \"river\": 2 of 10");
    assert!(!screen.contains("Little Acorns"), "{screen}");
    tmux.send(&["Enter"]);
    tmux.wait_for("j/k move");

    // Open the selected submission.
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("Riverside Academy · 2026-27");
    assert!(
        screen.contains("Years 2024-25 2025-26 [2026-27]"),
        "{screen}"
    );
    assert!(screen.contains("LM Leadership"), "{screen}");

    // Help, then close it with Escape on its own.
    tmux.send(&["?"]);
    tmux.wait_for("Keys — ? or Esc closes");
    tmux.send(&["Escape"]);
    tmux.wait_gone("Keys — ? or Esc closes");

    // Resize: too small, then wide.
    tmux.resize(70, 20);
    let screen = tmux.wait_for("Terminal too small");
    assert!(screen.contains("this is 70×20"), "{screen}");
    tmux.resize(160, 48);
    let screen = tmux.wait_for("LM Leadership and management");
    assert!(!screen.contains("Terminal too small"), "{screen}");

    // Quit: the terminal is given back as it was.
    tmux.send(&["q"]);
    let screen = tmux.wait_for("EXIT=0");
    assert!(
        !screen.contains("Riverside Academy"),
        "the alternate screen is gone:\n{screen}"
    );
    assert_eq!(tmux.display("#{alternate_on}"), "0");
    assert_eq!(
        tmux.display("#{mouse_any_flag}"),
        "0",
        "mouse reporting is off again"
    );
    assert_eq!(
        tmux.display("#{cursor_flag}"),
        "1",
        "the cursor is shown again"
    );

    let timings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&timings).unwrap()).unwrap();
    assert!(timings["frames"].as_u64().unwrap() > 5, "{timings}");
    assert!(timings["first_frame_ms"].as_f64().is_some());
    // The History view was never opened: its times are null, not zero.
    for never in ["history_frame_ms", "history_audit_ms"] {
        assert!(timings.get(never).is_some_and(|t| t.is_null()), "{timings}");
    }
}

#[test]
fn hostile_text_is_shown_harmlessly() {
    let sandbox = Sandbox::new();
    let mut files = base_files();
    for (path, content) in files_under(&fixtures().join("hostile")) {
        files.retain(|(p, _)| p != &path);
        files.push((path, content));
    }
    let repo = sandbox.repo_with("hostile", &files);
    let tmux = Tmux::start(&sandbox, &open_command(&repo, ""), 100, 30);
    tmux.wait_for("2 Schools");
    tmux.send(&["2"]);
    let screen = tmux.wait_for("Schools (1)");
    // The escape sequences arrive as visible symbols, and did nothing.
    assert!(screen.contains("Oak␛[2J␛[H School"), "{screen}");
    assert!(
        screen.contains("kitemark  Test ␛]0;pwned␇panel ␛[31mred"),
        "{screen}"
    );
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("Reflection");
    assert!(
        screen.contains("Our ␛]52;c;aGVsbG8=␇senior lead �2J meets"),
        "{screen}"
    );
    // The evidence, then (at the end of the area's text) the action: each waited for on its
    // own, since where the text's first page ends depends on what the area shows above them.
    tmux.send(&["Tab"]);
    tmux.send(&["G"]);
    let screen = tmux.wait_for("Train the ␈␈␈governor␍␛[1A for wellbeing.");
    assert!(screen.contains("LM-1 [in progress]"), "{screen}");
    tmux.send(&["g"]);
    tmux.wait_for("Wellbeing �policy␛[5m blink");
    assert_ne!(
        tmux.display("#{pane_title}"),
        "pwned",
        "the title was not changed"
    );
    let buffers = tmux.cmd().arg("list-buffers").output().unwrap();
    assert!(buffers.stdout.is_empty(), "nothing reached the clipboard");
    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");
}

#[test]
fn a_folder_that_is_not_a_panel_repository() {
    let sandbox = Sandbox::new();
    let empty = sandbox.path("nothing-here");
    std::fs::create_dir_all(&empty).unwrap();
    let tmux = Tmux::start(
        &sandbox,
        &format!("'{}' --repo '{}'", kitemark(), empty.display()),
        100,
        24,
    );
    let screen = tmux.wait_for("EXIT=2");
    assert!(screen.contains("is not a git repository"), "{screen}");
    assert!(screen.contains("kitemark demo"), "{screen}");
    assert_eq!(tmux.display("#{alternate_on}"), "0");
}

#[test]
fn the_demo_command_opens_the_interface() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    let tmux = Tmux::start(
        &sandbox,
        &format!("'{}' demo --dir '{}'", kitemark(), dir.display()),
        80,
        24,
    );
    // Built for today, the demo's next meeting is a week or two ahead.
    let screen = tmux.wait_for("Agenda of the meeting on");
    assert!(screen.contains("days)"), "{screen}");
    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");
    assert!(dir.join("panel.ron").exists());
}

#[test]
fn the_comparison_is_reached_from_the_agenda() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let tmux = Tmux::start(&sandbox, &open_command(&repo, ""), 100, 30);
    tmux.wait_for("Agenda of the meeting on 2026-12-02");
    // North Vale's annual review: open it, then compare it with the year before.
    tmux.send(&["j", "j", "j", "Enter"]);
    tmux.wait_for("North Vale Education Support Centre · 2026-27");
    tmux.send(&["d"]);
    let screen = tmux.wait_for("North Vale Education Support Centre: 2025-26 → 2026-27");
    assert!(screen.contains("+4 new · 14 carried · 6 done"), "{screen}");
    tmux.send(&["n"]);
    tmux.wait_for("change 1 of");
    tmux.send(&["u"]);
    tmux.wait_for("one column");
    tmux.send(&["Escape"]);
    tmux.wait_for("North Vale Education Support Centre · 2026-27");
    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");
}

/// Waits until a file exists and contains `text`.
fn wait_for_file(path: &Path, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if std::fs::read_to_string(path).is_ok_and(|t| t.contains(text)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {} to contain {text:?}",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_decision_survives_a_kill_in_the_middle_of_typing() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    sandbox.record_attendance(&repo, &PRESENT[..5], &[]);
    let draft = repo
        .join(".git/kitemark/drafts")
        .join("decision_little-acorns-nursery_2026-27_initial_2026-12-02.ron");

    // First session: the decision is begun, then the program is killed while typing.
    {
        let tmux = Tmux::start(&sandbox, &open_command_on(&repo, "2026-12-02", ""), 100, 30);
        tmux.wait_for("Agenda of the meeting on 2026-12-02");
        tmux.send(&["e"]);
        tmux.wait_for(" Fields ");
        tmux.to_outcome();
        tmux.wait_for("Space or Enter chooses");
        tmux.send(&["Enter", "Space"]);
        tmux.wait_for("◉ Awarded");
        // Escape must be read before the next key, or the two arrive as Alt and the key.
        tmux.send(&["Escape"]);
        tmux.wait_for("Enter edit");
        tmux.send(&["G", "k", "k", "k", "Enter"]);
        tmux.wait_for("Feedback to the school");
        tmux.type_text("The setting knows its children well");
        tmux.wait_for("knows its children well");
        wait_for_file(&draft, "knows its children well");
        let shell = tmux.display("#{pane_pid}");
        let status = Command::new("pkill")
            .args(["-KILL", "-P", &shell])
            .status()
            .unwrap();
        assert!(status.success(), "the program was running");
        tmux.wait_for("EXIT=137");
    }
    assert_eq!(
        std::fs::read_dir(repo.join("decisions/little-acorns-nursery"))
            .map(|d| d.count())
            .unwrap_or(0),
        0,
        "nothing was recorded"
    );

    // Second session: the draft is offered back, finished and recorded.
    let tmux = Tmux::start(&sandbox, &open_command_on(&repo, "2026-12-02", ""), 100, 30);
    tmux.wait_for("✎ 1 draft(s) not recorded");
    tmux.send(&["e"]);
    let screen = tmux.wait_for("A draft of this decision");
    assert!(screen.contains("outcome: Awarded"), "{screen}");
    tmux.send(&["r"]);
    tmux.wait_for("✓ Outcome");
    tmux.send(&["G", "k", "k", "k", "Enter"]);
    tmux.wait_for("knows its children well");
    tmux.type_text(" and plans for them carefully.");
    tmux.wait_for("carefully.");
    tmux.send(&["Escape"]);
    tmux.wait_for("Enter edit");
    tmux.send(&["G"]);
    tmux.wait_for("Ready to record");
    tmux.send(&["Enter", "Enter"]);
    tmux.wait_for("Record the decision now?");
    tmux.send(&["y"]);
    tmux.wait_for("✓ Recorded in commit");
    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");

    let log = sandbox.git(&repo, &["log", "-1", "-p", "--format=%s%n%an"]);
    let log = String::from_utf8(log.stdout).unwrap();
    assert!(
        log.starts_with(
            "Decision: little-acorns-nursery 2026-27 initial: awarded\nRosalind Adeyemi\n"
        ),
        "{log}"
    );
    assert!(
        log.contains("+++ b/decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron"),
        "{log}"
    );
    assert!(
        log.contains("The setting knows its children well and plans for them carefully."),
        "{log}"
    );
    assert!(!draft.exists(), "the draft is removed once recorded");
}

#[test]
fn the_history_and_the_minutes_are_reached_from_the_agenda() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let exports = sandbox.path("exports");
    let timings = sandbox.path("timings.json");
    let tmux = Tmux::start(
        &sandbox,
        &format!(
            "env KITEMARK_EXPORT_DIR='{}' KITEMARK_TIMINGS='{}' {}",
            exports.display(),
            timings.display(),
            open_command(&repo, "")
        ),
        100,
        30,
    );
    tmux.wait_for("Agenda of the meeting on 2026-12-02");
    // Riverside's annual review, then the school's history.
    tmux.send(&["j", "j", "H"]);
    let screen = tmux.wait_for("Commits, newest first");
    assert!(
        screen.contains("Riverside Academy (riverside-academy)"),
        "{screen}"
    );
    let screen = tmux.wait_for("✓ audit clean");
    assert!(
        screen.contains("Submission: riverside-academy 2026-27"),
        "{screen}"
    );
    // The oldest commit, read as it was.
    tmux.send(&["G", "Enter"]);
    tmux.wait_for("Author Caroline Osei");
    tmux.wait_for("action-plan.ron as committed");
    // Back to the agenda (Escape on its own), and the meeting's minutes saved.
    tmux.send(&["Escape"]);
    tmux.wait_for("Enter open");
    tmux.send(&["Escape"]);
    tmux.wait_for("Agenda of the meeting on 2026-12-02");
    tmux.send(&["p"]);
    let screen = tmux.wait_for("✓ Saved");
    let file = exports.join("minutes-2026-12-02.md");
    assert!(screen.contains("minutes-2026-12-02.md"), "{screen}");
    let minutes = std::fs::read_to_string(&file).unwrap();
    assert!(minutes.contains("## Minutes of the panel meeting of 2 December 2026"));
    // A second export never replaces the first.
    tmux.send(&["p"]);
    tmux.wait_for("minutes-2026-12-02-2.md");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), minutes);
    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");
    // Timed from the key that opened the History view: its school's own records, then the
    // whole audit, never before them.
    let timings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&timings).unwrap()).unwrap();
    let own = timings["history_frame_ms"].as_f64();
    let whole = timings["history_audit_ms"].as_f64();
    assert!(
        own.zip(whole).is_some_and(|(own, whole)| own <= whole),
        "{timings}"
    );
}

#[test]
fn a_workbook_dropped_in_the_inbox_appears_is_corrected_and_submitted() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let inbox = sandbox.path("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let config = sandbox.path("home/.config/kitemark/config.ron");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        format!(
            "(\n    inbox: \"{}\",\n    member: \"t-whitlock\",\n)\n",
            inbox.display()
        ),
    )
    .unwrap();
    let tmux = Tmux::start_on(
        "kitemark-test-inbox".to_owned(),
        &sandbox,
        &open_command(&repo, ""),
        120,
        40,
    );
    tmux.wait_for("Agenda of the meeting on 2026-12-02");
    tmux.send(&["i"]);
    tmux.wait_for("No workbooks in");

    // A workbook with a mistake appears by itself, with its problem by sheet and cell.
    let dropped = inbox.join("Meadowbank submission.xlsx");
    sandbox.filled_workbook(
        &repo,
        "meadowbank-infant",
        "2026-27",
        &dropped,
        &["--mistake"],
    );
    let screen = tmux.wait_for("1 problem");
    assert!(screen.contains("Meadowbank submission.xlsx"), "{screen}");
    tmux.wait_for("Self-review!D4: \"Outstanding\" is not on the self-assessment scale");
    // Submitting it is refused.
    tmux.send(&["a"]);
    tmux.wait_for("has problems: the school must correct them");

    // The school's corrected workbook replaces it: ready.
    sandbox.filled_workbook(&repo, "meadowbank-infant", "2026-27", &dropped, &[]);
    let screen = tmux.wait_until("the corrected workbook to be ready", |s| {
        s.contains(" ready ") && !s.contains("1 problem")
    });
    assert!(screen.contains("Rachel Pemberton"), "{screen}");

    // Submitted, entered by the administrator the config names.
    tmux.send(&["a"]);
    tmux.wait_for("▶ Tom Whitlock (t-whitlock)");
    tmux.send(&["y"]);
    let screen = tmux.wait_for("✓ Submitted meadowbank-infant 2026-27 in commit");
    assert!(
        screen.contains("now in submitted/Meadowbank submission.xlsx"),
        "{screen}"
    );
    tmux.wait_for("No workbooks in");
    assert!(!dropped.exists());
    assert!(inbox.join("submitted/Meadowbank submission.xlsx").exists());
    let log = sandbox.git_text(&repo, &["log", "-1", "--format=%an%n%B"]);
    assert!(
        log.starts_with("Rachel Pemberton\nSubmission: meadowbank-infant 2026-27"),
        "{log}"
    );
    assert!(log.lines().any(|l| l == "Entered-By: t-whitlock"), "{log}");

    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");
}

/// A web server on 127.0.0.1 that asks every request for a password and accepts none, as a
/// panel's remote over https does before credentials are given. Stopped when dropped.
struct PasswordServer {
    child: std::process::Child,
    port: u16,
}

impl PasswordServer {
    fn start() -> PasswordServer {
        use std::io::BufRead;
        let script = r#"
import http.server
class Ask(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="panel"')
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_POST = do_GET
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Ask)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;
        let mut child = Command::new("python3")
            .args(["-c", script])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the server says its port");
        PasswordServer { child, port }
    }
}

impl Drop for PasswordServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_remote_that_needs_credentials_lets_git_ask_in_the_terminal_and_the_interface_comes_back() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let server = PasswordServer::start();
    let url = format!("http://127.0.0.1:{}/panel.git", server.port);
    sandbox.git(&repo, &["remote", "add", "origin", &url]);
    let tmux = Tmux::start(&sandbox, &open_command(&repo, ""), 100, 30);
    // The fetch on opening cannot ask: the header says offline.
    tmux.wait_for("origin · offline");
    tmux.send(&["U"]);
    tmux.wait_for("The remote needs credentials.");
    tmux.wait_for("Enter: let git ask in this terminal");
    // Enter: the interface steps aside and git asks in the terminal itself.
    tmux.send(&["Enter"]);
    // git's own question, at the start of a line of the plain terminal.
    tmux.wait_until("git to ask for a user name", |s| {
        s.lines().any(|l| l.starts_with("Username for"))
    });
    tmux.type_text("someone");
    tmux.send(&["Enter"]);
    tmux.wait_for("Password for");
    tmux.type_text("not-the-password");
    tmux.send(&["Enter"]);
    tmux.wait_for("Press Enter to return to kitemark.");
    tmux.send(&["Enter"]);
    // The interface is drawn again, whole; the password was wrong, so it offers again.
    let screen = tmux.wait_for("1 Agenda");
    assert!(!screen.contains("Press Enter to return"), "{screen}");
    let screen = tmux.wait_for("Authentication failed");
    assert!(screen.contains("The remote needs credentials."), "{screen}");
    tmux.send(&["Escape"]);
    tmux.wait_for("Not now: U syncs when you are ready.");
    // Its keys work.
    tmux.send(&["2"]);
    tmux.wait_for("Schools (");
    tmux.send(&["q"]);
    tmux.wait_for("EXIT=0");
}
