//! A panel repository in which a school moves from the HYMH kitemark to the graded Mentally
//! Healthy Schools Mark: two years on the kitemark (an application sent back, then awarded on
//! resubmission; an annual review), and the third year's annual review under the new mark.
//! Built through the tool's own commands, so that every commit is what the panel would have.

use std::path::{Path, PathBuf};

use kitemark::model::format::to_ron;
use kitemark::model::{
    AcademicYear, Action, ActionPlan, ActionStatus, AreaReview, Evidence, EvidenceKind, Rubric,
    SelfReview,
};

use super::{Sandbox, assert_exit, base_files, stderr, write_files};

/// The school that moves framework.
pub const SCHOOL: &str = "oak";
/// Its years: two on the kitemark, the third on the new mark.
pub const YEARS: [&str; 3] = ["2023-24", "2024-25", "2025-26"];
/// A day on which the kitemark, awarded on resubmission in January 2024, is still held.
pub const TODAY: &str = "2026-03-02";

/// A bundled rubric, parsed.
pub fn rubric(id: &str) -> Rubric {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("rubrics/{id}.ron")),
    )
    .unwrap();
    kitemark::model::format::from_ron(&text).unwrap()
}

fn year(y: &str) -> AcademicYear {
    y.parse().unwrap()
}

fn date(d: &str) -> jiff::civil::Date {
    d.parse().unwrap()
}

/// A self-review of every area of `rubric`, with a piece of evidence in each and, where the
/// rubric scores criteria, two points for each.
fn self_review(rubric: &Rubric, y: &str, submitted: &str, level: &str) -> SelfReview {
    SelfReview {
        school: SCHOOL.parse().unwrap(),
        year: year(y),
        rubric: rubric.id.clone(),
        rubric_version: rubric.version.clone(),
        submitted: date(submitted),
        submitted_by: "Eve Lead, Mental health lead".into(),
        stage: None,
        summary: String::new(),
        areas: rubric
            .areas
            .iter()
            .map(|area| AreaReview {
                area: area.id.clone(),
                level: level.parse().unwrap(),
                reflection: format!(
                    "Our work on {} this year, and what we want to do next.",
                    area.title.to_lowercase()
                ),
                strengths: Vec::new(),
                gaps: Vec::new(),
                evidence: vec![Evidence {
                    title: format!("{} evidence folder", area.title),
                    kind: EvidenceKind::Document,
                    note: String::new(),
                }],
                scores: area
                    .criteria
                    .iter()
                    .filter(|c| c.max_points.is_some())
                    .map(|c| (c.id.clone(), 2))
                    .collect(),
            })
            .collect(),
    }
}

/// An action of the plan.
fn action(id: &str, area: &str, text: &str, status: ActionStatus) -> Action {
    Action {
        id: id.parse().unwrap(),
        area: area.parse().unwrap(),
        text: text.into(),
        owner: "Mental health lead".into(),
        start: date("2023-09-04"),
        due: date("2026-07-17"),
        success: format!("{text} Reviewed by governors each term."),
        status,
        progress: String::new(),
    }
}

/// The kitemark years' actions: one in each area, two on suicide awareness.
pub fn kitemark_actions(status: ActionStatus) -> Vec<Action> {
    vec![
        action(
            "LM-1",
            "leadership-management",
            "Give the senior mental health lead a weekly hour for the role.",
            status,
        ),
        action(
            "PP-1",
            "policy-planning",
            "Rewrite the behaviour policy with pupils and families.",
            status,
        ),
        action(
            "EE-1",
            "ethos-environment",
            "Open a quiet room at lunchtimes.",
            status,
        ),
        action(
            "CTL-1",
            "curriculum-teaching-learning",
            "Map mental health across the PSHE scheme of work.",
            status,
        ),
        action(
            "SV-1",
            "student-voice",
            "Train wellbeing ambassadors in every year group.",
            status,
        ),
        action(
            "SD-1",
            "staff-development",
            "Give every member of staff mental health awareness training.",
            status,
        ),
        action(
            "SW-1",
            "staff-wellbeing",
            "Run a staff wellbeing survey each spring.",
            status,
        ),
        action(
            "IN-1",
            "identifying-need",
            "Screen wellbeing each autumn with a short survey.",
            status,
        ),
        action(
            "PC-1",
            "parents-carers",
            "Hold a termly coffee morning on wellbeing for families.",
            status,
        ),
        action(
            "TS-1",
            "targeted-support",
            "Agree referral routes with the Mental Health Support Team.",
            status,
        ),
        action(
            "SA-1",
            "suicide-awareness",
            "Train the safeguarding team in suicide prevention.",
            status,
        ),
        action(
            "SA-2",
            "suicide-awareness",
            "Add self-harm to the termly screening of need.",
            status,
        ),
    ]
}

/// The third year's plan, in the new framework: the kitemark's actions in the areas they
/// became (the school keeps SA-2 with the screening of need), and one new action.
pub fn graded_actions() -> Vec<Action> {
    let mark = rubric("herts-schools-mark");
    let old: kitemark::model::RubricId = "hymh-kitemark".parse().unwrap();
    let mut actions: Vec<Action> = kitemark_actions(ActionStatus::InProgress)
        .iter()
        .map(|a| {
            let placed = (a.id.as_str() == "SA-2").then(|| "identifying-need".parse().unwrap());
            mark.map_action(&old, a, placed.as_ref()).unwrap()
        })
        .collect();
    actions.push(action(
        "LM-2",
        "leadership-management",
        "Report the mark's scores to governors every term.",
        ActionStatus::NotStarted,
    ));
    actions
}

fn plan(y: &str, updated: &str, actions: Vec<Action>) -> ActionPlan {
    ActionPlan {
        school: SCHOOL.parse().unwrap(),
        year: year(y),
        updated: date(updated),
        actions,
    }
}

fn school_ron(rubric: &str) -> String {
    format!(
        "(\n    id: \"oak\",\n    name: \"Oak School\",\n    phase: Primary,\n    dspl_area: \"DSPL 1\",\n    contacts: [\n        (\n            name: \"Eve Lead\",\n            role: \"Mental health lead\",\n            email: \"eve@oak.example.sch.uk\",\n        ),\n    ],\n    rubric: \"{rubric}\",\n)\n"
    )
}

impl Sandbox {
    fn run_ok(&self, args: &[&str]) {
        let out = self.kitemark(args);
        assert!(out.status.success(), "kitemark {args:?}: {}", stderr(&out));
    }

    fn submit(&self, repo: &Path, y: &str, files: &[(&str, String)]) {
        let dir = self.path(&format!("to-send-{y}-{}", files.len()));
        let _ = std::fs::remove_dir_all(&dir);
        let files: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|(name, text)| ((*name).to_owned(), text.clone().into_bytes()))
            .collect();
        write_files(&dir, &files);
        self.run_ok(&[
            "submit",
            SCHOOL,
            y,
            "--repo",
            repo.to_str().unwrap(),
            "--from",
            dir.to_str().unwrap(),
        ]);
    }

    fn meeting_and_decision(&self, repo: &Path, on: &str, y: &str, kind: &str, outcome: &str) {
        let repo = repo.to_str().unwrap();
        let agenda = format!("{SCHOOL}/{y}/{kind}");
        self.run_ok(&[
            "meeting",
            on,
            "--repo",
            repo,
            "--chair",
            "chair",
            "--present",
            "chair",
            "--present",
            "nurse",
            "--present",
            "psych",
            "--agenda",
            &agenda,
        ]);
        self.run_ok(&[
            "decide",
            SCHOOL,
            y,
            "--repo",
            repo,
            "--kind",
            kind,
            "--outcome",
            outcome,
            "--meeting",
            on,
            "--recorder",
            "nurse",
            "--member",
            "chair",
            "--member",
            "nurse",
            "--member",
            "psych",
            "--feedback",
            "Thank you for a clear submission.",
            "--on",
            TODAY,
        ]);
    }

    /// The repository, in `moved/`: up to the third year's submission, its decision not yet
    /// recorded when `decide_last` is false.
    pub fn moved_framework(&self, decide_last: bool) -> PathBuf {
        let kitemark = rubric("hymh-kitemark");
        let mark = rubric("herts-schools-mark");
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files: Vec<(String, Vec<u8>)> = base_files()
            .into_iter()
            .filter(|(p, _)| p == "panel.ron")
            .map(|(p, text)| {
                let text = String::from_utf8(text).unwrap().replace(
                    "default_rubric: \"mini\"",
                    "default_rubric: \"hymh-kitemark\"",
                );
                (p, text.into_bytes())
            })
            .collect();
        for id in ["hymh-kitemark", "herts-schools-mark"] {
            let path = format!("rubrics/{id}.ron");
            files.push((path.clone(), std::fs::read(root.join(&path)).unwrap()));
        }
        let repo = self.repo_with("moved", &files);

        // 2023-24 on the kitemark: sent back, then awarded on resubmission.
        self.submit(
            &repo,
            YEARS[0],
            &[
                ("school.ron", school_ron("hymh-kitemark")),
                (
                    "self-review.ron",
                    ron(&self_review(
                        &kitemark,
                        YEARS[0],
                        "2023-09-29",
                        "developing",
                    )),
                ),
                (
                    "action-plan.ron",
                    ron(&plan(
                        YEARS[0],
                        "2023-09-29",
                        kitemark_actions(ActionStatus::NotStarted),
                    )),
                ),
            ],
        );
        self.meeting_and_decision(
            &repo,
            "2023-10-11",
            YEARS[0],
            "initial",
            "resubmission-requested",
        );
        let mut resent = kitemark_actions(ActionStatus::NotStarted);
        resent[0].progress = "Timetabled from January.".into();
        self.submit(
            &repo,
            YEARS[0],
            &[(
                "action-plan.ron",
                ron(&plan(YEARS[0], "2023-12-08", resent)),
            )],
        );
        self.meeting_and_decision(&repo, "2024-01-17", YEARS[0], "resubmission", "awarded");

        // 2024-25 on the kitemark: the annual review.
        let mut second = kitemark_actions(ActionStatus::InProgress);
        second[4].status = ActionStatus::Done;
        self.submit(
            &repo,
            YEARS[1],
            &[
                (
                    "self-review.ron",
                    ron(&self_review(
                        &kitemark,
                        YEARS[1],
                        "2024-12-06",
                        "established",
                    )),
                ),
                (
                    "action-plan.ron",
                    ron(&plan(YEARS[1], "2024-12-06", second)),
                ),
            ],
        );
        self.meeting_and_decision(&repo, "2025-01-15", YEARS[1], "annual-review", "accepted");

        // 2025-26 on the new mark.
        self.submit(
            &repo,
            YEARS[2],
            &[
                ("school.ron", school_ron("herts-schools-mark")),
                (
                    "self-review.ron",
                    ron(&self_review(&mark, YEARS[2], "2025-12-05", "effective")),
                ),
                (
                    "action-plan.ron",
                    ron(&plan(YEARS[2], "2025-12-05", graded_actions())),
                ),
            ],
        );
        if decide_last {
            self.meeting_and_decision(&repo, "2026-01-14", YEARS[2], "annual-review", "accepted");
        }
        assert_exit(
            &self.kitemark(&["validate", "--repo", repo.to_str().unwrap()]),
            0,
        );
        repo
    }
}

fn ron<T: serde::Serialize>(value: &T) -> String {
    to_ron(value).unwrap()
}
