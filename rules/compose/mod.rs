//! `CMP`: Docker Compose files.

crate::family_rules! {
    fallback_secret => FallbackSecret,
}
