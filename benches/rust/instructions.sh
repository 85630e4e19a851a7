#!/usr/bin/env bash
# Instructions per operation of jwtguard-core, counted by valgrind (cachegrind): exact and
# independent of machine load, so a change is compared with a base commit on a shared
# machine where wall times drift. Usage:
#   benches/rust/instructions.sh                 # this checkout
#   benches/rust/instructions.sh <commit>        # this checkout and <commit>, side by side
# The base commit is built in a temporary worktree (its own target directory under
# <repo>/target/bench-base); it must have benches/rust/src with the same fixture API.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
command -v valgrind >/dev/null || { echo "valgrind is required (apt-get install valgrind)" >&2; exit 1; }
operations=(parse-and-claims json-payload verify-RS256-2048 verify-ES256)
runs=${INSTRUCTIONS_RUNS:-200}

build() {   # <source tree> <target dir>: prints the example's path
    (cd "$1/benches/rust" && CARGO_TARGET_DIR="$2" cargo build --quiet --release --locked --example instructions >&2)
    echo "$2/release/examples/instructions"
}

count() {   # <binary> <n> <operation>: instructions executed
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$1" "$2" "$3" 2>&1 >/dev/null \
        | sed -n 's/.*I *refs: *//p' | tr -d ','
}

per_op() {  # <binary> <operation>
    local base full
    base=$(count "$1" 0 "$2")
    full=$(count "$1" "$runs" "$2")
    echo $(( (full - base) / runs ))
}

bins=("$(build "$repo" "$repo/target/bench-rust")")
names=(this)
if [ $# -gt 0 ]; then
    tree=$(mktemp -d)
    trap 'git -C "$repo" worktree remove --force "$tree" >/dev/null 2>&1 || true' EXIT
    git -C "$repo" worktree add --quiet --detach "$tree" "$1"
    mkdir -p "$tree/benches/rust/examples"
    cp "$here/examples/instructions.rs" "$tree/benches/rust/examples/"
    bins+=("$(build "$tree" "$repo/target/bench-base")")
    names+=("$1")
fi

printf '| operation | %s |\n' "$(IFS='|'; echo "${names[*]}" | sed 's/|/ | /g')"
printf '| --- |%s\n' "$(for _ in "${names[@]}"; do printf ' ---: |'; done)"
for op in "${operations[@]}"; do
    row="| $op |"
    for bin in "${bins[@]}"; do
        row+=" $(per_op "$bin" "$op") |"
    done
    echo "$row"
done
