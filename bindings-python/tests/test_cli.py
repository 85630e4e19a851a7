"""``python -m jwtguard`` end to end, as a subprocess, against the local HTTP server."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

import jwtguard
from jwtguard.cli import parse_required_claim
from conftest import AUDIENCE, NOW, claims, jwks, mint, public_jwk

ISSUER = "https://login.example/tenant-1/v2.0"


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "jwtguard", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def provider(server, keys):
    document = jwks(public_jwk(keys.rsa, "k1"), public_jwk(keys.ec, "k2"))
    url = server.openid("/tenant-1/v2.0", ISSUER, document)
    return url, document


def good(keys, **overrides):
    return mint(keys.rsa, "k1", claims(iss=ISSUER, **overrides))


def test_verify_prints_the_claims(provider, keys):
    url, _ = provider
    r = run(
        "verify",
        "--openid-config",
        url,
        "--allow-http-loopback",
        "--audience",
        AUDIENCE,
        "--now",
        NOW,
        good(keys, scp="a b"),
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == claims(iss=ISSUER, scp="a b")


def test_verify_rejections_exit_1_with_reason_and_message(provider, keys):
    url, _ = provider
    base = ["verify", "--openid-config", url, "--allow-http-loopback", "--audience", AUDIENCE, "--now", NOW]
    r = run(*base, good(keys, exp=NOW))
    assert (r.returncode, r.stdout) == (1, "")
    assert r.stderr.strip() == "TokenExpired: token has expired (exp is past, beyond the clock skew)"
    r = run(*base, "--issuer", "https://other.example/", good(keys))
    assert r.returncode == 1 and r.stderr.startswith("TokenIssuerNotAllowed: ")
    r = run(
        *base, "--require-claim", "scp=Files.Read,Mail.Read:any:sep=' '", good(keys, scp="Mail.Read Calendars.Read")
    )
    assert r.returncode == 0, r.stderr
    r = run(*base, "--require-claim", "scp=Files.Read:sep=' '", good(keys, scp="Mail.Read"))
    assert r.returncode == 1 and r.stderr.strip().endswith("(claim `scp`)")
    r = run(*base, "--clock-skew", 10, good(keys, exp=NOW - 5))
    assert r.returncode == 0, r.stderr


def test_verify_reads_the_token_from_stdin(provider, keys):
    url, _ = provider
    r = run(
        "verify",
        "--openid-config",
        url,
        "--allow-http-loopback",
        "--audience",
        AUDIENCE,
        "--now",
        NOW,
        "-",
        stdin=good(keys) + "\n",
    )
    assert r.returncode == 0, r.stderr


def test_verify_with_a_jwks_file(tmp_path, provider, keys):
    _, document = provider
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(document))
    r = run("verify", "--jwks", path, "--audience", AUDIENCE, "--issuer", ISSUER, "--now", NOW, good(keys))
    assert r.returncode == 0, r.stderr
    r = run("verify", "--jwks", path, "--audience", AUDIENCE, "--now", NOW, good(keys))
    assert r.returncode == 2 and "--issuer" in r.stderr
    path.write_text('{"keys": []}')
    r = run("verify", "--jwks", path, "--audience", AUDIENCE, "--issuer", ISSUER, good(keys))
    assert r.returncode == 1 and r.stderr.startswith("KeySetNoUsableKey: ")


def test_verify_with_a_jwks_url(server, provider, keys):
    url, _ = provider
    keys_url = server.url("/tenant-1/v2.0/keys")
    r = run(
        "verify",
        "--jwks",
        keys_url,
        "--allow-http-loopback",
        "--audience",
        AUDIENCE,
        "--issuer",
        ISSUER,
        "--now",
        NOW,
        good(keys),
    )
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["verify", "TOKEN"],  # no key source, no audience
        ["verify", "--audience", "a", "TOKEN"],  # no key source
        ["verify", "--jwks", "/no/such/file", "--audience", "a", "--issuer", "i", "TOKEN"],
        ["verify", "--jwks", "/no/such/file", "--audience", "a", "--clock-skew", "soon", "TOKEN"],
        ["frobnicate"],
        ["fetch-jwks", "--openid-config", "https://x.example/"],  # no -o
    ],
)
def test_usage_errors_exit_2(args):
    r = run(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert "error" in r.stderr


def test_invalid_policy_is_a_usage_error(provider, keys):
    url, _ = provider
    r = run(
        "verify",
        "--openid-config",
        url,
        "--allow-http-loopback",
        "--audience",
        AUDIENCE,
        "--algorithm",
        "ES512",
        good(keys),
    )
    assert r.returncode == 2 and "PolicyInvalid" in r.stderr
    r = run(
        "verify",
        "--openid-config",
        url,
        "--allow-http-loopback",
        "--audience",
        AUDIENCE,
        "--require-claim",
        "scp=a:sep=ab",
        good(keys),
    )
    assert r.returncode == 2 and "PolicyInvalid" in r.stderr


def test_http_needs_the_loopback_flag(provider, keys):
    url, _ = provider
    r = run("verify", "--openid-config", url, "--audience", AUDIENCE, good(keys))
    assert r.returncode == 1 and "allow_http_loopback" in r.stderr


def test_discovery_failure_exits_1(server, keys):
    server.set("/down/.well-known/openid-configuration", (500, b""))
    url = server.url("/down/.well-known/openid-configuration")
    r = run("verify", "--openid-config", url, "--allow-http-loopback", "--audience", AUDIENCE, good(keys))
    assert r.returncode == 1 and "HTTP 500" in r.stderr


def test_fetch_jwks_writes_atomically(tmp_path, server, provider):
    url, document = provider
    out = tmp_path / "jwks.json"
    out.write_text("old")
    os.chmod(out, 0o640)
    r = run("fetch-jwks", "--openid-config", url, "--allow-http-loopback", "-o", out)
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text()) == document
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o640  # the existing file's mode is kept
    assert len(jwtguard.KeySet.from_jwks(out.read_bytes())) == 2
    assert f"issuer: {ISSUER}" in r.stderr and "'k1', 'k2'" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jwks.json"]  # no temporary left
    fresh = tmp_path / "new.json"
    r = run("fetch-jwks", "--jwks-uri", server.url("/tenant-1/v2.0/keys"), "--allow-http-loopback", "-o", fresh)
    assert r.returncode == 0 and stat.S_IMODE(os.stat(fresh).st_mode) == 0o644


def test_fetch_jwks_never_writes_an_unusable_key_set(tmp_path, server, provider):
    url, _ = provider
    server.set("/tenant-1/v2.0/keys", {"keys": [{"kty": "oct", "k": "c2VjcmV0"}]})
    out = tmp_path / "jwks.json"
    out.write_text("previous")
    r = run("fetch-jwks", "--openid-config", url, "--allow-http-loopback", "-o", out)
    assert r.returncode == 1 and "KeySetNoUsableKey" in r.stderr
    assert out.read_text() == "previous"
    server.set("/tenant-1/v2.0/keys", (502, b""))
    r = run("fetch-jwks", "--openid-config", url, "--allow-http-loopback", "-o", out)
    assert r.returncode == 1 and "HTTP 502" in r.stderr and out.read_text() == "previous"
    r = run("fetch-jwks", "--openid-config", url, "--allow-http-loopback", "-o", tmp_path / "no" / "dir.json")
    assert r.returncode in (1, 2)


def _rules(report):
    return {r["rule"]: r for r in report["rules"]}


def explain_args(url, *extra):
    """`explain` against the test provider, for the test audience, at NOW."""
    return ["explain", "--openid-config", url, "--allow-http-loopback", "--audience", AUDIENCE, "--now", NOW, *extra]


def test_explain_shows_every_rule(provider, keys):
    url, _ = provider
    token = good(keys, exp=NOW - 10, aud="api://other", scp="Mail.Read")
    args = explain_args(
        url, "--require-claim", "scp=Files.Read:sep=' '", "--require-claim", "roles", "--require-claim", "sub=user-1"
    )
    r = run(*args, "--json", token)
    assert r.returncode == 1, r.stderr
    report = json.loads(r.stdout)
    rules = _rules(report)
    assert report["signature_verified"] is True
    assert report["header"]["kid"] == "k1" and report["claims"]["aud"] == "api://other"
    assert rules["signature"]["status"] == "pass"
    assert rules["claims format"]["status"] == "pass"
    assert (rules["exp"]["status"], rules["exp"]["reason"]) == ("fail", "TokenExpired")
    assert rules["nbf"]["status"] == "pass"
    assert (rules["audience"]["status"], rules["audience"]["reason"]) == ("fail", "TokenAudienceNotAllowed")
    assert rules["issuer"]["status"] == "pass"  # the discovered issuer
    assert rules["key issuer"]["status"] == "n/a"
    assert (rules["claim scp"]["status"], rules["claim scp"]["reason"]) == ("fail", "TokenClaimValueNotAllowed")
    assert (rules["claim roles"]["status"], rules["claim roles"]["reason"]) == ("fail", "TokenClaimNotFound")
    assert rules["claim sub"]["status"] == "pass"
    # The verdict is the core's first failure, in its fixed order.
    assert report["verdict"] == {
        "valid": False,
        "reason": "TokenExpired",
        "message": "TokenExpired: token has expired (exp is past, beyond the clock skew)",
    }
    text = run(*args, token)
    assert text.returncode == 1
    assert "FAIL  exp" in text.stdout and "PASS  nbf" in text.stdout
    assert "verdict: REJECTED  TokenExpired" in text.stdout


def test_explain_a_valid_token(provider, keys):
    url, _ = provider
    r = run(*explain_args(url, good(keys)))
    assert r.returncode == 0, r.stderr
    assert "verdict: VALID" in r.stdout and "FAIL" not in r.stdout


def test_explain_a_token_not_yet_valid_and_expired_separately(provider, keys):
    """nbf is judged on its own even when exp fails first."""
    url, _ = provider
    token = good(keys, nbf=NOW + 100, exp=NOW - 100)
    r = run(*explain_args(url, "--json", token))
    rules = _rules(json.loads(r.stdout))
    assert rules["exp"]["reason"] == "TokenExpired" and rules["nbf"]["reason"] == "TokenNotYetValid"


def test_explain_a_forged_token(provider, keys):
    url, _ = provider
    forged = mint(keys.rsa_b, "k1", claims(iss=ISSUER))
    r = run(*explain_args(url, "--json", forged))
    report = json.loads(r.stdout)
    assert r.returncode == 1 and report["signature_verified"] is False
    rules = _rules(report)
    assert rules["signature"]["reason"] == "TokenSignatureInvalid"
    assert all(rule["status"] == "not evaluated" for name, rule in rules.items() if name != "signature")
    assert report["verdict"]["reason"] == "TokenSignatureInvalid"
    assert report["claims"]["sub"] == "user-1"  # shown, though untrusted
    text = run("explain", "--openid-config", url, "--allow-http-loopback", "--audience", AUDIENCE, forged).stdout
    assert "NOT verified" in text


def test_explain_without_keys_decodes_only(keys):
    r = run("explain", good(keys))
    assert r.returncode == 1
    assert "no keys given" in r.stdout and '"sub": "user-1"' in r.stdout
    r = run("explain", "not-a-token")
    assert r.returncode == 1 and "segment" in r.stdout


@pytest.mark.parametrize(
    "spec,expected",
    [
        ("scp", ("scp", (), "all", None)),
        ("scp=", ("scp", (), "all", None)),
        ("scp=a,b", ("scp", ("a", "b"), "all", None)),
        ("scp=a,b:any", ("scp", ("a", "b"), "any", None)),
        ("scp=a:sep=' ':any", ("scp", ("a",), "any", " ")),
        ("scp=a:any:sep=' '", ("scp", ("a",), "any", " ")),
        ("scp=a:sep=,", ("scp", ("a",), "all", ",")),
        ('roles=api://x/Admin:sep=" "', ("roles", ("api://x/Admin",), "all", " ")),
        ("aud=api://x:all", ("aud", ("api://x",), "all", None)),
    ],
)
def test_required_claim_syntax(spec, expected):
    c = parse_required_claim(spec)
    assert (c.name, c.values, c.match, c.separator) == expected
