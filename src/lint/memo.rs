//! Verdicts remembered while one archive is linted. A lint whose verdict depends only on a
//! text and the site's own word list judges each distinct text once: archives repeat texts
//! word for word (timeline entries like "Rollback started", action items carried from one
//! review to the next), and judging a text costs far more than looking it up.

use std::hash::BuildHasher;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Text hash, text, verdict.
type Table<V> = hashbrown::HashTable<(u64, Box<str>, V)>;

/// Verdicts by text, for one word list of the site; sharded so threads linting reports in
/// parallel rarely wait for each other. A text is hashed once per lookup: the hash picks the
/// shard and finds the entry in it.
pub struct Memo<V> {
    /// The word list the verdicts were given with; a lookup with another list is judged
    /// afresh and not remembered.
    words: OnceLock<Vec<String>>,
    shards: Vec<Mutex<Table<V>>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            words: OnceLock::new(),
            shards: (0..16).map(|_| Mutex::new(Table::default())).collect(),
        }
    }
}

impl<V> std::fmt::Debug for Memo<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl<V: Clone> Memo<V> {
    /// The verdict on `text` given with `words`: remembered, or `judge`d and remembered.
    pub fn verdict(&self, text: &str, words: &[String], judge: impl FnOnce() -> V) -> V {
        if self.words.get_or_init(|| words.to_vec()) != words {
            return judge();
        }
        let hash = crate::text::FastBuild::default().hash_one(text);
        let same = |e: &(u64, Box<str>, V)| e.0 == hash && *e.1 == *text;
        if let Some((_, _, verdict)) = self.shard(hash).find(hash, same) {
            return verdict.clone();
        }
        let verdict = judge();
        self.shard(hash)
            .entry(hash, same, |e| e.0)
            .or_insert_with(|| (hash, text.into(), verdict.clone()));
        verdict
    }

    /// The shard of a text with hash `hash`, locked. It is chosen by bits the table does not
    /// use to place entries (the low bits pick the bucket, the top seven tag it).
    fn shard(&self, hash: u64) -> MutexGuard<'_, Table<V>> {
        let n = (hash >> 32) as usize % self.shards.len();
        self.shards[n].lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn each_text_is_judged_once_per_word_list() {
        let memo: Memo<usize> = Memo::default();
        let judged = Cell::new(0);
        let judge = |n: usize| {
            judged.set(judged.get() + 1);
            n
        };
        let words = vec!["x".to_string()];
        assert_eq!(memo.verdict("a", &words, || judge(1)), 1);
        assert_eq!(memo.verdict("a", &words, || judge(2)), 1);
        assert_eq!(memo.verdict("b", &words, || judge(3)), 3);
        assert_eq!(judged.get(), 2);
        // Another word list is judged every time, and changes nothing remembered.
        let other = vec!["y".to_string()];
        assert_eq!(memo.verdict("a", &other, || judge(4)), 4);
        assert_eq!(memo.verdict("a", &other, || judge(5)), 5);
        assert_eq!(memo.verdict("a", &words, || judge(6)), 1);
        assert_eq!(judged.get(), 4);
    }
}
