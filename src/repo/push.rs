//! What a push brings to a served repository, as its pre-receive hook sees it: which commits
//! are new (reachable from the pushed tips and from no ref the server had), where they meet
//! the history the server already held, and whether a branch moves forward.

use std::collections::HashSet;

use git2::Oid;

use super::snapshot::{object_id, oid_of};
use super::{PanelRepo, RepoError};
use crate::model::ObjectId;

/// The commits a push brings, and the commits the server already had that they build on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Oldest first (parents before children).
    pub commits: Vec<ObjectId>,
    /// The commits the server had that a new commit names as a parent: the history of the
    /// push is cut there ([`PanelRepo::cut_at`]).
    pub boundary: Vec<ObjectId>,
}

fn id_of(id: &ObjectId) -> Result<Oid, RepoError> {
    oid_of(id).ok_or_else(|| RepoError::Git {
        context: format!("{} is not a git object id", id.as_str()),
        error: git2::Error::from_str("not an object id"),
    })
}

impl PanelRepo {
    /// The commit an object names (a commit, or a tag of one); `None` for another object,
    /// such as a tag of a tree.
    pub fn peel_to_commit(&self, id: &ObjectId) -> Result<Option<ObjectId>, RepoError> {
        let object = self
            .git()
            .find_object(id_of(id)?, None)
            .map_err(RepoError::git(format!(
                "cannot read object {}",
                id.as_str()
            )))?;
        Ok(object.peel_to_commit().ok().map(|c| object_id(c.id())))
    }

    /// Whether `new` has `old` among its ancestors (or is it): a branch moved from `old` to
    /// `new` moves forward, losing nothing.
    pub fn is_fast_forward(&self, old: &ObjectId, new: &ObjectId) -> Result<bool, RepoError> {
        let (old, new) = (id_of(old)?, id_of(new)?);
        if old == new {
            return Ok(true);
        }
        self.git()
            .graph_descendant_of(new, old)
            .map_err(RepoError::git(
                "cannot compare the branch's old and new commits",
            ))
    }

    /// The commits reachable from `tips` and from no ref the repository holds now (in a
    /// pre-receive hook, the refs as they were before the push), with where they meet the
    /// rest of the history.
    pub fn pushed(&self, tips: &[ObjectId]) -> Result<Pushed, RepoError> {
        let repo = self.git();
        let walk_err = RepoError::git("cannot walk the pushed commits");
        let mut walk = repo.revwalk().map_err(walk_err)?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .map_err(RepoError::git("cannot walk the pushed commits"))?;
        for tip in tips {
            walk.push(id_of(tip)?).map_err(RepoError::git(format!(
                "cannot read commit {}",
                tip.as_str()
            )))?;
        }
        let refs = repo
            .references()
            .map_err(RepoError::git("cannot list the repository's refs"))?;
        for reference in refs {
            let reference = reference.map_err(RepoError::git("cannot read a ref"))?;
            // A ref that names no commit (a tag of a tree, say) hides nothing.
            if let Ok(commit) = reference.peel_to_commit() {
                walk.hide(commit.id())
                    .map_err(RepoError::git("cannot walk the pushed commits"))?;
            }
        }
        let mut commits = Vec::new();
        for oid in walk {
            commits.push(oid.map_err(RepoError::git("cannot walk the pushed commits"))?);
        }
        let new: HashSet<Oid> = commits.iter().copied().collect();
        let mut boundary = Vec::new();
        for oid in &commits {
            let commit = repo
                .find_commit(*oid)
                .map_err(RepoError::git(format!("cannot read commit {oid}")))?;
            for parent in commit.parent_ids() {
                if !new.contains(&parent) && !boundary.contains(&parent) {
                    boundary.push(parent);
                }
            }
        }
        Ok(Pushed {
            commits: commits.into_iter().map(object_id).collect(),
            boundary: boundary.into_iter().map(object_id).collect(),
        })
    }

    /// Every path `commits` change against any of their parents (against nothing for a
    /// commit without parents): what a push touches, found by comparing trees, so a
    /// folder no commit changed is never opened.
    pub fn changed_paths(
        &self,
        commits: &[ObjectId],
    ) -> Result<std::collections::BTreeSet<String>, RepoError> {
        let repo = self.git();
        let mut out = std::collections::BTreeSet::new();
        for id in commits {
            let commit = repo
                .find_commit(id_of(id)?)
                .map_err(RepoError::git(format!(
                    "cannot read commit {}",
                    id.as_str()
                )))?;
            let tree = commit.tree().map_err(RepoError::git(format!(
                "cannot read the tree of {}",
                id.as_str()
            )))?;
            let mut parents = Vec::new();
            for parent in commit.parents() {
                parents.push(Some(parent.tree().map_err(RepoError::git(format!(
                    "cannot read the tree of a parent of {}",
                    id.as_str()
                )))?));
            }
            if parents.is_empty() {
                parents.push(None);
            }
            for parent in &parents {
                for change in super::history::changes_between(repo, parent.as_ref(), Some(&tree)) {
                    out.insert(change.path);
                }
            }
        }
        Ok(out)
    }

    /// A commit's summary (its message's first line), as written; empty if unreadable.
    pub fn commit_summary(&self, id: &ObjectId) -> String {
        oid_of(id)
            .and_then(|oid| self.git().find_commit(oid).ok())
            .map(|c| {
                String::from_utf8_lossy(c.message_bytes())
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .unwrap_or_default()
    }
}
