//! Documents saved from the interface are about the commit on screen: opened at an earlier
//! commit (`kitemark open --rev REV`), the minutes and the letter it saves are those of that
//! commit, not of whatever the branch holds now.
//!
//! A letter saved from the interface is about the decision selected: with two decisions of
//! different kinds on one school's year, the submission opened from one of the agenda items
//! and a decision's commit in the History view each give the letter about that decision.
//!
//! The interface saves where `KITEMARK_EXPORT_DIR` says, which is read by the app's own
//! threads: this program has one test, so that nothing else reads the variable as it is set.

mod common;

use common::tui::{Harness, options};
use kitemark::tui::theme::ThemeKind;
use std::path::Path;

use common::{Sandbox, assert_exit, hermetic_git2, stdout};

const MINUTES: &str = "minutes-2026-12-02.md";
const LETTER: &str = "letter-little-acorns-nursery-2026-27-initial.md";

#[test]
fn documents_saved_from_the_interface() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let exports = sandbox.path("exports");
    // SAFETY: set once, before the interface starts any thread; no other test runs here.
    unsafe { std::env::set_var("KITEMARK_EXPORT_DIR", &exports) };
    the_minutes_and_the_letter_are_of_the_commit_on_screen(&sandbox, &exports);
    the_letter_is_about_the_decision_selected(&sandbox, &exports);
    word_documents_when_the_config_says_so(&exports);
}

fn the_minutes_and_the_letter_are_of_the_commit_on_screen(sandbox: &Sandbox, exports: &Path) {
    // REV: Little Acorns awarded, with the panel's feedback; since then the branch has moved
    // on, rewriting the decision's outcome and feedback.
    let (repo, rev, head) = sandbox.demo_with_a_rewritten_decision();
    // What HEAD's letter says, to be sure the documents can tell the two commits apart.
    let at_head = sandbox.export_letter(&repo, "little-acorns-nursery", "2026-27", &[]);
    assert_exit(&at_head, 1);
    assert!(stdout(&at_head).contains(&format!("`{}`", &head[..7])));

    let mut ui = Harness::open_at(&repo, &rev, 160, 48);
    let screen = ui.screen();
    assert!(
        screen.contains(&rev[..7]),
        "the commit on screen:\n{screen}"
    );

    // The agenda's meeting: its minutes.
    ui.keys("p");
    let screen = ui.screen();
    assert!(screen.contains(MINUTES), "{screen}");
    let minutes = std::fs::read_to_string(exports.join(MINUTES)).unwrap();
    assert!(minutes.contains("**Decision:** Awarded."), "{minutes}");
    assert!(!minutes.contains("Not awarded"), "{minutes}");
    assert!(
        minutes.contains(&format!("from commit `{}`", &rev[..7])),
        "{minutes}"
    );
    assert!(!minutes.contains(&head[..7]), "{minutes}");

    // The first agenda item's submission: the letter about its decision.
    ui.keys("<Enter>p");
    let screen = ui.screen();
    assert!(screen.contains(LETTER), "{screen}");
    let letter = std::fs::read_to_string(exports.join(LETTER)).unwrap();
    assert!(
        letter.contains("A warm, whole-setting approach."),
        "{letter}"
    );
    assert!(!letter.contains("Rewritten afterwards."), "{letter}");
    assert!(!letter.contains("Not awarded"), "{letter}");
    assert!(
        !letter.contains("changed after it was recorded"),
        "{letter}"
    );

    // At HEAD, where the decision's file was rewritten in place: the letter states the
    // decision as recorded, and the status line says the record was changed.
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, false);
    ui.keys("<Enter>p");
    let screen = ui.screen();
    let status = screen
        .lines()
        .find(|l| l.contains("changed after it was recorded"))
        .unwrap_or_else(|| panic!("a warning in the status line:\n{screen}"));
    assert!(status.contains(&head[..7]), "{screen}");
    let second = LETTER.replace(".md", "-2.md");
    let letter = std::fs::read_to_string(exports.join(second)).unwrap();
    assert!(
        letter.contains("A warm, whole-setting approach."),
        "{letter}"
    );
    assert!(letter.contains("changed after it was recorded"), "{letter}");
}

const REVIEW_LETTER: &str = "letter-riverside-academy-2026-27-annual-review.md";
const STATUS_LETTER: &str = "letter-riverside-academy-2026-27-suicide-aware.md";

/// Whether the letter saved as `name` is the annual review's (and not the suicide-aware
/// status's), read from `exports`.
fn is_the_annual_reviews(exports: &Path, name: &str) -> bool {
    let letter = std::fs::read_to_string(exports.join(name)).unwrap();
    letter.contains("annual review, 2026-27") && letter.contains("2026-12-02-annual-review.ron")
}

fn the_letter_is_about_the_decision_selected(sandbox: &Sandbox, exports: &Path) {
    let repo = sandbox.demo_with_riverside_decided_twice();
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, false);
    // The agenda lists the meeting's items in order: Little Acorns, Kingsmead, then
    // Riverside's annual review.
    ui.keys("jj");
    let screen = ui.screen();
    assert!(screen.contains("Riverside"), "{screen}");
    // Its submission (on the agenda, `p` saves the meeting's minutes).
    ui.keys("<Enter>p");
    let screen = ui.screen();
    assert!(
        screen.contains(REVIEW_LETTER),
        "from the submission:\n{screen}"
    );
    assert!(is_the_annual_reviews(exports, REVIEW_LETTER));

    // The school's history: the newest commit is the suicide-aware decision, the one before
    // it the annual review's.
    ui.keys("H");
    ui.keys("p");
    let screen = ui.screen();
    assert!(
        screen.contains(STATUS_LETTER),
        "the newest commit:\n{screen}"
    );
    ui.keys("jp");
    let screen = ui.screen();
    let second = REVIEW_LETTER.replace(".md", "-2.md");
    assert!(screen.contains(&second), "the commit before it:\n{screen}");
    assert!(is_the_annual_reviews(exports, &second));
}

/// With `export_format: "docx"` in the config file, `p` saves a Word file.
fn word_documents_when_the_config_says_so(exports: &Path) {
    // A demo of its own: the one the steps before share has a decision rewritten since.
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let options = kitemark::tui::app::Options {
        export_format: kitemark::export::Format::Docx,
        ..options()
    };
    let mut ui = Harness::with_options(&repo, options, 160, 48);
    ui.settle();
    ui.keys("p");
    let word = MINUTES.replace(".md", ".docx");
    let screen = ui.screen();
    assert!(screen.contains(&word), "{screen}");
    let bytes = std::fs::read(exports.join(&word)).unwrap();
    assert!(bytes.starts_with(b"PK"), "a Word file is a zip");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("word/document.xml"), "{text}");
}
