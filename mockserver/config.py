"""Process-wide server settings (one immutable object, defaults for everything)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class ServerConfig:
    scenario_path: Path | None = None
    public_url: str | None = None
    bind_host: str | None = None  # the address the CLI listens on (URLs and the admin Host check)
    allowed_hosts: tuple[str, ...] = ()  # more Host names the admin API answers (--allowed-host)
    admin_token: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    max_body_bytes: int = 8 * 1024 * 1024
    journal_size: int = 1000
    journal_bytes: int = 64 * 1024 * 1024  # per tenant, all kept entries together
    journal_entry_bytes: int = 64 * 1024  # request parameters one journal entry keeps
    admin_max_body_bytes: int = 16 * 1024 * 1024  # a larger admin request body is a 413
    max_tenants: int = 100  # tenants at once, the default one included; POST /__mock/tenants past it: 409
    seed: int = 0
    admin_open: bool = False
    watch: bool = False
    watch_interval: float = 0.5
    access_log: bool = False  # one console line per request (`serve` without --quiet)
    store_url: str | None = None  # None: state in this process; redis:// or unix://: shared (mockserver.stores)
