//! Reading the repository away from the UI thread.
//!
//! One worker thread owns the repository. Requests carry a generation number; when several
//! of the same kind are queued only the newest is served, and the app drops any answer whose
//! generation is no longer the one it waits for (gitui's `AsyncSingleJob`). A panic while
//! reading becomes an error message, never a crash of the app.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use jiff::civil::Date;

use super::app::AppEvent;
use super::view::{self, OpenedView, SubmissionView};
use crate::diff::text::Budget;
use crate::diff::{Comparison, TIME_BUDGET, Year, compare};
use crate::model::catalog::Catalog;
use crate::model::format::parse_document;
use crate::model::text::sanitize_inline;
use crate::model::{AcademicYear, ActionPlan, SchoolId, SelfReview};
use crate::repo::{PanelRepo, Snapshot};

/// What the app asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Open the repository at a revision (`None` for HEAD) and compute the lists for `today`.
    Open { rev: Option<String>, today: Date },
    /// One school's submission for one year, from the snapshot last opened.
    Submission {
        school: SchoolId,
        year: AcademicYear,
    },
    /// Two years of a school's submissions compared.
    Diff {
        school: SchoolId,
        earlier: AcademicYear,
        later: AcademicYear,
    },
}

/// Requests that replace each other: only the newest of each kind matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RequestKind {
    Open,
    Submission,
    Diff,
}

impl Request {
    pub fn kind(&self) -> RequestKind {
        match self {
            Request::Open { .. } => RequestKind::Open,
            Request::Submission { .. } => RequestKind::Submission,
            Request::Diff { .. } => RequestKind::Diff,
        }
    }
}

/// What the worker answers.
#[derive(Debug, Clone)]
pub enum Response {
    Opened(Result<Box<OpenedView>, String>),
    Submission(Result<Box<SubmissionView>, String>),
    Diff(Result<Arc<Comparison>, String>),
}

/// An answer with the generation of the request it answers.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub generation: u64,
    pub kind: RequestKind,
    pub response: Response,
}

/// The app's handle on the worker.
#[derive(Debug)]
pub struct Loader {
    requests: Sender<(u64, Request)>,
    next_generation: u64,
}

impl Loader {
    /// Starts the worker for the repository at `path`; answers arrive on `events`.
    pub fn spawn(path: PathBuf, events: Sender<AppEvent>) -> std::io::Result<Loader> {
        let (requests, queue) = channel();
        std::thread::Builder::new()
            .name("kitemark-loader".into())
            .spawn(move || worker(path, queue, events))?;
        Ok(Loader {
            requests,
            next_generation: 1,
        })
    }

    /// Sends a request; returns its generation.
    pub fn request(&mut self, request: Request) -> u64 {
        let generation = self.next_generation;
        self.next_generation += 1;
        // If the worker has gone, the app notices the missing answer; nothing to do here.
        let _ = self.requests.send((generation, request));
        generation
    }
}

struct Worker {
    path: PathBuf,
    repo: Option<PanelRepo>,
    snapshot: Option<(Snapshot, Arc<Catalog>)>,
}

fn worker(path: PathBuf, queue: Receiver<(u64, Request)>, events: Sender<AppEvent>) {
    let mut state = Worker {
        path,
        repo: None,
        snapshot: None,
    };
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        batch.extend(queue.try_iter());
        // Serve only the newest request of each kind, in the order they were asked.
        let mut newest: BTreeMap<RequestKind, u64> = BTreeMap::new();
        for (generation, request) in &batch {
            newest.insert(request.kind(), *generation);
        }
        for (generation, request) in batch {
            let kind = request.kind();
            if newest.get(&kind) != Some(&generation) {
                continue;
            }
            let response =
                catch_unwind(AssertUnwindSafe(|| state.serve(request))).unwrap_or_else(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let message = format!(
                        "internal error while reading the repository: {}",
                        sanitize_inline(&what)
                    );
                    match kind {
                        RequestKind::Open => Response::Opened(Err(message)),
                        RequestKind::Submission => Response::Submission(Err(message)),
                        RequestKind::Diff => Response::Diff(Err(message)),
                    }
                });
            let loaded = Loaded {
                generation,
                kind,
                response,
            };
            if events.send(AppEvent::Loaded(Box::new(loaded))).is_err() {
                return;
            }
        }
    }
}

impl Worker {
    fn repo(&mut self) -> Result<&PanelRepo, String> {
        if self.repo.is_none() {
            self.repo = Some(PanelRepo::open(&self.path).map_err(|e| e.to_string())?);
        }
        self.repo
            .as_ref()
            .ok_or_else(|| "the repository is not open".to_owned())
    }

    fn serve(&mut self, request: Request) -> Response {
        // Error messages can quote repository content; clean them before the UI sees them.
        let clean = |e: String| sanitize_inline(&e).into_owned();
        match request {
            Request::Open { rev, today } => Response::Opened(
                self.open(rev.as_deref(), today)
                    .map(Box::new)
                    .map_err(clean),
            ),
            Request::Submission { school, year } => {
                Response::Submission(self.submission(&school, year).map(Box::new).map_err(clean))
            }
            Request::Diff {
                school,
                earlier,
                later,
            } => Response::Diff(
                self.diff(&school, earlier, later)
                    .map(Arc::new)
                    .map_err(clean),
            ),
        }
    }

    fn open(&mut self, rev: Option<&str>, today: Date) -> Result<OpenedView, String> {
        let repo = self.repo()?;
        let snapshot = repo.snapshot_at(rev).map_err(|e| e.to_string())?;
        let (catalog, errors) = repo.load_catalog(&snapshot).map_err(|e| e.to_string())?;
        let meeting = catalog.current_meeting(today);
        let short = snapshot.commit_id().short().to_owned();
        let header = view::header(&catalog, meeting, snapshot.branch.as_deref(), &short);
        let mut agenda = view::agenda(&catalog, meeting, today);
        // The evidence rules need the agenda items' self-reviews: a handful of files.
        let mut reviews = BTreeMap::new();
        for row in &agenda.rows {
            let key = (row.school.clone(), row.year);
            reviews.entry(key).or_insert_with(|| {
                repo.self_review(&snapshot, &row.school, row.year)
                    .map_err(|e| e.to_string())
            });
        }
        view::with_evidence(&catalog, &mut agenda.rows, &reviews);
        let (schools, school_problems) = view::schools(&catalog, today);
        let problems = errors
            .iter()
            .map(|e| sanitize_inline(&e.to_string()).into_owned())
            .chain(school_problems)
            .collect();
        let catalog = Arc::new(catalog);
        self.snapshot = Some((snapshot, Arc::clone(&catalog)));
        Ok(OpenedView {
            header,
            agenda,
            schools,
            catalog,
            problems,
        })
    }

    fn submission(
        &mut self,
        school: &SchoolId,
        year: AcademicYear,
    ) -> Result<SubmissionView, String> {
        self.repo()?;
        let (Some(repo), Some((snapshot, catalog))) = (self.repo.as_ref(), self.snapshot.as_ref())
        else {
            return Err("the repository is not open".into());
        };
        let review = repo
            .self_review(snapshot, school, year)
            .map_err(|e| e.to_string());
        let plan = repo
            .action_plan(snapshot, school, year)
            .map_err(|e| e.to_string());
        // The comparison with the year before gives each area's count of changes; a
        // problem there must not hide the submission itself.
        let previous = snapshot
            .schools
            .get(school)
            .and_then(|f| f.years.range(..year).next_back().map(|(y, _)| *y));
        let comparison = previous
            .and_then(|earlier| compare_years(repo, snapshot, catalog, school, earlier, year).ok())
            .map(Arc::new);
        Ok(view::submission(
            catalog,
            school,
            year,
            review,
            plan,
            snapshot.commit_id().short(),
            comparison,
        ))
    }

    fn diff(
        &mut self,
        school: &SchoolId,
        earlier: AcademicYear,
        later: AcademicYear,
    ) -> Result<Comparison, String> {
        self.repo()?;
        let (Some(repo), Some((snapshot, catalog))) = (self.repo.as_ref(), self.snapshot.as_ref())
        else {
            return Err("the repository is not open".into());
        };
        compare_years(repo, snapshot, catalog, school, earlier, later)
    }
}

/// One year's files: text (for line numbers) and parsed.
struct YearText {
    review: Option<(String, SelfReview)>,
    plan: Option<(String, ActionPlan)>,
}

fn read_year(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    school: &SchoolId,
    year: AcademicYear,
) -> Result<YearText, String> {
    let files = snapshot
        .year(school, year)
        .ok_or_else(|| format!("{school} has no submission for {year}"))?;
    let read = |blob: &crate::repo::BlobRef| -> Result<String, String> {
        repo.read_text(blob).map_err(|e| e.to_string())
    };
    let position = |blob: &crate::repo::BlobRef, e: crate::model::format::SyntaxError| {
        format!(
            "{}:{}:{}: {}",
            blob.path, e.position.line, e.position.col, e.message
        )
    };
    let review = match &files.self_review {
        Some(blob) => {
            let text = read(blob)?;
            let parsed: SelfReview = parse_document(&text).map_err(|e| position(blob, e))?;
            Some((text, parsed))
        }
        None => None,
    };
    let plan = match &files.action_plan {
        Some(blob) => {
            let text = read(blob)?;
            let parsed: ActionPlan = parse_document(&text).map_err(|e| position(blob, e))?;
            Some((text, parsed))
        }
        None => None,
    };
    Ok(YearText { review, plan })
}

fn year_of(year: AcademicYear, y: &YearText) -> Year<'_> {
    Year {
        year,
        review: y.review.as_ref().map(|(_, r)| r),
        plan: y.plan.as_ref().map(|(_, p)| p),
        review_text: y.review.as_ref().map(|(t, _)| t.as_str()),
        plan_text: y.plan.as_ref().map(|(t, _)| t.as_str()),
    }
}

/// Compares two years of a school's submissions from a snapshot, within the time budget.
fn compare_years(
    repo: &PanelRepo,
    snapshot: &Snapshot,
    catalog: &Catalog,
    school: &SchoolId,
    earlier: AcademicYear,
    later: AcademicYear,
) -> Result<Comparison, String> {
    let (e, l) = (
        read_year(repo, snapshot, school, earlier)?,
        read_year(repo, snapshot, school, later)?,
    );
    let rubric = l
        .review
        .as_ref()
        .and_then(|(_, r)| catalog.rubrics.get(&r.rubric))
        .or_else(|| catalog.rubric_for_school(school));
    Ok(compare(
        school,
        year_of(earlier, &e),
        year_of(later, &l),
        rubric,
        &Budget::new(TIME_BUDGET),
    ))
}
