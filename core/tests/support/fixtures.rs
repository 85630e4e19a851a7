//! Reads the committed fixture files (tokens minted by PyJWT/`cryptography`, see
//! `fixtures/make_fixtures.py`) and turns their policy descriptions into [`Policy`]s.
//! Shared by the fixture tests, the allocation test and the demo.
#![allow(dead_code)]

use std::collections::BTreeMap;

use jwtguard_core::{Algorithm, KeyOptions, KeySet, Match, Policy, RequiredClaim};
use serde_json::Value;

/// One fixture file: key sets, the default policy, and cases.
pub struct FixtureFile {
    pub name: &'static str,
    pub doc: Value,
}

/// One case: a token, its key set (as JSON bytes), `now`, the policy, the expectation.
pub struct Case<'f> {
    pub name: &'f str,
    pub description: &'f str,
    pub token: &'f str,
    pub jwks: Vec<u8>,
    pub now: u64,
    pub policy: Value,
    /// `"valid"` or a reason name, for the token (`None` when the case is about the key set).
    pub expect: Option<&'f str>,
    /// A reason name the key set itself must fail to load with.
    pub expect_key_set: Option<&'f str>,
    /// How the key set is loaded (`key_options` in the case; default options without).
    pub key_options: KeyOptions,
}

impl FixtureFile {
    pub fn load(name: &'static str) -> FixtureFile {
        let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        FixtureFile { name, doc: serde_json::from_str(&text).expect("fixture file is JSON") }
    }

    pub fn cases(&self) -> Vec<Case<'_>> {
        self.doc["cases"].as_array().expect("cases").iter().map(|c| self.case_from(c)).collect()
    }

    pub fn case(&self, name: &str) -> Case<'_> {
        let found = self.doc["cases"].as_array().expect("cases").iter().find(|c| c["name"] == name);
        self.case_from(found.unwrap_or_else(|| panic!("no case {name} in {}", self.name)))
    }

    fn case_from<'f>(&'f self, c: &'f Value) -> Case<'f> {
        let mut policy = self.doc["default_policy"].clone();
        if let (Value::Object(p), Some(Value::Object(o))) = (&mut policy, c.get("policy")) {
            p.extend(o.clone());
        }
        Case {
            name: c["name"].as_str().expect("name"),
            description: c["description"].as_str().unwrap_or(""),
            token: c["token"].as_str().unwrap_or(""),
            jwks: serde_json::to_vec(&self.doc["key_sets"][c["key_set"].as_str().expect("key_set")]).unwrap(),
            now: c.get("now").and_then(Value::as_u64).or(self.doc["now"].as_u64()).expect("now"),
            policy,
            expect: c.get("expect").and_then(Value::as_str),
            expect_key_set: c.get("expect_key_set").and_then(Value::as_str),
            key_options: key_options(c.get("key_options")),
        }
    }
}

/// A case's `key_options` (only `allow_symmetric` is used by the fixtures).
fn key_options(spec: Option<&Value>) -> KeyOptions {
    let mut options = KeyOptions::default();
    if let Some(spec) = spec {
        let spec = spec.as_object().expect("key_options is an object");
        for (name, value) in spec {
            match name.as_str() {
                "allow_symmetric" => options.allow_symmetric = value.as_bool().expect("allow_symmetric is a bool"),
                other => panic!("unknown key option {other:?}"),
            }
        }
    }
    options
}

impl Case<'_> {
    pub fn keys(&self) -> Result<KeySet, jwtguard_core::Error> {
        KeySet::from_json_with(&self.jwks, &self.key_options)
    }

    pub fn policy(&self) -> Policy {
        policy_from_json(&self.policy)
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("array of strings").iter().map(|s| s.as_str().expect("string").to_owned()).collect()
}

/// Builds a policy from its fixture description (`null` audiences/issuers = waived).
pub fn policy_from_json(spec: &Value) -> Policy {
    let spec: BTreeMap<String, Value> = serde_json::from_value(spec.clone()).expect("policy object");
    let mut b = Policy::builder();
    match &spec["audiences"] {
        Value::Null => b = b.any_audience(),
        v => b = b.audiences(strings(v).iter().map(String::as_str)),
    }
    match &spec["issuers"] {
        Value::Null => b = b.any_issuer(),
        v => b = b.issuers(strings(v).iter().map(String::as_str)),
    }
    let algs: Vec<Algorithm> =
        strings(&spec["algorithms"]).iter().map(|a| Algorithm::from_name(a).expect("known algorithm")).collect();
    b = b
        .clock_skew(spec["clock_skew"].as_u64().expect("clock_skew"))
        .require_expiration_time(spec["require_expiration_time"].as_bool().expect("require_expiration_time"))
        .algorithms(&algs)
        .kid_miss_fallback(spec["kid_miss_fallback"].as_bool().expect("kid_miss_fallback"))
        .check_key_issuer(spec["check_key_issuer"].as_bool().expect("check_key_issuer"));
    for rule in spec["required_claims"].as_array().expect("required_claims") {
        let values = strings(&rule["values"]);
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let separator = rule["separator"].as_str();
        let match_ = match rule["match"].as_str() {
            Some("all") => Match::All,
            Some("any") => Match::Any,
            other => panic!("unknown match {other:?}"),
        };
        let name = rule["name"].as_str().expect("claim name");
        b = b.require_claim(RequiredClaim { name, values: &values, match_, separator });
    }
    b.build().expect("fixture policy is valid")
}
