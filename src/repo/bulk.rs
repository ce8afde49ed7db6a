//! Writing a long history quickly, for synthetic repositories: objects are kept in memory and
//! written out as a pack every so many commits, never as thousands of loose files.

use std::io::Write as _;
use std::path::Path;

use git2::{Oid, Repository};
use jiff::Zoned;

use super::write::{commit_over, signature};
use super::{PanelRepo, RepoError};
use crate::model::{Identity, ObjectId};

/// How many commits are kept in memory before they are written out as a pack.
const COMMITS_PER_PACK: usize = 2000;

/// The writer a bulk history is built with.
pub struct Bulk<'r> {
    repo: &'r Repository,
    odb: &'r git2::Odb<'r>,
    mempack: git2::Mempack<'r>,
    head: Option<Oid>,
    pending: usize,
    commits: usize,
    /// Keys to sign with, by author email (lower case).
    keys: std::collections::HashMap<String, ssh_key::PrivateKey>,
}

/// The id git gives a file's content.
pub fn blob_id(content: &[u8]) -> Result<ObjectId, RepoError> {
    Oid::hash_object(git2::ObjectType::Blob, content)
        .map(|oid| ObjectId::from_git(oid.to_string()))
        .map_err(RepoError::git("cannot hash a file"))
}

impl Bulk<'_> {
    /// Commits `files` (paths and contents) on top of the last commit, as `author` at `when`.
    pub fn commit(
        &mut self,
        files: &[(String, Vec<u8>)],
        message: &str,
        author: &Identity,
        when: &Zoned,
    ) -> Result<ObjectId, RepoError> {
        let sig = signature(author, when)?;
        let key = self.keys.get(&author.email.to_lowercase());
        let id = commit_over(self.repo, self.head, files, message, &sig, &sig, |text| {
            key.map(|k| {
                k.sign("git", ssh_key::HashAlg::Sha512, text)
                    .and_then(|s| s.to_pem(ssh_key::LineEnding::LF))
                    .map_err(|e| RepoError::Io(format!("cannot sign a commit: {e}")))
            })
            .transpose()
        })?;
        self.head = Some(id);
        self.commits += 1;
        self.pending += 1;
        if self.pending >= COMMITS_PER_PACK {
            self.flush()?;
        }
        Ok(ObjectId::from_git(id.to_string()))
    }

    /// Signs each later commit whose author has a key here (by email), as a member's
    /// commit is signed.
    pub fn sign_with(&mut self, keys: impl IntoIterator<Item = (String, ssh_key::PrivateKey)>) {
        self.keys = keys
            .into_iter()
            .map(|(email, key)| (email.to_lowercase(), key))
            .collect();
    }

    /// The commits written so far.
    pub fn commits(&self) -> usize {
        self.commits
    }

    /// Writes what is in memory out as a pack.
    fn flush(&mut self) -> Result<(), RepoError> {
        if self.pending == 0 {
            return Ok(());
        }
        let mut buf = git2::Buf::new();
        self.mempack
            .dump(self.repo, &mut buf)
            .map_err(RepoError::git("cannot gather the objects"))?;
        let mut writer = self
            .odb
            .packwriter()
            .map_err(RepoError::git("cannot start a pack"))?;
        writer
            .write_all(&buf)
            .map_err(|e| RepoError::Io(format!("cannot write a pack: {e}")))?;
        writer
            .commit()
            .map_err(RepoError::git("cannot finish a pack"))?;
        self.mempack
            .reset()
            .map_err(RepoError::git("cannot empty the memory"))?;
        self.odb
            .refresh()
            .map_err(RepoError::git("cannot find the new pack"))?;
        self.pending = 0;
        Ok(())
    }
}

impl PanelRepo {
    /// Creates a bare repository at `dir` (which must not exist) whose branch `main` holds the
    /// history `write` builds, and returns what `write` returns.
    pub fn create_bulk<T>(
        dir: &Path,
        write: impl FnOnce(&mut Bulk<'_>) -> Result<T, RepoError>,
    ) -> Result<T, RepoError> {
        if dir.exists() {
            return Err(RepoError::Io(format!(
                "{} exists already; give a new folder",
                dir.display()
            )));
        }
        let mut options = git2::RepositoryInitOptions::new();
        options.bare(true).initial_head("main");
        let repo = Repository::init_opts(dir, &options).map_err(RepoError::git(format!(
            "cannot create a repository at {}",
            dir.display()
        )))?;
        let odb = repo
            .odb()
            .map_err(RepoError::git("cannot open the object database"))?;
        let mempack = odb
            .add_new_mempack_backend(1000)
            .map_err(RepoError::git("cannot keep objects in memory"))?;
        let mut bulk = Bulk {
            repo: &repo,
            odb: &odb,
            mempack,
            head: None,
            pending: 0,
            commits: 0,
            keys: std::collections::HashMap::new(),
        };
        let result = write(&mut bulk)?;
        bulk.flush()?;
        if let Some(head) = bulk.head {
            repo.reference("refs/heads/main", head, true, "kitemark: synthetic history")
                .map_err(RepoError::git("cannot set the branch"))?;
        }
        Ok(result)
    }
}
