//! The cache of what kitemark derives from git objects (`.git/kitemark/cache/`) changes no
//! result: every read command says the same with the cache empty, filled, turned off, damaged
//! in any way, or left behind by a process killed while writing it; and over random histories
//! the snapshot and catalog read through the cache are those read without it.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

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
    let mut out = Vec::new();
    let mut stack = vec![cache_dir(repo)];
    while let Some(dir) = stack.pop() {
        let Ok(read) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in read.map(Result::unwrap) {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if !entry.file_name().to_string_lossy().starts_with('.') {
                out.push(path);
            }
        }
    }
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

/// Runs `kitemark schools` on `repo` told to stop at the cache's `step`, waits until it has
/// stopped there, and kills it with SIGKILL.
fn kill_at(sandbox: &Sandbox, repo: &Path, step: &str) {
    let mut cmd = sandbox.command(&[
        "schools",
        "--on",
        DEMO_DAY,
        "--repo",
        repo.to_str().unwrap(),
    ]);
    cmd.env("KITEMARK_FAULT_STOP", step)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let err = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let marker = format!("stopped before {step}");
    loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.contains(&marker) => break,
            Ok(_) => {}
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("kitemark never reached {step}");
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
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
    //! given another file's content, or put back. At every commit the snapshot and catalog
    //! read with the cache are those read without it, whether the cache holds that commit's
    //! tree, an earlier one, or nothing.

    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Change {
        Delete(usize),
        Cut(usize, usize),
        CopyFrom(usize, usize),
        Restore(usize),
    }

    fn change() -> impl Strategy<Value = Change> {
        prop_oneof![
            any::<usize>().prop_map(Change::Delete),
            (any::<usize>(), any::<usize>()).prop_map(|(f, at)| Change::Cut(f, at)),
            (any::<usize>(), any::<usize>()).prop_map(|(f, from)| Change::CopyFrom(f, from)),
            any::<usize>().prop_map(Change::Restore),
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

    /// What kitemark reads at HEAD, in words: the snapshot and the catalog with what could
    /// not be read.
    fn read(repo: &PanelRepo) -> String {
        match repo.snapshot_at(None) {
            Ok(snapshot) => {
                let catalog = repo.load_catalog(&snapshot).map(|(catalog, errors)| {
                    (
                        format!("{catalog:?}"),
                        errors.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
                    )
                });
                format!("{snapshot:?}\n{catalog:?}")
            }
            Err(e) => format!("error: {e}"),
        }
    }

    fn commit(repo: &git2::Repository, message: &str) {
        let mut index = repo.index().unwrap();
        index
            .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
            .unwrap();
        index.update_all(["*"], None).unwrap();
        index.write().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let who = git2::Signature::new(
            "Test Author",
            "author@test.example.org",
            &git2::Time::new(1_760_000_000, 0),
        )
        .unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
        repo.commit(Some("HEAD"), &who, &who, message, &tree, &parents)
            .unwrap();
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        #[test]
        fn reading_through_the_cache_reads_the_same(
            commits in prop::collection::vec(prop::collection::vec(change(), 1..6), 1..6)
        ) {
            hermetic_git2();
            let files = demo_files();
            let dir = tempfile::tempdir().unwrap();
            let git = git2::Repository::init(dir.path()).unwrap();
            common::write_files(dir.path(), files);
            commit(&git, "Start");
            let mut cached = PanelRepo::open(dir.path()).unwrap();
            cached.set_cache(true);
            let mut plain = PanelRepo::open(dir.path()).unwrap();
            plain.set_cache(false);
            prop_assert_eq!(read(&cached), read(&plain));
            for changes in commits {
                for change in changes {
                    let n = files.len();
                    let (path, bytes) = match change {
                        Change::Delete(f) => (&files[f % n].0, None),
                        Change::Cut(f, at) => {
                            let whole = &files[f % n].1;
                            (&files[f % n].0, Some(whole[..at % (whole.len() + 1)].to_vec()))
                        }
                        Change::CopyFrom(f, from) => (&files[f % n].0, Some(files[from % n].1.clone())),
                        Change::Restore(f) => (&files[f % n].0, Some(files[f % n].1.clone())),
                    };
                    let target = dir.path().join(path);
                    match bytes {
                        None => { let _ = std::fs::remove_file(&target); }
                        Some(bytes) => {
                            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                            std::fs::write(&target, bytes).unwrap();
                        }
                    }
                }
                commit(&git, "Change");
                // Twice: the first read may fill the cache, the second reads from it.
                let expected = read(&plain);
                prop_assert_eq!(&read(&cached), &expected);
                prop_assert_eq!(&read(&cached), &expected);
            }
        }
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
        // The listing and the catalog, each found.
        assert!(after >= hits + 2, "hits {hits} then {after}");
    }
}
