//! Synthetic scientific workflows in the shape of four Pegasus applications,
//! with task runtimes and file sizes drawn from statistics of the real
//! executions in `shared/data/wfcommons/pegasus/` (WfCommons instances,
//! Coleman et al., "WfCommons: a framework for enabling scientific workflow
//! research and development", FGCS 128, 2022; the structures follow the
//! WfCommons recipes for these applications).
//!
//! - `montage` (astronomy mosaics): keys `images` \[16] per band, `bands` \[1].
//!   Per band: `mProject` per image; `mDiffFit` per pair of images that are
//!   neighbours (8-neighbourhood) on a near-square grid; `mConcatFit` ← all
//!   `mDiffFit`; `mBgModel` ← `mConcatFit`; `mBackground` per image ←
//!   (its `mProject`, `mBgModel`); `mImgtbl` ← all `mBackground`; `mAdd` ←
//!   all `mBackground` and `mImgtbl`; `mViewer` ← `mAdd`. With several bands,
//!   one more `mViewer` reads every band's `mAdd`.
//! - `epigenomics` (genome methylation): keys `lanes` \[1], `chunks` \[9] per lane.
//!   Per lane: `fastqSplit` → per chunk `filterContams` → `sol2sanger` →
//!   `fast2bfq` → `map`, all `map` → a lane `mapMerge`; then a global
//!   `mapMerge` ← every lane's, `chr21` (maqIndex) ← it, `pileup` ← `chr21`.
//!   Tasks: `lanes × (4 × chunks + 2) + 3`.
//! - `1000genome` (human genome variation): keys `chromosomes` \[2],
//!   `individuals` \[10] per chromosome, `populations` \[7]. Per chromosome:
//!   `individuals` tasks → `individuals_merge`; `sifting`; per population
//!   `mutation_overlap` and `frequency` ← (`individuals_merge`, `sifting`).
//!   Tasks: `chromosomes × (individuals + 2 + 2 × populations)`.
//! - `cycles` (agroecosystem simulation): keys `locations` \[1], `units` \[16]
//!   per location. Per unit: `baseline_cycles` → `cycles` and
//!   `fertilizer_increase_cycles` → `cycles_fertilizer_increase_output_parser`
//!   (← both); per location `cycles_output_summary` ← its `cycles` and
//!   `cycles_fertilizer_increase_output_summary` ← its parsers; one
//!   `cycles_plots` ← every `cycles_output_summary`. Tasks: `locations × (4 × units + 2) + 1`.
//!
//! Runtimes (seconds on the instances' 1.2 GHz Chameleon nodes, taken as
//! reference seconds) are log-normal with the mean and standard deviation of
//! that task type over all instances of the application; edge bytes are the
//! mean bytes passed between those two task types, times `U[0.5, 1.5]`.
//! Keys `runtime_scale` \[1] and `data_scale` \[1] multiply all runtimes and
//! all bytes. Task names are `KIND_NNNNNNN`.
//!
//! Key `mpi` \[0]: with 1, the stages the real application can run
//! data-parallel become moldable (with the `serial` and `max_cores` keys every
//! generator takes): Montage's `mAdd` (`mAddMPI`); none of the other three
//! applications' stages is marked (see [`data_parallel_stages`]).

use super::{GenError, Moldability, Params};
use rand::RngExt as _;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution as _, LogNormal};
use sim::{DagBuilder, TaskId, TaskSpec};

/// Which application to imitate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum App {
    /// Montage.
    Montage,
    /// Epigenomics.
    Epigenomics,
    /// 1000Genome.
    Genome1000,
    /// Cycles.
    Cycles,
}

/// Runtime statistics of one task type: (kind, mean seconds, standard deviation).
type TaskType = (&'static str, f64, f64);

// Means and standard deviations over the instances in shared/data/wfcommons/pegasus/.
const M_PROJECT: TaskType = ("mProject", 163.111, 270.118);
const M_DIFF_FIT: TaskType = ("mDiffFit", 0.452, 1.659);
const M_CONCAT_FIT: TaskType = ("mConcatFit", 0.781, 0.838);
const M_BG_MODEL: TaskType = ("mBgModel", 4.992, 6.554);
const M_BACKGROUND: TaskType = ("mBackground", 12.280, 20.088);
const M_IMGTBL: TaskType = ("mImgtbl", 0.292, 0.269);
const M_ADD: TaskType = ("mAdd", 1.673, 3.289);
const M_VIEWER: TaskType = ("mViewer", 3.553, 7.613);
const FASTQ_SPLIT: TaskType = ("fastqSplit", 279.597, 292.591);
const FILTER_CONTAMS: TaskType = ("filterContams", 13.155, 10.105);
const SOL2SANGER: TaskType = ("sol2sanger", 7.385, 6.033);
const FAST2BFQ: TaskType = ("fast2bfq", 1.531, 1.406);
const MAP: TaskType = ("map", 41.506, 11.904);
const MAP_MERGE: TaskType = ("mapMerge", 8.684, 6.641);
const CHR21: TaskType = ("chr21", 36.058, 43.994);
const PILEUP: TaskType = ("pileup", 46.249, 28.793);
const INDIVIDUALS: TaskType = ("individuals", 61.117, 12.334);
const INDIVIDUALS_MERGE: TaskType = ("individuals_merge", 78.008, 28.171);
const SIFTING: TaskType = ("sifting", 3.800, 3.348);
const MUTATION_OVERLAP: TaskType = ("mutation_overlap", 9.528, 11.827);
const FREQUENCY: TaskType = ("frequency", 118.024, 18.815);
const BASELINE_CYCLES: TaskType = ("baseline_cycles", 48.122, 17.015);
const CYCLES: TaskType = ("cycles", 25.846, 18.998);
const FERTILIZER_CYCLES: TaskType = ("fertilizer_increase_cycles", 26.095, 19.401);
const FERTILIZER_PARSER: TaskType = ("cycles_fertilizer_increase_output_parser", 0.053, 0.019);
const OUTPUT_SUMMARY: TaskType = ("cycles_output_summary", 0.072, 0.074);
const FERTILIZER_SUMMARY: TaskType = ("cycles_fertilizer_increase_output_summary", 0.068, 0.055);
const PLOTS: TaskType = ("cycles_plots", 168.549, 105.699);

/// Adds tasks with drawn runtimes and edges with drawn bytes.
struct Recipe<'r> {
    b: DagBuilder,
    rng: &'r mut ChaCha8Rng,
    runtime_scale: f64,
    data_scale: f64,
}

impl Recipe<'_> {
    fn task(&mut self, (kind, mean, std): TaskType) -> TaskId {
        let runtime = LogNormal::from_mean_cv(mean, std / mean).map_or(mean, |d| d.sample(&mut *self.rng));
        let name = format!("{kind}_{:07}", self.b.task_count() + 1);
        self.b
            .add_task(TaskSpec::new(name, runtime * self.runtime_scale).kind(kind))
    }

    fn edge(&mut self, src: TaskId, dst: TaskId, mean_bytes: f64) {
        let bytes = mean_bytes * self.data_scale * self.rng.random_range(0.5..=1.5);
        self.b.add_edge(src, dst, bytes);
    }
}

/// The stages that the real application can run data-parallel: Montage's
/// `mAdd`, which Montage ships as an MPI module (`mAddMPI`; its other MPI
/// modules, `mProjExecMPI`, `mDiffExecMPI`, `mFitExecMPI`, `mBgExecMPI` and
/// `mAddExecMPI`, run a whole stage of per-image tasks, which this DAG
/// already has as separate tasks). For Epigenomics, 1000Genome and Cycles
/// no stage is marked: no parallel version of one of their programs was
/// found to cite.
fn data_parallel_stages(app: App) -> &'static [&'static str] {
    match app {
        App::Montage => &[M_ADD.0],
        App::Epigenomics | App::Genome1000 | App::Cycles => &[],
    }
}

/// Reads the keys and builds the DAG; see the module docs. With `mpi=1` the
/// tasks of [`data_parallel_stages`] become moldable with `moldability`'s
/// serial fraction and core limit (whatever its `moldable` fraction).
pub(crate) fn generate(
    p: &mut Params,
    rng: &mut ChaCha8Rng,
    app: App,
    moldability: &Moldability,
) -> Result<DagBuilder, GenError> {
    let shape = match app {
        App::Montage => [p.usize("images", 16, 1..=1_000_000)?, p.usize("bands", 1, 1..=100)?, 0],
        App::Epigenomics => [p.usize("lanes", 1, 1..=10_000)?, p.usize("chunks", 9, 1..=100_000)?, 0],
        App::Genome1000 => [
            p.usize("chromosomes", 2, 1..=10_000)?,
            p.usize("individuals", 10, 1..=100_000)?,
            p.usize("populations", 7, 1..=1000)?,
        ],
        App::Cycles => [
            p.usize("locations", 1, 1..=100_000)?,
            p.usize("units", 16, 1..=100_000)?,
            0,
        ],
    };
    let runtime_scale = p.f64("runtime_scale", 1.0, 0.0..=1e9)?;
    let data_scale = p.f64("data_scale", 1.0, 0.0..=1e9)?;
    let mpi = p.usize("mpi", 0, 0..=1)? == 1;
    p.finish()?;
    let mut r = Recipe {
        b: DagBuilder::new(),
        rng,
        runtime_scale,
        data_scale,
    };
    let [a, b, c] = shape;
    match app {
        App::Montage => montage(&mut r, a, b),
        App::Epigenomics => epigenomics(&mut r, a, b),
        App::Genome1000 => genome1000(&mut r, a, b, c),
        App::Cycles => cycles(&mut r, a, b),
    }
    if mpi {
        moldability.apply_to_kinds(&mut r.b, data_parallel_stages(app));
    }
    Ok(r.b)
}

fn montage(r: &mut Recipe<'_>, images: usize, bands: usize) {
    let cols = (images as f64).sqrt().ceil() as usize;
    let mut adds = Vec::with_capacity(bands);
    for _ in 0..bands {
        let projects: Vec<TaskId> = (0..images).map(|_| r.task(M_PROJECT)).collect();
        let mut diffs = Vec::new();
        for i in 0..images {
            let (row, col) = (i / cols, i % cols);
            // Right, down-left, down and down-right neighbours: each pair once.
            let right = (col + 1 < cols).then_some(i + 1);
            let down_left = (col > 0).then(|| (row + 1) * cols + col - 1);
            let down = Some((row + 1) * cols + col);
            let down_right = (col + 1 < cols).then(|| (row + 1) * cols + col + 1);
            for j in [right, down_left, down, down_right].into_iter().flatten() {
                if let (Some(&pi), Some(&pj)) = (projects.get(i), projects.get(j)) {
                    let diff = r.task(M_DIFF_FIT);
                    r.edge(pi, diff, 54_903_353.0);
                    r.edge(pj, diff, 54_903_353.0);
                    diffs.push(diff);
                }
            }
        }
        let concat = r.task(M_CONCAT_FIT);
        for &d in &diffs {
            r.edge(d, concat, 173.0);
        }
        let model = r.task(M_BG_MODEL);
        r.edge(concat, model, 21_207.0);
        let backgrounds: Vec<TaskId> = projects
            .iter()
            .map(|&p| {
                let bg = r.task(M_BACKGROUND);
                r.edge(p, bg, 29_541_109.0);
                r.edge(model, bg, 2_706.0);
                bg
            })
            .collect();
        let table = r.task(M_IMGTBL);
        let add = r.task(M_ADD);
        for &bg in &backgrounds {
            r.edge(bg, table, 14_770_555.0);
            r.edge(bg, add, 29_541_109.0);
        }
        r.edge(table, add, 11_879.0);
        let viewer = r.task(M_VIEWER);
        r.edge(add, viewer, 43_363_337.0);
        adds.push(add);
    }
    if bands > 1 {
        let viewer = r.task(M_VIEWER);
        for add in adds {
            r.edge(add, viewer, 43_363_337.0);
        }
    }
}

fn epigenomics(r: &mut Recipe<'_>, lanes: usize, chunks: usize) {
    let global = r.task(MAP_MERGE);
    for _ in 0..lanes {
        let split = r.task(FASTQ_SPLIT);
        let merge = r.task(MAP_MERGE);
        for _ in 0..chunks {
            let filter = r.task(FILTER_CONTAMS);
            let sanger = r.task(SOL2SANGER);
            let bfq = r.task(FAST2BFQ);
            let map = r.task(MAP);
            r.edge(split, filter, 7_778_729.0);
            r.edge(filter, sanger, 7_061_809.0);
            r.edge(sanger, bfq, 5_277_011.0);
            r.edge(bfq, map, 1_304_633.0);
            r.edge(map, merge, 552_271.0);
        }
        r.edge(merge, global, 23_888_239.0);
    }
    let index = r.task(CHR21);
    r.edge(global, index, 85_556_674.0);
    let pileup = r.task(PILEUP);
    r.edge(index, pileup, 85_556_674.0);
}

fn genome1000(r: &mut Recipe<'_>, chromosomes: usize, individuals: usize, populations: usize) {
    for _ in 0..chromosomes {
        let merge = r.task(INDIVIDUALS_MERGE);
        for _ in 0..individuals {
            let ind = r.task(INDIVIDUALS);
            r.edge(ind, merge, 28_137.0);
        }
        let sifting = r.task(SIFTING);
        for _ in 0..populations {
            for kind in [MUTATION_OVERLAP, FREQUENCY] {
                let t = r.task(kind);
                r.edge(merge, t, 24_740.0);
                r.edge(sifting, t, 880_057.0);
            }
        }
    }
}

fn cycles(r: &mut Recipe<'_>, locations: usize, units: usize) {
    let plots = r.task(PLOTS);
    for _ in 0..locations {
        let summary = r.task(OUTPUT_SUMMARY);
        let fert_summary = r.task(FERTILIZER_SUMMARY);
        for _ in 0..units {
            let baseline = r.task(BASELINE_CYCLES);
            let cycles = r.task(CYCLES);
            let fertilizer = r.task(FERTILIZER_CYCLES);
            let parser = r.task(FERTILIZER_PARSER);
            r.edge(baseline, cycles, 37_728.0);
            r.edge(baseline, fertilizer, 37_728.0);
            r.edge(cycles, parser, 6_257.0);
            r.edge(fertilizer, parser, 6_257.0);
            r.edge(cycles, summary, 6_257.0);
            r.edge(parser, fert_summary, 8_383.0);
        }
        r.edge(summary, plots, 75_340.0);
    }
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn mpi_marks_montages_coadd_and_nothing_else() {
        let dag = crate::generate("montage:images=9,bands=2,mpi=1,max_cores=16,serial=0.05", 4).unwrap();
        for t in dag.tasks() {
            let moldable = t.parallelism.max_cores > 1;
            assert_eq!(moldable, dag.kind_name(t.kind) == "mAdd", "{}", t.name);
            if moldable {
                assert_eq!((t.parallelism.max_cores, t.parallelism.serial_fraction), (16, 0.05));
            }
        }
        assert_eq!(dag.tasks().iter().filter(|t| t.parallelism.max_cores > 1).count(), 2);
        let plain = crate::generate("montage:images=9,bands=2", 4).unwrap();
        let unmarked = crate::generate("montage:images=9,bands=2,mpi=0", 4).unwrap();
        assert_eq!(plain.tasks(), unmarked.tasks());
        assert!(plain.tasks().iter().zip(dag.tasks()).all(|(a, b)| a.work == b.work));
        let epigenomics = crate::generate("epigenomics:mpi=1", 4).unwrap();
        assert!(epigenomics.tasks().iter().all(|t| t.parallelism.max_cores == 1));
    }

    #[test]
    fn task_counts_match_the_real_instances() {
        // epigenomics-chameleon-hep-1seq-100k-001: 41 tasks.
        assert_eq!(check::shape("epigenomics:lanes=1,chunks=9").0, 41);
        // 1000genome-chameleon-10ch-100k-001: 260 tasks.
        assert_eq!(check::shape("1000genome:chromosomes=10,individuals=10").0, 260);
        // cycles-chameleon-10l-1c-9p-001: 661 tasks; cycles-…-1l-1c-9p-001: 67.
        assert_eq!(check::shape("cycles:locations=10,units=16").0, 661);
        assert_eq!(check::shape("cycles").0, 67);
        // Montage, one band of 2×2 images: 4 mProject, 6 mDiffFit, 4 mBackground + 5.
        assert_eq!(check::shape("montage:images=4").0, 19);
        assert_eq!(check::shape("montage:images=4,bands=3").0, 3 * 19 + 1);
    }

    #[test]
    fn kinds_and_determinism() {
        let dag = crate::generate("montage:images=9", 3).unwrap();
        let kinds = crate::stats(&dag).kinds;
        assert_eq!(kinds.len(), 8);
        assert_eq!((dag.entry_tasks().count(), dag.exit_tasks().count()), (9, 1));
        for spec in ["montage", "epigenomics", "1000genome", "cycles"] {
            check::deterministic(spec);
        }
    }
}
