//! One module per subcommand: glue between the command line and the library, no business
//! rules. Exit codes follow SPEC §3: 0 ok, 1 findings or invalid data, 2 usage or environment.

mod assign;
mod audit;
mod completions;
mod conditions;
pub mod decide;
mod demo;
pub mod diff;
mod enbloc;
mod export;
mod hook;
mod init;
mod log;
mod man;
mod meeting;
mod open;
pub mod progress;
mod repair;
mod review;
mod schools;
mod submit;
mod sync;
mod template;
mod validate;

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{Cli, Command};

pub const EXIT_OK: ExitCode = ExitCode::SUCCESS;
pub const EXIT_FINDINGS: ExitCode = ExitCode::FAILURE;

/// Rows as aligned columns, two spaces apart, each cell made safe for the terminal.
pub fn columns(rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|c| crate::model::text::sanitize_inline(c).into_owned())
                .collect()
        })
        .collect();
    let count = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let widths: Vec<usize> = (0..count)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| width(s))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                line.push_str(&" ".repeat(widths[c] - width(cell) + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Writes `text` to a new file at `path`: an existing file is never overwritten.
pub fn write_new(path: &std::path::Path, text: impl AsRef<[u8]>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| {
            format!(
                "cannot create {} (an existing file is never overwritten)",
                path.display()
            )
        })?;
    file.write_all(text.as_ref())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Exit status for usage and environment errors.
pub fn exit_environment() -> ExitCode {
    ExitCode::from(2)
}

/// Runs the command; an `Err` is a usage or environment error (exit 2).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if cli.no_cache {
        crate::repo::disable_cache();
    }
    let repo = cli
        .repo
        .clone()
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    match cli.command {
        None => open::run(&repo, cli.open),
        // The interface's options may come before `open` too; the command's own win.
        Some(Command::Open(args)) => open::run(
            &repo,
            crate::cli::OpenArgs {
                rev: args.rev.or(cli.open.rev),
                on: args.on.or(cli.open.on),
                theme: args.theme.or(cli.open.theme),
            },
        ),
        Some(command) => {
            let stray = [
                cli.open.rev.as_ref().map(|_| "--rev"),
                cli.open.on.as_ref().map(|_| "--on"),
                cli.open.theme.as_ref().map(|_| "--theme"),
            ];
            if let Some(option) = stray.into_iter().flatten().next() {
                anyhow::bail!(
                    "{option} before a command applies to the interface only; put it after the command's name"
                );
            }
            if let Command::Init { repo: mine, .. } | Command::Demo { repo: mine, .. } = &command
                && let Some(given) = mine.as_ref().or(cli.repo.as_ref())
            {
                let (name, place) = match command {
                    Command::Init { .. } => {
                        ("init", "the folder it is given (`kitemark init DIR`)")
                    }
                    _ => ("demo", "--dir, or its default folder"),
                };
                anyhow::bail!(
                    "--repo {} does not apply to `kitemark {name}`, which makes a new repository in {place}; nothing was made",
                    given.display()
                );
            }
            run_command(command, &repo)
        }
    }
}

fn run_command(command: Command, repo: &std::path::Path) -> anyhow::Result<ExitCode> {
    // A recording left half done is finished (or undone) by the next kitemark: the commands
    // that record do it under their own lock, the interface offers it, the rest do it here.
    let reads = matches!(
        command,
        Command::Validate { .. }
            | Command::Schools { .. }
            | Command::Conditions(crate::cli::ConditionsArgs { met: None, .. })
            | Command::Log { .. }
            | Command::Audit(_)
            | Command::Export(_)
            | Command::Template { .. }
            | Command::Diff { .. }
            | Command::Review(crate::cli::ReviewArgs { show: Some(_), .. })
    );
    if reads {
        finish_half_done(repo);
    }
    match command {
        Command::Completions { shell } => completions::run(shell),
        Command::Man { dir } => man::run(dir.as_deref()),
        Command::Repair { dry_run } => repair::run(repo, dry_run),
        Command::Sync {
            timeout,
            finish,
            format,
        } => sync::run(repo, timeout, finish, format),
        Command::Hook(crate::cli::HookCommand::Install { dir, force }) => {
            hook::install(&dir, force)
        }
        Command::Hook(crate::cli::HookCommand::PreReceive) => hook::pre_receive(),
        Command::Open(args) => open::run(repo, args),
        Command::Init {
            dir, rubric, name, ..
        } => init::run(&dir, &rubric, &name),
        Command::Demo {
            dir,
            no_open,
            on,
            panel,
            ..
        } => demo::run(dir, no_open, on, panel),
        Command::Validate { rev, format } => validate::run(repo, rev.as_deref(), format),
        Command::Schools { on, rev, format } => schools::run(repo, on, rev.as_deref(), format),
        Command::Log {
            school,
            commits,
            rev,
            format,
        } => log::run(repo, school.as_deref(), commits, rev.as_deref(), format),
        Command::Audit(args) => audit::run(repo, args),
        Command::Export(crate::cli::ExportCommand::Minutes {
            meeting,
            rev,
            output,
            format,
        }) => export::run_minutes(
            repo,
            meeting,
            rev.as_deref(),
            output.as_deref(),
            format.into(),
        ),
        Command::Export(crate::cli::ExportCommand::Letter {
            school,
            year,
            kind,
            rev,
            output,
            format,
        }) => export::run_letter(
            repo,
            &school,
            year,
            kind.as_deref(),
            rev.as_deref(),
            output.as_deref(),
            format.into(),
        ),
        Command::Decide(args) => nothing_recorded_on_error(decide::run(repo, args)),
        Command::Conditions(args) if args.met.is_some() => {
            nothing_recorded_on_error(conditions::record(repo, args))
        }
        Command::Conditions(args) => conditions::list(repo, args),
        Command::Meeting(args) => nothing_recorded_on_error(meeting::run(repo, args)),
        Command::Review(args) if args.show.is_some() => review::show(repo, args),
        Command::Review(args) => nothing_recorded_on_error(review::run(repo, args)),
        Command::Assign(args) => nothing_recorded_on_error(assign::run(repo, args)),
        Command::EnBloc(args) => nothing_recorded_on_error(enbloc::run(repo, args)),
        Command::Submit {
            school,
            year,
            from,
            entered_by,
            dry_run,
        } => nothing_recorded_on_error(submit::run(
            repo,
            &school,
            year,
            &from,
            entered_by.as_deref(),
            dry_run,
        )),
        Command::Template {
            school,
            year,
            output,
            rubric,
            format,
            new,
            name,
            phase,
            area,
        } => template::run(
            repo,
            &template::TemplateArgs {
                school: &school,
                year,
                output: output.as_deref(),
                rubric: rubric.as_deref(),
                format,
                new: new.then(|| template::NewSchool {
                    name: name.unwrap_or_default(),
                    phase: phase.unwrap_or_default(),
                    area: area.unwrap_or_default(),
                }),
            },
        ),
        Command::Diff {
            school,
            year,
            from,
            to,
            against_decision,
            layout,
            width,
            color,
            only_changes,
            rev,
            format,
        } => diff::run(
            repo,
            diff::DiffArgs {
                school,
                from,
                to: to.or(year),
                against_decision,
                layout,
                width,
                color,
                format,
                only_changes,
                rev,
            },
        ),
    }
}

/// A command that records says, whatever stopped it, that nothing was recorded: it reports a
/// recording itself, and no error can follow one.
fn nothing_recorded_on_error(result: anyhow::Result<ExitCode>) -> anyhow::Result<ExitCode> {
    result.or_else(|error| {
        let text = format!("{error:#}");
        eprintln!("kitemark: {}", crate::model::text::sanitize(&text));
        eprintln!("kitemark: nothing was recorded");
        Ok(exit_environment())
    })
}

/// Finishes a recording left half done, saying so; a failure is a warning, since the
/// command that follows only reads.
fn finish_half_done(repo: &std::path::Path) {
    let Ok(repo) = crate::repo::PanelRepo::open(repo) else {
        return;
    };
    match repo.finish_half_done() {
        Ok(lines) => {
            for line in lines {
                eprintln!(
                    "kitemark: repaired: {}",
                    crate::model::text::sanitize_inline(&line)
                );
            }
        }
        Err(e) => eprintln!(
            "kitemark: warning: a recording was left half done and could not be finished ({}); run `kitemark repair`",
            crate::model::text::sanitize_inline(&e.to_string())
        ),
    }
}

/// A value as the JSON every `--format json` prints (see [`crate::model::json`]), on stdout.
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    print(&format!("{}\n", crate::model::json::pretty(value)?))
}

/// A path as it may be shown on a terminal: whatever the folder's name holds, inert.
pub(crate) fn shown_path(path: &std::path::Path) -> String {
    crate::model::text::sanitize_inline(&path.display().to_string()).into_owned()
}

/// Writes to stdout, treating a closed pipe (`kitemark schools | head`) as success.
pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Takes the write lock, telling the person what it found left half done and finished or
/// undid.
pub(crate) fn write_lock(
    repo: &crate::repo::PanelRepo,
) -> Result<crate::repo::write::WriteLock, NotRecorded> {
    let lock = repo
        .lock_for_writing(crate::repo::write::LOCK_WAIT)
        .map_err(NotRecorded)?;
    for line in &lock.repaired {
        eprintln!(
            "kitemark: repaired: {}",
            crate::model::text::sanitize_inline(line)
        );
    }
    Ok(lock)
}

/// A write that did not happen: nothing was recorded.
#[derive(Debug)]
pub(crate) struct NotRecorded(pub crate::repo::write::WriteError);

impl NotRecorded {
    /// Tells the person, and gives the exit status: 1 when the data is at fault (a name that
    /// cannot be an author, a path), 2 when the environment is (a lock, the branch).
    pub fn report(&self) -> ExitCode {
        use crate::repo::write::WriteError as E;
        eprintln!(
            "kitemark: {}",
            crate::model::text::sanitize(&self.0.to_string())
        );
        eprintln!("kitemark: nothing was recorded");
        match self.0 {
            E::BadIdentity { .. } | E::BadPath { .. } | E::UncommittedChanges { .. } => {
                EXIT_FINDINGS
            }
            _ => exit_environment(),
        }
    }
}

/// What became of one attempt to record.
pub(crate) enum Recording {
    /// Finished, with this exit status (recorded, refused, or shown for `--dry-run`).
    Done(ExitCode),
    /// The branch moved after it was read: read, check and record again.
    Moved(NotRecorded),
}

/// Takes the write lock (telling the person why not, when it cannot be had), then runs
/// `attempt` (read the branch, check, record) under it as [`crate::record::with_attempts`]
/// does, telling the person why nothing was recorded when it never could be. The lock comes
/// first and the data after: what is checked is what the commit builds on.
pub(crate) fn with_attempts(
    repo: &crate::repo::PanelRepo,
    mut attempt: impl FnMut(&crate::repo::write::WriteLock) -> anyhow::Result<Recording>,
) -> anyhow::Result<ExitCode> {
    use crate::record::Attempt;
    let lock = match write_lock(repo) {
        Ok(lock) => lock,
        Err(not) => return Ok(not.report()),
    };
    let done = crate::record::with_attempts(repo, &lock, || {
        attempt(&lock).map(|recording| match recording {
            Recording::Done(code) => Attempt::Done(code),
            Recording::Moved(NotRecorded(moved)) => Attempt::Moved(moved),
        })
    })?;
    Ok(done.unwrap_or_else(|e| NotRecorded(e).report()))
}

/// Records a prepared plan as one commit, or with `dry_run` shows the file (made safe for
/// the terminal) and the commit message instead. A plan the rules refuse is refused here,
/// each refusal with its rule's code, and nothing is recorded.
pub(crate) fn record_plan(
    repo: &crate::repo::PanelRepo,
    lock: &crate::repo::write::WriteLock,
    plan: &crate::record::Plan,
    dry_run: bool,
) -> anyhow::Result<Recording> {
    use crate::model::text::{sanitize, sanitize_inline};
    if !plan.may_record() {
        for problem in plan.problems() {
            eprintln!("kitemark: refused: {}", sanitize_inline(&problem));
        }
        eprintln!("kitemark: nothing was recorded");
        return Ok(Recording::Done(EXIT_FINDINGS));
    }
    // A record that says what is recorded already is not committed again: an empty commit
    // would tell the history's readers that something was decided or changed.
    if plan.unchanged {
        print(&format!(
            "Nothing to record: {} says this already; no commit was made.\n",
            sanitize_inline(plan.path())
        ))?;
        return Ok(Recording::Done(EXIT_OK));
    }
    for warning in &plan.warnings {
        eprintln!("kitemark: warning: {}", sanitize_inline(warning));
    }
    if dry_run {
        print(&format!(
            "{}\n\n{}\n{}",
            plan.path(),
            sanitize(plan.text()),
            plan.message
        ))?;
        return Ok(Recording::Done(EXIT_OK));
    }
    Ok(commit_plan(repo, lock, plan, "Recorded", plan.path()))
}

/// Commits a plan on the commit it was read from and tells the person truthfully whether it
/// was recorded: a commit on the branch is reported as recorded (exit 0) whatever happens
/// after it.
pub(crate) fn commit_plan(
    repo: &crate::repo::PanelRepo,
    lock: &crate::repo::write::WriteLock,
    plan: &crate::record::Plan,
    verb: &str,
    what: &str,
) -> Recording {
    use crate::model::text::{sanitize, sanitize_inline};
    use crate::record::NotRecorded as Not;
    match crate::record::commit(repo, lock, plan) {
        Ok(recorded) => {
            // Recorded: a closed or full standard output must not turn that into a failure.
            let _ = print(&format!(
                "{verb} {what} in commit {}\n",
                recorded.commit.short()
            ));
            for note in &recorded.notes {
                eprintln!("kitemark: warning: {}", sanitize(note));
            }
            Recording::Done(EXIT_OK)
        }
        Err(Not::Write(e @ crate::repo::write::WriteError::BranchMoved { .. })) => {
            Recording::Moved(NotRecorded(e))
        }
        Err(Not::Write(e)) => Recording::Done(NotRecorded(e).report()),
        Err(Not::Refused(problems)) => {
            for problem in problems {
                eprintln!("kitemark: refused: {}", sanitize_inline(&problem));
            }
            eprintln!("kitemark: nothing was recorded");
            Recording::Done(EXIT_FINDINGS)
        }
    }
}

/// Refuses text that kitemark would write but its own `validate` rejects (control
/// characters, escape sequences), naming each field. Returns whether anything was refused.
pub(crate) fn refuse_written<T: serde::Serialize>(what: &str, value: &T) -> bool {
    let problems = crate::model::text::written_problems(value);
    for p in &problems {
        eprintln!(
            "kitemark: refused: the {what}'s {}",
            crate::model::text::sanitize_inline(&p.to_string())
        );
    }
    !problems.is_empty()
}

/// Whether a folder may be used for a new repository: missing, or empty.
pub(crate) fn is_missing_or_empty(dir: &std::path::Path) -> anyhow::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Ok(false),
        Err(e) => Err(anyhow::anyhow!("cannot read {}: {e}", dir.display())),
    }
}

/// Says which files a listing skipped because they could not be read, and the exit code that
/// follows: findings when any was skipped, so that a script never takes a partial list for all.
pub fn skipped(unreadable: &[String]) -> ExitCode {
    for e in unreadable {
        eprintln!(
            "kitemark: skipped {} (run `kitemark validate` for every problem)",
            crate::model::text::sanitize_inline(e)
        );
    }
    if unreadable.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

/// The agenda item `text` names: `SCHOOL` where the school has one item on the agenda,
/// `SCHOOL/YEAR/KIND` always.
pub(crate) fn named_item<'a>(
    agenda: &'a [crate::model::AgendaItem],
    text: &str,
) -> anyhow::Result<&'a crate::model::AgendaItem> {
    let matching: Vec<&crate::model::AgendaItem> = agenda
        .iter()
        .filter(|i| text == i.school.as_str() || text == i.to_string())
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => anyhow::bail!(
            "{:?} is not an item on the meeting's agenda",
            crate::model::text::sanitize_inline(text)
        ),
        many => anyhow::bail!(
            "{:?} has {} items on the agenda; name one as SCHOOL/YEAR/KIND ({})",
            crate::model::text::sanitize_inline(text),
            many.len(),
            many.iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
