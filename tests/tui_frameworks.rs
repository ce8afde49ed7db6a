//! What is particular to each framework, as the interface shows it: a graded mark's scores,
//! total and grade, and the Kent toolkit's stage and evidence, on the submission and
//! comparison screens at 80×24 and 160×48.

mod common;

use std::path::PathBuf;

use common::tui::Harness;
use common::{Sandbox, assert_exit, shared_demo};
use kitemark::tui::theme::ThemeKind;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// The Kent demo as on the day its story is told, built once for these tests.
fn kent_demo() -> &'static PathBuf {
    static DEMO: std::sync::OnceLock<(Sandbox, PathBuf)> = std::sync::OnceLock::new();
    &DEMO
        .get_or_init(|| {
            let sb = Sandbox::new();
            let dir = sb.path("kent");
            assert_exit(
                &sb.kitemark(&[
                    "demo",
                    "--panel",
                    "kent",
                    "--dir",
                    dir.to_str().unwrap(),
                    "--no-open",
                    "--on",
                    "2026-11-22",
                ]),
                0,
            );
            (sb, dir)
        })
        .1
}

#[test]
fn a_kent_school_at_the_review_impact_stage() {
    for (w, h) in SIZES {
        let mut ui = Harness::open(kent_demo(), w, h, ThemeKind::Default, true);
        // Harbourside's award application: its submission, the student voice area, then the
        // comparison with the year before.
        ui.keys("<Enter>jjj");
        let screen = ui.screen();
        assert!(screen.contains("Stage: Review impact"), "{screen}");
        insta::assert_snapshot!(format!("kent_submission_{w}x{h}"), screen);
        ui.keys("d");
        let screen = ui.screen();
        assert!(
            screen.contains("stage Plan actions and outcomes → Review impact"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("kent_comparison_{w}x{h}"), screen);
    }
}

#[test]
fn a_graded_mark_school_with_its_scores_and_grade() {
    for (w, h) in SIZES {
        let mut ui = Harness::open(shared_demo(), w, h, ThemeKind::Default, true);
        // Bramblefield's annual review (the sixth item): its submission at the ethos and
        // environment theme, whose criterion the panel moderated last year, then the
        // comparison with that year.
        ui.keys("jjjjj<Enter>j");
        let screen = ui.screen();
        assert!(screen.contains("Score 53 of 63 · Advanced"), "{screen}");
        insta::assert_snapshot!(format!("graded_submission_{w}x{h}"), screen);
        ui.keys("d");
        let screen = ui.screen();
        // The summary wraps where the screen is narrow.
        let summary: String = screen
            .replace('┃', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            summary.contains("score 45 → 53 of 63 · Effective → Advanced"),
            "{screen}"
        );
        insta::assert_snapshot!(format!("graded_comparison_{w}x{h}"), screen);
    }
}
