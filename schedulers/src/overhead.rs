//! A per-decision scheduling overhead for any scheduler: the `overhead=SECONDS`
//! key every registry entry accepts (see "Scheduling overhead" in
//! [`sim::scheduler`]), so that cheap and expensive policies can be compared
//! at the price their decisions would cost.

use sim::{Decisions, Scheduler, SimDuration, SimView, TaskId, Update};

/// `inner`, paying `overhead` of simulated time per decision.
pub struct WithOverhead {
    inner: Box<dyn Scheduler>,
    overhead: SimDuration,
}

impl WithOverhead {
    /// Wraps `inner` so that each of its decisions costs `overhead`.
    pub fn new(inner: Box<dyn Scheduler>, overhead: SimDuration) -> WithOverhead {
        WithOverhead { inner, overhead }
    }
}

impl Scheduler for WithOverhead {
    fn name(&self) -> &str {
        self.inner.name()
    }
    fn plan(&mut self, view: &SimView<'_>, out: &mut Decisions) {
        self.inner.plan(view, out);
    }
    fn on_update(&mut self, view: &SimView<'_>, update: &Update<'_>, out: &mut Decisions) {
        self.inner.on_update(view, update, out);
    }
    fn decision_overhead(&self) -> SimDuration {
        self.overhead
    }
    fn retire(&mut self, before: TaskId) {
        self.inner.retire(before);
    }
}
