//! Signature algorithms jwtguard implements, and sets of them.

use core::ffi::CStr;

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
    /// RSASSA-PKCS1-v1_5 with SHA-384 (RFC 7518 §3.3).
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512 (RFC 7518 §3.3).
    RS512,
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, 32-byte salt (RFC 7518 §3.5).
    PS256,
    /// RSASSA-PSS with SHA-384, MGF1 with SHA-384, 48-byte salt (RFC 7518 §3.5).
    PS384,
    /// RSASSA-PSS with SHA-512, MGF1 with SHA-512, 64-byte salt (RFC 7518 §3.5).
    PS512,
    /// ECDSA on P-384 with SHA-384 (RFC 7518 §3.4), 96-byte `r || s` signatures.
    ES384,
    /// EdDSA with Ed25519 (RFC 8037 §3.1), `kty: "OKP"`, `crv: "Ed25519"` keys.
    EdDSA,
    /// ECDSA on P-521 with SHA-512 (RFC 7518 §3.4), 132-byte `r || s` signatures.
    ES512,
    /// Ed25519 under its fully-specified name (RFC 9864): the same signature as
    /// [`Algorithm::EdDSA`] on Ed25519 keys, and never any other curve. A policy allows
    /// the two names separately, and a key bound to one (`alg`) verifies only that one.
    Ed25519,
    /// HMAC with SHA-256 (RFC 7518 §3.2): symmetric `oct` keys of at least 32 bytes,
    /// only when the key set was loaded with
    /// [`KeyOptions::allow_symmetric`](crate::KeyOptions) and the policy allows it.
    HS256,
    /// HMAC with SHA-384: `oct` keys of at least 48 bytes (see [`Algorithm::HS256`]).
    HS384,
    /// HMAC with SHA-512: `oct` keys of at least 64 bytes (see [`Algorithm::HS256`]).
    HS512,
}

/// The hash an algorithm signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// Output length in bytes.
    pub(crate) const fn len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

/// The family of an algorithm: which key type verifies it, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// RSASSA-PKCS1-v1_5.
    RsaPkcs1,
    /// RSASSA-PSS, salt length = hash length.
    RsaPss,
    /// ECDSA on P-256.
    EcP256,
    /// ECDSA on P-384.
    EcP384,
    /// ECDSA on P-521.
    EcP521,
    /// Ed25519 (`EdDSA` and `Ed25519`).
    Ed25519,
    /// HMAC.
    Hmac,
}

impl Family {
    /// True when the family's cargo feature is on (see [`Algorithm::is_available`]).
    pub(crate) const fn is_available(self) -> bool {
        match self {
            Family::RsaPkcs1 | Family::RsaPss => cfg!(feature = "rs"),
            Family::EcP256 => cfg!(feature = "es256"),
            Family::EcP384 => cfg!(feature = "es384"),
            Family::EcP521 => cfg!(feature = "es512"),
            Family::Ed25519 => cfg!(feature = "eddsa"),
            Family::Hmac => cfg!(feature = "hmac"),
        }
    }
}

/// `name()` and `c_name()` of [`Algorithm`], from the variants' own names.
macro_rules! algorithm_names {
    ($($alg:ident),*) => {
        /// The JOSE name, e.g. `"RS256"`.
        pub const fn name(self) -> &'static str {
            match self { $( Algorithm::$alg => stringify!($alg), )* }
        }

        /// [`Algorithm::name`] as a C string, for C callers.
        pub const fn c_name(self) -> &'static CStr {
            match self { $( Algorithm::$alg => {
                const NAME: &CStr = crate::error::c_str(concat!(stringify!($alg), "\0"));
                NAME
            } )* }
        }
    };
}

impl Algorithm {
    /// Every implemented algorithm.
    pub const ALL: [Algorithm; 14] = [
        Algorithm::RS256,
        Algorithm::ES256,
        Algorithm::RS384,
        Algorithm::RS512,
        Algorithm::PS256,
        Algorithm::PS384,
        Algorithm::PS512,
        Algorithm::ES384,
        Algorithm::EdDSA,
        Algorithm::HS256,
        Algorithm::HS384,
        Algorithm::HS512,
        Algorithm::ES512,
        Algorithm::Ed25519,
    ];

    algorithm_names!(
        RS256, ES256, RS384, RS512, PS256, PS384, PS512, ES384, EdDSA, HS256, HS384, HS512, ES512, Ed25519
    );

    /// The algorithm with this exact (case-sensitive) JOSE name.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.name() == name)
    }

    /// True when this build verifies the algorithm: its family's cargo feature (`rs`,
    /// `es256`, `es384`, `es512`, `eddsa`, `hmac`) is on. An algorithm left out is
    /// refused exactly as an unknown one: `TokenAlgorithmNotSupported` in a token,
    /// `KeyUnsupported` for its keys, `PolicyInvalid` in a policy.
    pub const fn is_available(self) -> bool {
        self.family().is_available()
    }

    /// The cargo feature of jwtguard-core that builds this algorithm in.
    pub const fn feature(self) -> &'static str {
        match self.family() {
            Family::RsaPkcs1 | Family::RsaPss => "rs",
            Family::EcP256 => "es256",
            Family::EcP384 => "es384",
            Family::EcP521 => "es512",
            Family::Ed25519 => "eddsa",
            Family::Hmac => "hmac",
        }
    }

    /// Why a policy naming this algorithm is refused when it is not available.
    pub(crate) const fn left_out_detail(self) -> &'static str {
        match self.family() {
            Family::RsaPkcs1 | Family::RsaPss => {
                "the policy allows RS*/PS*, which this build leaves out (jwtguard-core feature \"rs\")"
            }
            Family::EcP256 => "the policy allows ES256, which this build leaves out (jwtguard-core feature \"es256\")",
            Family::EcP384 => "the policy allows ES384, which this build leaves out (jwtguard-core feature \"es384\")",
            Family::EcP521 => "the policy allows ES512, which this build leaves out (jwtguard-core feature \"es512\")",
            Family::Ed25519 => {
                "the policy allows EdDSA/Ed25519, which this build leaves out (jwtguard-core feature \"eddsa\")"
            }
            Family::Hmac => "the policy allows HS*, which this build leaves out (jwtguard-core feature \"hmac\")",
        }
    }

    /// True for the HMAC algorithms (HS256, HS384, HS512), which need a shared secret.
    pub const fn is_symmetric(self) -> bool {
        matches!(self.family(), Family::Hmac)
    }

    pub(crate) const fn family(self) -> Family {
        match self {
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 => Family::RsaPkcs1,
            Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512 => Family::RsaPss,
            Algorithm::ES256 => Family::EcP256,
            Algorithm::ES384 => Family::EcP384,
            Algorithm::ES512 => Family::EcP521,
            Algorithm::EdDSA | Algorithm::Ed25519 => Family::Ed25519,
            Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => Family::Hmac,
        }
    }

    /// The hash the algorithm uses; Ed25519 hashes internally (SHA-512) and is
    /// reported as SHA-512.
    pub(crate) const fn hash(self) -> Hash {
        match self {
            Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256 | Algorithm::HS256 => Hash::Sha256,
            Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384 | Algorithm::HS384 => Hash::Sha384,
            Algorithm::RS512 | Algorithm::PS512 | Algorithm::ES512 | Algorithm::HS512 => Hash::Sha512,
            Algorithm::EdDSA | Algorithm::Ed25519 => Hash::Sha512,
        }
    }

    /// The algorithm's bit in an [`AlgorithmSet`]'s mask. Stable: a bit never changes
    /// meaning (the C ABI's `JWTGUARD_ALG_*` flags are these bits).
    pub const fn bit(self) -> u16 {
        // RS256 and ES256 keep the bits they always had.
        match self {
            Algorithm::RS256 => 1 << 0,
            Algorithm::ES256 => 1 << 1,
            Algorithm::RS384 => 1 << 2,
            Algorithm::RS512 => 1 << 3,
            Algorithm::PS256 => 1 << 4,
            Algorithm::PS384 => 1 << 5,
            Algorithm::PS512 => 1 << 6,
            Algorithm::ES384 => 1 << 7,
            Algorithm::EdDSA => 1 << 8,
            Algorithm::HS256 => 1 << 9,
            Algorithm::HS384 => 1 << 10,
            Algorithm::HS512 => 1 << 11,
            Algorithm::ES512 => 1 << 12,
            Algorithm::Ed25519 => 1 << 13,
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
pub struct AlgorithmSet(u16);

impl AlgorithmSet {
    /// No algorithm.
    pub const EMPTY: AlgorithmSet = AlgorithmSet(0);
    /// RS256 and ES256 (the default policy): what OpenID providers sign access tokens
    /// with (Entra ID signs RS256 only). Every other algorithm is opt-in through
    /// [`PolicyBuilder::algorithms`](crate::PolicyBuilder::algorithms).
    pub const DEFAULT: AlgorithmSet = AlgorithmSet::EMPTY.with(Algorithm::RS256).with(Algorithm::ES256);
    /// Every asymmetric algorithm (RS*, PS*, ES256, ES384, ES512, EdDSA, Ed25519); no
    /// HMAC.
    pub const ASYMMETRIC: AlgorithmSet = AlgorithmSet::DEFAULT
        .with(Algorithm::RS384)
        .with(Algorithm::RS512)
        .with(Algorithm::PS256)
        .with(Algorithm::PS384)
        .with(Algorithm::PS512)
        .with(Algorithm::ES384)
        .with(Algorithm::ES512)
        .with(Algorithm::EdDSA)
        .with(Algorithm::Ed25519);
    /// HS256, HS384 and HS512.
    pub const SYMMETRIC: AlgorithmSet =
        AlgorithmSet::EMPTY.with(Algorithm::HS256).with(Algorithm::HS384).with(Algorithm::HS512);
    /// The algorithms this build verifies ([`Algorithm::is_available`]); all of them
    /// with the default features.
    pub const AVAILABLE: AlgorithmSet = {
        let mut set = AlgorithmSet::EMPTY;
        let mut i = 0;
        while i < Algorithm::ALL.len() {
            if Algorithm::ALL[i].is_available() {
                set = set.with(Algorithm::ALL[i]);
            }
            i += 1;
        }
        set
    };

    /// The set holding exactly `algs`.
    pub fn of(algs: &[Algorithm]) -> AlgorithmSet {
        algs.iter().fold(AlgorithmSet::EMPTY, |s, a| s.with(*a))
    }

    /// This set plus `alg`.
    pub const fn with(self, alg: Algorithm) -> AlgorithmSet {
        AlgorithmSet(self.0 | alg.bit())
    }

    /// This set and `other` together.
    pub const fn union(self, other: AlgorithmSet) -> AlgorithmSet {
        AlgorithmSet(self.0 | other.0)
    }

    /// The algorithms in both this set and `other`.
    pub const fn intersection(self, other: AlgorithmSet) -> AlgorithmSet {
        AlgorithmSet(self.0 & other.0)
    }

    /// True when `alg` is in the set.
    pub const fn contains(self, alg: Algorithm) -> bool {
        self.0 & alg.bit() != 0
    }

    /// The set as a mask of [`Algorithm::bit`]s.
    pub const fn bits(self) -> u16 {
        self.0
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
