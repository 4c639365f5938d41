//! Learned scheduling: fitting models on a grid's results (`train`) and
//! scoring them against the classics on held-out grids (`evaluate`).

pub mod evaluate;
mod stream;
pub mod train;
