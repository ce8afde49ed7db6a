//! Two years of a school's submissions compared, read from a snapshot: the one way the
//! command line (`kitemark diff`, every format) and the interface (the submission's count of
//! changes, the comparison screen) compare years, so that they can never disagree. Reading is
//! [`crate::repo`]'s; comparing is [`crate::diff`]'s pure functions; this joins the two under
//! the time budget.

use crate::diff::text::Budget;
use crate::diff::{Comparison, TIME_BUDGET, Year, compare_through};
use crate::model::catalog::Catalog;
use crate::model::{AcademicYear, ActionPlan, SchoolId};
use crate::repo::{PanelRepo, ReadError, Snapshot};

/// Why two years could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("no school {school} in the repository; schools: {known}")]
    NoSchool { school: SchoolId, known: String },
    #[error("{school} has no submission for {year}; years: {years}")]
    NoSubmission {
        school: SchoolId,
        year: AcademicYear,
        years: String,
    },
    #[error("{school} has no submissions yet")]
    NoSubmissions { school: SchoolId },
    #[error("{school} has only one year ({year}); there is nothing to compare it with")]
    OnlyOneYear {
        school: SchoolId,
        year: AcademicYear,
    },
    #[error("the two years to compare are both {year}; choose two different years")]
    SameYear { year: AcademicYear },
    #[error(
        "{earlier} comes after {later}: a comparison runs from an earlier year to a later one; \
         choose a year before {later} to compare from"
    )]
    Reversed {
        earlier: AcademicYear,
        later: AcademicYear,
    },
    #[error(transparent)]
    Read(#[from] ReadError),
}

/// The later side of a comparison.
#[derive(Debug, Clone, Copy)]
pub enum Later<'a> {
    /// A year whose files are read from the snapshot.
    Year(AcademicYear),
    /// A year whose files the caller has already read (the submission screen reads them for
    /// itself): each file is read once, however many uses it has.
    Read(Year<'a>),
}

impl Later<'_> {
    fn year(&self) -> AcademicYear {
        match self {
            Later::Year(year) => *year,
            Later::Read(side) => side.year,
        }
    }
}

/// The years a school has submissions for, in order.
fn years_of(snapshot: &Snapshot, school: &SchoolId) -> Result<Vec<AcademicYear>, CompareError> {
    match snapshot.schools.get(school) {
        Some(files) => Ok(files.years.keys().copied().collect()),
        None => Err(CompareError::NoSchool {
            school: school.clone(),
            known: snapshot
                .schools
                .keys()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

fn list(years: &[AcademicYear]) -> String {
    years
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The years to compare, (earlier, later): `later` defaults to the school's latest year and
/// `earlier` to the one before `later`. Each year given must have a submission.
pub fn years_to_compare(
    snapshot: &Snapshot,
    school: &SchoolId,
    earlier: Option<AcademicYear>,
    later: Option<AcademicYear>,
) -> Result<(AcademicYear, AcademicYear), CompareError> {
    let years = years_of(snapshot, school)?;
    let missing = |year: AcademicYear| CompareError::NoSubmission {
        school: school.clone(),
        year,
        years: list(&years),
    };
    let later = match later {
        Some(year) if !years.contains(&year) => return Err(missing(year)),
        Some(year) => year,
        None => *years.last().ok_or_else(|| CompareError::NoSubmissions {
            school: school.clone(),
        })?,
    };
    let earlier =
        match earlier {
            Some(year) if !years.contains(&year) => return Err(missing(year)),
            Some(year) if year == later => return Err(CompareError::SameYear { year }),
            Some(year) if year > later => {
                return Err(CompareError::Reversed {
                    earlier: year,
                    later,
                });
            }
            Some(year) => year,
            None => *years.iter().rev().find(|y| **y < later).ok_or_else(|| {
                CompareError::OnlyOneYear {
                    school: school.clone(),
                    year: later,
                }
            })?,
        };
    Ok((earlier, later))
}

/// Compares two years of a school's submissions in `snapshot`, within the time budget,
/// against the rubric the later year's self-review names. The action plans of the years
/// between the two are read too, so that what happened to an action in between is told.
pub fn compare_years(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    school: &SchoolId,
    earlier: AcademicYear,
    later: Later<'_>,
) -> Result<Comparison, CompareError> {
    let read = |year: AcademicYear| match snapshot.year(school, year) {
        Some(files) => Ok(repo.year_texts(files)?),
        None => Err(CompareError::NoSubmission {
            school: school.clone(),
            year,
            years: list(&years_of(snapshot, school)?),
        }),
    };
    if earlier == later.year() {
        return Err(CompareError::SameYear { year: earlier });
    }
    if earlier > later.year() {
        return Err(CompareError::Reversed {
            earlier,
            later: later.year(),
        });
    }
    let before = read(earlier)?;
    let mut notes = Vec::new();
    let mut between = Vec::new();
    for year in years_of(snapshot, school)?
        .into_iter()
        .filter(|y| earlier < *y && *y < later.year())
    {
        match repo.action_plan(snapshot, school, year) {
            Ok(Some(plan)) => between.push(plan),
            // A year without a plan tells nothing about actions; the next year's plan is
            // compared with the year before it instead.
            Ok(None) => {}
            Err(error) => notes.push(format!(
                "the {year} action plan could not be read, so what happened to actions that \
                 year is not told: {error}"
            )),
        }
    }
    let between: Vec<&ActionPlan> = between.iter().collect();
    let read_later;
    let after = match later {
        Later::Read(side) => side,
        Later::Year(year) => {
            read_later = read(year)?;
            Year::from_texts(year, read_later.review.as_ref(), read_later.plan.as_ref())
        }
    };
    let mut comparison = compare_through(
        school,
        Year::from_texts(earlier, before.review.as_ref(), before.plan.as_ref()),
        &between,
        after,
        catalog.rubric_for_submission(school, after.review),
        &Budget::new(TIME_BUDGET),
    );
    comparison.notes.extend(notes);
    // Each side's own commit: the years were submitted at different times.
    let commit_of = |year| {
        repo.submission_ref(snapshot, school, year)
            .map(|made_on| made_on.commit)
    };
    comparison.earlier.commit = commit_of(earlier);
    comparison.later.commit = commit_of(later.year());
    Ok(comparison)
}
