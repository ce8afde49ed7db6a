//! `kitemark demo`: the bundled data replayed as a realistic history, which validates and
//! from which `kitemark schools` computes each school's award state.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Sandbox, assert_exit, stderr, stdout};
use serde_json::Value;

fn build(sandbox: &Sandbox, dir: &Path) {
    let out = sandbox.kitemark(&["demo", "--dir", dir.to_str().unwrap(), "--no-open"]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains(dir.to_str().unwrap()),
        "{}",
        stdout(&out)
    );
}

fn schools(sandbox: &Sandbox, dir: &Path, on: &str) -> Value {
    let out = sandbox.kitemark(&[
        "schools",
        "--repo",
        dir.to_str().unwrap(),
        "--on",
        on,
        "--format",
        "json",
    ]);
    assert_exit(&out, 0);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn school<'a>(all: &'a Value, id: &str) -> &'a Value {
    all["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no school {id}"))
}

#[test]
fn the_demo_history_has_many_authors_and_years_and_validates() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);

    let log = sandbox.git(&dir, &["log", "--format=%an|%ad|%s", "--date=short"]);
    let log = stdout(&log);
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() >= 60, "only {} commits", lines.len());
    let authors: BTreeSet<&str> = lines.iter().map(|l| l.split('|').next().unwrap()).collect();
    assert!(authors.len() >= 12, "authors: {authors:?}");
    let dates: Vec<&str> = lines.iter().map(|l| l.split('|').nth(1).unwrap()).collect();
    let (first, last) = (dates.last().unwrap(), dates.first().unwrap());
    assert!(
        first < &"2023-03-01" && last > &"2026-11-01",
        "{first} .. {last}"
    );
    assert!(log.contains("Resubmission: westfield-junior 2023-24"));
    assert!(log.contains("Decision: oakfield-primary 2024-25 suicide-aware: awarded"));
    // Every agenda is published before its meeting.
    for line in &lines {
        let mut parts = line.split('|');
        let (_, date, subject) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
        if let Some(meeting) = subject
            .strip_prefix("Meeting ")
            .and_then(|s| s.strip_suffix(": agenda"))
        {
            assert!(date < meeting, "the agenda of {meeting} is dated {date}");
        }
    }
    // Oldest first: git log lists newest first, so dates never increase down the list.
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "history is not in date order"
    );

    let validate = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
    assert_exit(&validate, 0);
    assert!(
        stdout(&validate).contains(": 0 error(s), 0 warning(s)"),
        "{}",
        stdout(&validate)
    );
    let status = sandbox.git(&dir, &["status", "--porcelain"]);
    assert_eq!(stdout(&status), "");

    // The history is valid at every commit, not only at the end.
    for commit in stdout(&sandbox.git(&dir, &["rev-list", "HEAD"])).lines() {
        let out = sandbox.kitemark(&[
            "validate",
            "--repo",
            dir.to_str().unwrap(),
            "--rev",
            commit,
            "--format",
            "json",
        ]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["errors"], 0, "{commit}: {}", stdout(&out));
    }
}

#[test]
fn decisions_record_the_exact_objects_and_parseable_trailers() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);
    let commit = stdout(&sandbox.git(
        &dir,
        &[
            "log",
            "-1",
            "--format=%H",
            "--grep=^Decision: riverside-academy 2024-25 initial",
        ],
    ))
    .trim()
    .to_owned();
    assert!(!commit.is_empty());
    let message = stdout(&sandbox.git(&dir, &["log", "-1", "--format=%B", &commit]));
    let trailers = {
        let mut cmd = std::process::Command::new("git");
        cmd.args(["interpret-trailers", "--parse"])
            .current_dir(&dir);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(message.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    for key in [
        "Outcome: awarded",
        "Meeting: 2025-01-22",
        "School: riverside-academy",
        "Year: 2024-25",
        "Kind: initial",
        "Present: ",
        "Submission-Commit: ",
    ] {
        assert!(trailers.contains(key), "{key} not in trailers:\n{trailers}");
    }
    // The decision names the commit that submitted Riverside's files for the year (not the
    // commit it follows) and the blobs of the submission in it.
    let parent = stdout(&sandbox.git(
        &dir,
        &[
            "log",
            "-1",
            "--format=%H",
            &format!("{commit}^"),
            "--",
            "submissions/riverside-academy/2024-25",
        ],
    ))
    .trim()
    .to_owned();
    assert!(trailers.contains(&format!("Submission-Commit: {parent}")));
    let file = stdout(&sandbox.git(
        &dir,
        &[
            "show",
            &format!("{commit}:decisions/riverside-academy/2024-25/2025-01-22-initial.ron"),
        ],
    ));
    assert!(file.contains(&format!("commit: \"{parent}\"")), "{file}");
    let blob = stdout(&sandbox.git(
        &dir,
        &[
            "rev-parse",
            &format!("{parent}:submissions/riverside-academy/2024-25/action-plan.ron"),
        ],
    ));
    assert!(file.contains(blob.trim()), "the plan's blob id is recorded");
    let stat = stdout(&sandbox.git(&dir, &["show", "--format=", "--name-only", &commit]));
    assert_eq!(
        stat.trim(),
        "decisions/riverside-academy/2024-25/2025-01-22-initial.ron"
    );
}

#[test]
fn award_states_are_computed_from_decisions() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);
    let all = schools(&sandbox, &dir, "2026-11-22");
    assert_eq!(all["schools"].as_array().unwrap().len(), 9);

    let oakfield = school(&all, "oakfield-primary");
    assert_eq!(oakfield["award"]["status"], "held");
    assert_eq!(oakfield["award"]["awarded_on"], "2024-01-24");
    assert_eq!(oakfield["award"]["expires"], "2027-01-24");
    assert_eq!(oakfield["award"]["reviews_accepted"], 2);
    assert_eq!(oakfield["awards"][1]["award"], "suicide-aware");
    assert_eq!(oakfield["awards"][1]["awarded_on"], "2025-03-12");

    // A correction keeps the date of the decision it corrects; a renewal before expiry keeps
    // the holding period.
    let beechwood = school(&all, "beechwood-school");
    assert_eq!(beechwood["award"]["awarded_on"], "2026-03-11");
    assert_eq!(beechwood["award"]["held_since"], "2023-03-15");
    assert_eq!(beechwood["award"]["next_review_due"], "2027-03-11");

    let westfield = school(&all, "westfield-junior");
    assert_eq!(westfield["award"]["awarded_on"], "2024-03-13");

    let meadowbank = school(&all, "meadowbank-infant");
    assert_eq!(meadowbank["award"]["status"], "expired");
    assert_eq!(meadowbank["award"]["expires"], "2026-06-21");

    let north_vale = school(&all, "north-vale-esc");
    assert_eq!(north_vale["award"]["next_review_due"], "2026-11-27");
    assert_eq!(north_vale["pending"][0]["kind"], "annual-review");
    assert_eq!(north_vale["pending"][0]["meeting"], "2026-12-02");

    let riverside = school(&all, "riverside-academy");
    let pending: BTreeSet<&str> = riverside["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(pending, BTreeSet::from(["annual-review", "suicide-aware"]));
    let suicide_aware = riverside["eligibility"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "suicide-aware")
        .unwrap();
    assert_eq!(suicide_aware["eligible"], true);
    assert_eq!(suicide_aware["from"], "2026-01-22");

    let kingsmead = school(&all, "kingsmead-sixth-form");
    assert!(kingsmead["award"].is_null());
    assert_eq!(kingsmead["pending"][0]["kind"], "resubmission");
    assert_eq!(
        school(&all, "little-acorns-nursery")["pending"][0]["kind"],
        "initial"
    );
    assert_eq!(
        school(&all, "brookside-primary")["award"]["awarded_on"],
        "2026-06-17"
    );

    // A week later North Vale's review is overdue; after the meeting date the items are still
    // pending until decided.
    let later = schools(&sandbox, &dir, "2026-11-30");
    assert_eq!(
        school(&later, "north-vale-esc")["award"]["status"],
        "review-overdue"
    );

    let text = sandbox.kitemark(&[
        "schools",
        "--repo",
        dir.to_str().unwrap(),
        "--on",
        "2026-11-22",
    ]);
    assert_exit(&text, 0);
    let table = stdout(&text);
    assert!(table.starts_with("Award state on 2026-11-22"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("oakfield-primary"))
        .unwrap();
    assert!(
        row.contains("held +suicide-aware") && row.contains("2027-01-24"),
        "{row}"
    );
}

#[test]
fn an_existing_demo_is_reused_and_other_folders_are_refused() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);
    let head = stdout(&sandbox.git(&dir, &["rev-parse", "HEAD"]));

    let again = sandbox.kitemark(&["demo", "--dir", dir.to_str().unwrap(), "--no-open"]);
    assert_exit(&again, 0);
    assert!(stdout(&again).contains("Reusing"), "{}", stdout(&again));
    assert_eq!(stdout(&sandbox.git(&dir, &["rev-parse", "HEAD"])), head);

    let other = sandbox.path("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("thesis.md"), "years of work").unwrap();
    let refused = sandbox.kitemark(&["demo", "--dir", other.to_str().unwrap(), "--no-open"]);
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("never overwrites"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(other.join("thesis.md")).unwrap(),
        "years of work"
    );
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);

    let empty = sandbox.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    build(&sandbox, &empty);
}

#[test]
fn the_default_folder_is_printed() {
    let sandbox = Sandbox::new();
    let out = sandbox.kitemark(&["demo", "--no-open"]);
    assert_exit(&out, 0);
    let expected = sandbox.path("home/.local/share/kitemark/demo");
    assert!(
        stdout(&out).contains(expected.to_str().unwrap()),
        "{}",
        stdout(&out)
    );
    assert!(expected.join("panel.ron").exists());
}

#[test]
fn demo_shows_an_escape_sequence_in_the_folder_name_harmlessly() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo-\x1b[31m-red");
    let arg = dir.to_str().unwrap();
    // Built, then found again: both messages name the folder.
    for wanted in ["Built the demo repository", "Reusing the demo repository"] {
        let out = sandbox.kitemark(&["demo", "--dir", arg, "--no-open"]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(text.contains(wanted), "{text}");
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(text.contains("[31m-red"), "{text:?}");
    }
}
