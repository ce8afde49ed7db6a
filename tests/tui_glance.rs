//! The meeting at a glance in the interface: the agenda with each item's readers and what
//! their reviews recommend, the dialogs that assign the readers and settle the discussion
//! order, and the decision form started from the reviews and shown beside them.

mod common;

use std::path::{Path, PathBuf};

use common::tui::{Harness, MEETING_DAY};
use common::{Attendance, Sandbox, hermetic_git2};
use kitemark::tui::theme::ThemeKind;

const WHEN: &str = "2026-11-20T09:00:00+00:00";

/// A member's name and email, as panel.ron gives them: the author of their review.
fn who(member: &str) -> (&'static str, &'static str) {
    match member {
        "t-whitlock" => (
            "Tom Whitlock",
            "tom.whitlock@herts-publichealth.example.org",
        ),
        "a-nowak" => ("Anna Nowak", "anna.nowak@hertsforlearning.example.org"),
        "j-bennett" => ("Joanne Bennett", "joanne.bennett@herts-dspl.example.org"),
        "l-fraser" => (
            "Lorna Fraser",
            "lorna.fraser@castlebrook-school.example.sch.uk",
        ),
        _ => (
            "Rosalind Adeyemi",
            "rosalind.adeyemi@hertfordshire-cc.example.org",
        ),
    }
}

/// The readers of two items of the meeting of 2026-12-02 changed from the demo's, committed
/// by the chair: Little Acorns read by Joanne Bennett and Lorna Fraser, Riverside Academy's
/// annual review by Tom Whitlock and Anna Nowak.
fn with_readers(sandbox: &Sandbox, repo: &Path) {
    let path = repo.join("meetings/2026-12-02.ron");
    let mut meeting = meeting_file(repo);
    for ((school, kind), (lead, second)) in [
        (
            ("little-acorns-nursery", "initial"),
            ("j-bennett", "l-fraser"),
        ),
        (
            ("riverside-academy", "annual-review"),
            ("t-whitlock", "a-nowak"),
        ),
    ] {
        let readers = meeting
            .readers
            .iter_mut()
            .find(|r| r.school.as_str() == school && r.kind.as_str() == kind)
            .unwrap_or_else(|| panic!("the demo has readers for {school} {kind}"));
        readers.lead = lead.parse().unwrap();
        readers.second = Some(second.parse().unwrap());
    }
    std::fs::write(&path, kitemark::model::format::to_ron(&meeting).unwrap()).unwrap();
    sandbox.git_at(
        repo,
        who("r-adeyemi"),
        WHEN,
        &["commit", "-q", "-am", "Readers"],
    );
}

/// A member's review of an item of the meeting of 2026-12-02, committed as its author.
fn review(
    sandbox: &Sandbox,
    repo: &Path,
    (school, kind): (&str, &str),
    member: &str,
    recommendation: &str,
    summary: &str,
    area: Option<(&str, &str)>,
) {
    let dir = repo.join(format!("reviews/{school}/2026-27/2026-12-02-{kind}"));
    std::fs::create_dir_all(&dir).unwrap();
    let areas = area.map_or_else(String::new, |(a, n)| {
        format!("(area: \"{a}\", note: \"{n}\")")
    });
    let text = format!(
        "(\n    school: \"{school}\",\n    year: \"2026-27\",\n    kind: \"{kind}\",\n    meeting: \"2026-12-02\",\n    reviewer: \"{member}\",\n    recommendation: \"{recommendation}\",\n    summary: \"{summary}\",\n    areas: [{areas}],\n    questions: [\"How are pupils' views gathered in Year 7?\"],\n)\n"
    );
    std::fs::write(dir.join(format!("{member}.ron")), text).unwrap();
    sandbox.git(repo, &["add", "-A"]);
    sandbox.git_at(
        repo,
        who(member),
        WHEN,
        &[
            "commit",
            "-q",
            "-m",
            &format!("Review of {school} by {member}"),
        ],
    );
}

/// The demo with attendance, readers for two items, both reviews of Riverside's annual
/// review (which disagree) and one of Little Acorns' two.
fn reviewed_demo(sandbox: &Sandbox) -> PathBuf {
    hermetic_git2();
    let repo = sandbox.demo_with_attendance(Attendance::Pinned);
    with_readers(sandbox, &repo);
    let riverside = ("riverside-academy", "annual-review");
    review(
        sandbox,
        &repo,
        riverside,
        "t-whitlock",
        "accepted",
        "A settled year: the wellbeing lead has kept the peer mentors going and staff supervision is now termly.",
        Some((
            "leadership-management",
            "Governors receive a termly wellbeing report.",
        )),
    );
    review(
        sandbox,
        &repo,
        riverside,
        "a-nowak",
        "accepted-with-conditions",
        "The action plan's targets for Year 9 were not met and need a date.",
        None,
    );
    review(
        sandbox,
        &repo,
        ("little-acorns-nursery", "initial"),
        "j-bennett",
        "awarded",
        "A strong first application with clear evidence from families.",
        None,
    );
    repo
}

#[test]
fn the_agenda_shows_readers_reviews_and_where_they_disagree() {
    let sandbox = Sandbox::new();
    let repo = reviewed_demo(&sandbox);
    for (w, h) in [(80, 24), (120, 40), (160, 48)] {
        let mut ui = Harness::open(&repo, w, h, ThemeKind::Default, true);
        ui.keys("jj");
        let screen = ui.screen();
        let riverside = screen
            .lines()
            .find(|l| l.contains("Riverside") && l.to_lowercase().contains("annual"))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(riverside.contains("2/2 ⚑"), "{screen}");
        assert!(riverside.contains("Whitlock"), "{screen}");
        let acorns = screen
            .lines()
            .find(|l| l.contains("Little Acorns"))
            .unwrap_or_else(|| panic!("{screen}"));
        assert!(acorns.contains("1/2"), "{screen}");
        assert!(!acorns.contains('⚑'), "{screen}");
        if w >= 160 {
            assert!(riverside.contains("accepted ×1 · accepted"), "{screen}");
        }
        // The details name each reader and what they recommend.
        assert!(screen.contains("lead Tom Whitlock: accepted"), "{screen}");
        assert!(screen.contains("⚑ the reviews disagree"), "{screen}");
        if w <= 120 {
            insta::assert_snapshot!(format!("agenda_reviews_{w}x{h}"), screen);
        }
    }
}

#[test]
fn the_agenda_marks_an_item_with_a_decision_drafted() {
    let sandbox = Sandbox::new();
    let repo = reviewed_demo(&sandbox);
    let dir = repo.join(".git/kitemark/drafts");
    std::fs::create_dir_all(&dir).unwrap();
    let draft = "(school: \"riverside-academy\", year: \"2026-27\", kind: \"annual-review\", meeting: \"2026-12-02\", feedback: \"A settled year.\")";
    std::fs::write(
        dir.join("decision_riverside-academy_2026-27_annual-review_2026-12-02.ron"),
        draft,
    )
    .unwrap();
    let mut ui = Harness::open(&repo, 120, 40, ThemeKind::HighContrast, true);
    let screen = ui.screen();
    let riverside = screen
        .lines()
        .find(|l| l.contains("Riverside") && l.contains("Annual"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(riverside.contains("✎ drafted"), "{screen}");
    let acorns = screen
        .lines()
        .find(|l| l.contains("Little Acorns"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(!acorns.contains('✎'), "{screen}");
}

/// The decision form's field shown selected (`▸`) in its list of fields, if any.
fn selected_field(screen: &str) -> Option<&str> {
    screen
        .lines()
        .find_map(|l| l.split_once("┃▸").or_else(|| l.split_once("│▸")))
        .map(|(_, field)| field)
}

/// Selects the decision form's field whose label starts with `label`, moving through the list
/// of fields by what it shows rather than by where the field stands in it.
fn select_field(ui: &mut Harness, label: &str) {
    for key in ["k", "j"] {
        for _ in 0..30 {
            let screen = ui.screen();
            if selected_field(&screen).is_some_and(|f| {
                f.chars()
                    .skip(1)
                    .collect::<String>()
                    .trim_start()
                    .starts_with(label)
            }) {
                return;
            }
            ui.keys(key);
        }
    }
    panic!("no field {label:?} in the form:\n{}", ui.screen());
}

#[test]
fn the_decision_form_starts_from_the_lead_review_and_shows_every_review() {
    let sandbox = Sandbox::new();
    let repo = reviewed_demo(&sandbox);
    for (w, h) in [(120, 40), (80, 24)] {
        let mut ui = Harness::open_on(&repo, MEETING_DAY, w, h, ThemeKind::Default, true);
        // Riverside Academy's annual review, and the members' reviews beside the form.
        ui.keys("jje");
        select_field(&mut ui, "Members' rev");
        let screen = ui.screen();
        assert!(screen.contains("Members' reviews · 2/2 ⚑"), "{screen}");
        assert!(screen.contains("Tom Whitlock · lead"), "{screen}");
        assert!(screen.contains("Anna Nowak · second"), "{screen}");
        insta::assert_snapshot!(format!("decision_reviews_{w}x{h}"), screen);
        // The outcome is the lead's recommendation; the feedback is the lead's summary.
        select_field(&mut ui, "Outcome");
        let screen = ui.screen();
        assert!(screen.contains("✓ Outcome"), "{screen}");
        assert!(screen.contains("◉ Accepted"), "{screen}");
        assert!(screen.contains("○ Accepted with conditions"), "{screen}");
        ui.keys("<Esc>");
    }
    // Nothing typed: nothing is kept as a draft.
    assert!(
        !repo
            .join(".git/kitemark/drafts/decision_riverside-academy_2026-27_annual-review_2026-12-02.ron")
            .exists()
    );
}

/// The commits on `main` since `from`, and the files the newest changed.
fn since(sandbox: &Sandbox, repo: &Path, from: &str) -> (usize, Vec<String>) {
    let count = sandbox
        .git_text(repo, &["rev-list", "--count", &format!("{from}..HEAD")])
        .parse()
        .unwrap();
    let files = sandbox
        .git_text(repo, &["show", "--name-only", "--format=", "HEAD"])
        .lines()
        .map(str::to_owned)
        .collect();
    (count, files)
}

fn meeting_file(repo: &Path) -> kitemark::model::Meeting {
    let text = std::fs::read_to_string(repo.join("meetings/2026-12-02.ron")).unwrap();
    kitemark::model::format::from_ron(&text).unwrap()
}

#[test]
fn readers_assigned_in_the_dialog_are_recorded_in_one_commit_of_the_meeting() {
    let sandbox = Sandbox::new();
    hermetic_git2();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    // The meeting as it stands before its readers are assigned: the demo's taken off.
    let mut meeting = meeting_file(&repo);
    assert!(!meeting.readers.is_empty(), "the demo has readers");
    meeting.readers.clear();
    std::fs::write(
        repo.join("meetings/2026-12-02.ron"),
        kitemark::model::format::to_ron(&meeting).unwrap(),
    )
    .unwrap();
    sandbox.git_at(
        &repo,
        who("r-adeyemi"),
        WHEN,
        &["commit", "-q", "-am", "Readers not yet assigned"],
    );
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let mut ui = Harness::open(&repo, 120, 40, ThemeKind::Default, true);
    ui.keys("A");
    let screen = ui.screen();
    assert!(screen.contains("Readers of the agenda"), "{screen}");
    assert!(screen.contains("suggested"), "{screen}");
    assert!(screen.contains("Reading each:"), "{screen}");
    // The chair gives the first item's second reading to another member, then records.
    ui.keys("<Tab><Right><Enter>");
    ui.wait_until("the readers recorded", |ui| {
        ui.screen().contains("Recorded in commit")
    });
    let (commits, files) = since(&sandbox, &repo, &head);
    assert_eq!(commits, 1);
    assert_eq!(files, ["meetings/2026-12-02.ron"]);
    let meeting = meeting_file(&repo);
    assert_eq!(meeting.readers.len(), meeting.agenda.len());
    let panel = kitemark::model::format::from_ron::<kitemark::model::Panel>(
        &std::fs::read_to_string(repo.join("panel.ron")).unwrap(),
    )
    .unwrap();
    for r in &meeting.readers {
        for m in r.members() {
            assert!(
                kitemark::model::assign::may_read(&panel, &meeting, m, &r.school),
                "{m} may not read {}",
                r.school
            );
        }
        assert_ne!(Some(&r.lead), r.second.as_ref());
    }
    // Opened again, the dialog shows them as recorded.
    ui.keys("A");
    assert!(ui.screen().contains("recorded"), "{}", ui.screen());
}

#[test]
fn the_order_dialog_saves_exits_and_records_the_order() {
    let sandbox = Sandbox::new();
    hermetic_git2();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let path = repo.join("meetings/2026-12-02.ron");
    // Tom Whitlock is conflicted for the first and seventh items, Anna Nowak for the second
    // and eighth: in the agenda's order they go out and come back again and again. Tom
    // Whitlock, the demo's second reader of the first, gives that reading to Anna Nowak.
    let mut meeting = meeting_file(&repo);
    let conflict = |member: &str, school: &str, kind, reason: &str| kitemark::model::Conflict {
        member: member.parse().unwrap(),
        school: school.parse().unwrap(),
        kind,
        reason: reason.to_owned(),
    };
    use kitemark::model::ConflictKind::{Institutional, Personal};
    let extra = [
        conflict(
            "t-whitlock",
            "little-acorns-nursery",
            Personal,
            "A parent at the nursery.",
        ),
        conflict(
            "t-whitlock",
            "thornbury-academy",
            Personal,
            "A governor of the academy.",
        ),
        conflict(
            "a-nowak",
            "kingsmead-sixth-form",
            Institutional,
            "Advised the college on its application.",
        ),
        conflict(
            "a-nowak",
            "elmwood-primary",
            Institutional,
            "Trained the school's staff this year.",
        ),
    ];
    meeting.conflicts.splice(0..0, extra);
    let acorns = meeting
        .readers
        .iter_mut()
        .find(|r| r.school.as_str() == "little-acorns-nursery")
        .unwrap();
    assert_eq!(
        acorns.second.as_ref().map(|m| m.as_str()),
        Some("t-whitlock")
    );
    acorns.second = Some("a-nowak".parse().unwrap());
    for r in &meeting.readers {
        for m in r.members() {
            assert!(
                !meeting
                    .conflicts
                    .iter()
                    .any(|c| &c.member == m && c.school == r.school),
                "{m} reads {} and is conflicted",
                r.school
            );
        }
    }
    std::fs::write(&path, kitemark::model::format::to_ron(&meeting).unwrap()).unwrap();
    sandbox.git_at(
        &repo,
        who("r-adeyemi"),
        WHEN,
        &["commit", "-q", "-am", "Conflicts"],
    );
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let before = meeting_file(&repo);
    let mut ui = Harness::open(&repo, 120, 40, ThemeKind::Default, true);
    ui.keys("O");
    let screen = ui.screen();
    assert!(screen.contains("Discussion order"), "{screen}");
    let saving = screen
        .lines()
        .find(|l| l.contains("Members leave the room"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(saving.contains("instead of"), "{screen}");
    assert!(screen.contains("leave: Whitlock"), "{screen}");
    // Moving Little Acorns (sixth in the proposal) up, away from Thornbury, which also sends
    // Tom Whitlock out, costs an exit, and the count says so as it goes.
    ui.keys("jjjjjK");
    let moved = ui.screen();
    assert_ne!(
        moved.lines().find(|l| l.contains("Members leave the room")),
        Some(saving),
        "{moved}"
    );
    ui.keys("J<Enter>");
    ui.wait_until("the order recorded", |ui| {
        ui.screen().contains("Recorded in commit")
    });
    let (commits, files) = since(&sandbox, &repo, &head);
    assert_eq!(commits, 1);
    assert_eq!(files, ["meetings/2026-12-02.ron"]);
    let after = meeting_file(&repo);
    assert_ne!(after.agenda, before.agenda);
    let mut a = after.agenda.clone();
    let mut b = before.agenda.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b);
    let panel = kitemark::model::format::from_ron::<kitemark::model::Panel>(
        &std::fs::read_to_string(repo.join("panel.ron")).unwrap(),
    )
    .unwrap();
    use kitemark::model::order::exits;
    assert!(exits(&panel, &after, &after.agenda) < exits(&panel, &before, &before.agenda));
}

#[test]
fn the_dialogs_at_80x24() {
    let sandbox = Sandbox::new();
    let repo = reviewed_demo(&sandbox);
    let mut ui = Harness::open(&repo, 80, 24, ThemeKind::Default, true);
    ui.keys("A");
    let screen = ui.screen();
    assert!(screen.contains("recorded"), "{screen}");
    insta::assert_snapshot!("readers_dialog_80x24", screen);
    ui.keys("<Esc>O");
    let screen = ui.screen();
    assert!(screen.contains("Members leave the room"), "{screen}");
    insta::assert_snapshot!("order_dialog_80x24", screen);
    ui.keys("<Esc>");
    assert!(!ui.screen().contains("Discussion order"), "{}", ui.screen());
}
