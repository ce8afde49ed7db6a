//! The workbook a school fills in: written by `kitemark template --format xlsx` (and for a
//! school new to the panel with `--new`), read back here as a spreadsheet program would.

mod common;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, SheetVisible, Xlsx, open_workbook};
use common::{Sandbox, assert_exit, shared_demo, stderr, stdout};
use kitemark::model::format::from_ron;
use kitemark::model::{ActionPlan, ActionStatus, Rubric, School, SelfReview};
use kitemark::workbook::WorkbookContent;
use kitemark::workbook::layout::{self, META_KEYS};
use kitemark::workbook::write::write_workbook;

type Book = Xlsx<std::io::BufReader<std::fs::File>>;

fn demo_file<T: serde::de::DeserializeOwned>(rel: &str) -> T {
    let text = std::fs::read_to_string(shared_demo().join(rel)).unwrap();
    from_ron(&text).unwrap()
}

/// Runs `template … --format xlsx -o FILE` on the shared demo; the file's path.
fn template(sandbox: &Sandbox, name: &str, args: &[&str]) -> PathBuf {
    let file = sandbox.path(name);
    let mut all = vec!["--repo", shared_demo().to_str().unwrap(), "template"];
    all.extend(args);
    all.extend(["--format", "xlsx", "-o", file.to_str().unwrap()]);
    let out = sandbox.kitemark(&all);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("Wrote "), "{}", stdout(&out));
    file
}

fn open(path: &Path) -> Book {
    open_workbook(path).unwrap()
}

fn sheet(book: &mut Book, name: &str) -> calamine::Range<Data> {
    book.worksheet_range(name).unwrap()
}

fn text(range: &calamine::Range<Data>, row: u32, col: u16) -> String {
    match range.get_value((row, u32::from(col))) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// A date cell's value as the day it stands for.
fn date(range: &calamine::Range<Data>, row: u32, col: u16) -> Option<jiff::civil::Date> {
    match range.get_value((row, u32::from(col))) {
        Some(Data::DateTime(d)) => {
            let days = d.as_f64() as i64;
            Some(
                jiff::civil::date(1899, 12, 30)
                    .checked_add(jiff::Span::new().days(days))
                    .unwrap(),
            )
        }
        _ => None,
    }
}

/// The About sheet's row for a field.
fn about_row(field: layout::AboutField) -> u32 {
    let index = layout::ABOUT_ROWS
        .iter()
        .position(|(f, _)| *f == field)
        .unwrap();
    layout::ABOUT_FIRST_ROW + u32::try_from(index).unwrap()
}

/// The hidden sheet's value for a key.
fn meta(book: &mut Book, key: layout::MetaKey) -> String {
    let range = sheet(book, layout::META_SHEET);
    let row = META_KEYS.iter().position(|k| *k == key).unwrap();
    assert_eq!(text(&range, row as u32, 0), key.key());
    text(&range, row as u32, 1)
}

/// The XML of every part of the file whose name starts with `prefix`, by name.
fn parts(path: &Path, prefix: &str) -> Vec<(String, String)> {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().to_owned();
        if name.starts_with(prefix) {
            let mut xml = String::new();
            file.read_to_string(&mut xml).unwrap();
            out.push((name, xml));
        }
    }
    out.sort();
    out
}

/// The XML of one worksheet, by its name in the workbook.
fn sheet_xml(path: &Path, name: &str) -> String {
    let book = open(path);
    let index = book.sheet_names().iter().position(|n| n == name).unwrap();
    let part = format!("xl/worksheets/sheet{}.xml", index + 1);
    parts(path, &part).pop().unwrap().1
}

/// Whether the cell is locked under the sheet's protection.
fn locked(book: &mut Book, sheet: &str, row: u32, col: u16) -> bool {
    let styles = book.worksheet_style(sheet).unwrap();
    styles
        .get((row, u32::from(col)))
        .and_then(|s| s.protection.as_ref())
        .is_none_or(|p| p.locked)
}

#[test]
fn a_submission_sent_again_comes_back_as_it_was_sent() {
    let sandbox = Sandbox::new();
    let file = template(&sandbox, "again.xlsx", &["north-vale-esc", "2026-27"]);
    let review: SelfReview = demo_file("submissions/north-vale-esc/2026-27/self-review.ron");
    let plan: ActionPlan = demo_file("submissions/north-vale-esc/2026-27/action-plan.ron");
    let rubric: Rubric = demo_file("rubrics/hymh-kitemark.ron");
    let mut book = open(&file);

    // The kitemark does not score criteria: no Scores sheet.
    assert_eq!(
        book.sheet_names(),
        [
            layout::INSTRUCTIONS_SHEET,
            layout::ABOUT_SHEET,
            layout::REVIEW_SHEET,
            layout::EVIDENCE_SHEET,
            layout::PLAN_SHEET,
            layout::FINISHED_SHEET,
            layout::META_SHEET,
        ]
    );
    let hidden = book
        .sheets_metadata()
        .iter()
        .find(|s| s.name == layout::META_SHEET)
        .map(|s| s.visible);
    assert!(
        matches!(
            hidden,
            Some(SheetVisible::Hidden | SheetVisible::VeryHidden)
        ),
        "{hidden:?}"
    );

    let about = sheet(&mut book, layout::ABOUT_SHEET);
    for (row, (_, heading)) in (layout::ABOUT_FIRST_ROW..).zip(layout::ABOUT_ROWS) {
        assert_eq!(text(&about, row, 0), *heading);
    }
    use layout::AboutField as F;
    assert_eq!(text(&about, about_row(F::SchoolId), 1), "north-vale-esc");
    assert_eq!(text(&about, about_row(F::Year), 1), "2026-27");
    assert_eq!(
        date(&about, about_row(F::Submitted), 1),
        Some(review.submitted)
    );
    assert_eq!(
        date(&about, about_row(F::PlanUpdated), 1),
        Some(plan.updated)
    );
    // `Name, Role` split where the reader joins them again.
    let (name, role) = review.submitted_by.split_once(", ").unwrap();
    assert_eq!(text(&about, about_row(F::SubmittedBy), 1), name);
    assert_eq!(text(&about, about_row(F::Role), 1), role);
    assert_eq!(
        text(&about, about_row(F::Stage), 1),
        "not used by this framework"
    );
    assert!(locked(
        &mut book,
        layout::ABOUT_SHEET,
        about_row(F::SchoolId),
        1
    ));
    assert!(!locked(
        &mut book,
        layout::ABOUT_SHEET,
        about_row(F::SubmittedBy),
        1
    ));

    let sheet_review = sheet(&mut book, layout::REVIEW_SHEET);
    for (col, heading) in (0u16..).zip(layout::REVIEW_COLUMNS) {
        assert_eq!(text(&sheet_review, 0, col), *heading);
    }
    for (row, area) in (1..).zip(&rubric.areas) {
        assert_eq!(text(&sheet_review, row, layout::REVIEW_CODE), area.code);
        let given = review.area(&area.id).unwrap();
        let label = &rubric.self_level(&given.level).unwrap().label;
        assert_eq!(&text(&sheet_review, row, layout::REVIEW_LEVEL), label);
        assert_eq!(
            text(&sheet_review, row, layout::REVIEW_STRENGTHS),
            given.strengths.join("\n")
        );
    }

    let sheet_plan = sheet(&mut book, layout::PLAN_SHEET);
    for (row, action) in (1..).zip(&plan.actions) {
        assert_eq!(text(&sheet_plan, row, layout::PLAN_ID), action.id.as_str());
        assert_eq!(
            text(&sheet_plan, row, layout::PLAN_STATUS),
            action.status.label()
        );
        assert_eq!(date(&sheet_plan, row, layout::PLAN_DUE), Some(action.due));
        assert!(locked(&mut book, layout::PLAN_SHEET, row, layout::PLAN_ID));
        assert!(!locked(
            &mut book,
            layout::PLAN_SHEET,
            row,
            layout::PLAN_STATUS
        ));
    }
    // The spare rows' ids are for the school to fill or leave empty.
    let spare = u32::try_from(plan.actions.len()).unwrap() + 1;
    assert!(!locked(
        &mut book,
        layout::PLAN_SHEET,
        spare,
        layout::PLAN_ID
    ));

    let kept: Vec<&str> = plan.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        meta(&mut book, layout::MetaKey::KeptActions),
        kept.join(",")
    );
    assert_eq!(
        meta(&mut book, layout::MetaKey::Format),
        layout::FORMAT_VERSION
    );
    assert_eq!(meta(&mut book, layout::MetaKey::School), "north-vale-esc");
    assert_eq!(meta(&mut book, layout::MetaKey::Rubric), "hymh-kitemark");
    assert_eq!(
        meta(&mut book, layout::MetaKey::RubricVersion),
        rubric.version
    );
    assert_eq!(meta(&mut book, layout::MetaKey::NewSchool), "no");

    let lists = sheet(&mut book, layout::META_SHEET);
    for (row, level) in (0..).zip(&rubric.self_assessment) {
        assert_eq!(text(&lists, row, layout::LIST_LEVELS), level.label);
    }
    for (row, status) in (0..).zip(ActionStatus::ALL) {
        assert_eq!(text(&lists, row, layout::LIST_STATUSES), status.label());
    }
}

#[test]
fn next_years_workbook_carries_the_open_actions_and_lists_the_finished() {
    let sandbox = Sandbox::new();
    let file = template(&sandbox, "next.xlsx", &["north-vale-esc", "2027-28"]);
    let last: ActionPlan = demo_file("submissions/north-vale-esc/2026-27/action-plan.ron");
    let (open_actions, finished): (Vec<_>, Vec<_>) = last
        .actions
        .iter()
        .partition(|a| !matches!(a.status, ActionStatus::Done | ActionStatus::Dropped));
    let mut book = open(&file);

    let plan = sheet(&mut book, layout::PLAN_SHEET);
    for (row, action) in (1..).zip(&open_actions) {
        assert_eq!(text(&plan, row, layout::PLAN_ID), action.id.as_str());
    }
    let after = u32::try_from(open_actions.len()).unwrap() + 1;
    assert_eq!(text(&plan, after, layout::PLAN_ID), "");

    let done = sheet(&mut book, layout::FINISHED_SHEET);
    for (row, action) in (1..).zip(&finished) {
        assert_eq!(text(&done, row, 0), action.id.as_str());
        assert_eq!(text(&done, row, 3), action.status.label());
    }
    let all: Vec<&str> = last.actions.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        meta(&mut book, layout::MetaKey::ReservedActions),
        all.join(",")
    );
    assert_eq!(meta(&mut book, layout::MetaKey::Year), "2027-28");

    // Nothing of the new year is filled yet.
    let about = sheet(&mut book, layout::ABOUT_SHEET);
    use layout::AboutField as F;
    assert_eq!(text(&about, about_row(F::SubmittedBy), 1), "");
    assert_eq!(date(&about, about_row(F::Submitted), 1), None);
    let review = sheet(&mut book, layout::REVIEW_SHEET);
    assert_eq!(text(&review, 1, layout::REVIEW_LEVEL), "");
    assert_eq!(text(&review, 1, layout::REVIEW_CODE), "LM");
}

#[test]
fn a_graded_schools_workbook_has_its_scores_with_the_total_and_grade() {
    let sandbox = Sandbox::new();
    let file = template(&sandbox, "graded.xlsx", &["elmwood-primary", "2026-27"]);
    let review: SelfReview = demo_file("submissions/elmwood-primary/2026-27/self-review.ron");
    let rubric: Rubric = demo_file("rubrics/herts-schools-mark.ron");
    let sheet_scores = kitemark::model::scores::score_sheet(&rubric, &review, None).unwrap();
    let mut book = open(&file);
    assert!(
        book.sheet_names()
            .contains(&layout::SCORES_SHEET.to_owned())
    );
    let scores = sheet(&mut book, layout::SCORES_SHEET);
    for (col, heading) in (0u16..).zip(layout::SCORE_COLUMNS) {
        assert_eq!(text(&scores, 0, col), *heading);
    }
    for (row, criterion) in (1..).zip(&sheet_scores.criteria) {
        assert_eq!(
            text(&scores, row, layout::SCORE_CRITERION),
            criterion.criterion.as_str()
        );
        assert_eq!(
            scores.get_value((row, u32::from(layout::SCORE_POINTS))),
            Some(&Data::Float(f64::from(criterion.school.unwrap())))
        );
    }
    // The total and grade carry their values, for a program that does not calculate.
    let total_row = u32::try_from(sheet_scores.criteria.len()).unwrap() + 2;
    assert_eq!(text(&scores, total_row, 2), "Total");
    assert_eq!(
        text(&scores, total_row, layout::SCORE_POINTS),
        sheet_scores.total.to_string()
    );
    assert_eq!(
        text(&scores, total_row + 1, layout::SCORE_POINTS),
        sheet_scores.grade_label.clone().unwrap()
    );
    let formulas = book.worksheet_formula(layout::SCORES_SHEET).unwrap();
    let formula = |row: u32| {
        formulas
            .get_value((row, u32::from(layout::SCORE_POINTS)))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(formula(total_row), format!("SUM(E2:E{})", total_row - 1));
    assert!(
        formula(total_row + 1).starts_with("IF("),
        "{}",
        formula(total_row + 1)
    );

    // Points are whole numbers from 0 to the criterion's maximum.
    let xml = sheet_xml(&file, layout::SCORES_SHEET);
    assert!(
        xml.contains(r#"<dataValidation type="whole""#) && xml.contains("<formula2>3</formula2>"),
        "{xml}"
    );
}

#[test]
fn every_sheet_is_protected_and_the_lists_are_drop_downs() {
    let sandbox = Sandbox::new();
    let file = template(&sandbox, "protected.xlsx", &["elmwood-primary", "2026-27"]);
    let sheets = parts(&file, "xl/worksheets/sheet");
    assert_eq!(sheets.len(), 8);
    for (name, xml) in &sheets {
        assert!(xml.contains("<sheetProtection"), "{name} is not protected");
        assert!(!xml.contains("password="), "{name} has a password");
    }
    let rubric: Rubric = demo_file("rubrics/herts-schools-mark.ron");
    // Each list of the hidden sheet, a drop-down wherever its values are chosen.
    let list = |column: &str, len: usize| {
        format!("<formula1>kitemark!${column}$1:${column}${len}</formula1>")
    };
    let review = sheet_xml(&file, layout::REVIEW_SHEET);
    assert!(
        review.contains(r#"<dataValidation type="list""#)
            && review.contains(&list("E", rubric.self_assessment.len())),
        "{review}"
    );
    let plan = sheet_xml(&file, layout::PLAN_SHEET);
    assert!(plan.contains(&list("D", rubric.areas.len())), "{plan}");
    assert!(plan.contains(&list("F", ActionStatus::ALL.len())), "{plan}");
    let evidence = sheet_xml(&file, layout::EVIDENCE_SHEET);
    assert!(
        evidence.contains(&list("D", rubric.areas.len())),
        "{evidence}"
    );
    assert!(
        evidence.contains(&list("G", kitemark::model::EvidenceKind::ALL.len())),
        "{evidence}"
    );
    // Heading rows stay in view.
    assert!(review.contains(r#"state="frozen""#), "{review}");
    // A row is as tall as its wrapped text, which Excel would otherwise show as one line.
    let second = plan.split(r#"<row r="2""#).nth(1).unwrap_or_default();
    let first_tag = second.split('>').next().unwrap_or_default();
    assert!(first_tag.contains("customHeight=\"1\""), "{first_tag}");
}

#[test]
fn a_new_schools_workbook_makes_its_profile_on_the_about_sheet() {
    let sandbox = Sandbox::new();
    let out = sandbox.kitemark(&[
        "--repo",
        shared_demo().to_str().unwrap(),
        "template",
        "hollyfield-primary",
        "2026-27",
        "--format",
        "xlsx",
        "--new",
        "--name",
        "Hollyfield Primary School",
        "--phase",
        "primary",
        "--area",
        "DSPL 8 – Dacorum",
        "--rubric",
        "kent-resilience",
    ]);
    assert_exit(&out, 0);
    // Written in the current folder, under the school's id and the year.
    let file = sandbox.path("hollyfield-primary-2026-27.xlsx");
    let rubric: Rubric = demo_file("rubrics/kent-resilience.ron");
    let mut book = open(&file);
    let about = sheet(&mut book, layout::ABOUT_SHEET);
    use layout::AboutField as F;
    assert_eq!(
        text(&about, about_row(F::School), 1),
        "Hollyfield Primary School"
    );
    assert_eq!(text(&about, about_row(F::Phase), 1), "Primary");
    assert_eq!(text(&about, about_row(F::DsplArea), 1), "DSPL 8 – Dacorum");
    for field in [
        F::School,
        F::Phase,
        F::DsplArea,
        F::Town,
        F::Email,
        F::Stage,
    ] {
        assert!(
            !locked(&mut book, layout::ABOUT_SHEET, about_row(field), 1),
            "{field:?} is locked"
        );
    }
    assert!(locked(
        &mut book,
        layout::ABOUT_SHEET,
        about_row(F::SchoolId),
        1
    ));
    assert_eq!(meta(&mut book, layout::MetaKey::NewSchool), "yes");
    assert_eq!(meta(&mut book, layout::MetaKey::Rubric), "kent-resilience");
    assert_eq!(meta(&mut book, layout::MetaKey::KeptActions), "");

    // Phase and stage are chosen from the hidden sheet's lists.
    let lists = sheet(&mut book, layout::META_SHEET);
    for (row, stage) in (0..).zip(&rubric.stages) {
        assert_eq!(text(&lists, row, layout::LIST_STAGES), stage.title);
    }
    assert_eq!(text(&lists, 0, layout::LIST_PHASES), "Early years setting");
    let xml = sheet_xml(&file, layout::ABOUT_SHEET);
    let phases = format!(
        "<formula1>kitemark!$H$1:$H${}</formula1>",
        kitemark::model::Phase::ALL.len()
    );
    let stages = format!(
        "<formula1>kitemark!$I$1:$I${}</formula1>",
        rubric.stages.len()
    );
    assert!(xml.contains(&phases) && xml.contains(&stages), "{xml}");

    // Nothing was written to the repository.
    assert!(
        !shared_demo()
            .join("submissions/hollyfield-primary")
            .exists()
    );
}

#[test]
fn a_school_the_panel_knows_is_refused_as_new_and_a_file_is_never_overwritten() {
    let sandbox = Sandbox::new();
    let repo = shared_demo().to_str().unwrap();
    let out = sandbox.kitemark(&[
        "--repo",
        repo,
        "template",
        "north-vale-esc",
        "2027-28",
        "--format",
        "xlsx",
        "--new",
        "--name",
        "North Vale",
        "--phase",
        "Special",
        "--area",
        "DSPL 2",
    ]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("north-vale-esc is already in the repository"),
        "{}",
        stderr(&out)
    );
    assert!(!sandbox.path("north-vale-esc-2027-28.xlsx").exists());

    // A school the panel does not know needs --new.
    let out = sandbox.kitemark(&[
        "--repo",
        repo,
        "template",
        "hollyfield-primary",
        "2027-28",
        "--format",
        "xlsx",
    ]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("--new"), "{}", stderr(&out));

    let file = sandbox.path("kept.xlsx");
    std::fs::write(&file, b"the school's own copy").unwrap();
    let out = sandbox.kitemark(&[
        "--repo",
        repo,
        "template",
        "north-vale-esc",
        "2027-28",
        "--format",
        "xlsx",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("never overwritten"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&file).unwrap(), b"the school's own copy");
}

#[test]
fn text_that_looks_like_a_formula_is_written_as_text() {
    let mut review: SelfReview = demo_file("submissions/north-vale-esc/2026-27/self-review.ron");
    let mut plan: ActionPlan = demo_file("submissions/north-vale-esc/2026-27/action-plan.ron");
    let school: School = demo_file("submissions/north-vale-esc/school.ron");
    let rubric: Rubric = demo_file("rubrics/hymh-kitemark.ron");
    let hostile = [
        "=HYPERLINK(\"http://example.org\",\"Click\")",
        "=1+1",
        "+SUM(1,2)",
    ];
    let first = rubric.areas[0].id.clone();
    let area = review.areas.iter_mut().find(|a| a.area == first).unwrap();
    area.reflection = hostile[0].into();
    area.strengths = vec![hostile[1].into()];
    plan.actions[0].text = hostile[2].into();
    let content = WorkbookContent {
        school,
        new_school: false,
        year: review.year,
        rubric,
        review: Some(review),
        plan,
        finished: Vec::new(),
        reserved: Vec::new(),
    };
    let bytes = write_workbook(&content).unwrap();
    let mut book: Xlsx<_> = calamine::Xlsx::new(Cursor::new(bytes)).unwrap();
    let review = book.worksheet_range(layout::REVIEW_SHEET).unwrap();
    assert_eq!(text(&review, 1, layout::REVIEW_REFLECTION), hostile[0]);
    assert_eq!(text(&review, 1, layout::REVIEW_STRENGTHS), hostile[1]);
    let plan = book.worksheet_range(layout::PLAN_SHEET).unwrap();
    assert_eq!(text(&plan, 1, layout::PLAN_TEXT), hostile[2]);
    for sheet in [layout::REVIEW_SHEET, layout::PLAN_SHEET] {
        let formulas = book.worksheet_formula(sheet).unwrap();
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "{sheet} has a formula"
        );
    }
}

#[test]
fn next_years_workbook_in_a_framework_that_succeeds_the_plans() {
    let sandbox = Sandbox::new();
    let file = template(
        &sandbox,
        "moved.xlsx",
        &[
            "north-vale-esc",
            "2027-28",
            "--rubric",
            "herts-schools-mark",
        ],
    );
    let mark: Rubric = demo_file("rubrics/herts-schools-mark.ron");
    let mut book = open(&file);
    assert_eq!(
        meta(&mut book, layout::MetaKey::Rubric),
        "herts-schools-mark"
    );
    assert!(
        book.sheet_names()
            .contains(&layout::SCORES_SHEET.to_owned())
    );
    let review = sheet(&mut book, layout::REVIEW_SHEET);
    for (row, area) in (1..).zip(&mark.areas) {
        assert_eq!(text(&review, row, layout::REVIEW_CODE), area.code);
    }
    // Every action, carried or finished, under an area of the new framework.
    let titles: Vec<&str> = mark.areas.iter().map(|a| a.title.as_str()).collect();
    for (name, col) in [
        (layout::PLAN_SHEET, layout::PLAN_AREA),
        (layout::FINISHED_SHEET, 1),
    ] {
        let range = sheet(&mut book, name);
        let areas: Vec<String> = (1..range.height() as u32)
            .map(|row| text(&range, row, col))
            .filter(|a| !a.is_empty())
            .collect();
        assert!(!areas.is_empty(), "{name}");
        assert!(
            areas.iter().all(|a| titles.contains(&a.as_str())),
            "{name}: {areas:?}"
        );
    }

    // A submission sent again stays in the framework it was made in.
    let out = sandbox.kitemark(&[
        "--repo",
        shared_demo().to_str().unwrap(),
        "template",
        "elmwood-primary",
        "2026-27",
        "--format",
        "xlsx",
        "--rubric",
        "hymh-kitemark",
    ]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("does not apply to a submission sent again"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn text_too_long_for_a_cell_is_refused_where_it_is() {
    let mut review: SelfReview = demo_file("submissions/north-vale-esc/2026-27/self-review.ron");
    let plan: ActionPlan = demo_file("submissions/north-vale-esc/2026-27/action-plan.ron");
    let school: School = demo_file("submissions/north-vale-esc/school.ron");
    let rubric: Rubric = demo_file("rubrics/hymh-kitemark.ron");
    // A spreadsheet cell holds at most 32,767 characters.
    let second = rubric.areas[1].id.clone();
    let area = review.areas.iter_mut().find(|a| a.area == second).unwrap();
    area.reflection = "Our reflection. ".repeat(2100);
    let content = WorkbookContent {
        school,
        new_school: false,
        year: review.year,
        rubric,
        review: Some(review),
        plan,
        finished: Vec::new(),
        reserved: Vec::new(),
    };
    let error = write_workbook(&content).unwrap_err().to_string();
    assert!(error.starts_with("Self-review!E3: "), "{error}");
}
