/* Exercises every function of jwtguard.h with valid and invalid input: key sets
 * (JWKS, single JWK, bad sets, options, rejected keys, clone/free), the policy builder
 * (every setter, every error, builder poisoning), verification by a verifier with one
 * key set (each failure family, NULLs, lengths, detail truncation), every
 * JWTGUARD_ALG_* flag (each algorithm verifies only when allowed), symmetric keys (only
 * with JWTGUARD_KEYSET_ALLOW_SYMMETRIC and an HS* policy), and every token accessor
 * (types, absent claims, buffer too small then retry). Fixtures come from
 * extract_fixtures.py.
 *
 * Usage: test_api DIR */
#include "testutil.h"

#define NOW 1700000000u
#define AUD "api://jwtguard-test"
#define ISS "https://issuer.example/tenant/v2.0"
#define MAIN_JWKS "jwks/claims.main.json"

/* A pointer value that is never a valid handle: used to see that outputs get reset. */
#define SENTINEL ((void *)&tu_passed)

/* The fixtures' default policy; `configure` may add to it. */
static const jwtguard_policy *make_policy(void (*configure)(jwtguard_policy_builder *)) {
    jwtguard_policy_builder *b = jwtguard_policy_builder_new();
    const jwtguard_policy *policy = NULL;
    char detail[256];
    CHECK(b != NULL);
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUD, strlen(AUD)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ISS, strlen(ISS)), JWTGUARD_OK);
    if (configure != NULL) configure(b);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), JWTGUARD_OK);
    CHECK_STR(detail, "");
    jwtguard_policy_builder_free(b);
    return policy;
}

/* Verifies fixture token `name` (claims.json) and returns the result. */
static jwtguard_result verify_case(const char *file, const char *name, const jwtguard_keyset *keys,
                                   const jwtguard_policy *policy, jwtguard_token **out,
                                   char *detail, size_t detail_cap) {
    char rel[512];
    size_t len = 0;
    char *token;
    jwtguard_result r;
    snprintf(rel, sizeof rel, "tokens/%s.%s.txt", file, name);
    token = tu_read(rel, &len);
    r = tu_verify((const uint8_t *)token, len, keys, policy, NOW, out, detail, detail_cap);
    free(token);
    return r;
}

static jwtguard_token *verified(const char *name, const jwtguard_keyset *keys,
                                const jwtguard_policy *policy) {
    jwtguard_token *token = NULL;
    char detail[256];
    jwtguard_result r = verify_case("claims", name, keys, policy, &token, detail, sizeof detail);
    if (r != JWTGUARD_OK) tu_fail(__FILE__, __LINE__, "%s did not verify: %s", name, detail);
    CHECK(token != NULL);
    return token;
}

/* ---------------------------------------------------------------------------------- */

static void test_version_and_results(void) {
    static const jwtguard_result all[] = {
        JWTGUARD_OK, JWTGUARD_TOKEN_NOT_PRESENT, JWTGUARD_TOKEN_TOO_LARGE, JWTGUARD_TOKEN_MALFORMED,
        JWTGUARD_TOKEN_HEADER_UNSUPPORTED, JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED,
        JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED, JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND,
        JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH, JWTGUARD_TOKEN_SIGNATURE_INVALID,
        JWTGUARD_TOKEN_CLAIM_MALFORMED, JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING,
        JWTGUARD_TOKEN_EXPIRED, JWTGUARD_TOKEN_NOT_YET_VALID, JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED,
        JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED, JWTGUARD_TOKEN_CLAIM_NOT_FOUND,
        JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED, JWTGUARD_KEY_SET_MALFORMED,
        JWTGUARD_KEY_SET_TOO_LARGE, JWTGUARD_KEY_SET_NO_USABLE_KEY, JWTGUARD_KEY_SET_DUPLICATE_KID,
        JWTGUARD_KEY_MALFORMED, JWTGUARD_KEY_UNSUPPORTED, JWTGUARD_KEY_TOO_SMALL,
        JWTGUARD_KEY_TOO_LARGE, JWTGUARD_KEY_EXPONENT_INVALID, JWTGUARD_KEY_INVALID,
        JWTGUARD_POLICY_INVALID, JWTGUARD_NULL_PARAMETER, JWTGUARD_INVALID_PARAMETER,
        JWTGUARD_BUFFER_TOO_SMALL, JWTGUARD_CLAIM_NOT_PRESENT, JWTGUARD_CLAIM_WRONG_TYPE,
        JWTGUARD_PANIC, JWTGUARD_CLAIM_UNSAFE};
    const char *version = jwtguard_version();
    char compiled[64];
    size_t i;

    CHECK(version != NULL && version[0] >= '0' && version[0] <= '9');
    CHECK(jwtguard_version() == version); /* static */
    /* the header and the library are of one release */
    snprintf(compiled, sizeof(compiled), "%d.%d.%d", JWTGUARD_VERSION_MAJOR,
             JWTGUARD_VERSION_MINOR, JWTGUARD_VERSION_PATCH);
    CHECK_STR(version, compiled);
    CHECK_STR(jwtguard_backend(), "aws-lc");

    CHECK_STR(jwtguard_result_name(JWTGUARD_OK), "Ok");
    CHECK_STR(jwtguard_result_name(JWTGUARD_TOKEN_EXPIRED), "TokenExpired");
    CHECK_STR(jwtguard_result_name(12), "TokenExpired");
    CHECK_STR(jwtguard_result_name(JWTGUARD_KEY_SET_DUPLICATE_KID), "KeySetDuplicateKid");
    CHECK_STR(jwtguard_result_name(JWTGUARD_POLICY_INVALID), "PolicyInvalid");
    CHECK_STR(jwtguard_result_name(JWTGUARD_NULL_PARAMETER), "NullParameter");
    CHECK_STR(jwtguard_result_name(JWTGUARD_BUFFER_TOO_SMALL), "BufferTooSmall");
    CHECK_STR(jwtguard_result_name(JWTGUARD_PANIC), "Panic");
    CHECK_STR(jwtguard_result_message(JWTGUARD_TOKEN_EXPIRED), "token has expired");
    CHECK_STR(jwtguard_result_message(JWTGUARD_OK), "success");
    CHECK(JWTGUARD_OK == 0 && JWTGUARD_TOKEN_EXPIRED == 12 && JWTGUARD_KEY_SET_MALFORMED == 100 &&
          JWTGUARD_POLICY_INVALID == 200 && JWTGUARD_NULL_PARAMETER == 1000);
    for (i = 0; i < sizeof all / sizeof all[0]; i++) {
        CHECK(strcmp(jwtguard_result_name(all[i]), "Unknown") != 0);
        CHECK(strcmp(jwtguard_result_message(all[i]), "unknown result code") != 0);
        CHECK(strlen(jwtguard_result_message(all[i])) > 0);
    }
    CHECK_STR(jwtguard_result_name(18), "TokenTypeNotAllowed");
    CHECK_STR(jwtguard_result_name(19), "TokenDecryptionFailed");
    CHECK_STR(jwtguard_result_name(20), "Unknown");
    CHECK_STR(jwtguard_result_name(999), "Unknown");
    CHECK_STR(jwtguard_result_name(JWTGUARD_CLAIM_UNSAFE), "ClaimUnsafe");
    CHECK(JWTGUARD_CLAIM_UNSAFE == 1006);
    CHECK_STR(jwtguard_result_name(1007), "Unknown");
    CHECK_STR(jwtguard_result_name(UINT32_MAX), "Unknown");
    CHECK_STR(jwtguard_result_message(UINT32_MAX), "unknown result code");
}

/* ---------------------------------------------------------------------------------- */

static void test_keysets(void) {
    size_t len = 0, kid_len = 99;
    char *main_jwks = tu_read(MAIN_JWKS, &len);
    const jwtguard_keyset *keys = SENTINEL, *clone;
    char detail[256], kid[64];
    jwtguard_result reason = JWTGUARD_PANIC;

    /* A JWKS with an RSA 2048, an RSA 4096 and a P-256 key. */
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)main_jwks, len, &keys), JWTGUARD_OK);
    CHECK(keys != NULL && keys != SENTINEL);
    CHECK(jwtguard_keyset_len(keys) == 3);
    CHECK(jwtguard_keyset_rejected_len(keys) == 0);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, kid, sizeof kid, &kid_len),
                 JWTGUARD_INVALID_PARAMETER);

    /* Reference counting: clone returns the same handle; each reference is freed once. */
    clone = jwtguard_keyset_clone(keys);
    CHECK(clone == keys);
    jwtguard_keyset_free(keys);
    CHECK(jwtguard_keyset_len(clone) == 3); /* still alive through the clone */
    jwtguard_keyset_free(clone);
    CHECK(jwtguard_keyset_clone(NULL) == NULL);
    jwtguard_keyset_free(NULL);
    CHECK(jwtguard_keyset_len(NULL) == 0);
    CHECK(jwtguard_keyset_rejected_len(NULL) == 0);

    /* A single JWK (not a set). */
    keys = tu_load_keys("single_jwk_ec.json");
    CHECK(jwtguard_keyset_len(keys) == 1);
    jwtguard_keyset_free(keys);
    keys = tu_load_keys("single_jwk_rsa.json");
    CHECK(jwtguard_keyset_len(keys) == 1);
    jwtguard_keyset_free(keys);

    /* NULLs and bad documents: *out is reset to NULL. */
    keys = SENTINEL;
    CHECK_RESULT(jwtguard_keyset_new(NULL, 10, &keys), JWTGUARD_NULL_PARAMETER);
    CHECK(keys == NULL);
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)main_jwks, len, NULL), JWTGUARD_NULL_PARAMETER);
    keys = SENTINEL;
    CHECK_RESULT(jwtguard_keyset_new(NULL, 0, &keys), JWTGUARD_KEY_SET_MALFORMED);
    CHECK(keys == NULL);
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)"not json", 8, &keys), JWTGUARD_KEY_SET_MALFORMED);
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)"{}", 2, &keys), JWTGUARD_KEY_SET_MALFORMED);
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)"{\"keys\":[]}", 11, &keys),
                 JWTGUARD_KEY_SET_NO_USABLE_KEY);
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)"{\"keys\":\"\xff\"}", 12, &keys),
                 JWTGUARD_KEY_SET_MALFORMED);
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)main_jwks, len - 1, &keys),
                 JWTGUARD_KEY_SET_MALFORMED); /* truncated */
    CHECK(keys == NULL);

    /* Options and detail. */
    CHECK_RESULT(jwtguard_keyset_new_with_options((const uint8_t *)main_jwks, len, 0, 100, &keys,
                                                  detail, sizeof detail),
                 JWTGUARD_KEY_SET_TOO_LARGE);
    CHECK_STR(detail, "KeySetTooLarge: key set document exceeds the size limit");
    /* A length over the limit is rejected without reading a byte (valgrind checks). */
    CHECK_RESULT(jwtguard_keyset_new_with_options((const uint8_t *)"{}", (size_t)1 << 40, 0, 0,
                                                  &keys, detail, sizeof detail),
                 JWTGUARD_KEY_SET_TOO_LARGE);
    CHECK_RESULT(jwtguard_keyset_new_with_options((const uint8_t *)"{]", 2, 0, 0, &keys, detail,
                                                  sizeof detail),
                 JWTGUARD_KEY_SET_MALFORMED);
    CHECK_PREFIX(detail, "KeySetMalformed: ");
    CHECK_RESULT(jwtguard_keyset_new_with_options(NULL, 1, 0, 0, &keys, detail, sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_STR(detail, "NullParameter: `jwks` is NULL");
    CHECK_RESULT(jwtguard_keyset_new_with_options(NULL, 0, 0, 0, NULL, detail, sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_STR(detail, "NullParameter: `out` is NULL");
    /* Truncated detail: cap 5 -> 4 bytes and a NUL; cap 0 -> untouched. */
    memset(detail, 'Z', sizeof detail);
    CHECK_RESULT(jwtguard_keyset_new_with_options((const uint8_t *)"{]", 2, 0, 0, &keys, detail, 5),
                 JWTGUARD_KEY_SET_MALFORMED);
    CHECK_STR(detail, "KeyS");
    CHECK(detail[5] == 'Z');
    memset(detail, 'Z', sizeof detail);
    CHECK_RESULT(jwtguard_keyset_new_with_options((const uint8_t *)"{]", 2, 0, 0, &keys, detail, 0),
                 JWTGUARD_KEY_SET_MALFORMED);
    CHECK(detail[0] == 'Z');
    free(main_jwks);

    /* allow_small_rsa_exponent admits e = 3. */
    main_jwks = tu_read("jwks/attacks.exponent_3.json", &len);
    CHECK_RESULT(jwtguard_keyset_new_with_options((const uint8_t *)main_jwks, len, 0, 0, &keys,
                                                  detail, sizeof detail),
                 JWTGUARD_KEY_EXPONENT_INVALID);
    CHECK_PREFIX(detail, "KeyExponentInvalid: ");
    CHECK_RESULT(jwtguard_keyset_new_with_options((const uint8_t *)main_jwks, len,
                                                  JWTGUARD_KEYSET_ALLOW_SMALL_RSA_EXPONENT, 0, &keys,
                                                  detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK_STR(detail, "");
    CHECK(jwtguard_keyset_len(keys) == 1);
    jwtguard_keyset_free(keys);
    free(main_jwks);

    /* Rejected keys are listed for logs. */
    keys = tu_load_keys("jwks/attacks.mixed_weak.json");
    CHECK(jwtguard_keyset_len(keys) == 1);
    CHECK(jwtguard_keyset_rejected_len(keys) == 1);
    memset(kid, 'Z', sizeof kid);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, kid, sizeof kid, &kid_len), JWTGUARD_OK);
    CHECK(reason == JWTGUARD_KEY_TOO_SMALL);
    CHECK_STR(kid, "rsa-1024");
    CHECK(kid_len == 8);
    reason = JWTGUARD_PANIC;
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, NULL, 0, &kid_len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(kid_len == 8 && reason == JWTGUARD_KEY_TOO_SMALL);
    memset(kid, 'Z', sizeof kid);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, kid, 8, &kid_len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(kid[0] == 'Z' && kid_len == 8);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, kid, 9, NULL), JWTGUARD_OK);
    CHECK_STR(kid, "rsa-1024");
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 1, &reason, kid, sizeof kid, &kid_len),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK(kid_len == 0);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, (size_t)-1, &reason, kid, sizeof kid, &kid_len),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_keyset_rejected(NULL, 0, &reason, kid, sizeof kid, &kid_len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, NULL, kid, sizeof kid, &kid_len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, NULL, 5, &kid_len),
                 JWTGUARD_NULL_PARAMETER);
    jwtguard_keyset_free(keys);
    keys = tu_load_keys("jwks/attacks.with_enc.json");
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, kid, sizeof kid, &kid_len), JWTGUARD_OK);
    CHECK(reason == JWTGUARD_KEY_UNSUPPORTED);
    CHECK_STR(kid, "rsa-enc");
    jwtguard_keyset_free(keys);
}

/* ---------------------------------------------------------------------------------- */

static void test_policy_builder(void) {
    jwtguard_policy_builder *b = jwtguard_policy_builder_new();
    const jwtguard_policy *policy = SENTINEL, *policy2 = NULL, *clone;
    const jwtguard_slice scopes[2] = {{"Files.Read", 10}, {"Mail.Send", 9}};
    const jwtguard_slice bad_utf8[1] = {{"\xc3\x28", 2}};
    const jwtguard_slice null_value[1] = {{NULL, 3}};
    char detail[256];
    int i;

    CHECK(b != NULL);
    /* Every setter rejects a NULL builder. */
    CHECK_RESULT(jwtguard_policy_builder_add_audience(NULL, AUD, strlen(AUD)), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_any_audience(NULL), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(NULL, ISS, strlen(ISS)), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_any_issuer(NULL), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_add_required_claim(NULL, "scp", 3, scopes, 2,
                                                           JWTGUARD_MATCH_ANY, " ", 1),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_set_clock_skew(NULL, 60), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_set_require_expiration_time(NULL, false),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_set_algorithms(NULL, JWTGUARD_ALG_RS256),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_set_max_token_len(NULL, 100), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_set_kid_miss_fallback(NULL, true), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_set_check_key_issuer(NULL, false), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_build(NULL, &policy, detail, sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    CHECK(policy == NULL);
    CHECK_STR(detail, "NullParameter: `builder` is NULL");
    CHECK_RESULT(jwtguard_policy_builder_build(b, NULL, detail, sizeof detail), JWTGUARD_NULL_PARAMETER);
    jwtguard_policy_builder_free(NULL);

    /* No audience, then no issuer: POLICY_INVALID naming the problem. */
    policy = SENTINEL;
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), JWTGUARD_POLICY_INVALID);
    CHECK(policy == NULL);
    CHECK_STR(detail, "PolicyInvalid: no audience configured (name one, or waive the check with any_audience)");
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUD, strlen(AUD)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, NULL, 0), JWTGUARD_POLICY_INVALID);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), JWTGUARD_POLICY_INVALID);
    CHECK_STR(detail, "PolicyInvalid: no issuer configured (name one, or waive the check with any_issuer)");
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ISS, strlen(ISS)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, "scp", 3, scopes, 2, JWTGUARD_MATCH_ANY, " ", 1),
                 JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, "oid", 3, NULL, 0, JWTGUARD_MATCH_ALL, NULL, 0),
                 JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_clock_skew(b, 60), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_require_expiration_time(b, true), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_algorithms(b, JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256),
                 JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_max_token_len(b, 8192), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_kid_miss_fallback(b, false), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_check_key_issuer(b, true), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), JWTGUARD_OK);
    CHECK(policy != NULL);
    CHECK_STR(detail, "");
    /* The builder is not consumed: build again. */
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy2, NULL, 0), JWTGUARD_OK);
    CHECK(policy2 != NULL && policy2 != policy);
    clone = jwtguard_policy_clone(policy);
    CHECK(clone == policy);
    jwtguard_policy_free(policy);
    jwtguard_policy_free(clone);
    jwtguard_policy_free(policy2);
    CHECK(jwtguard_policy_clone(NULL) == NULL);
    jwtguard_policy_free(NULL);

    /* Invalid arguments are refused, and poison the builder (fail closed). */
    CHECK_RESULT(jwtguard_policy_builder_set_algorithms(b, 1u << 14), JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), JWTGUARD_INVALID_PARAMETER);
    CHECK(policy == NULL);
    CHECK_STR(detail, "InvalidParameter: `algorithms` has bits that are not JWTGUARD_ALG_* flags");
    jwtguard_policy_builder_free(b);

    b = jwtguard_policy_builder_new();
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, "\xc3\x28", 2), JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUD, strlen(AUD)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ISS, strlen(ISS)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), JWTGUARD_INVALID_PARAMETER);
    CHECK_STR(detail, "InvalidParameter: `audience` is not valid UTF-8");
    jwtguard_policy_builder_free(b);

    b = jwtguard_policy_builder_new();
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, NULL, 4), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, "\xff", 1), JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), JWTGUARD_NULL_PARAMETER);
    CHECK_STR(detail, "NullParameter: `issuer` is NULL"); /* the first failure */
    jwtguard_policy_builder_free(b);

    /* Each bad required-claim argument. */
    {
        struct {
            jwtguard_result want;
            const char *name;
            size_t name_len;
            const jwtguard_slice *values;
            size_t n_values;
            jwtguard_match match;
            const char *separator;
            const char *detail;
        } bad[] = {
            {JWTGUARD_INVALID_PARAMETER, "scp", 3, scopes, 2, 2, " ",
             "InvalidParameter: `match_mode` is not JWTGUARD_MATCH_ALL or JWTGUARD_MATCH_ANY"},
            {JWTGUARD_INVALID_PARAMETER, "scp", 3, scopes, 2, JWTGUARD_MATCH_ALL, "\xed\xa0\x80",
             "InvalidParameter: `separator` is not valid UTF-8"},
            {JWTGUARD_INVALID_PARAMETER, "scp", 3, scopes, 2, JWTGUARD_MATCH_ALL, ",\xc3",
             "InvalidParameter: `separator` is not valid UTF-8"},
            {JWTGUARD_NULL_PARAMETER, "scp", 3, NULL, 2, JWTGUARD_MATCH_ALL, " ",
             "NullParameter: `values` is NULL"},
            {JWTGUARD_NULL_PARAMETER, NULL, 3, scopes, 2, JWTGUARD_MATCH_ALL, " ",
             "NullParameter: `name` is NULL"},
            {JWTGUARD_INVALID_PARAMETER, "\x80", 1, scopes, 2, JWTGUARD_MATCH_ALL, " ",
             "InvalidParameter: `name` is not valid UTF-8"},
            {JWTGUARD_INVALID_PARAMETER, "scp", 3, bad_utf8, 1, JWTGUARD_MATCH_ALL, " ",
             "InvalidParameter: `values[i].data` is not valid UTF-8"},
            {JWTGUARD_NULL_PARAMETER, "scp", 3, null_value, 1, JWTGUARD_MATCH_ALL, " ",
             "NullParameter: `values[i].data` is NULL"},
        };
        for (i = 0; i < (int)(sizeof bad / sizeof bad[0]); i++) {
            b = jwtguard_policy_builder_new();
            CHECK_RESULT(jwtguard_policy_builder_any_audience(b), JWTGUARD_OK);
            CHECK_RESULT(jwtguard_policy_builder_any_issuer(b), JWTGUARD_OK);
            CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, bad[i].name, bad[i].name_len,
                                                                   bad[i].values, bad[i].n_values,
                                                                   bad[i].match, bad[i].separator,
                                                                   strlen(bad[i].separator)),
                         bad[i].want);
            CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail), bad[i].want);
            CHECK_STR(detail, bad[i].detail);
            jwtguard_policy_builder_free(b);
        }
    }

    /* Problems the core finds at build time. */
    {
        struct {
            int what;
            const char *detail;
        } core[] = {
            {0, "PolicyInvalid: no algorithm allowed"},
            {1, "PolicyInvalid: maximum token length is zero"},
            {2, "PolicyInvalid: an audience is empty"},
            {3, "PolicyInvalid: a required claim value is empty"},
            {4, "PolicyInvalid: too many audiences or too much policy text"},
            {5, "PolicyInvalid: a required claim has an empty name"},
        };
        const jwtguard_slice empty_value[1] = {{NULL, 0}};
        for (i = 0; i < (int)(sizeof core / sizeof core[0]); i++) {
            int k;
            b = jwtguard_policy_builder_new();
            CHECK_RESULT(jwtguard_policy_builder_any_audience(b), JWTGUARD_OK);
            CHECK_RESULT(jwtguard_policy_builder_any_issuer(b), JWTGUARD_OK);
            switch (core[i].what) {
            case 0: CHECK_RESULT(jwtguard_policy_builder_set_algorithms(b, 0), JWTGUARD_OK); break;
            case 1: CHECK_RESULT(jwtguard_policy_builder_set_max_token_len(b, 0), JWTGUARD_OK); break;
            case 2: CHECK_RESULT(jwtguard_policy_builder_add_audience(b, NULL, 0), JWTGUARD_OK); break;
            case 3:
                CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, "scp", 3, empty_value, 1,
                                                                       JWTGUARD_MATCH_ALL, NULL, 0),
                             JWTGUARD_OK);
                break;
            case 4:
                for (k = 0; k < 33; k++)
                    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUD, strlen(AUD)), JWTGUARD_OK);
                break;
            default:
                CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, NULL, 0, NULL, 0,
                                                                       JWTGUARD_MATCH_ANY, NULL, 0),
                             JWTGUARD_OK);
            }
            policy = SENTINEL;
            CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail),
                         JWTGUARD_POLICY_INVALID);
            CHECK(policy == NULL);
            CHECK_STR(detail, core[i].detail);
            jwtguard_policy_builder_free(b);
        }
    }
}

/* ---------------------------------------------------------------------------------- */

static void es256_only(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_set_algorithms(b, JWTGUARD_ALG_ES256), JWTGUARD_OK);
}
static void skew_60(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_set_clock_skew(b, 60), JWTGUARD_OK);
}
static void exp_optional(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_set_require_expiration_time(b, false), JWTGUARD_OK);
}
static void kid_fallback(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_set_kid_miss_fallback(b, true), JWTGUARD_OK);
}
static void small_tokens(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_set_max_token_len(b, 100), JWTGUARD_OK);
}
static void scope_mail_send(jwtguard_policy_builder *b) {
    const jwtguard_slice v[1] = {{"Mail.Send", 9}};
    CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, "scp", 3, v, 1, JWTGUARD_MATCH_ANY, " ", 1),
                 JWTGUARD_OK);
}
static void scope_files_read(jwtguard_policy_builder *b) {
    const jwtguard_slice v[2] = {{"Files.Read", 10}, {"Files.Write", 11}};
    CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, "scp", 3, v, 2, JWTGUARD_MATCH_ALL, " ", 1),
                 JWTGUARD_OK);
}

static void test_verify(void) {
    const jwtguard_keyset *keys = tu_load_keys(MAIN_JWKS);
    const jwtguard_policy *policy = make_policy(NULL);
    jwtguard_token *token = SENTINEL;
    char detail[256];
    size_t i;
    struct {
        const char *file, *name;
        void (*configure)(jwtguard_policy_builder *);
        jwtguard_result want;
        const char *detail_prefix;
    } cases[] = {
        {"claims", "valid_rs256_rsa2048", NULL, JWTGUARD_OK, ""},
        {"claims", "valid_rs256_rsa4096", NULL, JWTGUARD_OK, ""},
        {"claims", "valid_es256_p256", NULL, JWTGUARD_OK, ""},
        {"claims", "exp_now_minus_1_expired", NULL, JWTGUARD_TOKEN_EXPIRED, "TokenExpired: "},
        {"claims", "exp_skew60_now_minus_59_valid", NULL, JWTGUARD_TOKEN_EXPIRED, "TokenExpired: "},
        {"claims", "exp_skew60_now_minus_59_valid", skew_60, JWTGUARD_OK, ""},
        {"claims", "nbf_now_plus_1_not_yet_valid", NULL, JWTGUARD_TOKEN_NOT_YET_VALID, "TokenNotYetValid: "},
        {"claims", "aud_mismatch", NULL, JWTGUARD_TOKEN_AUDIENCE_NOT_ALLOWED, "TokenAudienceNotAllowed: "},
        {"claims", "iss_mismatch", NULL, JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED, "TokenIssuerNotAllowed: "},
        {"claims", "bad_signature_and_expired", NULL, JWTGUARD_TOKEN_SIGNATURE_INVALID,
         "TokenSignatureInvalid: "},
        {"claims", "kid_not_in_set", NULL, JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND,
         "TokenSignatureKeyNotFound: "},
        {"claims", "kid_not_in_set_fallback_valid", kid_fallback, JWTGUARD_OK, ""},
        {"claims", "exp_missing_required", NULL, JWTGUARD_TOKEN_EXPIRATION_TIME_MISSING,
         "TokenExpirationTimeMissing: "},
        {"claims", "exp_missing_not_required_valid", exp_optional, JWTGUARD_OK, ""},
        {"claims", "exp_malformed_string", NULL, JWTGUARD_TOKEN_CLAIM_MALFORMED, "TokenClaimMalformed: "},
        {"claims", "alg_not_allowed_by_policy", es256_only, JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED,
         "TokenAlgorithmNotAllowed: "},
        {"claims", "alg_es256_only_policy_valid", es256_only, JWTGUARD_OK, ""},
        {"claims", "valid_rs256_rsa2048", small_tokens, JWTGUARD_TOKEN_TOO_LARGE, "TokenTooLarge: "},
        {"claims", "req_scp_any_none_present", scope_mail_send, JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED,
         "TokenClaimValueNotAllowed: "},
        {"claims", "req_scp_all_present_valid", scope_files_read, JWTGUARD_OK, ""},
        {"claims", "req_claim_absent", scope_mail_send, JWTGUARD_TOKEN_CLAIM_NOT_FOUND,
         "TokenClaimNotFound: "},
        {"attacks", "alg_none_with_kid", NULL, JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED,
         "TokenAlgorithmNotSupported: "},
        {"attacks", "hs256_with_rsa_public_key_pem_as_secret", NULL,
         JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED, "TokenAlgorithmNotAllowed: "},
        {"attacks", "alg_es512", NULL, JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED,
         "TokenAlgorithmNotAllowed: "},
        {"attacks", "es256_header_naming_rsa_key", NULL, JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH,
         "TokenAlgorithmKeyMismatch: "},
        {"attacks", "embedded_jwk_attacker_key", NULL, JWTGUARD_TOKEN_HEADER_UNSUPPORTED,
         "TokenHeaderUnsupported: "},
        {"attacks", "bearer_prefix", NULL, JWTGUARD_TOKEN_MALFORMED, "TokenMalformed: "},
        {"attacks", "header_escaped_duplicate_alg", NULL, JWTGUARD_TOKEN_MALFORMED, "TokenMalformed: "},
        {"attacks", "payload_nesting_depth_5000", NULL, JWTGUARD_TOKEN_MALFORMED, "TokenMalformed: "},
        {"attacks", "token_16385_bytes", NULL, JWTGUARD_TOKEN_TOO_LARGE, "TokenTooLarge: "},
        {"attacks", "empty_token", NULL, JWTGUARD_TOKEN_NOT_PRESENT, "TokenNotPresent: "},
    };

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const jwtguard_policy *p = cases[i].configure ? make_policy(cases[i].configure) : policy;
        const jwtguard_keyset *k = keys;
        jwtguard_result r;
        if (strcmp(cases[i].file, "attacks") == 0) k = tu_load_keys("jwks/attacks.main.json");
        token = SENTINEL;
        strcpy(detail, "garbage");
        r = verify_case(cases[i].file, cases[i].name, k, p, &token, detail, sizeof detail);
        if (r != cases[i].want)
            tu_fail(__FILE__, __LINE__, "%s: got %s (%s), expected %s", cases[i].name,
                    jwtguard_result_name(r), detail, jwtguard_result_name(cases[i].want));
        else
            atomic_fetch_add(&tu_passed, 1);
        CHECK_PREFIX(detail, cases[i].detail_prefix);
        CHECK(r == JWTGUARD_OK ? (token != NULL && detail[0] == '\0') : token == NULL);
        jwtguard_token_free(token);
        if (p != policy) jwtguard_policy_free(p);
        if (k != keys) jwtguard_keyset_free(k);
    }

    /* The required-claim failure names the claim; a NULL detail is fine. */
    {
        const jwtguard_policy *p = make_policy(scope_mail_send);
        CHECK_RESULT(verify_case("claims", "req_scp_any_none_present", keys, p, &token, detail,
                                 sizeof detail),
                     JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
        CHECK(strstr(detail, "(claim `scp`)") != NULL);
        CHECK_RESULT(verify_case("claims", "req_scp_any_none_present", keys, p, &token, NULL, 100),
                     JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
        /* Truncation: cap 13 keeps "TokenClaimVa" (12 bytes) and the NUL; cap 1 gives "". */
        memset(detail, 'Z', sizeof detail);
        CHECK_RESULT(verify_case("claims", "req_scp_any_none_present", keys, p, &token, detail, 13),
                     JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
        CHECK_STR(detail, "TokenClaimVa");
        CHECK(detail[13] == 'Z');
        CHECK_RESULT(verify_case("claims", "req_scp_any_none_present", keys, p, &token, detail, 1),
                     JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
        CHECK_STR(detail, "");
        jwtguard_policy_free(p);
    }

    /* NULLs, lengths, garbage. */
    {
        static const uint8_t garbage[] = {0x00, 0xff, 0x2e, 0x2e, 0x41, 0x80, 0x0a, 0x2e, 0x7b};
        static const uint8_t small[10] = "eyJhbGciOi";
        jwtguard_verifier *v = tu_verifier(keys, policy);
        jwtguard_verifier_builder *b = jwtguard_verifier_builder_new(policy);
        jwtguard_verifier *none = SENTINEL;
        token = SENTINEL;
        CHECK_RESULT(jwtguard_verifier_verify(v, NULL, 5, NOW, &token, NULL, detail, sizeof detail),
                     JWTGUARD_NULL_PARAMETER);
        CHECK(token == NULL);
        CHECK_STR(detail, "NullParameter: `token` is NULL");
        CHECK_RESULT(jwtguard_verifier_verify(v, NULL, 0, NOW, &token, NULL, detail, sizeof detail),
                     JWTGUARD_TOKEN_NOT_PRESENT);
        token = SENTINEL;
        CHECK_RESULT(jwtguard_verifier_verify(NULL, small, 10, NOW, &token, NULL, detail, sizeof detail),
                     JWTGUARD_NULL_PARAMETER);
        CHECK(token == NULL); /* reset whichever argument is wrong */
        CHECK_STR(detail, "NullParameter: `verifier` is NULL");
        /* a NULL key set is refused when added, and again when built */
        CHECK_RESULT(jwtguard_verifier_builder_add_keys(b, NULL, NULL, 0, NULL), JWTGUARD_NULL_PARAMETER);
        CHECK_RESULT(jwtguard_verifier_builder_build(b, &none, detail, sizeof detail),
                     JWTGUARD_NULL_PARAMETER);
        CHECK(none == NULL);
        CHECK_STR(detail, "NullParameter: `keys` is NULL");
        CHECK(jwtguard_verifier_builder_new(NULL) == NULL);
        CHECK_RESULT(jwtguard_verifier_verify(v, small, 10, NOW, NULL, NULL, detail, sizeof detail),
                     JWTGUARD_NULL_PARAMETER);
        CHECK_STR(detail, "NullParameter: `out` is NULL");
        /* Over the policy's maximum: decided on the length, no byte read (valgrind). */
        CHECK_RESULT(jwtguard_verifier_verify(v, small, (size_t)1 << 40, NOW, &token, NULL, detail,
                                              sizeof detail),
                     JWTGUARD_TOKEN_TOO_LARGE);
        CHECK_RESULT(jwtguard_verifier_verify(v, small, SIZE_MAX, NOW, &token, NULL, NULL, 0),
                     JWTGUARD_TOKEN_TOO_LARGE);
        CHECK_RESULT(jwtguard_verifier_verify(v, garbage, sizeof garbage, NOW, &token, NULL, NULL, 0),
                     JWTGUARD_TOKEN_MALFORMED);
        CHECK_RESULT(jwtguard_verifier_verify(v, small, 10, NOW, &token, NULL, NULL, 0),
                     JWTGUARD_TOKEN_MALFORMED);
        CHECK_RESULT(jwtguard_verifier_verify(v, small, 10, UINT64_MAX, &token, NULL, NULL, 0),
                     JWTGUARD_TOKEN_MALFORMED);
        jwtguard_verifier_free(v);
        CHECK(token == NULL);
    }

    /* A valid token at the far ends of time. */
    CHECK_RESULT(verify_case("claims", "valid_es256_p256", keys, policy, &token, NULL, 0), JWTGUARD_OK);
    jwtguard_token_free(token);
    jwtguard_token_free(NULL);

    jwtguard_policy_free(policy);
    jwtguard_keyset_free(keys);
}

/* ---------------------------------------------------------------------------------- */

static void test_token_accessors(void) {
    const jwtguard_keyset *keys = tu_load_keys(MAIN_JWKS);
    const jwtguard_policy *policy = make_policy(NULL);
    jwtguard_token *t;
    int64_t i64 = 7;
    uint64_t u64 = 7;
    size_t len = 0;
    char buf[64];

    /* RS256: header, conveniences, claims. */
    t = verified("valid_rs256_rsa2048", keys, policy);
    CHECK_STR(jwtguard_token_alg(t), "RS256");
    CHECK_TEXT(jwtguard_token_kid(t, BUF, CAP, &LEN), "rsa-2048");
    CHECK_TEXT(jwtguard_token_subject(t, BUF, CAP, &LEN), "user-1");
    CHECK_TEXT(jwtguard_token_issuer(t, BUF, CAP, &LEN), ISS);
    CHECK_TEXT(jwtguard_token_audience(t, BUF, CAP, &LEN), AUD);
    CHECK_RESULT(jwtguard_token_expiration(t, &u64), JWTGUARD_OK);
    CHECK(u64 == 1700003600u);
    CHECK_RESULT(jwtguard_token_claim_int(t, "iat", 3, &i64), JWTGUARD_OK);
    CHECK(i64 == 1699999940);
    CHECK_TEXT(jwtguard_token_claim_string(t, "sub", 3, ",", 1, BUF, CAP, &LEN), "user-1");
    CHECK_TEXT(jwtguard_token_claim_string(t, "nbf", 3, ",", 1, BUF, CAP, &LEN), "1699999940");
    CHECK_TEXT(jwtguard_token_claim_json(t, "sub", 3, BUF, CAP, &LEN), "\"user-1\"");
    CHECK_TEXT(jwtguard_token_claim_json(t, "exp", 3, BUF, CAP, &LEN), "1700003600");
    /* Absent claims. */
    CHECK_TEXT_FAILS(jwtguard_token_claim_string(t, "scp", 3, " ", 1, BUF, CAP, &LEN), JWTGUARD_CLAIM_NOT_PRESENT);
    CHECK_TEXT_FAILS(jwtguard_token_claim_json(t, "scp", 3, BUF, CAP, &LEN), JWTGUARD_CLAIM_NOT_PRESENT);
    CHECK_TEXT_FAILS(jwtguard_token_claim_string(t, NULL, 0, NULL, 0, BUF, CAP, &LEN), JWTGUARD_CLAIM_NOT_PRESENT);
    i64 = 7;
    CHECK_RESULT(jwtguard_token_claim_int(t, "scp", 3, &i64), JWTGUARD_CLAIM_NOT_PRESENT);
    CHECK(i64 == 0);
    /* Strings are not integers. */
    CHECK_RESULT(jwtguard_token_claim_int(t, "sub", 3, &i64), JWTGUARD_CLAIM_WRONG_TYPE);
    /* Claim names are (pointer, length): no NUL needed, prefix lengths work. */
    CHECK_RESULT(jwtguard_token_claim_int(t, "iatX", 3, &i64), JWTGUARD_OK);
    CHECK(i64 == 1699999940);

    /* Buffer convention: size query, too small (nothing written), retry. */
    len = 99;
    CHECK_RESULT(jwtguard_token_subject(t, NULL, 0, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 6);
    memset(buf, 'Z', sizeof buf);
    CHECK_RESULT(jwtguard_token_subject(t, buf, 6, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 6 && buf[0] == 'Z' && buf[6] == 'Z');
    CHECK_RESULT(jwtguard_token_subject(t, buf, len + 1, &len), JWTGUARD_OK);
    CHECK(len == 6 && memcmp(buf, "user-1", 7) == 0 && buf[7] == 'Z');
    CHECK_RESULT(jwtguard_token_subject(t, buf, sizeof buf, NULL), JWTGUARD_OK); /* out_len optional */
    CHECK_STR(buf, "user-1");
    CHECK_RESULT(jwtguard_token_claim_json(t, "sub", 3, buf, 8, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 8);
    CHECK_RESULT(jwtguard_token_claim_json(t, "sub", 3, buf, 9, &len), JWTGUARD_OK);
    CHECK_STR(buf, "\"user-1\"");
    CHECK_RESULT(jwtguard_token_claim_string(t, "sub", 3, NULL, 0, NULL, 0, &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 6);
    CHECK_RESULT(jwtguard_token_kid(t, NULL, 0, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 8);
    CHECK_RESULT(jwtguard_token_issuer(t, buf, 3, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == strlen(ISS));
    CHECK_RESULT(jwtguard_token_audience(t, buf, 3, &len), JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == strlen(AUD));

    /* NULL and invalid arguments, for every accessor. */
    CHECK(jwtguard_token_alg(NULL) == NULL);
    CHECK_RESULT(jwtguard_token_kid(NULL, buf, sizeof buf, &len), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_kid(t, NULL, 5, &len), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_subject(NULL, buf, sizeof buf, &len), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_subject(t, NULL, 1, &len), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_issuer(NULL, buf, sizeof buf, &len), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_audience(NULL, buf, sizeof buf, &len), JWTGUARD_NULL_PARAMETER);
    u64 = 7;
    CHECK_RESULT(jwtguard_token_expiration(NULL, &u64), JWTGUARD_NULL_PARAMETER);
    CHECK(u64 == 0);
    CHECK_RESULT(jwtguard_token_expiration(t, NULL), JWTGUARD_NULL_PARAMETER);
    i64 = 7;
    CHECK_RESULT(jwtguard_token_claim_int(NULL, "iat", 3, &i64), JWTGUARD_NULL_PARAMETER);
    CHECK(i64 == 0);
    CHECK_RESULT(jwtguard_token_claim_int(t, "iat", 3, NULL), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_int(t, NULL, 3, &i64), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_int(t, "\xff", 1, &i64), JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_string(NULL, "sub", 3, NULL, 0, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_string(t, NULL, 3, NULL, 0, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_string(t, "sub", 3, NULL, 1, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_string(t, "sub", 3, "\xc3", 1, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_string(t, "s\xc3", 2, ",", 1, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_string(t, "sub", 3, ",", 1, NULL, 9, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_json(NULL, "sub", 3, buf, sizeof buf, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_json(t, NULL, 3, buf, sizeof buf, &len), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_json(t, "\xe2\x82", 2, buf, sizeof buf, &len),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_token_claim_json(t, "sub", 3, NULL, 2, &len), JWTGUARD_NULL_PARAMETER);

    /* The token owns its data: it outlives the key set and policy it was verified with. */
    {
        const jwtguard_keyset *k2 = tu_load_keys(MAIN_JWKS);
        const jwtguard_policy *p2 = make_policy(NULL);
        jwtguard_token *t2 = verified("valid_es256_p256", k2, p2);
        jwtguard_keyset_free(k2);
        jwtguard_policy_free(p2);
        CHECK_STR(jwtguard_token_alg(t2), "ES256");
        CHECK_TEXT(jwtguard_token_kid(t2, BUF, CAP, &LEN), "ec-p256");
        CHECK_TEXT(jwtguard_token_subject(t2, BUF, CAP, &LEN), "user-1");
        jwtguard_token_free(t2);
    }
    jwtguard_token_free(t);

    /* A string claim and an array claim. */
    {
        const jwtguard_policy *p = make_policy(NULL);
        t = verified("req_scp_any_one_present_valid", keys, p);
        CHECK_TEXT(jwtguard_token_claim_string(t, "scp", 3, ",", 1, BUF, CAP, &LEN), "Files.Read Files.Write User.Read");
        CHECK_TEXT(jwtguard_token_claim_json(t, "scp", 3, BUF, CAP, &LEN), "\"Files.Read Files.Write User.Read\"");
        jwtguard_token_free(t);

        t = verified("req_roles_array_any_valid", keys, p);
        CHECK_TEXT(jwtguard_token_claim_string(t, "roles", 5, ",", 1, BUF, CAP, &LEN), "Admin,Reader");
        CHECK_TEXT(jwtguard_token_claim_string(t, "roles", 5, " | ", 3, BUF, CAP, &LEN), "Admin | Reader");
        /* Joined without a separator, ["Admin","Reader"] and ["AdminReader"] would read
         * the same: refused, nothing written. */
        CHECK_TEXT_FAILS(jwtguard_token_claim_string(t, "roles", 5, NULL, 0, BUF, CAP, &LEN),
                         JWTGUARD_CLAIM_UNSAFE);
        CHECK_TEXT(jwtguard_token_claim_string(t, "roles", 5, "\xc2\xa7", 2, BUF, CAP, &LEN), "Admin\xc2\xa7Reader");
        CHECK_TEXT(jwtguard_token_claim_json(t, "roles", 5, BUF, CAP, &LEN), "[\"Admin\",\"Reader\"]");
        CHECK_RESULT(jwtguard_token_claim_int(t, "roles", 5, &i64), JWTGUARD_CLAIM_WRONG_TYPE);
        /* Joined length is reported for a retry. */
        CHECK_RESULT(jwtguard_token_claim_string(t, "roles", 5, ", ", 2, buf, 5, &len),
                     JWTGUARD_BUFFER_TOO_SMALL);
        CHECK(len == strlen("Admin, Reader"));
        jwtguard_token_free(t);

        /* Numbers, booleans, null, objects, mixed arrays. */
        t = verified("req_number_claim_text_valid", keys, p);
        CHECK_RESULT(jwtguard_token_claim_int(t, "ver", 3, &i64), JWTGUARD_OK);
        CHECK(i64 == 42);
        CHECK_TEXT(jwtguard_token_claim_string(t, "ver", 3, NULL, 0, BUF, CAP, &LEN), "42");
        CHECK_TEXT(jwtguard_token_claim_json(t, "ver", 3, BUF, CAP, &LEN), "42");
        jwtguard_token_free(t);

        t = verified("req_number_claim_text_differs", keys, p); /* "ver": 42.0 */
        i64 = 7;
        CHECK_RESULT(jwtguard_token_claim_int(t, "ver", 3, &i64), JWTGUARD_CLAIM_WRONG_TYPE);
        CHECK(i64 == 0);
        CHECK_TEXT(jwtguard_token_claim_string(t, "ver", 3, NULL, 0, BUF, CAP, &LEN), "42.0");
        jwtguard_token_free(t);

        t = verified("req_bool_claim_text_valid", keys, p);
        CHECK_TEXT(jwtguard_token_claim_string(t, "email_verified", 14, NULL, 0, BUF, CAP, &LEN), "true");
        CHECK_TEXT(jwtguard_token_claim_json(t, "email_verified", 14, BUF, CAP, &LEN), "true");
        CHECK_RESULT(jwtguard_token_claim_int(t, "email_verified", 14, &i64), JWTGUARD_CLAIM_WRONG_TYPE);
        jwtguard_token_free(t);

        t = verified("req_null_claim_never_matches", keys, p);
        CHECK_TEXT_FAILS(jwtguard_token_claim_string(t, "grp", 3, NULL, 0, BUF, CAP, &LEN), JWTGUARD_CLAIM_WRONG_TYPE);
        CHECK_TEXT(jwtguard_token_claim_json(t, "grp", 3, BUF, CAP, &LEN), "null");
        CHECK_RESULT(jwtguard_token_claim_int(t, "grp", 3, &i64), JWTGUARD_CLAIM_WRONG_TYPE);
        jwtguard_token_free(t);

        t = verified("req_object_claim_never_matches", keys, p);
        CHECK_TEXT_FAILS(jwtguard_token_claim_string(t, "grp", 3, NULL, 0, BUF, CAP, &LEN), JWTGUARD_CLAIM_WRONG_TYPE);
        CHECK_TEXT(jwtguard_token_claim_json(t, "grp", 3, BUF, CAP, &LEN), "{\"a\":\"b\"}");
        jwtguard_token_free(t);

        t = verified("req_array_number_element_valid", keys, p);
        CHECK_TEXT(jwtguard_token_claim_string(t, "levels", 6, ";", 1, BUF, CAP, &LEN), "1;2");
        CHECK_TEXT(jwtguard_token_claim_json(t, "levels", 6, BUF, CAP, &LEN), "[1,2]");
        jwtguard_token_free(t);

        t = verified("req_array_null_object_elements_never_match", keys, p);
        CHECK_TEXT_FAILS(jwtguard_token_claim_string(t, "levels", 6, ",", 1, BUF, CAP, &LEN), JWTGUARD_CLAIM_WRONG_TYPE);
        CHECK_TEXT(jwtguard_token_claim_json(t, "levels", 6, BUF, CAP, &LEN), "[null,{\"a\":1}]");
        jwtguard_token_free(t);

        /* Escapes: unescaped as text, intact as JSON. */
        t = verified("iss_escaped_slashes_valid", keys, p);
        CHECK_TEXT(jwtguard_token_issuer(t, BUF, CAP, &LEN), ISS);
        CHECK_TEXT(jwtguard_token_claim_string(t, "iss", 3, NULL, 0, BUF, CAP, &LEN), ISS);
        CHECK_TEXT(jwtguard_token_claim_json(t, "iss", 3, BUF, CAP, &LEN), "\"https:\\/\\/issuer.example\\/tenant\\/v2.0\"");
        jwtguard_token_free(t);

        /* An audience array is joined with ",". */
        t = verified("aud_array_second_element_match_valid", keys, p);
        CHECK_TEXT(jwtguard_token_audience(t, BUF, CAP, &LEN), "api://other," AUD);
        jwtguard_token_free(t);

        /* A fractional exp: floored by the convenience, not an integer claim. */
        t = verified("exp_fraction_now_plus_1_5_valid", keys, p);
        CHECK_RESULT(jwtguard_token_expiration(t, &u64), JWTGUARD_OK);
        CHECK(u64 == 1700000001u);
        CHECK_RESULT(jwtguard_token_claim_int(t, "exp", 3, &i64), JWTGUARD_CLAIM_WRONG_TYPE);
        CHECK_TEXT(jwtguard_token_claim_json(t, "exp", 3, BUF, CAP, &LEN), "1700000001.5");
        jwtguard_token_free(t);

        /* No kid in the header. */
        t = verified("no_kid_tries_all_keys_valid", keys, p);
        CHECK_TEXT_FAILS(jwtguard_token_kid(t, BUF, CAP, &LEN), JWTGUARD_CLAIM_NOT_PRESENT);
        jwtguard_token_free(t);
        jwtguard_policy_free(p);
    }

    /* No exp (policy without the requirement), no aud (any audience), no iss (any issuer). */
    {
        const jwtguard_policy *p = make_policy(exp_optional);
        jwtguard_policy_builder *b = jwtguard_policy_builder_new();
        const jwtguard_policy *any = NULL;
        t = verified("exp_missing_not_required_valid", keys, p);
        u64 = 7;
        CHECK_RESULT(jwtguard_token_expiration(t, &u64), JWTGUARD_CLAIM_NOT_PRESENT);
        CHECK(u64 == 0);
        jwtguard_token_free(t);
        jwtguard_policy_free(p);

        CHECK_RESULT(jwtguard_policy_builder_any_audience(b), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_policy_builder_any_issuer(b), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_policy_builder_build(b, &any, NULL, 0), JWTGUARD_OK);
        jwtguard_policy_builder_free(b);
        t = verified("aud_any_policy_null_aud_missing_valid", keys, any);
        CHECK_TEXT_FAILS(jwtguard_token_audience(t, BUF, CAP, &LEN), JWTGUARD_CLAIM_NOT_PRESENT);
        jwtguard_token_free(t);
        t = verified("iss_missing", keys, any);
        CHECK_TEXT_FAILS(jwtguard_token_issuer(t, BUF, CAP, &LEN), JWTGUARD_CLAIM_NOT_PRESENT);
        jwtguard_token_free(t);
        /* iss must be a string even when any issuer is allowed. */
        CHECK_RESULT(verify_case("claims", "iss_number", keys, any, &t, NULL, 0),
                     JWTGUARD_TOKEN_CLAIM_MALFORMED);
        CHECK(t == NULL);
        jwtguard_policy_free(any);
    }

    jwtguard_policy_free(policy);
    jwtguard_keyset_free(keys);
}

/* Loads fixture key set `rel` with `flags`; returns the result, *out the handle. */
static jwtguard_result load_keys_with(const char *rel, uint32_t flags, const jwtguard_keyset **out,
                                      char *detail, size_t cap) {
    size_t len = 0;
    char *jwks = tu_read(rel, &len);
    jwtguard_result r =
        jwtguard_keyset_new_with_options((const uint8_t *)jwks, len, flags, 0, out, detail, cap);
    free(jwks);
    return r;
}

/* The fixtures' default policy with algorithm mask `algorithms`. */
static const jwtguard_policy *policy_with_algorithms(uint32_t algorithms) {
    jwtguard_policy_builder *b = jwtguard_policy_builder_new();
    const jwtguard_policy *policy = NULL;
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUD, strlen(AUD)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ISS, strlen(ISS)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_algorithms(b, algorithms), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, NULL, 0), JWTGUARD_OK);
    jwtguard_policy_builder_free(b);
    return policy;
}

#define ALL_ALGORITHMS                                                                        \
    (JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256 | JWTGUARD_ALG_RS384 | JWTGUARD_ALG_RS512 |      \
     JWTGUARD_ALG_PS256 | JWTGUARD_ALG_PS384 | JWTGUARD_ALG_PS512 | JWTGUARD_ALG_ES384 |      \
     JWTGUARD_ALG_EDDSA | JWTGUARD_ALG_HS256 | JWTGUARD_ALG_HS384 | JWTGUARD_ALG_HS512 |      \
     JWTGUARD_ALG_ES512 | JWTGUARD_ALG_ED25519)

/* Each asymmetric algorithm's PyJWT token (algorithms.json) verifies when its flag is
 * set, and is TokenAlgorithmNotAllowed under the default policy and under every other
 * flag together. */
static void test_algorithms(void) {
    static const struct {
        const char *name;
        uint32_t flag;
        const char *alg;
    } algs[] = {
        {"rs384", JWTGUARD_ALG_RS384, "RS384"}, {"rs512", JWTGUARD_ALG_RS512, "RS512"},
        {"ps256", JWTGUARD_ALG_PS256, "PS256"}, {"ps384", JWTGUARD_ALG_PS384, "PS384"},
        {"ps512", JWTGUARD_ALG_PS512, "PS512"}, {"es384", JWTGUARD_ALG_ES384, "ES384"},
        {"eddsa", JWTGUARD_ALG_EDDSA, "EdDSA"},
    };
    const jwtguard_keyset *keys = NULL;
    const jwtguard_policy *by_default = make_policy(NULL);
    char detail[256], name[64];
    size_t i;
    uint32_t seen = JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256;

    /* the flags are distinct bits, all fourteen known, and named as JOSE names them */
    CHECK(ALL_ALGORITHMS == 0x3fffu);
    CHECK((JWTGUARD_ALG_SET_ASYMMETRIC | JWTGUARD_ALG_SET_SYMMETRIC) == ALL_ALGORITHMS);
    CHECK(JWTGUARD_ALG_SET_DEFAULT == (JWTGUARD_ALG_RS256 | JWTGUARD_ALG_ES256));
    CHECK_STR(jwtguard_algorithm_name(JWTGUARD_ALG_HS512), "HS512");
    CHECK_STR(jwtguard_algorithm_name(JWTGUARD_ALG_ES512), "ES512");
    CHECK(jwtguard_algorithm_from_name("Ed25519", 7) == JWTGUARD_ALG_ED25519);
    CHECK((JWTGUARD_ALG_SET_ASYMMETRIC & (JWTGUARD_ALG_ES512 | JWTGUARD_ALG_ED25519)) != 0);
    CHECK(jwtguard_algorithm_from_name("HS256", 5) == JWTGUARD_ALG_HS256);
    CHECK((jwtguard_algorithm_from_name("HS384", 5) & JWTGUARD_ALG_SET_SYMMETRIC) != 0);
    CHECK(jwtguard_algorithm_from_name("none", 4) == 0);
    CHECK(jwtguard_algorithm_name(0) == NULL && jwtguard_algorithm_name(1u << 14) == NULL);
    CHECK(jwtguard_algorithm_name(JWTGUARD_ALG_SET_DEFAULT) == NULL);
    CHECK_RESULT(load_keys_with("jwks/algorithms.asymmetric.json", 0, &keys, detail, sizeof detail),
                 JWTGUARD_OK);
    for (i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        const jwtguard_policy *only = policy_with_algorithms(algs[i].flag);
        const jwtguard_policy *others = policy_with_algorithms(ALL_ALGORITHMS & ~algs[i].flag);
        jwtguard_token *token = SENTINEL;
        CHECK((seen & algs[i].flag) == 0);
        seen |= algs[i].flag;
        CHECK_STR(jwtguard_algorithm_name(algs[i].flag), algs[i].alg);
        CHECK(jwtguard_algorithm_from_name(algs[i].alg, strlen(algs[i].alg)) == algs[i].flag);
        CHECK(jwtguard_algorithm_from_name(algs[i].name, strlen(algs[i].name)) == 0);
        CHECK((algs[i].flag & JWTGUARD_ALG_SET_ASYMMETRIC) != 0);
        snprintf(name, sizeof name, "%s_valid", algs[i].name);
        CHECK_RESULT(verify_case("algorithms", name, keys, only, &token, detail, sizeof detail),
                     JWTGUARD_OK);
        CHECK(token != NULL);
        CHECK_STR(jwtguard_token_alg(token), algs[i].alg);
        jwtguard_token_free(token);
        token = SENTINEL;
        CHECK_RESULT(verify_case("algorithms", name, keys, by_default, &token, detail, sizeof detail),
                     JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED);
        CHECK(token == NULL);
        CHECK_RESULT(verify_case("algorithms", name, keys, others, &token, NULL, 0),
                     JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED);
        /* signed by the other key of the same kind, naming this one */
        snprintf(name, sizeof name, "%s_wrong_key", algs[i].name);
        CHECK_RESULT(verify_case("algorithms", name, keys, only, &token, NULL, 0),
                     JWTGUARD_TOKEN_SIGNATURE_INVALID);
        jwtguard_policy_free(only);
        jwtguard_policy_free(others);
    }
    /* the attacks' RS512 and PS256 tokens by the main RSA key: refused by default, and
     * still refused when allowed, because that key's JWK binds it to "alg": "RS256" */
    jwtguard_keyset_free(keys);
    keys = tu_load_keys(MAIN_JWKS);
    {
        const jwtguard_policy *rsa = policy_with_algorithms(JWTGUARD_ALG_RS512 | JWTGUARD_ALG_PS256);
        jwtguard_token *token = SENTINEL;
        CHECK_RESULT(verify_case("attacks", "alg_rs512", keys, by_default, &token, NULL, 0),
                     JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED);
        CHECK(token == NULL);
        CHECK_RESULT(verify_case("attacks", "alg_rs512", keys, rsa, &token, NULL, 0),
                     JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH);
        CHECK_RESULT(verify_case("attacks", "alg_ps256", keys, by_default, &token, NULL, 0),
                     JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED);
        CHECK_RESULT(verify_case("attacks", "alg_ps256", keys, rsa, &token, NULL, 0),
                     JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH);
        jwtguard_policy_free(rsa);
    }
    /* unknown bits poison the builder */
    {
        jwtguard_policy_builder *b = jwtguard_policy_builder_new();
        const jwtguard_policy *policy = SENTINEL;
        CHECK_RESULT(jwtguard_policy_builder_set_algorithms(b, ALL_ALGORITHMS + 1),
                     JWTGUARD_INVALID_PARAMETER);
        CHECK_RESULT(jwtguard_policy_builder_any_audience(b), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_policy_builder_any_issuer(b), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, detail, sizeof detail),
                     JWTGUARD_INVALID_PARAMETER);
        CHECK(policy == NULL);
        CHECK_PREFIX(detail, "InvalidParameter: `algorithms`");
        jwtguard_policy_builder_free(b);
    }
    jwtguard_keyset_free(keys);
    jwtguard_policy_free(by_default);
}

/* HMAC: symmetric keys load only with JWTGUARD_KEYSET_ALLOW_SYMMETRIC, in a set of their
 * own, and verify HS* tokens only under a policy that allows them. */
static void test_symmetric_keys(void) {
    const jwtguard_keyset *keys = SENTINEL;
    const jwtguard_policy *hs256 = policy_with_algorithms(JWTGUARD_ALG_HS256);
    const jwtguard_policy *hs_and_rs = policy_with_algorithms(JWTGUARD_ALG_HS256 | JWTGUARD_ALG_RS256);
    const jwtguard_policy *by_default = make_policy(NULL);
    jwtguard_token *token = NULL;
    jwtguard_result reason = JWTGUARD_OK;
    char detail[256], kid[64];

    /* without the flag: a set of only oct keys has no usable key */
    CHECK_RESULT(load_keys_with("jwks/algorithms.symmetric.json", 0, &keys, detail, sizeof detail),
                 JWTGUARD_KEY_SET_NO_USABLE_KEY);
    CHECK(keys == NULL);
    CHECK_PREFIX(detail, "KeySetNoUsableKey: ");
    CHECK_RESULT(load_keys_with("jwks/attacks.oct.json", 0, &keys, NULL, 0),
                 JWTGUARD_KEY_SET_NO_USABLE_KEY);

    /* without the flag, beside an RSA key: the oct key is KeyUnsupported, and so is a
     * valid HS256 token naming it, even under an HS256 policy */
    CHECK_RESULT(load_keys_with("jwks/attacks.with_oct.json", 0, &keys, NULL, 0), JWTGUARD_OK);
    CHECK(jwtguard_keyset_rejected_len(keys) == 1);
    CHECK_RESULT(jwtguard_keyset_rejected(keys, 0, &reason, kid, sizeof kid, NULL), JWTGUARD_OK);
    CHECK(reason == JWTGUARD_KEY_UNSUPPORTED);
    CHECK_RESULT(verify_case("attacks", "oct_key_without_symmetric_opt_in", keys, hs_and_rs, &token,
                             NULL, 0),
                 JWTGUARD_KEY_UNSUPPORTED);
    jwtguard_keyset_free(keys);
    /* with the flag, still beside an RSA key: skipped, KeyUnsupported */
    CHECK_RESULT(load_keys_with("jwks/attacks.with_oct.json", JWTGUARD_KEYSET_ALLOW_SYMMETRIC, &keys,
                                NULL, 0),
                 JWTGUARD_OK);
    CHECK_RESULT(verify_case("attacks", "oct_key_in_mixed_set", keys, hs_and_rs, &token, NULL, 0),
                 JWTGUARD_KEY_UNSUPPORTED);
    jwtguard_keyset_free(keys);

    /* with the flag, a set of its own: HS256 verifies only when the policy allows it */
    CHECK_RESULT(load_keys_with("jwks/attacks.oct.json", JWTGUARD_KEYSET_ALLOW_SYMMETRIC, &keys,
                                detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK_STR(detail, "");
    CHECK_RESULT(verify_case("attacks", "hs256_oct_key_valid", keys, hs256, &token, detail,
                             sizeof detail),
                 JWTGUARD_OK);
    CHECK_STR(jwtguard_token_alg(token), "HS256");
    jwtguard_token_free(token);
    token = NULL;
    CHECK_RESULT(verify_case("attacks", "hs256_oct_key_valid", keys, by_default, &token, NULL, 0),
                 JWTGUARD_TOKEN_ALGORITHM_NOT_ALLOWED);
    /* an RS256 token naming the oct key: the key does not do RS256 */
    CHECK_RESULT(verify_case("attacks", "rs256_token_naming_oct_key", keys, hs_and_rs, &token, NULL, 0),
                 JWTGUARD_TOKEN_ALGORITHM_KEY_MISMATCH);
    jwtguard_keyset_free(keys);

    /* HS256 signed with another secret, naming the key: SignatureInvalid */
    CHECK_RESULT(load_keys_with("jwks/algorithms.symmetric.json", JWTGUARD_KEYSET_ALLOW_SYMMETRIC,
                                &keys, NULL, 0),
                 JWTGUARD_OK);
    CHECK_RESULT(verify_case("algorithms", "hs256_valid", keys, hs256, &token, NULL, 0), JWTGUARD_OK);
    jwtguard_token_free(token);
    token = NULL;
    CHECK_RESULT(verify_case("algorithms", "hs256_wrong_key", keys, hs256, &token, NULL, 0),
                 JWTGUARD_TOKEN_SIGNATURE_INVALID);
    jwtguard_keyset_free(keys);

    /* a secret shorter than its algorithm's hash is refused */
    CHECK_RESULT(load_keys_with("jwks/attacks.short_oct.json", JWTGUARD_KEYSET_ALLOW_SYMMETRIC, &keys,
                                NULL, 0),
                 JWTGUARD_KEY_TOO_SMALL);

    /* unknown flag bits */
    keys = SENTINEL;
    CHECK_RESULT(load_keys_with(MAIN_JWKS, 4, &keys, detail, sizeof detail), JWTGUARD_INVALID_PARAMETER);
    CHECK(keys == NULL);
    CHECK_PREFIX(detail, "InvalidParameter: `flags`");

    jwtguard_policy_free(hs256);
    jwtguard_policy_free(hs_and_rs);
    jwtguard_policy_free(by_default);
}

/* The key file watch: when a file is looked at and read again (the core's rules). */
static void test_key_file_watch(void) {
    const uint64_t now = 1700000000;
    jwtguard_key_file_watch *w = jwtguard_key_file_watch_new(5, now);
    jwtguard_file_version v = {(int64_t) now - 100, 0, 300, 7};
    jwtguard_file_version same_second = {(int64_t) now + 20, 0, 300, 7};
    jwtguard_file_version other = v;

    CHECK(w != NULL);
    /* nothing loaded yet: any version is a change */
    CHECK(jwtguard_key_file_watch_change(w, &v) == JWTGUARD_FILE_CHANGED);
    jwtguard_key_file_watch_loaded(w, &v, now);
    CHECK(jwtguard_key_file_watch_change(w, &v) == JWTGUARD_FILE_UNCHANGED);
    other.mtime_nsec = 1;
    CHECK(jwtguard_key_file_watch_change(w, &other) == JWTGUARD_FILE_CHANGED);

    /* once per interval; the shortest interval asked for wins */
    CHECK(!jwtguard_key_file_watch_check_due(w, now + 4));
    CHECK(jwtguard_key_file_watch_check_due(w, now + 5));
    CHECK(!jwtguard_key_file_watch_check_due(w, now + 6));
    jwtguard_key_file_watch_shorten_interval(w, 1);
    CHECK(jwtguard_key_file_watch_check_due(w, now + 6));

    /* loaded in the second it was written: read once more */
    jwtguard_key_file_watch_loaded(w, &same_second, now + 20);
    CHECK(jwtguard_key_file_watch_change(w, &same_second) == JWTGUARD_FILE_READ_AGAIN);
    jwtguard_key_file_watch_loaded(w, &same_second, now + 21);
    CHECK(jwtguard_key_file_watch_change(w, &same_second) == JWTGUARD_FILE_UNCHANGED);

    /* a failing version is new once */
    CHECK(jwtguard_key_file_watch_failed(w, &other));
    CHECK(!jwtguard_key_file_watch_failed(w, &other));

    /* NULL arguments: the safe side (read the file; a failure is new) */
    CHECK(jwtguard_key_file_watch_change(NULL, &v) == JWTGUARD_FILE_CHANGED);
    CHECK(jwtguard_key_file_watch_change(w, NULL) == JWTGUARD_FILE_CHANGED);
    CHECK(!jwtguard_key_file_watch_check_due(NULL, now));
    CHECK(jwtguard_key_file_watch_failed(NULL, &v));
    jwtguard_key_file_watch_loaded(NULL, &v, now);
    jwtguard_key_file_watch_shorten_interval(NULL, 1);
    jwtguard_key_file_watch_free(w);
    jwtguard_key_file_watch_free(NULL);
}

int main(int argc, char **argv) {
    tu_init(argc, argv);
    test_key_file_watch();
    test_version_and_results();
    test_keysets();
    test_policy_builder();
    test_verify();
    test_algorithms();
    test_symmetric_keys();
    test_token_accessors();
    return tu_summary("test_api");
}
