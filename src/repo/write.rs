//! Writing commits: a set of files as one commit on the current branch, authored as given
//! (never from a global git config, which a fresh machine lacks).
//!
//! [`PanelRepo::commit_files`] is how the panel's work is recorded (SPEC §2.4):
//! - exactly the given paths change; staged and unstaged changes to other paths are left as
//!   they are, and a path with uncommitted changes of its own is refused, never overwritten;
//! - the branch must still be where the caller read it (optimistic concurrency), checked and
//!   moved in one compare-and-swap, so a commit can never be lost to a concurrent writer;
//! - writers on one machine are serialised by a lock beside git's own ([`WriteLock`]);
//! - the working tree and index are brought up to date for the written paths (files replaced
//!   atomically), so `git status` shows nothing new for them; a bare repository has neither;
//! - a journal makes that last step complete even if the process dies half way: the next
//!   writer finishes it;
//! - history is never rewritten: every commit is a child of the branch's tip.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::Zoned;
use serde::{Deserialize, Serialize};

use super::{PanelRepo, RepoError};
use crate::model::format::{from_ron, to_ron};
use crate::model::{Identity, ObjectId};

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
}

/// Why a commit was not written. Nothing is lost: the branch, index and working tree are as
/// they were.
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
    #[error(
        "another kitemark is writing to this repository (lock {lock} held for over {waited:?}); try again"
    )]
    Locked { lock: PathBuf, waited: Duration },
    #[error("{path} is not a path kitemark writes")]
    BadPath { path: String },
    #[error(transparent)]
    Repo(#[from] RepoError),
}

fn git(context: impl Into<String>) -> impl FnOnce(git2::Error) -> WriteError {
    let f = RepoError::git(context);
    move |e| WriteError::Repo(f(e))
}

fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> WriteError {
    let context = context.to_string();
    move |e| WriteError::Repo(RepoError::Io(format!("{context}: {e}")))
}

/// How long a writer waits for another to finish before giving up.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// An exclusive lock on writing to one repository, held until dropped. It lives in the git
/// directory beside git's own lock files, so it covers every kitemark on this machine.
#[derive(Debug)]
pub struct WriteLock {
    _file: std::fs::File,
}

/// Paths written by a commit whose working tree and index are not yet up to date.
#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    commit: ObjectId,
    paths: Vec<String>,
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

/// Writes a commit of `files` (paths and contents) over `parent`'s tree, or over an empty
/// tree for a first commit, moving no reference.
pub(crate) fn commit_over(
    repo: &git2::Repository,
    parent: Option<git2::Oid>,
    files: &[(String, Vec<u8>)],
    message: &str,
    author: &git2::Signature<'_>,
    committer: &git2::Signature<'_>,
) -> Result<git2::Oid, RepoError> {
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
    repo.commit(None, author, committer, message, &tree, &parents)
        .map_err(RepoError::git("cannot write the commit"))
}

/// A relative path with no `.`, `..` or empty components: safe to join to the working tree.
fn checked(path: &str) -> Result<&Path, WriteError> {
    let ok = !path.is_empty()
        && !path.starts_with('/')
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && c != ".git");
    if ok {
        Ok(Path::new(path))
    } else {
        Err(WriteError::BadPath {
            path: path.to_owned(),
        })
    }
}

/// Replaces a file's content all at once: a reader sees the old file or the new, never half.
pub(super) fn write_atomically(target: &Path, content: &[u8]) -> Result<(), RepoError> {
    let failed = |what: String| move |e: std::io::Error| RepoError::Io(format!("{what}: {e}"));
    let dir = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed(format!("cannot create {}", dir.display())))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.kitemark-{}", std::process::id()));
    std::fs::write(&temporary, content)
        .map_err(failed(format!("cannot write {}", temporary.display())))?;
    std::fs::rename(&temporary, target).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        failed(format!("cannot replace {}", target.display()))(e)
    })
}

impl PanelRepo {
    pub(super) fn kitemark_dir(&self) -> PathBuf {
        self.git().path().join("kitemark")
    }

    fn journal_path(&self) -> PathBuf {
        self.kitemark_dir().join("pending.ron")
    }

    /// Takes the write lock, waiting up to `wait` for another writer to finish, then
    /// completes anything a writer that died left half done.
    pub fn lock_for_writing(&self, wait: Duration) -> Result<WriteLock, WriteError> {
        let dir = self.kitemark_dir();
        std::fs::create_dir_all(&dir).map_err(io(format!("cannot create {}", dir.display())))?;
        let path = dir.join("write.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io(format!("cannot open {}", path.display())))?;
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
        let lock = WriteLock { _file: file };
        self.finish_journal(&lock)?;
        Ok(lock)
    }

    /// The branch HEAD points at, and its tip (`None` before the first commit).
    fn branch(&self) -> Result<(String, Option<git2::Oid>), WriteError> {
        let repo = self.git();
        let head = repo
            .find_reference("HEAD")
            .map_err(git("cannot read HEAD"))?;
        let Some(branch) = head.symbolic_target().ok().flatten().map(str::to_owned) else {
            return Err(WriteError::Detached);
        };
        let tip = repo.refname_to_id(&branch).ok();
        Ok((branch, tip))
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
            Ok(entry) => {
                let blob = repo
                    .find_blob(entry.id())
                    .map_err(git(format!("cannot read {path}")))?;
                Ok(Some((entry.id(), blob.content().to_vec())))
            }
            Err(_) => Ok(None),
        }
    }

    /// Refuses to touch a path that has changes of its own in the index or the working tree
    /// (unless they already are exactly what is about to be written).
    fn check_clean(
        &self,
        tip: Option<git2::Oid>,
        path: &str,
        new: &[u8],
    ) -> Result<(), WriteError> {
        let Some(workdir) = self.git().workdir() else {
            return Ok(());
        };
        let committed = self.blob_at(tip, path)?;
        let committed_content = committed.as_ref().map(|(_, c)| c.as_slice());
        let on_disk = match std::fs::read(workdir.join(checked(path)?)) {
            Ok(content) => Some(content),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(io(format!("cannot read {path}"))(e)),
        };
        let disk_ok = match &on_disk {
            None => true,
            Some(content) => Some(content.as_slice()) == committed_content || content == new,
        };
        let index = self.git().index().map_err(git("cannot read the index"))?;
        let new_id =
            git2::Oid::hash_object(git2::ObjectType::Blob, new).map_err(git("cannot hash"))?;
        let index_ok = match index.get_path(Path::new(path), 0) {
            None => true,
            Some(entry) => {
                Some(entry.id) == committed.as_ref().map(|(id, _)| *id) || entry.id == new_id
            }
        };
        if disk_ok && index_ok {
            Ok(())
        } else {
            Err(WriteError::UncommittedChanges {
                path: path.to_owned(),
            })
        }
    }

    /// Brings the working tree and index up to date with the branch for the given paths.
    fn sync_work_tree(&self, paths: &[String]) -> Result<(), WriteError> {
        let repo = self.git();
        let Some(workdir) = repo.workdir().map(Path::to_path_buf) else {
            return Ok(());
        };
        let (_, tip) = self.branch()?;
        let mut index = repo.index().map_err(git("cannot read the index"))?;
        index.read(true).map_err(git("cannot read the index"))?;
        for path in paths {
            let relative = checked(path)?;
            match self.blob_at(tip, path)? {
                Some((_, content)) => {
                    write_atomically(&workdir.join(relative), &content)?;
                    // Hashing and stat-ing the file as `git add` does keeps `git status` quiet.
                    index
                        .add_path(relative)
                        .map_err(git(format!("cannot stage {path}")))?;
                }
                None => {
                    let _ = index.remove_path(relative);
                }
            }
        }
        index.write().map_err(git("cannot write the index"))?;
        Ok(())
    }

    /// Finishes a commit whose working tree and index were left behind (the process died).
    fn finish_journal(&self, _lock: &WriteLock) -> Result<(), WriteError> {
        let path = self.journal_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io(format!("cannot read {}", path.display()))(e)),
        };
        if let Ok(journal) = from_ron::<Journal>(&text) {
            // Only if that commit is still where the branch is; otherwise later work decides.
            let (_, tip) = self.branch()?;
            if tip.map(|t| t.to_string()).as_deref() == Some(journal.commit.as_str()) {
                self.sync_work_tree(&journal.paths)?;
            }
        }
        std::fs::remove_file(&path).map_err(io(format!("cannot remove {}", path.display())))
    }

    /// Builds the commit object on top of `parent` without moving any reference.
    fn write_commit_object(
        &self,
        parent: Option<git2::Oid>,
        spec: &CommitSpec,
    ) -> Result<git2::Oid, RepoError> {
        let when = spec.when.clone().unwrap_or_else(Zoned::now);
        let author = signature(&spec.author, &when)?;
        let committer = signature(&spec.committer, &when)?;
        commit_over(
            self.git(),
            parent,
            &spec.files,
            &spec.message,
            &author,
            &committer,
        )
    }

    /// Records the files as one commit on the current branch; see the module's description.
    /// `expected_head` is the commit the caller's data was read from (`None` for a branch with
    /// no commits yet).
    pub fn commit_files(
        &self,
        _lock: &WriteLock,
        expected_head: Option<&ObjectId>,
        spec: &CommitSpec,
    ) -> Result<ObjectId, WriteError> {
        let (branch, tip) = self.branch()?;
        let tip_text = tip.map(|t| t.to_string());
        if tip_text.as_deref() != expected_head.map(ObjectId::as_str) {
            return Err(WriteError::BranchMoved {
                expected: expected_head
                    .map_or_else(|| "no commit".into(), |e| e.short().to_owned()),
                found: tip_text.map_or_else(|| "no commit".into(), |t| t[..7].to_owned()),
            });
        }
        for (path, content) in &spec.files {
            checked(path)?;
            self.check_clean(tip, path, content)?;
        }
        let commit = self.write_commit_object(tip, spec)?;
        let commit_id = super::snapshot::object_id(commit);
        let paths: Vec<String> = spec.files.iter().map(|(p, _)| p.clone()).collect();
        let journal = Journal {
            commit: commit_id.clone(),
            paths: paths.clone(),
        };
        let journal_text =
            to_ron(&journal).map_err(|e| WriteError::Repo(RepoError::Io(e.to_string())))?;
        if self.git().workdir().is_some() {
            write_atomically(&self.journal_path(), journal_text.as_bytes())?;
        }
        let summary = spec.message.lines().next().unwrap_or_default();
        let log = format!("kitemark: {summary}");
        let moved = match tip {
            Some(tip) => self
                .git()
                .reference_matching(&branch, commit, true, tip, &log),
            None => self.git().reference(&branch, commit, false, &log),
        };
        if let Err(e) = moved {
            let _ = std::fs::remove_file(self.journal_path());
            let (_, now) = self.branch()?;
            return Err(match now {
                Some(now) if Some(now) != tip => WriteError::BranchMoved {
                    expected: expected_head
                        .map_or_else(|| "no commit".into(), |e| e.short().to_owned()),
                    found: now.to_string()[..7].to_owned(),
                },
                _ => git(format!("cannot move {branch}"))(e),
            });
        }
        if self.git().workdir().is_some() {
            self.sync_work_tree(&paths)?;
            std::fs::remove_file(self.journal_path()).map_err(io("cannot remove the journal"))?;
        }
        Ok(commit_id)
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
        let commit = self.write_commit_object(parent, spec)?;
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
