//! The command line: `build`, `check`, `serve` and `new`, their flags and exit codes
//! (0 success, 1 content errors, 2 usage or I/O errors). Each command is a few lines over
//! [`crate::site`]; this module only parses arguments and prints.

use crate::diagnostics::{Diagnostics, Format};
use crate::site::{self, BuildError, BuildOptions, Site};
use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Exit status: success.
pub const EXIT_OK: u8 = 0;
/// Exit status: the content has errors (or warnings with `--deny-warnings`).
pub const EXIT_INVALID: u8 = 1;
/// Exit status: bad usage or an I/O error.
pub const EXIT_USAGE: u8 = 2;

/// `writeln!` to stdout, returning the `io::Result`: unlike `println!`, it does not panic when
/// stdout is closed (`pirsite check | head -1`), so the exit status stays 0, 1 or 2.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}

/// `writeln!` to stderr, as [`out!`] to stdout: a message that cannot be written is lost, never
/// a panic. Callers ignore the result, as there is nowhere left to report it.
macro_rules! err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stderr().lock(), $($arg)*)
    }};
}

/// How long `build` waits, before exiting, for the replaced output to be removed.
const REMOVAL_GRACE: std::time::Duration = std::time::Duration::from_millis(100);

/// A static site generator for an archive of post-incident reviews.
#[derive(Parser, Debug)]
#[command(name = "pirsite", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate every report and write the site.
    Build {
        /// Site folder (with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder (default: output_dir of site.toml, under the root).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Overrides base_url of site.toml (an http(s) URL, or a path starting with `/`).
        #[arg(long, value_name = "URL", value_parser = parse_base_url)]
        base_url: Option<String>,
        /// Date to compute overdue actions for (YYYY-MM-DD; default SOURCE_DATE_EPOCH, else today).
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
        /// Also build draft and review reports.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate every report and print the findings; writes nothing.
    Check {
        /// Site folder (with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Date to compute deadlines for (YYYY-MM-DD).
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
        /// Output form of the findings.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Exit with status 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Serve a live preview that rebuilds and reloads on every change.
    Serve {
        /// Site folder (with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port to listen on.
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Build draft and review reports too (serve always does; kept for symmetry with build).
        #[arg(long)]
        drafts: bool,
        /// Poll the file system instead of using native events (network drives, WSL).
        #[arg(long)]
        poll: bool,
        /// base_url of the preview (default `/`: the root of the preview server).
        #[arg(long, value_name = "URL", value_parser = parse_base_url)]
        base_url: Option<String>,
    },
    /// Start a new report with the next free id.
    New {
        /// Site folder (with site.toml).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Severity level of the incident.
        #[arg(long, default_value = "SEV2")]
        severity: String,
        /// Date of the incident (YYYY-MM-DD; default today).
        #[arg(long, value_parser = parse_day)]
        date: Option<NaiveDate>,
        /// A service the incident affected (repeatable); earlier incidents of the same
        /// services are listed as hints for `related:`.
        #[arg(long = "service", value_name = "NAME")]
        services: Vec<String>,
        /// A recurring-pattern tag (repeatable); earlier incidents with the same tags are
        /// listed as hints for `related:`.
        #[arg(long = "tag", value_name = "NAME")]
        tags: Vec<String>,
        /// Title of the incident.
        title: String,
    },
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::validate::parse_date(s, None).map_err(|hint| format!("not a YYYY-MM-DD date ({hint})"))
}

/// `--base-url`, checked as base_url in site.toml is: a bad one is a usage error (exit 2),
/// printed by clap with the flag's name.
fn parse_base_url(s: &str) -> Result<String, String> {
    crate::config::check_base_url(s)
        .map(|()| s.to_string())
        .map_err(|(reason, hint)| format!("it {reason}; {hint}"))
}

/// Runs the command line; returns the process exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

/// `error: <where>: <message>` and the hint, for problems with the command rather than the content.
/// One line each, as diagnostics are ([`crate::diagnostics::one_line`]).
fn eprint_usage_error(d: &crate::diagnostics::Diagnostic) {
    use crate::diagnostics::one_line;
    let _ = err!("error: {}: {}", one_line(&d.path), one_line(&d.message));
    if let Some(hint) = &d.hint {
        let _ = err!("    hint: {}", one_line(hint));
    }
}

fn open(root: &std::path::Path) -> Result<Site, u8> {
    Site::open(root).map_err(|d| {
        if d.path == crate::config::CONFIG_FILE {
            let _ = err!("{}", d.to_human());
            exit_for_error(&d)
        } else {
            eprint_usage_error(&d);
            EXIT_USAGE
        }
    })
}

/// Runs a parsed command line. Called once per process, by [`main`]: `build` and `check`
/// leave the memory of the archive to be taken back when the process exits.
pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            today,
            drafts,
        } => {
            let start = Instant::now();
            let mut site = match open(&root) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let built = site::build(
                &mut site,
                &BuildOptions {
                    output: output.clone(),
                    base_url,
                    today,
                    drafts,
                    keep_cache: true,
                },
            );
            let mut t = site::Stages::start();
            // The replaced output is removed in the background: wait for it only if that is
            // quick; a removal cut short is finished by the next build.
            crate::write::wait_for_removals(REMOVAL_GRACE);
            t.mark("wait for removals");
            match built {
                Ok(built) => {
                    if !built.diagnostics.is_empty() {
                        // Thousands of warnings go out through one buffer, not one string; a
                        // closed stderr loses them, as it would lose any message.
                        let mut err = std::io::BufWriter::new(std::io::stderr().lock());
                        let _ = built
                            .diagnostics
                            .write(Format::Human, built.reports, &mut err)
                            .and_then(|()| std::io::Write::flush(&mut err));
                    }
                    t.mark("print");
                    let out = output.unwrap_or_else(|| root.join(&site.config.output_dir));
                    // The pages come from the reports built; those left out as drafts are
                    // counted apart, so a new report that is not on the site (`pirsite new`
                    // writes drafts) is explained.
                    let left_out = match built.unpublished {
                        0 => String::new(),
                        n => format!(
                            " ({n} {} left out: `--drafts` builds {})",
                            crate::diagnostics::plural(
                                n,
                                "draft or report under review",
                                "drafts or reports under review"
                            ),
                            if n == 1 { "it" } else { "them" }
                        ),
                    };
                    let published = built.reports.saturating_sub(built.unpublished);
                    // The site is written: a summary line that cannot be printed changes
                    // nothing of that.
                    let _ = out!(
                        "built {} {} from {} {}{left_out} into {} in {} ms",
                        built.pages,
                        crate::diagnostics::plural(built.pages, "page", "pages"),
                        published,
                        crate::diagnostics::plural(published, "report", "reports"),
                        out.display(),
                        start.elapsed().as_millis()
                    );
                    if !built.kept.is_empty() {
                        eprintln!("{}", kept_note(&built.kept, &out));
                    }
                    leave_to_exit((site, built));
                    EXIT_OK
                }
                Err(e) => report_build_error(e),
            }
        }
        Command::Check {
            root,
            today,
            format,
            deny_warnings,
        } => {
            let mut site = match Site::open(&root) {
                Ok(s) => s,
                Err(d) if d.path == crate::config::CONFIG_FILE => {
                    // A broken site.toml is a finding like any other, in the format asked for.
                    let mut ds = Diagnostics::new();
                    ds.push(d);
                    let mut out = std::io::stdout().lock();
                    if let Err(e) =
                        std::io::Write::write_all(&mut out, ds.render(format, 0).as_bytes())
                            .and_then(|()| std::io::Write::flush(&mut out))
                    {
                        drop(out);
                        let _ = err!("error: cannot print the findings: {e}");
                        return EXIT_USAGE;
                    }
                    return exit_for(&ds, false);
                }
                Err(d) => {
                    eprint_usage_error(&d);
                    return EXIT_USAGE;
                }
            };
            let today = match site::today(today, &site.config) {
                Ok(d) => d,
                Err(e) => {
                    let _ = err!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            // Links written in the reports are checked against the site `build` would write
            // (published reports only, as `build` without --drafts), and overridden templates
            // are rendered once per kind of page, so `check` fails where `build` would. The
            // model of that site is built while the lints run, and used only when the content
            // has no errors.
            site.keep_reports();
            let (mut checked, archive) = site.check_with_archive(today, false);
            let mut t = site::Stages::start();
            if !checked.diagnostics.has_errors() {
                match site.check_output(&checked, &archive) {
                    Ok(ds) => checked.diagnostics.extend(ds),
                    Err(d) => checked.diagnostics.push(d),
                }
                checked.diagnostics.sort();
                t.mark("link and template check");
            }
            // Tens of thousands of findings go out through one buffer, not one string.
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let printed = checked
                .diagnostics
                .write(format, checked.reports, &mut out)
                .and_then(|()| std::io::Write::flush(&mut out));
            drop(out);
            t.mark("print");
            site::save_reports(&mut site);
            if let Err(e) = printed {
                let _ = err!("error: cannot print the findings: {e}");
                leave_to_exit((site, checked, archive));
                return EXIT_USAGE;
            }
            let code = exit_for(&checked.diagnostics, deny_warnings);
            let ds = &checked.diagnostics;
            if deny_warnings && !ds.has_errors() && ds.warnings() > 0 {
                // The summary counts warnings as findings that pass; say why this run fails.
                let _ = err!(
                    "error: failing on {} {} (--deny-warnings)",
                    ds.warnings(),
                    crate::diagnostics::plural(ds.warnings(), "warning", "warnings")
                );
            }
            leave_to_exit((site, checked, archive));
            code
        }
        Command::Serve {
            root,
            bind,
            port,
            drafts: _,
            poll,
            base_url,
        } => crate::serve::run(crate::serve::Options {
            root,
            bind,
            port,
            poll,
            base_url,
        }),
        Command::New {
            root,
            severity,
            date,
            services,
            tags,
            title,
        } => {
            let site = match open(&root) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let day = match date
                .map(Ok)
                .unwrap_or_else(|| site::today(None, &site.config))
            {
                Ok(d) => d,
                Err(e) => {
                    let _ = err!("error: {e}");
                    return EXIT_USAGE;
                }
            };
            let new = crate::new::NewReport {
                severity,
                title,
                date: day,
                today: site::today(None, &site.config).unwrap_or(day),
                services,
                tags,
            };
            match crate::new::create(&site, &new) {
                Ok(path) => {
                    // The report is written: a path that cannot be printed changes nothing of
                    // that.
                    let _ = out!("{}", path.display());
                    EXIT_OK
                }
                Err(e) => {
                    let _ = err!("error: {e}");
                    EXIT_USAGE
                }
            }
        }
    }
}

/// Leaves `big` to the operating system: a process's memory is taken back at exit at once,
/// far quicker than freeing the reports of a large archive one allocation at a time (a tenth
/// of a second for 10,000 reports, on the critical path). Only for values that live until the
/// process ends: [`run`] is called once, by [`main`].
fn leave_to_exit<T>(big: T) {
    std::mem::forget(big);
}

/// The exit status of one error: 2 when the system would not let pirsite read a file, else 1.
fn exit_for_error(d: &crate::diagnostics::Diagnostic) -> u8 {
    if d.io { EXIT_USAGE } else { EXIT_INVALID }
}

fn exit_for(ds: &Diagnostics, deny_warnings: bool) -> u8 {
    if ds.has_io_errors() {
        EXIT_USAGE
    } else if ds.has_errors() || (deny_warnings && ds.warnings() > 0) {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

/// The line `build` prints when the output held files of the user's (`kept`, relative to
/// `out`): they were carried into the new output, and are named (the first few) so that a
/// file that should be part of the site is moved where it belongs.
fn kept_note(kept: &[PathBuf], out: &Path) -> String {
    const SHOWN: usize = 5;
    let mut names: Vec<String> = kept
        .iter()
        .take(SHOWN)
        .map(|p| crate::load::shown_rel_path(Path::new(""), p))
        .collect();
    if kept.len() > SHOWN {
        names.push(format!("and {} more", kept.len() - SHOWN));
    }
    let n = kept.len();
    format!(
        "note: kept {n} {} in {} that pirsite did not write: {}; they are carried into every \
         build as they are (files under the site's theme/static/ become part of it)",
        crate::diagnostics::plural(n, "file", "files"),
        out.display(),
        names.join(", ")
    )
}

fn report_build_error(e: BuildError) -> u8 {
    match e {
        BuildError::Invalid(ds, reports) => {
            let mut e = std::io::stderr().lock();
            let _ = std::io::Write::write_all(&mut e, ds.render(Format::Human, reports).as_bytes());
            drop(e);
            let _ = err!("error: the site was not written because of the errors above");
            exit_for(&ds, false)
        }
        BuildError::Render(d) => {
            let _ = err!("{}", d.to_human());
            let _ = err!("error: the site was not written");
            exit_for_error(&d)
        }
        BuildError::Write(w) => {
            let _ = err!("error: {w}");
            // A refusal happens before anything is written; an I/O error before the new site
            // replaces the previous one, which the swap leaves whole.
            match w {
                crate::write::WriteError::Refused(_) => {
                    let _ = err!("error: the site was not written; nothing was changed");
                }
                crate::write::WriteError::Io(..) => {
                    let _ = err!(
                        "error: the site was not written; the previous output, if any, is unchanged"
                    );
                }
            }
            EXIT_USAGE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_note_names_the_first_five_files_and_counts_the_rest() {
        let kept: Vec<PathBuf> = ["CNAME", "a/b.pdf", "c", "d", "e", "f", "g"]
            .into_iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(
            kept_note(&kept, Path::new("public")),
            "note: kept 7 files in public that pirsite did not write: CNAME, a/b.pdf, c, d, e, \
             and 2 more; they are carried into every build as they are (files under the site's \
             theme/static/ become part of it)"
        );
        assert!(kept_note(&kept[..1], Path::new("out")).starts_with("note: kept 1 file in out "));
    }
}
