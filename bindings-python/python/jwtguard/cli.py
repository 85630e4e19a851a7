"""``python -m jwtguard``: verify a token, explain a verdict, fetch a JWKS for nginx.

Exit codes: 0 the token is valid (or the file was written); 1 the token was rejected,
or no keys could be obtained; 2 a usage error (bad arguments, an invalid policy, an
unreadable file or one that is not a regular file, a key file that cannot be replaced
as documented). Rejections print ``Reason: message`` on stderr.

``verify`` and ``explain`` fetch the keys once through a :class:`~jwtguard.Validator` and
ask its core verifier for the verdict, so the command line accepts exactly what a
``Validator`` with the same sources and policy accepts: each ``--openid-config``'s keys
sign only for the issuer its configuration names.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import logging
import os
import re
import stat
import sys
import tempfile
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from . import __version__
from ._errors import DiscoveryError, JwtGuardError, KeySetError, PolicyError, TokenError
from ._jwtguard import (
    DEFAULT_MAX_KEY_SET_SIZE,
    DEFAULT_MAX_TOKEN_SIZE,
    MAX_JSON_DEPTH,
    KeySet,
    Policy,
    RequiredClaim,
    verify_jws,
)
from ._verify import verify
from .discovery import Validator, discover, fetch_jwks

MAX_SKEW = 2**64 - 1  # the core saturates: this waives both lifetime checks
_FORMAT = "claims format"


class UsageError(Exception):
    """Bad arguments or unreadable input: exit 2."""


# --- arguments ----------------------------------------------------------------------------


def parse_required_claim(spec: str) -> RequiredClaim:
    """``NAME``, or ``NAME=V1,V2`` with optional ``:any``/``:all`` and ``:sep=S``
    (``S`` may be quoted: ``:sep=' '``, ``:sep=', '``) suffixes, in either order."""
    name, has_values, rest = spec.partition("=")
    if not name:
        raise UsageError(f"--require-claim {spec!r}: the claim name is missing")
    match = "all"
    separator: Optional[str] = None
    while has_values:
        m = re.search(r":(any|all)$", rest)
        if m:
            match = m.group(1)
            rest = rest[: m.start()]
            continue
        at = rest.rfind(":sep=")
        if at >= 0 and separator is None:
            separator = rest[at + 5 :]
            if len(separator) == 3 and separator[0] == separator[2] and separator[0] in "'\"":
                separator = separator[1]
            rest = rest[:at]
            continue  # a separator of another length is refused by RequiredClaim
        break
    values = rest.split(",") if rest else []
    return RequiredClaim(name, values, match=match, separator=separator)


def _add_key_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("keys")
    g.add_argument(
        "--openid-config",
        metavar="URL",
        action="append",
        default=[],
        help="OpenID configuration URL (repeatable): keys from its jwks_uri, which sign only for its issuer",
    )
    g.add_argument(
        "--jwks",
        metavar="FILE_OR_URL",
        action="append",
        default=[],
        help="a JWKS file or URL (repeatable), whose keys sign for every --issuer; - for stdin",
    )
    g.add_argument(
        "--allow-http-loopback",
        action="store_true",
        help="allow http:// URLs on loopback hosts (127.0.0.0/8, ::1, localhost)",
    )
    g.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per fetch (default 10)")


def _add_policy_options(p: argparse.ArgumentParser, audience_required: bool) -> None:
    g = p.add_argument_group("policy")
    g.add_argument(
        "--audience",
        action="append",
        default=[],
        required=audience_required,
        metavar="A",
        help="allowed audience (repeatable)",
    )
    g.add_argument(
        "--issuer",
        action="append",
        default=[],
        metavar="I",
        help="allowed issuer (repeatable); required with --jwks",
    )
    g.add_argument(
        "--require-claim",
        action="append",
        default=[],
        metavar="SPEC",
        help="NAME=V1,V2[:any|:all][:sep=' '] (repeatable); NAME alone: must be present",
    )
    g.add_argument("--clock-skew", type=int, default=0, metavar="S", help="seconds of tolerance for exp/nbf")
    g.add_argument(
        "--algorithm", action="append", default=[], metavar="ALG", help="allowed algorithm (default RS256 and ES256)"
    )
    g.add_argument(
        "--token-type",
        action="append",
        default=[],
        metavar="TYP",
        help="required header typ, e.g. at+jwt for RFC 9068 access tokens (repeatable: any one)",
    )
    g.add_argument(
        "--require-kid",
        action="store_true",
        help="refuse a token naming no key (no kid) when more than one key could verify it",
    )
    g.add_argument("--now", type=int, default=None, metavar="UNIX", help="verify as of this time (default: now)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m jwtguard", description="JWT access-token verification with validate-jwt rules."
    )
    parser.add_argument("--version", action="version", version=f"jwtguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("verify", help="verify a token; print its claims as JSON")
    _add_key_options(p)
    _add_policy_options(p, audience_required=True)
    p.add_argument("token", metavar="TOKEN", help="the token, or - to read it from stdin")

    p = sub.add_parser("explain", help="show a token's header, claims and every rule's verdict")
    _add_key_options(p)
    _add_policy_options(p, audience_required=False)
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("token", metavar="TOKEN", help="the token, or - to read it from stdin")

    p = sub.add_parser("fetch-jwks", help="resolve discovery and write the JWKS to a file, atomically")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--openid-config", metavar="URL", help="OpenID configuration URL")
    src.add_argument("--jwks-uri", metavar="URL", help="JWKS URL (no discovery)")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="where to write the JWKS")
    p.add_argument("--allow-http-loopback", action="store_true", help="allow http:// URLs on loopback hosts")
    p.add_argument("--timeout", type=float, default=10.0, metavar="S", help="seconds per fetch (default 10)")
    return parser


# --- inputs -------------------------------------------------------------------------------


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, for messages."""
    for test, kind in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def _read_stdin(limit: int) -> bytes:
    """At most ``limit + 1`` bytes of stdin."""
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise UsageError("stdin is not available")
    try:
        data: bytes = stream.read(limit + 1)
    except OSError as e:
        raise UsageError(f"cannot read stdin: {e.strerror or e}") from None
    return data


def read_input(option: str, source: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``source``, or of stdin for
    ``-``: more than ``limit`` bytes means the input is too large. Anything but a
    regular file (a directory, a FIFO, a device) is refused before it is read, and the
    file is opened without blocking and checked again, so a FIFO without a writer cannot
    hang the command nor a device feed it without end."""
    if source == "-":
        return _read_stdin(limit)

    def refuse(mode: int) -> UsageError:
        return UsageError(f"{option} {source}: {_kind(mode)}, not a regular file (give a file, or - for stdin)")

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        mode = os.stat(source).st_mode
        if not stat.S_ISREG(mode):
            raise refuse(mode)
        with open(os.open(source, flags), "rb") as f:
            mode = os.fstat(f.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise refuse(mode)
            return f.read(limit + 1)
    except OSError as e:
        raise UsageError(f"{option} {source}: cannot read it: {e.strerror or e}") from None


def read_token(arg: str) -> str:
    """The token argument, or for ``-`` the token on stdin without surrounding
    whitespace: at most the core's default token size and a line ending are read."""
    if arg != "-":
        return arg
    line_ending = 2
    data = _read_stdin(DEFAULT_MAX_TOKEN_SIZE + line_ending)
    if len(data) > DEFAULT_MAX_TOKEN_SIZE + line_ending:
        raise UsageError(
            f"TOKEN -: stdin holds more than {DEFAULT_MAX_TOKEN_SIZE} bytes and a line ending (the token size limit)"
        )
    # Bytes that are not UTF-8 reach the core as U+FFFD, which it rejects as malformed.
    return data.strip().decode("utf-8", errors="replace")


def check_stdin_use(args: argparse.Namespace) -> None:
    """Stdin can be read once: by TOKEN or by one --jwks, not both."""
    readers = [f"--jwks {s}" for s in args.jwks if s == "-"] + (["TOKEN"] if args.token == "-" else [])
    if len(readers) > 1:
        raise UsageError(f"stdin can be read only once, not by {' and '.join(readers)}")


def _fetch_options(args: argparse.Namespace) -> Dict[str, Any]:
    return {"allow_http_loopback": args.allow_http_loopback, "timeout": args.timeout}


def read_key_set(source: str) -> KeySet:
    """The key set in the file ``source`` (``-``: stdin), within the core's size limit.
    Raises ``KeySetError`` (exit 1) or ``UsageError`` (exit 2)."""
    document = read_input("--jwks", source, DEFAULT_MAX_KEY_SET_SIZE)
    try:
        return KeySet.from_jwks(document)
    except KeySetError as e:
        if len(document) <= DEFAULT_MAX_KEY_SET_SIZE:
            raise
        # Only the first limit + 1 bytes were read, and the core refused them.
        detail = f"{source} holds more than {DEFAULT_MAX_KEY_SET_SIZE} bytes"
        raise KeySetError(f"{e} ({detail})", reason=e.reason, code=e.code, detail=e.detail) from None


def _quiet_logger() -> logging.Logger:
    """Fetch failures are reported as the command's error, not logged as well."""
    logger = logging.getLogger("jwtguard.cli")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    return logger


def load_keys(args: argparse.Namespace, policy: Policy) -> Validator:
    """A :class:`Validator` over every key source given, each fetched once: the keys of
    each ``--openid-config`` sign only for the issuer its configuration names, those of
    ``--jwks`` for the policy's issuers. Sources are searched in that order:
    ``--openid-config``, ``--jwks`` URLs, ``--jwks`` files. Raises
    ``DiscoveryError``/``KeySetError`` (exit 1), ``UsageError`` or ``PolicyError``
    (exit 2)."""
    urls = [s for s in args.jwks if re.match(r"^https?://", s, re.IGNORECASE)]
    files = [read_key_set(s) for s in args.jwks if s not in urls]
    try:
        validator = Validator(
            args.openid_config or None,
            jwks_uri=urls or None,
            keys=files or None,
            policy=policy,
            cache_size=0,
            logger=_quiet_logger(),
            **_fetch_options(args),
        )
    except PolicyError as e:
        if policy.is_complete:
            raise
        raise UsageError(f"give --issuer: keys from --jwks sign for the policy's issuers ({_format_error(e)})") from None
    if not validator.refresh():
        error = validator.last_error
        raise error if error is not None else DiscoveryError("the keys could not be fetched")
    return validator


def policy_arguments(args: argparse.Namespace) -> Dict[str, Any]:
    """Everything of the policy except audiences and issuers."""
    out: Dict[str, Any] = {
        "required_claims": [parse_required_claim(s) for s in args.require_claim],
        "clock_skew": args.clock_skew,
    }
    if args.algorithm:
        out["algorithms"] = args.algorithm
    if args.require_kid:
        out["require_kid"] = True
    if args.token_type:
        out["token_types"] = args.token_type
    return out


# --- explain ------------------------------------------------------------------------------


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class _Undecodable(Exception):
    """Why a token segment is not shown."""


def _nesting(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text (brackets inside strings
    do not count), the way the core counts it: the top-level object is depth 1."""
    depth = deepest = 0
    in_string = escaped = False
    for c in text:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth -= 1
    return deepest


def _segment_json(segment: str, name: str) -> Any:
    """A token segment as JSON, within the core's rules for the encoding (base64url,
    no padding) and its nesting limit, so that nothing here can recurse without bound.
    Raises ``_Undecodable``."""
    if not _BASE64URL.fullmatch(segment):
        raise _Undecodable(f"the {name} is not base64url (A-Z a-z 0-9 - _, no padding)")
    try:
        text = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode("utf-8")
    except ValueError:  # binascii.Error (a bad length) and UnicodeDecodeError
        raise _Undecodable(f"the {name} is not base64url-encoded UTF-8") from None
    if _nesting(text) > MAX_JSON_DEPTH:
        raise _Undecodable(f"the {name} nests deeper than {MAX_JSON_DEPTH} levels (the core's limit)")
    try:
        return json.loads(text)
    except ValueError as e:
        raise _Undecodable(f"the {name} is not JSON: {e}") from None


def decode_unverified(
    token: str, max_token_size: int = DEFAULT_MAX_TOKEN_SIZE
) -> Tuple[Optional[Any], Optional[Any], List[str]]:
    """The header and claims as they appear in the token, *not verified*, and why a
    part could not be decoded. A token longer than ``max_token_size`` is not decoded."""
    problems: List[str] = []
    header = claims = None
    size = len(token.encode("utf-8", errors="replace"))
    if size > max_token_size:
        problems.append(f"the token is {size} bytes, more than {max_token_size}: not decoded")
        return header, claims, problems
    parts = token.split(".")
    if len(parts) != 3:
        problems.append(f"the token has {len(parts)} segment(s), not 3")
    try:
        header = _segment_json(parts[0], "header")
    except _Undecodable as e:
        problems.append(str(e))
    if len(parts) > 1:
        try:
            claims = _segment_json(parts[1], "payload")
        except _Undecodable as e:
            problems.append(str(e))
    return header, claims, problems


def _when(value: Any, now: int) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    try:
        stamp = datetime.datetime.fromtimestamp(value, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, OSError, ValueError):
        return ""
    delta = int(value - now)
    relative = f"in {delta} s" if delta > 0 else f"{-delta} s ago" if delta < 0 else "now"
    return f"{stamp} ({relative})"


class _Rule:
    def __init__(self, name: str) -> None:
        self.name = name
        self.status = "not evaluated"
        self.reason: Optional[str] = None
        self.message: Optional[str] = None
        self.note = ""

    def passed(self, note: str = "") -> None:
        self.status, self.note = "pass", note

    def failed(self, error: JwtGuardError, note: str = "") -> None:
        self.status, self.reason, self.message, self.note = "fail", error.reason, str(error), note

    def as_dict(self) -> Dict[str, Any]:
        return {
            "rule": self.name,
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "note": self.note,
        }


def _rule_of(error: TokenError) -> str:
    """Which rule a core claim error belongs to (for attributing isolated checks)."""
    if error.reason == "TokenMalformed":  # the payload is not a JSON object
        return _FORMAT
    if error.reason == "TokenClaimMalformed":
        return {"aud": "audience", "iss": "issuer"}.get(error.claim or "", _FORMAT)
    return {
        "TokenExpirationTimeMissing": "exp",
        "TokenExpired": "exp",
        "TokenNotYetValid": "nbf",
        "TokenAudienceNotAllowed": "audience",
        "TokenIssuerNotAllowed": "key issuer" if "signing key" in (error.detail or "") else "issuer",
        "TokenClaimNotFound": f"claim {error.claim}",
        "TokenClaimValueNotAllowed": f"claim {error.claim}",
        "TokenTypeNotAllowed": "type",
    }.get(error.reason or "", "?")


def explain(
    token: str,
    validator: Optional[Validator],
    *,
    audiences: Sequence[str] = (),
    issuers: Sequence[str] = (),
    now: Optional[int] = None,
    key_error: Optional[BaseException] = None,
    **policy_args: Any,
) -> Dict[str, Any]:
    """Every rule's verdict for ``token``, each decided by the core, with the keys
    ``validator`` fetched: the JWS layer for the signature; for each claim rule, the
    core's verification with the key set whose key verified the signature, under a policy
    that waives every other rule (lifetime checks are waived with the core's own
    saturating time arithmetic: ``now = 0`` and the largest clock skew); for the issuer,
    the validator's verifier, which binds each source to the issuers it may sign for; and
    that verifier under the full policy for the verdict. Claim rules are evaluated only
    when the signature verifies."""
    import time as _time

    now = int(_time.time()) if now is None else now
    header, claims, problems = decode_unverified(token, policy_args.get("max_token_size", DEFAULT_MAX_TOKEN_SIZE))
    required: List[RequiredClaim] = list(policy_args.pop("required_claims", ()) or ())
    skew = int(policy_args.get("clock_skew", 0) or 0)
    require_exp = policy_args.pop("require_expiration_time", True)
    check_key_issuer = policy_args.pop("check_key_issuer", True)
    token_types: List[str] = list(policy_args.pop("token_types", ()) or ())
    waived = Policy(
        any_audience=True,
        any_issuer=True,
        check_key_issuer=False,
        require_expiration_time=False,
        **policy_args,
    )
    lifetime_waived = waived.replace(clock_skew=MAX_SKEW)
    key_sets = list(validator.key_sets) if validator is not None else []
    rules: Dict[str, _Rule] = {}

    def rule(name: str) -> _Rule:
        return rules.setdefault(name, _Rule(name))

    signature = rule("signature")
    names = ["type", _FORMAT, "exp", "nbf", "audience", "issuer", "key issuer"] + [f"claim {c.name}" for c in required]
    verified = None
    if validator is None:
        signature.note = f"no keys: {key_error}" if key_error else "no keys given"
    else:
        try:
            verified = verify_jws(
                token,
                key_sets,
                algorithms=waived.algorithms,
                max_token_size=waived.max_token_size,
                kid_miss_fallback=waived.kid_miss_fallback,
                require_kid=waived.require_kid,
            )
            kid = f"key {verified.key_kid!r}" if verified.key_kid else "a key without kid"
            signature.passed(f"{verified.alg} with {kid} (key set {verified.key_set_index + 1} of {len(key_sets)})")
        except TokenError as e:
            signature.failed(e)
        except JwtGuardError as e:  # e.g. a policy problem in the algorithms
            signature.failed(e)

    if verified is None or validator is None:
        for name in names:
            rule(name).note = "the signature did not verify: claims are untrusted" if validator else "no keys"
    else:
        signing_keys, bound = key_sets[verified.key_set_index], validator

        def run(policy: Policy, at: int) -> Optional[TokenError]:
            """The core's verification under ``policy`` with the signing key's set."""
            try:
                verify(token, signing_keys, policy, at)
                return None
            except TokenError as e:
                return e

        def run_bound(policy: Policy, at: int) -> Optional[TokenError]:
            """The validator's verifier under ``policy``: each source's issuer binding applies."""
            try:
                bound._verify_with(token, at, policy)
                return None
            except TokenError as e:
                return e

        # Well-formedness of exp/nbf/iat, then exp, then (if exp passed) nbf: one run.
        first = run(waived.replace(require_expiration_time=require_exp), now)
        blocked: Optional[str] = None
        if first is not None and _rule_of(first) == _FORMAT:
            rule(_FORMAT).failed(first)
            blocked = first.reason
        else:
            rule(_FORMAT).passed("payload is a JSON object; exp, nbf, iat well-formed")
            if first is not None and _rule_of(first) == "exp":
                exp = claims.get("exp") if isinstance(claims, dict) else None
                rule("exp").failed(first, f"exp {_when(exp, now)}" if exp is not None else "")
                # nbf alone: now=0 with skew now+skew keeps `nbf > now + skew` exact while
                # `exp <= 0` can only fail for exp == 0.
                alone = run(waived.replace(clock_skew=min(now + skew, MAX_SKEW)), 0)
                if alone is None:
                    nbf = claims.get("nbf") if isinstance(claims, dict) else None
                    rule("nbf").passed(f"nbf {_when(nbf, now)}" if nbf is not None else "no nbf")
                elif _rule_of(alone) == "nbf":
                    rule("nbf").failed(alone)
                else:
                    rule("nbf").note = f"not evaluated ({alone.reason})"
            else:
                exp = claims.get("exp") if isinstance(claims, dict) else None
                rule("exp").passed(f"exp {_when(exp, now)}" if exp is not None else "no exp (not required)")
                if first is not None and _rule_of(first) == "nbf":
                    rule("nbf").failed(first)
                else:
                    nbf = claims.get("nbf") if isinstance(claims, dict) else None
                    rule("nbf").passed(f"nbf {_when(nbf, now)}" if nbf is not None else "no nbf")

        def isolated(
            name: str, policy: Policy, note: str = "", check: Callable[[Policy, int], Optional[TokenError]] = run
        ) -> None:
            r = rule(name)
            if blocked:
                r.note = f"not evaluated ({blocked})"
                return
            outcome = check(policy, 0)
            if outcome is None:
                r.passed(note)
            elif _rule_of(outcome) == name:
                r.failed(outcome, note)
            else:
                r.note = f"not evaluated ({outcome.reason})"

        if token_types:
            typ = header.get("typ") if isinstance(header, dict) else None
            isolated("type", lifetime_waived.replace(token_types=token_types), f"typ {typ!r}")
        else:
            rule("type").note = "no token type required"
        if audiences:
            isolated("audience", lifetime_waived.replace(audiences=list(audiences), any_audience=False))
        else:
            rule("audience").note = "no audience configured"
        # The policy's issuers (if any) and the issuers the key's source may sign for.
        by_issuers = lifetime_waived.replace(issuers=list(issuers), any_issuer=not issuers)
        isolated("issuer", by_issuers, "" if issuers else "no --issuer: the key's source only", run_bound)
        if not check_key_issuer:
            rule("key issuer").note = "check disabled"
        elif verified.key_issuer is None:
            rule("key issuer").status = "n/a"
            rule("key issuer").note = "the signing key has no issuer"
        else:
            isolated("key issuer", lifetime_waived.replace(check_key_issuer=True), f"key issuer {verified.key_issuer}")
        for claim in required:
            isolated(f"claim {claim.name}", lifetime_waived.replace(required_claims=[claim]))

    # The verdict: the full policy, with the validator's sources and their bindings.
    verdict: Dict[str, Any] = {"valid": False, "reason": None, "message": None}
    try:
        full = Policy(
            audiences=list(audiences),
            issuers=list(issuers),
            required_claims=required,
            require_expiration_time=require_exp,
            check_key_issuer=check_key_issuer,
            token_types=token_types,
            **policy_args,
        )
        if validator is None:
            verdict.update(reason=getattr(key_error, "reason", None), message=str(key_error or "no keys given"))
        else:
            validator._verify_with(token, now, full)
            verdict["valid"] = True
    except JwtGuardError as e:
        verdict.update(reason=e.reason, message=str(e))
    return {
        "header": header,
        "claims": claims,
        "decode_problems": problems,
        "signature_verified": verified is not None,
        "now": now,
        "rules": [rules[n].as_dict() for n in ["signature"] + names if n in rules],
        "verdict": verdict,
    }


def render(report: Dict[str, Any]) -> str:
    lines: List[str] = []
    trust = "signature verified" if report["signature_verified"] else "NOT verified"
    for label, key in (("header", "header"), ("claims", "claims")):
        lines.append(f"{label} ({trust}):")
        value = report[key]
        text = json.dumps(value, indent=2, ensure_ascii=False) if value is not None else "(cannot decode)"
        lines.extend("  " + line for line in text.splitlines())
    for problem in report["decode_problems"]:
        lines.append(f"decoding: {problem}")
    lines.append(f"now: {report['now']} ({_when(report['now'], report['now']).split(' ')[0]})")
    lines.append("rules:")
    width = max(len(r["rule"]) for r in report["rules"])
    for r in report["rules"]:
        status = {"pass": "PASS", "fail": "FAIL"}.get(r["status"], "-")
        detail = "; ".join(part for part in (r["message"], r["note"]) if part)
        if r["status"] == "n/a":
            detail = f"n/a: {detail}" if detail else "n/a"
        lines.append(f"  {status:<4}  {r['rule']:<{width}}  {detail}".rstrip())
    v = report["verdict"]
    lines.append("verdict: VALID" if v["valid"] else f"verdict: REJECTED  {v['message']}")
    return "\n".join(lines)


# --- commands -----------------------------------------------------------------------------


def _format_error(e: JwtGuardError) -> str:
    text = str(e)
    if e.reason and text.startswith(e.reason + ":"):
        return text
    return f"{e.reason or type(e).__name__}: {text}"


def cmd_verify(args: argparse.Namespace) -> int:
    check_stdin_use(args)
    token = read_token(args.token)
    if not args.openid_config and not args.jwks:
        raise UsageError("give --openid-config URL or --jwks FILE_OR_URL")
    policy = Policy(audiences=args.audience, issuers=args.issuer, **policy_arguments(args))
    claims = load_keys(args, policy)._verify_with(token, args.now)
    print(json.dumps(claims, indent=2, ensure_ascii=False))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    check_stdin_use(args)
    token = read_token(args.token)
    extra = policy_arguments(args)
    validator: Optional[Validator] = None
    key_error: Optional[BaseException] = None
    if args.openid_config or args.jwks:
        try:
            # Only its keys are used: every check below names its own policy.
            validator = load_keys(args, Policy(any_audience=True, any_issuer=True))
        except (DiscoveryError, KeySetError) as e:
            key_error = e
    report = explain(
        token,
        validator,
        audiences=args.audience,
        issuers=args.issuer,
        now=args.now,
        key_error=key_error,
        **extra,
    )
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else render(report))
    return 0 if report["verdict"]["valid"] else 1


def replaceable(path: str) -> Optional[os.stat_result]:
    """The ``lstat`` of the file at ``path``, ``None`` when there is none yet. Raises
    ``UsageError`` when ``path`` is not a regular file: a symbolic link (neither followed
    nor replaced), a directory, a FIFO, a device."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(f"{path} is a symbolic link: not replaced (give the path of the file itself)")
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{path} is {_kind(st.st_mode)}, not a regular file: not replaced")
    return st


def write_atomically(path: str, data: bytes) -> None:
    """Replaces the regular file ``path`` (or creates it) with ``data`` through a new
    temporary file in the same directory (``O_EXCL``), written, ``fsync``-ed and renamed
    over it: readers (nginx) see the old file or the new one, never a part. An existing
    file keeps its owner, group and mode, less group and world write; a new one gets
    0644. When the owner and group cannot be kept (not root, and not the file's owner
    in its group), or ``path`` is not a regular file (see :func:`replaceable`), nothing
    is written and ``UsageError`` is raised."""
    existing = replaceable(path)
    mode = stat.S_IMODE(existing.st_mode) & 0o777 & ~0o022 if existing else 0o644
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            if existing:
                created = os.fstat(f.fileno())
                owner = (existing.st_uid, existing.st_gid)
                if (created.st_uid, created.st_gid) != owner:
                    try:
                        os.fchown(f.fileno(), *owner)
                    except PermissionError:
                        raise UsageError(
                            f"{path}: cannot keep its owner and group ({owner[0]}:{owner[1]}): not replaced"
                        ) from None
            os.fchmod(f.fileno(), mode)  # after fchown, which may clear mode bits
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def cmd_fetch_jwks(args: argparse.Namespace) -> int:
    options = _fetch_options(args)
    replaceable(args.output)  # refused before anything is fetched
    issuer = None
    if args.openid_config:
        config = discover(args.openid_config, **options)
        issuer, url = config.issuer, config.jwks_uri
    else:
        url = args.jwks_uri
    document, keys = fetch_jwks(url, **options)  # written only if it loads
    try:
        write_atomically(args.output, document)
    except OSError as e:
        raise UsageError(f"cannot write {args.output}: {e.strerror or e}") from None
    print(f"wrote {len(keys)} usable key(s) {keys.kids} from {url} to {args.output}", file=sys.stderr)
    if issuer:
        print(f"issuer: {issuer}", file=sys.stderr)
    for kid, reason, detail in keys.rejected:
        print(f"skipped key {kid!r}: {reason}: {detail}", file=sys.stderr)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = {"verify": cmd_verify, "explain": cmd_explain, "fetch-jwks": cmd_fetch_jwks}[args.command]
    try:
        return command(args)
    except UsageError as e:
        parser.exit(2, f"{parser.prog} {args.command}: error: {e}\n")
    except PolicyError as e:
        parser.exit(2, f"{parser.prog} {args.command}: error: {_format_error(e)}\n")
    except JwtGuardError as e:
        print(_format_error(e), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
