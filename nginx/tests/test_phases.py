"""Where in nginx's request processing the token is checked: before the location's
`return`, `rewrite` and `set` (which run in the rewrite phase, before the access phase),
and in subrequests too, so a location with `jwtguard on` never answers unchecked: an
`auth_request` target, an SSI include, a `return` in the protected location. Debian's
nginx, two workers, a real backend; tokens minted by PyJWT."""

import collections
import os

import pytest

from harness import Backend, Nginx, free_port, jwks, request, stop_and_check, write_atomic
from test_nginx_module import AUD, ISS, KEY_A, bearer, good


@pytest.fixture(scope="module")
def env():
    backend = Backend()
    port = free_port()
    ng = Nginx("")
    d = ng.dir
    write_atomic(os.path.join(d, "keys.json"), jwks(KEY_A))
    os.makedirs(os.path.join(d, "html"), exist_ok=True)
    write_atomic(os.path.join(d, "html", "page.html"), 'before <!--# include virtual="/fragment/" --> after\n')
    ng.write_conf(f"""
    server {{
        listen 127.0.0.1:{port};
        root {d}/html;
        jwtguard_keys_file {d}/keys.json;
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        add_header X-Jwtguard-Error $jwtguard_error always;

        # a protected location that answers by itself
        location /return/ {{ jwtguard on; return 200 "protected answer\\n"; }}
        location /rewrite/ {{ jwtguard on; rewrite ^ /open-target/ last; }}
        location /open-target/ {{ return 200 "open target\\n"; }}

        # jwtguard as the auth_request target: the application location holds no rule
        location /app/ {{
            auth_request /_auth;
            proxy_pass http://127.0.0.1:{backend.port};
        }}
        location = /_auth {{
            internal;
            jwtguard on;
            return 204;
        }}

        # a front controller: what an open location lacks goes to a protected one
        location /open-missing/ {{ error_page 404 = /return/; }}

        # an SSI include of a protected location from an open page
        location = /page.html {{ ssi on; }}
        location /fragment/ {{ jwtguard on; return 200 "secret fragment"; }}
    }}
""")
    try:
        ng.start(port)
    except Exception:
        backend.stop()
        raise
    e = collections.namedtuple("Env", "port nginx")(port, ng)
    try:
        yield e
    finally:
        stop_and_check(ng, backend)


def test_return_in_a_protected_location_answers_only_after_the_check(env):
    st, h, body = request(env.port, "/return/", {})
    assert (st, h.get("x-jwtguard-error")) == (401, "TokenNotPresent"), (st, h, body)
    st, h, body = request(env.port, "/return/", bearer(good(aud="api://other")))
    assert (st, h.get("x-jwtguard-error")) == (401, "TokenAudienceNotAllowed")
    st, _, body = request(env.port, "/return/", bearer(good()))
    assert (st, body) == (200, "protected answer\n")


def test_rewrite_in_a_protected_location_happens_after_the_check(env):
    assert request(env.port, "/rewrite/", {})[0] == 401
    st, _, body = request(env.port, "/rewrite/", bearer(good()))
    assert (st, body) == (200, "open target\n")


def test_auth_request_target(env):
    st, h, _ = request(env.port, "/app/", {})
    assert st == 401, (st, h)
    assert h.get("www-authenticate", "").startswith("Bearer"), h   # auth_request passes it on
    assert request(env.port, "/app/", bearer(good(aud="api://other")))[0] == 401
    assert request(env.port, "/app/", bearer(good()))[0] == 200


def test_ssi_include_of_a_protected_location(env):
    st, _, body = request(env.port, "/page.html", {})
    assert st == 200 and "secret fragment" not in body, body
    st, _, body = request(env.port, "/page.html", bearer(good()))
    assert st == 200 and "before secret fragment after" in body, body


def test_an_error_page_into_a_protected_location_is_checked(env):
    # only the error page answering jwtguard's own rejection goes unchecked
    st, h, _ = request(env.port, "/open-missing/nothing-here", {})
    assert (st, h.get("x-jwtguard-error")) == (401, "TokenNotPresent"), (st, h)
    st, _, body = request(env.port, "/open-missing/nothing-here", bearer(good()))
    assert (st, body) == (200, "protected answer\n")
