//! What `build` and `check` keep between runs in `.pirsite-cache/` under the site root, to
//! save the work of the run before: the reports as read and linted ([`Reports`], this module)
//! and the highlighted code blocks ([`crate::render::highlight::Store`]).
//!
//! Each file starts with a stamp naming its format, the pirsite version and a hash of the
//! running executable's bytes, so that any other build of pirsite starts afresh. A file that
//! is not a regular file starting with that stamp is not read; one that does not read back
//! exactly is ignored. The folder holds a `.gitignore` (`*`) and a
//! `CACHEDIR.TAG`, so it is never committed or backed up; deleting it is always safe. Failing
//! to read or write it never fails a command: the cache only saves time.

use crate::diagnostics::{Diagnostic, Level};
use crate::load::Report;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Name of the cache folder under the site root.
pub const CACHE_DIR: &str = ".pirsite-cache";

/// The file in [`CACHE_DIR`] that remembers the hash of the executable last identified.
pub const EXECUTABLE_FILE: &str = "executable";

/// The running executable as the caches know it: a hash of its bytes, and what was hashed.
#[derive(Clone)]
struct Executable {
    /// Device, inode, size, modification and change times, where the platform gives them;
    /// `None` elsewhere, and the bytes are hashed on every run.
    identity: Option<String>,
    /// Hash of the executable's bytes.
    hash: u64,
    /// The hash was computed by this run (not read from [`EXECUTABLE_FILE`]), which
    /// [`write_file`] then writes.
    computed: bool,
}

/// The running executable, identified once per process: by its bytes, so that any other build
/// of pirsite, even of the same version, size and time stamp, starts afresh. Hashing the 70 MB
/// executable takes some 30 ms, so the hash is remembered in [`EXECUTABLE_FILE`] under `root`
/// with the file's device, inode, size and modification and change times; the change time is
/// set by the system on every write, rename or copy, and cannot be set back by hand.
fn executable(root: &Path) -> Option<Executable> {
    static EXECUTABLE: std::sync::OnceLock<Option<Executable>> = std::sync::OnceLock::new();
    EXECUTABLE
        .get_or_init(|| identify(&std::env::current_exe().ok()?, root))
        .clone()
}

/// The executable at `path`, its hash taken from [`EXECUTABLE_FILE`] under `root` when that
/// names the same file as it is now.
fn identify(path: &Path, root: &Path) -> Option<Executable> {
    let mut file = std::fs::File::open(path).ok()?;
    let identity = identity(&file.metadata().ok()?);
    let remembered = identity.as_ref().and_then(|identity| {
        let text = std::fs::read_to_string(root.join(CACHE_DIR).join(EXECUTABLE_FILE)).ok()?;
        let hash = text.strip_prefix(identity.as_str())?.strip_prefix(' ')?;
        u64::from_str_radix(hash.trim_end(), 16).ok()
    });
    if let Some(hash) = remembered {
        return Some(Executable {
            identity,
            hash,
            computed: false,
        });
    }
    Some(Executable {
        identity,
        hash: hash_reader(&mut file).ok()?,
        computed: true,
    })
}

/// Writes `exe`'s hash into [`EXECUTABLE_FILE`] in `folder` when it was computed by this run.
fn remember(folder: &Path, exe: &Executable) -> std::io::Result<()> {
    if let (Some(identity), true) = (&exe.identity, exe.computed) {
        let memo = tempfile::NamedTempFile::new_in(folder)?;
        std::fs::write(memo.path(), format!("{identity} {:016x}\n", exe.hash))?;
        memo.persist(folder.join(EXECUTABLE_FILE))?;
    }
    Ok(())
}

/// What tells the executable file apart from any other, or from itself rewritten.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    Some(format!(
        "{} {} {} {}.{:09} {}.{:09}",
        meta.dev(),
        meta.ino(),
        meta.size(),
        meta.mtime(),
        meta.mtime_nsec(),
        meta.ctime(),
        meta.ctime_nsec()
    ))
}

/// Elsewhere the executable is hashed on every run.
#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<String> {
    None
}

/// A hash of everything `reader` gives, read a megabyte at a time.
fn hash_reader(reader: &mut impl std::io::Read) -> std::io::Result<u64> {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = ahash::RandomState::with_seeds(5, 6, 7, 8).build_hasher();
    let mut buf = vec![0; 1 << 20];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finish());
        }
        hasher.write(&buf[..n]);
    }
}

/// The first line of a cache file named `what` under `root`, at version `format` of its
/// layout: the pirsite version and a hash of the running executable's bytes. `None` when the
/// executable cannot be read (then nothing is kept).
pub fn stamp(root: &Path, what: &str, format: u32) -> Option<String> {
    let exe = executable(root)?;
    Some(format!(
        "pirsite {what} {format} {} {:016x}\n",
        env!("CARGO_PKG_VERSION"),
        exe.hash
    ))
}

/// The cache file `name` in `folder`, when it is a regular file that starts with `stamp`;
/// anything else (a folder, a pipe or a device in its place, a file written by another
/// executable) is not read past its first line.
pub fn read_file(folder: &Path, name: &str, stamp: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let path = folder.join(name);
    // Opening a named pipe would wait for a writer: only a regular file is opened.
    if !std::fs::metadata(&path).ok()?.is_file() {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut bytes = vec![0; stamp.len()];
    file.read_exact(&mut bytes).ok()?;
    if bytes != stamp.as_bytes() {
        return None;
    }
    bytes.reserve(usize::try_from(len).ok()?.saturating_sub(stamp.len()));
    file.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// Writes the cache file `name` in `folder` (created with its `.gitignore` and `CACHEDIR.TAG`
/// when missing) through `fill`, into a temporary file renamed over the old one: a reader
/// sees the old file or the new one, never half of one. The executable's hash, when this run
/// computed it, is remembered beside it.
pub fn write_file(
    folder: &Path,
    name: &str,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    for (file, text) in [
        (
            ".gitignore",
            "# Written by pirsite: a cache, safe to delete.\n*\n",
        ),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This folder is a cache written by pirsite, safe to delete.\n",
        ),
    ] {
        let path = folder.join(file);
        if !path.exists() {
            std::fs::write(path, text)?;
        }
    }
    if let Some(exe) = folder.parent().and_then(executable) {
        remember(folder, &exe)?;
    }
    let file = tempfile::NamedTempFile::new_in(folder)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    fill(&mut out)?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.persist(folder.join(name))?;
    Ok(())
}

/// Version of the layout of [`REPORTS_FILE`] and of the types it holds ([`Report`] and what it
/// is made of, as serde writes them); the executable's stamp covers the rest.
const REPORTS_FORMAT: u32 = 1;
/// The file of [`Reports`] in [`CACHE_DIR`].
pub const REPORTS_FILE: &str = "reports.bin";

/// What a report's lint findings were found for besides the report: the people of the archive
/// ([`crate::lint::blame::People::key`]) and "today".
pub type LintKey = (u64, NaiveDate);

/// The reports of the last `check` or `build`, as read and linted, kept in
/// `.pirsite-cache/reports.bin`: a report file whose bytes did not change is not parsed again,
/// and its lint findings are taken as they were when the people of the archive and the day are
/// the same. Validation and everything across reports runs on every check, as it depends on
/// the other reports.
///
/// What a report is kept for: its path, the hash of its bytes, and, through the stamp, the
/// executable and the bytes of `site.toml` (which set the id pattern and the lints). The
/// report's body and line index are not kept: they are taken from the file again, whose bytes
/// were read to hash them anyway.
///
/// The file: the stamp line, then per report, sorted by path: its path's length (4 bytes,
/// little-endian) and the path, the hash of its bytes (8 bytes), the length of its entry
/// (4 bytes), the hash of the entry (8 bytes: an entry changed on disk is not read) and the
/// entry, written with postcard (a [`Report`] and its lint findings).
pub struct Reports {
    folder: PathBuf,
    stamp: String,
    /// The file as read.
    bytes: Vec<u8>,
    /// Per path: the hash of the report's bytes, and the hash of its entry and where it is in
    /// `bytes`.
    index: HashMap<String, Indexed>,
}

/// Where a report's entry is in the file.
struct Indexed {
    /// Hash of the report file's bytes.
    source: u64,
    /// Hash of the entry.
    entry: u64,
    /// The entry in the file.
    range: Range<usize>,
}

/// A report as kept, with its lint findings and what they were found for.
#[derive(Serialize, Deserialize)]
struct Entry<'a> {
    report: Cow<'a, Report>,
    lint: Option<(u64, i32, Vec<Finding<'a>>)>,
}

/// A [`Diagnostic`] as kept.
#[derive(Serialize, Deserialize)]
struct Finding<'a> {
    path: Cow<'a, str>,
    line: usize,
    col: usize,
    error: bool,
    rule: Option<Cow<'a, str>>,
    message: Cow<'a, str>,
    hint: Option<Cow<'a, str>>,
    io: bool,
    other_file: bool,
}

impl<'a> From<&'a Diagnostic> for Finding<'a> {
    fn from(d: &'a Diagnostic) -> Self {
        Finding {
            path: Cow::Borrowed(&d.path),
            line: d.line,
            col: d.col,
            error: d.level == Level::Error,
            rule: d.rule.as_deref().map(Cow::Borrowed),
            message: Cow::Borrowed(&d.message),
            hint: d.hint.as_deref().map(Cow::Borrowed),
            io: d.io,
            other_file: d.other_file,
        }
    }
}

impl From<Finding<'_>> for Diagnostic {
    fn from(f: Finding<'_>) -> Self {
        // Rule ids are the lints' own: borrowed from the code again, not held per finding.
        let rule =
            f.rule.map(
                |r| match crate::lint::RULES.iter().find(|rule| rule.id == r.as_ref()) {
                    Some(rule) => Cow::Borrowed(rule.id),
                    None => Cow::Owned(r.into_owned()),
                },
            );
        Diagnostic {
            path: f.path.into_owned(),
            line: f.line,
            col: f.col,
            level: if f.error {
                Level::Error
            } else {
                Level::Warning
            },
            rule,
            message: f.message.into_owned(),
            hint: f.hint.map(|h| Cow::Owned(h.into_owned())),
            io: f.io,
            other_file: f.other_file,
        }
    }
}

/// A report taken from [`Reports`]: without its body and line index
/// ([`crate::load::with_body`] puts them back), with its lint findings when it had them.
pub struct Kept {
    /// The report, body and line index empty.
    pub report: Report,
    /// Its lint findings, in order, and what they were found for.
    pub lint: Option<(LintKey, Arc<Vec<Diagnostic>>)>,
}

/// What [`Reports::save`] writes for one report: its path is the report's.
pub struct ToKeep<'a> {
    /// The hash of the report file's bytes ([`crate::load::content_hash`]).
    pub hash: u64,
    /// The report.
    pub report: &'a Report,
    /// Its lint findings, if it has them.
    pub lint: Option<(LintKey, &'a [Diagnostic])>,
}

impl Reports {
    /// Reads the reports kept under `root` for a site whose `site.toml` holds `config_text`
    /// (empty when there is none). `None` when the executable cannot be identified; an empty
    /// store when there is no file, or one written for another executable or configuration.
    pub fn open(root: &Path, config_text: &[u8]) -> Option<Reports> {
        let config = crate::load::content_hash(config_text);
        let stamp = stamp(root, "report cache", REPORTS_FORMAT)?;
        let stamp = format!("{} {config:016x}\n", stamp.trim_end());
        let folder = root.join(CACHE_DIR);
        let mut store = Reports {
            folder,
            stamp,
            bytes: Vec::new(),
            index: HashMap::new(),
        };
        if let Some(bytes) = read_file(&store.folder, REPORTS_FILE, &store.stamp)
            && let Some(index) = read_index(&bytes, &store.stamp)
        {
            store.bytes = bytes;
            store.index = index;
        }
        Some(store)
    }

    /// Number of reports kept.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// True when no report is kept.
    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The report kept for `path` when its bytes hashed to `hash` then too; `None` when there
    /// is none, or its entry does not read back.
    pub fn take(&self, path: &str, hash: u64) -> Option<Kept> {
        let kept = self.index.get(path)?;
        if kept.source != hash {
            return None;
        }
        let bytes = self.bytes.get(kept.range.clone())?;
        if crate::load::content_hash(bytes) != kept.entry {
            return None;
        }
        let entry: Entry<'_> = postcard::from_bytes(bytes).ok()?;
        let report = entry.report.into_owned();
        if report.path != path {
            return None;
        }
        let lint = match entry.lint {
            Some((people, day, found)) => {
                let day = NaiveDate::from_num_days_from_ce_opt(day)?;
                let found: Vec<Diagnostic> = found.into_iter().map(Diagnostic::from).collect();
                Some(((people, day), Arc::new(found)))
            }
            None => None,
        };
        Some(Kept { report, lint })
    }

    /// Lets go of the file as read; what [`Reports::save`] needs stays.
    pub fn release(&mut self) {
        self.bytes = Vec::new();
        self.index = HashMap::new();
    }

    /// Writes `reports` (sorted here by path, so the same reports make the same file) over
    /// the file, each entry serialized on the thread pool.
    pub fn save(&self, mut reports: Vec<ToKeep<'_>>) -> std::io::Result<()> {
        use rayon::prelude::*;
        reports.sort_unstable_by(|a, b| a.report.path.cmp(&b.report.path));
        // Chunks of the file, each written on the thread pool through one reused buffer.
        let chunks: Vec<Vec<u8>> = reports
            .par_chunks(256)
            .map(|chunk| {
                let mut out = Vec::new();
                let mut entry = Vec::new();
                for k in chunk {
                    let kept = Entry {
                        report: Cow::Borrowed(k.report),
                        lint: k.lint.map(|((people, day), found)| {
                            (
                                people,
                                chrono::Datelike::num_days_from_ce(&day),
                                found.iter().map(Finding::from).collect(),
                            )
                        }),
                    };
                    entry.clear();
                    entry = postcard::to_extend(&kept, entry).map_err(std::io::Error::other)?;
                    let path = k.report.path.as_bytes();
                    let (Ok(path_len), Ok(len)) =
                        (u32::try_from(path.len()), u32::try_from(entry.len()))
                    else {
                        continue;
                    };
                    out.extend_from_slice(&path_len.to_le_bytes());
                    out.extend_from_slice(path);
                    out.extend_from_slice(&k.hash.to_le_bytes());
                    out.extend_from_slice(&len.to_le_bytes());
                    out.extend_from_slice(&crate::load::content_hash(&entry).to_le_bytes());
                    out.extend_from_slice(&entry);
                }
                Ok(out)
            })
            .collect::<std::io::Result<_>>()?;
        write_file(&self.folder, REPORTS_FILE, |out| {
            out.write_all(self.stamp.as_bytes())?;
            for chunk in &chunks {
                out.write_all(chunk)?;
            }
            Ok(())
        })
    }
}

/// The entries of a report cache file written with `stamp`, by path; `None` when it was
/// written by another executable or for another configuration, or does not read back exactly.
fn read_index(bytes: &[u8], stamp: &str) -> Option<HashMap<String, Indexed>> {
    let mut at = bytes.strip_prefix(stamp.as_bytes()).map(|_| stamp.len())?;
    let mut index = HashMap::new();
    let u32_at = |at: usize| -> Option<usize> {
        Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize)
    };
    while at < bytes.len() {
        let path_len = u32_at(at)?;
        let path = std::str::from_utf8(bytes.get(at + 4..at + 4 + path_len)?).ok()?;
        at += 4 + path_len;
        let u64_at = |at: usize| -> Option<u64> {
            Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
        };
        let source = u64_at(at)?;
        let len = u32_at(at + 8)?;
        let entry = u64_at(at + 12)?;
        let range = at + 20..at + 20 + len;
        bytes.get(range.clone())?;
        at = range.end;
        index.insert(
            path.to_string(),
            Indexed {
                source,
                entry,
                range,
            },
        );
    }
    Some(index)
}

/// Serde for a `serde_json::Value` as its JSON text: postcard, which does not describe its
/// own types, cannot read a value of any shape back otherwise.
pub mod json_text {
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `value` as JSON text.
    pub fn serialize<S: Serializer>(value: &serde_json::Value, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    /// Reads a value written by [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<serde_json::Value, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for findings held in a report (front-matter problems) in the store's form.
pub mod findings {
    use super::Finding;
    use crate::diagnostics::Diagnostic;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Writes `found` as the store's findings.
    pub fn serialize<S: Serializer>(found: &[Diagnostic], s: S) -> Result<S::Ok, S::Error> {
        let kept: Vec<Finding<'_>> = found.iter().map(Finding::from).collect();
        kept.serialize(s)
    }

    /// Reads findings written by [`serialize`].
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Diagnostic>, D::Error> {
        let kept = Vec::<Finding<'de>>::deserialize(d)?;
        Ok(kept.into_iter().map(Diagnostic::from).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::load::{content_hash, parse_report, with_body};

    const TEXT: &str = "---\nid: INC-2024-001\ntitle: Kept\nseverity: SEV2\ndate: 2024-01-02\n\
        tags: database outage\nextra: {ratio: 0.1, runbook: null, steps: [1, 2.5e300]}\nownr: x\n---\n\n\
        ## Summary\nSee INC-2024-002.\n\n## Action Items\n\n### Action Item: Add an alert\n\
        **Owner:** Ana\n**Due:** 2024-02-01\n";

    #[test]
    fn a_report_is_taken_back_as_parsed_only_for_its_path_bytes_and_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::default();
        let report = parse_report(TEXT.as_bytes(), "content/a.md", "", &config.id_finder).unwrap();
        assert!(!report.front.errors.is_empty() && !report.front.unknown.is_empty());
        assert!(!report.mentions.is_empty() && !report.actions.is_empty());
        let hash = content_hash(TEXT.as_bytes());
        let found = vec![
            Diagnostic::warning("content/a.md", 17, 1, "vague")
                .with_rule(crate::lint::VAGUE_ACTION)
                .with_hint(format!("a hint made for {}", 1)),
        ];
        let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let site = b"title = \"Archive\"\n";
        let store = Reports::open(dir.path(), site).unwrap();
        assert!(store.is_empty());
        store
            .save(vec![ToKeep {
                hash,
                report: &report,
                lint: Some(((7, day), &found)),
            }])
            .unwrap();

        let store = Reports::open(dir.path(), site).unwrap();
        assert_eq!(store.len(), 1);
        let kept = store.take("content/a.md", hash).unwrap();
        assert_eq!(kept.lint, Some(((7, day), Arc::new(found))));
        let back = with_body(TEXT.as_bytes(), kept.report).unwrap();
        assert_eq!(format!("{back:?}"), format!("{report:?}"));

        // Other bytes, another path or another site.toml: nothing to take.
        assert!(store.take("content/a.md", hash ^ 1).is_none());
        assert!(store.take("content/b.md", hash).is_none());
        assert!(
            Reports::open(dir.path(), b"title = \"Other\"\n")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_file_is_read_only_whole_and_an_entry_only_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::default();
        let report = parse_report(TEXT.as_bytes(), "content/a.md", "", &config.id_finder).unwrap();
        let hash = content_hash(TEXT.as_bytes());
        let store = Reports::open(dir.path(), b"").unwrap();
        let keep = || ToKeep {
            hash,
            report: &report,
            lint: None,
        };
        store.save(vec![keep()]).unwrap();
        let file = dir.path().join(CACHE_DIR).join(REPORTS_FILE);
        let bytes = std::fs::read(&file).unwrap();
        for cut in 1..bytes.len() - store.stamp.len() {
            std::fs::write(&file, &bytes[..bytes.len() - cut]).unwrap();
            assert!(Reports::open(dir.path(), b"").unwrap().is_empty(), "{cut}");
        }
        let mut damaged = bytes.clone();
        *damaged.last_mut().unwrap() ^= 1;
        std::fs::write(&file, &damaged).unwrap();
        let store = Reports::open(dir.path(), b"").unwrap();
        assert_eq!(store.len(), 1);
        assert!(store.take("content/a.md", hash).is_none());
    }

    #[cfg(unix)]
    #[test]
    fn an_executable_is_known_by_its_bytes_and_its_hash_remembered_only_for_the_same_file() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("pirsite");
        std::fs::write(&exe, b"one build").unwrap();
        let first = identify(&exe, dir.path()).unwrap();
        assert!(first.computed);
        assert_eq!(first.hash, hash_reader(&mut &b"one build"[..]).unwrap());
        std::fs::create_dir_all(dir.path().join(CACHE_DIR)).unwrap();
        remember(&dir.path().join(CACHE_DIR), &first).unwrap();
        let again = identify(&exe, dir.path()).unwrap();
        assert!(!again.computed);
        assert_eq!(again.hash, first.hash);

        // Other bytes of the same size, the time stamp set back: hashed afresh (the change
        // time moved), and told apart.
        let modified = std::fs::metadata(&exe).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&exe, b"two build").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&exe)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        let other = identify(&exe, dir.path()).unwrap();
        assert!(other.computed);
        assert_ne!(other.hash, first.hash);
    }

    #[cfg(unix)]
    #[test]
    fn only_a_regular_file_with_the_stamp_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let read = |name: &str| read_file(dir.path(), name, "stamp\n");
        std::fs::write(dir.path().join("kept"), b"stamp\nrest").unwrap();
        assert_eq!(read("kept").as_deref(), Some(&b"stamp\nrest"[..]));
        std::fs::write(dir.path().join("other"), b"stamq\nrest").unwrap();
        assert_eq!(read("other"), None);
        assert_eq!(read("missing"), None);
        std::fs::create_dir(dir.path().join("folder")).unwrap();
        assert_eq!(read("folder"), None);
        // A named pipe would block the open until a writer came: it is not opened.
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        assert_eq!(read("fifo"), None);
        // A file of 4 GB with another stamp is not read past its first bytes (it is sparse:
        // reading it whole would take seconds and 4 GB of memory).
        let big = std::fs::File::create(dir.path().join("big")).unwrap();
        big.set_len(4 << 30).unwrap();
        assert_eq!(read("big"), None);
    }
}
