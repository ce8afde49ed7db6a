//! Command-line definitions (clap). No behaviour here: see `commands/`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// kitemark: run a mental-health kitemark panel from a git repository.
#[derive(Debug, Parser)]
#[command(
    name = "kitemark",
    version,
    about,
    long_about = None,
    max_term_width = 100
)]
pub struct Cli {
    /// The panel repository (default: the current directory or the repository above it).
    #[arg(long, global = true, value_name = "PATH", default_value = ".")]
    pub repo: PathBuf,

    /// With no command, kitemark opens the interface; these are its options.
    #[command(flatten)]
    pub open: OpenArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How `kitemark diff` lays out the two years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DiffLayout {
    /// Earlier year on the left, later on the right.
    #[default]
    SideBySide,
    /// One column: earlier lines marked -, later +.
    Unified,
}

/// Whether to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// When writing to a terminal and NO_COLOR is not set.
    #[default]
    Auto,
    Always,
    Never,
}

/// Options of the interface.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OpenArgs {
    /// Read this commit, branch or tag instead of HEAD.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Work as if today were this date (YYYY-MM-DD): which meeting is next, award states.
    #[arg(long, value_name = "DATE")]
    pub on: Option<jiff::civil::Date>,
    /// Colour theme (default: from the config file, else the default theme).
    #[arg(long, value_enum)]
    pub theme: Option<ThemeArg>,
}

/// The colour theme of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    Default,
    /// White on black with strong highlights, for projectors.
    HighContrast,
}

/// Output format for commands whose output is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the panel's interface on the repository (the default command).
    Open(OpenArgs),
    /// Create a new, empty panel repository with the bundled rubrics.
    Init {
        /// Where to create it (must not exist, or be an empty folder).
        dir: PathBuf,
        /// The panel's default rubric.
        #[arg(long, value_name = "ID", default_value = "hymh-kitemark")]
        rubric: String,
        /// The panel's name.
        #[arg(
            long,
            value_name = "NAME",
            default_value = "Mental health kitemark panel"
        )]
        name: String,
    },
    /// Build a demo panel repository from the bundled data, with its multi-year history.
    Demo {
        /// Where to build it (default: kitemark/demo in the user's data folder). An existing demo
        /// there is reused; any other existing, non-empty folder is refused.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Only build (or find) the repository and print its path; do not open the interface.
        #[arg(long)]
        no_open: bool,
    },
    /// Check every file against the format and its rubric; list all problems.
    Validate {
        /// Check this commit, branch or tag instead of HEAD.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Output format: a readable report, or JSON for scripts.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Compare a school's action plan and self-review year on year.
    Diff {
        /// The school's id (its folder under submissions/).
        school: String,
        /// The earlier year (default: the year before --to).
        #[arg(long, value_name = "YEAR")]
        from: Option<crate::model::AcademicYear>,
        /// The later year (default: the school's latest).
        #[arg(long, value_name = "YEAR")]
        to: Option<crate::model::AcademicYear>,
        #[arg(long, value_enum, default_value_t)]
        layout: DiffLayout,
        /// Line width (default: the terminal's, else 120).
        #[arg(long, value_name = "N")]
        width: Option<usize>,
        #[arg(long, value_enum, default_value_t)]
        color: ColorChoice,
        /// Only what changed.
        #[arg(long)]
        only_changes: bool,
        /// Read this commit, branch or tag instead of HEAD.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Output format: the comparison as text, or JSON with every classified pair.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Each school's award, expiry, next annual review, pending agenda items and eligibility.
    Schools {
        /// Work out the state on this date instead of today (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        on: Option<jiff::civil::Date>,
        /// Read this commit, branch or tag instead of HEAD.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Output format: a readable report, or JSON for scripts.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}
