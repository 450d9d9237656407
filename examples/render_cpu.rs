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
//! `PAGES=actions,incident` renders only those kinds of page.

use pirsite::linkcheck;
use pirsite::render::{PageKind, Renderer, theme::Theme};
use pirsite::site::Site;
use std::alloc::{GlobalAlloc, Layout};
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

/// mimalloc, as the binary uses, counting the bytes allocated and the most held at once.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

fn grew(n: usize) {
    let live = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(live, Relaxed);
    ALLOCATED.fetch_add(n, Relaxed);
}

// SAFETY: every call is passed on to mimalloc unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_sub(layout.size(), Relaxed);
        grew(new_size);
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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

/// Minor page faults of this thread so far (each one maps fresh memory).
fn faults() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    s.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(7)?.parse().ok())
        .unwrap_or(0)
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

/// Per kind of page: render time, link check time, page faults, MB allocated, most MB held
/// at once over what was held before the page.
type Spent = BTreeMap<&'static str, (Duration, Duration, u64, f64, f64)>;

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
        let only = std::env::var("PAGES").ok();
        let pages: Vec<PageKind> = renderer
            .pages()
            .into_iter()
            .filter(|k| {
                only.as_deref()
                    .is_none_or(|o| o.split(',').any(|n| n == name(*k)))
            })
            .collect();
        let mut files: linkcheck::FileSet =
            renderer.pages().iter().map(|k| k.path(&archive)).collect();
        files.extend(theme.statics.keys().cloned());
        let base_path = linkcheck::base_path(&base_url);
        let (checker, _) = linkcheck::Checker::new(&files, &[], &base_path, "out", false);
        let mut spent = Spent::new();
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for kind in pages {
            let (t, f) = (cpu(), faults());
            let (live, allocated) = (LIVE.load(Relaxed), ALLOCATED.load(Relaxed));
            PEAK.store(live, Relaxed);
            let page = renderer.render(kind).expect("page renders");
            let r = cpu() - t;
            let f = faults() - f;
            let mb = |n: usize| n as f64 / 1e6;
            let (allocated, held) = (
                mb(ALLOCATED.load(Relaxed) - allocated),
                mb(PEAK.load(Relaxed) - live),
            );
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
            e.2 += f;
            e.3 += allocated;
            e.4 = e.4.max(held);
        }
        results.push((spent, h.finish()));
    }
    let hash = results[0].1;
    assert!(results.iter().all(|r| r.1 == hash), "passes differ");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let total = |s: &Spent| s.values().map(|(r, c, ..)| *r + *c).sum::<Duration>();
    println!(
        "{:>15}  {:>9} {:>9} {:>7} {:>8} {:>7}  {:>9} {:>9} {:>8}",
        "",
        "1st rend",
        "1st link",
        "faults",
        "alloc MB",
        "held MB",
        "min rend",
        "min link",
        "alloc MB"
    );
    for (kind, (r, c, f, a, p)) in &results[0].0 {
        let mut later = results[1..].iter().map(|s| s.0[kind]);
        let rmin = later.clone().map(|x| x.0).min().unwrap_or_default();
        let cmin = later.clone().map(|x| x.1).min().unwrap_or_default();
        let alloc = later.next_back().map_or(0.0, |x| x.3);
        println!(
            "{kind:>15}: {:9.1} {:9.1} {f:7} {a:8.1} {p:7.1}  {:9.1} {:9.1} {alloc:8.1}",
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
