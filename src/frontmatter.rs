//! Front matter: the YAML between the `---` lines at the top of a report.
//!
//! Every YAML call of the project lives here, so the YAML crate can be swapped in one place.
//! This module turns the text into [`FrontMatter`]: each known key's value as written, with the
//! line and column of that value in the file, plus the unknown keys (warnings later). Type
//! errors (a list where text is expected) become diagnostics here; meaning (is this a real date,
//! a known severity) is checked by `validate`.
//!
//! Front matter in the plain form nearly every report is written in (`key: value` lines of
//! plain or double-quoted strings and bracketed lists) is read by hand, with the same result
//! as the YAML parser and in a fraction of its time; any other form goes to the parser.

use crate::diagnostics::Diagnostic;
use serde_yaml::Value;
use std::borrow::Cow;

/// A value with the 1-based line and column where it is written in the report.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// 1-based line in the file.
    pub line: usize,
    /// 1-based column in the file.
    pub col: usize,
}

/// The keys a report's front matter may have, in the order documented.
pub const KNOWN_KEYS: &[&str] = &[
    "id",
    "title",
    "severity",
    "date",
    "status",
    "started",
    "detected",
    "mitigated",
    "resolved",
    "impact",
    "on_call",
    "review_date",
    "published",
    "services",
    "tags",
    "related",
    "extra",
];

/// The front matter of one report, as written.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct FrontMatter {
    /// `id`.
    pub id: Option<Spanned<String>>,
    /// `title`.
    pub title: Option<Spanned<String>>,
    /// `severity`.
    pub severity: Option<Spanned<String>>,
    /// `date`, not yet checked.
    pub date: Option<Spanned<String>>,
    /// `status`.
    pub status: Option<Spanned<String>>,
    /// `started`.
    pub started: Option<Spanned<String>>,
    /// `detected`.
    pub detected: Option<Spanned<String>>,
    /// `mitigated`.
    pub mitigated: Option<Spanned<String>>,
    /// `resolved`.
    pub resolved: Option<Spanned<String>>,
    /// `impact`.
    pub impact: Option<Spanned<String>>,
    /// `on_call`.
    pub on_call: Option<Spanned<String>>,
    /// `review_date`.
    pub review_date: Option<Spanned<String>>,
    /// `published`.
    pub published: Option<Spanned<String>>,
    /// `services`.
    pub services: Vec<Spanned<String>>,
    /// `tags`.
    pub tags: Vec<Spanned<String>>,
    /// `related`.
    pub related: Vec<Spanned<String>>,
    /// `extra`, free-form, passed to templates.
    #[serde(with = "crate::cache::json_text")]
    pub extra: serde_json::Value,
    /// Keys not in [`KNOWN_KEYS`].
    pub unknown: Vec<Spanned<String>>,
    /// Values of the wrong shape (a list where one value is expected), each at its key's line.
    /// The key is then treated as absent; the rest of the front matter is still read, so every
    /// problem is reported in one run. Also warnings about a value's form that only the
    /// parsed YAML shows (`tags` written as one text with spaces).
    #[serde(with = "crate::cache::findings")]
    pub errors: Vec<Diagnostic>,
}

/// A warning for `tags: database outage`, one text with spaces and no brackets: one tag in
/// YAML, and several to a writer used to sites that split tags at spaces. A list,
/// `[database outage]`, is one tag with a space, and not flagged; nor is a text with a
/// comma, which validation flags on its own.
fn spaced_tags(path: &str, tag: &Spanned<String>) -> Option<Diagnostic> {
    let name = tag.value.trim();
    if !name.contains(char::is_whitespace) || name.contains(',') {
        return None;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    Some(
        Diagnostic::warning(
            path,
            tag.line,
            tag.col,
            format!("`tags` is one tag, `{name}`: spaces do not separate tags"),
        )
        .with_hint(format!(
            "for several tags, write a list: `tags: [{}]`; for one tag, `tags: [{}]`",
            words.join(", "),
            words.join(" ")
        )),
    )
}

/// Parses front-matter `text` that starts on 1-based `first_line` of the file at `path`.
///
/// Only text that is not YAML, or not a mapping, is an `Err`; values of the wrong shape are
/// collected in [`FrontMatter::errors`].
pub fn parse(path: &str, text: &str, first_line: usize) -> Result<FrontMatter, Diagnostic> {
    let map = match plain_entries(text) {
        Some(entries) => entries,
        None => yaml_entries(path, text, first_line)?,
    };
    let locate = Locator::new(text, first_line);
    let mut fm = FrontMatter::default();
    let mut errors = Vec::new();
    for (key, v) in map {
        let at = locate.key_index(&key);
        let (kline, kcol) = locate.key(at);
        let here = |value: String| Spanned {
            value,
            line: kline,
            col: kcol,
        };
        let scalar = |v: Value| -> Result<Spanned<String>, Diagnostic> {
            match scalar_owned(v) {
                Some(s) => {
                    let (line, col) = locate.value(at, &s);
                    Ok(Spanned {
                        value: s,
                        line,
                        col,
                    })
                }
                None => Err(Diagnostic::error(
                    path,
                    kline,
                    kcol,
                    format!("`{key}` must be a single value, not a list or a map"),
                )),
            }
        };
        let list = |v: Value| -> Result<Vec<Spanned<String>>, Diagnostic> {
            let not_names = || {
                Diagnostic::error(
                    path,
                    kline,
                    kcol,
                    format!("`{key}` must be a list of names"),
                )
            };
            let items = match v {
                Value::Null => return Ok(Vec::new()),
                Value::Sequence(items) => items,
                other => vec![other],
            };
            // Each item is looked for after the one before.
            let mut after = None;
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let s = scalar_owned(item).ok_or_else(not_names)?;
                if s.is_empty()
                    && let Some((i, p, comment)) = locate
                        .empty_item(at, after)
                        .or_else(|| locate.quoted_empty(at, after))
                {
                    let (line, col) = (
                        locate.first_line + i,
                        crate::text::char_col(locate.lines[i], p),
                    );
                    if let Some(comment) = comment {
                        return Err(Diagnostic::error(
                            path,
                            line,
                            col,
                            format!("empty name in `{key}`: `{comment}` is a YAML comment"),
                        )
                        .with_hint(format!(
                            "`#` after `- ` starts a comment: write the name without `#`, or in \
                             quotes, `- \"{comment}\"`"
                        )));
                    }
                    after = Some((i, p + 1));
                    out.push(Spanned {
                        value: s,
                        line,
                        col,
                    });
                    continue;
                }
                let (line, col) = match locate.find_after(at, after, &s) {
                    Some((place, next)) => {
                        after = Some(next);
                        place
                    }
                    None if locate.folded(at, &s) => {
                        return Err(Diagnostic::error(
                            path,
                            kline,
                            kcol,
                            format!(
                                "`{key}` reads as one name, `{s}`: YAML joins indented lines to the value above them"
                            ),
                        )
                        .with_hint(format!(
                            "write `{key}:` alone on its line and each name below it as `  - name`, all at \
                             one indent, or `{key}: [a, b]`"
                        )));
                    }
                    None if crate::text::find_forbidden(&s, 0).is_some() => {
                        match locate.quoted_after(at, after, &s) {
                            Some((place, next)) => {
                                after = Some(next);
                                place
                            }
                            None => locate.fallback(at),
                        }
                    }
                    None => locate.fallback(at),
                };
                out.push(Spanned {
                    value: s,
                    line,
                    col,
                });
            }
            Ok(out)
        };
        let result: Result<(), Diagnostic> = (|| {
            match key.as_ref() {
                "id" => fm.id = Some(scalar(v)?),
                "title" => fm.title = Some(scalar(v)?),
                "severity" => fm.severity = Some(scalar(v)?),
                "date" => fm.date = Some(scalar(v)?),
                "status" => fm.status = Some(scalar(v)?),
                "started" => fm.started = Some(scalar(v)?),
                "detected" => fm.detected = Some(scalar(v)?),
                "mitigated" => fm.mitigated = Some(scalar(v)?),
                "resolved" => fm.resolved = Some(scalar(v)?),
                "impact" => fm.impact = Some(scalar(v)?),
                "on_call" => fm.on_call = Some(scalar(v)?),
                "review_date" => fm.review_date = Some(scalar(v)?),
                "published" => fm.published = Some(scalar(v)?),
                "services" => fm.services = list(v)?,
                "tags" => {
                    let one_text = matches!(v, Value::String(_));
                    fm.tags = list(v)?;
                    if one_text && let [tag] = fm.tags.as_slice() {
                        errors.extend(spaced_tags(path, tag));
                    }
                }
                "related" => fm.related = list(v)?,
                "extra" => fm.extra = serde_json::to_value(&v).unwrap_or(serde_json::Value::Null),
                _ => fm.unknown.push(here(key.to_string())),
            }
            Ok(())
        })();
        if let Err(d) = result {
            errors.push(d);
        }
    }
    // Keys with a null value (`title:`) are treated as absent, so "missing" reports them.
    for field in [
        &mut fm.id,
        &mut fm.title,
        &mut fm.severity,
        &mut fm.date,
        &mut fm.status,
    ] {
        if field.as_ref().is_some_and(|s| s.value.trim().is_empty()) {
            *field = None;
        }
    }
    fm.errors = errors;
    Ok(fm)
}

/// The entries of a front matter in order: each key as text (a key YAML reads as a number
/// or a boolean as written) and its value.
type Entries<'a> = Vec<(Cow<'a, str>, Value)>;

/// The entries of the front matter as the YAML parser reads them.
fn yaml_entries(path: &str, text: &str, first_line: usize) -> Result<Entries<'static>, Diagnostic> {
    if let Some(at) = flow_too_deep(text) {
        let (line, col) = place(text, first_line, at);
        return Err(Diagnostic::error(
            path,
            line,
            col,
            format!("front matter nests deeper than {MAX_FLOW_DEPTH} levels"),
        )
        .with_hint(format!(
            "this bracket opens level {}; `[` and `{{` may nest {MAX_FLOW_DEPTH} deep: write the \
             value with fewer levels",
            MAX_FLOW_DEPTH + 1
        )));
    }
    let value: Value =
        serde_yaml::from_str(text).map_err(|e| yaml_error(path, text, first_line, &e))?;
    match value {
        Value::Mapping(m) => Ok(m
            .into_iter()
            .map(|(k, v)| (Cow::Owned(scalar_owned(k).unwrap_or_default()), v))
            .collect()),
        Value::Null => Ok(Vec::new()),
        _ => Err(Diagnostic::error(
            path,
            first_line,
            1,
            "front matter must be a set of `key: value` lines",
        )
        .with_hint(
            "start with `id: INC-2024-001`, `title: ...`, `severity: SEV2`, `date: 2024-03-15`",
        )),
    }
}

/// 1-based line in the file and character column of byte offset `at` of front-matter `text`,
/// which starts on `first_line`.
fn place(text: &str, first_line: usize, at: usize) -> (usize, usize) {
    let line_start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let line_end = text[at..].find('\n').map_or(text.len(), |p| at + p);
    let line = first_line + text[..at].bytes().filter(|&b| b == b'\n').count();
    (
        line,
        crate::text::char_col(&text[line_start..line_end], at - line_start),
    )
}

/// The entries of the front matter when every line is in the plain form most reports are
/// written in, read without the YAML parser; `None` for anything else, which the YAML parser
/// reads. The plain form is a known key (not `extra`) at the start of the line, `: `, and
/// one of:
/// - a double-quoted string of printable ASCII without `"` or `\` (`"Cache outage"`);
/// - a plain string (`SEV2`, `Sarah Chen`, `2024-03-15`; see [`plain_string`]);
/// - a list of plain strings in brackets, separated by `, ` (`[dns, cache]`, `[]`).
///
/// For these YAML gives exactly the strings written (the tests hold the two to the same
/// result); a repeated key, a blank or commented line, a number, `true` or `null`, block
/// lists, quotes of any other kind, carriage returns and every other form of YAML go to the
/// parser.
fn plain_entries(text: &str) -> Option<Entries<'_>> {
    if text.contains('\r') {
        return None;
    }
    let mut entries: Entries<'_> = Vec::with_capacity(KNOWN_KEYS.len());
    for line in text.lines() {
        let (key, rest) = line.split_once(':')?;
        let rest = rest.strip_prefix(' ')?.trim_start_matches(' ');
        if key == "extra" || !KNOWN_KEYS.contains(&key) || entries.iter().any(|(k, _)| k == key) {
            return None;
        }
        let value = if let Some(quoted) = rest.strip_prefix('"') {
            let inner = quoted.strip_suffix('"')?;
            let printable = |b: u8| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\';
            if !inner.bytes().all(printable) {
                return None;
            }
            Value::String(inner.to_string())
        } else if let Some(list) = rest.strip_prefix('[') {
            let list = list.strip_suffix(']')?;
            let items = if list.is_empty() {
                Vec::new()
            } else {
                list.split(", ")
                    .map(|item| plain_string(item).then(|| Value::String(item.to_string())))
                    .collect::<Option<Vec<Value>>>()?
            };
            Value::Sequence(items)
        } else if plain_string(rest) {
            Value::String(rest.to_string())
        } else {
            return None;
        };
        entries.push((Cow::Borrowed(key), value));
    }
    Some(entries)
}

/// True for an unquoted value YAML reads as the string written: ASCII letters, digits and
/// `-`, `_`, `.`, `/`, single spaces between words, starting with a letter or digit, and not
/// a number, `0x...`, `0o...`, `0b...`, a boolean or null (which YAML reads otherwise).
fn plain_string(s: &str) -> bool {
    let b = s.as_bytes();
    let word_char = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'/');
    b.first().is_some_and(u8::is_ascii_alphanumeric)
        && s.split(' ')
            .all(|w| !w.is_empty() && w.bytes().all(|c| word_char(&c)))
        && s.parse::<f64>().is_err()
        && !(b[0] == b'0' && matches!(b.get(1), Some(b'x' | b'o' | b'b')))
        && !["null", "true", "false"]
            .iter()
            .any(|w| s.eq_ignore_ascii_case(w))
}

/// A YAML syntax error at the line where the problem starts: an unclosed quote or bracket is
/// reported where it opens (the parser notices it later), a duplicated key at its second use.
///
/// A quote left open is closed by the next quote of the text, often the opening quote of a
/// later value (`started: "14:23"`), and the parser stops just after it, lines below the
/// mistake, with only its own place in the message. So when the error is on the line where
/// a quoted scalar of several lines closes, after its closing quote, the finding points at
/// the quote that opened it, and the hint names the line where the parser stopped.
fn yaml_error(path: &str, text: &str, first_line: usize, e: &serde_yaml::Error) -> Diagnostic {
    let (line, col) = e
        .location()
        .map(|l| (l.line(), l.column()))
        .unwrap_or((1, 1));
    let full = e.to_string();
    let problem = full.split(" at line ").next().unwrap_or(&full).to_string();
    if let Some(key) = problem
        .strip_prefix("duplicate entry with key \"")
        .and_then(|r| r.strip_suffix('"'))
    {
        let locate = Locator::new(text, first_line);
        let lines: Vec<usize> = locate.key_indexes(key).collect();
        if let [first, second, ..] = lines[..] {
            return Diagnostic::error(
                path,
                first_line + second,
                1,
                format!("front matter gives `{key}` twice"),
            )
            .with_hint(format!("first at line {}; keep one", first_line + first));
        }
    }
    if let Some((i, p)) = comment_in_flow(text) {
        let written = text.lines().nth(i).unwrap_or("");
        let word: String = written[p..]
            .chars()
            .take_while(|c| !matches!(c, ',' | ']' | ' '))
            .collect();
        return Diagnostic::error(
            path,
            first_line + i,
            crate::text::char_col(written, p),
            format!("front matter is not valid YAML: {problem}"),
        )
        .with_hint(format!(
            "` #` starts a YAML comment, which hides the rest of this line and the `]` with it: \
             write the name without `#`, or in quotes, `\"{word}\"`"
        ));
    }
    // "<problem> at line L column C, while <context> at line L2 column C2"
    let context = full.split_once(", while ").map(|(_, c)| {
        let (what, at) = c.split_once(" at line ").unwrap_or((c, ""));
        let mut nums = at.split(" column ").map(|n| n.trim().parse::<usize>().ok());
        (
            what.to_string(),
            nums.next().flatten(),
            nums.next().flatten(),
        )
    });
    if let Some((what, Some(cline), Some(ccol))) = &context
        && (what.starts_with("scanning a quoted scalar") || what.starts_with("parsing a flow"))
    {
        return Diagnostic::error(
            path,
            first_line + cline - 1,
            *ccol,
            format!("front matter is not valid YAML: {problem} (while {what})"),
        )
        .with_hint(format!(
            "a quote or bracket opened here is not closed; the parser noticed at line {}",
            first_line + line - 1
        ));
    }
    if let Some(q) = quote_closed_before(text, line, col) {
        let (qline, qcol) = place(text, first_line, q.open);
        let (cline, ccol) = place(text, first_line, q.close);
        return Diagnostic::error(
            path,
            qline,
            qcol,
            format!(
                "front matter is not valid YAML: {problem} (after a quoted scalar that opens here)"
            ),
        )
        .with_hint(format!(
            "the quote opened here is not closed on its line: the value runs on to the quote at \
             line {cline} column {ccol}, and the parser noticed the problem after it"
        ));
    }
    let d = Diagnostic::error(
        path,
        first_line + line - 1,
        col.max(1),
        format!("front matter is not valid YAML: {problem}"),
    );
    let written = text.lines().nth(line.saturating_sub(1)).unwrap_or("");
    // A tab before the text of the line is the likeliest cause whatever the parser says; a
    // tab elsewhere on it, only when no other mistake is recognised.
    let tab_indent = written
        .chars()
        .take_while(|c| c.is_whitespace())
        .any(|c| c == '\t');
    let hint = if tab_indent {
        Some(TAB_HINT.to_string())
    } else {
        yaml_hint(&problem, written, col)
            .or_else(|| written.contains('\t').then(|| TAB_HINT.into()))
    };
    match hint {
        Some(hint) => d.with_hint(hint),
        None => d,
    }
}

/// The hint for a YAML error on a line that holds a tab.
const TAB_HINT: &str = "YAML does not allow tabs for indentation: indent with spaces";

/// The first `#` that starts a comment inside a `[...]` list left open on its line
/// (`tags: [cdn, #edge]`): line index and byte offset. Quotes are skipped.
fn comment_in_flow(text: &str) -> Option<(usize, usize)> {
    for (i, line) in text.lines().enumerate() {
        let mut depth = 0usize;
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (p, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if depth > 0 => quote = Some(c),
                (None, '[') => depth += 1,
                (None, ']') => depth = depth.saturating_sub(1),
                (None, '#') if prev == ' ' || prev == '\t' => {
                    if depth > 0 {
                        return Some((i, p));
                    }
                    break;
                }
                _ => {}
            }
            prev = c;
        }
    }
    None
}

/// A hint for the YAML mistakes reports make most, read from the parser's `problem` and the
/// front-matter `line` it names (`col` 1-based): a value holding `: `, a key indented under
/// another, quotes inside a quoted value, and a value starting with a character YAML keeps
/// for itself. `None` for anything else: the parser's words stand alone.
fn yaml_hint(problem: &str, line: &str, col: usize) -> Option<String> {
    let indented = line.starts_with([' ', '\t']);
    let (key, value) = line.trim_start().split_once(':')?;
    let value = value.trim();
    // The value in double quotes, as the hint's example; in backquotes unless it holds one.
    let quoted = |v: &str| {
        let example = format!(
            "{key}: \"{}\"",
            v.replace('\\', "\\\\").replace('"', "\\\"")
        );
        if example.contains('`') {
            example
        } else {
            format!("`{example}`")
        }
    };
    if problem.starts_with("mapping values are not allowed") {
        if indented && !key.contains(' ') {
            return Some(format!(
                "keys start at the beginning of the line: remove the spaces before `{key}:`"
            ));
        }
        if !indented && value.contains(": ") {
            return Some(format!(
                "a value holding `: ` must be quoted: {}",
                quoted(value)
            ));
        }
    }
    if problem.starts_with("did not find expected key") && !indented {
        if value.starts_with('"') {
            return Some(
                "the value ends at its second `\"`: write a `\"` inside it as `\\\"`, or quote \
                 the value with `'` instead"
                    .to_string(),
            );
        }
        if value.starts_with('\'') {
            return Some(
                "the value ends at its second `'`: write a `'` inside it as `''`, or quote the \
                 value with `\"` instead"
                    .to_string(),
            );
        }
    }
    if problem.starts_with("found character that cannot start any token") && !indented {
        let c = line.chars().nth(col.saturating_sub(1))?;
        if value.starts_with(c) && matches!(c, '@' | '`' | '%') {
            let named = if c == '`' {
                "a backquote".to_string()
            } else {
                format!("`{c}`")
            };
            return Some(format!(
                "YAML keeps {named} for itself at the start of a value: put the value in quotes: {}",
                quoted(value)
            ));
        }
    }
    None
}

/// The quoted scalar of several lines of `text` that closes on the parser's 1-based `line`
/// before its 1-based column `col`, if any.
fn quote_closed_before(text: &str, line: usize, col: usize) -> Option<LongQuote> {
    if !text.contains(['"', '\'']) {
        return None;
    }
    let mut scan = FlowScan::new(text);
    scan.run();
    scan.long_quotes
        .into_iter()
        .rev()
        .find(|q| q.line + 1 == line && usize::try_from(q.col).is_ok_and(|c| c < col.max(1)))
}

/// How deep `[` and `{` may nest in front matter. The YAML parser's scanner spends time in
/// proportion to the nesting depth on every token, so deep nesting is quadratic (100,000
/// brackets took 24 s before its recursion limit of 128 stopped it); no report needs more
/// than a few levels.
pub const MAX_FLOW_DEPTH: usize = 64;

/// Byte offset of the first `[` or `{` of `text` that the YAML parser would read as opening a
/// flow collection more than [`MAX_FLOW_DEPTH`] levels deep; `None` when there is none.
///
/// This follows the token scanner of libyaml (which serde_yaml runs) as far as it decides
/// what is a bracket: quoted scalars (with `''` and `\` escapes), comments, block scalars
/// (`|`, `>`, ended by their indentation), plain scalars (in which brackets are text outside
/// flow collections, and which continue on lines indented past the enclosing block), tags and
/// anchors, with the stack of block indentations that decides where a plain or block scalar
/// ends. Where the parser would stop at a syntax error the scan goes on: what follows an
/// error is never parsed, so counting it can only refuse text the parser refuses anyway.
/// Nesting by indentation is left to the parser: it costs it linear time.
fn flow_too_deep(text: &str) -> Option<usize> {
    // Nothing to find without a bracket (the common case); else one pass.
    if !text.bytes().any(|b| b == b'[' || b == b'{') {
        return None;
    }
    FlowScan::new(text).run()
}

/// The state of [`flow_too_deep`]'s scan (and [`quote_closed_before`]'s): a cursor with
/// libyaml's line and column, and what its scanner keeps that decides how text is tokenised.
struct FlowScan<'a> {
    b: &'a [u8],
    /// Byte offset of the cursor.
    i: usize,
    /// 0-based line and column (in characters), counted as libyaml counts them.
    line: usize,
    col: isize,
    /// Flow collections open around the cursor.
    flow: usize,
    /// Column of the innermost block collection (-1 outside any), and the outer ones.
    indent: isize,
    indents: Vec<isize>,
    /// A simple key may start at the cursor.
    key_allowed: bool,
    /// Where the possible simple key of the block level started: (line, offset, column).
    key: Option<(usize, usize, isize)>,
    /// The quoted scalars that run over more than one line, as far as the scan went.
    long_quotes: Vec<LongQuote>,
}

/// A quoted scalar that runs over more than one line: where it opens and where it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LongQuote {
    /// Byte offsets of the opening and the closing quote.
    open: usize,
    close: usize,
    /// 0-based line and column just past the closing quote, counted as libyaml counts them.
    line: usize,
    col: isize,
}

impl<'a> FlowScan<'a> {
    fn new(text: &'a str) -> Self {
        FlowScan {
            b: text.as_bytes(),
            i: 0,
            line: 0,
            col: 0,
            flow: 0,
            indent: -1,
            indents: Vec::new(),
            key_allowed: true,
            key: None,
            long_quotes: Vec::new(),
        }
    }

    fn at(&self, k: usize) -> Option<u8> {
        self.b.get(self.i + k).copied()
    }

    fn is(&self, k: usize, c: u8) -> bool {
        self.at(k) == Some(c)
    }

    fn end(&self) -> bool {
        self.i >= self.b.len()
    }

    /// Length of the line break at the cursor (CR LF, CR, LF, NEL, LS, PS), 0 if none.
    fn break_len(&self) -> usize {
        match (self.at(0), self.at(1), self.at(2)) {
            (Some(b'\r'), Some(b'\n'), _) => 2,
            (Some(b'\r' | b'\n'), _, _) => 1,
            (Some(0xC2), Some(0x85), _) => 2,
            (Some(0xE2), Some(0x80), Some(0xA8 | 0xA9)) => 3,
            _ => 0,
        }
    }

    fn is_break(&self) -> bool {
        self.break_len() > 0
    }

    fn is_blank_at(&self, k: usize) -> bool {
        matches!(self.at(k), Some(b' ' | b'\t'))
    }

    /// Blank, line break or end of the text, at byte `k` from the cursor (after ASCII).
    fn is_blankz_at(&self, k: usize) -> bool {
        match self.at(k) {
            None | Some(b' ' | b'\t' | b'\r' | b'\n') => true,
            Some(0xC2) => self.at(k + 1) == Some(0x85),
            Some(0xE2) => {
                self.at(k + 1) == Some(0x80) && matches!(self.at(k + 2), Some(0xA8 | 0xA9))
            }
            _ => false,
        }
    }

    /// Moves past one character (not a line break).
    fn skip(&mut self) {
        self.i += 1;
        while self.i < self.b.len() && self.b[self.i] & 0xC0 == 0x80 {
            self.i += 1;
        }
        self.col += 1;
    }

    /// Moves past the line break at the cursor, if any.
    fn skip_line(&mut self) {
        let n = self.break_len();
        if n > 0 {
            self.i += n;
            self.line += 1;
            self.col = 0;
        }
    }

    fn skip_to_break(&mut self) {
        while !self.end() && !self.is_break() {
            self.skip();
        }
    }

    /// `---` or `...` followed by a blank at the start of a line.
    fn document_marker(&self) -> bool {
        self.col == 0
            && (self.b[self.i..].starts_with(b"---") || self.b[self.i..].starts_with(b"..."))
            && self.is_blankz_at(3)
    }

    fn roll(&mut self, col: isize) {
        if self.flow == 0 && self.indent < col {
            self.indents.push(self.indent);
            self.indent = col;
        }
    }

    fn unroll(&mut self, col: isize) {
        if self.flow == 0 {
            while self.indent > col {
                self.indent = self.indents.pop().unwrap_or(-1);
            }
        }
    }

    /// A token that may start a simple key begins at the cursor.
    fn save_key(&mut self) {
        if self.key_allowed && self.flow == 0 {
            self.key = Some((self.line, self.i, self.col));
        }
    }

    fn remove_key(&mut self) {
        if self.flow == 0 {
            self.key = None;
        }
    }

    /// Scans to the end of the text, or to the first bracket nested too deep (its offset).
    fn run(&mut self) -> Option<usize> {
        loop {
            self.skip_between_tokens();
            self.unroll(self.col);
            let c = self.at(0)?;
            let blank_next = self.is_blankz_at(1);
            match c {
                b'%' if self.col == 0 => {
                    self.unroll(-1);
                    self.remove_key();
                    self.key_allowed = false;
                    self.skip_to_break();
                }
                b'-' | b'.' if self.document_marker() => {
                    self.unroll(-1);
                    self.remove_key();
                    self.key_allowed = false;
                    self.i += 3;
                    self.col += 3;
                }
                b'[' | b'{' => {
                    self.save_key();
                    self.flow += 1;
                    if self.flow > MAX_FLOW_DEPTH {
                        return Some(self.i);
                    }
                    self.key_allowed = true;
                    self.skip();
                }
                b']' | b'}' => {
                    self.remove_key();
                    self.flow = self.flow.saturating_sub(1);
                    self.key_allowed = false;
                    self.skip();
                }
                b',' => {
                    self.remove_key();
                    self.key_allowed = true;
                    self.skip();
                }
                b'-' if blank_next => {
                    self.roll(self.col);
                    self.remove_key();
                    self.key_allowed = true;
                    self.skip();
                }
                b'?' if self.flow > 0 || blank_next => {
                    self.roll(self.col);
                    self.remove_key();
                    self.key_allowed = self.flow == 0;
                    self.skip();
                }
                b':' if self.flow > 0 || blank_next => {
                    // A simple key is possible until the line ends or 1,024 bytes pass.
                    let key = self
                        .key
                        .filter(|&(line, at, _)| line == self.line && at + 1024 >= self.i);
                    if self.flow > 0 {
                        self.key_allowed = false;
                    } else if let Some((_, _, col)) = key {
                        self.roll(col);
                        self.key = None;
                        self.key_allowed = false;
                    } else {
                        if self.key_allowed {
                            self.roll(self.col);
                        }
                        self.key_allowed = true;
                    }
                    self.skip();
                }
                b'*' | b'&' => {
                    self.save_key();
                    self.key_allowed = false;
                    self.skip();
                    while self
                        .at(0)
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                    {
                        self.skip();
                    }
                }
                b'!' => {
                    self.save_key();
                    self.key_allowed = false;
                    self.tag();
                }
                b'|' | b'>' if self.flow == 0 => {
                    self.remove_key();
                    self.key_allowed = true;
                    self.block_scalar();
                }
                b'\'' | b'"' => {
                    self.save_key();
                    self.key_allowed = false;
                    self.quoted(c);
                }
                _ if self.plain_starts(c) => {
                    self.save_key();
                    self.key_allowed = false;
                    self.plain();
                }
                // No token starts here: the parser stops with an error.
                _ => self.skip(),
            }
        }
    }

    /// Skips blanks, comments and line breaks between tokens.
    fn skip_between_tokens(&mut self) {
        loop {
            if self.col == 0 && self.b[self.i..].starts_with("\u{feff}".as_bytes()) {
                self.skip();
            }
            while self.is(0, b' ') || ((self.flow > 0 || !self.key_allowed) && self.is(0, b'\t')) {
                self.skip();
            }
            if self.is(0, b'#') {
                self.skip_to_break();
            }
            if !self.is_break() {
                return;
            }
            self.skip_line();
            if self.flow == 0 {
                self.key_allowed = true;
            }
        }
    }

    /// True when a plain scalar starts at the cursor, whose character is `c`.
    fn plain_starts(&self, c: u8) -> bool {
        let indicator = self.is_blankz_at(0) || b"-?:,[]{}#&*!|>'\"%@`".contains(&c);
        !indicator
            || (c == b'-' && !self.is_blank_at(1))
            || (self.flow == 0 && (c == b'?' || c == b':') && !self.is_blankz_at(1))
    }

    /// A plain scalar: ends at `: `, ` #`, a flow indicator inside a flow collection, a
    /// document marker, or a line indented no further than the enclosing block.
    fn plain(&mut self) {
        let indent = self.indent + 1;
        let mut leading_blanks = false;
        loop {
            if self.document_marker() || self.is(0, b'#') {
                break;
            }
            while !self.is_blankz_at(0) {
                let c = self.b[self.i];
                let flow_indicator = |c: Option<u8>| c.is_some_and(|c| b",[]{}".contains(&c));
                // Inside a flow collection, `:` before a flow indicator or `?` is an error
                // of the parser; it stops there.
                if (c == b':' && self.is_blankz_at(1))
                    || (self.flow > 0
                        && (flow_indicator(Some(c))
                            || (c == b':' && (flow_indicator(self.at(1)) || self.is(1, b'?')))))
                {
                    break;
                }
                self.skip();
            }
            if !(self.is_blank_at(0) || self.is_break()) {
                break;
            }
            while self.is_blank_at(0) || self.is_break() {
                if self.is_break() {
                    self.skip_line();
                    leading_blanks = true;
                } else {
                    self.skip();
                }
            }
            if self.flow == 0 && self.col < indent {
                break;
            }
        }
        if leading_blanks {
            self.key_allowed = true;
        }
    }

    /// A single- or double-quoted scalar, from its opening quote to its closing one; noted in
    /// `long_quotes` when it closes on a later line than it opens.
    fn quoted(&mut self, quote: u8) {
        let (open, line) = (self.i, self.line);
        self.skip();
        while !self.end() {
            let c = self.b[self.i];
            if self.is_break() {
                self.skip_line();
            } else if quote == b'\'' && c == b'\'' && self.is(1, b'\'') {
                self.i += 2;
                self.col += 2;
            } else if c == quote {
                self.skip();
                if self.line > line {
                    self.long_quotes.push(LongQuote {
                        open,
                        close: self.i - 1,
                        line: self.line,
                        col: self.col,
                    });
                }
                return;
            } else if quote == b'"' && c == b'\\' {
                self.skip();
                if self.is_break() {
                    self.skip_line();
                } else if !self.end() {
                    self.skip();
                }
            } else {
                self.skip();
            }
        }
    }

    /// A tag: `!<uri>`, or a handle and suffix of URI characters (without `,[]`).
    fn tag(&mut self) {
        let verbatim = self.is(1, b'<');
        self.skip();
        if verbatim {
            self.skip();
        }
        let uri = |c: u8| c.is_ascii_alphanumeric() || b"-_;/?:@&=+$.%!~*'()".contains(&c);
        while let Some(c) = self.at(0) {
            if !(uri(c) || (verbatim && b",[]".contains(&c))) {
                break;
            }
            self.skip();
        }
        if verbatim && self.is(0, b'>') {
            self.skip();
        }
    }

    /// A literal or folded block scalar: the header line, then every line indented at least
    /// as far as its first (or as its indentation indicator says), and the empty lines
    /// between.
    fn block_scalar(&mut self) {
        self.skip();
        let mut increment = 0;
        let digit = |c: Option<u8>| c.filter(|c| (b'1'..=b'9').contains(c));
        if matches!(self.at(0), Some(b'+' | b'-')) {
            self.skip();
            if let Some(d) = digit(self.at(0)) {
                increment = isize::from(d - b'0');
                self.skip();
            }
        } else if let Some(d) = digit(self.at(0)) {
            increment = isize::from(d - b'0');
            self.skip();
            if matches!(self.at(0), Some(b'+' | b'-')) {
                self.skip();
            }
        }
        while self.is_blank_at(0) {
            self.skip();
        }
        if self.is(0, b'#') {
            self.skip_to_break();
        }
        if !self.end() && !self.is_break() {
            // The parser stops: the header goes on.
            return;
        }
        self.skip_line();
        let mut indent = if increment == 0 {
            0
        } else if self.indent >= 0 {
            self.indent + increment
        } else {
            increment
        };
        self.block_breaks(&mut indent);
        while self.col == indent && !self.end() {
            self.skip_to_break();
            if self.end() {
                break;
            }
            self.skip_line();
            self.block_breaks(&mut indent);
        }
    }

    /// The indentation and empty lines before a line of a block scalar; sets the scalar's
    /// indentation from the first line with text when it is not known yet.
    fn block_breaks(&mut self, indent: &mut isize) {
        let mut max = 0;
        loop {
            while (*indent == 0 || self.col < *indent) && self.is(0, b' ') {
                self.skip();
            }
            max = max.max(self.col);
            if !self.is_break() {
                break;
            }
            self.skip_line();
        }
        if *indent == 0 {
            *indent = max.max(self.indent + 1).max(1);
        }
    }
}

/// [`scalar_text`] of a value the caller gives up: a string is moved, not copied.
fn scalar_owned(v: Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s),
        Value::Tagged(t) => scalar_owned(t.value),
        other => scalar_text(&other),
    }
}

/// The text of a scalar: strings as they are, numbers and booleans as written; `None` for
/// lists, maps and null.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Finds where keys and values are written in the front-matter text.
struct Locator<'a> {
    /// The lines of the front matter.
    lines: Vec<&'a str>,
    first_line: usize,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        Locator {
            lines: text.lines().collect(),
            first_line,
        }
    }

    /// Line indexes (0-based, in the front matter) of a top-level `key:`.
    fn key_indexes<'k>(&self, key: &'k str) -> impl Iterator<Item = usize> + use<'_, 'a, 'k> {
        self.lines.iter().enumerate().filter_map(move |(i, l)| {
            let bare = l.strip_prefix(key).or_else(|| {
                l.strip_prefix(['"', '\''])
                    .and_then(|r| r.strip_prefix(key))
                    .and_then(|r| r.strip_prefix(['"', '\'']))
            });
            bare.is_some_and(|r| r.trim_start().starts_with(':'))
                .then_some(i)
        })
    }

    /// Line index (0-based, in the front matter) of the first top-level `key:`.
    fn key_index(&self, key: &str) -> Option<usize> {
        self.key_indexes(key).next()
    }

    /// Line and column of the key at line index `at` (from [`Locator::key_index`]).
    fn key(&self, at: Option<usize>) -> (usize, usize) {
        match at {
            Some(i) => (self.first_line + i, 1),
            None => (self.first_line, 1),
        }
    }

    /// Line and column of `value` written under the key at line index `at` (the key's line
    /// when not found).
    fn value(&self, at: Option<usize>, value: &str) -> (usize, usize) {
        self.find_after(at, None, value)
            .map_or_else(|| self.fallback(at), |(place, _)| place)
    }

    /// Line and column of `value` written under the key at line index `at`, searching from
    /// `after` (a line index and byte offset) when given; with it, where the search for the
    /// next item of the same list starts: just after this one, so that an item written twice,
    /// or one that is part of an earlier item (`db` after `db-primary`), is found where it is
    /// written. `None` when not found (a quoted value with escapes is written otherwise).
    fn find_after(
        &self,
        at: Option<usize>,
        after: Option<(usize, usize)>,
        value: &str,
    ) -> Option<((usize, usize), (usize, usize))> {
        if value.is_empty() {
            return None;
        }
        self.value_lines(at, after).find_map(|(i, line, from)| {
            let p = find_from(line, from, value)?;
            Some((
                (self.first_line + i, crate::text::char_col(line, p)),
                (i, p + value.len()),
            ))
        })
    }

    /// The lines a value under the key at line index `at` may be written on, from `after` (a
    /// line index and byte offset) when given: (line index, line, byte offset to search from),
    /// the key's line after its colon, then the lines of its block, which start with a space,
    /// a tab or a dash.
    fn value_lines<'s>(
        &'s self,
        at: Option<usize>,
        after: Option<(usize, usize)>,
    ) -> impl Iterator<Item = (usize, &'a str, usize)> + 's {
        let lines = &self.lines;
        // No key, no lines.
        let start = at.unwrap_or(usize::MAX);
        let first = at.map_or(usize::MAX, |start| after.map_or(start, |(i, _)| i));
        lines
            .iter()
            .enumerate()
            .skip(first)
            .take_while(move |(i, line)| *i == start || line.starts_with([' ', '\t', '-']))
            .map(move |(i, line)| {
                let from = match after {
                    Some((j, p)) if j == i => p,
                    _ if i == start => line.find(':').map(|p| p + 1).unwrap_or(0),
                    _ => 0,
                };
                (i, *line, from)
            })
    }

    /// The next block list item under the key at `at` (after `after`), when it is empty: its
    /// line index, the byte offset of the item, and the comment when it is only a comment.
    /// An item with nothing after its dash (`- `) or only a comment (`- #INC-2024-003`) is
    /// at its `-`; one written as an empty value (`- ""`, `- ''`, `- ~`, `- null`) at that
    /// value.
    fn empty_item(
        &self,
        at: Option<usize>,
        after: Option<(usize, usize)>,
    ) -> Option<(usize, usize, Option<&'a str>)> {
        let start = at?;
        let first = after.map_or(start + 1, |(i, _)| i + 1);
        for (i, line) in self.lines.iter().enumerate().skip(first) {
            if !line.starts_with([' ', '\t', '-']) {
                break;
            }
            let dash = line.len() - line.trim_start().len();
            let Some(after_dash) = line[dash..].strip_prefix('-') else {
                continue;
            };
            let rest = after_dash.trim();
            let value = dash + 1 + (after_dash.len() - after_dash.trim_start().len());
            let spaced = after_dash.starts_with([' ', '\t']);
            return if rest.is_empty() {
                Some((i, dash, None))
            } else if rest.starts_with('#') && spaced {
                Some((i, dash, Some(rest)))
            } else if spaced
                && matches!(
                    rest.find(" #")
                        .or_else(|| rest.find("\t#"))
                        .map_or(rest, |p| rest[..p].trim_end()),
                    "\"\"" | "''" | "~" | "null" | "Null" | "NULL"
                )
            {
                Some((i, value, None))
            } else {
                None
            };
        }
        None
    }

    /// The next empty quoted value (`""` or `''`) under the key at `at`, searching from
    /// `after` as [`Locator::find_after`] does: an empty item of a flow list
    /// (`services: ["", api]`), or one [`Locator::empty_item`] did not find. Its line index
    /// and byte offset.
    fn quoted_empty(
        &self,
        at: Option<usize>,
        after: Option<(usize, usize)>,
    ) -> Option<(usize, usize, Option<&'a str>)> {
        self.value_lines(at, after).find_map(|(i, line, from)| {
            let found = [find_from(line, from, "\"\""), find_from(line, from, "''")]
                .into_iter()
                .flatten()
                .min()?;
            Some((i, found, None))
        })
    }

    /// [`Locator::find_after`] for a list item written in double quotes with an escape
    /// (`- "pay\aments"`), whose text is not written as it reads: its opening quote followed
    /// by the printable text it starts with (`"pay`), or `None`. Used for an item holding a
    /// control character, which only an escape writes.
    fn quoted_after(
        &self,
        at: Option<usize>,
        after: Option<(usize, usize)>,
        value: &str,
    ) -> Option<((usize, usize), (usize, usize))> {
        let lead: String = value
            .chars()
            .take_while(|c| (' '..='~').contains(c) && !matches!(c, '"' | '\\'))
            .collect();
        self.find_after(at, after, &format!("\"{lead}"))
    }

    /// Where a value not found is reported: just after the key's colon.
    fn fallback(&self, at: Option<usize>) -> (usize, usize) {
        let Some(start) = at else {
            return (self.first_line, 1);
        };
        let col = self
            .lines
            .get(start)
            .and_then(|l| l.find(':').map(|p| crate::text::char_col(l, p) + 2))
            .unwrap_or(1);
        (self.first_line + start, col)
    }

    /// Whether `value`, not found on any one line under the key at `at`, is list items YAML
    /// folded into one plain scalar: `services: api` over `  - db` reads as `api - db`, as
    /// does `- api` over a more indented `  - db`. Its last ` - ` piece is then written as a
    /// list item of its own on a line under the key.
    fn folded(&self, at: Option<usize>, value: &str) -> bool {
        let (Some(start), Some((_, last))) = (at, value.rsplit_once(" - ")) else {
            return false;
        };
        self.lines
            .iter()
            .skip(start + 1)
            .take_while(|l| l.starts_with([' ', '\t', '-']))
            .any(|l| l.trim_start().strip_prefix("- ").map(str::trim) == Some(last.trim()))
    }
}

/// Byte offset of the first `value` (not empty) in `line` at or after `from`. A value is most
/// often the first thing after the key or the list dash, and is found there without a
/// substring search.
fn find_from(line: &str, from: usize, value: &str) -> Option<usize> {
    let rest = &line[from..];
    let trimmed = rest.trim_start();
    // `value` then starts with what `trimmed` starts with, which is not whitespace, so it
    // does not occur earlier, in the whitespace.
    if trimmed.starts_with(value) {
        return Some(line.len() - trimmed.len());
    }
    // A line is short: comparing at each offset costs less than setting up a substring
    // search, as `str::find` does on every call. A match of UTF-8 text always starts on a
    // character boundary, so this is the offset `find` gives.
    let needle = value.as_bytes();
    rest.as_bytes()
        .windows(needle.len())
        .position(|w| w[0] == needle[0] && w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_carry_their_lines() {
        let text =
            "id: INC-2024-001\ntitle: \"A\"\ntags:\n  - dns\n  - cache\nrelated: [INC-2023-117]\n";
        let fm = parse("a.md", text, 2).unwrap();
        assert_eq!(
            fm.id.unwrap(),
            Spanned {
                value: "INC-2024-001".into(),
                line: 2,
                col: 5
            }
        );
        assert_eq!(fm.tags[1].line, 6);
        assert_eq!(fm.tags[1].col, 5);
        assert_eq!(fm.related[0].line, 7);
    }

    #[test]
    fn list_items_are_found_in_order_where_they_are_written() {
        // An item written twice, or part of an earlier item, is not placed on the earlier one.
        let text =
            "id: INC-1\ntags: [db-primary, db, db]\nservices:\n  - api-db\n  - db\n  - api\n";
        let fm = parse("a.md", text, 2).unwrap();
        let at = |l: &[Spanned<String>]| l.iter().map(|s| (s.line, s.col)).collect::<Vec<_>>();
        assert_eq!(at(&fm.tags), [(3, 8), (3, 20), (3, 24)]);
        assert_eq!(at(&fm.services), [(5, 5), (6, 5), (7, 5)]);
    }

    #[test]
    fn values_are_found_where_a_search_finds_them() {
        let lines = [
            "id: INC-1",
            "title: \"a a\"",
            "  - a",
            "tags: [a, b, a]",
            "x:  \u{a0}é é",
            "k:",
        ];
        for line in lines {
            for value in ["a", "a a", "INC-1", "é", " a", "\"a", "b", "zz", "k"] {
                for from in [0, line.find(':').map_or(0, |p| p + 1)] {
                    let want = line[from..].find(value).map(|p| from + p);
                    assert_eq!(
                        find_from(line, from, value),
                        want,
                        "{line:?} {value:?} {from}"
                    );
                }
            }
        }
    }

    /// The entries YAML reads from `text`, or its error.
    fn yaml(text: &str) -> Result<Entries<'static>, String> {
        yaml_entries("a.md", text, 2).map_err(|d| d.message)
    }

    #[test]
    fn plain_front_matter_reads_as_yaml_reads_it() {
        let keys = ["id", "title", "tags", "extra", "Title", "x"];
        let values = [
            "INC-2024-001",
            "SEV2",
            "Sarah Chen",
            "2024-03-15",
            "2024-3-5",
            "\"14:23\"",
            "\"Cache outage: 5% errors, no data loss\"",
            "\"\"",
            "\"a\\\"b\"",
            "\"é\"",
            "'single'",
            "[dns, cache-v2]",
            "[]",
            "[INC-2023-117]",
            "[a,b]",
            "[a, ]",
            "[ a ]",
            "12",
            "1.5",
            "1e3",
            "0x1F",
            "007",
            "inf",
            "NaN",
            "true",
            "False",
            "null",
            "~",
            "yes",
            "Sarah - lead",
            "a  b",
            "a ",
            "#c",
            "x # c",
            "a: b",
            "-x",
            ".5",
            "k8s",
            "1st responder",
            "v2.4.1/x",
            "",
            "[[a]]",
            "{a: 1}",
            "\"open",
            "a\tb",
            "INC-1 ",
        ];
        let mut plain = 0;
        for k1 in keys {
            for v1 in values {
                for (k2, v2) in [("date", "2024-03-15"), ("tags", "[a, b]"), (k1, v1)] {
                    for end in ["\n", "", "\n\n", "\r\n"] {
                        let text = format!("{k1}: {v1}\n{k2}: {v2}{end}");
                        if let Some(entries) = plain_entries(&text) {
                            assert_eq!(Ok(entries), yaml(&text), "{text:?}");
                            plain += 1;
                        }
                    }
                }
            }
        }
        assert!(plain > 100, "{plain} read without the parser");
        assert_eq!(plain_entries(""), Some(Vec::new()));
        assert_eq!(yaml(""), Ok(Vec::new()));
    }

    #[test]
    fn the_sample_reports_read_as_yaml_reads_them() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut plain = 0;
        for dir in ["content", "tests/fixtures"] {
            for e in walkdir::WalkDir::new(root.join(dir)) {
                let path = e.unwrap().into_path();
                let Some(text) = path
                    .extension()
                    .is_some_and(|x| x == "md")
                    .then(|| std::fs::read_to_string(&path).unwrap())
                else {
                    continue;
                };
                let Some(front) = text
                    .strip_prefix("---\n")
                    .and_then(|t| t.split_once("\n---\n"))
                    .map(|(f, _)| format!("{f}\n"))
                else {
                    continue;
                };
                if let Some(entries) = plain_entries(&front) {
                    assert_eq!(Ok(entries), yaml(&front), "{}", path.display());
                    plain += 1;
                }
            }
        }
        assert!(plain >= 10, "{plain} reports read without the parser");
    }

    #[test]
    fn yaml_error_has_file_line() {
        let e = parse("a.md", "id: x\ntitle: [unclosed\n", 2).unwrap_err();
        assert!(e.line >= 3, "{e:?}");
        assert!(e.message.starts_with("front matter is not valid YAML"));
    }

    #[test]
    fn unknown_keys_are_collected() {
        let fm = parse("a.md", "id: x\nsevrity: SEV1\n", 2).unwrap();
        assert_eq!(fm.unknown[0].value, "sevrity");
        assert_eq!(fm.unknown[0].line, 3);
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut text = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        for (i, prev) in ('b'..='i').zip('a'..='h') {
            text.push_str(&format!("{i}: &{i} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        text.push_str("extra: *i\n");
        let e = parse("a.md", &text, 2).unwrap_err();
        assert!(e.message.contains("repetition limit"), "{}", e.message);
    }

    #[test]
    fn flow_nesting_deeper_than_the_limit_is_refused_at_its_bracket() {
        let deep = |n: usize| format!("id: x\nextra: {}{}\n", "[".repeat(n), "]".repeat(n));
        let e = parse("a.md", &deep(100_000), 2).unwrap_err();
        assert_eq!(
            (e.line, e.col, e.message.as_str()),
            (3, 72, "front matter nests deeper than 64 levels")
        );
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "this bracket opens level 65; `[` and `{` may nest 64 deep: write the value with \
                 fewer levels"
            )
        );
        let e = parse("a.md", &deep(65), 2).unwrap_err();
        assert_eq!((e.line, e.col), (3, 72));
        let fm = parse("a.md", &deep(64), 2).unwrap();
        assert_eq!(
            fm.extra.to_string(),
            format!("{}{}", "[".repeat(64), "]".repeat(64))
        );
        // Maps count with lists; the column counts characters: level 65 is the `[` of the
        // 32nd `{a: [`, which starts at column 12 + 31 * 5.
        let text = format!("id: x\ntitle: \"é\"\nextra: {{é: {}\n", "{a: [".repeat(40));
        let e = parse("a.md", &text, 2).unwrap_err();
        assert_eq!((e.line, e.col), (4, 12 + 31 * 5 + 4), "{e:?}");
    }

    /// A run of 130 brackets in many places: where the YAML parser reads them as nested flow
    /// collections (its recursion limit of 128 then refuses the text), the scan finds them at
    /// the 65th; where it reads them as text (a quoted, plain or block scalar, a comment), the
    /// scan lets the text through and the parser reads it.
    #[test]
    fn the_nesting_scan_reads_brackets_as_the_yaml_parser_does() {
        let run = format!("{}{}", "[".repeat(130), "]".repeat(130));
        let leads = [
            "",
            "id: x\n",
            "title: it's\n",
            "title: a 'b\n",
            "a: 'b\n  c'\n",
            "a: \"b\\\"\n  c\"\n",
            "k: |\n  [[[[ ' \"\n",
            "k: >-\n  '\n\n  x\n",
            "k: |2\n    '\n",
            "title: foo\n 'bar\n",
            "title: foo\n  \"bar\n",
            "- a: |\n    '\n",
            "a:\n  - b: '\n  c'\n",
            "a: [x, 'y', \"z\"]\n",
            "a: {b: c} # '\n",
            "# 'comment\n",
            "a: b#'\n",
            "a: &x 'b'\n",
            "a: !t \"b\"\n",
            "a: [b:c, 'd']\n",
            "a: *x\n",
            "a: >\n ' \n",
            "a: |+\n\n  '\n",
            "? '\n  k'\n: v\n",
        ];
        // Each place, the text after the run, and the flow collections open at the run.
        let places: [(&str, &str, usize); 30] = [
            ("extra: ", "", 0),
            ("extra:\n  ", "", 0),
            ("extra:\n  - ", "", 0),
            ("extra: [a, 'b', ", "]", 1),
            ("extra: [it's, ", "]", 1),
            ("extra: [\"a\\\"\", ", "]", 1),
            ("extra: {a: ", "}", 1),
            ("extra: {'a': ", "}", 1),
            ("extra: &x ", "", 0),
            ("extra: !t ", "", 0),
            ("extra: [a:b, ", "]", 1),
            ("extra: [a\n  b, ", "]", 1),
            ("extra: 'a''b' # c\nk: ", "", 0),
            ("extra: \"a\n  b\"\nk: ", "", 0),
            ("extra: a\n  b\nk: ", "", 0),
            ("extra:\n  a: |\n    x\n  b: ", "", 0),
            ("extra:\n  - |\n   x\n  - ", "", 0),
            ("title: a ", "", 0),
            ("title: it's ", "", 0),
            ("title: 'a ", "'", 0),
            ("title: \"a ", "\"", 0),
            ("title: \"a\\\" ", "\"", 0),
            ("title: 'a'' ", "'", 0),
            ("title: a\n  ", "", 0),
            ("# c ", "", 0),
            ("title: a # ", "", 0),
            ("extra: |\n  ", "", 0),
            ("extra: >-\n  ", "", 0),
            ("extra: |2\n    ", "", 0),
            ("extra:\n  - a: |\n      ", "", 0),
        ];
        let (mut nested, mut text_only) = (0, 0);
        for lead in leads {
            for (before, after, open) in places {
                for end in ["", "\n", " # c\n"] {
                    let text = format!("{lead}{before}{run}{after}{end}");
                    let scan = flow_too_deep(&text);
                    match serde_yaml::from_str::<Value>(&text) {
                        Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
                            nested += 1;
                            let start = lead.len() + before.len();
                            assert_eq!(scan, Some(start + 64 - open), "{text:?}");
                        }
                        Ok(_) => {
                            text_only += 1;
                            assert_eq!(scan, None, "{text:?}");
                        }
                        // A syntax error elsewhere: the parser refuses the text either way.
                        Err(_) => {}
                    }
                }
            }
        }
        assert!(
            nested > 300 && text_only > 300,
            "{nested} nested, {text_only} text"
        );
    }

    #[test]
    fn every_shape_error_is_kept_and_the_rest_is_read() {
        let fm = parse("a.md", "id: [a, b]\ntitle: T\ntags: {a: 1}\n", 2).unwrap();
        let got: Vec<_> = fm
            .errors
            .iter()
            .map(|e| (e.line, e.message.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, "`id` must be a single value, not a list or a map"),
                (4, "`tags` must be a list of names")
            ]
        );
        assert_eq!(fm.title.unwrap().value, "T");
    }

    #[test]
    fn unclosed_quotes_and_brackets_point_where_they_open() {
        let e = parse("a.md", "id: x\ntitle: [unclosed\nseverity: SEV4\n", 2).unwrap_err();
        assert_eq!((e.line, e.col), (3, 8));
        let e = parse("a.md", "id: x\ntitle: \"open\nseverity: SEV4\n", 2).unwrap_err();
        assert_eq!((e.line, e.col), (3, 8));
        let e = parse("a.md", "id: x\ntitle: t\nid: y\n", 2).unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "front matter gives `id` twice")
        );
    }

    #[test]
    fn a_hash_that_starts_a_comment_in_a_list_is_named() {
        // In a flow list, on the last line or with keys after it: at the `#`.
        for text in [
            "id: x\ntags: [cdn, #edge]\n",
            "id: x\ntags: [cdn, #edge]\ntitle: T\n",
        ] {
            let e = parse("a.md", text, 2).unwrap_err();
            assert_eq!((e.line, e.col), (3, 13), "{text}");
            assert!(e.message.starts_with("front matter is not valid YAML: "));
            assert_eq!(
                e.hint.as_deref(),
                Some(
                    "` #` starts a YAML comment, which hides the rest of this line and the `]` \
                     with it: write the name without `#`, or in quotes, `\"#edge\"`"
                ),
                "{text}"
            );
        }
        // A block item that is only a comment: at its dash, after a good item.
        let fm = parse("a.md", "id: x\nrelated:\n  - INC-1\n  - #INC-2\n", 2).unwrap();
        let e = &fm.errors[0];
        assert_eq!((e.line, e.col), (5, 3));
        assert_eq!(
            e.message,
            "empty name in `related`: `#INC-2` is a YAML comment"
        );
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "`#` after `- ` starts a comment: write the name without `#`, or in quotes, \
                 `- \"#INC-2\"`"
            )
        );
        // An empty item is placed at its own line, for validation's "empty name".
        let fm = parse("a.md", "id: x\ntags:\n  - a\n  -\n  - b\n", 2).unwrap();
        let places: Vec<_> = fm.tags.iter().map(|t| (t.line, t.col)).collect();
        assert_eq!(places, vec![(4, 5), (5, 3), (6, 5)]);
        // A `#` in a quoted name or after a closed list is not this.
        assert!(parse("a.md", "id: x\ntags: [\"c #1\"]  # note\n", 2).is_ok());
    }

    #[test]
    fn a_quote_closed_lines_later_by_another_value_points_where_it_opens() {
        let at = |text: &str| {
            let e = parse("a.md", text, 2).unwrap_err();
            (e.line, e.col, e.message, e.hint.unwrap_or_default())
        };
        // The title's quote is closed by the one that opens `started`'s value.
        let (line, col, message, hint) =
            at("id: x\ntitle: \"Checkout outage\nseverity: SEV2\nstarted: \"14:23\"\n");
        assert_eq!((line, col), (3, 8));
        assert_eq!(
            message,
            "front matter is not valid YAML: did not find expected key (after a quoted scalar \
             that opens here)"
        );
        assert_eq!(
            hint,
            "the quote opened here is not closed on its line: the value runs on to the quote at \
             line 5 column 10, and the parser noticed the problem after it"
        );
        // Single quotes, characters of several bytes before the quotes, a list after.
        let (line, col, _, hint) = at("id: x\ntitle: 'Café — outage\nowner: Zoë\ntags: [a, 'b']\n");
        assert_eq!((line, col), (3, 8));
        assert!(hint.contains("at line 5 column 11,"), "{hint}");
        // A quoted value of several lines that is closed where it should be is not blamed
        // for an error on a later line.
        let (line, col, message, _) = at("title: \"a\n  b\"\nx: y: z\n");
        assert_eq!((line, col), (4, 5), "{message}");
        assert_eq!(
            message,
            "front matter is not valid YAML: mapping values are not allowed in this context"
        );
    }
}
