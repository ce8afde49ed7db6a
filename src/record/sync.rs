//! Sharing the panel's record with a git remote: fetch, bring the branch up to date (the
//! local, unpushed commits replayed on the remote's), push. The network work runs the `git`
//! program, so the user's credential helpers, ssh agent and `~/.ssh/config` work exactly as
//! in git; local objects and refs stay with git2. The command line and the interface both
//! work through these functions.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::model::ObjectId;
use crate::model::text::sanitize_inline;
use crate::repo::remote::{CommitInfo, GitRun, NetError, OnConflict, Replay, Upstream};
use crate::repo::write::{LOCK_WAIT, WriteError};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictFile {
    pub path: String,
    /// The local commit that changed it.
    pub ours: CommitNote,
    /// The remote's commit that changed it.
    pub theirs: CommitNote,
}

/// A true conflict: nothing was changed on the branch or the remote; the local commits are
/// kept on `kept_on` as well.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    let Some(up) = repo.upstream()? else {
        return Ok(None);
    };
    let local = repo.head_id()?;
    let remote = repo.ref_id(&up.tracking);
    let (ahead, behind) = match (&local, &remote) {
        (Some(local), Some(remote)) => repo.ahead_behind(local, remote)?,
        (Some(local), None) => (repo.commits_between(None, local)?.len(), 0),
        (None, Some(remote)) => (0, repo.commits_between(None, remote)?.len()),
        (None, None) => (0, 0),
    };
    let log: NetworkLog = repo.read_state(NETWORK_LOG).unwrap_or_default();
    let offline = match (&log.failed, &log.fetched) {
        (Some(failed), Some(fetched)) if failed <= fetched => None,
        (Some(_), _) => log.failure.clone(),
        (None, _) => None,
    };
    let unfinished = pending(repo, local.as_ref()).map(|pending| pending.conflict);
    Ok(Some(RemoteState {
        remote: up.remote,
        ahead,
        behind,
        fetched: log.fetched,
        offline,
        unfinished,
    }))
}

/// Fetches the remote's branch (no change to the local branch).
pub fn fetch(repo: &PanelRepo, net: &Network) -> Result<Fetched, SyncError> {
    let up = repo.upstream()?.ok_or(SyncError::NoRemote)?;
    let fetched = fetch_from(repo, &up, net)?;
    Ok(Fetched {
        arrived: fetched.arrived,
    })
}

/// Fetches, brings the local branch up to date, pushes.
pub fn sync(repo: &PanelRepo, net: &Network) -> Result<Synced, SyncError> {
    let up = repo.upstream()?.ok_or(SyncError::NoRemote)?;
    if let Some(pending) = pending(repo, repo.head_id()?.as_ref()) {
        // Bringing in more on top of a stopped sync would hide it: it is finished first.
        return Err(SyncError::Conflict(pending.conflict));
    }
    // A stopped sync whose branch has moved since (settled with git, or recorded on) is
    // over: this sync finds any conflict afresh.
    repo.remove_state(PENDING);
    let fetched = fetch_from(repo, &up, net)?;
    bring_up_to_date(repo, &up, net, fetched.tip.as_ref(), None)
}

/// Pushes the local branch's commits (after a recording), without fetching first: a
/// rejection because the remote moved is reported, and `sync` brings it up to date.
pub fn push(repo: &PanelRepo, net: &Network) -> Result<Synced, SyncError> {
    let up = repo.upstream()?.ok_or(SyncError::NoRemote)?;
    let Some(local) = repo.head_id()? else {
        return Ok(Synced::default());
    };
    let remote = repo.ref_id(&up.tracking);
    if remote.as_ref() == Some(&local) {
        return Ok(Synced::default());
    }
    push_to(repo, &up, net, remote.as_ref(), &local)
}

/// Finishes a sync stopped by a conflict.
pub fn finish(repo: &PanelRepo, net: &Network, how: Resolution) -> Result<Synced, SyncError> {
    let up = repo.upstream()?.ok_or(SyncError::NoRemote)?;
    let Some(pending) = pending(repo, repo.head_id()?.as_ref()) else {
        return Err(SyncError::Other(
            "there is no stopped sync to finish; `kitemark sync` brings the branch up to date"
                .into(),
        ));
    };
    let fetched = fetch_from(repo, &up, net)?;
    if fetched.tip.as_ref() != Some(&pending.remote) {
        // The remote moved on since the account was given: finishing now would settle
        // conflicts nobody has seen. The sync starts again, and gives a new account if the
        // two sides still clash (the first kept branch stays as it is).
        repo.remove_state(PENDING);
        return bring_up_to_date(repo, &up, net, fetched.tip.as_ref(), None);
    }
    let mut pending = pending;
    // The local commits a finish leaves out live on only on the kept branch: if it was
    // deleted or moved since, they are kept again first.
    let kept = format!("refs/heads/{}", pending.conflict.kept_on);
    let holds_local = repo.ref_id(&kept).is_some_and(|at| {
        at == pending.local
            || repo
                .merge_base_of(&at, &pending.local)
                .ok()
                .flatten()
                .is_some_and(|base| base == pending.local)
    });
    if !holds_local {
        pending.conflict.kept_on = new_kept_branch(repo, &pending.local)?;
    }
    let synced = bring_up_to_date(repo, &up, net, fetched.tip.as_ref(), Some((how, &pending)))?;
    repo.remove_state(PENDING);
    Ok(synced)
}

/// A new branch, never one that exists, holding the local commits as they were.
fn new_kept_branch(repo: &PanelRepo, local: &ObjectId) -> Result<String, SyncError> {
    let stamp = jiff::Zoned::now().strftime("%Y-%m-%d-%H%M%S").to_string();
    let mut kept_on = format!("kitemark/unsynced/{stamp}");
    let mut n = 1;
    while repo.ref_id(&format!("refs/heads/{kept_on}")).is_some() {
        n += 1;
        kept_on = format!("kitemark/unsynced/{stamp}-{n}");
    }
    repo.create_branch_at(&kept_on, local)?;
    Ok(kept_on)
}

/// Where kitemark keeps the times of the last fetch and the last failure.
const NETWORK_LOG: &str = "remote.ron";

/// Where a sync stopped by a conflict is kept until it is finished.
const PENDING: &str = "unsynced.ron";

/// The network's last outcomes, for the interface's header.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct NetworkLog {
    fetched: Option<jiff::Timestamp>,
    failed: Option<jiff::Timestamp>,
    failure: Option<String>,
}

/// A sync stopped by a conflict: what it found, and the two tips it found it between.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    conflict: Conflict,
    local: ObjectId,
    remote: ObjectId,
}

/// The sync a conflict stopped, while the branch is still where it stopped.
fn pending(repo: &PanelRepo, local: Option<&ObjectId>) -> Option<Pending> {
    repo.read_state::<Pending>(PENDING)
        .filter(|pending| Some(&pending.local) == local)
}

/// A fetch done: what arrived, and the remote's tip (`None`: it has no such branch yet).
struct FetchedTip {
    arrived: Vec<CommitNote>,
    tip: Option<ObjectId>,
}

fn run_of(net: &Network) -> GitRun {
    GitRun {
        timeout: net.timeout,
        interactive: net.interactive,
    }
}

fn net_error(e: NetError) -> SyncError {
    match e {
        NetError::Offline(message) => SyncError::Offline { message },
        NetError::TimedOut(after) => SyncError::TimedOut { after },
        NetError::NeedsCredentials(message) => SyncError::NeedsCredentials { message },
        NetError::Rejected(message) => SyncError::Rejected { message },
        NetError::NoBranch => SyncError::Other("the remote has no such branch".into()),
        NetError::Failed(message) => SyncError::Other(format!("git failed: {message}")),
    }
}

fn write_error(e: WriteError) -> SyncError {
    match e {
        WriteError::UncommittedChanges { path } => SyncError::Other(format!(
            "sync stopped before changing anything: others changed {}, which has changes here that are not committed; commit or discard them (`git status`), then sync again",
            sanitize_inline(&path)
        )),
        WriteError::Repo(e) => SyncError::Repo(e),
        other => SyncError::Other(other.to_string()),
    }
}

fn note(info: CommitInfo) -> CommitNote {
    CommitNote {
        id: info.id,
        author: sanitize_inline(&info.author).into_owned(),
        summary: sanitize_inline(&info.summary).into_owned(),
    }
}

fn notes(infos: Vec<CommitInfo>) -> Vec<CommitNote> {
    infos.into_iter().map(note).collect()
}

/// Fetches, and records when it succeeded or why it failed.
fn fetch_from(repo: &PanelRepo, up: &Upstream, net: &Network) -> Result<FetchedTip, SyncError> {
    let mut log: NetworkLog = repo.read_state(NETWORK_LOG).unwrap_or_default();
    let result = repo.fetch_upstream(up, run_of(net));
    let now = jiff::Timestamp::now();
    let outcome = match result {
        Ok((before, after)) => {
            log.fetched = Some(now);
            let arrived = match &after {
                Some(after) if before.as_ref() != Some(after) => {
                    let hide = before.or(repo.head_id()?);
                    notes(repo.commits_between(hide.as_ref(), after)?)
                }
                _ => Vec::new(),
            };
            Ok(FetchedTip {
                arrived,
                tip: after,
            })
        }
        Err(NetError::NoBranch) => {
            log.fetched = Some(now);
            Ok(FetchedTip {
                arrived: Vec::new(),
                tip: None,
            })
        }
        Err(e) => {
            let e = net_error(e);
            remember_failure(&mut log, &e, now);
            Err(e)
        }
    };
    // The log only feeds the header; failing to write it changes nothing that matters.
    let _ = repo.write_state(NETWORK_LOG, &log);
    outcome
}

/// Notes a failure to reach the remote (not a refusal: the remote answered that).
fn remember_failure(log: &mut NetworkLog, e: &SyncError, now: jiff::Timestamp) {
    if matches!(
        e,
        SyncError::Offline { .. } | SyncError::TimedOut { .. } | SyncError::NeedsCredentials { .. }
    ) {
        log.failed = Some(now);
        log.failure = Some(e.to_string());
    }
}

fn push_to(
    repo: &PanelRepo,
    up: &Upstream,
    net: &Network,
    remote: Option<&ObjectId>,
    local: &ObjectId,
) -> Result<Synced, SyncError> {
    let pushed = notes(repo.commits_between(remote, local)?);
    if let Err(e) = repo.push_upstream(up, local, run_of(net)) {
        let e = net_error(e);
        let mut log: NetworkLog = repo.read_state(NETWORK_LOG).unwrap_or_default();
        remember_failure(&mut log, &e, jiff::Timestamp::now());
        let _ = repo.write_state(NETWORK_LOG, &log);
        return Err(e);
    }
    Ok(Synced {
        pushed,
        ..Synced::default()
    })
}

/// The local branch brought up to the remote's `remote` tip (fetched just now), then pushed.
/// Without `finishing`, a conflict stops it; with it, the conflict is resolved as asked.
fn bring_up_to_date(
    repo: &PanelRepo,
    up: &Upstream,
    net: &Network,
    remote: Option<&ObjectId>,
    finishing: Option<(Resolution, &Pending)>,
) -> Result<Synced, SyncError> {
    let Some(local) = repo.head_id()? else {
        return Err(SyncError::Other(
            "the branch has no commits yet; `git clone` the panel's repository instead".into(),
        ));
    };
    let Some(remote) = remote else {
        // The remote has no such branch yet: this is its first push.
        return push_to(repo, up, net, None, &local);
    };
    if &local == remote {
        return Ok(Synced::default());
    }
    let base = repo.merge_base_of(&local, remote)?;
    if base.as_ref() == Some(remote) {
        return push_to(repo, up, net, Some(remote), &local);
    }
    let lock = repo.lock_for_writing(LOCK_WAIT).map_err(write_error)?;
    let pulled = notes(repo.commits_between(Some(&local), remote)?);
    if base.as_ref() == Some(&local) {
        repo.advance_branch(&lock, &local, remote)
            .map_err(write_error)?;
        return Ok(Synced {
            pulled,
            ..Synced::default()
        });
    }
    let ours = repo.commits_between(Some(remote), &local)?;
    for commit in &ours {
        if repo.is_merge(&commit.id)? {
            return Err(SyncError::Other(format!(
                "the local commit {} \"{}\" is a merge; kitemark replays single commits only: bring the branch up to date with git (`git pull --rebase`), then sync",
                commit.id.short(),
                sanitize_inline(&commit.summary)
            )));
        }
    }
    let ids: Vec<ObjectId> = ours.iter().map(|c| c.id.clone()).collect();
    // The panel is read only if a replayed commit was signed, and only panel.ron: a signer
    // needs the members' keys, not the whole catalog.
    let panel: std::cell::OnceCell<Option<crate::model::Panel>> = std::cell::OnceCell::new();
    let interactive = net.interactive;
    let signer = |email: &str| {
        let panel = panel
            .get_or_init(|| {
                let snapshot = repo.snapshot_at(Some(remote.as_str())).ok()?;
                repo.load(snapshot.panel.as_ref()?).ok()
            })
            .as_ref()?;
        let member = panel
            .members
            .iter()
            .find(|m| m.email.eq_ignore_ascii_case(email))?;
        crate::repo::sign::signer_for(panel, &member.id, interactive)
    };
    let on_conflict = match finishing {
        None => OnConflict::Stop,
        Some((Resolution::Theirs, _)) => OnConflict::Drop,
        Some((Resolution::Mine, _)) => OnConflict::TakeOurs,
    };
    let replay = repo.replay(remote, base.as_ref(), &ids, on_conflict, &signer)?;
    if on_conflict == OnConflict::Stop && !replay.clashes.is_empty() {
        let conflict = keep_and_stop(repo, &local, remote, &replay)?;
        return Err(SyncError::Conflict(conflict));
    }
    let Some(tip) = replay.tip.clone() else {
        return Err(SyncError::Other("nothing to replay on".into()));
    };
    repo.advance_branch(&lock, &local, &tip)
        .map_err(write_error)?;
    drop(lock);
    let mut synced = Synced {
        pulled,
        replayed: replay
            .replayed
            .iter()
            .map(|r| repo.commit_info(&r.to).map(note))
            .collect::<Result<_, _>>()?,
        notes: replay.notes.clone(),
        ..Synced::default()
    };
    if let Some((_, pending)) = finishing {
        for dropped in &replay.dropped {
            let info = note(repo.commit_info(dropped)?);
            synced.notes.push(format!(
                "{} \"{}\" by {} is left out; it stays on {}",
                info.id.short(),
                info.summary,
                info.author,
                pending.conflict.kept_on
            ));
        }
    }
    if &tip != remote {
        let pushed = push_to(repo, up, net, Some(remote), &tip)?;
        synced.pushed = pushed.pushed;
    }
    Ok(synced)
}

/// A true conflict: the local tip kept on a new branch, the conflict saved for `finish`.
fn keep_and_stop(
    repo: &PanelRepo,
    local: &ObjectId,
    remote: &ObjectId,
    replay: &Replay,
) -> Result<Conflict, SyncError> {
    let kept_on = new_kept_branch(repo, local)?;
    let remote_note = note(repo.commit_info(remote)?);
    let mut files = Vec::new();
    for clash in &replay.clashes {
        let theirs = match &clash.theirs {
            Some(id) => note(repo.commit_info(id)?),
            None => remote_note.clone(),
        };
        files.push(ConflictFile {
            path: sanitize_inline(&clash.path).into_owned(),
            ours: note(repo.commit_info(&clash.ours)?),
            theirs,
        });
    }
    let conflict = Conflict { kept_on, files };
    repo.write_state(
        PENDING,
        &Pending {
            conflict: conflict.clone(),
            local: local.clone(),
            remote: remote.clone(),
        },
    )?;
    Ok(conflict)
}
