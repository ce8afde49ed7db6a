//! The synthetic repositories the benchmarks run on: valid by kitemark's own checks, clean by
//! its audit, shaped like a county panel's history, and the same for the same seed.

mod common;

use common::{Sandbox, assert_exit, hermetic_git2, stdout};
use kitemark::model::{ActionPlan, SelfReview};
use kitemark::repo::PanelRepo;
use kitemark::synth::{Options, Summary, generate};

fn small(seed: u64, last_meeting_open: bool) -> Options {
    Options {
        // More schools than meetings in a year, and not a multiple of them, so that the
        // agendas differ in length.
        schools: 17,
        years: 4,
        seed,
        last_meeting_open,
        ..Options::default()
    }
}

#[test]
fn the_generated_repository_validates_and_audits_clean() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    for open in [true, false] {
        let dir = sandbox.path(if open { "open" } else { "decided" });
        let summary: Summary = generate(&dir, &small(7, open)).unwrap();
        assert_eq!(summary.submissions, 17 * 4);
        let expected_decisions = if open { 17 * 4 - 2 } else { 17 * 4 };
        assert_eq!(summary.decisions, expected_decisions);
        assert_eq!(
            summary.commits,
            1 + summary.submissions + summary.meetings + summary.decisions + summary.conditions_met
        );

        let out = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
        assert_exit(&out, 0);
        assert!(
            stdout(&out).contains("0 error(s), 0 warning(s)"),
            "{}",
            stdout(&out)
        );

        // Audited on the day of the last meeting, nothing is overdue yet.
        let last_meeting =
            stdout(&sandbox.git(&dir, &["log", "-1", "--format=%ad", "--date=short"]))
                .trim()
                .to_owned();
        let out = sandbox.kitemark(&[
            "audit",
            "--repo",
            dir.to_str().unwrap(),
            "--on",
            &last_meeting,
        ]);
        assert_exit(&out, 0);
        assert!(
            stdout(&out).contains("The history is clean"),
            "{}",
            stdout(&out)
        );

        let fsck = sandbox.git(&dir, &["fsck", "--strict", "--no-dangling"]);
        assert!(fsck.status.success(), "{fsck:?}");
        let count = stdout(&sandbox.git(&dir, &["rev-list", "--count", "main"]));
        assert_eq!(count.trim(), summary.commits.to_string());
    }
}

#[test]
fn submissions_have_the_sizes_of_real_ones() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.path("repo");
    generate(&dir, &small(3, true)).unwrap();
    let repo = PanelRepo::open(&dir).unwrap();
    let snapshot = repo.snapshot_at(None).unwrap();
    let mut plans = 0;
    for (school, files) in &snapshot.schools {
        for year in files.years.keys() {
            let review: SelfReview = repo.self_review(&snapshot, school, *year).unwrap().unwrap();
            assert_eq!(review.areas.len(), 11, "{school} {year}");
            let plan: ActionPlan = repo.action_plan(&snapshot, school, *year).unwrap().unwrap();
            assert!(
                (20..=40).contains(&plan.actions.len()),
                "{school} {year}: {} actions",
                plan.actions.len()
            );
            plans += 1;
        }
    }
    assert_eq!(plans, 17 * 4);
}

#[test]
fn the_same_seed_gives_the_same_repository() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let [a, b, c] = ["a", "b", "c"].map(|name| sandbox.path(name));
    generate(&a, &small(11, true)).unwrap();
    generate(&b, &small(11, true)).unwrap();
    generate(&c, &small(12, true)).unwrap();
    assert_eq!(
        sandbox.git_text(&a, &["rev-parse", "main"]),
        sandbox.git_text(&b, &["rev-parse", "main"])
    );
    assert_ne!(
        sandbox.git_text(&a, &["rev-parse", "main"]),
        sandbox.git_text(&c, &["rev-parse", "main"])
    );
}

#[test]
fn the_number_of_threads_changes_nothing() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let ids: Vec<String> = [1, 2, 5]
        .into_iter()
        .map(|threads| {
            let dir = sandbox.path(&format!("threads-{threads}"));
            generate(
                &dir,
                &Options {
                    threads,
                    ..small(5, true)
                },
            )
            .unwrap();
            sandbox.git_text(&dir, &["rev-parse", "main"])
        })
        .collect();
    assert_eq!(ids[0], ids[1]);
    assert_eq!(ids[0], ids[2]);
}

#[test]
fn an_existing_folder_is_refused() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let dir = sandbox.path("taken");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "mine").unwrap();
    assert!(generate(&dir, &small(1, true)).is_err());
    assert_eq!(
        std::fs::read_to_string(dir.join("keep.txt")).unwrap(),
        "mine"
    );
}
