#!/usr/bin/env python3
"""Print the Rust benchmark results as a markdown table (for benches/RESULTS.md).

    python3 benches/rust/report.py [--criterion DIR] [--openssl FILE] [--paired FILE]
                                   [--newer-than FILE]

Reads criterion's <DIR>/**/new/benchmark.json + estimates.json (DIR defaults to
<repo>/target/bench-rust/criterion) and, when present, the saved output of
`openssl speed ... rsa2048 rsa4096 ecdsap256` (FILE defaults to
<repo>/target/bench-rust/openssl-speed.txt, written by run.sh). With --newer-than,
only results written after FILE's modification time are shown (run.sh uses this to
show just the run it made). Standard library only.

Columns: the mean time per operation with criterion's 95% confidence interval, the
ratio to the raw signature floor of the same group (aws-lc-rs verifying the same
signature with a prepared key), and the ratio to OpenSSL's raw verify: the group's
`openssl-raw` row (`EVP_PKEY_verify` timed by criterion in the same run, as `openssl
speed` times it) when the run has one, else `openssl speed`'s figure (converted from
verify/s to µs per verify). Then, when `examples/paired.rs` wrote FILE (default
<repo>/target/bench-rust/paired.json; run.sh runs it), its interleaved ratios, by which
the targets stated against OpenSSL are judged; then the issue's targets, met or not.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
BUILD = REPO / "target" / "bench-rust"

GROUP_ORDER = [
    "verify-RS256-2048",
    "verify-RS256-4096",
    "verify-ES256",
    "jwks-load-entra",
    "parse-and-claims",
    "decrypt-verify-RSA-OAEP-256",
    "decrypt-verify-ECDH-ES+A256KW",
]
FUNCTION_ORDER = [
    "jwtguard-portable",
    "jwtguard-aws-lc",
    "jwtguard-verifier-aws-lc",
    "jwtguard",
    "jwtguard-json-payload",
    "jsonwebtoken-aws-lc",
    "jsonwebtoken-rust-crypto",
    "jsonwebtoken",
    "jsonwebtoken-insecure-decode",
    "jwt-compact",
    "ring-raw",
    "aws-lc-rs-raw",
    "openssl-raw",
    "openssl-speed-raw",
]
FLOOR = "aws-lc-rs-raw"
OPENSSL = "openssl-speed-raw"
# OpenSSL's raw verify timed in the same criterion run: the reference when present.
OPENSSL_IN_RUN = "openssl-raw"
# criterion group -> (openssl speed row label, bits)
OPENSSL_ROWS = {"verify-RS256-2048": ("rsa", 2048), "verify-RS256-4096": ("rsa", 4096), "verify-ES256": ("ecdsa", 256)}
# (group, function, limit as a ratio to OpenSSL raw verify, or None, limit in µs, or None)
TARGETS = [
    ("verify-RS256-2048", "jwtguard-aws-lc", 1.15, None),
    ("verify-RS256-4096", "jwtguard-aws-lc", 1.15, None),
    ("verify-ES256", "jwtguard-aws-lc", 1.0, None),
    ("verify-RS256-2048", "jwtguard-verifier-aws-lc", 1.15, None),
    ("verify-RS256-4096", "jwtguard-verifier-aws-lc", 1.15, None),
    ("verify-ES256", "jwtguard-verifier-aws-lc", 1.0, None),
    ("verify-RS256-2048", "jwtguard-portable", 1.15, None),
    ("verify-RS256-4096", "jwtguard-portable", 1.15, None),
    ("verify-ES256", "jwtguard-portable", 1.0, None),
    ("parse-and-claims", "jwtguard", None, 1.0),
]


def load_criterion(root: Path, newer_than: float | None) -> dict[tuple[str, str], dict]:
    results = {}
    for estimates in sorted(root.glob("**/new/estimates.json")):
        if newer_than is not None and estimates.stat().st_mtime < newer_than:
            continue
        meta_path = estimates.with_name("benchmark.json")
        try:
            meta = json.loads(meta_path.read_text())
            est = json.loads(estimates.read_text())
        except (OSError, ValueError) as e:
            print(f"report.py: skipping {estimates.parent}: {e}", file=sys.stderr)
            continue
        group = meta.get("group_id") or estimates.parent.parent.parent.name
        function = meta.get("function_id") or meta.get("value_str") or estimates.parent.parent.name
        mean = est["mean"]
        results[(group, function)] = {
            "mean_us": mean["point_estimate"] / 1000.0,
            "lo_us": mean["confidence_interval"]["lower_bound"] / 1000.0,
            "hi_us": mean["confidence_interval"]["upper_bound"] / 1000.0,
        }
    return results


def parse_openssl_speed(text: str) -> dict[tuple[str, int], float]:
    """{('rsa', 2048): µs per verify, ('ecdsa', 256): ...} from `openssl speed` output."""
    out: dict[tuple[str, int], float] = {}
    header: list[str] | None = None
    for line in text.splitlines():
        tokens = line.split()
        if "verify/s" in tokens:
            header = tokens
            continue
        if header is None or len(tokens) <= len(header):
            continue
        values = tokens[-len(header):]
        label = " ".join(tokens[: -len(header)])
        rsa = re.fullmatch(r"rsa\s+(\d+) bits", label)
        ecdsa = re.fullmatch(r"(\d+) bits ecdsa \(nistp(\d+)\)", label)
        key = ("rsa", int(rsa.group(1))) if rsa else ("ecdsa", int(ecdsa.group(1))) if ecdsa else None
        if key is None:
            continue
        try:
            per_second = float(values[header.index("verify/s")])
        except ValueError:
            continue
        if per_second > 0:
            out[key] = 1e6 / per_second
    return out


def reference_us(results: dict, group: str) -> float | None:
    """OpenSSL's raw verify for `group`: the same run's row, else `openssl speed`'s."""
    for function in (OPENSSL_IN_RUN, OPENSSL):
        if (group, function) in results:
            return results[(group, function)]["mean_us"]
    return None


def order(items, preferred):
    rank = {name: i for i, name in enumerate(preferred)}
    return sorted(items, key=lambda name: (rank.get(name, len(preferred)), name))


def fmt_us(us: float) -> str:
    if us >= 100:
        return f"{us:,.0f}"
    if us >= 10:
        return f"{us:.1f}"
    if us >= 1:
        return f"{us:.2f}"
    return f"{us:.3f}"


def ratio(value: float, base: float | None) -> str:
    return f"{value / base:.2f}×" if base else "—"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--criterion", type=Path, default=BUILD / "criterion")
    parser.add_argument("--openssl", type=Path, default=BUILD / "openssl-speed.txt")
    parser.add_argument("--paired", type=Path, default=BUILD / "paired.json")
    parser.add_argument("--newer-than", type=Path)
    args = parser.parse_args()

    newer = args.newer_than.stat().st_mtime if args.newer_than else None
    results = load_criterion(args.criterion, newer)
    if not results:
        print(f"report.py: no criterion results under {args.criterion}", file=sys.stderr)
        return 1

    openssl_text = args.openssl.read_text() if args.openssl.exists() else ""
    openssl = parse_openssl_speed(openssl_text)
    version = next((l for l in openssl_text.splitlines() if l.startswith("OpenSSL ")), "")
    for group, row in OPENSSL_ROWS.items():
        if row in openssl and any(g == group for g, _ in results):
            us = openssl[row]
            results[(group, OPENSSL)] = {"mean_us": us, "lo_us": None, "hi_us": None}

    print(f"CPU: {cpu_model()}; OpenSSL raw verify: {version or 'not measured'}\n")
    print("| group | benchmark | mean µs | 95% CI µs | × floor (aws-lc-rs raw) | × OpenSSL raw verify |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    groups = order({g for g, _ in results}, GROUP_ORDER)
    for group in groups:
        floor = results.get((group, FLOOR), {}).get("mean_us")
        reference = reference_us(results, group)
        for function in order([f for g, f in results if g == group], FUNCTION_ORDER):
            r = results[(group, function)]
            ci = f"{fmt_us(r['lo_us'])}–{fmt_us(r['hi_us'])}" if r["lo_us"] is not None else "openssl speed"
            print(
                f"| {group} | {function} | {fmt_us(r['mean_us'])} | {ci} | "
                f"{ratio(r['mean_us'], floor)} | {ratio(r['mean_us'], reference)} |"
            )

    paired = {}
    if args.paired.exists() and (newer is None or args.paired.stat().st_mtime >= newer):
        paired = json.loads(args.paired.read_text())
        print("\nInterleaved with OpenSSL's raw verify (`examples/paired.rs`: rounds of about 2 ms")
        print("batches in the order OpenSSL, library, Verifier, Verifier, library, OpenSSL; the")
        print("ratio of each verifier's two batches to OpenSSL's two, over the rounds):\n")
        print("| group | verifier | median × OpenSSL raw verify | quartiles | rounds |")
        print("| --- | --- | ---: | ---: | ---: |")
        for group in order(paired, GROUP_ORDER):
            for function, r in paired[group].items():
                if "median" in r:
                    print(
                        f"| {group} | {function} | {r['median']:.2f}× | {r['p25']:.2f}–{r['p75']:.2f} | {r['rounds']} |"
                    )
        for group in order(paired, GROUP_ORDER):
            for function, r in paired[group].items():
                if "median_us" in r:
                    print(
                        f"\n{group}/{function} in rounds of 2 ms batches: median {fmt_us(r['median_us'])} µs per "
                        f"token (quartiles {fmt_us(r['p25_us'])}–{fmt_us(r['p75_us'])}, {r['rounds']} rounds)."
                    )

    print("\nTargets (issue): RS256 ≤ 1.15× and ES256 ≤ 1.0× OpenSSL raw verify; parse + claims ≤ 1 µs.\n")
    for group, function, max_ratio, max_us in TARGETS:
        r = results.get((group, function))
        if max_ratio is not None and function in paired.get(group, {}):
            value = paired[group][function]["median"]
            verdict = "met" if value <= max_ratio else "missed"
            print(f"- {group}/{function}: {value:.2f}× OpenSSL, interleaved (target ≤ {max_ratio:.2f}×): {verdict}")
            continue
        if r is None:
            continue
        if max_ratio is not None:
            reference = reference_us(results, group)
            if reference is None:
                print(f"- {group}/{function}: no OpenSSL figure to compare with")
                continue
            value = r["mean_us"] / reference
            verdict = "met" if value <= max_ratio else "missed"
            print(f"- {group}/{function}: {value:.2f}× OpenSSL (target ≤ {max_ratio:.2f}×): {verdict}")
        else:
            verdict = "met" if r["mean_us"] <= max_us else "missed"
            line = f"- {group}/{function}: {fmt_us(r['mean_us'])} µs, criterion's mean (target ≤ {max_us:g} µs): {verdict}"
            rounds = paired.get(group, {}).get(function)
            if rounds and "median_us" in rounds:
                verdict = "met" if rounds["median_us"] <= max_us else "missed"
                line += f"; median of the rounds {fmt_us(rounds['median_us'])} µs: {verdict}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
