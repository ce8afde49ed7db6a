//! Gathering what the audit and the decision log read, in one walk of the history: each
//! decision as first recorded with the meeting record, panel, rubric and self-review that
//! were in force at its commit, and the panel in force at every commit.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::{PanelRepo, RepoError, Snapshot};
use crate::model::catalog::Catalog;
use crate::model::format::parse_document;
use crate::model::history::{ChangeKind, CommitInfo, Origin, RecordedDecision, Records};
use crate::model::layout::{PanelPath, classify};
use crate::model::{Decision, Meeting, ObjectId, Panel, Rubric, School, SelfReview};

/// The folders and files whose history the audit reads.
pub const AUDITED: [&str; 5] = [
    "panel.ron",
    "rubrics",
    "submissions",
    "meetings",
    "decisions",
];

/// Parsed files, by blob, so that a file unchanged over many commits is read once.
struct Cache<'r> {
    repo: &'r PanelRepo,
    texts: HashMap<(ObjectId, String), Option<ObjectId>>,
    unreadable: Vec<String>,
    /// Blobs a shallow clone does not hold: not unreadable, only beyond its boundary.
    beyond_boundary: BTreeSet<ObjectId>,
}

/// What a commit brings to the history as the records follow it: the files it added,
/// changed or deleted (`None` for a deletion), or, at a shallow clone's boundary, the files
/// already there, each with whether it is new to the history. A clone cut across branches
/// has several boundaries holding the same files: `held` keeps the paths seen at those
/// before, so that a file is new at the first only.
fn arrivals<'c>(
    commit: &'c CommitInfo,
    held: &mut std::collections::HashSet<String>,
) -> Vec<(&'c str, Option<&'c ObjectId>, bool)> {
    match &commit.boundary {
        Some(files) => files
            .iter()
            .map(|f| (f.path.as_str(), Some(&f.blob), held.insert(f.path.clone())))
            .collect(),
        None => commit
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.new.as_ref(), c.kind == ChangeKind::Added))
            .collect(),
    }
}

/// The decisions first seen at a shallow clone's boundary, in the order of their meetings:
/// the order they were recorded in is beyond the clone, and the meetings' is the nearest
/// the files tell.
fn sort_boundary(commit: &CommitInfo, decisions: &mut [RecordedDecision]) {
    if commit.is_boundary() {
        decisions.sort_by(|a, b| (a.decision.meeting, &a.path).cmp(&(b.decision.meeting, &b.path)));
    }
}

/// Where a decision first seen at `commit` comes from.
fn origin(commit: &CommitInfo) -> Origin {
    if commit.is_boundary() {
        Origin::BeforeBoundary(commit.id.clone())
    } else {
        Origin::Commit {
            id: commit.id.clone(),
            author: commit.author.clone(),
        }
    }
}

impl Cache<'_> {
    /// The blob at `path` in `commit`, if the file exists there.
    fn blob(&mut self, commit: &ObjectId, path: &str) -> Option<ObjectId> {
        let key = (commit.clone(), path.to_owned());
        if let Some(found) = self.texts.get(&key) {
            return found.clone();
        }
        let found = self.repo.blob_in(commit, path);
        self.texts.insert(key, found.clone());
        found
    }

    fn parse<T: DeserializeOwned>(
        &mut self,
        parsed: &mut HashMap<ObjectId, Option<Arc<T>>>,
        blob: &ObjectId,
        path: &str,
    ) -> Option<Arc<T>> {
        if let Some(found) = parsed.get(blob) {
            return found.clone();
        }
        let value = match self.repo.blob_text(blob, path) {
            Ok(text) => match parse_document::<T>(&text) {
                Ok(value) => Some(Arc::new(value)),
                Err(e) => {
                    self.unreadable.push(format!(
                        "{path}:{}:{} (blob {}): {}",
                        e.position.line,
                        e.position.col,
                        blob.short(),
                        e.message
                    ));
                    None
                }
            },
            Err(super::ReadError::NotInShallowClone { blob, .. }) => {
                self.beyond_boundary.insert(blob);
                None
            }
            Err(e) => {
                self.unreadable.push(e.to_string());
                None
            }
        };
        parsed.insert(blob.clone(), value.clone());
        value
    }
}

impl PanelRepo {
    /// The blob at `path` in `commit`, if there is one.
    pub fn blob_in(&self, commit: &ObjectId, path: &str) -> Option<ObjectId> {
        let oid = super::snapshot::oid_of(commit)?;
        let tree = self.git().find_commit(oid).ok()?.tree().ok()?;
        let entry = tree.get_path(std::path::Path::new(path)).ok()?;
        (entry.kind() == Some(git2::ObjectType::Blob))
            .then(|| ObjectId::from_git(entry.id().to_string()))
    }

    /// The decisions (of one school, or all) as first recorded, with the commits that
    /// touched them, oldest first, and the commit the history ends at. Only the decisions'
    /// folder is walked: cheaper than [`PanelRepo::records`] when only the log is wanted.
    pub fn recorded_decisions(
        &self,
        rev: Option<&str>,
        school: Option<&crate::model::SchoolId>,
    ) -> Result<
        (
            Vec<crate::model::history::CommitInfo>,
            Vec<RecordedDecision>,
        ),
        RepoError,
    > {
        let prefix = match school {
            Some(s) => format!("decisions/{s}"),
            None => "decisions".to_owned(),
        };
        let mut commits = self.history(rev, &[prefix])?;
        commits.reverse();
        let mut cache = Cache {
            repo: self,
            texts: HashMap::new(),
            unreadable: Vec::new(),
            beyond_boundary: BTreeSet::new(),
        };
        let mut parsed: HashMap<ObjectId, Option<Arc<Decision>>> = HashMap::new();
        let mut decisions = Vec::new();
        let mut held = std::collections::HashSet::new();
        for commit in &commits {
            let first = decisions.len();
            for (path, blob, new) in arrivals(commit, &mut held) {
                let (true, Some(blob)) = (new, blob) else {
                    continue;
                };
                let Some(decision) = cache.parse(&mut parsed, blob, path) else {
                    continue;
                };
                parsed.remove(blob);
                decisions.push(RecordedDecision {
                    path: path.to_owned(),
                    origin: origin(commit),
                    decision: Arc::unwrap_or_clone(decision),
                    meeting: None,
                    panel: None,
                    rubric: None,
                    review: None,
                });
            }
            sort_boundary(commit, &mut decisions[first..]);
        }
        Ok((commits, decisions))
    }

    /// The history and decisions the audit reads, up to `rev` (`None` for HEAD).
    pub fn records(&self, rev: Option<&str>) -> Result<Records, RepoError> {
        let snapshot = self.snapshot_at(rev)?;
        let (head, errors) = self.load_catalog(&snapshot)?;
        let unreadable = errors.iter().map(|e| e.to_string()).collect();
        self.records_at(&snapshot, Arc::new(head), unreadable)
    }

    /// The same, up to a snapshot whose catalog is loaded already (as the interface has it),
    /// with what could not be read of that catalog.
    pub fn records_at(
        &self,
        snapshot: &Snapshot,
        head: Arc<Catalog>,
        unreadable: Vec<String>,
    ) -> Result<Records, RepoError> {
        let commit = snapshot.commit_id();
        let rev = Some(commit.as_str());
        let prefixes: Vec<String> = AUDITED.iter().map(|p| (*p).to_owned()).collect();
        let (mut commits, merges) = self.history_and_merges(rev, &prefixes)?;
        commits.reverse();

        let mut cache = Cache {
            repo: self,
            texts: HashMap::new(),
            unreadable,
            beyond_boundary: BTreeSet::new(),
        };
        let mut panels: Vec<Arc<Panel>> = Vec::new();
        let mut panel_blobs: HashMap<ObjectId, Option<usize>> = HashMap::new();
        let mut panel_at = Vec::with_capacity(commits.len());
        let mut current: Option<usize> = None;
        let mut parsed_panels: HashMap<ObjectId, Option<Arc<Panel>>> = HashMap::new();
        let mut meetings: HashMap<ObjectId, Option<Arc<Meeting>>> = HashMap::new();
        let mut rubrics: HashMap<ObjectId, Option<Arc<Rubric>>> = HashMap::new();
        let mut schools: HashMap<ObjectId, Option<Arc<School>>> = HashMap::new();
        let mut reviews: HashMap<ObjectId, Option<Arc<SelfReview>>> = HashMap::new();
        let mut decisions_parsed: HashMap<ObjectId, Option<Arc<Decision>>> = HashMap::new();
        let mut decisions = Vec::new();
        // The blob of each meeting, school profile and rubric as the walk goes, so that what
        // was in force at a commit is known without looking it up in the commit's tree. Only
        // a history without merges is a single line that this can follow; otherwise each is
        // looked up in the commit's tree.
        let linear = !merges;
        let mut state: HashMap<String, ObjectId> = HashMap::new();

        let mut held = std::collections::HashSet::new();
        for commit in &commits {
            let first = decisions.len();
            let arrived = arrivals(commit, &mut held);
            if linear {
                for &(path, blob, _) in &arrived {
                    let tracked = path.starts_with("meetings/")
                        || path.starts_with("rubrics/")
                        || path.ends_with("/school.ron");
                    if !tracked {
                        continue;
                    }
                    match blob {
                        Some(blob) => state.insert(path.to_owned(), blob.clone()),
                        None => state.remove(path),
                    };
                }
            }
            let blob_at = |cache: &mut Cache<'_>, path: &str| -> Option<ObjectId> {
                if linear {
                    state.get(path).cloned()
                } else {
                    cache.blob(&commit.id, path)
                }
            };
            if let Some(&(_, blob, _)) = arrived.iter().find(|(path, ..)| *path == "panel.ron") {
                current = match blob {
                    Some(blob) => match panel_blobs.get(blob) {
                        Some(index) => *index,
                        None => {
                            let index =
                                cache
                                    .parse(&mut parsed_panels, blob, "panel.ron")
                                    .map(|panel| {
                                        panels.push(panel);
                                        panels.len() - 1
                                    });
                            panel_blobs.insert(blob.clone(), index);
                            index
                        }
                    },
                    None => None,
                };
            }
            panel_at.push(current);

            for &(path, blob, new) in &arrived {
                let (true, Some(blob)) = (new, blob) else {
                    continue;
                };
                let crate::model::Classified::File(PanelPath::Decision(_)) = classify(path) else {
                    continue;
                };
                let Some(decision) = cache.parse(&mut decisions_parsed, blob, path) else {
                    continue;
                };
                // Kept once, in the record: a decision's file is added once.
                decisions_parsed.remove(blob);
                let meeting_path = PanelPath::Meeting(decision.meeting).to_string();
                let meeting = blob_at(&mut cache, &meeting_path)
                    .and_then(|b| cache.parse(&mut meetings, &b, &meeting_path));
                let panel = current.and_then(|i| panels.get(i)).cloned();
                let profile_path = PanelPath::School(decision.school.clone()).to_string();
                let rubric_id = blob_at(&mut cache, &profile_path)
                    .and_then(|b| cache.parse(&mut schools, &b, &profile_path))
                    .and_then(|s| s.rubric.clone())
                    .or_else(|| panel.as_ref().map(|p| p.default_rubric.clone()));
                let rubric: Option<Arc<Rubric>> = rubric_id.and_then(|id| {
                    let path = PanelPath::Rubric(id).to_string();
                    blob_at(&mut cache, &path).and_then(|b| cache.parse(&mut rubrics, &b, &path))
                });
                // The self-review matters only to the evidence rules: read it only for a kind
                // that has some, and not for a decision recorded before a shallow clone's
                // boundary, which the audit cannot check (and whose self-review the clone
                // seldom holds).
                let evidence = !commit.is_boundary()
                    && rubric
                        .as_ref()
                        .is_some_and(|r| r.evidence_rules_for(&decision.kind).next().is_some());
                let review = decision
                    .made_on
                    .as_ref()
                    .filter(|_| evidence)
                    .and_then(|made_on| {
                        let file = made_on
                            .files
                            .iter()
                            .find(|f| f.path.ends_with("/self-review.ron"))?;
                        cache.parse(&mut reviews, &file.blob, &file.path)
                    });
                decisions.push(RecordedDecision {
                    path: path.to_owned(),
                    origin: origin(commit),
                    decision: Arc::unwrap_or_clone(decision),
                    meeting,
                    panel,
                    rubric,
                    review,
                });
            }
            sort_boundary(commit, &mut decisions[first..]);
        }

        let mut head_files = BTreeMap::new();
        for files in snapshot.schools.values() {
            for year in files.years.values() {
                for blob in year.files() {
                    head_files.insert(blob.path.clone(), blob.blob_id());
                }
            }
        }
        let mut records = Records {
            commits,
            panels,
            panel_at,
            decisions,
            head_files,
            head,
            head_commit: snapshot.commit_id(),
            unreadable: cache.unreadable,
            beyond_boundary: cache.beyond_boundary,
            positions: HashMap::new(),
        };
        records.index();
        Ok(records)
    }
}
