/*
 * ngx_http_jwtguard_module: the request handler, in the rewrite phase (before
 * the location's "return", "rewrite" and "set", and in subrequests too).
 *
 * Return values follow the rewrite phase: NGX_DECLINED goes on (the token
 * verified), NGX_DONE waits (a key fetch under way) or means the answer was
 * sent, a status makes nginx answer with it (an error_page).
 *
 * Per request: the token where jwtguard_http_find_token() finds it, one
 * jwtguard_verifier_verify(), and for a rejection jwtguard_http_challenge();
 * the verified token is kept in the request context for the
 * $jwtguard_claim_<name> and $jwtguard_kid variables and freed by a request
 * pool cleanup.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_jwtguard.h>


static ngx_int_t ngx_http_jwtguard_fail(ngx_http_request_t *r,
    ngx_http_jwtguard_loc_conf_t *jlcf, ngx_http_jwtguard_ctx_t *ctx);
static u_char *ngx_http_jwtguard_log_handler(ngx_log_t *log, u_char *buf,
    size_t len);
static void ngx_http_jwtguard_ctx_cleanup(void *data);
static ngx_uint_t ngx_http_jwtguard_find_token(ngx_http_request_t *r,
    ngx_http_jwtguard_loc_conf_t *jlcf, ngx_str_t *token);


static ngx_str_t  ngx_http_jwtguard_text_plain = ngx_string("text/plain");


/* The request's context; after an internal redirect (which empties the
 * modules' contexts) the one of the location redirected from, found by its
 * pool cleanup and set again, so $jwtguard_error and the error page rule
 * still see it. NULL when the module has not looked at the request. */

ngx_http_jwtguard_ctx_t *
ngx_http_jwtguard_get_ctx(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t       *cln;
    ngx_http_jwtguard_ctx_t  *ctx;

    ctx = ngx_http_get_module_ctx(r, ngx_http_jwtguard_module);

    if (ctx != NULL || !r->internal || r != r->main) {
        /* (subrequests share the main request's pool, not its answer) */
        return ctx;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_http_jwtguard_ctx_cleanup) {
            ctx = cln->data;

            if (!ctx->error_page) {
                /* another redirect: the new location decides anew */
                return NULL;
            }

            ngx_http_set_ctx(r, ctx, ngx_http_jwtguard_module);
            return ctx;
        }
    }

    return NULL;
}


ngx_int_t
ngx_http_jwtguard_handler(ngx_http_request_t *r)
{
    bool                           hit;
    u_char                        *buf;
    size_t                         len;
    time_t                         now;
    ngx_uint_t                     url_encoded;
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

    if (ngx_http_jwtguard_fetch_ctx(r) != NULL) {
        /* the module's own key fetch is not checked */
        return NGX_DECLINED;
    }

    ctx = ngx_http_jwtguard_get_ctx(r);

    if (ctx != NULL && ctx->error_page) {
        /* the error page answering this module's rejection (reached by an
         * internal redirect): not checked again */
        return NGX_DECLINED;
    }

    if (ctx != NULL && ctx->decided) {
        /* the phase runs again */
        return ctx->token ? NGX_DECLINED
                          : ngx_http_jwtguard_fail(r, jlcf, ctx);
    }

    if (ctx == NULL) {
        ctx = ngx_pcalloc(r->pool, sizeof(ngx_http_jwtguard_ctx_t));
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (ngx_http_jwtguard_cleanup(r->pool, ngx_http_jwtguard_ctx_cleanup,
                                      ctx)
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
            return NGX_DONE;
        }

        ngx_http_jwtguard_fetched(r, ctx);
    }

    if (ctx->queue.next) {
        /* run again while waiting (e.g. the connection became writable) */
        return NGX_DONE;
    }

    /* the token */

    ngx_str_null(&token);

    if (jlcf->token) {
        if (ngx_http_complex_value(r, &jlcf->token->value, &token) != NGX_OK) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        url_encoded = jlcf->token->url_encoded;

    } else {
        url_encoded = ngx_http_jwtguard_find_token(r, jlcf, &token);
    }

    if (url_encoded && ngx_strlchr(token.data, token.data + token.len, '%')) {
        /* as the client encoded it; a bad escape is kept, and is malformed */
        buf = ngx_pnalloc(r->pool, token.len + 1);
        if (buf == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (jwtguard_http_decode_token(token.data, token.len, (char *) buf,
                                       token.len + 1, &len)
            == JWTGUARD_OK)
        {
            token.data = buf;
            token.len = len;
        }
    }

    if (token.len == 0) {
        ctx->result = JWTGUARD_TOKEN_NOT_PRESENT;
        ctx->decided = 1;
        ngx_log_error(NGX_LOG_INFO, &ctx->log, 0,
                      "jwtguard: TokenNotPresent: no access token");
        return ngx_http_jwtguard_fail(r, jlcf, ctx);
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

        /* another request's fetch may bring the key: wait for it */
        if (jwtguard_verifier_fetch_in_flight(jlcf->jv->verifier,
                                              (uint64_t) now))
        {
            return ngx_http_jwtguard_wait(r, ctx, jlcf->jv);
        }
    }

    ctx->decided = 1;

    if (result != JWTGUARD_OK) {
        ctx->result = result;
        ngx_log_error(NGX_LOG_INFO, &ctx->log, 0,
                      "jwtguard: %s", detail[0] ? detail
                                                : jwtguard_result_name(result));
        return ngx_http_jwtguard_fail(r, jlcf, ctx);
    }

    ctx->token = verified;
    ctx->result = JWTGUARD_OK;

    ngx_log_debug2(NGX_LOG_DEBUG_HTTP, &ctx->log, 0,
                   "jwtguard: token verified (%s)%s",
                   jwtguard_token_alg(verified), hit ? " from the cache" : "");

    return NGX_DECLINED;
}


/* Whether nginx would answer `status` with an error_page of the
 * request's location. */

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
ngx_http_jwtguard_fail(ngx_http_request_t *r,
    ngx_http_jwtguard_loc_conf_t *jlcf, ngx_http_jwtguard_ctx_t *ctx)
{
    ngx_int_t                  rc;
    ngx_str_t                  challenge;
    ngx_table_elt_t           *h;
    ngx_http_complex_value_t   cv;

    /* RFC 6750 section 3, as the library words it */
    if (ngx_http_jwtguard_copy(r->pool, NGX_HTTP_JWTGUARD_GET_CHALLENGE, jlcf,
                               ctx->result, &jlcf->realm, &challenge)
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

    /* an error_page for the status answers instead: the status goes back to
     * nginx, as after auth_basic or auth_request (the challenge header
     * stays set) */
    if (ngx_http_jwtguard_has_error_page(r, jlcf->failed_status)) {
        ctx->error_page = 1;
        return jlcf->failed_status;
    }

    if (ngx_http_discard_request_body(r) != NGX_OK) {
        r->keepalive = 0;
    }

    ngx_memzero(&cv, sizeof(ngx_http_complex_value_t));
    cv.value = jlcf->failed_message;

    if (jlcf->apim) {
        /* the policy's failed-validation-error-message, or APIM's text
         * per failure */
        if (ngx_http_jwtguard_copy(r->pool, NGX_HTTP_JWTGUARD_GET_FAILURE,
                                   jlcf->apim->apim, ctx->result, NULL,
                                   &cv.value)
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

    ngx_http_jwtguard_unwait(ctx);

    if (ctx->wait.posted) {
        ngx_delete_posted_event(&ctx->wait);
    }

    /* the request ended before its fetch was answered */
    if (ctx->claimed) {
        ngx_http_jwtguard_abandoned(ctx);
    }
}


/* The token where the level's APIM policy says, else in the Authorization
 * header (as jwtguard_require_scheme says): the library finds it in the first
 * header of that name, the query string, or the first Cookie header that has
 * it; empty when absent. Never falls back to another place. Returns whether
 * the place is URL-encoded (the library's rule: a query parameter or a
 * cookie). */

static ngx_uint_t
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
                    return 0;
                }

                part = part->next;
                h = part->elts;
                i = 0;
            }

            if (h[i].key.len != header->len
                || ngx_strncasecmp(h[i].key.data, header->data, header->len)
                   != 0)
            {
                continue;
            }

            text = h[i].value;
        }

        if (jwtguard_http_find_token(source,
                                     (const char *) name->data, name->len,
                                     (const char *) jlcf->scheme.data,
                                     jlcf->scheme.len, text.data, text.len,
                                     &offset, &len)
            == JWTGUARD_OK)
        {
            token->data = text.data + offset;
            token->len = len;
            return jwtguard_token_source_is_url_encoded(source);
        }

        if (source != JWTGUARD_TOKEN_SOURCE_COOKIE) {
            return 0;
        }
    }
}


/* The context of the module's log lines about a request: the client and the
 * server, not nginx's "request:" part, since the request line may hold the
 * token (a query parameter). */

static u_char *
ngx_http_jwtguard_log_handler(ngx_log_t *log, u_char *buf, size_t len)
{
    ngx_http_log_ctx_t        *lctx = log->data;
    ngx_http_core_srv_conf_t  *cscf;

    cscf = ngx_http_get_module_srv_conf(lctx->request, ngx_http_core_module);

    return ngx_snprintf(buf, len, ", client: %V, server: %V",
                        &lctx->connection->addr_text, &cscf->server_name);
}
