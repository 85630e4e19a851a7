/*
 * ngx_http_jwtguard_module: the module, its directives table, its configuration
 * and its merge.
 *
 * Every decision is the core's: each location that checks tokens has one
 * jwtguard_verifier, built at configuration time from its policy and its key
 * sources (key files, the keys request, an APIM policy's inline keys; each
 * source bound to its own issuers or to the policy's), with the verified-token
 * cache. A location that changes nothing about verification shares its
 * parent's verifier.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_jwtguard.h>


/* a directive of the http, server and location levels, stored in the
 * loc conf */
#define NGX_HTTP_JWTGUARD_COMMAND(name, args, set, field, post)               \
    { ngx_string(name),                                                       \
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|(args), set,     \
      NGX_HTTP_LOC_CONF_OFFSET, offsetof(ngx_http_jwtguard_loc_conf_t, field), \
      post }


static ngx_int_t ngx_http_jwtguard_init(ngx_conf_t *cf);
static ngx_int_t ngx_http_jwtguard_init_module(ngx_cycle_t *cycle);
static void *ngx_http_jwtguard_create_main_conf(ngx_conf_t *cf);
static void *ngx_http_jwtguard_create_loc_conf(ngx_conf_t *cf);
static char *ngx_http_jwtguard_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void ngx_http_jwtguard_policy_cleanup(void *data);
static void ngx_http_jwtguard_verifier_cleanup(void *data);
static void ngx_http_jwtguard_refused_source(ngx_conf_t *cf,
    ngx_http_jwtguard_source_t *src, const char *detail);


static ngx_conf_post_t  ngx_http_jwtguard_status_post =
    { ngx_http_jwtguard_status_check };

static ngx_conf_post_t  ngx_http_jwtguard_not_empty_post =
    { ngx_http_jwtguard_not_empty };


static ngx_command_t  ngx_http_jwtguard_commands[] = {

    NGX_HTTP_JWTGUARD_COMMAND("jwtguard", NGX_CONF_FLAG,
        ngx_conf_set_flag_slot, enable, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_token", NGX_CONF_TAKE1,
        ngx_http_jwtguard_token, token, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_require_scheme", NGX_CONF_TAKE1,
        ngx_conf_set_str_slot, scheme, &ngx_http_jwtguard_not_empty_post),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_keys_file", NGX_CONF_1MORE,
        ngx_http_jwtguard_keys_file, files, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_keys_request", NGX_CONF_1MORE,
        ngx_http_jwtguard_keys_request, request, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_openid_config", NGX_CONF_1MORE,
        ngx_http_jwtguard_openid_config, openid, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_apim_policy", NGX_CONF_1MORE,
        ngx_http_jwtguard_apim_policy, apim, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_keys_cache", NGX_CONF_TAKE1,
        ngx_conf_set_sec_slot, keys_cache, NULL),
    NGX_HTTP_JWTGUARD_COMMAND("jwtguard_decryption_keys_file", NGX_CONF_TAKE1,
        ngx_http_jwtguard_decryption_keys_file, decryption, NULL),

    { ngx_string("jwtguard_keys_zone"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_http_jwtguard_keys_zone,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },
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
    conf->openid = NGX_CONF_UNSET_PTR;
    conf->keys_cache = NGX_CONF_UNSET;
    conf->decryption = NGX_CONF_UNSET_PTR;
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
ngx_http_jwtguard_build_policy(ngx_conf_t *cf,
    ngx_http_jwtguard_loc_conf_t *conf)
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

    /* with OpenID configurations and no jwtguard_issuer, the issuers are the
     * ones discovered: the core then requires every key source to be bound to
     * issuers of its own */
    if (conf->openid && (conf->issuers == NULL || conf->issuers->nelts == 0)) {
        (void) jwtguard_policy_builder_issuers_from_sources(b);
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
        (void) jwtguard_policy_builder_add_token_type(b,
                   (const char *) s[i].data, s[i].len);
    }

    if (conf->tenants && conf->tenants->nelts == 0) {
        (void) jwtguard_policy_builder_any_tenant(b);
    }

    s = conf->tenants ? conf->tenants->elts : NULL;

    for (i = 0; s && i < conf->tenants->nelts; i++) {
        (void) jwtguard_policy_builder_add_allowed_tenant(b,
                   (const char *) s[i].data, s[i].len);
    }

    /* unset: the core's defaults */

    if (conf->clock_skew != NGX_CONF_UNSET) {
        (void) jwtguard_policy_builder_set_clock_skew(b,
                   (uint64_t) conf->clock_skew);
    }

    if (conf->require_exp != NGX_CONF_UNSET) {
        (void) jwtguard_policy_builder_set_require_expiration_time(b,
                   conf->require_exp ? 1 : 0);
    }

    if (conf->algorithms != NGX_CONF_UNSET_UINT) {
        (void) jwtguard_policy_builder_set_algorithms(b,
                   (uint32_t) conf->algorithms);
    }

    detail[0] = '\0';
    rc = jwtguard_policy_builder_build(b, &conf->policy, detail,
                                       sizeof(detail));
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


/* The level's verifier: the parent's when the level verifies exactly as the
 * parent does (same key sources, policy, cache and refresh settings), else a
 * new one with the level's key files, then its keys request, or else its APIM
 * policy's inline keys. */

static char *
ngx_http_jwtguard_merge_verifier(ngx_conf_t *cf,
    ngx_http_jwtguard_loc_conf_t *prev, ngx_http_jwtguard_loc_conf_t *conf)
{
    u_char                        *url;
    size_t                         n_issuers;
    size_t                         len;
    ngx_str_t                     *uri;
    ngx_array_t                   *apim;
    const jwtguard_decryption_keys *decryption;
    ngx_uint_t                     i, n, m, m_apim, unbound;
    jwtguard_result                added;
    ngx_http_jwtguard_source_t    *refused;
    ngx_http_jwtguard_fetcher_t   *f;
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

    /* the level's decryption keys, else its APIM policy's <decryption-keys> */
    decryption = conf->decryption ? conf->decryption
                 : conf->apim ? conf->apim->decryption : NULL;

    jv = prev->jv;

    if (jv && jv->files == conf->files && jv->request == conf->request
        && jv->openid == conf->openid && jv->policy == conf->policy && jv->inline_keys == conf->apim
        && jv->cache_size == (size_t) conf->cache_size
        && jv->cache_ttl == conf->cache_ttl
        && jv->keys_cache == conf->keys_cache
        && jv->decryption == decryption)
    {
        conf->jv = jv;
        return NGX_CONF_OK;
    }

    if (conf->files == NULL && conf->request == NULL && conf->openid == NULL
        && (conf->apim == NULL
            || (conf->apim->n_inline == 0 && conf->apim->sources == NULL)))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: \"jwtguard on\" needs "
                           "\"jwtguard_keys_file\", "
                           "\"jwtguard_keys_request\" or "
                           "\"jwtguard_openid_config\"");
        return NGX_CONF_ERROR;
    }

    jv = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_verifier_t));
    if (jv == NULL) {
        return NGX_CONF_ERROR;
    }

    jv->files = conf->files;
    jv->request = conf->request;
    jv->openid = conf->openid;
    jv->inline_keys = conf->apim;
    jv->policy = conf->policy;
    jv->cache_size = (size_t) conf->cache_size;
    jv->cache_ttl = conf->cache_ttl;
    jv->keys_cache = conf->keys_cache;
    jv->decryption = decryption;

    n = conf->files ? conf->files->nelts : 0;
    m = conf->openid ? conf->openid->nelts : 0;
    /* an APIM policy's <openid-config> sources follow the level's own */
    apim = (conf->apim && conf->apim->sources) ? conf->apim->sources : NULL;
    m_apim = apim ? apim->nelts : 0;

    if (ngx_array_init(&jv->fetchers, cf->pool, 1 + m + m_apim,
                       sizeof(ngx_http_jwtguard_fetcher_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    ngx_queue_init(&jv->waiters);

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
    refused = NULL;

    for (i = 0; i < n + 1 + m + m_apim; i++) {
        src = (i < n) ? &((ngx_http_jwtguard_source_t *) conf->files->elts)[i]
              : (i == n) ? conf->request
              : (i < n + 1 + m)
                ? &((ngx_http_jwtguard_source_t *) conf->openid->elts)[i - n - 1]
              : &((ngx_http_jwtguard_source_t *) apim->elts)[i - n - 1 - m];
        if (src == NULL) {
            continue;
        }

        issuers = src->issuers ? src->issuers->elts : NULL;
        n_issuers = src->issuers ? src->issuers->nelts : 0;
        unbound += (n_issuers == 0 && src->config_uri.len == 0);

        if (src->file) {
            /* a key file that changes gives its new keys to this
             * verifier too */
            h = ngx_array_push(&src->file->holders);
            if (h == NULL) {
                jwtguard_verifier_builder_free(b);
                return NGX_CONF_ERROR;
            }

            h->jv = jv;
            added = jwtguard_verifier_builder_add_keys(b, src->file->keys,
                        issuers, n_issuers, &h->source);
            refused = (added != JWTGUARD_OK && refused == NULL) ? src : refused;
            continue;
        }

        /* the subrequest is a request to this server: the URI's loopback
         * URL (an OpenID configuration's keys are fetched at the URI given,
         * whatever the document names) */
        uri = src->config_uri.len ? &src->config_uri : &src->uri;

        url = ngx_pnalloc(cf->temp_pool, sizeof("http://localhost") - 1
                                         + uri->len);
        f = ngx_array_push(&jv->fetchers);
        if (url == NULL || f == NULL) {
            jwtguard_verifier_builder_free(b);
            return NGX_CONF_ERROR;
        }

        ngx_memzero(f, sizeof(ngx_http_jwtguard_fetcher_t));
        f->src = src;
        f->index = (size_t) -1;

        if (src->url.len) {
            /* an APIM policy's <openid-config url> */
            url = src->url.data;
            len = src->url.len;

        } else {
            len = ngx_sprintf(url, "http://localhost%V", uri) - url;
        }

        added = (src->config_uri.len ? jwtguard_verifier_builder_add_openid_config
                                     : jwtguard_verifier_builder_add_jwks_url)
                    (b, (const char *) url, len, issuers, n_issuers,
                     JWTGUARD_SOURCE_ALLOW_HTTP_LOOPBACK, &f->index);
        refused = (added != JWTGUARD_OK && refused == NULL) ? src : refused;

    }

    if (n == 0 && conf->request == NULL && m == 0 && conf->apim) {
        /* APIM verifies with its inline keys and its <openid-config> keys
         * alike */
        for (i = 0; i < conf->apim->n_inline; i++) {
            (void) jwtguard_verifier_builder_add_keys(b,
                       conf->apim->inline_keys[i], NULL, 0, NULL);
        }
    }

    (void) jwtguard_verifier_builder_set_cache(b, (size_t) conf->cache_size,
                                               (uint64_t) conf->cache_ttl);

    if (decryption) {
        (void) jwtguard_verifier_builder_set_decryption_keys(b, decryption);
    }

    detail[0] = '\0';
    rc = jwtguard_verifier_builder_build(b, &jv->verifier, detail,
                                         sizeof(detail));

    if (rc != JWTGUARD_OK) {
        ngx_http_jwtguard_refused_source(cf, refused,
                                         detail[0] ? detail
                                                   : jwtguard_result_name(rc));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_verifier_cleanup,
                                  jv->verifier)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    jv->max_fetches = jwtguard_verifier_fetches_per_verification(jv->verifier);

    /* with a keys zone, each fetched source gets its record there */
    f = jv->fetchers.elts;

    for (i = 0; i < jv->fetchers.nelts; i++) {
        if (ngx_http_jwtguard_zone_add(cf, jv, &f[i]) != NGX_OK) {
            return NGX_CONF_ERROR;
        }
    }

    if (unbound && n + (conf->request != NULL) + m > 1
        && conf->issuers && conf->issuers->nelts > 1)
    {
        ngx_conf_log_error(NGX_LOG_WARN, cf, 0,
                           "jwtguard: a key source without \"issuer=\" signs "
                           "for any of the %ui issuers of its level; with keys "
                           "of several providers, bind each source to its "
                           "provider's issuer (jwtguard_keys_file ... "
                           "issuer=<iss>)",
                           conf->issuers->nelts);
    }

    conf->jv = jv;

    return NGX_CONF_OK;
}


/* Says why the verifier was not built, naming the key source the core refused
 * (the first one, by its directive), if one was; a source bound to no issuer
 * is told how to bind it. */

static void
ngx_http_jwtguard_refused_source(ngx_conf_t *cf, ngx_http_jwtguard_source_t *src,
    const char *detail)
{
    const char  *directive;
    ngx_str_t   *place;

    if (src == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "jwtguard: %s", detail);
        return;
    }

    directive = src->file ? "jwtguard_keys_file"
                : src->url.len ? "jwtguard_apim_policy"
                : src->config_uri.len ? "jwtguard_openid_config"
                : "jwtguard_keys_request";
    place = src->file ? &src->file->path
            : src->url.len ? &src->url
            : src->config_uri.len ? &src->config_uri
            : &src->uri;

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0, "jwtguard: \"%s %V\"%s: %s",
                       directive, place,
                       (src->issuers == NULL && src->config_uri.len == 0)
                       ? " needs \"issuer=<iss>\"" : "",
                       detail);
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
           : conf->require_exp != NGX_CONF_UNSET
             ? "jwtguard_require_expiration_time"
           : conf->algorithms != NGX_CONF_UNSET_UINT ? "jwtguard_algorithms"
           : conf->token != NGX_CONF_UNSET_PTR ? "jwtguard_token"
           : conf->scheme.data != NULL ? "jwtguard_require_scheme"
           : conf->failed_status != NGX_CONF_UNSET ? "jwtguard_failed_status"
           : conf->failed_message.data != NULL ? "jwtguard_failed_message"
           : NULL;
}


/* A level under jwtguard_apim_policy: the policy's core policy, token
 * source, scheme, failure status and message; its inline keys where no keys
 * directive applies. */

static char *
ngx_http_jwtguard_merge_apim(ngx_conf_t *cf, ngx_http_jwtguard_loc_conf_t *prev,
    ngx_http_jwtguard_loc_conf_t *conf)
{
    ngx_http_jwtguard_apim_t  *a = conf->apim;

    if (conf->directive) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: \"jwtguard_apim_policy %V\" conflicts "
                           "with \"%s\" (set at this or an outer level): the "
                           "APIM policy sets the audiences, issuers, required "
                           "claims, token types, tenants, clock skew, exp "
                           "rule, algorithms, token source, scheme, failure "
                           "status and message; remove \"%s\" (allowed tenants "
                           "are \"tenant=\" parameters of "
                           "jwtguard_apim_policy)",
                           &a->path, conf->directive, conf->directive);
        return NGX_CONF_ERROR;
    }

    /* owned (and freed) by the policy entry */
    conf->policy = a->policy;
    conf->failed_status = a->status;

    if (a->scheme.len) {
        conf->scheme = a->scheme;
    }

    if (conf->enable != 1) {
        return NGX_CONF_OK;
    }

    if (conf->files == NULL && conf->request == NULL && conf->openid == NULL
        && a->n_inline == 0 && a->sources == NULL)
    {
        if (a->inline_error.len) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard: the inline keys of APIM policy "
                               "\"%V\" do not load (%V); set "
                               "\"jwtguard_keys_file\" or "
                               "\"jwtguard_keys_request\"",
                               &a->path, &a->inline_error);

        } else {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard: \"jwtguard on\" with APIM policy "
                               "\"%V\" needs \"jwtguard_keys_file\" or "
                               "\"jwtguard_keys_request\" (the policy has no "
                               "inline keys: fetch the keys of its "
                               "<openid-config>)",
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

    /* a directive that jwtguard_apim_policy replaces, set here or at an
     * outer level (the outermost level is never merged itself: read its
     * own settings) */
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
    ngx_conf_merge_ptr_value(conf->openid, prev->openid, NULL);
    ngx_conf_merge_ptr_value(conf->decryption, prev->decryption, NULL);
    ngx_conf_merge_sec_value(conf->keys_cache, prev->keys_cache,
                             NGX_CONF_UNSET);
    ngx_conf_merge_ptr_value(conf->audiences, prev->audiences, NULL);
    ngx_conf_merge_ptr_value(conf->issuers, prev->issuers, NULL);
    ngx_conf_merge_ptr_value(conf->claims, prev->claims, NULL);
    ngx_conf_merge_ptr_value(conf->token_types, prev->token_types, NULL);
    ngx_conf_merge_ptr_value(conf->tenants, prev->tenants, NULL);
    /* unset: the core's defaults (see ngx_http_jwtguard_build_policy) */
    ngx_conf_merge_sec_value(conf->clock_skew, prev->clock_skew,
                             NGX_CONF_UNSET);
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
            conf->failed_message.data =
                (u_char *) jwtguard_default_failed_message();
            conf->failed_message.len = ngx_strlen(conf->failed_message.data);
        }
    }

    if (conf->apim) {
        return ngx_http_jwtguard_merge_apim(cf, prev, conf);
    }

    if (same && prev->policy) {
        /* owned (and freed) by the parent level */
        conf->policy = prev->policy;
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


/* A jwtguard_keys_request location that keeps subrequest_output_buffer_size at
 * its default (one memory page, 4 KiB on most systems): a key set larger than
 * that cannot be fetched (nginx aborts the subrequest). Reported at
 * configuration time for the locations whose name is the request's URI (exact
 * or prefix; regular expression locations are not looked at). The static
 * location trees exist by now. */

static void
ngx_http_jwtguard_check_buffer(ngx_conf_t *cf,
    ngx_http_location_tree_node_t *node, ngx_str_t *uri)
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
                          "jwtguard: key fetches to \"%V\": location "
                          "\"%V\" keeps subrequest_output_buffer_size at its "
                          "default (%uz bytes), and a key set larger than that "
                          "is not fetched; set it above the key set's size, "
                          "e.g. \"subrequest_output_buffer_size 64k;\"",
                          uri, &clcf->name,
                          clcf->subrequest_output_buffer_size);
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

    /* The rewrite phase, not the access phase: a location's "return" and
     * "rewrite" run in the rewrite phase, and subrequests (an "auth_request"
     * target, an SSI include) skip the access phase, so a check there lets
     * them answer unchecked. Handlers of a phase run in the reverse order of
     * registration: this one, registered after the rewrite module's, runs
     * before "return", "rewrite" and "set". */
    h = ngx_array_push(&cmcf->phases[NGX_HTTP_REWRITE_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_http_jwtguard_handler;

    ngx_http_jwtguard_keys_init_filter();

    return NGX_OK;
}


/* names the library's version and signature backend in the error log, at start
 * and at each reload */

static ngx_int_t
ngx_http_jwtguard_init_module(ngx_cycle_t *cycle)
{
    ngx_log_error(NGX_LOG_NOTICE, cycle->log, 0, "jwtguard %s (%s signatures)",
                  jwtguard_version(), jwtguard_backend());

    return NGX_OK;
}


/* ----------------------------------------------------------- shared helpers */

/* Runs handler(data) when `pool` is destroyed; at once when that cannot be
 * arranged (out of memory), so what `data` holds is freed either way. */

ngx_int_t
ngx_http_jwtguard_cleanup(ngx_pool_t *pool, ngx_pool_cleanup_pt handler,
    void *data)
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


/* A text from a jwtguard accessor, copied under the buffer convention of
 * jwtguard.h into `pool` (NUL-terminated). `object` is the token or the APIM
 * policy; `index` the accessor's index or kind; `name` a claim name. */

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
        return jwtguard_apim_policy_failure_message(object, (uint32_t) index,
                                                    buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_URL:
        return jwtguard_apim_policy_openid_config_url(object, index, buf, cap,
                                                      len);

    case NGX_HTTP_JWTGUARD_GET_NOTE:
        return jwtguard_apim_policy_note(object, index, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_SCHEME:
        return jwtguard_apim_policy_require_scheme(object, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_SOURCE:
        /* `index` points to the kind's storage */
        return jwtguard_apim_policy_token_source(object,
                   (jwtguard_token_source *) index, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_JWKS:
        return jwtguard_apim_policy_inline_jwks(object, (uint32_t) index, buf,
                                                cap, len);

    case NGX_HTTP_JWTGUARD_GET_DECRYPTION_JWKS:
        return jwtguard_apim_policy_decryption_jwks(object, buf, cap, len);

    case NGX_HTTP_JWTGUARD_GET_SHARED_NAME:
        return jwtguard_verifier_source_shared_name(object, index, buf, cap,
                                                    len);

    default: /* NGX_HTTP_JWTGUARD_GET_CHALLENGE: `object` is the loc conf */
        return jwtguard_http_challenge((uint32_t) index, (uint16_t)
                 ((const ngx_http_jwtguard_loc_conf_t *) object)->failed_status,
                 (const char *) name->data, name->len, buf, cap, len);
    }
}


jwtguard_result
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
