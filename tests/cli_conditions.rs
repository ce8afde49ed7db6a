//! `kitemark conditions`: a condition set at a meeting is open, then overdue (and flagged by
//! the audit), until the panel records it met; recording names one condition, once.

mod common;

use std::path::{Path, PathBuf};

use common::{Attendance, Sandbox, assert_exit, findings_of, items, stderr, stdout};

const DECISION: &str = "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron";
const MET: &str = "conditions/little-acorns-nursery/2026-27/2026-12-02-initial/1.ron";
const LATER: &str = "2027-03-01";

/// The demo with Little Acorns awarded at the upcoming meeting with two conditions, the
/// first due on 2027-02-26 and the second on 2027-06-30.
fn awarded_with_conditions(sandbox: &Sandbox) -> PathBuf {
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let mut item = items::LITTLE_ACORNS;
    item[5] = "awarded-with-conditions";
    let extra = [
        "--recorder",
        "r-adeyemi",
        "--feedback",
        "A warm, whole-setting approach.",
        "--condition",
        "Publish the setting's wellbeing policy on its website@2027-02-26",
        "--condition",
        "Every key person completes the emotional wellbeing course@2027-06-30",
        "--on",
        "2026-12-02",
    ];
    assert_exit(
        &sandbox
            .decide_command(&repo, &item, &extra)
            .output()
            .unwrap(),
        0,
    );
    repo
}

fn conditions(sandbox: &Sandbox, repo: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "conditions",
        "little-acorns-nursery",
        "--repo",
        repo.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sandbox.kitemark(&args)
}

fn states(sandbox: &Sandbox, repo: &Path, on: &str) -> Vec<String> {
    let out = conditions(sandbox, repo, &["--on", on, "--format", "json"]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    json["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["decision"], DECISION);
            c["state"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn met(sandbox: &Sandbox, repo: &Path, n: &str) -> std::process::Output {
    conditions(
        sandbox,
        repo,
        &[
            "--met",
            n,
            "--evidence",
            "The policy is on the setting's website, dated and signed by the manager.",
            "--date",
            "2027-02-24",
            "--recorder",
            "t-whitlock",
            "--on",
            LATER,
        ],
    )
}

#[test]
fn a_condition_left_past_its_date_is_overdue_and_flagged_until_recorded_met() {
    let sandbox = Sandbox::new();
    let repo = awarded_with_conditions(&sandbox);
    assert_eq!(states(&sandbox, &repo, "2026-12-10"), ["open", "open"]);
    assert_eq!(states(&sandbox, &repo, LATER), ["overdue", "open"]);

    let text = conditions(&sandbox, &repo, &["--on", LATER]);
    assert!(
        stdout(&text).contains("overdue  2027-02-26  Publish the setting's wellbeing policy"),
        "{}",
        stdout(&text)
    );
    let (_, audit) = sandbox.audit_json(&repo, &["--on", LATER]);
    let ours = |audit: &serde_json::Value| -> Vec<serde_json::Value> {
        findings_of(audit, "condition-overdue")
            .into_iter()
            .filter(|f| f["school"] == "little-acorns-nursery")
            .cloned()
            .collect()
    };
    let overdue = ours(&audit);
    assert_eq!(overdue.len(), 1, "{audit:#}");
    let message = overdue[0]["message"].as_str().unwrap();
    for part in [
        "little-acorns-nursery",
        "condition 1",
        DECISION,
        "2027-02-26",
    ] {
        assert!(message.contains(part), "{message}");
    }
    let schools = sandbox.kitemark(&[
        "schools",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        LATER,
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&schools)).unwrap();
    let acorns = json["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "little-acorns-nursery")
        .unwrap();
    assert_eq!(acorns["outstanding"]["overdue"], 1);
    assert_eq!(acorns["outstanding"]["open"], 1);
    let table = sandbox.kitemark(&["schools", "--repo", repo.to_str().unwrap(), "--on", LATER]);
    let row = stdout(&table)
        .lines()
        .find(|l| l.starts_with("little-acorns-nursery"))
        .unwrap_or_default()
        .to_owned();
    assert!(row.ends_with("1 overdue, 1 open"), "{}", stdout(&table));

    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let out = met(&sandbox, &repo, "1");
    assert_exit(&out, 0);
    assert!(stdout(&out).contains(MET), "{}", stdout(&out));
    let changed = sandbox.git_text(&repo, &["diff", "--name-only", &before, "HEAD"]);
    assert_eq!(changed, MET, "one commit of one file");
    let message = sandbox.git_text(&repo, &["log", "-1", "--format=%an%n%B"]);
    assert!(message.starts_with("Tom Whitlock\n"), "{message}");
    for trailer in [
        format!("Decision: {DECISION}"),
        "Condition: 1".into(),
        "Met-On: 2027-02-24".into(),
    ] {
        assert!(message.contains(&trailer), "{message}");
    }
    assert!(
        sandbox
            .git_text(&repo, &["status", "--porcelain"])
            .is_empty()
    );

    assert_eq!(states(&sandbox, &repo, LATER), ["met", "open"]);
    let (_, audit) = sandbox.audit_json(&repo, &["--on", LATER]);
    assert!(ours(&audit).is_empty(), "{audit:#}");
    let validate = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    assert_exit(&validate, 0);
}

#[test]
fn recording_refuses_an_unknown_condition_and_one_met_already() {
    let sandbox = Sandbox::new();
    let repo = awarded_with_conditions(&sandbox);
    let head = || sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let before = head();
    let out = met(&sandbox, &repo, "3");
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("has no condition 3") && stderr(&out).contains("[unknown-condition]"),
        "{}",
        stderr(&out)
    );
    assert_eq!(head(), before, "nothing recorded");

    assert_exit(&met(&sandbox, &repo, "1"), 0);
    let after = head();
    let again = met(&sandbox, &repo, "1");
    assert_exit(&again, 2);
    assert!(
        stderr(&again).contains("was recorded as met on 2027-02-24")
            && stderr(&again).contains("[condition-met-already]"),
        "{}",
        stderr(&again)
    );
    assert_eq!(head(), after, "met once");
}

#[test]
fn a_record_of_a_condition_met_edited_in_place_is_found() {
    let sandbox = Sandbox::new();
    let repo = awarded_with_conditions(&sandbox);
    assert_exit(&met(&sandbox, &repo, "1"), 0);
    let path = repo.join(MET);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("2027-02-24", "2027-02-20")).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Earlier"]);
    let (code, audit) = sandbox.audit_json(&repo, &["--on", LATER]);
    assert_eq!(code, 1);
    let found = findings_of(&audit, "condition-record-modified");
    assert_eq!(found.len(), 1, "{audit:#}");
    assert_eq!(found[0]["path"], MET);
}
