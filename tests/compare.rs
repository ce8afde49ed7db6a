//! One comparison of two years under every view of it: `kitemark diff --format json`, the
//! interface's comparison screen and its submission screen (whose counts of changes come from
//! the comparison with the year before) all give what `kitemark::compare::compare_years` gives
//! for the same snapshot.

mod common;

use std::path::Path;
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use common::{Sandbox, assert_exit, hermetic_git2, stdout};
use kitemark::compare::{Later, compare_years};
use kitemark::model::{AcademicYear, SchoolId};
use kitemark::repo::PanelRepo;
use kitemark::tui::app::AppEvent;
use kitemark::tui::loader::{Loader, Request, RequestKind, Response};
use kitemark::tui::tag::Tag;
use serde_json::Value;

const SCHOOL: &str = "oakfield-primary";
const PLAN: &str = "submissions/oakfield-primary/2025-26/action-plan.ron";

fn year(text: &str) -> AcademicYear {
    text.parse().unwrap()
}

/// The entry point's comparison of two years at `rev` (HEAD for `None`), as JSON.
fn entry_point(repo: &Path, rev: Option<&str>, earlier: &str, later: &str) -> Value {
    let repo = PanelRepo::open(repo).unwrap();
    let snapshot = repo.snapshot_at(rev).unwrap();
    let (catalog, _) = repo.load_catalog(&snapshot).unwrap();
    let school: SchoolId = SCHOOL.parse().unwrap();
    let comparison = compare_years(
        &repo,
        &snapshot,
        &catalog,
        &school,
        year(earlier),
        Later::Year(year(later)),
    )
    .unwrap();
    serde_json::to_value(&comparison).unwrap()
}

/// `kitemark diff SCHOOL --format json` at `rev`, without what the command adds around the
/// comparison (the commit read and the summary line), which it checks.
fn command_line(sandbox: &Sandbox, repo: &Path, rev: &str) -> Value {
    let out = sandbox.kitemark(&[
        "diff",
        SCHOOL,
        "--repo",
        repo.to_str().unwrap(),
        "--rev",
        rev,
        "--format",
        "json",
    ]);
    assert_exit(&out, 0);
    let mut json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let object = json.as_object_mut().unwrap();
    assert_eq!(object.remove("commit").unwrap(), rev);
    let summary = object.remove("summary_text").unwrap();
    assert!(
        summary.as_str().unwrap().contains(" carried · "),
        "{summary}"
    );
    json
}

/// The interface's loader, opened at `rev`.
fn loader_at(repo: &Path, rev: &str) -> (Loader, Receiver<AppEvent>) {
    let (sender, events) = channel::<AppEvent>();
    let mut loader = Loader::spawn(repo.to_path_buf(), sender).unwrap();
    loader.request(
        Tag::app(),
        Request::Open {
            rev: Some(rev.to_owned()),
            today: jiff::civil::date(2026, 11, 22),
        },
    );
    match answer(&events, RequestKind::Open) {
        Response::Opened(Ok(_)) => {}
        other => panic!("the repository did not open: {other:?}"),
    }
    (loader, events)
}

/// The loader's next answer of `kind` (drafts and other answers are skipped).
fn answer(events: &Receiver<AppEvent>, kind: RequestKind) -> Response {
    loop {
        let event = events
            .recv_timeout(Duration::from_secs(30))
            .expect("the loader answers");
        if let AppEvent::Loaded(loaded) = event
            && loaded.kind == kind
        {
            return loaded.response;
        }
    }
}

#[test]
fn the_command_line_and_the_interface_compare_through_one_call() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let rev = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    // HEAD moves on: the later plan is rewritten, so that a comparison read from HEAD
    // instead of the commit asked for would show.
    let text = std::fs::read_to_string(repo.join(PLAN)).unwrap();
    let rewritten = text.replacen("status: NotStarted,", "status: Dropped,", 1);
    assert_ne!(rewritten, text);
    std::fs::write(repo.join(PLAN), &rewritten).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Drop an action"]);

    let expected = entry_point(&repo, Some(&rev), "2024-25", "2025-26");
    assert_ne!(
        entry_point(&repo, None, "2024-25", "2025-26"),
        expected,
        "HEAD's comparison differs from REV's"
    );
    assert_eq!(expected["earlier"]["year"], "2024-25");
    assert_eq!(expected["later"]["year"], "2025-26");

    // The command line.
    assert_eq!(command_line(&sandbox, &repo, &rev), expected);

    // The interface: the comparison screen's request, and the submission screen's, which
    // compares the year it shows with the one before.
    let (mut loader, events) = loader_at(&repo, &rev);
    loader.request(
        Tag::app(),
        Request::Diff {
            school: SCHOOL.parse().unwrap(),
            earlier: year("2024-25"),
            later: year("2025-26"),
        },
    );
    let Response::Diff(Ok(comparison)) = answer(&events, RequestKind::Diff) else {
        panic!("the comparison screen got no comparison");
    };
    assert_eq!(serde_json::to_value(&*comparison).unwrap(), expected);
    loader.request(
        Tag::app(),
        Request::Submission {
            school: SCHOOL.parse().unwrap(),
            year: year("2025-26"),
        },
    );
    let Response::Submission(Ok(view)) = answer(&events, RequestKind::Submission) else {
        panic!("the submission screen got no submission");
    };
    let comparison = view.comparison.expect("compared with the year before");
    assert_eq!(serde_json::to_value(&*comparison).unwrap(), expected);
}
