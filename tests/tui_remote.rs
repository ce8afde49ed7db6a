//! The interface's account of the remote: the header's counts, "offline" and "sync stopped",
//! the notices of what arrived and what a sync did, the account of a sync stopped by a
//! conflict and the prompt for credentials. The remote's state and the network's answers are
//! handed to the app as events, as its network thread hands them, so that every state is
//! drawn without a network; `tui_sync.rs` runs the same with a real server.

mod common;

use common::shared_demo;
use common::tui::{Harness, options};
use kitemark::model::ObjectId;
use kitemark::record::sync::{
    CommitNote, Conflict, ConflictFile, Fetched, RemoteState, Resolution, Synced,
};
use kitemark::tui::app::{AppEvent, Options};
use kitemark::tui::config::RemoteSettings;
use kitemark::tui::loader::{NetAnswer, NetJob, SyncProblem};
use kitemark::tui::theme::ThemeKind;

/// The clock of these tests: the demo's day, at ten in the morning.
fn now() -> jiff::Timestamp {
    "2026-11-22T10:00:00Z".parse().unwrap()
}

fn minutes_ago(minutes: i64) -> jiff::Timestamp {
    now()
        .checked_sub(jiff::SignedDuration::from_mins(minutes))
        .unwrap()
}

/// The demo on the test clock, with no background fetch: the network's answers are the
/// test's.
fn remote_options(theme: ThemeKind, colour: bool) -> Options {
    Options {
        theme,
        colour,
        now: Some(now()),
        remote: RemoteSettings {
            fetch_every: None,
            ..RemoteSettings::default()
        },
        ..options()
    }
}

fn ui_with(width: u16, height: u16, theme: ThemeKind, colour: bool) -> Harness {
    let mut ui = Harness::with_options(shared_demo(), remote_options(theme, colour), width, height);
    ui.settle();
    ui
}

fn ui(width: u16, height: u16) -> Harness {
    ui_with(width, height, ThemeKind::Default, true)
}

/// Hands the app an answer of the network, as its network thread would.
fn tell(ui: &mut Harness, answer: NetAnswer) {
    ui.app.handle(AppEvent::from(answer));
    ui.settle();
}

fn state(ahead: usize, behind: usize, fetched: Option<i64>) -> RemoteState {
    RemoteState {
        remote: "origin".into(),
        ahead,
        behind,
        fetched: fetched.map(minutes_ago),
        offline: None,
        unfinished: None,
    }
}

fn id(hex: char) -> ObjectId {
    std::iter::repeat_n(hex, 40)
        .collect::<String>()
        .parse()
        .unwrap()
}

fn note(hex: char, author: &str, summary: &str) -> CommitNote {
    CommitNote {
        id: id(hex),
        author: author.into(),
        summary: summary.into(),
    }
}

fn conflict() -> Conflict {
    Conflict {
        kept_on: "kitemark/unsynced/2026-11-22-1000".into(),
        files: vec![ConflictFile {
            path: "decisions/riverside-academy/2026-27/annual-review.ron".into(),
            ours: note(
                'a',
                "Rosalind Adeyemi",
                "Decision: riverside-academy 2026-27 annual-review: awarded",
            ),
            theirs: note(
                'b',
                "Aisha Patel",
                "Decision: riverside-academy 2026-27 annual-review: deferred",
            ),
        }],
    }
}

/// The header's three lines and the status line.
fn header(ui: &mut Harness) -> String {
    let screen = ui.screen();
    let lines: Vec<&str> = screen.lines().collect();
    let mut shown = lines[..3].join("\n");
    shown.push_str("\n…\n");
    shown.push_str(lines[lines.len() - 1]);
    shown
}

/// Draws a state at 80 and 120 columns, in both themes and without colour: the words are the
/// same in each (nothing is said by colour alone), and are the snapshot.
fn each_width(name: &str, set: impl Fn(&mut Harness)) {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut shown = Vec::new();
        for (theme, colour) in [
            (ThemeKind::Default, true),
            (ThemeKind::HighContrast, true),
            (ThemeKind::Default, false),
        ] {
            let mut ui = ui_with(w, h, theme, colour);
            set(&mut ui);
            shown.push(header(&mut ui));
        }
        assert_eq!(shown[0], shown[1], "the themes say the same");
        assert_eq!(shown[0], shown[2], "without colour it says the same");
        insta::assert_snapshot!(format!("header_{name}_{w}"), shown[0]);
    }
}

#[test]
fn the_header_counts_what_to_push_and_pull_and_when_it_was_fetched() {
    each_width("counts", |ui| {
        tell(ui, NetAnswer::State(Ok(Some(state(2, 0, Some(3))))));
    });
    each_width("never_fetched", |ui| {
        tell(ui, NetAnswer::State(Ok(Some(state(1, 0, None)))));
    });
}

#[test]
fn a_fetch_says_what_arrived_and_the_header_counts_it() {
    each_width("arrived", |ui| {
        tell(ui, NetAnswer::State(Ok(Some(state(0, 0, Some(6))))));
        let arrived = vec![
            note(
                'c',
                "A. Patel",
                "Decision: brookside-primary 2025-26 annual-review: awarded",
            ),
            note(
                'd',
                "R. Adeyemi",
                "Meeting: 2026-12-02 attendance and agenda",
            ),
        ];
        tell(ui, NetAnswer::Fetched(Ok(Fetched { arrived })));
        // The engine's state after the fetch, as local refs now have it.
        tell(ui, NetAnswer::State(Ok(Some(state(0, 2, Some(0))))));
    });
}

#[test]
fn offline_is_said_in_the_header_and_why_in_a_notice() {
    each_width("offline", |ui| {
        tell(ui, NetAnswer::State(Ok(Some(state(1, 0, Some(42))))));
        tell(
            ui,
            NetAnswer::Fetched(Err(SyncProblem::Offline(
                "could not connect to 127.0.0.1: connection refused".into(),
            ))),
        );
    });
}

#[test]
fn a_sync_under_way_and_what_it_did() {
    let mut ui = ui(80, 24);
    tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 2, Some(4))))));
    // The sync key: the header says it is under way until the answer is handled.
    ui.keys_without_waiting("U");
    let under_way = header(&mut ui);
    assert!(under_way.contains("origin · syncing…"), "{under_way}");
    assert!(under_way.contains("Syncing with the remote"), "{under_way}");
    ui.settle();
    tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 2, Some(4))))));
    let synced = Synced {
        pulled: vec![
            note('c', "A. Patel", "Decision: brookside-primary 2025-26"),
            note('d', "R. Adeyemi", "Meeting: 2026-12-02"),
        ],
        replayed: vec![note('e', "T. Whitlock", "Condition met: oakfield")],
        pushed: vec![note('e', "T. Whitlock", "Condition met: oakfield")],
        notes: vec!["the replayed commit is not signed: sign it again with git".into()],
    };
    tell(&mut ui, NetAnswer::Done(NetJob::Sync, Ok(synced)));
    let screen = ui.screen();
    assert!(
        screen.contains("✓ origin: pulled 2 · pushed 1 · replayed 1 · the replayed"),
        "{screen}"
    );
    ui.keys("1");
    tell(&mut ui, NetAnswer::State(Ok(Some(state(0, 0, Some(0))))));
    tell(
        &mut ui,
        NetAnswer::Done(NetJob::Sync, Ok(Synced::default())),
    );
    let screen = ui.screen();
    assert!(screen.contains("✓ origin: up to date"), "{screen}");
}

#[test]
fn a_push_refused_because_the_remote_moved_asks_for_a_sync() {
    let mut ui = ui(120, 40);
    tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 0, Some(1))))));
    tell(
        &mut ui,
        NetAnswer::Done(
            NetJob::Push,
            Err(SyncProblem::Rejected(
                "! [rejected] main -> main (fetch first)".into(),
            )),
        ),
    );
    let screen = ui.screen();
    assert!(
        screen.contains("✗ origin has new commits: press U to sync"),
        "{screen}"
    );
    tell(
        &mut ui,
        NetAnswer::Done(
            NetJob::Sync,
            Err(SyncProblem::Rejected(
                "pre-receive hook declined: unsigned commit".into(),
            )),
        ),
    );
    let screen = ui.screen();
    assert!(
        screen.contains("✗ origin refused: pre-receive hook declined: unsigned commit"),
        "{screen}"
    );
}

#[test]
fn a_conflict_shows_its_account_and_later_leaves_the_sync_stopped() {
    for (w, h) in [(80, 24), (120, 40)] {
        let mut ui = ui(w, h);
        tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 1, Some(0))))));
        tell(
            &mut ui,
            NetAnswer::Done(NetJob::Sync, Err(SyncProblem::Conflict(conflict()))),
        );
        // The engine's state, which keeps the sync as unfinished.
        let stopped = RemoteState {
            unfinished: Some(conflict()),
            ..state(1, 1, Some(0))
        };
        tell(&mut ui, NetAnswer::State(Ok(Some(stopped))));
        insta::assert_snapshot!(format!("conflict_{w}x{h}"), ui.screen());
    }
    let mut ui = ui(80, 24);
    tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 1, Some(0))))));
    tell(
        &mut ui,
        NetAnswer::Done(NetJob::Sync, Err(SyncProblem::Conflict(conflict()))),
    );
    // Later: the account closes; the engine keeps the sync as unfinished.
    ui.keys("<Esc>");
    let stopped = RemoteState {
        unfinished: Some(conflict()),
        ..state(1, 1, Some(0))
    };
    tell(&mut ui, NetAnswer::State(Ok(Some(stopped.clone()))));
    let screen = ui.screen();
    assert!(!screen.contains("Sync stopped ─"), "{screen}");
    assert!(
        screen.contains("! The sync stays stopped until it is finished: U shows the account again"),
        "{screen}"
    );
    each_width("stopped", |ui| {
        tell(ui, NetAnswer::State(Ok(Some(stopped.clone()))));
    });
    // The sync key shows the account again rather than syncing.
    ui.keys("U");
    let screen = ui.screen();
    assert!(screen.contains("take theirs"), "{screen}");
    assert!(!screen.contains("syncing…"), "{screen}");
}

#[test]
fn the_credentials_prompt() {
    let mut ui = ui(80, 24);
    tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 0, Some(8))))));
    tell(
        &mut ui,
        NetAnswer::Done(
            NetJob::Sync,
            Err(SyncProblem::NeedsCredentials(
                "fatal: could not read Username for 'https://git.example.org': terminal prompts disabled".into(),
            )),
        ),
    );
    insta::assert_snapshot!("credentials_80x24", ui.screen());
    // While the person is asked, the job holds the network: a timer tick starts no fetch
    // beside it.
    ui.app.handle(AppEvent::FetchDue);
    assert!(!ui.app.is_loading(), "no fetch was started");
    // Enter hands the job to the event loop, which suspends the interface to run it.
    ui.keys("<Enter>");
    assert_eq!(ui.app.take_suspend(), Some(NetJob::Sync));
    assert!(!ui.screen().contains("The remote needs credentials"));
    // Esc puts it off.
    tell(
        &mut ui,
        NetAnswer::Done(
            NetJob::Finish(Resolution::Mine),
            Err(SyncProblem::NeedsCredentials("password needed".into())),
        ),
    );
    ui.keys("<Esc>");
    assert_eq!(ui.app.take_suspend(), None);
    let screen = ui.screen();
    assert!(
        screen.contains("Not now: U syncs when you are ready."),
        "{screen}"
    );
}

#[test]
fn without_a_remote_the_header_says_nothing_of_one() {
    let mut ui = ui(120, 40);
    tell(&mut ui, NetAnswer::State(Ok(Some(state(0, 0, Some(1))))));
    assert!(ui.screen().contains("origin ↑0 ↓0"));
    tell(&mut ui, NetAnswer::State(Ok(None)));
    let screen = ui.screen();
    assert!(!screen.contains("origin"), "{screen}");
}

#[test]
fn take_theirs_and_keep_mine_finish_the_sync_on_the_worker() {
    for (key, how) in [("t", "Theirs"), ("m", "Mine")] {
        let mut ui = ui(80, 24);
        tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 1, Some(0))))));
        tell(
            &mut ui,
            NetAnswer::Done(NetJob::Sync, Err(SyncProblem::Conflict(conflict()))),
        );
        assert!(ui.screen().contains("! Sync stopped"));
        let stopped = RemoteState {
            unfinished: Some(conflict()),
            ..state(1, 1, Some(0))
        };
        tell(&mut ui, NetAnswer::State(Ok(Some(stopped))));
        // The answer is not handled yet: the account has closed and the finish is under way.
        ui.keys_without_waiting(key);
        let screen = ui.screen();
        assert!(!screen.contains("! Sync stopped"), "{how}: {screen}");
        assert!(screen.contains("origin · syncing…"), "{how}: {screen}");
        assert!(screen.contains("Finishing the sync…"), "{how}: {screen}");
        ui.settle();
        // What the engine did, as the worker hands it back.
        tell(&mut ui, NetAnswer::State(Ok(Some(state(1, 1, Some(0))))));
        let finished = Synced {
            pulled: vec![note('b', "Aisha Patel", "Decision: riverside-academy")],
            pushed: vec![note('f', "Rosalind Adeyemi", "Decision: riverside-academy")],
            ..Synced::default()
        };
        let job = NetJob::Finish(if how == "Theirs" {
            Resolution::Theirs
        } else {
            Resolution::Mine
        });
        tell(&mut ui, NetAnswer::Done(job, Ok(finished)));
        let screen = ui.screen();
        assert!(screen.contains("✓ origin: pulled 1 · pushed 1"), "{screen}");
    }
}

#[test]
fn a_fetch_is_not_started_while_one_runs() {
    let mut ui = ui(80, 24);
    tell(&mut ui, NetAnswer::State(Ok(Some(state(0, 0, Some(5))))));
    // Two timer ticks before the first fetch has answered: one fetch.
    ui.app.handle(AppEvent::FetchDue);
    ui.app.handle(AppEvent::FetchDue);
    let mut fetches = 0;
    while ui.app.is_loading() {
        let event = ui
            .events
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the network thread answers");
        if matches!(&event, AppEvent::Network(answer) if matches!(**answer, NetAnswer::Fetched(_)))
        {
            fetches += 1;
        }
        ui.app.handle(event);
    }
    assert_eq!(fetches, 1);
    // Without a remote there is nothing to fetch.
    tell(&mut ui, NetAnswer::State(Ok(None)));
    ui.app.handle(AppEvent::FetchDue);
    assert!(!ui.app.is_loading());
}

#[test]
fn text_from_the_remote_is_inert_in_the_notices_and_the_account() {
    let mut ui = ui(120, 40);
    tell(&mut ui, NetAnswer::State(Ok(Some(state(0, 0, Some(1))))));
    let hostile = note('c', "Eve\u{1b}]52;c;aGk=\u{7}", "Decision: \u{1b}[2Jgone");
    tell(
        &mut ui,
        NetAnswer::Fetched(Ok(Fetched {
            arrived: vec![hostile.clone()],
        })),
    );
    let screen = ui.screen();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("␛[2Jgone"), "{screen}");
    let mut conflict = conflict();
    conflict.files[0].path = "decisions/\u{1b}[31mred.ron".into();
    conflict.files[0].theirs = hostile;
    tell(
        &mut ui,
        NetAnswer::Done(NetJob::Sync, Err(SyncProblem::Conflict(conflict))),
    );
    let screen = ui.screen();
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(screen.contains("decisions/␛[31mred.ron"), "{screen}");
}
