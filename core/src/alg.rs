//! Signature algorithms jwtguard implements, and sets of them.

/// A JWS algorithm jwtguard can verify.
///
/// The token's `alg` header only ever *selects among* algorithms that both the policy
/// and the key allow; it never introduces one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 7518 §3.3), RSA keys of 2048 bits or more.
    RS256,
    /// ECDSA on P-256 with SHA-256 (RFC 7518 §3.4), 64-byte `r || s` signatures.
    ES256,
}

impl Algorithm {
    /// Every implemented algorithm.
    pub const ALL: [Algorithm; 2] = [Algorithm::RS256, Algorithm::ES256];

    /// The JOSE name, e.g. `"RS256"`.
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::RS256 => "RS256",
            Algorithm::ES256 => "ES256",
        }
    }

    /// The algorithm with this exact (case-sensitive) JOSE name.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    const fn bit(self) -> u8 {
        match self {
            Algorithm::RS256 => 1,
            Algorithm::ES256 => 2,
        }
    }
}

impl core::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`Algorithm`]s, e.g. the ones a policy allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AlgorithmSet(u8);

impl AlgorithmSet {
    /// No algorithm.
    pub const EMPTY: AlgorithmSet = AlgorithmSet(0);
    /// RS256 and ES256 (the default policy).
    pub const DEFAULT: AlgorithmSet = AlgorithmSet(3);

    /// The set holding exactly `algs`.
    pub fn of(algs: &[Algorithm]) -> AlgorithmSet {
        algs.iter().fold(AlgorithmSet::EMPTY, |s, a| s.with(*a))
    }

    /// This set plus `alg`.
    pub const fn with(self, alg: Algorithm) -> AlgorithmSet {
        AlgorithmSet(self.0 | alg.bit())
    }

    /// True when `alg` is in the set.
    pub const fn contains(self, alg: Algorithm) -> bool {
        self.0 & alg.bit() != 0
    }

    /// True when the set holds no algorithm.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The algorithms in the set.
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        Algorithm::ALL.into_iter().filter(move |a| self.contains(*a))
    }
}

impl Default for AlgorithmSet {
    fn default() -> Self {
        AlgorithmSet::DEFAULT
    }
}
