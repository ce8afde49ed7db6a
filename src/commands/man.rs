//! `kitemark man [--dir DIR]`: the manual page, generated from the command line's own
//! definitions (clap_mangen), one page for kitemark and, with `--dir`, one per command.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;

use super::EXIT_OK;
use crate::cli::Cli;

pub fn run(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let command = Cli::command();
    let Some(dir) = dir else {
        super::print(&String::from_utf8_lossy(&page(command)?))?;
        return Ok(EXIT_OK);
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot make {}", super::shown_path(dir)))?;
    let mut written = Vec::new();
    let mut pages = vec![("kitemark".to_owned(), command.clone())];
    for sub in command.get_subcommands() {
        let name = format!("kitemark-{}", sub.get_name());
        // A page of its own names the command as it is typed.
        let sub = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("kitemark {}", sub.get_name()));
        pages.push((name, sub));
    }
    for (name, page_of) in pages {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page(page_of)?)
            .with_context(|| format!("cannot write {}", super::shown_path(&path)))?;
        written.push(path);
    }
    super::print(&format!(
        "Wrote {} manual pages to {}\n",
        written.len(),
        super::shown_path(dir)
    ))?;
    Ok(EXIT_OK)
}

fn page(command: clap::Command) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut out)
        .context("cannot render the manual page")?;
    Ok(out)
}
