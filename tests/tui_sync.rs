//! The interface sharing a panel with a real remote: a `git daemon` on 127.0.0.1 serving a
//! bare copy of the demo, one clone open in the interface and another recording on the
//! command line and pushing. The interface fetches, says what arrived, syncs with its key and
//! shows the decision that came in; with the server gone it says "offline" and goes on
//! working.

mod common;

use common::tmux::field_rows;

use std::path::{Path, PathBuf};

use common::server::GitServer;
use common::tui::{Harness, MEETING_DAY, options};
use common::{Attendance, Sandbox, assert_exit, items};
use kitemark::tui::app::{AppEvent, Options};
use kitemark::tui::config::{PushAfterRecord, RemoteSettings};

/// The git program the engine runs inherits this process's environment: it is made the
/// sandbox's (no user or system config), once, before any thread of the test starts git.
fn hermetic_process(sandbox: &Sandbox) {
    let home = sandbox.path("home");
    std::fs::create_dir_all(&home).unwrap();
    for var in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_CONFIG",
        "XDG_CONFIG_DIRS",
    ] {
        // SAFETY: this binary has one test, which calls this before it starts any thread.
        unsafe { std::env::remove_var(var) };
    }
    for (var, value) in [
        ("HOME", home.to_str().unwrap()),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
    ] {
        // SAFETY: as above.
        unsafe { std::env::set_var(var, value) };
    }
    common::hermetic_git2();
}

/// A served demo (with its meeting's attendance, as the interface's decision tests have it,
/// and kitemark's hook) and two clones of it, each holding the demo members' signing keys as the demo does (kept
/// in the git directory, so a clone does not bring them).
fn shared(sandbox: &Sandbox) -> (GitServer, PathBuf, PathBuf, PathBuf) {
    let demo = sandbox.demo_with_attendance(Attendance::Pinned);
    let root = sandbox.path("served");
    let bare = sandbox.bare_copy(&demo, &root, "panel.git");
    // The panel's rules enforced where it is served, as on a county's server.
    assert_exit(
        &sandbox.kitemark(&["hook", "install", bare.to_str().unwrap()]),
        0,
    );
    let server = GitServer::start(sandbox, bare.parent().unwrap());
    let url = server.url("panel.git");
    let (a, b) = sandbox.two_clones_with_keys(&demo, &url);
    (server, bare, a, b)
}

/// The decision on Little Acorns written in the form, as the decision form's tests write it.
/// Moves along the decision form's fields to the outcome, wherever the form opened.
fn to_outcome(ui: &mut Harness) {
    for _ in 0..20 {
        match field_rows(&ui.screen()) {
            (Some(selected), Some(outcome)) if selected == outcome => return,
            (Some(selected), Some(outcome)) if selected < outcome => ui.keys("j"),
            _ => ui.keys("k"),
        };
    }
    panic!("the outcome is not selected:\n{}", ui.screen());
}

fn fill_little_acorns(ui: &mut Harness) {
    ui.keys("e");
    assert!(ui.screen().contains("Little Acorns Day Nursery 2026-27"));
    to_outcome(ui);
    ui.keys("<Enter> <Tab><Tab><Tab> ");
    ui.keys("<Tab>");
    ui.type_text("Leadership is visible and well resourced.");
    ui.keys("<Esc>Gkkk<Enter>");
    ui.type_text("A warm, whole-setting approach.\nNext: involve parents in the plan.");
    ui.keys("<Esc>G");
}

fn open(repo: &Path, push_after_record: PushAfterRecord) -> Harness {
    let options = Options {
        colour: false,
        today: MEETING_DAY,
        remote: RemoteSettings {
            push_after_record,
            ..RemoteSettings::default()
        },
        ..options()
    };
    let mut ui = Harness::with_options(repo, options, 120, 40);
    ui.settle();
    ui
}

fn status_line(ui: &mut Harness) -> String {
    ui.screen().lines().last().unwrap_or_default().to_owned()
}

fn header_line(ui: &mut Harness) -> String {
    ui.screen().lines().next().unwrap_or_default().to_owned()
}

#[test]
fn the_interface_pushes_fetches_syncs_and_goes_on_working_offline() {
    let sandbox = Sandbox::new();
    hermetic_process(&sandbox);
    let (mut server, bare, a, b) = shared(&sandbox);

    // Opening reads the remote state and fetches once at once.
    let mut ui = open(&a, PushAfterRecord::Ask);
    let header = header_line(&mut ui);
    assert!(
        header.contains("origin ↑0 ↓0 · fetched just now"),
        "{header}"
    );

    // A decision recorded here: the interface asks, and pushes.
    fill_little_acorns(&mut ui);
    ui.wait_until("the decision can be recorded", |ui| {
        ui.screen().contains("Ready to record")
    });
    ui.keys("<Enter><Enter>");
    ui.keys("y");
    let status = status_line(&mut ui);
    assert!(
        status.contains("Push to origin now? y/n · ✓ Recorded"),
        "{status}"
    );
    assert!(header_line(&mut ui).contains("origin ↑1 ↓0"));
    ui.keys("y");
    let status = status_line(&mut ui);
    assert!(
        status.contains("✓ Pushed 1 to origin · ✓ Recorded"),
        "{status}"
    );
    assert!(header_line(&mut ui).contains("origin ↑0 ↓0"));
    let served = sandbox.git_text(&bare, &["log", "-1", "--format=%s", "main"]);
    assert!(
        served.starts_with("Decision: little-acorns-nursery 2026-27"),
        "{served}"
    );
    ui.keys("1");
    let screen = ui.screen();
    let north_vale = screen
        .lines()
        .find(|l| l.contains("North Vale"))
        .unwrap()
        .to_owned();
    assert!(north_vale.contains("to decide"), "{north_vale}");

    // Another member decides on the other clone and pushes.
    sandbox.git(&b, &["pull", "-q", "--ff-only"]);
    let out = sandbox
        .decide_command(&b, &items::NORTH_VALE, &["--recorder", "t-whitlock"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
    sandbox.git(&b, &["push", "-q", "origin", "main"]);

    // The next fetch in the background says what arrived; the branch stays where it was.
    ui.app.handle(AppEvent::FetchDue);
    ui.settle();
    let status = status_line(&mut ui);
    assert!(
        status.contains("1 new on origin: Decision: north-vale-esc 2026-27"),
        "{status}"
    );
    let header = header_line(&mut ui);
    assert!(header.contains("origin ↑0 ↓1"), "{header}");
    assert!(ui.screen().contains("to decide"));

    // The sync key brings it in: the header is even with the remote and the agenda shows
    // the decision.
    ui.keys("U");
    ui.settle();
    let status = status_line(&mut ui);
    assert!(status.contains("✓ origin: pulled 1"), "{status}");
    let header = header_line(&mut ui);
    assert!(header.contains("origin ↑0 ↓0"), "{header}");
    let screen = ui.screen();
    let north_vale = screen
        .lines()
        .find(|l| l.contains("North Vale"))
        .unwrap()
        .to_owned();
    assert!(!north_vale.contains("to decide"), "{screen}");

    // The server goes away mid-meeting: the sync says offline, and why.
    server.stop();
    ui.keys("U");
    ui.settle();
    let header = header_line(&mut ui);
    assert!(header.contains("origin · offline"), "{header}");
    let status = status_line(&mut ui);
    assert!(status.contains("✗ origin is offline"), "{status}");
    // A background fetch while offline changes nothing.
    ui.app.handle(AppEvent::FetchDue);
    ui.settle();
    assert!(header_line(&mut ui).contains("origin · offline"));

    // Everything else keeps working: a submission opens.
    ui.keys("2<Enter>");
    let screen = ui.screen();
    assert!(screen.contains("▸3 "), "{screen}");
    assert!(header_line(&mut ui).contains("origin · offline"));
}
