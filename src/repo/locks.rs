//! Locks: kitemark's own lock between its writers, and git's lock files (`index.lock`,
//! `refs/heads/main.lock`), which kitemark takes and respects exactly as git does.
//!
//! git's protocol is the file's existence: whoever creates `X.lock` with `O_EXCL` owns `X`
//! until it renames the lock over `X` (commit) or removes it (roll back). A process that
//! dies leaves the lock behind and every git after it refuses to work ("Another git process
//! seems to be running"); only a person may remove it, and only when no process uses it.
//! [`who_holds`] gathers that proof from `/proc` where the system has one.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What kitemark writes into a git lock file it has just created, before the lock holds any
/// real content: a later kitemark recognises the file as its own by this text.
pub(crate) const TOKEN_PREFIX: &str = "kitemark lock file; pid ";

/// An exclusive lock on writing to one repository, held until dropped. It is an advisory
/// lock on a file in the common git directory, so it spans every worktree of the repository
/// and every kitemark on the machine, and the system releases it when its holder dies.
#[derive(Debug)]
pub struct WriteLock {
    _file: File,
    /// What the writer that took the lock found left half done and finished or undid, in
    /// words for the person at the keyboard.
    pub repaired: Vec<String>,
    /// git's index lock, taken ahead of the next commit (see
    /// [`PanelRepo::reserve_index`](super::PanelRepo::reserve_index)).
    reserved: std::cell::RefCell<Option<GitLock>>,
}

impl WriteLock {
    pub(crate) fn new(file: File) -> WriteLock {
        WriteLock {
            _file: file,
            repaired: Vec::new(),
            reserved: std::cell::RefCell::new(None),
        }
    }

    pub(crate) fn reserve(&self, lock: GitLock) {
        *self.reserved.borrow_mut() = Some(lock);
    }

    /// The index lock taken ahead, if any; the caller now owns it (and its release).
    pub(crate) fn take_reserved(&self) -> Option<GitLock> {
        self.reserved.borrow_mut().take()
    }
}

/// Opens (creating it if needed) kitemark's lock file.
pub(crate) fn open_lock_file(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
}

/// A process that uses a lock file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    pub pid: u32,
    /// Its command line, shortened.
    pub command: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process {} ({})", self.pid, self.command)
    }
}

/// Who holds a lock file that exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Holding {
    /// These processes have it open, or are git working in the repository.
    Held(Vec<Holder>),
    /// No process uses it: it was left by one that stopped.
    Stale,
    /// The system cannot tell (no `/proc`, or other users' processes are hidden).
    Unknown(String),
}

impl Holding {
    pub fn is_stale(&self) -> bool {
        matches!(self, Holding::Stale)
    }
}

/// A process's command line, shortened and made safe to print.
fn command_of(pid: &str) -> String {
    let proc = Path::new("/proc").join(pid);
    let line = std::fs::read(proc.join("cmdline"))
        .map(|bytes| {
            bytes
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    let line = if line.is_empty() {
        std::fs::read_to_string(proc.join("comm"))
            .unwrap_or_default()
            .trim()
            .to_owned()
    } else {
        line
    };
    let short: String = line.chars().take(60).collect();
    let short = if short.len() < line.len() {
        format!("{short}…")
    } else {
        short
    };
    crate::model::text::sanitize_inline(&short).into_owned()
}

/// Whether a process with this id is running.
pub(crate) fn is_running(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

/// Who holds `lock`: the processes that have it open, and any git process whose working
/// folder is inside `dirs` (the work tree and git directory), since git closes a lock file
/// before running hooks or an editor and still owns it. Our own process is left out.
pub fn who_holds(lock: &Path, dirs: &[PathBuf]) -> Holding {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Holding::Unknown("this system does not show other processes (no /proc)".into());
    };
    let lock = lock.canonicalize().unwrap_or_else(|_| lock.to_path_buf());
    let dirs: Vec<PathBuf> = dirs
        .iter()
        .map(|d| d.canonicalize().unwrap_or_else(|_| d.clone()))
        .collect();
    let own = std::process::id().to_string();
    let mut holders = Vec::new();
    let mut hidden = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|n| n.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if pid == own {
            continue;
        }
        let proc = entry.path();
        let mut holds = false;
        match std::fs::read_dir(proc.join("fd")) {
            Ok(fds) => {
                holds = fds
                    .flatten()
                    .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target == lock));
            }
            // The process ended while we looked.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(_) => hidden = true,
        }
        if !holds {
            let comm = std::fs::read_to_string(proc.join("comm")).unwrap_or_default();
            let is_git = comm.trim() == "git" || comm.starts_with("git-");
            holds = is_git
                && std::fs::read_link(proc.join("cwd"))
                    .is_ok_and(|cwd| dirs.iter().any(|d| cwd.starts_with(d)));
        }
        if holds {
            holders.push(Holder {
                pid: pid.parse().unwrap_or(0),
                command: command_of(pid),
            });
        }
    }
    if !holders.is_empty() {
        holders.sort_by_key(|h| h.pid);
        Holding::Held(holders)
    } else if hidden {
        Holding::Unknown("some processes belong to other users and cannot be seen".into())
    } else {
        Holding::Stale
    }
}

/// Whether a lock file holds kitemark's token (it is kitemark's, from a process that may have
/// died), and the process it names.
pub(crate) fn token_pid(lock: &Path) -> Option<u32> {
    let text = std::fs::read(lock).ok()?;
    let text = std::str::from_utf8(text.get(..64.min(text.len()))?).ok()?;
    text.strip_prefix(TOKEN_PREFIX)?
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

/// A git lock file that kitemark created and owns until it commits or rolls it back.
#[derive(Debug)]
pub(crate) struct GitLock {
    path: PathBuf,
    done: bool,
}

/// The lock file could not be taken: it exists.
#[derive(Debug)]
pub(crate) struct LockBusy {
    pub holding: Holding,
    pub waited: Duration,
}

impl GitLock {
    /// Creates `path` exclusively, as git does, waiting up to `wait` while another program
    /// holds it. A lock that stays in place with no process holding it is stale: waiting for
    /// it would be in vain, so the wait ends early.
    ///
    /// The lock appears with kitemark's token already in it: the token is written to
    /// `staging` (a file of kitemark's own, on the same filesystem) and hard-linked into
    /// place, which fails if the lock exists just as `O_EXCL` does. A process killed at any
    /// moment so leaves either no lock or one that says it is kitemark's, never an empty one
    /// that nobody could prove stale.
    pub fn acquire(
        path: &Path,
        staging: &Path,
        wait: Duration,
        dirs: &[PathBuf],
    ) -> Result<Result<GitLock, LockBusy>, std::io::Error> {
        let started = Instant::now();
        let mut next_check = started;
        // The lock as last seen unheld, and since when.
        let mut unheld_since: Option<(std::fs::Metadata, Instant)> = None;
        if let Some(dir) = staging.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(staging, format!("{TOKEN_PREFIX}{}\n", std::process::id()))?;
        let taken = loop {
            let attempt = match std::fs::hard_link(staging, path) {
                // Where links cannot be made (another filesystem), as git does it.
                Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
                    std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .open(path)
                        .and_then(|mut file| {
                            file.write_all(
                                format!("{TOKEN_PREFIX}{}\n", std::process::id()).as_bytes(),
                            )
                        })
                }
                other => other,
            };
            match attempt {
                Ok(()) => {
                    break Ok(Ok(GitLock {
                        path: path.to_path_buf(),
                        done: false,
                    }));
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => break Err(e),
            }
            let waited = started.elapsed();
            if waited >= wait {
                break Ok(Err(LockBusy {
                    holding: who_holds(path, dirs),
                    waited,
                }));
            }
            if Instant::now() >= next_check {
                next_check = Instant::now() + CHECK_EVERY;
                let meta = std::fs::symlink_metadata(path).ok();
                let holding = who_holds(path, dirs);
                match (meta, holding.is_stale()) {
                    (Some(meta), true) => match &unheld_since {
                        Some((seen, since)) if same_file(seen, &meta) => {
                            if since.elapsed() >= STALE_AFTER {
                                break Ok(Err(LockBusy { holding, waited }));
                            }
                        }
                        _ => unheld_since = Some((meta, Instant::now())),
                    },
                    _ => unheld_since = None,
                }
            }
            std::thread::sleep(POLL);
        };
        let _ = std::fs::remove_file(staging);
        taken
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file the lock stands for: `index` for `index.lock`.
    pub fn target(&self) -> PathBuf {
        self.path.with_extension("")
    }

    /// Puts `staged` in place as the lock's content, in one step.
    pub fn stage(&self, staged: &Path) -> std::io::Result<()> {
        std::fs::rename(staged, &self.path)
    }

    /// From now on the lock is never removed when dropped: what it holds must reach its
    /// target, by [`GitLock::commit`] or by whoever finishes the journal.
    pub fn disarm(&mut self) {
        self.done = true;
    }

    /// Renames the lock over its target: the new content takes effect. If that fails the
    /// lock stays where it is: what it holds must not be lost, and git keeps off the index
    /// until a journal (or a person) finishes with it.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.done = true;
        std::fs::rename(&self.path, self.target())
    }
}

impl Drop for GitLock {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

const POLL: Duration = Duration::from_millis(10);

/// How often a wait looks at who holds the lock (a scan of the system's processes).
const CHECK_EVERY: Duration = Duration::from_millis(100);

/// How long a lock must stay in place, held by nobody, before it is called stale.
const STALE_AFTER: Duration = Duration::from_millis(500);

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.ino() == b.ino() && a.dev() == b.dev() && a.mtime_nsec() == b.mtime_nsec()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.modified().ok() == b.modified().ok() && a.len() == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_is_exclusive_and_released_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.lock");
        let staging = dir.path().join("token");
        let lock = GitLock::acquire(&path, &staging, Duration::ZERO, &[])
            .unwrap()
            .unwrap();
        assert_eq!(token_pid(&path), Some(std::process::id()));
        let busy = GitLock::acquire(&path, &staging, Duration::from_millis(30), &[])
            .unwrap()
            .unwrap_err();
        assert!(busy.waited >= Duration::from_millis(30));
        drop(lock);
        assert!(!path.exists());
    }

    #[test]
    fn a_stale_lock_is_told_apart_from_a_held_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index.lock");
        std::fs::write(&path, "left behind").unwrap();
        if Path::new("/proc/self/fd").exists() {
            assert_eq!(who_holds(&path, &[]), Holding::Stale);
            let open = File::open(&path).unwrap();
            // Our own process is never its own obstacle; a child holding it is.
            assert_eq!(who_holds(&path, &[]), Holding::Stale);
            drop(open);
            let mut child = std::process::Command::new("sh")
                .arg("-c")
                .arg("exec 3<\"$0\"; sleep 5")
                .arg(&path)
                .spawn()
                .unwrap();
            let deadline = Instant::now() + Duration::from_secs(5);
            let mut seen = Holding::Stale;
            while Instant::now() < deadline {
                seen = who_holds(&path, &[]);
                if !seen.is_stale() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            match seen {
                Holding::Held(holders) => assert!(holders.iter().any(|h| h.pid == child.id())),
                other => panic!("{other:?}"),
            }
        }
    }
}
