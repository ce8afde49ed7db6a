//! A real git server for tests that share a panel between clones: `git daemon` on 127.0.0.1,
//! on a free port, with pushing enabled, serving the bare repositories under one folder. It
//! runs in the sandbox's hermetic environment and is stopped when dropped.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::Sandbox;

/// A running `git daemon`.
pub struct GitServer {
    child: Child,
    port: u16,
    root: PathBuf,
}

impl GitServer {
    /// Serves the bare repositories under `root` (each reachable as `url(name)`), waiting
    /// until the daemon accepts connections.
    pub fn start(sandbox: &Sandbox, root: &Path) -> Self {
        // A port the system has just handed out and taken back is free; another process may
        // take it in between, so try a few.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .unwrap();
            // `git daemon` runs git-daemon as a child of its own and does not pass a kill
            // on to it: the daemon itself is started, so that stopping it stops the server.
            let mut cmd = daemon_command();
            cmd.arg("--reuseaddr")
                .arg("--export-all")
                .arg("--enable=receive-pack")
                .arg("--listen=127.0.0.1")
                .arg(format!("--port={port}"))
                .arg(format!("--base-path={}", root.display()))
                .arg(root)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            sandbox.hermetic(&mut cmd);
            let mut child = cmd.spawn().expect("git daemon runs");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return Self {
                        child,
                        port,
                        root: root.to_path_buf(),
                    };
                }
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("git daemon did not start on 127.0.0.1");
    }

    /// The URL of the bare repository `name` under the served folder.
    pub fn url(&self, name: &str) -> String {
        format!("git://127.0.0.1:{}/{name}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The served folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Stops the daemon (as a server going away mid-meeting would); connections are then
    /// refused.
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The git-daemon program from git's exec path, or `git daemon` if it is not found there.
fn daemon_command() -> Command {
    let exec_path = Command::new("git")
        .arg("--exec-path")
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    match exec_path
        .map(|p| p.join("git-daemon"))
        .filter(|p| p.exists())
    {
        Some(daemon) => Command::new(daemon),
        None => {
            let mut cmd = Command::new("git");
            cmd.arg("daemon");
            cmd
        }
    }
}

impl Drop for GitServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Sandbox {
    /// A bare copy of the repository at `from`, named `name` under `root`, as a shared remote
    /// is set up (`git clone --bare`).
    pub fn bare_copy(&self, from: &Path, root: &Path, name: &str) -> PathBuf {
        std::fs::create_dir_all(root).unwrap();
        let to = root.join(name);
        self.git(
            root,
            &[
                "clone",
                "-q",
                "--bare",
                from.to_str().unwrap(),
                to.to_str().unwrap(),
            ],
        );
        to
    }

    /// A clone of `url` in the sandbox folder `name`, on `main`.
    pub fn clone_of(&self, url: &str, name: &str) -> PathBuf {
        let to = self.path(name);
        self.git(&self.path(""), &["clone", "-q", url, to.to_str().unwrap()]);
        to
    }
}

impl Sandbox {
    /// Two clones of `url`, `a` and `b`, each holding the signing keys the demo at `demo`
    /// keeps in its git directory (a clone does not bring them), as two members' machines.
    pub fn two_clones_with_keys(&self, demo: &Path, url: &str) -> (PathBuf, PathBuf) {
        let a = self.clone_of(url, "a");
        let b = self.clone_of(url, "b");
        let keys = demo.join(".git/kitemark/keys");
        if keys.exists() {
            for clone in [&a, &b] {
                std::fs::create_dir_all(clone.join(".git/kitemark")).unwrap();
                let out = Command::new("cp")
                    .arg("-a")
                    .arg(&keys)
                    .arg(clone.join(".git/kitemark/keys"))
                    .output()
                    .unwrap();
                assert!(out.status.success());
            }
        }
        (a, b)
    }
}
