//! Builds a synthetic panel repository for the benchmarks.
//!
//! ```sh
//! cargo run --release --example gen -- --schools 1000 --years 5 DIR
//! ```
//!
//! DIR must not exist; it becomes a bare repository whose branch `main` holds the history in
//! one pack, with delta chains no longer than git's default, as `git gc` leaves a repository.
//! The same options (and `--seed`) always give the same repository, whatever `--threads`.

use std::path::PathBuf;
use std::process::ExitCode;
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
    /// Members have no keys and nothing is signed (by default each member's commits are
    /// signed with a test key made from their id).
    #[arg(long)]
    unsigned: bool,
    /// Threads compressing the objects (0: one per core); the repository is the same
    /// whatever their number.
    #[arg(long, default_value_t = 0)]
    threads: usize,
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
        threads: args.threads,
    };
    let progress = Progress::spinner("Generating");
    let generated = generate_reporting(&args.dir, &options, &mut |p| {
        progress.set(p.meetings as u64, p.of as u64);
        progress.say(&format!("Generating · {} commits", p.commits));
    });
    drop(progress);
    match generated {
        Ok(summary) => {
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
