//! Two versions of one file compared, for the history of a commit that changed it: a
//! submission's action plan or self-review as the year-on-year comparison shows it (one
//! column, only what changed), any other file line by line.

use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::rows::{LayoutOptions, RowOptions, lay_out, render_text, rows};
use super::text::Budget;
use super::{TIME_BUDGET, Year, compare};
use crate::model::format::parse_document;
use crate::model::{ActionPlan, Rubric, SchoolId, SelfReview};

/// The width the comparison of two versions is laid out at; the history's pane wraps it
/// again where it is narrower.
const WIDTH: usize = 100;

/// Lines of unchanged text shown around each change of a line diff.
const CONTEXT: usize = 2;

/// How `old` became `new`, the texts of the file at `path` before and after a commit. A plan
/// or self-review that both versions can read is compared action by action and area by
/// area; anything else, or a version that cannot be read, line by line.
pub fn versions(path: &str, old: &str, new: &str, rubric: Option<&Rubric>) -> String {
    let structured = if path.ends_with("/action-plan.ron") {
        both::<ActionPlan>(old, new).map(|(before, after)| {
            let (school, year) = (after.1.school.clone(), after.1.year);
            compared(
                &school,
                Year::from_texts(year, None, Some(&before)),
                Year::from_texts(year, None, Some(&after)),
                rubric,
            )
        })
    } else if path.ends_with("/self-review.ron") {
        both::<SelfReview>(old, new).map(|(before, after)| {
            let (school, year) = (after.1.school.clone(), after.1.year);
            compared(
                &school,
                Year::from_texts(year, Some(&before), None),
                Year::from_texts(year, Some(&after), None),
                rubric,
            )
        })
    } else {
        None
    };
    structured.unwrap_or_else(|| lines(old, new))
}

/// Both versions read, each with its text; `None` if either cannot be.
fn both<T: serde::de::DeserializeOwned>(
    old: &str,
    new: &str,
) -> Option<((String, T), (String, T))> {
    let before = parse_document::<T>(old).ok()?;
    let after = parse_document::<T>(new).ok()?;
    Some(((old.to_owned(), before), (new.to_owned(), after)))
}

/// The year-on-year comparison of two versions, in one column, only what changed.
fn compared(
    school: &SchoolId,
    before: Year<'_>,
    after: Year<'_>,
    rubric: Option<&Rubric>,
) -> String {
    let comparison = compare(school, before, after, rubric, &Budget::new(TIME_BUDGET));
    let layout = LayoutOptions {
        width: WIDTH,
        unified: true,
        wrap: true,
        markers: true,
    };
    let rows = rows(&comparison, RowOptions { only_changes: true });
    let mut out = String::new();
    if let Some(plan) = &comparison.plan {
        let _ = writeln!(out, "{}", plan.summary);
    }
    out.push_str(&render_text(&lay_out(&rows, layout), &layout, false));
    out
}

/// A line diff: `-` for a line taken out, `+` for a line put in, a few unchanged lines
/// around each change.
fn lines(old: &str, new: &str) -> String {
    let diff = TextDiff::configure()
        .timeout(TIME_BUDGET)
        .diff_lines(old, new);
    let mut out = String::new();
    for (i, group) in diff.grouped_ops(CONTEXT).iter().enumerate() {
        if i > 0 {
            out.push_str("…\n");
        }
        for op in group {
            for change in diff.iter_changes(op) {
                let sign = match change.tag() {
                    ChangeTag::Delete => '-',
                    ChangeTag::Insert => '+',
                    ChangeTag::Equal => ' ',
                };
                let _ = writeln!(out, "{sign} {}", change.value().trim_end_matches('\n'));
            }
        }
    }
    if out.is_empty() {
        out.push_str("(no change to the text)\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_files_are_compared_line_by_line() {
        let old = "(\n    date: \"2026-12-02\",\n    chair: \"a\",\n    notes: \"\",\n)\n";
        let new = "(\n    date: \"2026-12-02\",\n    chair: \"b\",\n    notes: \"\",\n)\n";
        let text = versions("meetings/2026-12-02.ron", old, new, None);
        assert!(text.contains("-     chair: \"a\","), "{text}");
        assert!(text.contains("+     chair: \"b\","), "{text}");
        assert!(text.contains("      date: \"2026-12-02\","), "{text}");
    }
}
