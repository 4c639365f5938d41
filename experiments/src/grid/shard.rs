//! Shards: the K-th of N deterministic parts of a grid, their folders, and
//! merging them back into one results folder.
//!
//! Cell `i` belongs to shard `i % N` (strided), not to the K-th contiguous
//! block. Grid order varies the seed fastest and the workload slowest, so
//! neighbouring cells cost alike and distant ones very differently (a block
//! of 10^4-task DAGs, then a block of 50-task ones). Contiguous blocks would
//! hand one shard all the expensive cells; striding deals every run of N
//! consecutive cells one to each shard, so shard sizes differ by at most one
//! cell and every shard gets the same mix of workloads, platforms and schedulers.
//!
//! Shard K of N lives in `DIR/shards/K-of-N` with its own journal, so it resumes
//! like a whole sweep. Its `manifest.json` is written last, atomically: its
//! presence marks the shard done. [`merge`] checks that every shard is done
//! and ran the same config and build, then writes the rows in grid order
//! through the same code as a local run, so the results are byte-identical.

use crate::grid::sweep::{
    Manifest, Row, RunRecord, ShardRecord, SweepSummary, read_manifest, read_results, write_results,
};
use anyhow::{Context as _, Result, bail};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Folder under a results folder that holds the shard folders.
pub const SHARDS: &str = "shards";

/// Shard `index` of `count` (`K/N` on the command line): the cells whose
/// grid index is `index` modulo `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    /// K, in `0..count`.
    pub index: usize,
    /// N, at least 1.
    pub count: usize,
}

impl Shard {
    /// Shard `index` of `count`.
    ///
    /// # Errors
    /// If `count` is 0 or `index` is not below it.
    pub fn new(index: usize, count: usize) -> Result<Shard> {
        if count == 0 {
            bail!("shard {index}/{count}: N must be at least 1");
        }
        if index >= count {
            bail!(
                "shard {index}/{count}: K must be below N (shards are numbered 0 to {})",
                count - 1
            );
        }
        Ok(Shard { index, count })
    }

    /// Whether grid cell `cell` belongs to this shard.
    pub fn contains(&self, cell: usize) -> bool {
        cell % self.count == self.index
    }

    /// The grid indices of `shard` (every cell when `None`) in a grid of `grid_cells`, ascending.
    pub fn cells_of(shard: Option<Shard>, grid_cells: usize) -> impl Iterator<Item = usize> {
        let (first, step) = shard.map_or((0, 1), |s| (s.index, s.count));
        (first..grid_cells).step_by(step)
    }

    /// How many cells of a grid of `grid_cells` this shard holds.
    pub fn cell_count(&self, grid_cells: usize) -> usize {
        grid_cells.saturating_sub(self.index).div_ceil(self.count)
    }

    /// This shard's folder under the results folder `out`.
    pub fn dir(&self, out: &Path) -> PathBuf {
        out.join(SHARDS).join(format!("{}-of-{}", self.index, self.count))
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Shard> {
        let parsed = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((index, count)) => Shard::new(index, count),
            None => bail!("shard {text:?}: expected K/N with whole numbers, e.g. 0/8"),
        }
    }
}

/// Shard numbers as a compact list (`0-3,5,7-9`), the syntax of `sbatch --array`.
pub fn ranges(shards: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < shards.len() {
        let mut j = i;
        while j + 1 < shards.len() && shards[j + 1] == shards[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            shards[i].to_string()
        } else {
            format!("{}-{}", shards[i], shards[j])
        });
        i = j + 1;
    }
    parts.join(",")
}

/// What a shard's folder says about it.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Its manifest is written: every cell ran.
    Done(Box<Manifest>),
    /// The folder exists without a manifest: started, not finished (killed, or still running).
    Started,
    /// No folder.
    Absent,
}

/// The shard folders of one results folder.
#[derive(Debug, Clone)]
pub struct Shards {
    /// N.
    pub count: usize,
    /// The progress of shards 0 to N−1.
    pub progress: Vec<Progress>,
}

impl Shards {
    /// Reads `DIR/shards`. `count` is N when known (from a Slurm submission),
    /// otherwise it is read from the folder names.
    ///
    /// # Errors
    /// If there are no shard folders and `count` is `None`, if folders of
    /// different N are mixed, if a manifest cannot be read, or if done
    /// shards ran different configs or builds.
    pub fn scan(dir: &Path, count: Option<usize>) -> Result<Shards> {
        let root = dir.join(SHARDS);
        let mut found: Vec<Shard> = Vec::new();
        match std::fs::read_dir(&root) {
            Ok(entries) => {
                for entry in entries {
                    let entry = entry.with_context(|| format!("cannot list {}", root.display()))?;
                    let name = entry.file_name();
                    let parsed = name
                        .to_str()
                        .and_then(|n| n.split_once("-of-"))
                        .and_then(|(k, n)| Shard::new(k.parse().ok()?, n.parse().ok()?).ok());
                    found.extend(parsed);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot list {}", root.display())),
        }
        let mut counts: Vec<usize> = found.iter().map(|s| s.count).chain(count).collect();
        counts.sort_unstable();
        counts.dedup();
        let count = match counts[..] {
            [n] => n,
            [] => bail!(
                "{} holds no shards; run them with `schedlab run CONFIG --shard K/N --out {}` or `schedlab slurm submit`",
                dir.display(),
                dir.display()
            ),
            _ => bail!(
                "{} mixes shardings of the grid into {} parts; keep one sharding per folder",
                root.display(),
                counts.iter().map(ToString::to_string).collect::<Vec<_>>().join(" and ")
            ),
        };
        let mut progress = Vec::with_capacity(count);
        for index in 0..count {
            let shard = Shard { index, count };
            let folder = shard.dir(dir);
            progress.push(if folder.join("manifest.json").exists() {
                let manifest = read_manifest(&folder)?;
                let part = manifest.shard.map(|p| (p.index, p.count));
                if part != Some((index, count)) {
                    bail!(
                        "{}/manifest.json is not the manifest of shard {shard}",
                        folder.display()
                    );
                }
                Progress::Done(Box::new(manifest))
            } else if folder.exists() {
                Progress::Started
            } else {
                Progress::Absent
            });
        }
        let shards = Shards { count, progress };
        shards.check_same_run()?;
        Ok(shards)
    }

    /// The manifests of the done shards, with their numbers.
    pub fn done(&self) -> impl Iterator<Item = (usize, &Manifest)> {
        self.progress.iter().enumerate().filter_map(|(k, p)| match p {
            Progress::Done(m) => Some((k, m.as_ref())),
            _ => None,
        })
    }

    /// Done shards must have computed parts of one grid: same config, same build.
    fn check_same_run(&self) -> Result<()> {
        let mut done = self.done();
        let Some((first, reference)) = done.next() else {
            return Ok(());
        };
        for (k, manifest) in done {
            let (a, b) = (&reference.provenance, &manifest.provenance);
            let differs = if a.config_sha256 != b.config_sha256 {
                Some(format!(
                    "config SHA-256 {} against {}",
                    a.config_sha256, b.config_sha256
                ))
            } else if a.schedlab_version != b.schedlab_version || a.git_revision != b.git_revision {
                Some(format!(
                    "schedlab {} (git {}) against {} (git {})",
                    a.schedlab_version,
                    a.git_revision.as_deref().unwrap_or("unknown"),
                    b.schedlab_version,
                    b.git_revision.as_deref().unwrap_or("unknown")
                ))
            } else if a != b {
                Some(format!("config folder {:?} against {:?}", a.config_dir, b.config_dir))
            } else {
                None
            };
            if let Some(what) = differs {
                bail!(
                    "shards {first} and {k} of {} were run differently ({what}); \
                     shards of different configs or builds cannot be merged: rerun shard {k} or use another folder",
                    self.count
                );
            }
        }
        Ok(())
    }
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
    for (k, manifest) in shards.done() {
        let shard = Shard::new(k, shards.count)?;
        let grid_cells = manifest.shard.map_or(0, |p| p.grid_cells);
        let folder = shard.dir(dir);
        let part = read_results(&folder)?;
        let expected = Shard::cells_of(Some(shard), grid_cells);
        if part.len() != shard.cell_count(grid_cells) || !part.iter().map(|r| r.index).eq(expected) {
            bail!(
                "{}/results.jsonl does not hold exactly the {} cells of shard {shard}; rerun the shard",
                folder.display(),
                shard.cell_count(grid_cells)
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
    let resumed = records.iter().map(|r| r.run.resumed).sum();
    let mut hosts: Vec<&str> = records.iter().map(|r| r.run.host.as_str()).collect();
    hosts.sort_unstable();
    hosts.dedup();
    let run = RunRecord {
        resumed,
        threads: records.iter().map(|r| r.run.threads).max().unwrap_or(0),
        // The `YYYY-MM-DDTHH:MM:SSZ` format sorts as text.
        start: records.iter().map(|r| r.run.start.clone()).min().unwrap_or_default(),
        end: records.iter().map(|r| r.run.end.clone()).max().unwrap_or_default(),
        wall_seconds: records.iter().map(|r| r.run.wall_seconds).sum(),
        host: hosts.join(","),
    };
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
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_reject_bad_input() {
        assert_eq!("2/7".parse::<Shard>().unwrap(), Shard { index: 2, count: 7 });
        for (bad, needle) in [("7/7", "below N"), ("0/0", "at least 1"), ("a/2", "K/N"), ("3", "K/N")] {
            let err = format!("{:#}", bad.parse::<Shard>().unwrap_err());
            assert!(err.contains(needle), "{bad}: {err}");
        }
    }

    #[test]
    fn shards_partition_the_grid_evenly() {
        for grid_cells in [0, 1, 5, 13, 100] {
            for count in [1, 3, 7, 20] {
                let mut owner = vec![usize::MAX; grid_cells];
                for index in 0..count {
                    let shard = Shard::new(index, count).unwrap();
                    let cells: Vec<usize> = Shard::cells_of(Some(shard), grid_cells).collect();
                    assert_eq!(cells.len(), shard.cell_count(grid_cells));
                    assert!(cells.len().abs_diff(grid_cells / count) <= 1);
                    for cell in cells {
                        assert!(shard.contains(cell));
                        assert_eq!(owner[cell], usize::MAX, "cell {cell} in two shards");
                        owner[cell] = index;
                    }
                }
                assert!(owner.iter().all(|&o| o < count), "a cell in no shard");
            }
        }
    }

    #[test]
    fn ranges_compress_runs() {
        assert_eq!(ranges(&[0, 1, 2, 3, 5, 7, 8, 9]), "0-3,5,7-9");
        assert_eq!(ranges(&[4]), "4");
        assert_eq!(ranges(&[]), "");
    }
}
