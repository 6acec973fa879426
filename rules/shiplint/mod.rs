crate::family_rules! {}
