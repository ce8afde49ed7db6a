//! `kitemark export`: the minutes of the demo's June 2026 meeting and a feedback letter, as
//! documents (snapshots, read before they were committed), written to files only when new.

mod common;

use std::path::Path;

use common::{Sandbox, assert_exit, stderr, stdout};

#[test]
fn minutes_and_a_letter_for_the_demo() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let repo = repo.to_str().unwrap();
    let minutes = sandbox.kitemark(&[
        "export",
        "minutes",
        "--meeting",
        "2026-06-17",
        "--repo",
        repo,
    ]);
    assert_exit(&minutes, 0);
    insta::assert_snapshot!("minutes_2026-06-17", stdout(&minutes));
    let letter = sandbox.kitemark(&[
        "export",
        "letter",
        "westfield-junior",
        "2025-26",
        "--repo",
        repo,
    ]);
    assert_exit(&letter, 0);
    insta::assert_snapshot!("letter_westfield-junior_2025-26", stdout(&letter));
    // A year with two decisions: the kind chooses.
    let suicide_aware = sandbox.kitemark(&[
        "export",
        "letter",
        "oakfield-primary",
        "2024-25",
        "--kind",
        "suicide-aware",
        "--repo",
        repo,
    ]);
    assert_exit(&suicide_aware, 0);
    assert!(
        stdout(&suicide_aware).contains("suicide-aware"),
        "{}",
        stdout(&suicide_aware)
    );
}

#[test]
fn documents_are_written_to_new_files_only() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let repo = repo.to_str().unwrap();
    let file = sandbox.path("minutes.md");
    let args = [
        "export",
        "minutes",
        "--meeting",
        "2026-10-14",
        "-o",
        file.to_str().unwrap(),
        "--repo",
        repo,
    ];
    assert_exit(&sandbox.kitemark(&args), 0);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("## Minutes of the panel meeting of 14 October 2026"));
    let again = sandbox.kitemark(&args);
    assert_exit(&again, 2);
    assert!(
        stderr(&again).contains("never overwritten"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), written);

    let missing = sandbox.export_minutes(Path::new(repo), "2026-10-15", &[]);
    assert_exit(&missing, 2);
    assert!(stderr(&missing).contains("no meeting is recorded on 2026-10-15"));
    let undecided = sandbox.export_letter(Path::new(repo), "little-acorns-nursery", "2026-27", &[]);
    assert_exit(&undecided, 2);
    assert!(
        stderr(&undecided).contains("no decision is recorded for little-acorns-nursery 2026-27")
    );
}

#[test]
fn rev_names_the_commit_the_documents_are_about() {
    let sandbox = Sandbox::new();
    let (repo, made, head) = sandbox.demo_with_a_rewritten_decision();
    let export = |args: &[&str], rev: Option<&str>| {
        let mut all = vec!["export"];
        all.extend(args);
        all.extend(["--repo", repo.to_str().unwrap()]);
        if let Some(rev) = rev {
            all.extend(["--rev", rev]);
        }
        let out = sandbox.kitemark(&all);
        assert_exit(&out, 0);
        stdout(&out)
    };
    let minutes = ["minutes", "--meeting", "2026-12-02"];
    let letter = ["letter", "little-acorns-nursery", "2026-27"];

    let then = export(&minutes, Some(&made));
    assert!(then.contains("**Decision:** Awarded."), "{then}");
    assert!(
        then.contains(&format!("from commit `{}`", &made[..7])),
        "{then}"
    );
    let now = sandbox.export_minutes(&repo, "2026-12-02", &[]);
    let now = stdout(&now);
    assert!(
        now.contains(&format!("from commit `{}`", &head[..7])),
        "{now}"
    );

    let then = export(&letter, Some(&made));
    assert!(then.contains("A warm, whole-setting approach."), "{then}");
    assert!(!then.contains("Rewritten afterwards."), "{then}");
}

#[test]
fn documents_state_each_decision_as_recorded_and_say_it_was_changed() {
    let sandbox = Sandbox::new();
    // Little Acorns awarded in `made`; HEAD rewrites the file in place with plain git.
    let (repo, made, head) = sandbox.demo_with_a_rewritten_decision();
    let repo = repo.to_str().unwrap();
    let minutes = [
        "export",
        "minutes",
        "--meeting",
        "2026-12-02",
        "--repo",
        repo,
    ];
    let letter = [
        "export",
        "letter",
        "little-acorns-nursery",
        "2026-27",
        "--repo",
        repo,
    ];
    for args in [&minutes[..], &letter[..]] {
        let out = sandbox.kitemark(args);
        // Findings: the document is still given to the panel, and the exit code says so.
        assert_exit(&out, 1);
        let document = stdout(&out);
        assert!(
            document.contains("A warm, whole-setting approach."),
            "{document}"
        );
        assert!(!document.contains("Rewritten afterwards."), "{document}");
        assert!(!document.contains("Not awarded"), "{document}");
        assert!(
            document.contains(&format!("`{}`", &made[..7])),
            "{document}"
        );
        let warning = document
            .lines()
            .find(|l| l.contains("changed after it was recorded"))
            .unwrap_or_else(|| panic!("a warning in the document:\n{document}"));
        assert!(warning.contains(&head[..7]), "{warning}");
        let said = stderr(&out);
        assert!(
            said.contains("changed after it was recorded") && said.contains(&head[..7]),
            "{said}"
        );
        assert!(said.contains("was still"), "{said}");
    }

    // Written to a file: written all the same, with the warning in it.
    let file = sandbox.path("letter.md");
    let mut to_file = letter.to_vec();
    to_file.extend(["-o", file.to_str().unwrap()]);
    let out = sandbox.kitemark(&to_file);
    assert_exit(&out, 1);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("changed after it was recorded"),
        "{written}"
    );
    assert!(
        written.contains("**The panel's decision: Awarded.**"),
        "{written}"
    );
}

#[test]
fn a_year_with_decisions_of_several_kinds_needs_the_kind() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_riverside_decided_twice();
    let repo = repo.to_str().unwrap();
    let letter = |extra: &[&str]| {
        let mut args = vec!["export", "letter", "riverside-academy", "2026-27"];
        args.extend(extra);
        args.extend(["--repo", repo]);
        sandbox.kitemark(&args)
    };
    let unsaid = letter(&[]);
    assert_exit(&unsaid, 2);
    assert_eq!(stdout(&unsaid), "", "no letter is guessed");
    let why = stderr(&unsaid);
    assert!(
        why.contains("annual-review") && why.contains("suicide-aware") && why.contains("--kind"),
        "{why}"
    );

    let review = letter(&["--kind", "annual-review"]);
    assert_exit(&review, 0);
    let text = stdout(&review);
    assert!(text.contains("annual review, 2026-27"), "{text}");
    assert!(!text.to_lowercase().contains("suicide aware"), "{text}");
    let status = letter(&["--kind", "suicide-aware"]);
    assert_exit(&status, 0);
    assert!(stdout(&status).contains("2026-12-02-suicide-aware.ron"));
}

#[test]
fn a_letter_lists_its_conditions_and_the_next_one_says_which_were_met() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let letter = sandbox.export_letter(&repo, "brookside-primary", "2025-26", &[]);
    assert_exit(&letter, 0);
    let text = stdout(&letter);
    assert!(
        text.contains("### Conditions") && text.contains("1. By 18 December 2026: The deputy"),
        "{text}"
    );
    // Beechwood's first annual review, after the condition of its award was met.
    let next = sandbox.export_letter(&repo, "beechwood-school", "2023-24", &[]);
    assert_exit(&next, 0);
    let text = stdout(&next);
    assert!(
        text.contains("### Conditions set earlier")
            && text.contains(
                "completes Hertfordshire Steps Step On training (condition 1 of the panel's decision of 21 June 2023): met on 17 July 2023."
            ),
        "{text}"
    );
    // Its re-accreditation names only what was met since the decision before it.
    let renewal = sandbox.export_letter(&repo, "beechwood-school", "2025-26", &[]);
    let text = stdout(&renewal);
    assert!(text.contains("met on 14 July 2025"), "{text}");
    assert!(!text.contains("met on 17 July 2023"), "{text}");
}
