//! Data edges between workers: a real copy of the edge's bytes.
//!
//! Every cross-worker edge copies `bytes` from one shared, pre-filled source
//! buffer into the consuming worker's own scratch buffer. The source is the
//! same for all edges (allocating and filling one buffer per edge would cost
//! memory and time the model does not describe); what is measured is the
//! consumer pulling `bytes` through the memory system, which is what a
//! transfer between cores of one machine is.

use std::hint::black_box;
use std::sync::Arc;

/// The shared source every edge copies from (also used by `schedlab calibrate`).
#[derive(Clone)]
pub struct Source(Arc<[u8]>);

impl Source {
    /// A source of `len` bytes of non-zero data (so every page is really allocated).
    pub fn new(len: usize) -> Source {
        Source(vec![0xA5; len].into())
    }

    /// Bytes the source holds.
    pub fn size(&self) -> usize {
        self.0.len()
    }

    /// Copies the first `bytes` bytes (at most the source's and the
    /// scratch buffer's length) into `scratch`, which the caller allocated
    /// and touched beforehand so that no page fault lands in the copy.
    pub fn copy_into(&self, bytes: usize, scratch: &mut [u8]) {
        let n = bytes.min(self.0.len()).min(scratch.len());
        scratch[..n].copy_from_slice(&self.0[..n]);
        black_box(&scratch[..n]);
    }
}
