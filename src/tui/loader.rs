//! Reading the repository away from the UI thread.
//!
//! One worker thread owns the repository. Requests carry a generation number and the address
//! of whoever asked ([`Tag`]); when several of the same kind for the same asker are queued only
//! the newest is served, and the handle drops any answer whose generation is no longer the one
//! awaited (gitui's `AsyncSingleJob`). Answers come back with their tag, so they find their
//! screen without the app keeping note of who waits for what. A panic while reading becomes an
//! error message, never a crash of the app.
//!
//! The History view is answered twice: first from the school's own records, then with the
//! whole history's audit, which takes seconds on a large panel. The worker audits only when
//! no request waits, and a newer History request from the same asker replaces the audit
//! still to do.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, TryRecvError, channel};

use jiff::civil::Date;

use crate::model::MemberId;
use crate::model::draft::{DecisionDraft, MeetingDraft};
use crate::record::inbox::{FileStamp, InboxCache, InboxListing, NotSubmitted, Submitted};
use crate::record::{Plan, Preview};
use crate::repo::{DraftStore, SavedDraft};

use super::tag::{Tag, Target};
use super::view::{self, OpenedView, SubmissionView};
use crate::compare::{Later, compare_years, years_to_compare};
use crate::diff::{Comparison, Year};
use crate::model::catalog::Catalog;
use crate::model::text::sanitize_inline;
use crate::model::{AcademicYear, ActionPlan, SchoolId, SelfReview};
use crate::record::sync::{
    self, Conflict, Fetched, Network, RemoteState, Resolution, SyncError, Synced,
};
use crate::repo::{PanelRepo, Snapshot};

/// What the app asks for.
#[derive(Debug, Clone, PartialEq)]
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
    /// A school's files for a year compared with the version the panel last decided on.
    DiffDecided {
        school: SchoolId,
        year: AcademicYear,
    },
    /// The saved draft for a key, if any (served by the drafts thread).
    LoadDraft { key: String },
    /// What recording a decision would write, and whether the rules allow it.
    PrepareDecision(Box<DecisionDraft>),
    /// Records a decision as one commit on the branch as last read.
    CommitDecision(Box<DecisionDraft>),
    /// What recording a meeting would write.
    PrepareMeeting(Box<MeetingDraft>),
    /// Records a meeting as one commit on the branch as last read.
    CommitMeeting(Box<MeetingDraft>),
    /// Records that a school met a condition, as one commit on the branch as last read.
    CommitConditionMet(Box<crate::record::ConditionMetDraft>),
    /// Records a member's review of an agenda item, as one commit on the branch as last read.
    CommitReview(Box<crate::model::Review>),
    /// The commits that touched a school, with the audit's findings as of `today`: answered
    /// first with the findings of the school's own records, then with the whole audit's
    /// (once, if the whole audit is known already).
    History { school: SchoolId, today: Date },
    /// The files a commit changed, as they were at that commit.
    CommitFiles {
        commit: crate::model::ObjectId,
        files: Vec<crate::model::history::FileChange>,
    },
    /// Writes a document to the export folder, in the format the config file sets.
    Export(ExportJob, crate::export::Format),
    /// The evidence rules of agenda rows, which need their self-reviews, checked against the
    /// snapshot last opened. Asked for after the agenda is shown, so that opening reads no
    /// submission.
    Evidence { rows: Vec<view::AgendaRow> },
    /// Finishes or undoes a recording left half done, as `kitemark repair` does.
    Repair,
    /// The inbox's workbooks, each checked against the snapshot last opened, with the
    /// administrator who would enter them.
    ScanInbox {
        folder: PathBuf,
        entered_by: Option<MemberId>,
    },
    /// Submits a workbook of the inbox, as it was when listed, and moves it to `submitted/`.
    SubmitWorkbook {
        folder: PathBuf,
        name: String,
        seen: FileStamp,
        entered_by: MemberId,
    },
    /// The items of the meeting on `date` that may be confirmed en bloc, recorded by
    /// `recorder`: those whose reviews agree and whose decisions no rule refuses.
    PlanEnBloc { date: Date, recorder: MemberId },
    /// Records `items` of the meeting on `date` en bloc, one commit each.
    RecordEnBloc {
        date: Date,
        items: Vec<crate::model::AgendaItem>,
        recorder: MemberId,
    },
    /// Records how a meeting ran, as one commit by its chair.
    CommitProceedings(Box<crate::model::Proceedings>),
}

/// A document to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportJob {
    Minutes(Date),
    /// A letter about the decision selected: its kind and, where a commit names it, its
    /// file, so that a year with several decisions gives the letter about the one chosen.
    Letter {
        school: SchoolId,
        year: AcademicYear,
        kind: Option<crate::model::KindId>,
        path: Option<String>,
    },
}

/// Requests that replace each other: only the newest of each kind matters. In the order the
/// status line names them when several are awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RequestKind {
    Commit,
    Open,
    Submission,
    LoadDraft,
    Prepare,
    History,
    Export,
    CommitFiles,
    Diff,
    Evidence,
    Repair,
    Inbox,
}

impl RequestKind {
    /// What the app is waiting for, for the status line.
    pub fn doing(self) -> &'static str {
        match self {
            RequestKind::Commit => "Recording",
            RequestKind::Open => "Reading the repository",
            RequestKind::Submission => "Reading the submission",
            RequestKind::LoadDraft => "Looking for a saved draft",
            RequestKind::Prepare => "Checking against the repository",
            RequestKind::History => "Reading the history and auditing it",
            RequestKind::Export => "Writing the document",
            RequestKind::CommitFiles => "Reading the files",
            RequestKind::Diff => "Comparing the years",
            RequestKind::Evidence => "Checking the evidence rules",
            RequestKind::Repair => "Repairing the repository",
            RequestKind::Inbox => "Reading the inbox",
        }
    }

    /// Whether waiting for it goes unsaid: the inbox is read again every few seconds while
    /// it is on screen, and the status line must not flicker each time.
    pub fn quiet(self) -> bool {
        self == RequestKind::Inbox
    }
}

impl Request {
    pub fn kind(&self) -> RequestKind {
        match self {
            Request::Open { .. } => RequestKind::Open,
            Request::Submission { .. } => RequestKind::Submission,
            Request::Diff { .. } | Request::DiffDecided { .. } => RequestKind::Diff,
            Request::LoadDraft { .. } => RequestKind::LoadDraft,
            Request::PrepareDecision(_) | Request::PrepareMeeting(_) => RequestKind::Prepare,
            Request::CommitDecision(_)
            | Request::CommitMeeting(_)
            | Request::CommitConditionMet(_)
            | Request::CommitReview(_) => RequestKind::Commit,
            Request::History { .. } => RequestKind::History,
            Request::CommitFiles { .. } => RequestKind::CommitFiles,
            Request::Export(..) => RequestKind::Export,
            Request::Evidence { .. } => RequestKind::Evidence,
            Request::Repair => RequestKind::Repair,
            Request::ScanInbox { .. } => RequestKind::Inbox,
            Request::SubmitWorkbook { .. } => RequestKind::Commit,
            Request::PlanEnBloc { .. } => RequestKind::Prepare,
            Request::RecordEnBloc { .. } | Request::CommitProceedings(_) => RequestKind::Commit,
        }
    }
}

/// What the worker answers.
#[derive(Debug, Clone)]
pub enum Response {
    /// The agenda and schools of the commit being opened, as kept from the last time it was
    /// opened on the same day: shown while the catalog is read. The same request's
    /// [`Response::Opened`] follows.
    Glance(Box<view::Glance>),
    Opened(Result<Box<OpenedView>, String>),
    Submission(Result<Box<SubmissionView>, String>),
    Diff(Result<Arc<Comparison>, String>),
    Draft(Result<Option<SavedDraft>, String>),
    Prepared(Result<Box<Preview>, String>),
    Committed(Result<Committed, CommitFailure>),
    History(Result<Box<view::HistoryView>, String>),
    CommitFiles(Result<Box<view::CommitFilesView>, String>),
    /// What was written, where, and what the user must know of it (a decision's record
    /// changed after it was made).
    Exported(Result<(String, PathBuf, Vec<String>), String>),
    /// Agenda rows with their evidence rules checked, and the commit they were checked at.
    Evidence(Result<(String, Vec<view::AgendaRow>), String>),
    /// What repairing did, and what needs a person.
    Repaired(Result<crate::repo::Repair, String>),
    Inbox(Result<Box<InboxListing>, String>),
    WorkbookSubmitted(Result<Box<Submitted>, NotSubmitted>),
    /// The items that may be confirmed en bloc.
    EnBlocPlan(Result<Vec<crate::model::AgendaItem>, String>),
    /// Each item of an en-bloc confirmation with its commit, or why it is left to decide.
    EnBlocRecorded(Result<Vec<EnBlocDone>, String>),
    /// A draft was saved (or could not be): not an answer to a request.
    DraftSaved {
        key: String,
        /// The number the app gave the save: newer saves may have replaced older ones.
        seq: u64,
        error: Option<String>,
    },
}

/// A commit written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    pub path: String,
    pub commit: String,
    pub summary: String,
    /// What else the person should know: a write left half done that was finished first,
    /// or what could not be brought up to date after the commit.
    pub notes: Vec<String>,
}

/// What became of one item confirmed en bloc: its commit, or why it was not recorded.
pub type EnBlocDone = (crate::model::AgendaItem, Result<String, String>);

/// Why nothing was recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitFailure {
    pub messages: Vec<String>,
    /// The branch moved since it was read: reload and check again.
    pub moved: bool,
}

/// An answer with the generation and the tag of the request it answers.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub generation: u64,
    pub kind: RequestKind,
    pub tag: Tag,
    pub response: Response,
    /// Another answer to the same request follows (the History view's whole audit, after
    /// the school's own records): the request is still awaited.
    pub follows: bool,
}

/// Work with the remote. It has a thread of its own, so that reading the repository never
/// waits behind the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetRequest {
    /// The remote state, from local refs only.
    State,
    /// Fetch the remote's branch (no change to the local branch).
    Fetch,
    /// Change the branch or the remote: sync, push or finish a sync.
    Job(NetJob),
}

/// What changes the branch or the remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetJob {
    /// Fetch, bring the branch up to date, push.
    Sync,
    /// Push after a recording.
    Push,
    /// Finish a sync stopped by a conflict.
    Finish(Resolution),
}

/// Why a sync, fetch or push did not finish, as the interface shows it: messages made safe
/// for the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProblem {
    NoRemote,
    /// The remote could not be reached, or did not answer in time.
    Offline(String),
    NeedsCredentials(String),
    Rejected(String),
    Conflict(Conflict),
    Other(String),
}

impl From<SyncError> for SyncProblem {
    fn from(e: SyncError) -> SyncProblem {
        let clean = |m: &str| sanitize_inline(m).into_owned();
        match e {
            SyncError::NoRemote => SyncProblem::NoRemote,
            SyncError::Offline { message } => SyncProblem::Offline(clean(&message)),
            e @ SyncError::TimedOut { .. } => SyncProblem::Offline(clean(&e.to_string())),
            SyncError::NeedsCredentials { message } => {
                SyncProblem::NeedsCredentials(clean(&message))
            }
            SyncError::Rejected { message } => SyncProblem::Rejected(clean(&message)),
            SyncError::Conflict(conflict) => SyncProblem::Conflict(conflict),
            e @ SyncError::Repo(_) => SyncProblem::Other(clean(&e.to_string())),
            SyncError::Other(message) => SyncProblem::Other(clean(&message)),
        }
    }
}

impl std::fmt::Display for SyncProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncProblem::NoRemote => {
                f.write_str("the repository has no remote to sync with (git remote add origin URL)")
            }
            SyncProblem::Offline(m) => write!(f, "offline: {m}"),
            SyncProblem::NeedsCredentials(m) => write!(f, "the remote needs credentials: {m}"),
            SyncProblem::Rejected(m) => write!(f, "the remote refused: {m}"),
            SyncProblem::Conflict(_) => {
                f.write_str("both sides changed the same file; nothing was changed")
            }
            SyncProblem::Other(m) => f.write_str(m),
        }
    }
}

/// What the network thread answers. Not tied to a generation: each answer is news, and the
/// app keeps note of what it is waiting for.
#[derive(Debug, Clone)]
pub enum NetAnswer {
    State(Result<Option<RemoteState>, String>),
    Fetched(Result<Fetched, SyncProblem>),
    Done(NetJob, Result<Synced, SyncProblem>),
}

/// Runs one piece of network work: on the network thread, and on the UI thread when the
/// interface has suspended itself so that git may ask at the terminal.
pub fn run_network(path: &std::path::Path, request: NetRequest, net: &Network) -> NetAnswer {
    let repo = PanelRepo::open(path).map_err(|e| sanitize_inline(&e.to_string()).into_owned());
    let job = |f: &dyn Fn(&PanelRepo) -> Result<Synced, SyncError>| match &repo {
        Ok(repo) => f(repo).map_err(SyncProblem::from),
        Err(e) => Err(SyncProblem::Other(e.clone())),
    };
    match request {
        NetRequest::State => NetAnswer::State(repo.and_then(|repo| {
            sync::remote_state(&repo).map_err(|e| sanitize_inline(&e.to_string()).into_owned())
        })),
        NetRequest::Fetch => NetAnswer::Fetched(match &repo {
            Ok(repo) => sync::fetch(repo, net).map_err(SyncProblem::from),
            Err(e) => Err(SyncProblem::Other(e.clone())),
        }),
        NetRequest::Job(which) => NetAnswer::Done(
            which,
            match which {
                NetJob::Sync => job(&|repo| sync::sync(repo, net)),
                NetJob::Push => job(&|repo| sync::push(repo, net)),
                NetJob::Finish(how) => job(&|repo| sync::finish(repo, net, how)),
            },
        ),
    }
}

fn network_worker<E: From<NetAnswer>>(
    path: PathBuf,
    queue: Receiver<(NetRequest, Network)>,
    events: Sender<E>,
) {
    while let Ok((request, net)) = queue.recv() {
        let answer = catch_unwind(AssertUnwindSafe(|| run_network(&path, request, &net)))
            .unwrap_or_else(|panic| {
                let message = format!(
                    "internal error while working with the remote: {}",
                    panic_text(panic.as_ref())
                );
                match request {
                    NetRequest::State => NetAnswer::State(Err(message)),
                    NetRequest::Fetch => NetAnswer::Fetched(Err(SyncProblem::Other(message))),
                    NetRequest::Job(job) => NetAnswer::Done(job, Err(SyncProblem::Other(message))),
                }
            });
        if events.send(E::from(answer)).is_err() {
            return;
        }
    }
}

/// The app's handle on the worker.
#[derive(Debug)]
pub struct Loader {
    requests: Sender<(u64, Tag, Request)>,
    network: Sender<(NetRequest, Network)>,
    drafts: Option<Sender<DraftJob>>,
    drafts_thread: Option<std::thread::JoinHandle<()>>,
    next_generation: u64,
    /// The newest request of each kind for each asker, whose answer is awaited.
    awaited: BTreeMap<(RequestKind, Target), u64>,
}

/// Work for the drafts thread, served in order.
#[derive(Debug)]
enum DraftJob {
    Save {
        tag: Tag,
        key: String,
        text: String,
        seq: u64,
    },
    Delete {
        tag: Tag,
        key: String,
    },
    Load {
        generation: u64,
        tag: Tag,
        key: String,
    },
}

impl Loader {
    /// Starts the worker for the repository at `path`; answers arrive on `events` as whatever
    /// event the receiver makes of them.
    pub fn spawn<E>(path: PathBuf, events: Sender<E>) -> std::io::Result<Loader>
    where
        E: From<Loaded> + From<NetAnswer> + Send + 'static,
    {
        let (requests, queue) = channel();
        let (drafts, draft_queue) = channel();
        let (network, network_queue) = channel();
        let draft_events = events.clone();
        let draft_path = path.clone();
        let network_events = events.clone();
        let network_path = path.clone();
        std::thread::Builder::new()
            .name("kitemark-network".into())
            .spawn(move || network_worker(network_path, network_queue, network_events))?;
        std::thread::Builder::new()
            .name("kitemark-loader".into())
            .spawn(move || worker(path, queue, events))?;
        // Drafts have a thread of their own so that saving never waits behind a slow read.
        let drafts_thread = std::thread::Builder::new()
            .name("kitemark-drafts".into())
            .spawn(move || draft_worker(draft_path, draft_queue, draft_events))?;
        Ok(Loader {
            requests,
            network,
            drafts: Some(drafts),
            drafts_thread: Some(drafts_thread),
            next_generation: 1,
            awaited: BTreeMap::new(),
        })
    }

    /// Sends a request on behalf of `tag`; its answer replaces any still awaited of the same
    /// kind for the same asker. Returns its generation.
    pub fn request(&mut self, tag: Tag, request: Request) -> u64 {
        let generation = self.next_generation;
        self.next_generation += 1;
        self.awaited.insert((request.kind(), tag.to), generation);
        // If a worker has gone, the app notices the missing answer; nothing to do here.
        match request {
            Request::LoadDraft { key } => {
                self.send_draft_job(DraftJob::Load {
                    generation,
                    tag,
                    key,
                });
            }
            request => {
                let _ = self.requests.send((generation, tag, request));
            }
        }
        generation
    }

    /// Asks the network thread; its answer arrives as a [`NetAnswer`].
    pub fn network(&self, request: NetRequest, net: Network) {
        let _ = self.network.send((request, net));
    }

    /// Whether an answer is still what its asker waits for (and it waits no more), or stale.
    /// Saves answer no request and always pass: they only say how saving went.
    pub fn accept(&mut self, loaded: &Loaded) -> bool {
        if matches!(loaded.response, Response::DraftSaved { .. }) {
            return true;
        }
        let key = (loaded.kind, loaded.tag.to);
        if self.awaited.get(&key) != Some(&loaded.generation) {
            return false;
        }
        if !loaded.follows {
            self.awaited.remove(&key);
        }
        true
    }

    /// Stops waiting for the answer of a kind for an asker (it was found another way).
    pub fn forget(&mut self, kind: RequestKind, to: Target) {
        self.awaited.remove(&(kind, to));
    }

    /// Whether any answer is awaited.
    pub fn is_busy(&self) -> bool {
        !self.awaited.is_empty()
    }

    /// Whether an answer of a kind is awaited by an asker.
    pub fn awaits(&self, kind: RequestKind, to: Target) -> bool {
        self.awaited.contains_key(&(kind, to))
    }

    /// What is being waited for, for the status line: the first kind in [`RequestKind`]'s
    /// order.
    pub fn doing(&self) -> Option<&'static str> {
        self.awaited
            .keys()
            .map(|(kind, _)| *kind)
            .filter(|kind| !kind.quiet())
            .min()
            .map(RequestKind::doing)
    }

    /// Saves a draft in the background; how it went comes back to `tag` as
    /// [`Response::DraftSaved`] with the number returned here.
    pub fn save_draft(&mut self, tag: Tag, key: String, text: String) -> u64 {
        let seq = self.next_generation;
        self.next_generation += 1;
        self.send_draft_job(DraftJob::Save {
            tag,
            key,
            text,
            seq,
        });
        seq
    }

    /// Removes a draft, after any save of it already asked for; a failure goes to `tag`.
    pub fn delete_draft(&self, tag: Tag, key: String) {
        self.send_draft_job(DraftJob::Delete { tag, key });
    }

    fn send_draft_job(&self, job: DraftJob) {
        if let Some(drafts) = &self.drafts {
            let _ = drafts.send(job);
        }
    }

    /// Lets the drafts thread finish what it was asked (a last save, a removal after a
    /// commit) before the program ends.
    pub fn finish(&mut self) {
        self.drafts = None;
        if let Some(thread) = self.drafts_thread.take() {
            let _ = thread.join();
        }
    }
}

fn draft_worker<E: From<Loaded>>(path: PathBuf, queue: Receiver<DraftJob>, events: Sender<E>) {
    let store: Result<DraftStore, String> =
        DraftStore::of_repository(&path).map_err(|e| e.to_string());
    let send = |generation: u64, tag: Tag, response: Response| {
        events
            .send(E::from(Loaded {
                generation,
                kind: RequestKind::LoadDraft,
                tag,
                response,
                follows: false,
            }))
            .is_ok()
    };
    while let Ok(first) = queue.recv() {
        let mut batch = vec![first];
        batch.extend(queue.try_iter());
        for (i, job) in batch.iter().enumerate() {
            // A save followed in the same batch by another save or a removal of the same
            // draft is already out of date.
            let superseded = |key: &str| {
                batch[i + 1..].iter().any(|later| match later {
                    DraftJob::Save { key: k, .. } | DraftJob::Delete { key: k, .. } => k == key,
                    DraftJob::Load { .. } => false,
                })
            };
            let alive = match job {
                DraftJob::Save {
                    tag,
                    key,
                    text,
                    seq,
                } => {
                    if superseded(key) {
                        continue;
                    }
                    let error = match &store {
                        Ok(store) => store.save(key, text).err().map(|e| e.to_string()),
                        Err(e) => Some(e.clone()),
                    };
                    let key = key.clone();
                    let seq = *seq;
                    send(0, *tag, Response::DraftSaved { key, seq, error })
                }
                DraftJob::Delete { tag, key } => {
                    let error = match &store {
                        Ok(store) => store.delete(key).err().map(|e| e.to_string()),
                        Err(e) => Some(e.clone()),
                    };
                    match error {
                        Some(error) => send(
                            0,
                            *tag,
                            Response::DraftSaved {
                                key: key.clone(),
                                seq: 0,
                                error: Some(error),
                            },
                        ),
                        None => true,
                    }
                }
                DraftJob::Load {
                    generation,
                    tag,
                    key,
                } => {
                    let result = match &store {
                        Ok(store) => store.load(key).map_err(|e| e.to_string()),
                        Err(e) => Err(e.clone()),
                    };
                    send(*generation, *tag, Response::Draft(result))
                }
            };
            if !alive {
                return;
            }
        }
    }
}

struct Worker {
    path: PathBuf,
    repo: Option<PanelRepo>,
    /// Shared with the whole audit left to do, which is of the history up to it.
    snapshot: Option<(Arc<Snapshot>, Arc<Catalog>)>,
    /// The day the interface was opened as (its `--on`, or the clock): what recording
    /// checks a decision's meeting against.
    today: Option<Date>,
    /// What could not be read of the snapshot's catalog, for the audit.
    unreadable: Vec<String>,
    /// The whole history's audit, by the commit it ends at and the day it is as of: made
    /// once, whichever school's history asks for it first.
    audit: Option<(crate::model::ObjectId, Date, Arc<crate::audit::Report>)>,
    /// The whole audit a History answer just served leaves to do.
    audit_next: Option<AuditWork>,
    /// The inbox's workbooks as last read, so that a workbook is read again only when it
    /// changed.
    inbox: InboxCache,
}

fn worker<E: From<Loaded>>(path: PathBuf, queue: Receiver<(u64, Tag, Request)>, events: Sender<E>) {
    let mut state = Worker {
        path,
        repo: None,
        snapshot: None,
        today: None,
        unreadable: Vec::new(),
        audit: None,
        audit_next: None,
        inbox: InboxCache::default(),
    };
    // The History view's whole audit, left until no request waits. One thread does it, as
    // the rest: memory a thread frees is reused by that thread, and an audit on a thread of
    // its own held a second arena of tens of megabytes.
    let mut deferred: Option<AuditJob> = None;
    loop {
        let first = if deferred.is_some() {
            match queue.try_recv() {
                Ok(first) => Some(first),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match queue.recv() {
                Ok(first) => Some(first),
                Err(_) => return,
            }
        };
        let Some(first) = first else {
            if let Some(job) = deferred.take() {
                let answer = catch_unwind(AssertUnwindSafe(|| state.whole_audit(&job)))
                    .unwrap_or_else(|panic| {
                        job.answer(Err(format!(
                            "internal error while auditing: {}",
                            panic_text(panic.as_ref())
                        )))
                    });
                if events.send(E::from(answer)).is_err() {
                    return;
                }
            }
            continue;
        };
        let mut batch = vec![first];
        batch.extend(queue.try_iter());
        // Serve only the newest request of each kind for each asker, in the order they were
        // asked.
        let mut newest: BTreeMap<(RequestKind, Target), u64> = BTreeMap::new();
        for (generation, tag, request) in &batch {
            newest.insert((request.kind(), tag.to), *generation);
        }
        // A newer History request from the same asker makes a whole audit still to do stale:
        // it leaves one of its own.
        if deferred
            .as_ref()
            .is_some_and(|job| newest.contains_key(&(RequestKind::History, job.tag.to)))
        {
            deferred = None;
        }
        for (generation, tag, request) in batch {
            let kind = request.kind();
            if newest.get(&(kind, tag.to)) != Some(&generation) {
                continue;
            }
            state.audit_next = None;
            // What a request has to show before its answer (a glance of the repository):
            // the answer follows it.
            let early = |response: Response| {
                let _ = events.send(E::from(Loaded {
                    generation,
                    kind,
                    tag,
                    response,
                    follows: true,
                }));
            };
            let response = catch_unwind(AssertUnwindSafe(|| state.serve(request, &early)))
                .unwrap_or_else(|panic| {
                    let message = format!(
                        "internal error while reading the repository: {}",
                        panic_text(panic.as_ref())
                    );
                    match kind {
                        RequestKind::Open => Response::Opened(Err(message)),
                        RequestKind::Submission => Response::Submission(Err(message)),
                        RequestKind::Diff => Response::Diff(Err(message)),
                        RequestKind::LoadDraft => Response::Draft(Err(message)),
                        RequestKind::Prepare => Response::Prepared(Err(message)),
                        RequestKind::Commit => Response::Committed(Err(CommitFailure {
                            messages: vec![message],
                            moved: false,
                        })),
                        RequestKind::History => Response::History(Err(message)),
                        RequestKind::CommitFiles => Response::CommitFiles(Err(message)),
                        RequestKind::Export => Response::Exported(Err(message)),
                        RequestKind::Evidence => Response::Evidence(Err(message)),
                        RequestKind::Repair => Response::Repaired(Err(message)),
                        RequestKind::Inbox => Response::Inbox(Err(message)),
                    }
                });
            let job = state.audit_next.take().map(|work| AuditJob {
                generation,
                tag,
                work,
            });
            let loaded = Loaded {
                generation,
                kind,
                tag,
                response,
                follows: job.is_some(),
            };
            if events.send(E::from(loaded)).is_err() {
                return;
            }
            if job.is_some() {
                deferred = job;
            }
        }
    }
}

/// What the whole audit needs to answer a History request a second time: the snapshot the
/// school's records were read at, and the school's commits, which it shows again.
#[derive(Debug)]
struct AuditWork {
    snapshot: Arc<Snapshot>,
    catalog: Arc<Catalog>,
    unreadable: Vec<String>,
    school: SchoolId,
    today: Date,
    commits: Vec<crate::model::history::CommitInfo>,
}

/// A History request's second answer, to make.
#[derive(Debug)]
struct AuditJob {
    generation: u64,
    tag: Tag,
    work: AuditWork,
}

impl AuditJob {
    /// The History view again, with the whole audit's findings (or why there are none).
    fn answer(&self, report: Result<&crate::audit::Report, String>) -> Loaded {
        let w = &self.work;
        let view = view::history(
            &w.catalog,
            &w.school,
            w.snapshot.commit_id().short(),
            w.commits.clone(),
            report,
            view::Audited::Whole,
        );
        Loaded {
            generation: self.generation,
            kind: RequestKind::History,
            tag: self.tag,
            response: Response::History(Ok(Box::new(view))),
            follows: false,
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

    /// The repository and the snapshot last opened, with its catalog.
    fn opened(&self) -> Result<(&PanelRepo, &Snapshot, &Arc<Catalog>), String> {
        match (&self.repo, &self.snapshot) {
            (Some(repo), Some((snapshot, catalog))) => Ok((repo, &**snapshot, catalog)),
            _ => Err("the repository is not open".into()),
        }
    }

    fn serve(&mut self, request: Request, early: &dyn Fn(Response)) -> Response {
        // Error messages can quote repository content; clean them before the UI sees them.
        let clean = |e: String| sanitize_inline(&e).into_owned();
        match request {
            Request::Open { rev, today } => Response::Opened(
                self.open(rev.as_deref(), today, early)
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
            Request::DiffDecided { school, year } => Response::Diff(
                self.opened()
                    .and_then(|(repo, snapshot, catalog)| {
                        crate::compare::compare_with_decided(
                            repo,
                            snapshot,
                            catalog,
                            &school,
                            Some(year),
                        )
                        .map_err(|e| e.to_string())
                    })
                    .map(Arc::new)
                    .map_err(clean),
            ),
            // Served by the drafts thread; never sent here.
            Request::LoadDraft { .. } => Response::Draft(Ok(None)),
            Request::PrepareDecision(draft) => Response::Prepared(
                self.prepare(|ctx| crate::record::prepare_decision(ctx, &draft))
                    .map(|plan| Box::new(plan.preview()))
                    .map_err(clean),
            ),
            Request::PrepareMeeting(meeting) => Response::Prepared(
                self.prepare(|ctx| crate::record::prepare_meeting(ctx, &meeting))
                    .map(|plan| Box::new(plan.preview()))
                    .map_err(clean),
            ),
            Request::CommitDecision(draft) => Response::Committed(
                self.prepare_and_commit(|ctx| crate::record::prepare_decision(ctx, &draft)),
            ),
            Request::History { school, today } => {
                Response::History(self.history(&school, today).map(Box::new).map_err(clean))
            }
            Request::CommitFiles { commit, files } => Response::CommitFiles(
                self.commit_files(commit, &files)
                    .map(Box::new)
                    .map_err(clean),
            ),
            Request::Export(job, format) => {
                Response::Exported(self.export(job, format).map_err(clean))
            }
            Request::Evidence { rows } => Response::Evidence(self.evidence(rows).map_err(clean)),
            Request::Repair => Response::Repaired(
                self.repo()
                    .and_then(|repo| repo.repair(false).map_err(|e| e.to_string()))
                    .map(|r| crate::repo::Repair {
                        done: r.done.iter().map(|d| clean(d.clone())).collect(),
                        attention: r.attention.iter().map(|d| clean(d.clone())).collect(),
                    })
                    .map_err(clean),
            ),
            Request::ScanInbox { folder, entered_by } => {
                Response::Inbox(match (&self.repo, &self.snapshot) {
                    (Some(repo), Some((snapshot, catalog))) => crate::record::inbox::scan(
                        repo,
                        snapshot,
                        catalog,
                        &folder,
                        entered_by.as_ref(),
                        &mut self.inbox,
                    )
                    .map(Box::new)
                    .map_err(clean),
                    _ => Err("the repository is not open".into()),
                })
            }
            Request::SubmitWorkbook {
                folder,
                name,
                seen,
                entered_by,
            } => Response::WorkbookSubmitted(match self.repo() {
                Ok(repo) => crate::record::inbox::submit(repo, &folder, &name, seen, &entered_by)
                    .map(Box::new),
                Err(e) => Err(NotSubmitted(vec![clean(e)])),
            }),
            Request::CommitMeeting(meeting) => Response::Committed(
                self.prepare_and_commit(|ctx| crate::record::prepare_meeting(ctx, &meeting)),
            ),
            Request::PlanEnBloc { date, recorder } => {
                Response::EnBlocPlan(self.plan_en_bloc(date, &recorder).map_err(clean))
            }
            Request::RecordEnBloc {
                date,
                items,
                recorder,
            } => Response::EnBlocRecorded(
                self.record_en_bloc(date, &items, &recorder).map_err(clean),
            ),
            Request::CommitProceedings(proceedings) => {
                Response::Committed(self.prepare_and_commit(|ctx| {
                    crate::record::prepare_proceedings(ctx, &proceedings)
                }))
            }
            Request::CommitConditionMet(draft) => Response::Committed(
                self.prepare_and_commit(|ctx| crate::record::prepare_condition_met(ctx, &draft)),
            ),
            Request::CommitReview(review) => Response::Committed(
                self.prepare_and_commit(|ctx| crate::record::prepare_review(ctx, &review)),
            ),
        }
    }

    /// The items of a meeting to propose en bloc, checked by the recording service.
    fn plan_en_bloc(
        &self,
        date: Date,
        recorder: &MemberId,
    ) -> Result<Vec<crate::model::AgendaItem>, String> {
        self.prepare(|ctx| {
            crate::record::enbloc::plan_en_bloc(ctx, date, recorder)
                .into_iter()
                .map(|(item, _)| item)
                .collect()
        })
    }

    /// Records items en bloc under one write lock, one commit each.
    fn record_en_bloc(
        &mut self,
        date: Date,
        items: &[crate::model::AgendaItem],
        recorder: &MemberId,
    ) -> Result<Vec<EnBlocDone>, String> {
        let today = self.today.ok_or("the repository has not been read yet")?;
        let repo = self.repo()?;
        let lock = repo
            .lock_for_writing(crate::repo::write::LOCK_WAIT)
            .map_err(|e| e.to_string())?;
        let done =
            crate::record::enbloc::record_en_bloc(repo, &lock, date, items, recorder, today, false)
                .map_err(|e| e.to_string())?;
        let clean = |e: String| sanitize_inline(&e).into_owned();
        Ok(done
            .into_iter()
            .map(|d| {
                let result = match d.result {
                    Ok(recorded) => Ok(recorded.commit.short().to_owned()),
                    Err(crate::record::NotRecorded::Refused(problems)) => {
                        Err(clean(problems.join("; ")))
                    }
                    Err(e) => Err(clean(e.to_string())),
                };
                (d.item, result)
            })
            .collect())
    }

    /// A draft checked against the snapshot on screen by the recording service, with the file
    /// and commit that would record it.
    fn prepare<T>(&self, plan: impl FnOnce(crate::record::Context) -> T) -> Result<T, String> {
        let (repo, snapshot, catalog) = self.opened()?;
        Ok(plan(crate::record::Context {
            repo,
            snapshot,
            catalog,
            // The interface owns the terminal: a key that needs a passphrase must be in an
            // agent.
            interactive: false,
            today: self.today.ok_or("the repository has not been read yet")?,
        }))
    }

    /// Prepares a commit against the snapshot on screen and writes it if the rules allow it.
    fn prepare_and_commit(
        &mut self,
        plan: impl FnOnce(crate::record::Context) -> Plan,
    ) -> Result<Committed, CommitFailure> {
        match self.prepare(plan) {
            Ok(plan) => self.commit(&plan),
            Err(e) => Err(CommitFailure {
                messages: vec![sanitize_inline(&e).into_owned()],
                moved: false,
            }),
        }
    }

    /// Writes a prepared commit on the branch as last read, if the rules allow it.
    fn commit(&mut self, plan: &Plan) -> Result<Committed, CommitFailure> {
        let fail = |messages: Vec<String>| CommitFailure {
            messages: messages
                .iter()
                .map(|m| sanitize_inline(m).into_owned())
                .collect(),
            moved: false,
        };
        if !plan.may_record() {
            return Err(fail(plan.problems()));
        }
        let Some(repo) = self.repo.as_ref() else {
            return Err(fail(vec!["the repository is not open".into()]));
        };
        let lock = repo
            .lock_for_writing(crate::repo::write::LOCK_WAIT)
            .map_err(|e| fail(vec![e.to_string()]))?;
        let summary = plan.message.lines().next().unwrap_or_default();
        let mut notes: Vec<String> = lock
            .repaired
            .iter()
            .map(|r| sanitize_inline(r).into_owned())
            .collect();
        match crate::record::commit(repo, &lock, plan) {
            Ok(recorded) => {
                notes.extend(
                    recorded
                        .notes
                        .iter()
                        .map(|u| sanitize_inline(u).into_owned()),
                );
                Ok(Committed {
                    path: sanitize_inline(plan.path()).into_owned(),
                    commit: recorded.commit.short().to_owned(),
                    summary: sanitize_inline(summary).into_owned(),
                    notes,
                })
            }
            Err(crate::record::NotRecorded::Refused(problems)) => Err(fail(problems)),
            Err(e) => Err(CommitFailure {
                moved: e.moved(),
                messages: vec![sanitize_inline(&e.to_string()).into_owned()],
            }),
        }
    }

    /// A school's history with the whole audit's findings if they are known; otherwise with
    /// those of the school's own records, leaving the whole audit to do (`audit_next`): its
    /// answer follows.
    fn history(&mut self, school: &SchoolId, today: Date) -> Result<view::HistoryView, String> {
        let (repo, snapshot, catalog) = self.opened()?;
        let head = snapshot.commit_id();
        let rev = Some(head.as_str());
        if let Some((_, _, report)) = self
            .audit
            .as_ref()
            .filter(|(commit, on, _)| *commit == head && *on == today)
        {
            let commits = repo
                .school_history(rev, school)
                .map_err(|e| e.to_string())?;
            return Ok(view::history(
                catalog,
                school,
                head.short(),
                commits,
                Ok(report),
                view::Audited::Whole,
            ));
        }
        // One walk for both the school's records and its commits.
        let own = std::collections::BTreeSet::from([school.clone()]);
        let (commits, report) =
            match repo.records_of(snapshot, Arc::clone(catalog), self.unreadable.clone(), &own) {
                Ok(records) => {
                    let report = crate::audit::report(&records, today);
                    // The walk's order is the history's, oldest first; the view's is newest first.
                    let commits = repo.school_commits(records.commits.into_iter().rev(), school);
                    (commits, Ok(report))
                }
                Err(e) => (
                    repo.school_history(rev, school)
                        .map_err(|e| e.to_string())?,
                    Err(format!(
                        "the audit of the school's records could not run: {e}"
                    )),
                ),
            };
        let view = view::history(
            catalog,
            school,
            head.short(),
            commits.clone(),
            report.as_ref().map_err(Clone::clone),
            view::Audited::School,
        );
        if let Some((snapshot, _)) = &self.snapshot {
            self.audit_next = Some(AuditWork {
                snapshot: Arc::clone(snapshot),
                catalog: Arc::clone(catalog),
                unreadable: self.unreadable.clone(),
                school: school.clone(),
                today,
                commits,
            });
        }
        Ok(view)
    }

    /// The History view of a job, with the whole history's audit as of its day: made once
    /// for a commit and a day, whichever school's history asks for it first.
    fn whole_audit(&mut self, job: &AuditJob) -> Loaded {
        let work = &job.work;
        let head = work.snapshot.commit_id();
        if let Some((_, _, report)) = self
            .audit
            .as_ref()
            .filter(|(commit, on, _)| *commit == head && *on == work.today)
        {
            return job.answer(Ok(report));
        }
        let report = self.repo().and_then(|repo| {
            // The catalog on screen is the audit's head: shared, not read again.
            repo.records_at(
                &work.snapshot,
                Arc::clone(&work.catalog),
                work.unreadable.clone(),
            )
            .map(|records| Arc::new(crate::audit::report(&records, work.today)))
            .map_err(|e| format!("the audit could not run: {e}"))
        });
        let answer = job.answer(report.as_deref().map_err(Clone::clone));
        if let Ok(report) = report {
            self.audit = Some((head, work.today, report));
        }
        answer
    }

    fn commit_files(
        &mut self,
        commit: crate::model::ObjectId,
        files: &[crate::model::history::FileChange],
    ) -> Result<view::CommitFilesView, String> {
        self.repo()?;
        let (repo, catalog) = match self.opened() {
            Ok((repo, _, catalog)) => (repo, Some(catalog)),
            Err(_) => (self.repo()?, None),
        };
        let texts = files
            .iter()
            .map(|f| match (&f.new, &f.old) {
                (Some(new), Some(old)) => {
                    let read = |blob| repo.blob_text(blob, &f.path).map_err(|e| e.to_string());
                    match (read(old), read(new)) {
                        (Ok(before), Ok(after)) => {
                            // The areas' names and order come from the school's rubric.
                            let rubric = f
                                .path
                                .split('/')
                                .nth(1)
                                .and_then(|s| s.parse::<SchoolId>().ok())
                                .zip(catalog)
                                .and_then(|(school, c)| c.rubric_for_submission(&school, None));
                            (
                                format!("{} changed by this commit", f.path),
                                Ok(crate::diff::versions::versions(
                                    &f.path, &before, &after, rubric,
                                )),
                            )
                        }
                        (_, after) => (format!("{} as committed", f.path), after),
                    }
                }
                (Some(blob), None) => (
                    format!("{} as committed", f.path),
                    repo.blob_text(blob, &f.path).map_err(|e| e.to_string()),
                ),
                (None, Some(blob)) => (
                    format!("{} deleted by this commit; as it was before", f.path),
                    repo.blob_text(blob, &f.path).map_err(|e| e.to_string()),
                ),
                (None, None) => (f.path.clone(), Ok(String::new())),
            })
            .collect();
        Ok(view::commit_files(commit, texts))
    }

    /// Writes a document about the snapshot on screen, not about whatever HEAD is now.
    fn export(
        &mut self,
        job: ExportJob,
        format: crate::export::Format,
    ) -> Result<(String, PathBuf, Vec<String>), String> {
        use crate::export::gather::{default_dir, letter_for, minutes_of, save};
        let (repo, snapshot, catalog) = self.opened()?;
        let document = match job {
            ExportJob::Minutes(date) => minutes_of(repo, snapshot, catalog, date),
            ExportJob::Letter {
                school,
                year,
                kind,
                path,
            } => letter_for(
                repo,
                snapshot,
                catalog,
                &school,
                year,
                kind.as_ref(),
                path.as_deref(),
            ),
        };
        let saved = document
            .and_then(|d| save(&d, &default_dir(), format).map(|path| (d.title, path, d.warnings)));
        saved.map_err(|e| e.to_string())
    }

    fn open(
        &mut self,
        rev: Option<&str>,
        today: Date,
        early: &dyn Fn(Response),
    ) -> Result<OpenedView, String> {
        let reload = self.repo.is_some();
        let repo = self.repo()?;
        // Objects may have arrived since the repository was opened (a pull, another writer):
        // they are checked before they are read, as opening checked the first ones.
        if reload {
            repo.check_loose_objects().map_err(|e| e.to_string())?;
        }
        // The first time, what was shown of this commit on this day before is shown at once;
        // a reload keeps the screens as they are until the new state is read.
        let key = repo.view_key(rev, today);
        let kept = match &key {
            Some(key) if !reload => repo.kept_view::<view::Glance>(key),
            _ => None,
        };
        let glanced = kept.is_some();
        if let Some(mut glance) = kept {
            view::mark_drafts(&mut glance.agenda.rows, &repo.drafts().keys());
            early(Response::Glance(Box::new(glance)));
        }
        let snapshot = repo.snapshot_at(rev).map_err(|e| e.to_string())?;
        let (catalog, errors) = repo.load_catalog(&snapshot).map_err(|e| e.to_string())?;
        let meeting = catalog.current_meeting(today);
        let short = snapshot.commit_id().short().to_owned();
        let header = view::header(&catalog, meeting, snapshot.branch.as_deref(), &short);
        // The evidence rules wait for a request of their own (see `evidence`).
        let mut agenda = view::agenda(&catalog, meeting, today);
        let (schools, school_problems) = view::schools(&catalog, today);
        let problems = errors
            .iter()
            .map(|e| sanitize_inline(&e.to_string()).into_owned())
            .chain(school_problems)
            .collect();
        if let Some(key) = key.as_deref().filter(|_| !glanced) {
            repo.keep_view(
                key,
                &view::Glance {
                    header: header.clone(),
                    agenda: agenda.clone(),
                    schools: schools.clone(),
                },
            );
        }
        let drafts = repo.drafts().keys();
        view::mark_drafts(&mut agenda.rows, &drafts);
        let half_done = repo.half_done().map(|h| sanitize_inline(&h).into_owned());
        let resubmitted = resubmitted(&snapshot, &catalog);
        // The member git's identity names, whom the review form offers first.
        let me = repo.configured_identity().and_then(|who| {
            catalog
                .panel
                .member_by_email(&who.email)
                .map(|m| m.id.clone())
        });
        let catalog = Arc::new(catalog);
        self.snapshot = Some((Arc::new(snapshot), Arc::clone(&catalog)));
        self.today = Some(today);
        self.unreadable = errors.iter().map(|e| e.to_string()).collect();
        Ok(OpenedView {
            header,
            agenda,
            schools,
            catalog,
            problems,
            drafts,
            half_done,
            resubmitted,
            me,
        })
    }

    /// Checks the evidence rules of agenda rows against their self-reviews: the only
    /// submission files read before one is opened, and only once the agenda is on screen.
    fn evidence(
        &mut self,
        mut rows: Vec<view::AgendaRow>,
    ) -> Result<(String, Vec<view::AgendaRow>), String> {
        let (repo, snapshot, catalog) = self.opened()?;
        let mut reviews = BTreeMap::new();
        for row in rows.iter().filter(|r| r.evidence_pending) {
            let key = (row.school.clone(), row.year);
            reviews.entry(key).or_insert_with(|| {
                repo.self_review(snapshot, &row.school, row.year)
                    .map_err(|e| e.to_string())
            });
        }
        view::with_evidence(catalog, &mut rows, &reviews);
        Ok((snapshot.commit_id().short().to_owned(), rows))
    }

    fn submission(
        &mut self,
        school: &SchoolId,
        year: AcademicYear,
    ) -> Result<SubmissionView, String> {
        let (repo, snapshot, catalog) = self.opened()?;
        // Each file read once: for the screen, and for the comparison with the year before,
        // which gives each area's count of changes.
        let files = snapshot.year(school, year);
        let review = files
            .and_then(|f| f.self_review.as_ref())
            .map(|b| repo.load_with_text::<SelfReview>(b))
            .transpose();
        let plan = files
            .and_then(|f| f.action_plan.as_ref())
            .map(|b| repo.load_with_text::<ActionPlan>(b))
            .transpose();
        // A problem with the comparison must not hide the submission itself.
        let comparison = match (&review, &plan) {
            (Ok(r), Ok(p)) => years_to_compare(snapshot, school, None, Some(year))
                .and_then(|(earlier, _)| {
                    let later = Later::Read(Year::from_texts(year, r.as_ref(), p.as_ref()));
                    compare_years(repo, snapshot, catalog, school, earlier, later)
                })
                .ok()
                .map(Arc::new),
            _ => None,
        };
        let review = review.map(|o| o.map(|(_, v)| v)).map_err(|e| e.to_string());
        let plan = plan.map(|o| o.map(|(_, v)| v)).map_err(|e| e.to_string());
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
        let (repo, snapshot, catalog) = self.opened()?;
        compare_years(repo, snapshot, catalog, school, earlier, Later::Year(later))
            .map_err(|e| e.to_string())
    }
}

/// The school years whose files differ from those the panel's latest decision on them was
/// made on: resubmitted since (or changed by hand).
fn resubmitted(
    snapshot: &Snapshot,
    catalog: &Catalog,
) -> std::collections::BTreeSet<(SchoolId, AcademicYear)> {
    // Decisions are in path order, by date within a year: the last one seen is the latest.
    let mut latest = std::collections::BTreeMap::new();
    for (_, decision) in &catalog.decisions {
        latest.insert((&decision.school, decision.year), decision);
    }
    latest
        .into_iter()
        .filter(|((school, year), decision)| {
            match (snapshot.year(school, *year), &decision.made_on) {
                (Some(files), Some(made_on)) => !files.are_as_made_on(made_on),
                _ => false,
            }
        })
        .map(|((school, year), _)| (school.clone(), year))
        .collect()
}

/// What a panic on a worker thread said, made inert, for the message that replaces its answer.
fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    sanitize_inline(&what).into_owned()
}
