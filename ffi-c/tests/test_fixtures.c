/* Runs every case of the core's token fixtures (claims.json, attacks.json,
 * algorithms.json: tokens minted by PyJWT, every algorithm the core implements) through
 * the C ABI: the key set through jwtguard_keyset_new_with_options (with the case's
 * JWTGUARD_KEYSET_* flags), the case's policy through the builder, the token through
 * a verifier with that key set as its one source (jwtguard_verifier_verify), and checks
 * the result name against the case's expectation and the detail's shape.
 *
 * Usage: test_fixtures DIR   (DIR as written by extract_fixtures.py) */
#include "testutil.h"

#define MAX_FIELDS 600

struct fixture_case {
    char name[256];
    char jwks[512];
    char token[512];
    char expect[128];
    int expect_key_set;
    uint32_t key_flags;
    uint64_t now;
    jwtguard_policy_builder *builder;
};

/* Splits a line on spaces in place. */
static size_t split(char *line, char **fields, size_t max) {
    size_t n = 0;
    while (*line != '\0' && n < max) {
        while (*line == ' ') line++;
        if (*line == '\0') break;
        fields[n++] = line;
        while (*line != '\0' && *line != ' ') line++;
        if (*line == ' ') *line++ = '\0';
    }
    return n;
}

static void copy_field(char *dst, size_t cap, const char *src) {
    snprintf(dst, cap, "%s", src);
}

/* "audience <hex>" and "issuer <hex>" */
static jwtguard_result add_text(jwtguard_policy_builder *b, const char *field,
                                jwtguard_result (*add)(jwtguard_policy_builder *, const char *,
                                                       size_t)) {
    size_t len = 0;
    char *text = tu_unhex(field, &len);
    jwtguard_result r;
    if (text == NULL) return JWTGUARD_INVALID_PARAMETER;
    r = add(b, text, len);
    free(text);
    return r;
}

/* "claim <name> <all|any> <separator> <n> <value>..." */
static jwtguard_result add_claim(jwtguard_policy_builder *b, char **f, size_t n) {
    size_t name_len = 0, sep_len = 0, n_values, i;
    char *name, *sep;
    jwtguard_slice *values;
    jwtguard_result r;
    if (n < 5) return JWTGUARD_INVALID_PARAMETER;
    n_values = strtoul(f[4], NULL, 10);
    if (n != 5 + n_values) return JWTGUARD_INVALID_PARAMETER;
    name = tu_unhex(f[1], &name_len);
    sep = strcmp(f[3], "-") == 0 ? NULL : tu_unhex(f[3], &sep_len);
    values = calloc(n_values + 1, sizeof *values);
    if (name == NULL || values == NULL) return JWTGUARD_INVALID_PARAMETER;
    for (i = 0; i < n_values; i++) values[i].data = tu_unhex(f[5 + i], &values[i].len);
    r = jwtguard_policy_builder_add_required_claim(
        b, name, name_len, n_values ? values : NULL, n_values,
        strcmp(f[2], "any") == 0 ? JWTGUARD_MATCH_ANY : JWTGUARD_MATCH_ALL,
        sep, sep_len);
    for (i = 0; i < n_values; i++) free((char *)values[i].data);
    free(values);
    free(name);
    free(sep);
    return r;
}

static void run_case(struct fixture_case *c) {
    char detail[512], prefix[160];
    size_t jwks_len = 0, token_len = 0;
    char *jwks = tu_read(c->jwks, &jwks_len);
    const jwtguard_keyset *keys = NULL;
    const jwtguard_policy *policy = NULL;
    jwtguard_token *token = NULL;
    const char *want = strcmp(c->expect, "valid") == 0 ? "Ok" : c->expect;
    jwtguard_result r = jwtguard_keyset_new_with_options((const uint8_t *)jwks, jwks_len, c->key_flags,
                                                         0, &keys, detail, sizeof detail);
    free(jwks);
    snprintf(prefix, sizeof prefix, "%s: ", want);
    if (c->expect_key_set) {
        if (strcmp(jwtguard_result_name(r), want) == 0 && keys == NULL &&
            strncmp(detail, prefix, strlen(prefix)) == 0)
            atomic_fetch_add(&tu_passed, 1);
        else
            tu_fail(__FILE__, __LINE__, "case %s: key set gave %s (\"%s\"), expected %s", c->name,
                    jwtguard_result_name(r), detail, want);
        jwtguard_keyset_free(keys);
        return;
    }
    if (r != JWTGUARD_OK) {
        tu_fail(__FILE__, __LINE__, "case %s: key set failed: %s", c->name, detail);
        return;
    }
    r = jwtguard_policy_builder_build(c->builder, &policy, detail, sizeof detail);
    if (r != JWTGUARD_OK) {
        tu_fail(__FILE__, __LINE__, "case %s: policy failed: %s", c->name, detail);
        jwtguard_keyset_free(keys);
        return;
    }
    {
        char *bytes = tu_read(c->token, &token_len);
        r = tu_verify((const uint8_t *)bytes, token_len, keys, policy, c->now, &token, detail,
                            sizeof detail);
        free(bytes);
    }
    if (strcmp(jwtguard_result_name(r), want) != 0) {
        tu_fail(__FILE__, __LINE__, "case %s: verify gave %s (\"%s\"), expected %s", c->name,
                jwtguard_result_name(r), detail, want);
    } else if (r == JWTGUARD_OK) {
        CHECK(token != NULL);
        CHECK_STR(detail, "");
        CHECK(jwtguard_token_alg(token) != NULL);
    } else {
        CHECK(token == NULL);
        CHECK_PREFIX(detail, prefix);
    }
    jwtguard_token_free(token);
    jwtguard_policy_free(policy);
    jwtguard_keyset_free(keys);
}

int main(int argc, char **argv) {
    static char *f[MAX_FIELDS];
    struct fixture_case c;
    size_t n, cases = 0;
    char *text, *line, *next;
    tu_init(argc, argv);
    text = tu_read("cases.txt", NULL);
    memset(&c, 0, sizeof c);
    for (line = text; line != NULL && *line != '\0'; line = next) {
        next = strchr(line, '\n');
        if (next != NULL) *next++ = '\0';
        n = split(line, f, MAX_FIELDS);
        if (n == 0) continue;
        if (strcmp(f[0], "case") == 0 && n == 2) {
            jwtguard_policy_builder_free(c.builder);
            memset(&c, 0, sizeof c);
            copy_field(c.name, sizeof c.name, f[1]);
            c.builder = jwtguard_policy_builder_new();
            CHECK(c.builder != NULL);
        } else if (c.builder == NULL) {
            tu_fail(__FILE__, __LINE__, "line outside a case: %s", f[0]);
        } else if (strcmp(f[0], "jwks") == 0 && n == 2) {
            copy_field(c.jwks, sizeof c.jwks, f[1]);
        } else if (strcmp(f[0], "token") == 0 && n == 2) {
            copy_field(c.token, sizeof c.token, f[1]);
        } else if (strcmp(f[0], "key_flags") == 0 && n == 2) {
            c.key_flags = (uint32_t)strtoul(f[1], NULL, 10);
        } else if (strcmp(f[0], "now") == 0 && n == 2) {
            c.now = strtoull(f[1], NULL, 10);
        } else if ((strcmp(f[0], "expect") == 0 || strcmp(f[0], "expect_key_set") == 0) &&
                   n == 2) {
            copy_field(c.expect, sizeof c.expect, f[1]);
            c.expect_key_set = strcmp(f[0], "expect_key_set") == 0;
        } else if (strcmp(f[0], "audience") == 0 && n == 2) {
            CHECK_RESULT(add_text(c.builder, f[1], jwtguard_policy_builder_add_audience),
                         JWTGUARD_OK);
        } else if (strcmp(f[0], "issuer") == 0 && n == 2) {
            CHECK_RESULT(add_text(c.builder, f[1], jwtguard_policy_builder_add_issuer),
                         JWTGUARD_OK);
        } else if (strcmp(f[0], "any_audience") == 0) {
            CHECK_RESULT(jwtguard_policy_builder_any_audience(c.builder), JWTGUARD_OK);
        } else if (strcmp(f[0], "any_issuer") == 0) {
            CHECK_RESULT(jwtguard_policy_builder_any_issuer(c.builder), JWTGUARD_OK);
        } else if (strcmp(f[0], "clock_skew") == 0 && n == 2) {
            CHECK_RESULT(jwtguard_policy_builder_set_clock_skew(c.builder, strtoull(f[1], NULL, 10)),
                         JWTGUARD_OK);
        } else if (strcmp(f[0], "require_expiration_time") == 0 && n == 2) {
            CHECK_RESULT(jwtguard_policy_builder_set_require_expiration_time(c.builder, f[1][0] == '1'),
                         JWTGUARD_OK);
        } else if (strcmp(f[0], "algorithms") == 0 && n == 2) {
            CHECK_RESULT(jwtguard_policy_builder_set_algorithms(c.builder,
                                                                (uint32_t)strtoul(f[1], NULL, 10)),
                         JWTGUARD_OK);
        } else if (strcmp(f[0], "kid_miss_fallback") == 0 && n == 2) {
            CHECK_RESULT(jwtguard_policy_builder_set_kid_miss_fallback(c.builder, f[1][0] == '1'),
                         JWTGUARD_OK);
        } else if (strcmp(f[0], "check_key_issuer") == 0 && n == 2) {
            CHECK_RESULT(jwtguard_policy_builder_set_check_key_issuer(c.builder, f[1][0] == '1'),
                         JWTGUARD_OK);
        } else if (strcmp(f[0], "claim") == 0) {
            CHECK_RESULT(add_claim(c.builder, f, n), JWTGUARD_OK);
        } else if (strcmp(f[0], "end") == 0) {
            run_case(&c);
            cases++;
            jwtguard_policy_builder_free(c.builder);
            c.builder = NULL;
        } else {
            tu_fail(__FILE__, __LINE__, "unknown line in cases.txt: %s", f[0]);
        }
    }
    jwtguard_policy_builder_free(c.builder);
    free(text);
    printf("test_fixtures: %lu fixture cases run\n", (unsigned long)cases);
    CHECK(cases >= 260);
    return tu_summary("test_fixtures");
}
