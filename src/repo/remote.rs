//! The repository's side of sharing it with a git remote: which remote and branch, running
//! the `git` program for the network (fetch, push), replaying local commits on the remote's
//! as new objects, and moving the branch, index and working tree to a commit that others
//! made, as a recording does (journaled, so a crash leaves one state or the other).
//!
//! The network is git's: the user's credential helpers, ssh agent and `~/.ssh/config` work
//! exactly as they do in git. Objects and references stay with git2.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::sign::Signer;
use super::snapshot::object_id;
use super::write::{Journal, WriteError, WriteLock, write_atomically};
use super::{PanelRepo, RepoError};
use crate::model::ObjectId;
use crate::model::text::sanitize_inline;

/// The remote and branch the current branch is shared through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// The remote's name (`origin`).
    pub remote: String,
    /// The local branch (`refs/heads/main`).
    pub local: String,
    /// The branch on the remote (`refs/heads/main`).
    pub merge: String,
    /// Where the remote's branch is kept here (`refs/remotes/origin/main`).
    pub tracking: String,
}

/// How the `git` program is run for the network.
#[derive(Debug, Clone, Copy)]
pub struct GitRun {
    pub timeout: Duration,
    pub interactive: bool,
}

/// Why a network step failed, as git said it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    Offline(String),
    TimedOut(Duration),
    NeedsCredentials(String),
    Rejected(String),
    /// The remote has no such branch yet.
    NoBranch,
    Failed(String),
}

/// A local commit replayed on the remote's: its id before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replayed {
    pub from: ObjectId,
    pub to: ObjectId,
}

/// What to do with a local commit that changes a file the remote changed differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnConflict {
    /// Find every such file, and replay nothing.
    Stop,
    /// Leave the commit out (it stays on the branch that keeps the local commits).
    Drop,
    /// Set the file to the local commit's version.
    TakeOurs,
}

/// A file a local commit changes that the remote changed differently since they agreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    pub path: String,
    pub ours: ObjectId,
    /// The remote's commit that last changed the path (`None` if none can be named).
    pub theirs: Option<ObjectId>,
}

/// The local commits replayed on the remote's tip.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    /// The new tip (the remote's, when nothing was replayed).
    pub tip: Option<ObjectId>,
    pub replayed: Vec<Replayed>,
    /// Local commits left out: conflicting (with [`OnConflict::Drop`]) or with nothing
    /// left to change.
    pub dropped: Vec<ObjectId>,
    pub clashes: Vec<Clash>,
    /// Commits that were signed and are replayed unsigned, and why.
    pub notes: Vec<String>,
}

/// One commit as git2 holds it, for the record layer: id, author's name, first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: ObjectId,
    pub author: String,
    pub email: String,
    pub summary: String,
}

fn oid(id: &ObjectId) -> Result<git2::Oid, RepoError> {
    git2::Oid::from_str(id.as_str()).map_err(RepoError::git(format!("bad commit id {id}")))
}

impl PanelRepo {
    /// The remote and branch to sync with: the current branch's upstream
    /// (`branch.NAME.remote` and `.merge`), else `origin` and the same branch name; `None`
    /// when there is no such remote.
    pub fn upstream(&self) -> Result<Option<Upstream>, RepoError> {
        let repo = self.git();
        let head = repo
            .find_reference("HEAD")
            .map_err(RepoError::git("cannot read HEAD"))?;
        let Some(local) = head.symbolic_target().ok().flatten().map(str::to_owned) else {
            return Err(RepoError::Io(
                "HEAD is not on a branch (detached at a commit); check out the panel's branch to sync it".into(),
            ));
        };
        let Some(short) = local.strip_prefix("refs/heads/").map(str::to_owned) else {
            return Err(RepoError::Io(format!(
                "HEAD points at {local}, not a branch"
            )));
        };
        let config = repo
            .config()
            .map_err(RepoError::git("cannot read the repository's configuration"))?;
        let configured = config
            .get_string(&format!("branch.{short}.remote"))
            .ok()
            .filter(|r| !r.is_empty() && r != ".");
        let remote = match configured {
            Some(remote) => remote,
            None if repo.find_remote("origin").is_ok() => "origin".to_owned(),
            None => return Ok(None),
        };
        if repo.find_remote(&remote).is_err() {
            return Ok(None);
        }
        let merge = config
            .get_string(&format!("branch.{short}.merge"))
            .ok()
            .filter(|m| m.starts_with("refs/heads/"))
            .unwrap_or_else(|| local.clone());
        let tracking = format!(
            "refs/remotes/{remote}/{}",
            merge.trim_start_matches("refs/heads/")
        );
        Ok(Some(Upstream {
            remote,
            local,
            merge,
            tracking,
        }))
    }

    /// Where a reference points, if it exists.
    pub(crate) fn ref_target(&self, name: &str) -> Option<git2::Oid> {
        self.git().refname_to_id(name).ok()
    }

    /// A reference's target as an id, if it exists.
    pub fn ref_id(&self, name: &str) -> Option<ObjectId> {
        self.ref_target(name).map(object_id)
    }

    /// Fetches the remote's branch into its remote-tracking reference; the tracking
    /// reference's target before and after.
    pub fn fetch_upstream(
        &self,
        up: &Upstream,
        run: GitRun,
    ) -> Result<(Option<ObjectId>, Option<ObjectId>), NetError> {
        let before = self.ref_id(&up.tracking);
        let refspec = format!("+{}:{}", up.merge, up.tracking);
        let args = [
            "fetch",
            "--quiet",
            "--no-tags",
            "--no-write-fetch-head",
            "--end-of-options",
            up.remote.as_str(),
            refspec.as_str(),
        ];
        match self.run_git(&args, run) {
            Ok(_) => {}
            Err(NetError::Failed(message)) if message.contains("couldn't find remote ref") => {
                return Err(NetError::NoBranch);
            }
            Err(e) => return Err(e),
        }
        Ok((before, self.ref_id(&up.tracking)))
    }

    /// Pushes `commit` to the remote's branch (never forced: the remote takes it only if it
    /// has its branch's tip); the tracking reference then names it.
    pub fn push_upstream(
        &self,
        up: &Upstream,
        commit: &ObjectId,
        run: GitRun,
    ) -> Result<(), NetError> {
        let refspec = format!("{commit}:{}", up.merge);
        let args = [
            "push",
            "--porcelain",
            "--end-of-options",
            up.remote.as_str(),
            refspec.as_str(),
        ];
        self.run_git(&args, run)?;
        if let Ok(id) = oid(commit) {
            let _ = self.git().reference(
                &up.tracking,
                id,
                true,
                &format!("kitemark: pushed to {}", up.remote),
            );
        }
        Ok(())
    }

    /// Runs the `git` program in this repository for the network, as [`GitRun`] says:
    /// without a terminal (no prompts, ssh in batch mode, stdin closed) unless interactive,
    /// and killed with everything it started when it outlasts the timeout.
    fn run_git(&self, args: &[&str], run: GitRun) -> Result<String, NetError> {
        let mut cmd = Command::new("git");
        cmd.args(args)
            .current_dir(self.git().path())
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .env_remove("GIT_INDEX_FILE")
            .env("LC_ALL", "C")
            .env("LANGUAGE", "C")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if run.interactive {
            cmd.stdin(Stdio::inherit());
        } else {
            cmd.stdin(Stdio::null())
                .env("GIT_TERMINAL_PROMPT", "0")
                .env("GIT_SSH_COMMAND", self.batch_ssh_command())
                .env("GCM_INTERACTIVE", "never");
            #[cfg(unix)]
            {
                use std::os::unix::process::CommandExt;
                // A session of its own: no controlling terminal, so no credential helper or
                // ssh can open /dev/tty and draw over the interface (or stop, waiting for
                // it); and a process group of its own, so a timeout ends ssh and any helper.
                // SAFETY: setsid is async-signal-safe and touches nothing of the parent's.
                unsafe {
                    cmd.pre_exec(|| {
                        if libc::setsid() == -1 {
                            return Err(std::io::Error::last_os_error());
                        }
                        Ok(())
                    });
                }
            }
            cmd.env("SSH_ASKPASS_REQUIRE", "never");
        }
        let mut child = cmd
            .spawn()
            .map_err(|e| NetError::Failed(format!("cannot run git: {e}")))?;
        // Each pipe is read as it comes; the end of the pipe is waited for only briefly once
        // git has ended, since a process git started may outlive it holding the pipe open
        // (an ssh connection kept for reuse): what was read by then is what git said.
        let drain = |pipe: Option<Box<dyn Read + Send>>| {
            let bytes = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            let (done, ended) = std::sync::mpsc::channel::<()>();
            let sink = std::sync::Arc::clone(&bytes);
            std::thread::spawn(move || {
                if let Some(mut pipe) = pipe {
                    let mut chunk = [0u8; 8192];
                    while let Ok(n) = pipe.read(&mut chunk) {
                        if n == 0 {
                            break;
                        }
                        if let Ok(mut all) = sink.lock() {
                            all.extend_from_slice(&chunk[..n]);
                        }
                    }
                }
                let _ = done.send(());
            });
            (bytes, ended)
        };
        let read_all = |(bytes, ended): (
            std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
            std::sync::mpsc::Receiver<()>,
        )| {
            let _ = ended.recv_timeout(Duration::from_secs(2));
            let all = bytes.lock().map(|b| b.clone()).unwrap_or_default();
            String::from_utf8_lossy(&all).into_owned()
        };
        let stdout = drain(
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let stderr = drain(
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        );
        let started = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) => {}
                Err(e) => return Err(NetError::Failed(format!("cannot wait for git: {e}"))),
            }
            if !run.interactive && started.elapsed() >= run.timeout {
                kill_group(&mut child);
                // The pipes' readers end when the group is gone; they are not waited for.
                return Err(NetError::TimedOut(run.timeout));
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let out = read_all(stdout);
        let err = read_all(stderr);
        if status.success() {
            Ok(out)
        } else {
            Err(classify(&out, &err))
        }
    }

    /// The ssh command git is to run without a terminal: the user's own (`GIT_SSH_COMMAND`,
    /// else `core.sshCommand`, else `ssh`) in batch mode, so that it fails rather than asks.
    fn batch_ssh_command(&self) -> String {
        let own = std::env::var("GIT_SSH_COMMAND")
            .ok()
            .filter(|c| !c.trim().is_empty())
            .or_else(|| {
                self.git()
                    .config()
                    .ok()
                    .and_then(|c| c.get_string("core.sshCommand").ok())
                    .filter(|c| !c.trim().is_empty())
            })
            .unwrap_or_else(|| "ssh".to_owned());
        format!("{own} -o BatchMode=yes")
    }

    /// Commits reachable from `tip` and not from `hide`, oldest first.
    pub fn commits_between(
        &self,
        hide: Option<&ObjectId>,
        tip: &ObjectId,
    ) -> Result<Vec<CommitInfo>, RepoError> {
        let repo = self.git();
        let walk_err = RepoError::git("cannot walk the history");
        let mut walk = repo.revwalk().map_err(walk_err)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .map_err(RepoError::git("cannot walk the history"))?;
        walk.push(oid(tip)?)
            .map_err(RepoError::git("cannot walk the history"))?;
        if let Some(hide) = hide {
            walk.hide(oid(hide)?)
                .map_err(RepoError::git("cannot walk the history"))?;
        }
        let mut out = Vec::new();
        for step in walk {
            let id = step.map_err(RepoError::git("cannot walk the history"))?;
            out.push(self.commit_info(&object_id(id))?);
        }
        Ok(out)
    }

    /// A commit's id, author and first line.
    pub fn commit_info(&self, id: &ObjectId) -> Result<CommitInfo, RepoError> {
        let id = oid(id)?;
        let commit = self
            .git()
            .find_commit(id)
            .map_err(RepoError::git(format!("cannot read commit {id}")))?;
        let author = commit.author();
        Ok(CommitInfo {
            id: object_id(id),
            author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            summary: String::from_utf8_lossy(commit.message_bytes())
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned(),
        })
    }

    /// The commit both sides last agreed on, if any.
    pub fn merge_base_of(&self, a: &ObjectId, b: &ObjectId) -> Result<Option<ObjectId>, RepoError> {
        match self.git().merge_base(oid(a)?, oid(b)?) {
            Ok(id) => Ok(Some(object_id(id))),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(RepoError::git("cannot find where the two sides agreed")(e)),
        }
    }

    /// How many commits `local` has that `remote` lacks, and the other way round.
    pub fn ahead_behind(
        &self,
        local: &ObjectId,
        remote: &ObjectId,
    ) -> Result<(usize, usize), RepoError> {
        self.git()
            .graph_ahead_behind(oid(local)?, oid(remote)?)
            .map_err(RepoError::git("cannot count the commits either side lacks"))
    }

    /// Whether `commit` has more than one parent.
    pub fn is_merge(&self, commit: &ObjectId) -> Result<bool, RepoError> {
        let c = self
            .git()
            .find_commit(oid(commit)?)
            .map_err(RepoError::git(format!("cannot read commit {commit}")))?;
        Ok(c.parent_count() > 1)
    }

    /// Whether `commit` carries a signature.
    pub fn is_signed(&self, commit: &ObjectId) -> bool {
        oid(commit).is_ok_and(|id| self.git().extract_signature(&id, None).is_ok())
    }

    /// Makes a branch at `commit`, never moving one that exists.
    pub fn create_branch_at(&self, name: &str, commit: &ObjectId) -> Result<(), RepoError> {
        self.git()
            .reference(
                &format!("refs/heads/{name}"),
                oid(commit)?,
                false,
                "kitemark: the local commits kept as they were",
            )
            .map(|_| ())
            .map_err(RepoError::git(format!("cannot create branch {name}")))
    }

    /// Replays `commits` (local, oldest first, none a merge) on `onto`, each as its own
    /// changes (against its parent) applied to the tree so far: same author and message,
    /// committer date now, signed again (by `signer`, given the author's email) where the
    /// original was signed. A commit id of an earlier replayed commit named in a later
    /// commit's files or message (a decision's `made_on`) becomes the new id. `since` is the
    /// commit both sides last agreed on, for naming the remote's commit behind a clash.
    pub fn replay(
        &self,
        onto: &ObjectId,
        since: Option<&ObjectId>,
        commits: &[ObjectId],
        on_conflict: OnConflict,
        signer: &dyn Fn(&str) -> Option<Signer>,
    ) -> Result<Replay, RepoError> {
        let repo = self.git();
        let mut out = Replay::default();
        let mut tip = oid(onto)?;
        let mut renamed: Vec<(String, String)> = Vec::new();
        let mut theirs_cache: HashMap<String, Option<git2::Oid>> = HashMap::new();
        for id in commits {
            let commit = repo
                .find_commit(oid(id)?)
                .map_err(RepoError::git(format!("cannot read commit {id}")))?;
            let parent_tree = match commit.parent_count() {
                0 => None,
                1 => Some(
                    commit
                        .parent(0)
                        .and_then(|p| p.tree())
                        .map_err(RepoError::git(format!("cannot read the parent of {id}")))?,
                ),
                _ => {
                    return Err(RepoError::Io(format!(
                        "commit {} is a merge; kitemark replays single commits only, so bring the branch up to date with git (`git pull --rebase`)",
                        id.short()
                    )));
                }
            };
            let tree = commit
                .tree()
                .map_err(RepoError::git(format!("cannot read the tree of {id}")))?;
            let base = repo
                .find_commit(tip)
                .and_then(|c| c.tree())
                .map_err(RepoError::git("cannot read the tree to replay on"))?;
            let diff = repo
                .diff_tree_to_tree(parent_tree.as_ref(), Some(&tree), None)
                .map_err(RepoError::git(format!("cannot read the changes of {id}")))?;
            let mut update = git2::build::TreeUpdateBuilder::new();
            let mut clashes = Vec::new();
            let mut changed = false;
            for delta in diff.deltas() {
                let path = delta_path(&delta)?;
                let was = Some(delta.old_file().id()).filter(|i| !i.is_zero());
                let now = Some(delta.new_file().id()).filter(|i| !i.is_zero());
                let there = base
                    .get_path(Path::new(&path))
                    .ok()
                    .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
                    .map(|e| e.id());
                if there == now {
                    continue;
                }
                if there != was {
                    clashes.push(path.clone());
                    if on_conflict != OnConflict::TakeOurs {
                        continue;
                    }
                }
                changed = true;
                match now {
                    None => {
                        update.remove(path.as_str());
                    }
                    Some(blob) => {
                        let blob = self.renamed_blob(blob, &renamed)?;
                        let mode = match delta.new_file().mode() {
                            git2::FileMode::BlobExecutable => git2::FileMode::BlobExecutable,
                            _ => git2::FileMode::Blob,
                        };
                        update.upsert(path.as_str(), blob, mode);
                    }
                }
            }
            if !clashes.is_empty() && on_conflict != OnConflict::TakeOurs {
                for path in clashes {
                    let theirs = match theirs_cache.get(&path) {
                        Some(t) => *t,
                        None => {
                            let t = self.last_change(oid(onto)?, since, &path);
                            theirs_cache.insert(path.clone(), t);
                            t
                        }
                    };
                    out.clashes.push(Clash {
                        path,
                        ours: object_id(commit.id()),
                        theirs: theirs.map(object_id),
                    });
                }
                out.dropped.push(object_id(commit.id()));
                continue;
            }
            if !changed {
                out.dropped.push(object_id(commit.id()));
                continue;
            }
            if on_conflict == OnConflict::Stop && !out.clashes.is_empty() {
                // Nothing is written once a clash is found; the rest is read for more.
                continue;
            }
            let new_tree = update
                .create_updated(repo, &base)
                .and_then(|t| repo.find_tree(t))
                .map_err(RepoError::git(format!("cannot build the tree for {id}")))?;
            let message = rename_text(&String::from_utf8_lossy(commit.message_bytes()), &renamed);
            let new = self.write_replayed(&commit, &new_tree, tip, &message, signer, &mut out)?;
            renamed.push((commit.id().to_string(), new.to_string()));
            out.replayed.push(Replayed {
                from: object_id(commit.id()),
                to: object_id(new),
            });
            tip = new;
        }
        out.tip = Some(object_id(tip));
        Ok(out)
    }

    /// A blob with earlier replayed commits' ids replaced by their new ids.
    fn renamed_blob(
        &self,
        blob: git2::Oid,
        renamed: &[(String, String)],
    ) -> Result<git2::Oid, RepoError> {
        if renamed.is_empty() {
            return Ok(blob);
        }
        let repo = self.git();
        let content = repo
            .find_blob(blob)
            .map_err(RepoError::git(format!("cannot read blob {blob}")))?;
        let Ok(text) = std::str::from_utf8(content.content()) else {
            return Ok(blob);
        };
        let new = rename_text(text, renamed);
        if new == text {
            return Ok(blob);
        }
        repo.blob(new.as_bytes())
            .map_err(RepoError::git("cannot store a replayed file"))
    }

    /// The replayed commit object: the original's author and message, committer date now,
    /// signed again if the original was.
    fn write_replayed(
        &self,
        original: &git2::Commit<'_>,
        tree: &git2::Tree<'_>,
        parent: git2::Oid,
        message: &str,
        signer: &dyn Fn(&str) -> Option<Signer>,
        out: &mut Replay,
    ) -> Result<git2::Oid, RepoError> {
        let repo = self.git();
        let parent = repo
            .find_commit(parent)
            .map_err(RepoError::git("cannot read the commit to replay on"))?;
        let author = original.author();
        let committer = original.committer();
        let committer = git2::Signature::now(
            &String::from_utf8_lossy(committer.name_bytes()),
            &String::from_utf8_lossy(committer.email_bytes()),
        )
        .map_err(RepoError::git("cannot make the committer"))?;
        let text = repo
            .commit_create_buffer(&author, &committer, message, tree, &[&parent])
            .map_err(RepoError::git("cannot write the replayed commit"))?;
        let short = &original.id().to_string()[..7];
        let summary = sanitize_inline(message.lines().next().unwrap_or_default()).into_owned();
        let was_signed = repo.extract_signature(&original.id(), None).is_ok();
        let mut signature = None;
        if was_signed {
            let email = String::from_utf8_lossy(author.email_bytes()).into_owned();
            match signer(&email) {
                None => out.notes.push(format!(
                    "{short} \"{summary}\" was signed and is replayed unsigned: its author is not a panel member with keys"
                )),
                Some(signer) => match self.sign(&signer, &text, jiff::Zoned::now().date()) {
                    Ok((Some(s), _)) => signature = Some(s),
                    Ok((None, why)) => out.notes.push(format!(
                        "{short} \"{summary}\" was signed and is replayed unsigned: {}",
                        why.as_deref()
                            .map(|w| w.trim_start_matches("recorded unsigned: "))
                            .unwrap_or("no key to sign with")
                    )),
                    Err(e) => out.notes.push(format!(
                        "{short} \"{summary}\" was signed and is replayed unsigned: {e}"
                    )),
                },
            }
        }
        match signature {
            Some(signature) => {
                let text = std::str::from_utf8(&text).map_err(|_| {
                    RepoError::Io("the commit's text is not UTF-8 and cannot be signed".into())
                })?;
                repo.commit_signed(text, &signature, None)
                    .map_err(RepoError::git("cannot write the signed commit"))
            }
            None => repo
                .odb()
                .and_then(|odb| odb.write(git2::ObjectType::Commit, &text))
                .map_err(RepoError::git("cannot write the replayed commit")),
        }
    }

    /// The newest commit from `tip` back to `since` that changed `path`.
    fn last_change(
        &self,
        tip: git2::Oid,
        since: Option<&ObjectId>,
        path: &str,
    ) -> Option<git2::Oid> {
        let repo = self.git();
        let mut walk = repo.revwalk().ok()?;
        walk.push(tip).ok()?;
        if let Some(since) = since.and_then(|s| oid(s).ok()) {
            walk.hide(since).ok()?;
        }
        let at = |c: &git2::Commit<'_>| {
            c.tree()
                .ok()
                .and_then(|t| t.get_path(Path::new(path)).ok().map(|e| e.id()))
        };
        for step in walk {
            let commit = repo.find_commit(step.ok()?).ok()?;
            let mine = at(&commit);
            let before = commit.parent(0).ok().and_then(|p| at(&p));
            if mine != before {
                return Some(commit.id());
            }
        }
        None
    }

    /// Moves the current branch from `expected` to `commit` (a commit others made, or the
    /// local commits replayed on theirs), bringing the index and working tree along as a
    /// recording does: the files that differ are written through the journal, so a crash
    /// leaves the old state or the new. A path with uncommitted changes of its own stops it
    /// before anything changes.
    pub fn advance_branch(
        &self,
        lock: &WriteLock,
        expected: &ObjectId,
        commit: &ObjectId,
    ) -> Result<(), WriteError> {
        let reserved = lock.take_reserved();
        let (branch, tip) = self.branch_for_writing()?;
        let tip_text = tip.map(|t| t.to_string());
        if tip_text.as_deref() != Some(expected.as_str()) {
            return Err(WriteError::BranchMoved {
                expected: expected.short().to_owned(),
                found: tip_text.map_or_else(|| "no commit".into(), |t| t[..7].to_owned()),
            });
        }
        let new = oid(commit)?;
        let repo = self.git();
        let summary = repo
            .find_commit(new)
            .ok()
            .and_then(|c| c.summary().ok().flatten().map(str::to_owned))
            .unwrap_or_default();
        let log = format!("kitemark sync: {summary}");
        let Some(work) = self.work_tree() else {
            return self.move_branch(&branch, new, tip, &log, &[self.path()]);
        };
        let (files, removed) = self.tree_changes(tip, new)?;
        let mut journal = Journal {
            branch,
            parent: tip.map(object_id),
            commit: commit.clone(),
            summary,
            git_dir: work.git_dir.clone(),
            work_dir: work.dir.clone(),
            index: None,
            files: Vec::new(),
        };
        let targets: Vec<PathBuf> = files
            .iter()
            .map(|(path, _)| work.place(path, false))
            .collect::<Result<_, _>>()?;
        // The branch is brought up to others' commits exactly as a recording puts its own in
        // place; what is left unfinished after the branch moved is an error here, for the
        // sync to report.
        self.put_in_place(
            &work,
            &mut journal,
            tip,
            new,
            &files,
            &removed,
            &targets,
            reserved,
            &log,
        )?
        .map_err(|unfinished| WriteError::Repo(RepoError::Io(unfinished)))?;
        Ok(())
    }

    /// The files that differ between two commits: new contents, and paths removed.
    #[allow(clippy::type_complexity)]
    fn tree_changes(
        &self,
        from: Option<git2::Oid>,
        to: git2::Oid,
    ) -> Result<(Vec<(String, Vec<u8>)>, Vec<String>), WriteError> {
        let repo = self.git();
        let tree_of = |id: git2::Oid| {
            repo.find_commit(id)
                .and_then(|c| c.tree())
                .map_err(RepoError::git(format!("cannot read the tree of {id}")))
        };
        let old = from.map(tree_of).transpose()?;
        let new = tree_of(to)?;
        let diff = repo
            .diff_tree_to_tree(old.as_ref(), Some(&new), None)
            .map_err(RepoError::git("cannot compare the two commits"))?;
        let mut files = Vec::new();
        let mut removed = Vec::new();
        for delta in diff.deltas() {
            let path = delta_path(&delta)?;
            let id = delta.new_file().id();
            if id.is_zero() {
                removed.push(path);
            } else {
                let blob = repo
                    .find_blob(id)
                    .map_err(RepoError::git(format!("cannot read {path}")))?;
                files.push((path, blob.content().to_vec()));
            }
        }
        Ok((files, removed))
    }

    /// Reads one of kitemark's own state files under `.git/kitemark/`, if it is there.
    pub fn read_state<T: serde::de::DeserializeOwned>(&self, name: &str) -> Option<T> {
        let text = std::fs::read_to_string(self.kitemark_dir().join(name)).ok()?;
        crate::model::format::from_ron(&text).ok()
    }

    /// Writes one of kitemark's own state files under `.git/kitemark/`, all at once.
    pub fn write_state<T: serde::Serialize>(&self, name: &str, value: &T) -> Result<(), RepoError> {
        let text = crate::model::format::to_ron(value).map_err(|e| RepoError::Io(e.to_string()))?;
        write_atomically(&self.kitemark_dir().join(name), text.as_bytes())
    }

    /// Removes one of kitemark's own state files.
    pub fn remove_state(&self, name: &str) {
        let _ = std::fs::remove_file(self.kitemark_dir().join(name));
    }

    /// The state file's path, for messages.
    pub fn state_path(&self, name: &str) -> PathBuf {
        self.kitemark_dir().join(name)
    }
}

/// The path a change is to, refusing one that is not UTF-8 rather than leaving it out:
/// kitemark names every file it writes in UTF-8, so such a path is someone else's, and a
/// change must never be lost silently.
fn delta_path(delta: &git2::DiffDelta<'_>) -> Result<String, RepoError> {
    let path = delta.new_file().path().or_else(|| delta.old_file().path());
    match path.and_then(Path::to_str) {
        Some(path) => Ok(path.to_owned()),
        None => Err(RepoError::Io(format!(
            "a commit changes {}, whose name is not UTF-8; kitemark cannot carry it over, so bring the branch up to date with git",
            path.map_or_else(
                || "a file".to_owned(),
                |p| sanitize_inline(&p.to_string_lossy()).into_owned()
            )
        ))),
    }
}

/// Replaces each old full commit id in `text` with its new one.
fn rename_text(text: &str, renamed: &[(String, String)]) -> String {
    let mut out = text.to_owned();
    for (from, to) in renamed {
        if out.contains(from.as_str()) {
            out = out.replace(from.as_str(), to);
        }
    }
    out
}

/// Ends a child and every process it started (ssh, a credential helper): it was made the
/// leader of its own process group.
fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        if let Ok(pid) = i32::try_from(child.id()) {
            // SAFETY: killpg only sends a signal; the group is the child's own.
            unsafe {
                libc::killpg(pid, libc::SIGKILL);
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// What a failed fetch or push means, from what git said. The remote's own lines
/// (`remote: …`) are made inert.
pub(crate) fn classify(stdout: &str, stderr: &str) -> NetError {
    let lower = stderr.to_lowercase();
    let rejected = stdout
        .lines()
        .chain(stderr.lines())
        .any(|l| l.starts_with('!') || l.contains("[rejected]") || l.contains("[remote rejected]"));
    let said = |text: &str| -> String {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("hint:"))
            .map(|l| sanitize_inline(l).into_owned())
            .collect::<Vec<_>>()
            .join("; ")
    };
    if rejected {
        let remote: Vec<String> = stderr
            .lines()
            .filter_map(|l| l.strip_prefix("remote:"))
            .map(|l| sanitize_inline(l.trim()).into_owned())
            .filter(|l| !l.is_empty())
            .collect();
        let reason: Vec<String> = stdout
            .lines()
            .filter(|l| l.starts_with('!'))
            .filter_map(|l| l.split('\t').nth(2))
            .map(|r| sanitize_inline(r.trim()).into_owned())
            .collect();
        let mut parts = remote;
        if reason
            .iter()
            .any(|r| r.contains("fetch first") || r.contains("non-fast-forward"))
        {
            parts.push("the remote has commits this repository does not have yet; `kitemark sync` brings them in first".into());
        } else {
            parts.extend(reason);
        }
        if parts.is_empty() {
            parts.push(said(stderr));
        }
        return NetError::Rejected(parts.join("; "));
    }
    const OFFLINE: [&str; 10] = [
        "could not resolve host",
        "unable to connect",
        "connection refused",
        "network is unreachable",
        "failed to connect",
        "connection timed out",
        "no route to host",
        "temporary failure in name resolution",
        "could not resolve hostname",
        "unable to look up",
    ];
    const CREDENTIALS: [&str; 9] = [
        "authentication failed",
        "could not read username",
        "could not read password",
        "terminal prompts disabled",
        "permission denied (publickey",
        "host key verification failed",
        "access denied",
        "the requested url returned error: 401",
        "the requested url returned error: 403",
    ];
    if CREDENTIALS.iter().any(|p| lower.contains(p)) {
        NetError::NeedsCredentials(said(stderr))
    } else if OFFLINE.iter().any(|p| lower.contains(p)) {
        NetError::Offline(said(stderr))
    } else {
        NetError::Failed(said(stderr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_is_offline() {
        let e = classify(
            "",
            "fatal: unable to connect to 127.0.0.1:\n127.0.0.1[0: 127.0.0.1]: errno=Connection refused\n",
        );
        assert!(matches!(e, NetError::Offline(m) if m.contains("Connection refused")));
        let e = classify(
            "",
            "ssh: Could not resolve hostname panel.example.org: Name or service not known\nfatal: Could not read from remote repository.\n",
        );
        assert!(matches!(e, NetError::Offline(_)));
    }

    #[test]
    fn a_missing_password_or_key_needs_credentials() {
        let e = classify(
            "",
            "fatal: could not read Username for 'https://git.example.org': terminal prompts disabled\n",
        );
        assert!(matches!(e, NetError::NeedsCredentials(_)));
        let e = classify(
            "",
            "git@git.example.org: Permission denied (publickey).\nfatal: Could not read from remote repository.\n",
        );
        assert!(matches!(e, NetError::NeedsCredentials(_)));
    }

    #[test]
    fn a_hook_refusal_is_rejected_with_the_remote_lines_made_inert() {
        let e = classify(
            "To git://127.0.0.1/panel.git\n!\tabc:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nDone\n",
            "remote: Decision not signed \u{1b}[2J\nerror: failed to push some refs to 'git://127.0.0.1/panel.git'\n",
        );
        let NetError::Rejected(message) = e else {
            panic!("{e:?}")
        };
        assert!(message.contains("Decision not signed"), "{message}");
        assert!(message.contains("pre-receive hook declined"), "{message}");
        assert!(!message.contains('\u{1b}'), "{message}");
    }

    #[test]
    fn a_push_behind_the_remote_says_to_sync() {
        let e = classify(
            "!\tabc:refs/heads/main\t[rejected] (fetch first)\n",
            "error: failed to push some refs\nhint: Updates were rejected\n",
        );
        assert!(matches!(e, NetError::Rejected(m) if m.contains("kitemark sync")));
    }

    /// A repository whose commits are made directly, each by `who` at a fixed time.
    struct Fixture {
        _dir: tempfile::TempDir,
        panel: PanelRepo,
    }

    impl Fixture {
        fn new() -> Self {
            let dir = tempfile::tempdir().unwrap();
            let repo = git2::Repository::init_bare(dir.path()).unwrap();
            Self {
                _dir: dir,
                panel: PanelRepo::from_git(repo),
            }
        }

        fn commit(
            &self,
            parent: Option<&ObjectId>,
            files: &[(&str, &str)],
            message: &str,
            when: i64,
        ) -> ObjectId {
            let repo = self.panel.git();
            let parent = parent.map(|p| repo.find_commit(oid(p).unwrap()).unwrap());
            let mut update = git2::build::TreeUpdateBuilder::new();
            for (path, text) in files {
                let blob = repo.blob(text.as_bytes()).unwrap();
                update.upsert(*path, blob, git2::FileMode::Blob);
            }
            let base = match &parent {
                Some(p) => p.tree().unwrap(),
                None => repo
                    .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
                    .unwrap(),
            };
            let tree = repo
                .find_tree(update.create_updated(repo, &base).unwrap())
                .unwrap();
            let who = git2::Signature::new(
                "Tom Whitlock",
                "t.whitlock@example.org",
                &git2::Time::new(when, 60),
            )
            .unwrap();
            let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
            object_id(
                repo.commit(None, &who, &who, message, &tree, &parents)
                    .unwrap(),
            )
        }

        fn file(&self, commit: &ObjectId, path: &str) -> Option<String> {
            let repo = self.panel.git();
            let tree = repo
                .find_commit(oid(commit).unwrap())
                .unwrap()
                .tree()
                .unwrap();
            let entry = tree.get_path(Path::new(path)).ok()?;
            let blob = repo.find_blob(entry.id()).unwrap();
            Some(String::from_utf8(blob.content().to_vec()).unwrap())
        }

        fn message(&self, commit: &ObjectId) -> String {
            let repo = self.panel.git();
            let c = repo.find_commit(oid(commit).unwrap()).unwrap();
            String::from_utf8(c.message_bytes().to_vec()).unwrap()
        }
    }

    const BASE_TIME: i64 = 1_764_000_000;

    /// Base: a submission; remote: a meeting; local: the submission revised, then a
    /// decision made on that revision.
    fn diverged(f: &Fixture) -> (ObjectId, ObjectId, ObjectId, ObjectId) {
        let base = f.commit(
            None,
            &[("submissions/a/plan.ron", "one\n")],
            "Submission",
            BASE_TIME,
        );
        let remote = f.commit(
            Some(&base),
            &[("meetings/2026-12-02.ron", "theirs\n")],
            "Meeting: 2026-12-02",
            BASE_TIME + 60,
        );
        let revised = f.commit(
            Some(&base),
            &[("submissions/a/plan.ron", "two\n")],
            "Submission: revised",
            BASE_TIME + 120,
        );
        let decision = f.commit(
            Some(&revised),
            &[(
                "decisions/a/2026-27/2026-12-02-initial.ron",
                &format!("made_on: Some((commit: \"{revised}\"))\n"),
            )],
            &format!("Decision: a\n\nSubmission-Commit: {revised}\n"),
            BASE_TIME + 180,
        );
        (base, remote, revised, decision)
    }

    #[test]
    fn local_commits_are_replayed_on_the_remotes_with_their_authors_and_made_on_renamed() {
        let f = Fixture::new();
        let (base, remote, revised, decision) = diverged(&f);
        let replay = f
            .panel
            .replay(
                &remote,
                Some(&base),
                &[revised.clone(), decision.clone()],
                OnConflict::Stop,
                &|_| None,
            )
            .unwrap();
        assert!(replay.clashes.is_empty());
        assert_eq!(replay.replayed.len(), 2);
        let new_revised = &replay.replayed[0].to;
        let tip = replay.tip.clone().unwrap();
        assert_eq!(&replay.replayed[1].to, &tip);
        assert_eq!(
            f.file(&tip, "meetings/2026-12-02.ron").as_deref(),
            Some("theirs\n")
        );
        assert_eq!(
            f.file(&tip, "submissions/a/plan.ron").as_deref(),
            Some("two\n")
        );
        // The decision names the replayed revision, in its file and its trailer.
        let made_on = f
            .file(&tip, "decisions/a/2026-27/2026-12-02-initial.ron")
            .unwrap();
        assert_eq!(
            made_on,
            format!("made_on: Some((commit: \"{new_revised}\"))\n")
        );
        assert!(
            f.message(&tip)
                .contains(&format!("Submission-Commit: {new_revised}"))
        );
        assert!(!f.message(&tip).contains(revised.as_str()));
        // Same author and author date; parents in order on the remote's tip.
        let repo = f.panel.git();
        let new = repo.find_commit(oid(new_revised).unwrap()).unwrap();
        assert_eq!(new.author().when().seconds(), BASE_TIME + 120);
        assert_eq!(new.author().name().ok(), Some("Tom Whitlock"));
        assert_eq!(object_id(new.parent_id(0).unwrap()), remote);
        assert!(new.committer().when().seconds() > BASE_TIME + 180);
    }

    #[test]
    fn a_file_both_sides_changed_differently_is_a_clash_each_way_can_settle() {
        let f = Fixture::new();
        let (base, remote, _, _) = diverged(&f);
        let ours = f.commit(
            Some(&base),
            &[("meetings/2026-12-02.ron", "ours\n")],
            "Meeting: 2026-12-02 (ours)",
            BASE_TIME + 240,
        );
        let same = f.commit(
            Some(&ours),
            &[("decisions/b.ron", "b\n")],
            "Decision: b",
            BASE_TIME + 300,
        );
        let commits = [ours.clone(), same.clone()];
        let stop = f
            .panel
            .replay(&remote, Some(&base), &commits, OnConflict::Stop, &|_| None)
            .unwrap();
        assert_eq!(
            stop.clashes,
            vec![Clash {
                path: "meetings/2026-12-02.ron".into(),
                ours: ours.clone(),
                theirs: Some(remote.clone()),
            }]
        );

        let theirs = f
            .panel
            .replay(&remote, Some(&base), &commits, OnConflict::Drop, &|_| None)
            .unwrap();
        assert_eq!(theirs.dropped, vec![ours.clone()]);
        let tip = theirs.tip.unwrap();
        assert_eq!(
            f.file(&tip, "meetings/2026-12-02.ron").as_deref(),
            Some("theirs\n")
        );
        assert_eq!(f.file(&tip, "decisions/b.ron").as_deref(), Some("b\n"));

        let mine = f
            .panel
            .replay(
                &remote,
                Some(&base),
                &commits,
                OnConflict::TakeOurs,
                &|_| None,
            )
            .unwrap();
        assert_eq!(mine.replayed.len(), 2);
        let tip = mine.tip.unwrap();
        assert_eq!(
            f.file(&tip, "meetings/2026-12-02.ron").as_deref(),
            Some("ours\n")
        );
        assert_eq!(
            f.message(&mine.replayed[0].to),
            "Meeting: 2026-12-02 (ours)"
        );
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_clash() {
        let f = Fixture::new();
        let (base, remote, _, _) = diverged(&f);
        let same = f.commit(
            Some(&base),
            &[("meetings/2026-12-02.ron", "theirs\n")],
            "Meeting: 2026-12-02",
            BASE_TIME + 240,
        );
        let replay = f
            .panel
            .replay(
                &remote,
                Some(&base),
                std::slice::from_ref(&same),
                OnConflict::Stop,
                &|_| None,
            )
            .unwrap();
        assert!(replay.clashes.is_empty());
        assert_eq!(replay.dropped, vec![same]);
        assert_eq!(replay.tip, Some(remote));
    }

    #[test]
    fn ids_of_replayed_commits_are_renamed_in_text() {
        let renamed = vec![("a".repeat(40), "b".repeat(40))];
        let text = format!("made_on: Some((commit: \"{}\",", "a".repeat(40));
        assert_eq!(
            rename_text(&text, &renamed),
            format!("made_on: Some((commit: \"{}\",", "b".repeat(40))
        );
    }
}
