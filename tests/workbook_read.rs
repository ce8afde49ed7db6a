//! Schools' workbooks read back: the same days whichever program saved them, and a workbook
//! submitted committing what the school's files would.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{DEMO_DAY, Sandbox, assert_exit, shared_demo, stderr, stdout};
use kitemark::model::format::{from_ron, to_ron};
use kitemark::model::{ActionPlan, Rubric, RubricId, School, SelfReview};
use kitemark::workbook::WorkbookContent;
use kitemark::workbook::read::read_workbook;
use kitemark::workbook::write::write_workbook;

/// The bundled rubrics, as the panel holds them.
fn bundled_rubrics() -> BTreeMap<RubricId, Rubric> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rubrics");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let rubric: Rubric = from_ron(&text).unwrap();
            (rubric.id.clone(), rubric)
        })
        .collect()
}

fn workbook(name: &str) -> PathBuf {
    common::fixtures().join("workbooks").join(name)
}

#[test]
fn excel_1904_dates_and_libreoffice_dates_read_to_the_same_days() {
    let rubrics = bundled_rubrics();
    let from_excel =
        read_workbook(&workbook("dates-1904.xlsx"), &rubrics).unwrap_or_else(|p| panic!("{p:#?}"));
    let from_libreoffice =
        read_workbook(&workbook("dates.ods"), &rubrics).unwrap_or_else(|p| panic!("{p:#?}"));
    let day = |y, m, d| jiff::civil::date(y, m, d);
    for read in [&from_excel, &from_libreoffice] {
        assert_eq!(read.review.submitted, day(2026, 10, 3));
        assert_eq!(read.plan.updated, day(2026, 11, 2));
        let dates: Vec<_> = read.plan.actions.iter().map(|a| (a.start, a.due)).collect();
        assert_eq!(
            dates,
            [
                (day(2026, 9, 7), day(2027, 7, 16)),
                (day(2026, 9, 1), day(2027, 3, 31)),
            ]
        );
    }
    // Everything else reads alike too: line breaks, evidence, the new action's id.
    assert_eq!(from_excel, from_libreoffice);
    assert_eq!(from_excel.plan.actions[1].id.as_str(), "SV-3");
    assert_eq!(
        from_excel.review.summary,
        "Our fourth year with the kitemark.\nStaff training is now routine."
    );
}

/// Runs `kitemark submit` on `repo` from `from`, with `extra` arguments.
fn submit(
    sb: &Sandbox,
    repo: &Path,
    school: &str,
    year: &str,
    from: &Path,
    extra: &[&str],
) -> Output {
    let mut args = vec![
        "submit",
        school,
        year,
        "--repo",
        repo.to_str().unwrap(),
        "--from",
        from.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sb.kitemark(&args)
}

#[test]
fn a_workbook_submitted_commits_what_its_files_submitted_would() {
    let sb = Sandbox::new();
    let by_workbook = sb.copy_repo(shared_demo(), "by-workbook");
    let by_files = sb.copy_repo(shared_demo(), "by-files");
    let xlsx = workbook("dates-1904.xlsx");

    // The files the workbook makes, sent as a school sends RON files.
    let read = read_workbook(&xlsx, &bundled_rubrics()).unwrap_or_else(|p| panic!("{p:#?}"));
    let folder = sb.path("files");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("self-review.ron"),
        to_ron(&read.review).unwrap(),
    )
    .unwrap();
    std::fs::write(folder.join("action-plan.ron"), to_ron(&read.plan).unwrap()).unwrap();

    // A dry run shows the commit and the files, and commits nothing.
    let head = sb.git_text(&by_workbook, &["rev-parse", "HEAD"]);
    let out = submit(
        &sb,
        &by_workbook,
        "oakfield-primary",
        "2026-27",
        &xlsx,
        &["--dry-run"],
    );
    assert_exit(&out, 0);
    let shown = stdout(&out);
    assert!(shown.starts_with("Would commit submissions/oakfield-primary/2026-27/self-review.ron, submissions/oakfield-primary/2026-27/action-plan.ron as Bethan Carwardine"), "{shown}");
    assert!(
        shown.contains("--- submissions/oakfield-primary/2026-27/action-plan.ron\n(\n"),
        "{shown}"
    );
    assert!(shown.contains("id: \"SV-3\""), "{shown}");
    assert_eq!(sb.git_text(&by_workbook, &["rev-parse", "HEAD"]), head);

    for (repo, from) in [(&by_workbook, &xlsx), (&by_files, &folder)] {
        let out = submit(
            &sb,
            repo,
            "oakfield-primary",
            "2026-27",
            from,
            &["--entered-by", "t-whitlock"],
        );
        assert_exit(&out, 0);
    }
    let commit = |repo: &Path| {
        sb.git_text(
            repo,
            &["show", "--format=%an <%ae>%n%B", "--name-only", "HEAD"],
        )
    };
    assert_eq!(commit(&by_workbook), commit(&by_files));
    assert!(commit(&by_workbook).contains("Entered-By: t-whitlock"));
    for path in [
        "submissions/oakfield-primary/2026-27/self-review.ron",
        "submissions/oakfield-primary/2026-27/action-plan.ron",
    ] {
        let file = |repo: &Path| sb.git_text(repo, &["show", &format!("HEAD:{path}")]);
        assert_eq!(file(&by_workbook), file(&by_files), "{path}");
    }
}

#[test]
fn a_workbook_for_another_school_or_year_is_named_on_the_about_sheet() {
    let sb = Sandbox::new();
    let repo = sb.copy_repo(shared_demo(), "demo");
    let xlsx = workbook("dates.ods");
    let head = sb.git_text(&repo, &["rev-parse", "HEAD"]);

    let out = submit(&sb, &repo, "oakfield-primary", "2025-26", &xlsx, &[]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("kitemark: About!B5: this workbook is for 2026-27, not 2025-26"),
        "{}",
        stderr(&out)
    );
    let out = submit(&sb, &repo, "riverside-academy", "2026-27", &xlsx, &[]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains(
            "kitemark: About!B4: this workbook is for oakfield-primary, not riverside-academy"
        ),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("nothing was submitted"));
    assert_eq!(sb.git_text(&repo, &["rev-parse", "HEAD"]), head);
}

#[test]
fn a_workbook_for_another_framework_than_the_schools_is_refused() {
    let sb = Sandbox::new();
    let repo = sb.copy_repo(shared_demo(), "demo");
    // Oakfield moves to the SEMH self-evaluation after its workbook was written.
    let profile = repo.join("submissions/oakfield-primary/school.ron");
    let text = std::fs::read_to_string(&profile).unwrap();
    let moved = text.replacen(
        "    contacts:",
        "    rubric: Some(\"semh-quality-offer\"),\n    contacts:",
        1,
    );
    assert_ne!(moved, text);
    std::fs::write(&profile, moved).unwrap();
    sb.git(
        &repo,
        &[
            "commit",
            "-qam",
            "Oakfield works to the SEMH self-evaluation",
        ],
    );

    let out = submit(
        &sb,
        &repo,
        "oakfield-primary",
        "2026-27",
        &workbook("dates.ods"),
        &[],
    );
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains(
            "kitemark: About!B6: this workbook is for the framework \"Healthy Young Minds in Herts Kitemark\", and Oakfield Primary School works to \"SEMH Quality Offer self-evaluation\""
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_old_xls_is_sent_back_to_be_saved_as_a_newer_workbook() {
    let sb = Sandbox::new();
    let xls = sb.path("return.xls");
    std::fs::write(&xls, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).unwrap();
    let out = submit(&sb, shared_demo(), "oakfield-primary", "2026-27", &xls, &[]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("open it and save it as .xlsx or .ods"),
        "{}",
        stderr(&out)
    );
}

/// The rubrics of a panel repository's working tree.
fn rubrics_in(repo: &Path) -> BTreeMap<RubricId, Rubric> {
    std::fs::read_dir(repo.join("rubrics"))
        .unwrap()
        .map(|entry| {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let rubric: Rubric = from_ron(&text).unwrap();
            (rubric.id.clone(), rubric)
        })
        .collect()
}

/// Every school's year in a panel repository with both its files: (school, year folder).
fn submissions(repo: &Path) -> Vec<(PathBuf, PathBuf)> {
    let mut found = Vec::new();
    for school in std::fs::read_dir(repo.join("submissions")).unwrap() {
        let school = school.unwrap().path();
        if !school.join("school.ron").is_file() {
            continue;
        }
        for year in std::fs::read_dir(&school).unwrap() {
            let year = year.unwrap().path();
            if year.join("self-review.ron").is_file() && year.join("action-plan.ron").is_file() {
                found.push((school.clone(), year));
            }
        }
    }
    found.sort();
    found
}

/// Writes each submission of `repo` as the workbook it would be sent again in, reads it back
/// and expects the same self-review and action plan; the number of submissions tried.
fn round_trip_every_submission(sb: &Sandbox, repo: &Path) -> usize {
    let rubrics = rubrics_in(repo);
    let found = submissions(repo);
    for (n, (school_dir, year_dir)) in found.iter().enumerate() {
        let read = |name: &str| std::fs::read_to_string(year_dir.join(name)).unwrap();
        let school: School =
            from_ron(&std::fs::read_to_string(school_dir.join("school.ron")).unwrap()).unwrap();
        let review: SelfReview = from_ron(&read("self-review.ron")).unwrap();
        let plan: ActionPlan = from_ron(&read("action-plan.ron")).unwrap();
        let rubric = rubrics[&review.rubric].clone();
        let content = WorkbookContent {
            school,
            new_school: false,
            year: review.year,
            rubric,
            review: Some(review.clone()),
            reserved: plan.actions.iter().map(|a| a.id.clone()).collect(),
            plan: plan.clone(),
            finished: Vec::new(),
        };
        let bytes = write_workbook(&content).unwrap();
        let path = sb.path(&format!("round-trip-{n}.xlsx"));
        std::fs::write(&path, bytes).unwrap();
        let back = read_workbook(&path, &rubrics).unwrap_or_else(|p| {
            panic!("{}: {p:#?}", year_dir.display());
        });
        assert_eq!(back.review, review, "{}", year_dir.display());
        assert_eq!(back.plan, plan, "{}", year_dir.display());
        assert_eq!(back.profile, None);
    }
    found.len()
}

#[test]
fn every_demo_submission_comes_back_from_its_workbook_as_it_was() {
    let sb = Sandbox::new();
    let tried = round_trip_every_submission(&sb, shared_demo());
    assert!(tried > 20, "{tried}");
}

#[test]
fn every_submission_of_the_kent_demo_comes_back_from_its_workbook_as_it_was() {
    let sb = Sandbox::new();
    let kent = sb.path("kent");
    assert_exit(
        &sb.kitemark(&[
            "demo",
            "--panel",
            "kent",
            "--dir",
            kent.to_str().unwrap(),
            "--no-open",
            "--on",
            DEMO_DAY,
        ]),
        0,
    );
    let tried = round_trip_every_submission(&sb, &kent);
    assert!(tried > 5, "{tried}");
}

#[test]
fn a_written_workbook_submitted_commits_the_files_it_was_written_from() {
    let sb = Sandbox::new();
    let by_workbook = sb.copy_repo(shared_demo(), "by-workbook");
    let by_files = sb.copy_repo(shared_demo(), "by-files");
    let school_dir = by_files.join("submissions/oakfield-primary");
    let last = |name: &str| std::fs::read_to_string(school_dir.join("2025-26").join(name)).unwrap();
    // Next year's submission as the school would fill it in: last year's carried forward.
    let year = "2026-27".parse().unwrap();
    let mut review: SelfReview = from_ron(&last("self-review.ron")).unwrap();
    review.year = year;
    review.submitted = jiff::civil::date(2026, 10, 9);
    let mut plan: ActionPlan = from_ron(&last("action-plan.ron")).unwrap();
    plan.year = year;
    plan.updated = jiff::civil::date(2026, 10, 9);
    let rubrics = rubrics_in(&by_files);
    let content = WorkbookContent {
        school: from_ron(&std::fs::read_to_string(school_dir.join("school.ron")).unwrap()).unwrap(),
        new_school: false,
        year,
        rubric: rubrics[&review.rubric].clone(),
        review: Some(review.clone()),
        reserved: plan.actions.iter().map(|a| a.id.clone()).collect(),
        plan: plan.clone(),
        finished: Vec::new(),
    };
    let xlsx = sb.path("oakfield-2026-27.xlsx");
    std::fs::write(&xlsx, write_workbook(&content).unwrap()).unwrap();
    let folder = sb.path("files");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("self-review.ron"), to_ron(&review).unwrap()).unwrap();
    std::fs::write(folder.join("action-plan.ron"), to_ron(&plan).unwrap()).unwrap();

    let dry = submit(
        &sb,
        &by_workbook,
        "oakfield-primary",
        "2026-27",
        &xlsx,
        &["--dry-run"],
    );
    assert_exit(&dry, 0);
    for (path, text) in [
        ("self-review.ron", to_ron(&review).unwrap()),
        ("action-plan.ron", to_ron(&plan).unwrap()),
    ] {
        let shown = format!("--- submissions/oakfield-primary/2026-27/{path}\n{text}");
        assert!(stdout(&dry).contains(&shown), "{path}: {}", stdout(&dry));
    }
    for (repo, from) in [(&by_workbook, &xlsx), (&by_files, &folder)] {
        assert_exit(
            &submit(&sb, repo, "oakfield-primary", "2026-27", from, &[]),
            0,
        );
    }
    let commit =
        |repo: &Path| sb.git_text(repo, &["show", "--format=%an <%ae>%n%B", "--stat", "HEAD"]);
    assert_eq!(commit(&by_workbook), commit(&by_files));
    let tree = |repo: &Path| sb.git_text(repo, &["rev-parse", "HEAD^{tree}"]);
    assert_eq!(tree(&by_workbook), tree(&by_files));
}

#[test]
fn a_workbook_for_a_new_school_the_panel_already_has_is_refused() {
    let sb = Sandbox::new();
    let repo = sb.copy_repo(shared_demo(), "demo");
    let school_dir = repo.join("submissions/oakfield-primary");
    let last = |name: &str| std::fs::read_to_string(school_dir.join("2025-26").join(name)).unwrap();
    let year = "2026-27".parse().unwrap();
    let mut review: SelfReview = from_ron(&last("self-review.ron")).unwrap();
    review.year = year;
    let mut plan: ActionPlan = from_ron(&last("action-plan.ron")).unwrap();
    plan.year = year;
    let school: School =
        from_ron(&std::fs::read_to_string(school_dir.join("school.ron")).unwrap()).unwrap();
    let content = WorkbookContent {
        school,
        // Written as if Oakfield were new to the panel: its About sheet would replace the
        // profile the panel keeps.
        new_school: true,
        year,
        rubric: rubrics_in(&repo)[&review.rubric].clone(),
        review: Some(review),
        reserved: Vec::new(),
        plan,
        finished: Vec::new(),
    };
    let xlsx = sb.path("oakfield-as-new.xlsx");
    std::fs::write(&xlsx, write_workbook(&content).unwrap()).unwrap();
    let head = sb.git_text(&repo, &["rev-parse", "HEAD"]);
    let out = submit(&sb, &repo, "oakfield-primary", "2026-27", &xlsx, &[]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains(
            "kitemark: About!B4: this workbook was written for a new school, and the panel already has Oakfield Primary School (oakfield-primary)"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(sb.git_text(&repo, &["rev-parse", "HEAD"]), head);
}

#[test]
fn a_workbook_for_another_school_is_named_as_such_before_its_cells() {
    let sb = Sandbox::new();
    let broken = common::fixtures().join("workbooks/broken/several-problems.xlsx");
    let out = submit(
        &sb,
        shared_demo(),
        "oakfield-primary",
        "2026-27",
        &broken,
        &[],
    );
    assert_exit(&out, 1);
    // Its cells would be read against the wrong school's year: only whose it is matters.
    assert_eq!(
        stderr(&out),
        "kitemark: About!B4: this workbook is for bramblefield-primary, not oakfield-primary\n\
         kitemark: nothing was submitted\n"
    );
}
