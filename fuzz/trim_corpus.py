#!/usr/bin/env python3
"""Re-minimises a target's committed corpus (fuzz/corpus/<target>/) into its budget.

    python3 fuzz/trim_corpus.py TARGET...             # from the repository root
    python3 fuzz/trim_corpus.py claims --from DIR     # also consider the inputs in DIR

Candidates: the committed corpus, the campaign's working corpus
(target/fuzz-corpus/<target>/, when there is one), the seeds `seed_corpus.py` writes,
and every --from directory. Files whose name is not a bare SHA-1 (`crash-…`,
`clock-back-in-flight`, …) are regression inputs: always kept, never renamed.

Each candidate is run once under libFuzzer's `-set_cover_merge=1` (an input slower
than --max-seconds, 2 by default, is left out), whose control file lists every feature
the input reaches (a feature is an edge together with a bucket of its hit count,
`edge * 8 + bucket`). The regression inputs are taken first; then, while the budget
allows, the candidate adding the most new edges per unit of budget, until no candidate
adds an edge; then the same for the remaining features. An input's cost is its share
of both budgets, size / max bytes + 1 / max files, so a large input must bring more to
be chosen. A pick whose features the later picks all reach too is dropped (largest
first) and the budget it frees refilled the same way. At the end the old and the new
corpus are each run once (`-runs=0`) and libFuzzer's `cov:` (covered edges) and `ft:`
(features) of both are printed.

Needs nightly Rust and cargo-fuzz. Scratch files go to target/fuzz-trim/."""

import argparse
import hashlib
import heapq
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COMMITTED = os.path.join(ROOT, "fuzz", "corpus")
WORKING = os.path.join(ROOT, "target", "fuzz-corpus")
SCRATCH = os.path.join(ROOT, "target", "fuzz-trim")
SHA1_NAME = re.compile(r"^[0-9a-f]{40}$")
# As in run-campaign.sh.
LIBFUZZER_FLAGS = ["-max_len=17000", "-rss_limit_mb=2048"]


def is_regression(name):
    return not SHA1_NAME.match(name)


def files_in(folder):
    if not os.path.isdir(folder):
        return []
    return sorted(
        os.path.join(folder, n) for n in os.listdir(folder)
        if not n.startswith(".") and os.path.isfile(os.path.join(folder, n))
    )


def fuzz_run(target, dirs, flags, log):
    """`cargo +nightly fuzz run -O` with libFuzzer flags; returns the log text."""
    cmd = ["cargo", "+nightly", "fuzz", "run", "-O", target, *dirs, "--", *LIBFUZZER_FLAGS, *flags]
    with open(log, "w") as out:
        status = subprocess.run(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT).returncode
    text = open(log, errors="replace").read()
    if status != 0:
        sys.exit(f"{target}: {' '.join(cmd)} failed ({status}), see {log}")
    return text


def coverage(target, folder, log):
    """libFuzzer's covered edges (`cov:`) and features (`ft:`) after one pass over folder."""
    text = fuzz_run(target, [folder], ["-runs=0", "-timeout=60"], log)
    found = re.findall(r"INITED cov: (\d+) ft: (\d+)", text)
    if not found:
        sys.exit(f"{target}: no INITED line in {log}")
    return tuple(int(n) for n in found[-1])


def pool(target, extra_dirs, seeds_dir):
    """The candidates, one per content: {name: path}, and the regression inputs' names."""
    committed = os.path.join(COMMITTED, target)
    regression = {os.path.basename(p): p for p in files_in(committed) if is_regression(os.path.basename(p))}
    seen = {hashlib.sha1(open(p, "rb").read()).hexdigest() for p in regression.values()}
    candidates = dict(regression)
    for folder in (committed, os.path.join(WORKING, target), os.path.join(seeds_dir, target), *extra_dirs):
        for path in files_in(folder):
            if os.path.basename(path) in regression and folder == committed:
                continue
            digest = hashlib.sha1(open(path, "rb").read()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                candidates[digest] = path
    return candidates, set(regression)


def read_control_file(path, edge_count):
    """{file name: (size, edges, features)} from a set-cover merge's control file;
    inputs that crashed or timed out (no FT line) are left out."""
    with open(path) as f:
        lines = f.read().splitlines()
    count = int(lines[0])
    names = [os.path.basename(n) for n in lines[2:2 + count]]
    result = {}
    for line in lines[2 + count:]:
        kind, idx, *values = line.split()
        idx = int(idx)
        if kind == "FT":
            features = frozenset(int(v) for v in values)
            # Features past the edge counters (stack depth) are not edges.
            edges = frozenset(f // 8 for f in features if f // 8 < edge_count)
            result[names[idx]] = (os.path.getsize(lines[2 + idx]), edges, features)
    return result


class Budget:
    """Files and bytes left; an input's cost is its share of both."""

    def __init__(self, max_files, max_bytes):
        self.max_files, self.max_bytes = max_files, max_bytes
        self.files = self.bytes = 0

    def cost(self, size):
        return size / self.max_bytes + 1 / self.max_files

    def fits(self, size):
        return self.files + 1 <= self.max_files and self.bytes + size <= self.max_bytes

    def take(self, size):
        self.files += 1
        self.bytes += size

    def give_back(self, size):
        self.files -= 1
        self.bytes -= size


def greedy(candidates, covered, budget, key):
    """Picks from candidates ({name: (size, edges, features)}) the one adding the most
    new key(...) items per cost, again and again while one fits and adds something;
    `covered` is updated."""
    picked = []
    heap = [(-len(key(info)) / budget.cost(info[0]), info[0], name) for name, info in candidates.items()]
    heapq.heapify(heap)
    while heap:
        _, size, name = heapq.heappop(heap)
        gain = len(key(candidates[name]) - covered)
        if gain == 0 or not budget.fits(size):
            continue
        score = -gain / budget.cost(size)
        if heap and score > heap[0][0]:
            heapq.heappush(heap, (score, size, name))  # its gain shrank: rank it again
            continue
        budget.take(size)
        covered |= key(candidates[name])
        picked.append(name)
    return picked


def select(infos, regression, budget):
    """The regression inputs, then the greedy picks for edges, then for features. A pick
    whose features the others all reach too is dropped (largest first) and its budget
    refilled with more feature picks, until nothing is dropped."""
    chosen = sorted(regression)
    edges, features = set(), set()
    for name in chosen:
        budget.take(infos[name][0])
        edges |= infos[name][1]
        features |= infos[name][2]
    rest = {n: i for n, i in infos.items() if n not in regression}
    picked = greedy(rest, edges, budget, lambda i: i[1])
    features |= set().union(*(infos[n][2] for n in picked))
    while True:
        taken = set(picked)
        rest = {n: i for n, i in rest.items() if n not in taken}
        picked += greedy(rest, features, budget, lambda i: i[2])
        reached = {}
        for name in chosen + picked:
            for f in infos[name][2]:
                reached[f] = reached.get(f, 0) + 1
        dropped = set()
        for name in sorted(picked, key=lambda n: -infos[n][0]):
            if all(reached[f] > 1 for f in infos[name][2]):
                dropped.add(name)
                budget.give_back(infos[name][0])
                for f in infos[name][2]:
                    reached[f] -= 1
        if not dropped:
            return chosen + picked
        picked = [n for n in picked if n not in dropped]


def trim(target, args, seeds_dir):
    scratch = os.path.join(SCRATCH, target)
    shutil.rmtree(scratch, ignore_errors=True)
    for sub in ("pool", "old", "merged"):
        os.makedirs(os.path.join(scratch, sub))
    committed = os.path.join(COMMITTED, target)
    for path in files_in(committed):
        shutil.copy(path, os.path.join(scratch, "old"))
    candidates, regression = pool(target, args.extra, seeds_dir)
    for name, path in candidates.items():
        shutil.copy(path, os.path.join(scratch, "pool", name))

    control = os.path.join(scratch, "merge.txt")
    log = fuzz_run(target, [os.path.join(scratch, "merged"), os.path.join(scratch, "pool")],
                   ["-set_cover_merge=1", f"-merge_control_file={control}", f"-timeout={args.max_seconds}"],
                   os.path.join(scratch, "merge.log"))
    edge_count = int(re.search(r"\((\d+) inline 8-bit counters\)", log).group(1))
    infos = read_control_file(control, edge_count)
    for name in sorted(regression - infos.keys()):
        print(f"{target}: regression input {name} crashed or took over {args.max_seconds} s")
        infos[name] = (os.path.getsize(os.path.join(scratch, "pool", name)), frozenset(), frozenset())
    budget = Budget(args.max_files, args.max_bytes)
    chosen = select(infos, regression, budget)
    if budget.files > budget.max_files or budget.bytes > budget.max_bytes:
        print(f"{target}: the regression inputs alone exceed the budget")
    kept_edges = set().union(*(infos[n][1] for n in chosen))
    kept_features = set().union(*(infos[n][2] for n in chosen))
    all_edges = set().union(*(i[1] for i in infos.values()))
    all_features = set().union(*(i[2] for i in infos.values()))
    sizes = {n: os.path.getsize(os.path.join(scratch, "pool", n)) for n in chosen}
    summary = (
        f"{len(infos)} candidates reach {len(all_edges)} edges, {len(all_features)} features; "
        f"the {len(chosen)} kept ({sum(sizes.values())} bytes) reach {len(kept_edges)} edges, "
        f"{len(kept_features)} features"
    )
    if args.dry_run:
        print(f"{target}: {summary}")
        return
    for path in files_in(committed):
        os.remove(path)
    for name in chosen:
        shutil.copy(os.path.join(scratch, "pool", name), os.path.join(committed, name))

    old_files = files_in(os.path.join(scratch, "old"))
    new_files = files_in(committed)
    old_cov = coverage(target, os.path.join(scratch, "old"), os.path.join(scratch, "cov-old.log"))
    shutil.copytree(committed, os.path.join(scratch, "new"))
    new_cov = coverage(target, os.path.join(scratch, "new"), os.path.join(scratch, "cov-new.log"))
    print(
        f"{target}: {len(old_files)} -> {len(new_files)} files, "
        f"{sum(map(os.path.getsize, old_files))} -> {sum(map(os.path.getsize, new_files))} bytes, "
        f"cov {old_cov[0]} -> {new_cov[0]} (ft {old_cov[1]} -> {new_cov[1]}); {summary}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="+", metavar="TARGET")
    parser.add_argument("--from", dest="extra", action="append", default=[], metavar="DIR",
                        help="more candidate inputs (e.g. another machine's campaign corpus)")
    parser.add_argument("--max-files", type=int, default=400)
    parser.add_argument("--max-bytes", type=int, default=2 * 1024 * 1024)
    parser.add_argument("--max-seconds", type=int, default=2,
                        help="leave out inputs slower than this (the replay and each campaign's start run them all)")
    parser.add_argument("--dry-run", action="store_true", help="select, but leave fuzz/corpus as it is")
    args = parser.parse_args()
    for target in args.targets:
        if not os.path.isdir(os.path.join(COMMITTED, target)):
            sys.exit(f"no committed corpus fuzz/corpus/{target}/ (`backends` runs on the verify corpus)")
    seeds_dir = os.path.join(SCRATCH, "seeds")
    shutil.rmtree(seeds_dir, ignore_errors=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "fuzz", "seed_corpus.py"), seeds_dir],
                   check=True, stdout=subprocess.DEVNULL)
    for target in args.targets:
        trim(target, args, seeds_dir)


if __name__ == "__main__":
    main()
