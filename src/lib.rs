//! pirsite: a static site generator for an organisation's archive of post-incident reviews.
//!
//! One pipeline, one module per stage:
//!
//! 1. [`load`] walks the content folder and reads each report ([`frontmatter`] owns the YAML);
//! 2. [`validate`] checks every rule of the format and yields typed incidents, then [`lint`]
//!    judges review quality (vague actions, blame, late reviews);
//! 3. [`model`] computes the archive: links, tags, services, action-item states;
//! 4. [`render`] turns the archive into pages (Markdown, highlighting, templates);
//! 5. [`write`](mod@crate::write) puts the pages on disk atomically, once [`linkcheck`] has found every internal
//!    link of the staged output resolving.
//!
//! [`site`] runs the stages in order (and caches them for `serve`); [`cache`] keeps the reports
//! as read and the highlighted code blocks between runs; [`serve`] is the live preview; [`cli`]
//! is the command line.

pub mod cache;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod frontmatter;
pub mod linkcheck;
pub mod lint;
pub mod load;
pub mod model;
pub mod new;
pub mod render;
pub mod serve;
pub mod site;
pub mod text;
pub mod validate;
pub mod write;
