//! The audit against plain git: each way of fooling it with ordinary commits is made on
//! purpose on the demo, and must be found with its rule, the commit that did it, and the
//! school and year concerned. Every commit here is dated on purpose; decisions and meeting
//! records are written as `kitemark … --dry-run` prints them, then committed with git.

mod common;

use std::path::{Path, PathBuf};

use common::{APOLOGIES, PRESENT, Sandbox, assert_exit, findings_of, items, stdout};
use serde_json::Value;

type Who = (&'static str, &'static str);

/// The chair, an administrator.
const ROSALIND: Who = (
    "Rosalind Adeyemi",
    "rosalind.adeyemi@hertfordshire-cc.example.org",
);
/// An administrator.
const TOM: Who = (
    "Tom Whitlock",
    "tom.whitlock@herts-publichealth.example.org",
);
/// A member who is not an administrator, and who sends apologies to the meeting.
const SIMRAN: Who = ("Simran Kaur", "simran.kaur@hct-nhs.example.org");
/// Not on the panel.
const MALLORY: Who = ("Mallory Price", "mallory.price@elsewhere.example.org");

/// The demo's upcoming meeting, and the times of its day.
const MEETING: &str = "2026-12-02";
const NINE_THIRTY: &str = "2026-12-02T09:30:00+00:00";
const TEN: &str = "2026-12-02T10:00:00+00:00";
const ELEVEN: &str = "2026-12-02T11:00:00+00:00";
const NEXT_DAY: &str = "2026-12-03T10:00:00+00:00";

/// A day on which nothing in the demo is overdue yet.
const ON: &str = "2026-11-22";

/// What `kitemark … --dry-run` prints: the path, the file and the commit message.
fn dry_run(sandbox: &Sandbox, repo: &Path, args: &[&str]) -> (String, String, String) {
    let mut all = args.to_vec();
    all.extend(["--repo", repo.to_str().unwrap(), "--dry-run"]);
    let out = sandbox.kitemark(&all);
    assert_exit(&out, 0);
    let text = stdout(&out);
    let (path, rest) = text.split_once("\n\n").unwrap();
    let end = rest.find("\n)\n").unwrap() + 3;
    (
        path.trim().to_owned(),
        rest[..end].to_owned(),
        format!("{}\n", rest[end..].trim()),
    )
}

/// Writes `files` and commits them with `message`, as `who` at `date`: the new commit.
fn commit_at(
    sandbox: &Sandbox,
    repo: &Path,
    who: Who,
    date: &str,
    files: &[(&str, &str)],
    message: &str,
) -> String {
    for (path, text) in files {
        let target = repo.join(path);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, text).unwrap();
    }
    let mut add = vec!["add", "--"];
    add.extend(files.iter().map(|(p, _)| *p));
    sandbox.git_at(repo, who, date, &add);
    let file = sandbox.path("message.txt");
    std::fs::write(&file, message).unwrap();
    sandbox.git_at(
        repo,
        who,
        date,
        &["commit", "-q", "-F", file.to_str().unwrap()],
    );
    sandbox.git_text(repo, &["rev-parse", "HEAD"])
}

/// The attendance of the demo's upcoming meeting, as `kitemark meeting` would record it.
fn attendance(sandbox: &Sandbox, repo: &Path, present: &[&str]) -> (String, String, String) {
    let mut args = vec!["meeting", MEETING, "--chair", "r-adeyemi"];
    for m in present {
        args.extend(["--present", m]);
    }
    for m in APOLOGIES {
        args.extend(["--apologies", m]);
    }
    dry_run(sandbox, repo, &args)
}

/// The demo on the morning of its meeting: attendance recorded by the chair at half past
/// nine.
fn meeting_day(sandbox: &Sandbox) -> PathBuf {
    let repo = sandbox.demo();
    let (path, file, message) = attendance(sandbox, &repo, &PRESENT);
    commit_at(
        sandbox,
        &repo,
        ROSALIND,
        NINE_THIRTY,
        &[(&path, &file)],
        &message,
    );
    repo
}

/// A decision on an agenda item as `kitemark decide` would record it, with `extra` options.
fn decision(
    sandbox: &Sandbox,
    repo: &Path,
    item: &[&str],
    recorder: &str,
    extra: &[&str],
) -> (String, String, String) {
    let mut args = vec!["decide"];
    args.extend(item);
    args.extend([
        "--recorder",
        recorder,
        "--feedback",
        "Discussed at the meeting.",
    ]);
    args.extend(extra);
    dry_run(sandbox, repo, &args)
}

/// A decision recorded properly, by its recorder at `date`.
fn decide_at(sandbox: &Sandbox, repo: &Path, item: &[&str], who: Who, date: &str) -> String {
    let recorder = if who == TOM {
        "t-whitlock"
    } else {
        "r-adeyemi"
    };
    let (path, file, message) = decision(sandbox, repo, item, recorder, &[]);
    commit_at(sandbox, repo, who, date, &[(&path, &file)], &message)
}

/// The commit that last changed a school's 2026-27 submission, which a decision names.
fn submitted(sandbox: &Sandbox, repo: &Path, school: &str) -> String {
    let files = format!("submissions/{school}/2026-27");
    sandbox.git_text(repo, &["log", "-1", "--format=%H", "--", &files])
}

fn audit(sandbox: &Sandbox, repo: &Path) -> (i32, Value) {
    sandbox.audit_json(repo, &["--on", ON])
}

/// The one finding of a rule, which must name `commit`, and the school and year given.
fn the<'a>(json: &'a Value, rule: &str, commit: &str, school: Option<(&str, &str)>) -> &'a Value {
    let found = findings_of(json, rule);
    assert_eq!(found.len(), 1, "one {rule}: {json:#}");
    let f = found[0];
    assert_eq!(f["commit"], commit, "{f:#}");
    match school {
        Some((s, y)) => {
            assert_eq!(f["school"], s, "{f:#}");
            assert_eq!(f["year"], y, "{f:#}");
        }
        None => assert!(f["school"].is_null() && f["year"].is_null(), "{f:#}"),
    }
    if !["not-a-member", "member-absent"].contains(&rule) {
        assert!(
            f["message"].as_str().unwrap().contains("Look at"),
            "an auditor is told what to look at: {f:#}"
        );
    }
    f
}

/// The errors, as (rule, commit).
fn errors(json: &Value) -> Vec<(String, String)> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["level"] == "error")
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["commit"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn message(f: &Value) -> &str {
    f["message"].as_str().unwrap()
}

/// Three members who do not exist, from three agencies, in panel.ron's list.
fn with_fake_members(panel: &str, ids: &[&str]) -> String {
    let roles = ["PublicHealthNursing", "EducationalPsychology", "Dspl"];
    let fakes: String = ids
        .iter()
        .zip(roles)
        .map(|(id, role)| {
            format!(
                "        (\n            id: \"{id}\",\n            name: \"{id}\",\n            email: \"{id}@elsewhere.example.org\",\n            role: {role},\n        ),\n"
            )
        })
        .collect();
    let end = panel.rfind("    ],\n)").unwrap();
    format!("{}{fakes}{}", &panel[..end], &panel[end..])
}

#[test]
fn a_meeting_day_recorded_properly_is_clean() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    decide_at(&sandbox, &repo, &items::LITTLE_ACORNS, ROSALIND, TEN);
    decide_at(&sandbox, &repo, &items::NORTH_VALE, TOM, ELEVEN);
    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["errors"], 0, "{json:#}");
    assert!(
        findings_of(&json, "decision-without-trailers").is_empty(),
        "{json:#}"
    );
}

#[test]
fn the_panel_and_rubrics_changed_by_someone_without_authority() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    // Someone outside the panel adds three members from three agencies, who then make up
    // the quorum of a meeting and an award.
    let fakes = ["f-one", "f-two", "f-three"];
    let panel = with_fake_members(
        &std::fs::read_to_string(repo.join("panel.ron")).unwrap(),
        &fakes,
    );
    let packed = commit_at(
        &sandbox,
        &repo,
        MALLORY,
        "2026-11-30T12:00:00+00:00",
        &[("panel.ron", &panel)],
        "Update the member list",
    );
    // A member who is not an administrator drops the rubric's evidence rules.
    let rubric_path = "rubrics/hymh-kitemark.ron";
    let rubric = std::fs::read_to_string(repo.join(rubric_path)).unwrap();
    let (start, end) = (
        rubric.find("    evidence_rules: [").unwrap(),
        rubric.find("    eligibility_rules: [").unwrap(),
    );
    let loosened = format!(
        "{}    evidence_rules: [],\n{}",
        &rubric[..start],
        &rubric[end..]
    );
    let rules_dropped = commit_at(
        &sandbox,
        &repo,
        SIMRAN,
        "2026-11-30T13:00:00+00:00",
        &[(rubric_path, &loosened)],
        "Simplify the rubric",
    );
    // An administrator's change to a rubric is not a finding.
    let retitled = loosened.replace(
        "title: \"Healthy Young Minds in Herts Kitemark\"",
        "title: \"Healthy Young Minds in Herts Kitemark (2026)\"",
    );
    commit_at(
        &sandbox,
        &repo,
        TOM,
        "2026-11-30T14:00:00+00:00",
        &[(rubric_path, &retitled)],
        "Name the rubric's edition",
    );
    let mut present = vec!["r-adeyemi"];
    present.extend(fakes);
    let (meeting, file, text) = attendance(&sandbox, &repo, &present);
    commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        NINE_THIRTY,
        &[(&meeting, &file)],
        &text,
    );
    let (path, file, text) = decision(&sandbox, &repo, &items::LITTLE_ACORNS, "r-adeyemi", &[]);
    commit_at(&sandbox, &repo, ROSALIND, TEN, &[(&path, &file)], &text);

    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let f = the(&json, "panel-changed-without-authority", &packed, None);
    assert_eq!(f["path"], "panel.ron");
    assert!(
        message(f).contains("Mallory Price <mallory.price@elsewhere.example.org>, not a member"),
        "{f:#}"
    );
    let f = the(
        &json,
        "rubric-changed-without-authority",
        &rules_dropped,
        None,
    );
    assert_eq!(f["path"], rubric_path);
    assert!(
        message(f).contains("a member (s-kaur) but not an administrator"),
        "{f:#}"
    );
    // Nothing else: the award itself keeps the rules of the panel it was made under.
    assert_eq!(errors(&json).len(), 2, "{json:#}");
}

#[test]
fn someone_added_to_the_panel_in_the_commit_that_uses_it_is_not_a_member() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo();
    let panel = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
    let me = "        (\n            id: \"m-price\",\n            name: \"Mallory Price\",\n            email: \"mallory.price@elsewhere.example.org\",\n            role: Other,\n            administrator: true,\n        ),\n";
    let end = panel.rfind("    ],\n)").unwrap();
    let panel = format!("{}{me}{}", &panel[..end], &panel[end..]);
    let (meeting, file, message) = attendance(&sandbox, &repo, &PRESENT);
    let both = commit_at(
        &sandbox,
        &repo,
        MALLORY,
        NINE_THIRTY,
        &[("panel.ron", &panel), (&meeting, &file)],
        &message,
    );
    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let f = the(&json, "not-a-member", &both, None);
    assert_eq!(f["path"], meeting.as_str());
    the(&json, "panel-changed-without-authority", &both, None);
}

#[test]
fn an_absent_member_who_moves_herself_to_present_in_her_decision_commit() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    // She sent apologies: kitemark would refuse her, so the file is written by hand from one
    // it would write for the chair.
    let (path, file, _) = decision(&sandbox, &repo, &items::KINGSMEAD, "r-adeyemi", &[]);
    let file = file
        .replace("recorder: \"r-adeyemi\"", "recorder: \"s-kaur\"")
        .replace(
            "participants: [\n",
            "participants: [\n        \"s-kaur\",\n",
        );
    let meeting_path = format!("meetings/{MEETING}.ron");
    let meeting = std::fs::read_to_string(repo.join(&meeting_path))
        .unwrap()
        .replace("present: [\n", "present: [\n        \"s-kaur\",\n")
        .replace(
            "        \"s-kaur\",\n        \"d-hughes\",",
            "        \"d-hughes\",",
        );
    assert!(meeting.contains("\"s-kaur\""));
    let commit = commit_at(
        &sandbox,
        &repo,
        SIMRAN,
        TEN,
        &[(&path, &file), (&meeting_path, &meeting)],
        "Decision: kingsmead-sixth-form 2026-27 resubmission: awarded",
    );
    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let kingsmead = Some(("kingsmead-sixth-form", "2026-27"));
    let f = the(&json, "decision-commit-not-alone", &commit, kingsmead);
    assert!(message(f).contains(&meeting_path), "{f:#}");
    // Her attendance is read from the meeting's record as it stood before her commit.
    let absent = findings_of(&json, "member-absent");
    assert_eq!(absent.len(), 2, "recorded and took part: {json:#}");
    for f in absent {
        assert_eq!(f["commit"], commit.as_str());
        assert!(message(f).contains("Simran Kaur (s-kaur)"), "{f:#}");
        assert!(message(f).contains("sent apologies"), "{f:#}");
    }
    // Written by hand: its message has no trailers to check.
    assert_eq!(
        findings_of(&json, "decision-without-trailers")[0]["level"],
        "note"
    );
}

#[test]
fn a_meeting_record_edited_after_decisions_cite_it() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    let acorns = decide_at(&sandbox, &repo, &items::LITTLE_ACORNS, ROSALIND, TEN);
    // Maeve O'Connell declared a conflict for North Vale: she takes no part.
    let vale = decide_at(&sandbox, &repo, &items::NORTH_VALE, TOM, ELEVEN);
    // The next day: Simran Kaur moved from apologies to present, the conflict removed.
    let meeting_path = format!("meetings/{MEETING}.ron");
    let text = std::fs::read_to_string(repo.join(&meeting_path)).unwrap();
    let start = text.find("    conflicts: [").unwrap();
    let end = text.find("    agenda: [").unwrap();
    let edited = format!("{}    conflicts: [],\n{}", &text[..start], &text[end..])
        .replace("present: [\n", "present: [\n        \"s-kaur\",\n")
        .replace(
            "        \"s-kaur\",\n        \"d-hughes\",",
            "        \"d-hughes\",",
        );
    let edit = commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        NEXT_DAY,
        &[(&meeting_path, &edited)],
        "Correct the attendance",
    );
    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let found = findings_of(&json, "meeting-changed-after-decision");
    assert_eq!(found.len(), 2, "one for each decision: {json:#}");
    for (f, (school, recorded)) in found.iter().zip([
        ("little-acorns-nursery", &acorns),
        ("north-vale-esc", &vale),
    ]) {
        assert_eq!(f["commit"], edit.as_str(), "{f:#}");
        assert_eq!(f["school"], school, "{f:#}");
        assert_eq!(f["year"], "2026-27", "{f:#}");
        let m = message(f);
        for said in [
            "added to present: Simran Kaur (s-kaur)",
            "removed from apologies: Simran Kaur (s-kaur)",
            "the declared conflict of Maeve O'Connell (m-oconnell) for north-vale-esc",
            &format!("recorded in {}", &recorded[..7]),
            "Look at",
        ] {
            assert!(m.contains(said), "{said:?} in {m}");
        }
    }
    // The decisions are still judged by the record as it stood when each was made.
    assert_eq!(errors(&json).len(), 2, "{json:#}");

    // Only the notes changed afterwards: a note, and the history stays clean.
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    decide_at(&sandbox, &repo, &items::LITTLE_ACORNS, ROSALIND, TEN);
    let text = std::fs::read_to_string(repo.join(&meeting_path))
        .unwrap()
        .replace("notes: \"\"", "notes: \"Lunch was provided.\"");
    let noted = commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        NEXT_DAY,
        &[(&meeting_path, &text)],
        "Add the notes",
    );
    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 0, "{json:#}");
    let f = the(
        &json,
        "meeting-amended-after-decision",
        &noted,
        Some(("little-acorns-nursery", "2026-27")),
    );
    assert_eq!(f["level"], "note");
    assert!(message(f).contains("the notes changed"), "{f:#}");
}

#[test]
fn made_on_that_names_no_real_or_own_submission() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);

    // A commit that does not exist, which the trailer does not name either.
    let nowhere = "0123456789abcdef0123456789abcdef01234567";
    let (path, file, message_text) =
        decision(&sandbox, &repo, &items::LITTLE_ACORNS, "r-adeyemi", &[]);
    let file = file.replace(
        &submitted(&sandbox, &repo, "little-acorns-nursery"),
        nowhere,
    );
    let unknown = commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        TEN,
        &[(&path, &file)],
        &message_text,
    );

    // Another school's files: the evidence rules must not be run on them, and their later
    // change is not this decision's.
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let (path, file, message_text) = decision(&sandbox, &repo, &items::KINGSMEAD, "r-adeyemi", &[]);
    let mut borrowed = file.clone();
    for name in ["self-review.ron", "action-plan.ron"] {
        let own = format!("submissions/kingsmead-sixth-form/2026-27/{name}");
        let other = format!("submissions/riverside-academy/2026-27/{name}");
        let blob = |p: &str| sandbox.git_text(&repo, &["rev-parse", &format!("{head}:{p}")]);
        borrowed = borrowed
            .replace(&blob(&own), &blob(&other))
            .replace(&own, &other);
    }
    let other_school = commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        ELEVEN,
        &[(&path, &borrowed)],
        &message_text,
    );
    let plan = "submissions/riverside-academy/2026-27/action-plan.ron";
    let text = format!(
        "{}// Updated.\n",
        std::fs::read_to_string(repo.join(plan)).unwrap()
    );
    commit_at(
        &sandbox,
        &repo,
        (
            "Caroline Osei",
            "caroline.osei@riverside-academy.example.sch.uk",
        ),
        NEXT_DAY,
        &[(plan, &text)],
        "Update the plan",
    );

    // A commit on another branch, never merged, whose files it names faithfully.
    sandbox.git(&repo, &["checkout", "-q", "-b", "side"]);
    let review = "submissions/riverside-academy/2026-27/self-review.ron";
    let text = format!(
        "{}// A draft.\n",
        std::fs::read_to_string(repo.join(review)).unwrap()
    );
    let side = commit_at(
        &sandbox,
        &repo,
        (
            "Caroline Osei",
            "caroline.osei@riverside-academy.example.sch.uk",
        ),
        NEXT_DAY,
        &[(review, &text)],
        "A draft",
    );
    let side_blob = sandbox.git_text(&repo, &["rev-parse", &format!("{side}:{review}")]);
    sandbox.git(&repo, &["checkout", "-q", "main"]);
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let main_blob = sandbox.git_text(&repo, &["rev-parse", &format!("{head}:{review}")]);
    let (path, file, message_text) = decision(&sandbox, &repo, &items::RIVERSIDE, "r-adeyemi", &[]);
    let riverside = submitted(&sandbox, &repo, "riverside-academy");
    let file = file
        .replace(&riverside, &side)
        .replace(&main_blob, &side_blob);
    let message_text = message_text.replace(&riverside, &side);
    let elsewhere = commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        "2026-12-03T11:00:00+00:00",
        &[(&path, &file)],
        &message_text,
    );

    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let acorns = Some(("little-acorns-nursery", "2026-27"));
    let f = the(&json, "made-on-unknown-commit", &unknown, acorns);
    assert!(message(f).contains(nowhere), "{f:#}");
    let f = the(&json, "decision-trailers-disagree", &unknown, acorns);
    assert!(message(f).contains("Submission-Commit"), "{f:#}");

    let kingsmead = Some(("kingsmead-sixth-form", "2026-27"));
    let f = the(&json, "made-on-other-submission", &other_school, kingsmead);
    assert!(
        message(f).contains("submissions/riverside-academy/2026-27/self-review.ron"),
        "{f:#}"
    );
    let f = the(&json, "made-on-wrong-files", &other_school, kingsmead);
    assert!(
        message(f).contains("leaves out submissions/kingsmead-sixth-form/2026-27/self-review.ron"),
        "{f:#}"
    );
    // Riverside's plan changed after: not a change to anything Kingsmead's decision was
    // made on, and no other school's self-review was checked for Kingsmead's award.
    assert!(
        findings_of(&json, "submission-changed-after-decision").is_empty(),
        "{json:#}"
    );
    assert!(
        findings_of(&json, "award-rule-unmet").is_empty(),
        "{json:#}"
    );

    let riverside = Some(("riverside-academy", "2026-27"));
    let f = the(&json, "made-on-not-ancestor", &elsewhere, riverside);
    assert!(message(f).contains(&side[..7]), "{f:#}");
    assert!(
        findings_of(&json, "made-on-wrong-files").len() == 1,
        "{json:#}"
    );

    // Nothing else.
    assert_eq!(errors(&json).len(), 5, "{json:#}");
}

#[test]
fn trailers_that_disagree_with_the_decision() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    let mut item = items::LITTLE_ACORNS.to_vec();
    item[5] = "not-awarded";
    let (path, file, text) = decision(&sandbox, &repo, &item, "r-adeyemi", &[]);
    assert!(text.contains("Outcome: not-awarded"), "{text}");
    let text = text.replace("not-awarded", "awarded");
    let commit = commit_at(&sandbox, &repo, ROSALIND, TEN, &[(&path, &file)], &text);
    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let f = the(
        &json,
        "decision-trailers-disagree",
        &commit,
        Some(("little-acorns-nursery", "2026-27")),
    );
    assert!(
        message(f).contains("Outcome: awarded but the file says not-awarded"),
        "{f:#}"
    );
    assert_eq!(errors(&json).len(), 1, "{json:#}");
}

#[test]
fn dates_that_run_backwards_or_come_before_the_meeting() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    let decided = decide_at(&sandbox, &repo, &items::LITTLE_ACORNS, ROSALIND, TEN);

    // The school's commit is dated before the decision that comes before it.
    let plan = "submissions/little-acorns-nursery/2026-27/action-plan.ron";
    let text = format!(
        "{}// Updated.\n",
        std::fs::read_to_string(repo.join(plan)).unwrap()
    );
    let backdated = commit_at(
        &sandbox,
        &repo,
        (
            "Amira Hassan",
            "amira.hassan@little-acorns-nursery.example.sch.uk",
        ),
        "2026-11-20T12:00:00+00:00",
        &[(plan, &text)],
        "Update the plan",
    );

    // A meeting three months ahead, its agenda and attendance recorded, and a decision for
    // it recorded the next day.
    let args = [
        "meeting",
        "2027-03-03",
        "--chair",
        "r-adeyemi",
        "--agenda",
        "riverside-academy/2026-27/annual-review",
    ];
    let mut args = args.to_vec();
    for m in PRESENT {
        args.extend(["--present", m]);
    }
    let (path, file, text) = dry_run(&sandbox, &repo, &args);
    commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        NEXT_DAY,
        &[(&path, &file)],
        &text,
    );
    let mut item = items::RIVERSIDE.to_vec();
    item[7] = "2027-03-03";
    // Made as on the meeting's day (recording refuses a meeting not yet held), committed
    // three months before it.
    let (path, file, text) = decision(&sandbox, &repo, &item, "r-adeyemi", &["--on", "2027-03-03"]);
    let ahead = commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        "2026-12-03T11:00:00+00:00",
        &[(&path, &file)],
        &text,
    );

    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let f = the(
        &json,
        "commit-date-backwards",
        &backdated,
        Some(("little-acorns-nursery", "2026-27")),
    );
    assert!(message(f).contains(&decided[..7]), "{f:#}");
    assert!(message(f).contains("2026-11-20 12:00 +00:00"), "{f:#}");
    let f = the(
        &json,
        "decision-before-meeting",
        &ahead,
        Some(("riverside-academy", "2026-27")),
    );
    assert!(
        message(f).contains("is for the meeting on 2027-03-03")
            && message(f).contains("committed on 2026-12-03"),
        "{f:#}"
    );
}

/// Every finding of a shallow clone's audit is one of the whole history's: the same rule,
/// level, school, year, path and commit, and the same message unless it names the boundary
/// as where the history begins.
fn assert_subset(shallow: &Value, full: &Value, boundary: &str) {
    for f in shallow["findings"].as_array().unwrap() {
        assert_ne!(f["commit"], boundary, "a finding at the boundary: {f:#}");
        let place = ["rule", "level", "school", "year", "path", "commit"];
        let same = full["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| place.iter().all(|k| f[k] == g[k]))
            .unwrap_or_else(|| panic!("not a finding of the whole history: {f:#}"));
        if f["message"] != same["message"] {
            assert!(
                message(f).contains(&format!("before {}", &boundary[..7])),
                "{f:#}\nfull: {same:#}"
            );
        }
    }
}

#[test]
fn a_shallow_clone_finds_no_more_than_the_whole_history() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    decide_at(&sandbox, &repo, &items::LITTLE_ACORNS, ROSALIND, TEN);
    // made_on naming no commit there is.
    let submitted = submitted(&sandbox, &repo, "kingsmead-sixth-form");
    let (path, file, text) = decision(&sandbox, &repo, &items::KINGSMEAD, "r-adeyemi", &[]);
    let file = file.replace(&submitted, "0123456789abcdef0123456789abcdef01234567");
    commit_at(&sandbox, &repo, ROSALIND, ELEVEN, &[(&path, &file)], &text);
    // The meeting's record edited the next day.
    let meeting_path = format!("meetings/{MEETING}.ron");
    let edited = std::fs::read_to_string(repo.join(&meeting_path))
        .unwrap()
        .replace("present: [\n", "present: [\n        \"s-kaur\",\n");
    commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        NEXT_DAY,
        &[(&meeting_path, &edited)],
        "Correct the attendance",
    );
    // A school's commit dated back, then the panel changed by a member who is no
    // administrator.
    let plan = "submissions/little-acorns-nursery/2026-27/action-plan.ron";
    let text = format!(
        "{}// Updated.\n",
        std::fs::read_to_string(repo.join(plan)).unwrap()
    );
    commit_at(
        &sandbox,
        &repo,
        (
            "Amira Hassan",
            "amira.hassan@little-acorns-nursery.example.sch.uk",
        ),
        "2026-11-20T12:00:00+00:00",
        &[(plan, &text)],
        "Update the plan",
    );
    let panel = std::fs::read_to_string(repo.join("panel.ron"))
        .unwrap()
        .replace("name: \"Simran Kaur\"", "name: \"Simran Kaur-Reid\"");
    commit_at(
        &sandbox,
        &repo,
        SIMRAN,
        "2026-12-04T10:00:00+00:00",
        &[("panel.ron", &panel)],
        "My name",
    );

    let url = format!("file://{}", repo.display());
    let clone = |name: &str, depth: Option<usize>| {
        let dest = sandbox.path(name);
        let depth = depth.map(|d| d.to_string());
        let mut args = vec!["clone", "-q"];
        if let Some(d) = &depth {
            args.extend(["--depth", d]);
        }
        args.extend([url.as_str(), dest.to_str().unwrap()]);
        sandbox.git(&sandbox.path(""), &args);
        dest
    };
    let (_, whole) = audit(&sandbox, &clone("full", None));
    for (rule, count) in [
        ("made-on-unknown-commit", 1),
        // One for each decision that cites the meeting.
        ("meeting-changed-after-decision", 2),
        ("commit-date-backwards", 1),
        ("panel-changed-without-authority", 1),
    ] {
        assert_eq!(findings_of(&whole, rule).len(), count, "{rule}: {whole:#}");
    }
    for depth in 1..=7 {
        let shallow = clone(&format!("depth-{depth}"), Some(depth));
        let boundary = std::fs::read_to_string(shallow.join(".git/shallow")).unwrap();
        let (_, found) = audit(&sandbox, &shallow);
        assert_subset(&found, &whole, boundary.trim());
    }
}

#[test]
fn a_decision_naming_a_commit_that_did_not_submit_its_files() {
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    let submitted = submitted(&sandbox, &repo, "little-acorns-nursery");
    // The commit the branch is at: it holds Little Acorns' files, but recorded attendance.
    let head = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    assert_ne!(submitted, head);
    let (path, file, message_text) =
        decision(&sandbox, &repo, &items::LITTLE_ACORNS, "r-adeyemi", &[]);
    assert!(file.contains(&submitted), "{file}");
    assert!(message_text.contains(&format!("Submission-Commit: {submitted}")));
    // Both the file and the trailer name the commit the decision was built on instead, as a
    // hand-made record (or an older kitemark) would.
    let file = file.replace(&submitted, &head);
    let message_text = message_text.replace(&submitted, &head);
    let wrong = commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        TEN,
        &[(&path, &file)],
        &message_text,
    );
    let (code, json) = audit(&sandbox, &repo);
    assert_eq!(code, 1, "{json:#}");
    let acorns = Some(("little-acorns-nursery", "2026-27"));
    let f = the(&json, "submission-commit-wrong", &wrong, acorns);
    assert!(message(f).contains(&head[..7]), "{f:#}");
    assert!(message(f).contains("Submission-Commit"), "{f:#}");
    // Nothing else: the files it names are the right ones, and the trailers agree.
    assert_eq!(errors(&json).len(), 1, "{json:#}");

    // Recorded by kitemark, it names the commit that submitted the files: clean.
    let sandbox = Sandbox::new();
    let repo = meeting_day(&sandbox);
    let (path, file, message_text) =
        decision(&sandbox, &repo, &items::LITTLE_ACORNS, "r-adeyemi", &[]);
    commit_at(
        &sandbox,
        &repo,
        ROSALIND,
        TEN,
        &[(&path, &file)],
        &message_text,
    );
    let (_, json) = audit(&sandbox, &repo);
    assert!(errors(&json).is_empty(), "{json:#}");
}
