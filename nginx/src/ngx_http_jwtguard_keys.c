/*
 * ngx_http_jwtguard_module: the I/O of the key sources.
 *
 * The module does the I/O: it reads key files (once per configuration, then
 * again in each worker when the core's key file watch says: a new version, a
 * failed one, or one read in the second it was written, looked at at most
 * every `check=` seconds) and hands them to the verifiers with
 * jwtguard_verifier_set_keys(); it fetches the keys request, OpenID
 * configurations and the keys they name with subrequests when
 * jwtguard_verifier_start_fetch() says a fetch is due, and answers the core
 * with jwtguard_verifier_offer() or jwtguard_verifier_fetch_failed(). Requests
 * that find no key while a fetch is under way wait for it. With a keys zone,
 * both happen under the zone's lock (ngx_http_jwtguard_zone.c), so that one
 * worker fetches for all.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_jwtguard.h>


#define NGX_HTTP_JWTGUARD_MAX_FILE    (1024 * 1024)


static void ngx_http_jwtguard_version(ngx_file_info_t *fi,
    jwtguard_file_version *v);
static ngx_int_t ngx_http_jwtguard_fetch_done(ngx_http_request_t *r, void *data,
    ngx_int_t rc);
static ngx_int_t ngx_http_jwtguard_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);
static void ngx_http_jwtguard_answer(ngx_http_jwtguard_ctx_t *ctx,
    ngx_uint_t shared);
static void ngx_http_jwtguard_waited(ngx_event_t *ev);


static ngx_http_output_body_filter_pt  ngx_http_next_body_filter;


/* ---------------------------------------------------------------- key files */

/* Re-reads a key file when the core's watch says (a new version, a version read
 * in the second it was written, a version whose read failed: its owner or mode
 * may have changed since; one stat() per `check=` interval at most). A file
 * that cannot be read or does not load keeps the current keys. New keys go to
 * every verifier source that holds the file. */

void
ngx_http_jwtguard_refresh(ngx_http_jwtguard_file_t *k, ngx_log_t *log)
{
    ngx_str_t              err;
    ngx_uint_t             i, level;
    jwtguard_result        rc;
    ngx_file_info_t        fi;
    jwtguard_file_change   change;
    jwtguard_file_version  version;
    ngx_http_jwtguard_holder_t  *h;

    if (!jwtguard_key_file_watch_check_due(k->watch, (uint64_t) ngx_time())) {
        return;
    }

    if (ngx_file_info(k->path.data, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, log, ngx_errno,
                      "jwtguard: cannot stat keys file \"%V\", keeping the "
                      "current keys", &k->path);
        return;
    }

    ngx_http_jwtguard_version(&fi, &version);

    change = jwtguard_key_file_watch_change(k->watch, &version);

    if (change == JWTGUARD_FILE_UNCHANGED) {
        return;
    }

    if (ngx_http_jwtguard_load(k, log, &err) != NGX_OK) {
        /* logged at error once per version of the file */
        level = jwtguard_key_file_watch_failed(k->watch, &version)
                ? NGX_LOG_ERR : NGX_LOG_INFO;

        ngx_log_error(level, log, 0,
                      "jwtguard: keys file \"%V\" not reloaded, keeping the "
                      "current keys: %V", &k->path, &err);
        return;
    }

    h = k->holders.elts;

    for (i = 0; i < k->holders.nelts; i++) {
        rc = jwtguard_verifier_set_keys(h[i].jv->verifier, h[i].source,
                                        k->keys);
        if (rc != JWTGUARD_OK) {
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "jwtguard: keys file \"%V\": %s", &k->path,
                          jwtguard_result_name(rc));
        }
    }

    level = (change == JWTGUARD_FILE_READ_AGAIN) ? NGX_LOG_INFO
                                                 : NGX_LOG_NOTICE;

    ngx_log_error(level, log, 0,
                  change == JWTGUARD_FILE_READ_AGAIN
                  ? "jwtguard: keys file \"%V\" read again (it was read in "
                    "the second it was written)"
                  : "jwtguard: keys file \"%V\" reloaded", &k->path);
}


/* Reads and loads the file; on success replaces k->keys (releasing the old set)
 * and records the file's identity. On failure *err says why (static text). */

ngx_int_t
ngx_http_jwtguard_load(ngx_http_jwtguard_file_t *k, ngx_log_t *log,
    ngx_str_t *err)
{
    u_char                  *buf;
    size_t                   len;
    jwtguard_result          rc;
    ngx_file_info_t          fi;
    const jwtguard_keyset   *keys;
    jwtguard_file_version    version;
    static u_char            detail[NGX_HTTP_JWTGUARD_DETAIL];

    buf = ngx_http_jwtguard_read_file(&k->path, log, &len, &fi, err);
    if (buf == NULL) {
        return NGX_ERROR;
    }

    keys = NULL;
    detail[0] = '\0';

    rc = jwtguard_keyset_new_with_options(buf, len, 0, 0, &keys,
                                          (char *) detail, sizeof(detail));
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
    ngx_http_jwtguard_version(&fi, &version);
    jwtguard_key_file_watch_loaded(k->watch, &version, (uint64_t) ngx_time());

    return NGX_OK;
}


static void
ngx_http_jwtguard_version(ngx_file_info_t *fi, jwtguard_file_version *v)
{
    v->mtime = (int64_t) ngx_file_mtime(fi);
#if (NGX_LINUX)
    v->mtime_nsec = (int64_t) fi->st_mtim.tv_nsec;
#else
    v->mtime_nsec = 0;
#endif
    v->size = (uint64_t) ngx_file_size(fi);
    v->id = (uint64_t) ngx_file_uniq(fi);
}


/* Reads a whole file (at most 1 MiB) into memory from ngx_alloc(); *fi receives
 * its identity. */

u_char *
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


void
ngx_http_jwtguard_watch_cleanup(void *data)
{
    jwtguard_key_file_watch_free(data);
}


void
ngx_http_jwtguard_keys_cleanup(void *data)
{
    const jwtguard_keyset  **keys = data;

    jwtguard_keyset_free(*keys);
    *keys = NULL;
}


/* ------------------------------------------------------------- keys request */

/* The context of the request that started key fetch `r`; NULL when `r` is not
 * a key fetch this module started. */

ngx_http_jwtguard_ctx_t *
ngx_http_jwtguard_fetch_ctx(ngx_http_request_t *r)
{
    ngx_http_jwtguard_ctx_t  *ctx;

    if (r == r->main) {
        return NULL;
    }

    ctx = ngx_http_get_module_ctx(r->parent, ngx_http_jwtguard_module);

    return (ctx != NULL && ctx->subrequest == r) ? ctx : NULL;
}


/* The fetched source with the verifier's source index `index`. */

static ngx_http_jwtguard_fetcher_t *
ngx_http_jwtguard_fetcher(ngx_http_jwtguard_verifier_t *jv, size_t index)
{
    ngx_uint_t                    i;
    ngx_http_jwtguard_fetcher_t  *f;

    f = jv->fetchers.elts;

    for (i = 0; i < jv->fetchers.nelts; i++) {
        if (f[i].index == index) {
            return &f[i];
        }
    }

    return NULL;
}


/* Claims the fetch the verifier wants, if any, and starts it as a subrequest to
 * the local URI of its source and document (the keys request's, an OpenID
 * configuration's, or the keys its document named): NGX_DONE, and the phase
 * runs again when it is done. The URL the core wants is kept for
 * $jwtguard_jwks_uri and $jwtguard_openid_config_url. NGX_DECLINED when no
 * fetch is due (or one is under way in this worker), or this request made
 * its share of fetches. */

ngx_int_t
ngx_http_jwtguard_fetch(ngx_http_request_t *r, ngx_http_jwtguard_verifier_t *jv,
    ngx_http_jwtguard_ctx_t *ctx, time_t now)
{
    bool                         claimed;
    size_t                       source, len;
    ngx_uint_t                   locked;
    jwtguard_fetch_kind          kind;
    ngx_http_request_t          *sr;
    ngx_http_post_subrequest_t  *ps;
    static char                  url[JWTGUARD_MAX_URL_LEN + 1];

    /* with a keys zone: the schedule the workers share, and the documents
     * another worker fetched (taken also by a request that made its share of
     * fetches) */
    locked = ngx_http_jwtguard_zone_enter(jv, now, 0, &ctx->log);

    claimed = ctx->fetches < jv->max_fetches
              && jwtguard_verifier_start_fetch(jv->verifier, (uint64_t) now,
                                               &source, &kind, url,
                                               sizeof(url), &len);
    if (locked) {
        ngx_http_jwtguard_zone_leave(jv);
    }

    if (!claimed) {
        return NGX_DECLINED;
    }

    ctx->jv = jv;
    ctx->source = source;
    ctx->claimed = 1;
    ctx->fetches++;

    ps = ngx_palloc(r->pool, sizeof(ngx_http_post_subrequest_t));
    if (ps == NULL) {
        return NGX_ERROR;       /* the cleanup answers the core */
    }

    ps->handler = ngx_http_jwtguard_fetch_done;
    ps->data = ctx;

    ctx->fetcher = ngx_http_jwtguard_fetcher(jv, source);
    if (ctx->fetcher == NULL) {
        return NGX_ERROR;
    }

    ctx->kind = kind;
    ctx->fetch_uri = (kind == JWTGUARD_FETCH_OPENID_CONFIGURATION)
                     ? &ctx->fetcher->src->config_uri
                     : &ctx->fetcher->src->uri;

    ctx->fetch_url.data = ngx_pnalloc(r->pool, len);
    if (ctx->fetch_url.data == NULL) {
        return NGX_ERROR;
    }

    ctx->fetch_url.len = len;
    ngx_memcpy(ctx->fetch_url.data, url, len);

    if (ngx_http_subrequest(r, ctx->fetch_uri, NULL, &sr, ps,
                            NGX_HTTP_SUBREQUEST_WAITED
                            |NGX_HTTP_SUBREQUEST_IN_MEMORY)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* The fetch is the module's, not the client's: it carries none of the
     * client's headers (its token above all: the keys may be on any host the
     * provider's document names) and no body, whatever its location
     * forwards. */
    ngx_memzero(&sr->headers_in, sizeof(ngx_http_headers_in_t));

    if (ngx_list_init(&sr->headers_in.headers, r->pool, 1,
                      sizeof(ngx_table_elt_t))
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    sr->headers_in.content_length_n = -1;
    sr->headers_in.keep_alive_n = -1;
    sr->request_body = NULL;

    ctx->subrequest = sr;
    ctx->sr_done = 0;
    ctx->sr_size = 0;
    ctx->sr_too_big = 0;

    return NGX_DONE;
}


/* The answer of a key subrequest is kept in memory by nginx, up to the
 * location's subrequest_output_buffer_size; a larger one makes nginx end the
 * subrequest and, with it, the client's request. This filter drops the body of
 * a key subrequest that does not fit, so the subrequest ends normally and the
 * fetch is counted as failed. */

static ngx_int_t
ngx_http_jwtguard_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_chain_t               *cl;
    ngx_http_jwtguard_ctx_t   *ctx;
    ngx_http_core_loc_conf_t  *clcf;

    ctx = ngx_http_jwtguard_fetch_ctx(r);

    if (ctx == NULL) {
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

    /* nginx ends a subrequest with NGX_ERROR when it fails midway; passed on,
     * that ends the client's request too, without an answer. The fetch failed,
     * the client's request goes on. */
    if (rc == NGX_ERROR && !r->connection->error) {
        return NGX_OK;
    }

    return rc;
}


/* Hands the subrequest's answer to the core: the body of a 200 to offer(),
 * anything else to fetch_failed(). The core keeps the last good keys and
 * decides when to try again. An OpenID configuration's issuer that the
 * configured issuers would refuse is logged at warn. */

void
ngx_http_jwtguard_fetched(ngx_http_request_t *r, ngx_http_jwtguard_ctx_t *ctx)
{
    ngx_uint_t                     locked;
    ngx_http_jwtguard_verifier_t  *jv = ctx->jv;

    locked = ngx_http_jwtguard_zone_enter(jv, ngx_time(), 1, &ctx->log);
    ngx_http_jwtguard_answer(ctx, locked);

    if (locked) {
        ngx_http_jwtguard_zone_leave(jv);
    }

    ngx_http_jwtguard_wake(jv);
}


static void
ngx_http_jwtguard_answer(ngx_http_jwtguard_ctx_t *ctx, ngx_uint_t shared)
{
    bool                   trusted;
    u_char                *copy;
    size_t                 count, len;
    ngx_uint_t             level;
    time_t                 now;
    ngx_buf_t             *b;
    jwtguard_result        rc;
    ngx_http_request_t    *sr;
    const char            *failure, *what;
    ngx_str_t             *uri;
    char                   detail[NGX_HTTP_JWTGUARD_DETAIL];
    char                   issuer[JWTGUARD_MAX_URL_LEN + 1];

    copy = NULL;
    sr = ctx->subrequest;
    uri = ctx->fetch_uri;
    now = ngx_time();
    what = (ctx->kind == JWTGUARD_FETCH_OPENID_CONFIGURATION)
           ? "OpenID configuration" : "keys request";

    ctx->subrequest = NULL;
    ctx->claimed = 0;

    b = sr->out ? sr->out->buf : NULL;

    if (ctx->sr_too_big) {
        failure = "the answer is larger than the "
                  "subrequest_output_buffer_size of its location";

    } else if (ctx->sr_rc == NGX_ERROR) {
        failure = "the subrequest was aborted";

    } else if (sr->headers_out.status != NGX_HTTP_OK || b == NULL
               || b->last == b->pos)
    {
        failure = "nothing in the answer";

    } else if (shared
               && (copy = ngx_http_jwtguard_zone_copy(ctx->jv, b->pos,
                                                      b->last - b->pos,
                                                      &ctx->log))
                  == NULL)
    {
        failure = "the keys zone has no room for it";

    } else {
        count = 0;
        detail[0] = '\0';

        rc = jwtguard_verifier_offer(ctx->jv->verifier, ctx->source, b->pos,
                                     b->last - b->pos, (uint64_t) now, &count,
                                     detail, sizeof(detail));
        if (shared) {
            /* the other workers take what this one took */
            ngx_http_jwtguard_zone_keep(ctx->jv, ctx->fetcher, ctx->kind, copy,
                                        b->last - b->pos, rc == JWTGUARD_OK);
        }

        if (rc != JWTGUARD_OK) {
            ngx_log_error(NGX_LOG_ERR, &ctx->log, 0,
                          "jwtguard: %s \"%V\" returned no valid %s, "
                          "keeping the current keys: %s", what, uri,
                          ctx->kind == JWTGUARD_FETCH_OPENID_CONFIGURATION
                          ? "configuration" : "key set",
                          detail[0] ? detail : jwtguard_result_name(rc));
            return;
        }

        if (ctx->kind != JWTGUARD_FETCH_OPENID_CONFIGURATION) {
            ngx_log_error(NGX_LOG_NOTICE, &ctx->log, 0,
                          "jwtguard: %s \"%V\": %uz keys", what, uri, count);
            return;
        }

        trusted = true;
        if (jwtguard_verifier_discovered_issuer(ctx->jv->verifier, ctx->source,
                                                &trusted, issuer,
                                                sizeof(issuer), &len)
            != JWTGUARD_OK)
        {
            ngx_cpystrn((u_char *) issuer, (u_char *) "(too long to show)",
                        sizeof(issuer));
        }

        /* the core refuses an issuer holding control characters */
        level = trusted ? NGX_LOG_NOTICE : NGX_LOG_WARN;
        ngx_log_error(level, &ctx->log, 0,
                      "jwtguard: %s \"%V\": issuer \"%s\"%s", what, uri,
                      issuer,
                      trusted ? ""
                      : ", which the configured issuers do not allow: its "
                        "tokens are refused (check jwtguard_issuer and "
                        "the issuer= of its source)");
        return;
    }

    jwtguard_verifier_fetch_failed(ctx->jv->verifier, ctx->source,
                                   (uint64_t) now);

    ngx_log_error(NGX_LOG_ERR, &ctx->log, 0,
                  "jwtguard: %s \"%V\" failed (status %ui: %s), "
                  "keeping the current keys", what, uri,
                  sr->headers_out.status, failure);
}


/* The request that claimed a fetch ended before it was answered: the fetch
 * failed (the core retries after its back-off). */

void
ngx_http_jwtguard_abandoned(ngx_http_jwtguard_ctx_t *ctx)
{
    ngx_uint_t                     locked;
    ngx_http_jwtguard_verifier_t  *jv = ctx->jv;

    locked = ngx_http_jwtguard_zone_enter(jv, ngx_time(), 1, &ctx->log);
    jwtguard_verifier_fetch_failed(jv->verifier, ctx->source,
                                   (uint64_t) ngx_time());
    if (locked) {
        ngx_http_jwtguard_zone_leave(jv);
    }

    ctx->claimed = 0;
    ngx_http_jwtguard_wake(jv);
}


/* While a fetch is under way in this worker, a request whose token names no
 * key yet (a cold start, a rotation) waits for it instead of being refused:
 * queued in the verifier's waiters, woken when the fetch ends, and at the
 * latest when the core stops counting the fetch as under way
 * (jwtguard_verifier_next_fetch_at: its timeout), to look again. */

ngx_int_t
ngx_http_jwtguard_wait(ngx_http_request_t *r, ngx_http_jwtguard_ctx_t *ctx,
    ngx_http_jwtguard_verifier_t *jv)
{
    time_t      now;
    uint64_t    at;
    ngx_msec_t  timer;

    now = ngx_time();
    at = jwtguard_verifier_next_fetch_at(jv->verifier);

    if (ctx->queue.next == NULL) {
        ctx->request = r;
        ctx->jv = jv;
        ctx->wait.handler = ngx_http_jwtguard_waited;
        ctx->wait.data = ctx;
        ctx->wait.log = r->connection->log;
        ngx_queue_insert_tail(&jv->waiters, &ctx->queue);
    }

    timer = (at > (uint64_t) now ? (ngx_msec_t) (at - now) : 1) * 1000;

    /* a fetch of another worker does not wake this one's requests */
    if (jv->zone && timer > JWTGUARD_SHARED_POLL_MS) {
        timer = JWTGUARD_SHARED_POLL_MS;
    }

    ngx_add_timer(&ctx->wait, timer);

    return NGX_DONE;
}


/* The fetch ended (either way): every waiter verifies again, from the event
 * loop (never inside the request that fetched). */

void
ngx_http_jwtguard_wake(ngx_http_jwtguard_verifier_t *jv)
{
    ngx_queue_t              *q;
    ngx_http_jwtguard_ctx_t  *w;

    while (!ngx_queue_empty(&jv->waiters)) {
        q = ngx_queue_head(&jv->waiters);
        w = ngx_queue_data(q, ngx_http_jwtguard_ctx_t, queue);

        ngx_http_jwtguard_unwait(w);
        ngx_post_event(&w->wait, &ngx_posted_events);
    }
}


void
ngx_http_jwtguard_unwait(ngx_http_jwtguard_ctx_t *ctx)
{
    if (ctx->queue.next) {
        ngx_queue_remove(&ctx->queue);
        ctx->queue.next = NULL;
    }

    if (ctx->wait.timer_set) {
        ngx_del_timer(&ctx->wait);
    }
}


static void
ngx_http_jwtguard_waited(ngx_event_t *ev)
{
    ngx_connection_t         *c;
    ngx_http_request_t       *r;
    ngx_http_jwtguard_ctx_t  *ctx = ev->data;

    ngx_http_jwtguard_unwait(ctx);

    r = ctx->request;
    c = r->connection;

    /* the phases again, from the rewrite phase's handler */
    r->write_event_handler(r);
    ngx_http_run_posted_requests(c);
}


/* Puts the body filter above into nginx's chain (at postconfiguration). */

void
ngx_http_jwtguard_keys_init_filter(void)
{
    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_http_jwtguard_body_filter;
}
