//! `kitemark audit` and `kitemark log` over histories built with git itself: each way of
//! breaking the rules is committed on purpose, and the audit must name the commit that did it.

mod common;

use std::path::Path;

use common::{PRESENT, Sandbox, assert_exit, findings_of, stdout};
use serde_json::Value;

const ROSALIND: (&str, &str) = (
    "Rosalind Adeyemi",
    "rosalind.adeyemi@hertfordshire-cc.example.org",
);

fn audit(sandbox: &Sandbox, repo: &Path, on: &str) -> (i32, Value) {
    sandbox.audit_json(repo, &["--on", on])
}

/// The findings of a rule, as (commit, message).
fn findings(json: &Value, rule: &str) -> Vec<(String, String)> {
    findings_of(json, rule)
        .iter()
        .map(|f| {
            (
                f["commit"].as_str().unwrap().to_owned(),
                f["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A decision file written by hand, made on the school's current files, for the demo's
/// meeting of 2026-12-02.
fn decision_by_hand(
    sandbox: &Sandbox,
    repo: &Path,
    item: (&str, &str, &str, &str),
    participants: &[&str],
    recorder: &str,
) -> String {
    let (school, year, kind, outcome) = item;
    let head = sandbox.git_text(repo, &["rev-parse", "HEAD"]);
    let files: String = ["self-review.ron", "action-plan.ron"]
        .iter()
        .map(|f| {
            let path = format!("submissions/{school}/{year}/{f}");
            let blob = sandbox.git_text(repo, &["rev-parse", &format!("HEAD:{path}")]);
            format!("            (path: \"{path}\", blob: \"{blob}\"),\n")
        })
        .collect();
    let participants: String = participants.iter().map(|p| format!("\"{p}\", ")).collect();
    let text = format!(
        "(\n    school: \"{school}\",\n    year: \"{year}\",\n    kind: \"{kind}\",\n    meeting: \"2026-12-02\",\n    outcome: \"{outcome}\",\n    feedback: \"Written by hand.\",\n    participants: [{participants}],\n    recorder: \"{recorder}\",\n    made_on: (\n        commit: \"{head}\",\n        files: [\n{files}        ],\n    ),\n)\n"
    );
    let path = format!("decisions/{school}/{year}/2026-12-02-{kind}.ron");
    std::fs::create_dir_all(repo.join(&path).parent().unwrap()).unwrap();
    std::fs::write(repo.join(&path), text).unwrap();
    path
}

fn commit_as(
    sandbox: &Sandbox,
    repo: &Path,
    who: (&str, &str),
    path: &str,
    message: &str,
) -> String {
    sandbox.git_as(repo, who, &["add", path]);
    sandbox.git_as(repo, who, &["commit", "-q", "-m", message]);
    sandbox.git_text(repo, &["rev-parse", "HEAD"])
}

#[test]
fn the_demo_history_audits_clean() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let out = sandbox.kitemark(&[
        "audit",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-11-22",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("Audit of 102 commits and 28 decisions"),
        "{text}"
    );
    assert!(text.contains("✓ The history is clean"), "{text}");
    // The one school that revised a year's submission for a further award is a note.
    assert!(text.contains("[submission-revised-after-decision] oakfield-primary 2024-25"));
    // Recording through kitemark keeps it clean.
    let other = Sandbox::new();
    let repo = other.demo_with_a_decision();
    let (code, json) = audit(&other, &repo, "2026-11-22");
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["errors"], 0);
}

#[test]
fn each_broken_rule_is_reported_with_the_commit_that_broke_it() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_a_decision();
    let recorded = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);

    // 1. The school edits its submission after the decision.
    let plan = "submissions/little-acorns-nursery/2026-27/action-plan.ron";
    let mut text = std::fs::read_to_string(repo.join(plan)).unwrap();
    text.push_str("// One more thought after the panel met.\n");
    std::fs::write(repo.join(plan), text).unwrap();
    let edited_submission = commit_as(
        &sandbox,
        &repo,
        (
            "Amira Hassan",
            "amira.hassan@little-acorns-nursery.example.sch.uk",
        ),
        plan,
        "Edit the plan after the decision",
    );

    // 2. The decision file is edited in place.
    let decision = "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron";
    let text = std::fs::read_to_string(repo.join(decision))
        .unwrap()
        .replace("A warm, whole-setting approach.", "Changed afterwards.");
    std::fs::write(repo.join(decision), text).unwrap();
    let edited_decision = commit_as(&sandbox, &repo, ROSALIND, decision, "Tidy the feedback");

    // 3. A decision recorded by a member who sent apologies.
    let path = decision_by_hand(
        &sandbox,
        &repo,
        ("kingsmead-sixth-form", "2026-27", "resubmission", "awarded"),
        &["r-adeyemi", "t-whitlock", "a-nowak", "s-kaur"],
        "s-kaur",
    );
    let absent = commit_as(
        &sandbox,
        &repo,
        ("Simran Kaur", "simran.kaur@hct-nhs.example.org"),
        &path,
        "Decision: kingsmead-sixth-form 2026-27 resubmission: awarded",
    );

    // 4. A decision committed by someone who is not on the panel.
    let path = decision_by_hand(
        &sandbox,
        &repo,
        ("riverside-academy", "2026-27", "annual-review", "accepted"),
        &["r-adeyemi", "t-whitlock", "a-nowak", "j-bennett"],
        "r-adeyemi",
    );
    let outsider = commit_as(
        &sandbox,
        &repo,
        ("Test Author", "author@test.example.org"),
        &path,
        "Decision: riverside-academy 2026-27 annual-review: accepted",
    );

    // 5. An award made by too few members.
    let path = decision_by_hand(
        &sandbox,
        &repo,
        ("riverside-academy", "2026-27", "suicide-aware", "awarded"),
        &["r-adeyemi", "t-whitlock"],
        "r-adeyemi",
    );
    let inquorate = commit_as(
        &sandbox,
        &repo,
        ROSALIND,
        &path,
        "Decision: riverside-academy 2026-27 suicide-aware: awarded",
    );

    let (code, json) = audit(&sandbox, &repo, "2026-12-01");
    assert_eq!(code, 1, "{json:#}");
    let only = |rule: &str| -> Vec<String> {
        findings(&json, rule)
            .into_iter()
            .map(|(commit, _)| commit)
            .collect()
    };
    assert_eq!(
        only("submission-changed-after-decision"),
        [edited_submission]
    );
    assert!(
        findings(&json, "submission-changed-after-decision")[0]
            .1
            .contains("action-plan.ron has changed since decisions/little-acorns-nursery")
    );
    assert_eq!(
        only("decision-modified"),
        std::slice::from_ref(&edited_decision)
    );
    assert_eq!(only("member-absent"), [absent.clone(), absent.clone()]);
    let absent_message = &findings(&json, "member-absent")[0].1;
    assert!(
        absent_message.contains("Simran Kaur (s-kaur) recorded")
            && absent_message.contains("sent apologies"),
        "{absent_message}"
    );
    assert_eq!(only("not-a-member"), std::slice::from_ref(&outsider));
    assert_eq!(only("author-not-recorder"), [outsider]);
    assert_eq!(only("no-quorum"), [inquorate]);

    // 6. North Vale's award (2024-11-27) had its annual review due on 2026-11-27.
    let granted = sandbox.git_text(
        &repo,
        &[
            "log",
            "--diff-filter=A",
            "--format=%H",
            "--",
            "decisions/north-vale-esc/2024-25/2024-11-27-initial.ron",
        ],
    );
    assert_eq!(only("review-overdue"), [granted]);
    let (_, before) = audit(&sandbox, &repo, "2026-11-22");
    assert!(findings(&before, "review-overdue").is_empty());

    // Nothing else: the decision recorded through kitemark is not blamed for any of it.
    for f in json["findings"].as_array().unwrap() {
        assert_ne!(f["commit"], recorded.as_str(), "{f:#}");
    }

    // The log shows what became of the edited decision, and the text report names commits.
    let log = sandbox.kitemark(&[
        "log",
        "little-acorns-nursery",
        "--repo",
        repo.to_str().unwrap(),
    ]);
    assert_exit(&log, 0);
    let log = stdout(&log);
    assert!(
        log.contains(&format!(
            "modified in {} (see kitemark audit)",
            &edited_decision[..7]
        )),
        "{log}"
    );
    let report = sandbox.kitemark(&[
        "audit",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-12-01",
    ]);
    assert_exit(&report, 1);
    assert!(stdout(&report).contains(&format!("✗ {} ", &edited_decision[..7])));
}

#[test]
fn the_log_lists_decisions_newest_first_with_corrections() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_a_decision();
    let first = sandbox.git_text(&repo, &["rev-parse", "--short=7", "HEAD"]);
    // A correction, decided at a later meeting: a new decision that supersedes the first.
    let mut meeting = vec![
        "meeting",
        "2026-12-04",
        "--repo",
        repo.to_str().unwrap(),
        "--chair",
        "r-adeyemi",
        "--agenda",
        "little-acorns-nursery/2026-27/initial",
    ];
    for m in PRESENT {
        meeting.extend(["--present", m]);
    }
    assert_exit(&sandbox.kitemark(&meeting), 0);
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
        "2026-12-04",
        "--recorder",
        "r-adeyemi",
        "--feedback",
        "Corrected.",
        "--condition",
        "Share the policy with parents@2027-03-31",
        "--supersedes",
        "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron",
    ]);
    assert_exit(&out, 0);
    let correction = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let out = sandbox.kitemark(&["log", "--repo", repo.to_str().unwrap(), "--format", "json"]);
    assert_exit(&out, 0);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let decisions = json["decisions"].as_array().unwrap();
    assert!(decisions.len() >= 23, "the demo's 22 and ours");
    let ours = decisions
        .iter()
        .find(|d| d["path"] == "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron")
        .unwrap();
    assert_eq!(ours["commit"].as_str().unwrap()[..7], first);
    assert_eq!(ours["author"], "Rosalind Adeyemi");
    assert_eq!(ours["outcome"], "awarded");
    assert_eq!(ours["meeting"], "2026-12-02");
    assert_eq!(
        ours["superseded_by"],
        serde_json::json!([
            "decisions/little-acorns-nursery/2026-27/2026-12-04-initial.ron",
            correction
        ])
    );
    assert_eq!(
        decisions[0]["supersedes"],
        "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron"
    );
    let text = stdout(&sandbox.kitemark(&[
        "log",
        "little-acorns-nursery",
        "--repo",
        repo.to_str().unwrap(),
    ]));
    assert!(
        text.contains(&format!(
            "superseded by 2026-12-04-initial.ron ({})",
            &correction[..7]
        )),
        "{text}"
    );
    // A correction keeps the history clean.
    let (code, json) = audit(&sandbox, &repo, "2026-11-22");
    assert_eq!(code, 0, "{json:#}");
    // Newest first.
    let dates: Vec<&str> = decisions
        .iter()
        .map(|d| d["date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);

    let unknown = sandbox.kitemark(&["log", "nowhere-school", "--repo", repo.to_str().unwrap()]);
    assert_exit(&unknown, 2);
}

#[test]
fn a_file_in_history_that_cannot_be_read_is_a_finding_not_a_clean_report() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let good = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
    std::fs::write(repo.join("panel.ron"), "(members: [").unwrap();
    let broken = commit_as(&sandbox, &repo, ROSALIND, "panel.ron", "Break the panel");
    // Mended at once: the history still holds the commit that could not be read.
    std::fs::write(repo.join("panel.ron"), good).unwrap();
    commit_as(&sandbox, &repo, ROSALIND, "panel.ron", "Mend the panel");

    let (code, json) = audit(&sandbox, &repo, "2026-11-22");
    assert_eq!(code, 1, "{json:#}");
    let found = findings_of(&json, "unreadable-file");
    assert_eq!(found.len(), 1, "{json:#}");
    assert_eq!(found[0]["commit"], broken.as_str());
    assert_eq!(found[0]["path"], "panel.ron");
    assert_eq!(found[0]["level"], "error");

    let out = sandbox.kitemark(&[
        "audit",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-11-22",
    ]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(!text.contains("clean"), "{text}");
    assert!(text.contains("[unreadable-file]"), "{text}");
    assert!(text.contains("panel.ron"), "{text}");
}

#[test]
fn a_date_not_written_as_a_date_is_refused_with_the_format_expected() {
    let sandbox = Sandbox::new();
    // Every command that takes `--on`, and the dates of a meeting: refused before any
    // repository is opened.
    for args in [
        &["audit", "--on", "yesterday"][..],
        &["schools", "--on", "yesterday"],
        &["open", "--on", "yesterday"],
        &[
            "decide",
            "s",
            "2026-27",
            "--kind",
            "initial",
            "--outcome",
            "awarded",
            "--meeting",
            "2026-12-02",
            "--recorder",
            "r",
            "--on",
            "yesterday",
        ],
        &["meeting", "yesterday", "--chair", "r"],
    ] {
        let out = sandbox.kitemark(args);
        assert_exit(&out, 2);
        let err = common::stderr(&out);
        assert!(err.contains("YYYY-MM-DD"), "{args:?}: {err}");
        assert!(err.contains("\"yesterday\""), "{args:?}: {err}");
        assert!(!err.contains("four digit integer"), "{args:?}: {err}");
    }
}
