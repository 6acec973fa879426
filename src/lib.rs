//! shiplint: a static deployment-readiness linter.
//!
//! Data flow: discover → load → parse (parallel) → project index → rules (parallel) →
//! suppressions and configuration → sort → render.

pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod engine;
pub mod gitindex;
pub mod index;
pub mod kind;
pub mod parse;
pub mod project;
pub mod render;
pub mod rule;
pub mod source;
pub(crate) mod stack;
pub mod suppress;
#[cfg(test)]
mod testing;
pub mod text;

#[path = "../rules/mod.rs"]
pub mod rules;

/// Where the per-rule documentation pages are published.
pub const DOCS_URL_BASE: &str = "https://github.com/shiplint/shiplint/blob/main/docs/rules/";

/// The version shiplint reports about itself.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
