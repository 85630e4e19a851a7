//! Helpers shared by the integration tests (and the demo example).
pub mod fixtures;
pub mod rfc7515;
pub mod vectors;
pub mod wycheproof_sigs;
