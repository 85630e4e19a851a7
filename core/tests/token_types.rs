//! The token-type rule (`PolicyBuilder::token_type`, RFC 9068's `at+jwt`): with types
//! listed, a token's header `typ` must be one of them, compared as RFC 7515 §4.1.9
//! compares media types; without, `typ` is not looked at.
//!
//! The tokens below are `{"iss":"joe","aud":"api","exp":2000000000}` under the header
//! each constant names, signed by Python `cryptography` with the RFC 8037 A.1 Ed25519
//! key (public part in `JWK`).

use jwtguard_core::{verify_owned, Algorithm, KeySet, Policy, Reason};

const JWK: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;
const NOW: u64 = 1_900_000_000;

/// `{"alg":"EdDSA","typ":"at+jwt"}`
const AT_JWT: &str =
    "eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJqb2UiLCJhdWQiOiJhcGkiLCJleHAiOjIwMDAwMDAwMDB9\
.zN9i_TRsXhGA25sfrjPfQiwbjb-4qfCX32hQGoO1_O8STT4wneFaqgxOKkOMOp7M_1xZ6nm_X-FN8wUZ7hcpCA";
/// `{"alg":"EdDSA","typ":"application/at+jwt"}`
const APPLICATION_AT_JWT: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6ImFwcGxpY2F0aW9uL2F0K2p3dCJ9\
.eyJpc3MiOiJqb2UiLCJhdWQiOiJhcGkiLCJleHAiOjIwMDAwMDAwMDB9\
.zH_W1tDox2ygGKoJXQGyM8DOaLn7GDUo836YwxFR5sVorBuYZsNAyVKEpThIQCcoDncoYDs0iOn5kZlD_DSmAg";
/// `{"alg":"EdDSA","typ":"AT+JWT"}`
const UPPER: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkFUK0pXVCJ9.eyJpc3MiOiJqb2UiLCJhdWQiOiJhcGkiLCJleHAiOjIwMDAwMDAwMDB9\
.W4R3VapornQT7mccFYSOGvtrOsRQjTmv6ALqi_pQn0efnP0e9mTGoWSttR9NUkGcpo-Fvdt9S84wMrYjKByODA";
/// `{"alg":"EdDSA","typ":"at\u002bjwt"}` (`+` escaped in the JSON text)
const ESCAPED: &str =
    "eyJhbGciOiJFZERTQSIsInR5cCI6ImF0XHUwMDJiand0In0.eyJpc3MiOiJqb2UiLCJhdWQiOiJhcGkiLCJleHAiOjIwMDAwMDAwMDB9\
.Fhq3N9CrT_zoCerUcUHqiDWzDaTe7E-0RK4IcHhCPMEBt3ZLt2WTGjIz_mInZOfVsvk7NBgChoAXOALV7ZNICw";
/// `{"alg":"EdDSA","typ":"JWT"}`: what an ID token (or an Entra access token) says.
const JWT: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJqb2UiLCJhdWQiOiJhcGkiLCJleHAiOjIwMDAwMDAwMDB9\
.hYUewQupz9HtrmfPzYiER2rv_kyvQjLx7aBVC3CbSu_kd5NW9t7EfkRvC_SYKm610iBK1zPYVrwi3ygD_jVbBA";
/// `{"alg":"EdDSA"}`
const NO_TYP: &str = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJqb2UiLCJhdWQiOiJhcGkiLCJleHAiOjIwMDAwMDAwMDB9\
.5gXG9dQyHES59XFG5z4gck-CpX_Hzj8-8rOvUCLy1JYdy_TUrMvRWRIWweJaxjeR3vPAfmyp4etURPCBCLfaAg";
/// `{"alg":"EdDSA","typ":"text/at+jwt"}`: another top-level type.
const TEXT: &str =
    "eyJhbGciOiJFZERTQSIsInR5cCI6InRleHQvYXQrand0In0.eyJpc3MiOiJqb2UiLCJhdWQiOiJhcGkiLCJleHAiOjIwMDAwMDAwMDB9\
.P4ywk3ZNvV6johTig7MPwoUEkK-IPcMsiF8PUWKL1Tx5IQ8eYAp2ZH4mu2pS2Jx0WpyBL0Su4JsEukY8efDUDA";

fn policy(types: &[&str]) -> Policy {
    Policy::builder()
        .audience("api")
        .issuer("joe")
        .algorithms(&[Algorithm::EdDSA])
        .token_types(types.iter().copied())
        .build()
        .expect("policy builds")
}

fn outcome(token: &str, policy: &Policy) -> Result<(), Reason> {
    let keys = KeySet::from_json(JWK.as_bytes()).expect("the RFC 8037 key loads");
    verify_owned(token.as_bytes(), &keys, policy, NOW).map(|_| ()).map_err(|e| e.reason())
}

#[test]
fn at_jwt_is_accepted_in_every_spelling_of_the_media_type() {
    let at_jwt = policy(&["at+jwt"]);
    for token in [AT_JWT, APPLICATION_AT_JWT, UPPER, ESCAPED] {
        assert_eq!(outcome(token, &at_jwt), Ok(()));
    }
    // The policy may spell it the long way too.
    for token in [AT_JWT, APPLICATION_AT_JWT] {
        assert_eq!(outcome(token, &policy(&["application/AT+JWT"])), Ok(()));
    }
}

#[test]
fn other_types_and_a_missing_typ_are_refused() {
    let at_jwt = policy(&["at+jwt"]);
    for token in [JWT, NO_TYP, TEXT] {
        assert_eq!(outcome(token, &at_jwt), Err(Reason::TokenTypeNotAllowed));
    }
    let keys = KeySet::from_json(JWK.as_bytes()).unwrap();
    let err = verify_owned(NO_TYP.as_bytes(), &keys, &at_jwt, NOW).unwrap_err();
    assert!(err.detail().contains("no typ"), "{err}");
    // Several types: any one suffices.
    let both = policy(&["at+jwt", "JWT"]);
    for token in [AT_JWT, JWT] {
        assert_eq!(outcome(token, &both), Ok(()));
    }
    assert_eq!(outcome(NO_TYP, &both), Err(Reason::TokenTypeNotAllowed));
}

#[test]
fn without_types_typ_is_not_checked() {
    let any = policy(&[]);
    assert_eq!(any.token_types().count(), 0);
    for token in [AT_JWT, JWT, NO_TYP, TEXT] {
        assert_eq!(outcome(token, &any), Ok(()));
    }
}

#[test]
fn the_signature_is_checked_before_the_type() {
    let (head, _) = JWT.rsplit_once('.').unwrap();
    let forged = format!("{head}.{}", &AT_JWT[AT_JWT.rfind('.').unwrap() + 1..]);
    assert_eq!(outcome(&forged, &policy(&["at+jwt"])), Err(Reason::TokenSignatureInvalid));
}

#[test]
fn token_types_are_validated_when_the_policy_is_built() {
    let build = |types: &[&str]| {
        Policy::builder().any_audience().any_issuer().token_types(types.iter().copied()).build().map_err(|e| e.reason())
    };
    assert_eq!(build(&[""]).unwrap_err(), Reason::PolicyInvalid);
    assert_eq!(build(&["t"; 9]).unwrap_err(), Reason::PolicyInvalid);
    let built = build(&["at+jwt", "application/jwt"]).unwrap();
    assert_eq!(built.token_types().collect::<Vec<_>>(), ["at+jwt", "application/jwt"]);
}
