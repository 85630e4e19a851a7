"""Starts provider.mjs (panva's oidc-provider, pinned by package-lock.json) for a test
and talks to it with the standard library only. Used by the Python package's tests and
the nginx module's tests.

    with running(log_path) as provider:        # installs the locked packages first
        token = client_credentials(provider, provider.resources["RS256"])

node and npm are required: a test fails, never skips, without them. The first run
installs the locked packages with ``npm ci`` into node_modules (git-ignored); later
runs reuse them while the lock file is unchanged.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import selectors
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, NamedTuple

PROVIDER_DIR = Path(__file__).resolve().parent
LOCK = PROVIDER_DIR / "package-lock.json"
# Written into node_modules after a successful ``npm ci``: the lock file's digest.
STAMP = PROVIDER_DIR / "node_modules" / ".jwtguard-lock-sha256"
START_TIMEOUT = 30.0
HTTP_TIMEOUT = 10.0


class Provider(NamedTuple):
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scope: str
    resources: Dict[str, str]  # signing algorithm -> resource indicator

    @property
    def configuration_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"


def tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} is required for the oidc-provider tests (Node.js 20 or later, with npm)"
    return path


def install(npm: str) -> None:
    """``npm ci`` unless node_modules was installed from this very lock file."""
    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text().strip() == digest:
        return
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=PROVIDER_DIR,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"npm ci failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    STAMP.write_text(digest + "\n")


def _first_line(process: subprocess.Popen, timeout: float) -> str:
    """The first line the process prints, or "" when it exits or times out first."""
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if selector.select(timeout=0.1):
                return process.stdout.readline()
            if process.poll() is not None:
                break
    finally:
        selector.close()
    return ""


@contextlib.contextmanager
def running(log: Path) -> Iterator[Provider]:
    """The provider on a free port of 127.0.0.1 while the block runs; its standard
    error goes to `log`."""
    node, npm = tool("node"), tool("npm")
    install(npm)
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [node, "provider.mjs", "0"],
            cwd=PROVIDER_DIR,
            stdin=subprocess.PIPE,  # the script exits when this closes
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        line = _first_line(process, START_TIMEOUT)
        assert line, f"oidc-provider did not start (exit {process.poll()}):\n{log.read_text()}"
        info = json.loads(line)
        yield Provider(
            info["issuer"],
            info["client_id"],
            info["client_secret"],
            info["redirect_uri"],
            info["scope"],
            info["resources"],
        )
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stdout is not None
        process.stdout.close()


def token_request(provider: Provider, **form: str) -> Dict[str, Any]:
    """POSTs ``form`` to the token endpoint with the client's credentials (Basic)."""
    credentials = f"{provider.client_id}:{provider.client_secret}".encode()
    request = urllib.request.Request(
        provider.issuer + "/token",
        data=urllib.parse.urlencode(form).encode(),
        headers={
            "Authorization": "Basic " + base64.b64encode(credentials).decode(),
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as e:
        raise AssertionError(f"token endpoint: HTTP {e.code}: {e.read().decode(errors='replace')}") from None


def client_credentials(provider: Provider, resource: str) -> str:
    """A JWT access token for `resource` from the client-credentials grant."""
    answer = token_request(provider, grant_type="client_credentials", resource=resource, scope=provider.scope)
    assert answer["token_type"] == "Bearer" and answer["scope"] == provider.scope, answer
    return answer["access_token"]
