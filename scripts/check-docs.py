#!/usr/bin/env python3
"""Checks the project's Markdown files (`scripts/test doc` runs it):

- every relative link names a file or directory that exists, and its `#anchor` a
  heading (or an `<a id=...>`) of that file, spelled as GitHub spells heading anchors;
- every code block that follows a line `<!-- excerpt of PATH -->` (PATH from the
  repository root) is an excerpt of PATH: split where a line is only `...`, each part
  stands in PATH as consecutive lines, the parts in order, each part's lines indented
  alike (a part may be shifted left as a whole). The front page shows parts of the
  examples the tests build and run; this keeps those parts true.

Prints every problem and exits 1 if there is one.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
INLINE_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
EXPLICIT_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
EXCERPT = re.compile(r"^<!-- excerpt of (\S+) -->$")
ELISION = "..."


def markdown_files():
    """The Markdown files git knows (tracked, or new and not ignored); without git, every
    one outside target/ and node_modules/."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.md"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
        return sorted({ROOT / line for line in out.splitlines() if (ROOT / line).is_file()})
    except (OSError, subprocess.CalledProcessError):
        skip = {"target", "node_modules", ".git"}
        return sorted(p for p in ROOT.rglob("*.md") if not skip & set(p.relative_to(ROOT).parts))


def prose_lines(text):
    """(line number, line) outside fenced code blocks, code spans blanked."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif line.strip().startswith(fence):
                fence = None
            continue
        if fence is None:
            yield number, CODE_SPAN.sub(lambda s: " " * len(s.group(0)), line)


def slug(heading):
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text only
    text = re.sub(r"<[^>]+>", "", text).replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


_anchors = {}


def anchors(path):
    if path not in _anchors:
        seen = {}
        found = set()
        text = path.read_text(encoding="utf-8")
        for _, line in prose_lines(text):
            found.update(EXPLICIT_ANCHOR.findall(line))
        fence = None
        for line in text.splitlines():
            m = FENCE.match(line)
            if m:
                fence = m.group(1) if fence is None else (None if line.strip().startswith(fence) else fence)
                continue
            h = HEADING.match(line) if fence is None else None
            if h:
                base = slug(h.group(2))
                n = seen.get(base, 0)
                seen[base] = n + 1
                found.add(base if n == 0 else f"{base}-{n}")
        _anchors[path] = found
    return _anchors[path]


def check_links(path, problems):
    text = path.read_text(encoding="utf-8")
    for number, line in prose_lines(text):
        targets = INLINE_LINK.findall(line)
        m = REFERENCE_LINK.match(line)
        if m:
            targets.append(m.group(1))
        for target in targets:
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # http:, https:, mailto:
            file_part, _, anchor = target.partition("#")
            dest = (path.parent / file_part).resolve() if file_part else path
            where = f"{path.relative_to(ROOT)}:{number}: link {target!r}"
            if not dest.exists():
                problems.append(f"{where}: no such file")
            elif anchor and (dest.is_dir() or dest.suffix != ".md"):
                problems.append(f"{where}: an anchor into something that is not a Markdown file")
            elif anchor and anchor not in anchors(dest):
                problems.append(f"{where}: {dest.relative_to(ROOT)} has no heading with that anchor")


def indent(line):
    return len(line) - len(line.lstrip(" "))


def find_part(part, lines, start):
    """The index in lines at or after start where part stands, or None."""
    first = next(line for line in part if line.strip())
    for i in range(start, len(lines) - len(part) + 1):
        shift = indent(lines[i + part.index(first)]) - indent(first)
        if shift < 0:
            continue
        if all(
            (not want.strip() and not have.strip()) or (want.strip() and have.rstrip() == " " * shift + want.rstrip())
            for want, have in zip(part, lines[i : i + len(part)])
        ):
            return i
    return None


def check_excerpts(path, problems):
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        m = EXCERPT.match(line)
        if not m:
            continue
        where = f"{path.relative_to(ROOT)}:{number}: excerpt of {m.group(1)}"
        source = ROOT / m.group(1)
        if not source.is_file():
            problems.append(f"{where}: no such file")
            continue
        if number >= len(lines) or not FENCE.match(lines[number]):
            problems.append(f"{where}: no code block on the next line")
            continue
        block = []
        for body in lines[number + 1 :]:
            if FENCE.match(body):
                break
            block.append(body)
        parts, part = [], []
        for body in block + [ELISION]:
            if body.strip() == ELISION:
                while part and not part[-1].strip():
                    part.pop()
                while part and not part[0].strip():
                    part.pop(0)
                if part:
                    parts.append(part)
                part = []
            else:
                part.append(body)
        if not parts:
            problems.append(f"{where}: the block is empty")
            continue
        source_lines = source.read_text(encoding="utf-8").splitlines()
        at = 0
        for n, part in enumerate(parts, 1):
            found = find_part(part, source_lines, at)
            if found is None:
                problems.append(f"{where}: part {n} (from {part[0].strip()!r}) is not in the file, in order")
                break
            at = found + len(part)


def main():
    problems = []
    files = markdown_files()
    for path in files:
        check_links(path, problems)
        check_excerpts(path, problems)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"check-docs: {len(files)} Markdown files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
