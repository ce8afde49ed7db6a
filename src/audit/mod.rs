//! The audit of a panel repository's history (SPEC §5): pure functions over the history's
//! records, each rule in [`rules`] tested with a history that breaks it and one that does not.
//! Every finding names its rule, the school and year, and the commit that shows it.

pub mod log;
pub mod rules;

use jiff::civil::Date;
use serde::Serialize;

use crate::model::history::Records;
use crate::model::{AcademicYear, ObjectId, SchoolId};

/// How much a finding matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Something the history should not hold: the audit fails.
    Error,
    /// Something an auditor should see that the rules allow, such as a recorded override.
    Note,
}

/// One thing the audit found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name for the rule.
    pub rule: &'static str,
    pub level: Level,
    pub school: Option<SchoolId>,
    pub year: Option<AcademicYear>,
    /// The commit that shows it.
    pub commit: ObjectId,
    /// The file concerned, where there is one.
    pub path: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// Every rule over the records, as of `today`, in the order of the history.
pub fn audit(records: &Records, today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules::ALL {
        out.extend((rule.check)(records, today));
    }
    // The order of the history, then the rule, so a report reads as a timeline.
    let position = |f: &Finding| records.position(&f.commit).unwrap_or(usize::MAX);
    out.sort_by(|a, b| {
        (position(a), a.rule, &a.path, &a.message).cmp(&(position(b), b.rule, &b.path, &b.message))
    });
    out.dedup();
    out
}
