//! A framework's redesign carried over: a school two years on the HYMH kitemark and the third
//! on the Mentally Healthy Schools Mark that succeeds it. Its old years stay valid, its award
//! continues, its actions are compared and laid out in the areas they became.

mod common;

use std::path::Path;

use common::succession::{SCHOOL, TODAY, YEARS};
use common::tui::Harness;
use common::{Sandbox, assert_exit, hermetic_git2, stderr, stdout};
use kitemark::tui::theme::ThemeKind;

fn repo_arg(repo: &Path) -> &str {
    repo.to_str().unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

#[test]
fn the_years_on_the_old_framework_stay_valid() {
    let sandbox = Sandbox::new();
    let repo = sandbox.moved_framework(true);
    let out = sandbox.kitemark(&["validate", "--repo", repo_arg(&repo)]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains(" 0 error(s), 0 warning(s)"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_broken_mapping_is_reported_where_it_is() {
    let sandbox = Sandbox::new();
    let repo = sandbox.moved_framework(false);
    let path = repo.join("rubrics/herts-schools-mark.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    // Staff wellbeing left out, a target that is no area, and policy and planning mapped twice.
    let broken = text
        .replace(
            "            (\n                from: \"staff-wellbeing\",\n                to: [\n                    \"staff-development\",\n                ],\n            ),\n",
            "",
        )
        .replace(
            "from: \"parents-carers\",\n                to: [\n                    \"parents-carers\",",
            "from: \"parents-carers\",\n                to: [\n                    \"families\",",
        )
        .replace(
            "from: \"ethos-environment\",",
            "from: \"policy-planning\",",
        );
    assert_ne!(broken, text);
    std::fs::write(&path, broken).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Mapping edited"]);
    let out = sandbox.kitemark(&["validate", "--repo", repo_arg(&repo)]);
    assert_exit(&out, 1);
    let report = stdout(&out);
    let line_of = |needle: &str| -> String {
        report
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no {needle:?} in:\n{report}"))
            .to_owned()
    };
    let unmapped = line_of(
        "\"staff-wellbeing\" (Staff health and wellbeing) of \"hymh-kitemark\" is not mapped",
    );
    let twice = line_of("old area \"policy-planning\" is mapped more than once");
    let no_area = line_of("is mapped to \"families\", which is not an area of this rubric");
    let unmapped_too =
        line_of("\"ethos-environment\" (Ethos and environment) of \"hymh-kitemark\" is not mapped");
    let at = |line: &str| -> (usize, usize) {
        let rest = line
            .strip_prefix("rubrics/herts-schools-mark.ron:")
            .unwrap_or_else(|| panic!("{line}"));
        let mut parts = rest.split(':');
        (
            parts.next().unwrap().parse().unwrap(),
            parts.next().unwrap().parse().unwrap(),
        )
    };
    let file = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = file.lines().collect();
    let text_at = |(line, col): (usize, usize)| lines[line - 1][col - 1..].to_owned();
    assert_eq!(text_at(at(&unmapped)), "rubric: \"hymh-kitemark\",");
    assert_eq!(text_at(at(&unmapped_too)), "rubric: \"hymh-kitemark\",");
    assert_eq!(text_at(at(&no_area)), "from: \"parents-carers\",");
    // The second of the two entries for policy and planning is pointed at.
    let (twice_line, _) = at(&twice);
    assert_eq!(text_at(at(&twice)), "from: \"policy-planning\",");
    assert!(
        lines[..twice_line - 1]
            .iter()
            .any(|l| l.contains("from: \"policy-planning\"")),
        "{report}"
    );
}

#[test]
fn a_succession_that_goes_round_in_a_circle_is_reported() {
    let sandbox = Sandbox::new();
    let repo = sandbox.moved_framework(false);
    let path = repo.join("rubrics/hymh-kitemark.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let mark = std::fs::read_to_string(repo.join("rubrics/herts-schools-mark.ron")).unwrap();
    let succession = &mark[mark.find("    succeeds: (").unwrap()..mark.rfind(')').unwrap()];
    // The kitemark made to succeed the mark that succeeds it, mapping each area to itself.
    let mut back = succession
        .replace("\"hymh-kitemark\"", "\"herts-schools-mark\"")
        .replace(
            "from: \"kitemark\",\n                to: \"schools-mark\"",
            "from: \"schools-mark\",\n                to: \"kitemark\"",
        );
    back = back.replace(
        "to: [\n                    \"targeted-support\",\n                    \"identifying-need\",\n                ],",
        "to: [\n                    \"suicide-awareness\",\n                ],",
    );
    let edited = format!("{}{back})\n", &text[..text.rfind(')').unwrap()]);
    std::fs::write(&path, edited).unwrap();
    sandbox.git(&repo, &["commit", "-q", "-am", "Succession both ways"]);
    let out = sandbox.kitemark(&["validate", "--repo", repo_arg(&repo)]);
    assert_exit(&out, 1);
    let report = stdout(&out);
    assert!(
        report
            .lines()
            .any(|l| l.starts_with("rubrics/hymh-kitemark.ron:")
                && l.contains(
                    "goes round in a circle (hymh-kitemark → herts-schools-mark → hymh-kitemark)"
                )),
        "{report}"
    );
}

#[test]
fn the_award_of_the_old_framework_continues_under_the_new() {
    let sandbox = Sandbox::new();
    // The annual review under the new mark is recorded: the kitemark held satisfies its
    // eligibility rule (the mark held), which `decide` checks.
    let repo = sandbox.moved_framework(true);
    let out = sandbox.kitemark(&[
        "schools",
        "--repo",
        repo_arg(&repo),
        "--on",
        TODAY,
        "--format",
        "json",
    ]);
    assert_exit(&out, 0);
    let schools = json(&out);
    let oak = &schools["schools"][0];
    assert_eq!(oak["rubric"], "herts-schools-mark");
    let award = &oak["award"];
    assert_eq!(award["award"], "kitemark", "{oak:#}");
    assert_eq!(award["status"], "held");
    assert_eq!(award["expires"], "2027-01-17");
    assert_eq!(
        award["reviews_accepted"], 2,
        "both annual reviews count, the second under the new mark"
    );
    let eligible = &oak["eligibility"][0];
    assert_eq!(eligible["rule"], "mark-held");
    assert_eq!(eligible["eligible"], true, "{eligible:#}");
    assert!(
        eligible["reason"]
            .as_str()
            .unwrap()
            .contains("honoured as Hertfordshire Mentally Healthy Schools Mark"),
        "{eligible:#}"
    );

    let out = sandbox.kitemark(&["schools", "--repo", repo_arg(&repo), "--on", TODAY]);
    let table = stdout(&out);
    let row = table.lines().find(|l| l.starts_with("oak")).unwrap();
    assert!(
        row.contains("held") && row.contains("2027-01-17"),
        "{table}"
    );

    // The history, read against each year's own framework, is clean.
    let (code, audit) = sandbox.audit_json(&repo, &["--on", TODAY]);
    assert_eq!(code, 0, "{audit:#}");
    // The minutes of a kitemark meeting put its decision in the kitemark's words.
    let out = sandbox.kitemark(&[
        "export",
        "minutes",
        "--meeting",
        "2024-01-17",
        "--repo",
        repo_arg(&repo),
    ]);
    assert_exit(&out, 0);
    assert!(
        stdout(&out).contains("**Decision:** Awarded."),
        "{}",
        stdout(&out)
    );
    // When the kitemark runs out, it is no longer held.
    let out = sandbox.kitemark(&[
        "schools",
        "--repo",
        repo_arg(&repo),
        "--on",
        "2027-02-01",
        "--format",
        "json",
    ]);
    assert_eq!(json(&out)["schools"][0]["award"]["status"], "expired");
}

#[test]
fn comparing_across_the_change_carries_every_action_over() {
    let sandbox = Sandbox::new();
    let repo = sandbox.moved_framework(false);
    let out = sandbox.kitemark(&[
        "diff",
        SCHOOL,
        "--repo",
        repo_arg(&repo),
        "--format",
        "json",
    ]);
    assert_exit(&out, 0);
    let diff = json(&out);
    assert_eq!(diff["framework"]["from"], "hymh-kitemark");
    assert_eq!(diff["framework"]["to"], "herts-schools-mark");
    let pairs: Vec<&serde_json::Value> = diff["plan"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["pairs"].as_array().unwrap())
        .collect();
    let changes = |id: &str| -> Vec<String> {
        let pair = pairs
            .iter()
            .find(|p| p["later"]["id"] == id || p["earlier"]["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"));
        pair["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["change"].as_str().unwrap().to_owned())
            .collect()
    };
    for pair in &pairs {
        let id = pair["later"]["id"]
            .as_str()
            .or(pair["earlier"]["id"].as_str())
            .unwrap();
        let fate = pair["fate"].as_str().unwrap();
        if id == "LM-2" {
            assert_eq!(fate, "new");
        } else {
            assert_ne!(fate, "new", "{pair:#}");
            assert_ne!(fate, "dropped", "{pair:#}");
        }
        assert!(!changes(id).contains(&"moved".to_owned()), "{pair:#}");
    }
    for id in ["PP-1", "SW-1", "SA-1", "SA-2"] {
        assert!(changes(id).contains(&"carried-over".to_owned()), "{id}");
    }
    for id in ["LM-1", "SV-1", "TS-1"] {
        assert!(!changes(id).contains(&"carried-over".to_owned()), "{id}");
    }
    assert_eq!(diff["plan"]["summary"]["new"], 1);
    assert_eq!(diff["plan"]["summary"]["dropped"], 0);

    // The text says the framework changed and where each action came from.
    let out = sandbox.kitemark(&[
        "diff",
        SCHOOL,
        "--repo",
        repo_arg(&repo),
        "--from",
        YEARS[0],
        "--color",
        "never",
        "--width",
        "320",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.lines().nth(1).unwrap().starts_with(
            "Framework changed: 2023-24 under the HYMH kitemark, 2025-26 under the Schools Mark"
        ),
        "{text}"
    );
    assert!(text.contains("+1 new ·"), "{text}");
    assert!(text.contains(" 0 dropped "), "{text}");
    assert!(
        text.contains("[moved from Policy and planning (HYMH kitemark)]"),
        "{text}"
    );
    assert!(
        text.contains("[moved from Staff health and wellbeing (HYMH kitemark)]"),
        "{text}"
    );
    assert!(
        text.contains(
            "[moved from Suicide awareness, safeguarding and transitions (HYMH kitemark)]"
        ),
        "{text}"
    );
    // Two years on one framework are compared as before.
    let out = sandbox.kitemark(&[
        "diff",
        SCHOOL,
        "--repo",
        repo_arg(&repo),
        "--from",
        YEARS[0],
        "--to",
        YEARS[1],
        "--color",
        "never",
    ]);
    assert!(
        !stdout(&out).contains("Framework changed"),
        "{}",
        stdout(&out)
    );
    let _ = stderr(&out);
}

#[test]
fn the_comparison_screen_says_the_framework_changed() {
    hermetic_git2();
    let sandbox = Sandbox::new();
    let repo = sandbox.moved_framework(false);
    let mut ui = Harness::open_on(
        &repo,
        TODAY.parse().unwrap(),
        160,
        48,
        ThemeKind::Default,
        false,
    );
    ui.keys("<Enter>");
    ui.keys("d");
    ui.settle();
    let screen = ui.screen();
    assert!(
        screen.contains(
            "Framework changed: 2024-25 under the HYMH kitemark, 2025-26 under the Schools Mark"
        ),
        "{screen}"
    );
    assert!(
        screen.contains("moved from Policy and planning (HYMH kitemark)"),
        "{screen}"
    );
    assert!(
        screen.contains("+1 new · 12 carried · 0 done · 0 dropped"),
        "{screen}"
    );
}

#[test]
fn next_years_template_in_the_new_framework() {
    let sandbox = Sandbox::new();
    let repo = sandbox.moved_framework(false);
    let out = sandbox.kitemark(&[
        "template",
        SCHOOL,
        YEARS[1],
        "--repo",
        repo_arg(&repo),
        "--rubric",
        "herts-schools-mark",
    ]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(
        text.contains("// Laid out in the Schools Mark (herts-schools-mark), which replaces the HYMH kitemark."),
        "{text}"
    );
    assert!(
        text.contains("PP-1 policy-planning → leadership-management"),
        "{text}"
    );
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let plan: kitemark::model::ActionPlan = kitemark::model::format::from_ron(&body).unwrap();
    let mark = common::succession::rubric("herts-schools-mark");
    let area_of = |id: &str| {
        plan.actions
            .iter()
            .find(|a| a.id.as_str() == id)
            .unwrap()
            .area
            .to_string()
    };
    assert_eq!(plan.actions.len(), 12, "ids kept, none finished in 2023-24");
    assert!(plan.actions.iter().all(|a| mark.area(&a.area).is_some()));
    assert_eq!(area_of("PP-1"), "leadership-management");
    assert_eq!(area_of("SW-1"), "staff-development");
    assert_eq!(
        area_of("SA-1"),
        "targeted-support",
        "a split area's actions go to its first area"
    );
    assert_eq!(area_of("SV-1"), "student-voice");
    // In the new framework's order of areas.
    let order: Vec<usize> = plan
        .actions
        .iter()
        .map(|a| mark.areas.iter().position(|m| m.id == a.area).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");

    // A framework that does not succeed the plan's is refused.
    let out = sandbox.kitemark(&[
        "template",
        SCHOOL,
        "2026-27",
        "--repo",
        repo_arg(&repo),
        "--rubric",
        "hymh-kitemark",
    ]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("hymh-kitemark does not succeed herts-schools-mark"),
        "{}",
        stderr(&out)
    );
}
