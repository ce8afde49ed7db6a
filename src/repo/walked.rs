//! A walk of the history as the cache keeps it: the commits that changed the paths walked,
//! and what the walk knew at its last commit, so that the next walk from a later commit on
//! the same line reads only the commits since (see `history::Walker`).
//!
//! Its own plain form rather than the model's: the model's values are shaped for the
//! reports they appear in (a commit's `follows` is not in its JSON, say), and the cache
//! must hold every field.

use std::collections::HashSet;

use git2::Oid;
use serde::{Deserialize, Serialize};

use super::history::{HeadState, Walked, zoned};
use super::snapshot::object_id;
use crate::model::ObjectId;
use crate::model::history::{ChangeKind, CommitInfo, FileAt, FileChange, Person, SignatureCheck};

/// The key of the walk of `prefixes` from `head`: the commit's id and a checksum of the
/// paths, so that each set of paths has its own walks.
pub(super) fn key(head: Oid, prefixes: &[impl AsRef<str>]) -> String {
    let mut hasher = crc32fast::Hasher::new();
    for prefix in prefixes {
        hasher.update(prefix.as_ref().as_bytes());
        hasher.update(&[0]);
    }
    format!("{head}-{:08x}", hasher.finalize())
}

#[derive(Serialize, Deserialize)]
pub(super) struct Stored {
    head: String,
    /// Newest first, as [`Walked::commits`].
    commits: Vec<StoredCommit>,
    merges: bool,
    changed_outside: Vec<String>,
    top: Vec<Option<String>>,
    here: Vec<Option<String>>,
    line: (String, Time),
    outside: Vec<(Vec<u8>, String)>,
}

/// A git time: seconds since the epoch and the offset in minutes it was recorded in.
type Time = (i64, i32);

#[derive(Serialize, Deserialize)]
struct StoredCommit {
    id: String,
    parents: Vec<String>,
    author: StoredPerson,
    committer: StoredPerson,
    summary: String,
    trailers: Vec<(String, String)>,
    changes: Vec<StoredChange>,
    boundary: Option<Vec<(String, String)>>,
    signature: Option<StoredSignature>,
    follows: Option<(String, Time)>,
}

#[derive(Serialize, Deserialize)]
struct StoredPerson {
    name: String,
    email: String,
    time: Time,
}

#[derive(Serialize, Deserialize)]
struct StoredChange {
    path: String,
    /// `A`, `M` or `D`.
    kind: char,
    old: Option<String>,
    new: Option<String>,
}

#[derive(Serialize, Deserialize)]
enum StoredSignature {
    Good(String),
    Bad(String),
    Unsupported(String),
}

fn time_of(zoned: &jiff::Zoned) -> Time {
    (zoned.timestamp().as_second(), zoned.offset().seconds() / 60)
}

fn git_time((seconds, minutes): Time) -> git2::Time {
    git2::Time::new(seconds, minutes)
}

fn oid(text: &str) -> Option<Oid> {
    Oid::from_str(text).ok()
}

/// An object id kept in the cache, if it is one: a damaged entry is a miss, never a wrong id.
fn id(text: &str) -> Option<ObjectId> {
    oid(text).map(object_id)
}

/// What `read` makes of a value that is there (`None` for the whole if it makes nothing: a
/// damaged entry), and nothing of one that is not.
fn read_some<T: ?Sized, U>(
    value: Option<&T>,
    read: impl FnOnce(&T) -> Option<U>,
) -> Option<Option<U>> {
    match value {
        Some(value) => read(value).map(Some),
        None => Some(None),
    }
}

fn ids(texts: &[String]) -> Option<Vec<ObjectId>> {
    texts.iter().map(|t| id(t)).collect()
}

impl StoredPerson {
    fn of(person: &Person) -> Self {
        Self {
            name: person.name.clone(),
            email: person.email.clone(),
            time: time_of(&person.time),
        }
    }

    fn person(&self) -> Person {
        Person {
            name: self.name.clone(),
            email: self.email.clone(),
            time: zoned(git_time(self.time)),
        }
    }
}

impl StoredCommit {
    fn of(commit: &CommitInfo) -> Self {
        Self {
            id: commit.id.to_string(),
            parents: commit.parents.iter().map(ToString::to_string).collect(),
            author: StoredPerson::of(&commit.author),
            committer: StoredPerson::of(&commit.committer),
            summary: commit.summary.clone(),
            trailers: commit.trailers.clone(),
            changes: commit
                .changes
                .iter()
                .map(|c| StoredChange {
                    path: c.path.clone(),
                    kind: c.kind.letter(),
                    old: c.old.as_ref().map(ToString::to_string),
                    new: c.new.as_ref().map(ToString::to_string),
                })
                .collect(),
            boundary: commit.boundary.as_ref().map(|held| {
                held.iter()
                    .map(|f| (f.path.clone(), f.blob.to_string()))
                    .collect()
            }),
            signature: commit.signature.as_ref().map(|s| match s {
                SignatureCheck::Good { key } => StoredSignature::Good(key.clone()),
                SignatureCheck::Bad { reason } => StoredSignature::Bad(reason.clone()),
                SignatureCheck::Unsupported { kind } => StoredSignature::Unsupported(kind.clone()),
            }),
            follows: commit
                .follows
                .as_ref()
                .map(|(id, when)| (id.to_string(), time_of(when))),
        }
    }

    fn commit(&self) -> Option<CommitInfo> {
        let changes = self
            .changes
            .iter()
            .map(|c| {
                let kind = match c.kind {
                    'A' => ChangeKind::Added,
                    'M' => ChangeKind::Modified,
                    'D' => ChangeKind::Deleted,
                    _ => return None,
                };
                Some(FileChange {
                    path: c.path.clone(),
                    kind,
                    old: read_some(c.old.as_deref(), id)?,
                    new: read_some(c.new.as_deref(), id)?,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let boundary = read_some(self.boundary.as_ref(), |held| {
            held.iter()
                .map(|(path, blob)| {
                    Some(FileAt {
                        path: path.clone(),
                        blob: id(blob)?,
                    })
                })
                .collect::<Option<Vec<_>>>()
        })?;
        let follows = read_some(self.follows.as_ref(), |(by, when)| {
            Some((id(by)?, zoned(git_time(*when))))
        })?;
        Some(CommitInfo {
            id: id(&self.id)?,
            parents: ids(&self.parents)?,
            author: self.author.person(),
            committer: self.committer.person(),
            summary: self.summary.clone(),
            trailers: self.trailers.clone(),
            changes,
            boundary,
            signature: self.signature.as_ref().map(|s| match s {
                StoredSignature::Good(key) => SignatureCheck::Good { key: key.clone() },
                StoredSignature::Bad(reason) => SignatureCheck::Bad {
                    reason: reason.clone(),
                },
                StoredSignature::Unsupported(kind) => {
                    SignatureCheck::Unsupported { kind: kind.clone() }
                }
            }),
            follows,
        })
    }
}

fn optional_oids(texts: &[Option<String>]) -> Option<Vec<Option<Oid>>> {
    texts.iter().map(|t| read_some(t.as_deref(), oid)).collect()
}

impl Stored {
    pub(super) fn of(walked: &Walked, head: Oid, state: HeadState) -> Self {
        let strings = |ids: &[Option<Oid>]| ids.iter().map(|o| o.map(|o| o.to_string())).collect();
        Self {
            head: head.to_string(),
            commits: walked.commits.iter().map(StoredCommit::of).collect(),
            merges: walked.merges,
            changed_outside: walked
                .changed_outside
                .iter()
                .map(ToString::to_string)
                .collect(),
            top: strings(&state.seen.0),
            here: strings(&state.seen.1),
            line: (
                state.line.0.to_string(),
                (state.line.1.seconds(), state.line.1.offset_minutes()),
            ),
            outside: state
                .outside
                .iter()
                .map(|(name, id)| (name.clone(), id.to_string()))
                .collect(),
        }
    }

    /// The walk kept, if it is the walk from `head` and whole.
    pub(super) fn walked(&self, head: Oid) -> Option<Walked> {
        if oid(&self.head)? != head {
            return None;
        }
        let commits = self
            .commits
            .iter()
            .map(StoredCommit::commit)
            .collect::<Option<Vec<_>>>()?;
        let changed_outside: HashSet<ObjectId> = self
            .changed_outside
            .iter()
            .map(|t| id(t))
            .collect::<Option<_>>()?;
        Some(Walked {
            commits,
            merges: self.merges,
            changed_outside,
        })
    }

    /// What the walk knew at its last commit.
    pub(super) fn head_state(&self) -> Option<HeadState> {
        let outside = self
            .outside
            .iter()
            .map(|(name, id)| Some((name.clone(), oid(id)?)))
            .collect::<Option<Vec<_>>>()?;
        Some(HeadState {
            seen: (optional_oids(&self.top)?, optional_oids(&self.here)?),
            line: (oid(&self.line.0)?, git_time(self.line.1)),
            outside,
        })
    }
}
