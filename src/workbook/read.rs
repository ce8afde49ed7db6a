//! Reading a school's filled workbook back into the repository's terms.
//!
//! Opening the file is the thin part ([`read_workbook`]): calamine turns an `.xlsx` or `.ods`
//! into a [`Book`] of plain cells, and [`read_book`] reads that grid against the layout and the
//! rubric without touching the disk, so every rule can be tried on a grid made in memory.
//! Every problem found is kept, each naming its sheet and cell as the school sees them, so one
//! round of corrections fixes them all.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::civil::Date;

use super::layout::{
    ABOUT_FIRST_ROW, ABOUT_ROWS, ABOUT_SHEET, AboutField, EVIDENCE_AREA, EVIDENCE_COLUMNS,
    EVIDENCE_KIND, EVIDENCE_NOTE, EVIDENCE_SHEET, EVIDENCE_TITLE, FORMAT_VERSION, META_SHEET,
    MetaKey, PLAN_AREA, PLAN_COLUMNS, PLAN_DUE, PLAN_ID, PLAN_OWNER, PLAN_PROGRESS, PLAN_SHEET,
    PLAN_START, PLAN_STATUS, PLAN_SUCCESS, PLAN_TEXT, REVIEW_CODE, REVIEW_COLUMNS, REVIEW_GAPS,
    REVIEW_LEVEL, REVIEW_REFLECTION, REVIEW_SHEET, REVIEW_STRENGTHS, SCORE_COLUMNS,
    SCORE_CRITERION, SCORE_POINTS, SCORES_SHEET,
};
use super::{CellProblem, WorkbookSubmission};
use crate::model::school::{Contact, Phase};
use crate::model::submission::{AreaReview, EvidenceKind};
use crate::model::text::clean;
use crate::model::{
    AcademicYear, Action, ActionId, ActionPlan, ActionStatus, Evidence, Rubric, RubricId, School,
    SchoolId, SelfReview,
};

/// A cell's value as the reader needs it, whichever program saved the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A date cell (Excel's serial days in either date system, or an ODS date), as the day.
    Date(Date),
    Bool(bool),
    /// An error the spreadsheet shows in the cell (`#REF!`).
    Error(String),
    /// A formula whose value the program that saved the file did not keep.
    Uncalculated,
}

/// One sheet's cells, zero-based as the layout counts them.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    pub name: String,
    cells: BTreeMap<(u32, u16), Value>,
    /// Merged regions, first and last cell of each.
    merged: Vec<((u32, u16), (u32, u16))>,
}

impl Grid {
    /// Whether the cell lies in a merged range without being its first cell: empty because
    /// of the merge.
    fn merged_into(&self, row: u32, col: u16) -> bool {
        self.merged.iter().any(|&((r0, c0), (r1, c1))| {
            (r0..=r1).contains(&row) && (c0..=c1).contains(&col) && (row, col) != (r0, c0)
        })
    }

    /// An empty sheet of this name.
    pub fn new(name: &str) -> Self {
        Grid {
            name: name.to_owned(),
            ..Grid::default()
        }
    }

    /// Puts a value in a cell (an empty value clears it).
    pub fn set(&mut self, row: u32, col: u16, value: Value) {
        if value == Value::Empty {
            self.cells.remove(&(row, col));
        } else {
            self.cells.insert((row, col), value);
        }
    }

    /// Text in a cell, for building grids by hand.
    pub fn text(&mut self, row: u32, col: u16, text: &str) {
        self.set(row, col, Value::Text(text.to_owned()));
    }

    /// Marks the cells from `first` to `last` as merged into one.
    pub fn merge(&mut self, first: (u32, u16), last: (u32, u16)) {
        self.merged.push((first, last));
    }

    /// A cell's value; [`Value::Empty`] where nothing was written.
    pub fn get(&self, row: u32, col: u16) -> &Value {
        self.cells.get(&(row, col)).unwrap_or(&Value::Empty)
    }

    /// The last row holding anything.
    fn last_row(&self) -> u32 {
        self.cells.keys().map(|(r, _)| *r).max().unwrap_or(0)
    }

    fn row_is_empty(&self, row: u32, columns: usize) -> bool {
        (0..columns).all(|c| is_blank(self.get(row, c as u16)))
    }
}

/// A workbook as a list of sheets.
#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<Grid>,
}

impl Book {
    /// The sheet of this name, if the workbook has it.
    pub fn sheet(&self, name: &str) -> Option<&Grid> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// The sheet of this name, added empty at the end if the workbook has none.
    pub fn sheet_mut(&mut self, name: &str) -> &mut Grid {
        if let Some(i) = self.sheets.iter().position(|s| s.name == name) {
            &mut self.sheets[i]
        } else {
            self.sheets.push(Grid::new(name));
            let last = self.sheets.len() - 1;
            &mut self.sheets[last]
        }
    }
}

/// A cell as a spreadsheet names it: `F12`, as the writer names it too.
pub fn cell_name(row: u32, col: u16) -> String {
    rust_xlsxwriter::utility::row_col_to_cell(row, col)
}

/// The cell of the About sheet that holds a field, as a person names it (`B4`).
pub fn about_cell(field: AboutField) -> String {
    let index = ABOUT_ROWS
        .iter()
        .position(|(f, _)| *f == field)
        .unwrap_or_default();
    cell_name(ABOUT_FIRST_ROW + index as u32, 1)
}

/// A problem with one field of the About sheet.
pub fn about_problem(field: AboutField, message: String) -> CellProblem {
    CellProblem {
        sheet: Some(ABOUT_SHEET.to_owned()),
        cell: Some(about_cell(field)),
        message,
    }
}

const START_AGAIN: &str = "start from the workbook `kitemark template` writes";
const DATE_EXAMPLE: &str = "type a date such as 31/03/2027";

/// Reads a filled workbook (`.xlsx` or `.ods`) against the panel's rubrics.
pub fn read_workbook(
    path: &Path,
    rubrics: &BTreeMap<RubricId, Rubric>,
) -> Result<WorkbookSubmission, Vec<CellProblem>> {
    let book = open_book(path).map_err(|p| vec![p])?;
    read_book(&book, rubrics)
}

pub(crate) fn file_problem(message: String) -> CellProblem {
    CellProblem {
        sheet: None,
        cell: None,
        message,
    }
}

/// The extension of a workbook's file name, lower case.
fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// An old binary `.xls`: kitemark reads the formats that came after it.
pub fn is_old_xls(path: &Path) -> bool {
    extension(path) == "xls"
}

/// Whether a path names a workbook kitemark reads (by its name, as a person chose it).
pub fn is_workbook(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "ods" | "xls")
}

/// Opens a workbook into plain cells: the only part of reading that touches the file.
pub fn open_book(path: &Path) -> Result<Book, CellProblem> {
    let shown = clean(&path.display().to_string());
    let ext = extension(path);
    if ext == "xls" {
        return Err(file_problem(format!(
            "{shown} is an old Excel 97-2003 workbook (.xls): open it and save it as .xlsx or .ods"
        )));
    }
    let head = match std::fs::File::open(path).and_then(|mut f| {
        let mut buf = [0u8; 4];
        let n = std::io::Read::read(&mut f, &mut buf)?;
        Ok(buf[..n].to_vec())
    }) {
        Ok(head) => head,
        Err(e) => return Err(file_problem(format!("cannot read {shown}: {e}"))),
    };
    // An encrypted Office file is not a zip at all but the old compound-file container the
    // encryption wraps it in, whatever its name says.
    if head == [0xD0, 0xCF, 0x11, 0xE0] {
        return Err(file_problem(format!(
            "{shown} is protected by a password: open it, remove the password \
             (in Excel: File > Info > Protect Workbook > Encrypt with Password), save it and try again"
        )));
    }
    let damaged = |e: &dyn std::fmt::Display| {
        file_problem(format!(
            "{shown} cannot be read as a workbook ({}): it may be damaged or not a spreadsheet; \
             open it in Excel or LibreOffice and save it again as .xlsx or .ods",
            clean(&e.to_string())
        ))
    };
    match ext.as_str() {
        "xlsx" => {
            let mut xlsx: calamine::Xlsx<_> =
                calamine::open_workbook(path).map_err(|e| damaged(&e))?;
            let mut book = load_sheets(&mut xlsx).map_err(|e| damaged(&e))?;
            for grid in &mut book.sheets {
                let merged = xlsx
                    .merge_cells_by_sheet_name(&grid.name)
                    .map_err(|e| damaged(&e))?;
                for dims in merged {
                    grid.merge(
                        (dims.start.0, clamp_col(dims.start.1)),
                        (dims.end.0, clamp_col(dims.end.1)),
                    );
                }
            }
            Ok(book)
        }
        "ods" => {
            let mut ods: calamine::Ods<_> =
                calamine::open_workbook(path).map_err(|e| damaged(&e))?;
            load_sheets(&mut ods).map_err(|e| damaged(&e))
        }
        _ => Err(file_problem(format!(
            "{shown} is not a workbook kitemark reads: send the .xlsx or .ods file made from \
             `kitemark template`"
        ))),
    }
}

fn clamp_col(col: u32) -> u16 {
    u16::try_from(col).unwrap_or(u16::MAX)
}

fn load_sheets<R, RS>(reader: &mut R) -> Result<Book, R::Error>
where
    R: calamine::Reader<RS>,
    RS: std::io::Read + std::io::Seek,
{
    let mut book = Book::default();
    for name in reader.sheet_names() {
        let range = reader.worksheet_range(&name)?;
        // A formula is read only to tell a cell whose value was never saved from an empty one.
        let formulas = reader.worksheet_formula(&name).ok();
        let mut grid = Grid::new(&name);
        for (row, col, data) in range.used_cells() {
            let (row, col) = match range.start() {
                Some((r0, c0)) => (r0 + row as u32, clamp_col(c0 + col as u32)),
                None => continue,
            };
            grid.set(row, col, value_of(data));
        }
        if let Some(formulas) = formulas {
            for (row, col, formula) in formulas.used_cells() {
                let Some((r0, c0)) = formulas.start() else {
                    continue;
                };
                let (row, col) = (r0 + row as u32, clamp_col(c0 + col as u32));
                if !formula.is_empty() && *grid.get(row, col) == Value::Empty {
                    grid.set(row, col, Value::Uncalculated);
                }
            }
        }
        book.sheets.push(grid);
    }
    Ok(book)
}

fn value_of(data: &calamine::Data) -> Value {
    use calamine::Data;
    match data {
        Data::Empty => Value::Empty,
        Data::String(s) => Value::Text(s.clone()),
        Data::Int(i) => Value::Number(*i as f64),
        Data::Float(f) => Value::Number(*f),
        Data::Bool(b) => Value::Bool(*b),
        Data::DateTime(dt) if dt.is_datetime() => {
            // calamine knows the workbook's date system (1900 or 1904) and counts from it.
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match Date::new(y as i16, m as i8, d as i8) {
                Ok(date) => Value::Date(date),
                Err(_) => Value::Number(dt.as_f64()),
            }
        }
        Data::DateTime(dt) => Value::Number(dt.as_f64()),
        Data::DateTimeIso(s) => match iso_date(s) {
            Some(date) => Value::Date(date),
            None => Value::Text(s.clone()),
        },
        Data::DurationIso(s) => Value::Text(s.clone()),
        Data::Error(e) => Value::Error(e.to_string()),
    }
}

/// `2027-03-31`, with or without a time after it.
fn iso_date(s: &str) -> Option<Date> {
    let day = s.trim().get(..10)?;
    let rest = &s.trim()[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    day.parse().ok()
}

/// `31/03/2027` (or `1/3/2027`) that is a real day.
fn dmy_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    let num = |p: &str| -> Option<i16> {
        (!p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let (d, m, y) = (num(d)?, num(m)?, num(y)?);
    Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok()
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Empty => true,
        Value::Text(s) => s.trim().is_empty(),
        _ => false,
    }
}

/// Text from a workbook quoted in a message: made inert and kept short.
fn quote(text: &str) -> String {
    let cleaned = clean(text);
    let short: String = cleaned.chars().take(60).collect();
    if short.len() < cleaned.len() {
        format!("\"{short}…\"")
    } else {
        format!("\"{short}\"")
    }
}

/// A number as the spreadsheet shows it: whole numbers without a decimal point.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The problems found, each where a person finds it.
#[derive(Default)]
struct Problems(Vec<CellProblem>);

/// A cell's value could not be taken; its problem has been noted.
struct Noted;

impl Problems {
    fn at(&mut self, sheet: &str, row: u32, col: u16, message: String) {
        self.0.push(CellProblem {
            sheet: Some(sheet.to_owned()),
            cell: Some(cell_name(row, col)),
            message,
        });
    }

    fn sheet(&mut self, sheet: &str, message: String) {
        self.0.push(CellProblem {
            sheet: Some(sheet.to_owned()),
            cell: None,
            message,
        });
    }

    /// A cell's text: line breaks as `\n`, surrounding spaces trimmed, `None` when empty.
    fn text(&mut self, grid: &Grid, row: u32, col: u16) -> Result<Option<String>, Noted> {
        let text = match grid.get(row, col) {
            Value::Empty => return Ok(None),
            Value::Text(s) => s.replace("\r\n", "\n").replace('\r', "\n"),
            Value::Number(n) => number_text(*n),
            Value::Date(d) => d.strftime("%d/%m/%Y").to_string(),
            Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Value::Error(e) => {
                self.at(
                    &grid.name,
                    row,
                    col,
                    format!(
                        "the cell shows the error {} — type the value itself",
                        quote(e)
                    ),
                );
                return Err(Noted);
            }
            Value::Uncalculated => {
                self.at(
                    &grid.name,
                    row,
                    col,
                    "this cell holds a formula whose value was not saved — type the value \
                     itself, or open the workbook in Excel or LibreOffice and save it again"
                        .to_owned(),
                );
                return Err(Noted);
            }
        };
        let trimmed = text.trim();
        // Text pasted from elsewhere can bring invisible control characters, which no file of
        // the repository may hold: said here, at the cell, rather than by `validate` later
        // about a file the school never saw.
        if let Some(crate::model::text::TextProblem::Control(c)) =
            crate::model::text::text_problem(trimmed)
        {
            self.at(
                &grid.name,
                row,
                col,
                format!(
                    "the text holds the invisible control character U+{:04X}, which cannot be \
                     kept — delete it (it can come with text pasted from elsewhere)",
                    c as u32
                ),
            );
            return Err(Noted);
        }
        Ok((!trimmed.is_empty()).then(|| trimmed.to_owned()))
    }

    /// A cell that must be filled: `what` names it in the message, `hint` says what to put.
    fn required(
        &mut self,
        grid: &Grid,
        row: u32,
        col: u16,
        what: &str,
        hint: &str,
    ) -> Option<String> {
        match self.text(grid, row, col) {
            Ok(Some(text)) => Some(text),
            // A cell a merge emptied is said once, as the merge.
            Ok(None) if grid.merged_into(row, col) => None,
            Ok(None) => {
                self.at(&grid.name, row, col, format!("{what} is empty — {hint}"));
                None
            }
            Err(Noted) => None,
        }
    }

    /// A date cell: a real date, ISO text or `dd/mm/yyyy` text that is a real day.
    fn date(&mut self, grid: &Grid, row: u32, col: u16) -> Result<Option<Date>, Noted> {
        let not_a_date = |shown: String| format!("{shown} is not a date — {DATE_EXAMPLE}");
        match grid.get(row, col) {
            Value::Date(d) => Ok(Some(*d)),
            Value::Number(n) => {
                self.at(&grid.name, row, col, not_a_date(number_text(*n)));
                Err(Noted)
            }
            _ => match self.text(grid, row, col)? {
                None => Ok(None),
                Some(text) => match iso_date(&text).or_else(|| dmy_date(&text)) {
                    Some(d) => Ok(Some(d)),
                    None => {
                        self.at(&grid.name, row, col, not_a_date(quote(&text)));
                        Err(Noted)
                    }
                },
            },
        }
    }

    fn required_date(&mut self, grid: &Grid, row: u32, col: u16, what: &str) -> Option<Date> {
        match self.date(grid, row, col) {
            Ok(Some(d)) => Some(d),
            Ok(None) => {
                self.at(
                    &grid.name,
                    row,
                    col,
                    format!("{what} is empty — {DATE_EXAMPLE}"),
                );
                None
            }
            Err(Noted) => None,
        }
    }

    /// A choice from a list (a drop-down): `None` when empty, noted when not on the list.
    fn choice<T: Clone>(
        &mut self,
        grid: &Grid,
        row: u32,
        col: u16,
        options: &[(Vec<String>, T)],
        list_name: &str,
    ) -> Result<Option<T>, Noted> {
        let Some(text) = self.text(grid, row, col)? else {
            return Ok(None);
        };
        let wanted = text.to_lowercase();
        match options
            .iter()
            .find(|(names, _)| names.iter().any(|n| n.to_lowercase() == wanted))
        {
            Some((_, value)) => Ok(Some(value.clone())),
            None => {
                self.at(
                    &grid.name,
                    row,
                    col,
                    format!(
                        "{} is not {list_name} — choose one of: {}",
                        quote(&text),
                        shown_options(options)
                    ),
                );
                Err(Noted)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn required_choice<T: Clone>(
        &mut self,
        grid: &Grid,
        row: u32,
        col: u16,
        options: &[(Vec<String>, T)],
        list_name: &str,
        what: &str,
    ) -> Option<T> {
        match self.choice(grid, row, col, options, list_name) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.at(
                    &grid.name,
                    row,
                    col,
                    format!(
                        "{what} is empty — choose one of: {}",
                        shown_options(options)
                    ),
                );
                None
            }
            Err(Noted) => None,
        }
    }

    /// Checks a table's heading row against the layout; false when a column is out of place.
    fn headings(&mut self, grid: &Grid, row: u32, expected: &[&str]) -> bool {
        let heading_at = |col: u16| match grid.get(row, col) {
            Value::Text(s) => s.trim().to_owned(),
            _ => String::new(),
        };
        // A column deleted shifts every column after it: said once, as the column that is
        // gone, rather than as every heading that moved along.
        let width = expected.len() as u16 + 8;
        let found: Vec<String> = (0..width).map(heading_at).collect();
        let missing: Vec<(usize, &str)> = expected
            .iter()
            .enumerate()
            .filter(|(_, heading)| !found.iter().any(|f| f.eq_ignore_ascii_case(heading)))
            .map(|(col, heading)| (col, *heading))
            .collect();
        if !missing.is_empty() {
            for (col, heading) in missing {
                self.at(
                    &grid.name,
                    row,
                    col as u16,
                    format!(
                        "the column \"{heading}\" has been deleted or renamed (it belongs in \
                         column {}) — put the columns back as the template had them",
                        rust_xlsxwriter::utility::column_number_to_name(col as u16)
                    ),
                );
            }
            return false;
        }
        let mut ok = true;
        for (col, heading) in expected.iter().enumerate() {
            let col = col as u16;
            let found = match grid.get(row, col) {
                Value::Text(s) => s.trim().to_owned(),
                other if is_blank(other) => String::new(),
                _ => "?".to_owned(),
            };
            if !found.eq_ignore_ascii_case(heading) {
                ok = false;
                let was = if found.is_empty() {
                    "this cell is empty".to_owned()
                } else {
                    format!("found {}", quote(&found))
                };
                self.at(
                    &grid.name,
                    row,
                    col,
                    format!(
                        "expected the heading \"{heading}\" here ({was}) — a column has been \
                         deleted or moved: put the columns back as the template had them"
                    ),
                );
            }
        }
        ok
    }

    /// Merged cells anywhere in the rows and columns read.
    fn merged(&mut self, grid: &Grid, rows: std::ops::RangeInclusive<u32>, columns: usize) {
        for ((r0, c0), (r1, c1)) in &grid.merged {
            let overlaps = *r0 <= *rows.end() && *r1 >= *rows.start() && usize::from(*c0) < columns;
            if overlaps {
                self.0.push(CellProblem {
                    sheet: Some(grid.name.clone()),
                    cell: Some(format!("{}:{}", cell_name(*r0, *c0), cell_name(*r1, *c1))),
                    message: "merged cells — unmerge them, so that each value has a cell of \
                              its own"
                        .to_owned(),
                });
            }
        }
    }
}

fn shown_options<T>(options: &[(Vec<String>, T)]) -> String {
    options
        .iter()
        .filter_map(|(names, _)| names.first())
        .map(|n| clean(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whom a workbook was written for, as its hidden sheet says: read before its cells, so that
/// a workbook for another school or framework is named as such and not as a list of cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenFor {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub rubric: RubricId,
    /// Written for a school not yet in the repository.
    pub new_school: bool,
}

/// Whom a workbook was written for, or why it is not a kitemark workbook.
pub fn written_for(book: &Book) -> Result<WrittenFor, Vec<CellProblem>> {
    let mut problems = Problems::default();
    match read_meta(book, &mut problems) {
        Some(meta) => Ok(WrittenFor {
            school: meta.school,
            year: meta.year,
            rubric: meta.rubric,
            new_school: meta.new_school,
        }),
        None => Err(problems.0),
    }
}

/// What the hidden sheet says, read.
struct Meta {
    school: SchoolId,
    year: AcademicYear,
    rubric: RubricId,
    rubric_version: String,
    new_school: bool,
    kept: Vec<String>,
    reserved: BTreeSet<String>,
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn read_meta(book: &Book, problems: &mut Problems) -> Option<Meta> {
    let Some(grid) = book.sheet(META_SHEET) else {
        problems.0.push(file_problem(format!(
            "this is not a kitemark workbook (it has no hidden \"{META_SHEET}\" sheet): \
             {START_AGAIN}"
        )));
        return None;
    };
    let mut values: BTreeMap<&'static str, String> = BTreeMap::new();
    for row in 0..=grid.last_row() {
        let Ok(Some(key)) = problems.text(grid, row, 0) else {
            continue;
        };
        for k in super::layout::META_KEYS {
            if key == k.key() {
                let value = problems
                    .text(grid, row, 1)
                    .ok()
                    .flatten()
                    .unwrap_or_default();
                values.insert(k.key(), value);
            }
        }
    }
    let mut broken = |what: String| {
        problems.0.push(file_problem(format!(
            "this is not a kitemark workbook kitemark can read ({what}): {START_AGAIN}"
        )));
    };
    let get = |key: MetaKey| values.get(key.key()).cloned().unwrap_or_default();
    let format = get(MetaKey::Format);
    if format.is_empty() {
        broken("its hidden sheet gives no workbook format".to_owned());
        return None;
    }
    if format != FORMAT_VERSION {
        broken(format!(
            "it is in workbook format {}, and this kitemark reads format {FORMAT_VERSION}",
            quote(&format)
        ));
        return None;
    }
    let school = get(MetaKey::School).parse::<SchoolId>();
    let year = get(MetaKey::Year).parse::<AcademicYear>();
    let rubric = get(MetaKey::Rubric).parse::<RubricId>();
    let (Ok(school), Ok(year), Ok(rubric)) = (school, year, rubric) else {
        broken("its hidden sheet does not say which school, year and framework".to_owned());
        return None;
    };
    Some(Meta {
        school,
        year,
        rubric,
        rubric_version: get(MetaKey::RubricVersion),
        new_school: get(MetaKey::NewSchool).eq_ignore_ascii_case("yes"),
        kept: list(&get(MetaKey::KeptActions)),
        reserved: list(&get(MetaKey::ReservedActions)).into_iter().collect(),
    })
}

/// The About sheet's fields, read.
#[derive(Default)]
struct About {
    name: Option<String>,
    phase: Option<Phase>,
    area: Option<String>,
    town: Option<String>,
    submitted_by: Option<String>,
    role: Option<String>,
    email: Option<String>,
    submitted: Option<Date>,
    plan_updated: Option<Date>,
    stage: Option<crate::model::StageId>,
    summary: Option<String>,
}

fn read_about(grid: &Grid, rubric: &Rubric, new_school: bool, p: &mut Problems) -> About {
    let mut about = About::default();
    let headings: Vec<&str> = ABOUT_ROWS.iter().map(|(_, h)| *h).collect();
    let mut ok = true;
    for (i, heading) in headings.iter().enumerate() {
        let row = ABOUT_FIRST_ROW + i as u32;
        let found = p.text(grid, row, 0).ok().flatten().unwrap_or_default();
        if !found.eq_ignore_ascii_case(heading) {
            ok = false;
            p.at(
                &grid.name,
                row,
                0,
                format!(
                    "expected \"{heading}\" here — a row has been deleted or moved: put the rows \
                     back as the template had them"
                ),
            );
        }
    }
    p.merged(
        grid,
        ABOUT_FIRST_ROW..=ABOUT_FIRST_ROW + ABOUT_ROWS.len() as u32,
        2,
    );
    if !ok {
        return about;
    }
    let phases: Vec<(Vec<String>, Phase)> = Phase::ALL
        .iter()
        .map(|p| (vec![p.label().to_owned()], *p))
        .collect();
    let stages: Vec<(Vec<String>, crate::model::StageId)> = rubric
        .stages
        .iter()
        .map(|s| (vec![s.title.clone(), s.id.to_string()], s.id.clone()))
        .collect();
    for (i, (field, _)) in ABOUT_ROWS.iter().enumerate() {
        let row = ABOUT_FIRST_ROW + i as u32;
        let col = 1;
        match field {
            AboutField::School if new_school => {
                about.name = p.required(grid, row, col, "the school's name", "type it in full");
            }
            AboutField::Phase if new_school => {
                about.phase = p.required_choice(grid, row, col, &phases, "a phase", "the phase");
            }
            AboutField::DsplArea if new_school => {
                about.area = p.required(
                    grid,
                    row,
                    col,
                    "the local area",
                    "type the school's local area",
                );
            }
            AboutField::Town if new_school => {
                about.town = p.text(grid, row, col).ok().flatten();
            }
            AboutField::Email if new_school => {
                about.email = p.required(
                    grid,
                    row,
                    col,
                    "the email",
                    "give the email address the panel should write to",
                );
            }
            AboutField::SubmittedBy => {
                about.submitted_by = p.required(
                    grid,
                    row,
                    col,
                    "submitted by",
                    "give the name of the person sending the workbook",
                );
            }
            AboutField::Role => {
                about.role = p.required(
                    grid,
                    row,
                    col,
                    "the role",
                    "give the role of the person sending the workbook",
                );
            }
            AboutField::Submitted => {
                about.submitted = p.required_date(grid, row, col, "the date submitted");
            }
            AboutField::PlanUpdated => {
                about.plan_updated = p.date(grid, row, col).ok().flatten();
            }
            AboutField::Stage if !rubric.stages.is_empty() => {
                about.stage = p
                    .choice(grid, row, col, &stages, "a stage of this framework")
                    .ok()
                    .flatten();
            }
            AboutField::Summary => {
                about.summary = p.text(grid, row, col).ok().flatten();
            }
            _ => {}
        }
    }
    about
}

fn area_options(rubric: &Rubric) -> Vec<(Vec<String>, usize)> {
    rubric
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| (vec![a.title.clone(), a.code.clone(), a.id.to_string()], i))
        .collect()
}

fn lines(text: Option<String>) -> Vec<String> {
    text.map(|t| {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

fn read_review_areas(grid: &Grid, rubric: &Rubric, p: &mut Problems) -> Vec<AreaReview> {
    let ok = p.headings(grid, 0, REVIEW_COLUMNS);
    p.merged(grid, 0..=rubric.areas.len() as u32, REVIEW_COLUMNS.len());
    if !ok {
        return Vec::new();
    }
    let levels: Vec<(Vec<String>, crate::model::LevelId)> = rubric
        .self_assessment
        .iter()
        .map(|l| (vec![l.label.clone(), l.id.to_string()], l.id.clone()))
        .collect();
    let mut out = Vec::new();
    for (i, area) in rubric.areas.iter().enumerate() {
        let row = 1 + i as u32;
        let code = p.text(grid, row, REVIEW_CODE).ok().flatten();
        if code.as_deref() != Some(area.code.as_str()) {
            p.at(
                &grid.name,
                row,
                REVIEW_CODE,
                format!(
                    "expected the area {} here — the rows of this sheet are the framework's \
                     areas, in its order: put them back as the template had them",
                    quote(&area.code)
                ),
            );
            continue;
        }
        let level = p.required_choice(
            grid,
            row,
            REVIEW_LEVEL,
            &levels,
            "on the self-assessment scale",
            "the self-assessment",
        );
        let reflection = p.required(
            grid,
            row,
            REVIEW_REFLECTION,
            "the reflection",
            "say how the school stands in this area",
        );
        let strengths = lines(p.text(grid, row, REVIEW_STRENGTHS).ok().flatten());
        let gaps = lines(p.text(grid, row, REVIEW_GAPS).ok().flatten());
        if let (Some(level), Some(reflection)) = (level, reflection) {
            out.push(AreaReview {
                area: area.id.clone(),
                level,
                reflection,
                strengths,
                gaps,
                evidence: Vec::new(),
                scores: BTreeMap::new(),
            });
        }
    }
    out
}

/// Evidence by the area's place in the rubric, in row order.
fn read_evidence(grid: &Grid, rubric: &Rubric, p: &mut Problems) -> Vec<(usize, Evidence)> {
    let ok = p.headings(grid, 0, EVIDENCE_COLUMNS);
    let last = grid.last_row();
    p.merged(grid, 0..=last, EVIDENCE_COLUMNS.len());
    if !ok {
        return Vec::new();
    }
    let areas = area_options(rubric);
    let kinds: Vec<(Vec<String>, EvidenceKind)> = EvidenceKind::ALL
        .iter()
        .map(|k| (vec![k.label().to_owned()], *k))
        .collect();
    let mut out = Vec::new();
    for row in 1..=last {
        if grid.row_is_empty(row, EVIDENCE_COLUMNS.len()) {
            continue;
        }
        let area = p.required_choice(
            grid,
            row,
            EVIDENCE_AREA,
            &areas,
            "an area of this framework",
            "the area",
        );
        let title = p.required(
            grid,
            row,
            EVIDENCE_TITLE,
            "the title",
            "name the piece of evidence",
        );
        let kind = p.required_choice(
            grid,
            row,
            EVIDENCE_KIND,
            &kinds,
            "a kind of evidence",
            "the kind",
        );
        let note = p.text(grid, row, EVIDENCE_NOTE).ok().flatten();
        if let (Some(area), Some(title), Some(kind)) = (area, title, kind) {
            out.push((
                area,
                Evidence {
                    title,
                    kind,
                    note: note.unwrap_or_default(),
                },
            ));
        }
    }
    out
}

/// Points by the area's place in the rubric and criterion.
fn read_scores(
    grid: &Grid,
    rubric: &Rubric,
    p: &mut Problems,
) -> Vec<(usize, crate::model::CriterionId, u32)> {
    let scored: Vec<(usize, &crate::model::rubric::Criterion, u32)> = rubric
        .areas
        .iter()
        .enumerate()
        .flat_map(|(i, a)| {
            a.criteria
                .iter()
                .filter_map(move |c| c.max_points.map(|m| (i, c, m)))
        })
        .collect();
    let ok = p.headings(grid, 0, SCORE_COLUMNS);
    p.merged(grid, 0..=scored.len() as u32, SCORE_COLUMNS.len());
    if !ok {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (k, (area, criterion, max)) in scored.into_iter().enumerate() {
        let row = 1 + k as u32;
        let id = p.text(grid, row, SCORE_CRITERION).ok().flatten();
        if id.as_deref() != Some(criterion.id.as_str()) {
            p.at(
                &grid.name,
                row,
                SCORE_CRITERION,
                format!(
                    "expected the criterion {} here — the rows of this sheet are the \
                     framework's criteria, in its order: put them back as the template had them",
                    quote(criterion.id.as_str())
                ),
            );
            continue;
        }
        let expect = format!("type a whole number of points from 0 to {max}");
        let points = match grid.get(row, SCORE_POINTS) {
            Value::Number(n) => Some(*n),
            _ => match p.text(grid, row, SCORE_POINTS) {
                Ok(None) | Err(Noted) => continue,
                Ok(Some(text)) => match text.parse::<f64>() {
                    Ok(n) if n.is_finite() => Some(n),
                    _ => {
                        p.at(
                            &grid.name,
                            row,
                            SCORE_POINTS,
                            format!("{} is not a number — {expect}", quote(&text)),
                        );
                        None
                    }
                },
            },
        };
        let Some(points) = points else { continue };
        if points < 0.0 {
            p.at(
                &grid.name,
                row,
                SCORE_POINTS,
                format!("{} is below 0 — {expect}", number_text(points)),
            );
        } else if points.fract() != 0.0 {
            p.at(
                &grid.name,
                row,
                SCORE_POINTS,
                format!("{} is not a whole number — {expect}", number_text(points)),
            );
        } else if points > f64::from(max) {
            p.at(
                &grid.name,
                row,
                SCORE_POINTS,
                format!(
                    "{} is above this criterion's maximum of {max} — {expect}",
                    number_text(points)
                ),
            );
        } else {
            out.push((area, criterion.id.clone(), points as u32));
        }
    }
    out
}

/// An action as read, its id still to give when new.
struct ReadAction {
    row: u32,
    id: Option<String>,
    area: usize,
    text: String,
    owner: String,
    start: Date,
    due: Date,
    success: String,
    status: ActionStatus,
    progress: String,
}

fn read_plan(grid: &Grid, rubric: &Rubric, meta: &Meta, p: &mut Problems) -> Vec<Action> {
    let ok = p.headings(grid, 0, PLAN_COLUMNS);
    let last = grid.last_row();
    p.merged(grid, 0..=last, PLAN_COLUMNS.len());
    if !ok {
        return Vec::new();
    }
    let areas = area_options(rubric);
    let statuses: Vec<(Vec<String>, ActionStatus)> = ActionStatus::ALL
        .iter()
        .map(|s| (vec![s.label().to_owned()], *s))
        .collect();

    // Ids first, over every row, so that a changed id is named once, as changed.
    let rows: Vec<u32> = (1..=last)
        .filter(|r| !grid.row_is_empty(*r, PLAN_COLUMNS.len()))
        .collect();
    let ids: BTreeMap<u32, Option<String>> = rows
        .iter()
        .map(|r| (*r, p.text(grid, *r, PLAN_ID).ok().flatten()))
        .collect();
    let present: BTreeSet<&str> = ids.values().flatten().map(String::as_str).collect();
    let mut settled: BTreeSet<u32> = BTreeSet::new();
    let mut bad_ids = false;
    for (i, kept) in meta.kept.iter().enumerate() {
        if present.contains(kept.as_str()) {
            continue;
        }
        bad_ids = true;
        let row = 1 + i as u32;
        match ids.get(&row) {
            Some(Some(other)) => {
                settled.insert(row);
                p.at(
                    &grid.name,
                    row,
                    PLAN_ID,
                    format!(
                        "the id {} of an action carried over was changed to {} — the ids of \
                         actions carried over are locked: put {} back (leave the id empty for \
                         a new action)",
                        quote(kept),
                        quote(other),
                        quote(kept)
                    ),
                );
            }
            Some(None) => {
                settled.insert(row);
                p.at(
                    &grid.name,
                    row,
                    PLAN_ID,
                    format!(
                        "the id {} of the action carried over on this row has been cleared — \
                         put it back",
                        quote(kept)
                    ),
                );
            }
            None => p.sheet(
                &grid.name,
                format!(
                    "the action {} carried over is missing — every action carried over keeps \
                     its row: to end one, set its status to \"dropped\"",
                    quote(kept)
                ),
            ),
        }
    }
    let kept: BTreeSet<&str> = meta.kept.iter().map(String::as_str).collect();
    let mut first_row: BTreeMap<&str, u32> = BTreeMap::new();
    for (row, id) in &ids {
        let Some(id) = id else { continue };
        if settled.contains(row) {
            continue;
        }
        if let Some(first) = first_row.get(id.as_str()) {
            bad_ids = true;
            p.at(
                &grid.name,
                *row,
                PLAN_ID,
                format!(
                    "the id {} is also on row {} — each action has one row: leave the id \
                     empty for a new action",
                    quote(id),
                    first + 1
                ),
            );
            continue;
        }
        first_row.insert(id, *row);
        if !kept.contains(id.as_str()) {
            bad_ids = true;
            p.at(
                &grid.name,
                *row,
                PLAN_ID,
                format!(
                    "{} is not an action of this workbook — leave the id empty for a new action",
                    quote(id)
                ),
            );
        }
    }

    let mut read = Vec::new();
    for row in rows {
        let area = p.required_choice(
            grid,
            row,
            PLAN_AREA,
            &areas,
            "an area of this framework",
            "the area",
        );
        let text = p.required(grid, row, PLAN_TEXT, "the action", "say what will be done");
        let owner = p.required(
            grid,
            row,
            PLAN_OWNER,
            "the owner",
            "give the role who leads it",
        );
        let start = p.required_date(grid, row, PLAN_START, "the start");
        let due = p.required_date(grid, row, PLAN_DUE, "the due date");
        let success = p.required(
            grid,
            row,
            PLAN_SUCCESS,
            "the success criteria cell",
            "say how the school will know it has worked",
        );
        let status = p.required_choice(grid, row, PLAN_STATUS, &statuses, "a status", "the status");
        let progress = p.text(grid, row, PLAN_PROGRESS).ok().flatten();
        if let (Some(area), Some(text), Some(owner), Some(start), Some(due), Some(success)) =
            (area, text, owner, start, due, success)
            && let Some(status) = status
        {
            read.push(ReadAction {
                row,
                id: ids.get(&row).cloned().flatten(),
                area,
                text,
                owner,
                start,
                due,
                success,
                status,
                progress: progress.unwrap_or_default(),
            });
        }
    }
    if bad_ids {
        return Vec::new();
    }

    // New actions: `<area code>-<n>`, after the highest number any id of that code has.
    let mut taken: BTreeSet<String> = meta.reserved.clone();
    taken.extend(read.iter().filter_map(|a| a.id.clone()));
    let mut out = Vec::new();
    for action in read {
        let id = match action.id {
            Some(id) => id,
            None => {
                let code = &rubric.areas[action.area].code;
                let prefix = format!("{code}-");
                let highest = taken
                    .iter()
                    .filter_map(|t| t.strip_prefix(&prefix)?.parse::<u32>().ok())
                    .max()
                    .unwrap_or(0);
                let id = format!("{prefix}{}", highest.saturating_add(1));
                taken.insert(id.clone());
                id
            }
        };
        match id.parse::<ActionId>() {
            Ok(parsed) => out.push(Action {
                id: parsed,
                area: rubric.areas[action.area].id.clone(),
                text: action.text,
                owner: action.owner,
                start: action.start,
                due: action.due,
                success: action.success,
                status: action.status,
                progress: action.progress,
            }),
            Err(e) => p.at(&grid.name, action.row, PLAN_ID, clean(&e.to_string())),
        }
    }
    out
}

/// Reads a workbook's cells against the layout and the rubric it was written for.
pub fn read_book(
    book: &Book,
    rubrics: &BTreeMap<RubricId, Rubric>,
) -> Result<WorkbookSubmission, Vec<CellProblem>> {
    let mut p = Problems::default();
    let Some(meta) = read_meta(book, &mut p) else {
        return Err(p.0);
    };
    let Some(rubric) = rubrics.get(&meta.rubric) else {
        p.0.push(file_problem(format!(
            "this workbook is for the framework {}, which this panel does not have",
            quote(meta.rubric.as_str())
        )));
        return Err(p.0);
    };
    let scores_rubric = rubric
        .areas
        .iter()
        .any(|a| a.criteria.iter().any(|c| c.max_points.is_some()));
    let mut sheet = |name: &str| {
        let found = book.sheet(name);
        if found.is_none() {
            p.0.push(file_problem(format!(
                "the \"{name}\" sheet is missing: {START_AGAIN}, or put the sheet back"
            )));
        }
        found
    };
    let (about, review, evidence, plan) = (
        sheet(ABOUT_SHEET),
        sheet(REVIEW_SHEET),
        sheet(EVIDENCE_SHEET),
        sheet(PLAN_SHEET),
    );
    let scores = if scores_rubric {
        sheet(SCORES_SHEET)
    } else {
        None
    };

    let about = about
        .map(|g| read_about(g, rubric, meta.new_school, &mut p))
        .unwrap_or_default();
    let mut areas = review
        .map(|g| read_review_areas(g, rubric, &mut p))
        .unwrap_or_default();
    let evidence = evidence
        .map(|g| read_evidence(g, rubric, &mut p))
        .unwrap_or_default();
    let scores = scores
        .map(|g| read_scores(g, rubric, &mut p))
        .unwrap_or_default();
    let actions = plan
        .map(|g| read_plan(g, rubric, &meta, &mut p))
        .unwrap_or_default();
    if !p.0.is_empty() {
        return Err(p.0);
    }
    let (Some(name), Some(role), Some(submitted)) =
        (about.submitted_by, about.role, about.submitted)
    else {
        return Err(p.0);
    };
    for (i, item) in evidence {
        let id = &rubric.areas[i].id;
        if let Some(area) = areas.iter_mut().find(|a| &a.area == id) {
            area.evidence.push(item);
        }
    }
    for (i, criterion, points) in scores {
        let id = &rubric.areas[i].id;
        if let Some(area) = areas.iter_mut().find(|a| &a.area == id) {
            area.scores.insert(criterion, points);
        }
    }
    let profile = if meta.new_school {
        let (Some(school_name), Some(phase), Some(dspl_area), Some(email)) =
            (about.name, about.phase, about.area, about.email)
        else {
            return Err(p.0);
        };
        Some(School {
            id: meta.school.clone(),
            name: school_name,
            phase,
            dspl_area,
            town: about.town.unwrap_or_default(),
            urn: None,
            pupils: None,
            contacts: vec![Contact {
                name: name.clone(),
                role: role.clone(),
                email,
            }],
            rubric: Some(meta.rubric.clone()),
        })
    } else {
        None
    };
    Ok(WorkbookSubmission {
        school: meta.school.clone(),
        year: meta.year,
        profile,
        review: SelfReview {
            school: meta.school.clone(),
            year: meta.year,
            rubric: meta.rubric.clone(),
            rubric_version: meta.rubric_version.clone(),
            submitted,
            submitted_by: format!("{name}, {role}"),
            stage: about.stage,
            summary: about.summary.unwrap_or_default(),
            areas,
        },
        plan: ActionPlan {
            school: meta.school,
            year: meta.year,
            updated: about.plan_updated.unwrap_or(submitted),
            actions,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::format::from_ron;
    use crate::workbook::layout::{META_KEYS, PLAN_SHEET};

    fn rubrics() -> BTreeMap<RubricId, Rubric> {
        let rubric: Rubric = from_ron(include_str!("../../rubrics/herts-schools-mark.ron"))
            .expect("the bundled rubric reads");
        [(rubric.id.clone(), rubric)].into()
    }

    fn rubric() -> Rubric {
        rubrics().into_values().next().expect("one rubric")
    }

    /// A workbook filled in as a school would: two actions carried over (QP-1 kept on row 2,
    /// LM-1 on row 3), one new action, one piece of evidence, every area assessed and scored.
    fn filled() -> Book {
        let rubric = rubric();
        let mut book = Book::default();
        let meta = book.sheet_mut(META_SHEET);
        for (row, key) in META_KEYS.iter().enumerate() {
            let value = match key {
                MetaKey::Format => FORMAT_VERSION,
                MetaKey::School => "oak-primary",
                MetaKey::Year => "2026-27",
                MetaKey::Rubric => "herts-schools-mark",
                MetaKey::RubricVersion => "2025.1",
                MetaKey::NewSchool => "no",
                MetaKey::KeptActions => "LM-1,EE-1",
                MetaKey::ReservedActions => "LM-1,EE-1,LM-2,LM-7",
            };
            meta.text(row as u32, 0, key.key());
            meta.text(row as u32, 1, value);
        }
        let about = book.sheet_mut(ABOUT_SHEET);
        about.text(0, 0, "About the school");
        for (i, (field, heading)) in ABOUT_ROWS.iter().enumerate() {
            let row = ABOUT_FIRST_ROW + i as u32;
            about.text(row, 0, heading);
            match field {
                AboutField::School => about.text(row, 1, "Oak Primary School"),
                AboutField::SubmittedBy => about.text(row, 1, "Sam Ortiz"),
                AboutField::Role => about.text(row, 1, "Mental health lead"),
                AboutField::Submitted => {
                    about.set(row, 1, Value::Date(jiff::civil::date(2026, 10, 3)))
                }
                AboutField::Summary => about.text(row, 1, "A year of steady work.\r\nMore to do."),
                _ => {}
            }
        }
        let review = book.sheet_mut(REVIEW_SHEET);
        for (col, h) in REVIEW_COLUMNS.iter().enumerate() {
            review.text(0, col as u16, h);
        }
        for (i, area) in rubric.areas.iter().enumerate() {
            let row = 1 + i as u32;
            review.text(row, REVIEW_CODE, &area.code);
            review.text(row, 1, &area.title);
            review.text(row, REVIEW_LEVEL, "Effective");
            review.text(row, REVIEW_REFLECTION, "We have made a good start.");
            review.text(row, REVIEW_STRENGTHS, "Clear lead\n\nTrained staff\n");
        }
        let evidence = book.sheet_mut(EVIDENCE_SHEET);
        for (col, h) in EVIDENCE_COLUMNS.iter().enumerate() {
            evidence.text(0, col as u16, h);
        }
        evidence.text(3, EVIDENCE_AREA, &rubric.areas[1].title);
        evidence.text(3, EVIDENCE_TITLE, "Wellbeing survey 2026");
        evidence.text(3, EVIDENCE_KIND, "survey");
        let scores = book.sheet_mut(SCORES_SHEET);
        for (col, h) in SCORE_COLUMNS.iter().enumerate() {
            scores.text(0, col as u16, h);
        }
        let mut row = 1;
        for area in &rubric.areas {
            for c in &area.criteria {
                if let Some(max) = c.max_points {
                    scores.text(row, 0, &area.code);
                    scores.text(row, SCORE_CRITERION, c.id.as_str());
                    scores.set(row, 3, Value::Number(f64::from(max)));
                    scores.set(row, SCORE_POINTS, Value::Number(2.0));
                    row += 1;
                }
            }
        }
        let plan = book.sheet_mut(PLAN_SHEET);
        for (col, h) in PLAN_COLUMNS.iter().enumerate() {
            plan.text(0, col as u16, h);
        }
        let action = |plan: &mut Grid, row: u32, id: &str, area: &str| {
            plan.text(row, PLAN_ID, id);
            plan.text(row, PLAN_AREA, area);
            plan.text(row, PLAN_TEXT, "Run a staff briefing each half term.");
            plan.text(row, PLAN_OWNER, "Deputy headteacher");
            plan.set(row, PLAN_START, Value::Date(jiff::civil::date(2026, 9, 7)));
            plan.text(row, PLAN_DUE, "16/07/2027");
            plan.text(row, PLAN_SUCCESS, "Every member of staff attends one.");
            plan.text(row, PLAN_STATUS, "in progress");
        };
        action(plan, 1, "LM-1", &rubric.areas[0].title);
        action(plan, 2, "EE-1", &rubric.areas[1].title);
        action(plan, 5, "", &rubric.areas[0].title);
        book
    }

    fn problems(book: &Book) -> Vec<String> {
        match read_book(book, &rubrics()) {
            Ok(_) => Vec::new(),
            Err(p) => p.iter().map(ToString::to_string).collect(),
        }
    }

    fn assert_problem(book: &Book, expected: &str) {
        let found = problems(book);
        assert!(
            found.iter().any(|p| p.contains(expected)),
            "expected a problem with {expected:?}, found {found:#?}"
        );
    }

    #[test]
    fn cells_are_named_as_a_spreadsheet_names_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(11, 5), "F12");
        assert_eq!(cell_name(0, 26), "AA1");
    }

    #[test]
    fn a_filled_workbook_reads_into_a_review_and_a_plan() {
        let read = read_book(&filled(), &rubrics()).expect("the workbook reads");
        let review = &read.review;
        assert_eq!(review.submitted_by, "Sam Ortiz, Mental health lead");
        assert_eq!(review.submitted, jiff::civil::date(2026, 10, 3));
        assert_eq!(review.summary, "A year of steady work.\nMore to do.");
        assert_eq!(review.rubric_version, "2025.1");
        assert_eq!(review.areas.len(), rubric().areas.len());
        assert_eq!(review.areas[0].strengths, ["Clear lead", "Trained staff"]);
        assert_eq!(review.areas[1].evidence.len(), 1);
        assert_eq!(review.areas[1].evidence[0].kind, EvidenceKind::Survey);
        assert_eq!(review.areas[0].scores.values().sum::<u32>(), 6);
        let ids: Vec<&str> = read.plan.actions.iter().map(|a| a.id.as_str()).collect();
        // LM-7 is reserved, so the new action in that area comes after it.
        assert_eq!(ids, ["LM-1", "EE-1", "LM-8"]);
        assert_eq!(read.plan.actions[0].due, jiff::civil::date(2027, 7, 16));
        assert_eq!(read.plan.updated, review.submitted);
        assert!(read.profile.is_none());
    }

    #[test]
    fn text_that_is_not_a_date_is_named_with_an_example() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).text(11, PLAN_DUE, "31/13/2026");
        book.sheet_mut(PLAN_SHEET).text(11, PLAN_ID, "");
        let found = problems(&book);
        assert!(
            found.contains(
                &"Action plan!F12: \"31/13/2026\" is not a date — type a date such as 31/03/2027"
                    .to_owned()
            ),
            "{found:#?}"
        );
    }

    #[test]
    fn dates_as_iso_text_and_as_day_month_year_text_read_alike() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).text(1, PLAN_START, "2026-09-07");
        book.sheet_mut(PLAN_SHEET).text(2, PLAN_START, "7/9/2026");
        let read = read_book(&book, &rubrics()).expect("the workbook reads");
        assert!(
            read.plan
                .actions
                .iter()
                .all(|a| a.start == jiff::civil::date(2026, 9, 7))
        );
    }

    #[test]
    fn a_level_not_on_the_scale_names_the_scale() {
        let mut book = filled();
        book.sheet_mut(REVIEW_SHEET)
            .text(2, REVIEW_LEVEL, "Brilliant");
        assert_problem(
            &book,
            "Self-review!D3: \"Brilliant\" is not on the self-assessment scale — choose one of: \
             Developing, Effective, Advanced",
        );
    }

    #[test]
    fn a_score_above_its_maximum_is_named() {
        let mut book = filled();
        book.sheet_mut(SCORES_SHEET)
            .set(3, SCORE_POINTS, Value::Number(4.0));
        assert_problem(&book, "Scores!E4: 4 is above this criterion's maximum of 3");
    }

    #[test]
    fn a_score_that_is_not_whole_is_named() {
        let mut book = filled();
        book.sheet_mut(SCORES_SHEET)
            .set(2, SCORE_POINTS, Value::Number(2.5));
        assert_problem(&book, "Scores!E3: 2.5 is not a whole number");
    }

    #[test]
    fn a_score_below_nothing_is_named() {
        let mut book = filled();
        book.sheet_mut(SCORES_SHEET).text(2, SCORE_POINTS, "-1");
        assert_problem(
            &book,
            "Scores!E3: -1 is below 0 — type a whole number of points from 0 to 3",
        );
    }

    #[test]
    fn an_unknown_action_id_is_named() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).text(5, PLAN_ID, "ZZ-4");
        assert_problem(
            &book,
            "Action plan!A6: \"ZZ-4\" is not an action of this workbook — leave the id empty for a new action",
        );
    }

    #[test]
    fn a_duplicated_id_is_named_with_its_first_row() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).text(5, PLAN_ID, "LM-1");
        assert_problem(&book, "Action plan!A6: the id \"LM-1\" is also on row 2");
    }

    #[test]
    fn a_locked_id_changed_names_both() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).text(2, PLAN_ID, "EE-9");
        let found = problems(&book);
        assert!(
            found
                .iter()
                .any(|p| p.starts_with("Action plan!A3: the id \"EE-1\"")
                    && p.contains("changed to \"EE-9\"")),
            "{found:#?}"
        );
        // Named once, as changed, not also as unknown.
        assert!(
            !found
                .iter()
                .any(|p| p.contains("not an action of this workbook"))
        );
    }

    #[test]
    fn an_action_carried_over_and_deleted_is_missed() {
        let mut book = filled();
        let plan = book.sheet_mut(PLAN_SHEET);
        for col in 0..PLAN_COLUMNS.len() as u16 {
            plan.set(2, col, Value::Empty);
        }
        assert_problem(
            &book,
            "Action plan: the action \"EE-1\" carried over is missing — every action carried \
             over keeps its row: to end one, set its status to \"dropped\"",
        );
    }

    #[test]
    fn a_locked_id_cleared_is_named() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).text(2, PLAN_ID, "");
        assert_problem(
            &book,
            "Action plan!A3: the id \"EE-1\" of the action carried over on this row has been \
             cleared — put it back",
        );
    }

    #[test]
    fn a_column_moved_names_the_heading_expected() {
        let mut book = filled();
        let plan = book.sheet_mut(PLAN_SHEET);
        plan.text(0, PLAN_START, "Due");
        plan.text(0, PLAN_DUE, "Start");
        assert_problem(&book, "Action plan!E1: expected the heading \"Start\" here");
        assert_problem(&book, "Action plan!F1: expected the heading \"Due\" here");
    }

    #[test]
    fn merged_cells_in_the_read_area_are_named() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).merge((4, 2), (5, 3));
        assert_problem(&book, "Action plan!C5:D6: merged cells");
    }

    #[test]
    fn a_formula_without_its_value_is_named() {
        let mut book = filled();
        book.sheet_mut(REVIEW_SHEET)
            .set(1, REVIEW_REFLECTION, Value::Uncalculated);
        assert_problem(
            &book,
            "Self-review!E2: this cell holds a formula whose value was not saved",
        );
    }

    #[test]
    fn a_control_character_pasted_into_a_cell_is_named_at_the_cell() {
        let mut book = filled();
        book.sheet_mut(REVIEW_SHEET).text(
            1,
            REVIEW_REFLECTION,
            "We asked pupils\u{1b}[2J what changed.",
        );
        assert_problem(
            &book,
            "Self-review!E2: the text holds the invisible control character U+001B",
        );
    }

    #[test]
    fn empty_required_cells_are_each_named() {
        let mut book = filled();
        book.sheet_mut(REVIEW_SHEET).text(1, REVIEW_REFLECTION, " ");
        book.sheet_mut(PLAN_SHEET).text(1, PLAN_OWNER, "");
        book.sheet_mut(EVIDENCE_SHEET).text(3, EVIDENCE_KIND, "");
        let submitted = ABOUT_FIRST_ROW
            + ABOUT_ROWS
                .iter()
                .position(|(f, _)| *f == AboutField::Submitted)
                .unwrap_or_default() as u32;
        book.sheet_mut(ABOUT_SHEET).set(submitted, 1, Value::Empty);
        let found = problems(&book);
        for expected in [
            "Self-review!E2: the reflection is empty",
            "Action plan!D2: the owner is empty",
            "Evidence!C4: the kind is empty",
            "About!B13: the date submitted is empty",
        ] {
            assert!(
                found.iter().any(|p| p.starts_with(expected)),
                "{expected}: {found:#?}"
            );
        }
    }

    #[test]
    fn a_new_school_needs_its_name_phase_area_and_email() {
        let mut book = filled();
        book.sheet_mut(META_SHEET).text(5, 1, "yes");
        let found = problems(&book);
        for expected in [
            "About!B7: the phase is empty",
            "About!B8: the local area is empty",
            "About!B12: the email is empty",
        ] {
            assert!(
                found.iter().any(|p| p.starts_with(expected)),
                "{expected}: {found:#?}"
            );
        }
    }

    #[test]
    fn a_new_school_gets_a_profile_with_the_submitter_as_contact() {
        let mut book = filled();
        book.sheet_mut(META_SHEET).text(5, 1, "yes");
        let about = book.sheet_mut(ABOUT_SHEET);
        about.text(6, 1, "Primary");
        about.text(7, 1, "Dacorum");
        about.text(11, 1, "sam.ortiz@oak.example.sch.uk");
        let read = read_book(&book, &rubrics()).expect("the workbook reads");
        let profile = read.profile.expect("a profile");
        assert_eq!(profile.name, "Oak Primary School");
        assert_eq!(profile.phase, Phase::Primary);
        assert_eq!(profile.contacts[0].name, "Sam Ortiz");
        assert_eq!(profile.contacts[0].email, "sam.ortiz@oak.example.sch.uk");
    }

    #[test]
    fn a_workbook_without_the_hidden_sheet_is_not_a_kitemark_workbook() {
        let mut book = filled();
        book.sheets.retain(|s| s.name != META_SHEET);
        assert_problem(&book, "not a kitemark workbook");
        assert_problem(&book, "kitemark template");
    }

    #[test]
    fn a_workbook_of_another_format_is_refused() {
        let mut book = filled();
        book.sheet_mut(META_SHEET).text(0, 1, "7");
        assert_problem(&book, "workbook format \"7\"");
    }

    #[test]
    fn every_problem_is_listed_not_only_the_first() {
        let mut book = filled();
        book.sheet_mut(REVIEW_SHEET).text(1, REVIEW_LEVEL, "Top");
        book.sheet_mut(PLAN_SHEET).text(2, PLAN_STATUS, "finished");
        assert_eq!(problems(&book).len(), 2, "{:#?}", problems(&book));
    }

    #[test]
    fn empty_rows_are_skipped() {
        let mut book = filled();
        book.sheet_mut(PLAN_SHEET).text(20, PLAN_PROGRESS, "   ");
        book.sheet_mut(EVIDENCE_SHEET).text(30, EVIDENCE_NOTE, "");
        let read = read_book(&book, &rubrics()).expect("the workbook reads");
        assert_eq!(read.plan.actions.len(), 3);
    }

    #[test]
    fn an_old_xls_is_sent_back_to_be_saved_as_xlsx() {
        let problem = open_book(Path::new("/nowhere/return.xls"))
            .err()
            .map(|p| p.message);
        assert!(problem.is_some_and(|m| m.contains("save it as .xlsx or .ods")));
    }

    #[test]
    fn an_encrypted_workbook_is_named_as_protected() {
        let dir = std::env::temp_dir().join(format!("kitemark-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("locked.xlsx");
        std::fs::write(
            &path,
            [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0],
        )
        .expect("a file");
        let problem = open_book(&path).err().map(|p| p.message);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(problem.is_some_and(|m| m.contains("protected by a password")));
    }

    #[test]
    fn a_corrupt_workbook_is_named_as_damaged() {
        let dir = std::env::temp_dir().join(format!("kitemark-corrupt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        let path = dir.join("broken.xlsx");
        std::fs::write(&path, b"PK\x03\x04 not really a zip").expect("a file");
        let problem = open_book(&path).err().map(|p| p.message);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(problem.is_some_and(|m| m.contains("may be damaged")));
    }
}
