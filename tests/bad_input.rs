//! The bad-input corpus: every fixture is reported precisely (file, and line and column where
//! they apply), `validate` exits 1, and nothing panics.

mod common;

use common::{Sandbox, assert_exit, base_files, files_under, findings_of, fixtures, stdout};

/// The validate report with the commit id and temporary paths taken out, for a stable
/// snapshot.
fn report(out: &std::process::Output) -> String {
    let text = stdout(out);
    let tmp = std::env::temp_dir().to_string_lossy().into_owned();
    text.lines()
        .map(|line| match line.find(" checked at ") {
            Some(i) => format!("{} checked at <commit>{}", &line[..i], &line[i + 19..]),
            None => line.to_owned(),
        })
        .map(|line| match line.find(&tmp) {
            Some(i) => {
                let end = line[i..].find(';').map_or(line.len(), |e| i + e);
                format!("{}<temporary folder>{}", &line[..i], &line[end..])
            }
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds the base repository with the case's files laid over it and its removals applied.
fn case_repo(sandbox: &Sandbox, case: &str) -> std::path::PathBuf {
    let dir = fixtures().join("bad-input").join(case);
    let removed: Vec<String> = std::fs::read_to_string(dir.join("remove"))
        .map(|t| t.lines().map(str::to_owned).collect())
        .unwrap_or_default();
    let mut files: Vec<(String, Vec<u8>)> = base_files()
        .into_iter()
        .filter(|(p, _)| !removed.contains(p))
        .collect();
    let overlay = dir.join("files");
    if overlay.exists() {
        for (path, content) in files_under(&overlay) {
            files.retain(|(p, _)| p != &path);
            files.push((path, content));
        }
    }
    sandbox.repo_with(case, &files)
}

#[test]
fn the_base_fixture_validates() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("base", &base_files());
    let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 0);
}

#[test]
fn every_case_is_reported_precisely() {
    let sandbox = Sandbox::new();
    let mut cases: Vec<String> = std::fs::read_dir(fixtures().join("bad-input"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "the corpus has {} cases", cases.len());
    for case in cases {
        let repo = case_repo(&sandbox, &case);
        let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
        assert_exit(&out, 1);
        assert!(
            !out.stdout.contains(&0x1b) && !out.stderr.contains(&0x1b),
            "{case}: an escape character reached the terminal"
        );
        insta::assert_snapshot!(format!("validate_{case}"), report(&out));

        // The JSON report gives every problem a path, and the same count.
        let json = sandbox.kitemark(&[
            "validate",
            "--format",
            "json",
            "--repo",
            repo.to_str().unwrap(),
        ]);
        assert_exit(&json, 1);
        let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        let problems = value["problems"].as_array().unwrap();
        assert!(!problems.is_empty(), "{case}");
        assert!(
            problems
                .iter()
                .all(|p| p["path"].as_str().is_some_and(|s| !s.is_empty()))
        );
        assert_eq!(
            value["errors"].as_u64().unwrap() as usize,
            report(&out)
                .lines()
                .filter(|l| l.contains(": error: "))
                .count()
        );
    }
}

#[test]
fn a_twenty_megabyte_file_is_refused_quickly_and_clearly() {
    let sandbox = Sandbox::new();
    let mut files = base_files();
    let mut big = b"(\n    school: \"oak\",\n    notes: \"".to_vec();
    big.resize(20 * 1024 * 1024, b'x');
    big.extend_from_slice(b"\",\n)\n");
    files.retain(|(p, _)| p != "submissions/oak/2025-26/self-review.ron");
    files.push(("submissions/oak/2025-26/self-review.ron".into(), big));
    let repo = sandbox.repo_with("big", &files);
    let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 1);
    insta::assert_snapshot!(report(&out));
}

#[test]
fn a_file_that_is_not_utf8() {
    let sandbox = Sandbox::new();
    let mut files = base_files();
    files.retain(|(p, _)| p != "submissions/oak/school.ron");
    files.push((
        "submissions/oak/school.ron".into(),
        b"(\n    id: \"oak\",\n    name: \"Caf\xe9\",\n)\n".to_vec(),
    ));
    let repo = sandbox.repo_with("latin1", &files);
    let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 1);
    insta::assert_snapshot!(report(&out));
}

#[test]
fn an_empty_repository() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("empty");
    std::fs::create_dir_all(&dir).unwrap();
    sandbox.git(&dir, &["init", "-q", "-b", "main"]);
    let out = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("has no commits yet"),
        "{}",
        stdout(&out)
    );
    let schools = sandbox.kitemark(&["schools", "--repo", dir.to_str().unwrap()]);
    assert_exit(&schools, 2);
    assert!(common::stderr(&schools).contains("has no commits yet"));
}

#[test]
fn not_a_repository_at_all() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("plain");
    std::fs::create_dir_all(&dir).unwrap();
    let out = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
    assert_exit(&out, 2);
    let err = common::stderr(&out);
    assert!(
        err.contains("is not a git repository") && err.contains("kitemark demo"),
        "{err}"
    );
}

#[test]
fn a_bare_repository_is_read_from_its_objects() {
    let sandbox = Sandbox::new();
    let clean = sandbox.repo_with("clean", &base_files());
    let bare = sandbox.path("clean.git");
    sandbox.git(
        sandbox.path("").as_path(),
        &[
            "clone",
            "-q",
            "--bare",
            clean.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let out = sandbox.kitemark(&["validate", "--repo", bare.to_str().unwrap()]);
    assert_exit(&out, 0);

    let broken = case_repo(&sandbox, "duplicate-ids");
    let broken_bare = sandbox.path("broken.git");
    sandbox.git(
        sandbox.path("").as_path(),
        &[
            "clone",
            "-q",
            "--bare",
            broken.to_str().unwrap(),
            broken_bare.to_str().unwrap(),
        ],
    );
    let from_bare = sandbox.kitemark(&["validate", "--repo", broken_bare.to_str().unwrap()]);
    let from_work_tree = sandbox.kitemark(&["validate", "--repo", broken.to_str().unwrap()]);
    assert_exit(&from_bare, 1);
    assert_eq!(report(&from_bare), report(&from_work_tree));
}

#[test]
fn the_working_tree_is_not_what_is_read() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("dirty", &base_files());
    // An uncommitted, broken edit does not change what the panel reviews: the commit.
    std::fs::write(repo.join("submissions/oak/school.ron"), "(broken").unwrap();
    let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 0);
}

/// The base files with `path` replaced by `content` (or removed, for `None`).
fn base_with(path: &str, content: Option<Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let mut files = base_files();
    files.retain(|(p, _)| p != path);
    if let Some(content) = content {
        files.push((path.to_owned(), content));
    }
    files
}

fn validate_lines(sandbox: &Sandbox, repo: &std::path::Path) -> Vec<String> {
    let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 1);
    report(&out)
        .lines()
        .filter(|l| l.contains(": error: ") || l.contains(": warning: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_action_id_repeated_many_times_is_one_problem_with_its_count() {
    let sandbox = Sandbox::new();
    let plan = "submissions/oak/2025-26/action-plan.ron";
    let mut text = String::from(
        "(\n    school: \"oak\",\n    year: \"2025-26\",\n    updated: \"2025-10-10\",\n    actions: [\n",
    );
    // As many as fit under the size limit, written tightly.
    for _ in 0..15_000 {
        text.push_str("(id:\"LM-1\",area:\"nowhere\",text:\"t\",owner:\"o\",start:\"2025-09-01\",due:\"2026-03-31\",success:\"s\",status:Done),\n");
    }
    text.push_str("    ],\n)\n");
    let repo = sandbox.repo_with("repeated", &base_with(plan, Some(text.into_bytes())));
    let lines = validate_lines(&sandbox, &repo);
    assert!(
        lines.len() < 10,
        "{} lines, from {:?}",
        lines.len(),
        &lines[..3]
    );
    let duplicate: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("duplicate-id"))
        .collect();
    assert_eq!(duplicate.len(), 1, "{lines:#?}");
    assert!(duplicate[0].contains("(15000 times)"), "{lines:#?}");
    let unknown: Vec<&String> = lines.iter().filter(|l| l.contains("nowhere")).collect();
    assert_eq!(unknown.len(), 1, "{lines:#?}");
    assert!(unknown[0].contains("(15000 times)"), "{lines:#?}");
}

#[test]
fn an_action_plan_without_a_self_review_is_reported() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with(
        "plan-alone",
        &base_with("submissions/oak/2025-26/self-review.ron", None),
    );
    // A warning: a plan alone is what a school may send for an annual review.
    let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
    let text = report(&out);
    assert!(
        text.lines().any(
            |l| l.starts_with("submissions/oak/2025-26/action-plan.ron: warning: ")
                && l.contains("has no self-review.ron")
        ),
        "{text}"
    );
}

#[test]
fn a_plan_too_large_is_too_large_not_missing() {
    let sandbox = Sandbox::new();
    let mut big = b"(\n    school: \"oak\",\n    notes: \"".to_vec();
    big.resize(3 * 1024 * 1024, b'x');
    big.extend_from_slice(b"\",\n)\n");
    let repo = sandbox.repo_with(
        "plan-too-large",
        &base_with("submissions/oak/2025-26/action-plan.ron", Some(big)),
    );
    let lines = validate_lines(&sandbox, &repo);
    assert!(lines.iter().any(|l| l.contains("too-large")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("missing")), "{lines:#?}");
}

#[test]
fn a_committed_symbolic_link_is_named_and_never_followed() {
    let sandbox = Sandbox::new();
    let review = "submissions/oak/2025-26/self-review.ron";
    let repo = sandbox.repo_with("symlink", &base_with(review, None));
    // A link to a file that validates, so following it would hide the problem.
    std::os::unix::fs::symlink("../../../panel.ron", repo.join(review)).unwrap();
    sandbox.git(&repo, &["add", "-A"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "Link"]);
    let lines = validate_lines(&sandbox, &repo);
    assert!(
        lines.iter().any(|l| l.starts_with(review)
            && l.contains("a symbolic link, not a file")
            && l.contains("[symbolic-link]")),
        "{lines:#?}"
    );
    assert!(!lines.iter().any(|l| l.contains("[syntax]")), "{lines:#?}");
    assert!(!lines.iter().any(|l| l.contains("missing")), "{lines:#?}");
}

#[test]
fn a_submodule_among_the_submissions_is_reported() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("gitlink", &base_files());
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let entry = format!("160000,{head},submissions/oak/2025-26/evidence");
    sandbox.git(&repo, &["update-index", "--add", "--cacheinfo", &entry]);
    sandbox.git(&repo, &["commit", "-q", "-m", "Submodule"]);
    let lines = validate_lines(&sandbox, &repo);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("submissions/oak/2025-26/evidence")
                && l.contains("a submodule")
                && l.contains("[submodule]")),
        "{lines:#?}"
    );
}

#[test]
fn validate_and_the_audit_name_a_linked_decision_alike() {
    let sandbox = Sandbox::new();
    let decision = "decisions/oak/2025-26/2025-11-12-initial.ron";
    let repo = sandbox.repo_with("linked-decision", &base_with(decision, None));
    std::fs::create_dir_all(repo.join("decisions/oak/2025-26")).unwrap();
    std::os::unix::fs::symlink("../../../panel.ron", repo.join(decision)).unwrap();
    sandbox.git(&repo, &["add", "-A"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "Link"]);
    let lines = validate_lines(&sandbox, &repo);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(decision) && l.contains("a symbolic link, not a file")),
        "{lines:#?}"
    );
    let (_, json) = sandbox.audit_json(&repo, &["--on", "2026-01-01"]);
    let unreadable = findings_of(&json, "unreadable-file");
    assert_eq!(unreadable.len(), 1, "{json:#}");
    let message = unreadable[0]["message"].as_str().unwrap();
    assert!(message.contains("a symbolic link, not a file"), "{message}");
    assert_eq!(unreadable[0]["path"], decision);
}

#[test]
fn a_rubrics_problems_name_line_and_column() {
    let sandbox = Sandbox::new();
    let path = "rubrics/mini.ron";
    let (_, rubric) = base_files().into_iter().find(|(p, _)| p == path).unwrap();
    let rubric = String::from_utf8(rubric)
        .unwrap()
        .replacen("id: \"student-voice\"", "id: \"leadership\"", 1)
        .replace("annual_review_months: 12", "annual_review_months: 0")
        .replacen("Grant(award: \"mark\"", "Grant(award: \"gold\"", 1);
    let repo = sandbox.repo_with("rubric", &base_with(path, Some(rubric.into_bytes())));
    let lines = validate_lines(&sandbox, &repo);
    let rubric: Vec<&String> = lines.iter().filter(|l| l.contains("[rubric]")).collect();
    assert_eq!(rubric.len(), 4, "{lines:#?}");
    for (line, at) in [
        (
            "area \"leadership\" is defined more than once",
            "rubrics/mini.ron:21:13:",
        ),
        ("annual review every 0 months", "rubrics/mini.ron:44:13:"),
        ("refers to award \"gold\"", "rubrics/mini.ron:58:65:"),
        ("names area \"student-voice\"", "rubrics/mini.ron:87:13:"),
    ] {
        assert!(
            rubric.iter().any(|l| l.contains(line) && l.starts_with(at)),
            "{line:?} at {at}: {lines:#?}"
        );
    }

    let broken = sandbox.repo_with(
        "rubric-syntax",
        &base_with(path, Some(b"(\n    id: \"mini\",\n    areas: [\n".to_vec())),
    );
    let lines = validate_lines(&sandbox, &broken);
    assert!(
        lines.iter().any(|l| l.starts_with("rubrics/mini.ron:")
            && l.split(':')
                .nth(1)
                .is_some_and(|n| n.parse::<usize>().is_ok())),
        "{lines:#?}"
    );
}
