//! Live meeting mode end to end: the real binary on the demo in a real terminal (tmux), the
//! demo's upcoming meeting run as it stands from its first item to its minutes: North Vale,
//! whose readers agree, taken en bloc, the other nine decided through the form. The test runs
//! its own tmux server on a private socket and kills only that server.

mod common;

use common::tmux::{Tmux, kitemark};
use common::{Attendance, Sandbox};

#[test]
fn a_meeting_run_live_from_its_first_item_to_its_minutes() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
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
    let screen = tmux.wait_for("item 1 of 10");
    assert!(screen.contains("0 of 10 decided"), "{screen}");
    // The items whose reviews agree are offered en bloc; the chair confirms them.
    tmux.send(&["B"]);
    let screen = tmux.wait_for("En bloc: confirm these together");
    assert!(
        screen.contains("[x] North Vale Education Support Centre · Annual review"),
        "{screen}"
    );
    assert!(
        !screen.contains("Bramblefield"),
        "its reviews disagree:\n{screen}"
    );
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("En bloc: done");
    assert!(screen.contains("recorded in commit"), "{screen}");
    tmux.send(&["Space"]);
    tmux.wait_gone("En bloc: done");
    // Each item in turn: decided through the form unless it already is.
    for n in 1..=10 {
        let screen = tmux.wait_for(&format!("item {n} of 10"));
        if n == 4 {
            assert!(
                screen.contains("Maeve O'Connell leaves the room"),
                "{screen}"
            );
            assert!(screen.contains("✓ Decided"), "taken en bloc:\n{screen}");
        }
        if !screen.contains("✓ Decided") {
            tmux.send(&["Enter"]);
            tmux.wait_for("Check and record");
            // Where no review gives the outcome, the chair takes the first offered.
            tmux.to_outcome();
            if !tmux.capture().contains("◉") {
                tmux.send(&["Enter"]);
                tmux.wait_for("Space or Enter chooses");
                tmux.send(&["Space"]);
                tmux.wait_for("◉");
                tmux.send(&["Escape"]);
                tmux.wait_for("Enter edit");
            }
            tmux.send(&["G"]);
            tmux.wait_for("Ready to record");
            tmux.send(&["Enter"]);
            tmux.send(&["Enter"]);
            tmux.wait_for("Record the decision now?");
            tmux.send(&["y"]);
            let screen = tmux.wait_for("✓ Decided");
            assert!(screen.contains(&format!("item {n} of 10")), "{screen}");
        }
        if n < 10 {
            tmux.send(&["]"]);
        }
    }
    tmux.wait_for("10 of 10 decided");
    tmux.send(&["E"]);
    tmux.wait_for("Save the minutes now?");
    tmux.send(&["y"]);
    let screen = tmux.wait_for("✓ Saved");
    assert!(screen.contains("minutes-2026-12-02"), "{screen}");
    let minutes = std::fs::read_to_string(exports.join("minutes-2026-12-02.md")).unwrap();
    for name in [
        "Little Acorns Day Nursery",
        "North Vale Education Support Centre",
        "Bramblefield Primary School",
        "Kestrel House Education Centre",
    ] {
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
        11,
        "North Vale en bloc, nine decisions through the form and the proceedings:\n{log}"
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
    let bodies = sandbox.git_text(&repo, &["log", "--format=%B", &format!("{before}..HEAD")]);
    assert_eq!(bodies.matches("En-bloc: yes").count(), 1, "{bodies}");
    let decisions = sandbox.git_text(
        &repo,
        &[
            "log",
            "--name-only",
            "--format=",
            &format!("{before}..HEAD~1"),
        ],
    );
    for school in [
        "little-acorns-nursery",
        "kingsmead-sixth-form",
        "riverside-academy",
        "north-vale-esc",
        "bramblefield-primary",
        "thornbury-academy",
        "elmwood-primary",
        "fernhill-school",
        "kestrel-house-esc",
    ] {
        assert!(
            decisions.contains(&format!("decisions/{school}/")),
            "{decisions}"
        );
    }
}
