//! Errors of the repository layer. Each names the path or revision concerned and, where it
//! helps, what to do next.

use std::path::PathBuf;

/// A file could not be read from the repository.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Git { path: String, source: git2::Error },
    #[error(
        "{path}: blob {} is not in this shallow clone (its history begins after that version); `git fetch --unshallow` fetches the whole history",
        blob.short()
    )]
    NotInShallowClone {
        path: String,
        blob: crate::model::ObjectId,
    },
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
            | ReadError::NotInShallowClone { path, .. }
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
    #[error(
        "cannot find revision {rev:?} in this shallow clone, whose history begins at {boundary}: it names no commit the clone holds, perhaps one from before that (`git fetch --unshallow` fetches the whole history)"
    )]
    NotInShallowClone { rev: String, boundary: String },
    #[error("{context}: {source}")]
    Git {
        context: String,
        source: git2::Error,
    },
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
