"""The nginx benchmark behind benches/nginx/run.sh: starts Debian's nginx with the module
(nginx/tests/harness.py), checks every location answers as expected, runs wrk against
each and prints a markdown table. Fails on any non-2xx answer or socket error.

A second part follows a provider's OpenID configuration (a stand-in on 127.0.0.1 whose
keys are due every second, `jwtguard_keys_cache 1s`) with two workers, without and then
with `jwtguard_keys_zone`, and reports requests per second and the provider's fetches
per refresh (each worker fetches for itself without the zone; one fetches for all with
it).

The time per location is split into rounds that visit the locations in turn (each
round runs every location once), and the medians are reported: on a shared machine
the background load drifts, and interleaving spreads the drift over all rows."""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "nginx", "tests"))

from harness import NGINX, Key, Nginx, free_port, jwks, request  # noqa: E402
from providers import AUD as DISCOVERY_AUD, StandIn, provider_locations  # noqa: E402

AUD = "6e74172b-be56-4843-9ff4-e66a39bb12e3"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
ISS = f"https://login.partner.microsoftonline.cn/{TENANT}/v2.0"

THREADS, CONNECTIONS, WORKERS = 2, 16, 2

# (location, key, description)
LOCATIONS = [
    ("/open", None, "no module"),
    ("/rs256", "rsa", "RS256-2048, cache off"),
    ("/es256", "ec", "ES256, cache off"),
    ("/rs256-cached", "rsa", "RS256-2048, cache on"),
    ("/es256-cached", "ec", "ES256, cache on"),
]


def claims():
    """An Entra-shaped access token's claims, valid for two hours."""
    now = int(time.time())
    return {"aud": AUD, "iss": ISS, "iat": now, "nbf": now - 5, "exp": now + 7200,
            "oid": "00000000-0000-0000-0000-0000000000aa", "sub": "bench-user", "tid": TENANT,
            "scp": "Files.Read User.Read", "roles": ["Reader", "Writer"], "name": "Ada",
            "ver": "2.0", "azp": "11111111-2222-3333-4444-555555555555"}


def http_conf(port, directory, keys_file):
    module_location = """
        location = {path} {{
            jwtguard on;
            {cache}
            alias {dir}/ok.txt;
        }}"""
    locations = "\n".join(
        module_location.format(path=path, dir=directory,
                               cache="" if path.endswith("-cached") else "jwtguard_cache_size off;")
        for path, key, _ in LOCATIONS if key)
    return f"""
    default_type text/plain;
    keepalive_requests 100000;
    open_file_cache max=16;
    server {{
        listen 127.0.0.1:{port} backlog=1024;
        jwtguard_keys_file {keys_file};
        jwtguard_audience {AUD};
        jwtguard_issuer {ISS};
        add_header X-Jwtguard-Cache $jwtguard_cache_status always;
        add_header X-User $jwtguard_claim_oid always;

        # the same static answer everywhere: the difference is the access phase
        location = /open {{ alias {directory}/ok.txt; }}
{locations}
    }}
"""


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def wrk(url, seconds, token):
    cmd = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    if token:
        cmd += ["-H", f"Authorization: Bearer {token}"]
    out = subprocess.run(cmd + [url], check=True, capture_output=True, text=True).stdout
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    lat = re.search(r"^\s+Latency\s+([\d.]+)(us|ms|s|m|h)\b", out, re.M)
    total = re.search(r"^\s+(\d+) requests in", out, re.M)
    if not (rps and lat and total):
        raise SystemExit(f"cannot read wrk's output for {url}:\n{out}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:\s+connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if non2xx and int(non2xx.group(1)):
        raise SystemExit(f"FAIL {url}: {non2xx.group(1)} of {total.group(1)} answers were not 2xx:\n{out}")
    if errors and any(int(g) for g in errors.groups()):
        raise SystemExit(f"FAIL {url}: socket errors:\n{out}")
    if int(total.group(1)) == 0:
        raise SystemExit(f"FAIL {url}: no request completed:\n{out}")
    return float(rps.group(1)), float(lat.group(1)) * UNITS[lat.group(2)], int(total.group(1))


def check(port, path, token, claim=True):
    """The location answers 200 with the token (forwarding a claim when `claim`; HIT
    after a few requests on a cached location, never a cache status elsewhere) and 401
    without: the module really runs where it should."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    seen = set()
    for _ in range(6):   # two workers, one cache each
        st, h, body = request(port, path, headers)
        if st != 200 or body != "ok\n":
            raise SystemExit(f"FAIL {path}: {st} {h} {body!r}")
        seen.add(h.get("x-jwtguard-cache"))
        if token and claim and h.get("x-user") != "00000000-0000-0000-0000-0000000000aa":
            raise SystemExit(f"FAIL {path}: claim not forwarded: {h}")
    if not token:
        return
    expected = "HIT" in seen and seen <= {"HIT", "MISS"} if path.endswith("-cached") else seen == {None}
    if claim and not expected:
        raise SystemExit(f"FAIL {path}: cache status {seen}")
    st, h, _ = request(port, path, {})
    if st != 401:
        raise SystemExit(f"FAIL {path}: {st} without a token, 401 expected")


# (location, cache directive, description) of the discovery part
DISCOVERY = [
    ("/discovery", "jwtguard_cache_size off;", "ES256, cache off"),
    ("/discovery-cached", "", "ES256, cache on"),
]


def discovery_conf(port, directory, provider, zone):
    locations = "\n".join(f"""
        location = {path} {{
            jwtguard on;
            {cache}
            alias {directory}/ok.txt;
        }}""" for path, cache, _ in DISCOVERY)
    return f"""
    default_type text/plain;
    keepalive_requests 100000;
    {"jwtguard_keys_zone jwtguard_keys:1m;" if zone else ""}
    server {{
        listen 127.0.0.1:{port} backlog=1024;
        jwtguard_audience {DISCOVERY_AUD};
        jwtguard_openid_config /_oidc_p keys=/_jwks_p;
        jwtguard_keys_cache 1s;
        {provider_locations("p", provider)}
{locations}
    }}
"""


def discovery_runs(rounds, per_run):
    """Requests per second and fetches per refresh, without and with the keys zone."""
    key = Key("bench-discovery", kind="EC")
    rows = []
    for zone in (False, True):
        provider = StandIn("https://bench.example/", key)
        token = provider.token(key, exp=int(time.time()) + 7200)
        port = free_port()
        ng = Nginx("", workers=WORKERS)
        try:
            with open(os.path.join(ng.dir, "ok.txt"), "w") as f:
                f.write("ok\n")
            os.chmod(os.path.join(ng.dir, "ok.txt"), 0o644)
            ng.write_conf(discovery_conf(port, ng.dir, provider, zone))
            ng.start(port)
            for path, _, _ in DISCOVERY:
                check(port, path, token, claim=False)
            runs = {path: [] for path, _, _ in DISCOVERY}
            start, before = time.time(), dict(provider.hits)
            for n in range(rounds):
                for path, _, _ in DISCOVERY:
                    rps, lat, total = wrk(f"http://127.0.0.1:{port}{path}", per_run, token)
                    print(f"round {n + 1}/{rounds} {path} ({'zone' if zone else 'no zone'}): "
                          f"{rps:.0f} requests/s, {total} requests", file=sys.stderr)
                    runs[path].append(rps)
            elapsed = time.time() - start
            fetched = provider.hits["config"] - before["config"]
            if re.search(r"\[(alert|emerg|crit)\]|exited on signal", ng.log()):
                raise SystemExit("FAIL: nginx logged alert/crit or a worker crashed:\n" + ng.log()[-3000:])
        finally:
            ng.stop()
            provider.stop()
            shutil.rmtree(ng.dir, ignore_errors=True)
        rows.append((zone, [statistics.median(runs[path]) for path, _, _ in DISCOVERY], fetched, elapsed))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="3 s per location (default 10 s)")
    ap.add_argument("--duration", type=int, help="seconds per location")
    ap.add_argument("--rounds", type=int, help="rounds the time is split into (default 5, --quick 3)")
    ap.add_argument("--out", help="also write the markdown table to this file")
    args = ap.parse_args()
    seconds = args.duration or (3 if args.quick else 10)
    rounds = max(1, args.rounds or (3 if args.quick else 5))
    per_run = max(1, round(seconds / rounds))

    rsa, ec = Key("bench-rsa"), Key("bench-ec", kind="EC")
    tokens = {"rsa": rsa.sign(claims()), "ec": ec.sign(claims()), None: None}

    port = free_port()
    ng = Nginx("", workers=WORKERS)
    try:
        keys_file = os.path.join(ng.dir, "keys.json")
        with open(keys_file, "w") as f:
            f.write(jwks(rsa, ec))
        with open(os.path.join(ng.dir, "ok.txt"), "w") as f:
            f.write("ok\n")
        for name in ("keys.json", "ok.txt"):
            os.chmod(os.path.join(ng.dir, name), 0o644)
        ng.write_conf(http_conf(port, ng.dir, keys_file))
        ng.start(port)

        for path, key, _ in LOCATIONS:
            check(port, path, tokens[key])

        version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.strip()
        version = version.split("/", 1)[-1]
        lib = re.search(r"jwtguard (\S+) \((\S+) signatures\)", ng.log())
        lib = f"jwtguard {lib.group(1)}, {lib.group(2)} backend" if lib else "jwtguard"

        runs = {path: [] for path, _, _ in LOCATIONS}
        for n in range(rounds):
            for path, key, what in LOCATIONS:
                rps, lat, total = wrk(f"http://127.0.0.1:{port}{path}", per_run, tokens[key])
                print(f"round {n + 1}/{rounds} {path}: {rps:.0f} requests/s, {lat:.3f} ms mean, "
                      f"{total} requests", file=sys.stderr)
                runs[path].append((rps, lat))
        rows = []
        for path, _, what in LOCATIONS:
            rps = [r for r, _ in runs[path]]
            rows.append((path, what, statistics.median(rps), statistics.median(l for _, l in runs[path]),
                         min(rps), max(rps)))

        if re.search(r"\[(alert|emerg|crit)\]|exited on signal", ng.log()):
            raise SystemExit("FAIL: nginx logged alert/crit or a worker crashed:\n" + ng.log()[-3000:])
    finally:
        ng.stop()
        shutil.rmtree(ng.dir, ignore_errors=True)

    base = rows[0][2]
    cores = os.cpu_count()
    lines = [
        f"nginx {version} ({WORKERS} workers) with ngx_http_jwtguard_module ({lib}); "
        f"wrk -t{THREADS} -c{CONNECTIONS}, {rounds} rounds of {per_run} s per location "
        f"(medians), on 127.0.0.1, keep-alive, every answer 2xx. "
        f"wrk and nginx share this machine's {cores} cores (with whatever else runs on it), "
        f"so compare rows, not machines.",
        "",
        "| location | requests/s | min – max | mean latency | relative to /open | added per request |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path, what, rps, lat, lo, hi in rows:
        added = "—" if path == "/open" else f"{(1 / rps - 1 / base) * 1e6:.1f} µs"
        lines.append(f"| `{path}` ({what}) | {rps:,.0f} | {lo:,.0f} – {hi:,.0f} | {lat:.3f} ms "
                     f"| {rps / base:.2f} | {added} |")
    lines += [
        "",
        "added per request: 1/throughput − 1/throughput of `/open` (medians), wall time; with both cores "
        "busy the CPU time per request is up to twice that. The module locations also answer "
        "with `$jwtguard_claim_oid` and `$jwtguard_cache_status` headers (a claim read per request).",
    ]
    discovery = discovery_runs(rounds, per_run)
    lines += [
        "",
        f"Keys from an OpenID configuration due every second (`jwtguard_keys_cache 1s`), "
        f"{WORKERS} workers, the same rounds; the provider is a stand-in on 127.0.0.1 "
        f"counting its fetches over each run:",
        "",
        "| keys | " + " | ".join(f"`{path}` ({what}), requests/s" for path, _, what in DISCOVERY)
        + " | configuration fetches | seconds | fetches per second |",
        "| --- | " + " | ".join("---:" for _ in DISCOVERY) + " | ---: | ---: | ---: |",
    ]
    for zone, rps, fetched, elapsed in discovery:
        keys = "`jwtguard_keys_zone`" if zone else "per worker (no zone)"
        lines.append(f"| {keys} | " + " | ".join(f"{r:,.0f}" for r in rps)
                     + f" | {fetched} | {elapsed:.0f} | {fetched / elapsed:.2f} |")
    lines += [
        "",
        "Each configuration fetch is followed by one key set fetch. The two locations differ "
        "in their cache settings, so each has its own verifier: without the zone each "
        "verifier in each worker fetches (up to four fetches per refresh); with it, one "
        "fetch per refresh serves both verifiers in both workers (they name the same "
        "source).",
    ]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(table)


if __name__ == "__main__":
    main()
