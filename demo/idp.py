"""An identity-provider stand-in shaped like Microsoft Entra ID (v2.0 endpoints), for the
demo only: on 127.0.0.1 it serves

  GET  /{tenant}/v2.0/.well-known/openid-configuration
  GET  /{tenant}/discovery/v2.0/keys                     the JWKS (jwks_uri)
  POST /{tenant}/oauth2/v2.0/token                       mints RS256 access tokens

The token endpoint takes a form: client_id (the caller), scope (`api://<backend>/Files.Read
...`) and, because this is a demo of failures, `lifetime` (seconds; negative for an
already expired token) and `audience` (to mint a token for another API).
`POST /demo/rotate` replaces the signing key (only the new one is published afterwards).
Tokens are made with PyJWT and cryptography, independently of jwtguard."""

import http.server
import json
import threading
import time
import urllib.parse
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class Provider:
    def __init__(self, tenant, backend_client_id):
        self.tenant = tenant
        self.backend = backend_client_id
        self.lock = threading.Lock()
        self._new_key()
        handler = type("Handler", (_Handler,), {"provider": self})
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/{tenant}/v2.0"
        self.openid_config_url = f"{self.issuer}/.well-known/openid-configuration"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def _new_key(self):
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
        kid = uuid.uuid4().hex[:16]
        jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
        with self.lock:
            self.key, self.kid, self.jwk = key, kid, jwk

    def rotate(self):
        self._new_key()
        return self.kid

    def openid_configuration(self):
        t = f"{self.base}/{self.tenant}"
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{t}/oauth2/v2.0/authorize",
            "token_endpoint": f"{t}/oauth2/v2.0/token",
            "jwks_uri": f"{t}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt",
                                                      "client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "tenant_region_scope": "AS",
            "cloud_instance_name": "127.0.0.1",
        }

    def jwks(self):
        with self.lock:
            return {"keys": [self.jwk]}

    def mint(self, client_id, scope, lifetime=3600, audience=None):
        now = int(time.time())
        scopes = [s.rsplit("/", 1)[-1] for s in scope.split() if s]
        claims = {
            "aud": audience or self.backend,
            "iss": self.issuer,
            "iat": now - 1 if lifetime > 0 else now + lifetime - 600,
            "nbf": now - 1 if lifetime > 0 else now + lifetime - 600,
            "exp": now + lifetime,
            "azp": client_id,
            "name": "Ada Lovelace",
            "oid": "5d7a1c2e-3b4f-4a6d-9e8c-1f2a3b4c5d6e",
            "preferred_username": "ada@contoso.partner.onmschina.cn",
            "scp": " ".join(scopes),
            "sub": "kX0p3yQ9Zc2W8vN1mB4sT7uR6eD5fG0hJ",
            "tid": self.tenant,
            "ver": "2.0",
        }
        with self.lock:
            key, kid = self.key, self.kid
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid, "typ": "JWT"})


class _Handler(http.server.BaseHTTPRequestHandler):
    provider = None

    def _json(self, status, obj):
        body = json.dumps(obj, indent=1).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        p, t = self.provider, self.provider.tenant
        if self.path == f"/{t}/v2.0/.well-known/openid-configuration":
            return self._json(200, p.openid_configuration())
        if self.path == f"/{t}/discovery/v2.0/keys":
            return self._json(200, p.jwks())
        self._json(404, {"error": "not_found"})

    def do_POST(self):
        p = self.provider
        length = int(self.headers.get("Content-Length") or 0)
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
        if self.path == "/demo/rotate":
            return self._json(200, {"kid": p.rotate()})
        if self.path != f"/{p.tenant}/oauth2/v2.0/token":
            return self._json(404, {"error": "not_found"})
        lifetime = int(form.get("lifetime", "3600"))
        token = p.mint(form.get("client_id", ""), form.get("scope", ""), lifetime,
                       form.get("audience"))
        self._json(200, {"token_type": "Bearer", "expires_in": max(lifetime, 0),
                         "access_token": token})

    def log_message(self, *args):
        pass
