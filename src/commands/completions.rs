//! `kitemark completions SHELL`: a completion script generated from the command line's own
//! definitions, so that it never drifts from what `--help` says.

use std::process::ExitCode;

use clap::CommandFactory;

use super::EXIT_OK;
use crate::cli::Cli;

pub fn run(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "kitemark", &mut script);
    super::print(&String::from_utf8_lossy(&script))?;
    Ok(EXIT_OK)
}
