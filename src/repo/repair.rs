//! Finishing or undoing a write that a writer left half done, and tidying what a stopped
//! writer (kitemark's or git's) leaves behind: what the next kitemark does when it takes the
//! write lock, and what `kitemark repair` does.
//!
//! The journal decides: if the branch reached the journal's commit, the write is finished
//! (files in place, the index updated); if it did not, the write is undone (the files put
//! back as they were, kitemark's lock on the index removed). Either way the branch, index
//! and working tree end in agreement. A git lock file that kitemark did not make is removed
//! only with proof that no process holds it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::locks::{GitLock, Holding, is_running, token_pid, who_holds};
use super::snapshot::{object_id, oid_of};
use super::write::{
    INDEX_LOCK_WAIT, Journal, WorkTree, WriteError, WriteLock, blob_id_of_file, index_entry,
    temporary_owner, write_atomically,
};
use super::{PanelRepo, RepoError};
use crate::model::format::from_ron;
use crate::model::{ObjectId, text::sanitize_inline};

/// What `kitemark repair` did, and what it found that a person must see to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Repair {
    pub done: Vec<String>,
    pub attention: Vec<String>,
}

fn io(context: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> WriteError {
    let context = context.to_string();
    move |e| WriteError::Repo(RepoError::Io(format!("{context}: {e}")))
}

/// The id a file's content has as a blob, or `None` if it is missing or unreadable.
fn file_id(path: &Path) -> Option<git2::Oid> {
    blob_id_of_file(path).ok().flatten()
}

/// A commit's id as people see it.
fn short(id: &ObjectId) -> &str {
    id.as_str().get(..7).unwrap_or(id.as_str())
}

/// The folders kitemark writes in, from the top of the working tree.
const PANEL_FOLDERS: [&str; 5] = [
    "decisions",
    "meetings",
    "conditions",
    "submissions",
    "rubrics",
];

impl PanelRepo {
    /// A write left half done by a kitemark that stopped (`recording "…" (commit …)`), if
    /// there is one and no kitemark is writing now. Cheap: one file and one lock are looked at.
    pub fn half_done(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.journal_path()).ok();
        let own_lock = token_pid(&self.git().path().join("index.lock"));
        if text.is_none() && own_lock.is_none() {
            return None;
        }
        let lock = super::locks::open_lock_file(&self.kitemark_dir().join("write.lock")).ok()?;
        // A writer at work holds the lock: its journal is not left behind.
        lock.try_lock().ok()?;
        let Some(text) = text else {
            return Some(
                "git's index lock, taken by a kitemark that stopped before recording anything"
                    .into(),
            );
        };
        Some(match from_ron::<Journal>(&text) {
            Ok(journal) => format!(
                "recording \"{}\" (commit {})",
                sanitize_inline(&journal.summary),
                short(&journal.commit)
            ),
            Err(_) => "a recording whose journal cannot be read".into(),
        })
    }

    /// Finishes or undoes a write left half done, if there is one: what every command does
    /// before it reads the repository. Says what it did.
    pub fn finish_half_done(&self) -> Result<Vec<String>, WriteError> {
        if self.half_done().is_none() && !self.legacy_journal_path().exists() {
            return Ok(Vec::new());
        }
        Ok(self.lock_for_writing(Duration::from_secs(2))?.repaired)
    }

    /// Where an earlier kitemark kept its journal (a commit and paths), per worktree.
    fn legacy_journal_path(&self) -> PathBuf {
        self.git().path().join("kitemark").join("pending.ron")
    }

    /// Under the write lock: finishes or undoes what the journal describes.
    pub(super) fn finish_pending(&self, _lock: &WriteLock) -> Result<Vec<String>, WriteError> {
        let mut report = Vec::new();
        self.finish_legacy(&mut report)?;
        let path = self.journal_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.remove_own_index_lock(&mut report);
                return Ok(report);
            }
            Err(e) => return Err(io(format!("cannot read {}", path.display()))(e)),
        };
        let journal: Journal = match from_ron(&text) {
            Ok(journal) => journal,
            Err(e) => {
                // Never act on a journal that cannot be understood; keep it for a person.
                let aside = path.with_extension("ron.unreadable");
                std::fs::rename(&path, &aside)
                    .map_err(io(format!("cannot move {} aside", path.display())))?;
                report.push(format!(
                    "kitemark's journal could not be read ({}); it was moved to {} and nothing was done with it",
                    sanitize_inline(&e.message),
                    aside.display()
                ));
                return Ok(report);
            }
        };
        let repo = self.git();
        let tip = repo.refname_to_id(&journal.branch).ok();
        let commit = oid_of(&journal.commit);
        // libgit2 leaves the branch's lock file behind if it dies while moving the branch;
        // the lock is kitemark's when it names the journal's commit.
        // libgit2 creates the lock before it writes the id into it, so an empty lock that no
        // process holds is the stopped writer's too.
        let ref_lock = repo.commondir().join(format!("{}.lock", journal.branch));
        let holders = [journal.work_dir.clone(), journal.git_dir.clone()];
        let ours = std::fs::read_to_string(&ref_lock).is_ok_and(|t| {
            t.trim() == journal.commit.as_str()
                || (t.is_empty() && who_holds(&ref_lock, &holders).is_stale())
        });
        if ours {
            std::fs::remove_file(&ref_lock)
                .map_err(io(format!("cannot remove {}", ref_lock.display())))?;
            report.push(format!(
                "removed the branch's lock file .git/{}.lock, left by the kitemark that stopped",
                journal.branch
            ));
        }
        let on_branch = match (tip, commit) {
            (Some(tip), Some(commit)) => {
                tip == commit || repo.graph_descendant_of(tip, commit).unwrap_or(false)
            }
            _ => false,
        };
        if on_branch {
            self.roll_forward(&journal, &mut report)?;
        } else {
            self.roll_back(&journal, tip, &mut report);
        }
        let _ = std::fs::remove_file(self.next_index_path());
        std::fs::remove_file(&path).map_err(io(format!("cannot remove {}", path.display())))?;
        Ok(report)
    }

    /// git's index lock as a kitemark that stopped before writing its journal left it: it
    /// holds kitemark's token and nothing else. Every kitemark that takes the index lock
    /// holds the write lock first, and this writer holds that now, so the lock is stale.
    fn remove_own_index_lock(&self, report: &mut Vec<String>) {
        let lock = self.git().path().join("index.lock");
        if let Some(pid) = token_pid(&lock)
            && std::fs::remove_file(&lock).is_ok()
        {
            report.push(format!(
                "removed .git/index.lock, left by kitemark (process {pid}) when it stopped before recording anything"
            ));
        }
    }

    /// An earlier kitemark's journal: a commit whose working tree and index were not yet
    /// brought up to date. Finished if that commit is still the branch's tip.
    fn finish_legacy(&self, report: &mut Vec<String>) -> Result<(), WriteError> {
        #[derive(serde::Deserialize)]
        struct Pending {
            commit: ObjectId,
            paths: Vec<String>,
        }
        let path = self.legacy_journal_path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Ok(());
        };
        if let (Ok(pending), Some(work)) = (from_ron::<Pending>(&text), self.work_tree()) {
            let (_, tip) = self.branch_for_writing()?;
            if tip.map(object_id).as_ref() == Some(&pending.commit) {
                let files = self.files_at(&pending.commit, &pending.paths)?;
                self.stage_paths(&work, &files, true)?;
                report.push(format!(
                    "finished commit {}, which a kitemark that stopped had left half done: {} now in the index and working tree",
                    short(&pending.commit),
                    pending.paths.join(", ")
                ));
            }
        }
        std::fs::remove_file(&path).map_err(io(format!("cannot remove {}", path.display())))
    }

    /// The blob at each path in a commit (paths it lacks are left out).
    fn files_at(
        &self,
        commit: &ObjectId,
        paths: &[String],
    ) -> Result<Vec<(String, git2::Oid)>, WriteError> {
        let tree = oid_of(commit)
            .and_then(|c| self.git().find_commit(c).ok())
            .and_then(|c| c.tree().ok())
            .ok_or_else(|| {
                WriteError::Repo(RepoError::Io(format!("cannot read commit {commit}")))
            })?;
        Ok(paths
            .iter()
            .filter_map(|p| {
                let entry = tree.get_path(Path::new(p)).ok()?;
                (entry.kind() == Some(git2::ObjectType::Blob)).then(|| (p.clone(), entry.id()))
            })
            .collect())
    }

    /// Writes a blob's content to a file in the working tree, in one step.
    fn restore_file(&self, target: &Path, id: git2::Oid) -> Result<(), WriteError> {
        let blob = self
            .git()
            .find_blob(id)
            .map_err(RepoError::git(format!("cannot read blob {id}")))?;
        write_atomically(target, blob.content())?;
        Ok(())
    }

    /// Finishes a write whose commit is on the branch: its files in the working tree, the
    /// index holding them.
    fn roll_forward(&self, journal: &Journal, report: &mut Vec<String>) -> Result<(), WriteError> {
        let work = WorkTree {
            dir: journal.work_dir.clone(),
            git_dir: journal.git_dir.clone(),
        };
        let mut left = Vec::new();
        for file in &journal.files {
            let Some(new) = oid_of(&file.new) else {
                continue;
            };
            let target = match work.place(&file.path, true) {
                Ok(target) => target,
                Err(e) => {
                    left.push(format!("{}: {e}", file.path));
                    continue;
                }
            };
            let now = file_id(&target);
            let old = file.old.as_ref().and_then(oid_of);
            if now != Some(new) {
                if now.is_none() || now == old {
                    let temporary = file.temporary.as_ref().filter(|t| file_id(t) == Some(new));
                    match temporary {
                        Some(temporary) => std::fs::rename(temporary, &target)
                            .map_err(io(format!("cannot put {} in place", file.path)))?,
                        None => self.restore_file(&target, new)?,
                    }
                } else {
                    left.push(format!(
                        "{} has other changes in the working tree; they were left as they are",
                        file.path
                    ));
                }
            }
            if let Some(temporary) = &file.temporary {
                let _ = std::fs::remove_file(temporary);
            }
        }
        let lock = work.index_lock();
        let staged = std::fs::read(&lock)
            .ok()
            .and_then(|c| git2::Oid::hash_object(git2::ObjectType::Blob, &c).ok())
            .map(object_id);
        if staged.is_some() && staged == journal.index {
            std::fs::rename(&lock, work.index())
                .map_err(io(format!("cannot write {}", work.shown(&work.index()))))?;
        } else {
            if token_pid(&lock).is_some() {
                // kitemark's own lock from before the index was staged: nothing in it.
                let _ = std::fs::remove_file(&lock);
            }
            let files: Vec<(String, git2::Oid)> = journal
                .files
                .iter()
                .filter_map(|f| Some((f.path.clone(), oid_of(&f.new)?)))
                .collect();
            self.stage_paths(&work, &files, false)?;
        }
        let paths: Vec<&str> = journal.files.iter().map(|f| f.path.as_str()).collect();
        report.push(format!(
            "finished recording \"{}\" (commit {}), which a kitemark that stopped had left half done: {} now in the index and working tree",
            sanitize_inline(&journal.summary),
            short(&journal.commit),
            paths.join(", ")
        ));
        report.extend(left);
        Ok(())
    }

    /// Undoes a write whose commit never reached the branch.
    fn roll_back(&self, journal: &Journal, tip: Option<git2::Oid>, report: &mut Vec<String>) {
        self.undo_files(journal, report);
        let lock = journal.git_dir.join("index.lock");
        let staged = std::fs::read(&lock)
            .ok()
            .and_then(|c| git2::Oid::hash_object(git2::ObjectType::Blob, &c).ok())
            .map(object_id);
        // kitemark's if it holds kitemark's token (every kitemark writer is stopped: this
        // one holds the write lock) or the index the journal staged.
        if token_pid(&lock).is_some() || (staged.is_some() && staged == journal.index) {
            let _ = std::fs::remove_file(&lock);
        }
        let parent = journal.parent.as_ref().and_then(oid_of);
        if tip.is_some() && tip != parent {
            report.push(format!(
                "recording \"{}\" did not reach the branch, which another program has moved since; the index and working tree are as they were. Its commit {} still exists: `git cherry-pick {}` brings it back",
                sanitize_inline(&journal.summary),
                short(&journal.commit),
                short(&journal.commit)
            ));
        } else {
            report.push(format!(
                "undid recording \"{}\", which a kitemark that stopped had begun: it was not recorded, and the index and working tree are as they were; record it again",
                sanitize_inline(&journal.summary)
            ));
        }
    }

    /// Puts back the working tree's files as they were before a write, where they still
    /// hold what the write put there, and removes its temporary files.
    pub(super) fn undo_files(&self, journal: &Journal, report: &mut Vec<String>) {
        let work = WorkTree {
            dir: journal.work_dir.clone(),
            git_dir: journal.git_dir.clone(),
        };
        for file in &journal.files {
            if let Some(temporary) = &file.temporary
                && std::fs::remove_file(temporary).is_ok()
            {
                remove_empty_folders(&work.dir, temporary);
            }
            let Ok(target) = work.place(&file.path, false) else {
                continue;
            };
            let new = oid_of(&file.new);
            if file_id(&target) != new || file.was.as_ref() == Some(&file.new) {
                continue;
            }
            match file.was.as_ref().and_then(oid_of) {
                Some(was) => {
                    if let Err(e) = self.restore_file(&target, was) {
                        report.push(format!("{} could not be put back: {e}", file.path));
                    }
                }
                None => {
                    let _ = std::fs::remove_file(&target);
                    remove_empty_folders(&work.dir, &target);
                }
            }
        }
    }

    /// Makes the index hold `files` (paths and blobs), taking git's index lock as git does.
    /// A working-tree file that is missing is written from its blob when `write_missing`;
    /// one that differs is left alone (git then shows it as changed, and nothing is lost).
    fn stage_paths(
        &self,
        work: &WorkTree,
        files: &[(String, git2::Oid)],
        write_missing: bool,
    ) -> Result<(), WriteError> {
        let lock = match GitLock::acquire(
            &work.index_lock(),
            &self.lock_token_path(),
            INDEX_LOCK_WAIT,
            &work.dirs(),
        ) {
            Ok(Ok(lock)) => lock,
            Ok(Err(busy)) => {
                return Err(WriteError::GitLocked {
                    lock: work.shown(&work.index_lock()),
                    holding: busy.holding,
                    waited: busy.waited,
                });
            }
            Err(e) => {
                return Err(io(format!(
                    "cannot create {}",
                    work.shown(&work.index_lock())
                ))(e));
            }
        };
        let next = self.next_index_path();
        let mut index = self.copy_index(work)?;
        for (path, id) in files {
            let target = work.place(path, write_missing)?;
            if write_missing && file_id(&target).is_none() {
                self.restore_file(&target, *id)?;
            }
            let entry = if file_id(&target) == Some(*id) {
                index_entry(path, *id, &target).map_err(io(format!("cannot read {path}")))?
            } else {
                // No stat data: git compares the file's content with the blob.
                git2::IndexEntry {
                    ctime: git2::IndexTime::new(0, 0),
                    mtime: git2::IndexTime::new(0, 0),
                    dev: 0,
                    ino: 0,
                    mode: 0o100644,
                    uid: 0,
                    gid: 0,
                    file_size: 0,
                    id: *id,
                    flags: path.len().min(0xfff) as u16,
                    flags_extended: 0,
                    path: path.as_bytes().to_vec(),
                }
            };
            index
                .add(&entry)
                .map_err(RepoError::git(format!("cannot stage {path}")))?;
        }
        index
            .write()
            .map_err(RepoError::git("cannot write the new index"))?;
        lock.stage(&next)
            .map_err(io(format!("cannot write {}", work.shown(lock.path()))))?;
        lock.commit()
            .map_err(io(format!("cannot write {}", work.shown(&work.index()))))?;
        Ok(())
    }

    /// `kitemark repair`: finishes or undoes a write left half done, removes kitemark's
    /// leftover temporary files, removes git's lock files that no process holds, and puts
    /// back in the index (and working tree) decisions and meetings that the branch holds and
    /// the index lacks, which git would otherwise delete at the next commit. With `dry_run`,
    /// says what it would do and does nothing.
    pub fn repair(&self, dry_run: bool) -> Result<Repair, WriteError> {
        let mut out = Repair::default();
        let lock = if dry_run {
            if let Some(what) = self.half_done() {
                out.done.push(format!(
                    "would finish or undo {what}, which a kitemark that stopped left half done"
                ));
            }
            None
        } else {
            let lock = self.lock_for_writing(super::write::LOCK_WAIT)?;
            out.done.extend(lock.repaired.iter().cloned());
            Some(lock)
        };
        self.remove_temporaries(dry_run, &mut out);
        self.remove_stale_locks(dry_run, &mut out);
        self.restore_staged_deletions(dry_run, &mut out)?;
        drop(lock);
        Ok(out)
    }

    /// kitemark's temporary files whose writer is no longer running.
    fn remove_temporaries(&self, dry_run: bool, out: &mut Repair) {
        let mut folders: Vec<(PathBuf, String)> = Vec::new();
        if let Some(work) = self.work_tree() {
            folders.push((work.dir.clone(), String::new()));
            for top in PANEL_FOLDERS {
                folders.push((work.dir.join(top), format!("{top}/")));
            }
        }
        folders.push((self.kitemark_dir(), ".git/kitemark/".into()));
        let own = std::process::id();
        while let Some((dir, shown)) = folders.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            let top = shown.is_empty();
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let path = entry.path();
                let Ok(kind) = entry.file_type() else {
                    continue;
                };
                if kind.is_dir() {
                    // The top of the working tree is looked at, not descended: the panel's
                    // folders are listed already, and the rest is not kitemark's.
                    if !top && !kind.is_symlink() {
                        folders.push((path, format!("{shown}{name}/")));
                    }
                    continue;
                }
                let Some(pid) = temporary_owner(&name) else {
                    continue;
                };
                if pid == own || is_running(pid) {
                    continue;
                }
                let what = format!(
                    "kitemark's temporary file {shown}{name}, left by a kitemark that stopped"
                );
                if dry_run {
                    out.done.push(format!("would remove {what}"));
                } else if std::fs::remove_file(&path).is_ok() {
                    out.done.push(format!("removed {what}"));
                } else {
                    out.attention.push(format!(
                        "{shown}{name} could not be removed; delete it by hand"
                    ));
                }
            }
        }
    }

    /// git's lock files for this worktree's index and branch, and the repository's HEAD and
    /// packed references.
    fn remove_stale_locks(&self, dry_run: bool, out: &mut Repair) {
        let repo = self.git();
        let git_dir = repo.path().to_path_buf();
        let common = repo.commondir().to_path_buf();
        let mut locks = vec![
            git_dir.join("index.lock"),
            git_dir.join("HEAD.lock"),
            common.join("packed-refs.lock"),
        ];
        if let Ok((branch, _)) = self.branch_for_writing() {
            locks.push(common.join(format!("{branch}.lock")));
        }
        let mut dirs = vec![git_dir.clone(), common.clone()];
        if let Some(work) = repo.workdir() {
            dirs.push(work.to_path_buf());
        }
        let shown = |path: &Path| match repo.workdir() {
            Some(work) => path
                .strip_prefix(work)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| path.display().to_string()),
            None => path.display().to_string(),
        };
        for lock in locks {
            let Ok(first) = std::fs::symlink_metadata(&lock) else {
                continue;
            };
            let name = shown(&lock);
            if let Some(pid) = token_pid(&lock).filter(|p| !is_running(*p)) {
                let what = format!("{name}, left by kitemark (process {pid}) when it stopped");
                if dry_run {
                    out.done.push(format!("would remove {what}"));
                } else if std::fs::remove_file(&lock).is_ok() {
                    out.done.push(format!("removed {what}"));
                }
                continue;
            }
            match who_holds(&lock, &dirs) {
                Holding::Held(holders) => out.attention.push(format!(
                    "{name} is held by {}: let it finish, then run kitemark repair again if the lock stays",
                    holders
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                Holding::Unknown(why) => out.attention.push(format!(
                    "{name} exists and kitemark cannot tell whether a program holds it ({why}); if no git is running, delete it"
                )),
                Holding::Stale => {
                    // Seen unheld twice, half a second apart, and the same file both times: a
                    // git that just created it would have been seen holding it.
                    std::thread::sleep(Duration::from_millis(500));
                    let same = std::fs::symlink_metadata(&lock)
                        .is_ok_and(|m| m.modified().ok() == first.modified().ok() && m.len() == first.len());
                    if !same || !who_holds(&lock, &dirs).is_stale() {
                        out.attention.push(format!(
                            "{name} is in use by a program right now; run kitemark repair again when git has finished"
                        ));
                        continue;
                    }
                    let what = format!(
                        "{name}, which no program holds (a git that stopped left it behind)"
                    );
                    if dry_run {
                        out.done.push(format!("would remove {what}"));
                    } else if std::fs::remove_file(&lock).is_ok() {
                        out.done.push(format!("removed {what}"));
                    } else {
                        out.attention
                            .push(format!("{name} could not be removed; delete it by hand"));
                    }
                }
            }
        }
    }

    /// Decisions and meetings on the branch that the index lacks (`git status` shows them
    /// staged for deletion, and the next `git commit` would delete them from the branch), or
    /// that are missing from the working tree while the index has them as committed.
    fn restore_staged_deletions(&self, dry_run: bool, out: &mut Repair) -> Result<(), WriteError> {
        let Some(work) = self.work_tree() else {
            return Ok(());
        };
        let Ok((_, Some(tip))) = self.branch_for_writing() else {
            return Ok(());
        };
        let repo = self.git();
        let index = git2::Index::open(&work.index()).map_err(RepoError::git(format!(
            "cannot read {}",
            work.shown(&work.index())
        )))?;
        let tree = repo
            .find_commit(tip)
            .and_then(|c| c.tree())
            .map_err(RepoError::git("cannot read the branch's tree"))?;
        let mut missing: Vec<(String, git2::Oid)> = Vec::new();
        let mut absent_files: Vec<(String, git2::Oid)> = Vec::new();
        for top in ["decisions", "meetings", "conditions"] {
            let Ok(folder) = tree.get_path(Path::new(top)) else {
                continue;
            };
            let Ok(subtree) = repo.find_tree(folder.id()) else {
                continue;
            };
            let _ = subtree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
                if entry.kind() == Some(git2::ObjectType::Blob) {
                    let path = format!(
                        "{top}/{root}{}",
                        String::from_utf8_lossy(entry.name_bytes())
                    );
                    match index.get_path(Path::new(&path), 0) {
                        None => missing.push((path, entry.id())),
                        Some(staged) if staged.id == entry.id() => {
                            if !work.dir.join(&path).exists() {
                                absent_files.push((path, entry.id()));
                            }
                        }
                        Some(_) => {}
                    }
                }
                git2::TreeWalkResult::Ok
            });
        }
        for (path, _) in &missing {
            let what = format!(
                "{path} to the index (git showed it staged for deletion; the next commit would have deleted it from the branch)"
            );
            out.done.push(if dry_run {
                format!("would restore {what}")
            } else {
                format!("restored {what}")
            });
        }
        for (path, _) in &absent_files {
            out.done.push(format!(
                "{} {path} to the working tree (it was missing there)",
                if dry_run { "would restore" } else { "restored" }
            ));
        }
        if !dry_run {
            if !missing.is_empty() {
                self.stage_paths(&work, &missing, true)?;
            }
            for (path, id) in &absent_files {
                let target = work.place(path, true)?;
                self.restore_file(&target, *id)?;
            }
        }
        Ok(())
    }
}

/// Removes the folders above a removed file while they are empty, up to the top of the
/// working tree (git does not keep empty folders, and neither should an undone write).
fn remove_empty_folders(top: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == top || !d.starts_with(top) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}
