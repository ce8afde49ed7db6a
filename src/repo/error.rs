//! Errors of the repository layer. Each names the path or revision concerned and, where it
//! helps, what to do next.

use std::path::PathBuf;

use super::loose::CorruptObject;

/// A file could not be read from the repository.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Git { path: String, source: git2::Error },
    #[error(
        "{path}: the file is {size} bytes, more than the {limit} bytes kitemark reads from one file"
    )]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}:{line}:{col}: not UTF-8 text (save the file as UTF-8)")]
    NotUtf8 {
        path: String,
        line: usize,
        col: usize,
    },
    #[error("{path}:{line}:{col}: {message}")]
    Syntax {
        path: String,
        line: usize,
        col: usize,
        message: String,
    },
}

impl ReadError {
    /// The repository path of the file concerned.
    pub fn path(&self) -> &str {
        match self {
            ReadError::Git { path, .. }
            | ReadError::TooLarge { path, .. }
            | ReadError::NotUtf8 { path, .. }
            | ReadError::Syntax { path, .. } => path,
        }
    }
}

/// The repository itself is unusable: not found, empty, not a panel, or a git failure.
#[derive(Debug, thiserror::Error)]
pub enum RepoError {
    #[error(
        "{path} is not a git repository (or inside one); run `kitemark init DIR` to start a panel repository, or `kitemark demo` to try the bundled demo"
    )]
    NotARepository { path: PathBuf },
    #[error(
        "the repository at {path} has no commits yet; a panel repository starts with panel.ron (`kitemark init DIR` makes one)"
    )]
    Empty { path: PathBuf },
    #[error(
        "this is not a panel repository: there is no panel.ron at {rev} in {path}; run `kitemark init DIR` to start one, or `kitemark demo` to try the bundled demo"
    )]
    NotAPanel { path: PathBuf, rev: String },
    #[error("cannot find revision {rev:?}: {source}")]
    BadRevision { rev: String, source: git2::Error },
    #[error("{context}: {source}")]
    Git {
        context: String,
        source: git2::Error,
    },
    #[error("{}", corrupt_message(objects))]
    CorruptObjects { objects: Vec<CorruptObject> },
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error("{0}")]
    Io(String),
}

impl RepoError {
    pub(crate) fn git(context: impl Into<String>) -> impl FnOnce(git2::Error) -> RepoError {
        let context = context.into();
        move |source| RepoError::Git { context, source }
    }
}

/// What is corrupt, where, and what to do: one object in full, several listed.
fn corrupt_message(objects: &[CorruptObject]) -> String {
    const LISTED: usize = 3;
    const REMOTE: &str = "another clone of the panel's repository (e.g. `git fetch --refetch origin` from the shared copy)";
    let name = |o: &CorruptObject| {
        let kind = o.kind.as_deref().unwrap_or("object");
        match &o.used_at {
            Some(used_at) => format!("{kind} {} ({used_at})", o.id),
            None => format!("{kind} {}", o.id),
        }
    };
    match objects {
        [one] => format!(
            "{} is corrupt: {} (its file is {}). kitemark stops rather than read it; `git fsck` \
             will confirm it. To repair it, move the file out of the way and fetch the object \
             again from {REMOTE}, then run `git fsck` again",
            name(one),
            one.problem,
            one.file.display()
        ),
        _ => {
            let mut listed: Vec<String> = objects
                .iter()
                .take(LISTED)
                .map(|o| format!("{}: {} ({})", name(o), o.problem, o.file.display()))
                .collect();
            if objects.len() > LISTED {
                listed.push(format!("and {} more", objects.len() - LISTED));
            }
            format!(
                "{} objects are corrupt: {}. kitemark stops rather than read them; `git fsck` \
                 will list them all. To repair them, move their files out of the way and fetch \
                 the objects again from {REMOTE}, then run `git fsck` again",
                objects.len(),
                listed.join("; "),
            )
        }
    }
}
