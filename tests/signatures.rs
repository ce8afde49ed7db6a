//! Who was at the keyboard: members' commits signed with their SSH keys, checked by the audit
//! in process against the panel as it stood before each commit, and by git itself with the
//! allowed-signers file kitemark writes.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::items::{LITTLE_ACORNS, NORTH_VALE};
use common::{Attendance, Sandbox, assert_exit, stderr, stdout};
use serde_json::Value;

const TOM: (&str, &str) = (
    "Tom Whitlock",
    "tom.whitlock@herts-publichealth.example.org",
);
const ROSALIND: (&str, &str) = (
    "Rosalind Adeyemi",
    "rosalind.adeyemi@hertfordshire-cc.example.org",
);

/// A new key made with `ssh-keygen`, its private file and its public line.
fn new_key(sandbox: &Sandbox, name: &str) -> (PathBuf, String) {
    let path = sandbox.path(&format!("keys/{name}"));
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let public = std::fs::read_to_string(path.with_extension("pub")).unwrap();
    (path, public.trim().to_owned())
}

/// Commits what is staged as `who`, signed with `key` when given (as `git commit -S` with
/// `gpg.format=ssh` signs), with the committer given or the same as the author.
fn commit(
    sandbox: &Sandbox,
    repo: &Path,
    who: (&str, &str),
    key: Option<&Path>,
    committer: Option<(&str, &str)>,
    message: &str,
) -> String {
    let mut args: Vec<String> = vec!["-c".into(), "gpg.format=ssh".into()];
    if let Some(key) = key {
        args.extend(["-c".into(), format!("user.signingkey={}", key.display())]);
    }
    args.extend(["commit".into(), "-q".into(), "-m".into(), message.into()]);
    if key.is_some() {
        args.push("-S".into());
    }
    let by = committer.unwrap_or(who);
    let mut cmd = Command::new("git");
    cmd.args(&args)
        .current_dir(repo)
        .env("HOME", sandbox.path("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", who.0)
        .env("GIT_AUTHOR_EMAIL", who.1)
        .env("GIT_COMMITTER_NAME", by.0)
        .env("GIT_COMMITTER_EMAIL", by.1);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "git commit: {}", stderr(&out));
    stdout(&sandbox.git(repo, &["rev-parse", "HEAD"]))
        .trim()
        .to_owned()
}

/// Changes the notes of the demo's upcoming meeting and stages it: a commit by a member.
fn stage_meeting_note(sandbox: &Sandbox, repo: &Path, note: &str) {
    let path = repo.join("meetings/2026-12-02.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("notes: \"").unwrap() + "notes: \"".len();
    let end = start + text[start..].find('"').unwrap();
    std::fs::write(&path, format!("{}{note}{}", &text[..start], &text[end..])).unwrap();
    sandbox.git(repo, &["add", "meetings/2026-12-02.ron"]);
}

/// The findings of `kitemark audit --format json`.
fn findings(sandbox: &Sandbox, repo: &Path) -> Vec<Value> {
    let (_, json) = sandbox.audit_json(repo, &[]);
    json["findings"].as_array().cloned().unwrap_or_default()
}

/// The findings of a rule at a commit.
fn of_rule<'a>(all: &'a [Value], rule: &str, commit: &str) -> Vec<&'a Value> {
    all.iter()
        .filter(|f| f["rule"] == rule && f["commit"] == commit)
        .collect()
}

const SIGNATURE_RULES: [&str; 6] = [
    "unsigned",
    "bad-signature",
    "signed-by-another-member",
    "key-not-on-panel",
    "key-not-valid",
    "committer-not-author",
];

/// Replaces t-whitlock's keys in panel.ron with `keys` (RON entries) and stages it.
fn stage_tom_keys(sandbox: &Sandbox, repo: &Path, keys: &str) {
    let path = repo.join("panel.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text.find("id: \"t-whitlock\"").unwrap();
    let keys_at = start + text[start..].find("keys: [").unwrap();
    let end = keys_at + text[keys_at..].find("],").unwrap() + 2;
    std::fs::write(
        &path,
        format!("{}keys: [{keys}],{}", &text[..keys_at], &text[end..]),
    )
    .unwrap();
    sandbox.git(repo, &["add", "panel.ron"]);
}

fn decide(sandbox: &Sandbox, repo: &Path, item: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = sandbox.decide_command(repo, item, &["--recorder", "t-whitlock"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_demo_is_signed_end_to_end_and_so_is_what_is_recorded_in_it() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    // Members' commits are signed (G), schools' submissions are not (N).
    let log = stdout(&sandbox.git(&repo, &["log", "--format=%G? %ae"]));
    let panel = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
    let mut signed = 0;
    for line in log.lines() {
        let (state, email) = line.split_once(' ').unwrap();
        if panel.contains(&format!("\"{email}\"")) {
            assert_eq!(state, "G", "{line}");
            signed += 1;
        } else {
            assert_eq!(state, "N", "{line}");
        }
    }
    assert!(signed > 30, "{signed}");
    let out = decide(&sandbox, &repo, &LITTLE_ACORNS, &[]);
    assert_exit(&out, 0);
    assert!(!stderr(&out).contains("unsigned"), "{}", stderr(&out));
    let verify = sandbox.try_git(&repo, &["verify-commit", "HEAD"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    assert!(
        stderr(&verify).contains("Good \"git\" signature for tom.whitlock@"),
        "{}",
        stderr(&verify)
    );
    let all = findings(&sandbox, &repo);
    for f in &all {
        let rule = f["rule"].as_str().unwrap();
        assert!(!SIGNATURE_RULES.contains(&rule), "{f}");
    }
}

#[test]
fn a_key_made_with_ssh_keygen_signs_and_git_agrees() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let (key, public) = new_key(&sandbox, "tom-laptop");
    stage_tom_keys(&sandbox, &repo, &format!("(key: \"{public}\")"));
    let admin = repo.join(".git/kitemark/keys/r-adeyemi");
    commit(
        &sandbox,
        &repo,
        ROSALIND,
        Some(&admin),
        None,
        "Tom's new key",
    );

    // The demo key kitemark keeps is no longer Tom's; the one named by the environment is.
    let out = decide(
        &sandbox,
        &repo,
        &LITTLE_ACORNS,
        &[("KITEMARK_SIGNING_KEY", &key)],
    );
    assert_exit(&out, 0);
    let head = stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"]))
        .trim()
        .to_owned();
    let all = findings(&sandbox, &repo);
    assert!(all.iter().all(|f| f["commit"] != head.as_str()), "{all:?}");
    // `kitemark audit` wrote the allowed signers from panel.ron: git agrees.
    let verify = sandbox.try_git(&repo, &["verify-commit", "HEAD"]);
    assert!(verify.status.success(), "{}", stderr(&verify));

    // Without a key of Tom's at hand, recording says so and goes on unsigned (the panel does
    // not require signatures), which the audit notes.
    let out = decide(&sandbox, &repo, &NORTH_VALE, &[]);
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("warning: recorded unsigned"),
        "{}",
        stderr(&out)
    );
    let head = stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"]))
        .trim()
        .to_owned();
    let all = findings(&sandbox, &repo);
    let unsigned = of_rule(&all, "unsigned", &head);
    assert_eq!(unsigned.len(), 1, "{all:?}");
    assert_eq!(unsigned[0]["level"], "note");
}

#[test]
fn each_way_of_passing_as_someone_else_is_a_finding() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let keys = repo.join(".git/kitemark/keys");

    // Tom's name, Anna's key.
    stage_meeting_note(&sandbox, &repo, "Signed with another member's key.");
    let c = commit(
        &sandbox,
        &repo,
        TOM,
        Some(&keys.join("a-nowak")),
        None,
        "Notes",
    );
    let all = findings(&sandbox, &repo);
    let found = of_rule(&all, "signed-by-another-member", &c);
    assert_eq!(found.len(), 1, "{all:?}");
    assert!(found[0]["message"].as_str().unwrap().contains("Anna Nowak"));

    // Tom's name, a key nobody listed.
    let (stranger, _) = new_key(&sandbox, "stranger");
    stage_meeting_note(&sandbox, &repo, "Signed with an unknown key.");
    let c = commit(&sandbox, &repo, TOM, Some(&stranger), None, "Notes");
    let all = findings(&sandbox, &repo);
    assert_eq!(of_rule(&all, "key-not-on-panel", &c).len(), 1, "{all:?}");

    // A key added to panel.ron in the very commit that uses it.
    let (fresh, public) = new_key(&sandbox, "tom-fresh");
    let panel = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
    let start = panel.find("id: \"t-whitlock\"").unwrap();
    let at = start + panel[start..].find("keys: [").unwrap() + "keys: [".len();
    std::fs::write(
        repo.join("panel.ron"),
        format!(
            "{}\n                (key: \"{public}\"),{}",
            &panel[..at],
            &panel[at..]
        ),
    )
    .unwrap();
    sandbox.git(&repo, &["add", "panel.ron"]);
    stage_meeting_note(&sandbox, &repo, "Signed with a key added here.");
    let c = commit(&sandbox, &repo, TOM, Some(&fresh), None, "A key and a note");
    let all = findings(&sandbox, &repo);
    let found = of_rule(&all, "key-not-on-panel", &c);
    assert_eq!(found.len(), 1, "{all:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("only from this very commit"),
        "{found:?}"
    );
    // Once the key is listed, a later commit with it is Tom's.
    stage_meeting_note(&sandbox, &repo, "Signed with the key, now listed.");
    let c = commit(&sandbox, &repo, TOM, Some(&fresh), None, "Notes");
    let all = findings(&sandbox, &repo);
    assert!(all.iter().all(|f| f["commit"] != c.as_str()), "{all:?}");

    // Tom's own key, after the day panel.ron says it ends.
    let panel = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
    let tom_demo = panel
        .lines()
        .find(|l| l.contains("t-whitlock@kitemark-demo"))
        .unwrap()
        .to_owned();
    std::fs::write(
        repo.join("panel.ron"),
        panel.replace(
            &tom_demo,
            &tom_demo.replace("\"),", "\", until: \"2020-01-31\"),"),
        ),
    )
    .unwrap();
    sandbox.git(&repo, &["add", "panel.ron"]);
    commit(
        &sandbox,
        &repo,
        ROSALIND,
        Some(&keys.join("r-adeyemi")),
        None,
        "Tom's demo key ends",
    );
    stage_meeting_note(&sandbox, &repo, "Signed with an expired key.");
    let c = commit(
        &sandbox,
        &repo,
        TOM,
        Some(&keys.join("t-whitlock")),
        None,
        "Notes",
    );
    let all = findings(&sandbox, &repo);
    assert_eq!(of_rule(&all, "key-not-valid", &c).len(), 1, "{all:?}");

    // A signed commit altered afterwards.
    stage_meeting_note(&sandbox, &repo, "Signed, then altered.");
    commit(&sandbox, &repo, TOM, Some(&fresh), None, "Notes as signed");
    let raw = stdout(&sandbox.git(&repo, &["cat-file", "commit", "HEAD"]));
    let altered = raw.replace("Notes as signed", "Notes as altered");
    let mut hash = Command::new("git")
        .args(["hash-object", "-t", "commit", "-w", "--stdin"])
        .current_dir(&repo)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    hash.stdin
        .take()
        .unwrap()
        .write_all(altered.as_bytes())
        .unwrap();
    let c = String::from_utf8(hash.wait_with_output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_owned();
    sandbox.git(&repo, &["update-ref", "HEAD", &c]);
    let all = findings(&sandbox, &repo);
    assert_eq!(of_rule(&all, "bad-signature", &c).len(), 1, "{all:?}");
    let verify = sandbox.try_git(&repo, &["verify-commit", &c]);
    assert!(!verify.status.success(), "git agrees the signature is bad");

    // Made by someone else in Tom's name.
    stage_meeting_note(&sandbox, &repo, "Committed by someone else.");
    let c = commit(
        &sandbox,
        &repo,
        TOM,
        Some(&fresh),
        Some(("Someone", "someone@example.org")),
        "Notes",
    );
    let all = findings(&sandbox, &repo);
    assert_eq!(
        of_rule(&all, "committer-not-author", &c).len(),
        1,
        "{all:?}"
    );

    // Unsigned, with `git -c user.email=<member>`: a note while signatures are optional...
    stage_meeting_note(&sandbox, &repo, "Unsigned.");
    let c = commit(&sandbox, &repo, TOM, None, None, "Notes");
    let all = findings(&sandbox, &repo);
    let found = of_rule(&all, "unsigned", &c);
    assert_eq!(found.len(), 1, "{all:?}");
    assert_eq!(found[0]["level"], "note");
    // ...and an error once the panel requires them.
    let panel = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
    std::fs::write(
        repo.join("panel.ron"),
        panel.replacen(
            "    members: [",
            "    require_signatures: true,\n    members: [",
            1,
        ),
    )
    .unwrap();
    sandbox.git(&repo, &["add", "panel.ron"]);
    commit(
        &sandbox,
        &repo,
        ROSALIND,
        Some(&keys.join("r-adeyemi")),
        None,
        "Require signatures",
    );
    stage_meeting_note(&sandbox, &repo, "Unsigned, now required.");
    let c = commit(&sandbox, &repo, TOM, None, None, "Notes");
    let all = findings(&sandbox, &repo);
    let found = of_rule(&all, "unsigned", &c);
    assert_eq!(found.len(), 1, "{all:?}");
    assert_eq!(found[0]["level"], "error");
}

#[test]
fn a_panel_that_requires_signatures_records_nothing_unsigned() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let panel = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
    std::fs::write(
        repo.join("panel.ron"),
        panel.replacen(
            "    members: [",
            "    require_signatures: true,\n    members: [",
            1,
        ),
    )
    .unwrap();
    sandbox.git(&repo, &["add", "panel.ron"]);
    let admin = repo.join(".git/kitemark/keys/r-adeyemi");
    commit(
        &sandbox,
        &repo,
        ROSALIND,
        Some(&admin),
        None,
        "Require signatures",
    );
    // Tom's key is not at this computer.
    std::fs::rename(
        repo.join(".git/kitemark/keys/t-whitlock"),
        sandbox.path("tom-key"),
    )
    .unwrap();
    let before = stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"]));
    let out = decide(&sandbox, &repo, &LITTLE_ACORNS, &[]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("cannot sign the commit as t-whitlock: no signing key was found"),
        "{err}"
    );
    assert!(err.contains("nothing was recorded"), "{err}");
    assert_eq!(stdout(&sandbox.git(&repo, &["rev-parse", "HEAD"])), before);
    assert!(stdout(&sandbox.git(&repo, &["status", "--porcelain"])).is_empty());
    // With the key: recorded and signed.
    let key = sandbox.path("tom-key");
    let out = decide(
        &sandbox,
        &repo,
        &LITTLE_ACORNS,
        &[("KITEMARK_SIGNING_KEY", &key)],
    );
    assert_exit(&out, 0);
    assert!(
        sandbox
            .try_git(&repo, &["verify-commit", "HEAD"])
            .status
            .success()
    );
}

#[test]
fn a_seal_is_signed_with_the_auditors_key() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let (key, _) = new_key(&sandbox, "auditor");
    let mut cmd = sandbox.command(&[
        "audit",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-11-01",
        "--seal",
        "--auditor",
        "Ada Auditor <ada@audit.example.org>",
    ]);
    cmd.env("KITEMARK_SIGNING_KEY", &key);
    let out = cmd.output().unwrap();
    assert_exit(&out, 0);
    let tag = stdout(&sandbox.git(&repo, &["cat-file", "tag", "audit/2026-11-01"]));
    assert!(tag.contains("-----BEGIN SSH SIGNATURE-----"), "{tag}");
    // git checks it with the auditor's key.
    let signers = sandbox.path("auditors");
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    std::fs::write(&signers, format!("ada@audit.example.org {public}")).unwrap();
    let verify = sandbox.try_git(
        &repo,
        &[
            "-c",
            &format!("gpg.ssh.allowedSignersFile={}", signers.display()),
            "verify-tag",
            "audit/2026-11-01",
        ],
    );
    assert!(verify.status.success(), "{}", stderr(&verify));
    // The seal still reads as a seal, and holds.
    let out = sandbox.kitemark(&[
        "audit",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-11-01",
    ]);
    assert!(
        stdout(&out).contains("history intact since"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn the_history_view_shows_each_commits_signature() {
    use common::tui::Harness;
    use kitemark::tui::theme::ThemeKind;

    common::hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let keys = repo.join(".git/kitemark/keys");
    // A meeting that names Little Acorns, changed in Tom's name with Anna's key.
    stage_meeting_note(&sandbox, &repo, "Signed with another member's key.");
    commit(
        &sandbox,
        &repo,
        TOM,
        Some(&keys.join("a-nowak")),
        None,
        "Notes",
    );
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, false);
    // Little Acorns is the agenda's first item.
    ui.keys("H");
    ui.wait_until("the history and its audit", |ui| {
        ui.screen().contains("Commits, newest first") && !ui.app.is_loading()
    });
    let screen = ui.screen();
    assert!(
        screen.contains("meeting    ✗ Tom Whitlock     Notes "),
        "{screen}"
    );
    assert!(
        screen.contains("   Signed ✗ meetings/2026-12-02.ron: authored by Tom Whitlock"),
        "{screen}"
    );
    assert!(screen.contains("meeting    ✓ Tom Whitlock"), "{screen}");
    assert!(screen.contains("submission – "), "{screen}");
}
