/*
 * ngx_http_jwtguard_module: the keys zone (jwtguard_keys_zone), where the
 * workers share their fetched key sources, so that one worker fetches for all.
 *
 * The zone holds one record per fetched source (named by the core: the document
 * it fetches, its schedule and its load options): the core's shared record
 * of the source's schedule (jwtguard_verifier_load_shared/save_shared: when the
 * next fetch is due, the fetch under way, the back-off, the last unknown-kid
 * refetch, the count of documents fetched), the stamp it returns, published for
 * reads without the lock, and the last configuration document and key set
 * fetched. The module only locks, copies bytes and hands them over; every
 * decision is the core's:
 *
 *   - a request takes the lock only when jwtguard_verifier_sync_due() says
 *     (the published stamp changed, a fetch is due, an unknown kid is to be
 *     shared); under it, the worker takes the shared schedule, adopts documents
 *     another worker fetched (jwtguard_verifier_adopt), claims a due fetch and
 *     writes the schedule back;
 *   - a fetch is answered under the lock, and the document that loaded is
 *     stored for the others.
 *
 * The lock is the zone's slab pool mutex, which nginx's master releases when a
 * worker dies holding it. A fetch claimed by a worker that exits is counted as
 * failed by the core after its timeout. The zone is kept across reloads (same
 * name and size): new workers adopt the stored keys instead of fetching.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_jwtguard.h>


/* a fetched source's record in the zone */
struct ngx_http_jwtguard_record_s {
    ngx_queue_t               queue;
    /* the core's last stamp, for reads without the lock */
    ngx_atomic_t              stamp;
    u_char                    state[JWTGUARD_SHARED_STATE_LEN];
    /* the last documents fetched, in the slab pool; len 0: none */
    ngx_str_t                 documents[2];  /* configuration, keys */
    size_t                    name_len;
    u_char                    name[1];
};


typedef struct {
    ngx_queue_t               records;
} ngx_http_jwtguard_shctx_t;


static ngx_int_t ngx_http_jwtguard_init_zone(ngx_shm_zone_t *shm_zone,
    void *data);
static ngx_http_jwtguard_record_t *ngx_http_jwtguard_record(
    ngx_slab_pool_t *shpool, ngx_http_jwtguard_shctx_t *sh, ngx_str_t *name);


/* jwtguard_keys_zone <name>:<size> */

char *
ngx_http_jwtguard_keys_zone(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_main_conf_t  *jmcf = conf;

    u_char     *p;
    ssize_t     size;
    ngx_str_t  *value, name, s;

    if (jmcf->zone) {
        return "is duplicate";
    }

    value = cf->args->elts;

    p = (u_char *) ngx_strchr(value[1].data, ':');
    if (p == NULL || p == value[1].data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: invalid keys zone \"%V\" "
                           "(<name>:<size>)", &value[1]);
        return NGX_CONF_ERROR;
    }

    name.data = value[1].data;
    name.len = p - value[1].data;

    s.data = p + 1;
    s.len = value[1].data + value[1].len - s.data;

    size = ngx_parse_size(&s);
    if (size == NGX_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: invalid keys zone size \"%V\"",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (size < (ssize_t) (8 * ngx_pagesize)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: keys zone \"%V\" is too small (at "
                           "least %uz bytes)", &value[1], 8 * ngx_pagesize);
        return NGX_CONF_ERROR;
    }

    jmcf->zone = ngx_shared_memory_add(cf, &name, size,
                                       &ngx_http_jwtguard_module);
    if (jmcf->zone == NULL) {
        return NGX_CONF_ERROR;
    }

    if (jmcf->zone->data) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: zone \"%V\" is already used", &name);
        return NGX_CONF_ERROR;
    }

    jmcf->zone->init = ngx_http_jwtguard_init_zone;
    jmcf->zone->data = jmcf;

    return NGX_CONF_OK;
}


/* At configuration time, once the verifier is built: lists its fetched source
 * `f`, named as the core names its shared record, to be given the record when
 * the zone is ready. */

ngx_int_t
ngx_http_jwtguard_zone_add(ngx_conf_t *cf, ngx_http_jwtguard_verifier_t *jv,
    ngx_http_jwtguard_fetcher_t *f)
{
    ngx_http_jwtguard_shared_t      *ref;
    ngx_http_jwtguard_main_conf_t   *jmcf;

    jmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_jwtguard_module);

    if (jmcf->zone == NULL) {
        return NGX_OK;
    }

    if (ngx_http_jwtguard_copy(cf->pool, NGX_HTTP_JWTGUARD_GET_SHARED_NAME,
                               jv->verifier, f->index, NULL, &f->shared_name)
        != JWTGUARD_OK
        || f->shared_name.len == 0)
    {
        return NGX_ERROR;
    }

    if (jmcf->shared == NULL) {
        jmcf->shared = ngx_array_create(cf->pool, 4,
                                        sizeof(ngx_http_jwtguard_shared_t));
        if (jmcf->shared == NULL) {
            return NGX_ERROR;
        }
    }

    ref = ngx_array_push(jmcf->shared);
    if (ref == NULL) {
        return NGX_ERROR;
    }

    ref->jv = jv;
    ref->fetcher = f;

    return NGX_OK;
}


/* The zone is ready (at start, and at each reload, with the previous
 * configuration's `data` when the zone is kept): every listed source gets its
 * record, an existing one of the same name or a new one. Records no source of
 * this configuration names give up their documents (old workers may still read
 * their schedule). */

static ngx_int_t
ngx_http_jwtguard_init_zone(ngx_shm_zone_t *shm_zone, void *data)
{
    ngx_http_jwtguard_main_conf_t  *jmcf = shm_zone->data;

    ngx_uint_t                      i, k, used;
    ngx_queue_t                    *q;
    ngx_slab_pool_t                *shpool;
    ngx_http_jwtguard_record_t     *rec;
    ngx_http_jwtguard_shctx_t      *sh;
    ngx_http_jwtguard_shared_t    *ref;
    ngx_http_jwtguard_fetcher_t    *f;

    shpool = (ngx_slab_pool_t *) shm_zone->shm.addr;

    if (data == NULL && !shm_zone->shm.exists) {
        sh = ngx_slab_alloc(shpool, sizeof(ngx_http_jwtguard_shctx_t));
        if (sh == NULL) {
            return NGX_ERROR;
        }

        ngx_queue_init(&sh->records);
        shpool->data = sh;

        shpool->log_ctx = ngx_slab_alloc(shpool,
                                         sizeof(" in jwtguard_keys_zone \"\"")
                                         + shm_zone->shm.name.len);
        if (shpool->log_ctx == NULL) {
            return NGX_ERROR;
        }

        ngx_sprintf(shpool->log_ctx, " in jwtguard_keys_zone \"%V\"%Z",
                    &shm_zone->shm.name);

        shpool->log_nomem = 0;

    } else {
        sh = shpool->data;
    }

    ngx_shmtx_lock(&shpool->mutex);

    ref = jmcf->shared ? jmcf->shared->elts : NULL;

    for (i = 0; ref && i < jmcf->shared->nelts; i++) {
        f = ref[i].fetcher;
        f->record = ngx_http_jwtguard_record(shpool, sh, &f->shared_name);
        if (f->record == NULL) {
            ngx_shmtx_unlock(&shpool->mutex);
            ngx_log_error(NGX_LOG_EMERG, shm_zone->shm.log, 0,
                          "jwtguard: keys zone \"%V\" is too small for the "
                          "records of its key sources", &shm_zone->shm.name);
            return NGX_ERROR;
        }

        ref[i].jv->zone = shpool;
    }

    for (q = ngx_queue_head(&sh->records);
         q != ngx_queue_sentinel(&sh->records);
         q = ngx_queue_next(q))
    {
        rec = ngx_queue_data(q, ngx_http_jwtguard_record_t, queue);

        used = 0;
        for (i = 0; ref && i < jmcf->shared->nelts && !used; i++) {
            used = (ref[i].fetcher->record == rec);
        }

        if (used) {
            continue;
        }

        for (k = 0; k < 2; k++) {
            if (rec->documents[k].len) {
                ngx_slab_free_locked(shpool, rec->documents[k].data);
                ngx_str_null(&rec->documents[k]);
            }
        }
    }

    ngx_shmtx_unlock(&shpool->mutex);

    return NGX_OK;
}


/* The record named `name`, found or made (zeroed: no record for the core yet);
 * NULL when the zone is full. The zone's lock is held. */

static ngx_http_jwtguard_record_t *
ngx_http_jwtguard_record(ngx_slab_pool_t *shpool,
    ngx_http_jwtguard_shctx_t *sh, ngx_str_t *name)
{
    ngx_queue_t                 *q;
    ngx_http_jwtguard_record_t  *rec;

    for (q = ngx_queue_head(&sh->records);
         q != ngx_queue_sentinel(&sh->records);
         q = ngx_queue_next(q))
    {
        rec = ngx_queue_data(q, ngx_http_jwtguard_record_t, queue);

        if (rec->name_len == name->len
            && ngx_memcmp(rec->name, name->data, name->len) == 0)
        {
            return rec;
        }
    }

    rec = ngx_slab_calloc_locked(shpool,
                                 sizeof(ngx_http_jwtguard_record_t) + name->len);
    if (rec == NULL) {
        return NULL;
    }

    rec->name_len = name->len;
    ngx_memcpy(rec->name, name->data, name->len);
    ngx_queue_insert_tail(&sh->records, &rec->queue);

    return rec;
}


/* Before a verifier's sources are looked at or answered: when `always`, or
 * when the core says one of its shared sources must sync, takes the zone's
 * lock and, for each, the shared schedule and the documents other workers
 * fetched. Returns 1 when the lock is held: call ngx_http_jwtguard_zone_leave()
 * after the operation. */

ngx_uint_t
ngx_http_jwtguard_zone_enter(ngx_http_jwtguard_verifier_t *jv, time_t now,
    ngx_uint_t always, ngx_log_t *log)
{
    bool                          adopt;
    ngx_uint_t                    i, due;
    jwtguard_result               rc;
    ngx_http_jwtguard_record_t   *rec;
    ngx_http_jwtguard_fetcher_t  *f;
    char                          detail[NGX_HTTP_JWTGUARD_DETAIL];

    if (jv->zone == NULL) {
        return 0;
    }

    f = jv->fetchers.elts;
    due = always;

    for (i = 0; i < jv->fetchers.nelts && !due; i++) {
        due = f[i].record
              && jwtguard_verifier_sync_due(jv->verifier, f[i].index,
                                            f[i].record->stamp,
                                            (uint64_t) now);
    }

    if (!due) {
        return 0;
    }

    ngx_shmtx_lock(&jv->zone->mutex);

    for (i = 0; i < jv->fetchers.nelts; i++) {
        rec = f[i].record;
        if (rec == NULL) {
            continue;
        }

        adopt = false;
        rc = jwtguard_verifier_load_shared(jv->verifier, f[i].index, rec->state,
                                           sizeof(rec->state), &adopt);
        if (rc != JWTGUARD_OK || !adopt) {
            continue;
        }

        detail[0] = '\0';
        rc = jwtguard_verifier_adopt(jv->verifier, f[i].index,
                                     rec->documents[0].data,
                                     rec->documents[0].len,
                                     rec->documents[1].data,
                                     rec->documents[1].len,
                                     detail, sizeof(detail));

        if (rc != JWTGUARD_OK) {
            ngx_log_error(NGX_LOG_ALERT, log, 0,
                          "jwtguard: the keys zone holds documents for "
                          "\"%V\" that do not load: %s", &f[i].src->uri,
                          detail[0] ? detail : jwtguard_result_name(rc));
            continue;
        }

        ngx_log_error(NGX_LOG_INFO, log, 0,
                      "jwtguard: keys for \"%V\" taken from the keys zone: "
                      "%uz keys",
                      &f[i].src->uri,
                      jwtguard_verifier_source_key_count(jv->verifier,
                                                         f[i].index));
    }

    return 1;
}


/* Writes the verifier's shared schedules back, publishes their stamps and
 * gives up the lock ngx_http_jwtguard_zone_enter() took. */

void
ngx_http_jwtguard_zone_leave(ngx_http_jwtguard_verifier_t *jv)
{
    uint64_t                      stamp;
    ngx_uint_t                    i;
    ngx_http_jwtguard_record_t   *rec;
    ngx_http_jwtguard_fetcher_t  *f;

    f = jv->fetchers.elts;

    for (i = 0; i < jv->fetchers.nelts; i++) {
        rec = f[i].record;

        if (rec
            && jwtguard_verifier_save_shared(jv->verifier, f[i].index,
                                             rec->state, sizeof(rec->state),
                                             &stamp)
               == JWTGUARD_OK)
        {
            rec->stamp = (ngx_atomic_t) stamp;
        }
    }

    ngx_shmtx_unlock(&jv->zone->mutex);
}


/* Under the lock: a copy of a fetched document in the zone, to be stored with
 * ngx_http_jwtguard_zone_keep() when the core takes it; NULL when the zone is
 * full (logged: the document is then not used, so that every worker keeps the
 * same keys). */

u_char *
ngx_http_jwtguard_zone_copy(ngx_http_jwtguard_verifier_t *jv, u_char *body,
    size_t len, ngx_log_t *log)
{
    u_char  *copy;

    copy = ngx_slab_alloc_locked(jv->zone, len);
    if (copy == NULL) {
        ngx_log_error(NGX_LOG_ERR, log, 0,
                      "jwtguard: the keys zone is full: a fetched document "
                      "of %uz bytes is not used (make jwtguard_keys_zone "
                      "larger)", len);
        return NULL;
    }

    return ngx_cpymem(copy, body, len) - len;
}


/* Under the lock: stores `copy` as the source's last document of its kind when
 * the core took it (`taken`), else frees it. */

void
ngx_http_jwtguard_zone_keep(ngx_http_jwtguard_verifier_t *jv,
    ngx_http_jwtguard_fetcher_t *f, jwtguard_fetch_kind kind, u_char *copy,
    size_t len, ngx_uint_t taken)
{
    ngx_str_t  *doc;

    if (!taken) {
        ngx_slab_free_locked(jv->zone, copy);
        return;
    }

    doc = &f->record->documents[kind == JWTGUARD_FETCH_OPENID_CONFIGURATION
                                ? 0 : 1];

    if (doc->len) {
        ngx_slab_free_locked(jv->zone, doc->data);
    }

    doc->data = copy;
    doc->len = len;
}
