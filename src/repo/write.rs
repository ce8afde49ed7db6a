//! Writing commits: a set of files as one commit on the current branch, authored as given
//! (never from a global git config, which a fresh machine lacks).

use jiff::Zoned;

use super::{PanelRepo, RepoError};
use crate::model::{Identity, ObjectId};

/// One commit to write.
#[derive(Debug, Clone)]
pub struct CommitSpec {
    /// Repository paths and their new contents.
    pub files: Vec<(String, Vec<u8>)>,
    pub message: String,
    pub author: Identity,
    pub committer: Identity,
    /// When the commit is made; `None` for now.
    pub when: Option<Zoned>,
}

fn signature(who: &Identity, when: &Zoned) -> Result<git2::Signature<'static>, RepoError> {
    let offset_minutes = when.offset().seconds() / 60;
    let time = git2::Time::new(when.timestamp().as_second(), offset_minutes);
    git2::Signature::new(&who.name, &who.email, &time).map_err(RepoError::git(format!(
        "cannot use {:?} <{}> as a commit author",
        who.name, who.email
    )))
}

impl PanelRepo {
    /// Writes the files as one commit on top of the current branch and moves the branch.
    ///
    /// The branch must still be at `expected_head` (`None` for a branch with no commits yet):
    /// if someone else committed in the meantime, libgit2 refuses to move it and nothing is
    /// written to the branch. The index and working tree are left as they are.
    pub fn commit_to_branch(
        &self,
        expected_head: Option<&ObjectId>,
        spec: &CommitSpec,
    ) -> Result<ObjectId, RepoError> {
        let repo = self.git();
        let parent = match expected_head {
            Some(id) => {
                let oid =
                    git2::Oid::from_str(id.as_str()).map_err(RepoError::git("bad commit id"))?;
                Some(
                    repo.find_commit(oid)
                        .map_err(RepoError::git(format!("cannot find commit {id}")))?,
                )
            }
            None => None,
        };
        let base_tree = match &parent {
            Some(commit) => commit
                .tree()
                .map_err(RepoError::git("cannot read the parent's tree"))?,
            None => {
                let empty = repo
                    .treebuilder(None)
                    .and_then(|b| b.write())
                    .map_err(RepoError::git("cannot write an empty tree"))?;
                repo.find_tree(empty)
                    .map_err(RepoError::git("cannot read the empty tree"))?
            }
        };
        let mut update = git2::build::TreeUpdateBuilder::new();
        for (path, content) in &spec.files {
            let blob = repo
                .blob(content)
                .map_err(RepoError::git(format!("cannot store {path}")))?;
            update.upsert(path.as_str(), blob, git2::FileMode::Blob);
        }
        let tree_id = update
            .create_updated(repo, &base_tree)
            .map_err(RepoError::git("cannot build the new tree"))?;
        let tree = repo
            .find_tree(tree_id)
            .map_err(RepoError::git("cannot read the new tree"))?;
        let when = spec.when.clone().unwrap_or_else(Zoned::now);
        let author = signature(&spec.author, &when)?;
        let committer = signature(&spec.committer, &when)?;
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        let oid = repo
            .commit(
                Some("HEAD"),
                &author,
                &committer,
                &spec.message,
                &tree,
                &parents,
            )
            .map_err(RepoError::git(
                "cannot commit (has the branch moved since the data was read?)",
            ))?;
        Ok(super::snapshot::object_id(oid))
    }

    /// The commit the current branch points at, or `None` on a branch with no commits yet.
    pub fn head_id(&self) -> Result<Option<ObjectId>, RepoError> {
        match self.git().head() {
            Ok(head) => {
                let commit = head
                    .peel_to_commit()
                    .map_err(RepoError::git("cannot read HEAD"))?;
                Ok(Some(super::snapshot::object_id(commit.id())))
            }
            Err(e)
                if e.code() == git2::ErrorCode::UnbornBranch
                    || e.code() == git2::ErrorCode::NotFound =>
            {
                Ok(None)
            }
            Err(e) => Err(RepoError::git("cannot read HEAD")(e)),
        }
    }

    /// Brings the index and working tree of a repository that has just been created up to
    /// `HEAD`. Only for new repositories: it overwrites whatever the working tree holds.
    pub fn checkout_new_repository(&self) -> Result<(), RepoError> {
        if self.is_bare() {
            return Ok(());
        }
        let mut options = git2::build::CheckoutBuilder::new();
        options.force();
        self.git()
            .checkout_head(Some(&mut options))
            .map_err(RepoError::git("cannot check out the new repository"))
    }

    /// Creates a new repository (with a working tree) whose first branch is `main`.
    pub fn init(path: &std::path::Path) -> Result<Self, RepoError> {
        let mut options = git2::RepositoryInitOptions::new();
        options.initial_head("main").mkpath(true);
        let repo = git2::Repository::init_opts(path, &options).map_err(RepoError::git(format!(
            "cannot create a repository at {}",
            path.display()
        )))?;
        Ok(Self::from_git(repo))
    }

    /// The message of the repository's first commit, if it has one.
    pub fn root_commit_message(&self) -> Result<Option<String>, RepoError> {
        let Some(head) = self.head_id()? else {
            return Ok(None);
        };
        let repo = self.git();
        let mut walk = repo
            .revwalk()
            .map_err(RepoError::git("cannot walk the history"))?;
        let oid = git2::Oid::from_str(head.as_str()).map_err(RepoError::git("bad commit id"))?;
        walk.push(oid)
            .map_err(RepoError::git("cannot walk the history"))?;
        walk.simplify_first_parent()
            .map_err(RepoError::git("cannot walk the history"))?;
        let mut root = None;
        for step in walk {
            root = Some(step.map_err(RepoError::git("cannot walk the history"))?);
        }
        match root {
            Some(oid) => {
                let commit = repo
                    .find_commit(oid)
                    .map_err(RepoError::git("cannot read the first commit"))?;
                Ok(Some(
                    String::from_utf8_lossy(commit.message_bytes()).into_owned(),
                ))
            }
            None => Ok(None),
        }
    }
}
