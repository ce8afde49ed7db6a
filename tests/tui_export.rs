//! Documents saved from the interface are about the commit on screen: opened at an earlier
//! commit (`kitemark open --rev REV`), the minutes and the letter it saves are those of that
//! commit, not of whatever the branch holds now.
//!
//! The interface saves where `KITEMARK_EXPORT_DIR` says, which is read by the app's own
//! threads: this program has one test, so that nothing else reads the variable as it is set.

mod common;

use common::tui::Harness;
use common::{Sandbox, assert_exit, hermetic_git2, stdout};

const MINUTES: &str = "minutes-2026-12-02.md";
const LETTER: &str = "letter-little-acorns-nursery-2026-27-initial.md";

#[test]
fn the_minutes_and_the_letter_are_of_the_commit_on_screen() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let exports = sandbox.path("exports");
    // SAFETY: set once, before the interface starts any thread; no other test runs here.
    unsafe { std::env::set_var("KITEMARK_EXPORT_DIR", &exports) };

    // REV: Little Acorns awarded, with the panel's feedback; since then the branch has moved
    // on, rewriting the decision's outcome and feedback.
    let (repo, rev, head) = sandbox.demo_with_a_rewritten_decision();
    // What HEAD's letter says, to be sure the documents can tell the two commits apart.
    let at_head = sandbox.kitemark(&[
        "export",
        "letter",
        "little-acorns-nursery",
        "2026-27",
        "--repo",
        repo.to_str().unwrap(),
    ]);
    assert_exit(&at_head, 0);
    assert!(stdout(&at_head).contains("Rewritten afterwards."));

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
}
