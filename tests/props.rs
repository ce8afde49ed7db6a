//! Property tests: model values written as RON read back unchanged, no reader panics on bad
//! input and every file it refuses gets a located problem, the year-on-year comparison keeps
//! its invariants, text from the repository is inert in a document, and the interface
//! survives random keys.
//!
//! Each property runs a modest number of cases so that `cargo test` stays quick; set
//! `PROPTEST_CASES` to run more (it replaces every property's count). A failure found is
//! kept in `tests/props/regressions/`, replayed first on every run, and committed.

mod common;
#[path = "props/strategies.rs"]
mod strategies;

#[path = "props/bad_input.rs"]
mod bad_input;
#[path = "props/comparison.rs"]
mod comparison;
#[path = "props/markdown.rs"]
mod markdown;
#[path = "props/round_trip.rs"]
mod round_trip;
#[path = "props/tui_keys.rs"]
mod tui_keys;

use proptest::test_runner::{Config, FileFailurePersistence};

/// A property's configuration: `cases` unless `PROPTEST_CASES` says otherwise, with its
/// failures kept in `file` (relative to the crate, where cargo runs the tests).
pub fn config(cases: u32, file: &'static str) -> Config {
    // `Config::default` reads `PROPTEST_CASES` and the other `PROPTEST_` variables.
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = cases;
    }
    config.failure_persistence = Some(Box::new(FileFailurePersistence::Direct(file)));
    config
}
