//! Loose objects checked before libgit2 reads any of them.
//!
//! libgit2 1.9 spins for ever when it reads a loose object whose compressed data is cut short
//! (its inflate loop retries a stream that can never end), and writes past its buffer when an
//! object's header declares fewer bytes than the object holds. No release of git2 carries the
//! fix yet, so [`PanelRepo::open`] checks every loose object file first and refuses a
//! repository with a corrupt one, naming it, instead of handing it to libgit2.
//!
//! Each file is checked once: a good verdict is remembered by the file's path, size and
//! modification time in a cache in kitemark's folder of the git directory (a cache that cannot
//! be read or written only means checking again). Only good verdicts are kept, so a repaired
//! file is always checked again. Packed objects are not checked: the bugs are in libgit2's
//! reading of loose objects, and checking a pack would mean inflating all of it on every
//! change. Loose objects are few (a repository in use is packed by `git gc`), so the check is
//! cheap; the README gives its cost.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use super::PanelRepo;
use super::write::write_atomically;

/// A loose object kitemark will not let libgit2 read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorruptObject {
    /// The object's id, from its file's folder and name.
    pub id: String,
    /// The object's file.
    pub file: PathBuf,
    /// The object's type, when its header could be read.
    pub kind: Option<String>,
    pub problem: Problem,
    /// Where HEAD uses it (a path in HEAD's tree, or HEAD's commit itself), when that could
    /// be found without reading a corrupt object.
    pub used_at: Option<String>,
}

/// What is wrong with a loose object's file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    #[error("the file cannot be read ({0})")]
    Unreadable(String),
    #[error("it is not a regular file")]
    NotAFile,
    #[error("the compressed data ends early")]
    EndsEarly,
    #[error("the compressed data is damaged ({0})")]
    Damaged(String),
    #[error(
        "it does not start with an object header (blob, tree, commit or tag, a space, a size and a zero byte)"
    )]
    NoHeader,
    #[error("it declares {declared} bytes but holds {held}")]
    WrongSize { declared: u64, held: u64 },
}

/// The cache's first line; a cache with another is ignored, so that changing what is checked
/// checks everything again.
const CACHE_HEADER: &str = "kitemark loose objects checked 1";
const CACHE_FILE: &str = "loose-objects-checked";

/// How deep `objects/info/alternates` may chain, as in libgit2.
const MAX_ALTERNATES_DEPTH: usize = 5;

/// Longer than any header git writes (`commit 18446744073709551615` and a zero byte).
const MAX_HEADER: usize = 64;

/// Bytes read from a file, or inflated, at a time: the check holds no more of an object.
const CHUNK: usize = 16 * 1024;

/// One check at a time in a process: the threads that open the repository together (validate's
/// readers) then find the cache the first wrote, and never write it at once under the same
/// temporary name.
static CHECKING: Mutex<()> = Mutex::new(());

impl PanelRepo {
    /// Every loose object of the repository (and of its alternates) that libgit2 must not
    /// read; empty when all are sound.
    pub(super) fn corrupt_loose_objects(&self) -> Vec<CorruptObject> {
        let _one_at_a_time = CHECKING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let cache_path = self.kitemark_dir().join(CACHE_FILE);
        let cached = read_cache(&cache_path);
        let mut good: Vec<(String, Stamp)> = Vec::new();
        let mut corrupt = Vec::new();
        let mut checker = Checker::new();
        for dir in objects_dirs(&self.git().commondir().join("objects")) {
            for (id, file, metadata) in loose_files(&dir) {
                let metadata = match metadata {
                    Ok(m) => m,
                    // Packed and pruned since it was listed (a `git gc` running now).
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => {
                        corrupt.push(CorruptObject::new(
                            id,
                            file,
                            Problem::Unreadable(e.to_string()),
                        ));
                        continue;
                    }
                };
                let stamp = Stamp::of(&metadata);
                let key = file.to_str().map(str::to_owned);
                if let (Some(key), Some(stamp)) = (&key, stamp)
                    && cached.get(key) == Some(&stamp)
                {
                    good.push((key.clone(), stamp));
                    continue;
                }
                let verdict = if metadata.is_file() {
                    checker.check(&file)
                } else {
                    Err((None, Problem::NotAFile))
                };
                match verdict {
                    Ok(()) => {
                        if let (Some(key), Some(stamp)) = (key, stamp) {
                            good.push((key, stamp));
                        }
                    }
                    Err((_, Problem::Unreadable(_))) if !file.exists() => {}
                    Err((kind, problem)) => {
                        let mut found = CorruptObject::new(id, file, problem);
                        found.kind = kind;
                        corrupt.push(found);
                    }
                }
            }
        }
        let changed = good.len() != cached.len()
            || good
                .iter()
                .any(|(key, stamp)| cached.get(key) != Some(stamp));
        if changed {
            // A cache that cannot be written (a read-only repository) only costs the next
            // open the same check again.
            let _ = write_atomically(&cache_path, cache_text(&good).as_bytes());
        }
        if !corrupt.is_empty() {
            locate_at_head(self.git(), &mut corrupt);
        }
        corrupt
    }
}

impl CorruptObject {
    fn new(id: String, file: PathBuf, problem: Problem) -> Self {
        Self {
            id,
            file,
            kind: None,
            problem,
            used_at: None,
        }
    }
}

/// What identifies a version of a file cheaply: its size and modification time. Git writes a
/// loose object once, under a temporary name, and renames it into place; truncating it or
/// writing it again changes one of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    modified_ns: u128,
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        let modified = metadata.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
        Some(Stamp {
            size: metadata.len(),
            modified_ns: modified.as_nanos(),
        })
    }
}

/// The good verdicts remembered: file path to stamp. Anything unreadable counts as no cache.
fn read_cache(path: &Path) -> HashMap<String, Stamp> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return HashMap::new();
    };
    let mut lines = text.lines();
    if lines.next() != Some(CACHE_HEADER) {
        return HashMap::new();
    }
    lines
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            let size = parts.next()?.parse().ok()?;
            let modified_ns = parts.next()?.parse().ok()?;
            let path = parts.next()?;
            Some((path.to_owned(), Stamp { size, modified_ns }))
        })
        .collect()
}

fn cache_text(good: &[(String, Stamp)]) -> String {
    let mut text = String::with_capacity(40 + good.len() * 100);
    text.push_str(CACHE_HEADER);
    text.push('\n');
    for (path, stamp) in good {
        // A path with a line break would split its line: leave it out and check it each time.
        if path.contains(['\n', '\r']) {
            continue;
        }
        text.push_str(&format!("{} {} {path}\n", stamp.size, stamp.modified_ns));
    }
    text
}

/// The objects directory and those its `info/alternates` name, each once.
fn objects_dirs(main: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    let mut seen = HashSet::new();
    let mut pending = vec![(main.to_path_buf(), 0)];
    while let Some((dir, depth)) = pending.pop() {
        let identity = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        if !seen.insert(identity) {
            continue;
        }
        if depth < MAX_ALTERNATES_DEPTH
            && let Ok(text) = std::fs::read_to_string(dir.join("info/alternates"))
        {
            for line in text.lines().map(str::trim) {
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                // A relative alternate is relative to the objects directory that names it.
                pending.push((dir.join(line), depth + 1));
            }
        }
        dirs.push(dir);
    }
    dirs
}

/// The loose object files in one objects directory: `ab/cdef…` (two and thirty-eight
/// lower-case hex digits, as git names them; libgit2 looks for nothing else), with their ids
/// and metadata.
fn loose_files(dir: &Path) -> Vec<(String, PathBuf, std::io::Result<std::fs::Metadata>)> {
    let is_hex = |s: &str, len: usize| {
        s.len() == len
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(prefix) = name.to_str().filter(|n| is_hex(n, 2)) else {
            continue;
        };
        let Ok(inner) = std::fs::read_dir(entry.path()) else {
            continue;
        };
        for object in inner.flatten() {
            let name = object.file_name();
            if let Some(rest) = name.to_str().filter(|n| is_hex(n, 38)) {
                let path = object.path();
                // The entry's own metadata is looked up from its folder, not by walking the
                // whole path again: on a warm check these lookups are most of the time. A
                // symbolic link is followed, as libgit2 would.
                let metadata = match object.metadata() {
                    Ok(m) if m.file_type().is_symlink() => std::fs::metadata(&path),
                    other => other,
                };
                files.push((format!("{prefix}{rest}"), path, metadata));
            }
        }
    }
    files
}

/// Inflates loose object files one at a time with buffers it keeps between them.
///
/// The inflating is flate2's (miniz_oxide, in Rust): a maintained zlib decoder that verifies
/// the stream's checksum and tells a stream that ends early from one that ends, which is the
/// very distinction libgit2 gets wrong; a hand-written inflater would be new code to trust.
///
/// It does not check that the object's SHA-1 matches its file name. Measured on the demo
/// (450 loose objects, 1.2 MB inflated; 2 cores, release build), a first check took a median
/// of 10.4 ms, and 12.8 ms with each object hashed by libgit2's SHA-1 as well: a quarter more
/// (up to a half on a busy machine), paid again whenever the cache is cold. The hash would
/// guard against neither failure this check exists for (an endless loop, a write out of
/// bounds): zlib's checksum already catches damaged bytes, and what remains, a sound object
/// under the wrong name, kitemark leaves to `git fsck` everywhere else (`PanelRepo::open`
/// turns libgit2's own hash verification off).
struct Checker {
    inflate: flate2::Decompress,
    input: Vec<u8>,
    output: Vec<u8>,
}

impl Checker {
    fn new() -> Self {
        Self {
            inflate: flate2::Decompress::new(true),
            input: vec![0; CHUNK],
            output: vec![0; CHUNK],
        }
    }

    /// Whether the file holds one whole object; if not, what is wrong and, when its header
    /// could be read, the object's type.
    fn check(&mut self, path: &Path) -> Result<(), (Option<String>, Problem)> {
        let unreadable = |e: std::io::Error| (None, Problem::Unreadable(e.to_string()));
        let mut file = File::open(path).map_err(unreadable)?;
        self.inflate.reset(true);
        let mut object = ObjectReader::default();
        let (mut start, mut end) = (0, 0);
        let mut at_end_of_file = false;
        loop {
            if start == end && !at_end_of_file {
                start = 0;
                end = read_some(&mut file, &mut self.input).map_err(unreadable)?;
                at_end_of_file = end == 0;
            }
            // At the end of the file, the decoder is told so: it may still hold output, and
            // only then says whether the stream ended.
            let flush = if at_end_of_file {
                flate2::FlushDecompress::Finish
            } else {
                flate2::FlushDecompress::None
            };
            let (before_in, before_out) = (self.inflate.total_in(), self.inflate.total_out());
            let status = self
                .inflate
                .decompress(&self.input[start..end], &mut self.output, flush)
                .map_err(|e| (object.kind(), Problem::Damaged(e.to_string())))?;
            let consumed = (self.inflate.total_in() - before_in) as usize;
            let produced = (self.inflate.total_out() - before_out) as usize;
            start += consumed;
            object
                .take(&self.output[..produced])
                .map_err(|problem| (None, problem))?;
            if status == flate2::Status::StreamEnd {
                break;
            }
            // Nothing done although there was room to write: the file ended inside the
            // stream, or the decoder is stuck. Calling again would be the endless loop this
            // check exists to avoid.
            if consumed == 0 && produced == 0 {
                let problem = if at_end_of_file {
                    Problem::EndsEarly
                } else {
                    Problem::Damaged("the decoder makes no progress".into())
                };
                return Err((object.kind(), problem));
            }
        }
        object.finish()
    }
}

/// Reads into `buf`, retrying when interrupted; 0 at the end of the file.
fn read_some(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Follows an inflated object: its header `<type> <size>\0`, then how many bytes come after.
#[derive(Default)]
struct ObjectReader {
    header: Vec<u8>,
    parsed: Option<(String, u64)>,
    held: u64,
}

impl ObjectReader {
    fn take(&mut self, mut data: &[u8]) -> Result<(), Problem> {
        if self.parsed.is_none() {
            let wanted = MAX_HEADER - self.header.len();
            match data.iter().take(wanted).position(|&b| b == 0) {
                Some(zero) => {
                    self.header.extend_from_slice(&data[..zero]);
                    self.parsed = Some(parse_header(&self.header).ok_or(Problem::NoHeader)?);
                    data = &data[zero + 1..];
                }
                None if data.len() < wanted => {
                    self.header.extend_from_slice(data);
                    return Ok(());
                }
                None => return Err(Problem::NoHeader),
            }
        }
        self.held += data.len() as u64;
        Ok(())
    }

    fn kind(&self) -> Option<String> {
        self.parsed.as_ref().map(|(kind, _)| kind.clone())
    }

    fn finish(self) -> Result<(), (Option<String>, Problem)> {
        match self.parsed {
            None => Err((None, Problem::NoHeader)),
            Some((_, declared)) if declared == self.held => Ok(()),
            Some((kind, declared)) => Err((
                Some(kind),
                Problem::WrongSize {
                    declared,
                    held: self.held,
                },
            )),
        }
    }
}

/// `<type> <size>` with a known type and a size in plain decimal (no sign, no leading zero),
/// as git itself requires.
fn parse_header(header: &[u8]) -> Option<(String, u64)> {
    let text = std::str::from_utf8(header).ok()?;
    let (kind, size) = text.split_once(' ')?;
    if !matches!(kind, "blob" | "tree" | "commit" | "tag") {
        return None;
    }
    let canonical = !size.is_empty()
        && size.bytes().all(|b| b.is_ascii_digit())
        && (size == "0" || !size.starts_with('0'));
    if !canonical {
        return None;
    }
    Some((kind.to_owned(), size.parse().ok()?))
}

/// Says where HEAD uses each corrupt object: HEAD's commit, or a path in its tree. Walks
/// HEAD's trees without reading any object in the corrupt set; stops quietly at anything it
/// cannot read, since this only adds detail to an error already found.
fn locate_at_head(repo: &git2::Repository, corrupt: &mut [CorruptObject]) {
    let ids: HashMap<git2::Oid, usize> = corrupt
        .iter()
        .enumerate()
        .filter_map(|(i, c)| git2::Oid::from_str(&c.id).ok().map(|id| (id, i)))
        .collect();
    let Ok(head) = repo.refname_to_id("HEAD") else {
        return;
    };
    // Where the header could not be read, the tree entry (or HEAD) still tells the type.
    let mut found = |i: usize, kind: &str, used_at: String| {
        let object: &mut CorruptObject = &mut corrupt[i];
        object.kind.get_or_insert_with(|| kind.to_owned());
        object.used_at = Some(used_at);
    };
    if let Some(&i) = ids.get(&head) {
        found(i, "commit", "the commit HEAD points to".into());
        return;
    }
    let Ok(commit) = repo.find_commit(head) else {
        return;
    };
    let root = commit.tree_id();
    if let Some(&i) = ids.get(&root) {
        found(i, "tree", "the top folder of HEAD's commit".into());
        return;
    }
    let mut placed = HashSet::new();
    // A folder repeated at several paths is walked once: its first path is enough.
    let mut walked = HashSet::from([root]);
    let mut pending = vec![(root, String::new())];
    while let Some((id, prefix)) = pending.pop() {
        let Ok(tree) = repo.find_tree(id) else {
            continue;
        };
        for entry in tree.iter() {
            let path = format!("{prefix}{}", String::from_utf8_lossy(entry.name_bytes()));
            let is_tree = entry.kind() == Some(git2::ObjectType::Tree);
            match ids.get(&entry.id()) {
                Some(&i) if placed.insert(i) => {
                    let kind = entry.kind().map_or("object", |k| k.str());
                    let used_at = if is_tree {
                        format!("folder {path}/ at HEAD")
                    } else {
                        format!("{path} at HEAD")
                    };
                    found(i, kind, used_at);
                    if placed.len() == ids.len() {
                        return;
                    }
                }
                Some(_) => {}
                None if is_tree && walked.insert(entry.id()) => {
                    pending.push((entry.id(), format!("{path}/")));
                }
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn object(kind: &str, declared: usize, body: &[u8]) -> Vec<u8> {
        let mut raw = format!("{kind} {declared}\0").into_bytes();
        raw.extend_from_slice(body);
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&raw).unwrap();
        encoder.finish().unwrap()
    }

    fn check(bytes: &[u8]) -> Result<(), (Option<String>, Problem)> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("object");
        std::fs::write(&path, bytes).unwrap();
        Checker::new().check(&path)
    }

    #[test]
    fn a_whole_object_is_good() {
        assert_eq!(check(&object("blob", 5, b"hello")), Ok(()));
        assert_eq!(check(&object("tree", 0, b"")), Ok(()));
        // Larger than the buffers, so that the check goes round its loop.
        let big: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(check(&object("blob", big.len(), &big)), Ok(()));
    }

    #[test]
    fn every_cut_of_an_object_ends_early_or_is_damaged() {
        let whole = object("commit", 11, b"tree abcdef");
        for cut in 0..whole.len() {
            let found = check(&whole[..cut]).unwrap_err().1;
            assert!(
                matches!(found, Problem::EndsEarly | Problem::Damaged(_)),
                "cut at {cut}: {found:?}"
            );
        }
    }

    #[test]
    fn a_size_that_disagrees_with_the_body_is_named() {
        assert_eq!(
            check(&object("blob", 3, b"hello")),
            Err((
                Some("blob".into()),
                Problem::WrongSize {
                    declared: 3,
                    held: 5
                }
            ))
        );
        assert_eq!(
            check(&object("blob", 1234, b"hello")).unwrap_err().1,
            Problem::WrongSize {
                declared: 1234,
                held: 5
            }
        );
    }

    #[test]
    fn a_bad_header_is_named() {
        let raw = |bytes: &[u8]| {
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(bytes).unwrap();
            encoder.finish().unwrap()
        };
        for bad in [
            object("blub", 5, b"hello"),
            raw(b"blob 05\0hello"),
            raw(b"blob +5\0hello"),
            raw(b"blob\0"),
            raw(b""),
            raw(&[b'x'; 200]),
        ] {
            assert_eq!(check(&bad), Err((None, Problem::NoHeader)));
        }
    }

    #[test]
    fn damaged_bytes_fail_the_checksum() {
        let mut bytes = object("blob", 11, b"hello world");
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0x55;
        assert!(check(&bytes).is_err());
        assert!(matches!(
            check(b"not compressed at all").unwrap_err().1,
            Problem::Damaged(_)
        ));
    }
}
