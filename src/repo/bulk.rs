//! Writing a long history quickly, for synthetic repositories: the trees are kept in memory
//! and every object goes straight into one pack, as `git fast-import` writes one.
//!
//! libgit2's own route (objects in memory, a pack made from them now and then) walks each
//! commit's whole tree and searches for deltas among the trees; with a folder of 10,000
//! schools every commit rewrites a tree of some 400 kB, and that search is most of the time.
//! Here a tree is stored as a delta against its own previous version, which the writer knows
//! without searching (the bytes that changed), with chains no deeper than git's own default,
//! so the pack reads like one `git gc` leaves. Compressing runs on worker threads; the objects
//! and their ids are the same whatever the number of threads, since nothing but the order of
//! the calls decides them.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Read as _, Seek as _, SeekFrom, Write as _};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use git2::Repository;
use jiff::Zoned;
use sha1::{Digest as _, Sha1};

use super::write::signature;
use super::{PanelRepo, RepoError};
use crate::model::{Identity, ObjectId};

/// An object's id, as bytes.
type Id = [u8; 20];

/// git's default `pack.depth`: no delta chain is longer.
const MAX_DEPTH: u8 = 50;

/// Objects waiting for each compressing thread, and compressed ones waiting for the writer:
/// enough to keep the threads busy, few enough that memory stays small whatever the history.
const QUEUE: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Commit,
    Tree,
    Blob,
}

impl Kind {
    fn name(self) -> &'static [u8] {
        match self {
            Kind::Commit => b"commit",
            Kind::Tree => b"tree",
            Kind::Blob => b"blob",
        }
    }

    /// The type number in a pack entry's header.
    fn pack_type(self) -> u8 {
        match self {
            Kind::Commit => 1,
            Kind::Tree => 2,
            Kind::Blob => 3,
        }
    }
}

/// A pack entry's type for a delta against an earlier entry of the same pack.
const OFS_DELTA: u8 = 6;

/// The id git gives an object of `kind` holding `content`.
fn object_hash(kind: Kind, content: &[u8]) -> Id {
    let mut hash = Sha1::new();
    hash.update(kind.name());
    hash.update(format!(" {}\0", content.len()).as_bytes());
    hash.update(content);
    hash.finalize().into()
}

fn hex(id: &Id) -> String {
    id.iter().map(|b| format!("{b:02x}")).collect()
}

/// The id git gives a file's content.
pub fn blob_id(content: &[u8]) -> Result<ObjectId, RepoError> {
    Ok(ObjectId::from_git(hex(&object_hash(Kind::Blob, content))))
}

/// An object on its way into the pack: whole, or as a delta against one already sent.
struct Entry {
    id: Id,
    kind: Kind,
    data: Vec<u8>,
    base: Option<Id>,
}

/// An entry compressed, for the writer.
struct Packed {
    id: Id,
    kind: Kind,
    size: usize,
    base: Option<Id>,
    compressed: Vec<u8>,
}

/// Where objects go: round the compressing threads in turn, the writer taking them back in
/// the same turn, so that the pack holds them in the order they were sent.
struct Sink {
    workers: Vec<SyncSender<Entry>>,
    next: usize,
    /// Every object sent, with the length of its delta chain (0 when whole).
    depth: HashMap<Id, u8>,
}

impl Sink {
    fn has(&self, id: &Id) -> bool {
        self.depth.contains_key(id)
    }

    fn send(&mut self, entry: Entry) -> Result<(), RepoError> {
        let depth = match &entry.base {
            Some(base) => self.depth.get(base).map_or(0, |d| d + 1),
            None => 0,
        };
        self.depth.insert(entry.id, depth);
        let worker = &self.workers[self.next % self.workers.len()];
        self.next += 1;
        worker
            .send(entry)
            .map_err(|_| RepoError::Io("the pack's writer stopped early".into()))
    }

    /// Sends a whole object, unless the pack has it already.
    fn whole(&mut self, id: Id, kind: Kind, data: Vec<u8>) -> Result<(), RepoError> {
        if self.has(&id) {
            return Ok(());
        }
        self.send(Entry {
            id,
            kind,
            data,
            base: None,
        })
    }

    /// Whether a delta against `base` would stay within git's chain length.
    fn can_delta_on(&self, base: &Id) -> bool {
        self.depth.get(base).is_some_and(|d| *d < MAX_DEPTH)
    }
}

/// A folder of the tree being built, with its entries in git's order (a folder's name sorts
/// as if it ended with `/`) and its serialized form kept between commits.
#[derive(Default)]
struct Dir {
    /// By sort key: the name, with `/` after a folder's.
    entries: BTreeMap<Vec<u8>, Node>,
    /// The tree object's content, as last written (until `write` brings it up to date).
    bytes: Vec<u8>,
    /// The id of `bytes` once written.
    id: Option<Id>,
    /// Entries whose ids changed since the last write.
    changed: Vec<Vec<u8>>,
    /// Entries were added: `bytes` must be laid out again, not patched.
    reshaped: bool,
    dirty: bool,
}

struct Node {
    id: Id,
    /// Where its id sits in the parent's `bytes`.
    at: usize,
    /// The folder, for a folder.
    dir: Option<Box<Dir>>,
}

impl Dir {
    /// Puts the file `path` (relative to this folder) with content `id`.
    fn put(&mut self, path: &str, id: Id) -> Result<(), RepoError> {
        let (name, rest) = match path.split_once('/') {
            Some((name, rest)) => (name, Some(rest)),
            None => (path, None),
        };
        if name.is_empty() || name.contains('\0') || name == "." || name == ".." {
            return Err(RepoError::Io(format!(
                "cannot write {path:?}: not a path in a repository"
            )));
        }
        let file_key = name.as_bytes().to_vec();
        let mut dir_key = file_key.clone();
        dir_key.push(b'/');
        let (key, other) = match rest {
            Some(_) => (dir_key, file_key),
            None => (file_key, dir_key),
        };
        if self.entries.contains_key(&other) {
            return Err(RepoError::Io(format!(
                "cannot write {path:?}: {name} is a file and a folder at once"
            )));
        }
        self.dirty = true;
        let node = self.entries.entry(key.clone()).or_insert_with(|| {
            self.reshaped = true;
            Node {
                id: [0; 20],
                at: 0,
                dir: rest.map(|_| Box::default()),
            }
        });
        match (rest, node.dir.as_deref_mut()) {
            (Some(rest), Some(dir)) => {
                let was_dirty = dir.dirty;
                dir.put(rest, id)?;
                if !was_dirty {
                    self.changed.push(key);
                }
            }
            (None, None) => {
                if node.id != id {
                    node.id = id;
                    self.changed.push(key);
                }
            }
            _ => unreachable!("a key ending with / is a folder's, any other a file's"),
        }
        Ok(())
    }

    /// Writes what changed below and here; returns this folder's id.
    fn write(&mut self, sink: &mut Sink) -> Result<Id, RepoError> {
        if let (false, Some(id)) = (self.dirty, self.id) {
            return Ok(id);
        }
        let changed = std::mem::take(&mut self.changed);
        for key in &changed {
            if let Some(node) = self.entries.get_mut(key)
                && let Some(dir) = node.dir.as_deref_mut()
            {
                node.id = dir.write(sink)?;
            }
        }
        self.dirty = false;
        // What differs from the version last written: a run of bytes in the middle, found
        // from the ends when the entries were laid out again, else the span of the ids
        // patched in place.
        let base_len = self.bytes.len();
        let (prefix, suffix) = if self.reshaped || self.id.is_none() {
            self.reshaped = false;
            let old = std::mem::take(&mut self.bytes);
            self.lay_out();
            let prefix = common_prefix(&old, &self.bytes);
            let room = old.len().min(self.bytes.len()) - prefix;
            (prefix, common_suffix(&old, &self.bytes).min(room))
        } else {
            let (mut low, mut high) = (usize::MAX, 0);
            for key in &changed {
                if let Some(node) = self.entries.get(key) {
                    self.bytes[node.at..node.at + 20].copy_from_slice(&node.id);
                    low = low.min(node.at);
                    high = high.max(node.at + 20);
                }
            }
            if high == 0 {
                (base_len, 0)
            } else {
                (low, base_len - high)
            }
        };
        let id = object_hash(Kind::Tree, &self.bytes);
        let base = self.id.replace(id);
        if sink.has(&id) {
            return Ok(id);
        }
        let delta = base
            .filter(|base| sink.can_delta_on(base))
            .map(|base| (base, delta(base_len, &self.bytes, prefix, suffix)))
            .filter(|(_, delta)| delta.len() < self.bytes.len());
        match delta {
            Some((base, data)) => sink.send(Entry {
                id,
                kind: Kind::Tree,
                data,
                base: Some(base),
            })?,
            None => sink.whole(id, Kind::Tree, self.bytes.clone())?,
        }
        Ok(id)
    }

    /// Serializes the entries into `bytes`, noting where each id sits.
    fn lay_out(&mut self) {
        self.bytes.clear();
        for (key, node) in &mut self.entries {
            let (mode, name): (&[u8], &[u8]) = match &node.dir {
                Some(_) => (b"40000", &key[..key.len() - 1]),
                None => (b"100644", key),
            };
            self.bytes.extend_from_slice(mode);
            self.bytes.push(b' ');
            self.bytes.extend_from_slice(name);
            self.bytes.push(0);
            node.at = self.bytes.len();
            self.bytes.extend_from_slice(&node.id);
        }
    }
}

/// Compared in blocks first: a tree of 400 kB is compared at every commit.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let blocks = a
        .chunks_exact(BLOCK)
        .zip(b.chunks_exact(BLOCK))
        .take_while(|(x, y)| x == y)
        .count();
    let start = blocks * BLOCK;
    start
        + a[start..]
            .iter()
            .zip(&b[start..])
            .take_while(|(x, y)| x == y)
            .count()
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 64;
    let blocks = a
        .rchunks_exact(BLOCK)
        .zip(b.rchunks_exact(BLOCK))
        .take_while(|(x, y)| x == y)
        .count();
    let done = blocks * BLOCK;
    done + a[..a.len() - done]
        .iter()
        .rev()
        .zip(b[..b.len() - done].iter().rev())
        .take_while(|(x, y)| x == y)
        .count()
}

/// A delta (git's format) turning a base of `base_len` bytes into `target`, which has the
/// base's first `prefix` bytes and its last `suffix` bytes.
fn delta(base_len: usize, target: &[u8], prefix: usize, suffix: usize) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, base_len);
    varint(&mut out, target.len());
    copy(&mut out, 0, prefix);
    for chunk in target[prefix..target.len() - suffix].chunks(0x7f) {
        out.push(chunk.len() as u8);
        out.extend_from_slice(chunk);
    }
    copy(&mut out, base_len - suffix, suffix);
    out
}

fn varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push(0x80 | (n & 0x7f) as u8);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Copy instructions for `len` bytes of the base from `offset`, in pieces of 64 KiB as git
/// writes them.
fn copy(out: &mut Vec<u8>, mut offset: usize, mut len: usize) {
    while len > 0 {
        let piece = len.min(0x10000);
        let at = out.len();
        out.push(0x80);
        for (i, byte) in (offset as u32).to_le_bytes().into_iter().enumerate() {
            if byte != 0 {
                out[at] |= 1 << i;
                out.push(byte);
            }
        }
        for (i, byte) in (piece as u32).to_le_bytes().into_iter().take(3).enumerate() {
            if byte != 0 {
                out[at] |= 0x10 << i;
                out.push(byte);
            }
        }
        offset += piece;
        len -= piece;
    }
}

/// The writer a bulk history is built with.
pub struct Bulk {
    sink: Sink,
    root: Dir,
    head: Option<Id>,
    commits: usize,
    /// Keys to sign with, by author email (lower case).
    keys: HashMap<String, ssh_key::PrivateKey>,
}

impl Bulk {
    /// Commits `files` (paths and contents) on top of the last commit, as `author` at `when`.
    /// The commit is the one libgit2 writes for the same (see `commit_over`), byte for byte.
    pub fn commit(
        &mut self,
        files: &[(String, Vec<u8>)],
        message: &str,
        author: &Identity,
        when: &Zoned,
    ) -> Result<ObjectId, RepoError> {
        let sig = signature(author, when)?;
        for (path, content) in files {
            let id = object_hash(Kind::Blob, content);
            self.root.put(path, id)?;
            self.sink.whole(id, Kind::Blob, content.clone())?;
        }
        let tree = self.root.write(&mut self.sink)?;
        let mut text = format!("tree {}\n", hex(&tree)).into_bytes();
        if let Some(parent) = &self.head {
            text.extend_from_slice(format!("parent {}\n", hex(parent)).as_bytes());
        }
        for field in ["author", "committer"] {
            person(&mut text, field, &sig);
        }
        text.push(b'\n');
        text.extend_from_slice(message.as_bytes());
        if let Some(key) = self.keys.get(&author.email.to_lowercase()) {
            let pem = key
                .sign("git", ssh_key::HashAlg::Sha512, &text)
                .and_then(|s| s.to_pem(ssh_key::LineEnding::LF))
                .map_err(|e| RepoError::Io(format!("cannot sign a commit: {e}")))?;
            text = with_signature(&text, &pem);
        }
        let id = object_hash(Kind::Commit, &text);
        self.sink.whole(id, Kind::Commit, text)?;
        self.head = Some(id);
        self.commits += 1;
        Ok(ObjectId::from_git(hex(&id)))
    }

    /// Signs each later commit whose author has a key here (by email), as a member's
    /// commit is signed.
    pub fn sign_with(&mut self, keys: impl IntoIterator<Item = (String, ssh_key::PrivateKey)>) {
        self.keys = keys
            .into_iter()
            .map(|(email, key)| (email.to_lowercase(), key))
            .collect();
    }

    /// The commits written so far.
    pub fn commits(&self) -> usize {
        self.commits
    }
}

/// An author or committer line as libgit2 writes it.
fn person(out: &mut Vec<u8>, field: &str, sig: &git2::Signature<'_>) {
    let when = sig.when();
    let offset = when.offset_minutes();
    let sign = if offset < 0 || when.sign() == '-' {
        '-'
    } else {
        '+'
    };
    let offset = offset.unsigned_abs();
    out.extend_from_slice(field.as_bytes());
    out.push(b' ');
    out.extend_from_slice(sig.name_bytes());
    out.extend_from_slice(b" <");
    out.extend_from_slice(sig.email_bytes());
    out.extend_from_slice(
        format!(
            "> {} {sign}{:02}{:02}\n",
            when.seconds(),
            offset / 60,
            offset % 60
        )
        .as_bytes(),
    );
}

/// The commit with its signature in a `gpgsig` header, as libgit2's `commit_signed` puts it.
fn with_signature(text: &[u8], signature: &str) -> Vec<u8> {
    let end = text
        .windows(2)
        .position(|w| w == b"\n\n")
        .map_or(text.len(), |at| at + 1);
    let mut out = text[..end].to_vec();
    out.extend_from_slice(b"gpgsig ");
    out.extend_from_slice(signature.replace('\n', "\n ").as_bytes());
    out.push(b'\n');
    out.extend_from_slice(&text[end..]);
    out
}

/// A compressing thread.
fn compress(input: Receiver<Entry>, output: SyncSender<Result<Packed, String>>) {
    for entry in input {
        let mut z = ZlibEncoder::new(
            Vec::with_capacity(entry.data.len() / 2 + 64),
            Compression::default(),
        );
        let packed = z
            .write_all(&entry.data)
            .and_then(|()| z.finish())
            .map(|compressed| Packed {
                id: entry.id,
                kind: entry.kind,
                size: entry.data.len(),
                base: entry.base,
                compressed,
            })
            .map_err(|e| format!("cannot compress an object: {e}"));
        if output.send(packed).is_err() {
            break;
        }
    }
}

/// What the writer wrote: each object's id, offset and CRC, and the pack's checksum.
struct Written {
    objects: Vec<(Id, u64, u32)>,
    checksum: Id,
}

fn io(context: &str) -> impl FnOnce(std::io::Error) -> RepoError + '_ {
    move |e| RepoError::Io(format!("{context}: {e}"))
}

/// The writing thread: takes the compressed objects back in the order they were sent and
/// writes the pack at `path`.
fn write_pack(
    path: &Path,
    from: Vec<Receiver<Result<Packed, String>>>,
) -> Result<Written, RepoError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io("cannot create the pack"))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    // The count is filled in at the end, when it is known.
    out.write_all(b"PACK\0\0\0\x02\0\0\0\0")
        .map_err(io("cannot write the pack"))?;
    let mut offset: u64 = 12;
    let mut offsets: HashMap<Id, u64> = HashMap::new();
    let mut objects = Vec::new();
    for turn in 0.. {
        let Ok(packed) = from[turn % from.len()].recv() else {
            break;
        };
        let packed = packed.map_err(RepoError::Io)?;
        let mut head = Vec::with_capacity(16);
        let kind = if packed.base.is_some() {
            OFS_DELTA
        } else {
            packed.kind.pack_type()
        };
        let mut size = packed.size;
        head.push((kind << 4) | (size & 0x0f) as u8);
        size >>= 4;
        while size > 0 {
            let last = head.len() - 1;
            head[last] |= 0x80;
            head.push((size & 0x7f) as u8);
            size >>= 7;
        }
        if let Some(base) = &packed.base {
            let at = offsets
                .get(base)
                .ok_or_else(|| RepoError::Io("a delta's base is not in the pack".into()))?;
            let mut distance = offset - at;
            let mut encoded = vec![(distance & 0x7f) as u8];
            distance >>= 7;
            while distance > 0 {
                distance -= 1;
                encoded.push(0x80 | (distance & 0x7f) as u8);
                distance >>= 7;
            }
            encoded.reverse();
            head.extend_from_slice(&encoded);
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head);
        crc.update(&packed.compressed);
        out.write_all(&head)
            .and_then(|()| out.write_all(&packed.compressed))
            .map_err(io("cannot write the pack"))?;
        offsets.insert(packed.id, offset);
        objects.push((packed.id, offset, crc.finalize()));
        offset += (head.len() + packed.compressed.len()) as u64;
    }
    let count = u32::try_from(objects.len())
        .map_err(|_| RepoError::Io("too many objects for one pack".into()))?;
    let mut file = out
        .into_inner()
        .map_err(|e| RepoError::Io(format!("cannot write the pack: {}", e.error())))?;
    file.seek(SeekFrom::Start(8))
        .and_then(|_| file.write_all(&count.to_be_bytes()))
        .and_then(|()| file.seek(SeekFrom::Start(0)))
        .map_err(io("cannot write the pack"))?;
    let mut hash = Sha1::new();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(io("cannot read the pack back"))?;
        if n == 0 {
            break;
        }
        hash.update(&buf[..n]);
    }
    let checksum: Id = hash.finalize().into();
    file.write_all(&checksum)
        .map_err(io("cannot write the pack"))?;
    Ok(Written { objects, checksum })
}

/// The pack's index (version 2), which is what makes a pack's objects found.
fn write_index(path: &Path, written: &mut Written) -> Result<(), RepoError> {
    let objects = &mut written.objects;
    objects.sort_unstable_by_key(|object| object.0);
    let mut out = Vec::with_capacity(1072 + objects.len() * 28);
    out.extend_from_slice(b"\xfftOc\0\0\0\x02");
    let mut fanout = [0u32; 256];
    for (id, _, _) in objects.iter() {
        fanout[usize::from(id[0])] += 1;
    }
    let mut total = 0;
    for n in fanout {
        total += n;
        out.extend_from_slice(&total.to_be_bytes());
    }
    for (id, _, _) in objects.iter() {
        out.extend_from_slice(id);
    }
    for (_, _, crc) in objects.iter() {
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut large = Vec::new();
    for (_, offset, _) in objects.iter() {
        let small = match u32::try_from(*offset) {
            Ok(small) if small < 0x8000_0000 => small,
            _ => {
                let index = u32::try_from(large.len())
                    .map_err(|_| RepoError::Io("too many objects for one pack".into()))?;
                large.push(*offset);
                0x8000_0000 | index
            }
        };
        out.extend_from_slice(&small.to_be_bytes());
    }
    for offset in large {
        out.extend_from_slice(&offset.to_be_bytes());
    }
    out.extend_from_slice(&written.checksum);
    let checksum: Id = Sha1::digest(&out).into();
    out.extend_from_slice(&checksum);
    let mut file = File::create(path).map_err(io("cannot write the pack's index"))?;
    file.write_all(&out)
        .map_err(io("cannot write the pack's index"))
}

impl PanelRepo {
    /// Creates a bare repository at `dir` (which must not exist) whose branch `main` holds the
    /// history `write` builds, and returns what `write` returns. `threads` compress the
    /// objects (at least one); the history is the same whatever their number.
    pub fn create_bulk<T>(
        dir: &Path,
        threads: usize,
        write: impl FnOnce(&mut Bulk) -> Result<T, RepoError>,
    ) -> Result<T, RepoError> {
        if dir.exists() {
            return Err(RepoError::Io(format!(
                "{} exists already; give a new folder",
                dir.display()
            )));
        }
        let mut options = git2::RepositoryInitOptions::new();
        options.bare(true).initial_head("main");
        let repo = Repository::init_opts(dir, &options).map_err(RepoError::git(format!(
            "cannot create a repository at {}",
            dir.display()
        )))?;
        let packs = repo.path().join("objects").join("pack");
        let partial = packs.join("tmp_pack_bulk");
        let (result, head, written) = std::thread::scope(|scope| {
            let mut workers = Vec::new();
            let mut from = Vec::new();
            for _ in 0..threads.max(1) {
                let (to_worker, input) = sync_channel(QUEUE);
                let (output, to_writer) = sync_channel(QUEUE);
                scope.spawn(move || compress(input, output));
                workers.push(to_worker);
                from.push(to_writer);
            }
            let writer = scope.spawn(|| write_pack(&partial, from));
            let mut bulk = Bulk {
                sink: Sink {
                    workers,
                    next: 0,
                    depth: HashMap::new(),
                },
                root: Dir::default(),
                head: None,
                commits: 0,
                keys: HashMap::new(),
            };
            let result = write(&mut bulk);
            let head = bulk.head;
            // Closes the queues: the threads finish what they hold and stop.
            drop(bulk);
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(RepoError::Io("the pack's writer failed".into())));
            (result, head, written)
        });
        // The writer's failure is the cause of any the history met sending it objects.
        let mut written = written.inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })?;
        let result = result.inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })?;
        if written.objects.is_empty() {
            let _ = std::fs::remove_file(&partial);
        } else {
            let name = packs.join(format!("pack-{}", hex(&written.checksum)));
            std::fs::rename(&partial, name.with_extension("pack"))
                .map_err(io("cannot put the pack in place"))?;
            // The index last: a pack without one is not looked at.
            write_index(&name.with_extension("idx"), &mut written)?;
        }
        if let Some(head) = head {
            let head = git2::Oid::from_bytes(&head).map_err(RepoError::git("a commit's id"))?;
            repo.odb()
                .and_then(|odb| odb.refresh())
                .map_err(RepoError::git("cannot find the new pack"))?;
            repo.reference("refs/heads/main", head, true, "kitemark: synthetic history")
                .map_err(RepoError::git("cannot set the branch"))?;
        }
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Files = Vec<(String, Vec<u8>)>;

    fn apply(base: &[u8], delta: &[u8]) -> Vec<u8> {
        // The patch as git applies it, to check the deltas here without a repository.
        let mut at = 0;
        let mut read_varint = || {
            let (mut n, mut shift) = (0usize, 0);
            loop {
                let b = delta[at];
                at += 1;
                n |= usize::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 {
                    return n;
                }
            }
        };
        assert_eq!(read_varint(), base.len());
        let size = read_varint();
        let mut out = Vec::new();
        while at < delta.len() {
            let op = delta[at];
            at += 1;
            if op & 0x80 != 0 {
                let (mut offset, mut len) = (0usize, 0usize);
                for i in 0..4 {
                    if op & (1 << i) != 0 {
                        offset |= usize::from(delta[at]) << (8 * i);
                        at += 1;
                    }
                }
                for i in 0..3 {
                    if op & (0x10 << i) != 0 {
                        len |= usize::from(delta[at]) << (8 * i);
                        at += 1;
                    }
                }
                if len == 0 {
                    len = 0x10000;
                }
                out.extend_from_slice(&base[offset..offset + len]);
            } else {
                let n = usize::from(op);
                out.extend_from_slice(&delta[at..at + n]);
                at += n;
            }
        }
        assert_eq!(out.len(), size);
        out
    }

    /// A history with files added, replaced and left the same, in folders at several depths,
    /// one folder with hundreds of entries changed more often than a delta chain may be long,
    /// and commits both signed and not.
    fn history() -> Vec<(Files, Identity)> {
        let signer = Identity {
            name: "Ann Signer".into(),
            email: "Ann.Signer@Example.org".into(),
        };
        let plain = Identity {
            name: "Bo Plain".into(),
            email: "bo@example.org".into(),
        };
        let file = |path: &str, text: &str| (path.to_owned(), text.as_bytes().to_vec());
        let mut history = vec![
            (
                vec![
                    file("_panel/panel.ron", "panel"),
                    file("rubrics/r.ron", "rubric"),
                ],
                signer.clone(),
            ),
            (
                (0..300)
                    .map(|i| file(&format!("submissions/s-{i:03}/school.ron"), "school"))
                    .collect(),
                plain.clone(),
            ),
            (
                vec![
                    file("submissions/s-010/2025-26/plan.ron", "plan"),
                    file("submissions/s-0.txt", "a file sorting among folders"),
                ],
                signer.clone(),
            ),
            // The same content again: the same tree.
            (vec![file("_panel/panel.ron", "panel")], plain.clone()),
        ];
        for n in 0..120 {
            let who = if n % 3 == 0 { &signer } else { &plain };
            history.push((
                vec![file(
                    &format!("submissions/s-{:03}/2025-26/plan.ron", (n * 37) % 300),
                    &format!("plan {n}"),
                )],
                who.clone(),
            ));
        }
        history
    }

    #[test]
    fn the_commits_are_those_libgit2_writes_and_git_reads_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let key = crate::demo::keys::demo_key(&"m-signer".parse().unwrap());
        let history = history();
        let when = |n: usize| {
            jiff::civil::date(2025, 9, 1)
                .at(9, 0, 0, 0)
                .in_tz("Europe/London")
                .unwrap()
                .checked_add(jiff::Span::new().minutes(n as i64))
                .unwrap()
        };

        let bulk_dir = dir.path().join("bulk");
        let ours = PanelRepo::create_bulk(&bulk_dir, 3, |bulk| {
            bulk.sign_with([("ann.signer@example.org".to_owned(), key.clone())]);
            history
                .iter()
                .enumerate()
                .map(|(n, (files, who))| {
                    bulk.commit(files, &format!("commit {n}\n"), who, &when(n))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap();

        let plain = Repository::init_bare(dir.path().join("plain")).unwrap();
        let mut parent = None;
        let mut theirs = Vec::new();
        for (n, (files, who)) in history.iter().enumerate() {
            let sig = signature(who, &when(n)).unwrap();
            let signs = who.email.starts_with("Ann");
            let id = super::super::write::commit_over(
                &plain,
                parent,
                files,
                &format!("commit {n}\n"),
                &sig,
                &sig,
                |text| -> Result<Option<String>, RepoError> {
                    Ok(signs.then(|| {
                        key.sign("git", ssh_key::HashAlg::Sha512, text)
                            .unwrap()
                            .to_pem(ssh_key::LineEnding::LF)
                            .unwrap()
                    }))
                },
            )
            .unwrap();
            parent = Some(id);
            theirs.push(ObjectId::from_git(id.to_string()));
        }
        assert_eq!(ours.len(), theirs.len());
        let first_difference = ours.iter().zip(&theirs).position(|(a, b)| a != b);
        assert_eq!(first_difference, None, "the first commit that differs");

        // Every object of every commit reads back from the pack with the content its id
        // names, deltas applied.
        let bulk = Repository::open_bare(&bulk_dir).unwrap();
        let head = bulk
            .find_reference("refs/heads/main")
            .unwrap()
            .target()
            .unwrap();
        assert_eq!(head.to_string(), theirs.last().unwrap().as_str());
        let odb = bulk.odb().unwrap();
        let mut walk = bulk.revwalk().unwrap();
        walk.push(head).unwrap();
        for commit in walk {
            let commit = bulk.find_commit(commit.unwrap()).unwrap();
            let root = odb.read(commit.tree_id()).unwrap();
            let id = git2::Oid::hash_object(root.kind(), root.data()).unwrap();
            assert_eq!(id, commit.tree_id());
            commit
                .tree()
                .unwrap()
                .walk(git2::TreeWalkMode::PreOrder, |_, entry| {
                    let object = odb.read(entry.id()).unwrap();
                    let id = git2::Oid::hash_object(object.kind(), object.data()).unwrap();
                    assert_eq!(id, entry.id());
                    git2::TreeWalkResult::Ok
                })
                .unwrap();
        }
    }

    #[test]
    fn a_delta_rebuilds_its_target() {
        let base: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut target = base.clone();
        target.splice(150_000..150_010, (0..300).map(|i| i as u8));
        let prefix = common_prefix(&base, &target);
        let room = base.len().min(target.len()) - prefix;
        let suffix = common_suffix(&base, &target).min(room);
        assert_eq!(prefix, 150_000);
        let d = delta(base.len(), &target, prefix, suffix);
        assert!(d.len() < 400, "{} bytes", d.len());
        assert_eq!(apply(&base, &d), target);
        // Nothing in common, and everything in common.
        assert_eq!(apply(b"abc", &delta(3, b"xyz", 0, 0)), b"xyz");
        assert_eq!(apply(&base, &delta(base.len(), &base, base.len(), 0)), base);
    }
}
