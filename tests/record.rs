//! One recording service under the command line and the interface: the same decision entered
//! either way is the same file and the same commit message; every meeting problem `validate`
//! knows is refused when recording, with the same code; conditions are written either way in
//! both.

mod common;

use std::path::{Path, PathBuf};

use common::tui::{Harness, MEETING_DAY};
use common::{Attendance, Sandbox, assert_exit, hermetic_git2, stderr, stdout};
use kitemark::model::decide::MEETING_RULES;
use kitemark::model::draft::MeetingDraft;
use kitemark::model::{AgendaItem, Conflict, ConflictKind, MemberId};
use kitemark::tui::theme::ThemeKind;

const DECISION: &str = "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron";

/// The demo with its upcoming meeting's attendance recorded, and a second copy of it.
fn two_copies(sandbox: &Sandbox) -> (PathBuf, PathBuf) {
    hermetic_git2();
    let first = sandbox.demo_with_attendance(Attendance::Recorded);
    let second = sandbox.copy_repo(&first, "copy");
    (first, second)
}

/// What a decision commit is, apart from when it was made: its file, its message, its author.
fn recorded(sandbox: &Sandbox, repo: &Path) -> (Vec<u8>, String, String) {
    let file = std::fs::read(repo.join(DECISION)).unwrap();
    let message = stdout(&sandbox.git(repo, &["log", "-1", "--format=%B"]));
    let author = stdout(&sandbox.git(repo, &["log", "-1", "--format=%an <%ae>"]));
    (file, message, author)
}

/// Opens the form on Little Acorns' initial application: awarded with conditions, the first
/// area judged with feedback, the overall feedback, and `condition` as typed.
fn fill_form(ui: &mut Harness, condition: &str) {
    ui.keys("e");
    assert!(ui.screen().contains("Little Acorns Day Nursery 2026-27"));
    // A form left unrecorded before is offered back as a draft: start afresh.
    if ui.screen().contains("A draft of this decision") {
        ui.keys("d");
    }
    // The second outcome, Awarded with conditions; then the first area's first level.
    ui.keys("<Enter>j <Tab><Tab><Tab> <Tab>");
    ui.type_text("Leadership is visible and well resourced.");
    // The overall feedback: the bottom of the list, three up.
    ui.keys("<Esc>Gkkk<Enter>");
    ui.type_text("A warm, whole-setting approach.\nNext: involve parents in the plan.");
    // The conditions: two up from the bottom.
    ui.keys("<Esc>Gkk<Enter>");
    ui.type_text(condition);
    ui.keys("<Esc>G");
}

#[test]
fn a_decision_from_the_command_line_and_from_the_form_is_the_same_commit() {
    let sandbox = Sandbox::new();
    let (by_form, by_command) = two_copies(&sandbox);

    // On the meeting's day, as the command line records by the clock, which is later.
    let mut ui = Harness::open_on(&by_form, MEETING_DAY, 100, 40, ThemeKind::Default, true);
    fill_form(&mut ui, "2027-03-31 Share the revised policy with parents");
    let screen = ui.screen();
    assert!(screen.contains("Ready to record"), "{screen}");
    ui.keys("<Enter><Enter>y");
    let status = ui.screen();
    assert!(status.contains("✓ Recorded in commit"), "{status}");
    drop(ui);

    // The feedback from a file, which ends with a line break as files do; everyone present
    // and not conflicted takes part, as in the form.
    let feedback = sandbox.path("feedback.txt");
    std::fs::write(
        &feedback,
        "A warm, whole-setting approach.\nNext: involve parents in the plan.\n",
    )
    .unwrap();
    let out = sandbox.kitemark(&[
        "decide",
        "little-acorns-nursery",
        "2026-27",
        "--repo",
        by_command.to_str().unwrap(),
        "--kind",
        "initial",
        "--outcome",
        "awarded-with-conditions",
        "--meeting",
        "2026-12-02",
        "--recorder",
        "r-adeyemi",
        "--judgement",
        "leadership-management=not-yet-evidenced",
        "--area-feedback",
        "leadership-management=Leadership is visible and well resourced.",
        "--feedback-file",
        feedback.to_str().unwrap(),
        "--condition",
        "Share the revised policy with parents@2027-03-31",
    ]);
    assert_exit(&out, 0);

    let (form_file, form_message, form_author) = recorded(&sandbox, &by_form);
    let (cli_file, cli_message, cli_author) = recorded(&sandbox, &by_command);
    assert_eq!(
        String::from_utf8_lossy(&form_file),
        String::from_utf8_lossy(&cli_file)
    );
    assert_eq!(form_file, cli_file, "byte for byte");
    assert_eq!(form_message, cli_message);
    assert_eq!(form_author, cli_author);
    assert!(
        form_message.starts_with(
            "Decision: little-acorns-nursery 2026-27 initial: awarded-with-conditions\n"
        ),
        "{form_message}"
    );
}

/// How `kitemark decide --dry-run` shows Little Acorns awarded with one condition.
fn dry_run_with_condition(sandbox: &Sandbox, repo: &Path, condition: &str) -> (i32, String) {
    let out = sandbox.kitemark(&[
        "decide",
        "little-acorns-nursery",
        "2026-27",
        "--repo",
        repo.to_str().unwrap(),
        "--kind",
        "initial",
        "--outcome",
        "awarded-with-conditions",
        "--meeting",
        "2026-12-02",
        "--recorder",
        "r-adeyemi",
        "--feedback",
        "Well done.",
        "--condition",
        condition,
        "--dry-run",
    ]);
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    (
        out.status.code().unwrap_or(-1),
        stdout(&out) + &stderr(&out),
    )
}

#[test]
fn conditions_are_written_either_way_in_the_form_and_on_the_command_line() {
    let sandbox = Sandbox::new();
    hermetic_git2();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let due = "            text: \"Share the revised policy with parents\",\n            due: \"2027-03-31\",";
    let written = [
        "Share the revised policy with parents@2027-03-31",
        "2027-03-31 Share the revised policy with parents",
    ];
    let mut shown = Vec::new();
    for condition in written {
        let (code, text) = dry_run_with_condition(&sandbox, &repo, condition);
        assert_eq!(code, 0, "{condition:?}: {text}");
        assert!(text.contains(due), "{condition:?}: {text}");
        shown.push(text);
    }
    assert_eq!(shown[0], shown[1], "the same decision either way");
    let (code, text) = dry_run_with_condition(&sandbox, &repo, "soon Share the policy");
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("condition line 1: write the due date, then what the school must do"),
        "{text}"
    );

    for condition in written {
        let mut ui = Harness::open_on(&repo, MEETING_DAY, 100, 40, ThemeKind::Default, true);
        fill_form(&mut ui, condition);
        let screen = ui.screen();
        assert!(
            screen.contains("Ready to record") && screen.contains("✓ Conditions"),
            "{condition:?}: {screen}"
        );
        // Nothing recorded: the next syntax starts from the same form.
        ui.keys("<Esc>");
    }
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), head);
}

/// A meeting problem: its code, the options of `kitemark meeting` that make it, and the same
/// change to the meeting's draft.
struct Case {
    code: &'static str,
    options: &'static [&'static str],
    edit: fn(&mut MeetingDraft),
}

fn member(id: &str) -> MemberId {
    id.parse().unwrap()
}

fn item(school: &str, year: &str, kind: &str) -> AgendaItem {
    AgendaItem {
        school: school.parse().unwrap(),
        year: year.parse().unwrap(),
        kind: kind.parse().unwrap(),
    }
}

fn conflict(member_id: &str, school: &str, reason: &str) -> Conflict {
    Conflict {
        member: member(member_id),
        school: school.parse().unwrap(),
        kind: ConflictKind::Personal,
        reason: reason.into(),
    }
}

const CASES: [Case; 9] = [
    Case {
        code: "unknown-member",
        options: &["--present", "nobody"],
        edit: |d| d.present.push(member("nobody")),
    },
    Case {
        code: "chair-absent",
        options: &["--chair", "s-kaur"],
        edit: |d| d.chair = Some(member("s-kaur")),
    },
    Case {
        code: "duplicate-id",
        options: &["--present", "t-whitlock"],
        edit: |d| d.present.push(member("t-whitlock")),
    },
    Case {
        code: "present-and-apologies",
        options: &["--apologies", "t-whitlock"],
        edit: |d| d.apologies = vec![member("t-whitlock")],
    },
    Case {
        code: "unknown-school",
        options: &[
            "--conflict",
            "t-whitlock:no-such-school:personal:A governor",
        ],
        edit: |d| d.conflicts = vec![conflict("t-whitlock", "no-such-school", "A governor")],
    },
    Case {
        code: "empty-text",
        options: &["--conflict", "t-whitlock:little-acorns-nursery:personal: "],
        edit: |d| d.conflicts = vec![conflict("t-whitlock", "little-acorns-nursery", "")],
    },
    Case {
        code: "duplicate-agenda-item",
        options: &[
            "--agenda",
            "little-acorns-nursery/2026-27/initial",
            "--agenda",
            "little-acorns-nursery/2026-27/initial",
        ],
        edit: |d| d.agenda = vec![item("little-acorns-nursery", "2026-27", "initial"); 2],
    },
    Case {
        code: "unknown-submission",
        options: &["--agenda", "little-acorns-nursery/2019-20/initial"],
        edit: |d| d.agenda = vec![item("little-acorns-nursery", "2019-20", "initial")],
    },
    Case {
        code: "unknown-kind",
        options: &["--agenda", "little-acorns-nursery/2026-27/no-such-kind"],
        edit: |d| d.agenda = vec![item("little-acorns-nursery", "2026-27", "no-such-kind")],
    },
];

/// The demo's upcoming meeting as `kitemark meeting` starts it: chaired by r-adeyemi, with
/// [`common::PRESENT`] present.
fn base_draft(catalog: &kitemark::model::catalog::Catalog) -> MeetingDraft {
    let date = jiff::civil::date(2026, 12, 2);
    let mut draft = MeetingDraft::from_meeting(&catalog.meetings[&date]);
    draft.chair = Some(member("r-adeyemi"));
    draft.present = common::PRESENT.iter().map(|m| member(m)).collect();
    // Without the demo's readers: the rules about readers have their own codes and cases.
    draft.readers.clear();
    draft
}

/// The codes `kitemark validate` reports for the meeting's file once `text` is committed
/// there, in a copy of `repo`.
fn validated(sandbox: &Sandbox, repo: &Path, name: &str, text: &str) -> Vec<String> {
    let copy = sandbox.copy_repo(repo, name);
    std::fs::write(copy.join("meetings/2026-12-02.ron"), text).unwrap();
    sandbox.git(&copy, &["commit", "-q", "-am", "The meeting, by hand"]);
    let out = sandbox.kitemark(&[
        "validate",
        "--format",
        "json",
        "--repo",
        copy.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut codes: Vec<String> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["path"] == "meetings/2026-12-02.ron")
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_meeting_problem_validate_knows_is_refused_when_recording_with_its_code() {
    let covered: Vec<&str> = CASES.iter().map(|c| c.code).collect();
    assert_eq!(covered, MEETING_RULES, "a case for every meeting rule");

    let sandbox = Sandbox::new();
    hermetic_git2();
    let repo = sandbox.demo();
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let panel = kitemark::repo::PanelRepo::open(&repo).unwrap();
    let snapshot = panel.snapshot_at(None).unwrap();
    let (catalog, _) = panel.load_catalog(&snapshot).unwrap();
    let ctx = kitemark::record::Context {
        repo: &panel,
        snapshot: &snapshot,
        catalog: &catalog,
        interactive: false,
        today: jiff::civil::date(2026, 12, 2),
    };

    // The meeting as it starts is fine every way.
    let plan = kitemark::record::prepare_meeting(ctx, &base_draft(&catalog));
    assert!(plan.may_record(), "{:?}", plan.problems());
    assert_eq!(
        validated(&sandbox, &repo, "base", plan.text()),
        Vec::<String>::new()
    );

    for case in &CASES {
        let mut draft = base_draft(&catalog);
        (case.edit)(&mut draft);
        let plan = kitemark::record::prepare_meeting(ctx, &draft);
        let mut refused: Vec<String> = plan.refusals.iter().map(|r| r.rule.to_owned()).collect();
        refused.sort();
        refused.dedup();
        assert!(
            refused.contains(&case.code.to_owned()),
            "{}: {refused:?}",
            case.code
        );

        // The file it would write, committed by hand: validate finds the same problems.
        assert_eq!(
            validated(&sandbox, &repo, case.code, plan.text()),
            refused,
            "{}",
            case.code
        );

        let mut args = vec!["meeting", "2026-12-02", "--repo", repo.to_str().unwrap()];
        if !case.options.contains(&"--chair") {
            args.extend(["--chair", "r-adeyemi"]);
        }
        for m in common::PRESENT {
            args.extend(["--present", m]);
        }
        args.extend(case.options);
        let out = sandbox.kitemark(&args);
        assert_exit(&out, 1);
        let err = stderr(&out);
        for code in &refused {
            assert!(err.contains(&format!("[{code}]")), "{}: {err}", case.code);
        }
        assert!(err.contains("nothing was recorded"), "{err}");
    }
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), head);
}

#[test]
fn the_form_offers_the_areas_of_the_rubric_the_self_review_names() {
    let sandbox = Sandbox::new();
    hermetic_git2();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    // Little Acorns' self-review follows Kent's award, not the school's rubric, and the
    // agenda asks for that award's kind of decision.
    let review = repo.join("submissions/little-acorns-nursery/2026-27/self-review.ron");
    let text = std::fs::read_to_string(&review).unwrap();
    let text = text
        .replace("rubric: \"hymh-kitemark\",", "rubric: \"kent-resilience\",")
        .replace("rubric_version: \"2023.1\",", "rubric_version: \"2020.1\",");
    std::fs::write(&review, text).unwrap();
    let meeting = repo.join("meetings/2026-12-02.ron");
    let text = std::fs::read_to_string(&meeting).unwrap();
    let text = text.replacen(
        "school: \"little-acorns-nursery\",\n            year: \"2026-27\",\n            kind: \"initial\",",
        "school: \"little-acorns-nursery\",\n            year: \"2026-27\",\n            kind: \"award-application\",",
        1,
    );
    assert!(text.contains("award-application"), "{text}");
    std::fs::write(&meeting, text).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Kent's award"]);

    let mut ui = Harness::open(&repo, 120, 40, ThemeKind::Default, true);
    // The submission first, then its decision form.
    ui.keys("<Enter>");
    ui.wait_until("the submission is read", |ui| {
        ui.screen().contains("Award for Resilience")
    });
    ui.keys("e");
    let screen = ui.screen();
    assert!(
        screen.contains("Fields") && screen.contains("Check and record"),
        "the form is open: {screen}"
    );
    assert!(screen.contains("CL Curriculum learning"), "{screen}");
    assert!(!screen.contains("CTL Curriculum, teaching"), "{screen}");
}

/// The trailer of the last commit `git log` finds with `key` in `repo`.
fn trailer(sandbox: &Sandbox, repo: &Path, rev: &str, key: &str) -> String {
    let format = format!("--format=%(trailers:key={key},valueonly)");
    sandbox
        .git_text(repo, &["log", "-1", &format, rev])
        .trim()
        .to_owned()
}

#[test]
fn a_decision_names_the_commit_that_submitted_what_it_was_made_on() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_a_decision();
    // The branch had moved on since Little Acorns submitted: meetings and other decisions.
    let submitted = sandbox.git_text(
        &repo,
        &[
            "log",
            "-1",
            "--format=%H",
            "HEAD~1",
            "--",
            "submissions/little-acorns-nursery/2026-27",
        ],
    );
    let base = sandbox.git_text(&repo, &["rev-parse", "HEAD~1"]);
    assert_ne!(submitted, base, "the decision's base is not the submission");
    assert_eq!(
        trailer(&sandbox, &repo, "HEAD", "Submission-Commit"),
        submitted
    );
    let file = std::fs::read_to_string(repo.join(DECISION)).unwrap();
    assert!(
        file.contains(&format!("commit: \"{submitted}\"")),
        "made_on names the same commit:\n{file}"
    );
}

#[test]
fn the_demo_names_the_commit_that_submitted_each_decision() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let decisions = sandbox.git_text(
        &repo,
        &[
            "log",
            "--format=%H",
            "--grep=^Decision: ",
            "--",
            "decisions",
        ],
    );
    assert!(!decisions.is_empty());
    for commit in decisions.lines() {
        let school = trailer(&sandbox, &repo, commit, "School");
        let year = trailer(&sandbox, &repo, commit, "Year");
        let submitted = sandbox.git_text(
            &repo,
            &[
                "log",
                "-1",
                "--format=%H",
                &format!("{commit}~1"),
                "--",
                &format!("submissions/{school}/{year}"),
            ],
        );
        assert_eq!(
            trailer(&sandbox, &repo, commit, "Submission-Commit"),
            submitted,
            "the decision of {commit} on {school} {year}"
        );
    }
}
