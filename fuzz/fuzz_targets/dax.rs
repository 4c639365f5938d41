//! Fuzz target: the Pegasus DAX reader must return a value, never panic, on any input.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = workloads::formats::dax::parse(text);
    }
});
