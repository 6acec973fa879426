//! Inline suppression comments. (Being written.)
