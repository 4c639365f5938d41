//! Merging the shards of a results folder into the files a local run writes.
//!
//! [`merge`] checks that every shard is done and ran the same config and
//! build ([`Shards::scan`]), then writes the rows in grid order through
//! [`write_results`], the writer of a local run, so the results are byte-identical.

use super::{Manifest, Provenance, Row, RunRecord, ShardRecord, read_results, write_results};
use crate::grid::config::Config;
use crate::grid::identity::{self, Inputs};
use crate::grid::shard::{Progress, Shard, Shards, ranges};
use crate::grid::sweep::SweepSummary;
use anyhow::{Context as _, Result, bail};
use std::path::Path;

/// The inputs of every cell of the grid a shard's manifest names, so the
/// merge can check that each shard holds exactly the cells it owns now.
fn grid_inputs(provenance: &Provenance) -> Result<Vec<Inputs>> {
    let config = Config::parse(&provenance.config, Path::new(&provenance.config_dir))
        .context("cannot rebuild the shards' config to check which cells each shard owns")?;
    Ok(identity::of(&config))
}

/// Merges the shards of `dir` into `dir/results.csv`, `results.jsonl`,
/// `config.toml` and `manifest.json`, the files `schedlab run` writes.
///
/// # Errors
/// If a shard is not done (unless `allow_partial`, which merges the done ones
/// and lists the others in the manifest), if shards of different configs or
/// shardings are mixed, or if a shard's results do not hold exactly its cells.
pub fn merge(dir: &Path, allow_partial: bool) -> Result<SweepSummary> {
    let shards = Shards::scan(dir, None)?;
    let missing: Vec<usize> = (0..shards.count)
        .filter(|&k| !matches!(shards.progress[k], Progress::Done(_)))
        .collect();
    let n_done = shards.count - missing.len();
    if !missing.is_empty() && (!allow_partial || n_done == 0) {
        let how = if n_done == 0 {
            String::from("no shard is done")
        } else {
            format!("pass --allow-partial to merge the {n_done} done shards anyway")
        };
        bail!(
            "{}: {} of {} shards are not done: {}; run them (`schedlab slurm resubmit {}`, or \
             `schedlab run CONFIG --shard K/{} --out {}`), or {how}",
            dir.display(),
            missing.len(),
            shards.count,
            ranges(&missing),
            dir.display(),
            shards.count,
            dir.display()
        );
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut records = Vec::with_capacity(n_done);
    let mut first: Option<&Manifest> = None;
    let mut inputs = None;
    for (k, manifest) in shards.done() {
        let shard = Shard::new(k, shards.count)?;
        let inputs = match &inputs {
            Some(inputs) => inputs,
            None => inputs.insert(grid_inputs(&manifest.provenance)?),
        };
        let folder = shard.dir(dir);
        let part = read_results(&folder)?;
        let expected = Shard::cells_of(Some(shard), inputs);
        if !part.iter().map(|r| r.index).eq(expected.iter().copied()) {
            bail!(
                "{}/results.jsonl does not hold exactly the {} cells of shard {shard} (an input changed since, \
                 or the shard was cut short); rerun the shard",
                folder.display(),
                expected.len()
            );
        }
        rows.extend(part);
        records.push(ShardRecord {
            shard: k,
            cells: manifest.cells,
            failed: manifest.failed,
            run: manifest.run.clone(),
        });
        first.get_or_insert(manifest);
    }
    let Some(first) = first else {
        bail!("{}: no shard is done", dir.display());
    };
    rows.sort_by_key(|r| r.index);
    let failed = rows.iter().filter(|r| !r.error.is_empty()).count();
    let run = RunRecord::merged(records.iter().map(|r| &r.run));
    let resumed = run.resumed;
    let manifest = Manifest {
        provenance: first.provenance.clone(),
        cells: rows.len(),
        failed,
        run,
        shard: None,
        shards: records,
        missing_shards: missing,
    };
    write_results(dir, &rows, &manifest)?;
    Ok(SweepSummary {
        cells: rows.len(),
        resumed,
        failed,
        reruns: Vec::new(),
    })
}
