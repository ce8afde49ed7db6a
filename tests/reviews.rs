//! Members' reviews of agenda items, written before the meeting: `kitemark review` records
//! one as its author's commit, refuses a conflicted member's and one written once the meeting
//! has begun, lets a reviewer change theirs beforehand; the audit finds the same broken with
//! plain git, and validate points at what is wrong in the file.

mod common;

use std::path::Path;
use std::process::Output;

use common::{Sandbox, assert_exit, findings_of, stderr, stdout};

const MEETING: &str = "2026-12-02";
const WHITLOCK: (&str, &str) = (
    "Tom Whitlock",
    "tom.whitlock@herts-publichealth.example.org",
);
const LITTLE_ACORNS_REVIEW: &str =
    "reviews/little-acorns-nursery/2026-27/2026-12-02-initial/t-whitlock.ron";
const NORTH_VALE_REVIEW: &str =
    "reviews/north-vale-esc/2026-27/2026-12-02-annual-review/m-oconnell.ron";

/// `kitemark review SCHOOL 2026-27 --meeting 2026-12-02 --as MEMBER --recommend OUTCOME`
/// on `repo`, as on `on`, with `extra` options.
fn review(
    sandbox: &Sandbox,
    repo: &Path,
    school: &str,
    member: &str,
    outcome: &str,
    on: &str,
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "review",
        school,
        "2026-27",
        "--repo",
        repo.to_str().unwrap(),
        "--meeting",
        MEETING,
        "--as",
        member,
        "--recommend",
        outcome,
        "--on",
        on,
    ];
    args.extend_from_slice(extra);
    sandbox.kitemark(&args)
}

fn head(sandbox: &Sandbox, repo: &Path) -> String {
    sandbox.git_text(repo, &["rev-parse", "HEAD"])
}

const WHITLOCK_TEXT: &str = r#"(
    school: "little-acorns-nursery",
    year: "2026-27",
    kind: "initial",
    meeting: "2026-12-02",
    reviewer: "t-whitlock",
    recommendation: "awarded",
    summary: "A warm setting where every child is known well.",
    areas: [
        (
            area: "parents-carers",
            note: "Parents speak highly of the key-person system.",
        ),
    ],
    questions: [
        "How will the new room leader be supported?",
    ],
)
"#;

/// The command refused with exit `code`, saying `says`, and committed nothing: the branch is
/// still at `before`.
fn refused(sandbox: &Sandbox, repo: &Path, before: &str, out: &Output, code: i32, says: &str) {
    assert_exit(out, code);
    assert!(stderr(out).contains(says), "{}", stderr(out));
    assert_eq!(head(sandbox, repo), before);
}

fn whitlock_reviews(
    sandbox: &Sandbox,
    repo: &Path,
    on: &str,
    summary: &str,
) -> std::process::Output {
    review(
        sandbox,
        repo,
        "little-acorns-nursery",
        "t-whitlock",
        "awarded",
        on,
        &[
            "--summary",
            summary,
            "--area",
            "parents-carers=Parents speak highly of the key-person system.",
            "--question",
            "How will the new room leader be supported?",
        ],
    )
}

#[test]
fn a_review_is_recorded_by_its_author_as_one_commit_of_its_file() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let before = head(&sandbox, &repo);
    let out = whitlock_reviews(
        &sandbox,
        &repo,
        "2026-11-25",
        "A warm setting where every child is known well.",
    );
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains(LITTLE_ACORNS_REVIEW),
        "{}",
        stdout(&out)
    );
    assert_eq!(
        sandbox.git_text(&repo, &["rev-parse", "HEAD~1"]),
        before,
        "one commit"
    );
    assert_eq!(
        sandbox.git_text(&repo, &["show", "--name-status", "--format=", "HEAD"]),
        format!("A\t{LITTLE_ACORNS_REVIEW}")
    );
    assert_eq!(
        sandbox.git_text(&repo, &["show", &format!("HEAD:{LITTLE_ACORNS_REVIEW}")]),
        WHITLOCK_TEXT.trim_end()
    );
    let people = sandbox.git_text(&repo, &["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
    let whitlock = format!("{} <{}>", WHITLOCK.0, WHITLOCK.1);
    assert_eq!(people, format!("{whitlock}|{whitlock}"));
    let message = sandbox.git_text(&repo, &["log", "-1", "--format=%B"]);
    assert!(
        message.starts_with("Review: little-acorns-nursery 2026-27 initial by t-whitlock"),
        "{message}"
    );
    for trailer in [
        "School: little-acorns-nursery",
        "Year: 2026-27",
        "Meeting: 2026-12-02",
        "Reviewer: t-whitlock",
        "Recommendation: awarded",
    ] {
        assert!(message.contains(trailer), "{trailer} in {message}");
    }

    let shown = sandbox.kitemark(&[
        "review",
        "--repo",
        repo.to_str().unwrap(),
        "--show",
        MEETING,
    ]);
    assert_exit(&shown, 0);
    let line = stdout(&shown)
        .lines()
        .find(|l| l.starts_with("little-acorns-nursery"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        line.contains("t-whitlock") && line.contains("awarded"),
        "{}",
        stdout(&shown)
    );
}

#[test]
fn a_reviewer_changes_their_review_before_the_meeting_by_writing_it_again() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    assert_exit(
        &whitlock_reviews(&sandbox, &repo, "2026-11-25", "First thoughts."),
        0,
    );
    let first = head(&sandbox, &repo);
    assert_exit(
        &whitlock_reviews(
            &sandbox,
            &repo,
            "2026-11-30",
            "Second thoughts, after the visit.",
        ),
        0,
    );
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD~1"]), first);
    let text = sandbox.git_text(&repo, &["show", &format!("HEAD:{LITTLE_ACORNS_REVIEW}")]);
    assert!(text.contains("Second thoughts, after the visit."), "{text}");
    // The same again changes nothing and commits nothing.
    let again = whitlock_reviews(
        &sandbox,
        &repo,
        "2026-11-30",
        "Second thoughts, after the visit.",
    );
    assert_exit(&again, 0);
    assert!(
        stdout(&again).contains("Nothing to record"),
        "{}",
        stdout(&again)
    );
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD~1"]), first);
}

#[test]
fn a_conflicted_members_review_is_refused_and_nothing_is_committed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    // Declared at the meeting: m-oconnell supervises a trainee at North Vale.
    let before = head(&sandbox, &repo);
    let out = review(
        &sandbox,
        &repo,
        "north-vale-esc",
        "m-oconnell",
        "accepted",
        "2026-11-25",
        &[],
    );
    refused(&sandbox, &repo, &before, &out, 1, "[review-by-conflicted]");

    // By affiliation in panel.ron: d-hughes, who sent apologies, may review Riverside until
    // he is a governor there.
    let allowed = review(
        &sandbox,
        &repo,
        "riverside-academy",
        "d-hughes",
        "accepted",
        "2026-11-25",
        &["--kind", "annual-review", "--dry-run"],
    );
    assert_exit(&allowed, 0);
    let panel = repo.join("panel.ron");
    let text = std::fs::read_to_string(&panel).unwrap();
    let text = text.replacen(
        "\"westfield-junior\",",
        "\"westfield-junior\",\n                \"riverside-academy\",",
        1,
    );
    std::fs::write(&panel, text).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Governor at Riverside"]);
    let before = head(&sandbox, &repo);
    let out = review(
        &sandbox,
        &repo,
        "riverside-academy",
        "d-hughes",
        "accepted",
        "2026-11-25",
        &["--kind", "annual-review"],
    );
    assert_exit(&out, 1);
    let err = stderr(&out);
    assert!(
        err.contains("[review-by-conflicted]") && err.contains("affiliated"),
        "{err}"
    );
    assert!(err.contains("nothing was recorded"), "{err}");
    assert_eq!(head(&sandbox, &repo), before);
}

#[test]
fn a_review_is_refused_once_the_meeting_has_started() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let before = head(&sandbox, &repo);
    let out = whitlock_reviews(&sandbox, &repo, MEETING, "Written on the day.");
    refused(
        &sandbox,
        &repo,
        &before,
        &out,
        1,
        "[review-after-meeting-started]",
    );

    // Before its day, but once a decision of the meeting is recorded.
    let decided = sandbox.demo_with_a_decision();
    let before = head(&sandbox, &decided);
    let out = review(
        &sandbox,
        &decided,
        "kingsmead-sixth-form",
        "t-whitlock",
        "awarded",
        "2026-11-30",
        &[],
    );
    refused(
        &sandbox,
        &decided,
        &before,
        &out,
        1,
        "[review-after-meeting-started]",
    );
}

#[test]
fn the_audit_finds_a_conflicted_members_review_committed_with_plain_git() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let path = repo.join(NORTH_VALE_REVIEW);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        "(\n    school: \"north-vale-esc\",\n    year: \"2026-27\",\n    kind: \"annual-review\",\n    meeting: \"2026-12-02\",\n    reviewer: \"m-oconnell\",\n    recommendation: \"accepted\",\n)\n",
    )
    .unwrap();
    let who = ("Maeve O'Connell", "maeve.oconnell@herts-eps.example.org");
    sandbox.git_at(&repo, who, "2026-11-25T10:00:00+00:00", &["add", "-A"]);
    sandbox.git_at(
        &repo,
        who,
        "2026-11-25T10:00:00+00:00",
        &[
            "commit",
            "-q",
            "--no-gpg-sign",
            "-m",
            "Review of North Vale",
        ],
    );
    let (code, json) = sandbox.audit_json(&repo, &[]);
    assert_eq!(code, 1, "{json}");
    let found = findings_of(&json, "review-by-conflicted");
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["path"], NORTH_VALE_REVIEW);
}

#[test]
fn the_audit_finds_a_review_changed_with_plain_git_after_its_meetings_decision() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    assert_exit(
        &whitlock_reviews(&sandbox, &repo, "2026-11-25", "Before the meeting."),
        0,
    );
    sandbox.record_attendance(&repo, &common::PRESENT, &common::APOLOGIES);
    let mut decide = sandbox.decide_command(
        &repo,
        &common::items::KINGSMEAD,
        &["--recorder", "r-adeyemi"],
    );
    assert_exit(&decide.output().unwrap(), 0);
    let path = repo.join(LITTLE_ACORNS_REVIEW);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Before the meeting.", "Rewritten afterwards."),
    )
    .unwrap();
    // Dated before the meeting's day: the decision before it in the history is what shows it.
    sandbox.git_at(
        &repo,
        WHITLOCK,
        "2026-11-30T10:00:00+00:00",
        &["commit", "-q", "--no-gpg-sign", "-am", "Review revised"],
    );
    let changed = head(&sandbox, &repo);
    let (code, json) = sandbox.audit_json(&repo, &[]);
    assert_eq!(code, 1, "{json}");
    let late: Vec<_> = findings_of(&json, "review-after-meeting-started")
        .into_iter()
        .filter(|f| f["commit"] == changed.as_str())
        .collect();
    assert_eq!(late.len(), 1, "{json}");
    assert_eq!(late[0]["path"], LITTLE_ACORNS_REVIEW);
    assert!(
        findings_of(&json, "review-not-by-reviewer").is_empty(),
        "{json}"
    );
}

#[test]
fn the_audit_finds_a_review_committed_by_someone_else() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let path = repo.join(LITTLE_ACORNS_REVIEW);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, WHITLOCK_TEXT).unwrap();
    sandbox.git(&repo, &["add", "-A"]);
    sandbox.git_at(
        &repo,
        ("Pat Clerk", "pat.clerk@example.org"),
        "2026-11-25T10:00:00+00:00",
        &["commit", "-q", "--no-gpg-sign", "-m", "Review"],
    );
    let (_, json) = sandbox.audit_json(&repo, &[]);
    let found = findings_of(&json, "review-not-by-reviewer");
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["path"], LITTLE_ACORNS_REVIEW);
}

#[test]
fn validate_points_at_a_review_of_an_item_not_on_the_agenda() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let path =
        repo.join("reviews/oakfield-primary/2026-27/2026-12-02-annual-review/t-whitlock.ron");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        "(\n    school: \"oakfield-primary\",\n    year: \"2026-27\",\n    kind: \"annual-review\",\n    meeting: \"2026-12-02\",\n    reviewer: \"t-whitlock\",\n    recommendation: \"accepted\",\n)\n",
    )
    .unwrap();
    sandbox.git(&repo, &["add", "-A"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "Review"]);
    let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(
        text.contains(
            "reviews/oakfield-primary/2026-27/2026-12-02-annual-review/t-whitlock.ron:2:5: error: oakfield-primary/2026-27/annual-review is not on the agenda of the meeting of 2026-12-02 [not-on-agenda]"
        ),
        "{text}"
    );
}

/// The review form over the agenda, opened with W on Little Acorns, ten days before the
/// meeting.
#[test]
fn the_review_form_at_two_sizes() {
    let sandbox = Sandbox::new();
    common::hermetic_git2();
    let repo = sandbox.demo();
    for (w, h) in [(80, 24), (120, 40)] {
        let mut ui =
            common::tui::Harness::open(&repo, w, h, kitemark::tui::theme::ThemeKind::Default, true);
        ui.keys("W");
        let screen = ui.screen();
        assert!(screen.contains("Review · Little Acorns"), "{screen}");
        insta::assert_snapshot!(format!("review_form_{w}x{h}"), screen);
    }
}

#[test]
fn a_review_is_recorded_through_the_form() {
    let sandbox = Sandbox::new();
    common::hermetic_git2();
    let repo = sandbox.demo();
    let before = head(&sandbox, &repo);
    let mut ui = common::tui::Harness::open(
        &repo,
        120,
        40,
        kitemark::tui::theme::ThemeKind::Default,
        true,
    );
    // The reviewer: Tom Whitlock, the item's second reader (the form starts at its lead),
    // found by name; the first outcome, awarded.
    ui.keys("W");
    let whitlock_chosen = |ui: &mut common::tui::Harness| {
        ui.screen()
            .contains("Reviewer (↑↓): Tom Whitlock (t-whitlock)")
    };
    for key in ["k", "j"] {
        for _ in 0..12 {
            if whitlock_chosen(&mut ui) {
                break;
            }
            ui.keys(key);
        }
    }
    assert!(whitlock_chosen(&mut ui), "{}", ui.screen());
    ui.keys("<Tab><Enter><Tab>");
    ui.type_text("A warm setting where every child is known well.");
    ui.keys("<Tab>jjjjjjjj<Tab>");
    ui.type_text("Parents speak highly of the key-person system.");
    ui.keys("<Tab>");
    ui.type_text("How will the new room leader be supported?");
    ui.keys("<Tab>");
    let screen = ui.screen();
    assert!(screen.contains("✓ Ready"), "{screen}");
    ui.keys("<Enter>");
    assert!(ui.screen().contains("Record this review now?"));
    ui.keys("y");
    ui.wait_until("the review is recorded", |ui| {
        ui.screen().contains("✓ Recorded in commit")
    });
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD~1"]), before);
    assert_eq!(
        sandbox.git_text(&repo, &["show", &format!("HEAD:{LITTLE_ACORNS_REVIEW}")]),
        WHITLOCK_TEXT.trim_end()
    );
    let people = sandbox.git_text(&repo, &["log", "-1", "--format=%an <%ae>|%cn <%ce>"]);
    let whitlock = format!("{} <{}>", WHITLOCK.0, WHITLOCK.1);
    assert_eq!(people, format!("{whitlock}|{whitlock}"));
}

/// On the meeting's day the form shows what can no longer be written, and why.
#[test]
fn the_review_form_is_read_only_once_the_meeting_has_started() {
    let sandbox = Sandbox::new();
    common::hermetic_git2();
    let repo = sandbox.demo();
    let before = head(&sandbox, &repo);
    let mut ui = common::tui::Harness::open_on(
        &repo,
        common::tui::MEETING_DAY,
        120,
        40,
        kitemark::tui::theme::ThemeKind::Default,
        true,
    );
    ui.keys("W<Tab><Enter>");
    let screen = ui.screen();
    assert!(screen.contains("has started"), "{screen}");
    assert!(!screen.contains("Record this review now?"), "{screen}");
    ui.keys("y");
    assert_eq!(head(&sandbox, &repo), before);
}

#[test]
fn the_items_kind_is_the_schools_one_item_or_must_be_named() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let before = head(&sandbox, &repo);
    // Riverside has two items on the agenda: its annual review and a status.
    let out = review(
        &sandbox,
        &repo,
        "riverside-academy",
        "t-whitlock",
        "accepted",
        "2026-11-25",
        &[],
    );
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("name one with --kind"),
        "{}",
        stderr(&out)
    );
    // Oakfield has none.
    let out = review(
        &sandbox,
        &repo,
        "oakfield-primary",
        "t-whitlock",
        "accepted",
        "2026-11-25",
        &[],
    );
    refused(&sandbox, &repo, &before, &out, 2, "is not on the agenda");
}
