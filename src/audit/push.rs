//! The panel's rules as a served repository enforces them on a push (SPEC §5 applied at the
//! server): the refs a push may not move, and which of the audit's findings are the push's.
//! Pure: the hook (`commands::hook`) reads git and hands the facts in.

use std::collections::HashSet;

use super::Finding;
use crate::model::ObjectId;

/// One line git hands a pre-receive hook: a ref, its commit before the push and after
/// (`None` for a ref that is created, or deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUpdate {
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
    pub name: String,
}

/// Where the seals of the audit live: `kitemark audit --seal` tags there.
pub const SEALS: &str = "refs/tags/audit/";

/// Rules about the passage of time, which a push does not break: an award's annual review
/// that falls due (review-overdue), and a condition past its date (condition-overdue), are
/// overdue because the calendar moved on, whoever pushes next. The audit reports them; the
/// server does not refuse the next push for them, or nobody could record the review that
/// puts them right.
pub const NOT_THE_PUSH: [&str; 2] = ["review-overdue", "condition-overdue"];

/// `OLD NEW REFNAME` lines as git writes them on a pre-receive hook's standard input; an
/// id of zeros is no commit. A line that is not of this form is an error (the hook then
/// refuses the push: it cannot tell what is being pushed).
pub fn parse_updates(text: &str) -> Result<Vec<RefUpdate>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split(' ');
        let (Some(old), Some(new), Some(name), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!("line {} from git is not `OLD NEW REFNAME`", n + 1));
        };
        let id = |hex: &str| -> Result<Option<ObjectId>, String> {
            if !hex.is_empty() && hex.bytes().all(|b| b == b'0') {
                return Ok(None);
            }
            hex.parse::<ObjectId>()
                .map(Some)
                .map_err(|e| format!("line {} from git: {e}", n + 1))
        };
        out.push(RefUpdate {
            old: id(old)?,
            new: id(new)?,
            name: name.to_owned(),
        });
    }
    Ok(out)
}

/// One rule a push breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub rule: &'static str,
    /// The commit that breaks it, with its summary; `None` for a rule about a ref.
    pub commit: Option<(ObjectId, String)>,
    /// The ref or file concerned (`path:line:col` for a file where the place is known).
    pub place: Option<String>,
    pub message: String,
}

/// The rules about refs: no branch deleted or moved other than forward, no seal of the audit
/// moved or deleted. `fast_forward(old, new)` says whether `new` descends from `old`.
pub fn ref_rules(
    updates: &[RefUpdate],
    fast_forward: &mut dyn FnMut(&ObjectId, &ObjectId) -> Result<bool, String>,
) -> Result<Vec<Broken>, String> {
    let mut out = Vec::new();
    let broken = |rule, name: &str, message: String| Broken {
        rule,
        commit: None,
        place: Some(name.to_owned()),
        message,
    };
    for update in updates {
        let name = update.name.as_str();
        if let Some(branch) = name.strip_prefix("refs/heads/") {
            match (&update.old, &update.new) {
                (Some(_), None) => out.push(broken(
                    "branch-deleted",
                    name,
                    format!("the branch {branch} may not be deleted: the panel's record is kept whole"),
                )),
                (Some(old), Some(new)) if !fast_forward(old, new)? => out.push(broken(
                    "force-push",
                    name,
                    format!(
                        "{branch} would move from {} to {}, which does not build on it: commits would be lost from the record; fetch, merge or rebase on it, and push again",
                        old.short(),
                        new.short()
                    ),
                )),
                _ => {}
            }
        } else if name.starts_with(SEALS)
            && let Some(old) = &update.old
        {
            let seal = name.trim_start_matches("refs/tags/");
            match &update.new {
                None => out.push(broken(
                    "seal-deleted",
                    name,
                    format!("the audit's seal {seal} may not be deleted"),
                )),
                Some(new) if new != old => out.push(broken(
                    "seal-moved",
                    name,
                    format!("the audit's seal {seal} may not be moved or replaced"),
                )),
                Some(_) => {}
            }
        }
    }
    Ok(out)
}

/// The audit's findings that are the push's to answer for: errors shown by one of its own
/// commits, leaving out the rules about the passage of time ([`NOT_THE_PUSH`]).
pub fn pushed_findings(findings: Vec<Finding>, new: &HashSet<ObjectId>) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| f.is_error() && new.contains(&f.commit) && !NOT_THE_PUSH.contains(&f.rule))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(c: char) -> ObjectId {
        c.to_string().repeat(40).parse().unwrap()
    }

    #[test]
    fn updates_are_read_with_zeros_as_no_commit() {
        let text = format!(
            "{} {} refs/heads/main\n{} {} refs/heads/old\n",
            id('a').as_str(),
            id('b').as_str(),
            id('c').as_str(),
            "0".repeat(40)
        );
        let updates = parse_updates(&text).unwrap();
        assert_eq!(updates[0].old, Some(id('a')));
        assert_eq!(updates[1].new, None);
        assert!(parse_updates("nonsense\n").is_err());
        assert!(parse_updates("a b refs/heads/main\n").is_err());
    }

    #[test]
    fn branches_move_forward_and_seals_stay() {
        let updates = vec![
            RefUpdate {
                old: Some(id('a')),
                new: Some(id('b')),
                name: "refs/heads/main".into(),
            },
            RefUpdate {
                old: Some(id('a')),
                new: None,
                name: "refs/heads/spare".into(),
            },
            RefUpdate {
                old: Some(id('a')),
                new: Some(id('c')),
                name: "refs/tags/audit/2026-12".into(),
            },
            RefUpdate {
                old: None,
                new: Some(id('c')),
                name: "refs/tags/audit/2027-01".into(),
            },
            RefUpdate {
                old: None,
                new: Some(id('c')),
                name: "refs/heads/new".into(),
            },
        ];
        let rules: Vec<&str> = ref_rules(&updates, &mut |_, _| Ok(false))
            .unwrap()
            .iter()
            .map(|b| b.rule)
            .collect();
        assert_eq!(rules, ["force-push", "branch-deleted", "seal-moved"]);
        let forward = ref_rules(&updates[..1], &mut |_, _| Ok(true)).unwrap();
        assert!(forward.is_empty());
    }
}
