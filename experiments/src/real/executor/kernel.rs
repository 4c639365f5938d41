//! The compute kernel tasks run: a xorshift chain whose time grows linearly
//! with its iteration count (each step depends on the previous one, so the
//! compiler can neither vectorise nor skip it, and it touches no memory).

/// Runs `iterations` xorshift steps and returns the final state (so the work
/// cannot be optimised away; callers pass it to `std::hint::black_box`).
pub fn spin(iterations: u64) -> u64 {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..iterations {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spin_is_a_deterministic_function_of_its_length() {
        assert_eq!(spin(0), 0x9E37_79B9_7F4A_7C15);
        assert_eq!(spin(1000), spin(1000));
        assert_ne!(spin(1000), spin(1001));
    }
}
