//! Map-reduce: a split task feeds `mappers` map tasks, every mapper sends a
//! share of the shuffle to every one of `reducers` reduce tasks, and a merge
//! task collects the reducers' outputs (Dean & Ghemawat, "MapReduce:
//! simplified data processing on large clusters", OSDI 2004).
//!
//! ```text
//!          split
//!        /  |   \
//!      map map  map
//!       | \/ \/ |        all-to-all shuffle
//!      red    red
//!        \    /
//!        merge
//! ```
//!
//! Keys: `mappers` \[8], `reducers` \[4], `shuffle` (total shuffle bytes;
//! default `ccr × work × REFERENCE_BANDWIDTH × mappers × reducers`, i.e. a
//! mean shuffle edge at the given CCR), plus `work` and `ccr` (see
//! [`super`]). Each shuffle edge carries `shuffle / (mappers × reducers)`
//! bytes exactly; split and merge edges draw from `ccr`. Tasks:
//! `mappers + reducers + 2`. Kinds `split`, `map`, `reduce`, `merge`.

use super::{GenError, Params, Weights};
use rand_chacha::ChaCha8Rng;
use sim::{DagBuilder, TaskSpec};

/// Reads the keys and builds the DAG; see the module docs.
pub(crate) fn generate(p: &mut Params, rng: &mut ChaCha8Rng) -> Result<DagBuilder, GenError> {
    let mappers = p.usize("mappers", 8, 1..=100_000)?;
    let reducers = p.usize("reducers", 4, 1..=100_000)?;
    let shuffle = p.f64("shuffle", f64::NAN, 0.0..=1e21)?;
    let w = Weights::read(p)?;
    p.finish()?;
    let pairs = (mappers * reducers) as f64;
    let shuffle = if shuffle.is_nan() {
        w.mean_bytes * pairs
    } else {
        shuffle
    };
    let per_edge = shuffle / pairs;
    let mut b = DagBuilder::with_capacity(mappers + reducers + 2, mappers * reducers + mappers + reducers);
    let split = b.add_task(TaskSpec::new("split", w.work(rng, 1.0)).kind("split"));
    let maps: Vec<_> = (0..mappers)
        .map(|i| {
            let t = b.add_task(TaskSpec::new(format!("map{i}"), w.work(rng, 1.0)).kind("map"));
            b.add_edge(split, t, w.bytes(rng));
            t
        })
        .collect();
    let merge_work = w.work(rng, 1.0);
    let reduces: Vec<_> = (0..reducers)
        .map(|i| {
            let t = b.add_task(TaskSpec::new(format!("reduce{i}"), w.work(rng, 1.0)).kind("reduce"));
            for &m in &maps {
                b.add_edge(m, t, per_edge);
            }
            t
        })
        .collect();
    let merge = b.add_task(TaskSpec::new("merge", merge_work).kind("merge"));
    for r in reduces {
        b.add_edge(r, merge, w.bytes(rng));
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use crate::generators::check;

    #[test]
    fn shuffle_is_all_to_all() {
        assert_eq!(check::shape("map-reduce:mappers=6,reducers=3"), (11, 6 + 18 + 3, 4, 6));
        let dag = crate::generate("map-reduce:mappers=4,reducers=2,shuffle=8e9", 1).unwrap();
        let shuffle: f64 = dag
            .edges()
            .iter()
            .filter(|e| dag.kind_name(dag.task(e.dst).kind) == "reduce")
            .map(|e| e.bytes)
            .sum();
        assert_eq!(shuffle, 8e9);
        check::deterministic("map-reduce:mappers=3,reducers=2");
    }
}
