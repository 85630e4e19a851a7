//! Setup shared by the benchmarks: the committed keys and tokens (`data/tokens.json`,
//! written by `make_tokens.py`), the policy, the real Entra key set, and one verifier
//! per peer.
//!
//! Every verifier is built once, outside the timed loop, with its keys prepared, and is
//! checked before it is timed ([`check_token_verifier`], [`RawVerifier::check`]): it
//! must accept the token, reject the same token with one signature character changed,
//! and (for whole-token verifiers) reject it under a policy with another audience and
//! under one with another issuer. A peer that skipped the signature or the claims would
//! fail there instead of producing a fast number.

use std::collections::BTreeMap;
use std::path::PathBuf;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::Deserialize;

/// `data/tokens.json`, compiled in.
pub const TOKENS_JSON: &str = include_str!("../data/tokens.json");

/// The real Microsoft Entra key set used by the key-set load benchmark, relative to the
/// published vectors directory.
pub const ENTRA_JWKS: &str = "entra/ii_ms_jwks_2025.json";

/// The three verification cases: criterion group name and `tokens.json` entry.
pub const CASES: [(&str, &str); 3] =
    [("verify-RS256-2048", "rs256_2048"), ("verify-RS256-4096", "rs256_4096"), ("verify-ES256", "es256")];

/// The contents of `data/tokens.json`.
#[derive(Clone, Debug, Deserialize)]
pub struct Fixture {
    /// The `now` (Unix seconds) passed to the verifiers that accept one.
    pub now: u64,
    /// What every verifier checks.
    pub policy: PolicySpec,
    /// The key set holding every token's key (and two other keys).
    pub jwks: serde_json::Value,
    /// `rs256_2048`, `rs256_4096`, `es256`.
    pub tokens: BTreeMap<String, TokenCase>,
}

/// The policy every verifier applies.
#[derive(Clone, Debug, Deserialize)]
pub struct PolicySpec {
    /// Required `aud`.
    pub audience: String,
    /// Required `iss`.
    pub issuer: String,
    /// Leeway for `exp` and `nbf`, seconds.
    pub clock_skew: u64,
    /// A claim that must contain a value (`scp` containing `Files.Read`).
    pub required_claim: RequiredClaimSpec,
}

/// One required claim value, in a separator-split claim.
#[derive(Clone, Debug, Deserialize)]
pub struct RequiredClaimSpec {
    /// Claim name.
    pub name: String,
    /// Value that must be among the claim's items.
    pub value: String,
    /// Item separator.
    pub separator: String,
}

/// One token and its key.
#[derive(Clone, Debug, Deserialize)]
pub struct TokenCase {
    /// `RS256` or `ES256`.
    pub alg: String,
    /// The key's `kid` (also in the token header).
    pub kid: String,
    /// The compact token.
    pub token: String,
    /// Its public JWK (also in [`Fixture::jwks`]).
    pub jwk: serde_json::Value,
}

impl Fixture {
    /// Parses the compiled-in `data/tokens.json`.
    pub fn load() -> Fixture {
        serde_json::from_str(TOKENS_JSON).expect("data/tokens.json is malformed: rerun make_tokens.py")
    }

    /// The key set as JSON bytes.
    pub fn jwks_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.jwks).expect("key set serializes")
    }

    /// The case named `name` (`rs256_2048`, …).
    pub fn case(&self, name: &str) -> &TokenCase {
        self.tokens.get(name).unwrap_or_else(|| panic!("data/tokens.json has no token {name}"))
    }

    /// The policy with another audience (a verifier built with it must reject).
    pub fn policy_other_audience(&self) -> PolicySpec {
        PolicySpec { audience: "api://some-other-backend".into(), ..self.policy.clone() }
    }

    /// The policy with another issuer (a verifier built with it must reject).
    pub fn policy_other_issuer(&self) -> PolicySpec {
        PolicySpec { issuer: "https://login.microsoftonline.com/common/v2.0".into(), ..self.policy.clone() }
    }
}

impl TokenCase {
    /// The `oid` claim's length: what every verifier returns, so the work cannot be
    /// optimised away and the claims were really read.
    pub fn oid_len(&self) -> usize {
        let payload = self.token.split('.').nth(1).expect("three segments");
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url payload")).expect("JSON payload");
        claims["oid"].as_str().expect("oid claim").len()
    }

    /// `header.payload`, the bytes the signature covers.
    pub fn signing_input(&self) -> &str {
        self.token.rsplit_once('.').expect("three segments").0
    }

    /// The decoded signature.
    pub fn signature(&self) -> Vec<u8> {
        URL_SAFE_NO_PAD.decode(self.token.rsplit_once('.').expect("three segments").1).expect("base64url signature")
    }

    /// The token with one character in the middle of its signature changed.
    pub fn with_bad_signature(&self) -> String {
        let at = self.token.rfind('.').expect("three segments") + 1;
        let mid = at + (self.token.len() - at) / 2;
        let mut bytes = self.token.clone().into_bytes();
        bytes[mid] = if bytes[mid] == b'A' { b'B' } else { b'A' };
        String::from_utf8(bytes).expect("ASCII")
    }

    /// A JWK member, base64url-decoded.
    pub fn jwk_bytes(&self, member: &str) -> Vec<u8> {
        let text = self.jwk[member].as_str().unwrap_or_else(|| panic!("JWK has no {member}"));
        URL_SAFE_NO_PAD.decode(text).unwrap_or_else(|e| panic!("JWK {member}: {e}"))
    }

    /// The EC key as an uncompressed SEC1 point (`04 || x || y`).
    pub fn ec_point(&self) -> Vec<u8> {
        let mut point = vec![4u8];
        point.extend(self.jwk_bytes("x"));
        point.extend(self.jwk_bytes("y"));
        point
    }
}

/// `<repo>/tests/vectors`, or `$JWTGUARD_VECTORS` when set.
pub fn vectors_dir() -> PathBuf {
    match std::env::var_os("JWTGUARD_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors"),
    }
}

/// The real Entra key set (`tests/vectors/entra/ii_ms_jwks_2025.json`), read at run
/// time; panics with a clear message when the vectors are absent.
pub fn entra_jwks() -> Vec<u8> {
    let path = vectors_dir().join(ENTRA_JWKS);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the real Entra key set at {}: {e}\n\
             The key-set load benchmark needs the published test vectors in <repo>/tests/vectors, \
             or JWTGUARD_VECTORS=<dir> pointing at them. \
             Run the other benchmarks with a filter (e.g. `run.sh verify-`) to skip it.",
            path.display()
        )
    })
}

/// A whole-token verifier: decode, key lookup by `kid`, signature, `exp`/`nbf`/`aud`/
/// `iss` and the required scope. Returns the `oid` claim's length.
pub trait TokenVerifier {
    /// Verifies `token` completely.
    fn verify(&mut self, token: &str) -> Result<usize, String>;
}

/// Builds a verifier with `make(policy)` and checks it before it is timed: it accepts
/// `case` (returning the right `oid` length), rejects `case` with a changed signature
/// character, and verifiers built for another audience or another issuer reject `case`.
/// Returns the verifier built with the fixture's policy.
pub fn check_token_verifier<V: TokenVerifier>(
    name: &str,
    fixture: &Fixture,
    case: &TokenCase,
    make: impl Fn(&PolicySpec) -> V,
) -> V {
    let mut verifier = make(&fixture.policy);
    match verifier.verify(&case.token) {
        Ok(n) if n == case.oid_len() => {}
        Ok(n) => panic!("{name} accepted the {} token but returned oid length {n}", case.alg),
        Err(e) => panic!("{name} rejects the valid {} token: {e}", case.alg),
    }
    assert!(
        verifier.verify(&case.with_bad_signature()).is_err(),
        "{name} accepts a {} token with a bad signature",
        case.alg
    );
    let mut other = make(&fixture.policy_other_audience());
    assert!(other.verify(&case.token).is_err(), "{name} ignores the audience");
    let mut other = make(&fixture.policy_other_issuer());
    assert!(other.verify(&case.token).is_err(), "{name} ignores the issuer");
    verifier
}

fn scope_ok(spec: &PolicySpec, value: &str) -> bool {
    value.split(spec.required_claim.separator.as_str()).any(|s| s == spec.required_claim.value)
}

// ---------------------------------------------------------------------------------
// jwtguard

/// jwtguard-core: `KeySet` loaded once with the chosen backend, `Policy` built once,
/// a reused `DEFAULT_MAX_TOKEN_LEN` scratch buffer, `jwtguard_core::verify`.
pub struct Jwtguard {
    keys: jwtguard_core::KeySet,
    policy: jwtguard_core::Policy,
    now: u64,
    scratch: Vec<u8>,
}

/// The jwtguard policy for `spec`.
pub fn jwtguard_policy(spec: &PolicySpec) -> jwtguard_core::Policy {
    use jwtguard_core::{Match, Policy, RequiredClaim};
    let separator = Some(spec.required_claim.separator.as_str()).filter(|s| !s.is_empty());
    Policy::builder()
        .audience(&spec.audience)
        .issuer(&spec.issuer)
        .require_claim(RequiredClaim {
            name: &spec.required_claim.name,
            values: &[spec.required_claim.value.as_str()],
            match_: Match::Any,
            separator,
        })
        .clock_skew(spec.clock_skew)
        .build()
        .expect("jwtguard policy builds")
}

/// Loads a key set with `backend`.
pub fn jwtguard_keys(jwks: &[u8], backend: jwtguard_core::Backend) -> jwtguard_core::KeySet {
    let options = jwtguard_core::KeyOptions { backend, ..Default::default() };
    jwtguard_core::KeySet::from_json_with(jwks, &options).expect("jwtguard loads the key set")
}

impl Jwtguard {
    /// Keys from `fixture.jwks` on `backend`, policy from `spec`.
    pub fn new(fixture: &Fixture, spec: &PolicySpec, backend: jwtguard_core::Backend) -> Jwtguard {
        Jwtguard {
            keys: jwtguard_keys(&fixture.jwks_bytes(), backend),
            policy: jwtguard_policy(spec),
            now: fixture.now,
            scratch: vec![0u8; jwtguard_core::DEFAULT_MAX_TOKEN_LEN],
        }
    }
}

impl TokenVerifier for Jwtguard {
    #[inline]
    fn verify(&mut self, token: &str) -> Result<usize, String> {
        let verified = jwtguard_core::verify(token.as_bytes(), &self.keys, &self.policy, self.now, &mut self.scratch)
            .map_err(|e| e.to_string())?;
        verified.claims().string("oid").map(|s| s.raw().len()).ok_or_else(|| "no oid".to_string())
    }
}

/// jwtguard-core's `Verifier`, the path of the C library, the Python package and the
/// nginx module: the same keys as one fixed source trusted for the policy's issuers,
/// without the verified-token cache (so every call verifies in full).
pub struct JwtguardVerifier {
    verifier: jwtguard_core::Verifier,
    now: u64,
}

impl JwtguardVerifier {
    /// Keys from `fixture.jwks` on `backend`, policy from `spec`.
    pub fn new(fixture: &Fixture, spec: &PolicySpec, backend: jwtguard_core::Backend) -> JwtguardVerifier {
        let keys = jwtguard_keys(&fixture.jwks_bytes(), backend);
        let verifier = jwtguard_core::Verifier::builder(jwtguard_policy(spec))
            .fixed_keys(keys, jwtguard_core::Trust::PolicyIssuers)
            .build()
            .expect("jwtguard verifier builds");
        JwtguardVerifier { verifier, now: fixture.now }
    }
}

impl TokenVerifier for JwtguardVerifier {
    #[inline]
    fn verify(&mut self, token: &str) -> Result<usize, String> {
        let verdict = self.verifier.verify(token.as_bytes(), self.now).map_err(|e| e.to_string())?;
        verdict.token.claims().string("oid").map(|s| s.raw().len()).ok_or_else(|| "no oid".to_string())
    }
}

// ---------------------------------------------------------------------------------
// jsonwebtoken

/// jsonwebtoken's process-wide crypto backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonwebtokenBackend {
    /// `jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER` (feature `aws_lc_rs`).
    AwsLc,
    /// `jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER` (feature `rust_crypto`).
    RustCrypto,
}

/// Installs jsonwebtoken's `CryptoProvider` for this process (possible once per
/// process, hence one bench binary per backend).
pub fn install_jsonwebtoken_backend(backend: JsonwebtokenBackend) {
    let provider = match backend {
        JsonwebtokenBackend::AwsLc => &jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER,
        JsonwebtokenBackend::RustCrypto => &jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER,
    };
    if provider.install_default().is_err() {
        panic!("a jsonwebtoken CryptoProvider is already installed in this process");
    }
}

/// The claims an application reads from a jsonwebtoken-decoded token (`aud`, `iss`,
/// `exp`, `nbf` are validated by jsonwebtoken itself).
#[derive(Deserialize)]
pub struct JsonwebtokenClaims {
    /// Scopes, space-separated.
    pub scp: String,
    /// Object id.
    pub oid: String,
}

/// jsonwebtoken: `DecodingKey`s prepared once from the key set; per token
/// `decode_header` for the `kid`, lookup, `decode` (signature, `exp`, `nbf`, `aud`,
/// `iss`; leeway = clock skew; `exp`, `aud`, `iss` required), then the scope check.
/// Its clock is the system clock (it takes no `now`).
pub struct Jsonwebtoken {
    keys: Vec<(String, jsonwebtoken::DecodingKey)>,
    /// jsonwebtoken requires every algorithm of a `Validation` to be of the key's
    /// family: one for RS256 keys, one for ES256 keys, picked by the key found.
    rsa: jsonwebtoken::Validation,
    ec: jsonwebtoken::Validation,
    spec: PolicySpec,
}

/// jsonwebtoken's keys from a JWK set: `(kid, DecodingKey)` for every key.
pub fn jsonwebtoken_keys(jwks: &[u8]) -> Vec<(String, jsonwebtoken::DecodingKey)> {
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_slice(jwks).expect("jsonwebtoken parses the key set");
    set.keys
        .iter()
        .map(|jwk| {
            let kid = jwk.common.key_id.clone().unwrap_or_default();
            (kid, jsonwebtoken::DecodingKey::from_jwk(jwk).expect("jsonwebtoken takes the key"))
        })
        .collect()
}

impl Jsonwebtoken {
    /// Keys from `fixture.jwks`, validation from `spec`.
    pub fn new(fixture: &Fixture, spec: &PolicySpec) -> Jsonwebtoken {
        use jsonwebtoken::{Algorithm, Validation};
        let validation = |alg| {
            let mut validation = Validation::new(alg);
            validation.set_audience(&[&spec.audience]);
            validation.set_issuer(&[&spec.issuer]);
            validation.set_required_spec_claims(&["exp", "aud", "iss"]);
            validation.validate_exp = true;
            validation.validate_nbf = true;
            validation.leeway = spec.clock_skew;
            validation
        };
        Jsonwebtoken {
            keys: jsonwebtoken_keys(&fixture.jwks_bytes()),
            rsa: validation(Algorithm::RS256),
            ec: validation(Algorithm::ES256),
            spec: spec.clone(),
        }
    }
}

impl TokenVerifier for Jsonwebtoken {
    #[inline]
    fn verify(&mut self, token: &str) -> Result<usize, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| e.to_string())?;
        let kid = header.kid.ok_or("no kid")?;
        let key = &self.keys.iter().find(|(k, _)| *k == kid).ok_or("kid not found")?.1;
        let validation = match key.family() {
            jsonwebtoken::AlgorithmFamily::Ec => &self.ec,
            _ => &self.rsa,
        };
        let data = jsonwebtoken::decode::<JsonwebtokenClaims>(token, key, validation).map_err(|e| e.to_string())?;
        if !scope_ok(&self.spec, &data.claims.scp) {
            return Err("scope missing".into());
        }
        Ok(data.claims.oid.len())
    }
}

// ---------------------------------------------------------------------------------
// jwt-compact

/// A jwt-compact verifying key.
pub enum CompactKey {
    /// RS256 (RustCrypto `rsa` 0.9).
    Rsa(jwt_compact::alg::RsaPublicKey),
    /// ES256 (RustCrypto `p256` 0.13).
    Es256(<jwt_compact::alg::Es256 as jwt_compact::Algorithm>::VerifyingKey),
}

/// The claims read from a jwt-compact token (it validates only `exp`/`nbf` itself).
#[derive(Deserialize)]
pub struct CompactClaims {
    /// Audience (a string in Entra access tokens).
    pub aud: String,
    /// Issuer.
    pub iss: String,
    /// Scopes, space-separated.
    pub scp: String,
    /// Object id.
    pub oid: String,
}

/// jwt-compact: keys converted once from their JWKs; per token `UntrustedToken::new`,
/// lookup by the header's `kid`, `validator().validate()` (algorithm, signature,
/// claims deserialization), `validate_expiration`/`validate_maturity` with leeway =
/// clock skew at the fixture's `now`, then `aud`, `iss` and the scope compared.
pub struct JwtCompact {
    keys: Vec<(String, CompactKey)>,
    spec: PolicySpec,
    now: chrono::DateTime<chrono::Utc>,
}

/// jwt-compact's key from one JWK (`None` for a kind it cannot use).
pub fn jwt_compact_key(jwk_json: &[u8]) -> Option<CompactKey> {
    use jwt_compact::jwk::JsonWebKey;
    let jwk: JsonWebKey<'_> = serde_json::from_slice(jwk_json).ok()?;
    match &jwk {
        JsonWebKey::Rsa { .. } => jwt_compact::alg::RsaPublicKey::try_from(&jwk).ok().map(CompactKey::Rsa),
        JsonWebKey::EllipticCurve { .. } => {
            <jwt_compact::alg::Es256 as jwt_compact::Algorithm>::VerifyingKey::try_from(&jwk)
                .ok()
                .map(CompactKey::Es256)
        }
        _ => None,
    }
}

/// jwt-compact's keys from a JWK set: `(kid, key)` for every usable key.
pub fn jwt_compact_keys(jwks: &[u8]) -> Vec<(String, CompactKey)> {
    #[derive(Deserialize)]
    struct Set<'a> {
        #[serde(borrow)]
        keys: Vec<&'a serde_json::value::RawValue>,
    }
    #[derive(Deserialize)]
    struct Kid {
        kid: Option<String>,
    }
    let set: Set<'_> = serde_json::from_slice(jwks).expect("key set JSON");
    set.keys
        .iter()
        .filter_map(|raw| {
            let kid: Kid = serde_json::from_str(raw.get()).ok()?;
            Some((kid.kid.unwrap_or_default(), jwt_compact_key(raw.get().as_bytes())?))
        })
        .collect()
}

impl JwtCompact {
    /// Keys from `fixture.jwks`, rules from `spec`.
    pub fn new(fixture: &Fixture, spec: &PolicySpec) -> JwtCompact {
        use chrono::TimeZone as _;
        JwtCompact {
            keys: jwt_compact_keys(&fixture.jwks_bytes()),
            spec: spec.clone(),
            now: chrono::Utc.timestamp_opt(fixture.now as i64, 0).single().expect("valid now"),
        }
    }
}

impl TokenVerifier for JwtCompact {
    #[inline]
    fn verify(&mut self, token: &str) -> Result<usize, String> {
        use jwt_compact::{AlgorithmExt as _, Token, UntrustedToken};
        let untrusted = UntrustedToken::new(token).map_err(|e| e.to_string())?;
        let kid = untrusted.header().key_id.as_deref().ok_or("no kid")?;
        let key = &self.keys.iter().find(|(k, _)| k == kid).ok_or("kid not found")?.1;
        let verified: Token<CompactClaims> = match key {
            CompactKey::Rsa(key) => jwt_compact::alg::Rsa::rs256().validator(key).validate(&untrusted),
            CompactKey::Es256(key) => jwt_compact::alg::Es256.validator(key).validate(&untrusted),
        }
        .map_err(|e| e.to_string())?;
        let now = self.now;
        let options =
            jwt_compact::TimeOptions::new(chrono::Duration::seconds(self.spec.clock_skew as i64), move || now);
        let claims = verified.claims();
        claims.validate_expiration(&options).map_err(|e| e.to_string())?;
        claims.validate_maturity(&options).map_err(|e| e.to_string())?;
        let custom = &claims.custom;
        if custom.aud != self.spec.audience {
            return Err("audience".into());
        }
        if custom.iss != self.spec.issuer {
            return Err("issuer".into());
        }
        if !scope_ok(&self.spec, &custom.scp) {
            return Err("scope missing".into());
        }
        Ok(custom.oid.len())
    }
}

// ---------------------------------------------------------------------------------
// The raw signature floor: the same signature over the same signing input, key
// prepared once, no token parsing, no claims.

/// A bare signature verifier over one pre-split, pre-decoded token.
pub trait RawVerifier: Sized {
    /// Prepares `case`'s key.
    fn new(case: &TokenCase) -> Self;
    /// Verifies `signature` over `message` (SHA-256 of the message included).
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool;

    /// Builds the verifier and checks it accepts `case`'s signature and rejects it with
    /// one bit flipped, or over a changed message. Returns the verifier, the signing
    /// input and the decoded signature.
    fn check(name: &str, case: &TokenCase) -> (Self, Vec<u8>, Vec<u8>) {
        let verifier = Self::new(case);
        let message = case.signing_input().as_bytes().to_vec();
        let signature = case.signature();
        assert!(verifier.verify(&message, &signature), "{name} rejects the valid {} signature", case.alg);
        let mut bad = signature.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 1;
        assert!(!verifier.verify(&message, &bad), "{name} accepts a bad {} signature", case.alg);
        let mut other = message.clone();
        let mid = other.len() / 2;
        other[mid] ^= 1;
        assert!(!verifier.verify(&other, &signature), "{name} accepts a changed {} message", case.alg);
        (verifier, message, signature)
    }
}

/// `ring` 0.17. ring has no pre-parsed verification key type: `RsaPublicKeyComponents`
/// and `UnparsedPublicKey` parse (and, for RSA, set up the modulus) on every call, so
/// this includes that per-call key setup.
pub enum RingRaw {
    /// RSA PKCS#1 v1.5 SHA-256, 2048–8192-bit moduli.
    Rsa(ring::signature::RsaPublicKeyComponents<Vec<u8>>),
    /// ECDSA P-256 SHA-256, fixed-width `r || s`.
    Ec(ring::signature::UnparsedPublicKey<Vec<u8>>),
}

impl RawVerifier for RingRaw {
    fn new(case: &TokenCase) -> Self {
        match case.alg.as_str() {
            "RS256" => {
                RingRaw::Rsa(ring::signature::RsaPublicKeyComponents { n: case.jwk_bytes("n"), e: case.jwk_bytes("e") })
            }
            _ => RingRaw::Ec(ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P256_SHA256_FIXED,
                case.ec_point(),
            )),
        }
    }

    #[inline]
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match self {
            RingRaw::Rsa(key) => key.verify(&ring::signature::RSA_PKCS1_2048_8192_SHA256, message, signature).is_ok(),
            RingRaw::Ec(key) => key.verify(message, signature).is_ok(),
        }
    }
}

/// `aws-lc-rs`: a `ParsedPublicKey` built once (what jwtguard's aws-lc backend holds
/// too), `verify_sig` per call.
pub struct AwsLcRaw(aws_lc_rs::signature::ParsedPublicKey);

impl RawVerifier for AwsLcRaw {
    fn new(case: &TokenCase) -> Self {
        use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
        let key = match case.alg.as_str() {
            "RS256" => RsaPublicKeyComponents { n: case.jwk_bytes("n"), e: case.jwk_bytes("e") }
                .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256),
            _ => ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, case.ec_point()),
        };
        AwsLcRaw(key.expect("aws-lc-rs parses the key"))
    }

    #[inline]
    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.0.verify_sig(message, signature).is_ok()
    }
}

// ---------------------------------------------------------------------------------
// OpenSSL's raw verify in the same run: what `openssl speed` times, measured by
// criterion between the other rows of a group, so that the targets stated against
// OpenSSL compare two figures taken minutes apart instead of a whole run apart.

/// OpenSSL (the system's libcrypto, through the `openssl` crate) as `openssl speed`
/// runs it: a verification context prepared once, the SHA-256 digest of the signing
/// input computed once, and each call one `EVP_PKEY_verify` of that digest (PKCS #1
/// v1.5 for RSA, a DER signature for ECDSA P-256).
pub struct OpensslRaw {
    ctx: openssl::pkey_ctx::PkeyCtx<openssl::pkey::Public>,
    digest: [u8; 32],
    signature: Vec<u8>,
}

impl OpensslRaw {
    /// Prepares `case`'s key and checks that its signature verifies and that one
    /// flipped bit of the signature, or of the digest, does not.
    pub fn check(name: &str, case: &TokenCase) -> OpensslRaw {
        use openssl::bn::{BigNum, BigNumContext};
        use openssl::ec::{EcGroup, EcKey, EcPoint};
        use openssl::ecdsa::EcdsaSig;
        use openssl::nid::Nid;
        use openssl::pkey::PKey;
        use openssl::rsa::{Padding, Rsa};

        let number = |bytes: &[u8]| BigNum::from_slice(bytes).expect("a big number");
        let signature = case.signature();
        let (key, signature) = match case.alg.as_str() {
            "RS256" => {
                let rsa = Rsa::from_public_components(number(&case.jwk_bytes("n")), number(&case.jwk_bytes("e")))
                    .expect("OpenSSL takes the RSA key");
                (PKey::from_rsa(rsa).expect("an RSA PKey"), signature)
            }
            _ => {
                let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).expect("P-256");
                let mut bn = BigNumContext::new().expect("a BN_CTX");
                let point = EcPoint::from_bytes(&group, &case.ec_point(), &mut bn).expect("a P-256 point");
                let ec = EcKey::from_public_key(&group, &point).expect("OpenSSL takes the EC key");
                let (r, s) = signature.split_at(signature.len() / 2);
                let der = EcdsaSig::from_private_components(number(r), number(s)).and_then(|sig| sig.to_der());
                (PKey::from_ec_key(ec).expect("an EC PKey"), der.expect("a DER ECDSA signature"))
            }
        };
        let mut ctx = openssl::pkey_ctx::PkeyCtx::new(&key).expect("an EVP_PKEY_CTX");
        ctx.verify_init().expect("verify_init");
        if case.alg == "RS256" {
            ctx.set_rsa_padding(Padding::PKCS1).expect("PKCS #1 v1.5 padding");
        }
        ctx.set_signature_md(openssl::md::Md::sha256()).expect("SHA-256");
        let digest = openssl::sha::sha256(case.signing_input().as_bytes());
        let mut raw = OpensslRaw { ctx, digest, signature };
        assert!(raw.verify(), "{name} rejects the valid {} signature", case.alg);
        let mut bad = raw.signature.clone();
        let mid = bad.len() / 2;
        bad[mid] ^= 1;
        assert!(!raw.verify_with(&digest, &bad), "{name} accepts a bad {} signature", case.alg);
        let mut other = digest;
        other[7] ^= 1;
        let signature = raw.signature.clone();
        assert!(!raw.verify_with(&other, &signature), "{name} accepts a changed {} digest", case.alg);
        raw
    }

    /// One `EVP_PKEY_verify` of the prepared digest and signature.
    #[inline]
    pub fn verify(&mut self) -> bool {
        let (digest, signature) = (self.digest, std::mem::take(&mut self.signature));
        let ok = self.verify_with(&digest, &signature);
        self.signature = signature;
        ok
    }

    fn verify_with(&mut self, digest: &[u8], signature: &[u8]) -> bool {
        self.ctx.verify(digest, signature).unwrap_or(false)
    }
}

/// `parse-and-claims/jwtguard`: everything `jwtguard_core::verify` does except SHA-256
/// and the signature (size, segments, base64url, header rules, algorithm list, payload
/// JSON, claim rules), on the RS256-2048 (Entra-sized) token, through the core's
/// `fuzzing::parse_and_check_unverified`. Checked before it is timed: the fixture's
/// policy accepts the token, and policies for another audience or issuer refuse it.
#[cfg(feature = "unverified-parse")]
pub struct ParseAndClaims {
    token: Vec<u8>,
    policy: jwtguard_core::Policy,
    now: u64,
    scratch: Vec<u8>,
}

#[cfg(feature = "unverified-parse")]
impl ParseAndClaims {
    pub fn check(fixture: &Fixture) -> ParseAndClaims {
        use jwtguard_core::fuzzing::parse_and_check_unverified;
        let token = fixture.case("rs256_2048").token.clone().into_bytes();
        let mut scratch = vec![0u8; jwtguard_core::DEFAULT_MAX_TOKEN_LEN];
        for other in [fixture.policy_other_audience(), fixture.policy_other_issuer()] {
            let other = jwtguard_policy(&other);
            let refused = parse_and_check_unverified(&token, &other, fixture.now, &mut scratch).is_err();
            assert!(refused, "claim rules not applied");
        }
        let mut op = ParseAndClaims { token, policy: jwtguard_policy(&fixture.policy), now: fixture.now, scratch };
        op.run();
        op
    }

    /// One token; panics if it is refused.
    #[inline]
    pub fn run(&mut self) {
        jwtguard_core::fuzzing::parse_and_check_unverified(
            std::hint::black_box(&self.token),
            &self.policy,
            self.now,
            &mut self.scratch,
        )
        .expect("jwtguard parses and accepts the claims");
    }
}
