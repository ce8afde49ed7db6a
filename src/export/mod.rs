//! Documents the panel hands out, written as Markdown from the repository's records: the
//! minutes of a meeting and a feedback letter to a school. The documents are pure functions
//! over the catalog and the commits that recorded each decision; [`gather`] reads those from
//! the repository for the command line and the interface. A document is also given as a
//! Word file, made from its Markdown by [`docx`].

pub mod docx;
pub mod gather;

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::model::catalog::Catalog;
use crate::model::lifecycle::award_states;
use crate::model::rubric::Effect;
use crate::model::text::{sanitize, sanitize_inline};
use crate::model::{
    AcademicYear, AgendaItem, Decision, KindId, Meeting, MemberId, ObjectId, SchoolId,
};

/// Why a document could not be made or saved.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("no meeting is recorded on {date} (meetings/{date}.ron); recorded meetings: {known}")]
    NoMeeting { date: Date, known: String },
    #[error(
        "no decision{} is recorded for {school} {year} (see `kitemark log {school}`)",
        kind.as_ref().map_or_else(String::new, |k| format!(" of kind {k}"))
    )]
    NoDecision {
        school: SchoolId,
        year: AcademicYear,
        kind: Option<KindId>,
    },
    #[error(
        "{school} {year} has decisions of several kinds ({kinds}): say which the letter is about (--kind on the command line; in the interface, the decision's commit in the history)"
    )]
    SeveralKinds {
        school: SchoolId,
        year: AcademicYear,
        kinds: String,
    },
    #[error("{school} has no school.ron to address the letter to")]
    NoSchoolFile { school: SchoolId },
    #[error("the rubric of {school} is not in rubrics/")]
    NoRubric { school: SchoolId },
    #[error(transparent)]
    Repo(#[from] crate::repo::RepoError),
    #[error("cannot create {}: {source}", path.display())]
    Create {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("cannot make the Word file: {0}")]
    Docx(String),
    #[error("{} already holds 999 versions of {file_name}", dir.display())]
    NoFreeName {
        dir: std::path::PathBuf,
        file_name: String,
    },
}

/// What a document is written as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Markdown, as text.
    #[default]
    Markdown,
    /// A Word document.
    Docx,
}

impl Format {
    /// The extension of a file in this format, without its dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Docx => "docx",
        }
    }

    /// The format a name stands for, as the command line and the config file write it.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "md" | "markdown" => Some(Format::Markdown),
            "docx" => Some(Format::Docx),
            _ => None,
        }
    }
}

/// The headings of the minutes' lists of members, whose Word file has a table of them.
const PRESENT: &str = "Present";
const APOLOGIES: &str = "Apologies";

/// A decision with where and in which commit it was recorded.
#[derive(Debug, Clone, Copy)]
pub struct Recorded<'a> {
    pub path: &'a str,
    pub decision: &'a Decision,
    pub commit: Option<&'a Seen>,
    /// The commits that changed its file after it was recorded, oldest first: the
    /// document states the decision as recorded and says so.
    pub changed: &'a [ObjectId],
}

/// The conditions of the school's earlier decisions that the letter should report on: those
/// recorded as met since the panel last decided on the school's work, each with the day it
/// was met, and those still outstanding at the meeting, with their dates.
fn earlier_conditions(out: &mut String, catalog: &Catalog, path: &str, d: &Decision) {
    let previous = catalog
        .decision_records(&d.school)
        .iter()
        .filter(|r| r.path != path && r.decision.meeting < d.meeting)
        .map(|r| r.decision.meeting)
        .max();
    let decided_on = |decision: &str| {
        catalog
            .decisions
            .iter()
            .find(|(p, _)| p == decision)
            .map(|(_, d)| d.meeting)
    };
    let earlier: Vec<_> = catalog
        .conditions(&d.school, d.meeting)
        .into_iter()
        .filter(|c| c.decision != path && decided_on(&c.decision).is_some_and(|m| m < d.meeting))
        .filter(|c| match c.met_on {
            Some(met) => previous.is_none_or(|p| met > p),
            None => true,
        })
        .collect();
    if earlier.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Conditions set earlier");
    let _ = writeln!(out);
    for c in &earlier {
        let set = decided_on(&c.decision).map_or_else(String::new, long_date);
        let state = match c.met_on {
            Some(met) => format!("met on {}", long_date(met)),
            None => format!(
                "not yet recorded as met; it was due by {}",
                long_date(c.due)
            ),
        };
        let _ = writeln!(
            out,
            "- {} (condition {} of the panel's decision of {set}): {state}.",
            inline(first_sentence(&c.text)).trim_end_matches('.'),
            c.number,
        );
    }
    let _ = writeln!(out);
}

/// A condition's first sentence, to name it in a list without repeating all of it.
fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => &text[..=end],
        None => text,
    }
}

/// A paragraph saying that a decision's file was changed after it was recorded, if it was.
fn changed_paragraph(recorded: &Recorded<'_>) -> Option<String> {
    if recorded.changed.is_empty() {
        return None;
    }
    let by: Vec<String> = recorded
        .changed
        .iter()
        .map(|c| format!("`{}`", c.short()))
        .collect();
    Some(format!(
        "**Warning: this decision's record was changed after it was recorded.** {} was recorded in commit {} and changed afterwards by commit {}. This document states the decision as recorded; a decision is corrected by a new decision that supersedes it, never by editing its file. `kitemark audit` reports the change.",
        code(recorded.path),
        short(recorded.commit),
        by.join(", ")
    ))
}

/// The commit that recorded or last changed a file, as far as the history shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    In(ObjectId),
    /// Held at a shallow clone's boundary: this commit or one before it, which the clone
    /// does not hold.
    AtOrBefore(ObjectId),
}

/// A date as a letter writes it: "14 October 2026".
pub fn long_date(date: Date) -> String {
    date.strftime("%-d %B %Y").to_string()
}

/// Text from the repository made inert in a Markdown document: whatever a school or a
/// member typed, a renderer shows it as typed and makes nothing of it (no link, image,
/// code, table, list, heading, emphasis or HTML).
///
/// CommonMark lets a backslash escape any ASCII punctuation character, and an escaped
/// character is always literal text. Every such character that can begin or hold together
/// a construct, in CommonMark or the extensions renderers commonly switch on (tables,
/// strikethrough, footnotes, maths, autolinked addresses), is escaped wherever it stands.
/// The ordinary punctuation of prose is left readable for whoever opens the file as text:
/// it can only make a list at the start of a line (`-`, `1.`, `1)`), where it is escaped
/// too. Indentation makes a code block: each line's leading spaces and tabs are dropped, as
/// a renderer drops them from a paragraph anyway, and trailing ones, which would make a hard
/// line break. Control characters are first shown harmlessly.
pub fn text(value: &str) -> String {
    let clean = sanitize(value);
    let mut out = String::with_capacity(clean.len() + clean.len() / 8 + 8);
    for (i, line) in clean.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim_matches([' ', '\t']);
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        for (at, c) in line.char_indices() {
            let list_marker = (at == 0 && c == '-') || (at == digits && matches!(c, '.' | ')'));
            if c.is_ascii_punctuation() && (list_marker || !PROSE.contains(&c)) {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// Punctuation that makes nothing in Markdown once the characters that open links, images
/// and other constructs are escaped, except a list at the start of a line.
const PROSE: &[char] = &[',', ';', '?', '%', '\'', '"', '.', '-', '(', ')', '!', '/'];

/// A block of prose: each line of the text its own paragraph, as the tool's forms write
/// paragraphs one to a line.
pub fn paragraphs(value: &str) -> String {
    text(value.trim())
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// One line, as for a table cell or a list item.
pub fn inline(value: &str) -> String {
    // An escape is a backslash and a punctuation character, never whitespace: splitting
    // here cannot part one from the other.
    text(value).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A file's path or another name shown as code: the fence is longer than any run of
/// backticks in it, so it shows as written (CommonMark code spans take no escapes).
fn code(value: &str) -> String {
    let shown = sanitize_inline(value);
    let longest = shown.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // One space each side is taken away by the renderer; it keeps a backtick at either end
    // apart from the fence, and a space at either end as it was.
    if shown.starts_with(['`', ' ']) || shown.ends_with(['`', ' ']) {
        format!("{fence} {shown} {fence}")
    } else {
        format!("{fence}{shown}{fence}")
    }
}

fn member(catalog: &Catalog, id: &MemberId) -> String {
    catalog
        .panel
        .member(id)
        .map_or_else(|| inline(id.as_str()), |m| inline(&m.name))
}

fn member_with_role(catalog: &Catalog, id: &MemberId) -> String {
    match catalog.panel.member(id) {
        Some(m) if m.organisation.is_empty() => format!("{} ({})", inline(&m.name), m.role.label()),
        Some(m) => format!(
            "{} ({}, {})",
            inline(&m.name),
            m.role.label(),
            inline(&m.organisation)
        ),
        None => format!(
            "{} (not on the panel's list of members)",
            inline(id.as_str())
        ),
    }
}

fn school_name(catalog: &Catalog, id: &SchoolId) -> String {
    catalog
        .schools
        .get(id)
        .map_or_else(|| inline(id.as_str()), |s| inline(&s.name))
}

fn names(catalog: &Catalog, ids: &[MemberId]) -> String {
    // Once each: a file listing a member twice (which `validate` reports) still names one
    // person. By id, so that two members who share a name are both shown.
    let ids: std::collections::BTreeSet<&MemberId> = ids.iter().collect();
    let mut out: Vec<String> = ids.into_iter().map(|id| member(catalog, id)).collect();
    out.sort();
    out.join(", ")
}

fn short(commit: Option<&Seen>) -> String {
    match commit {
        Some(Seen::In(c)) => format!("`{}`", c.short()),
        Some(Seen::AtOrBefore(c)) => format!(
            "`{}` or earlier (this shallow clone's history begins there)",
            c.short()
        ),
        None => "not found".to_owned(),
    }
}

/// The minutes of a meeting: who was there, the declared and known conflicts and how each
/// was handled, each agenda item's outcome and conditions, and the commits that record them.
pub fn minutes(
    catalog: &Catalog,
    meeting: &Meeting,
    decisions: &[Recorded<'_>],
    meeting_commit: Option<&Seen>,
    head: &ObjectId,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}", inline(&catalog.panel.name));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "## Minutes of the panel meeting of {}",
        long_date(meeting.date)
    );
    let _ = writeln!(out);
    if !meeting.location.trim().is_empty() {
        let _ = writeln!(out, "**Venue:** {}  ", inline(&meeting.location));
    }
    let _ = writeln!(
        out,
        "**Chair:** {}",
        member_with_role(catalog, &meeting.chair)
    );
    let _ = writeln!(out);

    let _ = writeln!(out, "### {PRESENT}");
    let _ = writeln!(out);
    if meeting.present.is_empty() {
        let _ = writeln!(out, "Attendance was not recorded.");
    }
    for id in &meeting.present {
        let _ = writeln!(out, "- {}", member_with_role(catalog, id));
    }
    let _ = writeln!(out);
    match catalog.panel.quorum_check(&meeting.present) {
        Ok(()) => {
            let _ = writeln!(
                out,
                "The meeting was quorate (the quorum is {} members from at least {} agencies).",
                catalog.panel.quorum.min_present, catalog.panel.quorum.min_agencies
            );
        }
        Err(short) if !meeting.present.is_empty() => {
            let _ = writeln!(
                out,
                "**The meeting was not quorate:** {short}. No decision could properly be made."
            );
        }
        Err(_) => {}
    }
    let _ = writeln!(out);
    if !meeting.apologies.is_empty() {
        let _ = writeln!(out, "### {APOLOGIES}");
        let _ = writeln!(out);
        for id in &meeting.apologies {
            let _ = writeln!(out, "- {}", member_with_role(catalog, id));
        }
        let _ = writeln!(out);
    }

    let _ = writeln!(out, "### Declarations of interest");
    let _ = writeln!(out);
    let mut any = false;
    let mut schools: Vec<&SchoolId> = meeting.agenda.iter().map(|i| &i.school).collect();
    schools.dedup();
    for school in schools {
        // Interests on the panel's register (affiliations), then those declared at the meeting.
        let mut interests: Vec<(&MemberId, String)> = catalog
            .panel
            .affiliated_with(school)
            .map(|m| {
                (
                    &m.id,
                    format!(
                        "is affiliated with {} (the panel's register of interests)",
                        school_name(catalog, school)
                    ),
                )
            })
            .collect();
        for c in meeting.conflicts.iter().filter(|c| &c.school == school) {
            let what = format!(
                "declared an interest in {} ({}): {}",
                school_name(catalog, school),
                c.kind.label(),
                inline(c.reason.trim().trim_end_matches('.'))
            );
            match interests.iter_mut().find(|(id, _)| **id == c.member) {
                Some((_, existing)) => *existing = what,
                None => interests.push((&c.member, what)),
            }
        }
        for (id, what) in interests {
            if !meeting.present.contains(id) {
                continue;
            }
            any = true;
            let decided: Vec<&Recorded<'_>> = decisions
                .iter()
                .filter(|d| &d.decision.school == school)
                .collect();
            let took_part = decided
                .iter()
                .any(|d| d.decision.participants.contains(id) || &d.decision.recorder == id);
            let handled = if took_part {
                "**Took part in the decision on that item, which the audit reports.**"
            } else if decided.is_empty() {
                "Was to take no part in the decision on that item."
            } else {
                "Took no part in the decision on that item."
            };
            let _ = writeln!(out, "- **{}** {what}. {handled}", member(catalog, id));
        }
    }
    if !any {
        let _ = writeln!(out, "None were declared or known.");
    }
    let _ = writeln!(out);

    let proceedings = catalog.proceedings.get(&meeting.date);
    if let Some(p) = proceedings {
        how_it_ran(&mut out, catalog, p);
    }

    let _ = writeln!(out, "### Items");
    let _ = writeln!(out);
    if meeting.agenda.is_empty() {
        let _ = writeln!(out, "The agenda was empty.");
        let _ = writeln!(out);
    }
    // In the order taken where the proceedings say it, then whatever the agenda held that
    // was not taken; else in the agenda's order.
    let order: Vec<AgendaItem> = match proceedings {
        Some(p) => {
            let taken: Vec<AgendaItem> = p.items.iter().map(|r| r.item()).collect();
            let rest = meeting
                .agenda
                .iter()
                .filter(|i| !taken.contains(i))
                .cloned();
            let mut all = taken.clone();
            all.extend(rest);
            all
        }
        None => meeting.agenda.clone(),
    };
    for (n, item) in order.iter().enumerate() {
        // A school that has since moved framework had its item under the old one.
        let rubric = catalog.rubric_for_school(&item.school);
        let kind = rubric
            .and_then(|r| catalog.lineage(r).kind(&item.kind))
            .map_or_else(|| inline(item.kind.as_str()), |k| inline(&k.title));
        let _ = writeln!(
            out,
            "#### {}. {}, {} {}",
            n + 1,
            school_name(catalog, &item.school),
            kind.to_lowercase(),
            item.year
        );
        let _ = writeln!(out);
        item_run(
            &mut out,
            catalog,
            meeting,
            item,
            proceedings.and_then(|p| p.items.iter().find(|r| r.item() == *item)),
            proceedings.is_some(),
        );
        let found = decisions.iter().find(|d| {
            d.decision.school == item.school
                && d.decision.year == item.year
                && d.decision.kind == item.kind
        });
        let Some(d) = found else {
            let _ = writeln!(out, "No decision was recorded on this item.");
            let _ = writeln!(out);
            continue;
        };
        if let Some(warning) = changed_paragraph(d) {
            let _ = writeln!(out, "{warning}");
            let _ = writeln!(out);
        }
        // In the words and on the scale of the framework the decision was made under.
        let decided_under = catalog.rubric_for_decision(d.decision);
        let outcome = outcome_words(decided_under, d.decision);
        let _ = writeln!(out, "**Decision:** {outcome}.  ");
        if let Some(grade) = &d.decision.grade {
            let label = decided_under.map_or_else(
                || grade.to_string(),
                |r| crate::model::scores::grade_label(r, grade),
            );
            let moderated = d
                .decision
                .moderation
                .as_ref()
                .map_or_else(String::new, |m| {
                    format!(
                        "; the panel moderated {} because: {}",
                        moderated_scores(m, None),
                        inline(m.reason.trim().trim_end_matches('.'))
                    )
                });
            let _ = writeln!(out, "**Grade awarded:** {}{moderated}.  ", inline(&label));
        }
        let _ = writeln!(
            out,
            "**Taking part:** {}.  ",
            names(catalog, &d.decision.participants)
        );
        let _ = writeln!(
            out,
            "**Recorded by:** {}.",
            member(catalog, &d.decision.recorder)
        );
        if let Some((old, old_outcome)) = corrected(catalog, d.decision) {
            let _ = writeln!(
                out,
                "**Corrects:** the decision recorded before it on this item, {old_outcome} ({}), which it supersedes.",
                code(&old)
            );
        }
        if let Some(reason) = &d.decision.override_reason {
            let _ = writeln!(out);
            let _ = writeln!(
                out,
                "The panel made this decision although a rule of the framework was not met, because: {}",
                inline(reason)
            );
        }
        if !d.decision.conditions.is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "Conditions:");
            let _ = writeln!(out);
            for c in &d.decision.conditions {
                let _ = writeln!(out, "- By {}: {}", long_date(c.due), inline(&c.text));
            }
        }
        if !d.decision.feedback.trim().is_empty() {
            let _ = writeln!(out);
            let _ = writeln!(out, "Feedback to the school:");
            let _ = writeln!(out);
            let _ = writeln!(out, "{}", quoted(&d.decision.feedback));
        }
        let _ = writeln!(out);
        let made_on = d.decision.made_on.as_ref().map_or_else(String::new, |m| {
            format!(", on submission commit `{}`", m.commit.short())
        });
        let _ = writeln!(
            out,
            "*Record: {}, commit {}{made_on}.*",
            code(d.path),
            short(d.commit)
        );
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "*Produced by kitemark from commit `{}` of the panel's repository. The meeting's record is `meetings/{}.ron`, last changed in commit {}.*",
        head.short(),
        meeting.date,
        short(meeting_commit)
    );
    out
}

/// A time of day as minutes say it: `10:05`.
fn clock(t: jiff::civil::Time) -> String {
    t.strftime("%H:%M").to_string()
}

/// Each paragraph of a text from the repository, quoted and made inert.
fn quoted(text: &str) -> String {
    paragraphs(text)
        .split("\n\n")
        .map(|p| format!("> {p}"))
        .collect::<Vec<_>>()
        .join("\n>\n")
}

/// What the proceedings say of the meeting as a whole: when it opened and closed, the items
/// taken together, and the scribe's notes.
fn how_it_ran(out: &mut String, catalog: &Catalog, p: &crate::model::Proceedings) {
    let _ = writeln!(out, "### How the meeting ran");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "The meeting opened at {} and closed at {}. The items are minuted below in the order the panel took them.",
        clock(p.opened),
        clock(p.closed)
    );
    let en_bloc: Vec<String> = p
        .items
        .iter()
        .filter(|r| r.en_bloc)
        .map(|r| school_name(catalog, &r.school))
        .collect();
    if !en_bloc.is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Taken en bloc, with one confirmation, as their reviewers agreed: {}.",
            en_bloc.join("; ")
        );
    }
    if !p.notes.trim().is_empty() {
        let _ = writeln!(out);
        let _ = writeln!(out, "The scribe's notes:");
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", quoted(&p.notes));
    }
    let _ = writeln!(out);
}

/// An item's readers, and with proceedings how it was taken: its times, who left the room and
/// who came back, whether it was taken en bloc, and the notes of its discussion.
fn item_run(
    out: &mut String,
    catalog: &Catalog,
    meeting: &Meeting,
    item: &AgendaItem,
    run: Option<&crate::model::ItemRun>,
    has_proceedings: bool,
) {
    let mut lines = Vec::new();
    if let Some(r) = meeting.readers_of(item) {
        lines.push(format!("**Lead reviewer:** {}.", member(catalog, &r.lead)));
        if let Some(second) = &r.second {
            lines.push(format!("**Second reader:** {}.", member(catalog, second)));
        }
    }
    match run {
        Some(run) => {
            let bloc = if run.en_bloc { ", en bloc" } else { "" };
            lines.push(format!(
                "**Taken:** {} to {}{bloc}.",
                clock(run.started),
                clock(run.ended)
            ));
            if !run.left.is_empty() {
                lines.push(format!("**Left the room:** {}.", names(catalog, &run.left)));
            }
            if !run.returned.is_empty() {
                lines.push(format!(
                    "**Returned to the room:** {}.",
                    names(catalog, &run.returned)
                ));
            }
        }
        None if has_proceedings => lines.push("The item was not taken.".to_owned()),
        None => {}
    }
    if !lines.is_empty() {
        let _ = writeln!(out, "{}", lines.join("  \n"));
        let _ = writeln!(out);
    }
    if let Some(run) = run
        && !run.notes.trim().is_empty()
    {
        let _ = writeln!(out, "Notes of the discussion:");
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", quoted(&run.notes));
        let _ = writeln!(out);
    }
}

/// The panel's scores where they replace the school's, with the school's beside them:
/// `lm-2 2 (the school's 3), ee-1 2 (the school's 3)`.
fn moderated_scores(
    moderation: &crate::model::Moderation,
    review: Option<&crate::model::SelfReview>,
) -> String {
    moderation
        .scores
        .iter()
        .map(|(criterion, points)| {
            let own = review.and_then(|r| {
                r.areas
                    .iter()
                    .find_map(|a| a.scores.get(criterion).copied())
            });
            match own {
                Some(own) => format!(
                    "{} {points} (the school's {own})",
                    inline(criterion.as_str())
                ),
                None => format!("{} {points}", inline(criterion.as_str())),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A graded mark's paragraph of a letter: the grade awarded, the total it stands on, and the
/// scores the panel moderated and why. The total is told only where the self-review as it now
/// stands still earns the grade recorded; the grade itself is always the decision's.
fn grade_paragraph(
    rubric: &crate::model::Rubric,
    d: &Decision,
    review: Option<&crate::model::SelfReview>,
) -> Option<String> {
    let grade = d.grade.as_ref()?;
    let label = inline(&crate::model::scores::grade_label(rubric, grade));
    let sheet = review
        .and_then(|r| crate::model::scores::score_sheet(rubric, r, d.moderation.as_ref()))
        .filter(|s| s.grade.as_ref() == Some(grade));
    let mut out = format!("**Grade awarded: {label}.**");
    match (&d.moderation, &sheet) {
        (None, Some(sheet)) => out.push_str(&format!(
            " Your self-review scored {} of {}, and the panel confirmed your scores.",
            sheet.total, sheet.max
        )),
        (None, None) => out.push_str(" The panel confirmed your scores."),
        (Some(m), _) => {
            out.push_str(&format!(
                " The panel moderated some of your scores ({}) because: {}.",
                moderated_scores(m, review),
                inline(m.reason.trim().trim_end_matches('.'))
            ));
            if let Some(sheet) = &sheet {
                out.push_str(&format!(
                    " As moderated, your scores total {} of {}.",
                    sheet.total, sheet.max
                ));
            }
        }
    }
    Some(out)
}

/// A decision's outcome in the rubric's words (its id where the rubric does not know it),
/// inert for the document.
fn outcome_words(rubric: Option<&crate::model::Rubric>, decision: &Decision) -> String {
    rubric
        .and_then(|r| r.outcome(&decision.kind, &decision.outcome))
        .map_or_else(|| inline(decision.outcome.as_str()), |o| inline(&o.title))
}

/// The decision `decision` corrects, if any: its path and its outcome in words, both made
/// inert for the document.
fn corrected(catalog: &Catalog, decision: &Decision) -> Option<(String, String)> {
    let old = decision.supersedes.as_deref()?;
    let outcome = catalog
        .decisions
        .iter()
        .find(|(path, _)| path == old)
        .map(|(_, d)| outcome_words(catalog.rubric_for_decision(d), d))
        .unwrap_or_else(|| "no longer in the record".to_owned());
    Some((old.to_owned(), outcome))
}

/// A feedback letter to a school about one decision, in the terms of the rubric its
/// submission follows (the one `review`, its self-review, names, else the school's).
pub fn letter(
    catalog: &Catalog,
    recorded: Recorded<'_>,
    review: Option<&crate::model::SelfReview>,
) -> Result<String, ExportError> {
    let d = recorded.decision;
    let school = catalog
        .schools
        .get(&d.school)
        .ok_or_else(|| ExportError::NoSchoolFile {
            school: d.school.clone(),
        })?;
    let rubric = catalog
        .rubric_for_submission(&d.school, review)
        .ok_or_else(|| ExportError::NoRubric {
            school: d.school.clone(),
        })?;
    let kind = rubric.kind(&d.kind);
    let outcome = rubric.outcome(&d.kind, &d.outcome);
    let meeting = catalog.meetings.get(&d.meeting);
    let mut out = String::new();
    // First, so that nobody sends the letter without seeing it.
    if let Some(warning) = changed_paragraph(&recorded) {
        let _ = writeln!(out, "{warning}");
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "**{}**", inline(&catalog.panel.name));
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", long_date(d.meeting));
    let _ = writeln!(out);
    let contact = school.main_contact();
    if let Some(c) = contact {
        let _ = writeln!(out, "{}  ", inline(&c.name));
        let _ = writeln!(out, "{}  ", inline(&c.role));
    }
    let _ = writeln!(out, "{}", inline(&school.name));
    if !school.town.trim().is_empty() {
        let _ = writeln!(out, "{}", inline(&school.town));
    }
    let _ = writeln!(out);
    let salutation = contact.map_or_else(|| "colleague".to_owned(), |c| inline(&c.name));
    let _ = writeln!(out, "Dear {salutation},");
    let _ = writeln!(out);
    let kind_title = kind.map_or_else(|| inline(d.kind.as_str()), |k| inline(&k.title));
    let _ = writeln!(
        out,
        "## {}: {}, {}",
        inline(&rubric.title),
        kind_title.to_lowercase(),
        d.year
    );
    let _ = writeln!(out);
    // A school that asked only for feedback sent its work to learn from the panel, not to be
    // judged: the letter opens by saying so.
    let (year, met) = (d.year, long_date(d.meeting));
    if outcome.is_some_and(|o| o.effect == crate::model::rubric::Effect::Feedback) {
        let _ = writeln!(
            out,
            "Thank you for sending the panel your self-evaluation and action plan for {year} for its developmental feedback. The panel read them at its meeting on {met}."
        );
    } else {
        let _ = writeln!(
            out,
            "Thank you for your self-review and action plan for {year}. The panel considered them at its meeting on {met}."
        );
    }
    let _ = writeln!(out);
    let outcome_title = outcome_words(Some(rubric), d);
    let _ = writeln!(out, "**The panel's decision: {outcome_title}.**");
    if let Some(o) = outcome.filter(|o| !o.description.trim().is_empty()) {
        let _ = writeln!(out, "{}", inline(&o.description));
    }
    if let Some(grade) = grade_paragraph(rubric, d, review) {
        let _ = writeln!(out);
        let _ = writeln!(out, "{grade}");
    }
    if let Some((_, old_outcome)) = corrected(catalog, d) {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "This decision corrects the panel's earlier record of its decision on your submission ({old_outcome}), and replaces any letter about it."
        );
    }
    let _ = writeln!(out);
    if !d.feedback.trim().is_empty() {
        let _ = writeln!(out, "### The panel's feedback");
        let _ = writeln!(out);
        let _ = writeln!(out, "{}", paragraphs(&d.feedback));
        let _ = writeln!(out);
    }
    if !d.areas.is_empty() {
        let _ = writeln!(out, "### Feedback on each area");
        let _ = writeln!(out);
        for a in &d.areas {
            let area = rubric.area(&a.area);
            let title = area.map_or_else(
                || inline(a.area.as_str()),
                |x| {
                    if x.code.is_empty() {
                        inline(&x.title)
                    } else {
                        format!("{} {}", inline(&x.code), inline(&x.title))
                    }
                },
            );
            let judgement = rubric
                .judgement_level(&a.judgement)
                .map_or_else(|| inline(a.judgement.as_str()), |l| inline(&l.label));
            let _ = writeln!(out, "**{title}**: {judgement}.");
            if !a.feedback.trim().is_empty() {
                let _ = writeln!(out, "{}", paragraphs(&a.feedback));
            }
            let _ = writeln!(out);
        }
    }
    if !d.conditions.is_empty() {
        let _ = writeln!(out, "### Conditions");
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "The decision stands on the following conditions. Please send the panel evidence that each has been met by its date."
        );
        let _ = writeln!(out);
        for (n, c) in d.conditions.iter().enumerate() {
            let _ = writeln!(
                out,
                "{}. By {}: {}",
                n + 1,
                long_date(c.due),
                inline(&c.text)
            );
        }
        let _ = writeln!(out);
    }
    earlier_conditions(&mut out, catalog, recorded.path, d);
    let _ = writeln!(out, "### What happens next");
    let _ = writeln!(out);
    // What happens next follows from the decision as recorded, whatever its file says now.
    let mut records = catalog.decision_records(&d.school);
    for record in records.iter_mut().filter(|r| r.path == recorded.path) {
        record.decision = d;
    }
    let next = match outcome.map(|o| &o.effect) {
        Some(Effect::Grant { award, .. }) | Some(Effect::ReviewAccepted { award }) => {
            let lineage = catalog.lineage(rubric);
            award_states(lineage.clone(), &records, d.meeting)
                .into_iter()
                .find(|s| lineage.same_award(&s.award, award))
                .map(|s| {
                    let review = s.next_review_due.map_or_else(
                        || {
                            " Please send a full self-review and action plan for re-accreditation before then.".to_owned()
                        },
                        |due| {
                            format!(
                                " Your next annual review is due by {}: please send an updated action plan showing what has changed since this one.",
                                long_date(due)
                            )
                        },
                    );
                    format!(
                        "{} is held until {}.{review}",
                        inline(&s.title),
                        long_date(s.expires)
                    )
                })
        }
        Some(Effect::Resubmission) => Some(
            "Please revise your self-review and action plan in the light of this feedback and submit them again; the panel will consider them at a later meeting."
                .to_owned(),
        ),
        Some(Effect::NotAwarded) => Some(
            "You are welcome to apply again when you are ready; the panel's feedback above sets out what it would look for."
                .to_owned(),
        ),
        Some(Effect::Feedback) => Some(
            "This feedback is for the school's own development: no award was sought, so none is made or refused. The panel would be glad to see how the school takes it forward in its next self-evaluation."
                .to_owned(),
        ),
        Some(Effect::Withdrawn { .. }) => Some(
            "The award is withdrawn from the date of the meeting. Please remove it from the school's materials."
                .to_owned(),
        ),
        None => None,
    };
    if let Some(next) = next {
        let _ = writeln!(out, "{next}");
        let _ = writeln!(out);
    }
    let _ = writeln!(out, "Yours sincerely,");
    let _ = writeln!(out);
    let signer = meeting.map_or(&d.recorder, |m| &m.chair);
    let _ = writeln!(out, "{}  ", member(catalog, signer));
    let role = if meeting.is_some() {
        "Chair"
    } else {
        "On behalf of"
    };
    let _ = writeln!(out, "{role}, {}", inline(&catalog.panel.name));
    let _ = writeln!(out);
    let _ = writeln!(out, "---");
    let _ = writeln!(out);
    let made_on = d.made_on.as_ref().map_or_else(String::new, |m| {
        format!("; made on submission commit `{}`", m.commit.short())
    });
    let _ = writeln!(
        out,
        "*Reference: {}, recorded in commit {}{made_on}.*",
        code(recorded.path),
        short(recorded.commit)
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_member_listed_twice_is_named_once() {
        let catalog = Catalog {
            panel: crate::model::format::from_ron(include_str!(
                "../../tests/fixtures/base/panel.ron"
            ))
            .unwrap(),
            rubrics: Default::default(),
            schools: Default::default(),
            years: Default::default(),
            meetings: Default::default(),
            decisions: Vec::new(),
            conditions_met: Vec::new(),
            reviews: Vec::new(),
            proceedings: Default::default(),
        };
        let ids: Vec<MemberId> = ["psych", "chair", "psych"]
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        let named = names(&catalog, &ids);
        assert_eq!(named.matches("Cara Psych").count(), 1, "{named}");
    }

    #[test]
    fn text_from_the_repository_cannot_make_markup() {
        assert_eq!(
            text("a < b and <script>x</script>"),
            "a \\< b and \\<script\\>x\\</script\\>"
        );
        assert_eq!(
            text("# Not a heading\n---\n    fine"),
            "\\# Not a heading\n\\---\nfine"
        );
        assert_eq!(text("[x](javascript:y)"), "\\[x\\](javascript\\:y)");
        assert_eq!(
            text("2026. St. Mary's, (Hitchin)"),
            "2026\\. St. Mary's, (Hitchin)"
        );
        assert_eq!(text("12) x\n- y - z"), "12\\) x\n\\- y - z");
        assert_eq!(text("bell\u{7}"), "bell␇");
        assert_eq!(long_date(jiff::civil::date(2026, 10, 4)), "4 October 2026");
    }

    #[test]
    fn code_spans_show_backticks_as_written() {
        assert_eq!(code("decisions/a.ron"), "`decisions/a.ron`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a``"), "``` `a`` ```");
    }
}
