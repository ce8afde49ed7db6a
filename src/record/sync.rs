//! Sharing the panel's record with a git remote: fetch, bring the branch up to date (the
//! local, unpushed commits replayed on the remote's), push. The network work runs the `git`
//! program, so the user's credential helpers, ssh agent and `~/.ssh/config` work exactly as
//! in git; local objects and refs stay with git2.
//!
//! CONTRACT (filled in by the sync work; the interface is written against these types).

use std::time::Duration;

use crate::model::ObjectId;
use crate::repo::{PanelRepo, RepoError};

/// How the `git` program is run for the network.
#[derive(Debug, Clone)]
pub struct Network {
    /// Give up on a fetch or push that has not finished after this long (ignored when
    /// interactive: the person at the terminal decides).
    pub timeout: Duration,
    /// Whether git may ask at the terminal (for a password, a passphrase, a host key): the
    /// command line may; the interface only when it has suspended itself to let git ask.
    /// When false, git runs with `GIT_TERMINAL_PROMPT=0` and ssh in batch mode.
    pub interactive: bool,
}

/// A commit, as the person syncing needs to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitNote {
    pub id: ObjectId,
    /// The author's name (made safe for the terminal).
    pub author: String,
    /// The commit's first line (made safe for the terminal), e.g. `Decision: …`.
    pub summary: String,
}

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fetched {
    /// Commits on the remote's branch that were not there at the previous fetch, oldest
    /// first: what others have recorded since.
    pub arrived: Vec<CommitNote>,
}

/// What a sync did, when it finished.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Synced {
    /// Others' commits the local branch now has, oldest first.
    pub pulled: Vec<CommitNote>,
    /// Local commits replayed on the remote's (their new ids), oldest first.
    pub replayed: Vec<CommitNote>,
    /// Local commits the remote now has, oldest first.
    pub pushed: Vec<CommitNote>,
    /// Anything else the person should know (a replayed commit left unsigned, say).
    pub notes: Vec<String>,
}

/// A file both sides changed since they last agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConflictFile {
    pub path: String,
    /// The local commit that changed it.
    pub ours: CommitNote,
    /// The remote's commit that changed it.
    pub theirs: CommitNote,
}

/// A true conflict: nothing was changed on the branch or the remote; the local commits are
/// kept on `kept_on` as well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The branch holding the local commits as they were (e.g. `kitemark/unsynced/…`).
    pub kept_on: String,
    pub files: Vec<ConflictFile>,
}

/// How to finish a sync stopped by a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Take the remote's version of each conflicting file: the local commits that changed
    /// it stay only on the kept branch; the others are replayed and pushed.
    Theirs,
    /// Keep ours: each conflicting local commit is recorded again on top of the remote's,
    /// setting the file to the local version; then pushed.
    Mine,
}

/// Why a sync did not finish. Nothing recorded is lost in any case.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the repository has no remote to sync with (git remote add origin URL)")]
    NoRemote,
    #[error("offline: {message}")]
    Offline { message: String },
    #[error("the remote did not answer within {} s; nothing was changed", after.as_secs())]
    TimedOut { after: Duration },
    #[error("the remote needs credentials: {message}")]
    NeedsCredentials { message: String },
    #[error("the remote refused the push: {message}")]
    Rejected { message: String },
    #[error("both sides changed the same file; nothing was changed")]
    Conflict(Conflict),
    #[error(transparent)]
    Repo(#[from] RepoError),
    #[error("{0}")]
    Other(String),
}

/// The remote state the interface's header shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteState {
    /// The remote's name (`origin`).
    pub remote: String,
    /// Local commits the remote's branch does not have, as of the last fetch.
    pub ahead: usize,
    /// The remote's commits the local branch does not have, as of the last fetch.
    pub behind: usize,
    /// When the last fetch succeeded, if ever.
    pub fetched: Option<jiff::Timestamp>,
    /// Why the last fetch failed, when it did after the last success (shown as "offline").
    pub offline: Option<String>,
    /// A sync stopped by a conflict and not yet finished.
    pub unfinished: Option<Conflict>,
}

/// The remote state, from local refs only (no network); `None` when there is no remote.
pub fn remote_state(repo: &PanelRepo) -> Result<Option<RemoteState>, SyncError> {
    let _ = repo;
    todo!("sync: remote_state")
}

/// Fetches the remote's branch (no change to the local branch).
pub fn fetch(repo: &PanelRepo, net: &Network) -> Result<Fetched, SyncError> {
    let _ = (repo, net);
    todo!("sync: fetch")
}

/// Fetches, brings the local branch up to date, pushes.
pub fn sync(repo: &PanelRepo, net: &Network) -> Result<Synced, SyncError> {
    let _ = (repo, net);
    todo!("sync: sync")
}

/// Pushes the local branch's commits (after a recording), without fetching first: a
/// rejection because the remote moved is reported, and `sync` brings it up to date.
pub fn push(repo: &PanelRepo, net: &Network) -> Result<Synced, SyncError> {
    let _ = (repo, net);
    todo!("sync: push")
}

/// Finishes a sync stopped by a conflict.
pub fn finish(repo: &PanelRepo, net: &Network, how: Resolution) -> Result<Synced, SyncError> {
    let _ = (repo, net, how);
    todo!("sync: finish")
}
