//! PgBouncer `userlist.txt` and `pgbouncer.ini`. (Stub: being written.)

use super::ParseIssue;

#[derive(Debug, Default)]
pub struct Userlist {}

#[derive(Debug, Default)]
pub struct Ini {}

pub fn parse_userlist(_text: &str) -> (Userlist, Vec<ParseIssue>) {
    (Userlist::default(), Vec::new())
}

pub fn parse_ini(_text: &str) -> (Ini, Vec<ParseIssue>) {
    (Ini::default(), Vec::new())
}
