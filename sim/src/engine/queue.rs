//! The engine's event queue: events come out in (time, creation sequence)
//! order, the total order the engine's determinism rests on.
//!
//! The heap holds only (time, sequence, slot) keys of 24 bytes and the events
//! wait in a slab, so sifting moves keys rather than whole events: the heap's
//! sifting was the largest item of the engine's profile on a replayed plan.

use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Pending events, earliest first; events at one time in the order pushed.
#[derive(Clone, Debug)]
pub(super) struct EventQueue<E> {
    keys: BinaryHeap<Reverse<(SimTime, u64, u32)>>,
    slots: Vec<E>,
    free: Vec<u32>,
    /// Events pushed so far: the next one's sequence number.
    n_pushed: u64,
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> EventQueue<E> {
        EventQueue {
            keys: BinaryHeap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            n_pushed: 0,
        }
    }

    /// Adds `event` at `time`, after every event already pushed for that time.
    pub fn push(&mut self, time: SimTime, event: E) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = event;
                slot
            }
            None => {
                self.slots.push(event);
                (self.slots.len() - 1) as u32
            }
        };
        self.n_pushed += 1;
        self.keys.push(Reverse((time, self.n_pushed, slot)));
    }

    /// The time of the next event, if any.
    pub fn next_time(&self) -> Option<SimTime> {
        self.keys.peek().map(|Reverse((time, _, _))| *time)
    }

    /// Removes and returns the next event if it is at `time`.
    pub fn pop_at(&mut self, time: SimTime) -> Option<E> {
        let &Reverse((next, _, slot)) = self.keys.peek()?;
        if next != time {
            return None;
        }
        self.keys.pop();
        self.free.push(slot);
        Some(self.slots[slot as usize])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_come_out_by_time_then_in_the_order_pushed() {
        let mut queue = EventQueue::new();
        let t = SimTime::from_nanos;
        for (time, event) in [(5, 'a'), (3, 'b'), (5, 'c'), (3, 'd')] {
            queue.push(t(time), event);
        }
        assert_eq!(queue.next_time(), Some(t(3)));
        assert_eq!(queue.pop_at(t(5)), None);
        assert_eq!(queue.pop_at(t(3)), Some('b'));
        // A slot freed above is reused; the new event still goes last at its time.
        queue.push(t(3), 'e');
        let mut order = Vec::new();
        while let Some(time) = queue.next_time() {
            while let Some(event) = queue.pop_at(time) {
                order.push(event);
            }
        }
        assert_eq!(order, ['d', 'e', 'a', 'c']);
    }
}
