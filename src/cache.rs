//! What `build` and `check` keep between runs in `.pirsite-cache/` under the site root, to
//! save the work of the run before: the reports as read and linted ([`Reports`], this module)
//! and the highlighted code blocks ([`crate::render::highlight::Store`]).
//!
//! Each file starts with a stamp naming its format, the pirsite version and the size and time
//! of the running executable, so that any other build of pirsite starts afresh. A file that
//! does not read back exactly is ignored. The folder holds a `.gitignore` (`*`) and a
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

/// The first line of a cache file named `what`, at version `format` of its layout: the
/// pirsite version and the size and time stamp of the running executable. `None` when the
/// executable cannot be identified (then nothing is kept).
pub fn stamp(what: &str, format: u32) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(exe).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some(format!(
        "pirsite {what} {format} {} {} {}\n",
        env!("CARGO_PKG_VERSION"),
        meta.len(),
        modified.as_nanos()
    ))
}

/// Writes the cache file `name` in `folder` (created with its `.gitignore` and `CACHEDIR.TAG`
/// when missing) through `fill`, into a temporary file renamed over the old one: a reader
/// sees the old file or the new one, never half of one.
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
        let stamp = stamp("report cache", REPORTS_FORMAT)?;
        let stamp = format!("{} {config:016x}\n", stamp.trim_end());
        let folder = root.join(CACHE_DIR);
        let mut store = Reports {
            folder,
            stamp,
            bytes: Vec::new(),
            index: HashMap::new(),
        };
        if let Ok(bytes) = std::fs::read(store.folder.join(REPORTS_FILE))
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
}
