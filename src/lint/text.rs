//! Text helpers of the lints: sentences of a Markdown section with their offsets, and words
//! normalised for matching (lowercase, typographic quotes folded, contractions expanded).

use crate::text::FastBuild;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use regex::Regex;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A word list as a hash set.
pub type WordSet = HashSet<&'static str, FastBuild>;

/// True when `w` is in `list`: short lists are searched, long ones looked up in `set`, built
/// from the list on first use (see the `word_in!` macro).
#[inline]
pub fn in_list(set: &OnceLock<WordSet>, list: &'static [&'static str], w: &str) -> bool {
    if list.len() <= 16 {
        return list.contains(&w);
    }
    set.get_or_init(|| list.iter().copied().collect())
        .contains(w)
}

/// True when `w` is in the word list `list`. Long lists are looked up through a hash set built
/// once per list and thread (keyed by the list's address, so lists are `static`s), short ones
/// directly.
pub fn is(list: &'static [&'static str], w: &str) -> bool {
    if list.len() <= 16 {
        return list.contains(&w);
    }
    type Sets = HashMap<usize, HashSet<&'static str, FastBuild>, FastBuild>;
    thread_local! {
        static SETS: RefCell<Sets> = RefCell::new(HashMap::default());
    }
    SETS.with(|sets| {
        let key = list.as_ptr() as usize;
        if let Some(set) = sets.borrow().get(&key) {
            return set.contains(w);
        }
        let set: HashSet<&'static str, FastBuild> = list.iter().copied().collect();
        let found = set.contains(w);
        sets.borrow_mut().insert(key, set);
        found
    })
}

/// A word as the lints compare it: interned, so splitting a sentence into words allocates
/// nothing for words seen before, and a word is copied as a pointer. The vocabulary of an
/// archive is a few thousand words; each thread keeps the words it has seen for the life of
/// the process.
#[derive(Clone, Copy)]
pub struct Word(&'static str);

/// The one copy of `s` this thread keeps.
fn intern(s: &str) -> &'static str {
    thread_local! {
        static WORDS: RefCell<HashSet<&'static str, FastBuild>> = RefCell::new(HashSet::default());
    }
    WORDS.with(|words| {
        if let Some(w) = words.borrow().get(s) {
            return *w;
        }
        let w: &'static str = Box::leak(s.into());
        words.borrow_mut().insert(w);
        w
    })
}

impl Word {
    /// `s` as a word.
    pub fn new(s: &str) -> Word {
        Word(intern(s))
    }

    /// `s` in lowercase (as `str::to_lowercase`).
    fn lowercase(s: &str) -> Word {
        let mut buf = [0u8; 64];
        if s.len() <= buf.len() && s.is_ascii() {
            for (b, c) in buf.iter_mut().zip(s.bytes()) {
                *b = c.to_ascii_lowercase();
            }
            if let Ok(lower) = std::str::from_utf8(&buf[..s.len()]) {
                return Word::new(lower);
            }
        }
        Word::new(&s.to_lowercase())
    }

    /// The word.
    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl std::ops::Deref for Word {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Word {
    fn eq(&self, other: &Word) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Word {}

impl PartialEq<str> for Word {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Word {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Debug for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Word {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One word or punctuation mark of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lowercase form.
    pub word: Word,
    /// Starts with an uppercase letter followed by a lowercase one (`Sarah`, not `DNS`).
    pub titlecase: bool,
    /// Has an uppercase letter after the first (`PagerDuty`, `GitHub`): a product, not a name.
    pub inner_caps: bool,
    /// A punctuation mark rather than a word.
    pub punct: bool,
}

impl Token {
    /// The token of a word as written (`w` is not empty).
    fn word(w: &str) -> Token {
        if w.is_ascii() {
            let b = w.as_bytes();
            let first_upper = b.first().is_some_and(u8::is_ascii_uppercase);
            let inner_caps = b.iter().skip(1).any(u8::is_ascii_uppercase);
            return Token {
                titlecase: first_upper && b.get(1).is_none_or(u8::is_ascii_lowercase),
                inner_caps,
                // Most words are written in lowercase: those are their own lowercase form.
                word: if first_upper || inner_caps {
                    Word::lowercase(w)
                } else {
                    Word::new(w)
                },
                punct: false,
            };
        }
        let mut cs = w.chars();
        let first = cs.next().unwrap_or(' ');
        let second = cs.next();
        Token {
            titlecase: first.is_uppercase() && second.is_none_or(|c| c.is_lowercase()),
            inner_caps: w.chars().skip(1).any(|c| c.is_uppercase()),
            word: Word::lowercase(w),
            punct: false,
        }
    }

    /// The possessive `'s`, a token of its own.
    fn possessive() -> Token {
        Token {
            word: Word("'s"),
            titlecase: false,
            inner_caps: false,
            punct: false,
        }
    }

    /// An ASCII punctuation mark, without looking it up.
    fn punct_ascii(mark: u8) -> Token {
        const BYTES: [u8; 128] = {
            let mut all = [0u8; 128];
            let mut i = 0;
            while i < 128 {
                all[i] = i as u8;
                i += 1;
            }
            all
        };
        /// Every ASCII character, each one a word's text.
        const ASCII: &str = match std::str::from_utf8(&BYTES) {
            Ok(s) => s,
            Err(_) => panic!("ASCII is UTF-8"),
        };
        let at = usize::from(mark & 0x7f);
        Token {
            word: Word(&ASCII[at..at + 1]),
            titlecase: false,
            inner_caps: false,
            punct: true,
        }
    }

    /// A punctuation mark.
    fn punct(c: char) -> Token {
        Token {
            word: Word::new(c.encode_utf8(&mut [0u8; 4])),
            titlecase: false,
            inner_caps: false,
            punct: true,
        }
    }
}

/// Folds typographic quotes and expands contractions: "didn’t" becomes "did not",
/// "should’ve" "should have", "John’s" "John 's".
pub fn normalize(s: &str) -> Cow<'_, str> {
    let folded = |c: char| match c {
        '\u{2019}' | '\u{2018}' | '`' => Some('\''),
        '\u{201c}' | '\u{201d}' => Some('"'),
        '\u{2013}' | '\u{2014}' => Some('-'),
        _ => None,
    };
    // Of the characters folded only '`' is ASCII: ASCII text, most text, is searched for it
    // alone (a test holds this and the search for `annot` below to the plain forms).
    let folds = if s.is_ascii() {
        s.as_bytes().contains(&b'`')
    } else {
        s.chars().any(|c| folded(c).is_some())
    };
    let out: Cow<'_, str> = if folds {
        Cow::Owned(s.chars().map(|c| folded(c).unwrap_or(c)).collect())
    } else {
        Cow::Borrowed(s)
    };
    // Text with neither an apostrophe nor `annot` is left as it is. `annot` is found by its
    // `a`s: a substring search sets up more than that costs on a sentence.
    let b = out.as_bytes();
    if !b.contains(&b'\'') && !memchr::memchr_iter(b'a', b).any(|i| b[i + 1..].starts_with(b"nnot"))
    {
        return out;
    }
    expand_contractions(out)
}

/// The contractions of `text` expanded ([`normalize`] after folding).
fn expand_contractions(mut out: Cow<'_, str>) -> Cow<'_, str> {
    static RE: OnceLock<[(Regex, &'static str); 5]> = OnceLock::new();
    let res = RE.get_or_init(|| {
        [
            (Regex::new(r"(?i)\b(can)not\b").unwrap(), "$1 not"),
            (Regex::new(r"(?i)\bwon't\b").unwrap(), "will not"),
            (Regex::new(r"(?i)\b(ca|[a-z]+)n't\b").unwrap(), "$1 not"),
            (Regex::new(r"(?i)\b([a-z]+)'ve\b").unwrap(), "$1 have"),
            (Regex::new(r"(?i)\b([a-z]+)'s\b").unwrap(), "$1 's"),
        ]
    });
    for (re, with) in res.iter() {
        if let Cow::Owned(replaced) = re.replace_all(&out, *with) {
            out = Cow::Owned(replaced);
        }
    }
    if out.contains("ca not") {
        out = Cow::Owned(out.replace("ca not", "can not"));
    }
    out
}

/// Splits normalised text into words and punctuation marks. Hyphens, dots, underscores and
/// slashes inside a word keep it whole (`on-call`, `v2.4.1`, `cert_manager`).
pub fn tokenize(s: &str) -> Vec<Token> {
    let s = normalize(s);
    let s: &str = &s;
    if s.is_ascii() {
        return tokenize_ascii(s);
    }
    let mut out = Vec::new();
    // The character at byte offset `at`, if any.
    let char_at = |at: usize| s.get(at..).and_then(|rest| rest.chars().next());
    let inner = |c: char| matches!(c, '-' | '.' | '_' | '/' | '\'');
    let mut at = 0;
    while let Some(c) = char_at(at) {
        if c.is_alphanumeric() {
            let start = at;
            // Characters taken into the word so far.
            let mut taken = 0;
            while let Some(x) = char_at(at) {
                let after = at + x.len_utf8();
                let next = char_at(after);
                let keep = x.is_alphanumeric()
                    || (inner(x)
                        && next.is_some_and(|n| n.is_alphanumeric())
                        && !(x == '\'' && taken > 1 && next == Some('s')));
                if !keep {
                    break;
                }
                at = after;
                taken += 1;
            }
            out.push(Token::word(&s[start..at]));
        } else if c == '\'' && char_at(at + 1) == Some('s') {
            out.push(Token::possessive());
            at += 2;
        } else {
            if !c.is_whitespace() {
                out.push(Token::punct(c));
            }
            at += c.len_utf8();
        }
    }
    out
}

/// [`tokenize`] of normalised ASCII text, byte by byte: most report text is ASCII, and on
/// it each character test is one comparison (the tests hold the two forms to one result).
fn tokenize_ascii(s: &str) -> Vec<Token> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 4);
    let inner = |c: u8| matches!(c, b'-' | b'.' | b'_' | b'/' | b'\'');
    let mut at = 0;
    while let Some(&c) = b.get(at) {
        if c.is_ascii_alphanumeric() {
            let start = at;
            // Characters taken into the word so far.
            let mut taken = 0;
            while let Some(&x) = b.get(at) {
                let next = b.get(at + 1).copied();
                let keep = x.is_ascii_alphanumeric()
                    || (inner(x)
                        && next.is_some_and(|n| n.is_ascii_alphanumeric())
                        && !(x == b'\'' && taken > 1 && next == Some(b's')));
                if !keep {
                    break;
                }
                at += 1;
                taken += 1;
            }
            out.push(Token::word(&s[start..at]));
        } else if c == b'\'' && b.get(at + 1) == Some(&b's') {
            out.push(Token::possessive());
            at += 2;
        } else {
            // `char::is_whitespace`, which also takes the vertical tab.
            if !char::from(c).is_whitespace() {
                out.push(Token::punct_ascii(c));
            }
            at += 1;
        }
    }
    out
}

/// A sentence of report text and the byte offset in the Markdown where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The sentence as plain text (inline code kept as its text).
    pub text: String,
    /// Byte offset of its first character in the Markdown it came from.
    pub offset: usize,
}

fn leading_time() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}[ T])?\d{1,2}:\d{2}(?::\d{2})?\s*(?:UTC|Z)?\s*[-–—:|]?\s*")
            .unwrap()
    })
}

/// Length of the clock time (and date) `text` starts with, as [`leading_time`] matches it; 0
/// when it starts with none. Most text starts with no digit and is not searched.
fn leading_clock_time(text: &str) -> usize {
    let timed = text.trim_start().starts_with(|c: char| c.is_numeric()) && text.contains(':');
    if !timed {
        return 0;
    }
    // `HH:MM text`, the form nearly every timeline entry is written in: each optional part
    // of the pattern after the time is absent when the text starts with a letter or digit
    // other than the `U` of `UTC` or `Z`.
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if digit(0)
        && digit(1)
        && b.get(2) == Some(&b':')
        && digit(3)
        && digit(4)
        && b.get(5) == Some(&b' ')
        && b.get(6)
            .is_some_and(|&c| c.is_ascii_alphanumeric() && c != b'U' && c != b'Z')
    {
        return 6;
    }
    leading_time().find(text).map_or(0, |m| m.end())
}

/// The sentences of `markdown`: the text of each paragraph, list item, heading and table cell,
/// split at sentence ends. Code blocks and HTML (comments) are skipped; a timeline entry's
/// leading clock time is dropped.
pub fn sentences(markdown: &str) -> Vec<Sentence> {
    plain_sentences(markdown).unwrap_or_else(|| parsed_sentences(markdown))
}

/// [`sentences`], read with the Markdown parser.
fn parsed_sentences(markdown: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    // The text of the current block, and where each piece of it starts: (offset in the
    // text, offset in the Markdown).
    let mut block = Block::default();
    let mut in_code = false;
    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                block.flush(&mut out);
                in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) if !in_code => {
                // Where the text is in the source: most often verbatim at the start.
                let src = &markdown[range.clone()];
                let offset = if src.starts_with(t.as_ref()) {
                    range.start
                } else {
                    src.find(t.as_ref())
                        .map_or(range.start, |p| range.start + p)
                };
                block.push(&t, offset);
            }
            Event::SoftBreak | Event::HardBreak => block.push(" ", range.start),
            Event::Start(Tag::Paragraph | Tag::Item | Tag::Heading { .. } | Tag::TableCell)
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_) | TagEnd::TableCell,
            )
            | Event::Start(Tag::List(_)) => block.flush(&mut out),
            _ => {}
        }
    }
    block.flush(&mut out);
    out
}

/// [`sentences`] of Markdown that is nothing but paragraphs of plain text, lists of one-line
/// items and fenced code blocks, found without the Markdown parser (most summaries,
/// timelines, descriptions and definitions of done are such text, and the lints read
/// thousands of them); `None` for any other Markdown. Plain text here is ASCII with none of
/// the characters that start Markdown syntax (`` \`*_[]!<>&|#= ``; `~` only strikes through
/// with an option the lints do not set), no tab, no control character and no space at the
/// end of a line; a paragraph line starts with a letter; an item is a marker (`-`, `*`, `+`,
/// `1.` or `1)`), one space and such text, separated from a paragraph by an empty line. A
/// code block opens with three or more backticks at the start of a line after an empty line
/// (an info string without backticks may follow) and closes at a line of at least as many
/// backticks, nothing else but trailing spaces; a line inside that starts with backticks
/// otherwise, or a block never closed, is left to the parser. Markdown reads it all as
/// paragraphs split at empty lines, lines joined by a space, items each on its own, and code
/// skipped (the tests hold the two to the same result).
fn plain_sentences(markdown: &str) -> Option<Vec<Sentence>> {
    /// What a line of plain Markdown is.
    #[derive(Clone, Copy, PartialEq)]
    enum Line {
        Empty,
        /// A line of a paragraph.
        Text,
        /// A list item of one line; its text starts at this offset in the line.
        Item(usize),
    }
    /// The bytes plain text is made of, by value: printable ASCII but the characters that
    /// start Markdown syntax.
    const PLAIN: [bool; 256] = {
        let mut table = [false; 256];
        let mut b = b' ';
        while b <= b'~' {
            table[b as usize] = true;
            b += 1;
        }
        let special = b"\\`*_[]!<>&|#=";
        let mut i = 0;
        while i < special.len() {
            table[special[i] as usize] = false;
            i += 1;
        }
        table
    };
    let plain = |s: &str| !s.ends_with(' ') && s.bytes().all(|b| PLAIN[usize::from(b)]);
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let kind = |line: &str| -> Option<Line> {
        let b = line.as_bytes();
        let marker = match b.first() {
            None => return Some(Line::Empty),
            Some(c) if c.is_ascii_alphabetic() => return plain(line).then_some(Line::Text),
            Some(b'-' | b'*' | b'+') => 1,
            Some(c) if c.is_ascii_digit() => {
                let n = digits(b);
                if n > 9 || !matches!(b.get(n), Some(b'.' | b')')) {
                    return None;
                }
                n + 1
            }
            Some(_) => return None,
        };
        // One space after the marker, then text that cannot open anything else (a number
        // followed by `.` or `)` would be a list inside the item).
        let text = line.get(marker + 1..)?;
        let t = text.as_bytes();
        let opens = match t.first() {
            Some(c) if c.is_ascii_alphabetic() => true,
            Some(c) if c.is_ascii_digit() => !matches!(t.get(digits(t)), Some(b'.' | b')')),
            _ => false,
        };
        (b.get(marker) == Some(&b' ') && opens && plain(text)).then_some(Line::Item(marker + 1))
    };
    let mut out = Vec::new();
    let mut block = Block::default();
    let mut at = 0;
    let mut previous = Line::Empty;
    // The backticks of the fence of the code block the line is in, if any.
    let mut fence = 0;
    let backticks = |line: &str| line.bytes().take_while(|&b| b == b'`').count();
    for line in markdown.split('\n') {
        if fence > 0 {
            let n = backticks(line);
            if n >= fence && line[n..].bytes().all(|b| b == b' ') {
                fence = 0;
                previous = Line::Empty;
            } else if line.trim_start_matches([' ', '\t']).starts_with('`') {
                return None;
            }
            at += line.len() + 1;
            continue;
        }
        if line.starts_with("```") {
            let n = backticks(line);
            if previous != Line::Empty || line[n..].contains('`') {
                return None;
            }
            block.flush(&mut out);
            fence = n;
            at += line.len() + 1;
            continue;
        }
        let this = kind(line)?;
        match (previous, this) {
            // A line right after an item continues it, and an item right after a paragraph
            // line starts a list only sometimes: left to the parser.
            (Line::Item(_), Line::Text) | (Line::Text, Line::Item(_)) => return None,
            (_, Line::Empty) => block.flush(&mut out),
            (Line::Text, Line::Text) => {
                // The line break before this line, read as a space.
                block.push(" ", at - 1);
                block.push(line, at);
            }
            (_, Line::Text) => block.push(line, at),
            (_, Line::Item(text)) => {
                block.flush(&mut out);
                block.push(&line[text..], at + text);
            }
        }
        previous = this;
        at += line.len() + 1;
    }
    if fence > 0 {
        return None;
    }
    block.flush(&mut out);
    Some(out)
}

/// The text of one block of Markdown being collected, piece by piece.
#[derive(Default)]
struct Block {
    text: String,
    /// Where each piece starts: (offset in `text`, offset in the Markdown).
    starts: Vec<(usize, usize)>,
    /// The sentences of `text` as byte ranges, kept for the next block's room.
    spans: Vec<(usize, usize)>,
}

impl Block {
    fn push(&mut self, piece: &str, source: usize) {
        self.starts.push((self.text.len(), source));
        self.text.push_str(piece);
    }

    /// Splits the text collected into sentences, appended to `out`, and starts a new block.
    fn flush(&mut self, out: &mut Vec<Sentence>) {
        if self.starts.is_empty() {
            return;
        }
        let text = self.text.as_str();
        let starts = &self.starts;
        // The offset in the Markdown of `pos` in `text`: the last piece starting at or before
        // it, found by binary search (`starts` is sorted by its first field, as the text only
        // grows). A paragraph of many wrapped lines has two pieces per line and about as many
        // sentences, so a linear search here made a long paragraph quadratic.
        let source = |pos: usize| {
            let (at, off) = starts
                .partition_point(|&(at, _)| at <= pos)
                .checked_sub(1)
                .map_or((0, 0), |i| starts[i]);
            off + (pos - at)
        };
        let skip = leading_clock_time(text);
        split_sentences(text, skip, &mut self.spans);
        for &(start, end) in &self.spans {
            let s = text[start..end].trim();
            if s.chars().any(char::is_alphabetic) {
                let lead = text[start..end].len() - text[start..end].trim_start().len();
                out.push(Sentence {
                    text: s.to_string(),
                    offset: source(start + lead),
                });
            }
        }
        self.text.clear();
        self.starts.clear();
    }
}

/// Byte ranges of the sentences of `text` from `from`: a sentence ends at `.`, `!` or `?`
/// followed by a space and an uppercase letter, a digit or a quote (so `v2.4.1` and `e.g. a`
/// do not end one), or at `;`.
fn split_sentences(text: &str, from: usize, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut start = from;
    let bytes = text.as_bytes();
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        let end = match b {
            b'.' | b'!' | b'?' => {
                let mut j = i + 1;
                while j < bytes.len() && matches!(bytes[j], b'.' | b'!' | b'?' | b')' | b'"') {
                    j += 1;
                }
                let ws = j < bytes.len() && bytes[j].is_ascii_whitespace();
                let next = text[j..].trim_start().chars().next();
                if j >= bytes.len()
                    || (ws
                        && next.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == '"'))
                {
                    Some(j)
                } else {
                    None
                }
            }
            b';' => Some(i + 1),
            _ => None,
        };
        if let Some(e) = end {
            out.push((start, e));
            start = e;
            i = e;
        } else {
            i += 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contractions_expand() {
        assert_eq!(
            normalize("Tom didn’t check; it wasn't there; we can't; John's"),
            "Tom did not check; it was not there; we can not; John 's"
        );
        assert_eq!(
            normalize("Sarah should've known"),
            "Sarah should have known"
        );
    }

    /// [`tokenize`] as first written, over an array of characters: the reference the
    /// byte-offset form is held to.
    fn tokenize_by_index(s: &str) -> Vec<Token> {
        let s = normalize(s);
        let s: &str = &s;
        let mut out = Vec::new();
        let chars: Vec<(usize, char)> = s.char_indices().collect();
        let byte = |i: usize| chars.get(i).map(|&(b, _)| b).unwrap_or(s.len());
        let ch = |i: usize| chars.get(i).map(|&(_, c)| c);
        let mut i = 0;
        let inner = |c: char| matches!(c, '-' | '.' | '_' | '/' | '\'');
        while i < chars.len() {
            let c = chars[i].1;
            if c.is_alphanumeric() {
                let start = i;
                while i < chars.len()
                    && (chars[i].1.is_alphanumeric()
                        || (inner(chars[i].1)
                            && ch(i + 1).is_some_and(|n| n.is_alphanumeric())
                            && !(chars[i].1 == '\'' && i > start + 1 && ch(i + 1) == Some('s'))))
                {
                    i += 1;
                }
                out.push(Token::word(&s[byte(start)..byte(i)]));
            } else if c == '\'' && ch(i + 1) == Some('s') {
                out.push(Token::possessive());
                i += 2;
            } else {
                if !c.is_whitespace() {
                    out.push(Token::punct(c));
                }
                i += 1;
            }
        }
        out
    }

    #[test]
    fn tokens_are_those_of_the_character_array_form() {
        let pieces = [
            "Tom",
            "o'neil",
            "John's",
            "it's",
            "a's",
            "ab's",
            "x",
            "'s",
            "'",
            "s",
            " ",
            "-",
            "on-call",
            "v2.4.1",
            "cert_manager",
            "/",
            ".",
            "Ünïcode",
            "éa",
            "ß",
            "İ",
            "\u{2019}s",
            "didn\u{2019}t",
            "can't",
            "cannot",
            "—",
            "PagerDuty",
            "DNS",
            "9",
            "\t",
            "_",
            "a/b",
            "x-",
            "-y",
            "''s",
            "\u{b}",
            "!",
            "A1",
        ];
        let lines = crate::text::combinations(&[&pieces[..]; 3]);
        for line in &lines {
            assert_eq!(tokenize(line), tokenize_by_index(line), "{line:?}");
        }
    }

    #[test]
    fn clock_times_are_skipped_as_the_pattern_finds_them() {
        for text in [
            "14:23 Deploy",
            " 14:23 UTC - x",
            "\u{a0}9:05: x",
            "2024-03-15 14:23 x",
            "2024-03-15T14:23Z x",
            "\u{661}\u{664}:\u{662}\u{663} x",
            "x 14:23",
            "14h30",
            "Deploy",
            "",
            ":",
            "1:",
            "²14:23",
            "01:04 Traffic rises",
            "01:04 UTC Traffic",
            "01:04 Zulu",
            "01:04 utc x",
            "01:04 9 pods",
            "01:04 - x",
            "01:04  x",
            "01:04:05 x",
            "01:04 é",
            "1:04 x",
        ] {
            let want = leading_time().find(text).map_or(0, |m| m.end());
            assert_eq!(leading_clock_time(text), want, "{text:?}");
        }
    }

    #[test]
    fn normalize_skips_only_text_with_nothing_to_change() {
        // `normalize` as it read before its ASCII path and its search for `annot` (a test
        // that the fast paths hold to): every character looked at, and the text searched for
        // `annot` as a substring.
        fn before(s: &str) -> String {
            let folded = |c: char| match c {
                '\u{2019}' | '\u{2018}' | '`' => Some('\''),
                '\u{201c}' | '\u{201d}' => Some('"'),
                '\u{2013}' | '\u{2014}' => Some('-'),
                _ => None,
            };
            let out: String = s.chars().map(|c| folded(c).unwrap_or(c)).collect();
            if !out.contains('\'') && !out.contains("annot") {
                return out;
            }
            expand_contractions(Cow::Owned(out)).into_owned()
        }
        let pieces: &[&str] = &[
            "",
            "a",
            "A",
            "cannot",
            "Cannot",
            "CANNOT",
            "annot",
            "annotation",
            "an not",
            "can",
            "didn't",
            "didn`t",
            "didn\u{2019}t",
            "won't",
            "John's",
            "should've",
            "\u{201c}",
            "\u{2014}",
            " ",
            "é",
            "\u{2013}annot",
            "a`",
            "nnot",
        ];
        let mut n = 0;
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b} {c}");
                    assert_eq!(normalize(&s), before(&s), "{s:?}");
                    n += 1;
                }
            }
        }
        assert_eq!(n, pieces.len().pow(3));
    }

    #[test]
    fn tokens_keep_compound_words() {
        let t = tokenize("The on-call engineer (Sarah) ran v2.4.1 in PagerDuty.");
        let words: Vec<&str> = t.iter().map(|t| t.word.as_str()).collect();
        assert_eq!(
            words,
            vec![
                "the",
                "on-call",
                "engineer",
                "(",
                "sarah",
                ")",
                "ran",
                "v2.4.1",
                "in",
                "pagerduty",
                "."
            ]
        );
        assert!(t[4].titlecase && !t[4].inner_caps);
        assert!(t[9].inner_caps);
        assert!(!tokenize("DNS")[0].titlecase);
    }

    #[test]
    fn plain_text_has_the_sentences_markdown_gives() {
        let lines = [
            "",
            "Tom forgot.",
            "A cfg broke. E.g. this one",
            "14:23 Deploy v2.4.1 begins.",
            "Error rate (5xx) above 2%; rollback: done",
            "- item",
            "1. first",
            "Ends with a space ",
            "Has `code`",
            "Has *stars*",
            "Has a [link](x)",
            "<!-- c -->",
            "A | B",
            "x  y",
            "Tab\there",
            "caf\u{e9} open",
            " indented",
            "#tag",
            "A&amp;B",
            "E = mc2",
            "Done!",
            "Setext",
            "===",
            "Deploy at 14:23 began; Sarah said \"no\" (twice).",
            "Why? Because. a",
            "One. Two! three? Four",
            "a",
            "- 14:23 Deploy v2.4.1 begins. Tom watches.",
            "- 2024-03-15 00:10 Next day",
            "1. First factor; second clause",
            "* Star item",
            "+ Plus item",
            "2) Paren item",
            "- ",
            "-x",
            "- - x",
            "- 1. nested",
            "- 1.5 seconds",
            "- 42",
            "10. Ten",
            "1234567890. Too long",
            "- Trailing ",
            "  - indented",
            "-  two spaces",
            "~865 failed requests ~ in all",
            "```",
            "```bash",
            "echo `hi`",
        ];
        let mut plain = 0;
        for a in lines {
            for b in lines {
                for c in [
                    "",
                    "\n",
                    "\n\n",
                    "\nLast line here.",
                    "\n- Item",
                    "\n\n3. Item",
                ] {
                    let md = format!("{a}\n{b}{c}");
                    if let Some(fast) = plain_sentences(&md) {
                        plain += 1;
                        assert_eq!(fast, parsed_sentences(&md), "{md:?}");
                    }
                }
            }
        }
        assert!(plain > 100, "{plain} read without the parser");
    }

    #[test]
    fn plain_code_blocks_are_skipped_as_markdown_skips_them() {
        let lines = [
            "",
            "Text here. More",
            "- Item",
            "1. One",
            "```",
            "```sh",
            "````",
            "``` ",
            "```a`b",
            "code line",
            "  ```",
            "`x`",
            "\t```",
        ];
        let mut plain = 0;
        let mut fenced = 0;
        for a in lines {
            for b in lines {
                for c in lines {
                    for d in lines {
                        for end in ["", "\n"] {
                            let md = format!("{a}\n{b}\n{c}\n{d}{end}");
                            if let Some(fast) = plain_sentences(&md) {
                                plain += 1;
                                fenced += usize::from(md.contains("```"));
                                assert_eq!(fast, parsed_sentences(&md), "{md:?}");
                            }
                        }
                    }
                }
            }
        }
        assert!(
            fenced > 100,
            "{fenced} code blocks read without the parser ({plain} texts)"
        );
    }

    /// A paragraph of 50,000 soft-wrapped lines, one sentence a line: each sentence is found
    /// at the start of its line, by both readers. The lookup of a sentence's offset once
    /// searched the pieces of the paragraph one by one, quadratic in its length (minutes at
    /// tens of megabytes); this size runs in a fraction of a second.
    #[test]
    fn a_long_wrapped_paragraph_has_every_sentence_at_its_line() {
        let n = 50_000;
        let mut md = String::new();
        let mut line_starts = Vec::with_capacity(n);
        for i in 0..n {
            line_starts.push(md.len());
            md.push_str(&format!("Line {i} of the paragraph ends here.\n"));
        }
        let fast = plain_sentences(&md).expect("plain text");
        assert_eq!(fast.len(), n);
        for (i, s) in fast.iter().enumerate() {
            assert_eq!(s.offset, line_starts[i], "sentence {i}");
            assert_eq!(s.text, format!("Line {i} of the paragraph ends here."));
        }
        assert_eq!(parsed_sentences(&md), fast);
        // Pieces split mid-sentence: an offset inside a later piece of the same line.
        let md = "Alpha beta gamma. Delta epsilon zeta.\n".repeat(n);
        let s = sentences(&md);
        assert_eq!(s.len(), 2 * n);
        let line = "Alpha beta gamma. Delta epsilon zeta.\n".len();
        for k in [0, 1, n - 1, n, 2 * n - 2, 2 * n - 1] {
            let want = (k / 2) * line + if k % 2 == 1 { 18 } else { 0 };
            assert_eq!(s[k].offset, want, "sentence {k}");
            assert_eq!(
                &md[want..want + 5],
                if k % 2 == 1 { "Delta" } else { "Alpha" }
            );
        }
    }

    #[test]
    fn sentences_have_offsets_and_skip_code_and_comments() {
        let md = "- 14:23 Deploy v2.4.1 begins. Tom watches.\n- 14:30 Done\n\n<!-- Tom forgot -->\n\n```\nTom forgot\n```\nA `cfg` broke. E.g. this one\n";
        let s = sentences(md);
        let texts: Vec<&str> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Deploy v2.4.1 begins.",
                "Tom watches.",
                "Done",
                "A cfg broke.",
                "E.g. this one"
            ]
        );
        assert_eq!(&md[s[1].offset..s[1].offset + 3], "Tom");
        assert_eq!(&md[s[3].offset..s[3].offset + 1], "A");
    }
}
