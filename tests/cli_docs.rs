//! What a command-line user expects around the commands: completions for their shell, a
//! manual page, and progress on long work that shows on a terminal and stays out of pipes.

mod common;

use std::process::Command;

use common::{Sandbox, assert_exit, shared_demo, stderr, stdout};

#[test]
fn completions_are_generated_for_each_shell_from_the_commands() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = sandbox.kitemark(&["completions", shell]);
        assert_exit(&out, 0);
        let script = stdout(&out);
        for word in ["decide", "supersedes", "completions", "audit"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    // The bash script is one bash can read.
    let script = sandbox.path("kitemark.bash");
    std::fs::write(&script, stdout(&sandbox.kitemark(&["completions", "bash"]))).unwrap();
    let checked = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert_exit(&checked, 0);
    let unknown = sandbox.kitemark(&["completions", "tcsh"]);
    assert_exit(&unknown, 2);
}

#[test]
fn the_manual_page_is_generated_with_a_page_per_command() {
    let sandbox = Sandbox::new();
    let out = sandbox.kitemark(&["man"]);
    assert_exit(&out, 0);
    let page = stdout(&out);
    assert!(page.contains(".TH kitemark 1"), "{page}");
    assert!(page.contains("decide"), "{page}");

    let dir = sandbox.path("man");
    let out = sandbox.kitemark(&["man", "--dir", dir.to_str().unwrap()]);
    assert_exit(&out, 0);
    let help = stdout(&sandbox.kitemark(&["--help"]));
    let commands: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A description that wraps goes on indented further.
        .filter(|l| !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() > 10, "{help}");
    for command in commands {
        let page = std::fs::read_to_string(dir.join(format!("kitemark-{command}.1")))
            .unwrap_or_else(|e| panic!("kitemark-{command}.1: {e}"));
        assert!(
            page.contains(&format!(".TH kitemark-{command} 1")),
            "{command}: {page}"
        );
    }
    assert!(dir.join("kitemark.1").is_file());
}

#[test]
fn long_work_shows_progress_on_a_terminal_and_nothing_when_piped() {
    let sandbox = Sandbox::new();
    let repo = shared_demo();
    let args = [
        "audit",
        "--repo",
        repo.to_str().unwrap(),
        "--on",
        "2026-11-22",
    ];
    let piped = sandbox.kitemark(&args);
    assert_exit(&piped, 0);
    assert_eq!(stderr(&piped), "", "nothing but the report when piped");
    assert!(stdout(&piped).starts_with("Audit of"), "{}", stdout(&piped));

    // script(1) gives the command a terminal of its own and copies what it shows.
    let line = format!(
        "'{}' {}",
        env!("CARGO_BIN_EXE_kitemark"),
        args.map(|a| format!("'{a}'")).join(" ")
    );
    let mut script = Command::new("script");
    script.args(["-q", "-e", "-c", &line, "/dev/null"]);
    sandbox.hermetic(&mut script);
    let shown = script.output().unwrap();
    assert_exit(&shown, 0);
    let screen = stdout(&shown);
    assert!(screen.contains("Reading the history"), "{screen}");
    assert!(screen.contains("Audit of"), "{screen}");
}
