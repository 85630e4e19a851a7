#!/usr/bin/env bash
# Code size and stack of jwtguard-core built as an embedded or WebAssembly user builds it
# (core/nostd-check: no_std, panic=abort, opt-level "z", fat LTO, one codegen unit).
# Prints a Markdown report; with --write it also replaces the "Embedded" section of
# benches/RESULTS.md and the size table of core/README.md. Method:
#   code      .text of a thumbv7em-none-eabihf (Cortex-M4F) image linked by rust-lld with
#             --gc-sections from the check's entry point (prepare a key set and a policy,
#             verify one token), so only what that reaches is counted, compiler builtins
#             included; read-only data (.rodata) beside it; flash = code + read-only data;
#   wasm      the ES256-only module's bytes (cargo's release profile above, not stripped
#             further, no wasm-opt);
#   stack     high-water mark of each call on a painted stack, host (x86-64) build of the
#             same profile (core/nostd-check/main.c).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
check="$repo/core/nostd-check"
write=false
[ "${1:-}" = "--write" ] && write=true

bash "$check/run.sh" >&2
# The ES256-only build again with RustCrypto's compact SHA-2 (a consumer's RUSTFLAGS).
compact='--cfg sha2_backend_soft="compact"'
(cd "$check" && RUSTFLAGS="$compact" cargo build --quiet --release --target-dir target/es256-compact \
    --target thumbv7em-none-eabihf)
lld="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin/rust-lld"
"$lld" -flavor gnu --gc-sections --entry=jwtguard_nostd_check -o "$check/target/es256-compact/thumbv7em.elf" \
    "$check/target/es256-compact/thumbv7em-none-eabihf/release/libjwtguard_nostd_check.a"

report=$(python3 - "$check" "$here" "$repo/target/embedded-readme.md" <<'PY'
import re, sys, subprocess
from pathlib import Path
check, here, readme_table = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
sys.path.insert(0, here)
import elf_sizes

builds = [
    ("es256", "ES256 only (`default-features = false, features = [\"es256\"]`)"),
    ("es256-compact", "ES256 only, SHA-2 compact (`RUSTFLAGS='--cfg sha2_backend_soft=\"compact\"'`)"),
    ("no-heap", "every algorithm without a heap (`es256, es384, es512, eddsa, hmac`)"),
    ("default", "default features (adds RS\\*/PS\\*; a heap)"),
]
kib = lambda n: f"{n / 1024:.1f} KiB"
rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.split()[1]
print("| Build (thumbv7em-none-eabihf) | Code | Read-only data | Flash | Largest code by crate |")
print("|---|---:|---:|---:|---|")
short = ["| Build | Code | Read-only data |", "|---|---:|---:|"]
for name, label in builds:
    m = elf_sizes.measure(check / "target" / name / "thumbv7em.elf")
    top = ", ".join(f"{c} {kib(n)}" for c, n in list(m["by_crate"].items())[:4])
    print(f"| {label} | {kib(m['code'])} | {kib(m['rodata'])} | {kib(m['code'] + m['rodata'])} | {top} |")
    short.append(f"| {label} | {kib(m['code'])} | {kib(m['rodata'])} |")
readme_table.parent.mkdir(parents=True, exist_ok=True)
readme_table.write_text("\n".join(short) + "\n")
wasm = check / "target/es256/wasm32-unknown-unknown/release/jwtguard_nostd_check.wasm"
print()
if wasm.exists():
    print(f"WebAssembly (`wasm32-unknown-unknown`, ES256 only): **{kib(wasm.stat().st_size)}** module, run by Node's")
    print("`WebAssembly` API in `make test` (RFC 7515 A.3 verifies at exp - 1, `TokenExpired` at exp).")
print()
print("| Build (x86-64 host, same profile) | Key set + policy kept | Stack: prepare | Stack: verify one token |")
print("|---|---:|---:|---:|")
for name, label in builds:
    host = check / "target" / name / "host.txt"
    if not host.exists():
        continue
    text = host.read_text()
    kept = re.search(r"kept: (\d+) bytes", text).group(1)
    prepare, verify = re.search(r"prepare (\d+), verify (\d+)", text).groups()
    print(f"| {label.split(' (')[0]} | {kib(int(kept))} | {kib(int(prepare))} | {kib(int(verify))} |")
print()
print(f"Rust {rustc}; regenerate with `bash benches/embedded/size.sh --write`.")
PY
)
echo "$report"

if $write; then
    # The report into benches/RESULTS.md, its code sizes into core/README.md.
    python3 - "$repo" "$report" "$(cat "$repo/target/embedded-readme.md")" <<'PY'
import sys
repo, report, table = sys.argv[1:4]
for path, marker, text in [
    (f"{repo}/benches/RESULTS.md", "embedded", report),
    (f"{repo}/core/README.md", "embedded sizes", table),
]:
    content = open(path).read()
    begin, end = f"<!-- {marker}: begin (benches/embedded/size.sh --write) -->", f"<!-- {marker}: end -->"
    if begin not in content:
        raise SystemExit(f"{path} has no {begin} marker")
    head, rest = content.split(begin, 1)
    _, tail = rest.split(end, 1)
    open(path, "w").write(head + begin + "\n" + text.rstrip("\n") + "\n" + end + tail)
    print(f"{path}: rewritten between its markers", file=sys.stderr)
PY
fi
