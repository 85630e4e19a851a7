"""The package as users install it: the wheel and the source distribution that `make
wheel` writes to target/wheels/ (run-tests.sh installs that very wheel into the test
venv). Skipped when the tests run against a package installed some other way."""

import importlib.metadata
import os
import pathlib
import tarfile
import zipfile

import pytest

import jwtguard

ROOT = pathlib.Path(__file__).resolve().parents[2]
WHEELS = ROOT / "target" / "wheels"
VERSION = importlib.metadata.version("jwtguard")


def built(pattern):
    found = sorted(WHEELS.glob(pattern))
    if not found:
        pytest.skip(f"no {pattern} in target/wheels (run make wheel)")
    return found[-1]


def test_the_installed_package_is_the_wheel_not_the_source_tree():
    installed = pathlib.Path(jwtguard.__file__).resolve()
    assert "site-packages" in installed.parts, installed
    assert jwtguard.__version__ == VERSION


def test_the_wheel_is_abi3_typed_and_has_the_cli():
    wheel = built(f"jwtguard-{VERSION}-cp39-abi3-*.whl")
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for name in ("jwtguard/py.typed", "jwtguard/_jwtguard.pyi", "jwtguard/_jwtguard.abi3.so",
                     "jwtguard/cli.py", "jwtguard/__main__.py"):
            assert name in names, name
        info = f"jwtguard-{VERSION}.dist-info"
        entry_points = z.read(f"{info}/entry_points.txt").decode()
        metadata = z.read(f"{info}/METADATA").decode()
    assert "jwtguard=jwtguard.cli:main" in entry_points.replace(" ", "")
    assert f"Version: {VERSION}" in metadata and "MIT OR Apache-2.0" in metadata
    assert "Requires-Dist" not in metadata, "no runtime dependency beyond the standard library"
    summary = next(line for line in metadata.splitlines() if line.startswith("Summary: "))
    assert "EdDSA" in summary, summary   # every algorithm family, not only RS256/ES256


def test_the_sdist_holds_the_rust_sources_it_builds_from():
    sdist = built(f"jwtguard-{VERSION}.tar.gz")
    with tarfile.open(sdist) as t:
        names = set(t.getnames())
    top = f"jwtguard-{VERSION}"
    for name in ("pyproject.toml", "Cargo.toml", "Cargo.lock", "bindings-python/Cargo.toml",
                 "bindings-python/src/lib.rs", "core/src/lib.rs", "policy/src/lib.rs",
                 "python/jwtguard/py.typed"):
        assert f"{top}/{name}" in names, name
    assert os.path.getsize(sdist) < 4 * 1024 * 1024
