//! Small text utilities shared by every stage: byte offsets to lines and columns, HTML escaping
//! and slugs.

/// Maps byte offsets of one text to 1-based line and column numbers.
#[derive(Debug, Clone)]
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

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
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
pub fn slugify(s: &str) -> String {
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
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            texts = texts
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
        }
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
    }

    #[test]
    fn escapes_html() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
