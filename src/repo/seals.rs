//! Seals (see `model::seal`): every `audit/*` tag the repository holds, with where its commit
//! stands against the commit audited, and a new seal written as an annotated tag under
//! kitemark's write lock.

use std::path::Path;

use git2::Oid;
use jiff::Zoned;

use super::history::person;
use super::snapshot::{object_id, oid_of};
use super::write::{WriteError, WriteLock};
use super::{PanelRepo, RepoError};
use crate::model::history::FileAt;
use crate::model::layout::{Classified, DECISIONS_DIR, PanelPath, classify};
use crate::model::seal::{FoundSeal, SealMessage, SealTag, Standing, TAG_FOLDER, tag_name};
use crate::model::{Identity, ObjectId};

/// How many seals one day may have: far beyond any panel's auditors, and a bound on the
/// search for a free name.
const MAX_SEALS_A_DAY: usize = 999;

/// A seal just written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    /// The tag's name, `audit/2026-12-06`.
    pub name: String,
    /// The tag object.
    pub tag: ObjectId,
}

/// What a rewrite such as `git filter-branch` keeps of a commit: its author, with the
/// author's time and offset, and its summary.
type Likeness = (Vec<u8>, Vec<u8>, i64, i32, Vec<u8>);

fn likeness(commit: &git2::Commit<'_>) -> Likeness {
    let author = commit.author();
    (
        author.name_bytes().to_vec(),
        author.email_bytes().to_vec(),
        author.when().seconds(),
        author.when().offset_minutes(),
        commit.summary_bytes().unwrap_or_default().to_vec(),
    )
}

impl PanelRepo {
    /// Every tag under `audit/`, then each commit in `expected` (ids an auditor kept outside
    /// the repository), judged against the history of `audited`: oldest seal first.
    pub fn seals(
        &self,
        audited: &ObjectId,
        expected: &[ObjectId],
    ) -> Result<Vec<FoundSeal>, RepoError> {
        let repo = self.git();
        let audited_oid = oid_of(audited).ok_or_else(|| {
            RepoError::Io(format!(
                "{audited} is not the id of a commit kitemark can read"
            ))
        })?;
        let mut found = Vec::new();
        let refs = repo
            .references()
            .map_err(RepoError::git("cannot list the repository's tags"))?;
        for reference in refs {
            let reference =
                reference.map_err(RepoError::git("cannot list the repository's tags"))?;
            let Some(name) = reference
                .name()
                .ok()
                .and_then(|n| n.strip_prefix("refs/tags/"))
                .filter(|n| n.starts_with(TAG_FOLDER))
                .map(str::to_owned)
            else {
                continue;
            };
            let Some(target) = reference.resolve().ok().and_then(|r| r.target()) else {
                continue;
            };
            let (commit, tag) = self.read_tag(target);
            found.push(FoundSeal {
                name: Some(name),
                held: self.decision_files(&object_id(commit)),
                standing: self.standing(commit, audited_oid)?,
                commit: object_id(commit),
                tag: Some(tag),
                counterpart: None,
            });
        }
        found.sort_by(|a, b| {
            let key = |s: &FoundSeal| {
                (
                    s.sealed_on(),
                    s.tagger().map(|t| t.time.timestamp()),
                    s.name.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        for commit in expected {
            let oid = oid_of(commit).ok_or_else(|| {
                RepoError::Io(format!(
                    "{commit} is not the id of a commit kitemark can read"
                ))
            })?;
            found.push(FoundSeal {
                name: None,
                commit: commit.clone(),
                tag: None,
                held: self.decision_files(commit),
                standing: self.standing(oid, audited_oid)?,
                counterpart: None,
            });
        }
        self.find_counterparts(audited_oid, &mut found)?;
        Ok(found)
    }

    /// The commit a tag names, and the tag as a seal: an annotated tag (a tag of a tag is
    /// followed to its commit) or a lightweight one.
    fn read_tag(&self, target: Oid) -> (Oid, SealTag) {
        let repo = self.git();
        let Ok(mut tag) = repo.find_tag(target) else {
            return (target, SealTag::Lightweight);
        };
        let seal = SealTag::Annotated {
            tagger: tag.tagger().map(|t| person(&t)),
            message: SealMessage::parse(&String::from_utf8_lossy(
                tag.message_bytes().unwrap_or_default(),
            )),
        };
        // A tag of a tag: bounded, as git bounds it, against a loop no real tag makes.
        for _ in 0..32 {
            match repo.find_tag(tag.target_id()) {
                Ok(inner) => tag = inner,
                Err(_) => break,
            }
        }
        (tag.target_id(), seal)
    }

    /// Where `sealed` stands against `audited` in the history.
    fn standing(&self, sealed: Oid, audited: Oid) -> Result<Standing, RepoError> {
        if sealed == audited {
            return Ok(Standing::InHistory);
        }
        let repo = self.history_git();
        let shallow = self.is_shallow();
        if repo.find_commit(sealed).is_err() {
            return Ok(if shallow {
                Standing::BeyondShallowClone
            } else {
                Standing::Missing
            });
        }
        let descends = |from: Oid, to: Oid| {
            repo.graph_descendant_of(from, to)
                .map_err(RepoError::git(format!(
                    "cannot tell whether commit {sealed} is in the history of {audited}"
                )))
        };
        match descends(audited, sealed) {
            Ok(true) => Ok(Standing::InHistory),
            // A shallow clone cannot tell a commit from before its boundary from one that
            // is not in the history at all.
            _ if shallow => Ok(Standing::BeyondShallowClone),
            Ok(false) if descends(sealed, audited)? => Ok(Standing::Later),
            Ok(false) => Ok(Standing::Elsewhere),
            Err(e) => Err(e),
        }
    }

    /// For each sealed commit the history does not hold but the repository does, the commit
    /// of the history that looks like it (see [`likeness`]): in one walk, only if needed.
    fn find_counterparts(&self, audited: Oid, seals: &mut [FoundSeal]) -> Result<(), RepoError> {
        let repo = self.history_git();
        let mut wanted: Vec<(usize, Likeness)> = Vec::new();
        for (i, seal) in seals.iter().enumerate() {
            if seal.standing != Standing::Elsewhere {
                continue;
            }
            if let Some(commit) = oid_of(&seal.commit).and_then(|o| repo.find_commit(o).ok()) {
                wanted.push((i, likeness(&commit)));
            }
        }
        if wanted.is_empty() {
            return Ok(());
        }
        let mut walk = repo
            .revwalk()
            .map_err(RepoError::git("cannot walk the history"))?;
        walk.push(audited)
            .map_err(RepoError::git("cannot walk the history"))?;
        for oid in walk {
            let oid = oid.map_err(RepoError::git("cannot walk the history"))?;
            let Ok(commit) = repo.find_commit(oid) else {
                continue;
            };
            let here = likeness(&commit);
            wanted.retain(|(i, like)| {
                if *like != here {
                    return true;
                }
                seals[*i].counterpart = Some(object_id(oid));
                false
            });
            if wanted.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// The decision files in a commit's tree, with their blobs, in path order; `None` when
    /// the repository does not hold the commit or its trees.
    pub fn decision_files(&self, commit: &ObjectId) -> Option<Vec<FileAt>> {
        let repo = self.git();
        let tree = repo.find_commit(oid_of(commit)?).ok()?.tree().ok()?;
        let Ok(entry) = tree.get_path(Path::new(DECISIONS_DIR)) else {
            return Some(Vec::new());
        };
        let Ok(folder) = repo.find_tree(entry.id()) else {
            return Some(Vec::new());
        };
        let mut files = Vec::new();
        folder
            .walk(git2::TreeWalkMode::PreOrder, |root, e| {
                if e.kind() == Some(git2::ObjectType::Blob) {
                    let path = format!(
                        "{DECISIONS_DIR}/{root}{}",
                        String::from_utf8_lossy(e.name_bytes())
                    );
                    if let Classified::File(PanelPath::Decision(_)) = classify(&path) {
                        files.push(FileAt {
                            path,
                            blob: object_id(e.id()),
                        });
                    }
                }
                git2::TreeWalkResult::Ok
            })
            .ok()?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Some(files)
    }

    /// The person git's configuration names (`user.name` and `user.email`), if both are set.
    pub fn configured_identity(&self) -> Option<Identity> {
        let config = self.git().config().ok()?;
        let name = config.get_string("user.name").ok()?;
        let email = config.get_string("user.email").ok()?;
        (!name.trim().is_empty() && !email.trim().is_empty()).then(|| Identity {
            name: name.trim().to_owned(),
            email: email.trim().to_owned(),
        })
    }

    /// Records `message` as a new seal of its commit: an annotated tag `audit/<date>` (or
    /// `-2`, `-3`, … when that name is taken) by `auditor`, now. An existing tag is never
    /// moved or replaced: the tag's reference is only ever created where there is none.
    pub fn write_seal(
        &self,
        _lock: &WriteLock,
        message: &SealMessage,
        auditor: &Identity,
    ) -> Result<Sealed, WriteError> {
        super::write::check_identity(auditor)?;
        let repo = self.git();
        let commit = oid_of(&message.commit)
            .and_then(|oid| repo.find_commit(oid).ok())
            .ok_or_else(|| {
                RepoError::Io(format!(
                    "commit {} is not in the repository",
                    message.commit
                ))
            })?;
        let text = message.render();
        let now = Zoned::now();
        for n in 1..=MAX_SEALS_A_DAY {
            let name = tag_name(message.on, n);
            let refname = format!("refs/tags/{name}");
            if repo.find_reference(&refname).is_ok() {
                continue;
            }
            let payload = tag_payload(commit.id(), &name, auditor, &now, &text);
            let tag = create_tag_object(self, &payload)?;
            match repo.reference(&refname, tag, false, &format!("kitemark: seal {name}")) {
                Ok(_) => {
                    return Ok(Sealed {
                        name,
                        tag: object_id(tag),
                    });
                }
                // Taken since it was looked up: by someone else's seal, or a git command.
                Err(e)
                    if e.code() == git2::ErrorCode::Exists
                        && repo.find_reference(&refname).is_ok() =>
                {
                    continue;
                }
                Err(e) => {
                    return Err(RepoError::git(format!("cannot create the tag {name}"))(e).into());
                }
            }
        }
        Err(RepoError::Io(format!(
            "{} seals were already made on {}; no tag name is left for another",
            MAX_SEALS_A_DAY, message.on
        ))
        .into())
    }
}

/// A tag object's content, as `git mktag` takes it.
fn tag_payload(commit: Oid, name: &str, tagger: &Identity, when: &Zoned, message: &str) -> String {
    let offset = when.offset().seconds();
    let sign = if offset < 0 { '-' } else { '+' };
    let minutes = offset.unsigned_abs() / 60;
    format!(
        "object {commit}\ntype commit\ntag {name}\ntagger {} <{}> {} {sign}{:02}{:02}\n\n{message}",
        tagger.name,
        tagger.email,
        when.timestamp().as_second(),
        minutes / 60,
        minutes % 60
    )
}

/// Stores a tag object whose content is `payload`, signed by the auditor where they have a
/// key configured (as `git tag -s` signs: the armoured signature follows the message), and
/// checks that libgit2 reads it back as a tag.
fn create_tag_object(repo: &PanelRepo, payload: &str) -> Result<Oid, RepoError> {
    let signed = match repo.auditor_signature(payload.as_bytes()) {
        Ok(Some(signature)) => format!("{payload}{signature}"),
        Ok(None) => payload.to_owned(),
        Err(why) => {
            return Err(RepoError::Io(format!(
                "cannot sign the seal with the auditor's key: {why}"
            )));
        }
    };
    let git = repo.git();
    let odb = git
        .odb()
        .map_err(RepoError::git("cannot write the tag object"))?;
    let id = odb
        .write(git2::ObjectType::Tag, signed.as_bytes())
        .map_err(RepoError::git("cannot write the tag object"))?;
    git.find_tag(id)
        .map_err(RepoError::git("cannot read the tag object back"))?;
    Ok(id)
}
