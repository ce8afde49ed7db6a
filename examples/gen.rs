//! Builds a synthetic panel repository for the benchmarks.
//!
//! ```sh
//! cargo run --release --example gen -- --schools 1000 --years 5 DIR
//! ```
//!
//! DIR must not exist; it becomes a bare repository whose branch `main` holds the history,
//! packed into one pack by `git repack` (as `git gc` leaves a repository) unless `--no-repack`.
//! The same options (and `--seed`) always give the same repository.

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Instant;

use clap::Parser;
use kitemark::commands::progress::Progress;
use kitemark::model::AcademicYear;
use kitemark::synth::{Options, generate_reporting};

/// Build a synthetic panel repository: schools, years of submissions, meetings, decisions.
#[derive(Parser)]
struct Args {
    /// How many schools.
    #[arg(long, default_value_t = 1000)]
    schools: usize,
    /// How many academic years, ending with --last-year.
    #[arg(long, default_value_t = 5)]
    years: usize,
    /// The last academic year.
    #[arg(long, default_value = "2025-26")]
    last_year: AcademicYear,
    /// The seed: the same seed gives the same repository.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Decide the last meeting's items too (by default they are left for the panel).
    #[arg(long)]
    all_decided: bool,
    /// Leave the objects in the packs they were written in (one per 2,000 commits) instead
    /// of packing them into one with `git repack`.
    #[arg(long)]
    no_repack: bool,
    /// Members have no keys and nothing is signed (by default each member's commits are
    /// signed with a test key made from their id).
    #[arg(long)]
    unsigned: bool,
    /// Where to build it (a new folder).
    dir: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let started = Instant::now();
    let options = Options {
        schools: args.schools,
        years: args.years,
        seed: args.seed,
        last_year: args.last_year,
        last_meeting_open: !args.all_decided,
        sign: !args.unsigned,
    };
    let progress = Progress::spinner("Generating");
    let generated = generate_reporting(&args.dir, &options, &mut |p| {
        progress.set(p.meetings as u64, p.of as u64);
        progress.say(&format!("Generating · {} commits", p.commits));
    });
    drop(progress);
    match generated {
        Ok(summary) => {
            // A repository in use is packed by `git gc` now and then; the benchmarks read one
            // as it is after that. (libgit2 keeps a cache of delta bases per pack, so a dozen
            // packs would also cost the reader more memory than any real repository does.)
            if !args.no_repack {
                let packing = Progress::spinner("Packing with git repack");
                let repacked = Command::new("git")
                    .arg("-C")
                    .arg(&args.dir)
                    .args(["repack", "-a", "-d", "-q"])
                    .status();
                drop(packing);
                if !repacked.is_ok_and(|s| s.success()) {
                    eprintln!(
                        "gen: note: `git repack -a -d` did not run; the objects stay in several packs"
                    );
                }
            }
            println!(
                "Built {} in {:.1} s: {} schools × {} years, {} commits ({} submissions, {} meetings, {} decisions), {:.0} MB of files",
                args.dir.display(),
                started.elapsed().as_secs_f64(),
                args.schools,
                args.years,
                summary.commits,
                summary.submissions,
                summary.meetings,
                summary.decisions,
                summary.bytes as f64 / 1e6
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen: {e}");
            ExitCode::from(2)
        }
    }
}
