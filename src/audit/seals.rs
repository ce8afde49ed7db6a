//! The check of seals (see `model::seal`): the commit each seal names must still be in the
//! history audited. A history rewritten since (`git filter-branch`, a rebase, a branch moved
//! back, then force-pushed) no longer holds it; the audit then says which sealed decisions
//! the history lacks or holds otherwise, from the sealed commit's tree when the repository
//! still holds it, else from the list in the seal's message. A seal whose list disagrees
//! with its commit's tree was edited or forged after sealing.
//!
//! What the repository no longer holds at all (a seal deleted along with the history it
//! sealed) only a copy kept outside it can show: `--expect-seal COMMIT` checks such a copy.

use std::collections::{BTreeMap, HashMap, HashSet};

use jiff::civil::Date;
use serde::Serialize;

use super::{Finding, Level};
use crate::model::history::{FileAt, Records};
use crate::model::layout::{Classified, PanelPath, classify};
use crate::model::seal::{FoundSeal, SealTag, Standing};
use crate::model::text::sanitize_inline;
use crate::model::{AcademicYear, ObjectId, SchoolId};

/// One seal as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealCheck {
    /// The tag's name; `None` for a commit given with `--expect-seal`.
    pub name: Option<String>,
    /// The sealed commit.
    pub commit: ObjectId,
    /// The audit's date the seal records (else the tagger's date); `None` when not known.
    pub sealed_on: Option<Date>,
    /// Whether the sealed commit is still in the history; `None` when that was not
    /// checked (a commit sealed after the revision audited, or not in a shallow clone).
    pub intact: Option<bool>,
}

/// What the check of the seals found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SealsReport {
    pub findings: Vec<Finding>,
    /// Every seal, oldest first, then the commits expected.
    pub checked: Vec<SealCheck>,
}

impl SealsReport {
    /// The latest seal whose commit is still in the history.
    pub fn latest_intact(&self) -> Option<&SealCheck> {
        self.checked.iter().rev().find(|c| c.intact == Some(true))
    }

    /// How many seals are no longer in the history.
    pub fn broken(&self) -> usize {
        self.checked
            .iter()
            .filter(|c| c.intact == Some(false))
            .count()
    }
}

/// Why a sealed commit is not in the history, as a finding says it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Break {
    /// The history no longer holds it: rewritten.
    Rewritten,
    /// The repository does not hold it at all.
    Gone,
    /// It comes after the commit audited, which is where the branch is: moved back.
    MovedBack,
}

/// Every version of each file the history holds, oldest first, with the commit that
/// brought it.
fn versions(records: &Records) -> HashMap<&str, Vec<(&ObjectId, &ObjectId)>> {
    let mut out: HashMap<&str, Vec<(&ObjectId, &ObjectId)>> = HashMap::new();
    for commit in &records.commits {
        for change in &commit.changes {
            if let Some(blob) = &change.new {
                out.entry(change.path.as_str())
                    .or_default()
                    .push((blob, &commit.id));
            }
        }
        for file in commit.boundary.iter().flatten() {
            out.entry(file.path.as_str())
                .or_default()
                .push((&file.blob, &commit.id));
        }
    }
    out
}

fn school_year(path: &str) -> (Option<SchoolId>, Option<AcademicYear>) {
    match classify(path) {
        Classified::File(PanelPath::Decision(d)) => (Some(d.school), Some(d.year)),
        _ => (None, None),
    }
}

fn finding(
    rule: &'static str,
    level: Level,
    seal: &FoundSeal,
    path: Option<&str>,
    message: String,
) -> Finding {
    let (school, year) = path.map(school_year).unwrap_or_default();
    Finding {
        rule,
        level,
        school,
        year,
        commit: seal.commit.clone(),
        path: path.map(str::to_owned),
        message,
    }
}

/// Who sealed it and when, for a message: " (sealed by Ada Lovelace on 2026-12-06)".
fn sealed_by(seal: &FoundSeal) -> String {
    match (seal.tagger(), seal.sealed_on()) {
        (Some(t), Some(on)) => format!(" (sealed by {} on {on})", sanitize_inline(&t.name)),
        (None, Some(on)) => format!(" (sealed on {on})"),
        _ => String::new(),
    }
}

/// Checks every seal against the history in `records`. `at_branch` says whether the commit
/// audited is where the branch is (no `--rev`): a seal of a later commit then means the
/// branch was moved back past it; auditing an older revision on purpose, it is not checked.
pub fn check(records: &Records, seals: &[FoundSeal], at_branch: bool) -> SealsReport {
    let held = versions(records);
    let audited = records.head_commit.short();
    let mut report = SealsReport::default();
    // A rewrite breaks every seal after it at once: each file it removed or reworded is
    // reported once, under the latest seal that held it.
    let mut told: HashSet<(String, ObjectId)> = HashSet::new();
    let mut findings_by_seal: Vec<Vec<Finding>> = vec![Vec::new(); seals.len()];
    let mut checked = Vec::with_capacity(seals.len());
    for (i, seal) in seals.iter().enumerate().rev() {
        let out = &mut findings_by_seal[i];
        agreement(seal, out);
        let broken = match seal.standing {
            Standing::InHistory => None,
            Standing::Later if at_branch => Some(Break::MovedBack),
            Standing::Later => None,
            Standing::Elsewhere => Some(Break::Rewritten),
            Standing::Missing => Some(Break::Gone),
            Standing::BeyondShallowClone => {
                out.push(finding(
                    "seal-not-checked",
                    Level::Note,
                    seal,
                    None,
                    format!(
                        "{}{} is of commit {}, which this shallow clone does not hold in the history of {audited}: it may be from before the clone's history begins. `git fetch --unshallow` fetches the whole history; then audit again",
                        seal.label(),
                        sealed_by(seal),
                        seal.commit.short()
                    ),
                ));
                None
            }
        };
        let intact = match (seal.standing, broken) {
            (_, Some(_)) => Some(false),
            (Standing::InHistory, None) => Some(true),
            _ => None,
        };
        checked.push(SealCheck {
            name: seal.name.clone(),
            commit: seal.commit.clone(),
            sealed_on: seal.sealed_on(),
            intact,
        });
        if let Some(how) = broken {
            rewritten(seal, how, &held, &records.head_commit, &mut told, out);
        }
    }
    checked.reverse();
    report.checked = checked;
    report.findings = findings_by_seal.into_iter().flatten().collect();
    report
}

/// The findings of a seal whose commit the history no longer holds: the seal's own, then
/// each sealed decision file the history lacks or holds otherwise.
fn rewritten(
    seal: &FoundSeal,
    how: Break,
    held: &HashMap<&str, Vec<(&ObjectId, &ObjectId)>>,
    audited: &ObjectId,
    told: &mut HashSet<(String, ObjectId)>,
    out: &mut Vec<Finding>,
) {
    let sealed = seal.commit.short();
    let head = audited.short();
    let what = match how {
        Break::Rewritten => format!(
            "is not in the history of {head}: the history was rewritten after it was sealed"
        ),
        Break::Gone => format!(
            "is not in this repository, so not in the history of {head}: the history was rewritten after it was sealed, and the old commits are gone"
        ),
        Break::MovedBack => format!(
            "comes after {head}, where the branch now is: the branch was moved back past the sealed commit (or this clone is behind it: `git pull`, then audit again)"
        ),
    };
    let done = match how {
        Break::MovedBack => "when the branch was moved back",
        _ => "when the history was rewritten",
    };
    let replaced = seal
        .counterpart
        .as_ref()
        .map(|c| {
            format!(
                ". In this history its place is taken by {} (same author, date and summary)",
                c.short()
            )
        })
        .unwrap_or_default();
    let files: Option<&Vec<FileAt>> = seal
        .held
        .as_ref()
        .or_else(|| seal.message().map(|m| &m.files));
    let mut removed = 0;
    let mut reworded = 0;
    let mut per_file = Vec::new();
    for file in files.into_iter().flatten() {
        let versions = held.get(file.path.as_str());
        if versions.is_some_and(|v| v.iter().any(|(blob, _)| **blob == file.blob)) {
            continue;
        }
        let message = match versions.and_then(|v| v.first()) {
            None => {
                removed += 1;
                format!(
                    "{} (blob {}) was sealed by {} at {sealed} and is not in the history of {head}: removed {done}",
                    file.path,
                    file.blob.short(),
                    seal.name.as_deref().unwrap_or("the expected seal"),
                )
            }
            Some((now, commit)) => {
                reworded += 1;
                format!(
                    "{} is not as {} sealed it at {sealed}: blob {} then, {} in this history (from commit {}): reworded {done}",
                    file.path,
                    seal.name.as_deref().unwrap_or("the expected seal"),
                    file.blob.short(),
                    now.short(),
                    commit.short()
                )
            }
        };
        if told.insert((file.path.clone(), file.blob.clone())) {
            per_file.push(finding(
                "history-rewritten",
                Level::Error,
                seal,
                Some(&file.path),
                message,
            ));
        }
    }
    let tally = match files {
        None => ". What it held cannot be told: the repository does not hold the commit, and no seal lists its decisions".to_owned(),
        Some(files) if removed + reworded == 0 => format!(
            ". The {} decision file(s) it sealed are all in this history as sealed",
            files.len()
        ),
        Some(files) => format!(
            ". Of the {} decision file(s) it sealed, this history lacks {removed} and holds {reworded} otherwise",
            files.len()
        ),
    };
    out.push(finding(
        "history-rewritten",
        Level::Error,
        seal,
        None,
        format!(
            "{}{} is of commit {sealed}, which {what}{replaced}{tally}",
            seal.label(),
            sealed_by(seal)
        ),
    ));
    out.extend(per_file);
}

/// Whether a seal's message agrees with the tag's commit and the commit's tree: a message
/// edited or forged after sealing does not. A tag that is not a seal kitemark can read is a
/// note: only whether its commit is in the history is checked.
fn agreement(seal: &FoundSeal, out: &mut Vec<Finding>) {
    let label = seal.label();
    let (message, count) = match &seal.tag {
        None => return,
        Some(SealTag::Lightweight) => {
            out.push(finding(
                "seal-unreadable",
                Level::Note,
                seal,
                None,
                format!(
                    "{label} is a lightweight tag, not a seal (no auditor, no list of decisions): only whether its commit {} is in the history was checked",
                    seal.commit.short()
                ),
            ));
            return;
        }
        Some(SealTag::Annotated {
            message: Err(why), ..
        }) => {
            out.push(finding(
                "seal-unreadable",
                Level::Note,
                seal,
                None,
                format!(
                    "{label} is not a seal kitemark can read ({why}): only whether its commit {} is in the history was checked",
                    seal.commit.short()
                ),
            ));
            return;
        }
        Some(SealTag::Annotated {
            message: Ok((message, count)),
            ..
        }) => (message, *count),
    };
    let sealed = seal.commit.short();
    let forged = "the tag was edited or forged after sealing";
    let mismatch = |path: Option<&str>, what: String| {
        finding(
            "seal-mismatch",
            Level::Error,
            seal,
            path,
            format!("{label} does not agree with its commit {sealed}: {what}; {forged}"),
        )
    };
    if message.commit != seal.commit {
        out.push(mismatch(
            None,
            format!(
                "its message names commit {}, but the tag is on {sealed}",
                message.commit.short()
            ),
        ));
    }
    if count != message.files.len() {
        out.push(mismatch(
            None,
            format!(
                "its message says it lists {count} decision file(s), but lists {}",
                message.files.len()
            ),
        ));
    }
    let Some(tree) = &seal.held else { return };
    let listed: BTreeMap<&str, &ObjectId> = message
        .files
        .iter()
        .map(|f| (f.path.as_str(), &f.blob))
        .collect();
    let there: BTreeMap<&str, &ObjectId> =
        tree.iter().map(|f| (f.path.as_str(), &f.blob)).collect();
    for (path, blob) in &listed {
        match there.get(path) {
            None => out.push(mismatch(
                Some(path),
                format!("it lists {path}, which the commit does not hold"),
            )),
            Some(actual) if actual != blob => out.push(mismatch(
                Some(path),
                format!(
                    "it lists {path} as blob {}, but the commit holds {}",
                    blob.short(),
                    actual.short()
                ),
            )),
            Some(_) => {}
        }
    }
    for path in there.keys().filter(|p| !listed.contains_key(*p)) {
        out.push(mismatch(
            Some(path),
            format!("it does not list {path}, which the commit holds"),
        ));
    }
}

#[cfg(test)]
mod tests {
    //! Seals against a small history: one in it, one the history was rewritten past, one
    //! whose list was edited, one of a later commit.

    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::model::catalog::Catalog;
    use crate::model::format::from_ron;
    use crate::model::history::{ChangeKind, CommitInfo, FileChange, Person};
    use crate::model::seal::SealMessage;

    const KEPT: &str = "decisions/oak/2025-26/2025-11-12-initial.ron";
    const GONE: &str = "decisions/elm/2025-26/2025-11-12-initial.ron";
    const REWORDED: &str = "decisions/ash/2025-26/2025-11-12-initial.ron";

    /// An id whose short form shows `n`: 2 is 2222222…, 14 is eeeeeee….
    fn id(n: u32) -> ObjectId {
        format!("{n:x}").repeat(40)[..40]
            .to_owned()
            .try_into()
            .unwrap()
    }

    fn person() -> Person {
        Person {
            name: "Ada Auditor".into(),
            email: "ada@audit.example.org".into(),
            time: "2026-12-06T10:00:00+00:00[UTC]".parse().unwrap(),
        }
    }

    fn file(path: &str, blob: u32) -> FileAt {
        FileAt {
            path: path.into(),
            blob: id(blob),
        }
    }

    /// The rewritten history: the kept decision as sealed, the reworded one otherwise, the
    /// removed one not at all.
    fn records() -> Records {
        let added = |path: &str, blob: u32| FileChange {
            path: path.into(),
            kind: ChangeKind::Added,
            old: None,
            new: Some(id(blob)),
        };
        let commits = vec![
            CommitInfo {
                id: id(1),
                parents: vec![],
                author: person(),
                committer: person(),
                summary: "Decisions".into(),
                trailers: vec![],
                changes: vec![added(KEPT, 11), added(REWORDED, 13)],
                boundary: None,
                signature: None,
                follows: None,
            },
            CommitInfo {
                id: id(2),
                parents: vec![id(1)],
                author: person(),
                committer: person(),
                summary: "Meeting".into(),
                trailers: vec![],
                changes: vec![added("meetings/2025-11-12.ron", 31)],
                boundary: None,
                signature: None,
                follows: None,
            },
        ];
        let panel: crate::model::Panel =
            from_ron(include_str!("../../tests/fixtures/base/panel.ron")).unwrap();
        let mut records = Records {
            panel_at: vec![None; commits.len()],
            panel_before: vec![None; commits.len()],
            meeting_versions: Default::default(),
            commits,
            panels: vec![],
            decisions: vec![],
            head_files: BTreeMap::new(),
            head: Arc::new(Catalog {
                panel,
                rubrics: BTreeMap::new(),
                schools: BTreeMap::new(),
                years: BTreeMap::new(),
                meetings: BTreeMap::new(),
                decisions: vec![],
                conditions_met: vec![],
                reviews: Vec::new(),
                proceedings: Default::default(),
            }),
            head_commit: id(2),
            unreadable: vec![],
            unreadable_files: Vec::new(),
            beyond_boundary: Default::default(),
            positions: Default::default(),
        };
        records.index();
        records
    }

    /// A seal named `name` of commit `commit`, whose tree held `files` and whose message
    /// lists `listed`.
    fn seal(
        name: &str,
        commit: u32,
        standing: Standing,
        files: Vec<FileAt>,
        listed: Vec<FileAt>,
    ) -> FoundSeal {
        let message = SealMessage {
            commit: id(commit),
            on: "2026-12-06".parse().unwrap(),
            commits: 2,
            decisions: 3,
            findings: 0,
            notes: 0,
            files: listed.clone(),
        };
        FoundSeal {
            name: Some(name.into()),
            commit: id(commit),
            tag: Some(SealTag::Annotated {
                tagger: Some(person()),
                message: Ok((message, listed.len())),
            }),
            held: Some(files),
            standing,
            counterpart: None,
        }
    }

    fn sealed_files() -> Vec<FileAt> {
        vec![file(KEPT, 11), file(GONE, 12), file(REWORDED, 14)]
    }

    fn rules(report: &SealsReport) -> Vec<(&'static str, Option<&str>)> {
        report
            .findings
            .iter()
            .map(|f| (f.rule, f.path.as_deref()))
            .collect()
    }

    #[test]
    fn a_seal_in_the_history_is_intact() {
        let files = vec![file(KEPT, 11), file(REWORDED, 13)];
        let seals = [seal(
            "audit/2026-12-06",
            1,
            Standing::InHistory,
            files.clone(),
            files,
        )];
        let report = check(&records(), &seals, true);
        assert_eq!(report.findings, []);
        assert_eq!(report.checked[0].intact, Some(true));
        assert_eq!(report.latest_intact(), Some(&report.checked[0]));
    }

    #[test]
    fn a_rewritten_history_names_the_decisions_it_lacks_or_holds_otherwise() {
        let mut sealed = seal(
            "audit/2026-12-06",
            9,
            Standing::Elsewhere,
            sealed_files(),
            sealed_files(),
        );
        sealed.counterpart = Some(id(2));
        let report = check(&records(), &[sealed], true);
        assert_eq!(
            rules(&report),
            [
                ("history-rewritten", None),
                ("history-rewritten", Some(GONE)),
                ("history-rewritten", Some(REWORDED)),
            ]
        );
        let messages: Vec<&str> = report.findings.iter().map(|f| f.message.as_str()).collect();
        assert!(messages[0].contains("audit/2026-12-06"), "{}", messages[0]);
        assert!(messages[0].contains("taken by 2222222"), "{}", messages[0]);
        assert!(messages[1].contains("removed"), "{}", messages[1]);
        assert!(
            messages[2].contains("blob eeeeeee then, ddddddd in this history"),
            "{}",
            messages[2]
        );
        assert_eq!(report.checked[0].intact, Some(false));
        assert_eq!(report.findings[1].school, Some("elm".parse().unwrap()));
    }

    #[test]
    fn without_the_sealed_commit_the_list_in_the_seal_tells_what_was_lost() {
        let mut lost = seal(
            "audit/2026-12-06",
            9,
            Standing::Missing,
            vec![],
            sealed_files(),
        );
        lost.held = None;
        let report = check(&records(), &[lost], true);
        assert_eq!(
            rules(&report),
            [
                ("history-rewritten", None),
                ("history-rewritten", Some(GONE)),
                ("history-rewritten", Some(REWORDED)),
            ]
        );
    }

    #[test]
    fn a_file_lost_once_is_told_once_under_the_latest_seal() {
        let seals = [
            seal(
                "audit/2026-12-06",
                8,
                Standing::Elsewhere,
                sealed_files(),
                sealed_files(),
            ),
            seal(
                "audit/2026-12-07",
                9,
                Standing::Elsewhere,
                sealed_files(),
                sealed_files(),
            ),
        ];
        let report = check(&records(), &seals, true);
        let gone: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.path.as_deref() == Some(GONE))
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(gone.len(), 1);
        assert!(gone[0].contains("audit/2026-12-07"), "{}", gone[0]);
        assert_eq!(report.broken(), 2);
    }

    #[test]
    fn a_list_that_disagrees_with_its_commit_was_edited() {
        let files = vec![file(KEPT, 11), file(REWORDED, 13)];
        let listed = vec![file(KEPT, 99)];
        let report = check(
            &records(),
            &[seal(
                "audit/2026-12-06",
                1,
                Standing::InHistory,
                files,
                listed,
            )],
            true,
        );
        assert_eq!(
            rules(&report),
            [
                ("seal-mismatch", Some(KEPT)),
                ("seal-mismatch", Some(REWORDED))
            ]
        );
        assert_eq!(report.checked[0].intact, Some(true));
    }

    #[test]
    fn a_later_seal_is_a_branch_moved_back_unless_an_older_revision_is_audited() {
        let seals = [seal(
            "audit/2026-12-06",
            9,
            Standing::Later,
            sealed_files(),
            sealed_files(),
        )];
        let older = check(&records(), &seals, false);
        assert_eq!(older.findings, []);
        assert_eq!(older.checked[0].intact, None);
        let moved = check(&records(), &seals, true);
        assert!(moved.findings[0].message.contains("moved back"));
        assert_eq!(moved.checked[0].intact, Some(false));
    }
}
