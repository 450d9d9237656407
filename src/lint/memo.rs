//! Verdicts remembered while one archive is linted. A lint whose verdict depends only on a
//! text and the site's own word list judges each distinct text once: archives repeat texts
//! word for word (timeline entries like "Rollback started", action items carried from one
//! review to the next), and judging a text costs far more than looking it up.

use std::hash::{BuildHasher, Hash};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Key hash, key, verdict.
type Table<K, V> = hashbrown::HashTable<(u64, K, V)>;

/// What a verdict is remembered by: a text as owned by the memo, and the borrowed form it is
/// looked up with. Both hash alike, so a lookup needs no owned copy.
pub trait Key {
    /// The borrowed form.
    type Ref<'a>: Hash + Copy;
    /// True when `self` is `key`.
    fn is(&self, key: Self::Ref<'_>) -> bool;
    /// The owned form of `key`.
    fn own(key: Self::Ref<'_>) -> Self;
}

impl Key for Box<str> {
    type Ref<'a> = &'a str;
    fn is(&self, key: &str) -> bool {
        **self == *key
    }
    fn own(key: &str) -> Self {
        key.into()
    }
}

/// Three texts judged together: an action item's title, description and Definition of Done.
pub type Three = (Box<str>, Box<str>, Box<str>);

/// `("ab", "c", "")` and `("a", "bc", "")` are different keys, and hash apart, since a `str`
/// hashes with a terminator.
impl Key for Three {
    type Ref<'a> = (&'a str, &'a str, &'a str);
    fn is(&self, key: Self::Ref<'_>) -> bool {
        *self.0 == *key.0 && *self.1 == *key.1 && *self.2 == *key.2
    }
    fn own(key: Self::Ref<'_>) -> Self {
        (key.0.into(), key.1.into(), key.2.into())
    }
}

/// Verdicts by text, for one word list of the site; sharded so threads linting reports in
/// parallel rarely wait for each other. A text is hashed once per lookup: the hash picks the
/// shard and finds the entry in it.
pub struct Memo<V, K = Box<str>> {
    /// The word list the verdicts were given with; a lookup with another list is judged
    /// afresh and not remembered.
    words: OnceLock<Vec<String>>,
    shards: Vec<Mutex<Table<K, V>>>,
}

impl<V, K> Default for Memo<V, K> {
    fn default() -> Self {
        Memo {
            words: OnceLock::new(),
            shards: (0..16).map(|_| Mutex::new(Table::default())).collect(),
        }
    }
}

impl<V, K> std::fmt::Debug for Memo<V, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl<V: Clone, K: Key> Memo<V, K> {
    /// The verdict on `text` given with `words`: remembered, or `judge`d and remembered.
    pub fn verdict(&self, text: K::Ref<'_>, words: &[String], judge: impl FnOnce() -> V) -> V {
        if self.words.get_or_init(|| words.to_vec()) != words {
            return judge();
        }
        let hash = crate::text::FastBuild::default().hash_one(text);
        let same = |e: &(u64, K, V)| e.0 == hash && e.1.is(text);
        if let Some((_, _, verdict)) = self.shard(hash).find(hash, same) {
            return verdict.clone();
        }
        let verdict = judge();
        self.shard(hash)
            .entry(hash, same, |e| e.0)
            .or_insert_with(|| (hash, K::own(text), verdict.clone()));
        verdict
    }

    /// The shard of a text with hash `hash`, locked. It is chosen by bits the table does not
    /// use to place entries (the low bits pick the bucket, the top seven tag it).
    fn shard(&self, hash: u64) -> MutexGuard<'_, Table<K, V>> {
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

    #[test]
    fn texts_judged_together_are_told_apart_by_where_each_ends() {
        let memo: Memo<usize, Three> = Memo::default();
        let judged = Cell::new(0);
        let judge = |n: usize| {
            judged.set(judged.get() + 1);
            n
        };
        assert_eq!(memo.verdict(("ab", "c", ""), &[], || judge(1)), 1);
        assert_eq!(memo.verdict(("a", "bc", ""), &[], || judge(2)), 2);
        assert_eq!(memo.verdict(("a", "b", "c"), &[], || judge(3)), 3);
        assert_eq!(memo.verdict(("ab", "c", ""), &[], || judge(4)), 1);
        assert_eq!(memo.verdict(("a", "bc", ""), &[], || judge(5)), 2);
        assert_eq!(judged.get(), 3);
    }
}
