//! One module per file format, and the dispatch by path that [`load`](crate::load)
//! and [`save`](crate::save) use.
//!
//! Every reader has a `parse` function from text to a [`Workload`] (or to a
//! DAG), with errors that name the line, task or field but not the path;
//! the dispatch adds the path. Readers never panic on bad input.

pub mod csv_matrix;
pub mod dantas;
pub mod dax;
pub mod dot;
mod files;
pub mod json;
pub mod saga;
pub mod stg;
pub mod wfcommons;

use crate::Workload;
use crate::error::{LoadError, ParseError, SaveError};
use std::io::Write as _;
use std::path::Path;

const LOAD_EXPECTED: &str = "a directory of *_task_exe_time.csv, *_task_connectivity.csv and \
     *_resource_BW.csv (or one of those files), or a .json (schedlab, WfCommons or SAGA), .stg, \
     .dot/.gv, .xml/.dax or .txt (FFT/Laplace) file";
const SAVE_EXPECTED: &str = ".json (schedlab), .wfformat.json (WfCommons 1.5) or .dot/.gv";

/// Reads a whole file as UTF-8 text; errors carry the path.
fn read_text(path: &Path) -> Result<String, LoadError> {
    let bytes = std::fs::read(path).map_err(|error| LoadError::Io {
        path: path.to_owned(),
        error,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let line = 1 + e
            .as_bytes()
            .get(..valid)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count());
        LoadError::Parse {
            path: path.to_owned(),
            error: ParseError::line(line, format!("not UTF-8 text (byte {valid})")),
        }
    })
}

/// The file name without extension, for naming a workload.
fn stem(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| "workload".to_owned(), |s| s.to_string_lossy().into_owned())
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// See [`crate::load`].
pub(crate) fn load(path: &Path) -> Result<Workload, LoadError> {
    if path.is_dir() {
        return match csv_matrix::find_files(path) {
            Some(files) => csv_matrix::load_dir(path, &files),
            None => Err(LoadError::UnknownFormat {
                path: path.to_owned(),
                expected: LOAD_EXPECTED,
            }),
        };
    }
    let parse_error = |error| LoadError::Parse {
        path: path.to_owned(),
        error,
    };
    let dag_only = |dag: sim::Dag| Workload {
        dag,
        platform: None,
        name: stem(path),
    };
    match extension(path).as_str() {
        "json" => {
            let text = read_text(path)?;
            if wfcommons::sniff(&text).map_err(parse_error)? {
                wfcommons::parse(&text, &stem(path)).map_err(parse_error)
            } else if saga::sniff(&text).map_err(parse_error)? {
                saga::parse(&text, &stem(path)).map_err(parse_error)
            } else {
                json::parse(&text, &stem(path)).map_err(parse_error)
            }
        }
        "stg" => stg::parse(&read_text(path)?).map(dag_only).map_err(parse_error),
        "dot" | "gv" => dot::parse(&read_text(path)?).map(dag_only).map_err(parse_error),
        "xml" | "dax" => dax::parse(&read_text(path)?).map(dag_only).map_err(parse_error),
        "txt" => dantas::parse(&read_text(path)?).map(dag_only).map_err(parse_error),
        // One file of a matrix set stands for its directory.
        "csv" => match path.parent().and_then(|dir| Some((dir, csv_matrix::find_files(dir)?))) {
            Some((dir, files)) => csv_matrix::load_dir(dir, &files),
            None => Err(LoadError::UnknownFormat {
                path: path.to_owned(),
                expected: LOAD_EXPECTED,
            }),
        },
        _ => Err(LoadError::UnknownFormat {
            path: path.to_owned(),
            expected: LOAD_EXPECTED,
        }),
    }
}

/// Whether a `.json` output path asks for WfFormat (`NAME.wfformat.json`).
fn is_wfformat(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|n| n.ends_with(".wfformat.json") || n.ends_with(".wfcommons.json"))
}

/// See [`crate::save`].
pub(crate) fn save(workload: &Workload, path: &Path) -> Result<(), SaveError> {
    let io_error = |error| SaveError::Io {
        path: path.to_owned(),
        error,
    };
    let write: fn(&Workload, &mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()> =
        match extension(path).as_str() {
            "json" if is_wfformat(path) => |w, out| wfcommons::write(w, out),
            "json" => |w, out| json::write(w, out),
            "dot" | "gv" => |w, out| dot::write(&w.dag, &w.name, out),
            _ => {
                return Err(SaveError::UnknownFormat {
                    path: path.to_owned(),
                    expected: SAVE_EXPECTED,
                });
            }
        };
    let file = std::fs::File::create(path).map_err(io_error)?;
    // A large buffer: a 10^6-task DAG is over 500 MB of JSON.
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    write(workload, &mut out).map_err(io_error)?;
    out.flush().map_err(io_error)
}
