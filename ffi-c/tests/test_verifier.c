/* test_verifier.c: the verifier (jwtguard_verifier_*) and the claim export rule, at the
 * C interface, on tokens and key sets minted by PyJWT (fixtures/verifier.json, see
 * make_verifier_fixtures.py; extract_fixtures.py writes them as files):
 *   - each source's keys verify only its issuers' tokens, unless added without issuers;
 *   - a kid miss with the fallback on reaches a key of the second source;
 *   - a token without kid is tried against at most 4 keys;
 *   - the cache: hits, a clock stepped back, key changes;
 *   - the fetch protocol: claims, offers, bad bodies, back-off, OpenID discovery;
 *   - a source shared by two processes: one fetch for both;
 *   - encrypted tokens (jwcrypto's, core/tests/fixtures/jwe.json) decrypted, then verified;
 *   - control characters and ambiguous joins never leave an accessor as text;
 *   - the policy rules C callers build: token types (RFC 9068 at+jwt), separators of
 *     several bytes, the azp/appid fallback, multi-tenant issuers and allowed tenants.
 *
 * Usage: test_verifier FIXTURE_DIR */
#include <stdbool.h>

#include "testutil.h"

#define NOW 1700000000ULL
#define LOOPBACK JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK

/* As make_verifier_fixtures.py mints them. */
static const char AUDIENCE[] = "api://jwtguard-verifier";
static const char ISSUER_A[] = "https://a.example/";
static const char ISSUER_B[] = "https://b.example/";
static const jwtguard_slice ONLY_A[] = {{ISSUER_A, sizeof ISSUER_A - 1}};
static const jwtguard_slice ONLY_B[] = {{ISSUER_B, sizeof ISSUER_B - 1}};
static const char ENTRA_ISSUER[] = "https://login.microsoftonline.com/{tenantid}/v2.0";
static const char TENANT_1[] = "11111111-1111-4111-8111-111111111111";

static const jwtguard_keyset *keys(const char *set) {
    char rel[256];
    snprintf(rel, sizeof rel, "jwks/verifier.%s.json", set);
    return tu_load_keys(rel);
}

static char *jwks_text(const char *set, size_t *len) {
    char rel[256];
    snprintf(rel, sizeof rel, "jwks/verifier.%s.json", set);
    return tu_read(rel, len);
}

/* Issuers A and B, the fixtures' audience, and the kid-miss fallback as asked. */
static const jwtguard_policy *policy(bool kid_miss_fallback) {
    const jwtguard_policy *out = NULL;
    jwtguard_policy_builder *b = jwtguard_policy_builder_new();
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUDIENCE, strlen(AUDIENCE)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ISSUER_A, strlen(ISSUER_A)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ISSUER_B, strlen(ISSUER_B)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_set_kid_miss_fallback(b, kid_miss_fallback), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &out, NULL, 0), JWTGUARD_OK);
    jwtguard_policy_builder_free(b);
    return out;
}

static jwtguard_verifier *build(jwtguard_verifier_builder *b) {
    jwtguard_verifier *v = NULL;
    char detail[256];
    jwtguard_result r = jwtguard_verifier_builder_build(b, &v, detail, sizeof detail);
    CHECK_RESULT(r, JWTGUARD_OK);
    if (r != JWTGUARD_OK) fprintf(stderr, "    build: %s\n", detail);
    return v;
}

/* CHECK_UNSAFE(text accessor call using BUF, CAP and &LEN): refused, nothing written. */
#define CHECK_UNSAFE(call) CHECK_TEXT_FAILS(call, JWTGUARD_CLAIM_UNSAFE)

/* A verifier with `keys` as its one source, bound to `issuers` (n of them). */
static jwtguard_verifier *one_source(const jwtguard_policy *p, const jwtguard_keyset *keys,
                                     const jwtguard_slice *issuers, size_t n) {
    jwtguard_verifier_builder *vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, keys, issuers, n, NULL), JWTGUARD_OK);
    return build(vb);
}

/* A verifier with `keys` bound to issuer A and a cache. */
static jwtguard_verifier *cached_source(const jwtguard_policy *p, const jwtguard_keyset *keys,
                                        size_t capacity, uint64_t ttl) {
    jwtguard_verifier_builder *vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, keys, ONLY_A, 1, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_set_cache(vb, capacity, ttl), JWTGUARD_OK);
    return build(vb);
}

/* A detail buffer after a call that returned `r`: "" on success, else "<name of r>: ...". */
static bool detail_names(const char *detail, jwtguard_result r) {
    const char *name = jwtguard_result_name(r);
    if (r == JWTGUARD_OK) return detail[0] == '\0';
    return strncmp(detail, name, strlen(name)) == 0 && detail[strlen(name)] == ':';
}

/* Verifies the fixture token `name` at `now`. On success the token is kept in *out when
 * `out` is non-NULL (else freed); *hit (optional) receives cache_hit. */
static jwtguard_result verify_at(const jwtguard_verifier *v, const char *name, uint64_t now,
                                 bool *hit, jwtguard_token **out) {
    char rel[256], detail[256];
    size_t len;
    char *token;
    jwtguard_token *t = (jwtguard_token *)&t; /* not NULL: must be reset */
    jwtguard_result r;
    snprintf(rel, sizeof rel, "tokens/verifier.%s.txt", name);
    token = tu_read(rel, &len);
    r = jwtguard_verifier_verify(v, (const uint8_t *)token, len, now, &t, hit, detail,
                                 sizeof detail);
    free(token);
    CHECK((r == JWTGUARD_OK) == (t != NULL));
    CHECK(detail_names(detail, r));
    if (out != NULL)
        *out = t;
    else
        jwtguard_token_free(t);
    return r;
}

static jwtguard_result verify(const jwtguard_verifier *v, const char *name) {
    return verify_at(v, name, NOW, NULL, NULL);
}

/* ---------------------------------------------------------------------------------- */

/* Provider B's keys never verify a token claiming provider A's issuer when each source
 * is bound to its issuer; added without issuers (the documented opt-out), they do. */
static void test_issuer_binding(void) {
    const jwtguard_policy *p = policy(false);
    const jwtguard_keyset *a = keys("a"), *b = keys("b");
    jwtguard_verifier_builder *vb = jwtguard_verifier_builder_new(p);
    jwtguard_verifier *v;
    jwtguard_token *t = NULL;
    size_t index = 99;

    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, &index), JWTGUARD_OK);
    CHECK(index == 0);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, b, ONLY_B, 1, &index), JWTGUARD_OK);
    CHECK(index == 1);
    v = build(vb);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "a_rs256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "b_es256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "b_rs256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "b_key_a_iss_es256"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    CHECK_RESULT(verify(v, "b_key_a_iss_rs256"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    jwtguard_verifier_free(v);

    /* Both sources for any issuer the policy allows: B's keys now sign for A. */
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, b, NULL, 0, NULL), JWTGUARD_OK);
    v = build(vb);
    CHECK_RESULT(verify_at(v, "b_key_a_iss_es256", NOW, NULL, &t), JWTGUARD_OK);
    CHECK_TEXT(jwtguard_token_issuer(t, BUF, CAP, &LEN), ISSUER_A);
    CHECK_TEXT(jwtguard_token_kid(t, BUF, CAP, &LEN), "b-es");
    jwtguard_token_free(t);
    CHECK_RESULT(verify(v, "b_key_a_iss_rs256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "a_rs256"), JWTGUARD_OK);
    jwtguard_verifier_free(v);

    /* Bound the other way round, no provider's token verifies with the other's keys. */
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_B, 1, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, b, ONLY_A, 1, NULL), JWTGUARD_OK);
    v = build(vb);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    CHECK_RESULT(verify(v, "b_rs256"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    CHECK_RESULT(verify(v, "b_key_a_iss_es256"), JWTGUARD_OK);
    jwtguard_verifier_free(v);

    jwtguard_keyset_free(a);
    jwtguard_keyset_free(b);
    jwtguard_policy_free(p);
}

/* A kid that names no key, with the fallback on, reaches a key of the second source
 * (after the first source's inline key without kid). */
static void test_kid_miss_fallback(void) {
    const jwtguard_policy *fallback = policy(true), *strict = policy(false);
    const jwtguard_keyset *inline_key = keys("inline"), *b = keys("b");
    jwtguard_verifier_builder *vb;
    jwtguard_verifier *v;
    jwtguard_token *t = NULL;

    vb = jwtguard_verifier_builder_new(fallback);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, inline_key, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, b, ONLY_B, 1, NULL), JWTGUARD_OK);
    v = build(vb);
    CHECK_RESULT(verify_at(v, "kid_miss_rs256", NOW, NULL, &t), JWTGUARD_OK);
    CHECK_TEXT(jwtguard_token_kid(t, BUF, CAP, &LEN), "b-retired");
    CHECK_TEXT(jwtguard_token_issuer(t, BUF, CAP, &LEN), ISSUER_B);
    jwtguard_token_free(t);
    jwtguard_verifier_free(v);

    /* The second source is what verified it: the inline key alone does not. */
    v = one_source(fallback, inline_key, NULL, 0);
    CHECK_RESULT(verify(v, "kid_miss_rs256"), JWTGUARD_TOKEN_SIGNATURE_INVALID);
    jwtguard_verifier_free(v);

    /* Without the fallback the unknown kid is the answer. */
    vb = jwtguard_verifier_builder_new(strict);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, inline_key, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, b, ONLY_B, 1, NULL), JWTGUARD_OK);
    v = build(vb);
    CHECK_RESULT(verify(v, "kid_miss_rs256"), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK_RESULT(verify(v, "b_rs256"), JWTGUARD_OK);
    jwtguard_verifier_free(v);

    jwtguard_keyset_free(inline_key);
    jwtguard_keyset_free(b);
    jwtguard_policy_free(fallback);
    jwtguard_policy_free(strict);
}

/* A token without kid is tried against at most 4 keys of its alg: the 5th is never
 * tried, whichever key that is. */
static void test_at_most_four_keys(void) {
    const jwtguard_policy *p = policy(false);
    const jwtguard_keyset *five = keys("five"), *rotated = keys("five_rotated");
    jwtguard_verifier *v;

    CHECK(jwtguard_keyset_len(five) == 5 && jwtguard_keyset_len(rotated) == 5);
    v = one_source(p, five, ONLY_A, 1);
    CHECK_RESULT(verify(v, "no_kid_4th"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "no_kid_5th"), JWTGUARD_TOKEN_SIGNATURE_INVALID);
    jwtguard_verifier_free(v);

    /* k5 first: now its token verifies, and k4's (5th) does not. */
    v = one_source(p, rotated, ONLY_A, 1);
    CHECK_RESULT(verify(v, "no_kid_5th"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "no_kid_4th"), JWTGUARD_TOKEN_SIGNATURE_INVALID);
    jwtguard_verifier_free(v);

    jwtguard_keyset_free(five);
    jwtguard_keyset_free(rotated);
    jwtguard_policy_free(p);
}

/* ---------------------------------------------------------------------------------- */

static void test_cache(void) {
    const jwtguard_policy *p = policy(false);
    const jwtguard_keyset *a = keys("a"), *b = keys("b");
    jwtguard_verifier_builder *vb;
    jwtguard_verifier *v;
    bool hit = true;

    CHECK(jwtguard_default_cache_size() == 1024);
    CHECK(jwtguard_default_cache_ttl() == 300);

    v = cached_source(p, a, 16, jwtguard_default_cache_ttl());
    CHECK(jwtguard_verifier_cache_len(v) == 0);
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK(!hit);
    CHECK(jwtguard_verifier_cache_len(v) == 1);
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK(hit);
    CHECK_RESULT(verify_at(v, "a_es256", NOW + 299, &hit, NULL), JWTGUARD_OK);
    CHECK(hit);
    /* A clock stepped back to before the token's nbf: not a hit, and the reason. */
    hit = true;
    CHECK_RESULT(verify_at(v, "a_es256", NOW - 3600, &hit, NULL), JWTGUARD_TOKEN_NOT_YET_VALID);
    CHECK(!hit);
    hit = true;
    CHECK_RESULT(verify_at(v, "a_es256", NOW - 1, &hit, NULL), JWTGUARD_OK);
    CHECK(!hit);
    /* Failures are not cached. */
    CHECK_RESULT(verify_at(v, "b_es256", NOW, &hit, NULL), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK_RESULT(verify_at(v, "b_es256", NOW, &hit, NULL), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK(!hit);
    /* New keys empty the cache: the token that was a hit is checked again, and fails. */
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK(hit);
    CHECK_RESULT(jwtguard_verifier_set_keys(v, 0, b), JWTGUARD_OK);
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK(!hit);
    jwtguard_verifier_free(v);

    /* A TTL of 5 s: a hit before it runs out, a full check after. */
    v = cached_source(p, a, 16, 5);
    CHECK_RESULT(verify_at(v, "a_rs256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK_RESULT(verify_at(v, "a_rs256", NOW + 4, &hit, NULL), JWTGUARD_OK);
    CHECK(hit);
    CHECK_RESULT(verify_at(v, "a_rs256", NOW + 6, &hit, NULL), JWTGUARD_OK);
    CHECK(!hit);
    jwtguard_verifier_free(v);

    /* No cache unless asked for, and a capacity of 0 is none. */
    v = one_source(p, a, ONLY_A, 1);
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK(!hit && jwtguard_verifier_cache_len(v) == 0);
    jwtguard_verifier_free(v);
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_set_cache(vb, 16, 0), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_set_cache(vb, 0, 0), JWTGUARD_OK);
    v = build(vb);
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK_RESULT(verify_at(v, "a_es256", NOW, &hit, NULL), JWTGUARD_OK);
    CHECK(!hit && jwtguard_verifier_cache_len(v) == 0);
    jwtguard_verifier_free(v);

    /* A cache with room and no time to live is refused (the core's rule, the same
     * in every binding), not read as "the default" */
    {
        char detail[256];
        vb = jwtguard_verifier_builder_new(p);
        CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, NULL), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_verifier_builder_set_cache(vb, 16, 0), JWTGUARD_OK);
        v = (jwtguard_verifier *) 1;
        CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, detail, sizeof detail),
                     JWTGUARD_POLICY_INVALID);
        CHECK(v == NULL);
        CHECK(strstr(detail, "time to live of at least 1 second") != NULL);
    }

    jwtguard_keyset_free(a);
    jwtguard_keyset_free(b);
    jwtguard_policy_free(p);
}

/* ---------------------------------------------------------------------------------- */

/* Claims a fetch at `now`: true with the source, kind and URL when one was claimed. */
static bool claim(const jwtguard_verifier *v, uint64_t now, size_t *source,
                  jwtguard_fetch_kind *kind, char url[JWTGUARD_MAX_URL_LEN + 1]) {
    size_t len = 12345;
    bool claimed =
        jwtguard_verifier_start_fetch(v, now, source, kind, url, JWTGUARD_MAX_URL_LEN + 1, &len);
    if (claimed)
        CHECK(len == strlen(url) && *kind != JWTGUARD_FETCH_NONE);
    else
        CHECK(len == 0 && *source == 0 && *kind == JWTGUARD_FETCH_NONE);
    return claimed;
}

static jwtguard_result offer(const jwtguard_verifier *v, size_t source, const char *body,
                             size_t len, uint64_t now, size_t *count) {
    char detail[256];
    jwtguard_result r = jwtguard_verifier_offer(v, source, (const uint8_t *)body, len, now, count,
                                                detail, sizeof detail);
    CHECK(detail_names(detail, r));
    return r;
}

static void test_jwks_source(void) {
    static const char url_keys[] = "http://127.0.0.1:1/keys";
    const jwtguard_policy *p = policy(false);
    const jwtguard_keyset *a = keys("a");
    jwtguard_verifier_builder *vb;
    jwtguard_verifier *v = NULL;
    char url[JWTGUARD_MAX_URL_LEN + 1], small[64], detail[256];
    size_t source = 99, index = 99, count = 99, len = 99, jwks_len;
    jwtguard_fetch_kind kind = JWTGUARD_FETCH_JWKS;
    char *jwks_a = jwks_text("a", &jwks_len);
    uint64_t t;

    /* Plain http only to loopback, and only when allowed: refused at once, and again
     * by build. */
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_jwks_url(vb, url_keys, strlen(url_keys), ONLY_A, 1,
                                                        0, &index),
                 JWTGUARD_POLICY_INVALID);
    CHECK(index == 0);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK(v == NULL);
    CHECK(strstr(detail, "https") != NULL);

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_jwks_url(vb, url_keys, strlen(url_keys), ONLY_A, 1,
                                                        LOOPBACK, &index),
                 JWTGUARD_OK);
    CHECK(index == 0);
    v = build(vb);

    /* Cold: a fetch is wanted, no key is there yet. */
    CHECK(jwtguard_verifier_wants_fetch(v, NOW));
    CHECK(jwtguard_verifier_next_fetch_at(v) <= NOW);
    CHECK(jwtguard_verifier_source_key_count(v, 0) == 0);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);

    /* A buffer that might not hold a URL claims nothing and asks for the size. */
    CHECK(!jwtguard_verifier_start_fetch(v, NOW, &source, &kind, small, sizeof small, &len));
    CHECK(len == JWTGUARD_MAX_URL_LEN && kind == JWTGUARD_FETCH_NONE && source == 0);
    CHECK(!jwtguard_verifier_start_fetch(v, NOW, &source, &kind, NULL, 0, &len));
    CHECK(len == JWTGUARD_MAX_URL_LEN);
    CHECK(jwtguard_verifier_wants_fetch(v, NOW));

    /* Exactly one fetch is claimed; it is under way until answered or 30 s old. */
    CHECK(!jwtguard_verifier_fetch_in_flight(v, NOW));
    source = 99;
    CHECK(claim(v, NOW, &source, &kind, url));
    CHECK(source == 0 && kind == JWTGUARD_FETCH_JWKS);
    CHECK_STR(url, url_keys);
    CHECK(jwtguard_verifier_fetch_in_flight(v, NOW) && jwtguard_verifier_fetch_in_flight(v, NOW + 29));
    CHECK(!jwtguard_verifier_fetch_in_flight(v, NOW + 30));
    CHECK(!jwtguard_verifier_fetch_in_flight(NULL, NOW));
    CHECK(!claim(v, NOW, &source, &kind, url));
    CHECK(!jwtguard_verifier_wants_fetch(v, NOW));
    CHECK(!jwtguard_verifier_start_fetch(v, NOW, &source, &kind, small, sizeof small, &len));
    CHECK(len == 0);

    /* The JWK set makes tokens verify; the next fetch is an hour later. */
    CHECK_RESULT(offer(v, 0, jwks_a, jwks_len, NOW, &count), JWTGUARD_OK);
    CHECK(!jwtguard_verifier_fetch_in_flight(v, NOW));
    CHECK(count == 2 && jwtguard_verifier_source_key_count(v, 0) == 2);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "a_rs256"), JWTGUARD_OK);
    CHECK(!jwtguard_verifier_wants_fetch(v, NOW));
    CHECK(jwtguard_verifier_next_fetch_at(v) == NOW + 3600);
    CHECK(jwtguard_verifier_wants_fetch(v, NOW + 3600));

    /* An unknown kid asks for a refetch at once. */
    CHECK_RESULT(verify(v, "b_es256"), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK(jwtguard_verifier_wants_fetch(v, NOW));
    CHECK(claim(v, NOW, &source, &kind, url));
    CHECK(source == 0 && kind == JWTGUARD_FETCH_JWKS);

    /* A bad body: an error, the keys stay, a retry after 10 s. */
    count = 99;
    CHECK_RESULT(offer(v, 0, "not json", 8, NOW, &count), JWTGUARD_KEY_SET_MALFORMED);
    CHECK(count == 0);
    CHECK(jwtguard_verifier_source_key_count(v, 0) == 2);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_OK);
    CHECK(!jwtguard_verifier_wants_fetch(v, NOW + 9));
    CHECK(jwtguard_verifier_wants_fetch(v, NOW + 10));
    CHECK(jwtguard_verifier_next_fetch_at(v) == NOW + 10);
    /* A failed fetch backs off, doubling: 10 s, 20 s, 40 s, ... */
    t = NOW + 10;
    CHECK(claim(v, t, &source, &kind, url));
    CHECK_RESULT(offer(v, 0, "{\"keys\":[]}", 11, t, &count), JWTGUARD_KEY_SET_NO_USABLE_KEY);
    CHECK(jwtguard_verifier_source_key_count(v, 0) == 2);
    CHECK(jwtguard_verifier_next_fetch_at(v) == t + 20);
    CHECK(!jwtguard_verifier_wants_fetch(v, t + 19));
    t += 20;
    CHECK(claim(v, t, &source, &kind, url));
    jwtguard_verifier_fetch_failed(v, 0, t);
    CHECK(jwtguard_verifier_next_fetch_at(v) == t + 40);
    CHECK(!jwtguard_verifier_wants_fetch(v, t + 39));
    CHECK_RESULT(verify(v, "a_rs256"), JWTGUARD_OK);
    /* Invalid arguments answer the claimed fetch as failed, too. */
    t += 40;
    CHECK(claim(v, t, &source, &kind, url));
    CHECK_RESULT(offer(v, 0, NULL, 5, t, &count), JWTGUARD_NULL_PARAMETER);
    CHECK(!jwtguard_verifier_wants_fetch(v, t + 79));
    CHECK(jwtguard_verifier_wants_fetch(v, t + 80));
    /* A success resets the back-off. */
    t += 80;
    CHECK(claim(v, t, &source, &kind, url));
    CHECK_RESULT(offer(v, 0, jwks_a, jwks_len, t, &count), JWTGUARD_OK);
    CHECK(jwtguard_verifier_next_fetch_at(v) == t + 3600);

    /* Only a fixed source takes keys from the caller; an unknown source is an
     * argument error. */
    CHECK_RESULT(jwtguard_verifier_set_keys(v, 0, a), JWTGUARD_POLICY_INVALID);
    CHECK_RESULT(jwtguard_verifier_set_keys(v, 1, a), JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(offer(v, 1, jwks_a, jwks_len, t, &count), JWTGUARD_INVALID_PARAMETER);
    CHECK(jwtguard_verifier_source_key_count(v, 1) == 0);
    jwtguard_verifier_fetch_failed(v, 7, t); /* ignored */
    jwtguard_verifier_free(v);

    free(jwks_a);
    jwtguard_keyset_free(a);
    jwtguard_policy_free(p);
}

/* What two processes share for one source, as a keys zone holds it. */
struct zone {
    uint8_t state[JWTGUARD_SHARED_STATE_LEN];
    uint64_t stamp;
    const char *keys;       /* the stored key set */
    size_t keys_len;
};

/* The binding's steps under its lock: load (adopting stored keys), claim, save. */
static bool shared_claim(const jwtguard_verifier *v, struct zone *z, uint64_t now,
                         char url[JWTGUARD_MAX_URL_LEN + 1]) {
    size_t source = 99;
    jwtguard_fetch_kind kind;
    bool adopt = true, claimed;
    char detail[256];

    if (!jwtguard_verifier_sync_due(v, 0, z->stamp, now))
        return false;
    CHECK_RESULT(jwtguard_verifier_load_shared(v, 0, z->state, sizeof z->state, &adopt),
                 JWTGUARD_OK);
    if (adopt)
        CHECK_RESULT(jwtguard_verifier_adopt(v, 0, NULL, 0, (const uint8_t *)z->keys,
                                             z->keys_len, detail, sizeof detail),
                     JWTGUARD_OK);
    claimed = claim(v, now, &source, &kind, url);
    CHECK_RESULT(jwtguard_verifier_save_shared(v, 0, z->state, sizeof z->state, &z->stamp),
                 JWTGUARD_OK);
    return claimed;
}

/* Two processes share one source's schedule and documents: one fetch serves both, at
 * the cold start and after an unknown kid in the other process. */
static void test_shared_source(void) {
    static const char url_keys[] = "http://127.0.0.1:1/keys";
    const jwtguard_policy *p = policy(false);
    jwtguard_verifier *w[2];
    jwtguard_verifier_builder *vb;
    struct zone z = {{0}, 0, NULL, 0};
    char url[JWTGUARD_MAX_URL_LEN + 1];
    size_t i, jwks_len, count;
    bool adopt;
    char *jwks_a = jwks_text("a", &jwks_len);

    for (i = 0; i < 2; i++) {
        vb = jwtguard_verifier_builder_new(p);
        CHECK_RESULT(jwtguard_verifier_builder_add_jwks_url(vb, url_keys, strlen(url_keys), ONLY_A,
                                                            1, LOOPBACK, NULL),
                     JWTGUARD_OK);
        w[i] = build(vb);
    }

    /* Both name the record alike (the core's name of the source). */
    {
        char a[512], b[512];
        size_t la = 0, lb = 0;
        CHECK_RESULT(jwtguard_verifier_source_shared_name(w[0], 0, a, sizeof a, &la), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_verifier_source_shared_name(w[1], 0, b, sizeof b, &lb), JWTGUARD_OK);
        CHECK(la > 0 && la == strlen(a));
        CHECK_STR(a, b);
        CHECK_PREFIX(a, "jwks http://127.0.0.1:1/keys ");
        CHECK_RESULT(jwtguard_verifier_source_shared_name(w[0], 1, a, sizeof a, &la),
                     JWTGUARD_INVALID_PARAMETER);
    }

    /* Cold start: the first claims; the second finds the claim and waits for it. */
    CHECK(shared_claim(w[0], &z, NOW, url));
    CHECK(z.stamp == 1);
    CHECK(!shared_claim(w[1], &z, NOW, url));
    CHECK(jwtguard_verifier_fetch_in_flight(w[1], NOW));
    CHECK(!jwtguard_verifier_sync_due(w[1], 0, z.stamp, NOW));

    /* The first answers under the lock and stores the body. */
    CHECK_RESULT(jwtguard_verifier_load_shared(w[0], 0, z.state, sizeof z.state, &adopt),
                 JWTGUARD_OK);
    CHECK(!adopt);
    CHECK_RESULT(offer(w[0], 0, jwks_a, jwks_len, NOW + 1, &count), JWTGUARD_OK);
    z.keys = jwks_a;
    z.keys_len = jwks_len;
    CHECK_RESULT(jwtguard_verifier_save_shared(w[0], 0, z.state, sizeof z.state, &z.stamp),
                 JWTGUARD_OK);

    /* The second adopts the stored keys: no fetch of its own. */
    CHECK(jwtguard_verifier_sync_due(w[1], 0, z.stamp, NOW + 1));
    CHECK(!shared_claim(w[1], &z, NOW + 1, url));
    CHECK(jwtguard_verifier_source_key_count(w[1], 0) == 2);
    CHECK_RESULT(verify(w[1], "a_es256"), JWTGUARD_OK);
    CHECK(!jwtguard_verifier_sync_due(w[1], 0, z.stamp, NOW + 2));

    /* An unknown kid in the second: it syncs and claims the refetch; the first does
     * not fetch too. */
    CHECK_RESULT(verify(w[1], "b_es256"), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK(jwtguard_verifier_sync_due(w[1], 0, z.stamp, NOW + 2));
    CHECK(shared_claim(w[1], &z, NOW + 2, url));
    CHECK_STR(url, url_keys);
    CHECK(!shared_claim(w[0], &z, NOW + 2, url));

    for (i = 0; i < 2; i++)
        jwtguard_verifier_free(w[i]);
    free(jwks_a);
    jwtguard_policy_free(p);
}

/* Encrypted tokens made by jwcrypto (core/tests/fixtures/jwe.json): a verifier with
 * decryption keys decrypts them and verifies the ES256 JWT inside; without them they
 * are malformed; the refusals keep their reasons. */
static void test_encrypted_tokens(void) {
    static const char aud[] = "api://jwe", iss[] = "https://issuer.example/";
    static const char *pairs[] = {"RSA_OAEP_256_A256GCM_rsa_1", "RSA_OAEP_A128CBC_HS256_rsa_1",
                                  "ECDH_ES_A256GCM_p256_1",   "ECDH_ES_A256KW_A192CBC_HS384_p384_1",
                                  "A256GCMKW_A128GCM_oct_32", "A192KW_A256CBC_HS512_oct_24",
                                  "dir_A128GCM_oct_16",       "no_kid"};
    const jwtguard_policy *p = NULL;
    const jwtguard_decryption_keys *dk = (const jwtguard_decryption_keys *)&p;
    const jwtguard_keyset *signing = tu_load_keys("jwks/jwe.signing.json");
    jwtguard_policy_builder *pb = jwtguard_policy_builder_new();
    jwtguard_verifier_builder *vb;
    jwtguard_verifier *v, *plain;
    jwtguard_token *t;
    char rel[256], detail[256], *jwks, *token;
    size_t i, len;
    const uint64_t now = 1700000010ULL;

    CHECK_RESULT(jwtguard_policy_builder_add_audience(pb, aud, strlen(aud)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(pb, iss, strlen(iss)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(pb, &p, NULL, 0), JWTGUARD_OK);
    jwtguard_policy_builder_free(pb);

    /* Loading: a bad document names why, NULL arguments are refused. */
    CHECK_RESULT(jwtguard_decryption_keys_new((const uint8_t *)"{}", 2, &dk, detail, sizeof detail),
                 JWTGUARD_KEY_SET_MALFORMED);
    CHECK(dk == NULL && detail_names(detail, JWTGUARD_KEY_SET_MALFORMED));
    CHECK_RESULT(jwtguard_decryption_keys_new(NULL, 5, &dk, NULL, 0), JWTGUARD_NULL_PARAMETER);
    CHECK(jwtguard_decryption_keys_len(NULL) == 0);
    jwtguard_decryption_keys_free(NULL);
    jwks = tu_read("jwks/jwe.decryption.json", &len);
    CHECK_RESULT(jwtguard_decryption_keys_new((const uint8_t *)jwks, len, &dk, detail, sizeof detail),
                 JWTGUARD_OK);
    CHECK(detail[0] == '\0' && jwtguard_decryption_keys_len(dk) == 8);
    free(jwks);

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, signing, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_set_decryption_keys(vb, NULL), JWTGUARD_NULL_PARAMETER);
    v = NULL;
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, NULL, 0), JWTGUARD_NULL_PARAMETER);
    CHECK(v == NULL); /* the failed call failed the build too (which freed the builder) */
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, signing, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_set_decryption_keys(vb, dk), JWTGUARD_OK);
    jwtguard_decryption_keys_free(dk); /* the verifier holds its own reference */
    v = build(vb);
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, signing, NULL, 0, NULL), JWTGUARD_OK);
    plain = build(vb);

    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        snprintf(rel, sizeof rel, "tokens/jwe.%s.txt", pairs[i]);
        token = tu_read(rel, &len);
        t = NULL;
        CHECK_RESULT(jwtguard_verifier_verify(v, (const uint8_t *)token, len, now, &t, NULL, detail,
                                              sizeof detail),
                     JWTGUARD_OK);
        if (t != NULL) {
            CHECK_STR(jwtguard_token_alg(t), "ES256");
            jwtguard_token_free(t);
        }
        CHECK_RESULT(jwtguard_verifier_verify(plain, (const uint8_t *)token, len, now, &t, NULL, NULL,
                                              0),
                     JWTGUARD_TOKEN_MALFORMED);
        free(token);
    }
    {
        static const struct { const char *name; jwtguard_result want; } refused[] = {
            {"RSA1_5", JWTGUARD_TOKEN_ALGORITHM_NOT_SUPPORTED},
            {"zip", JWTGUARD_TOKEN_HEADER_UNSUPPORTED},
            {"JWE_inside_a_JWE", JWTGUARD_TOKEN_HEADER_UNSUPPORTED},
            {"claims_not_a_signed_JWT", JWTGUARD_TOKEN_MALFORMED},
            {"unknown_kid", JWTGUARD_TOKEN_DECRYPTION_FAILED},
        };
        for (i = 0; i < sizeof refused / sizeof refused[0]; i++) {
            snprintf(rel, sizeof rel, "tokens/jwe.%s.txt", refused[i].name);
            token = tu_read(rel, &len);
            CHECK_RESULT(jwtguard_verifier_verify(v, (const uint8_t *)token, len, now, &t, NULL,
                                                  detail, sizeof detail),
                         refused[i].want);
            CHECK(detail_names(detail, refused[i].want));
            free(token);
        }
    }
    jwtguard_verifier_free(v);
    jwtguard_verifier_free(plain);
    jwtguard_keyset_free(signing);
    jwtguard_policy_free(p);
}

/* An OpenID source fetches its configuration, then the JWK set it names, and its keys
 * verify only tokens of the issuer the configuration named. */
static void test_openid_source(void) {
    static const char config_url[] = "http://127.0.0.1:1/b/.well-known/openid-configuration";
    static const char config_b[] =
        "{\"issuer\":\"https://b.example/\",\"jwks_uri\":\"http://127.0.0.1:1/b/keys\"}";
    static const char config_elsewhere[] =
        "{\"issuer\":\"https://b.example/\",\"jwks_uri\":\"http://b.example/keys\"}";
    const jwtguard_policy *p = policy(false);
    jwtguard_verifier_builder *vb;
    jwtguard_verifier *v;
    char url[JWTGUARD_MAX_URL_LEN + 1];
    size_t source = 99, count = 99, jwks_len, len = 99;
    jwtguard_fetch_kind kind = JWTGUARD_FETCH_NONE;
    char *jwks_b = jwks_text("b", &jwks_len);
    char issuer[64];
    bool trusted = false;

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_openid_config(vb, config_url, strlen(config_url),
                                                             NULL, 0, LOOPBACK, NULL),
                 JWTGUARD_OK);
    v = build(vb);

    /* One OpenID source: a configuration and its keys per verification. */
    CHECK(jwtguard_verifier_fetches_per_verification(v) == 2);
    CHECK(jwtguard_verifier_fetches_per_verification(NULL) == 0);

    /* Nothing discovered yet: an empty issuer, not a disagreement. */
    CHECK_RESULT(jwtguard_verifier_discovered_issuer(v, 0, &trusted, issuer, sizeof issuer, &len),
                 JWTGUARD_OK);
    CHECK(len == 0 && issuer[0] == '\0' && trusted);

    CHECK(claim(v, NOW, &source, &kind, url));
    CHECK(source == 0 && kind == JWTGUARD_FETCH_OPENID_CONFIGURATION);
    CHECK_STR(url, config_url);
    /* A jwks_uri in plain http to another host is refused like a configured one. */
    CHECK_RESULT(offer(v, 0, config_elsewhere, strlen(config_elsewhere), NOW, &count),
                 JWTGUARD_KEY_SET_MALFORMED);
    CHECK(!jwtguard_verifier_wants_fetch(v, NOW + 9));
    CHECK(claim(v, NOW + 10, &source, &kind, url));
    CHECK(kind == JWTGUARD_FETCH_OPENID_CONFIGURATION);
    CHECK_RESULT(offer(v, 0, config_b, strlen(config_b), NOW + 10, &count), JWTGUARD_OK);
    CHECK(count == 0);
    CHECK(jwtguard_verifier_source_key_count(v, 0) == 0);
    /* The document's issuer is B's, which the policy allows. */
    CHECK_RESULT(jwtguard_verifier_discovered_issuer(v, 0, &trusted, issuer, sizeof issuer, &len),
                 JWTGUARD_OK);
    CHECK_STR(issuer, "https://b.example/");
    CHECK(len == strlen("https://b.example/") && trusted);
    CHECK_RESULT(jwtguard_verifier_discovered_issuer(v, 0, &trusted, issuer, 4, &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == strlen("https://b.example/"));
    CHECK_RESULT(jwtguard_verifier_discovered_issuer(v, 1, &trusted, issuer, sizeof issuer, &len),
                 JWTGUARD_INVALID_PARAMETER);

    /* Then the key set the document named. */
    CHECK(claim(v, NOW + 10, &source, &kind, url));
    CHECK(source == 0 && kind == JWTGUARD_FETCH_JWKS);
    CHECK_STR(url, "http://127.0.0.1:1/b/keys");
    CHECK_RESULT(offer(v, 0, jwks_b, jwks_len, NOW + 10, &count), JWTGUARD_OK);
    CHECK(count == 2);
    CHECK_RESULT(verify(v, "b_es256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "b_rs256"), JWTGUARD_OK);
    /* The policy allows A's issuer, the discovered issuer is B: B's keys stay B's. */
    CHECK_RESULT(verify(v, "b_key_a_iss_es256"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    CHECK_RESULT(verify(v, "b_key_a_iss_rs256"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);

    /* The hourly refresh starts again from the configuration. */
    CHECK(!jwtguard_verifier_wants_fetch(v, NOW + 10 + 3599));
    CHECK(claim(v, NOW + 10 + 3600, &source, &kind, url));
    CHECK(kind == JWTGUARD_FETCH_OPENID_CONFIGURATION);
    jwtguard_verifier_fetch_failed(v, 0, NOW + 10 + 3600);
    CHECK_RESULT(verify(v, "b_es256"), JWTGUARD_OK);
    jwtguard_verifier_free(v);

    /* A policy taking its issuers from the sources: an unbound source is refused when
     * added, an OpenID source (bound to its discovered issuer) is not. */
    {
        const jwtguard_policy *from_sources = NULL;
        const jwtguard_keyset *a = keys("a");
        jwtguard_policy_builder *pb = jwtguard_policy_builder_new();
        CHECK_RESULT(jwtguard_policy_builder_add_audience(pb, AUDIENCE, strlen(AUDIENCE)), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_policy_builder_issuers_from_sources(pb), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_policy_builder_build(pb, &from_sources, NULL, 0), JWTGUARD_OK);
        jwtguard_policy_builder_free(pb);
        vb = jwtguard_verifier_builder_new(from_sources);
        CHECK_RESULT(jwtguard_verifier_builder_add_openid_config(vb, config_url, strlen(config_url),
                                                                 NULL, 0, LOOPBACK, NULL),
                     JWTGUARD_OK);
        CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, NULL), JWTGUARD_OK);
        CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, NULL, 0, NULL), JWTGUARD_POLICY_INVALID);
        jwtguard_verifier_builder_free(vb);
        jwtguard_keyset_free(a);
        jwtguard_policy_free(from_sources);
    }

    /* Bound to A's issuer, a source whose document names B's disagrees with it. */
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_openid_config(vb, config_url, strlen(config_url),
                                                             ONLY_A, 1, LOOPBACK, NULL),
                 JWTGUARD_OK);
    v = build(vb);
    CHECK(claim(v, NOW, &source, &kind, url));
    CHECK_RESULT(offer(v, 0, config_b, strlen(config_b), NOW, &count), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_discovered_issuer(v, 0, &trusted, issuer, sizeof issuer, &len),
                 JWTGUARD_OK);
    CHECK_STR(issuer, "https://b.example/");
    CHECK(!trusted);
    jwtguard_verifier_free(v);

    free(jwks_b);
    jwtguard_policy_free(p);
}

/* jwtguard_verifier_set_keys swaps the keys of a fixed source; the key set is shared,
 * so the caller may free its handle at once. */
static void test_set_keys(void) {
    const jwtguard_policy *p = policy(false);
    const jwtguard_keyset *a = keys("a"), *b = keys("b");
    jwtguard_verifier_builder *vb = jwtguard_verifier_builder_new(p);
    jwtguard_verifier *v;

    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, NULL, 0, NULL), JWTGUARD_OK);
    v = build(vb);
    jwtguard_keyset_free(a);
    CHECK(!jwtguard_verifier_wants_fetch(v, NOW));
    CHECK(jwtguard_verifier_fetches_per_verification(v) == 0);
    CHECK(jwtguard_verifier_next_fetch_at(v) == UINT64_MAX);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "b_es256"), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK(!jwtguard_verifier_wants_fetch(v, NOW)); /* a fixed source never fetches */
    CHECK_RESULT(jwtguard_verifier_set_keys(v, 0, b), JWTGUARD_OK);
    jwtguard_keyset_free(b);
    CHECK_RESULT(verify(v, "b_es256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "b_rs256"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
    CHECK(jwtguard_verifier_source_key_count(v, 0) == 2);
    CHECK_RESULT(jwtguard_verifier_set_keys(v, 0, NULL), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(verify(v, "b_es256"), JWTGUARD_OK);
    /* Fetched documents are not for a fixed source. */
    {
        size_t jwks_len, count = 99;
        char *jwks_a = jwks_text("a", &jwks_len);
        CHECK_RESULT(offer(v, 0, jwks_a, jwks_len, NOW, &count), JWTGUARD_POLICY_INVALID);
        CHECK(count == 0);
        CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND);
        free(jwks_a);
    }
    jwtguard_verifier_free(v);
    jwtguard_policy_free(p);
}

/* A failed builder call makes build fail with it, whatever is added after it. */
static void test_builder_errors(void) {
    const jwtguard_policy *p = policy(false);
    const jwtguard_keyset *a = keys("a");
    static const char bad_utf8[] = "https://\xff.example/";
    const jwtguard_slice bad_issuer[] = {{bad_utf8, sizeof bad_utf8 - 1}};
    const jwtguard_slice empty_issuer[] = {{"", 0}};
    jwtguard_verifier_builder *vb;
    jwtguard_verifier *v = (jwtguard_verifier *)&v;
    char detail[256];
    size_t index = 99;

    CHECK(jwtguard_verifier_builder_new(NULL) == NULL);

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, NULL, ONLY_A, 1, &index),
                 JWTGUARD_NULL_PARAMETER);
    CHECK(index == 0);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, &index), JWTGUARD_OK);
    CHECK(index == 0); /* the failed call added nothing */
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, detail, sizeof detail),
                 JWTGUARD_NULL_PARAMETER);
    CHECK(v == NULL);
    CHECK_STR(detail, "NullParameter: `keys` is NULL");

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, bad_issuer, 1, NULL),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, NULL, 0), JWTGUARD_INVALID_PARAMETER);

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, NULL, 1, NULL), JWTGUARD_NULL_PARAMETER);
    jwtguard_verifier_builder_free(vb);

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, empty_issuer, 1, NULL),
                 JWTGUARD_POLICY_INVALID);
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK_PREFIX(detail, "PolicyInvalid: ");

    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_add_jwks_url(vb, "https://a.example/keys", 22, ONLY_A, 1,
                                                        1u << 30, NULL),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, NULL, 0), JWTGUARD_INVALID_PARAMETER);

    /* No source at all. */
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &v, detail, sizeof detail),
                 JWTGUARD_POLICY_INVALID);
    CHECK_PREFIX(detail, "PolicyInvalid: ");

    /* The builder is freed by build even when `out` is NULL (valgrind sees a leak). */
    vb = jwtguard_verifier_builder_new(p);
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, NULL, NULL, 0), JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_verifier_builder_build(NULL, &v, NULL, 0), JWTGUARD_NULL_PARAMETER);

    /* The policy handle may go once the builder has it. */
    {
        const jwtguard_policy *q = policy(false);
        vb = jwtguard_verifier_builder_new(q);
        jwtguard_policy_free(q);
        CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, NULL), JWTGUARD_OK);
        v = build(vb);
        CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_OK);
        jwtguard_verifier_free(v);
    }
    jwtguard_verifier_free(NULL);
    jwtguard_verifier_builder_free(NULL);
    jwtguard_keyset_free(a);
    jwtguard_policy_free(p);
}

/* ---------------------------------------------------------------------------------- */

/* A valid signature does not make a claim safe to put in a header or a log line: the
 * text accessors refuse control characters and ambiguous joins; the raw JSON stays
 * available. */
static void test_export_rule(void) {
    const jwtguard_policy *p = policy(false);
    const jwtguard_keyset *a = keys("a"), *crlf = keys("crlf_kid");
    jwtguard_verifier_builder *vb = jwtguard_verifier_builder_new(p);
    jwtguard_verifier *v;
    jwtguard_token *t = NULL;

    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, a, ONLY_A, 1, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, crlf, ONLY_A, 1, NULL), JWTGUARD_OK);
    v = build(vb);
    CHECK_STR(jwtguard_result_name(JWTGUARD_CLAIM_UNSAFE), "ClaimUnsafe");

    CHECK_RESULT(verify_at(v, "name_crlf", NOW, NULL, &t), JWTGUARD_OK);
    CHECK_UNSAFE(jwtguard_token_claim_string(t, "name", 4, ",", 1, BUF, CAP, &LEN));
    CHECK_UNSAFE(jwtguard_token_claim_string(t, "name", 4, NULL, 0, BUF, CAP, &LEN));
    CHECK_TEXT(jwtguard_token_claim_json(t, "name", 4, BUF, CAP, &LEN),
               "\"Alice\\r\\nX-Admin: true\"");
    CHECK_TEXT(jwtguard_token_subject(t, BUF, CAP, &LEN), "user-1");
    jwtguard_token_free(t);

    CHECK_RESULT(verify_at(v, "name_nul", NOW, NULL, &t), JWTGUARD_OK);
    CHECK_UNSAFE(jwtguard_token_claim_string(t, "name", 4, ",", 1, BUF, CAP, &LEN));
    CHECK_TEXT(jwtguard_token_claim_json(t, "name", 4, BUF, CAP, &LEN), "\"Alice\\u0000\"");
    jwtguard_token_free(t);

    CHECK_RESULT(verify_at(v, "roles_comma", NOW, NULL, &t), JWTGUARD_OK);
    CHECK_UNSAFE(jwtguard_token_claim_string(t, "roles", 5, ",", 1, BUF, CAP, &LEN));
    CHECK_TEXT(jwtguard_token_claim_string(t, "roles", 5, " ", 1, BUF, CAP, &LEN), "Reader,Admin");
    CHECK_TEXT(jwtguard_token_claim_json(t, "roles", 5, BUF, CAP, &LEN), "[\"Reader,Admin\"]");
    jwtguard_token_free(t);

    CHECK_RESULT(verify_at(v, "roles_two", NOW, NULL, &t), JWTGUARD_OK);
    CHECK_TEXT(jwtguard_token_claim_string(t, "roles", 5, ",", 1, BUF, CAP, &LEN), "Reader,Admin");
    CHECK_UNSAFE(jwtguard_token_claim_string(t, "roles", 5, NULL, 0, BUF, CAP, &LEN));
    CHECK_UNSAFE(jwtguard_token_claim_string(t, "roles", 5, "\n", 1, BUF, CAP, &LEN));
    jwtguard_token_free(t);

    CHECK_RESULT(verify_at(v, "kid_crlf", NOW, NULL, &t), JWTGUARD_OK);
    CHECK_UNSAFE(jwtguard_token_kid(t, BUF, CAP, &LEN));
    CHECK_TEXT(jwtguard_token_issuer(t, BUF, CAP, &LEN), ISSUER_A);
    jwtguard_token_free(t);

    jwtguard_verifier_free(v);
    jwtguard_keyset_free(a);
    jwtguard_keyset_free(crlf);
    jwtguard_policy_free(p);
}

/* A verifier over provider A's keys (bound to `issuer`) whose policy is the fixtures'
 * audience, `issuer` and what `rules` adds; NULL (and a failed CHECK) when the policy
 * does not build. */
static jwtguard_verifier *with_rules(const char *issuer, void (*rules)(jwtguard_policy_builder *)) {
    const jwtguard_policy *p = NULL;
    const jwtguard_keyset *a = keys("a");
    const jwtguard_slice bound[1] = {{issuer, strlen(issuer)}};
    jwtguard_policy_builder *b = jwtguard_policy_builder_new();
    jwtguard_verifier *v = NULL;
    char detail[256];
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUDIENCE, strlen(AUDIENCE)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, issuer, strlen(issuer)), JWTGUARD_OK);
    rules(b);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &p, detail, sizeof detail), JWTGUARD_OK);
    jwtguard_policy_builder_free(b);
    if (p != NULL) v = one_source(p, a, bound, 1);
    jwtguard_policy_free(p);
    jwtguard_keyset_free(a);
    return v;
}

static void at_jwt_only(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_add_token_type(b, "application/AT+JWT", 18), JWTGUARD_OK);
}
static void reader_and_admin(jwtguard_policy_builder *b) {
    const jwtguard_slice v[2] = {{"Reader", 6}, {"Admin", 5}};
    CHECK_RESULT(jwtguard_policy_builder_add_required_claim(b, "roles", 5, v, 2, JWTGUARD_MATCH_ALL, ", ", 2),
                 JWTGUARD_OK);
}
static void client_1(jwtguard_policy_builder *b) {
    const jwtguard_slice v[1] = {{"client-1", 8}};
    CHECK_RESULT(jwtguard_policy_builder_add_required_claim_or(b, "azp", 3, v, 1, JWTGUARD_MATCH_ANY, NULL, 0,
                                                              "appid", 5),
                 JWTGUARD_OK);
}
static void tenant_1(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_add_allowed_tenant(b, TENANT_1, strlen(TENANT_1)), JWTGUARD_OK);
}
static void any_tenant(jwtguard_policy_builder *b) {
    CHECK_RESULT(jwtguard_policy_builder_any_tenant(b), JWTGUARD_OK);
}
static void no_rule(jwtguard_policy_builder *b) { (void)b; }

/* The rules a C caller adds with the builder reach the core's verifier as written. */
static void test_policy_rules(void) {
    jwtguard_verifier *v;
    jwtguard_policy_builder *b;
    const jwtguard_policy *p = (const jwtguard_policy *)&p;
    char detail[256];

    /* RFC 9068: only at+jwt tokens, compared as media types; without the rule both pass. */
    v = with_rules(ISSUER_A, at_jwt_only);
    CHECK_RESULT(verify(v, "at_jwt"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_TYPE_NOT_ALLOWED);
    CHECK_STR(jwtguard_result_name(JWTGUARD_TOKEN_TYPE_NOT_ALLOWED), "TokenTypeNotAllowed");
    jwtguard_verifier_free(v);
    v = with_rules(ISSUER_A, no_rule);
    CHECK_RESULT(verify(v, "at_jwt"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_OK);
    jwtguard_verifier_free(v);

    /* A two-byte separator splits "Reader, Admin"; one array element is not split. */
    v = with_rules(ISSUER_A, reader_and_admin);
    CHECK_RESULT(verify(v, "roles_string"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "roles_comma"), JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
    CHECK_RESULT(verify(v, "roles_two"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_CLAIM_NOT_FOUND);
    jwtguard_verifier_free(v);

    /* azp, else appid (APIM's client application check). */
    v = with_rules(ISSUER_A, client_1);
    CHECK_RESULT(verify(v, "appid_only"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "azp_other"), JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_CLAIM_NOT_FOUND);
    jwtguard_verifier_free(v);

    /* A multi-tenant issuer: only the allowed tenant, or every tenant when waived. */
    v = with_rules(ENTRA_ISSUER, tenant_1);
    CHECK_RESULT(verify(v, "tenant_1"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "tenant_2"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    CHECK_RESULT(verify(v, "a_es256"), JWTGUARD_TOKEN_ISSUER_NOT_ALLOWED);
    jwtguard_verifier_free(v);
    v = with_rules(ENTRA_ISSUER, any_tenant);
    CHECK_RESULT(verify(v, "tenant_1"), JWTGUARD_OK);
    CHECK_RESULT(verify(v, "tenant_2"), JWTGUARD_OK);
    jwtguard_verifier_free(v);

    /* ... and neither: the policy is refused, saying what to do. */
    b = jwtguard_policy_builder_new();
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUDIENCE, strlen(AUDIENCE)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ENTRA_ISSUER, strlen(ENTRA_ISSUER)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &p, detail, sizeof detail), JWTGUARD_POLICY_INVALID);
    CHECK(p == NULL);
    CHECK(strstr(detail, "allowed tenants") != NULL);
    jwtguard_policy_builder_free(b);
}

int main(int argc, char **argv) {
    tu_init(argc, argv);
    test_issuer_binding();
    test_kid_miss_fallback();
    test_at_most_four_keys();
    test_cache();
    test_jwks_source();
    test_openid_source();
    test_shared_source();
    test_encrypted_tokens();
    test_set_keys();
    test_builder_errors();
    test_export_rule();
    test_policy_rules();
    return tu_summary("test_verifier");
}
