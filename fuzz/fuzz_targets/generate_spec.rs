//! Fuzz target: a generator spec string must give a DAG or an error, never a
//! panic. Numbers are kept to two digits so one input stays small and fast.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(spec) = std::str::from_utf8(data)
        && spec.len() < 200
        && spec
            .split(|c: char| !c.is_ascii_digit())
            .all(|digits| digits.len() <= 2)
    {
        let _ = workloads::generate(spec, 1);
    }
});
