//! `kitemark diff`: the year-on-year comparison as text and JSON, from the real binary.

mod common;

use common::{Sandbox, assert_exit, base_files, shared_demo, stderr, stdout};

fn diff(args: &[&str]) -> std::process::Output {
    let sandbox = Sandbox::new();
    let mut all = vec!["diff", "--repo", shared_demo().to_str().unwrap()];
    all.extend_from_slice(args);
    sandbox.kitemark(&all)
}

#[test]
fn side_by_side_text() {
    let out = diff(&[
        "north-vale-esc",
        "--only-changes",
        "--width",
        "110",
        "--color",
        "never",
    ]);
    assert_exit(&out, 0);
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn unified_text_between_chosen_years() {
    let out = diff(&[
        "beechwood-school",
        "--from",
        "2022-23",
        "--to",
        "2023-24",
        "--layout",
        "unified",
        "--only-changes",
        "--width",
        "100",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    // Not a terminal: no colour, and changed words are marked instead.
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(
        text.starts_with("Beechwood School (beechwood-school): 2022-23 → 2023-24"),
        "{text}"
    );
    assert!(
        text.contains("--- 2022-23 · submitted 2023-02-10"),
        "{text}"
    );
    assert!(
        text.contains("\n     - ") && text.contains("\n     + "),
        "{text}"
    );
    assert!(text.contains("{+") && text.contains("[-"), "{text}");
    let coloured = diff(&["beechwood-school", "--color", "always"]);
    assert!(
        stdout(&coloured).contains("\u{1b}["),
        "--color always colours"
    );
}

#[test]
fn json_gives_the_classified_pairs_and_the_summary() {
    let out = diff(&["oakfield-primary", "--format", "json"]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["earlier"]["year"], "2024-25");
    assert_eq!(json["later"]["year"], "2025-26");
    let summary = &json["plan"]["summary"];
    let text = json["summary_text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!(
            "+{} new · {} carried · {} done",
            summary["new"], summary["carried"], summary["done"]
        )),
        "{text}"
    );
    let pairs: Vec<&serde_json::Value> = json["plan"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["pairs"].as_array().unwrap())
        .collect();
    let total = ["new", "carried", "done", "dropped", "completed_and_removed"]
        .iter()
        .map(|k| summary[*k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(
        pairs.len() as u64,
        total,
        "every pair is in exactly one bucket"
    );
    let moved = pairs
        .iter()
        .find(|p| {
            p["changes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["change"] == "moved")
        })
        .expect("Oakfield moved an action between areas");
    assert_eq!(moved["later"]["id"], "CTL-3");
    assert_eq!(moved["later"]["area"], "student-voice");
    assert!(json["review"]["areas"].as_array().unwrap().len() == 11);
}

#[test]
fn what_cannot_be_compared_is_explained() {
    let out = diff(&["no-such-school"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no school no-such-school")
            && stderr(&out).contains("oakfield-primary"),
        "{}",
        stderr(&out)
    );
    let out = diff(&["kingsmead-sixth-form"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("has only one year (2026-27)"),
        "{}",
        stderr(&out)
    );
    let out = diff(&["oakfield-primary", "--from", "2025-26", "--to", "2025-26"]);
    assert_exit(&out, 2);
    let out = diff(&["oakfield-primary", "--from", "2019-20"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no submission for 2019-20; years: 2023-24, 2024-25, 2025-26"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn hostile_text_reaches_the_terminal_harmlessly() {
    let sandbox = Sandbox::new();
    let mut files = base_files();
    let review = String::from_utf8(
        files
            .iter()
            .find(|(p, _)| p == "submissions/oak/2025-26/self-review.ron")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    let plan = String::from_utf8(
        files
            .iter()
            .find(|(p, _)| p == "submissions/oak/2025-26/action-plan.ron")
            .unwrap()
            .1
            .clone(),
    )
    .unwrap();
    let earlier = |t: &str| {
        t.replace("2025-26", "2024-25")
            .replace("Our senior lead", "Our \\u{1b}]52;c;aGk=\\u{7}senior lead")
    };
    files.push((
        "submissions/oak/2024-25/self-review.ron".into(),
        earlier(&review).into_bytes(),
    ));
    files.push((
        "submissions/oak/2024-25/action-plan.ron".into(),
        earlier(&plan)
            .replace("Course booked.", "\\u{1b}[2JBooked")
            .into_bytes(),
    ));
    let repo = sandbox.repo_with("hostile", &files);
    for colour in ["never", "always"] {
        let out = sandbox.kitemark(&[
            "diff",
            "oak",
            "--repo",
            repo.to_str().unwrap(),
            "--color",
            colour,
        ]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(text.contains("␛]52;c;aGk=␇"), "{text}");
        assert!(text.contains("␛[2JBooked"), "{text}");
        // The only escape sequences are the tool's own colours.
        let stripped = text.replace("\u{1b}[0m", "");
        assert!(
            !stripped.contains("\u{1b}]") && !stripped.contains("\u{1b}[2J"),
            "{text}"
        );
    }
}

#[test]
fn no_line_is_wider_than_asked() {
    for layout in ["side-by-side", "unified"] {
        let out = diff(&[
            "riverside-academy",
            "--width",
            "60",
            "--layout",
            layout,
            "--color",
            "never",
        ]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        for line in text.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= 60,
                "{layout}: {line:?} is wider than 60 columns"
            );
        }
        assert!(
            text.contains("re-dated"),
            "the summary is all there: {text}"
        );
    }
}

/// The pairs of a JSON comparison, by the id shown (the later one where there is one).
fn pairs_by_id(json: &serde_json::Value) -> std::collections::BTreeMap<String, serde_json::Value> {
    json["plan"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["pairs"].as_array().unwrap())
        .map(|p| {
            let side = if p["later"].is_null() {
                "earlier"
            } else {
                "later"
            };
            (p[side]["id"].as_str().unwrap().to_owned(), p.clone())
        })
        .collect()
}

#[test]
fn across_a_year_between_what_happened_in_it_is_told() {
    // Riverside's 2025-26 plan finished seven of the 2024-25 actions and left them out of
    // 2026-27's; it also added EE-3, which 2026-27 marks dropped.
    let out = diff(&["riverside-academy", "--from", "2024-25", "--format", "json"]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let pairs = pairs_by_id(&json);
    for id in ["LM-2", "LM-3", "PP-1", "CTL-1", "SD-2", "TS-1", "SA-2"] {
        let p = &pairs[id];
        assert_eq!(p["fate"], "done", "{id}: {p}");
        assert_eq!(
            p["changes"],
            serde_json::json!([{"change": "done-in", "year": "2025-26"}]),
            "{id}"
        );
    }
    assert_eq!(pairs["SW-2"]["fate"], "dropped");
    assert_eq!(
        pairs["SW-2"]["changes"],
        serde_json::json!([{"change": "dropped-in", "year": "2025-26"}])
    );
    assert_eq!(pairs["EE-3"]["fate"], "dropped");
    assert_eq!(
        pairs["EE-3"]["changes"],
        serde_json::json!([{"change": "added-then-dropped", "added": "2025-26", "dropped": "2026-27"}])
    );
    assert_eq!(
        pairs["SV-2"]["changes"],
        serde_json::json!([{"change": "added-in", "year": "2025-26"}])
    );
    assert_eq!(json["plan"]["summary"]["dropped"], 2, "SW-2 and EE-3 only");

    let out = diff(&[
        "riverside-academy",
        "--from",
        "2024-25",
        "--width",
        "140",
        "--color",
        "never",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("LM-2 · in progress  [done in 2025-26; not in this plan]"),
        "{text}"
    );
    assert!(
        text.contains("EE-3 · dropped  [added in 2025-26, dropped in 2026-27]"),
        "{text}"
    );
    assert!(
        !text.contains("[new]  [") && !text.contains("dropped  [new]"),
        "{text}"
    );
}

#[test]
fn a_range_running_backwards_is_refused() {
    let out = diff(&["oakfield-primary", "--from", "2025-26", "--to", "2024-25"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("--from 2025-26 comes after --to 2024-25"),
        "{}",
        stderr(&out)
    );
    let out = diff(&["oakfield-primary", "--from", "2025-26"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("both 2025-26"), "{}", stderr(&out));
}

#[test]
fn each_year_is_headed_by_its_own_commit() {
    let sandbox = Sandbox::new();
    let repo = shared_demo();
    let commit_of = |year: &str| {
        let files = format!("submissions/riverside-academy/{year}");
        sandbox.git_text(repo, &["log", "-1", "--format=%H", "--", &files])
    };
    let (earlier, later) = (commit_of("2025-26"), commit_of("2026-27"));
    assert_ne!(earlier, later);
    let out = diff(&["riverside-academy", "--format", "json"]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["earlier"]["commit"], earlier.as_str());
    assert_eq!(json["later"]["commit"], later.as_str());
    let out = diff(&["riverside-academy", "--width", "140", "--color", "never"]);
    let text = stdout(&out);
    let (left, right) = text.lines().nth(2).unwrap().split_once('│').unwrap();
    assert!(
        left.starts_with("2025-26 · submitted ")
            && left
                .trim_end()
                .ends_with(&format!(" · commit {}", &earlier[..7])),
        "{text}"
    );
    assert!(
        right.starts_with("2026-27 · submitted ")
            && right.ends_with(&format!(" · commit {}", &later[..7])),
        "{text}"
    );
}

#[test]
fn a_resubmission_is_compared_with_the_version_decided_on() {
    let sandbox = Sandbox::new();
    let repo = shared_demo();
    // Kingsmead resubmitted 2026-27 after the panel asked it to: one year, two versions.
    let out = diff(&["kingsmead-sixth-form"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("add --against-decision"),
        "{}",
        stderr(&out)
    );

    let files = "submissions/kingsmead-sixth-form/2026-27";
    let versions = sandbox.git_text(repo, &["log", "--format=%H", "--", files]);
    let versions: Vec<&str> = versions.lines().collect();
    assert_eq!(versions.len(), 2, "submitted, then resubmitted");
    let out = diff(&[
        "kingsmead-sixth-form",
        "2026-27",
        "--against-decision",
        "--format",
        "json",
    ]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["earlier"]["year"], "2026-27");
    assert_eq!(json["later"]["year"], "2026-27");
    assert_eq!(
        json["earlier"]["commit"], versions[1],
        "the version decided on"
    );
    assert_eq!(json["later"]["commit"], versions[0], "the resubmission");
    assert!(
        json["earlier"]["version"]
            .as_str()
            .unwrap()
            .starts_with("as decided on "),
        "{json:#}"
    );
    assert!(
        json["plan"]["summary"]["new"].as_u64().unwrap() > 0,
        "{json:#}"
    );

    let out = diff(&[
        "kingsmead-sixth-form",
        "--against-decision",
        "--width",
        "120",
        "--color",
        "never",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "Kingsmead Sixth Form College (kingsmead-sixth-form): 2026-27 as decided on "
        ),
        "{text}"
    );

    // A year the panel has not decided on has no such version.
    let out = diff(&["riverside-academy", "2026-27", "--against-decision"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("no decision on riverside-academy 2026-27 yet"),
        "{}",
        stderr(&out)
    );
}
