//! `kitemark` / `kitemark open`: the panel's interface on the repository.

use std::path::Path;
use std::process::ExitCode;

use super::EXIT_OK;
use crate::cli::{OpenArgs, ThemeArg};
use crate::tui::theme::ThemeKind;
use crate::tui::{OpenOptions, run as run_tui};

pub fn run(repo: &Path, args: OpenArgs) -> anyhow::Result<ExitCode> {
    run_tui(OpenOptions {
        repo: repo.to_path_buf(),
        rev: args.rev,
        today: args.on.unwrap_or_else(|| jiff::Zoned::now().date()),
        theme: args.theme.map(|t| match t {
            ThemeArg::Default => ThemeKind::Default,
            ThemeArg::HighContrast => ThemeKind::HighContrast,
        }),
    })?;
    Ok(EXIT_OK)
}
