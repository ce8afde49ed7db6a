//! Commit messages written by the tool: a summary line, a short body, and git trailers that
//! `git interpret-trailers --parse` reads, so that the history can be queried by field.

use std::fmt::Write as _;

use jiff::civil::Date;

use super::decision::{Decision, ObjectId};
use super::ids::{AcademicYear, MemberId, SchoolId};
use super::text::sanitize_inline;

/// Builds a message from its summary, body and trailers.
fn message(summary: &str, body: &str, trailers: &[(&str, String)]) -> String {
    let mut out = sanitize_inline(summary).into_owned();
    out.push_str("\n\n");
    if !body.is_empty() {
        out.push_str(body.trim_end());
        out.push_str("\n\n");
    }
    for (key, value) in trailers {
        // A trailer value must stay on one line or it would end the trailer block.
        let _ = writeln!(out, "{key}: {}", sanitize_inline(value));
    }
    out
}

fn list(ids: &[MemberId]) -> String {
    ids.iter()
        .map(MemberId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message of a decision commit (SPEC §2.4).
pub fn decision(decision: &Decision, present: &[MemberId], submission_commit: &ObjectId) -> String {
    let summary = format!(
        "Decision: {} {} {}: {}",
        decision.school, decision.year, decision.kind, decision.outcome
    );
    let body = match &decision.supersedes {
        Some(old) => format!("Recorded by {}; corrects {old}.", decision.recorder),
        None => format!("Recorded by {}.", decision.recorder),
    };
    let mut trailers = vec![
        ("Outcome", decision.outcome.to_string()),
        ("Meeting", decision.meeting.to_string()),
        ("School", decision.school.to_string()),
        ("Year", decision.year.to_string()),
        ("Kind", decision.kind.to_string()),
        ("Present", list(present)),
        ("Participants", list(&decision.participants)),
        ("Recorder", decision.recorder.to_string()),
        ("Submission-Commit", submission_commit.to_string()),
    ];
    if let Some(old) = &decision.supersedes {
        trailers.push(("Supersedes", old.clone()));
    }
    message(&summary, &body, &trailers)
}

/// The message of a school's submission commit.
pub fn submission(
    school: &SchoolId,
    school_name: &str,
    year: AcademicYear,
    version: u32,
    submitted_by: &str,
    entered_by: Option<&MemberId>,
) -> String {
    let summary = if version > 1 {
        format!("Resubmission: {school} {year}")
    } else {
        format!("Submission: {school} {year}")
    };
    let body = format!(
        "Self-review and action plan from {}, submitted by {}.",
        sanitize_inline(school_name),
        sanitize_inline(submitted_by)
    );
    let mut trailers = vec![("School", school.to_string()), ("Year", year.to_string())];
    // The administrator who took the school's files in and committed them for it.
    if let Some(member) = entered_by {
        trailers.push(("Entered-By", member.to_string()));
    }
    message(&summary, &body, &trailers)
}

/// The message of a meeting commit: the agenda ahead of the day, or the attendance on it.
pub fn meeting(date: Date, chair: &MemberId, present: &[MemberId], agenda_items: usize) -> String {
    if present.is_empty() {
        message(
            &format!("Meeting {date}: agenda"),
            &format!("{agenda_items} item(s) on the agenda."),
            &[("Meeting", date.to_string()), ("Chair", chair.to_string())],
        )
    } else {
        message(
            &format!("Meeting {date}: attendance and conflicts"),
            "",
            &[
                ("Meeting", date.to_string()),
                ("Chair", chair.to_string()),
                ("Present", list(present)),
            ],
        )
    }
}

/// The message of a commit recording how a meeting ran.
pub fn proceedings(proceedings: &super::proceedings::Proceedings, chair: &MemberId) -> String {
    let date = proceedings.meeting;
    let items = proceedings.items.len();
    let en_bloc = proceedings.items.iter().filter(|i| i.en_bloc).count();
    let body = if en_bloc > 0 {
        format!("{items} item(s) taken, {en_bloc} of them en bloc.")
    } else {
        format!("{items} item(s) taken.")
    };
    message(
        &format!("Meeting {date}: proceedings"),
        &body,
        &[("Meeting", date.to_string()), ("Chair", chair.to_string())],
    )
}

/// The message of a commit recording a member's review of an agenda item.
pub fn review(review: &super::review::Review) -> String {
    message(
        &format!(
            "Review: {} {} {} by {}",
            review.school, review.year, review.kind, review.reviewer
        ),
        "",
        &[
            ("School", review.school.to_string()),
            ("Year", review.year.to_string()),
            ("Meeting", review.meeting.to_string()),
            ("Reviewer", review.reviewer.to_string()),
            ("Recommendation", review.recommendation.to_string()),
        ],
    )
}

/// The message of a commit recording that a condition of a decision was met.
pub fn condition_met(
    met: &super::condition::ConditionMet,
    school: &SchoolId,
    year: AcademicYear,
) -> String {
    message(
        &format!(
            "Condition met: {school} {year} condition {} of {}",
            met.condition, met.decision
        ),
        &format!("Recorded by {}.", met.recorder),
        &[
            ("School", school.to_string()),
            ("Year", year.to_string()),
            ("Decision", met.decision.clone()),
            ("Condition", met.condition.to_string()),
            ("Met-On", met.met_on.to_string()),
            ("Recorder", met.recorder.to_string()),
        ],
    )
}

/// The message of the first commit of a new panel repository.
pub fn setup(panel_name: &str, rubrics: &[String], extra_trailers: &[(&str, String)]) -> String {
    let mut trailers = vec![("Rubrics", rubrics.join(", "))];
    trailers.extend(extra_trailers.iter().cloned());
    message(
        "Set up the panel repository",
        &format!("Panel: {}", sanitize_inline(panel_name)),
        &trailers,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_a_message_carry_no_steering_characters() {
        let hostile: Vec<char> = std::iter::once('\u{7f}')
            .chain('\u{80}'..='\u{9f}')
            .chain('\u{202a}'..='\u{202e}')
            .chain('\u{2066}'..='\u{2069}')
            .chain(['\u{200e}', '\u{200f}', '\u{061c}', '\u{1b}'])
            .collect();
        let school: SchoolId = "oak".parse().unwrap();
        let year: AcademicYear = "2025-26".parse().unwrap();
        let name = format!("Oak{}School", hostile.iter().collect::<String>());
        let written = [
            submission(&school, &name, year, 1, &name, None),
            setup(&name, &[], &[("Panel-Name", name.clone())]),
        ];
        for message in written {
            let kept: Vec<char> = message.chars().filter(|c| hostile.contains(c)).collect();
            assert!(kept.is_empty(), "{kept:?} in {message:?}");
        }
    }
}
