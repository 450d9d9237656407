//! The syntax definitions code blocks are highlighted with: syntect's bundled set, with a few
//! patterns rewritten to match exactly what they matched before, faster.
//!
//! syntect runs its patterns with fancy-regex, which hands a pattern to the linear-time
//! `regex` engine unless the pattern looks around (`(?=…)`, `(?!…)`); one that does runs on a
//! backtracking engine. YAML's pattern for "a key starts here" is a look-ahead holding another
//! look-ahead, tried at every position of every line: a line of a Kubernetes manifest such as
//! `image: registry.example.internal/api:v4.20.6` took about 140 µs to highlight. Rewritten
//! without the inner look-ahead (see [`REWRITES`] for why each rewrite matches the same lines),
//! the outer look-ahead wraps a pattern the `regex` engine runs, and the distinct YAML lines of
//! the benchmark archive highlight about seven times faster (docs/performance.md).
//!
//! Rebuilding the set at start-up would cost about 150 ms per process, so the rewritten set is
//! built once and embedded (`syntaxes.packdump`, syntect's own dump format, loaded lazily as the
//! bundled set is). A test rebuilds it from syntect's set and the rewrites and fails when the
//! embedded file differs; `PIRSITE_UPDATE_SYNTAXES=1 cargo test syntaxes` writes it afresh
//! (after a syntect upgrade, or a change to [`REWRITES`]).

use std::sync::OnceLock;
use syntect::parsing::SyntaxSet;

/// The rewritten set, as [`rebuilt`] makes it.
const EMBEDDED: &[u8] = include_bytes!("syntaxes.packdump");

/// Pattern rewrites: the syntax, the pattern text replaced and its replacement.
///
/// YAML's `block-pair` and `flow-pair` contexts look ahead for a key followed by `:`. Inside
/// the look-ahead, a run of white space may continue the key only when it is not followed by
/// `#` or more white space: `\s+ (?![#\s])`. Because the run is followed by white space or
/// nothing only when it stops short, the inner look-ahead forces it to take the whole run and
/// to be followed by some other character, which the next step of the key must then match (a
/// key character, or `:` and what may follow it); at the end of the line nothing follows and
/// no `:` can. So "a run, then a key character other than `#`" and "a run, then `:` and what
/// may follow it" match exactly the same lines, without looking around; the `\s*` before the
/// final `:` still covers a run that ends at the key's `:`. The look-ahead's groups capture
/// nothing a scope uses (the patterns have no captures), so the match is the same zero-width
/// match at the same place.
///
/// Only the tests read this list: they rebuild the set from it and compare the embedded one.
#[cfg(test)]
const REWRITES: &[(&str, &str, &str)] = &[
    (
        "YAML",
        "    | : \\S\n    | \\s+ (?![#\\s])\n",
        "    | : \\S\n    | \\s+ [^\\#\\s:]\n    | \\s+ : \\S\n",
    ),
    (
        "YAML",
        "    | : [^\\s[\\[\\]{},]]\n    | \\s+ (?![#\\s])\n",
        "    | : [^\\s[\\[\\]{},]]\n    | \\s+ [^\\#\\s:[\\[\\]{},]]\n    | \\s+ : [^\\s[\\[\\]{},]]\n",
    ),
];

/// The syntax set, loaded on first use.
pub fn set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(|| {
        // The embedded file is checked by a test; should it ever not load, the bundled set
        // highlights the same, only slower.
        syntect::dumps::from_uncompressed_data(EMBEDDED)
            .unwrap_or_else(|_| SyntaxSet::load_defaults_newlines())
    })
}

/// syntect's bundled set with [`REWRITES`] applied, and how many patterns each rewrite changed.
#[cfg(test)]
fn rebuilt() -> (SyntaxSet, Vec<usize>) {
    use syntect::parsing::syntax_definition::Pattern;
    use syntect::parsing::{Regex, SyntaxSetBuilder};
    let mut applied = vec![0; REWRITES.len()];
    let mut builder = SyntaxSetBuilder::new();
    for syntax in SyntaxSet::load_defaults_newlines()
        .into_builder()
        .syntaxes()
    {
        let mut syntax = syntax.clone();
        for context in syntax.contexts.values_mut() {
            for pattern in &mut context.patterns {
                let Pattern::Match(m) = pattern else { continue };
                for (n, (name, from, to)) in REWRITES.iter().enumerate() {
                    if syntax.name == *name && m.regex.regex_str().contains(from) {
                        let text = m.regex.regex_str().replace(from, to);
                        m.regex = Regex::new(text);
                        applied[n] += 1;
                    }
                }
            }
        }
        builder.add(syntax);
    }
    (builder.build(), applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::parsing::ParseState;
    use syntect::parsing::syntax_definition::Pattern;
    use syntect::util::LinesWithEndings;

    /// Each syntax's name with the sorted texts of all its patterns.
    fn patterns(set: &SyntaxSet) -> Vec<(String, Vec<String>)> {
        set.clone()
            .into_builder()
            .syntaxes()
            .iter()
            .map(|s| {
                let mut texts: Vec<String> = s
                    .contexts
                    .iter()
                    .flat_map(|(name, c)| {
                        c.patterns.iter().map(move |p| match p {
                            Pattern::Match(m) => format!("{name}: {}", m.regex.regex_str()),
                            Pattern::Include(r) => format!("{name}: include {r:?}"),
                        })
                    })
                    .collect();
                texts.retain(|t| !t.contains("include Direct"));
                texts.sort();
                (s.name.clone(), texts)
            })
            .collect()
    }

    #[test]
    fn embedded_syntaxes_are_the_bundled_ones_with_the_rewrites() {
        let (rebuilt, applied) = rebuilt();
        assert_eq!(
            applied,
            vec![1; REWRITES.len()],
            "each rewrite changes one pattern"
        );
        if std::env::var_os("PIRSITE_UPDATE_SYNTAXES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/render/syntaxes.packdump");
            syntect::dumps::dump_to_uncompressed_file(&rebuilt, path).unwrap();
            return;
        }
        let embedded: SyntaxSet = syntect::dumps::from_uncompressed_data(EMBEDDED).unwrap();
        assert_eq!(
            patterns(&embedded),
            patterns(&rebuilt),
            "src/render/syntaxes.packdump is stale: run PIRSITE_UPDATE_SYNTAXES=1 cargo test syntaxes"
        );
    }

    /// YAML that exercises keys, white space before `#`, `:` inside values and keys, and flow
    /// collections: the rewritten patterns parse every line as the bundled ones do.
    #[test]
    fn rewritten_yaml_parses_as_bundled() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api # the service\n  \
            labels: {app: api, tier: web}\nspec:\n  replicas: 12 # was 3\n  template:\n    spec:\n      \
            containers:\n        - name: inventory\n          image: registry.example.internal/inventory:v4.20.6\n          \
            args: [--port, 8080, 'a: b', \"c #d\"]\n          env:\n            - {name: POOL, value: \"20\"}\n\
            multi word key: value\nkey with  two spaces: v\nkey #not a key: v\nkey\t:\tv\nurl: http://x:80/a b: c\n\
            a:b: c\n? complex key\n: complex value\nflow: {a b: c, d #e: f, g:h: i, [j]: k, l  : m}\n\
            seq: [a, b: c, {d: e}]\n\"quoted: key\": 1\n'single': 2\n- - nested: 3\n  -   spaced   key  : 4\n\
            trailing: space   \nempty:\nanchor: &a {x: 1}\nref: *a\ntagged: !!str 5\nblock: |\n  text: here\n  \
            # no comment\nfolded: >-\n  more: text\ndate: 2024-03-14 19:21:00\ncolon at end:\nkey:   # c\n  \
            child: 1\n%YAML 1.2\n---\n...\n";
        parses_as_bundled("yaml", text);
    }

    #[test]
    fn other_languages_parse_as_bundled() {
        let samples = [
            (
                "sql",
                "SELECT a, count(*) FROM t WHERE b = 'x' GROUP BY a;\n",
            ),
            (
                "bash",
                "for i in $(seq 1 3); do echo \"$i\" | grep -c x; done\n",
            ),
            (
                "rust",
                "fn main() { let x: Vec<u8> = vec![1]; println!(\"{x:?}\"); }\n",
            ),
            (
                "python",
                "def f(x):\n    return {k: v for k, v in x.items()}  # c\n",
            ),
            (
                "json",
                "{\"a\": [1, 2.5, true, null], \"b\": {\"c\": \"d\"}}\n",
            ),
            (
                "go",
                "func main() {\n\tx := map[string]int{\"a\": 1} // c\n}\n",
            ),
        ];
        for (lang, text) in samples {
            parses_as_bundled(lang, text);
        }
    }

    /// Asserts that every line of `text` in `lang` gives the same scope operations with the
    /// embedded set as with syntect's bundled one.
    fn parses_as_bundled(lang: &str, text: &str) {
        let bundled = SyntaxSet::load_defaults_newlines();
        let a = bundled.find_syntax_by_token(lang).unwrap();
        let b = set().find_syntax_by_token(lang).unwrap();
        let (mut sa, mut sb) = (ParseState::new(a), ParseState::new(b));
        for line in LinesWithEndings::from(text) {
            assert_eq!(
                sa.parse_line(line, &bundled).unwrap(),
                sb.parse_line(line, set()).unwrap(),
                "{lang}: {line:?}"
            );
        }
    }
}
