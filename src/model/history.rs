//! The repository's history as plain values: commits with their people, trailers and changed
//! files. The read side builds them from git; the audit and the interface read them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::catalog::Catalog;
use super::decision::{Decision, ObjectId};
use super::meeting::Meeting;
use super::panel::Panel;
use super::rubric::Rubric;
use super::submission::SelfReview;

/// Someone as git records them, with when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub name: String,
    pub email: String,
    /// When, as recorded, in the person's own offset.
    pub time: jiff::Zoned,
}

impl Person {
    /// The local date of the time recorded.
    pub fn date(&self) -> jiff::civil::Date {
        self.time.date()
    }
}

/// How a commit changed a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

impl ChangeKind {
    pub fn letter(self) -> char {
        match self {
            ChangeKind::Added => 'A',
            ChangeKind::Modified => 'M',
            ChangeKind::Deleted => 'D',
        }
    }
}

/// One file a commit changed, with its blob before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    pub path: String,
    pub kind: ChangeKind,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// A file as a commit holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileAt {
    pub path: String,
    pub blob: ObjectId,
}

/// One commit of the history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitInfo {
    pub id: ObjectId,
    /// The parents it names, including, at a shallow clone's boundary, those the clone does
    /// not hold.
    pub parents: Vec<ObjectId>,
    pub author: Person,
    pub committer: Person,
    pub summary: String,
    pub trailers: Vec<(String, String)>,
    /// The files it changed (for a merge, those that differ from every parent). Empty at a
    /// shallow clone's boundary, where what the commit changed cannot be known.
    pub changes: Vec<FileChange>,
    /// At the boundary of a shallow clone (a commit whose parents the clone does not hold):
    /// the files it holds under the paths walked. They were there when the clone's history
    /// begins, put there by this commit or by any before it, which the clone cannot tell, so
    /// they are nobody's change. `None` for every other commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boundary: Option<Vec<FileAt>>,
    /// Its signature, checked against the data it signs; `None` when it has none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureCheck>,
    /// The newest commit, by committer date, on its first-parent line back to the previous
    /// commit of this history that changed something (that one included), with its
    /// committer's time: what this commit's own date should not precede. Commits in between
    /// that the history leaves out count too, so that one dated far ahead is not skipped
    /// over. `None` for a first commit and for a shallow clone's boundary, whose parents are
    /// not there.
    #[serde(skip)]
    pub follows: Option<(ObjectId, jiff::Zoned)>,
}

/// What a commit's signature proves on its own: whose key made it (which member's, and
/// whether the panel allowed it, is for the audit to judge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "state")]
pub enum SignatureCheck {
    /// A good SSH signature, by this key (`ssh-ed25519 AAAA…`, without a comment).
    Good { key: String },
    /// A signature that does not verify, and why.
    Bad { reason: String },
    /// A signature of a kind kitemark does not check (OpenPGP, X.509).
    Unsupported { kind: String },
}

impl CommitInfo {
    /// The value of a trailer, if the commit has it.
    pub fn trailer(&self, key: &str) -> Option<&str> {
        self.trailers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    }

    /// Whether it changed a path under `prefix` (a folder, or a file's own path).
    pub fn touches(&self, prefix: &str) -> bool {
        self.changes.iter().any(|c| under(&c.path, prefix))
    }

    /// Whether it is a shallow clone's boundary (see [`CommitInfo::boundary`]).
    pub fn is_boundary(&self) -> bool {
        self.boundary.is_some()
    }

    /// At a shallow clone's boundary, the blob it holds at `path`.
    pub fn held(&self, path: &str) -> Option<&ObjectId> {
        self.boundary
            .as_ref()?
            .iter()
            .find(|f| f.path == path)
            .map(|f| &f.blob)
    }
}

/// Where a decision's file comes from in the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Added by this commit, by its author.
    Commit { id: ObjectId, author: Person },
    /// Already there at this boundary of a shallow clone: added by a commit the clone does
    /// not hold, so neither that commit nor who made it nor when is known.
    BeforeBoundary(ObjectId),
}

/// What the commit a decision's `made_on` names holds, as the repository says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionAt {
    /// A complete repository has no such commit.
    Missing,
    /// The commit is there.
    Found {
        /// Whether it is an ancestor of the commit that recorded the decision; `None` where a
        /// shallow clone cannot tell (its history may reach the commit only through commits
        /// it does not hold).
        ancestor: Option<bool>,
        /// The submission files of the decision's school and year that the commit holds.
        files: Vec<FileAt>,
        /// Whether the commit changed any of them (no parent holds the same): a commit that
        /// did not is not the one that submitted them. `None` where the repository cannot
        /// tell (a parent beyond a shallow clone's boundary).
        changed: Option<bool>,
    },
}

impl SubmissionAt {
    /// Whether the repository shows the decision could have been made on `file`: the commit
    /// exists, is not shown to be off the decision's line, and holds that blob at that path.
    pub fn vouches_for(&self, path: &str, blob: &ObjectId) -> bool {
        match self {
            SubmissionAt::Missing
            | SubmissionAt::Found {
                ancestor: Some(false),
                ..
            } => false,
            SubmissionAt::Found { files, .. } => {
                files.iter().any(|f| f.path == path && &f.blob == blob)
            }
        }
    }
}

/// A decision file as it was first recorded, with what was in force just before its commit:
/// the meeting's record, the panel, the rubric, and the self-review the decision was made on.
#[derive(Debug, Clone)]
pub struct RecordedDecision {
    pub path: String,
    pub origin: Origin,
    pub decision: Decision,
    // What was in force in the commit's first parent, before the commit's own changes: a
    // commit that records a decision and also edits the meeting's record or the panel is
    // judged by what stood before it. (For a decision already there at a shallow clone's
    // boundary, at the boundary, which is all the clone shows; its self-review is not read.)
    // Shared: thousands of decisions were made at a few dozen meetings under one rubric, and
    // a copy each would cost hundreds of megabytes.
    pub meeting: Option<Arc<Meeting>>,
    pub panel: Option<Arc<Panel>>,
    pub rubric: Option<Arc<Rubric>>,
    /// Read only when `made_on` names the self-review of the decision's own school and year,
    /// and that file is not shown to be something else than its commit holds.
    pub review: Option<Arc<SelfReview>>,
    /// What the commit `made_on` names holds; `None` where that was not checked (no
    /// `made_on`, a decision already there at a shallow clone's boundary, or a commit the
    /// shallow clone does not hold).
    pub submission_at: Option<SubmissionAt>,
    /// Files the decision's commit changed outside the folders the audit walks (such as a
    /// README), which the commit's `changes` leave out.
    pub changed_elsewhere: Vec<String>,
}

impl RecordedDecision {
    /// The commit that added the file, if the history holds it.
    pub fn commit(&self) -> Option<&ObjectId> {
        match &self.origin {
            Origin::Commit { id, .. } => Some(id),
            Origin::BeforeBoundary(_) => None,
        }
    }

    /// Who committed the file, if the history holds that commit.
    pub fn author(&self) -> Option<&Person> {
        match &self.origin {
            Origin::Commit { author, .. } => Some(author),
            Origin::BeforeBoundary(_) => None,
        }
    }

    /// The first commit of the history that holds the file: the one that added it, or the
    /// shallow clone's boundary.
    pub fn first_seen(&self) -> &ObjectId {
        match &self.origin {
            Origin::Commit { id, .. } | Origin::BeforeBoundary(id) => id,
        }
    }

    /// The shallow clone's boundary it was already there at, if it was.
    pub fn before_boundary(&self) -> Option<&ObjectId> {
        match &self.origin {
            Origin::BeforeBoundary(boundary) => Some(boundary),
            Origin::Commit { .. } => None,
        }
    }
}

/// A file in the history that could not be read, with the commit where the walk met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableFile {
    pub commit: ObjectId,
    pub path: String,
    pub message: String,
}

/// Everything the audit reads: the history, the panel as it was at each commit, the decisions
/// as recorded, and the state at the end of the history.
#[derive(Debug, Clone)]
pub struct Records {
    /// Oldest first.
    pub commits: Vec<CommitInfo>,
    /// Each version of panel.ron the history holds.
    pub panels: Vec<Arc<Panel>>,
    /// For each commit, the version of panel.ron in force (an index into `panels`).
    pub panel_at: Vec<Option<usize>>,
    /// For each commit, the panel as it stood in its first parent (the last version that
    /// could be read): the authority that judges the commit. `None` while there has been no
    /// panel, as when the commit is the one that sets the panel up.
    pub panel_before: Vec<Option<usize>>,
    /// The meeting records the audit compares, by blob: each version of a meeting's file
    /// changed after a decision cited it.
    pub meeting_versions: std::collections::HashMap<ObjectId, Arc<Meeting>>,
    /// In the order they were recorded.
    pub decisions: Vec<RecordedDecision>,
    /// The submission files at the end of the history, with their blobs.
    pub head_files: BTreeMap<String, ObjectId>,
    /// The state at the end of the history (shared with whoever loaded it already).
    pub head: Arc<Catalog>,
    /// The commit at the end of the history.
    pub head_commit: ObjectId,
    /// Files that could not be read, as messages: they limit what the audit can say.
    pub unreadable: Vec<String>,
    /// The files of the history that could not be read, each where it was first met: what
    /// the audit could not judge there is a finding, not a silence.
    pub unreadable_files: Vec<UnreadableFile>,
    /// Blobs the history names that a shallow clone does not hold (the self-reviews that
    /// decisions were made on, when they date from before the boundary).
    pub beyond_boundary: std::collections::BTreeSet<ObjectId>,
    /// Each commit's position in `commits`, once [`Records::index`] has been called.
    pub positions: std::collections::HashMap<ObjectId, usize>,
}

impl Records {
    /// Builds the lookup of commits by id, so that finding one does not scan the history.
    pub fn index(&mut self) {
        self.positions = self
            .commits
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
    }

    /// The boundary commits of a shallow clone that the history reached (none for a
    /// complete history).
    pub fn boundary(&self) -> impl Iterator<Item = &CommitInfo> {
        self.commits.iter().filter(|c| c.is_boundary())
    }

    /// The panel as it stood before the commit at position `i` (see `panel_before`).
    pub fn panel_before_commit(&self, i: usize) -> Option<&Panel> {
        let index = self.panel_before.get(i).copied().flatten()?;
        self.panels.get(index).map(|p| &**p)
    }

    /// The panel that judges who may make the commit at position `i`: the panel as it stood
    /// before it, or, for the commit that sets the panel up, the panel it sets up.
    pub fn panel_judging(&self, i: usize) -> Option<&Panel> {
        self.panel_before_commit(i).or_else(|| {
            let index = self.panel_at.get(i).copied().flatten()?;
            self.panels.get(index).map(|p| &**p)
        })
    }

    /// The commit at `id`, if the history holds it.
    pub fn commit(&self, id: &ObjectId) -> Option<&CommitInfo> {
        self.position(id).and_then(|i| self.commits.get(i))
    }

    /// The position of a commit in `commits`.
    pub fn position(&self, id: &ObjectId) -> Option<usize> {
        if self.positions.is_empty() {
            self.commits.iter().position(|c| &c.id == id)
        } else {
            self.positions.get(id).copied()
        }
    }
}

/// Whether `path` is `prefix` itself or inside the folder `prefix`.
pub fn under(path: &str, prefix: &str) -> bool {
    path == prefix
        || (path.starts_with(prefix)
            && (prefix.ends_with('/') || path.as_bytes().get(prefix.len()) == Some(&b'/')))
}

/// The trailers of a commit message, as `git interpret-trailers --parse` reads them: the
/// message's last paragraph, when every line of it is `Key: value` (a line starting with
/// white space continues the one before).
pub fn parse_trailers(message: &str) -> Vec<(String, String)> {
    let paragraphs: Vec<&str> = message
        .trim_end()
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .collect();
    // The summary line alone is never a trailer block.
    if paragraphs.len() < 2 {
        return Vec::new();
    }
    let Some(last) = paragraphs.last() else {
        return Vec::new();
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for line in last.lines() {
        if line.starts_with([' ', '\t']) {
            match out.last_mut() {
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(line.trim());
                    continue;
                }
                None => return Vec::new(),
            }
        }
        let Some((key, value)) = line.split_once(':') else {
            return Vec::new();
        };
        let token = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !token {
            return Vec::new();
        }
        out.push((key.to_owned(), value.trim().to_owned()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_are_the_last_paragraph_of_key_value_lines() {
        let message = "Decision: oak 2025-26 initial: awarded\n\nRecorded by chair.\n\nOutcome: awarded\nPresent: a, b,\n  c\nSchool: oak\n";
        assert_eq!(
            parse_trailers(message),
            vec![
                ("Outcome".to_owned(), "awarded".to_owned()),
                ("Present".to_owned(), "a, b, c".to_owned()),
                ("School".to_owned(), "oak".to_owned()),
            ]
        );
        assert!(
            parse_trailers("Outcome: awarded").is_empty(),
            "a summary only"
        );
        assert!(
            parse_trailers("Summary\n\nSome prose: with a colon\nand more prose").is_empty(),
            "prose is not a trailer block"
        );
    }

    #[test]
    fn paths_are_under_folders_not_prefixes_of_names() {
        assert!(under(
            "submissions/oak/2025-26/self-review.ron",
            "submissions/oak"
        ));
        assert!(under("panel.ron", "panel.ron"));
        assert!(!under("submissions/oakfield/school.ron", "submissions/oak"));
        assert!(under("meetings/2026-01-01.ron", "meetings/"));
    }
}
