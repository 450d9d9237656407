//! Syntax highlighting of fenced code blocks with syntect, as CSS classes (prefix `hl-`), so the
//! stylesheet (and its dark mode) decides the colours. The syntax set is loaded once, on the
//! first code block that names a language; a language syntect does not know is shown as plain,
//! escaped code. Highlighted blocks are cached by language and text for the life of the
//! process, so a block that did not change (in `serve`, or repeated across reports) is
//! highlighted once; [`Store`] keeps them between runs of `pirsite build`.

use crate::text::escape_html;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use syntect::html::{ClassStyle, line_tokens_to_classed_spans};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference};
use syntect::util::LinesWithEndings;

/// Class prefix of highlighted tokens.
pub const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Blocks by [`block_key`].
type Blocks = RwLock<HashMap<u128, Arc<str>>>;

/// Blocks highlighted or taken from the store in this process.
fn cache() -> &'static Blocks {
    static CACHE: OnceLock<Blocks> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Blocks read from a [`Store`] and not asked for yet.
fn stored() -> &'static Blocks {
    static STORED: OnceLock<Blocks> = OnceLock::new();
    STORED.get_or_init(Default::default)
}

/// Blocks highlighted (not found in a cache) in this process.
static FRESH: AtomicUsize = AtomicUsize::new(0);

/// A block's key: two 64-bit hashes of its language and text, told apart by a leading byte,
/// so two different blocks share a key with a chance of about 2^-128 (the way build caches
/// fingerprint their inputs).
fn block_key(code: &str, lang: &str) -> u128 {
    let half = |part: u8| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (part, lang, code).hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// A `<pre><code>` block for `code` in `lang` (the info string's first word), from the cache
/// when the same block was highlighted before.
pub fn code_block(code: &str, lang: &str) -> Arc<str> {
    let key = block_key(code, lang);
    if let Some(html) = cache().read().ok().and_then(|c| c.get(&key).cloned()) {
        return html;
    }
    let kept = stored().write().ok().and_then(|mut s| s.remove(&key));
    let html: Arc<str> = match kept {
        Some(html) => html,
        None => {
            FRESH.fetch_add(1, Ordering::Relaxed);
            highlight(code, lang).into()
        }
    };
    if let Ok(mut c) = cache().write() {
        c.insert(key, Arc::clone(&html));
    }
    html
}

/// Highlighted blocks kept between builds in `.pirsite-cache/highlight.bin` under the site root
/// ([`crate::cache`]), as Jekyll keeps converted Markdown in `.jekyll-cache`: highlighting with
/// the pure-Rust regex engine is the costliest part of rendering, and most blocks of an archive
/// do not change from one build to the next.
///
/// After the stamp line, per block: its 16-byte key, its length (4 bytes, little-endian) and
/// its HTML.
pub struct Store {
    folder: PathBuf,
    stamp: String,
    /// Blocks read from the file.
    read: usize,
}

/// Version of the file layout and of what [`highlight`] writes; the executable's stamp covers
/// the rest.
const STORE_FORMAT: u32 = 1;
const STORE_FILE: &str = "highlight.bin";

impl Store {
    /// Reads the blocks kept under `root` into the process's cache; `None` when the running
    /// executable cannot be identified (no stamp, no cache).
    pub fn open(root: &Path) -> Option<Store> {
        let stamp = crate::cache::stamp(root, "highlight cache", STORE_FORMAT)?;
        let folder = root.join(crate::cache::CACHE_DIR);
        let blocks = crate::cache::read_file(&folder, STORE_FILE, &stamp)
            .and_then(|bytes| read_blocks(&bytes, &stamp))
            .unwrap_or_default();
        let read = blocks.len();
        if let Ok(mut s) = stored().write() {
            s.extend(blocks);
        }
        Some(Store {
            folder,
            stamp,
            read,
        })
    }

    /// Blocks read from the file.
    pub fn blocks_read(&self) -> usize {
        self.read
    }

    /// Writes the blocks this process used back, when they differ from the ones read: some
    /// were highlighted afresh, or some read were not used (the file keeps only what the last
    /// build showed). Returns whether the file was written.
    pub fn save(self) -> std::io::Result<bool> {
        let unused = stored().read().map(|s| s.len()).unwrap_or(0);
        if FRESH.load(Ordering::Relaxed) == 0 && unused == 0 {
            return Ok(false);
        }
        let blocks = cache()
            .read()
            .map_err(|_| std::io::Error::other("poisoned"))?;
        self.write(&blocks).map(|()| true)
    }

    /// Writes `blocks`, ordered by key so that the same blocks make the same file.
    fn write(&self, blocks: &HashMap<u128, Arc<str>>) -> std::io::Result<()> {
        let mut keys: Vec<&u128> = blocks.keys().collect();
        keys.sort_unstable();
        crate::cache::write_file(&self.folder, STORE_FILE, |out| {
            out.write_all(self.stamp.as_bytes())?;
            for key in keys {
                let html = &blocks[key];
                let Ok(len) = u32::try_from(html.len()) else {
                    continue;
                };
                out.write_all(&key.to_le_bytes())?;
                out.write_all(&len.to_le_bytes())?;
                out.write_all(html.as_bytes())?;
            }
            Ok(())
        })
    }
}

/// The blocks of a cache file written with `stamp`; `None` when it was written by another
/// executable or does not read back exactly.
fn read_blocks(bytes: &[u8], stamp: &str) -> Option<HashMap<u128, Arc<str>>> {
    let mut rest = bytes.strip_prefix(stamp.as_bytes())?;
    let mut blocks = HashMap::new();
    while !rest.is_empty() {
        let key = u128::from_le_bytes(rest.get(..16)?.try_into().ok()?);
        let len = u32::from_le_bytes(rest.get(16..20)?.try_into().ok()?) as usize;
        let html = std::str::from_utf8(rest.get(20..20 + len)?).ok()?;
        blocks.insert(key, Arc::from(html));
        rest = &rest[20 + len..];
    }
    Some(blocks)
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
    let set = super::syntaxes::set();
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
    let ops = next_state.parse_line(line, super::syntaxes::set()).ok()?;
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
    fn stored_blocks_read_back_only_from_a_whole_file_with_the_same_stamp() {
        let mut bytes = b"stamp\n".to_vec();
        for (key, html) in [(7u128, "<pre>a</pre>"), (u128::MAX, "")] {
            bytes.extend_from_slice(&key.to_le_bytes());
            bytes.extend_from_slice(&(html.len() as u32).to_le_bytes());
            bytes.extend_from_slice(html.as_bytes());
        }
        let blocks = read_blocks(&bytes, "stamp\n").unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(&*blocks[&7], "<pre>a</pre>");
        assert_eq!(&*blocks[&u128::MAX], "");
        assert!(read_blocks(&bytes, "other\n").is_none());
        for cut in 1..=20 {
            assert!(read_blocks(&bytes[..bytes.len() - cut], "stamp\n").is_none() || cut == 20);
        }
        // Cutting the whole last block leaves a shorter file that is still whole.
        assert_eq!(
            read_blocks(&bytes[..bytes.len() - 20], "stamp\n")
                .unwrap()
                .len(),
            1
        );
        let mut bad = bytes.clone();
        bad[6 + 20] = 0xff;
        assert!(read_blocks(&bad, "stamp\n").is_none(), "not UTF-8");
    }

    #[test]
    fn blocks_differing_in_language_or_text_have_different_keys() {
        assert_ne!(block_key("a", "sql"), block_key("a", "yaml"));
        assert_ne!(block_key("a", "sql"), block_key("b", "sql"));
        assert_ne!(block_key("ab", ""), block_key("a", "b"));
        assert_eq!(block_key("a", "sql"), block_key("a", "sql"));
    }

    /// The HTML of a few blocks like the archive's, as syntect 5.3 with fancy-regex 0.16 and
    /// 0.20 both write it (vendor/syntect/PATCHED.md): a change of engine or syntaxes that
    /// changes what readers see fails here.
    #[test]
    fn blocks_are_highlighted_as_before() {
        let expected = [
            include_str!("../../tests/fixtures/highlight/sql.html"),
            include_str!("../../tests/fixtures/highlight/yaml.html"),
            include_str!("../../tests/fixtures/highlight/bash.html"),
        ];
        for ((lang, code), expected) in GOLDEN.iter().zip(expected) {
            assert_eq!(&*highlight(code, lang), expected, "{lang}");
        }
    }

    #[test]
    fn unknown_language_is_escaped_plain() {
        assert_eq!(
            &*code_block("<b>\n", "nosuchlang"),
            "<pre><code class=\"language-nosuchlang\">&lt;b&gt;\n</code></pre>\n"
        );
    }

    const GOLDEN: [(&str, &str); 3] = [
        (
            "sql",
            "-- rows affected\nSELECT status, count(*) AS n\nFROM orders\nWHERE created_at BETWEEN '2024-03-14 19:21' AND '2024-03-14 21:13'\n  AND service = 'billing'\nGROUP BY status;\n",
        ),
        (
            "yaml",
            "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 12 # was 3\n  template:\n    spec:\n      containers:\n        - name: inventory\n          image: registry.example.internal/inventory:v4.20.6\n",
        ),
        (
            "bash",
            "# roll back and watch\nkubectl -n prod rollout undo deployment/billing\nfor i in $(seq 1 10); do\n  curl -s -o /dev/null -w '%{http_code}\\n' \"https://billing.example.internal/healthz\"\n  sleep 5\ndone\n",
        ),
    ];
}
