//! CPU time of rendering every page of a site, without writing anything.
//!
//! ```text
//! cargo run --release --example render_cpu -- SITE [TODAY] [PASSES]
//! ```
//!
//! Checks the site and builds the archive, then renders every page in build order on one
//! thread and link-checks each, `PASSES` times (default 1). Prints the CPU time of the thread
//! per kind of page: the first pass, and the least of the later passes (which find every code
//! line highlighted already, so they measure the rest of the work with less noise). The hash
//! of all the bytes must not change with a change that must not change the output.

use pirsite::linkcheck;
use pirsite::render::{PageKind, Renderer, theme::Theme};
use pirsite::site::Site;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of this thread so far (Linux schedstat: nanoseconds on the CPU).
fn cpu() -> Duration {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = s
        .split_whitespace()
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn name(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Incident(_) => "incident",
        PageKind::Tag(_) | PageKind::Service(_) => "term",
        PageKind::Severity(_) => "severity",
        PageKind::Actions => "actions",
        PageKind::Overdue => "overdue",
        PageKind::IncidentsJson => "incidents.json",
        PageKind::ActionsJson => "actions.json",
        _ => "other",
    }
}

/// Per kind of page: (render, link check) time.
type Spent = BTreeMap<&'static str, (Duration, Duration)>;

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: render_cpu SITE [TODAY] [PASSES]"),
    );
    let today = args
        .next()
        .unwrap_or_else(|| "2026-11-27".into())
        .parse()
        .expect("TODAY as YYYY-MM-DD");
    let passes: usize = args.next().map_or(1, |p| p.parse().expect("PASSES"));
    let mut site = Site::open(&root).expect("site opens");
    let checked = site.check_at(today);
    let archive = site.archive(&checked, false, today);
    let theme = Theme::load(&root, &site.config.theme_dir).expect("theme loads");
    let base_url = site.config.base_url.clone();
    let mut results: Vec<(Spent, u64)> = Vec::new();
    for _ in 0..passes {
        let renderer = Renderer::new(&site.config, &archive, &theme, &base_url);
        let pages = renderer.pages();
        let mut files: linkcheck::FileSet = pages.iter().map(|k| k.path(&archive)).collect();
        files.extend(theme.statics.keys().cloned());
        let base_path = linkcheck::base_path(&base_url);
        let (checker, _) = linkcheck::Checker::new(&files, &[], &base_path, "out");
        let mut spent = Spent::new();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for kind in pages {
            let t = cpu();
            let page = renderer.render(kind).expect("page renders");
            let r = cpu() - t;
            let t = cpu();
            let broken = if page.path.ends_with(".html") {
                checker.page(&page.path, &page.html).len()
            } else {
                0
            };
            let c = cpu() - t;
            assert_eq!(broken, 0, "{}", page.path);
            (&page.path, &page.html).hash(&mut h);
            let e = spent.entry(name(kind)).or_default();
            e.0 += r;
            e.1 += c;
        }
        results.push((spent, h.finish()));
    }
    let hash = results[0].1;
    assert!(results.iter().all(|r| r.1 == hash), "passes differ");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let total = |s: &Spent| s.values().map(|(r, c)| *r + *c).sum::<Duration>();
    println!(
        "{:>15}  {:>9} {:>9}  {:>9} {:>9}",
        "", "1st rend", "1st link", "min rend", "min link"
    );
    for (kind, (r, c)) in &results[0].0 {
        let later = results[1..].iter().map(|s| s.0[kind]);
        let rmin = later.clone().map(|x| x.0).min().unwrap_or_default();
        let cmin = later.map(|x| x.1).min().unwrap_or_default();
        println!(
            "{kind:>15}: {:9.1} {:9.1}  {:9.1} {:9.1}",
            ms(*r),
            ms(*c),
            ms(rmin),
            ms(cmin)
        );
    }
    let later_min = results[1..].iter().map(|s| total(&s.0)).min();
    println!(
        "total: first {:.1} ms, later min {:.1} ms, output hash {hash:016x}",
        ms(total(&results[0].0)),
        later_min.map_or(0.0, ms)
    );
}
