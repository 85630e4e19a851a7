"""The end-to-end demo (run by `make demo` through demo/run.sh): an Entra-shaped identity
provider stand-in, Debian's nginx with ngx_http_jwtguard_module (installed from its
Debian package) following the provider's OpenID configuration in front of a small
sample API, and the workflow of the APIM article walked request by request, up to a key
rotation that needs neither a key file nor a reload.

Usage: demo.py MODULE_CONF WORKDIR   (demo/run.sh passes both and removes WORKDIR);
MODULE_CONF is the package's enabled load_module snippet, included by nginx.conf."""

import http.client
import http.server
import json
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
import urllib.parse
import urllib.request

from idp import Provider

TENANT = "0b8b2a4e-6f5d-4c3b-a291-8e7f6d5c4b3a"
BACKEND_CLIENT_ID = "6e74172b-be56-4843-9ff4-e66a39bb12e3"   # the API's app registration
CLIENT_ID = "c2a5d8e1-7b4f-4e2a-9c1d-3f6e8a7b5c4d"           # the calling app


def bold(s):
    return f"\033[1m{s}\033[0m" if sys.stdout.isatty() else s


def say(title):
    print("\n" + bold("== " + title))


# ---------------------------------------------------------------- the sample API

class _Api(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = json.dumps({
            "message": "hello from the sample API",
            "user": self.headers.get("X-User"),
            "name": self.headers.get("X-Name"),
            "scopes": self.headers.get("X-Scopes"),
            "tenant": self.headers.get("X-Tenant"),
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


# ---------------------------------------------------------------- printing requests

def post_form(url, form):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("POST", u.path, body=urllib.parse.urlencode(form),
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = conn.getresponse()
    data = json.loads(r.read())
    conn.close()
    return data


def get_token(idp, scope, **extra):
    form = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": "demo",
            "scope": scope}
    form.update({k: str(v) for k, v in extra.items()})
    print(f"  POST {idp.base}/{TENANT}/oauth2/v2.0/token  scope={scope}"
          + "".join(f" {k}={v}" for k, v in extra.items()))
    token = post_form(f"{idp.base}/{TENANT}/oauth2/v2.0/token", form)["access_token"]
    claims = json.loads(urlsafe_b64(token.split(".")[1]))
    header = json.loads(urlsafe_b64(token.split(".")[0]))
    print(f"  <- access token {token[:24]}...{token[-8:]}  (kid {header['kid']}, aud {claims['aud']},"
          f" scp '{claims['scp']}', exp {'in ' + str(claims['exp'] - int(time.time())) + ' s' if claims['exp'] > time.time() else str(int(time.time()) - claims['exp']) + ' s ago'})")
    return token


def urlsafe_b64(s):
    import base64
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def call(port, path, token=None, expect=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    shown = f"Authorization: Bearer {token[:16]}..." if token else "(no Authorization header)"
    print(f"  GET http://127.0.0.1:{port}{path}   {shown}")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    r = conn.getresponse()
    body = r.read().decode()
    conn.close()
    print(f"  <- {r.status} {r.reason}")
    if r.getheader("WWW-Authenticate"):
        print(f"     WWW-Authenticate: {r.getheader('WWW-Authenticate')}")
    print(textwrap.indent(body.strip(), "     "))
    ok = expect is None or r.status == expect
    if not ok:
        print(f"  !! expected {expect}")
    return ok, r.status


def key_loads(error_log):
    """(worker pid, line number) of each key set a worker loaded, from nginx's log: the
    worker that fetched it, and the others that took it from the keys zone."""
    loaded = re.compile(r"\[(?:notice|info)\] (\d+)#\d+: .*(?:keys request \"/_jwks\": \d+ keys"
                        r"|keys for \"/_jwks\" taken from the keys zone)")
    with open(error_log) as f:
        return [(m.group(1), i) for i, line in enumerate(f) if (m := loaded.search(line))]


# ---------------------------------------------------------------- the walk

def main():
    module_conf, work = sys.argv[1], sys.argv[2]
    os.chmod(work, 0o755)
    error_log = os.path.join(work, "error.log")
    failures = 0
    idp = api = nginx = None
    try:
        say("1. The identity provider (a stand-in for Microsoft Entra ID) and the sample API")
        idp = Provider(TENANT, BACKEND_CLIENT_ID).start()
        print(f"  OpenID configuration: {idp.openid_config_url}")
        api = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
        api.daemon_threads = True
        threading.Thread(target=api.serve_forever, daemon=True).start()
        api_port = api.server_address[1]
        print(f"  sample API (no authentication of its own): http://127.0.0.1:{api_port}")

        say("2. What nginx will discover: the OpenID configuration names the issuer and the keys")
        with urllib.request.urlopen(idp.openid_config_url, timeout=5) as r:
            document = json.load(r)
        print(f"  issuer:   {document['issuer']}")
        print(f"  jwks_uri: {document['jwks_uri']}")

        say("3. nginx with ngx_http_jwtguard_module in front of the API")
        with open(module_conf) as f:
            load = next(line.strip() for line in f if line.startswith("load_module"))
        print("  the module is the one of the package libnginx-mod-http-jwtguard (make deb):")
        print(f"  include {module_conf};")
        print(f"      # a link to {os.path.realpath(module_conf)}: {load}")
        port = free_port()
        conf = f"""
include {module_conf};
daemon off;
worker_processes 2;
pid {work}/nginx.pid;
error_log {work}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;

    # the workers share the provider's documents: one of them fetches for both
    jwtguard_keys_zone jwtguard_keys:1m;

    server {{
        listen 127.0.0.1:{port};

        # <validate-jwt header-name="Authorization" failed-validation-httpcode="401"
        #   failed-validation-error-message="Unauthorized. Access token is missing or invalid.">
        jwtguard on;
        jwtguard_openid_config /_oidc keys=/_jwks;                         # <openid-config url="..."/>
        jwtguard_audience {BACKEND_CLIENT_ID} api://{BACKEND_CLIENT_ID};   # <audiences>
        jwtguard_issuer {idp.issuer};                                      # <issuers>
        jwtguard_clock_skew 60s;                                           # clock-skew
        jwtguard_realm demo-api;

        # claim text is safe in a header: a value with a control character (CR, LF,
        # NUL, ...) is not set, so a token's name claim cannot add or smuggle headers
        proxy_set_header X-User    $jwtguard_claim_oid;
        proxy_set_header X-Name    $jwtguard_claim_name;
        proxy_set_header X-Scopes  $jwtguard_claim_scp;
        proxy_set_header X-Tenant  $jwtguard_claim_tid;

        location /api/files {{
            # <required-claims><claim name="scp" match="any" separator=" "><value>Files.Read</value>...
            jwtguard_require_claim scp Files.Read Files.ReadWrite match=any "separator= ";
            proxy_pass http://127.0.0.1:{api_port};
        }}
        location /api/admin {{
            jwtguard_require_claim scp Admin.All "separator= ";
            jwtguard_failed_status 403;
            proxy_pass http://127.0.0.1:{api_port};
        }}

        # the provider's documents, fetched by the module (https with
        # proxy_ssl_verify and a resolver in production: see nginx/DIRECTIVES.md)
        location = /_oidc {{
            internal;
            subrequest_output_buffer_size 64k;
            proxy_pass {idp.openid_config_url};
        }}
        location = /_jwks {{
            internal;
            subrequest_output_buffer_size 64k;
            proxy_pass $jwtguard_jwks_uri;   # the jwks_uri the configuration names
        }}
    }}
}}
"""
        with open(os.path.join(work, "nginx.conf"), "w") as f:
            f.write(conf)
        print(textwrap.indent(textwrap.dedent(conf.split("server {", 1)[1].rsplit("}", 2)[0].strip("\n")), "  "))
        nginx = subprocess.Popen(["/usr/sbin/nginx", "-p", work, "-c", os.path.join(work, "nginx.conf"),
                                  "-e", os.path.join(work, "error.log")])
        if not wait_port(port):
            raise RuntimeError("nginx did not start")
        print(f"  nginx listens on http://127.0.0.1:{port} (2 workers)")

        steps = [
            ("4. No token", lambda: call(port, "/api/files", None, 401)),
            ("5. A token for another API (aud = api://some-other-api)",
             lambda: call(port, "/api/files", get_token(idp, "api://some-other-api/Files.Read",
                                                         audience="api://some-other-api"), 401)),
            ("6. An expired token", lambda: call(port, "/api/files", get_token(
                idp, f"api://{BACKEND_CLIENT_ID}/Files.Read", lifetime=-120), 401)),
            ("7. A token without the required scope (Files.Read or Files.ReadWrite)",
             lambda: call(port, "/api/files", get_token(idp, f"api://{BACKEND_CLIENT_ID}/User.Read"), 401)),
            ("8. A valid token: the API receives the caller's identity",
             lambda: call(port, "/api/files", get_token(idp, f"api://{BACKEND_CLIENT_ID}/Files.Read"), 200)),
            ("9. A valid token without Admin.All on /api/admin (jwtguard_failed_status 403)",
             lambda: call(port, "/api/admin", get_token(idp, f"api://{BACKEND_CLIENT_ID}/Files.Read"), 403)),
        ]
        for title, step in steps:
            say(title)
            ok, _ = step()
            failures += not ok

        say("10. The provider rotates its signing key")
        old_token = get_token(idp, f"api://{BACKEND_CLIENT_ID}/Files.Read")
        with open(error_log) as f:
            rotated_at = sum(1 for _ in f)   # the log's lines before the rotation
        kid = post_form(f"{idp.base}/demo/rotate", {})["kid"]
        print(f"  the provider now signs with kid {kid} and publishes only that key")
        new_token = get_token(idp, f"api://{BACKEND_CLIENT_ID}/Files.Read")
        say("11. The token signed with the new key is accepted: its unknown kid makes nginx "
            "read the configuration and the keys again (no key file, no reload)")
        ok, _ = call(port, "/api/files", new_token, 200)
        failures += not ok
        # One worker fetches, the other takes the keys from the zone: send the new token
        # until both have them.
        deadline = time.time() + 10
        while time.time() < deadline and len({pid for pid, at in key_loads(error_log) if at >= rotated_at}) < 2:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/api/files", headers={"Authorization": f"Bearer {new_token}"})
            c.getresponse().read()
            c.close()
        say("12. The token signed with the retired key is rejected")
        ok, _ = call(port, "/api/files", old_token, 401)
        failures += not ok

        say("nginx's error log (the reasons, at level info; never the tokens)")
        with open(error_log) as f:
            for line in f:
                if "jwtguard" in line:
                    print("  " + line.rstrip().split(": ", 1)[-1].split(", client")[0][:150])
    finally:
        if nginx and nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(10)
            except subprocess.TimeoutExpired:
                nginx.kill()
        if api:
            api.shutdown()
            api.server_close()
        if idp:
            idp.stop()

    say("done: " + ("every answer was as expected" if failures == 0 else f"{failures} unexpected answer(s)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
