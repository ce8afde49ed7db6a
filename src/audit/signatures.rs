//! Who was at the keyboard: each commit by a panel member judged by its signature, against
//! the members and keys of the panel as it stood **before** the commit, so that nobody can
//! add a key (or a member) and use it in the same commit.
//!
//! The signature itself was checked as the history was read (`CommitInfo::signature`: good,
//! and by which key, or bad); here it is matched to the member who authored the commit.

use jiff::civil::Date;

use super::{Finding, Level};
use crate::model::history::{CommitInfo, Records, SignatureCheck, under};
use crate::model::layout::{Classified, PanelPath, classify};
use crate::model::panel::bare_key;
use crate::model::text::clean;
use crate::model::{AcademicYear, Member, Panel, SchoolId};

/// The rules this module reports under.
pub const RULES: [(&str, &str); 6] = [
    (
        "unsigned",
        "a member's commit without a signature: an error where the panel requires them, a note where the member has a key",
    ),
    (
        "bad-signature",
        "a signature that does not verify, or of a kind the panel's keys cannot verify",
    ),
    (
        "signed-by-another-member",
        "a member's commit signed with another member's key",
    ),
    (
        "key-not-on-panel",
        "a commit signed with a key that panel.ron did not list before the commit (including one added by the commit itself)",
    ),
    (
        "key-not-valid",
        "a commit signed with the member's key outside the days the key is valid",
    ),
    (
        "committer-not-author",
        "a decision or meeting committed by someone other than its author",
    ),
];

/// Whether a finding is about a commit's signature or who made it.
pub fn is_signature_rule(rule: &str) -> bool {
    RULES.iter().any(|(id, _)| *id == rule)
}

/// The panel in force after commit `i`.
fn panel_after(records: &Records, i: usize) -> Option<&Panel> {
    let index = records.panel_at.get(i).copied().flatten()?;
    records.panels.get(index).map(|p| p.as_ref())
}

/// The school and year the commit is about, and the file it recorded, when it recorded a
/// decision or a meeting.
fn subject(commit: &CommitInfo) -> (Option<SchoolId>, Option<AcademicYear>, Option<String>) {
    for change in &commit.changes {
        match classify(&change.path) {
            Classified::File(PanelPath::Decision(d)) => {
                return (Some(d.school), Some(d.year), Some(change.path.clone()));
            }
            Classified::File(PanelPath::Review(r)) => {
                return (Some(r.school), Some(r.year), Some(change.path.clone()));
            }
            Classified::File(PanelPath::Meeting(_)) => {
                return (None, None, Some(change.path.clone()));
            }
            Classified::File(PanelPath::ConditionMet(c)) => {
                return (
                    Some(c.decision.school),
                    Some(c.decision.year),
                    Some(change.path.clone()),
                );
            }
            _ => {}
        }
    }
    (None, None, commit.changes.first().map(|c| c.path.clone()))
}

/// Every commit by a member, checked by its signature.
pub fn check(records: &Records, _today: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, commit) in records.commits.iter().enumerate() {
        if commit.is_boundary() {
            continue;
        }
        // The first commit sets the panel up: there is no panel before it to judge by.
        let Some(panel) = records.panel_before_commit(i) else {
            continue;
        };
        let Some(author) = panel.member_by_email(&commit.author.email) else {
            continue;
        };
        let (school, year, path) = subject(commit);
        let finding = |rule: &'static str, level: Level, message: String| Finding {
            rule,
            level,
            school: school.clone(),
            year,
            commit: commit.id.clone(),
            path: path.clone(),
            message,
        };
        let who = format!("{} ({})", clean(&author.name), author.id);
        let what = path.clone().unwrap_or_else(|| clean(&commit.summary));

        let panel_record = ["decisions", "meetings", "conditions", "reviews"]
            .iter()
            .any(|p| commit.changes.iter().any(|c| under(&c.path, p)));
        if panel_record
            && !commit
                .committer
                .email
                .eq_ignore_ascii_case(&commit.author.email)
        {
            out.push(finding(
                "committer-not-author",
                Level::Error,
                format!(
                    "{what} is authored by {who} but was committed by {} <{}>: look at who actually made the commit",
                    clean(&commit.committer.name),
                    clean(&commit.committer.email)
                ),
            ));
        }

        let day = commit.committer.date();
        match &commit.signature {
            None => {
                if panel.require_signatures {
                    out.push(finding(
                        "unsigned",
                        Level::Error,
                        format!(
                            "{what} by {who} is not signed, but the panel requires signed commits: nothing proves who made it"
                        ),
                    ));
                } else if !author.keys.is_empty() {
                    out.push(finding(
                        "unsigned",
                        Level::Note,
                        format!(
                            "{what} by {who} is not signed, although panel.ron lists a key for them: nothing proves who made it"
                        ),
                    ));
                }
            }
            Some(SignatureCheck::Bad { reason }) => out.push(finding(
                "bad-signature",
                Level::Error,
                format!(
                    "{what} by {who} has a signature that does not verify: {}; the commit may have been altered after it was signed",
                    clean(reason)
                ),
            )),
            Some(SignatureCheck::Unsupported { kind }) => out.push(finding(
                "bad-signature",
                if panel.require_signatures {
                    Level::Error
                } else {
                    Level::Note
                },
                format!(
                    "{what} by {who} carries an {} signature, which the panel's SSH keys cannot verify",
                    clean(kind)
                ),
            )),
            Some(SignatureCheck::Good { key }) => {
                if let Some(problem) = judge_key(panel, author, key, day, || {
                    panel_after(records, i)
                        .and_then(|after| owner(after, key))
                        .is_some()
                }) {
                    out.push(finding(problem.0, Level::Error, format!("{what}: {}", problem.1)));
                }
            }
        }
    }
    out
}

/// The member of `panel` whose key `key` is, with that key.
fn owner<'p>(panel: &'p Panel, key: &str) -> Option<(&'p Member, &'p crate::model::MemberKey)> {
    let member = panel.member_with_key(key)?;
    member
        .keys
        .iter()
        .find(|k| k.public().is_some_and(|p| bare_key(&p) == key))
        .map(|k| (member, k))
}

/// What is wrong with `author`'s commit being signed by `key` on `day`, judged by `panel`
/// (the one before the commit); `added_here` says whether the commit's own panel lists it.
fn judge_key(
    panel: &Panel,
    author: &Member,
    key: &str,
    day: Date,
    added_here: impl FnOnce() -> bool,
) -> Option<(&'static str, String)> {
    let who = format!("{} ({})", clean(&author.name), author.id);
    match owner(panel, key) {
        Some((member, listed)) if member.id == author.id => (!listed.valid_on(day)).then(|| {
            let range = match (listed.from, listed.until) {
                (Some(from), Some(until)) => format!("from {from} to {until}"),
                (Some(from), None) => format!("from {from}"),
                (None, Some(until)) => format!("until {until}"),
                (None, None) => "always".into(),
            };
            (
                "key-not-valid",
                format!(
                    "signed on {day} with {who}'s key, which panel.ron lists as valid {range}: look at whether the key was used after it was withdrawn"
                ),
            )
        }),
        Some((member, _)) => Some((
            "signed-by-another-member",
            format!(
                "authored by {who} but signed with the key of {} ({}): look at who was at the keyboard",
                clean(&member.name),
                member.id
            ),
        )),
        None if added_here() => Some((
            "key-not-on-panel",
            format!(
                "signed as {who} with a key that panel.ron lists only from this very commit: a key cannot vouch for the commit that adds it"
            ),
        )),
        None => Some((
            "key-not-on-panel",
            format!(
                "signed as {who} with a key panel.ron does not list ({}…): look at who holds that key",
                key.chars().take(40).collect::<String>()
            ),
        )),
    }
}
