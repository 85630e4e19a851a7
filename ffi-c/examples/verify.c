/* verify.c: verifies a JWT access token with a jwtguard verifier and prints its claims,
 * or why it was rejected.
 *
 *   cc verify.c -o verify $(pkg-config --cflags --libs jwtguard)
 *   ./verify JWKS_FILE TOKEN_FILE AUDIENCE ISSUER [NOW]
 *
 * Exit status: 0 valid, 1 rejected, 2 usage or setup error. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jwtguard.h>

/* Reads a whole file into a malloc'ed buffer; NULL on error. */
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    long size = 0;
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)size + 1)) != NULL &&
        (*len = fread(data, 1, (size_t)size, f)) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    return data;
}

/* Prints a string value of the token, retrying with a bigger buffer if needed. */
static void print_value(const char *label, const jwtguard_token *token,
                        jwtguard_result (*get)(const jwtguard_token *, char *, size_t, size_t *)) {
    char small[64], *big = NULL;
    size_t len = 0;
    jwtguard_result r = get(token, small, sizeof small, &len);
    if (r == JWTGUARD_BUFFER_TOO_SMALL && (big = malloc(len + 1)) != NULL)
        r = get(token, big, len + 1, &len);
    if (r == JWTGUARD_OK)
        printf("%s: %s\n", label, big ? big : small);
    else
        printf("%s: (%s)\n", label, jwtguard_result_name(r));
    free(big);
}

int main(int argc, char **argv) {
    char detail[256], scopes[256];
    size_t jwks_len = 0, token_len = 0, scopes_len = 0;
    const jwtguard_keyset *keys = NULL;
    const jwtguard_policy *policy = NULL;
    jwtguard_verifier *verifier = NULL;
    jwtguard_token *verified = NULL;
    jwtguard_policy_builder *builder;
    jwtguard_verifier_builder *sources;
    jwtguard_slice issuer;
    jwtguard_result r;
    uint64_t now, exp;
    char *jwks, *token;

    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: %s JWKS_FILE TOKEN_FILE AUDIENCE ISSUER [NOW]\n", argv[0]);
        return 2;
    }
    now = argc == 6 ? strtoull(argv[5], NULL, 10) : (uint64_t)time(NULL);
    jwks = read_file(argv[1], &jwks_len);
    token = read_file(argv[2], &token_len);
    if (jwks == NULL || token == NULL) {
        fprintf(stderr, "cannot read %s\n", jwks == NULL ? argv[1] : argv[2]);
        return 2;
    }
    while (token_len > 0 && strchr(" \t\r\n", token[token_len - 1]) != NULL)
        token_len--; /* a token file often ends with a newline; the token does not */

    /* Once: the rules of your API. A failed setter also makes build() fail. */
    builder = jwtguard_policy_builder_new();
    jwtguard_policy_builder_add_audience(builder, argv[3], strlen(argv[3]));
    jwtguard_policy_builder_add_issuer(builder, argv[4], strlen(argv[4]));
    jwtguard_policy_builder_set_clock_skew(builder, 60);
    r = jwtguard_policy_builder_build(builder, &policy, detail, sizeof detail);
    jwtguard_policy_builder_free(builder);
    if (r != JWTGUARD_OK) {
        fprintf(stderr, "policy rejected: %s\n", detail);
        return 2;
    }

    /* Once: where the keys come from, each source bound to the issuer its keys sign
     * for. Here a key file; jwtguard_verifier_builder_add_openid_config() adds a
     * provider's discovery URL instead (your HTTP client then fetches what
     * jwtguard_verifier_start_fetch() asks for). A failed call also makes build() fail. */
    r = jwtguard_keyset_new_with_options((const uint8_t *)jwks, jwks_len, 0, 0, &keys,
                                         detail, sizeof detail);
    if (r != JWTGUARD_OK) {
        fprintf(stderr, "key set rejected: %s\n", detail);
        return 2;
    }
    issuer.data = argv[4];
    issuer.len = strlen(argv[4]);
    sources = jwtguard_verifier_builder_new(policy);
    jwtguard_verifier_builder_add_keys(sources, keys, &issuer, 1, NULL);
    jwtguard_verifier_builder_set_cache(sources, jwtguard_default_cache_size(),
                                        jwtguard_default_cache_ttl());
    r = jwtguard_verifier_builder_build(sources, &verifier, detail, sizeof detail);
    jwtguard_keyset_free(keys); /* the verifier holds its own references */
    jwtguard_policy_free(policy);
    if (r != JWTGUARD_OK) {
        fprintf(stderr, "verifier not built: %s\n", detail);
        return 2;
    }

    /* Per request, from any thread: the bearer token and the current time. */
    r = jwtguard_verifier_verify(verifier, (const uint8_t *)token, token_len, now, &verified,
                                 NULL, detail, sizeof detail);
    if (r == JWTGUARD_OK) {
        /* Text comes out only when it is safe in a header or a log line: a value with
         * a control character is JWTGUARD_CLAIM_UNSAFE, never written. */
        printf("valid (%s)\n", jwtguard_token_alg(verified));
        print_value("sub", verified, jwtguard_token_subject);
        print_value("iss", verified, jwtguard_token_issuer);
        print_value("aud", verified, jwtguard_token_audience);
        print_value("kid", verified, jwtguard_token_kid);
        if (jwtguard_token_expiration(verified, &exp) == JWTGUARD_OK)
            printf("exp: %llu\n", (unsigned long long)exp);
        if (jwtguard_token_claim_string(verified, "scp", 3, " ", 1, scopes, sizeof scopes,
                                        &scopes_len) == JWTGUARD_OK)
            printf("scp: %s\n", scopes);
        jwtguard_token_free(verified);
    } else {
        /* Answer 401; log the reason (never the token). */
        printf("rejected: %s (%u)\n%s\n", jwtguard_result_name(r), (unsigned)r, detail);
    }

    jwtguard_verifier_free(verifier);
    free(jwks);
    free(token);
    return r == JWTGUARD_OK ? 0 : 1;
}
