"""Identity provider stand-ins for the discovery tests, and the internal locations
their fetches go to."""

import concurrent.futures
import json
import time

from harness import JsonServer, jwks, request

AUD = "api://discovery"


class StandIn(JsonServer):
    """An identity provider stand-in: its OpenID configuration at
    /.well-known/openid-configuration names `issuer` and a `jwks_uri` on this server
    (`/keys-<version>`), which serves `keys` (with a `padding` member when set). Counts
    what it serves."""

    def __init__(self, issuer, *keys, delay=0.0):
        self.issuer, self.keys, self.delay = issuer, list(keys), delay
        self.version, self.status, self.padding = 1, 200, ""
        self.hits = {"config": 0, "keys": 0}
        self.paths, self.headers = [], []
        super().__init__()

    def answer(self, request):
        self.paths.append(request.path)
        self.headers.append({k.lower(): v for k, v in request.headers.items()})
        if request.path == "/.well-known/openid-configuration":
            self.hits["config"] += 1
            time.sleep(self.delay)
            body = json.dumps({"issuer": self.issuer, "jwks_uri": self.jwks_uri})
        elif request.path.startswith("/keys-"):
            self.hits["keys"] += 1
            body = jwks(*self.keys)
            if self.padding:  # a larger document, the same keys
                body = body[:-1] + f', "padding": "{self.padding}"}}'
        else:
            body = "{}"
        return self.status, body, True

    @property
    def jwks_uri(self):
        return f"http://127.0.0.1:{self.port}/keys-{self.version}"

    def token(self, key, iss=None, **claims):
        body = {"iss": iss or self.issuer, "aud": AUD, "exp": int(time.time()) + 600, "sub": "u"}
        body.update(claims)
        return key.sign(body)


def provider_locations(name, p):
    """The two internal locations one stand-in's fetches go to."""
    config = f"http://127.0.0.1:{p.port}/.well-known/openid-configuration"
    return locations_for(config).replace("/_oidc ", f"/_oidc_{name} ").replace("/_jwks ", f"/_jwks_{name} ")


def locations_for(config_url):
    """The internal locations of one provider's fetches: its configuration at
    `config_url`, and the keys at whatever `jwks_uri` it names."""
    return f"""
        location = /_oidc {{
            internal;
            proxy_pass {config_url};
            subrequest_output_buffer_size 64k;
        }}
        location = /_jwks {{
            internal;
            proxy_pass $jwtguard_jwks_uri;
            subrequest_output_buffer_size 64k;
        }}"""


def protected_location(path, name, backend_port, extra=""):
    """A location checking tokens with the keys of stand-in `name` (its locations from
    `provider_locations`), then proxying to the backend."""
    return f"""
        location {path} {{
            jwtguard on;
            jwtguard_openid_config /_oidc_{name} keys=/_jwks_{name};
            {extra}
            proxy_pass http://127.0.0.1:{backend_port};
        }}"""


def get(env, path, token):
    """(status, $jwtguard_error) of a GET with the bearer token, to nginx at env["port"]."""
    status, headers, _ = request(env["port"], path, {"Authorization": f"Bearer {token}"})
    return status, headers.get("x-jwtguard-error", "")


def at_once(env, path, token, n=30):
    """The answers to `n` concurrent GETs with the bearer token."""
    with concurrent.futures.ThreadPoolExecutor(n) as pool:
        return list(pool.map(lambda _: get(env, path, token), range(n)))
