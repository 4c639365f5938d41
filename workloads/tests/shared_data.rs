//! Every DAG under `../shared/data/` imports, with the answers the files state.

use std::path::{Path, PathBuf};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data")).join(rel)
}

/// Files that are documentation, licences, schemas or answer tables, not DAGs.
fn is_not_a_dag(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.starts_with("README")
        || name.starts_with("LICENSE")
        || name.starts_with("SOURCES")
        || parent == "WfFormat"
        || parent == "optimal"
}

/// Every workload under `dir`: matrix directories as a whole, other files one by one.
fn workload_paths(dir: &Path, found: &mut Vec<PathBuf>) {
    if workloads::formats::csv_matrix::find_files(dir).is_some() {
        found.push(dir.to_owned());
        return;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            workload_paths(&path, found);
        } else if !is_not_a_dag(&path) {
            found.push(path);
        }
    }
}

#[test]
fn every_shared_file_imports() {
    let mut paths = Vec::new();
    for folder in ["wfcommons", "stg", "dax", "other", "reference"] {
        workload_paths(&data(folder), &mut paths);
    }
    // 57 WfCommons instances, 543 STG graphs, 20 DAX, 16 FFT/Laplace, 3 matrix sets.
    assert_eq!(paths.len(), 57 + 543 + 20 + 16 + 3);
    for path in paths {
        let w = workloads::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(w.dag.task_count() > 0, "{}", path.display());
    }
}

/// The `# CP Length : N` header of an STG file.
fn cp_header(text: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix("# CP Length"))
        .and_then(|rest| rest.split(':').nth(1))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no CP Length header"))
}

#[test]
fn stg_critical_paths_match_the_headers() {
    for (name, cp) in [("robot", 569.0), ("sparse", 122.0), ("fpppp", 1062.0)] {
        let path = data(&format!("stg/application/{name}.stg"));
        let w = workloads::load(&path).unwrap();
        assert_eq!(workloads::stats(&w.dag).critical_path, cp, "{name}");
        assert_eq!(cp_header(&std::fs::read_to_string(&path).unwrap()), cp);
    }
    let mut checked = 0;
    for size in ["50", "100", "300"] {
        for entry in std::fs::read_dir(data(&format!("stg/rnc/{size}"))).unwrap() {
            let path = entry.unwrap().path();
            let header = cp_header(&std::fs::read_to_string(&path).unwrap());
            let w = workloads::load(&path).unwrap();
            assert_eq!(workloads::stats(&w.dag).critical_path, header, "{}", path.display());
            checked += 1;
        }
    }
    assert_eq!(checked, 540);
}

#[test]
fn wfcommons_sizes_are_bytes() {
    // Each of the chain's 4 edges passes one file of 16666667 bytes.
    let w = workloads::load(&data("wfcommons/helloworld/helloworld-chain-5-chameleon.json")).unwrap();
    let total: f64 = w.dag.edges().iter().map(|e| e.bytes).sum();
    assert_eq!(total, 4.0 * 16_666_667.0);
    // Montage 0.05°: 58 tasks, 114 edges carrying 549,181,584 bytes of files
    // written by the parent and read by the child (computed from the file with
    // an independent script), 221.726 s of runtime on its one machine.
    let w = workloads::load(&data("wfcommons/pegasus/montage/montage-chameleon-2mass-005d-001.json")).unwrap();
    let s = workloads::stats(&w.dag);
    assert_eq!((s.tasks, s.edges), (58, 114));
    assert_eq!(w.dag.edges().iter().map(|e| e.bytes).sum::<f64>(), 549_181_584.0);
    assert!((s.total_work - 221.726).abs() < 1e-9, "{}", s.total_work);
    assert_eq!(s.kinds.first().map(|k| k.kind.as_str()), Some("mDiffFit"));
    let platform = w.platform.unwrap();
    assert_eq!(platform.nodes()[0].cores, 48);
    // The same run in schema 1.4 (sizes per task file) gives the same bytes.
    let w = workloads::load(&data("wfcommons/schema-1.4/montage-chameleon-2mass-005d-001.json")).unwrap();
    assert_eq!((w.dag.task_count(), w.dag.edge_count()), (58, 114));
    assert_eq!(w.dag.edges().iter().map(|e| e.bytes).sum::<f64>(), 549_181_584.0);
}

#[test]
fn wfcommons_round_trip_preserves_the_dag() {
    let dir = std::env::temp_dir().join(format!("workloads-wf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = Vec::new();
    workload_paths(&data("wfcommons"), &mut files);
    assert_eq!(files.len(), 57);
    for path in files {
        let first = workloads::load(&path).unwrap();
        let out = dir.join("copy.wfformat.json");
        workloads::save(&first, &out).unwrap();
        let second = workloads::load(&out).unwrap_or_else(|e| panic!("{e}"));
        let name = path.display();
        assert_eq!(second.name, first.name, "{name}");
        assert_eq!(second.dag.tasks(), first.dag.tasks(), "{name}");
        assert_eq!(second.dag.kinds(), first.dag.kinds(), "{name}");
        assert_eq!(second.dag.edges(), first.dag.edges(), "{name}");
        assert_eq!(second.platform.is_some(), first.platform.is_some(), "{name}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
