//! The workbook's layout, shared by the writer and the reader: every sheet name, column heading
//! and key of the hidden sheet is said once, here.
//!
//! Sheets, in order:
//! - **Instructions**: what to fill, by when, how the panel reads it (not read back).
//! - **About**: column A names a field, column B holds it, one row per [`ABOUT_ROWS`] entry
//!   from row 3 (row 1 is the sheet's title). School, year and framework are locked; the rest
//!   is filled by the school.
//! - **Self-review**: a heading row, then one row per area of the rubric in the rubric's order
//!   ([`REVIEW_COLUMNS`]). Strengths and gaps are one per line within their cell.
//! - **Evidence**: a heading row, then one piece of evidence per row ([`EVIDENCE_COLUMNS`]),
//!   with empty rows to fill.
//! - **Scores**: only where the rubric scores criteria: a heading row, one row per criterion
//!   ([`SCORE_COLUMNS`]), then the total and grade as formulas for the school to see (never read
//!   back: kitemark computes both itself).
//! - **Action plan**: a heading row, then one action per row ([`PLAN_COLUMNS`]): the actions
//!   carried over (their ids locked), then empty rows for new actions, whose id the school may
//!   leave empty for kitemark to give.
//! - **Finished last year**: last year's done and dropped actions, for reference; locked and
//!   not read back.
//! - **kitemark** (hidden): column A names a key ([`META_KEYS`]) and column B holds its value;
//!   columns from [`LIST_FIRST_COLUMN`] hold the drop-down lists.
//!
//! Rows and columns here are zero-based, as both crates count them; messages show them as a
//! person sees them (`Action plan!F12`).

/// The version of this layout, in the hidden sheet; a reader refuses a workbook of another.
pub const FORMAT_VERSION: &str = "1";

pub const INSTRUCTIONS_SHEET: &str = "Instructions";
pub const ABOUT_SHEET: &str = "About";
pub const REVIEW_SHEET: &str = "Self-review";
pub const EVIDENCE_SHEET: &str = "Evidence";
pub const SCORES_SHEET: &str = "Scores";
pub const PLAN_SHEET: &str = "Action plan";
pub const FINISHED_SHEET: &str = "Finished last year";
pub const META_SHEET: &str = "kitemark";

/// The rows of the About sheet, from [`ABOUT_FIRST_ROW`]: (field, heading in column A).
pub const ABOUT_FIRST_ROW: u32 = 2;
pub const ABOUT_ROWS: &[(AboutField, &str)] = &[
    (AboutField::School, "School"),
    (AboutField::SchoolId, "School id"),
    (AboutField::Year, "Academic year"),
    (AboutField::Framework, "Framework"),
    (AboutField::Phase, "Phase"),
    (AboutField::DsplArea, "Local area"),
    (AboutField::Town, "Town"),
    (AboutField::SubmittedBy, "Submitted by"),
    (AboutField::Role, "Role"),
    (AboutField::Email, "Email"),
    (AboutField::Submitted, "Date submitted"),
    (AboutField::PlanUpdated, "Action plan last updated"),
    (AboutField::Stage, "Stage reached"),
    (AboutField::Summary, "Summary"),
];

/// What each row of the About sheet holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AboutField {
    /// The school's name (locked for a school the panel knows; filled for a new one).
    School,
    SchoolId,
    Year,
    /// The rubric's title and version (locked); its id is in the hidden sheet.
    Framework,
    /// Locked for a school the panel knows; a drop-down for a new one.
    Phase,
    DsplArea,
    Town,
    /// The name of the person submitting; with the role it makes the review's `submitted_by`
    /// (`Name, Role`), and for a new school the main contact.
    SubmittedBy,
    Role,
    /// Only needed for a new school (its main contact's email).
    Email,
    /// A date cell: the review's `submitted`.
    Submitted,
    /// A date cell: the plan's `updated`.
    PlanUpdated,
    /// A drop-down of the rubric's stages, where it has stages.
    Stage,
    Summary,
}

/// The Self-review sheet's columns (heading row 0; area rows from 1).
pub const REVIEW_COLUMNS: &[&str] = &[
    "Code",
    "Area",
    "What the panel looks for",
    "Self-assessment",
    "Reflection",
    "Strengths (one per line)",
    "Gaps (one per line)",
];
pub const REVIEW_CODE: u16 = 0;
pub const REVIEW_LEVEL: u16 = 3;
pub const REVIEW_REFLECTION: u16 = 4;
pub const REVIEW_STRENGTHS: u16 = 5;
pub const REVIEW_GAPS: u16 = 6;

/// The Evidence sheet's columns. The area is its title, as in the drop-down.
pub const EVIDENCE_COLUMNS: &[&str] = &["Area", "Title", "Kind", "Note"];
pub const EVIDENCE_AREA: u16 = 0;
pub const EVIDENCE_TITLE: u16 = 1;
pub const EVIDENCE_KIND: u16 = 2;
pub const EVIDENCE_NOTE: u16 = 3;
/// Empty rows written after the evidence already given.
pub const EVIDENCE_SPARE_ROWS: u32 = 60;

/// The Scores sheet's columns.
pub const SCORE_COLUMNS: &[&str] = &["Code", "Criterion id", "Criterion", "Maximum", "Points"];
pub const SCORE_CRITERION: u16 = 1;
pub const SCORE_MAXIMUM: u16 = 3;
pub const SCORE_POINTS: u16 = 4;

/// The Action plan sheet's columns. Area and status are their labels, as in the drop-downs;
/// start and due are date cells.
pub const PLAN_COLUMNS: &[&str] = &[
    "Id",
    "Area",
    "Action",
    "Owner",
    "Start",
    "Due",
    "Success criteria",
    "Status",
    "Progress",
];
pub const PLAN_ID: u16 = 0;
pub const PLAN_AREA: u16 = 1;
pub const PLAN_TEXT: u16 = 2;
pub const PLAN_OWNER: u16 = 3;
pub const PLAN_START: u16 = 4;
pub const PLAN_DUE: u16 = 5;
pub const PLAN_SUCCESS: u16 = 6;
pub const PLAN_STATUS: u16 = 7;
pub const PLAN_PROGRESS: u16 = 8;
/// Empty rows written after the actions carried over.
pub const PLAN_SPARE_ROWS: u32 = 40;

/// The Finished last year sheet's columns.
pub const FINISHED_COLUMNS: &[&str] = &["Id", "Area", "Action", "Status", "Progress"];

/// The hidden sheet's keys, one per row from row 0 in this order (column A), values in B.
pub const META_KEYS: &[MetaKey] = &[
    MetaKey::Format,
    MetaKey::School,
    MetaKey::Year,
    MetaKey::Rubric,
    MetaKey::RubricVersion,
    MetaKey::NewSchool,
    MetaKey::KeptActions,
    MetaKey::ReservedActions,
];

/// What the hidden sheet records about the workbook as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    /// [`FORMAT_VERSION`].
    Format,
    /// The school id.
    School,
    /// The academic year (`2026-27`).
    Year,
    /// The rubric id.
    Rubric,
    RubricVersion,
    /// `yes` for a school not yet in the repository (the About sheet then makes its profile).
    NewSchool,
    /// The ids of the actions written on the Action plan sheet, comma-separated: each must
    /// come back, on its own row, unchanged.
    KeptActions,
    /// Every id a new action may not take (all of last year's and the kept ones),
    /// comma-separated.
    ReservedActions,
}

impl MetaKey {
    pub fn key(self) -> &'static str {
        match self {
            MetaKey::Format => "workbook format",
            MetaKey::School => "school",
            MetaKey::Year => "year",
            MetaKey::Rubric => "rubric",
            MetaKey::RubricVersion => "rubric version",
            MetaKey::NewSchool => "new school",
            MetaKey::KeptActions => "kept actions",
            MetaKey::ReservedActions => "reserved actions",
        }
    }
}

/// The first column of the hidden sheet's drop-down lists, one list per column from row 0, in
/// this order: area titles, self-assessment level labels, action status labels, evidence kind
/// labels, phase labels, stage titles.
pub const LIST_FIRST_COLUMN: u16 = 3;
pub const LIST_AREAS: u16 = LIST_FIRST_COLUMN;
pub const LIST_LEVELS: u16 = LIST_FIRST_COLUMN + 1;
pub const LIST_STATUSES: u16 = LIST_FIRST_COLUMN + 2;
pub const LIST_EVIDENCE_KINDS: u16 = LIST_FIRST_COLUMN + 3;
pub const LIST_PHASES: u16 = LIST_FIRST_COLUMN + 4;
pub const LIST_STAGES: u16 = LIST_FIRST_COLUMN + 5;

/// How a date is shown in a date cell (and typed as text, which the reader also accepts).
pub const DATE_FORMAT: &str = "dd/mm/yyyy";
