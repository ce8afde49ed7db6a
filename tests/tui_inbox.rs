//! The inbox screen: schools' workbooks dropped in a folder, listed with their state, their
//! problems cell by cell or the files submitting them would commit, and submitted from there.
//! The workbooks are written by `kitemark template --format xlsx` and filled as a school
//! would by `tests/fixtures/workbooks/fill.py` (openpyxl).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::tui::{Harness, options};
use common::{Sandbox, assert_exit, fixtures};
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

/// A workbook for a school's year as `kitemark template` writes it, filled as the school would
/// fill it (with a wrong self-assessment when `mistake`), saved as `inbox/NAME`.
fn workbook(sandbox: &Sandbox, repo: &Path, school: &str, year: &str, to: &Path, how: &[&str]) {
    let blank = sandbox.path(&format!("{school}-{year}-blank.xlsx"));
    if !blank.exists() {
        let out = sandbox.kitemark(&[
            "template",
            school,
            year,
            "--format",
            "xlsx",
            "--repo",
            repo.to_str().unwrap(),
            "-o",
            blank.to_str().unwrap(),
        ]);
        assert_exit(&out, 0);
    }
    // Written beside the inbox and moved in, so the screen never sees half a file.
    let part = sandbox.path("filling.xlsx");
    let status = Command::new("python3")
        .arg(fixtures().join("workbooks/fill.py"))
        .arg(&blank)
        .arg(&part)
        .args(how)
        .status()
        .expect("python3 with openpyxl is installed (.ci/run installs it)");
    assert!(status.success(), "fill.py failed");
    std::fs::rename(&part, to).unwrap();
}

/// A fresh demo and an empty inbox folder beside it.
fn demo_and_inbox() -> (Sandbox, PathBuf, PathBuf) {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let inbox = sandbox.path("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    (sandbox, repo, inbox)
}

#[test]
fn explore() {
    let (sandbox, repo, inbox) = demo_and_inbox();
    workbook(&sandbox, &repo, "meadowbank-infant", "2026-27", &inbox.join("meadowbank.xlsx"), &[]);
    workbook(&sandbox, &repo, "oakfield-primary", "2026-27", &inbox.join("oakfield.xlsx"), &["--mistake"]);
    let mut ui = Harness::with_options(&repo, inbox_options(&inbox, None), 120, 40);
    ui.settle();
    ui.keys("i");
    println!("{}", ui.screen());
    ui.keys("j");
    println!("{}", ui.screen());
}
