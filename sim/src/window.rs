//! Per-task data of a job stream that forgets the tasks of retired jobs.
//!
//! On a job stream tasks keep their global ids (traces and results name
//! them), but once the oldest jobs are over nothing asks about their tasks
//! again. A [`TaskWindow`] holds one value per task id from `start` to
//! `len`, indexed by global id, and drops a prefix when the stream retires
//! it ([`TaskWindow::retire_before`]), so what it holds follows the span of
//! jobs in the system rather than the stream's length. A job that runs very
//! long keeps every later job's tasks in the window until it ends.
//!
//! Outside job streams nothing is retired and a window is a `Vec`.

use std::ops::{Index, IndexMut};

/// One `T` per task id in `start .. len`, indexed by global id.
///
/// Retiring a prefix is amortised O(1) per task: the retired values are
/// dropped from storage only when they make up more than half of it.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskWindow<T> {
    /// Values of ids `offset ..`; those below `start` are retired.
    items: Vec<T>,
    /// Global id of `items[0]`.
    offset: usize,
    /// First id not retired.
    start: usize,
}

impl<T> Default for TaskWindow<T> {
    fn default() -> TaskWindow<T> {
        TaskWindow {
            items: Vec::new(),
            offset: 0,
            start: 0,
        }
    }
}

impl<T> From<Vec<T>> for TaskWindow<T> {
    /// The window of ids `0..items.len()`, none retired.
    fn from(items: Vec<T>) -> TaskWindow<T> {
        TaskWindow {
            items,
            offset: 0,
            start: 0,
        }
    }
}

impl<T> TaskWindow<T> {
    /// An empty window with room for `n` ids.
    pub fn with_capacity(n: usize) -> TaskWindow<T> {
        TaskWindow {
            items: Vec::with_capacity(n),
            offset: 0,
            start: 0,
        }
    }

    /// One past the last id held: the number of tasks ever pushed.
    pub fn len(&self) -> usize {
        self.offset + self.items.len()
    }

    /// Whether no id was ever pushed.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The first id not retired.
    pub fn start(&self) -> usize {
        self.start
    }

    /// Values kept in storage, retired ones not yet dropped included: at
    /// most twice the ids not retired, plus one.
    pub fn held(&self) -> usize {
        self.items.len()
    }

    /// Appends the value of id `len()`.
    pub fn push(&mut self, value: T) {
        self.items.push(value);
    }

    /// Forgets every id and starts again from id 0.
    pub fn clear(&mut self) {
        self.items.clear();
        self.offset = 0;
        self.start = 0;
    }

    /// Retires the ids below `id` (at most `len()`): they may no longer be
    /// read. Ids already retired stay so.
    pub fn retire_before(&mut self, id: usize) {
        assert!(id <= self.len(), "retiring up to id {id} of a window of {}", self.len());
        self.start = self.start.max(id);
        let dead = self.start - self.offset;
        if 2 * dead > self.items.len() {
            self.items.drain(..dead);
            self.offset = self.start;
        }
    }

    /// The value of `id`, or `None` if it was retired: for callers that may
    /// legitimately name a retired id, such as a stale event, and read that
    /// as "gone" rather than as a bug.
    pub fn get(&self, id: usize) -> Option<&T> {
        if id < self.start {
            return None;
        }
        self.items.get(id - self.offset)
    }

    /// The values of the ids not retired, from [`TaskWindow::start`] on.
    pub fn into_live(mut self) -> Vec<T> {
        self.items.drain(..self.start - self.offset);
        self.items
    }

    /// The values of the ids `from ..` (`from` not retired).
    pub fn live_from(&self, from: usize) -> &[T] {
        assert!(
            from >= self.start,
            "id {from} was retired (window starts at {})",
            self.start
        );
        &self.items[from - self.offset..]
    }
}

impl<T: Clone> TaskWindow<T> {
    /// Grows the window to `len` ids, the new ones set to `value`; never shrinks it.
    pub fn resize(&mut self, len: usize, value: T) {
        if len > self.len() {
            self.items.resize(len - self.offset, value);
        }
    }
}

impl<T> Index<usize> for TaskWindow<T> {
    type Output = T;

    fn index(&self, id: usize) -> &T {
        debug_assert!(
            id >= self.start,
            "task {id} was retired (window starts at {})",
            self.start
        );
        &self.items[id - self.offset]
    }
}

impl<T> IndexMut<usize> for TaskWindow<T> {
    fn index_mut(&mut self, id: usize) -> &mut T {
        debug_assert!(
            id >= self.start,
            "task {id} was retired (window starts at {})",
            self.start
        );
        &mut self.items[id - self.offset]
    }
}

#[cfg(test)]
mod tests {
    use super::TaskWindow;

    #[test]
    fn indexes_by_global_id_after_retiring() {
        let mut w = TaskWindow::default();
        for i in 0..10 {
            w.push(i * 10);
        }
        w.retire_before(6);
        assert_eq!((w.start(), w.len(), w[6], w[9]), (6, 10, 60, 90));
        w[7] = 7;
        w.resize(12, -1);
        assert_eq!((w[7], w[11], w.len()), (7, -1, 12));
        assert_eq!(w.live_from(8), &[80, 90, -1, -1]);
        assert_eq!(w.into_live(), vec![60, 7, 80, 90, -1, -1]);
    }

    #[test]
    fn storage_stays_within_twice_the_live_ids() {
        let mut w = TaskWindow::default();
        for i in 0..10_000usize {
            w.push(i);
            // Five ids live at a time.
            w.retire_before((i + 1).saturating_sub(5));
            assert!(w.held() <= 2 * 5 + 1, "{} held at id {i}", w.held());
        }
        assert_eq!((w.start(), w[9_999]), (9_995, 9_999));
    }

    #[test]
    fn get_reads_retired_ids_as_gone() {
        let mut w = TaskWindow::with_capacity(4);
        w.resize(4, 7u8);
        w.retire_before(2);
        assert_eq!(
            (w.get(1), w.get(2), w.get(3), w.get(4)),
            (None, Some(&7), Some(&7), None)
        );
    }

    #[test]
    fn retiring_never_moves_the_start_back() {
        let mut w: TaskWindow<u8> = TaskWindow::default();
        w.resize(4, 0);
        w.retire_before(3);
        w.retire_before(1);
        assert_eq!(w.start(), 3);
        w.clear();
        assert_eq!((w.start(), w.len(), w.held()), (0, 0, 0));
    }
}
