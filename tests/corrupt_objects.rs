//! A corrupt loose object in the panel's repository: every command and the interface stop with
//! a message naming the object and `git fsck`, instead of hanging inside libgit2 (which spins
//! for ever on a loose object whose compressed data is cut short).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::tui::Harness;
use common::{Attendance, Sandbox, assert_exit, hermetic_git2, stderr, stdout};
use kitemark::tui::theme::ThemeKind;

/// Long enough for any command on the demo on a loaded machine; only a hang takes longer.
const DEADLINE: Duration = Duration::from_secs(30);

/// The loose object file of `id`.
fn object_file(repo: &Path, id: &str) -> PathBuf {
    repo.join(".git/objects").join(&id[..2]).join(&id[2..])
}

/// Replaces a file's bytes (git makes object files read-only).
fn overwrite(file: &Path, bytes: &[u8]) {
    let mut permissions = std::fs::metadata(file).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(file, permissions).unwrap();
    std::fs::write(file, bytes).unwrap();
}

/// Cuts the object's file to half its length; returns what it held.
fn truncate(repo: &Path, id: &str) -> Vec<u8> {
    let file = object_file(repo, id);
    let whole = std::fs::read(&file).unwrap();
    overwrite(&file, &whole[..whole.len() / 2]);
    whole
}

/// Every command that reads the repository, with arguments that succeed on the demo.
fn commands(repo: &Path) -> Vec<Vec<String>> {
    let r = repo.to_str().unwrap();
    let decide = [
        "decide",
        "little-acorns-nursery",
        "2026-27",
        "--kind",
        "initial",
        "--outcome",
        "awarded",
        "--meeting",
        "2026-12-02",
        "--recorder",
        "t-whitlock",
        "--repo",
        r,
    ];
    let with = |args: &[&str]| args.iter().map(|a| (*a).to_owned()).collect::<Vec<_>>();
    vec![
        with(&["validate", "--repo", r]),
        with(&["schools", "--repo", r]),
        with(&["audit", "--repo", r]),
        with(&["log", "--repo", r]),
        with(&["log", "oakfield-primary", "--repo", r]),
        with(&["diff", "north-vale-esc", "--repo", r]),
        with(&["export", "minutes", "--meeting", "2026-06-17", "--repo", r]),
        with(&[&decide[..], &["--dry-run"]].concat()),
        with(&decide),
        with(&[
            "meeting",
            "2027-01-20",
            "--chair",
            "r-adeyemi",
            "--agenda",
            "westfield-junior/2025-26/annual-review",
            "--repo",
            r,
        ]),
        // The interface opens the repository before it takes over the terminal.
        with(&["open", "--repo", r]),
    ]
}

/// Each command ends by itself with exit code 2 and a message that names the object, says
/// what `git fsck` is for, and contains `expected`.
fn assert_every_command_stops(sandbox: &Sandbox, repo: &Path, id: &str, expected: &str) {
    for args in commands(repo) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = sandbox.kitemark_within(&args, DEADLINE);
        assert_exit(&out, 2);
        let err = stderr(&out);
        for wanted in [id, "is corrupt", "git fsck", expected] {
            assert!(
                err.contains(wanted),
                "kitemark {args:?}: no {wanted:?} in\n{err}"
            );
        }
    }
}

/// The interface's loader answers with the message, and the screen shows it.
fn assert_interface_shows(repo: &Path, id: &str) {
    hermetic_git2();
    // Wide enough that the message is on one line of the screen.
    let mut ui = Harness::start(repo, 700, 24, ThemeKind::Default, false);
    ui.wait_until("the interface says it cannot read the repository", |ui| {
        ui.screen().contains("Cannot read the panel repository")
    });
    let screen = ui.screen();
    for wanted in [id, "is corrupt", "git fsck"] {
        assert!(
            screen.contains(wanted),
            "no {wanted:?} on the screen:\n{screen}"
        );
    }
}

/// After the object's file is put back, commands work again: no corrupt verdict is kept.
fn assert_works_once_restored(sandbox: &Sandbox, repo: &Path, id: &str, original: &[u8]) {
    overwrite(&object_file(repo, id), original);
    let r = repo.to_str().unwrap();
    assert_exit(
        &sandbox.kitemark_within(&["validate", "--repo", r], DEADLINE),
        0,
    );
    assert_exit(
        &sandbox.kitemark_within(&["schools", "--repo", r], DEADLINE),
        0,
    );
    // The next write works, and the repository is whole.
    let out = sandbox.kitemark_within(
        &[
            "decide",
            "little-acorns-nursery",
            "2026-27",
            "--repo",
            r,
            "--kind",
            "initial",
            "--outcome",
            "awarded",
            "--meeting",
            "2026-12-02",
            "--recorder",
            "t-whitlock",
        ],
        DEADLINE,
    );
    assert_exit(&out, 0);
    assert!(
        sandbox
            .try_git(repo, &["fsck", "--strict"])
            .status
            .success()
    );
    assert!(stdout(&sandbox.git(repo, &["status", "--porcelain"])).is_empty());
}

#[test]
fn a_truncated_head_commit_stops_every_command() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let original = truncate(&repo, &id);
    assert_every_command_stops(
        &sandbox,
        &repo,
        &id,
        "commit HEAD points to) is corrupt: the compressed data ends early",
    );
    assert_interface_shows(&repo, &id);
    assert_works_once_restored(&sandbox, &repo, &id, &original);
}

#[test]
fn a_truncated_tree_stops_every_command() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD:submissions"]);
    let original = truncate(&repo, &id);
    assert_every_command_stops(&sandbox, &repo, &id, "folder submissions/ at HEAD");
    assert_interface_shows(&repo, &id);
    assert_works_once_restored(&sandbox, &repo, &id, &original);
}

#[test]
fn a_truncated_root_tree_is_named_as_the_top_folder() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD^{tree}"]);
    truncate(&repo, &id);
    let out = sandbox.kitemark_within(&["schools", "--repo", repo.to_str().unwrap()], DEADLINE);
    assert_exit(&out, 2);
    let expected = format!("tree {id} (the top folder of HEAD's commit) is corrupt");
    assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
}

#[test]
fn a_truncated_blob_stops_every_command() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD:panel.ron"]);
    let original = truncate(&repo, &id);
    let file = format!(".git/objects/{}/{}", &id[..2], &id[2..]);
    assert_every_command_stops(&sandbox, &repo, &id, &format!("(its file is {file})"));
    assert_interface_shows(&repo, &id);
    assert_works_once_restored(&sandbox, &repo, &id, &original);
}

/// The blob `id` stored again with a header that declares `declared` bytes.
fn with_declared_size(repo: &Path, id: &str, declared: usize) -> Vec<u8> {
    let file = object_file(repo, id);
    let original = std::fs::read(&file).unwrap();
    let mut inflated = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::ZlibDecoder::new(&original[..]),
        &mut inflated,
    )
    .unwrap();
    let zero = inflated.iter().position(|&b| b == 0).unwrap();
    let mut raw = format!("blob {declared}\0").into_bytes();
    raw.extend_from_slice(&inflated[zero + 1..]);
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&raw).unwrap();
    overwrite(&file, &encoder.finish().unwrap());
    original
}

#[test]
fn a_header_size_that_disagrees_with_the_body_is_named() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD:panel.ron"]);
    let size: usize = stdout(&sandbox.git(&repo, &["cat-file", "-s", &id]))
        .trim()
        .parse()
        .unwrap();
    let r = repo.to_str().unwrap();
    // Fewer bytes declared than held would have libgit2 write past its buffer; more would
    // have it pad the file with zero bytes.
    for declared in [size - 10, size + 10] {
        let original = with_declared_size(&repo, &id, declared);
        let out = sandbox.kitemark_within(&["validate", "--repo", r], DEADLINE);
        assert_exit(&out, 2);
        let expected = format!(
            "blob {id} (panel.ron at HEAD) is corrupt: it declares {declared} bytes but holds {size}"
        );
        assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
        overwrite(&object_file(&repo, &id), &original);
    }
    assert_exit(
        &sandbox.kitemark_within(&["validate", "--repo", r], DEADLINE),
        0,
    );
}

#[test]
fn several_corrupt_objects_are_all_counted() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let ids: Vec<String> = ["HEAD", "HEAD:panel.ron", "HEAD:meetings", "HEAD:rubrics"]
        .iter()
        .map(|rev| sandbox.git_text(&repo, &["rev-parse", rev]))
        .collect();
    for id in &ids {
        truncate(&repo, id);
    }
    let out = sandbox.kitemark_within(&["validate", "--repo", repo.to_str().unwrap()], DEADLINE);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("4 objects are corrupt"), "{err}");
    assert!(err.contains("and 1 more"), "{err}");
    assert!(err.contains("git fsck"), "{err}");
}

#[test]
fn a_clean_demo_opens_and_its_check_is_remembered() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let r = repo.to_str().unwrap();
    assert_exit(&sandbox.kitemark(&["validate", "--repo", r]), 0);
    let cache = repo.join(".git/kitemark/loose-objects-checked");
    let text = std::fs::read_to_string(&cache).unwrap();
    let loose = stdout(&sandbox.git(&repo, &["count-objects", "-v"]));
    let count: usize = loose
        .lines()
        .find_map(|l| l.strip_prefix("count: "))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(text.lines().count(), count + 1, "one line per loose object");
    // A commit adds loose objects; they are checked and remembered too.
    sandbox.record_attendance(&repo, &["r-adeyemi"], &[]);
    assert_exit(&sandbox.kitemark(&["schools", "--repo", r]), 0);
    let text = std::fs::read_to_string(&cache).unwrap();
    assert!(text.lines().count() > count + 1);
}

#[test]
fn a_cache_that_cannot_be_used_is_ignored() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let r = repo.to_str().unwrap();
    let cache = repo.join(".git/kitemark/loose-objects-checked");
    // Nonsense in the cache: ignored, and replaced.
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    std::fs::write(
        &cache,
        "kitemark loose objects checked 1\nnot a line\n\u{0}\n",
    )
    .unwrap();
    assert_exit(&sandbox.kitemark(&["validate", "--repo", r]), 0);
    assert!(std::fs::read_to_string(&cache).unwrap().lines().count() > 100);
    // A folder where the cache should be: it can be neither read nor replaced, and the
    // objects are checked every time.
    std::fs::remove_file(&cache).unwrap();
    std::fs::create_dir(&cache).unwrap();
    assert_exit(&sandbox.kitemark(&["validate", "--repo", r]), 0);
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    truncate(&repo, &id);
    let out = sandbox.kitemark_within(&["validate", "--repo", r], DEADLINE);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains(&id));
}

#[test]
fn a_remembered_object_that_is_cut_later_is_checked_again() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let r = repo.to_str().unwrap();
    // The first run remembers every object as good.
    assert_exit(&sandbox.kitemark(&["validate", "--repo", r]), 0);
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD:panel.ron"]);
    truncate(&repo, &id);
    let out = sandbox.kitemark_within(&["validate", "--repo", r], DEADLINE);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains(&id), "{}", stderr(&out));
}

#[test]
fn objects_of_a_linked_worktree_and_of_alternates_are_checked() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    // A linked worktree keeps its objects in the main repository's git directory.
    let worktree = sandbox.path("worktree");
    sandbox.git(
        &repo,
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "other",
            worktree.to_str().unwrap(),
        ],
    );
    // A clone that borrows the demo's objects through objects/info/alternates.
    let borrower = sandbox.path("borrower");
    sandbox.git(
        &sandbox.path(""),
        &[
            "clone",
            "-q",
            "--shared",
            repo.to_str().unwrap(),
            borrower.to_str().unwrap(),
        ],
    );
    for dir in [&worktree, &borrower] {
        let d = dir.to_str().unwrap();
        assert_exit(&sandbox.kitemark(&["validate", "--repo", d]), 0);
    }
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD:panel.ron"]);
    truncate(&repo, &id);
    for dir in [&worktree, &borrower] {
        let out = sandbox.kitemark_within(&["validate", "--repo", dir.to_str().unwrap()], DEADLINE);
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(&id), "{}", stderr(&out));
    }
}

#[test]
fn a_bare_repository_is_checked_and_works() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let bare = sandbox.path("bare.git");
    // A local clone hard-links the loose objects: the demo's are not touched below.
    sandbox.git(
        &sandbox.path(""),
        &[
            "clone",
            "-q",
            "--bare",
            "--no-hardlinks",
            repo.to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let b = bare.to_str().unwrap();
    assert_exit(&sandbox.kitemark(&["validate", "--repo", b]), 0);
    assert!(bare.join("kitemark/loose-objects-checked").is_file());
    let id = sandbox.git_text(&bare, &["rev-parse", "HEAD"]);
    let file = bare.join("objects").join(&id[..2]).join(&id[2..]);
    let whole = std::fs::read(&file).unwrap();
    overwrite(&file, &whole[..whole.len() / 2]);
    let out = sandbox.kitemark_within(&["validate", "--repo", b], DEADLINE);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains(&id), "{}", stderr(&out));
}

#[test]
fn a_missing_object_is_named_in_words() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let r = repo.to_str().unwrap();
    // A file validate reads: reported as that file's problem.
    let blob = sandbox.git_text(&repo, &["rev-parse", "HEAD:panel.ron"]);
    std::fs::remove_file(object_file(&repo, &blob)).unwrap();
    let out = sandbox.kitemark_within(&["validate", "--repo", r], DEADLINE);
    assert_exit(&out, 1);
    let expected = format!("panel.ron: error: object {blob} is missing from the repository");
    assert!(stdout(&out).contains(&expected), "{}", stdout(&out));
    assert!(stdout(&out).contains("git fsck"), "{}", stdout(&out));
    assert!(!stdout(&out).contains("class="), "{}", stdout(&out));
    // A folder every command lists: the repository cannot be read. (Without the cache: a
    // tree listed before is not read again, its listing being kept under its id.)
    let tree = sandbox.git_text(&repo, &["rev-parse", "HEAD:meetings"]);
    std::fs::remove_file(object_file(&repo, &tree)).unwrap();
    let out = sandbox.kitemark_within(&["--no-cache", "schools", "--repo", r], DEADLINE);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!("object {tree} is missing from the repository")),
        "{err}"
    );
    assert!(err.contains("git fsck"), "{err}");
}

#[test]
fn the_interface_checks_again_when_it_reloads() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    hermetic_git2();
    let mut ui = Harness::open(&repo, 700, 24, ThemeKind::Default, false);
    let id = sandbox.git_text(&repo, &["rev-parse", "HEAD:panel.ron"]);
    truncate(&repo, &id);
    ui.keys("r");
    ui.wait_until("the reload fails", |ui| {
        ui.screen().contains("Reload failed")
    });
    let screen = ui.screen();
    for wanted in [id.as_str(), "is corrupt", "git fsck"] {
        assert!(
            screen.contains(wanted),
            "no {wanted:?} on the screen:\n{screen}"
        );
    }
}
