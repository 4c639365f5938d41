//! The HEFT and PEFT papers' example graphs, read from the reference CSV matrices.

use std::path::PathBuf;

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/data")).join(rel)
}

#[test]
fn heft_example_has_the_papers_numbers() {
    let w = workloads::load(&data("reference/heft_topcuoglu2002")).unwrap();
    let dag = &w.dag;
    assert_eq!((dag.task_count(), dag.edge_count()), (10, 15));
    let t0 = &dag.tasks()[0];
    assert_eq!(t0.node_costs.as_deref(), Some(&[14.0, 16.0, 9.0][..]));
    assert_eq!(t0.work, 13.0);
    // Edge n1 -> n2 carries 18 time units at bandwidth 1.
    assert_eq!(dag.edges()[0].bytes, 18.0);
    let platform = w.platform.unwrap();
    assert_eq!(platform.node_count(), 3);
    assert_eq!(platform.nodes()[2].name, "P_2");
}

#[test]
fn every_reference_directory_loads() {
    for dir in ["heft_topcuoglu2002", "peft_arabnejad2014", "mackncheesiest_random10"] {
        let w = workloads::load(&data(&format!("reference/{dir}"))).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.dag.task_count(), 10, "{dir}");
        assert_eq!(w.name, dir);
    }
}

#[test]
fn one_matrix_file_stands_for_its_directory() {
    let file = data("reference/heft_topcuoglu2002/canonicalgraph_task_exe_time.csv");
    let w = workloads::load(&file).unwrap();
    assert_eq!(w.name, "heft_topcuoglu2002");
    assert_eq!(w.dag.edge_count(), 15);
}

#[test]
fn json_round_trip_keeps_the_platform() {
    let w = workloads::load(&data("reference/peft_arabnejad2014")).unwrap();
    let out = std::env::temp_dir().join(format!("workloads-peft-{}.json", std::process::id()));
    workloads::save(&w, &out).unwrap();
    let back = workloads::load(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    assert_eq!(back.dag.tasks(), w.dag.tasks());
    assert_eq!(back.dag.edges(), w.dag.edges());
    assert_eq!(back.platform, w.platform);
    assert_eq!(back.name, w.name);
}

#[test]
fn errors_start_with_the_path() {
    let missing = data("reference/none.json");
    let e = workloads::load(&missing).unwrap_err().to_string();
    assert!(e.starts_with(&missing.display().to_string()), "{e}");
    let e = workloads::load(&data("reference")).unwrap_err().to_string();
    assert!(e.contains("unknown workload format"), "{e}");
}
