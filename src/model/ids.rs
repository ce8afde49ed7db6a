//! Identifiers used in the panel repository.
//!
//! Every identifier that can end up in a file path or a commit trailer is checked when it is
//! parsed, so an id that reaches the rest of the program is always safe to use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid identifier of some kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} {value:?} is not valid: {expected}")]
pub struct IdError {
    pub kind: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// The longest id accepted; long enough for any real name, short enough for a path component.
const MAX_ID_LEN: usize = 64;

fn check_id(
    kind: &'static str,
    value: &str,
    allowed: fn(char) -> bool,
    expected: &'static str,
) -> Result<(), IdError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_ID_LEN
        && value.chars().all(allowed)
        && !value.starts_with('-')
        && !value.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(IdError {
            kind,
            value: value.to_owned(),
            expected,
        })
    }
}

/// Each id that appears more than once, in the order of its second appearance, with how
/// many times it appears: once per id however many copies, so that a file with one id a
/// hundred thousand times is one problem.
pub(crate) fn repeated<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<(&'a str, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut order = Vec::new();
    for id in ids {
        let n = counts.entry(id).or_default();
        if *n == 1 {
            order.push(id);
        }
        *n += 1;
    }
    order
        .into_iter()
        .map(|id| (id, counts.get(id).copied().unwrap_or(2)))
        .collect()
}

fn slug_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

fn action_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '.'
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $allowed:expr, $expected:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The id as written in files and paths.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(value: String) -> Result<Self, IdError> {
                check_id($kind, &value, $allowed, $expected)?;
                Ok(Self(value))
            }
        }

        impl FromStr for $name {
            type Err = IdError;
            fn from_str(value: &str) -> Result<Self, IdError> {
                Self::try_from(value.to_owned())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

id_type!(
    /// A school's id: the folder name under `submissions/`.
    SchoolId, "school id", slug_char, "use lower-case letters, digits and '-' only (for example \"oak-tree-primary\")"
);
id_type!(
    /// A panel member's id, as used in meetings and decisions.
    MemberId, "member id", slug_char, "use lower-case letters, digits and '-' only (for example \"j-okafor\")"
);
id_type!(
    /// A rubric's id: the file name under `rubrics/`.
    RubricId, "rubric id", slug_char, "use lower-case letters, digits and '-' only (for example \"hymh-kitemark\")"
);
id_type!(
    /// An area (key area, principle, theme or outcome) of a rubric.
    AreaId, "area id", slug_char, "use lower-case letters, digits and '-' only (for example \"student-voice\")"
);
id_type!(
    /// A level on one of a rubric's scales.
    LevelId, "level id", slug_char, "use lower-case letters, digits and '-' only (for example \"effective\")"
);
id_type!(
    /// A decision kind of a rubric (initial application, annual review, ...).
    KindId, "decision kind", slug_char, "use lower-case letters, digits and '-' only (for example \"annual-review\")"
);
id_type!(
    /// An outcome of a decision kind.
    OutcomeId, "outcome id", slug_char, "use lower-case letters, digits and '-' only (for example \"awarded\")"
);
id_type!(
    /// An award that a rubric's outcomes can grant.
    AwardId, "award id", slug_char, "use lower-case letters, digits and '-' only (for example \"kitemark\")"
);
id_type!(
    /// A scored criterion of a rubric area.
    CriterionId, "criterion id", slug_char, "use lower-case letters, digits and '-' only (for example \"lm-1\")"
);
id_type!(
    /// A stage of a rubric's process (assess, plan, review impact).
    StageId, "stage id", slug_char, "use lower-case letters, digits and '-' only (for example \"assess\")"
);
id_type!(
    /// An evidence or eligibility rule of a rubric.
    RuleId, "rule id", slug_char, "use lower-case letters, digits and '-' only (for example \"award-evidence\")"
);
id_type!(
    /// An action's stable id, carried from one year's plan to the next (for example `LM-3`).
    ActionId, "action id", action_char, "use letters, digits, '-' and '.' only (for example \"LM-3\")"
);

/// An academic year such as `2025-26` (September 2025 to August 2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AcademicYear {
    start: i16,
}

impl AcademicYear {
    /// The academic year that starts in September of `start`.
    pub fn starting(start: i16) -> Option<Self> {
        (1990..=2200).contains(&start).then_some(Self { start })
    }

    /// The calendar year in which this academic year starts.
    pub fn start_year(self) -> i16 {
        self.start
    }

    /// The academic year after this one.
    pub fn next(self) -> Self {
        Self {
            start: self.start + 1,
        }
    }

    /// The academic year before this one.
    pub fn previous(self) -> Self {
        Self {
            start: self.start - 1,
        }
    }

    /// The academic year a date falls in (years turn on 1 September).
    pub fn containing(date: jiff::civil::Date) -> Self {
        let start = if date.month() >= 9 {
            date.year()
        } else {
            date.year() - 1
        };
        Self { start }
    }
}

impl fmt::Display for AcademicYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.start, (self.start + 1).rem_euclid(100))
    }
}

impl FromStr for AcademicYear {
    type Err = IdError;
    fn from_str(value: &str) -> Result<Self, IdError> {
        let err = || IdError {
            kind: "academic year",
            value: value.to_owned(),
            expected: "write it as the starting year, '-', and the last two digits of the next year (for example \"2025-26\")",
        };
        let (first, second) = value.split_once('-').ok_or_else(err)?;
        if first.len() != 4
            || second.len() != 2
            || !first.bytes().all(|b| b.is_ascii_digit())
            || !second.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(err());
        }
        let start: i16 = first.parse().map_err(|_| err())?;
        let end: i16 = second.parse().map_err(|_| err())?;
        if (start + 1).rem_euclid(100) != end {
            return Err(err());
        }
        Self::starting(start).ok_or_else(err)
    }
}

impl TryFrom<String> for AcademicYear {
    type Error = IdError;
    fn try_from(value: String) -> Result<Self, IdError> {
        value.parse()
    }
}

impl From<AcademicYear> for String {
    fn from(year: AcademicYear) -> String {
        year.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn school_ids_accept_slugs_only() {
        assert!("oak-tree-primary".parse::<SchoolId>().is_ok());
        assert!("school2".parse::<SchoolId>().is_ok());
        for bad in [
            "", "Oak", "oak tree", "../etc", "oak/tree", "-oak", "oak-", "oak_tree", "é", ".git",
        ] {
            assert!(
                bad.parse::<SchoolId>().is_err(),
                "{bad:?} should be rejected"
            );
        }
        assert!("a".repeat(65).parse::<SchoolId>().is_err());
    }

    #[test]
    fn action_ids_allow_capitals_and_dots() {
        assert!("LM-3".parse::<ActionId>().is_ok());
        assert!("SV-2.1".parse::<ActionId>().is_ok());
        assert!("LM 3".parse::<ActionId>().is_err());
        assert!("LM/3".parse::<ActionId>().is_err());
    }

    #[test]
    fn academic_years_must_be_consecutive() {
        let year: AcademicYear = "2025-26".parse().unwrap();
        assert_eq!(year.start_year(), 2025);
        assert_eq!(year.to_string(), "2025-26");
        assert_eq!(year.next().to_string(), "2026-27");
        assert_eq!(
            "1999-00"
                .parse::<AcademicYear>()
                .unwrap()
                .next()
                .to_string(),
            "2000-01"
        );
        for bad in [
            "2025-27",
            "2025/26",
            "25-26",
            "2025-2026",
            "2025",
            "abcd-ef",
            "2025-26 ",
        ] {
            assert!(
                bad.parse::<AcademicYear>().is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn academic_year_turns_in_september() {
        let aug = jiff::civil::date(2025, 8, 31);
        let sep = jiff::civil::date(2025, 9, 1);
        assert_eq!(AcademicYear::containing(aug).to_string(), "2024-25");
        assert_eq!(AcademicYear::containing(sep).to_string(), "2025-26");
    }
}
