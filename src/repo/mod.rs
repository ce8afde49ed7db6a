//! Everything that touches git: opening a panel repository, reading a snapshot at a commit from
//! git objects (never the working tree), and writing commits.
//!
//! The functions here are plain and synchronous; callers that must not block (the TUI) run
//! them on a worker thread.

pub mod bulk;
mod cache;
mod catalog;
mod drafts;
mod error;
pub mod fault;
mod history;
mod locks;
mod loose;
mod parsed;
mod push;
mod records;
pub mod remote;
mod repair;
mod seals;
pub mod sign;
mod snapshot;
mod validate;
mod walked;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeOwned;

pub use cache::{counts as cache_counts, disable as disable_cache};
pub use drafts::{DraftStore, SavedDraft};
pub use error::{ReadError, RepoError};
pub use locks::{Holder, Holding};
pub use loose::{CorruptObject, Problem as CorruptionProblem};
pub use push::Pushed;
pub use records::AUDITED;
pub use repair::Repair;
pub use seals::Sealed;
pub use snapshot::{BlobRef, NotAFile, SchoolFiles, Snapshot, UnexpectedFile, YearFiles};

use crate::model::format::parse_document;
use crate::model::{AcademicYear, ActionPlan, ObjectId, SchoolId, SelfReview};

/// The largest file kitemark reads. Real submissions are tens of kilobytes; the limit keeps a
/// stray multi-megabyte file from stalling a meeting.
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// An open panel repository (with a working tree or bare).
pub struct PanelRepo {
    repo: git2::Repository,
    /// In a linked worktree of a shallow clone, the main repository, for walking the
    /// history: libgit2 looks for the `shallow` file in the worktree's own git directory,
    /// where git never writes it, and would then look for the boundary's parents and fail.
    /// The main repository reads the same objects with the boundary cut.
    walker: Option<git2::Repository>,
    /// Commits at which the history is cut, as a shallow clone's is at its boundary: the
    /// walk holds them, not their parents. A server's hook gives the commits it already
    /// had, so that the audit judges only what a push brings (see [`PanelRepo::cut_at`]).
    cut: Vec<git2::Oid>,
    /// Opened from git's environment (`GIT_DIR`, `GIT_OBJECT_DIRECTORY`, ...), as a hook
    /// runs: another handle must be opened the same way to see a push's quarantined objects.
    from_env: bool,
    /// What kitemark derived from this repository's objects before (see `cache`).
    cache: cache::Cache,
}

impl std::fmt::Debug for PanelRepo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PanelRepo")
            .field("path", &self.path())
            .finish()
    }
}

impl PanelRepo {
    /// Opens the repository at `path` or the nearest one above it, refusing one with a corrupt
    /// loose object (see [`PanelRepo::check_loose_objects`]).
    pub fn open(path: &Path) -> Result<Self, RepoError> {
        let panel = Self::open_unchecked(path)?;
        panel.check_loose_objects()?;
        Ok(panel)
    }

    /// Opens without checking the loose objects: only for another handle on a repository this
    /// process has just opened with [`PanelRepo::open`].
    pub(crate) fn open_unchecked(path: &Path) -> Result<Self, RepoError> {
        settings();
        let repo = git2::Repository::open_ext(
            path,
            git2::RepositoryOpenFlags::empty(),
            std::iter::empty::<&Path>(),
        )
        .map_err(|e| match e.code() {
            git2::ErrorCode::NotFound => RepoError::NotARepository {
                path: path.to_path_buf(),
            },
            _ => RepoError::Git {
                context: format!("cannot open the repository at {}", path.display()),
                error: e,
            },
        })?;
        Ok(Self::from_git(repo))
    }

    /// Opens the repository git's environment names, as git runs a hook: during a push, the
    /// objects received wait in a quarantine folder that only `GIT_OBJECT_DIRECTORY` and
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES` reveal, until the hook accepts them.
    pub fn open_from_env() -> Result<Self, RepoError> {
        settings();
        let panel = Self::from_env_unchecked()?;
        panel.check_loose_objects()?;
        Ok(panel)
    }

    /// [`PanelRepo::open_from_env`] without checking the loose objects.
    fn from_env_unchecked() -> Result<Self, RepoError> {
        let repo = git2::Repository::open_from_env().map_err(|e| RepoError::Git {
            context: "cannot open the repository git's environment names (GIT_DIR)".to_owned(),
            error: e,
        })?;
        let mut panel = Self::from_git(repo);
        panel.from_env = true;
        Ok(panel)
    }

    /// Another handle on the same repository, opened the same way (for another thread: a
    /// handle is not shared between threads). One opened from git's environment sees the same
    /// quarantined objects; the history is cut at the same commits.
    pub(crate) fn reopen(&self) -> Result<Self, RepoError> {
        let mut panel = if self.from_env {
            Self::from_env_unchecked()?
        } else {
            Self::open_unchecked(self.git().path())?
        };
        panel.cut.clone_from(&self.cut);
        panel.set_cache(self.cache.is_enabled());
        Ok(panel)
    }

    /// Cuts the history at `commits`, as a shallow clone's is cut at its boundary: each is
    /// read with the files it holds, and nothing before it is walked. The audit then judges
    /// only the commits after them, exactly as it judges a shallow clone's history.
    pub fn cut_at(&mut self, commits: &[ObjectId]) {
        self.cut = commits.iter().filter_map(snapshot::oid_of).collect();
    }

    /// Refuses the repository if a loose object is corrupt, before libgit2 reads it: libgit2
    /// spins for ever on some corrupt loose objects (see `loose`). [`PanelRepo::open`] calls
    /// it; a handle kept open calls it again before reading objects that may have arrived
    /// since.
    pub fn check_loose_objects(&self) -> Result<(), RepoError> {
        let mut corrupt = self.corrupt_loose_objects();
        if corrupt.is_empty() {
            return Ok(());
        }
        let root = self.path();
        for object in &mut corrupt {
            if let Ok(inside) = object.file.strip_prefix(&root) {
                object.file = inside.to_path_buf();
            }
        }
        Err(RepoError::CorruptObjects { objects: corrupt })
    }

    /// Wraps an already open repository.
    pub fn from_git(repo: git2::Repository) -> Self {
        let walker = (repo.is_worktree() && !repo.is_shallow())
            .then(|| repo.commondir().to_path_buf())
            .filter(|common| shallow_file(common).is_some_and(|ids| !ids.is_empty()))
            .and_then(|common| git2::Repository::open(common).ok());
        let cache = cache::Cache::at(
            &repo.commondir().join("kitemark"),
            cache::enabled_by_default(),
        );
        Self {
            repo,
            walker,
            cut: Vec::new(),
            from_env: false,
            cache,
        }
    }

    /// Turns the cache of what is derived from objects on or off for this handle (it is on
    /// unless `--no-cache` or `KITEMARK_NO_CACHE` turned it off for the process).
    pub fn set_cache(&mut self, on: bool) {
        self.cache = cache::Cache::at(&self.kitemark_dir(), on);
    }

    pub(crate) fn cache(&self) -> &cache::Cache {
        &self.cache
    }

    /// The key under which a view of `rev` as on `day` is kept: the commit, the day and the
    /// branch it was reached by (which the interface's header names). `None` when the cache is
    /// off or `rev` names no commit.
    pub fn view_key(&self, rev: Option<&str>, day: jiff::civil::Date) -> Option<String> {
        if !self.cache.is_enabled() {
            return None;
        }
        let commit = self.resolve(rev).ok()?.id();
        let branch = crc32fast::hash(self.branch_of(rev).unwrap_or_default().as_bytes());
        Some(format!("{commit}-{}-{branch:08x}", day.strftime("%Y%m%d")))
    }

    /// The view kept under `key` ([`PanelRepo::view_key`]), if there is a whole one.
    pub fn kept_view<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.cache.get(cache::Kind::View, key)
    }

    /// Keeps a view under `key`, for the next time the same commit is opened on the same day.
    pub fn keep_view<T: serde::Serialize>(&self, key: &str, view: &T) {
        self.cache.put(cache::Kind::View, key, view);
    }

    /// Whether this is a shallow clone: its history stops at boundary commits whose
    /// parents it does not hold.
    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow() || self.walker.is_some()
    }

    /// The boundary commits of a shallow clone (none for a complete repository): git lists
    /// them in the `shallow` file of the common git directory, one id per line. The commits
    /// the history is cut at ([`PanelRepo::cut_at`]) are boundary commits too.
    pub fn shallow_boundary(&self) -> Vec<ObjectId> {
        let mut ids = shallow_file(self.repo.commondir()).unwrap_or_default();
        for cut in &self.cut {
            if !ids.contains(cut) {
                ids.push(*cut);
            }
        }
        ids.into_iter().map(snapshot::object_id).collect()
    }

    /// The commits the history is cut at ([`PanelRepo::cut_at`]).
    pub(crate) fn cut(&self) -> &[git2::Oid] {
        &self.cut
    }

    /// The repository to walk the history in (see `walker`).
    pub(crate) fn history_git(&self) -> &git2::Repository {
        self.walker.as_ref().unwrap_or(&self.repo)
    }

    /// The working tree, or the git directory of a bare repository.
    pub fn path(&self) -> PathBuf {
        self.repo
            .workdir()
            .unwrap_or_else(|| self.repo.path())
            .to_path_buf()
    }

    pub fn is_bare(&self) -> bool {
        self.repo.is_bare()
    }

    pub(crate) fn git(&self) -> &git2::Repository {
        &self.repo
    }

    /// The commit `rev` names (a commit, branch or tag; `None` for `HEAD`): an empty
    /// repository and a revision that names no commit each have their own error.
    pub(crate) fn resolve(&self, rev: Option<&str>) -> Result<git2::Commit<'_>, RepoError> {
        match rev {
            None => match self.repo.head() {
                Ok(head) => head
                    .peel_to_commit()
                    .map_err(RepoError::git("cannot read HEAD")),
                Err(e)
                    if e.code() == git2::ErrorCode::UnbornBranch
                        || e.code() == git2::ErrorCode::NotFound =>
                {
                    // HEAD may name a branch with no commits while others have them.
                    let branch = self
                        .repo
                        .find_reference("HEAD")
                        .ok()
                        .and_then(|h| h.symbolic_target().ok().flatten().map(str::to_owned))
                        .unwrap_or_default();
                    let others = self.other_branches(&branch);
                    if others.is_empty() {
                        Err(RepoError::Empty { path: self.path() })
                    } else {
                        Err(RepoError::Unborn {
                            branch: branch.trim_start_matches("refs/heads/").to_owned(),
                            others,
                        })
                    }
                }
                Err(e) => Err(RepoError::git("cannot read HEAD")(e)),
            },
            Some(rev) => self
                .repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map_err(|source| {
                    // In a shallow clone, a revision that names nothing may name a commit
                    // from before the boundary: say so, not libgit2's "not found".
                    let boundary = self.shallow_boundary();
                    if source.code() == git2::ErrorCode::NotFound && !boundary.is_empty() {
                        RepoError::NotInShallowClone {
                            rev: rev.to_owned(),
                            boundary: boundary
                                .iter()
                                .map(|b| b.short())
                                .collect::<Vec<_>>()
                                .join(", "),
                        }
                    } else {
                        RepoError::BadRevision {
                            rev: rev.to_owned(),
                            source,
                        }
                    }
                }),
        }
    }

    /// The branch a snapshot of `rev` is taken from: HEAD's, when `rev` is `None` and HEAD
    /// names a branch.
    fn branch_of(&self, rev: Option<&str>) -> Option<String> {
        match rev {
            None => self
                .repo
                .head()
                .ok()
                .filter(|h| h.is_branch())
                .and_then(|h| h.shorthand().ok().map(str::to_owned)),
            Some(_) => None,
        }
    }

    /// The snapshot at `rev` (a commit, branch or tag; `None` for `HEAD`).
    pub fn snapshot_at(&self, rev: Option<&str>) -> Result<Snapshot, RepoError> {
        let rev_name = rev.unwrap_or("HEAD");
        let commit = self.resolve(rev)?;
        let branch = self.branch_of(rev);
        let summary = commit
            .summary()
            .ok()
            .flatten()
            .unwrap_or_default()
            .to_owned();
        let tree = commit.tree().map_err(RepoError::git(format!(
            "cannot read the tree of {rev_name}"
        )))?;
        let mut snapshot = Snapshot::new(commit.id(), tree.id(), branch, summary);
        for listed in self.listing(&tree)? {
            snapshot.take(listed);
        }
        if snapshot.panel.is_none() {
            return Err(RepoError::NotAPanel {
                path: self.path(),
                rev: rev_name.to_owned(),
            });
        }
        Ok(snapshot)
    }

    /// Checks cheaply, without listing the tree, that `rev` holds a panel repository.
    pub fn check_panel(&self, rev: Option<&str>) -> Result<(), RepoError> {
        let rev_name = rev.unwrap_or("HEAD");
        let commit = self.resolve(rev)?;
        let tree = commit.tree().map_err(RepoError::git(format!(
            "cannot read the tree of {rev_name}"
        )))?;
        if tree.get_name(crate::model::layout::PANEL_FILE).is_none() {
            return Err(RepoError::NotAPanel {
                path: self.path(),
                rev: rev_name.to_owned(),
            });
        }
        Ok(())
    }

    /// What a snapshot of `tree` holds, from the cache when this tree was listed before.
    fn listing(&self, tree: &git2::Tree<'_>) -> Result<Vec<Listed>, RepoError> {
        let key = tree.id().to_string();
        if let Some(listing) = self.cache.get(cache::Kind::Listing, &key) {
            return Ok(listing);
        }
        let mut listing = Vec::new();
        self.list_tree(tree, "", &mut listing)?;
        self.cache.put(cache::Kind::Listing, &key, &listing);
        Ok(listing)
    }

    /// Lists blobs below `tree`, descending only into the folders kitemark reads.
    fn list_tree(
        &self,
        tree: &git2::Tree<'_>,
        prefix: &str,
        listing: &mut Vec<Listed>,
    ) -> Result<(), RepoError> {
        for entry in tree.iter() {
            let Ok(name) = std::str::from_utf8(entry.name_bytes()) else {
                listing.push(Listed::NotUtf8 {
                    path: format!("{prefix}{}", String::from_utf8_lossy(entry.name_bytes())),
                });
                continue;
            };
            let path = format!("{prefix}{name}");
            // Only the folders kitemark reads are listed below the top; at the top, only
            // names kitemark reads or descends into matter.
            if let Some(what) = NotFile::of(entry.filemode(), entry.kind()) {
                let ours = !prefix.is_empty()
                    || descends(&path)
                    || !matches!(
                        crate::model::layout::classify(&path),
                        crate::model::layout::Classified::Ignored
                    );
                if ours {
                    listing.push(Listed::NotAFile { path, what });
                }
                continue;
            }
            match entry.kind() {
                Some(git2::ObjectType::Tree) => {
                    if !descends(&path) {
                        continue;
                    }
                    let subtree = entry
                        .to_object(&self.repo)
                        .and_then(|o| o.peel_to_tree())
                        .map_err(RepoError::git(format!("cannot read folder {path}")))?;
                    self.list_tree(&subtree, &format!("{path}/"), listing)?;
                }
                Some(git2::ObjectType::Blob) => listing.push(Listed::Blob {
                    path,
                    id: entry.id().to_string(),
                }),
                // Links and submodules are named above; nothing else is a panel file.
                _ => {}
            }
        }
        Ok(())
    }

    /// A file's text, refusing files that are too large or not UTF-8.
    pub fn read_text(&self, blob: &BlobRef) -> Result<String, ReadError> {
        if is_submission_file(&blob.path) {
            SUBMISSION_FILES_READ.fetch_add(1, Ordering::Relaxed);
        }
        let git_err = |error| ReadError::Git {
            path: blob.path.clone(),
            object: Some(blob.oid),
            error,
        };
        let odb = self.repo.odb().map_err(git_err)?;
        let (size, _) = odb.read_header(blob.oid).map_err(|e| {
            // In a shallow clone, an object it does not hold is one from beyond its
            // boundary: that is what to say, not libgit2's "object not found".
            if e.code() == git2::ErrorCode::NotFound && self.is_shallow() {
                ReadError::NotInShallowClone {
                    path: blob.path.clone(),
                    blob: snapshot::object_id(blob.oid),
                }
            } else {
                git_err(e)
            }
        })?;
        if size as u64 > MAX_FILE_BYTES {
            return Err(ReadError::TooLarge {
                path: blob.path.clone(),
                size: size as u64,
                limit: MAX_FILE_BYTES,
            });
        }
        let found = self.repo.find_blob(blob.oid).map_err(git_err)?;
        String::from_utf8(found.content().to_vec()).map_err(|e| {
            let valid = &found.content()[..e.utf8_error().valid_up_to()];
            // The prefix is valid UTF-8 by definition, so the position counts characters.
            let before = String::from_utf8_lossy(valid);
            let position = crate::model::format::position_of(&before, before.len());
            ReadError::NotUtf8 {
                path: blob.path.clone(),
                line: position.line,
                col: position.col,
            }
        })
    }

    /// Reads and parses a file.
    pub fn load<T: DeserializeOwned>(&self, blob: &BlobRef) -> Result<T, ReadError> {
        self.load_with_text(blob).map(|(_, value)| value)
    }

    /// Reads and parses a file, keeping its text (to point at lines in it).
    pub fn load_with_text<T: DeserializeOwned>(
        &self,
        blob: &BlobRef,
    ) -> Result<(String, T), ReadError> {
        let text = self.read_text(blob)?;
        let value = parse_document(&text).map_err(|e| ReadError::Syntax {
            path: blob.path.clone(),
            line: e.position.line,
            col: e.position.col,
            message: e.message,
        })?;
        Ok((text, value))
    }

    /// One year's submission files, each read once, with their text.
    pub fn year_texts(&self, files: &YearFiles) -> Result<YearTexts, ReadError> {
        Ok(YearTexts {
            review: files
                .self_review
                .as_ref()
                .map(|b| self.load_with_text(b))
                .transpose()?,
            plan: files
                .action_plan
                .as_ref()
                .map(|b| self.load_with_text(b))
                .transpose()?,
        })
    }
}

impl PanelRepo {
    /// A school's self-review for a year, parsed now; `None` if the snapshot has none.
    pub fn self_review(
        &self,
        snapshot: &Snapshot,
        school: &SchoolId,
        year: AcademicYear,
    ) -> Result<Option<SelfReview>, ReadError> {
        match snapshot
            .year(school, year)
            .and_then(|y| y.self_review.as_ref())
        {
            Some(blob) => self.load(blob).map(Some),
            None => Ok(None),
        }
    }

    /// A school's action plan for a year, parsed now; `None` if the snapshot has none.
    pub fn action_plan(
        &self,
        snapshot: &Snapshot,
        school: &SchoolId,
        year: AcademicYear,
    ) -> Result<Option<ActionPlan>, ReadError> {
        match snapshot
            .year(school, year)
            .and_then(|y| y.action_plan.as_ref())
        {
            Some(blob) => self.load(blob).map(Some),
            None => Ok(None),
        }
    }
}

/// One year's submission files as committed: each file's text with its parsed value.
#[derive(Debug, Default)]
pub struct YearTexts {
    pub review: Option<(String, SelfReview)>,
    pub plan: Option<(String, ActionPlan)>,
}

/// libgit2's settings for every handle kitemark opens, made once.
fn settings() {
    // Like git itself, trust the object database on reading rather than hashing every
    // object again: corruption is `git fsck`'s to find, and the hash would cost a tenth
    // of the time of reading a whole repository.
    static VERIFY: std::sync::Once = std::sync::Once::new();
    VERIFY.call_once(|| {
        git2::opts::strict_hash_verification(false);
        // libgit2 keeps every small object it has read (up to 256 MB) in case it is read
        // again; kitemark reads each commit and tree of a walk once and keeps what it
        // needs itself, so the cache only holds memory (30 MB on an audit of 10,000
        // commits) without saving time.
        git2::opts::enable_caching(false);
    });
}

/// The commits listed in the `shallow` file of a common git directory: `None` without one.
/// git writes one id per line; a line that is not an id names no commit and is skipped.
fn shallow_file(common: &Path) -> Option<Vec<git2::Oid>> {
    let text = std::fs::read_to_string(common.join("shallow")).ok()?;
    Some(
        text.lines()
            .filter_map(|line| git2::Oid::from_str(line.trim()).ok())
            .collect(),
    )
}

/// Submission files (self-reviews and action plans) read by this process so far. Opening a
/// repository reads none, however many it holds; the tests and `KITEMARK_TIMINGS` check it.
static SUBMISSION_FILES_READ: AtomicUsize = AtomicUsize::new(0);

/// How many submission files this process has read through [`PanelRepo::read_text`].
pub fn submission_files_read() -> usize {
    SUBMISSION_FILES_READ.load(Ordering::Relaxed)
}

/// `submissions/<school>/<year>/<file>`: a year's submission, not a school's profile.
fn is_submission_file(path: &str) -> bool {
    path.strip_prefix("submissions/")
        .is_some_and(|rest| rest.matches('/').count() >= 2)
}

/// One entry of a tree's listing, as the cache keeps it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) enum Listed {
    /// A file, by its path and blob id.
    Blob { path: String, id: String },
    /// A name that is not UTF-8, shown as well as it can be.
    NotUtf8 { path: String },
    /// Where kitemark reads files, something that is not a file.
    NotAFile { path: String, what: NotFile },
}

/// What a tree entry is if it is neither a file nor a folder.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub(crate) enum NotFile {
    SymbolicLink,
    Submodule,
}

impl NotFile {
    fn of(mode: i32, kind: Option<git2::ObjectType>) -> Option<Self> {
        match (mode, kind) {
            (0o120000, _) => Some(Self::SymbolicLink),
            (_, Some(git2::ObjectType::Commit)) => Some(Self::Submodule),
            _ => None,
        }
    }

    /// A code for reports, and what to tell a person.
    pub(crate) fn code_and_message(self) -> (&'static str, &'static str) {
        match self {
            Self::SymbolicLink => (
                "symbolic-link",
                "a symbolic link, not a file: kitemark does not follow links; commit the file itself in its place",
            ),
            Self::Submodule => (
                "submodule",
                "a submodule (a link to a commit of another repository), not a file or a folder: kitemark does not read it; remove it with `git rm` and commit the files themselves",
            ),
        }
    }
}

/// Whether listing the tree needs to look inside a folder.
fn descends(path: &str) -> bool {
    let depth = path.matches('/').count();
    let top = path.split('/').next().unwrap_or_default();
    match top {
        "rubrics" => depth == 0,
        "meetings" => depth <= 1,
        // submissions/<school>/<year>/, with one more level so that misplaced files are
        // reported rather than silently skipped.
        "submissions" => depth <= 3,
        "decisions" => depth <= 3,
        // conditions/<school>/<year>/<decision>/<n>.ron
        "conditions" => depth <= 4,
        // reviews/<school>/<year>/<date>-<kind>/<member>.ron
        "reviews" => depth <= 3,
        // proceedings/<date>.ron
        "proceedings" => depth == 0,
        _ => false,
    }
}
