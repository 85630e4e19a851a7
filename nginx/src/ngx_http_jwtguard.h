/*
 * ngx_http_jwtguard_module: verifies JWT access tokens in the rewrite phase with
 * the jwtguard core, as Azure API Management's validate-jwt policy does.
 *
 * This header: what the module's files share (the configuration, the key
 * sources, the request context) and the functions one file calls in another.
 *
 * Workers are single-threaded: each worker has its own copy of every verifier
 * (made by fork), so its own key sets and cache; with jwtguard_keys_zone, the
 * fetch schedules and fetched documents are shared through the zone
 * (ngx_http_jwtguard_zone.c).
 */


#ifndef _NGX_HTTP_JWTGUARD_H_INCLUDED_
#define _NGX_HTTP_JWTGUARD_H_INCLUDED_


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <jwtguard.h>


#define NGX_HTTP_JWTGUARD_DETAIL      256

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
#define NGX_HTTP_JWTGUARD_GET_DECRYPTION_JWKS 9
#define NGX_HTTP_JWTGUARD_GET_SHARED_NAME 10

#define NGX_HTTP_JWTGUARD_CACHE_NONE  0   /* $jwtguard_cache_status: empty */
#define NGX_HTTP_JWTGUARD_CACHE_MISS  1
#define NGX_HTTP_JWTGUARD_CACHE_HIT   2


/* a verifier source that holds a key file's keys */
typedef struct {
    struct ngx_http_jwtguard_verifier_s *jv;
    size_t                    source;
} ngx_http_jwtguard_holder_t;


/* a key file: one per path, shared by the locations that name it; when it is
 * read again is the core's decision (jwtguard_key_file_watch) */
typedef struct {
    ngx_str_t                 path;
    const jwtguard_keyset    *keys;
    jwtguard_key_file_watch  *watch;
    ngx_array_t               holders;      /* ngx_http_jwtguard_holder_t */
} ngx_http_jwtguard_file_t;


/* a key source as a level declares it: a key file, the keys request, or an
 * OpenID configuration */
typedef struct {
    ngx_http_jwtguard_file_t *file;         /* NULL: fetched by subrequests */
    ngx_str_t                 uri;          /* the URI the keys are fetched at */
    /* the URI of the OpenID configuration; empty: not an OpenID source */
    ngx_str_t                 config_uri;
    /* the URL the core fetches (an APIM policy's <openid-config url>, for
     * $jwtguard_openid_config_url); empty: the loopback URL of the URI */
    ngx_str_t                 url;
    /* jwtguard_slice; NULL: the policy's (OpenID: the discovered issuer) */
    ngx_array_t              *issuers;
} ngx_http_jwtguard_source_t;


/* a fetched source's record in the keys zone (ngx_http_jwtguard_zone.c) */
typedef struct ngx_http_jwtguard_record_s  ngx_http_jwtguard_record_t;


/* a fetched source of a verifier: what its subrequests go to */
typedef struct {
    ngx_http_jwtguard_source_t *src;
    size_t                    index;        /* the verifier's source index */
    /* its record in the keys zone; NULL: none (no zone) */
    ngx_http_jwtguard_record_t *record;
    ngx_str_t                 shared_name;  /* the record's, the core's */
} ngx_http_jwtguard_fetcher_t;


/* jwtguard_apim_policy <file> [options]: one per file and options, shared by
 * the levels that name them */
typedef struct {
    /* the path and the options, as one text */
    ngx_str_t                 key;
    ngx_str_t                 path;
    jwtguard_apim_policy     *apim;
    /* its core policy (one reference) */
    const jwtguard_policy    *policy;
    jwtguard_token_source     source;
    ngx_str_t                 source_name;
    ngx_str_t                 scheme;       /* require-scheme; empty: not set */
    ngx_uint_t                status;
    /* why the inline keys did not load */
    ngx_str_t                 inline_error;
    /* the RSA keys, the symmetric keys */
    const jwtguard_keyset    *inline_keys[2];
    ngx_uint_t                n_inline;
    /* its <openid-config> URLs fetched through "openid=" and "keys=":
     * ngx_http_jwtguard_source_t; NULL: not fetched */
    ngx_array_t              *sources;
    /* its <decryption-keys>; NULL: none */
    const jwtguard_decryption_keys *decryption;
} ngx_http_jwtguard_apim_t;


/* jwtguard_token: where the token is, and whether it is URL-encoded there (a
 * query argument or a cookie: percent-decoded before it is verified) */
typedef struct {
    ngx_http_complex_value_t  value;
    ngx_uint_t                url_encoded;
} ngx_http_jwtguard_token_t;


typedef struct {
    ngx_str_t                 name;
    ngx_array_t               values;       /* ngx_str_t */
    jwtguard_match            match;
    ngx_str_t                 separator;    /* empty: the claim is not split */
    ngx_str_t                 fallback;     /* empty: no fallback claim */
} ngx_http_jwtguard_claim_t;


/* the verifier of a level, and what it was built from (a level that has the
 * same shares it) */
typedef struct ngx_http_jwtguard_verifier_s {
    jwtguard_verifier        *verifier;
    ngx_array_t              *files;        /* ngx_http_jwtguard_source_t */
    ngx_http_jwtguard_source_t *request;
    ngx_array_t              *openid;       /* ngx_http_jwtguard_source_t */
    /* the APIM policy whose keys it has */
    ngx_http_jwtguard_apim_t *inline_keys;
    const jwtguard_policy    *policy;
    size_t                    cache_size;
    time_t                    cache_ttl;
    time_t                    keys_cache;
    const jwtguard_decryption_keys *decryption;
    /* the sources fetched by subrequests: ngx_http_jwtguard_fetcher_t */
    ngx_array_t               fetchers;
    /* this worker's requests waiting for a fetch: ngx_http_jwtguard_ctx_t */
    ngx_queue_t               waiters;
    /* the fetches one request may make (the core's, read once) */
    size_t                    max_fetches;
    /* the keys zone its fetched sources share; NULL: none */
    ngx_slab_pool_t          *zone;
} ngx_http_jwtguard_verifier_t;


/* a verifier's fetched source that has a record in the keys zone */
typedef struct {
    ngx_http_jwtguard_verifier_t *jv;
    ngx_http_jwtguard_fetcher_t  *fetcher;
} ngx_http_jwtguard_shared_t;


typedef struct {
    ngx_flag_t                enable;
    ngx_http_jwtguard_token_t *token;       /* jwtguard_token */
    ngx_str_t                 scheme;
    ngx_array_t              *files;        /* ngx_http_jwtguard_source_t */
    ngx_http_jwtguard_source_t *request;    /* jwtguard_keys_request */
    ngx_array_t              *openid;       /* jwtguard_openid_config */
    time_t                    keys_cache;
    /* jwtguard_decryption_keys_file; NULL: encrypted tokens are malformed */
    const jwtguard_decryption_keys *decryption;
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
    /* a policy directive set here or above */
    const char               *directive;
    ngx_flag_t                merged;
} ngx_http_jwtguard_loc_conf_t;


typedef struct {
    /* ngx_http_jwtguard_file_t *, per path */
    ngx_array_t              *files;
    /* ngx_str_t: the URIs key fetches go to */
    ngx_array_t              *uris;
    /* ngx_http_jwtguard_apim_t *, per file */
    ngx_array_t              *policies;
    /* jwtguard_keys_zone; NULL: none */
    ngx_shm_zone_t           *zone;
    /* the fetched sources that have a record in it: ngx_http_jwtguard_shared_t */
    ngx_array_t              *shared;
} ngx_http_jwtguard_main_conf_t;


typedef struct {
    jwtguard_token           *token;
    jwtguard_result           result;
    ngx_http_jwtguard_verifier_t *jv;       /* of the fetch below */
    ngx_http_request_t       *subrequest;   /* the key fetch in progress */
    size_t                    source;       /* the source it fetches for */
    ngx_http_jwtguard_fetcher_t *fetcher;   /* and where it goes */
    jwtguard_fetch_kind       kind;         /* which document */
    ngx_str_t                 fetch_url;    /* its URL, for the variables */
    ngx_str_t                *fetch_uri;    /* the local URI it went to */
    /* the fetches this request made (the core says how many it may) */
    ngx_uint_t                fetches;
    /* waiting for a fetch of another request to end: queued in the
     * verifier's waiters, woken by a posted event (or a timer) */
    ngx_event_t               wait;
    ngx_queue_t               queue;
    ngx_http_request_t       *request;
    ngx_int_t                 sr_rc;
    off_t                     sr_size;      /* bytes of its answer so far */
    unsigned                  sr_too_big:1; /* larger than its output buffer */
    unsigned                  cache_status:2;
    unsigned                  sr_done:1;
    /* a fetch the core awaits an answer for */
    unsigned                  claimed:1;

    unsigned                  decided:1;
    unsigned                  error_page:1; /* rejected to an error_page */
    /* the request's, without its line */
    ngx_log_t                 log;
} ngx_http_jwtguard_ctx_t;


/* ngx_http_jwtguard_module.c */

/* Runs handler(data) when `pool` is destroyed, at once when out of memory. */
ngx_int_t ngx_http_jwtguard_cleanup(ngx_pool_t *pool,
    ngx_pool_cleanup_pt handler, void *data);
/* Copies a text of a jwtguard accessor (`what`) into `pool`, NUL-terminated. */
jwtguard_result ngx_http_jwtguard_copy(ngx_pool_t *pool, ngx_uint_t what,
    const void *object, ngx_uint_t index, ngx_str_t *name, ngx_str_t *out);

/* ngx_http_jwtguard_handler.c */

/* The rewrite phase: verifies the request's token, or answers the rejection. */
/* The request's context, also after the internal redirect to an error page. */
ngx_http_jwtguard_ctx_t *ngx_http_jwtguard_get_ctx(ngx_http_request_t *r);
ngx_int_t ngx_http_jwtguard_handler(ngx_http_request_t *r);

/* ngx_http_jwtguard_keys.c */

/* Re-reads a key file that changed; its keys go to the verifiers holding it. */
void ngx_http_jwtguard_refresh(ngx_http_jwtguard_file_t *k, ngx_log_t *log);
/* Loads a key file into k->keys; NGX_ERROR with the reason in *err. */
ngx_int_t ngx_http_jwtguard_load(ngx_http_jwtguard_file_t *k, ngx_log_t *log,
    ngx_str_t *err);
/* A whole file of at most 1 MiB from ngx_alloc(); NULL with *err on failure. */
u_char *ngx_http_jwtguard_read_file(ngx_str_t *path, ngx_log_t *log,
    size_t *len, ngx_file_info_t *fi, ngx_str_t *err);
/* A pool cleanup: frees the key set `data` points to. */
void ngx_http_jwtguard_keys_cleanup(void *data);
/* A pool cleanup: frees the key file watch `data` is. */
void ngx_http_jwtguard_watch_cleanup(void *data);
/* The context of the request whose key fetch subrequest `r` is; NULL when `r`
 * is not one. */
ngx_http_jwtguard_ctx_t *ngx_http_jwtguard_fetch_ctx(ngx_http_request_t *r);
/* Starts a due key fetch as a subrequest (NGX_DONE); NGX_DECLINED if none. */
ngx_int_t ngx_http_jwtguard_fetch(ngx_http_request_t *r,
    ngx_http_jwtguard_verifier_t *jv, ngx_http_jwtguard_ctx_t *ctx, time_t now);
/* Hands the answer of the finished key subrequest to the core. */
void ngx_http_jwtguard_fetched(ngx_http_request_t *r,
    ngx_http_jwtguard_ctx_t *ctx);
/* The request that claimed a fetch ended first: the fetch failed. */
void ngx_http_jwtguard_abandoned(ngx_http_jwtguard_ctx_t *ctx);
/* Makes the request wait for the fetch under way (NGX_DONE). */
ngx_int_t ngx_http_jwtguard_wait(ngx_http_request_t *r,
    ngx_http_jwtguard_ctx_t *ctx, ngx_http_jwtguard_verifier_t *jv);
/* Wakes the requests waiting for a fetch of `jv` (it ended). */
void ngx_http_jwtguard_wake(ngx_http_jwtguard_verifier_t *jv);
/* Takes a request out of the waiters (its pool is going). */
void ngx_http_jwtguard_unwait(ngx_http_jwtguard_ctx_t *ctx);
/* Installs the body filter that drops a key subrequest's oversized answer. */
void ngx_http_jwtguard_keys_init_filter(void);

/* ngx_http_jwtguard_directives.c: the handlers of the directives table */

/* jwtguard_token <value>: a complex value; $arg_* and $cookie_* are decoded */
char *ngx_http_jwtguard_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf);
/* jwtguard_keys_file <path> [check=<time>] [issuer=<iss>]... */
char *ngx_http_jwtguard_keys_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_decryption_keys_file <path> */
char *ngx_http_jwtguard_decryption_keys_file(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
/* A pool cleanup: frees the decryption keys `data` is. */
void ngx_http_jwtguard_decryption_keys_cleanup(void *data);
/* jwtguard_keys_request <uri> [issuer=<iss>]... */
char *ngx_http_jwtguard_keys_request(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_openid_config <uri> keys=<uri> [issuer=<iss>]... */
char *ngx_http_jwtguard_openid_config(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_apim_policy <file> [tenant=<tid>]... [any_tenant] [values=<file>]
 * [openid=<uri> keys=<uri>] */
char *ngx_http_jwtguard_apim_policy(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_audience, jwtguard_issuer, jwtguard_token_type: values, appended */
char *ngx_http_jwtguard_values(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_require_claim <name> [<value>...] and its parameters */
char *ngx_http_jwtguard_require_claim(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_allowed_tenants <tid>... | any */
char *ngx_http_jwtguard_allowed_tenants(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_algorithms <name>...: asymmetric algorithms only */
char *ngx_http_jwtguard_algorithms(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* jwtguard_cache_size <number> | off */
char *ngx_http_jwtguard_cache_size(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* The post handler of jwtguard_failed_status: 401 or 403. */
char *ngx_http_jwtguard_status_check(ngx_conf_t *cf, void *post, void *data);
/* The post handler of a text that must not be empty. */
char *ngx_http_jwtguard_not_empty(ngx_conf_t *cf, void *post, void *data);

/* ngx_http_jwtguard_zone.c */

/* jwtguard_keys_zone <name>:<size> */
char *ngx_http_jwtguard_keys_zone(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
/* Lists a built verifier's fetched source for its record in the keys zone (named
 * by the core), if one is configured. */
ngx_int_t ngx_http_jwtguard_zone_add(ngx_conf_t *cf,
    ngx_http_jwtguard_verifier_t *jv, ngx_http_jwtguard_fetcher_t *f);
/* Takes the zone's lock and the shared schedules when `always` or when the
 * core says to sync; 1 when the lock is held. */
ngx_uint_t ngx_http_jwtguard_zone_enter(ngx_http_jwtguard_verifier_t *jv,
    time_t now, ngx_uint_t always, ngx_log_t *log);
/* Writes the schedules back and gives up the lock. */
void ngx_http_jwtguard_zone_leave(ngx_http_jwtguard_verifier_t *jv);
/* Under the lock: a copy of a fetched document in the zone; NULL when full. */
u_char *ngx_http_jwtguard_zone_copy(ngx_http_jwtguard_verifier_t *jv,
    u_char *body, size_t len, ngx_log_t *log);
/* Under the lock: stores the copy as the source's document when taken. */
void ngx_http_jwtguard_zone_keep(ngx_http_jwtguard_verifier_t *jv,
    ngx_http_jwtguard_fetcher_t *f, jwtguard_fetch_kind kind, u_char *copy,
    size_t len, ngx_uint_t taken);

/* ngx_http_jwtguard_variables.c */

/* Adds the module's variables (preconfiguration). */
ngx_int_t ngx_http_jwtguard_add_variables(ngx_conf_t *cf);


extern ngx_module_t  ngx_http_jwtguard_module;


#endif /* _NGX_HTTP_JWTGUARD_H_INCLUDED_ */
