//! A cache of what kitemark derives from git objects, under `.git/kitemark/cache/`.
//!
//! Everything kitemark computes from a file or a commit is a function of git object ids: a
//! tree's listing and parsed files depend only on the tree's id, a blob's parsed value only on
//! the blob's id. So a result computed once is kept by the id it came from and used again the
//! next time that id comes up, the way git's own index keeps the hashes of the files it has
//! seen.
//!
//! An entry is never trusted beyond its key. Each file holds a magic line, the cache's format
//! (which names the kitemark that wrote it and a digest of the types it stores, so that a
//! kitemark built from other code ignores it), its kind and key, the payload's length and a
//! CRC-32 of the payload. Anything that does not match, or does not decode, is treated as a
//! miss, removed, and computed again: a cache can make kitemark faster, never different.
//!
//! Entries are written under a name of their own (the process and a counter) and renamed into
//! place, so a reader sees a whole entry or none, and several processes can fill the cache at
//! once: the last rename wins and both entries say the same. A process killed while writing
//! leaves only its temporary file, which nothing reads and the next pruning removes. Each kind
//! keeps a bounded number of entries, the least recently used going first. Writing is best
//! effort: a full disk or a read-only repository leaves kitemark as fast as without a cache.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The first bytes of every entry.
const MAGIC: &[u8] = b"kitemark cache\n";

/// The entries' format: the layout of the file, kitemark's version, and a digest of the
/// sources of the types an entry holds (made by build.rs), so that a change to any of them
/// makes every older entry a miss instead of a misreading.
const FORMAT: &str = concat!(
    "1 ",
    env!("CARGO_PKG_VERSION"),
    " ",
    env!("KITEMARK_CACHE_SCHEMA")
);

/// The folder below the cache directory for this format's entries: a kitemark with another
/// format leaves this one's entries alone and is not slowed by them.
const VERSION_DIR: &str = "v1";

/// A temporary file left by a process killed while writing is removed after this long; a
/// younger one may be another process's entry being written.
const STALE_TEMPORARY: Duration = Duration::from_secs(600);

/// What an entry holds. Each kind keeps its own entries, up to its own number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The files a tree holds where kitemark reads, by tree id.
    Listing,
    /// A tree's panel files parsed (all but the submissions), by tree id.
    Catalog,
    /// The validation of every file of a tree, by tree id.
    Validate,
    /// What the interface's first frame shows of a commit on a day, by commit, day and branch.
    View,
    /// A walk of the history for a set of paths, by commit and paths.
    Walk,
    /// The files such a walk parsed, by blob (an entry by commit and paths).
    Parsed,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Listing => "listing",
            Kind::Catalog => "catalog",
            Kind::Validate => "validate",
            Kind::View => "view",
            Kind::Walk => "walk",
            Kind::Parsed => "parsed",
        }
    }

    /// How many entries of this kind are kept: a few recent commits are enough to make the
    /// next look at each of them free and to start the next commit's from the last.
    fn keep(self) -> usize {
        match self {
            Kind::Listing | Kind::Catalog | Kind::Validate => 8,
            // Small, and one per day the interface is opened on.
            Kind::View => 16,
            // The whole history's walk, and one per school whose History view was opened.
            Kind::Walk => 8,
            // Each holds every file a walk parsed, and the next walk needs only the last.
            Kind::Parsed => 4,
        }
    }
}

/// Whether this process uses the cache (`--no-cache` and `KITEMARK_NO_CACHE` turn it off).
static DISABLED: AtomicBool = AtomicBool::new(false);

/// Turns the cache off for every repository this process opens from now on.
pub fn disable() {
    DISABLED.store(true, Ordering::Relaxed);
}

/// Whether a repository opened now uses the cache: not after [`disable`], nor when
/// `KITEMARK_NO_CACHE` is set to anything but `0` or nothing.
pub(crate) fn enabled_by_default() -> bool {
    if DISABLED.load(Ordering::Relaxed) {
        return false;
    }
    !matches!(std::env::var("KITEMARK_NO_CACHE"), Ok(v) if !v.is_empty() && v != "0")
}

static HITS: AtomicUsize = AtomicUsize::new(0);
static MISSES: AtomicUsize = AtomicUsize::new(0);

/// How many entries this process has found (`hits`) and looked for in vain (`misses`): the
/// tests check that a second look is served from the cache.
pub fn counts() -> (usize, usize) {
    (HITS.load(Ordering::Relaxed), MISSES.load(Ordering::Relaxed))
}

/// The cache of one repository, or none when it is turned off.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: Option<PathBuf>,
}

impl Cache {
    /// The cache under kitemark's folder `kitemark_dir` of a repository.
    pub(crate) fn at(kitemark_dir: &Path, enabled: bool) -> Self {
        Self {
            dir: enabled.then(|| kitemark_dir.join("cache").join(VERSION_DIR)),
        }
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.dir.is_some()
    }

    fn path(&self, kind: Kind, key: &str) -> Option<PathBuf> {
        // Keys are object ids (hex); anything else could name a path outside the cache.
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return None;
        }
        Some(self.dir.as_ref()?.join(kind.name()).join(key))
    }

    /// The entry of `kind` for `key`, if there is a whole, valid one.
    pub(crate) fn get<T: DeserializeOwned>(&self, kind: Kind, key: &str) -> Option<T> {
        let path = self.path(kind, key)?;
        let found = std::fs::read(&path)
            .ok()
            .and_then(|bytes| decode(&bytes, kind, key));
        match found {
            Some(value) => {
                HITS.fetch_add(1, Ordering::Relaxed);
                // Used now: the last to be pruned.
                if let Ok(file) = std::fs::File::options().append(true).open(&path) {
                    let _ = file.set_modified(SystemTime::now());
                }
                Some(value)
            }
            None => {
                MISSES.fetch_add(1, Ordering::Relaxed);
                // A file that is there but not whole or not this format is never read again.
                if path.exists() {
                    let _ = std::fs::remove_file(&path);
                }
                None
            }
        }
    }

    /// Whether there is an entry of `kind` for `key`, whole or not: a cheap look before
    /// reading one among many candidates.
    pub(crate) fn has(&self, kind: Kind, key: &str) -> bool {
        self.path(kind, key).is_some_and(|path| path.is_file())
    }

    /// The most recently used entry of `kind` other than `key`'s: where an entry for a new
    /// commit starts from, reusing what the commits share.
    pub(crate) fn latest<T: DeserializeOwned>(&self, kind: Kind, key: &str) -> Option<T> {
        let dir = self.dir.as_ref()?.join(kind.name());
        let mut entries = entries(&dir);
        entries.sort_by_key(|e| std::cmp::Reverse(e.1));
        entries
            .into_iter()
            .filter(|(name, _)| name != key)
            .find_map(|(name, _)| self.get(kind, &name))
    }

    /// Keeps `value` as the entry of `kind` for `key`. Failing to is not an error: the next
    /// look computes the value again.
    pub(crate) fn put<T: Serialize>(&self, kind: Kind, key: &str, value: &T) {
        let Some(path) = self.path(kind, key) else {
            return;
        };
        let Ok(payload) = rmp_serde::to_vec_named(value) else {
            return;
        };
        let bytes = encode(kind, key, &payload);
        if write(&path, &bytes).is_ok() {
            prune(path.parent().unwrap_or(Path::new(".")), kind.keep());
        }
    }
}

/// The header an entry of `kind` for `key` starts with, up to the payload's length.
fn header(kind: Kind, key: &str) -> Vec<u8> {
    let mut header = MAGIC.to_vec();
    for line in [FORMAT, kind.name(), key] {
        header.extend_from_slice(line.as_bytes());
        header.push(b'\n');
    }
    header
}

fn encode(kind: Kind, key: &str, payload: &[u8]) -> Vec<u8> {
    let mut bytes = header(kind, key);
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(payload);
    bytes.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    bytes
}

/// The value an entry holds, if it is a whole entry of this format, kind and key.
fn decode<T: DeserializeOwned>(bytes: &[u8], kind: Kind, key: &str) -> Option<T> {
    let rest = bytes.strip_prefix(header(kind, key).as_slice())?;
    let (length, rest) = rest.split_first_chunk::<8>()?;
    let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
    if rest.len() != length.checked_add(4)? {
        return None;
    }
    let (payload, crc) = rest.split_at(length);
    if crc32fast::hash(payload).to_le_bytes() != crc {
        return None;
    }
    rmp_serde::from_slice(payload).ok()
}

/// The temporary name of an entry being written: hidden, naming the process and a counter so
/// that two threads or processes never write the same file.
fn temporary(path: &Path) -> PathBuf {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(
        ".{name}.{}-{}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ))
}

fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = temporary(path);
    let written = (|| {
        let mut file = std::fs::File::create(&temporary)?;
        // The tests stop a process half way through an entry, and at the rename, to see that
        // a killed writer never leaves an entry that changes a result.
        let half = bytes.len() / 2;
        file.write_all(&bytes[..half])?;
        super::fault::stop_at("cache-write")?;
        file.write_all(&bytes[half..])?;
        drop(file);
        super::fault::stop_at("cache-rename")?;
        std::fs::rename(&temporary, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// The entries of a kind's folder with when each was last used; temporary files are not
/// entries.
fn entries(dir: &Path) -> Vec<(String, SystemTime)> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if name.starts_with('.') {
                return None;
            }
            let used = e.metadata().ok()?.modified().ok()?;
            Some((name, used))
        })
        .collect()
}

/// Removes all but the `keep` most recently used entries of a kind, and temporary files left
/// by processes killed while writing.
fn prune(dir: &Path, keep: usize) {
    let mut entries = entries(dir);
    if entries.len() > keep {
        entries.sort_by_key(|e| std::cmp::Reverse(e.1));
        for (name, _) in entries.drain(keep..) {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let now = SystemTime::now();
    for entry in read.filter_map(Result::ok) {
        let stale = entry.file_name().to_string_lossy().starts_with('.')
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|m| now.duration_since(m).unwrap_or_default() > STALE_TEMPORARY);
        if stale {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_reads_back_only_whole_and_under_its_own_key() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path(), true);
        let value = vec![("a".to_owned(), 1u32), ("b".to_owned(), 2)];
        cache.put(Kind::Catalog, "abc123", &value);
        assert_eq!(
            cache.get::<Vec<(String, u32)>>(Kind::Catalog, "abc123"),
            Some(value.clone())
        );
        // Another kind or key never reads it.
        assert_eq!(
            cache.get::<Vec<(String, u32)>>(Kind::Validate, "abc123"),
            None
        );
        assert_eq!(
            cache.get::<Vec<(String, u32)>>(Kind::Catalog, "abc124"),
            None
        );

        let path = dir.path().join("cache/v1/catalog/abc123");
        let whole = std::fs::read(&path).unwrap();
        // Every truncation and every flipped byte is a miss, and the file is removed.
        for cut in 0..whole.len() {
            std::fs::write(&path, &whole[..cut]).unwrap();
            assert_eq!(
                cache.get::<Vec<(String, u32)>>(Kind::Catalog, "abc123"),
                None
            );
            assert!(!path.exists(), "a truncated entry is removed");
        }
        for at in 0..whole.len() {
            let mut bad = whole.clone();
            bad[at] ^= 0x20;
            std::fs::write(&path, &bad).unwrap();
            assert_eq!(
                cache.get::<Vec<(String, u32)>>(Kind::Catalog, "abc123"),
                None,
                "byte {at} flipped"
            );
        }
        // An entry copied under another key is not that key's.
        std::fs::write(dir.path().join("cache/v1/catalog/abc999"), &whole).unwrap();
        assert_eq!(
            cache.get::<Vec<(String, u32)>>(Kind::Catalog, "abc999"),
            None
        );
    }

    #[test]
    fn keys_that_are_not_ids_are_never_paths() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path(), true);
        for key in ["", "../x", "a/b", ".hidden", "a b"] {
            cache.put(Kind::Catalog, key, &1u8);
            assert_eq!(cache.get::<u8>(Kind::Catalog, key), None);
        }
        assert!(!dir.path().join("x").exists());
    }

    #[test]
    fn a_kind_keeps_its_most_recently_used_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path(), true);
        let keep = Kind::Catalog.keep();
        for n in 0..keep + 3 {
            cache.put(Kind::Catalog, &format!("k{n}"), &n);
            // File times have a coarse grain on some systems: order them for certain.
            let path = dir.path().join(format!("cache/v1/catalog/k{n}"));
            let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + n as u64);
            if let Ok(file) = std::fs::File::options().append(true).open(&path) {
                file.set_modified(when).unwrap();
            }
        }
        let left = entries(&dir.path().join("cache/v1/catalog"));
        assert_eq!(left.len(), keep);
        assert_eq!(cache.latest::<usize>(Kind::Catalog, "none"), Some(keep + 2));
        assert_eq!(cache.get::<usize>(Kind::Catalog, "k0"), None);
    }

    #[test]
    fn a_cache_turned_off_keeps_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::at(dir.path(), false);
        cache.put(Kind::Catalog, "abc", &1u8);
        assert_eq!(cache.get::<u8>(Kind::Catalog, "abc"), None);
        assert!(!dir.path().join("cache").exists());
    }
}
