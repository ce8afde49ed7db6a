//! The real binary in a real terminal: a tmux server of each test's own, on a private socket,
//! driven by keys and read screen by screen; only that server is killed.

use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::Sandbox;

/// A tmux server of the test's own, on a private socket, with one pane.
pub struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a new tmux server's only pane; the pane stays after the command ends
    /// so that its last output can be read.
    pub fn start(sandbox: &Sandbox, command: &str, width: u16, height: u16) -> Tmux {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "kitemark-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        Tmux::start_on(socket, sandbox, command, width, height)
    }

    /// Like [`Tmux::start`], on a socket of the test's own naming.
    pub fn start_on(
        socket: String,
        sandbox: &Sandbox,
        command: &str,
        width: u16,
        height: u16,
    ) -> Tmux {
        let home = sandbox.path("home");
        let shell = format!(
            "env HOME='{0}' XDG_CONFIG_HOME='{0}/.config' GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null {command}; echo EXIT=$?; sleep 60",
            home.display()
        );
        let tmux = Tmux { socket };
        let status = tmux
            .cmd()
            .args([
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "main",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
                &shell,
            ])
            .status()
            .expect("tmux is installed (.ci/run installs it)");
        assert!(status.success(), "tmux did not start");
        tmux
    }

    pub fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket]);
        cmd
    }

    pub fn capture(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "main"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn display(&self, format: &str) -> String {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "main", format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Waits until the screen satisfies `test`, polling; fails with the last screen.
    pub fn wait_until(&self, what: &str, test: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.capture();
            if test(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen is:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Moves along the decision form's fields to the outcome, wherever the form opened,
    /// waiting for each move to show.
    pub fn to_outcome(&self) {
        for _ in 0..20 {
            let screen = self.capture();
            let rows = field_rows(&screen);
            let key = match rows {
                (Some(selected), Some(outcome)) if selected == outcome => return,
                (Some(selected), Some(outcome)) if selected < outcome => "j",
                _ => "k",
            };
            self.send(&[key]);
            self.wait_until("the selection to move", |s| field_rows(s) != rows);
        }
        panic!("the outcome is not selected:\n{}", self.capture());
    }

    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} to go"), |s| !s.contains(text))
    }

    /// Sends keys by tmux name (`Enter`, `Escape`, `q`). Escape must go on its own, or the
    /// terminal reads it as Alt with the next key.
    pub fn send(&self, keys: &[&str]) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", "main"])
            .args(keys)
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn type_text(&self, text: &str) {
        let status = self
            .cmd()
            .args(["send-keys", "-t", "main", "-l", text])
            .status()
            .unwrap();
        assert!(status.success());
    }

    pub fn resize(&self, width: u16, height: u16) {
        let status = self
            .cmd()
            .args([
                "resize-window",
                "-t",
                "main",
                "-x",
                &width.to_string(),
                "-y",
                &height.to_string(),
            ])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

/// The binary under test.
pub fn kitemark() -> &'static str {
    env!("CARGO_BIN_EXE_kitemark")
}

/// The rows of the decision form's list of fields that are selected and that are the
/// outcome, by line on the screen.
pub fn field_rows(screen: &str) -> (Option<usize>, Option<usize>) {
    let lines: Vec<&str> = screen.lines().collect();
    let Some(top) = lines.iter().position(|l| l.contains(" Fields ")) else {
        return (None, None);
    };
    let row = |test: &dyn Fn(&str) -> bool| (top + 1..lines.len()).find(|&i| test(lines[i]));
    let selected = row(&|l| l.chars().nth(1) == Some('▸'));
    let outcome = row(&|l| {
        l.chars()
            .skip(3)
            .collect::<String>()
            .starts_with(" Outcome ")
    });
    (selected, outcome)
}
