//! Recording the panel's work through the interface: the decision form and the meeting setup,
//! their drafts, their checks and their commits, on fresh copies of the demo repository.

mod common;

use std::path::{Path, PathBuf};

use common::tui::{Harness, MEETING_DAY};
use common::{Attendance, Sandbox, assert_exit, hermetic_git2};
use kitemark::tui::app::{App, AppEvent, Options};
use kitemark::tui::loader::Loader;
use kitemark::tui::theme::ThemeKind;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// A fresh copy of the demo.
fn demo(sandbox: &Sandbox) -> PathBuf {
    hermetic_git2();
    sandbox.demo()
}

/// The demo with attendance for the meeting of 2026-12-02, committed at a fixed date so that
/// the screens are the same on every run.
fn pinned_demo(sandbox: &Sandbox) -> PathBuf {
    hermetic_git2();
    sandbox.demo_with_attendance(Attendance::Pinned)
}

fn draft_files(repo: &Path) -> Vec<(String, String)> {
    let dir = repo.join(".git/kitemark/drafts");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = entries
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Opens the form on the first agenda item (Little Acorns' initial application) and fills
/// in what it needs: an outcome, one area's judgement and feedback, and the overall feedback.
fn fill_little_acorns(ui: &mut Harness) {
    ui.keys("e");
    assert!(ui.screen().contains("Little Acorns Day Nursery 2026-27"));
    // Outcome: the first, Awarded. Then, by Tab, taking part, recorder and the first area.
    ui.keys("<Enter> <Tab><Tab><Tab> ");
    ui.keys("<Tab>");
    ui.type_text("Leadership is visible and well resourced.");
    // To the overall feedback: back to the list, the bottom, three up.
    ui.keys("<Esc>Gkkk<Enter>");
    ui.type_text("A warm, whole-setting approach.\nNext: involve parents in the plan.");
    ui.keys("<Esc>G");
}

#[test]
fn the_decision_form_shows_who_may_take_part() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    for (w, h) in [(80, 24), (160, 48)] {
        let mut ui = Harness::open(&repo, w, h, ThemeKind::Default, true);
        // North Vale: Maeve O'Connell declared a conflict for it.
        ui.keys("jjje");
        insta::assert_snapshot!(format!("decision_form_{w}x{h}"), ui.screen());
        // Its reviews are in, so the form starts on them; Taking part is two down.
        ui.keys("jj<Enter>");
        let screen = ui.screen();
        insta::assert_snapshot!(format!("decision_members_{w}x{h}"), screen);
        assert!(screen.contains("conflicted"), "{screen}");
        // Space on her row changes nothing: she is shown, never chosen.
        ui.keys("jjj ");
        let screen = ui.screen();
        assert!(screen.contains("5 taking part: quorate"), "{screen}");
        // Nor can she record it.
        ui.keys("<Tab>");
        let screen = ui.screen();
        assert!(!screen.contains("Maeve"), "{screen}");
    }
    assert!(draft_files(&repo).is_empty(), "nothing was changed");
}

#[test]
fn a_decision_is_recorded_through_the_form() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    // On the meeting's day: a decision is recorded at or after its meeting.
    let mut ui = Harness::open_on(&repo, MEETING_DAY, 100, 40, ThemeKind::Default, true);
    fill_little_acorns(&mut ui);
    // Saved as typed (on a thread of its own: wait for it, so the screen is the same on
    // every run).
    ui.wait_until("the draft is saved", |ui| {
        ui.screen().contains("✎ draft saved")
            && draft_files(&repo)
                .iter()
                .any(|(_, text)| text.contains("Next: involve parents in the plan."))
    });
    let screen = ui.screen();
    assert!(screen.contains("Ready to record"), "{screen}");
    insta::assert_snapshot!("decision_preview_100x40", screen);
    ui.keys("<Enter><Enter>");
    assert!(ui.screen().contains("Record the decision now?"));
    ui.keys("y");
    let status = ui.screen();
    assert!(status.contains("✓ Recorded in commit"), "{status}");
    let log = sandbox.git_text(
        &repo,
        &["log", "-1", "--format=%an <%ae>%n%s%n%P", "--name-only"],
    );
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines[0],
        "Rosalind Adeyemi <rosalind.adeyemi@hertfordshire-cc.example.org>"
    );
    assert_eq!(
        lines[1],
        "Decision: little-acorns-nursery 2026-27 initial: awarded"
    );
    assert_eq!(lines[2], before, "a child of the commit on screen");
    assert_eq!(
        &lines[3..]
            .iter()
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>(),
        &[&"decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron"]
    );
    let short = &sandbox.git_text(&repo, &["rev-parse", "--short=7", "HEAD"])[..7];
    assert!(status.contains(short), "the status names {short}: {status}");
    let file = std::fs::read_to_string(
        repo.join("decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron"),
    )
    .unwrap();
    assert!(file.contains("Leadership is visible and well resourced."));
    assert!(file.contains("Next: involve parents in the plan."));
    assert!(file.contains("made_on"), "{file}");
    assert_eq!(sandbox.git_text(&repo, &["status", "--porcelain"]), "");
    assert_exit(
        &sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
        0,
    );
    ui.wait_until("the draft is removed", |_| draft_files(&repo).is_empty());
    // The agenda shows it decided.
    assert!(ui.screen().contains("✓ Awarded"));
}

/// A decision recorded by mistake is corrected from the agenda at the same meeting: `e` on the
/// decided item opens the form on what was recorded, and recording supersedes it.
#[test]
fn a_decided_item_is_corrected_at_the_same_meeting() {
    let sandbox = Sandbox::new();
    hermetic_git2();
    let repo = sandbox.demo_with_a_decision();
    let original = common::LITTLE_ACORNS_DECISION;
    let mut ui = Harness::open_on(&repo, MEETING_DAY, 100, 40, ThemeKind::Default, true);
    assert!(ui.screen().contains("✓ Awarded"));
    ui.keys("e");
    let screen = ui.screen();
    assert!(screen.contains(" Correction  Little Acorns"), "{screen}");
    assert!(
        screen.contains("Correcting the decision on little-acorns-nursery 2026-27"),
        "{screen}"
    );
    // Longer than the status line: it ends in an ellipsis, not at the screen's edge.
    let status = screen.lines().last().unwrap_or_default().trim_end();
    assert!(status.ends_with('…'), "{status:?}");
    // To the overall feedback, which holds what was recorded; add to it.
    ui.keys("Gkkk<Enter>");
    assert!(ui.screen().contains("A warm, whole-setting approach."));
    ui.type_text(" Corrected on the day.");
    ui.keys("<Esc>G");
    ui.wait_until("the check has run", |ui| {
        ui.screen().contains("Ready to record")
    });
    ui.keys("<Enter><Enter>");
    assert!(ui.screen().contains("Record the decision now?"));
    ui.keys("y");
    let status = ui.screen();
    assert!(status.contains("✓ Recorded in commit"), "{status}");
    let second = original.replace(".ron", ".2.ron");
    let show = sandbox.git_text(&repo, &["show", "--name-status", "--format=%B", "HEAD"]);
    assert!(show.contains(&format!("A\t{second}")), "{show}");
    assert!(show.contains(&format!("Supersedes: {original}")), "{show}");
    let file = std::fs::read_to_string(repo.join(&second)).unwrap();
    assert!(
        file.contains("A warm, whole-setting approach. Corrected on the day."),
        "{file}"
    );
    assert_exit(
        &sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
        0,
    );
}

/// Opened as on 22 November, ten days before the meeting: the form says the meeting has not
/// been held, and nothing can be recorded.
#[test]
fn a_decision_for_a_meeting_not_yet_held_is_refused() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let mut ui = Harness::open(&repo, 100, 40, ThemeKind::Default, true);
    fill_little_acorns(&mut ui);
    ui.wait_until("the rules are checked", |ui| {
        ui.screen().contains("meeting-ahead")
    });
    let screen = ui.screen();
    assert!(!screen.contains("Ready to record"), "{screen}");
    assert!(screen.contains("has not been held yet"), "{screen}");
    ui.keys("<Enter><Enter>y");
    let screen = ui.screen();
    assert!(!screen.contains("✓ Recorded"), "{screen}");
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), before);
}

#[test]
fn a_draft_is_offered_back_when_the_item_is_reopened() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    {
        let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
        fill_little_acorns(&mut ui);
        ui.wait_until("the draft is saved", |_| {
            draft_files(&repo)
                .iter()
                .any(|(_, text)| text.contains("Next: involve parents in the plan."))
        });
        // The app goes away without recording, as after a crash.
    }
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    assert!(ui.screen().contains("✎ 1 draft(s) not recorded"));
    ui.keys("e");
    let screen = ui.screen();
    assert!(
        screen.contains("A draft of this decision") && screen.contains("outcome: Awarded"),
        "{screen}"
    );
    ui.keys("r");
    let screen = ui.screen();
    assert!(
        screen.contains("Awarded") && screen.contains("10 words"),
        "{screen}"
    );
    ui.keys("Gkkk<Enter>");
    assert!(ui.screen().contains("Next: involve parents in the plan."));
    // Typing on continues the same draft.
    ui.type_text(" Well done.");
    ui.wait_until("the draft is saved again", |_| {
        draft_files(&repo)
            .iter()
            .any(|(_, text)| text.contains("plan. Well done."))
    });
    drop(ui);

    // Discarding it removes it.
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("e");
    ui.keys("d");
    ui.wait_until("the draft is removed", |_| draft_files(&repo).is_empty());
    let screen = ui.screen();
    assert!(screen.contains("✗ Outcome"), "a blank form: {screen}");
}

#[test]
fn a_moved_branch_is_refused_and_the_draft_kept() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open_on(&repo, MEETING_DAY, 100, 30, ThemeKind::Default, true);
    fill_little_acorns(&mut ui);
    assert!(ui.screen().contains("Ready to record"));
    // Meanwhile another member records a different decision.
    let out = sandbox.kitemark(&[
        "decide",
        "riverside-academy",
        "2026-27",
        "--repo",
        repo.to_str().unwrap(),
        "--kind",
        "annual-review",
        "--outcome",
        "accepted",
        "--meeting",
        "2026-12-02",
        "--recorder",
        "t-whitlock",
        "--feedback",
        "Good progress.",
    ]);
    assert_exit(&out, 0);
    let theirs = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    ui.keys("<Enter><Enter>y");
    let screen = ui.screen();
    assert!(
        screen.contains("✗ Not recorded: someone else recorded something"),
        "{screen}"
    );
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), theirs);
    assert!(
        draft_files(&repo)
            .iter()
            .any(|(_, t)| t.contains("involve parents")),
        "the draft is kept"
    );
    // Reloaded: the preview now builds on their commit, and recording works.
    let screen = ui.screen();
    assert!(
        screen.contains(&format!("after {}", &theirs[..7])),
        "{screen}"
    );
    ui.keys("<Enter>y");
    assert!(ui.screen().contains("✓ Recorded in commit"));
    let log = sandbox.git_text(&repo, &["log", "-2", "--format=%s"]);
    assert_eq!(
        log,
        "Decision: little-acorns-nursery 2026-27 initial: awarded\nDecision: riverside-academy 2026-27 annual-review: accepted"
    );
}

#[test]
fn the_rules_are_shown_before_anything_is_recorded() {
    let sandbox = Sandbox::new();
    // The demo as built: the meeting's attendance is not taken yet.
    let repo = demo(&sandbox);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("ej<Enter>");
    let screen = ui.screen();
    assert!(
        screen.contains("absent: attendance not taken yet"),
        "{screen}"
    );
    ui.keys("<Esc>k<Enter> <Esc>Gkkk<Enter>");
    ui.type_text("Feedback.");
    ui.keys("<Esc>G");
    let screen = ui.screen();
    assert!(screen.contains("✗ Not ready"), "{screen}");
    assert!(
        screen.contains("choose who records the decision"),
        "{screen}"
    );
    // Nothing to confirm, nothing recorded.
    ui.keys("<Enter><Enter>y");
    assert!(!ui.screen().contains("Record the decision now?"));
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), head);
}

#[test]
fn a_meeting_is_set_up_and_recorded() {
    let sandbox = Sandbox::new();
    let repo = demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 32, ThemeKind::Default, true);
    ui.keys("m");
    insta::assert_snapshot!("meeting_setup_100x32", ui.screen());
    // Present: the chair, Tom, Maeve, Anna and Joanne; Simran and David sent apologies.
    ui.keys(" j jj jj j ");
    let screen = ui.screen();
    assert!(
        screen.contains("5 present") && screen.contains("✓ quorate"),
        "{screen}"
    );
    // A conflict declared in the meeting: Anna Nowak, for the first school on the agenda.
    ui.keys("<Tab>a");
    ui.keys("jjjjj<Tab><Tab>k<Tab>");
    ui.type_text("Governor at the nursery");
    ui.keys("<Enter>");
    let screen = ui.screen();
    assert!(screen.contains("Governor at the nursery"), "{screen}");
    // The agenda: the second item first.
    ui.keys("<Tab>jK");
    ui.keys("<Tab>");
    let screen = ui.screen();
    assert!(screen.contains("Ready to record"), "{screen}");
    ui.keys("<Enter>y");
    assert!(ui.screen().contains("✓ Recorded in commit"));
    let file = std::fs::read_to_string(repo.join("meetings/2026-12-02.ron")).unwrap();
    let meeting: kitemark::model::Meeting = kitemark::model::format::from_ron(&file).unwrap();
    let ids = |v: &[kitemark::model::MemberId]| v.iter().map(|m| m.to_string()).collect::<Vec<_>>();
    assert_eq!(
        ids(&meeting.present),
        [
            "r-adeyemi",
            "t-whitlock",
            "m-oconnell",
            "a-nowak",
            "j-bennett"
        ]
    );
    assert_eq!(ids(&meeting.apologies), ["s-kaur", "d-hughes"]);
    assert_eq!(meeting.agenda[0].school.to_string(), "kingsmead-sixth-form");
    assert!(meeting.conflicts.iter().any(|c| c.member == "a-nowak"
        && c.school == "little-acorns-nursery"
        && c.reason == "Governor at the nursery"));
    let subject = sandbox.git_text(&repo, &["log", "-1", "--format=%s %an"]);
    assert_eq!(
        subject.trim(),
        "Meeting 2026-12-02: attendance and conflicts Rosalind Adeyemi"
    );
    assert_eq!(sandbox.git_text(&repo, &["status", "--porcelain"]), "");
    // Anna is now conflicted for Little Acorns in its decision form.
    ui.keys("1gj");
    ui.keys("e");
    ui.keys("j<Enter>");
    let screen = ui.screen();
    assert!(screen.contains("Anna Nowak — conflicted"), "{screen}");
}

/// The interface on a repository with the key bindings of a config file.
fn open_with_config(repo: &Path, config: &str) -> Harness {
    let config = kitemark::tui::config::parse(Path::new("config.ron"), config).unwrap();
    let (sender, events) = std::sync::mpsc::channel::<AppEvent>();
    let options = Options {
        rev: None,
        today: jiff::civil::date(2026, 11, 22),
        theme: ThemeKind::Default,
        colour: true,
        keymap: config.keymap,
        config_path: Some("config.ron".into()),
        inbox: config.inbox,
        export_format: config.export_format,
        remote: config.remote,
        now: None,
        live: config.live,
    };
    let mut ui = Harness {
        app: App::new(options, Loader::spawn(repo.to_path_buf(), sender).unwrap()),
        events,
        terminal: Terminal::new(TestBackend::new(100, 32)).unwrap(),
    };
    ui.settle();
    ui
}

#[test]
fn a_form_key_rebound_in_the_config_file_is_the_one_that_works() {
    let sandbox = Sandbox::new();
    let repo = demo(&sandbox);
    // "i" is free everywhere; "r" is reload everywhere but may answer a form's question.
    let mut ui = open_with_config(
        &repo,
        "(keys: {\"add\": [\"i\"], \"restore-draft\": [\"r\", \"o\"]})",
    );
    ui.keys("m<Tab><Tab>");
    let screen = ui.screen();
    assert!(
        screen.contains("i add") && !screen.contains("a add"),
        "{screen}"
    );
    ui.keys("a");
    assert!(
        !ui.screen().contains("Add to the agenda"),
        "a is no longer bound"
    );
    ui.keys("i");
    let screen = ui.screen();
    assert!(screen.contains("Add to the agenda"), "{screen}");
    // The help lists the form's keys as bound.
    ui.keys("<Esc>?G");
    let screen = ui.screen();
    assert!(
        screen.contains("i                 declare a conflict, or add an agenda item (meeting)"),
        "{screen}"
    );
    assert!(
        screen.contains("r o               restore a saved draft, when offered"),
        "{screen}"
    );
}

#[test]
fn the_help_lists_the_forms_keys() {
    let sandbox = Sandbox::new();
    let repo = demo(&sandbox);
    let mut ui = open_with_config(&repo, "()");
    ui.keys("?G");
    let screen = ui.screen();
    for line in [
        "r                 restore a saved draft, when offered",
        "d                 discard a saved draft and start afresh, when offered",
        "y Y               record, when asked",
        "n N Esc           not yet, when asked",
        "c                 make the member the chair (meeting)",
        "x Del             remove the conflict or agenda item (meeting)",
        "K -               move the agenda item up (meeting)",
        "J +               move the agenda item down (meeting)",
        "n                 set up a meeting on another date (meeting)",
    ] {
        assert!(
            screen.contains(line),
            "{line:?} is not in the help:\n{screen}"
        );
    }
}

/// Fills in the Little Acorns form and waits until its check says it can be recorded, with
/// the keyboard on the list of fields at "Check and record".
fn ready_little_acorns(ui: &mut Harness, repo: &Path) {
    fill_little_acorns(ui);
    ui.wait_until("the draft is saved and checked", |ui| {
        ui.screen().contains("Ready to record")
            && draft_files(repo)
                .iter()
                .any(|(_, text)| text.contains("Next: involve parents in the plan."))
    });
}

#[test]
fn enter_on_check_and_record_asks_and_y_records() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open_on(&repo, MEETING_DAY, 100, 40, ThemeKind::Default, true);
    ready_little_acorns(&mut ui, &repo);
    // Nothing is asked yet: y says how to record rather than doing nothing.
    ui.keys("y");
    let screen = ui.screen();
    assert!(!screen.contains("✓ Recorded"), "{screen}");
    assert!(screen.contains("asks before recording"), "{screen}");
    // One Enter on "Check and record" checks it and asks.
    ui.keys("<Enter>");
    let screen = ui.screen();
    assert!(screen.contains("Record the decision now?"), "{screen}");
    ui.keys("y");
    let screen = ui.screen();
    assert!(screen.contains("✓ Recorded in commit"), "{screen}");
}

#[test]
fn tab_moves_between_fields_without_typing() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    // From the last area, Tab goes to the overall feedback, and stays on the list.
    ui.keys("eGkkkk<Tab>");
    let screen = ui.screen();
    assert!(screen.contains("Feedback to the school"), "{screen}");
    assert!(screen.contains("Enter edit"), "{screen}");
    assert!(!screen.contains("done typing"), "{screen}");
    // So letters are not typed into it: j moves on to the conditions.
    ui.keys("j");
    let screen = ui.screen();
    assert!(screen.contains("Conditions · one per line"), "{screen}");
    assert!(draft_files(&repo).is_empty(), "nothing was typed");
    // Enter is what starts typing, as the footer says.
    ui.keys("k<Enter>");
    assert!(ui.screen().contains("done typing"));
}

#[test]
fn undo_takes_back_a_word_at_a_time() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("eGkkk<Enter>");
    ui.type_text("Leadership is visible");
    ui.keys("<C-u>");
    let screen = ui.screen();
    assert!(screen.contains("Leadership is"), "{screen}");
    assert!(
        !screen.contains("visibl"),
        "one press undoes the word: {screen}"
    );
    ui.keys("<C-u><C-u>");
    let screen = ui.screen();
    assert!(
        screen.contains("Feedback to the school · 0 words"),
        "{screen}"
    );
    // Redo brings the words back.
    ui.keys("<C-r><C-r><C-r>");
    assert!(ui.screen().contains("Leadership is visible"));
}

#[test]
fn leaving_a_form_keeps_its_draft_and_quitting_asks() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("e<Enter> <Esc>");
    ui.wait_until("the draft is saved", |_| !draft_files(&repo).is_empty());
    // Esc on the list of fields goes back to the agenda, saying the draft is kept.
    ui.keys("<Esc>");
    let screen = ui.screen();
    assert!(screen.contains("Agenda of the meeting"), "{screen}");
    assert!(screen.contains("draft"), "{screen}");
    // q asks first; anything but yes stays.
    ui.keys("q");
    assert!(!ui.app.should_quit());
    let screen = ui.screen();
    assert!(screen.contains("Quit? y quits"), "{screen}");
    ui.keys("n");
    assert!(!ui.app.should_quit());
    ui.keys("qy");
    assert!(ui.app.should_quit());
}

#[test]
fn quitting_without_a_draft_asks_nothing() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("e<Esc>q");
    assert!(ui.app.should_quit());
}

#[test]
fn the_conflict_dialog_chooses_with_left_and_right() {
    let sandbox = Sandbox::new();
    let repo = demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 32, ThemeKind::Default, true);
    ui.keys("m<Tab>a");
    assert!(ui.screen().contains("◂ Rosalind Adeyemi ▸"));
    ui.keys("<Right>");
    assert!(ui.screen().contains("◂ Tom Whitlock ▸"), "{}", ui.screen());
    ui.keys("<Right><Left>");
    assert!(ui.screen().contains("◂ Tom Whitlock ▸"));
    ui.keys("<Tab><Tab><Right>");
    let screen = ui.screen();
    assert!(screen.contains("◂ personal ▸"), "{screen}");
}

#[test]
fn the_conditions_placeholder_does_not_run_into_its_example() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("eGkk");
    let screen = ui.screen();
    // The example stands on a line of its own, whole.
    let example = screen
        .lines()
        .find(|l| l.contains("2027-03-31 Share the revised policy with parents"));
    assert!(example.is_some_and(|l| !l.contains("must do")), "{screen}");
}

#[test]
fn a_condition_due_before_the_meeting_is_marked_as_the_check_refuses_it() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("eGkk<Enter>");
    ui.type_text("2026-11-30 Share the plan with parents");
    let screen = ui.screen();
    assert!(screen.contains("✗ Conditions"), "{screen}");
    assert!(screen.contains("not after the meeting"), "{screen}");
    ui.keys("<Backspace>");
    ui.keys("<Esc>");
    // A date after the meeting is fine.
    ui.keys("<Enter><C-u><C-u><C-u><C-u><C-u><C-u><C-u>");
    ui.type_text("2027-03-31 Share the plan");
    assert!(ui.screen().contains("✓ Conditions"), "{}", ui.screen());
}

#[test]
fn taking_the_chair_off_and_on_again_keeps_the_recorder() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    ui.keys("ej<Enter>");
    assert!(ui.screen().contains("✓ Recorder"));
    ui.keys("  ");
    let screen = ui.screen();
    assert!(screen.contains("✓ Recorder"), "{screen}");
    assert!(screen.contains("Rosalind Adeyemi"), "{screen}");
}

#[test]
fn a_meeting_with_nothing_changed_is_not_recorded() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let mut ui = Harness::open(&repo, 100, 32, ThemeKind::Default, true);
    ui.keys("m<Tab><Tab><Tab>");
    ui.wait_until("the meeting is checked", |ui| {
        !ui.screen().contains("Checking the meeting")
    });
    let screen = ui.screen();
    assert!(!screen.contains("Ready to record"), "{screen}");
    assert!(screen.contains("Nothing to record"), "{screen}");
    ui.keys("<Enter>y");
    let screen = ui.screen();
    assert!(!screen.contains("✓ Recorded"), "{screen}");
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), head);
}

#[test]
fn decide_from_a_comparison_opened_on_the_agenda_opens_its_form() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 100, 30, ThemeKind::Default, true);
    // Riverside Academy's annual review, compared with its year before.
    ui.keys("jjd");
    assert!(ui.screen().contains("Compare"));
    ui.keys("e");
    let screen = ui.screen();
    assert!(
        !screen.contains("Choose an item on the agenda first"),
        "{screen}"
    );
    assert!(
        screen.contains("Decision  Riverside Academy 2026-27"),
        "{screen}"
    );
}

#[test]
fn the_forms_at_120x40() {
    let sandbox = Sandbox::new();
    let repo = pinned_demo(&sandbox);
    let mut ui = Harness::open(&repo, 120, 40, ThemeKind::Default, true);
    // North Vale, at its last area.
    ui.keys("jjjeGkkkk");
    let screen = ui.screen();
    insta::assert_snapshot!("decision_form_120x40", screen);
    assert!(
        screen.contains("SA Suicide awareness, safeguarding and transitions"),
        "{screen}"
    );
    let mut ui = Harness::open(&repo, 120, 40, ThemeKind::Default, true);
    ui.keys("m");
    insta::assert_snapshot!("meeting_setup_120x40", ui.screen());
    assert!(draft_files(&repo).is_empty(), "nothing was changed");
}

/// The day the demo's Brookside Primary condition (due 2026-12-18) is past.
const AFTER_BROOKSIDE_DUE: jiff::civil::Date = jiff::civil::date(2027, 1, 6);

#[test]
fn an_overdue_condition_is_shown_and_recorded_met_from_the_schools_screen() {
    let sandbox = Sandbox::new();
    let repo = demo(&sandbox);
    let mut ui = Harness::open_on(
        &repo,
        AFTER_BROOKSIDE_DUE,
        120,
        32,
        ThemeKind::Default,
        true,
    );
    ui.keys("2/brookside<Enter>");
    let screen = ui.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("Brookside"))
        .unwrap_or_default();
    assert!(row.contains("1 overdue"), "{screen}");
    assert!(
        screen.contains("Conditions: 1 overdue, due 2026-12-18"),
        "{screen}"
    );
    ui.keys("M");
    insta::assert_snapshot!("condition_met_form_120x32", ui.screen());
    ui.keys("<Tab>");
    ui.type_text("The certificate and the published parent workshop programme, with an interpreted session in March.");
    ui.keys("<Tab><Enter>");
    assert!(ui.screen().contains("as met now?"), "{}", ui.screen());
    ui.keys("y");
    ui.wait_until("recorded", |ui| {
        ui.screen().contains("✓ Recorded in commit")
    });
    ui.settle();
    let screen = ui.screen();
    assert!(
        screen.contains("Condition met: brookside-primary 2025-26 condition 1"),
        "{screen}"
    );
    let row = screen
        .lines()
        .find(|l| l.contains("Brookside"))
        .unwrap_or_default();
    assert!(!row.contains("overdue"), "{screen}");
    let path = "conditions/brookside-primary/2025-26/2026-06-17-initial/1.ron";
    let text = std::fs::read_to_string(repo.join(path)).unwrap();
    assert!(text.contains("met_on: \"2027-01-06\""), "{text}");
    assert!(text.contains("interpreted session"), "{text}");
    assert_eq!(sandbox.git_text(&repo, &["status", "--porcelain"]), "");
    let (_, audit) = sandbox.audit_json(&repo, &["--on", "2027-01-06"]);
    assert!(
        common::findings_of(&audit, "condition-overdue").is_empty(),
        "{audit:#}"
    );
    // The school's history lists the record among its commits.
    ui.keys("H");
    ui.wait_until("the history is read", |ui| {
        ui.screen().contains("Condition met:")
    });
    let screen = ui.screen();
    let row = screen
        .lines()
        .find(|l| l.contains("Condition met:"))
        .unwrap_or_default();
    assert!(row.contains("condition"), "{screen}");
}

#[test]
fn the_agenda_names_a_schools_outstanding_conditions() {
    let sandbox = Sandbox::new();
    hermetic_git2();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let mut item = common::items::LITTLE_ACORNS;
    item[5] = "awarded-with-conditions";
    let extra = [
        "--recorder",
        "r-adeyemi",
        "--condition",
        "Publish the setting's wellbeing policy@2027-02-26",
        "--on",
        "2026-12-02",
    ];
    assert_exit(
        &sandbox
            .decide_command(&repo, &item, &extra)
            .output()
            .unwrap(),
        0,
    );
    let later = jiff::civil::date(2027, 3, 1);
    let mut ui = Harness::open_on(&repo, later, 120, 32, ThemeKind::Default, true);
    ui.keys("1g");
    let screen = ui.screen();
    assert!(
        screen.contains("Conditions: 1 overdue, due 2027-02-26"),
        "{screen}"
    );
}
