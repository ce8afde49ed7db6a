//! `kitemark demo`: the bundled data replayed as a realistic history, which validates and
//! from which `kitemark schools` computes each school's award state.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{DEMO_DAY, Sandbox, assert_exit, stderr, stdout};
use serde_json::Value;

/// The demo as on [`DEMO_DAY`]: the story as bundled.
fn build(sandbox: &Sandbox, dir: &Path) {
    build_on(sandbox, dir, DEMO_DAY);
}

fn build_on(sandbox: &Sandbox, dir: &Path, on: &str) {
    let out = sandbox.kitemark(&[
        "demo",
        "--dir",
        dir.to_str().unwrap(),
        "--no-open",
        "--on",
        on,
    ]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains(dir.to_str().unwrap()),
        "{}",
        stdout(&out)
    );
}

fn schools(sandbox: &Sandbox, dir: &Path, on: &str) -> Value {
    let out = sandbox.kitemark(&[
        "schools",
        "--repo",
        dir.to_str().unwrap(),
        "--on",
        on,
        "--format",
        "json",
    ]);
    assert_exit(&out, 0);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn school<'a>(all: &'a Value, id: &str) -> &'a Value {
    all["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no school {id}"))
}

#[test]
fn the_demo_history_has_many_authors_and_years_and_validates() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);

    let log = sandbox.git(&dir, &["log", "--format=%an|%ad|%s", "--date=short"]);
    let log = stdout(&log);
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.len() >= 60, "only {} commits", lines.len());
    let authors: BTreeSet<&str> = lines.iter().map(|l| l.split('|').next().unwrap()).collect();
    assert!(authors.len() >= 12, "authors: {authors:?}");
    let dates: Vec<&str> = lines.iter().map(|l| l.split('|').nth(1).unwrap()).collect();
    let (first, last) = (dates.last().unwrap(), dates.first().unwrap());
    assert!(
        first < &"2023-03-01" && last > &"2026-11-01",
        "{first} .. {last}"
    );
    assert!(log.contains("Resubmission: westfield-junior 2023-24"));
    assert!(log.contains("Decision: oakfield-primary 2024-25 suicide-aware: awarded"));
    // Every agenda is published before its meeting.
    for line in &lines {
        let mut parts = line.split('|');
        let (_, date, subject) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
        if let Some(meeting) = subject
            .strip_prefix("Meeting ")
            .and_then(|s| s.strip_suffix(": agenda"))
        {
            assert!(date < meeting, "the agenda of {meeting} is dated {date}");
        }
    }
    // Oldest first: git log lists newest first, so dates never increase down the list.
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "history is not in date order"
    );

    let validate = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
    assert_exit(&validate, 0);
    assert!(
        stdout(&validate).contains(": 0 error(s), 0 warning(s)"),
        "{}",
        stdout(&validate)
    );
    let status = sandbox.git(&dir, &["status", "--porcelain"]);
    assert_eq!(stdout(&status), "");

    // The history is valid at every commit, not only at the end.
    for commit in stdout(&sandbox.git(&dir, &["rev-list", "HEAD"])).lines() {
        let out = sandbox.kitemark(&[
            "validate",
            "--repo",
            dir.to_str().unwrap(),
            "--rev",
            commit,
            "--format",
            "json",
        ]);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(report["errors"], 0, "{commit}: {}", stdout(&out));
    }
}

#[test]
fn decisions_record_the_exact_objects_and_parseable_trailers() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);
    let commit = stdout(&sandbox.git(
        &dir,
        &[
            "log",
            "-1",
            "--format=%H",
            "--grep=^Decision: riverside-academy 2024-25 initial",
        ],
    ))
    .trim()
    .to_owned();
    assert!(!commit.is_empty());
    let message = stdout(&sandbox.git(&dir, &["log", "-1", "--format=%B", &commit]));
    let trailers = {
        let mut cmd = std::process::Command::new("git");
        cmd.args(["interpret-trailers", "--parse"])
            .current_dir(&dir);
        cmd.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(message.as_bytes())
            .unwrap();
        String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap()
    };
    for key in [
        "Outcome: awarded",
        "Meeting: 2025-01-22",
        "School: riverside-academy",
        "Year: 2024-25",
        "Kind: initial",
        "Present: ",
        "Submission-Commit: ",
    ] {
        assert!(trailers.contains(key), "{key} not in trailers:\n{trailers}");
    }
    // The decision names the commit that submitted Riverside's files for the year (not the
    // commit it follows) and the blobs of the submission in it.
    let parent = stdout(&sandbox.git(
        &dir,
        &[
            "log",
            "-1",
            "--format=%H",
            &format!("{commit}^"),
            "--",
            "submissions/riverside-academy/2024-25",
        ],
    ))
    .trim()
    .to_owned();
    assert!(trailers.contains(&format!("Submission-Commit: {parent}")));
    let file = stdout(&sandbox.git(
        &dir,
        &[
            "show",
            &format!("{commit}:decisions/riverside-academy/2024-25/2025-01-22-initial.ron"),
        ],
    ));
    assert!(file.contains(&format!("commit: \"{parent}\"")), "{file}");
    let blob = stdout(&sandbox.git(
        &dir,
        &[
            "rev-parse",
            &format!("{parent}:submissions/riverside-academy/2024-25/action-plan.ron"),
        ],
    ));
    assert!(file.contains(blob.trim()), "the plan's blob id is recorded");
    let stat = stdout(&sandbox.git(&dir, &["show", "--format=", "--name-only", &commit]));
    assert_eq!(
        stat.trim(),
        "decisions/riverside-academy/2024-25/2025-01-22-initial.ron"
    );
}

#[test]
fn award_states_are_computed_from_decisions() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);
    let all = schools(&sandbox, &dir, "2026-11-22");
    assert_eq!(all["schools"].as_array().unwrap().len(), 14);

    let oakfield = school(&all, "oakfield-primary");
    assert_eq!(oakfield["award"]["status"], "held");
    assert_eq!(oakfield["award"]["awarded_on"], "2024-01-24");
    assert_eq!(oakfield["award"]["expires"], "2027-01-24");
    assert_eq!(oakfield["award"]["reviews_accepted"], 2);
    assert_eq!(oakfield["awards"][1]["award"], "suicide-aware");
    assert_eq!(oakfield["awards"][1]["awarded_on"], "2025-03-12");

    // A correction keeps the date of the decision it corrects; a renewal before expiry keeps
    // the holding period.
    let beechwood = school(&all, "beechwood-school");
    assert_eq!(beechwood["award"]["awarded_on"], "2026-03-11");
    assert_eq!(beechwood["award"]["held_since"], "2023-03-15");
    assert_eq!(beechwood["award"]["next_review_due"], "2027-03-11");

    let westfield = school(&all, "westfield-junior");
    assert_eq!(westfield["award"]["awarded_on"], "2024-03-13");

    let meadowbank = school(&all, "meadowbank-infant");
    assert_eq!(meadowbank["award"]["status"], "expired");
    assert_eq!(meadowbank["award"]["expires"], "2026-06-21");

    let north_vale = school(&all, "north-vale-esc");
    assert_eq!(north_vale["award"]["next_review_due"], "2026-11-27");
    assert_eq!(north_vale["pending"][0]["kind"], "annual-review");
    assert_eq!(north_vale["pending"][0]["meeting"], "2026-12-02");

    let riverside = school(&all, "riverside-academy");
    let pending: BTreeSet<&str> = riverside["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(pending, BTreeSet::from(["annual-review", "suicide-aware"]));
    let suicide_aware = riverside["eligibility"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "suicide-aware")
        .unwrap();
    assert_eq!(suicide_aware["eligible"], true);
    assert_eq!(suicide_aware["from"], "2026-01-22");

    let kingsmead = school(&all, "kingsmead-sixth-form");
    assert!(kingsmead["award"].is_null());
    assert_eq!(kingsmead["pending"][0]["kind"], "resubmission");
    assert_eq!(
        school(&all, "little-acorns-nursery")["pending"][0]["kind"],
        "initial"
    );
    assert_eq!(
        school(&all, "brookside-primary")["award"]["awarded_on"],
        "2026-06-17"
    );

    // A week later North Vale's review is overdue; after the meeting date the items are still
    // pending until decided.
    let later = schools(&sandbox, &dir, "2026-11-30");
    assert_eq!(
        school(&later, "north-vale-esc")["award"]["status"],
        "review-overdue"
    );

    let text = sandbox.kitemark(&[
        "schools",
        "--repo",
        dir.to_str().unwrap(),
        "--on",
        "2026-11-22",
    ]);
    assert_exit(&text, 0);
    let table = stdout(&text);
    assert!(table.starts_with("Award state on 2026-11-22"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("oakfield-primary"))
        .unwrap();
    assert!(
        row.contains("held +suicide-aware") && row.contains("2027-01-24"),
        "{row}"
    );
}

#[test]
fn an_existing_demo_is_reused_and_other_folders_are_refused() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    build(&sandbox, &dir);
    let head = stdout(&sandbox.git(&dir, &["rev-parse", "HEAD"]));

    let again = sandbox.kitemark(&["demo", "--dir", dir.to_str().unwrap(), "--no-open"]);
    assert_exit(&again, 0);
    assert!(stdout(&again).contains("Reusing"), "{}", stdout(&again));
    assert_eq!(stdout(&sandbox.git(&dir, &["rev-parse", "HEAD"])), head);

    let other = sandbox.path("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("thesis.md"), "years of work").unwrap();
    let refused = sandbox.kitemark(&["demo", "--dir", other.to_str().unwrap(), "--no-open"]);
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("never overwrites"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        std::fs::read_to_string(other.join("thesis.md")).unwrap(),
        "years of work"
    );
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);

    let empty = sandbox.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    build(&sandbox, &empty);
}

#[test]
fn the_default_folder_is_printed() {
    let sandbox = Sandbox::new();
    let out = sandbox.kitemark(&["demo", "--no-open"]);
    assert_exit(&out, 0);
    let expected = sandbox.path("home/.local/share/kitemark/demo");
    assert!(
        stdout(&out).contains(expected.to_str().unwrap()),
        "{}",
        stdout(&out)
    );
    assert!(expected.join("panel.ron").exists());
}

#[test]
fn demo_shows_an_escape_sequence_in_the_folder_name_harmlessly() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo-\x1b[31m-red");
    let arg = dir.to_str().unwrap();
    // Built, then found again: both messages name the folder.
    for wanted in ["Built the demo repository", "Reusing the demo repository"] {
        let out = sandbox.kitemark(&["demo", "--dir", arg, "--no-open"]);
        assert_exit(&out, 0);
        let text = stdout(&out);
        assert!(text.contains(wanted), "{text}");
        assert!(!text.contains('\x1b'), "{text:?}");
        assert!(text.contains("[31m-red"), "{text:?}");
    }
}

/// Days across two academic years to build the demo on: either side of 1 September, around
/// 31 December, on a leap day, and plain days between.
const DAYS: [&str; 8] = [
    "2026-08-30",
    "2026-09-02",
    "2026-12-31",
    "2027-04-10",
    "2027-08-31",
    "2027-12-30",
    "2028-02-29",
    "2028-06-20",
];

/// The meetings of a demo, by date.
fn meeting_days(dir: &Path) -> Vec<jiff::civil::Date> {
    let mut days: Vec<jiff::civil::Date> = std::fs::read_dir(dir.join("meetings"))
        .unwrap()
        .map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".ron").unwrap().parse().unwrap()
        })
        .collect();
    days.sort();
    days
}

#[test]
fn the_demo_built_on_any_day_has_its_next_meeting_ahead_and_audits_clean() {
    let sandbox = Sandbox::new();
    for on in DAYS {
        let dir = sandbox.path(&format!("demo-{on}"));
        let out = sandbox.kitemark(&[
            "demo",
            "--dir",
            dir.to_str().unwrap(),
            "--no-open",
            "--on",
            on,
        ]);
        assert_exit(&out, 0);
        let day: jiff::civil::Date = on.parse().unwrap();

        // One meeting ahead, a week or two away; every other one, and every commit, past.
        let meetings = meeting_days(&dir);
        let ahead: Vec<_> = meetings.iter().filter(|m| **m > day).collect();
        assert_eq!(ahead.len(), 1, "{on}: meetings ahead {ahead:?}");
        let days = day.until(*ahead[0]).unwrap().get_days();
        assert!(
            (2..=21).contains(&days),
            "{on}: next meeting in {days} days"
        );
        let said = stdout(&out);
        assert!(
            said.contains(&format!(
                "as on {on}: its next meeting is on {}, in {days} days",
                ahead[0]
            )),
            "{said}"
        );
        let log = stdout(&sandbox.git(&dir, &["log", "--format=%ad", "--date=short"]));
        assert!(log.lines().all(|d| d <= on), "{on}: a commit after the day");

        let audit = sandbox.kitemark(&["audit", "--repo", dir.to_str().unwrap(), "--on", on]);
        assert_exit(&audit, 0);
        assert!(
            stdout(&audit).contains(&format!(", on {on}")),
            "{}",
            stdout(&audit)
        );
        assert_exit(
            &sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]),
            0,
        );
        // The story's award states: the awards held, one expired, items pending.
        let all = schools(&sandbox, &dir, on);
        let status = |id: &str| school(&all, id)["award"]["status"].clone();
        assert_eq!(status("north-vale-esc"), "held", "{on}");
        assert_eq!(status("meadowbank-infant"), "expired", "{on}");
        assert_eq!(status("oakfield-primary"), "held", "{on}");
        assert_eq!(
            school(&all, "riverside-academy")["pending"]
                .as_array()
                .unwrap()
                .len(),
            2,
            "{on}"
        );
    }
}

/// Dates ("2026-12-02") and academic-year labels ("2026-27") in a text replaced by marks.
fn without_dates(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let digits = |from: usize, n: usize| {
        (from..from + n).all(|i| chars.get(i).is_some_and(char::is_ascii_digit))
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if digits(i, 4) && chars.get(i + 4) == Some(&'-') && digits(i + 5, 2) {
            if chars.get(i + 7) == Some(&'-') && digits(i + 8, 2) {
                out.push_str("<date>");
                i += 10;
            } else {
                out.push_str("<year>");
                i += 7;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn the_demo_built_on_two_days_tells_the_same_story() {
    let sandbox = Sandbox::new();
    let story = |on: &str| {
        let dir = sandbox.path(&format!("demo-{on}"));
        build_on(&sandbox, &dir, on);
        let subjects = stdout(&sandbox.git(&dir, &["log", "--format=%an|%s"]));
        let log = sandbox.kitemark(&["log", "--repo", dir.to_str().unwrap(), "--format", "json"]);
        assert_exit(&log, 0);
        let log: Value = serde_json::from_slice(&log.stdout).unwrap();
        let decisions: Vec<String> = log["decisions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {} {} {} by {}",
                    d["school"], d["kind"], d["outcome"], d["path"], d["recorder"]
                )
            })
            .collect();
        let all = schools(&sandbox, &dir, on);
        let states: Vec<String> = all["schools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| format!("{} {} {}", s["id"], s["award"]["status"], s["pending"]))
            .collect();
        (
            without_dates(&subjects),
            without_dates(&decisions.join("\n")),
            without_dates(&states.join("\n")),
        )
    };
    let (subjects, decisions, states) = story(DEMO_DAY);
    let (later_subjects, later_decisions, later_states) = story("2028-02-29");
    assert_eq!(subjects.lines().count(), later_subjects.lines().count());
    assert_eq!(subjects, later_subjects);
    assert_eq!(decisions, later_decisions);
    assert_eq!(states, later_states);
    assert!(decisions.contains("\"awarded\""), "{decisions}");
}

#[test]
fn demo_on_takes_a_date_as_other_commands_do() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("demo");
    let arg = dir.to_str().unwrap();
    for (bad, said) in [
        ("2027-02-30", "is not a day of the calendar"),
        ("next week", "expected a date as YYYY-MM-DD"),
    ] {
        let out = sandbox.kitemark(&["demo", "--dir", arg, "--no-open", "--on", bad]);
        assert_exit(&out, 2);
        assert!(stderr(&out).contains(said), "{}", stderr(&out));
        assert!(!dir.exists());
    }
}

/// The Kent demo built in `dir` as on `on`, and what `demo` said.
fn build_kent(sandbox: &Sandbox, dir: &Path, on: &str) -> String {
    let out = sandbox.kitemark(&[
        "demo",
        "--panel",
        "kent",
        "--dir",
        dir.to_str().unwrap(),
        "--no-open",
        "--on",
        on,
    ]);
    assert_exit(&out, 0);
    stdout(&out)
}

/// A school's pending items, as "year kind" with the meeting they wait for.
fn pending_of(all: &Value, id: &str) -> Vec<(String, String, String)> {
    school(all, id)["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["year"].as_str().unwrap().to_owned(),
                p["kind"].as_str().unwrap().to_owned(),
                p["meeting"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn the_kent_demo_built_on_any_day_validates_audits_and_tells_its_story() {
    let sandbox = Sandbox::new();
    for on in [DEMO_DAY, "2027-04-10", "2028-02-29"] {
        let dir = sandbox.path(&format!("kent-{on}"));
        let said = build_kent(&sandbox, &dir, on);
        assert!(said.contains("Kent Resilience Award Panel"), "{said}");
        let day: jiff::civil::Date = on.parse().unwrap();
        let meetings = meeting_days(&dir);
        let ahead: Vec<_> = meetings.iter().filter(|m| **m > day).collect();
        assert_eq!(ahead.len(), 1, "{on}: meetings ahead {ahead:?}");
        let next = *ahead[0];
        let days = day.until(next).unwrap().get_days();
        assert!(
            (7..=13).contains(&days),
            "{on}: next meeting in {days} days"
        );
        assert!(
            said.contains(&format!(
                "as on {on}: its next meeting is on {next}, in {days} days"
            )),
            "{said}"
        );
        let log = stdout(&sandbox.git(&dir, &["log", "--format=%ad", "--date=short"]));
        assert!(log.lines().all(|d| d <= on), "{on}: a commit after the day");

        let validate = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
        assert_exit(&validate, 0);
        assert!(
            stdout(&validate).contains(": 0 error(s), 0 warning(s)"),
            "{}",
            stdout(&validate)
        );
        let audit = sandbox.kitemark(&["audit", "--repo", dir.to_str().unwrap(), "--on", on]);
        assert_exit(&audit, 0);

        // Three Kent schools, all on the Kent rubric: one holding the award, two applying.
        let all = schools(&sandbox, &dir, on);
        let ids: BTreeSet<&str> = all["schools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            BTreeSet::from([
                "harbourside-primary",
                "hopgarden-primary",
                "orchard-vale-academy"
            ])
        );
        for s in all["schools"].as_array().unwrap() {
            assert_eq!(s["rubric"], "kent-resilience", "{on}: {}", s["id"]);
            assert!(s["years"].as_array().unwrap().len() >= 2, "{}", s["id"]);
        }
        let orchard = school(&all, "orchard-vale-academy");
        assert_eq!(orchard["award"]["status"], "held", "{on}");
        assert_eq!(orchard["award"]["award"], "resilience-award");
        assert!(school(&all, "harbourside-primary")["award"].is_null());
        assert!(school(&all, "hopgarden-primary")["award"].is_null());

        // The upcoming meeting holds both kinds of item: two applications and a review.
        let year = shift_label("2026-27", on);
        let next = next.to_string();
        assert_eq!(
            pending_of(&all, "harbourside-primary"),
            vec![(year.clone(), "award-application".into(), next.clone())]
        );
        assert_eq!(
            pending_of(&all, "hopgarden-primary"),
            vec![(year.clone(), "award-application".into(), next.clone())]
        );
        assert_eq!(
            pending_of(&all, "orchard-vale-academy"),
            vec![(year, "progress-review".into(), next)]
        );
    }
}

/// The academic-year label `label` as the demo built on `on` tells it.
fn shift_label(label: &str, on: &str) -> String {
    let day: jiff::civil::Date = on.parse().unwrap();
    let shift = kitemark::demo::plan::Shift::for_day(day).unwrap();
    let year: kitemark::model::AcademicYear = label.parse().unwrap();
    shift.year(year).unwrap().to_string()
}

#[test]
fn the_kent_demo_has_decisions_of_both_kinds_and_an_applicant_short_of_evidence() {
    use kitemark::model::format::parse_document;
    use kitemark::model::rules::evidence_checks;
    use kitemark::model::{Meeting, Rubric, SelfReview};

    let sandbox = Sandbox::new();
    let dir = sandbox.path("kent");
    build_kent(&sandbox, &dir, DEMO_DAY);

    let all = schools(&sandbox, &dir, DEMO_DAY);
    let orchard = school(&all, "orchard-vale-academy");
    assert_eq!(orchard["award"]["awarded_on"], "2025-03-12");
    assert_eq!(orchard["award"]["expires"], "2028-03-12");

    // In the history: feedback given at progress reviews, an award, and an application sent
    // back for further evidence.
    let log = sandbox.kitemark(&["log", "--repo", dir.to_str().unwrap(), "--format", "json"]);
    assert_exit(&log, 0);
    let log: Value = serde_json::from_slice(&log.stdout).unwrap();
    let decisions: BTreeSet<String> = log["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| format!("{} {} {}", d["school"], d["kind"], d["outcome"]).replace('"', ""))
        .collect();
    assert_eq!(
        decisions,
        BTreeSet::from([
            "harbourside-primary progress-review feedback-given".to_owned(),
            "orchard-vale-academy award-application awarded".to_owned(),
            "hopgarden-primary award-application further-evidence-requested".to_owned(),
        ])
    );

    // On the upcoming agenda, one application meets the award's evidence rule and the other
    // has nothing for parents and carers.
    let read = |path: &str| std::fs::read_to_string(dir.join(path)).unwrap();
    let rubric: Rubric = parse_document(&read("rubrics/kent-resilience.ron")).unwrap();
    let meeting: Meeting = parse_document(&read("meetings/2026-12-02.ron")).unwrap();
    let mut checked = Vec::new();
    for item in meeting
        .agenda
        .iter()
        .filter(|i| i.kind.as_str() == "award-application")
    {
        let review: SelfReview = parse_document(&read(&format!(
            "submissions/{}/{}/self-review.ron",
            item.school, item.year
        )))
        .unwrap();
        assert_eq!(review.stage.as_ref().unwrap().as_str(), "review-impact");
        let checks = evidence_checks(&rubric, &item.kind, &review);
        assert_eq!(checks.len(), 1);
        checked.push((
            item.school.to_string(),
            checks[0].met,
            checks[0].reason.clone(),
        ));
    }
    assert_eq!(checked.len(), 2, "{checked:?}");
    let (_, met, reason) = checked
        .iter()
        .find(|(s, ..)| s == "harbourside-primary")
        .unwrap();
    assert!(
        !met && reason.contains("Working with parents and carers (0 of 1)"),
        "{reason}"
    );
    let (_, met, reason) = checked
        .iter()
        .find(|(s, ..)| s == "hopgarden-primary")
        .unwrap();
    assert!(met, "{reason}");
}

#[test]
fn the_kent_demo_has_its_own_default_folder() {
    let sandbox = Sandbox::new();
    let out = sandbox.kitemark(&["demo", "--panel", "kent", "--no-open"]);
    assert_exit(&out, 0);
    let expected = sandbox.path("home/.local/share/kitemark/demo-kent");
    assert!(
        stdout(&out).contains(expected.to_str().unwrap()),
        "{}",
        stdout(&out)
    );
    let panel = std::fs::read_to_string(expected.join("panel.ron")).unwrap();
    assert!(
        panel.contains("default_rubric: \"kent-resilience\""),
        "{panel}"
    );
    assert!(!sandbox.path("home/.local/share/kitemark/demo").exists());
}
