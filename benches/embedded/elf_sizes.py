#!/usr/bin/env python3
"""Sizes of a linked 32-bit little-endian ELF image: code (.text), read-only data
(.rodata), initialised and zeroed data, and the code and read-only bytes per crate (from
the symbol table, Rust's legacy mangling). Usage: elf_sizes.py <image.elf> [--json]"""
import json
import re
import struct
import sys

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_SYMTAB, SHT_NOBITS = 2, 8


def sections(data):
    (shoff,) = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    headers = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    names = headers[shstrndx]

    def name(offset):
        start = names[4] + offset
        return data[start : data.index(b"\0", start)].decode()

    return [dict(name=name(h[0]), type=h[1], flags=h[2], offset=h[4], size=h[5], link=h[6], entsize=h[9]) for h in headers]


def crate_of(symbol):
    """The crate a mangled Rust symbol belongs to (`_ZN4p2566...` -> p256)."""
    m = re.match(r"_ZN(\d+)", symbol)
    if not m:
        return "(C and compiler builtins)" if not symbol.startswith("_R") else "(other)"
    start = m.end()
    crate = symbol[start : start + int(m.group(1))]
    if crate.startswith("_$LT$"):  # <Type as Trait>: name the type's crate
        inner = re.match(r"_\$LT\$([a-z0-9_]+)", crate)
        return inner.group(1) if inner else "(generic)"
    return crate


def measure(path):
    data = open(path, "rb").read()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise SystemExit(f"{path}: not a 32-bit little-endian ELF file")
    secs = sections(data)
    alloc = [s for s in secs if s["flags"] & SHF_ALLOC]
    total = {
        "code": sum(s["size"] for s in alloc if s["flags"] & SHF_EXECINSTR),
        "rodata": sum(s["size"] for s in alloc if not s["flags"] & (SHF_EXECINSTR | SHF_WRITE)),
        "data": sum(s["size"] for s in alloc if s["flags"] & SHF_WRITE and s["type"] != SHT_NOBITS),
        "bss": sum(s["size"] for s in alloc if s["type"] == SHT_NOBITS),
    }
    by_crate = {}
    for symtab in (s for s in secs if s["type"] == SHT_SYMTAB):
        strtab = secs[symtab["link"]]
        for i in range(symtab["size"] // symtab["entsize"]):
            name_off, _value, size, info, _other, shndx = struct.unpack_from(
                "<IIIBBH", data, symtab["offset"] + i * symtab["entsize"]
            )
            if size == 0 or info & 0xF not in (1, 2) or shndx >= len(secs):  # OBJECT, FUNC
                continue
            if not secs[shndx]["flags"] & SHF_ALLOC or secs[shndx]["flags"] & SHF_WRITE:
                continue
            start = strtab["offset"] + name_off
            name = data[start : data.index(b"\0", start)].decode(errors="replace")
            crate = crate_of(name)
            by_crate[crate] = by_crate.get(crate, 0) + size
    total["by_crate"] = dict(sorted(by_crate.items(), key=lambda kv: -kv[1]))
    return total


if __name__ == "__main__":
    result = measure(sys.argv[1])
    if "--json" in sys.argv:
        print(json.dumps(result))
    else:
        for key in ("code", "rodata", "data", "bss"):
            print(f"{key:8} {result[key]:8}")
        for crate, size in list(result["by_crate"].items())[:12]:
            print(f"  {crate:28} {size:8}")
