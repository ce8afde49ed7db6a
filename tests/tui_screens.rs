//! The interface's screens, drawn on a test backend after synthetic key and mouse events, at
//! 80×24 and 160×48, in both themes. The app reads the real demo repository through its real
//! background loader; the tests wait for the loader before drawing, so the screens are
//! deterministic.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::tui::{Harness, find, options};
use common::{Sandbox, shared_demo};
use kitemark::tui::app::{AppEvent, Options};
use kitemark::tui::loader::Response;
use kitemark::tui::theme::ThemeKind;
use kitemark::tui::view::Audited;
use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseEvent, MouseEventKind,
};
use ratatui::style::Color;

fn demo_ui(width: u16, height: u16, theme: ThemeKind) -> Harness {
    Harness::open(shared_demo(), width, height, theme, true)
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const THEMES: [ThemeKind; 2] = [ThemeKind::Default, ThemeKind::HighContrast];

#[test]
fn agenda_screen() {
    for (w, h) in SIZES {
        for theme in THEMES {
            let mut ui = demo_ui(w, h, theme);
            // The third item (Riverside's annual review) selected, to show its details.
            ui.keys("jj");
            insta::assert_snapshot!(format!("agenda_{w}x{h}_{}", theme.name()), ui.screen());
        }
    }
}

#[test]
fn schools_screen() {
    for (w, h) in SIZES {
        for theme in THEMES {
            let mut ui = demo_ui(w, h, theme);
            ui.keys("2G");
            insta::assert_snapshot!(format!("schools_{w}x{h}_{}", theme.name()), ui.screen());
        }
    }
}

#[test]
fn history_screen() {
    for (w, h) in SIZES {
        let mut ui = demo_ui(w, h, ThemeKind::Default);
        // North Vale, from the schools tab: its history, newest first.
        ui.keys("2jjjjjjjjjH");
        let screen = ui.screen();
        assert!(screen.contains("North Vale"), "{screen}");
        insta::assert_snapshot!(format!("history_{w}x{h}"), screen);
        // Its first commit, the detail scrolled down to the file as it was then.
        ui.keys("G<Enter>");
        let mut screen = ui.screen();
        for _ in 0..40 {
            if screen.contains("as committed") {
                break;
            }
            ui.keys("j");
            screen = ui.screen();
        }
        assert!(screen.contains("as committed"), "{screen}");
        insta::assert_snapshot!(format!("history_detail_{w}x{h}"), screen);
    }
}

#[test]
fn history_shows_a_changed_file_as_what_changed() {
    let mut ui = demo_ui(120, 40, ThemeKind::Default);
    // Kingsmead, from the schools tab: its resubmission changed both of its files.
    ui.keys("2jjjjjjH");
    let mut screen = ui.screen();
    // The detail pane's summary line (the list is focused, so the pane's border is light).
    let detail = "│Resubmission: kingsmead-sixth-form 2026-27";
    for _ in 0..6 {
        if screen.contains(detail) {
            break;
        }
        ui.keys("j");
        screen = ui.screen();
    }
    assert!(screen.contains(detail), "{screen}");
    ui.keys("<Enter>");
    let mut seen = String::new();
    for _ in 0..60 {
        seen.push_str(&ui.screen());
        ui.keys("<PageDown>");
    }
    assert!(
        seen.contains("action-plan.ron changed by this commit"),
        "{seen}"
    );
    assert!(
        seen.contains("self-review.ron changed by this commit"),
        "{seen}"
    );
    // As the comparison shows it: the summary, and changed words marked.
    assert!(seen.contains(" carried · "), "{seen}");
    assert!(seen.contains("{+") || seen.contains("[-"), "{seen}");
    assert!(!seen.contains("action-plan.ron as committed"), "{seen}");
}

#[test]
fn history_shows_audit_findings_beside_their_commits() {
    let sandbox = Sandbox::new();
    let repo = demo_with_an_edited_decision(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("2jjjjjjjjjH");
    let screen = ui.screen();
    // The edit, by someone outside the panel, carries git's fixed test date, before the
    // demo's last commit: three findings.
    assert!(screen.contains("✗ 3 audit finding(s)"), "{screen}");
    insta::assert_snapshot!("history_with_findings_100x30", screen);
}

/// The demo with North Vale's first decision edited in place, by someone who is not on the
/// panel: three audit findings in North Vale's history.
fn demo_with_an_edited_decision(sandbox: &Sandbox) -> PathBuf {
    common::hermetic_git2();
    let repo = sandbox.demo();
    let path = "decisions/north-vale-esc/2024-25/2024-11-27-initial.ron";
    let text = std::fs::read_to_string(repo.join(path)).unwrap().replace(
        "outcome: \"awarded\"",
        "outcome: \"awarded-with-conditions\"",
    );
    std::fs::write(repo.join(path), text).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Change the outcome"]);
    repo
}

/// Whether an event is the History view's answer with the whole history's audit.
fn is_whole_audit(event: &AppEvent) -> bool {
    matches!(event, AppEvent::Loaded(loaded)
        if matches!(&loaded.response, Response::History(Ok(view)) if view.audited == Audited::Whole))
}

/// Handles the loader's answers, holding back those with the whole history's audit, until
/// one is held and the selected commit's files have been read; returns those held.
fn hold_whole_audit(ui: &mut Harness) -> Vec<AppEvent> {
    let mut held = Vec::new();
    let mut files_read = false;
    let deadline = Instant::now() + Duration::from_secs(20);
    while held.is_empty() || !files_read {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out waiting for the History view's answers"
        );
        let Ok(event) = ui.events.recv_timeout(left) else {
            continue;
        };
        if is_whole_audit(&event) {
            held.push(event);
            continue;
        }
        files_read |= matches!(&event, AppEvent::Loaded(loaded)
            if matches!(loaded.response, Response::CommitFiles(_)));
        ui.app.handle(event);
    }
    held
}

#[test]
fn history_opens_on_the_schools_own_records_while_the_whole_history_is_audited() {
    let sandbox = Sandbox::new();
    let repo = demo_with_an_edited_decision(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys_without_waiting("2jjjjjjjjjH");
    let held = hold_whole_audit(&mut ui);
    // North Vale's commits, with the findings of its own records, said to be provisional:
    // no verdict yet.
    let screen = ui.screen();
    assert!(screen.contains("North Vale"), "{screen}");
    assert!(screen.contains("auditing the whole history…"), "{screen}");
    assert!(screen.contains("finding(s) so far"), "{screen}");
    assert!(!screen.contains("audit finding(s)"), "{screen}");
    assert!(!screen.contains("audit clean"), "{screen}");
    insta::assert_snapshot!("history_own_records_100x30", screen);
    // The whole audit arrives: the verdict replaces the provisional findings; the commit
    // selected and its files stay.
    for event in held {
        ui.app.handle(event);
    }
    ui.settle();
    let screen = ui.screen();
    assert!(screen.contains("✗ 3 audit finding(s)"), "{screen}");
    assert!(!screen.contains("auditing the whole history"), "{screen}");
    assert!(!screen.contains("Auditing the whole history"), "{screen}");
    insta::assert_snapshot!("history_whole_audit_100x30", screen);
}

#[test]
fn the_whole_audit_of_one_schools_history_never_lands_on_anothers() {
    let sandbox = Sandbox::new();
    let repo = demo_with_an_edited_decision(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys_without_waiting("2jjjjjjjjjH");
    let held = hold_whole_audit(&mut ui);
    assert!(ui.screen().contains("North Vale"));
    // The school above it, while North Vale's whole audit is still on its way.
    ui.keys_without_waiting("2kH");
    let waiting = ui.screen();
    assert!(waiting.contains("Reading the history of"), "{waiting}");
    for event in held {
        ui.app.handle(event);
    }
    let screen = ui.screen();
    assert_eq!(
        screen, waiting,
        "North Vale's audit was shown on another school's view"
    );
    ui.settle();
    let screen = ui.screen();
    assert!(!screen.contains("North Vale"), "{screen}");
    assert!(screen.contains("✓ audit clean"), "{screen}");
}

#[test]
fn submission_screen() {
    for (w, h) in SIZES {
        for theme in THEMES {
            let mut ui = demo_ui(w, h, theme);
            // Riverside's annual review, the suicide-awareness area, its text scrolled a little.
            ui.keys("jj<Enter>G<Tab>jj");
            insta::assert_snapshot!(format!("submission_{w}x{h}_{}", theme.name()), ui.screen());
        }
    }
}

#[test]
fn help_overlay() {
    for (w, h) in SIZES {
        for theme in THEMES {
            let mut ui = demo_ui(w, h, theme);
            ui.keys("?");
            insta::assert_snapshot!(format!("help_{w}x{h}_{}", theme.name()), ui.screen());
        }
    }
}

#[test]
fn too_small() {
    for theme in THEMES {
        let mut ui = demo_ui(79, 24, theme);
        insta::assert_snapshot!(format!("too_small_79x24_{}", theme.name()), ui.screen());
    }
    let mut ui = demo_ui(120, 23, ThemeKind::Default);
    let screen = ui.screen();
    assert!(
        screen.contains("Terminal too small") && screen.contains("this is 120×23"),
        "{screen}"
    );
}

#[test]
fn filter_sort_and_back() {
    let mut ui = demo_ui(80, 24, ThemeKind::Default);
    ui.keys("/river");
    let screen = ui.screen();
    assert!(screen.contains("filter \"river\": 2 of 10"), "{screen}");
    assert!(screen.contains("Filter: river"), "{screen}");
    ui.keys("<Enter>");
    assert!(
        ui.screen().contains(" j/k move"),
        "the footer shows hints again"
    );
    ui.keys("<Esc>");
    assert!(!ui.screen().contains("filter \""), "Esc clears the filter");

    // Sorting by school name puts Bramblefield first; reversing puts Thornbury first.
    ui.keys("ss");
    let screen = ui.screen();
    let first_row = |screen: &str| -> String {
        let mut lines = screen
            .lines()
            .skip_while(|l| !l.contains("School "))
            .skip(1);
        lines.next().unwrap_or_default().to_owned()
    };
    assert!(screen.contains("School ▲"), "{screen}");
    assert!(
        screen
            .lines()
            .find(|l| l.contains('▶'))
            .is_some_and(|l| l.contains("Riverside Acad") && l.contains("annual-review")),
        "the selected item stays selected when the order changes:\n{screen}"
    );
    // The list scrolls to keep the selection in view; the top of the list shows the first.
    ui.keys("g");
    let screen = ui.screen();
    assert!(first_row(&screen).contains("Bramblefield"), "{screen}");
    ui.keys("Sg");
    let screen = ui.screen();
    assert!(screen.contains("School ▼"), "{screen}");
    assert!(first_row(&screen).contains("Thornbury"), "{screen}");
}

#[test]
fn years_and_panes_of_a_submission() {
    let mut ui = demo_ui(160, 48, ThemeKind::Default);
    ui.keys("2");
    let screen = ui.screen();
    let (x, y) = find(&screen, "Oakfield Primary School");
    // Click once to select, again to open.
    ui.click(x, y).click(x, y);
    let screen = ui.screen();
    assert!(
        screen.contains("Oakfield Primary School · 2025-26"),
        "{screen}"
    );
    assert!(
        screen.contains("Years 2023-24 2024-25 [2025-26]"),
        "{screen}"
    );
    assert!(screen.contains("Panel judgement so far"), "{screen}");
    ui.keys("[");
    assert!(ui.screen().contains("Oakfield Primary School · 2024-25"));
    ui.keys("[[");
    let screen = ui.screen();
    assert!(screen.contains("Oakfield Primary School · 2023-24"));
    assert!(
        screen.contains("No other year in that direction."),
        "{screen}"
    );
    ui.keys("<Esc>");
    assert!(
        ui.screen().contains("Schools (14)"),
        "Esc goes back to where the submission was opened"
    );
    ui.keys("3");
    assert!(
        ui.screen().contains("Oakfield Primary School · 2023-24"),
        "the submission tab keeps it open"
    );
}

#[test]
fn themes_differ_in_colour_and_no_colour_means_none() {
    let selected_bg = |theme: ThemeKind| {
        let mut ui = demo_ui(80, 24, theme);
        let buffer = ui.buffer();
        let screen = ui.screen();
        let (x, y) = find(&screen, "▶");
        buffer[(x, y)].bg
    };
    assert_eq!(selected_bg(ThemeKind::Default), Color::Blue);
    assert_eq!(selected_bg(ThemeKind::HighContrast), Color::Yellow);

    for theme in THEMES {
        let mut ui = Harness::open(shared_demo(), 80, 24, theme, false);
        for keys in ["", "2", "1jj<Enter>", "?"] {
            ui.keys(keys);
            let buffer = ui.buffer();
            for cell in buffer.content() {
                assert!(
                    cell.fg == Color::Reset && cell.bg == Color::Reset,
                    "NO_COLOR yet {:?} has colour {:?}/{:?}",
                    cell.symbol(),
                    cell.fg,
                    cell.bg
                );
            }
        }
    }
}

#[test]
fn states_carry_symbols_not_only_colour() {
    let mut ui = demo_ui(160, 48, ThemeKind::Default);
    let screen = ui.screen();
    assert!(screen.contains("✓ 2/2"), "rules met show ✓:\n{screen}");
    assert!(screen.contains("⚠ 1"), "conflicts show ⚠");
    ui.keys("2");
    let screen = ui.screen();
    assert!(
        screen.contains("✗ expired") && screen.contains("✓ held"),
        "{screen}"
    );
}

#[test]
fn keys_work_while_the_repository_is_still_loading() {
    // The loader's answers are never handed to the app here: it stays loading throughout.
    let mut ui = Harness::start(shared_demo(), 80, 24, ThemeKind::Default, true);
    let screen = ui.screen();
    assert!(screen.contains("Reading the panel repository…"), "{screen}");
    ui.app.handle(AppEvent::Tick);
    ui.keys_without_waiting("?");
    let screen = ui.screen();
    assert!(screen.contains("Keys — ? or Esc closes"), "{screen}");
    assert!(screen.contains("Reading the repository…"), "{screen}");
    ui.keys_without_waiting("?q");
    assert!(ui.app.should_quit());
}

#[test]
fn the_mouse_switches_tabs_and_scrolls() {
    let mut ui = demo_ui(80, 24, ThemeKind::Default);
    let screen = ui.screen();
    let (x, y) = find(&screen, "2 Schools");
    ui.click(x + 2, y);
    assert!(ui.screen().contains("Schools (14)"));
    ui.keys("1<Enter>");
    let before = ui.screen();
    let (x, y) = find(&before, "Reflection");
    ui.app.handle(AppEvent::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
    let after = ui.screen();
    assert!(before.contains("Self-assessment: Developing"), "{before}");
    assert!(
        !after.contains("Self-assessment: Developing"),
        "the wheel scrolls the text under it:\n{after}"
    );
}

#[test]
fn hostile_text_never_reaches_the_terminal() {
    let sandbox = Sandbox::new();
    let mut files = common::base_files();
    for (path, content) in common::files_under(&common::fixtures().join("hostile")) {
        files.retain(|(p, _)| p != &path);
        files.push((path, content));
    }
    let repo = sandbox.repo_with("hostile", &files);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    let mut seen = String::new();
    for keys in ["", "2", "<Enter>", "<Tab>G", "?"] {
        ui.keys(keys);
        let buffer = ui.buffer();
        for cell in buffer.content() {
            assert!(
                !cell
                    .symbol()
                    .chars()
                    .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
                "a control character reached the screen: {:?}",
                cell.symbol()
            );
        }
        seen.push_str(&ui.screen());
    }
    assert!(seen.contains("Oak␛[2J␛[H School"), "{seen}");
    assert!(seen.contains("␛]52;c;aGVsbG8=␇"), "{seen}");
}

#[test]
fn a_stale_answer_is_dropped() {
    let mut ui = demo_ui(80, 24, ThemeKind::Default);
    let press = |ui: &mut Harness, code: KeyCode| {
        ui.app.handle(AppEvent::Key(KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }));
    };
    // Open the first item, go back, open the second before the first answer is handled.
    press(&mut ui, KeyCode::Enter);
    press(&mut ui, KeyCode::Esc);
    press(&mut ui, KeyCode::Char('j'));
    press(&mut ui, KeyCode::Enter);
    ui.settle();
    let screen = ui.screen();
    assert!(
        screen.contains("Kingsmead Sixth Form College · 2026-27"),
        "{screen}"
    );
    assert!(!screen.contains("Little Acorns"), "{screen}");
}

#[test]
fn help_and_hints_follow_the_live_key_map() {
    let config = kitemark::tui::config::parse(
        Path::new("config.ron"),
        "(keys: {\"quit\": [\"x\"], \"help\": [\"h\"], \"previous-pane\": [\"shift-tab\"]})",
    )
    .unwrap();
    let options = Options {
        keymap: config.keymap,
        config_path: Some("config.ron".into()),
        ..options()
    };
    let mut ui = Harness::with_options(shared_demo(), options, 100, 40);
    ui.settle();
    let screen = ui.screen();
    assert!(
        screen.contains("x quit") && screen.contains("h help"),
        "{screen}"
    );
    assert!(!screen.contains("q quit"), "{screen}");
    ui.keys("h");
    let screen = ui.screen();
    assert!(screen.contains("x                 quit"), "{screen}");
    ui.keys("G");
    let screen = ui.screen();
    assert!(screen.contains("Key bindings from config.ron."), "{screen}");
    ui.keys("hq");
    assert!(!ui.app.should_quit(), "q is no longer bound");
    ui.keys("x");
    assert!(ui.app.should_quit());
}

/// A panel repository made from the base fixture with some files replaced.
fn fixture_repo(sandbox: &Sandbox, name: &str, replace: &[(&str, &str)]) -> PathBuf {
    let mut files = common::base_files();
    for (path, text) in replace {
        files.retain(|(p, _)| p != path);
        files.push(((*path).to_owned(), text.as_bytes().to_vec()));
    }
    sandbox.repo_with(name, &files)
}

fn base_text(path: &str) -> String {
    std::fs::read_to_string(common::fixtures().join("base").join(path)).unwrap()
}

#[test]
fn a_failed_reload_says_so_and_keeps_the_old_state_visible() {
    let sandbox = Sandbox::new();
    let repo = fixture_repo(&sandbox, "panel", &[]);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("2");
    assert!(ui.screen().contains("Oak School"));
    std::fs::write(repo.join("panel.ron"), "(broken").unwrap();
    sandbox.git(&repo, &["commit", "-qam", "Break the panel file"]);
    ui.keys("r");
    let screen = ui.screen();
    assert!(
        screen.contains("✗ Reload failed; still showing commit"),
        "{screen}"
    );
    assert!(screen.contains("panel.ron:1:2"), "{screen}");
    assert!(
        screen.contains("Oak School"),
        "the last good state stays: {screen}"
    );
    std::fs::write(repo.join("panel.ron"), base_text("panel.ron")).unwrap();
    sandbox.git(&repo, &["commit", "-qam", "Mend it"]);
    ui.keys("r");
    assert!(ui.screen().contains("Reloaded: commit"), "{}", ui.screen());
}

#[test]
fn problems_are_shown_not_hidden() {
    let sandbox = Sandbox::new();
    let review = base_text("submissions/oak/2025-26/self-review.ron").replacen(
        "level: \"effective\",",
        "level: \"effective\"",
        1,
    );
    let plan = base_text("submissions/oak/2025-26/action-plan.ron").replacen(
        "area: \"student-voice\"",
        "area: \"pupil-voice\"",
        1,
    );
    let school = base_text("submissions/oak/school.ron");
    let elm = school.replace("\"oak\"", "\"elm\"").replace(
        "phase: Primary,",
        "phase: Primary,\n    rubric: \"missing-rubric\",",
    );
    let repo = fixture_repo(
        &sandbox,
        "broken",
        &[
            ("submissions/oak/2025-26/self-review.ron", &review),
            ("submissions/oak/2025-26/action-plan.ron", &plan),
            ("submissions/elm/school.ron", &elm),
            (
                "submissions/elm/2025-26/action-plan.ron",
                &base_text("submissions/oak/2025-26/action-plan.ron").replace("\"oak\"", "\"elm\""),
            ),
        ],
    );
    let mut ui = Harness::open(&repo, 120, 30, ThemeKind::Default, true);
    let screen = ui.screen();
    assert!(screen.contains("✗ 1 unreadable"), "{screen}");
    ui.keys("2");
    let screen = ui.screen();
    // A school whose rubric is missing still shows, with the reason.
    assert!(
        screen.contains("Schools (2)") && screen.contains("✗ cannot tell"),
        "{screen}"
    );
    ui.keys("j");
    ui.keys("<Enter>");
    let screen = ui.screen();
    assert!(
        screen.contains("✗ submissions/oak/2025-26/self-review.ron:"),
        "a broken file says so:\n{screen}"
    );
    ui.keys("G");
    let screen = ui.screen();
    assert!(screen.contains("Not in the rubric"), "{screen}");
    assert!(
        screen.contains("Set up wellbeing ambassadors."),
        "an action in an unknown area is not lost:\n{screen}"
    );
}

#[test]
fn nobody_is_trapped_by_the_key_bindings() {
    let config =
        kitemark::tui::config::parse(Path::new("config.ron"), "(keys: {\"quit\": [\"x\"]})")
            .unwrap();
    let options = Options {
        keymap: config.keymap,
        ..options()
    };
    let mut ui = Harness::with_options(shared_demo(), options, 80, 24);
    ui.settle();
    ui.app.handle(AppEvent::Key(KeyEvent {
        code: KeyCode::Char('c'),
        modifiers: KeyModifiers::CONTROL,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }));
    assert!(
        ui.app.should_quit(),
        "Ctrl-C quits when nothing else is bound to it"
    );
    let err = kitemark::tui::config::parse(Path::new("config.ron"), "(keys: {\"quit\": []})")
        .unwrap_err();
    assert!(
        err.to_string().contains("\"quit\" needs at least one key"),
        "{err}"
    );
}

#[test]
fn a_click_ends_typing_a_filter() {
    let mut ui = demo_ui(80, 24, ThemeKind::Default);
    ui.keys("/riv");
    let screen = ui.screen();
    // The school's name is cut short in the list beside the Lead and Reviews columns.
    let (x, y) = find(&screen, "Riverside Acad");
    ui.click(x, y).click(x, y);
    let screen = ui.screen();
    assert!(screen.contains("Riverside Academy · 2026-27"), "{screen}");
    assert!(!screen.contains("Filter:"), "{screen}");
    ui.keys("<Tab>");
    assert!(
        ui.screen().contains("┏ Leadership and management"),
        "the next key is not swallowed"
    );
}

#[test]
fn changing_year_keeps_the_area() {
    let mut ui = demo_ui(160, 48, ThemeKind::Default);
    ui.keys("2jjjjjjjjjj<Enter>");
    let screen = ui.screen();
    assert!(
        screen.contains("Oakfield Primary School · 2025-26"),
        "{screen}"
    );
    ui.keys("jjjj<Tab>[");
    let screen = ui.screen();
    assert!(
        screen.contains("Oakfield Primary School · 2024-25"),
        "{screen}"
    );
    assert!(
        screen.contains("┏ Student voice"),
        "the same area, with the focus on the text:\n{screen}"
    );
}

#[test]
fn comparison_screen() {
    for (w, h) in SIZES {
        let mut ui = demo_ui(w, h, ThemeKind::Default);
        // Riverside's annual review, compared with the year before, at its third change.
        ui.keys("jj<Enter>dnnn");
        insta::assert_snapshot!(format!("comparison_{w}x{h}"), ui.screen());
        ui.keys("cu");
        insta::assert_snapshot!(
            format!("comparison_only_changes_unified_{w}x{h}"),
            ui.screen()
        );
    }
}

#[test]
fn comparison_keys() {
    let mut ui = demo_ui(120, 40, ThemeKind::Default);
    // Straight from a school row: Beechwood's latest year against the one before.
    ui.keys("2d");
    let screen = ui.screen();
    assert!(
        screen.contains("Beechwood School: 2024-25 → 2025-26"),
        "{screen}"
    );
    assert!(screen.contains("+2 new · 14 carried · 8 done"), "{screen}");
    ui.keys("n");
    let screen = ui.screen();
    assert!(screen.contains("change 1 of "), "{screen}");
    assert!(
        screen.contains('▶'),
        "the change jumped to is marked:\n{screen}"
    );
    ui.keys("nnN");
    assert!(ui.screen().contains("change 2 of "), "{}", ui.screen());
    ui.keys("b");
    let screen = ui.screen();
    assert!(
        screen.contains("Beechwood School: 2023-24 → 2025-26"),
        "b goes a year further back:\n{screen}"
    );
    ui.keys("bb");
    assert!(
        ui.screen().contains("Beechwood School: 2024-25 → 2025-26"),
        "and round again"
    );
    ui.keys("c");
    let only = ui.screen();
    assert!(only.contains("only changes"), "{only}");
    ui.keys("w");
    assert!(ui.screen().contains("lines cut"));
    ui.keys("<Esc>");
    assert!(
        ui.screen().contains("Schools (14)"),
        "Esc goes back where the comparison came from"
    );
    ui.keys("4");
    assert!(
        ui.screen().contains("Beechwood School: 2024-25 → 2025-26"),
        "the comparison stays open"
    );
}

#[test]
fn a_base_year_further_back_tells_what_happened_in_between() {
    let mut ui = demo_ui(160, 48, ThemeKind::Default);
    // Riverside's annual review against the year before, then a year further back.
    ui.keys("jj<Enter>db");
    let screen = ui.screen();
    assert!(
        screen.contains("Riverside Academy: 2024-25 → 2026-27"),
        "{screen}"
    );
    assert!(screen.contains("15 done · 2 dropped"), "{screen}");
    // Only the changes, stepped through to Leadership's second action.
    ui.keys("c");
    let mut screen = ui.screen();
    for _ in 0..10 {
        if screen.contains("LM-2 ·") {
            break;
        }
        ui.keys("n");
        screen = ui.screen();
    }
    assert!(
        screen.contains("LM-2 · in progress  [done in 2025-26; not in this plan]"),
        "{screen}"
    );
    assert!(!screen.contains("[dropped: not in this plan]"), "{screen}");
}

#[test]
fn a_resubmission_is_compared_with_the_version_decided_on() {
    let mut ui = demo_ui(160, 48, ThemeKind::Default);
    // Kingsmead, from the schools tab: one year, resubmitted after the panel's decision.
    ui.keys("2jjjjjjd");
    let screen = ui.screen();
    assert!(
        screen.contains("Kingsmead Sixth Form College: 2026-27 as decided → 2026-27"),
        "{screen}"
    );
    assert!(screen.contains("2026-27 decided · submitted "), "{screen}");
    assert!(screen.contains(" new · "), "{screen}");
    assert!(!screen.contains("no year before"), "{screen}");
    // Only the version decided on to compare with: nothing else to step to.
    ui.keys("b");
    assert!(
        ui.screen().contains("no other earlier year"),
        "{}",
        ui.screen()
    );

    // North Vale's 2025-26, decided on and then resubmitted: the year before first, then the
    // version decided on, then round again.
    common::hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let plan = "submissions/north-vale-esc/2025-26/action-plan.ron";
    let text = std::fs::read_to_string(repo.join(plan)).unwrap();
    let resubmitted = text.replacen("status: InProgress,", "status: Done,", 1);
    assert_ne!(resubmitted, text);
    std::fs::write(repo.join(plan), resubmitted).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Resubmission"]);
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, true);
    ui.keys("2jjjjjjjjj<Enter>[d");
    let screen = ui.screen();
    assert!(
        screen.contains("North Vale Education Support Centre: 2024-25 → 2025-26"),
        "{screen}"
    );
    ui.keys("b");
    let screen = ui.screen();
    assert!(
        screen.contains("North Vale Education Support Centre: 2025-26 as decided → 2025-26"),
        "{screen}"
    );
    assert!(screen.contains("1 done"), "{screen}");
    ui.keys("b");
    assert!(
        ui.screen()
            .contains("North Vale Education Support Centre: 2024-25 → 2025-26"),
        "{}",
        ui.screen()
    );
}

#[test]
fn the_submission_counts_changes_per_area() {
    let mut ui = demo_ui(120, 40, ThemeKind::Default);
    ui.keys("2jjjjjjjjjj<Enter>");
    let screen = ui.screen();
    assert!(
        screen.contains("Oakfield Primary School · 2025-26"),
        "{screen}"
    );
    let row = screen
        .lines()
        .find(|l| l.contains("LM Leadership"))
        .unwrap();
    // The areas pane is the first bordered cell of the line; its last column is the count.
    let pane = row.split(['│', '┃']).nth(1).unwrap_or_default().trim_end();
    assert!(pane.ends_with(|c: char| c.is_ascii_digit()), "{row}");
    assert!(screen.contains("change(s) since"), "{screen}");
    // The first year has nothing to compare with.
    ui.keys("[[");
    let screen = ui.screen();
    assert!(
        screen.contains("Oakfield Primary School · 2023-24"),
        "{screen}"
    );
    assert!(!screen.contains("change(s) since last year"), "{screen}");
    ui.keys("d");
    assert!(
        ui.screen().contains("no year before 2023-24"),
        "{}",
        ui.screen()
    );
}

/// The screens at 120×40, between the two sizes above, where columns were cut the most.
#[test]
fn screens_at_120x40() {
    let mut ui = demo_ui(120, 40, ThemeKind::Default);
    ui.keys("jj");
    insta::assert_snapshot!("agenda_120x40", ui.screen());
    let mut ui = demo_ui(120, 40, ThemeKind::Default);
    ui.keys("2G");
    insta::assert_snapshot!("schools_120x40", ui.screen());
    let mut ui = demo_ui(120, 40, ThemeKind::Default);
    ui.keys("jj<Enter>G<Tab>jj");
    insta::assert_snapshot!("submission_120x40", ui.screen());
    let mut ui = demo_ui(120, 40, ThemeKind::Default);
    ui.keys("jj<Enter>dnnn");
    insta::assert_snapshot!("comparison_120x40", ui.screen());
}

const SCHOOL_NAMES: [&str; 9] = [
    "Beechwood School",
    "Brookside Primary School",
    "Kingsmead Sixth Form College",
    "Little Acorns Day Nursery",
    "Meadowbank Infant School",
    "North Vale Education Support Centre",
    "Oakfield Primary School",
    "Riverside Academy",
    "Westfield Junior School",
];

const AGENDA_KINDS: [&str; 4] = [
    "Initial application",
    "Resubmission",
    "Annual review",
    "Suicide Aware status application",
];

/// Riverside Academy's areas, as its rubric names them.
const RIVERSIDE_AREAS: [&str; 11] = [
    "LM Leadership and management",
    "PP Policy and planning",
    "EE Ethos and environment",
    "CTL Curriculum, teaching and learning",
    "SV Student voice",
    "SD Staff development and training",
    "SW Staff health and wellbeing",
    "IN Identifying need and monitoring impact",
    "PC Working with parents and carers",
    "TS Targeted support and appropriate referral",
    "SA Suicide awareness, safeguarding and transitions",
];

fn assert_whole(screen: &str, texts: &[&str], what: &str) {
    for text in texts {
        assert!(
            screen.contains(text),
            "{what}: {text:?} is cut although there is room for it:\n{screen}"
        );
    }
}

#[test]
fn names_kinds_and_area_titles_are_whole_where_there_is_room() {
    for (w, h) in [(120, 40), (160, 48), (200, 60)] {
        let mut ui = demo_ui(w, h, ThemeKind::Default);
        let agenda = ui.screen();
        let on_agenda: Vec<&str> = SCHOOL_NAMES
            .iter()
            .copied()
            .filter(|n| agenda.contains(&n[..10]))
            .collect();
        assert_eq!(on_agenda.len(), 4, "{agenda}");
        assert_whole(&agenda, &on_agenda, &format!("agenda {w}×{h}"));
        assert_whole(&agenda, &AGENDA_KINDS, &format!("agenda {w}×{h}"));
        ui.keys("2");
        assert_whole(&ui.screen(), &SCHOOL_NAMES, &format!("schools {w}×{h}"));
        ui.keys("1jj<Enter>");
        let screen = ui.screen();
        // At 120 columns the longest titles give way to the text; the rest are whole.
        let room = if w >= 160 { 60 } else { 36 };
        let fits: Vec<&str> = RIVERSIDE_AREAS
            .iter()
            .copied()
            .filter(|t| t.len() <= room)
            .collect();
        assert_whole(&screen, &fits, &format!("submission {w}×{h}"));
    }
}

#[test]
fn every_tab_shows_however_many_screens_are_open() {
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let mut ui = demo_ui(w, h, ThemeKind::Default);
        // A submission, its comparison and its history are open: their tabs name them.
        ui.keys("jj<Enter>dH");
        let screen = ui.screen();
        let tabs = screen.lines().nth(2).unwrap_or_default().to_owned();
        for n in 1..=7 {
            assert!(
                tabs.contains(&format!("{n} ")),
                "tab {n} at {w}×{h}: {tabs}"
            );
        }
        assert!(tabs.contains("Hist"), "{w}×{h}: {tabs}");
    }
}

#[test]
fn the_meeting_agenda_shows_every_item_at_80x24() {
    let mut ui = demo_ui(80, 24, ThemeKind::Default);
    ui.keys("m");
    let screen = ui.screen();
    for n in 1..=5 {
        assert!(screen.contains(&format!("{n}. ")), "item {n}:\n{screen}");
    }
}

#[test]
fn a_message_goes_when_it_stops_applying() {
    let mut ui = demo_ui(80, 24, ThemeKind::Default);
    ui.keys("2e");
    let screen = ui.screen();
    assert!(
        screen.contains("Choose an item on the agenda first."),
        "{screen}"
    );
    ui.keys("j");
    let screen = ui.screen();
    assert!(
        !screen.contains("Choose an item on the agenda first."),
        "{screen}"
    );
}
