//! The meeting's flow from the command line: readers assigned and the discussion order
//! settled (`kitemark assign`), items confirmed together (`kitemark en-bloc`), and minutes
//! that show how the meeting ran.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::{Attendance, Sandbox, assert_exit, stderr, stdout};
use kitemark::model::Panel;
use kitemark::model::format::from_ron;

const MEETING: &str = "2026-12-02";

fn panel(repo: &Path) -> Panel {
    from_ron(&std::fs::read_to_string(repo.join("panel.ron")).unwrap()).unwrap()
}

fn assign(sandbox: &Sandbox, repo: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["assign", MEETING, "--repo", repo.to_str().unwrap()];
    args.extend_from_slice(extra);
    sandbox.kitemark(&args)
}

/// The files a commit touched.
fn touched(sandbox: &Sandbox, repo: &Path, rev: &str) -> Vec<String> {
    sandbox
        .git_text(repo, &["show", "--format=", "--name-only", rev])
        .lines()
        .map(str::to_owned)
        .collect()
}

fn meeting(repo: &Path) -> kitemark::model::Meeting {
    from_ron(&std::fs::read_to_string(repo.join(format!("meetings/{MEETING}.ron"))).unwrap())
        .unwrap()
}

#[test]
fn assign_records_readers_nobody_conflicted_or_away_and_the_load_even() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    // The demo's readers are confirmed already, and kept.
    let kept = assign(&sandbox, &repo, &[]);
    assert_exit(&kept, 0);
    assert!(
        stdout(&kept).contains("kept as recorded"),
        "{}",
        stdout(&kept)
    );
    assert!(
        stdout(&kept).contains("no commit was made"),
        "{}",
        stdout(&kept)
    );
    // Without them, each item is given two.
    let path = repo.join(format!("meetings/{MEETING}.ron"));
    let mut unread = meeting(&repo);
    unread.readers.clear();
    std::fs::write(&path, kitemark::model::format::to_ron(&unread).unwrap()).unwrap();
    sandbox.git(
        &repo,
        &["commit", "-q", "-am", "Readers to be assigned again"],
    );
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let out = assign(&sandbox, &repo, &[]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Reading load:"), "{text}");
    assert!(
        text.contains("Recorded meetings/2026-12-02.ron in commit"),
        "{text}"
    );
    // One commit, by the chair, touching the meeting's file only.
    assert_eq!(
        sandbox.git_text(&repo, &["rev-list", "--count", &format!("{head}..HEAD")]),
        "1"
    );
    assert_eq!(
        touched(&sandbox, &repo, "HEAD"),
        ["meetings/2026-12-02.ron"]
    );
    assert_eq!(
        sandbox.git_text(&repo, &["log", "-1", "--format=%an"]),
        "Rosalind Adeyemi"
    );

    let panel = panel(&repo);
    let m = meeting(&repo);
    assert_eq!(m.readers.len(), m.agenda.len(), "{:?}", m.readers);
    let mut load: BTreeMap<String, usize> = panel
        .members
        .iter()
        .filter(|p| !m.apologies.contains(&p.id))
        .map(|p| (p.id.to_string(), 0))
        .collect();
    for r in &m.readers {
        for id in r.members() {
            assert!(!m.apologies.contains(id), "{id} sent apologies");
            let member = panel.member(id).unwrap();
            assert!(
                !member.affiliations.contains(&r.school),
                "{id} is affiliated"
            );
            assert!(
                m.declared_conflict(id, &r.school).is_none(),
                "{id} conflicted"
            );
            *load.get_mut(id.as_str()).unwrap() += 1;
        }
        assert_ne!(Some(&r.lead), r.second.as_ref());
    }
    let (lo, hi) = (load.values().min().unwrap(), load.values().max().unwrap());
    assert!(hi - lo <= 1, "{load:?}");
    // The audit and the validator find nothing wrong with it.
    assert_exit(
        &sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
        0,
    );

    // Run again: the readers recorded are kept, and nothing changes.
    let again = assign(&sandbox, &repo, &[]);
    assert_exit(&again, 0);
    assert!(
        stdout(&again).contains("kept as recorded"),
        "{}",
        stdout(&again)
    );
    assert!(
        stdout(&again).contains("no commit was made"),
        "{}",
        stdout(&again)
    );

    // A conflicted reader given by hand is refused, with its rule.
    let conflicted = assign(&sandbox, &repo, &["--lead", "north-vale-esc=m-oconnell"]);
    assert_exit(&conflicted, 1);
    assert!(
        stderr(&conflicted).contains("[reader-conflicted]"),
        "{}",
        stderr(&conflicted)
    );
    let away = assign(
        &sandbox,
        &repo,
        &["--second", "north-vale-esc=s-kaur", "--dry-run"],
    );
    assert_exit(&away, 1);
    assert!(
        stderr(&away).contains("[reader-absent]"),
        "{}",
        stderr(&away)
    );
    // A school with two items must be named with its year and kind.
    let ambiguous = assign(&sandbox, &repo, &["--lead", "riverside-academy=a-nowak"]);
    assert_exit(&ambiguous, 2);
    assert!(stderr(&ambiguous).contains("riverside-academy/2026-27/suicide-aware"));
    let given = assign(
        &sandbox,
        &repo,
        &["--lead", "riverside-academy/2026-27/suicide-aware=a-nowak"],
    );
    assert_exit(&given, 0);
    let m = meeting(&repo);
    let suicide_aware = m
        .readers
        .iter()
        .find(|r| r.kind.as_str() == "suicide-aware")
        .unwrap();
    assert_eq!(suicide_aware.lead.as_str(), "a-nowak");
}

#[test]
fn the_proposed_order_saves_exits_from_the_room() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    // Interleaved: a-nowak is conflicted for the first and third items, j-bennett for the
    // second and fourth; in this order they leave the room four times.
    let agenda = [
        "little-acorns-nursery/2026-27/initial",
        "kingsmead-sixth-form/2026-27/resubmission",
        "bramblefield-primary/2026-27/annual-review",
        "thornbury-academy/2026-27/initial",
        "elmwood-primary/2026-27/annual-review",
    ];
    let mut extra = vec![
        "--conflict",
        "a-nowak:little-acorns-nursery:personal:A governor of the nursery",
        "--conflict",
        "a-nowak:bramblefield-primary:personal:Her children attend the school",
        "--conflict",
        "j-bennett:kingsmead-sixth-form:professional:Advises the sixth form's pastoral team",
        "--conflict",
        "j-bennett:thornbury-academy:professional:Advises the academy's pastoral team",
    ];
    for item in agenda {
        extra.extend(["--agenda", item]);
    }
    let recorded = sandbox.meeting_with(&repo, &common::PRESENT, &common::APOLOGIES, &extra);
    assert_exit(&recorded, 0);
    // The demo's readers now conflicted are taken off their items, saying so.
    assert!(
        stderr(&recorded).contains(
            "j-bennett is no longer a reader of kingsmead-sixth-form/2026-27/resubmission"
        ),
        "{}",
        stderr(&recorded)
    );
    let out = assign(&sandbox, &repo, &["--order", "proposed"]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("keeps members out of the room 2 times instead of 4"),
        "{text}"
    );
    let m = meeting(&repo);
    let schools: Vec<&str> = m.agenda.iter().map(|i| i.school.as_str()).collect();
    assert_eq!(
        schools,
        [
            "elmwood-primary",
            "little-acorns-nursery",
            "bramblefield-primary",
            "kingsmead-sixth-form",
            "thornbury-academy"
        ]
    );
    let panel = panel(&repo);
    assert_eq!(kitemark::model::order::exits(&panel, &m, &m.agenda), 2);

    // On the demo's own agenda the order proposed never needs more exits.
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let before = meeting(&repo);
    assert_exit(&assign(&sandbox, &repo, &["--order", "proposed"]), 0);
    let after = meeting(&repo);
    let panel = self::panel(&repo);
    assert!(
        kitemark::model::order::exits(&panel, &after, &after.agenda)
            <= kitemark::model::order::exits(&panel, &before, &before.agenda)
    );
    let mut a = before.agenda.clone();
    let mut b = after.agenda.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

/// Writes a member's review of an item and commits it as that member.
fn review(sandbox: &Sandbox, repo: &Path, school: &str, kind: &str, member: &str, outcome: &str) {
    let panel = panel(repo);
    let who = panel.member(&member.parse().unwrap()).unwrap();
    let dir = repo.join(format!("reviews/{school}/2026-27/{MEETING}-{kind}"));
    std::fs::create_dir_all(&dir).unwrap();
    let text = format!(
        "(\n    school: \"{school}\",\n    year: \"2026-27\",\n    kind: \"{kind}\",\n    meeting: \"{MEETING}\",\n    reviewer: \"{member}\",\n    recommendation: \"{outcome}\",\n    summary: \"The plan follows through on last year's actions.\",\n)\n"
    );
    std::fs::write(dir.join(format!("{member}.ron")), text).unwrap();
    sandbox.git_as(repo, (&who.name, &who.email), &["add", "-A"]);
    sandbox.git_as(
        repo,
        (&who.name, &who.email),
        &["commit", "-q", "-m", &format!("Review: {school} {kind}")],
    );
}

/// The demo with its readers and reviews, and Riverside's annual review accepted by its two
/// readers too: North Vale's and Riverside's annual reviews are agreed, Bramblefield's read
/// two ways (as the demo has them).
fn reviewed(sandbox: &Sandbox) -> std::path::PathBuf {
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let m = meeting(&repo);
    let readers = |school: &str| {
        let r = m
            .readers
            .iter()
            .find(|r| r.school.as_str() == school && r.kind.as_str() == "annual-review")
            .unwrap();
        [r.lead.to_string(), r.second.as_ref().unwrap().to_string()]
    };
    for m in readers("riverside-academy") {
        review(
            sandbox,
            &repo,
            "riverside-academy",
            "annual-review",
            &m,
            "accepted",
        );
    }
    // The demo's own reviews of the others.
    for school in ["north-vale-esc", "bramblefield-primary"] {
        for m in readers(school) {
            let file = format!("reviews/{school}/2026-27/{MEETING}-annual-review/{m}.ron");
            assert!(repo.join(&file).is_file(), "{file}");
        }
    }
    repo
}

fn en_bloc(sandbox: &Sandbox, repo: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "en-bloc",
        MEETING,
        "--repo",
        repo.to_str().unwrap(),
        "--recorder",
        "t-whitlock",
        "--on",
        MEETING,
    ];
    args.extend_from_slice(extra);
    sandbox.kitemark(&args)
}

#[test]
fn items_whose_reviews_agree_are_recorded_en_bloc_one_commit_each() {
    let sandbox = Sandbox::new();
    let repo = reviewed(&sandbox);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);

    let dry = en_bloc(&sandbox, &repo, &["--dry-run"]);
    assert_exit(&dry, 0);
    let listed = stdout(&dry);
    assert!(
        listed.contains("north-vale-esc/2026-27/annual-review"),
        "{listed}"
    );
    assert!(
        listed.contains("riverside-academy/2026-27/annual-review"),
        "{listed}"
    );
    assert!(
        !listed.contains("bramblefield-primary"),
        "disagreeing: {listed}"
    );
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), head);

    let out = en_bloc(&sandbox, &repo, &[]);
    assert_exit(&out, 0);
    let commits = sandbox.git_text(&repo, &["rev-list", "--reverse", &format!("{head}..HEAD")]);
    let commits: Vec<&str> = commits.lines().collect();
    assert_eq!(commits.len(), 2, "{}", stdout(&out));
    let expected = [
        "decisions/north-vale-esc/2026-27/2026-12-02-annual-review.ron",
        "decisions/riverside-academy/2026-27/2026-12-02-annual-review.ron",
    ];
    let mut files: Vec<String> = Vec::new();
    for commit in &commits {
        let t = touched(&sandbox, &repo, commit);
        assert_eq!(t.len(), 1, "{t:?}");
        files.extend(t);
        let trailers = sandbox.git_text(
            &repo,
            &["log", "-1", "--format=%an|%(trailers:only,unfold)", commit],
        );
        assert!(trailers.starts_with("Tom Whitlock|"), "{trailers}");
        for t in [
            "Outcome: accepted",
            "Meeting: 2026-12-02",
            "Year: 2026-27",
            "En-bloc: yes",
        ] {
            assert!(trailers.contains(t), "{t}: {trailers}");
        }
        assert!(trailers.contains("School: "), "{trailers}");
    }
    files.sort();
    assert_eq!(files, expected);

    // Nothing is left to take en bloc: said, and exit 1.
    let again = en_bloc(&sandbox, &repo, &[]);
    assert_exit(&again, 1);
    assert!(
        stderr(&again).contains("nothing to record en bloc"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn an_item_pulled_stays_on_the_agenda_to_decide() {
    let sandbox = Sandbox::new();
    let repo = reviewed(&sandbox);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let out = en_bloc(&sandbox, &repo, &["--pull", "north-vale-esc"]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("pulled"), "{}", stdout(&out));
    let commits = sandbox.git_text(&repo, &["rev-list", &format!("{head}..HEAD")]);
    assert_eq!(commits.lines().count(), 1);
    assert!(
        !repo
            .join("decisions/north-vale-esc/2026-27/2026-12-02-annual-review.ron")
            .exists()
    );
    // The catalog still has it to decide at the meeting.
    let panel_repo = kitemark::repo::PanelRepo::open(&repo).unwrap();
    let snapshot = panel_repo.snapshot_at(None).unwrap();
    let (catalog, _) = panel_repo.load_catalog(&snapshot).unwrap();
    let date: jiff::civil::Date = MEETING.parse().unwrap();
    assert!(!catalog.is_decided(
        &"north-vale-esc".parse().unwrap(),
        "2026-27".parse().unwrap(),
        &"annual-review".parse().unwrap(),
        date
    ));
    assert!(catalog.is_decided(
        &"riverside-academy".parse().unwrap(),
        "2026-27".parse().unwrap(),
        &"annual-review".parse().unwrap(),
        date
    ));
    // Pulling the only one left: nothing is recorded, and it says so.
    let out = en_bloc(&sandbox, &repo, &["--pull", "north-vale-esc"]);
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains("nothing was recorded"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_item_not_proposed_is_never_recorded_en_bloc() {
    let sandbox = Sandbox::new();
    common::hermetic_git2();
    let repo = reviewed(&sandbox);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let panel_repo = kitemark::repo::PanelRepo::open(&repo).unwrap();
    let lock = panel_repo
        .lock_for_writing(std::time::Duration::from_secs(5))
        .unwrap();
    let date: jiff::civil::Date = MEETING.parse().unwrap();
    // Bramblefield's reviews disagree; Little Acorns has none.
    let items: Vec<kitemark::model::AgendaItem> = meeting(&repo)
        .agenda
        .into_iter()
        .filter(|i| {
            i.school.as_str() == "bramblefield-primary"
                || i.school.as_str() == "little-acorns-nursery"
        })
        .collect();
    assert_eq!(items.len(), 2);
    let done = kitemark::record::enbloc::record_en_bloc(
        &panel_repo,
        &lock,
        date,
        &items,
        &"t-whitlock".parse().unwrap(),
        date,
        false,
    )
    .unwrap();
    for d in &done {
        match &d.result {
            Err(kitemark::record::NotRecorded::Refused(why)) => {
                assert!(why[0].contains("is not proposed en bloc"), "{why:?}")
            }
            other => panic!("{}: {other:?}", d.item.school),
        }
    }
    assert_eq!(sandbox.git_text(&repo, &["rev-parse", "HEAD"]), head);
}

/// The proceedings of the demo's June meeting, as the chair would record them: Kestrel
/// House taken first, en bloc, then Brookside with A Nowak out of the room.
const JUNE_PROCEEDINGS: &str = r#"(
    meeting: "2026-06-17",
    opened: "10:00:00",
    closed: "10:48:00",
    items: [
        (
            school: "kestrel-house-esc",
            year: "2025-26",
            kind: "developmental-feedback",
            started: "10:02:00",
            ended: "10:06:00",
            en_bloc: true,
            decided: true,
        ),
        (
            school: "brookside-primary",
            year: "2025-26",
            kind: "initial",
            started: "10:06:00",
            ended: "10:41:00",
            left: ["a-nowak"],
            decided: true,
            notes: "The panel asked how the wellbeing lead is given time.\n# Not a heading\n[a link](https://example.org)",
        ),
    ],
    notes: "Papers were circulated a week ahead.",
)
"#;

#[test]
fn minutes_show_how_the_meeting_ran() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    std::fs::create_dir_all(repo.join("proceedings")).unwrap();
    std::fs::write(repo.join("proceedings/2026-06-17.ron"), JUNE_PROCEEDINGS).unwrap();
    let path = repo.join("meetings/2026-06-17.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let readers = "    readers: [\n        (\n            school: \"brookside-primary\",\n            year: \"2025-26\",\n            kind: \"initial\",\n            lead: \"t-whitlock\",\n            second: \"j-bennett\",\n        ),\n    ],\n)";
    let text = text.trim_end().strip_suffix(')').unwrap().to_owned() + readers + "\n";
    std::fs::write(&path, text).unwrap();
    sandbox.git(&repo, &["add", "-A"]);
    sandbox.git(&repo, &["commit", "-q", "-m", "Proceedings"]);
    assert_exit(
        &sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
        0,
    );

    let out = sandbox.export_minutes(&repo, "2026-06-17", &[]);
    assert_exit(&out, 0);
    let minutes = stdout(&out);
    for said in [
        "### How the meeting ran",
        "The meeting opened at 10:00 and closed at 10:48.",
        "Taken en bloc, with one confirmation, as their reviewers agreed: Kestrel House",
        "> Papers were circulated a week ahead.",
        "**Taken:** 10:02 to 10:06, en bloc.",
        "**Taken:** 10:06 to 10:41.",
        "**Left the room:** Anna Nowak.",
        "**Lead reviewer:** Tom Whitlock.",
        "**Second reader:** Joanne Bennett.",
        "> The panel asked how the wellbeing lead is given time.",
    ] {
        assert!(minutes.contains(said), "{said:?} in:\n{minutes}");
    }
    // In the order taken: Kestrel House first, though second on the agenda.
    let kestrel = minutes.find("#### 1. Kestrel House").expect(&minutes);
    let brookside = minutes.find("#### 2. Brookside").expect(&minutes);
    assert!(kestrel < brookside);
    // The scribe's text stays text.
    assert!(!minutes.contains("\n> # Not a heading"), "{minutes}");
    assert!(
        !minutes.contains("[a link](https://example.org)"),
        "{minutes}"
    );

    // The Word file says the same.
    let file = sandbox.path("minutes.docx");
    let docx = sandbox.export_minutes(
        &repo,
        "2026-06-17",
        &["--format", "docx", "-o", file.to_str().unwrap()],
    );
    assert_exit(&docx, 0);
    let bytes = std::fs::read(&file).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    for said in [
        "How the meeting ran",
        "Left the room",
        "Anna Nowak",
        "en bloc",
    ] {
        assert!(xml.contains(said), "{said:?} in the Word file");
    }
}
