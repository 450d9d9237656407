//! The `pirsite` binary: everything lives in the library; see [`pirsite::cli`].

/// The binary allocates many small strings from several threads at once (loading, linting,
/// rendering); mimalloc serves that pattern faster than the system allocator (measured in
/// docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    pirsite::cli::main()
}
