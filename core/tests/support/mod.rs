//! Helpers shared by the integration tests (and the demo example).
pub mod fixtures;
#[cfg(feature = "es256")]
pub mod provider;
pub mod rfc7515;
pub mod rfc7516;
pub mod vectors;
pub mod wycheproof_sigs;
