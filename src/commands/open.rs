//! `kitemark` / `kitemark open`: the panel's interface on the repository.

use std::path::Path;
use std::process::ExitCode;

use jiff::civil::Date;

use super::EXIT_OK;
use crate::cli::ThemeArg;
use crate::tui::theme::ThemeKind;
use crate::tui::{OpenOptions, run as run_tui};

pub fn run(
    repo: &Path,
    rev: Option<String>,
    on: Option<Date>,
    theme: Option<ThemeArg>,
) -> anyhow::Result<ExitCode> {
    run_tui(OpenOptions {
        repo: repo.to_path_buf(),
        rev,
        today: on.unwrap_or_else(|| jiff::Zoned::now().date()),
        theme: theme.map(|t| match t {
            ThemeArg::Default => ThemeKind::Default,
            ThemeArg::HighContrast => ThemeKind::HighContrast,
        }),
    })?;
    Ok(EXIT_OK)
}
