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

Writes whose reply a request does not need (a session saved, the journal entry) are *deferred*
while a request runs (``batch``): packed and kept until the request's next command or its answer,
then sent in the same round trip (``flush``, called before the answer leaves: read-after-write
holds for any client that saw the answer). Redis runs them in the order they were made.
"""

from __future__ import annotations

import hashlib
import os
import socket
import struct
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import hiredis
import redis
from redis.connection import Connection, UnixDomainSocketConnection

Arg = bytes | str | int | float

TIMEOUT_S = 30.0
"""A reply slower than this is a lost connection (the store's scripts take microseconds)."""


def pack(args: Sequence[Arg]) -> bytes:
    parts = []
    for arg in args:
        raw = arg.encode() if type(arg) is str else arg if type(arg) is bytes else str(arg).encode()
        parts.append(b"$%d\r\n%b\r\n" % (len(raw), raw))
    return b"*%d\r\n" % len(args) + b"".join(parts)


def ask(sock: socket.socket, reader: Any, command: Sequence[Arg]) -> Any:
    """Send one command on a blocking socket and read its reply (set-up commands: AUTH, SELECT,
    SUBSCRIBE); an error reply is raised as ``redis.ResponseError``, a closed socket as ``OSError``."""
    sock.sendall(pack(command))
    reply = reader.gets()
    while reply is False:
        data = sock.recv(65536)
        if not data:
            raise OSError("Redis closed the connection")
        reader.feed(data)
        reply = reader.gets()
    if isinstance(reply, redis.ResponseError):
        raise reply
    return reply


class _Deferred:
    """A write kept for the request's next round trip; ``retry``: its script, if Redis forgot it."""

    __slots__ = ("packed", "replies", "retry")

    def __init__(self, packed: bytes, retry: Sequence[Arg] | None, replies: int = 1) -> None:
        self.packed = packed
        self.retry = retry
        self.replies = replies


class _Batch(list[_Deferred]):
    """A request's deferred writes for ``line``; once closed, a write made in its context (a task
    the request left behind) is sent at once."""

    open = True

    def __init__(self, line: Line) -> None:
        super().__init__()
        self.line = line


_BATCH: ContextVar[_Batch | None] = ContextVar("mockserver_wire_batch", default=None)


@contextmanager
def batch(line: Line | None) -> Iterator[None]:
    """Writes this request makes on ``line`` inside are deferred to its next round trip, ``flush``
    before its answer at the latest; what is left when the block ends is sent then."""
    if line is None:
        yield
        return
    deferred = _Batch(line)
    token = _BATCH.set(deferred)
    try:
        yield
    finally:
        deferred.open = False
        _BATCH.reset(token)
        if deferred:
            line.flush(deferred)


class _Line:
    """One connected socket and its reply parser."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = hiredis.Reader(replyError=redis.ResponseError)
        self.buffer = bytearray(65536)  # replies are read into this (no new buffer per read)
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

    def open(self) -> socket.socket:
        """A new connection, set up (AUTH, SELECT): blocking, with the timeout in the kernel
        (``SO_RCVTIMEO``), so a read is one ``recv`` and no ``poll`` before it."""
        sock = socket.socket(self._family, socket.SOCK_STREAM)
        try:
            sock.settimeout(TIMEOUT_S)
            sock.connect(self._address)
            if self._family != socket.AF_UNIX:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.settimeout(None)
            limit = struct.pack("ll", int(TIMEOUT_S), 0)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, limit)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, limit)
            reader = hiredis.Reader(replyError=redis.ResponseError)
            for command in self._setup:  # AUTH, SELECT
                ask(sock, reader, command)
        except (OSError, hiredis.ProtocolError) as error:
            sock.close()
            raise redis.ConnectionError(f"cannot reach Redis: {error}") from error
        except redis.ResponseError:
            sock.close()
            raise
        return sock

    def _line(self) -> _Line:
        line: _Line | None = getattr(self._local, "line", None)
        if line is None:
            line = self._local.line = _Line(self.open())
        return line

    def _drop(self, line: _Line) -> None:
        line.sock.close()
        self._local.line = None

    def _exchange(self, line: _Line, packed: bytes, count: int = 1) -> list[Any]:
        """Send ``count`` packed commands at once; their replies (error replies as values)."""
        replies: list[Any] = []
        reader, sock, buffer = line.reader, line.sock, line.buffer
        try:
            sock.sendall(packed)
            while True:
                reply = reader.gets()
                if reply is False:
                    size = sock.recv_into(buffer)
                    if not size:
                        raise OSError("Redis closed the connection")
                    reader.feed(buffer, 0, size)  # type: ignore[arg-type]  # any buffer (hiredis: "s*")
                    continue
                replies.append(reply)
                if len(replies) == count:
                    return replies
        except (OSError, hiredis.ProtocolError) as error:
            self._drop(line)
            raise redis.ConnectionError(f"lost the connection to Redis: {error}") from error

    def _send(self, packed: bytes) -> Any:
        """One command, sent with the request's deferred writes (if any) ahead of it."""
        deferred = _BATCH.get()
        if not deferred:
            [reply] = self._exchange(self._line(), packed)
        else:
            todo = deferred[:]
            deferred.clear()
            count = sum(d.replies for d in todo)
            replies = self._exchange(self._line(), b"".join(d.packed for d in todo) + packed, count + 1)
            reply = replies.pop()
            self._settle(todo, replies)
        self._client.fence_pending = False  # type: ignore[attr-defined]
        return reply

    def _settle(self, done: list[_Deferred], replies: list[Any]) -> None:
        """Deferred writes' replies: a script Redis forgot is sent once more (it did not run);
        another error reply is raised once all replies are read (the line stays in step)."""
        failed: redis.ResponseError | None = None
        place = 0
        for item in done:
            reply, place = replies[place + item.replies - 1], place + item.replies
            if item.replies > 1:  # a MULTI block: an error of any of its commands counts
                reply = next(
                    (r for r in replies[place - item.replies : place] if isinstance(r, redis.ResponseError)), reply
                )
            if isinstance(reply, redis.ResponseError):
                if item.retry is not None and str(reply).startswith("NOSCRIPT"):
                    [reply] = self._exchange(self._line(), pack(item.retry))
                if isinstance(reply, redis.ResponseError) and failed is None:
                    failed = reply
        if failed is not None:
            raise failed

    def call(self, *args: Arg) -> Any:
        """One command, its reply (an error reply raises ``redis.ResponseError``)."""
        reply = self._send(pack(args))
        if isinstance(reply, redis.ResponseError):
            raise reply
        return reply

    def defer(self, *args: Arg, retry: Sequence[Arg] | None = None) -> None:
        """A write whose reply is not needed: inside ``batch`` it waits for the request's next
        round trip (``flush`` at the latest), else it is sent now."""
        deferred = _BATCH.get()
        if deferred is None or not deferred.open:
            self._settle([_Deferred(b"", retry)], [self._send(pack(args))])
        else:
            deferred.append(_Deferred(pack(args), retry))

    def defer_packed(self, packed: bytes, replies: int) -> None:
        """Commands packed by the caller (``pack``), ``replies`` of them, deferred as one."""
        deferred = _BATCH.get()
        if deferred is None or not deferred.open:
            self.flush([_Deferred(packed, None, replies)])
        else:
            deferred.append(_Deferred(packed, None, replies))

    def flush(self, deferred: list[_Deferred] | None = None) -> None:
        """Send the request's deferred writes (one round trip) and check their replies."""
        if deferred is None:
            deferred = _BATCH.get()
        if deferred:
            todo = deferred[:]
            deferred.clear()
            count = sum(d.replies for d in todo)
            replies = self._exchange(self._line(), b"".join(d.packed for d in todo), count)
            self._client.fence_pending = False  # type: ignore[attr-defined]
            self._settle(todo, replies)

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

    def defer(self, keys: Sequence[Arg] = (), args: Sequence[Arg] = ()) -> None:
        """Run it with the request's next round trip (``Line.defer``); its reply is not needed."""
        retry = ("EVAL", self._source, len(keys), *keys, *args)
        self._line.defer("EVALSHA", self._sha, len(keys), *keys, *args, retry=retry)


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


def flush_batch() -> None:
    """Send the current request's deferred writes (before a command on another connection)."""
    deferred = _BATCH.get()
    if deferred:
        deferred.line.flush(deferred)


class _SlowScript:
    """redis-py's script (``rediss://``), with ``defer`` meaning now."""

    def __init__(self, client: redis.Redis, source: str) -> None:
        self._script: Any = client.register_script(source)

    def __call__(self, keys: Sequence[Arg] = (), args: Sequence[Arg] = ()) -> Any:
        return self._script(keys=keys, args=args)

    def defer(self, keys: Sequence[Arg] = (), args: Sequence[Arg] = ()) -> None:
        self._script(keys=keys, args=args)


def script_for(client: redis.Redis, source: str) -> Any:
    """A Lua script called as ``script(keys=..., args=...)`` or ``script.defer(...)`` (its reply
    not needed: sent with the request's next round trip): on the fast line when there is one."""
    line = line_for(client)
    return line.script(source) if line is not None else _SlowScript(client, source)


def hget_for(client: redis.Redis) -> Any:
    """``hget(key, field)`` on the fast line when there is one."""
    line = line_for(client)
    if line is None:
        return client.hget
    call = line.call

    def hget(key: str, field: str) -> Any:
        return call("HGET", key, field)

    return hget
