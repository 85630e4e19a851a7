/* test_http.c: the HTTP helpers (jwtguard_http_*) at the C interface:
 *   - jwtguard_http_find_token for each token source: the Authorization scheme rule,
 *     other headers, the last word, query parameters, cookies, and what is not a token;
 *   - jwtguard_http_decode_token and jwtguard_token_source_is_url_encoded: a token of a
 *     query parameter or a cookie percent-decoded, strictly;
 *   - jwtguard_http_challenge: the WWW-Authenticate value of each kind of rejection;
 *   - both with NULL and invalid arguments.
 *
 * Usage: test_http FIXTURE_DIR (unused: the inputs are written here) */
#include "testutil.h"

/* Finds the token of `source` named `name` in `text`: `want` is the token, or NULL
 * when the text holds none. */
static void check_token(jwtguard_token_source source, const char *name, const char *scheme,
                        const char *text, const char *want) {
    size_t offset = 99, len = 99;
    jwtguard_result rc = jwtguard_http_find_token(source, name, strlen(name), scheme,
                                                  strlen(scheme), (const uint8_t *) text,
                                                  strlen(text), &offset, &len);
    if (want == NULL) {
        CHECK_RESULT(rc, JWTGUARD_TOKEN_NOT_PRESENT);
        CHECK(offset == 0 && len == 0);
        return;
    }
    CHECK_RESULT(rc, JWTGUARD_OK);
    CHECK(offset + len <= strlen(text));
    CHECK(len == strlen(want) && memcmp(text + offset, want, len) == 0);
}

static void test_find_token(void) {
    const jwtguard_token_source header = JWTGUARD_TOKEN_SOURCE_HEADER;

    /* Authorization: the scheme (Bearer unless given), case-insensitive, then a blank */
    check_token(header, "Authorization", "", "Bearer abc.def.ghi", "abc.def.ghi");
    check_token(header, "authorization", "", " \tbEARER \t abc \t", "abc");
    check_token(header, "Authorization", "DPoP", "dpop abc", "abc");
    check_token(header, "Authorization", "", "Bearer   ", "");
    check_token(header, "Authorization", "", "Bearer", NULL);
    check_token(header, "Authorization", "", "Bearerabc", NULL);
    check_token(header, "Authorization", "", "Basic abc", NULL);
    check_token(header, "Authorization", "DPoP", "Bearer abc", NULL);

    /* another header: the whole value, trimmed; the last word */
    check_token(header, "X-Token", "", "  Bearer abc ", "Bearer abc");
    check_token(JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD, "X-Token", "", "Bearer  abc", "abc");
    check_token(JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD, "X-Token", "", "abc", "abc");

    /* the first item named exactly so; query items are not trimmed, cookies are */
    check_token(JWTGUARD_TOKEN_SOURCE_QUERY, "t", "", "a=1&t=abc&t=def", "abc");
    check_token(JWTGUARD_TOKEN_SOURCE_QUERY, "t", "", "tt=1&T=2& t=3", NULL);
    check_token(JWTGUARD_TOKEN_SOURCE_COOKIE, "at", "", "a=1; at=abc ;at=def", "abc");
    check_token(JWTGUARD_TOKEN_SOURCE_COOKIE, "at", "", "x_at=1;At=2", NULL);

    /* arguments */
    size_t offset = 0, len = 0;
    CHECK_RESULT(jwtguard_http_find_token(0, "t", 1, NULL, 0, (const uint8_t *) "t=1", 3,
                                          &offset, &len),
                 JWTGUARD_INVALID_PARAMETER);
    CHECK_RESULT(jwtguard_http_find_token(header, "X", 1, NULL, 0, NULL, 0, &offset, &len),
                 JWTGUARD_OK);
    CHECK(len == 0);
    CHECK_RESULT(jwtguard_http_find_token(header, "X", 1, NULL, 0, NULL, 5, &offset, &len),
                 JWTGUARD_NULL_PARAMETER);
    CHECK_RESULT(jwtguard_http_find_token(header, "X", 1, NULL, 0, NULL, 0, NULL, &len),
                 JWTGUARD_NULL_PARAMETER);
}

/* Decodes `text`: `want` is the token, or NULL when it is malformed. */
static void check_decoded(const char *text, const char *want) {
    char buf[64];
    size_t len = 99;
    jwtguard_result rc = jwtguard_http_decode_token((const uint8_t *) text, strlen(text), buf,
                                                    sizeof buf, &len);
    if (want == NULL) {
        CHECK_RESULT(rc, JWTGUARD_TOKEN_MALFORMED);
        CHECK(len == 0);
        return;
    }
    CHECK_RESULT(rc, JWTGUARD_OK);
    CHECK_STR(buf, want);
    CHECK(len == strlen(want));
}

static void test_decode_token(void) {
    char small[4];
    size_t len = 99;

    CHECK(jwtguard_token_source_is_url_encoded(JWTGUARD_TOKEN_SOURCE_QUERY));
    CHECK(jwtguard_token_source_is_url_encoded(JWTGUARD_TOKEN_SOURCE_COOKIE));
    CHECK(!jwtguard_token_source_is_url_encoded(JWTGUARD_TOKEN_SOURCE_HEADER));
    CHECK(!jwtguard_token_source_is_url_encoded(JWTGUARD_TOKEN_SOURCE_HEADER_LAST_WORD));
    CHECK(!jwtguard_token_source_is_url_encoded(0));

    check_decoded("eyJ.eyJ.c2ln", "eyJ.eyJ.c2ln");
    check_decoded("eyJ%2EeyJ%2ec2ln", "eyJ.eyJ.c2ln");
    check_decoded("a+b%5F", "a+b_");
    check_decoded("%252E", "%2E");
    check_decoded("", "");
    check_decoded("%", NULL);
    check_decoded("a%2", NULL);
    check_decoded("a%zz", NULL);

    /* the buffer convention: the length is said, nothing is written */
    CHECK_RESULT(jwtguard_http_decode_token((const uint8_t *) "abcd", 4, small, sizeof small, &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == 4);
    CHECK_RESULT(jwtguard_http_decode_token(NULL, 3, small, sizeof small, &len),
                 JWTGUARD_NULL_PARAMETER);
}

static void test_challenge(void) {
    CHECK_TEXT(jwtguard_http_challenge(JWTGUARD_TOKEN_NOT_PRESENT, 401, NULL, 0, BUF, CAP, &LEN),
               "Bearer");
    CHECK_TEXT(jwtguard_http_challenge(JWTGUARD_TOKEN_NOT_PRESENT, 403, "api", 3, BUF, CAP, &LEN),
               "Bearer realm=\"api\"");
    CHECK_TEXT(jwtguard_http_challenge(JWTGUARD_TOKEN_EXPIRED, 401, NULL, 0, BUF, CAP, &LEN),
               "Bearer error=\"invalid_token\", error_description=\"TokenExpired\"");
    CHECK_TEXT(jwtguard_http_challenge(JWTGUARD_TOKEN_CLAIM_VALUE_NOT_ALLOWED, 403, "api", 3, BUF,
                                       CAP, &LEN),
               "Bearer realm=\"api\", error=\"insufficient_scope\", "
               "error_description=\"TokenClaimValueNotAllowed\"");
    CHECK_TEXT(jwtguard_http_challenge(JWTGUARD_TOKEN_CLAIM_NOT_FOUND, 401, "api", 3, BUF, CAP,
                                       &LEN),
               "Bearer realm=\"api\", error=\"invalid_token\", "
               "error_description=\"TokenClaimNotFound\"");
    /* a code that is not one of the core's reasons */
    CHECK_TEXT(jwtguard_http_challenge(JWTGUARD_NULL_PARAMETER, 401, NULL, 0, BUF, CAP, &LEN),
               "Bearer error=\"invalid_token\", error_description=\"Unknown\"");
    char small[10] = "Z";
    size_t len = 0;
    CHECK_RESULT(jwtguard_http_challenge(JWTGUARD_TOKEN_EXPIRED, 401, NULL, 0, small, sizeof small,
                                         &len),
                 JWTGUARD_BUFFER_TOO_SMALL);
    CHECK(len == strlen("Bearer error=\"invalid_token\", error_description=\"TokenExpired\"")
          && small[0] == 'Z');
    CHECK_RESULT(jwtguard_http_challenge(JWTGUARD_TOKEN_EXPIRED, 401, NULL, 3, NULL, 0, NULL),
                 JWTGUARD_NULL_PARAMETER);
}

int main(int argc, char **argv) {
    tu_init(argc, argv);
    test_find_token();
    test_decode_token();
    test_challenge();
    return tu_summary("test_http");
}
