"""The Debian package (`make deb`, nginx/deb.sh) of the module under test: built, installed
with apt-get as a user installs it, enabled through /etc/nginx/modules-enabled, checked
with `nginx -t` and by nginx answering with the installed module, then removed and
purged so the machine is left as it was. Installing needs root (CI runs as root); the
tests are skipped otherwise, and when the package is already installed (they would
replace and purge it)."""

import os
import re
import subprocess
import time
import tomllib

import pytest

from harness import MODULE, NGINX, ROOT, Backend, Key, Nginx, free_port, jwks, request, stop_and_check, write_atomic

PKG = "libnginx-mod-http-jwtguard"
SO = "/usr/lib/nginx/modules/ngx_http_jwtguard_module.so"
SNIPPET = "/usr/share/nginx/modules-available/mod-http-jwtguard.conf"
LINK = "/etc/nginx/modules-enabled/50-mod-http-jwtguard.conf"
AUD = "api://package-test"
ISS = "https://issuer.example/package-test/"
KEY = Key("package-key")
# apt-get and dpkg wait for another package operation on the machine instead of failing
APT = ["apt-get", "-y", "-q", "-o", "DPkg::Lock::Timeout=300"]
APT_ENV = dict(os.environ, DEBIAN_FRONTEND="noninteractive")


def run(*cmd, check=True):
    p = subprocess.run(cmd, capture_output=True, text=True, env=APT_ENV)
    assert not check or p.returncode == 0, f"{' '.join(cmd)}: {p.returncode}\n{p.stdout}{p.stderr}"
    return p


def installed():
    return run("dpkg-query", "-W", "-f=${Status}", PKG, check=False).stdout.endswith(" installed")


def known():
    """Installed, or removed with its configuration kept (dpkg's "rc")."""
    return run("dpkg-query", "-W", PKG, check=False).returncode == 0


def nginx_abi():
    owner = run("dpkg-query", "-S", NGINX).stdout.split(":")[0]
    provides = run("dpkg-query", "-W", "-f=${Provides}", owner).stdout
    abis = re.findall(r"nginx-abi-[^\s,]+", provides)
    assert len(abis) == 1, provides
    return abis[0]


def token(**over):
    now = int(time.time())
    claims = {"aud": AUD, "iss": ISS, "iat": now, "nbf": now - 5, "exp": now + 600, "sub": "user-1"}
    claims.update(over)
    return KEY.sign(claims)


@pytest.fixture(scope="module")
def deb():
    if os.geteuid() != 0:
        pytest.skip("installing a package needs root")
    if known():
        pytest.skip(f"{PKG} is on this machine already: the tests would replace and purge it")
    out = subprocess.run(["bash", os.path.join(ROOT, "nginx", "deb.sh"), MODULE],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    path = out.stdout.strip().splitlines()[-1]
    assert os.path.isfile(path), out.stdout + out.stderr
    try:
        run(*APT, "install", path)
        yield path
    finally:
        if known():
            run(*APT, "purge", PKG, check=False)


def test_package_is_built_for_the_installed_nginx(deb):
    with open(os.path.join(ROOT, "Cargo.toml"), "rb") as f:
        version = tomllib.load(f)["workspace"]["package"]["version"].replace("-", "~")
    arch = run("dpkg", "--print-architecture").stdout.strip()
    assert os.path.basename(deb) == f"{PKG}_{version}_{arch}.deb"
    depends = [d.strip() for d in run("dpkg-deb", "-f", deb, "Depends").stdout.split(",")]
    assert depends[0] == nginx_abi(), depends
    assert any(d.startswith("libc6 (>= ") for d in depends), depends
    files = [line.split()[-1] for line in run("dpkg-deb", "-c", deb).stdout.splitlines()]
    assert "." + SO in files and "." + SNIPPET in files, files
    parents = (".", "./usr", "./usr/lib", "./usr/share", "./usr/share/doc")
    assert all(f.rstrip("/") in parents
               or f.startswith(("./usr/lib/nginx/", "./usr/share/nginx/", f"./usr/share/doc/{PKG}/"))
               for f in files), files


def test_installed_and_enabled(deb):
    assert installed()
    listed = run("dpkg", "-L", PKG).stdout.splitlines()
    assert SO in listed and SNIPPET in listed, listed
    assert os.readlink(LINK) == SNIPPET
    with open(SNIPPET) as f:
        assert f"load_module {SO};" in f.read()
    # everything it needs is on the system: no library missing, nothing from the build tree
    ldd = run("ldd", SO).stdout
    assert "not found" not in ldd and ROOT not in ldd, ldd
    assert "libjwtguard" not in ldd, ldd   # linked in statically
    # the system's own configuration, which includes modules-enabled/*.conf
    p = run(NGINX, "-t", check=False)
    assert p.returncode == 0, p.stdout + p.stderr


def test_nginx_verifies_with_the_installed_module(deb):
    backend = Backend()
    port = free_port()
    # the enabled link alone: Debian's own snippets name their modules relative to the
    # prefix, and this nginx runs with a prefix of its own
    ng = Nginx("", load=f"include {LINK};")
    keys = os.path.join(ng.dir, "keys.json")
    write_atomic(keys, jwks(KEY))
    ng.write_conf(f"""
    server {{
        listen 127.0.0.1:{port};
        location / {{
            jwtguard on;
            jwtguard_keys_file {keys};
            jwtguard_audience {AUD};
            jwtguard_issuer {ISS};
            proxy_pass http://127.0.0.1:{backend.port};
        }}
    }}
""")
    try:
        rc, output = ng.test_conf()
        assert rc == 0, output
        ng.start(port)
        maps = ""
        for pid in ng.worker_pids():
            with open(f"/proc/{pid}/maps") as f:
                maps += f.read()
        assert SO in maps and MODULE not in maps
        assert request(port, "/", {"Authorization": f"Bearer {token()}"})[0] == 200
        assert request(port, "/", {"Authorization": f"Bearer {token(aud='api://other')}"})[0] == 401
        assert request(port, "/")[0] == 401
    finally:
        stop_and_check(ng, backend)


def test_remove_disables_and_purge_cleans_up(deb):
    run(*APT, "remove", PKG)
    assert not os.path.lexists(LINK) and not os.path.exists(SO)
    assert os.path.islink(LINK + ".removed")   # Debian's mark: a reinstall enables it again
    p = run(NGINX, "-t", check=False)
    assert p.returncode == 0, p.stdout + p.stderr
    run("dpkg", "--purge", PKG)
    assert not known()
    assert not os.path.lexists(LINK) and not os.path.lexists(LINK + ".removed")
    assert not os.path.exists(SNIPPET)
