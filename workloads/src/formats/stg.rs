//! The Standard Task Graph Set text format (Tobita & Kasahara, "A standard
//! task graph set for fair evaluation of multiprocessor scheduling
//! algorithms", J. Scheduling 5(5), 2002; <https://www.kasahara.cs.waseda.ac.jp/schedule/>).
//!
//! ```text
//!   50                 <- n, the number of real tasks
//!   0  0  0            <- id, processing time, number of predecessors, predecessors…
//!   1  9  1  0
//!   …
//!   51 0  3  12 40 49  <- task n + 1: the dummy exit
//! # comment lines (the generator's parameters, CP Length, …)
//! ```
//!
//! Tasks 0 and n + 1 are the dummy entry and exit (usually of time 0); they are
//! kept, with kind `dummy`, so critical paths match the files' `CP Length`.
//! Real tasks have kind `task`. Task names are the ids. Times are taken as
//! seconds. STG has no communication: every edge carries 0 bytes.
//! Fields are separated by any whitespace; a record may not span lines.

use crate::error::ParseError;
use sim::{Dag, DagBuilder, TaskId, TaskSpec};

/// Parses STG text.
///
/// # Errors
/// [`ParseError::Line`] for a malformed record, an id out of order or a
/// predecessor that does not exist; [`ParseError::Dag`] for a cycle.
pub fn parse(text: &str) -> Result<Dag, ParseError> {
    let mut records = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'));
    let Some((first_line, first)) = records.next() else {
        return Err(ParseError::Empty);
    };
    let n_real: usize = first
        .parse()
        .map_err(|_| ParseError::line(first_line, format!("expected the task count, got {first:?}")))?;
    let n_tasks = n_real
        .checked_add(2)
        .filter(|&n| n <= text.len())
        .ok_or_else(|| ParseError::line(first_line, format!("task count {n_real} is larger than the file")))?;
    let mut b = DagBuilder::with_capacity(n_tasks, n_tasks * 2);
    let mut edges: Vec<(usize, usize, usize)> = Vec::new();
    for expected in 0..n_tasks {
        let Some((line, record)) = records.next() else {
            return Err(ParseError::line(
                text.lines().count(),
                format!("the file ends after {expected} of {n_tasks} task records"),
            ));
        };
        let mut fields = record.split_whitespace();
        let mut number = |what: &str| -> Result<&str, ParseError> {
            fields
                .next()
                .ok_or_else(|| ParseError::line(line, format!("task {expected}: missing {what}")))
        };
        let id = number("id")?;
        if id.parse::<usize>() != Ok(expected) {
            return Err(ParseError::line(
                line,
                format!("expected task id {expected}, got {id:?}"),
            ));
        }
        let time_text = number("processing time")?;
        let time: f64 = time_text.parse().map_err(|_| {
            ParseError::line(
                line,
                format!("task {expected}: processing time {time_text:?} is not a number"),
            )
        })?;
        let count_text = number("predecessor count")?;
        let n_preds: usize = count_text.parse().map_err(|_| {
            ParseError::line(
                line,
                format!("task {expected}: predecessor count {count_text:?} is not a whole number"),
            )
        })?;
        for k in 0..n_preds {
            let pred_text = number(&format!("predecessor {} of {n_preds}", k + 1))?;
            let pred: usize = pred_text.parse().ok().filter(|&p| p < n_tasks).ok_or_else(|| {
                ParseError::line(
                    line,
                    format!("task {expected}: predecessor {pred_text:?} is not a task id"),
                )
            })?;
            edges.push((pred, expected, line));
        }
        if let Some(extra) = fields.next() {
            return Err(ParseError::line(
                line,
                format!("task {expected}: unexpected field {extra:?} after {n_preds} predecessors"),
            ));
        }
        let kind = if expected == 0 || expected == n_tasks - 1 {
            "dummy"
        } else {
            "task"
        };
        b.add_task(TaskSpec::new(expected.to_string(), time).kind(kind));
    }
    if let Some((line, extra)) = records.next() {
        return Err(ParseError::line(
            line,
            format!("unexpected record {extra:?} after the last task"),
        ));
    }
    for (pred, task, line) in edges {
        if pred == task {
            return Err(ParseError::line(line, format!("task {task} is its own predecessor")));
        }
        b.add_edge(TaskId::new(pred), TaskId::new(task), 0.0);
    }
    Ok(b.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_graph() {
        let dag = parse("2\n0 0 0\n1 3 1 0\n2 4 1 0\n3 0 2 1 2\n# CP Length : 4\n").unwrap();
        assert_eq!((dag.task_count(), dag.edge_count()), (4, 4));
        assert_eq!(crate::stats(&dag).critical_path, 4.0);
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("2\n0 0 0\n1 3 1 9\n").unwrap_err();
        assert_eq!(e.to_string(), "line 3: task 1: predecessor \"9\" is not a task id");
        let e = parse("1\n0 0 0\n1 -3 1 0\n2 0 1 1\n").unwrap_err();
        assert!(e.to_string().contains("task \"1\": work"), "{e}");
        let e = parse("1\n0 0 0\n").unwrap_err();
        assert!(e.to_string().contains("ends after 1 of 3"), "{e}");
    }
}
