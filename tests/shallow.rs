//! Shallow clones (`git clone --depth N`): the history stops at a boundary commit whose parents
//! the clone does not hold. The audit must say so, find nothing the whole history would not,
//! and never attribute what was there before the boundary to the boundary's author; the log
//! must give true dates; no command may show libgit2's raw errors.

mod common;

use std::path::{Path, PathBuf};

use common::tui::Harness;
use common::{Attendance, Sandbox, assert_exit, stderr, stdout};
use kitemark::tui::theme::ThemeKind;
use serde_json::Value;

/// The date the audits are run on: North Vale's annual review (due 2026-11-27) is overdue.
const ON: &str = "2026-12-03";

/// A clone of `from` in `name`, `depth` commits deep (the whole history for `None`).
fn clone(sandbox: &Sandbox, from: &Path, name: &str, depth: Option<usize>) -> PathBuf {
    let url = format!("file://{}", from.display());
    let dest = sandbox.path(name);
    let depth = depth.map(|d| d.to_string());
    let mut args = vec!["clone", "-q"];
    if let Some(d) = &depth {
        args.extend(["--depth", d]);
    }
    args.extend([url.as_str(), dest.to_str().unwrap()]);
    sandbox.git(&sandbox.path(""), &args);
    dest
}

/// The boundary commits git recorded for a clone (none for a complete one).
fn boundary(repo: &Path) -> Vec<String> {
    std::fs::read_to_string(repo.join(".git/shallow"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Runs kitemark on `repo`; neither output may carry libgit2's raw error text.
fn run(sandbox: &Sandbox, repo: &Path, args: &[&str]) -> std::process::Output {
    let mut all = args.to_vec();
    all.extend(["--repo", repo.to_str().unwrap()]);
    let out = sandbox.kitemark(&all);
    for text in [stdout(&out), stderr(&out)] {
        assert!(
            !text.contains("class="),
            "kitemark {all:?} shows a raw libgit2 error:\n{text}"
        );
    }
    out
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

fn audit(sandbox: &Sandbox, repo: &Path) -> Value {
    let out = run(sandbox, repo, &["audit", "--on", ON, "--format", "json"]);
    let code = out.status.code().unwrap();
    assert!(code == 0 || code == 1, "{}", stderr(&out));
    let value = json(&out);
    assert_eq!(
        code == 1,
        value["errors"].as_u64().unwrap() > 0,
        "exit {code}: {value:#}"
    );
    value
}

fn short(id: &str) -> &str {
    &id[..7]
}

/// Every finding of the shallow audit is one of the full audit's: the same rule, level,
/// school, year, path and commit, and the same message unless the message names a commit
/// the clone does not hold, which it must then call "before" the boundary.
fn assert_subset(shallow: &Value, full: &Value, boundary: &[String]) {
    let full_findings = full["findings"].as_array().unwrap();
    for f in shallow["findings"].as_array().unwrap() {
        assert!(
            !boundary.iter().any(|b| f["commit"] == b.as_str()),
            "a finding attributed to the boundary: {f:#}"
        );
        let place = ["rule", "level", "school", "year", "path", "commit"];
        let Some(same) = full_findings
            .iter()
            .find(|g| place.iter().all(|k| f[k] == g[k]))
        else {
            panic!("not a finding of the whole history: {f:#}\nfull: {full:#}");
        };
        if f["message"] != same["message"] {
            let message = f["message"].as_str().unwrap();
            assert!(
                boundary
                    .iter()
                    .any(|b| message.contains(&format!("before {}", short(b)))),
                "{f:#}\nfull: {same:#}"
            );
        }
    }
    assert!(shallow["errors"].as_u64() <= full["errors"].as_u64());
    assert!(shallow["notes"].as_u64() <= full["notes"].as_u64());
}

/// The demo, then work after it that breaks rules about decisions recorded before: a
/// decision recorded properly, a school's plan edited after its decision, and a decision
/// edited in place by someone outside the panel.
fn demo_with_later_work(sandbox: &Sandbox) -> PathBuf {
    let repo = sandbox.demo_with_a_decision();
    let plan = "submissions/oakfield-primary/2025-26/action-plan.ron";
    let mut text = std::fs::read_to_string(repo.join(plan)).unwrap();
    text.push_str("// One more thought after the panel met.\n");
    std::fs::write(repo.join(plan), text).unwrap();
    sandbox.git(
        &repo,
        &["commit", "-q", "-am", "Edit the plan after the decision"],
    );
    let decision = "decisions/north-vale-esc/2024-25/2024-11-27-initial.ron";
    let mut text = std::fs::read_to_string(repo.join(decision)).unwrap();
    text.push_str("// Tidied afterwards.\n");
    std::fs::write(repo.join(decision), text).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Tidy a decision"]);
    repo
}

#[test]
fn a_shallow_audit_finds_a_subset_of_the_full_audit_and_says_it_is_shallow() {
    let sandbox = Sandbox::new();
    let origin = demo_with_later_work(&sandbox);
    let commits: usize = sandbox
        .git_text(&origin, &["rev-list", "--count", "HEAD"])
        .parse()
        .unwrap();
    let full = clone(&sandbox, &origin, "full", None);
    let whole = audit(&sandbox, &full);
    assert!(whole["shallow"].is_null(), "{whole:#}");
    assert!(whole["errors"].as_u64().unwrap() >= 3, "{whole:#}");

    for depth in [1, 3, 5, 24, commits + 10] {
        let name = format!("depth-{depth}");
        let repo = clone(&sandbox, &origin, &name, Some(depth));
        let edge = boundary(&repo);
        let found = audit(&sandbox, &repo);
        if depth >= commits {
            assert!(edge.is_empty(), "depth {depth}: {edge:?}");
            assert_eq!(found, whole, "depth {depth}");
            continue;
        }
        assert_eq!(edge.len(), 1, "depth {depth}");
        assert_subset(&found, &whole, &edge);
        let shallow = &found["shallow"];
        assert_eq!(shallow["boundary"][0], edge[0].as_str(), "depth {depth}");
        assert!(
            shallow["decisions_not_fully_checked"].as_u64().unwrap() > 0,
            "depth {depth}: {shallow:#}"
        );
        assert!(
            !shallow["not_checked"].as_array().unwrap().is_empty(),
            "{shallow:#}"
        );
        assert!(
            shallow["deepen"]
                .as_str()
                .unwrap()
                .contains("git fetch --unshallow"),
            "{shallow:#}"
        );
        assert_eq!(found["commits"].as_u64().unwrap() as usize, depth);

        let text = stdout(&run(&sandbox, &repo, &["audit", "--on", ON]));
        assert!(text.contains("shallow clone"), "depth {depth}: {text}");
        assert!(text.contains(short(&edge[0])), "depth {depth}: {text}");
        assert!(text.contains("git fetch --unshallow"), "{text}");
        assert!(text.contains("git fetch --deepen"), "{text}");
        assert!(!text.contains("The history is clean"), "{text}");
    }

    // Five commits deep, the boundary is the demo's last commit: the work after it is seen
    // in full, though the decisions it concerns were recorded before the boundary.
    let repo = sandbox.path("depth-5");
    let found = audit(&sandbox, &repo);
    let rules: Vec<(&str, &str)> = found["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for expected in [
        (
            "submission-changed-after-decision",
            "decisions/oakfield-primary/2025-26/2026-01-21-annual-review.ron",
        ),
        (
            "decision-modified",
            "decisions/north-vale-esc/2024-25/2024-11-27-initial.ron",
        ),
        (
            "not-a-member",
            "decisions/north-vale-esc/2024-25/2024-11-27-initial.ron",
        ),
    ] {
        assert!(rules.contains(&expected), "{expected:?} in {found:#}");
    }
    // The decision recorded after the boundary is checked like any other: it is clean.
    assert!(
        !rules
            .iter()
            .any(|(_, path)| path.contains("little-acorns-nursery")),
        "{found:#}"
    );
}

#[test]
fn after_unshallow_the_audit_is_the_full_audit() {
    let sandbox = Sandbox::new();
    let origin = demo_with_later_work(&sandbox);
    let full = clone(&sandbox, &origin, "full", None);
    let whole = audit(&sandbox, &full);
    let repo = clone(&sandbox, &origin, "shallow", Some(3));
    let first = audit(&sandbox, &repo);
    assert!(!first["shallow"].is_null());

    // Deeper, but still shallow: a new boundary, still a subset.
    sandbox.git(&repo, &["fetch", "-q", "--deepen", "30"]);
    let edge = boundary(&repo);
    assert_eq!(edge.len(), 1);
    let deeper = audit(&sandbox, &repo);
    assert_eq!(deeper["shallow"]["boundary"][0], edge[0].as_str());
    assert_subset(&deeper, &whole, &edge);
    assert!(
        deeper["findings"].as_array().unwrap().len() >= first["findings"].as_array().unwrap().len()
    );

    sandbox.git(&repo, &["fetch", "-q", "--unshallow"]);
    assert!(boundary(&repo).is_empty());
    assert_eq!(audit(&sandbox, &repo), whole);
}

#[test]
fn the_log_gives_true_dates_on_both_sides_of_the_boundary() {
    let sandbox = Sandbox::new();
    let origin = demo_with_later_work(&sandbox);
    let full = clone(&sandbox, &origin, "full", None);
    let out = run(&sandbox, &full, &["log", "--format", "json"]);
    assert_exit(&out, 0);
    let whole = json(&out);
    let by_path = |log: &Value, path: &Value| -> Value {
        log["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| &d["path"] == path)
            .cloned()
            .unwrap()
    };

    for depth in [1, 5, 20] {
        let repo = clone(&sandbox, &origin, &format!("depth-{depth}"), Some(depth));
        let edge = boundary(&repo);
        let edge_time = sandbox.git_text(
            &repo,
            &[
                "log",
                "-1",
                "--format=%ad",
                "--date=format:%Y-%m-%d %H:%M",
                &edge[0],
            ],
        );
        let out = run(&sandbox, &repo, &["log", "--format", "json"]);
        assert_exit(&out, 0);
        let log = json(&out);
        assert_eq!(log["shallow"]["boundary"][0], edge[0].as_str());
        let decisions = log["decisions"].as_array().unwrap();
        assert_eq!(
            decisions.len(),
            whole["decisions"].as_array().unwrap().len()
        );
        let mut before = 0;
        for d in decisions {
            let there = by_path(&whole, &d["path"]);
            if d["recorded_before"].is_null() {
                // Recorded after the boundary: exactly as the whole history says.
                for key in ["commit", "date", "author", "email"] {
                    assert_eq!(d[key], there[key], "depth {depth}: {d:#}");
                }
            } else {
                before += 1;
                assert_eq!(d["recorded_before"], edge[0].as_str(), "{d:#}");
                for key in ["commit", "date", "author", "email"] {
                    assert!(d[key].is_null(), "depth {depth}: {key} of {d:#}");
                }
            }
            assert_eq!(d["meeting"], there["meeting"]);
            // Later changes to the file: those after the boundary, as the whole history has.
            for change in d["changed_by"].as_array().unwrap() {
                assert!(
                    there["changed_by"].as_array().unwrap().contains(change),
                    "depth {depth}: {d:#}"
                );
            }
        }
        assert!(before > 0, "depth {depth}");
        // A decision recorded before the boundary and edited in place after it: the edit is
        // seen, as the whole history sees it (one commit deep, the edit is the boundary).
        let tidied = serde_json::json!("decisions/north-vale-esc/2024-25/2024-11-27-initial.ron");
        let changed = by_path(&log, &tidied)["changed_by"].clone();
        if depth > 1 {
            assert_eq!(
                changed,
                by_path(&whole, &tidied)["changed_by"],
                "depth {depth}"
            );
            assert_eq!(changed.as_array().unwrap().len(), 1, "depth {depth}");
        } else {
            assert_eq!(changed, serde_json::json!([]));
        }

        // In text, a decision recorded before the boundary never shows the boundary's time.
        let out = run(&sandbox, &repo, &["log"]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(text.contains("shallow clone"), "{text}");
        let marked = format!("before {}", short(&edge[0]));
        let rows: Vec<&str> = text.lines().filter(|l| l.starts_with(&marked)).collect();
        assert_eq!(rows.len(), before, "{text}");
        for row in rows {
            assert!(!row.contains(&edge_time), "depth {depth}: {row}");
        }

        // A school's commits: the boundary is named as such, not as adding the school's files.
        let out = run(&sandbox, &repo, &["log", "oakfield-primary", "--commits"]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        let row = text
            .lines()
            .find(|l| l.starts_with(short(&edge[0])))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(row.contains("shallow boundary"), "{row}");
        assert!(!row.contains("A submissions/"), "{row}");
        let out = run(
            &sandbox,
            &repo,
            &["log", "oakfield-primary", "--commits", "--format", "json"],
        );
        let commits = json(&out);
        let at_edge = commits["commits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == edge[0].as_str())
            .unwrap();
        assert_eq!(at_edge["changes"], Value::Array(vec![]), "{at_edge:#}");
        assert!(
            at_edge["boundary"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["path"] == "submissions/oakfield-primary/school.ron"),
            "{at_edge:#}"
        );
    }
}

#[test]
fn no_command_shows_a_raw_libgit2_error_in_a_shallow_clone() {
    let sandbox = Sandbox::new();
    let origin = sandbox.demo();
    for depth in [1, 20] {
        let repo = clone(&sandbox, &origin, &format!("depth-{depth}"), Some(depth));
        let out_dir = sandbox.path(&format!("documents-{depth}"));
        std::fs::create_dir_all(&out_dir).unwrap();
        let file = |name: &str| out_dir.join(name).to_str().unwrap().to_owned();
        let (early, late) = (file("early.md"), file("late.md"));
        let (letter_early, letter_late) = (file("letter-early.md"), file("letter-late.md"));
        for (args, code) in [
            (vec!["audit"], 1),
            (vec!["audit", "--on", "2026-11-22"], 0),
            (vec!["log"], 0),
            (vec!["log", "westfield-junior"], 0),
            (vec!["log", "westfield-junior", "--commits"], 0),
            (
                vec!["log", "westfield-junior", "--commits", "--format", "json"],
                0,
            ),
            (vec!["schools", "--on", "2026-11-22"], 0),
            (vec!["validate"], 0),
            (
                vec!["export", "minutes", "--meeting", "2024-03-13", "-o", &early],
                0,
            ),
            (
                vec!["export", "minutes", "--meeting", "2026-06-17", "-o", &late],
                0,
            ),
            (
                vec![
                    "export",
                    "letter",
                    "westfield-junior",
                    "2023-24",
                    // The year holds its initial application and its resubmission.
                    "--kind",
                    "resubmission",
                    "-o",
                    &letter_early,
                ],
                0,
            ),
            (
                vec![
                    "export",
                    "letter",
                    "brookside-primary",
                    "2025-26",
                    "-o",
                    &letter_late,
                ],
                0,
            ),
        ] {
            let out = run(&sandbox, &repo, &args);
            // A shallow audit with today's date may or may not find something; the rest
            // must succeed.
            if args != ["audit"] {
                assert_exit(&out, code);
            }
        }
        let edge = boundary(&repo);
        // A revision from before the boundary.
        let beyond = format!("{}~1", edge[0]);
        for command in ["audit", "log", "schools", "validate"] {
            let out = run(&sandbox, &repo, &[command, "--rev", &beyond]);
            assert_exit(&out, 2);
            assert!(stderr(&out).contains("shallow clone"), "{}", stderr(&out));
        }
        // A document about a decision recorded before the boundary does not say that the
        // boundary recorded it.
        let letter = std::fs::read_to_string(&letter_early).unwrap();
        assert!(
            !letter.contains(&format!("recorded in commit `{}`;", short(&edge[0]))),
            "{letter}"
        );
        assert!(
            letter.contains(&format!("`{}` or earlier", short(&edge[0]))),
            "{letter}"
        );
        let minutes = std::fs::read_to_string(&early).unwrap();
        assert!(
            !minutes.contains(&format!("commit `{}`,", short(&edge[0]))),
            "{minutes}"
        );
    }
}

#[test]
fn a_clone_cut_across_two_branches_has_two_boundaries() {
    let sandbox = Sandbox::new();
    let origin = sandbox.demo();
    // Each branch changes a submission that a decision was made on, then they are merged.
    let edit = |path: &str, note: &str| {
        let mut text = std::fs::read_to_string(origin.join(path)).unwrap();
        text.push_str(note);
        std::fs::write(origin.join(path), text).unwrap();
        sandbox.git(&origin, &["commit", "-q", "-am", note]);
    };
    sandbox.git(&origin, &["checkout", "-q", "-b", "side", "HEAD~1"]);
    edit(
        "submissions/oakfield-primary/2025-26/self-review.ron",
        "// On the side branch.\n",
    );
    sandbox.git(&origin, &["checkout", "-q", "main"]);
    edit(
        "submissions/beechwood-school/2025-26/self-review.ron",
        "// On main.\n",
    );
    sandbox.git(&origin, &["merge", "-q", "--no-edit", "side"]);
    let full = clone(&sandbox, &origin, "full", None);
    let whole = audit(&sandbox, &full);
    assert!(whole["errors"].as_u64().unwrap() >= 2, "{whole:#}");

    let repo = clone(&sandbox, &origin, "shallow", Some(2));
    let edge = boundary(&repo);
    assert_eq!(edge.len(), 2, "{edge:?}");
    let found = audit(&sandbox, &repo);
    assert_subset(&found, &whole, &edge);
    let mut named: Vec<&str> = found["shallow"]["boundary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    named.sort();
    let mut expected: Vec<&str> = edge.iter().map(String::as_str).collect();
    expected.sort();
    assert_eq!(named, expected);
    // Both boundaries hold every decision: each is counted once.
    assert_eq!(found["decisions"], whole["decisions"]);
    let log = json(&run(&sandbox, &repo, &["log", "--format", "json"]));
    assert_eq!(
        log["decisions"].as_array().unwrap().len(),
        whole["decisions"].as_u64().unwrap() as usize
    );
}

#[test]
fn a_worktree_of_a_shallow_clone_is_shallow_too() {
    let sandbox = Sandbox::new();
    let origin = sandbox.demo();
    let repo = clone(&sandbox, &origin, "shallow", Some(20));
    let tree = sandbox.path("worktree");
    sandbox.git(&repo, &["worktree", "add", "-q", tree.to_str().unwrap()]);
    let found = audit(&sandbox, &tree);
    assert_eq!(found, audit(&sandbox, &repo));
    assert_eq!(found["shallow"]["boundary"][0], boundary(&repo)[0].as_str());
    assert_exit(&run(&sandbox, &tree, &["log"]), 0);
}

#[test]
fn the_history_view_says_the_clone_is_shallow() {
    common::hermetic_git2();
    let sandbox = Sandbox::new();
    let origin = sandbox.demo();
    let repo = clone(&sandbox, &origin, "shallow", Some(20));
    let edge = boundary(&repo);
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, true);
    // North Vale, from the schools tab.
    ui.keys("2jjjjjjjjjH");
    let screen = ui.screen();
    assert!(screen.contains("North Vale"), "{screen}");
    assert!(screen.contains("shallow"), "{screen}");
    assert!(screen.contains(short(&edge[0])), "{screen}");
    assert!(screen.contains("✓ no audit findings"), "{screen}");
    assert!(!screen.contains("audit clean"), "{screen}");
}

#[test]
fn a_decision_recorded_in_a_shallow_clone_is_whole() {
    let sandbox = Sandbox::new();
    let full = sandbox.demo_with_attendance(Attendance::Recorded);
    let repo = clone(&sandbox, &full, "shallow", Some(5));
    assert!(!boundary(&repo).is_empty());
    let out = run(
        &sandbox,
        &repo,
        &[
            "decide",
            "little-acorns-nursery",
            "2026-27",
            "--kind",
            "initial",
            "--outcome",
            "awarded",
            "--meeting",
            "2026-12-02",
            "--recorder",
            "t-whitlock",
        ],
    );
    assert_exit(&out, 0);
    let path = "decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron";
    assert!(
        sandbox
            .git_text(&repo, &["status", "--porcelain"])
            .is_empty()
    );
    assert!(
        sandbox
            .try_git(&repo, &["fsck", "--strict"])
            .status
            .success()
    );
    std::fs::write(repo.join("notes.md"), "notes").unwrap();
    sandbox.git(&repo, &["add", "notes.md"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "Notes"]);
    assert!(
        sandbox
            .try_git(&repo, &["cat-file", "-e", &format!("HEAD:{path}")])
            .status
            .success()
    );
}
