//! Schools' workbooks: a submission as a spreadsheet a school can fill in Excel or LibreOffice,
//! written for the school's rubric and read back into the repository's files.
//!
//! The layout both sides agree on is in [`layout`]: sheet names, columns and the hidden sheet
//! that says which school, year and framework a workbook was written for. Writing and reading
//! touch files, so this module sits beside `record`, above the model.

pub mod layout;
pub mod read;
pub mod write;

use crate::model::{AcademicYear, Action, ActionId, ActionPlan, Rubric, School, SelfReview};

/// Everything a workbook is written from.
#[derive(Debug, Clone)]
pub struct WorkbookContent {
    /// The school's profile; for a new school, as the administrator gave it (name, phase, local
    /// area), with no contact yet.
    pub school: School,
    /// The school is not yet in the repository: the About sheet's name, phase, area and
    /// submitter make its profile.
    pub new_school: bool,
    pub year: AcademicYear,
    pub rubric: Rubric,
    /// The year's self-review where there is one to start from (a submission sent again);
    /// `None` gives an empty one, a row per area.
    pub review: Option<SelfReview>,
    /// The actions to fill in: last year's open ones for a new year (their ids kept), or the
    /// year's own plan when it is sent again.
    pub plan: ActionPlan,
    /// Last year's done and dropped actions, listed for reference.
    pub finished: Vec<Action>,
    /// Ids no new action may take (every id of the plans it comes from).
    pub reserved: Vec<ActionId>,
}

/// What a filled workbook says, in the repository's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookSubmission {
    pub school: crate::model::SchoolId,
    pub year: AcademicYear,
    /// The profile the About sheet makes, for a new school only.
    pub profile: Option<School>,
    pub review: SelfReview,
    pub plan: ActionPlan,
}

/// One problem with a workbook, where a person finds it: sheet and cell (`Action plan!F12`),
/// or the sheet alone, or the file alone (`cell` and `sheet` empty) when it cannot be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    pub sheet: Option<String>,
    /// `F12`, as a spreadsheet names it.
    pub cell: Option<String>,
    pub message: String,
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.sheet, &self.cell) {
            (Some(sheet), Some(cell)) => write!(f, "{sheet}!{cell}: {}", self.message),
            (Some(sheet), None) => write!(f, "{sheet}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}
