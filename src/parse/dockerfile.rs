//! Dockerfile facts. (Stub: being written.)

use super::ParseIssue;

#[derive(Debug, Default)]
pub struct Dockerfile {}

pub fn parse(_text: &str) -> (Dockerfile, Vec<ParseIssue>) {
    (Dockerfile::default(), Vec::new())
}
