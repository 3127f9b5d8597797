"""``mockserver serve | validate | schema | scenarios | init | journal | verify``.

Commands beyond ``serve`` live in small modules (mockserver/commands/, mockserver/admin/commands.py)
and register themselves on the subparsers here.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mockserver import __version__
from mockserver.admin.commands import add_commands as add_admin_commands
from mockserver.admin.masking import HIDDEN, shorten
from mockserver.commands import add_commands as add_world_commands
from mockserver.commands.helpformat import HelpfulParser
from mockserver.netcheck import listen_problem
from mockserver.worlds import DEFAULT_SCENARIO, ScenarioNotFound, find_scenario

if TYPE_CHECKING:  # the scenario models cost most of the import time: only commands that load one pay it
    from mockserver.world.spec import Scenario


def _serve(args: argparse.Namespace) -> int:
    from mockserver import serving
    from mockserver.app import create_app
    from mockserver.config import ServerConfig
    from mockserver.world.loadcache import load_scenario  # an unchanged scenario: validated before
    from mockserver.world.loader import ScenarioError

    # What is imported lives as long as the process: out of the cyclic GC's scans from here, so the
    # full collection after building the world (mockserver.world.gcpause) has only the world to look at.
    gc.freeze()
    try:
        # A path, else the name of a shipped scenario; no --scenario at all serves the demo.
        scenario_path = None if args.empty else find_scenario(args.scenario or DEFAULT_SCENARIO)
        loaded = load_scenario(scenario_path) if scenario_path else None
    except (ScenarioError, ScenarioNotFound) as exc:
        print(exc, file=sys.stderr)
        return 2
    for warning in loaded.warnings if loaded else []:
        print(warning, file=sys.stderr)
    config = ServerConfig(
        scenario_path=scenario_path,
        public_url=args.public_url,
        bind_host=args.host,
        allowed_hosts=tuple(args.allowed_host),
        admin_token=args.admin_token or os.environ.get("MOCKSERVER_ADMIN_TOKEN") or None,
        admin_open=args.admin_open,
        journal_size=args.journal_size,
        journal_bytes=args.journal_bytes,
        journal_entry_bytes=args.journal_entry_bytes,
        admin_max_body_bytes=args.admin_max_body,
        max_tenants=args.max_tenants,
        seed=args.seed,
        watch=args.watch,
        access_log=not args.quiet,
        store_url=args.store,
    )
    if args.workers > 1 and not args.store:
        print("--workers N needs --store redis://... or unix://... (one world shared by the workers)", file=sys.stderr)
        return 2
    if args.workers > 1 and (args.sence_port or args.drupal_port or args.watch):
        print("--workers N does not combine with --sence-port, --drupal-port or --watch", file=sys.stderr)
        return 2
    # A taken port is the only thing said: checked before the app is built and the banner printed.
    for port in (args.port, args.sence_port, args.drupal_port):
        problem = listen_problem(args.host, port) if port is not None else None
        if problem:
            print(f"mockserver: {problem}", file=sys.stderr)
            return 1
    app = create_app(config, loaded)
    # The loaded world lives as long as the process: keep it out of the cyclic GC's scans.
    gc.freeze()
    gc.enable()  # off during start-up (``main``)
    base = args.public_url or f"http://{args.host}:{args.port}"
    print(f"mockserver: serving {scenario_path or 'an empty world'} on {base}", flush=True)
    rule = _admin_rule(config.admin_token, config.admin_open)
    print(f"  admin API and dashboard: {base}/__mock/ ({rule})", flush=True)
    if loaded is not None:
        _print_demo_facts(loaded.scenario, base)
    if args.drupal_port:
        from mockserver.drupal.serve import run_with_drupal

        run_with_drupal(app, args.host, args.port, args.drupal_port, args.public_url, args.log_level, args.sence_port)
        return 0
    if args.sence_port:
        from mockserver.sence.serve import run_with_sence

        run_with_sence(app, args.host, args.port, args.sence_port, args.public_url, args.log_level)
        return 0
    if args.workers > 1:
        from mockserver import prefork

        return prefork.run(
            app, args.host, args.port, args.workers, log_level=args.log_level, request_timeout=args.request_timeout
        )
    serving.run(app, args.host, args.port, log_level=args.log_level, request_timeout=args.request_timeout)
    return 0


def _admin_rule(token: str | None, open_to_all: bool) -> str:
    if token:
        return "bearer token required"
    return "open to any client" if open_to_all else "loopback clients only"


def _print_demo_facts(scenario: Scenario, base: str) -> None:
    for token in scenario.tokens:
        print(f"  web service token {shorten(token.token)} (user {token.user}, service {token.service!r})")
    for user in scenario.users:
        if user.password:
            print(f"  user {user.username} / password {HIDDEN} (see the scenario)")
    print(f"  REST endpoint: {base}/webservice/rest/server.php", flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = HelpfulParser(prog="mockserver", description="Mock Moodle + SENCE test server")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=HelpfulParser)
    serve = commands.add_parser("serve", help="serve a scenario")
    serve.add_argument(
        "--scenario",
        metavar="PATH_OR_NAME",
        default=os.environ.get("MOCKSERVER_SCENARIO") or None,
        help="scenario YAML file, or the name of a shipped one (`mockserver scenarios`; $MOCKSERVER_SCENARIO) "
        f"(default: {DEFAULT_SCENARIO})",
    )
    serve.add_argument("--empty", action="store_true", help="serve an empty world instead of a scenario")
    serve.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to listen on ($HOST)")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="port ($PORT)")
    serve.add_argument(
        "--public-url",
        default=os.environ.get("MOCKSERVER_PUBLIC_URL") or None,
        help="base URL clients use (behind Docker, NAT or a proxy; $MOCKSERVER_PUBLIC_URL)",
    )
    serve.add_argument(
        "--allowed-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another Host name the admin API answers without a token (repeatable; DNS-rebinding guard)",
    )
    serve.add_argument("--admin-token", help="require this bearer token on the admin API")
    serve.add_argument(
        "--admin-open", action="store_true", help="admin API open to any client without a token (isolated networks)"
    )
    serve.add_argument(
        "--max-tenants", type=int, default=100, help="tenants at once, default included (more: 409 until one goes)"
    )
    serve.add_argument("--journal-size", type=int, default=1000, help="journal entries kept per tenant (0: off)")
    serve.add_argument(
        "--journal-bytes", type=int, default=64 * 1024 * 1024, help="bytes the journal of one tenant may hold"
    )
    serve.add_argument(
        "--journal-entry-bytes", type=int, default=64 * 1024, help="request parameter bytes one journal entry keeps"
    )
    serve.add_argument(
        "--admin-max-body", type=int, default=16 * 1024 * 1024, help="largest admin API request body (bytes)"
    )
    serve.add_argument("--seed", type=int, default=0, help="seed of the random sources (faults, worlds)")
    serve.add_argument("--watch", action="store_true", help="reload scenario and fixture files when they change")
    serve.add_argument("--sence-port", type=int, help="also serve SENCE's RCE paths on this port (another origin)")
    serve.add_argument(
        "--store",
        metavar="URL",
        default=os.environ.get("MOCKSERVER_STORE") or None,
        help="share run-time state through Redis (redis://host:6379/0, unix:///path/redis.sock): "
        "several workers or servers serve one site (docs/stores.md)",
    )
    serve.add_argument("--workers", type=int, default=1, help="worker processes (needs --store)")
    serve.add_argument("--drupal-port", type=int, help="also serve the fake Drupal site on this port (docs/drupal.md)")
    serve.add_argument("--log-level", default="warning", help="uvicorn's log level")
    serve.add_argument(
        "--request-timeout",
        type=float,
        default=30.0,
        help="seconds a client has to send a whole request (then: closed)",
    )
    serve.add_argument("--quiet", action="store_true", help="no console line per request (the journal still records)")
    serve.set_defaults(func=_serve)
    add_world_commands(commands)
    add_admin_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Start-up: the cyclic GC would scan the growing heap of imports and models again and again
    # while nothing is garbage yet (``serve`` turns it back on once the world is built), and
    # pydantic would read every installed distribution's metadata looking for plugins on the first
    # validation (the mock uses none; an explicit PYDANTIC_DISABLE_PLUGINS still wins).
    collecting = gc.isenabled()
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        args = build_parser().parse_args(argv)
        result: int = args.func(args)
    except BrokenPipeError:
        # The reader went away (``mockserver scenarios | head``): stop quietly, as Unix tools do, and
        # keep the interpreter's final flush from raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    finally:
        if collecting:
            gc.enable()
    return result
