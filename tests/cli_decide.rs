//! Recording the panel's work from the command line: decisions, meetings, submissions and
//! templates, with their checks, and several writers at once.

mod common;

use std::path::Path;

use common::items::LITTLE_ACORNS;
use common::{Attendance, Sandbox, assert_exit, items, stderr, stdout};

fn decide(sandbox: &Sandbox, repo: &Path, item: &[&str], extra: &[&str]) -> std::process::Output {
    sandbox.decide_command(repo, item, extra).output().unwrap()
}

#[test]
fn a_decision_is_recorded_with_its_trailers_and_validates() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let out = decide(
        &sandbox,
        &repo,
        &LITTLE_ACORNS,
        &[
            "--recorder",
            "t-whitlock",
            "--judgement",
            "leadership-management=secure",
            "--area-feedback",
            "leadership-management=Clear leadership.",
            "--feedback",
            "Well done.\nSecond paragraph.",
        ],
    );
    assert_exit(&out, 0);
    assert!(stdout(&out).starts_with(
        "Recorded decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron in commit "
    ));
    let show = stdout(&sandbox.git(
        &repo,
        &[
            "log",
            "-1",
            "-p",
            "--format=%an|%s%n%(trailers:only,unfold)",
        ],
    ));
    assert!(
        show.starts_with("Tom Whitlock|Decision: little-acorns-nursery 2026-27 initial: awarded"),
        "{show}"
    );
    assert!(
        show.contains("Outcome: awarded\nMeeting: 2026-12-02\nSchool: little-acorns-nursery"),
        "{show}"
    );
    // The feedback keeps its line break in the file.
    assert!(
        show.contains("+    feedback: \"Well done.\n+Second paragraph.\","),
        "{show}"
    );
    // Everyone present and not conflicted took part.
    assert!(
        show.contains(
            "Participants: a-nowak, j-bennett, l-fraser, m-oconnell, r-adeyemi, t-whitlock"
        ),
        "{show}"
    );
    assert_exit(
        &sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
        0,
    );
    assert_eq!(stdout(&sandbox.git(&repo, &["status", "--porcelain"])), "");
    // Award state follows at once.
    let schools = sandbox.kitemark(&[
        "schools",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-12-03",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&schools.stdout).unwrap();
    let nursery = json["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "little-acorns-nursery")
        .unwrap();
    assert_eq!(nursery["award"]["awarded_on"], "2026-12-02");
}

#[test]
fn refusals_say_which_rule_and_who() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let north_vale = [
        "north-vale-esc",
        "2026-27",
        "--kind",
        "annual-review",
        "--outcome",
        "accepted",
        "--meeting",
        "2026-12-02",
    ];
    // A conflicted member may not record, nor take part.
    let out = decide(&sandbox, &repo, &north_vale, &["--recorder", "m-oconnell"]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("Maeve O'Connell (m-oconnell) cannot record this decision: conflicted for north-vale-esc"), "{}", stderr(&out));
    let out = decide(
        &sandbox,
        &repo,
        &north_vale,
        &[
            "--recorder",
            "t-whitlock",
            "--member",
            "t-whitlock",
            "--member",
            "m-oconnell",
            "--member",
            "a-nowak",
            "--member",
            "j-bennett",
        ],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("cannot take part in this decision: conflicted for north-vale-esc"),
        "{}",
        stderr(&out)
    );
    // An absent member may not record, nor take part.
    let out = decide(&sandbox, &repo, &north_vale, &["--recorder", "s-kaur"]);
    assert_exit(&out, 1);
    assert!(stderr(&out).contains("Simran Kaur (s-kaur) cannot record this decision: not recorded as present at the meeting"), "{}", stderr(&out));
    // Too few taking part is no quorum.
    let out = decide(
        &sandbox,
        &repo,
        &north_vale,
        &[
            "--recorder",
            "t-whitlock",
            "--member",
            "t-whitlock",
            "--member",
            "a-nowak",
        ],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("among those taking part: no quorum: 2 member(s)"),
        "{}",
        stderr(&out)
    );
    // An item that is not on the meeting's agenda.
    let out = decide(
        &sandbox,
        &repo,
        &[
            "north-vale-esc",
            "2026-27",
            "--kind",
            "annual-review",
            "--outcome",
            "accepted",
            "--meeting",
            "2026-10-14",
        ],
        &["--recorder", "t-whitlock"],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains(
            "north-vale-esc 2026-27 annual-review is not on the agenda of the meeting on 2026-10-14"
        ),
        "{}",
        stderr(&out)
    );
    // A meeting whose attendance is not recorded yet: no decision.
    let r = repo.to_str().unwrap();
    assert_exit(
        &sandbox.kitemark(&[
            "meeting",
            "2027-01-20",
            "--repo",
            r,
            "--chair",
            "r-adeyemi",
            "--agenda",
            "westfield-junior/2025-26/annual-review",
        ]),
        0,
    );
    let out = decide(
        &sandbox,
        &repo,
        &[
            "westfield-junior",
            "2025-26",
            "--kind",
            "annual-review",
            "--outcome",
            "accepted",
            "--meeting",
            "2027-01-20",
        ],
        // As on the meeting's day, so that only its attendance stands in the way.
        &["--recorder", "t-whitlock", "--on", "2027-01-20"],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("attendance has not been recorded for the meeting on 2027-01-20"),
        "{}",
        stderr(&out)
    );
    // An outcome the kind does not allow; a condition missing.
    let out = decide(
        &sandbox,
        &repo,
        &[
            "north-vale-esc",
            "2026-27",
            "--kind",
            "annual-review",
            "--outcome",
            "awarded",
            "--meeting",
            "2026-12-02",
        ],
        &["--recorder", "t-whitlock"],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains(
            "allowed: accepted, accepted-with-conditions, revised-plan-requested, withdrawn"
        ),
        "{}",
        stderr(&out)
    );
    let out = decide(
        &sandbox,
        &repo,
        &[
            "north-vale-esc",
            "2026-27",
            "--kind",
            "annual-review",
            "--outcome",
            "accepted-with-conditions",
            "--meeting",
            "2026-12-02",
        ],
        &["--recorder", "t-whitlock"],
    );
    assert!(
        stderr(&out).contains("needs at least one condition"),
        "{}",
        stderr(&out)
    );
    // Nothing was recorded by any of these.
    let log = stdout(&sandbox.git(&repo, &["log", "-1", "--format=%s"]));
    assert_eq!(log.trim(), "Meeting 2027-01-20: agenda");
}

#[test]
fn several_writers_at_once_all_land_and_a_duplicate_is_refused() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let items: [[&str; 8]; 4] = [
        LITTLE_ACORNS,
        [
            "kingsmead-sixth-form",
            "2026-27",
            "--kind",
            "resubmission",
            "--outcome",
            "awarded",
            "--meeting",
            "2026-12-02",
        ],
        [
            "riverside-academy",
            "2026-27",
            "--kind",
            "annual-review",
            "--outcome",
            "accepted",
            "--meeting",
            "2026-12-02",
        ],
        [
            "north-vale-esc",
            "2026-27",
            "--kind",
            "annual-review",
            "--outcome",
            "accepted",
            "--meeting",
            "2026-12-02",
        ],
    ];
    let before: usize = stdout(&sandbox.git(&repo, &["rev-list", "--count", "HEAD"]))
        .trim()
        .parse()
        .unwrap();
    let spawn = |item: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kitemark"));
        cmd.args(["decide", "--repo", repo.to_str().unwrap()])
            .args(item)
            .args(["--recorder", "t-whitlock"]);
        cmd.env("HOME", sandbox.path("home"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null");
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        cmd.spawn().unwrap()
    };
    let children: Vec<_> = items.iter().map(|i| spawn(i)).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_exit(&out, 0);
    }
    let after: usize = stdout(&sandbox.git(&repo, &["rev-list", "--count", "HEAD"]))
        .trim()
        .parse()
        .unwrap();
    assert_eq!(after, before + 4, "every decision landed");
    assert!(sandbox.git(&repo, &["fsck", "--strict"]).status.success());
    assert_eq!(stdout(&sandbox.git(&repo, &["status", "--porcelain"])), "");

    // Two writers for the same item: one commit, one clear refusal.
    let riverside = [
        "riverside-academy",
        "2026-27",
        "--kind",
        "suicide-aware",
        "--outcome",
        "awarded",
        "--meeting",
        "2026-12-02",
    ];
    let twins = [spawn(&riverside), spawn(&riverside)];
    let outs: Vec<_> = twins
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let codes: Vec<Option<i32>> = outs.iter().map(|o| o.status.code()).collect();
    assert!(
        codes.contains(&Some(0)) && codes.contains(&Some(1)),
        "{codes:?}"
    );
    let refused = outs.iter().find(|o| o.status.code() == Some(1)).unwrap();
    assert!(stderr(refused).contains("a decision is already recorded at decisions/riverside-academy/2026-27/2026-12-02-suicide-aware.ron"), "{}", stderr(refused));
    let final_count: usize = stdout(&sandbox.git(&repo, &["rev-list", "--count", "HEAD"]))
        .trim()
        .parse()
        .unwrap();
    assert_eq!(final_count, after + 1);
    assert_exit(
        &sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
        0,
    );
}

#[test]
fn meetings_add_conflicts_from_affiliations_and_check_their_members() {
    let sandbox = Sandbox::new();
    let dir = sandbox.demo();
    let repo = dir.to_str().unwrap();
    let out = sandbox.kitemark(&[
        "meeting",
        "2027-01-20",
        "--repo",
        repo,
        "--chair",
        "r-adeyemi",
        "--present",
        "r-adeyemi",
        "--present",
        "d-hughes",
        "--present",
        "t-whitlock",
        "--present",
        "a-nowak",
        "--agenda",
        "westfield-junior/2025-26/annual-review",
        "--conflict",
        "a-nowak:westfield-junior:personal:Her nephew is a pupil there",
        "--dry-run",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("member: \"d-hughes\",\n            school: \"westfield-junior\",\n            kind: Institutional,\n            reason: \"affiliated with the school (panel.ron)\""), "{text}");
    assert!(text.contains("kind: Personal"), "{text}");
    assert!(
        text.contains("Meeting 2027-01-20: attendance and conflicts"),
        "{text}"
    );
    let out = sandbox.kitemark(&[
        "meeting",
        "2027-01-20",
        "--repo",
        repo,
        "--chair",
        "nobody",
        "--present",
        "r-adeyemi",
    ]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("\"nobody\" (chair) is not a member of the panel [unknown-member]"),
        "{}",
        stderr(&out)
    );
    let out = sandbox.kitemark(&[
        "meeting",
        "2027-01-20",
        "--repo",
        repo,
        "--chair",
        "r-adeyemi",
        "--conflict",
        "a-nowak:westfield-junior:grudge:x",
    ]);
    assert_exit(&out, 2);
}

#[test]
fn templates_carry_open_actions_and_submissions_are_checked_then_committed_by_the_school() {
    let sandbox = Sandbox::new();
    let dir = sandbox.demo();
    let repo = dir.to_str().unwrap();
    let folder = sandbox.path("next");
    std::fs::create_dir_all(&folder).unwrap();
    let plan = folder.join("action-plan.ron");
    assert_exit(
        &sandbox.kitemark(&[
            "template",
            "north-vale-esc",
            "2027-28",
            "--repo",
            repo,
            "-o",
            plan.to_str().unwrap(),
        ]),
        0,
    );
    let text = std::fs::read_to_string(&plan).unwrap();
    assert!(text.contains("year: \"2027-28\""), "{text}");
    assert!(text.contains("// Left out, finished in 2026-27:"), "{text}");
    assert!(
        !text.contains("status: Done"),
        "finished actions are left out"
    );
    // Never overwritten.
    assert_exit(
        &sandbox.kitemark(&[
            "template",
            "north-vale-esc",
            "2027-28",
            "--repo",
            repo,
            "-o",
            plan.to_str().unwrap(),
        ]),
        2,
    );

    // A broken plan is refused with its own path, line and column.
    std::fs::write(
        &plan,
        text.replacen("status: InProgress", "status: Finished", 1),
    )
    .unwrap();
    let out = sandbox.kitemark(&[
        "submit",
        "north-vale-esc",
        "2027-28",
        "--repo",
        repo,
        "--from",
        folder.to_str().unwrap(),
    ]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains(&format!("{}:", plan.display())),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("Unexpected variant named `Finished`"),
        "{}",
        stderr(&out)
    );

    std::fs::write(&plan, &text).unwrap();
    let submit = |entered_by: &str| {
        sandbox.kitemark(&[
            "submit",
            "north-vale-esc",
            "2027-28",
            "--repo",
            repo,
            "--from",
            folder.to_str().unwrap(),
            "--entered-by",
            entered_by,
        ])
    };
    // Entered by a member who is not an administrator, or by no member: refused, nothing
    // written.
    let before = sandbox.git_text(&dir, &["rev-parse", "HEAD"]);
    for (who, rule) in [
        ("s-kaur", "[entered-by-not-administrator]"),
        ("nobody", "[unknown-member]"),
    ] {
        let out = submit(who);
        assert_exit(&out, 1);
        assert!(stderr(&out).contains(rule), "{who}: {}", stderr(&out));
        assert_eq!(sandbox.git_text(&dir, &["rev-parse", "HEAD"]), before);
    }
    let out = submit("t-whitlock");
    assert_exit(&out, 0);
    let log = stdout(&sandbox.git(
        &dir,
        &[
            "log",
            "-1",
            "--format=%an|%s%n%(trailers:key=Entered-By)",
            "--name-only",
        ],
    ));
    assert!(
        log.starts_with("Priya Chaudhry|Submission: north-vale-esc 2027-28"),
        "{log}"
    );
    assert!(log.contains("Entered-By: t-whitlock"), "{log}");
    assert!(
        log.contains("submissions/north-vale-esc/2027-28/action-plan.ron"),
        "{log}"
    );
    assert_exit(&sandbox.kitemark(&["validate", "--repo", repo]), 0);
}

/// A decision is recorded at or after its meeting: one for a meeting that has not happened
/// yet (as of the clock, or of `--on`) is refused with its rule, and nothing is written.
#[test]
fn a_decision_for_a_meeting_not_yet_held_is_refused() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let early = sandbox
        .decide_command(
            &repo,
            &items::LITTLE_ACORNS,
            &["--recorder", "r-adeyemi", "--on", "2026-11-30"],
        )
        .output()
        .unwrap();
    assert_exit(&early, 1);
    let why = stderr(&early);
    assert!(why.contains("[meeting-ahead]"), "{why}");
    assert!(
        why.contains("2026-12-02") && why.contains("2026-11-30"),
        "{why}"
    );
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), before);
    assert_eq!(stdout(&sandbox.git(&repo, &["status", "--porcelain"])), "");

    // On the meeting's day it is recorded.
    let on_the_day = sandbox
        .decide_command(
            &repo,
            &items::LITTLE_ACORNS,
            &["--recorder", "r-adeyemi", "--on", "2026-12-02"],
        )
        .output()
        .unwrap();
    assert_exit(&on_the_day, 0);
    assert_ne!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), before);
}

#[test]
fn a_decision_recorded_by_mistake_is_corrected_at_the_same_meeting() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_a_decision();
    let original = common::LITTLE_ACORNS_DECISION;
    let made = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);

    // Recording it again is refused, and the refusal says what to do instead.
    let again = decide(
        &sandbox,
        &repo,
        &LITTLE_ACORNS,
        &["--recorder", "r-adeyemi"],
    );
    assert_exit(&again, 1);
    assert!(
        stderr(&again).contains(&format!("supersedes {original}")),
        "{}",
        stderr(&again)
    );

    let mut corrected = LITTLE_ACORNS;
    corrected[5] = "awarded-with-conditions";
    let correct = |supersedes: &str, feedback: &str| {
        decide(
            &sandbox,
            &repo,
            &corrected,
            &[
                "--recorder",
                "r-adeyemi",
                "--feedback",
                feedback,
                "--condition",
                "Share the policy with parents@2027-03-31",
                "--supersedes",
                supersedes,
            ],
        )
    };
    let out = correct(original, "Corrected on the day.");
    assert_exit(&out, 0);
    let second = original.replace(".ron", ".2.ron");
    let show = sandbox.git_text(&repo, &["show", "--name-status", "--format=%B", "HEAD"]);
    assert!(show.contains(&format!("A\t{second}")), "{show}");
    assert!(show.contains(&format!("Supersedes: {original}")), "{show}");
    assert_exit(
        &sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
        0,
    );

    // The original cannot be corrected twice; the correction can be corrected in turn.
    let twice = correct(original, "Twice.");
    assert_exit(&twice, 1);
    assert!(stderr(&twice).contains(&format!("corrected already, by {second}")));
    let out = correct(&second, "Corrected once more.");
    assert_exit(&out, 0);
    let third = original.replace(".ron", ".3.ron");
    assert!(repo.join(&third).is_file());

    // The log, the documents and the audit all take the last correction as the decision.
    let log = stdout(&sandbox.kitemark(&[
        "log",
        "little-acorns-nursery",
        "--repo",
        repo.to_str().unwrap(),
    ]));
    assert!(
        log.contains("superseded by 2026-12-02-initial.2.ron"),
        "{log}"
    );
    assert!(
        log.contains("superseded by 2026-12-02-initial.3.ron"),
        "{log}"
    );
    let letter = sandbox.export_letter(&repo, "little-acorns-nursery", "2026-27", &[]);
    assert_exit(&letter, 0);
    let letter = stdout(&letter);
    assert!(letter.contains("Corrected once more."), "{letter}");
    assert!(letter.contains("Share the policy with parents"), "{letter}");
    assert!(
        letter.contains("This decision corrects the panel's earlier record"),
        "{letter}"
    );
    let minutes = stdout(&sandbox.export_minutes(&repo, "2026-12-02", &[]));
    assert!(minutes.contains("Corrected once more."), "{minutes}");
    assert!(
        !minutes.contains("A warm, whole-setting approach."),
        "{minutes}"
    );
    assert!(
        minutes.contains(&format!(
            "**Corrects:** the decision recorded before it on this item, Awarded with conditions (`{second}`)"
        )),
        "{minutes}"
    );
    let (code, json) = sandbox.audit_json(&repo, &["--on", "2026-11-22"]);
    assert_eq!(code, 0, "{json:#}");
    assert_ne!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), made);
}

#[test]
fn a_meeting_recorded_again_unchanged_makes_no_commit() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    // The attendance as the demo's was recorded, again.
    let again = sandbox.attendance(&repo, &common::PRESENT, &common::APOLOGIES);
    assert_exit(&again, 0);
    assert!(
        stdout(&again).contains("Nothing to record: meetings/2026-12-02.ron says this already"),
        "{}",
        stdout(&again)
    );
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), before);
}
