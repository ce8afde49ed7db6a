//! Opening a repository in the interface reads no submission: the lists come from the tree
//! and the small files (panel, rubrics, schools, meetings, decisions). The agenda's evidence
//! rules read their items' self-reviews only after the agenda is on screen, and a submission's
//! files are read when it is opened.
//!
//! The count of submission files read is kept for the whole process, so this file holds a
//! single test: nothing else in this binary reads while it counts.

mod common;

use std::collections::BTreeSet;

use common::tui::Harness;
use common::{Sandbox, hermetic_git2};
use kitemark::model::AcademicYear;
use kitemark::repo::{PanelRepo, submission_files_read};
use kitemark::synth::{Options, generate};
use kitemark::tui::app::AppEvent;
use kitemark::tui::loader::RequestKind;
use kitemark::tui::theme::ThemeKind;

/// Handles the loader's answers one by one until the repository has been read, and returns
/// the count of submission files read when the answer arrived. Counted before the answer is
/// handled: handling it asks for the evidence rules, which the worker starts reading at once.
fn open_and_count(harness: &mut Harness) -> usize {
    loop {
        let event = harness
            .events
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("the loader answers");
        let opened = matches!(&event, AppEvent::Loaded(l) if l.kind == RequestKind::Open);
        let read = submission_files_read();
        harness.app.handle(event);
        if opened && harness.app.is_open() {
            harness.buffer();
            return read;
        }
    }
}

/// Submission files in the repository at HEAD.
fn submission_files(repo: &PanelRepo) -> usize {
    let snapshot = repo.snapshot_at(None).unwrap();
    snapshot
        .schools
        .values()
        .flat_map(|school| school.years.values())
        .map(|year| year.files().count())
        .sum()
}

#[test]
fn opening_reads_no_submission_until_one_is_opened() {
    hermetic_git2();
    let sandbox = Sandbox::new();

    // The demo: its upcoming meeting has applications whose evidence rules need the
    // self-reviews.
    let demo = sandbox.demo();
    let before = submission_files_read();
    let mut ui = Harness::start(&demo, 160, 48, ThemeKind::Default, false);
    assert_eq!(
        open_and_count(&mut ui),
        before,
        "the agenda was drawn after reading submission files"
    );
    let screen = ui.screen();
    assert!(
        screen.contains("…"),
        "the rules still to check are marked:\n{screen}"
    );
    ui.settle();
    let after_agenda = submission_files_read();

    // What the agenda needs: one self-review for each item whose kind has evidence rules.
    let repo = PanelRepo::open(&demo).unwrap();
    let snapshot = repo.snapshot_at(None).unwrap();
    let (catalog, _) = repo.load_catalog(&snapshot).unwrap();
    let today = jiff::civil::date(2026, 11, 22);
    let meeting = catalog
        .current_meeting(today)
        .expect("the demo has a meeting");
    let needed: BTreeSet<(String, AcademicYear)> = meeting
        .agenda
        .iter()
        .filter(|item| {
            catalog
                .rubric_for_school(&item.school)
                .is_some_and(|r| r.evidence_rules_for(&item.kind).next().is_some())
        })
        .filter(|item| {
            snapshot
                .year(&item.school, item.year)
                .is_some_and(|y| y.self_review.is_some())
        })
        .map(|item| (item.school.to_string(), item.year))
        .collect();
    assert!(!needed.is_empty(), "the demo's agenda has evidence rules");
    assert_eq!(after_agenda - before, needed.len());
    assert!(needed.len() < submission_files(&repo));
    let screen = ui.screen();
    assert!(
        !screen.contains("checking the evidence rules"),
        "the evidence rules were checked:\n{screen}"
    );

    // Other screens read nothing more; opening a submission reads its files (and the year
    // before, for the count of changes per area).
    ui.keys("2");
    ui.keys("1");
    assert_eq!(submission_files_read(), after_agenda);
    ui.keys("<Enter>");
    let opened = submission_files_read() - after_agenda;
    assert!(
        (1..=4).contains(&opened),
        "opening one submission read {opened} files"
    );
    drop(ui);

    // A generated repository of 180 submission files opens, and settles, having read none:
    // its open meeting's annual reviews have no evidence rules.
    let generated = sandbox.path("generated");
    let options = Options {
        schools: 30,
        years: 3,
        ..Options::default()
    };
    let summary = generate(&generated, &options).unwrap();
    assert_eq!(summary.submissions, 90);
    let before = submission_files_read();
    let mut ui = Harness::start(&generated, 160, 48, ThemeKind::Default, false);
    assert_eq!(open_and_count(&mut ui), before);
    ui.settle();
    assert_eq!(submission_files_read(), before);
    let screen = ui.screen();
    assert!(
        screen.contains("annual-review") || screen.contains("Annual review"),
        "the generated repository opens on its undecided meeting:\n{screen}"
    );
    let repo = PanelRepo::open(&generated).unwrap();
    assert_eq!(submission_files(&repo), 180);
}
