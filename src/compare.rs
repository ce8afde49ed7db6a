//! Two years of a school's submissions compared, read from a snapshot: the one way the
//! command line (`kitemark diff`, every format) and the interface (the submission's count of
//! changes, the comparison screen) compare years, so that they can never disagree. Reading is
//! [`crate::repo`]'s; comparing is [`crate::diff`]'s pure functions; this joins the two under
//! the time budget.

use crate::diff::text::Budget;
use crate::diff::{Comparison, TIME_BUDGET, Year, compare, compare_through};
use crate::model::catalog::Catalog;
use crate::model::{AcademicYear, ActionPlan, Decision, SchoolId, SelfReview};
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
    #[error(
        "no decision on {school} {year} yet, so there is no version the panel decided on to \
         compare with; compare years with --from and --to"
    )]
    NoDecision {
        school: SchoolId,
        year: AcademicYear,
    },
    #[error("{path} does not record the submission it was made on (made_on)")]
    DecidedOnNothing { path: String },
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
    let rubric = catalog.rubric_for_submission(school, after.review);
    let earlier_rubric =
        catalog.rubric_for_submission(school, before.review.as_ref().map(|(_, r)| r));
    // Across a change of framework the earlier years are read in the later one's areas.
    let carried = match (rubric, earlier_rubric) {
        (Some(new), Some(old)) if new.id != old.id => crate::diff::carry_over(
            new,
            old,
            before.review.as_ref().map(|(_, r)| r),
            before.plan.as_ref().map(|(_, p)| p),
            &between,
            after.plan,
        )
        .map(|c| (c, old, new)),
        _ => None,
    };
    let mut comparison = match &carried {
        Some((c, _, _)) => {
            let between: Vec<&ActionPlan> = c.between.iter().collect();
            compare_through(
                school,
                Year {
                    year: earlier,
                    review: c.review.as_ref(),
                    plan: c.plan.as_ref(),
                    review_text: before.review.as_ref().map(|(t, _)| t.as_str()),
                    plan_text: before.plan.as_ref().map(|(t, _)| t.as_str()),
                },
                &between,
                after,
                rubric,
                &Budget::new(TIME_BUDGET),
            )
        }
        None => compare_through(
            school,
            Year::from_texts(earlier, before.review.as_ref(), before.plan.as_ref()),
            &between,
            after,
            rubric,
            &Budget::new(TIME_BUDGET),
        ),
    };
    if let Some((c, old, new)) = &carried {
        comparison.carried_over_from(old, new, c);
    }
    comparison.notes.extend(notes);
    // Each side's own commit: the years were submitted at different times.
    let commit_of = |year| {
        repo.submission_ref(
            snapshot,
            school,
            year,
            &catalog.made_on_commits(school, year),
        )
        .map(|made_on| made_on.commit)
    };
    comparison.earlier.commit = commit_of(earlier);
    comparison.later.commit = commit_of(later.year());
    Ok(comparison)
}

/// Compares a school's files for a year (its latest year for `None`) with the version the
/// panel last decided on: the submission named as made on by the latest decision on that
/// school and year. This is how a resubmission is read against the one the panel turned down.
pub fn compare_with_decided(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    school: &SchoolId,
    year: Option<AcademicYear>,
) -> Result<Comparison, CompareError> {
    let years = years_of(snapshot, school)?;
    let year = match year {
        Some(year) => year,
        None => *years.last().ok_or_else(|| CompareError::NoSubmissions {
            school: school.clone(),
        })?,
    };
    let files = snapshot
        .year(school, year)
        .ok_or_else(|| CompareError::NoSubmission {
            school: school.clone(),
            year,
            years: list(&years),
        })?;
    // Decisions come in path order: by date within the year.
    let (path, blob) = snapshot
        .decisions_for(school)
        .filter(|(d, _)| d.year == year)
        .last()
        .ok_or_else(|| CompareError::NoDecision {
            school: school.clone(),
            year,
        })?;
    let decision: Decision = repo.load(blob)?;
    let made_on = decision
        .made_on
        .as_ref()
        .ok_or_else(|| CompareError::DecidedOnNothing {
            path: path.to_string(),
        })?;
    let mut decided_review = None;
    let mut decided_plan = None;
    for file in &made_on.files {
        if file.path.ends_with("/self-review.ron") {
            decided_review = Some(repo.load_object::<SelfReview>(&file.blob, &file.path)?);
        } else if file.path.ends_with("/action-plan.ron") {
            decided_plan = Some(repo.load_object::<ActionPlan>(&file.blob, &file.path)?);
        }
    }
    let current = repo.year_texts(files)?;
    let after = Year::from_texts(year, current.review.as_ref(), current.plan.as_ref());
    let mut comparison = compare(
        school,
        Year::from_texts(year, decided_review.as_ref(), decided_plan.as_ref()),
        after,
        catalog.rubric_for_submission(school, after.review),
        &Budget::new(TIME_BUDGET),
    );
    if files.are_as_made_on(made_on) {
        comparison.notes.push(format!(
            "the files have not changed since the decision of {}",
            decision.meeting
        ));
    }
    comparison.earlier.commit = Some(made_on.commit.clone());
    comparison.earlier.version = Some(format!("as decided on {}", decision.meeting));
    comparison.later.commit = repo
        .submission_ref(
            snapshot,
            school,
            year,
            &catalog.made_on_commits(school, year),
        )
        .map(|made_on| made_on.commit);
    Ok(comparison)
}
