//! Every file in `tests/malformed/` fails to load with an error that names the
//! file and the offending line, task or field, and never panics.

use std::path::PathBuf;

fn malformed(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/malformed")).join(name)
}

/// (file, text the error must contain after the path).
const CASES: &[(&str, &str)] = &[
    ("bad_edge.txt", "line 4: \"5\" is not a task index"),
    (
        "bad_record.stg",
        "line 3: task 1: processing time \"seven\" is not a number",
    ),
    ("cycle.json", "cycle through task"),
    ("cycle.stg", "cycle through task"),
    ("duplicate_ids.json", "task \"twin\": duplicate task id"),
    ("duplicate_ids.xml", "line 4: job \"a\": duplicate job id"),
    ("empty.json", "the file is empty"),
    ("empty.stg", "the file is empty"),
    ("empty.xml", "the file is empty"),
    ("garbage.dot", "line 1: not UTF-8 text"),
    ("garbage.json", "line 1: not UTF-8 text"),
    ("garbage.stg", "line 1: not UTF-8 text"),
    ("garbage.txt", "line 1: not UTF-8 text"),
    ("garbage.xml", "line 1: not UTF-8 text"),
    ("missing_parent.json", "task \"b\": parents: unknown task \"ghost\""),
    ("missing_parent.xml", "line 6: <parent ref=\"ghost\">: unknown job"),
    (
        "nan_runtime.xml",
        "task \"b\": work must be a finite number >= 0, got NaN",
    ),
    ("nan_work.dot", "task \"b\": work must be a finite number >= 0, got NaN"),
    (
        "negative_runtime.json",
        "task \"bad_ID02\": work must be a finite number >= 0, got -3.5",
    ),
    ("truncated.json", "line 7: column"),
    ("unknown_field.json", "line 3: column"),
    ("unknown_version.json", "schemaVersion: unsupported version \"9.9\""),
];

#[test]
fn every_malformed_file_gives_a_named_error() {
    for (name, expected) in CASES {
        let path = malformed(name);
        let message = match workloads::load(&path) {
            Ok(_) => panic!("{name}: loaded without error"),
            Err(e) => e.to_string(),
        };
        let prefix = format!("{}: ", path.display());
        let rest = message
            .strip_prefix(&prefix)
            .unwrap_or_else(|| panic!("{name}: the error does not start with the path: {message}"));
        assert!(rest.contains(expected), "{name}: expected {expected:?} in {rest:?}");
    }
}

#[test]
fn every_file_in_the_folder_is_a_case() {
    let dir = malformed("");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let cases: Vec<String> = CASES.iter().map(|(n, _)| (*n).to_owned()).collect();
    assert_eq!(names, cases);
}
