//! Recorded arrivals: a CSV file of `arrival,dag[,weight,deadline]` rows.
//!
//! `arrival` and `deadline` are seconds from the stream's start (`deadline`
//! is absolute, after `arrival`), `dag` is a DAG file in any format
//! [`crate::load`] reads, relative to the trace file, and `weight` (default 1)
//! is the job's weight in weighted metrics and policies. A first row starting
//! with `arrival` is a header; blank lines are skipped. Rows must be in time
//! order, so a trace reads like the stream it records.

use super::StreamError;
use std::path::{Path, PathBuf};

/// One job of a trace.
#[derive(Clone, Debug, PartialEq)]
pub struct TraceRow {
    /// The 1-based line of the row, for error messages.
    pub line: usize,
    /// Seconds from the stream's start.
    pub arrival: f64,
    /// The DAG file, resolved against the trace file's folder.
    pub dag: PathBuf,
    /// Weight of the job (default 1).
    pub weight: f64,
    /// Absolute deadline in seconds, if any.
    pub deadline: Option<f64>,
}

/// A validated trace file.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// The file read.
    pub path: PathBuf,
    /// Its jobs, in time order.
    pub rows: Vec<TraceRow>,
}

impl Trace {
    /// Reads and validates a trace file: every DAG file must exist (it is
    /// read only when its job arrives).
    ///
    /// # Errors
    /// [`StreamError::Trace`] naming the file and line: a malformed or
    /// negative time, a row out of time order, a missing DAG file, a weight
    /// ≤ 0, a deadline not after its arrival, or no rows at all.
    pub fn read(path: &Path) -> Result<Trace, StreamError> {
        let text =
            std::fs::read_to_string(path).map_err(|e| StreamError::trace(path, 0, format!("cannot read: {e}")))?;
        Trace::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Trace, StreamError> {
        let folder = path.parent().unwrap_or(Path::new(""));
        let mut rows: Vec<TraceRow> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
            if raw.trim().is_empty() || (rows.is_empty() && fields[0] == "arrival") {
                continue;
            }
            let bad = |message: String| StreamError::trace(path, line, message);
            if !(2..=4).contains(&fields.len()) {
                return Err(bad(format!(
                    "expected arrival,dag[,weight,deadline], found {} fields",
                    fields.len()
                )));
            }
            let number = |name: &str, text: &str| -> Result<f64, StreamError> {
                match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(bad(format!("{name}: {text:?} is not a finite number"))),
                }
            };
            let arrival = number("arrival", fields[0])?;
            if arrival < 0.0 {
                return Err(bad(format!("arrival: {arrival} is negative")));
            }
            if let Some(previous) = rows.last()
                && arrival < previous.arrival
            {
                return Err(bad(format!(
                    "arrival {arrival} is before line {}'s {}: rows must be in time order",
                    previous.line, previous.arrival
                )));
            }
            let dag = folder.join(fields[1]);
            if fields[1].is_empty() || !dag.is_file() {
                return Err(bad(format!("dag: no such file {}", dag.display())));
            }
            let weight = match fields.get(2).filter(|f| !f.is_empty()) {
                None => 1.0,
                Some(text) => number("weight", text)?,
            };
            if weight <= 0.0 {
                return Err(bad(format!("weight: {weight} must be > 0")));
            }
            let deadline = match fields.get(3).filter(|f| !f.is_empty()) {
                None => None,
                Some(text) => Some(number("deadline", text)?),
            };
            if let Some(d) = deadline
                && d <= arrival
            {
                return Err(bad(format!("deadline: {d} is not after the arrival {arrival}")));
            }
            rows.push(TraceRow {
                line,
                arrival,
                dag,
                weight,
                deadline,
            });
        }
        if rows.is_empty() {
            return Err(StreamError::trace(path, 0, "no jobs in the trace".to_owned()));
        }
        Ok(Trace {
            path: path.to_owned(),
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("schedlab-trace-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("a.json"), "{}").unwrap();
        dir
    }

    fn parse(text: &str) -> Result<Trace, StreamError> {
        Trace::parse(&folder().join("jobs.csv"), text)
    }

    #[test]
    fn reads_rows_with_defaults_and_resolves_paths() {
        let trace = parse("arrival,dag,weight,deadline\n0,a.json\n\n1.5,a.json,2,9\n1.5,a.json,,4\n").unwrap();
        assert_eq!(trace.rows.len(), 3);
        assert_eq!(trace.rows[0].weight, 1.0);
        assert_eq!(trace.rows[0].dag, folder().join("a.json"));
        assert_eq!(
            (trace.rows[1].line, trace.rows[1].weight, trace.rows[1].deadline),
            (4, 2.0, Some(9.0))
        );
        assert_eq!((trace.rows[2].weight, trace.rows[2].deadline), (1.0, Some(4.0)));
    }

    #[test]
    fn bad_rows_name_file_line_and_field() {
        let cases = [
            (
                "0,a.json\n2,a.json\n1,a.json\n",
                "line 3: arrival 1 is before line 2's 2",
            ),
            ("-1,a.json\n", "line 1: arrival: -1 is negative"),
            ("0,missing.json\n", "line 1: dag: no such file"),
            ("x,a.json\n", "line 1: arrival: \"x\" is not a finite number"),
            ("0,a.json,0\n", "line 1: weight: 0 must be > 0"),
            ("3,a.json,1,2\n", "line 1: deadline: 2 is not after the arrival 3"),
            ("0\n", "line 1: expected arrival,dag[,weight,deadline], found 1 fields"),
            ("arrival,dag\n", "no jobs in the trace"),
        ];
        for (text, expected) in cases {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains("jobs.csv"), "{e}");
            assert!(e.contains(expected), "{text:?}: {e}");
        }
    }
}
