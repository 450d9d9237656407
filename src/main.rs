//! The `pirsite` binary: everything lives in the library; see [`pirsite::cli`].

/// The binary allocates many small strings from several threads at once (loading, linting,
/// rendering); mimalloc serves that pattern faster than the system allocator (measured in
/// docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // With transparent huge pages the allocator holds memory in 2 MB pieces: the peak memory
    // of a 10,000-report build was about 410 MB with them and 370 MB without
    // (docs/performance.md).
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    pirsite::cli::main()
}
