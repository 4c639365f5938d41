//! A setup saved by the GUI is a config `schedlab run` accepts, with the same grid.

use gui::experiment::to_config;
use gui::setup::Setup;
use std::path::Path;

#[test]
fn saved_setup_parses_as_an_experiment_config_with_the_same_grid() {
    let mut setup = Setup::default();
    setup.set_family("fork-join");
    setup.set_param("width", 6.0);
    setup.set_param("ccr", 0.5);
    setup.select("heft", true);
    setup.select("min-min", true);
    setup.noise_sigma = 0.2;
    setup.dag_seed = 7;
    setup.mtbf = Some(500.0);
    setup.repair = 30.0;
    let text = to_config(&setup, "GUI test", None);
    let config = match experiments::grid::config::Config::parse(&text, Path::new(".")) {
        Ok(c) => c,
        Err(e) => panic!("{e:#}\n{text}"),
    };
    assert_eq!(config.name, "GUI test");
    assert_eq!(config.schedulers, setup.scheduler_specs());
    assert_eq!(config.seeds, vec![7]);
    assert_eq!(config.noise, vec![0.2]);
    assert_eq!(config.mtbf, vec![500.0]);
    assert!((config.repair - 30.0).abs() < 1e-12);
    assert_eq!(config.workloads.len(), 1);
    assert_eq!(config.workloads.first().map(|w| w.family()), Some("fork-join"));
    let labels: Vec<&str> = config.platforms.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, vec!["heterogeneous:4"]);
}
