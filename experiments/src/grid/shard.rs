//! Shards: the K-th of N deterministic parts of a grid, their folders, and
//! merging them back into one results folder.
//!
//! A cell belongs to the shard its identity picks: the first 64 bits of the
//! content hash of its inputs ([`Inputs::identity`]) modulo N. A cell's shard
//! therefore depends on what the cell is, not on where it sits in the grid:
//! growing an axis (more seeds, another scheduler) leaves every finished cell
//! in its shard, so a shard resumes its journal instead of recomputing cells
//! that moved. The hash deals cells uniformly at random, so every shard gets
//! the same mix of cheap and expensive cells in expectation; sizes vary like
//! a binomial draw (about ±√(cells/N)), not by at most one as striding would.
//!
//! Shard K of N lives in `DIR/shards/K-of-N` with its own journal, so it resumes
//! like a whole sweep. Its `manifest.json` is written last, atomically: its
//! presence marks the shard done. [`crate::results::merge`] checks that every shard is done
//! and ran the same config and build, then writes the rows in grid order
//! through the same code as a local run, so the results are byte-identical.

use super::identity::Inputs;
use crate::results::{Manifest, read_manifest};
use anyhow::{Context as _, Result, bail};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Folder under a results folder that holds the shard folders.
pub const SHARDS: &str = "shards";

/// Shard `index` of `count` (`K/N` on the command line): the cells whose
/// identity hash is `index` modulo `count`.
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

    /// Whether the cell with these inputs belongs to this shard.
    pub fn owns(&self, inputs: &Inputs) -> bool {
        let identity = inputs.identity();
        // A SHA-256 in hex: its first 16 digits are 64 uniformly distributed bits.
        let bits = u64::from_str_radix(&identity[..16], 16).unwrap_or(0);
        bits % self.count as u64 == self.index as u64
    }

    /// The grid indices of `shard`'s cells (every cell when `None`), ascending,
    /// given every cell's inputs in grid order.
    pub fn cells_of(shard: Option<Shard>, inputs: &[Inputs]) -> Vec<usize> {
        (0..inputs.len())
            .filter(|&i| shard.is_none_or(|s| s.owns(&inputs[i])))
            .collect()
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

    fn inputs(seed: u64) -> Inputs {
        Inputs {
            workload: "w".into(),
            platform: "p".into(),
            scheduler: "s".into(),
            settings: format!("seed={seed}"),
            build: "b".into(),
        }
    }

    #[test]
    fn shards_partition_the_grid_and_keep_cells_when_it_grows() {
        let grid: Vec<Inputs> = (0..2000).map(inputs).collect();
        for count in [1, 3, 7, 20] {
            let mut owner = vec![usize::MAX; grid.len()];
            for index in 0..count {
                let shard = Shard::new(index, count).unwrap();
                let cells = Shard::cells_of(Some(shard), &grid);
                // Binomial(2000, 1/N): within 5 standard deviations of the mean.
                let p = 1.0 / count as f64;
                let sd = (grid.len() as f64 * p * (1.0 - p)).sqrt();
                assert!((cells.len() as f64 - grid.len() as f64 * p).abs() <= 5.0 * sd + 1e-9);
                for cell in cells {
                    assert_eq!(owner[cell], usize::MAX, "cell {cell} in two shards");
                    owner[cell] = index;
                }
            }
            assert!(owner.iter().all(|&o| o < count), "a cell in no shard");
            // Growing the grid in front of the old cells moves none of them.
            let grown: Vec<Inputs> = (5000..5100).map(inputs).chain((0..2000).map(inputs)).collect();
            for index in 0..count {
                let shard = Shard::new(index, count).unwrap();
                let before = Shard::cells_of(Some(shard), &grid);
                let after: Vec<usize> = Shard::cells_of(Some(shard), &grown)
                    .into_iter()
                    .filter(|&i| i >= 100)
                    .map(|i| i - 100)
                    .collect();
                assert_eq!(before, after);
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
