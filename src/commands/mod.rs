//! One module per subcommand: glue between the command line and the library, no business
//! rules. Exit codes follow SPEC §3: 0 ok, 1 findings or invalid data, 2 usage or environment.

mod audit;
pub mod decide;
mod demo;
pub mod diff;
mod export;
mod init;
mod log;
mod meeting;
mod open;
mod schools;
mod submit;
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
pub fn write_new(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
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
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Exit status for usage and environment errors.
pub fn exit_environment() -> ExitCode {
    ExitCode::from(2)
}

/// Runs the command; an `Err` is a usage or environment error (exit 2).
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => open::run(&cli.repo, cli.open),
        // The interface's options may come before `open` too; the command's own win.
        Some(Command::Open(args)) => open::run(
            &cli.repo,
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
            run_command(command, &cli.repo)
        }
    }
}

fn run_command(command: Command, repo: &std::path::Path) -> anyhow::Result<ExitCode> {
    match command {
        Command::Open(args) => open::run(repo, args),
        Command::Init { dir, rubric, name } => init::run(&dir, &rubric, &name),
        Command::Demo { dir, no_open } => demo::run(dir, no_open),
        Command::Validate { rev, format } => validate::run(repo, rev.as_deref(), format),
        Command::Schools { on, rev, format } => schools::run(repo, on, rev.as_deref(), format),
        Command::Log {
            school,
            commits,
            rev,
            format,
        } => log::run(repo, school.as_deref(), commits, rev.as_deref(), format),
        Command::Audit { on, rev, format } => audit::run(repo, on, rev.as_deref(), format),
        Command::Export(crate::cli::ExportCommand::Minutes { meeting, output }) => {
            export::run_minutes(repo, meeting, output.as_deref())
        }
        Command::Export(crate::cli::ExportCommand::Letter {
            school,
            year,
            kind,
            output,
        }) => export::run_letter(repo, &school, year, kind.as_deref(), output.as_deref()),
        Command::Decide(args) => decide::run(repo, args),
        Command::Meeting(args) => meeting::run(repo, args),
        Command::Submit {
            school,
            year,
            from,
            dry_run,
        } => submit::run(repo, &school, year, &from, dry_run),
        Command::Template {
            school,
            year,
            output,
        } => template::run(repo, &school, year, output.as_deref()),
        Command::Diff {
            school,
            from,
            to,
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
                to,
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

/// Writes to stdout, treating a closed pipe (`kitemark schools | head`) as success.
pub(crate) fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Records one panel file as one commit by `author` on `parent`, or with `dry_run` shows the
/// file (made safe for the terminal) and the commit message instead.
#[allow(clippy::too_many_arguments)]
pub(crate) fn record_file(
    repo: &crate::repo::PanelRepo,
    lock: &crate::repo::write::WriteLock,
    parent: &crate::model::ObjectId,
    path: String,
    text: String,
    message: String,
    author: impl FnOnce() -> anyhow::Result<crate::model::Identity>,
    dry_run: bool,
) -> anyhow::Result<ExitCode> {
    if dry_run {
        print(&format!(
            "{path}\n\n{}\n{message}",
            crate::model::text::sanitize(&text)
        ))?;
        return Ok(EXIT_OK);
    }
    let author = author()?;
    let spec = crate::repo::write::CommitSpec {
        files: vec![(path.clone(), text.into_bytes())],
        message,
        author: author.clone(),
        committer: author,
        when: None,
    };
    let id = repo.commit_files(lock, Some(parent), &spec)?;
    print(&format!("Recorded {path} in commit {}\n", id.short()))?;
    Ok(EXIT_OK)
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
