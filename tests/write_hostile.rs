//! Nothing malformed is ever written: names that cannot stand in a commit's author line,
//! and text that kitemark's own `validate` rejects, are refused with the field named before
//! anything is written, and the repository stays usable.

mod common;

use std::path::Path;

use common::{Attendance, Sandbox, assert_exit, stderr, stdout};

/// Names as RON writes them: a line break, angle brackets, and escape sequences (clipboard
/// write, clear screen, a C1 control, a right-to-left override).
const HOSTILE_NAMES: [(&str, &str); 6] = [
    ("a line break", "Tom\\nWhitlock"),
    ("angle brackets", "Tom <x@evil.example> Whitlock"),
    ("OSC 52", "Tom\\u{1b}]52;c;cm0gLXJmIH4=\\u{7}Whitlock"),
    ("CSI 2J", "Tom\\u{1b}[2JWhitlock"),
    ("a C1 control", "Tom\\u{9b}2JWhitlock"),
    ("U+202E", "Tom\\u{202e}kcoltihW"),
];

fn decide(sandbox: &Sandbox, repo: &Path, recorder: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "decide",
        "--repo",
        repo.to_str().unwrap(),
        "little-acorns-nursery",
        "2026-27",
        "--kind",
        "initial",
        "--meeting",
        "2026-12-02",
        "--recorder",
        recorder,
    ];
    if !extra.contains(&"--outcome") {
        args.extend(["--outcome", "awarded"]);
    }
    args.extend_from_slice(extra);
    sandbox.kitemark(&args)
}

/// `git fsck --strict` is clean and the last commit's headers hold nothing but printable text.
fn assert_history_clean(sandbox: &Sandbox, repo: &Path) {
    let fsck = sandbox.try_git(repo, &["fsck", "--strict", "--no-progress"]);
    assert!(fsck.status.success(), "git fsck: {}", stderr(&fsck));
    let log = sandbox.git(repo, &["log", "--format=%an <%ae>%n%B"]);
    assert!(
        !log.stdout.iter().any(|&b| b == 0x1b || b == 0x07),
        "an escape sequence reached git log"
    );
    let text = stdout(&log);
    assert!(
        !text.contains('\u{9b}') && !text.contains('\u{202e}'),
        "{text}"
    );
}

#[test]
fn a_member_name_that_cannot_be_an_author_is_flagged_and_never_written() {
    let sandbox = Sandbox::new();
    let base = sandbox.demo_with_attendance(Attendance::Recorded);
    for (n, (what, name)) in HOSTILE_NAMES.iter().enumerate() {
        let repo = sandbox.copy_repo(&base, &format!("case-{n}"));
        let panel = std::fs::read_to_string(repo.join("panel.ron")).unwrap();
        let line = panel
            .lines()
            .position(|l| l.contains("\"Tom Whitlock\""))
            .unwrap()
            + 1;
        std::fs::write(
            repo.join("panel.ron"),
            panel.replace("\"Tom Whitlock\"", &format!("\"{name}\"")),
        )
        .unwrap();
        sandbox.git(
            &repo,
            &["commit", "-q", "-a", "-m", "Edit a member by hand"],
        );
        let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);

        let out = sandbox.kitemark(&["validate", "--repo", repo.to_str().unwrap()]);
        assert_exit(&out, 1);
        assert!(
            stdout(&out).contains(&format!(
                "panel.ron:{line}:13: error: member \"t-whitlock\"'s name cannot be a commit's author"
            )
            ),
            "{what}: {}",
            stdout(&out)
        );

        let out = decide(&sandbox, &repo, "t-whitlock", &[]);
        assert_exit(&out, 1);
        let err = stderr(&out);
        assert!(err.contains("cannot write a commit by"), "{what}: {err}");
        assert!(err.contains("nothing was recorded"), "{what}: {err}");
        assert!(
            !err.contains('\u{1b}'),
            "{what}: the message itself is inert"
        );
        assert_eq!(
            sandbox.git_text(&repo, &["rev-parse", "HEAD"]),
            before,
            "{what}"
        );
        assert_history_clean(&sandbox, &repo);

        // Another member records it; kitemark goes on working.
        let out = decide(&sandbox, &repo, "r-adeyemi", &[]);
        assert_exit(&out, 0);
        assert_history_clean(&sandbox, &repo);
        assert!(stdout(&sandbox.git(&repo, &["status", "--porcelain"])).is_empty());
    }
}

#[test]
fn a_school_contact_that_cannot_be_an_author_is_refused_at_submission() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    let source = repo.join("submissions/little-acorns-nursery");
    for (n, (what, name)) in HOSTILE_NAMES.iter().enumerate() {
        // A new school, sent with its profile: the contact it names would be the author.
        let from = sandbox.path(&format!("sent-{n}"));
        std::fs::create_dir_all(&from).unwrap();
        let school = std::fs::read_to_string(source.join("school.ron"))
            .unwrap()
            .replace("little-acorns-nursery", "oak-tree-nursery")
            .replace("\"Amira Hassan\"", &format!("\"{name}\""));
        std::fs::write(from.join("school.ron"), school).unwrap();
        for file in ["self-review.ron", "action-plan.ron"] {
            let text = std::fs::read_to_string(source.join("2026-27").join(file)).unwrap();
            std::fs::write(
                from.join(file),
                text.replace("little-acorns-nursery", "oak-tree-nursery"),
            )
            .unwrap();
        }
        let out = sandbox.kitemark(&[
            "submit",
            "oak-tree-nursery",
            "2026-27",
            "--repo",
            repo.to_str().unwrap(),
            "--from",
            from.to_str().unwrap(),
        ]);
        assert_exit(&out, 1);
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "{}:11:13: error: contact 1's name cannot be a commit's author",
                from.join("school.ron").display()
            )),
            "{what}: {err}"
        );
        for line in err.lines().filter(|l| l.contains("error:")) {
            assert!(
                line.ends_with("[bad-name]") || line.ends_with("[control-character]"),
                "{what}: the name is the only problem: {err}"
            );
        }
        assert!(err.contains("nothing was submitted"), "{what}: {err}");
        assert_eq!(
            sandbox.git_text(&repo, &["rev-parse", "HEAD"]),
            before,
            "{what}"
        );
    }
    assert_history_clean(&sandbox, &repo);
    assert!(stdout(&sandbox.git(&repo, &["status", "--porcelain"])).is_empty());
}

const ESCAPES: [&str; 4] = [
    "Clipboard \u{1b}]52;c;cm0gLXJmIH4=\u{7} write",
    "Clear \u{1b}[2J screen",
    "C1 \u{9b}2J control",
    "Reversed \u{202e}txet",
];

#[test]
fn escape_sequences_in_every_text_option_are_refused_with_the_field_named() {
    let sandbox = Sandbox::new();
    let repo = sandbox.demo_with_attendance(Attendance::Recorded);
    let repo_arg = repo.to_str().unwrap().to_owned();
    let before = sandbox.git_text(&repo, &["rev-parse", "HEAD"]);
    for text in ESCAPES {
        let condition = format!("{text}@2027-03-31");
        let area = format!("leadership-management={text}");
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (vec!["--feedback", text], "decision's feedback"),
            (
                vec![
                    "--judgement",
                    "leadership-management=secure",
                    "--area-feedback",
                    &area,
                ],
                "decision's areas[0].feedback",
            ),
            (
                vec![
                    "--outcome",
                    "awarded-with-conditions",
                    "--condition",
                    &condition,
                ],
                "decision's conditions[0].text",
            ),
            (
                vec!["--override-reason", text],
                "decision's override_reason",
            ),
        ];
        for (extra, field) in cases {
            let out = decide(&sandbox, &repo, "t-whitlock", &extra);
            assert_exit(&out, 1);
            let err = stderr(&out);
            assert!(
                err.contains(&format!(
                    "kitemark: refused: the {field}: it holds control character"
                )),
                "{field}: {err}"
            );
            assert!(err.contains("nothing was recorded"), "{err}");
            assert!(
                !err.contains('\u{1b}') && !err.contains('\u{9b}'),
                "{err:?}"
            );
        }
        for (option, field) in [("--location", "location"), ("--notes", "notes")] {
            let out = sandbox.kitemark(&[
                "meeting",
                "2026-12-02",
                "--repo",
                &repo_arg,
                "--chair",
                "r-adeyemi",
                option,
                text,
            ]);
            assert_exit(&out, 1);
            let err = stderr(&out);
            assert!(
                err.contains(&format!(
                    "kitemark: refused: the meeting's {field}: it holds control character"
                )),
                "{field}: {err}"
            );
        }
        let dir = sandbox.path("new-panel");
        let out = sandbox.kitemark(&["init", dir.to_str().unwrap(), "--name", text]);
        assert_exit(&out, 1);
        assert!(
            stderr(&out)
                .contains("kitemark: refused: the panel's name: it holds control character"),
            "{}",
            stderr(&out)
        );
        assert!(!dir.exists(), "no repository was created");
    }
    assert_eq!(
        sandbox.git_text(&repo, &["rev-parse", "HEAD"]),
        before,
        "nothing was written"
    );
    let out = sandbox.kitemark(&["validate", "--repo", &repo_arg]);
    assert_exit(&out, 0);
    assert!(stdout(&sandbox.git(&repo, &["status", "--porcelain"])).is_empty());
    // Ordinary line breaks and tabs in feedback are text, not controls.
    let out = decide(
        &sandbox,
        &repo,
        "t-whitlock",
        &["--feedback", "Well done.\n\n\tSecond paragraph."],
    );
    assert_exit(&out, 0);
    assert_history_clean(&sandbox, &repo);
    assert_exit(&sandbox.kitemark(&["validate", "--repo", &repo_arg]), 0);
}
