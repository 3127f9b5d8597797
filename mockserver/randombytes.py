"""Random bytes from the OS in blocks: one ``getrandom`` system call per ``BLOCK`` bytes, not per value.

Login keys, session ids and sesskeys each took an ``os.urandom`` call, a system call that cost as
much as a tenth of a request on a busy machine. The bytes are the same kind (the kernel's CSPRNG),
only fetched ahead; a forked worker starts with an empty block, so no two processes hand out the
same bytes.
"""

from __future__ import annotations

import os
import threading

BLOCK = 4096


class _Pool:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # requests run on one loop, but a sync route may call from threads
        self._block = b""
        self._at = 0

    def take(self, size: int) -> bytes:
        if size > BLOCK:
            return os.urandom(size)
        with self._lock:
            end = self._at + size
            if end > len(self._block):
                self._block, self._at, end = os.urandom(BLOCK), 0, size
            chunk = self._block[self._at : end]
            self._at = end
            return chunk

    def forget(self) -> None:
        self._lock = threading.Lock()
        self._block, self._at = b"", 0


_POOL = _Pool()
if hasattr(os, "register_at_fork"):  # not on Windows (no fork there)
    os.register_at_fork(after_in_child=_POOL.forget)


def random_bytes(size: int) -> bytes:
    """``os.urandom(size)``, served from the current block."""
    return _POOL.take(size)


def token_hex(size: int) -> str:
    """``secrets.token_hex(size)``."""
    return random_bytes(size).hex()
