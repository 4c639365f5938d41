//! Dense integer ids for tasks, edges and platform nodes.
//!
//! Each id is a newtype over `u32` so that a task id can never be passed where
//! a node id is expected. Ids are dense: a DAG with `n` tasks has ids `0..n`,
//! which lets every per-task table be a plain `Vec` indexed by `id.index()`.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(u32);

        impl $name {
            /// The id with this index.
            ///
            /// # Panics
            /// If `index` does not fit in `u32` (more than 4·10^9 items).
            pub fn new(index: usize) -> Self {
                match u32::try_from(index) {
                    Ok(raw) => $name(raw),
                    Err(_) => panic!("{} index {index} exceeds u32", stringify!($name)),
                }
            }

            /// The position of this item in its dense table.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

dense_id!(
    /// A task of a [`crate::Dag`].
    TaskId,
    "t"
);
dense_id!(
    /// A data edge of a [`crate::Dag`].
    EdgeId,
    "e"
);
dense_id!(
    /// A node (machine) of a [`crate::Platform`].
    NodeId,
    "n"
);
dense_id!(
    /// A job of a job stream: a DAG that arrived at a time (see [`crate::stream`]).
    JobId,
    "j"
);
dense_id!(
    /// A task kind label of a [`crate::Dag`] (e.g. `mProject`), interned.
    KindId,
    "k"
);
