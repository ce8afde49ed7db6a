//! Command-line definitions (clap). No behaviour here: see `commands/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    // `None` when not given, so that `init` and `demo`, which make their own, can refuse it.
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,

    /// Neither read nor fill the cache of what kitemark derived from the repository's objects
    /// before (in .git/kitemark/cache; also KITEMARK_NO_CACHE=1). Results are the same either
    /// way; only the time differs.
    #[arg(long, global = true)]
    pub no_cache: bool,

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
    #[arg(long, value_name = "DATE", value_parser = date)]
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

/// How `kitemark sync --finish` settles a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SyncFinish {
    /// The remote's version of each conflicting file; our commits that changed it stay on
    /// the kept branch only.
    Theirs,
    /// Our version, recorded again on top of the remote's.
    Mine,
}

/// What `kitemark template` writes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum TemplateFormat {
    /// The action plan as a RON file.
    #[default]
    Ron,
    /// A workbook (.xlsx) with the whole submission to fill in.
    Xlsx,
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
        /// Taken here, hidden, in place of the global `--repo`, which means nothing to a
        /// command that makes the repository: given, it is refused.
        #[arg(long, hide = true, value_name = "PATH")]
        repo: Option<PathBuf>,
    },
    /// Build a demo panel repository from the bundled data, with its multi-year history.
    Demo {
        /// Where to build it (default: kitemark/demo, or kitemark/demo-kent, in the user's data folder). An existing demo
        /// there is reused; any other existing, non-empty folder is refused.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Only build (or find) the repository and print its path; do not open the interface.
        #[arg(long)]
        no_open: bool,
        /// Build the demo as on this date instead of today (YYYY-MM-DD): its next meeting a
        /// week or two ahead, everything before it in the past. The interface opens on it too.
        #[arg(long, value_name = "DATE", value_parser = date)]
        on: Option<jiff::civil::Date>,
        /// Which bundled panel to replay: Hertfordshire's kitemark panel, or a Kent panel on
        /// the Resilience Toolkit (default folder kitemark/demo-kent).
        #[arg(long, value_enum, default_value_t)]
        panel: crate::demo::DemoPanel,
        /// As for `init`: hidden, and refused when given.
        #[arg(long, hide = true, value_name = "PATH")]
        repo: Option<PathBuf>,
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
    /// Compare a school's action plan and self-review year on year, or a resubmission with
    /// the version the panel decided on.
    Diff {
        /// The school's id (its folder under submissions/).
        school: String,
        /// The later year, as --to gives it.
        #[arg(value_name = "YEAR", conflicts_with = "to")]
        year: Option<crate::model::AcademicYear>,
        /// The earlier year (default: the year before --to).
        #[arg(long, value_name = "YEAR", conflicts_with = "against_decision")]
        from: Option<crate::model::AcademicYear>,
        /// The later year (default: the school's latest).
        #[arg(long, value_name = "YEAR")]
        to: Option<crate::model::AcademicYear>,
        /// Compare the year's files with the version the panel last decided on (the
        /// submission its latest decision on that year was made on), as for a resubmission.
        #[arg(long)]
        against_decision: bool,
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
    /// Record a panel decision and commit it, with the same checks as the interface.
    Decide(DecideArgs),
    /// Record (commit) a meeting's attendance, conflicts and agenda.
    Meeting(MeetingArgs),
    /// Validate a school's submission files and commit them, authored by the school's contact.
    Submit {
        /// The school's id.
        school: String,
        /// The academic year of the submission.
        year: crate::model::AcademicYear,
        /// The folder holding self-review.ron and/or action-plan.ron (and school.ron for a new
        /// school), or the school's filled workbook (.xlsx or .ods).
        #[arg(long, value_name = "DIR|FILE")]
        from: PathBuf,
        /// The panel administrator entering the school's files (a member id), named in the
        /// commit's Entered-By trailer.
        #[arg(long, value_name = "ID")]
        entered_by: Option<String>,
        /// Check and show the commit, but do not commit.
        #[arg(long)]
        dry_run: bool,
    },
    /// Write next year's action plan, pre-filled from the school's latest plan before YEAR,
    /// or with `--format xlsx` the workbook a school fills in for its submission.
    Template {
        /// The school's id.
        school: String,
        /// The academic year the new plan is for.
        year: crate::model::AcademicYear,
        /// Write to this file (default: standard output for RON, `SCHOOL-YEAR.xlsx` in the
        /// current folder for a workbook). An existing file is never overwritten.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Lay the plan out in this framework, one that succeeds the last plan's: each action
        /// goes to the area the framework's succession gives it, keeping its id. With `--new`,
        /// the framework the new school works to (default: the panel's).
        #[arg(long, value_name = "ID")]
        rubric: Option<String>,
        /// What to write: the action plan as RON, or a workbook (the year's whole submission)
        /// for the school to fill in Excel or LibreOffice.
        #[arg(long, value_enum, default_value_t)]
        format: TemplateFormat,
        /// A workbook for a school not yet in the repository: its About sheet makes the
        /// school's profile when it comes back.
        #[arg(long, requires_all = ["name", "phase", "area"])]
        new: bool,
        /// The new school's name.
        #[arg(long, value_name = "NAME", requires = "new")]
        name: Option<String>,
        /// The new school's phase ("Primary", "Early years setting", ...).
        #[arg(long, value_name = "PHASE", requires = "new")]
        phase: Option<String>,
        /// The new school's local area.
        #[arg(long, value_name = "AREA", requires = "new")]
        area: Option<String>,
    },
    /// The decision history from git: commit, date, author, kind, outcome, meeting, and what
    /// became of each decision later.
    Log {
        /// Only this school's decisions.
        school: Option<String>,
        /// Every commit that touched the school instead (its submissions, decisions and the
        /// meetings that name it), as the interface's History view lists them.
        #[arg(long)]
        commits: bool,
        /// Read the history up to this commit, branch or tag instead of HEAD.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Output format: a table, or JSON for scripts.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Markdown documents from the record: a meeting's minutes, a feedback letter to a school.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Check the whole history against the audit rules; exit 1 if any finding.
    Audit(AuditArgs),
    /// Print a completion script for a shell, generated from these definitions
    /// (`kitemark completions bash > ~/.local/share/bash-completion/completions/kitemark`).
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff, for `man -l -`), generated from these definitions; with
    /// --dir, write it and a page per command there (kitemark.1, kitemark-decide.1, …).
    Man {
        /// A folder to write the pages to (made if missing; pages there are replaced).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Share the panel's record with its git remote: fetch, bring the branch up to date
    /// (the local commits replayed on the remote's), push, through the `git` program.
    Sync {
        /// Give up on a fetch or push that has not finished after this many seconds (the
        /// default is 60; given, git also never asks at the terminal).
        #[arg(long, value_name = "SECS")]
        timeout: Option<u64>,
        /// Finish a sync stopped by a conflict: take the remote's version of each file
        /// (theirs) or record ours again on top of it (mine).
        #[arg(long, value_enum, value_name = "HOW")]
        finish: Option<SyncFinish>,
        /// Output format: a readable report, or JSON for scripts.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Finish or undo a recording left half done, and remove what stopped writers left
    /// behind: kitemark's temporary files, and git's lock files that no process holds.
    Repair {
        /// Say what would be done, and do nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// The conditions of each school's standing decisions, open, overdue or met; with --met,
    /// record (commit) that one was met.
    Conditions(ConditionsArgs),
    /// Each school's award, expiry, next annual review, pending agenda items and eligibility.
    Schools {
        /// Work out the state on this date instead of today (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = date)]
        on: Option<jiff::civil::Date>,
        /// Read this commit, branch or tag instead of HEAD.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Output format: a readable report, or JSON for scripts.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Enforce the panel's rules where its repository is served: git's pre-receive hook,
    /// which refuses a push that breaks them.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Record (commit) a member's review of an agenda item, written before the meeting; with
    /// --show, list the reviews of a meeting's items.
    Review(ReviewArgs),
    /// Suggest a lead reviewer and a second reader for each item of a meeting's agenda, and
    /// a discussion order that saves exits from the room; record them (as the chair).
    Assign(AssignArgs),
    /// Confirm together the items whose reviews agree on an accepting outcome: one decision
    /// committed for each, marked En-bloc.
    EnBloc(EnBlocArgs),
}

/// The options of `kitemark assign`.
#[derive(Debug, Args)]
pub struct AssignArgs {
    /// The meeting's date.
    #[arg(value_parser = date)]
    pub date: jiff::civil::Date,
    /// Make MEMBER the lead reviewer of SCHOOL's item instead of the suggestion (repeat;
    /// SCHOOL/YEAR/KIND where the school has more than one item).
    #[arg(long = "lead", value_name = "SCHOOL=MEMBER")]
    pub leads: Vec<String>,
    /// Make MEMBER the second reader of SCHOOL's item instead of the suggestion (repeat).
    #[arg(long = "second", value_name = "SCHOOL=MEMBER")]
    pub seconds: Vec<String>,
    /// The discussion order to record: the agenda's own, or the one proposed to save exits.
    #[arg(long, value_enum, default_value_t)]
    pub order: AssignOrder,
    /// Show the readers and order and the commit, but do not commit.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format: a readable report, or JSON for scripts.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Which order `kitemark assign` records the agenda in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum AssignOrder {
    /// The agenda's order as recorded.
    #[default]
    Agenda,
    /// The order that sends members out of the room fewest times.
    Proposed,
}

/// The options of `kitemark en-bloc`.
#[derive(Debug, Args)]
pub struct EnBlocArgs {
    /// The meeting's date.
    #[arg(value_parser = date)]
    pub date: jiff::civil::Date,
    /// The member who records the decisions (each commit's author).
    #[arg(long, value_name = "ID")]
    pub recorder: String,
    /// Take this school's item out of the en-bloc list, to decide on its own (repeat;
    /// SCHOOL/YEAR/KIND where the school has more than one item).
    #[arg(long = "pull", value_name = "SCHOOL")]
    pub pulls: Vec<String>,
    /// List the items and what would be recorded, but do not commit.
    #[arg(long)]
    pub dry_run: bool,
    /// Record as if today were this date (YYYY-MM-DD): a decision for a meeting after it is
    /// refused.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub on: Option<jiff::civil::Date>,
}

/// What `kitemark hook` does.
#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Make kitemark a bare repository's pre-receive hook, so that every push to it is
    /// checked: no branch deleted or rewound, no audit seal moved, no audit rule broken and
    /// no invalid file added by the new commits.
    Install {
        /// The bare repository (or a repository's .git folder).
        dir: PathBuf,
        /// Replace a pre-receive hook that is not kitemark's, keeping it beside as
        /// pre-receive.before-kitemark.
        #[arg(long)]
        force: bool,
    },
    /// What git runs on a push: reads git's `OLD NEW REF` lines on standard input, checks
    /// the new commits (exit 0 accepts the push, 1 refuses it).
    PreReceive,
}

/// What `kitemark export` writes.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The minutes of a meeting: attendance, apologies, declarations of interest and how they
    /// were handled, each item's outcome and conditions, and the commits that record them.
    Minutes {
        /// The meeting's date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE", value_parser = date)]
        meeting: jiff::civil::Date,
        /// Read this commit, branch or tag instead of HEAD: the record as it stood then.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Write to this file (never over an existing one) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Markdown, or a Word document: written to FILE, else under the document's own
        /// name (minutes-DATE.docx, letter-SCHOOL-YEAR-KIND.docx) in the current folder.
        #[arg(long, value_enum, default_value_t, value_name = "FORMAT")]
        format: DocumentFormat,
    },
    /// A feedback letter to a school about its latest decision on a year's submission.
    Letter {
        /// The school's id.
        school: String,
        /// The academic year of the submission.
        year: crate::model::AcademicYear,
        /// The decision kind, when the year has several (for example suicide-aware).
        #[arg(long, value_name = "KIND")]
        kind: Option<String>,
        /// Read this commit, branch or tag instead of HEAD: the record as it stood then.
        #[arg(long, value_name = "REV")]
        rev: Option<String>,
        /// Write to this file (never over an existing one) instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Markdown, or a Word document: written to FILE, else under the document's own
        /// name (minutes-DATE.docx, letter-SCHOOL-YEAR-KIND.docx) in the current folder.
        #[arg(long, value_enum, default_value_t, value_name = "FORMAT")]
        format: DocumentFormat,
    },
}

/// What `kitemark export` writes a document as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum DocumentFormat {
    /// Markdown, as text.
    #[default]
    Md,
    /// A Word document (.docx).
    Docx,
}

impl From<DocumentFormat> for crate::export::Format {
    fn from(format: DocumentFormat) -> Self {
        match format {
            DocumentFormat::Md => crate::export::Format::Markdown,
            DocumentFormat::Docx => crate::export::Format::Docx,
        }
    }
}

/// The options of `kitemark audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Audit as of this date instead of today (YYYY-MM-DD): which annual reviews are overdue.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub on: Option<jiff::civil::Date>,
    /// Audit the history up to this commit, branch or tag instead of HEAD.
    #[arg(long, value_name = "REV")]
    pub rev: Option<String>,
    /// Output format: a readable report, or JSON for scripts.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// After auditing, seal the audited commit: an annotated tag audit/DATE (the audit's
    /// date) by the auditor, listing every decision file, that later audits check is still
    /// in the history.
    #[arg(long)]
    pub seal: bool,
    /// Who seals, as "Name <email>" (default: git's user.name and user.email).
    #[arg(long, value_name = "NAME <EMAIL>", requires = "seal")]
    pub auditor: Option<String>,
    /// Check that this commit (a full id, from a seal kept outside the repository) is still
    /// in the history, as a seal's commit is. May be given more than once.
    #[arg(long, value_name = "COMMIT")]
    pub expect_seal: Vec<crate::model::ObjectId>,
}

/// The options of `kitemark decide`.
#[derive(Debug, Args)]
pub struct DecideArgs {
    /// The school's id.
    pub school: String,
    /// The academic year of the submission decided on.
    pub year: crate::model::AcademicYear,
    /// The decision kind (for example initial, annual-review).
    #[arg(long, value_name = "KIND")]
    pub kind: String,
    /// The outcome, one of the kind's outcomes in the rubric.
    #[arg(long, value_name = "OUTCOME")]
    pub outcome: String,
    /// The date of the meeting that decided.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub meeting: jiff::civil::Date,
    /// The member who records the decision (the commit's author).
    #[arg(long, value_name = "ID")]
    pub recorder: String,
    /// A member taking part (repeat; default: every member present and not conflicted).
    #[arg(long = "member", value_name = "ID")]
    pub members: Vec<String>,
    /// The panel's judgement of an area (repeat).
    #[arg(long = "judgement", value_name = "AREA=LEVEL")]
    pub judgements: Vec<String>,
    /// Feedback on an area (repeat).
    #[arg(long = "area-feedback", value_name = "AREA=TEXT")]
    pub area_feedback: Vec<String>,
    /// Overall feedback to the school.
    #[arg(long, value_name = "TEXT", conflicts_with = "feedback_file")]
    pub feedback: Option<String>,
    /// Overall feedback, from a file.
    #[arg(long, value_name = "FILE")]
    pub feedback_file: Option<PathBuf>,
    /// A condition and its due date (repeat), written as in the decision form: TEXT@DATE
    /// ("Share the policy@2027-03-31") or the date first ("2027-03-31 Share the policy").
    #[arg(long = "condition", value_name = "TEXT@DATE|DATE TEXT")]
    pub conditions: Vec<String>,
    /// The path of a decision this one corrects, at this meeting or an earlier one (a
    /// correction at the same meeting is written as <DATE>-<KIND>.2.ron, .3.ron, …).
    #[arg(long, value_name = "PATH")]
    pub supersedes: Option<String>,
    /// Why the panel awards although an evidence or eligibility rule is not met.
    #[arg(long, value_name = "TEXT")]
    pub override_reason: Option<String>,
    /// Where the rubric grades: a criterion the panel scores differently from the school
    /// (repeatable, or comma-separated). The grade recorded is the one the scores earn.
    #[arg(long = "moderate", value_name = "CRITERION=POINTS")]
    pub moderated: Vec<String>,
    /// Why the panel moderated the school's scores (needed with --moderate).
    #[arg(long, value_name = "TEXT")]
    pub moderation_reason: Option<String>,
    /// Check and show the file and commit message, but do not commit.
    #[arg(long)]
    pub dry_run: bool,
    /// Record as if today were this date (YYYY-MM-DD): a decision for a meeting after it is
    /// refused.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub on: Option<jiff::civil::Date>,
}

/// The options of `kitemark conditions`.
#[derive(Debug, Args)]
pub struct ConditionsArgs {
    /// Only this school's conditions (needed with --met).
    pub school: Option<String>,
    /// Work out each condition's state on this date instead of today (YYYY-MM-DD); with
    /// --met, record as if today were this date.
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub on: Option<jiff::civil::Date>,
    /// Read this commit, branch or tag instead of HEAD (not with --met).
    #[arg(long, value_name = "REV", conflicts_with = "met")]
    pub rev: Option<String>,
    /// Output format: a readable list, or JSON for scripts (not with --met).
    #[arg(long, value_enum, default_value_t, conflicts_with = "met")]
    pub format: Format,
    /// Record that the school met its condition N (its number in the decision, from 1).
    #[arg(long, value_name = "N", requires_all = ["school", "evidence", "recorder"])]
    pub met: Option<u32>,
    /// What the panel saw that shows the condition was met.
    #[arg(long, value_name = "TEXT", requires = "met")]
    pub evidence: Option<String>,
    /// The day it was met (default: today, or --on).
    #[arg(long, value_name = "DATE", value_parser = date, requires = "met")]
    pub date: Option<jiff::civil::Date>,
    /// The decision that set the condition, by its path, when more than one of the school's
    /// decisions has a condition N.
    #[arg(long, value_name = "PATH", requires = "met")]
    pub decision: Option<String>,
    /// The member who records it (the commit's author).
    #[arg(long, value_name = "ID", requires = "met")]
    pub recorder: Option<String>,
    /// Check and show the file and commit message, but do not commit.
    #[arg(long, requires = "met")]
    pub dry_run: bool,
}

/// The options of `kitemark meeting`.
#[derive(Debug, Args)]
pub struct MeetingArgs {
    /// The meeting's date.
    #[arg(value_parser = date)]
    pub date: jiff::civil::Date,
    /// The member who chairs it (the commit's author).
    #[arg(long, value_name = "ID")]
    pub chair: String,
    /// A member present (repeat). Given, it replaces the recorded attendance.
    #[arg(long = "present", value_name = "ID")]
    pub present: Vec<String>,
    /// A member who sent apologies (repeat).
    #[arg(long = "apologies", value_name = "ID")]
    pub apologies: Vec<String>,
    /// A declared conflict (repeat); TYPE is institutional, professional, personal or other.
    #[arg(long = "conflict", value_name = "ID:SCHOOL:TYPE:REASON")]
    pub conflicts: Vec<String>,
    /// An agenda item (repeat, in order). Given, it replaces the recorded agenda.
    #[arg(long = "agenda", value_name = "SCHOOL/YEAR/KIND")]
    pub agenda: Vec<String>,
    #[arg(long, value_name = "TEXT")]
    pub location: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub notes: Option<String>,
    /// Check and show the file and commit message, but do not commit.
    #[arg(long)]
    pub dry_run: bool,
}

/// A date as typed on the command line. jiff's own message ("failed to parse four digit
/// integer as year") does not say what was expected.
fn date(given: &str) -> Result<jiff::civil::Date, String> {
    given.parse().map_err(|e: jiff::Error| {
        let shaped = given.len() == 10
            && given.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if shaped {
            format!("{given:?} is not a day of the calendar ({e}); expected a date as YYYY-MM-DD")
        } else {
            format!("expected a date as YYYY-MM-DD, such as 2026-11-22; got {given:?}")
        }
    })
}

/// The options of `kitemark review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The school whose application is reviewed.
    #[arg(required_unless_present = "show")]
    pub school: Option<String>,
    /// The academic year of its submission.
    #[arg(required_unless_present = "show")]
    pub year: Option<crate::model::AcademicYear>,
    /// The date of the meeting whose agenda holds the item.
    #[arg(long, value_name = "DATE", value_parser = date, required_unless_present = "show")]
    pub meeting: Option<jiff::civil::Date>,
    /// The member writing the review (the commit's author).
    #[arg(long = "as", value_name = "ID", required_unless_present = "show")]
    pub reviewer: Option<String>,
    /// The outcome recommended, one of the kind's outcomes in the rubric.
    #[arg(long, value_name = "OUTCOME", required_unless_present = "show")]
    pub recommend: Option<String>,
    /// The item's decision kind (default: the school's one item on the meeting's agenda).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// What the reviewer would say to the panel overall.
    #[arg(long, value_name = "TEXT")]
    pub summary: Option<String>,
    /// A note on an area of the rubric (repeat).
    #[arg(long = "area", value_name = "AREA=NOTE")]
    pub areas: Vec<String>,
    /// A question for the school or the panel (repeat).
    #[arg(long = "question", value_name = "TEXT")]
    pub questions: Vec<String>,
    /// Record as if today were this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = date)]
    pub on: Option<jiff::civil::Date>,
    /// Check and show the file and commit message, but do not commit.
    #[arg(long, conflicts_with = "show")]
    pub dry_run: bool,
    /// List the reviews of the items of the meeting on this date instead.
    #[arg(long, value_name = "DATE", value_parser = date, conflicts_with_all = ["school", "year", "meeting", "reviewer", "recommend", "kind", "summary", "areas", "questions"])]
    pub show: Option<jiff::civil::Date>,
    /// Read this commit, branch or tag instead of HEAD (with --show).
    #[arg(long, value_name = "REV", requires = "show")]
    pub rev: Option<String>,
}
