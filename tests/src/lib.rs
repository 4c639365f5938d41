//! End-to-end tests across the schedlab crates live in `tests/`; this library
//! holds what they share that needs no other crate.

/// Folder of the shared, externally authored test data (`../shared/data` beside the repository).
pub const SHARED_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data");
