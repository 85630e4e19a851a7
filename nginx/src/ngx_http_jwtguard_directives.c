/*
 * ngx_http_jwtguard_module: the handlers of its directives.
 *
 * Each checks its directive's arguments and stores them in the level's
 * configuration; what levels share (a key file, a keys request's URI, an APIM
 * policy's translation) is kept once, in the main configuration.
 */

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <ngx_http_jwtguard.h>


/* A new element of the directive's array *a, created at its first element (*a
 * is NGX_CONF_UNSET_PTR or NULL until then); NULL when out of memory. */

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


/* The element of `a` (pointers to structures that start with their path) whose
 * path is `path`; NULL when none is. */

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


/* A local URI that key fetches go to (`what` names it in the error): it must
 * start with "/"; it is remembered for the subrequest_output_buffer_size check
 * at postconfiguration. */

static char *
ngx_http_jwtguard_fetch_uri(ngx_conf_t *cf, const char *what, ngx_str_t *uri)
{
    ngx_str_t                      *kept;
    ngx_http_jwtguard_main_conf_t  *jmcf;

    if (uri->len == 0 || uri->data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "%s needs a local URI, not \"%V\"", what, uri);
        return NGX_CONF_ERROR;
    }

    jmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_jwtguard_module);

    kept = ngx_http_jwtguard_push(cf, &jmcf->uris, sizeof(ngx_str_t));
    if (kept == NULL) {
        return NGX_CONF_ERROR;
    }

    *kept = *uri;

    return NGX_CONF_OK;
}


/* The parameters of a key source directive from value[2] on: "issuer=<iss>"
 * (any number: the issuers the source's keys may sign for), for a key file
 * "check=<time>", for an OpenID configuration "keys=<uri>". */

static char *
ngx_http_jwtguard_source_params(ngx_conf_t *cf, ngx_http_jwtguard_source_t *src,
    time_t *check, ngx_uint_t openid)
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

        if (openid && ngx_strncmp(value[i].data, "keys=", 5) == 0) {
            if (src->uri.len) {
                return "has a duplicate \"keys=\"";
            }

            src->uri.data = value[i].data + 5;
            src->uri.len = value[i].len - 5;

            if (ngx_http_jwtguard_fetch_uri(cf, "\"keys=\"", &src->uri)
                != NGX_CONF_OK)
            {
                return NGX_CONF_ERROR;
            }

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


/* jwtguard_token <value>: where the token is. A value that is one $arg_<name>
 * or $cookie_<name> variable is URL-encoded (nginx gives such variables as the
 * client wrote them): the token is percent-decoded before it is verified. */

char *
ngx_http_jwtguard_token(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    u_char                            *p, *last;
    ngx_str_t                         *value;
    ngx_http_compile_complex_value_t   ccv;

    if (jlcf->token != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    jlcf->token = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_token_t));
    if (jlcf->token == NULL) {
        return NGX_CONF_ERROR;
    }

    value = cf->args->elts;

    ngx_memzero(&ccv, sizeof(ngx_http_compile_complex_value_t));
    ccv.cf = cf;
    ccv.value = &value[1];
    ccv.complex_value = &jlcf->token->value;

    if (ngx_http_compile_complex_value(&ccv) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    p = value[1].data;
    last = p + value[1].len;

    if (value[1].len > 5 && ngx_strncmp(p, "$arg_", 5) == 0) {
        p += 5;

    } else if (value[1].len > 8 && ngx_strncmp(p, "$cookie_", 8) == 0) {
        p += 8;

    } else {
        return NGX_CONF_OK;
    }

    while (p < last && (*p == '_' || isalnum(*p))) {
        p++;
    }

    jlcf->token->url_encoded = (p == last);

    return NGX_CONF_OK;
}


/* jwtguard_keys_file <path> [check=<time>] [issuer=<iss>]...: the file is read
 * once per configuration, whichever levels name it */

char *
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

    rv = ngx_http_jwtguard_source_params(cf, src, &check, 0);
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
        jwtguard_key_file_watch_shorten_interval(src->file->watch,
                                                 (uint64_t) check);
        return NGX_CONF_OK;
    }

    k = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_file_t));
    if (k == NULL) {
        return NGX_CONF_ERROR;
    }

    k->path = path;   /* NUL-terminated by ngx_conf_full_name() */
    k->watch = jwtguard_key_file_watch_new((uint64_t) check,
                                           (uint64_t) ngx_time());

    if (k->watch == NULL
        || ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_watch_cleanup,
                                     k->watch)
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_array_init(&k->holders, cf->pool, 2,
                       sizeof(ngx_http_jwtguard_holder_t))
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_cleanup(cf->pool, ngx_http_jwtguard_keys_cleanup,
                                  &k->keys)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_load(k, cf->log, &err) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: invalid keys file \"%V\": %V",
                           &path, &err);
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


/* jwtguard_decryption_keys_file <path>: private keys that decrypt encrypted
 * tokens, read once at configuration time (by the master, so the file may be
 * readable by root only); the text read is wiped once loaded */

char *
ngx_http_jwtguard_decryption_keys_file(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    const jwtguard_decryption_keys **keys = (const jwtguard_decryption_keys **)
        ((char *) conf + cmd->offset);

    u_char           *buf;
    size_t            len;
    ngx_str_t        *value, path, err;
    jwtguard_result   rc;
    ngx_file_info_t   fi;
    char              detail[NGX_HTTP_JWTGUARD_DETAIL];

    if (*keys != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;
    path = value[1];

    if (ngx_conf_full_name(cf->cycle, &path, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    buf = ngx_http_jwtguard_read_file(&path, cf->log, &len, &fi, &err);
    if (buf == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: decryption keys file \"%V\": %V",
                           &path, &err);
        return NGX_CONF_ERROR;
    }

    *keys = NULL;
    detail[0] = '\0';
    rc = jwtguard_decryption_keys_new(buf, len, keys, detail, sizeof(detail));

    ngx_explicit_memzero(buf, len);
    ngx_free(buf);

    if (rc != JWTGUARD_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: invalid decryption keys file \"%V\": %s",
                           &path, detail[0] ? detail
                                            : jwtguard_result_name(rc));
        return NGX_CONF_ERROR;
    }

    if (ngx_http_jwtguard_cleanup(cf->pool,
                                  ngx_http_jwtguard_decryption_keys_cleanup,
                                  (void *) *keys)
        != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


void
ngx_http_jwtguard_decryption_keys_cleanup(void *data)
{
    jwtguard_decryption_keys_free(data);
}


/* jwtguard_keys_request <uri> [issuer=<iss>]... */

char *
ngx_http_jwtguard_keys_request(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    char                        *rv;
    ngx_str_t                   *value;
    ngx_http_jwtguard_source_t  *src;

    if (jlcf->request != NGX_CONF_UNSET_PTR) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_http_jwtguard_fetch_uri(cf, "jwtguard_keys_request", &value[1])
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    src = ngx_pcalloc(cf->pool, sizeof(ngx_http_jwtguard_source_t));
    if (src == NULL) {
        return NGX_CONF_ERROR;
    }

    src->uri = value[1];

    rv = ngx_http_jwtguard_source_params(cf, src, NULL, 0);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    jlcf->request = src;

    return NGX_CONF_OK;
}


/* jwtguard_openid_config <uri> keys=<uri> [issuer=<iss>]...: a provider's keys
 * found through its OpenID configuration, both fetched by subrequests to local
 * URIs (the second location proxies to $jwtguard_jwks_uri); repeatable, one
 * per provider */

char *
ngx_http_jwtguard_openid_config(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    char                        *rv;
    ngx_str_t                   *value;
    ngx_http_jwtguard_source_t  *src;

    value = cf->args->elts;

    if (ngx_http_jwtguard_fetch_uri(cf, "jwtguard_openid_config", &value[1])
        != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    src = ngx_http_jwtguard_push(cf, &jlcf->openid,
                                 sizeof(ngx_http_jwtguard_source_t));
    if (src == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(src, sizeof(ngx_http_jwtguard_source_t));
    src->config_uri = value[1];

    rv = ngx_http_jwtguard_source_params(cf, src, NULL, 1);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    if (src->uri.len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard_openid_config \"%V\" needs \"keys=<uri>\": "
                           "the local URI of a location that proxies to "
                           "$jwtguard_jwks_uri",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

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


/* The parameters of jwtguard_apim_policy after the file: "tenant=<tid>" (any
 * number), "any_tenant" and "values=<file>"; `key` receives the path and the
 * parameters as one text, which names the translation. */

static char *
ngx_http_jwtguard_apim_params(ngx_conf_t *cf, ngx_str_t *path, ngx_str_t *key,
    ngx_array_t *tenants, ngx_uint_t *flags, ngx_str_t *values,
    ngx_str_t *uris)
{
    u_char          *p;
    size_t           len;
    ngx_str_t       *value;
    ngx_uint_t       i, n;
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

        } else if ((ngx_strncmp(value[i].data, "openid=/", 8) == 0
                    && uris[0].data == NULL)
                   || (ngx_strncmp(value[i].data, "keys=/", 6) == 0
                       && uris[1].data == NULL))
        {
            /* the local URIs its <openid-config> URLs are fetched through */
            n = (value[i].data[0] == 'o') ? 0 : 1;
            uris[n].data = value[i].data + (n ? 5 : 7);
            uris[n].len = value[i].len - (n ? 5 : 7);

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
                               "\"any_tenant\", one \"values=<file>\", one "
                               "\"openid=<uri>\" and one \"keys=<uri>\" "
                               "expected",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        len += 1 + value[i].len;
    }

    if ((uris[0].data == NULL) != (uris[1].data == NULL)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"openid=<uri>\" and \"keys=<uri>\" go together: "
                           "the local URIs of the locations proxying to "
                           "$jwtguard_openid_config_url and $jwtguard_jwks_uri");
        return NGX_CONF_ERROR;
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


/* Translates policy `xml` with the named values read from file `path` (if
 * any); the file's bytes are zeroed once read, since named values are
 * often secrets. */

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
            /* NUL-terminated also when the text is cut at cap - 1 bytes */
            *ngx_snprintf((u_char *) detail, cap - 1,
                          "cannot read named values \"%V\": %V", path, &err)
                = '\0';
            return JWTGUARD_POLICY_INVALID;
        }

        /* the count, then the values as slices of the file's text */
        rc = jwtguard_apim_named_values_read(buf, len, NULL, NULL, 0, &n,
                                             detail, cap);

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

    rc = jwtguard_apim_policy_from_xml_with_options(xml, xml_len,
             (uint32_t) flags, names, values, n, tenants->elts, tenants->nelts,
             out, detail, cap);

done:

    if (buf) {
        ngx_explicit_memzero(buf, len);
        ngx_free(buf);
    }

    return rc;
}


/* jwtguard_apim_policy <file> [tenant=<tid>]... [any_tenant] [values=<file>]:
 * an Azure API Management <validate-jwt> or <validate-azure-ad-token> policy,
 * translated once per file and parameters. Its discovery URLs and notes are
 * logged at notice level; its inline keys, if any, are loaded as a key set for
 * the levels without a keys directive. */

char *
ngx_http_jwtguard_apim_policy(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_jwtguard_loc_conf_t *jlcf = conf;

    u_char                          *buf;
    size_t                           len;
    ngx_str_t                       *value, path, key, values, err, s;
    ngx_str_t                        uris[2];
    ngx_uint_t                       i, n, m, kind, flags;
    ngx_http_jwtguard_source_t      *src;
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
    ngx_str_null(&uris[0]);
    ngx_str_null(&uris[1]);

    if (ngx_http_jwtguard_apim_params(cf, &path, &key, &tenants, &flags,
                                      &values, uris)
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
    rc = ngx_http_jwtguard_apim_translate(cf, buf, len, flags, &tenants,
                                          &values, &a->apim, detail,
                                          sizeof(detail));
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

    if (ngx_http_jwtguard_copy(cf->pool, NGX_HTTP_JWTGUARD_GET_SCHEME, a->apim,
                               0, NULL, &a->scheme)
        != JWTGUARD_OK)
    {
        ngx_str_null(&a->scheme);   /* "" is "not set": nothing to store */
    }

    /* the answer to a rejection */

    a->status = jwtguard_apim_policy_failed_status(a->apim);

    if (a->status < 400 || a->status > 599) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "jwtguard: APIM policy \"%V\": "
                           "failed-validation-httpcode %ui is not supported "
                           "here, 400 to 599 expected",
                           &path, a->status);
        return NGX_CONF_ERROR;
    }

    /* what the operator must know: where the keys are published, and
     * the notes */

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

        if (i < n && uris[0].data) {
            /* fetched through the two local URIs, as jwtguard_openid_config
             * does; the URL is checked by the core when the verifier is
             * built */
            src = ngx_http_jwtguard_push(cf, &a->sources,
                                         sizeof(ngx_http_jwtguard_source_t));
            if (src == NULL) {
                return NGX_CONF_ERROR;
            }

            ngx_memzero(src, sizeof(ngx_http_jwtguard_source_t));
            src->config_uri = uris[0];
            src->uri = uris[1];
            src->url = s;
            continue;
        }

        ngx_conf_log_error(NGX_LOG_NOTICE, cf, 0, i < n
                           ? "jwtguard: APIM policy \"%V\": signing keys are "
                             "published through \"%V\"; fetch them with "
                             "\"openid=<uri> keys=<uri>\", into a "
                             "jwtguard_keys_file (python -m jwtguard fetch-jwks "
                             "--openid-config ...) or with "
                             "jwtguard_keys_request"
                           : "jwtguard: APIM policy \"%V\": note: %V",
                           &path, &s);
    }

    for (i = 0; uris[0].data && i < 2; i++) {
        if (ngx_http_jwtguard_fetch_uri(cf, i ? "\"keys=\"" : "\"openid=\"",
                                        &uris[i])
            != NGX_CONF_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    /* inline keys: the RSA keys, and the symmetric keys as a set of their own
     * (the only key sets this module loads with symmetric keys allowed), never
     * re-read, for the levels without keys */

    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        kind = kinds[i];

        if (ngx_http_jwtguard_copy(cf->pool, NGX_HTTP_JWTGUARD_GET_JWKS,
                                   a->apim, kind, NULL, &s)
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
            err.data = (u_char *) (detail[0] ? detail
                                             : jwtguard_result_name(rc));
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
                           "jwtguard: APIM policy \"%V\": %uz inline %s keys, "
                           "used where no jwtguard_keys_file or "
                           "jwtguard_keys_request is set",
                           &path, jwtguard_keyset_len(keys),
                           kind == JWTGUARD_APIM_KEYS_SYMMETRIC
                           ? "symmetric (HMAC)" : "RSA");
    }

    /* <decryption-keys>: the policy's own, where the level has no
     * jwtguard_decryption_keys_file */

    if (ngx_http_jwtguard_copy(cf->pool, NGX_HTTP_JWTGUARD_GET_DECRYPTION_JWKS,
                               a->apim, 0, NULL, &s)
        == JWTGUARD_OK
        && s.len > 0)
    {
        detail[0] = '\0';
        rc = jwtguard_decryption_keys_new(s.data, s.len, &a->decryption,
                                          detail, sizeof(detail));
        ngx_explicit_memzero(s.data, s.len);

        if (rc != JWTGUARD_OK) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard: APIM policy \"%V\": its "
                               "<decryption-keys> do not load: %s", &path,
                               detail[0] ? detail : jwtguard_result_name(rc));
            return NGX_CONF_ERROR;
        }

        if (ngx_http_jwtguard_cleanup(cf->pool,
                                      ngx_http_jwtguard_decryption_keys_cleanup,
                                      (void *) a->decryption)
            != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
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


/* jwtguard_audience / jwtguard_issuer: values accumulate over
 * repeated directives */

char *
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

char *
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

    if (ngx_array_init(&claim->values, cf->pool, 4, sizeof(ngx_str_t))
        != NGX_OK)
    {
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
            /* 1 to 16 bytes of UTF-8: the core checks it when the policy
             * is built */
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


/* jwtguard_allowed_tenants <tid>... | any: the tenants whose tokens a
 * multi-tenant issuer ("{tenantid}") accepts; "any" (alone) waives the check,
 * an empty list */

char *
ngx_http_jwtguard_allowed_tenants(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
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


char *
ngx_http_jwtguard_status_check(ngx_conf_t *cf, void *post, void *data)
{
    ngx_int_t  *status = data;

    if (*status != NGX_HTTP_UNAUTHORIZED && *status != NGX_HTTP_FORBIDDEN) {
        return "has an invalid value, 401 or 403 expected";
    }

    return NGX_CONF_OK;
}


char *
ngx_http_jwtguard_not_empty(ngx_conf_t *cf, void *post, void *data)
{
    ngx_str_t  *value = data;

    return value->len ? NGX_CONF_OK : "must not be empty";
}


/* jwtguard_algorithms <name>...: what key files and jwtguard_keys_request
 * tokens may be signed with. HMAC is refused here: it needs a shared secret,
 * and these sources hold public keys (only jwtguard_apim_policy's inline
 * symmetric keys load as such). */

char *
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
                               "(names are case-sensitive: RS256, ES256, "
                               "EdDSA, ...)",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        if (flag & JWTGUARD_ALG_SET_SYMMETRIC) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "jwtguard_algorithms: \"%V\" is not supported "
                               "here: HMAC needs a shared secret, and key "
                               "files and jwtguard_keys_request hold public "
                               "keys only (HS256, HS384 and HS512 are verified "
                               "only with the inline symmetric keys of a "
                               "jwtguard_apim_policy)",
                               &value[i]);
            return NGX_CONF_ERROR;
        }

        mask |= flag;
    }

    jlcf->algorithms = mask;

    return NGX_CONF_OK;
}


/* jwtguard_cache_size <number> | off */

char *
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
