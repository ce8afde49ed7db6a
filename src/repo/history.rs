//! The history of a panel repository, read in one walk: each commit that changed something
//! in the paths asked about, with its people, trailers and changed files.
//!
//! As `git log -- <paths>` does, a commit is kept only if the paths differ from its parent
//! (for a merge, from every parent), and that is decided by comparing the ids of the paths'
//! subtrees before any file is compared, so a long history costs one tree lookup per path
//! per commit, plus a diff of just the subtrees that changed.

use std::path::Path;

use git2::{Oid, Repository, Sort};

use super::{BlobRef, PanelRepo, ReadError, RepoError};
use crate::model::ObjectId;
use crate::model::history::{ChangeKind, CommitInfo, FileChange, Person, parse_trailers, under};

fn object_id(oid: Oid) -> ObjectId {
    ObjectId::from_git(oid.to_string())
}

fn oid_of(id: &ObjectId) -> Option<Oid> {
    Oid::from_str(id.as_str()).ok()
}

fn person(signature: &git2::Signature<'_>) -> Person {
    let when = signature.when();
    let offset = jiff::tz::Offset::from_seconds(when.offset_minutes().saturating_mul(60))
        .unwrap_or(jiff::tz::Offset::UTC);
    let time = jiff::Timestamp::from_second(when.seconds())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::fixed(offset));
    Person {
        name: String::from_utf8_lossy(signature.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(signature.email_bytes()).into_owned(),
        time,
    }
}

/// The id of what `path` names in a tree (a subtree or a blob), if anything.
fn entry(tree: &git2::Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path)).ok().map(|e| e.id())
}

/// The changes between two versions of what `prefix` names (either may be missing), with
/// paths from the repository's root.
fn changes_under(
    repo: &Repository,
    prefix: &str,
    old: Option<Oid>,
    new: Option<Oid>,
    out: &mut Vec<FileChange>,
) -> Result<(), RepoError> {
    let tree_of = |oid: Option<Oid>| oid.and_then(|o| repo.find_tree(o).ok());
    let (old_tree, new_tree) = (tree_of(old), tree_of(new));
    let is_tree = old_tree.is_some() || new_tree.is_some();
    if !is_tree {
        // A single file, such as panel.ron.
        let kind = match (old, new) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        };
        out.push(FileChange {
            path: prefix.to_owned(),
            kind,
            old: old.map(object_id),
            new: new.map(object_id),
        });
        return Ok(());
    }
    let diff = repo
        .diff_tree_to_tree(old_tree.as_ref(), new_tree.as_ref(), None)
        .map_err(RepoError::git(format!("cannot compare {prefix}")))?;
    for delta in diff.deltas() {
        let kind = match delta.status() {
            git2::Delta::Added => ChangeKind::Added,
            git2::Delta::Deleted => ChangeKind::Deleted,
            _ => ChangeKind::Modified,
        };
        let file = if kind == ChangeKind::Deleted {
            delta.old_file()
        } else {
            delta.new_file()
        };
        let Some(path) = file.path() else { continue };
        let relative = path.to_string_lossy();
        let present = |f: git2::DiffFile<'_>| f.exists().then(|| object_id(f.id()));
        out.push(FileChange {
            path: format!("{}/{relative}", prefix.trim_end_matches('/')),
            kind,
            old: present(delta.old_file()),
            new: present(delta.new_file()),
        });
    }
    Ok(())
}

impl PanelRepo {
    /// The commits reachable from `rev` (`None` for HEAD) that changed anything under
    /// `prefixes` (folders or files, from the root), newest first, each with the changes
    /// it made there.
    pub fn history(
        &self,
        rev: Option<&str>,
        prefixes: &[String],
    ) -> Result<Vec<CommitInfo>, RepoError> {
        let repo = self.git();
        let start = self.snapshot_commit(rev)?;
        let mut walk = repo
            .revwalk()
            .map_err(RepoError::git("cannot walk the history"))?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME)
            .map_err(RepoError::git("cannot walk the history"))?;
        walk.push(start)
            .map_err(RepoError::git("cannot walk the history"))?;
        let mut out = Vec::new();
        for oid in walk {
            let oid = oid.map_err(RepoError::git("cannot walk the history"))?;
            let commit = repo
                .find_commit(oid)
                .map_err(RepoError::git(format!("cannot read commit {oid}")))?;
            let tree = commit
                .tree()
                .map_err(RepoError::git(format!("cannot read the tree of {oid}")))?;
            let here: Vec<Option<Oid>> = prefixes.iter().map(|p| entry(&tree, p)).collect();
            let parents: Vec<Vec<Option<Oid>>> = commit
                .parents()
                .map(|p| {
                    p.tree()
                        .map(|t| prefixes.iter().map(|pre| entry(&t, pre)).collect())
                        .unwrap_or_else(|_| vec![None; prefixes.len()])
                })
                .collect();
            let before = |i: usize| parents.first().and_then(|p| p[i]);
            // Like `git log -- paths`: a commit that leaves the paths as some parent had
            // them is left out; a root commit counts what it adds.
            let same_as_a_parent = if parents.is_empty() {
                here.iter().all(Option::is_none)
            } else {
                parents.contains(&here)
            };
            if same_as_a_parent {
                continue;
            }
            let mut changes = Vec::new();
            for (i, prefix) in prefixes.iter().enumerate() {
                if here[i] != before(i) {
                    changes_under(repo, prefix, before(i), here[i], &mut changes)?;
                }
            }
            // A merge shows only what it brought that no parent had.
            if parents.len() > 1 {
                let other_trees: Vec<git2::Tree<'_>> = commit
                    .parents()
                    .skip(1)
                    .filter_map(|p| p.tree().ok())
                    .collect();
                changes.retain(|c| {
                    let new = c.new.as_ref().and_then(oid_of);
                    other_trees.iter().all(|t| entry(t, &c.path) != new)
                });
            }
            changes.retain(|c| prefixes.iter().any(|p| under(&c.path, p)));
            let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
            out.push(CommitInfo {
                id: object_id(oid),
                parents: commit.parent_ids().map(object_id).collect(),
                author: person(&commit.author()),
                committer: person(&commit.committer()),
                summary: message.lines().next().unwrap_or_default().to_owned(),
                trailers: parse_trailers(&message),
                changes,
            });
        }
        Ok(out)
    }

    /// The commits that touched one school, newest first: its submissions and decisions, and
    /// the meetings whose agenda or declared conflicts name it. Only those meeting files are
    /// kept among each commit's changes.
    pub fn school_history(
        &self,
        rev: Option<&str>,
        school: &crate::model::SchoolId,
    ) -> Result<Vec<CommitInfo>, RepoError> {
        let own = [
            format!("submissions/{school}"),
            format!("decisions/{school}"),
        ];
        let prefixes = vec![own[0].clone(), own[1].clone(), "meetings".to_owned()];
        let mut mentions: std::collections::HashMap<ObjectId, bool> =
            std::collections::HashMap::new();
        let mut names_school = |repo: &PanelRepo, blob: &ObjectId, path: &str| -> bool {
            *mentions.entry(blob.clone()).or_insert_with(|| {
                repo.blob_text(blob, path)
                    .ok()
                    .and_then(|t| {
                        crate::model::format::parse_document::<crate::model::Meeting>(&t).ok()
                    })
                    .is_some_and(|m| {
                        m.agenda.iter().any(|i| &i.school == school)
                            || m.conflicts.iter().any(|c| &c.school == school)
                    })
            })
        };
        let mut out = Vec::new();
        for mut commit in self.history(rev, &prefixes)? {
            commit.changes.retain(|c| {
                if own.iter().any(|p| under(&c.path, p)) {
                    return true;
                }
                // A meeting counts if it names the school before or after the change.
                [&c.new, &c.old]
                    .into_iter()
                    .flatten()
                    .any(|blob| names_school(self, blob, &c.path))
            });
            if !commit.changes.is_empty() {
                out.push(commit);
            }
        }
        Ok(out)
    }

    /// The commit `rev` names (`None` for HEAD).
    fn snapshot_commit(&self, rev: Option<&str>) -> Result<Oid, RepoError> {
        let repo = self.git();
        match rev {
            None => match repo.head() {
                Ok(head) => head
                    .peel_to_commit()
                    .map(|c| c.id())
                    .map_err(RepoError::git("cannot read HEAD")),
                Err(e)
                    if e.code() == git2::ErrorCode::UnbornBranch
                        || e.code() == git2::ErrorCode::NotFound =>
                {
                    Err(RepoError::Empty { path: self.path() })
                }
                Err(e) => Err(RepoError::git("cannot read HEAD")(e)),
            },
            Some(rev) => repo
                .revparse_single(rev)
                .and_then(|o| o.peel_to_commit())
                .map(|c| c.id())
                .map_err(|source| RepoError::BadRevision {
                    rev: rev.to_owned(),
                    source,
                }),
        }
    }

    /// A blob's text, by id; `path` names it in errors.
    pub fn blob_text(&self, id: &ObjectId, path: &str) -> Result<String, ReadError> {
        let oid = oid_of(id).ok_or_else(|| ReadError::Git {
            path: path.to_owned(),
            source: git2::Error::from_str(&format!("{id} is not an object id")),
        })?;
        self.read_text(&BlobRef {
            path: path.to_owned(),
            oid,
        })
    }

    /// The text of a file as it was at a commit, if it existed there.
    pub fn text_at(&self, commit: &ObjectId, path: &str) -> Result<Option<String>, ReadError> {
        let git_err = |source| ReadError::Git {
            path: path.to_owned(),
            source,
        };
        let oid = oid_of(commit).ok_or_else(|| {
            git_err(git2::Error::from_str(&format!(
                "{commit} is not a commit id"
            )))
        })?;
        let tree = self
            .git()
            .find_commit(oid)
            .and_then(|c| c.tree())
            .map_err(git_err)?;
        match entry(&tree, path) {
            Some(blob) => self
                .read_text(&BlobRef {
                    path: path.to_owned(),
                    oid: blob,
                })
                .map(Some),
            None => Ok(None),
        }
    }
}
