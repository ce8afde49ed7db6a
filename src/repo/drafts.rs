//! Drafts: forms being filled in, kept in the git directory (never in the tree, so never
//! committed by accident) and replaced atomically, so that a kill in the middle of typing
//! loses at most the keystroke being handled.
//!
//! A [`DraftStore`] is only a directory: it is cheap to clone into a thread of its own, so
//! saving never waits behind a slow read of the repository.

use std::path::PathBuf;

use super::{PanelRepo, RepoError};

/// A draft found on disk, with when it was last saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedDraft {
    pub key: String,
    pub text: String,
    pub saved: Option<jiff::Timestamp>,
}

/// Where a repository's drafts live: `<git dir>/kitemark/drafts/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftStore {
    dir: PathBuf,
}

impl PanelRepo {
    /// The repository's draft store.
    pub fn drafts(&self) -> DraftStore {
        DraftStore::new(self.kitemark_dir().join("drafts"))
    }
}

impl DraftStore {
    pub fn new(dir: PathBuf) -> DraftStore {
        DraftStore { dir }
    }

    /// The draft store of the repository at `path`. Drafts are files beside the repository,
    /// never git objects, so its loose objects are not checked here: whoever reads the
    /// repository opens it with [`PanelRepo::open`], which does.
    pub fn of_repository(path: &std::path::Path) -> Result<DraftStore, RepoError> {
        PanelRepo::open_unchecked(path).map(|r| r.drafts())
    }

    fn path(&self, key: &str) -> PathBuf {
        // Keys are made of ids, which cannot hold path separators; keep it so regardless.
        let safe: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-_".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        self.dir.join(format!("{safe}.ron"))
    }

    /// Saves a draft, replacing the file in one step: a reader sees the old draft or the new
    /// one, never half of either.
    pub fn save(&self, key: &str, text: &str) -> Result<(), RepoError> {
        super::write::write_atomically(&self.path(key), text.as_bytes())
    }

    /// The saved draft for a key, if there is one.
    pub fn load(&self, key: &str) -> Result<Option<SavedDraft>, RepoError> {
        let path = self.path(key);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(RepoError::Io(format!(
                    "cannot read {}: {e}",
                    path.display()
                )));
            }
        };
        let saved = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| jiff::Timestamp::try_from(t).ok());
        Ok(Some(SavedDraft {
            key: key.to_owned(),
            text,
            saved,
        }))
    }

    /// Removes a draft once its work is recorded (or the user discards it).
    pub fn delete(&self, key: &str) -> Result<(), RepoError> {
        let path = self.path(key);
        match std::fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(RepoError::Io(format!(
                "cannot remove {}: {e}",
                path.display()
            ))),
        }
    }

    /// The keys of the drafts on disk, sorted.
    pub fn keys(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Vec::new();
        };
        let mut keys: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                name.strip_suffix(".ron").map(str::to_owned)
            })
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_saved_listed_loaded_and_deleted() {
        let dir = tempfile::tempdir().unwrap();
        let store = DraftStore::new(dir.path().join("kitemark").join("drafts"));
        assert_eq!(store.load("oak").unwrap(), None);
        assert!(store.keys().is_empty());
        store.save("oak_2025-26", "first").unwrap();
        store.save("oak_2025-26", "second").unwrap();
        store.save("../escape", "x").unwrap();
        assert_eq!(store.keys(), vec!["___escape", "oak_2025-26"]);
        assert_eq!(store.load("oak_2025-26").unwrap().unwrap().text, "second");
        store.delete("oak_2025-26").unwrap();
        store.delete("oak_2025-26").unwrap();
        assert_eq!(store.keys(), vec!["___escape"]);
        assert!(!dir.path().join("escape.ron").exists());
    }
}
