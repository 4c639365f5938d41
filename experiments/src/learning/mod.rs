//! Learned scheduling: fitting models on a grid's results (`train`) and
//! scoring them against the classics on held-out grids (`evaluate`).

mod es;
pub mod evaluate;
mod net;
mod stream;
pub mod train;
