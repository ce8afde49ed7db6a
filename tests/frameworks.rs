//! Every bundled framework through the whole flow on the demo's data: a submission compared
//! year on year, a decision recorded, its letter, `schools --format json` and the audit, with
//! the numbers particular to each framework worked out here from the files themselves.

mod common;

use std::path::Path;

use common::tui::Harness;
use common::{Attendance, Sandbox, assert_exit, findings_of, stdout};
use kitemark::tui::theme::ThemeKind;

/// The points a self-review's `scores` maps give, criterion by criterion, read from the file's
/// text rather than through the tool: `("lm-1", 2)`.
fn scores_in(text: &str) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with("scores: {") {
            inside = true;
            continue;
        }
        if inside && line.starts_with('}') {
            inside = false;
            continue;
        }
        if inside && let Some((id, points)) = line.trim_end_matches(',').split_once(':') {
            out.push((
                id.trim().trim_matches('"').to_owned(),
                points.trim().parse().unwrap(),
            ));
        }
    }
    out
}

/// The graded mark's grade for a total, by the boundaries its rubric file states.
fn mark_grade(total: u32) -> &'static str {
    match total {
        50.. => "Advanced",
        32.. => "Effective",
        _ => "Developing",
    }
}

fn read(repo: &Path, path: &str) -> String {
    std::fs::read_to_string(repo.join(path)).unwrap()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert_exit(out, 0);
    serde_json::from_str(&stdout(out)).unwrap()
}

fn school<'a>(schools: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    schools["schools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("{id} is not in `schools`"))
}

fn item<'a>(school: &'a str, kind: &'a str, outcome: &'a str) -> [&'a str; 8] {
    [
        school,
        "2026-27",
        "--kind",
        kind,
        "--outcome",
        outcome,
        "--meeting",
        "2026-12-02",
    ]
}

const ON: &str = "2026-12-02";

/// The audit's findings about one school on the meeting day. (The demo's story leaves another
/// school's annual review, due before the meeting, to be decided at it.)
fn audit_of(sb: &Sandbox, repo: &Path, school_id: &str) -> Vec<serde_json::Value> {
    let (_, audit) = sb.audit_json(repo, &["--on", ON]);
    audit["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["school"] == school_id)
        .cloned()
        .collect()
}

#[test]
fn the_graded_mark_scores_grades_moderates_and_states_the_grade() {
    let sb = Sandbox::new();
    let repo = sb.demo_with_attendance(Attendance::Recorded);
    let r = repo.to_str().unwrap();
    let school_id = "bramblefield-primary";
    let total = |year: &str| -> u32 {
        scores_in(&read(
            &repo,
            &format!("submissions/{school_id}/{year}/self-review.ron"),
        ))
        .iter()
        .map(|(_, p)| p)
        .sum()
    };
    let (before, after) = (total("2025-26"), total("2026-27"));
    assert!(after > before, "the story has the school's scores rising");

    // Compared: the total and the grade moving, and each criterion's points.
    let out = sb.kitemark(&[
        "diff", school_id, "2026-27", "--repo", r, "--format", "json",
    ]);
    let diff = json(&out);
    let expected = format!(
        "score {before} → {after} of 63 · {}",
        if mark_grade(before) == mark_grade(after) {
            mark_grade(after).to_owned()
        } else {
            format!("{} → {}", mark_grade(before), mark_grade(after))
        }
    );
    let summary = diff["summary_text"].as_str().unwrap();
    assert!(summary.ends_with(&expected), "{summary}");
    assert_eq!(diff["score"]["later"]["total"], after);
    let moved: Vec<&serde_json::Value> = diff["review"]["areas"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["scores"].as_array().into_iter().flatten())
        .filter(|s| s["earlier"] != s["later"])
        .collect();
    assert!(!moved.is_empty(), "criteria whose points moved are listed");

    // Decided: the panel moderates one criterion down by a point; the grade recorded is the
    // one the moderated total earns.
    let later = scores_in(&read(
        &repo,
        &format!("submissions/{school_id}/2026-27/self-review.ron"),
    ));
    let (criterion, points) = later.iter().find(|(_, p)| *p > 1).unwrap().clone();
    let moderate = format!("{criterion}={}", points - 1);
    let extra = [
        "--recorder",
        "r-adeyemi",
        "--feedback",
        "A year of real progress.",
        "--moderate",
        &moderate,
        "--moderation-reason",
        "The evidence shows this in some classes only.",
    ];
    let out = sb
        .decide_command(&repo, &item(school_id, "annual-review", "accepted"), &extra)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let grade = mark_grade(after - 1);
    let file = read(
        &repo,
        &format!("decisions/{school_id}/2026-27/2026-12-02-annual-review.ron"),
    );
    assert!(
        file.contains(&format!("grade: \"{}\"", grade.to_lowercase())),
        "{file}"
    );
    assert!(
        file.contains(&format!("\"{criterion}\": {}", points - 1)),
        "{file}"
    );

    // The letter, `schools` and the audit agree.
    let letter = stdout(&sb.export_letter(&repo, school_id, "2026-27", &[]));
    assert!(
        letter.contains(&format!("**Grade awarded: {grade}.**")),
        "{letter}"
    );
    assert!(
        letter.contains(&format!(
            "As moderated, your scores total {} of 63.",
            after - 1
        )),
        "{letter}"
    );
    let schools = json(&sb.kitemark(&["schools", "--repo", r, "--on", ON, "--format", "json"]));
    let award = &school(&schools, school_id)["award"];
    assert_eq!(award["award"], "schools-mark");
    assert_eq!(award["grade"], grade.to_lowercase());
    let findings = audit_of(&sb, &repo, school_id);
    assert!(findings.is_empty(), "{findings:#?}");

    // A grade the scores do not earn, committed by hand, is what the audit is for.
    let path = format!("decisions/{school_id}/2026-27/2026-12-02-annual-review.2.ron");
    let wrong = if grade == "Advanced" {
        "developing"
    } else {
        "advanced"
    };
    let forged = file
        .replace(
            &format!("grade: \"{}\"", grade.to_lowercase()),
            &format!("grade: \"{wrong}\""),
        )
        .replace(
            "supersedes: None,",
            &format!("supersedes: \"decisions/{school_id}/2026-27/2026-12-02-annual-review.ron\","),
        );
    std::fs::write(repo.join(&path), forged).unwrap();
    sb.git(&repo, &["add", &path]);
    sb.git_as(
        &repo,
        (
            "Rosalind Adeyemi",
            "rosalind.adeyemi@hertfordshire-cc.example.org",
        ),
        &["commit", "-q", "-m", "A correction", "--", &path],
    );
    let (_, audit) = sb.audit_json(&repo, &["--on", ON]);
    let found = findings_of(&audit, "grade-wrong");
    assert_eq!(found.len(), 1, "{audit:#}");
}

#[test]
fn the_semh_self_evaluation_is_feedback_only() {
    let sb = Sandbox::new();
    let repo = sb.demo_with_attendance(Attendance::Recorded);
    let r = repo.to_str().unwrap();
    let school_id = "kestrel-house-esc";
    // Opened from the agenda (its last item): the self-evaluation under its framework.
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, false);
    ui.keys("G<Enter>");
    let screen = ui.screen();
    assert!(
        screen.contains("Kestrel House Education Centre · 2026-27")
            && screen.contains("SEMH Quality Offer self-evaluation"),
        "{screen}"
    );
    let out = sb.kitemark(&[
        "diff", school_id, "2026-27", "--repo", r, "--format", "json",
    ]);
    let diff = json(&out);
    assert!(diff["score"].is_null(), "the self-evaluation is not scored");
    let extra = [
        "--recorder",
        "r-adeyemi",
        "--feedback",
        "A thoughtful self-evaluation.",
    ];
    let out = sb
        .decide_command(
            &repo,
            &item(school_id, "developmental-feedback", "feedback-given"),
            &extra,
        )
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let letter = stdout(&sb.export_letter(&repo, school_id, "2026-27", &[]));
    assert!(
        letter.contains("**The panel's decision: Feedback given.**"),
        "{letter}"
    );
    assert!(letter.contains("no award was sought"), "{letter}");
    assert!(
        letter.contains("for its developmental feedback"),
        "{letter}"
    );
    assert!(!letter.contains("is held until"), "{letter}");
    let schools = json(&sb.kitemark(&["schools", "--repo", r, "--on", ON, "--format", "json"]));
    let status = school(&schools, school_id);
    assert!(status["award"].is_null(), "{status:#}");
    assert_eq!(status["rubric"], "semh-quality-offer");
    let findings = audit_of(&sb, &repo, school_id);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn the_kitemark_awards_suicide_aware_status() {
    let sb = Sandbox::new();
    let repo = sb.demo_with_riverside_decided_twice();
    let r = repo.to_str().unwrap();
    let out = sb.kitemark(&[
        "diff",
        "riverside-academy",
        "2026-27",
        "--repo",
        r,
        "--format",
        "json",
    ]);
    let diff = json(&out);
    assert!(diff["score"].is_null());
    let letter = stdout(&sb.export_letter(
        &repo,
        "riverside-academy",
        "2026-27",
        &["--kind", "suicide-aware"],
    ));
    assert!(letter.contains("Suicide Aware"), "{letter}");
    let schools = json(&sb.kitemark(&["schools", "--repo", r, "--on", ON, "--format", "json"]));
    let awards: Vec<&str> = school(&schools, "riverside-academy")["awards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["award"].as_str().unwrap())
        .collect();
    assert!(
        awards.contains(&"kitemark") && awards.contains(&"suicide-aware"),
        "{awards:?}"
    );
    let findings = audit_of(&sb, &repo, "riverside-academy");
    assert!(findings.is_empty(), "{findings:#?}");
}

/// The pieces of evidence a self-review offers in each area, counted from the file's text:
/// `(area, pieces)` in the file's order.
fn evidence_in(text: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    let mut in_evidence = false;
    for line in text.lines().map(str::trim) {
        if let Some(area) = line.strip_prefix("area: ") {
            out.push((area.trim_matches([',', '"']).to_owned(), 0));
            in_evidence = false;
        } else if line.starts_with("evidence: [") {
            in_evidence = true;
        } else if in_evidence && line.starts_with("title: ") {
            if let Some(last) = out.last_mut() {
                last.1 += 1;
            }
        } else if in_evidence && line.starts_with(']') {
            in_evidence = false;
        }
    }
    out
}

#[test]
fn kents_award_follows_the_stages_and_counts_evidence_in_three_areas() {
    let sb = Sandbox::new();
    let repo = sb.path("kent");
    let r = repo.to_str().unwrap();
    assert_exit(
        &sb.kitemark(&[
            "demo",
            "--panel",
            "kent",
            "--dir",
            r,
            "--no-open",
            "--on",
            "2026-11-22",
        ]),
        0,
    );
    let present = [
        "h-okafor",
        "r-pattison",
        "a-begum",
        "j-latimer",
        "m-sterling",
    ];
    let mut args = vec!["meeting", "2026-12-02", "--repo", r, "--chair", "h-okafor"];
    for m in present {
        args.extend(["--present", m]);
    }
    assert_exit(&sb.kitemark(&args), 0);

    // The stage followed from one year to the next.
    for school_id in ["harbourside-primary", "hopgarden-primary"] {
        let diff = json(&sb.kitemark(&[
            "diff", school_id, "2026-27", "--repo", r, "--format", "json",
        ]));
        let stage = &diff["stage"];
        assert_eq!(stage["later"], "Review impact", "{school_id}: {stage:#}");
        let summary = diff["summary_text"].as_str().unwrap();
        assert!(summary.contains("stage "), "{summary}");
    }

    // The evidence rule per agenda item, with the pieces in each of its three areas as the
    // files hold them.
    let rule_areas = [
        ("student-voice", "SV"),
        ("parents-carers", "PC"),
        ("ethos-environment", "EE"),
    ];
    // The agenda lists Harbourside first, then Hopgarden; each row's details give the rule
    // and its reason.
    let mut ui = Harness::open(&repo, 160, 48, ThemeKind::Default, false);
    for (row, school_id) in ["harbourside-primary", "hopgarden-primary"]
        .iter()
        .enumerate()
    {
        let counted = evidence_in(&read(
            &repo,
            &format!("submissions/{school_id}/2026-27/self-review.ron"),
        ));
        let pieces = |area: &str| counted.iter().find(|(a, _)| a == area).map_or(0, |c| c.1);
        let expected: String = rule_areas
            .iter()
            .map(|(area, code)| format!("{code} {}", pieces(area)))
            .collect::<Vec<_>>()
            .join(" · ");
        let met = rule_areas.iter().all(|(area, _)| pieces(area) >= 1)
            && rule_areas
                .iter()
                .map(|(area, _)| pieces(area))
                .sum::<usize>()
                >= 3;
        if row > 0 {
            ui.keys("j");
        }
        let screen = ui.screen();
        let mark = if met { "✓" } else { "✗" };
        assert!(
            screen.contains(&format!("{mark} {expected}")),
            "{school_id}: the rule {} with the pieces in each area, {expected}:\n{screen}",
            if met { "met" } else { "not met" }
        );
    }

    // Hopgarden meets the rule and is awarded; its letter, `schools` and the audit agree.
    let extra = [
        "--recorder",
        "h-okafor",
        "--feedback",
        "The toolkit's work shows in every part of school life.",
    ];
    let out = sb
        .decide_command(
            &repo,
            &item("hopgarden-primary", "award-application", "awarded"),
            &extra,
        )
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let letter = stdout(&sb.export_letter(&repo, "hopgarden-primary", "2026-27", &[]));
    assert!(
        letter.contains("**The panel's decision: Awarded.**"),
        "{letter}"
    );
    let schools = json(&sb.kitemark(&["schools", "--repo", r, "--on", ON, "--format", "json"]));
    let status = school(&schools, "hopgarden-primary");
    assert_eq!(status["award"]["award"], "resilience-award", "{status:#}");
    assert_eq!(status["rubric"], "kent-resilience");
    let (code, audit) = sb.audit_json(&repo, &["--on", ON]);
    assert_eq!(code, 0, "{audit:#}");
}

/// The action ids of a plan file, read from its text.
fn action_ids(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("id: "))
        .map(|id| id.trim_matches([',', '"']).to_owned())
        .collect()
}

#[test]
fn a_school_that_moved_from_the_kitemark_to_the_mark_keeps_its_actions_and_its_award() {
    let sb = Sandbox::new();
    let repo = sb.demo_with_attendance(Attendance::Recorded);
    let r = repo.to_str().unwrap();
    let school_id = "elmwood-primary";
    let plan = |year: &str| {
        action_ids(&read(
            &repo,
            &format!("submissions/{school_id}/{year}/action-plan.ron"),
        ))
    };
    let (before, after) = (plan("2025-26"), plan("2026-27"));
    let kept: Vec<&String> = before.iter().filter(|id| after.contains(id)).collect();
    assert!(
        kept.len() >= 3,
        "the story keeps actions across the change: {kept:?}"
    );

    let diff = json(&sb.kitemark(&[
        "diff", school_id, "2026-27", "--repo", r, "--format", "json",
    ]));
    assert_eq!(
        diff["framework"]["from"], "hymh-kitemark",
        "{:#}",
        diff["framework"]
    );
    assert_eq!(diff["framework"]["to"], "herts-schools-mark");
    // No action kept across the change is called dropped or new.
    for area in diff["plan"]["areas"].as_array().unwrap() {
        for pair in area["pairs"].as_array().unwrap() {
            let id = |side: &str| pair[side]["id"].as_str().map(str::to_owned);
            let id = id("earlier").or_else(|| id("later")).unwrap();
            if kept.contains(&&id) {
                let fate = pair["fate"].as_str().unwrap_or_default();
                assert!(!["dropped", "new"].contains(&fate), "{id}: {pair:#}");
            }
        }
    }
    let text = stdout(&sb.kitemark(&[
        "diff", school_id, "2026-27", "--repo", r, "--color", "never", "--width", "200",
    ]));
    assert!(
        text.contains("[moved from Policy and planning (HYMH kitemark)]"),
        "{text}"
    );

    // Its first annual review under the mark continues the kitemark awarded in 2025, at the
    // grade its scores earn.
    let total: u32 = scores_in(&read(
        &repo,
        &format!("submissions/{school_id}/2026-27/self-review.ron"),
    ))
    .iter()
    .map(|(_, p)| p)
    .sum();
    let extra = [
        "--recorder",
        "r-adeyemi",
        "--feedback",
        "A careful move to the mark.",
    ];
    let out = sb
        .decide_command(&repo, &item(school_id, "annual-review", "accepted"), &extra)
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let schools = json(&sb.kitemark(&["schools", "--repo", r, "--on", ON, "--format", "json"]));
    let award = &school(&schools, school_id)["award"];
    assert_eq!(award["status"], "held", "{award:#}");
    assert_eq!(award["awarded_on"], "2025-01-22", "{award:#}");
    assert_eq!(
        award["grade"],
        mark_grade(total).to_lowercase(),
        "{award:#}"
    );
    let findings = audit_of(&sb, &repo, school_id);
    assert!(findings.is_empty(), "{findings:#?}");
}
