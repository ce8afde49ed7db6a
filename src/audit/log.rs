//! The decision log: every decision as recorded in the history, with who committed it and
//! when, and what became of it later (superseded, modified, deleted). In a shallow clone, a
//! decision already there at the boundary has no commit, date or author the clone knows:
//! they are left empty and the boundary is named instead, never given as its record.

use serde::Serialize;

use crate::model::history::{ChangeKind, CommitInfo, RecordedDecision};
use crate::model::{AcademicYear, KindId, ObjectId, OutcomeId, SchoolId};

/// One decision in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    /// The commit that recorded it; `None` when that is beyond a shallow clone's boundary.
    pub commit: Option<ObjectId>,
    /// When it was committed, as the author's clock said; `None` likewise.
    pub date: Option<String>,
    /// Who committed it; `None` likewise.
    pub author: Option<String>,
    pub email: Option<String>,
    /// For a decision recorded before a shallow clone's boundary: that boundary commit, the
    /// first of the clone's history to hold it.
    pub recorded_before: Option<ObjectId>,
    pub path: String,
    pub school: SchoolId,
    pub year: AcademicYear,
    pub kind: KindId,
    pub outcome: OutcomeId,
    pub meeting: jiff::civil::Date,
    pub recorder: String,
    /// The decision it corrects.
    pub supersedes: Option<String>,
    /// The decision that corrects it, and the commit that recorded that (`None` when it is
    /// beyond a shallow clone's boundary).
    pub superseded_by: Option<(String, Option<ObjectId>)>,
    /// Later commits that changed or removed the file (which the audit reports).
    pub changed_by: Vec<(ChangeKind, ObjectId)>,
}

/// The decisions of one school (or all), newest first, from the decisions as recorded and
/// the commits that touched them (oldest first).
pub fn decision_log(
    commits: &[CommitInfo],
    decisions: &[RecordedDecision],
    school: Option<&SchoolId>,
) -> Vec<LogEntry> {
    let position: std::collections::HashMap<&ObjectId, usize> = commits
        .iter()
        .enumerate()
        .map(|(i, c)| (&c.id, i))
        .collect();
    let mut by_path: std::collections::HashMap<&str, Vec<(usize, ChangeKind)>> =
        std::collections::HashMap::new();
    for (i, commit) in commits.iter().enumerate() {
        for change in &commit.changes {
            by_path
                .entry(change.path.as_str())
                .or_default()
                .push((i, change.kind));
        }
    }
    let superseded_by: std::collections::HashMap<&str, &RecordedDecision> = decisions
        .iter()
        .filter_map(|d| d.decision.supersedes.as_deref().map(|old| (old, d)))
        .collect();
    let mut out: Vec<LogEntry> = decisions
        .iter()
        .filter(|d| school.is_none_or(|s| &d.decision.school == s))
        .map(|d| {
            let since = position.get(d.first_seen()).map_or(0, |i| i + 1);
            let changed_by = by_path
                .get(d.path.as_str())
                .into_iter()
                .flatten()
                .filter(|(i, _)| *i >= since)
                .map(|(i, kind)| (*kind, commits[*i].id.clone()))
                .collect();
            let author = d.author();
            LogEntry {
                commit: d.commit().cloned(),
                date: author.map(|a| a.time.strftime("%Y-%m-%d %H:%M").to_string()),
                author: author.map(|a| a.name.clone()),
                email: author.map(|a| a.email.clone()),
                recorded_before: d.before_boundary().cloned(),
                path: d.path.clone(),
                school: d.decision.school.clone(),
                year: d.decision.year,
                kind: d.decision.kind.clone(),
                outcome: d.decision.outcome.clone(),
                meeting: d.decision.meeting,
                recorder: d.decision.recorder.to_string(),
                supersedes: d.decision.supersedes.clone(),
                superseded_by: superseded_by
                    .get(d.path.as_str())
                    .map(|later| (later.path.clone(), later.commit().cloned())),
                changed_by,
            }
        })
        .collect();
    out.reverse();
    out
}
