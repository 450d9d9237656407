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
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
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
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return plain();
        }
    }
    format!(
        "<pre class=\"hl\"><code class=\"language-{}\">{}</code></pre>\n",
        escape_html(lang),
        generator.finalize()
    )
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
