//! Helpers shared by the integration tests (and the demo example).
pub mod fixtures;
pub mod vectors;
