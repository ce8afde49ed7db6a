//! Schools' workbooks end to end, as the panel's administrator meets them: a template written
//! for a new school, filled by another program (openpyxl, as a school's spreadsheet would be),
//! submitted and committed; and the corpus of broken workbooks, each refused cell by cell with
//! nothing committed.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Sandbox, assert_exit, fixtures, stderr, stdout};

fn workbooks() -> PathBuf {
    fixtures().join("workbooks")
}

/// Fills `template` with `fill.py` as a school would, into `filled`.
fn fill(template: &Path, filled: &Path) {
    let out = Command::new("python3")
        .arg(workbooks().join("fill.py"))
        .arg(template)
        .arg(filled)
        .output()
        .expect("python3 runs (the CI script installs it, with openpyxl)");
    assert!(
        out.status.success(),
        "fill.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A panel made by `kitemark init`, given one member (its administrator) as `add_member.py`
/// does, and committed.
fn new_panel(sandbox: &Sandbox, rubric: &str) -> PathBuf {
    let dir = sandbox.path("panel");
    let init = sandbox.kitemark(&["init", dir.to_str().unwrap(), "--rubric", rubric]);
    assert_exit(&init, 0);
    let out = Command::new("python3")
        .arg(workbooks().join("add_member.py"))
        .arg(dir.join("panel.ron"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    sandbox.git(&dir, &["commit", "-qam", "Add the panel's administrator"]);
    dir
}

fn head(sandbox: &Sandbox, repo: &Path) -> String {
    sandbox.git_text(repo, &["rev-parse", "HEAD"])
}

#[test]
fn a_new_school_goes_from_template_to_commit() {
    let sandbox = Sandbox::new();
    let repo = new_panel(&sandbox, "hymh-kitemark");
    let repo_arg = repo.to_str().unwrap();
    let template = sandbox.path("hollybrook.xlsx");
    let written = sandbox.kitemark(&[
        "--repo",
        repo_arg,
        "template",
        "hollybrook-primary",
        "2026-27",
        "--format",
        "xlsx",
        "--new",
        "--name",
        "Hollybrook Primary School",
        "--phase",
        "primary",
        "--area",
        "DSPL 3 – Watford and Three Rivers",
        "-o",
        template.to_str().unwrap(),
    ]);
    assert_exit(&written, 0);

    let filled = sandbox.path("hollybrook-filled.xlsx");
    fill(&template, &filled);
    let submitted = sandbox.kitemark(&[
        "--repo",
        repo_arg,
        "submit",
        "hollybrook-primary",
        "2026-27",
        "--from",
        filled.to_str().unwrap(),
        "--entered-by",
        "j-okafor",
    ]);
    assert_exit(&submitted, 0);

    let validate = sandbox.kitemark(&["--repo", repo_arg, "validate"]);
    assert_exit(&validate, 0);

    let author = sandbox.git_text(&repo, &["log", "-1", "--format=%an <%ae>"]);
    assert_eq!(
        author.trim(),
        "Priya Natarajan <p.natarajan@example.sch.uk>",
        "the submission is committed as the school's contact, the one who filled the workbook"
    );
    let message = sandbox.git_text(&repo, &["log", "-1", "--format=%B"]);
    assert!(
        message
            .lines()
            .any(|l| l.starts_with("Entered-By:") && l.contains("j-okafor")),
        "the commit names the administrator who entered it:\n{message}"
    );
    let files = sandbox.git_text(&repo, &["show", "--name-only", "--format=", "HEAD"]);
    let mut files: Vec<&str> = files.lines().collect();
    files.sort_unstable();
    assert_eq!(
        files,
        [
            "submissions/hollybrook-primary/2026-27/action-plan.ron",
            "submissions/hollybrook-primary/2026-27/self-review.ron",
            "submissions/hollybrook-primary/school.ron",
        ]
    );
    let profile = sandbox.git_text(
        &repo,
        &["show", "HEAD:submissions/hollybrook-primary/school.ron"],
    );
    assert!(profile.contains("Hollybrook Primary School"), "{profile}");
    assert!(profile.contains("p.natarajan@example.sch.uk"), "{profile}");
    let review = sandbox.git_text(
        &repo,
        &[
            "show",
            "HEAD:submissions/hollybrook-primary/2026-27/self-review.ron",
        ],
    );
    assert!(
        review.contains("Priya Natarajan, Deputy headteacher and senior mental health lead"),
        "{review}"
    );
    assert!(review.contains("submitted: \"2026-11-20\""), "{review}");
}

/// The panel the committed corpus was made against (see `generate.sh`): graded framework, one
/// administrator, Bramblefield Primary's 2025-26 submission.
fn corpus_panel(sandbox: &Sandbox) -> PathBuf {
    let repo = new_panel(sandbox, "herts-schools-mark");
    let submitted = sandbox.kitemark(&[
        "--repo",
        repo.to_str().unwrap(),
        "submit",
        "bramblefield-primary",
        "2025-26",
        "--from",
        workbooks().join("school").to_str().unwrap(),
        "--entered-by",
        "j-okafor",
    ]);
    assert_exit(&submitted, 0);
    repo
}

fn submit_workbook(
    sandbox: &Sandbox,
    repo: &Path,
    school: &str,
    year: &str,
    file: &Path,
) -> std::process::Output {
    sandbox.kitemark(&[
        "--repo",
        repo.to_str().unwrap(),
        "submit",
        school,
        year,
        "--from",
        file.to_str().unwrap(),
        "--entered-by",
        "j-okafor",
    ])
}

/// The report with the corpus's folder named as a person would read it in the test's output.
fn report(out: &std::process::Output) -> String {
    stderr(out).replace(&workbooks().join("broken").display().to_string(), "broken")
}

#[test]
fn each_broken_workbook_is_refused_cell_by_cell_and_nothing_is_committed() {
    let sandbox = Sandbox::new();
    let repo = corpus_panel(&sandbox);
    let before = head(&sandbox, &repo);
    let mut names: Vec<PathBuf> = std::fs::read_dir(workbooks().join("broken"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "filled.xlsx"))
        .collect();
    names.sort();
    assert!(names.len() >= 16, "the corpus is all there: {names:?}");
    for file in names {
        let out = submit_workbook(&sandbox, &repo, "bramblefield-primary", "2026-27", &file);
        assert_exit(&out, 1);
        assert_eq!(
            head(&sandbox, &repo),
            before,
            "{} committed something",
            file.display()
        );
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("broken_{stem}"), report(&out));
    }
    let status = sandbox.git_text(&repo, &["status", "--porcelain"]);
    assert_eq!(status, "", "the working tree is left as it was");
}

#[test]
fn the_filled_workbook_of_the_corpus_is_accepted() {
    // The broken files differ from this one by their problem alone: it must go in cleanly, or
    // the corpus would prove nothing.
    let sandbox = Sandbox::new();
    let repo = corpus_panel(&sandbox);
    let filled = workbooks().join("broken").join("filled.xlsx");
    let out = submit_workbook(&sandbox, &repo, "bramblefield-primary", "2026-27", &filled);
    assert_exit(&out, 0);
    assert_exit(
        &sandbox.kitemark(&["--repo", repo.to_str().unwrap(), "validate"]),
        0,
    );
    let author = sandbox.git_text(&repo, &["log", "-1", "--format=%an"]);
    assert_eq!(author.trim(), "Hannah Whitmore", "{}", stdout(&out));
}

#[test]
fn a_workbook_for_another_school_or_year_is_refused() {
    let sandbox = Sandbox::new();
    let repo = corpus_panel(&sandbox);
    let before = head(&sandbox, &repo);
    let filled = workbooks().join("broken").join("filled.xlsx");
    let other_year = submit_workbook(&sandbox, &repo, "bramblefield-primary", "2027-28", &filled);
    assert_exit(&other_year, 1);
    let other_school = submit_workbook(&sandbox, &repo, "oakfield-primary", "2026-27", &filled);
    assert_exit(&other_school, 1);
    assert_eq!(head(&sandbox, &repo), before);
    insta::assert_snapshot!("another_year", report(&other_year));
    insta::assert_snapshot!("another_school", report(&other_school));
}

#[test]
fn a_workbook_in_the_framework_of_last_year_s_review_is_accepted() {
    // The school's profile names no framework (so the panel's default, the kitemark), while its
    // last review was written under the Schools Mark: the template lays next year out in the
    // framework of that review, and the filled workbook must be taken as written.
    let sandbox = Sandbox::new();
    let repo = new_panel(&sandbox, "hymh-kitemark");
    let school = sandbox.path("school");
    std::fs::create_dir_all(&school).unwrap();
    for name in ["self-review.ron", "action-plan.ron"] {
        std::fs::copy(workbooks().join("school").join(name), school.join(name)).unwrap();
    }
    let profile = std::fs::read_to_string(workbooks().join("school/school.ron")).unwrap();
    let profile: String = profile
        .lines()
        .filter(|l| !l.trim_start().starts_with("rubric:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(school.join("school.ron"), profile).unwrap();
    let repo_arg = repo.to_str().unwrap();
    let first = sandbox.kitemark(&[
        "--repo",
        repo_arg,
        "submit",
        "bramblefield-primary",
        "2025-26",
        "--from",
        school.to_str().unwrap(),
        "--entered-by",
        "j-okafor",
    ]);
    assert_exit(&first, 0);

    let template = sandbox.path("next.xlsx");
    let written = sandbox.kitemark(&[
        "--repo",
        repo_arg,
        "template",
        "bramblefield-primary",
        "2026-27",
        "--format",
        "xlsx",
        "-o",
        template.to_str().unwrap(),
    ]);
    assert_exit(&written, 0);
    let filled = sandbox.path("next-filled.xlsx");
    fill(&template, &filled);
    let out = submit_workbook(&sandbox, &repo, "bramblefield-primary", "2026-27", &filled);
    assert_exit(&out, 0);
    let review = sandbox.git_text(
        &repo,
        &[
            "show",
            "HEAD:submissions/bramblefield-primary/2026-27/self-review.ron",
        ],
    );
    assert!(
        review.contains("rubric: \"herts-schools-mark\""),
        "{review}"
    );
}

#[test]
fn a_workbook_laid_out_in_the_framework_that_succeeds_the_school_s_is_accepted() {
    // `template --rubric` carries a kitemark school's plan into the Schools Mark, which
    // succeeds it; the school's filled workbook is its first submission under the new mark.
    let sandbox = Sandbox::new();
    let repo = sandbox.copy_repo(common::shared_demo(), "demo");
    let repo_arg = repo.to_str().unwrap();
    let template = sandbox.path("oakfield.xlsx");
    let written = sandbox.kitemark(&[
        "--repo",
        repo_arg,
        "template",
        "oakfield-primary",
        "2027-28",
        "--format",
        "xlsx",
        "--rubric",
        "herts-schools-mark",
        "-o",
        template.to_str().unwrap(),
    ]);
    assert_exit(&written, 0);
    let filled = sandbox.path("oakfield-filled.xlsx");
    fill(&template, &filled);
    let out = sandbox.kitemark(&[
        "--repo",
        repo_arg,
        "submit",
        "oakfield-primary",
        "2027-28",
        "--from",
        filled.to_str().unwrap(),
        "--entered-by",
        "r-adeyemi",
    ]);
    assert_exit(&out, 0);
    let review = sandbox.git_text(
        &repo,
        &[
            "show",
            "HEAD:submissions/oakfield-primary/2027-28/self-review.ron",
        ],
    );
    assert!(
        review.contains("rubric: \"herts-schools-mark\""),
        "{review}"
    );
}
