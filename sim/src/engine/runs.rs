//! The engine's run table: what it knows about every run of every task, one
//! column per attribute (struct of arrays), all columns of one length.
//!
//! A column can be read and written by [`Run`] but only [`Runs::push`]
//! grows it, and `push` names every column (it destructures the table and
//! the new row), so a column added to the table without a value in the row
//! does not compile. Runs are numbered in the order they were added: a task's
//! primary run when the task joins the run, copies when a scheduler asks for them.
//!
//! On a job stream with a summary record the table drops the runs of retired
//! jobs ([`Runs::retire_before`]): every column is a [`TaskWindow`] over run
//! ids, so what the table holds follows the jobs in the system. Events still
//! in the queue may name a dropped run (a superseded run end, a moot
//! transfer); they ask through [`Runs::current_status`], which reads a
//! dropped run as stale, as its epoch or status would have said.

use crate::ids::TaskId;
use crate::result::TaskRecord;
use crate::scheduler::Assignment;
use crate::time::SimTime;
use crate::window::TaskWindow;
use std::ops::{Index, IndexMut};

/// One run of a task (see the [engine's run model](super::state)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Run(u32);

impl Run {
    pub(super) fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Status {
    /// A primary run whose task is not assigned.
    Unassigned,
    /// Assigned, but the decision has not taken effect yet (scheduling overhead).
    Deciding,
    Queued,
    Running,
    Finished,
    /// Lost to a failure, or dropped because another run of its task finished
    /// first; a primary run becomes `Unassigned` again if its task is handed back.
    Dead,
}

impl Status {
    pub(super) fn is_live(self) -> bool {
        matches!(self, Status::Deciding | Status::Queued | Status::Running)
    }
}

/// One attribute of every run not retired, indexed by [`Run`]; reading a
/// retired run through it is a bug, caught in debug builds.
pub(super) struct Column<T>(TaskWindow<T>);

impl<T> Index<Run> for Column<T> {
    type Output = T;

    fn index(&self, run: Run) -> &T {
        &self.0[run.index()]
    }
}

impl<T> IndexMut<Run> for Column<T> {
    fn index_mut(&mut self, run: Run) -> &mut T {
        &mut self.0[run.index()]
    }
}

impl<T> Column<T> {
    fn with_capacity(n: usize) -> Column<T> {
        Column(TaskWindow::with_capacity(n))
    }
}

/// The values a new run starts with, one per column of [`Runs`].
pub(super) struct NewRun {
    pub task: TaskId,
    pub missing_inputs: u32,
    pub n_inputs: usize,
    pub priority: u64,
    pub assignment: Assignment,
    pub record: TaskRecord,
}

/// Every run's state (see the module docs).
pub(super) struct Runs {
    pub task: Column<TaskId>,
    pub status: Column<Status>,
    /// Inputs (and the release, if any) the run still waits for.
    pub missing_inputs: Column<u32>,
    /// When each run's last input arrived, if it has.
    pub inputs_at: Column<Option<SimTime>>,
    /// Whether a run holds its cores while its node pulls its inputs
    /// (see [`NodeSpec::pulls_inputs`](crate::platform::NodeSpec::pulls_inputs)).
    pub pulling: Column<bool>,
    /// Where the run's flags in `input_arrived` start (one per in-edge).
    input_offset: Column<u32>,
    /// Input flags, indexed by position (`input_offset` + input).
    input_arrived: TaskWindow<bool>,
    /// Bumped whenever a run is dropped or its task handed back.
    pub epoch: Column<u32>,
    /// Queue priority: the order of the task's first decision, kept when a
    /// failure makes the task be assigned again (see `State::enqueue`).
    pub priority: Column<u64>,
    pub assignment: Column<Assignment>,
    /// Where and when the run ran (or runs).
    pub record: Column<TaskRecord>,
    /// Fraction of the run's work still to do (below 1 after a checkpointed restart).
    pub remaining: Column<f64>,
    /// Seconds of work the run performs.
    pub work: Column<f64>,
}

impl Runs {
    /// An empty table with room for `n_runs` runs and `n_inputs` input flags.
    pub(super) fn with_capacity(n_runs: usize, n_inputs: usize) -> Runs {
        Runs {
            task: Column::with_capacity(n_runs),
            status: Column::with_capacity(n_runs),
            missing_inputs: Column::with_capacity(n_runs),
            inputs_at: Column::with_capacity(n_runs),
            pulling: Column::with_capacity(n_runs),
            input_offset: Column::with_capacity(n_runs),
            input_arrived: TaskWindow::with_capacity(n_inputs),
            epoch: Column::with_capacity(n_runs),
            priority: Column::with_capacity(n_runs),
            assignment: Column::with_capacity(n_runs),
            record: Column::with_capacity(n_runs),
            remaining: Column::with_capacity(n_runs),
            work: Column::with_capacity(n_runs),
        }
    }

    /// Adds an unassigned run with all its work to do and none of its inputs.
    pub(super) fn push(&mut self, new: NewRun) -> Run {
        let NewRun {
            task,
            missing_inputs,
            n_inputs,
            priority,
            assignment,
            record,
        } = new;
        let Runs {
            task: task_column,
            status,
            missing_inputs: missing_column,
            inputs_at,
            pulling,
            input_offset,
            input_arrived,
            epoch,
            priority: priority_column,
            assignment: assignment_column,
            record: record_column,
            remaining,
            work,
        } = self;
        let run = Run(task_column.0.len() as u32);
        let first_flag = input_arrived.len();
        task_column.0.push(task);
        status.0.push(Status::Unassigned);
        missing_column.0.push(missing_inputs);
        inputs_at.0.push(None);
        pulling.0.push(false);
        input_offset.0.push(first_flag as u32);
        input_arrived.resize(first_flag + n_inputs, false);
        epoch.0.push(0);
        priority_column.0.push(priority);
        assignment_column.0.push(assignment);
        record_column.0.push(record);
        remaining.0.push(1.0);
        work.0.push(0.0);
        run
    }

    /// The id the next run pushed will get: one past every run so far.
    pub(super) fn next(&self) -> Run {
        Run(self.task.0.len() as u32)
    }

    /// Rows held in storage (retired ones not yet dropped included): at most
    /// twice the runs not retired, plus one.
    pub(super) fn held(&self) -> usize {
        self.task.0.held()
    }

    /// The status of `run` if `epoch` is still its epoch, else `None`: what
    /// an event stamped with `epoch` asks before it acts. A retired run reads
    /// as `None` (all its events are stale: no retired run is live).
    pub(super) fn current_status(&self, run: Run, epoch: u32) -> Option<Status> {
        let current = self.epoch.0.get(run.index())?;
        (*current == epoch).then(|| self.status[run])
    }

    /// Retires the runs below `first` (at most [`Runs::next`]), which must
    /// all be runs of retired tasks and not live, with their input flags:
    /// only [`Runs::current_status`] may name them from now on. Amortised
    /// O(1) per run.
    pub(super) fn retire_before(&mut self, first: Run) {
        let Runs {
            task,
            status,
            missing_inputs,
            inputs_at,
            pulling,
            input_offset,
            input_arrived,
            epoch,
            priority,
            assignment,
            record,
            remaining,
            work,
        } = self;
        let id = first.index();
        if id <= input_offset.0.start() {
            return;
        }
        debug_assert!(
            (task.0.start()..id).all(|r| !status.0[r].is_live()),
            "a live run retired"
        );
        let first_flag = input_offset.0.get(id).map_or(input_arrived.len(), |&f| f as usize);
        input_arrived.retire_before(first_flag);
        task.0.retire_before(id);
        status.0.retire_before(id);
        missing_inputs.0.retire_before(id);
        inputs_at.0.retire_before(id);
        pulling.0.retire_before(id);
        input_offset.0.retire_before(id);
        epoch.0.retire_before(id);
        priority.0.retire_before(id);
        assignment.0.retire_before(id);
        record.0.retire_before(id);
        remaining.0.retire_before(id);
        work.0.retire_before(id);
    }

    /// Marks the `k`-th input of `run` as arrived; false if it already had.
    pub(super) fn mark_input(&mut self, run: Run, k: usize) -> bool {
        let flag = &mut self.input_arrived[self.input_offset[run] as usize + k];
        !std::mem::replace(flag, true)
    }

    /// Whether the `k`-th input of `run` has arrived.
    pub(super) fn has_input(&self, run: Run, k: usize) -> bool {
        self.input_arrived[self.input_offset[run] as usize + k]
    }

    /// Forgets which of the `n_inputs` inputs of `run` have arrived.
    pub(super) fn clear_inputs(&mut self, run: Run, n_inputs: usize) {
        let offset = self.input_offset[run] as usize;
        for flag in offset..offset + n_inputs {
            self.input_arrived[flag] = false;
        }
    }
}
