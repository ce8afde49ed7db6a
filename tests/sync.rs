//! Sharing a panel between machines: two clones of one bare repository served by a real
//! `git daemon`, each recording and running `kitemark sync`.

mod common;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::server::GitServer;
use common::{APOLOGIES, Attendance, PRESENT, Sandbox, assert_exit, items, stderr, stdout};
use kitemark::record::sync::{RemoteState, remote_state};
use kitemark::repo::PanelRepo;

/// The shared bare repository, made from the demo with its meeting's attendance, with
/// kitemark's pre-receive hook installed as a panel's server has it: every test sets its
/// remote up here and nowhere else, so every push a sync makes is checked by the panel's rules.
fn bare_panel(sandbox: &Sandbox) -> (PathBuf, PathBuf) {
    let demo = sandbox.demo_with_attendance(Attendance::Recorded);
    let root = sandbox.path("served");
    let bare = sandbox.bare_copy(&demo, &root, "panel.git");
    assert_exit(
        &sandbox.kitemark(&["hook", "install", bare.to_str().unwrap()]),
        0,
    );
    (demo, bare)
}

/// A served panel and two clones of it, `a` and `b`, each holding the demo members' signing
/// keys as the demo does (kept in the git directory, so a clone does not bring them).
struct Shared {
    sandbox: Sandbox,
    server: GitServer,
    bare: PathBuf,
    a: PathBuf,
    b: PathBuf,
}

fn shared() -> Shared {
    let sandbox = Sandbox::new();
    let (demo, bare) = bare_panel(&sandbox);
    let server = GitServer::start(&sandbox, bare.parent().unwrap());
    let url = server.url("panel.git");
    let (a, b) = sandbox.two_clones_with_keys(&demo, &url);
    Shared {
        sandbox,
        server,
        bare,
        a,
        b,
    }
}

/// The remote state the interface shows, read from the local refs.
fn state_of(repo: &Path) -> RemoteState {
    common::hermetic_git2();
    let panel = PanelRepo::open(repo).unwrap();
    remote_state(&panel).unwrap().expect("a remote")
}

fn sync(sandbox: &Sandbox, repo: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["sync", "--repo", repo.to_str().unwrap()];
    args.extend_from_slice(extra);
    sandbox.kitemark_within(&args, Duration::from_secs(60))
}

fn decide(sandbox: &Sandbox, repo: &Path, item: &[&str]) {
    let out = sandbox
        .decide_command(repo, item, &["--recorder", "t-whitlock"])
        .output()
        .unwrap();
    assert_exit(&out, 0);
}

fn head(sandbox: &Sandbox, repo: &Path, rev: &str) -> String {
    sandbox.git_text(repo, &["rev-parse", rev])
}

/// What the audit finds, by rule and file.
fn findings(sandbox: &Sandbox, repo: &Path) -> BTreeSet<(String, String)> {
    let (_, json) = sandbox.audit_json(repo, &[]);
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_owned(),
                f["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// Whether a commit carries a signature.
fn signed(sandbox: &Sandbox, repo: &Path, rev: &str) -> bool {
    sandbox
        .git_text(repo, &["cat-file", "commit", rev])
        .contains("\ngpgsig ")
}

fn decisions_land_in_either_order(first_syncs_a: bool) {
    let s = shared();
    let sb = &s.sandbox;
    decide(sb, &s.a, &items::LITTLE_ACORNS);
    decide(sb, &s.b, &items::NORTH_VALE);
    let before: BTreeSet<_> = findings(sb, &s.a)
        .union(&findings(sb, &s.b))
        .cloned()
        .collect();
    let (first, second) = if first_syncs_a {
        (&s.a, &s.b)
    } else {
        (&s.b, &s.a)
    };
    let original = head(sb, second, "HEAD");
    let original_author = sb.git_text(second, &["log", "-1", "--format=%an|%ae|%ad"]);
    let original_signed = signed(sb, second, "HEAD");
    // The demo's members sign with the keys the clone holds: a signed commit is replayed.
    assert!(original_signed);

    let out = sync(sb, first, &[]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("Pushed 1 commit to origin:"),
        "{}",
        stdout(&out)
    );

    let out = sync(sb, second, &[]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Pulled 1 commit from origin:"), "{text}");
    assert!(text.contains("Replayed 1 local commit"), "{text}");
    assert!(text.contains("Pushed 1 commit to origin:"), "{text}");
    // The replayed commit is the local one, with its author, date and signature state.
    let replayed = head(sb, second, "HEAD");
    assert_ne!(replayed, original);
    assert_eq!(
        sb.git_text(second, &["log", "-1", "--format=%an|%ae|%ad"]),
        original_author
    );
    assert_eq!(signed(sb, second, "HEAD"), original_signed);
    assert_eq!(head(sb, second, "HEAD~1"), head(sb, first, "HEAD"));
    assert_eq!(stdout(&sb.git(second, &["status", "--porcelain"])), "");

    let out = sync(sb, first, &[]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("Pulled 1 commit from origin:"));
    for clone in [&s.a, &s.b] {
        assert_eq!(head(sb, clone, "HEAD"), head(sb, &s.bare, "main"));
        assert_eq!(stdout(&sb.git(clone, &["status", "--porcelain"])), "");
        assert!(
            clone
                .join("decisions/little-acorns-nursery/2026-27/2026-12-02-initial.ron")
                .exists()
        );
        assert!(
            clone
                .join("decisions/north-vale-esc/2026-27/2026-12-02-annual-review.ron")
                .exists()
        );
    }
    sb.git(&s.bare, &["fsck", "--strict"]);
    let after = findings(sb, &s.a);
    let new: Vec<_> = after.difference(&before).collect();
    assert!(
        new.is_empty(),
        "the audit finds more after the sync: {new:?}"
    );
    // Nothing left to do.
    let out = sync(sb, &s.b, &[]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("Up to date with origin"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn decisions_recorded_on_two_clones_both_land_when_a_syncs_first() {
    decisions_land_in_either_order(true);
}

#[test]
fn decisions_recorded_on_two_clones_both_land_when_b_syncs_first() {
    decisions_land_in_either_order(false);
}

/// `kitemark meeting` for the demo's upcoming meeting, its attendance as recorded, moved to
/// `location`.
fn move_meeting(sb: &Sandbox, repo: &Path, location: &str) {
    assert_exit(
        &sb.meeting_with(repo, &PRESENT, &APOLOGIES, &["--location", location]),
        0,
    );
}

/// Both clones move the meeting, differently; `a` syncs first. `b` has a decision before its
/// change of the meeting.
fn meeting_changed_on_both(s: &Shared) -> (String, String) {
    let sb = &s.sandbox;
    // Both clones move the meeting to another room; `b` has also recorded a decision at it
    // (before its own change, which the rules allow as an amendment to the meeting's place).
    move_meeting(sb, &s.a, "Committee Room 2, County Hall");
    decide(sb, &s.b, &items::NORTH_VALE);
    move_meeting(sb, &s.b, "Online (Microsoft Teams)");
    assert_exit(&sync(sb, &s.a, &[]), 0);
    let b_tip = head(sb, &s.b, "HEAD");
    let remote_tip = head(sb, &s.bare, "main");

    let out = sync(sb, &s.b, &[]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("Sync stopped"), "{text}");
    assert!(text.contains("meetings/2026-12-02.ron"), "{text}");
    assert!(text.contains("ours:"), "{text}");
    assert!(text.contains("theirs:"), "{text}");
    assert!(text.contains("kitemark sync --finish theirs"), "{text}");
    assert!(text.contains("kitemark sync --finish mine"), "{text}");
    assert!(
        text.contains(&format!(
            "git diff {} {} -- meetings/2026-12-02.ron",
            &remote_tip[..7],
            &b_tip[..7]
        )),
        "{text}"
    );
    // Nothing changed on either side; the local commits are kept on a branch of their own.
    assert_eq!(head(sb, &s.b, "HEAD"), b_tip);
    assert_eq!(head(sb, &s.bare, "main"), remote_tip);
    assert_eq!(stdout(&sb.git(&s.b, &["status", "--porcelain"])), "");
    let kept = sb.git_text(
        &s.b,
        &[
            "branch",
            "--list",
            "kitemark/unsynced/*",
            "--format=%(refname:short)",
        ],
    );
    assert!(kept.starts_with("kitemark/unsynced/"), "{kept}");
    assert_eq!(head(sb, &s.b, &kept), b_tip);
    assert!(text.contains(&kept), "{text}");
    // The interface's header knows of it, from the local refs alone.
    let state = state_of(&s.b);
    let unfinished = state.unfinished.expect("the stopped sync is kept");
    assert_eq!(unfinished.kept_on, kept);
    assert_eq!(unfinished.files.len(), 1);
    assert_eq!(unfinished.files[0].path, "meetings/2026-12-02.ron");
    assert_eq!((state.ahead, state.behind), (2, 1));
    // A second sync says the same, and still changes nothing.
    let out = sync(sb, &s.b, &["--format", "json"]);
    assert_exit(&out, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["status"], "conflict", "{json}");
    assert_eq!(json["conflict"]["kept_on"], kept.as_str(), "{json}");
    assert_eq!(
        json["conflict"]["files"][0]["path"], "meetings/2026-12-02.ron",
        "{json}"
    );
    assert_eq!(
        json["conflict"]["files"][0]["ours"]["id"],
        b_tip.as_str(),
        "{json}"
    );
    assert_eq!(head(sb, &s.b, "HEAD"), b_tip);
    (b_tip, remote_tip)
}

#[test]
fn a_file_changed_on_both_stops_then_finishes_with_theirs() {
    let s = shared();
    let sb = &s.sandbox;
    let (b_tip, remote_tip) = meeting_changed_on_both(&s);
    let out = sync(sb, &s.b, &["--finish", "theirs"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Replayed 1 local commit"), "{text}");
    assert!(text.contains("left out"), "{text}");
    // The decision is replayed on the remote's; the meeting is the remote's.
    assert_eq!(head(sb, &s.b, "HEAD"), head(sb, &s.bare, "main"));
    assert_eq!(head(sb, &s.b, "HEAD~1"), remote_tip);
    assert_eq!(
        sb.git_text(&s.b, &["show", "HEAD:meetings/2026-12-02.ron"]),
        sb.git_text(&s.a, &["show", "HEAD:meetings/2026-12-02.ron"])
    );
    assert_eq!(
        std::fs::read_to_string(s.b.join("meetings/2026-12-02.ron"))
            .unwrap()
            .trim(),
        sb.git_text(&s.a, &["show", "HEAD:meetings/2026-12-02.ron"])
    );
    assert!(
        s.b.join("decisions/north-vale-esc/2026-27/2026-12-02-annual-review.ron")
            .exists()
    );
    assert_eq!(stdout(&sb.git(&s.b, &["status", "--porcelain"])), "");
    // The local meeting change is still on the kept branch.
    let kept = sb.git_text(
        &s.b,
        &[
            "branch",
            "--list",
            "kitemark/unsynced/*",
            "--format=%(refname:short)",
        ],
    );
    assert_eq!(head(sb, &s.b, &kept), b_tip);
    assert_eq!(state_of(&s.b).unfinished, None);
    // Finished: the next sync has nothing to do.
    let out = sync(sb, &s.b, &["--format", "json"]);
    assert_exit(&out, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["status"], "up-to-date", "{json}");
    sb.git(&s.bare, &["fsck", "--strict"]);
}

#[test]
fn a_file_changed_on_both_stops_then_finishes_with_mine() {
    let s = shared();
    let sb = &s.sandbox;
    let (b_tip, remote_tip) = meeting_changed_on_both(&s);
    let ours = sb.git_text(&s.b, &["show", &format!("{b_tip}:meetings/2026-12-02.ron")]);
    let author = sb.git_text(&s.b, &["log", "-1", "--format=%an|%ae|%s", &b_tip]);
    let out = sync(sb, &s.b, &["--finish", "mine"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Replayed 2 local commits"), "{text}");
    assert!(text.contains("Pushed 2 commits"), "{text}");
    assert_eq!(head(sb, &s.b, "HEAD"), head(sb, &s.bare, "main"));
    assert_eq!(head(sb, &s.b, "HEAD~2"), remote_tip);
    assert_eq!(
        sb.git_text(&s.bare, &["show", "main:meetings/2026-12-02.ron"]),
        ours
    );
    assert_eq!(
        sb.git_text(&s.bare, &["log", "-1", "--format=%an|%ae|%s", "main"]),
        author
    );
    assert_eq!(signed(sb, &s.bare, "main"), signed(sb, &s.b, &b_tip));
    assert_eq!(stdout(&sb.git(&s.b, &["status", "--porcelain"])), "");
    // `a` takes it as a fast-forward.
    assert_exit(&sync(sb, &s.a, &[]), 0);
    assert_eq!(
        std::fs::read_to_string(s.a.join("meetings/2026-12-02.ron"))
            .unwrap()
            .trim(),
        ours
    );
    sb.git(&s.bare, &["fsck", "--strict"]);
}

#[test]
fn a_finish_after_the_remote_moved_on_gives_a_new_account_and_settles_nothing_unseen() {
    let s = shared();
    let sb = &s.sandbox;
    let (b_tip, _) = meeting_changed_on_both(&s);
    // Someone changes the meeting again on the remote after `b` was shown the account.
    move_meeting(sb, &s.a, "The Old School Room, Hertford");
    assert_exit(&sync(sb, &s.a, &[]), 0);
    let moved = head(sb, &s.bare, "main");
    let out = sync(sb, &s.b, &["--finish", "mine"]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("Sync stopped"), "{text}");
    assert!(
        text.contains(&moved[..7]),
        "the new account names the new commit: {text}"
    );
    assert_eq!(
        head(sb, &s.bare, "main"),
        moved,
        "nothing unseen was settled"
    );
    assert_eq!(head(sb, &s.b, "HEAD"), b_tip);
}

#[test]
fn a_finish_keeps_the_local_commits_again_when_their_branch_was_deleted() {
    let s = shared();
    let sb = &s.sandbox;
    let (b_tip, _) = meeting_changed_on_both(&s);
    let kept = state_of(&s.b).unfinished.unwrap().kept_on;
    sb.git(&s.b, &["branch", "-D", &kept]);
    let out = sync(sb, &s.b, &["--finish", "theirs"]);
    assert_exit(&out, 0);
    let branches = sb.git_text(
        &s.b,
        &[
            "branch",
            "--list",
            "kitemark/unsynced/*",
            "--format=%(refname:short)",
        ],
    );
    let again = branches.lines().next().unwrap_or_default().to_owned();
    assert!(again.starts_with("kitemark/unsynced/"), "{branches}");
    assert_eq!(
        head(sb, &s.b, &again),
        b_tip,
        "the left-out commit is on a branch"
    );
    assert!(stdout(&out).contains(&again), "{}", stdout(&out));
}

#[test]
fn offline_says_so_and_changes_nothing() {
    let mut s = shared();
    let sb = &s.sandbox;
    decide(sb, &s.a, &items::LITTLE_ACORNS);
    let tip = head(sb, &s.a, "HEAD");
    let tracking = head(sb, &s.a, "origin/main");
    let remote = head(sb, &s.bare, "main");
    s.server.stop();
    let out = sync(sb, &s.a, &[]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("offline"), "{}", stderr(&out));
    assert_eq!(head(sb, &s.a, "HEAD"), tip);
    assert_eq!(head(sb, &s.a, "origin/main"), tracking);
    assert_eq!(head(sb, &s.bare, "main"), remote);
    assert_eq!(stdout(&sb.git(&s.a, &["status", "--porcelain"])), "");
}

#[test]
fn a_server_that_never_answers_is_abandoned_after_the_timeout() {
    let s = shared();
    let sb = &s.sandbox;
    // Accepts connections and never says a word.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming() {
            held.push(stream);
        }
    });
    let url = format!("git://127.0.0.1:{port}/panel.git");
    sb.git(&s.a, &["remote", "set-url", "origin", &url]);
    decide(sb, &s.a, &items::LITTLE_ACORNS);
    let tip = head(sb, &s.a, "HEAD");
    let out = sync(sb, &s.a, &["--timeout", "2"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("did not answer within 2 s"),
        "{}",
        stderr(&out)
    );
    assert_eq!(head(sb, &s.a, "HEAD"), tip);
}

#[test]
fn a_push_refused_by_the_servers_hook_is_reported_with_its_message() {
    let s = shared();
    let sb = &s.sandbox;
    let hook = s.bare.join("hooks/pre-receive");
    std::fs::write(
        &hook,
        "#!/bin/sh\necho 'The county panel accepts no pushes today: the record is being audited.'\nexit 1\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    decide(sb, &s.a, &items::LITTLE_ACORNS);
    let remote = head(sb, &s.bare, "main");
    let out = sync(sb, &s.a, &[]);
    assert_exit(&out, 1);
    let said = stderr(&out);
    assert!(said.contains("the remote refused the push"), "{said}");
    assert!(
        said.contains("The county panel accepts no pushes today"),
        "{said}"
    );
    assert_eq!(head(sb, &s.bare, "main"), remote);
}

#[test]
fn an_uncommitted_change_to_a_file_others_changed_stops_the_sync() {
    let s = shared();
    let sb = &s.sandbox;
    let mut present: Vec<&str> = PRESENT.to_vec();
    present.retain(|m| *m != "l-fraser");
    sb.record_attendance(&s.a, &present, &["s-kaur", "l-fraser"]);
    assert_exit(&sync(sb, &s.a, &[]), 0);
    let meeting = s.b.join("meetings/2026-12-02.ron");
    let edited = format!(
        "{}\n// a note typed here\n",
        std::fs::read_to_string(&meeting).unwrap()
    );
    std::fs::write(&meeting, &edited).unwrap();
    let tip = head(sb, &s.b, "HEAD");
    let out = sync(sb, &s.b, &[]);
    assert_exit(&out, 2);
    let said = stderr(&out);
    assert!(said.contains("meetings/2026-12-02.ron"), "{said}");
    assert!(said.contains("not committed"), "{said}");
    assert_eq!(head(sb, &s.b, "HEAD"), tip);
    assert_eq!(std::fs::read_to_string(&meeting).unwrap(), edited);
    assert_eq!(
        sb.git_text(&s.b, &["status", "--porcelain"]),
        "M meetings/2026-12-02.ron"
    );
}

#[test]
fn a_repository_with_no_remote_says_how_to_add_one() {
    let sandbox = Sandbox::new();
    let (demo, _) = bare_panel(&sandbox);
    let out = sync(&sandbox, &demo, &[]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("git remote add origin"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_remote_state_follows_fetches_recordings_and_failures() {
    let mut s = shared();
    let sb = &s.sandbox;
    let state = state_of(&s.b);
    assert_eq!(state.remote, "origin");
    assert_eq!((state.ahead, state.behind), (0, 0));
    assert_eq!(state.fetched, None);
    assert_eq!(state.offline, None);
    decide(sb, &s.a, &items::LITTLE_ACORNS);
    assert_exit(&sync(sb, &s.a, &[]), 0);
    assert_exit(&sync(sb, &s.b, &[]), 0);
    let state = state_of(&s.b);
    assert_eq!((state.ahead, state.behind), (0, 0));
    let fetched = state.fetched.expect("the fetch is remembered");
    assert_eq!(state.offline, None);
    decide(sb, &s.b, &items::NORTH_VALE);
    assert_eq!(state_of(&s.b).ahead, 1);
    s.server.stop();
    assert_exit(&sync(sb, &s.b, &[]), 2);
    let state = state_of(&s.b);
    assert_eq!(state.fetched, Some(fetched));
    let offline = state.offline.expect("the failure is remembered");
    assert!(offline.contains("offline"), "{offline}");
    assert_eq!(state.ahead, 1);
}

#[test]
fn a_signed_commit_replayed_where_its_key_is_missing_is_unsigned_and_said_so() {
    let s = shared();
    let sb = &s.sandbox;
    decide(sb, &s.a, &items::LITTLE_ACORNS);
    decide(sb, &s.b, &items::NORTH_VALE);
    assert!(signed(sb, &s.b, "HEAD"));
    assert_exit(&sync(sb, &s.a, &[]), 0);
    std::fs::remove_dir_all(s.b.join(".git/kitemark/keys")).unwrap();
    let out = sync(sb, &s.b, &[]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("was signed and is replayed unsigned"),
        "{text}"
    );
    assert!(!signed(sb, &s.b, "HEAD"));
    assert_eq!(head(sb, &s.b, "HEAD"), head(sb, &s.bare, "main"));
}

#[test]
fn a_file_others_removed_leaves_the_working_tree_unless_it_has_changes_here() {
    let s = shared();
    let sb = &s.sandbox;
    let path = "submissions/little-acorns-nursery/school.ron";
    sb.git(&s.a, &["rm", "-q", path]);
    // Committed at the clock's time, as the panel's own commits are: the server's hook
    // refuses a history whose dates run backwards.
    assert_exit(
        &sb.try_git(&s.a, &["commit", "-q", "-m", "A school withdrawn"]),
        0,
    );
    sb.git(&s.a, &["push", "-q", "origin", "main"]);
    let file = s.b.join(path);
    let committed = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{committed}// a note typed here\n")).unwrap();
    let tip = head(sb, &s.b, "HEAD");
    let out = sync(sb, &s.b, &[]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains(path), "{}", stderr(&out));
    assert_eq!(head(sb, &s.b, "HEAD"), tip);
    assert!(file.exists());
    std::fs::write(&file, &committed).unwrap();
    let out = sync(sb, &s.b, &[]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("A school withdrawn"),
        "{}",
        stdout(&out)
    );
    assert_eq!(head(sb, &s.b, "HEAD"), head(sb, &s.a, "HEAD"));
    assert!(!file.exists());
    assert_eq!(stdout(&sb.git(&s.b, &["status", "--porcelain"])), "");
}

#[test]
fn a_push_that_breaks_the_panels_rules_is_refused_by_the_servers_hook_and_kept_here() {
    let s = shared();
    let sb = &s.sandbox;
    // A decision already shared, edited in place with plain git instead of superseded.
    let listed = sb.git_text(&s.a, &["ls-files", "decisions"]);
    let path = listed
        .lines()
        .next()
        .expect("the demo has decisions")
        .to_owned();
    let file = s.a.join(&path);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text + "\n").unwrap();
    sb.git(&s.a, &["commit", "-qam", "Tidy a decision"]);
    let tip = head(sb, &s.a, "HEAD");
    let remote = head(sb, &s.bare, "main");
    let out = sync(sb, &s.a, &[]);
    assert_exit(&out, 1);
    let said = stderr(&out);
    assert!(said.contains("the remote refused the push"), "{said}");
    assert!(said.contains("decision-modified"), "{said}");
    assert_eq!(
        head(sb, &s.bare, "main"),
        remote,
        "the server kept what it had"
    );
    assert_eq!(head(sb, &s.a, "HEAD"), tip, "the commit is kept here");
}
