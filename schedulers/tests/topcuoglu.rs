//! HEFT and CPOP on the 10-task example of Topcuoglu, Hariri, Wu (IEEE TPDS 2002, Fig. 2),
//! built inline so the schedulers are checked independently of any file reader.

mod common;

use sim::{Dag, Platform, SimConfig, simulate};

const COSTS: [[f64; 3]; 10] = [
    [14., 16., 9.],
    [13., 19., 18.],
    [11., 13., 19.],
    [13., 8., 17.],
    [12., 13., 10.],
    [13., 16., 9.],
    [7., 15., 11.],
    [5., 11., 14.],
    [18., 12., 20.],
    [21., 7., 16.],
];

const EDGES: [(usize, usize, f64); 15] = [
    (0, 1, 18.),
    (0, 2, 12.),
    (0, 3, 9.),
    (0, 4, 11.),
    (0, 5, 14.),
    (1, 7, 19.),
    (1, 8, 16.),
    (2, 6, 23.),
    (3, 7, 27.),
    (3, 8, 23.),
    (4, 8, 13.),
    (5, 7, 15.),
    (6, 9, 17.),
    (7, 9, 11.),
    (8, 9, 13.),
];

fn example() -> (Dag, Platform) {
    common::paper_example("topcuoglu", "n", 1, &COSTS, &EDGES)
}

fn run(name: &str) -> sim::RunResult {
    let (dag, platform) = example();
    let mut s = schedulers::registry::create(name, 0).unwrap();
    let result = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    let costs = sim::CostModel::new(&dag, &platform).unwrap();
    sim::check::check(&costs, &result).unwrap();
    result
}

#[test]
fn heft_reproduces_the_papers_schedule() {
    let result = run("heft");
    assert_eq!(result.metrics.makespan, 80.0);
    // (processor, start, end) per task, from the paper's Fig. 3a.
    let expected = [
        (2, 0, 9),
        (0, 27, 40),
        (2, 9, 28),
        (1, 18, 26),
        (2, 28, 38),
        (1, 26, 42),
        (2, 38, 49),
        (0, 57, 62),
        (1, 56, 68),
        (1, 73, 80),
    ];
    for (i, (node, start, end)) in expected.into_iter().enumerate() {
        let r = &result.tasks[i];
        let got = (r.node.index(), r.start.as_secs_f64(), r.end.as_secs_f64());
        assert_eq!(got, (node, f64::from(start), f64::from(end)), "task n{}", i + 1);
    }
}

#[test]
fn cpop_matches_the_papers_makespan() {
    assert_eq!(run("cpop").metrics.makespan, 86.0);
}

#[test]
fn branch_and_bound_proves_an_optimum_below_heft() {
    let (dag, platform) = example();
    let costs = sim::CostModel::new(&dag, &platform).unwrap();
    let solution = schedulers::branch_and_bound::solve(&costs, 10_000_000, 64);
    assert!(solution.optimal, "{} search nodes", solution.expanded);
    // Without duplication; HEFT: 80, CPOP: 86.
    assert_eq!(solution.makespan.as_secs_f64(), 73.0);
}
