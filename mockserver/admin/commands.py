"""``mockserver journal`` and ``mockserver verify``: read a running server's journal, verify calls.

Both talk to the admin API of ``--url`` (default ``$MOCKSERVER_URL``, else http://127.0.0.1:8000)
with ``--admin-token`` (default ``$MOCKSERVER_ADMIN_TOKEN``). ``verify`` exits 0 when the count
matches, 1 when it does not (printing the nearest requests), 2 when the server cannot be asked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8000"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=os.environ.get("MOCKSERVER_URL", DEFAULT_URL), help="server base URL")
    parser.add_argument("--admin-token", default=os.environ.get("MOCKSERVER_ADMIN_TOKEN"), help="admin bearer token")
    parser.add_argument("--tenant", default="default", help="tenant name (default: default)")
    parser.add_argument("--method")
    parser.add_argument("--path", help="path inside the wwwroot; '*' is a wildcard")
    parser.add_argument("--wsfunction")
    parser.add_argument("--user", help="user named by the request or acting (token / key owner)")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE", help="request parameter")
    parser.add_argument("--status", type=int)
    parser.add_argument("--since", help="tenant-clock time (Unix seconds or ISO 8601)")
    parser.add_argument("--until", help="tenant-clock time (Unix seconds or ISO 8601)")


def _pattern(args: argparse.Namespace) -> dict[str, Any]:
    pattern: dict[str, Any] = {
        name: getattr(args, name)
        for name in ("method", "path", "wsfunction", "user", "status", "since", "until")
        if getattr(args, name) is not None
    }
    params: dict[str, str] = {}
    for item in args.param:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--param: expected NAME=VALUE, got {item!r}")
        params[name] = value
    if params:
        pattern["params"] = params
    return pattern


def failure(command: str, url: str, exc: Exception) -> str:
    """One line naming the server URL tried: a refused connection alone does not say where."""
    import httpx

    if isinstance(exc, httpx.TransportError):
        reason = str(exc) or type(exc).__name__
        return f"mockserver {command}: cannot reach the mock server at {url}: {reason} (--url / $MOCKSERVER_URL)"
    text = str(exc)
    return f"mockserver {command}: {text}" if url in text else f"mockserver {command}: {url}: {text}"


def _admin(args: argparse.Namespace) -> Any:
    from mockserver.testing.client import AdminClient

    return AdminClient(args.url, args.admin_token)


def journal_command(args: argparse.Namespace) -> int:
    import httpx  # only the client commands need it; `serve` starts faster without

    from mockserver.testing.client import AdminError

    pattern = _pattern(args)
    if args.limit:
        pattern["limit"] = args.limit
    try:
        with _admin(args) as admin:
            tenant = admin.tenant(args.tenant)
            if args.json:
                print(json.dumps(tenant.journal(**pattern), indent=2, ensure_ascii=False))
            else:
                print(tenant.journal_text(**pattern), end="")
    except (AdminError, httpx.HTTPError) as exc:
        print(failure("journal", args.url, exc), file=sys.stderr)
        return 2
    return 0


def verify_command(args: argparse.Namespace) -> int:
    import httpx

    from mockserver.testing.client import AdminError

    expectation = _pattern(args)
    for name in ("count", "at_least", "at_most"):
        if getattr(args, name) is not None:
            expectation[name] = getattr(args, name)
    if "since" in expectation or "until" in expectation:
        from mockserver.admin.web import ApiError, parse_time

        try:
            for name in ("since", "until"):
                if name in expectation:
                    expectation[name] = parse_time(expectation[name], name)
        except ApiError as exc:
            print(f"mockserver verify: {exc.message}", file=sys.stderr)
            return 2
    try:
        with _admin(args) as admin:
            result = admin.tenant(args.tenant).verify(**expectation)
    except (AdminError, httpx.HTTPError) as exc:
        print(failure("verify", args.url, exc), file=sys.stderr)
        return 2
    print(result["message"], file=sys.stdout if result["ok"] else sys.stderr)
    return 0 if result["ok"] else 1


def add_commands(commands: Any) -> None:
    """Register ``journal`` and ``verify`` on the CLI's subparsers."""
    journal = commands.add_parser("journal", help="print the request journal of a running server")
    _common(journal)
    journal.add_argument("--limit", type=int, help="only the newest N matching requests")
    journal.add_argument("--json", action="store_true", help="full entries as JSON (secrets masked)")
    journal.set_defaults(func=journal_command)
    verify = commands.add_parser("verify", help="check how many requests matching a pattern a server received")
    _common(verify)
    counts = verify.add_mutually_exclusive_group()
    counts.add_argument("--count", type=int, help="exactly N (default: at least one)")
    counts.add_argument("--at-least", type=int)
    verify.add_argument("--at-most", type=int)
    verify.set_defaults(func=verify_command)
