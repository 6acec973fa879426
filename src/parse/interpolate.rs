//! Compose variable interpolation. (Stub: being written.)
