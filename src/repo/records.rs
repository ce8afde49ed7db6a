//! Gathering what the audit and the decision log read, in one walk of the history: each
//! decision as first recorded with the meeting record, panel and rubric as they stood just
//! before its commit, the self-review it was made on, and what the commit it names as made on
//! holds; the panel in force at and before every commit; and the versions of meeting records
//! changed after a decision cited them.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use serde::de::DeserializeOwned;

use super::parsed::{Memo, Memoized};
use super::{PanelRepo, RepoError, Snapshot};
use crate::model::catalog::Catalog;
use crate::model::format::parse_document;
use crate::model::history::{
    ChangeKind, CommitInfo, FileAt, Origin, RecordedDecision, Records, SubmissionAt, UnreadableFile,
};
use crate::model::layout::{Classified, PanelPath, classify};
use crate::model::{Decision, Meeting, ObjectId, Panel, Rubric, School, SelfReview};

/// The folders and files whose history the audit reads.
pub const AUDITED: [&str; 8] = [
    "panel.ron",
    "rubrics",
    "submissions",
    "meetings",
    "decisions",
    "conditions",
    "reviews",
    "proceedings",
];

/// Parsed files, by blob, so that a file unchanged over many commits is read once.
struct Cache<'r> {
    repo: &'r PanelRepo,
    texts: HashMap<(ObjectId, String), Option<ObjectId>>,
    unreadable: Vec<String>,
    /// The same, with the commit being walked when each was met (`at`).
    unreadable_files: Vec<UnreadableFile>,
    /// The commit the walk is at, to name where an unreadable file was met.
    at: Option<ObjectId>,
    /// Blobs a shallow clone does not hold: not unreadable, only beyond its boundary.
    beyond_boundary: BTreeSet<ObjectId>,
    /// What earlier walks parsed, from the cache, and what this one parses, for it.
    memo: Option<Memo>,
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
    fn failed(&mut self, path: &str, message: String) {
        if let Some(commit) = &self.at {
            self.unreadable_files.push(UnreadableFile {
                commit: commit.clone(),
                path: path.to_owned(),
                message: message.clone(),
            });
        }
        self.unreadable.push(message);
    }

    /// What `path` is at the commit being walked if it is not a file: asked only of a path
    /// that could not be read, so a history of files pays nothing for it.
    fn not_a_file(&self, path: &str) -> Option<&'static str> {
        let oid = super::snapshot::oid_of(self.at.as_ref()?)?;
        let tree = self.repo.git().find_commit(oid).ok()?.tree().ok()?;
        let entry = tree.get_path(std::path::Path::new(path)).ok()?;
        super::NotFile::of(entry.filemode(), entry.kind()).map(|n| n.code_and_message().1)
    }

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

    fn parse<T: DeserializeOwned + Memoized>(
        &mut self,
        parsed: &mut HashMap<ObjectId, Option<Arc<T>>>,
        blob: &ObjectId,
        path: &str,
    ) -> Option<Arc<T>> {
        if let Some(found) = parsed.get(blob) {
            return found.clone();
        }
        // Only what parsed is kept, so a file that does not is met, and said, as without.
        if let Some(value) = self.memo.as_mut().and_then(|m| m.get::<T>(blob)) {
            parsed.insert(blob.clone(), Some(value.clone()));
            return Some(value);
        }
        let value = match self.repo.blob_text(blob, path) {
            Ok(text) => match parse_document::<T>(&text) {
                Ok(value) => {
                    let value = Arc::new(value);
                    if let Some(memo) = &mut self.memo {
                        memo.parsed(blob, &value);
                    }
                    Some(value)
                }
                Err(e) => {
                    // Said as `validate` says it, rather than as a syntax error in the path
                    // a link names.
                    let message = match self.not_a_file(path) {
                        Some(what) => format!("{path}: {what}"),
                        None => format!(
                            "{path}:{}:{} (blob {}): {}",
                            e.position.line,
                            e.position.col,
                            blob.short(),
                            e.message
                        ),
                    };
                    self.failed(path, message);
                    None
                }
            },
            Err(super::ReadError::NotInShallowClone { blob, .. }) => {
                self.beyond_boundary.insert(blob);
                None
            }
            Err(e) => {
                let message = match self.not_a_file(path) {
                    Some(what) => format!("{path}: {what}"),
                    None => e.to_string(),
                };
                self.failed(path, message);
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
            unreadable_files: Vec::new(),
            at: None,
            beyond_boundary: BTreeSet::new(),
            memo: None,
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
                    submission_at: None,
                    changed_elsewhere: Vec::new(),
                });
            }
            sort_boundary(commit, &mut decisions[first..]);
        }
        Ok((commits, decisions))
    }

    /// The history and decisions the audit reads, up to `rev` (`None` for HEAD).
    pub fn records(&self, rev: Option<&str>) -> Result<Records, RepoError> {
        self.records_reporting(rev, &mut |_, _| {})
    }

    /// [`PanelRepo::records`], telling `report` how many of the history's commits have been
    /// read, and of how many, as it goes (for a progress bar).
    pub fn records_reporting(
        &self,
        rev: Option<&str>,
        report: &mut dyn FnMut(usize, usize),
    ) -> Result<Records, RepoError> {
        let snapshot = self.snapshot_at(rev)?;
        let (head, errors) = self.load_catalog(&snapshot)?;
        let unreadable = errors.iter().map(|e| e.to_string()).collect();
        self.read_records(&snapshot, Arc::new(head), unreadable, report)
    }

    /// The same, up to a snapshot whose catalog is loaded already (as the interface has it),
    /// with what could not be read of that catalog.
    pub fn records_at(
        &self,
        snapshot: &Snapshot,
        head: Arc<Catalog>,
        unreadable: Vec<String>,
    ) -> Result<Records, RepoError> {
        self.read_records(snapshot, head, unreadable, &mut |_, _| {})
    }

    /// [`PanelRepo::records_at`] for `schools` alone: only their folders' history (with
    /// panel.ron, the rubrics and the meetings) is walked, so only their decisions are
    /// read, for an audit of commits that touch nothing else.
    pub fn records_of(
        &self,
        snapshot: &Snapshot,
        head: Arc<Catalog>,
        unreadable: Vec<String>,
        schools: &BTreeSet<crate::model::SchoolId>,
    ) -> Result<Records, RepoError> {
        let mut prefixes: Vec<String> = ["panel.ron", "rubrics", "meetings"]
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        for school in schools {
            for top in ["submissions", "decisions", "conditions", "reviews"] {
                prefixes.push(format!("{top}/{school}"));
            }
        }
        self.read_records_under(snapshot, head, unreadable, &prefixes, &mut |_, _| {})
    }

    fn read_records(
        &self,
        snapshot: &Snapshot,
        head: Arc<Catalog>,
        unreadable: Vec<String>,
        report: &mut dyn FnMut(usize, usize),
    ) -> Result<Records, RepoError> {
        let prefixes: Vec<String> = AUDITED.iter().map(|p| (*p).to_owned()).collect();
        self.read_records_under(snapshot, head, unreadable, &prefixes, report)
    }

    /// The records of the history under `prefixes` (each under one of [`AUDITED`]).
    fn read_records_under(
        &self,
        snapshot: &Snapshot,
        head: Arc<Catalog>,
        unreadable: Vec<String>,
        prefixes: &[String],
        report: &mut dyn FnMut(usize, usize),
    ) -> Result<Records, RepoError> {
        let commit = snapshot.commit_id();
        let rev = Some(commit.as_str());
        let walked = self.history_and_merges(rev, prefixes)?;
        let (mut commits, merges) = (walked.commits, walked.merges);
        commits.reverse();
        let shallow = commits.iter().any(CommitInfo::is_boundary);
        // Only a walk of the whole history reads and keeps the files parsed: one school's
        // parses a few dozen, fewer than reading the whole history's memo would cost.
        let memo_key = super::snapshot::oid_of(&commit)
            .map(|head| super::walked::key(head, prefixes))
            .filter(|_| self.cache().is_enabled())
            .filter(|_| prefixes.iter().map(String::as_str).eq(AUDITED));

        let mut cache = Cache {
            repo: self,
            texts: HashMap::new(),
            unreadable,
            unreadable_files: Vec::new(),
            at: None,
            beyond_boundary: BTreeSet::new(),
            memo: memo_key.as_ref().map(|key| Memo::load(self.cache(), key)),
        };
        let mut panels: Vec<Arc<Panel>> = Vec::new();
        let mut panel_blobs: HashMap<ObjectId, Option<usize>> = HashMap::new();
        let mut panel_at = Vec::with_capacity(commits.len());
        let mut panel_before = Vec::with_capacity(commits.len());
        // The panel in force at each commit, by id, to know a parent's without its tree.
        let mut panel_of: HashMap<&ObjectId, Option<usize>> = HashMap::new();
        let mut current: Option<usize> = None;
        // The last panel that could be read: a panel.ron broken or deleted by one commit does
        // not leave the next without an authority to judge it.
        let mut last_readable: Option<usize> = None;
        let mut parsed_panels: HashMap<ObjectId, Option<Arc<Panel>>> = HashMap::new();
        let mut meetings: HashMap<ObjectId, Option<Arc<Meeting>>> = HashMap::new();
        let mut rubrics: HashMap<ObjectId, Option<Arc<Rubric>>> = HashMap::new();
        let mut schools: HashMap<ObjectId, Option<Arc<School>>> = HashMap::new();
        let mut reviews: HashMap<ObjectId, Option<Arc<SelfReview>>> = HashMap::new();
        // A decision's file is written once and seldom changed, so the catalog at the end of
        // the history (read already, often from the cache) has parsed nearly every blob the
        // walk meets: those are not parsed again.
        let head_blobs: HashMap<&str, ObjectId> = snapshot
            .decisions
            .values()
            .map(|blob| (blob.path.as_str(), blob.blob_id()))
            .collect();
        let mut decisions_parsed: HashMap<ObjectId, Option<Arc<Decision>>> = head
            .decisions
            .iter()
            .filter_map(|(path, decision)| {
                let blob = head_blobs.get(path.as_str())?.clone();
                Some((blob, Some(Arc::new(decision.clone()))))
            })
            .collect();
        let mut decisions = Vec::new();
        // The meetings decisions have cited so far, whose later versions the audit compares.
        let mut cited: HashSet<jiff::civil::Date> = HashSet::new();
        // The blob of each meeting, rubric and school's file as the walk goes, so that what
        // was in force at a commit is known without looking it up in the commit's tree. Only
        // a history without merges is a single line that this can follow; otherwise each is
        // looked up in the tree of the commit's first parent.
        let linear = !merges;
        let mut state: HashMap<String, ObjectId> = HashMap::new();
        // The commit that last changed each school's file as the walk goes (`None` for a file
        // held at a shallow clone's boundary, whose commit is not known), for the same reason.
        let mut changed_by: HashMap<String, Option<ObjectId>> = HashMap::new();
        // The place of each commit walked so far on the line, to order those changes.
        let mut seen: HashMap<ObjectId, usize> = HashMap::new();

        let mut held = std::collections::HashSet::new();
        for (n, commit) in commits.iter().enumerate() {
            if n % 256 == 0 {
                report(n, commits.len());
            }
            cache.at = Some(commit.id.clone());
            let first = decisions.len();
            let arrived = arrivals(commit, &mut held);
            let boundary = commit.is_boundary();
            let parent = commit.parents.first().filter(|_| !boundary);

            // Before the commit's own changes: the panel of its first parent.
            let before = match parent {
                None => None,
                Some(_) if linear => last_readable,
                Some(p) => match panel_of.get(p) {
                    Some(index) => *index,
                    None => cache.blob(p, "panel.ron").and_then(|blob| {
                        panel_index(
                            &mut cache,
                            &mut panels,
                            &mut panel_blobs,
                            &mut parsed_panels,
                            &blob,
                        )
                    }),
                }
                .or(last_readable),
            };
            panel_before.push(before);

            // At a shallow clone's boundary, the files it holds are all the clone knows of
            // what was in force, and a first commit has nothing before it: their decisions
            // are read with the commit's own files.
            let own_files = boundary || parent.is_none();
            if own_files && linear {
                track(&mut state, &arrived);
                note_changes(&mut changed_by, &arrived, (!boundary).then_some(&commit.id));
            }
            if let Some(&(_, blob, _)) = arrived.iter().find(|(path, ..)| *path == "panel.ron") {
                current = blob.and_then(|blob| {
                    panel_index(
                        &mut cache,
                        &mut panels,
                        &mut panel_blobs,
                        &mut parsed_panels,
                        blob,
                    )
                });
                last_readable = current.or(last_readable);
            }
            panel_at.push(current);
            panel_of.insert(&commit.id, current);

            // Meeting records changed after a decision cited them: both versions are kept for
            // the audit to compare.
            for change in &commit.changes {
                if change.kind == ChangeKind::Added || !change.path.starts_with("meetings/") {
                    continue;
                }
                let Classified::File(PanelPath::Meeting(date)) = classify(&change.path) else {
                    continue;
                };
                if !cited.contains(&date) {
                    continue;
                }
                for blob in [&change.old, &change.new].into_iter().flatten() {
                    cache.parse(&mut meetings, blob, &change.path);
                }
            }

            let blob_before = |cache: &mut Cache<'_>, path: &str| -> Option<ObjectId> {
                if linear {
                    state.get(path).cloned()
                } else {
                    match parent {
                        Some(p) => cache.blob(p, path),
                        None => cache.blob(&commit.id, path),
                    }
                }
            };
            for &(path, blob, new) in &arrived {
                let (true, Some(blob)) = (new, blob) else {
                    continue;
                };
                let Classified::File(PanelPath::Decision(_)) = classify(path) else {
                    continue;
                };
                let Some(decision) = cache.parse(&mut decisions_parsed, blob, path) else {
                    continue;
                };
                // Kept once, in the record: a decision's file is added once.
                decisions_parsed.remove(blob);
                cited.insert(decision.meeting);
                let meeting_path = PanelPath::Meeting(decision.meeting).to_string();
                let meeting = blob_before(&mut cache, &meeting_path)
                    .and_then(|b| cache.parse(&mut meetings, &b, &meeting_path));
                // The panel it was recorded under: before the commit, or at a boundary (or
                // in the commit that sets the panel up) the one there.
                let panel = if own_files {
                    current
                } else {
                    before.or(current)
                }
                .and_then(|i| panels.get(i))
                .cloned();
                // What the commit the decision names as made on holds, and what else the
                // decision's own commit changed: neither is known for a decision recorded
                // before a shallow clone's boundary.
                let (submission_at, changed_elsewhere) = if boundary {
                    (None, Vec::new())
                } else {
                    let own = [
                        PanelPath::SelfReview(decision.school.clone(), decision.year),
                        PanelPath::ActionPlan(decision.school.clone(), decision.year),
                    ]
                    .map(|p| p.to_string());
                    let at = decision.made_on.as_ref().and_then(|m| {
                        // Made on the commit it follows, as kitemark records: the walk knows
                        // that commit's files without a look into its trees.
                        // So is a commit further back on the line that no later commit changed
                        // the submission's files after: it holds them as they stand now.
                        let since = |path: &String| match changed_by.get(path) {
                            None => Some(false),
                            Some(None) => None,
                            Some(Some(by)) => Some(seen.get(by)? > seen.get(&m.commit)?),
                        };
                        let unchanged_since = linear
                            && seen.contains_key(&m.commit)
                            && own.iter().all(|path| since(path) == Some(false));
                        if (linear && parent == Some(&m.commit)) || unchanged_since {
                            let by: Vec<&Option<ObjectId>> =
                                own.iter().filter_map(|p| changed_by.get(p)).collect();
                            let files: Vec<FileAt> = own
                                .into_iter()
                                .filter_map(|path| {
                                    let blob = state.get(&path)?.clone();
                                    Some(FileAt { path, blob })
                                })
                                .collect();
                            let changed = if by.iter().any(|c| c.as_ref() == Some(&m.commit)) {
                                Some(true)
                            } else if by.iter().any(|c| c.is_none()) {
                                None
                            } else {
                                Some(false)
                            };
                            return Some(SubmissionAt::Found {
                                ancestor: Some(true),
                                files,
                                changed,
                            });
                        }
                        self.submission_at(m, commit, &own, shallow)
                    });
                    let elsewhere = if walked.changed_outside.contains(&commit.id) {
                        self.changed_outside(&commit.id, &AUDITED)
                    } else {
                        Vec::new()
                    };
                    (at, elsewhere)
                };
                // The self-review it was made on names the rubric the decision is judged by
                // (model::catalog::submission_rubric_id, as everywhere else), and the evidence
                // rules read it. Only the school's own self-review is read, not a blob that
                // the commit named as made on shows to be another, and not for a decision
                // recorded before a shallow clone's boundary, which the audit cannot check
                // (and whose self-review the clone seldom holds).
                let own_review =
                    PanelPath::SelfReview(decision.school.clone(), decision.year).to_string();
                let named_review =
                    decision
                        .made_on
                        .as_ref()
                        .filter(|_| !boundary)
                        .and_then(|made_on| {
                            let file = made_on.files.iter().find(|f| f.path == own_review)?;
                            if submission_at
                                .as_ref()
                                .is_some_and(|s| !s.vouches_for(&file.path, &file.blob))
                            {
                                return None;
                            }
                            // An earlier walk that kept only its rubric's name saves reading it.
                            if let Some(rubric) = cache
                                .memo
                                .as_mut()
                                .and_then(|m| m.review_rubric(&file.blob))
                            {
                                return Some((file, Named::Rubric(rubric)));
                            }
                            let review = cache.parse(&mut reviews, &file.blob, &file.path)?;
                            Some((file, Named::Whole(review)))
                        });
                let profile_path = PanelPath::School(decision.school.clone()).to_string();
                let profile = blob_before(&mut cache, &profile_path)
                    .and_then(|b| cache.parse(&mut schools, &b, &profile_path));
                let rubric_id = crate::model::catalog::submission_rubric_id(
                    named_review.as_ref().map(|(_, r)| r.rubric()),
                    profile.as_deref(),
                    panel.as_deref(),
                )
                .cloned();
                let rubric: Option<Arc<Rubric>> = rubric_id.and_then(|id| {
                    let path = PanelPath::Rubric(id).to_string();
                    blob_before(&mut cache, &path)
                        .and_then(|b| cache.parse(&mut rubrics, &b, &path))
                });
                // The self-review is kept where a rule reads it: the evidence rules, and a
                // graded mark's grade, which must be the one its scores earn.
                let needed = rubric.as_ref().is_some_and(|r| {
                    r.evidence_rules_for(&decision.kind).next().is_some()
                        || crate::model::scores::needs_grade(r, &decision)
                });
                let review = match named_review {
                    Some((file, named)) if needed => {
                        let review = match named {
                            Named::Whole(review) => Some(review),
                            Named::Rubric(_) => cache.parse(&mut reviews, &file.blob, &file.path),
                        };
                        if let (Some(memo), Some(review)) = (&mut cache.memo, &review) {
                            memo.keep(&file.blob, review);
                        }
                        review
                    }
                    // Only its rubric's name was needed: the whole self-review is not held
                    // for the rest of the walk (thousands of them on a large panel).
                    Some((file, named)) => {
                        if let Some(memo) = &mut cache.memo {
                            memo.keep_review_rubric(&file.blob, named.rubric());
                        }
                        reviews.remove(&file.blob);
                        None
                    }
                    None => None,
                };
                decisions.push(RecordedDecision {
                    path: path.to_owned(),
                    origin: origin(commit),
                    decision: Arc::unwrap_or_clone(decision),
                    meeting,
                    panel,
                    rubric,
                    review,
                    submission_at,
                    changed_elsewhere,
                });
            }
            sort_boundary(commit, &mut decisions[first..]);
            if linear && !own_files {
                track(&mut state, &arrived);
                note_changes(&mut changed_by, &arrived, Some(&commit.id));
            }
            if linear {
                seen.insert(commit.id.clone(), seen.len());
            }
        }

        let mut head_files = BTreeMap::new();
        for files in snapshot.schools.values() {
            for year in files.years.values() {
                for blob in year.files() {
                    head_files.insert(blob.path.clone(), blob.blob_id());
                }
            }
        }
        // Kept when the walk parsed something new.
        if let (Some(memo), Some(key)) = (&cache.memo, &memo_key)
            && memo.grew()
        {
            memo.store(self.cache(), key);
        }
        let meeting_versions = meetings
            .into_iter()
            .filter_map(|(blob, meeting)| Some((blob, meeting?)))
            .collect();
        let mut records = Records {
            commits,
            panels,
            panel_at,
            panel_before,
            meeting_versions,
            decisions,
            head_files,
            head,
            head_commit: snapshot.commit_id(),
            unreadable: cache.unreadable,
            unreadable_files: cache.unreadable_files,
            beyond_boundary: cache.beyond_boundary,
            positions: HashMap::new(),
        };
        records.index();
        Ok(records)
    }

    /// What the commit a decision's `made_on` names holds of the decision's school and year,
    /// and whether it is an ancestor of the commit that recorded the decision (`commit`).
    /// `None` when a shallow clone does not hold it: it may be beyond the boundary.
    fn submission_at(
        &self,
        made_on: &crate::model::SubmissionRef,
        commit: &CommitInfo,
        own: &[String],
        shallow: bool,
    ) -> Option<SubmissionAt> {
        let repo = self.history_git();
        let found =
            super::snapshot::oid_of(&made_on.commit).and_then(|oid| repo.find_commit(oid).ok());
        let Some(found) = found else {
            return (!shallow).then_some(SubmissionAt::Missing);
        };
        // kitemark records on the commit it builds on, so the first parent is the usual case
        // and needs no walk.
        let ancestor = if commit.parents.first() == Some(&made_on.commit) {
            Some(true)
        } else {
            match super::snapshot::oid_of(&commit.id)
                .map(|oid| repo.graph_descendant_of(oid, found.id()))
            {
                Some(Ok(true)) => Some(true),
                // A shallow clone's graph stops at its boundary: "no" may only mean "not here".
                Some(Ok(false)) if !shallow => Some(false),
                _ => None,
            }
        };
        let held = |commit: &git2::Commit<'_>| -> Option<Vec<FileAt>> {
            let tree = commit.tree().ok()?;
            Some(
                own.iter()
                    .filter_map(|path| {
                        let entry = tree.get_path(std::path::Path::new(path)).ok()?;
                        (entry.kind() == Some(git2::ObjectType::Blob)).then(|| FileAt {
                            blob: ObjectId::from_git(entry.id().to_string()),
                            path: path.clone(),
                        })
                    })
                    .collect(),
            )
        };
        let files = held(&found).unwrap_or_default();
        // Changed unless a parent holds the same files; a parent the clone does not hold
        // leaves it unknown.
        let mut changed = Some(true);
        for i in 0..found.parent_count() {
            match found.parent(i).ok().as_ref().and_then(held) {
                Some(before) if before == files => {
                    changed = Some(false);
                    break;
                }
                Some(_) => {}
                None => changed = None,
            }
        }
        Some(SubmissionAt::Found {
            ancestor,
            files,
            changed,
        })
    }
}

/// The self-review a decision was made on, as far as the walk read it: whole, or only the
/// rubric it names where an earlier walk kept no more of it.
enum Named {
    Whole(Arc<SelfReview>),
    Rubric(crate::model::RubricId),
}

impl Named {
    fn rubric(&self) -> &crate::model::RubricId {
        match self {
            Named::Whole(review) => &review.rubric,
            Named::Rubric(rubric) => rubric,
        }
    }
}

/// Notes the commit (`by`; `None` where it is not known) that brings, or takes away, each
/// school's file.
fn note_changes(
    changed_by: &mut HashMap<String, Option<ObjectId>>,
    arrived: &[(&str, Option<&ObjectId>, bool)],
    by: Option<&ObjectId>,
) {
    // A deletion is a change too: the file was there before it.
    for &(path, _, _) in arrived {
        if !path.starts_with("submissions/") {
            continue;
        }
        changed_by.insert(path.to_owned(), by.cloned());
    }
}

/// Follows the meetings, rubrics and schools' files a commit brings.
fn track(state: &mut HashMap<String, ObjectId>, arrived: &[(&str, Option<&ObjectId>, bool)]) {
    for &(path, blob, _) in arrived {
        let tracked = path.starts_with("meetings/")
            || path.starts_with("rubrics/")
            || path.starts_with("submissions/");
        if !tracked {
            continue;
        }
        match blob {
            Some(blob) => state.insert(path.to_owned(), blob.clone()),
            None => state.remove(path),
        };
    }
}

/// The index in `panels` of the panel in a blob, read once per blob.
fn panel_index(
    cache: &mut Cache<'_>,
    panels: &mut Vec<Arc<Panel>>,
    panel_blobs: &mut HashMap<ObjectId, Option<usize>>,
    parsed: &mut HashMap<ObjectId, Option<Arc<Panel>>>,
    blob: &ObjectId,
) -> Option<usize> {
    if let Some(index) = panel_blobs.get(blob) {
        return *index;
    }
    let index = cache.parse(parsed, blob, "panel.ron").map(|panel| {
        panels.push(panel);
        panels.len() - 1
    });
    panel_blobs.insert(blob.clone(), index);
    index
}
