//! `kitemark hook install DIR` puts kitemark in a served repository's pre-receive hook;
//! `kitemark hook pre-receive` is what git then runs on every push: it refuses a push that
//! breaks the panel's rules, before any ref moves (SPEC §5, enforced where the repository is
//! served rather than found afterwards by the audit).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, bail};

use super::{EXIT_FINDINGS, EXIT_OK};
use crate::audit::push::{Broken, RefUpdate, parse_updates, pushed_findings, ref_rules};
use crate::model::layout::{Classified, PanelPath, classify};
use crate::model::text::sanitize_inline;
use crate::model::{Meeting, ObjectId, SchoolId, Severity};
use crate::repo::PanelRepo;

/// The line that marks a pre-receive hook as kitemark's, so that installing again replaces
/// it and nothing else is replaced unasked.
const MARK: &str = "# kitemark pre-receive hook";

/// Where `--force` keeps a hook that was there before.
const KEPT: &str = "pre-receive.before-kitemark";

/// `path` as one word for sh, whatever it holds: in single quotes, each single quote
/// written as `'\''`.
fn sh_quoted(path: &str) -> String {
    format!("'{}'", path.replace('\'', r"'\''"))
}

/// The hook's script: this kitemark binary, by its absolute path, so that the server's PATH
/// (often bare under a daemon or ssh) does not matter.
fn script(exe: &str) -> String {
    format!(
        "#!/bin/sh\n{MARK}: the panel's rules, checked on every push before any ref moves.\n# Written by `kitemark hook install`; installing again replaces it.\nexec {} hook pre-receive\n",
        sh_quoted(exe)
    )
}

/// The git directory `dir` names: a bare repository, or a working tree's `.git`.
fn git_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    let is_git_dir = |d: &Path| d.join("HEAD").is_file() && d.join("objects").is_dir();
    if is_git_dir(dir) {
        return Ok(dir.to_path_buf());
    }
    let dot_git = dir.join(".git");
    if is_git_dir(&dot_git) {
        return Ok(dot_git);
    }
    bail!(
        "{} is not a git repository (a bare repository, as `git init --bare` makes, or a repository's .git folder); no hook was installed",
        dir.display()
    )
}

pub fn install(dir: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let git = git_dir(dir)?;
    let exe = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("cannot tell where this kitemark binary is; no hook was installed")?;
    let Some(exe) = exe.to_str() else {
        bail!(
            "this kitemark binary's path ({}) is not UTF-8, which a hook's script cannot name safely; install kitemark under a plain path; no hook was installed",
            exe.display()
        );
    };
    let hooks = git.join("hooks");
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create {}", hooks.display()))?;
    let hook = hooks.join("pre-receive");
    let mut kept = None;
    if let Ok(existing) = std::fs::read(&hook) {
        let ours = String::from_utf8_lossy(&existing).contains(MARK);
        if !ours {
            if !force && hooks.join("pre-receive.d").is_dir() {
                bail!(
                    "{} is already there and is not kitemark's: it runs each program in {}, as Gitea's does, so kitemark belongs there rather than in its place: a script `exec kitemark hook pre-receive` (with kitemark's full path), made executable; nothing was changed",
                    hook.display(),
                    hooks.join("pre-receive.d").display()
                );
            }
            if !force {
                bail!(
                    "{} is already there and is not kitemark's; nothing was changed. With --force it is kept as {KEPT} beside it (where git no longer runs it) and kitemark's takes its place",
                    hook.display()
                );
            }
            let keep = hooks.join(KEPT);
            if keep.exists() {
                bail!(
                    "{} is already there, so the hook in its way cannot be kept under that name; move one of them; nothing was changed",
                    keep.display()
                );
            }
            std::fs::rename(&hook, &keep)
                .with_context(|| format!("cannot move {} to {}", hook.display(), keep.display()))?;
            kept = Some(keep);
        }
    }
    // Written beside it and renamed over it, so that a push never runs half a script.
    let partial = hooks.join("pre-receive.kitemark-new");
    std::fs::write(&partial, script(exe))
        .with_context(|| format!("cannot write {}", partial.display()))?;
    set_executable(&partial)?;
    std::fs::rename(&partial, &hook).with_context(|| format!("cannot write {}", hook.display()))?;
    println!("Installed {}.", hook.display());
    if let Some(kept) = kept {
        println!(
            "The hook that was there is kept as {} (git no longer runs it).",
            kept.display()
        );
    }
    println!(
        "Every push to this repository now runs {exe} hook pre-receive, which refuses a push that deletes or rewinds a branch, moves an audit seal, breaks an audit rule or adds an invalid file."
    );
    println!(
        "To check it: push from a clone; git shows the check's last line as `remote: kitemark: … checked`. If core.hooksPath is set for this repository, git looks for hooks there instead."
    );
    Ok(EXIT_OK)
}

#[cfg(unix)]
fn set_executable(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> anyhow::Result<()> {
    Ok(())
}

/// git's pre-receive hook: exit 0 accepts the push, anything else refuses all of it. A check
/// that cannot be made refuses it too: a rule not checked is not a rule kept.
pub fn pre_receive() -> anyhow::Result<ExitCode> {
    match check_push() {
        Ok(broken) if broken.is_empty() => Ok(EXIT_OK),
        Ok(broken) => {
            for b in &broken {
                eprintln!("kitemark: {}", line(b));
            }
            eprintln!(
                "kitemark: push refused: {} rule(s) broken, listed above; nothing was accepted",
                broken.len()
            );
            Ok(EXIT_FINDINGS)
        }
        Err(e) => {
            eprintln!(
                "kitemark: push refused: the panel's rules could not be checked: {}",
                sanitize_inline(&format!("{e:#}"))
            );
            Ok(EXIT_FINDINGS)
        }
    }
}

/// One broken rule on one line: the commit and its summary, the file (or ref), the rule and
/// what is wrong, every piece of the repository's text made inert.
fn line(b: &Broken) -> String {
    let mut out = String::new();
    if let Some((commit, summary)) = &b.commit {
        out.push_str(&format!(
            "{} {:?}: ",
            commit.short(),
            sanitize_inline(summary)
        ));
    }
    if let Some(place) = &b.place {
        out.push_str(&sanitize_inline(place));
        out.push_str(": ");
    }
    out.push_str(b.rule);
    out.push_str(": ");
    out.push_str(&sanitize_inline(&b.message));
    out
}

/// Every rule the push on standard input breaks.
fn check_push() -> anyhow::Result<Vec<Broken>> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the refs being pushed from git")?;
    let updates = parse_updates(&input).map_err(anyhow::Error::msg)?;
    let mut repo = PanelRepo::open_from_env()?;
    let mut broken = ref_rules(&updates, &mut |old, new| {
        repo.is_fast_forward(old, new).map_err(|e| e.to_string())
    })
    .map_err(anyhow::Error::msg)?;
    let tips = tips(&repo, &updates)?;
    let pushed = repo.pushed(&tips)?;
    if !pushed.commits.is_empty() {
        repo.cut_at(&pushed.boundary);
        let new: HashSet<ObjectId> = pushed.commits.iter().cloned().collect();
        let mut seen = HashSet::new();
        for tip in tips.iter().filter(|t| new.contains(t)) {
            for b in check_tip(&repo, tip, &new)? {
                if seen.insert((b.rule, b.commit.clone(), b.place.clone(), b.message.clone())) {
                    broken.push(b);
                }
            }
        }
    }
    if broken.is_empty() {
        eprintln!(
            "kitemark: {} new commit(s) checked against the panel's rules: accepted",
            pushed.commits.len()
        );
    }
    Ok(broken)
}

/// The commits the push puts at the ends of its refs, each once.
fn tips(repo: &PanelRepo, updates: &[RefUpdate]) -> anyhow::Result<Vec<ObjectId>> {
    let mut out = Vec::new();
    for new in updates.iter().filter_map(|u| u.new.as_ref()) {
        if let Some(commit) = repo.peel_to_commit(new)?
            && !out.contains(&commit)
        {
            out.push(commit);
        }
    }
    Ok(out)
}

/// The schools a push concerns, when every path it changes lies in a school's folder
/// (`submissions/`, `decisions/`, `conditions/`) or is a meeting's record: each rule judges a
/// commit there by its own school's files, the panel, the rubrics and the meetings, and a
/// meeting's record by the decisions made at it and the schools it names, so only those
/// schools' history need be read (a tenth of a second rather than most of a second for a
/// thousand schools). `None` when a path lies elsewhere (panel.ron or a rubric, which judge
/// every school's decisions): the whole history is read.
fn scope(
    repo: &PanelRepo,
    snapshot: &crate::repo::Snapshot,
    changed: &BTreeSet<String>,
) -> Option<BTreeSet<SchoolId>> {
    let mut schools = BTreeSet::new();
    for path in changed {
        let Classified::File(kind) = classify(path) else {
            return None;
        };
        if let PanelPath::Meeting(date) = kind {
            // Decisions name their meeting's date in their file's name.
            schools.extend(
                snapshot
                    .decisions
                    .keys()
                    .filter(|d| d.date == date)
                    .map(|d| d.school.clone()),
            );
            if let Some(blob) = snapshot.meetings.get(&date) {
                let meeting = repo.load::<Meeting>(blob).ok()?;
                schools.extend(meeting.schools_named().cloned());
            }
            continue;
        }
        if let PanelPath::Review(r) = &kind {
            // A review is judged by the decisions of its meeting, whichever school's: one
            // written after any of them was committed was written once the meeting had begun.
            schools.extend(
                snapshot
                    .decisions
                    .keys()
                    .filter(|d| d.date == r.meeting)
                    .map(|d| d.school.clone()),
            );
        }
        schools.insert(kind.school()?.clone());
    }
    Some(schools)
}

/// The audit's errors in the new commits up to `tip`, and the invalid files they add or
/// change, as they stand at `tip`.
fn check_tip(
    repo: &PanelRepo,
    tip: &ObjectId,
    new: &HashSet<ObjectId>,
) -> anyhow::Result<Vec<Broken>> {
    let snapshot = repo.snapshot_at(Some(tip.as_str()))?;
    let touched = repo.changed_paths(&new.iter().cloned().collect::<Vec<_>>())?;
    let scope = scope(repo, &snapshot, &touched);
    let (head, errors) = repo.load_catalog_of(&snapshot, scope.as_ref(), false)?;
    let unreadable = errors.iter().map(ToString::to_string).collect();
    let records = match &scope {
        Some(schools) => repo.records_of(&snapshot, Arc::new(head), unreadable, schools)?,
        None => repo.records_at(&snapshot, Arc::new(head), unreadable)?,
    };
    let today = jiff::Zoned::now().date();
    let summary = |id: &ObjectId| {
        records
            .commits
            .iter()
            .find(|c| &c.id == id)
            .map_or_else(|| repo.commit_summary(id), |c| c.summary.clone())
    };
    let mut out: Vec<Broken> = pushed_findings(crate::audit::audit(&records, today), new)
        .into_iter()
        .map(|f| Broken {
            rule: f.rule,
            commit: Some((f.commit.clone(), summary(&f.commit))),
            place: f.path,
            // The history read begins where the push does, not at a shallow clone's edge.
            message: f.message.replace(
                crate::audit::rules::HISTORY_BEGINS,
                ", a commit this repository already had",
            ),
        })
        .collect();

    // The files the new commits leave added or changed, each with the last of them to touch
    // it, as the validator checks them at the tip.
    let mut changed: BTreeMap<String, ObjectId> = BTreeMap::new();
    for commit in records.commits.iter().filter(|c| new.contains(&c.id)) {
        for change in &commit.changes {
            match change.new {
                Some(_) => changed.insert(change.path.clone(), commit.id.clone()),
                None => changed.remove(&change.path),
            };
        }
    }
    if changed.is_empty() {
        return Ok(out);
    }
    // What the changed files refer to: their schools' files, the schools a changed meeting
    // names, and the meetings below. Rubrics and panel.ron (a few files) are always read.
    let mut schools: BTreeSet<SchoolId> = BTreeSet::new();
    for path in changed.keys() {
        let Classified::File(kind) = classify(path) else {
            continue;
        };
        if let Some(school) = kind.school() {
            schools.insert(school.clone());
        }
        if let PanelPath::Meeting(date) = kind
            && let Some(blob) = snapshot.meetings.get(&date)
            && let Ok(meeting) = repo.load::<Meeting>(blob)
        {
            schools.extend(meeting.schools_named().cloned());
        }
    }
    // The meetings those schools' decisions were made at (a decision's file is named by
    // its meeting's date), and those changed: the rest would only be checked for nothing.
    let mut meetings: BTreeSet<jiff::civil::Date> = snapshot
        .decisions
        .keys()
        .filter(|d| schools.contains(&d.school))
        .map(|d| d.date)
        .collect();
    meetings.extend(changed.keys().filter_map(|path| match classify(path) {
        Classified::File(PanelPath::Meeting(date)) => Some(date),
        _ => None,
    }));
    let report = repo.validate_some(&snapshot, &|kind, _| match kind {
        PanelPath::Meeting(date) => meetings.contains(date),
        _ => kind.school().is_none_or(|s| schools.contains(s)),
    });
    for problem in report.problems {
        let Some(commit) = changed.get(&problem.path) else {
            continue;
        };
        if problem.severity != Severity::Error {
            continue;
        }
        let place = match problem.position {
            Some(p) => format!("{}:{}:{}", problem.path, p.line, p.col),
            None => problem.path.clone(),
        };
        out.push(Broken {
            rule: "invalid-file",
            commit: Some((commit.clone(), summary(commit))),
            place: Some(place),
            message: format!("{}: {}", problem.code, problem.message),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_binary_is_one_word_for_sh_whatever_its_path() {
        assert_eq!(
            sh_quoted("/opt/kitemark/bin/kitemark"),
            "'/opt/kitemark/bin/kitemark'"
        );
        assert_eq!(
            sh_quoted("/home/o'brien/$HOME `x` kitemark"),
            r"'/home/o'\''brien/$HOME `x` kitemark'"
        );
        // And sh reads it back as it was.
        let weird = "/home/o'brien/$HOME `x` \\ \"kitemark\"";
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf %s {}", sh_quoted(weird)))
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), weird);
        let script = script("/usr/local/bin/kitemark");
        assert!(script.starts_with("#!/bin/sh\n# kitemark pre-receive hook"));
        assert!(script.ends_with("exec '/usr/local/bin/kitemark' hook pre-receive\n"));
    }
}
