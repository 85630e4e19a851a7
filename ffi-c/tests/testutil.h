/* Tiny test harness shared by the C tests: counted checks, file reading, hex text.
 * Each test program prints "<name>: N passed, N failed" last and exits non-zero on
 * any failure. Counters are atomic so the threaded test can check from any thread. */
#ifndef JWTGUARD_TESTUTIL_H
#define JWTGUARD_TESTUTIL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jwtguard.h"

static atomic_ulong tu_passed;
static atomic_ulong tu_failed;
static const char *tu_dir = "."; /* where extract_fixtures.py wrote the files */

static inline void tu_fail(const char *file, int line, const char *fmt, ...) {
    va_list ap;
    atomic_fetch_add(&tu_failed, 1);
    fprintf(stderr, "FAIL %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* CHECK(condition) */
#define CHECK(cond)                                                                            \
    ((cond) ? (void)atomic_fetch_add(&tu_passed, 1) : tu_fail(__FILE__, __LINE__, "%s", #cond))

/* CHECK_RESULT(call, expected jwtguard_result) */
#define CHECK_RESULT(expr, want) tu_check_result((expr), (want), #expr, __FILE__, __LINE__)
static inline void tu_check_result(jwtguard_result got, jwtguard_result want, const char *expr,
                                   const char *file, int line) {
    if (got == want)
        atomic_fetch_add(&tu_passed, 1);
    else
        tu_fail(file, line, "%s returned %s (%u), expected %s (%u)", expr,
                jwtguard_result_name(got), (unsigned)got, jwtguard_result_name(want),
                (unsigned)want);
}

/* CHECK_STR(actual C string, expected C string) */
#define CHECK_STR(got, want) tu_check_str((got), (want), #got, __FILE__, __LINE__)
static inline void tu_check_str(const char *got, const char *want, const char *expr,
                                const char *file, int line) {
    if (got != NULL && strcmp(got, want) == 0)
        atomic_fetch_add(&tu_passed, 1);
    else
        tu_fail(file, line, "%s is \"%s\", expected \"%s\"", expr, got ? got : "(null)", want);
}

/* CHECK_PREFIX(actual C string, expected prefix) */
#define CHECK_PREFIX(got, prefix) tu_check_prefix((got), (prefix), #got, __FILE__, __LINE__)
static inline void tu_check_prefix(const char *got, const char *prefix, const char *expr,
                                   const char *file, int line) {
    if (got != NULL && strncmp(got, prefix, strlen(prefix)) == 0)
        atomic_fetch_add(&tu_passed, 1);
    else
        tu_fail(file, line, "%s is \"%s\", expected it to start with \"%s\"", expr,
                got ? got : "(null)", prefix);
}

/* Reads tu_dir/rel into a malloc'ed, NUL-terminated buffer (exits on error). */
static inline char *tu_read(const char *rel, size_t *len) {
    char path[4096];
    FILE *f;
    char *data;
    long size;
    snprintf(path, sizeof path, "%s/%s", tu_dir, rel);
    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (data = malloc((size_t)size + 1)) == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    if (fread(data, 1, (size_t)size, f) != (size_t)size) {
        fprintf(stderr, "short read on %s\n", path);
        exit(2);
    }
    fclose(f);
    data[size] = '\0';
    if (len != NULL) *len = (size_t)size;
    return data;
}

/* Decodes "x<hex>" (extract_fixtures.py's text encoding) into a malloc'ed,
 * NUL-terminated buffer; returns NULL if malformed. */
static inline char *tu_unhex(const char *field, size_t *len) {
    size_t n, i;
    char *out;
    if (field == NULL || field[0] != 'x' || (strlen(field) - 1) % 2 != 0) return NULL;
    n = (strlen(field) - 1) / 2;
    out = malloc(n + 1);
    if (out == NULL) return NULL;
    for (i = 0; i < n; i++) {
        unsigned int byte;
        if (sscanf(field + 1 + 2 * i, "%2x", &byte) != 1) {
            free(out);
            return NULL;
        }
        out[i] = (char)byte;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

/* Loads the key set in file tu_dir/rel (a failed load is a failed check; NULL then). */
static inline const jwtguard_keyset *tu_load_keys(const char *rel) {
    size_t len = 0;
    char *jwks = tu_read(rel, &len);
    const jwtguard_keyset *keys = NULL;
    CHECK_RESULT(jwtguard_keyset_new((const uint8_t *)jwks, len, &keys), JWTGUARD_OK);
    CHECK(keys != NULL);
    free(jwks);
    return keys;
}

/* A verifier whose one source is `keys` (bound to the issuers `policy` allows), without
 * a cache: what a caller with one key set builds. NULL (after a failed check) when it
 * cannot be built. */
static inline jwtguard_verifier *tu_verifier(const jwtguard_keyset *keys, const jwtguard_policy *policy) {
    jwtguard_verifier_builder *b = jwtguard_verifier_builder_new(policy);
    jwtguard_verifier *v = NULL;
    CHECK(b != NULL);
    if (b == NULL) return NULL;
    CHECK_RESULT(jwtguard_verifier_builder_add_keys(b, keys, NULL, 0, NULL), JWTGUARD_OK);
    CHECK_RESULT(jwtguard_verifier_builder_build(b, &v, NULL, 0), JWTGUARD_OK);
    return v;
}

/* Verifies `token` with a verifier from tu_verifier(keys, policy), built for this one
 * call; `*out` and `detail` as jwtguard_verifier_verify() writes them. */
static inline jwtguard_result tu_verify(const uint8_t *token, size_t len, const jwtguard_keyset *keys,
                                        const jwtguard_policy *policy, uint64_t now,
                                        jwtguard_token **out, char *detail, size_t detail_cap) {
    jwtguard_verifier *v = tu_verifier(keys, policy);
    jwtguard_result r = jwtguard_verifier_verify(v, token, len, now, out, NULL, detail, detail_cap);
    jwtguard_verifier_free(v);
    return r;
}

/* CHECK_TEXT(call using BUF, CAP and &LEN, expected text): the call succeeds and
 * writes exactly the expected text, NUL-terminated, with LEN its length. */
#define CHECK_TEXT(call, want)                                                            \
    do {                                                                                  \
        char BUF[512];                                                                    \
        size_t LEN = 12345;                                                               \
        const size_t CAP = sizeof BUF;                                                    \
        jwtguard_result r_ = (call);                                                      \
        CHECK_RESULT(r_, JWTGUARD_OK);                                                    \
        if (r_ == JWTGUARD_OK) {                                                          \
            CHECK(LEN == strlen(want));                                                   \
            CHECK_STR(BUF, want);                                                         \
        }                                                                                 \
    } while (0)

/* CHECK_TEXT_FAILS(call using BUF, CAP and &LEN, expected result): nothing written,
 * LEN reset to 0. */
#define CHECK_TEXT_FAILS(call, want_result)                                               \
    do {                                                                                  \
        char BUF[512];                                                                    \
        size_t LEN = 12345;                                                               \
        const size_t CAP = sizeof BUF;                                                    \
        BUF[0] = 'Z';                                                                     \
        CHECK_RESULT((call), want_result);                                                \
        CHECK(LEN == 0 && BUF[0] == 'Z');                                                 \
    } while (0)

/* Reads the one argument of a test program, FIXTURE_DIR, into tu_dir; exits with a
 * usage message otherwise. */
static inline void tu_init(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FIXTURE_DIR\n", argv[0]);
        exit(2);
    }
    tu_dir = argv[1];
}

static inline int tu_summary(const char *name) {
    unsigned long passed = atomic_load(&tu_passed), failed = atomic_load(&tu_failed);
    printf("%s: %lu passed, %lu failed\n", name, passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}

#endif /* JWTGUARD_TESTUTIL_H */
