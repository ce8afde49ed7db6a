//! Writing commits: a set of files as one commit on the current branch, authored as given
//! (never from a global git config, which a fresh machine lacks).
//!
//! [`PanelRepo::commit_files`] is how the panel's work is recorded (SPEC §2.4):
//! - exactly the given paths change; staged and unstaged changes to other paths are left as
//!   they are, and a path with uncommitted changes of its own is refused, never overwritten;
//! - the branch must still be where the caller read it (optimistic concurrency), checked and
//!   moved in one compare-and-swap, so a commit can never be lost to a concurrent writer;
//! - kitemark's writers are serialised by a lock in the common git directory
//!   ([`WriteLock`]), and git's own `index.lock` is taken, as git takes it, before the index is
//!   read and held until the index holds the new files, so no git command can commit an index
//!   that lacks them;
//! - everything that needs disk space (objects, the new files, the new index, a journal) is
//!   written before the branch moves; after it, only renames remain;
//! - the journal lets the next kitemark (or `kitemark repair`) finish a write whose branch
//!   moved, or undo one whose branch did not, if the process dies at any point: the branch,
//!   index and working tree then hold the new files, or none of them do;
//! - nothing malformed is written: authors are checked to make valid commit headers, paths
//!   never leave the work tree or pass through a symbolic link;
//! - history is never rewritten: every commit is a child of the branch's tip.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Zoned;
use serde::{Deserialize, Serialize};

use super::fault::{Step, point};
use super::locks::{GitLock, Holding, open_lock_file};
use super::snapshot::object_id;
use super::{PanelRepo, RepoError};
use crate::model::format::to_ron;
use crate::model::text::{TextProblem, header_problem};
use crate::model::{Identity, ObjectId};

pub use super::locks::WriteLock;

/// One commit to write.
#[derive(Debug, Clone)]
pub struct CommitSpec {
    /// Repository paths and their new contents.
    pub files: Vec<(String, Vec<u8>)>,
    pub message: String,
    pub author: Identity,
    pub committer: Identity,
    /// When the commit is made; `None` for now.
    pub when: Option<Zoned>,
    /// How it is signed; `None` for unsigned.
    pub sign: Option<super::sign::Signer>,
}

/// A commit that is on the branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub commit: ObjectId,
    /// What could not be brought up to date after the branch moved (the commit stands and
    /// the next kitemark finishes it), in words.
    pub unfinished: Option<String>,
    /// Why it is unsigned although its author has keys, when it is.
    pub unsigned: Option<String>,
}

/// Why a commit was not written. Nothing was recorded, and the branch, index and working
/// tree are as they were.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(
        "the branch has moved since the data was read (it was at {expected}, it is now at {found}); reload and try again"
    )]
    BranchMoved { expected: String, found: String },
    #[error(
        "{path} has changes that are not committed; commit or discard them first, then try again"
    )]
    UncommittedChanges { path: String },
    #[error(
        "HEAD is not on a branch (detached at a commit); check out a branch to record the panel's work"
    )]
    Detached,
    #[error("{what} is in progress in this repository; {advice}, then try again")]
    InProgress {
        what: &'static str,
        advice: &'static str,
    },
    #[error("{}", unborn_message(branch, others))]
    Unborn { branch: String, others: Vec<String> },
    #[error(
        "another kitemark is writing to this repository (lock {lock} held for over {waited:?}); try again"
    )]
    Locked { lock: PathBuf, waited: Duration },
    #[error("{}", git_lock_message(lock, holding, *waited))]
    GitLocked {
        lock: String,
        holding: Holding,
        waited: Duration,
    },
    #[error("{path} is not a path kitemark writes")]
    BadPath { path: String },
    #[error(
        "{path} is a symbolic link in the working tree; kitemark never writes through a link (git refuses to as well): remove the link, then try again"
    )]
    Symlink { path: String },
    #[error(
        "{path} is a file in the working tree where a folder is needed; move it aside, then try again"
    )]
    NotAFolder { path: String },
    #[error(
        "{path} is a folder in the working tree where kitemark writes a file; move it aside, then try again"
    )]
    FolderInTheWay { path: String },
    #[error(
        "{path} is committed as {what}, not a folder, so nothing can be recorded under it; correct it with git, then try again"
    )]
    CommittedNotAFolder { path: String, what: &'static str },
    #[error(
        "cannot write a commit by {name:?}: its {field} cannot stand in a commit's author line ({problem}); it must be one line with no angle brackets or control characters (correct it in panel.ron for a member, or in the school's school.ron for a contact)"
    )]
    BadIdentity {
        name: String,
        field: &'static str,
        problem: TextProblem,
    },
    #[error("cannot sign the commit as {member}: {why}")]
    CannotSign { member: String, why: String },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

fn unborn_message(branch: &str, others: &[String]) -> String {
    let short = branch.strip_prefix("refs/heads/").unwrap_or(branch);
    match others.first() {
        Some(other) => format!(
            "HEAD is on branch {short}, which has no commits yet; the panel's record is on {}: switch to it with `git switch {other}`",
            others.join(", ")
        ),
        None => format!("branch {short} has no commits yet"),
    }
}

fn git_lock_message(lock: &str, holding: &Holding, waited: Duration) -> String {
    match holding {
        Holding::Held(holders) => format!(
            "git is busy: {lock} is held by {} (waited {:.1} s); try again when it has finished",
            holders
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            waited.as_secs_f32()
        ),
        Holding::Stale => format!(
            "{lock} exists but no program holds it: a git (or kitemark) that stopped left it behind; `kitemark repair` removes it safely"
        ),
        Holding::Unknown(why) => format!(
            "{lock} exists and kitemark cannot tell which program holds it ({why}); if no git is running, delete the file, then try again"
        ),
    }
}

fn git(context: impl Into<String>) -> impl FnOnce(git2::Error) -> WriteError {
    let f = RepoError::git(context);
    move |e| WriteError::Repo(f(e))
}

fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> WriteError {
    let context = context.to_string();
    move |e| WriteError::Repo(RepoError::Io(format!("{context}: {e}")))
}

/// How long a writer waits for another kitemark to finish before giving up.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// How long a writer waits for git to release its index: `git status` holds it for
/// milliseconds; a `git commit` with its editor open holds it until the editor closes, which
/// is worth telling the person about rather than waiting for.
pub const INDEX_LOCK_WAIT: Duration = Duration::from_secs(5);

/// How long a writer waits for another program updating the branch.
const REF_LOCK_WAIT: Duration = Duration::from_secs(2);

/// A write in progress, as the journal records it: what the next kitemark needs to finish
/// or undo it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Journal {
    /// The branch being moved, `refs/heads/main`.
    pub branch: String,
    /// Where the branch was (`None` for its first commit).
    pub parent: Option<ObjectId>,
    /// The commit it is being moved to.
    pub commit: ObjectId,
    /// The commit's summary line, to say what was being recorded.
    pub summary: String,
    /// The git directory of the worktree written (whose index is updated).
    pub git_dir: PathBuf,
    pub work_dir: PathBuf,
    /// The id (as a blob) of the index kitemark put in `index.lock`: proof that a lock
    /// found there later is kitemark's own.
    pub index: Option<ObjectId>,
    pub files: Vec<JournalFile>,
}

/// One file of a write in progress.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct JournalFile {
    pub path: String,
    /// The blob committed at the path before (`None` for a new file).
    pub old: Option<ObjectId>,
    pub new: ObjectId,
    /// What the working tree held at the path before (`None` for nothing): what undoing
    /// puts back.
    pub was: Option<ObjectId>,
    /// The new content under a temporary name beside the path, until renamed into place.
    pub temporary: Option<PathBuf>,
}

pub(crate) fn signature(
    who: &Identity,
    when: &Zoned,
) -> Result<git2::Signature<'static>, RepoError> {
    let offset_minutes = when.offset().seconds() / 60;
    let time = git2::Time::new(when.timestamp().as_second(), offset_minutes);
    git2::Signature::new(&who.name, &who.email, &time).map_err(RepoError::git(format!(
        "cannot use {:?} <{}> as a commit author",
        who.name, who.email
    )))
}

/// Checks that an identity makes a valid commit header.
pub(super) fn check_identity(who: &Identity) -> Result<(), WriteError> {
    for (field, value) in [("name", &who.name), ("email address", &who.email)] {
        if let Some(problem) = header_problem(value) {
            return Err(WriteError::BadIdentity {
                name: crate::model::text::sanitize_inline(&who.name).into_owned(),
                field,
                problem,
            });
        }
    }
    Ok(())
}

fn short(oid: git2::Oid) -> String {
    oid.to_string()[..7].to_owned()
}

/// Writes a commit of `files` (paths and contents) over `parent`'s tree, or over an empty
/// tree for a first commit, moving no reference. `sign` is given the commit's text and
/// returns its signature, if it is to have one.
pub(crate) fn commit_over<E: From<RepoError>>(
    repo: &git2::Repository,
    parent: Option<git2::Oid>,
    files: &[(String, Vec<u8>)],
    message: &str,
    author: &git2::Signature<'_>,
    committer: &git2::Signature<'_>,
    sign: impl FnOnce(&[u8]) -> Result<Option<String>, E>,
) -> Result<git2::Oid, E> {
    let parent = match parent {
        Some(id) => Some(
            repo.find_commit(id)
                .map_err(RepoError::git(format!("cannot find commit {id}")))?,
        ),
        None => None,
    };
    let base_tree = match &parent {
        Some(commit) => commit
            .tree()
            .map_err(RepoError::git("cannot read the parent's tree"))?,
        None => {
            let empty = repo
                .treebuilder(None)
                .and_then(|b| b.write())
                .map_err(RepoError::git("cannot write an empty tree"))?;
            repo.find_tree(empty)
                .map_err(RepoError::git("cannot read the empty tree"))?
        }
    };
    let mut update = git2::build::TreeUpdateBuilder::new();
    for (path, content) in files {
        let blob = repo
            .blob(content)
            .map_err(RepoError::git(format!("cannot store {path}")))?;
        update.upsert(path.as_str(), blob, git2::FileMode::Blob);
    }
    let tree = update
        .create_updated(repo, &base_tree)
        .and_then(|id| repo.find_tree(id))
        .map_err(RepoError::git("cannot build the new tree"))?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    let text = repo
        .commit_create_buffer(author, committer, message, &tree, &parents)
        .map_err(RepoError::git("cannot write the commit"))?;
    match sign(&text)? {
        Some(signature) => {
            let text = std::str::from_utf8(&text).map_err(|_| {
                RepoError::Io("the commit's text is not UTF-8 and cannot be signed".into())
            })?;
            Ok(repo
                .commit_signed(text, &signature, None)
                .map_err(RepoError::git("cannot write the signed commit"))?)
        }
        None => Ok(repo
            .odb()
            .and_then(|odb| odb.write(git2::ObjectType::Commit, &text))
            .map_err(RepoError::git("cannot write the commit"))?),
    }
}

/// A relative path with no `.`, `..` or empty components: safe to join to the working tree.
fn checked(path: &str) -> Result<&Path, WriteError> {
    let ok = !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && path.split('/').all(|c| {
            !c.is_empty()
                && c != "."
                && c != ".."
                && !c.eq_ignore_ascii_case(".git")
                && !c.chars().any(char::is_control)
        });
    if ok {
        Ok(Path::new(path))
    } else {
        Err(WriteError::BadPath {
            path: path.to_owned(),
        })
    }
}

/// The temporary name kitemark gives a file it is about to put in place: hidden, beside
/// it, and naming the writing process so that `kitemark repair` can tell a leftover.
pub(super) fn temporary_name(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.kitemark-{}", std::process::id()))
}

/// The process that wrote a temporary file, if `name` is one of kitemark's.
pub(super) fn temporary_owner(name: &str) -> Option<u32> {
    let (_, pid) = name.strip_prefix('.')?.rsplit_once(".kitemark-")?;
    pid.parse().ok()
}

/// Replaces a file's content all at once: a reader sees the old file or the new, never half.
pub(super) fn write_atomically(target: &Path, content: &[u8]) -> Result<(), RepoError> {
    let failed = |what: String| move |e: std::io::Error| RepoError::Io(format!("{what}: {e}"));
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed(format!("cannot create {}", dir.display())))?;
    let temporary = temporary_name(target);
    // A half-written temporary file (a full disk) is removed at once.
    std::fs::write(&temporary, content)
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
        .map_err(failed(format!("cannot write {}", temporary.display())))?;
    std::fs::rename(&temporary, target).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(format!("cannot replace {}", target.display()))(e)
    })
}

/// The repository's state when something else is half done, in words, with what to do.
fn in_progress(state: git2::RepositoryState) -> Option<(&'static str, &'static str)> {
    use git2::RepositoryState as S;
    match state {
        S::Clean => None,
        S::Merge => Some((
            "a merge",
            "finish it with `git commit` (or `git merge --continue`), or undo it with `git merge --abort`",
        )),
        S::Revert | S::RevertSequence => Some((
            "a revert",
            "finish it with `git revert --continue`, or undo it with `git revert --abort`",
        )),
        S::CherryPick | S::CherryPickSequence => Some((
            "a cherry-pick",
            "finish it with `git cherry-pick --continue`, or undo it with `git cherry-pick --abort`",
        )),
        S::Bisect => Some(("a bisect", "end it with `git bisect reset`")),
        S::Rebase | S::RebaseInteractive | S::RebaseMerge => Some((
            "a rebase",
            "finish it with `git rebase --continue`, or undo it with `git rebase --abort`",
        )),
        S::ApplyMailbox | S::ApplyMailboxOrRebase => Some((
            "a `git am` (or rebase)",
            "finish it with `git am --continue`, or undo it with `git am --abort`",
        )),
    }
}

/// The working tree a commit is written into: its folder and the git directory that holds
/// its index (a linked worktree has its own).
#[derive(Debug, Clone)]
pub(super) struct WorkTree {
    pub dir: PathBuf,
    pub git_dir: PathBuf,
}

impl WorkTree {
    pub fn index(&self) -> PathBuf {
        self.git_dir.join("index")
    }

    pub fn index_lock(&self) -> PathBuf {
        self.git_dir.join("index.lock")
    }

    /// Where git processes working on this repository would be.
    pub fn dirs(&self) -> Vec<PathBuf> {
        vec![self.dir.clone(), self.git_dir.clone()]
    }

    /// A path as the person knows it: from the top of the working tree.
    pub fn shown(&self, path: &Path) -> String {
        let dir = self.dir.canonicalize().unwrap_or_else(|_| self.dir.clone());
        let path = match path.parent().and_then(|p| p.canonicalize().ok()) {
            Some(parent) => parent.join(path.file_name().unwrap_or_default()),
            None => path.to_path_buf(),
        };
        path.strip_prefix(&dir)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| path.display().to_string())
    }

    /// The place of `path` in the working tree, checked component by component as git
    /// checks it: no folder on the way may be a symbolic link or a file, and the file itself
    /// may not be a link or a folder. With `create`, missing folders are made.
    pub fn place(&self, path: &str, create: bool) -> Result<PathBuf, WriteError> {
        let relative = checked(path)?;
        let mut at = self.dir.clone();
        let mut shown = String::new();
        let components: Vec<_> = relative.components().collect();
        for (i, component) in components.iter().enumerate() {
            at.push(component);
            if !shown.is_empty() {
                shown.push('/');
            }
            shown.push_str(&component.as_os_str().to_string_lossy());
            let last = i + 1 == components.len();
            match std::fs::symlink_metadata(&at) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(WriteError::Symlink { path: shown });
                }
                Ok(meta) if last && meta.is_dir() => {
                    return Err(WriteError::FolderInTheWay { path: shown });
                }
                Ok(meta) if !last && !meta.is_dir() => {
                    return Err(WriteError::NotAFolder { path: shown });
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    if create && !last {
                        match std::fs::create_dir(&at) {
                            Ok(()) => {}
                            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                            Err(e) => return Err(io(format!("cannot create {shown}"))(e)),
                        }
                    }
                }
                Err(e) => return Err(io(format!("cannot look at {shown}"))(e)),
            }
        }
        Ok(at)
    }
}

/// The id a file's content has as a blob, if the file exists.
pub(super) fn blob_id_of_file(path: &Path) -> Result<Option<git2::Oid>, std::io::Error> {
    match std::fs::read(path) {
        Ok(content) => git2::Oid::hash_object(git2::ObjectType::Blob, &content)
            .map(Some)
            .map_err(|e| std::io::Error::other(e.to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// An index entry for a file just written, with the file's own stat data so that git sees
/// it as up to date (a difference in the change time alone only makes git read it once).
pub(super) fn index_entry(
    path: &str,
    id: git2::Oid,
    file: &Path,
) -> std::io::Result<git2::IndexEntry> {
    let meta = std::fs::symlink_metadata(file)?;
    #[cfg(unix)]
    let (ctime, mtime, dev, ino, uid, gid) = {
        use std::os::unix::fs::MetadataExt;
        (
            git2::IndexTime::new(meta.ctime() as i32, meta.ctime_nsec() as u32),
            git2::IndexTime::new(meta.mtime() as i32, meta.mtime_nsec() as u32),
            meta.dev() as u32,
            meta.ino() as u32,
            meta.uid(),
            meta.gid(),
        )
    };
    #[cfg(not(unix))]
    let (ctime, mtime, dev, ino, uid, gid) = (
        git2::IndexTime::new(0, 0),
        git2::IndexTime::new(0, 0),
        0,
        0,
        0,
        0,
    );
    Ok(git2::IndexEntry {
        ctime,
        mtime,
        dev,
        ino,
        mode: 0o100644,
        uid,
        gid,
        file_size: meta.len() as u32,
        id,
        flags: path.len().min(0xfff) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    })
}

impl PanelRepo {
    /// kitemark's folder in the git directory: its lock, journal, drafts and caches. It is in
    /// the common git directory, so every worktree of the repository shares it.
    pub(crate) fn kitemark_dir(&self) -> PathBuf {
        self.git().commondir().join("kitemark")
    }

    pub(super) fn journal_path(&self) -> PathBuf {
        self.kitemark_dir().join("journal.ron")
    }

    /// Where kitemark writes its token before linking it into place as a git lock: a
    /// temporary file of its own, so `kitemark repair` removes one a stopped writer left.
    pub(super) fn lock_token_path(&self) -> PathBuf {
        temporary_name(&self.kitemark_dir().join("lock-token"))
    }

    /// Where a new index is built before it is put in `index.lock`.
    pub(super) fn next_index_path(&self) -> PathBuf {
        self.kitemark_dir().join("index.next")
    }

    /// A copy of the worktree's index to build the new one in, with its git lock. Anything a
    /// writer that stopped left there is stale: the caller holds the write lock.
    pub(super) fn copy_index(&self, work: &WorkTree) -> Result<git2::Index, WriteError> {
        let next = self.next_index_path();
        let _ = std::fs::remove_file(next.with_extension("next.lock"));
        let _ = std::fs::remove_file(&next);
        std::fs::copy(work.index(), &next)
            .map_err(io(format!("cannot copy {}", work.shown(&work.index()))))?;
        git2::Index::open(&next).map_err(git(format!("cannot read {}", work.shown(&work.index()))))
    }

    /// The working tree commits are written into, with its index; `None` for a bare
    /// repository, and for one with no index at all (nothing checked out), whose working
    /// tree kitemark leaves alone.
    pub(super) fn work_tree(&self) -> Option<WorkTree> {
        let repo = self.git();
        let dir = repo.workdir()?.to_path_buf();
        let git_dir = repo.path().to_path_buf();
        git_dir
            .join("index")
            .exists()
            .then_some(WorkTree { dir, git_dir })
    }

    /// Takes the write lock, waiting up to `wait` for another writer to finish, then
    /// finishes or undoes anything a writer that died left half done (told in
    /// [`WriteLock::repaired`]).
    pub fn lock_for_writing(&self, wait: Duration) -> Result<WriteLock, WriteError> {
        let path = self.kitemark_dir().join("write.lock");
        let file = open_lock_file(&path).map_err(io(format!("cannot open {}", path.display())))?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) if started.elapsed() < wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(WriteError::Locked {
                        lock: path,
                        waited: wait,
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(io(format!("cannot lock {}", path.display()))(e));
                }
            }
        }
        let mut lock = WriteLock::new(file);
        lock.repaired = self.finish_pending(&lock)?;
        Ok(lock)
    }

    /// The branch HEAD points at, and its tip (`None` before the first commit), refusing a
    /// repository where git is in the middle of something.
    pub(super) fn branch_for_writing(&self) -> Result<(String, Option<git2::Oid>), WriteError> {
        let repo = self.git();
        if let Some((what, advice)) = in_progress(repo.state()) {
            return Err(WriteError::InProgress { what, advice });
        }
        let head = repo
            .find_reference("HEAD")
            .map_err(git("cannot read HEAD"))?;
        let Some(branch) = head.symbolic_target().ok().flatten().map(str::to_owned) else {
            return Err(WriteError::Detached);
        };
        let tip = match repo.refname_to_id(&branch) {
            Ok(id) => Some(id),
            Err(e) if e.code() == git2::ErrorCode::NotFound => None,
            Err(e) => return Err(git(format!("cannot read {branch}"))(e)),
        };
        Ok((branch, tip))
    }

    /// Local branches other than `branch` that have commits.
    pub(super) fn other_branches(&self, branch: &str) -> Vec<String> {
        let Ok(branches) = self.git().branches(Some(git2::BranchType::Local)) else {
            return Vec::new();
        };
        branches
            .flatten()
            .filter_map(|(b, _)| {
                let name = b.get().name().ok()?.to_owned();
                (name != branch && b.get().target().is_some())
                    .then(|| name.trim_start_matches("refs/heads/").to_owned())
            })
            .collect()
    }

    /// The content of a path in a commit's tree, if it is there.
    fn blob_at(
        &self,
        commit: Option<git2::Oid>,
        path: &str,
    ) -> Result<Option<(git2::Oid, Vec<u8>)>, WriteError> {
        let Some(commit) = commit else {
            return Ok(None);
        };
        let repo = self.git();
        let tree = repo
            .find_commit(commit)
            .and_then(|c| c.tree())
            .map_err(git("cannot read the branch's tree"))?;
        match tree.get_path(Path::new(path)) {
            Ok(entry) if entry.kind() == Some(git2::ObjectType::Blob) => {
                let blob = repo
                    .find_blob(entry.id())
                    .map_err(git(format!("cannot read {path}")))?;
                Ok(Some((entry.id(), blob.content().to_vec())))
            }
            _ => Ok(None),
        }
    }

    /// Refuses a path under something committed that is not a folder (a symbolic link or a
    /// file), or a path that is itself a committed folder or link.
    fn check_committed_folders(
        &self,
        tip: Option<git2::Oid>,
        files: &[(String, Vec<u8>)],
    ) -> Result<(), WriteError> {
        let Some(tip) = tip else { return Ok(()) };
        let tree = self
            .git()
            .find_commit(tip)
            .and_then(|c| c.tree())
            .map_err(git("cannot read the branch's tree"))?;
        for (path, _) in files {
            let parts: Vec<&str> = path.split('/').collect();
            for end in 1..=parts.len() {
                let prefix = parts[..end].join("/");
                let Ok(entry) = tree.get_path(Path::new(&prefix)) else {
                    break;
                };
                let last = end == parts.len();
                let what = match (entry.filemode(), entry.kind()) {
                    (0o120000, _) => Some("a symbolic link"),
                    (0o160000, _) => Some("a submodule"),
                    (_, Some(git2::ObjectType::Tree)) if last => Some("a folder"),
                    (_, Some(git2::ObjectType::Tree)) => None,
                    _ if last => None,
                    _ => Some("a file"),
                };
                if let Some(what) = what {
                    return Err(WriteError::CommittedNotAFolder { path: prefix, what });
                }
            }
        }
        Ok(())
    }

    /// Refuses to touch a path that has changes of its own in the index or the working tree
    /// (unless they already are exactly what is about to be written).
    fn check_clean(
        &self,
        tip: Option<git2::Oid>,
        path: &str,
        new: &[u8],
        index: &git2::Index,
        target: &Path,
    ) -> Result<(), WriteError> {
        let committed = self.blob_at(tip, path)?;
        let committed_id = committed.as_ref().map(|(id, _)| *id);
        let new_id =
            git2::Oid::hash_object(git2::ObjectType::Blob, new).map_err(git("cannot hash"))?;
        let on_disk = blob_id_of_file(target).map_err(io(format!("cannot read {path}")))?;
        let disk_ok = match on_disk {
            None => true,
            Some(id) => Some(id) == committed_id || id == new_id,
        };
        let index_ok = match index.get_path(Path::new(path), 0) {
            None => committed_id.is_none(),
            Some(entry) => Some(entry.id) == committed_id || entry.id == new_id,
        };
        if disk_ok && index_ok {
            Ok(())
        } else {
            Err(WriteError::UncommittedChanges {
                path: path.to_owned(),
            })
        }
    }

    /// Refuses to remove a path that has changes of its own in the index or the working
    /// tree: only a file exactly as committed (or already gone) is removed.
    fn check_clean_to_remove(
        &self,
        tip: Option<git2::Oid>,
        path: &str,
        index: &git2::Index,
        target: &Path,
    ) -> Result<(), WriteError> {
        let committed = self.blob_at(tip, path)?.map(|(id, _)| id);
        let on_disk = blob_id_of_file(target).map_err(io(format!("cannot read {path}")))?;
        let disk_ok = on_disk.is_none() || on_disk == committed;
        let index_ok = index
            .get_path(Path::new(path), 0)
            .is_none_or(|entry| Some(entry.id) == committed);
        if disk_ok && index_ok {
            Ok(())
        } else {
            Err(WriteError::UncommittedChanges {
                path: path.to_owned(),
            })
        }
    }

    /// Builds the commit object on top of `parent` without moving any reference.
    fn write_commit_object(
        &self,
        parent: Option<git2::Oid>,
        spec: &CommitSpec,
    ) -> Result<(git2::Oid, Option<String>), WriteError> {
        let when = spec.when.clone().unwrap_or_else(Zoned::now);
        let author = signature(&spec.author, &when)?;
        let committer = signature(&spec.committer, &when)?;
        let mut note = None;
        let commit = commit_over(
            self.git(),
            parent,
            &spec.files,
            &spec.message,
            &author,
            &committer,
            |text| match &spec.sign {
                None => Ok::<_, WriteError>(None),
                Some(signer) => {
                    let (signature, said) = self.sign(signer, text, when.date())?;
                    note = said;
                    Ok(signature)
                }
            },
        )?;
        Ok((commit, note))
    }

    /// Takes git's index lock for the worktree, waiting briefly for another program.
    pub(super) fn lock_index(&self, work: &WorkTree) -> Result<GitLock, WriteError> {
        match GitLock::acquire(
            &work.index_lock(),
            &self.lock_token_path(),
            INDEX_LOCK_WAIT,
            &work.dirs(),
        ) {
            Ok(Ok(lock)) => Ok(lock),
            Ok(Err(busy)) => Err(WriteError::GitLocked {
                lock: work.shown(&work.index_lock()),
                holding: busy.holding,
                waited: busy.waited,
            }),
            Err(e) => Err(io(format!(
                "cannot create {}",
                work.shown(&work.index_lock())
            ))(e)),
        }
    }

    /// Takes git's index lock now, before the caller reads the branch, and keeps it for the
    /// next [`PanelRepo::commit_files`] under `lock`: no git command can then commit between
    /// the reading and the recording. For a writer that lost the race to someone's commit
    /// once; git commands that want the index meanwhile fail at once, as they do whenever
    /// git is busy. Nothing to do in a bare repository.
    pub fn reserve_index(&self, lock: &WriteLock) -> Result<(), WriteError> {
        if let Some(work) = self.work_tree() {
            drop(lock.take_reserved());
            lock.reserve(self.lock_index(&work)?);
        }
        Ok(())
    }

    /// Moves `branch` from `tip` to `commit` in one compare-and-swap, waiting briefly for
    /// another program that holds the branch's lock.
    pub(super) fn move_branch(
        &self,
        branch: &str,
        commit: git2::Oid,
        tip: Option<git2::Oid>,
        log: &str,
        dirs: &[PathBuf],
    ) -> Result<(), WriteError> {
        let repo = self.git();
        let started = Instant::now();
        loop {
            let moved = match tip {
                Some(tip) => repo.reference_matching(branch, commit, true, tip, log),
                None => repo.reference(branch, commit, false, log),
            };
            let e = match moved {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            if e.code() == git2::ErrorCode::Locked {
                if started.elapsed() < REF_LOCK_WAIT {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
                let lock = repo.commondir().join(format!("{branch}.lock"));
                return Err(WriteError::GitLocked {
                    lock: format!(".git/{branch}.lock"),
                    holding: super::locks::who_holds(&lock, dirs),
                    waited: started.elapsed(),
                });
            }
            let now = repo.refname_to_id(branch).ok();
            return Err(match now {
                Some(now) if Some(now) != tip => WriteError::BranchMoved {
                    expected: tip.map_or_else(|| "no commit".into(), short),
                    found: short(now),
                },
                _ => git(format!("cannot move {branch}"))(e),
            });
        }
    }

    /// Records the files as one commit on the current branch; see the module's description.
    /// `expected_head` is the commit the caller's data was read from (`None` for a branch with
    /// no commits yet).
    pub fn commit_files(
        &self,
        lock: &WriteLock,
        expected_head: Option<&ObjectId>,
        spec: &CommitSpec,
    ) -> Result<Recorded, WriteError> {
        // Taken now, so that it is released on every early return.
        let reserved = lock.take_reserved();
        let (branch, tip) = self.branch_for_writing()?;
        let tip_text = tip.map(|t| t.to_string());
        if tip_text.as_deref() != expected_head.map(ObjectId::as_str) {
            if tip.is_none() {
                return Err(WriteError::Unborn {
                    others: self.other_branches(&branch),
                    branch,
                });
            }
            return Err(WriteError::BranchMoved {
                expected: expected_head
                    .map_or_else(|| "no commit".into(), |e| e.short().to_owned()),
                found: tip_text.map_or_else(|| "no commit".into(), |t| t[..7].to_owned()),
            });
        }
        check_identity(&spec.author)?;
        check_identity(&spec.committer)?;
        for (path, _) in &spec.files {
            checked(path)?;
        }
        self.check_committed_folders(tip, &spec.files)?;
        let summary = spec.message.lines().next().unwrap_or_default().to_owned();
        let log = format!("kitemark: {summary}");
        let Some(work) = self.work_tree() else {
            // A bare repository: the commit and the branch are all there is.
            let (commit, unsigned) = self.write_commit_object(tip, spec)?;
            self.move_branch(&branch, commit, tip, &log, &[self.path()])?;
            return Ok(Recorded {
                commit: object_id(commit),
                unfinished: None,
                unsigned,
            });
        };
        let mut journal = Journal {
            branch,
            parent: tip.map(object_id),
            commit: ObjectId::from_git(String::new()),
            summary,
            git_dir: work.git_dir.clone(),
            work_dir: work.dir.clone(),
            index: None,
            files: Vec::new(),
        };
        let targets: Vec<PathBuf> = spec
            .files
            .iter()
            .map(|(path, _)| work.place(path, false))
            .collect::<Result<_, _>>()?;

        // The commit is made (and signed, which may ask for a passphrase) before git's index
        // is locked, unless it was reserved already: a commit object that is never used
        // costs nothing.
        point(Step::WriteObjects).map_err(io("cannot write the commit"))?;
        let (commit, unsigned) = self.write_commit_object(tip, spec)?;
        journal.commit = object_id(commit);

        let finished = self.put_in_place(
            &work,
            &mut journal,
            tip,
            commit,
            &spec.files,
            &[],
            &targets,
            reserved,
            &log,
        )?;
        Ok(Recorded {
            commit: journal.commit,
            unfinished: finished.err(),
            unsigned,
        })
    }

    /// With the commit made and the journal begun: git's index locked (unless `reserved`),
    /// the files and the new index put in place, the branch moved from `tip` to `commit`,
    /// the index committed and the journal removed. A failure before the branch moves undoes
    /// everything (`Err`); after it, the commit is on the branch whatever happens, and the
    /// inner `Err` says what was left for `kitemark repair` to finish.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn put_in_place(
        &self,
        work: &WorkTree,
        journal: &mut Journal,
        tip: Option<git2::Oid>,
        commit: git2::Oid,
        files: &[(String, Vec<u8>)],
        removed: &[String],
        targets: &[PathBuf],
        reserved: Option<GitLock>,
        log: &str,
    ) -> Result<Result<(), String>, WriteError> {
        let index_lock = match reserved {
            Some(lock) => lock,
            None => {
                point(Step::LockIndex).map_err(io("cannot lock the index"))?;
                self.lock_index(work)?
            }
        };
        // Until the branch moves, any failure undoes what was done; the lock goes last.
        let prepared =
            self.prepare_in_work_tree(work, tip, files, removed, targets, &index_lock, journal);
        if let Err(e) = prepared {
            self.undo_in_process(journal, index_lock);
            return Err(e);
        }
        let moved = point(Step::MoveBranch)
            .map_err(io("cannot move the branch"))
            .and_then(|()| self.move_branch(&journal.branch, commit, tip, log, &work.dirs()));
        if let Err(e) = moved {
            self.undo_in_process(journal, index_lock);
            return Err(e);
        }
        // The commit is on the branch: recorded, whatever happens now. The index lock holds
        // the new index and stays until it is committed, here or by the journal's reader.
        let mut index_lock = index_lock;
        index_lock.disarm();
        let finished = point(Step::CommitIndex)
            .and_then(|()| index_lock.commit())
            .map_err(|e| {
                format!(
                    "the index could not be updated ({e}); `kitemark repair` finishes it, and until then git refuses to change the index"
                )
            })
            .and_then(|()| {
                point(Step::Finish)
                    .and_then(|()| std::fs::remove_file(self.journal_path()))
                    .map(|()| {
                        // Files others removed leave the working tree once the branch has
                        // moved past them.
                        for path in removed {
                            if let Ok(target) = work.place(path, false) {
                                let _ = std::fs::remove_file(target);
                            }
                        }
                    })
                    .map_err(|e| {
                        format!(
                            "kitemark's journal could not be removed ({e}); the next kitemark removes it"
                        )
                    })
            });
        Ok(finished)
    }

    /// Everything before the branch moves, with the index locked: the commit and the new
    /// files written, the journal, the new index staged in the lock, the files put in place.
    /// `removed` are paths the new commit no longer has (only when the branch is brought up
    /// to others' commits): they leave the index here, and the working tree once the branch
    /// has moved.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn prepare_in_work_tree(
        &self,
        work: &WorkTree,
        tip: Option<git2::Oid>,
        files: &[(String, Vec<u8>)],
        removed: &[String],
        targets: &[PathBuf],
        index_lock: &GitLock,
        journal: &mut Journal,
    ) -> Result<(), WriteError> {
        let next = self.next_index_path();
        let mut index = self.copy_index(work)?;
        for ((path, content), target) in files.iter().zip(targets) {
            self.check_clean(tip, path, content, &index, target)?;
        }
        for path in removed {
            let target = work.place(path, false)?;
            self.check_clean_to_remove(tip, path, &index, &target)?;
        }
        for path in removed {
            let _ = index.remove_path(Path::new(path));
        }

        let mut news = Vec::with_capacity(files.len());
        for ((path, content), target) in files.iter().zip(targets) {
            let old = self.blob_at(tip, path)?.map(|(id, _)| object_id(id));
            let new = git2::Oid::hash_object(git2::ObjectType::Blob, content)
                .map_err(git("cannot hash"))?;
            let was = blob_id_of_file(target)
                .map_err(io(format!("cannot read {path}")))?
                .map(object_id);
            journal.files.push(JournalFile {
                path: path.clone(),
                old,
                new: object_id(new),
                was,
                temporary: Some(temporary_name(target)),
            });
            news.push(new);
        }

        // The journal comes before any file in the working tree, so that whatever this
        // writer leaves there, the next one knows of.
        point(Step::WriteJournal).map_err(io("cannot write kitemark's journal"))?;
        self.write_journal(journal)?;

        point(Step::WriteFiles).map_err(io("cannot write the new files"))?;
        for (((path, content), file), new) in files.iter().zip(&journal.files).zip(news) {
            work.place(path, true)?;
            let Some(temporary) = &file.temporary else {
                continue;
            };
            let _ = std::fs::remove_file(temporary);
            std::fs::write(temporary, content)
                .map_err(io(format!("cannot write {}", work.shown(temporary))))?;
            let entry = index_entry(path, new, temporary)
                .map_err(io(format!("cannot read {}", work.shown(temporary))))?;
            index
                .add(&entry)
                .map_err(git(format!("cannot stage {path}")))?;
        }
        index.write().map_err(git("cannot write the new index"))?;

        // The new index's id goes in the journal before the index goes in the lock: a lock
        // found holding it later is known to be this writer's.
        point(Step::StageIndex).map_err(io("cannot stage the new index"))?;
        let staged = std::fs::read(&next).map_err(io("cannot read the new index"))?;
        journal.index = Some(object_id(
            git2::Oid::hash_object(git2::ObjectType::Blob, &staged).map_err(git("cannot hash"))?,
        ));
        self.write_journal(journal)?;
        index_lock.stage(&next).map_err(io(format!(
            "cannot write {}",
            work.shown(index_lock.path())
        )))?;

        point(Step::PlaceFiles).map_err(io("cannot put the new files in place"))?;
        for (file, target) in journal.files.iter_mut().zip(targets) {
            if let Some(temporary) = &file.temporary {
                std::fs::rename(temporary, target)
                    .map_err(io(format!("cannot put {} in place", file.path)))?;
            }
            file.temporary = None;
        }
        Ok(())
    }

    pub(super) fn write_journal(&self, journal: &Journal) -> Result<(), WriteError> {
        let text = to_ron(journal).map_err(|e| WriteError::Repo(RepoError::Io(e.to_string())))?;
        write_atomically(&self.journal_path(), text.as_bytes())?;
        Ok(())
    }

    /// Undoes a write that failed before its branch moved, while its index lock is still
    /// held: the new files are taken back, then the lock is released.
    pub(super) fn undo_in_process(&self, journal: &Journal, index_lock: GitLock) {
        let mut report = Vec::new();
        self.undo_files(journal, &mut report);
        drop(index_lock);
        let _ = std::fs::remove_file(self.next_index_path());
        let _ = std::fs::remove_file(self.journal_path());
    }
    /// Writes the files as one commit on top of the current branch and moves the branch, with
    /// no lock, journal or working-tree update: for building a new repository in one go.
    pub fn commit_to_branch(
        &self,
        expected_head: Option<&ObjectId>,
        spec: &CommitSpec,
    ) -> Result<ObjectId, RepoError> {
        let parent = match expected_head {
            Some(id) => {
                Some(git2::Oid::from_str(id.as_str()).map_err(RepoError::git("bad commit id"))?)
            }
            None => None,
        };
        for who in [&spec.author, &spec.committer] {
            check_identity(who).map_err(|e| RepoError::Io(e.to_string()))?;
        }
        let (commit, _) = self
            .write_commit_object(parent, spec)
            .map_err(|e| RepoError::Io(e.to_string()))?;
        let repo = self.git();
        let branch = repo
            .find_reference("HEAD")
            .ok()
            .and_then(|h| h.symbolic_target().ok().flatten().map(str::to_owned))
            .unwrap_or_else(|| "refs/heads/main".to_owned());
        let log = format!(
            "kitemark: {}",
            spec.message.lines().next().unwrap_or_default()
        );
        match parent {
            Some(p) => repo.reference_matching(&branch, commit, true, p, &log),
            None => repo.reference(&branch, commit, false, &log),
        }
        .map_err(RepoError::git(
            "cannot move the branch (has it moved since the data was read?)",
        ))?;
        Ok(super::snapshot::object_id(commit))
    }

    /// The commit the current branch points at, or `None` on a branch with no commits yet.
    pub fn head_id(&self) -> Result<Option<ObjectId>, RepoError> {
        match self.resolve(None) {
            Ok(commit) => Ok(Some(super::snapshot::object_id(commit.id()))),
            Err(RepoError::Empty { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Brings the index and working tree of a repository that has just been created up to
    /// `HEAD`. Only for new repositories: it overwrites whatever the working tree holds.
    pub fn checkout_new_repository(&self) -> Result<(), RepoError> {
        if self.is_bare() {
            return Ok(());
        }
        let mut options = git2::build::CheckoutBuilder::new();
        options.force();
        self.git()
            .checkout_head(Some(&mut options))
            .map_err(RepoError::git("cannot check out the new repository"))
    }

    /// Creates a new repository (with a working tree) whose first branch is `main`.
    pub fn init(path: &std::path::Path) -> Result<Self, RepoError> {
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main").mkpath(true);
        let repo = git2::Repository::init_opts(path, &options).map_err(RepoError::git(format!(
            "cannot create a repository at {}",
            path.display()
        )))?;
        Ok(Self::from_git(repo))
    }

    /// The message of the repository's first commit, if it has one.
    pub fn root_commit_message(&self) -> Result<Option<String>, RepoError> {
        let Some(head) = self.head_id()? else {
            return Ok(None);
        };
        let repo = self.git();
        let mut walk = repo
            .revwalk()
            .map_err(RepoError::git("cannot walk the history"))?;
        let oid = git2::Oid::from_str(head.as_str()).map_err(RepoError::git("bad commit id"))?;
        walk.push(oid)
            .map_err(RepoError::git("cannot walk the history"))?;
        walk.simplify_first_parent()
            .map_err(RepoError::git("cannot walk the history"))?;
        let mut root = None;
        for step in walk {
            root = Some(step.map_err(RepoError::git("cannot walk the history"))?);
        }
        match root {
            Some(oid) => {
                let commit = repo
                    .find_commit(oid)
                    .map_err(RepoError::git("cannot read the first commit"))?;
                Ok(Some(
                    String::from_utf8_lossy(commit.message_bytes()).into_owned(),
                ))
            }
            None => Ok(None),
        }
    }
}
