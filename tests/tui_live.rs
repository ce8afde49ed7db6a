//! Live meeting mode: the demo's upcoming meeting run item by item on a test backend, with a
//! clock the tests set, so that the timers and the screens are the same at every run.

mod common;

use std::path::{Path, PathBuf};

use common::tui::{Harness, MEETING_DAY, options};
use common::{Attendance, Sandbox, assert_exit, items};
use jiff::civil::{Time, time};
use kitemark::tui::app::Options;
use kitemark::tui::clock::Clock;
use kitemark::tui::config::Live;
use kitemark::tui::theme::ThemeKind;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const THEMES: [ThemeKind; 2] = [ThemeKind::Default, ThemeKind::HighContrast];

/// Members of the panel who write reviews here, as panel.ron names them.
const WHITLOCK: (&str, &str) = (
    "Tom Whitlock",
    "tom.whitlock@herts-publichealth.example.org",
);
const NOWAK: (&str, &str) = ("Anna Nowak", "anna.nowak@hertsforlearning.example.org");
const ADEYEMI: (&str, &str) = (
    "Rosalind Adeyemi",
    "rosalind.adeyemi@hertfordshire-cc.example.org",
);
const OCONNELL: (&str, &str) = ("Maeve O'Connell", "maeve.oconnell@herts-eps.example.org");

/// Commits `text` at `path` in `repo` as `who`.
fn commit_as(sandbox: &Sandbox, repo: &Path, who: (&str, &str), path: &str, text: &str) {
    let full = repo.join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(&full, text).unwrap();
    sandbox.git(repo, &["add", path]);
    sandbox.git_at(
        repo,
        who,
        "2026-11-30T18:00:00+00:00",
        &["commit", "-q", "-m", &format!("Review: {path}")],
    );
}

fn review(member: &str, outcome: &str, summary: &str) -> String {
    format!(
        "(\n    school: \"north-vale-esc\",\n    year: \"2026-27\",\n    kind: \"annual-review\",\n    meeting: \"2026-12-02\",\n    reviewer: \"{member}\",\n    recommendation: \"{outcome}\",\n    summary: \"{summary}\",\n)\n"
    )
}

/// The demo with attendance taken (Maeve O'Connell present, and conflicted for North Vale
/// ESC, the fourth item) and Little Acorns decided. North Vale's readers are the demo's,
/// Rosalind Adeyemi leading and Tom Whitlock second, with their reviews in; Tom Whitlock has
/// since revised his to ask for conditions, so that the two disagree.
fn live_demo(sandbox: &Sandbox) -> PathBuf {
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let decide = sandbox
        .decide_command(&repo, &items::LITTLE_ACORNS, &["--recorder", "r-adeyemi"])
        .output()
        .unwrap();
    assert_exit(&decide, 0);
    let meeting = std::fs::read_to_string(repo.join("meetings/2026-12-02.ron")).unwrap();
    assert!(
        meeting.contains("lead: \"r-adeyemi\",\n            second: \"t-whitlock\""),
        "the demo's readers are not as expected:\n{meeting}"
    );
    let dir = "reviews/north-vale-esc/2026-27/2026-12-02-annual-review";
    assert!(
        repo.join(dir).join("r-adeyemi.ron").exists(),
        "the lead's review is the demo's"
    );
    commit_as(
        sandbox,
        &repo,
        WHITLOCK,
        &format!("{dir}/t-whitlock.ron"),
        &review(
            "t-whitlock",
            "accepted-with-conditions",
            "Parent voice still thin: ask for the survey results by spring.",
        ),
    );
    repo
}

fn open(repo: &Path, width: u16, height: u16, theme: ThemeKind, clock: &Clock) -> Harness {
    let options = Options {
        today: MEETING_DAY,
        theme,
        live: Live {
            minutes_per_item: 10,
            clock: clock.clone(),
        },
        ..options()
    };
    let mut ui = Harness::with_options(repo, options, width, height);
    ui.settle();
    ui
}

/// Moves the clock on and presses keys.
fn at(ui: &mut Harness, clock: &Clock, when: Time, keys: &str) {
    clock.set(when);
    ui.keys(keys);
}

/// The draft of a decision on Kingsmead's resubmission, as the form saves it.
fn kingsmead_draft(repo: &Path) {
    let dir = repo.join(".git/kitemark/drafts");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("decision_kingsmead-sixth-form_2026-27_resubmission_2026-12-02.ron"),
        "(\n    school: \"kingsmead-sixth-form\",\n    year: \"2026-27\",\n    kind: \"resubmission\",\n    meeting: \"2026-12-02\",\n    feedback: \"Begun before the meeting.\",\n)\n",
    )
    .unwrap();
}

/// The screen with the commit in the header left out: the decision recorded here is
/// committed at the time the test runs, so its id differs from run to run.
fn without_commit(screen: &str) -> String {
    match screen.find("main@") {
        Some(at) => {
            let end = (at + 12).min(screen.len());
            format!("{}main@{}{}", &screen[..at], "·".repeat(7), &screen[end..])
        }
        None => screen.to_owned(),
    }
}

#[test]
fn an_item_with_a_member_leaving_the_room() {
    let sandbox = Sandbox::new();
    let repo = live_demo(&sandbox);
    kingsmead_draft(&repo);
    for (w, h) in SIZES {
        for theme in THEMES {
            // Each run starts the meeting afresh.
            let _ = std::fs::remove_file(repo.join(".git/kitemark/drafts/live_2026-12-02.ron"));
            let clock = Clock::fixed(time(9, 30, 0, 0));
            let mut ui = open(&repo, w, h, theme, &clock);
            ui.keys("L");
            at(&mut ui, &clock, time(9, 41, 0, 0), "]");
            at(&mut ui, &clock, time(9, 52, 0, 0), "]");
            at(&mut ui, &clock, time(10, 5, 0, 0), "]");
            ui.keys("n");
            ui.type_text("Governors' minutes seen.");
            ui.keys("<Esc>");
            clock.set(time(10, 11, 0, 0));
            let screen = ui.screen();
            assert!(
                screen.contains("1 of 10 decided · 41 min · 59 min left"),
                "{screen}"
            );
            assert!(screen.contains("6 min of 10"), "{screen}");
            assert!(screen.contains("Before this item:"), "{screen}");
            assert!(
                screen.contains("Maeve O'Connell leaves the room"),
                "{screen}"
            );
            insta::assert_snapshot!(
                format!("live_{w}x{h}_{}", theme.name()),
                without_commit(&screen)
            );
        }
    }
}

#[test]
fn the_member_who_left_may_return_and_an_item_over_time_is_marked() {
    let sandbox = Sandbox::new();
    let repo = live_demo(&sandbox);
    let clock = Clock::fixed(time(9, 30, 0, 0));
    let mut ui = open(&repo, 80, 24, ThemeKind::Default, &clock);
    ui.keys("L]]]");
    at(&mut ui, &clock, time(9, 45, 0, 0), "");
    let screen = ui.screen();
    assert!(screen.contains("15 min of 10 · over time"), "{screen}");
    assert!(
        screen.contains("Reviews: 2/2 in · ⚑ the reviews disagree"),
        "{screen}"
    );
    ui.keys("<Right>");
    let screen = ui.screen();
    assert!(screen.contains("item 5 of 10"), "{screen}");
    assert!(screen.contains("Maeve O'Connell may return."), "{screen}");
    ui.keys("<Left>[");
    assert!(ui.screen().contains("item 3 of 10"));
    ui.keys("[[[[");
    assert!(ui.screen().contains("item 1 of 10"), "not before the first");
}

#[test]
fn notes_survive_closing_and_reopening_live_mode() {
    let sandbox = Sandbox::new();
    let repo = live_demo(&sandbox);
    let clock = Clock::fixed(time(9, 30, 0, 0));
    {
        let mut ui = open(&repo, 80, 24, ThemeKind::Default, &clock);
        ui.keys("L]n");
        ui.type_text("Sixth-form mentors trained this term.");
        ui.keys("<Esc>");
        ui.wait_until("the run is saved", |_| {
            std::fs::read_to_string(repo.join(".git/kitemark/drafts/live_2026-12-02.ron"))
                .is_ok_and(|t| t.contains("mentors trained"))
        });
        ui.app.finish();
    }
    let mut ui = open(&repo, 80, 24, ThemeKind::Default, &clock);
    ui.keys("L");
    let screen = ui.screen();
    assert!(
        screen.contains("item 2 of 10"),
        "taken up where it was:\n{screen}"
    );
    assert!(
        screen.contains("Sixth-form mentors trained this term."),
        "{screen}"
    );
}

#[test]
fn the_agenda_marks_items_with_a_draft_and_items_decided() {
    let sandbox = Sandbox::new();
    let repo = live_demo(&sandbox);
    kingsmead_draft(&repo);
    let clock = Clock::fixed(time(9, 30, 0, 0));
    let mut ui = open(&repo, 160, 48, ThemeKind::Default, &clock);
    ui.keys("L");
    let screen = ui.screen();
    assert!(screen.contains("▶✓  1 Little Acorns"), "{screen}");
    assert!(screen.contains(" ✎  2 Kingsmead"), "{screen}");
    ui.keys("]");
    assert!(
        ui.screen()
            .contains("A decision draft is kept for this item")
    );
}

#[test]
fn a_decision_is_written_from_live_mode_and_the_item_shows_decided() {
    let sandbox = Sandbox::new();
    let repo = live_demo(&sandbox);
    let clock = Clock::fixed(time(9, 30, 0, 0));
    let mut ui = open(&repo, 120, 40, ThemeKind::Default, &clock);
    ui.keys("L]]]n");
    ui.type_text("Parent survey due in spring.");
    ui.keys("<Esc><Enter>");
    // The overall feedback: the lead's summary, then the notes.
    ui.keys("Gkkk<Enter>");
    let screen = ui.screen();
    assert!(
        screen.contains("A strong second review")
            && screen.contains("Parent survey due in spring."),
        "the form starts from the lead's review and the notes:\n{screen}"
    );
    ui.keys("<Esc>G");
    ui.wait_until("the check has run", |ui| {
        ui.screen().contains("Ready to record")
    });
    ui.keys("<Enter><Enter>y");
    let screen = ui.screen();
    assert!(screen.contains("✓ Recorded in commit"), "{screen}");
    assert!(
        screen.contains("Live meeting"),
        "back in live mode:\n{screen}"
    );
    assert!(screen.contains("✓ Decided: Accepted"), "{screen}");
    assert!(screen.contains("2 of 10 decided"), "{screen}");
}

#[test]
fn closing_the_meeting_records_its_proceedings_in_one_commit() {
    let sandbox = Sandbox::new();
    let repo = live_demo(&sandbox);
    let before = sandbox.git_text(&repo, &["rev-list", "--count", "HEAD"]);
    let clock = Clock::fixed(time(9, 30, 0, 0));
    let mut ui = open(&repo, 80, 24, ThemeKind::Default, &clock);
    ui.keys("L");
    at(&mut ui, &clock, time(9, 40, 0, 0), "]n");
    ui.type_text("Deferred to January.");
    ui.keys("<Esc>");
    at(&mut ui, &clock, time(9, 50, 0, 0), "]");
    at(&mut ui, &clock, time(10, 0, 0, 0), "E");
    let screen = ui.screen();
    assert!(screen.contains("Save the minutes now?"), "{screen}");
    let after = sandbox.git_text(&repo, &["rev-list", "--count", "HEAD"]);
    assert_eq!(
        after.parse::<u32>().unwrap(),
        before.parse::<u32>().unwrap() + 1
    );
    let files = sandbox.git_text(&repo, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, "proceedings/2026-12-02.ron");
    let author = sandbox.git_text(&repo, &["log", "-1", "--format=%an"]);
    assert_eq!(author, "Rosalind Adeyemi", "the chair records them");
    let text = std::fs::read_to_string(repo.join("proceedings/2026-12-02.ron")).unwrap();
    let at = |s: &str| {
        text.find(s)
            .unwrap_or_else(|| panic!("{s} missing:\n{text}"))
    };
    assert!(at("little-acorns-nursery") < at("kingsmead-sixth-form"));
    assert!(at("kingsmead-sixth-form") < at("riverside-academy"));
    assert!(!text.contains("north-vale-esc"), "not taken:\n{text}");
    assert!(text.contains("Deferred to January."));
    assert!(text.contains("opened: \"09:30:00\""), "{text}");
    assert!(text.contains("closed: \"10:00:00\""), "{text}");
}

#[test]
fn items_taken_en_bloc_but_one_pulled_out_for_discussion() {
    let sandbox = Sandbox::new();
    let repo = live_demo(&sandbox);
    let riverside = |kind: &str, member: &str, outcome: &str| {
        review(member, outcome, "Ready to confirm.")
            .replace("north-vale-esc", "riverside-academy")
            .replace("annual-review", kind)
    };
    // Each by the item's readers in the demo.
    for (kind, outcome, readers) in [
        (
            "annual-review",
            "accepted",
            [(ADEYEMI, "r-adeyemi"), (WHITLOCK, "t-whitlock")],
        ),
        (
            "suicide-aware",
            "awarded",
            [(OCONNELL, "m-oconnell"), (NOWAK, "a-nowak")],
        ),
    ] {
        for (who, member) in readers {
            commit_as(
                &sandbox,
                &repo,
                who,
                &format!("reviews/riverside-academy/2026-27/2026-12-02-{kind}/{member}.ron"),
                &riverside(kind, member, outcome),
            );
        }
    }
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let clock = Clock::fixed(time(9, 30, 0, 0));
    let mut ui = open(&repo, 120, 40, ThemeKind::Default, &clock);
    ui.keys("LB");
    let screen = ui.screen();
    assert!(
        screen.contains("En bloc: confirm these together"),
        "{screen}"
    );
    assert!(
        screen.contains("[x] Riverside Academy · Annual review"),
        "{screen}"
    );
    assert!(
        !screen.contains("[x] North Vale"),
        "its reviews disagree:\n{screen}"
    );
    // The annual review is pulled out; the status is confirmed.
    ui.keys(" ");
    assert!(ui.screen().contains("pulled out for discussion"));
    ui.keys("<Enter>");
    let screen = ui.screen();
    assert!(screen.contains("En bloc: done"), "{screen}");
    assert!(screen.contains("recorded in commit"), "{screen}");
    ui.keys(" ");
    let log = sandbox.git_text(&repo, &["log", "--format=%B", &format!("{before}..HEAD")]);
    assert_eq!(log.matches("En-bloc: yes").count(), 1, "{log}");
    assert!(log.contains("suicide-aware"), "{log}");
    // Riverside's annual review, pulled out, is still to decide.
    ui.keys("]]");
    let screen = ui.screen();
    assert!(screen.contains("item 3 of 10"), "{screen}");
    assert!(!screen.contains("✓ Decided"), "{screen}");
    ui.keys("]]");
    assert!(
        ui.screen().contains("✓ Decided: "),
        "the status, confirmed en bloc"
    );
}
