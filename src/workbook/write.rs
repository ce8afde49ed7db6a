//! Writing a school's workbook: the sheets [`layout`] lists, pre-filled from a
//! [`WorkbookContent`], with the cells a school fills unlocked and everything else protected.
//!
//! Every value from the repository is written as text (never as a formula), so a reflection
//! that starts with `=` stays what the school wrote.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    Workbook, Worksheet, XlsxError,
};

use super::WorkbookContent;
use super::layout::{self, AboutField, MetaKey};
use crate::model::{ActionStatus, EvidenceKind, Phase, Rubric};

/// Why a workbook could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// A cell could not take its value (text longer than a spreadsheet allows, for one).
    #[error("{sheet}!{cell}: {source}")]
    Cell {
        sheet: String,
        cell: String,
        #[source]
        source: XlsxError,
    },
    /// The workbook as a whole could not be put together.
    #[error("the workbook could not be written: {0}")]
    Workbook(#[from] XlsxError),
}

/// The workbook for `content`, as the bytes of an `.xlsx` file.
pub fn write_workbook(content: &WorkbookContent) -> Result<Vec<u8>, WorkbookError> {
    let styles = Styles::new();
    let lists = Lists::of(content);
    let mut workbook = Workbook::new();
    instructions(workbook.add_worksheet(), content, &styles)?;
    about(workbook.add_worksheet(), content, &styles, &lists)?;
    self_review(workbook.add_worksheet(), content, &styles, &lists)?;
    evidence(workbook.add_worksheet(), content, &styles, &lists)?;
    if scores_criteria(&content.rubric) {
        scores(workbook.add_worksheet(), content, &styles)?;
    }
    action_plan(workbook.add_worksheet(), content, &styles, &lists)?;
    finished(workbook.add_worksheet(), content, &styles)?;
    meta(workbook.add_worksheet(), content, &lists)?;
    Ok(workbook.save_to_buffer()?)
}

/// Whether the rubric scores any criterion, and so whether the workbook has a Scores sheet.
pub fn scores_criteria(rubric: &Rubric) -> bool {
    rubric
        .areas
        .iter()
        .flat_map(|a| &a.criteria)
        .any(|c| c.max_points.is_some())
}

/// The cell formats every sheet shares.
struct Styles {
    title: Format,
    heading: Format,
    label: Format,
    locked: Format,
    input: Format,
    input_date: Format,
    number: Format,
    input_number: Format,
    note: Format,
}

impl Styles {
    fn new() -> Self {
        let top = Format::new().set_text_wrap().set_align(FormatAlign::Top);
        // Cells to fill are tinted and bordered, so a school sees at a glance where to type;
        // the rest is locked by the sheet's protection.
        let input = top
            .clone()
            .set_unlocked()
            .set_background_color(0xFFF8DC)
            .set_border(FormatBorder::Thin)
            .set_border_color(0xBFBFBF);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            heading: top.clone().set_bold().set_background_color(0xD9E1F2),
            label: top.clone().set_bold(),
            locked: top.clone(),
            input_date: input.clone().set_num_format(layout::DATE_FORMAT),
            input_number: input.clone().set_align(FormatAlign::Right),
            input,
            number: top.clone().set_align(FormatAlign::Right),
            note: top.set_italic().set_font_color(0x595959),
        }
    }
}

/// The drop-down lists of the hidden sheet, each with the range a validation refers to.
struct Lists {
    areas: Vec<String>,
    levels: Vec<String>,
    statuses: Vec<String>,
    kinds: Vec<String>,
    phases: Vec<String>,
    stages: Vec<String>,
}

impl Lists {
    fn of(content: &WorkbookContent) -> Self {
        let rubric = &content.rubric;
        Self {
            areas: rubric.areas.iter().map(|a| a.title.clone()).collect(),
            levels: rubric
                .self_assessment
                .iter()
                .map(|l| l.label.clone())
                .collect(),
            statuses: ActionStatus::ALL
                .iter()
                .map(|s| s.label().to_owned())
                .collect(),
            kinds: EvidenceKind::ALL
                .iter()
                .map(|k| k.label().to_owned())
                .collect(),
            phases: Phase::ALL.iter().map(|p| p.label().to_owned()).collect(),
            stages: rubric.stages.iter().map(|s| s.title.clone()).collect(),
        }
    }

    /// Each list with the hidden sheet's column it is written in.
    fn columns(&self) -> [(u16, &[String]); 6] {
        [
            (layout::LIST_AREAS, &self.areas),
            (layout::LIST_LEVELS, &self.levels),
            (layout::LIST_STATUSES, &self.statuses),
            (layout::LIST_EVIDENCE_KINDS, &self.kinds),
            (layout::LIST_PHASES, &self.phases),
            (layout::LIST_STAGES, &self.stages),
        ]
    }

    /// A drop-down of the list in `column`; `None` for an empty list, which offers nothing.
    fn drop_down(&self, column: u16) -> Result<Option<DataValidation>, WorkbookError> {
        let len = self
            .columns()
            .into_iter()
            .find(|(c, _)| *c == column)
            .map_or(0, |(_, list)| list.len());
        if len == 0 {
            return Ok(None);
        }
        let letter = rust_xlsxwriter::utility::column_number_to_name(column);
        let last = u32::try_from(len).unwrap_or(u32::MAX);
        let range = format!("={}!${letter}$1:${letter}${last}", layout::META_SHEET);
        let validation = DataValidation::new()
            .allow_list_formula(Formula::new(range))
            .set_error_title("Choose from the list")?
            .set_error_message(
                "Please choose one of the entries in the list (click the arrow beside the cell).",
            )?;
        Ok(Some(validation))
    }
}

/// A worksheet with its name, so that a cell that cannot be written is reported where it is.
struct Sheet<'a> {
    ws: &'a mut Worksheet,
    name: &'static str,
    /// Each column's width, in characters.
    widths: Vec<f64>,
    /// The lines of wrapped text each row needs, as far as can be told without a font.
    lines: BTreeMap<u32, u32>,
}

impl<'a> Sheet<'a> {
    fn new(
        ws: &'a mut Worksheet,
        name: &'static str,
        widths: &[f64],
    ) -> Result<Self, WorkbookError> {
        ws.set_name(name)?;
        for (col, width) in (0u16..).zip(widths) {
            ws.set_column_width(col, *width)?;
        }
        Ok(Self {
            ws,
            name,
            widths: widths.to_vec(),
            lines: BTreeMap::new(),
        })
    }

    fn at(&self, row: u32, col: u16) -> impl FnOnce(XlsxError) -> WorkbookError + use<> {
        let sheet = self.name.to_owned();
        let cell = rust_xlsxwriter::utility::row_col_to_cell(row, col);
        move |source| WorkbookError::Cell {
            sheet,
            cell,
            source,
        }
    }

    /// Text, always as text: whatever it starts with, it never becomes a formula or a number.
    fn text(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), WorkbookError> {
        self.measure(row, col, text);
        self.put(row, col, text, format)
    }

    /// A sheet's title, in large type across the columns beside it: not wrapped, so not
    /// measured.
    fn title(&mut self, text: &str, format: &Format) -> Result<(), WorkbookError> {
        self.put(0, 0, text, format)
    }

    fn put(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        format: &Format,
    ) -> Result<(), WorkbookError> {
        let at = self.at(row, col);
        if text.is_empty() {
            self.ws.write_blank(row, col, format).map_err(at)?;
        } else {
            self.ws
                .write_string_with_format(row, col, text, format)
                .map_err(at)?;
        }
        Ok(())
    }

    /// A date cell; a date a spreadsheet cannot hold (before 1900) is written as text in the
    /// same form, which the reader also accepts.
    fn date(
        &mut self,
        row: u32,
        col: u16,
        date: Option<jiff::civil::Date>,
        format: &Format,
    ) -> Result<(), WorkbookError> {
        let Some(date) = date else {
            return self.text(row, col, "", format);
        };
        let cell = u16::try_from(date.year()).ok().and_then(|y| {
            ExcelDateTime::from_ymd(y, date.month().unsigned_abs(), date.day().unsigned_abs()).ok()
        });
        match cell {
            Some(cell) => {
                let at = self.at(row, col);
                self.ws
                    .write_datetime_with_format(row, col, cell, format)
                    .map_err(at)?;
                Ok(())
            }
            None => self.text(row, col, &date.strftime("%d/%m/%Y").to_string(), format),
        }
    }

    fn number(&mut self, row: u32, col: u16, n: u32, format: &Format) -> Result<(), WorkbookError> {
        let at = self.at(row, col);
        self.ws
            .write_number_with_format(row, col, f64::from(n), format)
            .map_err(at)?;
        Ok(())
    }

    fn formula(
        &mut self,
        row: u32,
        col: u16,
        formula: &str,
        result: &str,
        format: &Format,
    ) -> Result<(), WorkbookError> {
        let at = self.at(row, col);
        self.ws
            .write_formula_with_format(row, col, Formula::new(formula).set_result(result), format)
            .map_err(at)?;
        Ok(())
    }

    fn headings(&mut self, headings: &[&str], styles: &Styles) -> Result<(), WorkbookError> {
        for (col, heading) in (0u16..).zip(headings) {
            self.text(0, col, heading, &styles.heading)?;
        }
        self.ws.set_freeze_panes(1, 0)?;
        Ok(())
    }

    /// Counts the lines `text` takes wrapped in its column, so that its row can be made tall
    /// enough: Excel keeps a row at one line until it is edited.
    fn measure(&mut self, row: u32, col: u16, text: &str) {
        let width = self.widths.get(usize::from(col)).copied().unwrap_or(9.0);
        // A column holds about its width in characters of ordinary text.
        let per_line = width.max(1.0);
        let lines: f64 = text
            .split('\n')
            .map(|line| (line.chars().count() as f64 / per_line).ceil().max(1.0))
            .sum();
        let lines = lines.min(f64::from(MAX_LINES)) as u32;
        let most = self.lines.entry(row).or_insert(1);
        *most = (*most).max(lines);
    }

    /// Sets each row's height to its text, and at least `least(row)` points (room to write),
    /// and protects the sheet.
    fn finish(mut self, least: impl Fn(u32) -> f64) -> Result<(), WorkbookError> {
        for (&row, &lines) in &self.lines {
            let least = least(row);
            let height = (f64::from(lines) * LINE_HEIGHT)
                .max(least)
                .min(MAX_ROW_HEIGHT);
            if height > LINE_HEIGHT {
                self.ws.set_row_height(row, height)?;
            }
        }
        self.protect();
        Ok(())
    }

    fn validate(
        &mut self,
        rows: std::ops::Range<u32>,
        col: u16,
        validation: Option<&DataValidation>,
    ) -> Result<(), WorkbookError> {
        if let Some(validation) = validation
            && !rows.is_empty()
        {
            let at = self.at(rows.start, col);
            self.ws
                .add_data_validation(rows.start, col, rows.end - 1, col, validation)
                .map_err(at)?;
        }
        Ok(())
    }

    /// Protects the sheet with no password: a school cannot type over what it should keep, or
    /// insert and delete rows and columns the reader counts on, but nothing is kept from it.
    fn protect(&mut self) {
        self.ws.protect();
    }
}

/// The height of a line of text, in points, and the most a row may have.
const LINE_HEIGHT: f64 = 15.0;
const MAX_ROW_HEIGHT: f64 = 409.0;
const MAX_LINES: u32 = 27;

fn lines(items: &[String]) -> String {
    items.join("\n")
}

fn area_title(rubric: &Rubric, area: &crate::model::AreaId) -> String {
    rubric
        .area(area)
        .map_or_else(|| area.to_string(), |a| a.title.clone())
}

fn instructions(
    ws: &mut Worksheet,
    content: &WorkbookContent,
    styles: &Styles,
) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(ws, layout::INSTRUCTIONS_SHEET, &[24.0, 100.0])?;
    let rubric = &content.rubric;
    let school = &content.school;
    sheet.title(
        &format!("{}: {} submission to the panel", school.name, content.year),
        &styles.title,
    )?;
    let mut paragraphs: Vec<(Option<&str>, String)> = vec![
        (
            None,
            format!(
                "This workbook is your school's submission for {} under the {}. Fill in the shaded cells on each sheet, save the file as it is (keep it as an .xlsx or .ods workbook and keep its name if you can) and send it back to the panel's administrator.",
                content.year,
                rubric.short_name()
            ),
        ),
        (
            Some(layout::ABOUT_SHEET),
            if content.new_school {
                "Check your school's name, phase and local area, and add your town. Give the name, role and email address of the person submitting: the panel will write to them. Enter the date you send the workbook and the date your action plan was last brought up to date.".to_owned()
            } else {
                "Give the name and role of the person submitting, the date you send the workbook and the date your action plan was last brought up to date. Your school's details are as the panel holds them; if they have changed, tell the administrator.".to_owned()
            },
        ),
        (
            Some(layout::REVIEW_SHEET),
            "One row for each area of the framework. For each, choose your self-assessment from the list, write a short reflection, and list your strengths and the gaps you see, one per line (press Alt+Enter in Excel, or Ctrl+Enter in LibreOffice, to start a new line within a cell). The prompts in the third column are there to help you reflect; you need not answer each one.".to_owned(),
        ),
        (
            Some(layout::EVIDENCE_SHEET),
            "One piece of evidence per row: choose the area it supports and its kind from the lists, give it a title a reader will recognise, and add a note if it helps. Send the documents themselves as the administrator asks; this sheet lists them.".to_owned(),
        ),
    ];
    if scores_criteria(rubric) {
        paragraphs.push((
            Some(layout::SCORES_SHEET),
            "Score each criterion as a whole number from 0 up to its maximum. The total and the grade it would earn are worked out for you as you type; the panel works them out again from your scores.".to_owned(),
        ));
    }
    paragraphs.extend([
        (
            Some(layout::PLAN_SHEET),
            "The actions already on your plan come first, each with its id. Keep each id exactly as it is (it is locked), and bring the action's status, dates and progress up to date. Add new actions in the empty rows below: leave a new action's id empty and the panel gives it one. Choose the area and status from the lists.".to_owned(),
        ),
        (
            Some(layout::FINISHED_SHEET),
            "The actions you finished or dropped last year, for reference only; nothing on this sheet needs changing.".to_owned(),
        ),
        (
            Some("Dates"),
            "Type dates as dd/mm/yyyy, for example 01/09/2026 for the first of September 2026.".to_owned(),
        ),
        (
            Some("How the panel reads it"),
            "The panel's administrator enters your workbook into the panel's records and tells you of anything that cannot be read, cell by cell, so that you can put it right. The panel meets every six weeks and considers the submissions entered before each meeting; you will hear its decision in writing after the meeting.".to_owned(),
        ),
        (
            Some("Please do not"),
            "rename, add, delete or reorder the sheets, insert or delete rows or columns, or change the locked cells: the workbook is read back by position.".to_owned(),
        ),
    ]);
    for (row, (heading, text)) in (2..).zip(&paragraphs) {
        if let Some(heading) = heading {
            sheet.text(row, 0, heading, &styles.label)?;
        }
        sheet.text(row, 1, text, &styles.locked)?;
    }
    sheet.ws.set_selected(true).set_active(true);
    sheet.finish(|_| LINE_HEIGHT)
}

fn about(
    ws: &mut Worksheet,
    content: &WorkbookContent,
    styles: &Styles,
    lists: &Lists,
) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(ws, layout::ABOUT_SHEET, &[26.0, 60.0, 44.0])?;
    let school = &content.school;
    let rubric = &content.rubric;
    let review = content.review.as_ref();
    let new = content.new_school;
    sheet.title(
        &format!("About this submission ({})", content.year),
        &styles.title,
    )?;
    // `Name, Role` as the review keeps it, split where the reader joins the two again.
    let (name, role) = review.map_or(("", ""), |r| {
        r.submitted_by
            .split_once(", ")
            .unwrap_or((r.submitted_by.as_str(), ""))
    });
    let stage_title = review.and_then(|r| r.stage.as_ref()).map(|s| {
        rubric
            .stage(s)
            .map_or_else(|| s.to_string(), |s| s.title.clone())
    });
    let email = if new {
        school
            .main_contact()
            .map(|c| c.email.clone())
            .unwrap_or_default()
    } else {
        String::new()
    };
    for (row, (field, heading)) in (layout::ABOUT_FIRST_ROW..).zip(layout::ABOUT_ROWS) {
        sheet.text(row, 0, heading, &styles.label)?;
        let (input, locked) = (&styles.input, &styles.locked);
        // The value, whether the school fills it, and a hint beside it.
        let (value, fill, hint): (String, bool, &str) = match field {
            AboutField::School => (school.name.clone(), new, ""),
            AboutField::SchoolId => (school.id.to_string(), false, ""),
            AboutField::Year => (content.year.to_string(), false, ""),
            AboutField::Framework => (
                format!("{} (version {})", rubric.title, rubric.version),
                false,
                "",
            ),
            AboutField::Phase => (
                school.phase.label().to_owned(),
                new,
                if new { "Choose from the list" } else { "" },
            ),
            AboutField::DsplArea => (school.dspl_area.clone(), new, ""),
            AboutField::Town => (school.town.clone(), new, ""),
            AboutField::SubmittedBy => (name.to_owned(), true, "Your name"),
            AboutField::Role => (role.to_owned(), true, "Your role in the school"),
            AboutField::Email => (
                email.clone(),
                new,
                if new {
                    "The panel writes to this address"
                } else {
                    "Not needed: the panel has your school's contacts"
                },
            ),
            AboutField::Submitted => {
                sheet.date(row, 1, review.map(|r| r.submitted), &styles.input_date)?;
                sheet.text(row, 2, "dd/mm/yyyy", &styles.note)?;
                continue;
            }
            AboutField::PlanUpdated => {
                // A new year's plan has not been updated yet; one sent again has its date.
                let updated = review.map(|_| content.plan.updated);
                sheet.date(row, 1, updated, &styles.input_date)?;
                sheet.text(row, 2, "dd/mm/yyyy", &styles.note)?;
                continue;
            }
            AboutField::Stage if rubric.stages.is_empty() => {
                ("not used by this framework".to_owned(), false, "")
            }
            AboutField::Stage => (
                stage_title.clone().unwrap_or_default(),
                true,
                "Choose from the list",
            ),
            AboutField::Summary => (
                review.map(|r| r.summary.clone()).unwrap_or_default(),
                true,
                "A few sentences on the year",
            ),
        };
        sheet.text(row, 1, &value, if fill { input } else { locked })?;
        if !hint.is_empty() {
            sheet.text(row, 2, hint, &styles.note)?;
        }
        let list = match field {
            AboutField::Phase if new => lists.drop_down(layout::LIST_PHASES)?,
            AboutField::Stage => lists.drop_down(layout::LIST_STAGES)?,
            _ => None,
        };
        sheet.validate(row..row + 1, 1, list.as_ref())?;
    }
    // Room to write the summary.
    let summary = layout::ABOUT_ROWS
        .iter()
        .position(|(f, _)| *f == AboutField::Summary)
        .and_then(|i| u32::try_from(i).ok())
        .map(|i| layout::ABOUT_FIRST_ROW + i);
    sheet.finish(|row| {
        if Some(row) == summary {
            6.0 * LINE_HEIGHT
        } else {
            LINE_HEIGHT
        }
    })
}

fn self_review(
    ws: &mut Worksheet,
    content: &WorkbookContent,
    styles: &Styles,
    lists: &Lists,
) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(
        ws,
        layout::REVIEW_SHEET,
        &[7.0, 24.0, 44.0, 18.0, 60.0, 44.0, 44.0],
    )?;
    let rubric = &content.rubric;
    sheet.headings(layout::REVIEW_COLUMNS, styles)?;
    let mut row = 1;
    for area in &rubric.areas {
        let given = content.review.as_ref().and_then(|r| r.area(&area.id));
        let level = given.map(|g| {
            rubric
                .self_level(&g.level)
                .map_or_else(|| g.level.to_string(), |l| l.label.clone())
        });
        sheet.text(row, layout::REVIEW_CODE, &area.code, &styles.locked)?;
        sheet.text(row, 1, &area.title, &styles.label)?;
        sheet.text(row, 2, &lines(&area.prompts), &styles.locked)?;
        sheet.text(
            row,
            layout::REVIEW_LEVEL,
            level.as_deref().unwrap_or(""),
            &styles.input,
        )?;
        sheet.text(
            row,
            layout::REVIEW_REFLECTION,
            given.map_or("", |g| g.reflection.as_str()),
            &styles.input,
        )?;
        sheet.text(
            row,
            layout::REVIEW_STRENGTHS,
            &given.map(|g| lines(&g.strengths)).unwrap_or_default(),
            &styles.input,
        )?;
        sheet.text(
            row,
            layout::REVIEW_GAPS,
            &given.map(|g| lines(&g.gaps)).unwrap_or_default(),
            &styles.input,
        )?;
        row += 1;
    }
    sheet.validate(
        1..row,
        layout::REVIEW_LEVEL,
        lists.drop_down(layout::LIST_LEVELS)?.as_ref(),
    )?;
    // Room to write in each area's row.
    sheet.finish(|row| {
        if row > 0 {
            10.0 * LINE_HEIGHT
        } else {
            LINE_HEIGHT
        }
    })
}

fn evidence(
    ws: &mut Worksheet,
    content: &WorkbookContent,
    styles: &Styles,
    lists: &Lists,
) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(ws, layout::EVIDENCE_SHEET, &[30.0, 44.0, 16.0, 60.0])?;
    let rubric = &content.rubric;
    sheet.headings(layout::EVIDENCE_COLUMNS, styles)?;
    let mut row = 1;
    if let Some(review) = &content.review {
        // In the rubric's order of areas, each area's evidence as the school listed it.
        let mut areas: Vec<_> = review.areas.iter().collect();
        areas.sort_by_key(|a| {
            rubric
                .areas
                .iter()
                .position(|r| r.id == a.area)
                .unwrap_or(usize::MAX)
        });
        for area in areas {
            let title = area_title(rubric, &area.area);
            for piece in &area.evidence {
                sheet.text(row, layout::EVIDENCE_AREA, &title, &styles.input)?;
                sheet.text(row, layout::EVIDENCE_TITLE, &piece.title, &styles.input)?;
                sheet.text(
                    row,
                    layout::EVIDENCE_KIND,
                    piece.kind.label(),
                    &styles.input,
                )?;
                sheet.text(row, layout::EVIDENCE_NOTE, &piece.note, &styles.input)?;
                row += 1;
            }
        }
    }
    let end = row + layout::EVIDENCE_SPARE_ROWS;
    for spare in row..end {
        for col in [
            layout::EVIDENCE_AREA,
            layout::EVIDENCE_TITLE,
            layout::EVIDENCE_KIND,
            layout::EVIDENCE_NOTE,
        ] {
            sheet.text(spare, col, "", &styles.input)?;
        }
    }
    sheet.validate(
        1..end,
        layout::EVIDENCE_AREA,
        lists.drop_down(layout::LIST_AREAS)?.as_ref(),
    )?;
    sheet.validate(
        1..end,
        layout::EVIDENCE_KIND,
        lists.drop_down(layout::LIST_EVIDENCE_KINDS)?.as_ref(),
    )?;
    sheet.finish(|_| LINE_HEIGHT)
}

fn scores(
    ws: &mut Worksheet,
    content: &WorkbookContent,
    styles: &Styles,
) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(ws, layout::SCORES_SHEET, &[7.0, 12.0, 70.0, 10.0, 10.0])?;
    let rubric = &content.rubric;
    sheet.headings(layout::SCORE_COLUMNS, styles)?;
    let mut row = 1;
    let mut total: u32 = 0;
    for area in &rubric.areas {
        let given = content.review.as_ref().and_then(|r| r.area(&area.id));
        for criterion in &area.criteria {
            let Some(max) = criterion.max_points else {
                continue;
            };
            sheet.text(row, 0, &area.code, &styles.locked)?;
            sheet.text(
                row,
                layout::SCORE_CRITERION,
                criterion.id.as_str(),
                &styles.locked,
            )?;
            sheet.text(row, 2, &criterion.text, &styles.locked)?;
            sheet.number(row, layout::SCORE_MAXIMUM, max, &styles.number)?;
            match given.and_then(|g| g.scores.get(&criterion.id)) {
                Some(points) => {
                    total = total.saturating_add(*points);
                    sheet.number(row, layout::SCORE_POINTS, *points, &styles.input_number)?;
                }
                None => sheet.text(row, layout::SCORE_POINTS, "", &styles.input_number)?,
            }
            let whole = DataValidation::new()
                .allow_whole_number(DataValidationRule::Between(
                    0,
                    i32::try_from(max).unwrap_or(i32::MAX),
                ))
                .set_error_title("A whole number")?
                .set_error_message(format!(
                    "Score this criterion as a whole number from 0 to {max}."
                ))?;
            sheet.validate(row..row + 1, layout::SCORE_POINTS, Some(&whole))?;
            row += 1;
        }
    }
    // The total and grade are for the school to see as it types; kitemark works both out
    // itself and never reads them back. Each carries its value now, for a reader that does
    // not calculate.
    let points = rust_xlsxwriter::utility::column_number_to_name(layout::SCORE_POINTS);
    let total_row = row + 1;
    sheet.text(total_row, 2, "Total", &styles.label)?;
    sheet.number(
        total_row,
        layout::SCORE_MAXIMUM,
        rubric.max_score(),
        &styles.number,
    )?;
    sheet.formula(
        total_row,
        layout::SCORE_POINTS,
        &format!("=SUM({points}2:{points}{row})"),
        &total.to_string(),
        &styles.number,
    )?;
    if !rubric.grade_boundaries.is_empty() {
        let grade_row = total_row + 1;
        let total_cell = format!("{points}{}", total_row + 1);
        let grade = rubric
            .grade_for(total)
            .map(|l| l.label.clone())
            .unwrap_or_default();
        sheet.text(grade_row, 2, "Grade", &styles.label)?;
        sheet.formula(
            grade_row,
            layout::SCORE_POINTS,
            &grade_formula(rubric, &total_cell),
            &grade,
            &styles.locked,
        )?;
    }
    sheet.finish(|_| LINE_HEIGHT)
}

/// `=IF(E40>=57,"Advanced",IF(E40>=32,"Effective",""))`: the label of the highest boundary
/// the total reaches, as [`Rubric::grade_for`] gives it.
fn grade_formula(rubric: &Rubric, total_cell: &str) -> String {
    let mut boundaries: Vec<_> = rubric.grade_boundaries.iter().collect();
    boundaries.sort_by_key(|b| std::cmp::Reverse(b.min_points));
    let mut formula = String::from("\"\"");
    for boundary in boundaries.iter().rev() {
        let label = rubric
            .self_level(&boundary.level)
            .map_or_else(|| boundary.level.to_string(), |l| l.label.clone());
        // A label is a string literal inside the formula: its quotes are doubled, so it can
        // never end the literal and become part of the formula.
        formula = format!(
            "IF({total_cell}>={},\"{}\",{formula})",
            boundary.min_points,
            label.replace('"', "\"\"")
        );
    }
    format!("={formula}")
}

fn action_plan(
    ws: &mut Worksheet,
    content: &WorkbookContent,
    styles: &Styles,
    lists: &Lists,
) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(
        ws,
        layout::PLAN_SHEET,
        &[9.0, 26.0, 50.0, 22.0, 12.0, 12.0, 44.0, 14.0, 50.0],
    )?;
    let rubric = &content.rubric;
    sheet.headings(layout::PLAN_COLUMNS, styles)?;
    let mut row = 1;
    for action in &content.plan.actions {
        sheet.text(row, layout::PLAN_ID, action.id.as_str(), &styles.label)?;
        sheet.text(
            row,
            layout::PLAN_AREA,
            &area_title(rubric, &action.area),
            &styles.input,
        )?;
        sheet.text(row, layout::PLAN_TEXT, &action.text, &styles.input)?;
        sheet.text(row, layout::PLAN_OWNER, &action.owner, &styles.input)?;
        sheet.date(
            row,
            layout::PLAN_START,
            Some(action.start),
            &styles.input_date,
        )?;
        sheet.date(row, layout::PLAN_DUE, Some(action.due), &styles.input_date)?;
        sheet.text(row, layout::PLAN_SUCCESS, &action.success, &styles.input)?;
        sheet.text(
            row,
            layout::PLAN_STATUS,
            action.status.label(),
            &styles.input,
        )?;
        sheet.text(row, layout::PLAN_PROGRESS, &action.progress, &styles.input)?;
        row += 1;
    }
    let end = row + layout::PLAN_SPARE_ROWS;
    for spare in row..end {
        for col in 0..u16::try_from(layout::PLAN_COLUMNS.len()).unwrap_or(u16::MAX) {
            let format = if col == layout::PLAN_START || col == layout::PLAN_DUE {
                &styles.input_date
            } else {
                &styles.input
            };
            sheet.text(spare, col, "", format)?;
        }
    }
    sheet.validate(
        1..end,
        layout::PLAN_AREA,
        lists.drop_down(layout::LIST_AREAS)?.as_ref(),
    )?;
    sheet.validate(
        1..end,
        layout::PLAN_STATUS,
        lists.drop_down(layout::LIST_STATUSES)?.as_ref(),
    )?;
    sheet.finish(|_| LINE_HEIGHT)
}

fn finished(
    ws: &mut Worksheet,
    content: &WorkbookContent,
    styles: &Styles,
) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(ws, layout::FINISHED_SHEET, &[9.0, 26.0, 60.0, 12.0, 60.0])?;
    sheet.headings(layout::FINISHED_COLUMNS, styles)?;
    for (row, action) in (1..).zip(&content.finished) {
        sheet.text(row, 0, action.id.as_str(), &styles.locked)?;
        sheet.text(
            row,
            1,
            &area_title(&content.rubric, &action.area),
            &styles.locked,
        )?;
        sheet.text(row, 2, &action.text, &styles.locked)?;
        sheet.text(row, 3, action.status.label(), &styles.locked)?;
        sheet.text(row, 4, &action.progress, &styles.locked)?;
    }
    sheet.finish(|_| LINE_HEIGHT)
}

fn meta(ws: &mut Worksheet, content: &WorkbookContent, lists: &Lists) -> Result<(), WorkbookError> {
    let mut sheet = Sheet::new(ws, layout::META_SHEET, &[])?;
    let plain = Format::new();
    let ids = |ids: &mut dyn Iterator<Item = &crate::model::ActionId>| {
        ids.map(|id| id.as_str()).collect::<Vec<_>>().join(",")
    };
    for (row, key) in (0..).zip(layout::META_KEYS) {
        let value = match key {
            MetaKey::Format => layout::FORMAT_VERSION.to_owned(),
            MetaKey::School => content.school.id.to_string(),
            MetaKey::Year => content.year.to_string(),
            MetaKey::Rubric => content.rubric.id.to_string(),
            MetaKey::RubricVersion => content.rubric.version.clone(),
            MetaKey::NewSchool => if content.new_school { "yes" } else { "no" }.to_owned(),
            MetaKey::KeptActions => ids(&mut content.plan.actions.iter().map(|a| &a.id)),
            MetaKey::ReservedActions => ids(&mut content.reserved.iter()),
        };
        sheet.text(row, 0, key.key(), &plain)?;
        sheet.text(row, 1, &value, &plain)?;
    }
    for (col, list) in lists.columns() {
        for (row, item) in (0..).zip(list) {
            sheet.text(row, col, item, &plain)?;
        }
    }
    // Very hidden: Excel offers no way to show it again, so the keys the reader trusts are
    // not changed by accident.
    sheet.ws.set_very_hidden(true);
    sheet.protect();
    Ok(())
}
