//! The literature's worked examples, read from `../shared/data/reference/`
//! through the same path as `schedlab simulate --dag`.

use experiments::cli::simulate::{SimulateArgs, run};
use std::path::PathBuf;

fn simulate(folder: &str, scheduler: &str) -> (experiments::cli::simulate::Summary, sim::RunResult) {
    let args = SimulateArgs {
        dag: Some(PathBuf::from(format!(
            "{}/reference/{folder}",
            schedlab_tests::SHARED_DATA
        ))),
        generate: None,
        platform: None,
        network: None,
        scheduler: scheduler.to_owned(),
        resource_manager: schedulers::resource::DEFAULT.to_owned(),
        noise: 0.0,
        seed: 0,
        failures: sim::Failures::None,
        checkpoint_cost: None,
        speed_error: sim::SpeedError::default(),
        trace: None,
    };
    run(&args).unwrap_or_else(|e| panic!("{folder} with {scheduler}: {e:#}"))
}

#[test]
fn heft_on_topcuoglu_2002_gives_the_published_schedule() {
    let (summary, result) = simulate("heft_topcuoglu2002", "heft");
    assert_eq!(summary.metrics.makespan, 80.0);
    // The table in reference/README.md: (processor, start, end) per task.
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
        assert_eq!(got, (node, f64::from(start), f64::from(end)), "task {i}");
    }
}

#[test]
fn cpop_on_topcuoglu_2002_gives_86() {
    assert_eq!(simulate("heft_topcuoglu2002", "cpop").0.metrics.makespan, 86.0);
}

#[test]
fn duplicating_critical_parents_shortens_the_papers_schedule() {
    // No published figure: the property is that duplication may only help
    // HEFT here, and does.
    let (summary, result) = simulate("heft_topcuoglu2002", "heft-dup");
    assert!(summary.metrics.makespan < 80.0, "{summary:?}");
    assert!(!result.copies.is_empty());
}

#[test]
fn every_reference_folder_runs_every_scheduler() {
    for folder in ["heft_topcuoglu2002", "peft_arabnejad2014", "mackncheesiest_random10"] {
        for info in schedulers::registry::all() {
            let (summary, _) = simulate(folder, info.name);
            assert!(
                summary.metrics.makespan > 0.0 && summary.metrics.slr >= 1.0,
                "{folder} {}: {summary:?}",
                info.name
            );
        }
    }
}
