//! The decision log: every decision as recorded in the history, with who committed it and
//! when, and what became of it later (superseded, modified, deleted).

use serde::Serialize;

use crate::model::history::{ChangeKind, Records};
use crate::model::{AcademicYear, KindId, ObjectId, OutcomeId, SchoolId};

/// One decision in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    pub commit: ObjectId,
    /// When it was committed, as the author's clock said.
    pub date: String,
    pub author: String,
    pub email: String,
    pub path: String,
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub outcome: OutcomeId,
    pub meeting: jiff::civil::Date,
    pub recorder: String,
    /// The decision it corrects.
    pub supersedes: Option<String>,
    /// The decision that corrects it, and the commit that recorded that.
    pub superseded_by: Option<(String, ObjectId)>,
    /// Later commits that changed or removed the file (which the audit reports).
    pub changed_by: Vec<(ChangeKind, ObjectId)>,
}

/// The decisions of one school (or all), newest first.
pub fn decision_log(records: &Records, school: Option<&SchoolId>) -> Vec<LogEntry> {
    let mut out: Vec<LogEntry> = records
        .decisions
        .iter()
        .filter(|d| school.is_none_or(|s| &d.decision.school == s))
        .map(|d| {
            let since = records.position(&d.commit).map_or(0, |i| i + 1);
            let changed_by = records.commits[since.min(records.commits.len())..]
                .iter()
                .flat_map(|c| {
                    c.changes
                        .iter()
                        .filter(|ch| ch.path == d.path)
                        .map(|ch| (ch.kind, c.id.clone()))
                })
                .collect();
            LogEntry {
                commit: d.commit.clone(),
                date: d.author.time.strftime("%Y-%m-%d %H:%M").to_string(),
                author: d.author.name.clone(),
                email: d.author.email.clone(),
                path: d.path.clone(),
                school: d.decision.school.clone(),
                year: d.decision.year,
                kind: d.decision.kind.clone(),
                outcome: d.decision.outcome.clone(),
                meeting: d.decision.meeting,
                recorder: d.decision.recorder.to_string(),
                supersedes: d.decision.supersedes.clone(),
                superseded_by: records
                    .decisions
                    .iter()
                    .find(|later| later.decision.supersedes.as_deref() == Some(d.path.as_str()))
                    .map(|later| (later.path.clone(), later.commit.clone())),
                changed_by,
            }
        })
        .collect();
    out.reverse();
    out
}
