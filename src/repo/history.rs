//! The history of a panel repository, read in one walk: each commit that changed something
//! in the paths asked about, with its people, trailers and changed files.
//!
//! As `git log -- <paths>` does, a commit is kept only if the paths differ from its parent
//! (for a merge, from every parent), and that is decided by comparing the ids of the paths'
//! subtrees before any file is compared, so a long history costs one tree lookup per path
//! per commit, plus a diff of just the subtrees that changed.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use git2::{Oid, Repository, Sort};

use super::cache::Kind;
use super::snapshot::{object_id, oid_of};
use super::{BlobRef, PanelRepo, ReadError, RepoError};
use crate::model::ObjectId;
use crate::model::history::{
    ChangeKind, CommitInfo, FileAt, FileChange, Person, parse_trailers, under,
};
use crate::model::layout::PanelPath;

/// A time as git records it, in its own offset.
pub(super) fn zoned(when: git2::Time) -> jiff::Zoned {
    let offset = jiff::tz::Offset::from_seconds(when.offset_minutes().saturating_mul(60))
        .unwrap_or(jiff::tz::Offset::UTC);
    jiff::Timestamp::from_second(when.seconds())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned(jiff::tz::TimeZone::fixed(offset))
}

pub(super) fn person(signature: &git2::Signature<'_>) -> Person {
    Person {
        name: String::from_utf8_lossy(signature.name_bytes()).into_owned(),
        email: String::from_utf8_lossy(signature.email_bytes()).into_owned(),
        time: zoned(signature.when()),
    }
}

/// The parents a commit names in its header. libgit2 reports none for a shallow clone's
/// boundary (the clone does not hold them), but the commit still names them.
fn named_parents(commit: &git2::Commit<'_>) -> Vec<ObjectId> {
    commit
        .raw_header_bytes()
        .split(|b| *b == b'\n')
        .filter_map(|line| line.strip_prefix(b"parent "))
        .filter_map(|id| std::str::from_utf8(id).ok())
        .filter_map(|id| Oid::from_str(id.trim()).ok())
        .map(object_id)
        .collect()
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
    if old_tree.is_none() && new_tree.is_none() {
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
    diff_trees(
        repo,
        old_tree.as_ref(),
        new_tree.as_ref(),
        prefix.trim_end_matches('/'),
        out,
    );
    Ok(())
}

fn is_tree(e: &git2::TreeEntry<'_>) -> bool {
    e.kind() == Some(git2::ObjectType::Tree)
}

/// git's order of tree entries: by name, a folder's name as if it ended with '/'.
fn entry_order(a: &git2::TreeEntry<'_>, b: &git2::TreeEntry<'_>) -> std::cmp::Ordering {
    let (an, bn) = (a.name_bytes(), b.name_bytes());
    let common = an.len().min(bn.len());
    match an[..common].cmp(&bn[..common]) {
        std::cmp::Ordering::Equal => {
            let next = |name: &[u8], tree: bool| match name.get(common) {
                Some(c) => *c,
                None if tree => b'/',
                None => 0,
            };
            next(an, is_tree(a)).cmp(&next(bn, is_tree(b)))
        }
        other => other,
    }
}

/// Every file under two versions of a folder that differs between them. Both trees are
/// walked side by side in git's order, comparing ids, and only differing subtrees are
/// entered, which is what makes a history of many small changes to a large folder cheap.
fn diff_trees(
    repo: &Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
    prefix: &str,
    out: &mut Vec<FileChange>,
) {
    // Borrowed entries: no copy of a large folder's listing per commit.
    let a: Vec<git2::TreeEntry<'_>> = old.map(|t| t.iter().collect()).unwrap_or_default();
    let b: Vec<git2::TreeEntry<'_>> = new.map(|t| t.iter().collect()).unwrap_or_default();
    let (mut i, mut j) = (0, 0);
    let path =
        |e: &git2::TreeEntry<'_>| format!("{prefix}/{}", String::from_utf8_lossy(e.name_bytes()));
    let only = |e: &git2::TreeEntry<'_>, added: bool, out: &mut Vec<FileChange>| {
        if is_tree(e) {
            let tree = repo.find_tree(e.id()).ok();
            if added {
                diff_trees(repo, None, tree.as_ref(), &path(e), out);
            } else {
                diff_trees(repo, tree.as_ref(), None, &path(e), out);
            }
        } else {
            out.push(FileChange {
                path: path(e),
                kind: if added {
                    ChangeKind::Added
                } else {
                    ChangeKind::Deleted
                },
                old: (!added).then(|| object_id(e.id())),
                new: added.then(|| object_id(e.id())),
            });
        }
    };
    while i < a.len() || j < b.len() {
        let order = match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) => entry_order(x, y),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        match order {
            std::cmp::Ordering::Less => {
                only(&a[i], false, out);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                only(&b[j], true, out);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                let (x, y) = (&a[i], &b[j]);
                if x.id() != y.id() {
                    match (is_tree(x), is_tree(y)) {
                        (true, true) => {
                            let (tx, ty) =
                                (repo.find_tree(x.id()).ok(), repo.find_tree(y.id()).ok());
                            diff_trees(repo, tx.as_ref(), ty.as_ref(), &path(y), out);
                        }
                        (false, false) => out.push(FileChange {
                            path: path(y),
                            kind: ChangeKind::Modified,
                            old: Some(object_id(x.id())),
                            new: Some(object_id(y.id())),
                        }),
                        _ => {
                            only(x, false, out);
                            only(y, true, out);
                        }
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
}

/// Every file that differs between two trees (either may be missing), with paths from the
/// root: only the subtrees whose ids differ are opened.
pub(super) fn changes_between(
    repo: &Repository,
    old: Option<&git2::Tree<'_>>,
    new: Option<&git2::Tree<'_>>,
) -> Vec<FileChange> {
    let mut out = Vec::new();
    diff_trees(repo, old, new, "", &mut out);
    for change in &mut out {
        // The root has no name: its files' paths start with the separator.
        change.path.remove(0);
    }
    out
}

/// What a walked commit holds at the paths asked about: the ids of their top folders, and of
/// the paths themselves.
pub(super) type Seen = (Vec<Option<Oid>>, Vec<Option<Oid>>);

/// The history [`PanelRepo::history_and_merges`] walked.
pub(super) struct Walked {
    /// Newest first.
    pub commits: Vec<CommitInfo>,
    /// Whether the walk met a merge anywhere.
    pub merges: bool,
    /// The commits kept that also changed something outside the top folders walked: only
    /// these need [`PanelRepo::changed_outside`].
    pub changed_outside: HashSet<ObjectId>,
}

/// What the walk knows of its last commit, to carry on from it: the ids of the prefixes'
/// top folders and of the prefixes there, the newest commit of its line with that commit's
/// time, and its root's entries outside the top folders.
pub(super) struct HeadState {
    pub seen: Seen,
    pub line: (Oid, git2::Time),
    pub outside: Vec<(Vec<u8>, Oid)>,
}

/// The newest of a line of commits so far (`before`, if any) and the next commit on it
/// (`next`), by the seconds `seconds` says each was committed at: on equal seconds, the later
/// commit. One rule for the walk and for a walk worked out from a wider one, which must agree.
fn newest_of_line<T>(before: Option<T>, next: T, seconds: impl Fn(&T) -> i64) -> T {
    match before {
        Some(before) if seconds(&before) > seconds(&next) => before,
        _ => next,
    }
}

/// The top folders (or files) of the paths walked.
fn tops(prefixes: &[String]) -> Vec<&str> {
    prefixes
        .iter()
        .map(|p| p.split('/').next().unwrap_or(p))
        .collect()
}

/// The walk of [`PanelRepo::history_and_merges`], one commit at a time, oldest first.
pub(super) struct Walker<'r> {
    repo: &'r Repository,
    prefixes: &'r [String],
    tops: Vec<&'r str>,
    boundary: HashSet<Oid>,
    /// Per commit: the ids of the prefixes' top folders, and of the prefixes themselves.
    known: HashMap<Oid, Seen>,
    /// Per commit: the newest commit, by committer time, on its first-parent line back to
    /// the last one kept (itself, if it is kept), for `CommitInfo::follows`.
    line: HashMap<Oid, (Oid, git2::Time)>,
    /// Per commit: its root's entries outside the prefixes' top folders (a README, say),
    /// which are few, to tell a commit that changed something there without a diff.
    outside: HashMap<Oid, Vec<(Vec<u8>, Oid)>>,
    changed_outside: HashSet<ObjectId>,
    /// The commits kept, oldest first.
    out: Vec<CommitInfo>,
    merges: bool,
}

impl<'r> Walker<'r> {
    fn new(repo: &'r Repository, prefixes: &'r [String], boundary: HashSet<Oid>) -> Self {
        Self {
            repo,
            prefixes,
            tops: tops(prefixes),
            boundary,
            known: HashMap::new(),
            line: HashMap::new(),
            outside: HashMap::new(),
            changed_outside: HashSet::new(),
            out: Vec::new(),
            merges: false,
        }
    }

    /// Carries on from a walk up to `head` (newest first, as kept), with what it knew there.
    fn seed(&mut self, walked: Walked, head: Oid, state: HeadState) {
        self.out = walked.commits;
        self.out.reverse();
        self.merges = walked.merges;
        self.changed_outside = walked.changed_outside;
        self.known.insert(head, state.seen);
        self.line.insert(head, state.line);
        self.outside.insert(head, state.outside);
    }

    /// What the walk knows of `head`, once walked.
    fn resume_state(&self, head: Oid) -> Option<HeadState> {
        Some(HeadState {
            seen: self.known.get(&head)?.clone(),
            line: *self.line.get(&head)?,
            outside: self.outside.get(&head)?.clone(),
        })
    }

    fn finish(self) -> Walked {
        let mut commits = self.out;
        commits.reverse();
        Walked {
            commits,
            merges: self.merges,
            changed_outside: self.changed_outside,
        }
    }

    /// Walks one commit, whose parents (within the walk) are walked already.
    fn step(&mut self, oid: Oid) -> Result<(), RepoError> {
        let (repo, prefixes) = (self.repo, self.prefixes);
        let commit = repo
            .find_commit(oid)
            .map_err(RepoError::git(format!("cannot read commit {oid}")))?;
        self.merges |= commit.parent_count() > 1;
        let tree = commit
            .tree()
            .map_err(RepoError::git(format!("cannot read the tree of {oid}")))?;
        let top_here: Vec<Option<Oid>> = self.tops.iter().map(|t| entry(&tree, t)).collect();
        // A shallow clone's boundary has no parents to compare with, whatever libgit2
        // says of them.
        let at_boundary = self.boundary.contains(&oid);
        let first_parent = commit
            .parent_ids()
            .next()
            .filter(|_| !at_boundary)
            .and_then(|p| self.known.get(&p));
        let here: Vec<Option<Oid>> = prefixes
            .iter()
            .enumerate()
            .map(|(i, p)| match first_parent {
                Some((top, value)) if top[i] == top_here[i] => value[i],
                _ => entry(&tree, p),
            })
            .collect();
        self.known.insert(oid, (top_here, here.clone()));
        let elsewhere: Vec<(Vec<u8>, Oid)> = tree
            .iter()
            .filter(|e| !self.tops.iter().any(|t| t.as_bytes() == e.name_bytes()))
            .map(|e| (e.name_bytes().to_vec(), e.id()))
            .collect();
        let elsewhere_changed = commit
            .parent_ids()
            .next()
            .filter(|_| !at_boundary)
            .is_some_and(|p| {
                self.outside
                    .get(&p)
                    .is_none_or(|before| *before != elsewhere)
            })
            || (commit.parent_count() == 0 && !elsewhere.is_empty());
        self.outside.insert(oid, elsewhere);
        let own = (oid, commit.committer().when());
        let follows = commit
            .parent_ids()
            .next()
            .filter(|_| !at_boundary)
            .and_then(|p| self.line.get(&p))
            .copied();
        // Until it is known to be kept, a commit passes on the newest of the line.
        self.line.insert(
            oid,
            newest_of_line(follows, own, |(_, when)| when.seconds()),
        );
        let message = String::from_utf8_lossy(commit.message_bytes()).into_owned();
        let info = |changes: Vec<FileChange>, held: Option<Vec<FileAt>>| CommitInfo {
            id: object_id(oid),
            parents: if held.is_some() {
                named_parents(&commit)
            } else {
                commit.parent_ids().map(object_id).collect()
            },
            author: person(&commit.author()),
            committer: person(&commit.committer()),
            summary: message.lines().next().unwrap_or_default().to_owned(),
            trailers: parse_trailers(&message),
            changes,
            boundary: held,
            signature: super::sign::check_commit(repo, &commit),
            follows: follows.map(|(id, when)| (object_id(id), zoned(when))),
        };
        if at_boundary {
            // What it holds is listed, not what it changed: that needs the parents the
            // clone does not have, and is nobody's change as far as the clone can tell.
            let mut held = Vec::new();
            for (i, prefix) in prefixes.iter().enumerate() {
                if here[i].is_some() {
                    changes_under(repo, prefix, None, here[i], &mut held)?;
                }
            }
            let held: Vec<FileAt> = held
                .into_iter()
                .filter(|c| prefixes.iter().any(|p| under(&c.path, p)))
                .filter_map(|c| {
                    Some(FileAt {
                        blob: c.new?,
                        path: c.path,
                    })
                })
                .collect();
            if !held.is_empty() {
                self.line.insert(oid, own);
                self.out.push(info(Vec::new(), Some(held)));
            }
            return Ok(());
        }
        let parents: Vec<Vec<Option<Oid>>> = commit
            .parent_ids()
            .map(|p| match self.known.get(&p) {
                Some((_, value)) => value.clone(),
                // A parent outside the walk (not expected: the walk holds every
                // ancestor, and a shallow clone's boundary is handled above): read it.
                None => repo
                    .find_commit(p)
                    .and_then(|c| c.tree())
                    .map(|t| prefixes.iter().map(|pre| entry(&t, pre)).collect())
                    .unwrap_or_else(|_| vec![None; prefixes.len()]),
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
            return Ok(());
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
        // A merge that brings nothing of its own passes the line's newest on, so that its
        // date cannot hide an earlier one from the commits after it.
        if !changes.is_empty() {
            self.line.insert(oid, own);
        }
        if elsewhere_changed {
            self.changed_outside.insert(object_id(oid));
        }
        self.out.push(info(changes, None));
        Ok(())
    }
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
        self.history_and_merges(rev, prefixes)
            .map(|walked| walked.commits)
    }

    /// [`PanelRepo::history`], whether the walk met a merge anywhere (even one that changed
    /// nothing under the prefixes), and which of the commits kept changed something outside
    /// the prefixes' top folders too.
    pub(super) fn history_and_merges(
        &self,
        rev: Option<&str>,
        prefixes: &[String],
    ) -> Result<Walked, RepoError> {
        let repo = self.history_git();
        let start = self.resolve(rev).map(|c| c.id())?;
        let boundary: HashSet<Oid> = self.shallow_boundary().iter().filter_map(oid_of).collect();
        // A walk is kept in the cache only for a whole history: a shallow clone's or a cut
        // one's depends on where it is cut, which its commits' ids do not say.
        let cached = self.cache().is_enabled() && boundary.is_empty();
        let key = super::walked::key(start, prefixes);
        if cached
            && let Some(stored) = self.cache().get::<super::walked::Stored>(Kind::Walk, &key)
            && let Some(walked) = stored.walked(start)
        {
            return Ok(walked);
        }
        if cached && let Some(walked) = self.narrowed(start, prefixes) {
            return Ok(walked);
        }
        let mut walker = Walker::new(repo, prefixes, boundary);
        let resumed = if cached {
            self.resume(&mut walker, start, prefixes)?
        } else {
            None
        };
        let oids = match resumed {
            Some(new) => new,
            None => self.all_commits(start)?,
        };
        for oid in oids {
            walker.step(oid)?;
        }
        let head = walker.resume_state(start);
        let walked = walker.finish();
        if cached && let Some(head) = head {
            self.cache().put(
                Kind::Walk,
                &key,
                &super::walked::Stored::of(&walked, start, head),
            );
        }
        Ok(walked)
    }

    /// The walk of `prefixes` from `start` worked out from the cache's walk of every folder
    /// the audit reads from the same commit, if there is one: one school's history, say,
    /// once the whole history has been walked. Only for a history without merges, where a
    /// walk is one line that the narrower walk is a part of: its commits are those whose
    /// changes under `prefixes` are not none, each with those changes; what each follows is
    /// the newest of what the commits of the wider walk since the last one kept follow; and
    /// it changed something outside the narrower walk's folders if it did outside the wider
    /// walk's, or in one of the wider walk's folders the narrower one leaves out.
    fn narrowed(&self, start: Oid, prefixes: &[String]) -> Option<Walked> {
        let audited = super::records::AUDITED;
        if prefixes.iter().map(String::as_str).eq(audited)
            || !prefixes.iter().all(|p| audited.iter().any(|a| under(p, a)))
        {
            return None;
        }
        let whole = self
            .cache()
            .get::<super::walked::Stored>(Kind::Walk, &super::walked::key(start, &audited))?
            .walked(start)?;
        if whole.merges {
            return None;
        }
        let tops = tops(prefixes);
        let mut commits = Vec::new();
        let mut changed_outside = HashSet::new();
        // The newest commit of the line since the last commit kept, by the walk's own rule.
        let mut newest: Option<(ObjectId, jiff::Zoned)> = None;
        for mut commit in whole.commits.into_iter().rev() {
            if let Some(follows) = commit.follows.take() {
                newest = Some(newest_of_line(newest, follows, |(_, when)| {
                    when.timestamp().as_second()
                }));
            }
            let outside_here = whole.changed_outside.contains(&commit.id)
                || commit.changes.iter().any(|c| {
                    let top = c.path.split('/').next().unwrap_or(&c.path);
                    !tops.contains(&top)
                });
            commit
                .changes
                .retain(|c| prefixes.iter().any(|p| under(&c.path, p)));
            if commit.changes.is_empty() {
                continue;
            }
            // In the order a walk of `prefixes` lists them: by prefix, then as the tree has them.
            commit
                .changes
                .sort_by_key(|c| prefixes.iter().position(|p| under(&c.path, p)));
            commit.follows = newest.take();
            if outside_here {
                changed_outside.insert(commit.id.clone());
            }
            commits.push(commit);
        }
        commits.reverse();
        Some(Walked {
            commits,
            merges: false,
            changed_outside,
        })
    }

    /// Every commit reachable from `start`, oldest first, as far as the history is cut.
    fn all_commits(&self, start: Oid) -> Result<Vec<Oid>, RepoError> {
        let repo = self.history_git();
        let mut walk = repo
            .revwalk()
            .map_err(RepoError::git("cannot walk the history"))?;
        // Oldest first, so that a commit's parents are known when it is reached: what a path
        // names at a commit is the parent's unless the path's top folder changed, and the
        // folder (which may list a thousand schools) is read only when it did.
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME | Sort::REVERSE)
            .map_err(RepoError::git("cannot walk the history"))?;
        walk.push(start)
            .map_err(RepoError::git("cannot walk the history"))?;
        // Where the history is cut, the walk stops as a shallow clone's does: the cut
        // commits are walked, their parents (and all before them) are not.
        for cut in self.cut() {
            let commit = repo
                .find_commit(*cut)
                .map_err(RepoError::git(format!("cannot read commit {cut}")))?;
            for parent in commit.parent_ids() {
                walk.hide(parent)
                    .map_err(RepoError::git("cannot walk the history"))?;
            }
        }
        walk.map(|oid| oid.map_err(RepoError::git("cannot walk the history")))
            .collect()
    }

    /// Starts `walker` where the cache left a walk of the same paths at a recent ancestor of
    /// `start`, and returns the commits still to walk, oldest first; `None` when there is no
    /// such walk, or when what came since is not a single line of commits on top of it (a
    /// merge could order the history differently from a whole walk, so it gets one).
    fn resume(
        &self,
        walker: &mut Walker<'_>,
        start: Oid,
        prefixes: &[String],
    ) -> Result<Option<Vec<Oid>>, RepoError> {
        /// How far back along the first parents a kept walk is looked for: far enough for a
        /// meeting's worth of decisions recorded since the interface last read the history.
        const LOOK_BACK: usize = 256;
        let repo = self.history_git();
        let mut new = Vec::new();
        let mut at = start;
        for _ in 0..LOOK_BACK {
            let Ok(commit) = repo.find_commit(at) else {
                return Ok(None);
            };
            if commit.parent_count() != 1 {
                return Ok(None);
            }
            new.push(at);
            at = commit
                .parent_id(0)
                .map_err(RepoError::git("cannot walk the history"))?;
            let key = super::walked::key(at, prefixes);
            if !self.cache().has(Kind::Walk, &key) {
                continue;
            }
            let Some(stored) = self.cache().get::<super::walked::Stored>(Kind::Walk, &key) else {
                return Ok(None);
            };
            let Some(walked) = stored.walked(at) else {
                return Ok(None);
            };
            let Some(head) = stored.head_state() else {
                return Ok(None);
            };
            walker.seed(walked, at, head);
            new.reverse();
            return Ok(Some(new));
        }
        Ok(None)
    }

    /// The files a commit changed outside the top-level folders and files `inside` (those
    /// the history was walked for), against its first parent; for a merge, only what no
    /// parent had. Empty when the commit cannot be read.
    pub(super) fn changed_outside(&self, commit: &ObjectId, inside: &[&str]) -> Vec<String> {
        let repo = self.history_git();
        let Some(commit) = oid_of(commit).and_then(|oid| repo.find_commit(oid).ok()) else {
            return Vec::new();
        };
        let Ok(tree) = commit.tree() else {
            return Vec::new();
        };
        let parents: Vec<git2::Tree<'_>> = commit.parents().filter_map(|p| p.tree().ok()).collect();
        let first = parents.first();
        let mut names: Vec<Vec<u8>> = tree
            .iter()
            .chain(first.into_iter().flat_map(|t| t.iter()))
            .map(|e| e.name_bytes().to_vec())
            .collect();
        names.sort();
        names.dedup();
        let mut out = Vec::new();
        for name in names {
            let text = String::from_utf8_lossy(&name).into_owned();
            if inside.contains(&text.as_str()) {
                continue;
            }
            let new = tree.get_name_bytes(&name).map(|e| e.id());
            let old = first.and_then(|t| t.get_name_bytes(&name)).map(|e| e.id());
            if new != old {
                // A change outside is listed, not judged: an error here only shortens the list.
                let _ = changes_under(repo, &text, old, new, &mut out);
            }
        }
        if parents.len() > 1 {
            out.retain(|c| {
                let new = c.new.as_ref().and_then(oid_of);
                parents[1..].iter().all(|t| entry(t, &c.path) != new)
            });
        }
        out.into_iter().map(|c| c.path).collect()
    }

    /// The commits that touched one school, newest first: its submissions, decisions and
    /// records of conditions met, and
    /// the meetings whose agenda or declared conflicts name it. Only those meeting files are
    /// kept among each commit's changes (and among the files a shallow clone's boundary
    /// holds).
    pub fn school_history(
        &self,
        rev: Option<&str>,
        school: &crate::model::SchoolId,
    ) -> Result<Vec<CommitInfo>, RepoError> {
        let prefixes = vec![
            format!("submissions/{school}"),
            format!("decisions/{school}"),
            format!("conditions/{school}"),
            "meetings".to_owned(),
        ];
        Ok(self.school_commits(self.history(rev, &prefixes)?, school))
    }

    /// [`PanelRepo::school_history`] from the commits of a walk that took in at least its
    /// folders, in the walk's order: those of [`PanelRepo::records_of`] for the school, say,
    /// so that a history and its records need one walk.
    pub fn school_commits(
        &self,
        commits: impl IntoIterator<Item = CommitInfo>,
        school: &crate::model::SchoolId,
    ) -> Vec<CommitInfo> {
        let own = [
            format!("submissions/{school}"),
            format!("decisions/{school}"),
            format!("conditions/{school}"),
        ];
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
        for mut commit in commits {
            commit.changes.retain(|c| {
                if own.iter().any(|p| under(&c.path, p)) {
                    return true;
                }
                // A meeting counts if it names the school before or after the change.
                under(&c.path, "meetings")
                    && [&c.new, &c.old]
                        .into_iter()
                        .flatten()
                        .any(|blob| names_school(self, blob, &c.path))
            });
            if let Some(held) = &mut commit.boundary {
                held.retain(|f| {
                    own.iter().any(|p| under(&f.path, p))
                        || (under(&f.path, "meetings") && names_school(self, &f.blob, &f.path))
                });
            }
            if !commit.changes.is_empty() || commit.boundary.as_ref().is_some_and(|h| !h.is_empty())
            {
                out.push(commit);
            }
        }
        out
    }

    /// The boundary commits of a shallow clone that the history of `rev` (`None` for HEAD)
    /// reaches: none for a complete history.
    pub fn boundary_of(&self, rev: Option<&str>) -> Result<Vec<ObjectId>, RepoError> {
        let edges = self.shallow_boundary();
        if edges.is_empty() {
            return Ok(edges);
        }
        let start = self.resolve(rev)?.id();
        let repo = self.history_git();
        Ok(edges
            .into_iter()
            .filter(|edge| {
                oid_of(edge).is_some_and(|e| {
                    e == start || repo.graph_descendant_of(start, e).unwrap_or(false)
                })
            })
            .collect())
    }

    /// The id of the commit `rev` names (`None` for HEAD).
    pub fn commit_of(&self, rev: Option<&str>) -> Result<ObjectId, RepoError> {
        self.resolve(rev).map(|c| c.id()).map(object_id)
    }

    /// The exact objects a decision on a school's submission for a year is made on: the
    /// commit that last changed the submission's files (its self-review and action plan) at
    /// or before the snapshot's commit, and the blob of each file. `None` where the snapshot
    /// has no submission for that year.
    ///
    /// `known` are commits that decisions name as made on that year's submission: one that
    /// holds these very files is where they were submitted, or soon after, so the search
    /// starts there rather than at the tip, which on a long history may be thousands of
    /// commits later. (Files changed and then changed back are found where they were first
    /// submitted, as the panel decided on them.)
    pub fn submission_ref(
        &self,
        snapshot: &super::Snapshot,
        school: &crate::model::SchoolId,
        year: crate::model::AcademicYear,
        known: &[&ObjectId],
    ) -> Option<crate::model::SubmissionRef> {
        let mut made_on = snapshot.submission_ref(school, year)?;
        // Both paths, present or not: a file deleted counts as a change.
        let paths = [
            PanelPath::SelfReview(school.clone(), year).to_string(),
            PanelPath::ActionPlan(school.clone(), year).to_string(),
        ];
        if let Some(commit) = self.last_changed(snapshot.commit, &paths, known) {
            made_on.commit = object_id(commit);
        }
        Some(made_on)
    }

    /// The commit that last changed any of `paths` at or before `start` (or at or before the
    /// first of `known` that holds the same files), as `git log -1 -- PATHS` finds it: back
    /// through a parent that holds the same files, until none does. A parent that cannot be
    /// read (beyond a shallow clone's boundary) ends the search where it stands, at a commit
    /// that holds the files.
    fn last_changed(&self, start: Oid, paths: &[String], known: &[&ObjectId]) -> Option<Oid> {
        let repo = self.git();
        let files = |tree: &git2::Tree<'_>| -> Vec<Option<Oid>> {
            paths.iter().map(|p| entry(tree, p)).collect()
        };
        // The folder every path is under: where a parent's is the same object, so are the
        // files, and its (large) tree need not be read. Most commits change only the
        // panel's folders.
        let top = paths
            .first()
            .and_then(|p| p.split('/').next())
            .filter(|top| paths.iter().all(|p| p.split('/').next() == Some(*top)));
        let top_of = |tree: &git2::Tree<'_>| top.and_then(|t| tree.get_name(t)).map(|e| e.id());
        let tip = repo.find_commit(start).ok()?;
        let held = files(&tip.tree().ok()?);
        let mut commit = known
            .iter()
            .filter_map(|id| oid_of(id))
            .filter_map(|oid| repo.find_commit(oid).ok())
            .find(|c| c.tree().ok().map(|t| files(&t)).as_ref() == Some(&held))
            .unwrap_or(tip);
        let mut tree = commit.tree().ok()?;
        loop {
            let same = commit.parents().find_map(|parent| {
                let parent_tree = parent.tree().ok()?;
                let unchanged = (top.is_some() && top_of(&parent_tree) == top_of(&tree))
                    || files(&parent_tree) == held;
                unchanged.then_some((parent, parent_tree))
            });
            match same {
                Some((parent, parent_tree)) => (commit, tree) = (parent, parent_tree),
                None => return Some(commit.id()),
            }
        }
    }

    /// Whether `path` (a file or a folder) exists at `commit`.
    pub fn exists_at(&self, commit: &ObjectId, path: &str) -> bool {
        oid_of(commit)
            .and_then(|oid| self.git().find_commit(oid).ok())
            .and_then(|c| c.tree().ok())
            .is_some_and(|t| entry(&t, path).is_some())
    }

    /// A blob's text, by id, with its value parsed; `path` names it in errors.
    pub fn load_object<T: serde::de::DeserializeOwned>(
        &self,
        id: &ObjectId,
        path: &str,
    ) -> Result<(String, T), ReadError> {
        let oid = oid_of(id).ok_or_else(|| ReadError::Git {
            path: path.to_owned(),
            object: None,
            error: git2::Error::from_str(&format!("{id} is not an object id")),
        })?;
        self.load_with_text(&BlobRef {
            path: path.to_owned(),
            oid,
        })
    }

    /// A blob's text, by id; `path` names it in errors.
    pub fn blob_text(&self, id: &ObjectId, path: &str) -> Result<String, ReadError> {
        let oid = oid_of(id).ok_or_else(|| ReadError::Git {
            path: path.to_owned(),
            object: None,
            error: git2::Error::from_str(&format!("{id} is not an object id")),
        })?;
        self.read_text(&BlobRef {
            path: path.to_owned(),
            oid,
        })
    }
}
