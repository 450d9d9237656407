//! Diagnostics: what is wrong, where, and how to fix it.
//!
//! Every stage that finds a problem in the user's input (config, load, validate, lint, link
//! check) reports a [`Diagnostic`]: a file relative to the site root, a 1-based line and column,
//! a level, a message, an optional hint and an optional rule id. This module owns their order
//! and their three printed forms: one-line human (`path:line:col: error: message`), GitHub
//! workflow annotations, and a JSON array.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Fails `check` and stops `build`.
    Error,
    /// Printed; fails only with `--deny-warnings`.
    Warning,
}

impl Level {
    /// The word printed in diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One finding about the user's input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators.
    pub path: String,
    /// 1-based line; 0 when the finding concerns the whole file.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
    /// Error or warning.
    pub level: Level,
    /// Stable rule id for lints (`vague-action`, ...); `None` for format rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Cow<'static, str>>,
    /// What is wrong, in one line.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<Cow<'static, str>>,
    /// The file is there, but the system would not or could not read it (permissions, a
    /// failing disk): `check` and `build` exit with 2, an I/O error, rather than 1. Not
    /// printed: the message says what happened.
    #[serde(skip)]
    pub io: bool,
    /// The finding is about a path in the content folder that the walk skipped rather than
    /// read as a report, whatever its name ends in (a symbolic link that leads out of the
    /// folder, a name that is not UTF-8): the summary counts it among the other files, never
    /// among the reports. Not printed.
    #[serde(skip)]
    pub other_file: bool,
}

impl Diagnostic {
    /// An error at `path:line:col`.
    pub fn error(
        path: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line,
            col,
            level: Level::Error,
            rule: None,
            message: message.into(),
            hint: None,
            io: false,
            other_file: false,
        }
    }

    /// A warning at `path:line:col`.
    pub fn warning(
        path: impl Into<String>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    /// Adds a hint. A hint written once in the code (`&'static str`) is kept without a copy:
    /// the lints give the same hint with every finding of a rule.
    pub fn with_hint(mut self, hint: impl Into<Cow<'static, str>>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Marks a finding about a file that could not be read as an I/O error
    /// ([`Diagnostic::io`]) when `cause` lies outside the site: not for a symbolic link to
    /// nothing or one that leads back to itself, nor for bytes that are not UTF-8, which the
    /// site's author fixes in the site.
    pub fn with_io_cause(mut self, cause: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        let link_loop = cause.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error());
        self.io =
            !(link_loop || matches!(cause.kind(), ErrorKind::NotFound | ErrorKind::InvalidData));
        self
    }

    /// Marks a finding about a path the walk skipped ([`Diagnostic::other_file`]), which the
    /// summary never counts as a report.
    pub fn in_other_file(mut self) -> Self {
        self.other_file = true;
        self
    }

    /// Names the lint rule that produced this finding.
    pub fn with_rule(mut self, rule: impl Into<Cow<'static, str>>) -> Self {
        self.rule = Some(rule.into());
        self
    }

    /// `path:line:col: level: message [rule]` and the indented hint, as `check` prints it.
    pub fn to_human(&self) -> String {
        let mut out = Vec::new();
        // Writing to memory does not fail.
        let _ = self.write_human(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes [`Diagnostic::to_human`] to `out`. The finding is one line and its hint
    /// another, whatever they hold: line breaks and other control characters in the path,
    /// the message or the hint are written as escapes ([`one_line`]).
    pub fn write_human(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        write!(
            out,
            "{}:{}:{}: {}: {}",
            one_line(&self.path),
            self.line.max(1),
            self.col.max(1),
            self.level.as_str(),
            one_line(&self.message)
        )?;
        if let Some(rule) = &self.rule {
            write!(out, " [{rule}]")?;
        }
        if let Some(hint) = &self.hint {
            out.write_all(b"\n    hint: ")?;
            out.write_all(one_line(hint).as_bytes())?;
        }
        Ok(())
    }

    /// A GitHub Actions workflow command (`::error file=…,line=…,col=…::message`), on one
    /// line: the hint follows the message after an escaped line break (`%0A`), and line
    /// breaks inside the message or the hint are written as escapes ([`one_line`]), as in
    /// the human form. A lint's rule id is the annotation's title (GitHub shows it above the
    /// message), not repeated in the message.
    pub fn to_github(&self) -> String {
        let mut message = one_line(&self.message).into_owned();
        if let Some(hint) = &self.hint {
            let _ = write!(message, "\nhint: {}", one_line(hint));
        }
        let mut props = format!("file={}", escape_property(&self.path));
        if self.line > 0 {
            let _ = write!(props, ",line={},col={}", self.line, self.col.max(1));
        }
        if let Some(rule) = &self.rule {
            let _ = write!(props, ",title={}", escape_property(rule));
        }
        format!(
            "::{} {}::{}",
            self.level.as_str(),
            props,
            escape_data(&message)
        )
    }
}

/// `s` on one line, as the human and GitHub forms print text: each line break and other
/// control character but the tab (and the Unicode line and paragraph separators) written as
/// its Rust escape (`\n`, `\r`, `\u{1b}`). Borrowed when there is none, as nearly always.
pub fn one_line(s: &str) -> Cow<'_, str> {
    let breaks = |c: char| (c.is_control() && c != '\t') || c == '\u{2028}' || c == '\u{2029}';
    // ASCII controls, and the lead bytes of U+0080-U+009F and of U+2028/U+2029.
    if !s
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f || b == 0xc2 || b == 0xe2)
        || !s.chars().any(breaks)
    {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if breaks(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Output form of `check` (and of `build`'s diagnostics).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// `path:line:col: level: message`, hint indented below, a summary line at the end.
    #[default]
    Human,
    /// A JSON array of diagnostics on stdout.
    Json,
    /// GitHub Actions workflow annotations.
    Github,
}

/// All findings of one run, kept sorted by file, line and column.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one finding.
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Adds many findings.
    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Sorts by path, line, column, then level and message, and drops exact duplicates.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.level, &a.message)
                .cmp(&(&b.path, b.line, b.col, b.level, &b.message))
        });
        self.items.dedup();
    }

    /// The findings, in order.
    pub fn items(&self) -> &[Diagnostic] {
        &self.items
    }

    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.level == Level::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.items
            .iter()
            .filter(|d| d.level == Level::Warning)
            .count()
    }

    /// True when there is at least one error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.level == Level::Error)
    }

    /// True when a file could not be read for a reason outside the site ([`Diagnostic::io`]).
    pub fn has_io_errors(&self) -> bool {
        self.items.iter().any(|d| d.io)
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// "3 errors, 1 warning in 2 of 40 reports". Findings in files that are not reports
    /// (site.toml, a template, a link in the content folder) are named or counted apart:
    /// "1 error, 0 warnings in site.toml". A report is a path ending in `.md` whose findings
    /// are not about a path the walk skipped ([`Diagnostic::other_file`]: a link leading out
    /// of the content folder, `x.md`, is an other file), so that with `reports` the number of
    /// reports walked, "N of M" never has N above M.
    pub fn summary(&self, reports: usize) -> String {
        // (path, whether it is an other file), one per path: `false` sorts first, so a path
        // with any finding about it as a report is a report.
        let mut files: Vec<(&str, bool)> = self
            .items
            .iter()
            .map(|d| (d.path.as_str(), d.other_file || !d.path.ends_with(".md")))
            .collect();
        files.sort_unstable();
        files.dedup_by_key(|(p, _)| *p);
        let in_reports = files.iter().filter(|(_, other)| !other).count();
        let others: Vec<&str> = files
            .iter()
            .filter(|(_, other)| *other)
            .map(|(p, _)| *p)
            .collect();
        let mut place = Vec::new();
        if in_reports > 0 || others.is_empty() {
            place.push(format!(
                "{} of {} {}",
                in_reports,
                reports,
                plural(reports, "report", "reports")
            ));
        }
        match others.as_slice() {
            [] => {}
            [one] => place.push(one.to_string()),
            many => place.push(format!("{} other files", many.len())),
        }
        let (e, w) = (self.errors(), self.warnings());
        if e == 0 && w == 0 {
            return format!(
                "no problems in {} {}",
                reports,
                plural(reports, "report", "reports")
            );
        }
        format!(
            "{} {}, {} {} in {}",
            e,
            plural(e, "error", "errors"),
            w,
            plural(w, "warning", "warnings"),
            place.join(" and ")
        )
    }

    /// Renders every finding in `format`; human form ends with the summary line.
    pub fn render(&self, format: Format, reports: usize) -> String {
        let mut out = Vec::new();
        // Writing to memory does not fail, and findings (strings and numbers) always
        // serialise.
        let _ = self.write(format, reports, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// Writes [`Diagnostics::render`] to `out`, finding by finding (`check` prints tens of
    /// thousands of them).
    pub fn write(
        &self,
        format: Format,
        reports: usize,
        out: &mut impl std::io::Write,
    ) -> std::io::Result<()> {
        match format {
            Format::Human => {
                for d in &self.items {
                    d.write_human(out)?;
                    out.write_all(b"\n")?;
                }
                writeln!(out, "{}", self.summary(reports))
            }
            Format::Github => {
                for d in &self.items {
                    writeln!(out, "{}", d.to_github())?;
                }
                Ok(())
            }
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, &self.items)?;
                out.write_all(b"\n")
            }
        }
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// `one` when `n` is 1, else `many`.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_causes_outside_the_site_are_io_errors() {
        use std::io::{Error, ErrorKind};
        let read =
            |cause: Error| Diagnostic::error("a.md", 0, 0, "cannot read").with_io_cause(&cause);
        assert!(read(Error::from(ErrorKind::PermissionDenied)).io);
        assert!(read(Error::other("disk")).io);
        // A link to nothing, a link to itself, bytes that are not UTF-8: the site's to fix.
        assert!(!read(Error::from(ErrorKind::NotFound)).io);
        assert!(
            !read(Error::from_raw_os_error(
                rustix::io::Errno::LOOP.raw_os_error()
            ))
            .io
        );
        assert!(!read(Error::from(ErrorKind::InvalidData)).io);
        let mut ds = Diagnostics::new();
        ds.push(read(Error::from(ErrorKind::NotFound)));
        assert!(ds.has_errors() && !ds.has_io_errors());
        ds.push(read(Error::from(ErrorKind::PermissionDenied)));
        assert!(ds.has_io_errors());
    }

    #[test]
    fn human_form_has_path_line_col_and_hint() {
        let d = Diagnostic::error("content/a.md", 3, 5, "bad date").with_hint("use 2024-03-30");
        assert_eq!(
            d.to_human(),
            "content/a.md:3:5: error: bad date\n    hint: use 2024-03-30"
        );
    }

    #[test]
    fn github_form_escapes_data_and_properties() {
        let d = Diagnostic::warning("a,b:c.md", 2, 1, "50% done");
        assert_eq!(
            d.to_github(),
            "::warning file=a%2Cb%3Ac.md,line=2,col=1::50%25 done"
        );
    }

    #[test]
    fn line_breaks_in_a_finding_never_start_a_line() {
        let d = Diagnostic::error(
            "content/a\nb.md",
            3,
            5,
            "link target `x\ny` does not exist\r\nerror: not a finding",
        )
        .with_hint("it resolves to `a\nb`\u{2028}\u{85}\u{1b}[31m\tend")
        .with_rule("r");
        assert_eq!(
            d.to_human(),
            "content/a\\nb.md:3:5: error: link target `x\\ny` does not exist\\r\\nerror: not a finding [r]\n    hint: it resolves to `a\\nb`\\u{2028}\\u{85}\\u{1b}[31m\tend"
        );
        assert_eq!(
            d.to_github(),
            "::error file=content/a%0Ab.md,line=3,col=5,title=r::link target `x\\ny` does not exist\\r\\nerror: not a finding%0Ahint: it resolves to `a\\nb`\\u{2028}\\u{85}\\u{1b}[31m\tend"
        );
        let mut ds = Diagnostics::new();
        ds.push(d.clone());
        for format in [Format::Human, Format::Github] {
            let out = ds.render(format, 1);
            let lines = out.lines().count();
            assert_eq!(lines, if format == Format::Human { 3 } else { 1 }, "{out}");
        }
        // JSON keeps the text as it is, escaped by JSON.
        let json: serde_json::Value = serde_json::from_str(&ds.render(Format::Json, 1)).unwrap();
        assert_eq!(json[0]["message"], d.message.as_str());
        // Text without control characters is borrowed, not copied.
        for plain in ["café — ok", "tab\there", "\u{2027}\u{a0}"] {
            assert!(matches!(one_line(plain), Cow::Borrowed(_)), "{plain:?}");
        }
    }

    #[test]
    fn summary_counts_files() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("a.md", 1, 1, "x"));
        ds.push(Diagnostic::error("a.md", 2, 1, "y"));
        ds.push(Diagnostic::warning("b.md", 1, 1, "z"));
        assert_eq!(ds.summary(40), "2 errors, 1 warning in 2 of 40 reports");
        ds.push(Diagnostic::error("site.toml", 1, 1, "x"));
        assert_eq!(
            ds.summary(40),
            "3 errors, 1 warning in 2 of 40 reports and site.toml"
        );
        ds.push(Diagnostic::warning("content/link", 0, 0, "x"));
        assert_eq!(
            ds.summary(2),
            "3 errors, 2 warnings in 2 of 2 reports and 2 other files"
        );
        // A link skipped by the walk is an other file, whatever its name ends in.
        ds.push(Diagnostic::warning("content/out.md", 0, 0, "x").in_other_file());
        assert_eq!(
            ds.summary(2),
            "3 errors, 3 warnings in 2 of 2 reports and 3 other files"
        );
        let mut skipped = Diagnostics::new();
        skipped.push(Diagnostic::warning("content/out.md", 0, 0, "x").in_other_file());
        assert_eq!(skipped.summary(2), "0 errors, 1 warning in content/out.md");
        let mut only = Diagnostics::new();
        only.push(Diagnostic::error("site.toml", 2, 1, "x"));
        assert_eq!(only.summary(0), "1 error, 0 warnings in site.toml");
    }
}
