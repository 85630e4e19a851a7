/* Exercises the APIM policy functions of jwtguard.h (jwtguard_apim_policy_*): the
 * China-cloud validate-jwt policy of the APIM article with every accessor, fixture
 * tokens that pass and fail each of its rules (through a jwtguard_verifier, with and
 * without a cache, built with the policy's core policy, which is the whole check), an
 * inline-key policy whose JWK set loads and verifies APIM's RSA algorithms, inline
 * symmetric keys (a set of their own, HS256), validate-azure-ad-token's client
 * application check (azp, or appid without azp) enforced by that verification itself,
 * one test per refusal (PolicyInvalid, the detail naming the kind and the attribute or
 * element), named values and flags, and NULL, garbage and buffer-size arguments.
 * Fixtures come from extract_fixtures.py (the Entra-shaped tokens from
 * fixtures/apim.json, see make_apim_fixtures.py).
 *
 * Usage: test_apim DIR */
#include "testutil.h"

#define NOW 1700000000u
#define AUD "api://jwtguard-test"
#define ISS "https://issuer.example/tenant/v2.0"
#define MAIN_JWKS "jwks/claims.main.json"
#define TENANT "6b1e1a38-0d3a-4e5f-9a4b-3c2d1e0f9a8b"
#define BACKEND_APP "8f5a6c1e-4b2d-4e3f-a1b2-c3d4e5f6a7b8"
#define CLIENT_APP "2d7c9e41-5a6b-4c8d-9e0f-1a2b3c4d5e6f"
#define CN_LOGIN "https://login.partner.microsoftonline.cn/"
#define CN_DISCOVERY CN_LOGIN TENANT "/v2.0/.well-known/openid-configuration"
#define CN_ISSUER CN_LOGIN TENANT "/v2.0"
#define ENTRA_JWKS "jwks/apim.entra.json"
#define MESSAGE "Unauthorized. Access token is missing or invalid."

#define SENTINEL ((void *)&tu_passed)

/* The China-cloud policy, as in the APIM article. */
static const char CHINA[] =
    "<validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\"\n"
    "    failed-validation-error-message=\"" MESSAGE "\">\n"
    "  <openid-config url=\"" CN_DISCOVERY "\" />\n"
    "  <audiences><audience>" BACKEND_APP "</audience></audiences>\n"
    "  <required-claims>\n"
    "    <claim name=\"scp\" match=\"any\" separator=\" \">\n"
    "      <value>Files.Read</value><value>Mail.Send</value>\n"
    "    </claim>\n"
    "  </required-claims>\n"
    "</validate-jwt>\n";

/* The same policy for the fixture tokens: their audience, and their issuer listed
 * beside the one derived from the discovery URL. `%s` is the list of scp values. */
static const char CHINA_FIXTURES[] =
    "<validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\"\n"
    "    failed-validation-error-message=\"" MESSAGE "\">\n"
    "  <openid-config url=\"" CN_DISCOVERY "\" />\n"
    "  <audiences><audience>" AUD "</audience></audiences>\n"
    "  <issuers><issuer>" ISS "</issuer></issuers>\n"
    "  <required-claims>\n"
    "    <claim name=\"scp\" match=\"any\" separator=\" \">%s</claim>\n"
    "  </required-claims>\n"
    "</validate-jwt>\n";

static const char AZURE_AD[] =
    "<policies><inbound><base />\n"
    "  <validate-azure-ad-token tenant-id=\"" TENANT "\"\n"
    "      authentication-endpoint=\"https://login.partner.microsoftonline.cn\"\n"
    "      failed-validation-httpcode=\"403\">\n"
    "    <client-application-ids><application-id>" CLIENT_APP "</application-id>"
    "</client-application-ids>\n"
    "    <backend-application-ids><application-id>" BACKEND_APP "</application-id>"
    "</backend-application-ids>\n"
    "  </validate-azure-ad-token>\n"
    "</inbound></policies>\n";

static jwtguard_result from_xml(const char *xml, jwtguard_apim_policy **out, char *detail,
                                size_t cap) {
    return jwtguard_apim_policy_from_xml((const uint8_t *)xml, strlen(xml), out, detail, cap);
}

static jwtguard_apim_policy *load(const char *xml) {
    jwtguard_apim_policy *apim = NULL;
    char detail[512];
    jwtguard_result r = from_xml(xml, &apim, detail, sizeof detail);
    if (r != JWTGUARD_OK) tu_fail(__FILE__, __LINE__, "policy refused: %s", detail);
    CHECK(apim != NULL);
    CHECK_STR(detail, "");
    return apim;
}

static jwtguard_apim_policy *load_china_fixtures(const char *values) {
    char xml[2048];
    snprintf(xml, sizeof xml, CHINA_FIXTURES, values);
    return load(xml);
}

static char *read_token(const char *name, size_t *len) {
    char rel[512];
    snprintf(rel, sizeof rel, "tokens/claims.%s.txt", name);
    return tu_read(rel, len);
}

/* Verifies token file `rel` with `keys` and the core policy of `apim` (tu_verify()). */
static jwtguard_result verify_file(const jwtguard_apim_policy *apim, const char *rel,
                                   const jwtguard_keyset *keys, char *detail, size_t cap) {
    size_t len = 0;
    char *token = tu_read(rel, &len);
    const jwtguard_policy *policy = jwtguard_apim_policy_policy(apim);
    jwtguard_token *out = SENTINEL;
    jwtguard_result r =
        tu_verify((const uint8_t *)token, len, keys, policy, NOW, &out, detail, cap);
    CHECK(r == JWTGUARD_OK ? out != NULL : out == NULL);
    jwtguard_token_free(out);
    jwtguard_policy_free(policy);
    free(token);
    return r;
}

/* Verifies fixture token `name` of claims.json with the core policy of `apim`. */
static jwtguard_result verify_apim(const jwtguard_apim_policy *apim, const char *name,
                                   const jwtguard_keyset *keys, char *detail, size_t cap) {
    char rel[512];
    snprintf(rel, sizeof rel, "tokens/claims.%s.txt", name);
    return verify_file(apim, rel, keys, detail, cap);
}

/* A verifier with the core policy of `apim`, `keys` (for the policy's issuers) and a
 * cache of 16 tokens for 60 s. */
static jwtguard_verifier *cached_verifier(const jwtguard_apim_policy *apim,
                                          const jwtguard_keyset *keys) {
    const jwtguard_policy *policy = jwtguard_apim_policy_policy(apim);
    jwtguard_verifier_builder *b = jwtguard_verifier_builder_new(policy);
    jwtguard_verifier *v = NULL;
    jwtguard_policy_free(policy);
    CHECK(b != NULL);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(b, keys, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_set_cache(b, 16, 60), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_build(b, &v, NULL, 0), JWTGUARD_OK);
    return v;
}

/* Verifies token file `rel` with `v` at NOW; *hit receives the cache's answer. */
static jwtguard_result verify_cached_file(const jwtguard_verifier *v, const char *rel, bool *hit) {
    size_t len = 0;
    char *token = tu_read(rel, &len);
    jwtguard_token *out = SENTINEL;
    jwtguard_result r =
        jwtguard_verifier_verify(v, (const uint8_t *)token, len, NOW, &out, hit, NULL, 0);
    CHECK(r == JWTGUARD_OK ? out != NULL : out == NULL);
    jwtguard_token_free(out);
    free(token);
    return r;
}

static int contains(const char *haystack, const char *needle) {
    return haystack != NULL && strstr(haystack, needle) != NULL;
}

#define CHECK_CONTAINS(text, needle)                                                            \
    (contains((text), (needle)) ? (void)atomic_fetch_add(&tu_passed, 1)                        \
                                : tu_fail(__FILE__, __LINE__, "\"%s\" does not contain \"%s\"", \
                                          (text), (needle)))

/* ---------------------------------------------------------------------------------- */

static void test_china_accessors(void) {
    jwtguard_apim_policy *apim = load(CHINA);
    jwtguard_token_source kind = 99;
    bool is_set = false;
    char buf[512];
    size_t len = 99, i, n;
    int derived = 0;

    CHECK(jwtguard_apim_policy_kind(apim) == JWTGUARD_APIM_VALIDATE_JWT);

    CHECK_RESULT(jwtguard_apim_policy_token_source(apim, &kind, buf, sizeof buf, &len), JWTGUARD_OK);
    CHECK(kind == JWTGUARD_TOKEN_SOURCE_HEADER);
    CHECK_STR(buf, "Authorization");
    CHECK(len == strlen("Authorization"));

    CHECK_RESULT(jwtguard_apim_policy_require_scheme(apim, buf, sizeof buf, &len), JWTGUARD_OK);
    CHECK_STR(buf, "");
    CHECK(len == 0);

    CHECK(jwtguard_apim_policy_failed_status(apim) == 401);
    CHECK_RESULT(jwtguard_apim_policy_failed_message(apim, &is_set, buf, sizeof buf, &len),
                 JWTGUARD_OK);
    CHECK(is_set);
    CHECK_STR(buf, MESSAGE);

    CHECK(jwtguard_apim_policy_openid_config_count(apim) == 1);
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(apim, 0, buf, sizeof buf, &len), JWTGUARD_OK);
    CHECK_STR(buf, CN_DISCOVERY);
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(apim, 1, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);

    /* no <decryption-keys> */
    len = 99;
    CHECK_RESULT(jwtguard_apim_policy_decryption_jwks(apim, buf, sizeof buf, &len), JWTGUARD_OK);
    CHECK(len == 0);
    CHECK_STR(buf, "");

    /* discovery only: no inline keys */
    len = 99;
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_ASYMMETRIC, buf, sizeof buf,
                                                  &len),
                 JWTGUARD_OK);
    CHECK(len == 0);
    CHECK_STR(buf, "");
    len = 99;
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_SYMMETRIC, buf, sizeof buf,
                                                  &len),
                 JWTGUARD_OK);
    CHECK(len == 0);

    /* the issuer derived from the discovery URL is noted */
    n = jwtguard_apim_policy_note_count(apim);
    CHECK(n >= 1);
    for (i = 0; i < n; i++) {
        CHECK_RESULT(jwtguard_apim_policy_note(apim, i, buf, sizeof buf, &len), JWTGUARD_OK);
        CHECK(len == strlen(buf));
        if (contains(buf, CN_ISSUER)) derived = 1;
    }
    CHECK(derived);
    CHECK_RESULT(jwtguard_apim_policy_note(apim, n, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);

    CHECK(jwtguard_apim_policy_derived_issuer_count(apim) == 1);
    CHECK_RESULT(jwtguard_apim_policy_derived_issuer(apim, 0, false, buf, sizeof buf, &len), JWTGUARD_OK);
    CHECK_STR(buf, CN_ISSUER);
    CHECK_RESULT(jwtguard_apim_policy_derived_issuer(apim, 0, true, buf, sizeof buf, &len), JWTGUARD_OK);
    CHECK_STR(buf, CN_DISCOVERY);
    CHECK_RESULT(jwtguard_apim_policy_derived_issuer(apim, 1, false, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);

    /* the core policy: one handle, the same every time, outliving the APIM handle */
    {
        const jwtguard_policy *p1 = jwtguard_apim_policy_policy(apim);
        const jwtguard_policy *p2 = jwtguard_apim_policy_policy(apim);
        const jwtguard_keyset *keys = tu_load_keys(MAIN_JWKS);
        size_t tlen = 0;
        char *token = read_token("req_scp_any_one_present_valid", &tlen);
        jwtguard_token *out = SENTINEL;
        char detail[256];
        CHECK(p1 != NULL && p1 == p2);
        jwtguard_policy_free(p2);
        jwtguard_apim_policy_free(apim);
        /* the fixture token's audience is not the backend app's client id */
        CHECK_RESULT(tu_verify((const uint8_t *)token, tlen, keys, p1, NOW, &out, detail,
                                     sizeof detail),
                     JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED);
        CHECK(out == NULL);
        jwtguard_policy_free(p1);
        jwtguard_keyset_free(keys);
        free(token);
    }
}

static void test_china_rules(void) {
    jwtguard_apim_policy *apim = load_china_fixtures("<value>Files.Read</value><value>Mail.Send</value>");
    jwtguard_apim_policy *other_scopes =
        load_china_fixtures("<value>Mail.Send</value><value>Files.ReadWrite</value>");
    const jwtguard_keyset *keys = tu_load_keys(MAIN_JWKS);
    char detail[256];

    /* passes: audience, issuer, lifetime, scp "Files.Read Files.Write User.Read" */
    CHECK_RESULT(verify_apim(apim, "req_scp_any_one_present_valid", keys, detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK_STR(detail, "");
    /* one failure per rule */
    CHECK_RESULT(verify_apim(apim, "aud_mismatch", keys, NULL, 0), JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED);
    CHECK_RESULT(verify_apim(apim, "iss_mismatch", keys, NULL, 0), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    CHECK_RESULT(verify_apim(apim, "req_claim_absent", keys, detail, sizeof detail),
                 JWTGUARD_TOKEN_CLAIM_NOT_FOUND);
    CHECK_CONTAINS(detail, "scp");
    CHECK_RESULT(verify_apim(other_scopes, "req_scp_any_one_present_valid", keys, NULL, 0),
                 JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
    CHECK_RESULT(verify_apim(apim, "exp_now_minus_1_expired", keys, NULL, 0), JWTGUARD_TOKEN_EXPIRED);
    CHECK_RESULT(verify_apim(apim, "exp_missing_required", keys, NULL, 0),
                 JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING);
    CHECK_RESULT(verify_apim(apim, "bad_signature_and_expired", keys, NULL, 0),
                 JWTGUARD_TOKEN_SIGNATURE_INVALID);
    CHECK_RESULT(verify_apim(apim, "kid_not_in_set", keys, NULL, 0),
                 JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);

    /* through a verifier's cache: a miss, then a hit; a refused token is never stored */
    {
        jwtguard_verifier *v = cached_verifier(apim, keys);
        int round;
        for (round = 0; round < 2; round++) {
            bool hit = round == 0;
            CHECK_RESULT(verify_cached_file(v, "tokens/claims.req_scp_any_one_present_valid.txt", &hit),
                         JWTGUARD_OK);
            CHECK(hit == (round == 1));
            hit = true;
            CHECK_RESULT(verify_cached_file(v, "tokens/claims.req_claim_absent.txt", &hit),
                         JWTGUARD_TOKEN_CLAIM_NOT_FOUND);
            CHECK(!hit);
        }
        CHECK(jwtguard_verifier_cache_len(v) == 1);
        jwtguard_verifier_free(v);
    }

    jwtguard_keyset_free(keys);
    jwtguard_apim_policy_free(apim);
    jwtguard_apim_policy_free(other_scopes);
}

/* Copies JSON string member `"name": "value"` of `json` (extract_fixtures.py writes
 * json.dumps output) into out. */
static int json_member(const char *json, const char *name, char *out, size_t cap) {
    char key[64];
    const char *p, *end;
    snprintf(key, sizeof key, "\"%s\": \"", name);
    p = strstr(json, key);
    if (p == NULL) return 0;
    p += strlen(key);
    end = strchr(p, '"');
    if (end == NULL || (size_t)(end - p) >= cap) return 0;
    memcpy(out, p, (size_t)(end - p));
    out[end - p] = '\0';
    return 1;
}

static void test_inline_keys(void) {
    char *jwk = tu_read("single_jwk_rsa.json", NULL);
    char n[1024], e[64], kid[64], xml[4096], detail[256];
    char *jwks;
    size_t len = 0;
    jwtguard_apim_policy *apim;
    const jwtguard_keyset *keys = NULL;

    CHECK(json_member(jwk, "n", n, sizeof n));
    CHECK(json_member(jwk, "e", e, sizeof e));
    CHECK(json_member(jwk, "kid", kid, sizeof kid));
    snprintf(xml, sizeof xml,
             "<validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"403\">"
             "<issuer-signing-keys><key id=\"%s\" n=\"%s\" e=\"%s\" /></issuer-signing-keys>"
             "<audiences><audience>" AUD "</audience></audiences>"
             "<issuers><issuer>" ISS "</issuer></issuers>"
             "</validate-jwt>",
             kid, n, e);
    free(jwk);
    apim = load(xml);
    CHECK(jwtguard_apim_policy_openid_config_count(apim) == 0);
    CHECK(jwtguard_apim_policy_derived_issuer_count(apim) == 0);
    CHECK(jwtguard_apim_policy_failed_status(apim) == 403);
    {
        bool is_set = true;
        char buf[8];
        CHECK_RESULT(jwtguard_apim_policy_failed_message(apim, &is_set, buf, sizeof buf, &len),
                     JWTGUARD_OK);
        CHECK(!is_set); /* APIM's per-failure default */
        CHECK(len == 0);
    }

    /* size query, too small, then the document */
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_ASYMMETRIC, NULL, 0, &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len > 100);
    jwks = malloc(len + 1);
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_ASYMMETRIC, jwks, len, &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK_RESULT(
        jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_ASYMMETRIC, jwks, len + 1, &len),
        JWTGUARD_OK);
    CHECK(jwks[len] == '\0' && strlen(jwks) == len);
    CHECK_CONTAINS(jwks, "\"kty\":\"RSA\"");
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)jwks, len, &keys), JWTGUARD_OK);
    CHECK(jwtguard_keyset_len(keys) == 1);
    free(jwks);

    CHECK_RESULT(verify_apim(apim, "valid_rs256_rsa2048", keys, detail, sizeof detail), JWTGUARD_OK);
    /* signed by the EC key, which the policy does not hold */
    CHECK(verify_apim(apim, "valid_es256_p256", keys, NULL, 0) != JWTGUARD_OK);
    CHECK_RESULT(verify_apim(apim, "aud_mismatch", keys, NULL, 0), JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED);
    /* no symmetric key: no HS256, and no symmetric JWK set */
    CHECK_RESULT(verify_file(apim, "tokens/attacks.hs256_oct_key_valid.txt", keys, NULL, 0),
                 JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED);
    {
        char empty[4] = "x";
        size_t n = 99;
        CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_SYMMETRIC, empty,
                                                      sizeof empty, &n),
                     JWTGUARD_OK);
        CHECK(n == 0 && empty[0] == '\0');
    }
    jwtguard_keyset_free(keys);
    jwtguard_apim_policy_free(apim);
}

/* Loads inline JWK set `kind` of `apim` with `flags`. */
static jwtguard_result load_inline(const jwtguard_apim_policy *apim, uint32_t kind, uint32_t flags,
                                   const jwtguard_keyset **keys, char *detail, size_t cap) {
    size_t len = 0;
    char *jwks;
    jwtguard_result r;
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, kind, NULL, 0, &len), JWTGUARD_BUFFER_TOO_SMALL);
    jwks = malloc(len + 1);
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, kind, jwks, len + 1, &len), JWTGUARD_OK);
    r = jwtguard_keyset_new_with_options((const uint8_t *)jwks, len, flags, 0, keys, detail, cap);
    free(jwks);
    return r;
}

/* Inline symmetric keys beside an RSA key (the RSA key of attacks.json "main"): two JWK
 * sets, the oct one loaded with JWTGUARD_KEYSET_ALLOW_SYMMETRIC; HS256 tokens verify with
 * it only, and APIM's RSA algorithms with the other. */
static void test_inline_symmetric_keys(void) {
    char *jwk = tu_read("jwks/attacks.main.json", NULL); /* its first key is rsa-2048 */
    char *oct = tu_read("jwks/attacks.oct.json", NULL);
    char n[1024], e[64], k[128], xml[4096], detail[256], buf[1024];
    jwtguard_apim_policy *apim;
    const jwtguard_keyset *rsa = NULL, *hmac = NULL, *bad = SENTINEL;
    size_t len = 0;

    CHECK(json_member(jwk, "n", n, sizeof n));
    CHECK(json_member(jwk, "e", e, sizeof e));
    CHECK(json_member(oct, "k", k, sizeof k)); /* base64url: APIM reads either alphabet */
    snprintf(xml, sizeof xml,
             "<validate-jwt header-name=\"Authorization\">"
             "<issuer-signing-keys><key id=\"rsa-2048\" n=\"%s\" e=\"%s\" />"
             "<key id=\"hmac-32\">%s</key></issuer-signing-keys>"
             "<audiences><audience>" AUD "</audience></audiences>"
             "<issuers><issuer>" ISS "</issuer></issuers>"
             "</validate-jwt>",
             n, e, k);
    free(jwk);
    free(oct);
    apim = load(xml);

    /* each kind alone */
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_ASYMMETRIC, buf, sizeof buf,
                                                  &len),
                 JWTGUARD_OK);
    CHECK_CONTAINS(buf, "\"kty\":\"RSA\"");
    CHECK(!contains(buf, "\"oct\"") && !contains(buf, "hmac-32"));
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, JWTGUARD_APIM_KEYS_SYMMETRIC, buf, sizeof buf,
                                                  &len),
                 JWTGUARD_OK);
    CHECK_CONTAINS(buf, "\"kty\":\"oct\"");
    CHECK_CONTAINS(buf, "hmac-32");
    CHECK(!contains(buf, "RSA"));
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, 0, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(apim, 3, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);

    /* the secrets need the flag */
    CHECK_RESULT(load_inline(apim, JWTGUARD_APIM_KEYS_SYMMETRIC, 0, &bad, detail, sizeof detail),
                 JWTGUARD_KEY_SET_NO_USABLE_KEY);
    CHECK(bad == NULL);
    CHECK_RESULT(load_inline(apim, JWTGUARD_APIM_KEYS_SYMMETRIC, JWTGUARD_KEYSET_ALLOW_SYMMETRIC, &hmac,
                             detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK(jwtguard_keyset_len(hmac) == 1);
    CHECK_RESULT(load_inline(apim, JWTGUARD_APIM_KEYS_ASYMMETRIC, 0, &rsa, detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK(jwtguard_keyset_len(rsa) == 1 && jwtguard_keyset_rejected_len(rsa) == 0);

    /* HS256 (the policy allows it: it has symmetric keys) with the secret's set */
    CHECK_RESULT(verify_file(apim, "tokens/attacks.hs256_oct_key_valid.txt", hmac, detail, sizeof detail),
                 JWTGUARD_OK);
    /* and not with the RSA set, where its kid is unknown */
    CHECK_RESULT(verify_file(apim, "tokens/attacks.hs256_oct_key_valid.txt", rsa, NULL, 0),
                 JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    /* HS256 signed with another secret (kid unknown here: every inline key is tried) */
    CHECK_RESULT(verify_file(apim, "tokens/algorithms.hs256_valid.txt", hmac, NULL, 0),
                 JWTGUARD_TOKEN_SIGNATURE_INVALID);
    /* an RS256 token naming the secret: the secret does not do RS256 */
    CHECK_RESULT(verify_file(apim, "tokens/attacks.rs256_token_naming_oct_key.txt", hmac, NULL, 0),
                 JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH);
    /* APIM's RSA algorithms with the RSA set: RS256, RS512 and PS256 by the same key (the
     * inline JWK binds no alg; the fixture's own JWK of this key is bound to RS256) */
    CHECK_RESULT(verify_file(apim, "tokens/attacks.x5c_header_ignored_valid.txt", rsa, detail,
                             sizeof detail),
                 JWTGUARD_OK);
    CHECK_RESULT(verify_file(apim, "tokens/attacks.alg_rs512.txt", rsa, detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK_RESULT(verify_file(apim, "tokens/attacks.alg_ps256.txt", rsa, detail, sizeof detail),
                 JWTGUARD_OK);
    /* RS384 is not among APIM's algorithms */
    CHECK_RESULT(verify_file(apim, "tokens/algorithms.rs384_valid.txt", rsa, NULL, 0),
                 JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED);

    jwtguard_keyset_free(rsa);
    jwtguard_keyset_free(hmac);
    jwtguard_apim_policy_free(apim);
}

static void test_azure_ad_token(void) {
    jwtguard_apim_policy *azure = load(AZURE_AD);
    jwtguard_apim_policy *china = load_china_fixtures("<value>Files.Read</value>");
    const jwtguard_keyset *keys = tu_load_keys(MAIN_JWKS);
    const jwtguard_policy *china_policy = jwtguard_apim_policy_policy(china);
    jwtguard_token *token = NULL;
    jwtguard_token_source kind = 0;
    char buf[512], detail[256];
    size_t len = 0;
    char *bytes = read_token("req_scp_any_one_present_valid", &len);

    CHECK(jwtguard_apim_policy_kind(azure) == JWTGUARD_APIM_VALIDATE_AZURE_AD_TOKEN);
    CHECK(jwtguard_apim_policy_failed_status(azure) == 403);
    CHECK_RESULT(jwtguard_apim_policy_token_source(azure, &kind, buf, sizeof buf, NULL), JWTGUARD_OK);
    CHECK(kind == JWTGUARD_TOKEN_SOURCE_HEADER);
    CHECK_STR(buf, "Authorization");
    CHECK(jwtguard_apim_policy_openid_config_count(azure) == 1);
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(azure, 0, buf, sizeof buf, NULL), JWTGUARD_OK);
    CHECK_STR(buf, CN_DISCOVERY);
    /* the policies beside it (<base />) are noted */
    CHECK(jwtguard_apim_policy_note_count(azure) >= 1);

    /* the client application check is in the core policy: verification applies it */
    {
        const jwtguard_keyset *entra = tu_load_keys(ENTRA_JWKS);
        CHECK_RESULT(verify_file(azure, "tokens/apim.azp_listed.txt", entra, detail, sizeof detail),
                     JWTGUARD_OK);
        CHECK_STR(detail, "");
        /* a v1.0 token: appid, read because there is no azp */
        CHECK_RESULT(verify_file(azure, "tokens/apim.appid_listed.txt", entra, detail, sizeof detail),
                     JWTGUARD_OK);
        CHECK_RESULT(verify_file(azure, "tokens/apim.azp_not_listed.txt", entra, detail, sizeof detail),
                     JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
        CHECK_PREFIX(detail, "TokenClaimValueNotAllowed: ");
        CHECK_CONTAINS(detail, "azp");
        /* azp decides when present: appid is not read instead */
        CHECK_RESULT(verify_file(azure, "tokens/apim.azp_wins_over_appid.txt", entra, NULL, 0),
                     JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
        CHECK_RESULT(verify_file(azure, "tokens/apim.no_client_claim.txt", entra, detail, sizeof detail),
                     JWTGUARD_TOKEN_CLAIM_NOT_FOUND);
        CHECK_PREFIX(detail, "TokenClaimNotFound: ");
        CHECK_CONTAINS(detail, "azp");
        /* a present azp that is not a listed string is never replaced by appid */
        CHECK_RESULT(verify_file(azure, "tokens/apim.azp_not_a_string.txt", entra, NULL, 0),
                     JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
        /* through a verifier's cache: a refused token is never stored, a listed one is */
        {
            jwtguard_verifier *v = cached_verifier(azure, entra);
            int round;
            for (round = 0; round < 2; round++) {
                bool hit = round == 0;
                CHECK_RESULT(verify_cached_file(v, "tokens/apim.azp_listed.txt", &hit), JWTGUARD_OK);
                CHECK(hit == (round == 1));
                hit = true;
                CHECK_RESULT(verify_cached_file(v, "tokens/apim.azp_not_listed.txt", &hit),
                             JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
                CHECK(!hit);
            }
            jwtguard_verifier_free(v);
        }
        jwtguard_keyset_free(entra);
    }
    /* the China policy has no client check: the fixture token (no azp, no appid) passes */
    CHECK_RESULT(tu_verify((const uint8_t *)bytes, len, keys, china_policy, NOW, &token, NULL, 0),
                 JWTGUARD_OK);
    /* and the backend application id is not the fixtures' audience */
    CHECK_RESULT(verify_apim(azure, "req_scp_any_one_present_valid", keys, NULL, 0),
                 JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED);

    jwtguard_token_free(token);
    free(bytes);
    jwtguard_policy_free(china_policy);
    jwtguard_keyset_free(keys);
    jwtguard_apim_policy_free(china);
    jwtguard_apim_policy_free(azure);
}

/* The policy of the Azure article, exactly as printed there (placeholders filled): no
 * <audiences>, no <issuers>; the audience restricted by a required aud claim and the
 * issuer derived from the discovery URL. It translates without any waiver and decides. */
static void test_article_policy(void) {
    static const char ARTICLE[] =
        "<validate-jwt header-name=\"Authorization\" failed-validation-httpcode=\"401\" "
        "failed-validation-error-message=\"Unauthorized. Access token is missing or invalid.\">\n"
        "    <openid-config url=\"https://login.partner.microsoftonline.cn/" TENANT
        "/v2.0/.well-known/openid-configuration\" />\n"
        "    <required-claims>\n"
        "        <claim name=\"aud\">\n"
        "            <value>" BACKEND_APP "</value>\n"
        "        </claim>\n"
        "    </required-claims>\n"
        "</validate-jwt>\n";
    jwtguard_apim_policy *apim = load(ARTICLE);
    const jwtguard_keyset *entra = tu_load_keys(ENTRA_JWKS);
    char buf[512], detail[256];
    bool is_set = false;

    CHECK(jwtguard_apim_policy_failed_status(apim) == 401);
    CHECK_RESULT(jwtguard_apim_policy_failed_message(apim, &is_set, buf, sizeof buf, NULL), JWTGUARD_OK);
    CHECK(is_set);
    CHECK_STR(buf, MESSAGE);
    CHECK(jwtguard_apim_policy_derived_issuer_count(apim) == 1);
    CHECK_RESULT(jwtguard_apim_policy_derived_issuer(apim, 0, false, buf, sizeof buf, NULL), JWTGUARD_OK);
    CHECK_STR(buf, CN_ISSUER);
    CHECK_RESULT(verify_file(apim, "tokens/apim.azp_listed.txt", entra, detail, sizeof detail), JWTGUARD_OK);
    CHECK_STR(detail, "");
    CHECK_RESULT(verify_file(apim, "tokens/apim.other_audience.txt", entra, detail, sizeof detail),
                 JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED);
    CHECK_PREFIX(detail, "TokenAudienceNotAllowed: ");
    jwtguard_keyset_free(entra);
    jwtguard_apim_policy_free(apim);
}

/* Multi-tenant Microsoft Entra (tenant-id="organizations"): refused without allowed
 * tenants, translated with them or with the waiver (test_verifier.c verifies tenants). */
static void test_multi_tenant(void) {
    static const char ORGANIZATIONS[] =
        "<validate-azure-ad-token tenant-id=\"organizations\">"
        "<client-application-ids><application-id>" CLIENT_APP "</application-id></client-application-ids>"
        "<backend-application-ids><application-id>" BACKEND_APP "</application-id>"
        "</backend-application-ids></validate-azure-ad-token>";
    const jwtguard_slice tenants[1] = {{TENANT, sizeof TENANT - 1}};
    const uint8_t *xml = (const uint8_t *)ORGANIZATIONS;
    size_t xml_len = strlen(ORGANIZATIONS);
    jwtguard_apim_policy *apim = SENTINEL;
    char detail[512];

    CHECK_RESULT(jwtguard_apim_policy_from_xml(xml, xml_len, &apim, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK(apim == NULL);
    CHECK_PREFIX(detail, "PolicyInvalid: MissingAllowedTenants at ");

    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options(xml, xml_len, 0, NULL, NULL, 0, tenants, 1, &apim,
                                                            detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK(apim != NULL);
    jwtguard_apim_policy_free(apim);

    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options(xml, xml_len, JWTGUARD_APIM_ALLOW_ANY_TENANT, NULL,
                                                            NULL, 0, NULL, 0, &apim, detail, sizeof detail),
                 JWTGUARD_OK);
    jwtguard_apim_policy_free(apim);

    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options(xml, xml_len, 0, NULL, NULL, 0, NULL, 1, &apim,
                                                            detail, sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_PREFIX(detail, "NullParameter: `allowed_tenants`");
}

/* Each refusal is PolicyInvalid, names its kind and where it is, and leaves *out NULL. */
static void refused(const char *xml, const char *kind, const char *where, int line) {
    jwtguard_apim_policy *apim = SENTINEL;
    char detail[512];
    char want[128];
    jwtguard_result r = from_xml(xml, &apim, detail, sizeof detail);
    if (r != JWTGUARD_POLICY_INVALID)
        tu_fail(__FILE__, line, "returned %s, expected PolicyInvalid (%s)", jwtguard_result_name(r),
                detail);
    CHECK(apim == NULL);
    snprintf(want, sizeof want, "PolicyInvalid: %s at ", kind);
    if (strncmp(detail, want, strlen(want)) != 0 || !contains(detail, where))
        tu_fail(__FILE__, line, "detail \"%s\" should start with \"%s\" and name \"%s\"", detail, want,
                where);
}

#define REFUSED(xml, kind, where) refused((xml), (kind), (where), __LINE__)

#define BODY "<audiences><audience>" AUD "</audience></audiences><openid-config url=\"" CN_DISCOVERY "\" />"

/* <decryption-keys>: the symmetric keys as an `oct` JWK set that loads as decryption keys. */
static void test_decryption_keys(void) {
    jwtguard_apim_policy *apim = NULL;
    const jwtguard_decryption_keys *keys = NULL;
    char buf[512], detail[512];
    size_t len = 0;

    CHECK_RESULT(from_xml("<validate-jwt header-name=\"Authorization\">" BODY
                          "<decryption-keys><key id=\"enc\">MDEyMzQ1Njc4OWFiY2RlZg==</key>"
                          "</decryption-keys></validate-jwt>",
                          &apim, detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK_RESULT(jwtguard_apim_policy_decryption_jwks(apim, buf, sizeof buf, &len), JWTGUARD_OK);
    CHECK(len == strlen(buf) && strstr(buf, "\"kty\":\"oct\",\"use\":\"enc\",\"kid\":\"enc\"") != NULL);
    CHECK_RESULT(jwtguard_decryption_keys_new((const uint8_t *)buf, len, &keys, detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK(jwtguard_decryption_keys_len(keys) == 1);
    CHECK_RESULT(jwtguard_apim_policy_decryption_jwks(NULL, buf, sizeof buf, &len), JWTGUARD_NULL_PARAMETER);
    jwtguard_decryption_keys_free(keys);
    jwtguard_apim_policy_free(apim);
}

static void test_refusals(void) {
    jwtguard_apim_policy *apim = NULL;
    char detail[512];

    REFUSED("<validate-jwt header-name=\"Authorization\" require-signed-tokens=\"false\">" BODY
            "</validate-jwt>",
            "UnsignedTokensRefused", "@require-signed-tokens");
    REFUSED("<validate-jwt header-name=\"Authorization\">" BODY
            "<decryption-keys><key>c2VjcmV0LXNlY3JldC1zZWNyZXQ=</key></decryption-keys></validate-jwt>",
            "InvalidKey", "key");
    REFUSED("<validate-jwt header-name=\"Authorization\"><audiences>"
            "<audience>@(context.Variables.GetValueOrDefault(\"aud\", \"\"))</audience></audiences>"
            "<openid-config url=\"" CN_DISCOVERY "\" /></validate-jwt>",
            "PolicyExpression", "audience");
    REFUSED("<validate-jwt header-name=\"Authorization\">" BODY "<frobnicate /></validate-jwt>",
            "UnknownElement", "frobnicate");
    REFUSED("<validate-jwt header-name=\"Authorization\" frobnicate=\"1\">" BODY "</validate-jwt>",
            "UnknownAttribute", "@frobnicate");
    REFUSED("<validate-jwt header-name=\"Authorization\"><audiences><audience>" AUD
            "</audience></audiences></validate-jwt>",
            "MissingKeySource", "validate-jwt");
    REFUSED("<validate-jwt header-name=\"Authorization\"><openid-config url=\"" CN_DISCOVERY
            "\" /></validate-jwt>",
            "MissingAudience", "validate-jwt");
    REFUSED("<validate-jwt token-value=\"@(context.Request.Body.As&lt;string&gt;())\">" BODY
            "</validate-jwt>",
            "UnsupportedTokenValue", "@token-value");
    REFUSED("<validate-jwt header-name=\"Authorization\"><audiences><audience>{{backend}}"
            "</audience></audiences><openid-config url=\"" CN_DISCOVERY "\" /></validate-jwt>",
            "UnresolvedNamedValue", "audience");
    REFUSED("<validate-jwt", "XmlMalformed", "");
    REFUSED("<set-header name=\"a\" />", "NoValidationPolicy", "");

    /* a refusal's detail never holds the key: an inline symmetric key next to an error */
    CHECK_RESULT(from_xml("<validate-jwt header-name=\"Authorization\" clock-skew=\"-5\">"
                          "<issuer-signing-keys><key>c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0</key>"
                          "</issuer-signing-keys>" BODY "</validate-jwt>",
                          &apim, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK_PREFIX(detail, "PolicyInvalid: InvalidNumber at ");
    CHECK_CONTAINS(detail, "@clock-skew");
    CHECK(!contains(detail, "c2VjcmV0"));

    /* an inline key the core would not load (16 bytes: HS256 needs 32) is a refusal of
     * the document, at the key, not a key set failure later */
    CHECK_RESULT(from_xml("<validate-jwt header-name=\"Authorization\">"
                          "<issuer-signing-keys><key>c2VjcmV0LXNlY3JldC1zZWNyZQ==</key>"
                          "</issuer-signing-keys>" BODY "</validate-jwt>",
                          &apim, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK(apim == NULL);
    CHECK_PREFIX(detail, "PolicyInvalid: InvalidKey at <validate-jwt/issuer-signing-keys/key> (line 1");
    CHECK_CONTAINS(detail, "KeyTooSmall");
    CHECK(!contains(detail, "c2VjcmV0"));

    /* detail truncated to its capacity, NUL-terminated */
    {
        char small[16];
        memset(small, 'x', sizeof small);
        CHECK_RESULT(from_xml("<validate-jwt", &apim, small, sizeof small), JWTGUARD_POLICY_INVALID);
        CHECK(strlen(small) == sizeof small - 1);
        CHECK_PREFIX(small, "PolicyInvalid: ");
    }
}

static void test_options(void) {
    static const char UNKNOWN[] =
        "<validate-jwt header-name=\"Authorization\" frobnicate=\"1\">" BODY "</validate-jwt>";
    static const char NAMED[] = "<validate-jwt header-name=\"Authorization\"><audiences><audience>"
                                "{{backend}}</audience></audiences><openid-config url=\"" CN_DISCOVERY
                                "\" /></validate-jwt>";
    static const char NO_AUDIENCE[] =
        "<validate-jwt header-name=\"Authorization\"><openid-config url=\"" CN_DISCOVERY
        "\" /></validate-jwt>";
    jwtguard_slice names[1] = {{"backend", 7}};
    jwtguard_slice values[1] = {{BACKEND_APP, sizeof BACKEND_APP - 1}};
    jwtguard_slice bad_utf8[1] = {{"\xff", 1}};
    jwtguard_apim_policy *apim = SENTINEL;
    char detail[512];
    char buf[512];
    size_t i, n;
    int noted = 0;

    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options(
                     (const uint8_t *)UNKNOWN, strlen(UNKNOWN), JWTGUARD_APIM_ALLOW_UNKNOWN, NULL,
                     NULL, 0, NULL, 0, &apim, detail, sizeof detail),
                 JWTGUARD_OK);
    n = jwtguard_apim_policy_note_count(apim);
    for (i = 0; i < n; i++) {
        CHECK_RESULT(jwtguard_apim_policy_note(apim, i, buf, sizeof buf, NULL), JWTGUARD_OK);
        if (contains(buf, "frobnicate")) noted = 1;
    }
    CHECK(noted);
    jwtguard_apim_policy_free(apim);

    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options((const uint8_t *)NAMED, strlen(NAMED), 0,
                                                            names, values, 1, NULL, 0, &apim, detail,
                                                            sizeof detail),
                 JWTGUARD_OK);
    jwtguard_apim_policy_free(apim);
    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options((const uint8_t *)NAMED, strlen(NAMED), 0,
                                                            names, bad_utf8, 1, NULL, 0, &apim, detail,
                                                            sizeof detail),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK(apim == NULL);
    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options((const uint8_t *)NAMED, strlen(NAMED), 0,
                                                            NULL, values, 1, NULL, 0, &apim, detail,
                                                            sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_PREFIX(detail, "NullParameter: `named_value_names`");

    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options(
                     (const uint8_t *)NO_AUDIENCE, strlen(NO_AUDIENCE), JWTGUARD_APIM_ALLOW_ANY_AUDIENCE,
                     NULL, NULL, 0, NULL, 0, &apim, detail, sizeof detail),
                 JWTGUARD_OK);
    jwtguard_apim_policy_free(apim);
    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options((const uint8_t *)NO_AUDIENCE,
                                                            strlen(NO_AUDIENCE), 16, NULL, NULL, 0,
                                                            NULL, 0, &apim, detail, sizeof detail),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_PREFIX(detail, "InvalidParameter: `flags`");
}

/* A named value's value (often a secret) never shows in a refusal or a note, whole or in
 * part: the text quotes the `{{name}}` reference as written. The values are longer than
 * any quote, with the marker first. */
static void test_named_values_never_shown(void) {
    static const char SKEW[] = "<validate-jwt header-name=\"Authorization\" clock-skew=\"{{skew}}\">" BODY
                               "</validate-jwt>";
    static const char OIDC[] = "<validate-jwt header-name=\"Authorization\"><openid-config url=\"{{oidc}}\" />"
                               "<audiences><audience>" AUD "</audience></audiences></validate-jwt>";
    char skew[256], url[320], detail[1024], buf[1024];
    jwtguard_slice names[1], values[1];
    jwtguard_apim_policy *apim = SENTINEL;
    size_t i, n;
    int quoted = 0;

    memset(skew, 'x', sizeof skew - 1);
    skew[sizeof skew - 1] = '\0';
    memcpy(skew, "S3CR3T-MARKER", 13);
    names[0].data = "skew";
    names[0].len = 4;
    values[0].data = skew;
    values[0].len = strlen(skew);
    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options((const uint8_t *)SKEW, strlen(SKEW), 0, names,
                                                            values, 1, NULL, 0, &apim, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK(apim == NULL);
    CHECK_PREFIX(detail, "PolicyInvalid: InvalidNumber at ");
    CHECK_CONTAINS(detail, "`{{skew}}`");
    CHECK(!contains(detail, "S3CR3T") && !contains(detail, "xxxx"));

    snprintf(url, sizeof url, "https://idp.example/S3CR3T-MARKER%.200s/.well-known/openid-configuration", skew);
    names[0].data = "oidc";
    values[0].data = url;
    values[0].len = strlen(url);
    CHECK_RESULT(jwtguard_apim_policy_from_xml_with_options((const uint8_t *)OIDC, strlen(OIDC), 0, names,
                                                            values, 1, NULL, 0, &apim, detail, sizeof detail),
                 JWTGUARD_OK);
    n = jwtguard_apim_policy_note_count(apim);
    CHECK(n > 0);
    for (i = 0; i < n; i++) {
        CHECK_RESULT(jwtguard_apim_policy_note(apim, i, buf, sizeof buf, NULL), JWTGUARD_OK);
        CHECK(!contains(buf, "S3CR3T"));
        if (contains(buf, "`{{oidc}}`")) quoted = 1;
    }
    CHECK(quoted);
    /* the URL itself is the policy's data, not a message */
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(apim, 0, buf, sizeof buf, NULL), JWTGUARD_OK);
    CHECK_STR(buf, url);
    jwtguard_apim_policy_free(apim);
}

/* The token sources of the mapped token-value forms and query-parameter-name. */
static void test_token_sources(void) {
    static const struct {
        const char *attrs;
        jwtguard_token_source kind;
        const char *name;
    } cases[] = {
        {"query-parameter-name=\"access_token\"", JWTGUARD_TOKEN_SOURCE_QUERY, "access_token"},
        {"header-name=\"X-Token\"", JWTGUARD_TOKEN_SOURCE_HEADER, "X-Token"},
        {"token-value=\"@(context.Request.Headers.GetValueOrDefault(&quot;Authorization&quot;,&quot;&quot;)"
         ".Split(' ').Last())\"",
         JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD, "Authorization"},
        {"token-value=\"@(context.Request.Headers.GetValueOrDefault(&quot;Cookie&quot;,&quot;&quot;)"
         ".Split(';').Select(c =&gt; c.Trim()).FirstOrDefault(c =&gt; c.StartsWith(&quot;jwt=&quot;))"
         "?.Substring(4))\"",
         JWTGUARD_TOKEN_SOURCE_COOKIE, "jwt"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char xml[2048], buf[64];
        jwtguard_token_source kind = 0;
        jwtguard_apim_policy *apim;
        snprintf(xml, sizeof xml, "<validate-jwt %s>" BODY "</validate-jwt>", cases[i].attrs);
        apim = load(xml);
        CHECK_RESULT(jwtguard_apim_policy_token_source(apim, &kind, buf, sizeof buf, NULL), JWTGUARD_OK);
        CHECK(kind == cases[i].kind);
        CHECK_STR(buf, cases[i].name);
        jwtguard_apim_policy_free(apim);
    }
    /* require-scheme with the Authorization header */
    {
        jwtguard_apim_policy *apim =
            load("<validate-jwt header-name=\"Authorization\" require-scheme=\"Bearer\">" BODY
                 "</validate-jwt>");
        char buf[64];
        size_t len = 0;
        CHECK_RESULT(jwtguard_apim_policy_require_scheme(apim, buf, sizeof buf, &len), JWTGUARD_OK);
        CHECK_STR(buf, "Bearer");
        CHECK(len == 6);
        jwtguard_apim_policy_free(apim);
    }
}

/* xorshift64* */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rng(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

static void test_null_and_garbage(void) {
    jwtguard_apim_policy *apim = SENTINEL;
    jwtguard_apim_policy *china = load(CHINA);
    jwtguard_token_source kind = 7;
    const jwtguard_keyset *keys = tu_load_keys(MAIN_JWKS);
    char buf[64], detail[256];
    size_t len = 99;
    bool is_set = true;
    int i;

    CHECK_RESULT(jwtguard_apim_policy_from_xml(NULL, 5, &apim, detail, sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    CHECK(apim == NULL);
    CHECK_PREFIX(detail, "NullParameter: `xml`");
    CHECK_RESULT(jwtguard_apim_policy_from_xml((const uint8_t *)CHINA, strlen(CHINA), NULL, detail,
                                               sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    /* NULL with length 0 is the empty document */
    CHECK_RESULT(jwtguard_apim_policy_from_xml(NULL, 0, &apim, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK_PREFIX(detail, "PolicyInvalid: XmlMalformed");
    /* over 1 MiB: refused on the length alone (valgrind sees no read past `buf`) */
    CHECK_RESULT(jwtguard_apim_policy_from_xml((const uint8_t *)buf, (size_t)2 << 20, &apim, detail,
                                               sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK_PREFIX(detail, "PolicyInvalid: InputTooLarge");
    CHECK_RESULT(jwtguard_apim_policy_from_xml((const uint8_t *)"\xff\xfe<", 3, &apim, NULL, 0),
                 JWTGUARD_POLICY_INVALID);

    /* NULL handles */
    CHECK(jwtguard_apim_policy_kind(NULL) == 0);
    CHECK(jwtguard_apim_policy_policy(NULL) == NULL);
    CHECK(jwtguard_apim_policy_failed_status(NULL) == 0);
    CHECK(jwtguard_apim_policy_openid_config_count(NULL) == 0);
    CHECK(jwtguard_apim_policy_note_count(NULL) == 0);
    CHECK(jwtguard_apim_policy_derived_issuer_count(NULL) == 0);
    CHECK_RESULT(jwtguard_apim_policy_derived_issuer(NULL, 0, false, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_token_source(NULL, &kind, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK(kind == 0 && len == 0);
    CHECK_RESULT(jwtguard_apim_policy_token_source(china, NULL, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_token_source(china, &kind, NULL, 10, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_require_scheme(NULL, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_failed_message(NULL, &is_set, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK(!is_set);
    CHECK_RESULT(jwtguard_apim_policy_failed_message(china, NULL, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(NULL, 0, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_inline_jwks(NULL, JWTGUARD_APIM_KEYS_ASYMMETRIC, buf, sizeof buf,
                                                  &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_apim_policy_note(NULL, 0, buf, sizeof buf, &len), JWTGUARD_NULL_PARAMETER);
    jwtguard_apim_policy_free(NULL);

    /* buffer convention: size query, too small, exact */
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(china, 0, NULL, 0, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == strlen(CN_DISCOVERY));
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(china, 0, buf, sizeof buf, &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK_RESULT(jwtguard_apim_policy_failed_message(china, &is_set, buf, 4, &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(is_set && len == strlen(MESSAGE));
    CHECK_RESULT(jwtguard_apim_policy_token_source(china, &kind, buf, 3, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(kind == JWTGUARD_TOKEN_SOURCE_HEADER && len == strlen("Authorization"));
    CHECK_RESULT(jwtguard_apim_policy_openid_config_url(china, (size_t)-1, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);

    /* random bytes: always PolicyInvalid */
    for (i = 0; i < 300; i++) {
        uint8_t junk[200];
        size_t n = (size_t)(rng() % sizeof junk), j;
        jwtguard_result r;
        for (j = 0; j < n; j++) junk[j] = (uint8_t)rng();
        r = jwtguard_apim_policy_from_xml(junk, n, &apim, detail, sizeof detail);
        if (r != JWTGUARD_POLICY_INVALID) tu_fail(__FILE__, __LINE__, "junk: %s", jwtguard_result_name(r));
        CHECK(apim == NULL);
    }
    /* random edits of the China policy: OK or PolicyInvalid, never anything else */
    for (i = 0; i < 300; i++) {
        char xml[sizeof CHINA];
        int edits = 1 + (int)(rng() % 4), k;
        jwtguard_result r;
        memcpy(xml, CHINA, sizeof CHINA);
        for (k = 0; k < edits; k++) xml[rng() % (sizeof CHINA - 1)] = "<>\"=/ {}@(x&;"[rng() % 13];
        r = from_xml(xml, &apim, detail, sizeof detail);
        if (r != JWTGUARD_OK && r != JWTGUARD_POLICY_INVALID)
            tu_fail(__FILE__, __LINE__, "edit: %s", jwtguard_result_name(r));
        CHECK(r == JWTGUARD_OK ? apim != NULL : apim == NULL);
        jwtguard_apim_policy_free(apim);
    }

    jwtguard_keyset_free(keys);
    jwtguard_apim_policy_free(china);
}

int main(int argc, char **argv) {
    tu_init(argc, argv);
    test_china_accessors();
    test_china_rules();
    test_inline_keys();
    test_inline_symmetric_keys();
    test_azure_ad_token();
    test_article_policy();
    test_multi_tenant();
    test_refusals();
    test_decryption_keys();
    test_options();
    test_named_values_never_shown();
    test_token_sources();
    test_null_and_garbage();
    return tu_summary("test_apim");
}
