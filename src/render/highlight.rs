//! Syntax highlighting of fenced code blocks with syntect, as CSS classes (prefix `hl-`), so the
//! stylesheet (and its dark mode) decides the colours. The syntax set is loaded once, on the
//! first code block that names a language; a language syntect does not know is shown as plain,
//! escaped code. Highlighted blocks are cached by language and text for the life of the
//! process, so a block that did not change (in `serve`, or repeated across reports) is
//! highlighted once.

use crate::text::escape_html;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock, RwLock};
use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Class prefix of highlighted tokens.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

type Cache = RwLock<HashMap<(u64, usize), Arc<str>>>;

fn cache() -> &'static Cache {
    static CACHE: OnceLock<Cache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// A `<pre><code>` block for `code` in `lang` (the info string's first word), from the cache
/// when the same block was highlighted before.
pub fn code_block(code: &str, lang: &str) -> Arc<str> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (lang, code).hash(&mut h);
    let key = (h.finish(), code.len());
    if let Some(html) = cache().read().ok().and_then(|c| c.get(&key).cloned()) {
        return html;
    }
    let html: Arc<str> = highlight(code, lang).into();
    if let Ok(mut c) = cache().write() {
        c.insert(key, Arc::clone(&html));
    }
    html
}

fn highlight(code: &str, lang: &str) -> String {
    let lang = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
    let plain = || {
        let class = if lang.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape_html(lang))
        };
        format!("<pre><code{class}>{}</code></pre>\n", escape_html(code))
    };
    if lang.is_empty() || matches!(lang, "text" | "plain" | "txt") {
        return plain();
    }
    let set = syntaxes();
    let alias = match lang {
        "sh" | "shell" | "console" => "bash",
        "yml" => "yaml",
        "py" => "python",
        "rs" => "rust",
        "js" => "javascript",
        "log" => "log",
        other => other,
    };
    let Some(syntax) = set.find_syntax_by_token(alias) else {
        return plain();
    };
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    let mut open_spans: isize = 0;
    let mut html = String::with_capacity(code.len() * 3);
    for line in LinesWithEndings::from(code) {
        let Some(done) = highlight_line(syntax, line, &state, &stack) else {
            return plain();
        };
        html.push_str(&done.html);
        open_spans += done.delta;
        state = done.state.clone();
        stack = done.stack.clone();
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    format!(
        "<pre class=\"hl\"><code class=\"language-{}\">{html}</code></pre>\n",
        escape_html(lang),
    )
}

/// One highlighted line: its HTML, the spans it opens (or closes, when negative) and the
/// parser state after it.
struct Line {
    html: String,
    delta: isize,
    state: ParseState,
    stack: ScopeStack,
}

/// Lines seen before, by syntax and text, each with the states it was highlighted from.
type LineCache =
    RwLock<HashMap<usize, HashMap<Box<str>, Vec<(ParseState, ScopeStack, Arc<Line>)>>>>;

fn line_cache() -> &'static LineCache {
    static CACHE: OnceLock<LineCache> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Highlights one line (with its newline) from `state` and `stack`, exactly as
/// `ClassedHTMLGenerator` does. Parsing a line depends only on the line and the state before
/// it, so a line seen before in the same state is taken from the cache: code blocks of an
/// archive repeat many lines (commands, keys, headers), and each is parsed once.
fn highlight_line(
    syntax: &SyntaxReference,
    line: &str,
    state: &ParseState,
    stack: &ScopeStack,
) -> Option<Arc<Line>> {
    // The syntax set lives for the whole process: a syntax is known by its address.
    let syntax_key = std::ptr::from_ref(syntax) as usize;
    if let Ok(cache) = line_cache().read()
        && let Some(seen) = cache.get(&syntax_key).and_then(|lines| lines.get(line))
        && let Some((_, _, done)) = seen.iter().find(|(p, s, _)| p == state && s == stack)
    {
        return Some(Arc::clone(done));
    }
    let mut next_state = state.clone();
    let mut next_stack = stack.clone();
    let ops = next_state.parse_line(line, syntaxes()).ok()?;
    let (html, delta) =
        line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut next_stack).ok()?;
    let done = Arc::new(Line {
        html,
        delta,
        state: next_state,
        stack: next_stack,
    });
    if let Ok(mut cache) = line_cache().write() {
        let seen = cache
            .entry(syntax_key)
            .or_default()
            .entry(line.into())
            .or_default();
        if seen.len() < 8 {
            seen.push((state.clone(), stack.clone(), Arc::clone(&done)));
        }
    }
    Some(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = code_block("SELECT 1;\n", "sql");
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(html.starts_with("<pre class=\"hl\"><code class=\"language-sql\">"));
    }

    #[test]
    fn unknown_language_is_escaped_plain() {
        assert_eq!(
            &*code_block("<b>\n", "nosuchlang"),
            "<pre><code class=\"language-nosuchlang\">&lt;b&gt;\n</code></pre>\n"
        );
    }
}
