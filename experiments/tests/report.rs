//! The report a paper can use: absolute-value and pairwise tables as CSV and
//! LaTeX that compiles, the shown instance (`[report] show` or the median),
//! cell traces from `run --trace-cells`, and the results format version.

mod common;

use common::{run_grid, schedlab, temp_dir};

use experiments::grid::config::Config;
use std::path::Path;

/// Three schedulers on eight instances: enough pairs for Wilcoxon's exact test
/// to reach p < 0.05 after Holm's correction where one scheduler always wins.
const GRID: &str = r#"
name = "paper"
workloads = [
  { family = "layered", params = { tasks = 25, ccr = 1 } },
  { family = "fork-join", params = { levels = 2, width = 4 } },
]
platforms = [{ preset = "heterogeneous", nodes = 3 }]
schedulers = ["heft", "random", "online-eft"]
seeds = 4
"#;

/// Checks a booktabs table structurally: rules in order, and every body row
/// with as many cells as the column specification has columns.
fn check_latex(tex: &str) {
    let spec = tex
        .lines()
        .find_map(|l| l.trim().strip_prefix("\\begin{tabular}{"))
        .and_then(|l| l.strip_suffix('}'))
        .unwrap_or_else(|| panic!("no tabular:\n{tex}"));
    let columns = spec.chars().filter(|c| "lrc".contains(*c)).count();
    let position = |needle: &str| tex.find(needle).unwrap_or_else(|| panic!("no {needle}:\n{tex}"));
    assert!(position("\\toprule") < position("\\midrule") && position("\\midrule") < position("\\bottomrule"));
    assert!(position("\\bottomrule") < position("\\end{tabular}"));
    let rows: Vec<&str> = tex.lines().filter(|l| l.trim_end().ends_with("\\\\")).collect();
    assert!(rows.len() >= 2, "{tex}");
    for row in rows {
        // `&` inside text is escaped as `\&`; only bare ones separate cells.
        let cells = row.replace("\\&", "").matches('&').count() + 1;
        assert_eq!(cells, columns, "{row}");
    }
}

/// Compiles the tables in a minimal document with pdflatex when it is installed.
fn compile_with_pdflatex(dir: &Path) {
    if std::process::Command::new("pdflatex")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("pdflatex not installed: the LaTeX tables were checked structurally only");
        return;
    }
    let doc = "\\documentclass{article}\n\\usepackage{booktabs}\n\\usepackage{amsmath}\n\\begin{document}\n\
               \\input{absolute.tex}\n\\input{pairwise.tex}\n\\end{document}\n";
    std::fs::write(dir.join("doc.tex"), doc).unwrap();
    let out = std::process::Command::new("pdflatex")
        .args(["-interaction=nonstopmode", "-halt-on-error", "doc.tex"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdflatex failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(dir.join("doc.pdf").is_file());
}

#[test]
fn the_report_writes_paper_tables_that_compile() {
    let out = run_grid(GRID, "paper-tables", None);
    let html = std::fs::read_to_string(experiments::grid::report::write(&out).unwrap()).unwrap();
    for needle in [
        "Absolute values",
        "Pairwise comparisons",
        "Wilcoxon",
        "<th>Makespan (s)</th>",
        "median of 8 instances",
    ] {
        assert!(html.contains(needle), "report lacks {needle}");
    }
    let tables = out.join("tables");
    let mut absolute = csv::Reader::from_path(tables.join("absolute.csv")).unwrap();
    let header: Vec<String> = absolute.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header[..7],
        [
            "scheduler",
            "workload",
            "parameters",
            "platform",
            "runs",
            "makespan_s_mean",
            "makespan_s_ci95"
        ]
    );
    // 3 schedulers × 2 workloads × 1 platform, 4 seeds each.
    let body: Vec<csv::StringRecord> = absolute.records().map(Result::unwrap).collect();
    assert_eq!(body.len(), 6);
    assert!(body.iter().all(|r| &r[4] == "4"), "{body:?}");
    assert_eq!((&body[0][1], &body[0][2]), ("layered", "ccr=1,tasks=25"));
    let pairwise = std::fs::read_to_string(tables.join("pairwise.csv")).unwrap();
    assert_eq!(pairwise.lines().count(), 1 + 3, "{pairwise}");
    for name in ["absolute.tex", "pairwise.tex"] {
        check_latex(&std::fs::read_to_string(tables.join(name)).unwrap());
    }
    compile_with_pdflatex(&tables);
    let _ = std::fs::remove_dir_all(out);
}

#[test]
fn report_show_picks_the_instance_and_scheduler_drawn() {
    let text = format!("{GRID}\n[report]\nshow = {{ workload = \"fork-join\", seed = 2, scheduler = \"random\" }}\n");
    let out = run_grid(&text, "paper-show", None);
    let html = std::fs::read_to_string(experiments::grid::report::write(&out).unwrap()).unwrap();
    assert!(
        html.contains("fork-join:levels=2,width=4 on heterogeneous:3, noise 0, MTBF inf, seed 2"),
        "the Gantt note names the instance"
    );
    assert!(html.contains("chosen by [report] show = { workload=fork-join,scheduler=random,seed=2 }"));
    let gantt = std::fs::read_to_string(out.join("plots/gantt.svg")).unwrap();
    assert!(gantt.contains("random: makespan") && !gantt.contains("heft: makespan"));
    let _ = std::fs::remove_dir_all(out);

    let typo = format!("{GRID}\n[report]\nshow = {{ scheduler = \"hef\" }}\n");
    let err = format!("{:#}", Config::parse(&typo, Path::new(".")).unwrap_err());
    assert!(err.contains("[report] show (line 12"), "{err}");
    assert!(
        err.contains("scheduler \"hef\" is not in the grid; did you mean \"heft\"?"),
        "{err}"
    );
    let unknown = format!("{GRID}\n[report]\nshow = {{ sed = 1 }}\n");
    let err = format!("{:#}", Config::parse(&unknown, Path::new(".")).unwrap_err());
    assert!(err.contains("sed"), "{err}");
}

#[test]
fn run_writes_traces_of_the_selected_cells() {
    let dir = temp_dir("trace-cells");
    let config = dir.join("grid.toml");
    std::fs::write(&config, GRID).unwrap();
    let (c, out, traces) = (config.to_str().unwrap(), dir.join("out"), dir.join("traces"));
    let (code, stdout, stderr) = schedlab(&[
        "run",
        c,
        "--no-report",
        "--threads",
        "1",
        "--out",
        out.to_str().unwrap(),
        "--trace-cells",
        "workload=layered:ccr=1,tasks=25,scheduler=heft",
        "--trace-dir",
        traces.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("4 traces (workload=layered:ccr=1,tasks=25,scheduler=heft)"),
        "{stdout}"
    );
    let mut files: Vec<_> = std::fs::read_dir(&traces).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert_eq!(files.len(), 4);
    for file in files {
        let trace: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let events = trace["traceEvents"].as_array().expect("a Chrome trace");
        assert!(events.len() >= 25, "{}: {} events", file.display(), events.len());
    }
    let (code, _, stderr) = schedlab(&[
        "run",
        c,
        "--no-report",
        "--out",
        out.to_str().unwrap(),
        "--trace-cells",
        "scheduler=cpop",
        "--trace-dir",
        traces.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no successful cell of the grid matches"), "{stderr}");
    let (code, _, stderr) = schedlab(&["run", c, "--trace-cells", "all"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--trace-dir"), "{stderr}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_results_folder_of_a_newer_format_is_refused() {
    let out = run_grid(GRID, "paper-format", None);
    let path = out.join("manifest.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(
        manifest["format_version"],
        experiments::results::manifest::FORMAT_VERSION
    );
    manifest["format_version"] = serde_json::json!(99);
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let err = format!("{:#}", experiments::grid::report::write(&out).unwrap_err());
    assert!(err.contains("results format 99 is newer than this schedlab's"), "{err}");
    let _ = std::fs::remove_dir_all(out);
}
