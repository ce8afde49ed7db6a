//! The inbox screen: schools' workbooks dropped in a folder, listed with their state, their
//! problems cell by cell or the files submitting them would commit, and submitted from there.
//! The workbooks are written by `kitemark template --format xlsx` and filled as a school
//! would by `tests/fixtures/workbooks/fill.py` (openpyxl).

mod common;

use std::path::{Path, PathBuf};

use common::Sandbox;
use common::tui::{Harness, options};
use kitemark::tui::app::Options;
use kitemark::tui::config::Inbox;
use kitemark::tui::theme::ThemeKind;

/// The day of the demo, as the other screens' tests open it.
fn inbox_options(folder: &Path, member: Option<&str>) -> Options {
    Options {
        theme: ThemeKind::Default,
        colour: false,
        inbox: Inbox {
            folder: folder.to_path_buf(),
            member: member.map(|m| m.parse().unwrap()),
        },
        ..options()
    }
}

fn workbook(sandbox: &Sandbox, repo: &Path, school: &str, year: &str, to: &Path, how: &[&str]) {
    sandbox.filled_workbook(repo, school, year, to, how);
}

/// A fresh demo and an empty inbox folder beside it.
fn demo_and_inbox() -> (Sandbox, PathBuf, PathBuf) {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let inbox = sandbox.path("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    (sandbox, repo, inbox)
}

/// The screen as text with the sandbox's inbox folder named `<inbox>` and the commit in the
/// header as `0000000`, so that snapshots depend neither on where the temporary folder was
/// made nor on the clock the set-up's commit was made at.
fn shown(ui: &mut Harness, inbox: &Path) -> String {
    let screen = ui.screen().replace(inbox.to_str().unwrap(), "<inbox>");
    match screen.find("main@") {
        Some(at) if screen.is_char_boundary(at + 12) => {
            format!("{}main@0000000{}", &screen[..at], &screen[at + 12..])
        }
        _ => screen,
    }
}

/// An inbox with a workbook in each state: ready (Meadowbank), a problem (Oakfield), not a
/// workbook (notes), an old .xls, Westfield's as already submitted, and Westfield's changed
/// since.
fn inbox_of_every_state() -> (Sandbox, PathBuf, PathBuf) {
    let (sandbox, repo, inbox) = demo_and_inbox();
    let westfield = |name: &str, how: &[&str]| {
        workbook(
            &sandbox,
            &repo,
            "westfield-junior",
            "2026-27",
            &inbox.join(name),
            how,
        )
    };
    westfield("westfield.xlsx", &[]);
    common::hermetic_git2();
    let panel = kitemark::repo::PanelRepo::open(&repo).unwrap();
    let seen = kitemark::record::inbox::FileStamp::of(&inbox.join("westfield.xlsx")).unwrap();
    let done = kitemark::record::inbox::submit(
        &panel,
        &inbox,
        "westfield.xlsx",
        seen,
        &"t-whitlock".parse().unwrap(),
    )
    .unwrap();
    assert!(done.moved_to.is_ok());
    std::fs::copy(
        inbox.join("submitted/westfield.xlsx"),
        inbox.join("westfield-again.xlsx"),
    )
    .unwrap();
    westfield("westfield-revised.xlsx", &["--revised"]);
    workbook(
        &sandbox,
        &repo,
        "meadowbank-infant",
        "2026-27",
        &inbox.join("meadowbank.xlsx"),
        &[],
    );
    workbook(
        &sandbox,
        &repo,
        "oakfield-primary",
        "2026-27",
        &inbox.join("oakfield.xlsx"),
        &["--mistake"],
    );
    std::fs::write(
        inbox.join("notes.xlsx"),
        "Ring Oakfield about the evidence folder",
    )
    .unwrap();
    std::fs::write(inbox.join("old.xls"), [0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0]).unwrap();
    // Office's lock file of an open workbook is not listed.
    std::fs::write(inbox.join("~$meadowbank.xlsx"), "lock").unwrap();
    (sandbox, repo, inbox)
}

#[test]
fn the_inbox_lists_every_state_with_problems_or_the_files_to_commit() {
    let (_sandbox, repo, inbox) = inbox_of_every_state();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut ui = Harness::with_options(&repo, inbox_options(&inbox, None), w, h);
        ui.settle();
        ui.keys("i");
        let screen = shown(&mut ui, &inbox);
        for state in [
            "ready",
            "1 problem",
            "unreadable",
            "save as .xlsx",
            "already submitted",
            "changed since submitted",
        ] {
            assert!(screen.contains(state), "{state}:\n{screen}");
        }
        assert!(!screen.contains("~$"), "{screen}");
        // Meadowbank's, ready: the files it would commit, the author and the message.
        insta::assert_snapshot!(format!("inbox_ready_{w}x{h}"), screen);
        // The detail scrolls by pages to the end of the message: who enters it.
        ui.keys("<PageDown><PageDown>");
        let screen = shown(&mut ui, &inbox);
        assert!(screen.contains("Entered-By: r-adeyemi"), "{screen}");
        // Oakfield's, with its problem by sheet and cell.
        ui.keys("jj");
        insta::assert_snapshot!(format!("inbox_problem_{w}x{h}"), shown(&mut ui, &inbox));
        // Westfield's sent again with a change: it would replace the submission.
        ui.keys("G");
        insta::assert_snapshot!(format!("inbox_changed_{w}x{h}"), shown(&mut ui, &inbox));
        // The question before submitting, with the administrators to choose from.
        ui.keys("gaj");
        insta::assert_snapshot!(format!("inbox_question_{w}x{h}"), shown(&mut ui, &inbox));
        ui.keys("<Esc>");
        let screen = shown(&mut ui, &inbox);
        assert!(screen.contains("Not submitted."), "{screen}");
        assert!(inbox.join("meadowbank.xlsx").exists());
        // Only a ready workbook is submitted: one with problems says why not.
        ui.keys("jja");
        let screen = shown(&mut ui, &inbox);
        assert!(
            screen.contains("oakfield.xlsx has problems: the school must correct them"),
            "{screen}"
        );
    }
}

#[test]
fn a_missing_inbox_folder_says_how_to_set_one() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let inbox = sandbox.path("no-such-inbox");
    let mut ui = Harness::with_options(&repo, inbox_options(&inbox, None), 80, 24);
    ui.settle();
    // Elsewhere, the submit key says where workbooks are submitted from.
    ui.keys("a");
    assert!(ui.screen().contains("submitted from the inbox: press i"));
    ui.keys("i");
    let screen = shown(&mut ui, &inbox);
    assert!(screen.contains("does not exist yet"), "{screen}");
    insta::assert_snapshot!("inbox_missing_80x24", screen);
}

#[test]
fn submitting_commits_in_the_contact_s_name_entered_by_the_administrator_and_moves_the_workbook() {
    let (sandbox, repo, inbox) = demo_and_inbox();
    workbook(
        &sandbox,
        &repo,
        "meadowbank-infant",
        "2026-27",
        &inbox.join("meadowbank.xlsx"),
        &[],
    );
    // A workbook of that name was submitted before: it is kept, never overwritten.
    std::fs::create_dir(inbox.join("submitted")).unwrap();
    std::fs::write(inbox.join("submitted/meadowbank.xlsx"), "last year's").unwrap();
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);

    let mut ui = Harness::with_options(&repo, inbox_options(&inbox, None), 120, 40);
    ui.settle();
    ui.keys("i");
    // The first administrator is offered; the second is chosen.
    ui.keys("a");
    let screen = ui.screen();
    assert!(
        screen.contains("▶ Rosalind Adeyemi (r-adeyemi)"),
        "{screen}"
    );
    ui.keys("j");
    assert!(ui.screen().contains("▶ Tom Whitlock (t-whitlock)"));
    ui.keys("y");
    let screen = shown(&mut ui, &inbox);
    assert!(
        screen.contains("✓ Submitted meadowbank-infant 2026-27 in commit")
            && screen.contains("the workbook is now in submitted/meadowbank-2.xlsx"),
        "{screen}"
    );

    // One commit, on the one before, by the school's main contact, with the trailer.
    let parent = sandbox.git_text(&repo, &["rev-parse", "HEAD^"]);
    assert_eq!(parent.trim(), before.trim());
    let author = sandbox.git_text(&repo, &["log", "-1", "--format=%an <%ae>"]);
    assert_eq!(
        author.trim(),
        "Rachel Pemberton <r.pemberton@meadowbank-infant.example.sch.uk>"
    );
    let body = sandbox.git_text(&repo, &["log", "-1", "--format=%B"]);
    assert!(
        body.starts_with("Submission: meadowbank-infant 2026-27"),
        "{body}"
    );
    assert!(
        body.lines().any(|l| l == "Entered-By: t-whitlock"),
        "{body}"
    );
    let files = sandbox.git_text(&repo, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        files.lines().collect::<Vec<_>>(),
        [
            "submissions/meadowbank-infant/2026-27/action-plan.ron",
            "submissions/meadowbank-infant/2026-27/self-review.ron"
        ]
    );
    // What was committed is what the workbook says.
    let review = sandbox.git_text(
        &repo,
        &[
            "show",
            "HEAD:submissions/meadowbank-infant/2026-27/self-review.ron",
        ],
    );
    assert!(review.contains("Priya Natarajan"), "{review}");

    // The workbook moved to submitted/ beside the earlier one, which is untouched.
    assert!(!inbox.join("meadowbank.xlsx").exists());
    assert!(inbox.join("submitted/meadowbank-2.xlsx").exists());
    assert_eq!(
        std::fs::read_to_string(inbox.join("submitted/meadowbank.xlsx")).unwrap(),
        "last year's"
    );
    // The interface reads the new commit; the inbox is empty again.
    let screen = ui.screen();
    assert!(screen.contains("No workbooks in"), "{screen}");
    let head = sandbox.git_text(&repo, &["rev-parse", "--short=7", "HEAD"]);
    assert!(
        screen.contains(&format!("main@{}", head.trim())),
        "{screen}"
    );
}

#[test]
fn a_workbook_named_with_control_characters_is_shown_inert_and_submitted_by_its_real_name() {
    let (sandbox, repo, inbox) = demo_and_inbox();
    let name = "Meadowbank\u{1b}[2J\u{7}.xlsx";
    workbook(
        &sandbox,
        &repo,
        "meadowbank-infant",
        "2026-27",
        &inbox.join(name),
        &[],
    );
    let mut ui = Harness::with_options(&repo, inbox_options(&inbox, Some("t-whitlock")), 120, 40);
    ui.settle();
    ui.keys("i");
    let screen = ui.screen();
    assert!(
        !screen.contains('\u{1b}') && !screen.contains('\u{7}'),
        "{screen:?}"
    );
    assert!(screen.contains("Meadowbank␛[2J"), "{screen}");
    assert!(screen.contains(" ready "), "{screen}");
    ui.keys("ay");
    let screen = ui.screen();
    assert!(
        screen.contains("✓ Submitted meadowbank-infant 2026-27"),
        "{screen}"
    );
    assert!(!screen.contains('\u{1b}'), "{screen:?}");
    assert!(inbox.join("submitted").join(name).exists());
}
