//! The cache of what kitemark derives from git objects (`.git/kitemark/cache/`) changes no
//! result: every read command says the same with the cache empty, filled, turned off, damaged
//! in any way, or left behind by a process killed while writing it; and over random histories
//! the snapshot and catalog read through the cache are those read without it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{DEMO_DAY, Sandbox, hermetic_git2, shared_demo};
use kitemark::repo::PanelRepo;

/// What the read commands say, each with its exit code: the results the cache must not
/// change.
fn results(sandbox: &Sandbox, repo: &Path, extra: &[&str]) -> Vec<(String, Option<i32>, String)> {
    let school = first_school(repo.to_str().unwrap());
    let mut commands = quick();
    commands.extend([
        vec!["audit", "--on", DEMO_DAY, "--format", "json"],
        vec!["log", &school, "--format", "json"],
        vec!["conditions", "--on", DEMO_DAY],
    ]);
    run_all(sandbox, repo, extra, commands)
}

/// The commands that read a snapshot and its catalog, and nothing else.
fn quick() -> Vec<Vec<&'static str>> {
    vec![
        vec!["validate", "--format", "json"],
        vec!["validate", "--rev", "HEAD~1", "--format", "json"],
        vec!["schools", "--on", DEMO_DAY, "--format", "json"],
    ]
}

fn run_all(
    sandbox: &Sandbox,
    repo: &Path,
    extra: &[&str],
    commands: Vec<Vec<&str>>,
) -> Vec<(String, Option<i32>, String)> {
    let repo = repo.to_str().unwrap();
    commands
        .into_iter()
        .map(|args| {
            let mut all: Vec<&str> = extra.to_vec();
            all.extend(&args);
            all.extend(["--repo", repo]);
            let out = sandbox.kitemark(&all);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                !err.contains("panicked"),
                "kitemark {all:?} panicked:\n{err}"
            );
            (
                args.join(" "),
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        })
        .collect()
}

/// A school of the repository at `repo`, for `kitemark log`.
fn first_school(repo: &str) -> String {
    let out = Command::new("git")
        .args(["-C", repo, "ls-tree", "--name-only", "HEAD", "submissions/"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("submissions/"))
        .unwrap_or("none")
        .to_owned()
}

/// The cache's folder of a repository with a working tree or a bare one.
fn cache_dir(repo: &Path) -> PathBuf {
    let dot_git = repo.join(".git");
    let git_dir = if dot_git.is_dir() {
        dot_git
    } else {
        repo.to_path_buf()
    };
    git_dir.join("kitemark/cache")
}

/// Every entry of the cache (temporary files aside), sorted.
fn entries(repo: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walk(&cache_dir(repo))
        .into_iter()
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    out.sort();
    out
}

/// The demo and a small generated repository (bare, as the benchmarks' are).
fn repositories(sandbox: &Sandbox) -> Vec<PathBuf> {
    let demo = sandbox.copy_repo(shared_demo(), "demo");
    let generated = sandbox.path("generated");
    let options = kitemark::synth::Options {
        schools: 9,
        years: 3,
        seed: 3,
        ..kitemark::synth::Options::default()
    };
    kitemark::synth::generate(&generated, &options).unwrap();
    // Each starts with an empty cache, whatever building it filled.
    for repo in [&demo, &generated] {
        let _ = std::fs::remove_dir_all(cache_dir(repo));
    }
    vec![demo, generated]
}

#[test]
fn the_cache_changes_no_result_and_no_cache_leaves_none() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    for repo in repositories(&sandbox) {
        let without = results(&sandbox, &repo, &["--no-cache"]);
        assert!(
            entries(&repo).is_empty(),
            "--no-cache wrote {:?}",
            entries(&repo)
        );
        let cold = results(&sandbox, &repo, &[]);
        let filled = entries(&repo);
        assert!(
            filled
                .iter()
                .any(|p| p.to_string_lossy().contains("/catalog/"))
                && filled
                    .iter()
                    .any(|p| p.to_string_lossy().contains("/listing/")),
            "the cache was not filled: {filled:?}"
        );
        let warm = results(&sandbox, &repo, &[]);
        assert_eq!(
            without,
            cold,
            "{}: a cold cache changed a result",
            repo.display()
        );
        assert_eq!(
            without,
            warm,
            "{}: a warm cache changed a result",
            repo.display()
        );
        // The environment turns it off too.
        let mut cmd = sandbox.command(&["schools", "--on", DEMO_DAY, "--format", "json"]);
        std::fs::remove_dir_all(cache_dir(&repo)).unwrap();
        let out = cmd
            .args(["--repo", repo.to_str().unwrap()])
            .env("KITEMARK_NO_CACHE", "1")
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), without[2].2);
        assert!(
            entries(&repo).is_empty(),
            "KITEMARK_NO_CACHE=1 wrote to the cache"
        );
    }
}

/// The ways a cache file can be damaged: cut short anywhere, a byte changed in its header,
/// payload or checksum, emptied, or replaced by another entry of the same kind.
fn damaged(whole: &[u8], other: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let flip = |at: usize| {
        let mut bad = whole.to_vec();
        bad[at] ^= 0x41;
        bad
    };
    vec![
        ("empty", Vec::new()),
        ("cut in the header", whole[..10].to_vec()),
        ("cut in half", whole[..whole.len() / 2].to_vec()),
        ("last byte missing", whole[..whole.len() - 1].to_vec()),
        ("a byte more", [whole, b"x"].concat()),
        ("header changed", flip(3)),
        ("payload changed", flip(whole.len() / 2)),
        ("checksum changed", flip(whole.len() - 2)),
        ("another entry", other.to_vec()),
    ]
}

#[test]
fn a_damaged_cache_is_ignored_and_rebuilt() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    for repo in repositories(&sandbox) {
        let without = run_all(&sandbox, &repo, &["--no-cache"], quick());
        run_all(&sandbox, &repo, &[], quick());
        let filled = entries(&repo);
        let originals: Vec<Vec<u8>> = filled.iter().map(|p| std::fs::read(p).unwrap()).collect();
        for (i, path) in filled.iter().enumerate() {
            // Another entry of the same kind, else of another kind.
            let other = filled
                .iter()
                .enumerate()
                .find(|(j, p)| *j != i && p.parent() == path.parent())
                .or_else(|| filled.iter().enumerate().find(|(j, _)| *j != i))
                .map(|(j, _)| originals[j].clone())
                .unwrap_or_default();
            for (how, bytes) in damaged(&originals[i], &other) {
                std::fs::write(path, &bytes).unwrap();
                let with = run_all(&sandbox, &repo, &[], quick());
                assert_eq!(
                    without,
                    with,
                    "{} {how}: a damaged cache changed a result",
                    path.display()
                );
                // The entry is made again, whole: the same bytes as before, as the same
                // objects give the same entry.
                if path.to_string_lossy().contains("/listing/")
                    || path.to_string_lossy().contains("/catalog/")
                {
                    assert_eq!(
                        std::fs::read(path).ok().as_ref(),
                        Some(&originals[i]),
                        "{} {how}: not rebuilt",
                        path.display()
                    );
                }
            }
            std::fs::write(path, &originals[i]).unwrap();
        }
    }
}

/// Makes in `repo` (with a work tree or bare) one commit on top of `parent` changing the
/// first file under `under` (a line appended), with git's plumbing; no branch is moved.
/// Returns the commit's id.
fn commit_changing(sandbox: &Sandbox, repo: &Path, parent: &str, under: &str) -> String {
    let index = sandbox.path("plumbing-index");
    let _ = std::fs::remove_file(&index);
    let index = index.to_str().unwrap().to_owned();
    let git = |args: &[&str]| -> String {
        let out = sandbox.git_env(repo, &[("GIT_INDEX_FILE", index.as_str())], args);
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    let path = git(&["ls-tree", "-r", "--name-only", parent, "--", under])
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let mut text = git(&["cat-file", "blob", &format!("{parent}:{path}")]);
    text.push_str("\n// changed after it was recorded\n");
    let file = sandbox.path("changed-file");
    std::fs::write(&file, text).unwrap();
    let blob = git(&["hash-object", "-w", file.to_str().unwrap()]);
    git(&["read-tree", parent]);
    git(&[
        "update-index",
        "--cacheinfo",
        &format!("100644,{blob},{path}"),
    ]);
    let tree = git(&["write-tree"]);
    git(&["commit-tree", tree.as_str(), "-p", parent, "-m", "A change"])
}

/// Moves the branch HEAD names to `commit`.
fn move_head(sandbox: &Sandbox, repo: &Path, commit: &str) {
    let head = sandbox.git_text(repo, &["symbolic-ref", "HEAD"]);
    sandbox.git(repo, &["update-ref", head.trim(), commit]);
}

#[test]
fn new_commits_on_a_cached_history_read_the_same() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    for repo in repositories(&sandbox) {
        // Seen once, so that the next look starts from this commit's walk.
        results(&sandbox, &repo, &[]);
        // A decision file changed after it was recorded: the audit must see the new commit.
        let changed = commit_changing(&sandbox, &repo, "HEAD", "decisions");
        move_head(&sandbox, &repo, &changed);
        let without = results(&sandbox, &repo, &["--no-cache"]);
        assert!(
            without[3].2.contains("decision-modified"),
            "the new commit is not one the audit reports: {}",
            without[3].2
        );
        assert_eq!(
            without,
            results(&sandbox, &repo, &[]),
            "{}: a commit on top of a cached walk",
            repo.display()
        );
        // A merge of a side line that began two commits back: walked whole, not carried on.
        let side = commit_changing(&sandbox, &repo, "HEAD~2", "meetings");
        let merged = sandbox.git_text(
            &repo,
            &[
                "commit-tree",
                "HEAD^{tree}",
                "-p",
                "HEAD",
                "-p",
                &side,
                "-m",
                "Merge",
            ],
        );
        move_head(&sandbox, &repo, merged.trim());
        assert_eq!(
            results(&sandbox, &repo, &["--no-cache"]),
            results(&sandbox, &repo, &[]),
            "{}: a merge on top of a cached walk",
            repo.display()
        );
    }
}

#[test]
fn a_damaged_walk_of_the_history_is_ignored_and_rebuilt() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let demo = sandbox.copy_repo(shared_demo(), "demo");
    let _ = std::fs::remove_dir_all(cache_dir(&demo));
    let school = first_school(demo.to_str().unwrap());
    let commands = || {
        vec![
            vec!["audit", "--on", DEMO_DAY, "--format", "json"],
            vec!["log", school.as_str(), "--format", "json"],
        ]
    };
    let without = run_all(&sandbox, &demo, &["--no-cache"], commands());
    run_all(&sandbox, &demo, &[], commands());
    let filled: Vec<PathBuf> = entries(&demo)
        .into_iter()
        .filter(|p| {
            let p = p.to_string_lossy();
            p.contains("/walk/") || p.contains("/parsed/")
        })
        .collect();
    assert!(
        filled
            .iter()
            .any(|p| p.to_string_lossy().contains("/walk/"))
            && filled
                .iter()
                .any(|p| p.to_string_lossy().contains("/parsed/")),
        "no walk or parsed files kept: {:?}",
        entries(&demo)
    );
    let originals: Vec<Vec<u8>> = filled.iter().map(|p| std::fs::read(p).unwrap()).collect();
    for (i, path) in filled.iter().enumerate() {
        let other = originals[(i + 1) % originals.len()].clone();
        for (how, bytes) in damaged(&originals[i], &other) {
            std::fs::write(path, &bytes).unwrap();
            assert_eq!(
                without,
                run_all(&sandbox, &demo, &[], commands()),
                "{} {how}: a damaged cache changed a result",
                path.display()
            );
        }
        std::fs::write(path, &originals[i]).unwrap();
    }
}

/// Runs `kitemark schools` on `repo` told to stop at the cache's `step`, waits until it has
/// stopped there, and kills it with SIGKILL.
fn kill_at(sandbox: &Sandbox, repo: &Path, step: &str) {
    let cmd = sandbox.command(&[
        "schools",
        "--on",
        DEMO_DAY,
        "--repo",
        repo.to_str().unwrap(),
    ]);
    common::kill_before(cmd, step);
}

#[test]
fn killing_kitemark_while_it_writes_the_cache_changes_no_result() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let demo = sandbox.copy_repo(shared_demo(), "demo");
    let _ = std::fs::remove_dir_all(cache_dir(&demo));
    let without = results(&sandbox, &demo, &["--no-cache"]);
    for step in ["cache-write", "cache-rename"] {
        let _ = std::fs::remove_dir_all(cache_dir(&demo));
        kill_at(&sandbox, &demo, step);
        // What the killed process left is a temporary file, never an entry.
        assert!(entries(&demo).is_empty(), "{step}: {:?}", entries(&demo));
        let left: Vec<_> = walk(&cache_dir(&demo));
        assert!(
            !left.is_empty(),
            "{step}: the writer left nothing to test against"
        );
        assert_eq!(
            without,
            results(&sandbox, &demo, &[]),
            "after a kill at {step}"
        );
        assert_eq!(
            without,
            results(&sandbox, &demo, &[]),
            "warm, after a kill at {step}"
        );
    }
}

/// Every file below `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

mod random_histories {
    //! Random histories of the demo's files, each commit changing some: deleted, cut short,
    //! given another file's content (of any kind, or of the same kind: another school's
    //! decision, another meeting), put back, a school's files all deleted, a new school made
    //! from another's files, or a meeting's agenda naming another school. At every commit the
    //! snapshot, catalog and validation read with the cache are those read without it,
    //! whether the cache holds that commit's tree, an earlier one (validation then starts
    //! from the earlier commit's report), or nothing.

    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Change {
        Delete(usize),
        Cut(usize, usize),
        CopyFrom(usize, usize),
        CopySameKind(usize, usize),
        Restore(usize),
        DeleteSchool(usize),
        AddSchool(usize),
        Agenda(usize, usize, usize),
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            any::<usize>().prop_map(Change::Delete),
            (any::<usize>(), any::<usize>()).prop_map(|(f, at)| Change::Cut(f, at)),
            (any::<usize>(), any::<usize>()).prop_map(|(f, from)| Change::CopyFrom(f, from)),
            (any::<usize>(), any::<usize>()).prop_map(|(f, from)| Change::CopySameKind(f, from)),
            any::<usize>().prop_map(Change::Restore),
            any::<usize>().prop_map(Change::DeleteSchool),
            any::<usize>().prop_map(Change::AddSchool),
            (any::<usize>(), any::<usize>(), any::<usize>())
                .prop_map(|(m, named, to)| Change::Agenda(m, named, to)),
        ]
    }

    /// The demo's files at HEAD: what the histories start from.
    fn demo_files() -> &'static Vec<(String, Vec<u8>)> {
        static FILES: std::sync::OnceLock<Vec<(String, Vec<u8>)>> = std::sync::OnceLock::new();
        FILES.get_or_init(|| {
            common::files_under(shared_demo())
                .into_iter()
                .filter(|(p, _)| !p.starts_with(".git/"))
                .collect()
        })
    }

    /// The demo's schools.
    fn schools() -> Vec<String> {
        demo_files()
            .iter()
            .filter_map(|(p, _)| p.strip_prefix("submissions/")?.strip_suffix("/school.ron"))
            .map(str::to_owned)
            .collect()
    }

    /// A file's kind, as far as copying one over another goes.
    fn kind(path: &str) -> &str {
        match path.split('/').next() {
            Some("submissions") => path.rsplit('/').next().unwrap_or(path),
            Some(top) => top,
            None => path,
        }
    }

    /// The folders a school's files are kept in.
    fn school_dirs(school: &str) -> [String; 4] {
        ["submissions", "decisions", "conditions", "reviews"].map(|top| format!("{top}/{school}/"))
    }

    fn write(dir: &Path, path: &str, bytes: Option<Vec<u8>>) {
        let target = dir.join(path);
        match bytes {
            None => {
                let _ = std::fs::remove_file(&target);
            }
            Some(bytes) => {
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::write(&target, bytes).unwrap();
            }
        }
    }

    /// The files of the work tree at `dir`, as the next commit takes them.
    fn current(dir: &Path) -> Vec<(String, Vec<u8>)> {
        common::files_under(dir)
            .into_iter()
            .filter(|(p, _)| !p.starts_with(".git/"))
            .collect()
    }

    fn apply(dir: &Path, change: &Change) {
        let files = demo_files();
        let n = files.len();
        let schools = schools();
        match *change {
            Change::Delete(f) => write(dir, &files[f % n].0, None),
            Change::Cut(f, at) => {
                let whole = &files[f % n].1;
                write(
                    dir,
                    &files[f % n].0,
                    Some(whole[..at % (whole.len() + 1)].to_vec()),
                );
            }
            Change::CopyFrom(f, from) => {
                write(dir, &files[f % n].0, Some(files[from % n].1.clone()));
            }
            Change::CopySameKind(f, from) => {
                let path = &files[f % n].0;
                let alike: Vec<_> = files
                    .iter()
                    .filter(|(p, _)| kind(p) == kind(path))
                    .collect();
                write(dir, path, Some(alike[from % alike.len()].1.clone()));
            }
            Change::Restore(f) => write(dir, &files[f % n].0, Some(files[f % n].1.clone())),
            Change::DeleteSchool(s) => {
                let dirs = school_dirs(&schools[s % schools.len()]);
                for (path, _) in current(dir) {
                    if dirs.iter().any(|d| path.starts_with(d.as_str())) {
                        write(dir, &path, None);
                    }
                }
            }
            Change::AddSchool(s) => {
                // Its files as the demo has them, under another id: its decisions are then
                // for items no agenda holds, until a meeting's agenda names it.
                let school = &schools[s % schools.len()];
                let new = format!("{school}-annexe");
                for (path, bytes) in files {
                    let Some(dir_of) = school_dirs(school)
                        .into_iter()
                        .find(|d| path.starts_with(d.as_str()))
                    else {
                        continue;
                    };
                    let top = dir_of.split('/').next().unwrap();
                    let moved = format!("{top}/{new}/{}", &path[dir_of.len()..]);
                    let text = String::from_utf8_lossy(bytes)
                        .replace(&format!("\"{school}\""), &format!("\"{new}\""));
                    let text = text.replace(&format!("/{school}/"), &format!("/{new}/"));
                    write(dir, &moved, Some(text.into_bytes()));
                }
            }
            Change::Agenda(m, named, to) => {
                // One school a meeting names (on its agenda or in its conflicts) replaced by
                // another, or by a new school's id.
                let meetings: Vec<String> = current(dir)
                    .into_iter()
                    .map(|(p, _)| p)
                    .filter(|p| p.starts_with("meetings/"))
                    .collect();
                if meetings.is_empty() {
                    return;
                }
                let path = &meetings[m % meetings.len()];
                let text = std::fs::read_to_string(dir.join(path)).unwrap_or_default();
                let mut known = schools.clone();
                known.extend(schools.iter().map(|s| format!("{s}-annexe")));
                let named_there: Vec<&String> = known
                    .iter()
                    .filter(|s| text.contains(&format!("\"{s}\"")))
                    .collect();
                if named_there.is_empty() {
                    return;
                }
                let from = named_there[named % named_there.len()];
                let to = &known[to % known.len()];
                let text = text.replacen(&format!("\"{from}\""), &format!("\"{to}\""), 1);
                write(dir, path, Some(text.into_bytes()));
            }
        }
    }

    /// What kitemark reads at HEAD, in words: the snapshot and the catalog with what could
    /// not be read, the history's records (the whole history's, and one school's) with the
    /// audit's findings; and the validation.
    fn read(repo: &PanelRepo) -> (String, String) {
        match repo.snapshot_at(None) {
            Ok(snapshot) => {
                let catalog = repo.load_catalog(&snapshot).map(|(catalog, errors)| {
                    (
                        format!("{catalog:?}"),
                        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
                    )
                });
                let report = repo.validate(&snapshot);
                let history = records(repo, &snapshot);
                (
                    format!("{snapshot:?}\n{catalog:?}\n{history}"),
                    format!("{report:#?}"),
                )
            }
            Err(e) => (format!("error: {e}"), String::new()),
        }
    }

    /// The records the audit reads and what it finds, and a school's records as its History
    /// view reads them, in words (the fields that do not depend on a map's order).
    fn records(repo: &PanelRepo, snapshot: &kitemark::repo::Snapshot) -> String {
        let day = jiff::civil::date(2026, 11, 22);
        let describe = |records: &kitemark::model::history::Records| {
            format!(
                "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
                records.commits,
                records.decisions,
                records.panels,
                records.panel_at,
                records.panel_before,
                records.unreadable_files,
                kitemark::audit::report(records, day),
            )
        };
        let whole = match repo.records(None) {
            Ok(records) => describe(&records),
            Err(e) => format!("error: {e}"),
        };
        let one: std::collections::BTreeSet<kitemark::model::SchoolId> =
            snapshot.schools.keys().take(1).cloned().collect();
        let of_one = match repo.load_catalog_of(snapshot, Some(&one), false) {
            Ok((head, errors)) => {
                let errors = errors.iter().map(|e| e.to_string()).collect();
                match repo.records_of(snapshot, std::sync::Arc::new(head), errors, &one) {
                    Ok(records) => describe(&records),
                    Err(e) => format!("error: {e}"),
                }
            }
            Err(e) => format!("error: {e}"),
        };
        format!("{whole}\n{of_one}")
    }

    fn commit(repo: &git2::Repository, message: &str) {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        // Times that go back now and then, and repeat: what each commit's date should not
        // precede is then worked out from several earlier commits, ties included.
        static COMMITS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);
        let n = COMMITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let who = git2::Signature::new(
            "Test Author",
            "author@test.example.org",
            &git2::Time::new(1_760_000_000 + (n * 7 % 5) * 3_600, 0),
        )
        .unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(Some("HEAD"), &who, &who, message, &tree, &parents)
            .unwrap();
    }

    /// Commits the demo's files, then each list of changes in turn, checking at each commit
    /// that what is read through the cache is what is read without it: first from the
    /// previous commit's entries, then from this commit's own.
    fn check_history(commits: &[Vec<Change>]) -> Result<(), TestCaseError> {
        hermetic_git2();
        let dir = tempfile::tempdir().unwrap();
        let git = git2::Repository::init(dir.path()).unwrap();
        common::write_files(dir.path(), demo_files());
        commit(&git, "Start");
        let mut cached = PanelRepo::open(dir.path()).unwrap();
        cached.set_cache(true);
        let mut plain = PanelRepo::open(dir.path()).unwrap();
        plain.set_cache(false);
        prop_assert_eq!(read(&cached), read(&plain));
        for changes in commits {
            for change in changes {
                apply(dir.path(), change);
            }
            commit(&git, "Change");
            let (files, report) = read(&plain);
            for look in ["first", "second"] {
                let (cached_files, cached_report) = read(&cached);
                prop_assert_eq!(&cached_report, &report, "{} look after {:?}", look, changes);
                prop_assert_eq!(&cached_files, &files, "{} look after {:?}", look, changes);
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn reading_through_the_cache_reads_the_same(
            commits in prop::collection::vec(prop::collection::vec(change(), 1..5), 1..6)
        ) {
            check_history(&commits)?;
        }
    }

    /// The changes that reach across schools and meetings, each on its own commit: a new
    /// school, a meeting's agenda naming it, another naming another school, a school's files
    /// deleted, and a meeting deleted and put back.
    #[test]
    fn validating_after_changes_across_files_checks_the_same() {
        let schools = schools().len();
        let meeting = demo_files()
            .iter()
            .position(|(p, _)| p.starts_with("meetings/"))
            .unwrap();
        check_history(&[
            vec![Change::AddSchool(0)],
            vec![Change::Agenda(0, 0, schools)],
            vec![Change::Agenda(1, 0, 1)],
            vec![Change::DeleteSchool(1)],
            vec![Change::Delete(meeting)],
            vec![Change::Restore(meeting)],
        ])
        .unwrap();
    }

    #[test]
    fn a_second_look_is_served_from_the_cache() {
        hermetic_git2();
        let sandbox = Sandbox::new();
        let demo = sandbox.copy_repo(shared_demo(), "demo");
        let mut repo = PanelRepo::open(&demo).unwrap();
        repo.set_cache(true);
        let first = read(&repo);
        let (hits, _) = kitemark::repo::cache_counts();
        assert_eq!(read(&repo), first);
        let (after, _) = kitemark::repo::cache_counts();
        // The listing, the catalog and the validation, each found.
        assert!(after >= hits + 3, "hits {hits} then {after}");
    }
}
