//! PEFT on the 10-task example of Arabnejad & Barbosa (IEEE TPDS 25(3), 2014),
//! built inline from `shared/data/reference/peft_arabnejad2014/` (CSV layout of
//! mackncheesiest/peft) so the scheduler is checked independently of any file reader.

mod common;

use sim::{CostModel, Dag, Platform, SimConfig, simulate};

/// Execution time of task `i` on processors 0, 1, 2.
const COSTS: [[f64; 3]; 10] = [
    [22., 21., 36.],
    [22., 18., 18.],
    [32., 27., 43.],
    [7., 10., 4.],
    [29., 27., 35.],
    [26., 17., 24.],
    [14., 25., 30.],
    [29., 23., 36.],
    [15., 21., 8.],
    [13., 16., 33.],
];

/// (source, destination, communication cost at bandwidth 1).
const EDGES: [(usize, usize, f64); 15] = [
    (0, 1, 17.),
    (0, 2, 31.),
    (0, 3, 29.),
    (0, 4, 13.),
    (0, 5, 7.),
    (1, 7, 3.),
    (1, 8, 30.),
    (2, 6, 16.),
    (3, 7, 11.),
    (3, 8, 7.),
    (4, 8, 57.),
    (5, 7, 5.),
    (6, 9, 9.),
    (7, 9, 42.),
    (8, 9, 7.),
];

fn example() -> (Dag, Platform) {
    common::paper_example("arabnejad", "T", 0, &COSTS, &EDGES)
}

#[test]
fn optimistic_cost_table_matches_the_paper() {
    let (dag, platform) = example();
    let costs = CostModel::new(&dag, &platform).unwrap();
    let oct = schedulers::peft::optimistic_cost_table(&costs);
    let expected: [[f64; 3]; 10] = [
        [64., 68., 86.],
        [42., 39., 42.],
        [27., 41., 43.],
        [42., 39., 50.],
        [28., 37., 28.],
        [42., 39., 44.],
        [13., 16., 22.],
        [13., 16., 33.],
        [13., 16., 20.],
        [0., 0., 0.],
    ];
    for (t, row) in expected.iter().enumerate() {
        assert_eq!(&oct[t * 3..t * 3 + 3], row, "OCT row of T{t}");
    }
}

#[test]
fn peft_reproduces_the_papers_schedule() {
    let (dag, platform) = example();
    let mut s = schedulers::registry::create("peft", 0).unwrap();
    let result = simulate(&dag, &platform, &mut s, &SimConfig::default()).unwrap();
    let costs = CostModel::new(&dag, &platform).unwrap();
    sim::check::check(&costs, &result).unwrap();
    assert_eq!(result.metrics.makespan, 122.0);
    // (processor, start, end) per task, from mackncheesiest/peft's test of the paper's example.
    let expected = [
        (0, 0, 22),
        (0, 29, 51),
        (0, 51, 83),
        (0, 22, 29),
        (2, 35, 70),
        (1, 29, 46),
        (0, 83, 97),
        (1, 54, 77),
        (2, 81, 89),
        (1, 106, 122),
    ];
    for (i, (node, start, end)) in expected.into_iter().enumerate() {
        let r = &result.tasks[i];
        let got = (r.node.index(), r.start.as_secs_f64(), r.end.as_secs_f64());
        assert_eq!(got, (node, f64::from(start), f64::from(end)), "task T{i}");
    }
}

#[test]
fn branch_and_bound_proves_an_optimum_below_peft() {
    let (dag, platform) = example();
    let costs = CostModel::new(&dag, &platform).unwrap();
    let solution = schedulers::branch_and_bound::solve(&costs, 10_000_000, 64);
    assert!(solution.optimal, "{} search nodes", solution.expanded);
    // No published optimum; 113 is what the solver proves (PEFT: 122).
    assert_eq!(solution.makespan.as_secs_f64(), 113.0);
}
