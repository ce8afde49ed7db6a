//! Errors of the repository layer. Each names the path or revision concerned and, where it
//! helps, what to do next.

use std::path::PathBuf;

use super::loose::CorruptObject;

/// A file could not be read from the repository.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    // The message already says what libgit2 said, in words where it helps; the git error is
    // not also a `source`, or the command line would print libgit2's text a second time.
    #[error("{path}: {}", describe(error, *object))]
    Git {
        path: String,
        /// The object being read, when known.
        object: Option<git2::Oid>,
        error: git2::Error,
    },
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
    #[error(
        "HEAD is on branch {branch}, which has no commits yet; the panel's record is on {}: switch to it with `git switch {}`",
        others.join(", "),
        others.first().map(String::as_str).unwrap_or("main")
    )]
    Unborn { branch: String, others: Vec<String> },
    #[error("cannot find revision {rev:?}: {source}")]
    BadRevision { rev: String, source: git2::Error },
    #[error(
        "cannot find revision {rev:?} in this shallow clone, whose history begins at {boundary}: it names no commit the clone holds, perhaps one from before that (`git fetch --unshallow` fetches the whole history)"
    )]
    NotInShallowClone { rev: String, boundary: String },
    // Not a `source` either, for the same reason as `ReadError::Git`.
    #[error("{context}: {}", describe(error, None))]
    Git { context: String, error: git2::Error },
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
        move |error| RepoError::Git { context, error }
    }
}

/// libgit2's error in words. An object that cannot be read (classes Odb, Object and Zlib) is
/// named with what became of it and how to learn more, since libgit2's own text
/// (`failed to finish zlib inflation…; class=Zlib (5)`) tells a panel member nothing; any
/// other error is as libgit2 says it. `object` names the object when the caller knows it.
pub(crate) fn describe(error: &git2::Error, object: Option<git2::Oid>) -> String {
    use git2::ErrorClass;
    if !matches!(
        error.class(),
        ErrorClass::Odb | ErrorClass::Object | ErrorClass::Zlib
    ) {
        return error.to_string();
    }
    let message = error.message().trim_end_matches(['.', ' ']);
    let id = object
        .map(|o| o.to_string())
        .or_else(|| object_id_in(message));
    const FETCH: &str = "fetching from another clone of the panel's repository restores it";
    match (error.code(), id) {
        // libgit2's text only repeats the id.
        (git2::ErrorCode::NotFound, Some(id)) => format!(
            "object {id} is missing from the repository; `git fsck` lists what is missing, and {FETCH}"
        ),
        (git2::ErrorCode::NotFound, None) => format!(
            "an object is missing from the repository (libgit2: {message}); `git fsck` lists what is missing, and {FETCH}"
        ),
        (_, id) => {
            let object = id.map_or_else(|| "an object".to_owned(), |id| format!("object {id}"));
            format!(
                "{object} cannot be read and may be corrupt (libgit2: {message}); run `git fsck` to check the repository"
            )
        }
    }
}

/// The longest run of hex digits in `message` that could be an object id: git abbreviates
/// one to no fewer than 7 digits, and a word such as "defaced" has no digit at all.
fn object_id_in(message: &str) -> Option<String> {
    message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| {
            (7..=64).contains(&word.len())
                && word.bytes().all(|b| b.is_ascii_hexdigit())
                && word.bytes().any(|b| b.is_ascii_digit())
        })
        .max_by_key(|word| word.len())
        .map(str::to_ascii_lowercase)
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

#[cfg(test)]
mod tests {
    use super::*;
    use git2::{ErrorClass, ErrorCode};

    #[test]
    fn an_unreadable_object_is_named_in_words() {
        let id = "7e468d1e2b55db797adad16e81c95aadc798760b";
        let missing = git2::Error::new(
            ErrorCode::NotFound,
            ErrorClass::Odb,
            format!("object not found - no match for id ({id})"),
        );
        let text = describe(&missing, None);
        assert!(
            text.starts_with(&format!("object {id} is missing from the repository")),
            "{text}"
        );
        assert!(
            text.contains("git fsck") && !text.contains("class="),
            "{text}"
        );
        let corrupt = git2::Error::new(
            ErrorCode::GenericError,
            ErrorClass::Zlib,
            "failed to finish zlib inflation: stream aborted prematurely",
        );
        let oid = git2::Oid::from_str(id).unwrap();
        let text = describe(&corrupt, Some(oid));
        assert!(
            text.starts_with(&format!("object {id} cannot be read and may be corrupt")),
            "{text}"
        );
        assert!(text.contains("git fsck"), "{text}");
        assert!(describe(&corrupt, None).starts_with("an object cannot be read"));
    }

    #[test]
    fn other_errors_are_as_libgit2_says_them() {
        let error = git2::Error::new(
            ErrorCode::Locked,
            ErrorClass::Reference,
            "failed to lock file 'HEAD.lock'",
        );
        assert_eq!(describe(&error, None), error.to_string());
    }
}
