"""Test tooling for the nginx module: keys and tokens (PyJWT + cryptography, independent
of jwtguard), a real backend (http.server echoing what nginx forwarded), and Debian's
nginx started with the module in a temporary prefix on 127.0.0.1."""

import base64
import http.client
import http.server
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULE = os.environ.get("JWTGUARD_NGINX_MODULE") or os.path.join(ROOT, "target", "nginx", "ngx_http_jwtguard_module.so")
NGINX = os.environ.get("JWTGUARD_NGINX_BIN", "/usr/sbin/nginx")


# ---------------------------------------------------------------- keys and tokens

class Key:
    """A signing key with its public JWK."""

    def __init__(self, kid, kind="RSA"):
        self.kid = kid
        self.kind = kind
        if kind == "RSA":
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            self.alg = "RS256"
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        else:
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.alg = "ES256"
            jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        jwk.update({"kid": kid, "use": "sig", "alg": self.alg})
        self.jwk = jwk

    def sign(self, claims, kid=None, headers=None):
        h = {"kid": self.kid if kid is None else kid, "typ": "JWT"}
        h.update(headers or {})
        h = {k: v for k, v in h.items() if v is not None}   # {"kid": None}: no kid
        return jwt.encode(claims, self.private, algorithm=self.alg, headers=h)


def jwks(*keys):
    return json.dumps({"keys": [k.jwk for k in keys]})


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(claims, alg="none"):
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps(claims).encode())
    return f"{header}.{payload}.c2lnbmF0dXJl"  # an empty signature is TokenMalformed


def write_atomic(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


# ---------------------------------------------------------------- network helpers

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0, proc=None):
    deadline = time.time() + timeout
    while time.time() < deadline and (proc is None or proc.poll() is None):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def request(port, path, headers=None, method="GET", body=None):
    """One request on a new connection: (status, headers dict (lower-case), body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read().decode("utf-8", "replace")
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


# ---------------------------------------------------------------- backend

class _Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = json.dumps({
            "path": self.path,
            "headers": {k.lower(): v for k, v in self.headers.items()},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


class Backend:
    """A threaded HTTP server that answers every request with what it received."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class JsonServer:
    """A threaded HTTP server on 127.0.0.1 answering each GET with what `self.answer`
    (a method of the subclass) returns for the request handler: (status, body text,
    whether to send Content-Length; without it the body ends when the connection
    closes)."""

    def __init__(self):
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                status, body, with_length = outer.answer(self)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if with_length:
                    self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class RawBackend:
    """A real HTTP/1.1 server on 127.0.0.1 that keeps the exact bytes it receives: every
    connection's bytes (`connections`) and every request it parsed from them
    (`requests`: head and body, pipelined requests each on their own, as a server
    reading the stream would see them). Each request is answered with 200 and a body
    naming its index; a connection is read until nginx closes it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.connections = []
        self.requests = []
        self.running = True
        threading.Thread(target=self._accept, daemon=True).start()

    def clear(self):
        with self.lock:
            self.connections.clear()
            self.requests.clear()

    def wait_requests(self, n, timeout=5.0):
        """The requests parsed so far, once there are at least `n` (or after `timeout`)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            with self.lock:
                if len(self.requests) >= n:
                    break
            time.sleep(0.02)
        time.sleep(0.2)  # anything sent behind them
        with self.lock:
            return list(self.requests)

    def _accept(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        raw = bytearray()
        with self.lock:
            self.connections.append(raw)
        buf = b""
        conn.settimeout(10)
        try:
            while True:
                end = buf.find(b"\r\n\r\n")
                if end >= 0:
                    head = buf[:end + 4]
                    m = re.search(rb"(?im)^content-length:[ \t]*([0-9]+)[ \t]*\r$", head)
                    total = end + 4 + (int(m.group(1)) if m else 0)
                    if len(buf) >= total:
                        with self.lock:
                            self.requests.append(buf[:total])
                            index = len(self.requests) - 1
                        buf = buf[total:]
                        body = json.dumps({"request": index}).encode()
                        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
                        continue
                data = conn.recv(65536)
                if not data:
                    return
                with self.lock:
                    raw += data
                buf += data
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self):
        self.running = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)   # wakes the accepting thread
        except OSError:
            pass
        self.sock.close()


def raw_request(port, path, headers=None):
    """One GET on a new connection, read until nginx closes it: the exact response
    bytes (head and body)."""
    lines = [f"GET {path} HTTP/1.1", "Host: localhost", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk


# ---------------------------------------------------------------- nginx

class Nginx:
    """Debian's nginx in the foreground with its own prefix, configuration, error log
    and pid file; `http_conf` is the body of the http block, `load` the line that loads
    the module (by default the module under test, by its path)."""

    def __init__(self, http_conf, workers=2, directory=None, env=None, load=None):
        self.dir = directory or tempfile.mkdtemp(prefix="jwtguard-nginx-")
        self.env = env or {}  # added to nginx's environment, kept for the workers
        self.load = load or f"load_module {MODULE};"
        os.chmod(self.dir, 0o755)  # workers (user nobody) read the key files here
        self.conf = os.path.join(self.dir, "nginx.conf")
        self.error_log = os.path.join(self.dir, "error.log")
        self.pid_file = os.path.join(self.dir, "nginx.pid")
        self.workers = workers
        self.proc = None
        self.write_conf(http_conf)

    def write_conf(self, http_conf):
        d = self.dir
        # nginx clears the workers' environment: keep the variables added to it
        keep = "".join(f"env {name};\n" for name in sorted(self.env))
        text = f"""
{self.load}
{keep}
daemon off;
master_process on;
worker_processes {self.workers};
pid {self.pid_file};
error_log {self.error_log} {os.environ.get("JWTGUARD_NGINX_LOG_LEVEL", "info")};
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
{http_conf}
}}
"""
        with open(self.conf, "w") as f:
            f.write(text)

    def test_conf(self):
        """`nginx -t`: (returncode, output)."""
        p = subprocess.run([NGINX, "-t", "-p", self.dir, "-c", self.conf, "-e", self.error_log],
                           capture_output=True, text=True)
        return p.returncode, p.stdout + p.stderr

    def start(self, port):
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-c", self.conf, "-e", self.error_log],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     env=dict(os.environ, **self.env))
        try:
            wait_port(port, proc=self.proc)
        except TimeoutError:
            self.stop()
            log = self.log()
            shutil.rmtree(self.dir, ignore_errors=True)
            raise RuntimeError("nginx did not start:\n" + log)
        return self

    def reload(self):
        """`nginx -s reload`: the master re-reads the configuration (SIGHUP by pid file)."""
        subprocess.run([NGINX, "-s", "reload", "-p", self.dir, "-c", self.conf, "-e", self.error_log],
                       check=True, capture_output=True)

    def worker_pids(self):
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        fields = f.read().rsplit(")", 1)[1].split()
                    if int(fields[1]) == self.proc.pid:
                        pids.append(int(entry))
                except (OSError, IndexError, ValueError):
                    pass
        return sorted(pids)

    def log(self):
        try:
            with open(self.error_log) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()


def stop_and_check(ng, *servers):
    """Stops nginx and the helper servers, removes nginx's directory, and fails when
    nginx logged an alert, emerg or crit line or a worker exited on a signal."""
    ng.stop()
    for server in servers:
        server.stop()
    log = ng.log()
    shutil.rmtree(ng.dir, ignore_errors=True)
    assert not re.search(r"\[(alert|emerg|crit)\]|exited on signal", log), log
