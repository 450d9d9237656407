//! The theme: Tera templates and static files, embedded in the binary from the repository's
//! `theme/` folder; a file of the same name in the site's `theme_dir` replaces the embedded one,
//! and files only the site has are added.

use crate::diagnostics::Diagnostic;
use crate::load::rel_path;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/theme");

/// Output size from which [`Theme::render`] reserves room up front.
const MIN_RESERVED: usize = 64 * 1024;

/// Where a theme file came from (for error messages).
#[derive(Debug, Clone)]
pub enum Origin {
    /// Built into pirsite.
    Embedded,
    /// The site's own file, relative to the site root.
    Site(String),
}

/// Loaded theme: templates compiled, static files in memory.
pub struct Theme {
    /// Compiled templates.
    pub tera: tera::Tera,
    /// Static files, output path → bytes (written at the output root).
    pub statics: BTreeMap<String, Vec<u8>>,
    /// Hash of every template and static file, names included: equal for two loads of the
    /// same theme.
    pub fingerprint: u64,
    origins: BTreeMap<String, Origin>,
}

/// Files of one theme folder: name relative to the folder → (bytes, origin). Files whose name
/// `skip` returns true for are left out.
fn collect(
    files: &mut BTreeMap<String, (Vec<u8>, Origin)>,
    root: &Path,
    dir: &Path,
    skip: fn(&str) -> bool,
) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|e| {
            let d = Diagnostic::error(rel_path(root, dir), 0, 0, format!("cannot read theme: {e}"));
            match e.io_error() {
                Some(cause) => d.with_io_cause(cause),
                None => d,
            }
        })?;
        if !entry.file_type().is_file() || skip(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let name = rel_path(dir, entry.path());
        let bytes = std::fs::read(entry.path()).map_err(|e| {
            Diagnostic::error(
                rel_path(root, entry.path()),
                0,
                0,
                format!("cannot read theme file: {e}"),
            )
            .with_io_cause(&e)
        })?;
        files.insert(name, (bytes, Origin::Site(rel_path(root, entry.path()))));
    }
    Ok(())
}

/// Problems of the site's theme folder that would make its overrides do nothing, without a
/// word otherwise: a `theme_dir` set in site.toml that does not exist (an error), and files
/// at the top of the folder named as a template (`incident.html`, the `partials/` folder) or a
/// static file (`style.css`) of the theme, which are read only under `templates/` and
/// `static/` (a warning each). Other files there (a README, a licence) are left alone.
pub fn folder_problems(root: &Path, theme_dir: &Path) -> Vec<Diagnostic> {
    let dir = root.join(theme_dir);
    let shown = theme_dir.display().to_string();
    if !dir.is_dir() {
        if theme_dir == Path::new("theme") {
            return Vec::new();
        }
        let line = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
            .map_or(0, |text| crate::config::find_key_line(&text, "theme_dir"));
        return vec![
            Diagnostic::error(
                crate::config::CONFIG_FILE,
                line,
                1,
                format!("theme folder `{shown}` does not exist"),
            )
            .with_hint(format!(
                "create it with the files to override (`{shown}/templates/`, `{shown}/static/`), or remove `theme_dir` to use the built-in theme"
            )),
        ];
    }
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut names: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path().is_dir())))
        .collect();
    names.sort();
    names
        .into_iter()
        .filter_map(|(name, is_dir)| {
            let kind = if is_dir {
                EMBEDDED
                    .get_dir(format!("templates/{name}"))
                    .map(|_| "templates")
            } else if EMBEDDED.get_file(format!("templates/{name}")).is_some() {
                Some("templates")
            } else {
                EMBEDDED
                    .get_file(format!("static/{name}"))
                    .map(|_| "static")
            }?;
            let slash = if is_dir { "/" } else { "" };
            let what = if kind == "templates" {
                "templates"
            } else {
                "static files"
            };
            Some(
                Diagnostic::warning(
                    rel_path(root, &dir.join(&name)) + slash,
                    0,
                    0,
                    format!("not used: {what} are read from `{shown}/{kind}/`"),
                )
                .with_hint(format!("move it to `{shown}/{kind}/{name}{slash}`")),
            )
        })
        .collect()
}

fn embedded(sub: &str) -> BTreeMap<String, (Vec<u8>, Origin)> {
    let mut out = BTreeMap::new();
    fn walk(dir: &Dir<'static>, prefix: &str, out: &mut BTreeMap<String, (Vec<u8>, Origin)>) {
        for f in dir.files() {
            let name = f.path().strip_prefix(prefix).unwrap_or(f.path());
            out.insert(
                name.to_string_lossy().replace('\\', "/"),
                (f.contents().to_vec(), Origin::Embedded),
            );
        }
        for d in dir.dirs() {
            walk(d, prefix, out);
        }
    }
    if let Some(dir) = EMBEDDED.get_dir(sub) {
        walk(dir, sub, &mut out);
    }
    out
}

impl Theme {
    /// Loads the embedded theme with the overrides of `<root>/<theme_dir>`.
    pub fn load(root: &Path, theme_dir: &Path) -> Result<Theme, Diagnostic> {
        let site_theme: PathBuf = root.join(theme_dir);
        let mut templates = embedded("templates");
        collect(
            &mut templates,
            root,
            &site_theme.join("templates"),
            crate::load::is_editor_file,
        )?;
        // A host's dot-file (`.nojekyll`, `.htaccess`) is a static file like any other.
        let mut statics = embedded("static");
        collect(
            &mut statics,
            root,
            &site_theme.join("static"),
            crate::load::is_editor_temp,
        )?;

        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".xml", ".json"]);
        tera.set_escape_fn(escape);
        let mut origins = BTreeMap::new();
        let mut sources = Vec::new();
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            for (name, (bytes, _)) in templates.iter().chain(statics.iter()) {
                (name, bytes).hash(&mut h);
            }
            h.finish()
        };
        for (name, (bytes, origin)) in templates {
            let text = String::from_utf8(bytes).map_err(|_| {
                Diagnostic::error(
                    origin_path(&origin, &name),
                    0,
                    0,
                    "template is not valid UTF-8",
                )
            })?;
            origins.insert(name.clone(), origin);
            sources.push((name, text));
        }
        // What each template extends, to name the parent a block went missing from.
        let parents: BTreeMap<String, String> = sources
            .iter()
            .filter_map(|(name, text)| Some((name.clone(), extended(text)?)))
            .collect();
        tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| {
                let d = template_error(&e, &origins);
                let d = missing_block(d, &e, &parents, &origins);
                unclosed_tag(d, &e, &sources, &origins)
            })?;
        Ok(Theme {
            tera,
            statics: statics.into_iter().map(|(k, (v, _))| (k, v)).collect(),
            fingerprint,
            origins,
        })
    }

    /// Whether the site overrides any template: only then can a template fail at render time,
    /// since the embedded ones are tested with pirsite.
    pub fn overrides_templates(&self) -> bool {
        self.origins.values().any(|o| matches!(o, Origin::Site(_)))
    }

    /// Renders template `name` with `context`, into room for `capacity` bytes when that is
    /// more than Tera would start with.
    pub fn render(
        &self,
        name: &str,
        context: &tera::Context,
        capacity: usize,
    ) -> Result<String, Diagnostic> {
        let error = |e: tera::Error| template_error(&e, &self.origins);
        if capacity < MIN_RESERVED {
            return self.tera.render(name, context).map_err(error);
        }
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(name, context, &mut out)
            .map_err(error)?;
        String::from_utf8(out)
            .map_err(|e| Diagnostic::error("(theme)", 0, 0, format!("template error: {e}")))
    }
}

/// Tera's escaping of the values templates show, after leaving out the code points a page may
/// not hold ([`crate::text::without_forbidden`]): a title pasted from a terminal, or written
/// with YAML's `\e` or `\0`, is then valid HTML like the rest of the page.
fn escape(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    tera::escape_html(&crate::text::without_forbidden(input), out)
}

fn origin_path(origin: &Origin, name: &str) -> String {
    match origin {
        Origin::Embedded => format!("(embedded theme)/templates/{name}"),
        Origin::Site(p) => p.clone(),
    }
}

/// A template error as a diagnostic at the template's file, line and column.
fn template_error(e: &tera::Error, origins: &BTreeMap<String, Origin>) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => {
            let path = origins
                .get(r.filename())
                .map(|o| origin_path(o, r.filename()))
                .unwrap_or_else(|| r.filename().to_string());
            Diagnostic::error(
                path,
                r.span().start_line,
                r.span().start_col + 1,
                format!("template error: {}", r.message()),
            )
        }
        // Unknown filters, tests and functions (and blocks no parent has) come as a message
        // holding Tera's reports, one per place, each with a `--> name:line:col` line: the
        // first report gives the place and the message, and the others are counted.
        tera::ErrorKind::Msg(m) => match first_report(m) {
            Some((name, line, col, message, more)) => {
                let path = origins
                    .get(name)
                    .map(|o| origin_path(o, name))
                    .unwrap_or_else(|| name.to_string());
                let more = match more {
                    0 => String::new(),
                    n => format!(" (and {n} more like it)"),
                };
                Diagnostic::error(path, line, col, format!("template error: {message}{more}"))
            }
            None => Diagnostic::error("(theme)", 0, 0, format!("template error: {m}")),
        },
        tera::ErrorKind::MissingParent { current, .. }
        | tera::ErrorKind::CircularExtend { tpl: current, .. }
        | tera::ErrorKind::CircularInclude { tpl: current, .. } => {
            let path = origins
                .get(current.as_str())
                .map(|o| origin_path(o, current))
                .unwrap_or_else(|| current.clone());
            Diagnostic::error(path, 0, 0, format!("template error: {}", e.kind()))
        }
        other => Diagnostic::error("(theme)", 0, 0, format!("template error: {other}")),
    }
}

/// The template `text` extends (`{% extends "base.html" %}` at its start), if any.
fn extended(text: &str) -> Option<String> {
    static EXTENDS: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = EXTENDS.get_or_init(|| {
        regex::Regex::new(r#"^\s*(?:\{#[\s\S]*?#\}\s*)*\{%-?\s*extends\s+"([^"]+)"\s*-?%\}"#)
            .expect("a valid pattern")
    });
    re.captures(text).map(|c| c[1].to_string())
}

/// Tera reports a block that no parent defines at the template that fills it: when the
/// parent that lost it is the site's own (an override of `base.html` without its
/// `{% block content %}`), the finding is that file's, which the author changed; the
/// templates that fill it, the embedded ones most often, are only where it shows.
fn missing_block(
    d: Diagnostic,
    e: &tera::Error,
    parents: &BTreeMap<String, String>,
    origins: &BTreeMap<String, Origin>,
) -> Diagnostic {
    let tera::ErrorKind::Msg(m) = e.kind() else {
        return d;
    };
    let Some((child, _, _, message, more)) = first_report(m) else {
        return d;
    };
    let Some(block) = message
        .strip_prefix("Block `")
        .and_then(|rest| rest.strip_suffix("` is not defined in any parent template"))
    else {
        return d;
    };
    // The nearest ancestor the site overrides.
    let mut at = child;
    let mut seen = 0;
    while let Some(parent) = parents.get(at) {
        seen += 1;
        if seen > parents.len() {
            break;
        }
        if let Some(Origin::Site(path)) = origins.get(parent.as_str()) {
            let others = match more {
                0 => String::new(),
                1 => " and 1 more template".to_string(),
                n => format!(" and {n} more templates"),
            };
            return Diagnostic::error(
                path.clone(),
                0,
                0,
                format!(
                    "template error: `{parent}` defines no block `{block}`, which `{child}`{others} extending it fill"
                ),
            )
            .with_hint(format!(
                "put `{{% block {block} %}}{{% endblock %}}` back in {path}, where the page's content goes"
            ));
        }
        at = parent;
    }
    d
}

/// Tera reports a tag left open (`{% if %}` without its `{% endif %}`) or closed twice as an
/// "Unknown tag" where its parser gave up: often the `{% endblock %}` at the end of the file.
/// When the template Tera names has such a tag ([`unbalanced`]), the finding is at it instead.
fn unclosed_tag(
    d: Diagnostic,
    e: &tera::Error,
    sources: &[(String, String)],
    origins: &BTreeMap<String, Origin>,
) -> Diagnostic {
    let tera::ErrorKind::SyntaxError(r) = e.kind() else {
        return d;
    };
    if r.message() != "Unknown tag" {
        return d;
    }
    let Some((_, text)) = sources.iter().find(|(n, _)| n == r.filename()) else {
        return d;
    };
    let Some(found) = unbalanced(text) else {
        return d;
    };
    Diagnostic::error(
        origins.get(r.filename()).map_or_else(
            || r.filename().to_string(),
            |o| origin_path(o, r.filename()),
        ),
        found.line,
        found.col,
        format!("template error: {}", found.message),
    )
    .with_hint(found.hint)
}

/// A tag of a template that is not closed, or that closes nothing.
#[derive(Debug, PartialEq, Eq)]
struct Unbalanced {
    line: usize,
    col: usize,
    message: String,
    hint: String,
}

/// The first tag of `text` that opens a body (`if`, `for`, `block`, `macro`, `filter`) never
/// closed, or that closes one (`endif`, ...) none opened, if any. Comments and the inside of
/// `{% raw %}` are skipped.
fn unbalanced(text: &str) -> Option<Unbalanced> {
    const BODIES: [&str; 5] = ["if", "for", "block", "macro", "filter"];
    let place = |at: usize| {
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let col = before[before.rfind('\n').map_or(0, |n| n + 1)..]
            .chars()
            .count()
            + 1;
        (line, col)
    };
    let unclosed = |(kind, at): (&str, usize), before: Option<(&str, usize)>| {
        let (line, col) = place(at);
        let message = match before {
            Some((end, at)) => format!(
                "`{{% {kind} %}}` is not closed: `{{% end{kind} %}}` is missing before the \
                 `{{% {end} %}}` of line {}",
                place(at).0
            ),
            None => format!("`{{% {kind} %}}` is not closed: `{{% end{kind} %}}` is missing"),
        };
        Unbalanced {
            line,
            col,
            message,
            hint: format!("add `{{% end{kind} %}}` where the `{kind}`'s body ends"),
        }
    };
    let mut open: Vec<(&str, usize)> = Vec::new();
    // Inside `{% raw %}`: every tag up to `{% endraw %}` is text.
    let mut raw = false;
    let mut from = 0;
    while let Some(start) = text[from..].find('{').map(|p| from + p) {
        let rest = &text[start..];
        let (close, comment) = match rest.get(..2) {
            Some("{#") => ("#}", true),
            Some("{%") => ("%}", false),
            _ => {
                from = start + 1;
                continue;
            }
        };
        // The tag's inside, without its `-` marks, and where it ends (a tag never closed
        // runs to the end of the text).
        let (inner, end) = match rest[2..].find(close) {
            Some(p) => (&rest[2..2 + p], start + 2 + p + 2),
            None => (&rest[2..], text.len()),
        };
        from = end;
        let word = inner
            .trim_matches('-')
            .split_whitespace()
            .next()
            .unwrap_or("");
        if comment || (raw && word != "endraw") {
            continue;
        }
        match word {
            "raw" => raw = true,
            "endraw" => raw = false,
            _ => {}
        }
        if BODIES.contains(&word) {
            open.push((word, start));
        } else if let Some(kind) = word.strip_prefix("end").filter(|k| BODIES.contains(k)) {
            match open.iter().rposition(|(k, _)| *k == kind) {
                Some(i) if i + 1 == open.len() => {
                    open.pop();
                }
                // A body opened inside this one is not closed.
                Some(_) => return Some(unclosed(*open.last()?, Some((word, start)))),
                None => {
                    let (line, col) = place(start);
                    return Some(Unbalanced {
                        line,
                        col,
                        message: format!("`{{% {word} %}}` closes no `{{% {kind} %}}`"),
                        hint: format!(
                            "remove it, or add the `{{% {kind} ... %}}` it was meant to close"
                        ),
                    });
                }
            }
        }
    }
    // The innermost: the file's last `{% endblock %}` may be missing with it.
    open.last().map(|&o| unclosed(o, None))
}

/// The template name, line, column and message of the first of the reports in a Tera message
/// (`error: <message>` then `  --> <name>:<line>:<col>`), and how many more reports follow.
fn first_report(m: &str) -> Option<(&str, usize, usize, &str, usize)> {
    let mut lines = m.lines();
    let message = lines.next()?.strip_prefix("error: ")?;
    let place = lines.next()?.trim_start().strip_prefix("--> ")?;
    let mut parts = place.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let more = m.lines().filter(|l| l.starts_with("error: ")).count() - 1;
    Some((name, line, col, message, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<(usize, usize, String)> {
        unbalanced(text).map(|u| (u.line, u.col, u.message))
    }

    #[test]
    fn a_tag_left_open_or_closing_nothing_is_found_where_it_is_written() {
        let page = "{% extends \"base.html\" %}\n{% block content %}\n<h1>x</h1>\n";
        assert_eq!(at(&format!("{page}{{% endblock %}}\n")), None);
        assert_eq!(
            at(&format!("{page}  {{% if a %}}oops\n{{% endblock %}}\n")),
            Some((
                4,
                3,
                "`{% if %}` is not closed: `{% endif %}` is missing before the \
                 `{% endblock %}` of line 5"
                    .into()
            ))
        );
        assert_eq!(
            at(&format!("{page}{{%- for x in xs -%}}\n")),
            Some((
                4,
                1,
                "`{% for %}` is not closed: `{% endfor %}` is missing".into()
            ))
        );
        assert_eq!(
            at(&format!("{page}{{% endif %}}\n{{% endblock %}}\n")),
            Some((4, 1, "`{% endif %}` closes no `{% if %}`".into()))
        );
        // Nested and balanced, with comments and raw text that hold tags.
        let fine = "{% if a %}{% for x in y %}{% if b %}{% else %}{% endif %}{% endfor %}\
                    {# {% if %} #}{% raw %}{% endif %}{% endraw %}{% endif %}";
        assert_eq!(at(fine), None);
        assert_eq!(
            at("{% macro m() %}{% endmacro %}{% filter upper %}x{% endfilter %}"),
            None
        );
    }
}
