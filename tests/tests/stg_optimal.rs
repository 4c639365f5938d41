//! Optimality gaps on the Standard Task Graph Set (Tobita & Kasahara, J.
//! Scheduling 2002; Kasahara Lab, Waseda Univ., test data only): all 180
//! random 50-task graphs of `shared/data/stg/rnc/50/` on 2, 4, 8 and 16
//! identical single-core processors, against the published optima of
//! `shared/data/stg/optimal/Case50_{p}_OPT.csv`.
//!
//! STG has no communication, and on identical processors the cost model is
//! exact, so no scheduler may ever beat an optimum: that is the test. The
//! branch-and-bound solver runs with a small budget; wherever it proves
//! optimality its makespan must equal the published optimum.
//!
//! It also prints each scheduler's mean and worst gap (% above optimum):
//! `cargo test --release -p schedlab-tests --test stg_optimal -- --nocapture`

use schedulers::branch_and_bound;
use sim::{CostModel, SimConfig};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Folder of the shared reference data.
use schedlab_tests::SHARED_DATA;

/// Processor counts with published optima.
const PROCESSORS: [u32; 4] = [2, 4, 8, 16];

/// Search nodes the exact solver may visit per instance in this test.
const BNB_BUDGET: u64 = 2_000;

/// `(graph path relative to stg/rnc/, optimal makespan)` for `p` processors.
fn optima(p: u32) -> Vec<(String, f64)> {
    let path = format!("{SHARED_DATA}/stg/optimal/Case50_{p}_OPT.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split(',').map(str::trim);
            let (graph, procs, opt) = (fields.next()?, fields.next()?, fields.next()?);
            // Lines that do not parse (a header, if any) are skipped.
            let procs: u32 = procs.parse().ok()?;
            assert_eq!(procs, p, "{path}: {line}");
            Some((graph.to_owned(), opt.parse().ok()?))
        })
        .collect()
}

/// Mean and worst gap of one scheduler.
#[derive(Default)]
struct Gaps {
    sum: f64,
    worst: f64,
    n: usize,
    n_optimal: usize,
}

impl Gaps {
    fn add(&mut self, makespan: f64, optimum: f64) {
        let gap = 100.0 * (makespan - optimum) / optimum;
        self.sum += gap;
        self.worst = self.worst.max(gap);
        self.n += 1;
        if makespan == optimum {
            self.n_optimal += 1;
        }
    }
}

#[test]
fn no_scheduler_beats_the_stg_optimum() {
    let names: Vec<String> = schedulers::registry::all()
        .iter()
        .map(|info| match info.name {
            "branch-and-bound" => format!("branch-and-bound:budget={BNB_BUDGET}"),
            name => name.to_owned(),
        })
        .collect();
    let mut gaps: BTreeMap<&str, Gaps> = BTreeMap::new();
    let mut per_p: BTreeMap<(u32, &str), Gaps> = BTreeMap::new();
    let (mut n_instances, mut n_proven) = (0usize, 0usize);
    for p in PROCESSORS {
        let platform = sim::presets::preset("homogeneous", p).unwrap();
        let optima = optima(p);
        assert_eq!(optima.len(), 180, "Case50_{p}_OPT.csv");
        for (graph, optimum) in &optima {
            let path = PathBuf::from(format!("{SHARED_DATA}/stg/rnc/{graph}"));
            let workload = workloads::load(&path).unwrap_or_else(|e| panic!("{e}"));
            let dag = &workload.dag;
            let costs = CostModel::new(dag, &platform).unwrap();
            n_instances += 1;
            for name in &names {
                let mut s = schedulers::registry::create(name, 0).unwrap();
                let result = sim::simulate(dag, &platform, &mut s, &SimConfig::default())
                    .unwrap_or_else(|e| panic!("{name} on {graph}, {p} procs: {e}"));
                if let Err(v) = sim::check::check(&costs, &result) {
                    panic!("{name} on {graph}, {p} procs: {v:?}");
                }
                let makespan = result.metrics.makespan;
                assert!(
                    makespan >= *optimum,
                    "{name} on {graph} with {p} processors: {makespan} beats the optimum {optimum}"
                );
                gaps.entry(name).or_default().add(makespan, *optimum);
                per_p.entry((p, name)).or_default().add(makespan, *optimum);
            }
            let solution = branch_and_bound::solve(&costs, BNB_BUDGET, usize::MAX);
            if solution.optimal {
                n_proven += 1;
                assert_eq!(
                    solution.makespan.as_secs_f64(),
                    *optimum,
                    "branch and bound proved a wrong optimum on {graph} with {p} processors"
                );
            }
        }
    }

    println!("\nSTG rnc/50: {n_instances} instances (180 graphs x p in {PROCESSORS:?}), noise 0");
    println!(
        "branch and bound (budget {BNB_BUDGET}) proved the optimum on {n_proven} and matched the published value every time\n"
    );
    let mut rows: Vec<(&&str, &Gaps)> = gaps.iter().collect();
    rows.sort_by(|a, b| (a.1.sum / a.1.n as f64).total_cmp(&(b.1.sum / b.1.n as f64)));
    print!("| scheduler | mean gap % | worst gap % | optimal |");
    for p in PROCESSORS {
        print!(" mean p={p} |");
    }
    println!();
    print!("|---|---:|---:|---:|");
    for _ in PROCESSORS {
        print!("---:|");
    }
    println!();
    for (name, g) in rows {
        print!(
            "| {name} | {:.2} | {:.2} | {}/{} |",
            g.sum / g.n as f64,
            g.worst,
            g.n_optimal,
            g.n
        );
        for p in PROCESSORS {
            let q = &per_p[&(p, *name)];
            print!(" {:.2} |", q.sum / q.n as f64);
        }
        println!();
    }
}
