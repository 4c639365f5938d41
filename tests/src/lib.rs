//! End-to-end tests across the schedlab crates live in `tests/`; this library is empty.
