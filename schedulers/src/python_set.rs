//! The order in which CPython 3.12 iterates a set of strings under
//! `PYTHONHASHSEED=0`, so that `compat=saga` can break ties as SAGA does
//! where it iterates Python sets of task and node names.
//!
//! A CPython set is an open-addressing table: a key goes to slot
//! `hash & mask`, or, if taken, to the next of up to [`LINEAR_PROBES`] slots,
//! then to a slot chosen by a perturbed recurrence; the table grows to hold
//! at most 60% of its slots, and a set is iterated in slot order. So the
//! order depends on the keys' hashes, the insertion order and the table's
//! history. Under `PYTHONHASHSEED=0` a `str`'s hash is SipHash-1-3 of its
//! bytes with an all-zero key (CPython's `Py_HASH_ALGORITHM` default since
//! 3.11), which makes the order reproducible. Written by hand because it is
//! CPython's table layout itself that is emulated (`Objects/setobject.c`);
//! the hash comes from the `siphasher` crate.

use siphasher::sip::SipHasher13;
use std::hash::Hasher as _;

/// Slots tried next to the home slot before the recurrence moves on.
const LINEAR_PROBES: usize = 9;
/// Shift of the perturbation in the probe recurrence.
const PERTURB_SHIFT: u32 = 5;
/// Slots of a new set.
const MIN_SIZE: usize = 8;

/// `hash(s)` in CPython 3.12 under `PYTHONHASHSEED=0`, for an ASCII string
/// (one byte per character in CPython's representation, as in UTF-8). Other
/// strings get a hash of their UTF-8 bytes, deterministic but not CPython's,
/// so SAGA's order is reproduced for ASCII task and node names only.
pub fn py_hash(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let mut hasher = SipHasher13::new_with_keys(0, 0);
    hasher.write(s.as_bytes());
    match hasher.finish() as i64 {
        -1 => -2,
        h => h,
    }
}

/// A set of strings laid out as CPython lays out its table; it borrows its
/// keys. Removal is not needed by its users (their sets are rebuilt, and a
/// removed key would leave a dummy that changes later insertions).
#[derive(Clone, Debug)]
pub struct PySet<'a> {
    table: Vec<Option<(&'a str, i64)>>,
    /// Occupied slots.
    used: usize,
}

impl Default for PySet<'_> {
    fn default() -> Self {
        PySet {
            table: vec![None; MIN_SIZE],
            used: 0,
        }
    }
}

impl<'a> PySet<'a> {
    /// The set `{k for k in keys}`: each key added in turn.
    pub fn from_adds(keys: impl IntoIterator<Item = &'a str>) -> PySet<'a> {
        let mut set = PySet::default();
        for k in keys {
            set.add(k);
        }
        set
    }

    /// `frozenset(self)`: one resize to twice the size, then the keys put
    /// back in slot order (CPython's `set_merge` into an empty set).
    pub fn frozen_copy(&self) -> PySet<'a> {
        let mut copy = PySet::default();
        if self.used * 5 >= (copy.table.len() - 1) * 3 {
            copy.resize(self.used * 2);
        }
        if copy.table.len() == self.table.len() {
            copy.table.clone_from(&self.table);
        } else {
            for &(k, h) in self.table.iter().flatten() {
                copy.insert_clean(k, h);
            }
        }
        copy.used = self.used;
        copy
    }

    /// The keys in iteration order.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.table.iter().flatten().map(|&(k, _)| k)
    }

    /// `set.add(key)`.
    pub fn add(&mut self, key: &'a str) {
        let hash = py_hash(key);
        let mask = self.table.len() - 1;
        let mut perturb = hash as u64;
        let mut i = hash as u64 as usize & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            for j in i..=i + probes {
                match self.table[j] {
                    None => {
                        self.table[j] = Some((key, hash));
                        self.used += 1;
                        if self.used * 5 >= mask * 3 {
                            self.resize(self.used * 4);
                        }
                        return;
                    }
                    Some((k, h)) if h == hash && k == key => return,
                    Some(_) => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        }
    }

    /// Grows the table to the smallest power of two above `min_used` slots
    /// and puts the keys back in slot order.
    fn resize(&mut self, min_used: usize) {
        let mut size = MIN_SIZE;
        while size <= min_used {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.table, vec![None; size]);
        for (k, h) in old.into_iter().flatten() {
            self.insert_clean(k, h);
        }
    }

    /// Puts a key known to be absent into the first free slot of its probe sequence.
    fn insert_clean(&mut self, key: &'a str, hash: i64) {
        let mask = self.table.len() - 1;
        let mut perturb = hash as u64;
        let mut i = hash as u64 as usize & mask;
        loop {
            let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
            if let Some(j) = (i..=i + probes).find(|&j| self.table[j].is_none()) {
                self.table[j] = Some((key, hash));
                return;
            }
            perturb >>= PERTURB_SHIFT;
            i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_cpython_312s_under_pythonhashseed_0() {
        // PYTHONHASHSEED=0 python3.12 -c 'print(hash("0"), ...)'
        assert_eq!(py_hash("0"), 5313149338359954478);
        assert_eq!(py_hash("7"), -435914714773863006);
        assert_eq!(py_hash("__super_source__"), -311213614758437657);
        assert_eq!(py_hash("abcdefgh9"), 1534459750816267810);
        assert_eq!(py_hash(""), 0);
    }

    #[test]
    fn iteration_order_is_cpython_312s() {
        // PYTHONHASHSEED=0 python3.12: s = set(); s.add(x) for "0".."11",
        // "__super_source__", "__super_sink__"; list(s), list(frozenset(s)).
        let mut names: Vec<String> = (0..12).map(|i| i.to_string()).collect();
        names.extend(["__super_source__".to_owned(), "__super_sink__".to_owned()]);
        let set = PySet::from_adds(names.iter().map(String::as_str));
        let expected = [
            "7",
            "11",
            "__super_source__",
            "9",
            "2",
            "0",
            "8",
            "4",
            "5",
            "6",
            "10",
            "1",
            "3",
            "__super_sink__",
        ];
        assert_eq!(set.iter().collect::<Vec<_>>(), expected);
        assert_eq!(set.frozen_copy().iter().collect::<Vec<_>>(), expected);
    }

    #[test]
    fn colliding_keys_follow_insertion_order() {
        // PYTHONHASHSEED=0 python3.12: adding "0", "1", "2" iterates as
        // ['2', '1', '0'], and adding them in that order as ['1', '2', '0'].
        let set = PySet::from_adds(["0", "1", "2"]);
        assert_eq!(set.iter().collect::<Vec<_>>(), ["2", "1", "0"]);
        let again = PySet::from_adds(set.frozen_copy().iter().collect::<Vec<_>>());
        assert_eq!(again.iter().collect::<Vec<_>>(), ["1", "2", "0"]);
    }
}
