//! Where each kind of file lives in a panel repository (SPEC §2).
//!
//! Paths are parsed into typed values before anything else looks at them, so a path-like or
//! otherwise malformed id is rejected here and never used to build another path.

use std::fmt;

use jiff::civil::Date;

use super::ids::{AcademicYear, KindId, MemberId, RubricId, SchoolId};
use super::problem::Severity;

pub const PANEL_FILE: &str = "panel.ron";
pub const RUBRICS_DIR: &str = "rubrics";
pub const SUBMISSIONS_DIR: &str = "submissions";
pub const MEETINGS_DIR: &str = "meetings";
pub const DECISIONS_DIR: &str = "decisions";
pub const CONDITIONS_DIR: &str = "conditions";
pub const REVIEWS_DIR: &str = "reviews";
pub const PROCEEDINGS_DIR: &str = "proceedings";
pub const SCHOOL_FILE: &str = "school.ron";
pub const SELF_REVIEW_FILE: &str = "self-review.ron";
pub const ACTION_PLAN_FILE: &str = "action-plan.ron";

/// A file of the panel repository, by what it holds. Ordered so that a file is checked after
/// the files it refers to (rubrics, then the panel, schools, submissions, meetings, decisions).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PanelPath {
    Rubric(RubricId),
    Panel,
    School(SchoolId),
    SelfReview(SchoolId, AcademicYear),
    ActionPlan(SchoolId, AcademicYear),
    Meeting(Date),
    Decision(DecisionPath),
    ConditionMet(ConditionPath),
    /// A member's review of an agenda item, written before the meeting.
    Review(ReviewPath),
    /// How a meeting ran, recorded when it closed.
    Proceedings(Date),
}

impl PanelPath {
    /// The school whose folder the file lies in, for a school's files, decisions and met
    /// conditions.
    pub fn school(&self) -> Option<&SchoolId> {
        match self {
            PanelPath::School(s) | PanelPath::SelfReview(s, _) | PanelPath::ActionPlan(s, _) => {
                Some(s)
            }
            PanelPath::Decision(d) => Some(&d.school),
            PanelPath::ConditionMet(c) => Some(&c.decision.school),
            PanelPath::Review(r) => Some(&r.school),
            PanelPath::Rubric(_)
            | PanelPath::Panel
            | PanelPath::Meeting(_)
            | PanelPath::Proceedings(_) => None,
        }
    }
}

/// The parts of a met record's path: the decision whose condition it is, and the condition's
/// number. The decision's file name without `.ron` names the folder, so a condition of a
/// correction (`2025-11-12-initial.2`) has a place of its own.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ConditionPath {
    pub decision: DecisionPath,
    /// The condition's number in the decision, from 1.
    pub number: u32,
}

impl fmt::Display for ConditionPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.decision;
        write!(
            f,
            "{CONDITIONS_DIR}/{}/{}/{}-{}",
            d.school, d.year, d.date, d.kind
        )?;
        if d.version > 1 {
            write!(f, ".{}", d.version)?;
        }
        write!(f, "/{}.ron", self.number)
    }
}

/// The parts of a review's path: the agenda item (school, year, the meeting's date and the
/// item's kind, named as a decision at that meeting would be) and the reviewer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReviewPath {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub meeting: Date,
    pub kind: KindId,
    pub member: MemberId,
}

impl fmt::Display for ReviewPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{REVIEWS_DIR}/{}/{}/{}-{}/{}.ron",
            self.school, self.year, self.meeting, self.kind, self.member
        )
    }
}

/// The parts of a decision file's path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DecisionPath {
    pub school: SchoolId,
    pub year: AcademicYear,
    pub date: Date,
    pub kind: KindId,
    /// 1 for the decision made at the meeting; 2, 3, … for corrections recorded at the same
    /// meeting, each superseding the one before. A correction needs a path of its own because
    /// a decision's file is never edited, and the meeting and kind alone would repeat the
    /// original's; the number is written as `.2` before `.ron`, which no kind id can contain.
    pub version: u32,
}

impl fmt::Display for DecisionPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{DECISIONS_DIR}/{}/{}/{}-{}",
            self.school, self.year, self.date, self.kind
        )?;
        if self.version > 1 {
            write!(f, ".{}", self.version)?;
        }
        f.write_str(".ron")
    }
}

impl fmt::Display for PanelPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PanelPath::Rubric(id) => write!(f, "{RUBRICS_DIR}/{id}.ron"),
            PanelPath::Panel => f.write_str(PANEL_FILE),
            PanelPath::School(id) => write!(f, "{SUBMISSIONS_DIR}/{id}/{SCHOOL_FILE}"),
            PanelPath::SelfReview(id, year) => {
                write!(f, "{SUBMISSIONS_DIR}/{id}/{year}/{SELF_REVIEW_FILE}")
            }
            PanelPath::ActionPlan(id, year) => {
                write!(f, "{SUBMISSIONS_DIR}/{id}/{year}/{ACTION_PLAN_FILE}")
            }
            PanelPath::Meeting(date) => write!(f, "{MEETINGS_DIR}/{date}.ron"),
            PanelPath::Decision(d) => d.fmt(f),
            PanelPath::ConditionMet(c) => c.fmt(f),
            PanelPath::Review(r) => r.fmt(f),
            PanelPath::Proceedings(date) => write!(f, "{PROCEEDINGS_DIR}/{date}.ron"),
        }
    }
}

/// What a path in the repository is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified {
    /// A file kitemark reads.
    File(PanelPath),
    /// A file outside kitemark's concern (a README, `.gitignore`, ...).
    Ignored,
    /// A file where kitemark expects its own files, which it cannot read as one.
    Unexpected { severity: Severity, reason: String },
}

fn unexpected(severity: Severity, reason: impl Into<String>) -> Classified {
    Classified::Unexpected {
        severity,
        reason: reason.into(),
    }
}

/// Classifies a repository path (with `/` separators, relative to the top).
pub fn classify(path: &str) -> Classified {
    let parts: Vec<&str> = path.split('/').collect();
    let Some(name) = parts.last() else {
        return Classified::Ignored;
    };
    // Notes and dotfiles may sit anywhere without being taken for data.
    if name.starts_with('.') || name.ends_with(".md") || name.ends_with(".txt") {
        return Classified::Ignored;
    }
    match parts.as_slice() {
        [PANEL_FILE] => Classified::File(PanelPath::Panel),
        [RUBRICS_DIR, file] => match file.strip_suffix(".ron") {
            Some(stem) => match stem.parse::<RubricId>() {
                Ok(id) => Classified::File(PanelPath::Rubric(id)),
                Err(e) => unexpected(
                    Severity::Error,
                    format!("the file name is not a rubric id: {e}"),
                ),
            },
            None => unexpected(
                Severity::Warning,
                "not a rubric file (rubrics are .ron files); ignored",
            ),
        },
        [SUBMISSIONS_DIR, school, rest @ ..] => classify_submission(school, rest),
        [MEETINGS_DIR, file] => match file.strip_suffix(".ron").map(str::parse::<Date>) {
            Some(Ok(date)) if file.len() == "YYYY-MM-DD.ron".len() => {
                Classified::File(PanelPath::Meeting(date))
            }
            _ => match file.strip_suffix(".ron").and_then(impossible_date) {
                Some(reason) => unexpected(Severity::Error, reason),
                None => unexpected(
                    Severity::Error,
                    "meeting files are named after the meeting's date, as meetings/YYYY-MM-DD.ron",
                ),
            },
        },
        [MEETINGS_DIR, ..] => unexpected(
            Severity::Error,
            "meetings/ holds only meeting files, named meetings/YYYY-MM-DD.ron",
        ),
        [DECISIONS_DIR, school, year, file] => classify_decision(school, year, file),
        [DECISIONS_DIR, ..] => unexpected(
            Severity::Error,
            "decision files live at decisions/<school-id>/<year>/<YYYY-MM-DD>-<kind>.ron",
        ),
        [CONDITIONS_DIR, school, year, stem, file] => classify_condition(school, year, stem, file),
        [CONDITIONS_DIR, ..] => unexpected(
            Severity::Error,
            "records of conditions met live at conditions/<school-id>/<year>/<decision-file-name-without-.ron>/<n>.ron",
        ),
        [REVIEWS_DIR, school, year, stem, file] => classify_review(school, year, stem, file),
        [REVIEWS_DIR, ..] => unexpected(
            Severity::Error,
            "reviews live at reviews/<school-id>/<year>/<YYYY-MM-DD>-<kind>/<member-id>.ron",
        ),
        [PROCEEDINGS_DIR, file] => match file.strip_suffix(".ron").map(str::parse::<Date>) {
            Some(Ok(date)) if file.len() == "YYYY-MM-DD.ron".len() => {
                Classified::File(PanelPath::Proceedings(date))
            }
            _ => match file.strip_suffix(".ron").and_then(impossible_date) {
                Some(reason) => unexpected(Severity::Error, reason),
                None => unexpected(
                    Severity::Error,
                    "proceedings are named after the meeting's date, as proceedings/YYYY-MM-DD.ron",
                ),
            },
        },
        [PROCEEDINGS_DIR, ..] => unexpected(
            Severity::Error,
            "proceedings/ holds only a meeting's proceedings, named proceedings/YYYY-MM-DD.ron",
        ),
        _ => Classified::Ignored,
    }
}

/// A review's folder is named as a first decision at its meeting would be (`<date>-<kind>`),
/// its file after the reviewer.
fn classify_review(school: &str, year: &str, stem: &str, file: &str) -> Classified {
    let decision = match classify_decision(school, year, &format!("{stem}.ron")) {
        Classified::File(PanelPath::Decision(d)) if d.version == 1 => d,
        Classified::File(_) => {
            return unexpected(
                Severity::Error,
                "a review's folder is named <YYYY-MM-DD>-<kind> after the meeting and the item's kind",
            );
        }
        other => return other,
    };
    match file.strip_suffix(".ron").map(str::parse::<MemberId>) {
        Some(Ok(member)) => Classified::File(PanelPath::Review(ReviewPath {
            school: decision.school,
            year: decision.year,
            meeting: decision.date,
            kind: decision.kind,
            member,
        })),
        Some(Err(e)) => unexpected(
            Severity::Error,
            format!("a review is named after its reviewer's member id: {e}"),
        ),
        None => unexpected(
            Severity::Error,
            "a review is a .ron file named after its reviewer (for example jo-bell.ron)",
        ),
    }
}

fn classify_condition(school: &str, year: &str, stem: &str, file: &str) -> Classified {
    let decision = match classify_decision(school, year, &format!("{stem}.ron")) {
        Classified::File(PanelPath::Decision(d)) => d,
        other => return other,
    };
    let number = file
        .strip_suffix(".ron")
        .filter(|n| !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| *n >= 1);
    match number {
        Some(number) => {
            Classified::File(PanelPath::ConditionMet(ConditionPath { decision, number }))
        }
        None => unexpected(
            Severity::Error,
            "a record of a condition met is named after the condition's number, from 1 (for example 1.ron)",
        ),
    }
}

fn classify_submission(school: &str, rest: &[&str]) -> Classified {
    let school: SchoolId = match school.parse() {
        Ok(id) => id,
        Err(e) => {
            return unexpected(
                Severity::Error,
                format!("the folder name is not a school id: {e}"),
            );
        }
    };
    match rest {
        [SCHOOL_FILE] => Classified::File(PanelPath::School(school)),
        [year, file] => {
            let year: AcademicYear = match year.parse() {
                Ok(year) => year,
                Err(e) => {
                    return unexpected(
                        Severity::Error,
                        format!("the folder name is not an academic year: {e}"),
                    );
                }
            };
            match *file {
                SELF_REVIEW_FILE => Classified::File(PanelPath::SelfReview(school, year)),
                ACTION_PLAN_FILE => Classified::File(PanelPath::ActionPlan(school, year)),
                _ => unexpected(
                    Severity::Warning,
                    "not a submission file (self-review.ron or action-plan.ron); ignored",
                ),
            }
        }
        _ => unexpected(
            Severity::Warning,
            "not where kitemark keeps submission files (submissions/<school-id>/<year>/); ignored",
        ),
    }
}

fn classify_decision(school: &str, year: &str, file: &str) -> Classified {
    let school: SchoolId = match school.parse() {
        Ok(id) => id,
        Err(e) => {
            return unexpected(
                Severity::Error,
                format!("the folder name is not a school id: {e}"),
            );
        }
    };
    let year: AcademicYear = match year.parse() {
        Ok(year) => year,
        Err(e) => {
            return unexpected(
                Severity::Error,
                format!("the folder name is not an academic year: {e}"),
            );
        }
    };
    let expected =
        "decision files are named <YYYY-MM-DD>-<kind>.ron (for example 2025-11-12-initial.ron)";
    let Some(stem) = file.strip_suffix(".ron") else {
        return unexpected(Severity::Error, expected);
    };
    if stem.len() < 12 || !stem.is_char_boundary(10) || stem.as_bytes()[10] != b'-' {
        return unexpected(Severity::Error, expected);
    }
    let (date, rest) = (&stem[..10], &stem[11..]);
    let (kind, version) = match rest.split_once('.') {
        None => (rest, Some(1)),
        Some((kind, n)) => (kind, correction_number(n)),
    };
    let Some(version) = version else {
        return unexpected(
            Severity::Error,
            "a correction at the same meeting is named <YYYY-MM-DD>-<kind>.<n>.ron, n from 2 (for example 2025-11-12-initial.2.ron)",
        );
    };
    match (date.parse::<Date>(), kind.parse::<KindId>()) {
        (Ok(date), Ok(kind)) => Classified::File(PanelPath::Decision(DecisionPath {
            school,
            year,
            date,
            kind,
            version,
        })),
        _ => unexpected(
            Severity::Error,
            impossible_date(date).unwrap_or_else(|| expected.to_owned()),
        ),
    }
}

/// The number of a correction recorded at the same meeting as the decision it corrects: 2 or
/// more, written without leading zeros so that each has one name.
fn correction_number(text: &str) -> Option<u32> {
    if text.starts_with('0') || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok().filter(|n| *n >= 2)
}

/// Why `text`, shaped as YYYY-MM-DD, is no date (`2026-02-30`); `None` if it is a date or is
/// not so shaped. "Named after the date, as YYYY-MM-DD" would send someone looking at a name
/// that has that shape already.
fn impossible_date(text: &str) -> Option<String> {
    let shaped = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shaped {
        return None;
    }
    let error = text.parse::<Date>().err()?;
    Some(format!(
        "{text} is not a day of the calendar ({error}); the name must be a real date, as YYYY-MM-DD"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str) -> PanelPath {
        match classify(path) {
            Classified::File(p) => p,
            other => panic!("{path}: {other:?}"),
        }
    }

    #[test]
    fn known_paths_round_trip() {
        for path in [
            "panel.ron",
            "rubrics/hymh-kitemark.ron",
            "submissions/oak-tree/school.ron",
            "submissions/oak-tree/2025-26/self-review.ron",
            "submissions/oak-tree/2025-26/action-plan.ron",
            "meetings/2025-11-12.ron",
            "decisions/oak-tree/2025-26/2025-11-12-annual-review.ron",
            "reviews/oak-tree/2025-26/2025-11-12-initial/jo-bell.ron",
            "proceedings/2025-11-12.ron",
            "decisions/oak-tree/2025-26/2025-11-12-annual-review.2.ron",
            "decisions/oak-tree/2025-26/2025-11-12-annual-review.10.ron",
            "conditions/oak-tree/2025-26/2025-11-12-initial/1.ron",
            "conditions/oak-tree/2025-26/2025-11-12-initial.2/12.ron",
        ] {
            assert_eq!(file(path).to_string(), path);
        }
    }

    #[test]
    fn a_met_record_names_a_decision_and_a_condition_number() {
        let PanelPath::ConditionMet(c) =
            file("conditions/oak-tree/2025-26/2025-11-12-initial.2/3.ron")
        else {
            panic!("not a met record")
        };
        assert_eq!(c.number, 3);
        assert_eq!(
            c.decision.to_string(),
            "decisions/oak-tree/2025-26/2025-11-12-initial.2.ron"
        );
        for bad in [
            "conditions/oak-tree/2025-26/2025-11-12-initial/0.ron",
            "conditions/oak-tree/2025-26/2025-11-12-initial/01.ron",
            "conditions/oak-tree/2025-26/2025-11-12-initial/first.ron",
            "conditions/oak-tree/2025-26/initial/1.ron",
            "conditions/../2025-26/2025-11-12-initial/1.ron",
            "conditions/oak-tree/2025-26/1.ron",
        ] {
            assert!(
                matches!(classify(bad), Classified::Unexpected { .. }),
                "{bad}"
            );
        }
    }

    #[test]
    fn decision_path_parts() {
        let PanelPath::Decision(d) =
            file("decisions/oak-tree/2025-26/2025-11-12-annual-review.ron")
        else {
            panic!("not a decision")
        };
        assert_eq!(d.kind.as_str(), "annual-review");
        assert_eq!(d.date, jiff::civil::date(2025, 11, 12));
        assert_eq!(d.version, 1);
        let PanelPath::Decision(d) =
            file("decisions/oak-tree/2025-26/2025-11-12-annual-review.3.ron")
        else {
            panic!("not a decision")
        };
        assert_eq!((d.kind.as_str(), d.version), ("annual-review", 3));
    }

    #[test]
    fn bad_ids_in_paths_are_errors() {
        for path in [
            "submissions/Oak Tree/school.ron",
            "submissions/oak/2025-27/self-review.ron",
            "submissions/oak/25-26/action-plan.ron",
            "meetings/2025-13-01.ron",
            "meetings/notes/x.ron",
            "decisions/oak/2025-26/initial.ron",
            "decisions/oak/2025-26/2025-11-31-initial.ron",
            "decisions/oak/2025-26/2025-11-12-Initial.ron",
            "decisions/oak/2025-26/extra/2025-11-12-initial.ron",
            "decisions/oak/2025-26/2025-11-12-initial.1.ron",
            "decisions/oak/2025-26/2025-11-12-initial.02.ron",
            "decisions/oak/2025-26/2025-11-12-initial.x.ron",
            "decisions/oak/2025-26/2025-11-12-initial..ron",
            "rubrics/Bad Rubric.ron",
        ] {
            assert!(
                matches!(
                    classify(path),
                    Classified::Unexpected {
                        severity: Severity::Error,
                        ..
                    }
                ),
                "{path}"
            );
        }
    }

    #[test]
    fn an_impossible_date_in_a_file_name_is_called_impossible() {
        for path in [
            "meetings/2026-02-30.ron",
            "decisions/oak/2025-26/2026-02-30-initial.ron",
        ] {
            let Classified::Unexpected { severity, reason } = classify(path) else {
                panic!("{path} was taken")
            };
            assert_eq!(severity, Severity::Error, "{path}");
            assert!(
                reason.contains("2026-02-30 is not a day of the calendar"),
                "{path}: {reason}"
            );
        }
        // A name not shaped as a date is told the shape, as before.
        let Classified::Unexpected { reason, .. } = classify("meetings/next.ron") else {
            panic!("meetings/next.ron was taken")
        };
        assert!(reason.contains("YYYY-MM-DD"), "{reason}");
    }

    #[test]
    fn notes_and_other_files() {
        assert_eq!(classify("README.md"), Classified::Ignored);
        assert_eq!(classify("submissions/oak/README.md"), Classified::Ignored);
        assert_eq!(classify(".gitignore"), Classified::Ignored);
        assert_eq!(classify("docs/guide.ron"), Classified::Ignored);
        assert!(matches!(
            classify("submissions/oak/2025-26/evidence.pdf"),
            Classified::Unexpected {
                severity: Severity::Warning,
                ..
            }
        ));
    }
}
