/*
 * ngx_http_jwtguard_module: verifies JWT access tokens in the access phase with the
 * jwtguard core, as Azure API Management's validate-jwt policy does.
 *
 * Every decision is the core's: each location that checks tokens has one
 * jwtguard_verifier, built at configuration time from its policy and its key sources
 * (key files, the keys request, an APIM policy's inline keys; each source bound to its
 * own issuers or to the policy's), with the verified-token cache. A location that
 * changes nothing about verification shares its parent's verifier. Per request: the
 * token where jwtguard_http_find_token() finds it, one jwtguard_verifier_verify(), and
 * for a rejection jwtguard_http_challenge(); the verified token is kept in the request
 * context for the $jwtguard_claim_<name> and $jwtguard_kid variables (whose text the
 * core refuses when it is not safe in a header or a log line) and freed by a request
 * pool cleanup.
 *
 * The module does the I/O: it reads key files (once per configuration, then again in
 * each worker when a file's mtime (to the nanosecond), size or inode changed, its
 * last read failed, or it was read in the second it was written, checked at most
 * every `check=` seconds) and hands them to the verifiers with
 * jwtguard_verifier_set_keys(); it fetches the keys request with a subrequest when
 * jwtguard_verifier_start_fetch() says a fetch is due, and answers the core with
 * jwtguard_verifier_offer() or jwtguard_verifier_fetch_failed().
 *
 * Workers are single-threaded and share nothing mutable: each worker has its own copy
 * of every verifier (made by fork), so its own key sets, fetch schedule and cache.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <jwtguard.h>


#define NGX_HTTP_JWTGUARD_MAX_FILE    (1024 * 1024)
#define NGX_HTTP_JWTGUARD_DETAIL      256
#define NGX_HTTP_JWTGUARD_CLAIM_PREFIX "jwtguard_claim_"

/* what ngx_http_jwtguard_copy() copies */
#define NGX_HTTP_JWTGUARD_GET_KID     0
#define NGX_HTTP_JWTGUARD_GET_CLAIM   1
#define NGX_HTTP_JWTGUARD_GET_FAILURE 2
#define NGX_HTTP_JWTGUARD_GET_URL     3
#define NGX_HTTP_JWTGUARD_GET_NOTE    4
#define NGX_HTTP_JWTGUARD_GET_SCHEME  5
#define NGX_HTTP_JWTGUARD_GET_JWKS    6
#define NGX_HTTP_JWTGUARD_GET_CHALLENGE 7
#define NGX_HTTP_JWTGUARD_GET_SOURCE  8

#define NGX_HTTP_JWTGUARD_VAR_ERROR   0       /* ngx_http_jwtguard_request_variable */
#define NGX_HTTP_JWTGUARD_VAR_KID     1
#define NGX_HTTP_JWTGUARD_VAR_CACHE   2

#define NGX_HTTP_JWTGUARD_CACHE_NONE  0       /* $jwtguard_cache_status: empty */
#define NGX_HTTP_JWTGUARD_CACHE_MISS  1
#define NGX_HTTP_JWTGUARD_CACHE_HIT   2

/* a directive of the http, server and location levels, stored in the loc conf */
#define NGX_HTTP_JWTGUARD_COMMAND(name, args, set, field, post)               \
    { ngx_string(name),                                                       \
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|(args), set,     \
      NGX_HTTP_LOC_CONF_OFFSET, offsetof(ngx_http_jwtguard_loc_conf_t, field), \
      post }


/* a verifier source that holds a key file's keys */
typedef struct {
    struct ngx_http_jwtguard_verifier_s *jv;
    size_t                    source;
} ngx_http_jwtguard_holder_t;


/* what tells one version of a key file from another */
typedef struct {
    time_t                    mtime;
    long                      mtime_ns;     /* 0 where the system has none */
    off_t                     size;
    ngx_file_uniq_t           uniq;
} ngx_http_jwtguard_version_t;


/* a key file: one per path, shared by the locations that name it */
typedef struct {
    ngx_str_t                 path;
    const jwtguard_keyset    *keys;
    time_t                    check;        /* seconds between stat() calls */
    time_t                    checked;      /* last stat() */
    ngx_http_jwtguard_version_t loaded;     /* the version loaded */
    ngx_http_jwtguard_version_t failed;     /* the last version that did not load */
    ngx_uint_t                unsure;       /* read in the second it was written */
    ngx_array_t               holders;      /* ngx_http_jwtguard_holder_t */
} ngx_http_jwtguard_file_t;


/* a key source as a level declares it: a key file or the keys request */
typedef struct {
    ngx_http_jwtguard_file_t *file;         /* NULL: the keys request */
    ngx_str_t                 uri;          /* the keys request's URI */
    ngx_array_t              *issuers;      /* jwtguard_slice; NULL: the policy's */
} ngx_http_jwtguard_source_t;


/* jwtguard_apim_policy <file> [options]: one per file and options, shared by the
 * levels that name them */
typedef struct {
    ngx_str_t                 key;          /* the path and the options, as one text */
    ngx_str_t                 path;
    jwtguard_apim_policy     *apim;
    const jwtguard_policy    *policy;       /* its core policy (one reference) */
    jwtguard_token_source     source;
    ngx_str_t                 source_name;
    ngx_str_t                 scheme;       /* require-scheme; empty: not set */
    ngx_uint_t                status;
    ngx_str_t                 inline_error; /* why the inline keys did not load */
    const jwtguard_keyset    *inline_keys[2]; /* the RSA keys, the symmetric keys */
    ngx_uint_t                n_inline;
} ngx_http_jwtguard_apim_t;


typedef struct {
    ngx_str_t                 name;
    ngx_array_t               values;       /* ngx_str_t */
    jwtguard_match            match;
    ngx_str_t                 separator;    /* empty: the claim is not split */
    ngx_str_t                 fallback;     /* empty: no fallback claim */
} ngx_http_jwtguard_claim_t;


/* the verifier of a level, and what it was built from (a level that has the same
 * shares it) */
typedef struct ngx_http_jwtguard_verifier_s {
    jwtguard_verifier        *verifier;
    ngx_array_t              *files;        /* ngx_http_jwtguard_source_t */
    ngx_http_jwtguard_source_t *request;
    ngx_http_jwtguard_apim_t *inline_keys;  /* the APIM policy whose keys it has */
    const jwtguard_policy    *policy;
    size_t                    cache_size;
    time_t                    cache_ttl;
    time_t                    keys_cache;
    size_t                    request_source; /* the keys request's source index */
} ngx_http_jwtguard_verifier_t;


typedef struct {
    ngx_flag_t                enable;
    ngx_http_complex_value_t *token;
    ngx_str_t                 scheme;
    ngx_array_t              *files;        /* ngx_http_jwtguard_source_t */
    ngx_http_jwtguard_source_t *request;    /* jwtguard_keys_request */
    time_t                    keys_cache;
    ngx_array_t              *audiences;    /* ngx_str_t */
    ngx_array_t              *issuers;      /* ngx_str_t */
    ngx_array_t              *claims;       /* ngx_http_jwtguard_claim_t */
    ngx_array_t              *token_types;  /* ngx_str_t */
    ngx_array_t              *tenants;      /* ngx_str_t; empty: any tenant */
    time_t                    clock_skew;
    ngx_flag_t                require_exp;
    ngx_uint_t                algorithms;   /* JWTGUARD_ALG_* mask */
    ngx_int_t                 failed_status;
    ngx_str_t                 failed_message;
    ngx_str_t                 realm;
    ngx_int_t                 cache_size;   /* entries; 0: no cache */
    time_t                    cache_ttl;
    const jwtguard_policy    *policy;
    ngx_http_jwtguard_verifier_t *jv;       /* NULL: tokens are not checked */
    ngx_http_jwtguard_apim_t *apim;         /* jwtguard_apim_policy */
    const char               *directive;    /* a policy directive set here or above */
    ngx_flag_t                merged;
} ngx_http_jwtguard_loc_conf_t;


typedef struct {
    ngx_array_t              *files;        /* ngx_http_jwtguard_file_t *, per path */
    ngx_array_t              *uris;         /* ngx_str_t: keys request URIs */
    ngx_array_t              *policies;     /* ngx_http_jwtguard_apim_t *, per file */
} ngx_http_jwtguard_main_conf_t;


typedef struct {
    jwtguard_token           *token;
    jwtguard_result           result;
    ngx_http_jwtguard_verifier_t *jv;       /* of the fetch below */
    ngx_http_request_t       *subrequest;   /* the key fetch in progress */
    size_t                    source;       /* the source it fetches for */
    ngx_int_t                 sr_rc;
    off_t                     sr_size;      /* bytes of its answer so far */
    unsigned                  sr_too_big:1; /* larger than its output buffer */
    unsigned                  cache_status:2;
    unsigned                  sr_done:1;
    unsigned                  claimed:1;    /* a fetch the core awaits an answer for */
    unsigned                  fetched:1;    /* this request fetched keys already */
    unsigned                  decided:1;
    ngx_log_t                 log;          /* the request's, without its line */
} ngx_http_jwtguard_ctx_t;


static ngx_int_t ngx_http_jwtguard_handler(ngx_http_request_t *r);
static ngx_int_t ngx_http_jwtguard_fetch(ngx_http_request_t *r,
    ngx_http_jwtguard_verifier_t *jv, ngx_http_jwtguard_ctx_t *ctx, time_t now);
static ngx_int_t ngx_http_jwtguard_fetch_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_jwtguard_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static void ngx_http_jwtguard_fetched(ngx_http_request_t *r,
    ngx_http_jwtguard_ctx_t *ctx);
static ngx_int_t ngx_http_jwtguard_fail(ngx_http_request_t *r,
    ngx_http_jwtguard_loc_conf_t *jlcf, jwtguard_result result);
static void ngx_http_jwtguard_refresh(ngx_http_jwtguard_file_t *k, ngx_log_t *log);
static void ngx_http_jwtguard_version(ngx_file_info_t *fi,
    ngx_http_jwtguard_version_t *v);
static ngx_uint_t ngx_http_jwtguard_same(ngx_http_jwtguard_version_t *a,
    ngx_http_jwtguard_version_t *b);
static ngx_int_t ngx_http_jwtguard_load(ngx_http_jwtguard_file_t *k,
    ngx_log_t *log, ngx_str_t *err);
static u_char *ngx_http_jwtguard_read_file(ngx_str_t *path, ngx_log_t *log,
    size_t *len, ngx_file_info_t *fi, ngx_str_t *err);
static jwtguard_result ngx_http_jwtguard_copy(ngx_pool_t *pool, ngx_uint_t what,
    const void *object, ngx_uint_t index, ngx_str_t *name, ngx_str_t *out);
static u_char *ngx_http_jwtguard_log_handler(ngx_log_t *log, u_char *buf,
    size_t len);
static ngx_int_t ngx_http_jwtguard_cleanup(ngx_pool_t *pool,
    ngx_pool_cleanup_pt handler, void *data);
static void ngx_http_jwtguard_keys_cleanup(void *data);
static void ngx_http_jwtguard_policy_cleanup(void *data);
static void ngx_http_jwtguard_verifier_cleanup(void *data);
static void ngx_http_jwtguard_ctx_cleanup(void *data);
static char *ngx_http_jwtguard_cache_size(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_jwtguard_request_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_jwtguard_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static char *ngx_http_jwtguard_keys_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_jwtguard_keys_request(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_jwtguard_apim_policy(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static void ngx_http_jwtguard_find_token(ngx_http_request_t *r,
    ngx_http_jwtguard_loc_conf_t *jlcf, ngx_str_t *token);
static char *ngx_http_jwtguard_not_empty(ngx_conf_t *cf, void *post, void *data);
static char *ngx_http_jwtguard_values(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_jwtguard_require_claim(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_jwtguard_allowed_tenants(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_http_jwtguard_status_check(ngx_conf_t *cf, void *post,
    void *data);
static char *ngx_http_jwtguard_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_int_t ngx_http_jwtguard_add_variables(ngx_conf_t *cf);
static ngx_int_t ngx_http_jwtguard_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_jwtguard_init_module(ngx_cycle_t *cycle);
static void *ngx_http_jwtguard_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_jwtguard_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_jwtguard_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);


static ngx_conf_post_t  ngx_http_jwtguard_status_post =
    { ngx_http_jwtguard_status_check };

static ngx_conf_post_t  ngx_http_jwtguard_not_empty_post =
    { ngx_http_jwtguard_not_empty };


static ngx_command_t  ngx_http_jwtguard_commands[] = {

    NGX_HTTP_JWTGUARD_COMMAND("jwtguard", NGX_CONF_FLAG,
        ngx_conf_set_flag_slot, enable, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_token", NGX_CONF_TAKE1,
        ngx_http_set_complex_value_slot, token, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_require_scheme", NGX_CONF_TAKE1,
        ngx_conf_set_str_slot, scheme, &ngx_http_jwtguard_not_empty_post),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_keys_file", NGX_CONF_1MORE,
        ngx_http_jwtguard_keys_file, files, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_keys_request", NGX_CONF_1MORE,
        ngx_http_jwtguard_keys_request, request, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_apim_policy", NGX_CONF_1MORE,
        ngx_http_jwtguard_apim_policy, apim, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_keys_cache", NGX_CONF_TAKE1,
        ngx_conf_set_sec_slot, keys_cache, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_audience", NGX_CONF_1MORE,
        ngx_http_jwtguard_values, audiences, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_issuer", NGX_CONF_1MORE,
        ngx_http_jwtguard_values, issuers, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_require_claim", NGX_CONF_1MORE,
        ngx_http_jwtguard_require_claim, claims, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_token_type", NGX_CONF_1MORE,
        ngx_http_jwtguard_values, token_types, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_allowed_tenants", NGX_CONF_1MORE,
        ngx_http_jwtguard_allowed_tenants, tenants, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_clock_skew", NGX_CONF_TAKE1,
        ngx_conf_set_sec_slot, clock_skew, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_require_expiration_time", NGX_CONF_FLAG,
        ngx_conf_set_flag_slot, require_exp, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_algorithms", NGX_CONF_1MORE,
        ngx_http_jwtguard_algorithms, algorithms, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_failed_status", NGX_CONF_TAKE1,
        ngx_conf_set_num_slot, failed_status, &ngx_http_jwtguard_status_post),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_failed_message", NGX_CONF_TAKE1,
        ngx_conf_set_str_slot, failed_message, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_realm", NGX_CONF_TAKE1,
        ngx_conf_set_str_slot, realm, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_cache_size", NGX_CONF_TAKE1,
        ngx_http_jwtguard_cache_size, cache_size, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_cache_ttl", NGX_CONF_TAKE1,
        ngx_conf_set_sec_slot, cache_ttl, NULL),

      ngx_null_command
};


static ngx_http_module_t  ngx_http_jwtguard_module_ctx = {
    ngx_http_jwtguard_add_variables,       /* preconfiguration */
    ngx_http_jwtguard_init,                /* postconfiguration */

    ngx_http_jwtguard_create_main_conf,    /* create main configuration */
    NULL,                                  /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_http_jwtguard_create_loc_conf,     /* create location configuration */
    ngx_http_jwtguard_merge_loc_conf       /* merge location configuration */
};


ngx_module_t  ngx_http_jwtguard_module = {
    NGX_MODULE_V1,
    &ngx_http_jwtguard_module_ctx,         /* module context */
    ngx_http_jwtguard_commands,            /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    ngx_http_jwtguard_init_module,         /* init module */
    NULL,                                  /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    NULL,                                  /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_http_variable_t  ngx_http_jwtguard_vars[] = {

    { ngx_string("jwtguard_error"), NULL, ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_ERROR, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("jwtguard_kid"), NULL, ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_KID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("jwtguard_cache_status"), NULL, ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_CACHE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string(NGX_HTTP_JWTGUARD_CLAIM_PREFIX), NULL,
      ngx_http_jwtguard_claim_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

      ngx_http_null_variable
};


static ngx_str_t  ngx_http_jwtguard_text_plain = ngx_string("text/plain");

static ngx_http_output_body_filter_pt  ngx_http_next_body_filter;


/* ---------------------------------------------------------------- request time */

static ngx_int_t
ngx_http_jwtguard_handler(ngx_http_request_t *r)
{
    bool                           hit;
    time_t                         now;
    ngx_int_t                      rc;
    ngx_str_t                      token;
    ngx_uint_t                     i;
    jwtguard_result                result;
    jwtguard_token                *verified;
    ngx_http_jwtguard_ctx_t       *ctx;
    ngx_http_jwtguard_source_t    *files;
    ngx_http_jwtguard_loc_conf_t  *jlcf;
    char                           detail[NGX_HTTP_JWTGUARD_DETAIL];

    jlcf = ngx_http_get_module_loc_conf(r, ngx_http_jwtguard_module);

    if (jlcf->enable != 1 || jlcf->jv == NULL) {
        return NGX_DECLINED;
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_jwtguard_module);

    if (ctx != NULL && ctx->decided) {
        /* the access phase runs again, e.g. after an "auth_request" subrequest */
        return ctx->token ? NGX_DECLINED
                          : ngx_http_jwtguard_fail(r, jlcf, ctx->result);
    }

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_jwtguard_ctx_t));
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (ngx_http_jwtguard_cleanup(r->pool, ngx_http_jwtguard_ctx_cleanup, ctx)
            != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_http_set_ctx(r, ctx, ngx_http_jwtguard_module);

        ctx->log = *r->connection->log;
        ctx->log.handler = ngx_http_jwtguard_log_handler;
    }

    if (ctx->subrequest) {
        if (!ctx->sr_done) {
            return NGX_AGAIN;
        }

        ngx_http_jwtguard_fetched(r, ctx);
    }

    /* the token */

    ngx_str_null(&token);

    if (jlcf->token) {
        if (ngx_http_complex_value(r, jlcf->token, &token) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

    } else {
        ngx_http_jwtguard_find_token(r, jlcf, &token);
    }

    if (token.len == 0) {
        ctx->result = JWTGUARD_TOKEN_NOT_PRESENT;
        ctx->decided = 1;
        ngx_log_error(NGX_LOG_INFO, &ctx->log, 0,
                      "jwtguard: TokenNotPresent: no access token");
        return ngx_http_jwtguard_fail(r, jlcf, ctx->result);
    }

    now = ngx_time();

    /* the I/O the verifier needs: changed key files, a due fetch */

    if (jlcf->files) {
        files = jlcf->files->elts;

        for (i = 0; i < jlcf->files->nelts; i++) {
            ngx_http_jwtguard_refresh(files[i].file, &ctx->log);
        }
    }

    rc = ngx_http_jwtguard_fetch(r, jlcf->jv, ctx, now);
    if (rc != NGX_DECLINED) {
        return rc;
    }

    verified = NULL;
    hit = false;
    detail[0] = '\0';

    result = jwtguard_verifier_verify(jlcf->jv->verifier, token.data, token.len,
                                      (uint64_t) now, &verified, &hit, detail,
                                      sizeof(detail));

    if (jlcf->cache_size) {
        ctx->cache_status = hit ? NGX_HTTP_JWTGUARD_CACHE_HIT
                                : NGX_HTTP_JWTGUARD_CACHE_MISS;
    }

    /* an unknown kid may make a fetch due: verify again after it */

    if (result == JWTGUARD_TOKEN_SIGNATURE_KEY_NOT_FOUND) {
        rc = ngx_http_jwtguard_fetch(r, jlcf->jv, ctx, now);
        if (rc != NGX_DECLINED) {
            return rc;
        }
    }

    ctx->decided = 1;

    if (result != JWTGUARD_OK) {
        ctx->result = result;
        ngx_log_error(NGX_LOG_INFO, &ctx->log, 0,
                      "jwtguard: %s", detail[0] ? detail
                                                : jwtguard_result_name(result));
        return ngx_http_jwtguard_fail(r, jlcf, result);
    }

    ctx->token = verified;
    ctx->result = JWTGUARD_OK;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, &ctx->log, 0,
                   "jwtguard: token verified (%s)%s", jwtguard_token_alg(verified),
                   hit ? " from the cache" : "");

    return NGX_OK;
}


/* Claims the fetch the verifier wants, if any, and starts it as a subrequest to the
 * keys request's URI; the access phase resumes when it is done. NGX_DECLINED when no
 * fetch is due (or one is under way in this worker), or this request fetched once. */

static ngx_int_t
ngx_http_jwtguard_fetch(ngx_http_request_t *r, ngx_http_jwtguard_verifier_t *jv,
    ngx_http_jwtguard_ctx_t *ctx, time_t now)
{
    size_t                       source, len;
    jwtguard_fetch_kind          kind;
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;
    static char                  url[JWTGUARD_MAX_URL_LEN + 1];

    if (ctx->fetched
        || !jwtguard_verifier_start_fetch(jv->verifier, (uint64_t) now, &source,
                                          &kind, url, sizeof(url), &len))
    {
        return NGX_DECLINED;
    }

    ctx->jv = jv;
    ctx->source = source;
    ctx->claimed = 1;
    ctx->fetched = 1;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;       /* the cleanup answers the core */
    }

    ps->handler = ngx_http_jwtguard_fetch_done;
    ps->data = ctx;

    if (source != jv->request_source
        || ngx_http_subrequest(r, &jv->request->uri, NULL, &sr, ps,
                               NGX_HTTP_SUBREQUEST_WAITED
                               |NGX_HTTP_SUBREQUEST_IN_MEMORY)
           != NGX_OK)
    {
        return NGX_ERROR;
    }

    ctx->subrequest = sr;
    ctx->sr_done = 0;
    ctx->sr_size = 0;
    ctx->sr_too_big = 0;

    return NGX_AGAIN;
}


/* The answer of a key subrequest is kept in memory by nginx, up to the location's
 * subrequest_output_buffer_size; a larger one makes nginx end the subrequest and, with
 * it, the client's request. This filter drops the body of a key subrequest that does
 * not fit, so the subrequest ends normally and the fetch is counted as failed. */

static ngx_int_t
ngx_http_jwtguard_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t               *cl;
    ngx_http_jwtguard_ctx_t   *ctx;
    ngx_http_core_loc_conf_t  *clcf;

    if (r == r->main) {
        return ngx_http_next_body_filter(r, in);
    }

    ctx = ngx_http_get_module_ctx(r->main, ngx_http_jwtguard_module);

    if (ctx == NULL || ctx->subrequest != r) {
        return ngx_http_next_body_filter(r, in);
    }

    if (!ctx->sr_too_big) {
        for (cl = in; cl; cl = cl->next) {
            ctx->sr_size += ngx_buf_size(cl->buf);
        }

        clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

        if (ctx->sr_size > (off_t) clcf->subrequest_output_buffer_size
            || r->headers_out.content_length_n
               > (off_t) clcf->subrequest_output_buffer_size)
        {
            ctx->sr_too_big = 1;
        }
    }

    if (ctx->sr_too_big) {
        for (cl = in; cl; cl = cl->next) {
            cl->buf->pos = cl->buf->last;
            cl->buf->file_pos = cl->buf->file_last;
        }

        return NGX_OK;
    }

    return ngx_http_next_body_filter(r, in);
}


static ngx_int_t
ngx_http_jwtguard_fetch_done(ngx_http_request_t *r, void *data, ngx_int_t rc)
{
    ngx_http_jwtguard_ctx_t  *ctx = data;

    ctx->sr_done = 1;
    ctx->sr_rc = rc;

    /* nginx ends a subrequest with NGX_ERROR when it fails midway; passed on, that
     * ends the client's request too, without an answer. The fetch failed, the
     * client's request goes on. */
    if (rc == NGX_ERROR && !r->connection->error) {
        return NGX_OK;
    }

    return rc;
}


/* Hands the subrequest's answer to the core: the body of a 200 to offer(), anything
 * else to fetch_failed(). The core keeps the last good keys and decides when to try
 * again. */

static void
ngx_http_jwtguard_fetched(ngx_http_request_t *r, ngx_http_jwtguard_ctx_t *ctx)
{
    size_t                 count;
    time_t                 now;
    ngx_buf_t             *b;
    jwtguard_result        rc;
    ngx_http_request_t    *sr;
    const char            *failure;
    ngx_str_t             *uri;
    char                   detail[NGX_HTTP_JWTGUARD_DETAIL];

    sr = ctx->subrequest;
    uri = &ctx->jv->request->uri;
    now = ngx_time();

    ctx->subrequest = NULL;
    ctx->claimed = 0;

    b = sr->out ? sr->out->buf : NULL;

    if (ctx->sr_too_big) {
        failure = "the answer is larger than the subrequest_output_buffer_size of "
                  "its location";

    } else if (ctx->sr_rc == NGX_ERROR) {
        failure = "the subrequest was aborted";

    } else if (sr->headers_out.status != NGX_HTTP_OK || b == NULL
               || b->last == b->pos)
    {
        failure = "no key set in the answer";

    } else {
        count = 0;
        detail[0] = '\0';

        rc = jwtguard_verifier_offer(ctx->jv->verifier, ctx->source, b->pos,
                                     b->last - b->pos, (uint64_t) now, &count,
                                     detail, sizeof(detail));
        if (rc != JWTGUARD_OK) {
            ngx_log_error(NGX_LOG_ERR, &ctx->log, 0,
                          "jwtguard: keys request \"%V\" returned no valid key set, "
                          "keeping the current keys: %s", uri,
                          detail[0] ? detail : jwtguard_result_name(rc));
            return;
        }

        ngx_log_error(NGX_LOG_NOTICE, &ctx->log, 0,
                      "jwtguard: keys request \"%V\": %uz keys", uri, count);
        return;
    }

    jwtguard_verifier_fetch_failed(ctx->jv->verifier, ctx->source, (uint64_t) now);

    ngx_log_error(NGX_LOG_ERR, &ctx->log, 0,
                  "jwtguard: keys request \"%V\" failed (status %ui: %s), keeping "
                  "the current keys", uri, sr->headers_out.status, failure);
}


/* Whether nginx would answer `status` with an error_page of the request's location. */

static ngx_uint_t
ngx_http_jwtguard_has_error_page(ngx_http_request_t *r, ngx_int_t status)
{
    ngx_uint_t                 i;
    ngx_http_err_page_t       *page;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_get_module_loc_conf(r, ngx_http_core_module);

    if (clcf->error_pages == NULL
        || (r->error_page && !clcf->recursive_error_pages))
    {
        return 0;
    }

    page = clcf->error_pages->elts;

    for (i = 0; i < clcf->error_pages->nelts; i++) {
        if (page[i].status == status) {
            return 1;
        }
    }

    return 0;
}


static ngx_int_t
ngx_http_jwtguard_fail(ngx_http_request_t *r, ngx_http_jwtguard_loc_conf_t *jlcf,
    jwtguard_result result)
{
    ngx_int_t                  rc;
    ngx_str_t                  challenge;
    ngx_table_elt_t           *h;
    ngx_http_complex_value_t   cv;

    /* RFC 6750 section 3, as the library words it */
    if (ngx_http_jwtguard_copy(r->pool, NGX_HTTP_JWTGUARD_GET_CHALLENGE, jlcf, result,
                               &jlcf->realm, &challenge)
        != JWTGUARD_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    h->hash = 1;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif
    ngx_str_set(&h->key, "WWW-Authenticate");
    h->value = challenge;

    r->headers_out.www_authenticate = h;

    /* an error_page for the status answers instead: the status goes back to nginx, as
     * after auth_basic or auth_request (the challenge header stays set) */
    if (ngx_http_jwtguard_has_error_page(r, jlcf->failed_status)) {
        return jlcf->failed_status;
    }

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    ngx_memzero(&cv, sizeof(ngx_http_complex_value_t));
    cv.value = jlcf->failed_message;

    if (jlcf->apim) {
        /* the policy's failed-validation-error-message, or APIM's text per failure */
        if (ngx_http_jwtguard_copy(r->pool, NGX_HTTP_JWTGUARD_GET_FAILURE,
                                   jlcf->apim->apim, result, NULL, &cv.value)
            != JWTGUARD_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    rc = ngx_http_send_response(r, jlcf->failed_status,
                                &ngx_http_jwtguard_text_plain, &cv);

    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


static void
ngx_http_jwtguard_ctx_cleanup(void *data)
{
    ngx_http_jwtguard_ctx_t  *ctx = data;

    jwtguard_token_free(ctx->token);
    ctx->token = NULL;

    /* the request ended before its fetch was answered */
    if (ctx->claimed) {
        jwtguard_verifier_fetch_failed(ctx->jv->verifier, ctx->source,
                                       (uint64_t) ngx_time());
        ctx->claimed = 0;
    }
}


/* The token where the level's APIM policy says, else in the Authorization header
 * (as jwtguard_require_scheme says): the library finds it in the first header of
 * that name, the query string, or the first Cookie header that has it; empty when
 * absent. Never falls back to another place. */

static void
ngx_http_jwtguard_find_token(ngx_http_request_t *r,
    ngx_http_jwtguard_loc_conf_t *jlcf, ngx_str_t *token)
{
    size_t                  offset, len;
    ngx_str_t              *name, *header, text;
    ngx_uint_t              i;
    ngx_list_part_t        *part;
    ngx_table_elt_t        *h;
    jwtguard_token_source   source;

    static ngx_str_t  authorization = ngx_string("Authorization");
    static ngx_str_t  cookie = ngx_string("Cookie");

    source = jlcf->apim ? jlcf->apim->source : JWTGUARD_TOKEN_SOURCE_HEADER;
    name = jlcf->apim ? &jlcf->apim->source_name : &authorization;
    header = (source == JWTGUARD_TOKEN_SOURCE_COOKIE) ? &cookie : name;
    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (source == JWTGUARD_TOKEN_SOURCE_QUERY) {
            text = r->args;

        } else {
            if (i >= part->nelts) {
                if (part->next == NULL) {
                    return;
                }

                part = part->next;
                h = part->elts;
                i = 0;
            }

            if (h[i].key.len != header->len
                || ngx_strncasecmp(h[i].key.data, header->data, header->len) != 0)
            {
                continue;
            }

            text = h[i].value;
        }

        if (jwtguard_http_find_token(source, (const char *) name->data, name->len,
                                     (const char *) jlcf->scheme.data,
                                     jlcf->scheme.len, text.data, text.len,
                                     &offset, &len)
            == JWTGUARD_OK)
        {
            token->data = text.data + offset;
            token->len = len;
            return;
        }

        if (source != JWTGUARD_TOKEN_SOURCE_COOKIE) {
            return;
        }
    }
}


/* ---------------------------------------------------------------- key files */

/* Re-reads a key file when it changed, or when its last read failed (its owner or mode
 * may have changed since); at most one stat() per `check` seconds. A file that cannot be
 * read or does not load keeps the current keys. New keys go to every verifier source
 * that holds the file. */

static void
ngx_http_jwtguard_refresh(ngx_http_jwtguard_file_t *k, ngx_log_t *log)
{
    ngx_str_t                    err;
    ngx_uint_t                   i, level, again;
    jwtguard_result              rc;
    ngx_file_info_t              fi;
    ngx_http_jwtguard_holder_t  *h;
    ngx_http_jwtguard_version_t  version;

    if (ngx_time() - k->checked < k->check) {
        return;
    }

    k->checked = ngx_time();

    if (ngx_file_info(k->path.data, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      "jwtguard: cannot stat keys file \"%V\", keeping the "
                      "current keys", &k->path);
        return;
    }

    ngx_http_jwtguard_version(&fi, &version);

    /* a file rewritten in place within the second it was read may keep its mtime
     * (coarse timestamps) and size: such a version is read once more */
    again = ngx_http_jwtguard_same(&version, &k->loaded);

    if (again && !k->unsure) {
        return;
    }

    if (ngx_http_jwtguard_load(k, log, &err) != NGX_OK) {
        /* the identity stays the last good version's: the file is read again at the
         * next check; logged at error once per version of the file */
        level = ngx_http_jwtguard_same(&version, &k->failed)
                ? NGX_LOG_INFO : NGX_LOG_ERR;

        ngx_log_error(level, log, 0,
                      "jwtguard: keys file \"%V\" not reloaded, keeping the "
                      "current keys: %V", &k->path, &err);

        k->failed = version;
        return;
    }

    h = k->holders.elts;

    for (i = 0; i < k->holders.nelts; i++) {
        rc = jwtguard_verifier_set_keys(h[i].jv->verifier, h[i].source, k->keys);
        if (rc != JWTGUARD_OK) {
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "jwtguard: keys file \"%V\": %s", &k->path,
                          jwtguard_result_name(rc));
        }
    }

    level = again ? NGX_LOG_INFO : NGX_LOG_NOTICE;

    ngx_log_error(level, log, 0,
                  again ? "jwtguard: keys file \"%V\" read again (it was read in the "
                          "second it was written)"
                        : "jwtguard: keys file \"%V\" reloaded", &k->path);
}


/* Reads and loads the file; on success replaces k->keys (releasing the old set) and
 * records the file's identity. On failure *err says why (static text). */

static ngx_int_t
ngx_http_jwtguard_load(ngx_http_jwtguard_file_t *k, ngx_log_t *log, ngx_str_t *err)
{
    u_char                  *buf;
    size_t                   len;
    jwtguard_result          rc;
    ngx_file_info_t          fi;
    const jwtguard_keyset   *keys;
    static u_char            detail[NGX_HTTP_JWTGUARD_DETAIL];

    buf = ngx_http_jwtguard_read_file(&k->path, log, &len, &fi, err);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    keys = NULL;
    detail[0] = '\0';

    rc = jwtguard_keyset_new_with_options(buf, len, 0, 0, &keys, (char *) detail,
                                          sizeof(detail));
    ngx_free(buf);

    if (rc != JWTGUARD_OK) {
        err->data = detail;
        err->len = ngx_strlen(detail);
        if (err->len == 0) {
            err->data = (u_char *) jwtguard_result_name(rc);
            err->len = ngx_strlen(err->data);
        }
        return NGX_ERROR;
    }

    jwtguard_keyset_free(k->keys);
    k->keys = keys;
    ngx_http_jwtguard_version(&fi, &k->loaded);
    k->unsure = (k->loaded.mtime >= ngx_time());

    return NGX_OK;
}


static void
ngx_http_jwtguard_version(ngx_file_info_t *fi, ngx_http_jwtguard_version_t *v)
{
    v->mtime = ngx_file_mtime(fi);
#if (NGX_LINUX)
    v->mtime_ns = fi->st_mtim.tv_nsec;
#else
    v->mtime_ns = 0;
#endif
    v->size = ngx_file_size(fi);
    v->uniq = ngx_file_uniq(fi);
}


static ngx_uint_t
ngx_http_jwtguard_same(ngx_http_jwtguard_version_t *a, ngx_http_jwtguard_version_t *b)
{
    return a->mtime == b->mtime && a->mtime_ns == b->mtime_ns && a->size == b->size
           && a->uniq == b->uniq;
}


/* Reads a whole file (at most 1 MiB) into memory from ngx_alloc(); *fi receives its
 * identity. */

static u_char *
ngx_http_jwtguard_read_file(ngx_str_t *path, ngx_log_t *log, size_t *len,
    ngx_file_info_t *fi, ngx_str_t *err)
{
    u_char    *buf;
    ssize_t    n;
    ngx_fd_t   fd;

    fd = ngx_open_file(path->data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        ngx_str_set(err, "cannot open the file");
        return NULL;
    }

    if (ngx_fd_info(fd, fi) == NGX_FILE_ERROR) {
        ngx_close_file(fd);
        ngx_str_set(err, "cannot stat the file");
        return NULL;
    }

    if (ngx_file_size(fi) > NGX_HTTP_JWTGUARD_MAX_FILE) {
        ngx_close_file(fd);
        ngx_str_set(err, "the file is larger than 1 MiB");
        return NULL;
    }

    *len = (size_t) ngx_file_size(fi);

    buf = ngx_alloc(*len + 1, log);
    if (buf == NULL) {
        ngx_close_file(fd);
        ngx_str_set(err, "out of memory");
        return NULL;
    }

    n = ngx_read_fd(fd, buf, *len);
    ngx_close_file(fd);

    if (n < 0 || (size_t) n != *len) {
        ngx_free(buf);
        ngx_str_set(err, "cannot read the file");
        return NULL;
    }

    return buf;
}


/* The context of the module's log lines about a request: the client and the server,
 * not nginx's "request:" part, since the request line may hold the token (a query
 * parameter). */

static u_char *
ngx_http_jwtguard_log_handler(ngx_log_t *log, u_char *buf, size_t len)
{
    ngx_http_log_ctx_t        *lctx = log->data;
    ngx_http_core_srv_conf_t  *cscf;

    cscf = ngx_http_get_module_srv_conf(lctx->request, ngx_http_core_module);

    return ngx_snprintf(buf, len, ", client: %V, server: %V",
                        &lctx->connection->addr_text, &cscf->server_name);
}


/* Runs handler(data) when `pool` is destroyed; at once when that cannot be arranged
 * (out of memory), so what `data` holds is freed either way. */

static ngx_int_t
ngx_http_jwtguard_cleanup(ngx_pool_t *pool, ngx_pool_cleanup_pt handler, void *data)
{
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(pool, 0);
    if (cln == NULL) {
        handler(data);
        return NGX_ERROR;
    }

    cln->handler = handler;
    cln->data = data;

    return NGX_OK;
}


static void
ngx_http_jwtguard_keys_cleanup(void *data)
{
    const jwtguard_keyset  **keys = data;

    jwtguard_keyset_free(*keys);
    *keys = NULL;
}


/* ---------------------------------------------------------------- variables */

/* Sets a variable to `len` bytes at `data`, or not found when `data` is NULL. */

static ngx_int_t
ngx_http_jwtguard_variable(ngx_http_variable_value_t *v, const void *data,
    size_t len)
{
    v->data = (u_char *) data;
    v->len = len;
    v->valid = (data != NULL);
    v->no_cacheable = 1;
    v->not_found = (data == NULL);

    return NGX_OK;
}


/* A value of the verified token ($jwtguard_kid when `name` is NULL) under the core's
 * export rule: a value it refuses (a control character, an array element holding the
 * separator) leaves the variable not found, which is logged at info with the
 * variable's name, never the value. */

static ngx_int_t
ngx_http_jwtguard_token_value(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    ngx_str_t *name, ngx_str_t *var)
{
    ngx_str_t                 value;
    jwtguard_result           rc;
    ngx_http_jwtguard_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_jwtguard_module);

    if (ctx == NULL || ctx->token == NULL) {
        return ngx_http_jwtguard_variable(v, NULL, 0);
    }

    rc = ngx_http_jwtguard_copy(r->pool,
                                name ? NGX_HTTP_JWTGUARD_GET_CLAIM
                                     : NGX_HTTP_JWTGUARD_GET_KID,
                                ctx->token, 0, name, &value);

    if (rc != JWTGUARD_OK) {
        if (rc == JWTGUARD_CLAIM_UNSAFE) {
            ngx_log_error(NGX_LOG_INFO, &ctx->log, 0,
                          "jwtguard: $%V not set: %s", var,
                          jwtguard_result_message(rc));
        }

        return ngx_http_jwtguard_variable(v, NULL, 0);
    }

    return ngx_http_jwtguard_variable(v, value.data, value.len);
}


/* $jwtguard_error, $jwtguard_kid or $jwtguard_cache_status, by `data` */

static ngx_int_t
ngx_http_jwtguard_request_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    const char               *s;
    ngx_http_jwtguard_ctx_t  *ctx;

    static ngx_str_t    kid = ngx_string("jwtguard_kid");
    static const char  *cache_status[] = { NULL, "MISS", "HIT" }; /* _CACHE_* */

    if (data == NGX_HTTP_JWTGUARD_VAR_KID) {
        return ngx_http_jwtguard_token_value(r, v, NULL, &kid);
    }

    ctx = ngx_http_get_module_ctx(r, ngx_http_jwtguard_module);

    s = (ctx == NULL) ? NULL
        : (data == NGX_HTTP_JWTGUARD_VAR_CACHE) ? cache_status[ctx->cache_status]
        : (ctx->result == JWTGUARD_OK) ? NULL : jwtguard_result_name(ctx->result);

    return ngx_http_jwtguard_variable(v, s, s ? ngx_strlen(s) : 0);
}


static ngx_int_t
ngx_http_jwtguard_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data)
{
    ngx_str_t  *var = (ngx_str_t *) data;
    ngx_str_t   name;

    name.data = var->data + sizeof(NGX_HTTP_JWTGUARD_CLAIM_PREFIX) - 1;
    name.len = var->len - (sizeof(NGX_HTTP_JWTGUARD_CLAIM_PREFIX) - 1);

    return ngx_http_jwtguard_token_value(r, v, &name, var);
}


/* A text from a jwtguard accessor, copied under the buffer convention of jwtguard.h
 * into `pool` (NUL-terminated). `object` is the token or the APIM policy; `index` the
 * accessor's index or kind; `name` a claim name. */

static jwtguard_result
ngx_http_jwtguard_get(ngx_uint_t what, const void *object, ngx_uint_t index,
    ngx_str_t *name, char *buf, size_t cap, size_t *len)
{
    switch (what) {

    case NGX_HTTP_JWTGUARD_GET_KID:
        return jwtguard_token_kid(object, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_CLAIM:
        return jwtguard_token_claim_string(object, (const char *) name->data,
                                           name->len, ",", 1, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_FAILURE:
        return jwtguard_apim_policy_failure_message(object, (uint32_t) index, buf,
                                                    cap, len);

    case NGX_HTTP_JWTGUARD_GET_URL:
        return jwtguard_apim_policy_openid_config_url(object, index, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_NOTE:
        return jwtguard_apim_policy_note(object, index, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_SCHEME:
        return jwtguard_apim_policy_require_scheme(object, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_SOURCE: /* `index` points to the kind's storage */
        return jwtguard_apim_policy_token_source(object,
                   (jwtguard_token_source *) index, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_JWKS:
        return jwtguard_apim_policy_inline_jwks(object, (uint32_t) index, buf, cap,
                                                len);

    default: /* NGX_HTTP_JWTGUARD_GET_CHALLENGE: `object` is the loc conf */
        return jwtguard_http_challenge((uint32_t) index, (uint16_t)
                   ((const ngx_http_jwtguard_loc_conf_t *) object)->failed_status,
                   (const char *) name->data, name->len, buf, cap, len);
    }
}


static jwtguard_result
ngx_http_jwtguard_copy(ngx_pool_t *pool, ngx_uint_t what, const void *object,
    ngx_uint_t index, ngx_str_t *name, ngx_str_t *out)
{
    size_t           len;
    jwtguard_result  rc;

    len = 0;
    rc = ngx_http_jwtguard_get(what, object, index, name, NULL, 0, &len);
    if (rc != JWTGUARD_BUFFER_TOO_SMALL) {
        return rc;
    }

    out->data = ngx_pnalloc(pool, len + 1);
    if (out->data == NULL) {
        return JWTGUARD_PANIC;
    }

    return ngx_http_jwtguard_get(what, object, index, name, (char *) out->data,
                                 len + 1, &out->len);
}


static ngx_int_t
ngx_http_jwtguard_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_http_jwtguard_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


/* ---------------------------------------------------------------- configuration */

/* A new element of the directive's array *a, created at its first element (*a is
 * NGX_CONF_UNSET_PTR or NULL until then); NULL when out of memory. */

static void *
ngx_http_jwtguard_push(ngx_conf_t *cf, ngx_array_t **a, size_t size)
{
    if (*a == NGX_CONF_UNSET_PTR || *a == NULL) {
        *a = ngx_array_create(cf->pool, 2, size);
        if (*a == NULL) {
            return NULL;
        }
    }

    return ngx_array_push(*a);
}


/* The element of `a` (pointers to structures that start with their path) whose path
 * is `path`; NULL when none is. */

static void *
ngx_http_jwtguard_find_path(ngx_array_t *a, ngx_str_t *path)
{
    ngx_str_t   **elts = a ? a->elts : NULL;
    ngx_uint_t    i;

    for (i = 0; elts && i < a->nelts; i++) {
        if (elts[i]->len == path->len
            && ngx_strncmp(elts[i]->data, path->data, path->len) == 0)
        {
            return elts[i];
        }
    }

    return NULL;
}


/* The parameters of a key source directive from value[2] on: "issuer=<iss>" (any
 * number: the issuers the source's keys may sign for) and, for a key file,
 * "check=<time>". */

static char *
ngx_http_jwtguard_source_params(ngx_conf_t *cf, ngx_http_jwtguard_source_t *src,
    time_t *check)
{
    ngx_str_t       *value, s;
    ngx_uint_t       i;
    jwtguard_slice  *issuer;

    value = cf->args->elts;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "issuer=", 7) == 0) {
            if (value[i].len == 7) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "empty issuer in \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            issuer = ngx_http_jwtguard_push(cf, &src->issuers,
                                            sizeof(jwtguard_slice));
            if (issuer == NULL) {
                return NGX_CONF_ERROR;
            }

            issuer->data = (const char *) value[i].data + 7;
            issuer->len = value[i].len - 7;
            continue;
        }

        if (check && ngx_strncmp(value[i].data, "check=", 6) == 0) {
            if (*check != NGX_CONF_UNSET) {
                return "has a duplicate \"check=\"";
            }

            s.data = value[i].data + 6;
            s.len = value[i].len - 6;

            *check = ngx_parse_time(&s, 1);
            if (*check == (time_t) NGX_ERROR) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid check interval \"%V\"", &value[i]);
                return NGX_CONF_ERROR;
            }

            continue;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "invalid parameter \"%V\"",
                           &value[i]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* jwtguard_keys_file <path> [check=<time>] [issuer=<iss>]...: the file is read once
 * per configuration, whichever levels name it */

static char *
ngx_http_jwtguard_keys_file(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    char                           *rv;
    time_t                          check;
    ngx_str_t                      *value, path, err;
    ngx_http_jwtguard_file_t       *k, **kp;
    ngx_http_jwtguard_source_t     *src;
    ngx_http_jwtguard_main_conf_t  *jmcf;

    src = ngx_http_jwtguard_push(cf, &jlcf->files,
                                 sizeof(ngx_http_jwtguard_source_t));
    if (src == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(src, sizeof(ngx_http_jwtguard_source_t));

    check = NGX_CONF_UNSET;

    rv = ngx_http_jwtguard_source_params(cf, src, &check);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (check == NGX_CONF_UNSET) {
        check = 5;
    }

    value = cf->args->elts;
    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    jmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_jwtguard_module);

    src->file = ngx_http_jwtguard_find_path(jmcf->files, &path);

    if (src->file) {
        src->file->check = ngx_min(src->file->check, check);
        return NGX_CONF_OK;
    }

    k = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_file_t));
    if (k == NULL) {
        return NGX_CONF_ERROR;
    }

    k->path = path;   /* NUL-terminated by ngx_conf_full_name() */
    k->check = check;
    k->checked = ngx_time();

    if (ngx_array_init(&k->holders, cf->pool, 2, sizeof(ngx_http_jwtguard_holder_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_keys_cleanup, &k->keys)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_load(k, cf->log, &err) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: invalid keys file \"%V\": %V", &path, &err);
        return NGX_CONF_ERROR;
    }

    kp = ngx_http_jwtguard_push(cf, &jmcf->files,
                                sizeof(ngx_http_jwtguard_file_t *));
    if (kp == NULL) {
        return NGX_CONF_ERROR;
    }

    *kp = k;
    src->file = k;

    return NGX_CONF_OK;
}


/* jwtguard_keys_request <uri> [issuer=<iss>]... */

static char *
ngx_http_jwtguard_keys_request(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    char                           *rv;
    ngx_str_t                      *value, *uri;
    ngx_http_jwtguard_source_t     *src;
    ngx_http_jwtguard_main_conf_t  *jmcf;

    if (jlcf->request != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard_keys_request needs a local URI, not \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    src = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_source_t));
    if (src == NULL) {
        return NGX_CONF_ERROR;
    }

    src->uri = value[1];

    rv = ngx_http_jwtguard_source_params(cf, src, NULL);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    jmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_jwtguard_module);

    uri = ngx_http_jwtguard_push(cf, &jmcf->uris, sizeof(ngx_str_t));
    if (uri == NULL) {
        return NGX_CONF_ERROR;
    }

    *uri = src->uri;
    jlcf->request = src;

    return NGX_CONF_OK;
}


static void
ngx_http_jwtguard_apim_cleanup(void *data)
{
    ngx_http_jwtguard_apim_t  *a = data;

    jwtguard_policy_free(a->policy);
    jwtguard_apim_policy_free(a->apim);
    a->policy = NULL;
    a->apim = NULL;
}


/* The parameters of jwtguard_apim_policy after the file: "tenant=<tid>" (any number),
 * "any_tenant" and "values=<file>"; `key` receives the path and the parameters as one
 * text, which names the translation. */

static char *
ngx_http_jwtguard_apim_params(ngx_conf_t *cf, ngx_str_t *path, ngx_str_t *key,
    ngx_array_t *tenants, ngx_uint_t *flags, ngx_str_t *values)
{
    u_char          *p;
    size_t           len;
    ngx_str_t       *value;
    ngx_uint_t       i;
    jwtguard_slice  *tenant;

    value = cf->args->elts;
    len = path->len;

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strncmp(value[i].data, "tenant=", 7) == 0) {
            /* checked by the core when the policy is built */
            tenant = ngx_array_push(tenants);
            if (tenant == NULL) {
                return NGX_CONF_ERROR;
            }

            tenant->data = (const char *) value[i].data + 7;
            tenant->len = value[i].len - 7;

        } else if (ngx_strcmp(value[i].data, "any_tenant") == 0) {
            *flags |= JWTGUARD_APIM_ALLOW_ANY_TENANT;

        } else if (ngx_strncmp(value[i].data, "values=", 7) == 0
                   && value[i].len > 7 && values->data == NULL)
        {
            values->data = value[i].data + 7;
            values->len = value[i].len - 7;

            if (ngx_conf_full_name(cf->cycle, values, 1) != NGX_OK) {
                return NGX_CONF_ERROR;
            }

            len += values->len;

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", \"tenant=<tid>\", "
                               "\"any_tenant\" or one \"values=<file>\" expected",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        len += 1 + value[i].len;
    }

    key->data = ngx_pnalloc(cf->pool, len);
    if (key->data == NULL) {
        return NGX_CONF_ERROR;
    }

    p = ngx_cpymem(key->data, path->data, path->len);

    for (i = 2; i < cf->args->nelts; i++) {
        *p++ = ' ';
        p = (ngx_strncmp(value[i].data, "values=", 7) == 0)
            ? ngx_sprintf(p, "values=%V", values)
            : ngx_cpymem(p, value[i].data, value[i].len);
    }

    key->len = p - key->data;

    return NGX_CONF_OK;
}


/* Translates policy `xml` with the named values read from file `path` (if any); the
 * file's bytes are zeroed once read, since named values are often secrets. */

static jwtguard_result
ngx_http_jwtguard_apim_translate(ngx_conf_t *cf, u_char *xml, size_t xml_len,
    ngx_uint_t flags, ngx_array_t *tenants, ngx_str_t *path,
    jwtguard_apim_policy **out, char *detail, size_t cap)
{
    u_char           *buf;
    size_t            len, n;
    ngx_str_t         err;
    jwtguard_slice   *names, *values;
    jwtguard_result   rc;
    ngx_file_info_t   fi;

    buf = NULL;
    len = 0;
    n = 0;
    names = NULL;
    values = NULL;

    if (path->data) {
        buf = ngx_http_jwtguard_read_file(path, cf->log, &len, &fi, &err);
        if (buf == NULL) {
            (void) ngx_snprintf((u_char *) detail, cap - 1,
                                "cannot read named values \"%V\": %V%Z", path, &err);
            return JWTGUARD_POLICY_INVALID;
        }

        /* the count, then the values as slices of the file's text */
        rc = jwtguard_apim_named_values_read(buf, len, NULL, NULL, 0, &n, detail, cap);

        if (rc == JWTGUARD_BUFFER_TOO_SMALL) {
            names = ngx_palloc(cf->temp_pool, 2 * n * sizeof(jwtguard_slice));
            if (names == NULL) {
                rc = JWTGUARD_POLICY_INVALID;
                ngx_cpystrn((u_char *) detail, (u_char *) "out of memory", cap);
                goto done;
            }

            values = names + n;
            rc = jwtguard_apim_named_values_read(buf, len, names, values, n, &n,
                                                 detail, cap);
        }

        if (rc != JWTGUARD_OK) {
            goto done;
        }
    }

    rc = jwtguard_apim_policy_from_xml_with_options(xml, xml_len, (uint32_t) flags,
             names, values, n, tenants->elts, tenants->nelts, out, detail, cap);

done:

    if (buf) {
        ngx_explicit_memzero(buf, len);
        ngx_free(buf);
    }

    return rc;
}


/* jwtguard_apim_policy <file> [tenant=<tid>]... [any_tenant] [values=<file>]: an
 * Azure API Management <validate-jwt> or <validate-azure-ad-token> policy, translated
 * once per file and parameters. Its discovery URLs and notes are logged at notice
 * level; its inline keys, if any, are loaded as a key set for the levels without a
 * keys directive. */

static char *
ngx_http_jwtguard_apim_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    u_char                          *buf;
    size_t                           len;
    ngx_str_t                       *value, path, key, values, err, s;
    ngx_uint_t                       i, n, m, kind, flags;
    ngx_array_t                      tenants;
    jwtguard_result                  rc;
    ngx_file_info_t                  fi;
    const jwtguard_keyset           *keys;
    ngx_http_jwtguard_apim_t        *a, **ap;
    ngx_http_jwtguard_main_conf_t   *jmcf;
    char                             detail[1024];

    static const ngx_uint_t  kinds[] = {
        JWTGUARD_APIM_KEYS_ASYMMETRIC, JWTGUARD_APIM_KEYS_SYMMETRIC
    };

    if (jlcf->apim != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;
    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(&tenants, cf->temp_pool, 2, sizeof(jwtguard_slice))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    flags = 0;
    ngx_str_null(&values);

    if (ngx_http_jwtguard_apim_params(cf, &path, &key, &tenants, &flags, &values)
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    jmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_jwtguard_module);

    jlcf->apim = ngx_http_jwtguard_find_path(jmcf->policies, &key);

    if (jlcf->apim) {
        return NGX_CONF_OK;
    }

    a = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_apim_t));
    if (a == NULL) {
        return NGX_CONF_ERROR;
    }

    a->key = key;
    a->path = path;

    if (ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_apim_cleanup, a)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    buf = ngx_http_jwtguard_read_file(&path, cf->log, &len, &fi, &err);
    if (buf == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "jwtguard: cannot read APIM policy \"%V\": %V",
                           &path, &err);
        return NGX_CONF_ERROR;
    }

    detail[0] = '\0';
    rc = ngx_http_jwtguard_apim_translate(cf, buf, len, flags, &tenants, &values,
                                          &a->apim, detail, sizeof(detail));
    ngx_free(buf);

    if (rc != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: APIM policy \"%V\" refused: %s", &path,
                           detail[0] ? detail : jwtguard_result_name(rc));
        return NGX_CONF_ERROR;
    }

    a->policy = jwtguard_apim_policy_policy(a->apim);
    if (a->policy == NULL) {
        return NGX_CONF_ERROR;
    }

    /* the token source */

    if (ngx_http_jwtguard_copy(cf->pool, NGX_HTTP_JWTGUARD_GET_SOURCE, a->apim,
                               (ngx_uint_t) &a->source, NULL, &a->source_name)
        != JWTGUARD_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_copy(cf->pool, NGX_HTTP_JWTGUARD_GET_SCHEME, a->apim, 0,
                               NULL, &a->scheme)
        != JWTGUARD_OK)
    {
        ngx_str_null(&a->scheme);   /* "" is "not set": nothing to store */
    }

    /* the answer to a rejection */

    a->status = jwtguard_apim_policy_failed_status(a->apim);

    if (a->status < 400 || a->status > 599) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: APIM policy \"%V\": failed-validation-httpcode "
                           "%ui is not supported here, 400 to 599 expected",
                           &path, a->status);
        return NGX_CONF_ERROR;
    }

    /* what the operator must know: where the keys are published, and the notes */

    n = jwtguard_apim_policy_openid_config_count(a->apim);
    m = jwtguard_apim_policy_note_count(a->apim);

    for (i = 0; i < n + m; i++) {
        if (ngx_http_jwtguard_copy(cf->pool, i < n ? NGX_HTTP_JWTGUARD_GET_URL
                                                   : NGX_HTTP_JWTGUARD_GET_NOTE,
                                   a->apim, i < n ? i : i - n, NULL, &s)
            != JWTGUARD_OK)
        {
            return NGX_CONF_ERROR;
        }

        ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0, i < n
                           ? "jwtguard: APIM policy \"%V\": signing keys are "
                             "published through \"%V\"; fetch its jwks_uri into a "
                             "jwtguard_keys_file (python -m jwtguard fetch-jwks "
                             "--openid-config ...) or proxy it for "
                             "jwtguard_keys_request"
                           : "jwtguard: APIM policy \"%V\": note: %V", &path, &s);
    }

    /* inline keys: the RSA keys, and the symmetric keys as a set of their own (the
     * only key sets this module loads with symmetric keys allowed), never re-read,
     * for the levels without keys */

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        kind = kinds[i];

        if (ngx_http_jwtguard_copy(cf->pool, NGX_HTTP_JWTGUARD_GET_JWKS, a->apim,
                                   kind, NULL, &s)
            != JWTGUARD_OK
            || s.len == 0)
        {
            continue;
        }

        keys = NULL;
        detail[0] = '\0';
        rc = jwtguard_keyset_new_with_options(s.data, s.len,
                 kind == JWTGUARD_APIM_KEYS_SYMMETRIC
                 ? JWTGUARD_KEYSET_ALLOW_SYMMETRIC : 0,
                 0, &keys, detail, sizeof(detail));

        /* the symmetric document holds secrets */
        ngx_explicit_memzero(s.data, s.len);

        if (rc != JWTGUARD_OK) {
            err.data = (u_char *) (detail[0] ? detail : jwtguard_result_name(rc));
            err.len = ngx_strlen(err.data);
            a->inline_error.data = ngx_pstrdup(cf->pool, &err);
            a->inline_error.len = err.len;
            if (a->inline_error.data == NULL) {
                return NGX_CONF_ERROR;
            }

            /* all inline keys or none (a loaded set is freed by its cleanup) */
            a->n_inline = 0;
            break;
        }

        a->inline_keys[a->n_inline] = keys;

        if (ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_keys_cleanup,
                                      &a->inline_keys[a->n_inline++])
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }

        ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0,
                           "jwtguard: APIM policy \"%V\": %uz inline %s keys, used "
                           "where no jwtguard_keys_file or jwtguard_keys_request "
                           "is set", &path, jwtguard_keyset_len(keys),
                           kind == JWTGUARD_APIM_KEYS_SYMMETRIC
                           ? "symmetric (HMAC)" : "RSA");
    }

    ap = ngx_http_jwtguard_push(cf, &jmcf->policies,
                                sizeof(ngx_http_jwtguard_apim_t *));
    if (ap == NULL) {
        return NGX_CONF_ERROR;
    }

    *ap = a;
    jlcf->apim = a;

    return NGX_CONF_OK;
}


/* jwtguard_audience / jwtguard_issuer: values accumulate over repeated directives */

static char *
ngx_http_jwtguard_values(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char  *p = conf;

    ngx_str_t     *value, *s;
    ngx_uint_t     i;
    ngx_array_t  **a;

    a = (ngx_array_t **) (p + cmd->offset);
    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        if (value[i].len == 0) {
            return "has an empty value";
        }

        s = ngx_http_jwtguard_push(cf, a, sizeof(ngx_str_t));
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
    }

    return NGX_CONF_OK;
}


/* jwtguard_require_claim <name> [<value>...] [match=any|all] [separator=<text>]
 *     [fallback=<claim>] */

static char *
ngx_http_jwtguard_require_claim(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    ngx_str_t                  *value, *s;
    ngx_uint_t                  i;
    ngx_http_jwtguard_claim_t  *claim;

    claim = ngx_http_jwtguard_push(cf, &jlcf->claims,
                                   sizeof(ngx_http_jwtguard_claim_t));
    if (claim == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    claim->name = value[1];
    claim->match = JWTGUARD_MATCH_ALL;    /* APIM's default */
    ngx_str_null(&claim->separator);
    ngx_str_null(&claim->fallback);

    if (ngx_array_init(&claim->values, cf->pool, 4, sizeof(ngx_str_t)) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (claim->name.len == 0) {
        return "has an empty claim name";
    }

    for (i = 2; i < cf->args->nelts; i++) {

        if (ngx_strcmp(value[i].data, "match=any") == 0) {
            claim->match = JWTGUARD_MATCH_ANY;
            continue;
        }

        if (ngx_strcmp(value[i].data, "match=all") == 0) {
            claim->match = JWTGUARD_MATCH_ALL;
            continue;
        }

        if (ngx_strncmp(value[i].data, "separator=", 10) == 0) {
            /* 1 to 16 bytes of UTF-8: the core checks it when the policy is built */
            claim->separator.data = value[i].data + 10;
            claim->separator.len = value[i].len - 10;
            continue;
        }

        if (ngx_strncmp(value[i].data, "fallback=", 9) == 0) {
            /* checked by the core when the policy is built */
            claim->fallback.data = value[i].data + 9;
            claim->fallback.len = value[i].len - 9;
            continue;
        }

        if (ngx_strncmp(value[i].data, "match=", 6) == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\", "
                               "\"match=any\" or \"match=all\" expected",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        s = ngx_array_push(&claim->values);
        if (s == NULL) {
            return NGX_CONF_ERROR;
        }

        *s = value[i];
    }

    return NGX_CONF_OK;
}


/* jwtguard_allowed_tenants <tid>... | any: the tenants whose tokens a multi-tenant
 * issuer ("{tenantid}") accepts; "any" (alone) waives the check, an empty list */

static char *
ngx_http_jwtguard_allowed_tenants(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    ngx_str_t   *value;
    ngx_uint_t   i;

    if (jlcf->tenants != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    for (i = 1; i < cf->args->nelts; i++) {
        if (ngx_strcmp(value[i].data, "any") == 0 && cf->args->nelts > 2) {
            return "takes \"any\" alone";
        }
    }

    if (ngx_strcmp(value[1].data, "any") == 0) {
        jlcf->tenants = ngx_array_create(cf->pool, 1, sizeof(ngx_str_t));
        return jlcf->tenants ? NGX_CONF_OK : NGX_CONF_ERROR;
    }

    return ngx_http_jwtguard_values(cf, cmd, conf);
}


static char *
ngx_http_jwtguard_status_check(ngx_conf_t *cf, void *post, void *data)
{
    ngx_int_t  *status = data;

    if (*status != NGX_HTTP_UNAUTHORIZED && *status != NGX_HTTP_FORBIDDEN) {
        return "has an invalid value, 401 or 403 expected";
    }

    return NGX_CONF_OK;
}


static char *
ngx_http_jwtguard_not_empty(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *value = data;

    return value->len ? NGX_CONF_OK : "must not be empty";
}


/* jwtguard_algorithms <name>...: what key files and jwtguard_keys_request tokens may
 * be signed with. HMAC is refused here: it needs a shared secret, and these sources
 * hold public keys (only jwtguard_apim_policy's inline symmetric keys load as such). */

static char *
ngx_http_jwtguard_algorithms(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    uint32_t     flag, mask;
    ngx_str_t   *value;
    ngx_uint_t   i;

    if (jlcf->algorithms != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;
    mask = 0;

    for (i = 1; i < cf->args->nelts; i++) {
        flag = jwtguard_algorithm_from_name((const char *) value[i].data,
                                            value[i].len);

        if (flag == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard_algorithms: unknown algorithm \"%V\" "
                               "(names are case-sensitive: RS256, ES256, EdDSA, ...)",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        if (flag & JWTGUARD_ALG_SET_SYMMETRIC) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard_algorithms: \"%V\" is not supported here: "
                               "HMAC needs a shared secret, and key files and "
                               "jwtguard_keys_request hold public keys only (HS256, "
                               "HS384 and HS512 are verified only with the inline "
                               "symmetric keys of a jwtguard_apim_policy)",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        mask |= flag;
    }

    jlcf->algorithms = mask;

    return NGX_CONF_OK;
}


/* jwtguard_cache_size <number> | off */

static char *
ngx_http_jwtguard_cache_size(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    ngx_str_t  *value;

    if (jlcf->cache_size != NGX_CONF_UNSET) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        jlcf->cache_size = 0;
        return NGX_CONF_OK;
    }

    jlcf->cache_size = ngx_atoi(value[1].data, value[1].len);

    if (jlcf->cache_size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cache size \"%V\", a number of entries "
                           "or \"off\" expected", &value[1]);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_http_jwtguard_create_main_conf(ngx_conf_t *cf)
{
    /* its arrays are created at their first element */
    return ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_main_conf_t));
}


static void *
ngx_http_jwtguard_create_loc_conf(ngx_conf_t *cf)
{
    ngx_http_jwtguard_loc_conf_t  *conf;

    conf = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_loc_conf_t));
    if (conf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     conf->scheme = { 0, NULL };
     *     conf->failed_message = { 0, NULL };
     *     conf->realm = { 0, NULL };
     *     conf->policy = NULL;
     *     conf->jv = NULL;
     *     conf->directive = NULL;
     *     conf->merged = 0;
     */

    conf->enable = NGX_CONF_UNSET;
    conf->token = NGX_CONF_UNSET_PTR;
    conf->files = NGX_CONF_UNSET_PTR;
    conf->request = NGX_CONF_UNSET_PTR;
    conf->keys_cache = NGX_CONF_UNSET;
    conf->audiences = NGX_CONF_UNSET_PTR;
    conf->issuers = NGX_CONF_UNSET_PTR;
    conf->claims = NGX_CONF_UNSET_PTR;
    conf->token_types = NGX_CONF_UNSET_PTR;
    conf->tenants = NGX_CONF_UNSET_PTR;
    conf->clock_skew = NGX_CONF_UNSET;
    conf->require_exp = NGX_CONF_UNSET;
    conf->algorithms = NGX_CONF_UNSET_UINT;
    conf->failed_status = NGX_CONF_UNSET;
    conf->cache_size = NGX_CONF_UNSET;
    conf->cache_ttl = NGX_CONF_UNSET;
    conf->apim = NGX_CONF_UNSET_PTR;

    return conf;
}


static char *
ngx_http_jwtguard_build_policy(ngx_conf_t *cf, ngx_http_jwtguard_loc_conf_t *conf)
{
    ngx_str_t                  *s;
    ngx_uint_t                  i, j;
    ngx_array_t                *values;
    jwtguard_slice             *slices;
    jwtguard_result             rc;
    jwtguard_policy_builder    *b;
    ngx_http_jwtguard_claim_t  *claim;
    char                        detail[NGX_HTTP_JWTGUARD_DETAIL];

    b = jwtguard_policy_builder_new();
    if (b == NULL) {
        return NGX_CONF_ERROR;
    }

    for (j = 0; j < 2; j++) {
        values = j ? conf->issuers : conf->audiences;
        s = values ? values->elts : NULL;

        for (i = 0; s && i < values->nelts; i++) {
            (void) (j ? jwtguard_policy_builder_add_issuer
                      : jwtguard_policy_builder_add_audience)
                   (b, (const char *) s[i].data, s[i].len);
        }
    }

    if (conf->claims) {
        claim = conf->claims->elts;

        for (i = 0; i < conf->claims->nelts; i++) {
            slices = ngx_palloc(cf->temp_pool, sizeof(jwtguard_slice)
                                               * (claim[i].values.nelts + 1));
            if (slices == NULL) {
                jwtguard_policy_builder_free(b);
                return NGX_CONF_ERROR;
            }

            s = claim[i].values.elts;
            for (j = 0; j < claim[i].values.nelts; j++) {
                slices[j].data = (const char *) s[j].data;
                slices[j].len = s[j].len;
            }

            /* a failed setter also makes build() fail, with its code */
            (void) jwtguard_policy_builder_add_required_claim_or(b,
                       (const char *) claim[i].name.data, claim[i].name.len,
                       slices, claim[i].values.nelts, claim[i].match,
                       (const char *) claim[i].separator.data,
                       claim[i].separator.len,
                       (const char *) claim[i].fallback.data,
                       claim[i].fallback.len);
        }
    }

    s = conf->token_types ? conf->token_types->elts : NULL;

    for (i = 0; s && i < conf->token_types->nelts; i++) {
        (void) jwtguard_policy_builder_add_token_type(b, (const char *) s[i].data,
                                                      s[i].len);
    }

    if (conf->tenants && conf->tenants->nelts == 0) {
        (void) jwtguard_policy_builder_any_tenant(b);
    }

    s = conf->tenants ? conf->tenants->elts : NULL;

    for (i = 0; s && i < conf->tenants->nelts; i++) {
        (void) jwtguard_policy_builder_add_allowed_tenant(b, (const char *) s[i].data,
                                                          s[i].len);
    }

    /* unset: the core's defaults */

    if (conf->clock_skew != NGX_CONF_UNSET) {
        (void) jwtguard_policy_builder_set_clock_skew(b, (uint64_t) conf->clock_skew);
    }

    if (conf->require_exp != NGX_CONF_UNSET) {
        (void) jwtguard_policy_builder_set_require_expiration_time(b,
                                                       conf->require_exp ? 1 : 0);
    }

    if (conf->algorithms != NGX_CONF_UNSET_UINT) {
        (void) jwtguard_policy_builder_set_algorithms(b, (uint32_t) conf->algorithms);
    }

    detail[0] = '\0';
    rc = jwtguard_policy_builder_build(b, &conf->policy, detail, sizeof(detail));
    jwtguard_policy_builder_free(b);

    if (rc != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "jwtguard: invalid policy: %s",
                           detail[0] ? detail : jwtguard_result_name(rc));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_policy_cleanup,
                                  (void *) conf->policy)
        != NGX_OK)
    {
        conf->policy = NULL;
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void
ngx_http_jwtguard_policy_cleanup(void *data)
{
    jwtguard_policy_free(data);
}


/* The level's verifier: the parent's when the level verifies exactly as the parent
 * does (same key sources, policy, cache and refresh settings), else a new one with the
 * level's key files, then its keys request, or else its APIM policy's inline keys. */

static char *
ngx_http_jwtguard_merge_verifier(ngx_conf_t *cf, ngx_http_jwtguard_loc_conf_t *prev,
    ngx_http_jwtguard_loc_conf_t *conf)
{
    u_char                        *url;
    size_t                         n_issuers;
    ngx_uint_t                     i, n, unbound;
    jwtguard_result                rc;
    const jwtguard_slice          *issuers;
    jwtguard_verifier_builder     *b;
    ngx_http_jwtguard_source_t    *src;
    ngx_http_jwtguard_holder_t    *h;
    ngx_http_jwtguard_verifier_t  *jv;
    char                           detail[NGX_HTTP_JWTGUARD_DETAIL];

    conf->jv = NULL;

    if (conf->enable != 1 || conf->policy == NULL) {
        return NGX_CONF_OK;
    }

    jv = prev->jv;

    if (jv && jv->files == conf->files && jv->request == conf->request
        && jv->policy == conf->policy && jv->inline_keys == conf->apim
        && jv->cache_size == (size_t) conf->cache_size
        && jv->cache_ttl == conf->cache_ttl && jv->keys_cache == conf->keys_cache)
    {
        conf->jv = jv;
        return NGX_CONF_OK;
    }

    if (conf->files == NULL && conf->request == NULL
        && (conf->apim == NULL || conf->apim->n_inline == 0))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: \"jwtguard on\" needs \"jwtguard_keys_file\" "
                           "or \"jwtguard_keys_request\"");
        return NGX_CONF_ERROR;
    }

    jv = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_verifier_t));
    if (jv == NULL) {
        return NGX_CONF_ERROR;
    }

    jv->files = conf->files;
    jv->request = conf->request;
    jv->inline_keys = conf->apim;
    jv->policy = conf->policy;
    jv->cache_size = (size_t) conf->cache_size;
    jv->cache_ttl = conf->cache_ttl;
    jv->keys_cache = conf->keys_cache;

    n = conf->files ? conf->files->nelts : 0;

    b = jwtguard_verifier_builder_new(conf->policy);
    if (b == NULL) {
        return NGX_CONF_ERROR;
    }

    /* A builder call that fails is reported again, with its detail, by
     * jwtguard_verifier_builder_build(), which also frees the builder. */

    if (conf->keys_cache != NGX_CONF_UNSET) {
        (void) jwtguard_verifier_builder_set_refresh_interval(b,
                                                    (uint64_t) conf->keys_cache);
    }

    unbound = 0;

    for (i = 0; i <= n; i++) {
        src = (i < n) ? &((ngx_http_jwtguard_source_t *) conf->files->elts)[i]
                      : conf->request;
        if (src == NULL) {
            break;
        }

        issuers = src->issuers ? src->issuers->elts : NULL;
        n_issuers = src->issuers ? src->issuers->nelts : 0;
        unbound += (n_issuers == 0);

        if (src->file) {
            /* a key file that changes gives its new keys to this verifier too */
            h = ngx_array_push(&src->file->holders);
            if (h == NULL) {
                jwtguard_verifier_builder_free(b);
                return NGX_CONF_ERROR;
            }

            h->jv = jv;
            (void) jwtguard_verifier_builder_add_keys(b, src->file->keys, issuers,
                                                      n_issuers, &h->source);
            continue;
        }

        /* the subrequest is a request to this server: the URI's loopback URL */
        url = ngx_pnalloc(cf->temp_pool, sizeof("http://localhost") - 1
                                         + src->uri.len);
        if (url == NULL) {
            jwtguard_verifier_builder_free(b);
            return NGX_CONF_ERROR;
        }

        (void) jwtguard_verifier_builder_add_jwks_url(b, (const char *) url,
                   ngx_sprintf(url, "http://localhost%V", &src->uri) - url,
                   issuers, n_issuers, JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK,
                   &jv->request_source);
    }

    if (n == 0 && conf->request == NULL && conf->apim) {
        for (i = 0; i < conf->apim->n_inline; i++) {
            (void) jwtguard_verifier_builder_add_keys(b, conf->apim->inline_keys[i],
                                                      NULL, 0, NULL);
        }
    }

    (void) jwtguard_verifier_builder_set_cache(b, (size_t) conf->cache_size,
                                               (uint64_t) conf->cache_ttl);

    detail[0] = '\0';
    rc = jwtguard_verifier_builder_build(b, &jv->verifier, detail, sizeof(detail));

    if (rc != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "jwtguard: %s",
                           detail[0] ? detail : jwtguard_result_name(rc));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_verifier_cleanup,
                                  jv->verifier)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (unbound && n + (conf->request != NULL) > 1
        && conf->issuers && conf->issuers->nelts > 1)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "jwtguard: a key source without \"issuer=\" signs for "
                           "any of the %ui issuers of its level; with keys of several "
                           "providers, bind each source to its provider's issuer "
                           "(jwtguard_keys_file ... issuer=<iss>)",
                           conf->issuers->nelts);
    }

    conf->jv = jv;

    return NGX_CONF_OK;
}


static void
ngx_http_jwtguard_verifier_cleanup(void *data)
{
    jwtguard_verifier_free(data);
}


/* The first directive set at this level that jwtguard_apim_policy replaces. */

static const char *
ngx_http_jwtguard_replaced_directive(ngx_http_jwtguard_loc_conf_t *conf)
{
    return conf->audiences != NGX_CONF_UNSET_PTR ? "jwtguard_audience"
           : conf->issuers != NGX_CONF_UNSET_PTR ? "jwtguard_issuer"
           : conf->claims != NGX_CONF_UNSET_PTR ? "jwtguard_require_claim"
           : conf->token_types != NGX_CONF_UNSET_PTR ? "jwtguard_token_type"
           : conf->tenants != NGX_CONF_UNSET_PTR ? "jwtguard_allowed_tenants"
           : conf->clock_skew != NGX_CONF_UNSET ? "jwtguard_clock_skew"
           : conf->require_exp != NGX_CONF_UNSET ? "jwtguard_require_expiration_time"
           : conf->algorithms != NGX_CONF_UNSET_UINT ? "jwtguard_algorithms"
           : conf->token != NGX_CONF_UNSET_PTR ? "jwtguard_token"
           : conf->scheme.data != NULL ? "jwtguard_require_scheme"
           : conf->failed_status != NGX_CONF_UNSET ? "jwtguard_failed_status"
           : conf->failed_message.data != NULL ? "jwtguard_failed_message"
           : NULL;
}


/* A level under jwtguard_apim_policy: the policy's core policy, token source, scheme,
 * failure status and message; its inline keys where no keys directive applies. */

static char *
ngx_http_jwtguard_merge_apim(ngx_conf_t *cf, ngx_http_jwtguard_loc_conf_t *prev,
    ngx_http_jwtguard_loc_conf_t *conf)
{
    ngx_http_jwtguard_apim_t  *a = conf->apim;

    if (conf->directive) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: \"jwtguard_apim_policy %V\" conflicts with "
                           "\"%s\" (set at this or an outer level): the APIM policy "
                           "sets the audiences, issuers, required claims, token types, "
                           "tenants, clock skew, exp rule, algorithms, token source, "
                           "scheme, failure status and message; remove \"%s\" (allowed "
                           "tenants are \"tenant=\" parameters of "
                           "jwtguard_apim_policy)",
                           &a->path, conf->directive, conf->directive);
        return NGX_CONF_ERROR;
    }

    conf->policy = a->policy;             /* owned (and freed) by the policy entry */
    conf->failed_status = a->status;

    if (a->scheme.len) {
        conf->scheme = a->scheme;
    }

    if (conf->enable != 1) {
        return NGX_CONF_OK;
    }

    if (conf->files == NULL && conf->request == NULL && a->n_inline == 0) {
        if (a->inline_error.len) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard: the inline keys of APIM policy \"%V\" do "
                               "not load (%V); set \"jwtguard_keys_file\" or "
                               "\"jwtguard_keys_request\"",
                               &a->path, &a->inline_error);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard: \"jwtguard on\" with APIM policy \"%V\" "
                               "needs \"jwtguard_keys_file\" or "
                               "\"jwtguard_keys_request\" (the policy has no "
                               "inline keys: fetch the keys of its <openid-config>)",
                               &a->path);
        }

        return NGX_CONF_ERROR;
    }

    return ngx_http_jwtguard_merge_verifier(cf, prev, conf);
}


static char *
ngx_http_jwtguard_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_http_jwtguard_loc_conf_t *prev = parent;
    ngx_http_jwtguard_loc_conf_t *conf = child;

    ngx_uint_t   same;
    const char  *directive;

    /* does this level change anything the policy is built from? */
    same = conf->audiences == NGX_CONF_UNSET_PTR
           && conf->issuers == NGX_CONF_UNSET_PTR
           && conf->claims == NGX_CONF_UNSET_PTR
           && conf->token_types == NGX_CONF_UNSET_PTR
           && conf->tenants == NGX_CONF_UNSET_PTR
           && conf->clock_skew == NGX_CONF_UNSET
           && conf->require_exp == NGX_CONF_UNSET
           && conf->algorithms == NGX_CONF_UNSET_UINT
           && conf->apim == NGX_CONF_UNSET_PTR;

    /* a directive that jwtguard_apim_policy replaces, set here or at an outer level
     * (the outermost level is never merged itself: read its own settings) */
    directive = ngx_http_jwtguard_replaced_directive(conf);
    if (directive == NULL) {
        directive = prev->merged ? prev->directive
                                 : ngx_http_jwtguard_replaced_directive(prev);
    }

    conf->directive = directive;
    conf->merged = 1;

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_ptr_value(conf->token, prev->token, NULL);
    /* unset: the library's default scheme (Bearer) */
    ngx_conf_merge_str_value(conf->scheme, prev->scheme, "");
    ngx_conf_merge_ptr_value(conf->files, prev->files, NULL);
    ngx_conf_merge_ptr_value(conf->request, prev->request, NULL);
    ngx_conf_merge_sec_value(conf->keys_cache, prev->keys_cache, NGX_CONF_UNSET);
    ngx_conf_merge_ptr_value(conf->audiences, prev->audiences, NULL);
    ngx_conf_merge_ptr_value(conf->issuers, prev->issuers, NULL);
    ngx_conf_merge_ptr_value(conf->claims, prev->claims, NULL);
    ngx_conf_merge_ptr_value(conf->token_types, prev->token_types, NULL);
    ngx_conf_merge_ptr_value(conf->tenants, prev->tenants, NULL);
    /* unset: the core's defaults (see ngx_http_jwtguard_build_policy) */
    ngx_conf_merge_sec_value(conf->clock_skew, prev->clock_skew, NGX_CONF_UNSET);
    ngx_conf_merge_value(conf->require_exp, prev->require_exp, NGX_CONF_UNSET);
    ngx_conf_merge_uint_value(conf->algorithms, prev->algorithms,
                              NGX_CONF_UNSET_UINT);
    ngx_conf_merge_value(conf->failed_status, prev->failed_status,
                         NGX_HTTP_UNAUTHORIZED);
    ngx_conf_merge_str_value(conf->realm, prev->realm, "");
    ngx_conf_merge_value(conf->cache_size, prev->cache_size,
                         (ngx_int_t) jwtguard_default_cache_size());
    ngx_conf_merge_sec_value(conf->cache_ttl, prev->cache_ttl,
                             (time_t) jwtguard_default_cache_ttl());
    ngx_conf_merge_ptr_value(conf->apim, prev->apim, NULL);

    if (conf->failed_message.data == NULL) {
        conf->failed_message = prev->failed_message;

        if (conf->failed_message.data == NULL) {
            conf->failed_message.data = (u_char *) jwtguard_default_failed_message();
            conf->failed_message.len = ngx_strlen(conf->failed_message.data);
        }
    }

    if (conf->apim) {
        return ngx_http_jwtguard_merge_apim(cf, prev, conf);
    }

    if (same && prev->policy) {
        conf->policy = prev->policy;   /* owned (and freed) by the parent level */
        return ngx_http_jwtguard_merge_verifier(cf, prev, conf);
    }

    if (conf->enable != 1) {
        /* built lazily: a nested level that turns jwtguard on builds its own */
        return NGX_CONF_OK;
    }

    if (ngx_http_jwtguard_build_policy(cf, conf) != NGX_CONF_OK) {
        return NGX_CONF_ERROR;
    }

    return ngx_http_jwtguard_merge_verifier(cf, prev, conf);
}


/* A jwtguard_keys_request location that keeps subrequest_output_buffer_size at its
 * default (one memory page, 4 KiB on most systems): a key set larger than that cannot be
 * fetched (nginx aborts the subrequest). Reported at configuration time for the
 * locations whose name is the request's URI (exact or prefix; regular expression
 * locations are not looked at). The static location trees exist by now. */

static void
ngx_http_jwtguard_check_buffer(ngx_conf_t *cf, ngx_http_location_tree_node_t *node,
    ngx_str_t *uri)
{
    ngx_uint_t                 i;
    ngx_http_core_loc_conf_t  *clcf, *found[2];

    if (node == NULL) {
        return;
    }

    found[0] = node->exact;
    found[1] = node->inclusive;

    for (i = 0; i < 2; i++) {
        clcf = found[i];

        if (clcf != NULL && clcf->name.len == uri->len
            && ngx_strncmp(clcf->name.data, uri->data, uri->len) == 0
            && clcf->subrequest_output_buffer_size == (size_t) ngx_pagesize)
        {
            ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                          "jwtguard: jwtguard_keys_request \"%V\": location \"%V\" "
                          "keeps subrequest_output_buffer_size at its default "
                          "(%uz bytes), and a key set larger than that is not "
                          "fetched; set it above the key set's size, e.g. "
                          "\"subrequest_output_buffer_size 64k;\"",
                          uri, &clcf->name, clcf->subrequest_output_buffer_size);
        }
    }

    ngx_http_jwtguard_check_buffer(cf, node->left, uri);
    ngx_http_jwtguard_check_buffer(cf, node->right, uri);
    ngx_http_jwtguard_check_buffer(cf, node->tree, uri);
}


static ngx_int_t
ngx_http_jwtguard_init(ngx_conf_t *cf)
{
    ngx_uint_t                      i, j;
    ngx_http_handler_pt            *h;
    ngx_http_core_loc_conf_t       *clcf;
    ngx_http_core_srv_conf_t      **cscf;
    ngx_http_core_main_conf_t      *cmcf;
    ngx_str_t                      *uri;
    ngx_http_jwtguard_main_conf_t  *jmcf;

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);
    jmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_jwtguard_module);

    uri = jmcf->uris ? jmcf->uris->elts : NULL;
    cscf = cmcf->servers.elts;

    for (i = 0; uri && i < jmcf->uris->nelts; i++) {
        for (j = 0; j < cmcf->servers.nelts; j++) {
            clcf = cscf[j]->ctx->loc_conf[ngx_http_core_module.ctx_index];
            ngx_http_jwtguard_check_buffer(cf, clcf->static_locations, &uri[i]);
        }
    }

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_ACCESS_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_jwtguard_handler;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_jwtguard_body_filter;

    return NGX_OK;
}


/* names the library's version and signature backend in the error log, at start and
 * at each reload */

static ngx_int_t
ngx_http_jwtguard_init_module(ngx_cycle_t *cycle)
{
    ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0, "jwtguard %s (%s signatures)",
                  jwtguard_version(), jwtguard_backend());

    return NGX_OK;
}
