//! Picture check: a small instance of every generator family is written as
//! DOT, read back unchanged, and rendered to PNG by Graphviz's `dot` when it
//! is installed (CI installs it). The pictures are left in
//! `target/tmp/workloads-pictures/` for a person to look at.

use std::path::PathBuf;
use std::process::Command;

const FAMILIES: &[&str] = &[
    "layered:tasks=30",
    "topcuoglu:tasks=30,nodes=3",
    "erdos-renyi:tasks=15,p=0.2",
    "fork-join:levels=3,width=4",
    "in-tree:depth=4",
    "out-tree:depth=4",
    "pipeline:stages=5,lanes=3",
    "gaussian:m=5",
    "fft:points=4",
    "cholesky:tiles=4",
    "lu:tiles=3",
    "stencil:steps=4,width=5",
    "wavefront:rows=4,cols=5",
    "map-reduce:mappers=5,reducers=3",
    "stages:stages=3,width=5",
    "montage:images=6",
    "epigenomics:lanes=2,chunks=3",
    "1000genome:chromosomes=2,individuals=4,populations=2",
    "cycles:locations=2,units=3",
];

#[test]
fn every_family_renders() {
    assert_eq!(FAMILIES.len(), workloads::generators::KINDS.len());
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("workloads-pictures");
    std::fs::create_dir_all(&dir).unwrap();
    let has_dot = Command::new("dot").arg("-V").output().is_ok();
    for spec in FAMILIES {
        let kind = spec.split(':').next().unwrap();
        let dag = workloads::generate(spec, 1).unwrap();
        let workload = workloads::Workload {
            dag,
            platform: None,
            name: kind.to_owned(),
        };
        let dot_path = dir.join(format!("{kind}.dot"));
        workloads::save(&workload, &dot_path).unwrap();
        let back = workloads::load(&dot_path).unwrap();
        assert_eq!(back.dag.tasks(), workload.dag.tasks(), "{spec}");
        assert_eq!(back.dag.edges(), workload.dag.edges(), "{spec}");
        if has_dot {
            let png = dir.join(format!("{kind}.png"));
            let status = Command::new("dot")
                .arg("-Tpng")
                .arg(&dot_path)
                .arg("-o")
                .arg(&png)
                .status()
                .unwrap();
            assert!(status.success(), "dot failed on {}", dot_path.display());
            let bytes = std::fs::read(&png).unwrap();
            assert!(bytes.starts_with(b"\x89PNG"), "{}", png.display());
        }
    }
}
