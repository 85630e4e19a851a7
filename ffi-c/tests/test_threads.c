/* Several threads verify tokens while another thread keeps replacing the keys, in the
 * two ways the header documents. Even-numbered readers build a verifier of their own
 * (tu_verify) from one shared policy and a shared "current" key set: they clone the
 * current set under a mutex and free their reference after use; the swapper installs a
 * freshly loaded set and frees its reference to the old one, which lives on until its
 * last reader is done. Odd-numbered readers call jwtguard_verifier_verify on one shared
 * jwtguard_verifier (a key source and a cache), whose keys the swapper replaces with
 * jwtguard_verifier_set_keys, emptying the cache: results must not change, and a
 * cache hit is only ever a token that verifies. Readers also read claims from one
 * token handle shared by all threads. Every result is asserted.
 *
 * Usage: test_threads DIR [ITERATIONS_PER_THREAD] */
#include <pthread.h>

#include "testutil.h"

#define READERS 4
#define NOW 1700000000u
#define AUD "api://jwtguard-test"
#define ISS "https://issuer.example/tenant/v2.0"

struct token_case {
    const char *name;
    jwtguard_result want;
    char *bytes;
    size_t len;
};

static struct token_case cases[] = {
    {"valid_rs256_rsa2048", JWTGUARD_OK, NULL, 0},
    {"valid_rs256_rsa4096", JWTGUARD_OK, NULL, 0},
    {"valid_es256_p256", JWTGUARD_OK, NULL, 0},
    {"exp_now_minus_1_expired", JWTGUARD_TOKEN_EXPIRED, NULL, 0},
    {"bad_signature_and_expired", JWTGUARD_TOKEN_SIGNATURE_INVALID, NULL, 0},
    {"kid_not_in_set", JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND, NULL, 0},
};
#define N_CASES (sizeof cases / sizeof cases[0])

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static const jwtguard_keyset *current; /* guarded by current_lock */
static const jwtguard_policy *policy;  /* shared, never changes */
static const jwtguard_token *shared_token;
static jwtguard_verifier *shared_verifier;
static atomic_int readers_done;
static atomic_ulong verifications, swaps, hits;
static char *documents[2];
static size_t document_lens[2];
static unsigned long iterations = 500;

static const jwtguard_keyset *acquire_keys(void) {
    const jwtguard_keyset *keys;
    pthread_mutex_lock(&current_lock);
    keys = jwtguard_keyset_clone(current);
    pthread_mutex_unlock(&current_lock);
    return keys;
}

static void *reader(void *arg) {
    unsigned long i, seed = (unsigned long)(uintptr_t)arg;
    char buf[64];
    size_t len = 0;
    for (i = 0; i < iterations; i++) {
        const struct token_case *c = &cases[(i + seed) % N_CASES];
        const jwtguard_keyset *keys = acquire_keys();
        jwtguard_token *token = NULL;
        jwtguard_result r;
        bool hit = false;
        CHECK(keys != NULL);
        if (seed % 2 == 1) {
            r = jwtguard_verifier_verify(shared_verifier, (const uint8_t *)c->bytes, c->len, NOW, &token,
                                         &hit, NULL, 0);
            CHECK(!hit || r == JWTGUARD_OK);
            if (hit) atomic_fetch_add(&hits, 1);
        } else {
            r = tu_verify((const uint8_t *)c->bytes, c->len, keys, policy, NOW, &token, NULL, 0);
        }
        if (r != c->want)
            tu_fail(__FILE__, __LINE__, "%s: %s, expected %s", c->name, jwtguard_result_name(r),
                    jwtguard_result_name(c->want));
        if (r == JWTGUARD_OK) {
            CHECK_RESULT(jwtguard_token_subject(token, buf, sizeof buf, &len), JWTGUARD_OK);
            CHECK(len == 6 && memcmp(buf, "user-1", 6) == 0);
        } else {
            CHECK(token == NULL);
        }
        jwtguard_token_free(token);
        jwtguard_keyset_free(keys);
        /* The shared token is read concurrently by every reader. */
        CHECK_RESULT(jwtguard_token_kid(shared_token, buf, sizeof buf, &len), JWTGUARD_OK);
        CHECK(len == 7 && memcmp(buf, "ec-p256", 7) == 0);
        atomic_fetch_add(&verifications, 1);
    }
    atomic_fetch_add(&readers_done, 1);
    return NULL;
}

static void *swapper(void *arg) {
    unsigned long n = 0;
    (void)arg;
    while (atomic_load(&readers_done) < READERS) {
        const jwtguard_keyset *fresh = NULL, *old;
        size_t which = n++ % 2;
        CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)documents[which], document_lens[which], &fresh),
                     JWTGUARD_OK);
        pthread_mutex_lock(&current_lock);
        old = current;
        current = fresh;
        pthread_mutex_unlock(&current_lock);
        jwtguard_keyset_free(old); /* readers holding it keep it alive */
        /* The verifier shares the set; its readers need no lock. */
        CHECK_RESULT(jwtguard_verifier_set_keys(shared_verifier, 0, fresh), JWTGUARD_OK);
        atomic_fetch_add(&swaps, 1);
    }
    return NULL;
}

int main(int argc, char **argv) {
    pthread_t readers[READERS], swap_thread;
    jwtguard_policy_builder *b;
    jwtguard_verifier_builder *vb;
    jwtguard_token *token = NULL;
    char rel[256];
    size_t i;

    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: %s FIXTURE_DIR [ITERATIONS_PER_THREAD]\n", argv[0]);
        return 2;
    }
    tu_dir = argv[1];
    if (argc == 3) iterations = strtoul(argv[2], NULL, 10);
    for (i = 0; i < N_CASES; i++) {
        snprintf(rel, sizeof rel, "tokens/claims.%s.txt", cases[i].name);
        cases[i].bytes = tu_read(rel, &cases[i].len);
    }
    /* Two equivalent key sets: the same keys, in a different order. */
    documents[0] = tu_read("jwks/claims.main.json", &document_lens[0]);
    documents[1] = tu_read("main_reversed.json", &document_lens[1]);
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)documents[0], document_lens[0], &current),
                 JWTGUARD_OK);

    b = jwtguard_policy_builder_new();
    CHECK_RESULT(jwtguard_policy_builder_add_audience(b, AUD, strlen(AUD)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_add_issuer(b, ISS, strlen(ISS)), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_policy_builder_build(b, &policy, NULL, 0), JWTGUARD_OK);
    jwtguard_policy_builder_free(b);
    CHECK_RESULT(tu_verify((const uint8_t *)cases[2].bytes, cases[2].len, current, policy, NOW,
                                 &token, NULL, 0),
                 JWTGUARD_OK);
    shared_token = token;
    vb = jwtguard_verifier_builder_new(policy);
    CHECK(vb != NULL);
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(vb, current, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_set_cache(vb, 4, jwtguard_default_cache_ttl()), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_build(vb, &shared_verifier, NULL, 0), JWTGUARD_OK);

    CHECK(pthread_create(&swap_thread, NULL, swapper, NULL) == 0);
    for (i = 0; i < READERS; i++)
        CHECK(pthread_create(&readers[i], NULL, reader, (void *)(uintptr_t)i) == 0);
    for (i = 0; i < READERS; i++) CHECK(pthread_join(readers[i], NULL) == 0);
    CHECK(pthread_join(swap_thread, NULL) == 0);

    CHECK(atomic_load(&verifications) == READERS * iterations);
    CHECK(atomic_load(&swaps) > 0);
    printf("test_threads: %d readers x %lu verifications (%lu cache hits), %lu key set swaps\n", READERS,
           iterations, atomic_load(&hits), atomic_load(&swaps));

    jwtguard_token_free(token);
    jwtguard_verifier_free(shared_verifier);
    jwtguard_keyset_free(current);
    jwtguard_policy_free(policy);
    for (i = 0; i < N_CASES; i++) free(cases[i].bytes);
    free(documents[0]);
    free(documents[1]);
    return tu_summary("test_threads");
}
