//! The `pirsite` binary: everything lives in the library; see [`pirsite::cli`].

fn main() -> std::process::ExitCode {
    pirsite::cli::main()
}
