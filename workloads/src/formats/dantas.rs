//! The FFT and Laplace graph format of brunodantas/scheduling-graphs (Carvalho,
//! Dantas Morais & Barbosa Oliveira, BRACIS 2018), in `shared/data/other/`.
//!
//! ```text
//! 60        <- one line per task: its weight (n lines, tasks 0..n)
//! 60
//! …
//! 54        <- the number of edges e
//! 0 1 60    <- e lines: source, destination, communication weight
//! ```
//!
//! The task count is not written in the file (only in its name); it is the
//! number of single-number lines before the edge count. Task weights are work
//! in seconds. An edge weight is a communication time in seconds at the
//! reference bandwidth, so it becomes `weight × REFERENCE_BANDWIDTH` bytes.
//! Tasks are named by their index and have kind `task`.

use crate::error::ParseError;
use sim::presets::REFERENCE_BANDWIDTH;
use sim::{Dag, DagBuilder, TaskId, TaskSpec};

/// Parses the text of one graph.
///
/// # Errors
/// [`ParseError::Line`] for a malformed line, a wrong edge count or an edge to
/// an unknown task; [`ParseError::Dag`] for a cycle or a negative weight.
pub fn parse(text: &str) -> Result<Dag, ParseError> {
    let lines: Vec<(usize, Vec<&str>)> = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split_whitespace().collect::<Vec<_>>()))
        .filter(|(_, fields)| !fields.is_empty())
        .collect();
    if lines.is_empty() {
        return Err(ParseError::Empty);
    }
    let n_singles = lines.iter().take_while(|(_, f)| f.len() == 1).count();
    if n_singles < 1 {
        return Err(ParseError::line(
            lines.first().map_or(1, |l| l.0),
            "expected a task weight",
        ));
    }
    let n_tasks = n_singles - 1;
    let number = |line: usize, text: &str, what: &str| -> Result<f64, ParseError> {
        text.parse::<f64>()
            .map_err(|_| ParseError::line(line, format!("{what} {text:?} is not a number")))
    };
    let mut b = DagBuilder::with_capacity(n_tasks, lines.len() - n_singles);
    for (i, (line, fields)) in lines.iter().take(n_tasks).enumerate() {
        let weight = number(*line, fields.first().copied().unwrap_or_default(), "task weight")?;
        b.add_task(TaskSpec::new(i.to_string(), weight));
    }
    let Some((count_line, count_fields)) = lines.get(n_tasks) else {
        return Err(ParseError::line(1, "missing edge count"));
    };
    let count_text = count_fields.first().copied().unwrap_or_default();
    let n_edges: usize = count_text
        .parse()
        .map_err(|_| ParseError::line(*count_line, format!("edge count {count_text:?} is not a whole number")))?;
    let edges = lines.get(n_singles..).unwrap_or_default();
    if edges.len() != n_edges {
        return Err(ParseError::line(
            *count_line,
            format!("the file says {n_edges} edges but {} edge lines follow", edges.len()),
        ));
    }
    for (line, fields) in edges {
        let [src, dst, weight] = fields.as_slice() else {
            return Err(ParseError::line(
                *line,
                format!("expected `source destination weight`, got {} fields", fields.len()),
            ));
        };
        let task = |text: &str| -> Result<TaskId, ParseError> {
            text.parse::<usize>()
                .ok()
                .filter(|&t| t < n_tasks)
                .map(TaskId::new)
                .ok_or_else(|| ParseError::line(*line, format!("{text:?} is not a task index (0..{n_tasks})")))
        };
        let (src, dst) = (task(src)?, task(dst)?);
        if src == dst {
            return Err(ParseError::line(*line, "an edge from a task to itself"));
        }
        let weight = number(*line, weight, "edge weight")?;
        b.add_edge(src, dst, weight * REFERENCE_BANDWIDTH);
    }
    Ok(b.build()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiny_graph() {
        let dag = parse("1\n2\n3\n2\n0 1 5\n0 2 1\n").unwrap();
        assert_eq!((dag.task_count(), dag.edge_count()), (3, 2));
        assert_eq!(dag.edges()[0].bytes, 5.0 * REFERENCE_BANDWIDTH);
        let e = parse("1\n2\n1\n0 7 5\n").unwrap_err();
        assert_eq!(e.to_string(), "line 4: \"7\" is not a task index (0..2)");
    }
}
