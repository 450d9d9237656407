//! Small text utilities shared by every stage: byte offsets to lines and columns, HTML escaping
//! and slugs.

/// Maps byte offsets of one text to 1-based line and column numbers.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> Self {
        LineIndex {
            starts: line_starts(text.as_bytes()),
        }
    }

    /// 1-based line of byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// 1-based line and column (in bytes) of byte `offset`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        (line, offset - self.starts[line - 1] + 1)
    }

    /// 1-based line and column of byte `offset` in `text` (the text this index was built from),
    /// the column counted in characters, as editors count it.
    pub fn char_line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.line(offset);
        let start = self.starts[line - 1];
        let end = offset.min(text.len());
        (
            line,
            char_col(&text[start.min(end)..], end - start.min(end)),
        )
    }

    /// [`LineIndex::char_line_col`], counting on from the place `last` found before when
    /// `offset` is after it on the same line; `last` becomes this place. Finding the places of
    /// many offsets along one long line is then linear in the line, not quadratic.
    pub fn char_line_col_from(
        &self,
        text: &str,
        offset: usize,
        last: &mut Option<Place>,
    ) -> (usize, usize) {
        let line = self.line(offset);
        let found = match *last {
            Some(p)
                if p.line == line
                    && p.offset <= offset
                    && offset <= text.len()
                    && text.is_char_boundary(p.offset)
                    && text.is_char_boundary(offset) =>
            {
                (line, p.col + text[p.offset..offset].chars().count())
            }
            _ => self.char_line_col(text, offset),
        };
        *last = Some(Place {
            offset,
            line: found.0,
            col: found.1,
        });
        found
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(usize::MAX)
    }
}

/// A byte offset with its line and column, for [`LineIndex::char_line_col_from`].
#[derive(Debug, Clone, Copy)]
pub struct Place {
    offset: usize,
    line: usize,
    col: usize,
}

/// Offsets where the lines of `text` start: 0 and the byte after every `\n`. The text is read
/// eight bytes at a time (reports are read whole, and this runs over every byte of them).
fn line_starts(text: &[u8]) -> Vec<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut starts = Vec::with_capacity(text.len() / 32 + 1);
    starts.push(0);
    let mut chunks = text.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        // Bytes equal to `\n` become zero; the high bit of each zero byte, and only those,
        // is set in `found`.
        let w = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ (ONES * u64::from(b'\n'));
        let mut found = !(((w & LOW7) + LOW7) | w | LOW7);
        while found != 0 {
            starts.push(base + (found.trailing_zeros() / 8) as usize + 1);
            found &= found - 1;
        }
        base += 8;
    }
    for (i, &b) in chunks.remainder().iter().enumerate() {
        if b == b'\n' {
            starts.push(base + i + 1);
        }
    }
    starts
}

/// 1-based character column of byte offset `at` in `line` (clamped to the line and rounded
/// down to a character boundary).
pub fn char_col(line: &str, at: usize) -> usize {
    let mut end = at.min(line.len());
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    line[..end].chars().count() + 1
}

/// Escapes text for HTML element content and attribute values, leaving out the code points a
/// page may not hold ([`without_forbidden`]).
pub fn escape_html(s: &str) -> String {
    let s = without_forbidden(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `c` is a code point an HTML page may not hold: a control character other than
/// tab, line feed, form feed and carriage return (U+0000–U+001F, U+007F–U+009F), or a
/// noncharacter (U+FDD0–U+FDEF, and the last two code points of every plane, U+FFFE, U+FFFF,
/// U+1FFFE, …).
pub fn is_forbidden(c: char) -> bool {
    let u = c as u32;
    matches!(u, 0..=0x08 | 0x0b | 0x0e..=0x1f | 0x7f..=0x9f)
        || (0xfdd0..=0xfdef).contains(&u)
        || u & 0xfffe == 0xfffe
}

/// Whether the byte at `at` of `s` (valid UTF-8) starts a forbidden code point
/// ([`is_forbidden`]), read from its bytes without decoding.
#[inline]
fn forbidden_at(s: &[u8], at: usize) -> bool {
    let byte = |i: usize| s.get(at + i).copied().unwrap_or(0);
    match s[at] {
        b'\t' | b'\n' | 0x0c | b'\r' => false,
        0..=0x1f | 0x7f => true,
        // U+0080–U+009F.
        0xc2 => (0x80..=0x9f).contains(&byte(1)),
        // U+FDD0–U+FDEF, U+FFFE, U+FFFF.
        0xef => {
            (byte(1) == 0xb7 && (0x90..=0xaf).contains(&byte(2)))
                || (byte(1) == 0xbf && byte(2) >= 0xbe)
        }
        // U+1FFFE, U+1FFFF, … U+10FFFF.
        0xf0..=0xf4 => byte(1) & 0x0f == 0x0f && byte(2) == 0xbf && byte(3) >= 0xbe,
        _ => false,
    }
}

/// Byte offset of the first forbidden code point ([`is_forbidden`]) of `s` at or after byte
/// `from`. Pages and reports hold such characters almost never, and this runs over all the
/// text of a build (every value a template shows) and every report's body, so the text is
/// read 32 bytes at a time, and a chunk that is not all plain ASCII eight bytes at a time: only a byte below `0x20`, `0x7f`, or the first byte of a non-ASCII character is
/// looked at on its own. (The test `forbidden_code_points_are_found_as_decoding_finds_them`
/// holds both to decoding the text.)
pub fn find_forbidden(s: &str, from: usize) -> Option<usize> {
    let bytes = s.as_bytes();
    let start = from.min(bytes.len());
    let mut at = start;
    while let Some(chunk) = bytes.get(at..at + CHUNK) {
        if !plain_chunk(chunk.try_into().expect("a chunk")) {
            for word in (at..at + CHUNK).step_by(8) {
                let w = u64::from_le_bytes(bytes[word..word + 8].try_into().expect("8 bytes"));
                if let Some(i) = first_in_word(bytes, word, w) {
                    return Some(i);
                }
            }
        }
        at += CHUNK;
    }
    while at + 8 <= bytes.len() {
        let w = u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        if let Some(i) = first_in_word(bytes, at, w) {
            return Some(i);
        }
        at += 8;
    }
    if at == bytes.len() {
        return None;
    }
    if at - start >= 8 {
        // The last eight bytes, the first of them read before and clean.
        let last = bytes.len() - 8;
        let w = u64::from_le_bytes(bytes[last..].try_into().expect("8 bytes"));
        return first_in_word(bytes, last, w);
    }
    // The last bytes as one word, padded with spaces, assembled in registers.
    let w = bytes[at..].iter().enumerate().fold(SPACES, |w, (i, &b)| {
        w & !(0xff << (8 * i)) | u64::from(b) << (8 * i)
    });
    first_in_word(bytes, at, w)
}

const SPACES: u64 = 0x2020_2020_2020_2020;

/// Bytes [`find_forbidden`] passes over at once when they are [`plain_chunk`].
const CHUNK: usize = 32;

/// True when every byte of `chunk` is printable ASCII or a tab, line feed, form feed or
/// carriage return, so that no forbidden code point starts in it: the common case of text,
/// where the eight-bytes-at-a-time reading still stops at every line feed. One test per byte,
/// folded without branches, which the compiler turns into a few vector instructions.
#[inline]
fn plain_chunk(chunk: &[u8; CHUNK]) -> bool {
    chunk.iter().fold(true, |plain, &b| {
        let allowed_control = (b == b'\t') | (b == b'\n') | (b == 0x0c) | (b == b'\r');
        plain & (b < 0x7f) & ((b >= 0x20) | allowed_control)
    })
}

/// The first forbidden code point among the eight bytes `w` of `bytes` at `at` (fewer at its
/// end, padded with spaces).
#[inline(always)]
fn first_in_word(bytes: &[u8], at: usize, w: u64) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let low = w & LOW7;
    // The high bit of each byte below 0x20, of each 0x7f, and of each byte from 0xc0 up (a
    // non-ASCII character's first byte); no carry crosses a byte, as each sum stays below
    // 0x100.
    let control = !((low + ONES * 0x60) | w) & HIGH;
    let delete = (low + ONES) & !w & HIGH;
    let lead = w & (w << 1) & HIGH;
    let mut look = control | delete | lead;
    while look != 0 {
        let i = at + (look.trailing_zeros() / 8) as usize;
        if forbidden_at(bytes, i) {
            return Some(i);
        }
        look &= look - 1;
    }
    None
}

/// Length in bytes of the terminal escape sequence that starts at `s[0]` (an ESC, U+001B), as
/// a terminal reads it (ECMA-48), or 1 when the ESC starts none: a control sequence
/// (`ESC [`, parameter bytes `0`–`?`, intermediate bytes ` `–`/`, a final byte `@`–`~`:
/// `ESC[31m`, `ESC[0m`, `ESC[2K`), a control string (`ESC ]`, `ESC P`, `ESC X`, `ESC ^`,
/// `ESC _`) up to BEL or `ESC \` on the same line (an OSC 8 link, a window title), or
/// intermediate bytes and a final byte `0`–`~` (`ESC(B`, `ESC=`, `ESC7`). A sequence never
/// runs past the end of a line.
pub fn escape_sequence_len(s: &[u8]) -> usize {
    let mut i = 1;
    match s.get(1) {
        Some(b'[') => {
            i = 2;
            while matches!(s.get(i), Some(0x30..=0x3f)) {
                i += 1;
            }
            while matches!(s.get(i), Some(0x20..=0x2f)) {
                i += 1;
            }
            if matches!(s.get(i), Some(0x40..=0x7e)) {
                i + 1
            } else {
                1
            }
        }
        Some(b']' | b'P' | b'X' | b'^' | b'_') => {
            // Ends at BEL or ST (`ESC \`); any other ESC, or a line end, ends the search, so
            // a line of unterminated strings is read once.
            for (j, &b) in s.iter().enumerate().skip(2) {
                match b {
                    0x07 => return j + 1,
                    0x1b if s.get(j + 1) == Some(&b'\\') => return j + 2,
                    0x1b | b'\n' | b'\r' => return 1,
                    _ => {}
                }
            }
            1
        }
        _ => {
            while matches!(s.get(i), Some(0x20..=0x2f)) {
                i += 1;
            }
            if matches!(s.get(i), Some(0x30..=0x7e)) {
                i + 1
            } else {
                1
            }
        }
    }
}

/// `s` without the code points a page may not hold ([`is_forbidden`]): NUL becomes U+FFFD
/// (as CommonMark replaces it), a terminal escape sequence ([`escape_sequence_len`]) is left
/// out whole, so `ESC[31mERROR ESC[0m` reads `ERROR ` as the terminal showed it, and every
/// other such code point is left out. Line breaks are always kept, so the text keeps its
/// lines. Borrowed when there is nothing to leave out, which is nearly always.
pub fn without_forbidden(s: &str) -> std::borrow::Cow<'_, str> {
    let Some(mut at) = find_forbidden(s, 0) else {
        return std::borrow::Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..at]);
    loop {
        let skip = match s.as_bytes()[at] {
            0 => {
                out.push('\u{fffd}');
                1
            }
            0x1b => escape_sequence_len(&s.as_bytes()[at..]),
            _ => s[at..].chars().next().map_or(1, char::len_utf8),
        };
        at += skip;
        match find_forbidden(s, at) {
            Some(next) => {
                out.push_str(&s[at..next]);
                at = next;
            }
            None => {
                out.push_str(&s[at..]);
                break;
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it, without parsing a format string each time
/// (pages write hundreds of thousands of dates).
pub fn ymd(d: chrono::NaiveDate) -> String {
    let mut s = String::with_capacity(16);
    push_ymd(&mut s, d);
    s
}

/// `YYYY-MM-DD HH:MM` with `sep` between the date and the time (`' '` or `'T'`).
pub fn ymd_hm(t: chrono::NaiveDateTime, sep: char) -> String {
    let mut s = String::with_capacity(16);
    push_ymd(&mut s, t.date());
    s.push(sep);
    push_hm(&mut s, t.time());
    s
}

/// `HH:MM`.
pub fn hm(t: chrono::NaiveTime) -> String {
    let mut s = String::with_capacity(5);
    push_hm(&mut s, t);
    s
}

fn push_digits(s: &mut String, n: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut v = n;
    let mut len = 0;
    while v > 0 || len == 0 {
        buf[9 - len] = b'0' + (v % 10) as u8;
        v /= 10;
        len += 1;
    }
    for _ in len..width {
        s.push('0');
    }
    s.push_str(std::str::from_utf8(&buf[10 - len..]).expect("ASCII digits"));
}

fn push_ymd(s: &mut String, d: chrono::NaiveDate) {
    use chrono::Datelike;
    let year = d.year();
    if !(0..=9999).contains(&year) {
        // Signed years: chrono's own form.
        s.push_str(&d.format("%Y-%m-%d").to_string());
        return;
    }
    push_digits(s, year as u32, 4);
    s.push('-');
    push_digits(s, d.month(), 2);
    s.push('-');
    push_digits(s, d.day(), 2);
}

fn push_hm(s: &mut String, t: chrono::NaiveTime) {
    use chrono::Timelike;
    push_digits(s, t.hour(), 2);
    s.push(':');
    push_digits(s, t.minute(), 2);
}

/// A fast, non-cryptographic hasher for small keys (words, indices) in maps the process builds
/// for itself: the multiply-rotate hash of rustc's `FxHasher`. Not for keys an attacker picks
/// to collide, and not stable across versions: never written anywhere.
#[derive(Debug, Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

const FAST_SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(FAST_SEED);
    }
}

impl std::hash::Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The last bytes as a little-endian word padded with zeros, assembled in
            // registers: copying them into an array calls `memcpy` for every word hashed.
            let last = rest
                .iter()
                .enumerate()
                .fold(0u64, |w, (i, &b)| w | u64::from(b) << (8 * i));
            self.add(last);
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds [`FastHasher`]s, for `HashMap` and `HashSet`.
pub type FastBuild = std::hash::BuildHasherDefault<FastHasher>;

/// A stable, lowercase ASCII slug: letters and digits kept, every other run becomes one `-`.
/// Other scripts are written in ASCII first (`deunicode`: `Café` → `cafe`, `Ünïcode` →
/// `unicode`, `日本語` → `ri-ben-yu`), as Zola does, so a name in any language has a page.
/// It is made from the text the page shows ([`without_forbidden`]): a terminal colour code in
/// a name is no part of its address.
pub fn slugify(s: &str) -> String {
    let s = without_forbidden(s);
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    let mut push = |c: char, out: &mut String| {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            dash = true;
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(c, &mut out);
        } else {
            // A letter of another script becomes its ASCII spelling, set apart from its
            // neighbours when it is a word of its own (`日本語`: `Ri Ben Yu `).
            for a in deunicode::deunicode_char(c).unwrap_or(" ").chars() {
                push(a, &mut out);
            }
        }
    }
    out
}

/// Every string made of one piece of each list, in order: the inputs of the tests that hold a
/// fast path to the slow one it replaced.
#[cfg(test)]
pub(crate) fn combinations(parts: &[&[&str]]) -> Vec<String> {
    parts.iter().fold(vec![String::new()], |texts, pieces| {
        texts
            .iter()
            .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_counted_on_from_the_last_equal_places_found_afresh() {
        let text = "ab\u{e9}c INC-1 \u{1f600} INC-2\n\u{2014}x INC-3\n\nINC-4 INC-5";
        let index = LineIndex::new(text);
        let mut last = None;
        // In order, out of order, inside a character, and past the end.
        let offsets: Vec<usize> = (0..=text.len())
            .chain([3, 40, 2, 12, text.len() + 3])
            .collect();
        for offset in offsets {
            let want = index.char_line_col(text, offset.min(text.len()));
            let got = index.char_line_col_from(text, offset.min(text.len()), &mut last);
            assert_eq!(got, want, "at {offset}");
        }
    }

    #[test]
    fn line_index_maps_offsets() {
        let idx = LineIndex::new("ab\ncd\n\nef");
        assert_eq!(idx.line_col(0), (1, 1));
        assert_eq!(idx.line_col(3), (2, 1));
        assert_eq!(idx.line_col(4), (2, 2));
        assert_eq!(idx.line_col(7), (4, 1));
        assert_eq!(idx.line_start(2), 3);
    }

    #[test]
    fn line_starts_are_after_every_newline() {
        let pieces = [
            "",
            "\n",
            "a",
            "\u{a0}",
            "\n\n",
            "\u{10a}\n",
            "é",
            "\r\n",
            "\x0b",
            "\u{8a}",
        ];
        let mut texts = combinations(&[&pieces[..]; 5]);
        texts.push("x\n".repeat(100));
        for t in &texts {
            let want: Vec<usize> = std::iter::once(0)
                .chain(
                    t.bytes()
                        .enumerate()
                        .filter(|(_, b)| *b == b'\n')
                        .map(|(i, _)| i + 1),
                )
                .collect();
            assert_eq!(line_starts(t.as_bytes()), want, "{t:?}");
        }
    }

    #[test]
    fn columns_count_characters() {
        let text = "a\n\u{2014} INC-1";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(6), (2, 5));
        assert_eq!(idx.char_line_col(text, 6), (2, 3));
        assert_eq!(char_col("é x", 3), 3);
        assert_eq!(char_col("é x", 1), 1);
    }

    #[test]
    fn dates_read_as_chrono_writes_them() {
        for d in ["2024-03-05", "0001-01-01", "9999-12-31", "1970-10-20"] {
            let day: chrono::NaiveDate = d.parse().unwrap();
            assert_eq!(ymd(day), day.format("%Y-%m-%d").to_string());
            let t = day.and_hms_opt(7, 5, 59).unwrap();
            assert_eq!(ymd_hm(t, 'T'), t.format("%Y-%m-%dT%H:%M").to_string());
            assert_eq!(ymd_hm(t, ' '), t.format("%Y-%m-%d %H:%M").to_string());
            assert_eq!(hm(t.time()), t.format("%H:%M").to_string());
        }
        let far = chrono::NaiveDate::from_ymd_opt(12345, 6, 7).unwrap();
        assert_eq!(ymd(far), far.format("%Y-%m-%d").to_string());
        let before = chrono::NaiveDate::from_ymd_opt(-44, 3, 15).unwrap();
        assert_eq!(ymd(before), before.format("%Y-%m-%d").to_string());
    }

    #[test]
    fn slugs_are_lowercase_ascii() {
        assert_eq!(slugify("Canary Analysis"), "canary-analysis");
        assert_eq!(slugify("  --checkout_api v2 "), "checkout-api-v2");
        assert_eq!(slugify("<script>"), "script");
        // Other scripts are spelled in ASCII, so every name in letters has a page.
        assert_eq!(slugify("Café"), "cafe");
        assert_eq!(slugify("Ünïcode Tag"), "unicode-tag");
        assert_eq!(slugify("日本語"), "ri-ben-yu");
        assert_eq!(slugify("Ошибка DNS"), "oshibka-dns");
        assert_eq!(slugify("--—--"), "");
        assert_eq!(slugify("db\x1b[1m-primary\x1b[0m\x07"), "db-primary");
    }

    #[test]
    fn forbidden_code_points_are_found_as_decoding_finds_them() {
        let pieces = [
            "a",
            "\n",
            "\t",
            "\r",
            "\x0c",
            "\0",
            "\x07",
            "\x1b",
            "\x7f",
            "\u{80}",
            "\u{9f}",
            "\u{a0}",
            "\u{bf}",
            "\u{ff}",
            "\u{fdcf}",
            "\u{fdd0}",
            "\u{fdef}",
            "\u{fdf0}",
            "\u{fffd}",
            "\u{fffe}",
            "\u{ffff}",
            "\u{1f600}",
            "\u{1fffe}",
            "\u{10ffff}",
            "\u{10fffd}",
            "\u{43f}",
            "\u{ff0c}",
        ];
        let mut texts = combinations(&[&pieces[..]; 3]);
        // Found at every place of a word of eight bytes.
        for t in texts.clone() {
            texts.push(format!(
                "{}{t}{}",
                "x".repeat(t.len() % 8 + 3),
                "y".repeat(9)
            ));
        }
        // Two pieces at every place of a chunk, after plain chunks and lines.
        let pairs: Vec<String> = pieces
            .iter()
            .flat_map(|a| pieces.iter().map(move |b| format!("{a}{b}")))
            .collect();
        for t in pairs {
            for before in 0..=2 * CHUNK + 1 {
                let plain = "x\n\tyz\r\x0c ".repeat(CHUNK);
                texts.push(format!("{}{t}{}", &plain[..before], &plain[..CHUNK + 1]));
            }
        }
        for t in &texts {
            let want: Vec<usize> = t
                .char_indices()
                .filter(|(_, c)| is_forbidden(*c))
                .map(|(i, _)| i)
                .collect();
            let mut got = Vec::new();
            let mut from = 0;
            while let Some(at) = find_forbidden(t, from) {
                got.push(at);
                from = at + 1;
            }
            assert_eq!(got, want, "{t:?}");
        }
        assert!(is_forbidden('\u{9b}') && is_forbidden('\u{2fffe}'));
        assert!(!is_forbidden(' ') && !is_forbidden('\u{a0}') && !is_forbidden('\u{fffd}'));
    }

    #[test]
    fn forbidden_code_points_are_left_out_and_terminal_codes_whole() {
        for (text, want) in [
            ("plain text", "plain text"),
            ("\x1b[31mERROR\x1b[0m refused", "ERROR refused"),
            ("\x1b[1;38;5;196mbold\x1b[m\x1b[K", "bold"),
            ("a\0b\x07c\u{93}q\u{94}\x7f", "a\u{fffd}bcq"),
            // A link as terminals write one (OSC 8), ended by ST or BEL.
            (
                "\x1b]8;;https://x.test/\x1b\\doc\x1b]8;;\x1b\\ and \x1b]0;title\x07.",
                "doc and .",
            ),
            ("\x1b(B\x1b[m\x1b=x\x1b7", "x"),
            // An ESC that starts no sequence is left out alone; a line break is kept.
            (
                "\x1b[31\nm \x1b]8;;x\ny \x1b\u{e9}",
                "[31\nm ]8;;x\ny \u{e9}",
            ),
            ("\x1b", ""),
            ("\x1b[", "["),
            ("x\u{fdd0}\u{fffe}\u{10ffff}y", "xy"),
        ] {
            assert_eq!(without_forbidden(text), want, "{text:?}");
        }
        assert!(matches!(
            without_forbidden("no controls\there\n"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            escape_html("<b>\x1b[1mx\x1b[0m</b>\0"),
            "&lt;b&gt;x&lt;/b&gt;\u{fffd}"
        );
        // A line of control strings that never end is read in linear time.
        let long = "\x1b]".repeat(200_000);
        assert_eq!(without_forbidden(&long), "]".repeat(200_000));
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
