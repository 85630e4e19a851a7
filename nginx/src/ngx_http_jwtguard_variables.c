/*
 * ngx_http_jwtguard_module: the variables.
 *
 * $jwtguard_claim_<name> and $jwtguard_kid read the verified token kept in the
 * request context, under the core's export rule (it refuses a text that is not
 * safe in a header or a log line); $jwtguard_error and $jwtguard_cache_status
 * say what the request's check found; $jwtguard_jwks_uri is the key set URL an
 * OpenID configuration named, and $jwtguard_openid_config_url an APIM policy's
 * <openid-config url>, each in the subrequest that fetches it.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_jwtguard.h>


#define NGX_HTTP_JWTGUARD_CLAIM_PREFIX "jwtguard_claim_"

/* ngx_http_jwtguard_request_variable */
#define NGX_HTTP_JWTGUARD_VAR_ERROR   0
#define NGX_HTTP_JWTGUARD_VAR_KID     1
#define NGX_HTTP_JWTGUARD_VAR_CACHE   2
#define NGX_HTTP_JWTGUARD_VAR_JWKS_URI 3
#define NGX_HTTP_JWTGUARD_VAR_CONFIG_URL 4


static ngx_int_t ngx_http_jwtguard_request_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);
static ngx_int_t ngx_http_jwtguard_claim_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_http_jwtguard_vars[] = {

    { ngx_string("jwtguard_error"), NULL, ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_ERROR, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("jwtguard_kid"), NULL, ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_KID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("jwtguard_cache_status"), NULL,
      ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_CACHE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("jwtguard_jwks_uri"), NULL,
      ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_JWKS_URI, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("jwtguard_openid_config_url"), NULL,
      ngx_http_jwtguard_request_variable,
      NGX_HTTP_JWTGUARD_VAR_CONFIG_URL, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string(NGX_HTTP_JWTGUARD_CLAIM_PREFIX), NULL,
      ngx_http_jwtguard_claim_variable, 0,
      NGX_HTTP_VAR_NOCACHEABLE|NGX_HTTP_VAR_PREFIX, 0 },

      ngx_http_null_variable
};


/* Sets a variable to `len` bytes at `data`, or not found when `data`
 * is NULL. */

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


/* A value of the verified token ($jwtguard_kid when `name` is NULL) under the
 * core's export rule: a value it refuses (a control character, an array element
 * holding the separator) leaves the variable not found, which is logged at info
 * with the variable's name, never the value. */

static ngx_int_t
ngx_http_jwtguard_token_value(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, ngx_str_t *name, ngx_str_t *var)
{
    ngx_str_t                 value;
    jwtguard_result           rc;
    ngx_http_jwtguard_ctx_t  *ctx;

    ctx = ngx_http_jwtguard_get_ctx(r);

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


/* $jwtguard_error, $jwtguard_kid, $jwtguard_cache_status,
 * $jwtguard_jwks_uri or $jwtguard_openid_config_url, by `data` */

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

    if (data == NGX_HTTP_JWTGUARD_VAR_JWKS_URI
        || data == NGX_HTTP_JWTGUARD_VAR_CONFIG_URL)
    {
        /* the URL the core checked (https, or loopback http; no spaces or
         * control characters), only in the subrequest fetching it: a
         * discovered jwks_uri, an APIM policy's configuration URL */
        ctx = ngx_http_jwtguard_fetch_ctx(r);

        if (ctx == NULL
            || (data == NGX_HTTP_JWTGUARD_VAR_JWKS_URI
                ? ctx->kind != JWTGUARD_FETCH_JWKS
                  || ctx->fetcher->src->config_uri.len == 0
                : ctx->kind != JWTGUARD_FETCH_OPENID_CONFIGURATION
                  || ctx->fetcher->src->url.len == 0))
        {
            return ngx_http_jwtguard_variable(v, NULL, 0);
        }

        return ngx_http_jwtguard_variable(v, ctx->fetch_url.data,
                                          ctx->fetch_url.len);
    }

    ctx = ngx_http_jwtguard_get_ctx(r);

    s = (ctx == NULL) ? NULL
        : (data == NGX_HTTP_JWTGUARD_VAR_CACHE)
          ? cache_status[ctx->cache_status]
        : (ctx->result == JWTGUARD_OK) ? NULL
        : jwtguard_result_name(ctx->result);

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


ngx_int_t
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
