"""The hot path's own line to Redis: commands packed here, replies parsed by hiredis, one socket
per thread of a process.

redis-py spends about 70 µs of CPU per command in Python (connection pool, encoders, response
callbacks, health checks); a request of login.php makes five. For the few commands requests make
(``HGET`` and the Lua scripts of the store), this costs about a tenth: the command is packed as
bytes and sent, the reply read with ``hiredis.Reader``. A script is sent by its SHA1; when Redis
does not know it yet (``NOSCRIPT``) the script itself is sent (``EVAL`` also loads it), so a
script never runs twice. A lost connection raises ``redis.ConnectionError`` and the next call
connects again (never resending: a take-once script must not run twice).

Only plain connections (``unix://`` and ``redis://``, with their password and database) go this
way; ``rediss://`` keeps redis-py (``line_for`` answers None). The client's ``fence_pending``
(mockserver/stores/connect.py) is cleared by every reply, as for redis-py's commands.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
import weakref
from collections.abc import Sequence
from typing import Any

import hiredis
import redis
from redis.connection import Connection, UnixDomainSocketConnection

Arg = bytes | str | int | float

TIMEOUT_S = 30.0
"""A reply slower than this is a lost connection (the store's scripts take microseconds)."""


def _pack(args: Sequence[Arg]) -> bytes:
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        raw = arg if isinstance(arg, bytes) else str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(raw), raw))
    return b"".join(parts)


class _Line:
    """One connected socket and its reply parser."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = hiredis.Reader(replyError=redis.ResponseError)
        # The socket closes when this goes (its thread ended, its client was dropped, a child forgot
        # its parent's): a finalizer, so it runs before the collector could find the socket unclosed.
        weakref.finalize(self, sock.close)


class Line:
    def __init__(self, client: redis.Redis, family: int, address: Any, setup: list[list[Arg]]) -> None:
        self._client = client
        self._family = family
        self._address = address
        self._setup = setup
        self._local = threading.local()
        _LINES.add(self)

    def forget(self) -> None:
        """After a fork: the child connects anew (it never uses its parent's sockets)."""
        self._local = threading.local()

    def _line(self) -> _Line:
        line: _Line | None = getattr(self._local, "line", None)
        if line is None:
            sock = socket.socket(self._family, socket.SOCK_STREAM)
            try:
                sock.settimeout(TIMEOUT_S)
                sock.connect(self._address)
                if self._family != socket.AF_UNIX:
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError as error:
                sock.close()
                raise redis.ConnectionError(f"cannot reach Redis: {error}") from error
            line = _Line(sock)
            self._local.line = line
            for command in self._setup:  # AUTH, SELECT
                reply = self._exchange(line, _pack(command))
                if isinstance(reply, redis.ResponseError):
                    self._drop(line)
                    raise reply
        return line

    def _drop(self, line: _Line) -> None:
        line.sock.close()
        self._local.line = None

    def _exchange(self, line: _Line, packed: bytes) -> Any:
        try:
            line.sock.sendall(packed)
            reply = line.reader.gets()
            while reply is False:
                data = line.sock.recv(65536)
                if not data:
                    raise OSError("Redis closed the connection")
                line.reader.feed(data)
                reply = line.reader.gets()
        except (OSError, hiredis.ProtocolError) as error:
            self._drop(line)
            raise redis.ConnectionError(f"lost the connection to Redis: {error}") from error
        return reply

    def call(self, *args: Arg) -> Any:
        """One command, its reply (an error reply raises ``redis.ResponseError``)."""
        reply = self._exchange(self._line(), _pack(args))
        self._client.fence_pending = False  # type: ignore[attr-defined]
        if isinstance(reply, redis.ResponseError):
            raise reply
        return reply

    def script(self, source: str) -> Script:
        return Script(self, source)


class Script:
    """Called like redis-py's ``Script``: ``script(keys=[...], args=[...])``."""

    def __init__(self, line: Line, source: str) -> None:
        self._line = line
        self._source = source
        self._sha = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()

    def __call__(self, keys: Sequence[Arg] = (), args: Sequence[Arg] = ()) -> Any:
        try:
            return self._line.call("EVALSHA", self._sha, len(keys), *keys, *args)
        except redis.ResponseError as error:
            if not str(error).startswith("NOSCRIPT"):
                raise
            return self._line.call("EVAL", self._source, len(keys), *keys, *args)


_LINES: weakref.WeakSet[Line] = weakref.WeakSet()
"""Every line of this process (weakly: a line goes with its client)."""


def _after_fork() -> None:
    for line in list(_LINES):
        line.forget()


os.register_at_fork(after_in_child=_after_fork)


def line_for(client: redis.Redis) -> Line | None:
    """The client's ``Line`` (one per client), or None when its connections are not plain ones."""
    found: Line | None = getattr(client, "_mockserver_line", None)
    if found is not None:
        return found
    pool = client.connection_pool
    options: dict[str, Any] = pool.connection_kwargs
    setup: list[list[Arg]] = []
    if options.get("password"):
        user = options.get("username")
        setup.append(["AUTH", user, options["password"]] if user else ["AUTH", options["password"]])
    if int(options.get("db") or 0):
        setup.append(["SELECT", int(options["db"])])
    if pool.connection_class is UnixDomainSocketConnection:
        found = Line(client, socket.AF_UNIX, options["path"], setup)
    elif pool.connection_class is Connection:
        host = options.get("host", "localhost")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        found = Line(client, family, (host, options.get("port", 6379)), setup)
    else:
        return None
    client._mockserver_line = found  # type: ignore[attr-defined]
    return found


def script_for(client: redis.Redis, source: str) -> Any:
    """A Lua script called as ``script(keys=..., args=...)``: on the fast line when there is one."""
    line = line_for(client)
    return line.script(source) if line is not None else client.register_script(source)


def hget_for(client: redis.Redis) -> Any:
    """``hget(key, field)`` on the fast line when there is one."""
    line = line_for(client)
    if line is None:
        return client.hget
    call = line.call

    def hget(key: str, field: str) -> Any:
        return call("HGET", key, field)

    return hget
