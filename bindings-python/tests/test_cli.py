"""``python -m jwtguard`` end to end, as a subprocess, against the local HTTP server."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import jwt  # PyJWT
import pytest

import jwtguard
from jwtguard.cli import UsageError, decode_unverified, parse_required_claim, write_atomically
from conftest import AUDIENCE, NOW, b64url, claims, jwks, mint, public_jwk

ISSUER = "https://login.example/tenant-1/v2.0"


def run(*args, stdin=None, timeout=60, **options):
    return subprocess.run(
        [sys.executable, "-m", "jwtguard", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        **options,
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


ISSUER_B = "https://login.example/tenant-2/v2.0"


@pytest.fixture
def two_providers(server, keys):
    """Provider A (ISSUER, key a1) and provider B (ISSUER_B, key b1): the key options
    for both, for the test audience, at NOW."""
    url_a = server.openid("/tenant-1/v2.0", ISSUER, jwks(public_jwk(keys.rsa, "a1")))
    url_b = server.openid("/tenant-2/v2.0", ISSUER_B, jwks(public_jwk(keys.rsa_b, "b1")))
    return ["--openid-config", url_a, "--openid-config", url_b, "--allow-http-loopback", "--audience", AUDIENCE,
            "--now", NOW]


def test_each_provider_signs_only_for_its_own_issuer(two_providers, keys):
    """Provider B's key never verifies a token carrying provider A's issuer, with or
    without --issuer: the keys of two configurations are not pooled under both issuers."""
    forged = mint(keys.rsa_b, "b1", claims(iss=ISSUER))
    for extra in ([], ["--issuer", ISSUER], ["--issuer", ISSUER, "--issuer", ISSUER_B]):
        r = run("verify", *two_providers, *extra, forged)
        assert (r.returncode, r.stdout) == (1, ""), r.stderr
        assert r.stderr.startswith("TokenIssuerNotAllowed: ") and "provider" in r.stderr, r.stderr
        r = run("explain", *two_providers, *extra, "--json", forged)
        report = json.loads(r.stdout)
        assert r.returncode == 1 and report["verdict"]["reason"] == "TokenIssuerNotAllowed"
        rules = _rules(report)
        assert rules["signature"]["status"] == "pass" and "key 'b1' (key set 2 of 2)" in rules["signature"]["note"]
        assert (rules["issuer"]["status"], rules["issuer"]["reason"]) == ("fail", "TokenIssuerNotAllowed")
        assert rules["audience"]["status"] == "pass"
    for token in (mint(keys.rsa, "a1", claims(iss=ISSUER)), mint(keys.rsa_b, "b1", claims(iss=ISSUER_B))):
        r = run("verify", *two_providers, token)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["iss"] == jwt.decode(token, options={"verify_signature": False})["iss"]
        r = run("explain", *two_providers, token)
        assert r.returncode == 0 and "verdict: VALID" in r.stdout, r.stdout
    # An issuer the policy does not list is refused by the policy, for A's own key too.
    r = run("verify", *two_providers, "--issuer", ISSUER_B, mint(keys.rsa, "a1", claims(iss=ISSUER)))
    assert r.returncode == 1 and r.stderr.startswith("TokenIssuerNotAllowed: "), r.stderr


def test_require_kid(tmp_path, keys):
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(jwks(public_jwk(keys.rsa, "k1"), public_jwk(keys.rsa_b, "k2"))))
    no_kid = mint(keys.rsa_b, None, claims(iss=ISSUER))
    args = ["verify", "--jwks", path, "--audience", AUDIENCE, "--issuer", ISSUER, "--now", NOW]
    assert run(*args, no_kid).returncode == 0
    r = run(*args, "--require-kid", no_kid)
    assert r.returncode == 1 and r.stderr.startswith("TokenSignatureKeyNotFound: "), r.stderr
    r = run("explain", *args[1:], "--require-kid", "--json", no_kid)
    assert _rules(json.loads(r.stdout))["signature"]["reason"] == "TokenSignatureKeyNotFound"


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
        "ES256K",
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
        "scp=a:sep=0123456789abcdefg",
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


def test_token_type_in_verify_and_explain(provider, keys):
    url, _ = provider
    access = mint(keys.rsa, "k1", claims(iss=ISSUER), typ="at+jwt")
    id_token = mint(keys.rsa, "k1", claims(iss=ISSUER), typ="JWT")
    verify = ["verify", "--openid-config", url, "--allow-http-loopback", "--audience", AUDIENCE, "--now", NOW]
    assert run(*verify, "--token-type", "at+jwt", access).returncode == 0
    r = run(*verify, "--token-type", "at+jwt", id_token)
    assert r.returncode == 1 and "TokenTypeNotAllowed" in r.stderr, r.stderr
    report = json.loads(run(*explain_args(url, "--token-type", "at+jwt", "--json", id_token)).stdout)
    rules = _rules(report)
    assert (rules["type"]["status"], rules["type"]["reason"]) == ("fail", "TokenTypeNotAllowed")
    assert rules["type"]["note"] == "typ 'JWT'"
    assert rules["audience"]["status"] == "pass" and rules["claims format"]["status"] == "pass"
    assert report["verdict"]["reason"] == "TokenTypeNotAllowed"
    passed = _rules(json.loads(run(*explain_args(url, "--token-type", "at+jwt", "--json", access)).stdout))
    assert passed["type"]["status"] == "pass"
    assert _rules(json.loads(run(*explain_args(url, "--json", id_token)).stdout))["type"]["note"] == "no token type required"


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


# --- input files ----------------------------------------------------------------------


def verify_with_jwks(source, keys, token=None, **options):
    args = ["verify", "--jwks", source, "--audience", AUDIENCE, "--issuer", ISSUER, "--now", NOW]
    return run(*args, good(keys) if token is None else token, **options)


@pytest.mark.parametrize("kind", ["character device", "FIFO", "directory"])
def test_jwks_must_be_a_regular_file(tmp_path, keys, kind):
    """Refused before it is read: /dev/zero would feed without end, a FIFO without a
    writer would block (the timeout fails the test instead of hanging it)."""
    source = {"character device": "/dev/zero", "FIFO": tmp_path / "fifo", "directory": tmp_path}[kind]
    if kind == "FIFO":
        os.mkfifo(source)
    r = verify_with_jwks(source, keys, timeout=20)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"--jwks {source}: a {kind}, not a regular file" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("explain", "--jwks", source, good(keys), timeout=20)  # explain refuses it too
    assert r.returncode == 2 and "not a regular file" in r.stderr


def test_jwks_file_size_limit(tmp_path, provider, keys):
    """The core's key set limit: a document of exactly that many bytes loads, one byte
    more is refused with the limit named; only limit + 1 bytes are read."""
    _, document = provider
    limit = jwtguard.DEFAULT_MAX_KEY_SET_SIZE
    assert limit == 256 * 1024
    text = json.dumps(document).encode()
    path = tmp_path / "keys.json"
    path.write_bytes(text + b" " * (limit - len(text)))
    r = verify_with_jwks(path, keys)
    assert r.returncode == 0, r.stderr
    path.write_bytes(text + b" " * (limit + 1 - len(text)))
    r = verify_with_jwks(path, keys)
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("KeySetTooLarge: ") and f"{path} holds more than {limit} bytes" in r.stderr
    with open(path, "r+b") as f:
        f.truncate(1 << 30)  # a sparse gigabyte: read only as far as the limit
    r = verify_with_jwks(path, keys, timeout=20)
    assert r.returncode == 1 and r.stderr.startswith("KeySetTooLarge: ")


def test_jwks_from_stdin(provider, keys):
    _, document = provider
    r = verify_with_jwks("-", keys, stdin=json.dumps(document))
    assert r.returncode == 0, r.stderr
    r = verify_with_jwks("-", keys, stdin=" " * (jwtguard.DEFAULT_MAX_KEY_SET_SIZE + 1))
    assert r.returncode == 1 and r.stderr.startswith("KeySetTooLarge: ")
    r = verify_with_jwks("-", keys, token="-", stdin=json.dumps(document))
    assert r.returncode == 2 and "stdin can be read only once, not by --jwks - and TOKEN" in r.stderr


def _token_of_length(keys, length):
    """A valid token exactly ``length`` bytes long (a padding claim and header member)."""

    def token(pad, extra):
        return mint(keys.rsa, "k1", claims(iss=ISSUER, pad="p" * pad), x="x" * extra)

    for extra in range(3):  # base64 never encodes to 4k + 1 characters: vary the header too
        pad = max(0, (length - len(token(0, extra))) * 3 // 4 - 8)
        while len(token(pad, extra)) < length:
            pad += 1
        if len(token(pad, extra)) == length:
            return token(pad, extra)
    raise AssertionError(f"no token of {length} bytes")


def test_token_from_stdin_size_limit(provider, keys):
    """At most the token size limit and a line ending are read from stdin."""
    url, _ = provider
    limit = jwtguard.DEFAULT_MAX_TOKEN_SIZE
    args = ["verify", "--openid-config", url, "--allow-http-loopback", "--audience", AUDIENCE, "--now", NOW, "-"]
    token = _token_of_length(keys, limit)
    r = run(*args, stdin=token + "\r\n")
    assert r.returncode == 0, r.stderr
    r = run(*args, stdin=token + "=\n")  # one byte over: the core's reason
    assert r.returncode == 1 and r.stderr.startswith("TokenTooLarge: ")
    r = run(*args, stdin=token + "==\n")
    assert r.returncode == 2 and f"more than {limit} bytes and a line ending" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "jwtguard", *map(str, args)],
        input=b"\xff" + good(keys).encode(),
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == 1 and r.stderr.startswith(b"TokenMalformed: "), r.stderr


# --- fetch-jwks and the file it replaces ------------------------------------------------


def fetch_to(server, out, **options):
    url = server.url("/tenant-1/v2.0/keys")
    return run("fetch-jwks", "--jwks-uri", url, "--allow-http-loopback", "-o", out, **options)


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another owner needs root")
@pytest.mark.parametrize(
    "owner,mode,expected_mode",
    [
        ((0, 33), 0o640, 0o640),  # root:www-data, as the nginx docs set it up
        ((33, 33), 0o664, 0o644),  # group write dropped
        ((33, 0), 0o4777, 0o755),  # group/world write and setuid dropped
    ],
)
def test_fetch_jwks_keeps_owner_group_and_mode(tmp_path, server, provider, owner, mode, expected_mode):
    _, document = provider
    out = tmp_path / "jwks.json"
    out.write_text("old")
    os.chown(out, *owner)
    os.chmod(out, mode)
    r = fetch_to(server, out)
    assert r.returncode == 0, r.stderr
    st = os.lstat(out)
    assert json.loads(out.read_text()) == document
    assert ((st.st_uid, st.st_gid), stat.S_IMODE(st.st_mode)) == (owner, expected_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jwks.json"]


@pytest.mark.skipif(os.geteuid() != 0, reason="running as another user needs root")
def test_fetch_jwks_refuses_an_owner_it_cannot_keep():
    """As www-data (33), in a directory it may write, on a root:root file: the new file
    could not be root's, so the old one is left as it was."""
    with tempfile.TemporaryDirectory() as directory:
        os.chown(directory, 33, 33)
        out = os.path.join(directory, "jwks.json")
        with open(out, "w") as f:
            f.write("old")
        os.chmod(out, 0o644)
        pid = os.fork()
        if pid == 0:  # the child reports through its exit status only
            code = 1
            try:
                os.setgroups([])
                os.setgid(33)
                os.setuid(33)
                write_atomically(out, b"new")
            except UsageError as e:
                code = 0 if str(e) == f"{out}: cannot keep its owner and group (0:0): not replaced" else 2
            except BaseException:  # noqa: BLE001 (the child must not return into pytest)
                code = 3
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        st = os.lstat(out)
        assert (st.st_uid, st.st_gid, Path(out).read_text()) == (0, 0, "old")
        assert os.listdir(directory) == ["jwks.json"]


def test_fetch_jwks_refuses_a_symlink(tmp_path, server, provider):
    """Neither written through nor replaced: the link and its target stay as they were,
    and nothing is fetched."""
    target = tmp_path / "shared.json"
    target.write_text("old")
    os.chmod(target, 0o666)
    link = tmp_path / "jwks.json"
    link.symlink_to(target)
    r = fetch_to(server, link)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"{link} is a symbolic link: not replaced" in r.stderr
    assert os.path.islink(link) and os.readlink(link) == str(target)
    assert target.read_text() == "old" and stat.S_IMODE(os.lstat(target).st_mode) == 0o666
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jwks.json", "shared.json"]
    assert server.hit("/tenant-1/v2.0/keys") == 0


@pytest.mark.parametrize("kind", ["FIFO", "directory"])
def test_fetch_jwks_refuses_what_is_not_a_regular_file(tmp_path, server, provider, kind):
    out = tmp_path / "jwks.json"
    if kind == "FIFO":
        os.mkfifo(out)
    else:
        out.mkdir()
    r = fetch_to(server, out, timeout=20)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert f"{out} is a {kind}, not a regular file: not replaced" in r.stderr
    assert (stat.S_ISFIFO if kind == "FIFO" else stat.S_ISDIR)(os.lstat(out).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["jwks.json"]
    if kind == "directory":
        assert list(out.iterdir()) == []


# --- explain: what it decodes without verifying -------------------------------------------


def _segment(text):
    return b64url(text.encode())


def _nested(depth, inner="1"):
    """An object whose member nests arrays to ``depth`` in all (the object is level 1)."""
    return '{"alg":"RS256","x":' + "[" * (depth - 1) + inner + "]" * (depth - 1) + "}"


@pytest.mark.parametrize("part", ["header", "payload"])
def test_explain_refuses_deep_nesting_with_a_reason(provider, keys, part):
    deep = _segment(_nested(3000))
    plain = _segment(json.dumps(claims(iss=ISSUER)))
    header = _segment('{"alg":"RS256","kid":"k1"}')
    token = f"{deep}.{plain}.AAAA" if part == "header" else f"{header}.{deep}.AAAA"
    problem = f"the {part} nests deeper than {jwtguard.MAX_JSON_DEPTH} levels (the core's limit)"
    r = run("explain", token)
    assert (r.returncode, r.stderr) == (1, ""), r.stderr
    assert f"decoding: {problem}" in r.stdout
    r = run("explain", "--json", token)
    assert r.returncode == 1 and r.stderr == ""
    report = json.loads(r.stdout)
    assert report["decode_problems"] == [problem] and report["header" if part == "header" else "claims"] is None
    url, _ = provider
    r = run(*explain_args(url, "--json", token))  # the core rejects it too, with its reason
    assert r.returncode == 1 and r.stderr == ""
    verdict = json.loads(r.stdout)["verdict"]
    assert verdict["valid"] is False and verdict["reason"] in jwtguard.REASONS


def test_explain_decodes_up_to_the_core_depth():
    limit = jwtguard.MAX_JSON_DEPTH
    assert limit == 16
    payload = _segment('{"sub":"a"}')
    header, _, problems = decode_unverified(f"{_segment(_nested(limit))}.{payload}.AAAA")
    assert problems == [] and header["x"] == json.loads("[" * (limit - 1) + "1" + "]" * (limit - 1))
    header, _, problems = decode_unverified(f"{_segment(_nested(limit + 1))}.{payload}.AAAA")
    assert header is None and problems == [f"the header nests deeper than {limit} levels (the core's limit)"]
    # Brackets inside strings, escaped quotes included, are not nesting.
    text = json.dumps({"s": '\\"' + "[" * 40, "t": "]]" + "{" * 40})
    _, claims_, problems = decode_unverified(f"{_segment(_nested(2))}.{_segment(text)}.AAAA")
    assert problems == [] and claims_ == json.loads(text)


@pytest.mark.parametrize(
    "token,problem",
    [
        ("eyJ+.e30.AAAA", "the header is not base64url (A-Z a-z 0-9 - _, no padding)"),
        ("e30.e30=.AAAA", "the payload is not base64url (A-Z a-z 0-9 - _, no padding)"),
        ("e.e30.AAAA", "the header is not base64url-encoded UTF-8"),
        (b64url(b'{"a":"\xff"}') + ".e30.AAAA", "the header is not base64url-encoded UTF-8"),
        ("e30.e3.AAAA", "the payload is not JSON: Expecting property name"),
        ("e30.e30", "the token has 2 segment(s), not 3"),
    ],
)
def test_explain_decoding_problems(token, problem):
    """Each problem is a reason line; what does decode is still shown."""
    header, _, problems = decode_unverified(token)
    assert len(problems) == 1 and problems[0].startswith(problem), problems
    assert header == ({} if token.startswith("e30.") else None)


def test_explain_does_not_decode_an_oversized_token(keys):
    limit = jwtguard.DEFAULT_MAX_TOKEN_SIZE
    token = mint(keys.rsa, "k1", claims(iss=ISSUER, pad="p" * limit))
    header, claims_, problems = decode_unverified(token)
    assert (header, claims_) == (None, None)
    assert problems == [f"the token is {len(token)} bytes, more than {limit}: not decoded"]
    header, _, problems = decode_unverified(token, max_token_size=len(token))
    assert problems == [] and header["kid"] == "k1"
