//! `kitemark audit --seal` and the check of seals by every later audit: a seal is an
//! annotated tag `audit/DATE` on the audited commit; a history rewritten since (with
//! `git filter-branch`, or a branch moved back) no longer holds the sealed commit, and the
//! audit says which sealed decisions were removed or reworded.

mod common;

use std::path::Path;

use common::{Sandbox, assert_exit, findings_of, stderr, stdout};
use serde_json::Value;

/// A day on which the demo's audit is clean (its annual review falls due later).
const ON: &str = "2026-11-01";
const AUDITOR: &str = "Ada Auditor <ada@audit.example.org>";

/// A decision that the rewrite removes, and one it rewords.
const REMOVED: &str = "decisions/westfield-junior/2024-25/2025-03-12-annual-review.ron";
const REWORDED: &str = "decisions/oakfield-primary/2023-24/2024-01-24-initial.ron";

fn kitemark(sandbox: &Sandbox, repo: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["audit", "--repo", repo.to_str().unwrap()];
    all.extend(args);
    sandbox.kitemark(&all)
}

fn seal(sandbox: &Sandbox, repo: &Path) -> std::process::Output {
    kitemark(sandbox, repo, &["--on", ON, "--seal", "--auditor", AUDITOR])
}

fn audit_json(sandbox: &Sandbox, repo: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["--on", ON];
    args.extend(extra);
    sandbox.audit_json(repo, &args)
}

/// The messages of the findings of `rule`.
fn findings(json: &Value, rule: &str) -> Vec<String> {
    findings_of(json, rule)
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_owned())
        .collect()
}

fn tags(sandbox: &Sandbox, repo: &Path) -> Vec<String> {
    sandbox
        .git_text(repo, &["tag", "--list", "audit/*"])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Rewrites the whole history as someone hiding a decision would: one decision deleted
/// from every commit, another reworded, and the result left on the branch (the seal tag
/// is not rewritten: `filter-branch` touches tags only with `--tag-name-filter`).
fn rewrite(sandbox: &Sandbox, repo: &Path) {
    let quiet = [("FILTER_BRANCH_SQUELCH_WARNING", "1")];
    let remove = format!("git rm -q --cached --ignore-unmatch {REMOVED}");
    sandbox.git_env(
        repo,
        &quiet,
        &[
            "filter-branch",
            "-f",
            "--index-filter",
            &remove,
            "--",
            "main",
        ],
    );
    let reword = format!(
        "if [ -f {REWORDED} ]; then sed -i 's/feedback: \"/feedback: \"Reworded. /' {REWORDED}; fi"
    );
    sandbox.git_env(
        repo,
        &quiet,
        &[
            "filter-branch",
            "-f",
            "--tree-filter",
            &reword,
            "--",
            "main",
        ],
    );
}

#[test]
fn a_seal_is_an_annotated_tag_on_the_audited_commit_naming_each_decision_file() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    sandbox.git(&repo, &["config", "user.name", "Carys Auditor"]);
    sandbox.git(&repo, &["config", "user.email", "carys@audit.example.org"]);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);

    let out = kitemark(&sandbox, &repo, &["--on", ON, "--seal"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("audit/2026-11-01"), "{text}");
    assert!(text.contains(&head), "{text}");

    let tag = "audit/2026-11-01";
    assert_eq!(sandbox.git_text(&repo, &["cat-file", "-t", tag]), "tag");
    let sealed = format!("{tag}^{{commit}}");
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", &sealed]), head);
    let tagger = sandbox.git_text(
        &repo,
        &[
            "for-each-ref",
            "--format=%(taggername) %(taggeremail)",
            "refs/tags/audit/2026-11-01",
        ],
    );
    assert_eq!(tagger, "Carys Auditor <carys@audit.example.org>");
    // The message carries the audit's summary and every decision file with its blob.
    let message = sandbox.git_text(&repo, &["cat-file", "tag", tag]);
    let blob = sandbox.git_text(&repo, &["rev-parse", &format!("HEAD:{REMOVED}")]);
    assert!(message.contains(&format!("{blob} {REMOVED}")), "{message}");
    assert!(message.contains(&format!("Commit: {head}")), "{message}");
    assert!(message.contains("Audited-On: 2026-11-01"), "{message}");
    let decisions = sandbox.git_text(&repo, &["ls-files", "decisions"]);
    assert!(
        message.contains(&format!("Decision-Files: {}", decisions.lines().count())),
        "{message}"
    );
    // git itself finds nothing wrong with the tag.
    sandbox.git(&repo, &["fsck", "--no-dangling", "--strict"]);

    // A second seal the same day is a new tag; the first is left as it was.
    let first = sandbox.git_text(&repo, &["rev-parse", tag]);
    assert_exit(&kitemark(&sandbox, &repo, &["--on", ON, "--seal"]), 0);
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", tag]), first);
    assert_eq!(tags(&sandbox, &repo), [tag, "audit/2026-11-01-2"]);
    assert_eq!(
        sandbox.git_text(&repo, &["rev-parse", "audit/2026-11-01-2^{commit}"]),
        head
    );
}

#[test]
fn seals_stay_intact_through_honest_commits() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let sealed = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    assert_exit(&seal(&sandbox, &repo), 0);
    // The panel goes on: a meeting's attendance recorded, a note committed with git.
    sandbox.record_attendance(&repo, &common::PRESENT, &common::APOLOGIES);
    std::fs::write(repo.join("NOTES.md"), "Notes\n").unwrap();
    sandbox.git(&repo, &["add", "NOTES.md"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "Notes"]);

    let (code, json) = audit_json(&sandbox, &repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert!(findings(&json, "history-rewritten").is_empty(), "{json:#}");
    assert_eq!(
        json["seals"],
        serde_json::json!([{
            "name": "audit/2026-11-01",
            "commit": sealed,
            "sealed_on": "2026-11-01",
            "intact": true,
        }])
    );
    let out = kitemark(&sandbox, &repo, &["--on", ON]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "Sealed on 2026-11-01 at {} (audit/2026-11-01): history intact since",
            &sealed[..7]
        )),
        "{text}"
    );
}

#[test]
fn a_rewritten_history_is_found_with_the_decisions_it_removed_and_reworded() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let sealed = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let reworded_then = sandbox.git_text(&repo, &["rev-parse", &format!("HEAD:{REWORDED}")]);
    assert_exit(&seal(&sandbox, &repo), 0);

    rewrite(&sandbox, &repo);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    assert_ne!(head, sealed);
    // The rewrite left the tag where it was.
    assert_eq!(
        sandbox.git_text(&repo, &["rev-parse", "audit/2026-11-01^{commit}"]),
        sealed
    );
    let reworded_now = sandbox.git_text(&repo, &["rev-parse", &format!("HEAD:{REWORDED}")]);

    let (code, json) = audit_json(&sandbox, &repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let rewritten = findings(&json, "history-rewritten");
    let about = |needle: &str| {
        rewritten
            .iter()
            .find(|m| m.contains(needle))
            .unwrap_or_else(|| panic!("no finding names {needle}: {rewritten:#?}"))
    };
    // The seal, its commit, and the commit that replaced it (filter-branch keeps the
    // author, date and summary).
    let seal = about("audit/2026-11-01");
    assert!(seal.contains(&sealed[..7]), "{seal}");
    assert!(seal.contains(&head[..7]), "{seal}");
    let removed = about(REMOVED);
    assert!(removed.contains("removed"), "{removed}");
    let reworded = about(REWORDED);
    assert!(reworded.contains(&reworded_then[..7]), "{reworded}");
    assert!(reworded.contains(&reworded_now[..7]), "{reworded}");
    assert_eq!(json["seals"][0]["intact"], false, "{json:#}");

    // The readable report says it too.
    let out = kitemark(&sandbox, &repo, &["--on", ON]);
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("[history-rewritten]"), "{text}");
    assert!(text.contains(REMOVED) && text.contains(REWORDED), "{text}");
}

#[test]
fn a_seal_rewritten_along_with_the_history_disagrees_with_its_new_commit() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let sealed = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    assert_exit(&seal(&sandbox, &repo), 0);
    // `--tag-name-filter cat` moves the seal to the rewritten commit, message and all.
    let remove = format!("git rm -q --cached --ignore-unmatch {REMOVED}");
    sandbox.git_env(
        &repo,
        &[("FILTER_BRANCH_SQUELCH_WARNING", "1")],
        &[
            "filter-branch",
            "-f",
            "--index-filter",
            &remove,
            "--tag-name-filter",
            "cat",
            "--",
            "--all",
        ],
    );
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    assert_eq!(
        sandbox.git_text(&repo, &["rev-parse", "audit/2026-11-01^{commit}"]),
        head
    );

    let (code, json) = audit_json(&sandbox, &repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let mismatch = findings(&json, "seal-mismatch");
    assert!(
        mismatch
            .iter()
            .any(|m| m.contains(&sealed[..7]) && m.contains(&head[..7])),
        "{mismatch:#?}"
    );
    assert!(
        mismatch.iter().any(|m| m.contains(REMOVED)),
        "{mismatch:#?}"
    );
}

#[test]
fn a_branch_moved_back_past_a_seal_is_found_and_an_older_revision_is_not_blamed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    assert_exit(&seal(&sandbox, &repo), 0);
    // Back to before the latest decision, as if it had never been recorded.
    let latest = sandbox.git_text(&repo, &["log", "-1", "--format=%H", "--", "decisions"]);
    let path = sandbox.git_text(
        &repo,
        &[
            "show",
            "--format=",
            "--name-only",
            &latest,
            "--",
            "decisions",
        ],
    );
    let before = format!("{latest}~1");
    sandbox.git(&repo, &["reset", "-q", "--hard", &before]);

    let (code, json) = audit_json(&sandbox, &repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let rewritten = findings(&json, "history-rewritten");
    assert!(
        rewritten.iter().any(|m| m.contains(&path)),
        "{rewritten:#?}"
    );

    // Auditing an older revision on purpose: the seal is of a later commit, not checked.
    let (code, json) = audit_json(&sandbox, &repo, &["--rev", &latest]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["seals"][0]["intact"], Value::Null, "{json:#}");
}

#[test]
fn an_edited_seal_is_reported() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    assert_exit(&seal(&sandbox, &repo), 0);
    // The tag made again with one decision left out of its list and another's blob changed.
    let tag = "audit/2026-11-01";
    let message = sandbox.git_text(&repo, &["tag", "--list", "--format=%(contents)", tag]);
    let blob = sandbox.git_text(&repo, &["rev-parse", &format!("HEAD:{REWORDED}")]);
    let forged: String = message
        .lines()
        .filter(|l| !l.ends_with(REMOVED))
        .map(|l| l.replace(&blob, &"0".repeat(40)))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(sandbox.path("forged.txt"), forged).unwrap();
    let file = sandbox.path("forged.txt");
    sandbox.git(
        &repo,
        &["tag", "-f", "-a", tag, "-F", file.to_str().unwrap(), "HEAD"],
    );

    let (code, json) = audit_json(&sandbox, &repo, &[]);
    assert_eq!(code, 1, "{json:#}");
    let mismatch = findings(&json, "seal-mismatch");
    assert!(
        mismatch
            .iter()
            .any(|m| m.contains(tag) && m.contains(REMOVED)),
        "{mismatch:#?}"
    );
    assert!(
        mismatch.iter().any(|m| m.contains(REWORDED)),
        "{mismatch:#?}"
    );
    // Its commit is still in the history.
    assert!(findings(&json, "history-rewritten").is_empty(), "{json:#}");
}

#[test]
fn the_auditor_is_git_s_user_or_auditor_and_without_either_nothing_is_sealed() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let out = kitemark(&sandbox, &repo, &["--on", ON, "--seal"]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("user.name") && err.contains("--auditor"),
        "{err}"
    );
    assert!(err.contains("nothing was sealed"), "{err}");
    assert!(tags(&sandbox, &repo).is_empty());

    let out = kitemark(&sandbox, &repo, &["--on", ON, "--seal", "--auditor", "Ada"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("Name <email>"), "{}", stderr(&out));
    assert!(tags(&sandbox, &repo).is_empty());

    assert_exit(&seal(&sandbox, &repo), 0);
    let tagger = sandbox.git_text(
        &repo,
        &[
            "for-each-ref",
            "--format=%(taggername) %(taggeremail)",
            "refs/tags/audit/",
        ],
    );
    assert_eq!(tagger, AUDITOR);
}

#[test]
fn a_seal_deleted_with_the_history_is_caught_by_the_commit_kept_outside() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let sealed = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    assert_exit(&seal(&sandbox, &repo), 0);
    // The rewriter also deletes the seal and every trace of the old history.
    rewrite(&sandbox, &repo);
    sandbox.git(&repo, &["tag", "-d", "audit/2026-11-01"]);
    sandbox.git(
        &repo,
        &["update-ref", "-d", "refs/original/refs/heads/main"],
    );
    sandbox.git(&repo, &["reflog", "expire", "--expire=now", "--all"]);
    sandbox.git(&repo, &["gc", "-q", "--prune=now"]);

    // The repository alone cannot tell. (The ordinary rules see only that the removed
    // annual review is now overdue.)
    let (_, json) = audit_json(&sandbox, &repo, &[]);
    assert!(findings(&json, "history-rewritten").is_empty(), "{json:#}");
    assert_eq!(json["seals"], serde_json::json!([]));

    // The commit id the auditor filed can.
    let (code, json) = audit_json(&sandbox, &repo, &["--expect-seal", &sealed]);
    assert_eq!(code, 1, "{json:#}");
    let rewritten = findings(&json, "history-rewritten");
    assert!(
        rewritten
            .iter()
            .any(|m| m.contains(&sealed[..7]) && m.contains("not in this repository")),
        "{rewritten:#?}"
    );
    assert_eq!(json["seals"][0]["intact"], false, "{json:#}");

    // And the current commit, expected, is intact.
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let (_, json) = audit_json(&sandbox, &repo, &["--expect-seal", &head]);
    assert!(findings(&json, "history-rewritten").is_empty(), "{json:#}");
    assert_eq!(json["seals"][0]["intact"], true, "{json:#}");
}

#[test]
fn a_bare_repository_is_sealed_and_a_tag_that_cannot_be_written_is_said_so() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let bare = sandbox.path("shared.git");
    sandbox.git(
        &repo,
        &["clone", "-q", "--bare", ".", bare.to_str().unwrap()],
    );
    assert_exit(&seal(&sandbox, &bare), 0);
    assert_eq!(
        sandbox.git_text(&bare, &["cat-file", "-t", "audit/2026-11-01"]),
        "tag"
    );

    // Where the tag cannot go (a tag named `audit` stands where its folder must be),
    // nothing is sealed.
    sandbox.git(&repo, &["tag", "audit"]);
    let out = seal(&sandbox, &repo);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("nothing was sealed"), "{err}");
    assert!(!stdout(&out).contains("Sealed"), "{}", stdout(&out));
}
