//! Starting the interface: problems are reported before the screen is taken over, with the
//! file, line and column where a file is at fault.

mod common;

use common::{Sandbox, assert_exit, base_files, stderr};

#[test]
fn a_bad_config_is_reported_not_ignored() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("panel", &base_files());
    let config = sandbox.path("home/.config/kitemark/config.ron");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "(\n    keys: {\n        \"quit\": [\"j\"],\n        \"jump\": [\"x\"],\n    },\n)\n",
    )
    .unwrap();
    let out = sandbox.kitemark(&["--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{}:4:9: unknown action \"jump\"",
            config.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{}:3:18: key j is bound to both \"quit\" and \"down\"",
            config.display()
        )),
        "{err}"
    );
}

#[test]
fn kitemark_config_points_at_another_file() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("panel", &base_files());
    let config = sandbox.path("my-keys.ron");
    std::fs::write(&config, "(theme: \"neon\")").unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kitemark"));
    cmd.args(["open", "--repo", repo.to_str().unwrap()])
        .env("KITEMARK_CONFIG", &config)
        .env("HOME", sandbox.path("home"));
    let out = cmd.output().unwrap();
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("my-keys.ron:1:2: unknown theme \"neon\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_config_file_sets_what_documents_are_written_as() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("panel", &base_files());
    let config = sandbox.path("config.ron");
    let open = |text: &str| {
        std::fs::write(&config, text).unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kitemark"));
        cmd.args(["open", "--repo", repo.to_str().unwrap()])
            .env("KITEMARK_CONFIG", &config)
            .env("HOME", sandbox.path("home"));
        cmd.output().unwrap()
    };
    let out = open("(\n    export_format: \"pdf\",\n)\n");
    assert_exit(&out, 2);
    assert!(
        stderr(&out)
            .contains("config.ron:2:5: unknown export format \"pdf\"; use \"md\" or \"docx\""),
        "{}",
        stderr(&out)
    );
    // Accepted: what stops the interface now is only that the test has no terminal.
    let out = open("(export_format: \"docx\")\n");
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("needs a terminal"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn not_a_panel_repository_says_what_to_do() {
    let sandbox = Sandbox::new();
    let other = sandbox.repo_with("other", &[("notes.md".into(), b"hello".to_vec())]);
    let out = sandbox.kitemark(&["--repo", other.to_str().unwrap()]);
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(
        err.contains("no panel.ron") && err.contains("kitemark demo"),
        "{err}"
    );

    let empty = sandbox.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    sandbox.git(&empty, &["init", "-q"]);
    let out = sandbox.kitemark(&["open", "--repo", empty.to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("has no commits yet"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn without_a_terminal_the_interface_says_so() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("panel", &base_files());
    let out = sandbox.kitemark(&["open", "--repo", repo.to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("needs a terminal"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn options_before_or_after_the_command() {
    let sandbox = Sandbox::new();
    let repo = sandbox.repo_with("panel", &base_files());
    let repo = repo.to_str().unwrap();
    // --repo goes anywhere.
    assert_exit(&sandbox.kitemark(&["--repo", repo, "validate"]), 0);
    assert_exit(&sandbox.kitemark(&["validate", "--repo", repo]), 0);
    // The interface's options work with or without `open` (here there is no terminal, so the
    // interface declines after the options were accepted).
    for args in [
        vec!["--repo", repo, "--on", "2026-11-22"],
        vec![
            "--repo",
            repo,
            "open",
            "--on",
            "2026-11-22",
            "--theme",
            "high-contrast",
        ],
        vec!["--repo", repo, "--theme", "high-contrast", "open"],
    ] {
        let out = sandbox.kitemark(&args);
        assert_exit(&out, 2);
        assert!(
            stderr(&out).contains("needs a terminal"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // Before another command they would be ignored, so they are refused.
    let out = sandbox.kitemark(&["--repo", repo, "--on", "2026-11-22", "schools"]);
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("--on before a command applies to the interface only"),
        "{}",
        stderr(&out)
    );
}
