//! Validating a whole snapshot.
//!
//! Reading, decompressing and parsing each file does not depend on any other file, and is
//! most of the cost; the checks that follow do depend on the files before (the rubric, the
//! panel, a school's other year). So worker threads read and prepare the files, each taking
//! every n-th run of files, and the validator takes them back in order. Runs rather than
//! single files: handing each file over woke a thread per file, a tenth of the time.
//!
//! With the cache on, a snapshot's report is kept by its tree and the next commit's is
//! worked out from it, checking only what changed and what reads it (see `cached`).

use std::sync::mpsc::{Receiver, sync_channel};

use super::{BlobRef, PanelRepo, ReadError, Snapshot};
use crate::model::Position;
use crate::model::layout::PanelPath;
use crate::model::validate::{Mode, Prepared, Report, Validator, prepare};

mod cached;

/// Files handed over at once.
const RUN: usize = 16;

/// Runs a worker may read ahead of the validator.
const AHEAD: usize = 2;

type Read = Result<(String, Option<Prepared>), ReadError>;

fn reported(validator: &mut Validator, path: &str, e: &ReadError) {
    let (code, position, message) = match e {
        ReadError::TooLarge { size, limit, .. } => (
            "too-large",
            None,
            format!(
                "the file is {size} bytes, more than the {limit} bytes kitemark reads from one file"
            ),
        ),
        ReadError::NotUtf8 { line, col, .. } => (
            "not-utf8",
            Some(Position {
                line: *line,
                col: *col,
            }),
            "not UTF-8 text (save the file as UTF-8)".to_owned(),
        ),
        ReadError::Syntax {
            line, col, message, ..
        } => (
            "syntax",
            Some(Position {
                line: *line,
                col: *col,
            }),
            message.clone(),
        ),
        ReadError::Git { error, object, .. } => {
            ("unreadable", None, super::error::describe(error, *object))
        }
        // The snapshot's own files are always in the clone; kept for completeness.
        ReadError::NotInShallowClone { blob, .. } => (
            "not-in-clone",
            None,
            format!(
                "blob {} is not in this shallow clone; `git fetch --unshallow` fetches the whole history",
                blob.short()
            ),
        ),
    };
    validator.unreadable(path, position, code, message);
}

/// Each file checked with the files its checks read of other schools and dates (see
/// [`crate::model::validate::reads`]).
type Reads = Vec<(String, Vec<crate::model::validate::Read>)>;

impl PanelRepo {
    /// Checks every file of the snapshot: from the cache when this tree or an earlier one was
    /// validated before, else streaming, a few files' text at a time.
    pub fn validate(&self, snapshot: &Snapshot) -> Report {
        if self.cache().is_enabled()
            && let Some(report) = cached::validate(self, snapshot)
        {
            return report;
        }
        self.validate_all(snapshot, false).0
    }

    /// Checks every file of the snapshot, with what each read when `keep_reads`.
    fn validate_all(&self, snapshot: &Snapshot, keep_reads: bool) -> (Report, Reads) {
        let mut validator = Validator::new(Mode::Repository);
        if keep_reads {
            validator.keep_reads();
        }
        for unexpected in &snapshot.unexpected {
            validator.unexpected(&unexpected.path, unexpected.severity, &unexpected.reason);
        }
        for entry in &snapshot.not_files {
            validator.unreadable(&entry.path, None, entry.code, entry.message.clone());
        }
        let files: Vec<(PanelPath, &BlobRef)> = snapshot.files_in_order();
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        std::thread::scope(|scope| {
            let runs: Vec<&[(PanelPath, &BlobRef)]> = files.chunks(RUN).collect();
            let mut queues: Vec<Receiver<Vec<Read>>> = Vec::new();
            for w in 0..workers {
                let (send, receive) = sync_channel::<Vec<Read>>(AHEAD);
                queues.push(receive);
                let mine: Vec<Vec<(PanelPath, BlobRef)>> = runs
                    .iter()
                    .skip(w)
                    .step_by(workers)
                    .map(|run| {
                        run.iter()
                            .map(|(kind, blob)| (kind.clone(), (*blob).clone()))
                            .collect()
                    })
                    .collect();
                // Each worker has its own handle, opened as `self` was (a hook's handle sees the
                // objects a push holds in quarantine): a repository is not shared between
                // threads. Its loose objects were checked when `self` was opened.
                let repo = self.reopen();
                scope.spawn(move || {
                    let Ok(repo) = repo else {
                        return;
                    };
                    for run in mine {
                        let reads = run
                            .iter()
                            .map(|(kind, blob)| {
                                repo.read_text(blob).map(|text| {
                                    let prepared = prepare(kind, &text);
                                    (text, Some(prepared))
                                })
                            })
                            .collect();
                        if send.send(reads).is_err() {
                            return;
                        }
                    }
                });
            }
            for (i, run) in runs.iter().enumerate() {
                // A worker that could not open the repository sends nothing: read here.
                let reads = queues[i % workers].recv().unwrap_or_else(|_| {
                    run.iter()
                        .map(|(_, blob)| self.read_text(blob).map(|t| (t, None)))
                        .collect()
                });
                for ((kind, blob), read) in run.iter().zip(reads) {
                    match read {
                        Ok((text, prepared)) => {
                            validator.check_prepared(kind, &blob.path, &text, prepared);
                        }
                        Err(e) => reported(&mut validator, &blob.path, &e),
                    }
                }
            }
        });
        let reads = validator.take_reads();
        (validator.finish(), reads)
    }
}

impl PanelRepo {
    /// Checks only the snapshot's files that `wanted` picks, in the validator's order, on this
    /// thread: for a few files and what they depend on (a push's), where starting workers
    /// would cost more than reading them. Cross-file checks see only the files picked, so the
    /// caller picks every file those it asks about refer to.
    pub fn validate_some(
        &self,
        snapshot: &Snapshot,
        wanted: &dyn Fn(&PanelPath, &str) -> bool,
    ) -> Report {
        self.validate_picked(snapshot, wanted, false).0
    }

    /// [`PanelRepo::validate_some`], with what each file read when `keep_reads`.
    fn validate_picked(
        &self,
        snapshot: &Snapshot,
        wanted: &dyn Fn(&PanelPath, &str) -> bool,
        keep_reads: bool,
    ) -> (Report, Reads) {
        let mut validator = Validator::new(Mode::Repository);
        if keep_reads {
            validator.keep_reads();
        }
        for unexpected in &snapshot.unexpected {
            validator.unexpected(&unexpected.path, unexpected.severity, &unexpected.reason);
        }
        for entry in &snapshot.not_files {
            validator.unreadable(&entry.path, None, entry.code, entry.message.clone());
        }
        for (kind, blob) in snapshot.files_in_order() {
            if !wanted(&kind, &blob.path) {
                continue;
            }
            match self.read_text(blob) {
                Ok(text) => validator.check_file(&kind, &blob.path, &text),
                Err(e) => reported(&mut validator, &blob.path, &e),
            }
        }
        let reads = validator.take_reads();
        (validator.finish(), reads)
    }
}
