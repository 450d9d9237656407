//! Measures the review-quality heuristics on the in-repo corpus (`tests/corpus/`): at least
//! 90% of the bad sentences and action items flagged, at most 10% of the good ones. Run with
//! `cargo test --test lint_corpus -- --nocapture` to see the rates and the misses.

use pirsite::lint::actions::vague_item;
use pirsite::lint::blame::{People, blame};
use pirsite::lint::text::sentences;

fn lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

fn people() -> People {
    let mut p = People::new();
    // The owners and on-call names of the sample archive.
    for n in [
        "Sarah Chen",
        "Marcus Okafor",
        "Diego Alvarez",
        "Priya Raman",
        "Elena Petrova",
        "Yuki Tanaka",
        "Tom Becker",
        "Amara Nwosu",
        "Hannah Schultz",
    ] {
        p.add(n);
    }
    p
}

/// Share of `items` flagged by `flag`, printing the items it gets wrong.
fn rate(name: &str, items: &[&str], flag: impl Fn(&str) -> bool, want: bool) -> f64 {
    let mut hits = 0;
    for item in items {
        let f = flag(item);
        if f {
            hits += 1;
        }
        if f != want {
            println!(
                "  {name}: {} {item}",
                if f { "flagged:" } else { "missed: " }
            );
        }
    }
    let r = f64::from(hits) / items.len() as f64;
    println!("{name}: {hits}/{} flagged ({:.1}%)", items.len(), r * 100.0);
    r
}

#[test]
fn blame_language_rates() {
    let p = people();
    let bad = lines(include_str!("corpus/blame-bad.txt"));
    let good = lines(include_str!("corpus/blame-good.txt"));
    assert!(bad.len() >= 40 && good.len() >= 40);
    // Each line is read as report text is: split into sentences, timeline times dropped.
    let flag = |line: &str| {
        sentences(line)
            .iter()
            .any(|s| blame(&s.text, &p, &[]).is_some())
    };
    let tp = rate("blaming", &bad, flag, true);
    let fp = rate("blameless", &good, flag, false);
    assert!(
        tp >= 0.9,
        "only {:.1}% of blaming sentences flagged",
        tp * 100.0
    );
    assert!(
        fp <= 0.1,
        "{:.1}% of blameless sentences flagged",
        fp * 100.0
    );
}

fn item_vague(line: &str) -> bool {
    let mut parts = line.split('|').map(str::trim);
    let title = parts.next().unwrap_or("");
    let description = parts.next().unwrap_or("");
    let dod = parts.next().unwrap_or("");
    vague_item(title, description, dod, &[]).is_some()
}

#[test]
fn vague_action_rates() {
    let bad = lines(include_str!("corpus/actions-vague.txt"));
    let good = lines(include_str!("corpus/actions-specific.txt"));
    assert!(bad.len() >= 40 && good.len() >= 40);
    let tp = rate("vague", &bad, item_vague, true);
    let fp = rate("specific", &good, item_vague, false);
    assert!(tp >= 0.9, "only {:.1}% of vague items flagged", tp * 100.0);
    assert!(fp <= 0.1, "{:.1}% of specific items flagged", fp * 100.0);
}

/// The fenced blocks after "Bad:" and "Good" paragraphs of one rule's section of
/// docs/lints.md, as (bad lines, good lines).
fn doc_examples(rule: &str) -> (Vec<String>, Vec<String>) {
    let doc = include_str!("../docs/lints.md");
    let start = doc.find(&format!("### `{rule}`")).unwrap();
    let section = &doc[start..];
    let end = section[4..]
        .find("\n### `")
        .map_or(section.len(), |e| e + 4);
    let section = &section[..end];
    let (mut bad, mut good) = (Vec::new(), Vec::new());
    let mut want: Option<bool> = None;
    let mut in_block = false;
    for line in section.lines() {
        if line.starts_with("```") {
            in_block = !in_block;
            continue;
        }
        if in_block {
            let text = line.trim_start_matches("### Action Item: ").to_string();
            match want {
                Some(true) => bad.push(text),
                Some(false) => good.push(text),
                None => {}
            }
        } else if line.starts_with("Bad") {
            want = Some(true);
        } else if line.starts_with("Good") {
            want = Some(false);
        }
    }
    (bad, good)
}

#[test]
fn the_examples_in_the_docs_are_true() {
    let p = people();
    let (bad, good) = doc_examples("blame-language");
    assert!(bad.len() >= 4 && good.len() >= 4);
    for s in &bad {
        assert!(
            sentences(s)
                .iter()
                .any(|x| blame(&x.text, &p, &[]).is_some()),
            "{s}"
        );
    }
    for s in &good {
        assert!(
            sentences(s)
                .iter()
                .all(|x| blame(&x.text, &p, &[]).is_none()),
            "{s}"
        );
    }
    let (bad, good) = doc_examples("vague-action");
    assert!(bad.len() >= 4 && good.len() >= 4);
    for t in &bad {
        assert!(vague_item(t, "", "", &[]).is_some(), "{t}");
    }
    for t in &good {
        assert!(vague_item(t, "", "", &[]).is_none(), "{t}");
    }
}
