//! Signing the panel's commits with members' SSH keys, and checking commits' signatures.
//!
//! A member's commit is signed through `ssh-keygen -Y sign`, as git signs with
//! `gpg.format=ssh`, so a key in an agent or on a hardware token works as well as a key
//! file; the signature is checked here before it is used, to be sure it is one of the
//! member's keys in `panel.ron`. Repositories kitemark builds in one go (the demo, generated
//! ones) sign in process with keys they hold. Signatures are checked in process too
//! (`ssh-key`), one commit at a time, never by running a program per commit.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use jiff::civil::Date;

use super::PanelRepo;
use super::write::{WriteError, temporary_name};
use crate::model::history::SignatureCheck;
use crate::model::text::sanitize_inline;
use crate::model::{MemberId, MemberKey};

/// git's namespace for commit signatures.
const NAMESPACE: &str = "git";

/// How a commit is signed.
#[derive(Debug, Clone)]
pub enum Signer {
    /// As the member at the keyboard, with `ssh-keygen` and the member's key.
    Member(SignAs),
    /// In process, with a key the program holds (a demo or generated repository's).
    Key(Arc<ssh_key::PrivateKey>),
}

/// The member a commit is signed as, and what the panel asks of it.
#[derive(Debug, Clone)]
pub struct SignAs {
    pub member: MemberId,
    /// The member's keys as `panel.ron` lists them.
    pub keys: Vec<MemberKey>,
    /// The panel requires signatures: without a key nothing is recorded.
    pub required: bool,
    /// Whether `ssh-keygen` may ask at the terminal (for a passphrase). The interface owns
    /// the terminal and says no: a key that needs a passphrase must then be in an agent.
    pub interactive: bool,
}

/// How a commit by `member` is signed, by the panel's rules: with their keys, required or
/// not. `None` for someone who is not a member (a school's contact).
pub fn signer_for(
    panel: &crate::model::Panel,
    member: &MemberId,
    interactive: bool,
) -> Option<Signer> {
    panel.member(member).map(|m| {
        Signer::Member(SignAs {
            member: member.clone(),
            keys: m.keys.clone(),
            required: panel.require_signatures,
            interactive,
        })
    })
}

/// Where a signing key may be found, in the order they are tried, with how to name it.
fn key_sources(repo: &PanelRepo, member: &MemberId) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    // The repository's own keys: the demo keeps its fictional members' keys there.
    let own = repo.kitemark_dir().join("keys").join(member.as_str());
    if own.exists() {
        out.push((format!(".git/kitemark/keys/{member}"), own));
    }
    out.extend(configured_keys(repo));
    out
}

/// The key configured for whoever is at the keyboard: `KITEMARK_SIGNING_KEY`, then git's
/// `user.signingKey`.
fn configured_keys(repo: &PanelRepo) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    if let Some(path) = std::env::var_os("KITEMARK_SIGNING_KEY").filter(|p| !p.is_empty()) {
        out.push(("KITEMARK_SIGNING_KEY".into(), PathBuf::from(path)));
    }
    if let Ok(config) = repo.git().config()
        && let Ok(value) = config.get_string("user.signingkey")
    {
        let value = value.trim().to_owned();
        if let Some(literal) = value.strip_prefix("key::") {
            // git's way of naming a key held by the agent: ssh-keygen wants it in a file.
            let file = repo.kitemark_dir().join("signing-key.pub");
            if std::fs::create_dir_all(repo.kitemark_dir()).is_ok()
                && std::fs::write(&file, format!("{literal}\n")).is_ok()
            {
                out.push(("git's user.signingKey".into(), file));
            }
        } else if !value.is_empty() {
            let path = match value.strip_prefix("~/") {
                Some(rest) => {
                    dirs::home_dir().map_or_else(|| PathBuf::from(&value), |h| h.join(rest))
                }
                None => PathBuf::from(&value),
            };
            out.push(("git's user.signingKey".into(), path));
        }
    }
    out
}

fn cannot(member: &MemberId, why: impl Into<String>) -> WriteError {
    WriteError::CannotSign {
        member: member.to_string(),
        why: why.into(),
    }
}

/// Runs `ssh-keygen -Y sign` on `data` with the key at `key`, and returns the armoured
/// signature.
fn ssh_keygen_sign(
    repo: &PanelRepo,
    key: &Path,
    data: &[u8],
    interactive: bool,
) -> Result<String, String> {
    let dir = repo.kitemark_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = temporary_name(&dir.join("commit-to-sign"));
    let signature_file = PathBuf::from(format!("{}.sig", file.display()));
    let _ = std::fs::remove_file(&signature_file);
    std::fs::write(&file, data).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    let mut command = Command::new("ssh-keygen");
    command
        .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if interactive {
        command.stdin(Stdio::inherit());
    } else {
        // Never at the terminal: an askpass that fails stands in for any prompt.
        command
            .stdin(Stdio::null())
            .env("SSH_ASKPASS_REQUIRE", "force")
            .env("SSH_ASKPASS", "false");
    }
    let outcome = command.output();
    let _ = std::fs::remove_file(&file);
    let output = outcome.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            "ssh-keygen (part of OpenSSH) is not installed".to_owned()
        } else {
            format!("cannot run ssh-keygen: {e}")
        }
    })?;
    let signature = std::fs::read_to_string(&signature_file);
    let _ = std::fs::remove_file(&signature_file);
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = sanitize_inline(said.trim());
        return Err(if said.is_empty() {
            "ssh-keygen could not sign".to_owned()
        } else {
            format!("ssh-keygen: {said}")
        });
    }
    signature.map_err(|e| format!("ssh-keygen wrote no signature: {e}"))
}

/// Checks a signature on `data`: `Good` names the key that made it.
pub(crate) fn check(armoured: &str, data: &[u8]) -> SignatureCheck {
    let armoured = armoured.trim();
    if !armoured.starts_with("-----BEGIN SSH SIGNATURE-----") {
        let kind = if armoured.contains("PGP SIGNATURE") {
            "OpenPGP"
        } else if armoured.contains("SIGNED MESSAGE") {
            "X.509"
        } else {
            "unknown"
        };
        return SignatureCheck::Unsupported { kind: kind.into() };
    }
    let signature = match ssh_key::SshSig::from_pem(armoured) {
        Ok(signature) => signature,
        Err(e) => {
            return SignatureCheck::Bad {
                reason: format!("the signature cannot be read ({e})"),
            };
        }
    };
    if signature.namespace() != NAMESPACE {
        return SignatureCheck::Bad {
            reason: format!(
                "the signature is for {:?}, not for git",
                signature.namespace()
            ),
        };
    }
    let key = ssh_key::PublicKey::from(signature.public_key().clone());
    match key.verify(NAMESPACE, data, &signature) {
        Ok(()) => SignatureCheck::Good {
            key: key_text(&key),
        },
        Err(_) => SignatureCheck::Bad {
            reason: "the signature does not match the commit (it was altered after signing, or signed something else)".into(),
        },
    }
}

pub use crate::model::panel::bare_key as key_text;

/// A commit's signature checked, if it has one.
pub(super) fn check_commit(
    repo: &git2::Repository,
    commit: &git2::Commit<'_>,
) -> Option<SignatureCheck> {
    // Most commits of a history kitemark reads are unsigned or signed alike; the header says
    // which without reading the commit again.
    let header = commit.raw_header_bytes();
    if !header
        .windows(7)
        .any(|w| w == b"gpgsig " || w == b"gpgsig-")
    {
        return None;
    }
    match repo.extract_signature(&commit.id(), None) {
        Ok((signature, data)) => Some(check(&String::from_utf8_lossy(&signature), &data)),
        Err(e) => Some(SignatureCheck::Bad {
            reason: format!("the signature cannot be read ({})", e.message()),
        }),
    }
}

impl PanelRepo {
    /// The signature of the auditor at the keyboard on `data` (a seal), if they have a key
    /// configured (`KITEMARK_SIGNING_KEY`, or git's `user.signingKey`); `None` if not.
    pub(super) fn auditor_signature(&self, data: &[u8]) -> Result<Option<String>, String> {
        let Some((name, path)) = configured_keys(self).into_iter().next() else {
            return Ok(None);
        };
        let armoured = ssh_keygen_sign(self, &path, data, true)
            .map_err(|why| format!("{name} ({}): {why}", path.display()))?;
        match check(&armoured, data) {
            SignatureCheck::Good { .. } => Ok(Some(armoured)),
            other => Err(format!(
                "{name}: ssh-keygen's signature does not check ({other:?})"
            )),
        }
    }

    /// The signature for a commit's `data`, made as `signer` says; `None` to write it
    /// unsigned (the member has no key, and the panel does not require one), with a note to
    /// the person when the member has keys but none was found here.
    pub(super) fn sign(
        &self,
        signer: &Signer,
        data: &[u8],
        day: Date,
    ) -> Result<(Option<String>, Option<String>), WriteError> {
        let sign = match signer {
            Signer::Key(key) => {
                let signature = key
                    .sign(NAMESPACE, ssh_key::HashAlg::Sha512, data)
                    .and_then(|s| s.to_pem(ssh_key::LineEnding::LF))
                    .map_err(|e| WriteError::CannotSign {
                        member: "(the repository's key)".into(),
                        why: e.to_string(),
                    })?;
                return Ok((Some(signature), None));
            }
            Signer::Member(sign) => sign,
        };
        let member = &sign.member;
        if sign.keys.is_empty() {
            return if sign.required {
                Err(cannot(
                    member,
                    "the panel requires signed commits and panel.ron lists no key for this member; add their public key (a `keys` entry) first",
                ))
            } else {
                Ok((None, None))
            };
        }
        let sources = key_sources(self, member);
        if sources.is_empty() {
            let why = "no signing key was found at this computer (kitemark looks in .git/kitemark/keys/<member>, then KITEMARK_SIGNING_KEY, then git's user.signingKey)";
            return if sign.required {
                Err(cannot(member, why))
            } else {
                Ok((None, Some(format!("recorded unsigned: {why}"))))
            };
        }
        let mut tried = Vec::new();
        for (name, path) in sources {
            let armoured = match ssh_keygen_sign(self, &path, data, sign.interactive) {
                Ok(armoured) => armoured,
                Err(why) => {
                    tried.push(format!("{name} ({}): {why}", path.display()));
                    continue;
                }
            };
            match check(&armoured, data) {
                SignatureCheck::Good { key } => {
                    let theirs = sign
                        .keys
                        .iter()
                        .find(|k| k.public().is_some_and(|p| key_text(&p) == key));
                    match theirs {
                        Some(k) if k.valid_on(day) => return Ok((Some(armoured), None)),
                        Some(_) => tried.push(format!(
                            "{name}: that key of {member} is not valid on {day} in panel.ron"
                        )),
                        None => tried.push(format!(
                            "{name} ({}): that key is not one of {member}'s keys in panel.ron",
                            path.display()
                        )),
                    }
                }
                other => tried.push(format!(
                    "{name}: ssh-keygen's signature does not check ({other:?})"
                )),
            }
        }
        let why = format!("no key could sign as them: {}", tried.join("; "));
        if sign.required {
            Err(cannot(member, why))
        } else {
            Ok((None, Some(format!("recorded unsigned: {why}"))))
        }
    }
}

impl PanelRepo {
    /// Keeps a member's private key in the repository's git directory (never in the tree),
    /// readable by its owner only, where recording looks first: for a demo's fictional
    /// members.
    pub fn keep_signing_key(
        &self,
        member: &MemberId,
        key: &ssh_key::PrivateKey,
    ) -> Result<(), super::RepoError> {
        let dir = self.kitemark_dir().join("keys");
        let failed =
            |what: String| move |e: std::io::Error| super::RepoError::Io(format!("{what}: {e}"));
        std::fs::create_dir_all(&dir)
            .map_err(failed(format!("cannot create {}", dir.display())))?;
        let text = key
            .to_openssh(ssh_key::LineEnding::LF)
            .map_err(|e| super::RepoError::Io(format!("cannot write {member}'s key: {e}")))?;
        let path = dir.join(member.as_str());
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // ssh-keygen refuses a private key others can read.
            options.mode(0o600);
        }
        use std::io::Write as _;
        options
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(failed(format!("cannot write {}", path.display())))
    }

    /// Writes the panel's keys as git's allowed-signers file (`.git/kitemark/allowed_signers`)
    /// and, unless the repository names another, points `gpg.ssh.allowedSignersFile` at it,
    /// so that `git verify-commit` and `git log --show-signature` judge as kitemark does.
    /// Returns the file's path.
    pub fn write_allowed_signers(
        &self,
        panel: &crate::model::Panel,
    ) -> Result<PathBuf, super::RepoError> {
        let path = self.kitemark_dir().join("allowed_signers");
        super::write::write_atomically(&path, panel.allowed_signers().as_bytes())?;
        let mut config = self
            .git()
            .config()
            .and_then(|c| c.open_level(git2::ConfigLevel::Local))
            .map_err(super::RepoError::git(
                "cannot open the repository's configuration",
            ))?;
        if config.get_string("gpg.ssh.allowedSignersFile").is_err() {
            config
                .set_str("gpg.ssh.allowedSignersFile", &path.display().to_string())
                .map_err(super::RepoError::git(
                    "cannot set gpg.ssh.allowedSignersFile",
                ))?;
        }
        Ok(path)
    }

    /// [`PanelRepo::write_allowed_signers`] for the panel at HEAD.
    pub fn refresh_allowed_signers(&self) -> Result<PathBuf, super::RepoError> {
        let snapshot = self.snapshot_at(None)?;
        let blob = snapshot
            .panel
            .as_ref()
            .ok_or_else(|| super::RepoError::Io("there is no panel.ron at HEAD".into()))?;
        let panel: crate::model::Panel = self.load(blob)?;
        self.write_allowed_signers(&panel)
    }
}
