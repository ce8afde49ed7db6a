//! Bad input tried systematically: arbitrary bytes, and real files (the bundled demo's and
//! the test fixtures) flipped, cut, spliced and padded with RON's own tokens, fed to every
//! reader. None may panic, and every file a reader refuses gets a problem that names the
//! file and, where it gives one, a line and column inside it.

use std::path::Path;
use std::sync::OnceLock;

use kitemark::diff::plan::diff_plans;
use kitemark::diff::text::Budget;
use kitemark::model::format::{SyntaxError, conflict_marker, from_ron, parse_document, to_ron};
use kitemark::model::layout::{Classified, PanelPath, classify};
use kitemark::model::validate::{Mode, validate_files};
use kitemark::model::{ActionPlan, Decision, Meeting, Panel, Position, Rubric, School, SelfReview};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};

/// A file as the repository holds it: its path there, and its text.
type File = (String, String);

/// Every RON file of the demo and the fixtures, at the path it has in a panel repository.
fn corpus() -> &'static [File] {
    &corpus_with_origin().0
}

/// The corpus, and the base fixture: a small valid repository that a changed file is
/// checked within, so that the checks across files run too.
fn corpus_with_origin() -> &'static (Vec<File>, Vec<File>) {
    static CORPUS: OnceLock<(Vec<File>, Vec<File>)> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut files, mut base) = (Vec::new(), Vec::new());
        for top in ["rubrics", "submissions", "tests/fixtures"] {
            collect(&root.join(top), &mut |path, text| {
                let rel = path.strip_prefix(root).unwrap().to_str().unwrap();
                let file = (repository_path(rel), text);
                if rel.starts_with("tests/fixtures/base/") {
                    base.push(file.clone());
                }
                files.push(file);
            });
        }
        files.sort();
        assert!(files.len() > 100, "the corpus is the demo and the fixtures");
        assert_eq!(base.len(), 7, "the base fixture");
        (files, base)
    })
}

fn base() -> Vec<File> {
    corpus_with_origin().1.clone()
}

fn collect(dir: &Path, found: &mut dyn FnMut(&Path, String)) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, found);
        } else if path.extension().is_some_and(|e| e == "ron") {
            // The corpus holds one deliberately non-UTF-8 file at most; those are the
            // repository reader's business, tested in `tests/bad_input.rs`.
            if let Ok(text) = std::fs::read_to_string(&path) {
                found(&path, text);
            }
        }
    }
}

/// Where a file of the demo or the fixtures sits in a panel repository.
fn repository_path(rel: &str) -> String {
    rel.strip_prefix("submissions/_panel/")
        .map(str::to_owned)
        .or_else(|| {
            rel.strip_prefix("submissions/_earlier/")
                .map(|r| format!("submissions/{r}"))
        })
        .or_else(|| rel.strip_prefix("tests/fixtures/base/").map(str::to_owned))
        .or_else(|| {
            rel.strip_prefix("tests/fixtures/hostile/")
                .map(str::to_owned)
        })
        .or_else(|| {
            let rest = rel.strip_prefix("tests/fixtures/bad-input/")?;
            Some(rest.split_once("/files/")?.1.to_owned())
        })
        .unwrap_or_else(|| rel.to_owned())
}

/// Whether a position is in the text: a line that exists, and a column on it or just past
/// its end (where a file that ends too early is reported).
fn inside(text: &str, position: Position) -> bool {
    let lines: Vec<&str> = text.split('\n').collect();
    position.line >= 1
        && position.line <= lines.len()
        && position.col >= 1
        && position.col <= lines[position.line - 1].chars().count() + 1
}

fn located(text: &str, result: Result<(), SyntaxError>) -> Result<(), TestCaseError> {
    if let Err(e) = result {
        prop_assert!(!e.message.trim().is_empty(), "an empty message");
        prop_assert!(
            inside(text, e.position),
            "{:?} is not in the text ({}): {:?}",
            e.position,
            e.message,
            text
        );
    }
    Ok(())
}

/// Reads `text` as `T` the two ways readers do, and checks any refusal is located.
fn read_as<T: serde::de::DeserializeOwned>(text: &str) -> Result<Option<T>, TestCaseError> {
    located(text, from_ron::<T>(text).map(drop))?;
    let parsed = parse_document::<T>(text);
    if let Err(e) = &parsed {
        located(text, Err(e.clone()))?;
    }
    Ok(parsed.ok())
}

/// Every reader on one file's text, then `validate` on it at `path` within the base.
fn check_all_readers(path: &str, text: &str) -> Result<(), TestCaseError> {
    read_as::<School>(text)?;
    read_as::<SelfReview>(text)?;
    read_as::<Meeting>(text)?;
    read_as::<Decision>(text)?;
    read_as::<Panel>(text)?;
    if let Some(rubric) = read_as::<Rubric>(text)? {
        // The rubric loader's own checks run on what parsed.
        rubric.consistency_problems();
    }
    if let Some(plan) = read_as::<ActionPlan>(text)? {
        // A changed plan compared with every plan of the base, both ways.
        for (_, other) in base()
            .iter()
            .filter(|(p, _)| p.ends_with("action-plan.ron"))
        {
            let other: ActionPlan = from_ron(other).unwrap();
            diff_plans(&plan, &other, None, &Budget::unlimited());
            diff_plans(&other, &plan, None, &Budget::unlimited());
        }
    }
    validated(path, text)
}

/// Whether the file's text reads as what its path says it is.
fn accepted(kind: &PanelPath, text: &str) -> bool {
    fn ok<T: serde::de::DeserializeOwned>(text: &str) -> bool {
        parse_document::<T>(text).is_ok()
    }
    conflict_marker(text).is_none()
        && match kind {
            PanelPath::Rubric(_) => ok::<Rubric>(text),
            PanelPath::Panel => ok::<Panel>(text),
            PanelPath::School(_) => ok::<School>(text),
            PanelPath::SelfReview(..) => ok::<SelfReview>(text),
            PanelPath::ActionPlan(..) => ok::<ActionPlan>(text),
            PanelPath::Meeting(_) => ok::<Meeting>(text),
            PanelPath::Decision(_) => ok::<Decision>(text),
            PanelPath::ConditionMet(_) => ok::<kitemark::model::ConditionMet>(text),
            PanelPath::Review(_) => ok::<kitemark::model::Review>(text),
            PanelPath::Proceedings(_) => ok::<kitemark::model::Proceedings>(text),
        }
}

fn validated(path: &str, text: &str) -> Result<(), TestCaseError> {
    let mut files = base();
    files.retain(|(p, _)| p != path);
    files.push((path.to_owned(), text.to_owned()));
    let report = validate_files(Mode::Repository, &files);
    for problem in &report.problems {
        let file = files.iter().find(|(p, _)| *p == problem.path);
        prop_assert!(
            file.is_some() || !problem.path.is_empty(),
            "a problem about no file: {problem}"
        );
        if let (Some((_, text)), Some(position)) = (file, problem.position) {
            prop_assert!(
                inside(text, position),
                "{problem} points outside the file {:?}",
                text
            );
        }
    }
    if let Classified::File(kind) = classify(path)
        && !accepted(&kind, text)
    {
        prop_assert!(
            report
                .problems
                .iter()
                .any(|p| p.path == path && !p.message.is_empty()),
            "{path} is refused by its reader, but validate says nothing about it: {:?}",
            report.problems
        );
    }
    Ok(())
}

/// RON's tokens and the things people paste, to splice into files.
const TOKENS: &[&str] = &[
    "\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "Some(",
    "None",
    "r#\"",
    "\"#",
    "/*",
    "*/",
    "//",
    "\\",
    "\\u{1b}",
    "\\u{d800}",
    "\\x",
    "b\"",
    "'",
    "1e400",
    "-",
    "inf",
    "NaN",
    "99999999999999999999",
    "0x",
    "true",
    "()",
    "#![enable(implicit_some)]",
    "#![enable(unwrap_newtypes)]",
    "#![enable(unwrap_variant_newtypes)]",
    "#![enable(explicit_struct_names)]",
    "<<<<<<< HEAD\n",
    "\n=======\n",
    ">>>>>>> theirs\n",
    "\u{feff}",
    "\r\n",
    "\r",
    "\0",
    "\u{1b}]52;c;eA==\u{7}",
    "\u{202e}",
    "\n",
    "    ",
    "é",
    "😀",
    "id: \"x\",",
    "year: \"2025-26\",",
    "date: \"2025-02-30\",",
    "status: Done,",
    "Done",
    "areas: [],",
];

/// One change to a file's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    /// Flip bits of one byte (which may break UTF-8: read as the tool would, lossily).
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Token(Index, &'static str),
    Delete(Index, usize),
    Truncate(Index),
    /// Move a line to another place.
    SpliceLine(Index, Index),
    /// Write a line twice: a field given twice, an item repeated.
    DuplicateLine(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<Index>(), 1u8..=255).prop_map(|(i, x)| Mutation::Flip(i, x)),
        1 => (any::<Index>(), vec(any::<u8>(), 1..6)).prop_map(|(i, b)| Mutation::Insert(i, b)),
        4 => (any::<Index>(), select(TOKENS)).prop_map(|(i, t)| Mutation::Token(i, t)),
        2 => (any::<Index>(), 1usize..40).prop_map(|(i, n)| Mutation::Delete(i, n)),
        1 => any::<Index>().prop_map(Mutation::Truncate),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SpliceLine(a, b)),
        2 => any::<Index>().prop_map(Mutation::DuplicateLine),
    ]
}

/// The byte offsets where lines start.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

fn line_range(bytes: &[u8], starts: &[usize], which: &Index) -> std::ops::Range<usize> {
    let n = which.index(starts.len());
    let end = starts.get(n + 1).copied().unwrap_or(bytes.len());
    starts[n]..end
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |i: &Index, len: usize| i.index(len + 1);
    match m {
        Mutation::Flip(i, x) if !bytes.is_empty() => {
            let at = i.index(bytes.len());
            bytes[at] ^= x;
        }
        Mutation::Flip(..) => {}
        Mutation::Insert(i, new) => {
            let at = at(i, bytes.len());
            bytes.splice(at..at, new.iter().copied());
        }
        Mutation::Token(i, token) => {
            let at = at(i, bytes.len());
            bytes.splice(at..at, token.bytes());
        }
        Mutation::Delete(i, n) => {
            let from = at(i, bytes.len());
            let to = (from + n).min(bytes.len());
            bytes.drain(from..to);
        }
        Mutation::Truncate(i) => {
            let len = at(i, bytes.len());
            bytes.truncate(len);
        }
        Mutation::SpliceLine(from, to) => {
            let starts = line_starts(bytes);
            let line: Vec<u8> = bytes.drain(line_range(bytes, &starts, from)).collect();
            let starts = line_starts(bytes);
            let at = starts[to.index(starts.len())];
            bytes.splice(at..at, line);
        }
        Mutation::DuplicateLine(i) => {
            let starts = line_starts(bytes);
            let range = line_range(bytes, &starts, i);
            let line: Vec<u8> = bytes[range.clone()].to_vec();
            bytes.splice(range.start..range.start, line);
        }
    }
}

proptest! {
    #![proptest_config(crate::config(96, "tests/props/regressions/bad_input.txt"))]

    #[test]
    fn mutated_real_files(
        which in any::<Index>(),
        mutations in vec(mutation(), 1..6),
    ) {
        let (path, original) = &corpus()[which.index(corpus().len())];
        let mut bytes = original.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        let text = String::from_utf8_lossy(&bytes);
        check_all_readers(path, &text)?;
    }

    #[test]
    fn arbitrary_bytes(
        which in any::<Index>(),
        bytes in vec(any::<u8>(), 0..400),
    ) {
        let (path, _) = &corpus()[which.index(corpus().len())];
        check_all_readers(path, &String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn arbitrary_tokens(
        which in any::<Index>(),
        tokens in vec(select(TOKENS), 0..40),
    ) {
        let (path, _) = &corpus()[which.index(corpus().len())];
        check_all_readers(path, &tokens.concat())?;
    }
}

/// Any value the model accepts, written as the tool writes it, in place of the base's file
/// of its kind: the checks beyond syntax (dates, quorum, keys, references) meet any value.
fn any_value_at(path: &str, text: Result<String, ron::Error>) -> Result<(), TestCaseError> {
    let text = text.map_err(|e| TestCaseError::fail(format!("not written: {e}")))?;
    validated(path, &text)
}

proptest! {
    #![proptest_config(crate::config(24, "tests/props/regressions/bad_input.txt"))]

    #[test]
    fn any_panel(value in crate::strategies::panel()) {
        any_value_at("panel.ron", to_ron(&value))?;
    }

    #[test]
    fn any_rubric(value in crate::strategies::rubric()) {
        any_value_at("rubrics/mini.ron", to_ron(&value))?;
    }

    #[test]
    fn any_school(value in crate::strategies::school()) {
        any_value_at("submissions/oak/school.ron", to_ron(&value))?;
    }

    #[test]
    fn any_self_review(value in crate::strategies::self_review()) {
        any_value_at("submissions/oak/2025-26/self-review.ron", to_ron(&value))?;
    }

    #[test]
    fn any_action_plan(value in crate::strategies::action_plan()) {
        any_value_at("submissions/oak/2025-26/action-plan.ron", to_ron(&value))?;
    }

    #[test]
    fn any_meeting(value in crate::strategies::meeting()) {
        any_value_at("meetings/2025-11-12.ron", to_ron(&value))?;
    }

    #[test]
    fn any_decision(value in crate::strategies::decision()) {
        any_value_at("decisions/oak/2025-26/2025-11-12-initial.ron", to_ron(&value))?;
    }

    #[test]
    fn any_path(path in "[a-z0-9./_ -]{0,60}|.{0,60}") {
        // Whatever the path, the file is classified (or ignored), never a panic.
        validated(&path, "()")?;
    }
}

const MEMBERS: &[&str] = &["chair", "nurse", "psych", "head", "stranger"];
const KINDS: &[&str] = &["initial", "annual-review", "extra", "unknown"];
const OUTCOMES: &[&str] = &[
    "awarded",
    "awarded-with-conditions",
    "resubmission-requested",
    "not-awarded",
    "accepted",
    "withdrawn",
    "unknown",
];

fn ids<T: std::str::FromStr>(names: &[&str], picks: &[Index]) -> Vec<T>
where
    T::Err: std::fmt::Debug,
{
    picks
        .iter()
        .map(|i| names[i.index(names.len())].parse().unwrap())
        .collect()
}

/// A decision about the base's school and year, by its members, under its rubric's kinds
/// and outcomes (or not quite), so that the rules about decisions get past the first check.
fn decision_about_the_base() -> impl Strategy<Value = Decision> {
    (
        crate::strategies::decision(),
        vec(any::<Index>(), 6),
        vec(any::<Index>(), 0..5),
        any::<bool>(),
    )
        .prop_map(|(mut d, picks, participants, on_the_day)| {
            d.school = "oak".parse().unwrap();
            d.year = "2025-26".parse().unwrap();
            d.kind = ids(KINDS, &picks[0..1]).remove(0);
            d.outcome = ids(OUTCOMES, &picks[1..2]).remove(0);
            d.recorder = ids(MEMBERS, &picks[2..3]).remove(0);
            d.participants = ids(MEMBERS, &participants);
            if on_the_day {
                d.meeting = jiff::civil::date(2025, 11, 12);
            }
            for (a, pick) in d.areas.iter_mut().zip(picks[3..].iter()) {
                a.area = ids(&["leadership", "student-voice", "other"], &[*pick]).remove(0);
                a.judgement = ids(&["met", "not-met", "effective"], &[*pick]).remove(0);
            }
            d
        })
}

/// A meeting of the base's panel about the base's school.
fn meeting_of_the_base() -> impl Strategy<Value = Meeting> {
    (
        crate::strategies::meeting(),
        any::<Index>(),
        vec(any::<Index>(), 0..5),
        vec(any::<Index>(), 0..3),
        vec(any::<Index>(), 0..3),
    )
        .prop_map(|(mut m, chair, present, apologies, kinds)| {
            m.date = jiff::civil::date(2025, 11, 12);
            m.chair = ids(MEMBERS, &[chair]).remove(0);
            m.present = ids(MEMBERS, &present);
            m.apologies = ids(MEMBERS, &apologies);
            for c in &mut m.conflicts {
                c.school = "oak".parse().unwrap();
                c.member = m.chair.clone();
            }
            let kinds: Vec<kitemark::model::KindId> = ids(KINDS, &kinds);
            m.agenda = kinds
                .into_iter()
                .map(|kind| kitemark::model::AgendaItem {
                    school: "oak".parse().unwrap(),
                    year: "2025-26".parse().unwrap(),
                    kind,
                })
                .collect();
            m
        })
}

proptest! {
    #![proptest_config(crate::config(24, "tests/props/regressions/bad_input.txt"))]

    #[test]
    fn any_decision_about_the_base(value in decision_about_the_base()) {
        let path = format!("decisions/oak/2025-26/2025-11-12-{}.ron", value.kind);
        any_value_at(&path, to_ron(&value))?;
    }

    #[test]
    fn any_meeting_of_the_base(value in meeting_of_the_base()) {
        any_value_at("meetings/2025-11-12.ron", to_ron(&value))?;
    }
}
