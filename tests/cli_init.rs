//! `kitemark init`: a new, empty panel repository that validates.

mod common;

use common::{Sandbox, assert_exit, stderr, stdout};

#[test]
fn init_makes_a_valid_empty_panel_repository() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("panel");
    let out = sandbox.kitemark(&[
        "init",
        dir.to_str().unwrap(),
        "--rubric",
        "kent-resilience",
        "--name",
        "Kent panel",
    ]);
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("Created a panel repository"));

    let validate = sandbox.kitemark(&["validate", "--repo", dir.to_str().unwrap()]);
    assert_exit(&validate, 0);
    assert!(
        stdout(&validate).contains("the panel has no members yet"),
        "{}",
        stdout(&validate)
    );

    let log = sandbox.git(&dir, &["log", "--format=%an <%ae>|%s"]);
    assert_eq!(
        stdout(&log).trim(),
        "kitemark init <kitemark@invalid>|Set up the panel repository"
    );
    let files = sandbox.git(&dir, &["ls-files"]);
    let files = stdout(&files);
    for expected in [
        "panel.ron",
        "rubrics/hymh-kitemark.ron",
        "rubrics/kent-resilience.ron",
        "rubrics/herts-schools-mark.ron",
        "rubrics/semh-quality-offer.ron",
    ] {
        assert!(
            files.lines().any(|l| l == expected),
            "{expected} missing from {files}"
        );
    }
    let status = sandbox.git(&dir, &["status", "--porcelain"]);
    assert_eq!(stdout(&status), "", "the working tree matches the commit");
    let panel = std::fs::read_to_string(dir.join("panel.ron")).unwrap();
    assert!(
        panel.contains("default_rubric: \"kent-resilience\""),
        "{panel}"
    );
}

#[test]
fn init_never_overwrites() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("busy");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "keep me").unwrap();
    let out = sandbox.kitemark(&["init", dir.to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "keep me"
    );
    assert!(!dir.join(".git").exists());
}

#[test]
fn init_names_the_rubrics_it_knows() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("panel");
    let out = sandbox.kitemark(&["init", dir.to_str().unwrap(), "--rubric", "ofsted"]);
    assert_exit(&out, 2);
    assert!(stderr(&out).contains("hymh-kitemark"), "{}", stderr(&out));
    assert!(!dir.exists());
}

#[test]
fn init_shows_an_escape_sequence_in_the_folder_name_harmlessly() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("panel-\x1b[31m-red");
    let out = sandbox.kitemark(&["init", dir.to_str().unwrap()]);
    assert_exit(&out, 0);
    let text = stdout(&out);
    assert!(text.contains("Created a panel repository"), "{text}");
    assert!(!text.contains('\x1b'), "{text:?}");
    assert!(text.contains("[31m-red"), "{text:?}");
}

#[test]
fn init_and_demo_neither_offer_nor_take_repo() {
    let sandbox = Sandbox::new();
    for command in ["init", "demo"] {
        let help = sandbox.kitemark(&[command, "--help"]);
        assert_exit(&help, 0);
        assert!(!stdout(&help).contains("--repo"), "{}", stdout(&help));
    }
    // Every other command still offers it.
    let help = sandbox.kitemark(&["schools", "--help"]);
    assert!(stdout(&help).contains("--repo"), "{}", stdout(&help));

    let dir = sandbox.path("panel");
    let elsewhere = sandbox.path("elsewhere");
    let d = dir.to_str().unwrap();
    let e = elsewhere.to_str().unwrap();
    for args in [
        &["init", d, "--repo", e][..],
        &["--repo", e, "init", d],
        &["demo", "--dir", d, "--no-open", "--repo", e],
    ] {
        let out = sandbox.kitemark(args);
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains("--repo"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!dir.exists(), "{args:?} made {d}");
    }
}
