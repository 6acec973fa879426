#![no_main]
//! The git index reader never panics and never allocates beyond its caps, whatever the bytes:
//! it returns the tracked paths or an error.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shiplint::gitindex::parse(data);
});
