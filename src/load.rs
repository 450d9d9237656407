//! Load: from files on disk to [`Report`]s, the structure of each report as written.
//!
//! This module owns walking `content_dir` (walkdir, no symlink loops, `.`/`_` names skipped,
//! names that are not UTF-8 reported),
//! reading each file (UTF-8, front matter present), and splitting the Markdown into `##`
//! sections, timeline entries, `### Action Item:` blocks and incident-id mentions, each with
//! its line in the file. It judges nothing about meaning; `validate` does.

use crate::diagnostics::Diagnostic;
use crate::frontmatter::{self, FrontMatter, Spanned};
use crate::text::LineIndex;
use compact_str::CompactString;
use pulldown_cmark::{Event, HeadingLevel, LinkType, Parser, Tag, TagEnd};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use walkdir::WalkDir;

/// What a walk of the content folder found.
#[derive(Debug, Default, Clone)]
pub struct ContentFiles {
    /// Markdown reports: (absolute path, path relative to the site root).
    pub reports: Vec<(PathBuf, String)>,
    /// Every other file: (absolute path, path relative to the content folder).
    pub assets: Vec<(PathBuf, String)>,
    /// Problems met while walking (unreadable folders, symlink loops, names not UTF-8).
    pub problems: Vec<Diagnostic>,
    /// Reports the walk could not read (a link to nothing): each is an error in `problems`,
    /// and its file name may still give its id ([`id_from_name`]).
    pub unreadable: Vec<PathBuf>,
}

/// Lists the reports and assets under `content` (sorted, so every run sees the same order).
///
/// Symbolic links are followed only while they stay inside the content folder: a link that
/// leads out of it (to `/etc/passwd`, or to a folder elsewhere) is skipped with a warning, so a
/// report's folder can never publish files from the machine that builds it.
pub fn walk(root: &Path, content: &Path) -> ContentFiles {
    walk_each(root, content, |_, _| {})
}

/// [`walk`], with `read` called on every report (absolute path, path relative to the site
/// root) on the thread pool as soon as the walk finds it: the reading starts while the walk
/// goes on, instead of after it. The results are in the order of the reports listed.
pub fn walk_reading<T: Send>(
    root: &Path,
    content: &Path,
    read: impl Fn(&Path, &str) -> T + Sync,
) -> (ContentFiles, Vec<T>) {
    let read = &read;
    let done = std::sync::Mutex::new(Vec::new());
    let found = rayon::scope(|s| {
        let done = &done;
        let mut n = 0;
        walk_each(root, content, |abs, rel| {
            let (i, abs, rel) = (n, abs.to_path_buf(), rel.to_string());
            n += 1;
            s.spawn(move |_| {
                let t = read(&abs, &rel);
                done.lock().unwrap_or_else(|e| e.into_inner()).push((i, t));
            });
        })
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_unstable_by_key(|(i, _)| *i);
    (found, done.into_iter().map(|(_, t)| t).collect())
}

/// [`walk`], calling `report` on each report as it is listed.
fn walk_each(root: &Path, content: &Path, mut report: impl FnMut(&Path, &str)) -> ContentFiles {
    let mut found = ContentFiles::default();
    let content_real = std::fs::canonicalize(content).unwrap_or_else(|_| content.to_path_buf());
    let mut walker = WalkDir::new(content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    while let Some(entry) = walker.next() {
        if let Ok(e) = &entry
            && e.path_is_symlink()
        {
            let target = std::fs::canonicalize(e.path());
            if !target.as_ref().is_ok_and(|t| t.starts_with(&content_real)) {
                let to = target
                    .map(|t| t.display().to_string())
                    .unwrap_or_else(|_| "nowhere".into());
                found.problems.push(
                    Diagnostic::warning(
                        shown_rel_path(root, e.path()),
                        0,
                        0,
                        format!("symbolic link leads out of the content folder (to {to}); skipped"),
                    )
                    .with_hint("copy the file into the report's folder instead of linking to it")
                    .in_other_file(),
                );
                if e.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .map(|p| shown_rel_path(root, p))
                    .unwrap_or_else(|| rel_path(root, content));
                let problem = if e.loop_ancestor().is_some() {
                    Diagnostic::warning(at, 0, 0, "symbolic link loop skipped")
                        .with_hint("this link points at a folder that contains it; remove the link")
                        .in_other_file()
                } else {
                    if let Some(p) = e
                        .path()
                        .filter(|p| p.extension().is_some_and(|x| x == "md"))
                    {
                        found.unreadable.push(p.to_path_buf());
                    }
                    match e.io_error() {
                        Some(cause) => Diagnostic::error(at, 0, 0, format!("cannot read: {cause}"))
                            .with_io_cause(cause),
                        None => Diagnostic::error(at, 0, 0, format!("cannot read: {e}")),
                    }
                };
                found.problems.push(problem);
                continue;
            }
        };
        if entry.depth() > 0 && entry.file_name().to_str().is_none() {
            // Every name under the content folder is UTF-8: a report's path names it in
            // findings and its assets' names are written into the site.
            let folder = entry.file_type().is_dir();
            if folder {
                walker.skip_current_dir();
            } else if !entry.file_type().is_file()
                || is_editor_file(&entry.file_name().to_string_lossy())
            {
                continue;
            }
            found
                .problems
                .push(name_not_utf8(root, entry.path(), folder));
            continue;
        }
        if !entry.file_type().is_file() || is_editor_file(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let path = entry.into_path();
        if path.extension().is_some_and(|x| x == "md") {
            let rel = rel_path(root, &path);
            report(&path, &rel);
            found.reports.push((path, rel));
        } else if is_markdown_lookalike(&path) {
            let with_md = path.with_extension("md");
            let name = with_md.file_name().unwrap_or_default().to_string_lossy();
            found.problems.push(
                Diagnostic::warning(
                    rel_path(root, &path),
                    0,
                    0,
                    "not read as a report, nor published: reports are the files ending in `.md`",
                )
                .with_hint(format!("rename it to `{name}`")),
            );
        } else if is_report_copy(&path) {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            found.problems.push(
                Diagnostic::warning(
                    rel_path(root, &path),
                    0,
                    0,
                    format!(
                        "`{name}` looks like a copy of a report: not read as a report, nor \
                         published, since that would publish a report's source"
                    ),
                )
                .with_hint(
                    "reports are the files ending in `.md`; move the copy out of the content \
                     folder, or start its name with `_` to keep it there unpublished",
                ),
            );
        } else {
            let rel = rel_path(content, &path);
            found.assets.push((path, rel));
        }
    }
    found
}

/// The finding for a file or folder under the content folder whose name is not UTF-8 (saved
/// in Latin-1 or another older encoding), which the walk leaves out: a report is not read (an
/// error), another file not published (a warning), and a folder is left out whole, an error
/// when a report is in it. Counted as an other file in the summary, never as a report.
fn name_not_utf8(root: &Path, path: &Path, folder: bool) -> Diagnostic {
    const SHOWN: &str = "bytes of the name that are not UTF-8 are shown as `\\xNN`";
    let at = shown_rel_path(root, path);
    let found = if folder {
        let message = "folder name is not valid UTF-8: nothing in it is read or published";
        let reports = WalkDir::new(path)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()))
            .filter_map(Result::ok)
            .filter(|e| !e.file_type().is_dir() && e.path().extension().is_some_and(|x| x == "md"))
            .count();
        if reports > 0 {
            Diagnostic::error(at, 0, 0, message).with_hint(format!(
                "rename it in UTF-8: the {reports} {} in it {} left out of the site until then \
                 ({SHOWN})",
                crate::diagnostics::plural(reports, "report", "reports"),
                crate::diagnostics::plural(reports, "is", "are"),
            ))
        } else {
            Diagnostic::warning(at, 0, 0, message)
                .with_hint(format!("rename it in UTF-8 ({SHOWN})"))
        }
    } else if path.extension().is_some_and(|x| x == "md") {
        Diagnostic::error(
            at,
            0,
            0,
            "file name is not valid UTF-8: the report is not read",
        )
        .with_hint(format!("rename it in UTF-8 ({SHOWN})"))
    } else {
        Diagnostic::warning(
            at,
            0,
            0,
            "file name is not valid UTF-8: the file is not published",
        )
        .with_hint(format!("rename it in UTF-8, and the links to it ({SHOWN})"))
    };
    found.in_other_file()
}

/// [`rel_path`] for a finding: the bytes of the file's own name that are not UTF-8 written
/// `\xNN` (`content/caf\xe9.md`), so that two such names are never shown alike. The folders
/// on the way are UTF-8, since the walk goes into no other.
pub fn shown_rel_path(base: &Path, path: &Path) -> String {
    let (Some(folder), Some(name)) = (path.parent(), path.file_name()) else {
        return rel_path(base, path);
    };
    if name.to_str().is_some() {
        return rel_path(base, path);
    }
    let mut shown = rel_path(base, folder);
    if !shown.is_empty() && !shown.ends_with('/') {
        shown.push('/');
    }
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        shown.push_str(chunk.valid());
        for b in chunk.invalid() {
            let _ = write!(shown, "\\x{b:02x}");
        }
    }
    shown
}

/// The walk of `content` after the files `changed` (absolute paths) were written, created or
/// deleted, from the walk before (`files`, updated in place): what [`walk`] would list now,
/// without reading every folder again. Returns `false`, leaving `files` as it may be, when a
/// full walk is needed: a folder or a link changed, the walk had problems, or a path is not
/// plainly a file or a deleted file.
pub fn rewalk(files: &mut ContentFiles, changed: &[PathBuf], root: &Path, content: &Path) -> bool {
    if !files.problems.is_empty()
        || std::fs::symlink_metadata(content).map_or(true, |m| !m.file_type().is_dir())
    {
        return false;
    }
    for p in changed {
        if p.as_os_str().is_empty() {
            return false; // events were lost
        }
        let Ok(rel) = p.strip_prefix(content) else {
            continue; // not content: the theme, site.toml
        };
        let names: Vec<&std::ffi::OsStr> = rel.iter().collect();
        let Some((name, folders)) = names.split_last() else {
            return false; // the content folder itself
        };
        if names.iter().any(|n| is_hidden(n)) {
            continue; // the walk never looks there
        }
        if names.iter().any(|n| n.to_str().is_none()) {
            return false; // a name that is not UTF-8: the walk reports it
        }
        // Every folder on the way must be a plain folder (the walk follows links).
        let mut dir = content.to_path_buf();
        for f in folders {
            dir.push(f);
            match std::fs::symlink_metadata(&dir) {
                Ok(m) if m.file_type().is_dir() => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return false,
                _ => return false,
            }
        }
        if is_markdown_lookalike(p) || is_report_copy(p) {
            return false; // its warning comes from the walk
        }
        let is_report = p.extension().is_some_and(|x| x == "md");
        let list = if is_report {
            &mut files.reports
        } else {
            &mut files.assets
        };
        let at = list.binary_search_by(|(abs, _)| abs.as_path().cmp(p));
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.file_type().is_file() => {
                if is_editor_file(&name.to_string_lossy()) {
                    continue;
                }
                if let Err(i) = at {
                    let rel = if is_report {
                        rel_path(root, p)
                    } else {
                        rel_path(content, p)
                    };
                    list.insert(i, (p.clone(), rel));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match at {
                Ok(i) => {
                    list.remove(i);
                }
                Err(_) => {
                    // A folder that held listed files is gone: walk again.
                    let under = |l: &[(PathBuf, String)]| l.iter().any(|(a, _)| a.starts_with(p));
                    if under(&files.reports) || under(&files.assets) {
                        return false;
                    }
                }
            },
            _ => return false, // a folder or a link
        }
    }
    true
}

/// True for a Markdown file that is not named as a report: `.markdown`, `.mdown`, `.mkd`,
/// `.mkdn`, or `.md` in another case (`.MD`). Such a file is neither read nor copied (it would
/// publish a report's source, a draft's too) but warned about.
fn is_markdown_lookalike(path: &Path) -> bool {
    path.extension().and_then(|x| x.to_str()).is_some_and(|x| {
        x != "md"
            && ["md", "markdown", "mdown", "mkd", "mkdn"]
                .iter()
                .any(|m| x.eq_ignore_ascii_case(m))
    })
}

/// True for a copy of a report left beside it: a name with `.md.` in it (`x.md.orig`,
/// `x.md.rej`, `x.md.save`, `x.md.old`, `x.md.txt`; `.MD.` too). Like a
/// [`is_markdown_lookalike`] file it is neither read nor copied, since it would publish a
/// report's source, but warned about. Editor backups (`x.md.bak`, `x.md.swp`) are
/// [`is_editor_temp`] files, left out before this is asked.
fn is_report_copy(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().to_ascii_lowercase().contains(".md."))
}

/// True for hidden files (`.name`) and for [`is_editor_temp`] files: neither is a report or
/// an asset, and `serve` ignores their changes in the content folder.
pub fn is_editor_file(name: &str) -> bool {
    name.starts_with('.') || is_editor_temp(name)
}

/// True for the temporary, swap, lock and backup files editors leave beside the file being
/// edited (`.x.md.swp`, `.#x.md`, `x.md~`, `#x.md#`, `4913`, `x.md.tmp`, `x.md.bak`,
/// JetBrains' `___jb_tmp___`...), and the Finder's `.DS_Store`. A theme's static files skip
/// only these, so a host's dot-file (`.nojekyll`, `.htaccess`) is copied into the site.
pub fn is_editor_temp(name: &str) -> bool {
    name.starts_with(".#")
        || name.starts_with(".~lock.")
        || name == ".DS_Store"
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
        || [".swp", ".swo", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// True for a name starting with `.` or `_`, which the walk skips; a name that is not UTF-8
/// is not hidden, but reported ([`name_not_utf8`]).
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    matches!(name.as_encoded_bytes().first(), Some(b'.' | b'_'))
}

/// `path` relative to `base`, with `/` separators (or the path itself when not under `base`).
pub fn rel_path(base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let joined = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    // A path outside `base` (a `content_dir` elsewhere on the machine) keeps its one `/`.
    if rel.has_root() {
        format!("/{joined}")
    } else {
        joined
    }
}

/// One `##` section of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Heading text as written.
    pub title: CompactString,
    /// The title's [`section_key`]: sections are found and compared by it.
    pub key: CompactString,
    /// Line of the heading in the file.
    pub line: usize,
    /// Byte offset of the heading in the body.
    pub start: usize,
    /// Byte range of the section's content in the body, after the heading line, up to the
    /// next `##` heading (a `#` heading does not end it: see [`Report::level_one`]).
    pub content: Range<usize>,
}

/// One timeline entry, time as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// `YYYY-MM-DD` when the entry carries its date.
    pub date: Option<CompactString>,
    /// `HH:MM` as written (in 24-hour form when written with AM or PM).
    pub time: CompactString,
    /// The zone written after the time, when there is one: `Z`, `UTC`, `GMT` or an
    /// abbreviation such as `CET` ([`ZONE_ABBREVIATIONS`]).
    pub zone: Option<CompactString>,
    /// The text after the time.
    pub text: CompactString,
    /// Line in the file.
    pub line: usize,
    /// Column of the time.
    pub col: usize,
}

/// One `**Field:** value` line (and its continuation lines) of an action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionField {
    /// Field name as written, e.g. `Definition of Done`.
    pub name: CompactString,
    /// Value, continuation lines joined with `\n`, trimmed.
    pub value: CompactString,
    /// Line of the field in the file.
    pub line: usize,
    /// Column of the value.
    pub col: usize,
    /// Column of the field name's opening `**`.
    pub name_col: usize,
}

/// A `### Action Item: <title>` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionBlock {
    /// Title after `Action Item:`.
    pub title: String,
    /// Line of the heading.
    pub line: usize,
    /// Fields in order of appearance.
    pub fields: Vec<ActionField>,
    /// Byte range of the block in the body: its heading up to the next heading at level 3 or
    /// above, or the end of its section.
    pub span: Range<usize>,
    /// File lines where text that belongs to no field starts (before the first field, or
    /// after a thematic break), one per paragraph of it: it is not shown, so validation
    /// reports it.
    pub stray: Vec<usize>,
}

/// A heading that looks like an action item but is not at `###` inside `## Action Items`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisplacedAction {
    /// Heading text.
    pub title: String,
    /// Heading level (2..=6).
    pub level: usize,
    /// Line of the heading.
    pub line: usize,
    /// The heading and what follows it read as an action item's block (up to the next
    /// heading at its level, level 3 or above), when it holds a field and is inside no
    /// action item: its fields are checked in the same run as its heading, rather than in
    /// the run after the heading is fixed.
    pub block: Option<ActionBlock>,
}

/// A `#` heading in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelOne {
    /// Heading text.
    pub text: String,
    /// Line of the heading.
    pub line: usize,
}

/// A `**Field:**` line inside `## Action Items` but outside every `### Action Item:` block,
/// e.g. under `### Action Item 1: ...` or with no heading at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LooseField {
    /// Field name as written.
    pub name: String,
    /// Line of the field.
    pub line: usize,
    /// The heading the field is under (text and line), if any.
    pub heading: Option<(String, usize)>,
}

/// An incident id written in the body text (not in code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    /// The id.
    pub id: CompactString,
    /// Line in the file.
    pub line: usize,
    /// Column in the file.
    pub col: usize,
}

/// A link or image written with Markdown syntax in the body, as the author wrote its target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRef {
    /// Target URL as written (reference links resolved, entities decoded).
    pub dest: String,
    /// An image (`![alt](src)`) rather than a link.
    pub image: bool,
    /// Line in the file.
    pub line: usize,
    /// Column in the file.
    pub col: usize,
    /// Written as an `href` or `src` in raw HTML: a link of the page only where the site
    /// allows HTML (`allow_html`); elsewhere the HTML is shown as text.
    pub raw_html: bool,
}

/// One report as written: front matter and Markdown structure with positions.
///
/// Serialized without its body and line index (the report store keeps the rest, and takes
/// those two from the file again: [`crate::cache`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Path relative to the site root, `/`-separated (used in diagnostics).
    pub path: String,
    /// Folder of the report relative to `content_dir` (`""` at the top).
    pub folder: String,
    /// Front matter, or the error that prevented reading it.
    pub front: FrontMatter,
    /// Markdown after the front matter.
    #[serde(skip)]
    pub body: String,
    /// Line of the file where `body` starts (1-based).
    pub body_line: usize,
    /// `##` sections in order.
    pub sections: Vec<Section>,
    /// Timeline entries of the `Timeline` section.
    pub timeline: Vec<TimelineEntry>,
    /// Action items of the `Action Items` section.
    pub actions: Vec<ActionBlock>,
    /// Headings that look like action items in the wrong place.
    pub misplaced_actions: Vec<MisplacedAction>,
    /// `#` headings of the body: the page title comes from the front matter, so each is
    /// reported; it stays in the section it is written in.
    pub level_one: Vec<LevelOne>,
    /// `**Field:**` lines in `## Action Items` that belong to no `### Action Item:` block.
    pub loose_fields: Vec<LooseField>,
    /// `---` (or `===`) lines written right under `**Field:**` lines, which Markdown reads as
    /// the underline of a heading made of those lines: (file line, the line as written,
    /// trimmed). The lines above are read as text, not as a heading, so the fields and
    /// sections around them stay as meant.
    pub underlined_fields: Vec<(usize, String)>,
    /// Incident ids mentioned in the body.
    pub mentions: Vec<Mention>,
    /// Links and images of the body, in order (checked against the built site).
    pub links: Vec<LinkRef>,
    /// Index of body lines (offsets relative to `body`).
    #[serde(skip)]
    pub lines: LineIndex,
    /// Hash of the file's bytes, its path and its folder: equal for two reports read from the
    /// same bytes at the same place (what the report, and the incident made from it, depend on
    /// besides the configuration).
    pub source_hash: u64,
}

impl Report {
    /// The section titled `name` (compared by [`section_key`]), first occurrence.
    pub fn section(&self, name: &str) -> Option<&Section> {
        if is_key_form(name) {
            return self
                .sections
                .iter()
                .find(|s| s.key.eq_ignore_ascii_case(name));
        }
        let key = section_key(name);
        self.sections.iter().find(|s| s.key == key)
    }

    /// File line of byte `offset` in the body.
    pub fn file_line(&self, offset: usize) -> usize {
        self.lines.line(offset) + self.body_line - 1
    }

    /// File line and column of byte `offset` in the body.
    pub fn file_line_col(&self, offset: usize) -> (usize, usize) {
        let (l, c) = self.lines.char_line_col(&self.body, offset);
        (l + self.body_line - 1, c)
    }

    /// [`Report::file_line_col`], counting on from `last` (see
    /// [`crate::text::LineIndex::char_line_col_from`]): for offsets in order, such as every
    /// id mentioned along one long line.
    pub fn file_line_col_from(
        &self,
        offset: usize,
        last: &mut Option<crate::text::Place>,
    ) -> (usize, usize) {
        let (l, c) = self.lines.char_line_col_from(&self.body, offset, last);
        (l + self.body_line - 1, c)
    }
}

/// Reads and parses the report at `abs`; `rel` names it in diagnostics.
pub fn read_report(
    abs: &Path,
    rel: &str,
    content_rel_folder: &str,
    id_finder: &Regex,
) -> Result<Report, Diagnostic> {
    let bytes = std::fs::read(abs)
        .map_err(|e| Diagnostic::error(rel, 0, 0, format!("cannot read: {e}")).with_io_cause(&e))?;
    parse_report(&bytes, rel, content_rel_folder, id_finder)
}

/// Parses the bytes of one report.
pub fn parse_report(
    bytes: &[u8],
    rel: &str,
    folder: &str,
    id_finder: &Regex,
) -> Result<Report, Diagnostic> {
    parse_hashed(bytes, content_hash(bytes), rel, folder, id_finder)
}

/// A hash of a file's bytes, to tell whether a file changed: equal for equal bytes, and for
/// different bytes equal only by a chance of about 2^-64. Not stable across versions of
/// pirsite or of ahash, so it is never written anywhere. ahash runs through a report several
/// times faster than the standard library's SipHash, whose resistance to chosen keys a
/// file's own fingerprint does not need.
pub fn content_hash(bytes: &[u8]) -> u64 {
    static STATE: OnceLock<ahash::RandomState> = OnceLock::new();
    STATE
        .get_or_init(|| ahash::RandomState::with_seeds(1, 2, 3, 4))
        .hash_one(bytes)
}

/// [`parse_report`] of bytes whose [`content_hash`] is `hash`, for a caller that has it
/// already (the file is not hashed twice).
pub fn parse_hashed(
    bytes: &[u8],
    hash: u64,
    rel: &str,
    folder: &str,
    id_finder: &Regex,
) -> Result<Report, Diagnostic> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let (line, col) = LineIndex::new(valid).char_line_col(valid, valid.len());
        Diagnostic::error(rel, line, col, "file is not valid UTF-8")
            .with_hint("save the report as UTF-8")
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(Diagnostic::error(rel, 1, 1, "file is empty").with_hint(
            "a report starts with front matter: `---`, `id: ...`, `title: ...`, `---`",
        ));
    }
    let (fm_text, body, body_line) = match split_front_matter(text) {
        FrontMatterSplit::Found(yaml, body, line) => (yaml, body, line),
        FrontMatterSplit::Missing => {
            return Err(cr_only_lines(rel, text).unwrap_or_else(|| {
                Diagnostic::error(rel, 1, 1, "report has no front matter")
                    .with_hint("start the file with a `---` line, the keys (id, title, severity, date), and another `---` line")
            }));
        }
        FrontMatterSplit::Unclosed => {
            return Err(cr_only_lines(rel, text).unwrap_or_else(|| {
                Diagnostic::error(rel, 1, 1, "front matter is not closed")
                    .with_hint("end the front matter with a `---` line before the Markdown")
            }));
        }
    };
    let front = frontmatter::parse(rel, fm_text, 2)?;
    let source_hash = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (hash, rel, folder).hash(&mut h);
        h.finish()
    };
    let body = body.to_string();
    let mut report = Report {
        path: rel.to_string(),
        folder: folder.to_string(),
        front,
        lines: LineIndex::new(&body),
        body,
        body_line,
        sections: Vec::new(),
        timeline: Vec::new(),
        actions: Vec::new(),
        misplaced_actions: Vec::new(),
        level_one: Vec::new(),
        underlined_fields: Vec::new(),
        loose_fields: Vec::new(),
        mentions: Vec::new(),
        links: Vec::new(),
        source_hash,
    };
    structure(&mut report, id_finder);
    Ok(report)
}

/// `report`, taken from the report store ([`crate::cache::Reports`]) without its body and line
/// index, with both taken from `bytes`, the file it was read from; `None` when `bytes` do not
/// split into front matter and body at the same line (then the file is parsed again).
pub fn with_body(bytes: &[u8], mut report: Report) -> Option<Report> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let FrontMatterSplit::Found(_, body, body_line) = split_front_matter(text) else {
        return None;
    };
    if body_line != report.body_line {
        return None;
    }
    report.lines = LineIndex::new(body);
    report.body = body.to_string();
    Some(report)
}

/// The `id:` written in a report's front matter, found without parsing the YAML (for reports
/// whose front matter does not parse). A file that does not start with `---` is read as front
/// matter missing its opening line: its lines up to the first empty line or `---`.
pub fn guess_id(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.lines().peekable();
    let opened = lines.peek()?.trim_end() == "---";
    if opened {
        lines.next();
    }
    lines
        .take_while(|l| !matches!(l.trim_end(), "---" | "...") && (opened || !l.trim().is_empty()))
        .find_map(|l| l.strip_prefix("id:"))
        .map(|v| {
            let v = v.split(" #").next().unwrap_or(v).trim();
            v.trim_matches(|c| c == '"' || c == '\'').trim().to_string()
        })
        .filter(|v| !v.is_empty())
}

/// The id a report file's name gives (`INC-2024-042.md`), when it matches `id_pattern`: what
/// a report that cannot be read, or has no `id:` line, is taken to be.
pub fn id_from_name(path: &Path, id_pattern: &Regex) -> Option<String> {
    let stem = path.file_stem()?.to_str()?;
    id_pattern.is_match(stem).then(|| stem.to_string())
}

/// How a file starts.
enum FrontMatterSplit<'a> {
    /// `---`, the YAML, `---` (or `...`): (yaml, body, first line of body).
    Found(&'a str, &'a str, usize),
    /// The file does not start with `---`.
    Missing,
    /// The opening `---` has no closing line.
    Unclosed,
}

/// The finding for a file whose lines end in CR alone (old Mac line endings), where its
/// front matter is found only when a CR alone counts as a line end: the file reads as one line
/// (or a few), so its front matter is missing or not closed. At the first CR alone.
fn cr_only_lines(rel: &str, text: &str) -> Option<Diagnostic> {
    let at = text
        .match_indices('\r')
        .map(|(i, _)| i)
        .find(|&i| text.as_bytes().get(i + 1) != Some(&b'\n'))?;
    let lf = text.replace("\r\n", "\n").replace('\r', "\n");
    if !matches!(split_front_matter(&lf), FrontMatterSplit::Found(..)) {
        return None;
    }
    let (line, col) = LineIndex::new(text).char_line_col(text, at);
    Some(
        Diagnostic::error(
            rel,
            line,
            col,
            "lines end in CR only (old Mac line endings)",
        )
        .with_hint("save the file with LF or CRLF line endings"),
    )
}

/// Splits `---\n<yaml>\n---\n<body>`.
fn split_front_matter(text: &str) -> FrontMatterSplit<'_> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return FrontMatterSplit::Missing;
    }
    let rest = text.get(first_end + 1..).unwrap_or("");
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return FrontMatterSplit::Found(yaml, body, i + 3);
        }
        offset += line.len();
    }
    FrontMatterSplit::Unclosed
}

/// A heading found in the body.
struct Heading {
    level: usize,
    /// The heading's text, without raw HTML: what sections are matched by.
    text: String,
    /// The text as written, once the heading holds raw HTML (`None` before, as in most
    /// headings): raw HTML kept verbatim (comments left out), so an action item's title keeps
    /// the `<u8>` of `Vec<u8>`; it is text, escaped wherever it is shown.
    written: Option<String>,
    start: usize,
    end: usize,
}

/// A pattern that finds, in a whole body, where `id_finder` may find an id in a piece of its
/// text: `id_finder` without its word boundaries, when nothing else in it looks around. `None`
/// for a finder not of [`crate::config::id_finder_pattern`]'s form, or whose id pattern holds
/// an assertion of its own (`^`, `$`, `\b`, `\B`, `\A`, `\z`, `\<`, `\>`, spotted in the
/// pattern's text, escaped or not) or matches empty text.
///
/// Without assertions, whether the pattern matches a run of text depends on that run alone;
/// so an id `id_finder` finds in a Text event that is verbatim a piece of the body is a match
/// of this pattern in the body at the same place, and a search of the body that finds no match
/// overlapping the event means the event holds no id.
fn id_hint_of(id_finder: &Regex) -> Option<Regex> {
    use crate::config::ID_BOUNDARY;
    let inner = id_finder
        .as_str()
        .strip_prefix(ID_BOUNDARY)?
        .strip_suffix(ID_BOUNDARY)?;
    let looks_around = ["^", "$", r"\b", r"\B", r"\A", r"\z", r"\<", r"\>"]
        .iter()
        .any(|a| inner.contains(a));
    if looks_around {
        return None;
    }
    Regex::new(inner).ok().filter(|hint| !hint.is_match(""))
}

/// [`id_hint_of`], built once for the last finder asked about (every report of a site is read
/// with the same one) and shared: a clone of a `Regex` starts with empty search caches, which
/// cost more to fill than one report's search.
fn id_hint(id_finder: &Regex) -> Option<Arc<Regex>> {
    type Last = Option<(String, Option<Arc<Regex>>)>;
    static LAST: std::sync::Mutex<Last> = std::sync::Mutex::new(None);
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((pattern, hint)) = last.as_ref()
        && pattern == id_finder.as_str()
    {
        return hint.clone();
    }
    let hint = id_hint_of(id_finder).map(Arc::new);
    *last = Some((id_finder.as_str().to_string(), hint.clone()));
    hint
}

/// Fills sections, timeline, actions, mentions and links from the body.
fn structure(r: &mut Report, id_finder: &Regex) {
    structure_with(r, id_finder, id_hint(id_finder).as_deref());
}

/// [`structure`], with the [`id_hint_of`] `id_finder` (with `None`, every Text event is
/// searched for ids).
fn structure_with(r: &mut Report, id_finder: &Regex, id_hint: Option<&Regex>) {
    let body = r.body.as_str();
    // Where the body may mention an id (sorted, apart): searching each of the many Text
    // events for ids cost more than one search of the body, and most events are far from any
    // id. A test holds the result to that of searching every event.
    let id_spans: Option<Vec<Range<usize>>> =
        id_hint.map(|hint| hint.find_iter(body).map(|m| m.range()).collect());
    let mut headings: Vec<Heading> = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    // HTML blocks (also in `code`): comments for reviewers, never part of a field's value.
    let mut html: Vec<Range<usize>> = Vec::new();
    // HTML comments inside a paragraph: left out of field values, as HTML blocks are.
    let mut comments: Vec<Range<usize>> = Vec::new();
    let mut current: Option<Heading> = None;
    // Offsets of `---` lines under `**Field:**` lines (see `Report::underlined_fields`).
    let mut underlines: Vec<usize> = Vec::new();
    let mut in_code = 0usize;
    let mut mentions = Vec::new();
    let mut links = Vec::new();
    // Inside an HTML comment or tag that spans several HTML events (the lines of a block).
    let mut html_state = HtmlScan::default();
    for (event, range) in
        Parser::new_ext(body, crate::render::markdown::options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some(Heading {
                    level: heading_level(level),
                    text: String::new(),
                    written: None,
                    start: range.start,
                    end: range.end,
                });
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(h) = current.take() {
                    match underline_of_fields(&body[h.start..h.end]) {
                        Some(at) => underlines.push(h.start + at),
                        None => headings.push(h),
                    }
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                in_code += 1;
                code.push(range);
            }
            // HTML blocks (comments too) hold no timeline entries or fields.
            Event::Start(Tag::HtmlBlock) => {
                html.push(range.clone());
                code.push(range);
            }
            Event::End(TagEnd::CodeBlock) => in_code = in_code.saturating_sub(1),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) if !matches!(link_type, LinkType::WikiLink { .. }) => {
                links.push((dest_url.to_string(), false, false, range.start));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) if !matches!(link_type, LinkType::WikiLink { .. }) => {
                links.push((dest_url.to_string(), true, false, range.start));
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                if t.trim_start().starts_with("<!--") {
                    // A comment: left out of field values (one in an HTML block is already
                    // left out with its block) and of headings' text.
                    comments.push(range.clone());
                } else if let Some(h) = current.as_mut() {
                    h.written.get_or_insert_with(|| h.text.clone()).push_str(&t);
                }
                raw_html_links(
                    &t,
                    &body[range.clone()],
                    range.start,
                    &mut html_state,
                    &mut links,
                );
            }
            Event::Text(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                    if let Some(w) = h.written.as_mut() {
                        w.push_str(&t);
                    }
                }
                // An event that is verbatim the body at its range, and meets none of the
                // spans, holds no id (see `id_hint_of`).
                let may_hold_id = || match &id_spans {
                    Some(spans) if body.get(range.clone()) == Some(&*t) => {
                        let first = spans.partition_point(|s| s.end <= range.start);
                        spans.get(first).is_some_and(|s| s.start < range.end)
                    }
                    _ => true,
                };
                if in_code == 0 && may_hold_id() {
                    // Map each match back into the source, where the text is verbatim there;
                    // a repeated id is found after the previous one.
                    let src = &body[range.clone()];
                    let mut from = 0;
                    for m in id_finder.find_iter(&t) {
                        let off = match src.get(from..).and_then(|s| s.find(m.as_str())) {
                            Some(p) => {
                                from += p + m.len();
                                range.start + from - m.len()
                            }
                            None => range.start,
                        };
                        mentions.push((CompactString::from(m.as_str()), off));
                    }
                }
            }
            Event::Code(t) => {
                if let Some(h) = current.as_mut() {
                    h.text.push_str(&t);
                    if let Some(w) = h.written.as_mut() {
                        w.push_str(&t);
                    }
                }
            }
            _ => {}
        }
    }
    r.underlined_fields = underlines
        .into_iter()
        .map(|at| {
            let mark = r.body[at..].lines().next().unwrap_or("").trim().to_string();
            (r.file_line(at), mark)
        })
        .collect();
    let mut last = None;
    r.mentions = mentions
        .into_iter()
        .map(|(id, off)| {
            let (line, col) = r.file_line_col_from(off, &mut last);
            Mention { id, line, col }
        })
        .collect();
    let mut last = None;
    r.links = links
        .into_iter()
        .map(|(dest, image, raw_html, off)| {
            let (line, col) = r.file_line_col_from(off, &mut last);
            LinkRef {
                dest,
                image,
                line,
                col,
                raw_html,
            }
        })
        .collect();

    // Sections: each `##` heading runs to the next `##` heading. A `#` heading is content of
    // the section it is in (reported by validation: the title comes from the front matter).
    let tops: Vec<&Heading> = headings.iter().filter(|h| h.level == 2).collect();
    for (i, h) in tops.iter().enumerate() {
        let end = tops.get(i + 1).map(|n| n.start).unwrap_or(body.len());
        let content_start = h.end.min(end);
        r.sections.push(Section {
            title: h.text.trim().into(),
            key: section_key(&h.text),
            line: r.file_line(h.start),
            start: h.start,
            content: content_start..end,
        });
    }
    for h in headings.iter().filter(|h| h.level == 1) {
        r.level_one.push(LevelOne {
            text: h.text.trim().to_string(),
            line: r.file_line(h.start),
        });
    }
    // Action items: `### Action Item:` headings inside a `## Action Items` section (any of them,
    // so a duplicated section is reported once, as a duplicate, not again per item).
    let action_sections: Vec<Range<usize>> = r
        .sections
        .iter()
        .filter(|s| s.key == "action items")
        .map(|s| s.content.clone())
        .collect();
    let mut blocks: Vec<Range<usize>> = Vec::new();
    for h in &headings {
        let Some(plain) = action_title(&h.text) else {
            continue;
        };
        let title = h.written.as_deref().and_then(action_title).unwrap_or(plain);
        let section = action_sections.iter().find(|s| s.contains(&h.start));
        match section {
            Some(section) if h.level == 3 => {
                let end = headings
                    .iter()
                    .find(|n| n.start > h.start && n.level <= 3)
                    .map(|n| n.start)
                    .unwrap_or(section.end)
                    .min(section.end);
                blocks.push(h.start..end);
                let (fields, stray) = parse_fields(r, h.end..end, &code, &html, &comments);
                r.actions.push(ActionBlock {
                    title: title.to_string(),
                    line: r.file_line(h.start),
                    fields,
                    span: h.start..end,
                    stray,
                });
            }
            _ => {
                let inside = blocks.iter().any(|b| b.contains(&h.start));
                let end = headings
                    .iter()
                    .find(|n| n.start > h.start && n.level <= h.level.max(3))
                    .map_or(r.body.len(), |n| n.start);
                let block = (!inside)
                    .then(|| parse_fields(r, h.end..end, &code, &html, &comments))
                    .filter(|(fields, _)| !fields.is_empty())
                    .map(|(fields, stray)| ActionBlock {
                        title: title.to_string(),
                        line: r.file_line(h.start),
                        fields,
                        span: h.start..end,
                        stray,
                    });
                r.misplaced_actions.push(MisplacedAction {
                    title: title.to_string(),
                    level: h.level,
                    line: r.file_line(h.start),
                    block,
                });
            }
        }
    }
    for section in &action_sections {
        for (at, line) in lines_in(&r.body, section.clone(), &code) {
            if blocks.iter().any(|b| b.contains(&at)) {
                continue;
            }
            let Some(m) = field_match(line) else {
                continue;
            };
            let heading = headings
                .iter()
                .rfind(|h| h.level >= 3 && h.start < at && section.contains(&h.start))
                .map(|h| (h.text.trim().to_string(), r.file_line(h.start)));
            r.loose_fields.push(LooseField {
                name: m.name.trim().to_string(),
                line: r.file_line(at),
                heading,
            });
        }
    }
    if let Some(section) = r.section("Timeline").map(|s| s.content.clone()) {
        r.timeline = parse_timeline(r, section, &code);
    }
}

/// Where the underline starts in the source `src` of a heading, when the heading is text
/// underlined with `---` or `===` (a setext heading) and that text holds a `**Field:**`
/// line: an action item's fields with a `---` written right under them, meant to separate
/// items.
fn underline_of_fields(src: &str) -> Option<usize> {
    let src = src.trim_end();
    let (text, underline) = src.rsplit_once('\n')?;
    let mark = underline.trim();
    let underlined =
        !mark.is_empty() && (mark.bytes().all(|b| b == b'-') || mark.bytes().all(|b| b == b'='));
    (underlined && text.lines().any(|l| field_match(l).is_some())).then_some(text.len() + 1)
}

/// Where the scan of raw HTML is at the end of one HTML event, for the next (an HTML block
/// comes as one event per line).
#[derive(Debug, Default)]
struct HtmlScan {
    /// Inside `<!-- … -->`.
    in_comment: bool,
    /// After a tag's `<`, before its `>`: only there is `href=` an attribute.
    in_tag: bool,
}

/// The `href` and `src` values of the raw HTML `html` (one HTML event, whose source is `src`
/// at byte `start` of the body), pushed onto `links` as (target, image, raw, offset); text in
/// comments is skipped. Values are quoted with `"` or `'`, or unquoted.
fn raw_html_links(
    html: &str,
    src: &str,
    start: usize,
    state: &mut HtmlScan,
    links: &mut Vec<(String, bool, bool, usize)>,
) {
    let HtmlScan { in_comment, in_tag } = state;
    let bytes = html.as_bytes();
    let mut i = 0;
    // Where `html` is in the source: verbatim at the start, except inside containers
    // (a list item's indentation, a quote's `>`), where each value is looked for.
    let verbatim = src.starts_with(html);
    let mut searched = 0;
    while i < bytes.len() {
        if *in_comment {
            match memchr::memmem::find(&bytes[i..], b"-->") {
                Some(p) => {
                    i += p + 3;
                    *in_comment = false;
                }
                None => return,
            }
            continue;
        }
        if bytes[i..].starts_with(b"<!--") {
            *in_comment = true;
            i += 4;
            continue;
        }
        match bytes[i] {
            b'<' => {
                *in_tag = true;
                i += 1;
                continue;
            }
            b'>' => {
                *in_tag = false;
                i += 1;
                continue;
            }
            _ if !*in_tag => {
                i += 1;
                continue;
            }
            _ => {}
        }
        // Byte by byte: every index compared here is an ASCII byte's, so every slice of
        // `html` below starts and ends on a character boundary.
        let name = if bytes[i..].len() >= 4 && bytes[i..i + 4].eq_ignore_ascii_case(b"href") {
            4
        } else if bytes[i..].len() >= 3 && bytes[i..i + 3].eq_ignore_ascii_case(b"src") {
            3
        } else {
            i += 1;
            continue;
        };
        let after_space = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let mut j = i + name;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        if !after_space || bytes.get(j) != Some(&b'=') {
            i += name;
            continue;
        }
        j += 1;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let (open, end) = match bytes.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                let open = j + 1;
                match memchr::memchr(q, &bytes[open..]) {
                    Some(len) => (open, open + len),
                    None => return,
                }
            }
            Some(_) => {
                let len = bytes[j..]
                    .iter()
                    .position(|&c| c.is_ascii_whitespace() || c == b'>')
                    .unwrap_or(bytes.len() - j);
                (j, j + len)
            }
            None => return,
        };
        let value = &html[open..end];
        let tag_start = html[..i].rfind('<').map_or(0, |p| p + 1);
        let image = html
            .get(tag_start..tag_start + 3)
            .is_some_and(|t| t.eq_ignore_ascii_case("img"));
        let off = if verbatim {
            start + open
        } else {
            match src.get(searched..).and_then(|s| s.find(value)) {
                Some(p) => {
                    searched += p + value.len();
                    start + searched - value.len()
                }
                None => start,
            }
        };
        links.push((
            crate::linkcheck::decode_entities(value).into_owned(),
            image,
            true,
            off,
        ));
        i = end;
    }
}

fn heading_level(l: HeadingLevel) -> usize {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The form in which section titles are compared: case-insensitive, inner whitespace collapsed,
/// a trailing colon and a trailing parenthetical ignored (`## Action items:` is
/// `## Action Items`, `## Timeline (all times UTC)` is `## Timeline`).
pub fn section_key(title: &str) -> CompactString {
    let mut key = CompactString::with_capacity(title.len());
    for word in key_words(title) {
        if !key.is_empty() {
            key.push(' ');
        }
        key.push_str(word);
    }
    if key.is_ascii() {
        key.make_ascii_lowercase();
        key
    } else {
        key.to_lowercase()
    }
}

/// True when `name` is its own [`section_key`] but for ASCII case ("Contributing Factors",
/// as the code and site.toml name sections): ASCII words, each followed by one space but
/// the last, no `:` or `)` at the end, and no number in front. Such a name is compared with
/// keys as it is.
fn is_key_form(name: &str) -> bool {
    name.is_ascii()
        && name
            .split(' ')
            .all(|w| !w.is_empty() && !w.contains(char::is_whitespace))
        && !name.ends_with([':', ')'])
        && (!name.starts_with(|c: char| c.is_ascii_digit())
            || key_words(name).count() == name.split(' ').count())
}

/// The words of a title that its [`section_key`] is made of, as written: without a number
/// in front (`2. Action Items`, `3) Timeline`, `4.1 Summary`, as documents exported from
/// other tools number their headings; a number with no `.` or `)` is a word of the title, as
/// in `5 Whys`).
fn key_words(title: &str) -> std::iter::Skip<std::str::SplitWhitespace<'_>> {
    let mut t = title.trim().trim_end_matches(':').trim_end();
    if t.ends_with(')')
        && let Some(open) = t.rfind('(')
        && open > 0
    {
        t = t[..open].trim_end().trim_end_matches(':');
    }
    let mut words = t.split_whitespace();
    let numbered = words.next().is_some_and(|first| {
        let digits = first.strip_suffix(['.', ')']).unwrap_or(first);
        (digits.len() < first.len() || digits.contains('.'))
            && digits
                .split('.')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    }) && words.next().is_some();
    t.split_whitespace().skip(usize::from(numbered))
}

/// `Some(title)` when heading text is `Action Item: <title>` (case-insensitive).
pub fn action_title(heading: &str) -> Option<&str> {
    let t = heading.trim();
    let prefix = t.get(..12)?;
    if prefix.eq_ignore_ascii_case("action item:") {
        Some(t[12..].trim())
    } else {
        None
    }
}

/// Lines of `range` in the body, with their byte offsets and without their line breaks.
fn lines_of(body: &str, range: Range<usize>) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = range.start;
    body[range].split_inclusive('\n').map(move |line| {
        let at = offset;
        offset += line.len();
        (at, line.trim_end_matches(['\n', '\r']))
    })
}

/// [`lines_of`], skipping lines inside code blocks.
fn lines_in<'a>(
    body: &'a str,
    range: Range<usize>,
    code: &'a [Range<usize>],
) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    lines_of(body, range).filter(move |(at, _)| !code.iter().any(|c| c.contains(at)))
}

/// Required action-item fields, in template order.
pub const REQUIRED_FIELDS: &[&str] = &[
    "Owner",
    "Due",
    "Priority",
    "Type",
    "Description",
    "Definition of Done",
];
/// Optional action-item fields.
pub const OPTIONAL_FIELDS: &[&str] = &[
    "Status",
    "Reason",
    "Completed",
    "Ticket",
    "Tracks against incident",
];

/// A line that gives an action-item field in a form that is not read as one: without bold
/// (`Owner: TBD`), also as a list item, in single emphasis (`- *Due:* 2024-05-10`), bold
/// with underscores (`__Owner:__ Sam`) or as a table row (`| Owner | Sam |`), the name in
/// any case. The field's name as the
/// template spells it, the byte offset of the name in `line`, and the value. The `**` form
/// (`**Owner:**`) is not this.
pub fn plain_field(line: &str) -> Option<(&'static str, usize, &str)> {
    let trimmed = line.trim_start();
    if let Some(row) = trimmed.strip_prefix('|') {
        // A table row: `| Owner | Mike Ross |`, the name in the first cell (bold or not).
        let (cell, rest) = row.split_once('|')?;
        let name = cell
            .trim()
            .trim_matches(['*', '_'])
            .trim_end_matches(':')
            .trim();
        let field = REQUIRED_FIELDS
            .iter()
            .chain(OPTIONAL_FIELDS)
            .find(|n| n.eq_ignore_ascii_case(name))?;
        let at = line.len() - row.len() + cell.find(|c: char| !c.is_whitespace())?;
        let value = rest.split('|').next().unwrap_or("").trim();
        return Some((field, at, value));
    }
    if !line.contains(':') {
        return None;
    }
    let unlisted = trimmed
        .strip_prefix(['-', '+', '*'])
        .filter(|rest| rest.starts_with(' '))
        .map_or(trimmed, str::trim_start);
    let bare = unlisted
        .strip_prefix("__")
        .or_else(|| unlisted.strip_prefix(['*', '_']))
        .unwrap_or(unlisted);
    let name = REQUIRED_FIELDS.iter().chain(OPTIONAL_FIELDS).find(|n| {
        bare.get(..n.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(n))
    })?;
    let rest = bare[name.len()..].trim_start().strip_prefix(':')?;
    let value = rest.trim_start_matches(['*', '_']).trim();
    Some((name, line.len() - bare.len(), value))
}

/// Where the parts of a `**Field:** value` line are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FieldMatch<'a> {
    /// Byte offset of the opening `**`.
    open: usize,
    /// The field name as written, before trimming.
    name: &'a str,
    /// Byte offset where the value starts (the rest of the line).
    value: usize,
}

/// Reads `**Field:** value` (also `**Field**: value`), optionally as a list item; the value is
/// the rest of the line. This is the pattern
/// `^\s*(?:[-*+]\s+)?(\*\*)([^*:]+?)\s*(?::\s*\*\*|\*\*\s*:)\s*` matched by hand, with the
/// same result (the tests hold it to the regex): every action-item line is read this way,
/// and a regex with capture groups cost more than the rest of loading the line.
fn field_match(line: &str) -> Option<FieldMatch<'_>> {
    let skip_ws = |from: usize| line.len() - line[from..].trim_start().len();
    let mut at = skip_ws(0);
    // An optional list marker, taken only with the whitespace after it.
    if line[at..].starts_with(['-', '*', '+']) {
        let after = skip_ws(at + 1);
        if after > at + 1 {
            at = after;
        }
    }
    if !line[at..].starts_with("**") {
        return None;
    }
    let open = at;
    at += 2;
    // The name is the shortest run of characters other than `*` and `:` (at least one)
    // followed by nothing but whitespace up to the `*` or `:` that ends the run.
    let run_end = line[at..].find(['*', ':']).map_or(line.len(), |p| at + p);
    let run = &line[at..run_end];
    let first = run.chars().next()?;
    let name_len = match run.trim_end().len() {
        0 => first.len_utf8(),
        n => n,
    };
    let rest = &line[run_end..];
    let after = if let Some(r) = rest.strip_prefix(':') {
        r.trim_start().strip_prefix("**")?
    } else {
        rest.strip_prefix("**")?.trim_start().strip_prefix(':')?
    };
    Some(FieldMatch {
        open,
        name: &line[at..at + name_len],
        value: skip_ws(line.len() - after.len()),
    })
}

/// A thematic break (`---`, `***`, `___`), which authors put between action items.
fn is_thematic_break(line: &str) -> bool {
    let mut chars = line.chars().filter(|c| !c.is_whitespace());
    match chars.next() {
        Some(c @ ('-' | '*' | '_')) => {
            let mut more = 0;
            for x in chars {
                if x != c {
                    return false;
                }
                more += 1;
            }
            more >= 2
        }
        _ => false,
    }
}

fn parse_fields(
    r: &Report,
    range: Range<usize>,
    code: &[Range<usize>],
    html: &[Range<usize>],
    comments: &[Range<usize>],
) -> (Vec<ActionField>, Vec<usize>) {
    thread_local! {
        static SCRATCH: RefCell<Vec<ActionField>> = const { RefCell::new(Vec::new()) };
    }
    let mut stray = Vec::new();
    let fields = exact_from(&SCRATCH, |fields| {
        stray = read_fields(r, range, code, html, comments, fields);
    });
    (fields, stray)
}

/// Reads the fields of an action-item block into `fields`; returns the file lines where text
/// that belongs to no field (before the first field, or after a thematic break) starts.
/// A code block continues the value it is in; HTML blocks and the HTML comments in a
/// paragraph (`comments`) are left out.
fn read_fields(
    r: &Report,
    range: Range<usize>,
    code: &[Range<usize>],
    html: &[Range<usize>],
    comments: &[Range<usize>],
    fields: &mut Vec<ActionField>,
) -> Vec<usize> {
    // After a thematic break, text up to the next field belongs to no field.
    let mut open = true;
    let mut stray = Vec::new();
    // Whether the line before was such text (a run is reported once).
    let mut in_stray = false;
    for (line_at, line) in lines_of(&r.body, range) {
        if html.iter().any(|c| c.contains(&line_at)) {
            continue;
        }
        let uncommented;
        let line = match without_comments(line, line_at, comments) {
            Some(kept) => {
                uncommented = kept;
                uncommented.as_str()
            }
            None => line,
        };
        let in_code = code.iter().any(|c| c.contains(&line_at));
        let was_stray = std::mem::take(&mut in_stray);
        if !in_code && let Some(m) = field_match(line) {
            fields.push(ActionField {
                name: m.name.trim().into(),
                value: line[m.value..].trim().into(),
                line: r.file_line(line_at),
                col: crate::text::char_col(line, m.value),
                name_col: crate::text::char_col(line, m.open),
            });
            open = true;
        } else if !in_code && is_thematic_break(line) {
            open = false;
        } else if !in_code && !line.trim_start().starts_with('|') && plain_field(line).is_some() {
            // A field written without bold is not read as one, and does not run on in the
            // value above it either (`Due` would not be a date): it and the text after it
            // belong to no field, which validation reports as the field written without bold.
            // (A table row naming a field may be a table in a value, `| Status | Count |`.)
            open = false;
            if !was_stray {
                stray.push(r.file_line(line_at));
            }
            in_stray = true;
        } else if let Some(last) = fields.last_mut().filter(|_| open) {
            if !last.value.is_empty() || !line.trim().is_empty() {
                last.value.push('\n');
                last.value.push_str(line);
            }
        } else if !line.trim().is_empty() {
            if !was_stray {
                stray.push(r.file_line(line_at));
            }
            in_stray = true;
        }
    }
    for f in fields {
        // Values of one line were trimmed when read; those grown by continuation lines (the
        // only ones holding a `\n`) are trimmed, and stored without room to spare, here.
        if f.value.contains('\n') {
            f.value = f.value.trim().into();
        }
    }
    stray
}

/// `line` (at byte `at` of the body) without the parts the ranges in `comments` cover, or
/// `None` when it meets none of them.
fn without_comments(line: &str, at: usize, comments: &[Range<usize>]) -> Option<String> {
    let end = at + line.len();
    let mut met = comments
        .iter()
        .filter(|c| c.start < end && c.end > at)
        .peekable();
    met.peek()?;
    let mut kept = String::with_capacity(line.len());
    let mut from = 0;
    for c in met {
        let start = c.start.saturating_sub(at);
        if start > from {
            kept.push_str(&line[from..start]);
        }
        from = from.max(c.end.saturating_sub(at).min(line.len()));
    }
    kept.push_str(&line[from..]);
    Some(kept)
}

/// The list `fill` pushes onto, in an allocation of its length. Lists read from a report are
/// kept as long as the report, and a list grown by pushing has up to half its room unused;
/// so `fill` pushes onto `scratch`, this thread's list that keeps its room from one report to
/// the next, and what it pushed is moved out in one allocation.
fn exact_from<T>(
    scratch: &'static std::thread::LocalKey<RefCell<Vec<T>>>,
    fill: impl FnOnce(&mut Vec<T>),
) -> Vec<T> {
    scratch.with(|cell| {
        let mut list = cell.take();
        list.clear();
        fill(&mut list);
        let mut exact = Vec::with_capacity(list.len());
        exact.append(&mut list);
        cell.replace(list);
        exact
    })
}

/// A timeline entry: `HH:MM` or `YYYY-MM-DD HH:MM` at the start of a line, list item or
/// table row, optionally in bold, italics, backticks or brackets and followed by `AM`/`PM`
/// and `UTC`/`GMT`/`Z`; in a table the date and the time may be two cells. The entry's text is the
/// rest of the line after the match.
fn timeline_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"^\s*(?:[-*+]|\d+[.)]|\|)?\s*(?:\[[ xX]\]\s+)?[*_`\[]{0,2}",
            r"(?:(\d{4}-\d{1,2}-\d{1,2})[*_`]{0,2}(?:[ T]|\s*[|,]\s*)[*_`]{0,2})?",
            r"(\d{1,2}:\d{2})(?::\d{2})?(?:\s*([AaPp])\.?[Mm]\b\.?|(Z)\b|\b)",
            r"\s*(?:(UTC|GMT)\b)?[*_`\]]{0,2}\s*(?:(UTC|GMT)\b)?\s*[-–—:|]?\s*"
        ))
        .unwrap()
    })
}

/// Where the parts of a timeline entry are in its line (byte ranges).
#[derive(Debug, Clone, PartialEq, Eq)]
struct TimelineMatch {
    /// `YYYY-MM-DD`, when written.
    date: Option<Range<usize>>,
    /// `HH:MM`.
    time: Range<usize>,
    /// The `a` or `p` of `AM`/`PM`, when written.
    meridiem: Option<Range<usize>>,
    /// `Z`, `UTC` or `GMT`, when written.
    zone: Option<Range<usize>>,
    /// Where the entry's text starts.
    end: usize,
}

/// Offsets in `text` (a Timeline section) of the lines that begin a timeline entry.
pub(crate) fn timeline_entry_lines(text: &str) -> Vec<usize> {
    let mut at = 0;
    let mut found = Vec::new();
    for line in text.split_inclusive('\n') {
        if timeline_match(line.trim_end_matches(['\n', '\r'])).is_some() {
            found.push(at);
        }
        at += line.len();
    }
    found
}

/// Matches [`timeline_re`] at the start of `line`. The form nearly every entry is written in,
/// `- HH:MM text` or `- YYYY-MM-DD HH:MM text`, is read by hand (what the regex gives for it
/// is plain, and the tests hold the two to the same result); anything else goes through the
/// regex, whose capture groups cost more than the rest of loading the line.
fn timeline_match(line: &str) -> Option<TimelineMatch> {
    // Every entry has the `:` of its time.
    if !line.contains(':') {
        return None;
    }
    if let Some(m) = plain_timeline_entry(line) {
        return Some(m);
    }
    let c = timeline_re().captures(line)?;
    Some(TimelineMatch {
        date: c.get(1).map(|m| m.range()),
        time: c.get(2).expect("time group").range(),
        meridiem: c.get(3).map(|m| m.range()),
        zone: c.get(4).or(c.get(5)).or(c.get(6)).map(|m| m.range()),
        end: c.get(0).map_or(line.len(), |m| m.end()),
    })
}

/// A list item `- HH:MM text` or `- YYYY-MM-DD HH:MM text` (marker `-`, `*` or `+`, ASCII
/// digits, single spaces) whose text starts with a letter or digit that cannot continue the
/// time (`AM`, `PM`, `UTC`, `GMT`): on such a line every part of [`timeline_re`] takes its first
/// choice and the match ends where the text starts. `None` for any other line.
fn plain_timeline_entry(line: &str) -> Option<TimelineMatch> {
    let b = line.as_bytes();
    let digits = |r: Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if !matches!(b.first(), Some(b'-' | b'*' | b'+')) || b.get(1) != Some(&b' ') {
        return None;
    }
    let mut at = 2;
    let mut date = None;
    if digits(at..at + 4)
        && b.get(at + 4) == Some(&b'-')
        && digits(at + 5..at + 7)
        && b.get(at + 7) == Some(&b'-')
        && digits(at + 8..at + 10)
        && b.get(at + 10) == Some(&b' ')
    {
        date = Some(at..at + 10);
        at += 11;
    }
    if !(digits(at..at + 2) && b.get(at + 2) == Some(&b':') && digits(at + 3..at + 5)) {
        return None;
    }
    let time = at..at + 5;
    let text = at + 6;
    let starts_text =
        |c: u8| c.is_ascii_alphanumeric() && !matches!(c, b'A' | b'a' | b'P' | b'p' | b'U' | b'G');
    if b.get(at + 5) != Some(&b' ') || !b.get(text).copied().is_some_and(starts_text) {
        return None;
    }
    Some(TimelineMatch {
        date,
        time,
        meridiem: None,
        zone: None,
        end: text,
    })
}

fn parse_timeline(r: &Report, range: Range<usize>, code: &[Range<usize>]) -> Vec<TimelineEntry> {
    thread_local! {
        static SCRATCH: RefCell<Vec<TimelineEntry>> = const { RefCell::new(Vec::new()) };
    }
    exact_from(&SCRATCH, |out| read_timeline(r, range, code, out))
}

fn read_timeline(
    r: &Report,
    range: Range<usize>,
    code: &[Range<usize>],
    out: &mut Vec<TimelineEntry>,
) {
    for (at, line) in lines_in(&r.body, range, code) {
        let Some(m) = timeline_match(line) else {
            continue;
        };
        let line_no = r.file_line(at);
        let col = crate::text::char_col(line, m.date.as_ref().unwrap_or(&m.time).start);
        let (zone, text) = match m.zone {
            Some(z) => (Some(&line[z]), &line[m.end..]),
            None => match zone_named(&line[m.end..]) {
                Some((zone, rest)) => (Some(zone), rest),
                None => (None, &line[m.end..]),
            },
        };
        out.push(TimelineEntry {
            date: m.date.map(|d| line[d].into()),
            time: twenty_four_hour(&line[m.time], m.meridiem.map(|p| &line[p])),
            zone: zone.map(Into::into),
            text: text.trim().trim_end_matches('|').trim().into(),
            line: line_no,
            col,
        });
    }
}

/// Abbreviations of time zones other than UTC that a timeline may write after its times
/// (`- 02:40 CET Alert fires`). Ambiguous ones that are also common initialisms in incident
/// text or words in capitals (`CST`, `IST`, `EAT`, `ART`, `WEST`) are left out: an entry keeps
/// them as text.
/// Each has one offset from UTC, in minutes (the daylight-saving form is an abbreviation of
/// its own: `CET` and `CEST`).
pub const ZONE_ABBREVIATIONS: &[(&str, i32)] = &[
    ("ACDT", 630),
    ("ACST", 570),
    ("AEDT", 660),
    ("AEST", 600),
    ("AKDT", -480),
    ("AKST", -540),
    ("AWST", 480),
    ("BST", 60),
    ("CDT", -300),
    ("CEST", 120),
    ("CET", 60),
    ("EDT", -240),
    ("EEST", 180),
    ("EET", 120),
    ("EST", -300),
    ("HKT", 480),
    ("HST", -600),
    ("JST", 540),
    ("KST", 540),
    ("MDT", -360),
    ("MSK", 180),
    ("MST", -420),
    ("NZDT", 780),
    ("NZST", 720),
    ("PDT", -420),
    ("PST", -480),
    ("SGT", 480),
    ("WET", 0),
];

/// The offset from UTC, in minutes, of the zone abbreviation `abbr` ([`ZONE_ABBREVIATIONS`],
/// in capitals).
pub fn zone_offset(abbr: &str) -> Option<i32> {
    ZONE_ABBREVIATIONS
        .iter()
        .find(|(a, _)| *a == abbr)
        .map(|&(_, minutes)| minutes)
}

/// A zone abbreviation ([`ZONE_ABBREVIATIONS`]) at the start of an entry's text, written in
/// capitals as a word of its own (`CET Alert fires`, `CET: alert`), and the text after it.
fn zone_named(text: &str) -> Option<(&str, &str)> {
    if !text.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let end = text
        .find(|c: char| !c.is_ascii_uppercase())
        .unwrap_or(text.len());
    let (word, rest) = text.split_at(end);
    if zone_offset(word).is_none()
        || rest.starts_with(|c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.'))
    {
        return None;
    }
    let rest = rest.trim_start();
    let rest = rest.strip_prefix([':', '-', '–', '—', '|']).unwrap_or(rest);
    Some((word, rest))
}

/// `time` in 24-hour form when written with `a`/`p` (AM/PM) and an hour from 1 to 12; as
/// written otherwise.
pub(crate) fn twenty_four_hour(time: &str, meridiem: Option<&str>) -> CompactString {
    let (Some(m), Some((h, rest))) = (meridiem, time.split_once(':')) else {
        return time.into();
    };
    match h.parse::<u32>() {
        Ok(h @ 1..=12) => {
            let h = match (m.eq_ignore_ascii_case("p"), h) {
                (false, 12) => 0,
                (false, h) => h,
                (true, 12) => 12,
                (true, h) => h + 12,
            };
            compact_str::format_compact!("{h:02}:{rest}")
        }
        _ => time.into(),
    }
}

/// A front-matter value paired with where it is, for callers that only need the text.
pub fn text_of(s: &Option<Spanned<String>>) -> Option<&str> {
    s.as_ref().map(|s| s.value.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_reading_lists_what_walk_lists_and_reads_each_report_in_its_order() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        // Enough reports that the pool reads them out of order.
        for i in 0..300 {
            let folder = content
                .join(format!("{}", i % 7))
                .join(format!("{}", i % 3));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join(format!("r{i}.md")), format!("report {i}")).unwrap();
        }
        std::fs::write(content.join("0/image.png"), "asset").unwrap();
        let listed = walk(dir.path(), &content);
        let (found, read) = walk_reading(dir.path(), &content, |abs, rel| {
            (rel.to_string(), std::fs::read_to_string(abs).unwrap())
        });
        assert_eq!(found.reports, listed.reports);
        assert_eq!(found.assets, listed.assets);
        assert_eq!(listed.reports.len(), 300);
        let rels: Vec<&str> = listed.reports.iter().map(|(_, r)| r.as_str()).collect();
        let read_rels: Vec<&str> = read.iter().map(|(r, _)| r.as_str()).collect();
        assert_eq!(read_rels, rels);
        for ((abs, _), (_, text)) in listed.reports.iter().zip(&read) {
            assert_eq!(*text, std::fs::read_to_string(abs).unwrap());
        }
    }

    #[test]
    fn editor_files_are_recognised() {
        for name in [
            ".a.md.swp",
            "a.md~",
            "#a.md#",
            ".#a.md",
            "4913",
            "a.md.tmp",
            "a.md.bak",
            "a.md___jb_tmp___",
        ] {
            assert!(is_editor_file(name), "{name}");
        }
        for name in ["a.md", "graph.png", "49130.md", "notes#1.md"] {
            assert!(!is_editor_file(name), "{name}");
        }
        // A host's dot-file is hidden from the content walk, but not an editor's file.
        for name in [".nojekyll", ".htaccess", ".well-known"] {
            assert!(is_editor_file(name) && !is_editor_temp(name), "{name}");
        }
        for name in [".a.md.swp", ".#a.md", ".~lock.a.md#", ".DS_Store", "a.css~"] {
            assert!(is_editor_temp(name), "{name}");
        }
    }

    #[test]
    fn a_new_copy_of_a_report_needs_the_full_walk_that_warns_about_it() {
        let t = tempfile::tempdir().unwrap();
        let content = t.path().join("content");
        std::fs::create_dir(&content).unwrap();
        std::fs::write(content.join("a.md"), "x").unwrap();
        let mut files = walk(t.path(), &content);
        let copy = content.join("a.md.orig");
        std::fs::write(&copy, "x").unwrap();
        assert!(!rewalk(&mut files, &[copy], t.path(), &content));
        let files = walk(t.path(), &content);
        assert!(files.assets.is_empty(), "{:?}", files.assets);
        let messages: Vec<&str> = files.problems.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`a.md.orig` looks like a copy of a report: not read as a report, nor published, \
              since that would publish a report's source"
            ]
        );
    }

    #[test]
    fn paths_are_relative_to_the_base_or_absolute_with_one_slash() {
        let base = Path::new("/site");
        assert_eq!(
            rel_path(base, Path::new("/site/content/a.md")),
            "content/a.md"
        );
        assert_eq!(rel_path(base, Path::new("/etc/x/a.md")), "/etc/x/a.md");
    }

    #[test]
    fn walk_skips_editor_files() {
        let t = tempfile::tempdir().unwrap();
        let content = t.path().join("content");
        std::fs::create_dir(&content).unwrap();
        for name in ["a.md", "a.md~", "4913", "graph.png", "graph.png.bak"] {
            std::fs::write(content.join(name), "x").unwrap();
        }
        let found = walk(t.path(), &content);
        assert_eq!(found.reports.len(), 1);
        let assets: Vec<&str> = found.assets.iter().map(|(_, r)| r.as_str()).collect();
        assert_eq!(assets, ["graph.png"]);
    }

    fn finder() -> Regex {
        Regex::new(r"\bINC-[0-9]{4}-[0-9]{3,}\b").unwrap()
    }

    const SAMPLE: &str = "---\nid: INC-2024-042\ntitle: T\nseverity: SEV2\ndate: 2024-03-15\n---\n\n## Summary\nLike INC-2023-117.\n\n## Timeline\n- 14:23 Deploy begins\n- 2024-03-16 00:10 Next day\n\n```\n15:00 not an entry INC-1999-001\n```\n\n## Action Items\n\n### Action Item: Canary analysis\n**Owner:** Sarah Chen\n**Due:** 2024-03-30\n**Description:**\nFirst line\nsecond line\n**Definition of Done:** Blocked.\n";

    #[test]
    fn structure_has_lines() {
        let r = parse_report(SAMPLE.as_bytes(), "content/a.md", "", &finder()).unwrap();
        assert_eq!(r.body_line, 7);
        let titles: Vec<_> = r
            .sections
            .iter()
            .map(|s| (s.title.as_str(), s.line))
            .collect();
        assert_eq!(
            titles,
            vec![("Summary", 8), ("Timeline", 11), ("Action Items", 19)]
        );
        assert_eq!(r.timeline.len(), 2);
        assert_eq!(r.timeline[0].time, "14:23");
        assert_eq!(r.timeline[0].line, 12);
        assert_eq!(r.timeline[1].date.as_deref(), Some("2024-03-16"));
        assert_eq!(r.actions.len(), 1);
        let a = &r.actions[0];
        assert_eq!((a.title.as_str(), a.line), ("Canary analysis", 21));
        assert_eq!(a.fields[0].name, "Owner");
        assert_eq!(a.fields[0].line, 22);
        assert_eq!(a.fields[2].value, "First line\nsecond line");
        assert_eq!(a.fields[3].name, "Definition of Done");
        assert_eq!(
            r.mentions,
            vec![Mention {
                id: "INC-2023-117".into(),
                line: 9,
                col: 6
            }]
        );
    }

    #[test]
    fn links_and_images_have_lines() {
        let md = "---\nid: INC-1\n---\nSee [the graph](hit%20ratio.svg).\n\n- ![g](a.png) and [r][ref]\n\n[ref]: ../inc-2024-042/\n";
        let r = parse_report(md.as_bytes(), "a.md", "", &finder()).unwrap();
        let got: Vec<_> = r
            .links
            .iter()
            .map(|l| (l.dest.as_str(), l.image, l.line, l.col))
            .collect();
        assert_eq!(
            got,
            vec![
                ("hit%20ratio.svg", false, 4, 5),
                ("a.png", true, 6, 3),
                ("../inc-2024-042/", false, 6, 19),
            ]
        );
    }

    #[test]
    fn missing_front_matter_and_empty_files_are_errors() {
        let e = parse_report(b"# hi\n", "a.md", "", &finder()).unwrap_err();
        assert_eq!(e.message, "report has no front matter");
        let e = parse_report(b"  \n", "a.md", "", &finder()).unwrap_err();
        assert_eq!(e.message, "file is empty");
        let e = parse_report(b"---\nid: x\n", "a.md", "", &finder()).unwrap_err();
        assert_eq!(e.message, "front matter is not closed");
    }

    #[test]
    fn lines_ending_in_cr_alone_are_named_as_the_cause() {
        let cr = "---\rid: x\rtitle: t\r---\r\r## Summary\rx\r";
        let e = parse_report(cr.as_bytes(), "a.md", "", &finder()).unwrap_err();
        assert_eq!(
            (e.line, e.col, e.message.as_str(), e.hint.as_deref()),
            (
                1,
                4,
                "lines end in CR only (old Mac line endings)",
                Some("save the file with LF or CRLF line endings")
            )
        );
        // Lines that end in LF up to where CR alone starts: the front matter is not closed.
        let mixed = "\u{feff}---\nid: x\r\ntitle: t\r---\r";
        let e = parse_report(mixed.as_bytes(), "a.md", "", &finder()).unwrap_err();
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (3, 9, "lines end in CR only (old Mac line endings)")
        );
        // A file with no front matter however its lines end says so.
        let e = parse_report(b"# Notes\rx\r", "a.md", "", &finder()).unwrap_err();
        assert_eq!(e.message, "report has no front matter");
        // CRLF and a byte-order mark are read as they always were.
        let crlf = cr.replace('\r', "\r\n");
        assert!(parse_report(crlf.as_bytes(), "a.md", "", &finder()).is_ok());
        assert!(parse_report(format!("\u{feff}{crlf}").as_bytes(), "a.md", "", &finder()).is_ok());
    }

    #[test]
    fn non_utf8_is_an_error_with_line() {
        let e = parse_report(b"---\nid: x\xff\n---\n", "a.md", "", &finder()).unwrap_err();
        assert_eq!((e.line, e.message.as_str()), (2, "file is not valid UTF-8"));
    }

    fn body(md: &str) -> Report {
        let text = format!("---\nid: INC-2024-042\n---\n{md}");
        parse_report(text.as_bytes(), "a.md", "", &finder()).unwrap()
    }

    #[test]
    fn repeated_ids_and_wide_characters_have_their_own_columns() {
        let r =
            body("## Summary\n\u{2014} INC-2023-117 and INC-2023-117, $4,500 INC-2023-118 $3\n");
        let cols: Vec<_> = r.mentions.iter().map(|m| (m.line, m.col)).collect();
        assert_eq!(cols, vec![(5, 3), (5, 20), (5, 41)]);
    }

    #[test]
    fn fields_in_both_bold_forms_and_breaks_between_items() {
        let r = body(
            "## Action Items\n### Action Item: A\n**Owner**: Sam\n- **Due:** 2024-03-30\n**Tracks against incident:** INC-2024-042\n\n---\n\n### Action Item: B\n**Owner:** Kim\n",
        );
        let a = &r.actions[0];
        let got: Vec<_> = a
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str(), f.line, f.col, f.name_col))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Owner", "Sam", 6, 12, 1),
                ("Due", "2024-03-30", 7, 12, 3),
                ("Tracks against incident", "INC-2024-042", 8, 30, 1)
            ]
        );
        assert_eq!(r.actions[1].fields[0].value, "Kim");
    }

    #[test]
    fn html_comments_in_a_paragraph_are_left_out_of_field_values() {
        let r = body(
            "## Action Items\n### Action Item: A\n**Owner:** <!-- who? -->\n**Due:** 2024-03-30 <!-- or April -->\n**Description:** Cap <!-- a\nlong note --> retries\nand `<!-- kept -->` in code\n**Definition of Done:**\n<!-- block, left out -->\n",
        );
        let got: Vec<_> = r.actions[0]
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.value.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Owner", ""),
                ("Due", "2024-03-30"),
                ("Description", "Cap\n retries\nand `<!-- kept -->` in code"),
                ("Definition of Done", ""),
            ]
        );
    }

    #[test]
    fn ids_are_found_where_searching_every_text_event_finds_them() {
        // Ids in emphasis (`_` is a word character, so the body has no word boundary where the
        // Text event has one), after entities and escapes, split by them, in code, links,
        // headings and tables, with several id patterns.
        let texts = crate::text::combinations(&[
            &[
                "", "See ", "_", "*", "**", "`", "[", "&#73;", "\\", "x", "<b>", "<!-- ", "| ",
                "# ", "> ", "&amp;", "1. ", "~~",
            ],
            &[
                "INC-2024-001",
                "INC-2024-0012",
                "inc-2024-001",
                "OPS-7",
                "INC-2024-01",
                "INC&#45;2024-001",
                "INC\\-2024-001",
                "INC-2024-001INC-2024-002",
            ],
            &[
                "",
                ".",
                "_",
                "*",
                "**",
                "`",
                "](x)",
                "x",
                "-",
                "&#48;",
                " -->",
                "<br>",
                " and INC-2023-117 | OPS-8 |",
                "\n\n```\nINC-1999-001\n```\n",
            ],
        ]);
        let bares = [
            "INC-[0-9]{4}-[0-9]{3,}",
            "(INC|OPS)-\\d+",
            "(?i)inc-\\d{4}-\\d{3}",
            "[A-Z]+-[0-9]+",
            "INC-[0-9]+\\b",
        ];
        let mut hinted = 0;
        let mut found = 0;
        for bare in bares {
            let finder = Regex::new(&crate::config::id_finder_pattern(bare)).unwrap();
            let hint = id_hint_of(&finder);
            hinted += usize::from(hint.is_some());
            for text in &texts {
                let md = format!("---\nid: INC-2024-042\n---\n## Summary\n{text}\n");
                let fast = parse_report(md.as_bytes(), "a.md", "", &finder).unwrap();
                // The same report structured afresh, searching every Text event.
                let read = parse_report(md.as_bytes(), "a.md", "", &finder).unwrap();
                let mut slow = Report {
                    sections: Vec::new(),
                    timeline: Vec::new(),
                    actions: Vec::new(),
                    misplaced_actions: Vec::new(),
                    level_one: Vec::new(),
                    underlined_fields: Vec::new(),
                    loose_fields: Vec::new(),
                    mentions: Vec::new(),
                    links: Vec::new(),
                    ..read
                };
                structure_with(&mut slow, &finder, None);
                assert_eq!(fast.mentions, slow.mentions, "{bare:?} {text:?}");
                found += fast.mentions.len();
            }
        }
        assert_eq!(hinted, 4, "the last pattern has a word boundary of its own");
        assert!(found > 4000, "{found} ids found");
    }

    #[test]
    fn fields_are_read_as_the_pattern_reads_them() {
        // The pattern `field_match` reads by hand.
        let re =
            Regex::new(r"^\s*(?:[-*+]\s+)?(\*\*)([^*:]+?)\s*(?::\s*\*\*|\*\*\s*:)\s*").unwrap();
        let lines = crate::text::combinations(&[
            &[
                "",
                " ",
                "\t ",
                "- ",
                "-",
                "*  ",
                "*",
                "+\t",
                "1. ",
                "\u{a0}",
                "-\u{2003}",
            ],
            &["**", "*", "", "***", "** "],
            &[
                "Owner",
                " Owner",
                "Owner ",
                "Def of  Done",
                " ",
                "  ",
                "",
                "Own*er",
                "Ow:ner",
                "Ünï",
                "a\u{2003}",
            ],
            &[
                ":**", ": **", "**:", "** :", ":", "**", ":*", "*:", " :**", ":\t**", "::**",
                "** **:",
            ],
            &["", " ", " value", "  value ", "\tv", "**x**", "\u{a0}é"],
        ]);
        let mut matched = 0;
        for line in &lines {
            let want = re.captures(line).map(|c| FieldMatch {
                open: c.get(1).unwrap().start(),
                name: c.get(2).unwrap().as_str(),
                value: c.get(0).unwrap().end(),
            });
            assert_eq!(field_match(line), want, "{line:?}");
            matched += usize::from(want.is_some());
        }
        assert!(matched > 1000, "{matched} of {} lines matched", lines.len());
    }

    #[test]
    fn plain_timeline_entries_are_read_as_the_pattern_reads_them() {
        let lines = crate::text::combinations(&[
            &["- ", "* ", "+ ", "-  ", "1. ", "| ", "", " - ", "-\t"],
            &[
                "",
                "2024-03-15 ",
                "2024-3-15 ",
                "2024-03-15T",
                "2024-03-15  ",
                "２０２４-03-15 ",
                "**2024-03-15** ",
            ],
            &[
                "14:23", "00:00", "23:59", "99:99", "4:05", "14:23:07", "14:2", "١٤:23", "`14:23`",
            ],
            &["", " ", "  ", "\t", ":", " -", "Z", "**"],
            &[
                "", "Deploy", "apple", "Pager", "pm", "UTC x", "5 pods", "x", "Übel", "é", "- x",
                "| x", "Zed", "utc", "Rollback", "1", "b", "GMT x", "Go",
            ],
        ]);
        let re = timeline_re();
        let mut plain = 0;
        for line in &lines {
            let want = re.captures(line).map(|c| TimelineMatch {
                date: c.get(1).map(|m| m.range()),
                time: c.get(2).unwrap().range(),
                meridiem: c.get(3).map(|m| m.range()),
                zone: c.get(4).or(c.get(5)).or(c.get(6)).map(|m| m.range()),
                end: c.get(0).unwrap().end(),
            });
            assert_eq!(timeline_match(line), want, "{line:?}");
            if let Some(m) = plain_timeline_entry(line) {
                assert_eq!(Some(m), want, "{line:?}");
                plain += 1;
            }
        }
        assert!(plain > 100, "{plain} of {} lines read by hand", lines.len());
    }

    #[test]
    fn timeline_entries_in_lists_tables_and_emphasis() {
        let r = body(concat!(
            "## Timeline\n",
            "| Time | Event |\n|---|---|\n",
            "| 14:23 | Deploy begins |\n",
            "| 2024-03-15 | 14:25 | Second cell form |\n",
            "- **14:27 UTC** Alert fires\n",
            "- `14:28` Acknowledged\n",
            "1. [14:30] Rollback\n",
            "* 2024-03-16T00:10Z Next day\n",
            "- 12:15 a.m. Quiet\n",
            "- 1:05 PM Afternoon\n",
            "- 12:30pm: Lunch\n",
            "- 12:35 GMT Written in GMT\n",
            "Plain 14:40 in prose is not an entry\n",
        ));
        let got: Vec<_> = r
            .timeline
            .iter()
            .map(|e| {
                (
                    e.date.as_deref(),
                    e.time.as_str(),
                    e.zone.as_deref(),
                    e.text.as_str(),
                    e.col,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (None, "14:23", None, "Deploy begins", 3),
                (Some("2024-03-15"), "14:25", None, "Second cell form", 3),
                (None, "14:27", Some("UTC"), "Alert fires", 5),
                (None, "14:28", None, "Acknowledged", 4),
                (None, "14:30", None, "Rollback", 5),
                (Some("2024-03-16"), "00:10", Some("Z"), "Next day", 3),
                (None, "00:15", None, "Quiet", 3),
                (None, "13:05", None, "Afternoon", 3),
                (None, "12:30", None, "Lunch", 3),
                (None, "12:35", Some("GMT"), "Written in GMT", 3),
            ]
        );
    }

    #[test]
    fn section_titles_compare_loosely_and_duplicated_action_sections_hold_items() {
        let r = body(
            "## action items:\n### Action Item: A\n**Owner:** x\n## Action Items\n### Action Item: B\n",
        );
        assert!(r.section("Action Items").is_some());
        assert_eq!(r.actions.len(), 2);
        assert!(r.misplaced_actions.is_empty());
        assert_eq!(section_key("  What  Went well : "), "what went well");
        assert_eq!(section_key("Timeline (all times UTC):"), "timeline");
        assert_eq!(section_key("(Draft)"), "(draft)");
    }

    #[test]
    fn thematic_breaks_are_three_of_one_mark() {
        // The first form, which collected the marks after the first into a list.
        let by_list = |line: &str| {
            let mut chars = line.trim().chars().filter(|c| !c.is_whitespace());
            match chars.next() {
                Some(c @ ('-' | '*' | '_')) => {
                    let rest: Vec<char> = chars.collect();
                    rest.len() >= 2 && rest.iter().all(|&x| x == c)
                }
                _ => false,
            }
        };
        let pieces = ["", " ", "-", "*", "_", "a", "\t", "\u{a0}", "é"];
        let mut lines = vec![String::new()];
        for _ in 0..4 {
            lines = lines
                .iter()
                .flat_map(|l| pieces.iter().map(move |p| format!("{l}{p}")))
                .collect();
        }
        for line in &lines {
            assert_eq!(is_thematic_break(line), by_list(line), "{line:?}");
        }
        assert!(is_thematic_break(" - - -"));
        assert!(!is_thematic_break("--"));
    }

    #[test]
    fn section_keys_are_the_words_joined_and_lowercased() {
        let titles = [
            "Timeline",
            "timeline:",
            " Time  line ",
            "Timeline (UTC)",
            "(Timeline)",
            "Action Items",
            "action  ITEMS :",
            "Actions Items",
            "Action",
            "",
            " : ",
            "Zeitleiste",
            "TİMELINE",
            "Σ Timeline",
            "σ timeline",
            "Timeline\u{a0}x",
            "timeline x",
            "Timeline x",
            "Time\tline",
            "Timeline\u{b}x",
            "Timeline)",
            "Contributing Factors",
            "2. Action Items",
            "3) Timeline",
            "4.1 Summary",
            "5 Whys",
            "1.",
            "2024 in review",
        ];
        assert_eq!(section_key("2. Action Items"), "action items");
        assert_eq!(section_key("3) Timeline"), "timeline");
        assert_eq!(section_key("4.1 Summary:"), "summary");
        // A number alone is the title, and so is one with no `.` or `)`.
        assert_eq!(section_key("1."), "1.");
        assert_eq!(section_key("5 Whys"), "5 whys");
        assert_eq!(section_key("2.x Summary"), "2.x summary");
        for t in titles {
            let plain = key_words(t).collect::<Vec<_>>().join(" ").to_lowercase();
            assert_eq!(section_key(t), plain, "{t:?}");
            // A name of the key's form finds the sections its key finds.
            if is_key_form(t) {
                for other in titles {
                    let key = section_key(other);
                    assert_eq!(
                        key.eq_ignore_ascii_case(t),
                        key == section_key(t),
                        "{t:?} {other:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn ids_are_guessed_from_broken_front_matter() {
        assert_eq!(
            guess_id(b"---\ntitle: [x\nid: \"INC-2024-001\" # c\n---\n").as_deref(),
            Some("INC-2024-001")
        );
        assert_eq!(guess_id(b"---\ntitle: x\n---\nid: INC-1\n"), None);
        // Front matter that lost its opening `---`: its lines up to the first `---` or empty
        // line; not the text of a file without front matter.
        assert_eq!(guess_id(b"id: INC-1\n").as_deref(), Some("INC-1"));
        assert_eq!(
            guess_id(b"title: x\nid: INC-2\n---\n").as_deref(),
            Some("INC-2")
        );
        assert_eq!(guess_id(b"# Notes\n\nid: INC-3\n"), None);
    }

    #[test]
    fn links_of_raw_html_are_found_in_tags_outside_comments() {
        let mut links = Vec::new();
        let mut state = HtmlScan::default();
        let html = "<p>é href=\"text/\" <img SRC='a.png'> <a\nhref=b/>x</a> <a data-src=\"no\" href = \"c&amp;d\">é</a> <!-- <a href=\"old/\">";
        raw_html_links(html, html, 10, &mut state, &mut links);
        assert!(state.in_comment);
        raw_html_links(
            "--> <a href=\"e/\">",
            "--> <a href=\"e/\">",
            200,
            &mut state,
            &mut links,
        );
        // A tag over two lines of an HTML block (two events); its `<img` is in the first, so
        // the value is not known as an image's (which only changes the hint of a miss).
        raw_html_links("<img alt=x", "<img alt=x", 300, &mut state, &mut links);
        raw_html_links(" src=f.png>", " src=f.png>", 400, &mut state, &mut links);
        let at = |v: &str| 10 + html.find(v).unwrap();
        assert_eq!(
            links,
            vec![
                ("a.png".to_string(), true, true, at("a.png")),
                ("b/".to_string(), false, true, at("b/>")),
                ("c&d".to_string(), false, true, at("c&amp;d")),
                ("e/".to_string(), false, true, 200 + 13),
                ("f.png".to_string(), false, true, 400 + 5),
            ]
        );
    }

    #[test]
    fn ids_are_taken_from_file_names_that_match_the_pattern() {
        let pattern = Regex::new(r"^INC-\d{4}-\d{3,}$").unwrap();
        assert_eq!(
            id_from_name(Path::new("a/INC-2024-042.md"), &pattern).as_deref(),
            Some("INC-2024-042")
        );
        assert_eq!(id_from_name(Path::new("a/notes.md"), &pattern), None);
    }
}
