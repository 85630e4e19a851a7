"""Key sources and what they are trusted for: each provider's keys bound to its own
issuer (`issuer=` on jwtguard_keys_file and jwtguard_keys_request), tokens without a
`kid` against many keys, and a key file the workers could not open for a while."""

import collections
import os
import re
import shutil
import tempfile
import time

import pytest

from harness import Backend, Key, Nginx, free_port, jwks, request, stop_and_check, write_atomic
from test_keys_request import JwksServer
from test_nginx_module import AUD, _conf_error, _until, bearer, claims

ISS_A = "https://login.provider-a.example/tenant-a/v2.0"
ISS_B = "https://provider-b.example/"
KEY_A = Key("provider-a-key")
KEY_B = Key("provider-b-key")
KEY_C = Key("provider-c-key")        # provider C, published by a keys request
MANY = [Key(f"many-{i}") for i in range(6)]
OLD, NEW = Key("rotating-old"), Key("rotating-new")
IN_PLACE = [Key("in-place-a"), Key("in-place-b")]   # same kid length: same file size


@pytest.fixture(scope="module")
def env():
    backend, idp = Backend(), JwksServer()
    idp.body = jwks(KEY_C)
    port = free_port()
    ng = Nginx("")
    d = ng.dir
    files = {
        "a": jwks(KEY_A), "b": jwks(KEY_B),
        "many": jwks(*MANY), "two": jwks(*MANY[:2]),
        "m1": jwks(*MANY[0:2]), "m2": jwks(*MANY[2:4]), "m3": jwks(*MANY[4:6]),
        "rotating": jwks(OLD),
        "in-place": jwks(IN_PLACE[0]),
    }
    for name, text in files.items():
        write_atomic(f"{d}/{name}.json", text)
    ng.write_conf(f"""
    server {{
        listen 127.0.0.1:{port};
        jwtguard on;
        jwtguard_keys_file {d}/a.json issuer={ISS_A};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS_A} {ISS_B};
        jwtguard_cache_size off;
        add_header X-Jwtguard-Error $jwtguard_error always;

        location /bound/ {{
            jwtguard_keys_file {d}/a.json issuer={ISS_A};
            jwtguard_keys_file {d}/b.json check=1s issuer={ISS_B};
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /bound-request/ {{
            jwtguard_keys_file {d}/a.json issuer={ISS_A};
            jwtguard_keys_request /_jwks_c issuer={ISS_B};
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /many/ {{
            jwtguard_issuer {ISS_A};
            jwtguard_keys_file {d}/many.json;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /two/ {{
            jwtguard_issuer {ISS_A};
            jwtguard_keys_file {d}/two.json;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /split/ {{
            jwtguard_issuer {ISS_A};
            jwtguard_keys_file {d}/m1.json;
            jwtguard_keys_file {d}/m2.json;
            jwtguard_keys_file {d}/m3.json;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /in-place/ {{
            jwtguard_issuer {ISS_A};
            jwtguard_keys_file {d}/in-place.json check=0;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location /rotating/ {{
            jwtguard_issuer {ISS_A};
            jwtguard_keys_file {d}/rotating.json check=1s;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location = /_jwks_c {{
            internal;
            jwtguard off;
            proxy_pass_request_headers off;
            proxy_pass_request_body off;
            subrequest_output_buffer_size 64k;
            proxy_pass http://127.0.0.1:{idp.port}/keys;
        }}
    }}
""")
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        idp.stop()
        raise
    e = collections.namedtuple("Env", "port nginx dir")(port, ng, d)
    try:
        yield e
    finally:
        stop_and_check(ng, backend, idp)


def call(env, path, token):
    st, h, _ = request(env.port, path, bearer(token))
    return st, h.get("x-jwtguard-error")


# ---------------------------------------------------------------- issuer binding

def test_each_provider_signs_only_for_its_own_issuer(env):
    assert call(env, "/bound/", KEY_A.sign(claims(iss=ISS_A))) == (200, None)
    assert call(env, "/bound/", KEY_B.sign(claims(iss=ISS_B))) == (200, None)
    # provider B's key signing a token that claims to come from provider A, and back
    assert call(env, "/bound/", KEY_B.sign(claims(iss=ISS_A))) == (401, "TokenIssuerNotAllowed")
    assert call(env, "/bound/", KEY_A.sign(claims(iss=ISS_B))) == (401, "TokenIssuerNotAllowed")


def test_keys_request_bound_to_its_issuer(env):
    assert call(env, "/bound-request/", KEY_C.sign(claims(iss=ISS_B))) == (200, None)
    assert call(env, "/bound-request/", KEY_C.sign(claims(iss=ISS_A))) == (401, "TokenIssuerNotAllowed")
    assert call(env, "/bound-request/", KEY_A.sign(claims(iss=ISS_A))) == (200, None)
    assert call(env, "/bound-request/", KEY_A.sign(claims(iss=ISS_B))) == (401, "TokenIssuerNotAllowed")


def test_source_issuer_configuration():
    p = free_port()
    d = tempfile.mkdtemp(prefix="jwtguard-keys-")
    os.chmod(d, 0o755)
    try:
        path, other = f"{d}/k.json", f"{d}/l.json"
        write_atomic(path, jwks(KEY_A))
        write_atomic(other, jwks(KEY_B))
        base = ("server {{ listen 127.0.0.1:%d; location / {{ jwtguard on; jwtguard_audience a; "
                "{d} return 204; }} }}" % p)

        def test(d):
            return _conf_error(base.format(d=d))

        rc, out = test(f"jwtguard_issuer i; jwtguard_keys_file {path} issuer=;")
        assert rc != 0 and "issuer" in out, out
        rc, out = test(f"jwtguard_issuer i; jwtguard_keys_file {path} check=1s check=2s;")
        assert rc != 0 and "duplicate" in out, out
        rc, out = test(f"jwtguard_issuer i; jwtguard_keys_file {path} color=red;")
        assert rc != 0 and "invalid parameter" in out, out
        rc, out = test(f"jwtguard_issuer i; jwtguard_keys_request /_k issuer=;")
        assert rc != 0 and "issuer" in out, out
        # several sources, several policy issuers, a source without its own: a warning
        rc, out = test(f"jwtguard_issuer i j; jwtguard_keys_file {path}; "
                       f"jwtguard_keys_file {other} issuer=j;")
        assert rc == 0, out
        assert re.search(r"\[warn\].*issuer=", out), out
        # each names its issuer (one may name two): no warning
        rc, out = test(f"jwtguard_issuer i j k; jwtguard_keys_file {path} issuer=i issuer=k; "
                       f"jwtguard_keys_file {other} issuer=j;")
        assert rc == 0 and "[warn]" not in out, out
        # one source, or one policy issuer: nothing to bind
        rc, out = test(f"jwtguard_issuer i j; jwtguard_keys_file {path};")
        assert rc == 0 and "[warn]" not in out, out
        rc, out = test(f"jwtguard_issuer i; jwtguard_keys_file {path}; jwtguard_keys_file {other};")
        assert rc == 0 and "[warn]" not in out, out
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- tokens without kid

def test_token_without_kid_is_not_tried_against_every_key(env):
    """A token without kid is tried against at most 4 keys, across all the sources of
    the location (the core's bound): a forged one costs at most 4 signature checks."""
    no_kid = {"kid": None}
    assert call(env, "/two/", MANY[1].sign(claims(iss=ISS_A), headers=no_kid)) == (200, None)
    assert call(env, "/many/", MANY[3].sign(claims(iss=ISS_A), headers=no_kid)) == (200, None)
    # the sixth key is never tried, in one file or spread over three
    for path in ("/many/", "/split/"):
        assert call(env, path, MANY[5].sign(claims(iss=ISS_A), headers=no_kid)) \
            == (401, "TokenSignatureInvalid")
    # with its kid the same key is found at once
    for path in ("/many/", "/split/"):
        assert call(env, path, MANY[5].sign(claims(iss=ISS_A))) == (200, None)
    time.sleep(0.2)
    assert re.search(r"\[info\].*TokenSignatureInvalid.*4 keys tried.*give the token a kid", env.nginx.log())


# ---------------------------------------------------------------- a key file that could not be opened

def test_key_file_rewritten_in_place_within_the_second(env):
    # same inode, same size, same second: only the nanoseconds of the mtime (or, on a
    # coarse file system, having read the file in the second it was written) tell
    path = f"{env.dir}/in-place.json"
    texts = [jwks(k) for k in IN_PLACE]
    assert len(texts[0]) == len(texts[1])
    tokens = [k.sign(claims(iss=ISS_A)) for k in IN_PLACE]
    for _ in range(5):
        time.sleep(1.02 - time.time() % 1)           # just after a second begins
        second = int(time.time())
        write_atomic(path, texts[0])
        first = [call(env, "/in-place/", tokens[0]) for _ in range(4)]   # both workers
        inode = os.stat(path).st_ino
        with open(path, "r+") as f:                   # in place
            f.write(texts[1])
        after = [call(env, "/in-place/", t) for t in (tokens[1], tokens[0])]
        if int(time.time()) == second:
            break
    assert os.stat(path).st_ino == inode and int(time.time()) == second
    assert first == [(200, None)] * 4
    assert after == [(200, None), (401, "TokenSignatureKeyNotFound")]


def test_zz_unreadable_key_file_is_retried(env):
    path = f"{env.dir}/rotating.json"
    old, new = OLD.sign(claims(iss=ISS_A)), NEW.sign(claims(iss=ISS_A))
    assert call(env, "/rotating/", old) == (200, None)
    assert call(env, "/rotating/", new)[0] == 401
    # the new keys arrive, but the workers (user nobody) may not read them
    tmp = path + ".new"
    with open(tmp, "w") as f:
        f.write(jwks(NEW))
    os.chmod(tmp, 0o000)
    os.replace(tmp, path)
    time.sleep(2.5)                                    # past the 1 s check in both workers
    for _ in range(6):
        assert call(env, "/rotating/", old) == (200, None)     # the last good keys are kept
        assert call(env, "/rotating/", new)[0] == 401
    assert re.search(r"\[error\].*keys file \".*rotating.json\" not reloaded, keeping the current "
                     r"keys: cannot open the file", env.nginx.log())
    # readable again: same mtime, size and inode, only the mode changed
    mtime = os.stat(path).st_mtime_ns
    os.chmod(path, 0o644)
    assert os.stat(path).st_mtime_ns == mtime
    assert _until(lambda: call(env, "/rotating/", new) == (200, None))
    time.sleep(1.1)                                    # every worker has checked it again
    for _ in range(6):
        assert call(env, "/rotating/", new) == (200, None)
        assert call(env, "/rotating/", old) == (401, "TokenSignatureKeyNotFound")
