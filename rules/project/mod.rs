//! `PRJ`: the project as a whole — what its set of files says is missing.

crate::family_rules! {
    missing_staging_compose => MissingStagingCompose,
}
